//! The machine's interface addresses: what `listen-on` lists are matched against, and what
//! `localhost` and `localnets` mean.

use std::net::IpAddr;

use nix::net::if_::InterfaceFlags;

/// One address of an interface that is up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceAddr {
    /// The interface's name (`lo`, `eth0`).
    pub name: String,
    /// The address.
    pub addr: IpAddr,
    /// The network's prefix length.
    pub prefix: u8,
    /// The IPv6 scope (interface index) for link-local addresses; 0 otherwise.
    pub scope_id: u32,
}

/// The addresses of every interface that is up, IPv4 and IPv6, in the system's order.
pub fn scan() -> std::io::Result<Vec<InterfaceAddr>> {
    let mut out = Vec::new();
    for ifa in nix::ifaddrs::getifaddrs().map_err(std::io::Error::from)? {
        if !ifa.flags.contains(InterfaceFlags::IFF_UP) {
            continue;
        }
        let Some(address) = ifa.address else {
            continue;
        };
        if let Some(v4) = address.as_sockaddr_in() {
            let prefix = ifa
                .netmask
                .as_ref()
                .and_then(|m| m.as_sockaddr_in())
                .map_or(32, |m| u32::from(m.ip()).count_ones() as u8);
            out.push(InterfaceAddr {
                name: ifa.interface_name,
                addr: IpAddr::V4(v4.ip()),
                prefix,
                scope_id: 0,
            });
        } else if let Some(v6) = address.as_sockaddr_in6() {
            let prefix = ifa
                .netmask
                .as_ref()
                .and_then(|m| m.as_sockaddr_in6())
                .map_or(128, |m| u128::from(m.ip()).count_ones() as u8);
            out.push(InterfaceAddr {
                name: ifa.interface_name,
                addr: IpAddr::V6(v6.ip()),
                prefix,
                scope_id: v6.scope_id(),
            });
        }
    }
    Ok(out)
}

/// Address prefixes, as address match lists take them.
pub type Prefixes = Vec<(IpAddr, u8)>;

/// `localhost` (each address as a host prefix) and `localnets` (each address's network).
pub fn local_prefixes(interfaces: &[InterfaceAddr]) -> (Prefixes, Prefixes) {
    let hosts = interfaces
        .iter()
        .map(|i| (i.addr, if i.addr.is_ipv4() { 32 } else { 128 }))
        .collect();
    let nets = interfaces.iter().map(|i| (i.addr, i.prefix)).collect();
    (hosts, nets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_found() {
        let found = scan().expect("getifaddrs works");
        let lo = found
            .iter()
            .find(|i| i.addr == IpAddr::from([127, 0, 0, 1]))
            .expect("127.0.0.1 is up");
        assert_eq!(lo.prefix, 8);
        let (hosts, nets) = local_prefixes(&found);
        assert!(hosts.contains(&(lo.addr, 32)));
        assert!(nets.contains(&(lo.addr, 8)));
    }
}
