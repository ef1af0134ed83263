//! BIND's semantic checks: what `named-checkconf` rejects in a configuration that parses.
//!
//! Messages and places follow BIND 9.18's `bind9_check_namedconf`, for the checks that
//! matter to the configurations Rivet runs: zones (types, duplicates, files, primaries,
//! options that do not fit the type), ACL and key references, `primaries` lists, logging,
//! controls, TLS blocks, views, servers and keys.

use std::collections::HashMap;

use zones::Name;
use zones::diag::Diagnostic;

use crate::ast::{Map, Node, Value};
use crate::grammar::{
    self, Z_DELEGATION, Z_FORWARD, Z_HINT, Z_INVIEW, Z_MIRROR, Z_PRIMARY, Z_REDIRECT, Z_SECONDARY,
    Z_STATICSTUB, Z_STUB,
};
use crate::loc::Loc;
use crate::model::{AclCompiler, AlgorithmError, decode_secret, parse_algorithm};
use crate::parser::Document;

/// Logging categories `named-checkconf` knows.
const CATEGORIES: &[&str] = &[
    "default",
    "general",
    "sslkeylog",
    "config",
    "notify",
    "database",
    "security",
    "dnssec",
    "resolver",
    "xfer-in",
    "xfer-out",
    "dispatch",
    "lame-servers",
    "delegation-only",
    "edns-disabled",
    "rpz",
    "rate-limit",
    "cname",
    "spill",
    "dnstap",
    "zoneload",
    "nsid",
    "rpz-passthru",
    "client",
    "network",
    "update",
    "queries",
    "update-security",
    "query-errors",
    "trust-anchor-telemetry",
    "serve-stale",
    "unmatched",
];

/// Warns where a view (or the configuration without views) has recursion on without
/// forwarders: Rivet does not resolve iteratively. Run after the other checks, so its
/// warning comes last.
pub fn iteration(doc: &Document) -> Vec<Diagnostic> {
    let mut c = Checker {
        root: &doc.root,
        options: doc.root.get("options").and_then(Node::as_map),
        acls: AclCompiler::new(&doc.root),
        out: Vec::new(),
        dns_port: 53,
        files: HashMap::new(),
        inview: HashMap::new(),
    };
    let views = doc.root.get_all("view");
    if views.is_empty() {
        c.check_iteration(None);
    }
    for view in views {
        c.check_iteration(view.as_map());
    }
    c.out
}

/// Runs the checks; an empty result (or warnings only) means the configuration is valid.
pub fn check(doc: &Document) -> Vec<Diagnostic> {
    let mut c = Checker {
        root: &doc.root,
        options: doc.root.get("options").and_then(Node::as_map),
        acls: AclCompiler::new(&doc.root),
        out: Vec::new(),
        dns_port: 53,
        files: HashMap::new(),
        inview: HashMap::new(),
    };
    c.run();
    c.out
}

struct Checker<'a> {
    root: &'a Map,
    options: Option<&'a Map>,
    acls: AclCompiler<'a>,
    out: Vec<Diagnostic>,
    dns_port: u16,
    /// Zone files in use: path -> (writeable, where).
    files: HashMap<String, (bool, Loc)>,
    /// Zones that `in-view` may refer to: "name/class/view".
    inview: HashMap<String, ()>,
}

fn prev(loc: &Loc) -> String {
    format!("{}:{}", loc.file, loc.pos.line)
}

/// The zone type bit for a `type` value.
fn zone_type_bit(ty: &str) -> Option<u32> {
    Some(match ty.to_ascii_lowercase().as_str() {
        "primary" | "master" => Z_PRIMARY,
        "secondary" | "slave" => Z_SECONDARY,
        "mirror" => Z_MIRROR,
        "stub" => Z_STUB,
        "static-stub" => Z_STATICSTUB,
        "forward" => Z_FORWARD,
        "hint" => Z_HINT,
        "delegation-only" => Z_DELEGATION,
        "redirect" => Z_REDIRECT,
        _ => return None,
    })
}

/// The canonical text of a name, as BIND formats it for its tables.
fn canonical(name: &str) -> Option<String> {
    let n = Name::from_text(name, Some(&Name::root())).ok()?;
    let text = n.to_lowercase().to_string();
    if text == "." {
        return Some(text);
    }
    Some(text.trim_end_matches('.').to_owned())
}

impl<'a> Checker<'a> {
    fn error(&mut self, loc: &Loc, message: impl Into<String>) {
        self.out.push(loc.error(message));
    }

    fn warning(&mut self, loc: &Loc, message: impl Into<String>) {
        self.out.push(loc.warning(message));
    }

    fn acl(&mut self, node: &Node) {
        if let Err(diag) = self.acls.compile(node) {
            self.out.push(diag);
        }
    }

