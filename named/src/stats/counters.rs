//! The counters themselves: blocks of relaxed atomics, one per UDP worker thread (so no
//! cache line is written by two threads on the query path) and one shared by the TCP
//! connections and the forwarders' late replies; summed when someone asks.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Query types counted one by one (type numbers 1 to 255, as BIND counts them); type 0
/// and the types above 255 share [`Totals::qtype_other`], BIND's `Others`.
pub const QTYPES: usize = 256;

/// The name server counters, in BIND's order of `++ Name Server Statistics ++`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Ns {
    /// IPv4 requests received.
    RequestV4,
    /// IPv6 requests received.
    RequestV6,
    /// Requests with EDNS(0) received.
    EdnsIn,
    /// Requests with TSIG received.
    TsigIn,
    /// Requests with invalid signature (TSIG that did not verify).
    InvalidSig,
    /// TCP requests received.
    RequestTcp,
    /// Auth queries rejected.
    AuthRejected,
    /// Recursive queries rejected.
    RecursionRejected,
    /// Responses sent.
    Response,
    /// Truncated responses sent.
    Truncated,
    /// Responses with EDNS(0) sent.
    EdnsOut,
    /// Queries resulted in successful answer.
    Success,
    /// Queries resulted in authoritative answer.
    AuthAnswer,
    /// Queries resulted in non authoritative answer.
    NonAuthAnswer,
    /// Queries resulted in referral answer.
    Referral,
    /// Queries resulted in nxrrset.
    Nxrrset,
    /// Queries resulted in SERVFAIL.
    Servfail,
    /// Queries resulted in FORMERR.
    Formerr,
    /// Queries resulted in NXDOMAIN.
    Nxdomain,
    /// Queries caused recursion (sent to the forwarders).
    Recursion,
    /// Queries dropped.
    Dropped,
    /// Other query failures.
    Failure,
    /// UDP queries received.
    UdpQuery,
    /// TCP queries received.
    TcpQuery,
}

impl Ns {
    /// Every counter, in BIND's order.
    pub const ALL: [Ns; 24] = [
        Ns::RequestV4,
        Ns::RequestV6,
        Ns::EdnsIn,
        Ns::TsigIn,
        Ns::InvalidSig,
        Ns::RequestTcp,
        Ns::AuthRejected,
        Ns::RecursionRejected,
        Ns::Response,
        Ns::Truncated,
        Ns::EdnsOut,
        Ns::Success,
        Ns::AuthAnswer,
        Ns::NonAuthAnswer,
        Ns::Referral,
        Ns::Nxrrset,
        Ns::Servfail,
        Ns::Formerr,
        Ns::Nxdomain,
        Ns::Recursion,
        Ns::Dropped,
        Ns::Failure,
        Ns::UdpQuery,
        Ns::TcpQuery,
    ];

    /// The counters BIND keeps per zone: how the zone's queries were answered.
    pub const PER_ZONE: [Ns; 11] = [
        Ns::Success,
        Ns::AuthAnswer,
        Ns::NonAuthAnswer,
        Ns::Referral,
        Ns::Nxrrset,
        Ns::Servfail,
        Ns::Formerr,
        Ns::Nxdomain,
        Ns::Failure,
        Ns::UdpQuery,
        Ns::TcpQuery,
    ];

