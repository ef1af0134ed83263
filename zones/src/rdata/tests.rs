//! Tests of the public entry points: the generic form, errors and their token indices,
//! embedded names and canonical form.

use super::*;
use crate::text::Lexer;

fn origin() -> Name {
    Name::from_text("example.com.", None).expect("valid")
}

fn parse(rtype: RType, text: &str) -> Result<Vec<u8>, RdataError> {
    let line = format!("{text}\n");
    let mut lexer = Lexer::new(&line);
    let mut toks = Vec::new();
    if lexer.next_entry(&mut toks).expect("lexes").is_none() {
        toks.clear();
    }
    from_text(rtype, &toks, &origin()).map(|rd| rd.0.into_vec())
}

fn round(rtype: RType, text: &str) -> String {
    let wire = parse(rtype, text).expect("parses");
    to_text(rtype, &wire).expect("prints")
}

#[test]
fn rfc3597_section_5_generic_form_for_any_type() {
    assert_eq!(
        parse(RType::A, "\\# 4 C0000201").expect("ok"),
        [192, 0, 2, 1]
    );
    assert_eq!(parse(RType(65000), "\\# 3 01 0203").expect("ok"), [1, 2, 3]);
    assert_eq!(parse(RType(65000), "\\# 0").expect("ok"), [0u8; 0]);
    assert_eq!(
        to_text(RType(65000), &[1, 2, 3]).expect("ok"),
        "\\# 3 010203"
    );
    assert_eq!(to_text(RType(65000), &[]).expect("ok"), "\\# 0");
    // BIND prints the hex in words of 56 digits.
    let long = to_text(RType(65000), &[0xab; 30]).expect("ok");
    assert_eq!(long, format!("\\# 30 {} ABAB", "AB".repeat(28)));
    // NULL has no other form.
    assert_eq!(to_text(RType(10), &[1]).expect("ok"), "\\# 1 01");
    assert_eq!(
        parse(RType(10), "").map_err(|e| e.kind),
        Err(RdataErrorKind::GenericOnly(RType(10)))
    );
}

#[test]
fn generic_form_is_checked_for_known_types() {
    let err = parse(RType::A, "\\# 3 C00002").expect_err("too short for A");
    assert!(matches!(err.kind, RdataErrorKind::Malformed(_)));
    assert!(parse(RType::MX, "\\# 3 000a00").is_ok());
    // A compression pointer is not an uncompressed name.
    assert!(parse(RType::MX, "\\# 4 000ac000").is_err());
    // The length must match the data exactly.
    assert!(parse(RType(65000), "\\# 2 01").is_err());
    assert!(parse(RType(65000), "\\# 1 0102").is_err());
    assert_eq!(
        parse(RType(65000), "\\# 1 01 02").map_err(|e| (e.token, e.kind)),
        Err((3, RdataErrorKind::ExtraToken))
    );
    assert!(parse(RType(65000), "\\# 65536 00").is_err());
    assert_eq!(
        parse(RType(65000), "a b").map_err(|e| e.kind),
        Err(RdataErrorKind::GenericOnly(RType(65000)))
    );
}

#[test]
fn txt_backslash_hash_is_a_string_unless_a_length_follows() {
    assert_eq!(parse(RType::TXT, "\\#").expect("ok"), b"\x01#");
    assert_eq!(parse(RType::TXT, "\\# x").expect("ok"), b"\x01#\x01x");
    assert_eq!(parse(RType::TXT, "\\# 2 0161").expect("ok"), b"\x01a");
    // Quoted, it is always text.
    assert_eq!(parse(RType::TXT, "\"\\#\" 2").expect("ok"), b"\x01#\x012");
}

#[test]
fn meta_types_have_no_rdata() {
    for rtype in [RType(0), RType::OPT, RType::ANY, RType::AXFR, RType(128)] {
        assert_eq!(
            parse(rtype, "\\# 0").map_err(|e| e.kind),
            Err(RdataErrorKind::MetaType(rtype))
        );
    }
}

#[test]
fn errors_name_the_token() {
    let err = parse(RType::MX, "10").expect_err("missing name");
    assert_eq!(err.token, 1);
    assert_eq!(err.kind, RdataErrorKind::Missing("a domain name"));
    assert_eq!(
        err.to_string(),
        "expected a domain name, found the end of the record"
    );
    let err = parse(RType::MX, "65536 mail").expect_err("range");
    assert_eq!(
        (err.token, err.to_string()),
        (0, "expected a 16-bit number".into())
    );
    let err = parse(RType::A, "192.0.2.1 x").expect_err("extra");
    assert_eq!((err.token, err.kind), (1, RdataErrorKind::ExtraToken));
    let err = parse(RType::A, "\"192.0.2.1\"").expect_err("quoted");
    assert_eq!(err.to_string(), "expected an IPv4 address");
    let err = parse(RType::TXT, &format!("\"{}\"", "a".repeat(256))).expect_err("long");
    assert_eq!(err.kind, RdataErrorKind::StringTooLong);
    let err = parse(RType::TXT, "ok \"\\25\"").expect_err("escape");
    assert_eq!((err.token, err.kind), (1, RdataErrorKind::BadEscape));
}

#[test]
fn names_are_completed_with_the_origin() {
    assert_eq!(round(RType::CNAME, "@"), "example.com.");
    assert_eq!(round(RType::CNAME, "www"), "www.example.com.");
    assert_eq!(round(RType::CNAME, "www.example.net."), "www.example.net.");
    assert_eq!(round(RType::MX, "10 @"), "10 example.com.");
    // Only a lone @ means the origin.
    assert_eq!(round(RType::CNAME, "\\@"), "\\@.example.com.");
}

