//! The 12-byte message header (RFC 1035 §4.1.1), opcodes and response codes.

use std::fmt;

use super::u16_at;

/// The length of the header.
pub const HEADER_LEN: usize = 12;

/// QR: the message is a response.
pub const FLAG_QR: u16 = 0x8000;
/// AA: authoritative answer.
pub const FLAG_AA: u16 = 0x0400;
/// TC: truncated.
pub const FLAG_TC: u16 = 0x0200;
/// RD: recursion desired.
pub const FLAG_RD: u16 = 0x0100;
/// RA: recursion available.
pub const FLAG_RA: u16 = 0x0080;
/// Z: the reserved bit.
pub const FLAG_Z: u16 = 0x0040;
/// AD: authentic data (RFC 4035 §3.2.3).
pub const FLAG_AD: u16 = 0x0020;
/// CD: checking disabled (RFC 4035 §3.2.2).
pub const FLAG_CD: u16 = 0x0010;

const OPCODE_SHIFT: u16 = 11;
const OPCODE_MASK: u16 = 0x7800;
const RCODE_MASK: u16 = 0x000f;

/// The header fields, as read from or written to the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// The query identifier.
    pub id: u16,
    /// The second 16-bit word: QR, opcode, AA, TC, RD, RA, Z, AD, CD and the rcode.
    pub flags: u16,
    /// QDCOUNT.
    pub qdcount: u16,
    /// ANCOUNT.
    pub ancount: u16,
    /// NSCOUNT.
    pub nscount: u16,
    /// ARCOUNT.
    pub arcount: u16,
}

impl Header {
    /// Reads the header at the start of `msg`; `None` when fewer than 12 bytes remain.
    pub fn read(msg: &[u8]) -> Option<Self> {
        Some(Self {
            id: u16_at(msg, 0)?,
            flags: u16_at(msg, 2)?,
            qdcount: u16_at(msg, 4)?,
            ancount: u16_at(msg, 6)?,
            nscount: u16_at(msg, 8)?,
            arcount: u16_at(msg, 10)?,
        })
    }

    /// Writes the header into the first 12 bytes of `out` (which must hold them).
    pub fn write(&self, out: &mut [u8; HEADER_LEN]) {
        out[0..2].copy_from_slice(&self.id.to_be_bytes());
        out[2..4].copy_from_slice(&self.flags.to_be_bytes());
        out[4..6].copy_from_slice(&self.qdcount.to_be_bytes());
        out[6..8].copy_from_slice(&self.ancount.to_be_bytes());
        out[8..10].copy_from_slice(&self.nscount.to_be_bytes());
        out[10..12].copy_from_slice(&self.arcount.to_be_bytes());
    }

    /// The opcode.
    pub fn opcode(&self) -> Opcode {
        // The mask keeps four bits, so the value fits a u8.
        Opcode(((self.flags & OPCODE_MASK) >> OPCODE_SHIFT) as u8)
    }

    /// The 4-bit rcode of the header (without the EDNS extension).
    pub fn rcode(&self) -> u8 {
        (self.flags & RCODE_MASK) as u8
    }

    /// Whether every bit of `mask` is set in the flags word.
    pub fn has(&self, mask: u16) -> bool {
        self.flags & mask == mask
    }

    /// Whether QR is set.
    pub fn is_response(&self) -> bool {
        self.has(FLAG_QR)
    }
}

/// A 4-bit opcode (RFC 1035 §4.1.1, RFC 1996, RFC 2136).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Opcode(pub u8);

impl Opcode {
    /// A standard query.
    pub const QUERY: Self = Self(0);
    /// An inverse query (obsolete, RFC 3425).
    pub const IQUERY: Self = Self(1);
    /// A server status request.
    pub const STATUS: Self = Self(2);
    /// NOTIFY (RFC 1996).
    pub const NOTIFY: Self = Self(4);
    /// UPDATE (RFC 2136).
    pub const UPDATE: Self = Self(5);

    /// Whether BIND 9.18 handles this opcode; every other one is answered NOTIMP.
    pub fn is_implemented(self) -> bool {
        matches!(self, Self::QUERY | Self::NOTIFY | Self::UPDATE)
    }
}

impl fmt::Debug for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::QUERY => f.write_str("QUERY"),
            Self::IQUERY => f.write_str("IQUERY"),
            Self::STATUS => f.write_str("STATUS"),
            Self::NOTIFY => f.write_str("NOTIFY"),
            Self::UPDATE => f.write_str("UPDATE"),
            Self(n) => write!(f, "OPCODE{n}"),
        }
    }
}

/// A 12-bit response code: the low four bits go in the header, the high eight in the OPT
/// record's TTL (RFC 6891 §6.1.3).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Rcode(pub u16);

impl Rcode {
    /// No error.
    pub const NOERROR: Self = Self(0);
    /// Format error.
    pub const FORMERR: Self = Self(1);
    /// Server failure.
    pub const SERVFAIL: Self = Self(2);
    /// The name does not exist.
    pub const NXDOMAIN: Self = Self(3);
    /// Not implemented.
    pub const NOTIMP: Self = Self(4);
    /// Refused.
    pub const REFUSED: Self = Self(5);
    /// Not authoritative (RFC 2136) or not authorized (RFC 8945).
    pub const NOTAUTH: Self = Self(9);
    /// Bad OPT version (RFC 6891 §6.1.3).
    pub const BADVERS: Self = Self(16);
    /// Bad or missing server cookie (RFC 7873 §8).
    pub const BADCOOKIE: Self = Self(23);

    /// The four bits that go in the header.
    pub fn low(self) -> u16 {
        self.0 & RCODE_MASK
    }

    /// The eight bits that go in the OPT record's TTL.
    pub fn extended(self) -> u8 {
        // Twelve bits in all: the shift leaves at most eight.
        ((self.0 >> 4) & 0xff) as u8
    }
}

impl fmt::Debug for Rcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match *self {
            Self::NOERROR => "NOERROR",
            Self::FORMERR => "FORMERR",
            Self::SERVFAIL => "SERVFAIL",
            Self::NXDOMAIN => "NXDOMAIN",
            Self::NOTIMP => "NOTIMP",
            Self::REFUSED => "REFUSED",
            Self::NOTAUTH => "NOTAUTH",
            Self::BADVERS => "BADVERS",
            Self::BADCOOKIE => "BADCOOKIE",
            Self(n) => return write!(f, "RCODE{n}"),
        };
        f.write_str(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip() {
        let h = Header {
            id: 0xbeef,
            flags: FLAG_RD | FLAG_CD | (5 << OPCODE_SHIFT) | 3,
            qdcount: 1,
            ancount: 2,
            nscount: 3,
            arcount: 4,
        };
        let mut out = [0u8; HEADER_LEN];
        h.write(&mut out);
        assert_eq!(Header::read(&out), Some(h));
        assert_eq!(h.opcode(), Opcode::UPDATE);
        assert_eq!(h.rcode(), 3);
        assert!(h.has(FLAG_RD | FLAG_CD));
        assert!(!h.is_response());
    }

    #[test]
    fn short_header_is_none() {
        assert_eq!(Header::read(&[0; 11]), None);
    }

    #[test]
    fn rfc6891_section_6_1_3_extended_rcode_split() {
        assert_eq!(Rcode::BADVERS.low(), 0);
        assert_eq!(Rcode::BADVERS.extended(), 1);
        assert_eq!(Rcode::BADCOOKIE.low(), 7);
        assert_eq!(Rcode::BADCOOKIE.extended(), 1);
        assert_eq!(Rcode::REFUSED.extended(), 0);
    }
}
