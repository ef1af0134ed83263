//! A cached or fetched answer written into a response: the answer section (CNAME chain,
//! then the RRset), the SOA of a negative answer in the authority section, each RRset
//! with the TTL it has left.

use crate::wire::{Rcode, ResponseWriter, RrsetHead, Section, WriteError};

use super::cache::{Answer, Kind};

/// The rcode an answer goes out with.
pub(crate) fn rcode(answer: &Answer) -> Rcode {
    match answer.kind {
        Kind::Positive | Kind::NoData => Rcode::NOERROR,
        Kind::NxDomain => Rcode::NXDOMAIN,
        Kind::ServFail => Rcode::SERVFAIL,
    }
}

/// Writes `answer` at `now` (the cache clock) after the question.
pub(crate) fn write(
    w: &mut ResponseWriter<'_, '_>,
    answer: &Answer,
    now: u32,
) -> Result<(), WriteError> {
    for (section, rrsets) in [
        (Section::Answer, &answer.answer),
        (Section::Authority, &answer.authority),
    ] {
        for rrset in rrsets {
            let head = RrsetHead {
                owner: &rrset.owner,
                rtype: rrset.rtype,
                class: rrset.class,
                ttl: rrset.ttl_at(now),
            };
            w.push(section, &head, &rrset.rdatas)?;
        }
    }
    w.set_rcode(rcode(answer));
    Ok(())
}
