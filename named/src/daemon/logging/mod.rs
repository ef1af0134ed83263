//! The `logging` statement applied: channels, the categories routed to them, and the
//! built-in channels and routes BIND has without one.
//!
//! # Design
//!
//! The routing is immutable once built and shared through an `ArcSwap`: a reload builds a
//! new one (every file channel starts closed, so files are reopened, and rolled when
//! due, as BIND does on reload) and swaps it in; writers finish on the old one, whose
//! buffered files are flushed when it is dropped.
//!
//! Lines are written by the thread that logs them. Each file channel is a buffered writer
//! behind its own mutex, flushed after every line unless the channel is `buffered`: a
//! line costs one `write(2)` to the page cache, lines stay in order, none is lost and
//! rolling over happens under the same lock. Query threads log only rare errors, and
//! every query only when query logging is on, which is the price BIND's users expect of
//! it; a writer thread would add a copy and a wake-up per line and lose the last lines at
//! a crash, for no gain on a local disk.

pub mod file;
pub mod line;
pub mod syslog;

use std::collections::HashMap;
use std::fmt;
use std::io::Write as _;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use conf::model::{LogChannel, LogDestination, LogSeverity, Logging};

use super::log::{Category, Severity};
use file::{FileSpec, LogFile, Versions};
use line::{Layout, TimeFormat};

/// Where a channel writes.
#[derive(Debug)]
enum Sink {
    File(Mutex<LogFile>),
    Syslog(libc::c_int),
    Stderr,
    Null,
}

/// The least serious messages a channel takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Threshold {
    /// A fixed level: BIND's numbers, `critical` -5 up to `info` -1, `debug N` N.
    Level(i64),
    /// The server's debug level at the time of the message.
    Dynamic,
}

impl From<LogSeverity> for Threshold {
    fn from(severity: LogSeverity) -> Self {
        match severity {
            LogSeverity::Critical => Self::Level(-5),
            LogSeverity::Error => Self::Level(-4),
            LogSeverity::Warning => Self::Level(-3),
            LogSeverity::Notice => Self::Level(-2),
            LogSeverity::Info => Self::Level(-1),
            LogSeverity::Debug(n) => Self::Level(i64::from(n)),
            LogSeverity::Dynamic => Self::Dynamic,
        }
    }
}

/// BIND's number for a message's severity.
fn level(severity: Severity) -> i64 {
    match severity {
        Severity::Critical => -5,
        Severity::Error => -4,
        Severity::Warning => -3,
        Severity::Notice => -2,
        Severity::Info => -1,
        Severity::Debug(n) => i64::from(n),
    }
}

/// One channel.
#[derive(Debug)]
struct Channel {
    name: String,
    sink: Sink,
    threshold: Threshold,
    layout: Layout,
    /// Writes only while the server's debug level is above zero (`default_debug`).
    debug_only: bool,
}

impl Channel {
    fn accepts(&self, severity: Severity, debug_level: u8) -> bool {
        if self.debug_only && debug_level == 0 {
            return false;
        }
        let limit = match self.threshold {
            Threshold::Level(n) => n,
            Threshold::Dynamic => i64::from(debug_level),
        };
        level(severity) <= limit
    }

    fn write(&self, line: &str, severity: Severity) {
        match &self.sink {
            Sink::File(file) => {
                let failed = file
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .write_line(line);
                if let Err(e) = failed {
                    // BIND reports a log file it cannot open to syslog directly.
                    syslog::send(libc::LOG_DAEMON, Severity::Error, &e.to_string());
                }
            }
            Sink::Syslog(facility) => syslog::send(*facility, severity, line),
            Sink::Stderr => {
                let mut err = std::io::stderr().lock();
                // A closed standard error leaves nowhere to complain to.
                let _ = err
                    .write_all(line.as_bytes())
                    .and_then(|()| err.write_all(b"\n"));
            }
            Sink::Null => {}
        }
    }

    fn close(&self) {
        if let Sink::File(file) = &self.sink {
            file.lock().unwrap_or_else(PoisonError::into_inner).close();
        }
    }
}

/// The channels and which categories go to which.
#[derive(Debug)]
pub struct Routing {
    channels: Vec<Channel>,
    /// For each [`Category`] (by [`Category::index`]), the channels it goes to.
    routes: Vec<Vec<usize>>,
}

/// The channel names BIND defines itself.
const BUILT_IN: [&str; 4] = ["default_syslog", "default_stderr", "default_debug", "null"];

impl Routing {
    /// Everything to standard error with the time, up to the debug level (`-g`).
    pub fn stderr() -> Self {
        let channel = Channel {
            name: "default_stderr".into(),
            sink: Sink::Stderr,
            threshold: Threshold::Dynamic,
            layout: Layout {
                time: TimeFormat::Local,
                ..Layout::BARE
            },
            debug_only: false,
        };
        Self {
            channels: vec![channel],
            routes: vec![vec![0]; Category::ALL.len()],
        }
    }

