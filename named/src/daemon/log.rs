//! The daemon's log: BIND's categories and severities, routed to the channels of the
//! `logging` statement ([`super::logging`]).
//!
//! Until the configuration is read, and for good with `-g`, lines go where BIND sends them
//! then: with `-g` to standard error with the time only
//! (`22-Nov-2026 05:57:53.867 zone example.com/IN: loaded serial 5`), otherwise to syslog
//! (and `named.run` at a debug level above zero). With `-g` the `logging` statement is
//! checked but not used, as in BIND.

use std::fmt;
use std::io::Write as _;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, AtomicU32, Ordering};

use arc_swap::ArcSwapOption;

use super::logging::Routing;
use super::logging::syslog;

/// What a message is about: BIND's logging categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Everything without a category of its own.
    General,
    /// Reading the configuration.
    Config,
    /// Listening sockets.
    Network,
    /// Loading zones.
    Zoneload,
    /// Zone transfers this server receives.
    XferIn,
    /// Zone transfers this server serves.
    XferOut,
    /// NOTIFY messages sent and received.
    Notify,
    /// Requests refused by an access list.
    Security,
    /// The query log.
    Queries,
    /// Queries that failed.
    QueryErrors,
    /// Dynamic updates.
    Update,
    /// Updates refused by policy.
    UpdateSecurity,
    /// DNSSEC validation and signing.
    Dnssec,
}

impl Category {
    /// Every category, in [`Category::index`] order.
    pub const ALL: [Self; 13] = [
        Self::General,
        Self::Config,
        Self::Network,
        Self::Zoneload,
        Self::XferIn,
        Self::XferOut,
        Self::Notify,
        Self::Security,
        Self::Queries,
        Self::QueryErrors,
        Self::Update,
        Self::UpdateSecurity,
        Self::Dnssec,
    ];

    /// The name the `logging` statement uses.
    pub fn name(self) -> &'static str {
        match self {
            Self::General => "general",
            Self::Config => "config",
            Self::Network => "network",
            Self::Zoneload => "zoneload",
            Self::XferIn => "xfer-in",
            Self::XferOut => "xfer-out",
            Self::Notify => "notify",
            Self::Security => "security",
            Self::Queries => "queries",
            Self::QueryErrors => "query-errors",
            Self::Update => "update",
            Self::UpdateSecurity => "update-security",
            Self::Dnssec => "dnssec",
        }
    }

    /// The position in [`Category::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// How serious a message is, most serious first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The server cannot go on.
    Critical,
    /// Something failed.
    Error,
    /// Something is wrong but works.
    Warning,
    /// Worth noticing: start, stop, reload.
    Notice,
    /// Ordinary progress.
    Info,
    /// Detail shown at `-d LEVEL` and above.
    Debug(u8),
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Critical => f.write_str("critical"),
            Self::Error => f.write_str("error"),
            Self::Warning => f.write_str("warning"),
            Self::Notice => f.write_str("notice"),
            Self::Info => f.write_str("info"),
            Self::Debug(level) => write!(f, "debug {level}"),
        }
    }
}

/// Where log lines go before the configuration says more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// Standard error, each line prefixed with the local time (`-g`); the `logging`
    /// statement is not used.
    Stderr,
    /// The system log, facility `daemon`, until the `logging` statement is applied.
    Syslog,
}

static DESTINATION: OnceLock<Destination> = OnceLock::new();
/// The channels in force; standard error with the time until [`init`].
static ROUTING: ArcSwapOption<Routing> = ArcSwapOption::const_empty();
/// The server's debug level (`-d`, `rndc trace`).
static DEBUG_LEVEL: AtomicU8 = AtomicU8::new(0);
/// The highest debug level any channel in force writes.
static DEBUG_CEILING: AtomicU32 = AtomicU32::new(0);

/// Sets where lines go and the debug level; the first call wins.
pub fn init(destination: Destination, debug_level: u8) {
    if DESTINATION.set(destination).is_err() {
        return;
    }
    DEBUG_LEVEL.store(debug_level, Ordering::Relaxed);
    let routing = match destination {
        Destination::Stderr => Routing::stderr(),
        Destination::Syslog => {
            syslog::open();
            let here = std::env::current_dir().unwrap_or_default();
            match Routing::build(None, &here) {
                Ok(routing) => routing,
                Err(_) => Routing::stderr(),
            }
        }
    };
    install(routing);
}

/// Where lines go (standard error until [`init`] says otherwise).
pub fn destination() -> Destination {
    DESTINATION.get().copied().unwrap_or(Destination::Stderr)
}

/// Puts `routing` in force; lines being written finish on the one it replaces.
pub fn install(routing: Routing) {
    let level = DEBUG_LEVEL.load(Ordering::Relaxed);
    DEBUG_CEILING.store(routing.debug_ceiling(level), Ordering::Relaxed);
    ROUTING.store(Some(std::sync::Arc::new(routing)));
}

