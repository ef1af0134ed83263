//! What Rivet does with each statement and option BIND 9.18 accepts: the one table.
//!
//! Every option parses. Those Rivet implements are used; those whose absence changes nothing
//! an administrator relies on are accepted with a warning naming the option and its place;
//! those whose absence would surprise (a zone type, DNSSEC signing, response policy zones,
//! ...) are rejected with an error. `man/rivet.conf.5` shows the same table; a test keeps
//! them equal.

use zones::diag::Diagnostic;

use crate::ast::{Entry, Map, Node, Value};
use crate::grammar::{ANCIENT, NOTCONFIGURED};
use crate::loc::Loc;
use crate::parser::Document;

/// What Rivet does with an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Implemented.
    Supported,
    /// Accepted, ignored, with a warning.
    Ignored,
    /// Refused with an error.
    Rejected,
}

/// Where an option is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// A top-level statement (also inside `view` for `key`, `server`, `zone`, ...).
    Statement,
    /// An option of `options`, `view` or `zone`.
    Option,
    /// A clause of a `server` statement.
    Server,
    /// A clause of a `tls` statement.
    Tls,
    /// A clause of a `controls` statement.
    Controls,
    /// A form inside a value (an ACL element, a listener kind).
    Feature,
}

impl Context {
    /// How the man page names the context.
    pub fn label(self) -> &'static str {
        match self {
            Self::Statement => "statement",
            Self::Option => "option",
            Self::Server => "server",
            Self::Tls => "tls",
            Self::Controls => "controls",
            Self::Feature => "feature",
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Where the option is written.
    pub context: Context,
    /// Its name.
    pub name: &'static str,
    /// What Rivet does with it.
    pub support: Support,
    /// Why, in a few words (shown in warnings and errors).
    pub note: &'static str,
    /// Values that change the verdict (compared without case); others get `support`.
    pub values: &'static [(&'static str, Support)],
}

const fn s(context: Context, name: &'static str) -> Rule {
    Rule {
        context,
        name,
        support: Support::Supported,
        note: "",
        values: &[],
    }
}

const fn i(context: Context, name: &'static str, note: &'static str) -> Rule {
    Rule {
        context,
        name,
        support: Support::Ignored,
        note,
        values: &[],
    }
}

const fn r(context: Context, name: &'static str, note: &'static str) -> Rule {
    Rule {
        context,
        name,
        support: Support::Rejected,
        note,
        values: &[],
    }
}

const fn v(
    context: Context,
    name: &'static str,
    support: Support,
    note: &'static str,
    values: &'static [(&'static str, Support)],
) -> Rule {
    Rule {
        context,
        name,
        support,
        note,
        values,
    }
}

use Context::{Controls as C, Feature as F, Option as O, Server as S, Statement as T, Tls as L};
use Support::{Ignored as IGN, Rejected as REJ, Supported as SUP};

const RESOLVER: &str = "resolver setting; Rivet only forwards";
const SIGNING: &str = "DNSSEC signing setting; Rivet does not sign zones";
const VALIDATION: &str = "DNSSEC validation setting; Rivet does not validate";
const TUNING: &str = "BIND tuning knob with no equivalent in Rivet";
const ZONECHECK: &str = "zone-load check; Rivet applies its own checks";
const NOEFFECT: &str = "deprecated or obsolete in BIND";

