//! Places in configuration files.

use std::fmt;
use std::sync::Arc;

use zones::diag::Diagnostic;
use zones::text::Pos;

/// A place in a configuration file: the file as the configuration named it, line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    /// The file, as named in the command line or the `include` statement.
    pub file: Arc<str>,
    /// Line and column, from 1.
    pub pos: Pos,
}

impl Loc {
    /// A place in `file`.
    pub fn new(file: Arc<str>, pos: Pos) -> Self {
        Self { file, pos }
    }

    /// An error about this place.
    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(Some(self.file.clone()), Some(self.pos), message)
    }

    /// A warning about this place.
    pub fn warning(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(Some(self.file.clone()), Some(self.pos), message)
    }
}

impl fmt::Display for Loc {
    /// `file:line:column`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.pos)
    }
}
