//! A zone's effective settings: what the zone says, else its view, else `options`, else
//! BIND's default.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use zones::{Class, Name};

use super::acl::AddressMatchList;

/// The kind of zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneKind {
    /// `type primary` (or `master`): loaded from a file, served, transferred out.
    Primary,
    /// `type secondary` (or `slave`): transferred in from primaries.
    Secondary,
    /// `type mirror`.
    Mirror,
    /// `type stub`.
    Stub,
    /// `type static-stub`.
    StaticStub,
    /// `type forward`: queries below it are forwarded.
    Forward,
    /// `type hint`: root hints.
    Hint,
    /// `type redirect`.
    Redirect,
    /// `type delegation-only`.
    DelegationOnly,
    /// `in-view VIEW`: the zone of that name in another view.
    InView(String),
}

impl ZoneKind {
    /// The name `type` uses (BIND's current spelling).
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Primary => "primary",
            Self::Secondary => "secondary",
            Self::Mirror => "mirror",
            Self::Stub => "stub",
            Self::StaticStub => "static-stub",
            Self::Forward => "forward",
            Self::Hint => "hint",
            Self::Redirect => "redirect",
            Self::DelegationOnly => "delegation-only",
            Self::InView(_) => "in-view",
        }
    }
}

/// `notify` settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyMode {
    /// Notify the zone's NS hosts and `also-notify`.
    Yes,
    /// Notify nobody.
    No,
    /// Notify only `also-notify`.
    Explicit,
    /// Like `yes`, for primary zones only (`primary-only`, `master-only`).
    PrimaryOnly,
}

/// Zone file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MasterFormat {
    /// RFC 1035 text.
    Text,
    /// BIND's raw binary format.
    Raw,
}

/// How zone files are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MasterStyle {
    /// Names relative to the origin, `$ORIGIN` changes.
    Relative,
    /// Every name absolute.
    Full,
}

/// `forward first|only`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardMode {
    /// Try the forwarders, then resolve normally.
    First,
    /// Only the forwarders.
    Only,
}

/// `max-journal-size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JournalSize {
    /// Twice the zone size, capped at 2 GiB.
    Default,
    /// No limit other than 2 GiB.
    Unlimited,
    /// At most this many bytes.
    Bytes(u64),
}

/// `zone-statistics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoneStatistics {
    /// Every counter.
    Full,
    /// Only the serial and load times.
    Terse,
    /// Nothing.
    None,
}

/// `check-*` severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckMode {
    /// Refuse the zone.
    Fail,
    /// Log and load.
    Warn,
    /// Say nothing.
    Ignore,
}

/// A source address for outgoing messages (`*` leaves it to the kernel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceAddr {
    /// The address; unspecified for `*`.
    pub ip: IpAddr,
    /// The port; 0 for any.
    pub port: u16,
}

/// A server to transfer from or notify, after list names are expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteServer {
    /// Address and port.
    pub addr: SocketAddr,
    /// TSIG key to sign with.
    pub key: Option<String>,
    /// `tls` block to connect with (XoT), `ephemeral` included.
    pub tls: Option<String>,
}

/// `allow-transfer [port P] [transport T] { ... }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferAcl {
    /// Only transfers to this local port.
    pub port: Option<u16>,
    /// Only over this transport (`tcp` or `tls`).
    pub transport: Option<String>,
    /// Who may transfer.
    pub acl: AddressMatchList,
}

/// One rule of an `update-policy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRule {
    /// `grant` (else `deny`).
    pub grant: bool,
    /// Who: a key name or other identity.
    pub identity: String,
    /// How the name is matched (`name`, `subdomain`, `zonesub`, `self`, ...).
    pub match_type: String,
    /// The name to match, when the match type takes one.
    pub name: Option<String>,
    /// Record types (empty: all but SOA/NS-protected ones, as BIND).
    pub types: Vec<String>,
}

/// `update-policy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdatePolicy {
    /// `update-policy local;`.
    Local,
    /// Explicit rules.
    Rules(Vec<GrantRule>),
}

