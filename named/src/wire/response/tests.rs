//! Byte-exact comparisons with what BIND 9.18.49 sent for the same zone and query, and a
//! decode of everything we write by hickory-proto.

use super::*;
use crate::wire::edns::ClientSubnet;
use crate::wire::header::{FLAG_AA, FLAG_TC};
use crate::wire::query::{ParseOptions, Verdict};
use crate::wire::testutil::{decode, header, hex, name, opt as opt_bytes, question};

const RD: u16 = 0x0100;

/// The request header BIND answered: id 0x1234, the given flags.
fn request(flags: u16) -> Header {
    Header {
        id: 0x1234,
        flags,
        qdcount: 1,
        ..Header::default()
    }
}

struct Out {
    buf: Vec<u8>,
    comp: Compressor,
}

impl Out {
    fn new() -> Self {
        Self {
            buf: vec![0; MAX_MESSAGE],
            comp: Compressor::new(),
        }
    }

    fn writer(
        &mut self,
        limit: usize,
        req: Header,
        opt: Option<OptRecord<'static>>,
    ) -> ResponseWriter<'_, 'static> {
        ResponseWriter::new(&mut self.buf, &mut self.comp, limit, &req, opt)
            .expect("test data is valid")
    }
}

fn rrset<'a>(owner: &'a [u8], rtype: RType, ttl: u32) -> RrsetHead<'a> {
    RrsetHead {
        owner,
        rtype,
        class: Class::IN,
        ttl,
    }
}

fn in_soa(serial: u32) -> Vec<u8> {
    let mut soa = name("ns1.example.com");
    soa.extend(name("hostmaster.example.com"));
    for v in [serial, 3600, 900, 604800, 60] {
        soa.extend(v.to_be_bytes());
    }
    soa
}

/// www A with RD clear: answer, the NS in authority, the glue in additional.
fn www_answer(out: &mut Out, qname: &str) -> Vec<u8> {
    let mut w = out.writer(512, request(0), None);
    w.question(&name(qname), RType::A, Class::IN)
        .expect("test data is valid");
    w.set_flags(FLAG_AA, true);
    let www = name("www.example.com");
    let apex = name("example.com");
    let ns1 = name("ns1.example.com");
    let a: [&[u8]; 2] = [&[192, 0, 2, 1], &[192, 0, 2, 2]];
    assert_eq!(
        w.push(Section::Answer, &rrset(&www, RType::A, 300), a),
        Ok(Pushed::Written)
    );
    assert_eq!(
        w.push(Section::Authority, &rrset(&apex, RType::NS, 300), [&ns1]),
        Ok(Pushed::Written)
    );
    let glue: [&[u8]; 1] = [&[127, 0, 0, 1]];
    assert_eq!(
        w.push(Section::Additional, &rrset(&ns1, RType::A, 300), glue),
        Ok(Pushed::Written)
    );
    let n = w.finish().expect("test data is valid");
    out.buf[..n].to_vec()
}

#[test]
fn rfc1035_section_4_1_4_answer_matches_bind() {
    let mut out = Out::new();
    let got = www_answer(&mut out, "www.example.com");
    let bind = hex(
        "12348400000100020001000103777777076578616d706c6503636f6d0000010001c00c000100010000012c\
         0004c0000201c00c000100010000012c0004c0000202c010000200010000012c0006036e7331c010c04d00\
         0100010000012c00047f000001",
    );
    assert_eq!(got, bind);
    let m = decode(&got);
    assert_eq!(
        (m.answers.len(), m.authorities.len(), m.additionals.len()),
        (2, 1, 1)
    );
    assert!(m.metadata.authoritative && !m.metadata.recursion_desired);
}

#[test]
fn question_case_is_kept_and_compression_is_case_sensitive() {
    let mut out = Out::new();
    let got = www_answer(&mut out, "WwW.ExAmPlE.CoM");
    let bind = hex(
        "12348400000100020001000103577757074578416d506c4503436f4d000001000103777777076578616d70\
         6c6503636f6d00000100010000012c0004c0000201c021000100010000012c0004c0000202c02500020001\
         0000012c0006036e7331c025c05c000100010000012c00047f000001",
    );
    assert_eq!(got, bind);
    assert_eq!(
        decode(&got).queries[0].name().to_string(),
        "WwW.ExAmPlE.CoM."
    );
}

