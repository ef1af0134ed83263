//! The typed model: defaults, inheritance (options → view → zone), expansion of lists and
//! ACLs, and the corpus round trip (printing a configuration and loading the text again
//! gives the same model).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use conf::model::{
    AmlKind, CacheSize, ControlChannel, DnssecValidation, ForwardMode, Identity, JournalSize,
    KeyAlgorithm, LogDestination, MasterFormat, MatchContext, NotifyMode, UpdatePolicy, ZoneKind,
};
use conf::{
    Loaded, MemFs, ParseOptions, PrintOptions, RealFs, Severity, load, load_str, print_config,
};

fn load_text(text: &str) -> Loaded {
    let mut fs = MemFs::new();
    fs.add("/var/named/.keep", "");
    load_str(&fs, "named.conf", text, &ParseOptions::default())
        .unwrap_or_else(|e| panic!("the configuration loads:\n{e}"))
}

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("an address")
}

#[test]
fn zones_get_bind_defaults() {
    let loaded = load_text(
        "options { directory \"/var/named\"; };\n\
         zone \"example.com\" { type primary; file \"example.com.db\"; };\n\
         zone \"example.net\" { type secondary; file \"sec/example.net.db\"; primaries { 192.0.2.1; }; };",
    );
    let config = &loaded.config;
    assert_eq!(config.views.len(), 1);
    let view = &config.views[0];
    assert!(view.implicit);
    assert_eq!(view.name, "_default");
    assert!(view.options.recursion);
    assert_eq!(view.options.max_udp_size, 1232);
    assert_eq!(view.options.edns_udp_size, 1232);
    assert_eq!(view.options.dnssec_validation, DnssecValidation::Auto);
    assert_eq!(view.options.max_cache_size, CacheSize::Percent(90));
    let primary = &view.zones[0];
    assert_eq!(primary.kind, ZoneKind::Primary);
    assert_eq!(
        primary.file.as_deref(),
        Some(Path::new("/var/named/example.com.db"))
    );
    assert_eq!(
        primary.journal.as_deref(),
        Some(Path::new("/var/named/example.com.db.jnl"))
    );
    assert_eq!(primary.notify, NotifyMode::Yes);
    assert_eq!(primary.notify_delay, 5);
    assert_eq!(primary.masterfile_format, MasterFormat::Text);
    assert_eq!(primary.max_journal_size, JournalSize::Default);
    assert!(
        primary
            .allow_transfer
            .acl
            .elements
            .iter()
            .all(|e| e.kind == AmlKind::Any)
    );
    assert!(primary.allow_update.is_none());
    assert_eq!(primary.max_transfer_time_out, 120 * 60);
    let secondary = &view.zones[1];
    assert_eq!(secondary.masterfile_format, MasterFormat::Raw);
    assert_eq!(secondary.primaries[0].addr, addr("192.0.2.1:53"));
    assert_eq!(
        (secondary.min_refresh_time, secondary.max_refresh_time),
        (300, 2_419_200)
    );
    assert_eq!(
        (secondary.min_retry_time, secondary.max_retry_time),
        (500, 1_209_600)
    );
    assert!(secondary.request_ixfr && secondary.try_tcp_refresh && secondary.request_expire);
    assert_eq!(config.options.port, 53);
    assert_eq!(config.options.tcp_clients, 150);
    assert_eq!(config.options.transfers_in, 10);
    assert_eq!(config.options.version, Identity::Default);
    assert_eq!(config.options.listen_on.len(), 1);
    assert_eq!(config.options.listen_on[0].port, 53);
    assert!(config.controls.is_none());
}

