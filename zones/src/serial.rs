//! Serial number arithmetic (RFC 1982), as SOA serials are compared and advanced.
//!
//! RFC 1982 §3: "Serial numbers may be incremented by the addition of a positive integer
//! n, where n is taken from the range of integers [0 .. (2^(SERIAL_BITS - 1) - 1)]", and
//! two serials are ordered by the shorter way round the circle; when they are exactly
//! half the circle apart, "the result of the comparison is undefined".

use std::cmp::Ordering;
use std::fmt;

/// The largest increment RFC 1982 §3.1 allows: 2^31 - 1.
pub const MAX_INCREMENT: u32 = (1 << 31) - 1;

/// A 32-bit serial number with RFC 1982 ordering: [`PartialOrd`] gives `None` when the
/// comparison is undefined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Serial(pub u32);

impl Serial {
    /// RFC 1982 §3.1: `self + n`, or `None` when `n` exceeds 2^31 - 1.
    pub fn checked_add(self, n: u32) -> Option<Serial> {
        (n <= MAX_INCREMENT).then(|| Serial(self.0.wrapping_add(n)))
    }

    /// Whether `self` is greater than `other` in RFC 1982 order (false when undefined).
    pub fn is_newer_than(self, other: Serial) -> bool {
        self.partial_cmp(&other) == Some(Ordering::Greater)
    }
}

impl PartialOrd for Serial {
    /// RFC 1982 §3.2: `i1 < i2` when `(i1 < i2 and i2 - i1 < 2^31)` or
    /// `(i1 > i2 and i1 - i2 > 2^31)`; undefined when they differ by exactly 2^31.
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        compare(self.0, other.0)
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<u32> for Serial {
    fn from(value: u32) -> Self {
        Serial(value)
    }
}

/// RFC 1982 §3.2 comparison of two serials; `None` when it is undefined.
pub fn compare(a: u32, b: u32) -> Option<Ordering> {
    const HALF: u32 = 1 << 31;
    match b.wrapping_sub(a) {
        0 => Some(Ordering::Equal),
        HALF => None,
        d if d < HALF => Some(Ordering::Less),
        _ => Some(Ordering::Greater),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1982_section_3_1_addition_limit() {
        assert_eq!(
            Serial(5).checked_add(MAX_INCREMENT),
            Some(Serial(5u32.wrapping_add(MAX_INCREMENT)))
        );
        assert_eq!(Serial(5).checked_add(1 << 31), None);
        assert_eq!(Serial(u32::MAX).checked_add(1), Some(Serial(0)));
        assert_eq!(Serial(7).checked_add(0), Some(Serial(7)));
    }

    #[test]
    fn rfc1982_section_3_2_comparison_and_undefined_case() {
        assert_eq!(compare(1, 2), Some(Ordering::Less));
        assert_eq!(compare(2, 1), Some(Ordering::Greater));
        assert_eq!(compare(u32::MAX, 0), Some(Ordering::Less));
        assert_eq!(compare(0, (1 << 31) - 1), Some(Ordering::Less));
        assert_eq!(compare(0, 1 << 31), None);
        assert_eq!(compare(1 << 31, 0), None);
        assert_eq!(compare(0, (1 << 31) + 1), Some(Ordering::Greater));
        assert!(Serial(0).partial_cmp(&Serial(1 << 31)).is_none());
        assert!(!Serial(0).is_newer_than(Serial(1 << 31)));
        assert!(!Serial(1 << 31).is_newer_than(Serial(0)));
    }

    /// RFC 1982 §5.1: with SERIAL_BITS = 2, 0 < 1 < 2 < 3 < 0 and 0 vs 2 undefined. The
    /// 32-bit analogue takes quarter turns of the circle.
    #[test]
    fn rfc1982_section_5_1_circle_of_quarters() {
        let q = 1u32 << 30;
        let points = [0, q, 2 * q, 3 * q];
        for i in 0..4 {
            let (a, b) = (points[i], points[(i + 1) % 4]);
            assert!(Serial(b).is_newer_than(Serial(a)), "{b} > {a}");
            assert_eq!(compare(a, points[(i + 2) % 4]), None);
        }
    }

    /// RFC 1982 §5.2: with SERIAL_BITS = 8, 255 < 0, 100 < 200 < 255, 200 + 100 = 44 and
    /// 44 > 200. Scaled to 32 bits by 2^24.
    #[test]
    fn rfc1982_section_5_2_eight_bit_examples_scaled() {
        let s = |v: u32| Serial(v << 24);
        assert!(s(0).is_newer_than(s(255)));
        assert!(s(200).is_newer_than(s(100)));
        assert!(s(255).is_newer_than(s(200)));
        assert!(s(100).is_newer_than(s(0)));
        assert_eq!(s(200).checked_add(100 << 24), Some(s(44)));
        assert!(s(44).is_newer_than(s(200)));
        assert!(s(1).is_newer_than(s(0)));
        assert_eq!(s(0).partial_cmp(&s(128)), None);
    }

    /// The same examples with plain 32-bit numbers: the usual date serials and wrap-around.
    #[test]
    fn date_serials_and_wrap() {
        assert!(Serial(2024010102).is_newer_than(Serial(2024010101)));
        assert!(!Serial(2024010100).is_newer_than(Serial(2024010103)));
        assert!(Serial(3).is_newer_than(Serial(u32::MAX - 3)));
    }
}