#[test]
fn rdata_length_is_bounded() {
    let strings = vec!["\"".to_string() + &"x".repeat(255) + "\""; 257].join(" ");
    assert_eq!(
        parse(RType::TXT, &strings).map_err(|e| e.kind),
        Err(RdataErrorKind::TooLong)
    );
    assert!(validate_wire(RType(65000), &vec![0; MAX_RDATA_LEN]).is_ok());
    assert!(validate_wire(RType(65000), &vec![0; MAX_RDATA_LEN + 1]).is_err());
}

#[test]
fn soa_timers_take_units() {
    assert_eq!(
        round(RType::SOA, "ns1 hostmaster 1 1h 15m 1w2d 300"),
        "ns1.example.com. hostmaster.example.com. 1 3600 900 777600 300"
    );
    // The serial is a plain number.
    assert!(parse(RType::SOA, "a b 1h 1 1 1 1").is_err());
}

#[test]
fn rfc3597_section_4_names_and_compression() {
    let soa = parse(RType::SOA, "a b 1 2 3 4 5").expect("ok");
    assert_eq!(
        names(RType::SOA, &soa).collect::<Vec<_>>(),
        [(0, true), (15, true)]
    );
    let mx = parse(RType::MX, "10 mail").expect("ok");
    assert_eq!(names(RType::MX, &mx).collect::<Vec<_>>(), [(2, true)]);
    let srv = parse(RType::SRV, "0 5 5060 sip").expect("ok");
    assert_eq!(names(RType::SRV, &srv).collect::<Vec<_>>(), [(6, false)]);
    let rrsig = parse(
        RType::RRSIG,
        "A 8 2 300 20300101000000 20240101000000 1 example.com. AQID",
    )
    .expect("ok");
    assert_eq!(
        names(RType::RRSIG, &rrsig).collect::<Vec<_>>(),
        [(18, false)]
    );
    // RFC 6840 §5.1: the NSEC next name keeps its case.
    let nsec = parse(RType::NSEC, "A.example. A").expect("ok");
    assert_eq!(names(RType::NSEC, &nsec).count(), 0);
    assert_eq!(
        names(RType::MX, &[0, 10, 5]).count(),
        1,
        "the names before a fault"
    );
    assert_eq!(names(RType(65000), &[1, 2, 3]).count(), 0);
}

#[test]
fn rfc4034_section_6_2_canonical_form() {
    let mx = parse(RType::MX, "10 MAIL.Example.NET.").expect("ok");
    assert_eq!(
        &canonical(RType::MX, &mx)[2..],
        b"\x04mail\x07example\x03net\x00"
    );
    let lower = parse(RType::MX, "10 mail.example.net.").expect("ok");
    assert!(matches!(canonical(RType::MX, &lower), Cow::Borrowed(_)));
    let txt = parse(RType::TXT, "ABC").expect("ok");
    assert!(matches!(canonical(RType::TXT, &txt), Cow::Borrowed(_)));
    let nsec = parse(RType::NSEC, "A.example. A").expect("ok");
    assert!(matches!(canonical(RType::NSEC, &nsec), Cow::Borrowed(_)));
    let rp = parse(RType(17), "Admin.Example. TXT.Example.").expect("ok");
    assert_eq!(
        &canonical(RType(17), &rp)[..],
        b"\x05admin\x07example\x00\x03txt\x07example\x00"
    );
    // The types whose canonical form is the RDATA itself are those without such names.
    for rtype in [
        RType::A,
        RType::AAAA,
        RType::TXT,
        RType::NSEC,
        RType::DS,
        RType(65000),
    ] {
        assert!(canonical_is_identity(rtype), "{rtype}");
    }
    for rtype in [
        RType::NS,
        RType::MX,
        RType::SOA,
        RType::SRV,
        RType::RRSIG,
        RType(17),
    ] {
        assert!(!canonical_is_identity(rtype), "{rtype}");
    }
}

#[test]
fn printing_follows_bind() {
    assert_eq!(
        round(RType::TXT, "\"a b\" c \"\\\"\" \"\\\\\" \"\\009\\255\""),
        "\"a b\" \"c\" \"\\\"\" \"\\\\\" \"\\009\\255\""
    );
    assert_eq!(
        round(RType(257), "0 issue letsencrypt.org"),
        "0 issue \"letsencrypt.org\""
    );
    assert_eq!(
        round(RType(29), "52 22 23 N 4 53 32 E -2m 1 10000 10"),
        "52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m"
    );
    assert_eq!(
        round(RType::SVCB, "1 . port=8443 alpn=h2,h3 mandatory=port,alpn"),
        "1 . mandatory=alpn,port alpn=\"h2,h3\" port=8443"
    );
    assert_eq!(
        round(
            RType::NSEC3,
            "1 1 10 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG"
        ),
        "1 1 10 AABBCCDD 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG"
    );
    assert_eq!(round(RType::NSEC3PARAM, "SHA-1 0 0 -"), "1 0 0 -");
    assert_eq!(
        round(
            RType::DS,
            "1 RSASHA1 SHA-1 00112233445566778899 aabbccddeeff00112233"
        ),
        "1 5 1 00112233445566778899AABBCCDDEEFF00112233"
    );
    assert_eq!(round(RType(37), "PGP 0 8 AQID"), "PGP 0 RSASHA256 AQID");
}
