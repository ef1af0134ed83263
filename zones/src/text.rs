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
            | Self::UnbalancedClose { pos }
            | Self::UnclosedParen { pos } => *pos,
        }
    }
}

/// What a byte means to the lexer where a token could start.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Newline,
    Blank,
    Comment,
    Open,
    Close,
    Quote,
    Word,
}

/// The class of every byte, so that the lexer dispatches with one load.
const CLASS: [Class; 256] = {
    let mut table = [Class::Word; 256];
    table[b'\n' as usize] = Class::Newline;
    table[b' ' as usize] = Class::Blank;
    table[b'\t' as usize] = Class::Blank;
    table[b'\r' as usize] = Class::Blank;
    table[b';' as usize] = Class::Comment;
    table[b'(' as usize] = Class::Open;
    table[b')' as usize] = Class::Close;
    table[b'"' as usize] = Class::Quote;
    table
};

/// The bytes that end a bare token, and the backslash, which escapes the next byte.
const ENDS_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = !matches!(CLASS[b], Class::Word) || b == b'\\' as usize;
        b += 1;
    }
    table
};

/// Texts at least this long are lexed in a thread of their own, ahead of the reader.
const LEX_AHEAD_MIN: usize = 1 << 20;
/// How many entries the lexing thread hands over at a time.
const BATCH_ENTRIES: usize = 1024;

/// Calls `each` with every entry of `src`, in order: where it starts and its tokens.
///
/// A long text is lexed in a second thread, a batch of entries ahead of `each`, so that
/// reading a large zone file takes the time of its parsing alone on a machine with a core
/// to spare. The entries and the result are the same either way.
pub(crate) fn for_each_entry<'a>(
    src: &'a str,
    mut each: impl FnMut(EntryStart, &[Token<'a>]),
) -> Result<(), LexError> {
    // Without a thread to be had, the text is lexed here instead.
    if src.len() >= LEX_AHEAD_MIN
        && let Ok(end) = lex_ahead(src, &mut each)
    {
        return end;
    }
    let mut lexer = Lexer::new(src);
    let mut tokens = Vec::with_capacity(16);
    while let Some(start) = lexer.next_entry(&mut tokens)? {
        each(start, &tokens);
    }
    Ok(())
}

/// A thread could not be started.
struct NoThread;

/// Entries lexed ahead: all their tokens, and where each entry starts and ends among them.
struct Batch<'a> {
    tokens: Vec<Token<'a>>,
    entries: Vec<(EntryStart, usize)>,
    /// How the text ended, in the last batch.
    end: Option<Result<(), LexError>>,
}

