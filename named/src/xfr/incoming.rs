//! The secondary's side of the wire: the SOA query of a refresh, and the AXFR/IXFR client
//! that reads a multi-message response over TCP into a whole zone or a list of changes.
//!
//! [`StreamReader`] holds the rules of RFC 5936 §2.2 and RFC 1995 §4 and does no I/O, so
//! that every odd stream a primary may send is tested without a socket: the response
//! starts with the zone's SOA; an AXFR (or an AXFR-style IXFR) ends at the next SOA, which
//! must be the same; an incremental IXFR alternates "old SOA, deletions, new SOA,
//! additions" until the final SOA; an IXFR answered with the SOA alone means the copy is
//! current.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream, UdpSocket};
use zones::name::Name;
use zones::record::Record;
use zones::serial::Serial;
use zones::zone::Zone;
use zones::{Class, RType};

use super::message::{Message, MessageError, RequestBuilder, random_id, soa_serial};
use super::outgoing::unix_now;
use crate::tsig::{self, Mac, StreamMessage, StreamVerifier, TsigKey, TsigRcode, VerifyError};
use crate::wire::Opcode;
use crate::wire::header::{FLAG_QR, FLAG_TC};

/// Why a refresh query or a transfer failed.
#[derive(Debug, thiserror::Error)]
pub enum XferError {
    /// Connecting, reading or writing failed.
    #[error("{}", io_text(.0))]
    Io(#[from] io::Error),
    /// No answer in time.
    #[error("timed out")]
    TimedOut,
    /// `max-transfer-time-in` passed.
    #[error("max-transfer-time-in exceeded")]
    TotalTime,
    /// `max-transfer-idle-in` passed without a message.
    #[error("max-transfer-idle-in exceeded")]
    IdleTime,
    /// The primary answered with an error rcode.
    #[error("{}", rcode_name(*.0))]
    Rcode(u8),
    /// A message could not be read.
    #[error("malformed message: {0}")]
    Message(#[from] MessageError),
    /// The messages do not make a valid transfer.
    #[error("{0}")]
    Protocol(&'static str),
    /// The stream ended before the transfer was complete.
    #[error("unexpected end of input")]
    Incomplete,
    /// A response to a signed request did not verify.
    #[error("{}", tsig_text(.0))]
    Tsig(VerifyError),
    /// The request could not be signed.
    #[error("signing the request failed: {0}")]
    Sign(#[from] tsig::SignError),
}

/// A TSIG failure as BIND's result texts word it.
fn tsig_text(e: &VerifyError) -> &'static str {
    match e {
        VerifyError::PeerError(TsigRcode::BADTIME) => "clocks are unsynchronized",
        VerifyError::PeerError(_) => "tsig indicates error",
        VerifyError::Unsigned
        | VerifyError::Stream(tsig::StreamFault::FirstUnsigned | tsig::StreamFault::LastUnsigned) => {
            "expected a TSIG or SIG(0)"
        }
        _ => "tsig verify failure",
    }
}

/// Signs `msg` with `key` when there is one; the MAC the response must cover.
fn sign(msg: &mut Vec<u8>, key: Option<&TsigKey>) -> Result<Option<Mac>, XferError> {
    key.map(|k| tsig::sign_request(msg, k, unix_now()))
        .transpose()
        .map_err(XferError::from)
}

/// Checks the response `reply` to a request signed with `key` (MAC `mac`).
fn verify(reply: &[u8], key: Option<&TsigKey>, mac: Option<&Mac>) -> Result<(), XferError> {
    match (key, mac) {
        (Some(key), Some(mac)) => tsig::verify_response(reply, key, mac, unix_now())
            .map(drop)
            .map_err(XferError::Tsig),
        _ => Ok(()),
    }
}

/// An I/O error as BIND's log lines word the common ones.
fn io_text(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::ConnectionReset => "connection reset".into(),
        io::ErrorKind::TimedOut => "timed out".into(),
        io::ErrorKind::UnexpectedEof => "unexpected end of input".into(),
        _ => e.to_string(),
    }
}

/// BIND's names of the response codes, as its log lines print them.
pub fn rcode_name(rcode: u8) -> &'static str {
    match rcode {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        6 => "YXDOMAIN",
        7 => "YXRRSET",
        8 => "NXRRSET",
        9 => "NOTAUTH",
        10 => "NOTZONE",
        _ => "unknown rcode",
    }
}

//------------ The refresh query ---------------------------------------------------

/// The primary's answer to an SOA query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoaAnswer {
    /// The rcode.
    pub rcode: u8,
    /// Whether AA was set.
    pub authoritative: bool,
    /// The serial of the SOA in the answer section, if there was one for the zone.
    pub serial: Option<u32>,
    /// The EXPIRE option's value (RFC 7314): how long the primary's own copy has left,
    /// when it is a secondary itself.
    pub expire: Option<u32>,
}

