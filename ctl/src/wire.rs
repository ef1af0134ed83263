//! The control channel's serialisation (BIND's "ISCCC" format): frames, tables, lists and
//! binary values.
//!
//! A frame is a 4-byte big-endian length, then a 4-byte version (always 1), then the body of
//! the top-level table. A table body is entries back to back, each a 1-byte key length, the
//! key, and a value; a value is a 1-byte tag, a 4-byte payload length and the payload. The
//! decoder never trusts a length: every one is checked against the bytes that remain, and
//! nesting is limited to [`MAX_DEPTH`] as BIND limits it.

use thiserror::Error;

/// The only protocol version BIND 9.18 speaks.
pub const VERSION: u32 = 1;

/// The deepest nesting the decoder accepts (BIND's `ISCCC_MAXDEPTH`).
pub const MAX_DEPTH: usize = 10;

/// The longest request a server accepts (the length field's value), as named does.
pub const SERVER_MAX_LENGTH: usize = 32 * 1024;

/// The longest response a client accepts (the length field's value), as rndc does.
pub const CLIENT_MAX_LENGTH: usize = 1024 * 1024;

const TAG_BINARY: u8 = 0x01;
const TAG_TABLE: u8 = 0x02;
const TAG_LIST: u8 = 0x03;

//------------ WireError -------------------------------------------------------

/// Why bytes are not a control-channel message, or a message cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum WireError {
    /// The length field is zero, or the bytes end inside a field.
    #[error("unexpected end of input")]
    UnexpectedEnd,
    /// The length field is larger than the receiver accepts.
    #[error("out of range")]
    OutOfRange,
    /// The version field is not 1.
    #[error("unknown version")]
    UnknownVersion,
    /// A value carries a tag the format does not define.
    #[error("syntax error")]
    BadTag,
    /// Tables or lists are nested deeper than [`MAX_DEPTH`].
    #[error("max depth")]
    MaxDepth,
    /// A key to encode is longer than 255 bytes.
    #[error("table key longer than 255 bytes")]
    KeyTooLong,
    /// A value to encode is longer than a 32-bit length can say.
    #[error("value too large to encode")]
    TooLarge,
}

//------------ Value and Table -------------------------------------------------

/// One value of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Raw bytes: every string and number of a message is one.
    Binary(Vec<u8>),
    /// A table of keyed values.
    Table(Table),
    /// Values without keys.
    List(Vec<Value>),
}

impl Value {
    /// A binary value holding `text`.
    pub fn text(text: &str) -> Self {
        Self::Binary(text.as_bytes().to_vec())
    }

    /// A binary value holding `n` in decimal, as BIND writes numbers.
    pub fn number(n: u64) -> Self {
        Self::Binary(n.to_string().into_bytes())
    }

    /// The bytes of a binary value.
    pub fn as_binary(&self) -> Option<&[u8]> {
        match self {
            Self::Binary(b) => Some(b),
            _ => None,
        }
    }

    /// The table of a table value.
    pub fn as_table(&self) -> Option<&Table> {
        match self {
            Self::Table(t) => Some(t),
            _ => None,
        }
    }
}

/// A table: keyed values in insertion order, looked up by exact key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    entries: Vec<(Vec<u8>, Value)>,
}