/// [`for_each_entry`] with the lexer in a second thread.
fn lex_ahead<'a>(
    src: &'a str,
    each: &mut impl FnMut(EntryStart, &[Token<'a>]),
) -> Result<Result<(), LexError>, NoThread> {
    use std::sync::mpsc;
    std::thread::scope(|scope| {
        let (full_tx, full_rx) = mpsc::sync_channel::<Batch<'a>>(2);
        // Batches come back to be refilled, so that their buffers are allocated once.
        let (empty_tx, empty_rx) = mpsc::channel::<Batch<'a>>();
        let lexing = std::thread::Builder::new()
            .name("zone-lexer".into())
            .spawn_scoped(scope, move || {
                let mut lexer = Lexer::new(src);
                loop {
                    let mut batch = empty_rx.try_recv().unwrap_or_else(|_| Batch {
                        tokens: Vec::with_capacity(BATCH_ENTRIES * 8),
                        entries: Vec::with_capacity(BATCH_ENTRIES),
                        end: None,
                    });
                    batch.tokens.clear();
                    batch.entries.clear();
                    while batch.end.is_none() && batch.entries.len() < BATCH_ENTRIES {
                        match lexer.append_entry(&mut batch.tokens) {
                            Ok(Some(start)) => batch.entries.push((start, batch.tokens.len())),
                            Ok(None) => batch.end = Some(Ok(())),
                            Err(e) => batch.end = Some(Err(e)),
                        }
                    }
                    let last = batch.end.is_some();
                    // The reader hangs up only when it is unwinding.
                    if full_tx.send(batch).is_err() || last {
                        return;
                    }
                }
            });
        if lexing.is_err() {
            return Err(NoThread);
        }
        for batch in &full_rx {
            let mut from = 0;
            for &(start, to) in &batch.entries {
                each(start, &batch.tokens[from..to]);
                from = to;
            }
            if let Some(end) = batch.end {
                return Ok(end);
            }
            // The lexing thread is gone once it has sent the last batch.
            let _ = empty_tx.send(batch);
        }
        // The lexing thread always ends with a batch that says how the text ended.
        Ok(Ok(()))
    })
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
    /// The text is all ASCII, so a column is a byte offset from the start of the line.
    ascii: bool,
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
            ascii: src.is_ascii(),
        }
    }

    /// The current line number (where the next entry will be looked for).
    pub fn line(&self) -> u32 {
        self.line
    }

    fn here(&mut self, at: usize) -> Pos {
        if self.ascii {
            return Pos {
                line: self.line,
                column: u32::try_from(at - self.line_start + 1).unwrap_or(u32::MAX),
            };
        }
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
        self.append_entry(out)
    }

    /// [`Lexer::next_entry`] adding the tokens to those already in `out`.
    fn append_entry(&mut self, out: &mut Vec<Token<'a>>) -> Result<Option<EntryStart>, LexError> {
        let bytes = self.src.as_bytes();
        let mut start: Option<EntryStart> = None;
        // Where the outermost open '(' stands, and how deep the nesting is: BIND joins
        // lines until every '(' is closed.
        let mut open_paren: Option<Pos> = None;
        let mut depth: u32 = 0;
        let mut at_line_start = self.pos == self.line_start;
        while let Some(&b) = bytes.get(self.pos) {
            let i = self.pos;
            // Words and the blanks between them are most of a file: test for them before
            // dispatching on the rest.
            if !ENDS_WORD[usize::from(b)] {
                self.word(i, &mut start, out);
                at_line_start = false;
                continue;
            }
            if b == b' ' && !at_line_start {
                self.skip_blanks();
                continue;
            }
            match CLASS[usize::from(b)] {
                Class::Newline => {
                    self.pos += 1;
                    self.newline(i);
                    if open_paren.is_none() && start.is_some() {
                        return Ok(start);
                    }
                    at_line_start = true;
                    continue;
                }
                Class::Blank => {
                    let opens_entry = at_line_start && start.is_none() && open_paren.is_none();
                    // Remember the blank owner only if this line turns out to hold tokens.
                    let pos = if opens_entry {
                        Some(self.here(i))
                    } else {
                        None
                    };
                    self.skip_blanks();
                    if let Some(pos) = pos
                        && bytes
                            .get(self.pos)
                            .is_some_and(|&b| !matches!(b, b'\n' | b';'))
                    {
                        start = Some(EntryStart {
                            blank_owner: true,
                            pos,
                        });
                    }
                }
                Class::Comment => {
                    self.pos = bytes[i..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(bytes.len(), |n| i + n);
                }
                Class::Open => {
                    let pos = self.here(i);
                    start.get_or_insert(EntryStart {
                        blank_owner: at_line_start,
                        pos,
                    });
                    open_paren.get_or_insert(pos);
                    depth = depth.saturating_add(1);
                    self.pos += 1;
                }
                Class::Close => {
                    if depth == 0 {
                        return Err(LexError::UnbalancedClose { pos: self.here(i) });
                    }
                    depth -= 1;
                    if depth == 0 {
                        open_paren = None;
                    }
                    self.pos += 1;
                }
                Class::Quote => {
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
                Class::Word => self.word(i, &mut start, out),
            }
            at_line_start = false;
        }
        if let Some(pos) = open_paren {
            return Err(LexError::UnclosedParen { pos });
        }
        Ok(start)
    }

    /// Reads the bare token starting at `i` into `out`, opening the entry if it is the first.
    fn word(&mut self, i: usize, start: &mut Option<EntryStart>, out: &mut Vec<Token<'a>>) {
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

    fn skip_blanks(&mut self) {
        let bytes = self.src.as_bytes();
        while bytes
            .get(self.pos)
            .is_some_and(|&b| CLASS[usize::from(b)] == Class::Blank)
        {
            self.pos += 1;
        }
    }

    /// Reads a bare token starting at `i`; a backslash keeps the next byte in the token.
    fn bare(&mut self, i: usize) -> &'a str {
        let bytes = self.src.as_bytes();
        let mut j = i;
        loop {
            let rest = &bytes[j..];
            j += rest
                .iter()
                .position(|&b| ENDS_WORD[usize::from(b)])
                .unwrap_or(rest.len());
            if bytes.get(j) != Some(&b'\\') {
                break;
            }
            // An escape keeps the next byte, unless that ends the line.
            j += if bytes.get(j + 1).is_some_and(|&b| b != b'\n') {
                2
            } else {
                1
            };
        }
        // Escapes only skip ASCII bytes' successors, so this stays on a char boundary unless
        // the escaped byte starts a multi-byte character; widen to the boundary then.
        while !self.ascii && !self.src.is_char_boundary(j) {
            j += 1;
        }
        self.pos = j;
        self.src.get(i..j).unwrap_or_default()
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

    /// An entry as the tests compare them: blank owner, line, tokens.
    type Seen<'a> = (bool, u32, Vec<Token<'a>>);

    /// Every entry of `src`, lexed in this thread, and how the text ended.
    fn inline(src: &str) -> (Vec<Seen<'_>>, Result<(), LexError>) {
        let mut lexer = Lexer::new(src);
        let mut out = Vec::new();
        let mut all = Vec::new();
        loop {
            match lexer.next_entry(&mut out) {
                Ok(Some(start)) => all.push((start.blank_owner, start.pos.line, out.clone())),
                Ok(None) => return (all, Ok(())),
                Err(e) => return (all, Err(e)),
            }
        }
    }

    #[test]
    fn long_texts_lexed_ahead_give_the_same_entries() {
        let mut src = String::new();
        let mut i = 0;
        while src.len() < 2 * LEX_AHEAD_MIN {
            src.push_str(&format!(
                "host{i} 300 IN A 192.0.2.1 ; comment\n  TXT \"x y\" ( {i}\n z )\n\n"
            ));
            i += 1;
        }
        for tail in ["", "bad ( unclosed\n", "q TXT \"open\n", "x )\n"] {
            let text = format!("{src}{tail}");
            let (expected, end) = inline(&text);
            let mut got = Vec::new();
            let result = for_each_entry(&text, |start, tokens| {
                got.push((start.blank_owner, start.pos.line, tokens.to_vec()));
            });
            assert_eq!(result, end, "{tail:?}");
            assert!(got == expected, "{tail:?}: the entries differ");
        }
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