/// EDNS option code of EXPIRE (RFC 7314).
const OPTION_EXPIRE: u16 = 9;

/// The OPT record of a SOA query that asks for the primary's EXPIRE value.
fn expire_opt() -> Record {
    Record {
        owner: Name::root(),
        ttl: 0,
        // The OPT's class carries our UDP payload size.
        class: Class(1232),
        rtype: RType::OPT,
        rdata: zones::record::Rdata::from(vec![0, 9, 0, 0]),
    }
}

/// The EXPIRE value in a response's OPT record, if it has one of the right length.
fn expire_of(reply: &Message) -> Option<u32> {
    let opt = reply.additional.iter().find(|r| r.rtype == RType::OPT)?;
    let mut options = opt.rdata.as_bytes();
    while let [c0, c1, l0, l1, rest @ ..] = options {
        let len = usize::from(u16::from_be_bytes([*l0, *l1]));
        let value = rest.get(..len)?;
        if u16::from_be_bytes([*c0, *c1]) == OPTION_EXPIRE {
            return <[u8; 4]>::try_from(value).ok().map(u32::from_be_bytes);
        }
        options = &rest[len..];
    }
    None
}

/// Asks `primary` for the zone's SOA over UDP, `tries` times `timeout` each, signed with
/// `key` when given (the answer must then verify), with the EXPIRE option when
/// `request_expire`.
pub async fn query_soa_udp(
    primary: SocketAddr,
    source: Option<SocketAddr>,
    zone: &Name,
    class: Class,
    (timeout, tries): (Duration, u32),
    key: Option<&TsigKey>,
    request_expire: bool,
) -> Result<SoaAnswer, XferError> {
    let bind: SocketAddr = match source {
        Some(s) => s,
        None if primary.is_ipv4() => SocketAddr::from(([0, 0, 0, 0], 0)),
        None => SocketAddr::from(([0u16; 8], 0)),
    };
    let socket = UdpSocket::bind(bind).await?;
    socket.connect(primary).await?;
    let id = random_id();
    let mut builder = RequestBuilder::new(id, Opcode::QUERY).question(zone, RType::SOA, class);
    if request_expire {
        builder = builder.additional(&expire_opt());
    }
    let mut query = builder.finish();
    let mac = sign(&mut query, key)?;
    let mut buf = vec![0u8; 65535];
    for _ in 0..tries.max(1) {
        socket.send(&query).await?;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let received = tokio::time::timeout_at(deadline, socket.recv(&mut buf)).await;
            let len = match received {
                Err(_) => break,
                Ok(Err(e)) => return Err(XferError::Io(e)),
                Ok(Ok(len)) => len,
            };
            // Anything that is not the answer to this query is ignored, as a resolver would.
            let Ok(reply) = Message::parse(&buf[..len]) else {
                continue;
            };
            if reply.header.id != id || reply.header.flags & FLAG_QR == 0 {
                continue;
            }
            verify(&buf[..len], key, mac.as_ref())?;
            return Ok(soa_answer(&reply, zone));
        }
    }
    Err(XferError::TimedOut)
}

