//! Which server, port, key and source address a command goes to, from the command line,
//! rndc.conf and rndc.key, as rndc decides.
//!
//! rndc.conf is read when it exists (a `-c` file must exist); otherwise rndc.key is, and
//! then the server is 127.0.0.1. The server is `-s`, else `default-server`; the key is `-y`,
//! else the server block's `key`, else `default-key`; the port is `-p`, else the server
//! block's `port`, else `default-port`, else 953. Server names are IP addresses or
//! `localhost`: the client does not use the system resolver.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};

use conf::rndc::{RndcAddress, RndcConf, RndcError, parse_rndc_conf, parse_rndc_key};
use thiserror::Error;

use crate::auth::{AuthError, ControlKey};

/// rndc.conf's default location.
pub const DEFAULT_CONF: &str = "/etc/rivet/rndc.conf";

/// rndc.key's default location (rivetd reads the same file).
pub const DEFAULT_KEY_FILE: &str = "/etc/rivet/rndc.key";

/// The control channel's default port.
pub const DEFAULT_PORT: u16 = 953;

//------------ SettingsError ---------------------------------------------------

/// Why no server or key could be chosen. The texts follow rndc's.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// The `-c` file does not exist.
    #[error("{0} does not exist")]
    ConfMissing(PathBuf),
    /// Neither rndc.conf nor rndc.key exists.
    #[error("neither {conf} nor {key} was found")]
    NoFiles {
        /// The rndc.conf looked for.
        conf: PathBuf,
        /// The rndc.key looked for.
        key: PathBuf,
    },
    /// A file does not parse.
    #[error("{0}")]
    Parse(#[from] RndcError),
    /// rndc.conf names no server and `-s` was not given.
    #[error("no server specified and no default")]
    NoServer,
    /// No key for the server and no default key.
    #[error("no key for server and no default")]
    NoKeyChosen,
    /// The chosen key is not defined.
    #[error("no key definition for name {0}")]
    UnknownKey(String),
    /// The key cannot be used on the control channel.
    #[error("{0}")]
    Key(#[from] AuthError),
    /// The server name is neither an address nor `localhost`.
    #[error("couldn't get address for '{0}': not found")]
    Resolve(String),
}

//------------ Overrides and Target --------------------------------------------

/// What the command line says.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `-c FILE`.
    pub conf: Option<PathBuf>,
    /// `-k FILE`.
    pub key_file: Option<PathBuf>,
    /// `-s SERVER`.
    pub server: Option<String>,
    /// `-p PORT`.
    pub port: Option<u16>,
    /// `-y KEYNAME`.
    pub key_name: Option<String>,
    /// `-b SOURCE`.
    pub source: Option<IpAddr>,
    /// `-4` / `-6`: only addresses of this family.
    pub family: Option<Family>,
}

/// An address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// IPv4 only.
    V4,
    /// IPv6 only.
    V6,
}

/// Where to send commands, and with which key.
#[derive(Debug, Clone)]
pub struct Target {
    /// The server's name as given.
    pub server: String,
    /// The addresses to try, in order.
    pub addresses: Vec<SocketAddr>,
    /// The key.
    pub key: ControlKey,
    /// The source address for IPv4 connections.
    pub source_v4: Option<IpAddr>,
    /// The source address for IPv6 connections.
    pub source_v6: Option<IpAddr>,
}

impl Target {
    /// The source address to bind for a connection to `addr`.
    pub fn source_for(&self, addr: &SocketAddr) -> Option<IpAddr> {
        if addr.is_ipv4() {
            self.source_v4
        } else {
            self.source_v6
        }
    }
}

/// Chooses the server, addresses, port and key as rndc does.
pub fn resolve(o: &Overrides) -> Result<Target, SettingsError> {
    let conf_path = o
        .conf
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_CONF));
    let key_path = o
        .key_file
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_KEY_FILE));
    if o.conf.is_some() && !conf_path.exists() {
        return Err(SettingsError::ConfMissing(conf_path));
    }
    if conf_path.exists() {
        let conf = parse_rndc_conf(&conf_path)?;
        from_conf(&conf, o)
    } else if key_path.exists() {
        from_key_file(&key_path, o)
    } else {
        Err(SettingsError::NoFiles {
            conf: conf_path,
            key: key_path,
        })
    }
}

