//! rivet-checkconf against named-checkconf 9.18 on every case of the named.conf corpus
//! (`tests/data/conf`, see its README).
//!
//! Each case directory is the root both checkers read from (`-t DIR`), so nothing outside
//! it is opened and no name is looked up. They must agree on accepting or rejecting the
//! configuration; when both reject, Rivet's first error must name the file and line of
//! BIND's first error. Cases marked `rivet-rejects` use an option Rivet refuses by design:
//! BIND accepts them and Rivet must say the option is not supported. For valid cases Rivet's
//! `-p` output must equal named-checkconf's, and printing that output again must give the
//! same text. Every difference is collected, so one run lists them all.

use std::path::{Path, PathBuf};

use tests::run::{Output, run};

/// What a case expects.
#[derive(Debug, Default)]
struct Case {
    name: String,
    dir: PathBuf,
    file: String,
    expect: String,
    flags: Vec<String>,
    line_only: bool,
}

fn corpus_dir() -> PathBuf {
    tests::workspace_root().join("tests/data/conf")
}

/// Reads `key: value` lines from a CASE file or the leading comments of the configuration.
fn read_case(dir: &Path) -> Case {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut case = Case {
        name,
        dir: dir.to_path_buf(),
        file: "/named.conf".to_owned(),
        ..Case::default()
    };
    let text = std::fs::read_to_string(dir.join("CASE"))
        .or_else(|_| std::fs::read_to_string(dir.join("named.conf")))
        .unwrap_or_default();
    for line in text.lines() {
        let line = line.trim_start_matches("//").trim_start_matches('#').trim();
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "expect" => case.expect = value.to_owned(),
            "flags" => case.flags = value.split_whitespace().map(str::to_owned).collect(),
            "file" => case.file = value.to_owned(),
            "compare" => case.line_only = value == "line",
            _ => {}
        }
    }
    case
}

fn cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("the corpus directory exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.iter().map(|d| read_case(d)).collect()
}

/// Messages that are warnings in either checker (both print warnings and errors alike).
const WARNINGS: &[&str] = &[
    "is deprecated",
    "is obsolete",
    "not recommended",
    "is not implemented by Rivet and is ignored",
    "' set but 'notify' is disabled",
    "inherited 'forward first;'",
];

