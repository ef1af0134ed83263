//! The record checks BIND makes while it reads a master file, and how strict to be.
//!
//! These are the checks that name a line: host-name syntax of owners and targets
//! (`check-names`, `-k`), NS and MX targets written as addresses (`-n`, `-m`), wildcards
//! inside names (`-W`) and `max-zone-ttl` (`-l`). Checks over the whole zone (glue, CNAME
//! and other data, ...) belong to the zone builder.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::name::Name;
use crate::types::{Class, RType};

/// What to do when a check finds a problem: the zone builder's modes, shared so that one
/// flag can drive both.
pub use crate::zone::Mode as CheckMode;

/// The checks made while reading, and the limits that keep hostile input in bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checks {
    /// Host-name syntax of owners and of names in RDATA (`check-names`, `-k`).
    pub names: CheckMode,
    /// NS targets that look like IP addresses (`-n`).
    pub ns_address: CheckMode,
    /// MX exchanges that look like IP addresses (`-m`).
    pub mx_address: CheckMode,
    /// Warn about `*` labels that are not leftmost (`-W warn`).
    pub wildcard: bool,
    /// Reject records whose TTL exceeds this (`max-zone-ttl`, `-l`).
    pub max_ttl: Option<u32>,
    /// Most records one `$GENERATE` may make.
    pub max_generate: u64,
    /// How deeply `$INCLUDE` may nest.
    pub max_include_depth: usize,
}

impl Default for Checks {
    /// named-checkzone's defaults: every check on, as warnings.
    fn default() -> Self {
        Self {
            names: CheckMode::Warn,
            ns_address: CheckMode::Warn,
            mx_address: CheckMode::Warn,
            wildcard: true,
            max_ttl: None,
            max_generate: 1 << 24,
            max_include_depth: 32,
        }
    }
}

/// Which bytes may stand inside a host-name label: letters, digits and the hyphen.
const MIDDLE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'-';
        b += 1;
    }
    table
};

/// A letter or digit: allowed anywhere in a host-name label.
fn border(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// A letter, digit or hyphen: allowed inside a host-name label.
fn middle(b: u8) -> bool {
    MIDDLE[usize::from(b)]
}

/// Whether a label is letters, digits and inner hyphens (RFC 952, RFC 1123 §2.1).
fn host_label(label: &[u8]) -> bool {
    match label {
        [] => true,
        [only] => border(*only),
        [first, inner @ .., last] => {
            border(*first) && border(*last) && inner.iter().all(|&b| middle(b))
        }
    }
}

/// Whether each label is a host-name label; `wildcard` lets the leftmost label be `*`.
fn labels_are_hostname<'a>(mut labels: impl Iterator<Item = &'a [u8]>, wildcard: bool) -> bool {
    let mut first = true;
    labels.all(|label| {
        let skip = first && wildcard && label == b"*";
        first = false;
        skip || host_label(label)
    })
}

/// Whether the wire-form name is a host name (the root is). Walks the wire form directly:
/// this runs for most records of a zone.
pub(crate) fn is_hostname(wire: &[u8], wildcard: bool) -> bool {
    let skip = if wildcard && wire.starts_with(&[1, b'*']) {
        2
    } else {
        0
    };
    wire_labels(&wire[skip..]).all(host_label)
}

/// Whether the wire-form name can be a mailbox: any printable first label, then a host
/// name.
pub(crate) fn is_mailbox(wire: &[u8]) -> bool {
    let mut labels = wire_labels(wire);
    match labels.next() {
        None => true,
        Some(local) => {
            local.iter().all(|&b| b > 0x20 && b < 0x7f) && labels_are_hostname(labels, false)
        }
    }
}

/// The labels of a wire-form name, root excluded; a label running past the end stops the
/// walk (the names checked here come from RDATA that has already been validated).
fn wire_labels(wire: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let len = usize::from(*wire.get(at)?);
        let label = wire.get(at + 1..at + 1 + len).filter(|_| len > 0)?;
        at += 1 + len;
        Some(label)
    })
}

/// Remembers whether the last owner asked about is a host name (a leading `*` allowed):
/// most records share their owner with the record before.
#[derive(Debug, Default)]
pub(crate) struct LastOwner {
    wire: Vec<u8>,
    host: bool,
}

impl LastOwner {
    fn is_hostname(&mut self, owner: &Name) -> bool {
        let wire = owner.as_wire();
        if self.wire != wire {
            self.host = is_hostname(wire, true);
            self.wire.clear();
            self.wire.extend_from_slice(wire);
        }
        self.host
    }
}

/// Whether the owner of a record of `rtype` has acceptable syntax, following BIND's
/// per-type owner rules (host names for addresses and MX, mailboxes for MB and MG,
/// base32hex hashes for NSEC3).
pub(crate) fn owner_ok(owner: &Name, class: Class, rtype: RType, last: &mut LastOwner) -> bool {
    const MB: RType = RType(7);
    const MG: RType = RType(8);
    const WKS: RType = RType(11);
    const A6: RType = RType(38);
    match rtype {
        RType::A if class == Class::IN => last.is_hostname(owner) || address_owner_ok(owner, true),
        RType::AAAA if class == Class::IN => {
            last.is_hostname(owner) || address_owner_ok(owner, false)
        }
        RType::A if class == Class::CH => last.is_hostname(owner),
        WKS | A6 if class == Class::IN => last.is_hostname(owner),
        RType::MX => last.is_hostname(owner),
        MB | MG => is_mailbox(owner.as_wire()),
        RType::NSEC3 => owner.labels().next().is_some_and(is_base32hex_hash),
        _ => true,
    }
}

