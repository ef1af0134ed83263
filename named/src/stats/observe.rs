//! What a request and its response add to the counters, read from their headers: the
//! request's opcode, question type and additional records (EDNS, TSIG), the response's
//! RCODE, flags and section counts. A few bytes are read; nothing is decoded twice.

use super::counters::{Block, Ns};

const OPCODE_QUERY: u8 = 0;
const TYPE_OPT: u16 = 41;
const TYPE_TSIG: u16 = 250;
/// Additional records looked at for OPT and TSIG; a query carries one or two.
const MAX_ADDITIONAL: u16 = 4;

/// What the response counters need to know of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    opcode: u8,
    /// The question's type, until it is counted: BIND counts it once the request is
    /// accepted, so not for a request whose signature failed.
    qtype: Option<u16>,
    rd: bool,
    edns: bool,
    tcp: bool,
    tsig: bool,
}

impl Seen {
    /// A query (opcode QUERY) with RD as `rd`, an OPT record when `edns`, over TCP when
    /// `tcp`: what the engine knows when it counts an answer for a zone.
    pub fn query(rd: bool, edns: bool, tcp: bool) -> Self {
        Self {
            opcode: OPCODE_QUERY,
            qtype: None,
            rd,
            edns,
            tcp,
            tsig: false,
        }
    }
}

/// Counts a request received over TCP (`tcp`) or UDP, from an IPv6 (`v6`) or IPv4
/// client.
pub fn request(block: &Block, msg: &[u8], tcp: bool, v6: bool) -> Seen {
    block.ns(if v6 { Ns::RequestV6 } else { Ns::RequestV4 });
    if tcp {
        block.ns(Ns::RequestTcp);
    }
    let Some(header) = msg.get(..12) else {
        return Seen {
            opcode: 0xff,
            qtype: None,
            rd: false,
            edns: false,
            tcp,
            tsig: false,
        };
    };
    let opcode = (header[2] >> 3) & 0x0f;
    block.opcode(opcode);
    let rd = header[2] & 0x01 != 0;
    let count = |i: usize| u16::from_be_bytes([header[i], header[i + 1]]);
    let mut edns = false;
    let mut tsig = false;
    let mut question = None;
    let mut at = 12;
    if count(4) == 1
        && let Some(end) = skip_name(msg, at)
        && let Some(qtype) = read_u16(msg, end)
    {
        at = end + 4;
        if opcode == OPCODE_QUERY {
            question = Some(qtype);
        }
        // Queries carry nothing in the answer and authority sections; when one does,
        // its additional records are not looked for.
        if count(6) == 0 && count(8) == 0 {
            for _ in 0..count(10).min(MAX_ADDITIONAL) {
                let Some(end) = skip_name(msg, at) else { break };
                let (Some(rtype), Some(rdlen)) = (read_u16(msg, end), read_u16(msg, end + 8))
                else {
                    break;
                };
                match rtype {
                    TYPE_OPT => {
                        edns = true;
                        block.ns(Ns::EdnsIn);
                    }
                    TYPE_TSIG => {
                        tsig = true;
                        block.ns(Ns::TsigIn);
                    }
                    _ => {}
                }
                at = end + 10 + usize::from(rdlen);
            }
        }
    }
    Seen {
        opcode,
        qtype: question,
        rd,
        edns,
        tcp,
        tsig,
    }
}

/// Counts the response `reply` to a request `seen` that no zone answered with a referral
/// (forwarded and cached answers, errors, and answers to NOTIFY, UPDATE and transfers).
pub fn response(block: &Block, seen: Seen, reply: &[u8]) {
    answer(block, seen, reply, false);
}

/// Counts the response `reply` to a request `seen`; `referral` says that the engine
/// answered from a zone with a delegation (its `Workspace::referral`), which the
/// header alone cannot tell from a forwarded NODATA.
pub fn answer(block: &Block, seen: Seen, reply: &[u8], referral: bool) {
    let Some(header) = reply.get(..12) else {
        return;
    };
    block.ns(Ns::Response);
    let rcode = header[3] & 0x0f;
    block.rcode(rcode);
    if header[2] & 0x02 != 0 {
        block.ns(Ns::Truncated);
    }
    if seen.edns {
        block.ns(Ns::EdnsOut);
    }
    // A signed request that did not verify is answered NOTAUTH (RFC 8945 §5.2), before
    // BIND looks at its question.
    if seen.tsig && rcode == 9 {
        block.ns(Ns::InvalidSig);
        return;
    }
    if seen.opcode != OPCODE_QUERY {
        return;
    }
    if let Some(qtype) = seen.qtype {
        block.qtype(qtype);
    }
    // BIND counts a query by transport once it has started answering it: a query
    // refused for want of a zone is not among them.
    if rcode != 5 {
        block.ns(if seen.tcp { Ns::TcpQuery } else { Ns::UdpQuery });
    }
    let aa = header[2] & 0x04 != 0;
    let answers = u16::from_be_bytes([header[6], header[7]]);
    match rcode {
        0 | 3 => block.ns(if aa {
            Ns::AuthAnswer
        } else {
            Ns::NonAuthAnswer
        }),
        _ => {}
    }
    match rcode {
        0 if answers > 0 => block.ns(Ns::Success),
        0 if referral => block.ns(Ns::Referral),
        0 => block.ns(Ns::Nxrrset),
        1 => block.ns(Ns::Formerr),
        2 => block.ns(Ns::Servfail),
        3 => block.ns(Ns::Nxdomain),
        5 => {
            block.ns(if seen.rd {
                Ns::RecursionRejected
            } else {
                Ns::AuthRejected
            });
            block.ns(Ns::Failure);
        }
        _ => block.ns(Ns::Failure),
    }
}

