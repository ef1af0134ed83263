//! BIND's own `rndc` (and `rivetctl`) drive rivetd's control channel; where the text must
//! match, the same commands are sent to BIND's `named` serving the same zone and the
//! outputs are compared.

mod rivetd_common;

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rivetd_common::{PATIENCE, Rivetd, ask, free_port, rewrite, tool, wait_until};
use tests::control::{BindControl, KeySpec, MD5, SHA256, WRONG, write_rndc_conf};

/// The zone both servers carry (that of `BindControl`).
const ZONE_FILE: &str = "$TTL 300\n@ IN SOA ns1 hostmaster 1 60 30 600 60\n  IN NS ns1\nns1 IN A 127.0.0.1\nwww IN A 192.0.2.1\n";

/// The same zone with serial 2 and one more name.
const ZONE_FILE_2: &str = "$TTL 300\n@ IN SOA ns1 hostmaster 2 60 30 600 60\n  IN NS ns1\nns1 IN A 127.0.0.1\nwww IN A 192.0.2.1\nnew IN A 192.0.2.2\n";

/// rivetd with `controls { inet 127.0.0.1 port P allow { ALLOW } keys { ... } EXTRA; }`.
struct Server {
    rivetd: Rivetd,
    control_port: u16,
    dir: tempfile::TempDir,
}

fn start_rivetd(keys: &[KeySpec], allow: &str, extra: &str) -> Server {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("example.com.db"), ZONE_FILE).expect("zone written");
    let control_port = free_port();
    let mut conf = format!(
        "options {{\n  directory \"{}\";\n  listen-on {{ 127.0.0.1; }};\n  listen-on-v6 {{ none; }};\n  \
         pid-file none;\n  recursion no;\n  zone-statistics full;\n}};\n",
        dir.path().display()
    );
    for k in keys {
        conf.push_str(&k.clause());
    }
    let names: String = keys.iter().map(|k| format!("\"{}\"; ", k.name)).collect();
    conf.push_str(&format!(
        "controls {{ inet 127.0.0.1 port {control_port} allow {{ {allow} }} keys {{ {names}}}{extra}; }};\n\
         zone \"example.com\" {{ type primary; file \"example.com.db\"; }};\n"
    ));
    let path = dir.path().join("named.conf");
    std::fs::write(&path, conf).expect("named.conf written");
    let rivetd = Rivetd::start(&path, free_port(), &[]);
    assert!(
        rivetd.wait_for_log("command channel listening on 127.0.0.1#", 1, PATIENCE),
        "no control channel:\n{}",
        rivetd.log()
    );
    Server {
        rivetd,
        control_port,
        dir,
    }
}

/// Exit code, stdout and stderr of `program -c conf ARGS`.
fn run(program: &Path, conf: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(program)
        .arg("-c")
        .arg(conf)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The labels of `name: value` lines.
fn labels(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| match l.split_once(':') {
            Some((label, _)) => label.to_owned(),
            None => l.to_owned(),
        })
        .collect()
}

fn tools(test: &str) -> Option<(PathBuf, PathBuf)> {
    let named = tests::bind::require("named", test)?;
    let rndc = tool("rndc", test)?;
    Some((named, rndc))
}

/// The commands whose whole output (exit code, stdout, stderr) must be BIND's.
const SAME_OUTPUT: &[&str] = &[
    "null",
    "reload",
    "reload example.com",
    "reload example.com IN",
    "reload example.com XX",
    "reconfig",
    "zonestatus no.such.zone",
    "zonestatus example.com IN nosuchview",
    "zonestatus",
    "frobnicate now",
    "notify",
    "notify example.com",
    "refresh example.com",
    "retransfer example.com",
    "flushname www.example.com",
    "flushname a..b",
    "flushname",
    "flushtree example.com",
    "flush",
    "freeze example.com",
    "freeze",
    "thaw",
    "sync",
    "querylog bogus",
    "stats",
];

