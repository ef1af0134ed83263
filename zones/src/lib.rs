//! Zone data for Rivet: domain names, resource records, the master-file parser and writer,
//! the immutable zone snapshot and its lookup, serial arithmetic.
//!
//! # Design
//!
//! Records keep their RDATA in uncompressed wire form ([`record::Rdata`]); the text forms
//! of each type are codecs over those bytes ([`rdata`]). A loaded zone is an immutable
//! value that the server swaps in whole; nothing here does I/O beyond reading zone files
//! and reading and writing journals ([`journal`]).

#![warn(missing_docs)]

pub mod diag;
pub mod diff;
pub mod journal;
pub mod lookup;
pub mod master;
pub mod name;
pub mod rdata;
pub mod record;
pub mod serial;
pub mod text;
pub mod types;
pub mod writer;
pub mod zone;

pub use diag::{Diagnostic, Severity};
pub use name::{Name, NameError};
pub use record::{Rdata, Record};
pub use types::{Class, RType};