/// Asks `primary` for the zone's SOA over TCP, signed with `key` when given, with the
/// EXPIRE option when `request_expire` (as over UDP).
pub async fn query_soa_tcp(
    primary: SocketAddr,
    source: Option<SocketAddr>,
    zone: &Name,
    class: Class,
    timeout: Duration,
    key: Option<&TsigKey>,
    request_expire: bool,
) -> Result<SoaAnswer, XferError> {
    let work = async {
        let mut stream = connect(primary, source).await?;
        let id = random_id();
        let mut builder = RequestBuilder::new(id, Opcode::QUERY).question(zone, RType::SOA, class);
        if request_expire {
            builder = builder.additional(&expire_opt());
        }
        let mut query = builder.finish();
        let mac = sign(&mut query, key)?;
        write_frame(&mut stream, &query).await?;
        let bytes = read_frame(&mut stream)
            .await?
            .ok_or(XferError::Incomplete)?;
        let reply = Message::parse(&bytes)?;
        verify(&bytes, key, mac.as_ref())?;
        if reply.header.id != id {
            return Err(XferError::Protocol("reply ID mismatch"));
        }
        Ok(soa_answer(&reply, zone))
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| XferError::TimedOut)?
}

fn soa_answer(reply: &Message, zone: &Name) -> SoaAnswer {
    SoaAnswer {
        rcode: reply.rcode(),
        authoritative: reply.header.flags & crate::wire::header::FLAG_AA != 0,
        serial: reply
            .answer
            .iter()
            .find(|r| r.rtype == RType::SOA && r.owner.to_lowercase() == zone.to_lowercase())
            .and_then(|r| soa_serial(r.rdata.as_bytes())),
        expire: expire_of(reply),
    }
}

//------------ The transfer ----------------------------------------------------------

/// What to ask for.
#[derive(Debug, Clone)]
pub enum Request {
    /// The whole zone.
    Axfr,
    /// The changes since the copy whose SOA this is.
    Ixfr(Record),
}

/// The limits of one incoming transfer.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `max-transfer-time-in`.
    pub total: Duration,
    /// `max-transfer-idle-in`.
    pub idle: Duration,
}

/// The changes from one serial to the next.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delta {
    /// The serial the changes start from.
    pub from: u32,
    /// The serial they lead to.
    pub to: u32,
    /// Records removed (the old SOA first).
    pub deleted: Vec<Record>,
    /// Records added (the new SOA first).
    pub added: Vec<Record>,
}

/// What a transfer brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// The copy is current (an IXFR answered with the SOA alone).
    UpToDate(u32),
    /// The whole zone (the SOA first).
    Full(Vec<Record>),
    /// The changes, oldest first.
    Incremental(Vec<Delta>),
}

/// The counts of a transfer, for the `Transfer completed` line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Messages read.
    pub messages: u64,
    /// Records read.
    pub records: u64,
    /// Bytes read (without the TCP length prefixes).
    pub bytes: u64,
}

/// Where the reader is in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// Waiting for the first SOA.
    Start,
    /// After the first SOA: the next record tells AXFR from incremental.
    FirstSoa,
    /// Reading a whole zone.
    Full,
    /// In the deletions of a change.
    Deleting,
    /// In the additions of a change.
    Adding,
    /// The final SOA was read.
    Done,
}

/// Reads the messages of an AXFR or IXFR response, one at a time.
#[derive(Debug)]
pub struct StreamReader {
    zone: Name,
    class: Class,
    id: u16,
    ixfr_from: Option<u32>,
    state: State,
    serial: u32,
    first_soa: Option<Record>,
    records: Vec<Record>,
    deltas: Vec<Delta>,
    counts: Counts,
}

impl StreamReader {
    /// A reader for the response to request `id` for `zone`; `ixfr_from` is the serial of
    /// our copy when the request was an IXFR.
    pub fn new(zone: &Name, class: Class, id: u16, ixfr_from: Option<u32>) -> Self {
        Self {
            zone: zone.to_lowercase(),
            class,
            id,
            ixfr_from,
            state: State::Start,
            serial: 0,
            first_soa: None,
            records: Vec::new(),
            deltas: Vec::new(),
            counts: Counts::default(),
        }
    }

    /// The counts so far.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// The serial of the first SOA (0 before it).
    pub fn serial(&self) -> u32 {
        self.serial
    }

    /// How many records of a whole zone ([`Content::Full`]) have been read and not taken.
    pub fn zone_records_pending(&self) -> usize {
        match self.state {
            State::Full => self.records.len(),
            _ => 0,
        }
    }

