//! EDNS(0) (RFC 6891): the OPT record of a query, its options, and the OPT record we send.

use std::net::IpAddr;

use super::cookie::{self, COOKIE_OPTION_LEN, Secret};
use super::{PLAIN_UDP_SIZE, u16_at};

/// LLQ (RFC 8764).
pub const OPT_LLQ: u16 = 1;
/// NSID (RFC 5001).
pub const OPT_NSID: u16 = 3;
/// EDNS Client Subnet (RFC 7871).
pub const OPT_ECS: u16 = 8;
/// EDNS EXPIRE (RFC 7314).
pub const OPT_EXPIRE: u16 = 9;
/// DNS COOKIE (RFC 7873).
pub const OPT_COOKIE: u16 = 10;
/// edns-tcp-keepalive (RFC 7828).
pub const OPT_KEEPALIVE: u16 = 11;
/// Padding (RFC 7830).
pub const OPT_PADDING: u16 = 12;
/// edns-key-tag (RFC 8145).
pub const OPT_KEY_TAG: u16 = 14;
/// Extended DNS Error (RFC 8914).
pub const OPT_EDE: u16 = 15;
/// EDNS client tag (draft-bellis-dnsop-edns-tags).
pub const OPT_CLIENT_TAG: u16 = 16;
/// EDNS server tag (draft-bellis-dnsop-edns-tags).
pub const OPT_SERVER_TAG: u16 = 17;

/// The size of an OPT record with no options: root owner, type, class, TTL, RDLENGTH.
pub const OPT_FIXED_LEN: usize = 11;

/// The DO bit of the OPT record's flags (RFC 3225).
pub const FLAG_DO: u16 = 0x8000;

/// The largest UDP answer BIND 9.18 sends, whatever the client offers
/// (`NS_CLIENT_SEND_BUFFER_SIZE`).
const MAX_UDP_SEND: usize = 4096;

/// Why the RDATA of an OPT record was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OptFault {
    /// An option runs past the end of the RDATA: FORMERR without an OPT record.
    Truncated,
    /// An option BIND knows has a bad length or content (`DNS_R_OPTERR`): FORMERR with an
    /// OPT record.
    BadOption,
}

/// Checks every option of an OPT record's RDATA as BIND 9.18's `fromwire_opt` does.
///
/// BIND 9.18.49, live: a COOKIE of length 0, 7, 9, 15 or 41, an EXPIRE of length 2, an
/// ECS of length 3 or with family 3, an ECS whose address has bits set past its prefix,
/// a KEY-TAG of odd length, an EDE of length 1 or with bad UTF-8 or a byte order mark,
/// a CLIENT-TAG of length 3 and an LLQ of length 5 were all answered FORMERR with an OPT
/// record (version 0, our UDP size, no flags, no options) and the question; an option
/// running past the RDATA was answered FORMERR with the question and no OPT record.
/// NSID, keepalive and padding lengths are not checked (a keepalive of length 1 was
/// accepted), and unknown options are skipped.
pub(crate) fn check_options(rdata: &[u8]) -> Result<(), OptFault> {
    let mut pos = 0;
    while pos < rdata.len() {
        let (Some(code), Some(len)) = (u16_at(rdata, pos), u16_at(rdata, pos + 2)) else {
            return Err(OptFault::Truncated);
        };
        let data = rdata
            .get(pos + 4..pos + 4 + usize::from(len))
            .ok_or(OptFault::Truncated)?;
        let good = match code {
            OPT_LLQ => data.len() == 18,
            OPT_ECS => ClientSubnet::from_option(data).is_some(),
            OPT_EXPIRE => data.is_empty() || data.len() == 4,
            OPT_COOKIE => ClientCookie::from_option(data).is_some(),
            OPT_KEY_TAG => !data.is_empty() && data.len() % 2 == 0,
            OPT_EDE => {
                data.len() >= 2 && !data[2..].starts_with(b"\xef\xbb\xbf") && {
                    bind_utf8_valid(&data[2..])
                }
            }
            OPT_CLIENT_TAG | OPT_SERVER_TAG => data.len() == 2,
            _ => true,
        };
        if !good {
            return Err(OptFault::BadOption);
        }
        pos += 4 + data.len();
    }
    Ok(())
}

