//! Pointing a zone's rejection at the line that caused it.
//!
//! The zone builder sees records, not lines, so its "CNAME and other data" and "multiple
//! RRs of singleton type" name only the owner. BIND finds these while it adds each run of
//! same-owner lines to its database and names the last line of the run that made the
//! conflict; replaying the records with their sources finds the same line.

use std::collections::HashMap;

use zones::master::Source;
use zones::{Name, RType, Record, rdata};

/// What one name holds so far.
#[derive(Default)]
struct Held {
    types: Vec<RType>,
    /// Distinct RDATA (canonical form) of singleton types.
    singletons: Vec<(RType, Vec<u8>)>,
    said_singleton: bool,
    said_cname: bool,
}

/// The conflicts, as `(message, where)`, with the messages worded as the zone builder and
/// BIND word them (`<owner>: CNAME and other data`).
pub fn conflicts(
    records: &[Record],
    sources: &[Source],
    display: fn(&Name) -> String,
) -> Vec<(String, Source)> {
    let mut held: HashMap<&Name, Held> = HashMap::new();
    let mut found = Vec::new();
    let mut start = 0;
    while start < records.len() && start < sources.len() {
        let owner = &records[start].owner;
        let mut end = start + 1;
        while end < records.len() && records[end].owner.as_wire() == owner.as_wire() {
            end += 1;
        }
        let state = held.entry(owner).or_default();
        for record in &records[start..end] {
            if !state.types.contains(&record.rtype) {
                state.types.push(record.rtype);
            }
            if record.rtype.is_singleton() {
                let data = rdata::canonical(record.rtype, record.rdata.as_bytes()).into_owned();
                if !state
                    .singletons
                    .iter()
                    .any(|(t, d)| *t == record.rtype && *d == data)
                {
                    state.singletons.push((record.rtype, data));
                }
            }
        }
        let Some(last) = sources.get(end - 1) else {
            break;
        };
        let repeated = state
            .singletons
            .iter()
            .enumerate()
            .any(|(i, (t, _))| state.singletons[..i].iter().any(|(u, _)| u == t));
        if repeated && !state.said_singleton {
            state.said_singleton = true;
            let message = format!("{}: multiple RRs of singleton type", display(owner));
            found.push((message, last.clone()));
        }
        let cname = state.types.contains(&RType::CNAME);
        if cname && !state.said_cname && state.types.iter().any(|t| !t.may_accompany_cname()) {
            state.said_cname = true;
            let message = format!("{}: CNAME and other data", display(owner));
            found.push((message, last.clone()));
        }
        start = end;
    }
    found
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use zones::Class;
    use zones::text::Pos;

    fn record(owner: &str, rtype: RType, rdata: &[u8]) -> Record {
        Record {
            owner: Name::from_text(owner, None).expect("valid test name"),
            ttl: 1,
            class: Class::IN,
            rtype,
            rdata: rdata.to_vec().into(),
        }
    }

    fn at(line: u32) -> Source {
        Source {
            file: Arc::from("db"),
            pos: Pos { line, column: 1 },
        }
    }

    fn name_text(name: &Name) -> String {
        name.to_string()
    }

    #[test]
    fn the_last_line_of_the_run_that_made_the_conflict() {
        let target = Name::from_text("x.", None).expect("name");
        let records = [
            record("alias.", RType::CNAME, target.as_wire()),
            record("www.", RType::A, &[192, 0, 2, 1]),
            record("alias.", RType::TXT, b"\x01a"),
            record("alias.", RType::AAAA, &[0; 16]),
            record("other.", RType::A, &[192, 0, 2, 2]),
        ];
        let sources: Vec<Source> = (1..=5).map(at).collect();
        let found = conflicts(&records, &sources, name_text);
        assert_eq!(found, [("alias.: CNAME and other data".to_string(), at(4))]);
    }

    #[test]
    fn singletons_count_distinct_rdata() {
        let a = Name::from_text("a.", None).expect("name");
        let b = Name::from_text("B.", None).expect("name");
        let records = [
            record("alias.", RType::CNAME, a.as_wire()),
            record("alias.", RType::CNAME, a.as_wire()),
            record("alias.", RType::CNAME, b.as_wire()),
        ];
        let sources: Vec<Source> = (7..=9).map(at).collect();
        let found = conflicts(&records, &sources, name_text);
        assert_eq!(
            found,
            [("alias.: multiple RRs of singleton type".to_string(), at(9))]
        );
        // The same name in another case is the same RDATA.
        let records = [
            record("alias.", RType::CNAME, a.as_wire()),
            record(
                "alias.",
                RType::CNAME,
                Name::from_text("A.", None).expect("name").as_wire(),
            ),
        ];
        assert!(conflicts(&records, &sources, name_text).is_empty());
    }
}
