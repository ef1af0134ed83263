//! Tests of the master-file parser, checked against what named-checkzone 9.18 does with the
//! same input.

use std::path::PathBuf;

use super::*;
use crate::writer::format_record;

const SOA: &str = "@ SOA ns hostmaster 1 2 3 4 5\n NS ns\nns A 192.0.2.1\n";

fn opts() -> ParseOptions {
    ParseOptions {
        origin: Name::from_text("example.com.", None).expect("valid origin"),
        class: Class::IN,
        base_dir: PathBuf::from("."),
        default_ttl: None,
    }
}

fn read(text: &str) -> Report {
    parse_str_with(text, "t.zone", &opts(), &Checks::default())
}

fn read_with(text: &str, checks: &Checks) -> Report {
    parse_str_with(text, "t.zone", &opts(), checks)
}

/// The records as `owner ttl class type rdata` lines.
fn lines(report: &Report) -> Vec<String> {
    report
        .records
        .iter()
        .map(|r| {
            let mut line = String::new();
            format_record(r, &mut line);
            line.replace('\t', " ")
        })
        .collect()
}

/// The diagnostics as printed.
fn said(report: &Report) -> Vec<String> {
    report.diagnostics.iter().map(ToString::to_string).collect()
}

/// The errors' `line:column` and token.
fn errors(report: &Report) -> Vec<(String, String)> {
    report
        .errors
        .iter()
        .map(|e| (e.pos.to_string(), e.token.clone()))
        .collect()
}

// ---- TTL rules ----------------------------------------------------------------------

#[test]
fn ttl_directive_with_units() {
    let report = read(&format!("$TTL 1h30m\n{SOA}"));
    assert!(report.is_ok(), "{:?}", said(&report));
    assert!(report.records.iter().all(|r| r.ttl == 5400));
    assert!(report.diagnostics.is_empty());
}

#[test]
fn no_ttl_anywhere_uses_the_soa_minimum_with_a_warning() {
    let report = read(&format!("{SOA}foo 200 A 192.0.2.2\nbar A 192.0.2.3\n"));
    assert!(report.is_ok());
    assert_eq!(
        said(&report),
        ["t.zone:1:1: no TTL specified; using SOA MINTTL instead"]
    );
    let ttls: Vec<u32> = report.records.iter().map(|r| r.ttl).collect();
    // The SOA minimum becomes the default; an explicit TTL applies to its record only.
    assert_eq!(ttls, [5, 5, 5, 200, 5]);
}

#[test]
fn a_first_record_without_ttl_rejects_the_zone() {
    let report = read(&format!("www A 192.0.2.9\n{SOA}"));
    assert_eq!(errors(&report), [("1:1".into(), String::new())]);
    assert_eq!(report.errors[0].kind, ErrorKind::NoTtl);
    assert!(said(&report)[0].starts_with("t.zone:1:1: no TTL specified; zone rejected"));
}

#[test]
fn rfc1035_semantics_carry_the_last_ttl_forward() {
    let text = "@ 100 SOA ns hm 1 2 3 4 5\n NS ns\nns 200 A 192.0.2.1\nfoo A 192.0.2.2\n\
                $TTL 50\nbar A 192.0.2.3\nbaz 70 A 192.0.2.4\nqux A 192.0.2.5\n";
    let report = read(text);
    assert!(report.is_ok());
    assert_eq!(said(&report), ["t.zone:2:2: using RFC1035 TTL semantics"]);
    let ttls: Vec<u32> = report.records.iter().map(|r| r.ttl).collect();
    assert_eq!(ttls, [100, 100, 200, 200, 50, 70, 50]);
}

#[test]
fn ttls_above_maxttl_become_zero() {
    let report = read(&format!("$TTL 3000000000\n{SOA}y 3000000000 A 192.0.2.1\n"));
    assert!(report.is_ok());
    assert_eq!(
        said(&report),
        [
            "t.zone:1:6: $TTL 3000000000 > MAXTTL, setting $TTL to 0",
            "t.zone:5:3: TTL 3000000000 > MAXTTL, setting TTL to 0",
        ]
    );
    assert!(report.records.iter().all(|r| r.ttl == 0));
}

