//! Serving zone transfers over TCP: AXFR (RFC 5936) and IXFR (RFC 1995).
//!
//! An AXFR response is the SOA, every other record, and the SOA again, packed into as few
//! messages of up to 64 KiB as it takes, names compressed within each message as BIND
//! compresses them; the question is echoed in the first message only. Without a journal to
//! take differences from, an IXFR for an older serial gets the whole zone in the same
//! AXFR-style form (RFC 1995 §4 lets the server do that), and one for the current serial
//! or a newer one gets the current SOA alone.
//!
//! A signed request is verified against the keys of its view; `key NAME` elements of
//! `allow-transfer` match the key that signed it, and every message of the answer is
//! signed (RFC 8945 §5.3.1; BIND signs each one), error answers included.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncWrite, AsyncWriteExt as _};
use zones::zone::Zone;
use zones::{Class, RType};

use super::message::{Message, RequestBuilder, soa_serial};
use super::table::ZoneTable;
use crate::daemon::listen::display;
use crate::daemon::log::{debug, error, info};
use crate::stats::zone::{self as zone_stats, Xfr};
use crate::tsig::{self, StreamSigner, Verified, VerifyError};
use crate::wire::header::{FLAG_AA, FLAG_TC};
use crate::wire::{
    Compressor, Header, MAX_MESSAGE, Opcode, Pushed, ResponseWriter, RrsetHead, Section,
};

/// What became of a transfer request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    /// The response was written; the connection may go on.
    Done,
    /// Writing failed or took too long; the connection must close.
    Abort,
}

/// The limits of one outgoing transfer.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `max-transfer-time-out`.
    pub total: Duration,
    /// `max-transfer-idle-out`: the longest one message may take to write.
    pub idle: Duration,
}

/// The `client @0x… ADDR#PORT[/key NAME] (zone): ` prefix of BIND's client log lines.
pub fn client_prefix(peer: &SocketAddr, key: Option<&str>, qname: &str) -> String {
    let key = key.map_or_else(String::new, |k| format!("/key {k}"));
    format!(
        "client @0x{:012x} {}{key} ({qname})",
        super::message::random_u64() & 0x7fff_ffff_ffff,
        display(peer)
    )
}

/// A key's name as BIND's log lines print it (no final dot).
pub fn key_text(verified: &Verified) -> String {
    zones::master::message_name(verified.key.name())
}

