//! The checks BIND makes once a zone has loaded: the SOA and NS records at the apex and
//! their targets, then (`-i`, check-integrity) the targets of MX, SRV and delegation NS
//! records, SPF records, and deprecated DNSSEC algorithms. Messages follow BIND 9.18's
//! wording (names without the trailing dot).

use super::build::Report;
use super::wire::display_wire;
use super::{CheckOptions, Mode, Node, RRset, Rejection, Soa, Zone};
use crate::lookup::Lookup;
use crate::types::{Class, RType};

/// SPF (RFC 4408), checked against TXT.
const SPF: RType = RType(99);
/// KEY (RFC 2535), whose algorithms are checked.
const KEY: RType = RType(25);
/// CDS and CDNSKEY (RFC 7344), checked against the DNSKEY RRset.
const CDS: RType = RType(59);
const CDNSKEY: RType = RType(60);
/// The most NSEC3 iterations BIND 9.18 accepts without a warning.
const MAX_NSEC3_ITERATIONS: u16 = 150;

/// Runs the checks of a loaded zone, in BIND's order.
pub(super) fn check_loaded(zone: &Zone, opts: &CheckOptions, report: &mut Report) {
    let apex = zone.apex();
    if zone.class() == Class::IN {
        check_apex_ns(zone, apex, report);
    }
    let soa = apex.rrset(RType::SOA);
    let soas = soa.map_or(0, |r| r.len());
    if soas != 1 {
        report.error(Rejection::BadZone, format!("has {soas} SOA records"));
    } else if let Some(soa) = soa
        && Soa::parse(soa.ttl(), soa.rdatas().next().unwrap_or_default()).is_none()
    {
        report.error(
            Rejection::BadZone,
            format!("{}: malformed SOA record", display_wire(apex.name_wire())),
        );
    }
    if apex.rrset(RType::NS).is_none() {
        report.error(Rejection::BadZone, "has no NS records".to_string());
    }
    if report.rejection.is_some() {
        return;
    }
    check_nsec3param(apex, report);
    if opts.check_integrity {
        check_integrity(zone, opts, report);
    }
    if report.rejection.is_none() {
        check_cds(apex, report);
    }
}

/// The targets of MX, SRV and delegation NS records, SPF, and deprecated DNSSEC
/// algorithms in KEY and DS records (BIND's `integrity_checks`), visible names only.
fn check_integrity(zone: &Zone, opts: &CheckOptions, report: &mut Report) {
    for node in zone
        .nodes()
        .filter(|n| n.has_checked_types() && !n.is_occluded())
    {
        deprecated_algorithms(node, KEY, report);
        if node.is_delegation() {
            if opts.ns_integrity != Mode::Ignore {
                check_delegation(zone, node, opts, report);
            }
            deprecated_algorithms(node, RType::DS, report);
            continue;
        }
        check_targets(zone, node, RType::MX, opts, report);
        if zone.class() == Class::IN {
            check_targets(zone, node, RType::SRV, opts, report);
            if opts.check_spf {
                check_spf(node, report);
            }
        }
    }
}

/// The NSEC3PARAM records at the apex: a hash algorithm BIND supports (SHA-1), and a
/// reasonable iteration count.
fn check_nsec3param(apex: Node<'_>, report: &mut Report) {
    let Some(params) = apex.rrset(RType::NSEC3PARAM) else {
        return;
    };
    let mut supported = false;
    for rdata in params.rdatas() {
        // Hash algorithm, flags, iterations (2), salt.
        let (Some(&hash), Some(iterations)) = (rdata.first(), rdata.get(2..4)) else {
            continue;
        };
        if hash == 1 {
            supported = true;
        } else {
            report.warn(format!("unsupported nsec3 hash algorithm: {hash}"));
        }
        let iterations = u16::from_be_bytes([iterations[0], iterations[1]]);
        if iterations > MAX_NSEC3_ITERATIONS {
            report.warn(format!(
                "excessive NSEC3PARAM iterations {iterations} > {MAX_NSEC3_ITERATIONS}"
            ));
        }
    }
    if !supported {
        report.error(
            Rejection::BadZone,
            "no supported nsec3 hash algorithm".to_string(),
        );
    }
}