/// Applies the `logging` statement of `config`: checks every file channel (creating the
/// files, as BIND does), then, unless lines go to standard error (`-g`), puts the
/// channels in force. Nothing changes when a file cannot be opened; the error is BIND's
/// reason.
pub fn configure(config: &conf::model::Config) -> Result<(), String> {
    let ignored = destination() == Destination::Stderr;
    if ignored && config.logging.is_some() {
        write(
            Category::General,
            Severity::Info,
            format_args!("not using config file logging statement for logging due to -g option"),
        );
    }
    let routing = Routing::build(config.logging.as_ref(), &config.options.directory)?;
    if !ignored {
        install(routing);
    }
    Ok(())
}

/// The server's debug level.
pub fn debug_level() -> u8 {
    DEBUG_LEVEL.load(Ordering::Relaxed)
}

/// Changes the server's debug level (`rndc trace`, `rndc notrace`).
pub fn set_debug_level(level: u8) {
    DEBUG_LEVEL.store(level, Ordering::Relaxed);
    if let Some(routing) = ROUTING.load_full() {
        DEBUG_CEILING.store(routing.debug_ceiling(level), Ordering::Relaxed);
    }
}

/// Closes every log file; each is opened again (and rolled when due) at its next line
/// (`rndc reopen`).
pub fn reopen() {
    if let Some(routing) = ROUTING.load_full() {
        routing.close_files();
    }
}

/// Whether lines of this severity may be written anywhere.
pub fn enabled(severity: Severity) -> bool {
    match severity {
        Severity::Debug(level) => u32::from(level) <= DEBUG_CEILING.load(Ordering::Relaxed),
        _ => true,
    }
}

/// Writes one line.
pub fn write(category: Category, severity: Severity, message: fmt::Arguments<'_>) {
    if !enabled(severity) {
        return;
    }
    let routing = ROUTING.load();
    match routing.as_deref() {
        Some(routing) => routing.write(category, severity, message, debug_level()),
        None => {
            let now = chrono::Local::now().format("%d-%b-%Y %H:%M:%S%.3f");
            let line = format!("{now} {message}\n");
            // A closed standard error leaves nowhere to complain to.
            let _ = std::io::stderr().lock().write_all(line.as_bytes());
        }
    }
}

/// Writes a line at `critical` and, when the log is not standard error, says it on standard
/// error too: a daemon that cannot start must tell whoever started it.
pub fn fatal(message: fmt::Arguments<'_>) {
    write(Category::General, Severity::Critical, message);
    if destination() != Destination::Stderr {
        let _ = writeln!(std::io::stderr(), "rivetd: {message}");
    }
}

/// `info!(Category, "format", args...)`.
macro_rules! info {
    ($category:ident, $($arg:tt)*) => {
        $crate::daemon::log::write(
            $crate::daemon::log::Category::$category,
            $crate::daemon::log::Severity::Info,
            format_args!($($arg)*),
        )
    };
}

/// `notice!(Category, "format", args...)`.
macro_rules! notice {
    ($category:ident, $($arg:tt)*) => {
        $crate::daemon::log::write(
            $crate::daemon::log::Category::$category,
            $crate::daemon::log::Severity::Notice,
            format_args!($($arg)*),
        )
    };
}

/// `warning!(Category, "format", args...)`.
macro_rules! warning {
    ($category:ident, $($arg:tt)*) => {
        $crate::daemon::log::write(
            $crate::daemon::log::Category::$category,
            $crate::daemon::log::Severity::Warning,
            format_args!($($arg)*),
        )
    };
}

/// `error!(Category, "format", args...)`.
macro_rules! error {
    ($category:ident, $($arg:tt)*) => {
        $crate::daemon::log::write(
            $crate::daemon::log::Category::$category,
            $crate::daemon::log::Severity::Error,
            format_args!($($arg)*),
        )
    };
}

/// `debug!(level, Category, "format", args...)`.
macro_rules! debug {
    ($level:expr, $category:ident, $($arg:tt)*) => {
        $crate::daemon::log::write(
            $crate::daemon::log::Category::$category,
            $crate::daemon::log::Severity::Debug($level),
            format_args!($($arg)*),
        )
    };
}

pub(crate) use {debug, error, info, notice, warning};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_are_spelled_as_bind_spells_them() {
        assert_eq!(Severity::Warning.to_string(), "warning");
        assert_eq!(Severity::Debug(3).to_string(), "debug 3");
        assert!(Severity::Error < Severity::Info);
        assert_eq!(Category::Zoneload.name(), "zoneload");
    }

    #[test]
    fn categories_are_listed_in_index_order() {
        for (i, c) in Category::ALL.iter().enumerate() {
            assert_eq!(c.index(), i, "{}", c.name());
        }
    }

    #[test]
    fn debug_lines_need_a_debug_level() {
        assert!(enabled(Severity::Info));
        assert!(!enabled(Severity::Debug(99)));
    }
}
