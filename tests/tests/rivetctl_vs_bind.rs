//! rivetctl and ctl's control-channel code against BIND 9.18: rivetctl drives a real
//! `named` with hmac-sha256 and hmac-md5 keys and prints what `rndc` prints; a wrong key
//! fails as it fails for rndc; `named` refuses a replayed request; real `rndc` drives a
//! server made of ctl's session; and the interactive shell completes and remembers.
//!
//! Without BIND installed the tests are skipped with a notice, except in CI.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use ctl::ResultCode;
use ctl::client::unix_now;
use ctl::message::{Request, Response};
use ctl::server::Outcome;
use tests::bind;
use tests::control::{BindControl, KeySpec, MD5, SHA256, SessionServer, WRONG, ZONE};
use tests::run::{Output, run};

fn rivetctl() -> PathBuf {
    tests::cargo_bin::build("ctl", "rivetctl")
}

/// Runs a control client with `-c conf` and `args`.
fn client(program: &Path, dir: &Path, conf: &Path, args: &[&str]) -> Output {
    let mut all = vec!["-c".to_owned(), conf.display().to_string()];
    all.extend(args.iter().map(|a| (*a).to_owned()));
    run(program, &all, dir).expect("the client runs")
}

/// rndc's output with rivetctl's name in it.
fn as_rivetctl(text: &str) -> String {
    text.replace("rndc:", "rivetctl:")
}

fn start_bind(test: &str, keys: &[KeySpec]) -> Option<(BindControl, PathBuf, PathBuf)> {
    let named = bind::require("named", test)?;
    let rndc = bind::require("rndc", test)?;
    let server = BindControl::start(&named, keys).unwrap_or_else(|e| panic!("named: {e}"));
    Some((server, rndc, rivetctl()))
}

#[test]
fn rivetctl_drives_named_with_sha256_and_md5_keys() {
    let Some((server, rndc, rivetctl)) = start_bind(
        "rivetctl_drives_named_with_sha256_and_md5_keys",
        &[SHA256, MD5],
    ) else {
        return;
    };
    let dir = server.path();
    for key in [SHA256, MD5] {
        let conf = tests::control::write_rndc_conf(
            dir,
            &format!("rndc-{}.conf", key.name),
            server.control_port,
            &[key],
        );
        let ours = |args: &[&str]| client(&rivetctl, dir, &conf, args);
        let theirs = |args: &[&str]| client(&rndc, dir, &conf, args);

        let status = ours(&["status"]);
        assert!(status.success(), "{}", status.transcript());
        assert!(
            status.stdout.starts_with("version: BIND 9."),
            "{}",
            status.stdout
        );
        assert!(
            status.stdout.ends_with("server is up and running\n"),
            "{}",
            status.stdout
        );
        assert_eq!(
            status.stdout.lines().count(),
            theirs(&["status"]).stdout.lines().count()
        );

        // Commands whose output does not change from one run to the next: the same
        // bytes, the same exit code.
        for args in [
            &["null"][..],
            &["zonestatus", ZONE],
            &["reload", ZONE],
            &["zonestatus", "no.such.zone"],
            &["frobnicate", "now"],
            &["notify"],
            &["-r", "zonestatus", "nope.example"],
            &["-q", "zonestatus", ZONE],
        ] {
            let (a, b) = (ours(args), theirs(args));
            assert_eq!(
                a.code,
                b.code,
                "{args:?}\nours:\n{}theirs:\n{}",
                a.transcript(),
                b.transcript()
            );
            assert_eq!(a.stdout, b.stdout, "{args:?}");
            assert_eq!(a.stderr, as_rivetctl(&b.stderr), "{args:?}");
        }
        let zone = ours(&["zonestatus", ZONE]);
        assert!(
            zone.stdout
                .starts_with("name: example.com\ntype: primary\n"),
            "{}",
            zone.stdout
        );

        let reload = ours(&["reload"]);
        assert_eq!(
            reload.stdout,
            "server reload successful\n",
            "{}",
            reload.transcript()
        );
        let reconfig = ours(&["reconfig"]);
        assert!(
            reconfig.success() && reconfig.stdout.is_empty(),
            "{}",
            reconfig.transcript()
        );

        let json = ours(&["--json", "zonestatus", ZONE]);
        assert!(json.success(), "{}", json.transcript());
        assert!(json.stdout.contains("\"serial\": 1"), "{}", json.stdout);
        assert!(
            json.stdout.contains("\"result_name\": \"ISC_R_SUCCESS\""),
            "{}",
            json.stdout
        );
    }
    let log = server.named.log_text();
    assert!(
        log.contains("received control channel command 'reload example.com'"),
        "{log}"
    );
    assert!(
        log.contains("received control channel command 'reconfig'"),
        "{log}"
    );
}