    /// Takes the records of a whole zone read so far, in the order they came (the SOA
    /// first), so that building the zone can start before the transfer ends: the final
    /// [`Content::Full`] then holds only the records read after. Nothing until the
    /// response is known to be a whole zone.
    pub fn take_zone_records(&mut self) -> Vec<Record> {
        match self.state {
            State::Full => std::mem::take(&mut self.records),
            _ => Vec::new(),
        }
    }

    /// Reads one message; `Some` with the content once the transfer is complete.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Option<Content>, XferError> {
        if self.state == State::Done {
            return Err(XferError::Protocol("extra data after the final SOA"));
        }
        let msg = Message::parse(bytes)?;
        self.counts.messages += 1;
        self.counts.bytes += bytes.len() as u64;
        let h = msg.header;
        if h.id != self.id {
            return Err(XferError::Protocol("reply ID mismatch"));
        }
        if h.flags & FLAG_QR == 0 || h.opcode() != Opcode::QUERY {
            return Err(XferError::Protocol(
                "not a response to the transfer request",
            ));
        }
        if msg.rcode() != 0 {
            return Err(XferError::Rcode(msg.rcode()));
        }
        if h.flags & FLAG_TC != 0 {
            return Err(XferError::Protocol("truncated response"));
        }
        if msg.questions.len() > 1 {
            return Err(XferError::Protocol("more than one question"));
        }
        if let Some(q) = msg.questions.first()
            && (q.name.to_lowercase() != self.zone || q.qclass != self.class)
        {
            return Err(XferError::Protocol("question does not match the request"));
        }
        if self.state == State::Start && msg.answer.is_empty() {
            return Err(XferError::Protocol("empty answer section"));
        }
        let single = msg.answer.len() == 1;
        for record in msg.answer {
            self.counts.records += 1;
            if self.state == State::Done {
                return Err(XferError::Protocol("extra data after the final SOA"));
            }
            self.record(record)?;
        }
        // An IXFR answered with the current SOA alone: our copy is up to date.
        if self.state == State::FirstSoa
            && single
            && self.counts.messages == 1
            && let Some(ours) = self.ixfr_from
            && !Serial(self.serial).is_newer_than(Serial(ours))
        {
            self.state = State::Done;
            return Ok(Some(Content::UpToDate(self.serial)));
        }
        if self.state == State::Done {
            return Ok(Some(self.finish()));
        }
        Ok(None)
    }

    fn finish(&mut self) -> Content {
        if self.deltas.is_empty() {
            Content::Full(std::mem::take(&mut self.records))
        } else {
            Content::Incremental(std::mem::take(&mut self.deltas))
        }
    }

    fn soa_of(&self, record: &Record) -> Result<Option<u32>, XferError> {
        if record.rtype != RType::SOA {
            return Ok(None);
        }
        if record.owner.to_lowercase() != self.zone {
            return Err(XferError::Protocol("SOA record for another name"));
        }
        soa_serial(record.rdata.as_bytes())
            .map(Some)
            .ok_or(XferError::Protocol("malformed SOA record"))
    }

    fn record(&mut self, record: Record) -> Result<(), XferError> {
        if record.class != self.class {
            return Err(XferError::Protocol("record of another class"));
        }
        let soa = self.soa_of(&record)?;
        match self.state {
            State::Start => {
                let serial = soa.ok_or(XferError::Protocol("first record is not the SOA"))?;
                self.serial = serial;
                self.first_soa = Some(record);
                self.state = State::FirstSoa;
            }
            State::FirstSoa => match soa {
                Some(serial) if self.ixfr_from.is_some() && serial != self.serial => {
                    if Some(serial) != self.ixfr_from {
                        return Err(XferError::Protocol("IXFR starts from another serial"));
                    }
                    self.deltas.push(Delta {
                        from: serial,
                        deleted: vec![record],
                        ..Delta::default()
                    });
                    self.state = State::Deleting;
                }
                Some(serial) if serial == self.serial => {
                    // A zone with the SOA alone: the builder will refuse it.
                    self.records.extend(self.first_soa.take());
                    self.state = State::Done;
                }
                Some(_) => return Err(XferError::Protocol("second SOA differs from the first")),
                None => {
                    self.records.extend(self.first_soa.take());
                    self.records.push(record);
                    self.state = State::Full;
                }
            },
            State::Full => match soa {
                Some(serial) if serial == self.serial => self.state = State::Done,
                Some(_) => return Err(XferError::Protocol("final SOA differs from the first")),
                None => self.records.push(record),
            },
            State::Deleting => {
                let delta = self.deltas.last_mut().ok_or(XferError::Incomplete)?;
                match soa {
                    Some(serial) => {
                        delta.to = serial;
                        delta.added.push(record);
                        self.state = State::Adding;
                    }
                    None => delta.deleted.push(record),
                }
            }
            State::Adding => match soa {
                Some(serial) => {
                    let last_to = self.deltas.last().map_or(0, |d| d.to);
                    if serial == self.serial && last_to == self.serial {
                        self.state = State::Done;
                    } else if serial == last_to {
                        self.deltas.push(Delta {
                            from: serial,
                            deleted: vec![record],
                            ..Delta::default()
                        });
                        self.state = State::Deleting;
                    } else {
                        return Err(XferError::Protocol("IXFR changes do not follow each other"));
                    }
                }
                None => {
                    let delta = self.deltas.last_mut().ok_or(XferError::Incomplete)?;
                    delta.added.push(record);
                }
            },
            State::Done => return Err(XferError::Protocol("extra data after the final SOA")),
        }
        Ok(())
    }
}