#[test]
fn only_two_suffixes_are_matched_like_bind() {
    let mut out = Out::new();
    let mut w = out.writer(512, request(0), None);
    let qname = name("a.b.c.d.example.com");
    w.question(&qname, RType::A, Class::IN)
        .expect("test data is valid");
    w.set_flags(FLAG_AA, true);
    let a: [&[u8]; 1] = [&[192, 0, 2, 3]];
    w.push(Section::Answer, &rrset(&qname, RType::A, 300), a)
        .expect("test data is valid");
    let ns1 = name("ns1.example.com");
    w.push(
        Section::Authority,
        &rrset(&name("example.com"), RType::NS, 300),
        [&ns1],
    )
    .expect("test data is valid");
    w.push(
        Section::Additional,
        &rrset(&ns1, RType::A, 300),
        [[127u8, 0, 0, 1]],
    )
    .expect("test data is valid");
    let n = w.finish().expect("test data is valid");
    let bind = hex(
        "1234840000010001000100010161016201630164076578616d706c6503636f6d0000010001c00c00010001\
         0000012c0004c0000203076578616d706c6503636f6d00000200010000012c0006036e7331c035c04c0001\
         00010000012c00047f000001",
    );
    assert_eq!(&out.buf[..n], &bind[..]);
}

#[test]
fn negative_answer_matches_bind() {
    let mut out = Out::new();
    let mut w = out.writer(512, request(RD), None);
    w.question(&name("x.y.z.example.com"), RType::A, Class::IN)
        .expect("test data is valid");
    w.set_flags(FLAG_AA, true);
    w.set_rcode(Rcode::NXDOMAIN);
    w.push(
        Section::Authority,
        &rrset(&name("example.com"), RType::SOA, 60),
        [in_soa(1)],
    )
    .expect("test data is valid");
    let n = w.finish().expect("test data is valid");
    let bind = hex(
        "12348503000100000001000001780179017a076578616d706c6503636f6d0000010001076578616d706c65\
         03636f6d00000600010000003c0027036e7331c0230a686f73746d6173746572c0230000000100000e1000\
         00038400093a800000003c",
    );
    assert_eq!(&out.buf[..n], &bind[..]);
}

#[test]
fn mx_and_its_additional_match_bind() {
    let mut out = Out::new();
    let mut w = out.writer(512, request(0), None);
    let apex = name("example.com");
    w.question(&apex, RType::MX, Class::IN)
        .expect("test data is valid");
    w.set_flags(FLAG_AA, true);
    let mx = [b"\x00\x0a".as_slice(), &name("mail.example.com")].concat();
    w.push(Section::Answer, &rrset(&apex, RType::MX, 300), [&mx])
        .expect("test data is valid");
    w.push(
        Section::Authority,
        &rrset(&apex, RType::NS, 300),
        [name("ns1.example.com")],
    )
    .expect("test data is valid");
    w.push(
        Section::Additional,
        &rrset(&name("mail.example.com"), RType::A, 300),
        [[127u8, 0, 0, 2]],
    )
    .expect("test data is valid");
    w.push(
        Section::Additional,
        &rrset(&name("ns1.example.com"), RType::A, 300),
        [[127u8, 0, 0, 1]],
    )
    .expect("test data is valid");
    let n = w.finish().expect("test data is valid");
    let bind = hex(
        "123484000001000100010002076578616d706c6503636f6d00000f0001c00c000f00010000012c0009000a\
         046d61696cc00cc00c000200010000012c0006036e7331c00cc02b000100010000012c00047f000002c03e\
         000100010000012c00047f000001",
    );
    assert_eq!(&out.buf[..n], &bind[..]);
}

