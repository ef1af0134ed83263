//! Extended DNS Errors (RFC 8914) in the OPT record: BIND 9.18 adds one to refusals by
//! `allow-query` or view matching, and to answers cut short by the restart limit.

use crate::wire::edns::OptRecord;

/// The EDNS option code of Extended DNS Errors.
const OPT_EDE: u16 = 15;

/// An extended DNS error (RFC 8914) BIND adds to some answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ede {
    /// 18, Prohibited: `allow-query` or no view matched.
    Prohibited,
    /// 0, Other, "max. restarts reached": a CNAME chain cut short.
    MaxRestarts,
}

impl Ede {
    /// The INFO-CODE and EXTRA-TEXT.
    pub(crate) fn parts(self) -> (u16, &'static [u8]) {
        match self {
            Self::Prohibited => (18, b""),
            Self::MaxRestarts => (0, b"max. restarts reached"),
        }
    }
}

/// The size of an EDE option.
pub(crate) fn ede_len(ede: Ede) -> usize {
    4 + 2 + ede.parts().1.len()
}

/// Appends the EDE option to the OPT record that ends the `len` bytes of `out`, whose
/// room was reserved; returns the new length.
pub(crate) fn append_ede(
    out: &mut [u8],
    len: usize,
    opt: Option<OptRecord<'_>>,
    ede: Option<Ede>,
) -> usize {
    let (Some(opt), Some(ede)) = (opt, ede) else {
        return len;
    };
    let opt_start = len - opt.wire_len();
    let (code, text) = ede.parts();
    let added = ede_len(ede);
    let Some(dest) = out.get_mut(len..len + added) else {
        return len;
    };
    dest[..2].copy_from_slice(&OPT_EDE.to_be_bytes());
    dest[2..4].copy_from_slice(&((2 + text.len()) as u16).to_be_bytes());
    dest[4..6].copy_from_slice(&code.to_be_bytes());
    dest[6..].copy_from_slice(text);
    let rdlen_at = opt_start + 9;
    let rdlen = u16::from_be_bytes([out[rdlen_at], out[rdlen_at + 1]]) as usize + added;
    out[rdlen_at..rdlen_at + 2].copy_from_slice(&(rdlen as u16).to_be_bytes());
    len + added
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ede_goes_inside_the_opt_record() {
        let opt = OptRecord::plain(1232, false);
        let mut out = vec![0u8; 64];
        let n = opt.write(&mut out[12..], 0).expect("room") + 12;
        let len = append_ede(&mut out, n, Some(opt), Some(Ede::Prohibited));
        assert_eq!(len, n + 6);
        assert_eq!(&out[12 + 9..12 + 11], &[0, 6]);
        assert_eq!(&out[n..len], &[0, 15, 0, 2, 0, 18]);
    }
}