/// Seconds since the epoch, for TSIG.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Answers the transfer request `msg` from `peer` (already classified as AXFR/IXFR over
/// TCP by the engine, in view `view`), writing the response messages to `out`.
pub async fn serve<W: AsyncWrite + Unpin>(
    table: &ZoneTable,
    view: usize,
    msg: &[u8],
    peer: SocketAddr,
    local: SocketAddr,
    quota: Option<tokio::sync::OwnedSemaphorePermit>,
    out: &mut W,
) -> Served {
    // The engine verified the request already and chose the view with its key; this
    // check repeats it against the same view's keys for what signing the answer needs.
    let now = unix_now();
    let ring = table.view_keys(view).map(|k| &k.ring);
    let verified = match ring.map(|r| tsig::verify_request(msg, r, now)) {
        Some(Ok(v)) => v,
        None => None,
        Some(Err(e)) => return reply_tsig_error(out, msg, &e, now).await,
    };
    let signed = verified.as_ref();
    let key = signed.map(key_text);
    let Ok(request) = Message::parse(msg) else {
        return reply_error(out, msg, None, signed, 1).await;
    };
    let Some(question) = request.questions.first().cloned() else {
        return reply_error(out, msg, None, signed, 1).await;
    };
    let qname = zones::master::message_name(&question.name);
    let prefix = client_prefix(&peer, key.as_deref(), &qname);
    let tsig_note = key
        .as_deref()
        .map_or_else(String::new, |k| format!(": TSIG {k}"));
    let kind = if question.qtype == RType::IXFR {
        "IXFR"
    } else {
        "AXFR"
    };
    let Some(info) = table.get(view, question.name.as_wire()) else {
        info!(
            XferOut,
            "{prefix}: zone transfer '{qname}/{kind}/{}' denied: not authoritative",
            question.qclass
        );
        return reply_error(out, msg, Some(&request), signed, 9).await;
    };
    let acl = &info.conf.allow_transfer;
    let port_ok = acl.port.is_none_or(|p| p == local.port());
    let transport_ok = acl
        .transport
        .as_deref()
        .is_none_or(|t| t.eq_ignore_ascii_case("tcp"));
    if !(port_ok && transport_ok && table.allows(&acl.acl, peer.ip(), key.as_deref())) {
        error!(
            Security,
            "{prefix}: zone transfer '{}/{kind}/{}' denied", qname, question.qclass
        );
        return reply_error(out, msg, Some(&request), signed, 5).await;
    }
    let Some(zone) = info.zone.clone() else {
        error!(
            XferOut,
            "{prefix}: transfer of '{}': {kind} request for a zone not loaded", info.label
        );
        return reply_error(out, msg, Some(&request), signed, 2).await;
    };
    if quota.is_none() {
        error!(
            XferOut,
            "{prefix}: zone transfer '{}/{kind}/{}' denied: quota reached (transfers-out)",
            qname,
            question.qclass
        );
        return reply_error(out, msg, Some(&request), signed, 2).await;
    }
    let limits = Limits {
        total: Duration::from_secs(u64::from(info.conf.max_transfer_time_out.max(1))),
        idle: Duration::from_secs(u64::from(info.conf.max_transfer_idle_out.max(1))),
    };
    let serial = zone.serial();
    let style = if question.qtype == RType::IXFR {
        let Some(client_serial) = request
            .authority
            .iter()
            .find(|r| r.rtype == RType::SOA)
            .and_then(|r| soa_serial(r.rdata.as_bytes()))
        else {
            info!(
                XferOut,
                "{prefix}: bad zone transfer request: IXFR request missing SOA (FORMERR)"
            );
            return reply_error(out, msg, Some(&request), signed, 1).await;
        };
        if !zones::serial::Serial(serial).is_newer_than(zones::serial::Serial(client_serial)) {
            info!(
                XferOut,
                "{prefix}: transfer of '{}': IXFR up-to-date (serial {client_serial})", info.label
            );
            Style::SoaOnly
        } else if !table
            .view_keys(view)
            .is_none_or(|k| k.provides_ixfr(peer.ip()))
        {
            debug!(
                4,
                XferOut,
                "{prefix}: transfer of '{}': IXFR delta response disabled due to 'provide-ixfr no;' being set",
                info.label
            );
            Style::AxfrStyleIxfr
        } else if let Some(steps) = journal_chain(&info.conf, client_serial, serial) {
            info!(
                XferOut,
                "{prefix}: transfer of '{}': IXFR started{tsig_note} (serial {client_serial} -> {serial})",
                info.label
            );
            Style::Incremental(steps)
        } else {
            info!(
                XferOut,
                "{prefix}: transfer of '{}': IXFR version not in journal, falling back to AXFR",
                info.label
            );
            Style::AxfrStyleIxfr
        }
    } else {
        Style::Axfr
    };
    let name = match style {
        Style::Axfr => "AXFR",
        Style::AxfrStyleIxfr => "AXFR-style IXFR",
        Style::SoaOnly | Style::Incremental(_) => "IXFR",
    };
    if matches!(style, Style::Axfr | Style::AxfrStyleIxfr) {
        info!(
            XferOut,
            "{prefix}: transfer of '{}': {name} started{tsig_note} (serial {serial})", info.label
        );
    }
    let start = Instant::now();
    let header = Header::read(msg).unwrap_or_default();
    let logged = style != Style::SoaOnly;
    let mut signer = signed.map(StreamSigner::new);
    let room = signed.map_or(0, |v| super::keys::record_room(&v.key));
    let result = send_zone(
        out,
        &header,
        &question,
        &zone,
        &style,
        limits,
        signer.as_mut().map(|s| (s, room)),
    )
    .await;
    let _quota = quota;
    match result {
        Ok(stats) => {
            zone_stats::add(Xfr::OutBytes, stats.bytes);
            if logged {
                zone_stats::add(Xfr::OutDone, 1);
                zone_stats::transfer_out_done(&info.key.view, &info.conf.name);
                let secs = start.elapsed().as_secs_f64();
                info!(
                    XferOut,
                    "{prefix}: transfer of '{}': {name} ended: {}",
                    info.label,
                    stats.summary(secs, serial)
                );
            }
            Served::Done
        }
        Err(e) => {
            error!(
                XferOut,
                "{prefix}: transfer of '{}': {name} failed: {e}", info.label
            );
            Served::Abort
        }
    }
}