    /// BIND's description in `named.stats`.
    pub fn description(self) -> &'static str {
        match self {
            Ns::RequestV4 => "IPv4 requests received",
            Ns::RequestV6 => "IPv6 requests received",
            Ns::EdnsIn => "requests with EDNS(0) received",
            Ns::TsigIn => "requests with TSIG received",
            Ns::InvalidSig => "requests with invalid signature",
            Ns::RequestTcp => "TCP requests received",
            Ns::AuthRejected => "auth queries rejected",
            Ns::RecursionRejected => "recursive queries rejected",
            Ns::Response => "responses sent",
            Ns::Truncated => "truncated responses sent",
            Ns::EdnsOut => "responses with EDNS(0) sent",
            Ns::Success => "queries resulted in successful answer",
            Ns::AuthAnswer => "queries resulted in authoritative answer",
            Ns::NonAuthAnswer => "queries resulted in non authoritative answer",
            Ns::Referral => "queries resulted in referral answer",
            Ns::Nxrrset => "queries resulted in nxrrset",
            Ns::Servfail => "queries resulted in SERVFAIL",
            Ns::Formerr => "queries resulted in FORMERR",
            Ns::Nxdomain => "queries resulted in NXDOMAIN",
            Ns::Recursion => "queries caused recursion",
            Ns::Dropped => "queries dropped",
            Ns::Failure => "other query failures",
            Ns::UdpQuery => "UDP queries received",
            Ns::TcpQuery => "TCP queries received",
        }
    }

    /// The key in the JSON statistics.
    pub fn key(self) -> &'static str {
        match self {
            Ns::RequestV4 => "requestv4",
            Ns::RequestV6 => "requestv6",
            Ns::EdnsIn => "edns0_in",
            Ns::TsigIn => "tsig_in",
            Ns::InvalidSig => "invalid_signature",
            Ns::RequestTcp => "request_tcp",
            Ns::AuthRejected => "auth_rejected",
            Ns::RecursionRejected => "recursion_rejected",
            Ns::Response => "responses",
            Ns::Truncated => "truncated",
            Ns::EdnsOut => "edns0_out",
            Ns::Success => "success",
            Ns::AuthAnswer => "authoritative",
            Ns::NonAuthAnswer => "non_authoritative",
            Ns::Referral => "referral",
            Ns::Nxrrset => "nxrrset",
            Ns::Servfail => "servfail",
            Ns::Formerr => "formerr",
            Ns::Nxdomain => "nxdomain",
            Ns::Recursion => "recursion",
            Ns::Dropped => "dropped",
            Ns::Failure => "failure",
            Ns::UdpQuery => "udp_queries",
            Ns::TcpQuery => "tcp_queries",
        }
    }
}

/// One block of counters. Cache-line aligned so that two workers' blocks never share a
/// line.
#[derive(Debug)]
#[repr(align(128))]
pub struct Block {
    /// Only one thread writes to it: an increment need not be a locked instruction.
    exclusive: bool,
    opcodes: [AtomicU64; 16],
    /// Slot 0 holds the other types: type 0 is one of them.
    qtypes: [AtomicU64; QTYPES],
    rcodes: [AtomicU64; 16],
    ns: [AtomicU64; Ns::ALL.len()],
}

