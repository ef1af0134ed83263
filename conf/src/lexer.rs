//! The named.conf lexer: tokens as BIND's `isc_lex` makes them for the configuration parser.
//!
//! The special characters are `{ } ; / " !`; comments are `//`, `/* */` and `#`, recognised
//! even in the middle of a bare word. What a token is depends on what the parser asks for:
//! `"` starts a quoted string only when a string may follow, and `{` starts a block of raw
//! text only where BIND takes "bracketed text". So the parser asks for one token at a time,
//! with [`Mode`], and can push the last one back to read it again in another mode.
//!
//! An `include` splices another file into the token stream: its end is not seen by the parser,
//! which goes on reading the including file, exactly as BIND does.

use std::sync::Arc;

use zones::text::Pos;

use crate::loc::Loc;

/// What the parser is willing to take as the next token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Mode {
    /// `"` opens a quoted string (otherwise it is a special character).
    pub qstring: bool,
    /// `{` opens bracketed text, read raw up to the matching `}`.
    pub btext: bool,
}

impl Mode {
    /// Bare words and special characters only.
    pub const PLAIN: Self = Self {
        qstring: false,
        btext: false,
    };
    /// Quoted strings too.
    pub const QSTRING: Self = Self {
        qstring: true,
        btext: false,
    };
    /// Bracketed text too.
    pub const BTEXT: Self = Self {
        qstring: false,
        btext: true,
    };
}

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A bare word.
    Word,
    /// A quoted string.
    Quoted,
    /// One of `{ } ; / " !`.
    Special(u8),
    /// The text between a `{` and its matching `}`.
    BText,
    /// The end of the main file.
    Eof,
}

/// One token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// What it is.
    pub kind: Kind,
    /// Its value: the word, the string without quotes (`\"` undone), the bracketed text.
    pub text: String,
    /// The source text of the token, as error messages quote it.
    pub raw: String,
    /// Where it starts.
    pub loc: Loc,
}

impl Token {
    /// A bare word equal to `word`, ignoring ASCII case.
    pub fn is_word(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(word)
    }

    /// The special character `c`.
    pub fn is_special(&self, c: u8) -> bool {
        self.kind == Kind::Special(c)
    }

    /// A bare or quoted string.
    pub fn is_string(&self) -> bool {
        matches!(self.kind, Kind::Word | Kind::Quoted)
    }

    /// How error messages name the token: `'text'` (cut after 30 characters) or
    /// `end of file`.
    pub fn describe(&self) -> String {
        if self.kind == Kind::Eof {
            return "end of file".to_owned();
        }
        const MAX: usize = 30;
        if self.raw.chars().count() > MAX {
            let cut: String = self.raw.chars().take(MAX).collect();
            format!("'{cut}...'")
        } else {
            format!("'{}'", self.raw)
        }
    }
}

/// Why no token could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LexError {
    /// A comment, quoted string or bracketed text ran to the end of the file.
    UnexpectedEnd(Loc),
}

impl LexError {
    /// Where the problem was found.
    pub fn loc(&self) -> &Loc {
        match self {
            Self::UnexpectedEnd(loc) => loc,
        }
    }

    /// BIND's wording.
    pub fn message(&self) -> &'static str {
        match self {
            Self::UnexpectedEnd(_) => "unexpected end of input",
        }
    }
}

/// One open file.
struct Source {
    name: Arc<str>,
    path: std::path::PathBuf,
    text: Vec<char>,
    at: usize,
    line: u32,
    column: u32,
}

impl Source {
    fn peek(&self) -> Option<char> {
        self.text.get(self.at).copied()
    }

    fn peek2(&self) -> Option<char> {
        self.text.get(self.at + 1).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.column = 1;
        } else {
            self.column = self.column.saturating_add(1);
        }
        Some(c)
    }

    fn here(&self) -> Loc {
        Loc::new(
            self.name.clone(),
            Pos {
                line: self.line,
                column: self.column,
            },
        )
    }
}

/// Where a token began, to read it again.
#[derive(Clone)]
struct Mark {
    depth: usize,
    at: usize,
    line: u32,
    column: u32,
}

/// The lexer over a stack of files.
pub(crate) struct Lexer {
    sources: Vec<Source>,
    /// Where the last token began, and the token itself.
    last: Option<(Mark, Token)>,
    /// The last token was pushed back.
    pushed_back: bool,
    eof: Option<Token>,
}

fn is_special(c: char) -> bool {
    matches!(c, '{' | '}' | ';' | '/' | '"' | '!')
}

impl Lexer {
    /// A lexer over the main file.
    pub fn new(name: Arc<str>, path: std::path::PathBuf, text: &str) -> Self {
        let mut lexer = Self {
            sources: Vec::new(),
            last: None,
            pushed_back: false,
            eof: None,
        };
        lexer.push_source(name, path, text);
        lexer
    }

    /// Splices a file in at the current point.
    pub fn push_source(&mut self, name: Arc<str>, path: std::path::PathBuf, text: &str) {
        self.sources.push(Source {
            name,
            path,
            text: text.chars().collect(),
            at: 0,
            line: 1,
            column: 1,
        });
    }

