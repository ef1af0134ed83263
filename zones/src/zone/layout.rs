//! Laying screened records out in the zone's arrays: the owners sorted into canonical
//! order by keys made once (empty non-terminals added), RRsets sorted and deduplicated,
//! delegation and DNAME occlusion marked, the name index filled.
//!
//! After the sort, every pass reads the records in input order, which is how they lie in
//! memory, and names and RRsets are written in the order names first appear; only the node
//! array is in canonical order, filled from notes kept per run with one look-up per node.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::build::{Report, covered_type};
use super::table::NameTable;
use super::wire::{self, LabelOffsets};
use super::{
    APEX, CHECKED_TYPES, CUT, CheckOptions, DNAME, HAS_CNAME, NSEC3_ONLY, NodeData, OCCLUDED,
    RRsetData, Rejection, WILDCARD, WILDCARD_PARENT, Zone, ZoneError,
};
use crate::name::{MAX_NAME_LEN, Name};
use crate::record::Record;
use crate::types::{Class, RType};

/// The RDATA compared for ordering and duplicates: the canonical form of RFC 4034 §6.2,
/// so that records differing only in the case of an embedded name are one record, as in
/// BIND.
fn canonical_rdata(record: &Record) -> Cow<'_, [u8]> {
    crate::rdata::canonical(record.rtype, record.rdata.as_bytes())
}

/// Appends the sort key of a name at or below the origin: the labels below the origin
/// from right to left, each lower-cased with a zero byte escaped as `00 01` and closed by
/// `00 00`. Keys compare as plain bytes in the order of RFC 4034 §6.1: a label sorts
/// before any longer label it begins, and a name before its descendants. Returns how many
/// labels the name has (the root label not counted).
fn push_key(name: &[u8], origin_labels: usize, keys: &mut Vec<u8>) -> usize {
    let Some(offsets) = LabelOffsets::parse(name) else {
        return 0;
    };
    // A key is at most twice the name's 255 octets; made on the stack, copied once.
    let mut key = [0u8; 2 * MAX_NAME_LEN];
    let mut n = 0;
    for i in (0..offsets.count().saturating_sub(origin_labels)).rev() {
        let at = offsets.start(i);
        for &b in &name[at + 1..at + 1 + usize::from(name[at])] {
            let b = b.to_ascii_lowercase();
            key[n] = b;
            n += 1;
            if b == 0 {
                key[n] = 1;
                n += 1;
            }
        }
        n += 2;
    }
    keys.extend_from_slice(&key[..n]);
    offsets.count()
}

/// Where each label of a key ends, in order (so the `i`th entry is the length of the key
/// of the ancestor `i + 1` labels below the origin).
fn key_label_ends(key: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at + 1 < key.len() {
            let (a, b) = (key[at], key[at + 1]);
            at += if a == 0 { 2 } else { 1 };
            if (a, b) == (0, 0) {
                return Some(at);
            }
        }
        None
    })
}

/// A name's sort key in the keys arena, with its first sixteen bytes (zero-padded) as a
/// number, which settles most comparisons without touching the arena.
#[derive(Clone, Copy)]
struct Key {
    prefix: u128,
    start: usize,
    len: u16,
}

impl Key {
    /// The key's bytes.
    fn bytes<'k>(&self, keys: &'k [u8]) -> &'k [u8] {
        &keys[self.start..self.start + usize::from(self.len)]
    }

    fn cmp(&self, other: &Self, keys: &[u8]) -> Ordering {
        // Zero padding keeps the order: a key continues, if at all, with a label's first
        // byte, which is never 00 00.
        self.prefix
            .cmp(&other.prefix)
            .then_with(|| self.bytes(keys).cmp(other.bytes(keys)))
    }

    fn same(&self, other: &Self, keys: &[u8]) -> bool {
        self.prefix == other.prefix
            && self.len == other.len
            && (self.len <= 16 || self.bytes(keys) == other.bytes(keys))
    }

    /// Whether this is the key of `other` or of one of its ancestors.
    fn begins(&self, other: &Self, keys: &[u8]) -> bool {
        if self.len > other.len {
            return false;
        }
        if self.len <= 16 {
            let mask = match self.len {
                0 => 0,
                n => u128::MAX << (8 * (16 - u32::from(n))),
            };
            return other.prefix & mask == self.prefix;
        }
        other.bytes(keys).starts_with(self.bytes(keys))
    }

    /// The key of the ancestor whose key is this one's first `len` bytes.
    fn cut(&self, len: usize) -> Key {
        let mask = match len {
            0 => 0,
            n if n >= 16 => u128::MAX,
            n => u128::MAX << (8 * (16 - n as u32)),
        };
        Key {
            prefix: self.prefix & mask,
            start: self.start,
            len: len as u16,
        }
    }
}

