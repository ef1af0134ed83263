//! Writing a response into a caller-provided buffer, RRset by RRset.
//!
//! The writer follows BIND 9.18's `dns_message_render*` so that sizes, truncation and
//! section contents match:
//!
//! - The OPT record's size (and any space reserved for a TSIG record) is set aside before
//!   anything else is written, so it always fits; it is written last.
//! - Without OPT or TSIG, an answer or authority RRset that does not fit keeps as many of
//!   its whole records as fit, TC is set and nothing more is written. Live: 4 of 10 TXT
//!   records, 29 of 40 A records.
//! - With OPT or TSIG, such an RRset is dropped whole and TC is set; at the end every
//!   section but the question is emptied. Live: TC with only the question and the OPT
//!   record (44 bytes), the COOKIE option still in it.
//! - In the additional section an RRset that does not fit is dropped and so is every
//!   later one, without TC; only required glue (the referral's answer, BIND's
//!   `DNS_RDATASETATTR_REQUIRED`) sets TC.
//!
//! RRsets must be pushed in section order. BIND renders the additional section of an IN
//! answer in passes: A RRsets first (AAAA for IPv6 clients), then AAAA (A), then RRSIG and
//! DNSKEY, then the rest; [`additional_pass`] gives the pass so the caller can order them.

use zones::{Class, RType};

use super::compress::{Compressor, NO_REPEAT, NameWriteError};
use super::edns::{CookieSource, Edns, EdnsConfig, OptRecord};
use super::header::{FLAG_CD, FLAG_RD, FLAG_TC, HEADER_LEN, Header, Opcode, Rcode};
use super::query::{Refusal, ReplyOpt, Request};
use super::rdata_names::rdata_names;
use super::{MAX_MESSAGE, name};

/// A message section that holds records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// The answer section.
    Answer,
    /// The authority section.
    Authority,
    /// The additional section.
    Additional,
}

/// The owner, type, class and TTL shared by the records of an RRset.
#[derive(Clone, Copy, Debug)]
pub struct RrsetHead<'a> {
    /// The owner name, uncompressed, in the case it should appear in.
    pub owner: &'a [u8],
    /// The type.
    pub rtype: RType,
    /// The class.
    pub class: Class,
    /// The TTL.
    pub ttl: u32,
}

/// What became of an RRset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pushed {
    /// Written whole.
    Written,
    /// It did not fit: TC is set and nothing more will be written.
    Truncated,
    /// An additional-section RRset that did not fit: it and every later additional
    /// RRset are left out, without TC.
    Dropped,
}

/// Why a response could not be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// The buffer cannot hold a header and the OPT record.
    #[error("response buffer too small for the header and OPT record")]
    BufferTooSmall,
    /// A question after records, or records pushed to an earlier section.
    #[error("records pushed out of section order")]
    SectionOrder,
    /// An owner or RDATA name is not a well-formed uncompressed wire name.
    #[error("malformed owner name")]
    MalformedName,
    /// An RDATA is longer than 65535 bytes.
    #[error("RDATA too long")]
    RdataTooLong,
    /// An rcode above 15 without an OPT record to carry its upper bits.
    #[error("extended rcode without an OPT record")]
    ExtendedRcodeWithoutOpt,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Open,
    AdditionalClosed,
    Truncated,
}

/// Writes one response into a reusable buffer.
pub struct ResponseWriter<'b, 'o> {
    buf: &'b mut [u8],
    comp: &'b mut Compressor,
    limit: usize,
    len: usize,
    header: Header,
    rcode: Rcode,
    reserved: usize,
    opt: Option<OptRecord<'o>>,
    question_end: usize,
    section: Option<Section>,
    state: State,
}

