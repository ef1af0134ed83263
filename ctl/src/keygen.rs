//! Making keys: random secrets, the `key` clause, rndc.conf text, and key files written
//! whole (temporary file, fsync, rename) with mode 0600.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use conf::model::KeyAlgorithm;
use thiserror::Error;

/// Why a key could not be made or written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum KeygenError {
    /// The system has no randomness to give.
    #[error("no randomness available: {0}")]
    Random(String),
    /// The secret size is outside 1–512 bits.
    #[error("keysize {0} out of range (must be 1-512)")]
    KeySize(u32),
    /// A file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        source: io::Error,
    },
}

/// The secret length BIND's tools use for `algorithm`: the digest's size.
pub fn default_secret_len(algorithm: KeyAlgorithm) -> usize {
    usize::from(algorithm.bits() / 8)
}

/// A secret of `bits` bits (rounded up to whole bytes), 1 to 512.
pub fn secret_bits(bits: u32) -> Result<Vec<u8>, KeygenError> {
    if !(1..=512).contains(&bits) {
        return Err(KeygenError::KeySize(bits));
    }
    random_secret(bits.div_ceil(8) as usize)
}

/// `len` random bytes from the operating system.
pub fn random_secret(len: usize) -> Result<Vec<u8>, KeygenError> {
    let mut secret = vec![0u8; len];
    getrandom::fill(&mut secret).map_err(|e| KeygenError::Random(e.to_string()))?;
    Ok(secret)
}

/// A secret in base64, as key files hold it.
pub fn encode_secret(secret: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(secret)
}

/// A `key` clause in named.conf syntax, each line prefixed with `indent`.
pub fn key_clause(name: &str, algorithm: KeyAlgorithm, secret: &[u8], indent: &str) -> String {
    format!(
        "{indent}key \"{name}\" {{\n{indent}\talgorithm {};\n{indent}\tsecret \"{}\";\n{indent}}};\n",
        algorithm.name(),
        encode_secret(secret)
    )
}

/// What `rivet-keygen` prints without `-a`: an rndc.conf, then, commented out, the lines
/// named.conf needs.
pub fn rndc_conf_text(
    name: &str,
    algorithm: KeyAlgorithm,
    secret: &[u8],
    server: &str,
    port: u16,
) -> String {
    let mut s = String::from("# Start of rndc.conf\n");
    s.push_str(&key_clause(name, algorithm, secret, ""));
    s.push_str(&format!(
        "\noptions {{\n\tdefault-key \"{name}\";\n\tdefault-server {server};\n\tdefault-port {port};\n}};\n"
    ));
    s.push_str("# End of rndc.conf\n\n");
    s.push_str("# Add to named.conf (adjust the allow list to the hosts that may control it):\n");
    s.push_str(&key_clause(name, algorithm, secret, "# "));
    s.push_str("# \n");
    s.push_str(&format!(
        "# controls {{\n# \tinet {server} port {port}\n# \t\tallow {{ {server}; }} keys {{ \"{name}\"; }};\n# }};\n"
    ));
    s.push_str("# End of named.conf\n");
    s
}

/// Writes `contents` to `path` whole: a temporary file in the same directory, mode 0600,
/// owned by `owner` when given, fsynced, then renamed over `path`.
pub fn write_private_file(
    path: &Path,
    contents: &[u8],
    owner: Option<u32>,
) -> Result<(), KeygenError> {
    let err = |source| KeygenError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "key".to_owned());
    let tmp = dir.join(format!(".{file_name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)?;
        file.write_all(contents)?;
        if let Some(uid) = owner {
            std::os::unix::fs::fchown(&file, Some(uid), None)?;
        }
        file.sync_all()?;
        fs::rename(&tmp, path)?;
        // The rename is durable only once the directory is synced.
        File::open(&dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(err)
}

/// The uid of user `name`, from the system's user database.
pub fn user_id(name: &str) -> Option<u32> {
    nix::unistd::User::from_name(name)
        .ok()
        .flatten()
        .map(|u| u.uid.as_raw())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn secrets_have_the_digest_length() {
        assert_eq!(default_secret_len(KeyAlgorithm::HmacMd5), 16);
        assert_eq!(default_secret_len(KeyAlgorithm::HmacSha256), 32);
        assert_eq!(default_secret_len(KeyAlgorithm::HmacSha512), 64);
        assert_eq!(secret_bits(100).expect("bits").len(), 13);
        assert!(matches!(secret_bits(0), Err(KeygenError::KeySize(0))));
        assert!(matches!(secret_bits(513), Err(KeygenError::KeySize(513))));
        let a = random_secret(32).expect("random");
        let b = random_secret(32).expect("random");
        assert_ne!(a, b);
    }

    #[test]
    fn clause_parses_back() {
        let secret = random_secret(32).expect("random");
        let text = key_clause("rndc-key", KeyAlgorithm::HmacSha256, &secret, "");
        let key = conf::rndc::parse_rndc_key_str("rndc.key", &text).expect("parses");
        assert_eq!(key.name, "rndc-key");
        assert_eq!(key.secret, secret);
        assert!(text.starts_with("key \"rndc-key\" {\n\talgorithm hmac-sha256;\n\tsecret \""));
    }

    #[test]
    fn rndc_conf_parses_back() {
        let secret = random_secret(16).expect("random");
        let text = rndc_conf_text("k", KeyAlgorithm::HmacMd5, &secret, "127.0.0.1", 953);
        let conf = conf::rndc::parse_rndc_conf_str("rndc.conf", &text).expect("parses");
        assert_eq!(conf.options.default_key.as_deref(), Some("k"));
        assert_eq!(conf.options.default_port, Some(953));
        assert_eq!(conf.key("k").map(|k| k.secret.clone()), Some(secret));
        assert!(text.contains("# \tinet 127.0.0.1 port 953\n"));
    }

    #[test]
    fn files_are_private_and_replaced_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("rndc.key");
        fs::write(&path, "old").expect("write");
        write_private_file(&path, b"new contents", None).expect("writes");
        assert_eq!(fs::read_to_string(&path).expect("read"), "new contents");
        let mode = fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
        let missing = dir.path().join("no/such/dir/rndc.key");
        assert!(write_private_file(&missing, b"x", None).is_err());
    }

    #[test]
    fn root_user_is_found() {
        assert_eq!(user_id("root"), Some(0));
        assert_eq!(user_id("no-such-user-here"), None);
    }
}
