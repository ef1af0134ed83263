//! Differences between zones and applying them.

use proptest::prelude::*;

use super::*;
use crate::master::{self, ParseOptions};
use crate::name::Name;
use crate::record::Rdata;
use crate::types::Class;
use crate::zone::{CheckOptions, Zone};

fn n(text: &str) -> Name {
    Name::from_text(text, None).expect("valid test name")
}

const HEAD: &str = "$TTL 300\n@ SOA ns hostmaster SERIAL 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";

/// A zone `example.` with the standard head at `serial` and `body` after it.
fn zone(serial: u32, body: &str) -> Zone {
    let text = HEAD.replace("SERIAL", &serial.to_string()) + body;
    let opts = ParseOptions {
        origin: n("example."),
        class: Class::IN,
        base_dir: ".".into(),
        default_ttl: None,
    };
    let records = master::parse_str(&text, "test.db", &opts)
        .expect("test zone parses")
        .records;
    Zone::build(n("example."), Class::IN, records, &CheckOptions::default())
        .expect("test zone loads")
        .0
}

fn lines(records: &[Record]) -> Vec<String> {
    records.iter().map(record_text).collect()
}

/// A zone's records as comparable text, owners and RDATA names in canonical case.
fn contents(zone: &Zone) -> Vec<String> {
    zone.records_canonical()
        .map(|r| {
            let mut record = r.to_record();
            record.owner = record.owner.to_lowercase();
            record.rdata = Rdata(
                crate::rdata::canonical(record.rtype, record.rdata.as_bytes())
                    .into_owned()
                    .into(),
            );
            record_text(&record)
        })
        .collect()
}

fn applied(zone: &Zone, diffs: &[Diff]) -> Result<Zone, ApplyError> {
    apply(zone, diffs, &CheckOptions::default()).map(|(z, _)| z)
}

#[test]
fn identical_zones_differ_in_nothing() {
    let body = "a A 192.0.2.2\na TXT \"x\"\nb MX 10 a\n";
    let d = Diff::between(&zone(7, body), &zone(7, body)).expect("same zone");
    assert!(d.is_empty());
    assert_eq!((d.from_serial(), d.to_serial()), (7, 7));
    assert_eq!(d.record_count(), 2);
}

#[test]
fn additions_deletions_and_ttl_changes() {
    let old = zone(
        1,
        "a A 192.0.2.2\na A 192.0.2.3\nb TXT \"gone\"\nc 60 A 192.0.2.9\nc TXT \"stays\"\n",
    );
    let new = zone(
        2,
        "a A 192.0.2.2\na A 192.0.2.4\nc 120 A 192.0.2.9\nc TXT \"stays\"\nd AAAA 2001:db8::1\n",
    );
    let d = Diff::between(&old, &new).expect("same zone");
    assert_eq!((d.from_serial(), d.to_serial()), (1, 2));
    assert_eq!(
        lines(d.deleted()),
        [
            "a.example.\t300\tIN\tA\t192.0.2.3",
            "b.example.\t300\tIN\tTXT\t\"gone\"",
            "c.example.\t60\tIN\tA\t192.0.2.9",
        ]
    );
    assert_eq!(
        lines(d.added()),
        [
            "a.example.\t300\tIN\tA\t192.0.2.4",
            "c.example.\t120\tIN\tA\t192.0.2.9",
            "d.example.\t300\tIN\tAAAA\t2001:db8::1",
        ]
    );
    assert_eq!(
        record_text(d.old_soa()),
        "example.\t300\tIN\tSOA\tns.example. hostmaster.example. 1 2 3 4 5"
    );
    let texts: Vec<String> = d.ixfr_records().map(record_text).collect();
    assert_eq!(texts.len(), 8);
    assert!(texts[4].contains(" 2 2 3 4 5"), "{texts:?}");
    assert_eq!(
        contents(&applied(&old, &[d]).expect("applies")),
        contents(&new)
    );
}