#[test]
fn zone_overrides_view_overrides_options() {
    let loaded = load_text(
        "options { directory \"/\"; notify explicit; also-notify { 192.0.2.9; }; max-transfer-time-in 30;\n\
                   allow-transfer { none; }; ixfr-from-differences secondary; masterfile-format text; };\n\
         view \"inside\" {\n\
           match-clients { 10/8; };\n\
           notify no;\n\
           allow-transfer { 10.0.0.1; };\n\
           zone \"a.example\" { type primary; file \"a\"; };\n\
           zone \"b.example\" { type primary; file \"b\"; notify yes; allow-transfer port 853 transport tls { any; }; };\n\
           zone \"c.example\" { type secondary; file \"c\"; primaries { 192.0.2.1; }; };\n\
         };\n\
         view \"outside\" { zone \"a.example\" { type primary; file \"a-out\"; }; };",
    );
    let config = &loaded.config;
    let inside = config.view("inside").expect("a view");
    let outside = config.view("outside").expect("a view");
    let a = &inside.zones[0];
    assert_eq!(a.notify, NotifyMode::No);
    assert_eq!(a.also_notify[0].addr, addr("192.0.2.9:53"));
    assert_eq!(
        a.allow_transfer.acl.elements[0].kind,
        AmlKind::Prefix("10.0.0.1".parse().expect("ip"), 32)
    );
    assert!(!a.ixfr_from_differences);
    let b = &inside.zones[1];
    assert_eq!(b.notify, NotifyMode::Yes);
    assert_eq!(b.allow_transfer.port, Some(853));
    assert_eq!(b.allow_transfer.transport.as_deref(), Some("tls"));
    let c = &inside.zones[2];
    assert!(c.ixfr_from_differences);
    assert_eq!(c.masterfile_format, MasterFormat::Text);
    assert_eq!(c.max_transfer_time_in, 30 * 60);
    let a_out = &outside.zones[0];
    assert_eq!(a_out.notify, NotifyMode::Explicit);
    assert!(a_out.allow_transfer.acl.is_none());
    let ctx = |ip: &str| MatchContext {
        addr: ip.parse().expect("ip"),
        key: None,
        localhost: &[],
        localnets: &[],
    };
    assert!(inside.match_clients.allows(&ctx("10.1.2.3")));
    assert!(!inside.match_clients.allows(&ctx("192.0.2.1")));
    assert!(outside.match_clients.allows(&ctx("192.0.2.1")));
}

#[test]
fn recursion_and_cache_acls_stand_in_for_each_other() {
    let loaded = load_text(
        "options { directory \"/\"; allow-query-cache { 10/8; }; };\n\
         view \"query\" { match-clients { 10.9/16; }; allow-query { 172.16/12; }; };\n\
         view \"recursion\" { match-clients { 10.8/16; }; allow-recursion { 192.168/16; };\n\
           allow-recursion-on { 127.0.0.2; }; };\n\
         view \"rest\" { };",
    );
    let config = &loaded.config;
    let ctx = |ip: &str| MatchContext {
        addr: ip.parse().expect("ip"),
        key: None,
        localhost: &[],
        localnets: &[],
    };
    // Only allow-query-cache is set at the options level: allow-recursion follows it,
    // ahead of the view's allow-query (BIND looks for each name in the view, then in
    // the options, before trying the next name).
    let rest = &config.view("rest").expect("a view").options;
    assert!(rest.allow_recursion.allows(&ctx("10.1.1.1")));
    assert!(!rest.allow_recursion.allows(&ctx("127.0.0.1")));
    let query = &config.view("query").expect("a view").options;
    assert!(query.allow_recursion.allows(&ctx("10.1.1.1")));
    assert!(!query.allow_recursion.allows(&ctx("172.16.0.1")));
    // A view's own allow-recursion sets both lists there; the -on lists follow each other.
    let recursion = &config.view("recursion").expect("a view").options;
    assert!(recursion.allow_recursion.allows(&ctx("192.168.1.1")));
    assert!(recursion.allow_query_cache.allows(&ctx("10.1.1.1")));
    assert!(recursion.allow_query_cache_on.allows(&ctx("127.0.0.2")));
    assert!(!recursion.allow_query_cache_on.allows(&ctx("127.0.0.1")));
    assert!(rest.allow_query_cache_on.allows(&ctx("127.0.0.1")));
}

