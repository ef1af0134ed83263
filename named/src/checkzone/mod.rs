//! `rivet-checkzone`: checks a zone file as `named-checkzone` does, with its flags, its
//! messages (plus the column) and its exit status, and dumps it in canonical form.
//!
//! Messages go to standard output, or to standard error when the dump goes to standard
//! output. On success the last lines are `zone NAME/CLASS: loaded serial N` and `OK`; on
//! failure `zone NAME/CLASS: loading from master file FILE failed: REASON` (for errors
//! found while reading) and `zone NAME/CLASS: not loaded due to errors.`; the exit status
//! is 0 or 1.

mod args;
pub(crate) mod dump;
mod journal;
mod locate;

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser as _;
use zones::master::{self, CheckMode, Checks, ParseOptions};
use zones::zone::{CheckOptions, Rejection, Zone, ZoneError};
use zones::{Class, Diagnostic, Name};

pub use args::Cli;
use args::{Integrity, Severity, Style, WarnOrIgnore};

/// Runs rivet-checkzone with the process's arguments.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // named-checkzone exits 1 on usage errors; help is not an error.
            return if e.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    if cli.version {
        println!("rivet-checkzone {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    if let Some(path) = &cli.print_journal {
        return journal::print(path);
    }
    let settings = match Settings::from_cli(&cli) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("rivet-checkzone: {message}");
            return ExitCode::FAILURE;
        }
    };
    if run(&settings) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Where the dump goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DumpTo {
    Nowhere,
    Stdout,
    File(PathBuf),
}

/// The command line, checked and resolved.
#[derive(Debug)]
struct Settings {
    zone: String,
    origin: Name,
    class: Class,
    file: String,
    /// The journal to roll the zone forward with (`-j`, `-J`).
    journal: Option<PathBuf>,
    quiet: bool,
    debug: u8,
    dump: DumpTo,
    checks: Checks,
    zone_checks: CheckOptions,
    /// Things accepted but not acted on, to tell the user.
    notes: Vec<String>,
}

fn mode(severity: Severity) -> CheckMode {
    match severity {
        Severity::Fail => CheckMode::Fail,
        Severity::Warn => CheckMode::Warn,
        Severity::Ignore => CheckMode::Ignore,
    }
}

impl Settings {
    /// Resolves the flags. Errors are usage errors, worded for the user.
    fn from_cli(cli: &Cli) -> Result<Self, String> {
        let mut notes = Vec::new();
        check_format("input", cli.input_format.as_deref())?;
        check_format("output", cli.output_format.as_deref())?;
        if cli.style == Some(Style::Relative) {
            return Err(
                "-s relative is not supported: rivet-checkzone dumps in the full \
                        style only (one record per line, absolute names)"
                    .into(),
            );
        }
        let class = Class::from_text(&cli.class).ok_or_else(|| {
            format!(
                "unknown class '{}' (expected IN, CH, HS or CLASSnnn)",
                cli.class
            )
        })?;
        let max_ttl = match &cli.max_ttl {
            Some(text) => Some(
                master::parse_ttl(text)
                    .ok_or_else(|| format!("maximum TTL must be numeric: '{text}'"))?,
            ),
            None => None,
        };
        if let Some(serial) = &cli.source_serial {
            serial
                .parse::<u32>()
                .map_err(|_| format!("source serial number must be numeric: '{serial}'"))?;
            notes.push("-L only affects raw output, which Rivet does not write; ignored".into());
        }
        match cli.check_dup {
            Some(Severity::Fail) => {
                return Err(
                    "-r fail is not supported: Rivet does not check for records that \
                            differ only in DNSSEC's view"
                        .into(),
                );
            }
            Some(_) => notes.push(
                "-r: Rivet does not check for records that differ only in DNSSEC's view; ignored"
                    .into(),
            ),
            None => {}
        }
        if matches!(
            cli.integrity,
            Some(Integrity::Full | Integrity::FullSibling)
        ) {
            notes.push(
                "-i full: out-of-zone MX, SRV and NS targets are not looked up; \
                 the zone's own data is checked as with -i local"
                    .into(),
            );
        }

        if let Some(dir) = &cli.chroot {
            std::os::unix::fs::chroot(dir)
                .and_then(|()| std::env::set_current_dir("/"))
                .map_err(|e| format!("chroot {}: {e}", dir.display()))?;
        }
        if let Some(dir) = &cli.workdir {
            std::env::set_current_dir(dir)
                .map_err(|e| format!("cannot change to directory {}: {e}", dir.display()))?;
        }

        let zone = cli.zone.clone().unwrap_or_default();
        let origin = Name::from_text(&zone, Some(&Name::root()))
            .map_err(|e| format!("bad zone name '{zone}': {e}"))?;
        let file = cli.file.clone().unwrap_or_else(|| "-".into());
        let journal = journal::path(cli, &file);

        let dump = match cli.output.as_deref() {
            Some("-" | "/dev/fd/1" | "/dev/stdout") => DumpTo::Stdout,
            Some(path) => DumpTo::File(PathBuf::from(path)),
            None if cli.dump => DumpTo::Stdout,
            None => DumpTo::Nowhere,
        };

        let names = cli.check_names.map_or(CheckMode::Warn, mode);
        let mx = cli.check_mx.map_or(CheckMode::Warn, mode);
        let checks = Checks {
            names,
            ns_address: cli.check_ns.map_or(CheckMode::Warn, mode),
            mx_address: mx,
            wildcard: cli.check_wildcard != Some(WarnOrIgnore::Ignore),
            max_ttl,
            ..Checks::default()
        };
        let integrity = cli.integrity.unwrap_or(Integrity::Full);
        let zone_checks = CheckOptions {
            mx_integrity: mx,
            mx_cname: cli.mx_cname.map_or(CheckMode::Warn, mode),
            srv_integrity: cli.srv_cname.map_or(CheckMode::Warn, mode),
            check_integrity: integrity != Integrity::None,
            check_siblings: matches!(integrity, Integrity::Full | Integrity::Local),
            check_spf: cli.check_spf != Some(WarnOrIgnore::Ignore),
            ..CheckOptions::default()
        };
        Ok(Self {
            zone,
            origin,
            class,
            file,
            journal,
            quiet: cli.quiet,
            debug: cli.debug,
            dump,
            checks,
            zone_checks,
            notes,
        })
    }
}

