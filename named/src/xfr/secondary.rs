//! One secondary zone's maintenance, as a tokio task: the refresh, retry and expire timers,
//! the SOA check, the transfer, saving the copy and handing the new snapshot over.
//!
//! Timers (bind-behaviour §6): refresh = SOA REFRESH within `min-refresh-time` ..
//! `max-refresh-time`, retry = SOA RETRY within `min-retry-time` .. `max-retry-time`,
//! expire = SOA EXPIRE within refresh + retry .. 24 weeks. After a good refresh the next
//! comes after refresh less up to a quarter (jitter); after a failure, after retry less up
//! to a quarter. Before the first copy, attempts start 60 s apart and double up to 6 h
//! (within the retry bounds). A copy read from the file at start-up expires at the file's
//! modification time plus expire; its first refresh comes after a random part of retry
//! (at once if the copy has no time left). At expiry the zone answers SERVFAIL until a
//! transfer succeeds.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use conf::model::RemoteServer;
use tokio::sync::mpsc;
use tokio::time::Instant;
use zones::diag::Diagnostic;
use zones::diff::Diff;
use zones::record::{Rdata, Record};
use zones::serial::Serial;
use zones::zone::{CheckOptions, Zone, ZoneBuilder, ZoneError};
use zones::{Class, Name, RType};

use super::incoming::{self, Content, Counts, Delta, Request, XferError};
use super::journal;
use super::keys::UnknownKey;
use super::table::{ZoneInfo, ZoneKey};
use super::{Service, persist};
use crate::daemon::listen::display;
use crate::daemon::log::{debug, error, info, warning};
use crate::stats::zone::{self as zone_stats, Xfr, Zm};

/// What a secondary task is told.
#[derive(Debug)]
pub enum Command {
    /// An accepted NOTIFY: check the primaries now.
    Notify {
        /// Who sent it.
        from: SocketAddr,
    },
    /// New settings after a reload.
    Reconfigure(Arc<conf::model::Zone>),
    /// `retransfer`: a full transfer regardless of the serial.
    Retransfer,
    /// `refresh`: an SOA check now.
    Refresh,
    /// The zone is no longer configured.
    Stop,
}

/// The longest expire BIND allows: 24 weeks.
const MAX_EXPIRE: u32 = 24 * 7 * 24 * 3600;
/// The first retry interval before any copy exists, and its upper bound.
const FIRST_RETRY: u32 = 60;
const MAX_FIRST_RETRY: u32 = 6 * 3600;
/// BIND's SOA query: 5 s per try, 3 tries (a refused port ends it sooner).
const SOA_TIMEOUT: Duration = Duration::from_secs(5);
const SOA_TRIES: u32 = 3;
/// How long a TCP connection to a primary may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts the task of the secondary zone `info`; returns its command channel.
pub fn spawn(service: Arc<Service>, info: &ZoneInfo) -> mpsc::Sender<Command> {
    let (tx, rx) = mpsc::channel(16);
    let mut task = Secondary {
        key: info.key.clone(),
        label: format!("zone {}", info.label),
        transfer_label: info.label.clone(),
        conf: Arc::clone(&info.conf),
        zone: info.zone.clone(),
        service: Arc::clone(&service),
        next_refresh: Instant::now(),
        expire_at: None,
        first_retry: FIRST_RETRY,
        primary_expire: None,
    };
    task.start();
    service.runtime.spawn(task.run(rx));
    tx
}

struct Secondary {
    key: ZoneKey,
    /// `zone example.com/IN`.
    label: String,
    /// `example.com/IN`.
    transfer_label: String,
    conf: Arc<conf::model::Zone>,
    zone: Option<Arc<Zone>>,
    service: Arc<Service>,
    next_refresh: Instant,
    expire_at: Option<Instant>,
    first_retry: u32,
    /// The EXPIRE value (RFC 7314) the primary sent with the last SOA answer.
    primary_expire: Option<u32>,
}

/// When a copy refreshed at `now` expires. A new copy lives for the SOA's EXPIRE. A copy a
/// primary says is current lives that long too, or less when the primary is itself a
/// secondary whose copy expires sooner (its RFC 7314 EXPIRE option); as in BIND, such an
/// answer only ever moves the expiry later, so a copy never expires before a check
/// without the option would have let it.
fn expiry_after_refresh(
    now: Instant,
    current: Option<Instant>,
    soa_expire: u32,
    primary_expire: Option<u32>,
) -> Instant {
    let after = |secs: u32| now + Duration::from_secs(u64::from(secs));
    match primary_expire {
        None => after(soa_expire),
        Some(left) => {
            let offered = after(left.min(soa_expire));
            current.map_or(offered, |current| current.max(offered))
        }
    }
}

