//! A real BIND 9.18 primary feeding a Rivet secondary: the first load by AXFR, a change
//! on BIND (`rndc reload`) reaching Rivet by NOTIFY, the saved copy served after a restart
//! with BIND gone, and expiry (SERVFAIL) and recovery when BIND comes back.

mod rivetd_common;

use std::net::Ipv4Addr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use rivetd_common::{
    PATIENCE, Rivetd, free_port, rewrite, tool, wait_for_a, wait_for_rcode, wait_until,
    write_conf_with_zones,
};
use tests::answers::Named;

const SERVFAIL: u16 = 2;
const RNDC_SECRET: &str = "xKLU+u1U2w/uv0mRn2I7rgnGQnYvsSLOrVud7oVjsVQ=";

fn ip(last: u8) -> Ipv4Addr {
    Ipv4Addr::new(192, 0, 2, last)
}

/// `example.test` with the given serial, SOA timers and www address.
fn zone(serial: u32, timers: &str, www: Ipv4Addr) -> String {
    format!(
        "$ORIGIN example.test.\n$TTL 300\n@ IN SOA ns1 hostmaster {serial} {timers} 60\n\
         @ IN NS ns1\nns1 IN A 127.0.0.1\nwww IN A {www}\n"
    )
}

/// BIND's directory: the zone, a named.conf notifying `secondary_port`, and an rndc.conf
/// for its control channel on `control_port`.
fn bind_primary(dir: &Path, secondary_port: u16, control_port: u16) {
    let conf = format!(
        "key \"rndc-key\" {{ algorithm hmac-sha256; secret \"{RNDC_SECRET}\"; }};\n\
         controls {{ inet 127.0.0.1 port {control_port} allow {{ 127.0.0.1; }} keys {{ \"rndc-key\"; }}; }};\n\
         options {{ directory \"{}\"; pid-file none; session-keyfile none;\n\
           listen-on {{ 127.0.0.1; }}; listen-on-v6 {{ none; }}; recursion no; dnssec-validation no;\n\
           notify explicit; notify-delay 0; also-notify {{ 127.0.0.1 port {secondary_port}; }}; }};\n\
         zone \"example.test\" {{ type primary; file \"example.test.db\"; }};\n",
        dir.display()
    );
    std::fs::write(dir.join("named.conf"), conf).expect("BIND conf");
    let rndc = format!(
        "key \"rndc-key\" {{ algorithm hmac-sha256; secret \"{RNDC_SECRET}\"; }};\n\
         options {{ default-key \"rndc-key\"; default-server 127.0.0.1; default-port {control_port}; }};\n"
    );
    std::fs::write(dir.join("rndc.conf"), rndc).expect("rndc conf");
}

/// Rivet's named.conf: `example.test` a secondary of BIND on `primary_port`.
fn rivet_secondary(dir: &Path, primary_port: u16, extra: &str) -> std::path::PathBuf {
    write_conf_with_zones(
        dir,
        extra,
        &format!(
            "zone \"example.test\" {{ type secondary; file \"example.test.saved\"; \
             masterfile-format text; primaries {{ 127.0.0.1 port {primary_port}; }}; }};\n"
        ),
    )
}

fn start_bind(named: &Path, dir: &Path, port: u16) -> Named {
    Named::start(named, dir, port, "example.test").expect("BIND starts")
}

#[test]
fn bind_primary_feeds_rivet_by_axfr_then_notify_and_the_saved_copy_survives_a_restart() {
    let (Some(named), Some(rndc)) = (
        tool("named", "xfr_bind_primary"),
        tool("rndc", "xfr_bind_primary"),
    ) else {
        return;
    };
    let bind_dir = tempfile::tempdir().expect("dir");
    let rivet_dir = tempfile::tempdir().expect("dir");
    let (bind_port, rivet_port, control_port) = (free_port(), free_port(), free_port());
    let zone_file = bind_dir.path().join("example.test.db");
    rewrite(&zone_file, &zone(1, "3600 600 86400", ip(1)));
    bind_primary(bind_dir.path(), rivet_port, control_port);
    let bind = start_bind(&named, bind_dir.path(), bind_port);

    let conf = rivet_secondary(rivet_dir.path(), bind_port, "");
    let rivet = Rivetd::start(&conf, rivet_port, &[]);
    assert!(
        wait_for_a(rivet_port, "www.example.test", &[ip(1)], PATIENCE),
        "no first transfer:\n{}",
        rivet.log()
    );
    assert!(rivet.wait_for_log("transferred serial 1", 1, PATIENCE));
    assert!(rivet.count("Transfer completed: ") >= 1);
    assert!(
        bind.log_text().contains("AXFR started (serial 1)"),
        "the first transfer is an AXFR:\n{}",
        bind.log_text()
    );

    // A change on BIND, announced by NOTIFY, reaches Rivet within seconds.
    rewrite(&zone_file, &zone(2, "3600 600 86400", ip(2)));
    let reload = Command::new(&rndc)
        .arg("-c")
        .arg(bind_dir.path().join("rndc.conf"))
        .args(["reload", "example.test"])
        .output()
        .expect("rndc runs");
    assert!(reload.status.success(), "rndc reload: {reload:?}");
    assert!(
        wait_for_a(
            rivet_port,
            "www.example.test",
            &[ip(2)],
            Duration::from_secs(10)
        ),
        "NOTIFY did not bring serial 2:\n{}",
        rivet.log()
    );
    assert!(rivet.count("received notify for zone 'example.test'") >= 1);
    assert!(rivet.count("notify from 127.0.0.1#") >= 1);
    let saved = rivet_dir.path().join("example.test.saved");
    assert!(
        wait_until(PATIENCE, || std::fs::read_to_string(&saved)
            .is_ok_and(|t| t.contains("192.0.2.2"))),
        "the copy was not saved"
    );

    // With BIND gone, a restarted Rivet serves its saved copy.
    drop(bind);
    rivet.stop();
    let rivet = Rivetd::start(&conf, rivet_port, &[]);
    assert!(
        wait_for_a(
            rivet_port,
            "www.example.test",
            &[ip(2)],
            Duration::from_secs(5)
        ),
        "the saved copy is not served:\n{}",
        rivet.log()
    );
}

