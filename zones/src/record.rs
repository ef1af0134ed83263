//! Resource records: owner, class, type, TTL and RDATA in uncompressed wire form.
//!
//! RDATA is kept as wire bytes for every type. That makes unknown types (RFC 3597) free,
//! lets the server copy answers without re-encoding, and gives canonical ordering
//! (RFC 4034 §6.3) by plain byte comparison once embedded names are lower-cased.

use crate::name::Name;
use crate::types::{Class, RType};

/// RDATA in uncompressed wire form; embedded names keep their case.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Rdata(pub Box<[u8]>);

impl Rdata {
    /// The wire bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The domain name that additional-section processing and delegation follow: the target
    /// of NS, CNAME, DNAME, PTR, MX, KX, AFSDB, RT and SRV records.
    pub fn target_name(&self, rtype: RType) -> Option<Name> {
        let offset = match rtype {
            RType::NS | RType::CNAME | RType::DNAME | RType::PTR => 0,
            RType::MX | RType::KX | RType::AFSDB | RType::RT => 2,
            RType::SRV => 6,
            _ => return None,
        };
        Name::read_wire(&self.0, offset).ok().map(|(name, _)| name)
    }
}

impl From<Vec<u8>> for Rdata {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes.into())
    }
}

/// One resource record.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Record {
    /// The owner name.
    pub owner: Name,
    /// The time to live, in seconds.
    pub ttl: u32,
    /// The class.
    pub class: Class,
    /// The type.
    pub rtype: RType,
    /// The data, in uncompressed wire form.
    pub rdata: Rdata,
}
