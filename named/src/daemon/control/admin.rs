//! Server-wide commands: reload, reconfig, stop and halt, query logging, the debug level,
//! and the cache commands (`flush`, `flushname`, `flushtree`), which act on the
//! forwarding caches.

use ctl::{Outcome, ResultCode};

use super::args;
use super::dispatch::After;
use crate::daemon::log::{self, error, info};
use crate::daemon::querylog;
use crate::daemon::server::Server;

/// `reload`: the configuration and every changed zone file.
pub fn reload(server: &mut Server) -> Outcome {
    match server.reload_all() {
        Ok(()) => Outcome::text("server reload successful"),
        Err(reason) => Outcome::error_text(ResultCode::FAILURE, reason),
    }
}

/// `reconfig`: the configuration and the zones new to it.
pub fn reconfig(server: &mut Server) -> Outcome {
    match server.reconfig() {
        Ok(()) => Outcome::ok(),
        Err(reason) => Outcome::error_text(ResultCode::FAILURE, reason),
    }
}

/// `stop [-p]`, `halt [-p]`: the reply (with the pid for `-p`), then the shutdown.
pub fn stop(words: &[String], line: &'static str) -> (Outcome, After) {
    let outcome = if words.get(1).is_some_and(|w| w == "-p") {
        Outcome::text(format!("pid: {}", std::process::id()))
    } else {
        Outcome::ok()
    };
    (outcome, After::Stop(line))
}

/// `querylog [on|off]`: sets or toggles query logging.
pub fn querylog(words: &[String]) -> Outcome {
    let now = querylog::query_logging();
    let wanted = match words.get(1).map(|w| w.to_ascii_lowercase()) {
        None => !now,
        Some(w) if matches!(w.as_str(), "on" | "yes" | "enable" | "true") => true,
        Some(w) if matches!(w.as_str(), "off" | "no" | "disable" | "false") => false,
        Some(_) => return Outcome::error(ResultCode::SYNTAX),
    };
    if wanted != now {
        querylog::set_query_logging(wanted);
        info!(
            General,
            "query logging is now {}",
            if wanted { "on" } else { "off" }
        );
    }
    Outcome::ok()
}

/// `trace [LEVEL]`: the debug level up by one, or set.
pub fn trace(words: &[String]) -> Outcome {
    let level = match words.get(1) {
        None => log::debug_level().saturating_add(1),
        Some(w) => match w.parse::<u32>() {
            Ok(n) => u8::try_from(n).unwrap_or(u8::MAX),
            Err(_) => return Outcome::error(ResultCode::SYNTAX),
        },
    };
    log::set_debug_level(level);
    info!(General, "debug level is now {level}");
    Outcome::ok()
}

/// `notrace`: debug level 0.
pub fn notrace() -> Outcome {
    log::set_debug_level(0);
    info!(General, "debug level is now 0");
    Outcome::ok()
}

/// `flush [VIEW]`: empties the caches of all views, or of one.
pub fn flush(server: &Server, words: &[String]) -> Outcome {
    let forward = &server.shared().forward;
    match words.get(1) {
        None => {
            let _ = forward.flush(None);
            info!(General, "flushing caches in all views succeeded");
            Outcome::ok()
        }
        Some(view) if args::has_view(&server.config(), view) => {
            // A view that never cached anything has nothing to flush.
            let _ = forward.flush(Some(view));
            info!(General, "flushing cache in view '{view}' succeeded");
            Outcome::ok()
        }
        Some(view) => {
            error!(
                General,
                "flushing cache in view '{view}' failed: view not found"
            );
            Outcome::error(ResultCode::NOT_FOUND)
        }
    }
}

/// `flushname NAME [VIEW]`, `flushtree NAME [VIEW]`: evicts the name (with `tree`, and
/// every name below it) from the caches.
pub fn flush_name(server: &Server, words: &[String], tree: bool) -> Outcome {
    let Some(text) = words.get(1) else {
        return Outcome::error(ResultCode::UNEXPECTED_END);
    };
    let name = match args::name(text) {
        Ok(name) => name,
        Err(code) => return Outcome::error(code),
    };
    let lower = name.to_lowercase();
    let forward = &server.shared().forward;
    let what = if tree { "tree" } else { "name" };
    match words.get(2) {
        None => {
            let _ = forward.flush_name(lower.as_wire(), tree, None);
            info!(
                General,
                "flushing {what} '{text}' in all cache views succeeded"
            );
        }
        Some(view) if args::has_view(&server.config(), view) => {
            let _ = forward.flush_name(lower.as_wire(), tree, Some(view));
            info!(
                General,
                "flushing {what} '{text}' in cache view '{view}' succeeded"
            );
        }
        Some(view) => {
            error!(
                General,
                "flushing {what} '{text}' in cache view '{view}' failed: view not found"
            );
            return Outcome::error(ResultCode::NOT_FOUND);
        }
    }
    Outcome::ok()
}
