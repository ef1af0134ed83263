//! rivetd's statistics against BIND's: both servers carry the same zone and get the same
//! queries, `rndc stats` appends a dump to each one's `statistics-file`, and the dumps
//! are compared section by section, line by line, for the counters rivetd keeps.
//! `rivetctl --json stats` gives exact counts after a known set of queries, and `thaw` and
//! `freeze` answer as BIND answers them for a zone without dynamic updates.

mod rivetd_common;

use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rivetd_common::{A, PATIENCE, Rivetd, SOA, free_port, query, tcp_pipelined, tool, wait_until};
use tests::answers::Named;
use tests::control::{SHA256, write_rndc_conf};

/// A zone with answers, a delegation, types BIND counts as `Others`, and an RRset too
/// large for a 512-byte UDP answer.
const ZONE_FILE: &str = "$TTL 300
@ IN SOA ns1 hostmaster 1 60 30 600 60
  IN NS ns1
ns1 IN A 127.0.0.1
www IN A 192.0.2.1
caa IN CAA 0 issue \"ca.example\"
sub IN NS ns.sub
ns.sub IN A 192.0.2.53
big IN TXT \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"
big IN TXT \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"
big IN TXT \"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\"
big IN TXT \"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\"
";

/// The statistics file both configurations name.
const STATS_FILE: &str = "counters.stats";

/// The TSIG key signed queries use.
const TSIG_SECRET: &str = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0";

/// The counters of `++ Name Server Statistics ++` that rivetd keeps (rivetd(8) lists
/// the others).
const KEPT_NS_COUNTERS: &[&str] = &[
    "IPv4 requests received",
    "IPv6 requests received",
    "requests with EDNS(0) received",
    "requests with TSIG received",
    "requests with invalid signature",
    "TCP requests received",
    "auth queries rejected",
    "recursive queries rejected",
    "responses sent",
    "truncated responses sent",
    "responses with EDNS(0) sent",
    "queries resulted in successful answer",
    "queries resulted in authoritative answer",
    "queries resulted in non authoritative answer",
    "queries resulted in referral answer",
    "queries resulted in nxrrset",
    "queries resulted in SERVFAIL",
    "queries resulted in FORMERR",
    "queries resulted in NXDOMAIN",
    "other query failures",
    "requested transfers completed",
    "UDP queries received",
    "TCP queries received",
];

/// A server (BIND's `named` or rivetd) in its own scratch directory, with a control
/// channel and the rndc.conf to reach it; stopped when dropped.
struct Server {
    named: Named,
    rndc_conf: PathBuf,
    dir: tempfile::TempDir,
}

impl Server {
    /// Starts `program` with the zone and a control channel, retrying on other ports when
    /// one was taken meanwhile.
    fn start(program: &Path) -> Self {
        let mut last = String::new();
        for _ in 0..5 {
            let dir = tempfile::tempdir().expect("temp dir");
            std::fs::write(dir.path().join("example.com.db"), ZONE_FILE).expect("zone written");
            let port = free_port();
            let control = free_port();
            let conf = format!(
                "options {{\n  directory \"{}\";\n  listen-on {{ 127.0.0.1; }};\n  \
                 listen-on-v6 {{ ::1; }};\n  pid-file none;\n  recursion no;\n  \
                 dnssec-validation no;\n  zone-statistics full;\n  statistics-file \"{STATS_FILE}\";\n}};\n\
                 key \"tk\" {{ algorithm hmac-sha256; secret \"{TSIG_SECRET}\"; }};\n{}\
                 controls {{ inet 127.0.0.1 port {control} allow {{ 127.0.0.1; }} keys {{ \"{}\"; }}; }};\n\
                 zone \"example.com\" {{ type primary; file \"example.com.db\"; }};\n",
                dir.path().display(),
                SHA256.clause(),
                SHA256.name,
            );
            std::fs::write(dir.path().join("named.conf"), conf).expect("named.conf written");
            let named = match Named::start(program, dir.path(), port, "example.com") {
                Ok(named) => named,
                Err(e) => {
                    last = e;
                    continue;
                }
            };
            let rndc_conf = write_rndc_conf(dir.path(), "rndc.conf", control, &[SHA256]);
            let server = Self {
                named,
                rndc_conf,
                dir,
            };
            if wait_until(PATIENCE, || server.rndc_status("null").0 == 0) {
                return server;
            }
            last = format!("no control channel:\n{}", server.named.log_text());
        }
        panic!("{} did not start: {last}", program.display())
    }

    fn port(&self) -> u16 {
        self.named.addr.port()
    }