/// Accepts `text` (any case); raw and map formats are refused with a clear reason.
fn check_format(which: &str, format: Option<&str>) -> Result<(), String> {
    match format {
        None => Ok(()),
        Some(f) if f.eq_ignore_ascii_case("text") => Ok(()),
        Some(f) if f.eq_ignore_ascii_case("raw") || f.to_ascii_lowercase().starts_with("raw=") => {
            Err(format!(
                "{which} format '{f}' is not supported: Rivet reads and writes text zone files \
                 only (convert with named-compilezone -f raw -F text)"
            ))
        }
        Some(f) => Err(format!("unknown file format: {f}")),
    }
}

/// The messages' destination: standard error when the dump goes to standard output.
struct Messages {
    quiet: bool,
    to_stderr: bool,
    /// `zone NAME/CLASS`, the prefix of messages about the zone as a whole.
    zone: String,
}

impl Messages {
    fn say(&self, line: &str) {
        if self.quiet {
            return;
        }
        // A closed output is no reason to fail the check.
        let _ = if self.to_stderr {
            writeln!(io::stderr(), "{line}")
        } else {
            writeln!(io::stdout(), "{line}")
        };
    }

    fn diagnostic(&self, d: &Diagnostic) {
        if d.file.is_some() {
            self.say(&d.to_string());
        } else {
            self.say(&format!("{}: {d}", self.zone));
        }
    }
}

