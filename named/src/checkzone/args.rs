//! rivet-checkzone's command line: named-checkzone's flags.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// `fail`, `warn` or `ignore`, as named-checkzone's check flags take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Severity {
    /// Reject the zone.
    Fail,
    /// Report and load.
    Warn,
    /// Say nothing.
    Ignore,
}

/// `warn` or `ignore`, for the checks that never fail a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WarnOrIgnore {
    /// Report.
    Warn,
    /// Say nothing.
    Ignore,
}

/// How thoroughly to check the loaded zone (`-i`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Integrity {
    /// All checks; out-of-zone targets would be looked up (Rivet does not).
    Full,
    /// All checks but sibling glue; out-of-zone targets would be looked up.
    FullSibling,
    /// All checks on the zone's own data.
    Local,
    /// Checks on the zone's own data, without sibling glue.
    LocalSibling,
    /// No integrity checks.
    None,
}

/// How to print the dump (`-s`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Style {
    /// One record per line, absolute names.
    Full,
    /// BIND's relative style (`$ORIGIN`, omitted owners); not supported.
    Relative,
}

/// Check the syntax and integrity of a zone file, as named-checkzone does.
#[derive(Debug, Parser)]
#[command(
    name = "rivet-checkzone",
    disable_version_flag = true,
    about = "Check the syntax and integrity of a zone file, as named-checkzone does",
    after_help = "Exit status: 0 when the zone loads, 1 otherwise (or on a usage error)."
)]
pub struct Cli {
    /// Print the version and exit.
    #[arg(short = 'v')]
    pub version: bool,

    /// Print what is being loaded and dumped (repeat for more).
    #[arg(short = 'd', action = clap::ArgAction::Count)]
    pub debug: u8,

    /// Print nothing; only the exit status tells.
    #[arg(short = 'q')]
    pub quiet: bool,

    /// Dump the zone in canonical form (to standard output, or to the -o file).
    #[arg(short = 'D')]
    pub dump: bool,

    /// Write the dump to FILE ('-' for standard output); implies -D.
    #[arg(short = 'o', value_name = "FILE")]
    pub output: Option<String>,

    /// The zone's class.
    #[arg(short = 'c', value_name = "CLASS", default_value = "IN")]
    pub class: String,

    /// Input format: only 'text' is supported.
    #[arg(short = 'f', value_name = "FORMAT")]
    pub input_format: Option<String>,

    /// Output format: only 'text' is supported.
    #[arg(short = 'F', value_name = "FORMAT")]
    pub output_format: Option<String>,

    /// Dump style.
    #[arg(short = 's', value_enum, value_name = "STYLE")]
    pub style: Option<Style>,

    /// Post-load integrity checks.
    #[arg(short = 'i', value_enum, value_name = "MODE")]
    pub integrity: Option<Integrity>,

    /// check-names: host-name syntax of owners and targets.
    #[arg(short = 'k', value_enum, value_name = "MODE")]
    pub check_names: Option<Severity>,

    /// MX checks: exchanges written as addresses, in-zone exchanges without addresses.
    #[arg(short = 'm', value_enum, value_name = "MODE")]
    pub check_mx: Option<Severity>,

    /// NS targets written as addresses.
    #[arg(short = 'n', value_enum, value_name = "MODE")]
    pub check_ns: Option<Severity>,

    /// Records that differ for DNSSEC but are equal in plain DNS (not implemented).
    #[arg(short = 'r', value_enum, value_name = "MODE")]
    pub check_dup: Option<Severity>,

    /// MX targets that are CNAMEs.
    #[arg(short = 'M', value_enum, value_name = "MODE")]
    pub mx_cname: Option<Severity>,

    /// SRV targets that are CNAMEs.
    #[arg(short = 'S', value_enum, value_name = "MODE")]
    pub srv_cname: Option<Severity>,

    /// SPF records without an SPF-formatted TXT record.
    #[arg(short = 'T', value_enum, value_name = "MODE")]
    pub check_spf: Option<WarnOrIgnore>,

    /// Wildcards that are not the leftmost label.
    #[arg(short = 'W', value_enum, value_name = "MODE")]
    pub check_wildcard: Option<WarnOrIgnore>,

    /// Reject records whose TTL exceeds TTL (max-zone-ttl).
    #[arg(short = 'l', value_name = "TTL")]
    pub max_ttl: Option<String>,

    /// Source serial for raw output (no effect on text output).
    #[arg(short = 'L', value_name = "SERIAL")]
    pub source_serial: Option<String>,

    /// Apply the zone's journal (FILE.jnl) when it exists.
    #[arg(short = 'j')]
    pub journal: bool,

    /// Apply this journal file when it exists (implies -j).
    #[arg(short = 'J', value_name = "FILE")]
    pub journal_file: Option<PathBuf>,

    /// Print a Rivet journal as named-journalprint does, and exit.
    #[arg(long = "print-journal", value_name = "JOURNAL", conflicts_with_all = ["zone", "file"])]
    pub print_journal: Option<PathBuf>,

    /// chroot to DIR before reading anything.
    #[arg(short = 't', value_name = "DIR")]
    pub chroot: Option<PathBuf>,

    /// Change to DIR before reading anything ($INCLUDE paths are relative to it).
    #[arg(short = 'w', value_name = "DIR")]
    pub workdir: Option<PathBuf>,

    /// The zone's name.
    #[arg(
        value_name = "ZONENAME",
        required_unless_present_any = ["version", "print_journal"]
    )]
    pub zone: Option<String>,

    /// The zone file ('-' or nothing for standard input).
    #[arg(value_name = "FILE")]
    pub file: Option<String>,
}
