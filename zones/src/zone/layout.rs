//! Laying screened records out in the zone's arrays: the owners sorted into canonical
//! order by keys made once (empty non-terminals added), RRsets sorted and deduplicated,
//! delegation and DNAME occlusion marked, the name index filled.
//!
//! After the sort, every pass reads the records in input order, which is how they lie in
//! memory, and names and RRsets are written in the order names first appear; only the node
//! array is in canonical order, filled from notes kept per run with one look-up per node.
//!
//! The pieces also work a run at a time, for a builder fed records as they arrive
//! ([`ZoneBuilder`](super::ZoneBuilder)): a [`Placement`] lays out one name's RRsets as soon
//! as its records are all in, and while the owners come in canonical order a [`Walk`] makes
//! their nodes and an [`Occlusion`] pass marks them, so that little is left for the end.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::ops::Range;

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
pub(super) struct SortEntry {
    key: Key,
    run: u32,
    /// Labels of the owner, the root label not counted.
    labels: u8,
}

impl SortEntry {
    /// The length of the owner's key: 0 for the apex.
    pub(super) fn key_len(&self) -> u16 {
        self.key.len
    }
}

/// No run.
const NO_RUN: u32 = u32::MAX;
/// In [`Names::node_of_run`]: the run is its node's first.
const FIRST_RUN: u32 = 1 << 31;

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

    /// How many runs have an owner noted.
    pub(super) fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether the owner of the last run noted sorts after that of the run before it (or is
    /// the first): the owners so far are then in strictly ascending canonical order.
    pub(super) fn last_ascends(&self) -> bool {
        match self.order.as_slice() {
            [.., a, b] => a.key.cmp(&b.key, &self.keys) == Ordering::Less,
            _ => true,
        }
    }

    /// The owner of run `run`, which must have been noted.
    pub(super) fn entry(&self, run: usize) -> SortEntry {
        self.order[run]
    }

    /// The key bytes the entries point into.
    pub(super) fn keys(&self) -> &[u8] {
        &self.keys
    }
}

/// The nodes of owners taken in canonical order: the apex first, then for each new owner
/// the empty non-terminals between it and its deepest existing ancestor, then its own node.
pub(super) struct Walk {
    origin_labels: usize,
    origin_len: usize,
    /// The nodes; only `labels` is set.
    pub(super) nodes: Vec<NodeData>,
    /// The first run of each node ([`NO_RUN`] for the empty non-terminals, and for the apex
    /// when it has no records).
    pub(super) first_run: Vec<u32>,
    /// Each empty non-terminal and the node below it whose name it is the tail of.
    pub(super) tails: Vec<(u32, u32)>,
    /// About how many bytes the owner names take in wire form (a little more).
    pub(super) name_bytes: usize,
    /// The path from the apex to the last node: the key of each node on it.
    path: Vec<(u32, Key)>,
}

impl Walk {
    /// A walk with room for `capacity` nodes.
    pub(super) fn new(origin: &Name, capacity: usize) -> Self {
        Self {
            origin_labels: origin.label_count(),
            origin_len: origin.as_wire().len(),
            nodes: Vec::with_capacity(capacity),
            first_run: Vec::with_capacity(capacity),
            tails: Vec::new(),
            name_bytes: origin.as_wire().len(),
            path: Vec::with_capacity(16),
        }
    }

    /// Adds the apex, without records, unless there is a node already.
    pub(super) fn ensure_apex(&mut self) -> Result<(), ZoneError> {
        if self.nodes.is_empty() {
            let apex = self.add_node(self.origin_labels, NO_RUN)?;
            let key = Key {
                prefix: 0,
                start: 0,
                len: 0,
            };
            self.path.push((apex, key));
        }
        Ok(())
    }

