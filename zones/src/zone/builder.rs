//! Building a zone from records that come in batches, such as the messages of a zone
//! transfer, so that most of the work is done by the time the last batch arrives.
//!
//! Each batch is screened as it comes. A run of records (one owner's, consecutive) is laid
//! out as soon as the next run begins, and its records are dropped, as if it were its
//! node's only run. While the owners arrive in canonical order, as primaries send them,
//! the nodes are made, marked and indexed as well, and finishing is little more than the
//! checks of the whole zone. Otherwise the end sorts the owners; when an owner turns out
//! to have had several runs, the nodes laid out early are read back as records (what they
//! keep of the runs: each RRset's TTL and the records kept of duplicates) and everything
//! is laid out again, which gives the same zone as laying out the original records.

use std::ops::Range;

use super::build::{Report, Screen};
use super::layout::{
    Indexing, Names, Occlusion, OwnerKeys, Placement, Walk, assemble, fill_node, finish_nodes,
    name_ent, place_runs,
};
use super::table::NameTable;
use super::{CheckOptions, Zone, ZoneError};
use crate::diag::Diagnostic;
use crate::name::Name;
use crate::record::Record;
use crate::types::Class;

/// Past this many owners out of canonical order, runs are no longer laid out as they come:
/// the input is not a transfer in canonical order, and laying out early would likely be
/// undone.
const MAX_BREAKS: usize = 64;

/// A zone under construction from batches of records: [`push`](Self::push) each batch in
/// order, then [`finish`](Self::finish). The result is the same as [`Zone::build`] on all
/// the records at once, diagnostics included.
pub struct ZoneBuilder {
    origin: Name,
    class: Class,
    opts: CheckOptions,
    /// How many records are expected in all (a hint for sizing).
    expected: usize,
    screen: Screen,
    /// What screening found.
    report: Report,
    /// The records kept and not yet laid out; the first is kept record number `base`.
    records: Vec<Record>,
    base: usize,
    /// Records pushed so far, kept or not.
    given: usize,
    /// Where each run starts, by kept record number.
    runs: Vec<u32>,
    owners: OwnerKeys,
    /// The bytes the kept records' RDATA takes, with a 2-octet length each.
    rdata_len: usize,
    /// The first run whose owner does not sort after the one before.
    first_break: Option<usize>,
    /// How many runs' owners do not sort after the one before.
    breaks: usize,
    /// The runs laid out so far (`0..laid_out`), each as its node's only run.
    laid_out: usize,
    placement: Placement,
    /// While the owners ascend: the nodes of the runs laid out.
    sorted: Option<Sorted>,
    /// Whether runs are laid out as they come.
    eager: bool,
    /// A limit the zone exceeds.
    failed: Option<ZoneError>,
}

/// What a finished [`ZoneBuilder`] worked in, freed when dropped.
pub struct Scratch {
    _spent: ZoneBuilder,
}

/// The nodes made so far, while the owners come in canonical order.
struct Sorted {
    walk: Walk,
    /// The index of their names (the apex's may still be missing), hashing as the
    /// placement does.
    index: NameTable,
    occlusion: Occlusion,
}

impl ZoneBuilder {
    /// A builder for the zone `origin` of `class`, to be checked as `opts` says, expecting
    /// about `expected` records (0 when unknown: the arrays then grow as needed).
    pub fn new(origin: Name, class: Class, opts: CheckOptions, expected: usize) -> Self {
        Self::with(origin, class, opts, expected, true)
    }

    /// A builder that lays out nothing before the end, for records that come all at
    /// once (laying out as they come pays only when it overlaps with their arrival).
    pub(super) fn all_at_end(
        origin: Name,
        class: Class,
        opts: CheckOptions,
        expected: usize,
    ) -> Self {
        Self::with(origin, class, opts, expected, false)
    }

