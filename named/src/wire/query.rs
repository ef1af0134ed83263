//! Reading a request: the header, the question and the OPT record, with every malformed
//! case classified as BIND 9.18 classifies it.
//!
//! Nothing here allocates. The question name is copied into a fixed buffer twice: as
//! sent, to echo it, and lower-cased, for lookups. The other records are walked only to
//! check them; a TSIG record (last in the additional section) is located for the TSIG
//! code.
//!
//! BIND's order, kept here: the whole message is parsed first (any fault is FORMERR);
//! then the OPT record is processed (BADVERS, bad ECS scope); then the message class is
//! checked; then, after TSIG verification, the opcode decides ([`Action`]).

use zones::{Class, RType};

use super::edns::{self, Edns, OptFault};
use super::header::{FLAG_QR, HEADER_LEN, Header, Opcode, Rcode};
use super::name::NameBuf;
use super::u16_at;

/// The KEY type, which BIND lets differ in class from the question in TKEY exchanges.
const KEY: RType = RType(25);
/// The SIG type (SIG(0) may have any class).
const SIG: RType = RType(24);
/// The TKEY type.
const TKEY: RType = RType(249);
/// MAILB and MAILA, which BIND answers NOTIMP.
const MAILB: RType = RType(253);
const MAILA: RType = RType(254);

//------------ Question ------------------------------------------------------

/// The question of a request.
#[derive(Clone, Debug)]
pub struct Question {
    name: NameBuf,
    lower: NameBuf,
    /// QTYPE.
    pub qtype: RType,
    /// QCLASS.
    pub qclass: Class,
}

impl Default for Question {
    fn default() -> Self {
        Self {
            name: NameBuf::root(),
            lower: NameBuf::root(),
            qtype: RType(0),
            qclass: Class(0),
        }
    }
}

impl Question {
    /// QNAME as the client sent it (uncompressed, case kept), to echo it.
    pub fn name(&self) -> &[u8] {
        self.name.as_bytes()
    }

    /// QNAME with ASCII letters lower-cased, for lookups.
    pub fn lower_name(&self) -> &[u8] {
        self.lower.as_bytes()
    }
}

/// Where the TSIG record of a request is, for the TSIG code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TsigPosition {
    /// The offset of the record (its owner name): the signed data ends here.
    pub start: usize,
    /// The offset of its RDATA.
    pub rdata_start: usize,
    /// The end of its RDATA.
    pub rdata_end: usize,
}

//------------ Outcomes ------------------------------------------------------

/// What to do with a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Send nothing back.
    Drop(DropReason),
    /// Answer at once: the message is malformed or refused before any TSIG is checked.
    Reply(Refusal),
    /// Well formed: verify the TSIG if there is one, then act.
    Accept(Action),
}

/// Why a message gets no answer at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// Shorter than a header. BIND: "dropped request: invalid message header".
    ShortHeader,
    /// QR is set. BIND: "dropped request: unexpected response".
    Response,
}

/// The request after the checks of the parser, by opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// A QUERY with one question of an ordinary type (or ANY): look it up.
    Query,
    /// A QUERY for AXFR or IXFR.
    Transfer,
    /// A NOTIFY (RFC 1996).
    Notify,
    /// An UPDATE (RFC 2136).
    Update,
    /// Answer at once, as BIND does after verifying any TSIG.
    Refuse(Refusal),
}

/// An answer without lookup: an rcode, the question or not, and what OPT record to add.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The response code (12 bits; the high bits go in the OPT record).
    pub rcode: Rcode,
    /// Whether the question section is echoed ([`Request::echoed_questions`]).
    pub echo_question: bool,
    /// The OPT record of the reply.
    pub opt: ReplyOpt,
}

/// The OPT record of a [`Refusal`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyOpt {
    /// None: the message could not be parsed, or its ECS option had a scope.
    Omit,
    /// One with our UDP size and no options ([`super::OptRecord::plain`]).
    Plain {
        /// Whether the DO bit is echoed.
        dnssec_ok: bool,
    },
    /// The one an answer would get, if the query had EDNS ([`super::OptRecord::answer`]).
    Full,
}

/// Parser settings.
#[derive(Clone, Copy, Debug)]
pub struct ParseOptions {
    /// `answer-cookie`: whether a COOKIE option makes a question-less query acceptable.
    pub answer_cookie: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self {
            answer_cookie: true,
        }
    }
}

//------------ Request -------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Answer,
    Authority,
    Additional,
}