/// One run of records, to be sorted by owner.
#[derive(Clone, Copy)]
struct SortEntry {
    key: Key,
    run: u32,
    /// Labels of the owner, the root label not counted.
    labels: u8,
}

/// No run.
const NO_RUN: u32 = u32::MAX;
/// In [`Names::node_of_run`]: the run is its node's first.
const FIRST_RUN: u32 = 1 << 31;

/// The names of a zone being laid out: one node per owner, plus the apex and the empty
/// non-terminals, in canonical order.
///
/// What the layout needs run by run is kept by run, in input order, so that laying out
/// the records reads these arrays in sequence rather than at random.
struct Names {
    /// The nodes; only `labels` is set.
    nodes: Vec<NodeData>,
    /// The node of each run, with [`FIRST_RUN`] on the first run of each node.
    node_of_run: Vec<u32>,
    /// The next run of the same owner, or [`NO_RUN`].
    next_run: Vec<u32>,
    /// The first run of each node ([`NO_RUN`] for the empty non-terminals, and for the apex
    /// when it has no records).
    first_run: Vec<u32>,
    /// Each empty non-terminal and the node below it whose name it is the tail of.
    tails: Vec<(u32, u32)>,
    /// About how many bytes the owner names take in wire form (a little more).
    name_bytes: usize,
}

/// The sort key of the owner of each run, collected as the records are screened, while
/// their owners are at hand.
pub(super) struct OwnerKeys {
    origin_labels: usize,
    keys: Vec<u8>,
    order: Vec<SortEntry>,
}

impl OwnerKeys {
    /// Room for `records` runs.
    pub(super) fn new(origin: &Name, records: usize) -> Self {
        // Room that is never used costs address space only.
        Self {
            origin_labels: origin.label_count(),
            keys: Vec::with_capacity(records.saturating_mul(16)),
            order: Vec::with_capacity(records),
        }
    }

    /// Notes the owner of the next run.
    pub(super) fn add(&mut self, owner: &[u8]) {
        let start = self.keys.len();
        let labels = push_key(owner, self.origin_labels, &mut self.keys);
        let len = self.keys.len() - start;
        let mut prefix = [0u8; 16];
        prefix[..len.min(16)].copy_from_slice(&self.keys[start..start + len.min(16)]);
        self.order.push(SortEntry {
            key: Key {
                prefix: u128::from_be_bytes(prefix),
                start,
                // At most 127 labels of at most 63 octets, each escaped octet two.
                len: len as u16,
            },
            // Runs are at most records, which are fewer than 2^32.
            run: self.order.len() as u32,
            labels: labels as u8,
        });
    }
}