/// The form of the response.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Style {
    Axfr,
    AxfrStyleIxfr,
    SoaOnly,
    /// The journal's steps from the client's serial to ours (RFC 1995 §4).
    Incremental(Vec<zones::diff::Diff>),
}

/// The journal's steps from `from` to `to`, when the zone has a journal that holds them.
fn journal_chain(conf: &conf::model::Zone, from: u32, to: u32) -> Option<Vec<zones::diff::Diff>> {
    let path = conf.journal.as_ref().filter(|p| p.exists())?;
    let (journal, _) = zones::journal::Journal::open_read_only(path).ok()?;
    journal
        .chain(from, to)
        .ok()
        .flatten()
        .filter(|steps| !steps.is_empty())
}

/// Counts for the `ended` line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Messages.
    pub messages: u64,
    /// Records.
    pub records: u64,
    /// Bytes of DNS messages (without the TCP length prefixes).
    pub bytes: u64,
}

impl Stats {
    /// `1 messages, 9 records, 259 bytes, 0.001 secs (259000 bytes/sec) (serial N)`.
    pub fn summary(&self, secs: f64, serial: u32) -> String {
        // BIND divides by the seconds as printed, at least a millisecond.
        let shown = ((secs * 1000.0).round() / 1000.0).max(0.001);
        let rate = if shown > 0.0 {
            (self.bytes as f64 / shown) as u64
        } else {
            self.bytes * 1000
        };
        format!(
            "{} messages, {} records, {} bytes, {:.3} secs ({rate} bytes/sec) (serial {serial})",
            self.messages, self.records, self.bytes, shown
        )
    }
}

/// One record to send.
#[derive(Clone, Copy)]
struct Item<'a> {
    owner: &'a [u8],
    rtype: RType,
    class: Class,
    ttl: u32,
    rdata: &'a [u8],
}

/// The records of the response, in order: the SOA, the rest (the whole zone, or the
/// journal's steps), the SOA again.
fn items<'a>(zone: &'a Zone, style: &'a Style) -> Box<dyn Iterator<Item = Item<'a>> + Send + 'a> {
    let soa = zone.soa_rrset();
    let apex = zone.apex().name_wire();
    let soa_item = Item {
        owner: apex,
        rtype: RType::SOA,
        class: zone.class(),
        ttl: soa.ttl(),
        rdata: soa.rdatas().next().unwrap_or_default(),
    };
    match style {
        Style::SoaOnly => Box::new(std::iter::once(soa_item)),
        Style::Incremental(steps) => Box::new(
            std::iter::once(soa_item)
                .chain(steps.iter().flat_map(|d| d.ixfr_records()).map(|r| Item {
                    owner: r.owner.as_wire(),
                    rtype: r.rtype,
                    class: r.class,
                    ttl: r.ttl,
                    rdata: r.rdata.as_bytes(),
                }))
                .chain(std::iter::once(soa_item)),
        ),
        Style::Axfr | Style::AxfrStyleIxfr => Box::new(
            zone.records_canonical()
                .map(|r| Item {
                    owner: r.owner_wire(),
                    rtype: r.rtype(),
                    class: r.class(),
                    ttl: r.ttl(),
                    rdata: r.rdata(),
                })
                .chain(std::iter::once(soa_item)),
        ),
    }
}

/// The size transfer messages are filled to. Compression pointers reach only the first
/// 16 KiB of a message, so in larger messages most names could not point at the names
/// before them; at this size every name can, and the zone travels in fewer bytes than in
/// 64 KiB messages (BIND's messages are about as large).
const TRANSFER_MESSAGE: usize = 16 * 1024;