/// CDS and CDNSKEY records at the apex must name algorithms of the zone's DNSKEYs, or be
/// the lone deletion record (RFC 8078 §4); BIND's `dns_zone_cdscheck`.
fn check_cds(apex: Node<'_>, report: &mut Report) {
    let (cds, cdnskey) = (apex.rrset(CDS), apex.rrset(CDNSKEY));
    if cds.is_none() && cdnskey.is_none() {
        return;
    }
    let dnskey = apex.rrset(RType::DNSKEY);
    // DNSKEY RDATA: flags (2), protocol, algorithm.
    let key_algorithms: Vec<u8> = dnskey
        .map(|k| k.rdatas().filter_map(|r| r.get(3).copied()).collect())
        .unwrap_or_default();
    let consistent =
        |rrset: Option<RRset<'_>>, delete: [u8; 5], algorithm_at: usize, report: &mut Report| {
            let Some(rrset) = rrset else {
                return true;
            };
            let mut algorithms = [false; 256];
            let mut deleting = false;
            let mut logged_digests = Vec::new();
            for rdata in rrset.rdatas() {
                if rdata == delete {
                    deleting = true;
                    continue;
                }
                if dnskey.is_none() {
                    return false;
                }
                if rrset.rtype() == CDS
                    && let Some(&digest) = rdata.get(3)
                    && let Some(name) = deprecated_digest(digest)
                    && !logged_digests.contains(&digest)
                {
                    logged_digests.push(digest);
                    report.warn(format!("deprecated CDS digest type {digest} ({name})"));
                }
                if let Some(&algorithm) = rdata.get(algorithm_at) {
                    algorithms[usize::from(algorithm)] = true;
                }
            }
            (0..=255u8)
                .all(|a| !algorithms[usize::from(a)] || (!deleting && key_algorithms.contains(&a)))
        };
    // A CDS is key tag (2), algorithm, digest type; a CDNSKEY is a DNSKEY.
    if !consistent(cds, [0, 0, 0, 0, 0], 2, report)
        || !consistent(cdnskey, [0, 0, 3, 0, 0], 3, report)
    {
        report.error(
            Rejection::BadZone,
            "CDS/CDNSKEY consistency checks failed".to_string(),
        );
    }
}

/// What a target name leads to, for the address checks.
enum Target<'a> {
    /// It has A or AAAA records, or is outside the zone (not checked).
    Fine,
    /// It is at or below a delegation point of the zone.
    Delegated,
    /// It owns a CNAME.
    Cname,
    /// It lies below a DNAME owned by this node.
    BelowDname(Node<'a>),
    /// It does not exist or has neither A nor AAAA.
    NoAddress,
}

/// Looks a target up as BIND's checks do: A, then AAAA, answers from wildcards included.
fn resolve<'a>(zone: &'a Zone, target: &[u8]) -> Target<'a> {
    match zone.lookup(target, RType::A) {
        Lookup::Answer { .. } | Lookup::NotInZone | Lookup::Any { .. } => Target::Fine,
        Lookup::Referral { .. } => Target::Delegated,
        Lookup::Cname { .. } => Target::Cname,
        Lookup::Dname { node, .. } => Target::BelowDname(node),
        Lookup::NoData { .. } => match zone.lookup(target, RType::AAAA) {
            Lookup::Answer { .. } => Target::Fine,
            _ => Target::NoAddress,
        },
        Lookup::NxDomain { .. } => Target::NoAddress,
    }
}