impl Names {
    /// Sorts the runs by owner and makes one node per distinct owner, adding the apex and
    /// the empty non-terminals.
    fn new(origin: &Name, owners: OwnerKeys) -> Result<Self, ZoneError> {
        let OwnerKeys {
            origin_labels,
            keys,
            mut order,
        } = owners;
        // Runs of one owner stay in input order, so the first is the one whose spelling the
        // node keeps.
        order.sort_unstable_by(|a, b| a.key.cmp(&b.key, &keys).then(a.run.cmp(&b.run)));

        let runs = order.len();
        let mut names = Names {
            nodes: Vec::with_capacity(runs + 1),
            node_of_run: vec![0; runs],
            next_run: vec![NO_RUN; runs],
            first_run: Vec::with_capacity(runs + 1),
            tails: Vec::new(),
            name_bytes: origin.as_wire().len(),
        };
        // The path from the apex to the last node: the key of each node on it.
        let mut path: Vec<(u32, Key)> = Vec::with_capacity(16);
        if order.first().is_none_or(|e| e.key.len > 0) {
            let apex = names.add_node(origin_labels, NO_RUN)?;
            let key = Key {
                prefix: 0,
                start: 0,
                len: 0,
            };
            path.push((apex, key));
        }
        let mut i = 0;
        while i < order.len() {
            let entry = order[i];
            while path
                .last()
                .is_some_and(|(_, above)| !above.begins(&entry.key, &keys))
            {
                path.pop();
            }
            // Ancestors between the deepest existing one and this name are empty
            // non-terminals (in canonical order an existing ancestor comes first and is
            // still on the path).
            let labels = usize::from(entry.labels);
            let below = labels.saturating_sub(origin_labels);
            let depth = path.last().map_or(0, |(n, _)| {
                usize::from(names.nodes[*n as usize].labels).saturating_sub(origin_labels)
            });
            let ents = names.nodes.len();
            if below > depth + 1 {
                let key = entry.key.bytes(&keys);
                for (d, key_end) in key_label_ends(key)
                    .enumerate()
                    .skip(depth)
                    .take(below - depth - 1)
                {
                    let node = names.add_node(origin_labels + d + 1, NO_RUN)?;
                    path.push((node, entry.key.cut(key_end)));
                }
            }
            let node = names.add_node(labels, entry.run)?;
            // A key is at least as long as the labels it stands for.
            names.name_bytes += usize::from(entry.key.len) + origin.as_wire().len();
            for ent in ents as u32..node {
                names.tails.push((ent, node));
            }
            path.push((node, entry.key));
            names.node_of_run[entry.run as usize] = node | FIRST_RUN;
            let mut last = entry.run;
            i += 1;
            while i < order.len() && order[i].key.same(&entry.key, &keys) {
                let run = order[i].run;
                names.node_of_run[run as usize] = node;
                names.next_run[last as usize] = run;
                last = run;
                i += 1;
            }
        }
        Ok(names)
    }

    /// Adds a node (the rest of it comes later).
    fn add_node(&mut self, labels: usize, first_run: u32) -> Result<u32, ZoneError> {
        let n = u32::try_from(self.nodes.len())
            .ok()
            .filter(|&n| n < FIRST_RUN)
            .ok_or(ZoneError::TooLarge("more than 2^31 names"))?;
        self.nodes.push(NodeData {
            name: 0,
            rrsets: 0,
            rrset_count: 0,
            flags: 0,
            name_len: 0,
            // A name has at most 127 labels.
            labels: labels as u8,
        });
        self.first_run.push(first_run);
        Ok(n)
    }
}

/// Where a node's name and RRsets went, noted by its first run.
#[derive(Clone, Copy, Default)]
struct Placed {
    name: u32,
    /// The index's hash of the name.
    hash: u32,
    rrsets: u32,
    rrset_count: u16,
    flags: u16,
    name_len: u8,
}

/// What screening the records found out for the layout.
pub(super) struct Screened<'r> {
    /// Where each run of records of one owner starts.
    pub(super) runs: &'r [u32],
    /// The runs' owners.
    pub(super) owners: OwnerKeys,
    /// The bytes the records' RDATA takes, with a 2-octet length each.
    pub(super) rdata_len: usize,
}

