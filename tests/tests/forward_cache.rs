//! Forwarding with a cache, against a real upstream: BIND's `named`, authoritative for
//! `test`, with its query log on so that the queries rivetd sends upstream can be
//! counted. rivetd forwards to it; answers come from the cache until they expire or are
//! flushed (with `rivetctl` and with BIND's own `rndc`); a differential check compares
//! rivetd with BIND configured as the same forwarder.

mod rivetd_common;

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rivetd_common::{A, decode, free_port, query, tool};
use tests::answers::Named;
use tests::control::{SHA256, write_rndc_conf};

/// AAAA.
const AAAA: u16 = 28;
/// MX.
const MX: u16 = 15;

/// The upstream zone; SOA MINIMUM 2 s so that negative answers expire quickly.
fn zone(serial: u32, last: u8) -> String {
    format!(
        "$TTL 300\n@ IN SOA ns root {serial} 60 30 600 2\n@ IN NS ns\nns IN A 127.0.0.1\n\
         www IN A 192.0.2.{last}\nmail IN A 192.0.2.{last}\nother IN A 192.0.2.{last}\n\
         a.sub IN A 192.0.2.{last}\nb.sub IN A 192.0.2.{last}\nalias IN CNAME www\n\
         mx IN MX 10 mail\ntxt IN TXT \"some text\"\n"
    )
}

/// BIND authoritative for `test`, logging queries, with its own control channel.
struct Upstream {
    named: Named,
    dir: tempfile::TempDir,
    rndc_conf: PathBuf,
}

impl Upstream {
    fn start(named: &Path) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("test.db"), zone(1, 1)).expect("zone written");
        let control = free_port();
        let conf = format!(
            "options {{ directory \"{}\"; listen-on {{ 127.0.0.1; }}; listen-on-v6 {{ none; }};\n\
             pid-file none; session-keyfile none; recursion no; dnssec-validation no; querylog yes; }};\n\
             {}controls {{ inet 127.0.0.1 port {control} allow {{ 127.0.0.1; }} keys {{ \"{}\"; }}; }};\n\
             zone \"test\" {{ type primary; file \"test.db\"; }};\n",
            dir.path().display(),
            SHA256.clause(),
            SHA256.name
        );
        std::fs::write(dir.path().join("named.conf"), conf).expect("named.conf written");
        let named = Named::start(named, dir.path(), free_port(), "test").expect("upstream named");
        let rndc_conf = write_rndc_conf(dir.path(), "rndc.conf", control, &[SHA256]);
        Self {
            named,
            dir,
            rndc_conf,
        }
    }

    fn port(&self) -> u16 {
        self.named.addr.port()
    }

    /// Queries the upstream received for `name` `qtype` (from its query log).
    fn count(&self, name: &str, qtype: &str) -> usize {
        let needle = format!("query: {name} IN {qtype} ");
        self.named.log_text().matches(&needle).count()
    }

    /// New data (serial 2, addresses ending in .2), loaded with `rndc reload`.
    fn change(&self, rndc: &Path) {
        std::fs::write(self.dir.path().join("test.db"), zone(2, 2)).expect("zone rewritten");
        let out = Command::new(rndc)
            .arg("-c")
            .arg(&self.rndc_conf)
            .args(["reload", "test"])
            .output()
            .expect("rndc runs");
        assert!(out.status.success(), "rndc reload: {out:?}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let reply = decode(&exchange(self.port(), &query(9, "test", 6), 0));
            if reply.soa_serial() == Some(2) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("upstream did not load serial 2");
    }
}

/// A forwarder (rivetd or named) of the upstream, with a control channel.
struct Forwarder {
    server: Named,
    rndc_conf: PathBuf,
    _dir: tempfile::TempDir,
}

