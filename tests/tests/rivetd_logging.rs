//! rivetd's `logging` statement and query log, end to end: started with `-f` (so that the
//! statement is used), queried over UDP and TCP, compared line by line with what BIND 9.18
//! writes for the same queries with the same configuration; the statement re-read on
//! SIGHUP; and a reload noticing a change in a file a zone `$INCLUDE`s.

mod rivetd_common;

use std::net::Ipv4Addr;
use std::path::Path;
use std::time::{Duration, Instant};

use rivetd_common::{
    A, Foreground, PATIENCE, Rivetd, file_lines, free_port, query, rewrite, rivetd_bin,
    send_signal, udp_exchange_within, wait_for_a, write_conf_with_zones, zone_text,
};
use tests::answers::{CD, Opt, Probe, Query, RD, Via, ask};

/// The `logging` statement both servers run with.
const LOGGING: &str = r#"
logging {
    channel query_file {
        file "queries.log" versions 3 size 1m;
        print-time yes; print-category yes; print-severity yes;
    };
    channel general_file {
        file "general.log";
        print-time yes; print-category yes; print-severity yes;
    };
    category queries { query_file; };
    category default { general_file; };
};
"#;

/// A scratch directory with `example.test` and a named.conf with `logging` and `extra`
/// (options).
fn staged(extra: &str, logging: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    staged_in(extra, logging, None)
}

/// [`staged`], the zone in the view `view` (matching every client) when one is named.
fn staged_in(
    extra: &str,
    logging: &str,
    view: Option<&str>,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    rewrite(
        &dir.path().join("example.test.db"),
        &zone_text("example.test", 1, Ipv4Addr::new(192, 0, 2, 1)),
    );
    let zone = "zone \"example.test\" { type primary; file \"example.test.db\"; };";
    let zones = match view {
        Some(view) => format!("{logging}view \"{view}\" {{ match-clients {{ any; }}; {zone} }};\n"),
        None => format!("{logging}{zone}\n"),
    };
    let conf = write_conf_with_zones(dir.path(), extra, &zones);
    (dir, conf)
}

/// The queries of the comparison: transports, RD, EDNS, DO, CD, a client cookie, a name's
/// case, an unknown type, a name outside every zone and a Client Subnet option.
fn probes() -> Vec<Probe> {
    let cookie = Opt::size(1232).with(10, &[1, 2, 3, 4, 5, 6, 7, 8]);
    let subnet = Opt::size(1232).with(8, &[0, 1, 24, 0, 192, 0, 2]);
    let queries = [
        (
            Query::new("www.example.test", 1).flags(RD).opt(None),
            Via::Udp,
        ),
        (Query::new("www.example.test", 1).flags(RD), Via::Udp),
        (
            Query::new("www.example.test", 1).opt(Some(Opt::dnssec(1232))),
            Via::Udp,
        ),
        (Query::new("www.example.test", 1).flags(RD), Via::Tcp),
        (Query::new("www.example.test", 28).opt(None), Via::Tcp),
        (
            Query::new("example.test", 6).flags(RD).opt(Some(cookie)),
            Via::Udp,
        ),
        (
            Query::new("www.example.test", 1)
                .flags(RD | CD)
                .opt(Some(Opt::dnssec(1232))),
            Via::Udp,
        ),
        (Query::new("WWW.Example.TEST", 65000).flags(RD), Via::Udp),
        (Query::new("nx.other.org", 15).flags(RD), Via::Udp),
        (
            Query::new("www.example.test", 1).opt(Some(subnet)),
            Via::Udp,
        ),
    ];
    queries
        .iter()
        .map(|(q, via)| Probe::query(q, *via))
        .collect()
}