    fn with(origin: Name, class: Class, opts: CheckOptions, expected: usize, eager: bool) -> Self {
        let placement = Placement::new(&origin, 0, 0, 0);
        let sorted = eager.then(|| Sorted {
            walk: Walk::new(&origin, expected),
            index: NameTable::empty_like(placement.index()),
            occlusion: Occlusion::new(),
        });
        Self {
            owners: OwnerKeys::new(&origin, expected),
            placement,
            sorted,
            origin,
            class,
            opts,
            expected,
            screen: Screen::new(),
            report: Report::new(),
            records: Vec::new(),
            base: 0,
            given: 0,
            runs: Vec::new(),
            rdata_len: 0,
            first_break: None,
            breaks: 0,
            laid_out: 0,
            eager,
            failed: None,
        }
    }

    /// Screens the next records and lays out those whose owner is complete (the last
    /// owner's records may continue in the next batch).
    pub fn push(&mut self, mut batch: Vec<Record>) {
        if self.failed.is_some() {
            return;
        }
        self.given += batch.len();
        if u32::try_from(self.given).is_err() {
            self.fail(ZoneError::TooLarge("more than 2^32 - 1 records"));
            return;
        }
        // Fewer than 2^32 records were given, so fewer were kept.
        let first = (self.base + self.records.len()) as u32;
        let (owners, rdata_len) = (&mut self.owners, &mut self.rdata_len);
        let (first_break, breaks) = (&mut self.first_break, &mut self.breaks);
        // Only laying out early cares about the order.
        let eager = self.eager;
        self.screen.batch(
            (&self.origin, self.class),
            &mut batch,
            first,
            &mut self.report,
            &mut self.runs,
            |record, new_run| {
                if new_run {
                    owners.add(record.owner.as_wire());
                    if eager && !owners.last_ascends() {
                        *breaks += 1;
                        first_break.get_or_insert(owners.len() - 1);
                    }
                }
                *rdata_len += 2 + record.rdata.as_bytes().len();
            },
        );
        if self.records.is_empty() {
            self.records = batch;
        } else {
            self.records.append(&mut batch);
        }
        if self.eager {
            let complete = self.runs.len().saturating_sub(1);
            let upto = match self.first_break {
                Some(b) if self.breaks > MAX_BREAKS => complete.min(b),
                _ => complete,
            };
            self.lay_out_runs(upto);
        }
    }

    /// Finishes the zone: lays out what is left, then checks the zone as a whole.
    ///
    /// Errors as [`Zone::build`].
    pub fn finish(self) -> Result<(Zone, Vec<Diagnostic>), ZoneError> {
        self.finish_apart().0
    }

    /// As [`finish`](Self::finish), but hands back the memory the builder worked in rather
    /// than freeing it: for a large zone some tens of megabytes, whose freeing takes
    /// milliseconds that the caller may rather spend once the zone is in use.
    pub fn finish_apart(mut self) -> (Result<(Zone, Vec<Diagnostic>), ZoneError>, Scratch) {
        let result = self.complete();
        (result, Scratch { _spent: self })
    }

