//! TSIG on replication with a real BIND 9.18: signed transfers, SOA queries and NOTIFY
//! both ways, `allow-transfer { key k; }`, a wrong key refused without losing the copy,
//! and `dig -y` queries answered signed.

mod rivetd_common;

use std::net::Ipv4Addr;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use rivetd_common::{
    PATIENCE, Rivetd, free_port, rewrite, tool, wait_for_a, wait_until, write_conf_with_zones,
};
use tests::answers::Named;

const SECRET: &str = "L2qFVWPChxME2nY77AXReBvPdu2MJPwyfv6Bbd1+JIk=";
const WRONG_SECRET: &str = "xKLU+u1U2w/uv0mRn2I7rgnGQnYvsSLOrVud7oVjsVQ=";
const RNDC_SECRET: &str = "Ck7Yk8Xn2B6mJqf2w0y3nVx1ZpQm9l1sT4cR5vH8aE0=";

fn ip(last: u8) -> Ipv4Addr {
    Ipv4Addr::new(192, 0, 2, last)
}

fn zone(origin: &str, serial: u32, timers: &str, www: Ipv4Addr) -> String {
    format!(
        "$ORIGIN {origin}.\n$TTL 300\n@ IN SOA ns1 hostmaster {serial} {timers} 60\n\
         @ IN NS ns1\nns1 IN A 127.0.0.1\nwww IN A {www}\n"
    )
}

fn key(secret: &str) -> String {
    format!("key \"xfer\" {{ algorithm hmac-sha256; secret \"{secret}\"; }};\n")
}

/// BIND as the primary of `dyn.test` (updated with the key) and `static.test` (edited and
/// reloaded), both transferable with the key only, notifying `notify_port` signed.
fn bind_primary(dir: &Path, notify_port: u16, control_port: u16, timers: &str) {
    rewrite(
        &dir.join("dyn.test.db"),
        &zone("dyn.test", 1, timers, ip(1)),
    );
    rewrite(
        &dir.join("static.test.db"),
        &zone("static.test", 1, timers, ip(1)),
    );
    let zones = format!(
        "{}key \"rndc-key\" {{ algorithm hmac-sha256; secret \"{RNDC_SECRET}\"; }};\n\
         controls {{ inet 127.0.0.1 port {control_port} allow {{ 127.0.0.1; }} keys {{ \"rndc-key\"; }}; }};\n\
         zone \"dyn.test\" {{ type primary; file \"dyn.test.db\"; allow-update {{ key xfer; }}; \
           allow-transfer {{ key xfer; }}; }};\n\
         zone \"static.test\" {{ type primary; file \"static.test.db\"; allow-transfer {{ key xfer; }}; }};\n",
        key(SECRET)
    );
    let options = format!(
        "\tnotify explicit;\n\tnotify-delay 0;\n\talso-notify {{ 127.0.0.1 port {notify_port} key xfer; }};\n"
    );
    // write_conf_with_zones adds an empty `controls`; this one replaces it.
    let path = write_conf_with_zones(dir, &options, &zones);
    let text = std::fs::read_to_string(&path)
        .expect("conf")
        .replace("controls { };\n", "");
    std::fs::write(&path, text).expect("conf");
    let rndc = format!(
        "key \"rndc-key\" {{ algorithm hmac-sha256; secret \"{RNDC_SECRET}\"; }};\n\
         options {{ default-key \"rndc-key\"; default-server 127.0.0.1; default-port {control_port}; }};\n"
    );
    std::fs::write(dir.join("rndc.conf"), rndc).expect("rndc conf");
}

/// Rivet as a secondary of both zones, signing with a key of secret `secret`.
fn rivet_secondary(dir: &Path, primary_port: u16, secret: &str, extra: &str) -> std::path::PathBuf {
    let mut zones = key(secret);
    for name in ["dyn.test", "static.test"] {
        zones.push_str(&format!(
            "zone \"{name}\" {{ type secondary; file \"{name}.saved\"; masterfile-format text; \
             primaries {{ 127.0.0.1 port {primary_port} key xfer; }}; }};\n"
        ));
    }
    write_conf_with_zones(dir, extra, &zones)
}