/// `(file, line, message)` of each `FILE:LINE[:COL]: message` line.
fn diagnostics(out: &Output) -> Vec<(String, u32, String)> {
    let mut found = Vec::new();
    for line in out.lines() {
        let mut parts = line.splitn(4, ':');
        let (Some(file), Some(l)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Ok(l) = l.trim().parse::<u32>() else {
            continue;
        };
        let rest: Vec<&str> = parts.collect();
        let message = match rest.as_slice() {
            [col, msg] if col.trim().parse::<u32>().is_ok() => msg.trim().to_owned(),
            other => other.join(":").trim().to_owned(),
        };
        found.push((file.to_owned(), l, message));
    }
    found
}

fn first_error(out: &Output) -> Option<(String, u32, String)> {
    let all = diagnostics(out);
    all.iter()
        .find(|(_, _, m)| !WARNINGS.iter().any(|w| m.contains(w)))
        .or_else(|| all.first())
        .cloned()
}

/// The printed configuration: everything but diagnostics and zone-load lines.
fn printed(out: &Output) -> String {
    let diags = diagnostics(out);
    out.stdout
        .lines()
        .filter(|l| {
            let zone_loaded = l.starts_with("zone ") && l.contains(": loaded serial");
            let diagnostic = diags
                .iter()
                .any(|(f, n, _)| l.starts_with(&format!("{f}:{n}:")));
            !zone_loaded && !diagnostic
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

struct Checkers {
    bind: PathBuf,
    rivet: PathBuf,
    scratch: PathBuf,
}

impl Checkers {
    fn run(&self, program: &Path, case: &Case, extra: &[&str]) -> Output {
        let mut args: Vec<String> = case.flags.clone();
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args.push("-t".to_owned());
        args.push(case.dir.display().to_string());
        args.push(case.file.clone());
        run(program, &args, &self.scratch)
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
    }

    fn compare(&self, case: &Case) -> Option<String> {
        let bind = self.run(&self.bind, case, &[]);
        let rivet = self.run(&self.rivet, case, &[]);
        let header = format!("{} (expect {}):", case.name, case.expect);
        let show = || {
            format!(
                "  named-checkconf:\n{}  rivet-checkconf:\n{}",
                bind.transcript(),
                rivet.transcript()
            )
        };
        match case.expect.as_str() {
            "valid" => {
                if !bind.success() || !rivet.success() {
                    return Some(format!("{header} both should accept\n{}", show()));
                }
                self.compare_print(case, &header)
            }
            "invalid" => {
                if bind.success() || rivet.success() {
                    return Some(format!("{header} both should reject\n{}", show()));
                }
                if case.flags.iter().any(|f| f == "-z") {
                    return None;
                }
                let (Some(b), Some(r)) = (first_error(&bind), first_error(&rivet)) else {
                    return Some(format!("{header} no error line to compare\n{}", show()));
                };
                let same = if case.line_only {
                    b.1 == r.1
                } else {
                    (b.0.as_str(), b.1) == (r.0.as_str(), r.1)
                };
                if !same {
                    return Some(format!(
                        "{header} BIND's first error is at {}:{}, Rivet's at {}:{}\n{}",
                        b.0,
                        b.1,
                        r.0,
                        r.1,
                        show()
                    ));
                }
                None
            }
            "rivet-rejects" => {
                let said = rivet.lines().any(|l| l.contains("not supported by Rivet"));
                if !bind.success() || rivet.success() || !said {
                    return Some(format!(
                        "{header} BIND should accept, Rivet reject as unsupported\n{}",
                        show()
                    ));
                }
                None
            }
            other => Some(format!("{header} unknown expectation '{other}'")),
        }
    }

    /// `-p` prints what named-checkconf prints, and the printed text prints the same again.
    fn compare_print(&self, case: &Case, header: &str) -> Option<String> {
        let bind = self.run(&self.bind, case, &["-p"]);
        let rivet = self.run(&self.rivet, case, &["-p"]);
        let (b, r) = (printed(&bind), printed(&rivet));
        if b != r {
            let diff: Vec<String> = b
                .lines()
                .zip(r.lines())
                .filter(|(x, y)| x != y)
                .take(8)
                .map(|(x, y)| format!("    named-checkconf: {x}\n    rivet-checkconf: {y}"))
                .collect();
            return Some(format!("{header} -p output differs\n{}", diff.join("\n")));
        }
        let copy = self.scratch.join(format!("print-{}", case.name));
        copy_tree(&case.dir, &copy);
        let again_file = copy.join("printed.conf");
        std::fs::write(&again_file, &r).expect("write the printed configuration");
        let again_case = Case {
            file: "/printed.conf".to_owned(),
            dir: copy.clone(),
            ..Case::default()
        };
        let again = self.run(&self.rivet, &again_case, &["-p"]);
        if !again.success() || printed(&again) != r {
            return Some(format!(
                "{header} -p output does not print back the same\n{}",
                again.transcript()
            ));
        }
        None
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a scratch directory");
    for entry in std::fs::read_dir(from)
        .expect("read a corpus directory")
        .filter_map(Result::ok)
    {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a corpus file");
        }
    }
}

/// named-checkconf -t needs chroot(2), that is, root.
fn can_chroot(bind: &Path, scratch: &Path) -> bool {
    let dir = scratch.join("probe");
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    std::fs::write(dir.join("named.conf"), "options { };\n").expect("write a probe");
    let probe = run(
        bind,
        ["-t", &dir.display().to_string(), "/named.conf"],
        scratch,
    )
    .expect("named-checkconf runs");
    probe.success()
}

#[test]
fn rivet_checkconf_agrees_with_named_checkconf_on_the_corpus() {
    let Some(bind) = tests::bind::require("named-checkconf", "checkconf_vs_bind") else {
        return;
    };
    let scratch = tempfile::tempdir().expect("a temporary directory");
    if !can_chroot(&bind, scratch.path()) {
        assert!(
            !tests::bind::in_ci(),
            "checkconf_vs_bind: named-checkconf -t needs root in CI"
        );
        eprintln!("SKIPPED checkconf_vs_bind: named-checkconf -t needs root; nothing was compared");
        return;
    }
    let rivet = tests::cargo_bin::build("named", "rivet-checkconf");
    let checkers = Checkers {
        bind,
        rivet,
        scratch: scratch.path().to_path_buf(),
    };
    let cases = cases();
    assert!(
        cases.len() >= 40,
        "the corpus has {} cases, fewer than 40",
        cases.len()
    );
    let mut problems: Vec<String> = cases.iter().filter_map(|c| checkers.compare(c)).collect();
    problems.sort();
    assert!(
        problems.is_empty(),
        "{} of {} corpus cases differ from named-checkconf:\n\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n")
    );
}

#[test]
fn the_corpus_has_every_kind_of_case() {
    let cases = cases();
    for kind in ["valid", "invalid", "rivet-rejects"] {
        assert!(cases.iter().any(|c| c.expect == kind), "no '{kind}' case");
    }
    for case in &cases {
        assert!(
            ["valid", "invalid", "rivet-rejects"].contains(&case.expect.as_str()),
            "{}: no expectation",
            case.name
        );
    }
}
