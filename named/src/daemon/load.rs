//! Zone files into zone snapshots, at start-up and on every reload.
//!
//! The store remembers, for each zone it serves, the snapshot and what it was built from:
//! the file's identity (device, inode, size, modification time), the identities of the
//! files it `$INCLUDE`d, and the settings that shape a load. A reload reads only the zones
//! whose file, included files or settings changed (and retries every zone that is not
//! loaded), reuses the other snapshots as they are (the same `Arc`), and keeps serving
//! the old snapshot of a zone whose new file fails, as BIND does (bind-behaviour §4).
//! Zones gone from the configuration are forgotten.
//!
//! Secondary and mirror zones are read from their saved copy once, when they first
//! appear; after that their data comes from transfers ([`ZoneStore::install`]) and goes at
//! expiry ([`ZoneStore::expire`]), never from the file again (the file is ours: the
//! transfer code writes it). Without a saved copy a secondary answers SERVFAIL until its
//! first transfer, as BIND's does.

use std::collections::{HashMap, HashSet};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use conf::model::{Config, JournalSize, MasterFormat, View, ZoneKind};
use zones::master::{self, Checks, ParseOptions};
use zones::zone::{CheckOptions, Mode, Rejection, Zone, ZoneError};
use zones::{Class, Diagnostic, Name};

use super::log::{self, Category, Severity, debug, error, info, warning};
use crate::answer::ServedZone;

pub use crate::xfr::ZoneKey;

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
    /// The files its file `$INCLUDE`d, as they were when read: a change to one reloads
    /// the zone too, as in BIND.
    includes: Vec<(PathBuf, Option<FileStamp>)>,
    /// What it was read with; `None` for a copy that came by transfer.
    recipe: Option<Recipe>,
    /// When it was read or transferred (`zonestatus`'s `last loaded`).
    loaded_at: SystemTime,
}

/// What `zonestatus` tells of a zone with data.
#[derive(Debug, Clone)]
pub struct ZoneFacts {
    /// The data served.
    pub zone: Arc<Zone>,
    /// When it was read or transferred.
    pub loaded_at: SystemTime,
    /// The files its file `$INCLUDE`d.
    pub includes: Vec<PathBuf>,
}

/// The zones of the running configuration.
#[derive(Default)]
pub struct ZoneStore {
    held: HashMap<ZoneKey, Held>,
    /// Secondary zones whose copy expired: SERVFAIL until a transfer succeeds.
    expired: HashSet<ZoneKey>,
}

/// What an update did.
pub struct Update {
    /// Every served zone, for the engine.
    pub served: Vec<ServedZone>,
    /// Zones read from their files this time.
    pub loaded: usize,
    /// Zones whose file failed this time (an older copy may still be served).
    pub failed: usize,
    /// The zones read from their files this time, with the serial served before.
    pub reloaded: Vec<(ZoneKey, Option<u32>)>,
}

/// A zone to serve from a file.
struct Job {
    key: ZoneKey,
    view: usize,
    /// `zone NAME/CLASS` (plus `/VIEW` outside the default view), for messages.
    label: String,
    recipe: Recipe,
    stamp: Option<FileStamp>,
    /// The journal a reload records its differences in (`ixfr-from-differences` on a
    /// primary).
    journal: Option<PathBuf>,
    /// `max-journal-size`.
    journal_size: JournalSize,
}

/// Why a zone file did not load.
struct Failure {
    /// Every message the attempt produced, in order.
    diagnostics: Vec<Diagnostic>,
    /// The `loading from master file ... failed:` reason, when the failure was in reading.
    reason: Option<String>,
}

