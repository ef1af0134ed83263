//! The layout of one log line, as BIND's channels write it:
//! `[time ][category: ][severity: ]message`, each part present when the channel asks.

use std::fmt::Write as _;

use chrono::{DateTime, Local, Utc};

use super::super::log::{Category, Severity};

/// How a channel stamps its lines (`print-time`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFormat {
    /// No time.
    None,
    /// `22-Nov-2026 03:29:59.131`, local time (`print-time yes` / `local`).
    Local,
    /// `2026-11-22T03:29:59.131`, local time without a zone designator (`iso8601`).
    Iso8601,
    /// `2026-11-22T03:29:59.131Z` (`iso8601-utc`).
    Iso8601Utc,
}

impl From<conf::model::PrintTime> for TimeFormat {
    fn from(print: conf::model::PrintTime) -> Self {
        match print {
            conf::model::PrintTime::No => Self::None,
            conf::model::PrintTime::Local => Self::Local,
            conf::model::PrintTime::Iso8601 => Self::Iso8601,
            conf::model::PrintTime::Iso8601Utc => Self::Iso8601Utc,
        }
    }
}

/// Which parts a channel prints before the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// `print-time`.
    pub time: TimeFormat,
    /// `print-category`.
    pub category: bool,
    /// `print-severity`.
    pub severity: bool,
}

impl Layout {
    /// The message alone.
    pub const BARE: Self = Self {
        time: TimeFormat::None,
        category: false,
        severity: false,
    };

    /// Writes the line for `message` at `now` into `out` (cleared first), without the
    /// line end.
    pub fn render(
        &self,
        out: &mut String,
        now: DateTime<Utc>,
        category: Category,
        severity: Severity,
        message: &str,
    ) {
        out.clear();
        match self.time {
            TimeFormat::None => {}
            TimeFormat::Local => {
                let _ = write!(
                    out,
                    "{} ",
                    now.with_timezone(&Local).format("%d-%b-%Y %H:%M:%S%.3f")
                );
            }
            TimeFormat::Iso8601 => {
                let _ = write!(
                    out,
                    "{} ",
                    now.with_timezone(&Local).format("%Y-%m-%dT%H:%M:%S%.3f")
                );
            }
            TimeFormat::Iso8601Utc => {
                let _ = write!(out, "{} ", now.format("%Y-%m-%dT%H:%M:%S%.3fZ"));
            }
        }
        if self.category {
            out.push_str(category.name());
            out.push_str(": ");
        }
        if self.severity {
            let _ = write!(out, "{severity}: ");
        }
        out.push_str(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 3, 29, 59)
            .single()
            .map(|t| t + chrono::Duration::milliseconds(131))
            .unwrap_or_default()
    }

    fn line(layout: Layout, category: Category, severity: Severity) -> String {
        let mut out = String::new();
        layout.render(&mut out, at(), category, severity, "message text");
        out
    }

    #[test]
    fn every_part_in_bind_order() {
        let layout = Layout {
            time: TimeFormat::Local,
            category: true,
            severity: true,
        };
        let text = line(layout, Category::Queries, Severity::Info);
        let local = at()
            .with_timezone(&Local)
            .format("%d-%b-%Y %H:%M:%S")
            .to_string();
        assert_eq!(text, format!("{local}.131 queries: info: message text"));
    }

    #[test]
    fn parts_left_out_leave_no_separator() {
        assert_eq!(
            line(Layout::BARE, Category::General, Severity::Notice),
            "message text"
        );
        let category = Layout {
            category: true,
            ..Layout::BARE
        };
        assert_eq!(
            line(category, Category::XferIn, Severity::Error),
            "xfer-in: message text"
        );
        let severity = Layout {
            severity: true,
            ..Layout::BARE
        };
        assert_eq!(
            line(severity, Category::General, Severity::Debug(3)),
            "debug 3: message text"
        );
    }

    #[test]
    fn iso8601_times() {
        let utc = Layout {
            time: TimeFormat::Iso8601Utc,
            ..Layout::BARE
        };
        assert_eq!(
            line(utc, Category::General, Severity::Info),
            "2026-11-22T03:29:59.131Z message text"
        );
        let local = Layout {
            time: TimeFormat::Iso8601,
            ..Layout::BARE
        };
        let expect = at().with_timezone(&Local).format("%Y-%m-%dT%H:%M:%S.131");
        assert_eq!(
            line(local, Category::General, Severity::Info),
            format!("{expect} message text")
        );
    }
}
