//! Running a program to completion and keeping everything it said.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

/// What a finished program returned and printed.
#[derive(Debug, Clone)]
pub struct Output {
    /// The exit code; `None` when a signal ended the program.
    pub code: Option<i32>,
    /// Standard output, decoded lossily.
    pub stdout: String,
    /// Standard error, decoded lossily.
    pub stderr: String,
}

impl Output {
    /// Whether the program exited with status 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Standard output followed by standard error, one line at a time.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.stdout.lines().chain(self.stderr.lines())
    }

    /// Both streams, for a failure message.
    pub fn transcript(&self) -> String {
        let mut s = format!("exit code {:?}\n", self.code);
        for line in self.lines() {
            s.push_str("  | ");
            s.push_str(line);
            s.push('\n');
        }
        s
    }
}

/// Runs `program` with `args` in directory `dir` and waits for it.
///
/// An error only when the program cannot be started at all.
pub fn run<I, S>(program: &Path, args: I, dir: &Path) -> std::io::Result<Output>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = Command::new(program).args(args).current_dir(dir).output()?;
    Ok(Output {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}
