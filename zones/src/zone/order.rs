//! Walking the nodes in canonical order (RFC 4034 §6.1) by position: what DNSSEC denial
//! of existence needs to find the NSEC record covering a name that does not exist.

use std::cmp::Ordering;

use super::wire::LabelOffsets;
use super::{Node, Zone};

/// Compares two valid wire-form names in the canonical order of RFC 4034 §6.1: label by
/// label from the right, each label as lower-cased octets, a missing label first. `None`
/// when either is not exactly one valid uncompressed name. Does not allocate.
pub fn canonical_cmp(a: &[u8], b: &[u8]) -> Option<Ordering> {
    let la = LabelOffsets::parse(a)?;
    let lb = LabelOffsets::parse(b)?;
    let (ca, cb) = (la.count(), lb.count());
    for i in 1..=ca.min(cb) {
        let x = label(a, la.start(ca - i));
        let y = label(b, lb.start(cb - i));
        let ord = x
            .iter()
            .map(u8::to_ascii_lowercase)
            .cmp(y.iter().map(u8::to_ascii_lowercase));
        if ord != Ordering::Equal {
            return Some(ord);
        }
    }
    Some(ca.cmp(&cb))
}

/// The bytes of the label starting at `start` (without its length octet).
fn label(name: &[u8], start: usize) -> &[u8] {
    let len = usize::from(name[start]);
    &name[start + 1..start + 1 + len]
}

impl Zone {
    /// The node at `index` in canonical order, as [`Node::index`] numbers them (the apex
    /// is 0); `None` past the last node.
    pub fn node_by_index(&self, index: usize) -> Option<Node<'_>> {
        let index = u32::try_from(index).ok()?;
        ((index as usize) < self.nodes.len()).then(|| Node::new(self, index))
    }

    /// The last node whose name sorts at or before `name` in canonical order: the node
    /// itself when it exists, else its predecessor, which may be an empty non-terminal,
    /// glue or a hashed NSEC3 owner. `None` when `name` is not a valid wire-form name or
    /// sorts before the apex (it is then outside the zone). Does not allocate.
    pub fn predecessor(&self, name: &[u8]) -> Option<Node<'_>> {
        LabelOffsets::parse(name)?;
        // Nodes are sorted, so the ones at or before `name` form a prefix.
        let mut low = 0usize;
        let mut high = self.nodes.len();
        while low < high {
            let mid = low + (high - low) / 2;
            let ord = canonical_cmp(self.node_name(mid as u32), name)?;
            if ord == Ordering::Greater {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        let index = low.checked_sub(1)?;
        self.node_by_index(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::master::{self, ParseOptions};
    use crate::name::Name;
    use crate::types::Class;
    use crate::zone::CheckOptions;

    fn n(text: &str) -> Name {
        Name::from_text(text, None).expect("valid test name")
    }

    fn zone(text: &str) -> Zone {
        let opts = ParseOptions {
            origin: n("example."),
            class: Class::IN,
            base_dir: ".".into(),
            default_ttl: None,
        };
        let records = master::parse_str(text, "test.db", &opts)
            .expect("test zone parses")
            .records;
        Zone::build(n("example."), Class::IN, records, &CheckOptions::default())
            .expect("test zone loads")
            .0
    }

    #[test]
    fn rfc4034_section_6_1_order_of_wire_names() {
        // The example list of RFC 4034 §6.1, in order.
        let names = [
            "example.",
            "a.example.",
            "yljkjljk.a.example.",
            "Z.a.example.",
            "zABC.a.EXAMPLE.",
            "z.example.",
            "\\001.z.example.",
            "*.z.example.",
            "\\200.z.example.",
        ];
        for pair in names.windows(2) {
            let (a, b) = (n(pair[0]), n(pair[1]));
            assert_eq!(
                canonical_cmp(a.as_wire(), b.as_wire()),
                Some(Ordering::Less),
                "{} < {}",
                pair[0],
                pair[1]
            );
            assert_eq!(
                canonical_cmp(b.as_wire(), a.as_wire()),
                Some(Ordering::Greater)
            );
        }
        let a = n("Www.Example.");
        let b = n("www.example.");
        assert_eq!(
            canonical_cmp(a.as_wire(), b.as_wire()),
            Some(Ordering::Equal)
        );
        assert_eq!(canonical_cmp(b"\x03www", b.as_wire()), None);
    }

    #[test]
    fn predecessors_for_denial_of_existence() {
        let z = zone(
            "$TTL 300\n@ SOA ns hostmaster 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n\
             b A 192.0.2.2\na.d A 192.0.2.3\nz.i A 192.0.2.4\n",
        );
        let pred = |text: &str| z.predecessor(n(text).as_wire()).map(|node| node.name());
        assert_eq!(pred("example."), Some(n("example.")));
        assert_eq!(pred("a.example."), Some(n("example.")));
        assert_eq!(pred("c.example."), Some(n("b.example.")));
        // The empty non-terminal d.example sorts before a.d.example.
        assert_eq!(pred("d.example."), Some(n("d.example.")));
        assert_eq!(pred("b.d.example."), Some(n("a.d.example.")));
        assert_eq!(pred("j.example."), Some(n("z.i.example.")));
        assert_eq!(pred("zz.example."), Some(n("ns.example.")));
        assert_eq!(pred("com."), None);
        let last = z.node_by_index(z.node_count() - 1).expect("a last node");
        assert_eq!(last.name(), n("ns.example."));
        assert_eq!(last.index(), z.node_count() - 1);
        assert!(z.node_by_index(z.node_count()).is_none());
    }
}
