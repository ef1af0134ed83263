//! rndc's client configuration: `rndc.conf` and `rndc.key`, in named.conf syntax.
//!
//! `rndc.conf` holds `key`, `server` and `options` statements; `rndc.key` holds exactly one
//! `key`. The control client picks its server, key and port from these as rndc does.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use zones::diag::Diagnostic;

use crate::ast::{Map, Node, Value};
use crate::fs::{FileSystem, MemFs, RealFs};
use crate::model::{Key, decode_secret, parse_algorithm};
use crate::parser::{Grammar, ParseOptions, parse_text, parse_with};

/// A `server` statement of rndc.conf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RndcServer {
    /// The name `-s` and `default-server` refer to.
    pub name: String,
    /// The key to use with it.
    pub key: Option<String>,
    /// Its control port.
    pub port: Option<u16>,
    /// Source address for IPv4.
    pub source_address: Option<IpAddr>,
    /// Source address for IPv6.
    pub source_address_v6: Option<IpAddr>,
    /// Addresses to try in order; empty: resolve the name.
    pub addresses: Vec<RndcAddress>,
}

/// One entry of `addresses`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RndcAddress {
    /// An address, with a port (0: the server's port).
    Ip(SocketAddr),
    /// A host name to resolve, with an optional port.
    Host(String, Option<u16>),
}

/// The `options` statement of rndc.conf.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RndcOptions {
    /// `default-server`.
    pub default_server: Option<String>,
    /// `default-key`.
    pub default_key: Option<String>,
    /// `default-port`.
    pub default_port: Option<u16>,
    /// `default-source-address`.
    pub default_source_address: Option<IpAddr>,
    /// `default-source-address-v6`.
    pub default_source_address_v6: Option<IpAddr>,
}

/// A parsed rndc.conf.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RndcConf {
    /// The keys, decoded.
    pub keys: Vec<Key>,
    /// The servers.
    pub servers: Vec<RndcServer>,
    /// The options.
    pub options: RndcOptions,
}

impl RndcConf {
    /// A server block by name (case-insensitive, as rndc matches `-s`).
    pub fn server(&self, name: &str) -> Option<&RndcServer> {
        self.servers
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// A key by name (case-insensitive).
    pub fn key(&self, name: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.name.eq_ignore_ascii_case(name))
    }
}

/// Why an rndc file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RndcError {
    /// What went wrong, and where.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for RndcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for d in &self.diagnostics {
            if !first {
                writeln!(f)?;
            }
            first = false;
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RndcError {}

fn cwd() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"))
}

fn parse(fs: &dyn FileSystem, path: &Path, grammar: Grammar) -> Result<Map, RndcError> {
    let options = ParseOptions {
        cwd: cwd(),
        ..ParseOptions::default()
    };
    let (doc, diagnostics) = parse_with(fs, path, &options, grammar);
    doc.map(|d| d.root).ok_or(RndcError { diagnostics })
}

fn parse_text_as(name: &str, text: &str, grammar: Grammar) -> Result<Map, RndcError> {
    let fs = MemFs::new();
    let options = ParseOptions::default();
    let (doc, diagnostics) = parse_text(
        &fs,
        name,
        PathBuf::from("/").join(name),
        text,
        &options,
        grammar,
    );
    doc.map(|d| d.root).ok_or(RndcError { diagnostics })
}

/// Reads an rndc.conf file.
pub fn parse_rndc_conf(path: &Path) -> Result<RndcConf, RndcError> {
    rndc_conf(&parse(&RealFs::new(), path, Grammar::RndcConf)?)
}

/// Reads rndc.conf text (`name` appears in messages).
pub fn parse_rndc_conf_str(name: &str, text: &str) -> Result<RndcConf, RndcError> {
    rndc_conf(&parse_text_as(name, text, Grammar::RndcConf)?)
}

/// Reads an rndc.key file: its one key.
pub fn parse_rndc_key(path: &Path) -> Result<Key, RndcError> {
    rndc_key(&parse(&RealFs::new(), path, Grammar::RndcKey)?)
}

/// Reads rndc.key text.
pub fn parse_rndc_key_str(name: &str, text: &str) -> Result<Key, RndcError> {
    rndc_key(&parse_text_as(name, text, Grammar::RndcKey)?)
}

fn rndc_key(root: &Map) -> Result<Key, RndcError> {
    match root.get("key") {
        Some(node) => key(node),
        None => Err(RndcError {
            diagnostics: vec![Diagnostic::error(None, None, "no key definition found")],
        }),
    }
}

/// Decodes a `key` statement, with rndc's messages.
fn key(node: &Node) -> Result<Key, RndcError> {
    let fail = |msg: String| RndcError {
        diagnostics: vec![node.loc.error(msg)],
    };
    let map = node
        .as_map()
        .ok_or_else(|| fail("key must have algorithm and secret".into()))?;
    let name = map.name_str().unwrap_or_default().to_owned();
    let (Some(alg), Some(secret)) = (
        map.get("algorithm").and_then(Node::as_str),
        map.get("secret").and_then(Node::as_str),
    ) else {
        return Err(fail(format!(
            "key '{name}': key must have algorithm and secret"
        )));
    };
    let (algorithm, digest_bits) =
        parse_algorithm(alg).map_err(|_| fail(format!("unsupported algorithm: {alg}")))?;
    let secret =
        decode_secret(secret).ok_or_else(|| fail(format!("key '{name}': bad base64 secret")))?;
    Ok(Key {
        name,
        algorithm,
        digest_bits,
        secret,
    })
}

fn port(node: Option<&Node>) -> Option<u16> {
    node.and_then(Node::as_u32)
        .map(|p| u16::try_from(p).unwrap_or(u16::MAX))
}

