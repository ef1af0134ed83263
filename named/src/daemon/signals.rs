//! Signals, turned into events for the control thread: SIGHUP reloads, SIGTERM and SIGINT
//! stop the server.
//!
//! The handlers are installed before the configuration is read, so a SIGHUP that arrives
//! during start-up is queued rather than fatal.

use std::io;
use std::sync::mpsc::{Receiver, channel};

use tokio::runtime::Handle;
use tokio::signal::unix::{SignalKind, signal};

/// What a signal asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Re-read the configuration and the zone files that changed.
    Reload,
    /// Stop; the name of the signal.
    Stop(&'static str),
}

/// Installs the handlers; the events arrive on the returned channel.
pub fn watch(runtime: &Handle) -> io::Result<Receiver<Event>> {
    let _entered = runtime.enter();
    let mut hup = signal(SignalKind::hangup())?;
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let (tx, rx) = channel();
    runtime.spawn(async move {
        loop {
            let event = tokio::select! {
                _ = hup.recv() => Event::Reload,
                _ = term.recv() => Event::Stop("SIGTERM"),
                _ = int.recv() => Event::Stop("SIGINT"),
            };
            if tx.send(event).is_err() {
                break;
            }
        }
    });
    Ok(rx)
}
