//! The running server: what the configuration set up, and the reload that changes it.
//!
//! A reload (SIGHUP) runs on the control thread, never on a query thread: it reads the
//! configuration (keeping everything as it was when that fails), moves the working
//! directory, opens and closes listeners, applies the TCP settings and the pid file, then
//! reads the zone files that changed, builds a new engine around the new and the unchanged
//! snapshots and swaps it in atomically. Queries in flight finish on the old engine, which
//! is freed here once the query threads have let go of it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use conf::model::Config;
use conf::{Diagnostic, Loaded, ParseOptions, RealFs, Severity};
use tokio::runtime::Handle;

use super::Shared;
use super::args::Families;
use super::interfaces;
use super::listen;
use super::listeners::{Applied, Listeners};
use super::load::ZoneStore;
use super::log::{self, Category, error, info, notice};
use super::pidfile::{self, PidFile};
use super::tcp::TcpSettings;
use crate::answer::{Engine, Environment};

/// How long a retired engine may stay in use by query threads before it is dropped anyway.
const RETIRE_WAIT: Duration = Duration::from_secs(5);

/// What the command line fixed for the life of the process.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The configuration file, absolute.
    pub conf_path: PathBuf,
    /// The working directory at start-up: relative paths in the configuration start here
    /// on every reload, as on the first load.
    pub initial_dir: PathBuf,
    /// `-4` / `-6`.
    pub families: Families,
    /// `-p`.
    pub port: Option<u16>,
    /// UDP threads per address, also the number of zone files read at once.
    pub workers: usize,
}

/// The running server.
pub struct Server {
    settings: Settings,
    shared: Arc<Shared>,
    listeners: Listeners,
    zones: ZoneStore,
    pid_file: Option<PidFile>,
    pid_path: Option<PathBuf>,
    directory: Option<PathBuf>,
    /// The host facts the engine uses: host name, interface addresses (for `localhost`
    /// and `localnets`), and the cookie secret, kept across reloads so that the cookies
    /// clients hold stay good.
    environment: Environment,
    runtime: Handle,
}

impl Server {
    /// A server for `loaded` that answers SERVFAIL for every zone until [`Self::load_zones`].
    pub fn new(settings: Settings, loaded: &Loaded, runtime: Handle) -> Self {
        let mut environment = Environment::from_system();
        if let Ok(found) = interfaces::scan() {
            set_local_prefixes(&mut environment, &found);
        }
        let engine = Engine::with_environment(
            &loaded.config,
            ZoneStore::unloaded(&loaded.config),
            &environment,
        );
        let tcp = TcpSettings::from_options(&loaded.config.options);
        let shared = Arc::new(Shared::new(engine, tcp));
        let listeners = Listeners::new(settings.workers, Arc::clone(&shared), runtime.clone());
        Self {
            settings,
            shared,
            listeners,
            zones: ZoneStore::new(),
            pid_file: None,
            pid_path: None,
            directory: None,
            environment,
            runtime,
        }
    }

    /// Reads and checks the configuration file, logging its warnings.
    pub fn read_config(settings: &Settings) -> Result<Loaded, Vec<Diagnostic>> {
        info!(
            General,
            "loading configuration from '{}'",
            settings.conf_path.display()
        );
        let options = ParseOptions {
            cwd: settings.initial_dir.clone(),
            ..ParseOptions::default()
        };
        match conf::load(&RealFs::new(), &settings.conf_path, &options) {
            Ok(loaded) => {
                log_diagnostics(&loaded.warnings);
                Ok(loaded)
            }
            Err(e) => {
                log_diagnostics(&e.diagnostics);
                Err(e.diagnostics)
            }
        }
    }

