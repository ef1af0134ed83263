//! One control channel's socket: accepting, the `allow` check, and `ctl`'s session over
//! each connection; commands are handed to the control thread and their replies written.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc::{Sender, sync_channel};

use arc_swap::ArcSwap;
use conf::model::MatchContext;
use ctl::server::IDLE_TIMEOUT;
use ctl::wire::{FrameReader, SERVER_MAX_LENGTH};
use ctl::{Incoming, Reject, ReplayCache, Session};
use socket2::{Domain, Protocol, Socket, Type};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

use super::channels::{Allow, Channel};
use super::{Job, MainEvent};
use crate::daemon::listen::display;
use crate::daemon::log::{debug, error, notice, warning};
use crate::xfr;

/// What every connection of every channel shares.
pub struct Context {
    /// Where commands go.
    pub inbox: Sender<MainEvent>,
    /// For `localhost`/`localnets` in `allow`.
    pub replication: Arc<xfr::Service>,
    /// Requests seen lately, on any channel.
    pub replay: Arc<ReplayCache>,
}

/// An open channel.
pub struct Listener {
    channel: Arc<ArcSwap<Channel>>,
    task: JoinHandle<()>,
}

impl Listener {
    /// Binds and starts accepting; `None` (logged) when the address cannot be bound.
    pub fn open(channel: Channel, context: Context, runtime: &Handle) -> Option<Self> {
        let addr = channel.addr;
        let listener = match bind(addr) {
            Ok(l) => l,
            Err(e) if channel.optional => {
                debug!(
                    1,
                    General,
                    "couldn't add command channel {}: {e}",
                    display(&addr)
                );
                return None;
            }
            Err(e) => {
                warning!(
                    General,
                    "couldn't add command channel {}: {e}",
                    display(&addr)
                );
                return None;
            }
        };
        let _entered = runtime.enter();
        let listener = match TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => {
                warning!(
                    General,
                    "couldn't add command channel {}: {e}",
                    display(&addr)
                );
                return None;
            }
        };
        notice!(General, "command channel listening on {}", display(&addr));
        let channel = Arc::new(ArcSwap::from_pointee(channel));
        let task = runtime.spawn(accept_loop(
            listener,
            Arc::clone(&channel),
            Arc::new(context),
        ));
        Some(Self { channel, task })
    }

    /// New keys, `allow` or rights for the same address (a reload).
    pub fn update(&self, channel: Channel) {
        self.channel.store(Arc::new(channel));
    }

    /// Stops accepting; the socket closes.
    pub fn close(self) {
        self.task.abort();
    }
}

fn bind(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(16)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

async fn accept_loop(listener: TcpListener, channel: Arc<ArcSwap<Channel>>, context: Arc<Context>) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                let channel = Arc::clone(&channel);
                let context = Arc::clone(&context);
                tokio::spawn(async move { serve(stream, peer, &channel, &context).await });
            }
            Err(e) => {
                error!(General, "accepting a command channel connection: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }
}

fn allowed(channel: &Channel, peer: SocketAddr, context: &Context) -> bool {
    let ip = xfr::table::canonical_ip(peer.ip());
    match &channel.allow {
        Allow::Only(own) => ip == *own,
        Allow::List(list) => {
            let table = context.replication.table();
            list.allows(&MatchContext {
                addr: ip,
                key: None,
                localhost: &table.localhost,
                localnets: &table.localnets,
            })
        }
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn invalid(peer: SocketAddr, reject: &Reject) {
    error!(General, "invalid command from {}: {reject}", display(&peer));
}

/// Serves one connection until the peer closes it, goes idle, or sends something refused.
async fn serve(
    mut stream: TcpStream,
    peer: SocketAddr,
    channel: &ArcSwap<Channel>,
    context: &Context,
) {
    if !allowed(&channel.load(), peer, context) {
        warning!(
            General,
            "rejected command channel message from {}",
            display(&peer)
        );
        return;
    }
    let mut session = Session::new();
    let mut reader = FrameReader::new(SERVER_MAX_LENGTH);
    let mut buf = vec![0u8; 4096];
    loop {
        let message = loop {
            match reader.next_message() {
                Ok(Some(message)) => break message,
                Ok(None) => {}
                Err(e) => return invalid(peer, &Reject::from(e)),
            }
            match tokio::time::timeout(IDLE_TIMEOUT, stream.read(&mut buf)).await {
                Ok(Ok(0)) if reader.is_partial() => {
                    return invalid(peer, &Reject::UnexpectedEnd);
                }
                Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return,
                Ok(Ok(n)) => reader.push(&buf[..n]),
            }
        };
        let current = channel.load_full();
        let frame = match session.receive(&message, &current.keys, unix_now(), &context.replay) {
            Ok(Incoming::Reply(frame)) => frame,
            Ok(Incoming::Command(request)) => {
                let (reply_tx, reply_rx) = tokio::sync::oneshot::channel();
                let (written_tx, written_rx) = sync_channel(1);
                let job = Job {
                    request: request.clone(),
                    read_only: current.read_only,
                    reply: reply_tx,
                    written: written_rx,
                };
                if context.inbox.send(MainEvent::Command(job)).is_err() {
                    return;
                }
                let Ok(outcome) = reply_rx.await else {
                    return;
                };
                match request.respond(&outcome, unix_now()) {
                    Ok(frame) => {
                        let sent = stream.write_all(&frame).await;
                        let _ = stream.flush().await;
                        let _ = written_tx.send(());
                        if sent.is_err() {
                            return;
                        }
                        continue;
                    }
                    Err(reject) => {
                        let _ = written_tx.send(());
                        return invalid(peer, &reject);
                    }
                }
            }
            Err(reject) => return invalid(peer, &reject),
        };
        if stream.write_all(&frame).await.is_err() {
            return;
        }
    }
}
