//! Where the domain names sit inside RDATA, and whether BIND 9.18 compresses them.
//!
//! The writer copies RDATA verbatim except for these names, which go through the
//! compression table. BIND 9.18 compresses the names of NS, CNAME, SOA, PTR, MX, MB, MD,
//! MF, MG, MR, MINFO and CHAOS-class A (the RFC 3597 §4 list plus CH A); it writes the
//! names of RP, AFSDB, RT, KX, SRV, NAPTR, PX, DNAME, NSEC, NXT, RRSIG, SIG, TALINK, TKEY,
//! TSIG, A6, NSAP-PTR, SVCB, HTTPS and DSYNC whole, yet still makes them compression
//! targets. Live: SRV, RP, AFSDB, KX, RT, NAPTR and DNAME targets were written whole,
//! MINFO, MB, PTR, MX and SOA names were compressed. Types defined only for class IN
//! (KX, SRV, PX, A6, NSAP-PTR, SVCB, HTTPS) are opaque in other classes.

use zones::{Class, RType};

use super::name::uncompressed_len;

/// The names inside one RDATA: (offset, compressible), at most two.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RdataNames {
    spans: [(u16, bool); 2],
    len: u8,
}

impl RdataNames {
    /// The names, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (usize, bool)> + '_ {
        self.spans[..usize::from(self.len)]
            .iter()
            .map(|&(o, c)| (usize::from(o), c))
    }
}

/// The embedded names of `rdata`; none when the RDATA is not well formed, so that it is
/// copied byte for byte.
pub(crate) fn rdata_names(class: Class, rtype: RType, rdata: &[u8]) -> RdataNames {
    let inet = class == Class::IN;
    // (offset of the first name, how many names follow each other, compressible)
    let (start, count, compress) = match rtype.0 {
        2 | 3 | 4 | 5 | 7 | 8 | 9 | 12 => (0, 1, true),
        6 | 14 => (0, 2, true),
        15 => (2, 1, true),
        1 if class == Class::CH => (0, 1, true),
        17 | 58 => (0, 2, false),
        18 | 21 => (2, 1, false),
        36 | 64 | 65 if inet => (2, 1, false),
        26 if inet => (2, 2, false),
        33 if inet => (6, 1, false),
        23 if inet => (0, 1, false),
        30 | 39 | 47 | 249 | 250 => (0, 1, false),
        24 | 46 => (18, 1, false),
        66 => (5, 1, false),
        35 => match naptr_replacement(rdata) {
            Some(at) => (at, 1, false),
            None => return RdataNames::default(),
        },
        38 if inet => match rdata.first() {
            Some(&prefix) if prefix > 0 && prefix <= 128 => {
                (1 + 16 - usize::from(prefix) / 8, 1, false)
            }
            _ => return RdataNames::default(),
        },
        _ => return RdataNames::default(),
    };
    let mut names = RdataNames::default();
    let mut at = start;
    for _ in 0..count {
        let Some(len) = rdata.get(at..).and_then(uncompressed_len) else {
            return RdataNames::default();
        };
        let Ok(offset) = u16::try_from(at) else {
            return RdataNames::default();
        };
        names.spans[usize::from(names.len)] = (offset, compress);
        names.len += 1;
        at += len;
    }
    names
}

/// The offset of NAPTR's REPLACEMENT: after ORDER, PREFERENCE and three strings.
fn naptr_replacement(rdata: &[u8]) -> Option<usize> {
    let mut at = 4;
    for _ in 0..3 {
        at += 1 + usize::from(*rdata.get(at)?);
    }
    (at < rdata.len()).then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(class: Class, rtype: RType, rdata: &[u8]) -> Vec<(usize, bool)> {
        rdata_names(class, rtype, rdata).iter().collect()
    }

    const NS1: &[u8] = b"\x03ns1\x07example\x03com\x00";

    #[test]
    fn rfc3597_section_4_compressible_types() {
        assert_eq!(names(Class::IN, RType::NS, NS1), [(0, true)]);
        let mx = [b"\x00\x0a".as_slice(), NS1].concat();
        assert_eq!(names(Class::IN, RType::MX, &mx), [(2, true)]);
        let soa = [NS1, NS1, &[0; 20]].concat();
        assert_eq!(names(Class::IN, RType::SOA, &soa), [(0, true), (17, true)]);
        assert_eq!(
            names(Class::CH, RType::A, &[NS1, b"\x00\x01"].concat()),
            [(0, true)]
        );
        assert!(names(Class::IN, RType::A, &[1, 2, 3, 4]).is_empty());
    }

    #[test]
    fn names_bind_writes_whole() {
        let srv = [b"\x00\x00\x00\x00\x00\x35".as_slice(), NS1].concat();
        assert_eq!(names(Class::IN, RType::SRV, &srv), [(6, false)]);
        assert!(names(Class::CH, RType::SRV, &srv).is_empty());
        assert_eq!(
            names(Class::IN, RType(17), &[NS1, NS1].concat()),
            [(0, false), (17, false)]
        );
        let naptr = [b"\x00\x01\x00\x01\x01U\x03E2U\x00".as_slice(), NS1].concat();
        assert_eq!(names(Class::IN, RType::NAPTR, &naptr), [(11, false)]);
        let a6 = [&[64u8][..], &[0; 9], NS1].concat();
        assert_eq!(names(Class::IN, RType(38), &a6), [(9, false)]);
        assert!(names(Class::IN, RType(38), &[0; 17]).is_empty());
    }

    #[test]
    fn malformed_rdata_has_no_names() {
        assert!(names(Class::IN, RType::NS, b"\x03ns").is_empty());
        assert!(names(Class::IN, RType::MX, b"\x00").is_empty());
        assert!(names(Class::IN, RType::NAPTR, b"\x00\x01\x00\x01\x05").is_empty());
        assert!(names(Class::IN, RType::SOA, NS1).is_empty());
    }
}
