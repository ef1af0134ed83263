//! DNS over TCP (RFC 7766) on the tokio runtime.
//!
//! Each connection is a task of its own, so a slow client holds up nobody else. Messages are
//! framed by a two-byte length; a client may send several on one connection and pipeline
//! them: they are answered in order, and the answers to queries that arrived together are
//! written together. A connection is closed when no query arrives within
//! `tcp-initial-timeout` (before the first) or `tcp-idle-timeout` (after one), or when an
//! answer cannot be written within that time. At most `tcp-clients` connections are served
//! at once; further ones wait in the listen queue until a slot frees.
//!
//! Zone transfer requests go to replication ([`crate::xfr`]), which writes the response
//! messages on the same connection; the connection then goes on reading requests.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Handle;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use conf::model::ServerOptions;

use super::Shared;
use super::log::{debug, error, warning};
use crate::answer::{Client, Engine, Outcome, Transport, Workspace};
use crate::stats;
use crate::wire::Action;
use crate::xfr::Served;

/// Answers buffered before they are written even though more queries wait.
const MAX_PENDING_OUTPUT: usize = 64 * 1024;
/// The smallest listen backlog (BIND raises smaller `tcp-listen-queue` values to this).
const MIN_BACKLOG: u32 = 10;

/// The TCP settings a reload may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpSettings {
    /// How long a new connection may wait before its first query.
    pub initial_timeout: Duration,
    /// How long a connection may stay idle after a query.
    pub idle_timeout: Duration,
    /// Connections served at once.
    pub clients: usize,
    /// The listen backlog of new listeners.
    pub backlog: u32,
}

/// BIND's bounds for the timeouts, in units of 100 ms: out-of-range values are moved to the
/// nearest bound, with a warning.
const INITIAL_TIMEOUT_RANGE: (u32, u32) = (25, 1200);
const IDLE_TIMEOUT_RANGE: (u32, u32) = (1, 1200);

impl TcpSettings {
    /// From the server options (timeouts are in units of 100 ms there).
    pub fn from_options(options: &ServerOptions) -> Self {
        let tenths = |n: u32| Duration::from_millis(u64::from(n) * 100);
        Self {
            initial_timeout: tenths(bounded(
                "tcp-initial-timeout",
                options.tcp_initial_timeout,
                INITIAL_TIMEOUT_RANGE,
            )),
            idle_timeout: tenths(bounded(
                "tcp-idle-timeout",
                options.tcp_idle_timeout,
                IDLE_TIMEOUT_RANGE,
            )),
            clients: options.tcp_clients as usize,
            backlog: options.tcp_listen_queue.max(MIN_BACKLOG),
        }
    }
}

fn bounded(option: &str, value: u32, (min, max): (u32, u32)) -> u32 {
    if value > max {
        warning!(Config, "{option} value is out of range: lowering to {max}");
        max
    } else if value < min {
        warning!(Config, "{option} value is out of range: raising to {min}");
        min
    } else {
        value
    }
}

/// The `tcp-clients` quota, resizable on reload.
#[derive(Debug)]
pub struct Slots {
    semaphore: Arc<Semaphore>,
    limit: Mutex<usize>,
    /// Connections open now and the most ever open at once, for `rndc status`.
    open: Arc<std::sync::atomic::AtomicUsize>,
    high_water: std::sync::atomic::AtomicUsize,
}

