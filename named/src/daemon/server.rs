//! The running server: what the configuration set up, and the reload that changes it.
//!
//! A reload (SIGHUP) runs on the control thread, never on a query thread: it reads the
//! configuration (keeping everything as it was when that fails), moves the working
//! directory, opens and closes listeners, applies the TCP settings and the pid file, then
//! reads the zone files that changed, builds a new engine around the new and the unchanged
//! snapshots and swaps it in atomically. Queries in flight finish on the old engine, which
//! is freed here once the query threads have let go of it.
//!
//! The served zones live in a [`Catalog`] that replication shares: a transfer or an expiry
//! changes one zone there and publishes a new engine (and the replication service's zone
//! table) the same way a reload does.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

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
use super::querylog;
use super::tcp::TcpSettings;
use crate::answer::{Engine, Environment};
use crate::xfr::{self, ZoneKey, ZoneSink, ZoneTable};

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
    catalog: Arc<Catalog>,
    replication: Arc<xfr::Service>,
    pid_file: Option<PidFile>,
    pid_path: Option<PathBuf>,
    directory: Option<PathBuf>,
    runtime: Handle,
    // The control channel (rndc) and the facts `rndc status` reports.
    control: Option<super::control::Control>,
    booted: SystemTime,
    configured: SystemTime,
    reload_failed: bool,
}

/// The served zones and what an engine is built from; shared with replication.
pub struct Catalog {
    shared: Arc<Shared>,
    replication: Arc<xfr::Service>,
    state: Mutex<CatalogState>,
}

struct CatalogState {
    zones: ZoneStore,
    config: Arc<Config>,
    /// The host facts the engine uses: host name, interface addresses (for `localhost`
    /// and `localnets`), and the cookie secret, kept across reloads so that the cookies
    /// clients hold stay good.
    environment: Environment,
}

impl Catalog {
    fn lock(&self) -> MutexGuard<'_, CatalogState> {
        // A panic while holding the lock leaves the state as consistent as before it.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Builds the engine and the replication table from `state` and swaps them in.
    fn publish(&self, state: &CatalogState) {
        let served = state.zones.served(&state.config);
        let mut engine = Engine::with_environment(&state.config, served, &state.environment);
        engine.attach_forwarding(&state.config, &self.shared.forward);
        engine.attach_zone_statistics(&state.config, &self.shared.stats);
        let hook: Arc<dyn xfr::NotifyHook> = self.replication.clone();
        engine.set_notify_hook(hook);
        let table = ZoneTable::build(
            &state.config,
            state.environment.localhost.clone(),
            state.environment.localnets.clone(),
            |key| state.zones.zone(key),
        );
        self.replication.set_table(table);
        let old = self.shared.engine.swap(Arc::new(engine));
        retire(old);
    }
}

impl ZoneSink for Catalog {
    fn install(&self, key: &ZoneKey, zone: Arc<zones::zone::Zone>) {
        let mut state = self.lock();
        let file = state
            .config
            .views
            .iter()
            .filter(|v| v.name == key.view)
            .flat_map(|v| v.zones.iter())
            .find(|z| z.name.to_lowercase() == key.name && z.class == key.class)
            .and_then(|z| z.file.clone());
        state.zones.install(key, zone, file.as_deref());
        self.publish(&state);
    }

    fn expire(&self, key: &ZoneKey) {
        let mut state = self.lock();
        state.zones.expire(key);
        self.publish(&state);
    }
}