/// A zone as the server runs it: every setting resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    /// The origin.
    pub name: Name,
    /// The class.
    pub class: Class,
    /// What kind of zone.
    pub kind: ZoneKind,
    /// The zone file, resolved against `directory`.
    pub file: Option<PathBuf>,
    /// The journal: `journal`, else the file with `.jnl` added.
    pub journal: Option<PathBuf>,
    /// Primaries to transfer from (list names expanded).
    pub primaries: Vec<RemoteServer>,
    /// Extra servers to notify.
    pub also_notify: Vec<RemoteServer>,
    /// Who is notified.
    pub notify: NotifyMode,
    /// Seconds between notify rounds.
    pub notify_delay: u32,
    /// Notify the SOA MNAME host too.
    pub notify_to_soa: bool,
    /// Source of IPv4 notifies.
    pub notify_source: SourceAddr,
    /// Source of IPv6 notifies.
    pub notify_source_v6: SourceAddr,
    /// Source of IPv4 refresh queries and transfers.
    pub transfer_source: SourceAddr,
    /// Source of IPv6 refresh queries and transfers.
    pub transfer_source_v6: SourceAddr,
    /// Who may query.
    pub allow_query: AddressMatchList,
    /// On which local addresses queries are answered.
    pub allow_query_on: AddressMatchList,
    /// Who may transfer.
    pub allow_transfer: TransferAcl,
    /// Who may notify, besides the primaries.
    pub allow_notify: AddressMatchList,
    /// Who may update.
    pub allow_update: AddressMatchList,
    /// Who may send updates to forward to the primary.
    pub allow_update_forwarding: AddressMatchList,
    /// Update rules, when given (they replace `allow-update`).
    pub update_policy: Option<UpdatePolicy>,
    /// Forwarders for queries below the zone.
    pub forwarders: Vec<SocketAddr>,
    /// Forwarding mode.
    pub forward: ForwardMode,
    /// Format of the zone file.
    pub masterfile_format: MasterFormat,
    /// Style of written zone files.
    pub masterfile_style: MasterStyle,
    /// Build the journal from differences on reload or AXFR.
    pub ixfr_from_differences: bool,
    /// Ask primaries for IXFR.
    pub request_ixfr: bool,
    /// Send the EDNS EXPIRE option.
    pub request_expire: bool,
    /// Journal size limit.
    pub max_journal_size: JournalSize,
    /// Refresh interval bounds, seconds.
    pub min_refresh_time: u32,
    /// Upper bound of the refresh interval, seconds.
    pub max_refresh_time: u32,
    /// Lower bound of the retry interval, seconds.
    pub min_retry_time: u32,
    /// Upper bound of the retry interval, seconds.
    pub max_retry_time: u32,
    /// Longest inbound transfer, seconds.
    pub max_transfer_time_in: u32,
    /// Longest idle inbound transfer, seconds.
    pub max_transfer_idle_in: u32,
    /// Longest outbound transfer, seconds.
    pub max_transfer_time_out: u32,
    /// Longest idle outbound transfer, seconds.
    pub max_transfer_idle_out: u32,
    /// Retry refresh queries over TCP.
    pub try_tcp_refresh: bool,
    /// The primaries serve different serials.
    pub multi_master: bool,
    /// Which counters to keep.
    pub zone_statistics: ZoneStatistics,
    /// `check-names` for this zone's type.
    pub check_names: CheckMode,
    /// Largest TTL accepted in the zone, if limited.
    pub max_zone_ttl: Option<u32>,
    /// `dnssec-policy` name, unless `none`.
    pub dnssec_policy: Option<String>,
    /// `inline-signing`.
    pub inline_signing: bool,
    /// Negative answers to SOA queries carry the SOA with TTL 0.
    pub zero_no_soa_ttl: bool,
    /// Static-stub server addresses.
    pub server_addresses: Vec<IpAddr>,
    /// Static-stub server names.
    pub server_names: Vec<String>,
}
