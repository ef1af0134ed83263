//! The zone database: lookups per RFC 1034 §4.3.2, RFC 4592 and RFC 6672, delegations,
//! glue and empty non-terminals, canonical iteration, and BIND's load checks with its
//! messages (verified against named-checkzone 9.18 with `-i local`).

use zones::lookup::{Lookup, substitute_dname};
use zones::master::{self, ParseOptions};
use zones::name::{MAX_NAME_LEN, Name};
use zones::zone::{CheckOptions, Mode, Rejection, Zone, ZoneError};
use zones::{Class, Diagnostic, RType, Rdata, Record, Severity};

fn name(text: &str) -> Name {
    Name::from_text(text, None).expect("valid test name")
}

fn records(origin: &str, text: &str) -> Vec<Record> {
    let opts = ParseOptions {
        origin: name(origin),
        class: Class::IN,
        base_dir: ".".into(),
        default_ttl: None,
    };
    master::parse_str(text, "test.db", &opts)
        .expect("test zone parses")
        .records
}

fn load_with(
    origin: &str,
    text: &str,
    opts: &CheckOptions,
) -> Result<(Zone, Vec<Diagnostic>), ZoneError> {
    Zone::build(name(origin), Class::IN, records(origin, text), opts)
}

fn load(origin: &str, text: &str) -> Result<(Zone, Vec<Diagnostic>), ZoneError> {
    load_with(origin, text, &CheckOptions::default())
}

fn zone(origin: &str, text: &str) -> Zone {
    load(origin, text).expect("test zone loads").0
}

fn texts(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics.iter().map(|d| d.message.clone()).collect()
}

/// The diagnostics of a zone that loads.
fn warnings(origin: &str, text: &str) -> Vec<String> {
    texts(&load(origin, text).expect("test zone loads").1)
}

/// The reason and messages of a zone that does not load.
fn rejected_with(origin: &str, text: &str, opts: &CheckOptions) -> (Rejection, Vec<String>) {
    match load_with(origin, text, opts) {
        Err(ZoneError::Rejected {
            reason,
            diagnostics,
        }) => (reason, texts(&diagnostics)),
        Err(other) => panic!("unexpected error {other}"),
        Ok((_, diagnostics)) => panic!("zone loaded: {:?}", texts(&diagnostics)),
    }
}

fn rejected(origin: &str, text: &str) -> (Rejection, Vec<String>) {
    rejected_with(origin, text, &CheckOptions::default())
}

/// A lookup, in a few words: the variant, the node, and what it holds.
fn ask(zone: &Zone, qname: &str, qtype: RType) -> String {
    let wildcard = |w: Option<zones::lookup::Wildcard<'_>>| match w {
        Some(w) => format!(" via wildcard of {}", w.closest_encloser.name()),
        None => String::new(),
    };
    match zone.lookup(name(qname).as_wire(), qtype) {
        Lookup::Answer {
            node,
            rrset,
            wildcard: w,
        } => format!(
            "answer {} {} x{}{}",
            node.name(),
            rrset.rtype(),
            rrset.len(),
            wildcard(w)
        ),
        Lookup::Any { node, wildcard: w } => format!("any {}{}", node.name(), wildcard(w)),
        Lookup::Cname {
            node, wildcard: w, ..
        } => format!("cname {}{}", node.name(), wildcard(w)),
        Lookup::Dname { node, .. } => format!("dname {}", node.name()),
        Lookup::Referral { cut, ns } => format!("referral {} NS x{}", cut.name(), ns.len()),
        Lookup::NoData { node, wildcard: w } => format!("nodata {}{}", node.name(), wildcard(w)),
        Lookup::NxDomain { closest_encloser } => format!("nxdomain {}", closest_encloser.name()),
        Lookup::NotInZone => "not in zone".to_string(),
    }
}

const HEAD: &str = "$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n";

fn example(body: &str) -> Zone {
    zone("example.com.", &format!("{HEAD}{body}"))
}

// ---------------------------------------------------------------------------------------
// RFC 1034 §4.3.2: the algorithm.

#[test]
fn rfc1034_4_3_2_step_3a_exact_match() {
    let z = example("www A 192.0.2.2\nwww A 192.0.2.3\nwww AAAA 2001:db8::1\n");
    assert_eq!(
        ask(&z, "www.example.com.", RType::A),
        "answer www.example.com. A x2"
    );
    assert_eq!(
        ask(&z, "WWW.Example.COM.", RType::AAAA),
        "answer www.example.com. AAAA x1"
    );
    assert_eq!(
        ask(&z, "example.com.", RType::SOA),
        "answer example.com. SOA x1"
    );
}

#[test]
fn rfc1034_4_3_2_step_3a_nodata_when_the_type_is_missing() {
    let z = example("www A 192.0.2.2\n");
    assert_eq!(
        ask(&z, "www.example.com.", RType::MX),
        "nodata www.example.com."
    );
}

#[test]
fn rfc1034_4_3_2_step_3a_cname_is_followed_unless_asked_for() {
    let z = example("alias CNAME www\nwww A 192.0.2.2\nout CNAME www.example.net.\n");
    assert_eq!(
        ask(&z, "alias.example.com.", RType::A),
        "cname alias.example.com."
    );
    assert_eq!(
        ask(&z, "alias.example.com.", RType::CNAME),
        "answer alias.example.com. CNAME x1"
    );
    let lookup = z.lookup(name("alias.example.com.").as_wire(), RType::A);
    let target = lookup.cname_target().expect("a CNAME answer");
    assert_eq!(target, name("www.example.com.").as_wire());
    assert_eq!(
        ask(&z, "www.example.com.", RType::A),
        "answer www.example.com. A x1"
    );
    let out = z.lookup(name("out.example.com.").as_wire(), RType::A);
    let target = out.cname_target().expect("a CNAME answer");
    assert_eq!(z.lookup(target, RType::A), Lookup::NotInZone);
}

