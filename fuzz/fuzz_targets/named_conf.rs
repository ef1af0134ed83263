//! named.conf: any text must parse (with includes, checks, the option table and the model)
//! or fail cleanly with diagnostics, never panic. What parses must print in canonical form,
//! and the printed text must parse back to the same text and, when the configuration
//! loads, to the same model.
//!
//! Files come from memory: two include targets exist, nothing else does.

#![no_main]

use conf::{MemFs, ParseOptions, PrintOptions, load_str, parse_str, print_config};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut fs = MemFs::new();
    fs.add(
        "/inc.conf",
        "zone \"inc.example\" { type primary; file \"inc.db\"; };\n",
    )
    .add(
        "/dir/keys.conf",
        "key \"k\" { algorithm hmac-sha256; secret \"YWJj\"; };\n",
    );
    let options = ParseOptions::default();

    let (doc, diags) = parse_str(&fs, "named.conf", &text, &options);
    let Some(doc) = doc else {
        assert!(!diags.is_empty(), "a failed parse says why");
        return;
    };
    let printed = print_config(&doc.root, PrintOptions::default());
    let (again, diags) = parse_str(&fs, "printed.conf", &printed, &options);
    let again =
        again.unwrap_or_else(|| panic!("printed text does not parse: {diags:?}\n{printed}"));
    assert_eq!(
        print_config(&again.root, PrintOptions::default()),
        printed,
        "printing is not stable"
    );

    if let Ok(loaded) = load_str(&fs, "named.conf", &text, &options) {
        let reloaded = load_str(&fs, "printed.conf", &printed, &options)
            .unwrap_or_else(|e| panic!("printed text does not load: {e}\n{printed}"));
        assert_eq!(
            loaded.config, reloaded.config,
            "printed text loads a different model"
        );
    }
});
