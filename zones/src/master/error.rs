//! Errors of the master-file parser: where, which token, what went wrong, what was expected.

use std::borrow::Cow;
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::text::Pos;
use crate::types::{Class, RType};

/// An error in a master file. Its `Display` is `FILE:LINE:COLUMN: MESSAGE` (`FILE: MESSAGE`
/// when the file could not be read at all).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.diagnostic())]
pub struct ParseError {
    /// The file, as named by the caller or by `$INCLUDE`.
    pub file: Arc<str>,
    /// Where the offending token (or the gap where one was missing) is; line 0 when the
    /// error is about the whole file.
    pub pos: Pos,
    /// The offending token as written, empty when a token was missing.
    pub token: String,
    /// What is wrong.
    pub kind: ErrorKind,
}

/// What is wrong in a master file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be read.
    Io(String),
    /// A quoted string ran to the end of its line.
    UnterminatedQuote,
    /// `)` with no `(` open.
    UnbalancedClose,
    /// The file ended inside parentheses opened at this place.
    UnclosedParen(Pos),
    /// A record line began with white space but no owner had been named yet.
    NoOwner,
    /// A domain name that does not parse.
    BadName(String),
    /// A `$` word that is not a directive.
    UnknownDirective,
    /// A directive or record ended before a required field.
    Missing(&'static str),
    /// A token after the last field of a directive.
    ExtraToken(&'static str),
    /// A `$TTL` value that is not a TTL.
    BadTtl,
    /// A TTL above 2³² − 1.
    TtlRange,
    /// A word in the type position that is not a type.
    UnknownType,
    /// A class other than the zone's.
    ClassMismatch {
        /// The class written.
        found: Class,
        /// The zone's class.
        zone: Class,
    },
    /// No TTL on the record, no `$TTL` and no earlier TTL.
    NoTtl,
    /// A meta type (RFC 6895 §3.1) such as TSIG or ANY.
    MetaType(RType),
    /// MD or MF (obsolete since RFC 1123 §2.2).
    ObsoleteType(RType),
    /// An SOA record whose owner is not the zone's apex.
    SoaNotAtTop(String),
    /// A DS record at the apex (it belongs in the parent zone).
    AtParent(RType, String),
    /// RDATA that does not parse; the message says what was expected.
    Rdata(String),
    /// A TTL above the configured maximum.
    MaxTtl {
        /// The record's TTL.
        ttl: u32,
        /// The configured maximum.
        max: u32,
    },
    /// An NS target written as an address (with `-n fail`).
    NsIsAddress,
    /// An MX exchange written as an address (with `-m fail`).
    MxIsAddress,
    /// An owner name that is not a host name where one is required (with `-k fail`).
    BadOwnerName(String),
    /// A name in RDATA that is not a host name or mailbox where one is required
    /// (with `-k fail`).
    BadRdataName(String),
    /// An `$INCLUDE` file that cannot be read.
    Include(String),
    /// An `$INCLUDE` of a file that is already being read.
    IncludeLoop(String),
    /// `$INCLUDE` nested too deeply.
    IncludeDepth(usize),
    /// `$INCLUDE` after `$DATE`.
    IncludeAfterDate,
    /// A `$DATE` value that is not `YYYYMMDDHHMMSS`.
    BadDate,
    /// A `$GENERATE` range that is not `start-stop[/step]`.
    GenerateRange,
    /// A `$GENERATE` range that would make more records than allowed.
    GenerateTooMany(u64),
    /// A `$GENERATE` template that does not expand.
    GenerateTemplate(String),
}

impl ParseError {
    /// The message without the location: what is wrong and what was expected.
    pub fn message(&self) -> String {
        let t = &self.token;
        match &self.kind {
            ErrorKind::Io(e) => format!("cannot read the file: {e}"),
            ErrorKind::UnterminatedQuote => {
                "unbalanced quotes: the quoted string is not closed on its line".into()
            }
            ErrorKind::UnbalancedClose => "unbalanced parentheses: ')' without '('".into(),
            ErrorKind::UnclosedParen(open) => format!(
                "unbalanced parentheses: the '(' at {open} is not closed (expected ')' before \
                 the end of the file)"
            ),
            ErrorKind::NoOwner => format!(
                "no current owner name: the line starts with white space, so it continues \
                 the previous owner, but there is none (expected an owner name before '{t}')"
            ),
            ErrorKind::BadName(why) => {
                format!("bad domain name '{t}': {why} (expected a domain name)")
            }
            ErrorKind::UnknownDirective => format!(
                "unknown $ directive '{t}' (expected $ORIGIN, $TTL, $INCLUDE, $GENERATE or $DATE)"
            ),
            ErrorKind::Missing(what) => format!("unexpected end of line: expected {what}"),
            ErrorKind::ExtraToken(after) => {
                format!("extra input text '{t}' after {after} (expected the end of the line)")
            }
            ErrorKind::BadTtl => {
                format!("bad TTL '{t}' (expected seconds, or units such as 1w2d3h4m5s)")
            }
            ErrorKind::TtlRange => format!("TTL '{t}' is out of range (at most 4294967295)"),
            ErrorKind::UnknownType => format!(
                "unknown RR type '{t}' (expected a TTL, a class or a record type such as A, \
                 MX or TYPE65280)"
            ),
            ErrorKind::ClassMismatch { found, zone } => {
                format!("class '{found}' != zone class '{zone}'")
            }
            ErrorKind::NoTtl => "no TTL specified; zone rejected (expected a TTL on this \
                                 record, a $TTL directive, or a TTL on an earlier record)"
                .into(),
            ErrorKind::MetaType(rtype) => {
                format!("type '{rtype}': invalid use of a meta type in zone data")
            }
            ErrorKind::ObsoleteType(rtype) => {
                format!("type '{rtype}': obsolete (RFC 1123 §2.2; use MX instead)")
            }
            ErrorKind::SoaNotAtTop(owner) => {
                format!("SOA record not at top of zone ({owner})")
            }
            ErrorKind::AtParent(rtype, owner) => {
                format!("{rtype} record at top of zone ({owner}): it belongs in the parent zone")
            }
            ErrorKind::Rdata(why) => {
                if t.is_empty() {
                    format!("bad RDATA: {why}")
                } else {
                    format!("bad RDATA near '{t}': {why}")
                }
            }
            ErrorKind::MaxTtl { ttl, max } => {
                format!("TTL {ttl} exceeds configured max-zone-ttl {max}")
            }
            ErrorKind::NsIsAddress => format!(
                "NS record '{t}' appears to be an address (expected the name of a name server)"
            ),
            ErrorKind::MxIsAddress => {
                format!("'{t}': MX is an address (expected the name of a mail exchanger)")
            }
            ErrorKind::BadOwnerName(owner) => format!(
                "{owner}: bad owner name (check-names: expected letters, digits and hyphens)"
            ),
            ErrorKind::BadRdataName(name) => {
                format!("{name}: bad name (check-names: expected a host name or mailbox)")
            }
            ErrorKind::Include(e) => format!("$INCLUDE '{t}': {e}"),
            ErrorKind::IncludeLoop(path) => {
                format!("$INCLUDE '{t}': include loop ({path} is already being read)")
            }
            ErrorKind::IncludeDepth(max) => {
                format!("$INCLUDE '{t}': includes nested more than {max} deep")
            }
            ErrorKind::IncludeAfterDate => "$INCLUDE may not be used with $DATE".into(),
            ErrorKind::BadDate => {
                format!("bad $DATE '{t}' (expected YYYYMMDDHHMMSS)")
            }
            ErrorKind::GenerateRange => format!(
                "$GENERATE: invalid range '{t}' (expected start-stop or start-stop/step, \
                 0 <= start <= stop, step >= 1)"
            ),
            ErrorKind::GenerateTooMany(max) => {
                format!("$GENERATE: range '{t}' makes more than {max} records")
            }
            ErrorKind::GenerateTemplate(why) => format!("$GENERATE: '{t}': {why}"),
        }
    }

    /// The error as a [`Diagnostic`].
    pub fn diagnostic(&self) -> Diagnostic {
        let pos = (self.pos.line > 0).then_some(self.pos);
        Diagnostic::error(Some(self.file.clone()), pos, self.message())
    }

    /// A short summary in the words BIND uses for the failed load ("unknown class/type",
    /// "no ttl", ...), for the `loading from master file ... failed:` line.
    pub fn summary(&self) -> Cow<'static, str> {
        Cow::Borrowed(match &self.kind {
            ErrorKind::Io(why) | ErrorKind::Include(why) => return Cow::Owned(why.clone()),
            ErrorKind::UnterminatedQuote => "unbalanced quotes",
            ErrorKind::UnbalancedClose | ErrorKind::UnclosedParen(_) => "unbalanced parentheses",
            ErrorKind::NoOwner => "no owner",
            ErrorKind::BadName(_) => "bad name",
            ErrorKind::UnknownDirective | ErrorKind::GenerateRange => "syntax error",
            ErrorKind::Missing(_) => "unexpected end of input",
            ErrorKind::ExtraToken(_) => "extra input text",
            ErrorKind::BadTtl => "bad ttl",
            ErrorKind::TtlRange | ErrorKind::MaxTtl { .. } => "out of range",
            ErrorKind::UnknownType => "unknown class/type",
            ErrorKind::ClassMismatch { .. } => "bad class",
            ErrorKind::NoTtl => "no ttl",
            ErrorKind::MetaType(_) => "invalid use of a meta type",
            ErrorKind::ObsoleteType(_) => "obsolete",
            ErrorKind::SoaNotAtTop(_) => "not at top of zone",
            ErrorKind::AtParent(..) => "at top of zone",
            ErrorKind::Rdata(why) => return Cow::Owned(why.clone()),
            ErrorKind::NsIsAddress => "NS is an address",
            ErrorKind::MxIsAddress => "MX is an address",
            ErrorKind::BadOwnerName(_) => "bad owner name (check-names)",
            ErrorKind::BadRdataName(_) => "bad name (check-names)",
            ErrorKind::IncludeLoop(_) | ErrorKind::IncludeDepth(_) => "include loop",
            ErrorKind::IncludeAfterDate => "syntax error",
            ErrorKind::BadDate => "bad date",
            ErrorKind::GenerateTooMany(_) => "out of range",
            ErrorKind::GenerateTemplate(_) => "bad $GENERATE template",
        })
    }
}
