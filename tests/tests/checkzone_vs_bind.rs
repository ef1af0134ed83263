//! rivet-checkzone against named-checkzone 9.18 on every file of the zone-file corpus.
//!
//! For each `INDEX` entry both checkers run in the corpus directory (so relative `$INCLUDE`
//! paths resolve the same way) with `-D -o FILE`, the entry's flags and `-i none` unless
//! the flags say `-i local`. They must agree on accepting or rejecting the zone; when both
//! accept, the dumps must hold the same records; when both reject, Rivet's first error must
//! name the file and line of BIND's first error (when BIND names one). Every difference is
//! collected, so one run lists them all.
//!
//! Dumps are compared line by line after sorting and collapsing white space outside quoted
//! strings, and otherwise exactly, letter case included. Names compare case-insensitively
//! (RFC 4343 §3), but a server keeps the case it was given (RFC 4343 §4.1; RFC 1034 §3.1):
//! BIND prints each owner in the spelling it first read, and names in RDATA as written.
//! A dump is canonical output that scripts diff, so Rivet prints the same spellings.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use tests::checkzone::{first_error, normalise_dump};
use tests::corpus::{self, Entry};
use tests::run::{Output, run};

/// At most this many differing dump lines are listed per entry.
const MAX_LINES_SHOWN: usize = 12;

#[test]
fn rivet_checkzone_agrees_with_named_checkzone_on_the_corpus() {
    let Some(bind) = tests::bind::require("named-checkzone", "checkzone_vs_bind") else {
        return;
    };
    let rivet = tests::cargo_bin::build("named", "rivet-checkzone");
    let entries = corpus::entries();
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let checkers = Checkers {
        bind,
        rivet,
        dir: corpus::dir(),
        scratch: scratch.path().into(),
    };

    let next = AtomicUsize::new(0);
    let problems = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some(entry) = entries.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if let Some(problem) = checkers.compare(entry) {
                        problems
                            .lock()
                            .expect("no worker panics holding the lock")
                            .push(problem);
                    }
                }
            });
        }
    });

    let mut problems = problems.into_inner().expect("no worker panicked");
    problems.sort();
    assert!(
        problems.is_empty(),
        "{} of {} corpus checks differ from named-checkzone:\n\n{}",
        problems.len(),
        entries.len(),
        problems.join("\n")
    );
}

struct Checkers {
    bind: PathBuf,
    rivet: PathBuf,
    dir: PathBuf,
    scratch: PathBuf,
}

impl Checkers {
    /// Runs both checkers on one entry; a description of what differs, if anything does.
    fn compare(&self, entry: &Entry) -> Option<String> {
        let tag = format!("{}-{}", entry.index_line, entry.file.replace('/', "_"));
        let bind_dump = self.scratch.join(format!("{tag}.bind"));
        let rivet_dump = self.scratch.join(format!("{tag}.rivet"));
        let bind = match self.check(&self.bind, entry, &bind_dump) {
            Ok(out) => out,
            Err(e) => return Some(report(entry, &format!("named-checkzone did not run: {e}"))),
        };
        let rivet = match self.check(&self.rivet, entry, &rivet_dump) {
            Ok(out) => out,
            Err(e) => return Some(report(entry, &format!("rivet-checkzone did not run: {e}"))),
        };

        let mut notes = Vec::new();
        if bind.success() != entry.loads {
            notes.push(format!(
                "INDEX expects {}, but named-checkzone {} it (another BIND version?)",
                verdict(entry.loads),
                verb(bind.success())
            ));
        }
        for (name, out) in [("named-checkzone", &bind), ("rivet-checkzone", &rivet)] {
            if !matches!(out.code, Some(0 | 1)) {
                notes.push(format!("{name} exited abnormally:\n{}", out.transcript()));
            }
        }
        if bind.success() != rivet.success() {
            notes.push(format!(
                "named-checkzone {} the zone, rivet-checkzone {} it\n  BIND:\n{}  Rivet:\n{}",
                verb(bind.success()),
                verb(rivet.success()),
                bind.transcript(),
                rivet.transcript()
            ));
        } else if bind.success() {
            if let Some(diff) = compare_dumps(&bind_dump, &rivet_dump) {
                notes.push(diff);
            }
        } else if let Some(diff) = self.compare_errors(entry, &bind, &rivet) {
            notes.push(diff);
        }
        if notes.is_empty() {
            None
        } else {
            Some(report(entry, &notes.join("\n")))
        }
    }

