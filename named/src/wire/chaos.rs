//! The CHAOS-class names BIND 9.18 answers: `version.bind`, `hostname.bind`,
//! `authors.bind` and `id.server`.
//!
//! BIND serves each as a small zone of class CH in its built-in `_bind` view: an SOA
//! (`<zone> hostmaster.<zone> 0 28800 7200 604800 86400`, TTL 86400), an NS naming the
//! zone itself (TTL 0) and, at the apex, the TXT records (TTL 0) when the option gives
//! one. Live, BIND 9.18.49 answered:
//!
//! - `version.bind TXT`: the `version` string (default: the package version);
//!   `hostname.bind`: `hostname` (default: the host name); `id.server`: `server-id`
//!   (none by default); `authors.bind`: the authors, but nothing once `version` is set.
//! - An option set to `none`: NOERROR, no answer, the SOA in the authority section.
//! - Other types at the apex: SOA and NS answer themselves, ANY gives TXT, SOA and NS,
//!   the rest get NODATA with the SOA. Names below the apex: NXDOMAIN with the SOA.
//! - AA on all of these; with RD clear, the NS RRset in the authority section of a
//!   positive answer (`minimal-responses no-auth-recursive`).
//! - Answer owners are the question name as sent (so `VeRsIoN.BiNd` comes back as is);
//!   the zone's own name (SOA and NS owners in the authority section, names in RDATA) is
//!   lower case.
//! - Any other CHAOS name (`bind`, `server`, `other.bind`): REFUSED, no AA.
//!
//! BIND also rate-limits the `_bind` view to 3 responses a second per client, without
//! slip; that belongs to the server loop, not here.

use zones::{Class, RType};

use super::header::{FLAG_AA, Rcode};
use super::query::Question;
use super::response::{ResponseWriter, RrsetHead, Section, WriteError};

/// One of the built-in CHAOS zones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChaosZone {
    /// `version.bind`.
    Version,
    /// `hostname.bind`.
    Hostname,
    /// `authors.bind`.
    Authors,
    /// `id.server`.
    Id,
}

impl ChaosZone {
    const ALL: [Self; 4] = [Self::Version, Self::Hostname, Self::Authors, Self::Id];

    /// The zone name in wire form, lower case.
    pub fn name(self) -> &'static [u8] {
        match self {
            Self::Version => b"\x07version\x04bind\x00",
            Self::Hostname => b"\x08hostname\x04bind\x00",
            Self::Authors => b"\x07authors\x04bind\x00",
            Self::Id => b"\x02id\x06server\x00",
        }
    }

    /// The zone `lower_qname` (lower-cased wire form) falls in, and whether it is the
    /// apex.
    pub fn find(lower_qname: &[u8]) -> Option<(Self, bool)> {
        Self::ALL.into_iter().find_map(|zone| {
            let apex = zone.name();
            if lower_qname == apex {
                return Some((zone, true));
            }
            let (offsets, count, _) = super::name::label_offsets(lower_qname)?;
            offsets[..count]
                .iter()
                .any(|&o| &lower_qname[usize::from(o)..] == apex)
                .then_some((zone, false))
        })
    }
}

/// What the CHAOS zones say; `None` is the option set to `none`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ChaosConfig<'a> {
    /// `version`.
    pub version: Option<&'a [u8]>,
    /// `hostname` (resolved from the host when not configured).
    pub hostname: Option<&'a [u8]>,
    /// `server-id` (resolved from the host for `server-id hostname`).
    pub server_id: Option<&'a [u8]>,
    /// The TXT strings of `authors.bind`; BIND gives none once `version` is set.
    pub authors: &'a [&'a [u8]],
}

impl<'a> ChaosConfig<'a> {
    fn texts(&self, zone: ChaosZone) -> &[&'a [u8]] {
        match zone {
            ChaosZone::Version => self.version.as_slice(),
            ChaosZone::Hostname => self.hostname.as_slice(),
            ChaosZone::Id => self.server_id.as_slice(),
            ChaosZone::Authors => self.authors,
        }
    }
}

