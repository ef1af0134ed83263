//! Borrowed views of a zone's nodes and RRsets: two words each, copied freely, never
//! allocating.

use std::fmt;

use super::{APEX, CUT, DNAME, HAS_CNAME, NSEC3_ONLY, OCCLUDED, WILDCARD, WILDCARD_PARENT, Zone};
use crate::name::Name;
use crate::types::RType;

/// One name of a zone and the RRsets it owns.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    zone: &'a Zone,
    index: u32,
}

impl<'a> Node<'a> {
    pub(super) fn new(zone: &'a Zone, index: u32) -> Self {
        Self { zone, index }
    }

    /// The node's place in canonical order (the apex is 0).
    pub fn index(&self) -> usize {
        self.index as usize
    }

    /// The owner name in uncompressed wire form, with the case it was loaded with.
    pub fn name_wire(&self) -> &'a [u8] {
        self.zone.node_name(self.index)
    }

    /// The owner name (allocates; for messages and slow paths).
    pub fn name(&self) -> Name {
        // Node names were valid names when the zone was built.
        Name::from_wire(self.name_wire()).unwrap_or_else(|_| Name::root())
    }

    /// How many labels the name has, not counting the root.
    pub fn label_count(&self) -> usize {
        usize::from(self.zone.nodes[self.index as usize].labels)
    }

    /// Every RRset of the node in storage order: by type, each type's covering RRSIGs right
    /// after it (their entry has type RRSIG; see [`RRset::covered`]).
    pub fn rrsets(&self) -> RRsets<'a> {
        let (start, end) = self.rrset_range();
        RRsets {
            zone: self.zone,
            next: start,
            end,
        }
    }

    /// The RRset of `rtype` (not RRSIG; use [`Node::signatures`] for those).
    pub fn rrset(&self, rtype: RType) -> Option<RRset<'a>> {
        if rtype == RType::RRSIG {
            return None;
        }
        self.rrsets().find(|r| r.rtype() == rtype)
    }

    /// The RRSIGs covering `covered`.
    pub fn signatures(&self, covered: RType) -> Option<RRset<'a>> {
        self.rrsets().find(|r| r.covered() == Some(covered))
    }

    /// Whether the node owns no records: an empty non-terminal (RFC 4592 §2.2.2), which
    /// exists for lookups (NODATA, not NXDOMAIN) and blocks wildcards.
    pub fn is_empty_nonterminal(&self) -> bool {
        let (start, end) = self.rrset_range();
        start == end
    }

    /// Whether this is the zone apex.
    pub fn is_apex(&self) -> bool {
        self.flags() & APEX != 0
    }

    /// Whether the node owns NS records below the apex: a delegation point.
    pub fn is_delegation(&self) -> bool {
        self.flags() & CUT != 0
    }

    /// Whether the node owns a DNAME.
    pub fn has_dname(&self) -> bool {
        self.flags() & DNAME != 0
    }

    /// Whether the node owns a CNAME.
    pub fn has_cname(&self) -> bool {
        self.flags() & HAS_CNAME != 0
    }

    /// Whether the node lies below a delegation point or a DNAME: its records are glue or
    /// occluded data and never answer a query.
    pub fn is_occluded(&self) -> bool {
        self.flags() & OCCLUDED != 0
    }

    /// Whether the node holds only NSEC3 records (and their RRSIGs): a hashed name, outside
    /// the namespace lookups search (RFC 5155 §7.2.8), found with [`Zone::node`].
    pub fn is_nsec3_only(&self) -> bool {
        self.flags() & NSEC3_ONLY != 0
    }

    /// Whether the node has a `*` child.
    pub fn has_wildcard_child(&self) -> bool {
        self.flags() & WILDCARD_PARENT != 0
    }

    /// Whether the leftmost label is `*`.
    pub fn is_wildcard(&self) -> bool {
        self.flags() & WILDCARD != 0
    }

    /// Whether the node owns KEY, NS, DS, MX, SRV or SPF records.
    pub(super) fn has_checked_types(&self) -> bool {
        self.flags() & super::CHECKED_TYPES != 0
    }

    fn flags(&self) -> u16 {
        self.zone.node_flags(self.index)
    }

    pub(super) fn rrset_range(&self) -> (u32, u32) {
        let node = &self.zone.nodes[self.index as usize];
        (node.rrsets, node.rrsets + u32::from(node.rrset_count))
    }
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.zone, other.zone) && self.index == other.index
    }
}

