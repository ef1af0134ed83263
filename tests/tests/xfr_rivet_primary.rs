//! Rivet as a primary: a real BIND 9.18 secondary told by `also-notify` and kept current
//! after a reload, `allow-transfer` refusing an address, and a chain of three rivetd
//! passing a change along by NOTIFY.

mod rivetd_common;

use std::net::Ipv4Addr;
use std::path::Path;
use std::time::Duration;

use rivetd_common::{
    A, PATIENCE, Rivetd, SOA, decode, free_port, query, rewrite, tcp_transfer, tool, udp_exchange,
    wait_for_a, write_conf_with_zones,
};
use tests::answers::Named;

const FORMERR: u16 = 1;
const REFUSED: u16 = 5;
const AXFR: u16 = 252;

fn ip(last: u8) -> Ipv4Addr {
    Ipv4Addr::new(192, 0, 2, last)
}

fn zone(origin: &str, serial: u32, www: Ipv4Addr) -> String {
    format!(
        "$ORIGIN {origin}.\n$TTL 300\n@ IN SOA ns1 hostmaster {serial} 3600 600 86400 60\n\
         @ IN NS ns1\nns1 IN A 127.0.0.1\nwww IN A {www}\n"
    )
}

/// A primary for `example.test` notifying `notify_port` (explicitly, without delay).
fn primary_conf(dir: &Path, notify_port: u16, allow: &str) -> std::path::PathBuf {
    rewrite(
        &dir.join("example.test.db"),
        &zone("example.test", 1, ip(1)),
    );
    write_conf_with_zones(
        dir,
        "",
        &format!(
            "zone \"example.test\" {{ type primary; file \"example.test.db\"; notify explicit; \
             notify-delay 0; also-notify {{ 127.0.0.1 port {notify_port}; }}; \
             allow-transfer {{ {allow} }}; }};\n"
        ),
    )
}

/// A secondary of `example.test` from `primary_port`, notifying `notify_port` if given.
fn secondary_conf(dir: &Path, primary_port: u16, notify_port: Option<u16>) -> std::path::PathBuf {
    let notify = notify_port.map_or_else(
        || "notify no;".to_owned(),
        |p| format!("notify explicit; notify-delay 0; also-notify {{ 127.0.0.1 port {p}; }};"),
    );
    write_conf_with_zones(
        dir,
        "",
        &format!(
            "zone \"example.test\" {{ type secondary; file \"example.test.saved\"; \
             masterfile-format text; primaries {{ 127.0.0.1 port {primary_port}; }}; {notify} }};\n"
        ),
    )
}

#[test]
fn rivet_primary_notifies_bind_secondary_after_a_reload() {
    let Some(named) = tool("named", "xfr_rivet_primary") else {
        return;
    };
    let rivet_dir = tempfile::tempdir().expect("dir");
    let bind_dir = tempfile::tempdir().expect("dir");
    let (rivet_port, bind_port) = (free_port(), free_port());
    let conf = primary_conf(rivet_dir.path(), bind_port, "127.0.0.1;");
    let rivet = Rivetd::start(&conf, rivet_port, &[]);
    secondary_conf(bind_dir.path(), rivet_port, None);
    let bind = Named::start(&named, bind_dir.path(), bind_port, "example.test").expect("BIND");
    assert!(
        wait_for_a(bind_port, "www.example.test", &[ip(1)], PATIENCE),
        "BIND did not transfer:\n{}\n{}",
        bind.log_text(),
        rivet.log()
    );

    rewrite(
        &rivet_dir.path().join("example.test.db"),
        &zone("example.test", 2, ip(2)),
    );
    assert!(rivet.reload());
    assert!(
        wait_for_a(
            bind_port,
            "www.example.test",
            &[ip(2)],
            Duration::from_secs(10)
        ),
        "BIND did not follow the reload:\n{}\n{}",
        bind.log_text(),
        rivet.log()
    );
    assert!(rivet.count("zone example.test/IN: sending notifies (serial 2)") == 1);
    assert!(
        bind.log_text()
            .contains("received notify for zone 'example.test'")
    );
    assert!(bind.log_text().contains("transferred serial 2"));
}