#[test]
fn rivet_secondary_expires_without_its_primary_and_recovers_when_it_returns() {
    let Some(named) = tool("named", "xfr_bind_primary") else {
        return;
    };
    let bind_dir = tempfile::tempdir().expect("dir");
    let rivet_dir = tempfile::tempdir().expect("dir");
    let (bind_port, rivet_port, control_port) = (free_port(), free_port(), free_port());
    // Refresh 2 s, retry 1 s, expire 4 s.
    rewrite(
        &bind_dir.path().join("example.test.db"),
        &zone(7, "2 1 4", ip(7)),
    );
    bind_primary(bind_dir.path(), rivet_port, control_port);
    let bind = start_bind(&named, bind_dir.path(), bind_port);
    let conf = rivet_secondary(
        rivet_dir.path(),
        bind_port,
        "\tmin-refresh-time 1;\n\tmin-retry-time 1;\n",
    );
    let rivet = Rivetd::start(&conf, rivet_port, &[]);
    assert!(
        wait_for_a(rivet_port, "www.example.test", &[ip(7)], PATIENCE),
        "no first transfer:\n{}",
        rivet.log()
    );

    drop(bind);
    assert!(
        wait_for_rcode(
            rivet_port,
            "www.example.test",
            SERVFAIL,
            Duration::from_secs(15)
        ),
        "the zone did not expire:\n{}",
        rivet.log()
    );
    assert!(rivet.count("zone example.test/IN: expired") == 1);

    let bind = start_bind(&named, bind_dir.path(), bind_port);
    assert!(
        wait_for_a(
            rivet_port,
            "www.example.test",
            &[ip(7)],
            Duration::from_secs(15)
        ),
        "no recovery after the primary returned:\n{}\nBIND:\n{}",
        rivet.log(),
        bind.log_text()
    );
}

/// RFC 7314: fed by a BIND secondary, Rivet learns from the EXPIRE option of its SOA
/// answers how long that copy has left, and its own copy expires with it rather than a
/// whole expire period after the last answer (BIND's `request-expire yes`).
#[test]
fn rfc7314_a_copy_taken_from_a_bind_secondary_expires_with_it() {
    let Some(named) = tool("named", "xfr_bind_primary") else {
        return;
    };
    let dirs = [(); 3].map(|()| tempfile::tempdir().expect("dir"));
    let [primary_dir, middle_dir, rivet_dir] = &dirs;
    let (primary_port, middle_port, rivet_port, control_port) =
        (free_port(), free_port(), free_port(), free_port());
    // Refresh 2 s, retry 1 s, expire 15 s.
    rewrite(
        &primary_dir.path().join("example.test.db"),
        &zone(3, "2 1 15", ip(3)),
    );
    bind_primary(primary_dir.path(), middle_port, control_port);
    let primary = start_bind(&named, primary_dir.path(), primary_port);
    let middle_conf = format!(
        "options {{ directory \"{}\"; pid-file none; session-keyfile none;\n\
           listen-on {{ 127.0.0.1; }}; listen-on-v6 {{ none; }}; recursion no; dnssec-validation no;\n\
           min-refresh-time 1; min-retry-time 1; notify no; }};\n\
         zone \"example.test\" {{ type secondary; file \"example.test.saved\"; \
           primaries {{ 127.0.0.1 port {primary_port}; }}; }};\n",
        middle_dir.path().display()
    );
    std::fs::write(middle_dir.path().join("named.conf"), middle_conf).expect("BIND conf");
    let middle = start_bind(&named, middle_dir.path(), middle_port);
    assert!(
        wait_for_a(middle_port, "www.example.test", &[ip(3)], PATIENCE),
        "the BIND secondary got no copy:\n{}",
        middle.log_text()
    );
    let conf = rivet_secondary(
        rivet_dir.path(),
        middle_port,
        "\tmin-refresh-time 1;\n\tmin-retry-time 1;\n",
    );
    let rivet = Rivetd::start(&conf, rivet_port, &[]);
    assert!(
        wait_for_a(rivet_port, "www.example.test", &[ip(3)], PATIENCE),
        "Rivet got no copy:\n{}",
        rivet.log()
    );

    // The primary goes: the BIND secondary's copy expires 15 s after its last good
    // refresh, while Rivet keeps hearing "up to date" from it until then.
    drop(primary);
    assert!(
        wait_for_rcode(
            middle_port,
            "www.example.test",
            SERVFAIL,
            Duration::from_secs(40)
        ),
        "the BIND secondary did not expire:\n{}",
        middle.log_text()
    );
    // Without the option Rivet would serve on for 15 s after its last answer; with it,
    // its copy ends when the one it came from did (give or take one refresh).
    assert!(
        wait_for_rcode(
            rivet_port,
            "www.example.test",
            SERVFAIL,
            Duration::from_secs(7)
        ),
        "Rivet outlived the copy it was fed from:\n{}",
        rivet.log()
    );
    assert_eq!(rivet.count("zone example.test/IN: expired"), 1);
}