fn from_key_file(path: &Path, o: &Overrides) -> Result<Target, SettingsError> {
    let key = ControlKey::try_from(&parse_rndc_key(path)?)?;
    let server = o.server.clone().unwrap_or_else(|| "127.0.0.1".to_owned());
    let port = o.port.unwrap_or(DEFAULT_PORT);
    let addresses = filter(addresses_of(&server, port)?, o.family, &server)?;
    Ok(Target {
        server,
        addresses,
        key,
        source_v4: o.source.filter(IpAddr::is_ipv4),
        source_v6: o.source.filter(IpAddr::is_ipv6),
    })
}

fn from_conf(conf: &RndcConf, o: &Overrides) -> Result<Target, SettingsError> {
    let server = o
        .server
        .clone()
        .or_else(|| conf.options.default_server.clone())
        .ok_or(SettingsError::NoServer)?;
    let block = conf.server(&server);
    let key_name = o
        .key_name
        .clone()
        .or_else(|| block.and_then(|b| b.key.clone()))
        .or_else(|| conf.options.default_key.clone())
        .ok_or(SettingsError::NoKeyChosen)?;
    let key = conf
        .key(&key_name)
        .ok_or_else(|| SettingsError::UnknownKey(key_name.clone()))?;
    let key = ControlKey::try_from(key)?;
    let port = o
        .port
        .or_else(|| block.and_then(|b| b.port))
        .or(conf.options.default_port)
        .unwrap_or(DEFAULT_PORT);
    let listed = block.map(|b| b.addresses.as_slice()).unwrap_or(&[]);
    let addresses = if listed.is_empty() {
        addresses_of(&server, port)?
    } else {
        let mut out = Vec::new();
        for a in listed {
            match a {
                RndcAddress::Ip(sa) if sa.port() == 0 => out.push(SocketAddr::new(sa.ip(), port)),
                RndcAddress::Ip(sa) => out.push(*sa),
                RndcAddress::Host(name, p) => out.extend(addresses_of(name, p.unwrap_or(port))?),
            }
        }
        out
    };
    let addresses = filter(addresses, o.family, &server)?;
    let pick = |cmdline: Option<IpAddr>, from_block: Option<IpAddr>, default: Option<IpAddr>| {
        cmdline.or(from_block).or(default)
    };
    Ok(Target {
        server,
        addresses,
        key,
        source_v4: pick(
            o.source.filter(IpAddr::is_ipv4),
            block.and_then(|b| b.source_address),
            conf.options.default_source_address,
        ),
        source_v6: pick(
            o.source.filter(IpAddr::is_ipv6),
            block.and_then(|b| b.source_address_v6),
            conf.options.default_source_address_v6,
        ),
    })
}

/// The addresses of a server name: an IP address, or `localhost`.
fn addresses_of(name: &str, port: u16) -> Result<Vec<SocketAddr>, SettingsError> {
    if let Ok(ip) = name.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    if name.eq_ignore_ascii_case("localhost") || name.eq_ignore_ascii_case("localhost.") {
        return Ok(vec![
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), port),
            SocketAddr::new(Ipv6Addr::LOCALHOST.into(), port),
        ]);
    }
    Err(SettingsError::Resolve(name.to_owned()))
}