#[test]
fn allow_transfer_refuses_other_addresses_and_udp_axfr_is_formerr() {
    let dir = tempfile::tempdir().expect("dir");
    rewrite(
        &dir.path().join("open.test.db"),
        &zone("open.test", 3, ip(3)),
    );
    rewrite(
        &dir.path().join("closed.test.db"),
        &zone("closed.test", 4, ip(4)),
    );
    let conf = write_conf_with_zones(
        dir.path(),
        "\tnotify no;\n",
        "zone \"open.test\" { type primary; file \"open.test.db\"; allow-transfer { 127.0.0.1; }; };\n\
         zone \"closed.test\" { type primary; file \"closed.test.db\"; allow-transfer { !127.0.0.1; any; }; };\n",
    );
    let port = free_port();
    let rivet = Rivetd::start(&conf, port, &[]);

    let replies = tcp_transfer(port, &query(1, "open.test", AXFR));
    let records: Vec<_> = replies.iter().flat_map(|r| r.answer.clone()).collect();
    assert_eq!(records.len(), 5, "SOA, NS, two A, SOA");
    assert_eq!(records.first().map(|r| r.rtype), Some(SOA));
    assert_eq!(records.last().map(|r| r.rtype), Some(SOA));
    assert!(
        records
            .iter()
            .any(|r| r.rtype == A && r.rdata == [192, 0, 2, 3])
    );
    assert!(replies.iter().all(|r| r.aa() && r.rcode() == 0));

    let refused = tcp_transfer(port, &query(2, "closed.test", AXFR));
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].rcode(), REFUSED);
    assert!(refused[0].answer.is_empty());
    assert!(rivet.wait_for_log("zone transfer 'closed.test/AXFR/IN' denied", 1, PATIENCE));

    let udp = decode(&udp_exchange(port, &query(3, "open.test", AXFR)));
    assert_eq!(udp.rcode(), FORMERR);
}

#[test]
fn a_change_travels_down_a_chain_of_three_rivetd_by_notify() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().expect("dir")).collect();
    let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
    let first = primary_conf(dirs[0].path(), ports[1], "127.0.0.1;");
    let second = secondary_conf(dirs[1].path(), ports[0], Some(ports[2]));
    let third = secondary_conf(dirs[2].path(), ports[1], None);
    let a = Rivetd::start(&first, ports[0], &[]);
    let b = Rivetd::start(&second, ports[1], &[]);
    let c = Rivetd::start(&third, ports[2], &[]);
    assert!(
        wait_for_a(ports[2], "www.example.test", &[ip(1)], PATIENCE),
        "the end of the chain has no data:\n{}\n{}",
        b.log(),
        c.log()
    );

    rewrite(
        &dirs[0].path().join("example.test.db"),
        &zone("example.test", 2, ip(2)),
    );
    assert!(a.reload());
    assert!(
        wait_for_a(
            ports[2],
            "www.example.test",
            &[ip(2)],
            Duration::from_secs(10)
        ),
        "the change did not reach the end of the chain:\n{}\n{}\n{}",
        a.log(),
        b.log(),
        c.log()
    );
    assert!(b.count("received notify for zone 'example.test'") >= 1);
    assert!(c.count("received notify for zone 'example.test'") >= 1);
    assert!(b.count("sending notifies (serial 2)") == 1);
    assert!(c.count("transferred serial 2") == 1);
}

#[test]
fn ixfr_from_differences_serves_bind_an_incremental_transfer() {
    let Some(named) = tool("named", "xfr_rivet_primary") else {
        return;
    };
    let rivet_dir = tempfile::tempdir().expect("dir");
    let bind_dir = tempfile::tempdir().expect("dir");
    let (rivet_port, bind_port) = (free_port(), free_port());
    rewrite(
        &rivet_dir.path().join("example.test.db"),
        &zone("example.test", 1, ip(1)),
    );
    let conf = write_conf_with_zones(
        rivet_dir.path(),
        "",
        &format!(
            "zone \"example.test\" {{ type primary; file \"example.test.db\"; notify explicit; \
             notify-delay 0; also-notify {{ 127.0.0.1 port {bind_port}; }}; \
             ixfr-from-differences yes; }};\n"
        ),
    );
    let rivet = Rivetd::start(&conf, rivet_port, &[]);
    secondary_conf(bind_dir.path(), rivet_port, None);
    let bind = Named::start(&named, bind_dir.path(), bind_port, "example.test").expect("BIND");
    assert!(wait_for_a(
        bind_port,
        "www.example.test",
        &[ip(1)],
        PATIENCE
    ));

    rewrite(
        &rivet_dir.path().join("example.test.db"),
        &zone("example.test", 2, ip(2)),
    );
    assert!(rivet.reload());
    assert!(
        wait_for_a(
            bind_port,
            "www.example.test",
            &[ip(2)],
            Duration::from_secs(10)
        ),
        "BIND did not follow the reload:\n{}\n{}",
        bind.log_text(),
        rivet.log()
    );
    assert!(
        rivet.count("IXFR started (serial 1 -> 2)") == 1,
        "not served from the journal:\n{}",
        rivet.log()
    );
    assert!(rivet_dir.path().join("example.test.db.jnl").exists());
}