/// The table.
pub static RULES: &[Rule] = &[
    // Top-level statements.
    s(T, "acl"),
    s(T, "controls"),
    v(
        T,
        "dnssec-policy",
        IGN,
        "accepted; zones may not use a signing policy",
        &[],
    ),
    r(
        T,
        "dlz",
        "dynamically loadable zone databases are not supported",
    ),
    r(T, "dyndb", "dynamic database modules are not supported"),
    i(T, "http", "DNS over HTTPS is not supported"),
    s(T, "key"),
    s(T, "logging"),
    i(T, "managed-keys", VALIDATION),
    s(T, "masters"),
    s(T, "options"),
    i(T, "parental-agents", SIGNING),
    r(T, "plugin", "query plugins are not supported"),
    s(T, "primaries"),
    s(T, "server"),
    s(T, "statistics-channels"),
    s(T, "tls"),
    i(T, "trust-anchors", VALIDATION),
    i(T, "trusted-keys", VALIDATION),
    s(T, "view"),
    s(T, "zone"),
    // Forms inside values.
    r(F, "geoip", "GeoIP ACL elements are not supported"),
    r(
        F,
        "http-listener",
        "DNS over HTTPS listeners are not supported",
    ),
    i(
        F,
        "tls-listener",
        "DNS over TLS is not supported: this listener is not opened",
    ),
    i(
        F,
        "tls-primary",
        "zone transfers over TLS are not supported: this primary is not used",
    ),
    i(
        F,
        "tls-transfer",
        "zone transfers over TLS are not supported: none is allowed here",
    ),
    // options / view / zone.
    v(
        O,
        "allow-new-zones",
        IGN,
        "rndc addzone is not supported",
        &[("no", SUP), ("false", SUP), ("0", SUP)],
    ),
    s(O, "allow-notify"),
    s(O, "allow-query"),
    s(O, "allow-query-cache"),
    s(O, "allow-query-cache-on"),
    s(O, "allow-query-on"),
    s(O, "allow-recursion"),
    s(O, "allow-recursion-on"),
    s(O, "allow-transfer"),
    s(O, "allow-update"),
    v(
        O,
        "allow-update-forwarding",
        REJ,
        "forwarding updates to the primary is not supported",
        &[("none", SUP)],
    ),
    s(O, "also-notify"),
    i(O, "alt-transfer-source", NOEFFECT),
    i(O, "alt-transfer-source-v6", NOEFFECT),
    s(O, "answer-cookie"),
    i(O, "attach-cache", RESOLVER),
    i(O, "auth-nxdomain", RESOLVER),
    v(O, "auto-dnssec", REJ, SIGNING, &[("off", SUP)]),
    i(O, "automatic-interface-scan", TUNING),
    i(O, "avoid-v4-udp-ports", TUNING),
    i(O, "avoid-v6-udp-ports", TUNING),
    i(O, "bindkeys-file", VALIDATION),
    s(O, "blackhole"),
    r(O, "catalog-zones", "catalog zones are not supported"),
    i(O, "check-dup-records", ZONECHECK),
    i(O, "check-integrity", ZONECHECK),
    i(O, "check-mx", ZONECHECK),
    i(O, "check-mx-cname", ZONECHECK),
    i(O, "check-names", ZONECHECK),
    i(O, "check-sibling", ZONECHECK),
    i(O, "check-spf", ZONECHECK),
    i(O, "check-srv-cname", ZONECHECK),
    i(O, "check-wildcard", ZONECHECK),
    i(O, "clients-per-query", RESOLVER),
    i(
        O,
        "cookie-algorithm",
        "Rivet computes server cookies its own way",
    ),
    s(O, "cookie-secret"),
    i(O, "coresize", TUNING),
    r(
        O,
        "database",
        "alternative zone databases are not supported",
    ),
    i(O, "datasize", TUNING),
    i(O, "delegation-only", NOEFFECT),
    i(O, "deny-answer-addresses", RESOLVER),
    i(O, "deny-answer-aliases", RESOLVER),
    i(O, "dialup", NOEFFECT),
    s(O, "directory"),
    i(O, "disable-algorithms", VALIDATION),
    i(O, "disable-ds-digests", VALIDATION),
    i(O, "disable-empty-zone", RESOLVER),
    r(
        O,
        "dlz",
        "dynamically loadable zone databases are not supported",
    ),
    r(O, "dns64", "DNS64 synthesis is not supported"),
    i(O, "dns64-contact", RESOLVER),
    i(O, "dns64-server", RESOLVER),
    i(O, "dnskey-sig-validity", SIGNING),
    i(O, "dnssec-accept-expired", VALIDATION),
    i(O, "dnssec-dnskey-kskonly", SIGNING),
    i(O, "dnssec-loadkeys-interval", SIGNING),
    i(O, "dnssec-must-be-secure", VALIDATION),
    v(
        O,
        "dnssec-policy",
        REJ,
        "Rivet does not sign zones",
        &[("none", SUP)],
    ),
    i(O, "dnssec-secure-to-insecure", SIGNING),
    i(O, "dnssec-update-mode", SIGNING),
    v(
        O,
        "dnssec-validation",
        IGN,
        VALIDATION,
        &[("no", SUP), ("false", SUP), ("0", SUP)],
    ),
    r(O, "dnstap", "dnstap logging is not supported"),
    i(O, "dnstap-identity", "dnstap logging is not supported"),
    r(O, "dnstap-output", "dnstap logging is not supported"),
    i(O, "dnstap-version", "dnstap logging is not supported"),
    i(O, "dscp", NOEFFECT),
    i(O, "dual-stack-servers", RESOLVER),
    s(O, "dump-file"),
    s(O, "edns-udp-size"),
    i(O, "empty-contact", RESOLVER),
    i(O, "empty-server", RESOLVER),
    i(O, "empty-zones-enable", RESOLVER),
    i(O, "fetch-quota-params", RESOLVER),
    i(O, "fetches-per-server", RESOLVER),
    i(O, "fetches-per-zone", RESOLVER),
    s(O, "file"),
    i(O, "files", TUNING),
    i(
        O,
        "flush-zones-on-shutdown",
        "Rivet always writes zones before it exits",
    ),
    s(O, "forward"),
    s(O, "forwarders"),
    i(
        O,
        "fstrm-set-buffer-hint",
        "dnstap logging is not supported",
    ),
    i(
        O,
        "fstrm-set-flush-timeout",
        "dnstap logging is not supported",
    ),
    i(
        O,
        "fstrm-set-input-queue-size",
        "dnstap logging is not supported",
    ),
    i(
        O,
        "fstrm-set-output-notify-threshold",
        "dnstap logging is not supported",
    ),
    i(
        O,
        "fstrm-set-output-queue-model",
        "dnstap logging is not supported",
    ),
    i(
        O,
        "fstrm-set-output-queue-size",
        "dnstap logging is not supported",
    ),
    i(
        O,
        "fstrm-set-reopen-interval",
        "dnstap logging is not supported",
    ),
    i(O, "geoip-directory", "GeoIP ACL elements are not supported"),
    i(O, "glue-cache", NOEFFECT),
    i(O, "heartbeat-interval", NOEFFECT),
    s(O, "hostname"),
    i(
        O,
        "http-listener-clients",
        "DNS over HTTPS is not supported",
    ),
    i(O, "http-port", "DNS over HTTPS is not supported"),
    i(
        O,
        "http-streams-per-connection",
        "DNS over HTTPS is not supported",
    ),
    i(O, "https-port", "DNS over HTTPS is not supported"),
    s(O, "in-view"),
    v(
        O,
        "inline-signing",
        REJ,
        SIGNING,
        &[("no", SUP), ("false", SUP), ("0", SUP)],
    ),
    i(O, "interface-interval", TUNING),
    i(O, "ipv4only-contact", RESOLVER),
    i(O, "ipv4only-enable", RESOLVER),
    i(O, "ipv4only-server", RESOLVER),
    s(O, "ixfr-from-differences"),
    s(O, "journal"),
    i(
        O,
        "keep-response-order",
        "Rivet answers pipelined TCP queries in order",
    ),
    i(O, "key-directory", SIGNING),
    i(O, "lame-ttl", RESOLVER),
    s(O, "listen-on"),
    s(O, "listen-on-v6"),
    i(O, "lmdb-mapsize", "rndc addzone is not supported"),
    i(O, "lock-file", TUNING),
    i(O, "managed-keys-directory", VALIDATION),
    s(O, "masterfile-format"),
    s(O, "masterfile-style"),
    s(O, "masters"),
    s(O, "match-clients"),
    s(O, "match-destinations"),
    i(O, "match-mapped-addresses", TUNING),
    s(O, "match-recursive-only"),
    s(O, "max-cache-size"),
    s(O, "max-cache-ttl"),
    i(O, "max-clients-per-query", RESOLVER),
    i(O, "max-ixfr-ratio", TUNING),
    s(O, "max-journal-size"),
    s(O, "max-ncache-ttl"),
    i(O, "max-query-count", RESOLVER),
    i(O, "max-query-restarts", RESOLVER),
    i(O, "max-records", TUNING),
    i(O, "max-records-per-type", TUNING),
    i(O, "max-recursion-depth", RESOLVER),
    i(O, "max-recursion-queries", RESOLVER),
    s(O, "max-refresh-time"),
    s(O, "max-retry-time"),
    i(O, "max-rsa-exponent-size", VALIDATION),
    i(O, "max-stale-ttl", RESOLVER),
    s(O, "max-transfer-idle-in"),
    s(O, "max-transfer-idle-out"),
    s(O, "max-transfer-time-in"),
    s(O, "max-transfer-time-out"),
    i(O, "max-types-per-name", TUNING),
    s(O, "max-udp-size"),
    i(O, "max-zone-ttl", ZONECHECK),
    i(O, "memstatistics", TUNING),
    i(O, "memstatistics-file", TUNING),
    i(O, "message-compression", "Rivet always compresses names"),
    s(O, "min-cache-ttl"),
    s(O, "min-ncache-ttl"),
    s(O, "min-refresh-time"),
    s(O, "min-retry-time"),
    s(O, "minimal-any"),
    s(O, "minimal-responses"),
    s(O, "multi-master"),
    i(O, "new-zones-directory", "rndc addzone is not supported"),
    i(O, "no-case-compress", TUNING),
    s(O, "nocookie-udp-size"),
    s(O, "notify"),
    s(O, "notify-delay"),
    s(O, "notify-rate"),
    s(O, "notify-source"),
    s(O, "notify-source-v6"),
    s(O, "notify-to-soa"),
    i(O, "nsec3-test-zone", SIGNING),
    i(O, "nta-lifetime", VALIDATION),
    i(O, "nta-recheck", VALIDATION),
    r(
        O,
        "nxdomain-redirect",
        "NXDOMAIN redirection is not supported",
    ),
    i(O, "parental-agents", SIGNING),
    i(O, "parental-source", SIGNING),
    i(O, "parental-source-v6", SIGNING),
    s(O, "pid-file"),
    r(O, "plugin", "query plugins are not supported"),
    s(O, "port"),
    i(O, "preferred-glue", TUNING),
    i(O, "prefetch", RESOLVER),
    s(O, "primaries"),
    s(O, "provide-ixfr"),
    i(O, "qname-minimization", RESOLVER),
    s(O, "query-source"),
    s(O, "query-source-v6"),
    s(O, "querylog"),
    i(O, "random-device", NOEFFECT),
    i(
        O,
        "rate-limit",
        "response rate limiting is not implemented; responses are not limited",
    ),
    i(O, "recursing-file", RESOLVER),
    s(O, "recursion"),
    s(O, "recursive-clients"),
    s(O, "request-expire"),
    s(O, "request-ixfr"),
    i(O, "request-nsid", RESOLVER),
    s(O, "require-server-cookie"),
    i(O, "reserved-sockets", NOEFFECT),
    i(O, "resolver-nonbackoff-tries", RESOLVER),
    i(O, "resolver-query-timeout", RESOLVER),
    i(O, "resolver-retry-interval", RESOLVER),
    i(O, "response-padding", "EDNS padding is not implemented"),
    r(
        O,
        "response-policy",
        "response policy zones are not supported",
    ),
    i(O, "reuseport", "Rivet always uses SO_REUSEPORT"),
    i(O, "root-delegation-only", NOEFFECT),
    i(O, "root-key-sentinel", VALIDATION),
    i(O, "rrset-order", "Rivet answers records in zone order"),
    i(O, "secroots-file", VALIDATION),
    s(O, "send-cookie"),
    s(O, "serial-query-rate"),
    i(O, "serial-update-method", SIGNING),
    s(O, "server-addresses"),
    s(O, "server-id"),
    s(O, "server-names"),
    s(O, "servfail-ttl"),
    i(
        O,
        "session-keyalg",
        "nsupdate -l session keys are not supported",
    ),
    i(
        O,
        "session-keyfile",
        "nsupdate -l session keys are not supported",
    ),
    i(
        O,
        "session-keyname",
        "nsupdate -l session keys are not supported",
    ),
    i(O, "sig-signing-nodes", SIGNING),
    i(O, "sig-signing-signatures", SIGNING),
    i(O, "sig-signing-type", SIGNING),
    i(O, "sig-validity-interval", SIGNING),
    i(O, "sortlist", "Rivet answers records in zone order"),
    i(O, "stacksize", TUNING),
    i(O, "stale-answer-client-timeout", RESOLVER),
    i(O, "stale-answer-enable", RESOLVER),
    i(O, "stale-answer-ttl", RESOLVER),
    i(O, "stale-cache-enable", RESOLVER),
    i(O, "stale-refresh-time", RESOLVER),
    s(O, "startup-notify-rate"),
    s(O, "statistics-file"),
    i(O, "suppress-initial-notify", NOEFFECT),
    i(O, "synth-from-dnssec", VALIDATION),
    s(O, "tcp-advertised-timeout"),
    s(O, "tcp-clients"),
    s(O, "tcp-idle-timeout"),
    s(O, "tcp-initial-timeout"),
    s(O, "tcp-keepalive-timeout"),
    s(O, "tcp-listen-queue"),
    i(O, "tcp-receive-buffer", TUNING),
    i(O, "tcp-send-buffer", TUNING),
    i(O, "tkey-dhkey", "TKEY is not supported"),
    i(O, "tkey-domain", "TKEY is not supported"),
    i(O, "tkey-gssapi-credential", "TKEY is not supported"),
    i(O, "tkey-gssapi-keytab", "TKEY is not supported"),
    s(O, "tls-port"),
    s(O, "transfer-format"),
    s(O, "transfer-message-size"),
    s(O, "transfer-source"),
    s(O, "transfer-source-v6"),
    s(O, "transfers-in"),
    s(O, "transfers-out"),
    s(O, "transfers-per-ns"),
    i(O, "trust-anchor-telemetry", VALIDATION),
    s(O, "try-tcp-refresh"),
    v(
        O,
        "type",
        SUP,
        "Rivet serves primary, secondary, forward and in-view zones",
        &[
            ("hint", IGN),
            ("stub", REJ),
            ("static-stub", REJ),
            ("mirror", REJ),
            ("redirect", REJ),
            ("delegation-only", REJ),
        ],
    ),
    i(O, "udp-receive-buffer", TUNING),
    i(O, "udp-send-buffer", TUNING),
    i(O, "update-check-ksk", SIGNING),
    s(O, "update-policy"),
    i(O, "update-quota", TUNING),
    i(O, "use-alt-transfer-source", NOEFFECT),
    i(O, "use-v4-udp-ports", TUNING),
    i(O, "use-v6-udp-ports", TUNING),
    i(O, "v6-bias", RESOLVER),
    i(O, "validate-except", VALIDATION),
    s(O, "version"),
    i(
        O,
        "zero-no-soa-ttl",
        "Rivet answers SOA queries as BIND's default does",
    ),
    i(O, "zero-no-soa-ttl-cache", RESOLVER),
    s(O, "zone-statistics"),
    // server { ... }
    s(S, "bogus"),
    s(S, "edns"),
    i(S, "edns-udp-size", TUNING),
    i(S, "edns-version", TUNING),
    s(S, "keys"),
    i(S, "max-udp-size", TUNING),
    s(S, "notify-source"),
    s(S, "notify-source-v6"),
    i(S, "padding", "EDNS padding is not implemented"),
    s(S, "provide-ixfr"),
    i(S, "query-source", TUNING),
    i(S, "query-source-v6", TUNING),
    s(S, "request-expire"),
    s(S, "request-ixfr"),
    i(S, "request-nsid", RESOLVER),
    i(S, "send-cookie", TUNING),
    i(S, "tcp-keepalive", TUNING),
    s(S, "tcp-only"),
    s(S, "transfer-format"),
    s(S, "transfer-source"),
    s(S, "transfer-source-v6"),
    s(S, "transfers"),
    // tls { ... }
    s(L, "ca-file"),
    s(L, "cert-file"),
    i(L, "ciphers", "TLS cipher suites are the TLS library's"),
    i(L, "dhparam-file", "Diffie-Hellman parameters are not used"),
    s(L, "key-file"),
    i(
        L,
        "prefer-server-ciphers",
        "TLS cipher suites are the TLS library's",
    ),
    s(L, "protocols"),
    s(L, "remote-hostname"),
    i(
        L,
        "session-tickets",
        "TLS session tickets are the TLS library's",
    ),
    // controls { ... }
    s(C, "inet"),
    i(
        C,
        "unix",
        "control channels over UNIX sockets are not supported",
    ),
];