fn compare_with_bind(key: KeySpec, test: &str) {
    let Some((named, rndc)) = tools(test) else {
        return;
    };
    let bind = BindControl::start(&named, &[key]).expect("named starts");
    let ours = start_rivetd(&[key], "127.0.0.1;", "");
    let bind_conf = write_rndc_conf(bind.path(), "rndc.conf", bind.control_port, &[key]);
    let our_conf = write_rndc_conf(ours.dir.path(), "rndc.conf", ours.control_port, &[key]);

    for command in SAME_OUTPUT {
        let args: Vec<&str> = command.split(' ').collect();
        let theirs = run(&rndc, &bind_conf, &args);
        let mine = run(&rndc, &our_conf, &args);
        assert_eq!(
            mine,
            theirs,
            "rndc {command}\nrivetd log:\n{}",
            ours.rivetd.log()
        );
    }

    // status and zonestatus: the same lines, in the same order.
    for command in ["status", "zonestatus example.com"] {
        let args: Vec<&str> = command.split(' ').collect();
        let theirs = run(&rndc, &bind_conf, &args);
        let mine = run(&rndc, &our_conf, &args);
        assert_eq!(mine.0, 0, "rndc {command}: {mine:?}");
        assert_eq!(labels(&mine.1), labels(&theirs.1), "rndc {command}");
    }
    let (_, status, _) = run(&rndc, &our_conf, &["status"]);
    assert!(status.starts_with("version: rivetd "), "{status}");
    assert!(
        status.contains("number of zones: 1 (0 automatic)"),
        "{status}"
    );
    let (_, zonestatus, _) = run(&rndc, &our_conf, &["zonestatus", "example.com"]);
    assert!(
        zonestatus.contains("\nserial: 1\nnodes: 3\n"),
        "{zonestatus}"
    );

    // A changed file: the reload is queued, then the new serial is served.
    for dir in [bind.path(), ours.dir.path()] {
        std::thread::sleep(Duration::from_millis(20));
        rewrite(&dir.join("example.com.db"), ZONE_FILE_2);
    }
    let theirs = run(&rndc, &bind_conf, &["reload", "example.com"]);
    let mine = run(&rndc, &our_conf, &["reload", "example.com"]);
    assert_eq!(mine, theirs);
    assert_eq!(mine.1, "zone reload queued\n");
    let port = ours.rivetd.port;
    assert!(
        wait_until(PATIENCE, || ask(port, "example.com", rivetd_common::SOA)
            .soa_serial()
            == Some(2)),
        "serial 2 never served:\n{}",
        ours.rivetd.log()
    );
    let mine = run(&rndc, &our_conf, &["reload", "example.com"]);
    assert_eq!(mine.1, "zone reload up-to-date\n");

    let log = ours.rivetd.log();
    assert!(
        log.contains("received control channel command 'reload'"),
        "{log}"
    );
    assert!(
        log.contains("received control channel command 'flushname www.example.com'"),
        "{log}"
    );
}

#[test]
fn rndc_with_hmac_sha256_matches_bind() {
    compare_with_bind(SHA256, "rndc_with_hmac_sha256_matches_bind");
}

#[test]
fn rndc_with_hmac_md5_matches_bind() {
    compare_with_bind(MD5, "rndc_with_hmac_md5_matches_bind");
}

#[test]
fn a_wrong_key_fails_as_against_bind() {
    let test = "a_wrong_key_fails_as_against_bind";
    let Some((named, rndc)) = tools(test) else {
        return;
    };
    let bind = BindControl::start(&named, &[SHA256]).expect("named starts");
    let ours = start_rivetd(&[SHA256], "127.0.0.1;", "");
    let bind_conf = write_rndc_conf(bind.path(), "wrong.conf", bind.control_port, &[WRONG]);
    let our_conf = write_rndc_conf(ours.dir.path(), "wrong.conf", ours.control_port, &[WRONG]);
    let theirs = run(&rndc, &bind_conf, &["status"]);
    let mine = run(&rndc, &our_conf, &["status"]);
    assert_ne!(mine.0, 0);
    assert_eq!(mine, theirs);
    assert!(
        ours.rivetd
            .wait_for_log("invalid command from 127.0.0.1#", 1, PATIENCE),
        "{}",
        ours.rivetd.log()
    );
    assert!(ours.rivetd.log().contains(": bad auth"));
}

