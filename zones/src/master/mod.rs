//! The master-file parser (RFC 1035 §5), reading what BIND 9.18's `named-checkzone` reads.
//!
//! Directives: `$ORIGIN`, `$TTL` (with units), `$INCLUDE file [origin]`, `$GENERATE` in all
//! its forms, and `$DATE`. Records: `[owner] [ttl] [class] type rdata` with TTL and class in
//! either order, an owner left blank meaning the previous one, `@` for the origin, and
//! RFC 3597's `TYPEnnn`, `CLASSnnn` and `\#` forms.
//!
//! # Design
//!
//! A file is read into memory once and split into logical entries by [`Lexer`]; the tokens
//! borrow the text and one token buffer is reused for every entry, so a record costs the
//! allocations of its owner and RDATA and nothing else. An owner written the same as the
//! previous one is not parsed again.
//!
//! Like `named-checkzone`, the parser does not stop at the first error: it reports it,
//! skips that entry and goes on, so one run shows every broken line. The checks BIND makes
//! while reading (TTL rules, class, out-of-zone data, SOA placement, `check-names`, ...) are
//! made here because only here is the line known; checks over the whole zone are the zone
//! builder's.

mod checks;
mod directives;
mod entry;
mod error;
mod generate;
mod ttl;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use checks::{CheckMode, Checks};
pub use error::{ErrorKind, ParseError};
pub use ttl::{MAX_TTL, parse_ttl};

use crate::diag::{Diagnostic, Severity};
use crate::name::Name;
use crate::record::Record;
use crate::text::{LexError, Pos, Token, for_each_entry};
use crate::types::{Class, RType};

/// How to read a master file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseOptions {
    /// The zone's apex, and the initial `$ORIGIN`. Records outside it are dropped with a
    /// warning.
    pub origin: Name,
    /// The zone's class; records naming another class are errors.
    pub class: Class,
    /// Where relative `$INCLUDE` paths are resolved (BIND: the working directory).
    pub base_dir: PathBuf,
    /// A TTL to use as if the file began with `$TTL`.
    pub default_ttl: Option<u32>,
}

/// A successfully read file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The records, in file order.
    pub records: Vec<Record>,
    /// What was worth telling.
    pub warnings: Vec<Diagnostic>,
}

/// Everything a read produced, errors included.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// The records that parsed, in file order.
    pub records: Vec<Record>,
    /// Warnings and errors, in the order they were found.
    pub diagnostics: Vec<Diagnostic>,
    /// The errors, in order; the data must not be used when there is any.
    pub errors: Vec<ParseError>,
    /// The files `$INCLUDE` read, as opened (joined to the base directory), in the order
    /// they were read: a reload must notice when one of them changes.
    pub included: Vec<PathBuf>,
}

impl Report {
    /// Whether the file read without errors.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The records and warnings, or the first error.
    pub fn into_result(self) -> Result<Parsed, ParseError> {
        match self.errors.into_iter().next() {
            Some(first) => Err(first),
            None => Ok(Parsed {
                records: self.records,
                warnings: self
                    .diagnostics
                    .into_iter()
                    .filter(|d| d.severity == Severity::Warning)
                    .collect(),
            }),
        }
    }
}

/// Where a record was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The file, as named by the caller or by `$INCLUDE`.
    pub file: Arc<str>,
    /// The start of the record's entry (for `$GENERATE`, of the directive).
    pub pos: Pos,
}

/// [`parse_file_with`], also telling where each record was read from: `report.records[i]`
/// came from `sources[i]`. For pointing at lines after the fact, when the zone built from
/// the records is rejected.
pub fn parse_file_traced(
    path: &Path,
    opts: &ParseOptions,
    checks: &Checks,
) -> (Report, Vec<Source>) {
    run(Input::File(path), opts, checks, true)
}

/// [`parse_bytes_with`], also telling where each record was read from (see
/// [`parse_file_traced`]).
pub fn parse_bytes_traced(
    bytes: &[u8],
    file: &str,
    opts: &ParseOptions,
    checks: &Checks,
) -> (Report, Vec<Source>) {
    run(Input::Text(&decode(bytes), file), opts, checks, true)
}

/// Reads the master file at `path` with named-checkzone's default checks.
pub fn parse_file(path: &Path, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    parse_file_with(path, opts, &Checks::default()).into_result()
}

/// Reads master-file `text`; `file` names it in messages.
pub fn parse_str(text: &str, file: &str, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    parse_str_with(text, file, opts, &Checks::default()).into_result()
}

/// Reads the master file at `path`, making `checks`, and reports everything found.
pub fn parse_file_with(path: &Path, opts: &ParseOptions, checks: &Checks) -> Report {
    run(Input::File(path), opts, checks, false).0
}