/// A zone read, its messages, and the files it included (with their identities).
type Outcome = Result<(Zone, Vec<Diagnostic>, Vec<(PathBuf, Option<FileStamp>)>), Failure>;

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

    /// The data served for `key`.
    pub fn zone(&self, key: &ZoneKey) -> Option<Arc<Zone>> {
        self.held.get(key).map(|h| Arc::clone(&h.zone))
    }

    /// Serves a transferred copy for the secondary zone `key`.
    pub fn install(&mut self, key: &ZoneKey, zone: Arc<Zone>, file: Option<&Path>) {
        self.expired.remove(key);
        self.held.insert(
            key.clone(),
            Held {
                zone,
                stamp: file.and_then(FileStamp::of),
                includes: Vec::new(),
                recipe: None,
                loaded_at: SystemTime::now(),
            },
        );
    }

    /// Drops the data of the secondary zone `key`: it expired.
    pub fn expire(&mut self, key: &ZoneKey) {
        self.held.remove(key);
        self.expired.insert(key.clone());
    }

    /// Every zone of `config` the engine knows, with the data held for it.
    pub fn served(&self, config: &Config) -> Vec<ServedZone> {
        let mut served = Vec::new();
        for (index, view) in config.views.iter().enumerate() {
            for zone in view.zones.iter().filter(|z| serves(&z.kind)) {
                let key = ZoneKey::new(&view.name, &zone.name, zone.class);
                served.push(ServedZone {
                    view: index,
                    name: zone.name.clone(),
                    zone: self.zone(&key),
                });
            }
        }
        served
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
        self.update_where(config, parallel, &|_, _| true)
    }

    /// [`Self::update`], reading only the zones `only` picks (given the key and whether the
    /// zone has data now): one zone for `rndc reload ZONE`, the new ones for `rndc reconfig`.
    pub fn update_where(
        &mut self,
        config: &Config,
        parallel: usize,
        only: &dyn Fn(&ZoneKey, bool) -> bool,
    ) -> Update {
        let mut served = Vec::new();
        let mut jobs = Vec::new();
        let mut kept = Vec::new();
        for (index, view) in config.views.iter().enumerate() {
            for zone in &view.zones {
                let key = ZoneKey::new(&view.name, &zone.name, zone.class);
                let label = label(view, &zone.name, zone.class);
                let secondary = matches!(zone.kind, ZoneKind::Secondary | ZoneKind::Mirror);
                if secondary && (self.held.contains_key(&key) || self.expired.contains(&key)) {
                    // Transfers keep this copy current; the file is only a copy of it.
                    kept.push((index, key, zone.name.clone()));
                    continue;
                }
                match job_for(config, zone, &label) {
                    Some(recipe) => {
                        let stamp = FileStamp::of(&recipe.file);
                        let journal = (zone.kind == ZoneKind::Primary
                            && zone.ixfr_from_differences)
                            .then(|| zone.journal.clone())
                            .flatten();
                        jobs.push(Job {
                            key,
                            view: index,
                            journal_size: zone.max_journal_size,
                            label,
                            recipe,
                            stamp,
                            journal,
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
            .map(|job| {
                only(&job.key, self.held.contains_key(&job.key))
                    && self.stale(&job.key, &job.recipe, job.stamp)
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
            reloaded: Vec::new(),
        };
        let mut fresh: HashMap<ZoneKey, Held> = HashMap::with_capacity(jobs.len());
        let mut outcomes = outcomes.into_iter();
        for (job, &reloaded) in jobs.iter().zip(&needs) {
            let old = self.held.remove(&job.key);
            let now = if reloaded {
                let outcome = outcomes.next();
                match outcome {
                    Some(Ok((zone, warnings, includes))) => {
                        report(&job.label, &warnings);
                        let old_serial = old.as_ref().map(|h| h.zone.serial());
                        let journaled = match (&job.journal, &old) {
                            (Some(path), Some(held)) => {
                                journal_differences(job, path, &held.zone, &zone)
                            }
                            _ => Ok(()),
                        };
                        if journaled.is_ok() {
                            log_serial(&job.label, old_serial, &zone);
                            update.loaded += 1;
                            update.reloaded.push((job.key.clone(), old_serial));
                            Some(Held {
                                zone: Arc::new(zone),
                                stamp: job.stamp,
                                includes,
                                recipe: Some(job.recipe.clone()),
                                loaded_at: SystemTime::now(),
                            })
                        } else {
                            error!(Zoneload, "{}: not loaded due to errors.", job.label);
                            update.failed += 1;
                            old
                        }
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
        let mut expired = HashSet::new();
        for (view, key, name) in kept {
            let held = self.held.remove(&key);
            update.served.push(ServedZone {
                view,
                name,
                zone: held.as_ref().map(|h| Arc::clone(&h.zone)),
            });
            match held {
                Some(held) => {
                    fresh.insert(key, held);
                }
                None => {
                    expired.insert(key);
                }
            }
        }
        self.expired = expired;
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

impl ZoneStore {
    /// Whether the zone `key` must be read again: no data, other settings, or a file
    /// (or an included file) that changed.
    fn stale(&self, key: &ZoneKey, recipe: &Recipe, stamp: Option<FileStamp>) -> bool {
        match self.held.get(key) {
            Some(held) => {
                held.recipe.as_ref() != Some(recipe)
                    || stamp.is_none()
                    || held.stamp != stamp
                    || held
                        .includes
                        .iter()
                        .any(|(path, stamp)| FileStamp::of(path) != *stamp)
            }
            None => true,
        }
    }

    /// Whether the zone `key` of `config` is loaded from its file and that file (with its
    /// includes and settings) is unchanged; `None` when it is not loaded from a file here.
    pub fn is_current(&self, config: &Config, key: &ZoneKey) -> Option<bool> {
        let view = config.views.iter().find(|v| v.name == key.view)?;
        let zone = view
            .zones
            .iter()
            .find(|z| z.class == key.class && z.name.to_lowercase() == key.name)?;
        let recipe = job_for(config, zone, &label(view, &zone.name, zone.class))?;
        let stamp = FileStamp::of(&recipe.file);
        Some(!self.stale(key, &recipe, stamp))
    }

    /// What is known of the data served for `key`.
    pub fn facts(&self, key: &ZoneKey) -> Option<ZoneFacts> {
        self.held.get(key).map(|h| ZoneFacts {
            zone: Arc::clone(&h.zone),
            loaded_at: h.loaded_at,
            includes: h.includes.iter().map(|(p, _)| p.clone()).collect(),
        })
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
            info!(
                Zoneload,
                "{label}: no 'file' given: the zone is kept in memory only and answers SERVFAIL until its first transfer"
            );
        } else {
            error!(Zoneload, "{label}: no 'file' given; not loaded");
        }
        return None;
    };
    if secondary {
        if !file.exists() {
            debug!(
                1,
                Zoneload,
                "{label}: no saved copy {}; answering SERVFAIL until the first transfer",
                file.display()
            );
            return None;
        }
        if is_raw(file) {
            warning!(
                Zoneload,
                "{label}: the saved copy {} is in BIND's raw format, which Rivet does not read; answering SERVFAIL until the first transfer, which saves it as text",
                file.display()
            );
            return None;
        }
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

/// `ixfr-from-differences`: records what changed between the served copy and the new
/// file in the zone's journal, so that IXFR can send it. A new serial that is not above
/// the old one (RFC 1982) fails the load, as in BIND; so does a journal that cannot be
/// written.
fn journal_differences(job: &Job, path: &Path, old: &Zone, new: &Zone) -> Result<(), ()> {
    use zones::diff::Diff;
    let label = job.label.as_str();
    use zones::journal::Journal;
    let diff = match Diff::between(old, new) {
        Ok(diff) => diff,
        Err(e) => {
            error!(Zoneload, "{label}: ixfr-from-differences: {e}");
            return Err(());
        }
    };
    if diff.is_empty() {
        return Ok(());
    }
    let (from, to) = (old.serial(), new.serial());
    if !zones::serial::Serial(to).is_newer_than(zones::serial::Serial(from)) {
        error!(
            Zoneload,
            "{label}: ixfr-from-differences: new serial ({to}) out of range [{} - {}]",
            from.wrapping_add(1),
            from.wrapping_add(zones::serial::MAX_INCREMENT)
        );
        return Err(());
    }
    let opened = if path.exists() {
        Journal::open(path).map(|(journal, _)| journal)
    } else {
        Journal::create(path, new.origin(), new.class())
    };
    let written = opened.and_then(|mut journal| {
        // A journal left from another history cannot continue this one: start afresh.
        if journal.last_serial().is_some_and(|last| last != from) {
            journal = Journal::create(path, new.origin(), new.class())?;
        }
        journal.append(&diff)?;
        let limit = journal_limit(job.journal_size, Some(&job.recipe.file));
        // The newest transaction always stays, so that the secondaries one version behind
        // get an increment however small the limit.
        let dropped = journal.trim(limit, Some(from))?;
        if dropped > 0 {
            info!(
                Zoneload,
                "{}",
                crate::xfr::journal::trimmed_message(label, path, dropped, limit)
            );
        }
        Ok(())
    });
    written.map_err(|e| {
        error!(
            Zoneload,
            "{label}: ixfr-from-differences: journal {}: {e}",
            path.display()
        );
    })
}

/// The size `max-journal-size` allows a journal: BIND's default is twice the size of the
/// zone (here, of its file), and no journal grows past 2 GiB.
pub(crate) fn journal_limit(setting: JournalSize, zone_file: Option<&Path>) -> u64 {
    const CAP: u64 = 2 << 30;
    match setting {
        JournalSize::Bytes(bytes) => bytes.min(CAP),
        JournalSize::Unlimited => CAP,
        JournalSize::Default => zone_file
            .and_then(|f| std::fs::metadata(f).ok())
            .map_or(CAP, |m| m.len().saturating_mul(2))
            .min(CAP),
    }
}

/// Whether `file` starts with the header of BIND's raw format (format 2, version 0 or 1).
fn is_raw(file: &Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 8];
    std::fs::File::open(file)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| head[..4] == [0, 0, 0, 2] && head[4..7] == [0, 0, 0] && head[7] <= 1)
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
    let includes = report
        .included
        .into_iter()
        .map(|path| {
            let stamp = FileStamp::of(&path);
            (path, stamp)
        })
        .collect();
    match Zone::build(
        job.key.name.clone(),
        job.key.class,
        report.records,
        &recipe.zone_checks,
    ) {
        Ok((zone, more)) => {
            diagnostics.extend(more);
            Ok((zone, diagnostics, includes))
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