#[test]
fn uncompressed_rdata_names_are_targets_like_bind() {
    // SRV: the target is written whole, and the glue's owner points into it.
    let mut out = Out::new();
    let mut w = out.writer(512, request(RD), None);
    let owner = name("srv.example.com");
    w.question(&owner, RType::SRV, Class::IN)
        .expect("test data is valid");
    w.set_flags(FLAG_AA, true);
    let srv = [
        b"\x00\x00\x00\x00\x00\x35".as_slice(),
        &name("ns1.example.com"),
    ]
    .concat();
    w.push(Section::Answer, &rrset(&owner, RType::SRV, 300), [&srv])
        .expect("test data is valid");
    w.push(
        Section::Additional,
        &rrset(&name("ns1.example.com"), RType::A, 300),
        [[127u8, 0, 0, 1]],
    )
    .expect("test data is valid");
    let n = w.finish().expect("test data is valid");
    let bind = hex(
        "12348500000100010000000103737276076578616d706c6503636f6d0000210001c00c002100010000012c\
         0017000000000035036e7331076578616d706c6503636f6d00c033000100010000012c00047f000001",
    );
    assert_eq!(&out.buf[..n], &bind[..]);

    // RP: both names whole. MINFO: both compressed.
    let cases: [(&str, RType, Vec<u8>, &str); 2] = [
        (
            "rp.example.com",
            RType(17),
            [name("hostmaster.example.com"), name("txt.example.com")].concat(),
            "123485000001000100000000027270076578616d706c6503636f6d0000110001c00c001100010000012c\
             00290a686f73746d6173746572076578616d706c6503636f6d0003747874076578616d706c6503636f6d00",
        ),
        (
            "minfo.example.com",
            RType(14),
            [name("hostmaster.example.com"), name("ns1.example.com")].concat(),
            "123485000001000100000000056d696e666f076578616d706c6503636f6d00000e0001c00c000e00010000\
             012c00130a686f73746d6173746572c012036e7331c012",
        ),
    ];
    for (qname, rtype, rdata, bind) in cases {
        let mut w = out.writer(512, request(RD), None);
        let owner = name(qname);
        w.question(&owner, rtype, Class::IN)
            .expect("test data is valid");
        w.set_flags(FLAG_AA, true);
        w.push(Section::Answer, &rrset(&owner, rtype, 300), [&rdata])
            .expect("test data is valid");
        let n = w.finish().expect("test data is valid");
        assert_eq!(&out.buf[..n], &hex(bind)[..], "{qname}");
        decode(&out.buf[..n]);
    }
}

#[test]
fn dname_synthesis_matches_bind() {
    let mut out = Out::new();
    let mut w = out.writer(512, request(RD), None);
    let qname = name("x.dname.example.com");
    w.question(&qname, RType::A, Class::IN)
        .expect("test data is valid");
    w.set_flags(FLAG_AA, true);
    w.set_rcode(Rcode::NXDOMAIN);
    w.push(
        Section::Answer,
        &rrset(&name("dname.example.com"), RType::DNAME, 300),
        [name("example.com")],
    )
    .expect("test data is valid");
    w.push(
        Section::Answer,
        &rrset(&qname, RType::CNAME, 300),
        [name("x.example.com")],
    )
    .expect("test data is valid");
    w.push(
        Section::Authority,
        &rrset(&name("example.com"), RType::SOA, 60),
        [in_soa(1)],
    )
    .expect("test data is valid");
    let n = w.finish().expect("test data is valid");
    let bind = hex(
        "123485030001000200010000017805646e616d65076578616d706c6503636f6d0000010001c00e00270001\
         0000012c000d076578616d706c6503636f6d00c00c000500010000012c00040178c031c031000600010000\
         003c0027036e7331c0310a686f73746d6173746572c0310000000100000e100000038400093a800000003c",
    );
    assert_eq!(&out.buf[..n], &bind[..]);
}

fn big_txt(i: u8) -> Vec<u8> {
    let mut text = vec![100u8, b'0' + i];
    text.extend(b"123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789");
    text
}