fn filter(
    addresses: Vec<SocketAddr>,
    family: Option<Family>,
    server: &str,
) -> Result<Vec<SocketAddr>, SettingsError> {
    let kept: Vec<_> = addresses
        .into_iter()
        .filter(|a| match family {
            None => true,
            Some(Family::V4) => a.is_ipv4(),
            Some(Family::V6) => a.is_ipv6(),
        })
        .collect();
    if kept.is_empty() {
        return Err(SettingsError::Resolve(server.to_owned()));
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use conf::model::KeyAlgorithm;

    const CONF: &str = r#"
key "k" { algorithm hmac-sha256; secret "VsEphydwdoaAnrPWx6Ljv3gHWtWoQNzJ9VqDUibDh+o="; };
key "m" { algorithm hmac-md5; secret "MFSOV4BFnSslt6AqeculNg=="; };
server 127.0.0.2 { key "m"; port 1953; source-address 127.0.0.9; };
server multi { addresses { 127.0.0.3; 127.0.0.4 port 99; }; };
options { default-server 127.0.0.1; default-key "k"; default-port 2953; };
"#;

    fn files(conf: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("rndc.conf");
        std::fs::write(&path, conf).expect("write");
        (dir, path)
    }

    fn with_conf(path: &Path) -> Overrides {
        Overrides {
            conf: Some(path.to_path_buf()),
            ..Overrides::default()
        }
    }

    #[test]
    fn defaults_from_options() {
        let (_dir, path) = files(CONF);
        let t = resolve(&with_conf(&path)).expect("resolves");
        assert_eq!(t.addresses, ["127.0.0.1:2953".parse().expect("addr")]);
        assert_eq!(t.key.name, "k");
        assert_eq!(t.key.algorithm, KeyAlgorithm::HmacSha256);
    }

    #[test]
    fn server_block_wins_over_defaults_and_flags_win_over_both() {
        let (_dir, path) = files(CONF);
        let o = Overrides {
            server: Some("127.0.0.2".into()),
            ..with_conf(&path)
        };
        let t = resolve(&o).expect("resolves");
        assert_eq!(t.addresses, ["127.0.0.2:1953".parse().expect("addr")]);
        assert_eq!(t.key.name, "m");
        assert_eq!(t.source_v4, Some("127.0.0.9".parse().expect("ip")));
        let o = Overrides {
            port: Some(7),
            key_name: Some("k".into()),
            source: Some("127.0.0.8".parse().expect("ip")),
            ..o
        };
        let t = resolve(&o).expect("resolves");
        assert_eq!(t.addresses, ["127.0.0.2:7".parse().expect("addr")]);
        assert_eq!(t.key.name, "k");
        assert_eq!(t.source_v4, Some("127.0.0.8".parse().expect("ip")));
        let o = Overrides {
            server: Some("multi".into()),
            ..with_conf(&path)
        };
        let t = resolve(&o).expect("resolves");
        assert_eq!(
            t.addresses,
            [
                "127.0.0.3:2953".parse().expect("addr"),
                "127.0.0.4:99".parse().expect("addr")
            ]
        );
    }

    #[test]
    fn errors_say_what_rndc_says() {
        let (dir, path) = files(CONF);
        let missing = dir.path().join("none.conf");
        let err = resolve(&with_conf(&missing)).expect_err("missing");
        assert_eq!(
            err.to_string(),
            format!("{} does not exist", missing.display())
        );
        let o = Overrides {
            key_name: Some("nokey".into()),
            ..with_conf(&path)
        };
        assert_eq!(
            resolve(&o).expect_err("no key").to_string(),
            "no key definition for name nokey"
        );
        let o = Overrides {
            server: Some("ns.example".into()),
            ..with_conf(&path)
        };
        assert_eq!(
            resolve(&o).expect_err("name").to_string(),
            "couldn't get address for 'ns.example': not found"
        );
        let (_d2, bare) = files("key \"k\" { algorithm hmac-md5; secret \"YWJj\"; };");
        assert_eq!(
            resolve(&with_conf(&bare))
                .expect_err("no server")
                .to_string(),
            "no server specified and no default"
        );
        let o = Overrides {
            conf: None,
            key_file: Some(dir.path().join("none.key")),
            ..Overrides::default()
        };
        // The default rndc.conf does not exist on a test machine; if it does, skip.
        if !Path::new(DEFAULT_CONF).exists() {
            assert!(matches!(resolve(&o), Err(SettingsError::NoFiles { .. })));
        }
    }

    #[test]
    fn key_file_alone() {
        if Path::new(DEFAULT_CONF).exists() {
            return;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let key = dir.path().join("rndc.key");
        std::fs::write(
            &key,
            "key \"rndc-key\" { algorithm hmac-sha512; secret \"YWJjZA==\"; };\n",
        )
        .expect("write");
        let o = Overrides {
            key_file: Some(key),
            port: Some(1234),
            ..Overrides::default()
        };
        let t = resolve(&o).expect("resolves");
        assert_eq!(t.addresses, ["127.0.0.1:1234".parse().expect("addr")]);
        assert_eq!(t.key.name, "rndc-key");
        assert_eq!(t.key.secret, b"abcd");
        let o = Overrides {
            server: Some("localhost".into()),
            family: Some(Family::V6),
            ..o
        };
        assert_eq!(
            resolve(&o).expect("resolves").addresses,
            ["[::1]:1234".parse().expect("addr")]
        );
    }
}
