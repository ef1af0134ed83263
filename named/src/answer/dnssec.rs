//! What a pre-signed zone offers for denial of existence, found once when the engine is
//! built: whether BIND would call the zone secure, and for NSEC3 zones the hashed chain in
//! hash order, so that finding the NSEC3 record matching or covering a name is one SHA-1
//! and a binary search.
//!
//! BIND 9.18 (`iszonesecure` in `rbtdb.c`) calls a zone secure when its apex has a zone
//! key and either an NSEC record with its RRSIG or an NSEC3PARAM record of flags 0 and a
//! known hash; the NSEC3 parameters in force are the first such record's. Only NSEC3
//! records with those parameters and a signature take part in proofs.

use sha1::{Digest, Sha1};
use zones::RType;
use zones::zone::{Node, Zone};

use super::names::NameBuf;

/// The NSEC3 hash algorithm BIND knows, SHA-1 (RFC 5155 §11).
const SHA1: u8 = 1;
/// The length of a SHA-1 hash in base32hex, the first label of an NSEC3 owner.
const LABEL_LEN: usize = 32;
/// The DNSKEY flag marking a zone key (RFC 4034 §2.1.1).
const ZONE_KEY: u16 = 0x0100;
/// The opt-out flag of an NSEC3 record (RFC 5155 §3.1.2.1).
const OPT_OUT: u8 = 1;

/// How a zone denies existence.
#[derive(Debug)]
pub(crate) enum Denial {
    /// Not secure: no proofs, and RRSIGs are not added to answers.
    Insecure,
    /// Signed with NSEC.
    Nsec,
    /// Signed with NSEC3.
    Nsec3(Nsec3Chain),
}

impl Denial {
    /// What `zone` offers.
    pub(crate) fn of(zone: &Zone) -> Self {
        let apex = zone.apex();
        let has_zone_key = apex.rrset(RType::DNSKEY).is_some_and(|keys| {
            keys.rdatas().any(|key| {
                key.len() >= 4 && u16::from_be_bytes([key[0], key[1]]) & ZONE_KEY != 0
                    // Protocol 3 (RFC 4034 §2.1.2), or BIND's "any".
                    && (key[2] == 3 || key[2] == 255)
                    // Type "no key" (both high flag bits) is not a key.
                    && key[0] & 0xc0 != 0xc0
            })
        });
        if !has_zone_key {
            return Self::Insecure;
        }
        if let Some(chain) = Nsec3Chain::of(zone) {
            return Self::Nsec3(chain);
        }
        let signed_nsec = apex
            .rrset(RType::NSEC)
            .is_some_and(|nsec| nsec.signatures().is_some());
        if signed_nsec {
            Self::Nsec
        } else {
            Self::Insecure
        }
    }

    /// Whether BIND's `dns_db_issecure` holds.
    pub(crate) fn is_secure(&self) -> bool {
        !matches!(self, Self::Insecure)
    }
}

/// An NSEC3 record found for a name.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Nsec3Match<'z> {
    /// Its owner hashes to the name.
    Exact(Node<'z>),
    /// It covers the name's hash; `bool` is its opt-out flag.
    Covering(Node<'z>, bool),
}

/// The NSEC3 parameters in force and the chain of signed NSEC3 records using them.
#[derive(Debug)]
pub(crate) struct Nsec3Chain {
    iterations: u16,
    salt: Vec<u8>,
    /// Owner hash labels (lower case) and node indexes, sorted by label.
    links: Vec<([u8; LABEL_LEN], u32)>,
}

impl Nsec3Chain {
    fn of(zone: &Zone) -> Option<Self> {
        let params = zone.apex().rrset(RType::NSEC3PARAM)?;
        // The first record of flags 0 with a known hash (SHA-1 is the only one), as
        // BIND's `setnsec3parameters` takes it.
        let param = params.rdatas().find(|p| {
            p.len() >= 5 && p[0] == SHA1 && p[1] == 0 && p.len() == 5 + usize::from(p[4])
        })?;
        let iterations = u16::from_be_bytes([param[2], param[3]]);
        let salt = param[5..].to_vec();
        let mut links = Vec::new();
        for node in zone.nodes() {
            let Some(nsec3) = node.rrset(RType::NSEC3) else {
                continue;
            };
            let matches = nsec3
                .rdatas()
                .next()
                .is_some_and(|r| nsec3_params(r) == Some((param[0], iterations, &salt[..])));
            let name = node.name_wire();
            if !matches || nsec3.signatures().is_none() || usize::from(name[0]) != LABEL_LEN {
                continue;
            }
            let mut label = [0u8; LABEL_LEN];
            label.copy_from_slice(&name[1..=LABEL_LEN]);
            label.make_ascii_lowercase();
            links.push((label, node.index() as u32));
        }
        links.sort_unstable_by_key(|l| l.0);
        Some(Self {
            iterations,
            salt,
            links,
        })
    }

    /// The NSEC3 record matching or covering `name` (valid wire form, any case): BIND's
    /// lookup in its NSEC3 tree. `None` when the chain is empty.
    pub(crate) fn find<'z>(&self, zone: &'z Zone, name: &[u8]) -> Option<Nsec3Match<'z>> {
        let label = base32hex(&self.hash(name));
        let node = |i: usize| zone.node_by_index(self.links[i].1 as usize);
        match self.links.binary_search_by(|l| l.0.cmp(&label)) {
            Ok(i) => Some(Nsec3Match::Exact(node(i)?)),
            Err(i) => {
                // The covering record is the one before the hash, wrapping to the last
                // (RFC 5155 §7.2.1: the chain is circular).
                let prev = i.checked_sub(1).or(self.links.len().checked_sub(1))?;
                let found = node(prev)?;
                let opt_out = found
                    .rrset(RType::NSEC3)
                    .and_then(|r| r.rdatas().next())
                    .is_some_and(|r| r.get(1).is_some_and(|f| f & OPT_OUT != 0));
                Some(Nsec3Match::Covering(found, opt_out))
            }
        }
    }

    /// RFC 5155 §5: the iterated, salted SHA-1 of the canonical (lower-case) name.
    fn hash(&self, name: &[u8]) -> [u8; 20] {
        let lower = NameBuf::from_wire(name)
            .unwrap_or_else(NameBuf::root)
            .lowered();
        let mut digest: [u8; 20] = Sha1::new()
            .chain_update(lower.as_bytes())
            .chain_update(&self.salt)
            .finalize()
            .into();
        for _ in 0..self.iterations {
            digest = Sha1::new()
                .chain_update(digest)
                .chain_update(&self.salt)
                .finalize()
                .into();
        }
        digest
    }
}