/// Checks the zone; returns whether it loads (and, if asked, was dumped).
fn run(s: &Settings) -> bool {
    let display_zone = master::message_name(&s.origin);
    let out = Messages {
        quiet: s.quiet,
        to_stderr: s.dump == DumpTo::Stdout,
        zone: format!("zone {display_zone}/{}", s.class),
    };
    if !s.quiet {
        for note in &s.notes {
            eprintln!("rivet-checkzone: note: {note}");
        }
    }
    if s.debug > 0 {
        eprintln!(
            "loading \"{}\" from \"{}\" class \"{}\"",
            s.zone, s.file, s.class
        );
    }
    let opts = ParseOptions {
        origin: s.origin.clone(),
        class: s.class,
        base_dir: PathBuf::from("."),
        default_ttl: None,
    };
    let mut stdin = Vec::new();
    let report = if s.file == "-" {
        if let Err(e) = io::stdin().read_to_end(&mut stdin) {
            out.say(&format!(
                "{}: loading from master file {} failed: {e}",
                out.zone, s.file
            ));
            out.say(&format!("{}: not loaded due to errors.", out.zone));
            return false;
        }
        master::parse_bytes_with(&stdin, "-", &opts, &s.checks)
    } else {
        master::parse_file_with(Path::new(&s.file), &opts, &s.checks)
    };
    for d in &report.diagnostics {
        out.diagnostic(d);
    }
    if let Some(first) = report.errors.first() {
        out.say(&format!(
            "{}: loading from master file {} failed: {}",
            out.zone,
            s.file,
            first.summary()
        ));
        out.say(&format!("{}: not loaded due to errors.", out.zone));
        return false;
    }
    let built = Zone::build(s.origin.clone(), s.class, report.records, &s.zone_checks);
    let zone = match built {
        Ok((zone, diagnostics)) => {
            for d in &diagnostics {
                out.diagnostic(d);
            }
            zone
        }
        Err(ZoneError::Rejected {
            reason,
            diagnostics,
        }) => {
            let diagnostics =
                if matches!(reason, Rejection::CnameAndOtherData | Rejection::Singleton) {
                    // Read the file again, this time noting where each record came from, to
                    // name the line as BIND does.
                    let (again, sources) = if s.file == "-" {
                        master::parse_bytes_traced(&stdin, "-", &opts, &s.checks)
                    } else {
                        master::parse_file_traced(Path::new(&s.file), &opts, &s.checks)
                    };
                    let found = locate::conflicts(&again.records, &sources, master::message_name);
                    diagnostics.into_iter().map(|d| place(d, &found)).collect()
                } else {
                    diagnostics
                };
            for d in &diagnostics {
                out.diagnostic(d);
            }
            // Problems found while adding data fail the load itself; those found in the
            // loaded zone only keep it from being served.
            if reason != Rejection::BadZone {
                out.say(&format!(
                    "{}: loading from master file {} failed: {reason}",
                    out.zone, s.file
                ));
            }
            out.say(&format!("{}: not loaded due to errors.", out.zone));
            return false;
        }
        Err(e) => {
            out.say(&format!(
                "{}: loading from master file {} failed: {e}",
                out.zone, s.file
            ));
            out.say(&format!("{}: not loaded due to errors.", out.zone));
            return false;
        }
    };
    let zone = match &s.journal {
        None => zone,
        Some(path) => match journal::roll_forward(zone, path, &s.zone_checks, &out.zone) {
            journal::RolledForward::Zone(zone, notes) => {
                notes.iter().for_each(|line| out.say(line));
                *zone
            }
            journal::RolledForward::Failed(notes) => {
                notes.iter().for_each(|line| out.say(line));
                out.say(&format!("{}: not loaded due to errors.", out.zone));
                return false;
            }
        },
    };
    out.say(&format!("{}: loaded serial {}", out.zone, zone.serial()));
    if !write_dump(s, &zone) {
        return false;
    }
    out.say("OK");
    true
}

/// Gives a zone-wide error the place where it was found, when `found` knows it.
fn place(d: Diagnostic, found: &[(String, master::Source)]) -> Diagnostic {
    if d.file.is_some() || d.severity != zones::Severity::Error {
        return d;
    }
    match found
        .iter()
        .find(|(message, _)| message.eq_ignore_ascii_case(&d.message))
    {
        Some((_, source)) => Diagnostic {
            file: Some(source.file.clone()),
            pos: Some(source.pos),
            ..d
        },
        None => d,
    }
}

