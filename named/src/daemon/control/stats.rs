//! `stats`: one dump of the counters appended to `statistics-file`, as BIND appends it;
//! `stats -json`, Rivet's own form, answers with the counters as JSON instead.

use std::io::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use ctl::{Outcome, ResultCode};

use crate::daemon::log::{error, info};
use crate::daemon::server::Server;
use crate::stats::{Snapshot, dump};

/// `stats [-json]`.
pub fn stats(server: &Server, words: &[String]) -> Outcome {
    let config = server.config();
    let shared = server.shared();
    let snapshot = Snapshot {
        totals: shared.stats.totals(),
        views: config.views.iter().map(|v| v.name.clone()).collect(),
        caches: shared.forward.stats(),
        commands: shared.stats.commands(),
        zone: Default::default(),
        xfr_out_done: 0,
        xfr_out_bytes: 0,
        xfr_in_bytes: 0,
        zones: shared.stats.zone_totals(),
        zones_xfr_out: Vec::new(),
    }
    .with_zone_counters();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if words.get(1).is_some_and(|w| w == "-json") {
        return Outcome::text(dump::json(&snapshot, now));
    }
    let path = &config.options.statistics_file;
    if let Err(e) = append(path, dump::text(&snapshot, now).as_bytes()) {
        error!(General, "dumpstats failed: '{}': {e}", path.display());
        return Outcome::error(ResultCode::FAILURE);
    }
    info!(General, "dumpstats complete");
    Outcome::ok()
}

/// Appends `bytes` to `path` (created if missing) and flushes them to disk.
fn append(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_data()
}
