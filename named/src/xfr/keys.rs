//! The TSIG keys of each view, and which key signs what is sent to a remote server.
//!
//! A view knows its own `key` statements and the top-level ones; when both define a name,
//! the view's wins, as in BIND. Requests to a primary and NOTIFY to a secondary are signed
//! with the key of the `primaries`/`also-notify` entry, else with the key of the
//! `server` statement for that address (the most specific prefix), else not at all.
//! The same statement says whether that server, as a secondary, is sent increments
//! (`provide-ixfr`, else the view's setting).

use std::net::{IpAddr, SocketAddr};
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
    /// The view's `provide-ixfr`.
    provide_ixfr: bool,
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
                provide_ixfr: view.options.provide_ixfr,
            })
            .collect()
    }

    /// Whether the secondary at `addr` is answered IXFR with increments: the most
    /// specific `server` statement's `provide-ixfr`, else the view's (as in BIND, a
    /// less specific statement does not stand in for one that leaves it out).
    pub fn provides_ixfr(&self, addr: IpAddr) -> bool {
        self.server(addr)
            .and_then(|s| s.provide_ixfr)
            .unwrap_or(self.provide_ixfr)
    }

    /// How many transfers may come from the primary at `addr` at once, when the most
    /// specific `server` statement for it says (`transfers`).
    pub fn transfers_from(&self, addr: IpAddr) -> Option<u32> {
        self.server(addr).and_then(|s| s.transfers)
    }

    /// The most specific `server` statement for `addr`.
    fn server(&self, addr: IpAddr) -> Option<&ServerPeer> {
        let addr = super::table::canonical_ip(addr);
        self.servers
            .iter()
            .filter(|s| in_prefix(addr, s.prefix.0, s.prefix.1))
            .max_by_key(|s| s.prefix.1)
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
        self.server(addr.ip()).and_then(|s| s.key.as_deref())
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
        conf::load_text(text).expect("config").config
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
    fn provide_ixfr_comes_from_the_most_specific_server_statement_then_the_view() {
        let keys = ViewKeys::for_config(&config(
            "options { provide-ixfr no; };\n\
             server 127.0.0.0/8 { provide-ixfr yes; };\n\
             server 127.0.0.2 { transfers 3; };\n\
             server 127.0.0.3 { provide-ixfr yes; };",
        ));
        let ip = |text: &str| text.parse::<IpAddr>().expect("address");
        let view = &keys[0];
        assert!(view.provides_ixfr(ip("127.0.0.1")));
        assert!(view.provides_ixfr(ip("::ffff:127.0.0.1")));
        // The /32 statement says nothing: the view's `no`, not the /8's `yes`.
        assert!(!view.provides_ixfr(ip("127.0.0.2")));
        assert!(view.provides_ixfr(ip("127.0.0.3")));
        assert!(!view.provides_ixfr(ip("192.0.2.1")));
        let default = ViewKeys::for_config(&config("options { };"));
        assert!(default[0].provides_ixfr(ip("192.0.2.1")));
        assert_eq!(view.transfers_from(ip("127.0.0.2")), Some(3));
        assert_eq!(view.transfers_from(ip("127.0.0.1")), None);
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