#[test]
fn an_rrset_keeps_its_first_ttl_within_a_run_of_lines() {
    let text = format!(
        "$TTL 10\n{SOA}a 200 A 192.0.2.1\na A 192.0.2.2\n 300 A 192.0.2.3\nb A 192.0.2.4\n"
    );
    let report = read(&text);
    assert_eq!(
        said(&report),
        [
            "t.zone:6:1: TTL set to prior TTL (200)",
            "t.zone:7:2: TTL set to prior TTL (200)",
        ]
    );
    let a: Vec<u32> = report.records[3..6].iter().map(|r| r.ttl).collect();
    assert_eq!(a, [200, 200, 200]);
    assert_eq!(report.records[6].ttl, 10);
}

#[test]
fn bad_ttl_directives() {
    let report = read(&format!("$TTL 1h1\n{SOA}$TTL\n$TTL 1 2\n"));
    assert_eq!(
        errors(&report),
        [
            ("1:6".into(), "1h1".into()),
            ("5:5".into(), String::new()),
            ("6:8".into(), "2".into()),
        ]
    );
    assert_eq!(report.errors[0].kind, ErrorKind::BadTtl);
    assert_eq!(
        report.errors[1].to_string(),
        "t.zone:5:5: unexpected end of line: expected a TTL after $TTL"
    );
}

#[test]
fn default_ttl_option_acts_as_ttl_directive() {
    let mut o = opts();
    o.default_ttl = Some(77);
    let report = parse_str_with(SOA, "t.zone", &o, &Checks::default());
    assert!(report.is_ok());
    assert!(report.records.iter().all(|r| r.ttl == 77));
}

// ---- Owners, origins, class and TTL order -------------------------------------------

#[test]
fn owners_relative_absolute_at_and_inherited() {
    let text = format!(
        "$TTL 1\n{SOA}www A 192.0.2.2\n  A 192.0.2.3\nmail.example.com. A 192.0.2.4\n\
         @ TXT x\n$ORIGIN sub\nh A 192.0.2.5\n$ORIGIN @\nk A 192.0.2.6\n$ORIGIN example.com.\n\
         \\@\\.x A 192.0.2.7\n"
    );
    let report = read(&text);
    assert!(report.is_ok(), "{:?}", said(&report));
    let owners: Vec<String> = report.records.iter().map(|r| r.owner.to_string()).collect();
    assert_eq!(
        &owners[3..],
        [
            "www.example.com.",
            "www.example.com.",
            "mail.example.com.",
            "example.com.",
            "h.sub.example.com.",
            "k.sub.example.com.",
            "\\@\\.x.example.com.",
        ]
    );
}

#[test]
fn inherited_owner_after_origin_warns() {
    let report = read(&format!(
        "$TTL 1\n{SOA} A 192.0.2.9\n$ORIGIN foo\n A 192.0.2.10\n"
    ));
    assert!(report.is_ok());
    assert_eq!(
        said(&report),
        // BIND names the run's owner, not the glue name below the apex NS that the line
        // really continues.
        [
            "t.zone:7:2: record with inherited owner (example.com) immediately after $ORIGIN (foo.example.com)"
        ]
    );
    assert_eq!(report.records[4].owner.to_string(), "ns.example.com.");
}

#[test]
fn a_blank_owner_needs_a_previous_owner() {
    let report = read(&format!("  A 192.0.2.1\n$TTL 1\n{SOA}"));
    assert_eq!(errors(&report), [("1:3".into(), "A".into())]);
    assert_eq!(report.errors[0].kind, ErrorKind::NoOwner);
    assert_eq!(report.records.len(), 3);
}

