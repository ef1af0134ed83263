//! The control channel: BIND's `controls` statement, served to `rndc` and `rivetctl`.
//!
//! # Design
//!
//! - [`channels`] turns the configuration into the channels to open: addresses, who may
//!   connect, the keys, read-only or not; without a `controls` statement, the loopback
//!   channel BIND opens when the default key file exists.
//! - [`listener`] accepts connections on a tokio task per channel, refuses peers outside
//!   `allow`, and runs `ctl`'s [`Session`](ctl::Session) over each connection
//!   (authentication, nonce, replay); authenticated commands go to the control thread.
//! - The control thread (rivetd's main thread, which also runs reloads) runs each command
//!   through [`run`]: [`dispatch`] checks the channel's rights, logs the command as BIND
//!   does and calls the handler of its group ([`admin`]: server-wide commands, [`zones`]:
//!   commands about one zone, [`status`]: the `status` text). Zone arguments are read by
//!   [`args`].
//! - A reply is always written before what the command asks for afterwards runs (the
//!   shutdown of `stop`, the load of `reload ZONE`), as in BIND.

mod admin;
mod args;
mod channels;
mod dispatch;
mod dumpdb;
mod listener;
mod stats;
mod status;
mod zones;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::Duration;

use ctl::{CommandRequest, Outcome, ReplayCache};
use tokio::runtime::Handle;

use super::log::notice;
use super::server::Server;
use super::signals::Event;
use crate::xfr;
pub use channels::DEFAULT_KEY_FILE;
use dispatch::After;

/// What the control thread waits for: a signal or a command.
pub enum MainEvent {
    /// A signal arrived.
    Signal(Event),
    /// A control channel command arrived.
    Command(Job),
}

/// An authenticated command waiting for the control thread.
pub struct Job {
    request: CommandRequest,
    read_only: bool,
    reply: tokio::sync::oneshot::Sender<Outcome>,
    written: Receiver<()>,
}

/// What the control thread does after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on serving.
    Continue,
    /// Shut down; the line to log.
    Stop(&'static str),
}

/// How long a reply may take to be written before the command's aftermath runs anyway.
const WRITE_WAIT: Duration = Duration::from_secs(2);

/// Runs one command on the control thread: answers it, then does what it asks for
/// afterwards.
pub fn run(server: &mut Server, job: Job) -> Flow {
    let (outcome, after) = dispatch::handle(server, &job.request, job.read_only);
    let _ = job.reply.send(outcome);
    if after == After::Nothing {
        return Flow::Continue;
    }
    let _ = job.written.recv_timeout(WRITE_WAIT);
    match after {
        After::Nothing => Flow::Continue,
        After::ReloadZone(key) => {
            server.reload_zone(&key);
            Flow::Continue
        }
        After::Stop(line) => Flow::Stop(line),
    }
}

/// The open control channels.
pub struct Control {
    runtime: Handle,
    inbox: Sender<MainEvent>,
    replication: Arc<xfr::Service>,
    replay: Arc<ReplayCache>,
    listeners: HashMap<SocketAddr, listener::Listener>,
}

impl Control {
    /// No channel open yet; commands will go to `inbox`.
    pub fn new(runtime: Handle, inbox: Sender<MainEvent>, replication: Arc<xfr::Service>) -> Self {
        Self {
            runtime,
            inbox,
            replication,
            replay: Arc::new(ReplayCache::new()),
            listeners: HashMap::new(),
        }
    }

    /// Opens, updates and closes channels to match `config`. Fails (as BIND does) on a
    /// `unix` channel; the error is the text for `loading configuration: ...`.
    pub fn apply(&mut self, config: &conf::model::Config) -> Result<(), String> {
        let wanted = channels::resolve(config)?;
        let mut keep = HashMap::new();
        for channel in wanted {
            let addr = channel.addr;
            if keep.contains_key(&addr) {
                continue;
            }
            match self.listeners.remove(&addr) {
                Some(open) => {
                    open.update(channel);
                    keep.insert(addr, open);
                }
                None => {
                    let context = listener::Context {
                        inbox: self.inbox.clone(),
                        replication: Arc::clone(&self.replication),
                        replay: Arc::clone(&self.replay),
                    };
                    if let Some(open) = listener::Listener::open(channel, context, &self.runtime) {
                        keep.insert(addr, open);
                    }
                }
            }
        }
        for (addr, gone) in self.listeners.drain() {
            notice!(
                General,
                "stopping command channel on {}",
                super::listen::display(&addr)
            );
            gone.close();
        }
        self.listeners = keep;
        Ok(())
    }

    /// Closes every channel.
    pub fn shutdown(&mut self) {
        for (addr, open) in self.listeners.drain() {
            notice!(
                General,
                "stopping command channel on {}",
                super::listen::display(&addr)
            );
            open.close();
        }
    }
}
