//! Server-wide options and the per-view options, with BIND's defaults applied.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::acl::AddressMatchList;
use super::zone::{CheckMode, ForwardMode, SourceAddr};

/// A `listen-on` or `listen-on-v6` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// The port (`port`, else `tls-port` for TLS listeners, else `port` from options).
    pub port: u16,
    /// The `tls` block (`ephemeral` for a self-signed certificate), for DNS over TLS.
    pub tls: Option<String>,
    /// The `http` block, for DNS over HTTPS.
    pub http: Option<String>,
    /// The local addresses to listen on.
    pub addresses: AddressMatchList,
}

/// A file the server may write, or `none`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileSetting {
    /// Not configured: the server's own default.
    Default,
    /// `none`: do not write it.
    None,
    /// This file (resolved against `directory`).
    Path(PathBuf),
}

/// What the server says its version, host name or id is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// BIND's default (the software version, or the host name).
    Default,
    /// `none`: refuse to tell.
    Hidden,
    /// The host name (`server-id hostname`).
    Hostname,
    /// This text.
    Text(String),
}

/// `max-cache-size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheSize {
    /// BIND's default: 90% of memory.
    Default,
    /// No limit.
    Unlimited,
    /// Bytes.
    Bytes(u64),
    /// Percent of physical memory.
    Percent(u32),
}

/// `minimal-responses`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MinimalResponses {
    /// Full authority and additional sections.
    No,
    /// Only what the answer needs.
    Yes,
    /// Leave out authority data.
    NoAuth,
    /// Leave out authority data when recursion was asked for.
    NoAuthRecursive,
}

/// `dnssec-validation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnssecValidation {
    /// No validation.
    No,
    /// Validation with configured trust anchors.
    Yes,
    /// Validation with the built-in root key.
    Auto,
}

/// Options that apply to the whole server (only in `options`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerOptions {
    /// The working directory; relative file names start here.
    pub directory: PathBuf,
    /// Where the process id is written.
    pub pid_file: FileSetting,
    /// IPv4 listeners.
    pub listen_on: Vec<Listener>,
    /// IPv6 listeners.
    pub listen_on_v6: Vec<Listener>,
    /// The DNS port.
    pub port: u16,
    /// The DNS-over-TLS port.
    pub tls_port: u16,
    /// `version.bind`.
    pub version: Identity,
    /// `hostname.bind`.
    pub hostname: Identity,
    /// NSID and `id.server`.
    pub server_id: Identity,
    /// Query logging at start-up (`None`: on when a `queries` category is configured).
    pub querylog: Option<bool>,
    /// Where `rndc stats` writes.
    pub statistics_file: PathBuf,
    /// Where `rndc dumpdb` writes.
    pub dump_file: PathBuf,
    /// Clients whose queries are dropped.
    pub blackhole: AddressMatchList,
    /// Concurrent inbound transfers.
    pub transfers_in: u32,
    /// Concurrent outbound transfers.
    pub transfers_out: u32,
    /// Concurrent inbound transfers from one primary.
    pub transfers_per_ns: u32,
    /// SOA refresh queries per second.
    pub serial_query_rate: u32,
    /// Notifies per second.
    pub notify_rate: u32,
    /// Notifies per second at start-up.
    pub startup_notify_rate: u32,
    /// Concurrent TCP clients.
    pub tcp_clients: u32,
    /// TCP timeouts, in units of 100 ms.
    pub tcp_initial_timeout: u32,
    /// Idle timeout, units of 100 ms.
    pub tcp_idle_timeout: u32,
    /// Keepalive timeout, units of 100 ms.
    pub tcp_keepalive_timeout: u32,
    /// Timeout advertised in the EDNS keepalive option, units of 100 ms.
    pub tcp_advertised_timeout: u32,
    /// The TCP listen backlog.
    pub tcp_listen_queue: u32,
    /// Concurrent recursive (forwarded) clients.
    pub recursive_clients: u32,
    /// Answer DNS COOKIEs.
    pub answer_cookie: bool,
    /// Secrets for server cookies (hex).
    pub cookie_secrets: Vec<String>,
    /// Largest message in an outbound transfer.
    pub transfer_message_size: u32,
    /// Where the session key for `nsupdate -l` is written.
    pub session_keyfile: FileSetting,
}

/// Options of a view (from the view, else `options`, else defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewOptions {
    /// Recursion (forwarding) for clients allowed by `allow-recursion`.
    pub recursion: bool,
    /// Who may ask for recursion.
    pub allow_recursion: AddressMatchList,
    /// On which local addresses recursion is offered.
    pub allow_recursion_on: AddressMatchList,
    /// Who may get answers from the cache.
    pub allow_query_cache: AddressMatchList,
    /// On which local addresses the cache answers.
    pub allow_query_cache_on: AddressMatchList,
    /// Forwarders for queries outside the view's zones.
    pub forwarders: Vec<SocketAddr>,
    /// Forwarding mode.
    pub forward: ForwardMode,
    /// Response shaping.
    pub minimal_responses: MinimalResponses,
    /// Answer ANY queries with one RRset.
    pub minimal_any: bool,
    /// Largest UDP response.
    pub max_udp_size: u32,
    /// UDP size advertised in our OPT records.
    pub edns_udp_size: u32,
    /// Largest UDP response to clients without a valid server cookie.
    pub nocookie_udp_size: u32,
    /// Validation of forwarded answers.
    pub dnssec_validation: DnssecValidation,
    /// Cache size limit.
    pub max_cache_size: CacheSize,
    /// Longest TTL kept in the cache, seconds.
    pub max_cache_ttl: u32,
    /// Longest negative TTL kept in the cache, seconds.
    pub max_ncache_ttl: u32,
    /// Shortest TTL kept in the cache, seconds.
    pub min_cache_ttl: u32,
    /// Shortest negative TTL kept in the cache, seconds.
    pub min_ncache_ttl: u32,
    /// Serve IXFR to secondaries.
    pub provide_ixfr: bool,
    /// Outbound transfers put many records in a message.
    pub transfer_format_many_answers: bool,
    /// `check-names primary`.
    pub check_names_primary: CheckMode,
    /// `check-names secondary`.
    pub check_names_secondary: CheckMode,
    /// `check-names response`.
    pub check_names_response: CheckMode,
    /// Source of IPv4 forwarded queries.
    pub query_source: SourceAddr,
    /// Source of IPv6 forwarded queries.
    pub query_source_v6: SourceAddr,
    /// Send DNS COOKIEs on forwarded queries.
    pub send_cookie: bool,
    /// Require server cookies from clients over UDP.
    pub require_server_cookie: bool,
    /// Seconds to cache SERVFAIL.
    pub servfail_ttl: u32,
}
