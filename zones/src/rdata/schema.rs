//! The field layout of every type with a presentation form, as BIND 9.18 defines them.
//!
//! Types not listed here (unknown types, NULL, and the obsolete NXT, A6 and ATMA)
//! are read and printed only in the RFC 3597 form.

use crate::types::RType;

use super::field::Field::{self, *};
use super::field::NameUse::{Canonical, Compress, Plain};

const COMPRESSED_NAME: &[Field] = &[Name(Compress)];
const PREFERENCE_AND_NAME: &[Field] = &[U16, Name(Canonical)];
const TWO_NAMES: &[Field] = &[Name(Canonical), Name(Canonical)];
const TXT: &[Field] = &[Texts];
const DS: &[Field] = &[U16, Algorithm { names: false }, DigestType, DsDigest];
const DNSKEY: &[Field] = &[
    KeyFlags { zero: false },
    Protocol,
    Algorithm { names: false },
    KeyData { nokey: false },
];
const TLSA: &[Field] = &[U8, U8, U8, Hex { min: 1 }];
const SVCB: &[Field] = &[U16, SvcTarget, SvcParams];

/// The fields of `rtype`, or `None` when it has no presentation form here.
pub(crate) fn fields(rtype: RType) -> Option<&'static [Field]> {
    Some(match rtype.0 {
        // A
        1 => &[Ipv4],
        // NS MD MF CNAME MB MG MR PTR
        2..=5 | 7..=9 | 12 => COMPRESSED_NAME,
        // SOA
        6 => &[
            Name(Compress),
            Name(Compress),
            U32,
            Period,
            Period,
            Period,
            Period,
        ],
        // WKS
        11 => &[Ipv4, WksProto, WksPorts],
        // HINFO
        13 => &[Text, Text],
        // MINFO
        14 => &[Name(Compress), Name(Compress)],
        // MX
        15 => &[U16, Name(Compress)],
        // TXT NINFO SPF AVC RESINFO WALLET
        16 | 56 | 99 | 258 | 261 | 262 => TXT,
        // RP
        17 => TWO_NAMES,
        // AFSDB RT KX
        18 | 21 | 36 => PREFERENCE_AND_NAME,
        // X25
        19 => &[X25],
        // ISDN
        20 => &[Text, OptText],
        // NSAP
        22 => &[Nsap],
        // NSAP-PTR
        23 => &[Name(Plain)],
        // SIG
        24 => &[
            Covered { sig: true },
            Algorithm { names: false },
            U8,
            U32,
            SigTime { numeric: false },
            SigTime { numeric: false },
            U16,
            Signer { labels: false },
            Base64 { min: 1 },
        ],
        // KEY
        25 => &[
            KeyFlags { zero: false },
            Protocol,
            Algorithm { names: false },
            KeyData { nokey: true },
        ],
        // PX
        26 => &[U16, Name(Canonical), Name(Canonical)],
        // GPOS
        27 => &[Text, Text, Text],
        // AAAA
        28 => &[Ipv6],
        // LOC
        29 => &[Loc],
        // EID NIMLOC
        31 | 32 => &[Hex { min: 1 }],
        // SRV
        33 => &[U16, U16, U16, Name(Canonical)],
        // NAPTR
        35 => &[U16, U16, Text, Text, NaptrRegex, Name(Canonical)],
        // CERT
        37 => &[CertType, U16, Algorithm { names: true }, Base64 { min: 1 }],
        // DNAME
        39 => &[Name(Canonical)],
        // SINK
        40 => &[U8, U8, U8, Base64 { min: 0 }],
        // APL
        42 => &[Apl],
        // DS CDS TA DLV
        43 | 59 | 32768 | 32769 => DS,
        // SSHFP
        44 => &[U8, U8, SshfpDigest],
        // IPSECKEY
        45 => &[U8, GatewayType, U8, Gateway, Base64 { min: 1 }],
        // RRSIG
        46 => &[
            Covered { sig: false },
            Algorithm { names: false },
            U8,
            U32,
            SigTime { numeric: true },
            SigTime { numeric: true },
            U16,
            Signer { labels: true },
            Base64 { min: 1 },
        ],
        // NSEC
        47 => &[Name(Plain), Bitmap { empty: false }],
        // DNSKEY CDNSKEY
        48 | 60 => DNSKEY,
        // DHCID
        49 => &[Base64 { min: 1 }],
        // NSEC3
        50 => &[HashAlg, U8, U16, Salt, NextHash, Bitmap { empty: true }],
        // NSEC3PARAM
        51 => &[HashAlg, U8, U16, Salt],
        // TLSA SMIMEA
        52 | 53 => TLSA,
        // HIP
        55 => &[Hip],
        // RKEY
        57 => &[
            KeyFlags { zero: true },
            Protocol,
            Algorithm { names: false },
            KeyData { nokey: false },
        ],
        // TALINK
        58 => &[Name(Plain), Name(Plain)],
        // OPENPGPKEY
        61 => &[Base64 { min: 1 }],
        // CSYNC
        62 => &[U32, U16, Bitmap { empty: true }],
        // ZONEMD
        63 => &[U32, U8, U8, ZonemdDigest],
        // SVCB HTTPS
        64 | 65 => SVCB,
        // DSYNC
        66 => &[Covered { sig: false }, DsyncScheme, U16, Name(Plain)],
        // HHIT BRID
        67 | 68 => &[Base64 { min: 1 }],
        // NID L64
        104 | 106 => &[U16, Locator],
        // L32
        105 => &[U16, Ipv4],
        // LP
        107 => &[U16, Name(Plain)],
        // EUI48
        108 => &[Eui(6)],
        // EUI64
        109 => &[Eui(8)],
        // URI
        256 => &[U16, U16, LongText { quoted: true }],
        // CAA
        257 => &[U8, CaaTag, LongText { quoted: false }],
        // DOA
        259 => &[U32, U32, U8, Text, DoaData],
        // AMTRELAY
        260 => &[U8, AmtRelay],
        _ => return None,
    })
}