/// A parsed request; keep one per worker and parse into it again and again.
#[derive(Clone, Debug)]
pub struct Request {
    header: Header,
    question: Question,
    questions: u16,
    question_ok: bool,
    class: Option<Class>,
    tkey: bool,
    edns: Option<Edns>,
    tsig: Option<TsigPosition>,
    /// One bit per type, to find a repeated question; only touched with QDCOUNT > 1.
    types_seen: Box<[u64]>,
}

impl Default for Request {
    fn default() -> Self {
        Self::new()
    }
}

/// A fault while parsing.
enum Fault {
    /// Anything BIND answers FORMERR without an OPT record.
    Malformed,
    /// A bad EDNS option: FORMERR with a plain OPT record.
    BadOption,
}

impl Request {
    /// An empty request (allocated once, here).
    pub fn new() -> Self {
        Self {
            header: Header::default(),
            question: Question::default(),
            questions: 0,
            question_ok: false,
            class: None,
            tkey: false,
            edns: None,
            tsig: None,
            types_seen: vec![0u64; 1024].into_boxed_slice(),
        }
    }

    /// The header as received.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The first question, if one was read whole.
    pub fn question(&self) -> Option<&Question> {
        (self.questions > 0).then_some(&self.question)
    }

    /// The OPT record's contents, when the query had one.
    pub fn edns(&self) -> Option<&Edns> {
        self.edns.as_ref()
    }

    /// Where the TSIG record is, when the query had one.
    pub fn tsig(&self) -> Option<&TsigPosition> {
        self.tsig.as_ref()
    }

    /// The class of the message: the question's, or the first record's without one.
    pub fn class(&self) -> Option<Class> {
        self.class
    }

