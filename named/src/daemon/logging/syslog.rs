//! `syslog FACILITY` channels.

use std::ffi::CString;

use super::super::log::Severity;

/// A syslog facility by the name the `logging` statement gives it (`daemon` when unknown).
pub fn facility(name: &str) -> libc::c_int {
    match name.to_ascii_lowercase().as_str() {
        "kern" => libc::LOG_KERN,
        "user" => libc::LOG_USER,
        "mail" => libc::LOG_MAIL,
        "auth" => libc::LOG_AUTH,
        "authpriv" => libc::LOG_AUTHPRIV,
        "syslog" => libc::LOG_SYSLOG,
        "lpr" => libc::LOG_LPR,
        "news" => libc::LOG_NEWS,
        "uucp" => libc::LOG_UUCP,
        "cron" => libc::LOG_CRON,
        "ftp" => libc::LOG_FTP,
        "local0" => libc::LOG_LOCAL0,
        "local1" => libc::LOG_LOCAL1,
        "local2" => libc::LOG_LOCAL2,
        "local3" => libc::LOG_LOCAL3,
        "local4" => libc::LOG_LOCAL4,
        "local5" => libc::LOG_LOCAL5,
        "local6" => libc::LOG_LOCAL6,
        "local7" => libc::LOG_LOCAL7,
        _ => libc::LOG_DAEMON,
    }
}

/// The syslog priority of a severity.
pub fn priority(severity: Severity) -> libc::c_int {
    match severity {
        Severity::Critical => libc::LOG_CRIT,
        Severity::Error => libc::LOG_ERR,
        Severity::Warning => libc::LOG_WARNING,
        Severity::Notice => libc::LOG_NOTICE,
        Severity::Info => libc::LOG_INFO,
        Severity::Debug(_) => libc::LOG_DEBUG,
    }
}

/// Names the program in syslog lines; called once, before any line is sent.
pub fn open() {
    // SAFETY: openlog keeps the pointer, which is a static C string valid for the life of
    // the program.
    unsafe {
        libc::openlog(
            c"rivetd".as_ptr(),
            libc::LOG_PID | libc::LOG_NDELAY,
            libc::LOG_DAEMON,
        )
    };
}

/// Sends one line with `facility` and `severity`.
pub fn send(facility: libc::c_int, severity: Severity, line: &str) {
    let Ok(text) = CString::new(line.replace('\0', " ")) else {
        return;
    };
    // SAFETY: both strings are NUL-terminated and live across the call; the format takes
    // exactly one string argument.
    unsafe { libc::syslog(facility | priority(severity), c"%s".as_ptr(), text.as_ptr()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facilities_by_name() {
        assert_eq!(facility("local3"), libc::LOG_LOCAL3);
        assert_eq!(facility("DAEMON"), libc::LOG_DAEMON);
        assert_eq!(priority(Severity::Debug(2)), libc::LOG_DEBUG);
    }
}
