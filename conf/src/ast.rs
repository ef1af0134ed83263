//! The parsed configuration: a tree of values, each with the place it came from and the
//! grammar shape it was parsed as.
//!
//! This tree only knows syntax; [`crate::model`] turns it into typed settings.

use std::net::IpAddr;

use crate::grammar::{Clause, Ty};
use crate::loc::Loc;

/// A parsed value.
#[derive(Debug, Clone)]
pub struct Node {
    /// Where BIND would say the value is (for a compound value, the token before it began).
    pub loc: Loc,
    pub(crate) ty: &'static Ty,
    /// The value.
    pub value: Value,
}

/// A duration: the ISO 8601 parts, or plain seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Duration {
    /// Years, months, weeks, days, hours, minutes, seconds.
    pub parts: [u32; 7],
    /// Written in ISO 8601 form (`P1D`), not as a TTL (`1d`, `86400`).
    pub iso8601: bool,
    /// `unlimited`.
    pub unlimited: bool,
}

impl Duration {
    /// The duration in seconds, saturating (months count 31 days, years 365).
    pub fn seconds(&self) -> u32 {
        const SCALE: [u64; 7] = [86400 * 365, 86400 * 31, 86400 * 7, 86400, 3600, 60, 1];
        let total: u64 = self
            .parts
            .iter()
            .zip(SCALE)
            .map(|(&p, s)| u64::from(p) * s)
            .sum();
        u32::try_from(total).unwrap_or(u32::MAX)
    }
}

/// An address with an optional port, as in `192.0.2.1 port 53`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SockAddr {
    /// The address (`*` is the unspecified address).
    pub ip: IpAddr,
    /// An IPv6 scope (`fe80::1%2`), 0 when none.
    pub scope: u32,
    /// The port; 0 when none was given.
    pub port: u16,
    /// An obsolete DSCP value.
    pub dscp: Option<u32>,
}

/// The kinds of values.
#[derive(Debug, Clone)]
pub enum Value {
    /// Nothing (an optional part left out, or a keyword without value such as `null`).
    Void,
    /// A string, bare or quoted.
    Str(String),
    /// A number.
    Uint(u32),
    /// A size in bytes.
    Uint64(u64),
    /// A boolean.
    Bool(bool),
    /// A duration.
    Duration(Duration),
    /// A percentage.
    Percent(u32),
    /// A fixed-point number in hundredths.
    Fixed(u32),
    /// An address and port.
    SockAddr(SockAddr),
    /// An address prefix.
    Prefix(IpAddr, u8),
    /// A list.
    List(Vec<Node>),
    /// The fields of a tuple, in grammar order.
    Tuple(Vec<Node>),
    /// A block of clauses.
    Map(Box<Map>),
}

/// A block of clauses, such as `options { ... }` or a zone's body.
#[derive(Debug, Clone)]
pub struct Map {
    /// The name before the braces (`key NAME { ... }`, `server PREFIX { ... }`).
    pub name: Option<Node>,
    pub(crate) sets: &'static [&'static [Clause]],
    /// The clauses in the order they first appeared; a repeatable clause gathers all its
    /// values in one entry.
    pub entries: Vec<Entry>,
}

/// The values of one clause in a block.
#[derive(Debug, Clone)]
pub struct Entry {
    pub(crate) clause: &'static Clause,
    /// The values, in order (one unless the clause may repeat).
    pub values: Vec<Node>,
    /// Where the keyword of each value stands.
    pub locs: Vec<Loc>,
}

impl Entry {
    /// The clause's keyword.
    pub fn name(&self) -> &'static str {
        self.clause.name
    }
}

impl Map {
    /// The first value of a clause.
    pub fn get(&self, name: &str) -> Option<&Node> {
        self.entry(name).and_then(|e| e.values.first())
    }

    /// All values of a clause.
    pub fn get_all(&self, name: &str) -> &[Node] {
        self.entry(name).map(|e| e.values.as_slice()).unwrap_or(&[])
    }

    /// The entry of a clause.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.clause.name == name)
    }

    /// How many clauses are set.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no clause is set.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The name before the braces, as a string.
    pub fn name_str(&self) -> Option<&str> {
        self.name.as_ref().and_then(Node::as_str)
    }
}

impl Node {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_u32(&self) -> Option<u32> {
        match self.value {
            Value::Uint(n) => Some(n),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The block, if this is one.
    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The list elements, if this is a list.
    pub fn as_list(&self) -> &[Node] {
        match &self.value {
            Value::List(items) => items,
            _ => &[],
        }
    }

    /// The address, if this is one.
    pub fn as_sockaddr(&self) -> Option<SockAddr> {
        match self.value {
            Value::SockAddr(sa) => Some(sa),
            _ => None,
        }
    }

    /// The duration, if this is one.
    pub fn as_duration(&self) -> Option<Duration> {
        match self.value {
            Value::Duration(d) => Some(d),
            _ => None,
        }
    }

    /// Whether the value is absent.
    pub fn is_void(&self) -> bool {
        matches!(self.value, Value::Void)
    }

    /// A tuple field by its grammar name.
    pub fn field(&self, name: &str) -> Option<&Node> {
        let fields = match self.ty {
            Ty::Tuple(fields) | Ty::KvTuple(fields) => *fields,
            Ty::Special(crate::grammar::Special::LogFile) => crate::grammar::LOGFILE_FIELDS,
            Ty::Special(crate::grammar::Special::DnstapOutput) => {
                crate::grammar::DNSTAPOUTPUT_FIELDS
            }
            Ty::Special(crate::grammar::Special::Geoip) => crate::grammar::GEOIP_FIELDS,
            Ty::Special(crate::grammar::Special::RpzPolicy) => crate::grammar::RPZ_POLICY_FIELDS,
            _ => return None,
        };
        let index = fields.iter().position(|f| f.name == name)?;
        match &self.value {
            Value::Tuple(values) => values.get(index),
            _ => None,
        }
    }
}