impl Forwarder {
    /// `program` forwarding everything to `upstream` (`forward only`), with `extra` in
    /// its options, and a zone `local` of its own.
    fn start(program: &Path, upstream: u16, extra: &str) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("local.db"),
            "$TTL 60\n@ IN SOA ns root 1 60 30 600 60\n@ IN NS ns\nns IN A 127.0.0.1\n",
        )
        .expect("zone written");
        let control = free_port();
        let conf = format!(
            "options {{ directory \"{}\"; listen-on {{ 127.0.0.1; }}; listen-on-v6 {{ none; }};\n\
             pid-file none; session-keyfile none; dnssec-validation no;\n\
             forwarders {{ 127.0.0.1 port {upstream}; }}; forward only; {extra} }};\n\
             {}controls {{ inet 127.0.0.1 port {control} allow {{ 127.0.0.1; }} keys {{ \"{}\"; }}; }};\n\
             zone \"local\" {{ type primary; file \"local.db\"; }};\n",
            dir.path().display(),
            SHA256.clause(),
            SHA256.name
        );
        std::fs::write(dir.path().join("named.conf"), conf).expect("named.conf written");
        let server = Named::start(program, dir.path(), free_port(), "local").expect("forwarder");
        let rndc_conf = write_rndc_conf(dir.path(), "rndc.conf", control, &[SHA256]);
        Self {
            server,
            rndc_conf,
            _dir: dir,
        }
    }

    fn port(&self) -> u16 {
        self.server.addr.port()
    }

    /// Runs a control command with `program` (rndc or rivetctl); panics when it fails.
    fn control(&self, program: &Path, args: &[&str]) {
        let out = Command::new(program)
            .arg("-c")
            .arg(&self.rndc_conf)
            .args(args)
            .output()
            .expect("control client runs");
        assert!(out.status.success(), "{args:?}: {out:?}");
    }
}

/// Sends `msg` with `flags` or'ed into its header over UDP; the reply.
fn exchange(port: u16, msg: &[u8], flags: u16) -> Vec<u8> {
    exchange_within(port, msg, flags, Duration::from_secs(8)).expect("a reply")
}

fn exchange_within(port: u16, msg: &[u8], flags: u16, wait: Duration) -> Option<Vec<u8>> {
    let mut msg = msg.to_vec();
    let word = u16::from_be_bytes([msg[2], msg[3]]) | flags;
    msg[2..4].copy_from_slice(&word.to_be_bytes());
    let socket = UdpSocket::bind("127.0.0.1:0").expect("client socket");
    socket.set_read_timeout(Some(wait)).expect("timeout set");
    socket.send_to(&msg, ("127.0.0.1", port)).expect("sent");
    let mut buf = vec![0u8; 65535];
    let (len, _) = socket.recv_from(&mut buf).ok()?;
    buf.truncate(len);
    Some(buf)
}

/// RD.
const RD: u16 = 0x0100;
/// RA.
const RA: u16 = 0x0080;

/// A recursive query's reply from `port`.
fn ask(port: u16, name: &str, qtype: u16) -> rivetd_common::Reply {
    decode(&exchange(port, &query(rand_id(), name, qtype), RD))
}

fn rand_id() -> u16 {
    (std::process::id() as u16).wrapping_mul(31).wrapping_add(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos() as u16),
    )
}

fn a_of(port: u16, name: &str) -> Vec<std::net::Ipv4Addr> {
    ask(port, name, A).a_records()
}

struct Tools {
    named: PathBuf,
    rivetd: PathBuf,
}

fn tools(test: &str) -> Option<Tools> {
    let named = tests::bind::require("named", test)?;
    Some(Tools {
        named,
        rivetd: rivetd_common::rivetd_bin(),
    })
}

