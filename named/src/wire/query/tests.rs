//! Every parse outcome, named after what BIND 9.18.49 was seen to do with the same packet.

use super::*;
use crate::wire::testutil::{header, name, opcode, opt, opt_with_owner, option, question, record};

const RD: u16 = 0x0100;
const COOKIE: u16 = 10;
const CLIENT_COOKIE: [u8; 8] = [1, 2, 3, 4, 5, 6, 7, 8];

fn parse(msg: &[u8]) -> (Verdict, Request) {
    let mut req = Request::new();
    let verdict = req.parse(msg, ParseOptions::default());
    (verdict, req)
}

fn www() -> Vec<u8> {
    question("www.example.com", 1, 1)
}

fn msg(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn reply(rcode: Rcode, echo_question: bool, opt: ReplyOpt) -> Verdict {
    Verdict::Reply(Refusal {
        rcode,
        echo_question,
        opt,
    })
}

fn refuse(rcode: Rcode, echo_question: bool) -> Verdict {
    Verdict::Accept(Action::Refuse(Refusal {
        rcode,
        echo_question,
        opt: ReplyOpt::Full,
    }))
}

const FORMERR_BARE: Verdict = Verdict::Reply(Refusal {
    rcode: Rcode::FORMERR,
    echo_question: false,
    opt: ReplyOpt::Omit,
});

const FORMERR_ECHO: Verdict = Verdict::Reply(Refusal {
    rcode: Rcode::FORMERR,
    echo_question: true,
    opt: ReplyOpt::Omit,
});

const FORMERR_OPTERR: Verdict = Verdict::Reply(Refusal {
    rcode: Rcode::FORMERR,
    echo_question: true,
    opt: ReplyOpt::Plain { dnssec_ok: false },
});

#[test]
fn ordinary_query() {
    let (v, req) = parse(&msg(&[
        &header(RD, 1, 0, 0, 0),
        &question("WwW.Example.COM", 28, 1),
    ]));
    assert_eq!(v, Verdict::Accept(Action::Query));
    let q = req.question().expect("test data is valid");
    assert_eq!(q.name(), name("WwW.Example.COM"));
    assert_eq!(q.lower_name(), name("www.example.com"));
    assert_eq!((q.qtype, q.qclass), (RType::AAAA, Class::IN));
    assert_eq!(req.class(), Some(Class::IN));
    assert!(req.edns().is_none() && req.tsig().is_none());
}

#[test]
fn drops_short_messages_and_responses() {
    assert_eq!(
        parse(&header(RD, 1, 0, 0, 0)[..11]).0,
        Verdict::Drop(DropReason::ShortHeader)
    );
    let response = msg(&[&header(0x8100, 1, 0, 0, 0), &www()]);
    assert_eq!(parse(&response).0, Verdict::Drop(DropReason::Response));
}

#[test]
fn rfc1035_section_4_1_2_question_faults() {
    // The header alone, with QDCOUNT 1.
    assert_eq!(parse(&header(RD, 1, 0, 0, 0)).0, FORMERR_BARE);
    let mut cut = header(RD, 1, 0, 0, 0);
    cut.extend(&name("www.example.com")[..8]);
    assert_eq!(parse(&cut).0, FORMERR_BARE);
    let mut no_type = header(RD, 1, 0, 0, 0);
    no_type.extend(name("www.example.com"));
    assert_eq!(parse(&no_type).0, FORMERR_BARE);
    no_type.extend([0, 1]);
    assert_eq!(parse(&no_type).0, FORMERR_BARE);
    for bad in [&b"\xc0\x0c"[..], b"\xc0\x20", b"\x41a\x00", b"\x81a\x00"] {
        let m = msg(&[&header(RD, 1, 0, 0, 0), bad, &[0, 1, 0, 1], &[0; 20]]);
        assert_eq!(parse(&m).0, FORMERR_BARE, "{bad:02x?}");
    }
}

#[test]
fn names_of_255_bytes_but_not_256() {
    let mut exact = Vec::new();
    for _ in 0..3 {
        exact.push(63);
        exact.extend([b'a'; 63]);
    }
    exact.push(61);
    exact.extend([b'a'; 61]);
    exact.push(0);
    let ok = msg(&[&header(RD, 1, 0, 0, 0), &exact, &[0, 1, 0, 1]]);
    assert_eq!(parse(&ok).0, Verdict::Accept(Action::Query));
    let mut long = exact.clone();
    long[192] = 62;
    long.insert(193, b'a');
    let too_long = msg(&[&header(RD, 1, 0, 0, 0), &long, &[0, 1, 0, 1]]);
    assert_eq!(parse(&too_long).0, FORMERR_BARE);
}

#[test]
fn pointer_into_the_header_is_followed() {
    // ID 0 makes offset 0 a root label: BIND read the name as "www." and refused it.
    let mut m = header(RD, 1, 0, 0, 0);
    m[0] = 0;
    m[1] = 0;
    m.extend(b"\x03www\xc0\x00\x00\x01\x00\x01");
    let (v, req) = parse(&m);
    assert_eq!(v, Verdict::Accept(Action::Query));
    assert_eq!(
        req.question().expect("test data is valid").name(),
        name("www")
    );
}

#[test]
fn trailing_bytes_are_ignored() {
    let m = msg(&[&header(RD, 1, 0, 0, 0), &www(), b"garbage"]);
    assert_eq!(parse(&m).0, Verdict::Accept(Action::Query));
}

#[test]
fn several_questions_like_bind() {
    // Same name (any case), different types: parsed, then FORMERR echoing all of them.
    let m = msg(&[
        &header(RD, 3, 0, 0, 0),
        &www(),
        &question("WWW.example.COM", 28, 1),
        b"\xc0\x0c\x00\x0f\x00\x01",
    ]);
    let (v, req) = parse(&m);
    assert_eq!(v, refuse(Rcode::FORMERR, true));
    let echoed: Vec<_> = req.echoed_questions(&m).collect();
    assert_eq!(
        echoed,
        [
            (RType::A, Class::IN),
            (RType::AAAA, Class::IN),
            (RType::MX, Class::IN)
        ]
    );
    // The same type twice, another name, another class: FORMERR without the question.
    for second in [
        www(),
        question("ns1.example.com", 1, 1),
        question("www.example.com", 28, 3),
    ] {
        let m = msg(&[&header(RD, 2, 0, 0, 0), &www(), &second]);
        assert_eq!(parse(&m).0, FORMERR_BARE);
    }
    // Class NONE for both: the class check comes first, still with both echoed.
    let m = msg(&[
        &header(RD, 2, 0, 0, 0),
        &question("www.example.com", 1, 254),
        &question("www.example.com", 28, 254),
    ]);
    let (v, req) = parse(&m);
    assert_eq!(v, reply(Rcode::FORMERR, true, ReplyOpt::Full));
    assert_eq!(req.echoed_questions(&m).count(), 2);
}

#[test]
fn rfc6891_section_6_1_1_opt_placement() {
    let o = opt(1232, 0, false, &[]);
    let cases = [
        msg(&[&header(RD, 1, 0, 0, 1), &www()]),
        msg(&[&header(RD, 1, 1, 0, 0), &www(), &o]),
        msg(&[&header(RD, 1, 0, 1, 0), &www(), &o]),
        msg(&[&header(RD, 1, 0, 0, 2), &www(), &o, &o]),
        msg(&[
            &header(RD, 1, 0, 0, 1),
            &www(),
            &opt_with_owner(&name("a"), 1232, 0, false, &[]),
        ]),
        msg(&[&header(RD, 1, 0, 0, 2), &www(), &o, b"\x01"]),
    ];
    for (i, m) in cases.iter().enumerate() {
        assert_eq!(parse(m).0, FORMERR_ECHO, "case {i}");
    }
    // An owner that is a pointer to a root label is the root.
    let m = msg(&[
        &header(RD, 1, 0, 0, 1),
        &www(),
        &opt_with_owner(b"\xc0\x1c", 1232, 0, false, &[]),
    ]);
    let (v, req) = parse(&m);
    assert_eq!(v, Verdict::Accept(Action::Query));
    assert_eq!(req.edns().expect("test data is valid").udp_size, 1232);
}

#[test]
fn opt_rdata_past_the_end() {
    let mut o = opt(1232, 0, false, &[]);
    let n = o.len();
    o[n - 1] = 10;
    assert_eq!(
        parse(&msg(&[&header(RD, 1, 0, 0, 1), &www(), &o])).0,
        FORMERR_ECHO
    );
    let cut = opt(1232, 0, false, b"\x00\x0a\x00\x08\x01\x02\x03\x04");
    assert_eq!(
        parse(&msg(&[&header(RD, 1, 0, 0, 1), &www(), &cut])).0,
        FORMERR_ECHO
    );
    let three = opt(1232, 0, false, b"\x00\x0a\x00");
    assert_eq!(
        parse(&msg(&[&header(RD, 1, 0, 0, 1), &www(), &three])).0,
        FORMERR_ECHO
    );
}

#[test]
fn rfc7873_section_5_2_2_cookie_lengths() {
    for len in [8usize, 16, 24, 40] {
        let o = opt(1232, 0, false, &option(COOKIE, &vec![7; len]));
        let (v, req) = parse(&msg(&[&header(RD, 1, 0, 0, 1), &www(), &o]));
        assert_eq!(v, Verdict::Accept(Action::Query), "{len}");
        assert_eq!(
            req.edns()
                .expect("test data is valid")
                .cookie
                .expect("test data is valid")
                .server()
                .len(),
            len - 8
        );
    }
    for len in [0usize, 7, 9, 15, 41] {
        let o = opt(1232, 0, true, &option(COOKIE, &vec![7; len]));
        assert_eq!(
            parse(&msg(&[&header(RD, 1, 0, 0, 1), &www(), &o])).0,
            FORMERR_OPTERR,
            "{len}"
        );
    }
    // A good cookie then a bad one: the whole OPT is refused.
    let both = [
        option(COOKIE, &CLIENT_COOKIE),
        option(COOKIE, &CLIENT_COOKIE[..7]),
    ]
    .concat();
    let o = opt(1232, 0, false, &both);
    assert_eq!(
        parse(&msg(&[&header(RD, 1, 0, 0, 1), &www(), &o])).0,
        FORMERR_OPTERR
    );
}

#[test]
fn rfc6891_section_6_1_3_badvers() {
    let o = opt(1232, 1, true, &option(COOKIE, &CLIENT_COOKIE));
    let v = parse(&msg(&[&header(RD, 1, 0, 0, 1), &www(), &o])).0;
    assert_eq!(
        v,
        reply(Rcode::BADVERS, true, ReplyOpt::Plain { dnssec_ok: true })
    );
    let o = opt(1232, 255, false, &option(3, b""));
    let v = parse(&msg(&[&header(RD, 1, 0, 0, 1), &www(), &o])).0;
    assert_eq!(
        v,
        reply(Rcode::BADVERS, true, ReplyOpt::Plain { dnssec_ok: false })
    );
    // A bad option is found while parsing, before the version is looked at.
    let o = opt(1232, 1, false, &option(COOKIE, &CLIENT_COOKIE[..5]));
    assert_eq!(
        parse(&msg(&[&header(RD, 1, 0, 0, 1), &www(), &o])).0,
        FORMERR_OPTERR
    );
    // IQUERY gets BADVERS too, without the question.
    let o = opt(1232, 1, false, &[]);
    let v = parse(&msg(&[&header(opcode(1), 1, 0, 0, 1), &www(), &o])).0;
    assert_eq!(
        v,
        reply(Rcode::BADVERS, false, ReplyOpt::Plain { dnssec_ok: false })
    );
}

#[test]
fn edns_flags_and_options_are_read() {
    let mut o = opt(100, 0, true, &[]);
    o[7] = 0xff;
    o[8] = 0xff;
    o[5] = 5;
    let (v, req) = parse(&msg(&[&header(RD, 1, 0, 0, 1), &www(), &o]));
    assert_eq!(v, Verdict::Accept(Action::Query));
    let edns = req.edns().expect("test data is valid");
    assert_eq!(
        (edns.udp_size, edns.flags, edns.ext_rcode),
        (100, 0xffff, 5)
    );
    assert!(edns.dnssec_ok());
}

#[test]
fn rfc7871_ecs_scope_must_be_zero() {
    let bad = option(8, &[0, 1, 24, 8, 10, 0, 0]);
    let o = opt(1232, 0, false, &bad);
    let v = parse(&msg(&[&header(RD, 1, 0, 0, 1), &www(), &o])).0;
    assert_eq!(v, FORMERR_ECHO);
    // Only the first ECS option counts.
    let two = [option(8, &[0, 1, 8, 0, 10]), option(8, &[0, 1, 8, 8, 10])].concat();
    let (v, req) = parse(&msg(&[
        &header(RD, 1, 0, 0, 1),
        &www(),
        &opt(1232, 0, false, &two),
    ]));
    assert_eq!(v, Verdict::Accept(Action::Query));
    assert_eq!(
        req.edns()
            .expect("test data is valid")
            .subnet
            .expect("test data is valid")
            .address(),
        [10]
    );
    // A malformed ECS is a bad option.
    let o = opt(1232, 0, false, &option(8, &[0, 3, 0, 0]));
    assert_eq!(
        parse(&msg(&[&header(RD, 1, 0, 0, 1), &www(), &o])).0,
        FORMERR_OPTERR
    );
}

#[test]
fn unimplemented_opcodes() {
    for op in [1, 2, 3, 6, 15] {
        let v = parse(&msg(&[&header(opcode(op), 1, 0, 0, 0), &www()])).0;
        assert_eq!(v, refuse(Rcode::NOTIMP, false), "opcode {op}");
    }
    let v = parse(&msg(&[&header(opcode(1), 0, 0, 0, 0)])).0;
    assert_eq!(v, reply(Rcode::NOTIMP, false, ReplyOpt::Full));
    // Parse faults still come first.
    let other = question("x.example.com", 1, 1);
    let v = parse(&msg(&[&header(opcode(1), 2, 0, 0, 0), &www(), &other])).0;
    assert_eq!(v, FORMERR_BARE);
    let v = parse(&msg(&[
        &header(opcode(2), 1, 0, 0, 0),
        &question("a", 1, 42),
    ]))
    .0;
    assert_eq!(v, reply(Rcode::NOTIMP, false, ReplyOpt::Full));
}

#[test]
fn notify_and_update_are_dispatched() {
    let v = parse(&msg(&[
        &header(opcode(4), 1, 0, 0, 0),
        &question("example.com", 6, 1),
    ]))
    .0;
    assert_eq!(v, Verdict::Accept(Action::Notify));
    let v = parse(&msg(&[
        &header(opcode(5), 1, 0, 0, 0),
        &question("example.com", 6, 1),
    ]))
    .0;
    assert_eq!(v, Verdict::Accept(Action::Update));
    // NOTIFY in class NONE fails in the question section.
    let v = parse(&msg(&[
        &header(opcode(4), 1, 0, 0, 0),
        &question("example.com", 6, 254),
    ]))
    .0;
    assert_eq!(v, FORMERR_BARE);
    // UPDATE prerequisites of class ANY carry no RDATA.
    let prereq = record("a.example.com", 1, 255, &[]);
    let ok = msg(&[
        &header(opcode(5), 1, 1, 0, 0),
        &question("example.com", 6, 1),
        &prereq,
    ]);
    assert_eq!(parse(&ok).0, Verdict::Accept(Action::Update));
    let bad = record("a.example.com", 1, 255, &[1, 2, 3, 4]);
    let m = msg(&[
        &header(opcode(5), 1, 1, 0, 0),
        &question("example.com", 6, 1),
        &bad,
    ]);
    assert_eq!(
        parse(&m).0,
        Verdict::Reply(Refusal {
            rcode: Rcode::FORMERR,
            echo_question: true,
            opt: ReplyOpt::Omit
        })
    );
    // NOTIFY in class CH is not implemented.
    let v = parse(&msg(&[
        &header(opcode(4), 1, 0, 0, 0),
        &question("version.bind", 6, 3),
    ]))
    .0;
    assert_eq!(v, refuse(Rcode::NOTIMP, true));
}

#[test]
fn message_classes() {
    let q = |class| {
        msg(&[
            &header(RD, 1, 0, 0, 0),
            &question("www.example.com", 1, class),
        ])
    };
    assert_eq!(parse(&q(0)).0, reply(Rcode::FORMERR, true, ReplyOpt::Full));
    assert_eq!(parse(&q(2)).0, reply(Rcode::NOTIMP, true, ReplyOpt::Full));
    assert_eq!(parse(&q(42)).0, reply(Rcode::NOTIMP, true, ReplyOpt::Full));
    assert_eq!(
        parse(&q(254)).0,
        reply(Rcode::FORMERR, true, ReplyOpt::Full)
    );
    assert_eq!(
        parse(&q(255)).0,
        reply(Rcode::FORMERR, true, ReplyOpt::Full)
    );
    assert_eq!(parse(&q(3)).0, Verdict::Accept(Action::Query));
    assert_eq!(parse(&q(4)).0, refuse(Rcode::REFUSED, true));
    // Class ANY passes for a TKEY question, which is then refused.
    let tkey = msg(&[
        &header(RD, 1, 0, 0, 0),
        &question("www.example.com", 249, 255),
    ]);
    assert_eq!(parse(&tkey).0, refuse(Rcode::FORMERR, true));
    let v = parse(&msg(&[
        &header(opcode(2), 1, 0, 0, 0),
        &question("a", 1, 0),
    ]))
    .0;
    assert_eq!(v, reply(Rcode::NOTIMP, false, ReplyOpt::Full));
}

#[test]
fn rfc7873_section_5_4_cookie_only_queries() {
    let cookie = opt(1232, 0, true, &option(COOKIE, &CLIENT_COOKIE));
    let v = parse(&msg(&[&header(RD, 0, 0, 0, 1), &cookie])).0;
    assert_eq!(v, reply(Rcode::NOERROR, false, ReplyOpt::Full));
    let v = parse(&msg(&[&header(opcode(1), 0, 0, 0, 1), &cookie])).0;
    assert_eq!(v, reply(Rcode::NOTIMP, false, ReplyOpt::Full));
    let v = parse(&msg(&[&header(RD, 0, 0, 0, 1), &opt(1232, 0, false, &[])])).0;
    assert_eq!(v, reply(Rcode::FORMERR, false, ReplyOpt::Full));
    assert_eq!(
        parse(&header(RD, 0, 0, 0, 0)).0,
        reply(Rcode::FORMERR, false, ReplyOpt::Full)
    );
    let mut no_cookies = Request::new();
    let v = no_cookies.parse(
        &msg(&[&header(RD, 0, 0, 0, 1), &cookie]),
        ParseOptions {
            answer_cookie: false,
        },
    );
    assert_eq!(v, reply(Rcode::FORMERR, false, ReplyOpt::Full));
    // With EDNS version 1, BADVERS.
    let v1 = opt(1232, 1, false, &option(COOKIE, &CLIENT_COOKIE));
    let v = parse(&msg(&[&header(RD, 0, 0, 0, 1), &v1])).0;
    assert_eq!(
        v,
        reply(Rcode::BADVERS, false, ReplyOpt::Plain { dnssec_ok: false })
    );
}

#[test]
fn question_less_query_with_records_is_servfail() {
    let a = record("www.example.com", 1, 1, &[1, 2, 3, 4]);
    let v = parse(&msg(&[&header(RD, 0, 1, 0, 0), &a])).0;
    assert_eq!(v, refuse(Rcode::SERVFAIL, false));
}

#[test]
fn meta_query_types() {
    let q = |qtype| {
        msg(&[
            &header(RD, 1, 0, 0, 0),
            &question("www.example.com", qtype, 1),
        ])
    };
    for qtype in [0, 1, 255, 65535, 127, 256] {
        assert_eq!(
            parse(&q(qtype)).0,
            Verdict::Accept(Action::Query),
            "{qtype}"
        );
    }
    for qtype in [41, 128, 249, 250] {
        assert_eq!(parse(&q(qtype)).0, refuse(Rcode::FORMERR, true), "{qtype}");
    }
    for qtype in [253, 254] {
        assert_eq!(parse(&q(qtype)).0, refuse(Rcode::NOTIMP, true), "{qtype}");
    }
    for qtype in [251, 252] {
        assert_eq!(
            parse(&q(qtype)).0,
            Verdict::Accept(Action::Transfer),
            "{qtype}"
        );
    }
}

#[test]
fn records_a_query_should_not_carry() {
    let a = record("www.example.com", 1, 1, &[1, 2, 3, 4]);
    let m = msg(&[&header(RD, 1, 1, 0, 0), &www(), &a]);
    assert_eq!(parse(&m).0, Verdict::Accept(Action::Query));
    let short_a = record("www.example.com", 1, 1, &[1, 2, 3]);
    let chaos_a = record("www.example.com", 1, 3, &[1, 2, 3, 4]);
    let any = record("www.example.com", 255, 1, &[]);
    let cut = record("www.example.com", 1, 1, &[1, 2, 3, 4]);
    let cut = &cut[..cut.len() - 1];
    for (i, bad) in [&short_a[..], &chaos_a, &any, cut].into_iter().enumerate() {
        let m = msg(&[&header(RD, 1, 1, 0, 0), &www(), bad]);
        assert_eq!(parse(&m).0, FORMERR_ECHO, "case {i}");
    }
    // Names in RDATA must end where the RDATA does; pointers only where BIND allows them.
    let cname = record("www.example.com", 5, 1, b"\xc0\x0c");
    let m = msg(&[&header(RD, 1, 1, 0, 0), &www(), &cname]);
    assert_eq!(parse(&m).0, Verdict::Accept(Action::Query));
    let bad_rdata: [&[u8]; 4] = [b"\xc0\x00\x02\x01", b"\x03www", b"\x00\x00", b"\x00"];
    for (i, rdata) in bad_rdata.into_iter().enumerate() {
        let rtype = [5, 5, 5, 15][i];
        let bad = record("www.example.com", rtype, 1, rdata);
        let m = msg(&[&header(RD, 1, 1, 0, 0), &www(), &bad]);
        assert_eq!(parse(&m).0, FORMERR_ECHO, "rdata {i}");
    }
    let dname = record("www.example.com", 39, 1, b"\xc0\x0c");
    assert_eq!(
        parse(&msg(&[&header(RD, 1, 1, 0, 0), &www(), &dname])).0,
        FORMERR_ECHO
    );
    let mut soa = name("ns1.example.com");
    soa.extend(b"\xc0\x0c");
    soa.extend([0; 20]);
    let ok = record("example.com", 6, 1, &soa);
    assert_eq!(
        parse(&msg(&[&header(RD, 1, 1, 0, 0), &www(), &ok])).0,
        Verdict::Accept(Action::Query)
    );
    let short = record("example.com", 6, 1, &soa[..soa.len() - 1]);
    assert_eq!(
        parse(&msg(&[&header(RD, 1, 1, 0, 0), &www(), &short])).0,
        FORMERR_ECHO
    );
    // A record in the additional section before the OPT record.
    let m = msg(&[
        &header(RD, 1, 0, 0, 2),
        &www(),
        &a,
        &opt(1232, 0, false, &[]),
    ]);
    let (v, req) = parse(&m);
    assert_eq!(v, Verdict::Accept(Action::Query));
    assert!(req.edns().is_some());
}

fn tsig_rdata() -> Vec<u8> {
    let mut rdata = name("hmac-sha256");
    rdata.extend([0, 0, 0x5f, 0, 0, 0, 1, 0x2c]);
    rdata.extend(32u16.to_be_bytes());
    rdata.extend([0xab; 32]);
    rdata.extend([0x12, 0x34, 0, 0, 0, 0]);
    rdata
}

#[test]
fn rfc8945_section_5_1_tsig_placement() {
    let tsig = record("key.example", 250, 255, &tsig_rdata());
    let o = opt(1232, 0, false, &[]);
    let m = msg(&[&header(RD, 1, 0, 0, 2), &www(), &o, &tsig]);
    let (v, req) = parse(&m);
    assert_eq!(v, Verdict::Accept(Action::Query));
    let pos = *req.tsig().expect("test data is valid");
    assert_eq!(pos.start, 12 + www().len() + o.len());
    assert_eq!(&m[pos.rdata_start..pos.rdata_end], &tsig_rdata()[..]);
    assert_eq!(pos.rdata_end, m.len());
    let bad = [
        msg(&[&header(RD, 1, 0, 0, 2), &www(), &tsig, &o]),
        msg(&[
            &header(RD, 1, 0, 0, 1),
            &www(),
            &record("k", 250, 1, &tsig_rdata()),
        ]),
        msg(&[&header(RD, 1, 1, 0, 0), &www(), &tsig]),
        msg(&[&header(RD, 1, 0, 0, 1), &www(), &record("k", 250, 255, &[])]),
        msg(&[
            &header(RD, 1, 0, 0, 1),
            &www(),
            &record("k", 250, 255, &[tsig_rdata(), vec![0]].concat()),
        ]),
    ];
    for (i, m) in bad.iter().enumerate() {
        assert_eq!(parse(m).0, FORMERR_ECHO, "case {i}");
    }
}

#[test]
fn parsing_again_forgets_the_last_message() {
    let mut req = Request::new();
    let o = opt(1232, 0, false, &option(COOKIE, &CLIENT_COOKIE));
    req.parse(
        &msg(&[&header(RD, 1, 0, 0, 1), &www(), &o]),
        ParseOptions::default(),
    );
    assert!(req.edns().is_some());
    req.parse(&header(RD, 1, 0, 0, 0), ParseOptions::default());
    assert!(req.edns().is_none() && req.question().is_none());
}