    /// Finishes the zone, leaving in the builder only what it worked in.
    fn complete(&mut self) -> Result<(Zone, Vec<Diagnostic>), ZoneError> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        let in_order = self.first_break.is_none() && self.eager;
        if in_order {
            self.lay_out_runs(self.runs.len());
            if let Some(e) = self.failed.take() {
                return Err(e);
            }
        }
        let zone = match self.sorted.as_mut().filter(|_| in_order) {
            Some(sorted) => {
                // Without records the zone still has its apex (and fails its checks).
                sorted.walk.ensure_apex()?;
                let nodes = std::mem::take(&mut sorted.walk.nodes);
                let index = std::mem::replace(
                    &mut sorted.index,
                    NameTable::empty_like(self.placement.index()),
                );
                self.report
                    .append(std::mem::replace(&mut self.placement.report, Report::new()));
                assemble(
                    self.origin.clone(),
                    self.class,
                    nodes,
                    Indexing::Filled(index),
                    &mut self.placement,
                )?
            }
            None => self.lay_out_at_end()?,
        };
        let mut report = std::mem::replace(&mut self.report, Report::new());
        // As in BIND, errors while loading stop before the checks of the loaded zone.
        if report.rejection.is_none() {
            super::checks::check_loaded(&zone, &self.opts, &mut report);
        }
        match report.rejection {
            Some(reason) => Err(report.into_error(reason)),
            None => Ok((zone, report.diagnostics)),
        }
    }

    /// Makes the zone when the owners did not all come in canonical order: sorts them, lays
    /// out the runs not laid out yet (or, when an owner had several runs, every run again),
    /// then makes the nodes.
    fn lay_out_at_end(&mut self) -> Result<Zone, ZoneError> {
        self.sorted = None;
        let origin = self.origin.clone();
        let owners = std::mem::replace(&mut self.owners, OwnerKeys::new(&origin, 0));
        let names = Names::new(&origin, owners)?;
        if names.shared && self.laid_out > 0 {
            self.read_back();
        }
        if self.laid_out == 0 {
            self.placement = Placement::new(
                &origin,
                self.records.len(),
                self.rdata_len,
                names.walk.name_bytes,
            );
        }
        let records = std::mem::take(&mut self.records);
        let (runs, base) = (&self.runs, self.base);
        let span = |run: usize| {
            let end = runs
                .get(run + 1)
                .map_or(base + records.len(), |&e| e as usize);
            runs[run] as usize - base..end - base
        };
        place_runs(
            &records,
            span,
            self.laid_out..runs.len(),
            &names,
            &mut self.placement,
            &self.opts,
        )?;
        // The records' memory goes back before the rest is made, which can then reuse it.
        drop(records);
        self.report
            .append(std::mem::replace(&mut self.placement.report, Report::new()));
        let placement = std::mem::replace(&mut self.placement, Placement::new(&origin, 0, 0, 0));
        finish_nodes(origin, self.class, names.walk, placement)
    }

    /// Gives up: the zone exceeds a limit.
    fn fail(&mut self, e: ZoneError) {
        self.failed = Some(e);
        self.records = Vec::new();
        self.sorted = None;
    }

    /// Lays out runs `laid_out..upto` (they must be complete), each as its node's only run,
    /// and drops their records.
    fn lay_out_runs(&mut self, upto: usize) {
        if upto <= self.laid_out || self.failed.is_some() {
            return;
        }
        if self.laid_out == 0 {
            self.size_placement();
        }
        for run in self.laid_out..upto {
            let start = self.runs[run] as usize - self.base;
            let end = self
                .runs
                .get(run + 1)
                .map_or(self.base + self.records.len(), |&e| e as usize)
                - self.base;
            let ascending = self.first_break.is_none_or(|b| run < b);
            if !ascending {
                self.sorted = None;
            }
            let done = match self.sorted.as_mut() {
                Some(sorted) => sorted.add(
                    &self.owners,
                    run,
                    (&self.records, start..end),
                    &mut self.placement,
                    &self.opts,
                ),
                None => self.placement.place(
                    &self.records,
                    run,
                    std::iter::once((run, start..end)),
                    &self.opts,
                ),
            };
            if let Err(e) = done {
                self.fail(e);
                return;
            }
        }
        self.laid_out = upto;
        let next = self
            .runs
            .get(upto)
            .map_or(self.base + self.records.len(), |&s| s as usize);
        self.records.drain(..next - self.base);
        self.base = next;
    }

    /// Sizes the arrays before the first run is laid out, from what is known by then: what
    /// the records so far take, scaled up to the records expected.
    fn size_placement(&mut self) {
        let kept = self.base + self.records.len();
        let expected = self.expected.max(kept);
        let scale = |n: usize| match kept {
            0 => 0,
            k => n / k * expected + n % k * (expected / k),
        };
        let rdata = scale(self.rdata_len);
        // A key is about as long as the name it stands for, less the origin.
        let origin_len = self.origin.as_wire().len();
        let names = scale(self.owners.keys().len() + self.owners.len() * origin_len);
        self.placement
            .reserve(expected, rdata, names, scale(self.runs.len()));
    }

    /// Turns the runs laid out so far back into records, put before those not laid out
    /// yet, and starts the layout again from nothing.
    fn read_back(&mut self) {
        let mut records = Vec::with_capacity(self.base + self.records.len());
        let mut runs = Vec::with_capacity(self.runs.len());
        for run in 0..self.laid_out {
            // Fewer records come back than were laid out, fewer than 2^32.
            runs.push(records.len() as u32);
            records.extend(self.placement.records_of(run, self.class));
        }
        let offset = records.len();
        for &start in &self.runs[self.laid_out..] {
            runs.push((start as usize - self.base + offset) as u32);
        }
        records.append(&mut self.records);
        self.records = records;
        self.runs = runs;
        self.base = 0;
        self.laid_out = 0;
    }
}

