//! Command arguments as BIND reads them: `ZONE [CLASS [VIEW]]`, domain names, views.

use conf::model::{Config, Zone};
use ctl::{Outcome, ResultCode};
use zones::name::NameError;
use zones::{Class, Name};

use crate::xfr::ZoneKey;

/// A zone argument found in the configuration.
#[derive(Debug, Clone)]
pub struct FoundZone {
    /// Its key.
    pub key: ZoneKey,
    /// Its settings.
    pub conf: Zone,
    /// `example.com/IN` (with the view outside `_default`), as BIND's messages name it.
    pub label: String,
}

/// Reads a domain name argument; BIND's result code when it is not one.
pub fn name(text: &str) -> Result<Name, ResultCode> {
    let trailing = text.bytes().rev().take_while(|&b| b == b'\\').count();
    if trailing % 2 == 1 {
        return Err(ResultCode::UNEXPECTED_END);
    }
    Name::from_text(text, Some(&Name::root())).map_err(|e| match e {
        NameError::LabelTooLong => ResultCode::LABEL_TOO_LONG,
        NameError::EmptyLabel => ResultCode::EMPTY_LABEL,
        NameError::BadEscape => ResultCode::BAD_ESCAPE,
        NameError::TooLong => ResultCode(19),
        _ => ResultCode::SYNTAX,
    })
}

/// Whether `config` has a view called `name`.
pub fn has_view(config: &Config, name: &str) -> bool {
    config.views.iter().any(|v| v.name == name)
}

/// The zone named by `words[1..]` (`ZONE [CLASS [VIEW]]`), or the reply for its absence.
pub fn zone(config: &Config, words: &[String]) -> Result<FoundZone, Outcome> {
    let Some(text) = words.get(1) else {
        return Err(Outcome::error(ResultCode::UNEXPECTED_END));
    };
    let class = match words.get(2) {
        Some(c) => Class::from_text(c).ok_or(Outcome::error(ResultCode::UNKNOWN_CLASS))?,
        None => Class::IN,
    };
    let view = words.get(3);
    if let Some(v) = view {
        if !has_view(config, v) {
            return Err(Outcome::error_text(
                ResultCode::NOT_FOUND,
                format!("no matching view '{v}'"),
            ));
        }
    }
    let origin = name(text).map_err(Outcome::error)?.to_lowercase();
    let mut found = Vec::new();
    for v in &config.views {
        if view.is_some_and(|want| *want != v.name) {
            continue;
        }
        for z in &v.zones {
            if z.class == class && z.name.to_lowercase() == origin {
                let mut label = format!("{}/{}", zones::master::message_name(&z.name), z.class);
                if !v.implicit && v.name != "_default" {
                    label.push('/');
                    label.push_str(&v.name);
                }
                found.push(FoundZone {
                    key: ZoneKey::new(&v.name, &z.name, z.class),
                    conf: z.clone(),
                    label,
                });
            }
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Outcome::error_text(
            ResultCode::NOT_FOUND,
            match view {
                Some(v) => format!("no matching zone '{text}' in view '{v}'"),
                None => format!("no matching zone '{text}' in any view"),
            },
        )),
        _ => Err(Outcome::error_text(
            ResultCode::FAILURE,
            format!("zone '{text}' was found in multiple views"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        conf::load_text("zone \"example.com\" { type primary; file \"example.com.db\"; };\n")
            .expect("loads")
            .config
    }

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn zone_arguments_as_bind_reads_them() {
        let c = config();
        let z = zone(&c, &words("reload Example.COM.")).expect("found");
        assert_eq!(z.label, "example.com/IN");
        assert!(zone(&c, &words("reload example.com IN _default")).is_ok());
        let e = zone(&c, &words("reload")).expect_err("missing");
        assert_eq!(e.result, ResultCode::UNEXPECTED_END);
        let e = zone(&c, &words("reload example.com XX")).expect_err("class");
        assert_eq!(e.result, ResultCode::UNKNOWN_CLASS);
        let e = zone(&c, &words("reload example.com CH")).expect_err("class");
        assert_eq!(
            e.text.as_deref(),
            Some("no matching zone 'example.com' in any view")
        );
        let e = zone(&c, &words("reload example.com IN nosuch")).expect_err("view");
        assert_eq!(e.text.as_deref(), Some("no matching view 'nosuch'"));
        let e = zone(&c, &words("reload no.such.zone")).expect_err("zone");
        assert_eq!(e.result, ResultCode::NOT_FOUND);
    }

    #[test]
    fn names_fail_with_binds_codes() {
        assert_eq!(name("a..b").err(), Some(ResultCode::EMPTY_LABEL));
        assert_eq!(
            name(&"a".repeat(64)).err(),
            Some(ResultCode::LABEL_TOO_LONG)
        );
        assert_eq!(name("a\\999").err(), Some(ResultCode::BAD_ESCAPE));
        assert_eq!(name("a\\").err(), Some(ResultCode::UNEXPECTED_END));
        assert!(name("www.example.com").is_ok());
        assert!(name(".").is_ok());
    }
}
