//! A chain of secondaries through Rivet: a BIND primary, Rivet as its secondary, and a
//! BIND secondary of Rivet. An update on the primary travels down the chain by NOTIFY,
//! and the second hop is an IXFR served from the journal Rivet kept of the first.

mod rivetd_common;

use std::net::Ipv4Addr;
use std::path::Path;
use std::time::{Duration, Instant};

use rivetd_common::{Rivetd, free_port, rewrite, tool, wait_for_a, write_conf_with_zones};
use tests::answers::Named;

const CHAIN_WAIT: Duration = Duration::from_secs(30);

fn ip(last: u8) -> Ipv4Addr {
    Ipv4Addr::new(192, 0, 2, last)
}

/// How many records BIND's `xfer-in` line says the transfer that ended at `serial` held
/// (`Transfer completed: 1 messages, 5 records, … (serial 2)`). The line may follow the
/// new copy's first answers by a moment, so it is waited for.
fn transferred_records(named: &Named, serial: u32) -> Option<usize> {
    let deadline = Instant::now() + CHAIN_WAIT;
    loop {
        let found = named
            .log_text()
            .lines()
            .filter(|l| l.ends_with(&format!("(serial {serial})")))
            .find_map(|l| l.split("Transfer completed: ").nth(1).map(str::to_owned))
            .and_then(|rest| {
                let records = rest.split(", ").nth(1)?.strip_suffix(" records")?;
                records.parse().ok()
            });
        if found.is_some() || Instant::now() > deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn bind_conf(dir: &Path, body: &str) {
    let conf = format!(
        "options {{ directory \"{}\"; pid-file none; session-keyfile none;\n\
           listen-on {{ 127.0.0.1; }}; listen-on-v6 {{ none; }}; recursion no;\n\
           dnssec-validation no; notify-delay 0; }};\n\
         controls {{ }};\n{body}",
        dir.display()
    );
    std::fs::write(dir.join("named.conf"), conf).expect("BIND conf");
}

#[test]
fn an_update_reaches_the_end_of_the_chain_incrementally() {
    chain("");
}

/// Rivet takes every copy whole (`request-ixfr no`), and with `ixfr-from-differences`
/// journals the difference each one made, so the end of the chain is still fed
/// increments.
#[test]
fn full_transfers_in_go_on_as_increments_with_ixfr_from_differences() {
    let Some(rivet_log) = chain("request-ixfr no; ixfr-from-differences yes;") else {
        return;
    };
    // Every copy came whole: 43 records (44 after the first update) and the SOA at both
    // ends.
    for (serial, records) in [(1, 45), (2, 46), (3, 46)] {
        let whole = format!("{records} records, ");
        let ending = format!("(serial {serial})");
        assert!(
            rivet_log.lines().any(|l| l.contains("Transfer completed: ")
                && l.contains(&whole)
                && l.ends_with(&ending)),
            "no whole transfer of serial {serial}:\n{rivet_log}"
        );
    }
}

/// BIND primary → Rivet (with `rivet_options` in its zone) → BIND: two updates on the
/// primary reach the end of the chain, Rivet sending each on as an IXFR from its journal.
/// Returns Rivet's log, or `None` when BIND is not installed.
fn chain(rivet_options: &str) -> Option<String> {
    let (Some(named), Some(nsupdate_bin)) =
        (tool("named", "xfr_chain"), tool("nsupdate", "xfr_chain"))
    else {
        return None;
    };
    let (primary_dir, rivet_dir, tertiary_dir) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    let (primary_port, rivet_port, tertiary_port) = (free_port(), free_port(), free_port());

    // Enough names that an increment stays below BIND's max-ixfr-ratio (100% of the
    // zone), past which BIND sends the whole zone instead.
    let filler: String = (0..40)
        .map(|i| format!("h{i} IN A 198.51.100.{i}\n"))
        .collect();
    rewrite(
        &primary_dir.path().join("example.test.db"),
        &format!(
            "$ORIGIN example.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n\
             @ IN NS ns1\nns1 IN A 127.0.0.1\nwww IN A {}\n{filler}",
            ip(1)
        ),
    );
    bind_conf(
        primary_dir.path(),
        &format!(
            "zone \"example.test\" {{ type primary; file \"example.test.db\"; \
               allow-update {{ 127.0.0.1; }}; notify explicit; \
               also-notify {{ 127.0.0.1 port {rivet_port}; }}; }};\n"
        ),
    );
    let primary =
        Named::start(&named, primary_dir.path(), primary_port, "example.test").expect("primary");

    let conf = write_conf_with_zones(
        rivet_dir.path(),
        "",
        &format!(
            "zone \"example.test\" {{ type secondary; file \"example.test.saved\"; \
               primaries {{ 127.0.0.1 port {primary_port}; }}; notify explicit; notify-delay 0; \
               also-notify {{ 127.0.0.1 port {tertiary_port}; }}; {rivet_options} }};\n"
        ),
    );
    let rivet = Rivetd::start(&conf, rivet_port, &[]);
    assert!(
        wait_for_a(rivet_port, "www.example.test", &[ip(1)], CHAIN_WAIT),
        "Rivet got no first copy:\n{}",
        rivet.log()
    );

    bind_conf(
        tertiary_dir.path(),
        &format!(
            "zone \"example.test\" {{ type secondary; file \"example.test.saved\"; \
               primaries {{ 127.0.0.1 port {rivet_port}; }}; }};\n"
        ),
    );
    let tertiary =
        Named::start(&named, tertiary_dir.path(), tertiary_port, "example.test").expect("tertiary");
    assert!(
        wait_for_a(tertiary_port, "www.example.test", &[ip(1)], CHAIN_WAIT),
        "the tertiary got no first copy:\n{}",
        tertiary.log_text()
    );

    rivetd_common::nsupdate(
        &nsupdate_bin,
        &[],
        primary_port,
        &format!(
            "zone example.test\nupdate add new.example.test 300 A {}\n",
            ip(9)
        ),
    );
    for (port, who) in [(rivet_port, "Rivet"), (tertiary_port, "the tertiary")] {
        assert!(
            wait_for_a(port, "new.example.test", &[ip(9)], CHAIN_WAIT),
            "the update did not reach {who}:\nRivet:\n{}\nprimary:\n{}\ntertiary:\n{}",
            rivet.log(),
            primary.log_text(),
            tertiary.log_text()
        );
    }
    // Rivet journaled the IXFR it received and served the tertiary from it.
    assert!(rivet_dir.path().join("example.test.saved.jnl").exists());
    assert!(
        rivet.wait_for_log(
            "transfer of 'example.test/IN': IXFR started (serial 1 -> 2)",
            1,
            CHAIN_WAIT
        ),
        "{}",
        rivet.log()
    );
    assert_eq!(
        rivet.count("transfer of 'example.test/IN': AXFR-style IXFR started"),
        0,
        "{}",
        rivet.log()
    );
    // BIND 9.18 does not name the kind of transfer it received at its default log
    // level; an increment shows as a transfer of far fewer records than the zone holds.
    // The full copy: 43 records and the SOA at both ends.
    assert_eq!(transferred_records(&tertiary, 1), Some(45));
    assert!(
        transferred_records(&tertiary, 2).is_some_and(|n| n < 10),
        "{}",
        tertiary.log_text()
    );
    // BIND keeps a journal of a secondary zone only for increments.
    assert!(
        tertiary_dir.path().join("example.test.saved.jnl").exists(),
        "{}",
        tertiary.log_text()
    );

    // A second update goes the same way, the journals growing by one step each.
    rivetd_common::nsupdate(
        &nsupdate_bin,
        &[],
        primary_port,
        &format!(
            "zone example.test\nupdate delete www.example.test A\nupdate add www.example.test 300 A {}\n",
            ip(3)
        ),
    );
    assert!(
        wait_for_a(tertiary_port, "www.example.test", &[ip(3)], CHAIN_WAIT),
        "the second update did not reach the tertiary:\n{}",
        rivet.log()
    );
    assert!(
        transferred_records(&tertiary, 3).is_some_and(|n| n < 10),
        "{}",
        tertiary.log_text()
    );
    assert!(
        rivet.wait_for_log(
            "transfer of 'example.test/IN': IXFR started (serial 2 -> 3)",
            1,
            CHAIN_WAIT
        ),
        "{}",
        rivet.log()
    );
    Some(rivet.log())
}

/// The zone `example.test` as `zone_text` writes it, built in-process.
fn built_zone(serial: u32, www: Ipv4Addr) -> zones::zone::Zone {
    let origin = zones::Name::from_text("example.test.", None).expect("name");
    let opts = zones::master::ParseOptions {
        origin: origin.clone(),
        class: zones::Class::IN,
        base_dir: std::path::PathBuf::from("."),
        default_ttl: None,
    };
    let text = rivetd_common::zone_text("example.test", serial, www);
    let parsed = zones::master::parse_str(&text, "example.test.db", &opts).expect("parses");
    let checks = zones::zone::CheckOptions::default();
    let (zone, _) = zones::zone::Zone::build(origin, zones::Class::IN, parsed.records, &checks)
        .expect("builds");
    zone
}

/// A secondary's journal that does not end at the serial of the copy saved in its file
/// (a crash between the two writes, a file put back by hand) is discarded when rivetd
/// starts, never served; one that ends there is kept.
#[test]
fn a_journal_not_ending_at_the_saved_copy_is_discarded_at_start() {
    let dir = tempfile::tempdir().expect("dir");
    let (port, unused_primary) = (free_port(), free_port());
    let saved = dir.path().join("example.test.saved");
    let journal_path = dir.path().join("example.test.saved.jnl");
    let write_journal = |to: u32| {
        let (old, new) = (built_zone(to - 1, ip(1)), built_zone(to, ip(2)));
        let step = zones::diff::Diff::between(&old, &new).expect("differs");
        let mut journal = zones::journal::Journal::create(&journal_path, old.origin(), old.class())
            .expect("journal");
        journal.append(&step).expect("appended");
    };
    let conf = write_conf_with_zones(
        dir.path(),
        "",
        &format!(
            "zone \"example.test\" {{ type secondary; file \"example.test.saved\"; \
               primaries {{ 127.0.0.1 port {unused_primary}; }}; }};\n"
        ),
    );
    rewrite(&saved, &rivetd_common::zone_text("example.test", 7, ip(2)));

    // Ends at 6, the saved copy is at 7: discarded.
    write_journal(6);
    let rivet = Rivetd::start(&conf, port, &[]);
    assert!(
        rivet.wait_for_log("is out of date (it ends at serial 6, the zone file has serial 7): removing journal file", 1, CHAIN_WAIT),
        "{}",
        rivet.log()
    );
    assert!(!journal_path.exists());
    assert!(wait_for_a(port, "www.example.test", &[ip(2)], CHAIN_WAIT));
    rivet.stop();

    // Ends at 7: kept.
    write_journal(7);
    let rivet = Rivetd::start(&conf, port, &[]);
    assert!(wait_for_a(port, "www.example.test", &[ip(2)], CHAIN_WAIT));
    assert_eq!(rivet.count("removing journal file"), 0, "{}", rivet.log());
    assert!(journal_path.exists());
}
