//! rivetctl: sends commands to rivetd's (or BIND's) control channel, as rndc does; with no
//! command, an interactive shell.

mod shell;
mod zones;

use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use ctl::client::{Client, ClientError, ClientOptions};
use ctl::render::{self, PROGRAM, Printed, Style};
use ctl::settings::{self, Family, Overrides, Target};

/// rivetctl's command line: rndc's flags, then the command words.
#[derive(Debug, Parser)]
#[command(
    name = "rivetctl",
    about = "Control rivetd (or BIND's named) over its control channel",
    disable_version_flag = true,
    after_help = "Without COMMAND, an interactive shell starts (type 'help' there)."
)]
struct Args {
    /// Source address to connect from.
    #[arg(short = 'b', value_name = "SOURCE")]
    source: Option<IpAddr>,
    /// Configuration file (default /etc/rivet/rndc.conf).
    #[arg(short = 'c', value_name = "CONFFILE")]
    conf: Option<PathBuf>,
    /// Key file used when the configuration file does not exist (default /etc/rivet/rndc.key).
    #[arg(short = 'k', value_name = "KEYFILE")]
    key_file: Option<PathBuf>,
    /// Server to control.
    #[arg(short = 's', value_name = "SERVER")]
    server: Option<String>,
    /// Control port.
    #[arg(short = 'p', value_name = "PORT")]
    port: Option<u16>,
    /// Key (from the configuration file) to use.
    #[arg(short = 'y', value_name = "KEYNAME")]
    key_name: Option<String>,
    /// Print nothing for successful commands.
    #[arg(short = 'q')]
    quiet: bool,
    /// Also print the result code.
    #[arg(short = 'r')]
    show_result: bool,
    /// Say what is being done.
    #[arg(short = 'V')]
    verbose: bool,
    /// IPv4 only.
    #[arg(short = '4', conflicts_with = "v6")]
    v4: bool,
    /// IPv6 only.
    #[arg(short = '6')]
    v6: bool,
    /// Print each response as a JSON object (fields parsed from the text).
    #[arg(long)]
    json: bool,
    /// named.conf whose zone names the shell completes (default /etc/rivet/named.conf).
    #[arg(long, value_name = "FILE")]
    named_conf: Option<PathBuf>,
    /// Print the version and exit.
    #[arg(long)]
    version: bool,
    /// The command and its arguments, sent as one line.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    command: Vec<String>,
}

impl Args {
    fn overrides(&self) -> Overrides {
        Overrides {
            conf: self.conf.clone(),
            key_file: self.key_file.clone(),
            server: self.server.clone(),
            port: self.port,
            key_name: self.key_name.clone(),
            source: self.source,
            family: match (self.v4, self.v6) {
                (true, _) => Some(Family::V4),
                (_, true) => Some(Family::V6),
                _ => None,
            },
        }
    }

    fn style(&self) -> Style {
        Style {
            quiet: self.quiet,
            show_result: self.show_result,
            json: self.json,
        }
    }
}

fn main() -> ExitCode {
    let args = match ctl::cli::parse::<Args>() {
        Ok(a) => a,
        Err(code) => return code,
    };
    if args.version {
        ctl::cli::print_version(PROGRAM);
        return ExitCode::SUCCESS;
    }
    let target = match settings::resolve(&args.overrides()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{PROGRAM}: {e}");
            return ExitCode::from(1);
        }
    };
    let runner = Runner {
        target,
        style: args.style(),
        verbose: args.verbose,
    };
    if args.command.is_empty() {
        return shell::run(&runner, args.named_conf.as_deref());
    }
    let printed = runner.run(&args.command.join(" "));
    emit(&printed);
    ExitCode::from(printed.status)
}

/// Sends commands to the chosen server.
pub(crate) struct Runner {
    target: Target,
    style: Style,
    verbose: bool,
}

impl Runner {
    /// Runs one command line on a new connection and says what to print.
    pub(crate) fn run(&self, command: &str) -> Printed {
        let verb = render::verb(command);
        if verb.eq_ignore_ascii_case("restart") {
            // rndc never sends it either: the server cannot restart itself.
            return failure(format!("'{verb}' is not implemented"));
        }
        let json_flag = command.split_whitespace().skip(1).eq(["--json"]);
        if verb == "stats" && (self.style.json || json_flag) {
            // rndc's `stats` only writes the server's statistics file; rivetd also
            // answers `stats -json` with the counters themselves. `stats --json` asks
            // for them too.
            return match self.exchange("stats -json") {
                Ok(response) => render::stats_json(&response),
                Err(e) => failure(render::client_error(&e)),
            };
        }
        match self.exchange(command) {
            Ok(response) => render::response(command, &response, self.style),
            Err(e) => failure(render::client_error(&e)),
        }
    }

    fn exchange(&self, command: &str) -> Result<ctl::Response, ClientError> {
        let mut last = None;
        for addr in &self.target.addresses {
            self.say(&format!(
                "using server {} ({}#{})",
                self.target.server,
                addr.ip(),
                addr.port()
            ));
            let options = ClientOptions {
                source: self.target.source_for(addr),
                ..ClientOptions::default()
            };
            match Client::connect(*addr, self.target.key.clone(), &options) {
                Ok(mut client) => {
                    self.say(&format!(
                        "sending '{command}' with key '{}'",
                        self.target.key.name
                    ));
                    return client.command(command);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or(ClientError::Closed))
    }

    fn say(&self, line: &str) {
        if self.verbose {
            eprintln!("{line}");
        }
    }
}

fn failure(message: String) -> Printed {
    Printed {
        stdout: String::new(),
        stderr: format!("{PROGRAM}: {message}\n"),
        status: 1,
    }
}

/// Writes what a command printed to the real streams.
pub(crate) fn emit(p: &Printed) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(p.stdout.as_bytes());
    let _ = out.flush();
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(p.stderr.as_bytes());
    let _ = err.flush();
}
