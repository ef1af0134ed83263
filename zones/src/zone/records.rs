//! Walking a zone's records in canonical order, for transfers and the zone writer.

use std::fmt;

use super::Zone;
use super::node::{Node, RRset, Rdatas};
use crate::name::Name;
use crate::record::{Rdata, Record};
use crate::types::{Class, RType};

/// One record of a zone, borrowed.
#[derive(Clone, Copy)]
pub struct RecordRef<'a> {
    node: Node<'a>,
    rrset: RRset<'a>,
    rdata: &'a [u8],
    class: Class,
}

impl<'a> RecordRef<'a> {
    /// The node that owns the record.
    pub fn node(&self) -> Node<'a> {
        self.node
    }

    /// The RRset the record belongs to.
    pub fn rrset(&self) -> RRset<'a> {
        self.rrset
    }

    /// The owner name in wire form.
    pub fn owner_wire(&self) -> &'a [u8] {
        self.node.name_wire()
    }

    /// The owner name (allocates).
    pub fn owner(&self) -> Name {
        self.node.name()
    }

    /// The TTL.
    pub fn ttl(&self) -> u32 {
        self.rrset.ttl()
    }

    /// The class.
    pub fn class(&self) -> Class {
        self.class
    }

    /// The type.
    pub fn rtype(&self) -> RType {
        self.rrset.rtype()
    }

    /// The RDATA in uncompressed wire form.
    pub fn rdata(&self) -> &'a [u8] {
        self.rdata
    }

    /// An owned copy.
    pub fn to_record(&self) -> Record {
        Record {
            owner: self.owner(),
            ttl: self.ttl(),
            class: self.class,
            rtype: self.rtype(),
            rdata: Rdata(self.rdata.into()),
        }
    }
}

impl fmt::Debug for RecordRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {} {:02x?}",
            self.owner(),
            self.ttl(),
            self.class,
            self.rtype(),
            self.rdata
        )
    }
}

/// The passes over a node's RRsets that give type order: the types below RRSIG, then the
/// RRSIG entries (stored beside the types they cover, ordered by covered type, which is
/// the canonical order of RRSIG RDATA), then the types above RRSIG.
const PASSES: u8 = 3;

fn in_pass(pass: u8, rtype: RType) -> bool {
    match pass {
        0 => rtype.0 < RType::RRSIG.0,
        1 => rtype == RType::RRSIG,
        _ => rtype.0 > RType::RRSIG.0,
    }
}

/// The records of a zone in canonical order, the apex SOA first.
pub struct CanonicalRecords<'a> {
    zone: &'a Zone,
    /// Whether the SOA has been produced.
    soa_done: bool,
    node: usize,
    pass: u8,
    /// The next entry of the node's RRsets to consider in this pass.
    entry: usize,
    current: Option<(Node<'a>, RRset<'a>, Rdatas<'a>)>,
}

impl<'a> CanonicalRecords<'a> {
    pub(super) fn new(zone: &'a Zone) -> Self {
        Self {
            zone,
            soa_done: false,
            node: 0,
            pass: 0,
            entry: 0,
            current: None,
        }
    }

    /// The next RRset in canonical order, or `None` at the end of the zone.
    fn next_rrset(&mut self) -> Option<(Node<'a>, RRset<'a>)> {
        while self.node < self.zone.nodes.len() {
            let node = Node::new(self.zone, self.node as u32);
            while self.pass < PASSES {
                let pass = self.pass;
                let found = node.rrsets().enumerate().skip(self.entry).find(|(_, r)| {
                    in_pass(pass, r.rtype()) && !(node.is_apex() && r.rtype() == RType::SOA)
                });
                match found {
                    Some((i, rrset)) => {
                        self.entry = i + 1;
                        return Some((node, rrset));
                    }
                    None => {
                        self.pass += 1;
                        self.entry = 0;
                    }
                }
            }
            self.node += 1;
            self.pass = 0;
            self.entry = 0;
        }
        None
    }
}

impl<'a> Iterator for CanonicalRecords<'a> {
    type Item = RecordRef<'a>;

    fn next(&mut self) -> Option<RecordRef<'a>> {
        if !self.soa_done {
            self.soa_done = true;
            let soa = self.zone.soa_rrset();
            self.current = Some((self.zone.apex(), soa, soa.rdatas()));
        }
        loop {
            if let Some((node, rrset, rdatas)) = &mut self.current
                && let Some(rdata) = rdatas.next()
            {
                return Some(RecordRef {
                    node: *node,
                    rrset: *rrset,
                    rdata,
                    class: self.zone.class,
                });
            }
            let (node, rrset) = self.next_rrset()?;
            self.current = Some((node, rrset, rrset.rdatas()));
        }
    }
}