/// A and AAAA owners that are not host names: Active Directory's `gc._msdcs.<forest>` and
/// (for A) SPF `exists:` targets below an `_spf`, `_spf_verify` or `_spf_rate` label.
fn address_owner_ok(owner: &Name, spf: bool) -> bool {
    let count = owner.label_count();
    if count < 2 {
        return false;
    }
    let mut labels = owner.labels();
    if labels.next().is_some_and(|l| l.eq_ignore_ascii_case(b"gc"))
        && labels
            .next()
            .is_some_and(|l| l.eq_ignore_ascii_case(b"_msdcs"))
        && labels_are_hostname(labels, false)
    {
        return true;
    }
    spf && owner.labels().take(count - 1).any(|l| {
        l.eq_ignore_ascii_case(b"_spf")
            || l.eq_ignore_ascii_case(b"_spf_verify")
            || l.eq_ignore_ascii_case(b"_spf_rate")
    })
}

/// An NSEC3 hashed owner label: base32hex without padding (RFC 5155 §3.3).
fn is_base32hex_hash(label: &[u8]) -> bool {
    !label.is_empty()
        && label.len() <= 248
        && matches!(label.len() % 8, 0 | 2 | 4 | 5 | 7)
        && label
            .iter()
            .all(|b| b.is_ascii_digit() || matches!(b.to_ascii_uppercase(), b'A'..=b'V'))
}

/// What a name inside RDATA must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameRule {
    /// A host name.
    Host,
    /// A mailbox.
    Mailbox,
}

/// The names in `rdata` (wire form) that check-names looks at, with the rule for each.
/// `reverse` says whether the owner is in a reverse tree (PTR targets are checked there).
pub(crate) fn rdata_names(
    rtype: RType,
    class: Class,
    rdata: &[u8],
    reverse: bool,
) -> impl Iterator<Item = (&[u8], NameRule)> {
    const MINFO: RType = RType(14);
    const RP: RType = RType(17);
    let name_at = |at: usize| {
        crate::rdata::name_len(rdata, at)
            .ok()
            .map(|len| &rdata[at..at + len])
    };
    // The name at `at` and, when `then` says so, the one right after it.
    let two = |at: usize, first: NameRule, then: Option<NameRule>| {
        let one = name_at(at);
        let two = then.and_then(|rule| {
            let next = at + one?.len();
            name_at(next).map(|n| (n, rule))
        });
        [one.map(|n| (n, first)), two]
    };
    let found = match rtype {
        RType::NS => two(0, NameRule::Host, None),
        RType::MX | RType::AFSDB | RType::RT => two(2, NameRule::Host, None),
        RType::SRV => two(6, NameRule::Host, None),
        RType::PTR if class == Class::IN && reverse => two(0, NameRule::Host, None),
        RType::SOA => two(0, NameRule::Host, Some(NameRule::Mailbox)),
        RP => two(0, NameRule::Mailbox, None),
        MINFO => two(0, NameRule::Mailbox, Some(NameRule::Mailbox)),
        // AliasMode (priority 0) targets are not host names to check.
        RType::SVCB | RType::HTTPS if rdata.len() > 2 && (rdata[0], rdata[1]) != (0, 0) => {
            two(2, NameRule::Host, None)
        }
        _ => [None, None],
    };
    found.into_iter().flatten()
}

/// Whether the owner lies in a reverse-mapping tree, where PTR targets are host names.
/// DNS-SD's PTR records (`_tcp`/`_udp` service browsing, `b._dns-sd._udp` ...) are exempt.
pub(crate) fn in_reverse_tree(owner: &Name) -> bool {
    let labels: Vec<&[u8]> = owner.labels().collect();
    let ends_with = |suffix: &[&[u8]]| {
        labels.len() >= suffix.len()
            && labels[labels.len() - suffix.len()..]
                .iter()
                .zip(suffix)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
    };
    let reverse = ends_with(&[b"in-addr", b"arpa"])
        || ends_with(&[b"ip6", b"arpa"])
        || ends_with(&[b"ip6", b"int"]);
    reverse && !is_dnssd(&labels)
}

/// DNS-SD browsing names (RFC 6763 §11): `[b|db|r|dr|lb]._dns-sd._udp.<domain>`.
fn is_dnssd(labels: &[&[u8]]) -> bool {
    labels.len() >= 3
        && [&b"b"[..], b"db", b"r", b"dr", b"lb"]
            .iter()
            .any(|l| labels[0].eq_ignore_ascii_case(l))
        && labels[1].eq_ignore_ascii_case(b"_dns-sd")
        && labels[2].eq_ignore_ascii_case(b"_udp")
}

