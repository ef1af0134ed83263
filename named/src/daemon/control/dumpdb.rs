//! `dumpdb [-all|-cache|-zones|-adb|-bad|-expired|-fail] [VIEW...]`: the caches and,
//! on request, the served zones, written to `dump-file` in BIND's layout.

use std::fmt::Write as _;
use std::io::Write as _;

use ctl::{Outcome, ResultCode};

use crate::checkzone::dump::write_zone;
use crate::daemon::log::{error, info};
use crate::daemon::server::Server;
use crate::forward::dump::cache_text;
use crate::xfr::ZoneKey;

/// What a dump holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Scope {
    cache: bool,
    zones: bool,
    /// The address database, bad and SERVFAIL caches: Rivet keeps none, so their
    /// sections are written empty.
    tables: bool,
}

/// `dumpdb`.
pub fn dumpdb(server: &Server, words: &[String]) -> Outcome {
    let mut scope = Scope::default();
    let mut chosen = false;
    let mut views = Vec::new();
    let mut flags = Vec::new();
    for word in &words[1..] {
        match word.as_str() {
            "-all" => {
                (scope.cache, scope.zones, scope.tables) = (true, true, true);
                chosen = true;
            }
            "-cache" => {
                (scope.cache, scope.tables) = (true, true);
                chosen = true;
            }
            "-zones" => {
                scope.zones = true;
                chosen = true;
            }
            "-adb" | "-bad" | "-expired" | "-fail" => {
                scope.tables = true;
                chosen = true;
            }
            view => {
                views.push(view.to_owned());
                continue;
            }
        }
        flags.push(word.as_str());
    }
    if !chosen {
        (scope.cache, scope.tables) = (true, true);
    }
    if flags.is_empty() {
        info!(General, "dumpdb started");
    } else {
        info!(General, "dumpdb started: {}", flags.join(" "));
    }
    let config = server.config();
    if let Some(missing) = views
        .iter()
        .find(|v| !config.views.iter().any(|c| c.name == **v))
    {
        return Outcome::text(format!("view '{missing}' not found"));
    }
    let date = chrono::Utc::now().format("%Y%m%d%H%M%S").to_string();
    let mut text = String::new();
    for view in &config.views {
        if !views.is_empty() && !views.contains(&view.name) {
            continue;
        }
        let _ = write!(text, ";\n; Start view {}\n;\n", view.name);
        if scope.cache {
            let cache = server.shared().forward.cache(&view.name);
            text.push_str(&cache_text(&view.name, cache.as_deref(), &date));
        }
        if scope.tables {
            text.push_str(EMPTY_TABLES);
        }
        if scope.zones {
            for zone in &view.zones {
                let key = ZoneKey::new(&view.name, &zone.name, zone.class);
                let Some(data) = server.zone_data(&key) else {
                    continue;
                };
                let _ = write!(
                    text,
                    ";\n; Zone dump of '{}/{}'\n;\n",
                    zone.name.to_string().trim_end_matches('.'),
                    zone.class
                );
                let mut bytes = Vec::new();
                if write_zone(&data, &mut bytes).is_ok() {
                    text.push_str(&String::from_utf8_lossy(&bytes));
                }
            }
        }
    }
    text.push_str("; Dump complete\n");
    let path = config.options.dump_file.clone();
    if let Err(e) = write_whole(&path, text.as_bytes()) {
        error!(General, "dumpdb: '{}': {e}", path.display());
        return Outcome::error(ResultCode::FAILURE);
    }
    info!(General, "dumpdb complete");
    Outcome::ok()
}

/// The sections BIND writes for tables Rivet does not keep.
const EMPTY_TABLES: &str = ";\n; Address database dump\n;\n; [edns success/timeout]\n; [plain success/timeout]\n;\n;\n; Unassociated entries\n;\n;\n; Bad cache\n;\n;\n; SERVFAIL cache\n;\n";

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`.
fn write_whole(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}
