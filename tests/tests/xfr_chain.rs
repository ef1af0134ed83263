//! A chain of secondaries through Rivet: a BIND primary, Rivet as its secondary, and a
//! BIND secondary of Rivet. An update on the primary travels down the chain by NOTIFY,
//! and the second hop is an IXFR served from the journal Rivet kept of the first.

mod rivetd_common;

use std::net::Ipv4Addr;
use std::path::Path;
use std::time::Duration;

use rivetd_common::{Rivetd, free_port, rewrite, tool, wait_for_a, write_conf_with_zones};
use tests::answers::Named;

const CHAIN_WAIT: Duration = Duration::from_secs(30);

fn ip(last: u8) -> Ipv4Addr {
    Ipv4Addr::new(192, 0, 2, last)
}

fn bind_conf(dir: &Path, body: &str) {
    let conf = format!(
        "options {{ directory \"{}\"; pid-file none; session-keyfile none;\n\
           listen-on {{ 127.0.0.1; }}; listen-on-v6 {{ none; }}; recursion no;\n\
           dnssec-validation no; notify-delay 0; }};\n\
         controls {{ }};\n{body}",
        dir.display()
    );
    std::fs::write(dir.join("named.conf"), conf).expect("BIND conf");
}

#[test]
fn an_update_reaches_the_end_of_the_chain_incrementally() {
    let (Some(named), Some(nsupdate_bin)) =
        (tool("named", "xfr_chain"), tool("nsupdate", "xfr_chain"))
    else {
        return;
    };
    let (primary_dir, rivet_dir, tertiary_dir) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    let (primary_port, rivet_port, tertiary_port) = (free_port(), free_port(), free_port());

    // Enough names that an increment stays below BIND's max-ixfr-ratio (100% of the
    // zone), past which BIND sends the whole zone instead.
    let filler: String = (0..40)
        .map(|i| format!("h{i} IN A 198.51.100.{i}\n"))
        .collect();
    rewrite(
        &primary_dir.path().join("example.test.db"),
        &format!(
            "$ORIGIN example.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n\
             @ IN NS ns1\nns1 IN A 127.0.0.1\nwww IN A {}\n{filler}",
            ip(1)
        ),
    );
    bind_conf(
        primary_dir.path(),
        &format!(
            "zone \"example.test\" {{ type primary; file \"example.test.db\"; \
               allow-update {{ 127.0.0.1; }}; notify explicit; \
               also-notify {{ 127.0.0.1 port {rivet_port}; }}; }};\n"
        ),
    );
    let primary =
        Named::start(&named, primary_dir.path(), primary_port, "example.test").expect("primary");

    let conf = write_conf_with_zones(
        rivet_dir.path(),
        "",
        &format!(
            "zone \"example.test\" {{ type secondary; file \"example.test.saved\"; \
               primaries {{ 127.0.0.1 port {primary_port}; }}; notify explicit; \
               also-notify {{ 127.0.0.1 port {tertiary_port}; }}; }};\n"
        ),
    );
    let rivet = Rivetd::start(&conf, rivet_port, &[]);
    assert!(
        wait_for_a(rivet_port, "www.example.test", &[ip(1)], CHAIN_WAIT),
        "Rivet got no first copy:\n{}",
        rivet.log()
    );

    bind_conf(
        tertiary_dir.path(),
        &format!(
            "zone \"example.test\" {{ type secondary; file \"example.test.saved\"; \
               primaries {{ 127.0.0.1 port {rivet_port}; }}; }};\n"
        ),
    );
    let tertiary =
        Named::start(&named, tertiary_dir.path(), tertiary_port, "example.test").expect("tertiary");
    assert!(
        wait_for_a(tertiary_port, "www.example.test", &[ip(1)], CHAIN_WAIT),
        "the tertiary got no first copy:\n{}",
        tertiary.log_text()
    );

    rivetd_common::nsupdate(
        &nsupdate_bin,
        &[],
        primary_port,
        &format!(
            "zone example.test\nupdate add new.example.test 300 A {}\n",
            ip(9)
        ),
    );
    for (port, who) in [(rivet_port, "Rivet"), (tertiary_port, "the tertiary")] {
        assert!(
            wait_for_a(port, "new.example.test", &[ip(9)], CHAIN_WAIT),
            "the update did not reach {who}:\nRivet:\n{}\nprimary:\n{}\ntertiary:\n{}",
            rivet.log(),
            primary.log_text(),
            tertiary.log_text()
        );
    }
    // Rivet journaled the IXFR it received and served the tertiary from it.
    assert!(rivet_dir.path().join("example.test.saved.jnl").exists());
    assert!(
        rivet.wait_for_log(
            "transfer of 'example.test/IN': IXFR started (serial 1 -> 2)",
            1,
            CHAIN_WAIT
        ),
        "{}",
        rivet.log()
    );
    assert_eq!(
        rivet.count("transfer of 'example.test/IN': AXFR-style IXFR started"),
        0,
        "{}",
        rivet.log()
    );
    // BIND keeps a journal of a secondary zone only for increments.
    assert!(
        tertiary_dir.path().join("example.test.saved.jnl").exists(),
        "{}",
        tertiary.log_text()
    );

    // A second update goes the same way, the journals growing by one step each.
    rivetd_common::nsupdate(
        &nsupdate_bin,
        &[],
        primary_port,
        &format!(
            "zone example.test\nupdate delete www.example.test A\nupdate add www.example.test 300 A {}\n",
            ip(3)
        ),
    );
    assert!(
        wait_for_a(tertiary_port, "www.example.test", &[ip(3)], CHAIN_WAIT),
        "the second update did not reach the tertiary:\n{}",
        rivet.log()
    );
    assert!(
        rivet.wait_for_log(
            "transfer of 'example.test/IN': IXFR started (serial 2 -> 3)",
            1,
            CHAIN_WAIT
        ),
        "{}",
        rivet.log()
    );
}