#[test]
fn class_and_ttl_in_either_order_and_rfc3597_forms() {
    let text = format!(
        "$TTL 1\n{SOA}a IN 300 A 192.0.2.1\nb 300 IN A 192.0.2.2\nc in 1h A 192.0.2.3\n\
         d CLASS1 TYPE1 \\# 4 c0000204\ne TYPE65280 \\# 2 abcd\n"
    );
    let report = read(&text);
    assert!(report.is_ok(), "{:?}", said(&report));
    assert_eq!(
        &lines(&report)[3..],
        [
            "a.example.com. 300 IN A 192.0.2.1",
            "b.example.com. 300 IN A 192.0.2.2",
            "c.example.com. 3600 IN A 192.0.2.3",
            "d.example.com. 1 IN A 192.0.2.4",
            "e.example.com. 1 IN TYPE65280 \\# 2 ABCD",
        ]
    );
}

#[test]
fn class_mismatch_and_unknown_types_name_the_token() {
    let text = format!(
        "$TTL 1\n{SOA}bar CH A 1.2.3.4\nfoo bogus 1.2.3.4\nx 1 2 A 1.1.1.1\ny IN IN A 1.1.1.1\nz 1h1 A 1.1.1.1\n"
    );
    let report = read(&text);
    assert_eq!(
        errors(&report),
        [
            ("5:5".into(), "CH".into()),
            ("6:5".into(), "bogus".into()),
            ("7:5".into(), "2".into()),
            ("8:6".into(), "IN".into()),
            ("9:3".into(), "1h1".into()),
        ]
    );
    assert_eq!(
        report.errors[0].to_string(),
        "t.zone:5:5: class 'CH' != zone class 'IN'"
    );
    assert!(
        report.errors[1]
            .to_string()
            .starts_with("t.zone:6:5: unknown RR type 'bogus' (expected")
    );
    // Every broken line is reported; the good ones still parse.
    assert_eq!(report.records.len(), 3);
}

#[test]
fn missing_type_points_past_the_last_token() {
    let report = read(&format!("$TTL 1\n{SOA}foo 300 IN\n"));
    assert_eq!(errors(&report), [("5:11".into(), String::new())]);
}

#[test]
fn bad_owner_names() {
    let report = read(&format!(
        "$TTL 1\n{SOA}a..b A 1.1.1.1\n{} A 1.1.1.1\n",
        "x".repeat(64)
    ));
    assert_eq!(report.errors.len(), 2);
    assert_eq!(errors(&report)[0], ("5:1".into(), "a..b".into()));
    assert!(matches!(report.errors[1].kind, ErrorKind::BadName(_)));
}

#[test]
fn rdata_errors_point_at_the_field() {
    let report = read(&format!("$TTL 1\n{SOA}a A 1.2.3.400\nb A\nc MX 10\n"));
    assert_eq!(
        errors(&report),
        [
            ("5:5".into(), "1.2.3.400".into()),
            ("6:4".into(), String::new()),
            ("7:8".into(), String::new()),
        ]
    );
    assert!(matches!(report.errors[0].kind, ErrorKind::Rdata(_)));
}

#[test]
fn zone_rules_checked_while_reading() {
    let text = format!(
        "$TTL 1\n{SOA}@ DS 1 2 3 abcd\nfoo MD bar\nfoo TSIG bar\nfoo OPT bar\n\
         foo SOA ns hm 1 2 3 4 5\n"
    );
    let report = read(&text);
    let kinds: Vec<&ErrorKind> = report.errors.iter().map(|e| &e.kind).collect();
    assert!(matches!(
        kinds[0],
        ErrorKind::Rdata(_) | ErrorKind::AtParent(..)
    ));
    assert_eq!(kinds[1], &ErrorKind::ObsoleteType(RType(3)));
    assert_eq!(kinds[2], &ErrorKind::MetaType(RType::TSIG));
    assert_eq!(kinds[3], &ErrorKind::MetaType(RType::OPT));
    assert_eq!(kinds[4], &ErrorKind::SoaNotAtTop("foo.example.com".into()));
}

