//! The zone: an immutable snapshot of one zone's data, checked as BIND checks a zone when it
//! loads it, laid out for the query path.
//!
//! # Design
//!
//! A [`Zone`] is built once ([`Zone::build`], or [`ZoneBuilder`] from records that come in
//! batches) and never changed; a reload, a transfer or an update builds a new one beside
//! it. Everything lives in a few flat arrays:
//!
//! - the **nodes**, one per owner name and one per empty non-terminal, in the canonical
//!   order of RFC 4034 §6.1 (so the apex is node 0, a node's descendants follow it, and a
//!   transfer or the zone writer simply walks the array);
//! - the **RRsets**, each node's together, each with its type, TTL and record count.
//!   Within a node they are ordered by type, and the RRSIGs covering a type form their own
//!   entry right after that type's RRset, so a signed answer finds its signatures next
//!   door;
//! - the **RDATA**, record after record, each as a 16-bit length and the uncompressed wire
//!   bytes, in the canonical order of RFC 4034 §6.3 within an RRset: what the response
//!   writer copies after the owner, type, class and TTL;
//! - the owner **names**, in wire form with their original case (an empty non-terminal
//!   borrows the tail of a descendant's name);
//! - a hash **index** from case-folded names to nodes (module `table`).
//!
//! A node takes 16 bytes, an RRset 12, a record 2 plus its RDATA, a name its wire length
//! and about 12 bytes of index. Views ([`Node`], [`RRset`]) are two words each and borrow
//! the zone; nothing on the lookup path allocates.

mod build;
mod builder;
mod checks;
mod layout;
mod node;
mod order;
mod records;
mod table;
pub(crate) mod wire;

use std::fmt;

use crate::diag::Diagnostic;
use crate::name::Name;
use crate::types::{Class, RType};

pub use builder::{Scratch, ZoneBuilder};
pub use node::{Node, Nodes, RRset, RRsets, Rdatas};
pub use order::canonical_cmp;
pub use records::{CanonicalRecords, RecordRef};

use table::NameTable;

/// How to treat a problem a check finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Report an error; the zone does not load.
    Fail,
    /// Report a warning; the zone loads.
    Warn,
    /// Say nothing.
    Ignore,
}

/// The checks made while building a zone, with named-checkzone's flags.
///
/// The master-file parser makes the checks that belong to a line of text (check-names
/// `-k`, non-terminal wildcards `-W`, NS and MX targets written as addresses `-n` and
/// `-m`, `max-zone-ttl` `-l`; see `master::Checks`); these are the checks over the data as
/// a whole. [`Default`] gives named-checkzone 9.18's defaults for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOptions {
    /// `-m`: an in-zone MX target without A or AAAA records. `Fail` rejects the zone;
    /// `Warn` and `Ignore` both report a warning, as BIND does whatever `-m` says (its
    /// `-m ignore` only silences the parser's "MX is an address").
    pub mx_integrity: Mode,
    /// `-M`: an MX target that is a CNAME or lies below a DNAME.
    pub mx_cname: Mode,
    /// `-S`: an SRV target that is a CNAME or lies below a DNAME. (An SRV target without
    /// addresses is always a warning, as in BIND.)
    pub srv_integrity: Mode,
    /// The NS targets of delegations inside the zone: a CNAME, below a DNAME, or without
    /// the address records (glue) it needs. BIND always reports these as non-fatal
    /// (`Warn`); `Fail` and `Ignore` are stricter and quieter choices of our own. BIND's
    /// `-n` is the parser's "NS record appears to be an address" check. The apex NS
    /// targets are always checked and always fatal, as in BIND.
    pub ns_integrity: Mode,
    /// A CNAME beside other data (RRSIG, NSEC and KEY excepted). BIND always rejects the
    /// zone (`Fail`); with `Warn` or `Ignore` the zone loads and a lookup prefers an exact
    /// type match to the CNAME.
    pub cname_other: Mode,
    /// `-i`: the post-load integrity checks (MX, SRV and delegation targets, SPF, DS and
    /// KEY algorithms). `-i none` turns them off; the SOA and apex NS checks stay.
    pub check_integrity: bool,
    /// `-i full|local` versus `-i full-sibling|local-sibling`: report NS targets below
    /// another delegation of this zone that have no glue ("SIBLING GLUE").
    pub check_siblings: bool,
    /// `-T`: warn about SPF records without an SPF-formatted TXT record beside them.
    pub check_spf: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            mx_integrity: Mode::Warn,
            mx_cname: Mode::Warn,
            srv_integrity: Mode::Warn,
            ns_integrity: Mode::Warn,
            cname_other: Mode::Fail,
            check_integrity: true,
            check_siblings: true,
            check_spf: true,
        }
    }
}

