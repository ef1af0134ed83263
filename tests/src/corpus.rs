//! The zone-file corpus in `tests/data/zones` and its `INDEX`.
//!
//! `INDEX` has one check per line, `file | zone | expect | flags | description`; lines
//! starting with `#` are comments. See the file itself for what the fields mean.

use std::path::PathBuf;

/// One line of the corpus index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The zone file, relative to the corpus directory.
    pub file: String,
    /// The zone's name (its origin), as given on the command line.
    pub zone: String,
    /// Whether named-checkzone loads the file with these flags.
    pub loads: bool,
    /// Extra checker options, already split into words.
    pub flags: Vec<String>,
    /// What the file covers.
    pub description: String,
    /// The line of `INDEX` this entry comes from.
    pub index_line: usize,
}

impl Entry {
    /// The checker options for this entry: its flags, with `-i none` first unless the
    /// flags choose the integrity mode themselves.
    ///
    /// Panics on `-i full`: it makes named-checkzone query the system resolver.
    pub fn checker_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        match self.flags.iter().position(|f| f == "-i") {
            Some(i) => {
                let mode = self.flags.get(i + 1).map(String::as_str);
                assert!(
                    matches!(mode, Some("none" | "local")),
                    "INDEX line {}: '-i {mode:?}' would reach the network; use none or local",
                    self.index_line
                );
            }
            None => args.extend(["-i".to_owned(), "none".to_owned()]),
        }
        args.extend(self.flags.iter().cloned());
        args
    }

    /// `file [flags]`, naming the entry in a report.
    pub fn label(&self) -> String {
        if self.flags.is_empty() {
            self.file.clone()
        } else {
            format!("{} [{}]", self.file, self.flags.join(" "))
        }
    }
}

/// The corpus directory, also the working directory for `$INCLUDE` paths in it.
pub fn dir() -> PathBuf {
    crate::workspace_root().join("tests/data/zones")
}

/// Every entry of the index, in file order.
///
/// Panics on a malformed line: the index is part of the test, not input.
pub fn entries() -> Vec<Entry> {
    let path = dir().join("INDEX");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse_index(&text)
}

/// Parses the text of an index.
pub fn parse_index(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.splitn(5, '|').map(str::trim).collect();
        let [file, zone, expect, flags, description] = fields[..] else {
            panic!("INDEX line {line_no}: expected 5 fields separated by '|': {line}");
        };
        let loads = match expect {
            "ok" => true,
            "fail" => false,
            other => panic!("INDEX line {line_no}: expect must be ok or fail, not {other:?}"),
        };
        out.push(Entry {
            file: file.to_owned(),
            zone: zone.to_owned(),
            loads,
            flags: flags.split_whitespace().map(str::to_owned).collect(),
            description: description.to_owned(),
            index_line: line_no,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_lines_split_into_fields() {
        let entries = parse_index(
            "# comment\n\na.zone | example.com | ok |  | plain\n\
             b.zone | . | fail | -i local -m fail | with | a bar\n",
        );
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].checker_args(), ["-i", "none"]);
        assert!(entries[0].loads);
        assert_eq!(entries[1].zone, ".");
        assert!(!entries[1].loads);
        assert_eq!(entries[1].checker_args(), ["-i", "local", "-m", "fail"]);
        assert_eq!(entries[1].description, "with | a bar");
        assert_eq!(entries[1].index_line, 4);
    }

    #[test]
    #[should_panic(expected = "would reach the network")]
    fn full_integrity_checks_are_refused() {
        parse_index("a.zone | example.com | ok | -i full | x\n")[0].checker_args();
    }

    #[test]
    fn the_corpus_index_names_existing_files() {
        let entries = entries();
        assert!(
            entries.len() >= 60,
            "the corpus has only {} entries",
            entries.len()
        );
        for e in &entries {
            assert!(
                dir().join(&e.file).is_file(),
                "INDEX line {}: no file {}",
                e.index_line,
                e.file
            );
        }
    }
}