#[test]
fn rfc1034_4_3_2_step_3c_nxdomain_names_the_closest_encloser() {
    let z = example("a.b A 192.0.2.2\n");
    assert_eq!(ask(&z, "x.example.com.", RType::A), "nxdomain example.com.");
    assert_eq!(
        ask(&z, "x.a.b.example.com.", RType::A),
        "nxdomain a.b.example.com."
    );
    assert_eq!(
        ask(&z, "y.x.b.example.com.", RType::A),
        "nxdomain b.example.com."
    );
}

#[test]
fn rfc1034_4_3_2_step_2_names_outside_the_zone() {
    let z = example("");
    assert_eq!(ask(&z, "example.net.", RType::A), "not in zone");
    assert_eq!(ask(&z, "com.", RType::A), "not in zone");
    assert_eq!(ask(&z, "xexample.com.", RType::A), "not in zone");
    assert_eq!(z.lookup(b"\x03www", RType::A), Lookup::NotInZone);
    assert_eq!(z.lookup(b"\xc0\x0c", RType::A), Lookup::NotInZone);
    assert_eq!(z.lookup(b"", RType::A), Lookup::NotInZone);
}

#[test]
fn rfc1034_4_3_2_empty_non_terminals_are_nodata_not_nxdomain() {
    let z = example("a.b.c A 192.0.2.2\n");
    assert_eq!(ask(&z, "c.example.com.", RType::A), "nodata c.example.com.");
    assert_eq!(
        ask(&z, "b.c.example.com.", RType::ANY),
        "nodata b.c.example.com."
    );
    assert_eq!(
        ask(&z, "x.c.example.com.", RType::A),
        "nxdomain c.example.com."
    );
    let ent = z
        .node(name("b.c.example.com.").as_wire())
        .expect("ENT node");
    assert!(ent.is_empty_nonterminal());
    assert_eq!(ent.rrsets().count(), 0);
}

#[test]
fn qtype_any_and_rrsig_answer_with_the_node() {
    let z = example(
        "www A 192.0.2.2\nwww TXT \"x\"\n\
         sig A 192.0.2.3\n\
         sig RRSIG A 8 3 300 20300101000000 20200101000000 12345 example.com. AAAA\n\
         alias CNAME www\n",
    );
    assert_eq!(
        ask(&z, "www.example.com.", RType::ANY),
        "any www.example.com."
    );
    assert_eq!(
        ask(&z, "www.example.com.", RType::RRSIG),
        "nodata www.example.com."
    );
    assert_eq!(
        ask(&z, "sig.example.com.", RType::RRSIG),
        "any sig.example.com."
    );
    // BIND looks RRSIG and ANY up without following CNAMEs.
    assert_eq!(
        ask(&z, "alias.example.com.", RType::ANY),
        "any alias.example.com."
    );
    assert_eq!(
        ask(&z, "alias.example.com.", RType::RRSIG),
        "nodata alias.example.com."
    );
}

#[test]
fn rfc4035_2_5_key_and_nsec_do_not_follow_cnames() {
    let z = example("alias CNAME www\nwww A 192.0.2.2\n");
    assert_eq!(
        ask(&z, "alias.example.com.", RType(25)),
        "nodata alias.example.com."
    );
    assert_eq!(
        ask(&z, "alias.example.com.", RType::NSEC),
        "nodata alias.example.com."
    );
    assert_eq!(
        ask(&z, "alias.example.com.", RType::MX),
        "cname alias.example.com."
    );
}

// ---------------------------------------------------------------------------------------
// Delegations, glue and occluded data (RFC 1034 §4.3.2 step 3b, §4.2.1).

const DELEGATIONS: &str = "sub NS ns.sub\nsub NS ns1\nsub NS ns.other\n\
     ns.sub A 192.0.2.10\nns.sub AAAA 2001:db8::10\n\
     deep.below.sub A 192.0.2.11\n\
     sub DS 12345 8 2 0123456789012345678901234567890123456789012345678901234567890123\n\
     sub A 192.0.2.12\n\
     other NS ns1\nns.other A 192.0.2.13\n";

#[test]
fn rfc1034_4_3_2_step_3b_referral_at_and_below_a_cut() {
    let z = example(DELEGATIONS);
    assert_eq!(
        ask(&z, "sub.example.com.", RType::A),
        "referral sub.example.com. NS x3"
    );
    assert_eq!(
        ask(&z, "sub.example.com.", RType::NS),
        "referral sub.example.com. NS x3"
    );
    assert_eq!(
        ask(&z, "sub.example.com.", RType::ANY),
        "referral sub.example.com. NS x3"
    );
    assert_eq!(
        ask(&z, "www.sub.example.com.", RType::A),
        "referral sub.example.com. NS x3"
    );
    assert_eq!(
        ask(&z, "ns.sub.example.com.", RType::A),
        "referral sub.example.com. NS x3"
    );
    assert_eq!(
        ask(&z, "deep.below.sub.example.com.", RType::A),
        "referral sub.example.com. NS x3"
    );
    assert_eq!(
        ask(&z, "below.sub.example.com.", RType::DS),
        "referral sub.example.com. NS x3"
    );
}

#[test]
fn rfc4035_2_4_ds_at_the_cut_is_answered_by_the_parent() {
    let z = example(DELEGATIONS);
    assert_eq!(
        ask(&z, "sub.example.com.", RType::DS),
        "answer sub.example.com. DS x1"
    );
    assert_eq!(
        ask(&z, "other.example.com.", RType::DS),
        "nodata other.example.com."
    );
    assert_eq!(ask(&z, "example.com.", RType::DS), "nodata example.com.");
}

#[test]
fn glue_and_occluded_data_is_held_but_never_answers() {
    let z = example(DELEGATIONS);
    let glue = z
        .node(name("ns.sub.example.com.").as_wire())
        .expect("glue node");
    assert!(glue.is_occluded());
    assert_eq!(glue.rrset(RType::A).map(|r| r.len()), Some(1));
    let cut = z.node(name("sub.example.com.").as_wire()).expect("cut");
    assert!(cut.is_delegation() && !cut.is_occluded());
    assert!(!z.apex().is_delegation());
    // The NS targets with a node in the zone, in RDATA order (canonical: the wire bytes
    // compare length octets first).
    let ns = cut.rrset(RType::NS).expect("NS");
    let glue: Vec<String> = z
        .glue(ns)
        .map(|n| {
            let a = n.rrset(RType::A).map_or(0, |r| r.len());
            let aaaa = n.rrset(RType::AAAA).map_or(0, |r| r.len());
            format!("{} A x{a} AAAA x{aaaa}", n.name())
        })
        .collect();
    assert_eq!(
        glue,
        [
            "ns.sub.example.com. A x1 AAAA x1",
            "ns.other.example.com. A x1 AAAA x0",
            "ns1.example.com. A x1 AAAA x0",
        ]
    );
}

