//! rivet-checkzone's command line, output and exit status, run as a user runs it.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const ZONE: &str = "$TTL 300
@ SOA ns hostmaster 7 3600 600 86400 300
  NS ns
ns A 192.0.2.1
www A 192.0.2.2
Mail MX 10 ns
";

fn checkzone(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rivet-checkzone"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("rivet-checkzone runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, body) in files {
        fs::write(dir.path().join(name), body).expect("write");
    }
    dir
}

#[test]
fn a_good_zone_loads_with_its_serial_then_ok() {
    let dir = dir_with(&[("db", ZONE)]);
    let out = checkzone(dir.path(), &["-i", "none", "example.com", "db"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "zone example.com/IN: loaded serial 7\nOK\n"
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn errors_name_file_line_column_and_fail_the_load() {
    let broken = format!("{ZONE}bad A 192.0.2.300\nworse BOGUS x\n");
    let dir = dir_with(&[("db", &broken)]);
    let out = checkzone(dir.path(), &["-i", "none", "example.com", "db"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("db:7:7: "), "{stdout}");
    assert!(lines[0].contains("192.0.2.300"), "{stdout}");
    assert!(
        lines[1].starts_with("db:8:7: unknown RR type 'BOGUS'"),
        "{stdout}"
    );
    assert!(
        lines[2].starts_with("zone example.com/IN: loading from master file db failed: "),
        "{stdout}"
    );
    assert_eq!(lines[3], "zone example.com/IN: not loaded due to errors.");
    assert_eq!(lines.len(), 4);
}

#[test]
fn warnings_do_not_fail_the_load() {
    let odd = format!("{ZONE}under_score A 192.0.2.3\n");
    let dir = dir_with(&[("db", &odd)]);
    let out = checkzone(dir.path(), &["-i", "none", "example.com", "db"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("db:7:1: under_score.example.com: bad owner name (check-names"),
        "{stdout}"
    );
    // With -k fail the same name rejects the zone.
    let out = checkzone(
        dir.path(),
        &["-i", "none", "-k", "fail", "example.com", "db"],
    );
    assert_eq!(out.status.code(), Some(1));
    // With -k ignore nothing is said.
    let out = checkzone(
        dir.path(),
        &["-i", "none", "-k", "ignore", "example.com", "db"],
    );
    assert_eq!(
        text(&out.stdout),
        "zone example.com/IN: loaded serial 7\nOK\n"
    );
}

#[test]
fn quiet_prints_nothing_and_only_the_status_tells() {
    let dir = dir_with(&[("good", ZONE), ("bad", "x A 1\n")]);
    let out = checkzone(dir.path(), &["-q", "-i", "none", "example.com", "good"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    let out = checkzone(dir.path(), &["-q", "-i", "none", "example.com", "bad"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn dump_to_stdout_sends_messages_to_stderr() {
    let dir = dir_with(&[("db", ZONE)]);
    let out = checkzone(dir.path(), &["-i", "none", "-D", "example.com", "db"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "example.com.\t300\tIN\tSOA\tns.example.com. hostmaster.example.com. 7 3600 600 86400 300\n\
         example.com.\t300\tIN\tNS\tns.example.com.\n\
         Mail.example.com.\t300\tIN\tMX\t10 ns.example.com.\n\
         ns.example.com.\t300\tIN\tA\t192.0.2.1\n\
         www.example.com.\t300\tIN\tA\t192.0.2.2\n"
    );
    assert_eq!(
        text(&out.stderr),
        "zone example.com/IN: loaded serial 7\nOK\n"
    );
    let same = checkzone(dir.path(), &["-i", "none", "-o", "-", "example.com", "db"]);
    assert_eq!(same.stdout, out.stdout);
}

#[test]
fn dump_to_a_file_replaces_it_whole() {
    let dir = dir_with(&[("db", ZONE), ("out.db", "old contents\n")]);
    let out = checkzone(
        dir.path(),
        &["-i", "none", "-o", "out.db", "example.com", "db"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "zone example.com/IN: loaded serial 7\nOK\n"
    );
    let dumped = fs::read_to_string(dir.path().join("out.db")).expect("dump written");
    assert_eq!(dumped.lines().count(), 5);
    assert!(dumped.starts_with("example.com.\t300\tIN\tSOA\t"));
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty());
    // The dump reads back to the same records.
    let again = checkzone(dir.path(), &["-i", "none", "-D", "example.com", "out.db"]);
    assert_eq!(text(&again.stdout), dumped);
}

#[test]
fn an_unwritable_dump_fails() {
    let dir = dir_with(&[("db", ZONE)]);
    let out = checkzone(
        dir.path(),
        &["-i", "none", "-o", "no/such/dir/out", "example.com", "db"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("could not open output file \"no/such/dir/out\""));
    assert!(!text(&out.stdout).contains("OK"));
}

#[test]
fn reads_standard_input() {
    let dir = dir_with(&[]);
    for args in [
        &["-i", "none", "example.com", "-"][..],
        &["-i", "none", "example.com"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rivet-checkzone"))
            .args(args)
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawns");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(ZONE.as_bytes())
            .expect("writes");
        let out = child.wait_with_output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(text(&out.stdout).ends_with("OK\n"));
    }
}

#[test]
fn includes_are_relative_to_the_working_directory() {
    let dir = dir_with(&[("hosts", "www2 A 192.0.2.9\n")]);
    let sub = dir.path().join("zones");
    fs::create_dir(&sub).expect("mkdir");
    fs::write(sub.join("db"), format!("{ZONE}$INCLUDE hosts\n")).expect("write");
    let out = checkzone(dir.path(), &["-i", "none", "-D", "example.com", "zones/db"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("www2.example.com.\t300\tIN\tA\t192.0.2.9"));
    // -w changes the directory first.
    let elsewhere = dir_with(&[]);
    let dir_arg = dir.path().to_string_lossy().into_owned();
    let out = checkzone(
        elsewhere.path(),
        &["-i", "none", "-w", &dir_arg, "example.com", "zones/db"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn zone_level_problems_are_not_load_failures() {
    let dir = dir_with(&[("db", "$TTL 1\n@ SOA ns hm 1 2 3 4 5\nwww A 192.0.2.1\n")]);
    let out = checkzone(dir.path(), &["-i", "none", "example.com", "db"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.ends_with("zone example.com/IN: not loaded due to errors.\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("loading from master file"), "{stdout}");
    assert!(stdout.starts_with("zone example.com/IN: "), "{stdout}");
}

#[test]
fn other_classes() {
    let chaos = "$TTL 1\n@ CH SOA ns hm 1 2 3 4 5\n CH NS ns\nversion CH TXT \"1.0\"\n";
    let dir = dir_with(&[("db", chaos)]);
    let out = checkzone(dir.path(), &["-i", "none", "-c", "CH", "example", "db"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).starts_with("zone example/CH: loaded serial 1"));
    let out = checkzone(dir.path(), &["-i", "none", "example", "db"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn unsupported_flags_are_refused_clearly() {
    let dir = dir_with(&[("db", ZONE), ("db.jnl", "journal")]);
    for (args, says) in [
        (
            &["-f", "raw", "example.com", "db"][..],
            "input format 'raw' is not supported",
        ),
        (
            &["-F", "raw", "example.com", "db"],
            "output format 'raw' is not supported",
        ),
        (
            &["-s", "relative", "example.com", "db"],
            "-s relative is not supported",
        ),
        (
            &["-r", "fail", "example.com", "db"],
            "-r fail is not supported",
        ),
    ] {
        let out = checkzone(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            text(&out.stderr).contains(says),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let out = checkzone(
        dir.path(),
        &["-i", "none", "-r", "warn", "example.com", "db"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("note: -r"));
}

#[test]
fn usage_errors_exit_1_and_help_exits_0() {
    let dir = dir_with(&[]);
    assert_eq!(checkzone(dir.path(), &[]).status.code(), Some(1));
    assert_eq!(
        checkzone(dir.path(), &["-k", "maybe", "z", "f"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        checkzone(dir.path(), &["-Z", "z", "f"]).status.code(),
        Some(1)
    );
    let help = checkzone(dir.path(), &["-h"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help.stdout).contains("ZONENAME"));
    let version = checkzone(dir.path(), &["-v"]);
    assert_eq!(version.status.code(), Some(0));
    assert!(text(&version.stdout).starts_with("rivet-checkzone "));
}

#[test]
fn a_missing_file_fails_like_bind() {
    let dir = dir_with(&[]);
    let out = checkzone(dir.path(), &["-i", "none", "example.com", "nonexistent.db"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("nonexistent.db"), "{stdout}");
    assert!(stdout.ends_with("zone example.com/IN: not loaded due to errors.\n"));
}

#[test]
fn a_journal_in_another_format_is_refused_clearly() {
    let dir = dir_with(&[("db", ZONE), ("db.jnl", ";BIND LOG V9\n")]);
    let out = checkzone(dir.path(), &["-j", "example.com", "db"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout)
            .contains("journal open failed: db.jnl: not a Rivet journal (it is a BIND journal)"),
        "{}",
        text(&out.stdout)
    );
}