impl Server {
    /// A server for `loaded` that answers SERVFAIL for every zone until [`Self::load_zones`].
    pub fn new(settings: Settings, loaded: &Loaded, runtime: Handle) -> Self {
        let mut environment = Environment::from_system();
        if let Ok(found) = interfaces::scan() {
            set_local_prefixes(&mut environment, &found);
        }
        let port = settings.port.unwrap_or(loaded.config.options.port);
        let replication = xfr::Service::new(runtime.clone(), &loaded.config.options, port);
        let forward = crate::forward::Forwarder::new();
        forward.set_runtime(runtime.clone());
        let mut engine = Engine::with_environment(
            &loaded.config,
            ZoneStore::unloaded(&loaded.config),
            &environment,
        );
        engine.attach_forwarding(&loaded.config, &forward);
        let hook: Arc<dyn xfr::NotifyHook> = replication.clone();
        engine.set_notify_hook(hook);
        let tcp = TcpSettings::from_options(&loaded.config.options);
        let mut shared = Shared::new(engine, tcp);
        shared.forward = forward;
        let shared = Arc::new(shared);
        let _ = shared.replication.set(Arc::clone(&replication));
        let listeners = Listeners::new(settings.workers, Arc::clone(&shared), runtime.clone());
        let catalog = Arc::new(Catalog {
            shared: Arc::clone(&shared),
            replication: Arc::clone(&replication),
            state: Mutex::new(CatalogState {
                zones: ZoneStore::new(),
                config: Arc::new(loaded.config.clone()),
                environment,
            }),
        });
        let sink: Arc<dyn ZoneSink> = catalog.clone();
        replication.set_sink(Arc::downgrade(&sink));
        Self {
            settings,
            shared,
            listeners,
            catalog,
            replication,
            pid_file: None,
            pid_path: None,
            directory: None,
            runtime,
            control: None,
            booted: SystemTime::now(),
            configured: SystemTime::now(),
            reload_failed: false,
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

        if let Err(reason) = log::configure(&loaded.config) {
            if starting {
                error!(General, "checking logging configuration failed: {reason}");
                return Err(format!("loading configuration: {reason}"));
            }
            error!(General, "configuring logging: {reason}");
            return Err(reason);
        }
        if starting {
            querylog::set_query_logging(querylog::configured(&loaded.config));
        }
        querylog::set_cookie_secrets(options, self.catalog.lock().environment.cookie_secret);

        let tcp = TcpSettings::from_options(options);
        self.shared.tcp_slots.resize(tcp.clients, &self.runtime);
        self.shared.tcp.store(Arc::new(tcp));

        let found = interfaces::scan().map_err(|e| format!("scanning interfaces: {e}"))?;
        set_local_prefixes(&mut self.catalog.lock().environment, &found);
        let plan = listen::plan(loaded, &found, self.settings.families, self.settings.port);
        self.replication.set_options(
            options,
            self.settings.port.unwrap_or(options.port),
            plan.endpoints.iter().map(|e| e.addr).collect(),
        );
        let Applied { wanted, failed } = self.listeners.apply(&plan, tcp.backlog);
        if starting && wanted > 0 && failed == wanted {
            return Err("could not listen on any address".into());
        }
        if let Some(control) = &mut self.control {
            control.apply(&loaded.config)?;
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
    /// new engine in; then brings replication in line (secondary tasks, NOTIFY for zones
    /// whose serial rose).
    pub fn load_zones(&mut self, config: &Config) {
        self.load_zones_where(config, &|_, _| true);
    }

    /// [`Self::load_zones`], reading only the zones `only` picks (by key, and whether the
    /// zone has data now); the others keep what they serve.
    pub fn load_zones_where(&mut self, config: &Config, only: &dyn Fn(&ZoneKey, bool) -> bool) {
        let update = {
            let mut state = self.catalog.lock();
            let update = state
                .zones
                .update_where(config, self.settings.workers, only);
            state.config = Arc::new(config.clone());
            self.catalog.publish(&state);
            log::debug!(
                1,
                Zoneload,
                "{} zones read, {} failed, {} served with data",
                update.loaded,
                update.failed,
                state.zones.len()
            );
            update
        };
        self.replication.sync_secondaries(config);
        for (key, old) in &update.reloaded {
            self.replication.loaded(key, *old);
        }
    }

    /// Handles SIGHUP: everything that changed, or nothing when the configuration is bad.
    pub fn reload(&mut self) {
        info!(General, "received SIGHUP signal to reload zones");
        let _ = self.reload_all();
    }

    /// Re-reads the configuration and the zone files that changed (SIGHUP, `rndc
    /// reload`); on error (logged) nothing changes.
    pub fn reload_all(&mut self) -> Result<(), String> {
        let loaded = self.reread_config()?;
        self.load_zones(&loaded.config);
        info!(General, "reloading zones succeeded");
        notice!(General, "all zones loaded");
        notice!(General, "running");
        Ok(())
    }

    /// Re-reads the configuration and loads only the zones new to it (`rndc reconfig`).
    pub fn reconfig(&mut self) -> Result<(), String> {
        let loaded = self.reread_config()?;
        info!(General, "scheduled loading new zones");
        self.load_zones_where(&loaded.config, &|_, held| !held);
        info!(General, "any newly configured zones are now loaded");
        notice!(General, "running");
        Ok(())
    }

    /// Reads and applies the configuration; the first error (logged) when it fails.
    fn reread_config(&mut self) -> Result<Loaded, String> {
        let loaded = match Self::read_config(&self.settings) {
            Ok(loaded) => loaded,
            Err(diagnostics) => {
                let first = diagnostics
                    .iter()
                    .find(|d| d.severity == Severity::Error)
                    .map_or_else(|| "failure".to_owned(), |d| d.message.clone());
                error!(General, "reloading configuration failed: {first}");
                self.reload_failed = true;
                return Err(first);
            }
        };
        if let Err(e) = self.configure(&loaded, false) {
            error!(General, "reloading configuration failed: {e}");
            self.reload_failed = true;
            return Err(e);
        }
        info!(General, "reloading configuration succeeded");
        self.reload_failed = false;
        self.configured = SystemTime::now();
        Ok(loaded)
    }

    //------------ For the control channel ---------------------------------------

    /// Opens the control channels of every configuration applied from now on; commands
    /// go to `inbox`, to be run by [`super::control::run`] on the control thread.
    pub fn enable_control(&mut self, inbox: std::sync::mpsc::Sender<super::control::MainEvent>) {
        self.control = Some(super::control::Control::new(
            self.runtime.clone(),
            inbox,
            Arc::clone(&self.replication),
        ));
    }

    /// The command line's settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// What the query threads share.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The replication service.
    pub fn replication(&self) -> &Arc<xfr::Service> {
        &self.replication
    }

    /// The configuration in force.
    pub fn config(&self) -> Arc<Config> {
        Arc::clone(&self.catalog.lock().config)
    }

    /// The data served for `key`, when loaded (for `dumpdb -zones`).
    pub fn zone_data(&self, key: &ZoneKey) -> Option<Arc<zones::zone::Zone>> {
        self.catalog.lock().zones.zone(key)
    }

    /// What is known of the data served for `key`.
    pub fn zone_facts(&self, key: &ZoneKey) -> Option<super::load::ZoneFacts> {
        self.catalog.lock().zones.facts(key)
    }

    /// Whether the zone `key` is loaded from a file that has not changed since; `None` when
    /// it is not read from a file here.
    pub fn zone_is_current(&self, key: &ZoneKey) -> Option<bool> {
        let state = self.catalog.lock();
        state.zones.is_current(&state.config, key)
    }

    /// Reads the zone `key` again from its file (if it changed).
    pub fn reload_zone(&mut self, key: &ZoneKey) {
        let config = self.config();
        self.load_zones_where(&config, &|k, _| k == key);
    }

    /// When the server started and when its configuration was last applied, and whether
    /// the last reload failed.
    pub fn times(&self) -> (SystemTime, SystemTime, bool) {
        (self.booted, self.configured, self.reload_failed)
    }

    //------------ End of the control channel's part -----------------------------

    /// Closes the listeners, stops replication and removes the pid file.
    pub fn shutdown(&mut self) {
        if let Some(control) = &mut self.control {
            control.shutdown();
        }
        self.replication.shutdown();
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
