//! DNS COOKIE, server side (RFC 7873, with the interoperable server cookie of RFC 9018).
//!
//! A server cookie is 16 bytes: version 1, three reserved bytes, a 32-bit timestamp in
//! seconds and the first 8 bytes of SipHash-2-4, keyed with the server secret, over
//! client cookie | version | reserved | timestamp | client address (RFC 9018 §4.2). This is
//! BIND 9.18's `cookie-algorithm siphash24`, its default.
//!
//! BIND 9.18.49 was seen to return a freshly made server cookie on every answer to a query
//! carrying a COOKIE option, whether the server cookie it got was good, stale, forged or
//! missing, and to answer the query normally in every case (`require-server-cookie` is off
//! by default). What a good server cookie changes is the UDP size limit
//! (`nocookie-udp-size`, see [`super::edns::EdnsConfig::udp_limit`]).

use std::net::IpAddr;

use siphasher::sip::SipHasher24;

use super::edns::ClientCookie;

/// The length of a server cookie we make.
pub const SERVER_COOKIE_LEN: usize = 16;

/// The length of the COOKIE option we send: client cookie and server cookie.
pub const COOKIE_OPTION_LEN: usize = 8 + SERVER_COOKIE_LEN;

/// The server cookie version of RFC 9018 §4.2.
const VERSION: u8 = 1;

/// How far in the past a timestamp may be and still be accepted (RFC 9018 §4.3).
const MAX_AGE: u32 = 3600;

/// How far in the future a timestamp may be, for servers sharing a secret (RFC 9018 §4.3).
const MAX_SKEW: u32 = 300;

/// A server secret (BIND's `cookie-secret`, 128 bits for SipHash-2-4).
pub type Secret = [u8; 16];

/// What the COOKIE option of a query says about the client (named after BIND's counters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookieCheck {
    /// Only a client cookie: the client has no server cookie from us yet.
    ClientOnly,
    /// A server cookie of a length we never hand out.
    BadSize,
    /// A server cookie of ours, made within the accepted window.
    Valid,
    /// A server cookie whose timestamp is more than an hour old or five minutes ahead.
    Expired,
    /// A server cookie that none of our secrets made.
    NoMatch,
}

impl CookieCheck {
    /// Whether the client proved it has talked to us before.
    pub fn is_valid(self) -> bool {
        self == Self::Valid
    }
}

/// Makes the server cookie for `client` at address `ip` and time `now` (seconds).
pub fn server_cookie(secret: &Secret, client: &[u8; 8], ip: IpAddr, now: u32) -> [u8; 16] {
    let mut cookie = [0u8; SERVER_COOKIE_LEN];
    cookie[0] = VERSION;
    cookie[4..8].copy_from_slice(&now.to_be_bytes());
    let head: [u8; 8] = [VERSION, 0, 0, 0, cookie[4], cookie[5], cookie[6], cookie[7]];
    cookie[8..].copy_from_slice(&mac(secret, client, &head, ip));
    cookie
}

/// The COOKIE option data to send back: the client's cookie and a fresh server cookie.
pub fn response_option(
    secret: &Secret,
    client: &ClientCookie,
    ip: IpAddr,
    now: u32,
) -> [u8; COOKIE_OPTION_LEN] {
    let mut out = [0u8; COOKIE_OPTION_LEN];
    out[..8].copy_from_slice(&client.client);
    out[8..].copy_from_slice(&server_cookie(secret, &client.client, ip, now));
    out
}