/// Writes the dump if one was asked for; returns whether all went well.
fn write_dump(s: &Settings, zone: &Zone) -> bool {
    match &s.dump {
        DumpTo::Nowhere => true,
        DumpTo::Stdout => {
            if s.debug > 0 {
                eprintln!("dumping \"{}\"", s.zone);
            }
            match dump::to_stdout(zone) {
                Ok(()) => true,
                Err(e) => {
                    eprintln!("rivet-checkzone: writing the dump: {e}");
                    false
                }
            }
        }
        DumpTo::File(path) => {
            if s.debug > 0 {
                eprintln!("dumping \"{}\" to \"{}\"", s.zone, path.display());
            }
            match dump::to_file(zone, path) {
                Ok(()) => true,
                Err(dump::FileError::Create(e)) => {
                    eprintln!(
                        "could not open output file \"{}\" for writing: {e}",
                        path.display()
                    );
                    false
                }
                Err(dump::FileError::Write(e)) => {
                    eprintln!("rivet-checkzone: writing {}: {e}", path.display());
                    false
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(args: &[&str]) -> Result<Settings, String> {
        let mut argv = vec!["rivet-checkzone"];
        argv.extend_from_slice(args);
        let cli = Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
        Settings::from_cli(&cli)
    }

    #[test]
    fn defaults_are_named_checkzones() {
        let s = settings(&["example.com", "db"]).expect("valid");
        assert_eq!(s.checks, Checks::default());
        assert_eq!(s.zone_checks, CheckOptions::default());
        assert_eq!(s.dump, DumpTo::Nowhere);
        assert_eq!(s.class, Class::IN);
        assert_eq!(s.origin.to_string(), "example.com.");
    }

    #[test]
    fn check_flags_map_to_parser_and_zone_checks() {
        let s = settings(&[
            "-k",
            "fail",
            "-n",
            "ignore",
            "-m",
            "fail",
            "-M",
            "ignore",
            "-S",
            "fail",
            "-W",
            "ignore",
            "-T",
            "ignore",
            "-i",
            "local-sibling",
            "-l",
            "1h",
            "example.com",
            "db",
        ])
        .expect("valid");
        assert_eq!(s.checks.names, CheckMode::Fail);
        assert_eq!(s.checks.ns_address, CheckMode::Ignore);
        assert_eq!(s.checks.mx_address, CheckMode::Fail);
        assert!(!s.checks.wildcard);
        assert_eq!(s.checks.max_ttl, Some(3600));
        assert_eq!(s.zone_checks.mx_integrity, CheckMode::Fail);
        assert_eq!(s.zone_checks.mx_cname, CheckMode::Ignore);
        assert_eq!(s.zone_checks.srv_integrity, CheckMode::Fail);
        assert!(s.zone_checks.check_integrity);
        assert!(!s.zone_checks.check_siblings);
        assert!(!s.zone_checks.check_spf);
        let s = settings(&["-i", "none", "example.com", "db"]).expect("valid");
        assert!(!s.zone_checks.check_integrity);
    }

    #[test]
    fn dump_destinations() {
        assert_eq!(
            settings(&["-D", "z", "f"]).map(|s| s.dump),
            Ok(DumpTo::Stdout)
        );
        assert_eq!(
            settings(&["-o", "-", "z", "f"]).map(|s| s.dump),
            Ok(DumpTo::Stdout)
        );
        assert_eq!(
            settings(&["-o", "out.db", "z", "f"]).map(|s| s.dump),
            Ok(DumpTo::File("out.db".into()))
        );
    }

    #[test]
    fn unsupported_flags_are_refused_or_noted() {
        for args in [
            &["-f", "raw", "z", "f"][..],
            &["-F", "raw=1", "z", "f"],
            &["-s", "relative", "z", "f"],
            &["-r", "fail", "z", "f"],
            &["-c", "BOGUS", "z", "f"],
            &["-l", "x", "z", "f"],
            &["-f", "map", "z", "f"],
        ] {
            assert!(settings(args).is_err(), "{args:?}");
        }
        let s = settings(&["-r", "warn", "-i", "full", "-L", "7", "z", "f"]).expect("valid");
        assert_eq!(s.notes.len(), 3);
        assert!(settings(&["-f", "TEXT", "-F", "text", "-c", "ch", "z", "f"]).is_ok());
    }

    #[test]
    fn journal_flags_name_the_journal() {
        let journal = |args: &[&str]| settings(args).map(|s| s.journal);
        assert_eq!(journal(&["z", "f"]), Ok(None));
        assert_eq!(journal(&["-j", "z", "f"]), Ok(Some("f.jnl".into())));
        assert_eq!(
            journal(&["-J", "x.jnl", "z", "f"]),
            Ok(Some("x.jnl".into()))
        );
        assert!(Cli::try_parse_from(["rivet-checkzone", "--print-journal", "x.jnl"]).is_ok());
        assert!(Cli::try_parse_from(["rivet-checkzone", "--print-journal", "x.jnl", "z"]).is_err());
    }

    #[test]
    fn a_zone_name_is_required() {
        assert!(settings(&[]).is_err());
        assert!(Cli::try_parse_from(["rivet-checkzone", "-v"]).is_ok());
    }
}
