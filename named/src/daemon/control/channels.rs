//! The channels a configuration asks for, with their keys resolved.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;

use conf::model::{AddressMatchList, Config, ControlChannel};
use ctl::ControlKey;

use crate::daemon::log::{debug, error};

/// The key file of the channels that name no keys, and of the default channel.
pub const DEFAULT_KEY_FILE: &str = "/etc/rivet/rndc.key";

/// The port of the default channel.
const DEFAULT_PORT: u16 = 953;

/// Who may connect to a channel.
#[derive(Debug, Clone)]
pub enum Allow {
    /// A configured `allow` list.
    List(AddressMatchList),
    /// The default channel: its own loopback address only.
    Only(IpAddr),
}

/// One channel to open.
#[derive(Debug, Clone)]
pub struct Channel {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Who may connect.
    pub allow: Allow,
    /// The keys it accepts, in configuration order.
    pub keys: Vec<ControlKey>,
    /// Only the commands that change nothing.
    pub read_only: bool,
    /// A channel of the default set: failing to open it is not worth a warning.
    pub optional: bool,
}

/// The channels of `config`. A `unix` channel fails the whole statement, as in BIND.
pub fn resolve(config: &Config) -> Result<Vec<Channel>, String> {
    let Some(listed) = &config.controls else {
        return Ok(default_channels());
    };
    let mut out = Vec::new();
    for channel in listed {
        match channel {
            ControlChannel::Unix { .. } => {
                error!(General, "UNIX domain sockets not yet supported");
                error!(General, "binding control channel(s): failure");
                return Err("failure".into());
            }
            ControlChannel::Inet {
                addr,
                allow,
                keys,
                read_only,
            } => {
                let keys = match keys {
                    Some(names) => names
                        .iter()
                        .filter_map(|name| {
                            config
                                .keys
                                .iter()
                                .find(|k| k.name.eq_ignore_ascii_case(name))
                        })
                        .map(|k| ControlKey::new(&k.name, k.algorithm, &k.secret))
                        .collect(),
                    None => match default_key(Path::new(DEFAULT_KEY_FILE)) {
                        Ok(key) => vec![key],
                        Err(reason) => {
                            error!(
                                General,
                                "couldn't install keys for command channel {}: {reason}",
                                crate::daemon::listen::display(addr)
                            );
                            continue;
                        }
                    },
                };
                out.push(Channel {
                    addr: *addr,
                    allow: Allow::List(allow.clone()),
                    keys,
                    read_only: *read_only,
                    optional: false,
                });
            }
        }
    }
    Ok(out)
}

/// 127.0.0.1#953 and ::1#953 with the default key, when its file exists.
fn default_channels() -> Vec<Channel> {
    let path = Path::new(DEFAULT_KEY_FILE);
    if !path.exists() {
        debug!(
            1,
            General, "no control channel configured and no {DEFAULT_KEY_FILE}: no command channel"
        );
        return Vec::new();
    }
    let key = match default_key(path) {
        Ok(key) => key,
        Err(reason) => {
            error!(
                General,
                "couldn't install keys for command channel 127.0.0.1#{DEFAULT_PORT}: {reason}"
            );
            return Vec::new();
        }
    };
    [
        (IpAddr::V4(Ipv4Addr::LOCALHOST), false),
        (IpAddr::V6(Ipv6Addr::LOCALHOST), true),
    ]
    .into_iter()
    .map(|(ip, optional)| Channel {
        addr: SocketAddr::new(ip, DEFAULT_PORT),
        allow: Allow::Only(ip),
        keys: vec![key.clone()],
        read_only: false,
        optional,
    })
    .collect()
}

/// The key of an rndc.key file.
fn default_key(path: &Path) -> Result<ControlKey, String> {
    let key = conf::rndc::parse_rndc_key(path).map_err(|e| e.to_string())?;
    Ok(ControlKey::new(&key.name, key.algorithm, &key.secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Config {
        conf::load_text(text).expect("configuration loads").config
    }

    #[test]
    fn inet_channels_resolve_their_keys() {
        let c = config(
            "key \"a\" { algorithm hmac-md5; secret \"MFSOV4BFnSslt6AqeculNg==\"; };\n\
             controls { inet 127.0.0.1 port 9953 allow { 127.0.0.1; } keys { \"A\"; } read-only yes; };\n",
        );
        let channels = resolve(&c).expect("resolves");
        assert_eq!(channels.len(), 1);
        let ch = &channels[0];
        assert_eq!(ch.addr, "127.0.0.1:9953".parse().expect("addr"));
        assert!(ch.read_only);
        assert_eq!(ch.keys.len(), 1);
        assert_eq!(ch.keys[0].name, "a");
    }

    #[test]
    fn empty_controls_opens_nothing_and_unix_is_refused() {
        assert!(resolve(&config("controls { };\n")).expect("ok").is_empty());
        let c = config(
            "key \"a\" { algorithm hmac-md5; secret \"MFSOV4BFnSslt6AqeculNg==\"; };\n\
             controls { unix \"/tmp/x\" perm 0600 owner 0 group 0 keys { a; }; };\n",
        );
        assert_eq!(resolve(&c).err().as_deref(), Some("failure"));
    }
}