#[test]
fn a_ttl_change_replaces_the_whole_rrset() {
    let old = zone(1, "a A 192.0.2.2\na A 192.0.2.3\n");
    let new = zone(2, "a 600 A 192.0.2.2\na 600 A 192.0.2.3\n");
    let d = Diff::between(&old, &new).expect("same zone");
    assert_eq!(d.deleted().len(), 2);
    assert_eq!(d.added().len(), 2);
    assert!(d.added().iter().all(|r| r.ttl == 600));
    assert_eq!(
        contents(&applied(&old, &[d]).expect("applies")),
        contents(&new)
    );
}

#[test]
fn case_alone_is_no_change() {
    let old = zone(1, "a MX 10 Mail\nmail A 192.0.2.5\n");
    let new = zone(1, "A MX 10 mail\nMAIL A 192.0.2.5\n");
    assert!(Diff::between(&old, &new).expect("same zone").is_empty());
}

#[test]
fn signatures_and_apex_records_are_compared_like_others() {
    let sig = |covered: &str, tag: u16| {
        format!("a RRSIG {covered} 8 2 300 20300101000000 20200101000000 {tag} example. AAAA\n")
    };
    let old = zone(
        1,
        &(sig("A", 1) + &sig("TXT", 2) + "a A 192.0.2.2\na TXT \"t\"\n"),
    );
    let new = zone(
        2,
        &(sig("A", 3) + &sig("TXT", 2) + "a A 192.0.2.2\na TXT \"t\"\n@ TXT \"apex\"\n"),
    );
    let d = Diff::between(&old, &new).expect("same zone");
    assert_eq!(d.deleted().len(), 1);
    assert_eq!(d.deleted()[0].rtype, RType::RRSIG);
    assert_eq!(d.added().len(), 2);
    assert_eq!(
        contents(&applied(&old, &[d]).expect("applies")),
        contents(&new)
    );
}

#[test]
fn steps_apply_in_sequence() {
    let z1 = zone(1, "a A 192.0.2.2\n");
    let z2 = zone(2, "a A 192.0.2.2\nb A 192.0.2.3\n");
    let z3 = zone(3, "b 900 A 192.0.2.3\nc TXT \"c\"\n");
    let d12 = Diff::between(&z1, &z2).expect("same zone");
    let d23 = Diff::between(&z2, &z3).expect("same zone");
    let got = applied(&z1, &[d12.clone(), d23.clone()]).expect("applies");
    assert_eq!(got.serial(), 3);
    assert_eq!(contents(&got), contents(&z3));
    assert_eq!(
        contents(&applied(&z1, &[]).expect("no steps")),
        contents(&z1)
    );
    assert_eq!(
        applied(&z1, std::slice::from_ref(&d23)).map(|_| ()),
        Err(ApplyError::SerialMismatch {
            step: 0,
            from: 2,
            current: 1
        })
    );
    assert!(matches!(
        applied(&z1, &[d12.clone(), d12]),
        Err(ApplyError::SerialMismatch { step: 1, .. })
    ));
}

#[test]
fn deleting_a_missing_record_or_adding_a_present_one_fails() {
    let z1 = zone(1, "a A 192.0.2.2\n");
    let soa = |serial| {
        zone(serial, "")
            .records_canonical()
            .next()
            .expect("an SOA")
            .to_record()
    };
    let a = |last: u8, ttl| Record {
        owner: n("a.example."),
        ttl,
        class: Class::IN,
        rtype: RType::A,
        rdata: Rdata(vec![192, 0, 2, last].into()),
    };
    let step = |deleted, added| Diff::new(soa(1), deleted, soa(2), added).expect("a step");
    let err = applied(&z1, &[step(vec![a(9, 300)], vec![])]).expect_err("not there");
    assert_eq!(
        err.to_string(),
        "step 1 -> 2: deletes a record the zone does not have: a.example.\t300\tIN\tA\t192.0.2.9"
    );
    // The TTL is not part of a deletion's match.
    assert!(applied(&z1, &[step(vec![a(2, 60)], vec![])]).is_ok());
    assert!(matches!(
        applied(&z1, &[step(vec![], vec![a(2, 60)])]),
        Err(ApplyError::AlreadyPresent { .. })
    ));
    // Deleted and added back in one step: a TTL change.
    let got = applied(&z1, &[step(vec![a(2, 300)], vec![a(2, 60)])]).expect("applies");
    assert_eq!(contents(&got), contents(&zone(2, "a 60 A 192.0.2.2\n")));
    // Deleted twice.
    assert!(matches!(
        applied(&z1, &[step(vec![a(2, 300), a(2, 300)], vec![])]),
        Err(ApplyError::NotPresent { .. })
    ));
    let mut outside = a(3, 300);
    outside.owner = n("a.example.net.");
    assert!(matches!(
        applied(&z1, &[step(vec![], vec![outside])]),
        Err(ApplyError::OutOfZone { .. })
    ));
    // The result must still be a zone BIND would load.
    let cname = Record {
        owner: n("a.example."),
        ttl: 300,
        class: Class::IN,
        rtype: RType::CNAME,
        rdata: Rdata(n("ns.example.").as_wire().into()),
    };
    assert!(matches!(
        applied(&z1, &[step(vec![], vec![cname])]),
        Err(ApplyError::Zone(_))
    ));
    assert!(matches!(
        Diff::new(soa(1), vec![soa(1)], soa(2), vec![]),
        Err(DiffError::SoaInList { .. })
    ));
    assert!(matches!(
        Diff::new(a(1, 1), vec![], soa(2), vec![]),
        Err(DiffError::BadSoa { which: "old", .. })
    ));
}