impl Rule {
    /// The verdict for a value.
    pub fn verdict(&self, value: Option<&str>) -> Support {
        value
            .and_then(|v| self.values.iter().find(|(x, _)| x.eq_ignore_ascii_case(v)))
            .map_or(self.support, |&(_, s)| s)
    }
}

/// The row for an option.
pub fn rule(context: Context, name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.context == context && r.name == name)
}

/// A simple value's text, for value-dependent verdicts (`{ none; }` reads as `none`).
fn simple_value(node: &Node) -> Option<String> {
    match &node.value {
        Value::Str(s) => Some(s.clone()),
        Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_owned()),
        Value::List(items) if items.len() == 1 => items[0]
            .as_str()
            .filter(|s| s.eq_ignore_ascii_case("none"))
            .map(str::to_owned),
        _ => None,
    }
}

/// The warnings and errors the table gives for a configuration.
pub fn review(doc: &Document) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let root = &doc.root;
    statements(root, &mut out);
    if let Some(options) = root.get("options").and_then(Node::as_map) {
        options_map(options, &mut out, false);
    }
    for view in root.get_all("view") {
        if let Some(map) = view.field("options").and_then(Node::as_map) {
            statements(map, &mut out);
            options_map(map, &mut out, true);
        }
    }
    out
}