/// The timer values of a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Timers {
    refresh: u32,
    retry: u32,
    expire: u32,
}

fn timers(conf: &conf::model::Zone, zone: &Zone) -> Timers {
    let soa = zone.soa();
    let clamp = |v: u32, lo: u32, hi: u32| v.max(lo).min(hi.max(lo));
    let refresh = clamp(soa.refresh, conf.min_refresh_time, conf.max_refresh_time);
    let retry = clamp(soa.retry, conf.min_retry_time, conf.max_retry_time);
    let expire = clamp(soa.expire, refresh.saturating_add(retry), MAX_EXPIRE);
    Timers {
        refresh,
        retry,
        expire,
    }
}

/// `seconds` less a random part of up to a quarter of it.
fn jittered(seconds: u32) -> Duration {
    let full = Duration::from_secs(u64::from(seconds));
    let quarter = full.as_millis() as u64 / 4;
    let cut = if quarter == 0 {
        0
    } else {
        super::message::random_u64() % quarter
    };
    full.saturating_sub(Duration::from_millis(cut))
}

/// How a refresh went.
enum Refreshed {
    /// The copy is current or was replaced.
    Good,
    /// Every primary failed.
    Failed,
}

impl Secondary {
    /// Sets the timers for the copy read at start-up (or none).
    fn start(&mut self) {
        let now = Instant::now();
        let Some(zone) = &self.zone else {
            self.next_refresh = now;
            return;
        };
        let t = timers(&self.conf, zone);
        let age = self
            .conf
            .file
            .as_ref()
            .and_then(|f| std::fs::metadata(f).ok())
            .and_then(|m| m.modified().ok())
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .unwrap_or_default();
        let left = Duration::from_secs(u64::from(t.expire)).saturating_sub(age);
        self.expire_at = Some(now + left);
        let retry = Duration::from_secs(u64::from(t.retry));
        let spread = retry.as_millis() as u64 * 3 / 4;
        let wait = retry / 4
            + Duration::from_millis(if spread == 0 {
                0
            } else {
                super::message::random_u64() % spread
            });
        self.next_refresh = if left.is_zero() || wait >= left {
            now
        } else {
            now + wait
        };
    }

    async fn run(mut self, mut rx: mpsc::Receiver<Command>) {
        self.check_journal().await;
        loop {
            let expire_at = self.expire_at.filter(|_| self.zone.is_some());
            self.service
                .activity
                .set_schedule(&self.key, self.next_refresh, expire_at);
            let command = tokio::select! {
                () = tokio::time::sleep_until(self.next_refresh) => Command::Refresh,
                () = sleep_until_opt(expire_at) => {
                    self.expire();
                    continue;
                }
                command = rx.recv() => match command {
                    Some(c) => c,
                    None => Command::Stop,
                },
            };
            match command {
                Command::Stop => {
                    self.service.activity.forget(&self.key);
                    debug!(
                        1,
                        General, "{}: no longer a secondary zone here", self.label
                    );
                    return;
                }
                Command::Reconfigure(conf) => {
                    let primaries_changed = conf.primaries != self.conf.primaries;
                    self.conf = conf;
                    if primaries_changed && self.zone.is_none() {
                        self.next_refresh = Instant::now();
                    }
                }
                Command::Notify { from } => {
                    debug!(
                        1,
                        General,
                        "{}: refresh after notify from {}",
                        self.label,
                        display(&from)
                    );
                    // Notifies that arrived meanwhile ask for the same check.
                    while let Ok(Command::Notify { .. }) = rx.try_recv() {}
                    self.refresh(false).await;
                }
                Command::Refresh => self.refresh(false).await,
                Command::Retransfer => self.refresh(true).await,
            }
        }
    }

    /// Discards, with a log line, a journal that does not lead to the copy read at
    /// start-up, rather than serve increments that do not match it.
    async fn check_journal(&self) {
        let (Some(path), Some(zone)) = (self.conf.journal.clone(), &self.zone) else {
            return;
        };
        let serial = zone.serial();
        let shown = path.display().to_string();
        let checked =
            tokio::task::spawn_blocking(move || journal::check_at_start(&path, serial)).await;
        match checked {
            Ok(Ok(Some(why))) => warning!(
                General,
                "{}: journal file {shown} is out of date ({why}): removing journal file",
                self.label
            ),
            Ok(Err(e)) => error!(
                General,
                "{}: removing out-of-date journal file {shown}: {e}", self.label
            ),
            _ => {}
        }
    }