impl Sorted {
    /// Adds the node of run `run`, whose owner sorts after every one so far, with the empty
    /// non-terminals above it; lays out its records, the `span` of `records`.
    fn add(
        &mut self,
        owners: &OwnerKeys,
        run: usize,
        (records, span): (&[Record], Range<usize>),
        placement: &mut Placement,
        opts: &CheckOptions,
    ) -> Result<(), ZoneError> {
        let entry = owners.entry(run);
        if entry.key_len() > 0 && self.walk.nodes.is_empty() {
            // Its name, and so its hash, come at the end.
            self.walk.ensure_apex()?;
            self.occlusion.mark(&mut self.walk.nodes, 0);
        }
        let ents = self.walk.nodes.len();
        let node = self.walk.add(&entry, owners.keys())? as usize;
        placement.place(records, run, std::iter::once((run, span)), opts)?;
        let placed = placement.placed(run);
        let nodes = &mut self.walk.nodes;
        fill_node(&mut nodes[node], &placed);
        // Nodes are fewer than 2^31.
        self.index.insert(placed.hash, node as u32);
        for ent in ents..node {
            let hash = name_ent(nodes, placement.names(), placement.index(), ent, node);
            self.index.insert(hash, ent as u32);
        }
        self.walk.tails.clear();
        for i in ents..=node {
            self.occlusion.mark(nodes, i);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Rdata;
    use crate::types::RType;
    use crate::zone::canonical_cmp;

    /// A small deterministic generator (xorshift), so that a failure can be replayed.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }
    }

    fn name(text: &str) -> Name {
        Name::from_text(text, None).expect("valid test name")
    }

    fn origin() -> Name {
        name("example.")
    }

    /// A name from a small pool, so that owners repeat, nest, and need empty
    /// non-terminals; now and then in upper case, at a wildcard, or outside the zone.
    fn owner(rng: &mut Rng) -> String {
        const LABELS: [&str; 6] = ["a", "b", "*", "c", "ns", "x"];
        if rng.chance(3) {
            return "elsewhere.".into();
        }
        let mut text = String::new();
        for _ in 0..rng.below(4) {
            let label = LABELS[rng.below(LABELS.len())];
            text.push_str(&if rng.chance(15) {
                label.to_uppercase()
            } else {
                label.to_string()
            });
            text.push('.');
        }
        text.push_str(if rng.chance(10) {
            "EXAMPLE."
        } else {
            "example."
        });
        text
    }

    fn soa(serial: u32) -> Rdata {
        let mut rdata = name("ns.example.").as_wire().to_vec();
        rdata.extend_from_slice(name("hostmaster.example.").as_wire());
        for v in [serial, 3600, 600, 86400, 60] {
            rdata.extend_from_slice(&v.to_be_bytes());
        }
        Rdata::from(rdata)
    }

    fn record(owner: &str, rtype: RType, ttl: u32, rdata: Rdata) -> Record {
        Record {
            owner: name(owner),
            ttl,
            class: Class::IN,
            rtype,
            rdata,
        }
    }

    /// A random record: most types the builder treats apart (NS, CNAME, DNAME, DS, SOA,
    /// RRSIG, NSEC3), duplicates differing in case, two TTLs, now and then a wrong class
    /// or a meta type.
    fn random_record(rng: &mut Rng) -> Record {
        let owner = owner(rng);
        let ttl = [60, 300][rng.below(2)];
        let target = |rng: &mut Rng| {
            let t = ["ns.example.", "NS.example.", "a.example.", "out.side."][rng.below(4)];
            name(t).as_wire().to_vec()
        };
        let (rtype, rdata) = match rng.below(13) {
            0..=3 => (RType::A, vec![192, 0, 2, rng.below(3) as u8]),
            4 => (RType::NS, target(rng)),
            5 => (RType::CNAME, target(rng)),
            6 => (RType::DNAME, target(rng)),
            7 => {
                let mut mx = vec![0, 10];
                mx.extend(target(rng));
                (RType::MX, mx)
            }
            8 => (RType::DS, vec![0, 1, 8, 2, rng.below(2) as u8]),
            9 => (RType::SOA, soa(rng.below(2) as u32).as_bytes().to_vec()),
            10 => {
                let covered = [RType::A, RType::NS][rng.below(2)];
                let mut sig = covered.0.to_be_bytes().to_vec();
                sig.extend_from_slice(&[8, 2, 0, 0, 0, rng.below(2) as u8]);
                (RType::RRSIG, sig)
            }
            11 => (RType(50), vec![1, 0, 0, 1, 0, rng.below(2) as u8, 0, 0]),
            _ => (RType::TXT, vec![1, b'a' + rng.below(2) as u8]),
        };
        let mut r = record(&owner, rtype, ttl, Rdata::from(rdata));
        if rng.chance(1) {
            r.class = Class::CH;
        }
        if rng.chance(1) {
            r.rtype = RType(255);
        }
        r
    }

    /// A zone's records: usually with an SOA and NS at the apex and the NS target's
    /// address, then random records.
    fn random_zone(rng: &mut Rng) -> Vec<Record> {
        let mut records = Vec::new();
        if rng.chance(95) {
            records.push(record("example.", RType::SOA, 300, soa(1)));
            let ns = name("ns.example.").as_wire().to_vec();
            records.push(record("example.", RType::NS, 300, Rdata::from(ns)));
            records.push(record(
                "ns.example.",
                RType::A,
                300,
                Rdata::from(vec![1, 2, 3, 4]),
            ));
        }
        for _ in 0..rng.below(40) {
            records.push(random_record(rng));
        }
        records
    }

    /// The records in the order a primary sends them: the apex SOA first, then by owner in
    /// canonical order (each owner's records together, in their order).
    fn as_transferred(mut records: Vec<Record>) -> Vec<Record> {
        records.sort_by(|a, b| {
            canonical_cmp(a.owner.as_wire(), b.owner.as_wire()).unwrap_or(std::cmp::Ordering::Equal)
        });
        if let Some(i) = records.iter().position(|r| {
            r.rtype == RType::SOA && r.owner.as_wire().eq_ignore_ascii_case(origin().as_wire())
        }) {
            let soa = records.remove(i);
            records.insert(0, soa);
        }
        records
    }

    /// Everything a zone shows: per node in order its name, flags, and RRsets with their
    /// RDATA; that the index finds every node; the record count and the SOA.
    fn dump(zone: &Zone) -> String {
        let mut out = format!("records {} soa {:?}\n", zone.record_count(), zone.soa());
        for i in 0..zone.nodes.len() as u32 {
            let node = &zone.nodes[i as usize];
            out += &format!(
                "{:?} flags {:#x} labels {} found {:?}\n",
                zone.node_name(i),
                node.flags,
                node.labels,
                zone.find(zone.node_name(i)),
            );
            for rrset in zone.node_at(i).rrsets() {
                out += &format!(
                    "  {} ttl {} {:?}\n",
                    rrset.rtype(),
                    rrset.ttl(),
                    rrset.rdatas().collect::<Vec<_>>()
                );
            }
        }
        out
    }

    fn outcome(result: Result<(Zone, Vec<Diagnostic>), ZoneError>) -> String {
        match result {
            Ok((zone, diagnostics)) => format!("{}{diagnostics:?}", dump(&zone)),
            Err(e) => format!("{e:?}"),
        }
    }

    fn in_batches(
        records: Vec<Record>,
        rng: &mut Rng,
    ) -> Result<(Zone, Vec<Diagnostic>), ZoneError> {
        let mut builder = ZoneBuilder::new(origin(), Class::IN, CheckOptions::default(), 0);
        let mut records = records.into_iter().peekable();
        while records.peek().is_some() {
            let size = 1 + rng.below(12);
            builder.push(records.by_ref().take(size).collect());
        }
        builder.finish()
    }

    fn at_end(records: Vec<Record>) -> Result<(Zone, Vec<Diagnostic>), ZoneError> {
        Zone::build(origin(), Class::IN, records, &CheckOptions::default())
    }

    /// All at once, but laid out as if they came in a batch.
    fn in_one_batch(records: Vec<Record>) -> Result<(Zone, Vec<Diagnostic>), ZoneError> {
        let mut builder = ZoneBuilder::new(origin(), Class::IN, CheckOptions::default(), 0);
        builder.push(records);
        builder.finish()
    }

    #[test]
    fn batches_in_any_order_build_what_the_records_at_once_build() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut ok = 0;
        for case in 0..3000 {
            let mut records = random_zone(&mut rng);
            match case % 5 {
                // As sent by a primary.
                0 | 1 => records = as_transferred(records),
                // As sent, with one owner's records moved to the end (NSEC3 owners, say).
                2 => {
                    records = as_transferred(records);
                    if records.len() > 2 {
                        let i = 1 + rng.below(records.len() - 1);
                        let moved = records.remove(i);
                        records.push(moved);
                    }
                }
                // As sent, with two records swapped.
                3 if records.len() > 2 => {
                    records = as_transferred(records);
                    let (i, j) = (rng.below(records.len()), rng.below(records.len()));
                    records.swap(i, j);
                }
                // As generated.
                _ => {}
            }
            let expected = outcome(at_end(records.clone()));
            ok += usize::from(!expected.starts_with("Rejected"));
            assert_eq!(
                outcome(in_batches(records.clone(), &mut rng)),
                expected,
                "case {case}: {records:?}"
            );
            assert_eq!(outcome(in_one_batch(records)), expected, "case {case}");
        }
        // The cases are not all rejections.
        assert!(ok > 300, "only {ok} zones loaded");
    }

