//! The grammar-driven parser: reads tokens as [`crate::grammar`] says and builds the
//! [`crate::ast`] tree, reporting errors the way `named-checkconf` does (the same message, on
//! the same line) with the column added.
//!
//! Like BIND, it goes on after a missing `;` and after an unknown option, so that one run
//! reports several mistakes; any error fails the parse.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use zones::diag::{Diagnostic, Severity};
use zones::text::Pos;

use crate::ast::{Duration, Entry, Map, Node, SockAddr, Value};
use crate::fs::{FileSystem, io_error_text, resolve};
use crate::grammar::{
    self, A_DSCP, A_PORT, A_V4, A_V4PREFIX, A_V6, A_WILD, ANCIENT, CALLBACK, Clause, DEPRECATED,
    Field, MULTI, NOTCONFIGURED, OBSOLETE, Special, Ty,
};
use crate::lexer::{Kind, LexError, Lexer, Mode, Token};
use crate::loc::Loc;
use crate::scalar::{self, AddrToken, DurationError, Number};

/// How deep includes may nest.
const MAX_INCLUDE_DEPTH: usize = 64;

/// Settings for one parse.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// The directory relative paths start from until `directory` changes it.
    pub cwd: PathBuf,
    /// Warn about deprecated options (`named-checkconf -i` turns this off).
    pub deprecation_warnings: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self {
            cwd: PathBuf::from("/"),
            deprecation_warnings: true,
        }
    }
}

/// A parsed file: the top-level block and where `directory` left the current directory.
#[derive(Debug, Clone)]
pub struct Document {
    /// The top-level statements.
    pub root: Map,
    /// The working directory at the end of the parse (the `directory` option, resolved).
    pub directory: PathBuf,
    /// The main file as named.
    pub file: Arc<str>,
}

/// The error was reported already; stop this construct.
#[derive(Debug)]
struct Fail;

type PResult<T> = Result<T, Fail>;

/// Which grammar a file follows.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Grammar {
    NamedConf,
    RndcConf,
    RndcKey,
}

impl Grammar {
    fn ty(self) -> &'static Ty {
        match self {
            Self::NamedConf => &grammar::NAMEDCONF,
            Self::RndcConf => &grammar::RNDCCONF,
            Self::RndcKey => &grammar::RNDCKEY,
        }
    }
}

/// Parses a named.conf file (and what it includes).
pub fn parse_file(
    fs: &dyn FileSystem,
    path: &Path,
    options: &ParseOptions,
) -> (Option<Document>, Vec<Diagnostic>) {
    parse_with(fs, path, options, Grammar::NamedConf)
}

/// Parses configuration text held in memory; `include` reads through `fs`.
pub fn parse_str(
    fs: &dyn FileSystem,
    name: &str,
    text: &str,
    options: &ParseOptions,
) -> (Option<Document>, Vec<Diagnostic>) {
    parse_text(
        fs,
        name,
        resolve(&options.cwd, Path::new(name)),
        text,
        options,
        Grammar::NamedConf,
    )
}

pub(crate) fn parse_with(
    fs: &dyn FileSystem,
    path: &Path,
    options: &ParseOptions,
    grammar: Grammar,
) -> (Option<Document>, Vec<Diagnostic>) {
    let name = path.to_string_lossy().into_owned();
    let resolved = resolve(&options.cwd, path);
    match fs.read_to_string(&resolved) {
        Ok(text) => parse_text(fs, &name, resolved, &text, options, grammar),
        Err(err) => {
            let diag =
                Diagnostic::error(None, None, format!("open: {name}: {}", io_error_text(&err)));
            (None, vec![diag])
        }
    }
}

pub(crate) fn parse_text(
    fs: &dyn FileSystem,
    name: &str,
    resolved: PathBuf,
    text: &str,
    options: &ParseOptions,
    grammar: Grammar,
) -> (Option<Document>, Vec<Diagnostic>) {
    let file: Arc<str> = Arc::from(name);
    let mut parser = Parser {
        lexer: Lexer::new(file.clone(), resolved, text),
        fs,
        cwd: options.cwd.clone(),
        diags: Vec::new(),
        errors: 0,
        skip_name: false,
        deprecation_warnings: options.deprecation_warnings,
        main: file.clone(),
    };
    let root = parser.parse_top(grammar.ty());
    let failed = parser.errors > 0;
    let diags = parser.diags;
    match root {
        Ok(root) if !failed => (
            Some(Document {
                root,
                directory: parser.cwd,
                file,
            }),
            diags,
        ),
        _ => (None, diags),
    }
}

struct Parser<'a> {
    lexer: Lexer,
    fs: &'a dyn FileSystem,
    cwd: PathBuf,
    diags: Vec<Diagnostic>,
    errors: usize,
    /// A grant rule's match type was `zonesub`: it has no name.
    skip_name: bool,
    deprecation_warnings: bool,
    main: Arc<str>,
}