#[test]
fn nested_delegations_refer_to_the_topmost_cut() {
    let z = example("a NS ns1\nb.a NS ns1\nc.b.a A 192.0.2.1\n");
    assert_eq!(
        ask(&z, "c.b.a.example.com.", RType::A),
        "referral a.example.com. NS x1"
    );
    assert_eq!(
        ask(&z, "b.a.example.com.", RType::DS),
        "referral a.example.com. NS x1"
    );
    assert!(
        z.node(name("b.a.example.com.").as_wire())
            .is_some_and(|n| n.is_occluded())
    );
}

#[test]
fn nsec_and_key_at_a_cut_are_parent_side_data() {
    let z = example(
        "sub NS ns1\nsub NSEC www.example.com. NS RRSIG NSEC\nkey NS ns1\n\
         key KEY 256 3 8 AwEAAQ==\n",
    );
    assert_eq!(
        ask(&z, "sub.example.com.", RType::NSEC),
        "answer sub.example.com. NSEC x1"
    );
    assert_eq!(
        ask(&z, "key.example.com.", RType(25)),
        "answer key.example.com. KEY x1"
    );
    assert_eq!(
        ask(&z, "key.example.com.", RType::NSEC),
        "referral key.example.com. NS x1"
    );
}

// ---------------------------------------------------------------------------------------
// RFC 4592: wildcards.

/// The zone of RFC 4592 §2.2.1.
const RFC4592: &str = "$ORIGIN example.\n\
    example. 3600 IN SOA ns.example.com. hostmaster.example. 1 3600 600 86400 300\n\
    example. 3600 NS ns.example.com.\n\
    example. 3600 NS ns.example.net.\n\
    *.example. 3600 TXT \"this is a wildcard\"\n\
    *.example. 3600 MX 10 host1.example.\n\
    sub.*.example. 3600 TXT \"this is not a wildcard\"\n\
    host1.example. 3600 A 192.0.2.1\n\
    _ssh._tcp.host1.example. 3600 SRV 0 0 22 host1.example.\n\
    _ssh._tcp.host2.example. 3600 SRV 0 0 22 host2.example.\n\
    subdel.example. 3600 NS ns.example.com.\n\
    subdel.example. 3600 NS ns.example.net.\n";

#[test]
fn rfc4592_2_2_1_queries_the_wildcard_matches() {
    let z = zone("example.", RFC4592);
    assert_eq!(
        ask(&z, "host3.example.", RType::MX),
        "answer *.example. MX x1 via wildcard of example."
    );
    assert_eq!(
        ask(&z, "host3.example.", RType::A),
        "nodata *.example. via wildcard of example."
    );
    assert_eq!(
        ask(&z, "foo.bar.example.", RType::TXT),
        "answer *.example. TXT x1 via wildcard of example."
    );
}

#[test]
fn rfc4592_2_2_1_queries_the_wildcard_does_not_match() {
    let z = zone("example.", RFC4592);
    // host1.example. exists.
    assert_eq!(
        ask(&z, "host1.example.", RType::MX),
        "nodata host1.example."
    );
    // sub.*.example. exists.
    assert_eq!(
        ask(&z, "sub.*.example.", RType::MX),
        "nodata sub.*.example."
    );
    // The closest encloser _tcp.host1.example. is an empty non-terminal with no `*` child.
    assert_eq!(
        ask(&z, "_telnet._tcp.host1.example.", RType::SRV),
        "nxdomain _tcp.host1.example."
    );
    // Below a delegation: a referral, never the wildcard.
    assert_eq!(
        ask(&z, "host.subdel.example.", RType::A),
        "referral subdel.example. NS x2"
    );
    // The closest encloser is *.example., which has no `*` child.
    assert_eq!(
        ask(&z, "ghost.*.example.", RType::MX),
        "nxdomain *.example."
    );
}

#[test]
fn rfc4592_2_2_2_empty_non_terminals_block_the_wildcard() {
    let z = zone("example.", RFC4592);
    assert_eq!(
        ask(&z, "_tcp.host1.example.", RType::TXT),
        "nodata _tcp.host1.example."
    );
    assert_eq!(
        ask(&z, "host2.example.", RType::TXT),
        "nodata host2.example."
    );
    assert_eq!(
        ask(&z, "x.host2.example.", RType::TXT),
        "nxdomain host2.example."
    );
}

#[test]
fn rfc4592_2_1_2_asterisk_labels_queried_directly() {
    let z = zone("example.", RFC4592);
    assert_eq!(
        ask(&z, "*.example.", RType::TXT),
        "answer *.example. TXT x1"
    );
    assert_eq!(ask(&z, "*.example.", RType::A), "nodata *.example.");
    // A `*` label in the query has no special meaning: the wildcard of example. matches it.
    assert_eq!(
        ask(&z, "*.host1.example.", RType::TXT),
        "nxdomain host1.example."
    );
}

#[test]
fn rfc4592_3_3_1_wildcard_only_at_the_closest_encloser() {
    let z = example("*.a A 192.0.2.1\nb.a TXT \"b\"\n*.example.com. TXT \"top\"\n");
    assert_eq!(
        ask(&z, "x.a.example.com.", RType::A),
        "answer *.a.example.com. A x1 via wildcard of a.example.com."
    );
    assert_eq!(
        ask(&z, "y.x.a.example.com.", RType::A),
        "answer *.a.example.com. A x1 via wildcard of a.example.com."
    );
    // b.a exists: its children's closest encloser is b.a, which has no wildcard.
    assert_eq!(
        ask(&z, "x.b.a.example.com.", RType::A),
        "nxdomain b.a.example.com."
    );
    assert_eq!(
        ask(&z, "b.a.example.com.", RType::A),
        "nodata b.a.example.com."
    );
    assert_eq!(
        ask(&z, "q.example.com.", RType::TXT),
        "answer *.example.com. TXT x1 via wildcard of example.com."
    );
    assert!(z.apex().has_wildcard_child());
}