#[test]
fn wrong_key_fails_as_it_fails_for_rndc() {
    let Some((server, rndc, rivetctl)) =
        start_bind("wrong_key_fails_as_it_fails_for_rndc", &[SHA256])
    else {
        return;
    };
    let dir = server.path();
    for wrong in [
        WRONG,
        KeySpec {
            name: SHA256.name,
            algorithm: "hmac-md5",
            secret: SHA256.secret,
        },
    ] {
        let conf =
            tests::control::write_rndc_conf(dir, "wrong.conf", server.control_port, &[wrong]);
        let a = client(&rivetctl, dir, &conf, &["status"]);
        let b = client(&rndc, dir, &conf, &["status"]);
        assert_eq!(a.code, Some(1), "{}", a.transcript());
        assert_eq!(a.code, b.code);
        assert!(a.stdout.is_empty());
        let first = |o: &Output| o.stderr.lines().next().unwrap_or_default().to_owned();
        assert_eq!(first(&a), as_rivetctl(&first(&b)));
        assert_eq!(first(&a), "rivetctl: connection to remote host closed.");
    }
    // Nothing listening: the same words as rndc.
    let conf = tests::control::write_rndc_conf(dir, "closed.conf", 1, &[SHA256]);
    let a = client(&rivetctl, dir, &conf, &["status"]);
    let b = client(&rndc, dir, &conf, &["status"]);
    assert_eq!((a.code, a.stderr.clone()), (b.code, as_rivetctl(&b.stderr)));
    assert!(server.named.log_text().contains("bad auth"));
}

/// Sends one frame on `stream` and reads the reply; `None` when the server closed instead.
fn exchange(stream: &mut TcpStream, frame: &[u8]) -> Option<Vec<u8>> {
    stream.write_all(frame).ok()?;
    let mut prefix = [0u8; 4];
    stream.read_exact(&mut prefix).ok()?;
    let mut message = vec![0u8; u32::from_be_bytes(prefix) as usize];
    stream.read_exact(&mut message).ok()?;
    Some(message)
}

fn connect(port: u16) -> TcpStream {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let s = TcpStream::connect(addr).expect("connects to the control channel");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    s
}

