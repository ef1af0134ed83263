//! Diagnostics: warnings and errors that name the file, line and column they are about.

use std::fmt;
use std::sync::Arc;

use crate::text::Pos;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth telling; the data loads.
    Warning,
    /// The data does not load.
    Error,
}

/// A message about a place in a file (or about a whole zone, when it has no place).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// The file, as the user named it.
    pub file: Option<Arc<str>>,
    /// The line and column in that file.
    pub pos: Option<Pos>,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl Diagnostic {
    /// A warning about a place.
    pub fn warning(file: Option<Arc<str>>, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            file,
            pos,
            message: message.into(),
        }
    }

    /// An error about a place.
    pub fn error(file: Option<Arc<str>>, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file,
            pos,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:column: message`, leaving out what is unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}:")?;
        }
        if let Some(pos) = self.pos {
            write!(f, "{pos}:")?;
        }
        if self.file.is_some() || self.pos.is_some() {
            f.write_str(" ")?;
        }
        f.write_str(&self.message)
    }
}
