//! Laying screened records out in the zone's arrays: names grouped into nodes (empty
//! non-terminals added), RRsets sorted and deduplicated, nodes put in canonical order,
//! delegation and DNAME occlusion marked.
//!
//! RRsets are written in the order names first appear in the input, which keeps the reads
//! of the records nearly sequential; only the small node array is put in canonical order.

use std::borrow::Cow;

use super::build::{Report, Screened, covered_type};
use super::table::NameTable;
use super::wire::{self, LabelOffsets};
use super::{
    APEX, CHECKED_TYPES, CUT, CheckOptions, DNAME, HAS_CNAME, NSEC3_ONLY, NodeData, OCCLUDED,
    RRsetData, Rejection, WILDCARD_PARENT, Zone, ZoneError,
};
use crate::name::Name;
use crate::record::Record;
use crate::types::{Class, RType};

/// Types of which a node may hold one record only (BIND's singleton attribute).
const SINGLETONS: [RType; 6] = [
    RType::SOA,
    RType::CNAME,
    RType::DNAME,
    RType::NSEC,
    RType(30),  // NXT
    RType(261), // RESINFO
];

/// Types that may share a name with a CNAME (RFC 2181 §10.1, RFC 4035 §2.5, RFC 3007):
/// BIND's exceptions to "CNAME and other data".
const BESIDE_CNAME: [RType; 5] = [
    RType::CNAME,
    RType(24), // SIG
    RType(25), // KEY
    RType::RRSIG,
    RType::NSEC,
];

/// The RDATA compared for ordering and duplicates: the canonical form of RFC 4034 §6.2,
/// so that records differing only in the case of an embedded name are one record, as in
/// BIND.
fn canonical_rdata(record: &Record) -> Cow<'_, [u8]> {
    crate::rdata::canonical(record.rtype, record.rdata.as_bytes())
}

/// The owner names of a zone being built: each distinct name once, in order of first
/// appearance, then the empty non-terminals, which borrow the tail of a descendant's name.
struct Owners {
    /// Wire-form names, original case, first spelling seen.
    arena: Vec<u8>,
    /// (offset, length) of each name in `arena`.
    spans: Vec<(u32, u8)>,
    index: NameTable,
}

impl Owners {
    fn name(&self, g: u32) -> &[u8] {
        let (off, len) = self.spans[g as usize];
        &self.arena[off as usize..off as usize + usize::from(len)]
    }

    fn find(&self, hash: u32, name: &[u8]) -> Option<u32> {
        self.index
            .find(hash, |g| self.name(g).eq_ignore_ascii_case(name))
    }

    /// The group of `name`, added (copied into the arena) if new.
    fn intern(&mut self, name: &[u8]) -> Result<u32, ZoneError> {
        let hash = self.index.hash(name);
        if let Some(g) = self.find(hash, name) {
            return Ok(g);
        }
        let off = u32::try_from(self.arena.len())
            .map_err(|_| ZoneError::TooLarge("owner names over 4 GiB"))?;
        self.arena.extend_from_slice(name);
        self.add(hash, off, name.len())
    }

    fn add(&mut self, hash: u32, off: u32, len: usize) -> Result<u32, ZoneError> {
        let g = u32::try_from(self.spans.len())
            .ok()
            .filter(|&g| g != u32::MAX)
            .ok_or(ZoneError::TooLarge("more than 2^32 - 1 names"))?;
        // A wire-form name is at most 255 octets.
        self.spans.push((off, len as u8));
        self.index.insert(hash, g);
        Ok(g)
    }

    /// Adds the missing ancestors of every name, up to the origin, as empty non-terminals.
    fn add_ancestors(&mut self, origin_len: usize) -> Result<(), ZoneError> {
        let named = self.spans.len() as u32;
        for g in 0..named {
            let (off, len) = self.spans[g as usize];
            let (off, end) = (off as usize, off as usize + usize::from(len));
            let mut start = off;
            // A name one label below the origin has the origin for parent: nothing to add.
            if end - off == origin_len + 1 + usize::from(self.arena[off]) {
                continue;
            }
            while end - start > origin_len {
                start += 1 + usize::from(self.arena[start]);
                let suffix = &self.arena[start..end];
                let hash = self.index.hash(suffix);
                if self.find(hash, suffix).is_some() {
                    break;
                }
                self.add(hash, start as u32, suffix.len())?;
            }
        }
        Ok(())
    }