#[test]
fn named_refuses_a_replayed_request() {
    let Some((server, _, _)) = start_bind("named_refuses_a_replayed_request", &[SHA256]) else {
        return;
    };
    let key = SHA256.control_key();
    let now = unix_now();
    // A handshake and a command, captured as they leave.
    let null = Request::new(1000, now, None, "null")
        .encode(&key)
        .expect("encodes");
    let mut first = connect(server.control_port);
    let reply = exchange(&mut first, &null).expect("named answers the handshake");
    let nonce = Response::decode(&reply, &key)
        .expect("reply verifies")
        .nonce;
    let status = Request::new(1001, now, nonce, "status")
        .encode(&key)
        .expect("encodes");
    let reply = exchange(&mut first, &status).expect("named answers the command");
    let reply = Response::decode(&reply, &key).expect("reply verifies");
    assert!(
        reply
            .text
            .unwrap_or_default()
            .contains("server is up and running")
    );
    drop(first);

    // The same bytes on a new connection: closed without a reply, both the handshake and
    // the command (whose nonce belongs to the old connection anyway).
    let mut second = connect(server.control_port);
    assert_eq!(
        exchange(&mut second, &null),
        None,
        "a replayed handshake was answered"
    );
    let mut third = connect(server.control_port);
    let fresh = Request::new(2000, now, None, "null")
        .encode(&key)
        .expect("encodes");
    assert!(
        exchange(&mut third, &fresh).is_some(),
        "a fresh handshake is answered"
    );
    assert_eq!(
        exchange(&mut third, &status),
        None,
        "a replayed command was answered"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline && server.named.log_text().matches(": duplicate").count() < 2 {
        std::thread::sleep(Duration::from_millis(100));
    }
    let log = server.named.log_text();
    assert_eq!(log.matches(": duplicate").count(), 2, "{log}");
}

/// The handler of the test server: a few commands with BIND's results.
fn handler(request: &ctl::CommandRequest) -> Outcome {
    let words = request.words();
    match (request.verb().as_str(), words.get(1)) {
        ("null", _) => Outcome::ok(),
        ("status", _) => Outcome::text(format!(
            "key: {}\nserver is up and running",
            request.key_name()
        )),
        ("zonestatus", None) => Outcome::error(ResultCode::UNEXPECTED_END),
        ("zonestatus", Some(z)) if z.as_str() == ZONE => {
            Outcome::text("name: example.com\ntype: primary")
        }
        ("zonestatus", Some(z)) => Outcome::error_text(
            ResultCode::NOT_FOUND,
            format!("no matching zone '{z}' in any view"),
        ),
        _ => Outcome::error(ResultCode::UNKNOWN_COMMAND),
    }
}

#[test]
fn rndc_drives_a_server_made_of_the_ctl_session() {
    let Some(rndc) = bind::require("rndc", "rndc_drives_a_server_made_of_the_ctl_session") else {
        return;
    };
    let keys = vec![SHA256.control_key(), MD5.control_key()];
    let server = SessionServer::start(keys, handler);
    let dir = tempfile::tempdir().expect("tempdir");
    let port = server.addr.port();
    for key in [SHA256, MD5] {
        let conf = tests::control::write_rndc_conf(dir.path(), "rndc.conf", port, &[key]);
        let status = client(&rndc, dir.path(), &conf, &["status"]);
        assert!(status.success(), "{}", status.transcript());
        assert_eq!(
            status.stdout,
            format!("key: {}\nserver is up and running\n", key.name)
        );
        let zone = client(&rndc, dir.path(), &conf, &["zonestatus", ZONE]);
        assert_eq!(
            zone.stdout,
            "name: example.com\ntype: primary\n",
            "{}",
            zone.transcript()
        );
        let missing = client(
            &rndc,
            dir.path(),
            &conf,
            &["-r", "zonestatus", "nope.example"],
        );
        assert_eq!(missing.code, Some(1));
        assert_eq!(
            missing.stderr,
            "rndc: 'zonestatus' failed: not found\nno matching zone 'nope.example' in any view\n"
        );
        assert_eq!(missing.stdout, "ISC_R_NOTFOUND 23\n");
        let bare = client(&rndc, dir.path(), &conf, &["zonestatus"]);
        assert_eq!(
            bare.stderr,
            "rndc: 'zonestatus' failed: unexpected end of input\n"
        );
        let unknown = client(&rndc, dir.path(), &conf, &["frobnicate"]);
        assert_eq!(
            unknown.stderr,
            "rndc: 'frobnicate' failed: unknown command\n"
        );
        let null = client(&rndc, dir.path(), &conf, &["null"]);
        assert!(
            null.success() && null.stdout.is_empty(),
            "{}",
            null.transcript()
        );
    }
    let conf = tests::control::write_rndc_conf(dir.path(), "wrong.conf", port, &[WRONG]);
    let wrong = client(&rndc, dir.path(), &conf, &["status"]);
    assert_eq!(wrong.code, Some(1));
    assert!(
        wrong
            .stderr
            .starts_with("rndc: connection to remote host closed."),
        "{}",
        wrong.transcript()
    );
}

//------------ The interactive shell ----------------------------------------------

/// A tmux server of its own, killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "shell"]).stdout)
            .into_owned()
    }

    /// Waits until the screen shows `text`; the screen either way.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.screen();
            if screen.contains(text) || Instant::now() > deadline {
                return screen;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "shell"];
        args.extend_from_slice(keys);
        self.cmd(&args);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

