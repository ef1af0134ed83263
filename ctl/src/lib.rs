//! BIND's control-channel protocol (rndc), shared by `rivetctl` and `rivetd`.
//!
//! # Design
//!
//! Each module has one job, from the bytes up:
//!
//! - [`wire`]: frames and the table/list/binary serialisation; a decoder that bounds every
//!   length and the nesting depth.
//! - [`auth`]: the `_auth` section, HMAC-MD5 and HMAC-SHA1/224/256/384/512 as BIND signs.
//! - [`message`]: requests and responses (`_ctrl`, `_data`), signed and framed.
//! - [`result`]: the result codes and their texts.
//! - [`command`]: command lines split into words, and the commands a client knows.
//! - [`client`]: a blocking client doing rndc's nonce handshake.
//! - [`server`]: one connection's server side without a transport: authentication, clock,
//!   expiry, replay and nonce checks, replies built from a handler's [`server::Outcome`].
//! - [`settings`]: rndc.conf / rndc.key resolution as rndc does it.
//! - [`render`]: printing a response as rndc prints it, and as JSON.
//! - [`keygen`]: making keys and writing key files safely.
//!
//! The wire format is in the project's specification of the rndc protocol; this crate
//! follows BIND 9.18 byte for byte, so real `rndc` and real `named` interoperate with it.

#![warn(missing_docs)]

pub mod auth;
pub mod cli;
pub mod client;
pub mod command;
pub mod keygen;
pub mod message;
pub mod render;
pub mod result;
pub mod server;
pub mod settings;
pub mod wire;

pub use auth::ControlKey;
pub use client::{Client, ClientError, ClientOptions};
pub use message::{Request, Response};
pub use result::ResultCode;
pub use server::{CommandRequest, Incoming, Outcome, Reject, ReplayCache, Session};
