//! The answer engine's cost per query, without the network: the benchmark zones and query
//! files of the shared harness (`bench/rivetd/run.sh` generates them into
//! `bench/out/rivetd/zones`) answered in a loop by `Engine::handle`.
//!
//! `cargo bench -p named --bench answer [-- ZONEDIR]` prints nanoseconds per query per zone.
//! `RIVET_BENCH_STATS=1` also counts each query and answer in a worker's statistics block,
//! as the UDP workers do. `RIVET_BENCH_ZONES=bench.test` picks zones and
//! `RIVET_BENCH_PASSES=1` the passes, which
//! keeps a run under `valgrind --tool=callgrind` short: instruction counts do not depend on
//! what else the machine is doing. It is a tool for finding where the time goes; the
//! figures that count come from dnsperf against the running server.

use std::hint::black_box;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Instant;

use named::answer::{Client, Engine, Environment, ServedZone, Transport, Workspace};
use named::stats;
use tests::answers::{self, Opt, Query, RD};

/// Passes over the query file per zone, unless `RIVET_BENCH_PASSES` says otherwise.
const PASSES: usize = 5;

fn main() {
    let zonedir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map_or_else(
            || tests::workspace_root().join("bench/out/rivetd/zones"),
            PathBuf::from,
        );
    let zones =
        std::env::var("RIVET_BENCH_ZONES").unwrap_or_else(|_| "bench.test,large.test".into());
    let passes = std::env::var("RIVET_BENCH_PASSES")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(PASSES);
    for zone in zones.split(',') {
        let file = zonedir.join(format!("{zone}.zone"));
        if !file.exists() {
            eprintln!(
                "{}: missing; run bench/rivetd/run.sh once to generate it",
                file.display()
            );
            continue;
        }
        run(zone, &zonedir, passes);
    }
}

fn run(zone: &str, zonedir: &Path, passes: usize) {
    let dir = tempfile::tempdir().expect("scratch directory");
    let conf = format!(
        "options {{ directory \"{}\"; recursion no; }};\nzone \"{zone}\" {{ type primary; file \"{}\"; }};\n",
        dir.path().display(),
        zonedir.join(format!("{zone}.zone")).display()
    );
    std::fs::write(dir.path().join("named.conf"), conf).expect("named.conf written");
    let started = Instant::now();
    let (config, zones) = answers::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let served: Vec<ServedZone> = zones
        .into_iter()
        .map(|(view, name, zone)| ServedZone { view, name, zone })
        .collect();
    assert!(
        served.iter().all(|z| z.zone.is_some()),
        "{zone} did not load"
    );
    let engine = Engine::with_environment(&config, served, &Environment::from_system());
    let load = started.elapsed();

    let text = std::fs::read_to_string(zonedir.join(format!("{zone}.queries"))).expect("queries");
    let queries: Vec<Vec<u8>> = text
        .lines()
        .filter_map(|line| {
            let (name, qtype) = line.split_once(' ')?;
            let qtype = match qtype {
                "A" => 1,
                "NS" => 2,
                "CNAME" => 5,
                "SOA" => 6,
                "MX" => 15,
                "TXT" => 16,
                "AAAA" => 28,
                "SRV" => 33,
                _ => return None,
            };
            Some(
                Query::new(name, qtype)
                    .flags(RD)
                    .opt(Some(Opt::size(4096)))
                    .encode(0x1234),
            )
        })
        .collect();
    let client = Client {
        addr: SocketAddr::from(([127, 0, 0, 1], 40000)),
        local: SocketAddr::from(([127, 0, 0, 1], 53)),
        transport: Transport::Udp,
    };
    let mut ws = Workspace::new();
    let mut bytes = 0usize;
    for q in &queries {
        bytes += engine.handle(q, &client, &mut ws).map_or(0, <[u8]>::len);
    }
    let counting = std::env::var("RIVET_BENCH_STATS").is_ok_and(|v| v == "1");
    let registry = stats::Registry::new();
    let block = registry.register();
    let started = thread_time();
    for _ in 0..passes {
        for q in &queries {
            if counting {
                let seen = stats::observe::request(&block, black_box(q), false, false);
                let head = engine
                    .handle(black_box(q), &client, &mut ws)
                    .map(stats::observe::header);
                if let Some(head) = head {
                    stats::observe::answer(&block, seen, head.as_bytes(), ws.referral());
                }
            } else {
                black_box(engine.handle(black_box(q), &client, &mut ws));
            }
        }
    }
    if counting {
        let totals = registry.totals();
        assert_eq!(
            totals.ns(stats::Ns::Response) as usize,
            passes * queries.len()
        );
    }
    let per = (thread_time() - started) as f64 / (passes * queries.len()) as f64;
    println!(
        "{zone}: {} queries x {passes}: {per:.0} ns/query (thread CPU time), {:.0} B/answer (load {:.2} s)",
        queries.len(),
        bytes as f64 / queries.len() as f64,
        load.as_secs_f64()
    );
}

/// The CPU time of this thread in nanoseconds: other processes on the machine do not count.
fn thread_time() -> u128 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    u128::try_from(ts.tv_sec).unwrap_or(0) * 1_000_000_000 + u128::try_from(ts.tv_nsec).unwrap_or(0)
}