/// BIND's `isc_utf8_valid`: like UTF-8 proper, but surrogate code points pass.
fn bind_utf8_valid(text: &[u8]) -> bool {
    let mut i = 0;
    while i < text.len() {
        let lead = text[i];
        let (extra, min, lead_bits) = match lead {
            0x00..=0x7f => {
                i += 1;
                continue;
            }
            _ if lead & 0xe0 == 0xc0 => (1, 0x80, lead & 0x1f),
            _ if lead & 0xf0 == 0xe0 => (2, 0x800, lead & 0x0f),
            _ if lead & 0xf8 == 0xf0 => (3, 0x10000, lead & 0x07),
            _ => return false,
        };
        let Some(tail) = text.get(i + 1..i + 1 + extra) else {
            return false;
        };
        if tail.iter().any(|b| b & 0xc0 != 0x80) {
            return false;
        }
        let value = tail.iter().fold(u32::from(lead_bits), |acc, b| {
            acc << 6 | u32::from(b & 0x3f)
        });
        if value < min || value > 0x10ffff {
            return false;
        }
        i += 1 + extra;
    }
    true
}

//------------ ClientCookie --------------------------------------------------

/// The COOKIE option of a query: a client cookie and perhaps a server cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientCookie {
    /// The 8-byte client cookie.
    pub client: [u8; 8],
    server: [u8; 32],
    server_len: u8,
}

impl ClientCookie {
    /// Reads the option data; `None` unless 8 bytes, or 16 to 40 (RFC 7873 §4).
    pub fn from_option(data: &[u8]) -> Option<Self> {
        if data.len() != 8 && !(16..=40).contains(&data.len()) {
            return None;
        }
        let mut cookie = Self {
            client: [0; 8],
            server: [0; 32],
            server_len: 0,
        };
        cookie.client.copy_from_slice(&data[..8]);
        let server = &data[8..];
        cookie.server[..server.len()].copy_from_slice(server);
        // At most 32 bytes by the check above.
        cookie.server_len = server.len() as u8;
        Some(cookie)
    }

    /// The server cookie the client sent back (empty when it had none).
    pub fn server(&self) -> &[u8] {
        &self.server[..usize::from(self.server_len)]
    }
}

//------------ ClientSubnet --------------------------------------------------

/// The EDNS Client Subnet option of a query (RFC 7871 §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientSubnet {
    /// The address family: 0 (none), 1 (IPv4) or 2 (IPv6).
    pub family: u16,
    /// SOURCE PREFIX-LENGTH.
    pub source_prefix: u8,
    /// SCOPE PREFIX-LENGTH.
    pub scope_prefix: u8,
    address: [u8; 16],
}

impl ClientSubnet {
    /// Reads the option data with BIND's checks: a known family, prefixes within it, an
    /// address of exactly the prefix's bytes and no bits set past the prefix.
    pub fn from_option(data: &[u8]) -> Option<Self> {
        let family = u16_at(data, 0)?;
        let (&source_prefix, &scope_prefix) = (data.get(2)?, data.get(3)?);
        let max = match family {
            0 => 0,
            1 => 32,
            2 => 128,
            _ => return None,
        };
        if source_prefix > max || scope_prefix > max {
            return None;
        }
        let address = &data[4..];
        let bytes = usize::from(source_prefix).div_ceil(8);
        if address.len() != bytes {
            return None;
        }
        if source_prefix % 8 != 0 {
            let keep = 0xffu8 << (8 - source_prefix % 8);
            if address[bytes - 1] & !keep != 0 {
                return None;
            }
        }
        let mut subnet = Self {
            family,
            source_prefix,
            scope_prefix,
            address: [0; 16],
        };
        subnet.address[..bytes].copy_from_slice(address);
        Some(subnet)
    }

