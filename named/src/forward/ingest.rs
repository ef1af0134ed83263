//! An upstream response turned into cache entries: the answer to the question (the
//! CNAME and DNAME chain from the question's name, then the RRset asked for) or the
//! negative answer (RFC 2308: NXDOMAIN or NODATA with the zone's SOA), and the entries
//! for each name along the chain.
//!
//! Only records on the chain and the SOA that bounds a negative answer are kept:
//! anything else in the response (other names, the authority NS set, the additional
//! section) is not what was asked, and is not cached.

use std::sync::Arc;

use zones::record::Record;
use zones::{Class, RType};

use super::cache::{Answer, CachedRrset, Kind};
use super::policy::is_at_or_below;
use crate::xfr::message::Message;

/// Longest CNAME/DNAME chain followed in a response.
const MAX_CHAIN: usize = 16;
/// RCODE values an answer may carry.
const NOERROR: u8 = 0;
const NXDOMAIN: u8 = 3;

/// The TTL limits of a view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TtlLimits {
    /// `max-cache-ttl`.
    pub max_ttl: u32,
    /// `max-ncache-ttl`.
    pub max_ncache_ttl: u32,
}

/// What a response gave.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// The answer to the question asked.
    pub answer: Arc<Answer>,
    /// Entries to cache: lower-cased owner, type, class and answer.
    pub entries: Vec<(Vec<u8>, RType, Class, Arc<Answer>)>,
}

/// Reads `msg`, the response to `qname` (lower-cased wire form) `qtype` `qclass`, at
/// `now` on the cache clock; `None` when its rcode is not an answer (SERVFAIL,
/// REFUSED, FORMERR...), so the next forwarder should be asked.
pub fn ingest(
    msg: &Message,
    qname: &[u8],
    qtype: RType,
    qclass: Class,
    limits: TtlLimits,
    now: u32,
) -> Option<Ingested> {
    let rcode = msg.rcode();
    if rcode != NOERROR && rcode != NXDOMAIN {
        return None;
    }
    let expires = |ttl: u32| now.saturating_add(ttl.min(limits.max_ttl));
    // The chain: each link's owner (lower-cased) and RRset.
    let mut chain: Vec<(Vec<u8>, CachedRrset)> = Vec::new();
    let mut current = qname.to_vec();
    let mut found = false;
    'follow: for _ in 0..MAX_CHAIN {
        if qtype == RType::ANY {
            let mut types: Vec<RType> = msg
                .answer
                .iter()
                .filter(|r| r.class == qclass && lower(r) == current)
                .map(|r| r.rtype)
                .collect();
            types.dedup();
            types.sort_by_key(|t| t.0);
            types.dedup();
            for t in types {
                if let Some(rrset) = collect(&msg.answer, &current, t, qclass, &expires) {
                    chain.push((current.clone(), rrset));
                    found = true;
                }
            }
            break;
        }
        if let Some(rrset) = collect(&msg.answer, &current, qtype, qclass, &expires) {
            chain.push((current.clone(), rrset));
            found = true;
            break;
        }
        // A DNAME above the name, once, before the CNAME synthesised from it.
        let dname = msg.answer.iter().find(|r| {
            r.rtype == RType::DNAME
                && r.class == qclass
                && lower(r) != current
                && is_at_or_below(&current, &lower(r))
        });
        if let Some(d) = dname {
            let owner = lower(d);
            if !chain
                .iter()
                .any(|(o, r)| *o == owner && r.rtype == RType::DNAME)
            {
                if let Some(rrset) = collect(&msg.answer, &owner, RType::DNAME, qclass, &expires) {
                    chain.push((owner, rrset));
                }
            }
        }
        if qtype != RType::CNAME {
            if let Some(rrset) = collect(&msg.answer, &current, RType::CNAME, qclass, &expires) {
                let Some(target) = rrset.rdatas.first().map(|t| t.to_ascii_lowercase()) else {
                    break 'follow;
                };
                chain.push((current.clone(), rrset));
                if chain.iter().any(|(o, _)| *o == target) {
                    break 'follow;
                }
                current = target;
                continue;
            }
        }
        break;
    }
    let mut entries = Vec::new();
    let mut authority = Vec::new();
    let kind = if found {
        Kind::Positive
    } else if rcode == NXDOMAIN {
        Kind::NxDomain
    } else {
        Kind::NoData
    };
    let mut cacheable = true;
    if !found {
        // RFC 2308 §5: the SOA bounds how long the negative answer lives; without one
        // it is passed on but not cached.
        let soa = msg.authority.iter().find(|r| {
            r.rtype == RType::SOA && r.class == qclass && is_at_or_below(&current, &lower(r))
        });
        match soa {
            Some(soa) => {
                let minimum = soa_minimum(soa.rdata.as_bytes()).unwrap_or(0);
                let ttl = soa.ttl.min(minimum).min(limits.max_ncache_ttl);
                authority.push(CachedRrset {
                    owner: soa.owner.as_wire().into(),
                    rtype: RType::SOA,
                    class: qclass,
                    expires: now.saturating_add(ttl),
                    rdatas: vec![soa.rdata.as_bytes().into()],
                });
            }
            None => cacheable = false,
        }
    }
    let answer = Arc::new(Answer {
        kind,
        answer: chain.iter().map(|(_, r)| r.clone()).collect(),
        authority: authority.clone(),
    });
    if cacheable {
        entries.push((qname.to_vec(), qtype, qclass, Arc::clone(&answer)));
        // Each name along the chain answers the same question from its link on.
        for (i, (owner, rrset)) in chain.iter().enumerate() {
            if rrset.rtype != RType::CNAME {
                continue;
            }
            entries.push((
                owner.clone(),
                RType::CNAME,
                qclass,
                Arc::new(Answer {
                    kind: Kind::Positive,
                    answer: vec![rrset.clone()],
                    authority: Vec::new(),
                }),
            ));
            if let Some(target) = rrset.rdatas.first() {
                let rest = &chain[i + 1..];
                entries.push((
                    target.to_ascii_lowercase(),
                    qtype,
                    qclass,
                    Arc::new(Answer {
                        kind,
                        answer: rest.iter().map(|(_, r)| r.clone()).collect(),
                        authority: authority.clone(),
                    }),
                ));
            }
        }
    }
    Some(Ingested { answer, entries })
}