impl Default for Block {
    fn default() -> Self {
        Self {
            exclusive: false,
            opcodes: std::array::from_fn(|_| AtomicU64::new(0)),
            qtypes: std::array::from_fn(|_| AtomicU64::new(0)),
            rcodes: std::array::from_fn(|_| AtomicU64::new(0)),
            ns: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Block {
    #[inline]
    fn bump(&self, counter: &AtomicU64) {
        if self.exclusive {
            // A plain load and store: readers see either value, and no other thread
            // writes this block.
            counter.store(counter.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
        } else {
            bump(counter);
        }
    }

    /// Counts a request of `opcode` (0 to 15).
    #[inline]
    pub fn opcode(&self, opcode: u8) {
        self.bump(&self.opcodes[usize::from(opcode & 0x0f)]);
    }

    /// Counts a query of type `qtype`.
    #[inline]
    pub fn qtype(&self, qtype: u16) {
        let slot = if qtype < 256 { usize::from(qtype) } else { 0 };
        self.bump(&self.qtypes[slot]);
    }

    /// Counts a response with `rcode` (its low four bits: extended RCODEs are counted
    /// under their header part).
    #[inline]
    pub fn rcode(&self, rcode: u8) {
        self.bump(&self.rcodes[usize::from(rcode & 0x0f)]);
    }

    /// Counts one name server event.
    #[inline]
    pub fn ns(&self, counter: Ns) {
        self.bump(&self.ns[counter as usize]);
    }

    fn add_to(&self, totals: &mut Totals) {
        let read = |c: &AtomicU64| c.load(Ordering::Relaxed);
        for (t, c) in totals.opcodes.iter_mut().zip(&self.opcodes) {
            *t += read(c);
        }
        for (t, c) in totals.qtypes.iter_mut().zip(&self.qtypes).skip(1) {
            *t += read(c);
        }
        totals.qtype_other += read(&self.qtypes[0]);
        for (t, c) in totals.rcodes.iter_mut().zip(&self.rcodes) {
            *t += read(c);
        }
        for (t, c) in totals.ns.iter_mut().zip(&self.ns) {
            *t += read(c);
        }
    }
}

/// The counters of every block, added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    /// Requests by opcode.
    pub opcodes: [u64; 16],
    /// Queries by type number (below [`QTYPES`]; slot 0 stays zero).
    pub qtypes: [u64; QTYPES],
    /// Queries of type 0 or above 255 (BIND's `Others`).
    pub qtype_other: u64,
    /// Responses by RCODE.
    pub rcodes: [u64; 16],
    /// The name server counters, indexed by [`Ns`].
    pub ns: [u64; Ns::ALL.len()],
}

impl Default for Totals {
    fn default() -> Self {
        Self {
            opcodes: [0; 16],
            qtypes: [0; QTYPES],
            qtype_other: 0,
            rcodes: [0; 16],
            ns: [0; Ns::ALL.len()],
        }
    }
}

impl Totals {
    /// One name server counter.
    pub fn ns(&self, counter: Ns) -> u64 {
        self.ns[counter as usize]
    }
}

/// Every block the server has handed out.
#[derive(Debug, Default)]
pub struct Registry {
    blocks: Mutex<Vec<Arc<Block>>>,
    shared: Arc<Block>,
    commands: AtomicU64,
    /// The blocks of zones with `zone-statistics`, by view and zone name; they outlive
    /// reloads, as BIND's per-zone counters do.
    zones: Mutex<BTreeMap<(String, String), Arc<Block>>>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// A block for one thread to count in alone (a UDP worker).
    pub fn register(&self) -> Arc<Block> {
        let block = Arc::new(Block {
            exclusive: true,
            ..Block::default()
        });
        self.blocks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Arc::clone(&block));
        block
    }

    /// The block shared by the TCP connections and the forwarders' replies, which are
    /// too few for contention on it to matter.
    pub fn shared(&self) -> &Block {
        &self.shared
    }

    /// The block of zone `zone` in view `view`, shared by every thread that answers
    /// from it.
    pub fn zone(&self, view: &str, zone: &str) -> Arc<Block> {
        let mut zones = self.zones.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            zones
                .entry((view.to_owned(), zone.to_owned()))
                .or_insert_with(|| Arc::new(Block::default())),
        )
    }

    /// Each zone with statistics: its view, its name and its counters.
    pub fn zone_totals(&self) -> Vec<(String, String, Totals)> {
        let zones = self.zones.lock().unwrap_or_else(PoisonError::into_inner);
        zones
            .iter()
            .map(|((view, zone), block)| {
                let mut totals = Totals::default();
                block.add_to(&mut totals);
                (view.clone(), zone.clone(), totals)
            })
            .collect()
    }

    /// Counts a control-channel command.
    pub fn command(&self) {
        bump(&self.commands);
    }

    /// Control-channel commands received.
    pub fn commands(&self) -> u64 {
        self.commands.load(Ordering::Relaxed)
    }

    /// Everything counted so far.
    pub fn totals(&self) -> Totals {
        let mut totals = Totals::default();
        self.shared.add_to(&mut totals);
        for block in self
            .blocks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            block.add_to(&mut totals);
        }
        totals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_add_up_and_odd_types_share_a_counter() {
        let registry = Registry::new();
        let a = registry.register();
        let b = registry.register();
        a.opcode(0);
        b.opcode(0);
        b.opcode(4);
        a.qtype(1);
        b.qtype(65280);
        b.qtype(257);
        a.qtype(0);
        a.qtype(255);
        a.rcode(3);
        b.ns(Ns::Nxdomain);
        registry.shared().ns(Ns::Nxdomain);
        let t = registry.totals();
        assert_eq!((t.opcodes[0], t.opcodes[4]), (2, 1));
        assert_eq!((t.qtypes[1], t.qtypes[255], t.qtype_other), (1, 1, 3));
        assert_eq!(t.qtypes[0], 0);
        assert_eq!(t.rcodes[3], 1);
        assert_eq!(t.ns(Ns::Nxdomain), 2);
        assert_eq!(align_of::<Block>(), 128);
    }
}
