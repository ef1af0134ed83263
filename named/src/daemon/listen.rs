//! Which addresses and ports to answer on: `listen-on` and `listen-on-v6` matched against
//! the interface addresses, as BIND does.
//!
//! BIND binds each interface address the lists allow (never the wildcard address), so
//! answers leave from the address the query came to; `{ any; }` means every address of
//! every interface that is up. `-p` replaces the port wherever a `listen-on` names none,
//! and an explicit `listen-on port N` keeps N, as with named.

use std::net::{IpAddr, SocketAddr, SocketAddrV6};

use conf::ast::Node;
use conf::model::{Listener, MatchContext};

use super::args::Families;
use super::interfaces::{InterfaceAddr, local_prefixes};

/// An address and port answered on over UDP and TCP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Where to bind.
    pub addr: SocketAddr,
    /// The interface the address belongs to.
    pub interface: String,
}

/// Where to listen, and what was left out and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The endpoints, in configuration order, each once.
    pub endpoints: Vec<Endpoint>,
    /// Listeners not served, with the reason, to be logged.
    pub skipped: Vec<String>,
}

/// Computes the endpoints for a loaded configuration.
pub fn plan(
    loaded: &conf::Loaded,
    interfaces: &[InterfaceAddr],
    families: Families,
    port_override: Option<u16>,
) -> Plan {
    let options = &loaded.config.options;
    let mut plan = Plan::default();
    let (hosts, nets) = local_prefixes(interfaces);
    let lists = [
        (families.v4(), &options.listen_on, "listen-on", false),
        (families.v6(), &options.listen_on_v6, "listen-on-v6", true),
    ];
    for (wanted, listeners, statement, v6) in lists {
        if !wanted {
            continue;
        }
        let explicit = explicit_ports(loaded, statement);
        for (index, listener) in listeners.iter().enumerate() {
            if let Some(why) = unsupported(listener) {
                plan.skipped
                    .push(format!("{statement} port {}: {why}", listener.port));
                continue;
            }
            let port = match port_override {
                Some(port) if !explicit.get(index).copied().unwrap_or(false) => port,
                _ => listener.port,
            };
            for interface in interfaces.iter().filter(|i| i.addr.is_ipv6() == v6) {
                let ctx = MatchContext {
                    addr: interface.addr,
                    key: None,
                    localhost: &hosts,
                    localnets: &nets,
                };
                if !listener.addresses.allows(&ctx) {
                    continue;
                }
                let addr = match interface.addr {
                    IpAddr::V4(ip) => SocketAddr::new(IpAddr::V4(ip), port),
                    IpAddr::V6(ip) => {
                        SocketAddr::V6(SocketAddrV6::new(ip, port, 0, interface.scope_id))
                    }
                };
                if !plan.endpoints.iter().any(|e| e.addr == addr) {
                    plan.endpoints.push(Endpoint {
                        addr,
                        interface: interface.name.clone(),
                    });
                }
            }
        }
    }
    plan
}

/// Why a listener is not served, if it is not.
fn unsupported(listener: &Listener) -> Option<&'static str> {
    if listener.http.is_some() {
        Some("DNS over HTTPS is not supported; not listening")
    } else if listener.tls.is_some() {
        Some("DNS over TLS is not supported yet; not listening")
    } else {
        None
    }
}

/// For each entry of `statement` in `options`, whether it names a port. The model resolves
/// the port already; `-p` needs to know whether it was written.
fn explicit_ports(loaded: &conf::Loaded, statement: &str) -> Vec<bool> {
    let Some(entry) = loaded
        .document
        .root
        .get("options")
        .and_then(Node::as_map)
        .and_then(|m| m.entry(statement))
    else {
        return Vec::new();
    };
    entry
        .values
        .iter()
        .map(|v| {
            v.field("tuple")
                .and_then(|t| t.field("port"))
                .and_then(Node::as_u32)
                .is_some()
        })
        .collect()
}

/// `127.0.0.1#53`, `::1#53`: BIND's way of writing an address and port.
pub fn display(addr: &SocketAddr) -> String {
    format!("{}#{}", addr.ip(), addr.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> conf::Loaded {
        conf::load_text(text).expect("configuration loads")
    }

    fn iface(name: &str, addr: &str, prefix: u8) -> InterfaceAddr {
        InterfaceAddr {
            name: name.into(),
            addr: addr.parse().expect("address"),
            prefix,
            scope_id: 0,
        }
    }

    fn machine() -> Vec<InterfaceAddr> {
        vec![
            iface("lo", "127.0.0.1", 8),
            iface("eth0", "192.0.2.7", 24),
            iface("lo", "::1", 128),
            iface("eth0", "2001:db8::7", 64),
        ]
    }

    fn addrs(plan: &Plan) -> Vec<String> {
        plan.endpoints.iter().map(|e| display(&e.addr)).collect()
    }

    #[test]
    fn any_means_every_interface_address() {
        let loaded = load("options { };");
        let plan = plan(&loaded, &machine(), Families::Both, None);
        assert_eq!(
            addrs(&plan),
            ["127.0.0.1#53", "192.0.2.7#53", "::1#53", "2001:db8::7#53"]
        );
        assert_eq!(plan.endpoints[1].interface, "eth0");
    }

    #[test]
    fn a_list_selects_addresses_and_families_filter() {
        let loaded = load("options { listen-on { 127.0.0.1; }; listen-on-v6 { none; }; };");
        assert_eq!(
            addrs(&plan(&loaded, &machine(), Families::Both, None)),
            ["127.0.0.1#53"]
        );
        let loaded = load("options { listen-on { localnets; }; };");
        assert_eq!(
            addrs(&plan(&loaded, &machine(), Families::V6, None)),
            ["::1#53", "2001:db8::7#53"]
        );
        assert_eq!(
            addrs(&plan(&loaded, &machine(), Families::V4, None)),
            ["127.0.0.1#53", "192.0.2.7#53"]
        );
    }

    #[test]
    fn dash_p_replaces_only_ports_not_written() {
        let loaded = load(
            "options { port 5353; listen-on { 127.0.0.1; }; listen-on port 8053 { 192.0.2.7; };
             listen-on-v6 { none; }; };",
        );
        assert_eq!(
            addrs(&plan(&loaded, &machine(), Families::Both, None)),
            ["127.0.0.1#5353", "192.0.2.7#8053"]
        );
        assert_eq!(
            addrs(&plan(&loaded, &machine(), Families::Both, Some(15300))),
            ["127.0.0.1#15300", "192.0.2.7#8053"]
        );
    }

    #[test]
    fn duplicates_are_listened_on_once() {
        let loaded = load(
            "options { listen-on { 127.0.0.1; }; listen-on { any; }; listen-on-v6 { none; }; };",
        );
        assert_eq!(
            addrs(&plan(&loaded, &machine(), Families::Both, None)),
            ["127.0.0.1#53", "192.0.2.7#53"]
        );
    }

    #[test]
    fn tls_listeners_are_reported_not_served() {
        let loaded = load(
            "options { listen-on port 853 tls ephemeral { 127.0.0.1; }; listen-on-v6 { none; }; };",
        );
        let plan = plan(&loaded, &machine(), Families::Both, None);
        assert!(plan.endpoints.is_empty());
        assert_eq!(plan.skipped.len(), 1);
        assert!(
            plan.skipped[0].contains("DNS over TLS"),
            "{:?}",
            plan.skipped
        );
    }
}