/// Reads master-file bytes (standard input, say), making `checks`, and reports everything
/// found. Bytes that are not UTF-8 are read as BIND reads them.
pub fn parse_bytes_with(bytes: &[u8], file: &str, opts: &ParseOptions, checks: &Checks) -> Report {
    run(Input::Text(&decode(bytes), file), opts, checks, false).0
}

/// Reads master-file `text`, making `checks`, and reports everything found.
pub fn parse_str_with(text: &str, file: &str, opts: &ParseOptions, checks: &Checks) -> Report {
    run(Input::Text(text, file), opts, checks, false).0
}

/// What to read: a file, or text and the name to give it in messages.
enum Input<'a> {
    File(&'a Path),
    Text(&'a str, &'a str),
}

/// Reads `input`; with `traced`, also notes where each record came from.
fn run(
    input: Input<'_>,
    opts: &ParseOptions,
    checks: &Checks,
    traced: bool,
) -> (Report, Vec<Source>) {
    let mut parser = Parser::new(opts, checks);
    if traced {
        parser.sources = Some(Vec::new());
    }
    match input {
        Input::File(path) => parser.read_file(path),
        Input::Text(text, file) => {
            let mut ctx = Context::new(opts.origin.clone(), &opts.origin);
            parser.read(&Arc::from(file), text, &mut ctx);
        }
    }
    let sources = parser.sources.take().unwrap_or_default();
    (parser.finish(), sources)
}

/// An I/O error in the words BIND uses where they are clearer than Rust's.
fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "file not found".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// The path as the operating system resolves it, for spotting include loops.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Master files are bytes; the lexer reads text. Bytes that are not UTF-8 (Latin-1 in a
/// TXT record, say) are rewritten as `\DDD` escapes, which every field that can hold them
/// decodes back to the same byte.
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len() + 64);
            let mut backslashes = 0usize;
            for chunk in bytes.utf8_chunks() {
                for c in chunk.valid().chars() {
                    backslashes = if c == '\\' { backslashes + 1 } else { 0 };
                    out.push(c);
                }
                for &b in chunk.invalid() {
                    // After an escaping backslash the byte is already escaped: write only
                    // its digits.
                    if backslashes % 2 == 0 {
                        out.push('\\');
                    }
                    out.push_str(&format!("{b:03}"));
                    backslashes = 0;
                }
            }
            Cow::Owned(out)
        }
    }
}

/// Per-file reading state (BIND's include context): it starts from the including file's
/// and is dropped when the included file ends, so `$ORIGIN` and the current owner revert.
#[derive(Debug, Clone)]
struct Context {
    /// Completes relative names.
    origin: Name,
    /// The origin is the zone's apex or below it, so relative names are in the zone.
    origin_in_zone: bool,
    /// `$ORIGIN` changed since the last record (a blank owner then deserves a warning).
    origin_changed: bool,
    /// The owner that a line starting with white space continues.
    current: Option<Name>,
    /// The name of glue being read below a delegation (BIND batches it apart).
    glue: Option<Name>,
    /// The current owner is outside the zone: its records are read and dropped.
    drop: bool,
}

impl Context {
    fn new(origin: Name, top: &Name) -> Self {
        Self {
            origin_in_zone: in_zone(&origin, top),
            origin,
            origin_changed: false,
            current: None,
            glue: None,
            drop: false,
        }
    }

    /// Moves to a new origin.
    fn set_origin(&mut self, origin: Name, top: &Name) {
        self.origin_in_zone = in_zone(&origin, top);
        self.origin = origin;
    }

    /// The owner of a line that does not name one.
    fn owner(&self) -> Option<&Name> {
        self.glue.as_ref().or(self.current.as_ref())
    }
}

/// One RRset's TTL within the current owner's run of lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SetTtl {
    rtype: RType,
    covers: u16,
    ttl: u32,
}

/// The TTL rules' state, which lasts across `$INCLUDE`s.
#[derive(Debug, Clone, Copy, Default)]
struct TtlState {
    /// The TTL of the last record (RFC 1035: an omitted TTL repeats it).
    last: u32,
    /// Whether any record gave a TTL.
    known: bool,
    /// The `$TTL` value.
    default: Option<u32>,
    /// "using RFC1035 TTL semantics" has been said.
    warned_1035: bool,
}

