//! One QUERY answered from the zones of a view, following BIND 9.18's `lib/ns/query.c`:
//! find the zone, look the name up, render the result into the plan, and restart for
//! CNAME and DNAME targets.
//!
//! The rules kept from BIND, each checked against a running `named`:
//!
//! - A restart (CNAME or DNAME target) only continues in the zone the first lookup used.
//!   Live: a CNAME into another zone we serve, a child zone included, got the CNAME alone,
//!   NOERROR, AA. A target in a zone that failed to load got SERVFAIL without records when
//!   RD was set and the CNAME alone, NOERROR, when it was not.
//! - At most 11 restarts (`max-query-restarts`); then SERVFAIL with the 12 CNAMEs found so
//!   far, AA, and the extended error 0 "max. restarts reached". A CNAME loop ends the same
//!   way, each CNAME written once.
//! - AA is cleared only when the first lookup was not authoritative (a referral); a
//!   referral reached through a CNAME keeps AA.
//! - Errors (REFUSED, SERVFAIL) empty every section and clear AA; `allow-query` denials
//!   carry the extended error 18 (Prohibited).

use zones::RType;
use zones::lookup::Lookup;
use zones::zone::Zone;

use super::ede::Ede;
use super::engine::{Access, ViewEngine};
use super::names::NameBuf;
use super::plan::Plan;
use super::zoneset::ZoneEntry;
use crate::wire::Rcode;

/// YXDOMAIN (RFC 6672 §2.2: a DNAME substitution too long for a name).
pub(crate) const YXDOMAIN: Rcode = Rcode(6);

/// BIND 9.18's default `max-query-restarts`.
const MAX_RESTARTS: u8 = 11;

/// What the query code decided beyond the records in the plan.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Answered {
    /// The response code.
    pub(crate) rcode: Rcode,
    /// Whether AA is set.
    pub(crate) aa: bool,
    /// An extended error for the OPT record.
    pub(crate) ede: Option<Ede>,
    /// The EXPIRE option's value (RFC 7314), for an SOA answer from a primary zone.
    pub(crate) expire: Option<u32>,
    /// The zone the answer came from (its index in the view), if any.
    pub(crate) zone: Option<usize>,
}

/// The state of one query, BIND's `query_ctx_t` and client attributes together.
pub(crate) struct Ctx<'a, 'p> {
    pub(crate) view: &'a ViewEngine,
    pub(crate) access: &'a Access<'a>,
    pub(crate) plan: &'p mut Plan,
    /// The question's type (kept across restarts).
    pub(crate) qtype: RType,
    /// DO was set.
    pub(crate) dnssec: bool,
    /// RD was set.
    pub(crate) rd: bool,
    /// The query came over TCP.
    pub(crate) tcp: bool,
    /// The client asked for EXPIRE.
    pub(crate) wants_expire: bool,
    /// BIND's `NS_QUERYATTR_NOAUTHORITY`.
    pub(crate) no_authority: bool,
    /// BIND's `NS_QUERYATTR_NOADDITIONAL`.
    pub(crate) no_additional: bool,
    /// The name being looked up: the question's, then each restart's.
    pub(crate) qname: NameBuf,
    pub(crate) restarts: u8,
    /// The zone of the first lookup (BIND's `authdb`).
    pub(crate) authdb: Option<usize>,
    /// Something is in the answer already (BIND's `PARTIALANSWER`).
    pub(crate) partial: bool,
    /// The current lookup answers with authority.
    pub(crate) authoritative: bool,
    pub(crate) want_restart: bool,
    /// The answer holds the zone's NS RRset, so the authority section does not.
    pub(crate) answer_has_ns: bool,
    /// A referral is being written: NS RRsets take glue from the zone.
    pub(crate) glue: bool,
    /// BIND's `qctx->result`: an error to answer with unless a partial answer stands.
    pub(crate) error: Option<Rcode>,
    pub(crate) rcode: Rcode,
    pub(crate) aa: bool,
    pub(crate) ede: Option<Ede>,
    pub(crate) expire: Option<u32>,
    /// How deep additional-section processing has recursed (SRV, SVCB targets).
    pub(crate) additional_depth: u8,
    /// How many additional-section lookups the query has made.
    pub(crate) additional_lookups: u8,
}

/// The zone a lookup runs in.
#[derive(Clone, Copy)]
pub(crate) struct InZone<'a> {
    pub(crate) index: usize,
    pub(crate) entry: &'a ZoneEntry,
    pub(crate) zone: &'a Zone,
}

impl<'a> InZone<'a> {
    /// Whether RRSIGs and proofs come with answers from this zone.
    pub(crate) fn secure(&self) -> bool {
        self.entry.denial.is_secure()
    }
}