#[test]
fn rfc4592_wildcard_under_an_empty_non_terminal() {
    // *.ent.x has data; ent.x and x exist only as empty non-terminals.
    let z = example("*.ent.x A 192.0.2.1\n*.example.com. TXT \"top\"\n");
    assert_eq!(
        ask(&z, "q.ent.x.example.com.", RType::A),
        "answer *.ent.x.example.com. A x1 via wildcard of ent.x.example.com."
    );
    assert_eq!(
        ask(&z, "ent.x.example.com.", RType::A),
        "nodata ent.x.example.com."
    );
    // x.example.com. exists (ENT), so *.example.com. does not cover its children.
    assert_eq!(
        ask(&z, "q.x.example.com.", RType::TXT),
        "nxdomain x.example.com."
    );
}

#[test]
fn rfc4592_3_3_3_wildcard_cname() {
    let z = example("*.w CNAME www\nwww A 192.0.2.2\n");
    assert_eq!(
        ask(&z, "anything.w.example.com.", RType::A),
        "cname *.w.example.com. via wildcard of w.example.com."
    );
    let lookup = z.lookup(name("anything.w.example.com.").as_wire(), RType::A);
    assert_eq!(
        lookup.cname_target(),
        Some(name("www.example.com.").as_wire())
    );
}

/// RFC 4592 §4.2 leaves wildcard delegations undefined; BIND refuses to load them.
#[test]
fn rfc4592_4_2_wildcard_owning_ns_is_refused() {
    let (reason, messages) = rejected("example.com.", &format!("{HEAD}*.d NS ns1\n"));
    assert_eq!(reason, Rejection::InvalidNs);
    assert_eq!(
        messages,
        ["*.d.example.com: invalid NS owner name (wildcard)"]
    );
}

#[test]
fn rfc4592_wildcard_below_a_delegation_is_not_used() {
    let z = example("sub NS ns1\n*.sub A 192.0.2.1\n");
    assert_eq!(
        ask(&z, "x.sub.example.com.", RType::A),
        "referral sub.example.com. NS x1"
    );
}

// ---------------------------------------------------------------------------------------
// RFC 6672: DNAME.

#[test]
fn rfc6672_3_2_dname_redirects_names_below_its_owner() {
    let z = example("d DNAME example.net.\nd A 192.0.2.9\nold.d A 192.0.2.8\n");
    assert_eq!(
        ask(&z, "x.d.example.com.", RType::A),
        "dname d.example.com."
    );
    assert_eq!(
        ask(&z, "a.b.d.example.com.", RType::MX),
        "dname d.example.com."
    );
    // Data below the DNAME is occluded.
    assert_eq!(
        ask(&z, "old.d.example.com.", RType::A),
        "dname d.example.com."
    );
    // The owner itself is not redirected (RFC 6672 §2.3).
    assert_eq!(
        ask(&z, "d.example.com.", RType::A),
        "answer d.example.com. A x1"
    );
    assert_eq!(
        ask(&z, "d.example.com.", RType::DNAME),
        "answer d.example.com. DNAME x1"
    );
    assert_eq!(
        ask(&z, "d.example.com.", RType::MX),
        "nodata d.example.com."
    );

    let qname = name("x.d.example.com.");
    let Lookup::Dname { node, rrset } = z.lookup(qname.as_wire(), RType::A) else {
        panic!("expected a DNAME");
    };
    let target = rrset.rdatas().next().expect("DNAME target");
    let mut buf = [0u8; MAX_NAME_LEN];
    let synthesized =
        substitute_dname(qname.as_wire(), node.name_wire(), target, &mut buf).expect("fits");
    assert_eq!(synthesized, name("x.example.net.").as_wire());
}

#[test]
fn rfc6672_dname_at_the_apex_and_ns_precedence() {
    let z = example("x NS ns1\nx DNAME foo.\na.x A 192.0.2.1\n");
    // An NS below the apex wins over a DNAME at the same name.
    assert_eq!(
        ask(&z, "a.x.example.com.", RType::A),
        "referral x.example.com. NS x1"
    );
    let apex = zone(
        "example.org.",
        "$TTL 300\n@ SOA ns.example.com. h 1 2 3 4 5\n@ NS ns.example.com.\n\
         @ DNAME example.net.\n",
    );
    assert_eq!(
        ask(&apex, "www.example.org.", RType::A),
        "dname example.org."
    );
    assert_eq!(
        ask(&apex, "example.org.", RType::SOA),
        "answer example.org. SOA x1"
    );
}

// ---------------------------------------------------------------------------------------
// Canonical order (RFC 4034 §6.1, §6.3) and the records kept.

