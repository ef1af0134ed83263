//! CHAOS answers compared byte for byte with BIND 9.18.49's, configured with
//! `version "Rivet test"; hostname none; server-id "ns-test-1";`.

use super::*;
use crate::wire::compress::Compressor;
use crate::wire::header::Header;
use crate::wire::query::{Action, ParseOptions, Request, Verdict};
use crate::wire::testutil::{decode, header, hex, question};

const CONFIG: ChaosConfig<'static> = ChaosConfig {
    version: Some(b"Rivet test"),
    hostname: None,
    server_id: Some(b"ns-test-1"),
    authors: &[],
};

fn answer_to(qname: &str, qtype: u16, flags: u16, config: &ChaosConfig<'_>) -> (Rcode, Vec<u8>) {
    let query = [header(flags, 1, 0, 0, 0), question(qname, qtype, 3)].concat();
    let mut req = Request::new();
    assert_eq!(
        req.parse(&query, ParseOptions::default()),
        Verdict::Accept(Action::Query)
    );
    let q = req.question().expect("test data is valid");
    let mut buf = vec![0u8; 512];
    let mut comp = Compressor::new();
    let head: &Header = req.header();
    let mut w =
        ResponseWriter::new(&mut buf, &mut comp, 512, head, None).expect("test data is valid");
    w.question(q.name(), q.qtype, q.qclass)
        .expect("test data is valid");
    let rd = head.has(crate::wire::header::FLAG_RD);
    let rcode = answer(&mut w, q, config, !rd).expect("test data is valid");
    let n = w.finish().expect("test data is valid");
    decode(&buf[..n]);
    (rcode, buf[..n].to_vec())
}

fn bind(qname: &str, qtype: u16, flags: u16, expected: &str) {
    let (_, got) = answer_to(qname, qtype, flags, &CONFIG);
    assert_eq!(got, hex(expected), "{qname} {qtype}");
}

const RD: u16 = 0x0100;

#[test]
fn version_bind_txt() {
    bind(
        "version.bind",
        16,
        RD,
        "1234850000010001000000000776657273696f6e0462696e640000100003c00c00100003000000000\
         00b0a52697665742074657374",
    );
}

#[test]
fn id_server_txt() {
    bind(
        "id.server",
        16,
        RD,
        "123485000001000100000000026964067365727665720000100003c00c0010000300000000000a096e\
         732d746573742d31",
    );
}

#[test]
fn option_set_to_none_is_nodata() {
    bind(
        "hostname.bind",
        16,
        RD,
        "12348500000100000001000008686f73746e616d650462696e640000100003c00c0006000300015180\
         0023c00c0a686f73746d6173746572c00c000000000000708000001c2000093a8000015180",
    );
    // With the name in another case, the SOA owner is the zone's own lower-case name.
    bind(
        "HoStNaMe.BiNd",
        16,
        RD,
        "12348500000100000001000008486f53744e614d650442694e64000010000308686f73746e616d6504\
         62696e640000060003000151800023c01f0a686f73746d6173746572c01f00000000000070800000\
         1c2000093a8000015180",
    );
    // authors.bind is empty once version is set.
    bind(
        "authors.bind",
        16,
        RD,
        "12348500000100000001000007617574686f72730462696e640000100003c00c000600030001518000\
         23c00c0a686f73746d6173746572c00c000000000000708000001c2000093a8000015180",
    );
}

#[test]
fn any_and_soa_and_ns() {
    bind(
        "version.bind",
        255,
        RD,
        "1234850000010003000000000776657273696f6e0462696e640000ff0003c00c001000030000000000\
         0b0a52697665742074657374c00c00060003000151800023c00c0a686f73746d6173746572c00c0000\
         00000000708000001c2000093a8000015180c00c00020003000000000002c00c",
    );
    bind(
        "VeRsIoN.BiNd",
        6,
        0,
        "1234840000010001000100000756655273496f4e0442694e640000060003c00c000600030001518000\
         2f0776657273696f6e0462696e64000a686f73746d6173746572c02a000000000000708000001c2000\
         093a8000015180c02a00020003000000000002c02a",
    );
    bind(
        "VeRsIoN.BiNd",
        2,
        0,
        "1234840000010001000000000756655273496f4e0442694e640000020003c00c000200030000000000\
         0e0776657273696f6e0462696e6400",
    );
    bind(
        "VeRsIoN.BiNd",
        255,
        0,
        "1234840000010003000000000756655273496f4e0442694e640000ff0003c00c001000030000000000\
         0b0a52697665742074657374c00c0006000300015180002f0776657273696f6e0462696e64000a686f\
         73746d6173746572c041000000000000708000001c2000093a8000015180c00c00020003000000000002c041",
    );
}

#[test]
fn rd_clear_adds_the_ns_rrset() {
    bind(
        "VeRsIoN.BiNd",
        16,
        0,
        "1234840000010001000100000756655273496f4e0442694e640000100003c00c001000030000000000\
         0b0a526976657420746573740776657273696f6e0462696e640000020003000000000002c035",
    );
}

#[test]
fn names_below_the_apex_do_not_exist() {
    bind(
        "foo.version.bind",
        16,
        0,
        "12348403000100000001000003666f6f0776657273696f6e0462696e640000100003c0100006000300\
         0151800023c0100a686f73746d6173746572c010000000000000708000001c2000093a8000015180",
    );
}

#[test]
fn other_types_at_the_apex_are_nodata() {
    let (rcode, got) = answer_to("version.bind", 46, RD, &CONFIG);
    assert_eq!(rcode, Rcode::NOERROR);
    let m = decode(&got);
    assert_eq!((m.answers.len(), m.authorities.len()), (0, 1));
}

#[test]
fn other_chaos_names_are_refused() {
    for qname in ["bind", "server", "other.bind", "version.bind.example"] {
        let (rcode, got) = answer_to(qname, 16, RD, &CONFIG);
        assert_eq!(rcode, Rcode::REFUSED, "{qname}");
        // No AA, no records.
        assert_eq!(got[2..4], [0x81, 0x05]);
        assert_eq!(&got[6..12], &[0; 6]);
    }
}

#[test]
fn authors_and_long_texts() {
    let long = [b'x'; 300];
    let authors: [&[u8]; 2] = [b"Ann", b"Bob"];
    let config = ChaosConfig {
        version: Some(&long),
        authors: &authors,
        ..ChaosConfig::default()
    };
    let (_, got) = answer_to("authors.bind", 16, RD, &config);
    assert_eq!(decode(&got).answers.len(), 2);
    let (_, got) = answer_to("version.bind", 16, RD, &config);
    // One string, cut to 255 bytes.
    assert_eq!(got.len(), 12 + 18 + 12 + 256);
}

#[test]
fn zones_are_found_by_suffix() {
    assert_eq!(
        ChaosZone::find(b"\x07version\x04bind\x00"),
        Some((ChaosZone::Version, true))
    );
    assert_eq!(
        ChaosZone::find(b"\x01a\x02id\x06server\x00"),
        Some((ChaosZone::Id, false))
    );
    assert_eq!(ChaosZone::find(b"\x04bind\x00"), None);
    assert_eq!(ChaosZone::find(b"\x00"), None);
}
