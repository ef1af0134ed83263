//! Replication: zone transfers in and out, NOTIFY in and out, and the refresh timers of
//! secondary zones.
//!
//! # Design
//!
//! - [`message`] reads whole DNS messages (names decompressed, RDATA names too) and writes
//!   the small requests replication sends.
//! - [`outgoing`] serves AXFR and IXFR on the TCP listeners, to clients `allow-transfer`
//!   admits, within `transfers-out` and `max-transfer-*-out`.
//! - [`incoming`] is the client: the SOA query of a refresh, and the AXFR/IXFR stream read
//!   into a whole zone or a list of changes ([`incoming::StreamReader`] holds the stream
//!   rules and does no I/O).
//! - [`secondary`] runs one tokio task per secondary zone: refresh, retry and expire
//!   timers from the SOA within BIND's min/max limits, NOTIFY-triggered checks, the
//!   transfer, saving the copy ([`persist`]), and handing the new snapshot over.
//! - [`notify`] sends NOTIFY with BIND's retransmissions; incoming NOTIFY reaches
//!   [`Service`] through the engine's [`NotifyHook`].
//!
//! The daemon owns the served zones. It gives the service a [`ZoneTable`] (every zone
//! with its settings and current data) after every change, and takes new snapshots and
//! expiries back through [`ZoneSink`]; the service never touches the engine itself.
//!
//! TSIG ([`keys`]): a signed transfer request is verified against its view's keys and
//! answered signed; SOA queries, transfer requests and NOTIFY to a remote server are
//! signed with the key its `primaries`/`also-notify` entry or `server` statement names,
//! and every response to them is verified.

mod control;
pub mod incoming;
pub mod journal;
pub mod keys;
pub mod message;
pub mod notify;
pub mod outgoing;
pub mod pace;
pub mod persist;
pub mod quota;
pub mod secondary;
pub mod table;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU16, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use conf::model::{Config, ServerOptions};
use tokio::io::AsyncWrite;
use tokio::runtime::Handle;
use tokio::sync::mpsc;
use zones::serial::Serial;
use zones::zone::Zone;

use crate::answer::Client;
use crate::daemon::listen::display;
use crate::daemon::log::{error, info, notice};
use crate::stats::zone::{self as stats, Zm};
use crate::wire::Rcode;
pub use control::Schedule;
pub use outgoing::Served;
use secondary::Command;
pub use table::{ZoneInfo, ZoneKey, ZoneTable};

/// Told of every NOTIFY for a zone the server does not serve as primary.
pub trait NotifyHook: Send + Sync {
    /// The rcode for `msg`, a NOTIFY for zone `zone` (wire form, as sent) in view `view`
    /// from `client`, signed with the key named `key` (verified); queues the refresh it
    /// asks for. Runs on query threads: must not block.
    fn notify(
        &self,
        view: usize,
        zone: &[u8],
        msg: &[u8],
        client: &Client,
        key: Option<&str>,
    ) -> Rcode;
}

/// Where the service hands what it learned back to the daemon.
pub trait ZoneSink: Send + Sync {
    /// Serves `zone` for `key` from now on (a transfer completed).
    fn install(&self, key: &ZoneKey, zone: Arc<Zone>);
    /// Stops serving data for `key`: it expired (queries get SERVFAIL).
    fn expire(&self, key: &ZoneKey);
}

/// The replication service of a running server.
pub struct Service {
    runtime: Handle,
    table: ArcSwap<ZoneTable>,
    sink: OnceLock<Weak<dyn ZoneSink>>,
    secondaries: Mutex<HashMap<ZoneKey, mpsc::Sender<Command>>>,
    notify_rounds: Mutex<HashMap<ZoneKey, NotifyRound>>,
    transfers_out: quota::Quota,
    transfers_in: quota::Quota,
    /// The limit for each primary transferred from.
    per_ns: Mutex<HashMap<IpAddr, PerPrimary>>,
    per_ns_limit: AtomicU32,
    /// `serial-query-rate`.
    soa_queries: pace::Pacer,
    /// `notify-rate`, and `startup-notify-rate` for a zone's first round.
    notifies: pace::Pacer,
    startup_notifies: pace::Pacer,
    port: AtomicU16,
    listening: Mutex<Vec<SocketAddr>>,
    activity: control::Activity,
}

/// How many transfers may come from one primary at once.
#[derive(Debug)]
struct PerPrimary {
    quota: Arc<quota::Quota>,
    /// The `transfers` of its `server` statement, which `transfers-per-ns` does not
    /// override.
    own: Option<u32>,
}