#[test]
fn out_of_zone_data_is_dropped_with_a_warning() {
    let text =
        format!("$TTL 1\n{SOA}foo.example.org. A 192.0.2.1\n A 192.0.2.2\nbar A 192.0.2.3\n");
    let report = read(&text);
    assert!(report.is_ok());
    assert_eq!(
        said(&report),
        ["t.zone:5:1: ignoring out-of-zone data (foo.example.org)"]
    );
    assert_eq!(report.records.len(), 4);
    assert_eq!(report.records[3].owner.to_string(), "bar.example.com.");
}

#[test]
fn parse_errors_display_file_line_column() {
    let err = parse_str(
        &format!("$TTL 1\n{SOA}x 1 IN BOGUS 1\n"),
        "zone.db",
        &opts(),
    )
    .expect_err("fails");
    assert!(
        err.to_string()
            .starts_with("zone.db:5:8: unknown RR type 'BOGUS'")
    );
    let d = err.diagnostic();
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.pos, Some(Pos { line: 5, column: 8 }));
}

#[test]
fn parse_str_returns_records_and_warnings() {
    let parsed = parse_str(SOA, "t.zone", &opts()).expect("parses");
    assert_eq!(parsed.records.len(), 3);
    assert_eq!(parsed.warnings.len(), 1);
}

#[test]
fn lexer_errors_stop_the_file() {
    let report = read(&format!("$TTL 1\n{SOA}a TXT \"abc\nb A 1.1.1.1\n"));
    assert_eq!(errors(&report), [("5:7".into(), String::new())]);
    assert_eq!(report.errors[0].kind, ErrorKind::UnterminatedQuote);
    // An unclosed '(' is reported where the ')' was due, the end of the file, as BIND
    // does; the message says where the '(' is.
    let report = read(&format!("$TTL 1\n{SOA}a TXT ( abc\nb A 1.1.1.1\n"));
    assert_eq!(
        report.errors[0].kind,
        ErrorKind::UnclosedParen(Pos { line: 5, column: 7 })
    );
    assert_eq!(
        report.errors[0].to_string(),
        "t.zone:7:1: unbalanced parentheses: the '(' at 5:7 is not closed (expected ')' \
         before the end of the file)"
    );
    let report = read(&format!("$TTL 1\n{SOA}a TXT abc )\n"));
    assert_eq!(errors(&report), [("5:11".into(), String::new())]);
}

#[test]
fn a_missing_final_newline_warns() {
    let report = read(&format!("$TTL 1\n{SOA}x A 192.0.2.7"));
    assert!(report.is_ok());
    assert_eq!(
        said(&report),
        ["t.zone:5:14: file does not end with newline"]
    );
    assert_eq!(report.records.len(), 4);
    assert!(
        read(&format!("$TTL 1\n{SOA}; just a comment"))
            .diagnostics
            .is_empty()
    );
}

#[test]
fn unknown_directives() {
    let report = read(&format!("$TTL 1\n{SOA}$FOO bar\n"));
    assert_eq!(errors(&report), [("5:1".into(), "$FOO".into())]);
    assert_eq!(report.errors[0].kind, ErrorKind::UnknownDirective);
    // With a blank owner a `$` word is just a bad type.
    let report = read(&format!("$TTL 1\n{SOA} $TTL 5\n"));
    assert_eq!(report.errors[0].kind, ErrorKind::UnknownType);
}

#[test]
fn bytes_that_are_not_utf8_survive_as_escapes() {
    assert_eq!(decode(b"a TXT \xe9t\xe9\n"), "a TXT \\233t\\233\n");
    assert_eq!(decode(b"a TXT \\\xe9\n"), "a TXT \\233\n");
    assert_eq!(decode(b"a TXT \\\\\xe9\n"), "a TXT \\\\\\233\n");
    assert_eq!(decode(b"plain"), "plain");
}

// ---- check-names and friends -------------------------------------------------------------

