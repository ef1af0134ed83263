//! Whole DNS messages on the replication paths: reading every record of a response (names
//! decompressed, RDATA names included) and writing the small requests a secondary and a
//! primary send (SOA queries, AXFR/IXFR requests, NOTIFY).
//!
//! These paths see one message per transfer step or per NOTIFY, not one per query, so the
//! reader allocates freely; it never panics, whatever the bytes.

use zones::name::Name;
use zones::record::{Rdata, Record};
use zones::{Class, RType};

use crate::wire::header::{FLAG_AA, FLAG_QR, HEADER_LEN};
use crate::wire::name::{NameBuf, NameFault};
use crate::wire::{Header, Opcode};

/// Why a message could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// Fewer than 12 bytes.
    #[error("message shorter than a header")]
    ShortHeader,
    /// The message ends inside a question or record.
    #[error("message truncated")]
    Truncated,
    /// A name could not be read.
    #[error("bad name: {0}")]
    Name(#[from] NameFault),
    /// An RDATA length runs past the end of the message, or a name inside RDATA runs past
    /// its RDATA.
    #[error("bad RDATA length")]
    RdataLength,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The name.
    pub name: Name,
    /// The type.
    pub qtype: RType,
    /// The class.
    pub qclass: Class,
}

/// A message read whole.
#[derive(Debug, Clone)]
pub struct Message {
    /// The header.
    pub header: Header,
    /// The questions.
    pub questions: Vec<Question>,
    /// The answer section.
    pub answer: Vec<Record>,
    /// The authority section.
    pub authority: Vec<Record>,
    /// The additional section (OPT and TSIG records included, as records).
    pub additional: Vec<Record>,
}

impl Message {
    /// Reads `msg`.
    pub fn parse(msg: &[u8]) -> Result<Self, MessageError> {
        let header = Header::read(msg).ok_or(MessageError::ShortHeader)?;
        let mut pos = HEADER_LEN;
        let mut questions = Vec::new();
        for _ in 0..header.qdcount {
            let mut name = NameBuf::root();
            pos = name.read(msg, pos, true)?;
            let fixed = msg.get(pos..pos + 4).ok_or(MessageError::Truncated)?;
            questions.push(Question {
                name: to_name(&name)?,
                qtype: RType(u16::from_be_bytes([fixed[0], fixed[1]])),
                qclass: Class(u16::from_be_bytes([fixed[2], fixed[3]])),
            });
            pos += 4;
        }
        let mut sections: [Vec<Record>; 3] = Default::default();
        for (section, count) in
            sections
                .iter_mut()
                .zip([header.ancount, header.nscount, header.arcount])
        {
            for _ in 0..count {
                let (record, next) = read_record(msg, pos)?;
                section.push(record);
                pos = next;
            }
        }
        let [answer, authority, additional] = sections;
        Ok(Self {
            header,
            questions,
            answer,
            authority,
            additional,
        })
    }

    /// The rcode of the header (without EDNS's upper bits).
    pub fn rcode(&self) -> u8 {
        self.header.rcode()
    }
}

fn to_name(buf: &NameBuf) -> Result<Name, MessageError> {
    Name::from_wire(buf.as_bytes()).map_err(|_| MessageError::Name(NameFault::BadLabelType))
}

/// Reads the record at `pos`; returns it and the position after it.
fn read_record(msg: &[u8], pos: usize) -> Result<(Record, usize), MessageError> {
    let mut owner = NameBuf::root();
    let pos = owner.read(msg, pos, true)?;
    let fixed = msg.get(pos..pos + 10).ok_or(MessageError::Truncated)?;
    let rtype = RType(u16::from_be_bytes([fixed[0], fixed[1]]));
    let class = Class(u16::from_be_bytes([fixed[2], fixed[3]]));
    let ttl = u32::from_be_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]);
    let rdlen = usize::from(u16::from_be_bytes([fixed[8], fixed[9]]));
    let start = pos + 10;
    let end = start + rdlen;
    if end > msg.len() {
        return Err(MessageError::RdataLength);
    }
    let rdata = read_rdata(msg, start, end, class, rtype)?;
    Ok((
        Record {
            owner: to_name(&owner)?,
            ttl,
            class,
            rtype,
            rdata: Rdata::from(rdata),
        },
        end,
    ))
}

