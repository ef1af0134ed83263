//! Which queries a view forwards, to whom, and who may use the cache: `recursion`,
//! `allow-recursion`, `allow-query-cache`, `forwarders`, `forward` and the
//! `type forward` zones, as the engine consults them per query.

use std::net::SocketAddr;
use std::sync::Arc;

use conf::model::{AddressMatchList, ForwardMode, View, ZoneKind};

use super::cache::Cache;

/// Where the queries below a name go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// The forwarders, tried in order; empty: forwarding is off below this name.
    pub servers: Arc<[SocketAddr]>,
    /// `forward first` or `only`. Both end at the forwarders here: iterative
    /// resolution is not offered, so `first` has nothing to fall back on.
    pub mode: ForwardMode,
}

/// A view's forwarding settings and its cache.
#[derive(Debug)]
pub struct ViewForwarding {
    /// The view's cache.
    pub cache: Arc<Cache>,
    /// `allow-recursion`, with BIND's inheritance applied by the configuration model.
    pub allow_recursion: AddressMatchList,
    /// `allow-recursion-on`.
    pub allow_recursion_on: AddressMatchList,
    /// `allow-query-cache`.
    pub allow_query_cache: AddressMatchList,
    /// `allow-query-cache-on`.
    pub allow_query_cache_on: AddressMatchList,
    /// The view's (or the options') forwarders.
    pub global: Route,
    /// `type forward` zones: lower-cased wire origin and route, deepest origin first.
    pub zones: Vec<(Box<[u8]>, Route)>,
    /// `max-cache-ttl`, seconds.
    pub max_cache_ttl: u32,
    /// `max-ncache-ttl`, seconds.
    pub max_ncache_ttl: u32,
    /// `servfail-ttl`, seconds.
    pub servfail_ttl: u32,
}

impl ViewForwarding {
    /// The settings of `view` with `cache`; `None` when the view offers no recursion:
    /// `recursion no`, or no forwarder anywhere (iterative resolution from the root
    /// hints is not offered, so there is nothing to recurse with).
    pub fn for_view(view: &View, cache: Arc<Cache>) -> Option<Self> {
        let options = &view.options;
        if !options.recursion {
            return None;
        }
        let global = Route {
            servers: options.forwarders.as_slice().into(),
            mode: options.forward,
        };
        let mut zones: Vec<(Box<[u8]>, Route)> = view
            .zones
            .iter()
            .filter(|z| z.kind == ZoneKind::Forward)
            .map(|z| {
                (
                    z.name.to_lowercase().as_wire().into(),
                    Route {
                        servers: z.forwarders.as_slice().into(),
                        mode: z.forward,
                    },
                )
            })
            .collect();
        if global.servers.is_empty() && zones.iter().all(|(_, r)| r.servers.is_empty()) {
            return None;
        }
        zones.sort_by_key(|z| std::cmp::Reverse(z.0.len()));
        Some(Self {
            cache,
            allow_recursion: options.allow_recursion.clone(),
            allow_recursion_on: options.allow_recursion_on.clone(),
            allow_query_cache: options.allow_query_cache.clone(),
            allow_query_cache_on: options.allow_query_cache_on.clone(),
            global,
            zones,
            max_cache_ttl: options.max_cache_ttl,
            max_ncache_ttl: options.max_ncache_ttl,
            servfail_ttl: options.servfail_ttl,
        })
    }

    /// The route for `lower_name` (lower-cased wire form): the deepest forward zone at
    /// or above it, else the view's forwarders.
    pub fn route(&self, lower_name: &[u8]) -> &Route {
        self.zones
            .iter()
            .find(|(origin, _)| is_at_or_below(lower_name, origin))
            .map_or(&self.global, |(_, route)| route)
    }
}

/// Whether `name` equals `top` or lies below it (lower-cased wire names).
pub(crate) fn is_at_or_below(name: &[u8], top: &[u8]) -> bool {
    if !name.ends_with(top) {
        return false;
    }
    let start = name.len() - top.len();
    let mut pos = 0;
    while pos < start {
        match name.get(pos) {
            Some(&len) if len != 0 => pos += 1 + usize::from(len),
            _ => return false,
        }
    }
    pos == start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(text: &str) -> View {
        conf::load_text(text).expect("loads").config.views.remove(0)
    }

    fn cache() -> Arc<Cache> {
        Arc::new(Cache::new(1 << 20))
    }

    #[test]
    fn the_deepest_forward_zone_wins() {
        let v = view(
            "options { forwarders { 127.0.0.1 port 5300; }; };
             zone \"test\" { type forward; forward only; forwarders { 127.0.0.2; }; };
             zone \"sub.test\" { type forward; forwarders { }; };",
        );
        let f = ViewForwarding::for_view(&v, cache()).expect("forwarding");
        let addr = |s: &str| s.parse::<SocketAddr>().expect("address");
        assert_eq!(
            &*f.route(b"\x03www\x04test\x00").servers,
            &[addr("127.0.0.2:53")]
        );
        assert_eq!(f.route(b"\x03www\x04test\x00").mode, ForwardMode::Only);
        assert!(f.route(b"\x01a\x03sub\x04test\x00").servers.is_empty());
        assert_eq!(
            &*f.route(b"\x03www\x05other\x00").servers,
            &[addr("127.0.0.1:5300")]
        );
        assert_eq!(
            &*f.route(b"\x05xtest\x00").servers,
            &[addr("127.0.0.1:5300")]
        );
    }

    #[test]
    fn no_forwarders_or_no_recursion_offers_nothing() {
        assert!(ViewForwarding::for_view(&view("options { };"), cache()).is_none());
        assert!(
            ViewForwarding::for_view(
                &view("options { recursion no; forwarders { 127.0.0.1; }; };"),
                cache()
            )
            .is_none()
        );
    }
}