    fn run(&mut self) {
        if let Some(options) = self.options {
            self.check_options(options);
        }
        self.check_logging();
        self.check_controls();
        self.check_remote_lists();
        self.check_tls();
        let root = self.root;
        let views = root.get_all("view");
        if views.is_empty() {
            self.check_view(None, "_default", zones::Class::IN);
        } else {
            if let Some(entry) = root.entry("zone") {
                if let Some(loc) = entry.locs.first() {
                    self.error(
                        loc,
                        "when using 'view' statements, all zones must be in views",
                    );
                }
            }
            let mut seen: HashMap<String, Loc> = HashMap::new();
            for view in views {
                let name = view
                    .field("name")
                    .and_then(Node::as_str)
                    .unwrap_or_default();
                let class = view.field("class").and_then(Node::as_str).unwrap_or("IN");
                if zones::Class::from_text(class).is_none() {
                    let loc = view.field("class").map_or(&view.loc, |c| &c.loc);
                    self.error(loc, format!("view '{name}': invalid class {class}"));
                    continue;
                }
                let key = format!("{name}/{}", class.to_ascii_uppercase());
                if let Some(first) = seen.get(&key) {
                    let msg = format!(
                        "view '{name}': already exists previous definition: {}",
                        prev(first)
                    );
                    self.error(&view.loc, msg);
                    continue;
                }
                seen.insert(key, view.loc.clone());
                let lower_class = class.to_ascii_lowercase();
                if (name.eq_ignore_ascii_case("_bind")
                    && (lower_class == "ch" || lower_class == "chaos"))
                    || (name.eq_ignore_ascii_case("_default") && lower_class == "in")
                {
                    self.error(
                        &view.loc,
                        format!("attempt to redefine builtin view '{name}'"),
                    );
                    continue;
                }
                let map = view.field("options").and_then(Node::as_map);
                let class = zones::Class::from_text(class).unwrap_or(zones::Class::IN);
                self.check_view(map, name, class);
            }
        }
        self.check_acl_names();
    }

    fn check_options(&mut self, options: &'a Map) {
        for name in ["port", "tls-port", "http-port", "https-port"] {
            if let Some(node) = options.get(name) {
                let value = node.as_u32().unwrap_or(0);
                if value >= u32::from(u16::MAX) {
                    self.error(&node.loc, format!("port '{value}' out of range"));
                } else if name == "port" {
                    self.dns_port = u16::try_from(value).unwrap_or(53);
                }
            }
        }
        for name in ["listen-on", "listen-on-v6"] {
            for listener in options.get_all(name) {
                self.check_listener(listener);
            }
        }
        for name in ["query-source", "query-source-v6"] {
            self.check_source(options.get(name), name);
        }
        const INTERVALS: &[(&str, u32)] = &[
            ("heartbeat-interval", 28 * 24 * 60),
            ("max-transfer-idle-in", 28 * 24 * 60),
            ("max-transfer-idle-out", 28 * 24 * 60),
            ("max-transfer-time-in", 28 * 24 * 60),
            ("max-transfer-time-out", 28 * 24 * 60),
            ("min-cache-ttl", 90),
            ("min-ncache-ttl", 90),
            ("max-ncache-ttl", 7 * 24 * 3600),
        ];
        self.check_intervals(options, INTERVALS);
        self.check_nonzero(options);
    }

    fn check_intervals(&mut self, map: &Map, table: &[(&str, u32)]) {
        for &(name, max) in table {
            if let Some(node) = map.get(name) {
                let value = match &node.value {
                    Value::Uint(n) => *n,
                    Value::Duration(d) => d.seconds(),
                    _ => 0,
                };
                if value > max {
                    self.error(
                        &node.loc,
                        format!("{name} '{value}' is out of range (0..{max})"),
                    );
                }
            }
        }
    }

    fn check_nonzero(&mut self, map: &Map) {
        for name in [
            "max-retry-time",
            "min-retry-time",
            "max-refresh-time",
            "min-refresh-time",
        ] {
            if let Some(node) = map.get(name) {
                if node.as_u32() == Some(0) {
                    self.error(&node.loc, format!("'{name}' must not be zero"));
                }
            }
        }
    }

    fn check_source(&mut self, node: Option<&Node>, name: &str) {
        let Some(node) = node else {
            return;
        };
        let Some(sa) = node.as_sockaddr() else {
            return;
        };
        if sa.port == self.dns_port {
            self.error(
                &node.loc,
                format!(
                    "'{name}' cannot specify the DNS listener port ({})",
                    sa.port
                ),
            );
        } else if sa.port != 0 {
            self.warning(
                &node.loc,
                format!("'{name}': specifying a port is not recommended"),
            );
        }
    }

