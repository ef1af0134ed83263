//! Loads a zone file into an immutable zone snapshot and reports the memory it holds.
//!
//! `cargo run --release -p zones --example load_zone -- ZONENAME FILE` prints `key value`
//! lines: the process's resident set before reading the file and after building the zone
//! (the parsed records dropped), their difference (`held_kib`), the snapshot's own heap
//! size, and the time taken. `bench/checkzone/run.sh` compares `held_kib` with what BIND's
//! `named` holds for the same zone.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use zones::master::{ParseOptions, parse_file};
use zones::zone::{CheckOptions, Zone};
use zones::{Class, Name};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [zone_name, file] = &args[..] else {
        eprintln!("usage: load_zone ZONENAME FILE");
        return ExitCode::from(2);
    };
    let origin = match Name::from_text(zone_name, Some(&Name::root())) {
        Ok(name) => name,
        Err(e) => {
            eprintln!("bad zone name {zone_name}: {e}");
            return ExitCode::from(2);
        }
    };
    let path = Path::new(file);
    let opts = ParseOptions {
        origin: origin.clone(),
        class: Class::IN,
        base_dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        default_ttl: None,
    };

    let before = rss_kib();
    let start = Instant::now();
    let parsed = match parse_file(path, &opts) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let parsed_at = start.elapsed();
    let zone = match Zone::build(origin, Class::IN, parsed.records, &CheckOptions::default()) {
        Ok((zone, _warnings)) => zone,
        Err(e) => {
            eprintln!("{file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let built_at = start.elapsed();
    let after = rss_kib();

    println!("records {}", zone.record_count());
    println!("nodes {}", zone.node_count());
    println!("parse_seconds {:.3}", parsed_at.as_secs_f64());
    println!("total_seconds {:.3}", built_at.as_secs_f64());
    println!("rss_before_kib {before}");
    println!("rss_after_kib {after}");
    println!("held_kib {}", after.saturating_sub(before));
    println!("heap_kib {}", zone.heap_size() / 1024);
    println!("peak_kib {}", status_kib("VmHWM:"));
    ExitCode::SUCCESS
}

/// The process's resident set size, from `/proc/self/status`.
fn rss_kib() -> u64 {
    status_kib("VmRSS:")
}

/// A `kB` figure from `/proc/self/status`; 0 where there is no such file.
fn status_kib(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