/// When a zone's notifies were last sent, and whether another round waits.
#[derive(Debug, Clone, Copy)]
struct NotifyRound {
    last: Instant,
    queued: bool,
}

impl Service {
    /// A service on `runtime` with the limits of `options`; NS targets are notified on
    /// `port`.
    pub fn new(runtime: Handle, options: &ServerOptions, port: u16) -> Arc<Self> {
        Arc::new(Self {
            runtime,
            table: ArcSwap::from_pointee(ZoneTable::default()),
            sink: OnceLock::new(),
            secondaries: Mutex::new(HashMap::new()),
            notify_rounds: Mutex::new(HashMap::new()),
            transfers_out: quota::Quota::new(options.transfers_out),
            transfers_in: quota::Quota::new(options.transfers_in),
            per_ns: Mutex::new(HashMap::new()),
            per_ns_limit: AtomicU32::new(options.transfers_per_ns.max(1)),
            soa_queries: pace::Pacer::new(options.serial_query_rate),
            notifies: pace::Pacer::new(options.notify_rate),
            startup_notifies: pace::Pacer::new(options.startup_notify_rate),
            port: AtomicU16::new(port),
            listening: Mutex::new(Vec::new()),
            activity: control::Activity::default(),
        })
    }

    /// Sets where new snapshots and expiries go (once).
    pub fn set_sink(&self, sink: Weak<dyn ZoneSink>) {
        let _ = self.sink.set(sink);
    }

    /// The zones as they are now.
    pub fn table(&self) -> Arc<ZoneTable> {
        self.table.load_full()
    }

    /// Replaces the zone table (after a reload, a transfer or an expiry).
    pub fn set_table(&self, table: ZoneTable) {
        self.table.store(Arc::new(table));
    }

    /// The server-wide settings a reload may change: the transfer limits, the SOA query
    /// and NOTIFY rates, the notify port and the addresses this server answers on (never
    /// notified).
    pub fn set_options(&self, options: &ServerOptions, port: u16, listening: Vec<SocketAddr>) {
        self.transfers_in
            .resize(options.transfers_in, &self.runtime);
        self.transfers_out
            .resize(options.transfers_out, &self.runtime);
        if let Ok(per_ns) = self.per_ns.lock() {
            // Under the lock, so that no primary's limit is made with the old value after
            // the others were resized.
            self.per_ns_limit
                .store(options.transfers_per_ns.max(1), Ordering::Relaxed);
            for primary in per_ns.values().filter(|p| p.own.is_none()) {
                primary
                    .quota
                    .resize(options.transfers_per_ns, &self.runtime);
            }
        }
        self.soa_queries.set_rate(options.serial_query_rate);
        self.notifies.set_rate(options.notify_rate);
        self.startup_notifies.set_rate(options.startup_notify_rate);
        self.port.store(port, Ordering::Relaxed);
        if let Ok(mut l) = self.listening.lock() {
            *l = listening;
        }
    }

    fn sink(&self) -> Option<Arc<dyn ZoneSink>> {
        self.sink.get().and_then(Weak::upgrade)
    }

    /// Starts, reconfigures and stops the secondary zones' tasks to match the current
    /// table; `config` only for the server-wide options.
    pub fn sync_secondaries(self: &Arc<Self>, _config: &Config) {
        let table = self.table();
        let Ok(mut tasks) = self.secondaries.lock() else {
            return;
        };
        let mut keep = HashMap::new();
        for info in table.iter().filter(|i| i.is_secondary()) {
            match tasks.remove(&info.key) {
                Some(tx) if !tx.is_closed() => {
                    let _ = tx.try_send(Command::Reconfigure(Arc::clone(&info.conf)));
                    keep.insert(info.key.clone(), tx);
                }
                _ => {
                    let tx = secondary::spawn(Arc::clone(self), info);
                    keep.insert(info.key.clone(), tx);
                }
            }
        }
        for (_, gone) in tasks.drain() {
            let _ = gone.try_send(Command::Stop);
        }
        *tasks = keep;
    }

    /// Says that `key` was loaded from its file (or kept) with `old` the serial served
    /// before; notifies when the serial rose or the zone is new, as BIND does on load.
    pub fn loaded(self: &Arc<Self>, key: &ZoneKey, old: Option<u32>) {
        let table = self.table();
        let Some(zone) = table.by_key(key).and_then(|i| i.zone.clone()) else {
            return;
        };
        let rose = old.is_none_or(|o| Serial(zone.serial()).is_newer_than(Serial(o)));
        if rose {
            self.notify_zone(key);
        }
    }