    fn expire(&mut self) {
        warning!(General, "{}: expired", self.label);
        self.zone = None;
        self.expire_at = None;
        if let Some(sink) = self.service.sink() {
            let key = self.key.clone();
            // Rebuilding the engine may wait on locks; not on a runtime thread.
            let _ = std::thread::Builder::new()
                .name("rivetd-expire".into())
                .spawn(move || sink.expire(&key));
        }
    }

    /// Checks the primaries and transfers when needed; sets the next refresh.
    async fn refresh(&mut self, force: bool) {
        let outcome = self.try_primaries(force).await;
        let now = Instant::now();
        match (outcome, &self.zone) {
            (Refreshed::Good, Some(zone)) => {
                let t = timers(&self.conf, zone);
                self.next_refresh = now + jittered(t.refresh);
                self.expire_at = Some(expiry_after_refresh(
                    now,
                    self.expire_at,
                    t.expire,
                    self.primary_expire.take(),
                ));
                self.first_retry = FIRST_RETRY;
            }
            (_, Some(zone)) => {
                let t = timers(&self.conf, zone);
                self.next_refresh = now + jittered(t.retry);
            }
            (_, None) => {
                // Before the first copy: 60 s doubling to 6 h (never above
                // max-retry-time).
                let wait = self.first_retry.min(self.conf.max_retry_time.max(1));
                self.next_refresh = now + jittered(wait);
                self.first_retry = (self.first_retry * 2).min(MAX_FIRST_RETRY);
            }
        }
    }

    async fn try_primaries(&mut self, force: bool) -> Refreshed {
        if self.conf.primaries.is_empty() {
            error!(General, "{}: no primaries to refresh from", self.label);
            return Refreshed::Failed;
        }
        for primary in self.conf.primaries.clone() {
            if primary.tls.is_some() {
                error!(
                    XferIn,
                    "transfer of '{}' from {}: zone transfers over TLS are not supported",
                    self.transfer_label,
                    display(&primary.addr)
                );
                continue;
            }
            let transfer = if force || self.zone.is_none() {
                true
            } else {
                match self.check_serial(&primary).await {
                    Some(needed) => needed,
                    None => continue,
                }
            };
            if !transfer {
                return Refreshed::Good;
            }
            if self.transfer(&primary, force).await {
                return Refreshed::Good;
            }
        }
        Refreshed::Failed
    }

    /// The key that signs what is sent to `primary` (its entry's, else its `server`
    /// statement's); an error when that key is not defined.
    fn tsig_key(
        &self,
        primary: &RemoteServer,
    ) -> Result<Option<Arc<crate::tsig::TsigKey>>, UnknownKey> {
        let table = self.service.table();
        let Some(view) = table.by_key(&self.key).map(|i| i.view) else {
            return Ok(None);
        };
        table
            .view_keys(view)
            .map_or(Ok(None), |keys| keys.for_remote(primary))
    }

    fn source(&self, primary: SocketAddr) -> Option<SocketAddr> {
        let s = if primary.is_ipv4() {
            self.conf.transfer_source
        } else {
            self.conf.transfer_source_v6
        };
        (!s.ip.is_unspecified() || s.port != 0).then(|| SocketAddr::new(s.ip, s.port))
    }