    /// The channels and routes of `logging` (BIND's defaults without one); file channels
    /// are resolved against `directory` and checked (created when missing) as BIND checks
    /// them. The error is BIND's reason (`file not found`, `permission denied`, ...).
    pub fn build(logging: Option<&Logging>, directory: &Path) -> Result<Self, String> {
        let mut channels = built_in(directory);
        let mut by_name: HashMap<String, usize> = channels
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect();
        let empty = Logging::default();
        let logging = logging.unwrap_or(&empty);
        for config in &logging.channels {
            if BUILT_IN.contains(&config.name.as_str()) {
                continue;
            }
            let channel = channel(config, directory)?;
            by_name.insert(channel.name.clone(), channels.len());
            channels.push(channel);
        }
        let resolve = |names: &[String]| -> Vec<usize> {
            let mut found: Vec<usize> = Vec::new();
            for name in names {
                if let Some(&i) = by_name.get(name.as_str())
                    && !found.contains(&i)
                {
                    found.push(i);
                }
            }
            found
        };
        let mut configured: HashMap<&str, Vec<usize>> = HashMap::new();
        for (category, names) in &logging.categories {
            let entry = configured.entry(category.as_str()).or_default();
            for i in resolve(names) {
                if !entry.contains(&i) {
                    entry.push(i);
                }
            }
        }
        let default = configured
            .get("default")
            .cloned()
            .unwrap_or_else(|| resolve(&["default_syslog".to_owned(), "default_debug".to_owned()]));
        let routes = Category::ALL
            .iter()
            .map(|c| {
                configured
                    .get(c.name())
                    .cloned()
                    .unwrap_or_else(|| default.clone())
            })
            .collect();
        Ok(Self { channels, routes })
    }

    /// Writes `message` to every channel `category` goes to that takes `severity`.
    pub fn write(
        &self,
        category: Category,
        severity: Severity,
        message: fmt::Arguments<'_>,
        debug_level: u8,
    ) {
        let Some(route) = self.routes.get(category.index()) else {
            return;
        };
        let now = chrono::Utc::now();
        let mut text: Option<String> = None;
        let mut line = String::new();
        for channel in route.iter().filter_map(|&i| self.channels.get(i)) {
            if !channel.accepts(severity, debug_level) {
                continue;
            }
            let text = text.get_or_insert_with(|| match message.as_str() {
                Some(s) => s.to_owned(),
                None => message.to_string(),
            });
            channel
                .layout
                .render(&mut line, now, category, severity, text);
            channel.write(&line, severity);
        }
    }

    /// The highest debug level any channel may write at `debug_level`.
    pub fn debug_ceiling(&self, debug_level: u8) -> u32 {
        let used: Vec<bool> = (0..self.channels.len())
            .map(|i| self.routes.iter().any(|r| r.contains(&i)))
            .collect();
        self.channels
            .iter()
            .zip(used)
            .filter(|(c, used)| *used && !matches!(c.sink, Sink::Null))
            .filter(|(c, _)| !c.debug_only || debug_level > 0)
            .map(|(c, _)| match c.threshold {
                Threshold::Level(n) => u32::try_from(n).unwrap_or(0),
                Threshold::Dynamic => u32::from(debug_level),
            })
            .max()
            .unwrap_or(0)
    }

    /// Whether any category goes to a channel named `name`.
    pub fn routes_to(&self, category: Category, name: &str) -> bool {
        self.routes
            .get(category.index())
            .is_some_and(|r| r.iter().any(|&i| self.channels[i].name == name))
    }

    /// Closes every file; the next line reopens it (`rndc reopen`).
    pub fn close_files(&self) {
        for channel in &self.channels {
            channel.close();
        }
    }
}

/// `default_syslog`, `default_stderr`, `default_debug` and `null`, as BIND defines them.
fn built_in(directory: &Path) -> Vec<Channel> {
    let timed = Layout {
        time: TimeFormat::Local,
        ..Layout::BARE
    };
    vec![
        Channel {
            name: "default_syslog".into(),
            sink: Sink::Syslog(libc::LOG_DAEMON),
            threshold: Threshold::Level(-1),
            layout: Layout::BARE,
            debug_only: false,
        },
        Channel {
            name: "default_stderr".into(),
            sink: Sink::Stderr,
            threshold: Threshold::Level(-1),
            layout: timed,
            debug_only: false,
        },
        Channel {
            name: "default_debug".into(),
            sink: Sink::File(Mutex::new(LogFile::new(FileSpec {
                path: directory.join("named.run"),
                versions: Versions::Never,
                size: None,
                timestamp_suffix: false,
                buffered: false,
            }))),
            threshold: Threshold::Dynamic,
            layout: timed,
            debug_only: true,
        },
        Channel {
            name: "null".into(),
            sink: Sink::Null,
            threshold: Threshold::Level(-1),
            layout: Layout::BARE,
            debug_only: false,
        },
    ]
}

/// A configured channel; its file, if any, checked.
fn channel(config: &LogChannel, directory: &Path) -> Result<Channel, String> {
    let sink = match &config.destination {
        LogDestination::File {
            path,
            versions,
            size,
            timestamp_suffix,
        } => {
            let path = directory.join(path);
            file::check(&path)?;
            Sink::File(Mutex::new(LogFile::new(FileSpec {
                path,
                versions: Versions::from_config(*versions),
                size: *size,
                timestamp_suffix: *timestamp_suffix,
                buffered: config.buffered,
            })))
        }
        LogDestination::Syslog(facility) => Sink::Syslog(syslog::facility(facility)),
        LogDestination::Stderr => Sink::Stderr,
        LogDestination::Null => Sink::Null,
    };
    Ok(Channel {
        name: config.name.clone(),
        sink,
        threshold: config.severity.into(),
        layout: Layout {
            time: config.print_time.into(),
            category: config.print_category,
            severity: config.print_severity,
        },
        debug_only: false,
    })
}

#[cfg(test)]
mod tests;