/// Waits until `path` has at least `count` lines containing `needle`; those lines.
fn wait_for_lines(path: &Path, needle: &str, count: usize) -> Vec<String> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let lines: Vec<String> = file_lines(path)
            .into_iter()
            .filter(|l| l.contains(needle))
            .collect();
        if lines.len() >= count || Instant::now() > deadline {
            return lines;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Checks `DD-Mon-YYYY HH:MM:SS.mmm ` at the start of `line` and returns the rest.
fn after_time(line: &str) -> &str {
    let (stamp, rest) = line.split_at(line.len().min(25));
    let shape = "00-Aaa-0000 00:00:00.000 ";
    let ok = stamp.len() == shape.len()
        && stamp.chars().zip(shape.chars()).all(|(c, s)| match s {
            '0' => c.is_ascii_digit(),
            'A' => c.is_ascii_uppercase(),
            'a' => c.is_ascii_lowercase(),
            _ => c == s,
        });
    assert!(ok, "no BIND time stamp: {line}");
    rest
}

/// A query line with the time checked and the per-client parts (the object number and
/// the client's port) masked.
fn normalised(line: &str) -> String {
    let rest = after_time(line);
    let mut out = Vec::new();
    for word in rest.split(' ') {
        if let Some(hex) = word.strip_prefix("@0x") {
            assert!(
                !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()),
                "{line}"
            );
            out.push("@0xID".to_owned());
        } else if let Some((addr, port)) = word.split_once('#') {
            assert!(port.parse::<u16>().is_ok(), "{line}");
            out.push(format!("{addr}#PORT"));
        } else {
            out.push(word.to_owned());
        }
    }
    out.join(" ")
}

#[test]
fn query_log_lines_match_bind() {
    compare_query_logs(None);
}

/// A view other than `_default` is named in each line (`view inside: query: ...`).
#[test]
fn query_log_lines_name_the_view_as_bind_does() {
    compare_query_logs(Some("inside"));
}

/// The query log of the same queries to rivetd and to BIND, the zone in `view` when one
/// is named, compared line by line; then the other categories.
fn compare_query_logs(view: Option<&str>) {
    let Some(named) = tests::bind::require("named", "query_log_lines_match_bind") else {
        return;
    };
    let (ours, our_conf) = staged_in("\tquerylog yes;\n", LOGGING, view);
    let (theirs, their_conf) = staged_in("\tquerylog yes;\n", LOGGING, view);
    let our_port = free_port();
    let rivetd = Foreground::start(
        &rivetd_bin(),
        ours.path(),
        &our_conf,
        our_port,
        "example.test",
    );
    let their_port = free_port();
    let bind = Foreground::start(
        &named,
        theirs.path(),
        &their_conf,
        their_port,
        "example.test",
    );
    // The readiness probes are logged too: count from here.
    let before = |dir: &Path| file_lines(&dir.join("queries.log")).len();
    let (ours_before, theirs_before) = (before(ours.path()), before(theirs.path()));

    let probes = probes();
    for (i, probe) in probes.iter().enumerate() {
        let id = 100 + i as u16;
        for port in [our_port, their_port] {
            let server = std::net::SocketAddr::from(([127, 0, 0, 1], port));
            assert!(
                ask(server, probe, id, Duration::from_secs(5)).is_some(),
                "no answer on port {port} to {}",
                probe.label
            );
        }
    }

    let want = probes.len();
    let ours_log = wait_for_lines(
        &ours.path().join("queries.log"),
        "queries: info:",
        ours_before + want,
    );
    let theirs_log = wait_for_lines(
        &theirs.path().join("queries.log"),
        "queries: info:",
        theirs_before + want,
    );
    let ours_lines: Vec<String> = ours_log[ours_before..]
        .iter()
        .map(|l| normalised(l))
        .collect();
    let theirs_lines: Vec<String> = theirs_log[theirs_before..]
        .iter()
        .map(|l| normalised(l))
        .collect();
    assert_eq!(
        ours_lines,
        theirs_lines,
        "rivetd output:\n{}\nBIND output:\n{}",
        rivetd.output(),
        bind.output()
    );
    let prefix = view.map_or_else(String::new, |v| format!("view {v}: "));
    assert!(
        ours_lines.iter().any(|l| l.ends_with(&format!(
            "(www.example.test): {prefix}query: www.example.test IN A +E(0)T (127.0.0.1)"
        ))),
        "{ours_lines:#?}"
    );

    // The other categories go to the default channel, laid out the same way.
    for dir in [ours.path(), theirs.path()] {
        let general = wait_for_lines(&dir.join("general.log"), "general: notice: running", 1);
        assert_eq!(general.len(), 1, "{}", dir.display());
        assert_eq!(after_time(&general[0]), "general: notice: running");
    }
}

