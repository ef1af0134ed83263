//! The TSIG keys of each view, and which key signs what is sent to a remote server.
//!
//! A view knows its own `key` statements and the top-level ones; when both define a name,
//! the view's wins, as in BIND. Requests to a primary and NOTIFY to a secondary are signed
//! with the key of the `primaries`/`also-notify` entry, else with the key of the
//! `server` statement for that address (the most specific prefix), else not at all.

use std::net::SocketAddr;
use std::sync::Arc;

use conf::model::{Config, Key, KeyAlgorithm, RemoteServer, ServerPeer, in_prefix};
use zones::Name;

use crate::daemon::log::error;
use crate::tsig::{KeyRing, TsigKey};

/// Every HMAC algorithm, to find a key by name alone.
const ALGORITHMS: [KeyAlgorithm; 6] = [
    KeyAlgorithm::HmacMd5,
    KeyAlgorithm::HmacSha1,
    KeyAlgorithm::HmacSha224,
    KeyAlgorithm::HmacSha256,
    KeyAlgorithm::HmacSha384,
    KeyAlgorithm::HmacSha512,
];

/// The keys one view knows and its `server` statements.
#[derive(Debug, Clone, Default)]
pub struct ViewKeys {
    /// The view's keys, then the top-level ones.
    pub ring: KeyRing,
    servers: Vec<ServerPeer>,
}

/// A remote server names a key that no `key` statement defines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("key '{0}' is not defined")]
pub struct UnknownKey(pub String);

impl ViewKeys {
    /// The keys of every view of `config`, in view order.
    pub fn for_config(config: &Config) -> Vec<ViewKeys> {
        config
            .views
            .iter()
            .map(|view| ViewKeys {
                ring: ring_of(view.keys.iter().chain(&config.keys)),
                servers: view.servers.clone(),
            })
            .collect()
    }

    /// The key called `name` (any case, with or without the final dot).
    pub fn by_name(&self, name: &str) -> Option<Arc<TsigKey>> {
        let name = Name::from_text(name, Some(&Name::root()))
            .ok()?
            .to_lowercase();
        ALGORITHMS
            .iter()
            .find_map(|alg| self.ring.get(&name, *alg))
            .cloned()
    }

    /// The key that signs what is sent to `remote`: its own `key`, else the key of the
    /// `server` statement covering its address; `None` to send unsigned.
    pub fn for_remote(&self, remote: &RemoteServer) -> Result<Option<Arc<TsigKey>>, UnknownKey> {
        let name = match &remote.key {
            Some(name) => Some(name.as_str()),
            None => self.server_key(remote.addr),
        };
        match name {
            None => Ok(None),
            Some(name) => self
                .by_name(name)
                .map(Some)
                .ok_or_else(|| UnknownKey(name.to_owned())),
        }
    }

    /// The key of the most specific `server` statement for `addr`.
    fn server_key(&self, addr: SocketAddr) -> Option<&str> {
        self.servers
            .iter()
            .filter(|s| in_prefix(addr.ip(), s.prefix.0, s.prefix.1))
            .max_by_key(|s| s.prefix.1)
            .and_then(|s| s.key.as_deref())
    }
}

/// The most room a TSIG record made with `key` takes (BIND reserves as much when it
/// renders a signed message): owner and algorithm names, 10 bytes of record header, 16 of
/// fixed RDATA fields, and the full digest.
pub fn record_room(key: &TsigKey) -> usize {
    let algorithm = match key.algorithm() {
        // hmac-md5.sig-alg.reg.int.
        KeyAlgorithm::HmacMd5 => 26,
        other => other.name().len() + 2,
    };
    key.name().as_wire().len() + algorithm + 26 + usize::from(key.algorithm().bits() / 8)
}

/// A ring of `keys`, the first of a name winning; a key that cannot be used (the
/// configuration checks refuse those) is left out with an error.
fn ring_of<'a>(keys: impl Iterator<Item = &'a Key>) -> KeyRing {
    let mut ring = KeyRing::default();
    for key in keys {
        match TsigKey::from_config(key) {
            Ok(k) => {
                ring.insert(k);
            }
            Err(e) => error!(General, "key '{}': {e}", key.name),
        }
    }
    ring
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Config {
        conf::load_str(
            &conf::MemFs::new(),
            "named.conf",
            text,
            &conf::ParseOptions::default(),
        )
        .expect("config")
        .config
    }

    const KEYS: &str = r#"
        key "a" { algorithm hmac-sha256; secret "YWFhYWFhYWFhYWFhYWFhYQ=="; };
        key "b" { algorithm hmac-sha1; secret "YmJiYmJiYmJiYmJiYmJiYg=="; };
        server 127.0.0.0/8 { keys { b; }; };
        server 127.0.0.2 { keys { a; }; };
    "#;

    #[test]
    fn room_covers_the_record_signing_adds() {
        let c = config(KEYS);
        let keys = ViewKeys::for_config(&c);
        for name in ["a", "b"] {
            let key = keys[0].by_name(name).expect("key");
            let mut msg =
                crate::xfr::message::RequestBuilder::new(1, crate::wire::Opcode::QUERY).finish();
            let before = msg.len();
            crate::tsig::sign_request(&mut msg, &key, 1_700_000_000).expect("signs");
            assert_eq!(msg.len() - before, record_room(&key));
        }
    }

    #[test]
    fn remote_key_comes_from_the_entry_then_the_server_statement() {
        let c = config(KEYS);
        let keys = ViewKeys::for_config(&c);
        let view = &keys[0];
        let remote = |addr: &str, key: Option<&str>| RemoteServer {
            addr: addr.parse().expect("addr"),
            key: key.map(str::to_owned),
            tls: None,
        };
        let name = |k: Option<Arc<TsigKey>>| k.map(|k| k.name().to_string());
        assert_eq!(
            name(
                view.for_remote(&remote("127.0.0.1:53", Some("A.")))
                    .expect("known")
            ),
            Some("a.".to_owned())
        );
        assert_eq!(
            name(
                view.for_remote(&remote("127.0.0.1:53", None))
                    .expect("known")
            ),
            Some("b.".to_owned())
        );
        assert_eq!(
            name(
                view.for_remote(&remote("127.0.0.2:53", None))
                    .expect("known")
            ),
            Some("a.".to_owned())
        );
        assert_eq!(
            name(
                view.for_remote(&remote("192.0.2.1:53", None))
                    .expect("known")
            ),
            None
        );
        assert!(matches!(
            view.for_remote(&remote("192.0.2.1:53", Some("nope"))),
            Err(UnknownKey(n)) if n == "nope"
        ));
    }
}
