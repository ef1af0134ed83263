//! rivet-checkconf: checks a named.conf the way named-checkconf does, and says what Rivet
//! will do with each option it does not implement.
//!
//! Messages go to standard output as `FILE:LINE:COLUMN: message`; the exit status is 0 when
//! the configuration (and, with `-z`, every primary zone) loads, 1 otherwise.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use conf::model::{Config, MasterFormat, ZoneKind};
use conf::{Diagnostic, ParseOptions, PrintOptions, RealFs};

/// The configuration read when no file is named.
const DEFAULT_CONF: &str = "/etc/rivet/named.conf";

#[derive(Debug, Parser)]
#[command(
    name = "rivet-checkconf",
    about = "Check a named.conf file (as named-checkconf does) for Rivet",
    disable_version_flag = true
)]
struct Args {
    /// Do not load plugins (accepted for compatibility; Rivet has none).
    #[arg(short = 'c')]
    no_plugins: bool,
    /// Do not warn about deprecated options.
    #[arg(short = 'i')]
    no_deprecation: bool,
    /// With -z, apply the zones' journals (not supported: a journal present is reported).
    #[arg(short = 'j')]
    journal: bool,
    /// List the zones: name, class, view and type.
    #[arg(short = 'l')]
    list: bool,
    /// Print the configuration in canonical form when it is valid.
    #[arg(short = 'p')]
    print: bool,
    /// Read every file under DIRECTORY, as if it were the root (named-checkconf chroots).
    #[arg(short = 't', value_name = "DIRECTORY")]
    root: Option<PathBuf>,
    /// Print the version and exit.
    #[arg(short = 'v')]
    version: bool,
    /// With -p, print secrets as question marks.
    #[arg(short = 'x')]
    mask: bool,
    /// Load every primary zone's file too.
    #[arg(short = 'z')]
    zones: bool,
    /// The configuration file.
    file: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.version {
        println!("{}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    if args.mask && !args.print {
        eprintln!("rivet-checkconf: -x cannot be used without -p");
        return ExitCode::FAILURE;
    }
    if args.print && args.list {
        eprintln!("rivet-checkconf: -l cannot be used with -p");
        return ExitCode::FAILURE;
    }
    let _ = args.no_plugins;
    let (fs, cwd) = match &args.root {
        Some(root) => {
            if !root.is_dir() {
                eprintln!("rivet-checkconf: {}: not a directory", root.display());
                return ExitCode::FAILURE;
            }
            (RealFs::with_root(root), PathBuf::from("/"))
        }
        None => (
            RealFs::new(),
            std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")),
        ),
    };
    let file = args
        .file
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_CONF));
    let options = ParseOptions {
        cwd,
        deprecation_warnings: !args.no_deprecation,
    };
    let loaded = match conf::load(&fs, &file, &options) {
        Ok(loaded) => loaded,
        Err(err) => {
            report(&err.diagnostics);
            return ExitCode::FAILURE;
        }
    };
    report(&loaded.warnings);
    let mut ok = true;
    if args.list {
        list_zones(&loaded.config);
    } else if args.zones {
        ok = load_zones(&loaded.config, &fs, args.journal);
    }
    if args.print && ok {
        let text = conf::print_config(
            &loaded.document.root,
            PrintOptions {
                mask_secrets: args.mask,
            },
        );
        let mut out = std::io::stdout().lock();
        if out
            .write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return ExitCode::FAILURE;
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn report(diagnostics: &[Diagnostic]) {
    let mut out = std::io::stdout().lock();
    for d in diagnostics {
        let _ = writeln!(out, "{d}");
    }
}

fn list_zones(config: &Config) {
    for (view, zone) in config.zones() {
        let name = zone_text(&zone.name);
        match &zone.kind {
            ZoneKind::InView(target) => {
                println!("{name} {} {} in-view {target}", zone.class, view.name)
            }
            kind => println!("{name} {} {} {}", zone.class, view.name, kind.type_name()),
        }
    }
}

/// A zone name as BIND prints it: no trailing dot except for the root.
fn zone_text(name: &zones::Name) -> String {
    let text = name.to_string();
    if text == "." {
        text
    } else {
        text.trim_end_matches('.').to_owned()
    }
}

/// Loads the primary zones (and checks the hint files), as `named-checkconf -z` does.
fn load_zones(config: &Config, fs: &RealFs, journal: bool) -> bool {
    let mut ok = true;
    for (view, zone) in config.zones() {
        let name = zone_text(&zone.name);
        let is_redirect_secondary = zone.kind == ZoneKind::Redirect && !zone.primaries.is_empty();
        let loads = matches!(zone.kind, ZoneKind::Primary | ZoneKind::Hint)
            || (zone.kind == ZoneKind::Redirect && !is_redirect_secondary);
        if !loads {
            continue;
        }
        let Some(file) = &zone.file else {
            eprintln!("{}/{name}/{}: missing 'file' entry", view.name, zone.class);
            ok = false;
            continue;
        };
        let real = fs.real_path(file);
        if zone.masterfile_format == MasterFormat::Raw {
            println!(
                "zone {name}/{}: loading from master file {} failed: raw zone files are not supported",
                zone.class,
                file.display()
            );
            eprintln!(
                "{}/{name}/{}: raw zone files are not supported",
                view.name, zone.class
            );
            ok = false;
            continue;
        }
        let parse_options = zones::master::ParseOptions {
            origin: zone.name.clone(),
            class: zone.class,
            base_dir: fs.real_path(&config.options.directory),
            default_ttl: None,
        };
        let parsed = match zones::master::parse_file(&real, &parse_options) {
            Ok(parsed) => parsed,
            Err(err) => {
                println!(
                    "zone {name}/{}: loading from master file {} failed: {err}",
                    zone.class,
                    file.display()
                );
                println!("zone {name}/{}: not loaded due to errors.", zone.class);
                eprintln!("{}/{name}/{}: {err}", view.name, zone.class);
                ok = false;
                continue;
            }
        };
        for warning in &parsed.warnings {
            println!("{warning}");
        }
        if zone.kind == ZoneKind::Hint {
            continue;
        }
        let check = zones::zone::CheckOptions::default();
        match zones::zone::Zone::build(zone.name.clone(), zone.class, parsed.records, &check) {
            Ok((built, warnings)) => {
                for warning in &warnings {
                    println!("{warning}");
                }
                if journal {
                    if let Some(jnl) = &zone.journal {
                        if fs.real_path(jnl).exists() {
                            println!(
                                "zone {name}/{}: journal {} not applied: rivet-checkconf cannot read BIND journals",
                                zone.class,
                                jnl.display()
                            );
                        }
                    }
                }
                println!(
                    "zone {name}/{}: loaded serial {}",
                    zone.class,
                    built.serial()
                );
            }
            Err(err) => {
                println!("zone {name}/{}: {err}", zone.class);
                println!("zone {name}/{}: not loaded due to errors.", zone.class);
                eprintln!("{}/{name}/{}: {err}", view.name, zone.class);
                ok = false;
            }
        }
    }
    ok
}
