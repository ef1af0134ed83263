//! Asking a forwarder: one query over UDP from a fresh socket (a port the kernel picks
//! at random) with a random id and an EDNS OPT record, retried over TCP when the answer
//! comes back truncated. A response counts only when it comes from the forwarder asked
//! and carries the id and question sent.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpStream, UdpSocket};
use tokio::time::{Instant, timeout_at};

use zones::{Class, RType};

use crate::wire::Header;
use crate::wire::header::{FLAG_QR, FLAG_RD, FLAG_TC};
use crate::wire::name::NameBuf;
use crate::xfr::message::{Message, random_id};

/// The UDP payload size offered to forwarders (the DNS flag day 2020 value).
const EDNS_SIZE: u16 = 1232;

/// Why a forwarder gave no usable response.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// No response in time.
    #[error("timed out")]
    Timeout,
    /// A socket error (a refused port shows here over loopback).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The response could not be read.
    #[error("malformed response")]
    Malformed,
}

/// The query for `qname` (wire form) `qtype` `qclass` with `id`, RD set, EDNS.
pub fn query(id: u16, qname: &[u8], qtype: RType, qclass: Class) -> Vec<u8> {
    let mut out = Vec::with_capacity(12 + qname.len() + 4 + 11);
    let header = Header {
        id,
        flags: FLAG_RD,
        qdcount: 1,
        arcount: 1,
        ..Header::default()
    };
    let mut head = [0u8; 12];
    header.write(&mut head);
    out.extend_from_slice(&head);
    out.extend_from_slice(qname);
    out.extend_from_slice(&qtype.0.to_be_bytes());
    out.extend_from_slice(&qclass.0.to_be_bytes());
    // OPT: root owner, type 41, class = payload size, no extended rcode, no flags.
    out.extend_from_slice(&[0, 0, 41]);
    out.extend_from_slice(&EDNS_SIZE.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    out
}

/// Whether `msg` answers the query `id` for `qname` `qtype` `qclass`.
fn matches(msg: &[u8], id: u16, qname: &[u8], qtype: RType, qclass: Class) -> bool {
    let Some(header) = Header::read(msg) else {
        return false;
    };
    if header.id != id || !header.has(FLAG_QR) || header.opcode().0 != 0 || header.qdcount != 1 {
        return false;
    }
    let mut name = NameBuf::root();
    let Ok(pos) = name.read(msg, 12, true) else {
        return false;
    };
    let Some(fixed) = msg.get(pos..pos + 4) else {
        return false;
    };
    name.as_bytes().eq_ignore_ascii_case(qname)
        && u16::from_be_bytes([fixed[0], fixed[1]]) == qtype.0
        && u16::from_be_bytes([fixed[2], fixed[3]]) == qclass.0
}

/// Asks `server` for `qname` `qtype` `qclass`, giving up at `deadline`.
pub async fn ask(
    server: SocketAddr,
    qname: &[u8],
    qtype: RType,
    qclass: Class,
    deadline: Instant,
) -> Result<Message, UpstreamError> {
    let id = random_id();
    let request = query(id, qname, qtype, qclass);
    let local: SocketAddr = if server.is_ipv6() {
        (Ipv6Addr::UNSPECIFIED, 0).into()
    } else {
        (Ipv4Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(local).await?;
    // Connected: the kernel drops datagrams from any other address and port.
    socket.connect(server).await?;
    socket.send(&request).await?;
    let mut buf = vec![0u8; 65535];
    let response = loop {
        let len = timeout_at(deadline, socket.recv(&mut buf))
            .await
            .map_err(|_| UpstreamError::Timeout)??;
        let msg = &buf[..len];
        if matches(msg, id, qname, qtype, qclass) {
            break msg;
        }
    };
    let header = Header::read(response).ok_or(UpstreamError::Malformed)?;
    if header.has(FLAG_TC) {
        return ask_tcp(server, qname, qtype, qclass, deadline).await;
    }
    Message::parse(response).map_err(|_| UpstreamError::Malformed)
}

/// The same question over TCP (after a truncated UDP response).
async fn ask_tcp(
    server: SocketAddr,
    qname: &[u8],
    qtype: RType,
    qclass: Class,
    deadline: Instant,
) -> Result<Message, UpstreamError> {
    let id = random_id();
    let request = query(id, qname, qtype, qclass);
    let exchange = async {
        let mut stream = TcpStream::connect(server).await?;
        let len = u16::try_from(request.len()).unwrap_or(u16::MAX);
        let mut framed = len.to_be_bytes().to_vec();
        framed.extend_from_slice(&request);
        stream.write_all(&framed).await?;
        let mut len = [0u8; 2];
        stream.read_exact(&mut len).await?;
        let mut msg = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut msg).await?;
        Ok::<_, std::io::Error>(msg)
    };
    let msg = timeout_at(deadline, exchange)
        .await
        .map_err(|_| UpstreamError::Timeout)??;
    if !matches(&msg, id, qname, qtype, qclass) {
        return Err(UpstreamError::Malformed);
    }
    Message::parse(&msg).map_err(|_| UpstreamError::Malformed)
}

/// How long one forwarder is given, and all of them together.
pub const PER_SERVER: Duration = Duration::from_millis(1500);
/// The bound on one question's time spent on forwarders.
pub const TOTAL: Duration = Duration::from_secs(4);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_carry_rd_and_edns() {
        let q = query(0x1234, b"\x03www\x04test\x00", RType::A, Class::IN);
        let m = Message::parse(&q).expect("parses");
        assert_eq!(m.header.id, 0x1234);
        assert!(m.header.has(FLAG_RD));
        assert_eq!(m.additional.len(), 1);
        assert_eq!(m.additional[0].rtype, RType(41));
        assert_eq!(m.additional[0].class, Class(EDNS_SIZE));
    }

    #[test]
    fn responses_must_match_id_and_question() {
        let mut r = query(7, b"\x03WWW\x04test\x00", RType::A, Class::IN);
        assert!(
            !matches(&r, 7, b"\x03www\x04test\x00", RType::A, Class::IN),
            "not a response"
        );
        r[2] |= 0x80;
        assert!(matches(&r, 7, b"\x03www\x04test\x00", RType::A, Class::IN));
        assert!(!matches(&r, 8, b"\x03www\x04test\x00", RType::A, Class::IN));
        assert!(!matches(
            &r,
            7,
            b"\x03www\x04test\x00",
            RType::AAAA,
            Class::IN
        ));
        assert!(!matches(
            &r,
            7,
            b"\x04mail\x04test\x00",
            RType::A,
            Class::IN
        ));
    }

    #[tokio::test]
    async fn a_closed_port_fails_fast() {
        let probe = std::net::UdpSocket::bind("127.0.0.1:0").expect("bound");
        let addr = probe.local_addr().expect("address");
        drop(probe);
        let started = std::time::Instant::now();
        let deadline = Instant::now() + Duration::from_secs(2);
        let got = ask(addr, b"\x04test\x00", RType::A, Class::IN, deadline).await;
        assert!(got.is_err());
        assert!(started.elapsed() < Duration::from_secs(3));
    }
}
