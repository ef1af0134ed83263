//! The `$` directives: `$ORIGIN`, `$TTL`, `$INCLUDE`, `$GENERATE` and `$DATE`.

use std::path::Path;
use std::sync::Arc;

use super::entry::ttl_error;
use super::generate::{self, Side};
use super::ttl;
use super::{
    Context, ErrorKind, Parser, canonical, decode, end_of, in_zone, message_name, name_from,
};
use crate::rdata;
use crate::record::Record;
use crate::text::{Lexer, Token};

impl Parser<'_> {
    /// Handles a directive entry. Returns whether the origin changed.
    pub(super) fn directive(
        &mut self,
        file: &Arc<str>,
        tokens: &[Token<'_>],
        ctx: &mut Context,
    ) -> bool {
        let word = tokens[0].text;
        if word.eq_ignore_ascii_case("$ORIGIN") {
            self.origin(file, tokens, ctx);
            true
        } else if word.eq_ignore_ascii_case("$TTL") {
            self.default_ttl(file, tokens);
            false
        } else if word.eq_ignore_ascii_case("$INCLUDE") {
            self.include(file, tokens, ctx);
            false
        } else if word.eq_ignore_ascii_case("$GENERATE") {
            self.generate(file, tokens, ctx);
            false
        } else if word.eq_ignore_ascii_case("$DATE") {
            self.date(file, tokens);
            false
        } else {
            self.fail_at(file, &tokens[0], ErrorKind::UnknownDirective);
            false
        }
    }

    /// The directive's argument at `at`, or an error saying what was expected.
    fn argument<'a>(
        &mut self,
        file: &Arc<str>,
        tokens: &[Token<'a>],
        at: usize,
        expected: &'static str,
    ) -> Option<Token<'a>> {
        let token = tokens.get(at).copied();
        if token.is_none() {
            self.fail(file, end_of(tokens), "", ErrorKind::Missing(expected));
        }
        token
    }

    /// Reports tokens after the directive's last argument; returns whether there were none.
    fn no_more(
        &mut self,
        file: &Arc<str>,
        tokens: &[Token<'_>],
        used: usize,
        after: &'static str,
    ) -> bool {
        match tokens.get(used) {
            Some(extra) => {
                self.fail_at(file, extra, ErrorKind::ExtraToken(after));
                false
            }
            None => true,
        }
    }

    /// `$ORIGIN name`: relative names are completed with the current origin.
    fn origin(&mut self, file: &Arc<str>, tokens: &[Token<'_>], ctx: &mut Context) {
        let Some(arg) = self.argument(file, tokens, 1, "a domain name after $ORIGIN") else {
            return;
        };
        if !self.no_more(file, tokens, 2, "the $ORIGIN name") {
            return;
        }
        match name_from(arg.text, &ctx.origin) {
            Ok(origin) => {
                ctx.set_origin(origin, &self.opts.origin);
                ctx.origin_changed = true;
            }
            Err(kind) => self.fail_at(file, &arg, kind),
        }
    }

    /// `$TTL ttl`: the TTL of records that give none.
    fn default_ttl(&mut self, file: &Arc<str>, tokens: &[Token<'_>]) {
        let Some(arg) = self.argument(file, tokens, 1, "a TTL after $TTL") else {
            return;
        };
        let value = match ttl::parse(arg.text) {
            Ok(value) => {
                if value > super::MAX_TTL {
                    let message = format!("$TTL {value} > MAXTTL, setting $TTL to 0");
                    self.warn(file, arg.pos, message);
                    0
                } else {
                    value
                }
            }
            Err(e) => {
                self.fail_at(file, &arg, ttl_error(e));
                // As BIND does, carry on as if `$TTL 0`, which spares a "no TTL" per record.
                0
            }
        };
        self.ttl.default = Some(value);
        self.ttl.last = value;
        self.no_more(file, tokens, 2, "the $TTL value");
    }

    /// `$DATE YYYYMMDDHHMMSS`: when the file was dumped. Only `$INCLUDE` cares.
    fn date(&mut self, file: &Arc<str>, tokens: &[Token<'_>]) {
        let Some(arg) = self.argument(file, tokens, 1, "a date YYYYMMDDHHMMSS after $DATE") else {
            return;
        };
        if valid_date(arg.text) {
            self.seen_date = true;
        } else {
            self.fail_at(file, &arg, ErrorKind::BadDate);
        }
        self.no_more(file, tokens, 2, "the $DATE value");
    }

    /// `$INCLUDE file [origin]`: reads another file in place. The file starts with this
    /// file's origin (or the one given) and owner; both revert when it ends, while `$TTL`
    /// and the TTL of the last record carry on.
    fn include(&mut self, file: &Arc<str>, tokens: &[Token<'_>], ctx: &mut Context) {
        self.commit_all();
        if self.seen_date {
            self.fail_at(file, &tokens[0], ErrorKind::IncludeAfterDate);
            return;
        }
        let Some(name) = self.argument(file, tokens, 1, "a file name after $INCLUDE") else {
            return;
        };
        let origin = match tokens.get(2) {
            Some(arg) => match name_from(arg.text, &ctx.origin) {
                Ok(origin) => Some(origin),
                Err(kind) => {
                    self.fail_at(file, arg, kind);
                    return;
                }
            },
            None => None,
        };
        if !self.no_more(file, tokens, 3, "the $INCLUDE origin") {
            return;
        }
        let written = unescape(name.text);
        let path = self.opts.base_dir.join(Path::new(&written));
        if self.includes.len() >= self.checks.max_include_depth {
            let max = self.checks.max_include_depth;
            self.fail_at(file, &name, ErrorKind::IncludeDepth(max));
            return;
        }
        let real = canonical(&path);
        if self.includes.contains(&real) {
            let kind = ErrorKind::IncludeLoop(path.display().to_string());
            self.fail_at(file, &name, kind);
            return;
        }
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.fail_at(file, &name, ErrorKind::Include(super::io_message(&e)));
                return;
            }
        };
        self.included.push(path);
        let text = decode(&bytes);
        let given = origin.is_some();
        let origin = origin.unwrap_or_else(|| ctx.origin.clone());
        let mut inner = Context::new(origin, &self.opts.origin);
        inner.origin_changed = given || ctx.origin_changed;
        inner.current = ctx.owner().cloned();
        inner.drop = ctx.drop;
        self.includes.push(real);
        self.read(&Arc::from(written.as_str()), &text, &mut inner);
        self.includes.pop();
        self.commit_all();
    }

    /// `$GENERATE range lhs [ttl] [class] type rhs` (TTL and class in either order).
    fn generate(&mut self, file: &Arc<str>, tokens: &[Token<'_>], ctx: &Context) {
        let Some(range_token) = self.argument(file, tokens, 1, "a range such as 1-100") else {
            return;
        };
        let Some(lhs) = self.argument(file, tokens, 2, "an owner template") else {
            return;
        };
        let rest = &tokens[3..];
        let Some(head) = self.head(file, rest, tokens) else {
            return;
        };
        let type_token = rest[head.type_at];
        let Some(rhs) = self.argument(file, tokens, 3 + head.type_at + 1, "an RDATA template")
        else {
            return;
        };
        let extra = 3 + head.type_at + 2;
        if !self.no_more(
            file,
            tokens,
            extra,
            "the RDATA template (quote it if it has spaces)",
        ) {
            return;
        }
        if !self.ttl.known && self.ttl.default.is_none() {
            self.fail_at(file, &tokens[0], ErrorKind::NoTtl);
            return;
        }
        if head.ttl.is_none()
            && let Some(default) = self.ttl.default
        {
            self.ttl.last = default;
        }
        let Some(range) = generate::parse_range(range_token.text) else {
            self.fail_at(file, &range_token, ErrorKind::GenerateRange);
            return;
        };
        if range.count() > self.checks.max_generate {
            let max = self.checks.max_generate;
            self.fail_at(file, &range_token, ErrorKind::GenerateTooMany(max));
            return;
        }
        let class = head.class.map(|(c, at)| (c, rest[at]));
        let Some(rtype) = self.record_type(file, &type_token, class) else {
            return;
        };
        let ttl = self.ttl.last;
        let mut owner_text = String::new();
        let mut rdata_text = String::new();
        for it in range.values() {
            if let Err(e) = generate::expand(lhs.text, it, Side::Lhs, &mut owner_text) {
                let kind = ErrorKind::GenerateTemplate(e.message().into());
                self.fail_at(file, &lhs, kind);
                return;
            }
            let owner = match name_from(&owner_text, &ctx.origin) {
                Ok(owner) => owner,
                Err(kind) => {
                    self.fail(file, lhs.pos, &owner_text, kind);
                    return;
                }
            };
            if !in_zone(&owner, &self.opts.origin) {
                let message = format!("ignoring out-of-zone data ({})", message_name(&owner));
                self.warn(file, lhs.pos, message);
                continue;
            }
            if let Err(e) = generate::expand(rhs.text, it, Side::Rhs, &mut rdata_text) {
                let kind = ErrorKind::GenerateTemplate(e.message().into());
                self.fail_at(file, &rhs, kind);
                return;
            }
            let mut fields = Vec::new();
            let mut lexer = Lexer::new(&rdata_text);
            let lexed = lexer
                .next_entry(&mut fields)
                .map_err(|e| format!("the expansion '{rdata_text}' does not lex: {e}"))
                .and_then(|_| {
                    let mut more = Vec::new();
                    match lexer.next_entry(&mut more) {
                        Ok(None) => Ok(()),
                        _ => Err(format!("the expansion '{rdata_text}' spans lines")),
                    }
                });
            if let Err(why) = lexed {
                self.fail_at(file, &rhs, ErrorKind::GenerateTemplate(why));
                return;
            }
            let rdata = match rdata::from_text(rtype, &fields, &ctx.origin) {
                Ok(rdata) => rdata,
                Err(e) => {
                    let near = fields.get(e.token).map_or("", |t| t.text);
                    let why = format!("{e} (the template expands to '{rdata_text}')");
                    self.fail(file, rhs.pos, near, ErrorKind::Rdata(why));
                    return;
                }
            };
            let record = Record {
                owner,
                ttl,
                class: self.opts.class,
                rtype,
                rdata,
            };
            self.keep(record, file, tokens[0].pos);
        }
    }
}

/// Removes backslash escapes from a file name (`\"` → `"`, `\\` → `\`).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

/// Whether `text` is a valid `YYYYMMDDHHMMSS` time (seconds may be 60, a leap second).
fn valid_date(text: &str) -> bool {
    if text.len() != 14 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let field = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(u32::MAX);
    let (year, month, day) = (field(0..4), field(4..6), field(6..8));
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day) && field(8..10) <= 23 && field(10..12) <= 59 && field(12..14) <= 60
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(valid_date("20240229235960"));
        assert!(!valid_date("20230229000000"));
        assert!(!valid_date("2024022900000"));
        assert!(!valid_date("20241301000000"));
        assert!(!valid_date("2024010100000x"));
        assert!(!valid_date("20240101240000"));
    }

    #[test]
    fn file_names_lose_their_escapes() {
        assert_eq!(unescape("a\\\"b\\\\c"), "a\"b\\c");
        assert_eq!(unescape("plain/path.zone"), "plain/path.zone");
    }
}
