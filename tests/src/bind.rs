//! BIND 9's own tools, the reference the tests compare Rivet against.
//!
//! CI installs them (`.ci/run`), so there a missing tool fails the test. On a developer's
//! machine without BIND the comparison is skipped, loudly.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Directories searched after `PATH`: Debian puts `named` in `/usr/sbin`, which is not on
/// an ordinary user's `PATH`.
const EXTRA_DIRS: &[&str] = &["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"];

/// The path of BIND tool `name` (`named-checkzone`, `named`, `dig`, ...), if installed.
pub fn find(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(EXTRA_DIRS.iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

/// Whether the tests run in CI (`CI` set to anything but empty, `0` or `false`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// BIND tool `name`, or `None` after telling the developer that `test` is skipped.
///
/// In CI a missing tool is a failure, not a skip: the comparison is the point of the test.
/// The notice goes straight to the process's stderr, past the test harness's capture, so
/// that a skipped comparison never looks like a passed one.
pub fn require(name: &str, test: &str) -> Option<PathBuf> {
    if let Some(path) = find(name) {
        return Some(path);
    }
    assert!(
        !in_ci(),
        "{test}: {name} is not installed, and CI must compare with BIND \
         (apt-get install bind9 bind9-utils bind9-dnsutils)"
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {name} not found (apt-get install bind9-utils); \
         nothing was compared with BIND"
    );
    None
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
