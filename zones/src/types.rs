//! Record types and classes: numeric codes with their mnemonics.

use std::fmt;

/// A resource record type (RFC 1035 §3.2.2 and later registrations).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RType(pub u16);

/// A resource record class (RFC 1035 §3.2.4).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Class(pub u16);

/// Mnemonics BIND 9.18 knows, by code. Meta and obsolete types are included so that their
/// names parse and print as BIND prints them.
const TYPES: &[(u16, &str)] = &[
    (1, "A"),
    (2, "NS"),
    (3, "MD"),
    (4, "MF"),
    (5, "CNAME"),
    (6, "SOA"),
    (7, "MB"),
    (8, "MG"),
    (9, "MR"),
    (10, "NULL"),
    (11, "WKS"),
    (12, "PTR"),
    (13, "HINFO"),
    (14, "MINFO"),
    (15, "MX"),
    (16, "TXT"),
    (17, "RP"),
    (18, "AFSDB"),
    (19, "X25"),
    (20, "ISDN"),
    (21, "RT"),
    (22, "NSAP"),
    (23, "NSAP-PTR"),
    (24, "SIG"),
    (25, "KEY"),
    (26, "PX"),
    (27, "GPOS"),
    (28, "AAAA"),
    (29, "LOC"),
    (30, "NXT"),
    (31, "EID"),
    (32, "NIMLOC"),
    (33, "SRV"),
    (34, "ATMA"),
    (35, "NAPTR"),
    (36, "KX"),
    (37, "CERT"),
    (38, "A6"),
    (39, "DNAME"),
    (40, "SINK"),
    (41, "OPT"),
    (42, "APL"),
    (43, "DS"),
    (44, "SSHFP"),
    (45, "IPSECKEY"),
    (46, "RRSIG"),
    (47, "NSEC"),
    (48, "DNSKEY"),
    (49, "DHCID"),
    (50, "NSEC3"),
    (51, "NSEC3PARAM"),
    (52, "TLSA"),
    (53, "SMIMEA"),
    (55, "HIP"),
    (56, "NINFO"),
    (57, "RKEY"),
    (58, "TALINK"),
    (59, "CDS"),
    (60, "CDNSKEY"),
    (61, "OPENPGPKEY"),
    (62, "CSYNC"),
    (63, "ZONEMD"),
    (64, "SVCB"),
    (65, "HTTPS"),
    (66, "DSYNC"),
    (67, "HHIT"),
    (68, "BRID"),
    (99, "SPF"),
    (100, "UINFO"),
    (101, "UID"),
    (102, "GID"),
    (103, "UNSPEC"),
    (104, "NID"),
    (105, "L32"),
    (106, "L64"),
    (107, "LP"),
    (108, "EUI48"),
    (109, "EUI64"),
    (249, "TKEY"),
    (250, "TSIG"),
    (251, "IXFR"),
    (252, "AXFR"),
    (253, "MAILB"),
    (254, "MAILA"),
    (255, "ANY"),
    (256, "URI"),
    (257, "CAA"),
    (258, "AVC"),
    (259, "DOA"),
    (260, "AMTRELAY"),
    (261, "RESINFO"),
    (262, "WALLET"),
    (32768, "TA"),
    (32769, "DLV"),
];

const CLASSES: &[(u16, &str)] = &[(1, "IN"), (3, "CH"), (4, "HS"), (254, "NONE"), (255, "ANY")];

// The constants' names are their documentation.
#[allow(missing_docs)]
impl RType {
    pub const A: Self = Self(1);
    pub const NS: Self = Self(2);
    pub const CNAME: Self = Self(5);
    pub const SOA: Self = Self(6);
    pub const PTR: Self = Self(12);
    pub const HINFO: Self = Self(13);
    pub const MX: Self = Self(15);
    pub const TXT: Self = Self(16);
    pub const AFSDB: Self = Self(18);
    pub const RT: Self = Self(21);
    pub const AAAA: Self = Self(28);
    pub const SRV: Self = Self(33);
    pub const NAPTR: Self = Self(35);
    pub const KX: Self = Self(36);
    pub const DNAME: Self = Self(39);
    pub const OPT: Self = Self(41);
    pub const DS: Self = Self(43);
    pub const RRSIG: Self = Self(46);
    pub const NSEC: Self = Self(47);
    pub const DNSKEY: Self = Self(48);
    pub const NSEC3: Self = Self(50);
    pub const NSEC3PARAM: Self = Self(51);
    pub const SVCB: Self = Self(64);
    pub const HTTPS: Self = Self(65);
    pub const TSIG: Self = Self(250);
    pub const IXFR: Self = Self(251);
    pub const AXFR: Self = Self(252);
    pub const ANY: Self = Self(255);