impl<'b, 'o> ResponseWriter<'b, 'o> {
    /// Starts the response to `request` in `buf`, at most `limit` bytes long (the UDP
    /// limit, or 65535 on TCP), reserving room for `opt`.
    ///
    /// The header gets the request's id and opcode and QR; for QUERY, RD and CD are
    /// copied and every other flag is clear, for other opcodes all flags are clear, as in
    /// BIND's `dns_message_reply`. Live: a query with AA, TC, RD, RA, Z, AD and CD set got
    /// only RD and CD back; an IQUERY with RD got no RD.
    pub fn new(
        buf: &'b mut [u8],
        comp: &'b mut Compressor,
        limit: usize,
        request: &Header,
        opt: Option<OptRecord<'o>>,
    ) -> Result<Self, WriteError> {
        comp.reset();
        let limit = limit.min(buf.len()).min(MAX_MESSAGE);
        let reserved = opt.as_ref().map_or(0, OptRecord::wire_len);
        if HEADER_LEN + reserved > limit {
            return Err(WriteError::BufferTooSmall);
        }
        let opcode = request.opcode();
        let mut flags = super::header::FLAG_QR | (request.flags & 0x7800);
        if opcode == Opcode::QUERY {
            flags |= request.flags & (FLAG_RD | FLAG_CD);
        }
        let header = Header {
            id: request.id,
            flags,
            ..Header::default()
        };
        Ok(Self {
            buf,
            comp,
            limit,
            len: HEADER_LEN,
            header,
            rcode: Rcode::NOERROR,
            reserved,
            opt,
            question_end: HEADER_LEN,
            section: None,
            state: State::Open,
        })
    }

    /// Appends a question. One that does not fit sets TC, as in BIND.
    pub fn question(&mut self, name: &[u8], qtype: RType, qclass: Class) -> Result<(), WriteError> {
        if self.section.is_some() {
            return Err(WriteError::SectionOrder);
        }
        if self.state == State::Truncated {
            return Ok(());
        }
        let end = self.limit - self.reserved;
        let mut repeat = NO_REPEAT;
        let written = self
            .comp
            .write_name(self.buf, self.len, end, name, true, Some(&mut repeat))
            .and_then(|pos| {
                put(
                    self.buf,
                    pos,
                    end,
                    &[&qtype.0.to_be_bytes(), &qclass.0.to_be_bytes()],
                )
            });
        match written {
            Ok(pos) => {
                self.len = pos;
                self.question_end = pos;
                self.header.qdcount += 1;
                Ok(())
            }
            Err(NameWriteError::NoSpace) => {
                self.comp.rollback(self.len);
                self.truncate();
                Ok(())
            }
            Err(NameWriteError::Malformed) => Err(WriteError::MalformedName),
        }
    }

    /// Echoes the questions of a request as BIND does: all those it read, under the first
    /// question's name as the client wrote it. `msg` is the request's message.
    pub fn echo_questions(&mut self, request: &Request, msg: &[u8]) -> Result<(), WriteError> {
        let Some(first) = request.question() else {
            return Ok(());
        };
        for (qtype, qclass) in request.echoed_questions(msg) {
            self.question(first.name(), qtype, qclass)?;
        }
        Ok(())
    }

    /// Sets the response code (its upper bits go in the OPT record).
    pub fn set_rcode(&mut self, rcode: Rcode) {
        self.rcode = rcode;
    }

    /// Sets or clears header flags (AA, AD, RA, TC: `super::header::FLAG_*`).
    pub fn set_flags(&mut self, mask: u16, on: bool) {
        if on {
            self.header.flags |= mask;
        } else {
            self.header.flags &= !mask;
        }
    }

    /// Adds the EXPIRE option (RFC 7314) to the OPT record, for an SOA answer, keeping its
    /// reservation exact; `false` (and nothing added) without an OPT record or room.
    pub fn set_expire(&mut self, seconds: u32) -> bool {
        let Some(opt) = self.opt.as_mut() else {
            return false;
        };
        let before = opt.wire_len();
        let after = OptRecord {
            expire: Some(seconds),
            ..*opt
        }
        .wire_len();
        let grown = self.reserved - before + after;
        if self.len + grown > self.limit {
            return false;
        }
        opt.expire = Some(seconds);
        self.reserved = grown;
        true
    }

    /// Sets aside `bytes` at the end of the message for a TSIG record; `false` if there is
    /// no room (nothing is reserved then).
    pub fn reserve(&mut self, bytes: usize) -> bool {
        if self.len + self.reserved + bytes > self.limit {
            return false;
        }
        self.reserved += bytes;
        true
    }

    /// Whether TC has been set.
    pub fn truncated(&self) -> bool {
        self.state == State::Truncated
    }

