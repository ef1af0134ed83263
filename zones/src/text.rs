//! The master-file lexer (RFC 1035 §5.1): splits text into logical entries of tokens.
//!
//! Parentheses join physical lines into one entry, `;` starts a comment, quoted strings keep
//! their spaces, and a backslash escapes the next character. Tokens borrow from the source and
//! keep escapes as written: names and character strings decode them in their own ways.

use std::fmt;

/// A position in a source file, both counted from 1; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// Line number, from 1.
    pub line: u32,
    /// Column number, from 1.
    pub column: u32,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One token of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token as written, escapes intact; for a quoted string, what stands between the
    /// quotes.
    pub text: &'a str,
    /// Whether the token was a quoted string.
    pub quoted: bool,
    /// Where the token starts (for a quoted string, the opening quote).
    pub pos: Pos,
}

/// Facts about one logical entry beyond its tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryStart {
    /// The entry began with white space, so its owner is the previous owner.
    pub blank_owner: bool,
    /// Where the entry begins.
    pub pos: Pos,
}

/// Why the lexer stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LexError {
    /// A quoted string ran to the end of the line.
    #[error("{pos}: unterminated quoted string")]
    UnterminatedQuote {
        /// Where the string began.
        pos: Pos,
    },
    /// `(` inside parentheses. Not produced any more: BIND accepts nesting, and so does
    /// the lexer.
    #[error("{pos}: nested '('")]
    NestedParen {
        /// Where the second `(` stands.
        pos: Pos,
    },
    /// `)` with no `(` open.
    #[error("{pos}: ')' without '('")]
    UnbalancedClose {
        /// Where the `)` stands.
        pos: Pos,
    },
    /// The file ended inside parentheses.
    #[error("{pos}: '(' not closed before the end of the file")]
    UnclosedParen {
        /// Where the `(` stands.
        pos: Pos,
    },
}

impl LexError {
    /// Where the error is.
    pub fn pos(&self) -> Pos {
        match self {
            Self::UnterminatedQuote { pos }
            | Self::NestedParen { pos }
            | Self::UnbalancedClose { pos }
            | Self::UnclosedParen { pos } => *pos,
        }
    }
}

/// Splits master-file text into entries.
pub struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    line: u32,
    line_start: usize,
    /// The last column computed and the byte offset it was for, so that the columns of a
    /// line's tokens cost one pass over the line rather than one per token.
    column_at: usize,
    column: u32,
}

impl<'a> Lexer<'a> {
    /// A lexer over the whole text of one file.
    pub fn new(src: &'a str) -> Self {
        Self {
            src,
            pos: 0,
            line: 1,
            line_start: 0,
            column_at: 0,
            column: 1,
        }
    }

    /// The current line number (where the next entry will be looked for).
    pub fn line(&self) -> u32 {
        self.line
    }

    fn here(&mut self, at: usize) -> Pos {
        if self.column_at < self.line_start || self.column_at > at {
            self.column_at = self.line_start;
            self.column = 1;
        }
        // Characters are the bytes that do not continue a UTF-8 sequence.
        let more = self.src.as_bytes()[self.column_at..at]
            .iter()
            .filter(|&&b| (b as i8) >= -0x40)
            .count();
        self.column = self
            .column
            .saturating_add(u32::try_from(more).unwrap_or(u32::MAX));
        self.column_at = at;
        Pos {
            line: self.line,
            column: self.column,
        }
    }

    fn newline(&mut self, at: usize) {
        self.line += 1;
        self.line_start = at + 1;
    }

