//! Reload under load: while dnsperf sends a steady stream of queries, rivetd is reloaded 20
//! times with SIGHUP, each time with a changed zone. dnsperf must lose no query and see no
//! error, and after each reload the answers must move to the new data.

mod rivetd_common;

use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::process::{Command, Stdio};
use std::time::Duration;

use rivetd_common::{Rivetd, free_port, rewrite, tool, wait_for_a, write_conf};

/// Reloads during the run.
const RELOADS: u32 = 20;
/// Hosts in the zone besides `www`.
const HOSTS: u32 = 2000;
/// dnsperf's run, seconds, and its rate, queries per second.
const SECONDS: u32 = 20;
const RATE: u32 = 2000;

/// The zone at generation `n`: serial `n`, `www` at 10.0.n.1, every host renumbered.
fn zone(n: u32) -> String {
    let mut text = format!(
        "$ORIGIN load.test.\n$TTL 60\n@ SOA ns1 hostmaster {n} 3600 600 86400 60\n\
         @ NS ns1\nns1 A 127.0.0.1\nwww A {}\n",
        www(n)
    );
    for h in 0..HOSTS {
        let _ = writeln!(text, "h{h} A 10.{}.{}.{}", 1 + n % 200, h / 250, h % 250);
    }
    text
}

fn www(n: u32) -> Ipv4Addr {
    Ipv4Addr::new(10, 0, n as u8, 1)
}

#[test]
fn twenty_reloads_under_load_lose_no_query() {
    let Some(dnsperf) = tool("dnsperf", "rivetd_reload_under_load") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let zone_file = dir.path().join("load.db");
    rewrite(&zone_file, &zone(1));
    let conf = write_conf(dir.path(), &[("load.test", "load.db")], "");
    let queries = dir.path().join("queries");
    let mut lines = String::from("www.load.test A\nload.test SOA\nload.test NS\n");
    for h in (0..HOSTS).step_by(7) {
        let _ = writeln!(lines, "h{h}.load.test A");
    }
    std::fs::write(&queries, lines).expect("query file written");

    let port = free_port();
    let server = Rivetd::start(&conf, port, &["-n", "2"]);
    assert!(wait_for_a(
        port,
        "www.load.test",
        &[www(1)],
        Duration::from_secs(5)
    ));

    let perf = Command::new(dnsperf)
        .args(["-s", "127.0.0.1", "-p", &port.to_string(), "-d"])
        .arg(&queries)
        .args(["-l", &SECONDS.to_string(), "-Q", &RATE.to_string()])
        .args(["-c", "4", "-t", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dnsperf starts");
    // Spread the reloads over the run, leaving its first and last seconds quiet.
    let pause = Duration::from_millis(u64::from(SECONDS - 3) * 1000 / u64::from(RELOADS));
    std::thread::sleep(Duration::from_secs(1));
    for n in 2..RELOADS + 2 {
        rewrite(&zone_file, &zone(n));
        assert!(server.reload(), "reload {n} failed:\n{}", server.log());
        assert!(
            wait_for_a(port, "www.load.test", &[www(n)], Duration::from_secs(2)),
            "answers did not move to generation {n}"
        );
        std::thread::sleep(pause);
    }
    let out = perf.wait_with_output().expect("dnsperf finishes");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "dnsperf failed:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let field = |name: &str| -> u64 {
        report
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no '{name}' in dnsperf's report:\n{report}"))
    };
    let sent = field("Queries sent:");
    let lost = field("Queries lost:");
    assert!(
        sent >= u64::from(RATE * (SECONDS - 2)),
        "only {sent} sent:\n{report}"
    );
    assert_eq!(lost, 0, "queries lost during reloads:\n{report}");
    let codes = report
        .lines()
        .find(|l| l.trim().starts_with("Response codes:"))
        .unwrap_or_default();
    assert!(
        codes.contains("NOERROR") && !codes.contains("SERVFAIL") && !codes.contains("REFUSED"),
        "{codes}"
    );
    assert_eq!(
        server.count("reloading zones succeeded"),
        RELOADS as usize,
        "{}",
        server.log()
    );
    assert!(server.stop().success());
}
