//! The `pid-file`: written at start-up, removed at exit.

use std::io::{self, Write as _};
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};

use conf::model::FileSetting;

/// Where the process id goes when `pid-file` is not set.
pub const DEFAULT_PID_FILE: &str = "/run/rivet/rivetd.pid";

/// The path `pid-file` asks for; `None` for `pid-file none`.
pub fn configured_path(setting: &FileSetting) -> Option<PathBuf> {
    match setting {
        FileSetting::Default => Some(PathBuf::from(DEFAULT_PID_FILE)),
        FileSetting::None => None,
        FileSetting::Path(path) => Some(path.clone()),
    }
}

/// A written pid file; dropping it removes the file.
#[derive(Debug)]
pub struct PidFile {
    path: PathBuf,
}

impl PidFile {
    /// Writes the current process id to `path`, making its directory if needed (as BIND does).
    pub fn create(path: &Path) -> io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o755)
                    .create(dir)?;
            }
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o644)
            .open(path)?;
        writeln!(file, "{}", std::process::id())?;
        Ok(Self {
            path: path.to_path_buf(),
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for PidFile {
    fn drop(&mut self) {
        // After -u the directory may not be ours to change; the stale file then names a pid
        // that no longer runs, which is what BIND leaves behind too.
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_then_removed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sub/dir/rivetd.pid");
        let pid = PidFile::create(&path).expect("pid file written");
        let text = std::fs::read_to_string(&path).expect("readable");
        assert_eq!(text, format!("{}\n", std::process::id()));
        assert_eq!(pid.path(), path);
        drop(pid);
        assert!(!path.exists());
    }

    #[test]
    fn settings_map_to_paths() {
        assert_eq!(
            configured_path(&FileSetting::Default),
            Some(PathBuf::from(DEFAULT_PID_FILE))
        );
        assert_eq!(configured_path(&FileSetting::None), None);
        assert_eq!(
            configured_path(&FileSetting::Path("/x/y.pid".into())),
            Some(PathBuf::from("/x/y.pid"))
        );
    }
}