#[test]
fn check_names_warn_by_default() {
    let text = format!(
        "$TTL 1\n{SOA}under_score A 1.2.3.4\nmx MX 10 1.2.3.4\nfoo NS 1.2.3.4.\nbar NS a_b\n"
    );
    let report = read(&text);
    assert!(report.is_ok());
    let got = said(&report);
    assert_eq!(got.len(), 4, "{got:?}");
    assert!(got[0].starts_with("t.zone:5:1: under_score.example.com: bad owner name (check-names"));
    assert!(got[1].starts_with("t.zone:6:10: '1.2.3.4': MX is an address"));
    assert!(got[2].starts_with("t.zone:7:1: NS record '1.2.3.4.' appears to be an address"));
    assert!(got[3].starts_with("t.zone:8:8: a_b.example.com: bad name (check-names"));
    assert_eq!(report.records.len(), 7);
}

#[test]
fn check_names_fail_and_ignore() {
    let text = format!("$TTL 1\n{SOA}under_score A 1.2.3.4\nmx MX 10 1.2.3.4\nfoo NS 1.2.3.4.\n");
    let strict = Checks {
        names: CheckMode::Fail,
        ns_address: CheckMode::Fail,
        mx_address: CheckMode::Fail,
        ..Checks::default()
    };
    let report = read_with(&text, &strict);
    let kinds: Vec<&ErrorKind> = report.errors.iter().map(|e| &e.kind).collect();
    assert_eq!(
        kinds,
        [
            &ErrorKind::BadOwnerName("under_score.example.com".into()),
            &ErrorKind::MxIsAddress,
            &ErrorKind::NsIsAddress,
        ]
    );
    let lax = Checks {
        names: CheckMode::Ignore,
        ns_address: CheckMode::Ignore,
        mx_address: CheckMode::Ignore,
        ..Checks::default()
    };
    let report = read_with(&text, &lax);
    assert!(report.diagnostics.is_empty() && report.is_ok());
}

#[test]
fn inner_wildcards_warn() {
    let report = read(&format!("$TTL 1\n{SOA}*.w TXT ok\nx.*.w TXT odd\n"));
    assert_eq!(
        said(&report),
        ["t.zone:6:1: warning: ownername 'x.*.w.example.com' contains an non-terminal wildcard"]
    );
}

#[test]
fn max_zone_ttl() {
    let checks = Checks {
        max_ttl: Some(3600),
        ..Checks::default()
    };
    let report = read_with(&format!("$TTL 1\n{SOA}a 7200 A 192.0.2.1\n"), &checks);
    assert_eq!(
        report.errors[0].kind,
        ErrorKind::MaxTtl {
            ttl: 7200,
            max: 3600
        }
    );
}

// ---- $GENERATE ---------------------------------------------------------------------------

fn generated(directive: &str) -> Report {
    read(&format!("$TTL 10\n{SOA}{directive}\n"))
}

#[test]
fn generate_basic_and_stepped_ranges() {
    let report = generated("$GENERATE 1-10/3 h$ 300 IN A 10.0.0.$");
    assert!(report.is_ok(), "{:?}", said(&report));
    assert_eq!(
        &lines(&report)[3..],
        [
            "h1.example.com. 300 IN A 10.0.0.1",
            "h4.example.com. 300 IN A 10.0.0.4",
            "h7.example.com. 300 IN A 10.0.0.7",
            "h10.example.com. 300 IN A 10.0.0.10",
        ]
    );
}

#[test]
fn generate_modifiers_and_escapes() {
    let report = generated("$GENERATE 0-2 ${10,4,x}-${-1} CNAME x${0,3,X}.\\$");
    assert!(report.is_ok(), "{:?}", said(&report));
    assert_eq!(
        &lines(&report)[3..],
        [
            "000a--1.example.com. 10 IN CNAME x000.\\$.example.com.",
            "000b-0.example.com. 10 IN CNAME x001.\\$.example.com.",
            "000c-1.example.com. 10 IN CNAME x002.\\$.example.com.",
        ]
    );
    let report = generated("$GENERATE 250-251 ${0,7,N}.a IN 5 PTR host$$.");
    assert_eq!(
        &lines(&report)[3..],
        [
            "A.F.0.0.a.example.com. 5 IN PTR host\\$.",
            "B.F.0.0.a.example.com. 5 IN PTR host\\$.",
        ]
    );
}