/// Whether a token written as a name server or mail exchanger is really an address
/// (`192.0.2.1`, `192.0.2.1.`, `2001:db8::1`).
pub(crate) fn looks_like_address(token: &str) -> bool {
    let text = token.strip_suffix('.').unwrap_or(token);
    text.parse::<Ipv4Addr>().is_ok() || text.parse::<Ipv6Addr>().is_ok()
}

/// Whether a `*` label stands anywhere but leftmost (RFC 4592 §2.1.1 gives such a name no
/// wildcard meaning, which is seldom what was meant).
pub(crate) fn has_inner_wildcard(name: &Name) -> bool {
    name.labels().skip(1).any(|l| l == b"*")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Name {
        Name::from_text(s, None).expect("valid test name")
    }

    #[test]
    fn host_names() {
        let host = |s: &str, wildcard| is_hostname(n(s).as_wire(), wildcard);
        assert!(host("www.example.com.", false));
        assert!(host("a-b.x1.example.", false));
        assert!(is_hostname(Name::root().as_wire(), false));
        assert!(!host("-a.example.", false));
        assert!(!host("a-.example.", false));
        assert!(!host("under_score.example.", false));
        assert!(!host("*.example.", false));
        assert!(host("*.example.", true));
        assert!(!host("a.*.example.", true));
    }

    #[test]
    fn mailboxes() {
        let mailbox = |s: &str| is_mailbox(n(s).as_wire());
        assert!(mailbox("hostmaster.example.com."));
        assert!(mailbox("first\\.last.example.com."));
        assert!(!mailbox("a\\032b.example.com."));
        assert!(!mailbox("local.under_score."));
        assert!(mailbox("com."));
        assert!(is_mailbox(Name::root().as_wire()));
    }

    #[test]
    fn owner_rules_by_type() {
        let mut last = LastOwner::default();
        let mut ok = |name: &str, rtype| owner_ok(&n(name), Class::IN, rtype, &mut last);
        let bad = "under_score.example.";
        assert!(!ok(bad, RType::A));
        assert!(!ok(bad, RType::AAAA));
        assert!(!ok(bad, RType::MX));
        assert!(ok(bad, RType::TXT));
        assert!(ok(bad, RType::SRV));
        assert!(ok("gc._msdcs.example.", RType::A));
        assert!(ok("gc._msdcs.example.", RType::AAAA));
        assert!(ok("x._spf.example.", RType::A));
        assert!(!ok("x._spf.example.", RType::AAAA));
        assert!(ok("*.example.", RType::A));
        // The remembered owner is the one asked about, whatever came before.
        assert!(ok("www.example.", RType::A));
        assert!(!ok(bad, RType::A));
        assert!(ok(
            "2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S.example.",
            RType::NSEC3
        ));
        assert!(!ok("www.example.", RType::NSEC3));
    }

    #[test]
    fn addresses_as_targets() {
        assert!(looks_like_address("192.0.2.1"));
        assert!(looks_like_address("192.0.2.1."));
        assert!(looks_like_address("2001:db8::1"));
        assert!(!looks_like_address("ns1.example."));
        assert!(!looks_like_address("192.0.2"));
    }

    #[test]
    fn reverse_trees_and_inner_wildcards() {
        assert!(in_reverse_tree(&n("1.2.0.192.in-addr.arpa.")));
        assert!(in_reverse_tree(&n("1.0.ip6.ARPA.")));
        assert!(!in_reverse_tree(&n("b._dns-sd._udp.2.0.192.in-addr.arpa.")));
        assert!(!in_reverse_tree(&n("www.example.")));
        assert!(has_inner_wildcard(&n("a.*.example.")));
        assert!(!has_inner_wildcard(&n("*.a.example.")));
    }

    #[test]
    fn names_inside_rdata() {
        let mut soa = Vec::new();
        soa.extend_from_slice(n("ns.example.").as_wire());
        soa.extend_from_slice(n("h_m.example.").as_wire());
        soa.extend_from_slice(&[0; 20]);
        let names: Vec<_> = rdata_names(RType::SOA, Class::IN, &soa, false).collect();
        assert_eq!(names.len(), 2);
        assert_eq!(names[0], (n("ns.example.").as_wire(), NameRule::Host));
        assert_eq!(names[1], (n("h_m.example.").as_wire(), NameRule::Mailbox));
        let mut mx = vec![0, 10];
        mx.extend_from_slice(n("mail.example.").as_wire());
        assert_eq!(
            rdata_names(RType::MX, Class::IN, &mx, false).collect::<Vec<_>>(),
            vec![(n("mail.example.").as_wire(), NameRule::Host)]
        );
        // Malformed names are not reported (the RDATA was validated when it was parsed).
        assert_eq!(
            rdata_names(RType::MX, Class::IN, &[0, 10, 3, b'a'], false).count(),
            0
        );
        let x = n("x.");
        assert_eq!(
            rdata_names(RType::PTR, Class::IN, x.as_wire(), false).count(),
            0
        );
        assert_eq!(
            rdata_names(RType::PTR, Class::IN, x.as_wire(), true).count(),
            1
        );
    }
}