/// The outcome of a transfer.
#[derive(Debug)]
pub struct Transferred {
    /// What came.
    pub content: Content,
    /// The counts.
    pub counts: Counts,
    /// The serial of the response's SOA.
    pub serial: u32,
}

/// Connects to `primary` (from `source` when given).
pub async fn connect(primary: SocketAddr, source: Option<SocketAddr>) -> io::Result<TcpStream> {
    let socket = if primary.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    if let Some(source) = source {
        socket.bind(source)?;
    }
    let stream = socket.connect(primary).await?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

async fn write_frame(stream: &mut TcpStream, msg: &[u8]) -> io::Result<()> {
    let len = u16::try_from(msg.len()).map_err(io::Error::other)?;
    let mut framed = Vec::with_capacity(msg.len() + 2);
    framed.extend_from_slice(&len.to_be_bytes());
    framed.extend_from_slice(msg);
    stream.write_all(&framed).await
}

/// Reads one length-prefixed message; `None` at a clean end of stream.
async fn read_frame(stream: &mut TcpStream) -> Result<Option<Vec<u8>>, XferError> {
    let mut len = [0u8; 2];
    match stream.read_exact(&mut len).await {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let mut msg = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut msg).await.map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            XferError::Incomplete
        } else {
            XferError::Io(e)
        }
    })?;
    Ok(Some(msg))
}

/// A whole zone's records go on as they arrive in batches of at least this many (a
/// message holds a few hundred).
const ZONE_BATCH: usize = 256;