impl<'a, 'p> Ctx<'a, 'p> {
    /// Answers the question, leaving the records in the plan.
    pub(crate) fn run(mut self) -> Answered {
        loop {
            self.want_restart = false;
            self.authoritative = false;
            self.glue = false;
            self.start();
            if !self.done() {
                break;
            }
        }
        Answered {
            rcode: self.rcode,
            aa: self.aa,
            ede: self.ede,
            expire: self.expire,
            zone: self.authdb,
        }
    }

    /// BIND's `ns__query_start`: finds the zone and looks the name up.
    fn start(&mut self) {
        let not_exact = self.qtype == RType::DS && self.qname.as_bytes() != [0];
        let mut found = self.zone_for(not_exact);
        if not_exact && found.is_err() {
            // RFC 4035 §3.1.4.1: a DS query for the apex of a zone whose parent is not
            // served here is answered from the zone itself.
            if let Ok(zone) = self.zone_for(false) {
                found = Ok(zone);
            }
        }
        let zone = match found {
            Ok(zone) => zone,
            Err(Rcode::REFUSED) => {
                if !self.partial {
                    self.error = Some(Rcode::REFUSED);
                }
                return;
            }
            Err(rcode) => {
                self.error = Some(rcode);
                return;
            }
        };
        self.authoritative = true;
        if self.restarts == 0 {
            self.authdb = Some(zone.index);
        }
        let qname = self.qname;
        let result = zone.zone.lookup(qname.as_bytes(), self.qtype);
        self.got_answer(zone, result);
    }

    /// BIND's `query_getzonedb`: the zone for the current name, checked.
    fn zone_for(&mut self, not_exact: bool) -> Result<InZone<'a>, Rcode> {
        let view = self.view;
        let index = view
            .zones
            .find(self.qname.as_bytes(), not_exact)
            .ok_or(Rcode::REFUSED)?;
        let entry = view.zones.get(index).ok_or(Rcode::SERVFAIL)?;
        // A configured zone that did not load: BIND's DNS_R_NOTLOADED.
        let zone = entry.zone.as_deref().ok_or(Rcode::SERVFAIL)?;
        // Restarts never leave the zone of the first lookup.
        if self.authdb.is_some_and(|first| first != index) {
            return Err(Rcode::REFUSED);
        }
        if !self.access.allows(&entry.allow_query, false)
            || !self.access.allows(&entry.allow_query_on, true)
        {
            self.ede.get_or_insert(Ede::Prohibited);
            return Err(Rcode::REFUSED);
        }
        Ok(InZone { index, entry, zone })
    }

    /// BIND's `query_gotanswer`.
    fn got_answer(&mut self, zone: InZone<'a>, result: Lookup<'a>) {
        match result {
            Lookup::Answer {
                node,
                rrset,
                wildcard,
            } => self.respond(zone, node, rrset, wildcard.is_some()),
            Lookup::Any { node, wildcard } => self.respond_any(zone, node, wildcard.is_some()),
            Lookup::Cname {
                node,
                rrset,
                wildcard,
            } => self.cname(zone, node, rrset, wildcard.is_some()),
            Lookup::Dname { node, rrset } => self.dname(zone, node, rrset),
            Lookup::Referral { cut, ns } => self.referral(zone, cut, ns),
            Lookup::NoData { node, wildcard } => self.nodata(zone, node, wildcard.is_some()),
            Lookup::NxDomain { .. } => self.nxdomain(zone, false),
            Lookup::NotInZone => self.error = Some(Rcode::SERVFAIL),
        }
    }

    /// BIND's `ns_query_done`: decides whether to restart, and what is sent.
    /// Returns `true` to restart.
    fn done(&mut self) -> bool {
        if self.restarts == 0 && !self.authoritative {
            self.aa = false;
        }
        let mut cut_short = false;
        if self.want_restart {
            if self.restarts < MAX_RESTARTS {
                self.restarts += 1;
                return true;
            }
            self.partial = true;
            self.rcode = Rcode::SERVFAIL;
            self.error = Some(Rcode::SERVFAIL);
            cut_short = true;
            self.ede.get_or_insert(Ede::MaxRestarts);
        }
        if let Some(rcode) = self.error
            && (!self.partial || (self.rd && !cut_short))
        {
            // BIND's `query_error`: an error reply with empty sections and no AA.
            self.plan.clear_sections();
            self.rcode = rcode;
            self.aa = false;
            return false;
        }
        if self.glue_answer_applies() {
            let (owner, qtype) = (self.qname, self.qtype);
            self.plan.require_glue(owner.as_bytes(), qtype);
        }
        false
    }

    /// BIND's `query_glueanswer`: a referral for an A or AAAA question whose name is in
    /// the glue puts that RRset first, where it must fit.
    fn glue_answer_applies(&self) -> bool {
        self.plan.answer_is_empty()
            && self.rcode == Rcode::NOERROR
            && (self.qtype == RType::A || self.qtype == RType::AAAA)
    }

    /// Starts a restart at `target` (BIND's `ns_client_qnamereplace`).
    pub(crate) fn restart_at(&mut self, target: NameBuf) {
        self.qname = target;
        self.want_restart = true;
    }
}
