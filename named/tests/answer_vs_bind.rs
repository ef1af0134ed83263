//! The query engine in-process against BIND 9.18: the corpus of `tests/data/answers` is
//! sent to a `named` started on a loopback port and to [`Engine::handle`], and every
//! response must agree in rcode, flags and sections (order within a section aside).
//! Every difference is printed before the test fails.
//!
//! Without BIND installed the test is skipped with a notice, except in CI.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use named::answer::{Client, Engine, Environment, ServedZone, Transport, Workspace};
use tests::answers::{self, Named, Probe, Via};

/// An engine for the staged configuration in `dir`.
fn engine(dir: &Path) -> Engine {
    let (config, zones) = answers::load(dir).unwrap_or_else(|e| panic!("{e}"));
    let served = zones
        .into_iter()
        .map(|(view, name, zone)| ServedZone { view, name, zone })
        .collect();
    let env = Environment {
        cookie_secret: [0; 16],
        ..Environment::from_system()
    };
    Engine::with_environment(&config, served, &env)
}

#[test]
fn answers_match_bind() {
    let Some(bind) = tests::bind::require("named", "answers_match_bind") else {
        return;
    };
    let mut failures = Vec::new();
    let mut total = 0;
    for config in answers::CONFIGS {
        let dir = answers::stage(config).expect("a scratch directory");
        let engine = engine(dir.path());
        assert_eq!(engine.zone_count(), config.zones, "{}", config.name);
        let port = answers::free_port(15300..15350).expect("a free port in 15300-15349");
        let server = Named::start(&bind, dir.path(), port, "example.com")
            .unwrap_or_else(|e| panic!("BIND did not start: {e}"));
        let mut ws = Workspace::new();
        let probes = (config.corpus)();
        total += probes.len();
        for (i, probe) in probes.iter().enumerate() {
            let id = 0x1000 + i as u16;
            let expected = answers::ask(server.addr, probe, id, wait_for(probe));
            let actual = rivet(&engine, &mut ws, probe, id);
            if let Some(report) =
                answers::differences(probe, expected.as_deref(), actual.as_deref())
            {
                failures.push(format!("[{}] {report}", config.name));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} responses differ from BIND's:\n{}",
        failures.len(),
        total,
        failures.join("\n")
    );
}

/// How long to wait for BIND: messages it drops take the whole wait.
fn wait_for(probe: &Probe) -> Duration {
    if probe.label.starts_with("raw:") {
        Duration::from_millis(400)
    } else {
        Duration::from_secs(2)
    }
}

/// The engine's answer to `probe`.
fn rivet(engine: &Engine, ws: &mut Workspace, probe: &Probe, id: u16) -> Option<Vec<u8>> {
    let mut bytes = probe.bytes.clone();
    if bytes.len() >= 2 {
        bytes[..2].copy_from_slice(&id.to_be_bytes());
    }
    let client = Client {
        addr: SocketAddr::from(([127, 0, 0, 1], 40000)),
        local: SocketAddr::from(([127, 0, 0, 1], 53)),
        transport: match probe.via {
            Via::Udp => Transport::Udp,
            Via::Tcp => Transport::Tcp,
        },
    };
    engine.handle(&bytes, &client, ws).map(<[u8]>::to_vec)
}
