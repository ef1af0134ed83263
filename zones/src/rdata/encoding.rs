//! Base64, base32hex and hex, decoded with the strictness BIND applies to master files and
//! encoded in the chunks BIND prints.
//!
//! BIND reads base64 and hex that may be split over several tokens and prints them in
//! words of 56 characters when the whole record is on one line.

/// How many characters BIND puts in one word of split base64 or hex output.
pub(crate) const CHUNK: usize = 56;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32HEX: &[u8; 32] = b"0123456789ABCDEFGHIJKLMNOPQRSTUV";
const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Invalid encoded data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadEncoding;

/// Base64 in RFC 4648 form with padding.
pub(crate) fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(B64[((n >> (18 - 6 * i)) & 0x3f) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Upper-case hex.
pub(crate) fn hex_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() * 2);
    for &b in data {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

/// Base32hex (RFC 4648 §7) in upper case without padding, as NSEC3 prints hashes.
pub(crate) fn base32hex_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = buf.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..chars {
            out.push(char::from(B32HEX[((n >> (35 - 5 * i)) & 0x1f) as usize]));
        }
    }
    out
}

/// Splits encoded text into the words BIND prints.
pub(crate) fn chunks(text: &str) -> impl Iterator<Item = &str> {
    // The encodings are ASCII, so byte offsets are character boundaries.
    let bytes = text.len();
    (0..bytes)
        .step_by(CHUNK)
        .map(move |start| &text[start..(start + CHUNK).min(bytes)])
}

/// A base64 decoder fed one token at a time (BIND's rules: padding required, no bits set
/// past the data, nothing after the padding).
#[derive(Default)]
pub(crate) struct Base64Decoder {
    vals: [u8; 4],
    digits: usize,
    seen_end: bool,
}

impl Base64Decoder {
    /// Decodes the characters of one token onto `out`.
    pub(crate) fn feed(&mut self, text: &str, out: &mut Vec<u8>) -> Result<(), BadEncoding> {
        for c in text.bytes() {
            if self.seen_end {
                return Err(BadEncoding);
            }
            let v = match c {
                b'=' => 64,
                _ => B64.iter().position(|&x| x == c).ok_or(BadEncoding)? as u8,
            };
            self.vals[self.digits] = v;
            self.digits += 1;
            if self.digits == 4 {
                self.group(out)?;
            }
        }
        Ok(())
    }

    fn group(&mut self, out: &mut Vec<u8>) -> Result<(), BadEncoding> {
        let [a, b, c, d] = self.vals;
        if a == 64 || b == 64 || (c == 64 && d != 64) {
            return Err(BadEncoding);
        }
        if (c == 64 && b & 0xf != 0) || (d == 64 && c & 0x3 != 0) {
            return Err(BadEncoding);
        }
        let n = if c == 64 {
            1
        } else if d == 64 {
            2
        } else {
            3
        };
        self.seen_end = n != 3;
        let c = if c == 64 { 0 } else { c };
        let d = if d == 64 { 0 } else { d };
        let bytes = [(a << 2) | (b >> 4), (b << 4) | (c >> 2), (c << 6) | d];
        out.extend_from_slice(&bytes[..n]);
        self.digits = 0;
        Ok(())
    }

    /// Whether the padding that ends the data has been read.
    pub(crate) fn ended(&self) -> bool {
        self.seen_end
    }

    /// Checks that no partial group is left.
    pub(crate) fn finish(&self) -> Result<(), BadEncoding> {
        if self.digits == 0 {
            Ok(())
        } else {
            Err(BadEncoding)
        }
    }
}

/// Decodes one string of base64 (a single token).
pub(crate) fn base64_decode_into(text: &str, out: &mut Vec<u8>) -> Result<(), BadEncoding> {
    let mut dec = Base64Decoder::default();
    dec.feed(text, out)?;
    dec.finish()
}

/// A hex decoder fed one token at a time; case-insensitive.
#[derive(Default)]
pub(crate) struct HexDecoder {
    high: Option<u8>,
}

impl HexDecoder {
    /// Decodes one token onto `out`; with `limit`, decoding more than `limit` bytes in total
    /// (counted from `base`) is an error.
    pub(crate) fn feed(
        &mut self,
        text: &str,
        out: &mut Vec<u8>,
        base: usize,
        limit: Option<usize>,
    ) -> Result<(), BadEncoding> {
        for c in text.bytes() {
            let v = hex_value(c).ok_or(BadEncoding)?;
            match self.high.take() {
                None => self.high = Some(v),
                Some(h) => {
                    if limit.is_some_and(|l| out.len() - base >= l) {
                        return Err(BadEncoding);
                    }
                    out.push((h << 4) | v);
                }
            }
        }
        Ok(())
    }

    /// Checks that no half byte is left.
    pub(crate) fn finish(&self) -> Result<(), BadEncoding> {
        if self.high.is_none() {
            Ok(())
        } else {
            Err(BadEncoding)
        }
    }
}

