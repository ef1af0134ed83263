//! The counters written out: BIND's `named.stats` layout for `rndc stats`, and JSON for
//! `rivetctl stats --json`.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};
use zones::RType;

use super::counters::{Ns, QTYPES, Totals};
use super::zone::{Xfr, Zm};
use crate::forward::CacheStats;

/// Everything one dump shows.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The query counters.
    pub totals: Totals,
    /// The configured views' names, in order.
    pub views: Vec<String>,
    /// Each forwarding view's cache counters.
    pub caches: Vec<(String, CacheStats)>,
    /// Control-channel commands received.
    pub commands: u64,
    /// The zone maintenance counters, indexed by [`Zm`].
    pub zone: [u64; Zm::ALL.len()],
    /// Outgoing transfers completed, and bytes sent and received in transfers.
    pub xfr_out_done: u64,
    /// Bytes sent in outgoing transfers.
    pub xfr_out_bytes: u64,
    /// Bytes received in incoming transfers.
    pub xfr_in_bytes: u64,
    /// The zones with `zone-statistics full`: view, zone and counters.
    pub zones: Vec<(String, String, Totals)>,
    /// Outgoing transfers completed of each of `zones`, in the same order.
    pub zones_xfr_out: Vec<u64>,
}

/// How BIND names a zone in the per-zone sections.
fn zone_label(view: &str, zone: &str) -> String {
    if view == "_default" {
        zone.to_owned()
    } else {
        format!("{zone} (view: {view})")
    }
}

impl Snapshot {
    /// Takes the process-wide transfer counters (the query counters come from the
    /// server's registry).
    pub fn with_zone_counters(mut self) -> Self {
        self.zone = super::zone::zone_totals();
        self.xfr_out_done = super::zone::xfr_total(Xfr::OutDone);
        self.xfr_out_bytes = super::zone::xfr_total(Xfr::OutBytes);
        self.xfr_in_bytes = super::zone::xfr_total(Xfr::InBytes);
        self.zones_xfr_out = self
            .zones
            .iter()
            .map(|(view, zone, _)| super::zone::transfers_out_of(view, zone))
            .collect();
        self
    }
}

const OPCODES: [&str; 16] = [
    "QUERY",
    "IQUERY",
    "STATUS",
    "RESERVED3",
    "NOTIFY",
    "UPDATE",
    "RESERVED6",
    "RESERVED7",
    "RESERVED8",
    "RESERVED9",
    "RESERVED10",
    "RESERVED11",
    "RESERVED12",
    "RESERVED13",
    "RESERVED14",
    "RESERVED15",
];

const RCODES: [&str; 16] = [
    "NOERROR",
    "FORMERR",
    "SERVFAIL",
    "NXDOMAIN",
    "NOTIMP",
    "REFUSED",
    "YXDOMAIN",
    "YXRRSET",
    "NXRRSET",
    "NOTAUTH",
    "NOTZONE",
    "RESERVED11",
    "RESERVED12",
    "RESERVED13",
    "RESERVED14",
    "RESERVED15",
];

/// BIND prints the default view as `default`.
fn view_label(name: &str) -> &str {
    if name == "_default" { "default" } else { name }
}

fn line(out: &mut String, value: u64, description: &str) {
    let _ = writeln!(out, "{value:>20} {description}");
}

/// Query types with their counts as BIND lists them: `Others` first, then by type number.
fn qtypes(totals: &Totals) -> impl Iterator<Item = (String, u64)> + '_ {
    let others = (totals.qtype_other > 0).then(|| ("Others".to_string(), totals.qtype_other));
    others
        .into_iter()
        .chain((1..QTYPES).filter(|&t| totals.qtypes[t] > 0).map(|t| {
            let rtype = RType(u16::try_from(t).unwrap_or(u16::MAX));
            (rtype.to_string(), totals.qtypes[t])
        }))
}

