//! The host facts the engine needs beyond the configuration: the host name, the
//! addresses behind the `localhost` and `localnets` ACLs, and a cookie secret.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::wire::cookie::Secret;

/// The host facts the engine needs beyond the configuration.
#[derive(Clone, Debug)]
pub struct Environment {
    /// The host name, for `hostname.bind` and `server-id hostname`.
    pub hostname: String,
    /// The server's own addresses, for the `localhost` ACL.
    pub localhost: Vec<(IpAddr, u8)>,
    /// The networks of its interfaces, for the `localnets` ACL.
    pub localnets: Vec<(IpAddr, u8)>,
    /// The server-cookie secret to use when the configuration has no `cookie-secret`.
    /// Keep it across reloads so that clients' cookies stay good.
    pub cookie_secret: Secret,
}

impl Environment {
    /// The host's name (from the kernel), the loopback addresses for `localhost` and
    /// `localnets`, and a random cookie secret.
    pub fn from_system() -> Self {
        let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".to_string());
        let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
        Self {
            hostname,
            localhost: vec![(v4, 32), (v6, 128)],
            localnets: vec![(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 0)), 8), (v6, 128)],
            cookie_secret: random_secret(),
        }
    }
}

/// A secret from the kernel's random source, or failing that from the process's
/// randomly keyed hasher.
fn random_secret() -> Secret {
    use std::io::Read;
    let mut secret = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut secret));
    if read.is_err() {
        use std::hash::{BuildHasher, Hasher};
        for half in secret.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
            );
            half.copy_from_slice(&h.finish().to_be_bytes());
        }
    }
    secret
}
