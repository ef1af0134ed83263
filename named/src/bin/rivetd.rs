//! `rivetd`: the Rivet authoritative DNS server, run as `named` is.

fn main() -> std::process::ExitCode {
    named::daemon::main()
}
