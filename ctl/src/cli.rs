//! What rivetctl and rivet-keygen share on their command lines: errors and `--help`
//! printed by clap, with rndc's exit codes.

use std::process::ExitCode;

/// The program's arguments, or the exit code after clap printed why there are none
/// (1 for an error, 0 for `--help`).
pub fn parse<A: clap::Parser>() -> Result<A, ExitCode> {
    A::try_parse().map_err(|e| {
        let _ = e.print();
        if e.use_stderr() {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    })
}

/// Prints `program VERSION` for `--version`.
pub fn print_version(program: &str) {
    println!("{program} {}", env!("CARGO_PKG_VERSION"));
}
