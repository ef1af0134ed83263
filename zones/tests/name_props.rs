//! Property tests for domain names: presentation and wire round trips, and the canonical
//! order of RFC 4034 §6.1.

use std::cmp::Ordering;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use proptest::prelude::*;
use proptest::test_runner::Config;
use zones::Name;

/// Label bytes biased towards letters of both cases and the bytes text must escape.
fn label_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        6 => prop::sample::select(b"aAbBzZ09-*".to_vec()),
        1 => prop::sample::select(b".\\\"();@$ ".to_vec()),
        1 => any::<u8>(),
    ]
}

fn labels() -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop::collection::vec(prop::collection::vec(label_byte(), 1..=12), 0..=6)
}

fn name() -> impl Strategy<Value = Name> {
    labels().prop_map(|labels| {
        Name::from_labels(labels.iter().map(Vec::as_slice)).expect("short enough")
    })
}

fn hash(name: &Name) -> u64 {
    let mut h = DefaultHasher::new();
    name.hash(&mut h);
    h.finish()
}

proptest! {
    #![proptest_config(Config { cases: 2000, failure_persistence: None, ..Config::default() })]

    #[test]
    fn text_round_trip_keeps_the_name_and_its_case(name in name()) {
        let text = name.to_string();
        let back = Name::from_text(&text, None).expect("printed names parse");
        prop_assert_eq!(&back, &name);
        prop_assert_eq!(back.as_wire(), name.as_wire(), "{}", text);
        prop_assert_eq!(back.to_string(), text);
    }

    #[test]
    fn relative_text_round_trip(name in name(), origin in name()) {
        let relative = name.to_relative_text(&origin);
        let back = if relative == "@" {
            origin.clone()
        } else {
            Name::from_text(&relative, Some(&origin)).expect("parses")
        };
        // The suffix written as `@` or left implicit takes the origin's case, which may differ
        // from the name's: names are equal regardless of case, and the labels written out keep
        // theirs.
        prop_assert_eq!(&back, &name, "{}", relative);
        let written = name.as_wire().len().saturating_sub(origin.as_wire().len());
        if name.is_subdomain_of(&origin) {
            prop_assert_eq!(&back.as_wire()[..written], &name.as_wire()[..written], "{}", relative);
        } else {
            prop_assert_eq!(back.as_wire(), name.as_wire(), "{}", relative);
        }
    }

    #[test]
    fn parsed_text_reprints_to_the_same_name(text in "[a-zA-Z0-9.\\\\@*-]{1,40}") {
        if let Ok(name) = Name::from_text(&text, Some(&Name::root())) {
            let again = Name::from_text(&name.to_string(), None).expect("printed names parse");
            prop_assert_eq!(again.as_wire(), name.as_wire());
        }
    }

    #[test]
    fn wire_round_trip(name in name(), prefix in prop::collection::vec(any::<u8>(), 0..8)) {
        let back = Name::from_wire(name.as_wire()).expect("valid wire");
        prop_assert_eq!(back.as_wire(), name.as_wire());
        let mut buf = prefix.clone();
        buf.extend_from_slice(name.as_wire());
        buf.extend_from_slice(b"tail");
        let (read, end) = Name::read_wire(&buf, prefix.len()).expect("reads");
        prop_assert_eq!(read.as_wire(), name.as_wire());
        prop_assert_eq!(end, prefix.len() + name.as_wire().len());
    }

    #[test]
    fn arbitrary_wire_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(name) = Name::from_wire(&bytes) {
            prop_assert_eq!(name.as_wire(), &bytes[..]);
            prop_assert!(name.label_count() <= 127);
        }
        let _ = Name::read_wire(&bytes, 0);
    }

    #[test]
    fn canonical_order_is_total_and_agrees_with_equality(a in name(), b in name(), c in name()) {
        prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
        prop_assert_eq!(a.cmp(&b) == Ordering::Equal, a == b);
        prop_assert_eq!(a.cmp(&a), Ordering::Equal);
        if a <= b && b <= c {
            prop_assert!(a <= c);
        }
        // Case never matters to the order.
        prop_assert_eq!(a.to_lowercase().cmp(&b.to_lowercase()), a.cmp(&b));
    }

    #[test]
    fn case_variants_are_equal(labels in labels(), flips in prop::collection::vec(any::<bool>(), 80)) {
        let name = Name::from_labels(labels.iter().map(Vec::as_slice)).expect("short enough");
        let mut i = 0;
        let flipped: Vec<Vec<u8>> = labels
            .iter()
            .map(|label| {
                label
                    .iter()
                    .map(|&b| {
                        i += 1;
                        if flips[i % flips.len()] { b.to_ascii_uppercase() } else { b }
                    })
                    .collect()
            })
            .collect();
        let other = Name::from_labels(flipped.iter().map(Vec::as_slice)).expect("short enough");
        prop_assert_eq!(&other, &name);
        prop_assert_eq!(hash(&other), hash(&name));
        prop_assert_eq!(other.cmp(&name), Ordering::Equal);
    }

    #[test]
    fn to_lowercase_preserves_equality(name in name()) {
        let lower = name.to_lowercase();
        prop_assert_eq!(&lower, &name);
        prop_assert_eq!(hash(&lower), hash(&name));
        prop_assert!(!lower.as_wire().iter().any(u8::is_ascii_uppercase));
        prop_assert_eq!(lower.label_count(), name.label_count());
    }

    #[test]
    fn subdomains_sort_after_their_parents(name in name(), label in prop::collection::vec(label_byte(), 1..=8)) {
        if let Ok(child) = name.prepend(&label) {
            prop_assert!(child > name);
            prop_assert!(child.is_subdomain_of(&name));
            prop_assert_eq!(child.parent(), Some(name.clone()));
        }
    }
}