/// Checks the server cookie a client sent back, against the current secret and any older
/// ones still accepted (`secrets`, current first).
///
/// RFC 9018 §4.3 hashes the version, reserved and timestamp bytes as received; BIND 9.18
/// recomputes with the reserved bytes zero and so rejects the cookie of the RFC's
/// Appendix A.3. We follow the RFC: only the version must be 1.
pub fn check(cookie: &ClientCookie, ip: IpAddr, now: u32, secrets: &[Secret]) -> CookieCheck {
    let server = cookie.server();
    if server.is_empty() {
        return CookieCheck::ClientOnly;
    }
    let Ok(server) = <&[u8; SERVER_COOKIE_LEN]>::try_from(server) else {
        return CookieCheck::BadSize;
    };
    if server[0] != VERSION {
        return CookieCheck::NoMatch;
    }
    let when = u32::from_be_bytes([server[4], server[5], server[6], server[7]]);
    // Serial-number comparison (RFC 1982), as BIND does, so the window survives 2106.
    if serial_gt(when, now.wrapping_add(MAX_SKEW)) || serial_lt(when, now.wrapping_sub(MAX_AGE)) {
        return CookieCheck::Expired;
    }
    let head: [u8; 8] = [
        server[0], server[1], server[2], server[3], server[4], server[5], server[6], server[7],
    ];
    for secret in secrets {
        let expect = mac(secret, &cookie.client, &head, ip);
        if constant_time_eq(&expect, &server[8..]) {
            return CookieCheck::Valid;
        }
    }
    CookieCheck::NoMatch
}

/// SipHash-2-4 over client cookie | version, reserved, timestamp | address.
fn mac(secret: &Secret, client: &[u8; 8], head: &[u8; 8], ip: IpAddr) -> [u8; 8] {
    let mut input = [0u8; 32];
    input[..8].copy_from_slice(client);
    input[8..16].copy_from_slice(head);
    let len = match ip {
        IpAddr::V4(v4) => {
            input[16..20].copy_from_slice(&v4.octets());
            20
        }
        IpAddr::V6(v6) => {
            input[16..32].copy_from_slice(&v6.octets());
            32
        }
    };
    // SipHash's output is the 64-bit state written little-endian (the reference code's
    // U64TO8_LE), which is what BIND and RFC 9018's examples use.
    SipHasher24::new_with_key(secret)
        .hash(&input[..len])
        .to_le_bytes()
}

fn serial_gt(a: u32, b: u32) -> bool {
    a != b && a.wrapping_sub(b) < 0x8000_0000
}