fn lower(record: &Record) -> Vec<u8> {
    record.owner.as_wire().to_ascii_lowercase()
}

/// The RRset of `rtype` owned by `owner` in `records`, its TTL the smallest of its
/// records' (RFC 2181 §5.2), duplicates dropped.
fn collect(
    records: &[Record],
    owner: &[u8],
    rtype: RType,
    class: Class,
    expires: &dyn Fn(u32) -> u32,
) -> Option<CachedRrset> {
    let mut set: Option<CachedRrset> = None;
    let mut ttl = u32::MAX;
    for r in records
        .iter()
        .filter(|r| r.rtype == rtype && r.class == class && lower(r) == owner)
    {
        ttl = ttl.min(r.ttl);
        let rdata: Box<[u8]> = r.rdata.as_bytes().into();
        match &mut set {
            Some(s) => {
                if !s.rdatas.contains(&rdata) {
                    s.rdatas.push(rdata);
                }
            }
            None => {
                set = Some(CachedRrset {
                    owner: r.owner.as_wire().into(),
                    rtype,
                    class,
                    expires: 0,
                    rdatas: vec![rdata],
                });
            }
        }
    }
    set.map(|mut s| {
        s.expires = expires(ttl);
        s
    })
}

/// The MINIMUM field of an SOA RDATA.
fn soa_minimum(rdata: &[u8]) -> Option<u32> {
    let tail = rdata.get(rdata.len().checked_sub(4)?..)?;
    Some(u32::from_be_bytes([tail[0], tail[1], tail[2], tail[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Opcode;
    use crate::xfr::message::RequestBuilder;
    use zones::name::Name;
    use zones::record::Rdata;

    fn name(text: &str) -> Name {
        Name::from_text(text, None).expect("name")
    }

    fn record(owner: &str, ttl: u32, rtype: RType, rdata: Vec<u8>) -> Record {
        Record {
            owner: name(owner),
            ttl,
            class: Class::IN,
            rtype,
            rdata: Rdata::from(rdata),
        }
    }

    fn soa(owner: &str, ttl: u32, minimum: u32) -> Record {
        let mut rdata = name("ns.test.").as_wire().to_vec();
        rdata.extend_from_slice(name("root.test.").as_wire());
        for v in [1u32, 60, 30, 600, minimum] {
            rdata.extend_from_slice(&v.to_be_bytes());
        }
        record(owner, ttl, RType::SOA, rdata)
    }

    const LIMITS: TtlLimits = TtlLimits {
        max_ttl: 604_800,
        max_ncache_ttl: 10_800,
    };

    fn parse(builder: RequestBuilder) -> Message {
        Message::parse(&builder.finish()).expect("parses")
    }

    #[test]
    fn a_cname_chain_is_followed_and_cached_per_link() {
        let msg = parse(
            RequestBuilder::new(1, Opcode::QUERY)
                .response(0)
                .question(&name("WWW.test."), RType::A, Class::IN)
                .answer(&record(
                    "WWW.test.",
                    300,
                    RType::CNAME,
                    name("Target.test.").as_wire().to_vec(),
                ))
                .answer(&record("target.test.", 100, RType::A, vec![192, 0, 2, 7]))
                .answer(&record(
                    "unrelated.test.",
                    100,
                    RType::A,
                    vec![192, 0, 2, 8],
                ))
                .authority(&record(
                    "test.",
                    100,
                    RType::NS,
                    name("ns.test.").as_wire().to_vec(),
                )),
        );
        let qname = name("www.test.").as_wire().to_vec();
        let got = ingest(&msg, &qname, RType::A, Class::IN, LIMITS, 1000).expect("answer");
        assert_eq!(got.answer.kind, Kind::Positive);
        assert_eq!(got.answer.answer.len(), 2);
        assert_eq!(got.answer.answer[0].expires, 1300);
        assert_eq!(got.answer.answer[1].expires, 1100);
        assert!(got.answer.authority.is_empty());
        let keys: Vec<_> = got
            .entries
            .iter()
            .map(|(n, t, _, _)| (n.clone(), *t))
            .collect();
        assert!(keys.contains(&(qname.clone(), RType::A)));
        assert!(keys.contains(&(qname, RType::CNAME)));
        assert!(keys.contains(&(name("target.test.").as_wire().to_vec(), RType::A)));
        assert!(
            !keys
                .iter()
                .any(|(n, _)| *n == name("unrelated.test.").as_wire())
        );
    }

    #[test]
    fn negative_answers_take_the_soa_minimum() {
        let msg = parse(
            RequestBuilder::new(1, Opcode::QUERY)
                .response(3)
                .question(&name("nx.test."), RType::A, Class::IN)
                .authority(&soa("test.", 300, 2)),
        );
        let qname = name("nx.test.").as_wire().to_vec();
        let got = ingest(&msg, &qname, RType::A, Class::IN, LIMITS, 10).expect("answer");
        assert_eq!(got.answer.kind, Kind::NxDomain);
        assert_eq!(got.answer.authority[0].expires, 12);
        assert_eq!(got.entries.len(), 1);
    }

    #[test]
    fn negative_answers_without_soa_are_not_cached() {
        let msg = parse(RequestBuilder::new(1, Opcode::QUERY).response(0).question(
            &name("x.test."),
            RType::A,
            Class::IN,
        ));
        let qname = name("x.test.").as_wire().to_vec();
        let got = ingest(&msg, &qname, RType::A, Class::IN, LIMITS, 10).expect("answer");
        assert_eq!(got.answer.kind, Kind::NoData);
        assert!(got.entries.is_empty());
    }

    #[test]
    fn errors_ask_the_next_forwarder_and_ttls_are_capped() {
        let failed = parse(RequestBuilder::new(1, Opcode::QUERY).response(2).question(
            &name("x.test."),
            RType::A,
            Class::IN,
        ));
        let qname = name("x.test.").as_wire().to_vec();
        assert!(ingest(&failed, &qname, RType::A, Class::IN, LIMITS, 0).is_none());
        let long = parse(
            RequestBuilder::new(1, Opcode::QUERY)
                .response(0)
                .question(&name("x.test."), RType::A, Class::IN)
                .answer(&record("x.test.", 1_000_000, RType::A, vec![192, 0, 2, 1])),
        );
        let got = ingest(&long, &qname, RType::A, Class::IN, LIMITS, 0).expect("answer");
        assert_eq!(got.answer.answer[0].expires, 604_800);
    }
}
