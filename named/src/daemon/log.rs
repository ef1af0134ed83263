//! The daemon's log: BIND's categories and severities, written to standard error (`-g`) or
//! to syslog.
//!
//! With `-g` BIND writes through its `default_stderr` channel, which prints the time and the
//! message only (`22-Nov-2026 05:57:53.867 zone example.com/IN: loaded serial 5`); every line
//! here still carries its category and severity, for syslog priorities now and for the
//! `logging` statement's channels, which print them when asked.

use std::ffi::CString;
use std::fmt;
use std::io::Write as _;
use std::sync::OnceLock;

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
}

impl Category {
    /// The name the `logging` statement uses.
    pub fn name(self) -> &'static str {
        match self {
            Self::General => "general",
            Self::Config => "config",
            Self::Network => "network",
            Self::Zoneload => "zoneload",
        }
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

/// Where log lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// Standard error, each line prefixed with the local time (`-g`).
    Stderr,
    /// The system log, facility `daemon`.
    Syslog,
}

struct Logger {
    destination: Destination,
    debug_level: u8,
}

static LOGGER: OnceLock<Logger> = OnceLock::new();

/// Sets where lines go and which debug lines are shown; the first call wins.
pub fn init(destination: Destination, debug_level: u8) {
    if destination == Destination::Syslog {
        // The identifier must outlive every syslog call: a static C string does.
        // SAFETY: openlog keeps the pointer, which is valid for the life of the program.
        unsafe {
            libc::openlog(
                c"rivetd".as_ptr(),
                libc::LOG_PID | libc::LOG_NDELAY,
                libc::LOG_DAEMON,
            )
        };
    }
    let _ = LOGGER.set(Logger {
        destination,
        debug_level,
    });
}

/// Where lines go (standard error until [`init`] says otherwise).
pub fn destination() -> Destination {
    LOGGER.get().map_or(Destination::Stderr, |l| l.destination)
}

/// Whether lines of this severity are written.
pub fn enabled(severity: Severity) -> bool {
    match severity {
        Severity::Debug(level) => LOGGER.get().is_some_and(|l| level <= l.debug_level),
        _ => true,
    }
}

/// Writes one line.
pub fn write(category: Category, severity: Severity, message: fmt::Arguments<'_>) {
    if !enabled(severity) {
        return;
    }
    match destination() {
        Destination::Stderr => {
            let now = chrono::Local::now().format("%d-%b-%Y %H:%M:%S%.3f");
            let line = format!("{now} {message}\n");
            // A closed standard error leaves nowhere to complain to.
            let _ = std::io::stderr().lock().write_all(line.as_bytes());
        }
        Destination::Syslog => {
            let _ = category;
            let text = message.to_string().replace('\0', " ");
            let Ok(text) = CString::new(text) else {
                return;
            };
            // SAFETY: both strings are NUL-terminated and live across the call; the format
            // takes exactly one string argument.
            unsafe { libc::syslog(priority(severity), c"%s".as_ptr(), text.as_ptr()) };
        }
    }
}

fn priority(severity: Severity) -> libc::c_int {
    match severity {
        Severity::Critical => libc::LOG_CRIT,
        Severity::Error => libc::LOG_ERR,
        Severity::Warning => libc::LOG_WARNING,
        Severity::Notice => libc::LOG_NOTICE,
        Severity::Info => libc::LOG_INFO,
        Severity::Debug(_) => libc::LOG_DEBUG,
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
    fn debug_lines_need_a_debug_level() {
        assert!(enabled(Severity::Info));
        assert!(!enabled(Severity::Debug(99)));
    }
}