/// TTLs and timers of BIND's built-in SOA.
const SOA_TTL: u32 = 86400;
const SOA_TIMERS: [u32; 5] = [0, 28800, 7200, 604800, 86400];

/// Answers a QUERY in class CH whose question is already written: sets the rcode and AA
/// and pushes the records. `ns_in_authority` is whether positive answers carry the zone's
/// NS RRset in the authority section (with `minimal-responses no-auth-recursive`, when RD
/// is clear). Returns the rcode set.
pub fn answer(
    w: &mut ResponseWriter<'_, '_>,
    question: &Question,
    config: &ChaosConfig<'_>,
    ns_in_authority: bool,
) -> Result<Rcode, WriteError> {
    let Some((zone, apex)) = ChaosZone::find(question.lower_name()) else {
        w.set_rcode(Rcode::REFUSED);
        return Ok(Rcode::REFUSED);
    };
    w.set_flags(FLAG_AA, true);
    let zone_name = zone.name();
    let mut soa = [0u8; 2 * 16 + 11 + 20];
    let soa_len = soa_rdata(zone_name, &mut soa);
    let soa = &soa[..soa_len];
    let owner = question.name();
    let head = |owner, rtype, ttl| RrsetHead {
        owner,
        rtype,
        class: Class::CH,
        ttl,
    };
    if !apex {
        w.set_rcode(Rcode::NXDOMAIN);
        w.push(
            Section::Authority,
            &head(zone_name, RType::SOA, SOA_TTL),
            [soa],
        )?;
        return Ok(Rcode::NXDOMAIN);
    }
    let texts = config.texts(zone);
    let mut answered = false;
    let mut ns_answered = false;
    let qtype = question.qtype;
    if (qtype == RType::TXT || qtype == RType::ANY) && !texts.is_empty() {
        let rdatas = texts.iter().map(|t| TxtRdata::new(t));
        w.push(Section::Answer, &head(owner, RType::TXT, 0), rdatas)?;
        answered = true;
    }
    if qtype == RType::SOA || qtype == RType::ANY {
        w.push(Section::Answer, &head(owner, RType::SOA, SOA_TTL), [soa])?;
        answered = true;
    }
    if qtype == RType::NS || qtype == RType::ANY {
        w.push(Section::Answer, &head(owner, RType::NS, 0), [zone_name])?;
        answered = true;
        ns_answered = true;
    }
    if !answered {
        w.push(
            Section::Authority,
            &head(zone_name, RType::SOA, SOA_TTL),
            [soa],
        )?;
    } else if ns_in_authority && !ns_answered {
        w.push(
            Section::Authority,
            &head(zone_name, RType::NS, 0),
            [zone_name],
        )?;
    }
    w.set_rcode(Rcode::NOERROR);
    Ok(Rcode::NOERROR)
}

/// One TXT RDATA holding a single string.
struct TxtRdata {
    bytes: [u8; 256],
    len: usize,
}

impl TxtRdata {
    fn new(text: &[u8]) -> Self {
        // BIND silently cuts the text to one 255-byte string.
        let n = text.len().min(255);
        let mut bytes = [0u8; 256];
        bytes[0] = n as u8;
        bytes[1..=n].copy_from_slice(&text[..n]);
        Self { bytes, len: n + 1 }
    }
}

impl AsRef<[u8]> for TxtRdata {
    fn as_ref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// The built-in SOA RDATA for `zone` into `out`; returns its length.
fn soa_rdata(zone: &[u8], out: &mut [u8]) -> usize {
    let mut pos = 0;
    for part in [zone, b"\x0ahostmaster", zone] {
        out[pos..pos + part.len()].copy_from_slice(part);
        pos += part.len();
    }
    for value in SOA_TIMERS {
        out[pos..pos + 4].copy_from_slice(&value.to_be_bytes());
        pos += 4;
    }
    pos
}

#[cfg(test)]
mod tests;