/// Writes the response messages, each signed by `signer` when the request was signed.
async fn send_zone<W: AsyncWrite + Unpin>(
    out: &mut W,
    request: &Header,
    question: &super::message::Question,
    zone: &Zone,
    style: &Style,
    limits: Limits,
    signing: Option<(&mut StreamSigner, usize)>,
) -> io::Result<Stats> {
    let (mut signer, room) = signing.map_or((None, 0), |(s, room)| (Some(s), room));
    let deadline = Instant::now() + limits.total;
    let mut buf = vec![0u8; MAX_MESSAGE + 2];
    let mut signed = Vec::new();
    let mut comp = Compressor::new();
    let mut stats = Stats::default();
    let mut records = items(zone, style).peekable();
    let mut first = true;
    while first || records.peek().is_some() {
        let len = {
            let (_, body) = buf.split_at_mut(2);
            let mut w =
                ResponseWriter::new(body, &mut comp, TRANSFER_MESSAGE - room, request, None)
                    .map_err(io::Error::other)?;
            w.set_flags(FLAG_AA, true);
            if first {
                w.question(question.name.as_wire(), question.qtype, question.qclass)
                    .map_err(io::Error::other)?;
            }
            let mut in_message = 0u64;
            while let Some(item) = records.peek() {
                let head = RrsetHead {
                    owner: item.owner,
                    rtype: item.rtype,
                    class: item.class,
                    ttl: item.ttl,
                };
                match w
                    .push(Section::Answer, &head, [item.rdata])
                    .map_err(io::Error::other)?
                {
                    Pushed::Written => {
                        in_message += 1;
                        records.next();
                    }
                    _ => {
                        if in_message == 0 {
                            return Err(io::Error::other("a record does not fit in a message"));
                        }
                        // The record did not fit: it starts the next message.
                        w.set_flags(FLAG_TC, false);
                        break;
                    }
                }
            }
            stats.records += in_message;
            w.finish().map_err(io::Error::other)?
        };
        first = false;
        let len = match signer.as_deref_mut() {
            Some(signer) => {
                signed.clear();
                signed.extend_from_slice(&buf[2..len + 2]);
                signer
                    .sign(&mut signed, unix_now())
                    .map_err(io::Error::other)?;
                buf.get_mut(2..signed.len() + 2)
                    .ok_or_else(|| io::Error::other("no room for the TSIG record"))?
                    .copy_from_slice(&signed);
                signed.len()
            }
            None => len,
        };
        let prefix = u16::try_from(len).map_err(io::Error::other)?;
        buf[..2].copy_from_slice(&prefix.to_be_bytes());
        let now = Instant::now();
        if now >= deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "max-transfer-time-out exceeded",
            ));
        }
        let wait = limits.idle.min(deadline - now);
        match tokio::time::timeout(wait, out.write_all(&buf[..len + 2])).await {
            Ok(result) => result?,
            Err(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "max-transfer-idle-out exceeded",
                ));
            }
        }
        stats.messages += 1;
        stats.bytes += len as u64;
    }
    out.flush().await?;
    Ok(stats)
}

/// Writes an error response with the question echoed (when it could be read), signed
/// when the request was.
async fn reply_error<W: AsyncWrite + Unpin>(
    out: &mut W,
    msg: &[u8],
    request: Option<&Message>,
    signed: Option<&Verified>,
    rcode: u8,
) -> Served {
    let id = Header::read(msg).map_or(0, |h| h.id);
    let mut reply = RequestBuilder::new(id, Opcode::QUERY).response(rcode);
    if let Some(q) = request.and_then(|r| r.questions.first()) {
        reply = reply.question(&q.name, q.qtype, q.qclass);
    }
    let mut reply = reply.finish();
    if let Some(verified) = signed
        && tsig::sign_response(&mut reply, verified, unix_now()).is_err()
    {
        return Served::Abort;
    }
    write_reply(out, &reply).await
}

/// Answers a request whose TSIG did not verify as BIND does: FORMERR for a malformed
/// record, else the rcode and TSIG error of the rejection.
async fn reply_tsig_error<W: AsyncWrite + Unpin>(
    out: &mut W,
    msg: &[u8],
    e: &VerifyError,
    now: u64,
) -> Served {
    match e {
        VerifyError::Rejected(rejection) => match tsig::error_response(msg, rejection, None, now) {
            Ok(reply) => write_reply(out, &reply).await,
            Err(_) => Served::Abort,
        },
        _ => reply_error(out, msg, Message::parse(msg).ok().as_ref(), None, 1).await,
    }
}

