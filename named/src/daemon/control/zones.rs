//! Commands about one zone: `reload ZONE`, `zonestatus`, `notify`, `refresh`,
//! `retransfer`, and `freeze`/`thaw`/`sync` (no zone is dynamic in Rivet, so they have
//! nothing to do, and answer as BIND does for a static zone).

use std::path::Path;

use conf::model::ZoneKind;
use ctl::{Outcome, ResultCode};

use super::args::{self, FoundZone};
use super::dispatch::After;
use super::status::http_date;
use crate::daemon::log::info;
use crate::daemon::server::Server;
use crate::xfr::secondary::Command;

fn find(server: &Server, words: &[String]) -> Result<FoundZone, Outcome> {
    args::zone(&server.config(), words)
}

fn is_secondary(zone: &FoundZone) -> bool {
    matches!(
        zone.conf.kind,
        ZoneKind::Secondary | ZoneKind::Mirror | ZoneKind::Stub
    )
}

/// `reload ZONE`: a primary's file is read again if it changed (after the reply); a
/// secondary is refreshed.
pub fn reload(server: &mut Server, words: &[String]) -> (Outcome, After) {
    let zone = match find(server, words) {
        Ok(zone) => zone,
        Err(outcome) => return (outcome, After::Nothing),
    };
    if is_secondary(&zone) {
        server.replication().command(&zone.key, Command::Refresh);
        return (Outcome::text("zone refresh queued"), After::Nothing);
    }
    match server.zone_is_current(&zone.key) {
        None => (Outcome::error(ResultCode::NOT_LOADED), After::Nothing),
        Some(true) => (Outcome::text("zone reload up-to-date"), After::Nothing),
        Some(false) if server.zone_facts(&zone.key).is_none() => {
            // Nothing served yet: load now, and say how it went.
            server.reload_zone(&zone.key);
            let outcome = if server.zone_facts(&zone.key).is_some() {
                Outcome::text("zone reload successful")
            } else {
                Outcome::error(ResultCode::NOT_LOADED)
            };
            (outcome, After::Nothing)
        }
        Some(false) => (
            Outcome::text("zone reload queued"),
            After::ReloadZone(zone.key),
        ),
    }
}

/// `path` as the configuration wrote it: relative to `directory` when under it.
fn shown(path: &Path, directory: &Path) -> String {
    path.strip_prefix(directory)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// `zonestatus ZONE`: BIND's block, with what Rivet knows.
pub fn status(server: &Server, words: &[String]) -> Outcome {
    let zone = match find(server, words) {
        Ok(zone) => zone,
        Err(outcome) => return outcome,
    };
    let Some(facts) = server.zone_facts(&zone.key) else {
        return Outcome::error(ResultCode::NOT_LOADED);
    };
    let config = server.config();
    let directory = config.options.directory.as_path();
    let mut lines = vec![
        format!("name: {}", zones::master::message_name(&zone.conf.name)),
        format!("type: {}", zone.conf.kind.type_name()),
    ];
    let mut files: Vec<String> = zone.conf.file.iter().map(|f| shown(f, directory)).collect();
    files.extend(facts.includes.iter().map(|f| shown(f, directory)));
    if !files.is_empty() {
        lines.push(format!("files: {}", files.join(", ")));
    }
    lines.push(format!("serial: {}", facts.zone.serial()));
    lines.push(format!("nodes: {}", facts.zone.node_count()));
    lines.push(format!("last loaded: {}", http_date(facts.loaded_at)));
    if is_secondary(&zone) {
        if let Some(schedule) = server.replication().schedule(&zone.key) {
            lines.push(format!(
                "next refresh: {}",
                http_date(schedule.next_refresh)
            ));
            if let Some(expires) = schedule.expires {
                lines.push(format!("expires: {}", http_date(expires)));
            }
        }
    }
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    lines.push(format!("secure: {}", yes_no(facts.zone.is_signed())));
    lines.push("dynamic: no".into());
    lines.push("reconfigurable via modzone: no".into());
    Outcome::text(lines.join("\n"))
}

/// `notify ZONE`: a round of NOTIFY.
pub fn notify(server: &Server, words: &[String]) -> Outcome {
    let zone = match find(server, words) {
        Ok(zone) => zone,
        Err(outcome) => return outcome,
    };
    server.replication().notify_zone(&zone.key);
    Outcome::text("zone notify queued")
}

/// `refresh ZONE`: an SOA check of a secondary now.
pub fn refresh(server: &Server, words: &[String]) -> Outcome {
    let zone = match find(server, words) {
        Ok(zone) => zone,
        Err(outcome) => return outcome,
    };
    if !is_secondary(&zone) {
        return Outcome::error_text(ResultCode::FAILURE, "not a secondary, mirror, or stub zone");
    }
    server.replication().command(&zone.key, Command::Refresh);
    Outcome::text("zone refresh queued")
}

/// `retransfer ZONE`: a full transfer of a secondary now.
pub fn retransfer(server: &Server, words: &[String]) -> Outcome {
    let zone = match find(server, words) {
        Ok(zone) => zone,
        Err(outcome) => return outcome,
    };
    if !is_secondary(&zone) {
        return Outcome::error_text(
            ResultCode::FAILURE,
            format!(
                "retransfer: inappropriate zone type: {}",
                zone.conf.kind.type_name()
            ),
        );
    }
    server.replication().command(&zone.key, Command::Retransfer);
    Outcome::ok()
}

/// `freeze [ZONE]`: every zone is static, so there is nothing to freeze.
pub fn freeze(server: &Server, words: &[String]) -> Outcome {
    if words.len() < 2 {
        info!(General, "freezing all zones: success");
        return Outcome::ok();
    }
    match find(server, words) {
        Ok(zone) if zone.conf.kind != ZoneKind::Primary => Outcome::error(ResultCode::NOT_PRIMARY),
        Ok(_) => Outcome::error(ResultCode::NOT_DYNAMIC),
        Err(outcome) => outcome,
    }
}

/// `thaw [ZONE]`: no zone is ever frozen, so thawing succeeds at once.
pub fn thaw(server: &Server, words: &[String]) -> Outcome {
    if words.len() < 2 {
        info!(General, "thawing all zones: success");
        return Outcome::ok();
    }
    match find(server, words) {
        Ok(zone) if zone.conf.kind != ZoneKind::Primary => Outcome::error(ResultCode::NOT_PRIMARY),
        Ok(zone) => {
            info!(General, "thawing zone '{}': success", zone.label);
            Outcome::ok()
        }
        Err(outcome) => outcome,
    }
}

/// `sync [-clean] [ZONE]`: static zones have no journal of updates to write out.
pub fn sync(server: &Server, words: &[String]) -> Outcome {
    let clean = words.get(1).is_some_and(|w| w == "-clean" || w == "-clear");
    let rest: Vec<String> = if clean {
        std::iter::once(words[0].clone())
            .chain(words[2..].iter().cloned())
            .collect()
    } else {
        words.to_vec()
    };
    if rest.len() < 2 {
        if clean {
            info!(
                General,
                "dumping all zones, removing journal files: success"
            );
        } else {
            info!(General, "dumping all zones: success");
        }
        return Outcome::ok();
    }
    match find(server, &rest) {
        Ok(zone) => {
            if clean {
                info!(
                    General,
                    "sync: dumping zone '{}', removing journal file: success", zone.label
                );
            } else {
                info!(General, "sync: dumping zone '{}': success", zone.label);
            }
            Outcome::ok()
        }
        Err(outcome) => outcome,
    }
}