    /// Exit code, stdout and stderr of `rndc -c RNDC_CONF COMMAND...`.
    fn rndc_status(&self, command: &str) -> (i32, String, String) {
        let rndc = tool("rndc", "stats_vs_bind").expect("rndc");
        let out = Command::new(rndc)
            .arg("-c")
            .arg(&self.rndc_conf)
            .args(command.split_whitespace())
            .output()
            .expect("rndc runs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// The statistics file as it stands.
    fn stats(&self) -> String {
        std::fs::read_to_string(self.dir.path().join(STATS_FILE)).unwrap_or_default()
    }

    /// `rndc stats`, waiting until the file holds `n` dumps.
    fn dump(&self, n: usize) -> String {
        let (code, out, err) = self.rndc_status("stats");
        assert_eq!((code, out.as_str()), (0, ""), "{err}");
        assert!(
            wait_until(PATIENCE, || self
                .stats()
                .matches("--- Statistics Dump ---")
                .count()
                == n),
            "{}",
            self.stats()
        );
        self.stats()
    }

    /// The serial the server gives for the zone's SOA over UDP.
    fn serial(&self) -> Option<u32> {
        let reply = rivetd_common::udp_exchange(self.port(), &query(7, "example.com", SOA));
        rivetd_common::decode(&reply).soa_serial()
    }
}

/// `query` with RD set.
fn recursive(id: u16, name: &str, qtype: u16) -> Vec<u8> {
    let mut q = query(id, name, qtype);
    q[2] |= 0x01;
    q
}

/// `query` with an OPT record (buffer 1232).
fn with_edns(id: u16, name: &str, qtype: u16) -> Vec<u8> {
    let mut q = query(id, name, qtype);
    q[11] = 1;
    q.extend([0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0]);
    q
}

/// Sends `msg` to [::1]:`port` over UDP and waits for the reply.
fn udp6_exchange(port: u16, msg: &[u8]) -> Vec<u8> {
    let socket = UdpSocket::bind("[::1]:0").expect("IPv6 loopback socket");
    socket
        .set_read_timeout(Some(Duration::from_secs(3)))
        .expect("timeout set");
    socket
        .send_to(msg, SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port)))
        .expect("sent");
    let mut buf = vec![0; 65535];
    let (len, _) = socket.recv_from(&mut buf).expect("a reply within 3 s");
    buf.truncate(len);
    buf
}