#[test]
fn rfc4034_6_canonical_iteration() {
    let z = zone(
        "example.",
        "$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n\
         z A 192.0.2.1\n\\200.z A 192.0.2.1\n*.z A 192.0.2.1\n\\001.z A 192.0.2.1\n\
         zABC.a A 192.0.2.1\nZ.a A 192.0.2.1\nyljkjljk.a A 192.0.2.1\na A 192.0.2.1\n\
         a TXT \"b\"\na TXT \"a\"\na MX 10 ns\n\
         a RRSIG TXT 8 2 300 20300101000000 20200101000000 1 example. AAAA\n\
         a RRSIG A 8 2 300 20300101000000 20200101000000 1 example. AAAA\n\
         a NSEC ns A MX TXT RRSIG NSEC\n",
    );
    let order: Vec<String> = z
        .records_canonical()
        .map(|r| format!("{} {}", r.owner(), r.rtype()))
        .collect();
    assert_eq!(
        order,
        [
            "example. SOA",
            "example. NS",
            "a.example. A",
            "a.example. MX",
            "a.example. TXT",
            "a.example. TXT",
            "a.example. RRSIG",
            "a.example. RRSIG",
            "a.example. NSEC",
            "yljkjljk.a.example. A",
            "Z.a.example. A",
            "zABC.a.example. A",
            "ns.example. A",
            "z.example. A",
            "\\001.z.example. A",
            "*.z.example. A",
            "\\200.z.example. A",
        ]
    );
    // RDATA in canonical order within an RRset; RRSIGs by covered type.
    let a_node = z.node(name("a.example.").as_wire()).expect("node");
    let txt: Vec<&[u8]> = a_node.rrset(RType::TXT).expect("TXT").rdatas().collect();
    assert_eq!(txt, [&b"\x01a"[..], b"\x01b"]);
    assert_eq!(
        a_node.signatures(RType::A).and_then(|s| s.covered()),
        Some(RType::A)
    );
    assert_eq!(
        a_node
            .rrset(RType::TXT)
            .and_then(|r| r.signatures())
            .and_then(|s| s.covered()),
        Some(RType::TXT)
    );
    assert!(a_node.rrset(RType::MX).expect("MX").signatures().is_none());
    assert_eq!(z.record_count(), 17);
    assert_eq!(z.records_canonical().count(), 17);
    let nodes: Vec<String> = z.nodes().map(|n| n.name().to_string()).collect();
    assert_eq!(nodes.first().map(String::as_str), Some("example."));
    assert_eq!(nodes.len(), 10);
}

/// RFC 5155 §7.2.8: hashed owner names are not part of the zone's namespace.
#[test]
fn nsec3_names_are_outside_the_namespace() {
    let mut input = minimal();
    let hashed = "kd7o8pp0fqtmmqrdcu2m9kc1vo7pvkja.example.com.";
    // Hash 1, flags 0, 0 iterations, no salt, a 20-octet next hash, a bitmap with A.
    let mut nsec3 = vec![1, 0, 0, 0, 0, 20];
    nsec3.extend_from_slice(&[0xab; 20]);
    nsec3.extend_from_slice(&[0, 1, 0x40]);
    input.push(record(hashed, 300, RType::NSEC3, &nsec3));
    let (z, _) = build(input.clone()).expect("loads");
    assert_eq!(ask(&z, hashed, RType::NSEC3), "nxdomain example.com.");
    let node = z.node(name(hashed).as_wire()).expect("found by name");
    assert!(node.is_nsec3_only());
    assert_eq!(node.rrset(RType::NSEC3).map(|r| r.len()), Some(1));
    // With a wildcard at the apex, the hashed name matches it, as in BIND.
    input.push(record("*.example.com.", 300, RType::TXT, b"\x01w"));
    let (z, _) = build(input).expect("loads");
    assert_eq!(
        ask(&z, hashed, RType::A),
        "nodata *.example.com. via wildcard of example.com."
    );
}

/// BIND keeps one of records equal but for the case of an embedded name: the last of the
/// first run of records that has one (named-checkzone -D shows which).
#[test]
fn duplicates_differing_in_case_are_one_record() {
    let (z, _) = load(
        "example.com.",
        &format!(
            "{HEAD}x MX 10 foo.example.com.\nx MX 10 FOO.example.com.\n\
             y MX 10 Bar.example.com.\nz A 1.1.1.1\ny MX 10 bar.example.com.\n"
        ),
    )
    .expect("loads");
    let mx = |owner: &str| {
        let rrset = z
            .node(name(owner).as_wire())
            .and_then(|n| n.rrset(RType::MX))
            .expect("MX");
        let targets: Vec<String> = rrset
            .rdatas()
            .map(|r| Name::from_wire(&r[2..]).expect("name").to_string())
            .collect();
        targets
    };
    assert_eq!(mx("x.example.com."), ["FOO.example.com."]);
    assert_eq!(mx("y.example.com."), ["Bar.example.com."]);
}

#[test]
fn duplicates_are_dropped_silently() {
    let (z, diagnostics) = load(
        "example.com.",
        &format!("{HEAD}dup A 1.1.1.1\ndup A 1.1.1.1\nx TXT \"a\"\n"),
    )
    .expect("loads");
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let node = z.node(name("dup.example.com.").as_wire()).expect("node");
    assert_eq!(node.rrset(RType::A).map(|r| r.len()), Some(1));
    assert_eq!(z.record_count(), 5);
}

#[test]
fn records_round_trip_through_the_zone() {
    let text = format!("{HEAD}Mixed.Case A 1.1.1.1\nmixed.case AAAA ::1\nmx MX 10 Mixed.Case\n");
    let input = records("example.com.", &text);
    let (z, _) = Zone::build(
        name("example.com."),
        Class::IN,
        input.clone(),
        &CheckOptions::default(),
    )
    .expect("loads");
    let mut out: Vec<Record> = z.records_canonical().map(|r| r.to_record()).collect();
    let mut expected = input;
    let key = |r: &Record| (r.owner.clone(), r.rtype, r.rdata.clone());
    out.sort_by_key(key);
    expected.sort_by_key(key);
    assert_eq!(out, expected);
    // The first spelling of a name is the one kept.
    let node = z
        .node(name("MIXED.case.example.com.").as_wire())
        .expect("node");
    assert_eq!(node.name().to_string(), "Mixed.Case.example.com.");
}

#[test]
fn soa_serial_and_negative_ttl() {
    let z = zone(
        "example.com.",
        "$TTL 300\n@ 600 SOA ns1 host 2024010101 7200 3600 1209600 120\n@ NS ns1\nns1 A 192.0.2.1\n",
    );
    let soa = z.soa();
    assert_eq!(soa.serial, 2024010101);
    assert_eq!(
        (soa.refresh, soa.retry, soa.expire, soa.minimum),
        (7200, 3600, 1209600, 120)
    );
    assert_eq!(soa.mname, name("ns1.example.com.").as_wire());
    assert_eq!(soa.rname, name("host.example.com.").as_wire());
    assert_eq!(z.serial(), 2024010101);
    assert_eq!(z.negative_ttl(), 120);
    assert_eq!(z.soa_rrset().ttl(), 600);
    assert_eq!(z.origin(), &name("example.com."));
    assert_eq!(z.class(), Class::IN);
}

