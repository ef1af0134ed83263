//! Reading what named-checkzone and rivet-checkzone print: `-D` dumps and located
//! diagnostics.

use std::path::Path;

/// Normalises a `-D` dump for comparison: drops comment and blank lines, turns each run
/// of white space outside quoted strings into one space, and sorts the lines.
///
/// Quoted strings are kept byte for byte: a space or tab inside one is data.
pub fn normalise_dump(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with(';'))
        .map(collapse_space)
        .collect();
    lines.sort();
    lines
}

fn collapse_space(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_quotes = false;
    let mut escaped = false;
    let mut pending_space = false;
    for c in line.chars() {
        if !in_quotes && c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            in_quotes = !in_quotes;
        }
    }
    out
}

/// A diagnostic that names a place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The file as printed, without a leading `./`.
    pub file: String,
    /// The line number.
    pub line: u32,
    /// The whole output line, for reports.
    pub text: String,
}

/// Finds `FILE:LINE:` (optionally `FILE:LINE:COLUMN:`) in an output line, where FILE is a
/// file that exists relative to `dir`. Scratch names such as BIND's `buffer-0x…:1:` (the
/// text a `$GENERATE` made) are not files and are skipped.
pub fn locate(line: &str, dir: &Path) -> Option<Located> {
    line.split_whitespace().find_map(|word| {
        let mut parts = word.split(':');
        let file = parts.next()?;
        let number: u32 = parts.next()?.parse().ok()?;
        let file = file.strip_prefix("./").unwrap_or(file);
        if file.is_empty() || !dir.join(file).is_file() {
            return None;
        }
        Some(Located {
            file: file.to_owned(),
            line: number,
            text: line.to_owned(),
        })
    })
}

/// Messages named-checkzone 9.18 prints with a file and line that are warnings, not
/// errors (it labels only some of its warnings as such).
const BIND_WARNINGS: &[&str] = &[
    "no TTL specified; using SOA MINTTL instead",
    "using RFC1035 TTL semantics",
    "TTL set to prior TTL",
    "ignoring out-of-zone data",
    "file does not end with newline",
    "contains an non-terminal wildcard",
    "record with inherited owner",
];

/// Whether a located line of checker output is a warning rather than an error, given the
/// checker's `flags`: check-names findings (`-k`) and NS/MX targets written as addresses
/// (`-n`, `-m`) are warnings unless their mode is `fail`.
pub fn is_warning(text: &str, flags: &[String]) -> bool {
    let fails = |flag: &str| flags.windows(2).any(|w| w[0] == flag && w[1] == "fail");
    let lower = text.to_ascii_lowercase();
    lower.contains(": warning: ")
        || lower.contains(": warning ")
        || BIND_WARNINGS.iter().any(|w| text.contains(w))
        || (text.contains("(check-names)") && !fails("-k"))
        || (text.contains("appears to be an address") && !fails("-n"))
}

/// The first located error in a checker's output lines, skipping warnings.
pub fn first_error<'a>(
    lines: impl IntoIterator<Item = &'a str>,
    dir: &Path,
    flags: &[String],
) -> Option<Located> {
    lines
        .into_iter()
        .filter_map(|l| locate(l, dir))
        .find(|loc| !is_warning(&loc.text, flags))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dump_lines_are_collapsed_outside_quotes_and_sorted() {
        let dump = "b.example.\t\t300 IN TXT\t\"a  b\\\"  c\"   \"d\"\n\
                    ; resign=20300101000000\n\n\
                    a.example.   300 IN A\t192.0.2.1\n";
        assert_eq!(
            normalise_dump(dump),
            [
                "a.example. 300 IN A 192.0.2.1",
                "b.example. 300 IN TXT \"a  b\\\"  c\" \"d\""
            ]
        );
    }

    #[test]
    fn located_lines_name_existing_files_only() {
        let dir = crate::corpus::dir();
        let bind = "dns_rdata_fromtext: bad-a-address.zone:8: near '192.0.2': bad dotted quad";
        let loc = locate(bind, &dir).expect("BIND's form is found");
        assert_eq!((loc.file.as_str(), loc.line), ("bad-a-address.zone", 8));
        let rivet = "./bad-a-address.zone:8:15: bad IPv4 address '192.0.2'";
        let loc = locate(rivet, &dir).expect("Rivet's form is found");
        assert_eq!((loc.file.as_str(), loc.line), ("bad-a-address.zone", 8));
        assert_eq!(
            locate("dns_rdata_fromtext: buffer-0x7ffc5e3f3a70:1: near", &dir),
            None
        );
        assert_eq!(locate("zone example.com/IN: has 0 SOA records", &dir), None);
    }

    #[test]
    fn warnings_depend_on_the_failure_modes() {
        let dir = crate::corpus::dir();
        let out = [
            "check-names.zone:8: under_score.example.com: bad owner name (check-names)",
            "check-names.zone:10: warning: bad_mx.example.com: bad name (check-names)",
            "check-names.zone:9: TTL set to prior TTL (100)",
        ];
        assert_eq!(first_error(out, &dir, &[]), None);
        let fail = ["-k".to_owned(), "fail".to_owned()];
        assert_eq!(first_error(out, &dir, &fail).map(|l| l.line), Some(8));
    }
}
