//! From the checked syntax tree to the typed [`Config`].

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use zones::diag::Diagnostic;
use zones::{Class, Name};

use super::acl::{AddressMatchList, AmlElement, AmlKind};
use super::keys::{Key, decode_secret, parse_algorithm};
use super::options::{
    CacheSize, DnssecValidation, Identity, Listener, MinimalResponses, ServerOptions, ViewOptions,
};
use super::statements::{
    ControlChannel, LogChannel, LogDestination, LogSeverity, Logging, PrintTime, RemoteList,
    ServerPeer, StatisticsChannel, TlsConfig, TrustAnchor,
};
use super::zone::{
    CheckMode, ForwardMode, GrantRule, JournalSize, MasterFormat, MasterStyle, NotifyMode,
    RemoteServer, SourceAddr, TransferAcl, UpdatePolicy, Zone, ZoneKind,
};
use super::{Config, FileSetting, View};
use crate::ast::{Map, Node, Value};
use crate::fs::{MemFs, resolve};
use crate::grammar::{self, Special, Ty};
use crate::parser::{Document, ParseOptions, parse_str};

/// The built-in defaults, parsed once.
fn defaults() -> Result<&'static Map, Diagnostic> {
    static DEFAULTS: OnceLock<Option<Map>> = OnceLock::new();
    let parsed = DEFAULTS.get_or_init(|| {
        let fs = MemFs::new();
        let (doc, _) = parse_str(
            &fs,
            "<defaults>",
            crate::defaults::DEFAULT_OPTIONS,
            &ParseOptions::default(),
        );
        doc.and_then(|d| d.root.get("options").and_then(Node::as_map).cloned())
    });
    parsed
        .as_ref()
        .ok_or_else(|| Diagnostic::error(None, None, "the built-in defaults do not parse"))
}

/// Compiles address match lists, expanding named ACLs (cached, loops detected).
pub(crate) struct AclCompiler<'a> {
    root: &'a Map,
    cache: HashMap<String, AddressMatchList>,
}

impl<'a> AclCompiler<'a> {
    /// A compiler for the ACLs of this configuration.
    pub(crate) fn new(root: &'a Map) -> Self {
        Self {
            root,
            cache: HashMap::new(),
        }
    }

    /// Compiles a list node; the error names the element at fault, as BIND does.
    pub(crate) fn compile(&mut self, list: &Node) -> Result<AddressMatchList, Diagnostic> {
        let mut stack = Vec::new();
        self.compile_list(list, &mut stack)
    }

    fn compile_list(
        &mut self,
        list: &Node,
        stack: &mut Vec<String>,
    ) -> Result<AddressMatchList, Diagnostic> {
        let mut elements = Vec::new();
        for item in list.as_list() {
            elements.push(self.element(item, stack)?);
        }
        Ok(AddressMatchList { elements })
    }

    fn element(&mut self, node: &Node, stack: &mut Vec<String>) -> Result<AmlElement, Diagnostic> {
        if std::ptr::eq(node.ty, &grammar::NEGATED) {
            let inner = match &node.value {
                Value::Tuple(fields) => fields.first(),
                _ => None,
            };
            let Some(inner) = inner else {
                return Err(node.loc.error("empty negated element"));
            };
            let mut e = self.element(inner, stack)?;
            e.negated = !e.negated;
            return Ok(e);
        }
        if std::ptr::eq(node.ty, &grammar::KEYREF) {
            let name = node.as_str().unwrap_or_default().to_owned();
            return Ok(AmlElement {
                negated: false,
                kind: AmlKind::Key(name),
            });
        }
        if matches!(node.ty, Ty::Special(Special::Geoip)) {
            // The option table rejects configurations with GeoIP elements before a model is
            // built; for the checks that come first, such an element matches nothing.
            return Ok(AmlElement {
                negated: false,
                kind: AmlKind::None,
            });
        }
        let kind = match &node.value {
            Value::Prefix(ip, len) => AmlKind::Prefix(*ip, *len),
            Value::List(_) => AmlKind::Nested(self.compile_list(node, stack)?),
            Value::Str(name) => self.named(name, node, stack)?,
            _ => return Err(node.loc.error("unexpected address match list element")),
        };
        Ok(AmlElement {
            negated: false,
            kind,
        })
    }

    fn named(
        &mut self,
        name: &str,
        node: &Node,
        stack: &mut Vec<String>,
    ) -> Result<AmlKind, Diagnostic> {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "any" => return Ok(AmlKind::Any),
            "none" => return Ok(AmlKind::None),
            "localhost" => return Ok(AmlKind::Localhost),
            "localnets" => return Ok(AmlKind::Localnets),
            _ => {}
        }
        if stack.contains(&lower) {
            return Err(node.loc.error(format!("acl loop detected: {name}")));
        }
        if let Some(done) = self.cache.get(&lower) {
            return Ok(AmlKind::Nested(done.clone()));
        }
        let root = self.root;
        let def = root.get_all("acl").iter().find(|acl| {
            acl.field("name")
                .and_then(Node::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        });
        let Some(def) = def else {
            return Err(node.loc.error(format!("undefined ACL '{name}'")));
        };
        let Some(value) = def.field("value") else {
            return Err(node.loc.error(format!("undefined ACL '{name}'")));
        };
        stack.push(lower.clone());
        let compiled = self.compile_list(value, stack);
        stack.pop();
        let compiled = compiled?;
        self.cache.insert(lower, compiled.clone());
        Ok(AmlKind::Nested(compiled))
    }
}