    /// The SOA check: `Some(true)` to transfer, `Some(false)` when the copy is current,
    /// `None` when this primary cannot be asked.
    async fn check_serial(&mut self, primary: &RemoteServer) -> Option<bool> {
        let zone = self.zone.clone()?;
        let name = self.key.name.clone();
        let source = self.source(primary.addr);
        let tsig_key = match self.tsig_key(primary) {
            Ok(k) => k,
            Err(e) => {
                error!(
                    General,
                    "{}: refresh: primary {}: {e}",
                    self.label,
                    display(&primary.addr)
                );
                return None;
            }
        };
        self.service.soa_query_slot().await;
        let service = Arc::clone(&self.service);
        let _querying = service.activity.soa_query();
        zone_stats::count(Zm::SoaSentV4.family(primary.addr.is_ipv6()));
        let mut answer = incoming::query_soa_udp(
            primary.addr,
            source,
            &name,
            self.key.class,
            (SOA_TIMEOUT, SOA_TRIES),
            tsig_key.as_deref(),
            self.conf.request_expire,
        )
        .await;
        if matches!(answer, Err(XferError::TimedOut)) && self.conf.try_tcp_refresh {
            answer = incoming::query_soa_tcp(
                primary.addr,
                source,
                &name,
                self.key.class,
                SOA_TIMEOUT,
                tsig_key.as_deref(),
                self.conf.request_expire,
            )
            .await;
        }
        let shown = display(&primary.addr);
        let source_shown = source.map_or_else(
            || {
                if primary.addr.is_ipv4() {
                    "0.0.0.0#0".to_owned()
                } else {
                    ":: #0".to_owned()
                }
            },
            |s| display(&s),
        );
        match answer {
            Err(e) => {
                info!(
                    General,
                    "{}: refresh: failure trying primary {shown} (source {source_shown}): {e}",
                    self.label
                );
                None
            }
            Ok(a) if a.rcode != 0 => {
                info!(
                    General,
                    "{}: refresh: unexpected rcode ({}) from primary {shown} (source {source_shown})",
                    self.label,
                    incoming::rcode_name(a.rcode)
                );
                // BIND still tries the transfer: it may be allowed where SOA queries are not.
                Some(true)
            }
            Ok(a) => match a.serial {
                None => {
                    info!(
                        General,
                        "{}: refresh: {} from primary {shown} (source {source_shown})",
                        self.label,
                        if a.authoritative {
                            "no SOA in the answer"
                        } else {
                            "non-authoritative answer"
                        }
                    );
                    None
                }
                Some(theirs) => {
                    let ours = zone.serial();
                    if Serial(theirs).is_newer_than(Serial(ours)) {
                        debug!(
                            1,
                            General, "{}: serial: new {theirs}, old {ours}", self.label
                        );
                        Some(true)
                    } else {
                        if theirs != ours {
                            info!(
                                General,
                                "{}: serial number ({theirs}) received from primary {shown} < ours ({ours})",
                                self.label
                            );
                        }
                        debug!(1, General, "{}: zone is up to date", self.label);
                        self.primary_expire = a.expire;
                        if let Some(file) = &self.conf.file {
                            let _ = persist::touch(file);
                        }
                        Some(false)
                    }
                }
            },
        }
    }

    /// One transfer from `primary`; whether a new copy (or the knowledge that ours is
    /// current) came of it.
    async fn transfer(&mut self, primary: &RemoteServer, force: bool) -> bool {
        let own_limit = {
            let table = self.service.table();
            table
                .by_key(&self.key)
                .and_then(|i| table.view_keys(i.view))
                .and_then(|keys| keys.transfers_from(primary.addr.ip()))
        };
        let Some(_slot) = self
            .service
            .transfer_slot(primary.addr.ip(), own_limit)
            .await
        else {
            return false;
        };
        let service = Arc::clone(&self.service);
        let _running = service.activity.transfer();
        let soa = self.zone.as_ref().map(|z| soa_record(z));
        let mut request = match soa {
            Some(soa) if !force && self.conf.request_ixfr => Request::Ixfr(soa),
            _ => Request::Axfr,
        };
        loop {
            match self.transfer_once(primary, &request).await {
                Attempt::Done => return true,
                Attempt::Failed => return false,
                // The copies disagree: ask for the whole zone.
                Attempt::RetryAxfr if !matches!(request, Request::Axfr) => {
                    request = Request::Axfr;
                }
                Attempt::RetryAxfr => return false,
            }
        }
    }