#[test]
fn zones_of_different_origins_are_not_compared() {
    let other = {
        let text = "$TTL 300\n@ SOA ns hostmaster 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";
        let opts = ParseOptions {
            origin: n("example.net."),
            class: Class::IN,
            base_dir: ".".into(),
            default_ttl: None,
        };
        let records = master::parse_str(text, "t", &opts).expect("parses").records;
        Zone::build(
            n("example.net."),
            Class::IN,
            records,
            &CheckOptions::default(),
        )
        .expect("loads")
        .0
    };
    assert!(matches!(
        Diff::between(&zone(1, ""), &other),
        Err(DiffError::DifferentZones { .. })
    ));
}

#[test]
fn display_is_named_journalprints_layout() {
    let d = Diff::between(&zone(1, ""), &zone(2, "b A 192.0.2.3\n")).expect("same zone");
    assert_eq!(
        d.to_string(),
        "del example.\t\t300\tIN\tSOA\tns.example. hostmaster.example. 1 2 3 4 5\n\
         add example.\t\t300\tIN\tSOA\tns.example. hostmaster.example. 2 2 3 4 5\n\
         add b.example.\t\t300\tIN\tA\t192.0.2.3\n"
    );
}

/// One generated record line: owner, TTL, type and data, drawn from small sets so that
/// versions share most of their records.
fn record_line() -> impl Strategy<Value = String> {
    let owner = prop::sample::select(vec!["a", "B", "b", "c.d", "*.w", "e.c.d", "@", "f"]);
    let ttl = prop::sample::select(vec![60u32, 300]);
    let data = prop_oneof![
        (0u8..4).prop_map(|i| format!("A 192.0.2.{i}")),
        (0u8..3).prop_map(|i| format!("AAAA 2001:db8::{i}")),
        (0u8..3).prop_map(|i| format!("TXT \"t{i}\"")),
        (0u8..3).prop_map(|i| format!("MX {i} Ns")),
    ];
    (owner, ttl, data).prop_map(|(o, t, d)| format!("{o} {t} {d}\n"))
}

fn version() -> impl Strategy<Value = String> {
    prop::collection::vec(record_line(), 0..24).prop_map(|lines| lines.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Applying the difference of two versions to the first gives the second, also over
    /// several steps.
    #[test]
    fn diff_then_apply_gives_the_new_zone(v1 in version(), v2 in version(), v3 in version()) {
        let (z1, z2, z3) = (zone(1, &v1), zone(2, &v2), zone(3, &v3));
        let d12 = Diff::between(&z1, &z2).expect("same zone");
        let d23 = Diff::between(&z2, &z3).expect("same zone");
        let got = applied(&z1, std::slice::from_ref(&d12)).expect("applies");
        prop_assert_eq!(contents(&got), contents(&z2));
        let got = applied(&z1, &[d12, d23]).expect("applies");
        prop_assert_eq!(contents(&got), contents(&z3));
        prop_assert!(Diff::between(&z3, &z3).expect("same zone").is_empty());
    }
}