impl Parser<'_> {
    // -----------------------------------------------------------------------------------------
    // Tokens and messages

    fn last_loc(&self) -> Loc {
        match self.lexer.last() {
            Some(tok) => tok.loc.clone(),
            None => Loc::new(self.main.clone(), Pos { line: 1, column: 1 }),
        }
    }

    fn get(&mut self, mode: Mode) -> PResult<Token> {
        match self.lexer.next(mode) {
            Ok(tok) => Ok(tok),
            Err(err) => {
                self.lex_error(&err);
                Err(Fail)
            }
        }
    }

    fn peek(&mut self, mode: Mode) -> PResult<Token> {
        let tok = self.get(mode)?;
        self.lexer.unget();
        Ok(tok)
    }

    fn lex_error(&mut self, err: &LexError) {
        self.errors += 1;
        self.diags.push(err.loc().error(err.message()));
    }

    fn current_token(&mut self) -> Option<Token> {
        if self.lexer.is_pushed_back() {
            let _ = self.lexer.next(Mode::PLAIN);
        }
        self.lexer.last().cloned()
    }

    fn report(&mut self, severity: Severity, message: String, prep: Option<&str>) {
        let loc = self.last_loc();
        let text = match prep {
            Some(prep) => match self.current_token() {
                Some(tok) => format!("{message}{prep}{}", tok.describe()),
                None => message,
            },
            None => message,
        };
        let diag = match severity {
            Severity::Error => {
                self.errors += 1;
                loc.error(text)
            }
            Severity::Warning => loc.warning(text),
        };
        self.diags.push(diag);
    }

    /// Reads one bare word and turns it into a value with `parse`, or reports `expected`.
    fn scalar_word<T>(
        &mut self,
        ty: &'static Ty,
        parse: fn(&str) -> Option<T>,
        value: fn(T) -> Value,
        expected: &str,
    ) -> PResult<Node> {
        let tok = self.get(Mode::PLAIN)?;
        match (tok.kind, parse(&tok.text)) {
            (Kind::Word, Some(v)) => Ok(self.node(ty, value(v))),
            _ => {
                self.err_near(expected);
                Err(Fail)
            }
        }
    }

    fn err_near(&mut self, message: impl Into<String>) {
        self.report(Severity::Error, message.into(), Some(" near "));
    }

    fn err_before(&mut self, message: impl Into<String>) {
        self.report(Severity::Error, message.into(), Some(" before "));
    }

    fn err_noprep(&mut self, message: impl Into<String>) {
        self.report(Severity::Error, message.into(), Some(" "));
    }

    fn err_plain(&mut self, message: impl Into<String>) {
        self.report(Severity::Error, message.into(), None);
    }

    fn warn_plain(&mut self, message: impl Into<String>) {
        self.report(Severity::Warning, message.into(), None);
    }

    fn node(&self, ty: &'static Ty, value: Value) -> Node {
        Node {
            loc: self.last_loc(),
            ty,
            value,
        }
    }

    fn void(&self) -> Node {
        self.node(&grammar::VOID, Value::Void)
    }

    // -----------------------------------------------------------------------------------------
    // Structure

    fn parse_top(&mut self, ty: &'static Ty) -> PResult<Map> {
        let Ty::MapBody(sets) = ty else {
            return Err(Fail);
        };
        let map = self.map_body(sets)?;
        let tok = self.get(Mode::PLAIN)?;
        if tok.kind != Kind::Eof {
            self.err_near("syntax error");
            return Err(Fail);
        }
        Ok(map)
    }

    fn special(&mut self, c: u8) -> PResult<()> {
        let tok = self.get(Mode::PLAIN)?;
        if tok.is_special(c) {
            return Ok(());
        }
        self.err_near(format!("'{}' expected", char::from(c)));
        Err(Fail)
    }

    /// A `;`. When it is missing, says so and goes on as if it were there.
    fn semicolon(&mut self) -> PResult<()> {
        let tok = self.get(Mode::PLAIN)?;
        if tok.is_special(b';') {
            return Ok(());
        }
        self.err_before("missing ';'");
        self.lexer.unget();
        Ok(())
    }

    fn map_body(&mut self, sets: &'static [&'static [Clause]]) -> PResult<Map> {
        let mut map = Map {
            name: None,
            sets,
            entries: Vec::new(),
        };
        loop {
            let tok = self.get(Mode::PLAIN)?;
            if tok.kind != Kind::Word {
                self.lexer.unget();
                break;
            }
            if tok.text.eq_ignore_ascii_case("include") {
                self.include()?;
                continue;
            }
            let Some(clause) = grammar::find_clause(sets, &tok.text) else {
                self.err_noprep("unknown option");
                self.unsupported()?;
                self.semicolon()?;
                continue;
            };
            if clause.flags & ANCIENT != 0 {
                self.err_plain(format!("option '{}' no longer exists", clause.name));
                return Err(Fail);
            }
            if clause.flags & NOTCONFIGURED != 0 {
                self.err_plain(format!(
                    "option '{}' was not enabled at compile time",
                    clause.name
                ));
                return Err(Fail);
            }
            if clause.flags & DEPRECATED != 0 && self.deprecation_warnings {
                self.warn_plain(format!("option '{}' is deprecated", clause.name));
            }
            if clause.flags & OBSOLETE != 0 {
                self.warn_plain(format!(
                    "option '{}' is obsolete and should be removed",
                    clause.name
                ));
            }
            let existing = map
                .entries
                .iter()
                .position(|e| std::ptr::eq(e.clause, clause));
            let keyword = tok.loc.clone();
            if clause.flags & MULTI != 0 {
                let value = self.parse(clause.ty)?;
                self.semicolon()?;
                match existing {
                    Some(i) => {
                        map.entries[i].values.push(value);
                        map.entries[i].locs.push(keyword);
                    }
                    None => map.entries.push(Entry {
                        clause,
                        values: vec![value],
                        locs: vec![keyword],
                    }),
                }
            } else if existing.is_some() {
                self.err_near(format!("'{}' redefined", clause.name));
                return Err(Fail);
            } else {
                let value = self.parse(clause.ty)?;
                if clause.flags & CALLBACK != 0 {
                    self.change_directory(&value)?;
                }
                self.semicolon()?;
                map.entries.push(Entry {
                    clause,
                    values: vec![value],
                    locs: vec![keyword],
                });
            }
        }
        Ok(map)
    }

    /// `directory` takes effect at once: later relative paths start there.
    fn change_directory(&mut self, value: &Node) -> PResult<()> {
        let Some(dir) = value.as_str() else {
            return Ok(());
        };
        let target = resolve(&self.cwd, Path::new(dir));
        if self.fs.is_dir(&target) {
            self.cwd = target;
            return Ok(());
        }
        self.errors += 1;
        self.diags.push(value.loc.error(format!(
            "change directory to '{dir}' failed: file not found"
        )));
        Err(Fail)
    }

    /// `include "pattern";` — the matching files are read in place of the statement.
    fn include(&mut self) -> PResult<()> {
        let name = self.parse(&grammar::QSTRING)?;
        self.semicolon()?;
        let Some(pattern) = name.as_str() else {
            return Ok(());
        };
        let pattern_path = PathBuf::from(pattern);
        let resolved = resolve(&self.cwd, &pattern_path);
        let matches = match self.fs.glob(&resolved) {
            Ok(m) => m,
            Err(err) => {
                self.errors += 1;
                self.diags.push(
                    name.loc
                        .error(format!("open: {pattern}: {}", io_error_text(&err))),
                );
                return Err(Fail);
            }
        };
        // The lexer reads the file pushed last first, as BIND's does.
        for path in matches {
            let shown = if pattern_path.is_relative() {
                path.strip_prefix(&self.cwd)
                    .map(Path::to_path_buf)
                    .unwrap_or(path.clone())
            } else {
                path.clone()
            };
            let shown = shown.to_string_lossy().into_owned();
            if self.lexer.open_paths().any(|open| open == path) {
                self.errors += 1;
                self.diags.push(name.loc.error(format!(
                    "open: {shown}: include loop: the file is already being read"
                )));
                return Err(Fail);
            }
            if self.lexer.open_paths().count() >= MAX_INCLUDE_DEPTH {
                self.errors += 1;
                self.diags.push(
                    name.loc
                        .error(format!("open: {shown}: includes nested too deeply")),
                );
                return Err(Fail);
            }
            match self.fs.read_to_string(&path) {
                Ok(text) => self
                    .lexer
                    .push_source(Arc::from(shown.as_str()), path, &text),
                Err(err) => {
                    self.errors += 1;
                    self.diags.push(
                        name.loc
                            .error(format!("open: {shown}: {}", io_error_text(&err))),
                    );
                    return Err(Fail);
                }
            }
        }
        Ok(())
    }

    /// Skips an unknown option's value: tokens up to the `;` outside braces.
    fn unsupported(&mut self) -> PResult<()> {
        let mut depth: i64 = 0;
        loop {
            let tok = self.peek(Mode::PLAIN)?;
            match tok.kind {
                Kind::Special(b'{') => depth += 1,
                Kind::Special(b'}') => depth -= 1,
                Kind::Special(b';') if depth == 0 => return Ok(()),
                _ => {}
            }
            if tok.kind == Kind::Eof || depth < 0 {
                self.err_near("unexpected token");
                return Err(Fail);
            }
            self.get(Mode::QSTRING)?;
        }
    }

    // -----------------------------------------------------------------------------------------
    // Values

    fn parse(&mut self, ty: &'static Ty) -> PResult<Node> {
        match ty {
            Ty::Void => Ok(self.void()),
            Ty::QString => {
                let tok = self.get(Mode::QSTRING)?;
                if tok.kind != Kind::Quoted {
                    self.err_near("expected quoted string");
                    return Err(Fail);
                }
                Ok(self.node(ty, Value::Str(tok.text)))
            }
            Ty::UString => {
                let tok = self.get(Mode::PLAIN)?;
                if tok.kind != Kind::Word {
                    self.err_near("expected unquoted string");
                    return Err(Fail);
                }
                Ok(self.node(ty, Value::Str(tok.text)))
            }
            Ty::AString | Ty::SString => {
                let tok = self.get(Mode::QSTRING)?;
                if !tok.is_string() {
                    self.err_near("expected string");
                    return Err(Fail);
                }
                Ok(self.node(ty, Value::Str(tok.text)))
            }
            Ty::Uint32 => {
                let n = self.uint32(true)?;
                Ok(self.node(ty, Value::Uint(n)))
            }
            Ty::Boolean => {
                let b = self.boolean()?;
                Ok(self.node(ty, Value::Bool(b)))
            }
            Ty::Duration => {
                let tok = self.get(Mode::PLAIN)?;
                if tok.kind != Kind::Word {
                    self.err_near("expected ISO 8601 duration or TTL value");
                    return Err(Fail);
                }
                let d = self.duration_text(&tok.text)?;
                Ok(self.node(ty, Value::Duration(d)))
            }
            Ty::DurationOrUnlimited => {
                let tok = self.get(Mode::PLAIN)?;
                if tok.kind != Kind::Word {
                    self.err_near("expected ISO 8601 duration, TTL value, or unlimited");
                    return Err(Fail);
                }
                if tok.text == "unlimited" {
                    let d = Duration {
                        unlimited: true,
                        ..Duration::default()
                    };
                    return Ok(self.node(ty, Value::Duration(d)));
                }
                let d = self.duration_text(&tok.text)?;
                Ok(self.node(ty, Value::Duration(d)))
            }
            Ty::Percentage => self.scalar_word(
                ty,
                scalar::parse_percent,
                Value::Percent,
                "expected percentage",
            ),
            Ty::FixedPoint => self.scalar_word(
                ty,
                scalar::parse_fixedpoint,
                Value::Fixed,
                "expected fixed point number",
            ),
            Ty::SizeVal => self.scalar_word(
                ty,
                scalar::parse_size,
                Value::Uint64,
                "expected integer and optional unit",
            ),
            Ty::BText => {
                let tok = self.get(Mode::BTEXT)?;
                if tok.kind != Kind::BText {
                    self.err_near("expected bracketed text");
                    return Err(Fail);
                }
                Ok(self.node(ty, Value::Str(tok.text)))
            }
            Ty::OptBText => {
                let tok = self.peek(Mode::BTEXT)?;
                if tok.kind == Kind::BText {
                    self.parse(&grammar::BTEXT)
                } else {
                    Ok(self.void())
                }
            }
            Ty::Enum(words) => {
                let tok = self.get(Mode::PLAIN)?;
                if tok.kind != Kind::Word {
                    self.err_near("expected unquoted string");
                    return Err(Fail);
                }
                if !words.iter().any(|w| w.eq_ignore_ascii_case(&tok.text)) {
                    self.err_plain(format!("'{}' unexpected", tok.text));
                    return Err(Fail);
                }
                Ok(self.node(ty, Value::Str(tok.text)))
            }
            Ty::EnumOr(words, other) => {
                let tok = self.peek(Mode::PLAIN)?;
                if tok.kind == Kind::Word && words.iter().any(|w| w.eq_ignore_ascii_case(&tok.text))
                {
                    self.get(Mode::PLAIN)?;
                    Ok(self.node(ty, Value::Str(tok.text)))
                } else {
                    self.parse(other)
                }
            }
            Ty::NetAddr(flags) => {
                let loc = self.last_loc();
                let (ip, scope) = self.raw_addr(*flags)?;
                Ok(Node {
                    loc,
                    ty,
                    value: Value::SockAddr(SockAddr {
                        ip,
                        scope,
                        port: 0,
                        dscp: None,
                    }),
                })
            }
            Ty::NetPrefix => self.netprefix(),
            Ty::SockAddr(flags) => self.sockaddr(ty, *flags),
            Ty::Tuple(fields) => {
                let loc = self.last_loc();
                let mut values = Vec::with_capacity(fields.len());
                for field in fields.iter() {
                    values.push(self.parse(field.ty)?);
                }
                Ok(Node {
                    loc,
                    ty,
                    value: Value::Tuple(values),
                })
            }
            Ty::KvTuple(fields) => self.kv_tuple(ty, fields),
            Ty::KeyValue(kw, inner) | Ty::OptKeyValue(kw, inner) => {
                let tok = self.peek(Mode::PLAIN)?;
                if tok.is_word(kw) {
                    self.get(Mode::PLAIN)?;
                    let mut node = self.parse(inner)?;
                    node.ty = ty;
                    return Ok(node);
                }
                if matches!(ty, Ty::OptKeyValue(..)) {
                    return Ok(self.void());
                }
                self.err_near(format!("expected '{kw}'"));
                Err(Fail)
            }
            Ty::List(elt) => {
                self.special(b'{')?;
                let loc = self.last_loc();
                let mut items = Vec::new();
                loop {
                    let tok = self.peek(Mode::PLAIN)?;
                    if tok.is_special(b'}') {
                        break;
                    }
                    items.push(self.parse(elt)?);
                    self.semicolon()?;
                }
                self.special(b'}')?;
                Ok(Node {
                    loc,
                    ty,
                    value: Value::List(items),
                })
            }
            Ty::SpaceList(elt) => {
                let loc = self.last_loc();
                let mut items = Vec::new();
                loop {
                    let tok = self.peek(Mode::PLAIN)?;
                    if tok.is_special(b';') {
                        break;
                    }
                    items.push(self.parse(elt)?);
                }
                Ok(Node {
                    loc,
                    ty,
                    value: Value::List(items),
                })
            }
            Ty::Map(sets) => {
                self.special(b'{')?;
                let loc = self.last_loc();
                let map = self.map_body(sets)?;
                self.special(b'}')?;
                Ok(Node {
                    loc,
                    ty,
                    value: Value::Map(Box::new(map)),
                })
            }
            Ty::NamedMap(sets) | Ty::PrefixMap(sets) => {
                let name = if matches!(ty, Ty::NamedMap(_)) {
                    self.parse(&grammar::ASTRING)?
                } else {
                    self.netprefix()?
                };
                self.special(b'{')?;
                let loc = self.last_loc();
                let mut map = self.map_body(sets)?;
                self.special(b'}')?;
                map.name = Some(name);
                Ok(Node {
                    loc,
                    ty,
                    value: Value::Map(Box::new(map)),
                })
            }
            Ty::MapBody(sets) => {
                let loc = self.last_loc();
                let map = self.map_body(sets)?;
                Ok(Node {
                    loc,
                    ty,
                    value: Value::Map(Box::new(map)),
                })
            }
            Ty::Special(special) => self.special_value(ty, *special),
        }
    }

    fn uint32(&mut self, cnumber: bool) -> PResult<u32> {
        let tok = self.get(Mode::PLAIN)?;
        let n = if tok.kind == Kind::Word {
            scalar::parse_number(&tok.text, cnumber)
        } else {
            Number::Word
        };
        match n {
            Number::Value(v) => Ok(v),
            Number::Word => {
                self.err_near("expected number");
                Err(Fail)
            }
            Number::Range => {
                self.err_plain("out of range");
                Err(Fail)
            }
        }
    }

    fn boolean(&mut self) -> PResult<bool> {
        let tok = self.get(Mode::PLAIN)?;
        if tok.kind == Kind::Word {
            let t = tok.text.as_str();
            if t.eq_ignore_ascii_case("true") || t.eq_ignore_ascii_case("yes") || t == "1" {
                return Ok(true);
            }
            if t.eq_ignore_ascii_case("false") || t.eq_ignore_ascii_case("no") || t == "0" {
                return Ok(false);
            }
        }
        self.err_near("boolean expected");
        Err(Fail)
    }

    fn duration_text(&mut self, text: &str) -> PResult<Duration> {
        match scalar::parse_duration(text) {
            Ok(d) => Ok(d),
            Err(DurationError::Range) => {
                self.err_near("duration or TTL out of range");
                Err(Fail)
            }
            Err(DurationError::Bad) => {
                self.err_near("expected ISO 8601 duration or TTL value");
                Err(Fail)
            }
        }
    }

    fn raw_addr_token(&mut self, flags: u32) -> PResult<AddrToken> {
        let tok = self.get(Mode::PLAIN)?;
        let result = if tok.kind == Kind::Word {
            scalar::token_addr(&tok.text, flags)
        } else {
            AddrToken::No
        };
        if result == AddrToken::No {
            let mut wild = "";
            if flags & A_WILD != 0 {
                wild = " or '*'";
            }
            if flags & A_V4PREFIX != 0 {
                wild = " or IPv4 prefix";
            }
            let what = match flags & (A_V4 | A_V6) {
                A_V4 => "IPv4 address",
                A_V6 => "IPv6 address",
                _ => "IP address",
            };
            self.err_near(format!("expected {what}{wild}"));
            return Err(Fail);
        }
        Ok(result)
    }

    fn raw_addr(&mut self, flags: u32) -> PResult<(IpAddr, u32)> {
        match self.raw_addr_token(flags)? {
            AddrToken::Addr(ip, scope) => Ok((ip, scope)),
            AddrToken::V4Prefix(ip) => Ok((ip, 0)),
            AddrToken::No => Err(Fail),
        }
    }

    fn raw_port(&mut self, flags: u32) -> PResult<u16> {
        let tok = self.get(Mode::PLAIN)?;
        if flags & A_WILD != 0 && tok.kind == Kind::Word && tok.text == "*" {
            return Ok(0);
        }
        let n = if tok.kind == Kind::Word {
            scalar::parse_number(&tok.text, false)
        } else {
            Number::Word
        };
        match n {
            Number::Value(v) => match u16::try_from(v) {
                Ok(p) => Ok(p),
                Err(_) => {
                    self.err_near("port number out of range");
                    Err(Fail)
                }
            },
            Number::Word => {
                self.err_near("expected port number or '*'");
                Err(Fail)
            }
            Number::Range => {
                self.err_plain("out of range");
                Err(Fail)
            }
        }
    }

    fn netprefix(&mut self) -> PResult<Node> {
        let token = match self.raw_addr_token(A_V4 | A_V4PREFIX | A_V6) {
            Ok(t) => t,
            Err(fail) => {
                self.err_near("expected network prefix");
                return Err(fail);
            }
        };
        let (ip, expect_prefix) = match token {
            AddrToken::Addr(ip, _) => (ip, false),
            AddrToken::V4Prefix(ip) => (ip, true),
            AddrToken::No => return Err(Fail),
        };
        let addrlen: u32 = if ip.is_ipv4() { 32 } else { 128 };
        let tok = self.peek(Mode::PLAIN)?;
        let len = if tok.is_special(b'/') {
            self.get(Mode::PLAIN)?;
            let tok = self.get(Mode::PLAIN)?;
            let n = if tok.kind == Kind::Word {
                scalar::parse_number(&tok.text, false)
            } else {
                Number::Word
            };
            let len = match n {
                Number::Value(v) => v,
                Number::Word => {
                    self.err_near("expected prefix length");
                    return Err(Fail);
                }
                Number::Range => {
                    self.err_plain("out of range");
                    return Err(Fail);
                }
            };
            if len > addrlen {
                self.err_noprep("invalid prefix length");
                return Err(Fail);
            }
            let len = u8::try_from(len).unwrap_or(128);
            if !scalar::prefix_ok(ip, len) {
                self.err_noprep(format!(
                    "'{}/{len}': address/prefix length mismatch",
                    scalar::format_ip(ip, 0)
                ));
                return Err(Fail);
            }
            len
        } else {
            if expect_prefix {
                self.err_near("incomplete IPv4 address or prefix");
                return Err(Fail);
            }
            u8::try_from(addrlen).unwrap_or(128)
        };
        Ok(self.node(&grammar::NETPREFIX, Value::Prefix(ip, len)))
    }

    fn sockaddr(&mut self, ty: &'static Ty, flags: u32) -> PResult<Node> {
        let loc = self.last_loc();
        let (ip, scope) = self.raw_addr(flags)?;
        let mut port = 0u16;
        let mut dscp = None;
        let (mut have_port, mut have_dscp) = (0, 0);
        loop {
            let tok = self.peek(Mode::PLAIN)?;
            if tok.is_word("port") {
                if flags & A_PORT == 0 && self.deprecation_warnings {
                    self.warn_plain("token 'port' is deprecated");
                }
                self.get(Mode::PLAIN)?;
                port = self.raw_port(flags)?;
                have_port += 1;
            } else if flags & A_DSCP != 0 && tok.is_word("dscp") {
                self.warn_plain("'dscp' is obsolete and should be removed");
                self.get(Mode::PLAIN)?;
                dscp = Some(self.uint32(true)?);
                have_dscp += 1;
            } else {
                break;
            }
        }
        if have_port > 1 {
            self.err_plain("expected at most one port");
            return Err(Fail);
        }
        if have_dscp > 1 {
            self.err_plain("expected at most one dscp");
            return Err(Fail);
        }
        Ok(Node {
            loc,
            ty,
            value: Value::SockAddr(SockAddr {
                ip,
                scope,
                port,
                dscp,
            }),
        })
    }

    fn kv_tuple(&mut self, ty: &'static Ty, fields: &'static [Field]) -> PResult<Node> {
        let loc = self.last_loc();
        let Some((first, rest)) = fields.split_first() else {
            return Ok(Node {
                loc,
                ty,
                value: Value::Tuple(Vec::new()),
            });
        };
        let mut values: Vec<Option<Node>> = vec![None; fields.len()];
        values[0] = Some(self.parse(first.ty)?);
        loop {
            let tok = self.peek(Mode::QSTRING)?;
            if tok.kind != Kind::Word {
                break;
            }
            let found = rest
                .iter()
                .enumerate()
                .find(|(i, f)| values[i + 1].is_none() && f.name.eq_ignore_ascii_case(&tok.text));
            let Some((i, field)) = found else {
                self.get(Mode::QSTRING)?;
                self.err_plain(format!("unexpected '{}'", tok.text));
                return Err(Fail);
            };
            self.get(Mode::PLAIN)?;
            values[i + 1] = Some(self.parse(field.ty)?);
        }
        let values = values
            .into_iter()
            .map(|v| v.unwrap_or_else(|| self.void()))
            .collect();
        Ok(Node {
            loc,
            ty,
            value: Value::Tuple(values),
        })
    }

    fn special_value(&mut self, ty: &'static Ty, special: Special) -> PResult<Node> {
        match special {
            Special::QStringOrNone | Special::ServerId => {
                let tok = self.get(Mode::QSTRING)?;
                if tok.is_word("none") {
                    return Ok(self.node(ty, Value::Void));
                }
                if special == Special::ServerId && tok.is_word("hostname") {
                    return Ok(self.node(ty, Value::Bool(true)));
                }
                self.lexer.unget();
                let mut node = self.parse(&grammar::QSTRING)?;
                node.ty = ty;
                Ok(node)
            }
            Special::BoolOrAuto => {
                let tok = self.get(Mode::QSTRING)?;
                if tok.is_word("auto") {
                    return Ok(self.node(ty, Value::Void));
                }
                self.lexer.unget();
                let b = self.boolean()?;
                Ok(self.node(ty, Value::Bool(b)))
            }
            Special::PortRange => {
                let tok = self.peek(Mode::PLAIN)?;
                if tok.kind == Kind::Word
                    && matches!(
                        scalar::parse_number(&tok.text, true),
                        Number::Value(_) | Number::Range
                    )
                {
                    let p = self.port_value()?;
                    return Ok(self.node(ty, Value::Uint(p)));
                }
                let tok = self.get(Mode::PLAIN)?;
                if !tok.is_word("range") {
                    self.err_near("expected integer or 'range'");
                    return Err(Fail);
                }
                let loc = self.last_loc();
                let lo = self.port_value()?;
                let lo_node = self.node(&grammar::UINT32, Value::Uint(lo));
                let hi = self.port_value()?;
                let hi_node = self.node(&grammar::UINT32, Value::Uint(hi));
                if lo > hi {
                    self.err_noprep(format!("low port '{lo}' must not be larger than high port"));
                    return Err(Fail);
                }
                Ok(Node {
                    loc,
                    ty,
                    value: Value::Tuple(vec![lo_node, hi_node]),
                })
            }
            Special::OptionalUint32 => {
                let tok = self.peek(Mode::PLAIN)?;
                if tok.kind == Kind::Word
                    && matches!(
                        scalar::parse_number(&tok.text, true),
                        Number::Value(_) | Number::Range
                    )
                {
                    self.parse(&grammar::UINT32)
                } else {
                    Ok(self.void())
                }
            }
            Special::OptionalClass => {
                let tok = self.peek(Mode::PLAIN)?;
                if tok.kind == Kind::Word {
                    self.parse(&grammar::USTRING)
                } else {
                    Ok(self.void())
                }
            }
            Special::OptionalFacility => {
                let tok = self.peek(Mode::QSTRING)?;
                if tok.is_string() {
                    self.parse(&grammar::ASTRING)
                } else {
                    Ok(self.void())
                }
            }
            Special::LogSeverity => {
                let tok = self.peek(Mode::PLAIN)?;
                if tok.is_word("debug") {
                    self.get(Mode::PLAIN)?;
                    let next = self.peek(Mode::PLAIN)?;
                    let level = if next.kind == Kind::Word
                        && matches!(
                            scalar::parse_number(&next.text, false),
                            Number::Value(_) | Number::Range
                        ) {
                        self.uint32(true)?
                    } else {
                        1
                    };
                    return Ok(self.node(ty, Value::Uint(level)));
                }
                let mut node = self.parse(&grammar::LOGLEVEL)?;
                node.ty = ty;
                Ok(node)
            }
            Special::LogFile => self.keyword_tuple(ty, grammar::LOGFILE_FIELDS, 1, false),
            Special::DnstapOutput => self.keyword_tuple(ty, grammar::DNSTAPOUTPUT_FIELDS, 2, true),
            Special::QuerySource4 => self.query_source(A_WILD | A_V4 | A_DSCP),
            Special::QuerySource6 => self.query_source(A_WILD | A_V6 | A_DSCP),
            Special::ServerKey => {
                let tok = self.peek(Mode::PLAIN)?;
                let braces = tok.is_special(b'{');
                if braces {
                    self.get(Mode::PLAIN)?;
                }
                let node = self.parse(&grammar::ASTRING)?;
                if braces {
                    let tok = self.peek(Mode::PLAIN)?;
                    if tok.is_special(b';') {
                        self.get(Mode::PLAIN)?;
                    }
                    self.special(b'}')?;
                }
                Ok(node)
            }
            Special::UpdatePolicy => {
                let tok = self.get(Mode::PLAIN)?;
                if tok.is_special(b'{') {
                    self.lexer.unget();
                    static GRANTS: Ty = Ty::List(&grammar::GRANT);
                    let mut node = self.parse(&GRANTS)?;
                    node.ty = ty;
                    return Ok(node);
                }
                if tok.is_word("local") {
                    return Ok(self.node(ty, Value::Str("local".to_owned())));
                }
                self.lexer.unget();
                self.err_plain("parsing failed: unexpected token");
                Err(Fail)
            }
            Special::MatchType => {
                let tok = self.peek(Mode::PLAIN)?;
                if tok.is_word("zonesub") {
                    self.skip_name = true;
                }
                static MATCHTYPE_ENUM: Ty = Ty::Enum(grammar::MATCHTYPE_ENUMS);
                self.parse(&MATCHTYPE_ENUM)
            }
            Special::MatchName => {
                if self.skip_name {
                    self.skip_name = false;
                    return Ok(self.void());
                }
                self.parse(&grammar::ASTRING)
            }
            Special::RpzPolicy => {
                let loc = self.last_loc();
                let name = self.parse(&grammar::RPZ_POLICY_NAME)?;
                let cname = if name
                    .as_str()
                    .is_some_and(|s| s.eq_ignore_ascii_case("cname"))
                {
                    self.parse(&grammar::ASTRING)?
                } else {
                    self.void()
                };
                Ok(Node {
                    loc,
                    ty,
                    value: Value::Tuple(vec![name, cname]),
                })
            }
            Special::RemotesElement => {
                let tok = self.peek(Mode::QSTRING)?;
                if !tok.is_string() {
                    self.err_near("expected IP address or remote servers list name");
                    return Err(Fail);
                }
                if tok.kind == Kind::Word
                    && scalar::token_addr(&tok.text, A_V4 | A_V6) != AddrToken::No
                {
                    self.parse(&grammar::SOCKADDR)
                } else {
                    self.parse(&grammar::ASTRING)
                }
            }
            Special::SockAddrNamePort => {
                let tok = self.peek(Mode::QSTRING)?;
                if !tok.is_string() {
                    self.err_near("expected IP address or hostname");
                    return Err(Fail);
                }
                if tok.kind == Kind::Word
                    && scalar::token_addr(&tok.text, A_V4 | A_V6) != AddrToken::No
                {
                    self.parse(&grammar::SOCKADDR)
                } else {
                    self.parse(&grammar::NAMEPORT)
                }
            }
            Special::AddrMatchElement => self.aml_element(),
            Special::Geoip => {
                let loc = self.last_loc();
                let negated = self.void();
                let tok = self.peek(Mode::PLAIN)?;
                let db = if tok.kind == Kind::Word {
                    self.get(Mode::PLAIN)?;
                    if tok.is_word("db") {
                        self.parse(&grammar::ASTRING)?
                    } else {
                        self.lexer.unget();
                        self.void()
                    }
                } else {
                    self.void()
                };
                let subtype = self.parse(&grammar::GEOIPTYPE)?;
                let search = self.parse(&grammar::ASTRING)?;
                Ok(Node {
                    loc,
                    ty,
                    value: Value::Tuple(vec![negated, db, subtype, search]),
                })
            }
            Special::SizeValPercent => {
                let tok = self.get(Mode::PLAIN)?;
                if tok.kind == Kind::Word {
                    if let Some(p) = scalar::parse_percent(&tok.text) {
                        return Ok(self.node(&grammar::PERCENTAGE, Value::Percent(p)));
                    }
                    if let Some(v) = scalar::parse_size(&tok.text) {
                        return Ok(self.node(&grammar::SIZEVAL, Value::Uint64(v)));
                    }
                }
                self.err_near("expected integer and optional unit or percent");
                Err(Fail)
            }
        }
    }

    fn port_value(&mut self) -> PResult<u32> {
        let p = self.uint32(true)?;
        if p > 0xffff {
            self.err_near("invalid port");
            return Err(Fail);
        }
        Ok(p)
    }

    /// A mandatory first field (or two), then optional keyword-introduced fields in any
    /// order, as `file` and `dnstap-output` take them.
    fn keyword_tuple(
        &mut self,
        ty: &'static Ty,
        fields: &'static [Field],
        required: usize,
        strict: bool,
    ) -> PResult<Node> {
        let loc = self.last_loc();
        let mut values: Vec<Option<Node>> = vec![None; fields.len()];
        for (i, field) in fields.iter().enumerate().take(required) {
            values[i] = Some(self.parse(field.ty)?);
        }
        loop {
            let tok = self.peek(Mode::PLAIN)?;
            if tok.kind != Kind::Word {
                break;
            }
            self.get(Mode::PLAIN)?;
            let found = fields
                .iter()
                .enumerate()
                .skip(required)
                .find(|(i, f)| values[*i].is_none() && f.name.eq_ignore_ascii_case(&tok.text));
            match found {
                Some((i, field)) => values[i] = Some(self.parse(field.ty)?),
                None if strict => {
                    self.err_near("unexpected token");
                    return Err(Fail);
                }
                // BIND drops the word and goes on.
                None => break,
            }
        }
        let values = values
            .into_iter()
            .map(|v| v.unwrap_or_else(|| self.void()))
            .collect();
        Ok(Node {
            loc,
            ty,
            value: Value::Tuple(values),
        })
    }

    fn query_source(&mut self, flags: u32) -> PResult<Node> {
        let v4 = flags & A_V4 != 0;
        let mut ip = if v4 {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        } else {
            IpAddr::V6(Ipv6Addr::UNSPECIFIED)
        };
        let mut scope = 0;
        let mut port = 0u16;
        let mut dscp = None;
        let (mut have_address, mut have_port, mut have_dscp) = (0, 0, 0);
        let ty: &'static Ty = if v4 {
            &QUERYSOURCE4_PRINT
        } else {
            &QUERYSOURCE6_PRINT
        };
        loop {
            let tok = self.peek(Mode::PLAIN)?;
            if tok.kind != Kind::Word {
                break;
            }
            let step: PResult<()> = if tok.is_word("address") {
                self.get(Mode::PLAIN)?;
                self.raw_addr(flags).map(|(a, s)| {
                    ip = a;
                    scope = s;
                    have_address += 1;
                })
            } else if tok.is_word("port") {
                if self.deprecation_warnings {
                    self.warn_plain("token 'port' is deprecated");
                }
                self.get(Mode::PLAIN)?;
                self.raw_port(A_WILD).map(|p| {
                    port = p;
                    have_port += 1;
                })
            } else if tok.is_word("dscp") {
                self.warn_plain("'dscp' is obsolete and should be removed");
                self.get(Mode::PLAIN)?;
                self.uint32(true).map(|d| {
                    dscp = Some(d);
                    have_dscp += 1;
                })
            } else if have_port == 0 && have_dscp == 0 && have_address == 0 {
                let sock_ty: &'static Ty = if v4 {
                    &grammar::SOCKADDR4WILD
                } else {
                    &grammar::SOCKADDR6WILD
                };
                return self.sockaddr(sock_ty, flags);
            } else {
                self.err_near("expected 'address' or 'port'");
                return Err(Fail);
            };
            if step.is_err() {
                self.err_near("invalid query source");
                return Err(Fail);
            }
        }
        if have_address > 1 || have_port > 1 || have_address + have_port == 0 {
            self.err_plain("expected one address and/or port");
            return Err(Fail);
        }
        if have_dscp > 1 {
            self.err_plain("expected at most one dscp");
            return Err(Fail);
        }
        Ok(self.node(
            ty,
            Value::SockAddr(SockAddr {
                ip,
                scope,
                port,
                dscp,
            }),
        ))
    }

    fn aml_element(&mut self) -> PResult<Node> {
        let tok = self.peek(Mode::QSTRING)?;
        match tok.kind {
            Kind::Word if tok.is_word("key") => self.parse(&grammar::KEYREF),
            Kind::Word if tok.is_word("geoip") => {
                self.get(Mode::PLAIN)?;
                self.parse(&grammar::GEOIP)
            }
            Kind::Word | Kind::Quoted => {
                if tok.kind == Kind::Word
                    && scalar::token_addr(&tok.text, A_V4 | A_V4PREFIX | A_V6) != AddrToken::No
                {
                    self.netprefix()
                } else {
                    self.parse(&grammar::ASTRING)
                }
            }
            Kind::Special(b'{') => self.parse(&grammar::AML),
            Kind::Special(b'!') => {
                self.get(Mode::PLAIN)?;
                self.parse(&grammar::NEGATED)
            }
            _ => {
                self.err_near("expected IP match list element");
                Err(Fail)
            }
        }
    }
}