#[test]
fn precomputed_wire_records() {
    let z = example("www A 192.0.2.2\nwww A 192.0.2.1\n");
    let rrset = z
        .node(name("www.example.com.").as_wire())
        .and_then(|n| n.rrset(RType::A))
        .expect("A");
    assert_eq!(rrset.wire(), [0, 4, 192, 0, 2, 1, 0, 4, 192, 0, 2, 2]);
    assert_eq!(rrset.ttl(), 300);
}

// ---------------------------------------------------------------------------------------
// Load checks, with BIND 9.18's messages.

fn record(owner: &str, ttl: u32, rtype: RType, rdata: &[u8]) -> Record {
    Record {
        owner: name(owner),
        ttl,
        class: Class::IN,
        rtype,
        rdata: Rdata(rdata.into()),
    }
}

fn soa_rdata() -> Vec<u8> {
    let mut rdata = name("ns1.example.com.").as_wire().to_vec();
    rdata.extend_from_slice(name("host.example.com.").as_wire());
    for v in [1u32, 2, 3, 4, 5] {
        rdata.extend_from_slice(&v.to_be_bytes());
    }
    rdata
}

fn minimal() -> Vec<Record> {
    vec![
        record("example.com.", 300, RType::SOA, &soa_rdata()),
        record(
            "example.com.",
            300,
            RType::NS,
            name("ns1.example.com.").as_wire(),
        ),
        record("ns1.example.com.", 300, RType::A, &[192, 0, 2, 1]),
    ]
}

fn build(records: Vec<Record>) -> Result<(Zone, Vec<Diagnostic>), ZoneError> {
    Zone::build(
        name("example.com."),
        Class::IN,
        records,
        &CheckOptions::default(),
    )
}

#[test]
fn check_out_of_zone_data_is_ignored_with_a_warning() {
    let mut input = minimal();
    input.push(record("out.example.net.", 300, RType::A, &[1, 2, 3, 4]));
    let (z, diagnostics) = build(input).expect("loads");
    assert_eq!(
        texts(&diagnostics),
        ["ignoring out-of-zone data (out.example.net)"]
    );
    assert_eq!(diagnostics[0].severity, Severity::Warning);
    assert_eq!(z.record_count(), 3);
}

#[test]
fn an_rrset_takes_the_ttl_of_its_last_record_without_a_warning() {
    // BIND's "TTL set to prior TTL" belongs to the master-file parser, which knows BIND's
    // batches of lines; the builder does not apply it again (an $INCLUDE would otherwise
    // join batches BIND keeps apart). It gives each RRset one TTL, its last record's, as
    // BIND's database does when a later batch adds to an RRset.
    let mut input = minimal();
    input.extend([
        record("ttl.example.com.", 300, RType::A, &[1, 1, 1, 1]),
        record("ttl.example.com.", 600, RType::A, &[1, 1, 1, 2]),
        record("two.example.com.", 600, RType::A, &[1, 1, 1, 1]),
        record("ns1.example.com.", 300, RType::AAAA, &[0; 16]),
        record("two.example.com.", 100, RType::A, &[1, 1, 1, 2]),
        record("two.example.com.", 700, RType::A, &[1, 1, 1, 3]),
    ]);
    let (z, diagnostics) = build(input).expect("loads");
    assert_eq!(texts(&diagnostics), Vec::<String>::new());
    let rrset = |owner: &str| {
        z.node(name(owner).as_wire())
            .and_then(|n| n.rrset(RType::A))
            .map(|r| (r.ttl(), r.len()))
    };
    assert_eq!(rrset("ttl.example.com."), Some((600, 2)));
    assert_eq!(rrset("two.example.com."), Some((700, 3)));
}

#[test]
fn check_cname_and_other_data() {
    let (reason, messages) = rejected(
        "example.com.",
        &format!("{HEAD}www CNAME ns1\nwww A 192.0.2.2\n"),
    );
    assert_eq!(reason, Rejection::CnameAndOtherData);
    assert_eq!(messages, ["www.example.com: CNAME and other data"]);
    assert_eq!(reason.to_string(), "CNAME and other data");
    // RRSIG, NSEC and KEY may sit beside a CNAME.
    let ok = format!(
        "{HEAD}z CNAME ns1\nz RRSIG A 8 3 300 20300101000000 20200101000000 12345 example.com. AAAA\n\
         z NSEC ns1 CNAME RRSIG NSEC\nz KEY 256 3 8 AwEAAQ==\n"
    );
    assert!(load("example.com.", &ok).is_ok());
    // A DNAME is other data.
    let (reason, _) = rejected(
        "example.com.",
        &format!("{HEAD}d DNAME x.org.\nd CNAME x.org.\n"),
    );
    assert_eq!(reason, Rejection::CnameAndOtherData);
    // Allowed on request: the exact type wins, then the CNAME.
    let opts = CheckOptions {
        cname_other: Mode::Warn,
        ..CheckOptions::default()
    };
    let (z, diagnostics) = load_with(
        "example.com.",
        &format!("{HEAD}www CNAME ns1\nwww TXT \"t\"\n"),
        &opts,
    )
    .expect("loads");
    assert_eq!(
        texts(&diagnostics),
        ["www.example.com: CNAME and other data"]
    );
    assert_eq!(
        ask(&z, "www.example.com.", RType::TXT),
        "answer www.example.com. TXT x1"
    );
    assert_eq!(
        ask(&z, "www.example.com.", RType::A),
        "cname www.example.com."
    );
}