    /// The (type, class) of each question to echo: they all share the first question's
    /// name, as BIND renders them. `msg` must be the message parsed last.
    pub fn echoed_questions<'m>(&self, msg: &'m [u8]) -> EchoedQuestions<'m> {
        EchoedQuestions {
            msg,
            pos: HEADER_LEN,
            left: self.questions,
        }
    }

    /// Parses `msg` into `self` and says what to do with it.
    pub fn parse(&mut self, msg: &[u8], options: ParseOptions) -> Verdict {
        self.questions = 0;
        self.question_ok = false;
        self.class = None;
        self.tkey = false;
        self.edns = None;
        self.tsig = None;
        let Some(header) = Header::read(msg) else {
            return Verdict::Drop(DropReason::ShortHeader);
        };
        self.header = header;
        if header.flags & FLAG_QR != 0 {
            return Verdict::Drop(DropReason::Response);
        }
        if let Err(fault) = self.parse_sections(msg) {
            // BIND answers a message it cannot parse with the question when the whole
            // question section was read (live: a missing OPT record after the question,
            // an OPT record in the answer section, two OPT records, an OPT record with a
            // non-root owner), without it otherwise (a truncated or over-long name, a
            // forward pointer, an unknown label type, two different names).
            let opt = match fault {
                Fault::Malformed => ReplyOpt::Omit,
                Fault::BadOption => ReplyOpt::Plain { dnssec_ok: false },
            };
            return self.refuse(Rcode::FORMERR, opt);
        }
        if let Some(edns) = &self.edns {
            // Live: EDNS version 1 and 255 got BADVERS with the question, no AA, an OPT
            // record of version 0 with the DO bit echoed and no options, even when the
            // query asked for a cookie or NSID; the version is checked before the options.
            if edns.version > 0 {
                return self.refuse(
                    Rcode::BADVERS,
                    ReplyOpt::Plain {
                        dnssec_ok: edns.dnssec_ok(),
                    },
                );
            }
            // Live: a first ECS option with a non-zero scope got FORMERR with the question
            // and no OPT record; a second ECS option is ignored whatever it says.
            if edns.subnet.is_some_and(|s| s.scope_prefix != 0) {
                return self.refuse(Rcode::FORMERR, ReplyOpt::Omit);
            }
        }
        self.check_class(options)
    }

    /// BIND's checks of the message class (`ns__client_request`), after EDNS.
    fn check_class(&self, options: ParseOptions) -> Verdict {
        let opcode = self.header.opcode();
        let notimp = !opcode.is_implemented();
        match self.class.unwrap_or(Class(0)) {
            Class(0) => {
                // RFC 7873 §5.4: a query with a COOKIE option and no question gets a
                // cookie back. Live: NOERROR and the COOKIE option (NOTIMP for IQUERY);
                // without a cookie, FORMERR (with an OPT record when the query had one).
                let wants_cookie =
                    options.answer_cookie && self.edns.as_ref().is_some_and(|e| e.cookie.is_some());
                if wants_cookie && opcode == Opcode::QUERY && self.header.qdcount == 0 {
                    return Verdict::Reply(Refusal {
                        rcode: Rcode::NOERROR,
                        echo_question: false,
                        opt: ReplyOpt::Full,
                    });
                }
                // Live: class 0 with a question got FORMERR with the question echoed.
                self.refuse(
                    if notimp {
                        Rcode::NOTIMP
                    } else {
                        Rcode::FORMERR
                    },
                    ReplyOpt::Full,
                )
            }
            Class::IN | Class::CH | Class::HS => self.action(),
            // Live: a QUERY in class NONE or ANY got FORMERR with the question and, when
            // the query had EDNS, an OPT record with its DO bit and a cookie.
            Class::NONE if opcode != Opcode::UPDATE => self.refuse(Rcode::FORMERR, ReplyOpt::Full),
            Class::ANY if !self.tkey => self.refuse(Rcode::FORMERR, ReplyOpt::Full),
            Class::NONE | Class::ANY => self.action(),
            // Live: classes 2 and 42 got NOTIMP with the question.
            _ => self.refuse(Rcode::NOTIMP, ReplyOpt::Full),
        }
    }

    /// The opcode's own checks, which BIND makes after TSIG verification.
    fn action(&self) -> Verdict {
        let opcode = self.header.opcode();
        let class = self.class.unwrap_or(Class(0));
        let refuse = |rcode| {
            Verdict::Accept(Action::Refuse(Refusal {
                rcode,
                echo_question: self.echo_question(),
                opt: ReplyOpt::Full,
            }))
        };
        // No view serves class HS: BIND answers REFUSED (NOTIMP for opcodes it lacks).
        if class == Class::HS {
            return refuse(if opcode.is_implemented() {
                Rcode::REFUSED
            } else {
                Rcode::NOTIMP
            });
        }
        match opcode {
            Opcode::QUERY => {}
            // NOTIFY and UPDATE are only handled in class IN views.
            Opcode::NOTIFY | Opcode::UPDATE if class == Class::CH => return refuse(Rcode::NOTIMP),
            Opcode::NOTIFY => return Verdict::Accept(Action::Notify),
            Opcode::UPDATE => return Verdict::Accept(Action::Update),
            // Live: IQUERY, STATUS and opcodes 3, 6 and 15 got NOTIMP with no question,
            // only QR set (RD is not copied) and the opcode echoed.
            _ => return refuse(Rcode::NOTIMP),
        }
        match self.questions {
            // Live: a question-less query with a record in the answer section got SERVFAIL
            // (BIND's query code finds no question name).
            0 => return refuse(Rcode::SERVFAIL),
            1 => {}
            // Live: two or three questions for one name with different types got FORMERR
            // with all of them echoed.
            _ => return refuse(Rcode::FORMERR),
        }
        match self.question.qtype {
            RType::AXFR | RType::IXFR => Verdict::Accept(Action::Transfer),
            RType::ANY => Verdict::Accept(Action::Query),
            // Live: MAILB and MAILA got NOTIMP with the question.
            MAILB | MAILA => refuse(Rcode::NOTIMP),
            // Live: OPT, TSIG, TKEY and type 128 (every type 128-255 is a meta-type to
            // BIND) got FORMERR with the question. BIND 9.18 has no TKEY without GSS-TSIG.
            t if t == RType::OPT || (128..=255).contains(&t.0) => refuse(Rcode::FORMERR),
            _ => Verdict::Accept(Action::Query),
        }
    }

    fn refuse(&self, rcode: Rcode, opt: ReplyOpt) -> Verdict {
        Verdict::Reply(Refusal {
            rcode,
            echo_question: self.echo_question(),
            opt,
        })
    }

    /// Whether BIND's `dns_message_reply` keeps the question section: for QUERY and
    /// NOTIFY when it was read whole, for UPDATE (the zone section) as far as it was read,
    /// never for other opcodes.
    fn echo_question(&self) -> bool {
        match self.header.opcode() {
            Opcode::QUERY | Opcode::NOTIFY => self.question_ok && self.questions > 0,
            Opcode::UPDATE => self.questions > 0,
            _ => false,
        }
    }

    fn parse_sections(&mut self, msg: &[u8]) -> Result<(), Fault> {
        let mut pos = self.parse_questions(msg)?;
        self.question_ok = true;
        let h = self.header;
        for (part, count) in [
            (Part::Answer, h.ancount),
            (Part::Authority, h.nscount),
            (Part::Additional, h.arcount),
        ] {
            for i in 0..count {
                pos = self.parse_record(msg, pos, part, i + 1 == count)?;
            }
        }
        // Live: bytes after the last record are ignored (BIND only logs them).
        Ok(())
    }

    /// BIND's `getquestions`: every question must have the first one's name (compared
    /// without case) and class, and no type may repeat.
    fn parse_questions(&mut self, msg: &[u8]) -> Result<usize, Fault> {
        let opcode = self.header.opcode();
        let mut pos = HEADER_LEN;
        let mut scratch = NameBuf::root();
        let several = self.header.qdcount > 1;
        if several {
            self.types_seen.fill(0);
        }
        for i in 0..self.header.qdcount {
            let name = if i == 0 {
                &mut self.question.name
            } else {
                &mut scratch
            };
            pos = name.read(msg, pos, true).map_err(|_| Fault::Malformed)?;
            if i > 0 && !scratch.eq_ignore_case(&self.question.name) {
                return Err(Fault::Malformed);
            }
            let (Some(qtype), Some(qclass)) = (u16_at(msg, pos), u16_at(msg, pos + 2)) else {
                return Err(Fault::Malformed);
            };
            pos += 4;
            let (qtype, qclass) = (RType(qtype), Class(qclass));
            if matches!(opcode, Opcode::UPDATE | Opcode::NOTIFY)
                && matches!(qclass, Class::NONE | Class::ANY)
            {
                return Err(Fault::Malformed);
            }
            match self.class {
                None => self.class = Some(qclass),
                Some(class) if class != qclass => return Err(Fault::Malformed),
                Some(_) => {}
            }
            if qtype == TKEY {
                self.tkey = true;
            }
            if i == 0 {
                self.question.qtype = qtype;
                self.question.qclass = qclass;
                self.question.name.lowercase_into(&mut self.question.lower);
            }
            if several {
                let (word, bit) = (usize::from(qtype.0 / 64), qtype.0 % 64);
                if self.types_seen[word] & (1 << bit) != 0 {
                    return Err(Fault::Malformed);
                }
                self.types_seen[word] |= 1 << bit;
            }
            self.questions += 1;
        }
        Ok(pos)
    }

    /// BIND's `getsection` for one record, checked but not kept (except OPT and TSIG).
    fn parse_record(
        &mut self,
        msg: &[u8],
        pos: usize,
        part: Part,
        last: bool,
    ) -> Result<usize, Fault> {
        let start = pos;
        let mut owner = NameBuf::root();
        let pos = owner.read(msg, pos, true).map_err(|_| Fault::Malformed)?;
        let fixed = msg.get(pos..pos + 10).ok_or(Fault::Malformed)?;
        let rtype = RType(u16::from_be_bytes([fixed[0], fixed[1]]));
        let rclass = Class(u16::from_be_bytes([fixed[2], fixed[3]]));
        let ttl = u32::from_be_bytes([fixed[4], fixed[5], fixed[6], fixed[7]]);
        let rdlen = usize::from(u16::from_be_bytes([fixed[8], fixed[9]]));
        let update = self.header.opcode() == Opcode::UPDATE;
        let special = [RType::TSIG, RType::OPT, KEY, SIG, TKEY].contains(&rtype);
        if self.class.is_none() && ![RType::OPT, RType::TSIG, TKEY].contains(&rtype) {
            self.class = Some(rclass);
        }
        let class = self.class.unwrap_or(Class(0));
        // Live: an A record of class CH in the answer section of an IN query: FORMERR.
        if !update && !special && class != Class::ANY && class != rclass {
            return Err(Fault::Malformed);
        }
        if !update && !self.tkey && rtype == KEY && class != Class::ANY && class != rclass {
            return Err(Fault::Malformed);
        }
        if rtype == RType::TSIG {
            // Live: a TSIG record before the OPT record, of class IN, or in the answer
            // section: FORMERR with the question.
            if part != Part::Additional || rclass != Class::ANY || !last {
                return Err(Fault::Malformed);
            }
        } else if rtype == RType::OPT {
            if owner.as_bytes() != [0] || part != Part::Additional || self.edns.is_some() {
                return Err(Fault::Malformed);
            }
        } else if rtype == TKEY && part == Part::Authority {
            return Err(Fault::Malformed);
        }
        let rdata_start = pos + 10;
        let rdata = msg
            .get(rdata_start..rdata_start + rdlen)
            .ok_or(Fault::Malformed)?;
        let end = rdata_start + rdlen;
        if update && update_meta(part, rclass) {
            if !rdata.is_empty() {
                return Err(Fault::Malformed);
            }
            return Ok(end);
        }
        // BIND decodes every RDATA by type (`dns_rdata_fromwire`). A query needs only its
        // OPT and TSIG records, which are checked in full; of the rest, the RFC 1035
        // types and the common ones holding names are checked as BIND would (live: an
        // answer-section A record of length 3, a CNAME whose name ran past its RDATA:
        // FORMERR), other types are not decoded.
        if !rdata_ok(msg, rdata_start, end, rclass, rtype) {
            return Err(Fault::Malformed);
        }
        match rtype {
            RType::OPT => {
                edns::check_options(rdata).map_err(|fault| match fault {
                    OptFault::Truncated => Fault::Malformed,
                    OptFault::BadOption => Fault::BadOption,
                })?;
                self.edns = Some(Edns::from_record(rclass.0, ttl, rdata));
            }
            RType::TSIG => {
                if !tsig_rdata_ok(rdata) {
                    return Err(Fault::Malformed);
                }
                self.tsig = Some(TsigPosition {
                    start,
                    rdata_start,
                    rdata_end: end,
                });
            }
            _ => {}
        }
        // Types that only make sense in a question (IXFR, AXFR, MAILB, MAILA, ANY).
        if !update && (251..=255).contains(&rtype.0) {
            return Err(Fault::Malformed);
        }
        Ok(end)
    }
}

