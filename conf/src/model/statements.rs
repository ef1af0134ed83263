//! Top-level statements other than options, views and zones.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use super::acl::AddressMatchList;
use super::zone::SourceAddr;

/// A `controls` channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlChannel {
    /// `inet ADDR [port P] allow { ... } [keys { ... }] [read-only yes]`.
    Inet {
        /// Where to listen (`*` is 0.0.0.0; port 953 by default).
        addr: SocketAddr,
        /// Who may connect (addresses only).
        allow: AddressMatchList,
        /// The keys accepted; `None` means the default `rndc.key`.
        keys: Option<Vec<String>>,
        /// Only commands that change nothing.
        read_only: bool,
    },
    /// `unix PATH perm P owner U group G ...`.
    Unix {
        /// The socket path.
        path: PathBuf,
        /// Its mode bits.
        perm: u32,
        /// Its owner.
        owner: u32,
        /// Its group.
        group: u32,
        /// The keys accepted; `None` means the default `rndc.key`.
        keys: Option<Vec<String>>,
        /// Only commands that change nothing.
        read_only: bool,
    },
}

/// Where a logging channel writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogDestination {
    /// A file, rotated.
    File {
        /// The path, resolved against `directory`.
        path: PathBuf,
        /// How many old versions to keep (`None`: no rotation by count; `Some(u32::MAX)`:
        /// unlimited).
        versions: Option<u32>,
        /// Rotate when the file grows past this many bytes.
        size: Option<u64>,
        /// Name old versions with timestamps rather than numbers.
        timestamp_suffix: bool,
    },
    /// syslog, with a facility (`daemon` by default).
    Syslog(String),
    /// Standard error.
    Stderr,
    /// Nowhere.
    Null,
}

/// A channel's severity threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogSeverity {
    /// Critical only.
    Critical,
    /// Errors and worse.
    Error,
    /// Warnings and worse.
    Warning,
    /// Notices and worse.
    Notice,
    /// Informational and worse.
    Info,
    /// Debug messages up to this level.
    Debug(u32),
    /// The server's current debug level.
    Dynamic,
}

/// How a channel prints times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintTime {
    /// No time.
    No,
    /// `DD-Mon-YYYY HH:MM:SS.mmm`, local time.
    Local,
    /// ISO 8601, local time.
    Iso8601,
    /// ISO 8601, UTC.
    Iso8601Utc,
}

/// A logging channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogChannel {
    /// Its name.
    pub name: String,
    /// Where it writes.
    pub destination: LogDestination,
    /// The least severe messages it takes.
    pub severity: LogSeverity,
    /// Time stamps.
    pub print_time: PrintTime,
    /// Print the category.
    pub print_category: bool,
    /// Print the severity.
    pub print_severity: bool,
    /// Do not flush after each message.
    pub buffered: bool,
}

/// The `logging` statement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Logging {
    /// The channels defined (besides the built-in `default_syslog`, `default_stderr`,
    /// `default_debug` and `null`).
    pub channels: Vec<LogChannel>,
    /// Categories and the channels they go to.
    pub categories: Vec<(String, Vec<String>)>,
}

/// A `tls` block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TlsConfig {
    /// Its name.
    pub name: String,
    /// Certificate chain (PEM).
    pub cert_file: Option<PathBuf>,
    /// Private key (PEM).
    pub key_file: Option<PathBuf>,
    /// CA bundle: verifies the peer (listeners: client certificates).
    pub ca_file: Option<PathBuf>,
    /// Name to verify in the server certificate (client side).
    pub remote_hostname: Option<String>,
    /// Diffie-Hellman parameters.
    pub dhparam_file: Option<PathBuf>,
    /// Allowed protocol versions (`TLSv1.2`, `TLSv1.3`); empty means the library's choice.
    pub protocols: Vec<String>,
    /// OpenSSL cipher list.
    pub ciphers: Option<String>,
    /// Prefer the server's cipher order.
    pub prefer_server_ciphers: Option<bool>,
    /// Session tickets.
    pub session_tickets: Option<bool>,
}

/// A `statistics-channels` listener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatisticsChannel {
    /// Where to listen (port 80 by default).
    pub addr: SocketAddr,
    /// Who may connect (`None`: only localhost, as BIND).
    pub allow: Option<AddressMatchList>,
}

/// A `server` statement: settings for talking to a peer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerPeer {
    /// The peer's address prefix.
    pub prefix: (IpAddr, u8),
    /// Sign everything sent to it with this key.
    pub key: Option<String>,
    /// Never send it anything.
    pub bogus: bool,
    /// Concurrent inbound transfers from it.
    pub transfers: Option<u32>,
    /// Ask it for IXFR.
    pub request_ixfr: Option<bool>,
    /// Send it IXFR.
    pub provide_ixfr: Option<bool>,
    /// Send it many records per message.
    pub transfer_format_many_answers: Option<bool>,
    /// Use EDNS with it.
    pub edns: Option<bool>,
    /// Send it the EDNS EXPIRE option.
    pub request_expire: Option<bool>,
    /// Only TCP to it.
    pub tcp_only: Option<bool>,
    /// Source of notifies to it.
    pub notify_source: Option<SourceAddr>,
    /// Source of transfers from it.
    pub transfer_source: Option<SourceAddr>,
}

/// A `primaries` (or `masters`) list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteList {
    /// Its name.
    pub name: String,
    /// The port its entries use unless they say otherwise.
    pub port: Option<u16>,
}

/// A trust anchor (`trust-anchors`, `managed-keys`, `trusted-keys`): accepted, not used
/// (Rivet does not validate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustAnchor {
    /// The owner name.
    pub name: String,
    /// `static-key`, `initial-key`, `static-ds`, `initial-ds` (`trusted-keys`: `static-key`).
    pub kind: String,
    /// Flags (or key tag).
    pub rdata1: u32,
    /// Protocol (or algorithm).
    pub rdata2: u32,
    /// Algorithm (or digest type).
    pub rdata3: u32,
    /// The key or digest.
    pub data: String,
}