/// Settings looked up from the most specific block to the defaults.
struct Scope<'a> {
    maps: Vec<&'a Map>,
}

impl<'a> Scope<'a> {
    fn get(&self, name: &str) -> Option<&'a Node> {
        self.maps.iter().find_map(|m| m.get(name))
    }

    /// The first of `names` set in the configuration itself, else the first one's
    /// default: BIND's `allow-recursion` and `allow-query-cache` (and their `-on`
    /// forms) stand in for each other, then `allow-query`, before the built-in default.
    fn inherited(&self, names: &[&str]) -> Option<&'a Node> {
        let configured = &self.maps[..self.maps.len().saturating_sub(1)];
        names
            .iter()
            .find_map(|name| configured.iter().find_map(|m| m.get(name)))
            .or_else(|| names.first().and_then(|name| self.get(name)))
    }

    fn bool(&self, name: &str) -> bool {
        self.get(name).and_then(Node::as_bool).unwrap_or(false)
    }

    fn u32(&self, name: &str) -> u32 {
        self.get(name).map(node_u32).unwrap_or(0)
    }

    fn secs(&self, name: &str) -> u32 {
        self.get(name).map(node_u32).unwrap_or(0)
    }
}

fn node_u32(node: &Node) -> u32 {
    match &node.value {
        Value::Uint(n) => *n,
        Value::Duration(d) => d.seconds(),
        Value::Uint64(n) => u32::try_from(*n).unwrap_or(u32::MAX),
        _ => 0,
    }
}

fn u16_of(n: u32) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

fn opt_u32(node: Option<&Node>) -> Option<u32> {
    node.and_then(Node::as_u32)
}

fn source_addr(node: Option<&Node>, v6: bool) -> SourceAddr {
    match node.and_then(Node::as_sockaddr) {
        Some(sa) => SourceAddr {
            ip: sa.ip,
            port: sa.port,
        },
        None => SourceAddr {
            ip: if v6 {
                IpAddr::V6(Ipv6Addr::UNSPECIFIED)
            } else {
                IpAddr::V4(Ipv4Addr::UNSPECIFIED)
            },
            port: 0,
        },
    }
}

