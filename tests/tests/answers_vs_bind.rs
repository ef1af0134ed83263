//! rivetd against BIND 9.18: both are started on loopback ports with the same
//! `named.conf` and zone files (`tests/data/answers/`), the corpus of
//! [`tests::answers::corpus`] is sent to each over UDP and TCP, and the responses must
//! agree in rcode, flags and sections (order within a section aside; see
//! [`tests::answers::differences`] for the two things compared loosely, and why). Every
//! difference is printed before the test fails.
//!
//! Without BIND installed the test is skipped with a notice, except in CI.

use std::path::Path;
use std::time::Duration;

use tests::answers::{self, CONFIGS, Named, Probe};

#[test]
fn rivetd_answers_as_bind_does() {
    let Some(bind) = tests::bind::require("named", "rivetd_answers_as_bind_does") else {
        return;
    };
    let rivetd = tests::cargo_bin::build("named", "rivetd");
    let mut failures = Vec::new();
    let mut total = 0;
    for config in CONFIGS {
        let (count, mut diffs) = compare(&bind, &rivetd, config);
        total += count;
        failures.append(&mut diffs);
    }
    assert!(total >= 300, "only {total} requests in the corpus");
    assert!(
        failures.is_empty(),
        "{} of {} responses differ from BIND's:\n{}",
        failures.len(),
        total,
        failures.join("\n")
    );
}

/// Runs the corpus of `config` against both servers; the number of requests and the
/// differences found.
fn compare(bind: &Path, rivetd: &Path, config: &answers::Config) -> (usize, Vec<String>) {
    let bind_dir = answers::stage(config).expect("a scratch directory");
    let rivet_dir = answers::stage(config).expect("a scratch directory");
    let port = answers::free_port(15300..15350).expect("a free port in 15300-15349");
    let reference = Named::start(bind, bind_dir.path(), port, "example.com")
        .unwrap_or_else(|e| panic!("BIND did not start: {e}"));
    let port = answers::free_port(15300..15350).expect("a second free port in 15300-15349");
    let rivet = Named::start(rivetd, rivet_dir.path(), port, "example.com")
        .unwrap_or_else(|e| panic!("rivetd did not start: {e}"));
    let probes = (config.corpus)();
    let mut failures = Vec::new();
    for (i, probe) in probes.iter().enumerate() {
        let id = 0x2000 + i as u16;
        let wait = wait_for(probe);
        let expected = answers::ask(reference.addr, probe, id, wait);
        let actual = answers::ask(rivet.addr, probe, id, wait);
        if let Some(report) = answers::differences(probe, expected.as_deref(), actual.as_deref()) {
            failures.push(format!("[{}] {report}", config.name));
        }
    }
    (probes.len(), failures)
}

/// How long to wait: messages a server drops take the whole wait.
fn wait_for(probe: &Probe) -> Duration {
    if probe.label.starts_with("raw:") {
        Duration::from_millis(400)
    } else {
        Duration::from_secs(2)
    }
}