/// Groups the screened records into nodes and RRsets and lays them out.
pub(super) fn lay_out(
    origin: Name,
    class: Class,
    records: Vec<Record>,
    screened: Screened<'_>,
    opts: &CheckOptions,
    report: &mut Report,
) -> Result<Zone, ZoneError> {
    let Screened {
        runs,
        owners,
        rdata_len,
    } = screened;
    let Names {
        mut nodes,
        node_of_run,
        next_run,
        first_run,
        tails,
        name_bytes,
    } = Names::new(&origin, owners)?;
    let run_end = |run: usize| runs.get(run + 1).map_or(records.len(), |&e| e as usize);

    // The owner names, in wire form with their original case, in the order they first
    // appear and spelled as they were then.
    let mut names: Vec<u8> = Vec::with_capacity(name_bytes);
    let mut out = Arrays {
        rrsets: Vec::with_capacity(records.len()),
        rdata: Vec::with_capacity(rdata_len),
        records: 0,
    };
    let mut soa = u32::MAX;
    let apex = origin.as_wire().len();
    // Sized when filled, once the records are gone and their memory can be reused.
    let mut index = NameTable::with_capacity(0);
    // Each node's name and RRsets are written when its first run comes, so that the
    // records are read nearly in the order they are in memory.
    let mut placed = vec![Placed::default(); runs.len()];
    let mut members: Vec<Member> = Vec::new();
    for run in 0..runs.len() {
        if node_of_run[run] & FIRST_RUN == 0 {
            continue;
        }
        members.clear();
        let mut r = run;
        while r != NO_RUN as usize {
            members.extend((runs[r] as usize..run_end(r)).map(|i| Member::new(&records, i, r)));
            r = next_run[r] as usize;
        }
        let owner = records[runs[run] as usize].owner.as_wire();
        let first = out.rrsets.len();
        let mut flags = out.add_rrsets(&records, &mut members)?;
        if wire::is_wildcard(owner) {
            flags |= WILDCARD;
        }
        // The owners are at or below the origin: as long, they are the apex.
        if owner.len() == apex {
            // The apex's NS records are the zone's own, not a delegation.
            flags &= !CUT;
            if let Some(i) = out.rrsets[first..]
                .iter()
                .position(|r| r.rtype == RType::SOA)
            {
                soa = (first + i) as u32;
            }
        }
        check_node(owner, &out.rrsets[first..], flags, opts, report);
        placed[run] = Placed {
            name: u32::try_from(names.len())
                .map_err(|_| ZoneError::TooLarge("owner names over 4 GiB"))?,
            // A wire-form name is at most 255 octets.
            name_len: owner.len() as u8,
            rrsets: u32::try_from(first)
                .map_err(|_| ZoneError::TooLarge("more than 2^32 RRsets"))?,
            rrset_count: u16::try_from(out.rrsets.len() - first)
                .map_err(|_| ZoneError::TooLarge("more than 65535 RRsets at one name"))?,
            flags,
            hash: index.hash(owner),
        };
        names.extend_from_slice(owner);
    }
    drop(members);
    drop(node_of_run);
    drop(next_run);
    // The records' memory goes back before the rest is made, which can then reuse it.
    drop(records);

    let mut hashes = vec![0u32; nodes.len()];
    for ((node, hash), &run) in nodes.iter_mut().zip(&mut hashes).zip(&first_run) {
        if let Some(p) = placed.get(run as usize) {
            *hash = p.hash;
            node.name = p.name;
            node.name_len = p.name_len;
            node.rrsets = p.rrsets;
            node.rrset_count = p.rrset_count;
            node.flags = p.flags;
        }
    }
    drop(placed);
    drop(first_run);
    // An apex without records has the origin's spelling.
    if nodes[0].name_len == 0 {
        nodes[0].name = u32::try_from(names.len())
            .map_err(|_| ZoneError::TooLarge("owner names over 4 GiB"))?;
        nodes[0].name_len = apex as u8;
        names.extend_from_slice(origin.as_wire());
        hashes[0] = index.hash(origin.as_wire());
        if wire::is_wildcard(origin.as_wire()) {
            nodes[0].flags |= WILDCARD;
        }
    }
    nodes[0].flags |= APEX;
    // Empty non-terminals borrow the tail of the name below them.
    for (ent, below) in tails {
        let (ent, below) = (ent as usize, below as usize);
        let skip = usize::from(nodes[below].labels - nodes[ent].labels);
        let start = nodes[below].name as usize;
        let wire = &names[start..start + usize::from(nodes[below].name_len)];
        let tail = LabelOffsets::parse(wire).map_or(0, |o| o.start(skip));
        nodes[ent].name = nodes[below].name + tail as u32;
        nodes[ent].name_len = nodes[below].name_len - tail as u8;
        if wire::is_wildcard(&wire[tail..]) {
            nodes[ent].flags |= WILDCARD;
        }
        hashes[ent] = index.hash(&wire[tail..]);
    }
    mark_occlusion(&mut nodes);
    index.fill(&hashes);
    Ok(Zone {
        origin,
        class,
        nodes: nodes.into_boxed_slice(),
        rrsets: out.rrsets.into_boxed_slice(),
        rdata: out.rdata.into_boxed_slice(),
        names: names.into_boxed_slice(),
        index,
        soa,
        records: out.records,
    })
}