/// Counts one open connection while it lives.
#[derive(Debug)]
pub struct OpenConnection(Arc<std::sync::atomic::AtomicUsize>);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Slots {
    /// A quota of `limit` connections.
    pub fn new(limit: usize) -> Self {
        Self {
            semaphore: Arc::new(Semaphore::new(limit)),
            limit: Mutex::new(limit),
            open: Arc::default(),
            high_water: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Counts a connection as open until the guard drops.
    pub fn opened(&self) -> OpenConnection {
        use std::sync::atomic::Ordering::Relaxed;
        let now = self.open.fetch_add(1, Relaxed) + 1;
        self.high_water.fetch_max(now, Relaxed);
        OpenConnection(Arc::clone(&self.open))
    }

    /// Connections open now.
    pub fn in_use(&self) -> usize {
        self.open.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The most connections open at once since start-up.
    pub fn high_water(&self) -> usize {
        self.high_water.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The quota.
    pub fn limit(&self) -> usize {
        self.limit.lock().map_or(0, |l| *l)
    }

    /// Changes the quota; connections above a lowered quota finish, and no new one is
    /// accepted until the count is below it.
    pub fn resize(&self, limit: usize, runtime: &Handle) {
        let Ok(mut current) = self.limit.lock() else {
            return;
        };
        if limit > *current {
            self.semaphore.add_permits(limit - *current);
        } else if limit < *current {
            let excess = u32::try_from(*current - limit).unwrap_or(u32::MAX);
            let semaphore = Arc::clone(&self.semaphore);
            runtime.spawn(async move {
                if let Ok(permits) = semaphore.acquire_many_owned(excess).await {
                    permits.forget();
                }
            });
        }
        *current = limit;
    }
}

/// Binds a listening TCP socket to `addr`.
pub fn bind(addr: SocketAddr, backlog: u32) -> io::Result<std::net::TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// The accepting task of one address.
#[derive(Debug)]
pub struct Acceptor {
    task: JoinHandle<()>,
}

impl Acceptor {
    /// Starts accepting on `listener` (which must be non-blocking).
    pub fn start(
        listener: std::net::TcpListener,
        local: SocketAddr,
        shared: &Arc<Shared>,
        runtime: &Handle,
    ) -> io::Result<Self> {
        let _entered = runtime.enter();
        let listener = TcpListener::from_std(listener)?;
        let shared = Arc::clone(shared);
        let task = runtime.spawn(accept_loop(listener, local, shared));
        Ok(Self { task })
    }

    /// Stops accepting; the socket closes. Open connections run on until they end.
    pub fn stop(self) {
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, local: SocketAddr, shared: Arc<Shared>) {
    loop {
        let Ok(permit) = Arc::clone(&shared.tcp_slots.semaphore)
            .acquire_owned()
            .await
        else {
            return;
        };
        match listener.accept().await {
            Ok((stream, peer)) => {
                let shared = Arc::clone(&shared);
                let open = shared.tcp_slots.opened();
                tokio::spawn(async move {
                    let _permit = permit;
                    let _open = open;
                    connection(stream, peer, local, &shared).await;
                });
            }
            Err(e) => {
                drop(permit);
                error!(
                    Network,
                    "accepting a TCP connection on {}: {e}",
                    super::listen::display(&local)
                );
                // Out of descriptors, most likely: give the open connections time to end.
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Serves one connection until the client closes it, times out or errs.
async fn connection(stream: TcpStream, peer: SocketAddr, local: SocketAddr, shared: &Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::with_capacity(16 * 1024, read);
    let client = Client {
        addr: peer,
        local,
        transport: Transport::Tcp,
    };
    let mut ws = Workspace::new();
    let mut msg = Vec::with_capacity(512);
    let mut out: Vec<u8> = Vec::with_capacity(4096);
    let mut wait = shared.tcp.load().initial_timeout;
    loop {
        let mut len = [0u8; 2];
        if !within(wait, reader.read_exact(&mut len)).await {
            break;
        }
        msg.resize(usize::from(u16::from_be_bytes(len)), 0);
        if !within(wait, reader.read_exact(&mut msg)).await {
            break;
        }
        wait = shared.tcp.load().idle_timeout;
        let counters = shared.stats.shared();
        let seen = stats::observe::request(counters, &msg, true, peer.is_ipv6());
        let deferred = {
            let engine = shared.engine.load();
            let deferred = match respond_guarded(&engine, &msg, &client, &mut ws) {
                Some(Outcome::Reply(answer)) => {
                    let head = stats::observe::header(answer);
                    frame(&mut out, answer);
                    stats::observe::answer(counters, seen, head.as_bytes(), ws.referral());
                    super::log_query(&engine, &msg, &client, &ws);
                    None
                }
                Some(Outcome::Drop) | None => {
                    stats::observe::dropped(counters, seen);
                    None
                }
                Some(Outcome::Defer(deferred)) => {
                    super::log_query(&engine, &msg, &client, &ws);
                    Some(deferred)
                }
            };
            match deferred {
                Some(d) if d.action == Action::Transfer && shared.replication.get().is_some() => {
                    Some(d)
                }
                Some(d) if d.action == Action::Query => Some(d),
                Some(_) => {
                    // NOTIFY and UPDATE: the engine answers them (NOTIFY for secondary
                    // zones through replication's hook).
                    if let Some(answer) = super::answer_guarded(&engine, &msg, &client, &mut ws) {
                        stats::observe::response(counters, seen, answer);
                        frame(&mut out, answer);
                    }
                    None
                }
                None => None,
            }
        };
        if let Some(d) = deferred.filter(|d| d.action == Action::Query) {
            // A forwarding miss: answered in order, once the forwarders replied.
            let seen = stats::observe::recursion(counters, seen);
            if let Some(answer) =
                crate::forward::service::resolve(shared, d.view, &msg, &client).await
            {
                stats::observe::response(counters, seen, &answer);
                frame(&mut out, &answer);
            }
        } else if let (Some(deferred), Some(replication)) = (deferred, shared.replication.get()) {
            // Answers to earlier pipelined queries go first, then the transfer.
            if !out.is_empty() && !within(wait, write.write_all(&out)).await {
                break;
            }
            out.clear();
            stats::observe::transfer(counters, seen);
            let served = replication
                .serve_transfer(deferred.view, &msg, &client, &mut write)
                .await;
            if served == Served::Abort {
                break;
            }
            continue;
        }
        if out.len() >= MAX_PENDING_OUTPUT || !frame_buffered(reader.buffer()) {
            if !out.is_empty() && !within(wait, write.write_all(&out)).await {
                break;
            }
            out.clear();
        }
    }
    debug!(
        3,
        Network,
        "TCP connection from {} closed",
        super::listen::display(&peer)
    );
}

/// Appends `answer` with its length prefix.
fn frame(out: &mut Vec<u8>, answer: &[u8]) {
    if let Ok(len) = u16::try_from(answer.len()) {
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(answer);
    }
}

/// [`Engine::respond`] with a panic (a bug) costing that one answer, as for queries.
pub(super) fn respond_guarded<'w>(
    engine: &Engine,
    msg: &[u8],
    client: &Client,
    ws: &'w mut Workspace,
) -> Option<Outcome<'w>> {
    let answer = move || {
        let ws = ws;
        engine.respond(msg, client, ws)
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(answer)) {
        Ok(outcome) => Some(outcome),
        Err(_) => {
            error!(
                General,
                "internal error answering {}; no answer sent",
                super::listen::display(&client.addr)
            );
            None
        }
    }
}

/// Runs an I/O step with a deadline; whether it completed.
async fn within<T>(limit: Duration, step: impl Future<Output = io::Result<T>>) -> bool {
    matches!(tokio::time::timeout(limit, step).await, Ok(Ok(_)))
}

/// Whether a whole message is already buffered (then its answer can join this one's).
fn frame_buffered(buffer: &[u8]) -> bool {
    match buffer {
        [hi, lo, rest @ ..] => rest.len() >= usize::from(u16::from_be_bytes([*hi, *lo])),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffered_frames_are_recognised() {
        assert!(!frame_buffered(&[]));
        assert!(!frame_buffered(&[0]));
        assert!(frame_buffered(&[0, 0]));
        assert!(!frame_buffered(&[0, 3, 1, 2]));
        assert!(frame_buffered(&[0, 3, 1, 2, 3]));
    }

    #[test]
    fn settings_follow_bind_units() {
        let options = conf::load_text(
            "options { tcp-idle-timeout 50; tcp-initial-timeout 3; tcp-clients 7;
             tcp-listen-queue 3; };",
        )
        .expect("loads")
        .config
        .options;
        let s = TcpSettings::from_options(&options);
        assert_eq!(s.idle_timeout, Duration::from_secs(5));
        assert_eq!(s.initial_timeout, Duration::from_millis(2500));
        assert_eq!(s.clients, 7);
        assert_eq!(s.backlog, 10);
    }
}
