//! WKS (RFC 1035 §3.4.2): protocol and the bitmap of services.
//!
//! BIND looks protocol and service names up in the system's protocols and services
//! databases; here they come from a built-in table of the IANA names Debian ships for
//! ports below 1024. Numbers always work.

use super::tokens::{Tokens, parse_number};
use super::wire::Printer;
use super::{Malformed, RdataError};

const TCP: u8 = 6;
const UDP: u8 = 17;

/// Protocol names (IANA protocol numbers), matched in lower or upper case.
const PROTOCOLS: &[(&str, u8)] = &[
    ("ip", 0),
    ("icmp", 1),
    ("igmp", 2),
    ("ggp", 3),
    ("ipencap", 4),
    ("st", 5),
    ("tcp", 6),
    ("egp", 8),
    ("igp", 9),
    ("pup", 12),
    ("udp", 17),
    ("hmp", 20),
    ("xns-idp", 22),
    ("rdp", 27),
    ("iso-tp4", 29),
    ("dccp", 33),
    ("xtp", 36),
    ("ddp", 37),
    ("ipv6", 41),
    ("ipv6-route", 43),
    ("ipv6-frag", 44),
    ("idrp", 45),
    ("rsvp", 46),
    ("gre", 47),
    ("esp", 50),
    ("ah", 51),
    ("ipv6-icmp", 58),
    ("ipv6-nonxt", 59),
    ("ipv6-opts", 60),
    ("eigrp", 88),
    ("ospf", 89),
    ("ipip", 94),
    ("etherip", 97),
    ("pim", 103),
    ("ipcomp", 108),
    ("vrrp", 112),
    ("l2tp", 115),
    ("isis", 124),
    ("sctp", 132),
    ("udplite", 136),
];

/// Which transport a service name is registered for.
#[derive(Clone, Copy)]
enum Transport {
    Tcp,
    Udp,
    Both,
}

/// Service names with their ports (IANA service names, as in Debian's services file).
const SERVICES: &[(&str, u16, Transport)] = {
    use Transport::{Both as B, Tcp as T, Udp as U};
    &[
        ("tcpmux", 1, T),
        ("echo", 7, B),
        ("discard", 9, B),
        ("systat", 11, T),
        ("daytime", 13, B),
        ("netstat", 15, T),
        ("qotd", 17, T),
        ("chargen", 19, B),
        ("ftp-data", 20, T),
        ("ftp", 21, T),
        ("ssh", 22, T),
        ("telnet", 23, T),
        ("smtp", 25, T),
        ("mail", 25, T),
        ("time", 37, B),
        ("whois", 43, T),
        ("nicname", 43, T),
        ("tacacs", 49, B),
        ("domain", 53, B),
        ("bootps", 67, U),
        ("bootpc", 68, U),
        ("tftp", 69, U),
        ("gopher", 70, T),
        ("finger", 79, T),
        ("http", 80, T),
        ("www", 80, T),
        ("kerberos", 88, B),
        ("pop3", 110, T),
        ("sunrpc", 111, B),
        ("auth", 113, T),
        ("ident", 113, T),
        ("nntp", 119, T),
        ("ntp", 123, U),
        ("netbios-ns", 137, U),
        ("netbios-dgm", 138, U),
        ("netbios-ssn", 139, T),
        ("imap", 143, T),
        ("imap2", 143, T),
        ("snmp", 161, B),
        ("snmp-trap", 162, B),
        ("xdmcp", 177, U),
        ("bgp", 179, T),
        ("ldap", 389, B),
        ("https", 443, B),
        ("microsoft-ds", 445, T),
        ("kpasswd", 464, B),
        ("submissions", 465, T),
        ("isakmp", 500, U),
        ("exec", 512, T),
        ("biff", 512, U),
        ("login", 513, T),
        ("who", 513, U),
        ("shell", 514, T),
        ("syslog", 514, B),
        ("printer", 515, T),
        ("talk", 517, U),
        ("ntalk", 518, U),
        ("route", 520, U),
        ("uucp", 540, T),
        ("klogin", 543, T),
        ("kshell", 544, T),
        ("dhcpv6-client", 546, U),
        ("dhcpv6-server", 547, U),
        ("rtsp", 554, B),
        ("nntps", 563, T),
        ("submission", 587, T),
        ("ipp", 631, T),
        ("ldaps", 636, B),
        ("domain-s", 853, B),
        ("rsync", 873, T),
        ("ftps-data", 989, T),
        ("ftps", 990, T),
        ("telnets", 992, T),
        ("imaps", 993, T),
        ("pop3s", 995, T),
    ]
};

/// The protocol: a decimal number up to 255 or a protocol name.
pub(crate) fn parse_proto(t: &mut Tokens<'_, '_>) -> Result<u8, RdataError> {
    let what = "a protocol number or name";
    let text = t.next_plain(what)?;
    if let Some(n) = parse_number(text) {
        return u8::try_from(n).map_err(|_| t.expected("a protocol number up to 255"));
    }
    PROTOCOLS
        .iter()
        .find(|(name, _)| *name == text || name.to_ascii_uppercase() == text)
        .map(|(_, n)| *n)
        .ok_or_else(|| t.expected(what))
}

fn service_port(name: &str, proto: u8) -> Option<u16> {
    SERVICES
        .iter()
        .find(|(n, _, transport)| {
            *n == name
                && !matches!(
                    (proto, transport),
                    (TCP, Transport::Udp) | (UDP, Transport::Tcp)
                )
        })
        .map(|(_, port, _)| *port)
}

/// The services, as port numbers or names, into a bitmap as long as the highest port needs.
pub(crate) fn parse_ports(t: &mut Tokens<'_, '_>, out: &mut Vec<u8>) -> Result<(), RdataError> {
    let what = "a port number or service name";
    let proto = out.get(4).copied().unwrap_or(0);
    let mut bitmap = Vec::new();
    while let Some(text) = t.next_plain_opt() {
        let port = match parse_number(text) {
            Some(n) => u16::try_from(n).map_err(|_| t.expected("a port number up to 65535"))?,
            None => service_port(&text.to_ascii_lowercase(), proto)
                .or_else(|| service_port(text, proto))
                .ok_or_else(|| t.expected(what))?,
        };
        let byte = usize::from(port / 8);
        if bitmap.len() <= byte {
            bitmap.resize(byte + 1, 0);
        }
        bitmap[byte] |= 0x80 >> (port % 8);
    }
    out.extend_from_slice(&bitmap);
    Ok(())
}

pub(crate) fn check_ports(bitmap: &[u8]) -> Result<(), Malformed> {
    if bitmap.len() > 8192 {
        return Err(Malformed("WKS bitmap longer than 8192 octets"));
    }
    if bitmap.last() == Some(&0) {
        return Err(Malformed("WKS bitmap ends in a zero octet"));
    }
    Ok(())
}

pub(crate) fn print_ports(bitmap: &[u8], p: &mut Printer) {
    for (i, &b) in bitmap.iter().enumerate() {
        for j in 0..8 {
            if b & (0x80 >> j) != 0 {
                p.number(i * 8 + j);
            }
        }
    }
}