/// The algorithm, iterations and salt of NSEC3 RDATA.
fn nsec3_params(rdata: &[u8]) -> Option<(u8, u16, &[u8])> {
    let salt_len = usize::from(*rdata.get(4)?);
    let salt = rdata.get(5..5 + salt_len)?;
    Some((rdata[0], u16::from_be_bytes([rdata[2], rdata[3]]), salt))
}

/// Base 32 with the extended hex alphabet (RFC 4648 §7), lower case, no padding: 20
/// bytes give 32 characters.
fn base32hex(hash: &[u8; 20]) -> [u8; LABEL_LEN] {
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
    let mut out = [0u8; LABEL_LEN];
    for (chunk, dest) in hash.chunks(5).zip(out.chunks_mut(8)) {
        let bits = chunk.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        for (i, d) in dest.iter_mut().enumerate() {
            *d = ALPHABET[((bits >> (35 - 5 * i)) & 31) as usize];
        }
    }
    out
}

/// The NSEC record covering `name` (which does not exist, or is an empty non-terminal):
/// the last node at or before it in canonical order owning a signed NSEC RRset, as
/// BIND's `find_closest_nsec` finds it.
pub(crate) fn covering_nsec<'z>(zone: &'z Zone, name: &[u8]) -> Option<Node<'z>> {
    let mut node = zone.predecessor(name)?;
    loop {
        if node
            .rrset(RType::NSEC)
            .is_some_and(|n| n.signatures().is_some())
        {
            return Some(node);
        }
        node = zone.node_by_index(node.index().checked_sub(1)?)?;
    }
}

/// Whether a DNSSEC type, which BIND hides from ANY answers in zones that are not
/// secure (`DNS_RDATATYPEATTR_DNSSEC`).
pub(crate) fn is_dnssec_type(rtype: RType) -> bool {
    matches!(
        rtype,
        RType::DS | RType::RRSIG | RType::NSEC | RType::DNSKEY | RType::NSEC3 | RType::NSEC3PARAM
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc5155_appendix_a_hashes() {
        // RFC 5155 Appendix A: salt aabbccdd, 12 iterations.
        let chain = Nsec3Chain {
            iterations: 12,
            salt: vec![0xaa, 0xbb, 0xcc, 0xdd],
            links: Vec::new(),
        };
        let cases = [
            ("example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"),
            ("a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl"),
            ("ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi"),
            ("ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr"),
            ("*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en"),
            ("x.w.example.", "b4um86eghhds6nea196smvmlo4ors995"),
        ];
        for (name, hash) in cases {
            let name = zones::Name::from_text(name, None).expect("valid test name");
            let label = base32hex(&chain.hash(name.as_wire()));
            assert_eq!(std::str::from_utf8(&label), Ok(hash), "{name}");
        }
        assert!(chain.find(&test_zone(), b"\x00").is_none());
    }

    fn test_zone() -> Zone {
        let origin = zones::Name::from_text("example.", None).expect("valid test name");
        let opts = zones::master::ParseOptions {
            origin: origin.clone(),
            class: zones::Class::IN,
            base_dir: ".".into(),
            default_ttl: None,
        };
        let text = "$TTL 300\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n";
        let records = zones::master::parse_str(text, "t", &opts)
            .expect("test zone parses")
            .records;
        Zone::build(
            origin,
            zones::Class::IN,
            records,
            &zones::zone::CheckOptions::default(),
        )
        .expect("test zone loads")
        .0
    }

    #[test]
    fn unsigned_zones_are_insecure() {
        let zone = test_zone();
        assert!(!Denial::of(&zone).is_secure());
        assert_eq!(
            covering_nsec(&zone, b"\x01x\x07example\x00").map(|n| n.index()),
            None
        );
        assert!(is_dnssec_type(RType::NSEC3PARAM));
        assert!(!is_dnssec_type(RType::A));
    }
}