    fn check(&self, program: &Path, entry: &Entry, dump: &Path) -> std::io::Result<Output> {
        let mut args = entry.checker_args();
        args.extend(["-D".to_owned(), "-o".to_owned(), dump.display().to_string()]);
        args.extend([entry.zone.clone(), entry.file.clone()]);
        run(program, &args, &self.dir)
    }

    fn compare_errors(&self, entry: &Entry, bind: &Output, rivet: &Output) -> Option<String> {
        let bind_error = first_error(bind.lines(), &self.dir, &entry.flags)?;
        let Some(rivet_error) = first_error(rivet.lines(), &self.dir, &entry.flags) else {
            return Some(format!(
                "BIND's first error is at {}:{}, Rivet names no file and line\n  BIND:   {}\n  Rivet:\n{}",
                bind_error.file,
                bind_error.line,
                bind_error.text,
                rivet.transcript()
            ));
        };
        if (&bind_error.file, bind_error.line) == (&rivet_error.file, rivet_error.line) {
            return None;
        }
        Some(format!(
            "first error at {}:{} in BIND, at {}:{} in Rivet\n  BIND:  {}\n  Rivet: {}",
            bind_error.file,
            bind_error.line,
            rivet_error.file,
            rivet_error.line,
            bind_error.text,
            rivet_error.text
        ))
    }
}

/// The records only one side dumped, or `None` when the dumps agree.
fn compare_dumps(bind: &Path, rivet: &Path) -> Option<String> {
    let read = |p: &Path| std::fs::read(p).map(|b| String::from_utf8_lossy(&b).into_owned());
    let bind = match read(bind) {
        Ok(text) => normalise_dump(&text),
        Err(e) => return Some(format!("named-checkzone wrote no dump: {e}")),
    };
    let rivet = match read(rivet) {
        Ok(text) => normalise_dump(&text),
        Err(e) => return Some(format!("rivet-checkzone wrote no dump: {e}")),
    };
    if bind == rivet {
        return None;
    }
    let only_bind = sorted_difference(&bind, &rivet);
    let only_rivet = sorted_difference(&rivet, &bind);
    let mut s = format!(
        "dumps differ ({} records from BIND, {} from Rivet)",
        bind.len(),
        rivet.len()
    );
    for (side, lines) in [("only BIND: ", &only_bind), ("only Rivet:", &only_rivet)] {
        for line in lines.iter().take(MAX_LINES_SHOWN) {
            s.push_str(&format!("\n  {side} {line}"));
        }
        if lines.len() > MAX_LINES_SHOWN {
            s.push_str(&format!(
                "\n  {side} ... and {} more",
                lines.len() - MAX_LINES_SHOWN
            ));
        }
    }
    Some(s)
}

/// The lines of sorted `a` that are not in sorted `b`, counting repeats.
fn sorted_difference<'a>(a: &'a [String], b: &[String]) -> Vec<&'a String> {
    let mut out = Vec::new();
    let mut j = 0;
    for line in a {
        while j < b.len() && b[j] < *line {
            j += 1;
        }
        if j < b.len() && b[j] == *line {
            j += 1;
        } else {
            out.push(line);
        }
    }
    out
}

fn report(entry: &Entry, what: &str) -> String {
    format!(
        "- {} (zone {}; INDEX line {}):\n  {}",
        entry.label(),
        entry.zone,
        entry.index_line,
        what
    )
}

fn verdict(loads: bool) -> &'static str {
    if loads { "ok" } else { "fail" }
}

fn verb(loads: bool) -> &'static str {
    if loads { "loads" } else { "rejects" }
}