    /// The apex of `example.`: its SOA and NS.
    fn apex() -> Vec<Record> {
        vec![
            record("example.", RType::SOA, 300, soa(1)),
            record(
                "example.",
                RType::NS,
                300,
                Rdata::from(name("ns.example.").as_wire().to_vec()),
            ),
        ]
    }

    #[test]
    fn many_owners_out_of_order_are_laid_out_at_the_end() {
        let mut records = apex();
        // Descending owners, each twice but apart: every owner breaks the order.
        for round in 0..2u8 {
            for i in (0..200u32).rev() {
                let owner = format!("h{i}.example.");
                records.push(record(
                    &owner,
                    RType::A,
                    300,
                    Rdata::from(vec![10, 0, round, 1]),
                ));
            }
        }
        records.push(record(
            "ns.example.",
            RType::A,
            300,
            Rdata::from(vec![1, 2, 3, 4]),
        ));
        let expected = outcome(at_end(records.clone()));
        assert!(expected.starts_with("records 403"), "{expected}");
        let mut rng = Rng(7);
        assert_eq!(outcome(in_batches(records, &mut rng)), expected);
    }

    #[test]
    fn a_zone_in_canonical_order_is_laid_out_as_it_comes() {
        let mut records = apex();
        for i in 0..100u32 {
            let owner = format!("h{i:03}.sub.example.");
            records.push(record(
                &owner,
                RType::A,
                300,
                Rdata::from(vec![10, 0, 0, 1]),
            ));
        }
        records.push(record(
            "ns.example.",
            RType::A,
            300,
            Rdata::from(vec![1, 2, 3, 4]),
        ));
        let mut builder = ZoneBuilder::new(origin(), Class::IN, CheckOptions::default(), 0);
        for chunk in records.chunks(10) {
            builder.push(chunk.to_vec());
            // Only the last owner's records wait.
            assert!(
                builder.records.len() <= 1,
                "{} waiting",
                builder.records.len()
            );
        }
        assert!(builder.sorted.is_some());
        let (zone, _) = builder.finish().expect("zone loads");
        assert_eq!(
            outcome(Ok((zone, Vec::new()))),
            outcome(at_end(records).map(|(z, _)| (z, Vec::new())))
        );
    }
}
