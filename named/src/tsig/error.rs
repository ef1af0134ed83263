//! TSIG error codes and the errors of signing and verifying.

use std::fmt;
use std::sync::Arc;

use zones::Name;

use super::algorithm::Mac;
use super::key::TsigKey;
use crate::wire::Rcode;

/// The Error field of a TSIG record (RFC 8945 §3, the IANA "TSIG Error" registry).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TsigRcode(pub u16);

impl TsigRcode {
    /// No error.
    pub const NOERROR: Self = Self(0);
    /// The MAC does not verify.
    pub const BADSIG: Self = Self(16);
    /// The key is not known (name or algorithm).
    pub const BADKEY: Self = Self(17);
    /// The time signed is outside the fudge.
    pub const BADTIME: Self = Self(18);
    /// The MAC is truncated more than the local policy allows.
    pub const BADTRUNC: Self = Self(22);
}

impl fmt::Debug for TsigRcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for TsigRcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::NOERROR => f.write_str("NOERROR"),
            Self::BADSIG => f.write_str("BADSIG"),
            Self::BADKEY => f.write_str("BADKEY"),
            Self::BADTIME => f.write_str("BADTIME"),
            Self::BADTRUNC => f.write_str("BADTRUNC"),
            Self(other) => write!(f, "TSIG error {other}"),
        }
    }
}

/// Why a message's TSIG record is malformed; BIND answers FORMERR, unsigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Malformed {
    /// Shorter than a header.
    #[error("shorter than a DNS header")]
    ShortHeader,
    /// A name, record or RDATA runs past the end of the message.
    #[error("the message ends inside a record")]
    Truncated,
    /// Bytes after the last record.
    #[error("bytes after the last record")]
    TrailingData,
    /// A name that cannot be read (bad label type, bad pointer, too long).
    #[error("a name cannot be read")]
    BadName,
    /// A TSIG record that is not the last record of the additional section, or a second
    /// one (RFC 8945 §5.1).
    #[error("a TSIG record that is not the last record of the additional section")]
    NotLast,
    /// A TSIG record whose class is not ANY.
    #[error("a TSIG record whose class is not ANY")]
    BadClass,
    /// TSIG RDATA whose fields do not fill its length exactly.
    #[error("TSIG RDATA whose fields do not fill its length")]
    BadRdata,
    /// A MAC longer than the algorithm's digest (RFC 8945 §5.2.2.1 rule 1).
    #[error("a MAC longer than the algorithm's digest")]
    MacTooLong,
    /// A MAC shorter than 10 bytes or half the digest (RFC 8945 §5.2.2.1 rule 3).
    #[error("a MAC shorter than 10 bytes or half the digest")]
    MacTooShort,
    /// Signing would make a message longer than 65535 bytes, or ARCOUNT overflow.
    #[error("the message would exceed the DNS limits")]
    TooBig,
}

/// A request's TSIG that was read but rejected with a TSIG error: what the error
/// response needs.
#[derive(Clone, Debug)]
pub struct Rejection {
    /// The rcode to answer with: NOTAUTH, or FORMERR for a MAC of a length RFC 8945
    /// §5.2.2.1 forbids.
    pub rcode: Rcode,
    /// BADKEY, BADSIG, BADTIME or BADTRUNC.
    pub error: TsigRcode,
    /// The key name of the record, as sent.
    pub key_name: Name,
    /// The algorithm name of the record, as sent.
    pub algorithm: Name,
    /// The record's Time Signed.
    pub time_signed: u64,
    /// The record's Fudge.
    pub fudge: u16,
    /// The record's Original ID.
    pub original_id: u16,
    /// The MAC as received.
    pub mac: Mac,
    /// The key, when the MAC verified with it (BADTIME, BADTRUNC): the error response is
    /// then signed.
    pub key: Option<Arc<TsigKey>>,
}

/// Why stream verification failed beyond a single message's TSIG (RFC 8945 §5.3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StreamFault {
    /// The first message of the stream carries no TSIG.
    #[error("the first message of the stream is not signed")]
    FirstUnsigned,
    /// A hundredth message in a row without TSIG.
    #[error("more than 99 messages in a row without TSIG")]
    TooManyUnsigned,
    /// The stream ended on a message without TSIG, or before any message.
    #[error("the last message of the stream is not signed")]
    LastUnsigned,
    /// A message after the stream failed verification.
    #[error("the stream already failed verification")]
    AlreadyFailed,
}

/// Why a message did not verify.
#[derive(Clone, Debug, thiserror::Error)]
pub enum VerifyError {
    /// The TSIG record or the message around it is malformed: answer FORMERR, unsigned
    /// and without TSIG.
    #[error("malformed TSIG: {0}")]
    Malformed(#[from] Malformed),
    /// A TSIG error: answer with the rejection's rcode and a TSIG record carrying the
    /// error ([`super::error_response`]).
    #[error("TSIG verification failed: {}", .0.error)]
    Rejected(Box<Rejection>),
    /// A response to a signed request came without TSIG.
    #[error("the response is not signed")]
    Unsigned,
    /// A response signed with another key or algorithm than the request.
    #[error("the response is signed with another key than the request")]
    WrongKey,
    /// The peer answered with a TSIG error (its own verification of our request failed).
    #[error("the peer answered TSIG error {0}")]
    PeerError(TsigRcode),
    /// A multi-message stream broke RFC 8945 §5.3.1's rules.
    #[error("{0}")]
    Stream(#[from] StreamFault),
}

impl VerifyError {
    /// The TSIG error code of the failure, for BADSIG, BADKEY, BADTIME and BADTRUNC (our
    /// verdict or the peer's).
    pub fn tsig_error(&self) -> Option<TsigRcode> {
        match self {
            Self::Rejected(r) => Some(r.error),
            Self::PeerError(code) => Some(*code),
            _ => None,
        }
    }

    /// The rcode a server answers a request with when it fails so: FORMERR for a
    /// malformed TSIG or a MAC of a forbidden length, NOTAUTH for a TSIG error.
    pub fn rcode(&self) -> Rcode {
        match self {
            Self::Malformed(_) => Rcode::FORMERR,
            Self::Rejected(r) => r.rcode,
            _ => Rcode::NOTAUTH,
        }
    }
}

/// Why a message could not be signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The message to sign is malformed (too short for a header, for one).
    #[error("cannot sign: {0}")]
    Malformed(#[from] Malformed),
    /// RFC 8945 §5.3.1: the first message of a stream must be signed.
    #[error("the first message of a stream must be signed")]
    FirstUnsigned,
    /// The stream signer already signed a message that ended in error.
    #[error("the stream signer is unusable after an error")]
    AlreadyFailed,
}