#[test]
fn generate_quoted_rdata_with_spaces() {
    let report = generated("$GENERATE 1-2 b$ MX \"10 mx$\"");
    assert_eq!(
        &lines(&report)[3..],
        [
            "b1.example.com. 10 IN MX 10 mx1.example.com.",
            "b2.example.com. 10 IN MX 10 mx2.example.com.",
        ]
    );
    let report = generated("$GENERATE 1-1 f$ TYPE65280 \"\\# 1 0$\"");
    assert_eq!(
        &lines(&report)[3..],
        ["f1.example.com. 10 IN TYPE65280 \\# 1 01"]
    );
}

#[test]
fn generate_keeps_the_current_owner() {
    let report = read(&format!(
        "$TTL 10\n{SOA}foo A 192.0.2.7\n$GENERATE 1-2 g$ A 192.0.2.$\n A 192.0.2.8\n"
    ));
    assert!(report.is_ok());
    assert_eq!(report.records[6].owner.to_string(), "foo.example.com.");
}

#[test]
fn generate_out_of_zone_names_are_skipped() {
    let report = generated("$GENERATE 1-2 h$.example.org. A 192.0.2.$");
    assert!(report.is_ok());
    assert_eq!(report.records.len(), 3);
    assert_eq!(
        said(&report),
        [
            "t.zone:5:15: ignoring out-of-zone data (h1.example.org)",
            "t.zone:5:15: ignoring out-of-zone data (h2.example.org)",
        ]
    );
}

#[test]
fn generate_errors() {
    let cases: [(&str, &str, &str); 8] = [
        ("$GENERATE 5-1 h$ A 10.0.0.$", "5:11", "5-1"),
        ("$GENERATE 1-2 h$ A", "5:19", ""),
        ("$GENERATE 1-2 h$ A 10.0.0.$ extra", "5:29", "extra"),
        ("$GENERATE 1-2 h${x} A 10.0.0.$", "5:15", "h${x}"),
        ("$GENERATE 1-2 h$ BOGUS 10.0.0.$", "5:18", "BOGUS"),
        ("$GENERATE 1-2 h$ CH A 10.0.0.$", "5:18", "CH"),
        ("$GENERATE 1-2 h$ A 10.0.0.${300}", "5:20", "10.0.0.301"),
        ("$GENERATE 1-2 h$ TSIG x", "5:18", "TSIG"),
    ];
    for (directive, at, token) in cases {
        let report = generated(directive);
        assert_eq!(
            errors(&report),
            [(at.to_string(), token.to_string())],
            "{directive}"
        );
    }
}

#[test]
fn generate_needs_a_ttl() {
    let report = read("$GENERATE 1-2 h$ A 10.0.0.$\n");
    assert_eq!(report.errors[0].kind, ErrorKind::NoTtl);
}

#[test]
fn generate_limits_its_size() {
    let checks = Checks {
        max_generate: 10,
        ..Checks::default()
    };
    let report = read_with(
        &format!("$TTL 1\n{SOA}$GENERATE 0-10 h$ A 10.0.0.1\n"),
        &checks,
    );
    assert_eq!(report.errors[0].kind, ErrorKind::GenerateTooMany(10));
}

// ---- $INCLUDE ------------------------------------------------------------------------------

fn with_files(files: &[(&str, &str)]) -> (tempfile::TempDir, ParseOptions) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }
    let mut o = opts();
    o.base_dir = dir.path().to_path_buf();
    (dir, o)
}

