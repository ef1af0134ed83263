//! Zone names for the shell's completion, read from a named.conf.

use std::path::Path;

use conf::ast::Node;
use conf::{ParseOptions, RealFs, parse_file};

/// Where rivetd's configuration is by default.
pub(crate) const DEFAULT_NAMED_CONF: &str = "/etc/rivet/named.conf";

/// The names of the zones of `path`, in every view, without duplicates.
pub(crate) fn from_named_conf(path: &Path) -> Result<Vec<String>, String> {
    let options = ParseOptions {
        cwd: path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| "/".into()),
        ..ParseOptions::default()
    };
    let (doc, diagnostics) = parse_file(&RealFs::new(), path, &options);
    let Some(doc) = doc else {
        return Err(diagnostics
            .first()
            .map(ToString::to_string)
            .unwrap_or_else(|| format!("{}: cannot be read", path.display())));
    };
    let mut names = Vec::new();
    let views = doc.root.get_all("view");
    let blocks = std::iter::once(&doc.root).chain(
        views
            .iter()
            .filter_map(|v| v.field("options").and_then(Node::as_map)),
    );
    for block in blocks {
        for zone in block.get_all("zone") {
            if let Some(name) = zone.field("name").and_then(Node::as_str) {
                let name = name.trim_end_matches('.');
                let name = if name.is_empty() { "." } else { name };
                if !names.iter().any(|n: &String| n.eq_ignore_ascii_case(name)) {
                    names.push(name.to_owned());
                }
            }
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_of_every_view() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("named.conf");
        std::fs::write(
            &path,
            r#"
zone "example.com" { type primary; file "a.db"; };
zone "." { type hint; file "root.hints"; };
view "inside" {
    zone "internal.example" { type primary; file "b.db"; };
    zone "Example.COM." { type primary; file "c.db"; };
};
"#,
        )
        .expect("write");
        // Parsing is enough: BIND's check that views and top-level zones do not mix is
        // not this reader's business.
        assert_eq!(
            from_named_conf(&path).expect("parses"),
            vec![
                "example.com".to_owned(),
                ".".to_owned(),
                "internal.example".to_owned()
            ]
        );
        std::fs::write(
            &path,
            "zone \"a.example\" { type primary; file \"a.db\"; };\n\
             zone \"b.example.\" { type secondary; primaries { 127.0.0.1; }; file \"b.db\"; };\n",
        )
        .expect("write");
        assert_eq!(
            from_named_conf(&path).expect("parses"),
            vec!["a.example".to_owned(), "b.example".to_owned()]
        );
        assert!(from_named_conf(&dir.path().join("none.conf")).is_err());
    }
}
