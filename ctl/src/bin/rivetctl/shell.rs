//! The interactive shell: line editing, history in `~/.rivetctl_history`, completion of
//! command names, of fixed arguments and of zone names.
//!
//! BIND's control channel has no command that lists zones, so zone names come from the
//! named.conf the shell was pointed at (`--named-conf`, default /etc/rivet/named.conf) and
//! from every zone a command in this session named successfully.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ctl::command::{Argument, COMMANDS, find};
use ctl::render::PROGRAM;
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Config, Context, Editor, Helper};

use crate::{Runner, emit, zones};

/// The words the shell itself understands.
const BUILTINS: &[(&str, &str)] = &[
    ("help", "list the commands, or explain one: help COMMAND"),
    ("zones", "list the zone names known for completion"),
    ("quit", "leave the shell (also exit, or Ctrl-D)"),
    ("exit", "leave the shell"),
];

const PROMPT: &str = "rivetctl> ";

/// Runs the shell until the user leaves; the exit status is 0 unless the terminal fails.
pub(crate) fn run(runner: &Runner, named_conf: Option<&Path>) -> ExitCode {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .build();
    let mut editor: Editor<ShellHelper, FileHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{PROGRAM}: cannot start the shell: {e}");
            return ExitCode::from(1);
        }
    };
    let conf = named_conf
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(zones::DEFAULT_NAMED_CONF));
    let mut known = BTreeSet::new();
    match zones::from_named_conf(&conf) {
        Ok(names) => known.extend(names),
        // Only a file asked for by name is worth a complaint.
        Err(e) if named_conf.is_some() => eprintln!("{PROGRAM}: zone names: {e}"),
        Err(_) => {}
    }
    editor.set_helper(Some(ShellHelper {
        zones: RefCell::new(known),
    }));
    let history = history_path();
    if let Some(path) = &history {
        // A missing history file is the normal first run.
        let _ = editor.load_history(path);
    }
    loop {
        let line = match editor.readline(PROMPT) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{PROGRAM}: {e}");
                return ExitCode::from(1);
            }
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let _ = editor.add_history_entry(line);
        if let Some(path) = &history {
            if let Err(e) = editor.append_history(path) {
                eprintln!("{PROGRAM}: cannot save history to {}: {e}", path.display());
            }
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        match words[0] {
            "quit" | "exit" => return ExitCode::SUCCESS,
            "help" => print!("{}", help(words.get(1).copied())),
            "zones" => {
                if let Some(h) = editor.helper() {
                    for z in h.zones.borrow().iter() {
                        println!("{z}");
                    }
                }
            }
            _ => {
                let printed = runner.run(line);
                emit(&printed);
                if printed.status == 0 {
                    if let (Some(h), Some(zone)) = (editor.helper(), zone_argument(&words)) {
                        h.zones.borrow_mut().insert(zone.to_owned());
                    }
                }
            }
        }
    }
}

/// `~/.rivetctl_history`, when there is a home directory.
fn history_path() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".rivetctl_history"))
}

/// The zone a command line names, if its command takes one.
fn zone_argument<'a>(words: &[&'a str]) -> Option<&'a str> {
    let info = find(words.first()?)?;
    let args = words.get(1..)?;
    match info.argument {
        Argument::Zone => args.first().copied(),
        Argument::OptionalZone => args.iter().find(|w| !w.starts_with('-')).copied(),
        _ => None,
    }
}

/// The help text: every command, or one.
fn help(command: Option<&str>) -> String {
    let mut out = String::new();
    match command {
        Some(name) => match find(name) {
            Some(c) => out.push_str(&format!("{} {}\n    {}\n", c.name, c.usage, c.summary)),
            None => match BUILTINS.iter().find(|(b, _)| *b == name) {
                Some((b, text)) => out.push_str(&format!("{b}\n    {text}\n")),
                None => out.push_str(&format!(
                    "no help for '{name}'; it is sent to the server as typed\n"
                )),
            },
        },
        None => {
            out.push_str("Commands (sent to the server; others are sent as typed too):\n");
            for c in COMMANDS {
                out.push_str(&format!("  {:<11} {}\n", c.name, c.summary));
            }
            out.push_str("Shell:\n");
            for (b, text) in BUILTINS {
                out.push_str(&format!("  {b:<11} {text}\n"));
            }
            out.push_str("Tab completes commands, arguments and zone names.\n");
        }
    }
    out
}

