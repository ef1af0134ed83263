//! Walking RDATA in wire form, and collecting printed words.

use crate::name::{MAX_LABEL_LEN, MAX_NAME_LEN, Name};

use super::Malformed;

/// A read position in wire-form RDATA. Reads past the end are errors, never panics.
pub(crate) struct Wire<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Wire<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    /// The whole RDATA.
    pub(crate) fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The offset of the next byte.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// How many bytes are left.
    pub(crate) fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    /// Whether everything has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// The byte at absolute offset `at`, if the RDATA has one.
    pub(crate) fn byte_at(&self, at: usize) -> Option<u8> {
        self.data.get(at).copied()
    }

    /// The next `n` bytes.
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        if n > self.remaining() {
            return Err(Malformed("RDATA ends early"));
        }
        let out = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    /// Everything that is left.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let out = &self.data[self.pos.min(self.data.len())..];
        self.pos = self.data.len();
        out
    }

    pub(crate) fn u8(&mut self) -> Result<u8, Malformed> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16, Malformed> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, Malformed> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// An uncompressed domain name; returns its wire bytes.
    pub(crate) fn name(&mut self) -> Result<&'a [u8], Malformed> {
        let len = name_len(self.data, self.pos)?;
        self.take(len)
    }

    /// A character string (length byte and data); returns the data.
    pub(crate) fn string(&mut self) -> Result<&'a [u8], Malformed> {
        let len = self.u8()?;
        self.take(usize::from(len))
    }
}

/// The length of the uncompressed wire-format name at `pos`, checked without allocating.
pub(crate) fn name_len(buf: &[u8], pos: usize) -> Result<usize, Malformed> {
    let mut i = pos;
    loop {
        let len = usize::from(
            *buf.get(i)
                .ok_or(Malformed("domain name runs past the end"))?,
        );
        if len == 0 {
            return Ok(i + 1 - pos);
        }
        if len > MAX_LABEL_LEN {
            return Err(Malformed("compressed or malformed domain name"));
        }
        i += 1 + len;
        if i - pos >= MAX_NAME_LEN {
            return Err(Malformed("domain name longer than 255 octets"));
        }
    }
}

/// How many labels a valid wire name has, not counting the root.
pub(crate) fn label_count(name: &[u8]) -> usize {
    let mut i = 0;
    let mut n = 0;
    while let Some(&len) = name.get(i) {
        if len == 0 {
            break;
        }
        n += 1;
        i += 1 + usize::from(len);
    }
    n
}

/// Printed RDATA: words separated by single spaces.
#[derive(Default)]
pub(crate) struct Printer {
    out: String,
}

impl Printer {
    /// Starts a new word and returns the text to append it to.
    pub(crate) fn word(&mut self) -> &mut String {
        if !self.out.is_empty() {
            self.out.push(' ');
        }
        &mut self.out
    }

    /// Appends `text` as one word.
    pub(crate) fn push(&mut self, text: &str) {
        self.word().push_str(text);
    }

    /// Appends a number as one word.
    pub(crate) fn number(&mut self, n: impl std::fmt::Display) {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let _ = write!(self.word(), "{n}");
    }

    /// Appends a domain name in absolute presentation form.
    pub(crate) fn name(&mut self, wire: &[u8]) -> Result<(), Malformed> {
        let name = Name::from_wire(wire).map_err(|_| Malformed("bad domain name"))?;
        self.push(&name.to_string());
        Ok(())
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }
}