/// The target name inside the RDATA of an NS, MX or SRV record.
fn target_of(rtype: RType, rdata: &[u8]) -> Option<&[u8]> {
    let offset = match rtype {
        RType::MX => 2,
        RType::SRV => 6,
        _ => 0,
    };
    rdata.get(offset..)
}

/// The apex NS targets inside the zone must have addresses; any that does not makes the
/// zone fail to load (BIND's `zone_check_ns`).
fn check_apex_ns(zone: &Zone, apex: Node<'_>, report: &mut Report) {
    let Some(ns) = apex.rrset(RType::NS) else {
        return;
    };
    for target in ns.rdatas() {
        let shown = display_wire(target);
        match resolve(zone, target) {
            Target::Fine | Target::Delegated => {}
            Target::NoAddress => report.error(
                Rejection::BadZone,
                format!("NS '{shown}' has no address records (A or AAAA)"),
            ),
            Target::Cname => report.error(
                Rejection::BadZone,
                format!("NS '{shown}' is a CNAME (illegal)"),
            ),
            Target::BelowDname(dname) => report.error(
                Rejection::BadZone,
                format!(
                    "NS '{shown}' is below a DNAME '{}' (illegal)",
                    display_wire(dname.name_wire())
                ),
            ),
        }
    }
}

/// The NS targets of a delegation: glue where it is required, no CNAMEs, nothing below a
/// DNAME (BIND's `zone_check_glue`, never fatal there).
fn check_delegation(zone: &Zone, cut: Node<'_>, opts: &CheckOptions, report: &mut Report) {
    let Some(ns) = cut.rrset(RType::NS) else {
        return;
    };
    let owner = display_wire(cut.name_wire());
    for target in ns.rdatas() {
        let shown = display_wire(target);
        let message = match resolve(zone, target) {
            Target::Fine => continue,
            Target::Cname => format!("{owner}/NS '{shown}' is a CNAME (illegal)"),
            Target::BelowDname(dname) => format!(
                "{owner}/NS '{shown}' is below a DNAME '{}' (illegal)",
                display_wire(dname.name_wire())
            ),
            found @ (Target::NoAddress | Target::Delegated) => {
                if zone
                    .node(target)
                    .is_some_and(|n| n.rrset(RType::A).is_some() || n.rrset(RType::AAAA).is_some())
                {
                    continue;
                }
                let delegated = matches!(found, Target::Delegated);
                let required = super::wire::is_below(target, cut.name_wire());
                if delegated && !required && !opts.check_siblings {
                    continue;
                }
                let what = if required {
                    "REQUIRED GLUE "
                } else if delegated {
                    "SIBLING GLUE "
                } else {
                    ""
                };
                format!("{owner}/NS '{shown}' has no {what}address records (A or AAAA)")
            }
        };
        report.by_mode(opts.ns_integrity, Rejection::BadZone, message);
    }
}

/// MX and SRV targets inside the zone (BIND's `zone_check_mx`, `zone_check_srv`).
fn check_targets(
    zone: &Zone,
    node: Node<'_>,
    rtype: RType,
    opts: &CheckOptions,
    report: &mut Report,
) {
    let Some(rrset) = node.rrset(rtype) else {
        return;
    };
    let owner = display_wire(node.name_wire());
    let (missing_mode, cname_mode) = match rtype {
        // BIND reports an SRV target without addresses but never fails on it.
        RType::SRV => (Mode::Warn, opts.srv_integrity),
        _ => (
            if opts.mx_integrity == Mode::Fail {
                Mode::Fail
            } else {
                Mode::Warn
            },
            opts.mx_cname,
        ),
    };
    for rdata in rrset.rdatas() {
        let Some(target) = target_of(rtype, rdata) else {
            continue;
        };
        // "." says there is no such service (RFC 7505, RFC 2782).
        if target == [0] {
            continue;
        }
        let shown = display_wire(target);
        match resolve(zone, target) {
            Target::Fine | Target::Delegated => {}
            Target::NoAddress => report.by_mode(
                missing_mode,
                Rejection::BadZone,
                format!("{owner}/{rtype} '{shown}' has no address records (A or AAAA)"),
            ),
            Target::Cname => report.by_mode(
                cname_mode,
                Rejection::BadZone,
                format!("{owner}/{rtype} '{shown}' is a CNAME (illegal)"),
            ),
            Target::BelowDname(dname) => report.by_mode(
                cname_mode,
                Rejection::BadZone,
                format!(
                    "{owner}/{rtype} '{shown}' is below a DNAME '{}' (illegal)",
                    display_wire(dname.name_wire())
                ),
            ),
        }
    }
}