/// The reading state that lasts across files.
struct Parser<'c> {
    opts: &'c ParseOptions,
    checks: &'c Checks,
    records: Vec<Record>,
    diagnostics: Vec<Diagnostic>,
    errors: Vec<ParseError>,
    ttl: TtlState,
    /// `$DATE` was seen (and `$INCLUDE` is no longer allowed).
    seen_date: bool,
    /// Files being read, outermost first, for spotting include loops.
    includes: Vec<PathBuf>,
    /// Every file `$INCLUDE` read.
    included: Vec<PathBuf>,
    /// RRset TTLs of the current owner's run, and of the glue name's.
    current_sets: Vec<SetTtl>,
    glue_sets: Vec<SetTtl>,
    /// NS targets of the current owner, and whether it has NS (glue may follow).
    current_ns: Vec<Name>,
    has_delegation: bool,
    /// "signature has expired" and "old style DNSSEC zone" are said once.
    warned_expired: bool,
    warned_old_dnssec: bool,
    /// The time expiry is measured against, in seconds since 1970.
    now: u32,
    /// Scratch space for building owner names.
    name_buf: Vec<u8>,
    /// Scratch space for RDATA, which is then copied out at its exact size.
    rdata_buf: Vec<u8>,
    /// Whether the last owner checked is a host name.
    last_owner: checks::LastOwner,
    /// Where each record came from, when the caller asked.
    sources: Option<Vec<Source>>,
}

impl<'c> Parser<'c> {
    fn new(opts: &'c ParseOptions, checks: &'c Checks) -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as u32);
        Self {
            opts,
            checks,
            records: Vec::new(),
            diagnostics: Vec::new(),
            errors: Vec::new(),
            ttl: TtlState {
                default: opts.default_ttl,
                last: opts.default_ttl.unwrap_or(0),
                ..TtlState::default()
            },
            seen_date: false,
            includes: Vec::new(),
            included: Vec::new(),
            current_sets: Vec::new(),
            glue_sets: Vec::new(),
            current_ns: Vec::new(),
            has_delegation: false,
            warned_expired: false,
            warned_old_dnssec: false,
            now,
            name_buf: Vec::with_capacity(256),
            rdata_buf: Vec::with_capacity(1024),
            last_owner: checks::LastOwner::default(),
            sources: None,
        }
    }

    fn finish(self) -> Report {
        Report {
            records: self.records,
            diagnostics: self.diagnostics,
            errors: self.errors,
            included: self.included,
        }
    }

    /// Reads the top-level file.
    fn read_file(&mut self, path: &Path) {
        let file: Arc<str> = Arc::from(path.display().to_string());
        match std::fs::read(path) {
            Ok(bytes) => {
                self.includes.push(canonical(path));
                let text = decode(&bytes);
                let mut ctx = Context::new(self.opts.origin.clone(), &self.opts.origin);
                self.read(&file, &text, &mut ctx);
            }
            Err(e) => self.fail(&file, Pos::default(), "", ErrorKind::Io(io_message(&e))),
        }
    }

    /// Keeps a record read at `pos` in `file`.
    fn keep(&mut self, record: Record, file: &Arc<str>, pos: Pos) {
        self.records.push(record);
        if let Some(sources) = &mut self.sources {
            sources.push(Source {
                file: file.clone(),
                pos,
            });
        }
    }

    /// Records an error.
    fn fail(&mut self, file: &Arc<str>, pos: Pos, token: &str, kind: ErrorKind) {
        let error = ParseError {
            file: file.clone(),
            pos,
            token: token.to_string(),
            kind,
        };
        self.diagnostics.push(error.diagnostic());
        self.errors.push(error);
    }

    /// Records an error about `token`.
    fn fail_at(&mut self, file: &Arc<str>, token: &Token<'_>, kind: ErrorKind) {
        self.fail(file, token.pos, token.text, kind);
    }

    /// Records a warning.
    fn warn(&mut self, file: &Arc<str>, pos: Pos, message: String) {
        self.diagnostics
            .push(Diagnostic::warning(Some(file.clone()), Some(pos), message));
    }

    /// Reports a check's finding as its mode says; returns whether the record may be kept.
    fn check_finding(
        &mut self,
        mode: CheckMode,
        file: &Arc<str>,
        at: (Pos, &str),
        kind: ErrorKind,
    ) -> bool {
        match mode {
            CheckMode::Ignore => true,
            CheckMode::Warn => {
                let probe = ParseError {
                    file: file.clone(),
                    pos: at.0,
                    token: at.1.to_string(),
                    kind,
                };
                self.warn(file, at.0, probe.message());
                true
            }
            CheckMode::Fail => {
                self.fail(file, at.0, at.1, kind);
                false
            }
        }
    }

    /// Forgets the batched RRsets (BIND commits them at `$INCLUDE` boundaries).
    fn commit_all(&mut self) {
        self.current_sets.clear();
        self.glue_sets.clear();
        self.current_ns.clear();
    }

    /// Reads one file's text.
    fn read(&mut self, file: &Arc<str>, text: &str, ctx: &mut Context) {
        // Most lines of a large zone are records: room for one per line spares copying the
        // records as they grow (untouched room costs address space only). A file of mostly
        // empty lines may ask for more than there is; then the records grow as they come.
        let lines = count_newlines(text.as_bytes());
        let _ = self.records.try_reserve(lines);
        if let Some(sources) = &mut self.sources {
            let _ = sources.try_reserve(lines);
        }
        // The last owner token and the name it made under the current origin.
        let mut last_owner: Option<&str> = None;
        let lexed = for_each_entry(text, |start, tokens| {
            let Some(first) = tokens.first() else {
                return;
            };
            if !start.blank_owner && first.text.starts_with('$') && !first.quoted {
                if self.directive(file, tokens, ctx) {
                    last_owner = None;
                }
                return;
            }
            self.entry(file, tokens, start.blank_owner, ctx, &mut last_owner);
        });
        if let Err(e) = lexed {
            // The lexer cannot resynchronise after these; stop reading this file.
            let (pos, kind) = match e {
                LexError::UnterminatedQuote { pos } => (pos, ErrorKind::UnterminatedQuote),
                LexError::UnbalancedClose { pos } => (pos, ErrorKind::UnbalancedClose),
                // Like BIND, point at the end of the file, where the ')' was due; the
                // message says where the '(' is.
                _ => (end_of_text(text), ErrorKind::UnclosedParen(e.pos())),
            };
            self.fail(file, pos, "", kind);
            return;
        }
        self.check_final_newline(file, text);
    }

    /// BIND warns when the last line of a file has data but no newline: a file cut short
    /// looks like that.
    fn check_final_newline(&mut self, file: &Arc<str>, text: &str) {
        let tail = text.rsplit('\n').next().unwrap_or("");
        if tail.is_empty() || tail.trim_start().starts_with(';') {
            return;
        }
        let pos = end_of_text(text);
        self.warn(file, pos, "file does not end with newline".to_string());
    }
}