/// Runs one transfer of `zone` from `stream` (already connected), within `limits`; with
/// `key`, the request is signed and the response verified as a TSIG stream (RFC 8945
/// §5.3.1: unsigned messages between signed ones, the first and the last signed). As
/// BIND does, an error rcode is reported before any TSIG failure.
///
/// When the response is a whole zone, its records go to `zone_records` in batches as they
/// arrive, in order (the SOA first), so that the zone can be built meanwhile; the final
/// [`Content::Full`] holds the records not handed on. Those handed on belong to a transfer
/// that is not complete, and perhaps not verified, until this returns `Ok`.
pub async fn transfer(
    stream: &mut TcpStream,
    zone: &Name,
    class: Class,
    request: &Request,
    limits: Limits,
    key: Option<&std::sync::Arc<TsigKey>>,
    mut zone_records: impl FnMut(Vec<Record>),
) -> Result<Transferred, XferError> {
    let start = Instant::now();
    let id = random_id();
    let (qtype, from) = match request {
        Request::Axfr => (RType::AXFR, None),
        Request::Ixfr(soa) => (RType::IXFR, soa_serial(soa.rdata.as_bytes())),
    };
    let mut builder = RequestBuilder::new(id, Opcode::QUERY).question(zone, qtype, class);
    if let Request::Ixfr(soa) = request {
        builder = builder.authority(soa);
    }
    let mut msg = builder.finish();
    let mut verifier = match sign(&mut msg, key.map(|k| &**k))? {
        Some(mac) => key.map(|k| StreamVerifier::new(std::sync::Arc::clone(k), mac)),
        None => None,
    };
    tokio::time::timeout(limits.idle, write_frame(stream, &msg))
        .await
        .map_err(|_| XferError::IdleTime)??;
    let mut reader = StreamReader::new(zone, class, id, from);
    loop {
        let left = limits
            .total
            .checked_sub(start.elapsed())
            .ok_or(XferError::TotalTime)?;
        let (wait, on_timeout) = if left < limits.idle {
            (left, XferError::TotalTime)
        } else {
            (limits.idle, XferError::IdleTime)
        };
        let frame = match tokio::time::timeout(wait, read_frame(stream)).await {
            Ok(frame) => frame?,
            Err(_) => return Err(on_timeout),
        };
        let Some(frame) = frame else {
            return Err(XferError::Incomplete);
        };
        if let Some(verifier) = verifier.as_mut() {
            let rcode = frame.get(3).map_or(0, |b| b & 0x0f);
            if rcode == 0 {
                match verifier.verify(&frame, unix_now()) {
                    Ok(StreamMessage::Signed | StreamMessage::Unsigned) => {}
                    Err(e) => return Err(XferError::Tsig(e)),
                }
            }
        }
        if let Some(content) = reader.feed(&frame)? {
            if let Some(verifier) = verifier.as_ref() {
                verifier.finish().map_err(XferError::Tsig)?;
            }
            return Ok(Transferred {
                content,
                counts: reader.counts(),
                serial: reader.serial(),
            });
        }
        if reader.zone_records_pending() >= ZONE_BATCH {
            zone_records(reader.take_zone_records());
        }
    }
}

//------------ Applying changes -------------------------------------------------------

/// The records of `zone` with `deltas` applied, for building the new snapshot; an error
/// when a deletion names a record the zone does not have (the copies differ: BIND then
/// falls back to AXFR, and so does the caller).
pub fn apply(zone: &Zone, deltas: &[Delta]) -> Result<Vec<Record>, XferError> {
    let mut current = zone.serial();
    let mut records: Vec<Option<Record>> = zone
        .records_canonical()
        .map(|r| Some(r.to_record()))
        .collect();
    let mut index: HashMap<(Vec<u8>, u16, Vec<u8>), Vec<usize>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        if let Some(r) = r {
            index.entry(key(r)).or_default().push(i);
        }
    }
    for delta in deltas {
        if delta.from != current {
            return Err(XferError::Protocol(
                "IXFR changes do not start at our serial",
            ));
        }
        for gone in &delta.deleted {
            let slot = index
                .get_mut(&key(gone))
                .and_then(Vec::pop)
                .ok_or(XferError::Protocol(
                    "IXFR deletes a record the zone does not have",
                ))?;
            records[slot] = None;
        }
        for added in &delta.added {
            let k = key(added);
            // Adding a record that is already there replaces it (its TTL may differ).
            if let Some(&slot) = index.get(&k).and_then(|v| v.last()) {
                records[slot] = Some(added.clone());
            } else {
                index.entry(k).or_default().push(records.len());
                records.push(Some(added.clone()));
            }
        }
        current = delta.to;
    }
    Ok(records.into_iter().flatten().collect())
}

