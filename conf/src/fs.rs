//! Where configuration files are read from.
//!
//! Paths in a configuration are logical: absolute ones start at the root the server sees
//! (which `rivet-checkconf -t DIR` moves, as `named-checkconf -t` chroots), relative ones start
//! at the current directory, which `directory` changes as soon as it is parsed.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Access to the files a configuration names.
pub trait FileSystem {
    /// Reads a whole file (bytes that are not UTF-8 are replaced).
    fn read_to_string(&self, path: &Path) -> io::Result<String>;
    /// The files matching a shell pattern (`*`, `?`, `[...]`), sorted; a pattern without
    /// wildcards matches the file itself if it exists.
    fn glob(&self, pattern: &Path) -> io::Result<Vec<PathBuf>>;
    /// Whether the path is a directory.
    fn is_dir(&self, path: &Path) -> bool;
}

/// The real file system, optionally under a root directory.
#[derive(Debug, Clone, Default)]
pub struct RealFs {
    root: Option<PathBuf>,
}

impl RealFs {
    /// Files as they are.
    pub fn new() -> Self {
        Self { root: None }
    }

    /// Files under `root`, which stands for `/`.
    pub fn with_root(root: impl Into<PathBuf>) -> Self {
        Self {
            root: Some(root.into()),
        }
    }

    /// The real path of a logical one.
    pub fn real_path(&self, path: &Path) -> PathBuf {
        match &self.root {
            None => path.to_path_buf(),
            Some(root) => {
                let mut out = root.clone();
                for part in path.components() {
                    match part {
                        Component::Normal(p) => out.push(p),
                        Component::ParentDir if out != *root => {
                            out.pop();
                        }
                        _ => {}
                    }
                }
                out
            }
        }
    }

    fn logical_path(&self, real: &Path) -> PathBuf {
        match &self.root {
            None => real.to_path_buf(),
            Some(root) => match real.strip_prefix(root) {
                Ok(rest) => Path::new("/").join(rest),
                Err(_) => real.to_path_buf(),
            },
        }
    }
}

fn has_wildcard(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '['])
}

impl FileSystem for RealFs {
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        let bytes = std::fs::read(self.real_path(path))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn glob(&self, pattern: &Path) -> io::Result<Vec<PathBuf>> {
        let real = self.real_path(pattern);
        if !has_wildcard(pattern) {
            std::fs::metadata(&real)?;
            return Ok(vec![pattern.to_path_buf()]);
        }
        let text = match &self.root {
            Some(root) => {
                let escaped = glob::Pattern::escape(&root.to_string_lossy());
                let rest = real.strip_prefix(root).unwrap_or(&real);
                format!("{escaped}/{}", rest.to_string_lossy())
            }
            None => real.to_string_lossy().into_owned(),
        };
        let paths = glob::glob(&text)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
        let mut out: Vec<PathBuf> = paths
            .filter_map(Result::ok)
            .map(|p| self.logical_path(&p))
            .collect();
        out.sort();
        if out.is_empty() {
            return Err(io::Error::new(io::ErrorKind::NotFound, "no match"));
        }
        Ok(out)
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.real_path(path).is_dir()
    }
}

/// Files held in memory, for tests and fuzzing: nothing outside the map exists.
#[derive(Debug, Clone, Default)]
pub struct MemFs {
    files: BTreeMap<PathBuf, String>,
}

impl MemFs {
    /// No files at all.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file (logical absolute path).
    pub fn add(&mut self, path: impl Into<PathBuf>, text: impl Into<String>) -> &mut Self {
        self.files.insert(path.into(), text.into());
        self
    }
}

impl FileSystem for MemFs {
    fn read_to_string(&self, path: &Path) -> io::Result<String> {
        self.files
            .get(&normalize(path))
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "file not found"))
    }

    fn glob(&self, pattern: &Path) -> io::Result<Vec<PathBuf>> {
        let pattern = normalize(pattern);
        if !has_wildcard(&pattern) {
            return if self.files.contains_key(&pattern) {
                Ok(vec![pattern])
            } else {
                Err(io::Error::new(io::ErrorKind::NotFound, "file not found"))
            };
        }
        let matcher = glob::Pattern::new(&pattern.to_string_lossy())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
        let out: Vec<PathBuf> = self
            .files
            .keys()
            .filter(|p| matcher.matches_path(p))
            .cloned()
            .collect();
        if out.is_empty() {
            return Err(io::Error::new(io::ErrorKind::NotFound, "no match"));
        }
        Ok(out)
    }

    fn is_dir(&self, path: &Path) -> bool {
        let path = normalize(path);
        path == Path::new("/")
            || self
                .files
                .keys()
                .any(|p| p.starts_with(&path) && *p != path)
    }
}

/// Joins `path` onto `base` unless it is absolute, and removes `.` and `..` parts.
pub fn resolve(base: &Path, path: &Path) -> PathBuf {
    normalize(&base.join(path))
}

/// Removes `.` and `..` parts of a path without looking at the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// How BIND words an error opening a file.
pub(crate) fn io_error_text(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "file not found".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        _ => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_maps_absolute_paths() {
        let fs = RealFs::with_root("/srv/chroot");
        assert_eq!(
            fs.real_path(Path::new("/etc/named.conf")),
            Path::new("/srv/chroot/etc/named.conf")
        );
        assert_eq!(
            fs.real_path(Path::new("/../etc/x")),
            Path::new("/srv/chroot/etc/x")
        );
    }

    #[test]
    fn memfs_globs() {
        let mut fs = MemFs::new();
        fs.add("/etc/z/b.conf", "")
            .add("/etc/z/a.conf", "")
            .add("/etc/other", "");
        let got = fs.glob(Path::new("/etc/z/*.conf")).expect("matches");
        assert_eq!(
            got,
            [
                PathBuf::from("/etc/z/a.conf"),
                PathBuf::from("/etc/z/b.conf")
            ]
        );
        assert!(fs.is_dir(Path::new("/etc")));
        assert!(!fs.is_dir(Path::new("/etc/other")));
    }

    #[test]
    fn normalize_drops_dots() {
        assert_eq!(
            resolve(Path::new("/a/b"), Path::new("../c/./d")),
            Path::new("/a/c/d")
        );
        assert_eq!(resolve(Path::new("/a"), Path::new("/x")), Path::new("/x"));
    }
}
