//! TSIG (RFC 8945): signing and verifying DNS messages with shared HMAC keys.
//!
//! # Pieces
//!
//! - [`KeyRing`] holds the configured keys ([`TsigKey`], built from `conf::model::Key`),
//!   looked up by name (without regard to case) and algorithm. HMAC-MD5
//!   (`hmac-md5.sig-alg.reg.int.` on the wire), HMAC-SHA-1, -224, -256, -384 and -512,
//!   with optional truncation (`hmac-sha256-128`).
//! - A client signs a request with [`sign_request`] and checks the answer with
//!   [`verify_response`], or a transfer's messages with [`StreamVerifier`].
//! - A server checks a request with [`verify_request`]; on success it signs the answer
//!   with [`sign_response`] (or a transfer's messages with [`StreamSigner`]); on failure
//!   it answers FORMERR for [`VerifyError::Malformed`], else [`error_response`] (or
//!   [`append_error_tsig`] on a response it built itself).
//! - Everything works on wire bytes. Parsing is bounded by the message and never
//!   panics; the TSIG record must be the last record of the additional section and the
//!   only one ([`Malformed::NotLast`]).
//!
//! Times are seconds since the epoch, passed in by the caller; the fudge written is
//! BIND's 300 s; a received record is checked against its own fudge.
//!
//! # Digests
//!
//! A request's MAC covers the message as it was before the TSIG record was added (the
//! Original ID in place of the ID, ARCOUNT without the TSIG) and the TSIG variables:
//! key name and algorithm name in lower case, class ANY, TTL 0, Time Signed, Fudge,
//! Error, Other Len and Other Data (§4.3.3). A response's MAC first covers the request's
//! MAC as received, length-prefixed (§4.3.2). In a stream, each later signed message's
//! MAC covers the previous MAC, every unsigned message since, whole, the message, and
//! the timers only (§5.3.1). A receiver accepts up to 99 unsigned messages in a row; the
//! first and the last must be signed.
//!
//! # Truncation
//!
//! RFC 8945 §5.2.2.1: a received MAC longer than the digest, or shorter than both 10
//! bytes and half the digest, is refused. A key configured with `-BITS` signs with that
//! many bits and accepts MACs at least that long; a key without accepts only full MACs;
//! a shorter MAC that passes the RFC's bounds and verifies is BADTRUNC. BIND refuses
//! `-BITS` below half the digest or below 80 in its configuration ([`min_truncated_bits`]).
//!
//! # What BIND 9.18 answers
//!
//! Observed with BIND 9.18.49 and requests for `www.example/A` (EDNS, `hmac-sha256`),
//! re-checked by `tests/tests/tsig_vs_bind.rs`. Every error answer has the request's ID,
//! QR, the opcode and RD kept, AA clear, the question echoed, no answer or authority
//! records, an OPT record exactly when the request had one, then the TSIG record with
//! the request's key name and algorithm name, fudge 300 and Original ID = the ID:
//!
//! | request | rcode | TSIG error | TSIG MAC | Time Signed | Other |
//! |---|---|---|---|---|---|
//! | unknown key name, or known name with another algorithm | NOTAUTH | BADKEY | none | server's | none |
//! | MAC size 0 | NOTAUTH | BADSIG | none | server's | none |
//! | MAC longer than the digest, or under max(10, half) | FORMERR | BADSIG | none | server's | none |
//! | MAC does not verify | NOTAUTH | BADSIG | none | server's | none |
//! | verifies, time outside the fudge | NOTAUTH | BADTIME | signed | the request's | server's time (6 bytes) |
//! | verifies, in time, truncated below the key's length | NOTAUTH | BADTRUNC | signed | server's | none |
//!
//! The checks run in that order: an unknown key wins over a bad MAC length, a bad MAC
//! over a bad time, a bad time over truncation. Signed error answers cover the request
//! MAC like any response. A request whose ID was changed after signing verifies (the
//! Original ID is digested), and the response's Original ID is its own ID.

mod algorithm;
mod error;
mod key;
mod message;
mod record;
mod stream;

pub use algorithm::{MAX_MAC_LEN, Mac};
pub use error::{Malformed, Rejection, SignError, StreamFault, TsigRcode, VerifyError};
pub use key::{KeyError, KeyRing, TsigKey, min_truncated_bits};
pub use message::{
    FUDGE, Verified, append_error_tsig, error_response, sign_request, sign_response,
    verify_request, verify_response,
};
pub use record::{CLASS_ANY, TYPE_TSIG, TsigRecord, read};
pub use stream::{MAX_UNSIGNED_RUN, StreamMessage, StreamSigner, StreamVerifier};

#[cfg(test)]
mod tests;