    /// Appends an RRset to `section` (see the module documentation for what happens
    /// when it does not fit). `rdatas` are uncompressed RDATA; their embedded names are
    /// compressed where BIND compresses them.
    pub fn push<I>(
        &mut self,
        section: Section,
        head: &RrsetHead<'_>,
        rdatas: I,
    ) -> Result<Pushed, WriteError>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        self.push_rrset(section, head, rdatas, false)
    }

    /// Appends required glue to the additional section: the RRset answering the question
    /// in a referral, which BIND puts first and sets TC for when it does not fit.
    pub fn push_required<I>(
        &mut self,
        head: &RrsetHead<'_>,
        rdatas: I,
    ) -> Result<Pushed, WriteError>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        self.push_rrset(Section::Additional, head, rdatas, true)
    }

    fn push_rrset<I>(
        &mut self,
        section: Section,
        head: &RrsetHead<'_>,
        rdatas: I,
        required: bool,
    ) -> Result<Pushed, WriteError>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        if self.section.is_some_and(|s| s > section) {
            return Err(WriteError::SectionOrder);
        }
        self.section = Some(section);
        match self.state {
            State::Truncated => return Ok(Pushed::Truncated),
            State::AdditionalClosed if section == Section::Additional => {
                return Ok(Pushed::Dropped);
            }
            _ => {}
        }
        let end = self.limit - self.reserved;
        let mark = self.len;
        let mut repeat = NO_REPEAT;
        let mut count: u16 = 0;
        for rdata in rdatas {
            match self.write_record(end, head, rdata.as_ref(), &mut repeat) {
                Ok(pos) => {
                    self.len = pos;
                    count += 1;
                }
                Err(RecordError::NoSpace) => {
                    let partial = self.reserved == 0 && section != Section::Additional;
                    if partial {
                        // BIND's `dns_rdataset_towirepartial`: keep the whole records.
                        self.comp.rollback(self.len);
                        self.add_count(section, count);
                        self.truncate();
                        return Ok(Pushed::Truncated);
                    }
                    self.comp.rollback(mark);
                    self.len = mark;
                    if section == Section::Additional && !required {
                        self.state = State::AdditionalClosed;
                        return Ok(Pushed::Dropped);
                    }
                    self.truncate();
                    return Ok(Pushed::Truncated);
                }
                Err(RecordError::Bad(e)) => {
                    self.comp.rollback(mark);
                    self.len = mark;
                    return Err(e);
                }
            }
        }
        self.add_count(section, count);
        Ok(Pushed::Written)
    }

    fn add_count(&mut self, section: Section, count: u16) {
        let counter = match section {
            Section::Answer => &mut self.header.ancount,
            Section::Authority => &mut self.header.nscount,
            Section::Additional => &mut self.header.arcount,
        };
        *counter = counter.saturating_add(count);
    }

    fn truncate(&mut self) {
        self.header.flags |= FLAG_TC;
        self.state = State::Truncated;
    }

    /// Writes one record at `self.len`; returns the position after it.
    fn write_record(
        &mut self,
        end: usize,
        head: &RrsetHead<'_>,
        rdata: &[u8],
        repeat: &mut u16,
    ) -> Result<usize, RecordError> {
        if rdata.len() > usize::from(u16::MAX) {
            return Err(RecordError::Bad(WriteError::RdataTooLong));
        }
        let pos = self
            .comp
            .write_name(self.buf, self.len, end, head.owner, true, Some(repeat))?;
        let fixed = [
            &head.rtype.0.to_be_bytes()[..],
            &head.class.0.to_be_bytes(),
            &head.ttl.to_be_bytes(),
            &[0, 0],
        ];
        let rdata_start = put(self.buf, pos, end, &fixed)?;
        let mut pos = rdata_start;
        let mut copied = 0;
        for (offset, compress) in rdata_names(head.class, head.rtype, rdata).iter() {
            pos = put(self.buf, pos, end, &[&rdata[copied..offset]])?;
            let embedded = &rdata[offset..];
            pos = self
                .comp
                .write_name(self.buf, pos, end, embedded, compress, None)?;
            copied = offset + name::uncompressed_len(embedded).unwrap_or(embedded.len());
        }
        pos = put(self.buf, pos, end, &[&rdata[copied..]])?;
        // Compression only shortens, so this fits in 16 bits.
        let rdlen = (pos - rdata_start) as u16;
        self.buf[rdata_start - 2..rdata_start].copy_from_slice(&rdlen.to_be_bytes());
        Ok(pos)
    }

    /// Finishes the message: empties the sections of a truncated message that carries an
    /// OPT record or TSIG space (BIND's `dns_message_renderend`), writes the OPT record and
    /// the header, and returns the message length.
    pub fn finish(mut self) -> Result<usize, WriteError> {
        if self.state == State::Truncated && self.reserved > 0 {
            self.comp.rollback(self.question_end);
            self.len = self.question_end;
            self.header.ancount = 0;
            self.header.nscount = 0;
            self.header.arcount = 0;
        }
        if self.rcode.extended() != 0 && self.opt.is_none() {
            return Err(WriteError::ExtendedRcodeWithoutOpt);
        }
        self.header.flags = (self.header.flags & !0x000f) | self.rcode.low();
        if let Some(opt) = &self.opt {
            let n = opt
                .write(&mut self.buf[self.len..], self.rcode.extended())
                .ok_or(WriteError::BufferTooSmall)?;
            self.len += n;
            self.header.arcount += 1;
        }
        let mut head = [0u8; HEADER_LEN];
        self.header.write(&mut head);
        self.buf[..HEADER_LEN].copy_from_slice(&head);
        Ok(self.len)
    }
}