    /// The address bytes covered by the source prefix.
    pub fn address(&self) -> &[u8] {
        &self.address[..usize::from(self.source_prefix).div_ceil(8)]
    }

    fn option_len(&self) -> usize {
        4 + self.address().len()
    }
}

//------------ Edns ----------------------------------------------------------

/// What the OPT record of a query asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edns {
    /// The requestor's UDP payload size, as sent.
    pub udp_size: u16,
    /// The EDNS version.
    pub version: u8,
    /// The upper eight bits of the extended rcode (meaningless in a query; BIND ignores it).
    pub ext_rcode: u8,
    /// The 16 flag bits (DO and Z).
    pub flags: u16,
    /// An NSID option was present (its data is ignored, RFC 5001 §2.1).
    pub nsid: bool,
    /// The first COOKIE option; later ones are ignored, as BIND does.
    pub cookie: Option<ClientCookie>,
    /// An EXPIRE option was present.
    pub expire: bool,
    /// The first Client Subnet option.
    pub subnet: Option<ClientSubnet>,
    /// An edns-tcp-keepalive option was present.
    pub keepalive: bool,
    /// A Padding option was present.
    pub padding: bool,
}

impl Edns {
    /// Reads the OPT record's class, TTL and (already checked) RDATA.
    pub(crate) fn from_record(class: u16, ttl: u32, rdata: &[u8]) -> Self {
        let [ext_rcode, version, hi, lo] = ttl.to_be_bytes();
        let mut edns = Self {
            udp_size: class,
            version,
            ext_rcode,
            flags: u16::from_be_bytes([hi, lo]),
            nsid: false,
            cookie: None,
            expire: false,
            subnet: None,
            keepalive: false,
            padding: false,
        };
        let mut pos = 0;
        while let (Some(code), Some(len)) = (u16_at(rdata, pos), u16_at(rdata, pos + 2)) {
            let Some(data) = rdata.get(pos + 4..pos + 4 + usize::from(len)) else {
                break;
            };
            match code {
                OPT_NSID => edns.nsid = true,
                OPT_COOKIE if edns.cookie.is_none() => {
                    edns.cookie = ClientCookie::from_option(data);
                }
                OPT_EXPIRE => edns.expire = true,
                OPT_ECS if edns.subnet.is_none() => {
                    edns.subnet = ClientSubnet::from_option(data);
                }
                OPT_KEEPALIVE => edns.keepalive = true,
                OPT_PADDING => edns.padding = true,
                _ => {}
            }
            pos += 4 + data.len();
        }
        edns
    }

    /// Whether the DO bit is set.
    pub fn dnssec_ok(&self) -> bool {
        self.flags & FLAG_DO != 0
    }
}

//------------ EdnsConfig ----------------------------------------------------

/// The server's EDNS settings (named.conf options of the same names).
#[derive(Clone, Copy, Debug)]
pub struct EdnsConfig<'a> {
    /// `edns-udp-size`: the UDP payload size we advertise in our OPT records.
    pub udp_size: u16,
    /// `max-udp-size`: the largest UDP answer we send.
    pub max_udp_size: u16,
    /// `nocookie-udp-size`: the largest UDP answer to a client without a good cookie.
    pub nocookie_udp_size: u16,
    /// The NSID payload (`server-id`, already resolved; `None` for `server-id none`).
    pub server_id: Option<&'a [u8]>,
    /// `answer-cookie`: whether COOKIE options are answered.
    pub answer_cookie: bool,
    /// `tcp-advertised-timeout`, in units of 100 ms, sent in the keepalive option.
    pub keepalive_timeout: u16,
}

impl Default for EdnsConfig<'_> {
    /// BIND 9.18's defaults.
    fn default() -> Self {
        Self {
            udp_size: 1232,
            max_udp_size: 1232,
            nocookie_udp_size: 4096,
            server_id: None,
            answer_cookie: true,
            keepalive_timeout: 300,
        }
    }
}

