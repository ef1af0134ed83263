//! The control channel under test: BIND's `named` started with a `controls` statement and
//! keys, an rndc.conf pointing at it, and a small control server built from `ctl`'s
//! transport-free session, served on a std TCP listener.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use ctl::ControlKey;
use ctl::client::unix_now;
use ctl::server::{CommandRequest, Outcome, ReplayCache, serve_stream};

use crate::answers::{Named, free_port};

/// A key as named.conf and rndc.conf write it.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    /// Its name.
    pub name: &'static str,
    /// Its algorithm.
    pub algorithm: &'static str,
    /// Its secret in base64.
    pub secret: &'static str,
}

impl KeySpec {
    /// The `key` statement.
    pub fn clause(&self) -> String {
        format!(
            "key \"{}\" {{ algorithm {}; secret \"{}\"; }};\n",
            self.name, self.algorithm, self.secret
        )
    }

    /// The key for `ctl`.
    pub fn control_key(&self) -> ControlKey {
        let (algorithm, _) = conf::model::parse_algorithm(self.algorithm).expect("algorithm");
        let secret = conf::model::decode_secret(self.secret).expect("base64 secret");
        ControlKey::new(self.name, algorithm, &secret)
    }
}

/// An hmac-sha256 key.
pub const SHA256: KeySpec = KeySpec {
    name: "ctl-sha256",
    algorithm: "hmac-sha256",
    secret: "VsEphydwdoaAnrPWx6Ljv3gHWtWoQNzJ9VqDUibDh+o=",
};

/// An hmac-md5 key.
pub const MD5: KeySpec = KeySpec {
    name: "ctl-md5",
    algorithm: "hmac-md5",
    secret: "MFSOV4BFnSslt6AqeculNg==",
};

/// A key no server knows (same name as [`SHA256`], other secret).
pub const WRONG: KeySpec = KeySpec {
    name: "ctl-sha256",
    algorithm: "hmac-sha256",
    secret: "AAAAhydwdoaAnrPWx6Ljv3gHWtWoQNzJ9VqDUibDh+o=",
};

/// Writes an rndc.conf in `dir` for a server at 127.0.0.1:`port` with `keys`, the first
/// being the default; returns its path.
pub fn write_rndc_conf(dir: &Path, file: &str, port: u16, keys: &[KeySpec]) -> PathBuf {
    let mut text = String::new();
    for k in keys {
        text.push_str(&k.clause());
    }
    text.push_str(&format!(
        "options {{ default-server 127.0.0.1; default-port {port}; default-key \"{}\"; }};\n",
        keys[0].name
    ));
    let path = dir.join(file);
    std::fs::write(&path, text).expect("rndc.conf written");
    path
}

//------------ BIND with a control channel -------------------------------------

/// `named` with a control channel, stopped when dropped.
pub struct BindControl {
    /// The server (its DNS address and log).
    pub named: Named,
    /// The control channel's port.
    pub control_port: u16,
    /// The scratch directory holding named.conf, the zone and the rndc.conf files.
    pub dir: tempfile::TempDir,
}

/// The zone every test server carries.
pub const ZONE: &str = "example.com";

const ZONE_FILE: &str = "$TTL 300\n@ IN SOA ns1 hostmaster 1 60 30 600 60\n  IN NS ns1\nns1 IN A 127.0.0.1\nwww IN A 192.0.2.1\n";

/// Ports from 20000-29999, a different start per server and per process, so that a
/// `named` left without its port cannot be mistaken for another one.
fn ports() -> std::ops::Range<u16> {
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let server = NEXT.fetch_add(1, Ordering::Relaxed) % 20;
    let process = (std::process::id() % 40) as u16;
    20000 + process * 250 + server * 12..30000
}

impl BindControl {
    /// Starts `named` (path `program`) with `controls { inet 127.0.0.1 port P allow {
    /// 127.0.0.1; } keys { ... }; }` for `keys`, and zone [`ZONE`].
    pub fn start(program: &Path, keys: &[KeySpec]) -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        std::fs::write(dir.path().join("example.com.db"), ZONE_FILE).map_err(|e| e.to_string())?;
        let mut last = String::new();
        for _ in 0..5 {
            let dns = free_port(ports()).ok_or("no free port")?;
            let control = free_port(dns + 1..30000).ok_or("no free port")?;
            let mut conf = format!(
                "options {{\n  directory \"{}\";\n  listen-on {{ 127.0.0.1; }};\n  \
                 listen-on-v6 {{ none; }};\n  pid-file none;\n  recursion no;\n  zone-statistics full;\n}};\n",
                dir.path().display()
            );
            for k in keys {
                conf.push_str(&k.clause());
            }
            let names: String = keys.iter().map(|k| format!("\"{}\"; ", k.name)).collect();
            conf.push_str(&format!(
                "controls {{ inet 127.0.0.1 port {control} allow {{ 127.0.0.1; }} keys {{ {names}}}; }};\n\
                 zone \"{ZONE}\" {{ type primary; file \"example.com.db\"; }};\n"
            ));
            std::fs::write(dir.path().join("named.conf"), conf).map_err(|e| e.to_string())?;
            match Named::start(program, dir.path(), dns, ZONE) {
                Ok(named) => {
                    if wait_for_port(control) {
                        return Ok(Self {
                            named,
                            control_port: control,
                            dir,
                        });
                    }
                    last = format!("control port {control} never opened:\n{}", named.log_text());
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// The scratch directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Whether something accepts TCP connections on 127.0.0.1:`port` within a few seconds.
fn wait_for_port(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    for _ in 0..50 {
        if std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

//------------ A control server made of ctl's session --------------------------

/// A control server on a loopback port the kernel chose, answering with `handler`;
/// stopped when dropped.
pub struct SessionServer {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SessionServer {
    /// Serves connections one after another with `keys` until dropped.
    pub fn start(
        keys: Vec<ControlKey>,
        handler: impl Fn(&CommandRequest) -> Outcome + Send + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback listener");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let addr = listener.local_addr().expect("its address");
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let replay = ReplayCache::new();
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        let _ = stream.set_nonblocking(false);
                        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                        let _ = serve_stream(&mut stream, &keys, &replay, unix_now, &handler);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Self {
            addr,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for SessionServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
