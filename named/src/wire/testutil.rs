//! Builders for crafted packets and a second opinion on the messages we write.

use hickory_proto::op::Message;

/// Hex digits (whitespace ignored) to bytes.
pub(crate) fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|pair| {
            u8::from_str_radix(std::str::from_utf8(pair).expect("test data is valid"), 16)
                .expect("test data is valid")
        })
        .collect()
}

/// A dotted name in uncompressed wire form.
pub(crate) fn name(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for label in text
        .trim_end_matches('.')
        .split('.')
        .filter(|l| !l.is_empty())
    {
        out.push(label.len() as u8);
        out.extend(label.as_bytes());
    }
    out.push(0);
    out
}

/// A header with these counts; `flags` includes the opcode bits.
pub(crate) fn header(flags: u16, qd: u16, an: u16, ns: u16, ar: u16) -> Vec<u8> {
    [0x1234u16, flags, qd, an, ns, ar]
        .iter()
        .flat_map(|v| v.to_be_bytes())
        .collect()
}

/// Flags with opcode `op` and RD.
pub(crate) fn opcode(op: u16) -> u16 {
    (op << 11) | 0x0100
}

/// A question entry.
pub(crate) fn question(qname: &str, qtype: u16, qclass: u16) -> Vec<u8> {
    let mut out = name(qname);
    out.extend(qtype.to_be_bytes());
    out.extend(qclass.to_be_bytes());
    out
}

/// A resource record with an uncompressed owner.
pub(crate) fn record(owner: &str, rtype: u16, class: u16, rdata: &[u8]) -> Vec<u8> {
    let mut out = name(owner);
    out.extend(rtype.to_be_bytes());
    out.extend(class.to_be_bytes());
    out.extend(300u32.to_be_bytes());
    out.extend((rdata.len() as u16).to_be_bytes());
    out.extend(rdata);
    out
}

/// An EDNS option.
pub(crate) fn option(code: u16, data: &[u8]) -> Vec<u8> {
    let mut out = code.to_be_bytes().to_vec();
    out.extend((data.len() as u16).to_be_bytes());
    out.extend(data);
    out
}

/// An OPT record with a root owner.
pub(crate) fn opt(udp: u16, version: u8, dnssec_ok: bool, options: &[u8]) -> Vec<u8> {
    opt_with_owner(&[0], udp, version, dnssec_ok, options)
}

/// An OPT record with the given owner bytes.
pub(crate) fn opt_with_owner(
    owner: &[u8],
    udp: u16,
    version: u8,
    dnssec_ok: bool,
    options: &[u8],
) -> Vec<u8> {
    let mut out = owner.to_vec();
    out.extend(41u16.to_be_bytes());
    out.extend(udp.to_be_bytes());
    out.extend([0, version, if dnssec_ok { 0x80 } else { 0 }, 0]);
    out.extend((options.len() as u16).to_be_bytes());
    out.extend(options);
    out
}

/// Decodes with hickory-proto: the message must be valid DNS.
pub(crate) fn decode(bytes: &[u8]) -> Message {
    Message::from_vec(bytes).unwrap_or_else(|e| panic!("hickory cannot decode {bytes:02x?}: {e}"))
}