fn report(rule: &Rule, name: &str, loc: &Loc, value: Option<&str>, out: &mut Vec<Diagnostic>) {
    let what = match rule.context {
        Context::Statement => "statement",
        Context::Feature => "feature",
        _ => "option",
    };
    let shown = match value {
        Some(v) if !rule.values.is_empty() => format!("{name} {v}"),
        _ => name.to_owned(),
    };
    let note = if rule.note.is_empty() {
        String::new()
    } else {
        format!(" ({})", rule.note)
    };
    match rule.verdict(value) {
        Support::Supported => {}
        Support::Ignored => out.push(loc.warning(format!(
            "{what} '{shown}' is not implemented by Rivet and is ignored{note}"
        ))),
        Support::Rejected => {
            out.push(loc.error(format!("{what} '{shown}' is not supported by Rivet{note}")))
        }
    }
}

/// The statements a view may hold besides options.
const VIEW_STATEMENTS: &[&str] = &[
    "dlz",
    "dyndb",
    "key",
    "managed-keys",
    "plugin",
    "server",
    "trust-anchors",
    "trusted-keys",
    "zone",
];

fn entries<'a>(
    map: &'a Map,
    context: Context,
    out: &mut Vec<Diagnostic>,
    skip: &[&str],
) -> Vec<&'a Entry> {
    let mut seen = Vec::new();
    for entry in &map.entries {
        if entry.clause.flags & (ANCIENT | NOTCONFIGURED) != 0 || skip.contains(&entry.name()) {
            continue;
        }
        let Some(rule) = rule(context, entry.name()) else {
            continue;
        };
        for (value, loc) in entry.values.iter().zip(&entry.locs) {
            report(rule, entry.name(), loc, simple_value(value).as_deref(), out);
        }
        seen.push(entry);
    }
    seen
}

