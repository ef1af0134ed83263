//! Prints a parsed configuration in canonical form, as `named-checkconf -p` does: includes
//! expanded, comments dropped, one clause per line in grammar order, tab indentation.

use std::fmt::Write as _;

use crate::ast::{Duration, Map, Node, Value};
use crate::grammar::{self, Special, Ty};
use crate::scalar::format_ip;

/// How to print.
#[derive(Debug, Clone, Copy, Default)]
pub struct PrintOptions {
    /// Replace secrets with `?` characters (`-x`).
    pub mask_secrets: bool,
}

/// The canonical text of a top-level block.
pub fn print_config(root: &Map, options: PrintOptions) -> String {
    let mut p = Printer {
        out: String::new(),
        indent: 0,
        options,
    };
    p.map_body(root);
    p.out
}

struct Printer {
    out: String,
    indent: usize,
    options: PrintOptions,
}

fn is_void(node: &Node) -> bool {
    std::ptr::eq(node.ty, &grammar::VOID)
}

impl Printer {
    fn put(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn tabs(&mut self) {
        for _ in 0..self.indent {
            self.out.push('\t');
        }
    }

    fn open(&mut self) {
        self.put("{\n");
        self.indent += 1;
    }

    fn close(&mut self) {
        self.indent = self.indent.saturating_sub(1);
        self.tabs();
        self.put("}");
    }

    fn quoted(&mut self, s: &str) {
        self.out.push('"');
        for c in s.chars() {
            if c == '"' {
                self.out.push('\\');
            }
            self.out.push(c);
        }
        self.out.push('"');
    }

    fn map_body(&mut self, map: &Map) {
        for set in map.sets {
            for clause in set.iter() {
                let Some(entry) = map.entries.iter().find(|e| std::ptr::eq(e.clause, clause))
                else {
                    continue;
                };
                for value in &entry.values {
                    self.tabs();
                    self.put(clause.name);
                    self.put(" ");
                    self.node(value);
                    self.put(";\n");
                }
            }
        }
    }

    fn node(&mut self, node: &Node) {
        self.value(node.ty, node);
    }

    fn duration(&mut self, d: &Duration) {
        if d.unlimited {
            self.put("unlimited");
            return;
        }
        if !d.iso8601 {
            let _ = write!(self.out, "{}", d.parts[6]);
            return;
        }
        let mut s = String::from("P");
        let date = d.parts[..4].iter().any(|&p| p > 0);
        let time = d.parts[4] > 0 || d.parts[5] > 0 || d.parts[6] > 0 || !date;
        for (i, unit) in ['Y', 'M', 'W', 'D'].iter().enumerate() {
            if d.parts[i] > 0 {
                let _ = write!(s, "{}{unit}", d.parts[i]);
            }
        }
        if time {
            s.push('T');
            if d.parts[4] > 0 {
                let _ = write!(s, "{}H", d.parts[4]);
            }
            if d.parts[5] > 0 {
                let _ = write!(s, "{}M", d.parts[5]);
            }
            if d.parts[6] > 0 || (!date && d.parts[4] == 0 && d.parts[5] == 0) {
                let _ = write!(s, "{}S", d.parts[6]);
            }
        }
        self.put(&s);
    }

    fn btext(&mut self, text: &str) {
        self.indent += 1;
        self.put("{");
        self.put(text);
        self.close();
    }

    fn tuple_fields(&mut self, values: &[Node]) {
        let mut need_space = false;
        for value in values {
            if need_space && !is_void(value) {
                self.put(" ");
            }
            self.node(value);
            need_space = need_space || !is_void(value);
        }
    }

    fn value(&mut self, ty: &'static Ty, node: &Node) {
        match (ty, &node.value) {
            (Ty::Void, _) => {}
            (Ty::KeyValue(kw, inner) | Ty::OptKeyValue(kw, inner), _) => {
                self.put(kw);
                self.put(" ");
                self.value(inner, node);
            }
            (Ty::SString, Value::Str(s)) if self.options.mask_secrets => {
                let masked = "?".repeat(s.len());
                self.quoted(&masked);
            }
            (Ty::QString | Ty::AString | Ty::SString, Value::Str(s)) => self.quoted(s),
            (Ty::BText | Ty::OptBText, Value::Str(s)) => self.btext(s),
            (_, Value::Void) => match ty {
                Ty::Special(Special::QStringOrNone | Special::ServerId) => self.put("none"),
                Ty::Special(Special::BoolOrAuto) => self.put("auto"),
                _ => {}
            },
            (Ty::Special(Special::QStringOrNone | Special::ServerId), Value::Str(s)) => {
                self.quoted(s)
            }
            (Ty::Special(Special::ServerId), Value::Bool(_)) => self.put("hostname"),
            (Ty::Special(Special::LogSeverity), Value::Uint(n)) => {
                let _ = write!(self.out, "debug {n}");
            }
            (Ty::Special(Special::PortRange), Value::Tuple(v)) => {
                self.put("range ");
                self.tuple_fields(v);
            }
            (Ty::Special(Special::QuerySource4 | Special::QuerySource6), Value::SockAddr(sa)) => {
                let _ = write!(
                    self.out,
                    "address {} port {}",
                    format_ip(sa.ip, sa.scope),
                    sa.port
                );
                if let Some(d) = sa.dscp {
                    let _ = write!(self.out, " dscp {d}");
                }
            }
            (Ty::Special(Special::LogFile | Special::DnstapOutput), Value::Tuple(v)) => {
                let fields = if matches!(ty, Ty::Special(Special::LogFile)) {
                    grammar::LOGFILE_FIELDS
                } else {
                    grammar::DNSTAPOUTPUT_FIELDS
                };
                let required = if fields.len() == 4 { 1 } else { 2 };
                for (i, value) in v.iter().enumerate() {
                    if i >= required {
                        if is_void(value) {
                            continue;
                        }
                        self.put(" ");
                        self.put(fields.get(i).map(|f| f.name).unwrap_or(""));
                        self.put(" ");
                    }
                    self.node(value);
                }
            }
            (Ty::Special(Special::Geoip), Value::Tuple(v)) => {
                self.put("geoip");
                for value in v.iter().skip(1) {
                    if is_void(value) {
                        continue;
                    }
                    if std::ptr::eq(value, &v[1]) {
                        self.put(" db");
                    }
                    self.put(" ");
                    self.node(value);
                }
            }
            (Ty::Special(Special::RpzPolicy), Value::Tuple(v)) => self.tuple_fields(v),
            (Ty::Special(Special::UpdatePolicy), Value::List(items)) => self.list(items),
            (Ty::Tuple(_), Value::Tuple(v)) if std::ptr::eq(ty, &grammar::NEGATED) => {
                self.put("!");
                self.tuple_fields(v);
            }
            (Ty::Tuple(_), Value::Tuple(v)) => self.tuple_fields(v),
            (Ty::KvTuple(fields), Value::Tuple(v)) => {
                for (i, value) in v.iter().enumerate() {
                    if is_void(value) {
                        continue;
                    }
                    if i != 0 {
                        self.put(" ");
                        self.put(fields.get(i).map(|f| f.name).unwrap_or(""));
                        self.put(" ");
                    }
                    self.node(value);
                }
            }
            (Ty::List(_), Value::List(items)) => self.list(items),
            (Ty::SpaceList(_), Value::List(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.put(" ");
                    }
                    self.node(item);
                }
            }
            (_, Value::Map(map)) => {
                if matches!(ty, Ty::MapBody(_)) {
                    self.map_body(map);
                    return;
                }
                if let Some(name) = &map.name {
                    self.node(name);
                    self.put(" ");
                }
                self.open();
                self.map_body(map);
                self.close();
            }
            (_, Value::Str(s)) => self.put(s),
            (_, Value::Uint(n)) => {
                let _ = write!(self.out, "{n}");
            }
            (_, Value::Uint64(n)) => {
                let _ = write!(self.out, "{n}");
            }
            (_, Value::Bool(b)) => self.put(if *b { "yes" } else { "no" }),
            (_, Value::Duration(d)) => self.duration(d),
            (_, Value::Percent(p)) => {
                let _ = write!(self.out, "{p}%");
            }
            (_, Value::Fixed(v)) => {
                let _ = write!(self.out, "{}.{:02}", v / 100, v % 100);
            }
            (_, Value::SockAddr(sa)) => {
                self.put(&format_ip(sa.ip, sa.scope));
                if sa.port != 0 {
                    let _ = write!(self.out, " port {}", sa.port);
                }
                if let Some(d) = sa.dscp {
                    let _ = write!(self.out, " dscp {d}");
                }
            }
            (_, Value::Prefix(ip, len)) => {
                let _ = write!(self.out, "{}/{len}", format_ip(*ip, 0));
            }
            (_, Value::List(items)) => self.list(items),
            (_, Value::Tuple(v)) => self.tuple_fields(v),
        }
    }

    fn list(&mut self, items: &[Node]) {
        self.open();
        for item in items {
            self.tabs();
            self.node(item);
            self.put(";\n");
        }
        self.close();
    }
}
