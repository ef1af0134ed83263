//! `rivetd`, the daemon: start-up, the listeners, reload and shutdown around the query
//! engine.
//!
//! # Design
//!
//! Start-up follows named: read the command line, look up the `-u` user, change root
//! (`-t`), fork into the background unless `-f` or `-g`, read the configuration, bind every
//! listening address (as root), write the pid file, drop privileges, then load the zones
//! and say `running`. Listeners answer from the moment they are bound: until the zones are
//! loaded, with SERVFAIL for each configured zone, as BIND does.
//!
//! Threads:
//! - per listening address, one UDP worker per CPU ([`udp`]), each with its own
//!   `SO_REUSEPORT` socket, batching with `recvmmsg`/`sendmmsg`;
//! - a tokio runtime for TCP ([`tcp`]) and signal handling ([`signals`]);
//! - the main thread, the control thread: it waits for signals and runs reloads
//!   ([`server`]), reading zone files there (several at once, [`load`]), never on a query
//!   thread.
//!
//! The engine is shared through an [`ArcSwap`]: a query thread loads it once per batch
//! without locking, a reload swaps in a new one atomically.

pub mod args;
pub mod control;
mod detach;
pub mod interfaces;
pub mod listen;
mod listeners;
pub mod load;
pub mod log;
pub mod logging;
pub mod pidfile;
pub mod privileges;
pub mod querylog;
pub mod server;
pub mod signals;
pub mod tcp;
pub mod udp;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use arc_swap::ArcSwap;
use clap::Parser as _;

use crate::answer::{Client, Engine, Workspace};
use args::{Args, Families};
use log::{Destination, info, notice};
use privileges::RunAs;
use server::{Server, Settings};
use signals::Event;
use tcp::{Slots, TcpSettings};

/// What the query threads share with the control thread.
pub struct Shared {
    /// The engine answering queries; swapped whole on reload.
    pub engine: ArcSwap<Engine>,
    /// The TCP timeouts and limits in force.
    pub tcp: ArcSwap<TcpSettings>,
    /// The `tcp-clients` quota.
    pub tcp_slots: Slots,
    /// Zone transfers and NOTIFY, once the server has set them up; without it transfers
    /// are refused.
    pub replication: std::sync::OnceLock<Arc<crate::xfr::Service>>,
    /// The forwarding caches and the questions in flight to forwarders.
    pub forward: crate::forward::Forwarder,
    /// The statistics counters.
    pub stats: crate::stats::Registry,
}

impl Shared {
    /// Shares `engine` and the TCP settings.
    pub fn new(engine: Engine, tcp: TcpSettings) -> Self {
        Self {
            engine: ArcSwap::from_pointee(engine),
            tcp_slots: Slots::new(tcp.clients),
            tcp: ArcSwap::from_pointee(tcp),
            replication: std::sync::OnceLock::new(),
            forward: crate::forward::Forwarder::new(),
            stats: crate::stats::Registry::new(),
        }
    }
}

/// Answers one message. A panic in the engine (a bug) costs that one answer, not the
/// worker and the clients its socket serves.
fn answer_guarded<'w>(
    engine: &Engine,
    msg: &[u8],
    client: &Client,
    ws: &'w mut Workspace,
) -> Option<&'w [u8]> {
    let answer = move || {
        // Moving the borrow in makes the closure FnOnce, so the answer may borrow it.
        let ws = ws;
        engine.handle(msg, client, ws)
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(answer)) {
        Ok(answer) => answer,
        Err(_) => {
            log::error!(
                General,
                "internal error answering {}; no answer sent",
                listen::display(&client.addr)
            );
            None
        }
    }
}

/// Writes the query log line of `msg` when the query log is on: called once the answer
/// (which borrows `ws`) is sent or staged, as the line names the view the workspace
/// recorded.
fn log_query(engine: &Engine, msg: &[u8], client: &Client, ws: &Workspace) {
    if querylog::enabled() {
        let id = std::ptr::from_ref::<Workspace>(ws) as usize;
        querylog::log(msg, client, id, ws.view_name(engine));
    }
}

/// The version, as `-v` prints it.
pub const VERSION: &str = concat!("rivetd ", env!("CARGO_PKG_VERSION"));