    async fn transfer_once(&mut self, primary: &RemoteServer, request: &Request) -> Attempt {
        let from = display(&primary.addr);
        let what = &self.transfer_label;
        info!(XferIn, "{}: Transfer started.", self.label);
        let asked = match request {
            Request::Axfr => Zm::AxfrReqV4,
            _ => Zm::IxfrReqV4,
        };
        zone_stats::count(asked.family(primary.addr.is_ipv6()));
        debug!(
            1,
            XferIn,
            "{}: requesting {} from {from}",
            self.label,
            if matches!(request, Request::Axfr) {
                "AXFR"
            } else {
                "IXFR"
            }
        );
        let limits = incoming::Limits {
            total: Duration::from_secs(u64::from(self.conf.max_transfer_time_in.max(1))),
            idle: Duration::from_secs(u64::from(self.conf.max_transfer_idle_in.max(1))),
        };
        let start = std::time::Instant::now();
        let connected = tokio::time::timeout(
            CONNECT_TIMEOUT,
            incoming::connect(primary.addr, self.source(primary.addr)),
        )
        .await;
        let mut stream = match connected {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => {
                let e = XferError::Io(e);
                self.failed(&from, "failed to connect", &e, Counts::default(), start);
                return Attempt::Failed;
            }
            Err(_) => {
                self.failed(
                    &from,
                    "failed to connect",
                    &XferError::TimedOut,
                    Counts::default(),
                    start,
                );
                return Attempt::Failed;
            }
        };
        let tsig_key = match self.tsig_key(primary) {
            Ok(k) => k,
            Err(e) => {
                error!(XferIn, "transfer of '{what}' from {from}: {e}");
                return Attempt::Failed;
            }
        };
        let key_name = tsig_key
            .as_ref()
            .map(|k| zones::master::message_name(k.name()));
        info!(
            XferIn,
            "transfer of '{what}' from {from}: connected using {from}{}",
            key_name
                .as_ref()
                .map_or_else(String::new, |k| format!(" TSIG {k}"))
        );
        // A whole zone is built as its records arrive.
        let expected = self.zone.as_ref().map_or(0, |z| z.record_count());
        let mut assembly = Assembly::new(self.key.name.clone(), self.key.class, expected);
        let result = incoming::transfer(
            &mut stream,
            &self.key.name,
            self.key.class,
            request,
            limits,
            tsig_key.as_ref(),
            |records| assembly.feed(records),
        )
        .await;
        drop(stream);
        let transferred = match result {
            Ok(t) => t,
            Err(e) => {
                self.failed(
                    &from,
                    "failed while receiving responses",
                    &e,
                    Counts::default(),
                    start,
                );
                return Attempt::Failed;
            }
        };
        let counts = transferred.counts;
        // The increments to journal; `None` after a full transfer.
        let mut increments = None;
        let built = match transferred.content {
            Content::UpToDate(serial) => {
                debug!(1, XferIn, "{}: up to date (serial {serial})", self.label);
                self.completed(&from, counts, serial, start);
                if let Some(file) = &self.conf.file {
                    let _ = persist::touch(file);
                }
                return Attempt::Done;
            }
            Content::Full(records) => {
                debug!(3, XferIn, "{}: got nonincremental response", self.label);
                // The copy this one replaces, when their difference is to be journaled
                // (`ixfr-from-differences`).
                let replaced = self
                    .zone
                    .clone()
                    .filter(|_| self.conf.ixfr_from_differences);
                assembly.finish(records, replaced).await
            }
            Content::Incremental(deltas) => {
                let Some(zone) = self.zone.clone() else {
                    return Attempt::RetryAxfr;
                };
                match incoming::apply(&zone, &deltas) {
                    Ok(records) => {
                        increments = Some(Increments::Received(deltas));
                        let (name, class) = (self.key.name.clone(), self.key.class);
                        tokio::task::spawn_blocking(move || {
                            Zone::build(name, class, records, &transfer_checks())
                                .map(|(zone, warnings)| (zone, warnings, None))
                        })
                        .await
                        .ok()
                    }
                    Err(e) => {
                        info!(
                            XferIn,
                            "transfer of '{what}' from {from}: IXFR could not be applied ({e}); retrying with AXFR"
                        );
                        return Attempt::RetryAxfr;
                    }
                }
            }
        };
        let zone = match built {
            Some(Ok((zone, _warnings, difference))) => {
                if let Some(difference) = difference {
                    increments = Some(Increments::Computed(difference));
                }
                Arc::new(zone)
            }
            Some(Err(e)) => {
                let e = XferError::Protocol(rejected(&e));
                self.failed(&from, "failed while receiving responses", &e, counts, start);
                error!(XferIn, "{}: transferred zone rejected: {e:?}", self.label);
                return Attempt::Failed;
            }
            None => return Attempt::Failed,
        };
        let serial = zone.serial();
        info!(
            XferIn,
            "{}: transferred serial {serial}{}",
            self.label,
            key_name
                .as_ref()
                .map_or_else(String::new, |k| format!(": TSIG '{k}'"))
        );
        self.completed(&from, counts, serial, start);
        // Journaled before the copy is announced, so that the secondaries the NOTIFY
        // brings find the increment; a crash before the copy is saved leaves a journal
        // ahead of the file, which the next start discards.
        self.journal(increments).await;
        self.install(zone).await;
        Attempt::Done
    }

