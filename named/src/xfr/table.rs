//! What replication needs to know of every configured zone, as one immutable snapshot that
//! is swapped whole whenever the served zones change (a reload, a transfer, an expiry).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use conf::model::{Config, MatchContext, ZoneKind};
use zones::zone::Zone;
use zones::{Class, Name};

use super::keys::ViewKeys;

/// Which zone: its view, name (lower case) and class.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ZoneKey {
    /// The view's name.
    pub view: String,
    /// The origin, lower case.
    pub name: Name,
    /// The class.
    pub class: Class,
}

impl ZoneKey {
    /// The key of `name` in `view`.
    pub fn new(view: &str, name: &Name, class: Class) -> Self {
        Self {
            view: view.to_owned(),
            name: name.to_lowercase(),
            class,
        }
    }
}

/// One configured zone.
#[derive(Debug, Clone)]
pub struct ZoneInfo {
    /// Its key.
    pub key: ZoneKey,
    /// The index of its view in `config.views`.
    pub view: usize,
    /// `example.com/IN` (with `/VIEW` outside the default view), as log lines name it.
    pub label: String,
    /// The settings.
    pub conf: Arc<conf::model::Zone>,
    /// The data served now; `None` before the first load or transfer and after expiry.
    pub zone: Option<Arc<Zone>>,
}

impl ZoneInfo {
    /// Whether the zone is transferred in.
    pub fn is_secondary(&self) -> bool {
        matches!(self.conf.kind, ZoneKind::Secondary | ZoneKind::Mirror)
    }
}

/// Every configured primary, secondary and mirror zone, by view and name.
#[derive(Debug, Default)]
pub struct ZoneTable {
    by_name: HashMap<(usize, Box<[u8]>), ZoneInfo>,
    /// The server's own addresses (`localhost` ACLs).
    pub localhost: Vec<(IpAddr, u8)>,
    /// The server's networks (`localnets` ACLs).
    pub localnets: Vec<(IpAddr, u8)>,
    /// The TSIG keys of each view, by view index.
    pub keys: Vec<ViewKeys>,
}

impl ZoneTable {
    /// The table for `config`, with the data `data` gives for each zone.
    pub fn build(
        config: &Config,
        localhost: Vec<(IpAddr, u8)>,
        localnets: Vec<(IpAddr, u8)>,
        mut data: impl FnMut(&ZoneKey) -> Option<Arc<Zone>>,
    ) -> Self {
        let mut by_name = HashMap::new();
        for (index, view) in config.views.iter().enumerate() {
            for zone in &view.zones {
                if !matches!(
                    zone.kind,
                    ZoneKind::Primary | ZoneKind::Secondary | ZoneKind::Mirror
                ) {
                    continue;
                }
                let key = ZoneKey::new(&view.name, &zone.name, zone.class);
                let mut label =
                    format!("{}/{}", zones::master::message_name(&zone.name), zone.class);
                if !view.implicit && view.name != "_default" {
                    label.push('/');
                    label.push_str(&view.name);
                }
                let info = ZoneInfo {
                    zone: data(&key),
                    key,
                    view: index,
                    label,
                    conf: Arc::new(zone.clone()),
                };
                by_name.insert((index, zone.name.to_lowercase().as_wire().into()), info);
            }
        }
        Self {
            by_name,
            localhost,
            localnets,
            keys: ViewKeys::for_config(config),
        }
    }

    /// The zone named `name` (wire form, any case) in view `view`.
    pub fn get(&self, view: usize, name: &[u8]) -> Option<&ZoneInfo> {
        let lower: Box<[u8]> = name.to_ascii_lowercase().into();
        self.by_name.get(&(view, lower))
    }

    /// The zone with this key.
    pub fn by_key(&self, key: &ZoneKey) -> Option<&ZoneInfo> {
        self.by_name.values().find(|info| info.key == *key)
    }

    /// Every zone.
    pub fn iter(&self) -> impl Iterator<Item = &ZoneInfo> {
        self.by_name.values()
    }

    /// Whether `list` allows `addr`, whose request was signed with the key named `key`.
    pub fn allows(
        &self,
        list: &conf::model::AddressMatchList,
        addr: IpAddr,
        key: Option<&str>,
    ) -> bool {
        list.allows(&MatchContext {
            addr,
            key,
            localhost: &self.localhost,
            localnets: &self.localnets,
        })
    }

    /// The keys of view `view`.
    pub fn view_keys(&self, view: usize) -> Option<&ViewKeys> {
        self.keys.get(view)
    }

    /// Whether `from` may send NOTIFY for `zone`, signed with the key named `key`: one of
    /// its primaries (any port) or in `allow-notify` (bind-behaviour §7).
    pub fn notify_allowed(&self, zone: &ZoneInfo, from: SocketAddr, key: Option<&str>) -> bool {
        let ip = canonical_ip(from.ip());
        zone.conf
            .primaries
            .iter()
            .any(|p| canonical_ip(p.addr.ip()) == ip)
            || self.allows(&zone.conf.allow_notify, ip, key)
    }
}

/// IPv4-mapped IPv6 addresses as IPv4, so that both spellings of a primary match.
pub fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}