/// Where the names inside an RDATA start (after a fixed prefix) and how many follow each
/// other; `None` for RDATA without names. Senders compress only the RFC 1035 types, but
/// reading a pointer wherever a name may sit costs nothing and accepts every peer.
fn name_slots(
    msg: &[u8],
    start: usize,
    end: usize,
    class: Class,
    rtype: RType,
) -> Option<(usize, usize)> {
    let inet = class == Class::IN;
    match rtype.0 {
        2 | 3 | 4 | 5 | 7 | 8 | 9 | 12 | 39 => Some((0, 1)),
        6 | 14 | 17 | 58 => Some((0, 2)),
        15 | 18 | 21 => Some((2, 1)),
        36 if inet => Some((2, 1)),
        26 if inet => Some((2, 2)),
        33 if inet => Some((6, 1)),
        24 | 46 => Some((18, 1)),
        30 | 47 => Some((0, 1)),
        35 => {
            let mut at = 4;
            for _ in 0..3 {
                at += 1 + usize::from(*msg.get(start + at).filter(|_| start + at < end)?);
            }
            Some((at, 1))
        }
        _ => None,
    }
}

/// The RDATA at `msg[start..end]` with its names decompressed.
fn read_rdata(
    msg: &[u8],
    start: usize,
    end: usize,
    class: Class,
    rtype: RType,
) -> Result<Vec<u8>, MessageError> {
    let Some((first, count)) = name_slots(msg, start, end, class, rtype) else {
        return Ok(msg[start..end].to_vec());
    };
    // An empty RDATA (an UPDATE's deletion) has no names to read.
    if start == end {
        return Ok(Vec::new());
    }
    if start + first > end {
        return Err(MessageError::RdataLength);
    }
    let bounded = &msg[..end];
    let mut out = Vec::with_capacity(end - start + 32);
    out.extend_from_slice(&msg[start..start + first]);
    let mut pos = start + first;
    for _ in 0..count {
        let mut name = NameBuf::root();
        pos = name.read(bounded, pos, true).map_err(|e| match e {
            NameFault::Truncated => MessageError::RdataLength,
            other => MessageError::Name(other),
        })?;
        out.extend_from_slice(name.as_bytes());
    }
    out.extend_from_slice(&msg[pos..end]);
    Ok(out)
}

//------------ Writing requests ----------------------------------------------------

/// A request under construction: names are written uncompressed.
#[derive(Debug, Clone)]
pub struct RequestBuilder {
    out: Vec<u8>,
    header: Header,
}

impl RequestBuilder {
    /// A request with `id` and `opcode`, flags clear.
    pub fn new(id: u16, opcode: Opcode) -> Self {
        Self {
            out: vec![0; HEADER_LEN],
            header: Header {
                id,
                flags: u16::from(opcode.0) << 11,
                ..Header::default()
            },
        }
    }

    /// Sets AA (NOTIFY requests carry it, RFC 1996 §3.7).
    pub fn authoritative(mut self) -> Self {
        self.header.flags |= FLAG_AA;
        self
    }

    /// Marks the message as a response (for tests that play a server).
    pub fn response(mut self, rcode: u8) -> Self {
        self.header.flags |= FLAG_QR | u16::from(rcode & 0x0f);
        self
    }

    /// Adds a question.
    pub fn question(mut self, name: &Name, qtype: RType, qclass: Class) -> Self {
        self.out.extend_from_slice(name.as_wire());
        self.out.extend_from_slice(&qtype.0.to_be_bytes());
        self.out.extend_from_slice(&qclass.0.to_be_bytes());
        self.header.qdcount += 1;
        self
    }

    fn record(&mut self, record: &Record) {
        self.out.extend_from_slice(record.owner.as_wire());
        self.out.extend_from_slice(&record.rtype.0.to_be_bytes());
        self.out.extend_from_slice(&record.class.0.to_be_bytes());
        self.out.extend_from_slice(&record.ttl.to_be_bytes());
        let rdata = record.rdata.as_bytes();
        let len = u16::try_from(rdata.len()).unwrap_or(u16::MAX);
        self.out.extend_from_slice(&len.to_be_bytes());
        self.out.extend_from_slice(&rdata[..usize::from(len)]);
    }

    /// Adds an answer record (a record too long for a message is cut; callers pass SOAs).
    pub fn answer(mut self, record: &Record) -> Self {
        self.record(record);
        self.header.ancount += 1;
        self
    }

    /// Adds an authority record (the client's SOA of an IXFR request).
    pub fn authority(mut self, record: &Record) -> Self {
        self.record(record);
        self.header.nscount += 1;
        self
    }

    /// Adds an additional record.
    pub fn additional(mut self, record: &Record) -> Self {
        self.record(record);
        self.header.arcount += 1;
        self
    }

    /// The finished message.
    pub fn finish(mut self) -> Vec<u8> {
        let mut head = [0u8; HEADER_LEN];
        self.header.write(&mut head);
        self.out[..HEADER_LEN].copy_from_slice(&head);
        self.out
    }
}

/// The serial of an SOA RDATA; `None` when it is malformed.
pub fn soa_serial(rdata: &[u8]) -> Option<u32> {
    let (_, mname_end) = Name::read_wire(rdata, 0).ok()?;
    let (_, rname_end) = Name::read_wire(rdata, mname_end).ok()?;
    let numbers = rdata.get(rname_end..)?;
    if numbers.len() != 20 {
        return None;
    }
    Some(u32::from_be_bytes([
        numbers[0], numbers[1], numbers[2], numbers[3],
    ]))
}