/// What identifies a record for deletion: owner (any case), type and RDATA.
fn key(r: &Record) -> (Vec<u8>, u16, Vec<u8>) {
    (
        r.owner.to_lowercase().as_wire().to_vec(),
        r.rtype.0,
        r.rdata.as_bytes().to_vec(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use zones::record::Rdata;

    #[test]
    fn the_expire_option_is_asked_for_and_read() {
        let query = RequestBuilder::new(7, Opcode::QUERY)
            .question(&name("example.com."), RType::SOA, Class::IN)
            .additional(&expire_opt())
            .finish();
        let parsed = Message::parse(&query).expect("parses");
        assert_eq!(parsed.additional[0].rdata.as_bytes(), [0, 9, 0, 0]);
        assert_eq!(expire_of(&parsed), None);
        let mut answer = RequestBuilder::new(7, Opcode::QUERY).response(0);
        answer = answer.additional(&Record {
            rdata: Rdata::from(vec![0, 10, 0, 2, 1, 2, 0, 9, 0, 4, 0, 0, 2, 88]),
            ..expire_opt()
        });
        let parsed = Message::parse(&answer.finish()).expect("parses");
        assert_eq!(expire_of(&parsed), Some(600));
    }

    fn name(text: &str) -> Name {
        Name::from_text(text, None).expect("name")
    }

    fn soa(serial: u32) -> Record {
        let mut rdata = Vec::new();
        rdata.extend_from_slice(name("ns1.example.com.").as_wire());
        rdata.extend_from_slice(name("hostmaster.example.com.").as_wire());
        for v in [serial, 3600, 600, 86400, 60] {
            rdata.extend_from_slice(&v.to_be_bytes());
        }
        Record {
            owner: name("example.com."),
            ttl: 300,
            class: Class::IN,
            rtype: RType::SOA,
            rdata: Rdata::from(rdata),
        }
    }

    fn a(owner: &str, last: u8) -> Record {
        Record {
            owner: name(owner),
            ttl: 300,
            class: Class::IN,
            rtype: RType::A,
            rdata: Rdata::from(vec![192, 0, 2, last]),
        }
    }

    fn ns() -> Record {
        Record {
            owner: name("example.com."),
            ttl: 300,
            class: Class::IN,
            rtype: RType::NS,
            rdata: Rdata::from(name("ns1.example.com.").as_wire().to_vec()),
        }
    }

    fn response(id: u16, question: bool, records: &[Record]) -> Vec<u8> {
        let mut b = RequestBuilder::new(id, Opcode::QUERY).response(0);
        if question {
            b = b.question(&name("example.com."), RType::AXFR, Class::IN);
        }
        for r in records {
            b = b.answer(r);
        }
        b.finish()
    }

    fn reader(ixfr_from: Option<u32>) -> StreamReader {
        StreamReader::new(&name("example.com."), Class::IN, 7, ixfr_from)
    }

    #[test]
    fn rfc5936_axfr_over_several_messages() {
        let mut r = reader(None);
        assert_eq!(
            r.feed(&response(7, true, &[soa(5), ns()])).expect("ok"),
            None
        );
        assert_eq!(
            r.feed(&response(7, false, &[a("ns1.example.com.", 1)]))
                .expect("ok"),
            None
        );
        let done = r.feed(&response(7, false, &[soa(5)])).expect("ok");
        assert_eq!(
            done,
            Some(Content::Full(vec![soa(5), ns(), a("ns1.example.com.", 1)]))
        );
        assert_eq!(r.counts().records, 4);
        assert!(r.feed(&response(7, false, &[soa(5)])).is_err());
    }

    #[test]
    fn a_whole_zone_is_taken_as_it_arrives() {
        let mut r = reader(None);
        assert_eq!(r.feed(&response(7, true, &[soa(5)])).expect("ok"), None);
        // Not yet known to be a whole zone: the SOA alone may be an IXFR's answer.
        assert_eq!(r.zone_records_pending(), 0);
        assert!(r.take_zone_records().is_empty());
        assert_eq!(r.feed(&response(7, false, &[ns()])).expect("ok"), None);
        assert_eq!(r.zone_records_pending(), 2);
        let mut taken = r.take_zone_records();
        assert_eq!(r.zone_records_pending(), 0);
        let last = [a("ns1.example.com.", 1), soa(5)];
        let Some(Content::Full(rest)) = r.feed(&response(7, false, &last)).expect("ok") else {
            panic!("a whole zone expected");
        };
        taken.extend(rest);
        assert_eq!(taken, vec![soa(5), ns(), a("ns1.example.com.", 1)]);
    }

    #[test]
    fn an_incremental_transfer_is_not_taken_early() {
        let mut r = reader(Some(5));
        let records = [soa(7), soa(5), a("www.example.com.", 1), soa(7)];
        assert_eq!(r.feed(&response(7, true, &records[..3])).expect("ok"), None);
        assert_eq!(r.zone_records_pending(), 0);
        assert!(r.take_zone_records().is_empty());
    }

    #[test]
    fn rfc5936_final_soa_must_match() {
        let mut r = reader(None);
        assert!(r.feed(&response(7, true, &[soa(5), ns(), soa(6)])).is_err());
    }

    #[test]
    fn first_record_must_be_the_soa() {
        let mut r = reader(None);
        assert!(matches!(
            r.feed(&response(7, true, &[ns(), soa(5)])),
            Err(XferError::Protocol(_))
        ));
    }

    #[test]
    fn records_after_the_final_soa_are_an_error() {
        let mut r = reader(None);
        assert!(
            r.feed(&response(7, true, &[soa(5), ns(), soa(5), ns()]))
                .is_err()
        );
    }

    #[test]
    fn wrong_id_and_error_rcodes_are_refused() {
        let mut r = reader(None);
        assert!(r.feed(&response(8, true, &[soa(5)])).is_err());
        let refused = RequestBuilder::new(7, Opcode::QUERY).response(5).finish();
        assert!(matches!(
            reader(None).feed(&refused),
            Err(XferError::Rcode(5))
        ));
        assert_eq!(XferError::Rcode(5).to_string(), "REFUSED");
    }

    #[test]
    fn rfc1995_section_4_up_to_date() {
        let mut r = reader(Some(5));
        assert_eq!(
            r.feed(&response(7, true, &[soa(5)])).expect("ok"),
            Some(Content::UpToDate(5))
        );
    }

    #[test]
    fn rfc1995_section_4_incremental() {
        let mut r = reader(Some(5));
        let records = [
            soa(7),
            soa(5),
            a("www.example.com.", 1),
            soa(6),
            a("www.example.com.", 2),
            soa(6),
            soa(7),
            a("ftp.example.com.", 3),
            soa(7),
        ];
        let done = r.feed(&response(7, true, &records)).expect("ok");
        let Some(Content::Incremental(deltas)) = done else {
            panic!("incremental expected, got {done:?}");
        };
        assert_eq!(deltas.len(), 2);
        assert_eq!((deltas[0].from, deltas[0].to), (5, 6));
        assert_eq!(deltas[0].deleted, vec![soa(5), a("www.example.com.", 1)]);
        assert_eq!(deltas[1].added, vec![soa(7), a("ftp.example.com.", 3)]);
    }

    #[test]
    fn rfc1995_axfr_style_answer_to_ixfr() {
        let mut r = reader(Some(5));
        assert_eq!(r.feed(&response(7, true, &[soa(7)])).expect("ok"), None);
        let done = r.feed(&response(7, false, &[ns(), soa(7)])).expect("ok");
        assert_eq!(done, Some(Content::Full(vec![soa(7), ns()])));
    }

    #[test]
    fn ixfr_from_another_serial_is_refused() {
        let mut r = reader(Some(5));
        assert!(
            r.feed(&response(7, true, &[soa(7), soa(4), soa(7)]))
                .is_err()
        );
    }

    #[test]
    fn garbage_never_panics() {
        let good = response(7, true, &[soa(5), ns(), a("ns1.example.com.", 1), soa(5)]);
        for i in 0..good.len() {
            for v in [0u8, 1, 0x3f, 0xc0, 0xff] {
                let mut bad = good.clone();
                bad[i] = v;
                let _ = reader(Some(4)).feed(&bad);
                let _ = reader(None).feed(&bad);
            }
            let _ = reader(None).feed(&good[..i]);
        }
    }

    #[test]
    fn changes_apply_to_a_zone() {
        let records = vec![
            soa(5),
            ns(),
            a("ns1.example.com.", 1),
            a("www.example.com.", 1),
        ];
        let (zone, _) = Zone::build(
            name("example.com."),
            Class::IN,
            records,
            &zones::zone::CheckOptions::default(),
        )
        .expect("zone");
        let delta = Delta {
            from: 5,
            to: 6,
            deleted: vec![soa(5), a("WWW.example.com.", 1)],
            added: vec![soa(6), a("www.example.com.", 2)],
        };
        let applied = apply(&zone, std::slice::from_ref(&delta)).expect("applies");
        assert!(applied.contains(&a("www.example.com.", 2)));
        assert!(!applied.contains(&a("www.example.com.", 1)));
        assert!(applied.contains(&soa(6)) && !applied.contains(&soa(5)));
        let missing = Delta {
            deleted: vec![soa(5), a("nope.example.com.", 1)],
            ..delta
        };
        assert!(apply(&zone, &[missing]).is_err());
    }
}