    /// The names in RFC 4034 §6.1 order.
    ///
    /// Each name gets a key that sorts by plain byte comparison: the labels below the
    /// origin from right to left, each lower-cased with a zero byte escaped as `00 01` and
    /// closed by `00 00`, so that a label sorts before any longer label it begins and a
    /// name before its descendants. The first eight bytes, as a number, settle most
    /// comparisons without touching the keys.
    fn canonical_order(&self, origin_labels: usize) -> Vec<u32> {
        let mut keys = Vec::with_capacity(self.arena.len() + self.spans.len() * 4);
        let mut spans = Vec::with_capacity(self.spans.len());
        for g in 0..self.spans.len() as u32 {
            let name = self.name(g);
            let start = keys.len();
            if let Some(offsets) = LabelOffsets::parse(name) {
                for i in (0..offsets.count().saturating_sub(origin_labels)).rev() {
                    let at = offsets.start(i);
                    for &b in &name[at + 1..at + 1 + usize::from(name[at])] {
                        match b.to_ascii_lowercase() {
                            0 => keys.extend_from_slice(&[0, 1]),
                            b => keys.push(b),
                        }
                    }
                    keys.extend_from_slice(&[0, 0]);
                }
            }
            spans.push((start, keys.len()));
        }
        let key = |g: u32| {
            let (start, end) = spans[g as usize];
            &keys[start..end]
        };
        let mut order: Vec<(u64, u32)> = (0..self.spans.len() as u32)
            .map(|g| {
                let mut prefix = [0u8; 8];
                let k = key(g);
                let n = k.len().min(8);
                prefix[..n].copy_from_slice(&k[..n]);
                (u64::from_be_bytes(prefix), g)
            })
            .collect();
        order.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| key(a.1).cmp(key(b.1))));
        order.into_iter().map(|(_, g)| g).collect()
    }
}

/// Where a group's RRsets went and what they say about the node.
#[derive(Clone, Copy, Default)]
struct Placed {
    rrsets: u32,
    count: u16,
    flags: u16,
}

