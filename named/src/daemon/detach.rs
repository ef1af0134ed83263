//! Running in the background, as named does without `-f` or `-g`.
//!
//! The process forks before it starts any thread. The parent waits on a pipe until the child
//! says it is running (then exits 0) or the child dies or gives up (then exits 1), so that
//! whoever started the server learns whether it started, and sees its start-up errors on
//! the terminal. The child starts a new session and, once running, points its standard
//! streams at `/dev/null`.

use std::fs::File;
use std::io::{Read as _, Write as _};
use std::os::fd::{AsRawFd as _, OwnedFd};

use nix::unistd::ForkResult;

/// The child's end of the start-up pipe.
#[derive(Debug)]
pub struct Detached {
    pipe: Option<File>,
}

/// The byte the child sends when it is running.
const READY: u8 = b'1';

/// Forks. Returns in the child only; the parent exits with the child's start-up verdict.
///
/// Must be called while the process has a single thread.
pub fn detach() -> Result<Detached, String> {
    let (read, write): (OwnedFd, OwnedFd) =
        nix::unistd::pipe().map_err(|e| format!("pipe(): {}", e.desc()))?;
    // SAFETY: no other thread exists yet (the caller's contract), so the child inherits a
    // consistent process and may go on running Rust code.
    match unsafe { nix::unistd::fork() } {
        Err(e) => Err(format!("fork(): {}", e.desc())),
        Ok(ForkResult::Parent { .. }) => {
            drop(write);
            let mut byte = [0u8; 1];
            let mut read = File::from(read);
            let started = matches!(read.read(&mut byte), Ok(1) if byte[0] == READY);
            std::process::exit(if started { 0 } else { 1 });
        }
        Ok(ForkResult::Child) => {
            drop(read);
            nix::unistd::setsid().map_err(|e| format!("setsid(): {}", e.desc()))?;
            Ok(Detached {
                pipe: Some(File::from(write)),
            })
        }
    }
}

impl Detached {
    /// Tells the waiting parent that the server runs, and lets go of the terminal.
    pub fn started(&mut self) {
        if let Some(mut pipe) = self.pipe.take() {
            let _ = pipe.write_all(&[READY]);
        }
        if let Ok(null) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/null")
        {
            for fd in 0..=2 {
                // SAFETY: dup2 onto the standard descriptors; `null` stays open across it.
                unsafe { libc::dup2(null.as_raw_fd(), fd) };
            }
        }
    }
}
