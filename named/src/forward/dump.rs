//! `rndc dumpdb`: the cache of a view in BIND's dump layout.

use std::fmt::Write as _;

use zones::RType;
use zones::name::Name;
use zones::writer::rdata_text;

use super::cache::{Answer, Cache, Kind, now};

/// One RRset (or negative marker) of the dump.
struct Block {
    /// BIND's trust comment (`authanswer`, `answer`).
    trust: &'static str,
    owner: String,
    /// TTL, type column and RDATA (or the negative marker), one per record.
    records: Vec<(u32, String, String)>,
    /// The SOA line after a negative marker.
    soa: Option<String>,
}

/// The text of the cache of view `view`, from `; Cache dump of view` on; `date` is
/// BIND's `$DATE` value (YYYYMMDDHHMMSS, UTC).
pub fn cache_text(view: &str, cache: Option<&Cache>, date: &str) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        ";\n; Cache dump of view '{view}' (cache {view})\n;\n; using a 0 second stale ttl\n$DATE {date}\n"
    );
    let Some(cache) = cache else {
        return out;
    };
    let now = now();
    let mut blocks: Vec<(Vec<u8>, u16, Block)> = cache
        .snapshot(now)
        .into_iter()
        .filter_map(|(lower, rtype, _, answer)| {
            block(&lower, rtype, &answer, now).map(|b| (canonical_key(&lower), rtype.0, b))
        })
        .collect();
    blocks.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    blocks.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    let mut previous: Option<Vec<u8>> = None;
    let mut class_shown = false;
    for (key, _, block) in blocks {
        let same_owner = previous.as_ref() == Some(&key);
        previous = Some(key);
        let _ = writeln!(out, "; {}", block.trust);
        for (i, (ttl, rtype, rdata)) in block.records.iter().enumerate() {
            let owner = if i == 0 && !same_owner {
                block.owner.as_str()
            } else {
                ""
            };
            // BIND names the class once, on the first record of the dump.
            let class = if class_shown { "" } else { "IN " };
            class_shown = true;
            let _ = writeln!(out, "{}{ttl}\t{class}{rtype}{rdata}", pad(owner));
        }
        if let Some(soa) = block.soa {
            let _ = writeln!(out, "{soa}");
        }
    }
    out
}

/// A name's labels reversed, for BIND's tree order.
fn canonical_key(lower: &[u8]) -> Vec<u8> {
    let mut labels = Vec::new();
    let mut pos = 0;
    while let Some(&len) = lower.get(pos) {
        if len == 0 {
            break;
        }
        let end = (pos + 1 + usize::from(len)).min(lower.len());
        labels.push(&lower[pos + 1..end]);
        pos = end;
    }
    labels.reverse();
    let mut key = Vec::new();
    for label in labels {
        key.extend_from_slice(label);
        key.push(0);
    }
    key
}

/// The owner column: BIND pads it with tabs to column 24.
fn pad(owner: &str) -> String {
    let mut s = owner.to_owned();
    let mut col = owner.len();
    loop {
        s.push('\t');
        col = (col / 8 + 1) * 8;
        if col >= 24 {
            break;
        }
    }
    s
}

fn name_text(wire: &[u8]) -> String {
    Name::from_wire(wire).map_or_else(|_| "?".to_owned(), |n| n.to_string())
}

/// The block of the entry for `lower` `rtype`: the RRset answering its own question
/// (chains show up through the entries of their links), or its negative marker.
fn block(lower: &[u8], rtype: RType, answer: &Answer, now: u32) -> Option<Block> {
    let owner = name_text(lower);
    match answer.kind {
        Kind::Positive => {
            let rrset = answer
                .answer
                .iter()
                .find(|r| r.owner.eq_ignore_ascii_case(lower) && r.rtype == rtype)?;
            let ttl = rrset.ttl_at(now);
            // BIND writes CNAME records with a space after the class.
            let type_col = |t: RType| {
                if t == RType::CNAME {
                    format!("{t} ")
                } else {
                    format!("{t}\t")
                }
            };
            Some(Block {
                trust: "authanswer",
                owner,
                records: rrset
                    .rdatas
                    .iter()
                    .map(|r| (ttl, type_col(rrset.rtype), rdata_text(rrset.rtype, r)))
                    .collect(),
                soa: None,
            })
        }
        Kind::NoData | Kind::NxDomain => {
            let soa = answer.authority.first()?;
            let (shown, marker) = if answer.kind == Kind::NxDomain {
                ("ANY".to_owned(), "NXDOMAIN")
            } else {
                (rtype.to_string(), "NXRRSET")
            };
            Some(Block {
                trust: "answer",
                owner,
                records: vec![(
                    soa.ttl_at(now),
                    format!("\\-{shown}\t"),
                    format!(";-${marker}"),
                )],
                soa: Some(format!(
                    "; {} SOA {}",
                    name_text(&soa.owner),
                    soa.rdatas
                        .first()
                        .map(|r| rdata_text(RType::SOA, r))
                        .unwrap_or_default()
                )),
            })
        }
        Kind::ServFail => None,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::forward::cache::CachedRrset;
    use zones::Class;

    #[test]
    fn the_dump_has_binds_layout() {
        let cache = Cache::new(1 << 20);
        let far = now() + 300;
        let www = b"\x03www\x04test\x00";
        cache.insert(
            www,
            RType::A,
            Class::IN,
            Arc::new(Answer {
                kind: Kind::Positive,
                answer: vec![CachedRrset {
                    owner: www.as_slice().into(),
                    rtype: RType::A,
                    class: Class::IN,
                    expires: far,
                    rdatas: vec![vec![192, 0, 2, 1].into()],
                }],
                authority: Vec::new(),
            }),
        );
        let text = cache_text("_default", Some(&cache), "20260101000000");
        assert!(text.starts_with(";\n; Cache dump of view '_default' (cache _default)\n"));
        assert!(text.contains("$DATE 20260101000000\n; authanswer\nwww.test.\t\t"));
        assert!(text.contains("\tIN A\t192.0.2.1\n"), "{text}");
    }
}