/// A random message id.
pub fn random_id() -> u16 {
    (random_u64() >> 16) as u16
}

/// 64 unpredictable bits, from the standard library's randomly keyed hasher (ids and
/// timer jitter need no more than that).
pub fn random_u64() -> u64 {
    use std::hash::{BuildHasher as _, Hasher as _};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> Name {
        Name::from_text(text, None).expect("name")
    }

    fn soa_record(origin: &str, serial: u32) -> Record {
        let mut rdata = Vec::new();
        rdata.extend_from_slice(name(&format!("ns1.{origin}")).as_wire());
        rdata.extend_from_slice(name(&format!("hostmaster.{origin}")).as_wire());
        for v in [serial, 3600, 600, 86400, 60] {
            rdata.extend_from_slice(&v.to_be_bytes());
        }
        Record {
            owner: name(origin),
            ttl: 300,
            class: Class::IN,
            rtype: RType::SOA,
            rdata: Rdata::from(rdata),
        }
    }

    #[test]
    fn requests_read_back() {
        let soa = soa_record("example.com.", 7);
        let msg = RequestBuilder::new(0x1234, Opcode::QUERY)
            .question(&name("example.com."), RType::IXFR, Class::IN)
            .authority(&soa)
            .finish();
        let parsed = Message::parse(&msg).expect("parses");
        assert_eq!(parsed.header.id, 0x1234);
        assert_eq!(parsed.questions[0].qtype, RType::IXFR);
        assert_eq!(parsed.authority, vec![soa.clone()]);
        assert_eq!(soa_serial(parsed.authority[0].rdata.as_bytes()), Some(7));
    }

    #[test]
    fn compressed_rdata_names_are_expanded() {
        // Header, question example.com. SOA, one answer: owner pointer to the question,
        // SOA RDATA whose names point back too.
        let mut msg = vec![0, 1, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0];
        msg.extend_from_slice(name("example.com.").as_wire());
        msg.extend_from_slice(&[0, 6, 0, 1]);
        msg.extend_from_slice(&[0xc0, 12, 0, 6, 0, 1, 0, 0, 1, 44]);
        let mut rdata = vec![3, b'n', b's', b'1', 0xc0, 12, 0xc0, 12];
        for v in [9u32, 1, 2, 3, 4] {
            rdata.extend_from_slice(&v.to_be_bytes());
        }
        msg.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        msg.extend_from_slice(&rdata);
        let parsed = Message::parse(&msg).expect("parses");
        let record = &parsed.answer[0];
        assert_eq!(record.owner, name("example.com."));
        assert_eq!(soa_serial(record.rdata.as_bytes()), Some(9));
        let expected = soa_record("example.com.", 9);
        assert!(
            record
                .rdata
                .as_bytes()
                .starts_with(name("ns1.example.com.").as_wire())
        );
        assert_eq!(
            record.rdata.as_bytes().len(),
            expected.rdata.as_bytes().len() - 11
        );
    }

    #[test]
    fn malformed_messages_are_errors_not_panics() {
        let good = RequestBuilder::new(1, Opcode::QUERY)
            .question(&name("example.com."), RType::SOA, Class::IN)
            .answer(&soa_record("example.com.", 1))
            .finish();
        // Every truncation and every single-byte corruption must be handled.
        for len in 0..good.len() {
            let _ = Message::parse(&good[..len]);
        }
        for i in 0..good.len() {
            for v in [0u8, 0x3f, 0x40, 0xc0, 0xff] {
                let mut bad = good.clone();
                bad[i] = v;
                let _ = Message::parse(&bad);
            }
        }
        assert_eq!(
            Message::parse(&[0; 5]).err(),
            Some(MessageError::ShortHeader)
        );
        let mut long = good.clone();
        long[7] = 2;
        assert_eq!(
            Message::parse(&long).err(),
            Some(MessageError::Name(NameFault::Truncated))
        );
    }

    #[test]
    fn rdata_names_may_not_run_past_their_rdata() {
        let mut msg = vec![0, 1, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0];
        msg.extend_from_slice(&[0, 0, 2, 0, 1, 0, 0, 0, 0, 0, 2, 3, b'a']);
        msg.extend_from_slice(&[b'b', b'c', 0]);
        assert_eq!(Message::parse(&msg).err(), Some(MessageError::RdataLength));
    }

    #[test]
    fn soa_serial_needs_twenty_bytes() {
        assert_eq!(soa_serial(&[0, 0, 1, 2]), None);
        assert_eq!(soa_serial(b"\x03abc"), None);
    }
}
