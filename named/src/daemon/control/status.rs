//! `rndc status`: BIND's eighteen lines, with Rivet's values.

use std::time::SystemTime;

use conf::model::Identity;

use crate::daemon::log;
use crate::daemon::querylog;
use crate::daemon::server::Server;

/// A time as RFC 7231 writes it: `Sun, 22 Nov 2026 03:23:53 GMT`.
pub fn http_date(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time)
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// A line of `/proc/sys/kernel`, or `unknown`.
fn kernel(name: &str) -> String {
    std::fs::read_to_string(format!("/proc/sys/kernel/{name}"))
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "unknown".into())
}

/// `vm: Linux x86_64 6.1.0 #1 SMP ...`: the host name and uname's sysname, machine,
/// release and version.
fn running_on() -> String {
    format!(
        "{}: {} {} {} {}",
        kernel("hostname"),
        kernel("ostype"),
        std::env::consts::ARCH,
        kernel("osrelease"),
        kernel("version")
    )
}

/// BIND's soft quota for a `recursive-clients` hard quota.
fn soft_quota(hard: u32) -> u32 {
    if hard > 1000 {
        hard - 100
    } else {
        hard / 10 * 9
    }
}

/// The text of `rndc status`.
pub fn text(server: &Server) -> String {
    let config = server.config();
    let options = &config.options;
    let settings = server.settings();
    let replication = server.replication();
    let slots = &server.shared().tcp_slots;
    let (booted, configured, reload_failed) = server.times();
    let mut version = format!("version: {} <id:>", super::super::VERSION);
    match &options.version {
        Identity::Text(text) => version.push_str(&format!(" ({text})")),
        Identity::Hidden => version.push_str(" (version.bind/txt/ch disabled)"),
        _ => {}
    }
    let zones: usize = config.views.iter().map(|v| v.zones.len()).sum();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut lines = vec![
        version,
        format!("running on {}", running_on()),
        format!("boot time: {}", http_date(booted)),
        format!("last configured: {}", http_date(configured)),
        format!("configuration file: {}", settings.conf_path.display()),
        format!("CPUs found: {cpus}"),
        format!("worker threads: {}", settings.workers),
        format!("UDP listeners per interface: {}", settings.workers),
        format!("number of zones: {zones} (0 automatic)"),
        format!("debug level: {}", log::debug_level()),
        format!("xfers running: {}", replication.transfers_running()),
        format!("xfers deferred: {}", replication.transfers_deferred()),
        format!("soa queries in progress: {}", replication.soa_queries()),
        format!(
            "query logging is {}",
            if querylog::query_logging() {
                "ON"
            } else {
                "OFF"
            }
        ),
        // Rivet does not recurse: no recursive client is ever in use.
        format!(
            "recursive clients: 0/{}/{}",
            soft_quota(options.recursive_clients),
            options.recursive_clients
        ),
        format!("tcp clients: {}/{}", slots.in_use(), slots.limit()),
        format!("TCP high-water: {}", slots.high_water()),
    ];
    if reload_failed {
        lines.push("reload/reconfig failed".into());
    }
    lines.push("server is up and running".into());
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn dates_as_bind_writes_them() {
        let t = UNIX_EPOCH + Duration::from_secs(1_795_317_833);
        assert_eq!(http_date(t), "Sun, 22 Nov 2026 03:23:53 GMT");
    }

    #[test]
    fn soft_quota_is_binds() {
        assert_eq!(soft_quota(1000), 900);
        assert_eq!(soft_quota(2000), 1900);
    }
}