    /// Sends a round of NOTIFY for `key` (at most one round per `notify-delay`; a round
    /// asked for sooner is sent when the delay has passed).
    pub fn notify_zone(self: &Arc<Self>, key: &ZoneKey) {
        let table = self.table();
        let Some(info) = table.by_key(key) else {
            return;
        };
        let delay = Duration::from_secs(u64::from(info.conf.notify_delay));
        let (wait, first) = {
            let Ok(mut rounds) = self.notify_rounds.lock() else {
                return;
            };
            let first = !rounds.contains_key(key);
            let now = Instant::now();
            let wait = match rounds.get_mut(key) {
                Some(round) if round.queued => return,
                Some(round) if now < round.last + delay => {
                    round.queued = true;
                    round.last + delay - now
                }
                _ => {
                    rounds.insert(
                        key.clone(),
                        NotifyRound {
                            last: now,
                            queued: false,
                        },
                    );
                    Duration::ZERO
                }
            };
            (wait, first)
        };
        let service = Arc::clone(self);
        let key = key.clone();
        self.runtime.spawn(async move {
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
                if let Ok(mut rounds) = service.notify_rounds.lock() {
                    rounds.insert(
                        key.clone(),
                        NotifyRound {
                            last: Instant::now(),
                            queued: false,
                        },
                    );
                }
            }
            service.notify_round(&key, first).await;
        });
    }

    /// Sends one round of NOTIFY for `key`, paced by `notify-rate`, or by
    /// `startup-notify-rate` for the `first` round since the server started.
    async fn notify_round(self: &Arc<Self>, key: &ZoneKey, first: bool) {
        let table = self.table();
        let Some(info) = table.by_key(key) else {
            return;
        };
        let Some(zone) = info.zone.clone() else {
            return;
        };
        let port = self.port.load(Ordering::Relaxed);
        let listening = self.listening.lock().map(|l| l.clone()).unwrap_or_default();
        let own = |a: SocketAddr| {
            listening.iter().any(|l| {
                l.port() == a.port()
                    && (l.ip() == a.ip() || (l.ip().is_unspecified() && a.ip().is_loopback()))
            })
        };
        let targets = notify::targets(&info.conf, &zone, port, &own);
        if targets.is_empty() {
            return;
        }
        info!(
            Notify,
            "zone {}: sending notifies (serial {})",
            info.label,
            zone.serial()
        );
        let source = |target: &SocketAddr| {
            let s = if target.is_ipv4() {
                info.conf.notify_source
            } else {
                info.conf.notify_source_v6
            };
            (!s.ip.is_unspecified() || s.port != 0).then(|| SocketAddr::new(s.ip, s.port))
        };
        let keys = table.view_keys(info.view);
        let mut sends = Vec::new();
        for target in targets {
            let zone = Arc::clone(&zone);
            let label = info.label.clone();
            let source = source(&target);
            let key = match keys.map(|k| k.for_remote(&notify::remote(&info.conf, target))) {
                Some(Ok(key)) => key,
                None => None,
                Some(Err(e)) => {
                    error!(Notify, "zone {label}: notify to {}: {e}", display(&target));
                    continue;
                }
            };
            let service = Arc::clone(self);
            sends.push(tokio::spawn(async move {
                let pacer = if first {
                    &service.startup_notifies
                } else {
                    &service.notifies
                };
                pacer.wait().await;
                notify::send(target, source, &zone, &label, key.as_deref()).await
            }));
        }
        for send in sends {
            let _ = send.await;
        }
    }

    /// Serves a transfer request (the engine deferred it) on a TCP connection.
    pub async fn serve_transfer<W: AsyncWrite + Unpin>(
        &self,
        view: usize,
        msg: &[u8],
        client: &Client,
        out: &mut W,
    ) -> Served {
        let table = self.table();
        let quota = self.transfers_out.try_acquire().ok();
        outgoing::serve(&table, view, msg, client.addr, client.local, quota, out).await
    }

    /// Waits for a slot among `transfers-in` and the primary's own limit: `own` (the
    /// `transfers` of its `server` statement) or else `transfers-per-ns`.
    async fn transfer_slot(
        &self,
        primary: IpAddr,
        own: Option<u32>,
    ) -> Option<(
        tokio::sync::OwnedSemaphorePermit,
        tokio::sync::OwnedSemaphorePermit,
    )> {
        let per_ns = {
            let mut map = self.per_ns.lock().ok()?;
            let limit = own.unwrap_or_else(|| self.per_ns_limit.load(Ordering::Relaxed));
            let entry = map.entry(primary).or_insert_with(|| PerPrimary {
                quota: Arc::new(quota::Quota::new(limit)),
                own,
            });
            // A reload may have changed the server statement.
            entry.own = own;
            if entry.quota.limit() != limit.max(1) as usize {
                entry.quota.resize(limit, &self.runtime);
            }
            Arc::clone(&entry.quota)
        };
        let _deferred = self.activity.deferred();
        let one = self.transfers_in.acquire().await?;
        let two = per_ns.acquire().await?;
        Some((one, two))
    }

    /// Waits for the next slot of `serial-query-rate`.
    async fn soa_query_slot(&self) {
        self.soa_queries.wait().await;
    }

    /// Stops every secondary task.
    pub fn shutdown(&self) {
        if let Ok(mut tasks) = self.secondaries.lock() {
            for (_, tx) in tasks.drain() {
                let _ = tx.try_send(Command::Stop);
            }
        }
    }
}