/// How many newlines `bytes` holds. Counting in blocks of at most 255 bytes keeps the
/// counters a byte wide, which vectorises well.
fn count_newlines(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|block| {
            let n = block.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n'));
            usize::from(n)
        })
        .sum()
}

/// The position just past the end of `text`.
fn end_of_text(text: &str) -> Pos {
    let line = count_newlines(text.as_bytes()) + 1;
    let tail = text.rsplit('\n').next().unwrap_or("");
    Pos {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(tail.chars().count() + 1).unwrap_or(u32::MAX),
    }
}

/// Where the text after the last token ends: the place to point at when a token is missing.
fn end_of(tokens: &[Token<'_>]) -> Pos {
    match tokens.last() {
        Some(t) => {
            let width = t.text.chars().count() + if t.quoted { 2 } else { 0 };
            Pos {
                line: t.pos.line,
                column: t
                    .pos
                    .column
                    .saturating_add(u32::try_from(width).unwrap_or(u32::MAX)),
            }
        }
        None => Pos::default(),
    }
}

/// Builds a name written without escapes straight into wire form, with one allocation
/// where [`Name::from_text`] needs several. Anything unusual (escapes, empty or long
/// labels, the root) gives `None`, for [`name_from`] to parse and report.
/// The flag says whether the name was relative (completed with `origin`).
fn plain_name(text: &str, origin: &Name, buf: &mut Vec<u8>) -> Option<(Name, bool)> {
    buf.clear();
    let relative = crate::rdata::push_plain_name(text, origin, buf)?;
    Name::from_wire(buf).ok().map(|name| (name, relative))
}

/// Parses a name in a master file: `@` is the origin, anything else is completed with it.
fn name_from(text: &str, origin: &Name) -> Result<Name, ErrorKind> {
    if text == "@" {
        return Ok(origin.clone());
    }
    Name::from_text(text, Some(origin)).map_err(|e| ErrorKind::BadName(e.to_string()))
}

/// Whether `name` is `top` or below it, comparing wire forms without allocating.
fn in_zone(name: &Name, top: &Name) -> bool {
    let (n, t) = (name.as_wire(), top.as_wire());
    if n.len() < t.len() {
        return false;
    }
    let skip = n.len() - t.len();
    let mut at = 0;
    while at < skip {
        at += 1 + usize::from(n[at]);
    }
    at == skip && n[skip..].eq_ignore_ascii_case(t)
}

/// A name as BIND prints it in messages: no trailing dot except for the root.
pub fn message_name(name: &Name) -> String {
    let mut text = name.to_string();
    if text.len() > 1 {
        text.pop();
    }
    text
}

#[cfg(test)]
mod tests;