/// `query-source address A port P`, printed with its keywords.
pub(crate) static QUERYSOURCE4_PRINT: Ty = Ty::Special(Special::QuerySource4);
/// The IPv6 form.
pub(crate) static QUERYSOURCE6_PRINT: Ty = Ty::Special(Special::QuerySource6);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;

    fn parse(text: &str) -> (Option<Document>, Vec<String>) {
        let fs = MemFs::new();
        let (doc, diags) = parse_str(&fs, "named.conf", text, &ParseOptions::default());
        (doc, diags.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn parses_a_small_config() {
        let (doc, diags) = parse(
            "options { directory \"/\"; recursion no; listen-on port 53 { 127.0.0.1; }; };\n\
             zone \"example.com\" { type primary; file \"db\"; };",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let doc = doc.expect("parses");
        assert_eq!(doc.root.get_all("zone").len(), 1);
        let options = doc
            .root
            .get("options")
            .and_then(Node::as_map)
            .expect("options");
        assert_eq!(
            options.get("recursion").and_then(Node::as_bool),
            Some(false)
        );
    }

    #[test]
    fn missing_semicolon_names_the_next_token() {
        let (doc, diags) = parse("options {\n recursion no\n};\n");
        assert!(doc.is_none());
        assert_eq!(diags, ["named.conf:3:1: missing ';' before '}'"]);
    }

    #[test]
    fn unknown_option_is_reported_and_skipped() {
        let (doc, diags) =
            parse("options { recursoin no; };\nzone \"a\" { type hint; file \"x\" };");
        assert!(doc.is_none());
        assert_eq!(diags[0], "named.conf:1:11: unknown option 'recursoin'");
        assert_eq!(diags[1], "named.conf:2:32: missing ';' before '}'");
    }

    #[test]
    fn errors_name_what_was_expected() {
        let (_, diags) = parse("options { notify-delay five; };");
        assert_eq!(diags, ["named.conf:1:24: expected number near 'five'"]);
        let (_, diags) = parse("options { notify-source 10.0.0.300; };");
        assert_eq!(
            diags[0],
            "named.conf:1:25: expected IPv4 address or '*' near '10.0.0.300'"
        );
        let (_, diags) = parse("acl a { 10.1/8; };");
        assert_eq!(
            diags,
            ["named.conf:1:14: '10.1.0.0/8': address/prefix length mismatch '8'"]
        );
        let (_, diags) = parse("options { recursion maybe; };");
        assert_eq!(diags, ["named.conf:1:21: boolean expected near 'maybe'"]);
        let (_, diags) = parse("options { };\noptions { };");
        assert_eq!(
            diags,
            ["named.conf:2:1: 'options' redefined near 'options'"]
        );
        let (_, diags) = parse("options { use-ixfr yes; };");
        assert_eq!(
            diags,
            ["named.conf:1:11: option 'use-ixfr' no longer exists"]
        );
    }

    #[test]
    fn includes_splice_and_loops_are_caught() {
        let mut fs = MemFs::new();
        fs.add("/etc/a.conf", "include \"b.conf\";\n")
            .add("/etc/b.conf", "\ninclude \"a.conf\";\n")
            .add("/etc/z.conf", "zone \"x\" { type hint; file \"h\"; };");
        let opts = ParseOptions {
            cwd: "/etc".into(),
            ..ParseOptions::default()
        };
        let (doc, diags) = parse_file(&fs, Path::new("a.conf"), &opts);
        assert!(doc.is_none());
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0]
                .to_string()
                .starts_with("b.conf:2:9: open: a.conf: include loop")
        );
        let (doc, diags) = parse_str(
            &fs,
            "m.conf",
            "include \"/etc/z.conf\";\noptions {};",
            &ParseOptions::default(),
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(doc.expect("parses").root.get_all("zone").len(), 1);
    }

    #[test]
    fn directory_moves_relative_includes() {
        let mut fs = MemFs::new();
        fs.add(
            "/var/named/inc.conf",
            "zone \"x\" { type hint; file \"h\"; };",
        );
        let (doc, diags) = parse_str(
            &fs,
            "/etc/named.conf",
            "options { directory \"/var/named\"; };\ninclude \"inc.conf\";",
            &ParseOptions::default(),
        );
        assert!(diags.is_empty(), "{diags:?}");
        let doc = doc.expect("parses");
        assert_eq!(doc.directory, Path::new("/var/named"));
        let (_, diags) = parse_str(
            &fs,
            "n.conf",
            "options { directory \"/nope\"; };",
            &ParseOptions::default(),
        );
        assert_eq!(
            diags[0].to_string(),
            "n.conf:1:21: change directory to '/nope' failed: file not found"
        );
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "",
            "{",
            "}",
            ";",
            "\"",
            "/*",
            "zone",
            "zone \"",
            "acl a { ! ! ! }",
            "options { listen-on port",
            "key k { secret",
            "logging { channel c { file \"x\" versions",
            "view v { zone z {",
            "server 1.2.3.4/33 {};",
            "options { query-source address; };",
            "dyndb a \"b\" {",
            "zone z { update-policy { grant k zonesub; }; };",
            "options { rrset-order { order; }; };",
        ] {
            let _ = parse(text);
        }
    }
}