/// Runs rivetd with the process's arguments.
pub fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    if args.version {
        println!("{VERSION}");
        return ExitCode::SUCCESS;
    }
    if args.build_info {
        print_build_info();
        return ExitCode::SUCCESS;
    }
    log::init(
        if args.stderr {
            Destination::Stderr
        } else {
            Destination::Syslog
        },
        args.debug,
    );
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            log::fatal(format_args!("{message}"));
            log::fatal(format_args!("exiting (due to fatal error)"));
            ExitCode::FAILURE
        }
    }
}

fn print_build_info() {
    println!("{VERSION}");
    println!(
        "built for {}-{} ({} build)",
        std::env::consts::ARCH,
        std::env::consts::OS,
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    println!("default configuration file: {}", args::DEFAULT_CONF);
    println!("default pid file: {}", pidfile::DEFAULT_PID_FILE);
    println!("UDP: one SO_REUSEPORT socket per worker, recvmmsg/sendmmsg batches");
}

/// Start-up, the signal loop and shutdown; an error is fatal.
fn run(args: &Args) -> Result<(), String> {
    let run_as = args.user.as_deref().map(RunAs::lookup).transpose()?;
    if let Some(dir) = &args.chroot {
        privileges::change_root(dir)?;
    }
    let initial_dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let conf_path = initial_dir.join(&args.config);
    let mut detached = if args.foreground() {
        None
    } else {
        Some(detach::detach()?)
    };

    let workers = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    notice!(General, "starting {VERSION}");
    let command_line: Vec<String> = std::env::args().collect();
    notice!(General, "running as: {}", command_line.join(" "));
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    info!(
        General,
        "found {cpus} CPU{}, using {workers} worker thread{}",
        plural(cpus),
        plural(workers)
    );
    info!(
        General,
        "using {workers} UDP listener{} per interface",
        plural(workers)
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers.min(4))
        .thread_name("rivetd-tcp")
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    let signal_events =
        signals::watch(runtime.handle()).map_err(|e| format!("installing signal handlers: {e}"))?;

    info!(
        General,
        "the initial working directory is '{}'",
        initial_dir.display()
    );
    let settings = Settings {
        conf_path,
        initial_dir,
        families: Families::from_args(args),
        port: args.port,
        workers,
    };
    let loaded = Server::read_config(&settings).map_err(|diagnostics| {
        let first = diagnostics
            .iter()
            .find(|d| d.severity == conf::Severity::Error)
            .map_or_else(|| "failure".to_owned(), |d| d.message.clone());
        format!("loading configuration: {first}")
    })?;
    let mut server = Server::new(settings, &loaded, runtime.handle().clone());
    // Signals and control channel commands reach this thread through one queue.
    let (inbox, events) = std::sync::mpsc::channel();
    let from_signals = inbox.clone();
    std::thread::Builder::new()
        .name("rivetd-signals".into())
        .spawn(move || {
            while let Ok(event) = signal_events.recv() {
                if from_signals
                    .send(control::MainEvent::Signal(event))
                    .is_err()
                {
                    break;
                }
            }
        })
        .map_err(|e| format!("starting the signal thread: {e}"))?;
    server.enable_control(inbox);
    server.configure(&loaded, true)?;
    if let Some(user) = &run_as {
        if let Some(warning) = user.become_user()? {
            log::warning!(General, "{warning}");
        }
        info!(General, "running as user '{}'", user.name());
    }
    server.load_zones(&loaded.config);
    drop(loaded);
    notice!(General, "all zones loaded");
    notice!(General, "running");
    if let Some(detached) = detached.as_mut() {
        detached.started();
    }

    // The sender lives in a runtime task for the life of the process; if it is gone
    // there is nothing left to wait for.
    let mut farewell = "shutting down";
    while let Ok(event) = events.recv() {
        match event {
            control::MainEvent::Signal(Event::Reload) => server.reload(),
            control::MainEvent::Signal(Event::Stop(signal)) => {
                info!(General, "received {signal} signal");
                break;
            }
            control::MainEvent::Command(job) => {
                if let control::Flow::Stop(line) = control::run(&mut server, job) {
                    farewell = line;
                    break;
                }
            }
        }
    }
    notice!(General, "{farewell}");
    server.shutdown();
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    notice!(General, "exiting");
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
