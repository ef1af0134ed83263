//! Zone files into zone snapshots, at start-up and on every reload.
//!
//! The store remembers, for each zone it serves, the snapshot and what it was built from:
//! the file's identity (device, inode, size, modification time) and the settings that
//! shape a load. A reload reads only the files whose identity or settings changed (and
//! retries every zone that is not loaded), reuses the other snapshots as they are (the same
//! `Arc`), and keeps serving the old snapshot of a zone whose new file fails, as BIND does
//! (bind-behaviour §4). Zones gone from the configuration are forgotten.
//!
//! Secondary and mirror zones are not transferred yet: a saved copy in text format is
//! served as it is, without refresh; without one the zone answers SERVFAIL, as BIND's does
//! before its first transfer.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use conf::model::{Config, MasterFormat, View, ZoneKind};
use zones::master::{self, Checks, ParseOptions};
use zones::zone::{CheckOptions, Mode, Rejection, Zone, ZoneError};
use zones::{Class, Diagnostic, Name};

use super::log::{self, Category, Severity, debug, error, info, warning};
use crate::answer::ServedZone;

/// Which zone: its view, name and class.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ZoneKey {
    view: String,
    name: Name,
    class: Class,
}

/// The identity of a file's contents, as far as the file system tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: i64,
    mtime_nsec: i64,
}

impl FileStamp {
    fn of(path: &Path) -> Option<Self> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Self {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: meta.mtime(),
            mtime_nsec: meta.mtime_nsec(),
        })
    }
}

/// Everything besides the file's contents that a load depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Recipe {
    file: PathBuf,
    base_dir: PathBuf,
    checks: Checks,
    zone_checks: CheckOptions,
}

/// A zone being served.
struct Held {
    zone: Arc<Zone>,
    stamp: Option<FileStamp>,
    recipe: Recipe,
}

/// The zones of the running configuration.
#[derive(Default)]
pub struct ZoneStore {
    held: HashMap<ZoneKey, Held>,
}

/// What an update did.
pub struct Update {
    /// Every served zone, for the engine.
    pub served: Vec<ServedZone>,
    /// Zones read from their files this time.
    pub loaded: usize,
    /// Zones whose file failed this time (an older copy may still be served).
    pub failed: usize,
}

/// A zone to serve from a file.
struct Job {
    key: ZoneKey,
    view: usize,
    /// `zone NAME/CLASS` (plus `/VIEW` outside the default view), for messages.
    label: String,
    recipe: Recipe,
    stamp: Option<FileStamp>,
}

/// Why a zone file did not load.
struct Failure {
    /// Every message the attempt produced, in order.
    diagnostics: Vec<Diagnostic>,
    /// The `loading from master file ... failed:` reason, when the failure was in reading.
    reason: Option<String>,
}

type Outcome = Result<(Zone, Vec<Diagnostic>), Failure>;

