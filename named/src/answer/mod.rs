//! The query engine: from the bytes of one request to the bytes of its response, as
//! BIND 9.18 answers from the same zones and `named.conf`.
//!
//! # Design
//!
//! An [`Engine`] is built from the configuration and the loaded zones and never changes;
//! the runtime builds a new one on reload and swaps it in. Each worker owns a
//! [`Workspace`] (the parsed request, the compression table, the response plan and a
//! 64 KiB output buffer) and passes it to [`Engine::handle`], which allocates nothing:
//!
//! 1. The wire layer parses the request and classifies it ([`crate::wire::query`]).
//! 2. The view is chosen as BIND chooses it: class, `match-clients`,
//!    `match-destinations`, `match-recursive-only`; CHAOS queries fall through to the
//!    built-in `_bind` view ([`crate::wire::chaos`]).
//! 3. The query is answered from the view's zones (`query`): the most specific zone,
//!    `allow-query`, the lookup of [`zones::lookup`], CNAME and DNAME restarts within
//!    that zone, positive answers (`positive`), negative answers and DNSSEC proofs
//!    (`negative`), referrals and glue (`referral`), additional-section data
//!    (`additional`). The chosen RRsets go into a plan (`plan`) in BIND's message
//!    order.
//! 4. The plan is rendered with BIND's compression, section passes and truncation
//!    ([`crate::wire::response`]), with the OPT record and any extended error (`ede`).
//!
//! The host facts that are not in the configuration (host name, `localhost` and
//! `localnets` addresses, a default cookie secret) come in an [`Environment`].
//!
//! Zone transfers, NOTIFY and UPDATE belong to the replication code: [`Engine::respond`]
//! hands them back as [`Outcome::Defer`], and [`Engine::handle`] answers them as BIND
//! does for primary zones without those services (NOTIFY NOERROR, UPDATE REFUSED, AXFR
//! over UDP FORMERR, other transfers REFUSED).
//!
//! Views with forwarders offer recursion ([`crate::forward`]): RA is set for clients
//! allowed it, names outside the zones are answered from the view's cache, and a cache
//! miss is handed back as [`Outcome::Defer`] with [`crate::wire::Action::Query`] for the
//! forwarders (which [`Engine::handle`], not waiting for them, answers SERVFAIL).

mod additional;
mod dnssec;
mod ede;
mod engine;
mod environment;
mod names;
mod negative;
mod plan;
mod positive;
mod query;
mod ratelimit;
mod referral;
mod zoneset;

pub use engine::{
    Client, DEFAULT_VERSION, Deferred, Engine, Outcome, ServedZone, Transport, Workspace,
};
pub use environment::Environment;