impl Table {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key`; a key already present keeps its position and takes the new value, as
    /// BIND's decoder does with a repeated key.
    pub fn insert(&mut self, key: impl AsRef<[u8]>, value: Value) {
        let key = key.as_ref();
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key.to_vec(), value)),
        }
    }

    /// Builder form of [`insert`](Self::insert).
    pub fn with(mut self, key: impl AsRef<[u8]>, value: Value) -> Self {
        self.insert(key, value);
        self
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|(k, _)| k == key.as_bytes())
            .map(|(_, v)| v)
    }

    /// The bytes of `key` when it is a binary value.
    pub fn binary(&self, key: &str) -> Option<&[u8]> {
        self.get(key).and_then(Value::as_binary)
    }

    /// The table of `key` when it is a table value.
    pub fn table(&self, key: &str) -> Option<&Table> {
        self.get(key).and_then(Value::as_table)
    }

    /// The entries in order.
    pub fn entries(&self) -> impl Iterator<Item = (&[u8], &Value)> {
        self.entries.iter().map(|(k, v)| (k.as_slice(), v))
    }

    /// The first entry's key.
    pub fn first_key(&self) -> Option<&[u8]> {
        self.entries.first().map(|(k, _)| k.as_slice())
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Appends the table's body (its entries) to `out`.
    pub fn encode_body(&self, out: &mut Vec<u8>) -> Result<(), WireError> {
        for (key, value) in &self.entries {
            encode_entry(key, value, out)?;
        }
        Ok(())
    }
}

//------------ Encoding --------------------------------------------------------

/// Appends one table entry (key length, key, value) to `out`.
pub fn encode_entry(key: &[u8], value: &Value, out: &mut Vec<u8>) -> Result<(), WireError> {
    let klen = u8::try_from(key.len()).map_err(|_| WireError::KeyTooLong)?;
    out.push(klen);
    out.extend_from_slice(key);
    encode_value(value, out)
}

/// Appends one value (tag, length, payload) to `out`.
pub fn encode_value(value: &Value, out: &mut Vec<u8>) -> Result<(), WireError> {
    let start = out.len();
    match value {
        Value::Binary(bytes) => {
            out.push(TAG_BINARY);
            out.extend_from_slice(&length(bytes.len())?.to_be_bytes());
            out.extend_from_slice(bytes);
            return Ok(());
        }
        Value::Table(table) => {
            out.push(TAG_TABLE);
            out.extend_from_slice(&[0; 4]);
            table.encode_body(out)?;
        }
        Value::List(values) => {
            out.push(TAG_LIST);
            out.extend_from_slice(&[0; 4]);
            for v in values {
                encode_value(v, out)?;
            }
        }
    }
    let n = length(out.len() - start - 5)?;
    out[start + 1..start + 5].copy_from_slice(&n.to_be_bytes());
    Ok(())
}

fn length(n: usize) -> Result<u32, WireError> {
    u32::try_from(n).map_err(|_| WireError::TooLarge)
}

/// A whole frame: the length prefix, the version, then `body` (a table body).
pub fn frame(body: &[u8]) -> Result<Vec<u8>, WireError> {
    let n = length(body.len() + 4)?;
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(&VERSION.to_be_bytes());
    out.extend_from_slice(body);
    Ok(out)
}

//------------ Decoding --------------------------------------------------------

/// The length a frame's 4-byte prefix announces, checked against `max`.
pub fn frame_length(prefix: [u8; 4], max: usize) -> Result<usize, WireError> {
    let n = usize::try_from(u32::from_be_bytes(prefix)).map_err(|_| WireError::OutOfRange)?;
    if n == 0 {
        return Err(WireError::UnexpectedEnd);
    }
    if n > max {
        return Err(WireError::OutOfRange);
    }
    Ok(n)
}

/// A decoded message and the bytes its signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The top-level table.
    pub table: Table,
    /// The body after the first entry: what `_auth` (always first) signs.
    pub signed: &'a [u8],
}

/// Decodes a message: the bytes after the length prefix (version, then the body).
pub fn decode_message(message: &[u8]) -> Result<Decoded<'_>, WireError> {
    let (version, body) = split(message, 4)?;
    if u32::from_be_bytes([version[0], version[1], version[2], version[3]]) != VERSION {
        return Err(WireError::UnknownVersion);
    }
    let mut first_end = None;
    let table = decode_table_body(body, 0, &mut |end| {
        first_end.get_or_insert(end);
    })?;
    let signed = body.get(first_end.unwrap_or(body.len())..).unwrap_or(&[]);
    Ok(Decoded { table, signed })
}

/// Decodes a table body (entries back to back), at top level.
pub fn decode_body(body: &[u8]) -> Result<Table, WireError> {
    decode_table_body(body, 0, &mut |_| {})
}

fn split(bytes: &[u8], n: usize) -> Result<(&[u8], &[u8]), WireError> {
    if bytes.len() < n {
        return Err(WireError::UnexpectedEnd);
    }
    Ok(bytes.split_at(n))
}

/// Decodes entries; `entry_end` hears the offset just past each entry.
fn decode_table_body(
    mut rest: &[u8],
    depth: usize,
    entry_end: &mut dyn FnMut(usize),
) -> Result<Table, WireError> {
    if depth > MAX_DEPTH {
        return Err(WireError::MaxDepth);
    }
    let total = rest.len();
    let mut table = Table::new();
    while !rest.is_empty() {
        let (klen, after) = split(rest, 1)?;
        let (key, after) = split(after, usize::from(klen[0]))?;
        let (value, after) = decode_value(after, depth + 1)?;
        table.insert(key, value);
        rest = after;
        entry_end(total - rest.len());
    }
    Ok(table)
}

fn decode_value(bytes: &[u8], depth: usize) -> Result<(Value, &[u8]), WireError> {
    let (head, rest) = split(bytes, 5)?;
    let n = u32::from_be_bytes([head[1], head[2], head[3], head[4]]);
    let n = usize::try_from(n).map_err(|_| WireError::UnexpectedEnd)?;
    let (payload, rest) = split(rest, n)?;
    let value = match head[0] {
        TAG_BINARY => Value::Binary(payload.to_vec()),
        TAG_TABLE => Value::Table(decode_table_body(payload, depth, &mut |_| {})?),
        TAG_LIST => Value::List(decode_list_body(payload, depth)?),
        _ => return Err(WireError::BadTag),
    };
    Ok((value, rest))
}

fn decode_list_body(mut rest: &[u8], depth: usize) -> Result<Vec<Value>, WireError> {
    if depth > MAX_DEPTH {
        return Err(WireError::MaxDepth);
    }
    let mut values = Vec::new();
    while !rest.is_empty() {
        let (value, after) = decode_value(rest, depth + 1)?;
        values.push(value);
        rest = after;
    }
    Ok(values)
}

//------------ FrameReader -----------------------------------------------------

/// Cuts a byte stream into messages: push what the socket gave, take whole messages out.
///
/// Back-to-back frames in one read are all kept (BIND drops the extra ones; a tolerant
/// receiver loses nothing). A length prefix over the limit is an error as soon as it is seen,
/// so the buffer never holds more than one frame and one read.
#[derive(Debug)]
pub struct FrameReader {
    buf: Vec<u8>,
    max: usize,
}

impl FrameReader {
    /// A reader accepting messages up to `max` bytes (the length field's value).
    pub fn new(max: usize) -> Self {
        Self {
            buf: Vec::new(),
            max,
        }
    }

    /// Adds bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next whole message (the bytes after its length prefix), if one has arrived.
    pub fn next_message(&mut self) -> Result<Option<Vec<u8>>, WireError> {
        let Some(prefix) = self.buf.get(..4) else {
            return Ok(None);
        };
        let n = frame_length([prefix[0], prefix[1], prefix[2], prefix[3]], self.max)?;
        if self.buf.len() < 4 + n {
            return Ok(None);
        }
        let message = self.buf[4..4 + n].to_vec();
        self.buf.drain(..4 + n);
        Ok(Some(message))
    }

    /// Whether bytes of an unfinished frame are waiting.
    pub fn is_partial(&self) -> bool {
        !self.buf.is_empty()
    }
}

//------------ Numbers ---------------------------------------------------------

/// Reads a decimal number as BIND does (`strtoul`, then a cast to 32 bits): leading
/// whitespace and a sign are allowed, reading stops at the first non-digit, no digits
/// give 0, overflow saturates before the cast.
pub fn lenient_u32(bytes: &[u8]) -> u32 {
    let mut rest = bytes;
    while let Some((c, tail)) = rest.split_first() {
        if !c.is_ascii_whitespace() {
            break;
        }
        rest = tail;
    }
    let negative = rest.first() == Some(&b'-');
    if matches!(rest.first(), Some(b'-' | b'+')) {
        rest = &rest[1..];
    }
    let mut n: u64 = 0;
    for &c in rest.iter().take_while(|c| c.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add(u64::from(c - b'0'));
    }
    let n = if negative { n.wrapping_neg() } else { n };
    n as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        Table::new()
            .with(
                "_ctrl",
                Value::Table(
                    Table::new()
                        .with("_ser", Value::number(1277362256))
                        .with("_tim", Value::number(1795317840)),
                ),
            )
            .with(
                "_data",
                Value::Table(Table::new().with("type", Value::text("null"))),
            )
            .with(
                "list",
                Value::List(vec![
                    Value::text("a"),
                    Value::List(vec![]),
                    Value::Table(Table::new()),
                ]),
            )
    }

    fn encode(table: &Table) -> Vec<u8> {
        let mut body = Vec::new();
        table.encode_body(&mut body).expect("encodes");
        frame(&body).expect("frames")
    }

    #[test]
    fn round_trip() {
        let table = sample();
        let bytes = encode(&table);
        let n = frame_length([bytes[0], bytes[1], bytes[2], bytes[3]], SERVER_MAX_LENGTH)
            .expect("length");
        assert_eq!(n, bytes.len() - 4);
        let decoded = decode_message(&bytes[4..]).expect("decodes");
        assert_eq!(decoded.table, table);
        let mut rest = Vec::new();
        for (k, v) in table.entries().skip(1) {
            encode_entry(k, v, &mut rest).expect("entry");
        }
        assert_eq!(decoded.signed, rest.as_slice());
    }

    #[test]
    fn exact_bytes_of_a_ctrl_entry() {
        // The _ctrl entry of the hmac-md5 `null` request in the protocol description.
        let mut out = Vec::new();
        let ctrl = Table::new()
            .with("_ser", Value::number(1277362256))
            .with("_tim", Value::number(1795317840))
            .with("_exp", Value::number(1795317900));
        encode_entry(b"_ctrl", &Value::Table(ctrl), &mut out).expect("encodes");
        assert_eq!(&out[..11], b"\x05_ctrl\x02\x00\x00\x00\x3c");
        assert_eq!(out.len(), 11 + 60);
    }

    #[test]
    fn repeated_key_keeps_first_position() {
        let body = [
            &b"\x01a\x01\x00\x00\x00\x011"[..],
            b"\x01b\x01\x00\x00\x00\x012",
            b"\x01a\x01\x00\x00\x00\x013",
        ]
        .concat();
        let table = decode_body(&body).expect("decodes");
        let keys: Vec<_> = table.entries().map(|(k, _)| k.to_vec()).collect();
        assert_eq!(keys, vec![b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(table.binary("a"), Some(&b"3"[..]));
    }

    #[test]
    fn malformed_inputs_are_errors() {
        let ok = encode(&sample());
        let msg = &ok[4..];
        for cut in 0..msg.len() {
            // Every strict prefix that ends inside an entry fails; the rest decode.
            let _ = decode_message(&msg[..cut]);
        }
        assert_eq!(decode_message(&[0, 0, 0]), Err(WireError::UnexpectedEnd));
        assert_eq!(
            decode_message(&[0, 0, 0, 2]),
            Err(WireError::UnknownVersion)
        );
        // Truncated key.
        assert_eq!(
            decode_message(b"\x00\x00\x00\x01\x05_au"),
            Err(WireError::UnexpectedEnd)
        );
        // Payload length past the end.
        assert_eq!(
            decode_message(b"\x00\x00\x00\x01\x01a\x01\xff\xff\xff\xff"),
            Err(WireError::UnexpectedEnd)
        );
        // Tag 0 ("string") and unknown tags.
        assert_eq!(
            decode_message(b"\x00\x00\x00\x01\x01a\x00\x00\x00\x00\x00"),
            Err(WireError::BadTag)
        );
        assert_eq!(
            decode_message(b"\x00\x00\x00\x01\x01a\x07\x00\x00\x00\x00"),
            Err(WireError::BadTag)
        );
        // A nested table whose body overruns its declared length.
        assert_eq!(
            decode_message(b"\x00\x00\x00\x01\x01a\x02\x00\x00\x00\x03\x01b\x01"),
            Err(WireError::UnexpectedEnd)
        );
    }

    #[test]
    fn frame_length_bounds() {
        assert_eq!(frame_length([0; 4], 10), Err(WireError::UnexpectedEnd));
        assert_eq!(frame_length([0, 0, 0, 11], 10), Err(WireError::OutOfRange));
        assert_eq!(
            frame_length([0, 0, 0x80, 1], SERVER_MAX_LENGTH),
            Err(WireError::OutOfRange)
        );
        assert_eq!(frame_length([0, 0, 0x80, 0], SERVER_MAX_LENGTH), Ok(32768));
        assert_eq!(
            frame_length([0xff; 4], CLIENT_MAX_LENGTH),
            Err(WireError::OutOfRange)
        );
    }

    /// A body of `levels` tables nested in each other, built without recursion.
    fn nested_tables(levels: usize) -> Vec<u8> {
        let inner = b"\x01t\x01\x00\x00\x00\x01x";
        let mut heads = Vec::with_capacity(levels);
        let mut size = inner.len();
        for _ in 0..levels {
            let mut head = b"\x01t\x02".to_vec();
            head.extend_from_slice(&(size as u32).to_be_bytes());
            size += head.len();
            heads.push(head);
        }
        let mut body: Vec<u8> = heads.into_iter().rev().flatten().collect();
        body.extend_from_slice(inner);
        body
    }

    #[test]
    fn nesting_is_bounded() {
        assert!(decode_body(&nested_tables(MAX_DEPTH)).is_ok());
        assert_eq!(
            decode_body(&nested_tables(MAX_DEPTH + 1)),
            Err(WireError::MaxDepth)
        );
        // Deep enough to overflow the stack without the limit.
        assert_eq!(
            decode_body(&nested_tables(100_000)),
            Err(WireError::MaxDepth)
        );
        let mut value = Value::List(vec![]);
        for _ in 0..50 {
            value = Value::List(vec![value]);
        }
        let mut body = Vec::new();
        encode_entry(b"l", &value, &mut body).expect("encodes");
        assert_eq!(decode_body(&body), Err(WireError::MaxDepth));
    }

    #[test]
    fn encoding_limits() {
        let mut out = Vec::new();
        assert_eq!(
            encode_entry(&[b'k'; 256], &Value::text(""), &mut out),
            Err(WireError::KeyTooLong)
        );
        assert!(encode_entry(&[b'k'; 255], &Value::text(""), &mut out).is_ok());
    }

    #[test]
    fn frame_reader_cuts_streams() {
        let a = encode(&sample());
        let b = encode(&Table::new().with("x", Value::text("y")));
        let stream = [a.clone(), b.clone()].concat();
        let mut reader = FrameReader::new(SERVER_MAX_LENGTH);
        let mut got = Vec::new();
        for chunk in stream.chunks(7) {
            reader.push(chunk);
            while let Some(m) = reader.next_message().expect("valid") {
                got.push(m);
            }
        }
        assert_eq!(got, vec![a[4..].to_vec(), b[4..].to_vec()]);
        assert!(!reader.is_partial());
        let mut reader = FrameReader::new(SERVER_MAX_LENGTH);
        reader.push(&[0, 1, 0, 0]);
        assert_eq!(reader.next_message(), Err(WireError::OutOfRange));
    }

    #[test]
    fn numbers_are_read_like_strtoul() {
        assert_eq!(lenient_u32(b"1795317840"), 1795317840);
        assert_eq!(lenient_u32(b"  42abc"), 42);
        assert_eq!(lenient_u32(b"+7"), 7);
        assert_eq!(lenient_u32(b"-1"), u32::MAX);
        assert_eq!(lenient_u32(b""), 0);
        assert_eq!(lenient_u32(b"x1"), 0);
        assert_eq!(lenient_u32(b"4294967297"), 1);
        assert_eq!(lenient_u32(b"99999999999999999999999"), u32::MAX);
    }
}
