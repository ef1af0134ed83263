//! Finding the workspace's binaries from an integration test of another package.
//!
//! `CARGO_BIN_EXE_<name>` only exists for binaries of the package under test, and a
//! dependency on a package builds its library, not its binaries. So the test asks cargo to
//! build the binary (a no-op when it is fresh) into the target directory and profile the
//! test itself was built with, which it reads from the test executable's own path
//! (`<target>/<profile>/deps/<test>-<hash>`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds binary `bin` of workspace package `package` and returns its path.
///
/// Panics with cargo's output when the build fails: a test that needs the binary cannot
/// go on without it.
pub fn build(package: &str, bin: &str) -> PathBuf {
    let profile_dir = profile_dir();
    let target_dir = profile_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let profile = profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("debug");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(crate::workspace_root())
        .args(["build", "--quiet", "--package", package, "--bin", bin])
        .arg("--target-dir")
        .arg(&target_dir);
    match profile {
        "debug" => {}
        "release" => {
            cmd.arg("--release");
        }
        other => {
            cmd.args(["--profile", other]);
        }
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo to build {bin}: {e}"));
    assert!(
        out.status.success(),
        "building {bin} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = profile_dir.join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "cargo built {bin} but {} does not exist",
        path.display()
    );
    path
}

/// `<target>/<profile>`, the directory that holds the running test's `deps/`.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the running test knows its own path");
    let mut dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    if dir.file_name().is_some_and(|n| n == "deps") {
        dir.pop();
    }
    dir
}