fn serial_lt(a: u32, b: u32) -> bool {
    a != b && b.wrapping_sub(a) < 0x8000_0000
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex<const N: usize>(s: &str) -> [u8; N] {
        let mut out = [0u8; N];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("test data is valid");
        }
        out
    }

    fn cookie(s: &str) -> ClientCookie {
        let bytes: Vec<u8> = (0..s.len() / 2)
            .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("test data is valid"))
            .collect();
        ClientCookie::from_option(&bytes).expect("test data is valid")
    }

    const SECRET: &str = "e5e973e5a6b2a43f48e7dc849e37bfcf";

    #[test]
    fn rfc9018_appendix_a1_learning_a_new_server_cookie() {
        let ip: IpAddr = "198.51.100.100".parse().expect("test data is valid");
        let query = cookie("2464c4abcf10c957");
        assert_eq!(
            check(&query, ip, 1559731985, &[hex(SECRET)]),
            CookieCheck::ClientOnly
        );
        let out = response_option(&hex(SECRET), &query, ip, 1559731985);
        assert_eq!(
            out,
            hex::<24>("2464c4abcf10c957010000005cf79f111f8130c3eee29480")
        );
    }

    #[test]
    fn rfc9018_appendix_a2_the_same_client_renewing() {
        let ip: IpAddr = "198.51.100.100".parse().expect("test data is valid");
        let query = cookie("2464c4abcf10c957010000005cf79f111f8130c3eee29480");
        assert_eq!(
            check(&query, ip, 1559734385, &[hex(SECRET)]),
            CookieCheck::Valid
        );
        let out = response_option(&hex(SECRET), &query, ip, 1559734385);
        assert_eq!(
            out,
            hex::<24>("2464c4abcf10c957010000005cf7a871d4a564a1442aca77")
        );
    }

    #[test]
    fn rfc9018_appendix_a3_another_client_with_reserved_bytes_set() {
        let ip: IpAddr = "203.0.113.203".parse().expect("test data is valid");
        let query = cookie("fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5");
        // Made at 1559727985: good then, and hashed over the reserved bytes as sent.
        assert_eq!(
            check(&query, ip, 1559727985, &[hex(SECRET)]),
            CookieCheck::Valid
        );
        // The appendix replies 1h52m later, past the hour of §4.3.
        assert_eq!(
            check(&query, ip, 1559734700, &[hex(SECRET)]),
            CookieCheck::Expired
        );
        let out = response_option(&hex(SECRET), &query, ip, 1559734700);
        assert_eq!(
            out,
            hex::<24>("fc93fc62807ddb86010000005cf7a9acf73a7810aca2381e")
        );
    }

    #[test]
    fn rfc9018_appendix_a4_ipv6_with_a_rolled_secret() {
        let ip: IpAddr = "2001:db8:220:1:59de:d0f4:8769:82b8"
            .parse()
            .expect("test data is valid");
        let old = hex("dd3bdf9344b678b185a6f5cb60fca715");
        let new = hex("445536bcd2513298075a5d379663c962");
        let query = cookie("22681ab97d52c298010000005cf7c57926556bd0934c72f8");
        assert_eq!(check(&query, ip, 1559741961, &[new]), CookieCheck::NoMatch);
        assert_eq!(
            check(&query, ip, 1559741961, &[new, old]),
            CookieCheck::Valid
        );
        let out = response_option(&new, &query, ip, 1559741961);
        assert_eq!(
            out,
            hex::<24>("22681ab97d52c298010000005cf7c609a6bb79d16625507a")
        );
    }

    #[test]
    fn matches_bind_9_18_live() {
        // BIND 9.18.49 with cookie-secret 000102…0f answered a query from 127.0.0.1
        // carrying client cookie 2464c4abcf10c957 with this COOKIE option.
        let secret: Secret = hex("000102030405060708090a0b0c0d0e0f");
        let query = cookie("2464c4abcf10c957");
        let out = response_option(
            &secret,
            &query,
            "127.0.0.1".parse().expect("test data is valid"),
            0x6b0277dc,
        );
        assert_eq!(
            out,
            hex::<24>("2464c4abcf10c957010000006b0277dc44d1d4bbafe84b8a")
        );
    }

    #[test]
    fn rfc9018_section_4_3_time_window_and_tampering() {
        let ip: IpAddr = "192.0.2.1".parse().expect("test data is valid");
        let secret: Secret = hex(SECRET);
        let client = [1, 2, 3, 4, 5, 6, 7, 8];
        let made = 1_000_000u32;
        let mut bytes = client.to_vec();
        bytes.extend(server_cookie(&secret, &client, ip, made));
        let good = ClientCookie::from_option(&bytes).expect("test data is valid");
        assert_eq!(
            check(&good, ip, made + MAX_AGE, &[secret]),
            CookieCheck::Valid
        );
        assert_eq!(
            check(&good, ip, made + MAX_AGE + 1, &[secret]),
            CookieCheck::Expired
        );
        assert_eq!(
            check(&good, ip, made - MAX_SKEW, &[secret]),
            CookieCheck::Valid
        );
        assert_eq!(
            check(&good, ip, made - MAX_SKEW - 1, &[secret]),
            CookieCheck::Expired
        );
        let other: IpAddr = "192.0.2.2".parse().expect("test data is valid");
        assert_eq!(check(&good, other, made, &[secret]), CookieCheck::NoMatch);
        let mut tampered = bytes.clone();
        tampered[23] ^= 1;
        let tampered = ClientCookie::from_option(&tampered).expect("test data is valid");
        assert_eq!(check(&tampered, ip, made, &[secret]), CookieCheck::NoMatch);
        let mut v2 = bytes.clone();
        v2[8] = 2;
        let v2 = ClientCookie::from_option(&v2).expect("test data is valid");
        assert_eq!(check(&v2, ip, made, &[secret]), CookieCheck::NoMatch);
        let odd = ClientCookie::from_option(&bytes[..20]).expect("test data is valid");
        assert_eq!(check(&odd, ip, made, &[secret]), CookieCheck::BadSize);
    }

    #[test]
    fn window_wraps_like_serial_numbers() {
        let ip: IpAddr = "192.0.2.1".parse().expect("test data is valid");
        let secret: Secret = hex(SECRET);
        let client = [9; 8];
        let made = u32::MAX - 10;
        let mut bytes = client.to_vec();
        bytes.extend(server_cookie(&secret, &client, ip, made));
        let c = ClientCookie::from_option(&bytes).expect("test data is valid");
        assert_eq!(check(&c, ip, 100, &[secret]), CookieCheck::Valid);
    }
}