    /// Records an IXFR's increments (or the difference a full transfer made) in the
    /// zone's journal, so that this copy can be sent on incrementally; after a full
    /// transfer without one, empties the journal, if there is one.
    async fn journal(&self, increments: Option<Increments>) {
        let Some(path) = self.conf.journal.clone() else {
            return;
        };
        let label = self.label.clone();
        let limit = crate::daemon::load::journal_limit(
            self.conf.max_journal_size,
            self.conf.file.as_deref(),
        );
        let (origin, class) = (self.key.name.clone(), self.key.class);
        let written = tokio::task::spawn_blocking(move || match increments {
            Some(increments) => increments
                .into_diffs()
                .and_then(|diffs| journal::record(&path, &origin, class, &diffs, limit))
                .map(|dropped| {
                    if dropped > 0 {
                        info!(
                            XferIn,
                            "{}",
                            journal::trimmed_message(&label, &path, dropped, limit)
                        );
                    }
                })
                .map_err(|e| format!("{label}: journal {}: {e}", path.display())),
            // Without a journal there is no history to drop; the next increment starts one.
            None if !path.exists() => Ok(()),
            None => journal::reset(&path, &origin, class)
                .map_err(|e| format!("{label}: resetting journal {}: {e}", path.display())),
        })
        .await;
        if let Ok(Err(e)) = written {
            error!(XferIn, "{e}");
        }
    }

    /// Serves, announces and saves a new copy.
    ///
    /// The copy is served before it is written out, as BIND serves a transferred zone and
    /// dumps it afterwards: writing a large zone takes longer than building it, and until
    /// the new file is renamed into place the old one stays whole on disk.
    async fn install(&mut self, zone: Arc<Zone>) {
        self.zone = Some(Arc::clone(&zone));
        if let Some(sink) = self.service.sink() {
            let key = self.key.clone();
            let serving = Arc::clone(&zone);
            let _ = tokio::task::spawn_blocking(move || sink.install(&key, serving)).await;
        }
        self.service.notify_zone(&self.key);
        if let Some(file) = self.conf.file.clone() {
            let saved = tokio::task::spawn_blocking(move || persist::save(&zone, &file)).await;
            match saved {
                Ok(Ok(())) => {}
                Ok(Err(e)) => error!(
                    General,
                    "{}: dumping to {} failed: {e}",
                    self.label,
                    self.conf
                        .file
                        .as_ref()
                        .map_or_else(String::new, |f| f.display().to_string())
                ),
                Err(_) => {}
            }
        }
    }

    fn completed(&self, from: &str, counts: Counts, serial: u32, start: std::time::Instant) {
        let what = &self.transfer_label;
        zone_stats::count(Zm::XfrSuccess);
        zone_stats::add(Xfr::InBytes, counts.bytes);
        info!(
            XferIn,
            "transfer of '{what}' from {from}: Transfer status: success"
        );
        let stats = super::outgoing::Stats {
            messages: counts.messages,
            records: counts.records,
            bytes: counts.bytes,
        };
        info!(
            XferIn,
            "transfer of '{what}' from {from}: Transfer completed: {}",
            stats.summary(start.elapsed().as_secs_f64(), serial)
        );
    }

    fn failed(
        &self,
        from: &str,
        stage: &str,
        e: &XferError,
        counts: Counts,
        start: std::time::Instant,
    ) {
        let what = &self.transfer_label;
        zone_stats::count(Zm::XfrFail);
        zone_stats::add(Xfr::InBytes, counts.bytes);
        error!(XferIn, "transfer of '{what}' from {from}: {stage}: {e}");
        info!(
            XferIn,
            "transfer of '{what}' from {from}: Transfer status: {e}"
        );
        let stats = super::outgoing::Stats {
            messages: counts.messages,
            records: counts.records,
            bytes: counts.bytes,
        };
        info!(
            XferIn,
            "transfer of '{what}' from {from}: Transfer completed: {}",
            stats.summary(start.elapsed().as_secs_f64(), 0)
        );
    }
}

/// The checks a transferred zone gets: BIND makes no integrity checks on a secondary.
fn transfer_checks() -> CheckOptions {
    CheckOptions {
        check_integrity: false,
        ..CheckOptions::default()
    }
}

/// A zone built from a transfer, its warnings, and its difference from the copy it
/// replaces when that was asked for.
type Built = Result<(Zone, Vec<Diagnostic>, Option<Diff>), ZoneError>;

/// What the thread building a transferred zone is sent.
enum Feed {
    /// The next records.
    Records(Vec<Record>),
    /// The last records: finish the zone, tell its difference from the copy it replaces
    /// when given, and send the outcome back.
    End {
        records: Vec<Record>,
        replaced: Option<Arc<Zone>>,
        built: tokio::sync::oneshot::Sender<Built>,
    },
}

/// A whole zone being built on a blocking thread while its records arrive, so that little
/// is left to do after the last message. Dropped before the end (the transfer failed),
/// the thread stops and frees what it built.
struct Assembly {
    name: Name,
    class: Class,
    expected: usize,
    feeds: Option<std::sync::mpsc::Sender<Feed>>,
}