/// `dig` asking `www.example.com` A signed with key `tk` and `secret`, over UDP.
fn signed_query(port: u16, secret: &str) {
    let dig = tool("dig", "stats_vs_bind").expect("dig");
    let out = Command::new(dig)
        .args(["+tries=1", "+time=3", "+norecurse", "-p", &port.to_string()])
        .args(["@127.0.0.1", "-y", &format!("hmac-sha256:tk:{secret}")])
        .args(["www.example.com", "A"])
        .output()
        .expect("dig runs");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("->>HEADER<<-"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The same fixed mix of queries to a server on `port`: answers, NXDOMAIN, NODATA, a
/// referral, queries outside its zones with and without RD, EDNS, types BIND counts as
/// `Others`, a truncated answer, IPv6, TCP, TSIG signed well and badly, and an AXFR.
fn query_mix(port: u16) {
    let udp = |msg: Vec<u8>| {
        rivetd_common::udp_exchange(port, &msg);
    };
    for id in 0..37 {
        udp(query(id, "www.example.com", A));
    }
    for id in 100..105 {
        udp(query(id, "nx.example.com", A));
    }
    for id in 110..112 {
        udp(query(id, "www.example.com", 15));
    }
    for id in 120..122 {
        udp(query(id, "host.sub.example.com", A));
    }
    udp(recursive(130, "other.org", A));
    udp(query(131, "other.org", A));
    for id in 140..143 {
        udp(with_edns(id, "example.com", SOA));
    }
    udp(query(150, "caa.example.com", 257));
    udp(query(151, "www.example.com", 65280));
    udp(query(152, "www.example.com", 99));
    udp(query(160, "big.example.com", 16));
    udp6_exchange(port, &query(170, "www.example.com", 28));
    tcp_pipelined(
        port,
        &[
            query(180, "www.example.com", A),
            query(181, "www.example.com", A),
            query(182, "nx.example.com", A),
        ],
    );
    signed_query(port, TSIG_SECRET);
    signed_query(port, "d3JvbmdrZXl3cm9uZ2tleXdyb25na2V5");
    let transfer = rivetd_common::tcp_transfer(port, &query(190, "example.com", 252));
    assert!(transfer.len() == 1 && transfer[0].answer.len() > 2);
}

/// The `(description, value)` lines of `++ SECTION ++` in dump `n` (from 0), in order.
fn section(text: &str, n: usize, name: &str) -> Vec<(String, u64)> {
    let dump = text
        .split("+++ Statistics Dump +++")
        .nth(n + 1)
        .unwrap_or_default();
    dump.lines()
        .skip_while(|l| *l != format!("++ {name} ++"))
        .skip(1)
        .take_while(|l| !l.starts_with("++") && !l.starts_with("--"))
        .filter_map(|l| {
            let (value, description) = l.trim_start().split_once(' ')?;
            Some((description.to_owned(), value.parse().ok()?))
        })
        .collect()
}

/// What each counter of a section that `keep` accepts grew by between dumps 0 and 1, in
/// the order of dump 1; counters that did not grow are left out.
fn growth(text: &str, name: &str, keep: &dyn Fn(&str) -> bool) -> Vec<(String, u64)> {
    let before = section(text, 0, name);
    section(text, 1, name)
        .into_iter()
        .filter(|(d, _)| keep(d))
        .map(|(d, v)| {
            let was = before.iter().find(|(b, _)| *b == d).map_or(0, |(_, v)| *v);
            (d, v - was)
        })
        .filter(|(_, v)| *v > 0)
        .collect()
}

#[test]
fn named_stats_grow_as_bind_s_for_the_same_queries() {
    let Some(named) = tests::bind::require("named", "named_stats_grow_as_bind_s") else {
        return;
    };
    if tool("rndc", "named_stats_grow_as_bind_s").is_none()
        || tool("dig", "named_stats_grow_as_bind_s").is_none()
    {
        return;
    }
    let bind = Server::start(&named);
    let ours = Server::start(&rivetd_common::rivetd_bin());
    // The first dump is the baseline: each server has answered its readiness probes.
    bind.dump(1);
    ours.dump(1);
    let first = ours.stats();
    query_mix(bind.port());
    query_mix(ours.port());
    let theirs = bind.dump(2);
    let mine = ours.dump(2);
    // Appended, as BIND appends: the first dump is still there, unchanged.
    assert!(mine.starts_with(&first), "{mine}");
    let header = mine.lines().next().unwrap_or_default();
    let footer = mine.lines().next_back().unwrap_or_default();
    assert!(header.starts_with("+++ Statistics Dump +++ ("), "{mine}");
    // The footer repeats the last header's time.
    assert_eq!(
        footer.replace("---", "+++"),
        mine.lines()
            .rfind(|l| l.starts_with("+++"))
            .unwrap_or_default(),
        "{mine}"
    );
    let all = |_: &str| true;
    for name in ["Incoming Requests", "Incoming Queries", "Outgoing Rcodes"] {
        let expected = growth(&theirs, name, &all);
        assert!(!expected.is_empty(), "BIND's {name} is empty:\n{theirs}");
        assert_eq!(
            growth(&mine, name, &all),
            expected,
            "{name}\nours:\n{mine}\nBIND's:\n{theirs}"
        );
    }
    let kept = |d: &str| KEPT_NS_COUNTERS.contains(&d);
    let expected = growth(&theirs, "Name Server Statistics", &kept);
    assert!(expected.len() > 15, "{theirs}");
    assert_eq!(
        growth(&mine, "Name Server Statistics", &kept),
        expected,
        "ours:\n{mine}\nBIND's:\n{theirs}"
    );
    // `zone-statistics full`: the zone's own counters (one zone, so its header alone
    // cannot tell the counters apart from another zone's).
    let expected = growth(&theirs, "Per Zone Query Statistics", &kept);
    assert!(!expected.is_empty(), "{theirs}");
    assert_eq!(
        growth(&mine, "Per Zone Query Statistics", &kept),
        expected,
        "ours:\n{mine}\nBIND's:\n{theirs}"
    );
    // Each counter line is `%20u description`.
    for l in mine.lines().filter(|l| !l.starts_with(['+', '-', '['])) {
        let (value, description) = l.split_at(20);
        assert!(
            value.trim_start().parse::<u64>().is_ok() && description.starts_with(' '),
            "{l:?}"
        );
    }

    // BIND's control channel writes its file and gives no numbers back.
    let rivetctl = tests::cargo_bin::build("ctl", "rivetctl");
    for args in [["--json", "stats"], ["stats", "--json"]] {
        let out = Command::new(&rivetctl)
            .arg("-c")
            .arg(&bind.rndc_conf)
            .args(args)
            .output()
            .expect("rivetctl runs");
        assert_eq!((out.status.code(), out.stdout.len()), (Some(1), 0));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("does not give its statistics as JSON"),
            "{args:?}: {err}"
        );
    }
}

/// `rivetctl -c CONF ARGS` (`--json stats` or `stats --json`), parsed.
fn json_stats(rivetctl: &Path, conf: &Path, args: [&str; 2]) -> serde_json::Value {
    let out = Command::new(rivetctl)
        .arg("-c")
        .arg(conf)
        .args(args)
        .output()
        .expect("rivetctl runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn rivetctl_json_stats_count_each_query_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("example.com.db"), ZONE_FILE).expect("zone written");
    let control = free_port();
    let conf = rivetd_common::write_conf(
        dir.path(),
        &[("example.com", "example.com.db")],
        "\tzone-statistics full;\n",
    );
    let text = std::fs::read_to_string(&conf)
        .expect("named.conf")
        .replace(
            "controls { };",
            &format!(
                "{}controls {{ inet 127.0.0.1 port {control} allow {{ 127.0.0.1; }} keys {{ \"{}\"; }}; }};",
                SHA256.clause(),
                SHA256.name
            ),
        );
    std::fs::write(&conf, text).expect("named.conf written");
    let rndc_conf = write_rndc_conf(dir.path(), "rndc.conf", control, &[SHA256]);
    let rivetd = Rivetd::start(&conf, free_port(), &[]);
    assert!(
        rivetd.wait_for_log("command channel listening on 127.0.0.1#", 1, PATIENCE),
        "{}",
        rivetd.log()
    );
    let rivetctl = tests::cargo_bin::build("ctl", "rivetctl");
    let before = json_stats(&rivetctl, &rndc_conf, ["--json", "stats"]);
    for id in 0..37 {
        rivetd_common::udp_exchange(rivetd.port, &query(id, "www.example.com", A));
    }
    for id in 100..105 {
        rivetd_common::udp_exchange(rivetd.port, &query(id, "nx.example.com", A));
    }
    tcp_pipelined(
        rivetd.port,
        &[
            query(200, "www.example.com", A),
            query(201, "www.example.com", A),
            query(202, "nx.example.com", A),
        ],
    );
    let after = json_stats(&rivetctl, &rndc_conf, ["stats", "--json"]);
    let grew = |path: &[&str]| {
        let get = |v: &serde_json::Value| {
            path.iter()
                .fold(v, |v, k| &v[*k])
                .as_u64()
                .unwrap_or_else(|| panic!("{path:?} missing: {after}"))
        };
        let was = path
            .iter()
            .fold(&before, |v, k| &v[*k])
            .as_u64()
            .unwrap_or(0);
        get(&after) - was
    };
    assert_eq!(grew(&["opcodes", "QUERY"]), 45);
    assert_eq!(grew(&["qtypes", "A"]), 45);
    assert_eq!(grew(&["rcodes", "NOERROR"]), 39);
    assert_eq!(grew(&["rcodes", "NXDOMAIN"]), 6);
    for (key, n) in [
        ("requestv4", 45),
        ("request_tcp", 3),
        ("responses", 45),
        ("success", 39),
        ("authoritative", 45),
        ("nxdomain", 6),
        ("nxrrset", 0),
        ("referral", 0),
        ("udp_queries", 42),
        ("tcp_queries", 3),
        ("edns0_in", 0),
        ("truncated", 0),
    ] {
        assert_eq!(grew(&["nsstats", key]), n, "{key}: {after}");
    }
    assert_eq!(grew(&["zones", "example.com", "success"]), 39);
    assert_eq!(grew(&["zones", "example.com", "nxdomain"]), 6);
    // The first `stats -json` was one more control command.
    assert_eq!(grew(&["control", "commands"]), 1);
}

#[test]
fn thaw_and_freeze_answer_as_bind_for_a_static_zone() {
    let Some(named) = tests::bind::require("named", "thaw_and_freeze_answer_as_bind") else {
        return;
    };
    if tool("rndc", "thaw_and_freeze_answer_as_bind").is_none() {
        return;
    }
    let bind = Server::start(&named);
    let ours = Server::start(&rivetd_common::rivetd_bin());
    // The file changes under the running servers.
    std::thread::sleep(Duration::from_millis(20));
    for server in [&bind, &ours] {
        rivetd_common::rewrite(
            &server.dir.path().join("example.com.db"),
            &ZONE_FILE.replace("hostmaster 1 ", "hostmaster 2 "),
        );
    }
    for command in [
        "thaw example.com",
        "thaw",
        "thaw nosuch.example",
        "freeze example.com",
        "freeze",
        "thaw example.com",
    ] {
        let theirs = bind.rndc_status(command);
        let mine = ours.rndc_status(command);
        assert_eq!(mine, theirs, "{command}");
    }
    // A zone that takes no updates is never frozen: thawing it does not read its file.
    assert_eq!(bind.serial(), Some(1));
    assert_eq!(ours.serial(), Some(1));
    assert!(
        ours.named
            .log_text()
            .contains("thawing zone 'example.com/IN': success"),
        "{}",
        ours.named.log_text()
    );
    // `reload` does.
    for server in [&bind, &ours] {
        let (code, out, err) = server.rndc_status("reload example.com");
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("zone reload"), "{out}");
        assert!(wait_until(PATIENCE, || server.serial() == Some(2)));
    }
}