/// A response's header, copied so that the buffer holding the response can be reused
/// (or the workspace asked about it) before the response is counted.
#[derive(Debug, Clone, Copy)]
pub struct Header {
    bytes: [u8; 12],
    len: u8,
}

impl Header {
    /// The copied bytes: twelve, or fewer when the response was shorter.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// The header of `reply`.
pub fn header(reply: &[u8]) -> Header {
    let mut bytes = [0; 12];
    let len = reply.len().min(12);
    bytes[..len].copy_from_slice(&reply[..len]);
    Header {
        bytes,
        len: len as u8,
    }
}

/// Counts a query `seen` sent on to the forwarders, and returns what its response, when
/// it comes, still adds.
pub fn recursion(block: &Block, seen: Seen) -> Seen {
    block.ns(Ns::Recursion);
    if let Some(qtype) = seen.qtype {
        block.qtype(qtype);
    }
    Seen {
        qtype: None,
        ..seen
    }
}

/// Counts a zone transfer request `seen` handed to the transfer code, which answers it
/// itself: its question type, as BIND counts AXFR and IXFR among the incoming queries.
pub fn transfer(block: &Block, seen: Seen) {
    if let Some(qtype) = seen.qtype {
        block.qtype(qtype);
    }
}

/// Counts a request answered with nothing.
pub fn dropped(block: &Block, seen: Seen) {
    if seen.opcode == OPCODE_QUERY {
        block.ns(Ns::Dropped);
        if let Some(qtype) = seen.qtype {
            block.qtype(qtype);
        }
    }
}

/// Where the name at `at` ends (past its terminating label or pointer).
fn skip_name(msg: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let len = *msg.get(at)?;
        match len & 0xc0 {
            0 if len == 0 => return Some(at + 1),
            0 => at += 1 + usize::from(len),
            0xc0 => return Some(at + 2).filter(|&end| end <= msg.len()),
            _ => return None,
        }
    }
}

fn read_u16(msg: &[u8], at: usize) -> Option<u16> {
    let bytes = msg.get(at..at + 2)?;
    Some(u16::from_be_bytes([bytes[0], bytes[1]]))
}

#[cfg(test)]
mod tests {
    use super::super::counters::Registry;
    use super::*;

    fn query(flags: u8, qtype: u16, additional: &[&[u8]]) -> Vec<u8> {
        let mut m = vec![
            0x12,
            0x34,
            flags,
            0,
            0,
            1,
            0,
            0,
            0,
            0,
            0,
            additional.len() as u8,
        ];
        m.extend_from_slice(b"\x03www\x07example\x00");
        m.extend_from_slice(&qtype.to_be_bytes());
        m.extend_from_slice(&[0, 1]);
        for rr in additional {
            m.extend_from_slice(rr);
        }
        m
    }

    const OPT: &[u8] = &[0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0];
    const TSIG: &[u8] = &[1, b'k', 0, 0, 250, 0, 255, 0, 0, 0, 0, 0, 2, 0xaa, 0xbb];

    fn reply(flags: u8, rcode: u8, an: u8, ns: u8) -> Vec<u8> {
        vec![0x12, 0x34, 0x80 | flags, rcode, 0, 1, 0, an, 0, ns, 0, 0]
    }

    #[test]
    fn requests_are_counted_by_opcode_type_transport_and_records() {
        let registry = Registry::new();
        let b = registry.register();
        let seen = request(&b, &query(0x01, 28, &[OPT, TSIG]), false, false);
        assert!(seen.edns && seen.rd);
        response(&b, seen, &reply(0x04, 0, 1, 0));
        let seen = request(&b, &query(0x00, 1, &[]), true, true);
        dropped(&b, seen);
        let seen = request(&b, &query(0x20, 6, &[]), false, false);
        response(&b, seen, &reply(0x04, 0, 0, 0));
        request(&b, &[0; 5], false, false);
        let t = registry.totals();
        assert_eq!(t.ns(Ns::RequestV4), 3);
        assert_eq!(t.ns(Ns::RequestV6), 1);
        assert_eq!((t.ns(Ns::EdnsIn), t.ns(Ns::TsigIn)), (1, 1));
        assert_eq!(t.ns(Ns::RequestTcp), 1);
        // The NOTIFY (opcode 4) is a request but not a query.
        assert_eq!((t.opcodes[0], t.opcodes[4]), (2, 1));
        assert_eq!((t.qtypes[28], t.qtypes[1], t.qtypes[6]), (1, 1, 0));
    }