#[test]
fn a_second_query_is_answered_from_the_cache_with_a_lower_ttl() {
    let Some(t) = tools("a_second_query_is_answered_from_the_cache_with_a_lower_ttl") else {
        return;
    };
    let upstream = Upstream::start(&t.named);
    let rivetd = Forwarder::start(&t.rivetd, upstream.port(), "");
    let first = ask(rivetd.port(), "www.test", A);
    assert_eq!(first.rcode(), 0);
    assert!(
        !first.aa() && first.flags & RA != 0,
        "flags {:04x}",
        first.flags
    );
    assert_eq!(
        first.a_records(),
        ["192.0.2.1".parse::<std::net::Ipv4Addr>().expect("ip")]
    );
    assert_eq!(upstream.count("www.test", "A"), 1);
    std::thread::sleep(Duration::from_millis(2100));
    let second = ask(rivetd.port(), "WWW.Test", A);
    assert_eq!(second.a_records(), first.a_records());
    assert!(
        second.answer[0].ttl <= first.answer[0].ttl - 2,
        "{second:?}"
    );
    assert_eq!(
        upstream.count("www.test", "A"),
        1,
        "answered from the cache"
    );

    // A CNAME chain is cached whole, and its target answers on its own.
    let chain = ask(rivetd.port(), "alias.test", A);
    assert_eq!(chain.answer.len(), 2, "{chain:?}");
    assert_eq!(chain.answer[0].rtype, 5);
    let again = ask(rivetd.port(), "alias.test", A);
    assert_eq!(again.answer.len(), 2);
    assert_eq!(upstream.count("alias.test", "A"), 1);

    // Authoritative answers from rivetd's own zone carry AA and RA.
    let own = ask(rivetd.port(), "ns.local", A);
    assert!(own.aa() && own.flags & RA != 0);
}

#[test]
fn negative_answers_are_cached_and_expire_with_the_soa_minimum() {
    let Some(t) = tools("negative_answers_are_cached_and_expire_with_the_soa_minimum") else {
        return;
    };
    let upstream = Upstream::start(&t.named);
    let rivetd = Forwarder::start(&t.rivetd, upstream.port(), "");
    for (name, qtype, rcode, text) in [("nx.test", A, 3, "A"), ("www.test", AAAA, 0, "AAAA")] {
        let first = ask(rivetd.port(), name, qtype);
        assert_eq!(first.rcode(), rcode);
        assert!(first.answer.is_empty());
        assert_eq!(first.authority.len(), 1);
        assert_eq!(first.authority[0].rtype, 6, "the SOA");
        assert!(first.authority[0].ttl <= 2);
        let cached = ask(rivetd.port(), name, qtype);
        assert_eq!(cached.rcode(), rcode);
        assert_eq!(upstream.count(name, text), 1, "{name} cached");
        std::thread::sleep(Duration::from_millis(3100));
        let expired = ask(rivetd.port(), name, qtype);
        assert_eq!(expired.rcode(), rcode);
        assert_eq!(upstream.count(name, text), 2, "{name} expired after 2 s");
    }
}

#[test]
fn flushname_flushtree_and_flush_evict_what_they_name() {
    let Some(t) = tools("flushname_flushtree_and_flush_evict_what_they_name") else {
        return;
    };
    let Some(rndc) = tool("rndc", "flushname_flushtree_and_flush_evict_what_they_name") else {
        return;
    };
    let rivetctl = tests::cargo_bin::build("ctl", "rivetctl");
    let upstream = Upstream::start(&t.named);
    let rivetd = Forwarder::start(&t.rivetd, upstream.port(), "");
    let port = rivetd.port();
    let old: Vec<std::net::Ipv4Addr> = vec!["192.0.2.1".parse().expect("ip")];
    let new: Vec<std::net::Ipv4Addr> = vec!["192.0.2.2".parse().expect("ip")];
    let names = [
        "www.test",
        "mail.test",
        "other.test",
        "a.sub.test",
        "b.sub.test",
    ];
    for name in names {
        assert_eq!(a_of(port, name), old, "{name}");
    }
    upstream.change(&rndc);
    for name in names {
        assert_eq!(a_of(port, name), old, "{name} still cached");
    }
    rivetd.control(&rivetctl, &["flushname", "www.test"]);
    assert_eq!(a_of(port, "www.test"), new);
    assert_eq!(a_of(port, "mail.test"), old);
    rivetd.control(&rndc, &["flushname", "mail.test"]);
    assert_eq!(a_of(port, "mail.test"), new);
    assert_eq!(a_of(port, "a.sub.test"), old);
    rivetd.control(&rndc, &["flushtree", "sub.test"]);
    assert_eq!(a_of(port, "a.sub.test"), new);
    assert_eq!(a_of(port, "b.sub.test"), new);
    assert_eq!(a_of(port, "other.test"), old, "outside the tree");
    rivetd.control(&rivetctl, &["flush"]);
    assert_eq!(a_of(port, "other.test"), new);
    assert_eq!(upstream.count("other.test", "A"), 2);

    // dumpdb writes the cache in BIND's layout.
    rivetd.control(&rivetctl, &["dumpdb", "-cache"]);
    let dump = std::fs::read_to_string(rivetd._dir.path().join("named_dump.db")).expect("dump");
    assert!(
        dump.contains("; Cache dump of view '_default' (cache _default)"),
        "{dump}"
    );
    assert!(dump.contains("other.test.\t\t"), "{dump}");
    assert!(dump.ends_with("; Dump complete\n"));
}