/// A scratch directory with `example.test.db` at serial 1, a port for rivetd, and the
/// zone file's path.
fn primary_at_serial_1() -> (tempfile::TempDir, u16, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("example.test.db");
    rewrite(&db, &zone("example.test", 1, ip(1)));
    (dir, free_port(), db)
}

#[test]
fn max_journal_size_trims_the_journal_and_ixfr_falls_back_to_axfr() {
    let Some(dig) = tool("dig", "max_journal_size_trims_the_journal") else {
        return;
    };
    let (dir, port, db) = primary_at_serial_1();
    let conf = write_conf_with_zones(
        dir.path(),
        "",
        "zone \"example.test\" { type primary; file \"example.test.db\"; notify no; \
         ixfr-from-differences yes; max-journal-size 600; };\n",
    );
    let rivet = Rivetd::start(&conf, port, &[]);
    let journal = dir.path().join("example.test.db.jnl");
    let mut sizes = Vec::new();
    for serial in 2..=6u8 {
        rewrite(&db, &zone("example.test", u32::from(serial), ip(serial)));
        assert!(rivet.reload(), "{}", rivet.log());
        sizes.push(std::fs::metadata(&journal).expect("journal written").len());
    }
    assert!(
        sizes.iter().all(|&s| s <= 600),
        "journal sizes {sizes:?}:\n{}",
        rivet.log()
    );
    assert!(
        rivet.count("oldest transaction") > 0,
        "nothing trimmed:\n{}",
        rivet.log()
    );
    // Serial 1 is no longer in the journal: the answer is the whole zone.
    let ixfr = |from: u32| {
        let out = std::process::Command::new(&dig)
            .args(["@127.0.0.1", "-p", &port.to_string(), "+tcp", "+nocookie"])
            .arg(format!("IXFR={from}"))
            .arg("example.test")
            .output()
            .expect("dig runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let full = ixfr(1);
    assert!(
        full.contains("www.example.test.\t300\tIN\tA\t192.0.2.6"),
        "{full}"
    );
    assert!(
        rivet.count("IXFR version not in journal, falling back to AXFR") == 1,
        "{}",
        rivet.log()
    );
    // The newest transaction is still there: from serial 5 it is an increment.
    let increment = ixfr(5);
    assert!(increment.contains("192.0.2.5"), "{increment}");
    assert!(
        rivet.count("IXFR started (serial 5 -> 6)") == 1,
        "{}",
        rivet.log()
    );
}

/// The records of `dig AXFR example.test` from the server on `port`, sorted.
fn axfr_records(dig: &Path, port: u16) -> Vec<String> {
    let out = std::process::Command::new(dig)
        .args([
            "@127.0.0.1",
            "-p",
            &port.to_string(),
            "+nocookie",
            "+nostats",
        ])
        .args(["AXFR", "example.test"])
        .output()
        .expect("dig runs");
    let mut records: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(';'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    records.sort();
    // The SOA opens and closes a transfer: keep one.
    records.dedup();
    records
}

#[test]
fn a_bind_secondary_left_behind_the_journal_converges_by_a_full_transfer() {
    let (Some(named), Some(dig)) = (
        tool("named", "xfr_rivet_primary"),
        tool("dig", "xfr_rivet_primary"),
    ) else {
        return;
    };
    let rivet_dir = tempfile::tempdir().expect("dir");
    let bind_dir = tempfile::tempdir().expect("dir");
    let (rivet_port, bind_port) = (free_port(), free_port());
    let db = rivet_dir.path().join("example.test.db");
    rewrite(&db, &zone("example.test", 1, ip(1)));
    let conf = write_conf_with_zones(
        rivet_dir.path(),
        "",
        &format!(
            "zone \"example.test\" {{ type primary; file \"example.test.db\"; notify explicit; \
             notify-delay 0; also-notify {{ 127.0.0.1 port {bind_port}; }}; \
             ixfr-from-differences yes; max-journal-size 600; }};\n"
        ),
    );
    let rivet = Rivetd::start(&conf, rivet_port, &[]);
    secondary_conf(bind_dir.path(), rivet_port, None);
    let bind = Named::start(&named, bind_dir.path(), bind_port, "example.test").expect("BIND");
    assert!(wait_for_a(
        bind_port,
        "www.example.test",
        &[ip(1)],
        PATIENCE
    ));

    // BIND goes away at serial 1, its copy saved (so that it comes back asking for IXFR
    // from 1); Rivet moves on until its journal no longer reaches 1.
    let saved = bind_dir.path().join("example.test.saved");
    assert!(
        rivetd_common::wait_until(PATIENCE, || saved.exists()),
        "BIND saved no copy:\n{}",
        bind.log_text()
    );
    drop(bind);
    for serial in 2..=6u8 {
        rewrite(&db, &zone("example.test", u32::from(serial), ip(serial)));
        assert!(rivet.reload(), "{}", rivet.log());
    }
    assert!(rivet.count("oldest transaction") > 0, "{}", rivet.log());

    // BIND comes back with its saved copy of serial 1 and asks for IXFR from 1 (on its
    // start-up refresh, or on the NOTIFY of the next change): the journal cannot take it
    // from there, so the answer is the whole zone.
    let bind = Named::start(&named, bind_dir.path(), bind_port, "example.test").expect("BIND");
    rewrite(&db, &zone("example.test", 7, ip(7)));
    assert!(rivet.reload(), "{}", rivet.log());
    assert!(
        wait_for_a(bind_port, "www.example.test", &[ip(7)], PATIENCE),
        "BIND did not catch up:\n{}\n{}",
        bind.log_text(),
        rivet.log()
    );
    for line in [
        "transfer of 'example.test/IN': IXFR version not in journal, falling back to AXFR",
        "transfer of 'example.test/IN': AXFR-style IXFR started (serial ",
        "transfer of 'example.test/IN': AXFR-style IXFR ended: ",
    ] {
        assert!(rivet.wait_for_log(line, 1, PATIENCE), "{}", rivet.log());
    }
    let ours = axfr_records(&dig, rivet_port);
    assert!(ours.len() >= 4, "{ours:?}");
    assert_eq!(axfr_records(&dig, bind_port), ours);
}

/// `dig IXFR=SERIAL example.test` against the server on `port`: the records of the answer
/// in order (an increment starts with the SOA twice, the new one then the old one).
fn ixfr_records(dig: &Path, port: u16, serial: u32) -> Vec<String> {
    let out = std::process::Command::new(dig)
        .args([
            "@127.0.0.1",
            "-p",
            &port.to_string(),
            "+nocookie",
            "+nostats",
        ])
        .args([&format!("IXFR={serial}"), "example.test"])
        .output()
        .expect("dig runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(';'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn provide_ixfr_no_answers_ixfr_with_the_whole_zone_unless_a_server_statement_says_yes() {
    let Some(dig) = tool("dig", "xfr_rivet_primary") else {
        return;
    };
    let (dir, port, db) = primary_at_serial_1();
    let zone_statement = "zone \"example.test\" { type primary; file \"example.test.db\"; \
                          notify no; ixfr-from-differences yes; };\n";
    let conf = write_conf_with_zones(dir.path(), "", zone_statement);
    let rivet = Rivetd::start(&conf, port, &[]);
    rewrite(&db, &zone("example.test", 2, ip(2)));
    assert!(rivet.reload(), "{}", rivet.log());
    let incremental = |records: &[String]| {
        records.len() >= 2 && records[0].contains(" SOA ") && records[1].contains(" SOA ")
    };

    let records = ixfr_records(&dig, port, 1);
    assert!(incremental(&records), "{records:?}");
    let started = "transfer of 'example.test/IN': IXFR started (serial 1 -> 2)";
    assert!(rivet.wait_for_log(started, 1, PATIENCE), "{}", rivet.log());

    // Turned off for everyone: the whole zone, AXFR-style, though the journal has the step.
    write_conf_with_zones(dir.path(), "\tprovide-ixfr no;\n", zone_statement);
    assert!(rivet.reload(), "{}", rivet.log());
    let records = ixfr_records(&dig, port, 1);
    assert!(!incremental(&records), "{records:?}");
    assert!(
        records.iter().any(|r| r.starts_with("www.example.test.")),
        "{records:?}"
    );
    assert!(
        rivet.wait_for_log(
            "transfer of 'example.test/IN': AXFR-style IXFR started (serial 2)",
            1,
            PATIENCE
        ),
        "{}",
        rivet.log()
    );
    assert_eq!(rivet.count(started), 1, "{}", rivet.log());

    // A server statement for the secondary's address turns it back on for it alone.
    write_conf_with_zones(
        dir.path(),
        "\tprovide-ixfr no;\n",
        &format!("server 127.0.0.1 {{ provide-ixfr yes; }};\n{zone_statement}"),
    );
    assert!(rivet.reload(), "{}", rivet.log());
    let records = ixfr_records(&dig, port, 1);
    assert!(incremental(&records), "{records:?}");
    assert!(rivet.wait_for_log(started, 2, PATIENCE), "{}", rivet.log());
}