fn str_list(node: Option<&Node>) -> Vec<String> {
    node.map(|n| {
        n.as_list()
            .iter()
            .filter_map(Node::as_str)
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

fn check_mode(text: &str) -> CheckMode {
    match text.to_ascii_lowercase().as_str() {
        "fail" => CheckMode::Fail,
        "ignore" => CheckMode::Ignore,
        _ => CheckMode::Warn,
    }
}

/// Builds the typed configuration; errors name the place at fault.
pub(crate) fn build(doc: &Document) -> Result<Config, Vec<Diagnostic>> {
    let defaults = defaults().map_err(|d| vec![d])?;
    let mut b = Builder {
        root: &doc.root,
        options: doc.root.get("options").and_then(Node::as_map),
        defaults,
        directory: doc.directory.clone(),
        acls: AclCompiler::new(&doc.root),
        errors: Vec::new(),
    };
    let config = b.config();
    if b.errors.is_empty() {
        Ok(config)
    } else {
        Err(b.errors)
    }
}

struct Builder<'a> {
    root: &'a Map,
    options: Option<&'a Map>,
    defaults: &'a Map,
    directory: PathBuf,
    acls: AclCompiler<'a>,
    errors: Vec<Diagnostic>,
}

impl<'a> Builder<'a> {
    fn scope(&self, zone: Option<&'a Map>, view: Option<&'a Map>) -> Scope<'a> {
        let mut maps = Vec::with_capacity(4);
        maps.extend(zone);
        maps.extend(view);
        maps.extend(self.options);
        maps.push(self.defaults);
        Scope { maps }
    }

    fn path(&self, file: &str) -> PathBuf {
        resolve(&self.directory, Path::new(file))
    }

    fn aml(&mut self, node: Option<&Node>, default: AddressMatchList) -> AddressMatchList {
        let Some(node) = node else {
            return default;
        };
        match self.acls.compile(node) {
            Ok(list) => list,
            Err(diag) => {
                self.errors.push(diag);
                default
            }
        }
    }

    /// Port of the `port` option.
    fn dns_port(&self) -> u16 {
        u16_of(self.scope(None, None).u32("port"))
    }

    fn tls_port(&self) -> u16 {
        u16_of(self.scope(None, None).u32("tls-port"))
    }

    fn config(&mut self) -> Config {
        let root = self.root;
        let options = self.server_options();
        let mut acls = Vec::new();
        for acl in root.get_all("acl") {
            let name = acl
                .field("name")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_owned();
            let list = self.aml(acl.field("value"), AddressMatchList::none());
            acls.push((name, list));
        }
        let keys = self.keys(root);
        let controls = root.entry("controls").map(|_| self.controls());
        let logging = root
            .get("logging")
            .and_then(Node::as_map)
            .map(|m| self.logging(m));
        let mut remote_lists = Vec::new();
        for list in root
            .get_all("primaries")
            .iter()
            .chain(root.get_all("masters"))
        {
            remote_lists.push(RemoteList {
                name: list
                    .field("name")
                    .and_then(Node::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                port: opt_u32(list.field("port")).map(u16_of),
            });
        }
        let servers = self.servers(root);
        let tls = root
            .get_all("tls")
            .iter()
            .filter_map(Node::as_map)
            .map(|m| self.tls(m))
            .collect();
        let statistics_channels = self.statistics_channels();
        let views = self.views(&servers);
        let global_view_options = self.view_options(None);
        let mut trust_anchors = Vec::new();
        for clause in ["trust-anchors", "managed-keys", "trusted-keys"] {
            for list in root.get_all(clause) {
                for anchor in list.as_list() {
                    trust_anchors.push(trust_anchor(anchor));
                }
            }
        }
        let dnssec_policies = root
            .get_all("dnssec-policy")
            .iter()
            .filter_map(|p| p.field("name").and_then(Node::as_str))
            .map(str::to_owned)
            .collect();
        Config {
            options,
            acls,
            keys,
            controls,
            logging,
            remote_lists,
            servers,
            tls,
            statistics_channels,
            views,
            global_view_options,
            trust_anchors,
            dnssec_policies,
        }
    }

    // -----------------------------------------------------------------------------------------
    // Options

    fn identity(node: Option<&Node>) -> Identity {
        match node.map(|n| &n.value) {
            None => Identity::Default,
            Some(Value::Void) => Identity::Hidden,
            Some(Value::Bool(_)) => Identity::Hostname,
            Some(Value::Str(s)) => Identity::Text(s.clone()),
            Some(_) => Identity::Default,
        }
    }

    fn file_setting(&self, node: Option<&Node>) -> FileSetting {
        match node.map(|n| &n.value) {
            None => FileSetting::Default,
            Some(Value::Str(s)) => FileSetting::Path(self.path(s)),
            Some(_) => FileSetting::None,
        }
    }

    fn server_options(&mut self) -> ServerOptions {
        let scope = self.scope(None, None);
        let opts = self.options;
        let listen_on = self.listeners(
            scope
                .maps
                .iter()
                .find_map(|m| m.entry("listen-on"))
                .map(|e| e.values.as_slice())
                .unwrap_or(&[]),
        );
        let listen_on_v6 = self.listeners(
            scope
                .maps
                .iter()
                .find_map(|m| m.entry("listen-on-v6"))
                .map(|e| e.values.as_slice())
                .unwrap_or(&[]),
        );
        let blackhole = self.aml(scope.get("blackhole"), AddressMatchList::none());
        let opt = |name: &str| opts.and_then(|m| m.get(name));
        ServerOptions {
            directory: self.directory.clone(),
            pid_file: self.file_setting(opt("pid-file")),
            listen_on,
            listen_on_v6,
            port: self.dns_port(),
            tls_port: self.tls_port(),
            version: Self::identity(opt("version")),
            hostname: Self::identity(opt("hostname")),
            server_id: match opt("server-id") {
                None => Identity::Hidden,
                some => Self::identity(some),
            },
            querylog: opt("querylog").and_then(Node::as_bool),
            statistics_file: self.path(
                scope
                    .get("statistics-file")
                    .and_then(Node::as_str)
                    .unwrap_or("named.stats"),
            ),
            dump_file: self.path(
                scope
                    .get("dump-file")
                    .and_then(Node::as_str)
                    .unwrap_or("named_dump.db"),
            ),
            blackhole,
            transfers_in: scope.u32("transfers-in"),
            transfers_out: scope.u32("transfers-out"),
            transfers_per_ns: scope.u32("transfers-per-ns"),
            serial_query_rate: scope.u32("serial-query-rate"),
            notify_rate: scope.u32("notify-rate"),
            startup_notify_rate: scope.u32("startup-notify-rate"),
            tcp_clients: scope.u32("tcp-clients"),
            tcp_initial_timeout: scope.u32("tcp-initial-timeout"),
            tcp_idle_timeout: scope.u32("tcp-idle-timeout"),
            tcp_keepalive_timeout: scope.u32("tcp-keepalive-timeout"),
            tcp_advertised_timeout: scope.u32("tcp-advertised-timeout"),
            tcp_listen_queue: scope.u32("tcp-listen-queue"),
            recursive_clients: scope.u32("recursive-clients"),
            answer_cookie: scope.bool("answer-cookie"),
            cookie_secrets: opts
                .map(|m| {
                    m.get_all("cookie-secret")
                        .iter()
                        .filter_map(Node::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            transfer_message_size: scope.u32("transfer-message-size"),
            session_keyfile: self.file_setting(opt("session-keyfile")),
        }
    }

    fn listeners(&mut self, values: &[Node]) -> Vec<Listener> {
        let mut out = Vec::new();
        for value in values {
            let head = value.field("tuple");
            let tls = head
                .and_then(|h| h.field("tls"))
                .and_then(Node::as_str)
                .map(str::to_owned);
            let http = head
                .and_then(|h| h.field("http"))
                .and_then(Node::as_str)
                .map(str::to_owned);
            let port = match opt_u32(head.and_then(|h| h.field("port"))) {
                Some(p) => u16_of(p),
                None if tls.is_some() => self.tls_port(),
                None => self.dns_port(),
            };
            let addresses = self.aml(value.field("acl"), AddressMatchList::none());
            out.push(Listener {
                port,
                tls,
                http,
                addresses,
            });
        }
        out
    }

    fn forwarders(&self, node: Option<&Node>) -> Vec<SocketAddr> {
        let Some(node) = node else {
            return Vec::new();
        };
        let list_port = opt_u32(node.field("port"))
            .map(u16_of)
            .unwrap_or_else(|| self.dns_port());
        node.field("addresses")
            .map(Node::as_list)
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::as_sockaddr)
            .map(|sa| SocketAddr::new(sa.ip, if sa.port != 0 { sa.port } else { list_port }))
            .collect()
    }

    fn view_options(&mut self, view: Option<&'a Map>) -> ViewOptions {
        let scope = self.scope(None, view);
        let check = |kind: &[&str]| -> CheckMode {
            for map in &scope.maps {
                for entry in map.get_all("check-names") {
                    let ty = entry.field("type").and_then(Node::as_str).unwrap_or("");
                    if kind.iter().any(|k| k.eq_ignore_ascii_case(ty)) {
                        return check_mode(
                            entry.field("mode").and_then(Node::as_str).unwrap_or("warn"),
                        );
                    }
                }
            }
            CheckMode::Warn
        };
        let check_names_primary = check(&["primary", "master"]);
        let check_names_secondary = check(&["secondary", "slave"]);
        let check_names_response = check(&["response"]);
        ViewOptions {
            recursion: scope.bool("recursion"),
            allow_recursion: self.aml(
                scope.inherited(&["allow-recursion", "allow-query-cache", "allow-query"]),
                AddressMatchList::none(),
            ),
            allow_recursion_on: self.aml(
                scope.inherited(&["allow-recursion-on", "allow-query-cache-on"]),
                AddressMatchList::any(),
            ),
            allow_query_cache: self.aml(
                scope.inherited(&["allow-query-cache", "allow-recursion", "allow-query"]),
                AddressMatchList::none(),
            ),
            allow_query_cache_on: self.aml(
                scope.inherited(&["allow-query-cache-on", "allow-recursion-on"]),
                AddressMatchList::any(),
            ),
            forwarders: self.forwarders(scope.get("forwarders")),
            forward: forward_mode(scope.get("forward")),
            minimal_responses: match scope.get("minimal-responses").map(|n| &n.value) {
                Some(Value::Bool(true)) => MinimalResponses::Yes,
                Some(Value::Bool(false)) => MinimalResponses::No,
                Some(Value::Str(s)) if s.eq_ignore_ascii_case("no-auth") => {
                    MinimalResponses::NoAuth
                }
                _ => MinimalResponses::NoAuthRecursive,
            },
            minimal_any: scope.bool("minimal-any"),
            max_udp_size: scope.u32("max-udp-size"),
            edns_udp_size: scope.u32("edns-udp-size"),
            nocookie_udp_size: scope.u32("nocookie-udp-size"),
            dnssec_validation: match scope.get("dnssec-validation").map(|n| &n.value) {
                Some(Value::Bool(true)) => DnssecValidation::Yes,
                Some(Value::Bool(false)) => DnssecValidation::No,
                _ => DnssecValidation::Auto,
            },
            max_cache_size: match scope.get("max-cache-size").map(|n| &n.value) {
                Some(Value::Uint64(n)) => CacheSize::Bytes(*n),
                Some(Value::Percent(p)) => CacheSize::Percent(*p),
                Some(Value::Str(s)) if s.eq_ignore_ascii_case("unlimited") => CacheSize::Unlimited,
                _ => CacheSize::Default,
            },
            max_cache_ttl: scope.secs("max-cache-ttl"),
            max_ncache_ttl: scope.secs("max-ncache-ttl"),
            min_cache_ttl: scope.secs("min-cache-ttl"),
            min_ncache_ttl: scope.secs("min-ncache-ttl"),
            provide_ixfr: scope.bool("provide-ixfr"),
            transfer_format_many_answers: scope
                .get("transfer-format")
                .and_then(Node::as_str)
                .is_none_or(|s| s.eq_ignore_ascii_case("many-answers")),
            check_names_primary,
            check_names_secondary,
            check_names_response,
            query_source: source_addr(scope.get("query-source"), false),
            query_source_v6: source_addr(scope.get("query-source-v6"), true),
            send_cookie: scope.bool("send-cookie"),
            require_server_cookie: scope.bool("require-server-cookie"),
            servfail_ttl: scope.secs("servfail-ttl"),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Views and zones

    fn views(&mut self, global_servers: &[ServerPeer]) -> Vec<View> {
        let root = self.root;
        let views = root.get_all("view");
        if views.is_empty() {
            let options = self.view_options(None);
            let zones = self.zones(root.get_all("zone"), None, "_default", Class::IN);
            return vec![View {
                name: "_default".to_owned(),
                class: Class::IN,
                implicit: true,
                match_clients: AddressMatchList::any(),
                match_destinations: AddressMatchList::any(),
                match_recursive_only: false,
                options,
                keys: Vec::new(),
                servers: global_servers.to_vec(),
                zones,
            }];
        }
        let mut out = Vec::new();
        for view in views {
            let name = view
                .field("name")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_owned();
            let class = view
                .field("class")
                .and_then(Node::as_str)
                .and_then(Class::from_text)
                .unwrap_or(Class::IN);
            let Some(map) = view.field("options").and_then(Node::as_map) else {
                continue;
            };
            let match_clients = self.aml(map.get("match-clients"), AddressMatchList::any());
            let match_destinations =
                self.aml(map.get("match-destinations"), AddressMatchList::any());
            let options = self.view_options(Some(map));
            let keys = self.keys(map);
            let own_servers = self.servers(map);
            let servers = if own_servers.is_empty() {
                global_servers.to_vec()
            } else {
                own_servers
            };
            let zones = self.zones(map.get_all("zone"), Some(map), &name, class);
            out.push(View {
                name,
                class,
                implicit: false,
                match_clients,
                match_destinations,
                match_recursive_only: map
                    .get("match-recursive-only")
                    .and_then(Node::as_bool)
                    .unwrap_or(false),
                options,
                keys,
                servers,
                zones,
            });
        }
        out
    }

    fn zones(
        &mut self,
        nodes: &'a [Node],
        view: Option<&'a Map>,
        view_name: &str,
        class: Class,
    ) -> Vec<Zone> {
        nodes
            .iter()
            .filter_map(|z| self.zone(z, view, view_name, class))
            .collect()
    }

    fn zone(
        &mut self,
        node: &'a Node,
        view: Option<&'a Map>,
        view_name: &str,
        view_class: Class,
    ) -> Option<Zone> {
        let text = node.field("name").and_then(Node::as_str)?;
        let name = match Name::from_text(text, Some(&Name::root())) {
            Ok(n) => n,
            Err(e) => {
                self.errors.push(
                    node.loc
                        .error(format!("zone '{text}': is not a valid name: {e}")),
                );
                return None;
            }
        };
        let class = match node.field("class").and_then(Node::as_str) {
            Some(c) => match Class::from_text(c) {
                Some(c) => c,
                None => {
                    self.errors
                        .push(node.loc.error(format!("zone '{text}': invalid class {c}")));
                    return None;
                }
            },
            None => view_class,
        };
        let zmap = node.field("options").and_then(Node::as_map)?;
        let kind = if let Some(target) = zmap.get("in-view").and_then(Node::as_str) {
            ZoneKind::InView(target.to_owned())
        } else {
            match zmap
                .get("type")
                .and_then(Node::as_str)
                .map(str::to_ascii_lowercase)
                .as_deref()
            {
                Some("primary" | "master") => ZoneKind::Primary,
                Some("secondary" | "slave") => ZoneKind::Secondary,
                Some("mirror") => ZoneKind::Mirror,
                Some("stub") => ZoneKind::Stub,
                Some("static-stub") => ZoneKind::StaticStub,
                Some("forward") => ZoneKind::Forward,
                Some("hint") => ZoneKind::Hint,
                Some("redirect") => ZoneKind::Redirect,
                Some("delegation-only") => ZoneKind::DelegationOnly,
                _ => {
                    self.errors
                        .push(node.loc.error(format!("zone '{text}': type not present")));
                    return None;
                }
            }
        };
        let scope = self.scope(Some(zmap), view);
        let file = zmap
            .get("file")
            .and_then(Node::as_str)
            .map(|f| self.path(f));
        let journal = match zmap.get("journal").and_then(Node::as_str) {
            Some(j) => Some(self.path(j)),
            None => file.as_ref().map(|f| {
                let mut s = f.clone().into_os_string();
                s.push(".jnl");
                PathBuf::from(s)
            }),
        };
        let primaries = match zmap.get("primaries").or_else(|| zmap.get("masters")) {
            Some(list) => self.remotes(list),
            None => Vec::new(),
        };
        let also_notify = match scope.get("also-notify") {
            Some(list) => self.remotes(list),
            None => Vec::new(),
        };
        let notify = match scope.get("notify").map(|n| &n.value) {
            Some(Value::Bool(false)) => NotifyMode::No,
            Some(Value::Str(s)) if s.eq_ignore_ascii_case("explicit") => NotifyMode::Explicit,
            Some(Value::Str(_)) => NotifyMode::PrimaryOnly,
            _ => NotifyMode::Yes,
        };
        let secondary_like = matches!(kind, ZoneKind::Secondary | ZoneKind::Mirror);
        let ixfr_from_differences = match zmap.get("ixfr-from-differences") {
            Some(n) => n.as_bool().unwrap_or(false),
            None => match scope.get("ixfr-from-differences").map(|n| &n.value) {
                Some(Value::Bool(b)) => *b,
                Some(Value::Str(s)) => match s.to_ascii_lowercase().as_str() {
                    "primary" | "master" => kind == ZoneKind::Primary,
                    _ => secondary_like,
                },
                _ => false,
            },
        };
        let allow_transfer = {
            let node = scope.get("allow-transfer");
            let head = node.and_then(|n| n.field("port-transport"));
            TransferAcl {
                port: opt_u32(head.and_then(|h| h.field("port"))).map(u16_of),
                transport: head
                    .and_then(|h| h.field("transport"))
                    .and_then(Node::as_str)
                    .map(str::to_owned),
                acl: self.aml(node.and_then(|n| n.field("aml")), AddressMatchList::any()),
            }
        };
        let check_names = match zmap.get("check-names").and_then(Node::as_str) {
            Some(mode) => check_mode(mode),
            None => {
                let view_opts = [view, self.options, Some(self.defaults)];
                let wanted: &[&str] = if kind == ZoneKind::Primary {
                    &["primary", "master"]
                } else {
                    &["secondary", "slave"]
                };
                view_opts
                    .iter()
                    .flatten()
                    .flat_map(|m| m.get_all("check-names"))
                    .find(|e| {
                        let ty = e.field("type").and_then(Node::as_str).unwrap_or("");
                        wanted.iter().any(|w| w.eq_ignore_ascii_case(ty))
                    })
                    .and_then(|e| e.field("mode").and_then(Node::as_str))
                    .map(check_mode)
                    .unwrap_or(CheckMode::Warn)
            }
        };
        let update_policy = zmap.get("update-policy").map(update_policy);
        let minutes = |name: &str| scope.u32(name).saturating_mul(60);
        let zone = Zone {
            name,
            class,
            file,
            journal,
            primaries,
            also_notify,
            notify,
            notify_delay: scope.u32("notify-delay"),
            notify_to_soa: scope.bool("notify-to-soa"),
            notify_source: source_addr(scope.get("notify-source"), false),
            notify_source_v6: source_addr(scope.get("notify-source-v6"), true),
            transfer_source: source_addr(scope.get("transfer-source"), false),
            transfer_source_v6: source_addr(scope.get("transfer-source-v6"), true),
            allow_query: self.aml(scope.get("allow-query"), AddressMatchList::any()),
            allow_query_on: self.aml(scope.get("allow-query-on"), AddressMatchList::any()),
            allow_transfer,
            allow_notify: self.aml(scope.get("allow-notify"), AddressMatchList::none()),
            allow_update: self.aml(scope.get("allow-update"), AddressMatchList::none()),
            allow_update_forwarding: self.aml(
                scope.get("allow-update-forwarding"),
                AddressMatchList::none(),
            ),
            update_policy,
            forwarders: self.forwarders(scope.get("forwarders")),
            forward: forward_mode(scope.get("forward")),
            masterfile_format: match scope.maps[..scope.maps.len() - 1]
                .iter()
                .find_map(|m| m.get("masterfile-format"))
                .and_then(Node::as_str)
            {
                Some(f) if f.eq_ignore_ascii_case("raw") => MasterFormat::Raw,
                Some(_) => MasterFormat::Text,
                None if secondary_like => MasterFormat::Raw,
                None => MasterFormat::Text,
            },
            masterfile_style: match scope.get("masterfile-style").and_then(Node::as_str) {
                Some(s) if s.eq_ignore_ascii_case("full") => MasterStyle::Full,
                _ => MasterStyle::Relative,
            },
            ixfr_from_differences,
            request_ixfr: scope.bool("request-ixfr"),
            request_expire: scope.bool("request-expire"),
            max_journal_size: match scope.get("max-journal-size").map(|n| &n.value) {
                Some(Value::Uint64(n)) => JournalSize::Bytes(*n),
                Some(Value::Str(s)) if s.eq_ignore_ascii_case("unlimited") => {
                    JournalSize::Unlimited
                }
                _ => JournalSize::Default,
            },
            min_refresh_time: scope.u32("min-refresh-time"),
            max_refresh_time: scope.u32("max-refresh-time"),
            min_retry_time: scope.u32("min-retry-time"),
            max_retry_time: scope.u32("max-retry-time"),
            max_transfer_time_in: minutes("max-transfer-time-in"),
            max_transfer_idle_in: minutes("max-transfer-idle-in"),
            max_transfer_time_out: minutes("max-transfer-time-out"),
            max_transfer_idle_out: minutes("max-transfer-idle-out"),
            try_tcp_refresh: scope.bool("try-tcp-refresh"),
            multi_master: scope.bool("multi-master"),
            zone_statistics: match scope.get("zone-statistics").map(|n| &n.value) {
                Some(Value::Bool(true)) => super::zone::ZoneStatistics::Full,
                Some(Value::Str(s)) if s.eq_ignore_ascii_case("full") => {
                    super::zone::ZoneStatistics::Full
                }
                Some(Value::Str(s)) if s.eq_ignore_ascii_case("none") => {
                    super::zone::ZoneStatistics::None
                }
                _ => super::zone::ZoneStatistics::Terse,
            },
            check_names,
            max_zone_ttl: match scope.get("max-zone-ttl").map(|n| &n.value) {
                Some(Value::Duration(d)) => Some(d.seconds()),
                _ => None,
            },
            dnssec_policy: scope
                .get("dnssec-policy")
                .and_then(Node::as_str)
                .filter(|p| !p.eq_ignore_ascii_case("none"))
                .map(str::to_owned),
            inline_signing: zmap
                .get("inline-signing")
                .and_then(Node::as_bool)
                .unwrap_or(false),
            zero_no_soa_ttl: scope.bool("zero-no-soa-ttl"),
            server_addresses: zmap
                .get("server-addresses")
                .map(|l| {
                    l.as_list()
                        .iter()
                        .filter_map(Node::as_sockaddr)
                        .map(|s| s.ip)
                        .collect()
                })
                .unwrap_or_default(),
            server_names: str_list(zmap.get("server-names")),
            kind,
        };
        let _ = view_name;
        Some(zone)
    }

    /// Expands a `[port P] { address [port P] [key K] [tls T]; list-name; ... }` value.
    fn remotes(&mut self, node: &Node) -> Vec<RemoteServer> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        let port = opt_u32(node.field("port")).map(u16_of);
        self.expand_remotes(node, port, &mut seen, &mut out);
        out
    }

    fn expand_remotes(
        &mut self,
        node: &Node,
        list_port: Option<u16>,
        seen: &mut HashSet<String>,
        out: &mut Vec<RemoteServer>,
    ) {
        let root = self.root;
        for entry in node.field("addresses").map(Node::as_list).unwrap_or(&[]) {
            let Some(element) = entry.field("remoteselement") else {
                continue;
            };
            let key = entry.field("key").and_then(Node::as_str).map(str::to_owned);
            let tls = entry.field("tls").and_then(Node::as_str).map(str::to_owned);
            match &element.value {
                Value::SockAddr(sa) => {
                    let port = if sa.port != 0 {
                        sa.port
                    } else if let Some(p) = list_port {
                        p
                    } else if tls.is_some() {
                        self.tls_port()
                    } else {
                        self.dns_port()
                    };
                    out.push(RemoteServer {
                        addr: SocketAddr::new(sa.ip, port),
                        key,
                        tls,
                    });
                }
                Value::Str(name) => {
                    if !seen.insert(name.to_ascii_lowercase()) {
                        continue;
                    }
                    let def = root
                        .get_all("primaries")
                        .iter()
                        .chain(root.get_all("masters"))
                        .find(|l| {
                            l.field("name")
                                .and_then(Node::as_str)
                                .is_some_and(|n| n.eq_ignore_ascii_case(name))
                        });
                    match def {
                        Some(def) => {
                            let port = opt_u32(def.field("port")).map(u16_of).or(list_port);
                            self.expand_remotes(def, port, seen, out);
                        }
                        None => self.errors.push(
                            element
                                .loc
                                .error(format!("unable to find primaries list '{name}'")),
                        ),
                    }
                }
                _ => {}
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Other statements

    fn keys(&mut self, map: &Map) -> Vec<Key> {
        let mut out = Vec::new();
        for key in map.get_all("key") {
            let Some(m) = key.as_map() else {
                continue;
            };
            let name = m.name_str().unwrap_or_default().to_owned();
            let alg = m.get("algorithm").and_then(Node::as_str);
            let secret = m.get("secret").and_then(Node::as_str);
            let (Some(alg), Some(secret)) = (alg, secret) else {
                self.errors.push(key.loc.error(format!(
                    "key '{name}' must have both 'secret' and 'algorithm' defined"
                )));
                continue;
            };
            let Ok((algorithm, digest_bits)) = parse_algorithm(alg) else {
                self.errors
                    .push(key.loc.error(format!("unknown algorithm '{alg}'")));
                continue;
            };
            let Some(secret) = decode_secret(secret) else {
                self.errors
                    .push(key.loc.error("bad secret 'bad base64 encoding'"));
                continue;
            };
            out.push(Key {
                name,
                algorithm,
                digest_bits,
                secret,
            });
        }
        out
    }

    fn controls(&mut self) -> Vec<ControlChannel> {
        let root = self.root;
        let mut out = Vec::new();
        for statement in root.get_all("controls") {
            let Some(map) = statement.as_map() else {
                continue;
            };
            for inet in map.get_all("inet") {
                let Some(sa) = inet.field("address").and_then(Node::as_sockaddr) else {
                    continue;
                };
                let port = if sa.port == 0 { 953 } else { sa.port };
                let allow = self.aml(inet.field("allow"), AddressMatchList::none());
                out.push(ControlChannel::Inet {
                    addr: SocketAddr::new(sa.ip, port),
                    allow,
                    keys: control_keys(inet.field("keys")),
                    read_only: inet
                        .field("read-only")
                        .and_then(Node::as_bool)
                        .unwrap_or(false),
                });
            }
            for unix in map.get_all("unix") {
                out.push(ControlChannel::Unix {
                    path: self.path(
                        unix.field("path")
                            .and_then(Node::as_str)
                            .unwrap_or_default(),
                    ),
                    perm: opt_u32(unix.field("perm")).unwrap_or(0),
                    owner: opt_u32(unix.field("owner")).unwrap_or(0),
                    group: opt_u32(unix.field("group")).unwrap_or(0),
                    keys: control_keys(unix.field("keys")),
                    read_only: unix
                        .field("read-only")
                        .and_then(Node::as_bool)
                        .unwrap_or(false),
                });
            }
        }
        out
    }

    fn logging(&self, map: &Map) -> Logging {
        let mut logging = Logging::default();
        for channel in map.get_all("channel") {
            let Some(c) = channel.as_map() else {
                continue;
            };
            let destination = if let Some(file) = c.get("file") {
                let versions = file.field("versions").and_then(|v| match &v.value {
                    Value::Uint(n) => Some(*n),
                    Value::Str(_) => Some(u32::MAX),
                    _ => None,
                });
                let size = file.field("size").and_then(|s| match &s.value {
                    Value::Uint64(n) => Some(*n),
                    _ => None,
                });
                let timestamp_suffix = file
                    .field("suffix")
                    .and_then(Node::as_str)
                    .is_some_and(|s| s.eq_ignore_ascii_case("timestamp"));
                LogDestination::File {
                    path: self.path(
                        file.field("file")
                            .and_then(Node::as_str)
                            .unwrap_or_default(),
                    ),
                    versions,
                    size,
                    timestamp_suffix,
                }
            } else if let Some(syslog) = c.get("syslog") {
                LogDestination::Syslog(syslog.as_str().unwrap_or("daemon").to_owned())
            } else if c.get("stderr").is_some() {
                LogDestination::Stderr
            } else {
                LogDestination::Null
            };
            let severity = match c.get("severity").map(|n| &n.value) {
                Some(Value::Uint(n)) => LogSeverity::Debug(*n),
                Some(Value::Str(s)) => match s.to_ascii_lowercase().as_str() {
                    "critical" => LogSeverity::Critical,
                    "error" => LogSeverity::Error,
                    "warning" => LogSeverity::Warning,
                    "notice" => LogSeverity::Notice,
                    "dynamic" => LogSeverity::Dynamic,
                    _ => LogSeverity::Info,
                },
                _ => LogSeverity::Info,
            };
            let print_time = match c.get("print-time").map(|n| &n.value) {
                Some(Value::Bool(true)) => PrintTime::Local,
                Some(Value::Str(s)) => match s.to_ascii_lowercase().as_str() {
                    "iso8601" => PrintTime::Iso8601,
                    "iso8601-utc" => PrintTime::Iso8601Utc,
                    _ => PrintTime::Local,
                },
                _ => PrintTime::No,
            };
            logging.channels.push(LogChannel {
                name: c.name_str().unwrap_or_default().to_owned(),
                destination,
                severity,
                print_time,
                print_category: c
                    .get("print-category")
                    .and_then(Node::as_bool)
                    .unwrap_or(false),
                print_severity: c
                    .get("print-severity")
                    .and_then(Node::as_bool)
                    .unwrap_or(false),
                buffered: c.get("buffered").and_then(Node::as_bool).unwrap_or(false),
            });
        }
        for category in map.get_all("category") {
            let name = category
                .field("name")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_owned();
            logging
                .categories
                .push((name, str_list(category.field("destinations"))));
        }
        logging
    }

    fn tls(&self, map: &Map) -> TlsConfig {
        let path = |name: &str| map.get(name).and_then(Node::as_str).map(|p| self.path(p));
        TlsConfig {
            name: map.name_str().unwrap_or_default().to_owned(),
            cert_file: path("cert-file"),
            key_file: path("key-file"),
            ca_file: path("ca-file"),
            remote_hostname: map
                .get("remote-hostname")
                .and_then(Node::as_str)
                .map(str::to_owned),
            dhparam_file: path("dhparam-file"),
            protocols: str_list(map.get("protocols")),
            ciphers: map.get("ciphers").and_then(Node::as_str).map(str::to_owned),
            prefer_server_ciphers: map.get("prefer-server-ciphers").and_then(Node::as_bool),
            session_tickets: map.get("session-tickets").and_then(Node::as_bool),
        }
    }

    fn statistics_channels(&mut self) -> Vec<StatisticsChannel> {
        let root = self.root;
        let mut out = Vec::new();
        for statement in root.get_all("statistics-channels") {
            let Some(map) = statement.as_map() else {
                continue;
            };
            for inet in map.get_all("inet") {
                let Some(sa) = inet.field("address").and_then(Node::as_sockaddr) else {
                    continue;
                };
                let port = if sa.port == 0 { 80 } else { sa.port };
                let allow = match inet.field("allow") {
                    Some(node) if !node.is_void() => {
                        Some(self.aml(Some(node), AddressMatchList::none()))
                    }
                    _ => None,
                };
                out.push(StatisticsChannel {
                    addr: SocketAddr::new(sa.ip, port),
                    allow,
                });
            }
        }
        out
    }

    fn servers(&self, map: &Map) -> Vec<ServerPeer> {
        let mut out = Vec::new();
        for server in map.get_all("server") {
            let Some(m) = server.as_map() else {
                continue;
            };
            let prefix = match m.name.as_ref().map(|n| &n.value) {
                Some(Value::Prefix(ip, len)) => (*ip, *len),
                _ => continue,
            };
            let b = |name: &str| m.get(name).and_then(Node::as_bool);
            let v6 = prefix.0.is_ipv6();
            out.push(ServerPeer {
                prefix,
                key: m.get("keys").and_then(Node::as_str).map(str::to_owned),
                bogus: b("bogus").unwrap_or(false),
                transfers: opt_u32(m.get("transfers")),
                request_ixfr: b("request-ixfr"),
                provide_ixfr: b("provide-ixfr"),
                transfer_format_many_answers: m
                    .get("transfer-format")
                    .and_then(Node::as_str)
                    .map(|s| s.eq_ignore_ascii_case("many-answers")),
                edns: b("edns"),
                request_expire: b("request-expire"),
                tcp_only: b("tcp-only"),
                notify_source: m
                    .get(if v6 {
                        "notify-source-v6"
                    } else {
                        "notify-source"
                    })
                    .map(|n| source_addr(Some(n), v6)),
                transfer_source: m
                    .get(if v6 {
                        "transfer-source-v6"
                    } else {
                        "transfer-source"
                    })
                    .map(|n| source_addr(Some(n), v6)),
            });
        }
        out
    }
}

fn forward_mode(node: Option<&Node>) -> ForwardMode {
    match node.and_then(Node::as_str) {
        Some(s) if s.eq_ignore_ascii_case("only") => ForwardMode::Only,
        _ => ForwardMode::First,
    }
}

fn control_keys(node: Option<&Node>) -> Option<Vec<String>> {
    match node {
        Some(n) if !n.is_void() => Some(str_list(Some(n))),
        _ => None,
    }
}

fn update_policy(node: &Node) -> UpdatePolicy {
    if let Value::Str(_) = node.value {
        return UpdatePolicy::Local;
    }
    let rules = node
        .as_list()
        .iter()
        .map(|rule| GrantRule {
            grant: rule
                .field("mode")
                .and_then(Node::as_str)
                .is_some_and(|m| m.eq_ignore_ascii_case("grant")),
            identity: rule
                .field("identity")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_owned(),
            match_type: rule
                .field("matchtype")
                .and_then(Node::as_str)
                .unwrap_or_default()
                .to_ascii_lowercase(),
            name: rule.field("name").and_then(Node::as_str).map(str::to_owned),
            types: str_list(rule.field("types")),
        })
        .collect();
    UpdatePolicy::Rules(rules)
}

fn trust_anchor(node: &Node) -> TrustAnchor {
    let s = |name: &str| {
        node.field(name)
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let n = |name: &str| opt_u32(node.field(name)).unwrap_or(0);
    let kind = match node.field("anchortype").and_then(Node::as_str) {
        Some(k) => k.to_ascii_lowercase(),
        None => "static-key".to_owned(),
    };
    TrustAnchor {
        name: s("name"),
        kind,
        rdata1: n("rdata1"),
        rdata2: n("rdata2"),
        rdata3: n("rdata3"),
        data: s("data"),
    }
}