#[test]
fn a_client_outside_allow_is_refused() {
    let test = "a_client_outside_allow_is_refused";
    let Some(rndc) = tool("rndc", test) else {
        return;
    };
    let ours = start_rivetd(&[SHA256], "127.0.0.2;", "");
    let conf = write_rndc_conf(ours.dir.path(), "rndc.conf", ours.control_port, &[SHA256]);
    let (code, out, _) = run(&rndc, &conf, &["status"]);
    assert_ne!(code, 0, "{out}");
    assert!(out.is_empty(), "{out}");
    assert!(
        ours.rivetd.wait_for_log(
            "rejected command channel message from 127.0.0.1#",
            1,
            PATIENCE
        ),
        "{}",
        ours.rivetd.log()
    );
    assert_eq!(ours.rivetd.count("received control channel command"), 0);
}

#[test]
fn a_read_only_channel_runs_only_read_only_commands() {
    let test = "a_read_only_channel_runs_only_read_only_commands";
    let Some(rndc) = tool("rndc", test) else {
        return;
    };
    let ours = start_rivetd(&[SHA256], "127.0.0.1;", " read-only yes");
    let conf = write_rndc_conf(ours.dir.path(), "rndc.conf", ours.control_port, &[SHA256]);
    let (code, out, _) = run(&rndc, &conf, &["zonestatus", "example.com"]);
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = run(&rndc, &conf, &["reload"]);
    assert_eq!(code, 1);
    assert_eq!(err, "rndc: 'reload' failed: failure\n");
    assert!(ours.rivetd.wait_for_log(
        "rejecting restricted control channel command 'reload'",
        1,
        PATIENCE
    ));
}

#[test]
fn rndc_stop_stops_rivetd() {
    let Some(rndc) = tool("rndc", "rndc_stop_stops_rivetd") else {
        return;
    };
    let mut ours = start_rivetd(&[SHA256], "127.0.0.1;", "");
    let conf = write_rndc_conf(ours.dir.path(), "rndc.conf", ours.control_port, &[SHA256]);
    let (code, out, err) = run(&rndc, &conf, &["stop", "-p"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, format!("pid: {}\n", ours.rivetd.pid()));
    let status = ours.rivetd.wait_exit();
    assert!(status.success(), "{status:?}\n{}", ours.rivetd.log());
    let log = ours.rivetd.log();
    assert!(log.contains("shutting down: flushing changes"), "{log}");
    assert!(
        log.contains("stopping command channel on 127.0.0.1#"),
        "{log}"
    );
}

#[test]
fn rivetctl_drives_rivetd() {
    let rivetctl = tests::cargo_bin::build("ctl", "rivetctl");
    let ours = start_rivetd(&[MD5, SHA256], "127.0.0.1;", "");
    let conf = write_rndc_conf(ours.dir.path(), "rndc.conf", ours.control_port, &[SHA256]);
    let (code, out, err) = run(&rivetctl, &conf, &["zonestatus", "example.com"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("name: example.com\ntype: primary\n"),
        "{out}"
    );
    let (code, _, err) = run(&rivetctl, &conf, &["zonestatus", "no.such.zone"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("no matching zone 'no.such.zone' in any view"),
        "{err}"
    );
    std::thread::sleep(Duration::from_millis(20));
    rewrite(
        &ours.dir.path().join("example.com.db"),
        &ZONE_FILE_2.replace("192.0.2.1", &Ipv4Addr::new(192, 0, 2, 9).to_string()),
    );
    let (code, out, _) = run(&rivetctl, &conf, &["reload"]);
    assert_eq!((code, out.as_str()), (0, "server reload successful\n"));
    let port = ours.rivetd.port;
    assert!(rivetd_common::wait_for_a(
        port,
        "www.example.com",
        &[Ipv4Addr::new(192, 0, 2, 9)],
        PATIENCE
    ));
}