/// Why a zone was rejected: the first fatal problem, worded as BIND's result text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// A record's class is not the zone's.
    BadClass,
    /// A CNAME beside other data.
    CnameAndOtherData,
    /// More than one record of SOA, CNAME, DNAME, NSEC or another singleton type.
    Singleton,
    /// An SOA record below the apex.
    NotZoneTop,
    /// A DS record at the apex (it belongs to the parent zone).
    AtZoneTop,
    /// NS records at a wildcard name.
    InvalidNs,
    /// NSEC3 records at a wildcard name.
    InvalidNsec3,
    /// The data loaded but the zone fails its checks: SOA or NS missing at the apex, an
    /// apex NS target without addresses, or a check set to `Fail`.
    BadZone,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::BadClass => "bad class",
            Self::CnameAndOtherData => "CNAME and other data",
            Self::Singleton => "multiple RRs of singleton type",
            Self::NotZoneTop => "not at top of zone",
            Self::AtZoneTop => "at top of zone",
            Self::InvalidNs => "invalid NS owner name (wildcard)",
            Self::InvalidNsec3 => "invalid NSEC3 owner name",
            Self::BadZone => "bad zone",
        })
    }
}

/// Why a zone could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ZoneError {
    /// The data breaks a rule BIND enforces at load time. `diagnostics` holds every
    /// message the build produced, warnings and errors, in order.
    #[error("{reason}")]
    Rejected {
        /// The first fatal problem.
        reason: Rejection,
        /// Every warning and error, in the order found.
        diagnostics: Vec<Diagnostic>,
    },
    /// The zone exceeds a limit of the compact layout (4 GiB of RDATA, 2^32 nodes or
    /// RRsets, 65535 records in one RRset).
    #[error("zone too large: {0}")]
    TooLarge(&'static str),
}

/// The node is the zone apex.
const APEX: u16 = 1;
/// The node owns an NS RRset and is not the apex: a delegation point.
const CUT: u16 = 1 << 1;
/// The node owns a DNAME RRset.
const DNAME: u16 = 1 << 2;
/// The node lies strictly below a delegation point or a DNAME: its data is glue or
/// occluded, never an authoritative answer.
const OCCLUDED: u16 = 1 << 3;
/// The node has a `*` child.
const WILDCARD_PARENT: u16 = 1 << 4;
/// The node owns a CNAME RRset.
const HAS_CNAME: u16 = 1 << 5;
/// The node holds only NSEC3 records and their RRSIGs: hashed names live outside the
/// zone's namespace (RFC 5155 §7.2.8), so lookups do not see them.
const NSEC3_ONLY: u16 = 1 << 6;
/// The node owns a type the integrity checks look at (KEY, NS, DS, MX, SRV, SPF), so that
/// they can skip the rest without reading their RRsets.
const CHECKED_TYPES: u16 = 1 << 7;
/// The node's leftmost label is `*`: it is a wildcard (RFC 4592 §2.1.1).
const WILDCARD: u16 = 1 << 8;

/// One name: where its name and RRsets are. 16 bytes.
#[derive(Clone, Copy)]
struct NodeData {
    /// Offset of the wire-form name in `Zone::names`.
    name: u32,
    /// Index of the first RRset in `Zone::rrsets`.
    rrsets: u32,
    /// How many RRsets (RRSIG entries included) follow it.
    rrset_count: u16,
    flags: u16,
    name_len: u8,
    labels: u8,
}

/// One RRset (or the RRSIGs covering one type). 12 bytes.
#[derive(Clone, Copy)]
struct RRsetData {
    rtype: RType,
    count: u16,
    ttl: u32,
    /// Offset of the first record in `Zone::rdata`; the next RRset's is the end.
    data: u32,
}

/// An immutable, checked zone.
pub struct Zone {
    origin: Name,
    class: Class,
    nodes: Box<[NodeData]>,
    rrsets: Box<[RRsetData]>,
    rdata: Box<[u8]>,
    names: Box<[u8]>,
    index: NameTable,
    /// The SOA RRset's index in `rrsets`.
    soa: u32,
    records: usize,
}

/// The SOA record of a zone, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Soa<'a> {
    /// The TTL of the SOA RRset.
    pub ttl: u32,
    /// The primary name server, in wire form.
    pub mname: &'a [u8],
    /// The responsible mailbox, in wire form.
    pub rname: &'a [u8],
    /// The serial number.
    pub serial: u32,
    /// Seconds between refreshes.
    pub refresh: u32,
    /// Seconds between retries.
    pub retry: u32,
    /// Seconds until a secondary stops answering.
    pub expire: u32,
    /// The negative-caching TTL (RFC 2308 §4).
    pub minimum: u32,
}

impl Soa<'_> {
    /// Decodes SOA RDATA; `None` when it is malformed.
    fn parse(ttl: u32, rdata: &[u8]) -> Option<Soa<'_>> {
        let (_, mname_end) = Name::read_wire(rdata, 0).ok()?;
        let (_, rname_end) = Name::read_wire(rdata, mname_end).ok()?;
        let numbers = rdata.get(rname_end..)?;
        if numbers.len() != 20 {
            return None;
        }
        let word = |i: usize| {
            u32::from_be_bytes([
                numbers[i * 4],
                numbers[i * 4 + 1],
                numbers[i * 4 + 2],
                numbers[i * 4 + 3],
            ])
        };
        Some(Soa {
            ttl,
            mname: &rdata[..mname_end],
            rname: &rdata[mname_end..rname_end],
            serial: word(0),
            refresh: word(1),
            retry: word(2),
            expire: word(3),
            minimum: word(4),
        })
    }
}