    /// The resolved paths of the files open now, outermost first.
    pub fn open_paths(&self) -> impl Iterator<Item = &std::path::Path> {
        self.sources.iter().map(|s| s.path.as_path())
    }

    /// The last token read (also after it was pushed back).
    pub fn last(&self) -> Option<&Token> {
        self.last.as_ref().map(|(_, t)| t)
    }

    /// Pushes the last token back, to be read again (possibly in another mode).
    pub fn unget(&mut self) {
        if let Some((mark, tok)) = &self.last {
            if tok.kind == Kind::Eof {
                return;
            }
            let top = mark.depth + 1 == self.sources.len();
            if let Some(src) = self.sources.get_mut(mark.depth) {
                if top {
                    src.at = mark.at;
                    src.line = mark.line;
                    src.column = mark.column;
                    self.pushed_back = true;
                }
            }
        }
    }

    /// Whether the last token was pushed back and not read again yet.
    pub fn is_pushed_back(&self) -> bool {
        self.pushed_back
    }

    /// Reads the next token.
    pub fn next(&mut self, mode: Mode) -> Result<Token, LexError> {
        self.pushed_back = false;
        loop {
            if let Some(eof) = &self.eof {
                return Ok(eof.clone());
            }
            let depth = self.sources.len().saturating_sub(1);
            let nested = self.sources.len() > 1;
            let Some(src) = self.sources.last_mut() else {
                return Ok(self.end_of_input());
            };
            skip_blank(src)?;
            if src.peek().is_none() {
                if nested {
                    self.sources.pop();
                    continue;
                }
                let tok = Token {
                    kind: Kind::Eof,
                    text: String::new(),
                    raw: String::new(),
                    loc: src.here(),
                };
                self.eof = Some(tok.clone());
                self.last = Some((
                    Mark {
                        depth,
                        at: src.at,
                        line: src.line,
                        column: src.column,
                    },
                    tok.clone(),
                ));
                return Ok(tok);
            }
            let mark = Mark {
                depth,
                at: src.at,
                line: src.line,
                column: src.column,
            };
            let tok = read_token(src, mode)?;
            self.last = Some((mark, tok.clone()));
            return Ok(tok);
        }
    }

    fn end_of_input(&mut self) -> Token {
        let tok = Token {
            kind: Kind::Eof,
            text: String::new(),
            raw: String::new(),
            loc: Loc::new(Arc::from("none"), Pos { line: 0, column: 0 }),
        };
        self.eof = Some(tok.clone());
        tok
    }
}

/// Skips white space and comments.
fn skip_blank(src: &mut Source) -> Result<(), LexError> {
    loop {
        match src.peek() {
            Some(' ' | '\t' | '\r' | '\n') => {
                src.bump();
            }
            Some('#') => skip_line(src),
            Some('/') if src.peek2() == Some('/') => skip_line(src),
            Some('/') if src.peek2() == Some('*') => skip_c_comment(src)?,
            _ => return Ok(()),
        }
    }
}

fn skip_line(src: &mut Source) {
    while let Some(c) = src.peek() {
        if c == '\n' {
            return;
        }
        src.bump();
    }
}

fn skip_c_comment(src: &mut Source) -> Result<(), LexError> {
    src.bump();
    src.bump();
    loop {
        match src.bump() {
            None => return Err(LexError::UnexpectedEnd(src.here())),
            Some('*') if src.peek() == Some('/') => {
                src.bump();
                return Ok(());
            }
            Some(_) => {}
        }
    }
}

fn read_token(src: &mut Source, mode: Mode) -> Result<Token, LexError> {
    let loc = src.here();
    let start = src.at;
    let Some(c) = src.peek() else {
        return Err(LexError::UnexpectedEnd(loc));
    };
    if c == '"' && mode.qstring {
        src.bump();
        let text = read_quoted(src)?;
        let raw: String = src.text[start..src.at].iter().collect();
        return Ok(Token {
            kind: Kind::Quoted,
            text,
            raw,
            loc,
        });
    }
    if c == '{' && mode.btext {
        src.bump();
        let text = read_btext(src)?;
        let raw: String = src.text[start..src.at].iter().collect();
        return Ok(Token {
            kind: Kind::BText,
            text,
            raw,
            loc,
        });
    }
    if is_special(c) {
        src.bump();
        let byte = u8::try_from(c).unwrap_or(b'?');
        return Ok(Token {
            kind: Kind::Special(byte),
            text: c.to_string(),
            raw: c.to_string(),
            loc,
        });
    }
    let mut text = String::new();
    while let Some(c) = src.peek() {
        if c == '/' && src.peek2() == Some('*') {
            // A C comment ends the word; BIND's lexer then rereads the comment's closing
            // '/' as a token of its own.
            end_word_comment(src)?;
            break;
        }
        if matches!(c, ' ' | '\t' | '\r' | '\n' | '#') || is_special(c) {
            break;
        }
        text.push(c);
        src.bump();
    }
    Ok(Token {
        kind: Kind::Word,
        raw: text.clone(),
        text,
        loc,
    })
}