#[test]
fn primaries_lists_expand_with_ports_keys_and_tls() {
    let loaded = load_text(
        "key \"xfer\" { algorithm hmac-sha256; secret \"YWJjZGVmZ2hpamtsbW5vcA==\"; };\n\
         tls t { remote-hostname \"ns1.example\"; };\n\
         primaries \"inner\" port 5300 { 192.0.2.3; 192.0.2.4 port 5400 key xfer; };\n\
         primaries \"outer\" { inner; 2001:db8::1 tls t; 192.0.2.5 key xfer; inner; };\n\
         options { directory \"/\"; };\n\
         zone \"x.example\" { type secondary; file \"x\"; primaries port 99 { outer; 192.0.2.6; }; };",
    );
    let zone = &loaded.config.views[0].zones[0];
    let got: Vec<(SocketAddr, Option<&str>, Option<&str>)> = zone
        .primaries
        .iter()
        .map(|p| (p.addr, p.key.as_deref(), p.tls.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (addr("192.0.2.3:5300"), None, None),
            (addr("192.0.2.4:5400"), Some("xfer"), None),
            (addr("[2001:db8::1]:99"), None, Some("t")),
            (addr("192.0.2.5:99"), Some("xfer"), None),
            (addr("192.0.2.6:99"), None, None),
        ]
    );
    let key = loaded.config.key(None, "XFER.").expect("the key");
    assert_eq!(key.algorithm, KeyAlgorithm::HmacSha256);
    assert_eq!(key.secret, b"abcdefghijklmnop");
}

#[test]
fn tls_primaries_default_to_the_tls_port() {
    let loaded = load_text(
        "options { directory \"/\"; tls-port 8853; };\n\
         zone \"x.example\" { type secondary; file \"x\"; primaries { 192.0.2.1 tls ephemeral; }; };",
    );
    assert_eq!(
        loaded.config.views[0].zones[0].primaries[0].addr,
        addr("192.0.2.1:8853")
    );
}

#[test]
fn statements_are_typed() {
    let loaded = load_text(
        "key \"rndc-key\" { algorithm hmac-md5; secret \"YWJjZGVmZ2hpamtsbW5vcA==\"; };\n\
         acl lan { 192.168.0.0/16; !192.168.9.9; };\n\
         controls { inet 127.0.0.1 allow { localhost; } keys { rndc-key; }; inet * port 9953 allow { lan; } read-only yes; };\n\
         logging { channel f { file \"log/named.log\" versions 3 size 20m; severity debug 2; print-time yes; };\n\
                   channel s { syslog local0; }; category default { f; s; }; };\n\
         statistics-channels { inet 127.0.0.1 port 8053 allow { 127.0.0.1; }; };\n\
         server 192.0.2.0/24 { keys rndc-key; transfers 3; request-ixfr no; };\n\
         options { directory \"/var/named\"; version none; forwarders { 192.0.2.1; }; forward only;\n\
                   listen-on port 5353 { 127.0.0.1; }; listen-on tls ephemeral { 127.0.0.1; }; };\n\
         zone \"d.example\" { type primary; file \"d\"; update-policy { grant rndc-key zonesub ANY; }; };",
    );
    let config = &loaded.config;
    let Some(controls) = &config.controls else {
        panic!("controls are configured");
    };
    assert_eq!(controls.len(), 2);
    let ControlChannel::Inet {
        addr: first, keys, ..
    } = &controls[0]
    else {
        panic!("an inet channel");
    };
    assert_eq!(*first, addr("127.0.0.1:953"));
    assert_eq!(keys.as_deref(), Some(&["rndc-key".to_owned()][..]));
    let ControlChannel::Inet {
        addr: second,
        read_only,
        keys,
        ..
    } = &controls[1]
    else {
        panic!("an inet channel");
    };
    assert_eq!(*second, addr("0.0.0.0:9953"));
    assert!(*read_only);
    assert!(keys.is_none());
    let logging = config.logging.as_ref().expect("logging");
    let LogDestination::File {
        path,
        versions,
        size,
        ..
    } = &logging.channels[0].destination
    else {
        panic!("a file channel");
    };
    assert_eq!(path, &PathBuf::from("/var/named/log/named.log"));
    assert_eq!((*versions, *size), (Some(3), Some(20 << 20)));
    assert_eq!(
        logging.channels[1].destination,
        LogDestination::Syslog("local0".into())
    );
    assert_eq!(
        logging.categories[0],
        ("default".to_owned(), vec!["f".to_owned(), "s".to_owned()])
    );
    assert_eq!(config.statistics_channels[0].addr, addr("127.0.0.1:8053"));
    assert_eq!(config.servers[0].key.as_deref(), Some("rndc-key"));
    assert_eq!(config.servers[0].request_ixfr, Some(false));
    assert_eq!(config.options.version, Identity::Hidden);
    assert_eq!(config.options.listen_on[0].port, 5353);
    assert_eq!(config.options.listen_on[1].port, 853);
    assert_eq!(
        config.options.listen_on[1].tls.as_deref(),
        Some("ephemeral")
    );
    let view = &config.views[0];
    assert_eq!(view.options.forwarders, [addr("192.0.2.1:53")]);
    assert_eq!(view.options.forward, ForwardMode::Only);
    let (_, lan) = &config.acls[0];
    let ctx = |ip: &str| MatchContext {
        addr: ip.parse().expect("ip"),
        key: None,
        localhost: &[],
        localnets: &[],
    };
    assert!(lan.allows(&ctx("192.168.1.1")));
    assert!(!lan.allows(&ctx("192.168.9.9")) || lan.elements[0].kind != AmlKind::None);
    let Some(UpdatePolicy::Rules(rules)) = &view.zones[0].update_policy else {
        panic!("update rules");
    };
    assert_eq!(rules[0].match_type, "zonesub");
    assert_eq!(rules[0].name, None);
    assert_eq!(rules[0].types, ["ANY"]);
}