impl Zone {
    /// The zone's origin.
    pub fn origin(&self) -> &Name {
        &self.origin
    }

    /// The zone's class.
    pub fn class(&self) -> Class {
        self.class
    }

    /// The SOA record (a built zone always has exactly one, well-formed).
    pub fn soa(&self) -> Soa<'_> {
        let rrset = self.soa_rrset();
        let rdata = rrset.rdatas().next().unwrap_or_default();
        // The builder refuses a zone whose SOA does not decode, so this always succeeds.
        Soa::parse(rrset.ttl(), rdata).unwrap_or(Soa {
            ttl: rrset.ttl(),
            mname: &[0],
            rname: &[0],
            serial: 0,
            refresh: 0,
            retry: 0,
            expire: 0,
            minimum: 0,
        })
    }

    /// The SOA RRset, as the authority section of a negative answer carries it.
    pub fn soa_rrset(&self) -> RRset<'_> {
        let (_, apex_end) = self.apex().rrset_range();
        RRset::new(self, self.soa, apex_end)
    }

    /// The SOA serial.
    pub fn serial(&self) -> u32 {
        self.soa().serial
    }

    /// The TTL of the SOA in a negative answer: the smaller of the SOA's TTL and its
    /// MINIMUM field (RFC 2308 §3).
    pub fn negative_ttl(&self) -> u32 {
        let soa = self.soa();
        soa.ttl.min(soa.minimum)
    }

    /// The apex node.
    pub fn apex(&self) -> Node<'_> {
        Node::new(self, 0)
    }

    /// The node with this wire-form name (any case), wherever it is: authoritative, an
    /// empty non-terminal, or glue and occluded data below a delegation. `None` when the
    /// name has no node or is not a valid name.
    pub fn node(&self, name: &[u8]) -> Option<Node<'_>> {
        wire::LabelOffsets::parse(name)?;
        self.find(name).map(|i| Node::new(self, i))
    }

    /// Every node, in canonical order (RFC 4034 §6.1), empty non-terminals included.
    pub fn nodes(&self) -> Nodes<'_> {
        Nodes::new(self)
    }

    /// How many nodes the zone has, empty non-terminals included.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// How many records the zone holds (RRSIGs included, duplicates removed).
    pub fn record_count(&self) -> usize {
        self.records
    }

    /// Every record in canonical order: owner names as RFC 4034 §6.1 orders them, then
    /// type, then RDATA in canonical form (§6.3). This is the order of AXFR and of the zone
    /// writer; the SOA comes first.
    pub fn records_canonical(&self) -> CanonicalRecords<'_> {
        CanonicalRecords::new(self)
    }

    /// The addresses to add to a referral or an answer for the NS (or MX, SRV) targets in
    /// `rrset`: for each target that has a node in this zone (glue below a delegation
    /// included), that node, in RDATA order. The caller picks its A and AAAA RRsets.
    pub fn glue<'a>(&'a self, rrset: RRset<'a>) -> impl Iterator<Item = Node<'a>> + 'a {
        let rtype = rrset.rtype();
        rrset.rdatas().filter_map(move |rdata| {
            let offset = match rtype {
                RType::NS => 0,
                RType::MX => 2,
                RType::SRV => 6,
                _ => return None,
            };
            let target = rdata.get(offset..)?;
            self.find(target).map(|i| Node::new(self, i))
        })
    }

    /// Whether the zone is signed: its apex has a DNSKEY RRset and RRSIGs over it.
    pub fn is_signed(&self) -> bool {
        self.apex()
            .rrset(RType::DNSKEY)
            .is_some_and(|k| k.signatures().is_some())
    }

    /// Bytes of memory the zone holds beyond the `Zone` value itself.
    pub fn heap_size(&self) -> usize {
        self.nodes.len() * size_of::<NodeData>()
            + self.rrsets.len() * size_of::<RRsetData>()
            + self.rdata.len()
            + self.names.len()
            + self.index.heap_size()
            + self.origin.as_wire().len()
    }

    /// The node with this wire-form name, which must be valid.
    pub(crate) fn find(&self, name: &[u8]) -> Option<u32> {
        let hash = self.index.hash(name);
        self.index
            .find(hash, |i| self.node_name(i).eq_ignore_ascii_case(name))
    }

    /// The node numbered `i`, which must exist.
    pub(crate) fn node_at(&self, i: u32) -> Node<'_> {
        Node::new(self, i)
    }

    fn node_name(&self, i: u32) -> &[u8] {
        let node = &self.nodes[i as usize];
        let start = node.name as usize;
        &self.names[start..start + usize::from(node.name_len)]
    }

    fn node_flags(&self, i: u32) -> u16 {
        self.nodes[i as usize].flags
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Zone")
            .field("origin", &self.origin)
            .field("class", &self.class)
            .field("serial", &self.serial())
            .field("nodes", &self.nodes.len())
            .field("records", &self.records)
            .finish()
    }
}