impl Assembly {
    /// Nothing running yet; `expected` is about how many records the zone has (0 when
    /// unknown).
    fn new(name: Name, class: Class, expected: usize) -> Self {
        Self {
            name,
            class,
            expected,
            feeds: None,
        }
    }

    /// Hands on the next records.
    fn feed(&mut self, records: Vec<Record>) {
        // A thread that is gone has failed; `finish` tells.
        let _ = self.sender().send(Feed::Records(records));
    }

    /// Hands on the last records and waits for the zone; `None` if the thread failed.
    async fn finish(mut self, records: Vec<Record>, replaced: Option<Arc<Zone>>) -> Option<Built> {
        let (built, outcome) = tokio::sync::oneshot::channel();
        let end = Feed::End {
            records,
            replaced,
            built,
        };
        self.sender().send(end).ok()?;
        outcome.await.ok()
    }

    fn sender(&mut self) -> &std::sync::mpsc::Sender<Feed> {
        let (name, class, expected) = (&self.name, self.class, self.expected);
        self.feeds.get_or_insert_with(|| {
            let (sender, feeds) = std::sync::mpsc::channel();
            let mut builder = ZoneBuilder::new(name.clone(), class, transfer_checks(), expected);
            tokio::task::spawn_blocking(move || {
                for feed in feeds {
                    let (records, replaced, built) = match feed {
                        Feed::Records(records) => {
                            builder.push(records);
                            continue;
                        }
                        Feed::End {
                            records,
                            replaced,
                            built,
                        } => (records, replaced, built),
                    };
                    builder.push(records);
                    let (outcome, scratch) = builder.finish_apart();
                    let outcome = outcome.map(|(zone, warnings)| {
                        let difference = replaced.and_then(|old| difference(&old, &zone));
                        (zone, warnings, difference)
                    });
                    let _ = built.send(outcome);
                    // Freed while the zone is installed.
                    drop(scratch);
                    return;
                }
            });
            sender
        })
    }
}

/// How one transfer attempt ended.
enum Attempt {
    Done,
    Failed,
    RetryAxfr,
}

/// What a transfer adds to the journal.
enum Increments {
    /// An IXFR's increments, as received.
    Received(Vec<Delta>),
    /// The difference between the copy a full transfer replaced and the new one.
    Computed(Diff),
}

impl Increments {
    fn into_diffs(self) -> Result<Vec<Diff>, journal::RecordError> {
        match self {
            Increments::Received(deltas) => journal::diffs_of(&deltas),
            Increments::Computed(diff) => Ok(vec![diff]),
        }
    }
}

/// The step from copy `old` to copy `new` of a full transfer, when `new` is a later
/// version (RFC 1982); `None` otherwise, as a journal only ever moves forward.
fn difference(old: &Zone, new: &Zone) -> Option<Diff> {
    if !Serial(new.serial()).is_newer_than(Serial(old.serial())) {
        return None;
    }
    Diff::between(old, new).ok()
}

fn rejected(e: &ZoneError) -> &'static str {
    match e {
        ZoneError::Rejected { .. } => "the transferred zone is not valid",
        _ => "the transferred zone could not be built",
    }
}