#[test]
fn without_edns_whole_records_that_fit_are_kept() {
    // BIND sent 4 of the 10 TXT records (in the order 6, 7, 8, 4) and TC.
    let mut out = Out::new();
    let mut w = out.writer(512, request(RD), None);
    let owner = name("big.example.com");
    w.question(&owner, RType::TXT, Class::IN)
        .expect("test data is valid");
    w.set_flags(FLAG_AA, true);
    let order = [6u8, 7, 8, 4, 0, 1, 2, 3, 5, 9];
    let rdatas = order.map(big_txt);
    assert_eq!(
        w.push(Section::Answer, &rrset(&owner, RType::TXT, 300), &rdatas),
        Ok(Pushed::Truncated)
    );
    assert!(w.truncated());
    let late = w.push(
        Section::Additional,
        &rrset(&owner, RType::A, 300),
        [[1u8, 2, 3, 4]],
    );
    assert_eq!(late, Ok(Pushed::Truncated));
    let n = w.finish().expect("test data is valid");
    assert_eq!(n, 485);
    let mut bind = hex("12348700000100040000000003626967076578616d706c6503636f6d0000100001");
    for i in [6u8, 7, 8, 4] {
        bind.extend(hex("c00c001000010000012c0065"));
        bind.extend(big_txt(i));
    }
    assert_eq!(&out.buf[..n], &bind[..]);
    let m = decode(&out.buf[..n]);
    assert!(m.metadata.truncation);
}

#[test]
fn without_edns_29_of_40_addresses() {
    let mut out = Out::new();
    let mut w = out.writer(512, request(RD), None);
    let owner = name("manya.example.com");
    w.question(&owner, RType::A, Class::IN)
        .expect("test data is valid");
    let rdatas: Vec<[u8; 4]> = (0..40).map(|i| [10, 0, i, 1]).collect();
    assert_eq!(
        w.push(Section::Answer, &rrset(&owner, RType::A, 300), &rdatas),
        Ok(Pushed::Truncated)
    );
    let n = w.finish().expect("test data is valid");
    let m = decode(&out.buf[..n]);
    assert_eq!((n, m.answers.len(), m.metadata.truncation), (499, 29, true));
}