    fn tls_defined(&self, name: &str) -> bool {
        self.root
            .get_all("tls")
            .iter()
            .filter_map(Node::as_map)
            .any(|m| m.name_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
    }

    fn check_listener(&mut self, listener: &Node) {
        let head = listener.field("tuple");
        let tls = head.and_then(|h| h.field("tls"));
        let mut do_tls = false;
        let mut no_tls = false;
        if let Some(tls) = tls.filter(|t| !t.is_void()) {
            let name = tls.as_str().unwrap_or_default();
            if name.eq_ignore_ascii_case("none") {
                no_tls = true;
            } else if name.eq_ignore_ascii_case("ephemeral") {
                do_tls = true;
            } else {
                do_tls = true;
                if !self.tls_defined(name) {
                    self.error(&tls.loc, format!("tls '{name}' is not defined"));
                }
            }
        }
        if let Some(http) = head.and_then(|h| h.field("http")).filter(|h| !h.is_void()) {
            let name = http.as_str().unwrap_or_default();
            if !do_tls && !no_tls {
                self.error(
                    &http.loc,
                    "http must specify a 'tls' statement, 'tls ephemeral', or 'tls none'",
                );
            }
            let defined = self
                .root
                .get_all("http")
                .iter()
                .filter_map(Node::as_map)
                .any(|m| m.name_str().is_some_and(|n| n.eq_ignore_ascii_case(name)));
            if !defined && !name.eq_ignore_ascii_case("default") {
                self.error(&http.loc, format!("http '{name}' is not defined"));
            }
        }
        if let Some(port) = head.and_then(|h| h.field("port")).filter(|p| !p.is_void()) {
            let value = port.as_u32().unwrap_or(0);
            if value >= u32::from(u16::MAX) {
                self.error(&port.loc, format!("port value '{value}' is out of range"));
            }
        }
        if let Some(acl) = listener.field("acl") {
            self.acl(acl);
        }
    }

    fn check_logging(&mut self) {
        let Some(logging) = self.root.get("logging").and_then(Node::as_map) else {
            return;
        };
        let mut channels: Vec<String> =
            ["default_syslog", "default_stderr", "default_debug", "null"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect();
        for channel in logging.get_all("channel") {
            let Some(map) = channel.as_map() else {
                continue;
            };
            let name = map.name_str().unwrap_or_default().to_owned();
            let count = ["file", "syslog", "null", "stderr"]
                .iter()
                .filter(|d| map.get(d).is_some())
                .count();
            if count != 1 {
                self.error(
                    &channel.loc,
                    format!("channel '{name}': exactly one of file, syslog, null, and stderr must be present"),
                );
            }
            channels.push(name);
        }
        for category in logging.get_all("category") {
            let name = category
                .field("name")
                .and_then(Node::as_str)
                .unwrap_or_default();
            if !CATEGORIES.iter().any(|c| c.eq_ignore_ascii_case(name)) {
                self.error(&category.loc, format!("undefined category: '{name}'"));
            }
            for dest in category
                .field("destinations")
                .map(Node::as_list)
                .unwrap_or(&[])
            {
                let dname = dest.as_str().unwrap_or_default();
                if !channels.iter().any(|c| c == dname) {
                    self.error(&dest.loc, format!("undefined channel: '{dname}'"));
                }
            }
        }
    }

    fn check_controls(&mut self) {
        let root = self.root;
        let keys: Vec<&str> = root
            .get_all("key")
            .iter()
            .filter_map(Node::as_map)
            .filter_map(Map::name_str)
            .collect();
        for controls in root.get_all("controls") {
            let Some(map) = controls.as_map() else {
                continue;
            };
            for inet in map.get_all("inet") {
                if let Some(allow) = inet.field("allow") {
                    self.acl(allow);
                }
                self.check_control_keys(inet, &keys);
            }
            for unix in map.get_all("unix") {
                let path = unix
                    .field("path")
                    .and_then(Node::as_str)
                    .unwrap_or_default();
                if path.len() >= 108 {
                    self.error(&unix.loc, format!("unix control '{path}': path too long"));
                }
                let perm = unix.field("perm").and_then(Node::as_u32).unwrap_or(0);
                let level = (0..3).find(|i| perm & (0x6 << (i * 3)) == 0x6 << (i * 3));
                match level {
                    Some(0) => self.warning(
                        &unix.loc,
                        format!("unix control '{path}' allows access to everyone"),
                    ),
                    None => self.warning(
                        &unix.loc,
                        format!("unix control '{path}' allows access to nobody"),
                    ),
                    _ => {}
                }
                self.check_control_keys(unix, &keys);
            }
        }
    }

    fn check_control_keys(&mut self, control: &Node, keys: &[&str]) {
        for key in control.field("keys").map(Node::as_list).unwrap_or(&[]) {
            let name = key.as_str().unwrap_or_default();
            if !keys.iter().any(|k| k.eq_ignore_ascii_case(name)) {
                self.error(&key.loc, format!("unknown key '{name}'"));
            }
        }
    }

    fn check_remote_lists(&mut self) {
        let root = self.root;
        let mut seen: HashMap<String, Loc> = HashMap::new();
        for list in ["primaries", "masters"] {
            for def in root.get_all(list) {
                let name = def
                    .field("name")
                    .and_then(Node::as_str)
                    .unwrap_or_default()
                    .to_owned();
                if let Some(first) = seen.get(&name) {
                    let msg = format!(
                        "{list} list '{name}' is duplicated: also defined at {}",
                        prev(first)
                    );
                    self.error(&def.loc, msg);
                    break;
                }
                seen.insert(name, def.loc.clone());
            }
        }
    }

    fn check_tls(&mut self) {
        let root = self.root;
        let mut seen: HashMap<String, Loc> = HashMap::new();
        for tls in root.get_all("tls") {
            let Some(map) = tls.as_map() else {
                continue;
            };
            let name = map.name_str().unwrap_or_default().to_owned();
            if name.eq_ignore_ascii_case("ephemeral") || name.eq_ignore_ascii_case("none") {
                self.error(
                    &tls.loc,
                    format!("tls clause name '{name}' is reserved for internal use"),
                );
            } else if let Some(first) = seen.get(&name) {
                let msg = format!(
                    "tls clause '{name}' is duplicated: also defined at {}",
                    prev(first)
                );
                self.error(&tls.loc, msg);
            } else {
                seen.insert(name.clone(), tls.loc.clone());
            }
            if map.get("key-file").is_some() != map.get("cert-file").is_some() {
                self.error(
                    &tls.loc,
                    format!("tls '{name}': 'cert-file' and 'key-file' must both be specified, or both omitted"),
                );
            }
            if let Some(protocols) = map.get("protocols") {
                let mut any = false;
                for proto in protocols.as_list() {
                    let text = proto.as_str().unwrap_or_default();
                    if text.eq_ignore_ascii_case("TLSv1.2") || text.eq_ignore_ascii_case("TLSv1.3")
                    {
                        any = true;
                    } else {
                        self.error(
                            &proto.loc,
                            format!("'{text}' is not a valid TLS protocol version"),
                        );
                    }
                }
                if !any {
                    self.error(
                        &tls.loc,
                        format!("tls '{name}' does not contain any valid TLS protocol versions definitions"),
                    );
                }
            }
        }
    }

    fn check_acl_names(&mut self) {
        let acls = self.root.get_all("acl");
        for (i, acl) in acls.iter().enumerate() {
            let name = acl.field("name").and_then(Node::as_str).unwrap_or_default();
            if ["localhost", "localnets", "any", "none"]
                .iter()
                .any(|b| b.eq_ignore_ascii_case(name))
            {
                self.error(
                    &acl.loc,
                    format!("attempt to redefine builtin acl '{name}'"),
                );
            }
            for later in &acls[i + 1..] {
                let other = later
                    .field("name")
                    .and_then(Node::as_str)
                    .unwrap_or_default();
                if other.eq_ignore_ascii_case(name) {
                    let msg = format!(
                        "attempt to redefine acl '{other}' previous definition: {}",
                        prev(&acl.loc)
                    );
                    self.error(&later.loc, msg);
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Views

    /// The value of an option for a view: the view's, else the global one.
    fn view_get(&self, view: Option<&'a Map>, name: &str) -> Option<&'a Node> {
        view.and_then(|v| v.get(name))
            .or_else(|| self.options.and_then(|o| o.get(name)))
    }

    fn check_view(&mut self, view: Option<&'a Map>, view_name: &str, view_class: zones::Class) {
        let root = self.root;
        let zones = match view {
            Some(v) => v.get_all("zone"),
            None => root.get_all("zone"),
        };
        let mut names: HashMap<(String, u8), Loc> = HashMap::new();
        for zone in zones {
            self.check_zone(zone, view, view_name, view_class, &mut names);
        }
        let opts = view.or(self.options);
        if let Some(opts) = opts {
            self.check_forward(opts, None);
        }
        if let Some(v) = view {
            self.check_nonzero(v);
        }
        // Keys: the global ones, then the view's.
        let mut keys: HashMap<String, Loc> = HashMap::new();
        self.check_keys(root, &mut keys);
        if let Some(v) = view {
            self.check_keys(v, &mut keys);
        }
        let servers = match view.map(|v| v.get_all("server")) {
            Some(s) if !s.is_empty() => s,
            _ => root.get_all("server"),
        };
        self.check_servers(servers, &keys);
        let has = |m: Option<&Map>, n: &str| m.is_some_and(|m| m.get(n).is_some());
        let mkeys = has(view, "managed-keys") || root.get("managed-keys").is_some();
        let anchors = has(view, "trust-anchors") || root.get("trust-anchors").is_some();
        if mkeys && anchors {
            let entry = view
                .and_then(|v| v.entry("managed-keys"))
                .or_else(|| root.entry("managed-keys"));
            if let Some(loc) = entry.and_then(|e| e.locs.first()) {
                self.error(
                    loc,
                    "use of managed-keys is not allowed when trust-anchors is also in use",
                );
            }
        }
        for name in [
            "allow-query",
            "allow-query-on",
            "allow-query-cache",
            "allow-query-cache-on",
            "blackhole",
            "keep-response-order",
            "match-clients",
            "match-destinations",
            "sortlist",
            "allow-recursion",
            "allow-recursion-on",
        ] {
            let node = match name {
                "match-clients" | "match-destinations" => view.and_then(|v| v.get(name)),
                _ => self.view_get(view, name),
            };
            if let Some(node) = node {
                self.acl(node);
            }
        }
        if let Some(dnstap) = self.view_get(view, "dnstap") {
            if self.options.and_then(|o| o.get("dnstap-output")).is_none() {
                let loc = dnstap.loc.clone();
                self.error(&loc, "'dnstap-output' must be set if 'dnstap' is set");
            }
        }
        if let Some(v) = view {
            for name in ["query-source", "query-source-v6"] {
                self.check_source(v.get(name), name);
            }
        }
    }

    /// Recursion (on by default) without forwarders asks for iterative resolution from
    /// the root hints, which Rivet does not offer: said once per view, at the
    /// `recursion` clause, else the `options` statement, else the first statement.
    fn check_iteration(&mut self, view: Option<&'a Map>) {
        let recursion = self.view_get(view, "recursion");
        if recursion.and_then(Node::as_bool) == Some(false)
            || self.view_get(view, "forwarders").is_some()
        {
            return;
        }
        let zones = view.map_or_else(|| self.root.get_all("zone"), |v| v.get_all("zone"));
        let forward_zone = zones.iter().any(|z| {
            z.as_map()
                .and_then(|m| m.get("type"))
                .and_then(Node::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("forward"))
        });
        if forward_zone {
            return;
        }
        let loc = recursion.map(|n| n.loc.clone()).or_else(|| {
            self.root
                .entry("options")
                .or_else(|| self.root.entries.first())
                .and_then(|e| e.locs.first().cloned())
        });
        let Some(loc) = loc else {
            return;
        };
        let why = if recursion.is_some() {
            "'recursion yes;' with"
        } else {
            "recursion is on by default; with"
        };
        self.warning(
            &loc,
            format!(
                "{why} no 'forwarders': iterative resolution from the root hints is not \
                 implemented by Rivet and is ignored; names outside the served zones are \
                 refused (set 'recursion no;' or configure 'forwarders')"
            ),
        );
    }

    fn check_forward(&mut self, map: &Map, global: Option<&Node>) -> bool {
        let forward = map.get("forward");
        let forwarders = map.get("forwarders");
        if let (Some(fwd), Some(global)) = (forwarders, global) {
            let msg = format!(
                "forwarders declared in root zone and in general configuration: {}",
                prev(&global.loc)
            );
            self.error(&fwd.loc, msg);
            return false;
        }
        if let (Some(f), None) = (forward, forwarders) {
            self.error(&f.loc, "no matching 'forwarders' statement");
            return false;
        }
        true
    }

    fn check_keys(&mut self, map: &Map, seen: &mut HashMap<String, Loc>) {
        for key in map.get_all("key") {
            let Some(m) = key.as_map() else {
                continue;
            };
            let name = m.name_str().unwrap_or_default();
            let Some(canon) = canonical(name) else {
                self.error(&key.loc, format!("key '{name}': bad key name"));
                continue;
            };
            let alg = m.get("algorithm");
            let secret = m.get("secret");
            let (Some(alg), Some(secret)) = (alg, secret) else {
                self.error(
                    &key.loc,
                    format!("key '{name}' must have both 'secret' and 'algorithm' defined"),
                );
                return;
            };
            if decode_secret(secret.as_str().unwrap_or_default()).is_none() {
                self.error(&secret.loc, "bad secret 'bad base64 encoding'");
                return;
            }
            let alg_text = alg.as_str().unwrap_or_default();
            match parse_algorithm(alg_text) {
                Ok((a, Some(bits))) => {
                    if bits < a.bits() / 2 || bits < 80 {
                        self.warning(
                            &alg.loc,
                            format!("key '{name}' digest-bits too small [<{}]", a.bits() / 2),
                        );
                    }
                }
                Ok(_) => {}
                Err(AlgorithmError::Unknown) => {
                    self.error(&alg.loc, format!("unknown algorithm '{alg_text}'"));
                    return;
                }
                Err(AlgorithmError::TooLarge(lo, hi)) => {
                    self.error(
                        &alg.loc,
                        format!("key '{name}' digest-bits too large [{lo}..{hi}]"),
                    );
                    return;
                }
                Err(AlgorithmError::NotMultipleOf8) => {
                    self.error(
                        &alg.loc,
                        format!("key '{name}' digest-bits not multiple of 8"),
                    );
                    return;
                }
                Err(AlgorithmError::BadBits) => {
                    self.error(
                        &alg.loc,
                        format!("key '{name}': unable to parse digest-bits"),
                    );
                    return;
                }
            }
            if let Some(first) = seen.get(&canon) {
                let msg = format!(
                    "key '{name}': already exists previous definition: {}",
                    prev(first)
                );
                self.error(&key.loc, msg);
            } else {
                seen.insert(canon, key.loc.clone());
            }
        }
    }

    fn check_servers(&mut self, servers: &[Node], keys: &HashMap<String, Loc>) {
        for (i, server) in servers.iter().enumerate() {
            let Some(map) = server.as_map() else {
                continue;
            };
            let Some(Value::Prefix(ip, len)) = map.name.as_ref().map(|n| &n.value) else {
                continue;
            };
            let v4 = ip.is_ipv4();
            for (v4name, v6name) in [
                ("transfer-source", "transfer-source-v6"),
                ("notify-source", "notify-source-v6"),
                ("query-source", "query-source-v6"),
            ] {
                let wrong = if v4 { v6name } else { v4name };
                if map.get(wrong).is_some() {
                    self.error(
                        &server.loc,
                        format!("server '{ip}/{len}': {wrong} not legal"),
                    );
                }
                let right = if v4 { v4name } else { v6name };
                if let Some(node) = map.get(right) {
                    if node
                        .as_sockaddr()
                        .is_some_and(|sa| sa.port == self.dns_port)
                    {
                        let port = self.dns_port;
                        self.error(
                            &node.loc,
                            format!("'{right}' cannot specify the DNS listener port ({port})"),
                        );
                    }
                }
            }
            for later in &servers[i + 1..] {
                let same = later.as_map().and_then(|m| m.name.as_ref()).is_some_and(
                    |n| matches!(n.value, Value::Prefix(ip2, len2) if ip2 == *ip && len2 == *len),
                );
                if same {
                    let msg = format!(
                        "server '{ip}/{len}': already exists previous definition: {}",
                        prev(&server.loc)
                    );
                    self.error(&later.loc, msg);
                }
            }
            if let Some(key) = map.get("keys") {
                let name = key.as_str().unwrap_or_default();
                match canonical(name) {
                    None => self.error(&key.loc, format!("bad key name '{name}'")),
                    Some(c) if !keys.contains_key(&c) => {
                        self.error(&key.loc, format!("unknown key '{name}'"))
                    }
                    Some(_) => {}
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Zones

    fn check_zone(
        &mut self,
        zone: &'a Node,
        view: Option<&'a Map>,
        view_name: &str,
        view_class: zones::Class,
        names: &mut HashMap<(String, u8), Loc>,
    ) {
        let zname = zone
            .field("name")
            .and_then(Node::as_str)
            .unwrap_or_default();
        let Some(zmap) = zone.field("options").and_then(Node::as_map) else {
            return;
        };
        let class = zone.field("class").and_then(Node::as_str);
        let (ztype, typestr) = if let Some(target) = zmap.get("in-view") {
            (Z_INVIEW, target.as_str().unwrap_or_default().to_owned())
        } else {
            let Some(ty) = zmap.get("type") else {
                self.error(&zone.loc, format!("zone '{zname}': type not present"));
                return;
            };
            let text = ty.as_str().unwrap_or_default();
            let Some(bit) = zone_type_bit(text) else {
                self.error(&ty.loc, format!("zone '{zname}': invalid type {text}"));
                return;
            };
            if bit == Z_DELEGATION {
                self.warning(&ty.loc, "'type delegation-only' is deprecated");
            }
            if bit == Z_REDIRECT && zname != "." {
                self.error(&zone.loc, "redirect zones must be called \".\"");
                return;
            }
            (bit, text.to_owned())
        };
        if let Some(class) = class {
            let class_loc = zone.field("class").map_or(&zone.loc, |c| &c.loc).clone();
            match zones::Class::from_text(class) {
                None => {
                    self.error(&class_loc, format!("zone '{zname}': invalid class {class}"));
                    return;
                }
                Some(c) if c != view_class => {
                    self.error(
                        &class_loc,
                        format!(
                            "zone '{zname}': class '{class}' does not match view/default class"
                        ),
                    );
                    return;
                }
                Some(_) => {}
            }
        }
        let canon = canonical(zname);
        match &canon {
            None => self.error(&zone.loc, format!("zone '{zname}': is not a valid name")),
            Some(canon) => {
                let slot = match ztype {
                    Z_HINT => 1,
                    Z_REDIRECT => 2,
                    _ => 3,
                };
                if let Some(first) = names.get(&(canon.clone(), slot)) {
                    let msg = format!(
                        "zone '{canon}': already exists previous definition: {}",
                        prev(first)
                    );
                    self.error(&zone.loc, msg);
                } else {
                    names.insert((canon.clone(), slot), zone.loc.clone());
                }
                if ztype == Z_INVIEW {
                    let key = format!("{canon}/IN/{typestr}");
                    if !self.inview.contains_key(&key) {
                        if let Some(target) = zmap.get("in-view") {
                            let msg = format!(
                                "'in-view' zone '{zname}' does not exist in view '{typestr}', or view '{typestr}' is not yet defined"
                            );
                            self.error(&target.loc, msg);
                        }
                    }
                } else if ![Z_FORWARD, Z_REDIRECT, Z_DELEGATION].contains(&ztype) {
                    self.inview.insert(format!("{canon}/IN/{view_name}"), ());
                }
            }
        }
        if ztype == Z_INVIEW {
            let allowed = 1
                + usize::from(zmap.get("forward").is_some())
                + usize::from(zmap.get("forwarders").is_some());
            if zmap.len() > allowed {
                self.error(
                    &zone.loc,
                    format!("zone '{zname}': 'in-view' used with incompatible zone options"),
                );
            }
            return;
        }
        self.check_nonzero(zmap);
        // dnssec-policy must name a policy.
        let policy = zmap
            .get("dnssec-policy")
            .or_else(|| self.view_get(view, "dnssec-policy"));
        if let Some(p) = policy.and_then(Node::as_str) {
            let builtin = ["default", "insecure", "none"].contains(&p);
            let defined = self
                .root
                .get_all("dnssec-policy")
                .iter()
                .any(|d| d.field("name").and_then(Node::as_str) == Some(p));
            if !builtin && !defined {
                self.error(&zone.loc, format!("zone '{zname}': option 'dnssec-policy {p}' has no matching dnssec-policy config"));
            }
        }
        // Options that do not fit the zone type.
        for entry in &zmap.entries {
            if !grammar::valid_for_zone(entry.name(), ztype) {
                let loc = entry.values.first().map_or(&zone.loc, |v| &v.loc).clone();
                let msg = format!(
                    "option '{}' is not allowed in '{typestr}' zone '{zname}'",
                    entry.name()
                );
                self.error(&loc, msg);
            }
        }
        for name in [
            "allow-notify",
            "allow-transfer",
            "allow-update",
            "allow-update-forwarding",
        ] {
            let node = zmap.get(name).or_else(|| self.view_get(view, name));
            if let Some(node) = node {
                let list = if name == "allow-transfer" {
                    node.field("aml")
                } else {
                    Some(node)
                };
                if let Some(list) = list {
                    self.acl(list);
                }
                if name == "allow-transfer" {
                    self.check_transfer_acl(node);
                }
            }
        }
        if [Z_PRIMARY, Z_SECONDARY, Z_MIRROR].contains(&ztype) {
            let notify = zmap.get("notify").or_else(|| self.view_get(view, "notify"));
            let donotify = match notify.map(|n| &n.value) {
                Some(Value::Bool(b)) => *b,
                Some(Value::Str(s)) => {
                    !(ztype != Z_PRIMARY
                        && (s.eq_ignore_ascii_case("master-only")
                            || s.eq_ignore_ascii_case("primary-only")))
                }
                _ => true,
            };
            if zmap.get("also-notify").is_some() && !donotify {
                let loc = zone.field("options").map_or(&zone.loc, |o| &o.loc).clone();
                self.warning(
                    &loc,
                    format!("zone '{zname}': 'also-notify' set but 'notify' is disabled"),
                );
            }
            let also = zmap
                .get("also-notify")
                .or_else(|| self.view_get(view, "also-notify"));
            if let (Some(also), true) = (also, donotify) {
                self.validate_remotes(also);
            }
        }
        let is_root = canon.as_deref() == Some(".");
        if ztype == Z_SECONDARY || ztype == Z_STUB || (ztype == Z_MIRROR && !is_root) {
            let primaries = zmap.get("primaries");
            let masters = zmap.get("masters");
            if let (Some(p), Some(_)) = (primaries, masters) {
                self.error(
                    &p.loc,
                    "'primaries' and 'masters' cannot both be used in the same zone",
                );
            }
            let zloc = zone.field("options").map_or(&zone.loc, |o| &o.loc).clone();
            match primaries.or(masters) {
                None => self.error(&zloc, format!("zone '{zname}': missing 'primaries' entry")),
                Some(list) => {
                    let (count, ok) = self.validate_remotes(list);
                    if ok && count == 0 {
                        self.error(&zloc, format!("zone '{zname}': empty 'primaries' entry"));
                    }
                }
            }
        }
        for name in [
            "transfer-source",
            "transfer-source-v6",
            "notify-source",
            "notify-source-v6",
            "parental-source",
            "parental-source-v6",
        ] {
            let node = zmap
                .get(name)
                .or_else(|| self.options.and_then(|o| o.get(name)));
            if let Some(node) = node {
                let port = node.as_sockaddr().map_or(0, |sa| sa.port);
                if port == self.dns_port {
                    self.error(
                        &node.loc,
                        format!("'{name}' cannot specify the DNS listener port ({port})"),
                    );
                } else if port != 0 {
                    self.warning(
                        &node.loc,
                        format!("'{name}': specifying a port is not recommended"),
                    );
                }
            }
        }
        let mut ddns = false;
        if ztype == Z_PRIMARY || ztype == Z_SECONDARY {
            let au = zmap.get("allow-update");
            let up = zmap.get("update-policy");
            if let (Some(_), Some(up)) = (au, up) {
                self.error(
                    &up.loc,
                    format!(
                        "zone '{zname}': 'allow-update' is ignored when 'update-policy' is present"
                    ),
                );
            }
            if up.is_some() {
                ddns = true;
            } else if let Some(au) = au.or_else(|| self.view_get(view, "allow-update")) {
                if let Ok(list) = self.acls.compile(au) {
                    ddns = !list.is_none();
                }
            }
        }
        let root_forwarders = if is_root {
            self.view_get(view, "forwarders")
        } else {
            None
        };
        self.check_forward(zmap, root_forwarders);
        // Files.
        let dlz = zmap.get("dlz").is_some();
        let database = zmap.get("database").and_then(Node::as_str);
        if dlz && database.is_some() {
            self.error(
                &zone.loc,
                format!("zone '{zname}': cannot specify both 'dlz' and 'database'"),
            );
        } else if !dlz && database.is_none_or(|d| d == "rbt" || d == "rbt64") {
            let file = zmap.get("file");
            let signing = zmap
                .get("inline-signing")
                .and_then(Node::as_bool)
                .unwrap_or(false);
            match file {
                None if ztype == Z_PRIMARY
                    || ztype == Z_HINT
                    || (ztype == Z_SECONDARY && signing) =>
                {
                    self.error(&zone.loc, format!("zone '{zname}': missing 'file' entry"));
                }
                Some(file) => {
                    let policy_signs = policy.and_then(Node::as_str).is_some_and(|p| p != "none");
                    if ztype == Z_SECONDARY || ztype == Z_MIRROR || ddns || policy_signs {
                        self.file_in_use(file, true);
                    } else if ztype == Z_PRIMARY || ztype == Z_HINT {
                        self.file_in_use(file, false);
                    }
                }
                None => {}
            }
        }
    }

    fn file_in_use(&mut self, file: &Node, writeable: bool) {
        let name = file.as_str().unwrap_or_default().to_owned();
        match self.files.get(&name) {
            Some((other_writeable, first)) => {
                if writeable || *other_writeable {
                    let msg = format!("writeable file '{name}': already in use: {}", prev(first));
                    self.error(&file.loc, msg);
                }
            }
            None => {
                self.files.insert(name, (writeable, file.loc.clone()));
            }
        }
    }

    fn check_transfer_acl(&mut self, node: &Node) {
        let head = node.field("port-transport");
        if let Some(port) = head.and_then(|h| h.field("port")).filter(|p| !p.is_void()) {
            let value = port.as_u32().unwrap_or(0);
            if value >= u32::from(u16::MAX) {
                self.error(&port.loc, format!("port value '{value}' is out of range"));
            }
        }
        if let Some(transport) = head
            .and_then(|h| h.field("transport"))
            .and_then(|t| t.as_str().map(|s| (t, s)))
        {
            let (t, s) = transport;
            if !s.eq_ignore_ascii_case("tcp") && !s.eq_ignore_ascii_case("tls") {
                let msg = format!(
                    "'{s}' is not a valid transport protocol for zone transfers. Please specify either 'tcp' or 'tls'"
                );
                self.error(&t.loc, msg);
            }
        }
    }

    /// Checks a remote server list; returns how many addresses it holds and whether it is
    /// valid.
    fn validate_remotes(&mut self, node: &Node) -> (usize, bool) {
        let mut count = 0;
        let mut ok = true;
        let mut seen: Vec<String> = Vec::new();
        let mut stack: Vec<&Node> = vec![node];
        let root = self.root;
        while let Some(list) = stack.pop() {
            for entry in list.field("addresses").map(Node::as_list).unwrap_or(&[]) {
                let Some(element) = entry.field("remoteselement") else {
                    continue;
                };
                let key = entry.field("key").filter(|k| !k.is_void());
                let tls = entry.field("tls").filter(|t| !t.is_void());
                if element.as_sockaddr().is_some() {
                    count += 1;
                    if let Some(key) = key {
                        let k = key.as_str().unwrap_or_default();
                        if canonical(k).is_none() {
                            self.error(&key.loc, format!("'{k}' is not a valid name"));
                            ok = false;
                        }
                    }
                    if let Some(tls) = tls {
                        let t = tls.as_str().unwrap_or_default();
                        if !t.eq_ignore_ascii_case("ephemeral") && !self.tls_defined(t) {
                            self.error(&tls.loc, format!("tls '{t}' is not defined"));
                            ok = false;
                        }
                    }
                    continue;
                }
                for extra in [key, tls].into_iter().flatten() {
                    let text = extra.as_str().unwrap_or_default();
                    self.error(&extra.loc, format!("unexpected token '{text}'"));
                    ok = false;
                }
                let name = element.as_str().unwrap_or_default();
                if seen.iter().any(|s| s == name) {
                    continue;
                }
                seen.push(name.to_owned());
                let def = root
                    .get_all("primaries")
                    .iter()
                    .chain(root.get_all("masters"))
                    .find(|d| {
                        d.field("name")
                            .and_then(Node::as_str)
                            .is_some_and(|n| n.eq_ignore_ascii_case(name))
                    });
                match def {
                    Some(def) => stack.push(def),
                    None => {
                        self.error(
                            &element.loc,
                            format!("unable to find primaries list '{name}'"),
                        );
                        ok = false;
                    }
                }
            }
        }
        (count, ok)
    }
}