impl EdnsConfig<'_> {
    /// The largest UDP answer for a query, as BIND 9.18 computes it: 512 without EDNS;
    /// with EDNS the client's size (at least 512) capped by `max-udp-size`, then by
    /// `nocookie-udp-size` unless the client sent a good server cookie, and by 4096.
    ///
    /// Live: a 1153-byte answer was truncated with max-udp-size 1100 and sent whole with
    /// 1300; a client size of 100 got the same answer as 512.
    pub fn udp_limit(&self, edns: Option<&Edns>, valid_cookie: bool) -> usize {
        let Some(edns) = edns else {
            return PLAIN_UDP_SIZE;
        };
        let mut size = usize::from(edns.udp_size).max(PLAIN_UDP_SIZE);
        if size > PLAIN_UDP_SIZE {
            size = size.min(usize::from(self.max_udp_size));
        }
        let mut limit = if valid_cookie {
            size
        } else {
            usize::from(self.nocookie_udp_size)
        };
        limit = limit.min(size).min(MAX_UDP_SEND);
        limit
    }
}

//------------ OptRecord -----------------------------------------------------

/// Where a fresh server cookie comes from: the secret, the client and the time.
#[derive(Clone, Copy, Debug)]
pub struct CookieSource<'s> {
    /// The current server secret.
    pub secret: &'s Secret,
    /// The client's address.
    pub client_ip: IpAddr,
    /// The time, in seconds since the epoch.
    pub now: u32,
}

/// The OPT record of a response.
///
/// Its size is reserved before any record is written, as BIND does, so it always fits.
/// Options are written in BIND's order: NSID, COOKIE, EXPIRE, ECS, keepalive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptRecord<'a> {
    /// The UDP payload size we advertise.
    pub udp_size: u16,
    /// Whether the DO bit is echoed.
    pub dnssec_ok: bool,
    /// The NSID payload.
    pub nsid: Option<&'a [u8]>,
    /// The COOKIE option data (client cookie and a fresh server cookie).
    pub cookie: Option<[u8; COOKIE_OPTION_LEN]>,
    /// The EXPIRE option's value, in seconds.
    pub expire: Option<u32>,
    /// The Client Subnet option echoed back with scope 0.
    pub subnet: Option<ClientSubnet>,
    /// The keepalive timeout, in units of 100 ms.
    pub keepalive: Option<u16>,
}

impl<'a> OptRecord<'a> {
    /// An OPT record with no options: BIND's answer to BADVERS (DO echoed) and to a bad
    /// option (DO not echoed, since BIND has not read the flags by then).
    pub fn plain(udp_size: u16, dnssec_ok: bool) -> Self {
        Self {
            udp_size,
            dnssec_ok,
            nsid: None,
            cookie: None,
            expire: None,
            subnet: None,
            keepalive: None,
        }
    }

    /// The OPT record answering `edns`, as BIND's `ns_client_addopt` builds it.
    ///
    /// Live: NSID only when the query asked and `server-id` is set; a fresh server cookie
    /// whenever the query had a COOKIE option; the Client Subnet option echoed with scope 0
    /// (BIND echoes it even without ECS configured); keepalive only over TCP and only when
    /// asked, with `tcp-advertised-timeout` (300) whatever the client sent. EXPIRE is added
    /// by the answer code for SOA queries ([`OptRecord::expire`]).
    pub fn answer(
        edns: &Edns,
        config: &EdnsConfig<'a>,
        tcp: bool,
        cookie: Option<&CookieSource<'_>>,
    ) -> Self {
        let mut opt = Self::plain(config.udp_size, edns.dnssec_ok());
        if edns.nsid {
            opt.nsid = config.server_id;
        }
        if config.answer_cookie {
            if let (Some(client), Some(source)) = (&edns.cookie, cookie) {
                opt.cookie = Some(cookie::response_option(
                    source.secret,
                    client,
                    source.client_ip,
                    source.now,
                ));
            }
        }
        opt.subnet = edns.subnet.map(|s| ClientSubnet {
            scope_prefix: 0,
            ..s
        });
        if tcp && edns.keepalive {
            opt.keepalive = Some(config.keepalive_timeout);
        }
        opt
    }