fn statements(map: &Map, out: &mut Vec<Diagnostic>) {
    for entry in entries(map, Context::Statement, out, &[]) {
        for value in &entry.values {
            let inner = value.as_map();
            match (entry.name(), inner) {
                ("server", Some(m)) => {
                    entries(m, Context::Server, out, &[]);
                }
                ("tls", Some(m)) => {
                    entries(m, Context::Tls, out, &[]);
                }
                ("primaries" | "masters", _) => tls_remotes(value, out),
                ("controls", Some(m)) => {
                    entries(m, Context::Controls, out, &[]);
                }
                ("zone", _) => {
                    if let Some(zmap) = value.field("options").and_then(Node::as_map) {
                        options_map(zmap, out, false);
                    }
                }
                _ => {}
            }
        }
    }
}

/// Reports `feature` at `loc`.
fn feature(name: &str, loc: &Loc, out: &mut Vec<Diagnostic>) {
    if let Some(rule) = rule(Context::Feature, name) {
        report(rule, name, loc, None, out);
    }
}

/// A TLS name that asks for TLS (`none` does not).
fn asks_tls(tls: Option<&Node>) -> Option<&Node> {
    tls.filter(|t| !t.is_void())
        .filter(|t| !t.as_str().is_some_and(|n| n.eq_ignore_ascii_case("none")))
}