/// Groups the records into nodes and RRsets and lays them out.
pub(super) fn lay_out(
    origin: Name,
    class: Class,
    screened: Screened,
    opts: &CheckOptions,
    report: &mut Report,
) -> Result<Zone, ZoneError> {
    let Screened { records, runs } = screened;
    let mut owners = Owners {
        arena: Vec::new(),
        spans: Vec::new(),
        index: NameTable::with_capacity(records.len() / 2 + 1),
    };
    let mut group_of: Vec<u32> = Vec::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        // Consecutive records of one run share their owner.
        let g = match group_of.last() {
            Some(&g) if runs[i - 1] == runs[i] => g,
            _ => owners.intern(record.owner.as_wire())?,
        };
        group_of.push(g);
    }
    let apex = owners.intern(origin.as_wire())?;
    owners.add_ancestors(origin.as_wire().len())?;
    let groups = owners.spans.len();

    // The records of each name together, in input order (a counting sort).
    let mut starts = vec![0u32; groups + 1];
    for &g in &group_of {
        starts[g as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut by_group = vec![0u32; records.len()];
    let mut fill = starts.clone();
    for (i, &g) in group_of.iter().enumerate() {
        by_group[fill[g as usize] as usize] = i as u32;
        fill[g as usize] += 1;
    }
    drop(fill);
    drop(group_of);

    let rdata_len: usize = records.iter().map(|r| 2 + r.rdata.as_bytes().len()).sum();
    let mut out = Arrays {
        rrsets: Vec::with_capacity(records.len()),
        rdata: Vec::with_capacity(rdata_len),
        records: 0,
    };
    let mut placed = vec![Placed::default(); groups];
    let mut soa = u32::MAX;
    for g in 0..groups {
        let members = &mut by_group[starts[g] as usize..starts[g + 1] as usize];
        let first = out.rrsets.len();
        let mut flags = out.add_rrsets(&records, &runs, members)?;
        if g as u32 == apex {
            // The apex's NS records are the zone's own, not a delegation.
            flags = (flags & !CUT) | APEX;
            if let Some(i) = out.rrsets[first..]
                .iter()
                .position(|r| r.rtype == RType::SOA)
            {
                soa = (first + i) as u32;
            }
        }
        check_node(
            owners.name(g as u32),
            &out.rrsets[first..],
            flags,
            opts,
            report,
        );
        placed[g] = Placed {
            rrsets: u32::try_from(first)
                .map_err(|_| ZoneError::TooLarge("more than 2^32 RRsets"))?,
            count: u16::try_from(out.rrsets.len() - first)
                .map_err(|_| ZoneError::TooLarge("more than 65535 RRsets at one name"))?,
            flags,
        };
    }
    drop(records);
    drop(by_group);

    let order = owners.canonical_order(origin.label_count());
    let mut rank = vec![0u32; groups];
    let mut nodes = Vec::with_capacity(groups);
    for (r, &g) in order.iter().enumerate() {
        rank[g as usize] = r as u32;
        let (name, name_len) = owners.spans[g as usize];
        let p = placed[g as usize];
        nodes.push(NodeData {
            name,
            rrsets: p.rrsets,
            rrset_count: p.count,
            flags: p.flags,
            name_len,
            labels: wire::label_count(owners.name(g)) as u8,
        });
    }
    drop(order);
    drop(placed);
    mark_occlusion(&mut nodes, &owners.arena);

    // Node numbers become canonical ranks; the owners' index serves as the zone's.
    let mut index = owners.index;
    index.renumber(|g| rank[g as usize]);
    Ok(Zone {
        origin,
        class,
        nodes: nodes.into_boxed_slice(),
        rrsets: out.rrsets.into_boxed_slice(),
        rdata: out.rdata.into_boxed_slice(),
        names: owners.arena.into_boxed_slice(),
        index,
        soa,
        records: out.records,
    })
}

/// The RRsets and RDATA written so far.
struct Arrays {
    rrsets: Vec<RRsetData>,
    rdata: Vec<u8>,
    records: usize,
}

impl Arrays {
    /// Sorts one name's records into RRsets (by type, each type's RRSIGs after it; RDATA in
    /// canonical order), drops duplicates, applies the TTL rule and appends the RRsets and
    /// their RDATA. Returns the node flags its types imply.
    ///
    /// Of records equal in canonical form (differing at most in the case of embedded
    /// names), BIND keeps the one of the first run that has any, and the last of them in
    /// that run; of the TTLs, the last run's.
    fn add_rrsets(
        &mut self,
        records: &[Record],
        runs: &[u32],
        members: &mut [u32],
    ) -> Result<u16, ZoneError> {
        // Storage order: the type (the covered type for RRSIGs), RRSIGs after the type.
        let set_key = |record: &Record| (covered_type(record), record.rtype == RType::RRSIG);
        if members.len() > 1 {
            members.sort_by(|&a, &b| {
                let (ra, rb) = (&records[a as usize], &records[b as usize]);
                set_key(ra)
                    .cmp(&set_key(rb))
                    .then_with(|| canonical_rdata(ra).cmp(&canonical_rdata(rb)))
                    .then(a.cmp(&b))
            });
        }
        let mut flags = 0u16;
        let mut nsec3_only = !members.is_empty();
        for set in members
            .chunk_by(|&a, &b| set_key(&records[a as usize]) == set_key(&records[b as usize]))
        {
            let key = set_key(&records[set[0] as usize]);
            let rtype = records[set[0] as usize].rtype;
            let last = set.iter().copied().max().unwrap_or(set[0]);
            let ttl = records[last as usize].ttl;
            let data = u32::try_from(self.rdata.len())
                .map_err(|_| ZoneError::TooLarge("RDATA over 4 GiB"))?;
            let mut count = 0usize;
            for duplicates in set.chunk_by(|&a, &b| {
                canonical_rdata(&records[a as usize]) == canonical_rdata(&records[b as usize])
            }) {
                let first_run = runs[duplicates[0] as usize];
                let keep = duplicates
                    .iter()
                    .copied()
                    .filter(|&m| runs[m as usize] == first_run)
                    .max()
                    .unwrap_or(duplicates[0]);
                let bytes = records[keep as usize].rdata.as_bytes();
                let len = u16::try_from(bytes.len())
                    .map_err(|_| ZoneError::TooLarge("RDATA longer than 65535 octets"))?;
                self.rdata.extend_from_slice(&len.to_be_bytes());
                self.rdata.extend_from_slice(bytes);
                count += 1;
            }
            self.records += count;
            self.rrsets.push(RRsetData {
                rtype,
                count: u16::try_from(count)
                    .map_err(|_| ZoneError::TooLarge("more than 65535 records in an RRset"))?,
                ttl,
                data,
            });
            nsec3_only &= key.0 == RType::NSEC3;
            flags |= match rtype {
                RType::NS => CUT | CHECKED_TYPES,
                RType::DNAME => DNAME,
                RType::CNAME => HAS_CNAME,
                RType::MX | RType::SRV | RType::DS | RType(25) | RType(99) => CHECKED_TYPES,
                _ => 0,
            };
        }
        if nsec3_only {
            flags |= NSEC3_ONLY;
        }
        Ok(flags)
    }
}

/// The checks BIND's database makes as it adds RRsets to a node: singleton types, CNAME
/// beside other data, NS and NSEC3 at wildcards.
fn check_node(
    name: &[u8],
    rrsets: &[RRsetData],
    flags: u16,
    opts: &CheckOptions,
    report: &mut Report,
) {
    if wire::is_wildcard(name) {
        // RFC 4592 §4.2 leaves a wildcard delegation undefined; BIND refuses it.
        for (rtype, reason) in [
            (RType::NS, Rejection::InvalidNs),
            (RType::NSEC3, Rejection::InvalidNsec3),
        ] {
            if rrsets.iter().any(|r| r.rtype == rtype) {
                report.error(reason, format!("{}: {reason}", wire::display_wire(name)));
            }
        }
    }
    for rrset in rrsets {
        if rrset.count > 1 && SINGLETONS.contains(&rrset.rtype) {
            report.error(
                Rejection::Singleton,
                format!(
                    "{}: multiple RRs of singleton type",
                    wire::display_wire(name)
                ),
            );
        }
    }
    if flags & HAS_CNAME != 0 && rrsets.iter().any(|r| !BESIDE_CNAME.contains(&r.rtype)) {
        report.by_mode(
            opts.cname_other,
            Rejection::CnameAndOtherData,
            format!("{}: CNAME and other data", wire::display_wire(name)),
        );
    }
}

/// Marks the nodes below delegation points and DNAMEs, and the parents of wildcards.
///
/// In canonical order a node's parent is the nearest earlier node with one label fewer on
/// the path from the apex, so a stack of that path finds every parent without lookups.
fn mark_occlusion(nodes: &mut [NodeData], names: &[u8]) {
    let mut path: Vec<usize> = Vec::with_capacity(16);
    for i in 0..nodes.len() {
        let labels = nodes[i].labels;
        while path.last().is_some_and(|&p| nodes[p].labels >= labels) {
            path.pop();
        }
        if let Some(&parent) = path.last() {
            if nodes[parent].flags & (OCCLUDED | CUT | DNAME) != 0 {
                nodes[i].flags |= OCCLUDED;
            }
            let start = nodes[i].name as usize;
            if wire::is_wildcard(&names[start..start + usize::from(nodes[i].name_len)]) {
                nodes[parent].flags |= WILDCARD_PARENT;
            }
        }
        path.push(i);
    }
}
