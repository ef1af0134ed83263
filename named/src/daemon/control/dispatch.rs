//! From a command line to its handler: the rights of read-only channels, BIND's log line
//! for each command, and the answer to commands Rivet does not know.

use ctl::{CommandRequest, Outcome, ResultCode};

use super::{admin, dumpdb, stats, status, zones};
use crate::daemon::log::{debug, error, info};
use crate::daemon::server::Server;
use crate::xfr::ZoneKey;

/// What runs once the reply is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum After {
    /// Nothing.
    Nothing,
    /// Read this zone's file again (`reload ZONE`).
    ReloadZone(ZoneKey),
    /// Shut down, logging this line.
    Stop(&'static str),
}

/// The commands a `read-only yes` channel accepts (BIND 9.18's list, less those Rivet
/// does not have).
const READ_ONLY: &[&str] = &["null", "status", "zonestatus"];

/// Runs `request` and says what its reply is and what comes after it.
pub fn handle(server: &mut Server, request: &CommandRequest, read_only: bool) -> (Outcome, After) {
    let verb = request.verb();
    let words = request.words();
    if read_only && !READ_ONLY.contains(&verb.as_str()) {
        error!(
            General,
            "rejecting restricted control channel command '{}'",
            request.command()
        );
        return (Outcome::error(ResultCode::FAILURE), After::Nothing);
    }
    if verb == "null" || verb == "status" {
        debug!(
            1,
            General,
            "received control channel command '{}'",
            request.command()
        );
    } else {
        info!(
            General,
            "received control channel command '{}'",
            request.command()
        );
    }
    server.shared().stats.command();
    let now = |outcome: Outcome| (outcome, After::Nothing);
    match verb.as_str() {
        "null" => now(Outcome::ok()),
        "status" => now(Outcome::text(status::text(server))),
        "reload" if words.len() > 1 => zones::reload(server, &words),
        "reload" => now(admin::reload(server)),
        "reconfig" => now(admin::reconfig(server)),
        "stop" => admin::stop(&words, "shutting down: flushing changes"),
        "halt" => admin::stop(&words, "shutting down"),
        "querylog" => now(admin::querylog(&words)),
        "trace" => now(admin::trace(&words)),
        "notrace" => now(admin::notrace()),
        "flush" => now(admin::flush(server, &words)),
        "flushname" => now(admin::flush_name(server, &words, false)),
        "flushtree" => now(admin::flush_name(server, &words, true)),
        "dumpdb" => now(dumpdb::dumpdb(server, &words)),
        "stats" => now(stats::stats(server, &words)),
        "zonestatus" => now(zones::status(server, &words)),
        "notify" => now(zones::notify(server, &words)),
        "refresh" => now(zones::refresh(server, &words)),
        "retransfer" => now(zones::retransfer(server, &words)),
        "freeze" => now(zones::freeze(server, &words)),
        "thaw" => now(zones::thaw(server, &words)),
        "sync" => now(zones::sync(server, &words)),
        _ => now(Outcome::error(ResultCode::UNKNOWN_COMMAND)),
    }
}