/// The entries of a `primaries` list that name TLS.
fn tls_remotes(list: &Node, out: &mut Vec<Diagnostic>) {
    for entry in list.field("addresses").map(Node::as_list).unwrap_or(&[]) {
        if let Some(tls) = asks_tls(entry.field("tls")) {
            feature("tls-primary", &tls.loc, out);
        }
    }
}

/// Options that list the servers zones are transferred from.
const SERVER_LISTS: &[&str] = &["primaries", "masters"];

fn options_map(map: &Map, out: &mut Vec<Diagnostic>, view: bool) {
    let skip = if view { VIEW_STATEMENTS } else { &[] };
    for entry in entries(map, Context::Option, out, skip) {
        if SERVER_LISTS.contains(&entry.name()) {
            entry.values.iter().for_each(|v| tls_remotes(v, out));
        }
        if entry.name() == "allow-transfer" {
            for value in &entry.values {
                let transport = value
                    .field("port-transport")
                    .and_then(|h| h.field("transport"))
                    .filter(|t| t.as_str().is_some_and(|t| t.eq_ignore_ascii_case("tls")));
                if let Some(t) = transport {
                    feature("tls-transfer", &t.loc, out);
                }
            }
        }
        if matches!(entry.name(), "listen-on" | "listen-on-v6") {
            for value in &entry.values {
                if let Some(tls) = asks_tls(value.field("tuple").and_then(|t| t.field("tls"))) {
                    feature("tls-listener", &tls.loc, out);
                }
            }
        }
        if matches!(entry.name(), "listen-on" | "listen-on-v6") {
            for (value, loc) in entry.values.iter().zip(&entry.locs) {
                let http = value
                    .field("tuple")
                    .and_then(|t| t.field("http"))
                    .filter(|h| !h.is_void());
                if http.is_some() {
                    if let Some(rule) = rule(Context::Feature, "http-listener") {
                        report(rule, "http-listener", loc, None, out);
                    }
                }
            }
        }
        for value in &entry.values {
            geoip(value, out);
        }
    }
}

