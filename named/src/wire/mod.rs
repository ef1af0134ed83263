//! The wire layer of the query path: pure functions over byte buffers.
//!
//! # Design
//!
//! A worker owns one [`query::Request`], one [`compress::Compressor`] and one output buffer
//! and reuses them for every packet, so nothing on this path allocates:
//!
//! 1. [`query::Request::parse`] reads the header, the question (the name is copied into a
//!    fixed 255-byte buffer, once as sent and once lower-cased) and the OPT record, walks
//!    the other records only to check them, and classifies the message the way BIND 9.18
//!    does: [`query::Verdict::Drop`], [`query::Verdict::Reply`] (an error answered at once)
//!    or [`query::Verdict::Accept`] with an [`query::Action`] to take once any TSIG is
//!    verified (look up, transfer, NOTIFY, UPDATE, or a refusal BIND makes after TSIG).
//! 2. [`response::ResponseWriter`] writes the answer into the caller's buffer: the header,
//!    the question with the client's case, RRsets appended one at a time with BIND 9.18's
//!    name compression ([`compress`]), truncation as BIND does it, and the OPT record
//!    ([`edns::OptRecord`]) reserved up front and written last.
//! 3. [`cookie`] makes and checks RFC 9018 server cookies; [`chaos`] answers the CHAOS
//!    `version.bind`, `hostname.bind`, `authors.bind` and `id.server` names.
//!
//! Every rule that decides an rcode or the shape of a reply was checked against a running
//! BIND 9.18.49 with crafted packets; the comments at each rule say what BIND answered.

pub mod chaos;
pub mod compress;
pub mod cookie;
pub mod edns;
pub mod header;
pub mod name;
pub mod query;
mod rdata_names;
pub mod response;

pub use compress::Compressor;
pub use edns::{ClientCookie, ClientSubnet, Edns, EdnsConfig, OptRecord};
pub use header::{Header, Opcode, Rcode};
pub use query::{Action, ParseOptions, Question, Refusal, ReplyOpt, Request, Verdict};
pub use response::{Pushed, ResponseWriter, RrsetHead, Section, WriteError};

/// The largest DNS message: the limit for TCP and the size of a worker's output buffer.
pub const MAX_MESSAGE: usize = 65535;

/// The size of a message without EDNS (RFC 1035 §4.2.1).
pub const PLAIN_UDP_SIZE: usize = 512;

/// Reads a big-endian u16 at `pos`; `None` past the end.
fn u16_at(buf: &[u8], pos: usize) -> Option<u16> {
    let bytes = buf.get(pos..pos.checked_add(2)?)?;
    Some(u16::from_be_bytes([bytes[0], bytes[1]]))
}

#[cfg(test)]
mod testutil;