/// A record of the node being laid out, the run it came in, and its place among the
/// node's RRsets.
#[derive(Clone, Copy)]
struct Member {
    record: u32,
    run: u32,
    /// The storage order of RRsets: the type (the covered type for RRSIGs), then 1 for
    /// the RRSIGs after it.
    set: u32,
}

impl Member {
    fn new(records: &[Record], record: usize, run: usize) -> Self {
        let r = &records[record];
        Self {
            // Records and runs are fewer than 2^32.
            record: record as u32,
            run: run as u32,
            set: u32::from(covered_type(r).0) << 1 | u32::from(r.rtype == RType::RRSIG),
        }
    }
}

/// The RRsets and RDATA written so far.
struct Arrays {
    rrsets: Vec<RRsetData>,
    rdata: Vec<u8>,
    records: usize,
}

impl Arrays {
    /// Sorts one name's records into RRsets (by type, each type's RRSIGs after it; RDATA in
    /// canonical order), drops duplicates, and appends the RRsets and their RDATA, each
    /// RRset with the TTL of its last record. Returns the node flags its types imply.
    ///
    /// Of records equal in canonical form (differing at most in the case of embedded
    /// names), BIND keeps the one of the first run that has any, and the last of them in
    /// that run.
    fn add_rrsets(&mut self, records: &[Record], members: &mut [Member]) -> Result<u16, ZoneError> {
        if members.len() > 1 {
            members.sort_unstable_by_key(|m| (m.set, m.record));
        }
        let mut flags = 0u16;
        let mut nsec3_only = !members.is_empty();
        for set in members.chunk_by_mut(|a, b| a.set == b.set) {
            let rtype = records[set[0].record as usize].rtype;
            let last = set.iter().map(|m| m.record).max().unwrap_or(set[0].record);
            // RDATA in canonical order. Most types have no names to lower-case for it, and
            // most names are written in lower case already: then the RDATA is its own
            // canonical form.
            let plain = crate::rdata::canonical_is_identity(rtype)
                || set.len() == 1
                || set.iter().all(|m| {
                    matches!(
                        canonical_rdata(&records[m.record as usize]),
                        Cow::Borrowed(_)
                    )
                });
            let raw = |m: &Member| records[m.record as usize].rdata.as_bytes();
            let canonical = |m: &Member| canonical_rdata(&records[m.record as usize]);
            let same = |a: &Member, b: &Member| match plain {
                true => raw(a) == raw(b),
                false => canonical(a) == canonical(b),
            };
            if set.len() > 1 {
                set.sort_unstable_by(|a, b| {
                    match plain {
                        true => raw(a).cmp(raw(b)),
                        false => canonical(a).cmp(&canonical(b)),
                    }
                    .then(a.record.cmp(&b.record))
                });
            }
            let ttl = records[last as usize].ttl;
            let data = u32::try_from(self.rdata.len())
                .map_err(|_| ZoneError::TooLarge("RDATA over 4 GiB"))?;
            let mut count = 0usize;
            for duplicates in set.chunk_by(|a, b| same(a, b)) {
                let first_run = duplicates[0].run;
                let keep = duplicates
                    .iter()
                    .filter(|m| m.run == first_run)
                    .map(|m| m.record)
                    .max()
                    .unwrap_or(duplicates[0].record);
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
            nsec3_only &= set[0].set >> 1 == u32::from(RType::NSEC3.0);
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
        if rrset.count > 1 && rrset.rtype.is_singleton() {
            report.error(
                Rejection::Singleton,
                format!(
                    "{}: multiple RRs of singleton type",
                    wire::display_wire(name)
                ),
            );
        }
    }
    if flags & HAS_CNAME != 0 && rrsets.iter().any(|r| !r.rtype.may_accompany_cname()) {
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
fn mark_occlusion(nodes: &mut [NodeData]) {
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
            if nodes[i].flags & WILDCARD != 0 {
                nodes[parent].flags |= WILDCARD_PARENT;
            }
        }
        path.push(i);
    }
}