#[test]
fn unsupported_options_warn_or_fail_by_the_table() {
    let fs = MemFs::new();
    let opts = ParseOptions::default();
    let warned = load_str(
        &fs,
        "n.conf",
        "options {\n directory \"/\";\n lame-ttl 600;\n};",
        &opts,
    )
    .expect("loads");
    let w = &warned.warnings[0];
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(
        w.to_string(),
        "n.conf:3:2: option 'lame-ttl' is not implemented by Rivet and is ignored (resolver setting; Rivet only forwards)"
    );
    let err = load_str(
        &fs,
        "n.conf",
        "zone \"x\" {\n type stub;\n primaries { 192.0.2.1; };\n};",
        &opts,
    )
    .expect_err("stub zones are refused");
    let e = err
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .expect("an error");
    assert!(
        e.to_string()
            .starts_with("n.conf:2:2: option 'type stub' is not supported by Rivet"),
        "{e}"
    );
}

#[test]
fn undefined_acl_in_a_zone_is_an_error_of_the_model() {
    let fs = MemFs::new();
    let err = load_str(
        &fs,
        "n.conf",
        "zone \"x\" { type primary; file \"x\"; allow-query { nosuch; }; };",
        &ParseOptions::default(),
    )
    .expect_err("an undefined ACL cannot be compiled");
    assert!(err.to_string().contains("undefined ACL 'nosuch'"), "{err}");
}

/// The corpus cases both checkers accept.
fn valid_cases() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/conf");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir)
        .expect("the corpus exists")
        .filter_map(Result::ok)
    {
        let case = entry.path();
        let text = std::fs::read_to_string(case.join("CASE"))
            .or_else(|_| std::fs::read_to_string(case.join("named.conf")))
            .unwrap_or_default();
        if !text.lines().take(3).any(|l| l.contains("expect: valid")) {
            continue;
        }
        let file = text
            .lines()
            .find_map(|l| l.strip_prefix("file:"))
            .map_or("/named.conf".to_owned(), |f| f.trim().to_owned());
        out.push((case, file));
    }
    out.sort();
    out
}