impl NotifyHook for Service {
    fn notify(
        &self,
        view: usize,
        zone: &[u8],
        msg: &[u8],
        client: &Client,
        key: Option<&str>,
    ) -> Rcode {
        let table = self.table.load();
        let from = display(&client.addr);
        let (client_key, signed) = key.map_or_else(
            || (String::new(), String::new()),
            |k| (format!("/key {k}"), format!(": TSIG '{k}'")),
        );
        let Some(info) = table.get(view, zone) else {
            return Rcode::NOTAUTH;
        };
        let name = zones::master::message_name(&info.key.name);
        if !info.is_secondary() {
            stats::count(Zm::NotifyRejected);
            return Rcode::REFUSED;
        }
        if !table.notify_allowed(info, client.addr, key) {
            stats::count(Zm::NotifyRejected);
            info!(
                General,
                "zone {}: refused notify from non-primary: {from}", info.label
            );
            return Rcode::REFUSED;
        }
        stats::count(Zm::NotifyInV4.family(client.addr.is_ipv6()));
        info!(
            Notify,
            "client @0x{:012x} {from}{client_key}: received notify for zone '{name}'{signed}",
            message::random_u64() & 0x7fff_ffff_ffff
        );
        let serial = notify::notified_serial(msg, &info.key.name, info.key.class);
        match serial {
            Some(s)
                if info
                    .zone
                    .as_ref()
                    .is_some_and(|z| !Serial(s).is_newer_than(Serial(z.serial()))) =>
            {
                info!(
                    General,
                    "zone {}: notify from {from}: zone is up to date", info.label
                );
                return Rcode::NOERROR;
            }
            Some(s) => info!(
                General,
                "zone {}: notify from {from}: serial {s}", info.label
            ),
            None => info!(
                General,
                "zone {}: notify from {from}: no serial", info.label
            ),
        }
        let sent = self.secondaries.lock().ok().and_then(|tasks| {
            tasks
                .get(&info.key)
                .map(|tx| tx.try_send(Command::Notify { from: client.addr }))
        });
        if !matches!(sent, Some(Ok(()))) {
            notice!(
                General,
                "zone {}: notify from {from}: refresh in progress, refresh check queued",
                info.label
            );
        }
        Rcode::NOERROR
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(text: &str) -> ServerOptions {
        conf::load_text(text).expect("config").config.options
    }

    #[tokio::test]
    async fn per_primary_limits_follow_reloads_and_server_statements() {
        let service = Service::new(
            Handle::current(),
            &options("options { transfers-per-ns 1; };"),
            53,
        );
        let (a, b): (IpAddr, IpAddr) = (
            "192.0.2.1".parse().expect("address"),
            "192.0.2.2".parse().expect("address"),
        );
        let held = service.transfer_slot(a, None).await.expect("slot");
        let second = service.transfer_slot(a, None);
        let waited = tokio::time::timeout(Duration::from_millis(50), second).await;
        assert!(waited.is_err(), "transfers-per-ns 1 lets one in");
        // A server statement's own `transfers` is its limit, whatever transfers-per-ns says.
        let b1 = service.transfer_slot(b, Some(2)).await.expect("slot");
        let b2 = service.transfer_slot(b, Some(2)).await.expect("slot");
        // A reload raises transfers-per-ns: the primary without a statement gets a second
        // slot while the first transfer still runs; the other keeps its own limit.
        service.set_options(&options("options { transfers-per-ns 2; };"), 53, Vec::new());
        let again = service.transfer_slot(a, None).await.expect("slot");
        let third = service.transfer_slot(b, Some(2));
        let waited = tokio::time::timeout(Duration::from_millis(50), third).await;
        assert!(waited.is_err(), "the server statement still says two");
        drop((held, again, b1, b2));
    }
}