    /// The size of the record on the wire.
    pub fn wire_len(&self) -> usize {
        OPT_FIXED_LEN + self.rdata_len()
    }

    fn rdata_len(&self) -> usize {
        self.nsid.map_or(0, |n| 4 + n.len())
            + self.cookie.map_or(0, |c| 4 + c.len())
            + self.expire.map_or(0, |_| 8)
            + self.subnet.map_or(0, |s| 4 + s.option_len())
            + self.keepalive.map_or(0, |_| 6)
    }

    /// Writes the record with the upper eight bits of the rcode; `None` if it does not
    /// fit in `out`, or an option is too long for the format.
    pub fn write(&self, out: &mut [u8], ext_rcode: u8) -> Option<usize> {
        let rdata_len = u16::try_from(self.rdata_len()).ok()?;
        let total = self.wire_len();
        let out = out.get_mut(..total)?;
        out[0] = 0;
        out[1..3].copy_from_slice(&41u16.to_be_bytes());
        out[3..5].copy_from_slice(&self.udp_size.to_be_bytes());
        let flags = if self.dnssec_ok { FLAG_DO } else { 0 };
        let [hi, lo] = flags.to_be_bytes();
        out[5..9].copy_from_slice(&[ext_rcode, 0, hi, lo]);
        out[9..11].copy_from_slice(&rdata_len.to_be_bytes());
        let mut pos = OPT_FIXED_LEN;
        let mut put = |code: u16, parts: &[&[u8]]| -> Option<()> {
            let len: usize = parts.iter().map(|p| p.len()).sum();
            out[pos..pos + 2].copy_from_slice(&code.to_be_bytes());
            out[pos + 2..pos + 4].copy_from_slice(&u16::try_from(len).ok()?.to_be_bytes());
            pos += 4;
            for part in parts {
                out[pos..pos + part.len()].copy_from_slice(part);
                pos += part.len();
            }
            Some(())
        };
        if let Some(nsid) = self.nsid {
            put(OPT_NSID, &[nsid])?;
        }
        if let Some(cookie) = &self.cookie {
            put(OPT_COOKIE, &[cookie])?;
        }
        if let Some(expire) = self.expire {
            put(OPT_EXPIRE, &[&expire.to_be_bytes()])?;
        }
        if let Some(subnet) = &self.subnet {
            let head = subnet.family.to_be_bytes();
            let prefixes = [subnet.source_prefix, subnet.scope_prefix];
            put(OPT_ECS, &[&head, &prefixes, subnet.address()])?;
        }
        if let Some(timeout) = self.keepalive {
            put(OPT_KEEPALIVE, &[&timeout.to_be_bytes()])?;
        }
        Some(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opt(code: u16, data: &[u8]) -> Vec<u8> {
        let mut v = code.to_be_bytes().to_vec();
        v.extend((data.len() as u16).to_be_bytes());
        v.extend(data);
        v
    }

    #[test]
    fn rfc6891_section_6_1_2_option_lengths_like_bind() {
        assert_eq!(check_options(&[]), Ok(()));
        for len in [8, 16, 24, 40] {
            assert_eq!(
                check_options(&opt(OPT_COOKIE, &vec![1; len])),
                Ok(()),
                "{len}"
            );
        }
        for len in [0, 7, 9, 15, 41] {
            let r = check_options(&opt(OPT_COOKIE, &vec![1; len]));
            assert_eq!(r, Err(OptFault::BadOption), "{len}");
        }
        assert_eq!(check_options(&opt(OPT_EXPIRE, b"")), Ok(()));
        assert_eq!(check_options(&opt(OPT_EXPIRE, b"abcd")), Ok(()));
        assert_eq!(
            check_options(&opt(OPT_EXPIRE, b"ab")),
            Err(OptFault::BadOption)
        );
        assert_eq!(
            check_options(&opt(OPT_KEY_TAG, b"\0\x01\x02")),
            Err(OptFault::BadOption)
        );
        assert_eq!(
            check_options(&opt(OPT_KEY_TAG, b"")),
            Err(OptFault::BadOption)
        );
        assert_eq!(
            check_options(&opt(OPT_CLIENT_TAG, b"abc")),
            Err(OptFault::BadOption)
        );
        assert_eq!(
            check_options(&opt(OPT_LLQ, &[0; 5])),
            Err(OptFault::BadOption)
        );
        assert_eq!(check_options(&opt(OPT_LLQ, &[0; 18])), Ok(()));
        assert_eq!(check_options(&opt(OPT_KEEPALIVE, b"\0")), Ok(()));
        assert_eq!(check_options(&opt(65001, b"xyz")), Ok(()));
        assert_eq!(check_options(&opt(OPT_NSID, b"abc")), Ok(()));
    }

    #[test]
    fn truncated_options() {
        assert_eq!(check_options(b"\0\x0a\0"), Err(OptFault::Truncated));
        let mut short = opt(OPT_COOKIE, &[1; 8]);
        short.truncate(8);
        assert_eq!(check_options(&short), Err(OptFault::Truncated));
    }

    #[test]
    fn rfc8914_ede_text_checks() {
        assert_eq!(
            check_options(&opt(OPT_EDE, b"\0")),
            Err(OptFault::BadOption)
        );
        assert_eq!(check_options(&opt(OPT_EDE, b"\0\x01ok")), Ok(()));
        assert_eq!(
            check_options(&opt(OPT_EDE, b"\0\x01\xff")),
            Err(OptFault::BadOption)
        );
        let bom = opt(OPT_EDE, b"\0\x01\xef\xbb\xbfok");
        assert_eq!(check_options(&bom), Err(OptFault::BadOption));
        // Overlong forms are refused; surrogates pass, as in BIND.
        assert!(!bind_utf8_valid(b"\xc0\xaf"));
        assert!(bind_utf8_valid(b"\xed\xa0\x80"));
        assert!(bind_utf8_valid("grüße ✓ 😀".as_bytes()));
        assert!(!bind_utf8_valid(b"\xf4\x90\x80\x80"));
    }

    #[test]
    fn rfc7871_section_6_subnet_checks() {
        let ok = ClientSubnet::from_option(&[0, 1, 24, 0, 10, 0, 0]).expect("test data is valid");
        assert_eq!(
            (ok.family, ok.source_prefix, ok.address()),
            (1, 24, &[10, 0, 0][..])
        );
        assert!(ClientSubnet::from_option(&[0, 1, 33, 0, 0, 0, 0, 0, 0]).is_none());
        assert!(ClientSubnet::from_option(&[0, 1, 20, 0, 10, 0, 0xff]).is_none());
        assert!(ClientSubnet::from_option(&[0, 3, 0, 0]).is_none());
        assert!(ClientSubnet::from_option(&[0, 1, 0]).is_none());
        assert!(ClientSubnet::from_option(&[0, 0, 0, 0]).is_some());
        assert!(ClientSubnet::from_option(&[0, 0, 1, 0, 0]).is_none());
        // A scope in range passes this check; the query code refuses it afterwards.
        assert!(ClientSubnet::from_option(&[0, 1, 8, 8, 10]).is_some());
    }

    #[test]
    fn options_read_first_cookie_and_flags() {
        let mut rdata = opt(OPT_NSID, b"");
        rdata.extend(opt(OPT_COOKIE, &[7; 8]));
        rdata.extend(opt(OPT_COOKIE, &[9; 24]));
        rdata.extend(opt(OPT_KEEPALIVE, b""));
        rdata.extend(opt(OPT_EXPIRE, b""));
        let edns = Edns::from_record(4096, 0x0100_8000, &rdata);
        assert_eq!(
            (edns.version, edns.ext_rcode, edns.dnssec_ok()),
            (0, 1, true)
        );
        assert!(edns.nsid && edns.keepalive && edns.expire && !edns.padding);
        assert_eq!(edns.cookie.expect("test data is valid").client, [7; 8]);
        assert!(edns.cookie.expect("test data is valid").server().is_empty());
    }

    #[test]
    fn udp_limits_like_bind() {
        let cfg = EdnsConfig::default();
        let mut edns = Edns::from_record(4096, 0, &[]);
        assert_eq!(cfg.udp_limit(None, false), 512);
        assert_eq!(cfg.udp_limit(Some(&edns), false), 1232);
        edns.udp_size = 100;
        assert_eq!(cfg.udp_limit(Some(&edns), false), 512);
        edns.udp_size = 1000;
        assert_eq!(cfg.udp_limit(Some(&edns), false), 1000);
        let big = EdnsConfig {
            max_udp_size: 4096,
            nocookie_udp_size: 2000,
            ..cfg
        };
        edns.udp_size = 65535;
        assert_eq!(big.udp_limit(Some(&edns), false), 2000);
        assert_eq!(big.udp_limit(Some(&edns), true), 4096);
    }

    #[test]
    fn opt_record_bytes_in_bind_order() {
        // BIND 9.18.49 answered an SOA query over TCP carrying keepalive, EXPIRE, COOKIE,
        // NSID and ECS options, with server-id "ns-test-1", with this OPT record.
        let bind = "00002904d0000000000042000300096e732d746573742d31000a00180000000000000000\
                    010000006b027810e77e929cd07f46bc0009000400093a8000080007000118000a0000\
                    000b0002012c";
        let bind: Vec<u8> = (0..bind.len() / 2)
            .map(|i| u8::from_str_radix(&bind[2 * i..2 * i + 2], 16).expect("test data is valid"))
            .collect();
        let mut cookie = [0u8; 24];
        cookie.copy_from_slice(&bind[28..52]);
        let opt = OptRecord {
            udp_size: 1232,
            dnssec_ok: false,
            nsid: Some(b"ns-test-1"),
            cookie: Some(cookie),
            expire: Some(604800),
            subnet: ClientSubnet::from_option(&[0, 1, 24, 0, 10, 0, 0]),
            keepalive: Some(300),
        };
        let mut out = [0u8; 200];
        let n = opt.write(&mut out, 0).expect("test data is valid");
        assert_eq!(&out[..n], &bind[..]);
        assert_eq!(n, opt.wire_len());
        assert_eq!(opt.write(&mut out[..n - 1], 0), None);
    }

    #[test]
    fn answer_opt_follows_the_query() {
        let mut rdata = opt(OPT_NSID, b"");
        rdata.extend(opt(OPT_KEEPALIVE, b""));
        rdata.extend(opt(OPT_ECS, &[0, 1, 24, 5, 10, 0, 0]));
        let edns = Edns::from_record(4096, 0x8000, &rdata);
        let cfg = EdnsConfig {
            server_id: Some(b"id"),
            ..EdnsConfig::default()
        };
        let udp = OptRecord::answer(&edns, &cfg, false, None);
        assert_eq!(
            (udp.nsid, udp.keepalive, udp.dnssec_ok),
            (Some(&b"id"[..]), None, true)
        );
        assert_eq!(udp.subnet.expect("test data is valid").scope_prefix, 0);
        let tcp = OptRecord::answer(&edns, &cfg, true, None);
        assert_eq!(tcp.keepalive, Some(300));
        let none = OptRecord::answer(&edns, &EdnsConfig::default(), true, None);
        assert_eq!(none.nsid, None);
    }
}