/// Writes one framed message.
async fn write_reply<W: AsyncWrite + Unpin>(out: &mut W, reply: &[u8]) -> Served {
    let mut framed = Vec::with_capacity(reply.len() + 2);
    framed.extend_from_slice(&(reply.len() as u16).to_be_bytes());
    framed.extend_from_slice(reply);
    match tokio::time::timeout(Duration::from_secs(30), out.write_all(&framed)).await {
        Ok(Ok(())) => Served::Done,
        _ => Served::Abort,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(records: usize) -> Zone {
        let mut text = String::from(
            "$ORIGIN example.com.\n$TTL 300\n@ SOA ns1 hostmaster 5 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\n",
        );
        for i in 0..records {
            text.push_str(&format!(
                "host{i} A 10.{}.{}.{}\n",
                (i >> 16) & 255,
                (i >> 8) & 255,
                i & 255
            ));
            text.push_str(&format!(
                "host{i} TXT \"some text to make the zone larger {i}\"\n"
            ));
        }
        let origin = zones::Name::from_text("example.com.", None).expect("name");
        let opts = zones::master::ParseOptions {
            origin: origin.clone(),
            class: Class::IN,
            base_dir: std::path::PathBuf::from("."),
            default_ttl: None,
        };
        let report = zones::master::parse_str_with(
            &text,
            "test.db",
            &opts,
            &zones::master::Checks::default(),
        );
        assert!(report.errors.is_empty());
        Zone::build(
            origin,
            Class::IN,
            report.records,
            &zones::zone::CheckOptions::default(),
        )
        .expect("zone builds")
        .0
    }

    fn read_stream(bytes: &[u8]) -> Vec<Message> {
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < bytes.len() {
            let len = usize::from(u16::from_be_bytes([bytes[pos], bytes[pos + 1]]));
            out.push(Message::parse(&bytes[pos + 2..pos + 2 + len]).expect("valid message"));
            pos += 2 + len;
        }
        out
    }

    fn question() -> super::super::message::Question {
        super::super::message::Question {
            name: zones::Name::from_text("example.com.", None).expect("name"),
            qtype: RType::AXFR,
            qclass: Class::IN,
        }
    }

    #[tokio::test]
    async fn rfc5936_large_zone_spans_messages_with_soa_at_both_ends() {
        let zone = zone(3000);
        let mut out = Vec::new();
        let limits = Limits {
            total: Duration::from_secs(10),
            idle: Duration::from_secs(10),
        };
        let stats = send_zone(
            &mut out,
            &Header::default(),
            &question(),
            &zone,
            &Style::Axfr,
            limits,
            None,
        )
        .await
        .expect("sent");
        let messages = read_stream(&out);
        assert!(messages.len() > 1, "a large zone takes several messages");
        assert_eq!(stats.messages as usize, messages.len());
        assert_eq!(messages[0].questions.len(), 1);
        assert!(messages[1..].iter().all(|m| m.questions.is_empty()));
        let records: Vec<_> = messages.iter().flat_map(|m| m.answer.clone()).collect();
        assert_eq!(records.len(), zone.record_count() + 1);
        assert_eq!(records.first().map(|r| r.rtype), Some(RType::SOA));
        assert_eq!(records.last().map(|r| r.rtype), Some(RType::SOA));
        assert!(messages.iter().all(|m| m.header.flags & FLAG_TC == 0));
        assert!(messages.iter().all(|m| m.header.flags & FLAG_AA != 0));
    }

    #[tokio::test]
    async fn soa_only_answer_is_one_record() {
        let zone = zone(2);
        let mut out = Vec::new();
        let limits = Limits {
            total: Duration::from_secs(10),
            idle: Duration::from_secs(10),
        };
        send_zone(
            &mut out,
            &Header::default(),
            &question(),
            &zone,
            &Style::SoaOnly,
            limits,
            None,
        )
        .await
        .expect("sent");
        let messages = read_stream(&out);
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].answer.len(), 1);
    }

    #[test]
    fn summary_reads_as_bind_writes_it() {
        let stats = Stats {
            messages: 1,
            records: 9,
            bytes: 259,
        };
        assert_eq!(
            stats.summary(0.0012, 7),
            "1 messages, 9 records, 259 bytes, 0.001 secs (259000 bytes/sec) (serial 7)"
        );
    }
}