/// Completion for the shell.
struct ShellHelper {
    zones: RefCell<BTreeSet<String>>,
}

impl ShellHelper {
    /// The candidates for the word being typed, given the words before it.
    fn candidates(&self, before: &[&str]) -> Vec<String> {
        let names = || -> Vec<String> {
            COMMANDS
                .iter()
                .map(|c| c.name.to_owned())
                .chain(BUILTINS.iter().map(|(b, _)| (*b).to_owned()))
                .collect()
        };
        let zones = || self.zones.borrow().iter().cloned().collect::<Vec<_>>();
        let Some(first) = before.first() else {
            return names();
        };
        if *first == "help" {
            return if before.len() == 1 {
                names()
            } else {
                Vec::new()
            };
        }
        let Some(info) = find(first) else {
            return Vec::new();
        };
        match (info.argument, before.len()) {
            (Argument::Zone, 1) => zones(),
            (Argument::Words(words), 1) => words.iter().map(|w| (*w).to_owned()).collect(),
            (Argument::OptionalZone, 1) => {
                let mut all = vec!["-clean".to_owned()];
                all.extend(zones());
                all
            }
            (Argument::OptionalZone, 2) if before[1].starts_with('-') => zones(),
            _ => Vec::new(),
        }
    }
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let head = line.get(..pos).unwrap_or(line);
        let start = head.rfind(char::is_whitespace).map_or(0, |i| {
            i + head[i..].chars().next().map_or(1, char::len_utf8)
        });
        let word = &head[start..];
        let before: Vec<&str> = head[..start].split_whitespace().collect();
        let mut found: Vec<Pair> = self
            .candidates(&before)
            .into_iter()
            .filter(|c| {
                c.to_ascii_lowercase()
                    .starts_with(&word.to_ascii_lowercase())
            })
            .map(|c| Pair {
                display: c.clone(),
                replacement: format!("{c} "),
            })
            .collect();
        found.sort_by(|a, b| a.display.cmp(&b.display));
        found.dedup_by(|a, b| a.display == b.display);
        Ok((start, found))
    }
}

impl Hinter for ShellHelper {
    type Hint = String;
}

impl Highlighter for ShellHelper {}

impl Validator for ShellHelper {}

impl Helper for ShellHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper() -> ShellHelper {
        ShellHelper {
            zones: RefCell::new(
                ["example.com", "example.net", "other.org"]
                    .map(String::from)
                    .into(),
            ),
        }
    }

    fn complete(line: &str) -> (usize, Vec<String>) {
        let history = FileHistory::new();
        let ctx = Context::new(&history);
        let (start, pairs) = helper()
            .complete(line, line.len(), &ctx)
            .expect("completes");
        (start, pairs.into_iter().map(|p| p.display).collect())
    }

    #[test]
    fn commands_complete() {
        assert_eq!(
            complete("zones"),
            (0, vec!["zones".into(), "zonestatus".into()])
        );
        assert_eq!(complete("rel"), (0, vec!["reload".into()]));
        assert_eq!(complete("help ret"), (5, vec!["retransfer".into()]));
    }

    #[test]
    fn arguments_complete() {
        assert_eq!(
            complete("zonestatus ex"),
            (11, vec!["example.com".into(), "example.net".into()])
        );
        assert_eq!(complete("reload o"), (7, vec!["other.org".into()]));
        assert_eq!(complete("querylog o"), (9, vec!["off".into(), "on".into()]));
        assert_eq!(complete("sync -"), (5, vec!["-clean".into()]));
        assert_eq!(complete("sync -clean ot"), (12, vec!["other.org".into()]));
        assert!(complete("status x").1.is_empty());
        assert!(complete("zonestatus example.com I").1.is_empty());
    }

    #[test]
    fn zone_arguments_are_learned() {
        assert_eq!(
            zone_argument(&["zonestatus", "a.example"]),
            Some("a.example")
        );
        assert_eq!(
            zone_argument(&["sync", "-clean", "b.example"]),
            Some("b.example")
        );
        assert_eq!(zone_argument(&["status"]), None);
        assert_eq!(zone_argument(&["flushname", "www.example"]), None);
    }

    #[test]
    fn help_lists_and_explains() {
        assert!(help(None).contains("  zonestatus  show a zone's status\n"));
        assert!(help(Some("reload")).starts_with("reload [ZONE [CLASS [VIEW]]]\n"));
        assert!(help(Some("frob")).contains("sent to the server as typed"));
    }
}