#[test]
fn printed_corpus_configurations_load_the_same_model() {
    let cases = valid_cases();
    assert!(cases.len() >= 20, "only {} valid cases", cases.len());
    for (case, file) in cases {
        let fs = RealFs::with_root(&case);
        let opts = ParseOptions {
            cwd: PathBuf::from("/"),
            ..ParseOptions::default()
        };
        let loaded = load(&fs, Path::new(&file), &opts)
            .unwrap_or_else(|e| panic!("{}: does not load:\n{e}", case.display()));
        let printed = print_config(&loaded.document.root, PrintOptions::default());
        let again = load_str(&fs, "printed.conf", &printed, &opts).unwrap_or_else(|e| {
            panic!(
                "{}: printed text does not load:\n{e}\n{printed}",
                case.display()
            )
        });
        assert_eq!(
            loaded.config,
            again.config,
            "{}: the printed text gives another model",
            case.display()
        );
        let reprinted = print_config(&again.document.root, PrintOptions::default());
        assert_eq!(
            printed,
            reprinted,
            "{}: printing is not stable",
            case.display()
        );
    }
}

#[test]
fn debian_stock_configuration_has_its_zones_and_options() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/conf/debian");
    let fs = RealFs::with_root(&root);
    let opts = ParseOptions {
        cwd: PathBuf::from("/"),
        ..ParseOptions::default()
    };
    let loaded =
        load(&fs, Path::new("/etc/bind/named.conf"), &opts).expect("Debian's configuration loads");
    let config = &loaded.config;
    assert_eq!(config.options.directory, Path::new("/var/cache/bind"));
    assert_eq!(
        config.views[0].options.dnssec_validation,
        DnssecValidation::Auto
    );
    assert_eq!(config.options.listen_on_v6.len(), 1);
    assert_eq!(
        config.options.listen_on_v6[0].addresses.elements[0].kind,
        AmlKind::Any
    );
    let zones: Vec<(String, ZoneKind, Option<PathBuf>)> = config
        .zones()
        .map(|(_, z)| (z.name.to_string(), z.kind.clone(), z.file.clone()))
        .collect();
    assert_eq!(
        zones,
        [
            (
                ".".to_owned(),
                ZoneKind::Hint,
                Some(PathBuf::from("/usr/share/dns/root.hints"))
            ),
            (
                "localhost.".to_owned(),
                ZoneKind::Primary,
                Some(PathBuf::from("/etc/bind/db.local"))
            ),
            (
                "127.in-addr.arpa.".to_owned(),
                ZoneKind::Primary,
                Some(PathBuf::from("/etc/bind/db.127"))
            ),
            (
                "0.in-addr.arpa.".to_owned(),
                ZoneKind::Primary,
                Some(PathBuf::from("/etc/bind/db.0"))
            ),
            (
                "255.in-addr.arpa.".to_owned(),
                ZoneKind::Primary,
                Some(PathBuf::from("/etc/bind/db.255"))
            ),
        ]
    );
    let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings.iter().any(|w| w.contains("'type hint'")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("'dnssec-validation'")),
        "{warnings:?}"
    );
}

#[test]
fn transfers_and_listeners_over_tls_are_said_to_be_unsupported() {
    let loaded = load_text(
        "options { directory \"/var/named\"; listen-on port 853 tls t { 127.0.0.1; }; };\n\
         tls t { remote-hostname \"p.example\"; };\n\
         primaries up { 192.0.2.1 tls t; };\n\
         zone \"a.example\" { type secondary; file \"a\"; primaries { 192.0.2.2 tls t; up; }; };\n\
         zone \"b.example\" { type primary; file \"b\"; allow-transfer transport tls { any; }; };",
    );
    let lines: Vec<String> = loaded
        .warnings
        .iter()
        .filter(|d| d.message.contains("TLS"))
        .map(|d| format!("{:?} {}", d.pos, d.message))
        .collect();
    let count = |feature: &str| lines.iter().filter(|l| l.contains(feature)).count();
    assert_eq!(count("'tls-listener'"), 1, "{lines:?}");
    assert_eq!(count("'tls-primary'"), 2, "{lines:?}");
    assert_eq!(count("'tls-transfer'"), 1, "{lines:?}");
    assert!(
        loaded
            .warnings
            .iter()
            .filter(|d| d.message.contains("TLS"))
            .all(|d| d.severity == Severity::Warning)
    );
}