#[test]
fn shell_completes_commands_and_zones_and_keeps_history() {
    let Some(tmux) = bind::require(
        "tmux",
        "shell_completes_commands_and_zones_and_keeps_history",
    ) else {
        return;
    };
    let _ = tmux;
    let rivetctl = rivetctl();
    let server = SessionServer::start(vec![SHA256.control_key()], handler);
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("home");
    std::fs::create_dir(&home).expect("home");
    let conf =
        tests::control::write_rndc_conf(dir.path(), "rndc.conf", server.addr.port(), &[SHA256]);
    let named_conf = dir.path().join("named.conf");
    std::fs::write(
        &named_conf,
        "zone \"example.com\" { type primary; file \"a.db\"; };\n\
         zone \"example.net\" { type primary; file \"b.db\"; };\n",
    )
    .expect("named.conf");
    let shell = format!(
        "HOME={} {} -c {} --named-conf {}",
        home.display(),
        rivetctl.display(),
        conf.display(),
        named_conf.display()
    );
    let t = Tmux {
        socket: format!("rivetctl-test-{}", std::process::id()),
    };
    let started = t.cmd(&[
        "new-session",
        "-d",
        "-s",
        "shell",
        "-x",
        "160",
        "-y",
        "40",
        &shell,
    ]);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    t.wait_for("rivetctl>");

    // Command name, then zone name, completed with Tab.
    t.keys(&["zonest", "Tab"]);
    // (tmux drops trailing blanks; the space after the word shows once more is typed.)
    let screen = t.wait_for("rivetctl> zonestatus");
    assert!(screen.contains("rivetctl> zonestatus"), "{screen}");
    t.keys(&["example.c", "Tab", "Enter"]);
    let screen = t.wait_for("type: primary");
    assert!(
        screen.contains("rivetctl> zonestatus example.com"),
        "{screen}"
    );
    assert!(
        screen.contains("name: example.com\ntype: primary"),
        "{screen}"
    );
    // Two candidates are listed.
    t.keys(&["zonestatus exa", "Tab", "Tab"]);
    let screen = t.wait_for("example.net");
    assert!(
        screen.contains("example.com") && screen.contains("example.net"),
        "{screen}"
    );
    t.keys(&["C-u"]);
    // An error is shown and the session goes on.
    t.keys(&["frobnicate", "Enter"]);
    let screen = t.wait_for("failed: unknown command");
    assert!(
        screen.contains("rivetctl: 'frobnicate' failed: unknown command"),
        "{screen}"
    );
    // Keys typed while a command runs may be dropped when the line editor takes the
    // terminal back, so each line waits for the prompt.
    t.keys(&["null", "Enter"]);
    t.wait_for("rivetctl> null\nrivetctl>");
    t.keys(&["quit", "Enter"]);
    let history = home.join(".rivetctl_history");
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline
        && !std::fs::read_to_string(&history)
            .unwrap_or_default()
            .contains("quit")
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    let saved = std::fs::read_to_string(&history).expect("history written");
    assert!(saved.contains("zonestatus example.com"), "{saved}");
    assert!(saved.contains("frobnicate"), "{saved}");

    // `quit` ends the shell, and with it the tmux session.
    let deadline = Instant::now() + Duration::from_secs(10);
    while t.cmd(&["has-session", "-t", "shell"]).status.success() {
        assert!(
            Instant::now() < deadline,
            "quit did not end the shell:\n{}",
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // A new shell recalls the history with the Up key.
    let again = t.cmd(&[
        "new-session",
        "-d",
        "-s",
        "shell",
        "-x",
        "160",
        "-y",
        "40",
        &shell,
    ]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    t.wait_for("rivetctl>");
    t.keys(&["Up", "Up", "Up"]);
    let screen = t.wait_for("rivetctl> frobnicate");
    assert!(screen.contains("rivetctl> frobnicate"), "{screen}");
    t.keys(&["C-u", "C-d"]);
}