    /// The mnemonic, if the type has one.
    pub fn mnemonic(self) -> Option<&'static str> {
        TYPES
            .iter()
            .find(|(code, _)| *code == self.0)
            .map(|(_, name)| *name)
    }

    /// Parses a mnemonic or the RFC 3597 form `TYPEnnn`, case-insensitively.
    pub fn from_text(text: &str) -> Option<Self> {
        if let Some((code, _)) = TYPES
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(text))
        {
            return Some(Self(*code));
        }
        generic_code(text, "TYPE").map(Self)
    }

    /// Whether a name may hold one record of this type only (BIND's singleton attribute).
    pub fn is_singleton(self) -> bool {
        matches!(self.0, 6 | 5 | 39 | 47 | 30 | 261) // SOA CNAME DNAME NSEC NXT RESINFO
    }

    /// Whether this type may share a name with a CNAME (RFC 2181 §10.1, RFC 4035 §2.5,
    /// RFC 3007): BIND's exceptions to "CNAME and other data".
    pub fn may_accompany_cname(self) -> bool {
        matches!(self.0, 5 | 24 | 25 | 46 | 47) // CNAME SIG KEY RRSIG NSEC
    }

    /// Meta-types (RFC 6895 §3.1) and OPT, which never appear in zone data.
    pub fn is_meta(self) -> bool {
        self.0 == 41 || (128..=255).contains(&self.0)
    }
}

#[allow(missing_docs)]
impl Class {
    pub const IN: Self = Self(1);
    pub const CH: Self = Self(3);
    pub const HS: Self = Self(4);
    pub const NONE: Self = Self(254);
    pub const ANY: Self = Self(255);

    /// The mnemonic, if the class has one.
    pub fn mnemonic(self) -> Option<&'static str> {
        CLASSES
            .iter()
            .find(|(code, _)| *code == self.0)
            .map(|(_, name)| *name)
    }

    /// Parses a mnemonic (`CHAOS` too) or the RFC 3597 form `CLASSnnn`, case-insensitively.
    pub fn from_text(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("CHAOS") {
            return Some(Self::CH);
        }
        if let Some((code, _)) = CLASSES
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(text))
        {
            return Some(Self(*code));
        }
        generic_code(text, "CLASS").map(Self)
    }
}

/// Parses `PREFIXnnn` (case-insensitive prefix, decimal 0..=65535).
fn generic_code(text: &str, prefix: &str) -> Option<u16> {
    let head = text.get(..prefix.len())?;
    let digits = &text[prefix.len()..];
    if !head.eq_ignore_ascii_case(prefix)
        || digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    digits.parse().ok()
}

impl fmt::Display for RType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mnemonic() {
            Some(name) => f.write_str(name),
            None => write!(f, "TYPE{}", self.0),
        }
    }
}

impl fmt::Debug for RType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mnemonic() {
            Some(name) => f.write_str(name),
            None => write!(f, "CLASS{}", self.0),
        }
    }
}

impl fmt::Debug for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mnemonics_and_rfc3597_forms() {
        assert_eq!(RType::from_text("aaaa"), Some(RType::AAAA));
        assert_eq!(RType::from_text("TYPE65534"), Some(RType(65534)));
        assert_eq!(RType::from_text("type1"), Some(RType::A));
        assert_eq!(RType::from_text("TYPE65536"), None);
        assert_eq!(RType::from_text("TYPE"), None);
        assert_eq!(RType(65534).to_string(), "TYPE65534");
        assert_eq!(Class::from_text("chaos"), Some(Class::CH));
        assert_eq!(Class::from_text("CLASS1"), Some(Class::IN));
        assert_eq!(Class(42).to_string(), "CLASS42");
    }
}