/// Whether the RDATA at `start..end` of `msg` decodes as BIND decodes it, for the types
/// checked here: fixed-size addresses, and names that must end exactly where the RDATA
/// does (with compression pointers into the message where RFC 3597 §4 allows them).
fn rdata_ok(msg: &[u8], start: usize, end: usize, class: Class, rtype: RType) -> bool {
    let inet = class == Class::IN;
    // (bytes before the first name, names, pointers allowed, bytes after the names)
    let (lead, names, pointers, tail) = match rtype.0 {
        1 if inet => return end - start == 4,
        28 if inet => return end - start == 16,
        2 | 3 | 4 | 5 | 7 | 8 | 9 | 12 => (0, 1, true, 0),
        14 => (0, 2, true, 0),
        6 => (0, 2, true, 20),
        15 => (2, 1, true, 0),
        17 => (0, 2, false, 0),
        18 | 21 => (2, 1, false, 0),
        36 if inet => (2, 1, false, 0),
        33 if inet => (6, 1, false, 0),
        39 => (0, 1, false, 0),
        _ => return true,
    };
    let mut pos = start + lead;
    if pos > end {
        return false;
    }
    let mut name = NameBuf::root();
    for _ in 0..names {
        match name.read(msg, pos, pointers) {
            // BIND reads the name within the RDATA only.
            Ok(next) if next <= end => pos = next,
            _ => return false,
        }
    }
    pos + tail == end
}