/// The zone's SOA as a record (the authority section of an IXFR request).
fn soa_record(zone: &Zone) -> Record {
    let soa = zone.soa_rrset();
    Record {
        owner: Name::clone(zone.origin()),
        ttl: soa.ttl(),
        class: zone.class(),
        rtype: RType::SOA,
        rdata: Rdata::from(soa.rdatas().next().unwrap_or_default().to_vec()),
    }
}

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7314_a_primary_s_expire_option_never_extends_past_its_own_copy() {
        let t0 = Instant::now();
        let at = |secs: u64| t0 + Duration::from_secs(secs);
        // A new copy, or a check without the option: the SOA's EXPIRE from now.
        assert_eq!(
            expiry_after_refresh(at(100), Some(at(50)), 86400, None),
            at(86500)
        );
        assert_eq!(expiry_after_refresh(at(100), None, 3600, None), at(3700));
        // The primary's copy has 600 s left: ours lives no longer than that...
        assert_eq!(
            expiry_after_refresh(at(100), Some(at(150)), 86400, Some(600)),
            at(700)
        );
        // ...nor longer than our SOA's EXPIRE allows.
        assert_eq!(
            expiry_after_refresh(at(100), Some(at(150)), 3600, Some(86400)),
            at(3700)
        );
        // A primary whose copy expires sooner than ours does not bring ours forward.
        assert_eq!(
            expiry_after_refresh(at(100), Some(at(900)), 86400, Some(600)),
            at(900)
        );
        // Nothing to keep (the copy had expired): the primary's time left.
        assert_eq!(
            expiry_after_refresh(at(100), None, 86400, Some(600)),
            at(700)
        );
    }

    fn settings(extra: &str) -> conf::model::Zone {
        let text = format!(
            "zone \"example.com\" {{ type secondary; file \"x\"; primaries {{ 127.0.0.1; }}; {extra} }};"
        );
        conf::load_text(&text).expect("config").config.views[0].zones[0].clone()
    }

    fn zone(refresh: u32, retry: u32, expire: u32) -> Zone {
        let text = format!(
            "$ORIGIN example.com.\n$TTL 300\n@ SOA ns1 hostmaster 5 {refresh} {retry} {expire} 60\n@ NS ns1\nns1 A 127.0.0.1\n"
        );
        let origin = Name::from_text("example.com.", None).expect("name");
        let opts = zones::master::ParseOptions {
            origin: origin.clone(),
            class: Class::IN,
            base_dir: std::path::PathBuf::from("."),
            default_ttl: None,
        };
        let records =
            zones::master::parse_str_with(&text, "t", &opts, &zones::master::Checks::default())
                .records;
        Zone::build(origin, Class::IN, records, &CheckOptions::default())
            .expect("zone")
            .0
    }

    #[tokio::test]
    async fn a_zone_fed_in_batches_is_the_zone_built_at_once() {
        let whole = zone(3600, 600, 86400);
        let records: Vec<Record> = whole.records_canonical().map(|r| r.to_record()).collect();
        let mut assembly = Assembly::new(whole.origin().clone(), Class::IN, 0);
        assembly.feed(records[..2].to_vec());
        let Some(Ok((built, warnings, difference))) =
            assembly.finish(records[2..].to_vec(), None).await
        else {
            panic!("the zone builds");
        };
        assert!(warnings.is_empty() && difference.is_none());
        let again: Vec<Record> = built.records_canonical().map(|r| r.to_record()).collect();
        assert_eq!(again, records);
        // With the copy it replaces, the difference comes too.
        let newer = records
            .iter()
            .map(|r| match r.rtype {
                RType::SOA => {
                    let mut rdata = r.rdata.as_bytes().to_vec();
                    let at = rdata.len() - 20;
                    rdata[at..at + 4].copy_from_slice(&6u32.to_be_bytes());
                    Record {
                        rdata: Rdata::from(rdata),
                        ..r.clone()
                    }
                }
                _ => r.clone(),
            })
            .collect();
        let assembly = Assembly::new(whole.origin().clone(), Class::IN, records.len());
        let Some(Ok((built, _, Some(difference)))) =
            assembly.finish(newer, Some(Arc::new(whole))).await
        else {
            panic!("the zone builds with its difference");
        };
        assert_eq!(built.serial(), 6);
        assert_eq!(difference.from_serial(), 5);
    }

    #[tokio::test]
    async fn a_transferred_zone_that_breaks_the_rules_is_rejected() {
        let whole = zone(3600, 600, 86400);
        let mut records: Vec<Record> = whole.records_canonical().map(|r| r.to_record()).collect();
        // A second SOA record at the apex.
        let mut second = records[0].clone();
        second.rdata = Rdata::from(second.rdata.as_bytes()[..4].to_vec());
        records.insert(1, second);
        let assembly = Assembly::new(whole.origin().clone(), Class::IN, 0);
        assert!(matches!(
            assembly.finish(records, None).await,
            Some(Err(ZoneError::Rejected { .. }))
        ));
    }

    #[test]
    fn timers_follow_bind_limits() {
        let t = timers(&settings(""), &zone(60, 30, 600));
        assert_eq!(
            t,
            Timers {
                refresh: 300,
                retry: 500,
                expire: 800
            }
        );
        let t = timers(
            &settings("min-refresh-time 1; min-retry-time 1;"),
            &zone(2, 1, 5),
        );
        assert_eq!(
            t,
            Timers {
                refresh: 2,
                retry: 1,
                expire: 5
            }
        );
        let t = timers(&settings(""), &zone(9_999_999, 9_999_999, u32::MAX));
        assert_eq!(t.refresh, 2_419_200);
        assert_eq!(t.retry, 1_209_600);
        assert_eq!(t.expire, MAX_EXPIRE);
    }

    #[test]
    fn jitter_takes_at_most_a_quarter() {
        for _ in 0..100 {
            let d = jittered(100);
            assert!(d <= Duration::from_secs(100) && d >= Duration::from_secs(75));
        }
        assert_eq!(jittered(0), Duration::ZERO);
    }
}