    #[test]
    fn responses_are_classified_as_bind_does() {
        let registry = Registry::new();
        let b = registry.register();
        let q = request(&b, &query(0x01, 1, &[OPT]), false, false);
        response(&b, q, &reply(0x04, 0, 1, 0)); // answer
        response(&b, q, &reply(0x04, 0, 0, 1)); // NODATA
        answer(&b, q, &reply(0x00, 0, 0, 2), true); // referral
        response(&b, q, &reply(0x00, 0, 0, 1)); // forwarded NODATA
        response(&b, q, &reply(0x04, 3, 0, 1)); // NXDOMAIN
        response(&b, q, &reply(0x02, 0, 0, 0)); // truncated, no data
        response(&b, q, &reply(0x00, 5, 0, 0)); // REFUSED, RD set
        let t = registry.totals();
        assert_eq!(t.ns(Ns::Response), 7);
        assert_eq!(t.ns(Ns::EdnsOut), 7);
        assert_eq!(t.ns(Ns::Success), 1);
        assert_eq!(t.ns(Ns::Nxrrset), 3);
        assert_eq!(t.ns(Ns::Referral), 1);
        assert_eq!(t.ns(Ns::Nxdomain), 1);
        assert_eq!(t.ns(Ns::Truncated), 1);
        assert_eq!((t.ns(Ns::AuthAnswer), t.ns(Ns::NonAuthAnswer)), (3, 3));
        assert_eq!((t.ns(Ns::RecursionRejected), t.ns(Ns::Failure)), (1, 1));
        assert_eq!((t.rcodes[0], t.rcodes[3], t.rcodes[5]), (5, 1, 1));
        // Every query answered but the refused one.
        assert_eq!(t.ns(Ns::UdpQuery), 6);
    }

    #[test]
    fn a_forwarded_query_type_counts_once() {
        let registry = Registry::new();
        let b = registry.register();
        let seen = request(&b, &query(0x01, 16, &[]), false, false);
        let later = recursion(&b, seen);
        response(&b, later, &reply(0x00, 0, 1, 0));
        let t = registry.totals();
        assert_eq!(
            (t.qtypes[16], t.ns(Ns::Recursion), t.ns(Ns::Success)),
            (1, 1, 1)
        );
    }

    #[test]
    fn a_copied_header_counts_as_the_reply() {
        let registry = Registry::new();
        let b = registry.register();
        let q = request(&b, &query(0x00, 1, &[]), false, false);
        let full = reply(0x00, 0, 0, 2);
        answer(&b, q, header(&full).as_bytes(), true);
        answer(&b, q, header(&full[..5]).as_bytes(), true);
        let t = registry.totals();
        assert_eq!((t.ns(Ns::Response), t.ns(Ns::Referral)), (1, 1));
    }

    #[test]
    fn a_signed_request_answered_notauth_has_an_invalid_signature() {
        let registry = Registry::new();
        let b = registry.register();
        let signed = request(&b, &query(0x00, 6, &[TSIG]), false, false);
        response(&b, signed, &reply(0x00, 9, 0, 0));
        let plain = request(&b, &query(0x00, 6, &[]), false, false);
        response(&b, plain, &reply(0x00, 9, 0, 0));
        let t = registry.totals();
        assert_eq!((t.ns(Ns::TsigIn), t.ns(Ns::InvalidSig)), (1, 1));
        // Its question is not looked at: only the unsigned query counts as one.
        assert_eq!(t.qtypes[6], 1);
        assert_eq!((t.ns(Ns::UdpQuery), t.ns(Ns::Failure)), (1, 1));
        assert_eq!(t.rcodes[9], 2);
    }

    #[test]
    fn truncated_requests_count_without_reading_past_the_end() {
        let registry = Registry::new();
        let b = registry.register();
        let mut m = query(0x01, 1, &[OPT]);
        m.truncate(m.len() - 3);
        let seen = request(&b, &m, false, false);
        assert!(!seen.edns);
        dropped(&b, seen);
        let mut bad = query(0x01, 1, &[]);
        bad[12] = 0x80;
        dropped(&b, request(&b, &bad, false, false));
        let t = registry.totals();
        assert_eq!((t.qtypes[1], t.ns(Ns::RequestV4)), (1, 2));
    }
}