/// Reports `geoip` elements anywhere in a value.
fn geoip(node: &Node, out: &mut Vec<Diagnostic>) {
    if matches!(
        node.ty,
        crate::grammar::Ty::Special(crate::grammar::Special::Geoip)
    ) {
        if let Some(rule) = rule(Context::Feature, "geoip") {
            report(rule, "geoip", &node.loc, None, out);
        }
        return;
    }
    match &node.value {
        Value::List(items) | Value::Tuple(items) => items.iter().for_each(|n| geoip(n, out)),
        _ => {}
    }
}

/// The table as roff rows for the manual (`.TS` body), one per rule.
pub fn roff_table() -> String {
    let mut out = String::new();
    for rule in RULES {
        let support = match rule.support {
            Support::Supported => "supported",
            Support::Ignored => "ignored",
            Support::Rejected => "rejected",
        };
        let mut note = rule.note.to_owned();
        for (value, verdict) in rule.values {
            let what = match verdict {
                Support::Supported => "supported",
                Support::Ignored => "ignored",
                Support::Rejected => "rejected",
            };
            if !note.is_empty() {
                note.push_str("; ");
            }
            note.push_str(&format!("{value}: {what}"));
        }
        out.push_str(&format!(
            "{}\t{}\t{}\tT{{\n{}\nT}}\n",
            rule.context.label(),
            rule.name,
            support,
            note.replace('\\', "\\e")
        ));
    }
    out
}