/// The cache lines Rivet keeps, with BIND's descriptions.
fn cache_lines(stats: &CacheStats) -> [(u64, &'static str); 6] {
    [
        (stats.hits, "cache hits"),
        (stats.misses, "cache misses"),
        (stats.hits, "cache hits (from query)"),
        (stats.misses, "cache misses (from query)"),
        (
            stats.evicted,
            "cache records deleted due to memory exhaustion",
        ),
        (stats.bytes, "cache tree memory in use"),
    ]
}

/// One `rndc stats` dump, as BIND appends it to `statistics-file`; `now` is the Unix
/// time written in its header and footer. Zero counters are left out, as BIND leaves
/// them out, except in the cache section, where BIND prints every line.
pub fn text(s: &Snapshot, now: u64) -> String {
    let t = &s.totals;
    let mut out = format!("+++ Statistics Dump +++ ({now})\n");
    out.push_str("++ Incoming Requests ++\n");
    for (name, &n) in OPCODES.iter().zip(&t.opcodes) {
        if n > 0 {
            line(&mut out, n, name);
        }
    }
    out.push_str("++ Incoming Queries ++\n");
    for (name, n) in qtypes(t) {
        line(&mut out, n, &name);
    }
    out.push_str("++ Outgoing Rcodes ++\n");
    for (name, &n) in RCODES.iter().zip(&t.rcodes) {
        if n > 0 {
            line(&mut out, n, name);
        }
    }
    out.push_str("++ Outgoing Queries ++\n");
    for view in &s.views {
        let _ = writeln!(out, "[View: {}]", view_label(view));
    }
    out.push_str("[View: _bind]\n");
    out.push_str("++ Name Server Statistics ++\n");
    for counter in Ns::ALL {
        let n = t.ns(counter);
        if n > 0 {
            line(&mut out, n, counter.description());
        }
        // BIND's counter of completed outgoing transfers comes after the query
        // failures.
        if counter == Ns::Failure && s.xfr_out_done > 0 {
            line(&mut out, s.xfr_out_done, "requested transfers completed");
        }
    }
    out.push_str("++ Zone Maintenance Statistics ++\n");
    for (counter, &n) in Zm::ALL.iter().zip(&s.zone) {
        if n > 0 {
            line(&mut out, n, counter.description());
        }
    }
    out.push_str("++ Resolver Statistics ++\n[Common]\n");
    for view in &s.views {
        let _ = writeln!(out, "[View: {}]", view_label(view));
    }
    out.push_str("[View: _bind]\n");
    out.push_str("++ Cache Statistics ++\n");
    for (view, stats) in &s.caches {
        let _ = writeln!(out, "[View: {}]", view_label(view));
        for (n, description) in cache_lines(stats) {
            line(&mut out, n, description);
        }
    }
    out.push_str("++ Per Zone Query Statistics ++\n");
    for (i, (view, zone, totals)) in s.zones.iter().enumerate() {
        let _ = writeln!(out, "[{}]", zone_label(view, zone));
        let transfers = s.zones_xfr_out.get(i).copied().unwrap_or(0);
        for counter in Ns::PER_ZONE {
            let n = totals.ns(counter);
            if n > 0 {
                line(&mut out, n, counter.description());
            }
            if counter == Ns::Failure && transfers > 0 {
                line(&mut out, transfers, "requested transfers completed");
            }
        }
    }
    let _ = writeln!(out, "--- Statistics Dump --- ({now})");
    out
}

/// The same counters as one JSON object, for scripts; `now` is the Unix time.
pub fn json(s: &Snapshot, now: u64) -> String {
    let t = &s.totals;
    let named = |pairs: &mut dyn Iterator<Item = (String, u64)>| -> Value {
        Value::Object(
            pairs
                .map(|(k, v)| (k, Value::from(v)))
                .collect::<Map<_, _>>(),
        )
    };
    let opcodes = named(
        &mut OPCODES
            .iter()
            .zip(&t.opcodes)
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| (k.to_string(), *n)),
    );
    let rcodes = named(
        &mut RCODES
            .iter()
            .zip(&t.rcodes)
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| (k.to_string(), *n)),
    );
    let queries = named(&mut qtypes(t));
    let nsstats = named(&mut Ns::ALL.iter().map(|&c| (c.key().to_string(), t.ns(c))));
    let caches: Map<String, Value> = s
        .caches
        .iter()
        .map(|(view, c)| {
            (
                view.clone(),
                json!({
                    "hits": c.hits,
                    "misses": c.misses,
                    "entries": c.entries,
                    "bytes": c.bytes,
                    "evicted": c.evicted,
                }),
            )
        })
        .collect();
    let value = json!({
        "time": now,
        "opcodes": opcodes,
        "qtypes": queries,
        "rcodes": rcodes,
        "nsstats": nsstats,
        "cache": caches,
        "zone": named(&mut Zm::ALL.iter().zip(&s.zone).map(|(c, n)| (c.key().to_string(), *n))),
        "xfr": {
            "out_completed": s.xfr_out_done,
            "out_bytes": s.xfr_out_bytes,
            "in_bytes": s.xfr_in_bytes,
        },
        "zones": s
            .zones
            .iter()
            .enumerate()
            .map(|(i, (view, zone, t))| {
                let transfers = s.zones_xfr_out.get(i).copied().unwrap_or(0);
                (
                    zone_label(view, zone),
                    named(
                        &mut Ns::PER_ZONE
                            .iter()
                            .map(|&c| (c.key().to_string(), t.ns(c)))
                            .chain(std::iter::once(("xfr_out_completed".to_string(), transfers))),
                    ),
                )
            })
            .collect::<Map<_, _>>(),
        "control": { "commands": s.commands },
    });
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::super::counters::Registry;
    use super::super::observe;
    use super::*;

    fn snapshot() -> Snapshot {
        let registry = Registry::new();
        let b = registry.register();
        let q = [0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, b'a', 0, 0, 15, 0, 1];
        let seen = observe::request(&b, &q, false, false);
        observe::response(&b, seen, &[0, 1, 0x85, 3, 0, 1, 0, 0, 0, 1, 0, 0]);
        let seen = observe::request(
            &b,
            &[0, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1],
            false,
            false,
        );
        observe::response(&b, seen, &[0, 2, 0x85, 0, 0, 1, 0, 1, 0, 0, 0, 0]);
        registry.command();
        Snapshot {
            totals: registry.totals(),
            views: vec!["_default".into()],
            caches: vec![(
                "_default".into(),
                CacheStats {
                    hits: 7,
                    misses: 2,
                    entries: 2,
                    bytes: 300,
                    evicted: 0,
                },
            )],
            commands: registry.commands(),
            zone: std::array::from_fn(|i| u64::from(i == Zm::NotifyInV4 as usize) * 2),
            xfr_out_done: 1,
            xfr_out_bytes: 2000,
            xfr_in_bytes: 0,
            zones: Vec::new(),
            zones_xfr_out: Vec::new(),
        }
    }

    #[test]
    fn the_text_has_bind_s_layout() {
        let text = text(&snapshot(), 1795348534);
        let expected = "\
+++ Statistics Dump +++ (1795348534)
++ Incoming Requests ++
                   2 QUERY
++ Incoming Queries ++
                   1 A
                   1 MX
++ Outgoing Rcodes ++
                   1 NOERROR
                   1 NXDOMAIN
++ Outgoing Queries ++
[View: default]
[View: _bind]
++ Name Server Statistics ++
                   2 IPv4 requests received
                   2 responses sent
                   1 queries resulted in successful answer
                   2 queries resulted in authoritative answer
                   1 queries resulted in NXDOMAIN
                   1 requested transfers completed
                   2 UDP queries received
++ Zone Maintenance Statistics ++
                   2 IPv4 notifies received
++ Resolver Statistics ++
[Common]
[View: default]
[View: _bind]
++ Cache Statistics ++
[View: default]
                   7 cache hits
                   2 cache misses
                   7 cache hits (from query)
                   2 cache misses (from query)
                   0 cache records deleted due to memory exhaustion
                 300 cache tree memory in use
++ Per Zone Query Statistics ++
--- Statistics Dump --- (1795348534)
";
        assert_eq!(text, expected);
    }

    #[test]
    fn zones_with_statistics_get_their_own_lines() {
        let mut totals = Totals::default();
        totals.ns[Ns::Success as usize] = 4;
        let s = Snapshot {
            zones: vec![
                ("_default".into(), "example.com".into(), totals.clone()),
                ("inside".into(), "example.net".into(), Totals::default()),
            ],
            zones_xfr_out: vec![2, 0],
            ..snapshot()
        };
        let text = text(&s, 1);
        assert!(
            text.contains(
                "++ Per Zone Query Statistics ++\n[example.com]\n                   4 queries resulted in successful answer\n                   2 requested transfers completed\n[example.net (view: inside)]\n---"
            ),
            "{text}"
        );
        let v: Value = serde_json::from_str(&json(&s, 1)).expect("JSON");
        assert_eq!(v["zones"]["example.com"]["success"], 4);
        assert_eq!(v["zones"]["example.com"]["xfr_out_completed"], 2);
    }

    #[test]
    fn others_come_first_and_types_have_bind_s_names() {
        let registry = Registry::new();
        let b = registry.register();
        for qtype in [1, 0, 257, 65280, 99, 200, 249, 253, 254, 255, 252, 251] {
            let mut q = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, b'a', 0];
            q.extend(u16::to_be_bytes(qtype));
            q.extend([0, 1]);
            let seen = observe::request(&b, &q, false, false);
            observe::dropped(&b, seen);
        }
        let names: Vec<String> = qtypes(&registry.totals()).map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "Others", "A", "SPF", "TYPE200", "TKEY", "IXFR", "AXFR", "MAILB", "MAILA", "ANY"
            ]
        );
        assert_eq!(registry.totals().qtype_other, 3);
    }

    #[test]
    fn the_json_holds_the_same_numbers() {
        let v: Value = serde_json::from_str(&json(&snapshot(), 5)).expect("JSON");
        assert_eq!(v["opcodes"]["QUERY"], 2);
        assert_eq!(v["qtypes"]["MX"], 1);
        assert_eq!(v["rcodes"]["NXDOMAIN"], 1);
        assert_eq!(v["nsstats"]["nxdomain"], 1);
        assert_eq!(v["nsstats"]["referral"], 0);
        assert_eq!(v["cache"]["_default"]["hits"], 7);
        assert_eq!(v["control"]["commands"], 1);
        assert_eq!(v["zone"]["notify_in_v4"], 2);
        assert_eq!(v["xfr"]["out_bytes"], 2000);
        assert_eq!(v["time"], 5);
    }
}
