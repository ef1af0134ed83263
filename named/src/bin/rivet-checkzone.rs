//! `rivet-checkzone`: check a zone file as `named-checkzone` does.

fn main() -> std::process::ExitCode {
    named::checkzone::main()
}