/// The value of a hex digit.
pub(crate) fn hex_value(c: u8) -> Option<u8> {
    /// The value of each hex digit, 0xff for other bytes: one load per character.
    const VALUES: [u8; 256] = {
        let mut table = [0xff; 256];
        let mut c = 0;
        while c < 256 {
            let b = c as u8;
            table[c] = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => 0xff,
            };
            c += 1;
        }
        table
    };
    match VALUES[usize::from(c)] {
        0xff => None,
        v => Some(v),
    }
}

/// Decodes one string of hex (a single token).
pub(crate) fn hex_decode_into(text: &str, out: &mut Vec<u8>) -> Result<(), BadEncoding> {
    let mut dec = HexDecoder::default();
    dec.feed(text, out, 0, None)?;
    dec.finish()
}

/// Decodes base32hex without padding (NSEC3 hashes); case-insensitive.
pub(crate) fn base32hex_decode_into(text: &str, out: &mut Vec<u8>) -> Result<(), BadEncoding> {
    let mut vals = [0u8; 8];
    let mut digits = 0;
    for c in text.bytes() {
        let v = B32HEX
            .iter()
            .position(|&x| x == c.to_ascii_uppercase())
            .ok_or(BadEncoding)? as u8;
        vals[digits] = v;
        digits += 1;
        if digits == 8 {
            push_base32_group(&vals, 5, out);
            digits = 0;
        }
    }
    // A final partial group must end where a byte ends and carry no stray bits.
    let (bytes, last, mask) = match digits {
        0 => return Ok(()),
        2 => (1, 1, 0x03),
        4 => (2, 3, 0x0f),
        5 => (3, 4, 0x01),
        7 => (4, 6, 0x07),
        _ => return Err(BadEncoding),
    };
    if vals[last] & mask != 0 {
        return Err(BadEncoding);
    }
    vals[digits..].fill(0);
    push_base32_group(&vals, bytes, out);
    Ok(())
}

fn push_base32_group(vals: &[u8; 8], bytes: usize, out: &mut Vec<u8>) {
    let n = vals.iter().fold(0u64, |acc, &v| (acc << 5) | u64::from(v));
    for i in 0..bytes {
        out.push((n >> (32 - 8 * i)) as u8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> Result<Vec<u8>, BadEncoding> {
        let mut out = Vec::new();
        base64_decode_into(text, &mut out).map(|()| out)
    }

    #[test]
    fn base64_round_trip_and_strictness() {
        for data in [
            &b""[..],
            b"a",
            b"ab",
            b"abc",
            b"abcd",
            &[0xff, 0x00, 0x7f, 0x80],
        ] {
            assert_eq!(b64(&base64_encode(data)).expect("valid"), data);
        }
        assert_eq!(base64_encode(b"ab"), "YWI=");
        assert!(b64("YWI").is_err(), "padding is required");
        assert!(b64("YWJ=").is_err(), "stray bits after the data");
        assert!(b64("YW==YQ==").is_err(), "data after the padding");
        assert!(b64("Y===").is_err());
        assert!(b64("YW=I").is_err());
        assert!(b64("YW!=").is_err());
    }

    #[test]
    fn base64_across_tokens() {
        let mut dec = Base64Decoder::default();
        let mut out = Vec::new();
        dec.feed("YW", &mut out).expect("ok");
        dec.feed("Jj", &mut out).expect("ok");
        dec.finish().expect("complete");
        assert_eq!(out, b"abc");
        assert!(!dec.ended());
    }

    #[test]
    fn hex_rules() {
        let mut out = Vec::new();
        hex_decode_into("0aFf", &mut out).expect("valid");
        assert_eq!(out, [0x0a, 0xff]);
        assert!(hex_decode_into("abc", &mut out).is_err());
        assert!(hex_decode_into("zz", &mut out).is_err());
        assert_eq!(hex_encode(&[0xab, 0x01]), "AB01");
        let mut dec = HexDecoder::default();
        let mut out = Vec::new();
        assert!(dec.feed("0102", &mut out, 0, Some(1)).is_err());
    }

    #[test]
    fn base32hex_rules() {
        // RFC 4648 §10 test vectors, without padding.
        for (data, text) in [
            (&b"f"[..], "CO"),
            (b"fo", "CPNG"),
            (b"foo", "CPNMU"),
            (b"foob", "CPNMUOG"),
            (b"fooba", "CPNMUOJ1"),
            (b"foobar", "CPNMUOJ1E8"),
        ] {
            assert_eq!(base32hex_encode(data), text);
            let mut out = Vec::new();
            base32hex_decode_into(&text.to_lowercase(), &mut out).expect("valid");
            assert_eq!(out, data);
        }
        let mut out = Vec::new();
        assert!(base32hex_decode_into("CPN", &mut out).is_err());
        assert!(base32hex_decode_into("CP", &mut out).is_err(), "stray bits");
        assert!(base32hex_decode_into("CO======", &mut out).is_err());
        assert!(base32hex_decode_into("W0", &mut out).is_err());
    }

    #[test]
    fn chunking() {
        let text = "A".repeat(120);
        let words: Vec<&str> = chunks(&text).collect();
        assert_eq!(
            words.iter().map(|w| w.len()).collect::<Vec<_>>(),
            [56, 56, 8]
        );
        assert_eq!(chunks("").count(), 0);
    }
}