enum RecordError {
    NoSpace,
    Bad(WriteError),
}

impl From<NameWriteError> for RecordError {
    fn from(e: NameWriteError) -> Self {
        match e {
            NameWriteError::NoSpace => Self::NoSpace,
            NameWriteError::Malformed => Self::Bad(WriteError::MalformedName),
        }
    }
}

/// Copies `parts` to `buf[pos..]` if they fit before `end`.
fn put(buf: &mut [u8], pos: usize, end: usize, parts: &[&[u8]]) -> Result<usize, NameWriteError> {
    let total: usize = parts.iter().map(|p| p.len()).sum();
    if pos + total > end || pos + total > buf.len() {
        return Err(NameWriteError::NoSpace);
    }
    let mut at = pos;
    for part in parts {
        buf[at..at + part.len()].copy_from_slice(part);
        at += part.len();
    }
    Ok(at)
}

/// The pass in which BIND 9.18 renders an additional-section RRset, highest first:
/// 4 for the address type the client prefers (A over IPv4, AAAA over IPv6), 3 for the
/// other address type, 2 for RRSIG and DNSKEY, 1 for the rest; outside class IN, 4.
pub fn additional_pass(rtype: RType, class: Class, client_is_ipv6: bool) -> u8 {
    if class != Class::IN {
        return 4;
    }
    match rtype {
        RType::A => {
            if client_is_ipv6 {
                3
            } else {
                4
            }
        }
        RType::AAAA => {
            if client_is_ipv6 {
                4
            } else {
                3
            }
        }
        RType::RRSIG | RType::DNSKEY => 2,
        _ => 1,
    }
}

/// The OPT record a [`Refusal`] gets.
pub fn refusal_opt<'o>(
    kind: ReplyOpt,
    edns: Option<&Edns>,
    config: &EdnsConfig<'o>,
    tcp: bool,
    cookie: Option<&CookieSource<'_>>,
) -> Option<OptRecord<'o>> {
    match kind {
        ReplyOpt::Omit => None,
        ReplyOpt::Plain { dnssec_ok } => Some(OptRecord::plain(config.udp_size, dnssec_ok)),
        ReplyOpt::Full => edns.map(|e| OptRecord::answer(e, config, tcp, cookie)),
    }
}

/// Writes the whole reply to a refused or malformed request and returns its length.
pub fn write_refusal(
    buf: &mut [u8],
    comp: &mut Compressor,
    limit: usize,
    request: &Request,
    msg: &[u8],
    refusal: &Refusal,
    opt: Option<OptRecord<'_>>,
) -> Result<usize, WriteError> {
    let mut w = ResponseWriter::new(buf, comp, limit, request.header(), opt)?;
    if refusal.echo_question {
        w.echo_questions(request, msg)?;
    }
    w.set_rcode(refusal.rcode);
    w.finish()
}

#[cfg(test)]
mod tests;