fn addr(node: Option<&Node>) -> Option<IpAddr> {
    node.and_then(Node::as_sockaddr).map(|sa| sa.ip)
}

fn rndc_conf(root: &Map) -> Result<RndcConf, RndcError> {
    let mut conf = RndcConf::default();
    for k in root.get_all("key") {
        conf.keys.push(key(k)?);
    }
    for server in root.get_all("server") {
        let Some(map) = server.as_map() else {
            continue;
        };
        let addresses = map
            .get("addresses")
            .map(Node::as_list)
            .unwrap_or(&[])
            .iter()
            .map(|a| match &a.value {
                Value::SockAddr(sa) => RndcAddress::Ip(SocketAddr::new(sa.ip, sa.port)),
                _ => RndcAddress::Host(
                    a.field("name")
                        .and_then(Node::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    port(a.field("port")),
                ),
            })
            .collect();
        conf.servers.push(RndcServer {
            name: map.name_str().unwrap_or_default().to_owned(),
            key: map.get("key").and_then(Node::as_str).map(str::to_owned),
            port: port(map.get("port")),
            source_address: addr(map.get("source-address")),
            source_address_v6: addr(map.get("source-address-v6")),
            addresses,
        });
    }
    if let Some(options) = root.get("options").and_then(Node::as_map) {
        conf.options = RndcOptions {
            default_server: options
                .get("default-server")
                .and_then(Node::as_str)
                .map(str::to_owned),
            default_key: options
                .get("default-key")
                .and_then(Node::as_str)
                .map(str::to_owned),
            default_port: port(options.get("default-port")),
            default_source_address: addr(options.get("default-source-address")),
            default_source_address_v6: addr(options.get("default-source-address-v6")),
        };
    }
    Ok(conf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::KeyAlgorithm;

    const CONF: &str = r#"
# Start of rndc.conf
key "k" { algorithm hmac-sha256; secret "VsEphydwUibh+o1lV0LmRWHpGDlGjzX/WqfVndVmWUk="; };
key "kmd5" { algorithm hmac-md5; secret "YWJjZGVmZ2hpamtsbW5vcA=="; };
server localhost {            # name matched case-insensitively
        key "kmd5";
        port 15453;
        addresses { 127.0.0.1; 127.0.0.1 port 15454; ns.example port 99; };
        source-address 127.0.0.1;  source-address-v6 ::1;
};
options {
        default-server  localhost;
        default-key     "k";
        default-port    953;
};
"#;

    #[test]
    fn rndc_conf_is_read() {
        let conf = parse_rndc_conf_str("rndc.conf", CONF).expect("parses");
        assert_eq!(conf.keys.len(), 2);
        assert_eq!(
            conf.key("K").map(|k| k.algorithm),
            Some(KeyAlgorithm::HmacSha256)
        );
        assert_eq!(conf.key("k").map(|k| k.secret.len()), Some(32));
        let server = conf.server("LOCALHOST").expect("server");
        assert_eq!(server.key.as_deref(), Some("kmd5"));
        assert_eq!(server.port, Some(15453));
        assert_eq!(server.addresses.len(), 3);
        assert_eq!(
            server.addresses[1],
            RndcAddress::Ip("127.0.0.1:15454".parse().expect("addr"))
        );
        assert_eq!(
            server.addresses[2],
            RndcAddress::Host("ns.example".into(), Some(99))
        );
        assert_eq!(server.source_address_v6, Some("::1".parse().expect("ip")));
        assert_eq!(conf.options.default_server.as_deref(), Some("localhost"));
        assert_eq!(conf.options.default_key.as_deref(), Some("k"));
        assert_eq!(conf.options.default_port, Some(953));
    }

    #[test]
    fn rndc_key_is_read() {
        let key = parse_rndc_key_str(
            "rndc.key",
            "key \"rndc-key\" {\n\talgorithm hmac-sha256;\n\tsecret \"xKLU+u1U2w/uv0mRn2I7rgnGQnYvsSLOrVud7oVjsVQ=\";\n};\n",
        )
        .expect("parses");
        assert_eq!(key.name, "rndc-key");
        assert_eq!(key.secret.len(), 32);
    }

    #[test]
    fn errors_are_reported() {
        let err = parse_rndc_key_str("rndc.key", "key \"a\" { algorithm hmac-sha256; };")
            .expect_err("no secret");
        assert!(
            err.to_string()
                .contains("key must have algorithm and secret"),
            "{err}"
        );
        let err = parse_rndc_key_str("rndc.key", "key \"a\" { algorithm rsa; secret \"YWJj\"; };")
            .expect_err("alg");
        assert!(
            err.to_string().contains("unsupported algorithm: rsa"),
            "{err}"
        );
        let err = parse_rndc_key_str(
            "rndc.key",
            "key a { algorithm hmac-md5; secret \"YWJj\"; };\nkey b {};",
        )
        .expect_err("two keys");
        assert!(err.to_string().contains("'key' redefined"), "{err}");
        let err =
            parse_rndc_conf_str("rndc.conf", "options { default-server }").expect_err("syntax");
        assert!(err.to_string().starts_with("rndc.conf:1:"), "{err}");
    }

    #[test]
    fn real_files_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("rndc.conf");
        std::fs::write(&path, CONF).expect("write");
        let conf = parse_rndc_conf(&path).expect("parses");
        assert_eq!(conf.servers.len(), 1);
        let missing = parse_rndc_key(&dir.path().join("nope.key")).expect_err("missing");
        assert!(missing.to_string().contains("file not found"), "{missing}");
    }
}
