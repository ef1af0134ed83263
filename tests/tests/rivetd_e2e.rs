//! rivetd end to end: started on a loopback port with a scratch configuration, queried over
//! UDP and TCP (by a client of our own and by dig), reloaded with SIGHUP, stopped with
//! SIGTERM.

mod rivetd_common;

use std::net::Ipv4Addr;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use rivetd_common::{
    A, PATIENCE, Rivetd, SOA, ask, decode, free_port, query, rewrite, tcp_pipelined, tool,
    wait_for_a, write_conf, zone_text,
};

const NOERROR: u16 = 0;
const SERVFAIL: u16 = 2;
const REFUSED: u16 = 5;

fn ip(last: u8) -> Ipv4Addr {
    Ipv4Addr::new(192, 0, 2, last)
}

/// A scratch directory with `example.test` (serial 1, www = 192.0.2.1) and its named.conf.
fn one_zone(extra: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    rewrite(
        &dir.path().join("example.test.db"),
        &zone_text("example.test", 1, ip(1)),
    );
    let conf = write_conf(dir.path(), &[("example.test", "example.test.db")], extra);
    (dir, conf)
}

fn dig(port: u16, args: &[&str]) -> Option<String> {
    let dig = tool("dig", "rivetd_e2e")?;
    let out = Command::new(dig)
        .arg("@127.0.0.1")
        .arg("-p")
        .arg(port.to_string())
        .args(["+time=3", "+tries=1"])
        .args(args)
        .output()
        .expect("dig runs");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn answers_authoritatively_over_udp_and_tcp_and_refuses_other_names() {
    let (_dir, conf) = one_zone("");
    let port = free_port();
    let server = Rivetd::start(&conf, port, &[]);

    let soa = ask(port, "example.test", SOA);
    assert!(soa.qr() && soa.aa(), "{soa:?}");
    assert_eq!(soa.rcode(), NOERROR);
    assert_eq!(soa.soa_serial(), Some(1));
    let www = ask(port, "www.example.test", A);
    assert!(www.aa());
    assert_eq!(www.a_records(), [ip(1)]);
    let outside = ask(port, "www.example.org", A);
    assert_eq!(outside.rcode(), REFUSED);
    assert!(!outside.aa());

    let replies = tcp_pipelined(
        port,
        &[
            query(1, "example.test", SOA),
            query(2, "www.example.test", A),
        ],
    );
    let (first, second) = (decode(&replies[0]), decode(&replies[1]));
    assert_eq!((first.id, second.id), (1, 2));
    assert!(first.aa() && second.aa());
    assert_eq!(first.soa_serial(), Some(1));
    assert_eq!(second.a_records(), [ip(1)]);

    if let Some(short) = dig(port, &["www.example.test", "A", "+short"]) {
        assert_eq!(short.trim(), "192.0.2.1");
        let tcp = dig(port, &["example.test", "SOA", "+tcp", "+norec"]).expect("dig found");
        assert!(tcp.contains("status: NOERROR"), "{tcp}");
        assert!(tcp.contains("flags: qr aa;"), "{tcp}");
    }
    let log = server.log();
    assert!(
        log.contains(&format!("listening on IPv4 interface lo, 127.0.0.1#{port}")),
        "{log}"
    );
    assert!(
        log.contains("zone example.test/IN: loaded serial 1"),
        "{log}"
    );
    assert!(server.stop().success());
}

#[test]
fn a_zone_that_fails_to_load_answers_servfail_and_the_others_serve() {
    let dir = tempfile::tempdir().expect("temp dir");
    rewrite(
        &dir.path().join("good.db"),
        &zone_text("good.test", 5, ip(5)),
    );
    rewrite(
        &dir.path().join("bad.db"),
        &format!("{}oops line here\n", zone_text("bad.test", 1, ip(1))),
    );
    let conf = write_conf(
        dir.path(),
        &[("good.test", "good.db"), ("bad.test", "bad.db")],
        "",
    );
    let port = free_port();
    let server = Rivetd::start(&conf, port, &[]);
    let log = server.log();
    assert!(
        log.contains("zone bad.test/IN: loading from master file")
            && log.contains("bad.db failed: unknown class/type"),
        "{log}"
    );
    assert!(
        log.contains("zone bad.test/IN: not loaded due to errors."),
        "{log}"
    );
    assert!(log.contains("zone good.test/IN: loaded serial 5"), "{log}");
    assert_eq!(ask(port, "www.bad.test", A).rcode(), SERVFAIL);
    assert_eq!(ask(port, "www.good.test", A).a_records(), [ip(5)]);
    assert!(server.stop().success());
}

#[test]
fn sighup_reloads_what_changed_and_keeps_what_breaks() {
    let (dir, conf) = one_zone("");
    let dir = dir.path();
    let zone = dir.join("example.test.db");
    let port = free_port();
    let server = Rivetd::start(&conf, port, &[]);
    let wait = Duration::from_secs(5);

    // A changed file is read again.
    rewrite(&zone, &zone_text("example.test", 2, ip(2)));
    assert!(server.reload(), "{}", server.log());
    assert!(wait_for_a(port, "www.example.test", &[ip(2)], wait));
    assert_eq!(server.count("zone example.test/IN: loaded serial 2"), 1);

    // An unchanged file is not.
    assert!(server.reload());
    assert_eq!(server.count("zone example.test/IN: loaded serial"), 2);

    // A broken file keeps the old data serving.
    rewrite(
        &zone,
        &format!("{}junk line here\n", zone_text("example.test", 3, ip(3))),
    );
    assert!(server.reload());
    assert!(server.wait_for_log(
        "zone example.test/IN: not loaded due to errors.",
        1,
        PATIENCE
    ));
    assert_eq!(ask(port, "www.example.test", A).a_records(), [ip(2)]);
    assert_eq!(ask(port, "example.test", SOA).soa_serial(), Some(2));

    // Repaired, it loads; a serial that did not rise is complained about, as BIND does.
    rewrite(&zone, &zone_text("example.test", 2, ip(4)));
    assert!(server.reload());
    assert!(wait_for_a(port, "www.example.test", &[ip(4)], wait));
    assert_eq!(
        server.count("zone example.test/IN: zone serial (2) unchanged. zone may fail to transfer to secondaries."),
        1,
        "{}",
        server.log()
    );
    rewrite(&zone, &zone_text("example.test", 1, ip(5)));
    assert!(server.reload());
    assert!(wait_for_a(port, "www.example.test", &[ip(5)], wait));
    assert_eq!(
        server.count("zone example.test/IN: zone serial (1/2) has gone backwards"),
        1
    );

    // A new zone appears, a removed one goes.
    rewrite(&dir.join("new.db"), &zone_text("new.test", 7, ip(7)));
    write_conf(
        dir,
        &[("example.test", "example.test.db"), ("new.test", "new.db")],
        "",
    );
    assert!(server.reload());
    assert_eq!(ask(port, "www.new.test", A).a_records(), [ip(7)]);
    assert_eq!(server.count("zone example.test/IN: loaded serial"), 4);
    write_conf(dir, &[("new.test", "new.db")], "");
    assert!(server.reload());
    assert_eq!(ask(port, "www.example.test", A).rcode(), REFUSED);
    assert_eq!(ask(port, "www.new.test", A).a_records(), [ip(7)]);

    // A broken configuration changes nothing.
    std::fs::write(dir.join("named.conf"), "options { directory ").expect("written");
    assert!(!server.reload(), "{}", server.log());
    assert_eq!(ask(port, "www.new.test", A).a_records(), [ip(7)]);
    assert!(server.stop().success());
}

#[test]
fn the_pid_file_is_written_and_removed() {
    let (dir, conf) = one_zone("\tpid-file \"run/rivetd.pid\";\n");
    let pid_file = dir.path().join("run/rivetd.pid");
    let port = free_port();
    let server = Rivetd::start(&conf, port, &[]);
    let text = std::fs::read_to_string(&pid_file).expect("pid file written");
    assert_eq!(text.trim(), server.pid().to_string());
    assert!(server.stop().success());
    assert!(!pid_file.exists(), "pid file left behind");
}

#[test]
fn without_f_or_g_it_runs_in_the_background() {
    let (dir, conf) = one_zone("\tpid-file \"rivetd.pid\";\n");
    let pid_file = dir.path().join("rivetd.pid");
    let port = free_port();
    let status = Command::new(rivetd_common::rivetd_bin())
        .arg("-c")
        .arg(&conf)
        .arg("-p")
        .arg(port.to_string())
        .status()
        .expect("rivetd runs");
    assert!(
        status.success(),
        "the parent reports a failed start: {status}"
    );
    let pid = std::fs::read_to_string(&pid_file).expect("the daemon wrote its pid");
    let pid: u32 = pid.trim().parse().expect("a pid");
    let daemon = Stopper(pid);
    assert_eq!(ask(port, "www.example.test", A).a_records(), [ip(1)]);
    drop(daemon);
    let start = Instant::now();
    while pid_file.exists() {
        assert!(start.elapsed() < PATIENCE, "the daemon did not stop");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends SIGTERM to a daemon when dropped, also when an assertion fails first.
struct Stopper(u32);

impl Drop for Stopper {
    fn drop(&mut self) {
        rivetd_common::send_signal(self.0, "TERM");
    }
}

#[test]
fn a_bad_configuration_stops_start_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let conf = dir.path().join("named.conf");
    std::fs::write(&conf, "options { listen-on { 127.0.0.1; } };\n").expect("written");
    let mut server = Rivetd::spawn(&conf, free_port(), &[]);
    let status = server.wait_exit();
    assert_eq!(status.code(), Some(1), "{}", server.log());
    let log = server.log();
    assert!(log.contains("loading configuration:"), "{log}");
    assert!(log.contains("exiting (due to fatal error)"), "{log}");
}

#[test]
fn a_port_in_use_stops_start_up() {
    let (_dir, conf) = one_zone("");
    // The kernel's choice is certainly taken, and stays so while `_taken` lives.
    let _taken = std::net::UdpSocket::bind(("127.0.0.1", 0)).expect("a loopback UDP socket");
    let port = _taken.local_addr().expect("its address").port();
    let mut server = Rivetd::spawn(&conf, port, &[]);
    let status = server.wait_exit();
    assert_eq!(status.code(), Some(1), "{}", server.log());
    assert!(
        server
            .log()
            .contains(&format!("could not listen on 127.0.0.1#{port}")),
        "{}",
        server.log()
    );
}

fn id(args: &[&str]) -> Option<u32> {
    let out = Command::new("id").args(args).output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

#[test]
fn dash_u_drops_privileges_after_binding() {
    if id(&["-u"]) != Some(0) {
        eprintln!("SKIPPED dash_u_drops_privileges_after_binding: not running as root");
        return;
    }
    let nobody = id(&["-u", "nobody"]).expect("user nobody exists");
    let (dir, conf) = one_zone("");
    for path in [dir.path(), &dir.path().join("example.test.db"), &conf] {
        let mode = if path.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
    let port = free_port();
    let server = Rivetd::start(&conf, port, &["-u", "nobody"]);
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", server.pid())).expect("process status");
    let uids: Vec<u32> = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .expect("a Uid line")
        .split_whitespace()
        .map(|u| u.parse().expect("numeric uid"))
        .collect();
    assert_eq!(uids, [nobody; 4], "real, effective, saved and fs uid");
    // The control thread keeps the right to bind ports below 1024, and nothing else.
    let cap_eff = status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .expect("a CapEff line")
        .trim();
    assert_eq!(cap_eff, "0000000000000400", "CAP_NET_BIND_SERVICE only");
    assert_eq!(ask(port, "www.example.test", A).a_records(), [ip(1)]);
    assert!(server.log().contains("running as user 'nobody'"));
    assert!(server.stop().success());
}

/// `zones/examples/named.conf`, which the README runs from the repository's root, serves
/// every example zone (`-p` moves it off port 5300).
#[test]
fn the_example_configuration_serves_the_example_zones() {
    let root = tests::workspace_root();
    let port = free_port();
    let server = Rivetd::spawn_in(&root, Path::new("zones/examples/named.conf"), port, &[]);
    assert!(server.wait_until_running(PATIENCE), "{}", server.log());
    for zone in ["example.com", "example.net", "2.0.192.in-addr.arpa"] {
        assert!(
            server
                .log()
                .contains(&format!("zone {zone}/IN: loaded serial")),
            "{}",
            server.log()
        );
    }
    let soa = ask(port, "example.com", SOA);
    assert!(soa.aa(), "{soa:?}");
    assert_eq!(soa.soa_serial(), Some(2024060101));
    // The README's rivetctl command, when the example's fixed control port was free.
    if server
        .log()
        .contains("command channel listening on 127.0.0.1#5953")
    {
        let rivetctl = tests::cargo_bin::build("ctl", "rivetctl");
        let out = Command::new(rivetctl)
            .current_dir(&root)
            .args(["-p", "5953", "-k", "zones/examples/rndc.key", "status"])
            .output()
            .expect("rivetctl runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("server is up and running"), "{text}");
    }
    assert!(server.stop().success());
}

#[test]
fn dash_t_reads_everything_inside_the_new_root() {
    if id(&["-u"]) != Some(0) {
        eprintln!("SKIPPED dash_t_reads_everything_inside_the_new_root: not running as root");
        return;
    }
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(root.path().join("etc/zones")).expect("dirs");
    rewrite(
        &root.path().join("etc/zones/example.test.db"),
        &zone_text("example.test", 3, ip(3)),
    );
    let conf = root.path().join("etc/named.conf");
    rewrite(
        &conf,
        "options { directory \"/etc/zones\"; pid-file \"/rivetd.pid\"; listen-on { 127.0.0.1; };
         listen-on-v6 { none; }; recursion no; };
         zone \"example.test\" { type primary; file \"example.test.db\"; };\n",
    );
    let port = free_port();
    let root_arg = root.path().to_string_lossy().into_owned();
    let server = Rivetd::start(Path::new("/etc/named.conf"), port, &["-t", &root_arg]);
    assert_eq!(ask(port, "www.example.test", A).a_records(), [ip(3)]);
    let pid =
        std::fs::read_to_string(root.path().join("rivetd.pid")).expect("pid file in the root");
    assert_eq!(pid.trim(), server.pid().to_string());
    assert!(server.stop().success());
}
