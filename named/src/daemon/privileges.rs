//! `-u USER` and `-t DIRECTORY`: running as an unprivileged user, in a changed root.
//!
//! The user is looked up before the root changes (the password database may not exist in
//! the new root) and takes effect after the sockets are bound, so that port 53 can be opened
//! first: the order BIND follows. Like BIND on Linux, the control thread keeps one
//! capability, `CAP_NET_BIND_SERVICE`, so that a reload can still open port 53 on an
//! address that appears later; every other privilege goes.

use std::ffi::CString;
use std::path::Path;

use nix::unistd::{Gid, Uid, User};

/// The user to become.
#[derive(Debug, Clone)]
pub struct RunAs {
    name: CString,
    display: String,
    uid: Uid,
    gid: Gid,
}

impl RunAs {
    /// Looks `user` up by name, else as a numeric user id (as named does).
    pub fn lookup(user: &str) -> Result<Self, String> {
        let found = match User::from_name(user) {
            Ok(Some(found)) => Some(found),
            Ok(None) => match user.parse::<u32>() {
                Ok(uid) => {
                    User::from_uid(Uid::from_raw(uid)).map_err(|e| format!("user '{user}': {e}"))?
                }
                Err(_) => None,
            },
            Err(e) => return Err(format!("user '{user}': {e}")),
        };
        let found = found.ok_or_else(|| format!("user '{user}' unknown"))?;
        let name = CString::new(found.name.as_bytes())
            .map_err(|_| format!("user '{user}': the name holds a NUL byte"))?;
        Ok(Self {
            name,
            display: found.name,
            uid: found.uid,
            gid: found.gid,
        })
    }

    /// The user's name.
    pub fn name(&self) -> &str {
        &self.display
    }

    /// Becomes the user: its supplementary groups, its group, then its id. Every thread of
    /// the process changes (the C library applies set*id to all of them); the calling
    /// thread keeps `CAP_NET_BIND_SERVICE`. `Ok` carries a warning when that capability
    /// could not be kept.
    pub fn become_user(&self) -> Result<Option<String>, String> {
        // SAFETY: prctl with PR_SET_KEEPCAPS takes one integer argument and touches no
        // memory of ours.
        let keep = unsafe { libc::prctl(libc::PR_SET_KEEPCAPS, 1, 0, 0, 0) } == 0;
        nix::unistd::initgroups(&self.name, self.gid)
            .map_err(|e| format!("initgroups(): {}", e.desc()))?;
        nix::unistd::setgid(self.gid).map_err(|e| format!("setgid(): {}", e.desc()))?;
        nix::unistd::setuid(self.uid).map_err(|e| format!("setuid(): {}", e.desc()))?;
        if nix::unistd::getuid() != self.uid || nix::unistd::geteuid() != self.uid {
            return Err(format!("still not running as '{}'", self.display));
        }
        let warning = if keep {
            keep_only_bind_service()
                .err()
                .map(|e| format!("cannot keep the capability to bind ports below 1024: {e}"))
        } else {
            Some("cannot keep the capability to bind ports below 1024: prctl() failed".into())
        };
        // SAFETY: as above.
        unsafe { libc::prctl(libc::PR_SET_KEEPCAPS, 0, 0, 0, 0) };
        Ok(warning)
    }
}

/// `CAP_NET_BIND_SERVICE` (linux/capability.h).
const CAP_NET_BIND_SERVICE: u32 = 10;
/// `_LINUX_CAPABILITY_VERSION_3`: 64-bit capability sets, in two 32-bit words.
const CAPABILITY_VERSION_3: u32 = 0x2008_0522;

/// `struct __user_cap_header_struct`.
#[repr(C)]
struct CapHeader {
    version: u32,
    pid: libc::c_int,
}

/// `struct __user_cap_data_struct`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// Sets the calling thread's capabilities to `CAP_NET_BIND_SERVICE` alone.
fn keep_only_bind_service() -> std::io::Result<()> {
    let header = CapHeader {
        version: CAPABILITY_VERSION_3,
        pid: 0,
    };
    let bit = 1u32 << CAP_NET_BIND_SERVICE;
    let data = [
        CapData {
            effective: bit,
            permitted: bit,
            inheritable: 0,
        },
        CapData::default(),
    ];
    // SAFETY: capset reads one header and, for version 3, two data structs, all of which
    // live across the call with the kernel's layout.
    let rc = unsafe { libc::syscall(libc::SYS_capset, std::ptr::from_ref(&header), data.as_ptr()) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Changes the root directory to `dir` and the working directory to the new root.
pub fn change_root(dir: &Path) -> Result<(), String> {
    nix::unistd::chroot(dir).map_err(|e| format!("chroot(): {}", e.desc()))?;
    std::env::set_current_dir("/").map_err(|e| format!("chdir(/): {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_found_by_name_and_number() {
        let by_name = RunAs::lookup("root").expect("root exists");
        assert_eq!(by_name.uid, Uid::from_raw(0));
        assert_eq!(by_name.name(), "root");
        let by_number = RunAs::lookup("0").expect("uid 0 exists");
        assert_eq!(by_number.name(), "root");
    }

    #[test]
    fn unknown_users_are_named_in_the_error() {
        let err = RunAs::lookup("no-such-user-rivet").expect_err("unknown");
        assert!(err.contains("no-such-user-rivet"), "{err}");
    }
}