/// An SPF record needs an SPF-formatted TXT record beside it (RFC 7208 §3.1).
fn check_spf(node: Node<'_>, report: &mut Report) {
    if node.rrset(SPF).is_none() {
        return;
    }
    let has_txt = node
        .rrset(RType::TXT)
        .is_some_and(|txt| txt.rdatas().any(is_spf_text));
    if !has_txt {
        report.warn(format!(
            "'{}' found type SPF record but no SPF TXT record found, add matching type TXT \
             record",
            display_wire(node.name_wire())
        ));
    }
}

/// Whether TXT RDATA, its strings joined, starts with `v=spf1` followed by a space or the end.
fn is_spf_text(rdata: &[u8]) -> bool {
    let mut text = Vec::with_capacity(rdata.len());
    let mut rest = rdata;
    while let Some((&len, tail)) = rest.split_first() {
        let take = usize::from(len).min(tail.len());
        text.extend_from_slice(&tail[..take]);
        rest = &tail[take..];
    }
    text.strip_prefix(b"v=spf1")
        .is_some_and(|after| after.first().is_none_or(|&b| b == b' '))
}

/// Warnings for DNSSEC algorithms and digest types RFC 8624 deprecates, each once per
/// RRset, in KEY records and in the DS records of a delegation.
fn deprecated_algorithms(node: Node<'_>, rtype: RType, report: &mut Report) {
    let Some(rrset) = node.rrset(rtype) else {
        return;
    };
    let owner = display_wire(node.name_wire());
    let mut logged_algorithms: Vec<u8> = Vec::new();
    let mut logged_digests: Vec<u8> = Vec::new();
    for rdata in rrset.rdatas() {
        // KEY: flags (2), protocol, algorithm. DS: key tag (2), algorithm, digest type.
        let (Some(&third), Some(&fourth)) = (rdata.get(2), rdata.get(3)) else {
            continue;
        };
        let algorithm = if rtype == RType::DS { third } else { fourth };
        if rtype == RType::DS
            && let Some(name) = deprecated_digest(fourth)
            && !logged_digests.contains(&fourth)
        {
            logged_digests.push(fourth);
            report.warn(format!(
                "{owner}/DS deprecated digest type {fourth} ({name})"
            ));
        }
        if let Some(name) = deprecated_algorithm(algorithm)
            && !logged_algorithms.contains(&algorithm)
        {
            logged_algorithms.push(algorithm);
            report.warn(format!(
                "{owner}/{rtype} deprecated algorithm {algorithm} ({name})"
            ));
        }
    }
}

fn deprecated_algorithm(algorithm: u8) -> Option<&'static str> {
    match algorithm {
        5 => Some("RSASHA1"),
        7 => Some("NSEC3RSASHA1"),
        _ => None,
    }
}

fn deprecated_digest(digest: u8) -> Option<&'static str> {
    match digest {
        1 => Some("SHA-1"),
        3 => Some("GOST"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spf_text() {
        assert!(is_spf_text(b"\x06v=spf1"));
        assert!(is_spf_text(b"\x03v=s\x0apf1 -all x"));
        assert!(!is_spf_text(b"\x07v=spf10"));
        assert!(!is_spf_text(b"\x05v=spf"));
    }
}