#[test]
fn sighup_applies_a_new_logging_statement() {
    let first = r#"
logging {
    channel one { file "one.log"; print-category yes; print-severity yes; };
    category default { one; };
};
"#;
    let (dir, conf) = staged("\tquerylog yes;\n", first);
    let port = free_port();
    let server = Foreground::start(&rivetd_bin(), dir.path(), &conf, port, "example.test");
    let one = dir.path().join("one.log");
    assert_eq!(wait_for_lines(&one, "general: notice: running", 1).len(), 1);
    // With querylog and no `category queries`, queries go to the default channels.
    udp_exchange_within(port, &query(7, "www.example.test", A), PATIENCE).expect("answer");
    assert_eq!(
        wait_for_lines(&one, "queries: info: client @0x", 2).len(),
        2
    );

    let second = r#"
logging {
    channel two { file "logs/two.log" versions 2; print-severity yes; };
    category default { two; };
    category queries { null; };
};
"#;
    std::fs::create_dir(dir.path().join("logs")).expect("logs directory");
    let zones =
        format!("{second}zone \"example.test\" {{ type primary; file \"example.test.db\"; }};\n");
    write_conf_with_zones(dir.path(), "\tquerylog yes;\n", &zones);
    send_signal(server.pid(), "HUP");
    let two = dir.path().join("logs/two.log");
    assert_eq!(
        wait_for_lines(&two, "info: reloading configuration succeeded", 1).len(),
        1,
        "{}",
        server.output()
    );
    assert!(wait_for_lines(&two, "notice: running", 1)[0].starts_with("notice: "));
    let one_len = file_lines(&one).len();
    udp_exchange_within(port, &query(8, "www.example.test", A), PATIENCE).expect("answer");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        file_lines(&one).len(),
        one_len,
        "the old channel is no longer used"
    );
    assert!(
        !file_lines(&two).iter().any(|l| l.contains("query:")),
        "queries now go to null"
    );

    // A channel whose file cannot be opened fails the reload, which keeps the old logging.
    let broken = r#"
logging {
    channel bad { file "no/such/dir/x.log"; };
    category default { bad; };
};
"#;
    let zones =
        format!("{broken}zone \"example.test\" {{ type primary; file \"example.test.db\"; }};\n");
    write_conf_with_zones(dir.path(), "\tquerylog yes;\n", &zones);
    send_signal(server.pid(), "HUP");
    let failed = wait_for_lines(
        &two,
        "error: reloading configuration failed: file not found",
        1,
    );
    assert_eq!(failed.len(), 1, "{}", server.output());
    assert!(
        file_lines(&two)
            .iter()
            .any(|l| l == "error: configuring logging: file not found")
    );
    assert!(udp_exchange_within(port, &query(9, "www.example.test", A), PATIENCE).is_some());
}

#[test]
fn a_changed_include_file_is_reloaded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let zone = "$ORIGIN example.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n\
                @ IN NS ns1\nns1 IN A 127.0.0.1\n$INCLUDE www.inc\n";
    rewrite(&dir.path().join("example.test.db"), zone);
    rewrite(&dir.path().join("www.inc"), "www IN A 192.0.2.1\n");
    let conf = write_conf_with_zones(
        dir.path(),
        "",
        "zone \"example.test\" { type primary; file \"example.test.db\"; };\n",
    );
    let port = free_port();
    let server = Rivetd::start(&conf, port, &[]);
    let first = [Ipv4Addr::new(192, 0, 2, 1)];
    assert!(wait_for_a(port, "www.example.test", &first, PATIENCE));

    // Only the included file changes: the zone file keeps its size and time.
    rewrite(&dir.path().join("www.inc"), "www IN A 192.0.2.22\n");
    assert!(server.reload(), "{}", server.log());
    let second = [Ipv4Addr::new(192, 0, 2, 22)];
    assert!(
        wait_for_a(port, "www.example.test", &second, PATIENCE),
        "{}",
        server.log()
    );
    assert!(
        server
            .log()
            .contains("zone example.test/IN: loaded serial 1")
    );

    // Nothing changed: the zone is not read again.
    let loads = server.count("loaded serial");
    assert!(server.reload());
    assert_eq!(server.count("loaded serial"), loads, "{}", server.log());
}