fn rndc(rndc: &Path, dir: &Path, args: &[&str]) {
    let out = Command::new(rndc)
        .arg("-c")
        .arg(dir.join("rndc.conf"))
        .args(args)
        .output()
        .expect("rndc runs");
    assert!(out.status.success(), "rndc {args:?}: {out:?}");
}

fn dig(dig: &Path, port: u16, args: &[&str]) -> String {
    let out = Command::new(dig)
        .args(["@127.0.0.1", "-p", &port.to_string(), "+time=2", "+tries=1"])
        .args(args)
        .output()
        .expect("dig runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn bind_primary_feeds_rivet_signed_by_axfr_then_ixfr_on_signed_notify() {
    let (Some(named), Some(rndc_bin), Some(nsupdate_bin)) = (
        tool("named", "xfr_tsig"),
        tool("rndc", "xfr_tsig"),
        tool("nsupdate", "xfr_tsig"),
    ) else {
        return;
    };
    let bind_dir = tempfile::tempdir().expect("dir");
    let rivet_dir = tempfile::tempdir().expect("dir");
    let (bind_port, rivet_port, control_port) = (free_port(), free_port(), free_port());
    bind_primary(bind_dir.path(), rivet_port, control_port, "3600 600 86400");
    let bind = Named::start(&named, bind_dir.path(), bind_port, "dyn.test").expect("BIND");
    let conf = rivet_secondary(rivet_dir.path(), bind_port, SECRET, "");
    // A control channel for the statistics, with the key BIND's uses.
    let our_control = free_port();
    let text = std::fs::read_to_string(&conf).expect("conf").replace(
        "controls { };\n",
        &format!(
            "key \"rndc-key\" {{ algorithm hmac-sha256; secret \"{RNDC_SECRET}\"; }};\n\
             controls {{ inet 127.0.0.1 port {our_control} allow {{ 127.0.0.1; }} keys {{ \"rndc-key\"; }}; }};\n"
        ),
    );
    std::fs::write(&conf, text).expect("conf");
    std::fs::write(
        rivet_dir.path().join("rndc.conf"),
        std::fs::read_to_string(bind_dir.path().join("rndc.conf"))
            .expect("rndc.conf")
            .replace(&control_port.to_string(), &our_control.to_string()),
    )
    .expect("rndc.conf");
    let rivet = Rivetd::start(&conf, rivet_port, &[]);

    for name in ["www.dyn.test", "www.static.test"] {
        assert!(
            wait_for_a(rivet_port, name, &[ip(1)], PATIENCE),
            "no first transfer of {name}:\n{}\nBIND:\n{}",
            rivet.log(),
            bind.log_text()
        );
    }
    assert!(rivet.wait_for_log(
        "zone dyn.test/IN: transferred serial 1: TSIG 'xfer'",
        1,
        PATIENCE
    ));
    assert!(rivet.count(&format!("connected using 127.0.0.1#{bind_port} TSIG xfer")) >= 2);
    assert!(
        bind.log_text().contains(
            "/key xfer (dyn.test): transfer of 'dyn.test/IN': AXFR started: TSIG xfer (serial 1)"
        ),
        "BIND served a signed AXFR:\n{}",
        bind.log_text()
    );

    // An update on BIND reaches Rivet by a signed NOTIFY, as an IXFR.
    rivetd_common::nsupdate(
        &nsupdate_bin,
        &["-y", &format!("hmac-sha256:xfer:{SECRET}")],
        bind_port,
        "zone dyn.test\nupdate add new.dyn.test 300 A 192.0.2.9\n",
    );
    assert!(
        wait_for_a(
            rivet_port,
            "new.dyn.test",
            &[ip(9)],
            Duration::from_secs(10)
        ),
        "the update did not arrive:\n{}\nBIND:\n{}",
        rivet.log(),
        bind.log_text()
    );
    assert!(rivet.count("received notify for zone 'dyn.test': TSIG 'xfer'") >= 1);
    assert!(rivet.count("zone dyn.test/IN: transferred serial 2: TSIG 'xfer'") == 1);
    assert!(
        bind.log_text()
            .contains("transfer of 'dyn.test/IN': IXFR started: TSIG xfer (serial 1 -> 2)"),
        "BIND served an IXFR:\n{}",
        bind.log_text()
    );

    // A file edit and `rndc reload` on BIND arrive too.
    rewrite(
        &bind_dir.path().join("static.test.db"),
        &zone("static.test", 2, "3600 600 86400", ip(2)),
    );
    rndc(&rndc_bin, bind_dir.path(), &["reload", "static.test"]);
    assert!(
        wait_for_a(
            rivet_port,
            "www.static.test",
            &[ip(2)],
            Duration::from_secs(10)
        ),
        "the reload did not arrive:\n{}\nBIND:\n{}",
        rivet.log(),
        bind.log_text()
    );
    assert!(rivet.count("zone static.test/IN: transferred serial 2: TSIG 'xfer'") == 1);

    // The statistics counted the NOTIFYs, SOA queries and transfers.
    let rivetctl = tests::cargo_bin::build("ctl", "rivetctl");
    let out = Command::new(rivetctl)
        .arg("-c")
        .arg(rivet_dir.path().join("rndc.conf"))
        .args(["--json", "stats"])
        .output()
        .expect("rivetctl runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    let stats: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let zone = &stats["zone"];
    let at_least = |key: &str, n: u64| {
        assert!(zone[key].as_u64() >= Some(n), "{key} < {n}: {text}");
    };
    at_least("notify_in_v4", 2);
    at_least("soa_out_v4", 2);
    at_least("axfr_requested_v4", 2);
    at_least("ixfr_requested_v4", 2);
    at_least("xfr_success", 4);
    assert_eq!(zone["xfr_fail"], 0, "{text}");
    assert!(stats["xfr"]["in_bytes"].as_u64() > Some(200), "{text}");
}

#[test]
fn a_wrong_key_is_refused_and_rivet_keeps_its_copy() {
    let Some(named) = tool("named", "xfr_tsig") else {
        return;
    };
    let bind_dir = tempfile::tempdir().expect("dir");
    let rivet_dir = tempfile::tempdir().expect("dir");
    let (bind_port, rivet_port, control_port) = (free_port(), free_port(), free_port());
    // BIND has serial 2; Rivet's saved copy serial 1, refreshed every second.
    bind_primary(bind_dir.path(), rivet_port, control_port, "1 1 86400");
    rewrite(
        &bind_dir.path().join("dyn.test.db"),
        &zone("dyn.test", 2, "1 1 86400", ip(2)),
    );
    // dyn.test has a saved copy (refreshed by SOA query), static.test none (transferred
    // at once).
    rewrite(
        &rivet_dir.path().join("dyn.test.saved"),
        &zone("dyn.test", 1, "1 1 86400", ip(1)),
    );
    let bind = Named::start(&named, bind_dir.path(), bind_port, "dyn.test").expect("BIND");
    let conf = rivet_secondary(
        rivet_dir.path(),
        bind_port,
        WRONG_SECRET,
        "\tmin-refresh-time 1;\n\tmin-retry-time 1;\n",
    );
    let rivet = Rivetd::start(&conf, rivet_port, &[]);
    // BIND's own secondary logs the same refresh failure.
    assert!(
        rivet.wait_for_log(
            &format!(
                "zone dyn.test/IN: refresh: failure trying primary 127.0.0.1#{bind_port} \
                 (source 0.0.0.0#0): tsig indicates error"
            ),
            2,
            PATIENCE
        ),
        "the refresh did not fail:\n{}\nBIND:\n{}",
        rivet.log(),
        bind.log_text()
    );
    assert!(
        rivet.wait_for_log(
            &format!(
                "transfer of 'static.test/IN' from 127.0.0.1#{bind_port}: \
                 failed while receiving responses: NOTAUTH"
            ),
            1,
            PATIENCE
        ),
        "the transfer did not fail:\n{}",
        rivet.log()
    );
    assert!(
        wait_until(PATIENCE, || bind
            .log_text()
            .contains("request has invalid signature")),
        "BIND did not log the failure:\n{}",
        bind.log_text()
    );
    assert!(
        wait_for_a(rivet_port, "www.dyn.test", &[ip(1)], Duration::from_secs(2)),
        "the old copy is not served:\n{}",
        rivet.log()
    );
    assert_eq!(rivet.count("transferred serial 2"), 0);
}

#[test]
fn rivet_primary_refuses_unsigned_transfers_and_feeds_a_signed_bind_secondary() {
    let (Some(named), Some(dig_bin)) = (tool("named", "xfr_tsig"), tool("dig", "xfr_tsig")) else {
        return;
    };
    let rivet_dir = tempfile::tempdir().expect("dir");
    let bind_dir = tempfile::tempdir().expect("dir");
    let (rivet_port, bind_port) = (free_port(), free_port());
    rewrite(
        &rivet_dir.path().join("example.test.db"),
        &zone("example.test", 1, "3600 600 86400", ip(1)),
    );
    let conf = write_conf_with_zones(
        rivet_dir.path(),
        "",
        &format!(
            "{}zone \"example.test\" {{ type primary; file \"example.test.db\"; notify explicit; \
             notify-delay 0; also-notify {{ 127.0.0.1 port {bind_port} key xfer; }}; \
             allow-transfer {{ key xfer; }}; }};\n",
            key(SECRET)
        ),
    );
    let rivet = Rivetd::start(&conf, rivet_port, &[]);

    let unsigned = dig(&dig_bin, rivet_port, &["example.test", "AXFR"]);
    assert!(
        unsigned.contains("Transfer failed"),
        "unsigned AXFR: {unsigned}"
    );
    assert!(rivet.wait_for_log("zone transfer 'example.test/AXFR/IN' denied", 1, PATIENCE));

    let y = format!("hmac-sha256:xfer:{SECRET}");
    let signed = dig(&dig_bin, rivet_port, &["-y", &y, "example.test", "AXFR"]);
    assert!(
        signed.contains("www.example.test.") && !signed.contains("tsig verify failure"),
        "signed AXFR: {signed}"
    );
    assert!(rivet.count("/key xfer (example.test): transfer of 'example.test/IN': AXFR started: TSIG xfer (serial 1)") == 1);

    for transport in ["+notcp", "+tcp"] {
        let answer = dig(
            &dig_bin,
            rivet_port,
            &["-y", &y, transport, "www.example.test", "A"],
        );
        assert!(
            answer.contains("status: NOERROR")
                && answer.contains("192.0.2.1")
                && answer.contains("TSIG")
                && !answer.contains("tsig verify failure"),
            "signed query {transport}: {answer}"
        );
    }
    let wrong = format!("hmac-sha256:xfer:{WRONG_SECRET}");
    let refused = dig(
        &dig_bin,
        rivet_port,
        &["-y", &wrong, "www.example.test", "A"],
    );
    assert!(
        refused.contains("status: NOTAUTH") && refused.contains("BADSIG"),
        "wrongly signed query: {refused}"
    );

    write_conf_with_zones(
        bind_dir.path(),
        "",
        &format!(
            "{}zone \"example.test\" {{ type secondary; file \"example.test.saved\"; \
             masterfile-format text; primaries {{ 127.0.0.1 port {rivet_port} key xfer; }}; }};\n",
            key(SECRET)
        ),
    );
    let bind = Named::start(&named, bind_dir.path(), bind_port, "example.test").expect("BIND");
    assert!(
        wait_for_a(bind_port, "www.example.test", &[ip(1)], PATIENCE),
        "BIND did not transfer:\n{}\nRivet:\n{}",
        bind.log_text(),
        rivet.log()
    );
    assert!(
        bind.log_text()
            .contains("transferred serial 1: TSIG 'xfer'"),
        "BIND's transfer was signed:\n{}",
        bind.log_text()
    );

    // A change on Rivet reaches BIND through a signed NOTIFY.
    rewrite(
        &rivet_dir.path().join("example.test.db"),
        &zone("example.test", 2, "3600 600 86400", ip(2)),
    );
    assert!(rivet.reload());
    assert!(
        wait_for_a(
            bind_port,
            "www.example.test",
            &[ip(2)],
            Duration::from_secs(10)
        ),
        "the signed NOTIFY did not bring serial 2:\n{}\nRivet:\n{}",
        bind.log_text(),
        rivet.log()
    );
    assert!(
        bind.log_text()
            .contains("received notify for zone 'example.test': TSIG 'xfer'"),
        "BIND verified the NOTIFY:\n{}",
        bind.log_text()
    );
}
