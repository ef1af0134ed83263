//! rivet-keygen: makes control-channel and TSIG keys, as `rndc-confgen` and `tsig-keygen` do.
//!
//! `rivet-keygen -a` writes a key file (rndc.key) that both rivetd and rivetctl read;
//! `rivet-keygen` alone prints an rndc.conf and the named.conf lines that match it;
//! `rivet-keygen tsig [NAME]` prints a `key` clause for TSIG.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use conf::model::{KeyAlgorithm, parse_algorithm};
use ctl::keygen::{
    default_secret_len, key_clause, random_secret, rndc_conf_text, secret_bits, user_id,
    write_private_file,
};
use ctl::settings::{DEFAULT_KEY_FILE, DEFAULT_PORT};

const PROGRAM: &str = "rivet-keygen";

/// rivet-keygen's command line.
#[derive(Debug, Parser)]
#[command(
    name = "rivet-keygen",
    about = "Make keys for the control channel (rndc.key, rndc.conf) and for TSIG",
    args_conflicts_with_subcommands = true,
    disable_version_flag = true
)]
struct Args {
    /// Write the key to the key file instead of printing an rndc.conf.
    #[arg(short = 'a')]
    write: bool,
    /// The HMAC algorithm.
    #[arg(short = 'A', value_name = "ALGORITHM", default_value = "hmac-sha256")]
    algorithm: String,
    /// The secret's size in bits, 1 to 512 (default: the digest's size).
    #[arg(short = 'b', value_name = "BITS")]
    bits: Option<u32>,
    /// The key file to write (with -a).
    #[arg(short = 'c', value_name = "KEYFILE", requires = "write")]
    key_file: Option<PathBuf>,
    /// The key's name.
    #[arg(short = 'k', value_name = "KEYNAME", default_value = "rndc-key")]
    name: String,
    /// The control port written into the printed configuration.
    #[arg(short = 'p', value_name = "PORT", default_value_t = DEFAULT_PORT)]
    port: u16,
    /// Do not say which file was written.
    #[arg(short = 'q')]
    quiet: bool,
    /// The server address written into the printed configuration.
    #[arg(short = 's', value_name = "ADDRESS", default_value = "127.0.0.1")]
    server: IpAddr,
    /// The owner of the key file (with -a).
    #[arg(short = 'u', value_name = "USER", requires = "write")]
    user: Option<String>,
    /// Print the version and exit.
    #[arg(long)]
    version: bool,
    #[command(subcommand)]
    tsig: Option<Tsig>,
}

#[derive(Debug, Subcommand)]
enum Tsig {
    /// Print a TSIG key clause for named.conf, as tsig-keygen does.
    Tsig {
        /// The HMAC algorithm.
        #[arg(short = 'a', value_name = "ALGORITHM", default_value = "hmac-sha256")]
        algorithm: String,
        /// The key's name.
        #[arg(default_value = "tsig-key")]
        name: String,
    },
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
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{PROGRAM}: {message}");
            ExitCode::from(1)
        }
    }
}

fn algorithm(text: &str) -> Result<KeyAlgorithm, String> {
    match parse_algorithm(text) {
        Ok((alg, None)) => Ok(alg),
        _ => Err(format!("Unsupported algorithm '{text}'")),
    }
}

fn run(args: &Args) -> Result<(), String> {
    if let Some(Tsig::Tsig {
        algorithm: alg,
        name,
    }) = &args.tsig
    {
        let alg = algorithm(alg)?;
        let secret = random_secret(default_secret_len(alg)).map_err(|e| e.to_string())?;
        print!("{}", key_clause(name, alg, &secret, ""));
        return Ok(());
    }
    let alg = algorithm(&args.algorithm)?;
    if alg == KeyAlgorithm::HmacMd5 {
        eprintln!("warning: hmac-md5 control keys are deprecated; prefer hmac-sha256.");
    }
    let secret = match args.bits {
        Some(bits) => secret_bits(bits),
        None => random_secret(default_secret_len(alg)),
    }
    .map_err(|e| e.to_string())?;
    if !args.write {
        print!(
            "{}",
            rndc_conf_text(
                &args.name,
                alg,
                &secret,
                &args.server.to_string(),
                args.port
            )
        );
        return Ok(());
    }
    let owner = match &args.user {
        None => None,
        Some(user) => Some(user_id(user).ok_or_else(|| format!("user {user} not found"))?),
    };
    let path = args
        .key_file
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_KEY_FILE));
    let text = key_clause(&args.name, alg, &secret, "");
    write_private_file(&path, text.as_bytes(), owner).map_err(|e| e.to_string())?;
    if !args.quiet {
        eprintln!("wrote key file \"{}\"", path.display());
    }
    Ok(())
}