#[test]
fn with_edns_a_truncated_answer_keeps_only_question_and_opt() {
    let mut out = Out::new();
    let mut w = out.writer(512, request(RD), Some(OptRecord::plain(1232, false)));
    let owner = name("big.example.com");
    w.question(&owner, RType::TXT, Class::IN)
        .expect("test data is valid");
    w.set_flags(FLAG_AA, true);
    let rdatas = [0u8, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(big_txt);
    assert_eq!(
        w.push(Section::Answer, &rrset(&owner, RType::TXT, 300), &rdatas),
        Ok(Pushed::Truncated)
    );
    let n = w.finish().expect("test data is valid");
    let bind = hex(
        "12348700000100000000000103626967076578616d706c6503636f6d000010000100002904d0000000000000",
    );
    assert_eq!(&out.buf[..n], &bind[..]);

    // The same with a cookie and DO: both stay in the OPT record.
    let mut cookie = [0u8; 24];
    cookie.copy_from_slice(&hex("0102030405060708010000006b0277c49c86d0d06d43d6f9"));
    let opt = OptRecord {
        cookie: Some(cookie),
        ..OptRecord::plain(1232, true)
    };
    let mut w = out.writer(512, request(RD), Some(opt));
    w.question(&owner, RType::TXT, Class::IN)
        .expect("test data is valid");
    w.set_flags(FLAG_AA, true);
    w.push(Section::Answer, &rrset(&owner, RType::TXT, 300), &rdatas)
        .expect("test data is valid");
    let n = w.finish().expect("test data is valid");
    let bind = hex(
        "12348700000100000000000103626967076578616d706c6503636f6d000010000100002904d000008000\
         001c000a00180102030405060708010000006b0277c49c86d0d06d43d6f9",
    );
    assert_eq!(&out.buf[..n], &bind[..]);
    let m = decode(&out.buf[..n]);
    assert!(m.metadata.truncation && m.edns.is_some());
}

#[test]
fn with_edns_the_whole_answer_when_it_fits() {
    let mut out = Out::new();
    let mut w = out.writer(1232, request(RD), Some(OptRecord::plain(1232, false)));
    let owner = name("big.example.com");
    w.question(&owner, RType::TXT, Class::IN)
        .expect("test data is valid");
    let rdatas = [0u8, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(big_txt);
    assert_eq!(
        w.push(Section::Answer, &rrset(&owner, RType::TXT, 300), &rdatas),
        Ok(Pushed::Written)
    );
    let n = w.finish().expect("test data is valid");
    // BIND: 1174 bytes.
    assert_eq!(n, 1174);
    assert_eq!(decode(&out.buf[..n]).answers.len(), 10);
}

#[test]
fn additional_rrsets_that_do_not_fit_are_dropped_without_tc() {
    let mut out = Out::new();
    let mut w = out.writer(100, request(RD), None);
    let owner = name("example.com");
    w.question(&owner, RType::MX, Class::IN)
        .expect("test data is valid");
    let mx = [b"\x00\x0a".as_slice(), &name("mail.example.com")].concat();
    w.push(Section::Answer, &rrset(&owner, RType::MX, 300), [&mx])
        .expect("test data is valid");
    let mail = name("mail.example.com");
    let many: Vec<[u8; 16]> = (0..4).map(|i| [i; 16]).collect();
    assert_eq!(
        w.push(Section::Additional, &rrset(&mail, RType::AAAA, 300), &many),
        Ok(Pushed::Dropped)
    );
    // Later additional RRsets are dropped too, even small ones.
    assert_eq!(
        w.push(
            Section::Additional,
            &rrset(&mail, RType::A, 300),
            [[1u8, 2, 3, 4]]
        ),
        Ok(Pushed::Dropped)
    );
    let n = w.finish().expect("test data is valid");
    let m = decode(&out.buf[..n]);
    assert!(!m.metadata.truncation);
    assert_eq!((m.answers.len(), m.additionals.len()), (1, 0));
}

#[test]
fn required_glue_that_does_not_fit_sets_tc() {
    let mut out = Out::new();
    let mut w = out.writer(80, request(RD), None);
    let q = name("ns2.sub.example.com");
    w.question(&q, RType::A, Class::IN)
        .expect("test data is valid");
    let sub = name("sub.example.com");
    w.push(Section::Authority, &rrset(&sub, RType::NS, 300), [&q])
        .expect("test data is valid");
    let many: Vec<[u8; 4]> = (0..8).map(|i| [192, 0, 2, i]).collect();
    assert_eq!(
        w.push_required(&rrset(&q, RType::A, 300), &many),
        Ok(Pushed::Truncated)
    );
    let n = w.finish().expect("test data is valid");
    let m = decode(&out.buf[..n]);
    assert!(m.metadata.truncation);
    assert_eq!((m.authorities.len(), m.additionals.len()), (1, 0));
}

#[test]
fn a_question_that_does_not_fit_sets_tc() {
    let mut out = Out::new();
    let mut w = out.writer(20, request(RD), None);
    w.question(&name("www.example.com"), RType::A, Class::IN)
        .expect("test data is valid");
    assert!(w.truncated());
    let n = w.finish().expect("test data is valid");
    assert_eq!(n, 12);
    assert_eq!(out.buf[2..4], [0x83, 0x00]);
}

#[test]
fn misuse_is_an_error_not_a_panic() {
    let mut out = Out::new();
    let mut w = out.writer(512, request(RD), None);
    let owner = name("example.com");
    w.push(
        Section::Authority,
        &rrset(&owner, RType::NS, 300),
        [name("ns1.example.com")],
    )
    .expect("test data is valid");
    assert_eq!(
        w.push(Section::Answer, &rrset(&owner, RType::NS, 300), [&owner]),
        Err(WriteError::SectionOrder)
    );
    assert_eq!(
        w.question(&owner, RType::A, Class::IN),
        Err(WriteError::SectionOrder)
    );
    assert_eq!(
        w.push(
            Section::Additional,
            &rrset(b"\x05ab", RType::A, 1),
            [[0u8; 4]]
        ),
        Err(WriteError::MalformedName)
    );
    w.set_rcode(Rcode::BADVERS);
    assert_eq!(w.finish(), Err(WriteError::ExtendedRcodeWithoutOpt));
    let mut buf = [0u8; 20];
    let mut comp = Compressor::new();
    let too_small = ResponseWriter::new(
        &mut buf,
        &mut comp,
        512,
        &request(RD),
        Some(OptRecord::plain(1232, false)),
    );
    assert!(matches!(too_small, Err(WriteError::BufferTooSmall)));
}

#[test]
fn header_flags_follow_the_opcode() {
    let mut out = Out::new();
    // QUERY: RD and CD copied, the rest dropped.
    let w = out.writer(512, request(0x07f0), None);
    let n = w.finish().expect("test data is valid");
    assert_eq!(out.buf[2..4], [0x81, 0x10]);
    assert_eq!(n, 12);
    // IQUERY: nothing copied but the opcode.
    let w = out.writer(512, request(0x0900), None);
    w.finish().expect("test data is valid");
    assert_eq!(out.buf[2..4], [0x88, 0x00]);
}

#[test]
fn tsig_space_is_kept_free_and_turns_truncation_into_emptying() {
    let mut out = Out::new();
    let mut w = out.writer(512, request(RD), None);
    assert!(w.reserve(100));
    assert!(!w.reserve(500));
    let owner = name("manya.example.com");
    w.question(&owner, RType::A, Class::IN)
        .expect("test data is valid");
    let rdatas: Vec<[u8; 4]> = (0..40).map(|i| [10, 0, i, 1]).collect();
    assert_eq!(
        w.push(Section::Answer, &rrset(&owner, RType::A, 300), &rdatas),
        Ok(Pushed::Truncated)
    );
    let n = w.finish().expect("test data is valid");
    assert_eq!(n, 12 + 23);
}

fn parse(m: &[u8]) -> (Verdict, Request) {
    let mut req = Request::new();
    let v = req.parse(m, ParseOptions::default());
    (v, req)
}

#[test]
fn refusals_match_bind() {
    let mut out = Out::new();
    let www = question("www.example.com", 1, 1);
    let cfg = EdnsConfig::default();
    let cases: [(Vec<u8>, &str); 5] = [
        // EDNS version 1 with NSID: BADVERS, DO not set, no options.
        (
            [
                header(RD, 1, 0, 0, 1),
                www.clone(),
                opt_bytes(1232, 1, false, &hex("00030000")),
            ]
            .concat(),
            "12348100000100000000000103777777076578616d706c6503636f6d000001000100002904d0010000000000",
        ),
        // A COOKIE of length 7: FORMERR, question, plain OPT without DO.
        (
            [
                header(RD, 1, 0, 0, 1),
                www.clone(),
                opt_bytes(1232, 0, true, &hex("000a000701020304050607"))[..].to_vec(),
            ]
            .concat(),
            "",
        ),
        // An OPT record in the answer section: FORMERR, the question, no OPT.
        (
            [
                header(RD, 1, 1, 0, 0),
                www.clone(),
                opt_bytes(1232, 0, false, &[]),
            ]
            .concat(),
            "12348101000100000000000003777777076578616d706c6503636f6d0000010001",
        ),
        // Two questions, one name: FORMERR with both.
        (
            [
                header(RD, 2, 0, 0, 0),
                www.clone(),
                question("www.example.com", 28, 1),
            ]
            .concat(),
            "12348101000200000000000003777777076578616d706c6503636f6d0000010001c00c001c0001",
        ),
        // IQUERY: NOTIMP, nothing echoed.
        (
            [header(0x0900, 1, 0, 0, 0), www.clone()].concat(),
            "123488040000000000000000",
        ),
    ];
    for (i, (query, bind)) in cases.iter().enumerate() {
        let (verdict, req) = parse(query);
        let refusal = match verdict {
            Verdict::Reply(r) | Verdict::Accept(crate::wire::query::Action::Refuse(r)) => r,
            other => panic!("case {i}: {other:?}"),
        };
        let opt = refusal_opt(refusal.opt, req.edns(), &cfg, false, None);
        let n = write_refusal(&mut out.buf, &mut out.comp, 512, &req, query, &refusal, opt)
            .expect("test data is valid");
        if bind.is_empty() {
            // The cookie case has a malformed option in the query: check by structure.
            assert_eq!(out.buf[2..4], [0x81, 0x01]);
            let m = decode(&out.buf[..n]);
            assert_eq!(
                (
                    m.queries.len(),
                    m.edns.as_ref().map(|e| e.flags().dnssec_ok)
                ),
                (1, Some(false))
            );
            continue;
        }
        assert_eq!(&out.buf[..n], &hex(bind)[..], "case {i}");
        decode(&out.buf[..n]);
    }
}

#[test]
fn cookie_only_query_gets_a_cookie() {
    let mut out = Out::new();
    let query = [
        header(0x0010, 0, 0, 0, 1),
        opt_bytes(1232, 0, true, &hex("000a00080102030405060708")),
    ]
    .concat();
    let (verdict, req) = parse(&query);
    let Verdict::Reply(refusal) = verdict else {
        panic!("{verdict:?}")
    };
    let secret = [0u8; 16];
    let source = CookieSource {
        secret: &secret,
        client_ip: "127.0.0.1".parse().expect("test data is valid"),
        now: 0x6b02_7883,
    };
    let opt = refusal_opt(
        refusal.opt,
        req.edns(),
        &EdnsConfig::default(),
        false,
        Some(&source),
    );
    let n = write_refusal(
        &mut out.buf,
        &mut out.comp,
        512,
        &req,
        &query,
        &refusal,
        opt,
    )
    .expect("test data is valid");
    // NOERROR, CD kept, DO echoed, the COOKIE option: 51 bytes as from BIND.
    assert_eq!(n, 51);
    assert_eq!(out.buf[2..4], [0x80, 0x10]);
    let m = decode(&out.buf[..n]);
    assert!(m.edns.expect("test data is valid").flags().dnssec_ok);
}

#[test]
fn expire_and_subnet_are_written_in_the_opt() {
    let mut out = Out::new();
    let subnet = ClientSubnet::from_option(&[0, 1, 24, 0, 10, 0, 0]);
    let opt = OptRecord {
        subnet,
        ..OptRecord::plain(1232, false)
    };
    let mut w = out.writer(512, request(RD), Some(opt));
    assert!(w.set_expire(604800));
    let apex = name("example.com");
    w.question(&apex, RType::SOA, Class::IN)
        .expect("test data is valid");
    w.push(Section::Answer, &rrset(&apex, RType::SOA, 300), [in_soa(2)])
        .expect("test data is valid");
    let n = w.finish().expect("test data is valid");
    let tail = hex("00002904d00000000000130009000400093a8000080007000118000a0000");
    assert_eq!(&out.buf[n - tail.len()..n], &tail[..]);
    decode(&out.buf[..n]);
    // Without an OPT record, or without room, nothing is added.
    let mut w = out.writer(512, request(RD), None);
    assert!(!w.set_expire(1));
    let mut w = out.writer(12 + 11, request(RD), Some(OptRecord::plain(1232, false)));
    assert!(!w.set_expire(1));
    assert_eq!(w.finish(), Ok(23));
}

#[test]
fn additional_passes_like_bind() {
    assert_eq!(additional_pass(RType::A, Class::IN, false), 4);
    assert_eq!(additional_pass(RType::AAAA, Class::IN, false), 3);
    assert_eq!(additional_pass(RType::AAAA, Class::IN, true), 4);
    assert_eq!(additional_pass(RType::RRSIG, Class::IN, false), 2);
    assert_eq!(additional_pass(RType::TXT, Class::IN, false), 1);
    assert_eq!(additional_pass(RType::TXT, Class::CH, false), 4);
}

#[test]
fn a_reused_writer_starts_clean() {
    let mut out = Out::new();
    let first = www_answer(&mut out, "www.example.com");
    let second = www_answer(&mut out, "www.example.com");
    assert_eq!(first, second);
}

#[test]
fn tc_flag_constant_matches_header() {
    assert_eq!(FLAG_TC, 0x0200);
}
