//! Address match lists, compiled: named ACLs expanded in place, ready to match a client.
//!
//! Matching follows BIND: the first element that matches decides, a `!` element that matches
//! denies, and a nested list matches only when something in it matches positively (a negative
//! match inside a nested list is no match at all, so double negation never allows).

use std::net::IpAddr;

/// A compiled address match list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddressMatchList {
    /// The elements, in order.
    pub elements: Vec<AmlElement>,
}

/// One element of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmlElement {
    /// Written with `!`.
    pub negated: bool,
    /// What it matches.
    pub kind: AmlKind,
}

/// What an element matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmlKind {
    /// Every client.
    Any,
    /// No client.
    None,
    /// The server's own addresses.
    Localhost,
    /// The networks the server's interfaces are on.
    Localnets,
    /// Addresses in a prefix.
    Prefix(IpAddr, u8),
    /// Requests signed with this TSIG key (name as written).
    Key(String),
    /// A nested list (also what a named ACL reference becomes).
    Nested(AddressMatchList),
}

/// What a client presents to a list.
#[derive(Debug, Clone, Copy)]
pub struct MatchContext<'a> {
    /// The client's address.
    pub addr: IpAddr,
    /// The name of the TSIG key that signed the request, if any.
    pub key: Option<&'a str>,
    /// The server's own addresses (`localhost`).
    pub localhost: &'a [(IpAddr, u8)],
    /// The server's networks (`localnets`).
    pub localnets: &'a [(IpAddr, u8)],
}

/// Whether `addr` is inside `prefix/len`; IPv4-mapped IPv6 addresses match IPv4 prefixes.
pub fn in_prefix(addr: IpAddr, prefix: IpAddr, len: u8) -> bool {
    let addr = match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    };
    match (addr, prefix) {
        (IpAddr::V4(a), IpAddr::V4(p)) => {
            let len = u32::from(len.min(32));
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            u32::from(a) & mask == u32::from(p) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(p)) => {
            let len = u32::from(len.min(128));
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            u128::from(a) & mask == u128::from(p) & mask
        }
        _ => false,
    }
}

impl AddressMatchList {
    /// `{ any; }`.
    pub fn any() -> Self {
        Self {
            elements: vec![AmlElement {
                negated: false,
                kind: AmlKind::Any,
            }],
        }
    }

    /// `{ none; }`.
    pub fn none() -> Self {
        Self {
            elements: vec![AmlElement {
                negated: false,
                kind: AmlKind::None,
            }],
        }
    }

    /// The decision of the first matching element: `Some(true)` allows, `Some(false)` denies,
    /// `None` when nothing matched (which callers treat as a denial).
    pub fn decide(&self, ctx: &MatchContext<'_>) -> Option<bool> {
        self.elements
            .iter()
            .find_map(|e| e.matches(ctx).then_some(!e.negated))
    }

    /// Whether the client is allowed.
    #[inline]
    pub fn allows(&self, ctx: &MatchContext<'_>) -> bool {
        self.is_any() || self.decide(ctx) == Some(true)
    }

    /// Whether the list is exactly `{ any; }`, as almost every list on the query path is.
    #[inline]
    pub fn is_any(&self) -> bool {
        matches!(
            self.elements.as_slice(),
            [AmlElement {
                negated: false,
                kind: AmlKind::Any,
            }]
        )
    }

    /// Whether the list can match nothing but is written as `{ none; }` (or is empty).
    pub fn is_none(&self) -> bool {
        self.elements
            .iter()
            .all(|e| !e.negated && e.kind == AmlKind::None)
    }

    /// The key names the list mentions, nested lists included.
    pub fn key_names(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for e in &self.elements {
            match &e.kind {
                AmlKind::Key(k) => out.push(k.as_str()),
                AmlKind::Nested(inner) => out.extend(inner.key_names()),
                _ => {}
            }
        }
        out
    }

    /// The plain addresses (host prefixes) the list allows, nested lists included: what
    /// `allow-notify` adds to a zone's primaries, or a listener binds to.
    pub fn addresses(&self) -> Vec<(IpAddr, u8)> {
        let mut out = Vec::new();
        for e in &self.elements {
            if e.negated {
                continue;
            }
            match &e.kind {
                AmlKind::Prefix(ip, len) => out.push((*ip, *len)),
                AmlKind::Nested(inner) => out.extend(inner.addresses()),
                _ => {}
            }
        }
        out
    }
}

impl AmlElement {
    /// Whether the element matches (before its `!` is applied).
    fn matches(&self, ctx: &MatchContext<'_>) -> bool {
        match &self.kind {
            AmlKind::Any => true,
            AmlKind::None => false,
            AmlKind::Localhost => ctx
                .localhost
                .iter()
                .any(|&(p, l)| in_prefix(ctx.addr, p, l)),
            AmlKind::Localnets => ctx
                .localnets
                .iter()
                .any(|&(p, l)| in_prefix(ctx.addr, p, l)),
            AmlKind::Prefix(p, l) => in_prefix(ctx.addr, *p, *l),
            AmlKind::Key(name) => ctx.key.is_some_and(|k| same_key_name(k, name)),
            AmlKind::Nested(inner) => inner.decide(ctx) == Some(true),
        }
    }
}

/// Key names compare as domain names: case-insensitive, trailing dot optional.
pub fn same_key_name(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(s: &str, len: u8) -> AmlElement {
        AmlElement {
            negated: false,
            kind: AmlKind::Prefix(s.parse().expect("ip"), len),
        }
    }

    fn ctx(addr: &str) -> MatchContext<'static> {
        MatchContext {
            addr: addr.parse().expect("ip"),
            key: None,
            localhost: &[],
            localnets: &[],
        }
    }

    #[test]
    fn first_match_wins() {
        let mut neg = prefix("10.0.0.1", 32);
        neg.negated = true;
        let list = AddressMatchList {
            elements: vec![neg, prefix("10.0.0.0", 8)],
        };
        assert!(!list.allows(&ctx("10.0.0.1")));
        assert!(list.allows(&ctx("10.0.0.2")));
        assert!(!list.allows(&ctx("192.0.2.1")));
        assert!(list.allows(&ctx("::ffff:10.1.2.3")));
    }

    #[test]
    fn negation_inside_nested_list_is_no_match() {
        let mut neg = prefix("10.0.0.1", 32);
        neg.negated = true;
        let inner = AddressMatchList {
            elements: vec![neg],
        };
        let list = AddressMatchList {
            elements: vec![
                AmlElement {
                    negated: true,
                    kind: AmlKind::Nested(inner),
                },
                AmlElement {
                    negated: false,
                    kind: AmlKind::Any,
                },
            ],
        };
        assert!(list.allows(&ctx("10.0.0.1")));
    }

    #[test]
    fn keys_match_by_name() {
        let list = AddressMatchList {
            elements: vec![AmlElement {
                negated: false,
                kind: AmlKind::Key("xfer".into()),
            }],
        };
        let mut c = ctx("192.0.2.1");
        assert!(!list.allows(&c));
        c.key = Some("XFER.");
        assert!(list.allows(&c));
    }
}