#[test]
fn include_reverts_origin_and_owner_but_not_ttl() {
    let inc = " A 192.0.2.9\nx A 192.0.2.1\n$ORIGIN foo\ny A 192.0.2.2\n$TTL 77\n";
    let main = format!(
        "$TTL 10\n{SOA}bar A 192.0.2.3\n$INCLUDE inc/i1.zone\n A 192.0.2.4\nz A 192.0.2.5\n\
         $INCLUDE inc/i1.zone sub\n"
    );
    let (dir, o) = with_files(&[("inc/i1.zone", inc), ("main.zone", &main)]);
    let report = parse_file_with(&dir.path().join("main.zone"), &o, &Checks::default());
    assert!(report.is_ok(), "{:?}", said(&report));
    assert_eq!(
        &lines(&report)[3..],
        [
            "bar.example.com. 10 IN A 192.0.2.3",
            "bar.example.com. 10 IN A 192.0.2.9",
            "x.example.com. 10 IN A 192.0.2.1",
            "y.foo.example.com. 10 IN A 192.0.2.2",
            "bar.example.com. 77 IN A 192.0.2.4",
            "z.example.com. 77 IN A 192.0.2.5",
            "z.example.com. 77 IN A 192.0.2.9",
            "x.sub.example.com. 77 IN A 192.0.2.1",
            "y.foo.sub.example.com. 77 IN A 192.0.2.2",
        ]
    );
    assert_eq!(
        said(&report),
        [
            "inc/i1.zone:1:2: record with inherited owner (z.example.com) immediately after $ORIGIN (sub.example.com)"
        ]
    );
}

#[test]
fn an_include_starts_a_new_batch_and_the_later_ttl_wins() {
    // BIND commits its batch of lines at an $INCLUDE: the included record keeps its own TTL
    // without a warning and, once loaded, sets the TTL of the whole RRset
    // (named-checkzone -D prints both records at 200).
    let (dir, o) = with_files(&[
        ("inc.zone", "a 200 A 192.0.2.2\n"),
        (
            "main.zone",
            &format!("$TTL 10\n{SOA}a 100 A 192.0.2.1\n$INCLUDE inc.zone\n"),
        ),
    ]);
    let report = parse_file_with(&dir.path().join("main.zone"), &o, &Checks::default());
    assert!(report.is_ok(), "{:?}", said(&report));
    assert!(said(&report).is_empty(), "{:?}", said(&report));
    assert_eq!(
        &lines(&report)[3..],
        [
            "a.example.com. 100 IN A 192.0.2.1",
            "a.example.com. 200 IN A 192.0.2.2"
        ]
    );
    let options = crate::zone::CheckOptions::default();
    let (zone, warnings) =
        crate::zone::Zone::build(o.origin.clone(), Class::IN, report.records, &options)
            .expect("loads");
    assert!(warnings.is_empty(), "{warnings:?}");
    let a = Name::from_text("a.example.com.", None).expect("valid");
    let rrset = zone
        .node(a.as_wire())
        .and_then(|n| n.rrset(RType::A))
        .expect("A RRset");
    assert_eq!((rrset.ttl(), rrset.len()), (200, 2));
}

#[test]
fn include_errors_name_the_included_file() {
    let (dir, o) = with_files(&[
        ("bad.zone", "ok A 192.0.2.1\nbroken A 999\n"),
        (
            "main.zone",
            &format!("$TTL 1\n{SOA}$INCLUDE \"bad.zone\"\n$INCLUDE missing.zone\n"),
        ),
    ]);
    let report = parse_file_with(&dir.path().join("main.zone"), &o, &Checks::default());
    assert_eq!(report.errors.len(), 2);
    assert_eq!(&*report.errors[0].file, "bad.zone");
    assert_eq!(
        report.errors[0].pos,
        Pos {
            line: 2,
            column: 10
        }
    );
    assert!(
        report.errors[1]
            .to_string()
            .ends_with("$INCLUDE 'missing.zone': file not found")
    );
    assert_eq!(
        report.errors[1].pos,
        Pos {
            line: 6,
            column: 10
        }
    );
}

#[test]
fn include_loops_are_caught() {
    let (dir, o) = with_files(&[
        ("a.zone", "$INCLUDE b.zone\n"),
        ("b.zone", "$INCLUDE a.zone\n"),
        ("main.zone", &format!("$TTL 1\n{SOA}$INCLUDE a.zone\n")),
    ]);
    let report = parse_file_with(&dir.path().join("main.zone"), &o, &Checks::default());
    assert_eq!(report.errors.len(), 1);
    assert!(matches!(report.errors[0].kind, ErrorKind::IncludeLoop(_)));
    assert_eq!(&*report.errors[0].file, "b.zone");
}