    /// Applies the server-wide settings: working directory, listeners, TCP settings and
    /// (when `pid` is set) the pid file. At start-up every failure is fatal; on reload the
    /// failures are logged and the server goes on.
    pub fn configure(&mut self, loaded: &Loaded, starting: bool) -> Result<(), String> {
        let options = &loaded.config.options;
        if self.directory.as_deref() != Some(options.directory.as_path()) {
            std::env::set_current_dir(&options.directory).map_err(|e| {
                format!(
                    "change directory to '{}' failed: {e}",
                    options.directory.display()
                )
            })?;
            info!(
                General,
                "the working directory is now '{}'",
                options.directory.display()
            );
            self.directory = Some(options.directory.clone());
        }

        let tcp = TcpSettings::from_options(options);
        self.shared.tcp_slots.resize(tcp.clients, &self.runtime);
        self.shared.tcp.store(Arc::new(tcp));

        let found = interfaces::scan().map_err(|e| format!("scanning interfaces: {e}"))?;
        set_local_prefixes(&mut self.environment, &found);
        let plan = listen::plan(loaded, &found, self.settings.families, self.settings.port);
        let Applied { wanted, failed } = self.listeners.apply(&plan, tcp.backlog);
        if starting && wanted > 0 && failed == wanted {
            return Err("could not listen on any address".into());
        }

        let pid_path = pidfile::configured_path(&options.pid_file);
        if pid_path != self.pid_path {
            self.pid_file = None;
            self.pid_path = pid_path.clone();
            if let Some(path) = pid_path {
                match PidFile::create(&path) {
                    Ok(file) => self.pid_file = Some(file),
                    Err(e) => {
                        let message = format!("couldn't open pid file '{}': {e}", path.display());
                        if starting {
                            return Err(message);
                        }
                        error!(General, "{message}");
                    }
                }
            }
        }
        Ok(())
    }

    /// Loads the zones of `config` (the changed ones, after the first time) and swaps the
    /// new engine in.
    pub fn load_zones(&mut self, config: &Config) {
        let update = self.zones.update(config, self.settings.workers);
        let engine = Engine::with_environment(config, update.served, &self.environment);
        let old = self.shared.engine.swap(Arc::new(engine));
        retire(old);
        log::debug!(
            1,
            Zoneload,
            "{} zones read, {} failed, {} served with data",
            update.loaded,
            update.failed,
            self.zones.len()
        );
    }

    /// Handles SIGHUP: everything that changed, or nothing when the configuration is bad.
    pub fn reload(&mut self) {
        info!(General, "received SIGHUP signal to reload zones");
        let loaded = match Self::read_config(&self.settings) {
            Ok(loaded) => loaded,
            Err(diagnostics) => {
                let first = diagnostics
                    .iter()
                    .find(|d| d.severity == Severity::Error)
                    .map_or_else(|| "failure".to_owned(), |d| d.message.clone());
                error!(General, "reloading configuration failed: {first}");
                return;
            }
        };
        if let Err(e) = self.configure(&loaded, false) {
            error!(General, "reloading configuration failed: {e}");
            return;
        }
        info!(General, "reloading configuration succeeded");
        self.load_zones(&loaded.config);
        info!(General, "reloading zones succeeded");
        notice!(General, "all zones loaded");
        notice!(General, "running");
    }

    /// Closes the listeners and removes the pid file.
    pub fn shutdown(&mut self) {
        self.listeners.shutdown();
        self.pid_file = None;
    }
}

/// `localhost` and `localnets` as the interfaces say, for the engine's ACLs.
fn set_local_prefixes(environment: &mut Environment, found: &[interfaces::InterfaceAddr]) {
    let (hosts, nets) = interfaces::local_prefixes(found);
    if !hosts.is_empty() {
        environment.localhost = hosts;
        environment.localnets = nets;
    }
}

/// Frees a replaced engine off the query threads: waits (briefly) until no query thread
/// holds it any more, so that dropping a large zone never stalls a query.
fn retire(old: Arc<Engine>) {
    let deadline = Instant::now() + RETIRE_WAIT;
    while Arc::strong_count(&old) > 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    drop(old);
}

/// Logs configuration messages: `FILE:LINE: message`, as BIND writes them.
fn log_diagnostics(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let severity = match d.severity {
            Severity::Error => log::Severity::Error,
            Severity::Warning => log::Severity::Warning,
        };
        log::write(Category::Config, severity, format_args!("{d}"));
    }
}