impl ZoneStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many zones have data.
    pub fn len(&self) -> usize {
        self.held.len()
    }

    /// Whether no zone has data.
    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    /// Every zone of `config` with no data yet: what is served while the files load
    /// (SERVFAIL for each, as BIND answers for a zone not loaded yet).
    pub fn unloaded(config: &Config) -> Vec<ServedZone> {
        let mut served = Vec::new();
        for (index, view) in config.views.iter().enumerate() {
            for zone in view.zones.iter().filter(|z| serves(&z.kind)) {
                served.push(ServedZone {
                    view: index,
                    name: zone.name.clone(),
                    zone: None,
                });
            }
        }
        served
    }

    /// Brings the store in line with `config`, reading at most `parallel` files at a time,
    /// and logs what happened to each zone as BIND does.
    pub fn update(&mut self, config: &Config, parallel: usize) -> Update {
        let mut served = Vec::new();
        let mut jobs = Vec::new();
        for (index, view) in config.views.iter().enumerate() {
            for zone in &view.zones {
                let key = ZoneKey {
                    view: view.name.clone(),
                    name: zone.name.clone(),
                    class: zone.class,
                };
                let label = label(view, &zone.name, zone.class);
                match job_for(config, zone, &label) {
                    Some(recipe) => {
                        let stamp = FileStamp::of(&recipe.file);
                        jobs.push(Job {
                            key,
                            view: index,
                            label,
                            recipe,
                            stamp,
                        });
                    }
                    None if serves(&zone.kind) => served.push(ServedZone {
                        view: index,
                        name: zone.name.clone(),
                        zone: None,
                    }),
                    None => {}
                }
            }
        }

        let needs: Vec<bool> = jobs
            .iter()
            .map(|job| match self.held.get(&job.key) {
                Some(held) => {
                    held.recipe != job.recipe || job.stamp.is_none() || held.stamp != job.stamp
                }
                None => true,
            })
            .collect();
        let todo: Vec<&Job> = jobs
            .iter()
            .zip(&needs)
            .filter_map(|(job, &need)| need.then_some(job))
            .collect();
        let outcomes = load_all(&todo, parallel);

        let mut update = Update {
            served: Vec::new(),
            loaded: 0,
            failed: 0,
        };
        let mut fresh: HashMap<ZoneKey, Held> = HashMap::with_capacity(jobs.len());
        let mut outcomes = outcomes.into_iter();
        for (job, &reloaded) in jobs.iter().zip(&needs) {
            let old = self.held.remove(&job.key);
            let now = if reloaded {
                let outcome = outcomes.next();
                match outcome {
                    Some(Ok((zone, warnings))) => {
                        report(&job.label, &warnings);
                        log_serial(&job.label, old.as_ref().map(|h| h.zone.serial()), &zone);
                        update.loaded += 1;
                        Some(Held {
                            zone: Arc::new(zone),
                            stamp: job.stamp,
                            recipe: job.recipe.clone(),
                        })
                    }
                    Some(Err(failure)) => {
                        report(&job.label, &failure.diagnostics);
                        if let Some(reason) = &failure.reason {
                            error!(
                                Zoneload,
                                "{}: loading from master file {} failed: {reason}",
                                job.label,
                                job.recipe.file.display()
                            );
                        }
                        error!(Zoneload, "{}: not loaded due to errors.", job.label);
                        update.failed += 1;
                        old
                    }
                    None => old,
                }
            } else {
                old
            };
            update.served.push(ServedZone {
                view: job.view,
                name: job.key.name.clone(),
                zone: now.as_ref().map(|h| Arc::clone(&h.zone)),
            });
            if let Some(held) = now {
                fresh.insert(job.key.clone(), held);
            }
        }
        for (key, _) in self.held.drain() {
            debug!(
                1,
                Zoneload, "zone {}/{}: no longer configured", key.name, key.class
            );
        }
        self.held = fresh;
        update.served.extend(served);
        update
    }
}

/// Whether the engine should know the zone (to answer SERVFAIL while it has no data).
fn serves(kind: &ZoneKind) -> bool {
    matches!(
        kind,
        ZoneKind::Primary | ZoneKind::Secondary | ZoneKind::Mirror
    )
}

/// `zone example.com/IN`, with `/VIEW` outside the default view.
fn label(view: &View, name: &Name, class: Class) -> String {
    let mut text = format!("zone {}/{class}", master::message_name(name));
    if !view.implicit && view.name != "_default" {
        text.push('/');
        text.push_str(&view.name);
    }
    text
}

/// How to load a configured zone; `None` (with the reason logged) when it is not loaded
/// from a file.
fn job_for(config: &Config, zone: &conf::model::Zone, label: &str) -> Option<Recipe> {
    let secondary = match &zone.kind {
        ZoneKind::Primary => false,
        ZoneKind::Secondary | ZoneKind::Mirror => true,
        ZoneKind::Hint => {
            debug!(
                1,
                Zoneload, "{label}: hint zones are used only for recursion; ignored"
            );
            return None;
        }
        ZoneKind::InView(other) => {
            warning!(
                Zoneload,
                "{label}: in-view zones are not supported yet; the zone of view '{other}' is not served here"
            );
            return None;
        }
        other => {
            warning!(
                Zoneload,
                "{label}: type {} zones are not supported yet; not served",
                other.type_name()
            );
            return None;
        }
    };
    let Some(file) = &zone.file else {
        if secondary {
            warning!(
                Zoneload,
                "{label}: zone transfers are not supported yet and the zone has no file; answering SERVFAIL"
            );
        } else {
            error!(Zoneload, "{label}: no 'file' given; not loaded");
        }
        return None;
    };
    if secondary {
        if !file.exists() {
            warning!(
                Zoneload,
                "{label}: zone transfers are not supported yet and there is no saved copy {}; answering SERVFAIL",
                file.display()
            );
            return None;
        }
        if zone.masterfile_format == MasterFormat::Raw {
            warning!(
                Zoneload,
                "{label}: zone transfers are not supported yet and the saved copy {} is in raw format, which Rivet does not read (set masterfile-format text); answering SERVFAIL",
                file.display()
            );
            return None;
        }
        warning!(
            Zoneload,
            "{label}: zone transfers are not supported yet; serving the saved copy {} without refreshing it",
            file.display()
        );
    } else if zone.masterfile_format == MasterFormat::Raw {
        error!(
            Zoneload,
            "{label}: loading from master file {} failed: raw zone files are not supported",
            file.display()
        );
        error!(Zoneload, "{label}: not loaded due to errors.");
        return None;
    }
    let names = match zone.check_names {
        conf::model::CheckMode::Fail => Mode::Fail,
        conf::model::CheckMode::Warn => Mode::Warn,
        conf::model::CheckMode::Ignore => Mode::Ignore,
    };
    Some(Recipe {
        file: file.clone(),
        base_dir: config.options.directory.clone(),
        checks: Checks {
            names,
            max_ttl: zone.max_zone_ttl,
            ..Checks::default()
        },
        // BIND makes the integrity checks on the zones it is primary for only.
        zone_checks: CheckOptions {
            check_integrity: !secondary,
            ..CheckOptions::default()
        },
    })
}