/// RFC 2136 §2.4 and §2.5: prerequisite records of class ANY or NONE and update records
/// of class ANY carry no RDATA.
fn update_meta(part: Part, class: Class) -> bool {
    match part {
        Part::Answer => class == Class::ANY || class == Class::NONE,
        Part::Authority => class == Class::ANY,
        Part::Additional => false,
    }
}

/// The TSIG RDATA layout (RFC 8945 §4.2), exactly filling its length: an uncompressed
/// algorithm name, time (6), fudge (2), MAC size and MAC, original id (2), error (2),
/// other length and data. Live: an empty TSIG RDATA got FORMERR.
fn tsig_rdata_ok(rdata: &[u8]) -> bool {
    let mut name = NameBuf::root();
    let Ok(pos) = name.read(rdata, 0, false) else {
        return false;
    };
    let pos = pos + 8;
    let Some(mac_len) = u16_at(rdata, pos) else {
        return false;
    };
    let pos = pos + 2 + usize::from(mac_len) + 4;
    let Some(other_len) = u16_at(rdata, pos) else {
        return false;
    };
    pos + 2 + usize::from(other_len) == rdata.len()
}

/// The (type, class) of each echoed question ([`Request::echoed_questions`]).
#[derive(Clone, Debug)]
pub struct EchoedQuestions<'m> {
    msg: &'m [u8],
    pos: usize,
    left: u16,
}

impl Iterator for EchoedQuestions<'_> {
    type Item = (RType, Class);

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let mut scratch = NameBuf::root();
        let pos = scratch.read(self.msg, self.pos, true).ok()?;
        let item = (
            RType(u16_at(self.msg, pos)?),
            Class(u16_at(self.msg, pos + 2)?),
        );
        self.pos = pos + 4;
        Some(item)
    }
}

#[cfg(test)]
mod tests;