    /// Reads the next non-empty entry into `out` (cleared first). Returns `None` at the end
    /// of the text.
    pub fn next_entry(&mut self, out: &mut Vec<Token<'a>>) -> Result<Option<EntryStart>, LexError> {
        out.clear();
        let bytes = self.src.as_bytes();
        let mut start: Option<EntryStart> = None;
        // Where the outermost open '(' stands, and how deep the nesting is: BIND joins
        // lines until every '(' is closed.
        let mut open_paren: Option<Pos> = None;
        let mut depth: u32 = 0;
        let mut at_line_start = self.pos == self.line_start;
        while self.pos < bytes.len() {
            let i = self.pos;
            match bytes[i] {
                b'\n' => {
                    self.pos += 1;
                    self.newline(i);
                    if open_paren.is_none() && start.is_some() {
                        return Ok(start);
                    }
                    at_line_start = true;
                    continue;
                }
                b' ' | b'\t' | b'\r' => {
                    if at_line_start && start.is_none() && open_paren.is_none() {
                        // Remember the blank owner only if this line turns out to hold tokens.
                        let pos = self.here(i);
                        self.skip_blanks();
                        if self.pos < bytes.len() && !matches!(bytes[self.pos], b'\n' | b';') {
                            start = Some(EntryStart {
                                blank_owner: true,
                                pos,
                            });
                        }
                        at_line_start = false;
                        continue;
                    }
                    self.pos += 1;
                }
                b';' => {
                    while self.pos < bytes.len() && bytes[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                b'(' => {
                    let pos = self.here(i);
                    start.get_or_insert(EntryStart {
                        blank_owner: at_line_start,
                        pos,
                    });
                    open_paren.get_or_insert(pos);
                    depth = depth.saturating_add(1);
                    self.pos += 1;
                }
                b')' => {
                    if depth == 0 {
                        return Err(LexError::UnbalancedClose { pos: self.here(i) });
                    }
                    depth -= 1;
                    if depth == 0 {
                        open_paren = None;
                    }
                    self.pos += 1;
                }
                b'"' => {
                    let pos = self.here(i);
                    let text = self.quoted(i, pos)?;
                    start.get_or_insert(EntryStart {
                        blank_owner: false,
                        pos,
                    });
                    out.push(Token {
                        text,
                        quoted: true,
                        pos,
                    });
                }
                _ => {
                    let pos = self.here(i);
                    let text = self.bare(i);
                    start.get_or_insert(EntryStart {
                        blank_owner: false,
                        pos,
                    });
                    out.push(Token {
                        text,
                        quoted: false,
                        pos,
                    });
                }
            }
            at_line_start = false;
        }
        if let Some(pos) = open_paren {
            return Err(LexError::UnclosedParen { pos });
        }
        Ok(start)
    }

    fn skip_blanks(&mut self) {
        let bytes = self.src.as_bytes();
        while self.pos < bytes.len() && matches!(bytes[self.pos], b' ' | b'\t' | b'\r') {
            self.pos += 1;
        }
    }

    /// Reads a bare token starting at `i`; a backslash keeps the next byte in the token.
    fn bare(&mut self, i: usize) -> &'a str {
        let bytes = self.src.as_bytes();
        let mut j = i;
        while j < bytes.len() {
            match bytes[j] {
                b'\\' if j + 1 < bytes.len() && bytes[j + 1] != b'\n' => j += 2,
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'(' | b')' | b'"' => break,
                _ => j += 1,
            }
        }
        self.pos = j.min(bytes.len());
        // Escapes only skip ASCII bytes' successors, so this stays on a char boundary unless
        // the escaped byte starts a multi-byte character; widen to the boundary then.
        while !self.src.is_char_boundary(self.pos) {
            self.pos += 1;
        }
        &self.src[i..self.pos]
    }

    /// Reads a quoted string whose opening quote is at `i`.
    fn quoted(&mut self, i: usize, pos: Pos) -> Result<&'a str, LexError> {
        let bytes = self.src.as_bytes();
        let mut j = i + 1;
        while j < bytes.len() {
            match bytes[j] {
                b'\\' if j + 1 < bytes.len() => {
                    if bytes[j + 1] == b'\n' {
                        self.newline(j + 1);
                    }
                    j += 2;
                }
                b'"' => {
                    self.pos = j + 1;
                    return Ok(&self.src[i + 1..j]);
                }
                b'\n' => break,
                _ => j += 1,
            }
        }
        Err(LexError::UnterminatedQuote { pos })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(src: &str) -> Vec<(bool, Vec<String>)> {
        let mut lexer = Lexer::new(src);
        let mut out = Vec::new();
        let mut all = Vec::new();
        while let Some(start) = lexer.next_entry(&mut out).expect("lexes") {
            all.push((
                start.blank_owner,
                out.iter().map(|t| t.text.to_string()).collect(),
            ));
        }
        all
    }

    #[test]
    fn parentheses_join_lines_and_comments_vanish() {
        let src =
            "@ IN SOA ns hm ( 1 ; serial\n 2 3\n 4 5 )\n\n; only a comment\n\twww A 1.2.3.4\n";
        let got = entries(src);
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0].1,
            ["@", "IN", "SOA", "ns", "hm", "1", "2", "3", "4", "5"]
        );
        assert!(!got[0].0);
        assert_eq!(
            got[1],
            (true, vec!["www".into(), "A".into(), "1.2.3.4".into()])
        );
    }

    #[test]
    fn quotes_and_escapes() {
        let got = entries("a TXT \"x y;z\" b\\ c \"q\\\"q\"\n");
        assert_eq!(got[0].1, ["a", "TXT", "x y;z", "b\\ c", "q\\\"q"]);
    }

    #[test]
    fn blank_lines_with_spaces_are_not_entries() {
        assert!(entries("   \n\t; comment\n").is_empty());
    }

    #[test]
    fn positions_name_line_and_column() {
        let mut lexer = Lexer::new("a A 1\n  b  A 2\n");
        let mut out = Vec::new();
        lexer.next_entry(&mut out).expect("lexes");
        lexer.next_entry(&mut out).expect("lexes");
        assert_eq!(out[0].pos, Pos { line: 2, column: 3 });
        assert_eq!(out[1].pos, Pos { line: 2, column: 6 });
    }

    #[test]
    fn nested_parentheses_join_lines_until_all_close() {
        let got = entries("a TXT ( ( (\n \"c\" ) \"d\"\n ) )\nb A 1\n");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1, ["a", "TXT", "c", "d"]);
        let mut out = Vec::new();
        let err = Lexer::new("a TXT ( ( x )\nb A 1\n")
            .next_entry(&mut out)
            .expect_err("fails");
        assert_eq!(
            err,
            LexError::UnclosedParen {
                pos: Pos { line: 1, column: 7 }
            }
        );
    }

    #[test]
    fn errors_point_at_the_culprit() {
        let mut out = Vec::new();
        let err = Lexer::new("a TXT \"open\n")
            .next_entry(&mut out)
            .expect_err("fails");
        assert_eq!(
            err,
            LexError::UnterminatedQuote {
                pos: Pos { line: 1, column: 7 }
            }
        );
        let err = Lexer::new("a SOA ( 1 2\n")
            .next_entry(&mut out)
            .expect_err("fails");
        assert_eq!(err.pos(), Pos { line: 1, column: 7 });
        let err = Lexer::new("a A 1 )\n")
            .next_entry(&mut out)
            .expect_err("fails");
        assert_eq!(err.pos(), Pos { line: 1, column: 7 });
    }
}