impl Eq for Node<'_> {}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Node({})", self.name())
    }
}

/// The nodes of a zone in canonical order.
pub struct Nodes<'a> {
    zone: &'a Zone,
    next: u32,
}

impl<'a> Nodes<'a> {
    pub(super) fn new(zone: &'a Zone) -> Self {
        Self { zone, next: 0 }
    }
}

impl<'a> Iterator for Nodes<'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        if self.next as usize >= self.zone.nodes.len() {
            return None;
        }
        let node = Node::new(self.zone, self.next);
        self.next += 1;
        Some(node)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.zone.nodes.len() - self.next as usize;
        (left, Some(left))
    }
}

/// The RRsets of one node.
pub struct RRsets<'a> {
    zone: &'a Zone,
    next: u32,
    end: u32,
}

impl<'a> Iterator for RRsets<'a> {
    type Item = RRset<'a>;

    fn next(&mut self) -> Option<RRset<'a>> {
        if self.next >= self.end {
            return None;
        }
        let rrset = RRset::new(self.zone, self.next, self.end);
        self.next += 1;
        Some(rrset)
    }
}

/// The records of one type at one name, sharing a TTL; or the RRSIGs covering one type.
#[derive(Clone, Copy)]
pub struct RRset<'a> {
    zone: &'a Zone,
    index: u32,
    /// The end of the owner's RRsets, so that signatures are looked for only there.
    node_end: u32,
}

impl<'a> RRset<'a> {
    pub(super) fn new(zone: &'a Zone, index: u32, node_end: u32) -> Self {
        Self {
            zone,
            index,
            node_end,
        }
    }

    /// The type (RRSIG for an entry of signatures).
    pub fn rtype(&self) -> RType {
        self.zone.rrsets[self.index as usize].rtype
    }

    /// For an entry of RRSIGs, the type they cover.
    pub fn covered(&self) -> Option<RType> {
        if self.rtype() != RType::RRSIG {
            return None;
        }
        let first = self.rdatas().next()?;
        Some(RType(u16::from_be_bytes([*first.first()?, *first.get(1)?])))
    }

    /// The TTL.
    pub fn ttl(&self) -> u32 {
        self.zone.rrsets[self.index as usize].ttl
    }

    /// How many records.
    pub fn len(&self) -> usize {
        usize::from(self.zone.rrsets[self.index as usize].count)
    }

    /// Whether there are no records (never true for a built zone).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The RDATA of each record, uncompressed, in canonical order.
    pub fn rdatas(&self) -> Rdatas<'a> {
        Rdatas { wire: self.wire() }
    }

    /// The records as stored: for each, a 16-bit big-endian RDLENGTH then the RDATA,
    /// exactly what follows TYPE, CLASS and TTL in a message (for types whose RDATA names
    /// are not compressed).
    pub fn wire(&self) -> &'a [u8] {
        let rrsets = &self.zone.rrsets;
        let i = self.index as usize;
        let start = rrsets[i].data as usize;
        let end = rrsets
            .get(i + 1)
            .map_or(self.zone.rdata.len(), |r| r.data as usize);
        &self.zone.rdata[start..end]
    }

    /// The RRSIGs covering this RRset, stored right after it.
    pub fn signatures(&self) -> Option<RRset<'a>> {
        if self.rtype() == RType::RRSIG {
            return None;
        }
        let next = self.index + 1;
        if next >= self.node_end || self.zone.rrsets[next as usize].rtype != RType::RRSIG {
            return None;
        }
        let sigs = RRset::new(self.zone, next, self.node_end);
        (sigs.covered() == Some(self.rtype())).then_some(sigs)
    }
}

impl PartialEq for RRset<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.zone, other.zone) && self.index == other.index
    }
}

impl Eq for RRset<'_> {}

impl fmt::Debug for RRset<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RRset")
            .field("rtype", &self.rtype())
            .field("ttl", &self.ttl())
            .field("len", &self.len())
            .finish()
    }
}

/// The RDATA of the records of one RRset.
#[derive(Clone)]
pub struct Rdatas<'a> {
    wire: &'a [u8],
}

impl<'a> Iterator for Rdatas<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let (len, rest) = self.wire.split_first_chunk::<2>()?;
        let len = usize::from(u16::from_be_bytes(*len));
        let (rdata, rest) = rest.split_at_checked(len)?;
        self.wire = rest;
        Some(rdata)
    }
}