/// Skips a C comment that ends a word, leaving its closing `/` unread.
fn end_word_comment(src: &mut Source) -> Result<(), LexError> {
    src.bump();
    src.bump();
    loop {
        match src.bump() {
            None => return Err(LexError::UnexpectedEnd(src.here())),
            Some('*') if src.peek() == Some('/') => return Ok(()),
            Some(_) => {}
        }
    }
}

/// A quoted string after its opening quote: `\"` stands for `"`, other backslashes stay, and
/// the string may run over several lines.
fn read_quoted(src: &mut Source) -> Result<String, LexError> {
    let mut text = String::new();
    let mut escaped = false;
    loop {
        let Some(c) = src.bump() else {
            return Err(LexError::UnexpectedEnd(src.here()));
        };
        if c == '"' {
            if escaped {
                text.pop();
                text.push('"');
                escaped = false;
                continue;
            }
            return Ok(text);
        }
        escaped = c == '\\' && !escaped;
        text.push(c);
    }
}

/// Bracketed text after its `{`: everything up to the matching `}`, nested braces kept.
fn read_btext(src: &mut Source) -> Result<String, LexError> {
    let mut text = String::new();
    let mut depth = 1usize;
    let mut escaped = false;
    loop {
        let Some(c) = src.bump() else {
            return Err(LexError::UnexpectedEnd(src.here()));
        };
        if !escaped {
            if c == '{' {
                depth += 1;
            } else if c == '}' {
                depth -= 1;
                if depth == 0 {
                    return Ok(text);
                }
            }
        }
        escaped = c == '\\' && !escaped;
        text.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, mode: Mode) -> Vec<(Kind, String)> {
        let mut lx = Lexer::new(Arc::from("t"), "t".into(), text);
        let mut out = Vec::new();
        loop {
            let t = lx.next(mode).expect("lexes");
            if t.kind == Kind::Eof {
                return out;
            }
            out.push((t.kind, t.text));
        }
    }

    #[test]
    fn comments_end_words() {
        let got = words("foo#bar\nbaz//x\nq /*c*/r s/t", Mode::PLAIN);
        let texts: Vec<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["foo", "baz", "q", "r", "s", "/", "t"]);
    }

    #[test]
    fn a_c_comment_right_after_a_word_leaves_its_slash() {
        let got = words("no/*x*/;", Mode::PLAIN);
        let texts: Vec<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["no", "/", ";"]);
    }

    #[test]
    fn quote_is_special_unless_asked() {
        let got = words("\"a b\"", Mode::PLAIN);
        assert_eq!(got[0], (Kind::Special(b'"'), "\"".to_owned()));
        let got = words("\"a \\\"b\\\\\" x", Mode::QSTRING);
        assert_eq!(got[0], (Kind::Quoted, "a \"b\\\\".to_owned()));
        assert_eq!(got[1], (Kind::Word, "x".to_owned()));
    }

    #[test]
    fn bracketed_text_keeps_nesting() {
        let got = words("{ a { b } c; }", Mode::BTEXT);
        assert_eq!(got, [(Kind::BText, " a { b } c; ".to_owned())]);
    }

    #[test]
    fn unget_rereads_in_another_mode() {
        let mut lx = Lexer::new(Arc::from("t"), "t".into(), "\"x\" y");
        let t = lx.next(Mode::PLAIN).expect("lexes");
        assert!(t.is_special(b'"'));
        lx.unget();
        let t = lx.next(Mode::QSTRING).expect("lexes");
        assert_eq!(t.kind, Kind::Quoted);
        assert_eq!(t.text, "x");
    }

    #[test]
    fn eof_position_is_after_the_last_newline() {
        let mut lx = Lexer::new(Arc::from("t"), "t".into(), "a\nb\n");
        lx.next(Mode::PLAIN).expect("a");
        lx.next(Mode::PLAIN).expect("b");
        let eof = lx.next(Mode::PLAIN).expect("eof");
        assert_eq!(eof.kind, Kind::Eof);
        assert_eq!(eof.loc.pos.line, 3);
    }

    #[test]
    fn unterminated_things_are_errors() {
        let mut lx = Lexer::new(Arc::from("t"), "t".into(), "/* x");
        assert!(lx.next(Mode::PLAIN).is_err());
        let mut lx = Lexer::new(Arc::from("t"), "t".into(), "\"x");
        assert!(lx.next(Mode::QSTRING).is_err());
    }

    #[test]
    fn included_files_splice_in() {
        let mut lx = Lexer::new(Arc::from("main"), "main".into(), "a b");
        assert_eq!(lx.next(Mode::PLAIN).expect("a").text, "a");
        lx.push_source(Arc::from("inc"), "inc".into(), "x");
        let x = lx.next(Mode::PLAIN).expect("x");
        assert_eq!((x.text.as_str(), &*x.loc.file), ("x", "inc"));
        assert_eq!(lx.next(Mode::PLAIN).expect("b").text, "b");
    }
}
