//! Statistics: counters kept on the query path without slowing it (a block per worker
//! thread, summed on demand), and the dumps `rndc stats` and `rivetctl stats --json`
//! ask for.
//!
//! Counted: requests by opcode, queries by type and transport, EDNS and TSIG requests,
//! responses by RCODE and by BIND's answer kinds (successful, authoritative, referral,
//! nxrrset, NXDOMAIN, ...), rejected and dropped queries, queries sent to forwarders,
//! the forwarding caches' hits and misses, and control-channel commands.

pub mod counters;
pub mod dump;
pub mod observe;
pub mod zone;

pub use counters::{Block, Ns, Registry, Totals};
pub use dump::Snapshot;
pub use observe::Seen;