/// Loads every job, `parallel` at a time; the outcomes are in the jobs' order.
fn load_all(jobs: &[&Job], parallel: usize) -> Vec<Outcome> {
    let workers = parallel.clamp(1, jobs.len().max(1));
    if workers == 1 {
        return jobs.iter().map(|job| load_guarded(job)).collect();
    }
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, Outcome)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(index) else {
                            break;
                        };
                        mine.push((index, load_guarded(job)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|(index, _)| *index);
    let mut results = results.into_iter().peekable();
    (0..jobs.len())
        .map(|index| match results.next_if(|(i, _)| *i == index) {
            Some((_, outcome)) => outcome,
            None => Err(internal_failure()),
        })
        .collect()
}

/// [`load_zone`], with a panic (a bug, never an input's fault) turned into a failed load
/// of that zone rather than the end of the server.
fn load_guarded(job: &Job) -> Outcome {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| load_zone(job)))
        .unwrap_or_else(|_| Err(internal_failure()))
}

fn internal_failure() -> Failure {
    Failure {
        diagnostics: Vec::new(),
        reason: Some("internal error".into()),
    }
}

/// Reads and builds one zone.
fn load_zone(job: &Job) -> Outcome {
    let recipe = &job.recipe;
    let opts = ParseOptions {
        origin: job.key.name.clone(),
        class: job.key.class,
        base_dir: recipe.base_dir.clone(),
        default_ttl: None,
    };
    let report = master::parse_file_with(&recipe.file, &opts, &recipe.checks);
    if let Some(first) = report.errors.first() {
        return Err(Failure {
            reason: Some(first.summary().into_owned()),
            diagnostics: report.diagnostics,
        });
    }
    let mut diagnostics = report.diagnostics;
    match Zone::build(
        job.key.name.clone(),
        job.key.class,
        report.records,
        &recipe.zone_checks,
    ) {
        Ok((zone, more)) => {
            diagnostics.extend(more);
            Ok((zone, diagnostics))
        }
        Err(ZoneError::Rejected {
            reason,
            diagnostics: more,
        }) => {
            diagnostics.extend(more);
            Err(Failure {
                diagnostics,
                // Problems found while adding data fail the load itself; those found in the
                // loaded zone only keep it from being served.
                reason: (reason != Rejection::BadZone).then(|| reason.to_string()),
            })
        }
        Err(other) => Err(Failure {
            diagnostics,
            reason: Some(other.to_string()),
        }),
    }
}

/// Logs a load's messages: those naming a place as they are, the others about the zone.
fn report(label: &str, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let severity = match d.severity {
            zones::Severity::Error => Severity::Error,
            zones::Severity::Warning => Severity::Warning,
        };
        if d.file.is_some() {
            log::write(Category::General, severity, format_args!("{d}"));
        } else {
            log::write(Category::Zoneload, severity, format_args!("{label}: {d}"));
        }
    }
}

/// `loaded serial N`, after BIND's complaints about a serial that did not go up.
fn log_serial(label: &str, old: Option<u32>, zone: &Zone) {
    let serial = zone.serial();
    if let Some(old) = old {
        match zones::serial::compare(serial, old) {
            Some(std::cmp::Ordering::Equal) => error!(
                Zoneload,
                "{label}: zone serial ({serial}) unchanged. zone may fail to transfer to secondaries."
            ),
            Some(std::cmp::Ordering::Less) | None => error!(
                Zoneload,
                "{label}: zone serial ({serial}/{old}) has gone backwards"
            ),
            Some(std::cmp::Ordering::Greater) => {}
        }
    }
    let signed = if zone.is_signed() {
        " (DNSSEC signed)"
    } else {
        ""
    };
    info!(Zoneload, "{label}: loaded serial {serial}{signed}");
}