#[test]
fn include_depth_is_bounded() {
    let (dir, o) = with_files(&[
        ("d1.zone", "$INCLUDE d2.zone\n"),
        ("d2.zone", "$INCLUDE d3.zone\n"),
        ("d3.zone", "x TXT deep\n"),
        ("main.zone", &format!("$TTL 1\n{SOA}$INCLUDE d1.zone\n")),
    ]);
    let checks = Checks {
        max_include_depth: 3,
        ..Checks::default()
    };
    let report = parse_file_with(&dir.path().join("main.zone"), &o, &checks);
    assert_eq!(report.errors[0].kind, ErrorKind::IncludeDepth(3));
}

#[test]
fn include_after_date_is_refused() {
    let report = read(&format!(
        "$TTL 1\n$DATE 20200101000000\n{SOA}$INCLUDE x\n$DATE 2020\n"
    ));
    let kinds: Vec<&ErrorKind> = report.errors.iter().map(|e| &e.kind).collect();
    assert_eq!(kinds, [&ErrorKind::IncludeAfterDate, &ErrorKind::BadDate]);
}

#[test]
fn a_missing_file_is_an_error() {
    let report = parse_file_with(Path::new("/nonexistent/zone"), &opts(), &Checks::default());
    assert_eq!(
        report.errors[0].kind,
        ErrorKind::Io("file not found".into())
    );
}

// ---- Round trip ----------------------------------------------------------------------------

#[test]
fn written_records_read_back_the_same() {
    let text = format!(
        "$TTL 1h\n{SOA}mail MX 10 ns\n_sip._tcp SRV 0 5 5060 ns\nt TXT \"a b\" \"c\\\"d\" e\n\
         alias CNAME ns\nv6 AAAA 2001:db8::1\nu TYPE65280 \\# 3 abcdef\n\\@\\.odd A 192.0.2.9\n\
         $GENERATE 1-3 h$ PTR host$.example.net.\n"
    );
    let report = read(&text);
    assert!(report.is_ok(), "{:?}", said(&report));
    let mut out = Vec::new();
    crate::writer::write_records(&mut out, &report.records).expect("writes");
    let again = parse_bytes_with(&out, "dump", &opts(), &Checks::default());
    assert!(again.is_ok(), "{:?}", said(&again));
    assert_eq!(again.records, report.records);
}

// ---- Robustness --------------------------------------------------------------------------

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Any text at all parses to records or errors, never a panic.
    #[test]
    fn never_panics(text in "(\\PC|[ \t\n();\"\\\\$@.]){0,200}") {
        let _ = read(&text);
    }

    /// Zone-shaped noise exercises the directives and fields.
    #[test]
    fn never_panics_on_zone_shaped_noise(
        lines in proptest::collection::vec(
            "(\\$(ORIGIN|TTL|INCLUDE|GENERATE|DATE) )?([a-z@*.\\\\0-9${},/-]{0,12} ){0,4}(A|MX|SOA|TXT|IN|CH|1h|\\(|\\)|\"|;)?( [0-9a-z.${}-]{0,10}){0,5}",
            0..12,
        )
    ) {
        let _ = read(&lines.join("\n"));
    }
}

#[test]
fn the_report_lists_the_included_files() {
    let main = format!("$TTL 10\n{SOA}$INCLUDE inc/a.zone\n$INCLUDE inc/b.zone sub\n");
    let (dir, o) = with_files(&[
        ("inc/a.zone", "$INCLUDE inc/b.zone\n"),
        ("inc/b.zone", "x A 192.0.2.1\n"),
        ("main.zone", &main),
    ]);
    let report = parse_file_with(&dir.path().join("main.zone"), &o, &Checks::default());
    assert!(report.is_ok(), "{:?}", said(&report));
    let base = &o.base_dir;
    assert_eq!(
        report.included,
        [
            base.join("inc/a.zone"),
            base.join("inc/b.zone"),
            base.join("inc/b.zone")
        ]
    );
}
