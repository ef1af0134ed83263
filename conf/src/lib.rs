//! The named.conf language: BIND 9.18's configuration, read as BIND reads it.
//!
//! # Design
//!
//! Reading a configuration goes through four stages, each with one job:
//!
//! 1. [`lexer`] and [`parser`] turn text into a span-carrying syntax tree ([`ast`]), following
//!    BIND's grammar table ([`grammar`]) so that every option BIND 9.18 accepts parses and
//!    every syntax error is reported on the line `named-checkconf` reports it on, with the
//!    column added. `include` files are spliced in as BIND does; `directory` takes effect as
//!    soon as it is parsed.
//! 2. [`check`] runs BIND's semantic checks on the tree (duplicate zones, undefined ACLs,
//!    keys and lists, zone options that do not fit the zone type, ...).
//! 3. [`support`] holds the one table that says, for every option, whether Rivet implements
//!    it, accepts and ignores it (with a warning), or rejects it.
//! 4. [`model`] builds the typed [`model::Config`] the daemon runs with: defaults filled in,
//!    inheritance (options → view → zone) resolved, ACLs compiled, keys decoded.
//!
//! [`load`] runs all four. The crate does no networking: `localhost`/`localnets` are left
//! symbolic for the daemon to resolve.

#![warn(missing_docs)]

pub mod ast;
pub mod check;
mod defaults;
pub mod fs;
pub(crate) mod grammar;
pub(crate) mod lexer;
pub mod loc;
pub mod model;
pub mod parser;
pub mod printer;
pub mod rndc;
pub(crate) mod scalar;
pub mod support;

pub use fs::{FileSystem, MemFs, RealFs};
pub use loc::Loc;
pub use parser::{Document, ParseOptions, parse_file, parse_str};
pub use printer::{PrintOptions, print_config};
pub use zones::diag::{Diagnostic, Severity};

use std::path::{Path, PathBuf};

/// A configuration that loaded: the typed model, the syntax tree (for printing) and the
/// warnings met on the way.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// What the server runs with.
    pub config: model::Config,
    /// The parsed file, includes spliced in.
    pub document: Document,
    /// Warnings (deprecated or ignored options, ...), in the order found.
    pub warnings: Vec<Diagnostic>,
}

/// A configuration that did not load: every error and warning, in the order found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The diagnostics; at least one is an error.
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (n, d) in self.diagnostics.iter().enumerate() {
            if n > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

fn has_error(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// Parses, checks, reviews against the option table and builds the model of the file at
/// `path` (relative to `options.cwd`).
pub fn load(fs: &dyn FileSystem, path: &Path, options: &ParseOptions) -> Result<Loaded, LoadError> {
    let (doc, mut diagnostics) = parse_file(fs, path, options);
    let Some(document) = doc else {
        return Err(LoadError { diagnostics });
    };
    finish(document, &mut diagnostics)
}

/// [`load`] for text held in memory.
pub fn load_str(
    fs: &dyn FileSystem,
    name: &str,
    text: &str,
    options: &ParseOptions,
) -> Result<Loaded, LoadError> {
    let (doc, mut diagnostics) = parse_str(fs, name, text, options);
    let Some(document) = doc else {
        return Err(LoadError { diagnostics });
    };
    finish(document, &mut diagnostics)
}

/// [`load_str`] for self-contained text (nothing to include), read with the default
/// options: a configuration written out in a test or an example.
pub fn load_text(text: &str) -> Result<Loaded, LoadError> {
    load_str(&MemFs::new(), "named.conf", text, &ParseOptions::default())
}

fn finish(document: Document, diagnostics: &mut Vec<Diagnostic>) -> Result<Loaded, LoadError> {
    diagnostics.extend(check::check(&document));
    if has_error(diagnostics) {
        return Err(LoadError {
            diagnostics: std::mem::take(diagnostics),
        });
    }
    diagnostics.extend(support::review(&document));
    diagnostics.extend(check::iteration(&document));
    if has_error(diagnostics) {
        return Err(LoadError {
            diagnostics: std::mem::take(diagnostics),
        });
    }
    match model::build(&document) {
        Ok(config) => Ok(Loaded {
            config,
            document,
            warnings: std::mem::take(diagnostics),
        }),
        Err(errors) => {
            diagnostics.extend(errors);
            Err(LoadError {
                diagnostics: std::mem::take(diagnostics),
            })
        }
    }
}

/// Loads a configuration file from the real file system, relative paths starting at the
/// process's working directory: what the daemon calls.
pub fn load_file(path: &Path) -> Result<Loaded, LoadError> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    load(
        &RealFs::new(),
        path,
        &ParseOptions {
            cwd,
            ..ParseOptions::default()
        },
    )
}