/// How many rows each verdict has.
pub fn counts() -> (usize, usize, usize) {
    let count = |s: Support| RULES.iter().filter(|r| r.support == s).count();
    (
        count(Support::Supported),
        count(Support::Ignored),
        count(Support::Rejected),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::{self, ANCIENT};

    #[test]
    fn every_option_has_a_row() {
        for (block, clause) in grammar::all_clauses() {
            if clause.flags & (ANCIENT | NOTCONFIGURED) != 0 {
                continue;
            }
            let context = if block == "top level" {
                Context::Statement
            } else {
                Context::Option
            };
            assert!(
                rule(context, clause.name).is_some(),
                "no row for {block} '{}'",
                clause.name
            );
        }
    }

    #[test]
    fn rows_are_unique() {
        for (n, a) in RULES.iter().enumerate() {
            for b in &RULES[n + 1..] {
                assert!(
                    !(a.context == b.context && a.name == b.name),
                    "two rows for {}",
                    a.name
                );
            }
        }
    }

    /// The manual's table is this table (`RIVET_WRITE_MAN=1` rewrites it).
    #[test]
    fn the_manual_shows_this_table() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../man/rivet.conf.5");
        let page = std::fs::read_to_string(&path).expect("man/rivet.conf.5 exists");
        let (begin, end) = (".\\\" BEGIN OPTION TABLE\n", ".\\\" END OPTION TABLE\n");
        let start = page.find(begin).expect("the page marks the table's start") + begin.len();
        let stop = page.find(end).expect("the page marks the table's end");
        let table = format!(
            ".TS\nl l l lx.\nContext\tName\tRivet\tNote\n_\n{}.TE\n",
            roff_table()
        );
        if std::env::var_os("RIVET_WRITE_MAN").is_some() {
            let updated = format!("{}{}{}", &page[..start], table, &page[stop..]);
            std::fs::write(&path, updated).expect("rewrite the manual");
            return;
        }
        assert_eq!(
            &page[start..stop],
            table,
            "man/rivet.conf.5 is out of date: run with RIVET_WRITE_MAN=1"
        );
    }

    #[test]
    fn values_change_the_verdict() {
        let r = rule(Context::Option, "type").expect("row");
        assert_eq!(r.verdict(Some("primary")), Support::Supported);
        assert_eq!(r.verdict(Some("HINT")), Support::Ignored);
        assert_eq!(r.verdict(Some("stub")), Support::Rejected);
        let d = rule(Context::Option, "dnssec-policy").expect("row");
        assert_eq!(d.verdict(Some("none")), Support::Supported);
        assert_eq!(d.verdict(Some("default")), Support::Rejected);
    }
}
