//! The typed configuration the server runs with.
//!
//! [`Config`] is built from a parsed and checked [`crate::parser::Document`]. Every setting is
//! resolved: a zone's settings come from the zone, else its view, else `options`, else BIND
//! 9.18's defaults ([`crate::defaults`]); named ACLs are expanded; file names are made
//! absolute against `directory`; `primaries` list names are expanded into addresses. When the
//! configuration has no `view`, its zones live in one implicit view, `_default`, which
//! matches every client.

mod acl;
mod build;
mod keys;
mod options;
mod statements;
mod zone;

pub use acl::{AddressMatchList, AmlElement, AmlKind, MatchContext, in_prefix, same_key_name};
pub use keys::{AlgorithmError, Key, KeyAlgorithm, decode_secret, parse_algorithm};
pub use options::{
    CacheSize, DnssecValidation, FileSetting, Identity, Listener, MinimalResponses, ServerOptions,
    ViewOptions,
};
pub use statements::{
    ControlChannel, LogChannel, LogDestination, LogSeverity, Logging, PrintTime, RemoteList,
    ServerPeer, StatisticsChannel, TlsConfig, TrustAnchor,
};
pub use zone::{
    CheckMode, ForwardMode, GrantRule, JournalSize, MasterFormat, MasterStyle, NotifyMode,
    RemoteServer, SourceAddr, TransferAcl, UpdatePolicy, Zone, ZoneKind, ZoneStatistics,
};

pub(crate) use build::{AclCompiler, build};

use zones::{Class, Name};

/// A whole configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Server-wide options.
    pub options: ServerOptions,
    /// Named ACLs, compiled.
    pub acls: Vec<(String, AddressMatchList)>,
    /// Top-level keys.
    pub keys: Vec<Key>,
    /// Control channels; `None` when there is no `controls` statement (then the default
    /// channel on 127.0.0.1#953 and ::1#953 with `rndc.key` applies).
    pub controls: Option<Vec<ControlChannel>>,
    /// The `logging` statement, if any.
    pub logging: Option<Logging>,
    /// Named `primaries`/`masters` lists (their entries are expanded into the zones).
    pub remote_lists: Vec<RemoteList>,
    /// Top-level `server` statements.
    pub servers: Vec<ServerPeer>,
    /// `tls` blocks.
    pub tls: Vec<TlsConfig>,
    /// Statistics channel listeners.
    pub statistics_channels: Vec<StatisticsChannel>,
    /// The views, in order (the implicit `_default` view when none is configured).
    pub views: Vec<View>,
    /// The view options of the `options` block and BIND's defaults alone, as a view
    /// without options of its own (BIND's built-in `_bind` CHAOS view) gets them.
    pub global_view_options: ViewOptions,
    /// Trust anchors (accepted, unused).
    pub trust_anchors: Vec<TrustAnchor>,
    /// Names of `dnssec-policy` statements (accepted; zones may not use them).
    pub dnssec_policies: Vec<String>,
}

/// A view: which clients it serves, its options and its zones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// Its name (`_default` for the implicit view).
    pub name: String,
    /// Its class.
    pub class: Class,
    /// Not written in the configuration: the configuration has no views.
    pub implicit: bool,
    /// Which clients (addresses and keys) it serves.
    pub match_clients: AddressMatchList,
    /// Which local addresses it serves.
    pub match_destinations: AddressMatchList,
    /// Only recursive queries.
    pub match_recursive_only: bool,
    /// Its effective options.
    pub options: ViewOptions,
    /// Keys defined in the view.
    pub keys: Vec<Key>,
    /// `server` statements in force in the view (the view's own, else the global ones).
    pub servers: Vec<ServerPeer>,
    /// Its zones, in order.
    pub zones: Vec<Zone>,
}

impl Config {
    /// Every zone with its view.
    pub fn zones(&self) -> impl Iterator<Item = (&View, &Zone)> {
        self.views
            .iter()
            .flat_map(|v| v.zones.iter().map(move |z| (v, z)))
    }

    /// A view by name.
    pub fn view(&self, name: &str) -> Option<&View> {
        self.views.iter().find(|v| v.name == name)
    }

    /// A key by name, looked up in the view first, then at the top level.
    pub fn key<'a>(&'a self, view: Option<&'a View>, name: &str) -> Option<&'a Key> {
        view.and_then(|v| v.keys.iter().find(|k| same_key_name(&k.name, name)))
            .or_else(|| self.keys.iter().find(|k| same_key_name(&k.name, name)))
    }

    /// A `tls` block by name.
    pub fn tls(&self, name: &str) -> Option<&TlsConfig> {
        self.tls.iter().find(|t| t.name.eq_ignore_ascii_case(name))
    }
}

impl View {
    /// A zone of the view by name.
    pub fn zone(&self, name: &Name) -> Option<&Zone> {
        self.zones.iter().find(|z| &z.name == name)
    }
}