#[test]
fn denied_clients_are_refused_and_dead_forwarders_give_servfail() {
    let Some(t) = tools("denied_clients_are_refused_and_dead_forwarders_give_servfail") else {
        return;
    };
    let upstream = Upstream::start(&t.named);
    for program in [&t.rivetd, &t.named] {
        let denied = Forwarder::start(program, upstream.port(), "allow-recursion { 10.0.0.1; };");
        let mut msg = query(7, "www.test", A);
        // EDNS, so that the extended error can show.
        msg[11] = 1;
        msg.extend_from_slice(&[0, 0, 41, 4, 208, 0, 0, 0, 0, 0, 0]);
        let raw = exchange(denied.port(), &msg, RD);
        let reply = decode(&raw);
        assert_eq!(reply.rcode(), 5, "{}", program.display());
        assert_eq!(reply.flags & RA, 0);
        assert!(
            raw.windows(6).any(|w| w == [0, 15, 0, 2, 0, 18]),
            "EDE 18 from {}",
            program.display()
        );
    }
    // A forwarder nobody listens on.
    let dead = free_port();
    let rivetd = Forwarder::start(&t.rivetd, dead, "");
    let started = Instant::now();
    let reply = ask(rivetd.port(), "www.test", A);
    assert_eq!(reply.rcode(), 2);
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
}

/// Flags, rcode and sections (TTLs aside) of a reply.
fn shape(raw: &[u8]) -> (u16, Vec<String>, Vec<String>) {
    let msg = hickory_proto::op::Message::from_vec(raw).expect("decodes");
    let flags = u16::from_be_bytes([raw[2], raw[3]]);
    let records = |rs: &[hickory_proto::rr::Record]| -> Vec<String> {
        rs.iter()
            .map(|r| format!("{} {} {}", r.name.to_lowercase(), r.record_type(), r.data))
            .collect()
    };
    (flags, records(&msg.answers), records(&msg.authorities))
}

#[test]
fn answers_match_bind_as_the_same_forwarder() {
    let Some(t) = tools("answers_match_bind_as_the_same_forwarder") else {
        return;
    };
    let upstream = Upstream::start(&t.named);
    let rivetd = Forwarder::start(&t.rivetd, upstream.port(), "");
    let bind = Forwarder::start(&t.named, upstream.port(), "");
    let probes: &[(&str, u16)] = &[
        ("www.test", A),
        ("alias.test", A),
        ("mx.test", MX),
        ("txt.test", 16),
        ("nx.test", A),
        ("www.test", AAAA),
        ("ns.local", A),
        ("nx.local", A),
    ];
    let mut differences = Vec::new();
    for round in 0..2 {
        for &(name, qtype) in probes {
            let q = query(100 + qtype, name, qtype);
            let ours = shape(&exchange(rivetd.port(), &q, RD));
            let theirs = shape(&exchange(bind.port(), &q, RD));
            if ours != theirs {
                differences.push(format!(
                    "round {round} {name}/{qtype}: {ours:?} vs {theirs:?}"
                ));
            }
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