    /// Adds the node of `entry`'s owner, whose key sorts after those of every node so far,
    /// with `entry`'s run as its first, and the empty non-terminals above it. The apex must
    /// be there already unless this is it. Returns the node.
    #[inline]
    pub(super) fn add(&mut self, entry: &SortEntry, keys: &[u8]) -> Result<u32, ZoneError> {
        while self
            .path
            .last()
            .is_some_and(|(_, above)| !above.begins(&entry.key, keys))
        {
            self.path.pop();
        }
        // Ancestors between the deepest existing one and this name are empty
        // non-terminals (in canonical order an existing ancestor comes first and is
        // still on the path).
        let origin_labels = self.origin_labels;
        let labels = usize::from(entry.labels);
        let below = labels.saturating_sub(origin_labels);
        let depth = self.path.last().map_or(0, |(n, _)| {
            usize::from(self.nodes[*n as usize].labels).saturating_sub(origin_labels)
        });
        let ents = self.nodes.len();
        if below > depth + 1 {
            let key = entry.key.bytes(keys);
            for (d, key_end) in key_label_ends(key)
                .enumerate()
                .skip(depth)
                .take(below - depth - 1)
            {
                let node = self.add_node(origin_labels + d + 1, NO_RUN)?;
                self.path.push((node, entry.key.cut(key_end)));
            }
        }
        let node = self.add_node(labels, entry.run)?;
        // A key is at least as long as the labels it stands for.
        self.name_bytes += usize::from(entry.key.len) + self.origin_len;
        for ent in ents as u32..node {
            self.tails.push((ent, node));
        }
        self.path.push((node, entry.key));
        Ok(node)
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

/// The names of a zone being laid out: one node per owner, plus the apex and the empty
/// non-terminals, in canonical order, and the runs of each.
///
/// What the layout needs run by run is kept by run, in input order, so that laying out
/// the records reads these arrays in sequence rather than at random.
pub(super) struct Names {
    /// The nodes, their first runs and the empty non-terminals' tails.
    pub(super) walk: Walk,
    /// The node of each run, with [`FIRST_RUN`] on the first run of each node.
    node_of_run: Vec<u32>,
    /// The next run of the same owner, or [`NO_RUN`].
    next_run: Vec<u32>,
    /// Whether some owner has more than one run.
    pub(super) shared: bool,
}

impl Names {
    /// Sorts the runs by owner and makes one node per distinct owner, adding the apex and
    /// the empty non-terminals.
    pub(super) fn new(origin: &Name, owners: OwnerKeys) -> Result<Self, ZoneError> {
        let OwnerKeys {
            keys, mut order, ..
        } = owners;
        // Runs of one owner stay in input order, so the first is the one whose spelling the
        // node keeps.
        order.sort_unstable_by(|a, b| a.key.cmp(&b.key, &keys).then(a.run.cmp(&b.run)));

        let runs = order.len();
        let mut names = Names {
            walk: Walk::new(origin, runs + 1),
            node_of_run: vec![0; runs],
            next_run: vec![NO_RUN; runs],
            shared: false,
        };
        if order.first().is_none_or(|e| e.key.len > 0) {
            names.walk.ensure_apex()?;
        }
        let mut i = 0;
        while i < order.len() {
            let entry = order[i];
            let node = names.walk.add(&entry, &keys)?;
            names.node_of_run[entry.run as usize] = node | FIRST_RUN;
            let mut last = entry.run;
            i += 1;
            while i < order.len() && order[i].key.same(&entry.key, &keys) {
                let run = order[i].run;
                names.node_of_run[run as usize] = node;
                names.next_run[last as usize] = run;
                names.shared = true;
                last = run;
                i += 1;
            }
        }
        Ok(names)
    }
}

/// Where a node's name and RRsets went, noted by its first run.
#[derive(Clone, Copy, Default)]
pub(super) struct Placed {
    name: u32,
    /// The index's hash of the name.
    pub(super) hash: u32,
    rrsets: u32,
    rrset_count: u16,
    flags: u16,
    name_len: u8,
}

/// The RRsets, their RDATA and the owner names laid out so far, and where each run's node
/// went.
pub(super) struct Placement {
    out: Arrays,
    /// The owner names, in wire form with their original case, in the order they first
    /// appear and spelled as they were then.
    names: Vec<u8>,
    /// By run: where the node of which the run is the first went.
    placed: Vec<Placed>,
    /// The SOA RRset's index in `out.rrsets`.
    soa: u32,
    /// Empty until the end; its seed hashes the names as they are placed.
    index: NameTable,
    apex_len: usize,
    members: Vec<Member>,
    /// What the checks of each node found.
    pub(super) report: Report,
}

impl Placement {
    /// An empty layout, with room for about `rrsets` RRsets, `rdata` bytes of RDATA and
    /// `names` bytes of names.
    pub(super) fn new(origin: &Name, rrsets: usize, rdata: usize, names: usize) -> Self {
        Self {
            out: Arrays {
                rrsets: Vec::with_capacity(rrsets),
                rdata: Vec::with_capacity(rdata),
                records: 0,
            },
            names: Vec::with_capacity(names),
            placed: Vec::new(),
            soa: u32::MAX,
            // Sized when filled, once the records are gone and their memory can be reused.
            index: NameTable::with_capacity(0),
            apex_len: origin.as_wire().len(),
            members: Vec::new(),
            report: Report::new(),
        }
    }

    /// Makes room for about `rrsets` more RRsets, `rdata` more bytes of RDATA, `names`
    /// more bytes of names and `runs` more runs.
    pub(super) fn reserve(&mut self, rrsets: usize, rdata: usize, names: usize, runs: usize) {
        self.out.rrsets.reserve(rrsets);
        self.out.rdata.reserve(rdata);
        self.names.reserve(names);
        self.placed.reserve(runs);
    }

    /// Where the node of which run `run` is the first went.
    pub(super) fn placed(&self, run: usize) -> Placed {
        self.placed.get(run).copied().unwrap_or_default()
    }

    /// The names written so far.
    pub(super) fn names(&self) -> &[u8] {
        &self.names
    }

    /// The index whose hash the names are placed with.
    pub(super) fn index(&self) -> &NameTable {
        &self.index
    }

    /// Lays out the node whose first run is `run`: its records are `spans` of `records`
    /// (ranges, each with the run it is), the first span that run's. Notes where the node
    /// went under `run` and reports what the checks of BIND's database find.
    #[inline]
    pub(super) fn place(
        &mut self,
        records: &[Record],
        run: usize,
        spans: impl Iterator<Item = (usize, Range<usize>)>,
        opts: &CheckOptions,
    ) -> Result<(), ZoneError> {
        let mut members = std::mem::take(&mut self.members);
        members.clear();
        for (r, span) in spans {
            members.extend(span.map(|i| Member::new(records, i, r)));
        }
        let Some(first_member) = members.first() else {
            self.members = members;
            return Ok(());
        };
        let owner = records[first_member.record as usize].owner.as_wire();
        let first = self.out.rrsets.len();
        let mut flags = self.out.add_rrsets(records, &mut members)?;
        self.members = members;
        if wire::is_wildcard(owner) {
            flags |= WILDCARD;
        }
        // The owners are at or below the origin: as long, they are the apex.
        if owner.len() == self.apex_len {
            // The apex's NS records are the zone's own, not a delegation.
            flags &= !CUT;
            if let Some(i) = self.out.rrsets[first..]
                .iter()
                .position(|r| r.rtype == RType::SOA)
            {
                self.soa = (first + i) as u32;
            }
        }
        check_node(
            owner,
            &self.out.rrsets[first..],
            flags,
            opts,
            &mut self.report,
        );
        if self.placed.len() <= run {
            self.placed.resize(run + 1, Placed::default());
        }
        self.placed[run] = Placed {
            name: u32::try_from(self.names.len())
                .map_err(|_| ZoneError::TooLarge("owner names over 4 GiB"))?,
            // A wire-form name is at most 255 octets.
            name_len: owner.len() as u8,
            rrsets: u32::try_from(first)
                .map_err(|_| ZoneError::TooLarge("more than 2^32 RRsets"))?,
            rrset_count: u16::try_from(self.out.rrsets.len() - first)
                .map_err(|_| ZoneError::TooLarge("more than 65535 RRsets at one name"))?,
            flags,
            hash: self.index.hash(owner),
        };
        self.names.extend_from_slice(owner);
        Ok(())
    }

    /// The records of the node placed for run `run`, as they were laid out: one for each
    /// RDATA kept, with its RRset's TTL and the owner's spelling.
    pub(super) fn records_of(&self, run: usize, class: Class) -> Vec<Record> {
        let p = self.placed(run);
        let start = p.name as usize;
        // The arena holds the owners of valid records: this always succeeds.
        let Ok(owner) = Name::from_wire(&self.names[start..start + usize::from(p.name_len)]) else {
            return Vec::new();
        };
        let sets = p.rrsets as usize..p.rrsets as usize + usize::from(p.rrset_count);
        let mut records = Vec::new();
        for (i, set) in self.out.rrsets[sets.clone()].iter().enumerate() {
            let end = self
                .out
                .rrsets
                .get(sets.start + i + 1)
                .map_or(self.out.rdata.len(), |next| next.data as usize);
            let mut at = set.data as usize;
            while at + 2 <= end {
                let len = usize::from(u16::from_be_bytes([
                    self.out.rdata[at],
                    self.out.rdata[at + 1],
                ]));
                let rdata = self.out.rdata[at + 2..at + 2 + len].to_vec();
                records.push(Record {
                    owner: owner.clone(),
                    ttl: set.ttl,
                    class,
                    rtype: set.rtype,
                    rdata: rdata.into(),
                });
                at += 2 + len;
            }
        }
        records
    }
}

/// Groups the screened records into nodes and RRsets and lays them out: each run of
/// `runs` (whose records are `span(run)` of `records`) that is its node's first, with the
/// other runs of the same owner, into `placement`, which holds the nodes of the runs
/// before.
pub(super) fn place_runs(
    records: &[Record],
    span: impl Fn(usize) -> Range<usize>,
    runs: Range<usize>,
    names: &Names,
    placement: &mut Placement,
    opts: &CheckOptions,
) -> Result<(), ZoneError> {
    if placement.placed.len() < runs.end {
        placement.placed.resize(runs.end, Placed::default());
    }
    for run in runs {
        if names.node_of_run[run] & FIRST_RUN == 0 {
            continue;
        }
        let mut r = run;
        let chain = std::iter::from_fn(|| {
            (r != NO_RUN as usize).then(|| {
                let this = r;
                r = names.next_run[r] as usize;
                (this, span(this))
            })
        });
        placement.place(records, run, chain, opts)?;
    }
    Ok(())
}

/// Gives node `ent`, an empty non-terminal, its name: the tail of that of `below`, a node
/// under it whose name is written. Returns the name's hash.
#[inline]
pub(super) fn name_ent(
    nodes: &mut [NodeData],
    names: &[u8],
    index: &NameTable,
    ent: usize,
    below: usize,
) -> u32 {
    let skip = usize::from(nodes[below].labels - nodes[ent].labels);
    let start = nodes[below].name as usize;
    let wire = &names[start..start + usize::from(nodes[below].name_len)];
    let tail = LabelOffsets::parse(wire).map_or(0, |o| o.start(skip));
    nodes[ent].name = nodes[below].name + tail as u32;
    nodes[ent].name_len = nodes[below].name_len - tail as u8;
    if wire::is_wildcard(&wire[tail..]) {
        nodes[ent].flags |= WILDCARD;
    }
    index.hash(&wire[tail..])
}

/// Fills a node from where its first run's records went.
#[inline]
pub(super) fn fill_node(node: &mut NodeData, p: &Placed) {
    node.name = p.name;
    node.name_len = p.name_len;
    node.rrsets = p.rrsets;
    node.rrset_count = p.rrset_count;
    node.flags = p.flags;
}

/// Makes the zone from the nodes of `walk`, all laid out in `placement`: names them,
/// marks them, indexes them.
pub(super) fn finish_nodes(
    origin: Name,
    class: Class,
    walk: Walk,
    mut placement: Placement,
) -> Result<Zone, ZoneError> {
    let Walk {
        mut nodes,
        first_run,
        tails,
        ..
    } = walk;
    let mut hashes = vec![0u32; nodes.len()];
    for ((node, hash), &run) in nodes.iter_mut().zip(&mut hashes).zip(&first_run) {
        if let Some(p) = placement.placed.get(run as usize) {
            *hash = p.hash;
            fill_node(node, p);
        }
    }
    drop(first_run);
    // Memory for the rest.
    placement.placed = Vec::new();
    // Empty non-terminals borrow the tail of the name below them.
    for (ent, below) in tails {
        let (ent, below) = (ent as usize, below as usize);
        hashes[ent] = name_ent(&mut nodes, &placement.names, &placement.index, ent, below);
    }
    mark_occlusion(&mut nodes);
    let index = std::mem::replace(&mut placement.index, NameTable::with_capacity(0));
    assemble(
        origin,
        class,
        nodes,
        Indexing::Fill(index, hashes),
        &mut placement,
    )
}

/// How the names of a zone's nodes get into its index.
pub(super) enum Indexing {
    /// Fill the empty table with these hashes, one per node (the apex's may be missing).
    Fill(NameTable, Vec<u32>),
    /// The table holds every node already, the apex perhaps excepted.
    Filled(NameTable),
}

/// Makes the zone from its finished nodes, in canonical order, indexed as `indexing` says,
/// and what `placement` laid out (it keeps only its notes): names the apex when it has no
/// records, completes the index.
pub(super) fn assemble(
    origin: Name,
    class: Class,
    mut nodes: Vec<NodeData>,
    indexing: Indexing,
    placement: &mut Placement,
) -> Result<Zone, ZoneError> {
    let out = std::mem::take(&mut placement.out);
    let mut names = std::mem::take(&mut placement.names);
    let soa = placement.soa;
    let (mut index, mut hashes) = match indexing {
        Indexing::Fill(index, hashes) => (index, Some(hashes)),
        Indexing::Filled(index) => (index, None),
    };
    // An apex without records has the origin's spelling.
    if nodes[0].name_len == 0 {
        nodes[0].name = u32::try_from(names.len())
            .map_err(|_| ZoneError::TooLarge("owner names over 4 GiB"))?;
        nodes[0].name_len = origin.as_wire().len() as u8;
        names.extend_from_slice(origin.as_wire());
        let hash = index.hash(origin.as_wire());
        match hashes.as_mut() {
            Some(hashes) => hashes[0] = hash,
            None => index.insert(hash, 0),
        }
        if wire::is_wildcard(origin.as_wire()) {
            nodes[0].flags |= WILDCARD;
        }
    }
    nodes[0].flags |= APEX;
    if let Some(hashes) = hashes {
        index.fill(&hashes);
    }
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
#[derive(Default)]
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

/// Marks the nodes below delegation points and DNAMEs, and the parents of wildcards, one
/// node at a time in canonical order.
///
/// In canonical order a node's parent is the nearest earlier node with one label fewer on
/// the path from the apex, so a stack of that path finds every parent without lookups.
pub(super) struct Occlusion {
    path: Vec<usize>,
}

impl Occlusion {
    /// Before the apex.
    pub(super) fn new() -> Self {
        Self {
            path: Vec::with_capacity(16),
        }
    }

    /// Marks node `i`, whose flags are set and which follows the nodes marked so far; its
    /// parent is among them.
    #[inline]
    pub(super) fn mark(&mut self, nodes: &mut [NodeData], i: usize) {
        let labels = nodes[i].labels;
        while self.path.last().is_some_and(|&p| nodes[p].labels >= labels) {
            self.path.pop();
        }
        if let Some(&parent) = self.path.last() {
            if nodes[parent].flags & (OCCLUDED | CUT | DNAME) != 0 {
                nodes[i].flags |= OCCLUDED;
            }
            if nodes[i].flags & WILDCARD != 0 {
                nodes[parent].flags |= WILDCARD_PARENT;
            }
        }
        self.path.push(i);
    }
}

/// Marks every node (see [`Occlusion`]).
fn mark_occlusion(nodes: &mut [NodeData]) {
    let mut occlusion = Occlusion::new();
    for i in 0..nodes.len() {
        occlusion.mark(nodes, i);
    }
}
