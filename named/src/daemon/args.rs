//! rivetd's command line: named's flags.

use std::path::PathBuf;

use clap::Parser;

/// The configuration read when `-c` is not given.
pub const DEFAULT_CONF: &str = "/etc/rivet/named.conf";

/// The command line.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "rivetd",
    about = "The Rivet authoritative DNS server; reads BIND 9's named.conf",
    disable_version_flag = true
)]
pub struct Args {
    /// The configuration file.
    #[arg(short = 'c', value_name = "FILE", default_value = DEFAULT_CONF)]
    pub config: PathBuf,
    /// Stay in the foreground and log to standard error.
    #[arg(short = 'g')]
    pub stderr: bool,
    /// Stay in the foreground (log to syslog).
    #[arg(short = 'f')]
    pub foreground: bool,
    /// Listen on PORT wherever `listen-on` names no port (and instead of the `port` option).
    #[arg(short = 'p', value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    pub port: Option<u16>,
    /// After opening the sockets, run as USER (and its groups).
    #[arg(short = 'u', value_name = "USER")]
    pub user: Option<String>,
    /// UDP worker threads per listening address (default: one per CPU available).
    #[arg(short = 'n', value_name = "THREADS", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Use IPv4 only.
    #[arg(short = '4', conflicts_with = "ipv6_only")]
    pub ipv4_only: bool,
    /// Use IPv6 only.
    #[arg(short = '6')]
    pub ipv6_only: bool,
    /// Debug level: debug messages up to LEVEL are logged.
    #[arg(short = 'd', value_name = "LEVEL", default_value_t = 0)]
    pub debug: u8,
    /// Change the root directory to DIRECTORY before reading the configuration.
    #[arg(short = 't', value_name = "DIRECTORY")]
    pub chroot: Option<PathBuf>,
    /// Print the version and exit.
    #[arg(short = 'v')]
    pub version: bool,
    /// Print the version and build details and exit.
    #[arg(short = 'V')]
    pub build_info: bool,
}

impl Args {
    /// Whether the process stays attached to its terminal.
    pub fn foreground(&self) -> bool {
        self.stderr || self.foreground
    }
}

/// Which address families to listen on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Families {
    /// IPv4 and IPv6.
    Both,
    /// `-4`.
    V4,
    /// `-6`.
    V6,
}

impl Families {
    /// From `-4` and `-6`.
    pub fn from_args(args: &Args) -> Self {
        match (args.ipv4_only, args.ipv6_only) {
            (true, _) => Self::V4,
            (_, true) => Self::V6,
            _ => Self::Both,
        }
    }

    /// Whether IPv4 is in use.
    pub fn v4(self) -> bool {
        self != Self::V6
    }

    /// Whether IPv6 is in use.
    pub fn v6(self) -> bool {
        self != Self::V4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("rivetd").chain(args.iter().copied()))
    }

    #[test]
    fn named_flags_parse() {
        let a = parse(&[
            "-g", "-c", "x.conf", "-p", "5300", "-n", "3", "-4", "-d", "2",
        ])
        .expect("valid flags");
        assert!(a.stderr && a.foreground());
        assert_eq!(a.config, PathBuf::from("x.conf"));
        assert_eq!(a.port, Some(5300));
        assert_eq!(a.threads, Some(3));
        assert_eq!(Families::from_args(&a), Families::V4);
        assert_eq!(a.debug, 2);
    }

    #[test]
    fn defaults_are_named_s() {
        let a = parse(&[]).expect("no flags");
        assert_eq!(a.config, PathBuf::from(DEFAULT_CONF));
        assert!(!a.foreground());
        assert_eq!(Families::from_args(&a), Families::Both);
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(parse(&["-4", "-6"]).is_err());
        assert!(parse(&["-p", "0"]).is_err());
        assert!(parse(&["-p", "70000"]).is_err());
        assert!(parse(&["-n", "0"]).is_err());
    }
}