#[test]
fn check_singleton_types() {
    let (reason, messages) = rejected("example.com.", &format!("{HEAD}c CNAME a\nc CNAME b\n"));
    assert_eq!(reason, Rejection::Singleton);
    assert_eq!(messages, ["c.example.com: multiple RRs of singleton type"]);
    let mut input = minimal();
    let mut second = soa_rdata();
    let serial_at = second.len() - 20;
    second[serial_at] = 9;
    input.push(record("example.com.", 300, RType::SOA, &second));
    match build(input) {
        Err(ZoneError::Rejected {
            reason,
            diagnostics,
        }) => {
            assert_eq!(reason, Rejection::Singleton);
            assert_eq!(
                texts(&diagnostics),
                ["example.com: multiple RRs of singleton type"]
            );
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn check_soa_and_ns_at_the_apex() {
    let (reason, messages) = rejected("example.com.", "$TTL 300\n@ NS ns1\nns1 A 1.2.3.4\n");
    assert_eq!(reason, Rejection::BadZone);
    assert_eq!(messages, ["has 0 SOA records"]);
    let (_, messages) = rejected(
        "example.com.",
        "$TTL 300\n@ SOA ns1 host 1 2 3 4 5\nx NS ns1\nns1 A 1.2.3.4\n",
    );
    assert_eq!(messages, ["has no NS records"]);
    let mut input = minimal();
    input.push(record("sub.example.com.", 300, RType::SOA, &soa_rdata()));
    match build(input) {
        Err(ZoneError::Rejected {
            reason,
            diagnostics,
        }) => {
            assert_eq!(reason, Rejection::NotZoneTop);
            assert_eq!(
                texts(&diagnostics),
                ["SOA record not at top of zone (sub.example.com)"]
            );
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    let mut input = minimal();
    input.push(record("example.com.", 300, RType::DS, &[0, 1, 8, 2, 0xaa]));
    let Err(ZoneError::Rejected {
        reason,
        diagnostics,
    }) = build(input)
    else {
        panic!("expected a rejection");
    };
    assert_eq!(reason, Rejection::AtZoneTop);
    assert_eq!(
        texts(&diagnostics),
        ["DS record at top of zone (example.com)"]
    );
}

#[test]
fn check_class_mismatch() {
    let mut input = minimal();
    let mut chaos = record("x.example.com.", 300, RType::TXT, b"\x01x");
    chaos.class = Class::CH;
    input.push(chaos);
    let Err(ZoneError::Rejected {
        reason,
        diagnostics,
    }) = build(input)
    else {
        panic!("expected a rejection");
    };
    assert_eq!(reason, Rejection::BadClass);
    assert_eq!(
        texts(&diagnostics),
        ["x.example.com: class 'CH' != zone class 'IN'"]
    );
}

#[test]
fn check_apex_ns_targets_are_fatal() {
    let (reason, messages) = rejected(
        "example.com.",
        "$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1\n@ NS ns2\nns2 CNAME ns1\n",
    );
    assert_eq!(reason, Rejection::BadZone);
    assert_eq!(
        messages,
        [
            "NS 'ns1.example.com' has no address records (A or AAAA)",
            "NS 'ns2.example.com' is a CNAME (illegal)",
        ]
    );
    let (_, messages) = rejected("example.com.", &format!("{HEAD}@ NS ns.d\nd DNAME foo.\n"));
    assert_eq!(
        messages,
        ["NS 'ns.d.example.com' is below a DNAME 'd.example.com' (illegal)"]
    );
    // Targets below a delegation, or matched by a wildcard, are fine.
    assert!(
        load(
            "example.com.",
            &format!("{HEAD}@ NS ns.sub\nsub NS ns.sub\n")
        )
        .is_ok()
    );
    assert!(load("example.com.", &format!("{HEAD}@ NS x.w\n*.w A 1.1.1.1\n")).is_ok());
}

#[test]
fn check_integrity_mx_srv_and_delegations() {
    let body = "www CNAME ns1\nmx MX 10 www\nmx2 MX 10 noaddr\nnoaddr TXT \"x\"\n\
                srv SRV 0 0 0 www\nsrv2 SRV 0 0 0 noaddr\nnull MX 0 .\n\
                sub NS www\nsub2 NS noaddr\n";
    assert_eq!(
        warnings("example.com.", &format!("{HEAD}{body}")),
        [
            "mx.example.com/MX 'www.example.com' is a CNAME (illegal)",
            "mx2.example.com/MX 'noaddr.example.com' has no address records (A or AAAA)",
            "srv.example.com/SRV 'www.example.com' is a CNAME (illegal)",
            "srv2.example.com/SRV 'noaddr.example.com' has no address records (A or AAAA)",
            "sub.example.com/NS 'www.example.com' is a CNAME (illegal)",
            "sub2.example.com/NS 'noaddr.example.com' has no address records (A or AAAA)",
        ]
    );
    let quiet = CheckOptions {
        check_integrity: false,
        ..CheckOptions::default()
    };
    let (_, diagnostics) =
        load_with("example.com.", &format!("{HEAD}{body}"), &quiet).expect("loads");
    assert!(diagnostics.is_empty());
    let strict = CheckOptions {
        mx_integrity: Mode::Fail,
        ..CheckOptions::default()
    };
    let (reason, messages) =
        rejected_with("example.com.", &format!("{HEAD}mx MX 10 noaddr\n"), &strict);
    assert_eq!(reason, Rejection::BadZone);
    assert_eq!(
        messages,
        ["mx.example.com/MX 'noaddr.example.com' has no address records (A or AAAA)"]
    );
    let ignore_cnames = CheckOptions {
        mx_cname: Mode::Ignore,
        srv_integrity: Mode::Ignore,
        ..CheckOptions::default()
    };
    let (_, diagnostics) = load_with(
        "example.com.",
        &format!("{HEAD}www CNAME ns1\nmx MX 10 www\nsrv SRV 0 0 0 www\n"),
        &ignore_cnames,
    )
    .expect("loads");
    assert!(diagnostics.is_empty());
}

#[test]
fn check_glue_required_sibling_and_below_dname() {
    let body = "sub NS ns.sub\nsub NS ns.other\nsub NS a.sub2\nsub2 NS ns1\n\
                d DNAME x.org.\nmx MX 1 a.d\n";
    assert_eq!(
        warnings("example.com.", &format!("{HEAD}{body}")),
        [
            "mx.example.com/MX 'a.d.example.com' is below a DNAME 'd.example.com' (illegal)",
            "sub.example.com/NS 'a.sub2.example.com' has no SIBLING GLUE address records (A or AAAA)",
            "sub.example.com/NS 'ns.sub.example.com' has no REQUIRED GLUE address records (A or AAAA)",
            "sub.example.com/NS 'ns.other.example.com' has no address records (A or AAAA)",
        ]
    );
    let no_siblings = CheckOptions {
        check_siblings: false,
        ..CheckOptions::default()
    };
    let (_, diagnostics) =
        load_with("example.com.", &format!("{HEAD}{body}"), &no_siblings).expect("loads");
    assert_eq!(diagnostics.len(), 3);
    // Glue present: nothing to say.
    assert!(
        warnings(
            "example.com.",
            &format!("{HEAD}sub NS ns.sub\nns.sub AAAA ::1\n")
        )
        .is_empty()
    );
}

#[test]
fn check_spf_and_deprecated_dnssec_algorithms() {
    let s1 = "0123456789012345678901234567890123456789";
    let s2 = "0123456789012345678901234567890123456789012345678901234567890123";
    let body = format!(
        "sp SPF \"v=spf1 -all\"\nok SPF \"v=spf1 -all\"\nok TXT \"v=spf1 -all\"\n\
         x KEY 256 3 5 AwEAAQ==\nx KEY 256 3 7 AwEAAQ==\nsub NS ns1\n\
         sub DS 1 5 1 {s1}\nsub DS 2 7 1 {s1}\nsub DS 3 8 2 {s2}\n"
    );
    assert_eq!(
        warnings("example.com.", &format!("{HEAD}{body}")),
        [
            "'sp.example.com' found type SPF record but no SPF TXT record found, add matching \
             type TXT record",
            "sub.example.com/DS deprecated digest type 1 (SHA-1)",
            "sub.example.com/DS deprecated algorithm 5 (RSASHA1)",
            "sub.example.com/DS deprecated algorithm 7 (NSEC3RSASHA1)",
            "x.example.com/KEY deprecated algorithm 5 (RSASHA1)",
            "x.example.com/KEY deprecated algorithm 7 (NSEC3RSASHA1)",
        ]
    );
}

#[test]
fn check_nsec3param_hash_and_iterations() {
    let (reason, messages) = rejected("example.com.", &format!("{HEAD}@ NSEC3PARAM 2 0 200 -\n"));
    assert_eq!(reason, Rejection::BadZone);
    assert_eq!(
        messages,
        [
            "unsupported nsec3 hash algorithm: 2",
            "excessive NSEC3PARAM iterations 200 > 150",
            "no supported nsec3 hash algorithm",
        ]
    );
    assert_eq!(
        warnings(
            "example.com.",
            &format!("{HEAD}@ NSEC3PARAM 1 0 200 aabb\n@ NSEC3PARAM 2 0 1 -\n")
        ),
        [
            "excessive NSEC3PARAM iterations 200 > 150",
            "unsupported nsec3 hash algorithm: 2"
        ]
    );
}

#[test]
fn rfc7344_cds_and_cdnskey_match_the_dnskeys() {
    let key = "@ DNSKEY 257 3 13 AwEAAQ==\n";
    let sha1 = "0123456789012345678901234567890123456789";
    let sha256 = "0123456789012345678901234567890123456789012345678901234567890123";
    let (reason, messages) = rejected(
        "example.com.",
        &format!("{HEAD}{key}@ CDS 1 13 1 {sha1}\n@ CDS 2 8 2 {sha256}\n"),
    );
    assert_eq!(reason, Rejection::BadZone);
    assert_eq!(
        messages,
        [
            "deprecated CDS digest type 1 (SHA-1)",
            "CDS/CDNSKEY consistency checks failed"
        ]
    );
    assert_eq!(
        warnings(
            "example.com.",
            &format!("{HEAD}{key}@ CDS 1 13 1 {sha1}\n@ CDNSKEY 257 3 13 AwEAAQ==\n")
        ),
        ["deprecated CDS digest type 1 (SHA-1)"]
    );
    // RFC 8078 §4: the deletion records, alone.
    assert!(
        warnings(
            "example.com.",
            &format!("{HEAD}{key}@ CDS 0 0 0 00\n@ CDNSKEY 0 3 0 AA==\n")
        )
        .is_empty()
    );
    let (_, messages) = rejected(
        "example.com.",
        &format!("{HEAD}{key}@ CDS 0 0 0 00\n@ CDS 1 13 2 {sha256}\n"),
    );
    assert_eq!(messages, ["CDS/CDNSKEY consistency checks failed"]);
}

#[test]
fn data_below_a_dname_loads_silently() {
    let (z, diagnostics) = load(
        "example.com.",
        &format!("{HEAD}d DNAME x.org.\na.d A 1.1.1.1\nb.d CNAME x\n"),
    )
    .expect("loads");
    assert!(diagnostics.is_empty());
    assert!(
        z.node(name("a.d.example.com.").as_wire())
            .is_some_and(|n| n.is_occluded())
    );
}

#[test]
fn rejection_carries_warnings_too() {
    let (reason, messages) = rejected(
        "example.com.",
        &format!("{HEAD}out.example.net. A 1.2.3.4\nc CNAME a\nc A 1.2.3.4\n"),
    );
    assert_eq!(reason, Rejection::CnameAndOtherData);
    // The parser already dropped the out-of-zone record with its own warning.
    assert_eq!(messages, ["c.example.com: CNAME and other data"]);
}

#[test]
fn signed_zone_detection() {
    let z = example("");
    assert!(!z.is_signed());
    let signed = example(
        "@ DNSKEY 257 3 8 AwEAAQ==\n\
         @ RRSIG DNSKEY 8 2 300 20300101000000 20200101000000 1 example.com. AAAA\n",
    );
    assert!(signed.is_signed());
}

/// The memory a zone holds per record stays well below BIND's 150-250 bytes.
#[test]
fn memory_per_record_is_small() {
    let mut text = String::from(HEAD);
    for i in 0..20_000 {
        text.push_str(&format!(
            "host{i} A 10.{}.{}.{}\n",
            i >> 16,
            (i >> 8) & 255,
            i & 255
        ));
        if i % 4 == 0 {
            text.push_str(&format!(
                "host{i} TXT \"v=spf1 ip4:10.0.0.{} -all\"\n",
                i & 255
            ));
        }
    }
    let z = zone("example.com.", &text);
    let per_record = z.heap_size() / z.record_count();
    assert!(per_record < 80, "{per_record} bytes per record");
}
