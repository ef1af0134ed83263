//! Shared by the rivetd tests: starting rivetd on a loopback port with a scratch
//! configuration, following its log, signalling it, and a small DNS client over UDP and
//! TCP with a reply decoder of its own.

#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long to wait for rivetd to say something expected.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The rivetd binary, built if needed.
pub fn rivetd_bin() -> PathBuf {
    tests::cargo_bin::build("named", "rivetd")
}

/// A loopback port free for both UDP and TCP, from 20000-29999: below the kernel's
/// ephemeral range, so that no client socket of a test running alongside is handed the port
/// between this check and rivetd's bind.
pub fn free_port() -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let seed = std::process::id().wrapping_mul(7919)
        ^ SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
    for _ in 0..1000 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = 20000 + (seed.wrapping_add(n.wrapping_mul(131)) % 10000) as u16;
        let udp = UdpSocket::bind(("127.0.0.1", port));
        let tcp = TcpListener::bind(("127.0.0.1", port));
        if udp.is_ok() && tcp.is_ok() {
            return port;
        }
    }
    panic!("no free loopback port for UDP and TCP in 20000-29999")
}

/// A named.conf in `dir` for `zones` (name, file), listening on 127.0.0.1 (on the port the
/// tests pass with `-p`), with `extra` appended to the options.
pub fn write_conf(dir: &Path, zones: &[(&str, &str)], extra: &str) -> PathBuf {
    let mut conf = format!(
        "options {{\n\tdirectory \"{}\";\n\tlisten-on {{ 127.0.0.1; }};\n\tlisten-on-v6 {{ none; }};\n\trecursion no;\n\tdnssec-validation no;\n{extra}}};\ncontrols {{ }};\n",
        dir.display()
    );
    for (name, file) in zones {
        conf.push_str(&format!(
            "zone \"{name}\" {{ type primary; file \"{file}\"; }};\n"
        ));
    }
    let path = dir.join("named.conf");
    std::fs::write(&path, conf).expect("named.conf written");
    path
}

/// A small zone: SOA with `serial`, NS, the server's address and `www` at `www`.
pub fn zone_text(origin: &str, serial: u32, www: Ipv4Addr) -> String {
    format!(
        "$ORIGIN {origin}.\n$TTL 300\n@ IN SOA ns1 hostmaster {serial} 3600 600 86400 60\n\
         @ IN NS ns1\nns1 IN A 127.0.0.1\nwww IN A {www}\n"
    )
}

/// A running rivetd, its log collected as it is written.
pub struct Rivetd {
    child: Child,
    /// The port it answers on.
    pub port: u16,
    log: Arc<Mutex<String>>,
}

impl Rivetd {
    /// Starts `rivetd -g -c CONF -p PORT ARGS...` and waits until it says `running`.
    pub fn start(conf: &Path, port: u16, args: &[&str]) -> Self {
        let server = Self::spawn(conf, port, args);
        assert!(
            server.wait_until_running(PATIENCE),
            "rivetd did not start:\n{}",
            server.log()
        );
        server
    }

    /// Starts it without waiting.
    pub fn spawn(conf: &Path, port: u16, args: &[&str]) -> Self {
        Self::spawn_in(Path::new("."), conf, port, args)
    }

    /// Starts it in working directory `cwd`, without waiting.
    pub fn spawn_in(cwd: &Path, conf: &Path, port: u16, args: &[&str]) -> Self {
        let mut child = Command::new(rivetd_bin())
            .current_dir(cwd)
            .arg("-g")
            .arg("-c")
            .arg(conf)
            .arg("-p")
            .arg(port.to_string())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("rivetd starts");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("piped stderr");
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let mut log = sink.lock().expect("log lock");
                log.push_str(&line);
                log.push('\n');
            }
        });
        Self { child, port, log }
    }

    /// Everything it logged so far.
    pub fn log(&self) -> String {
        self.log.lock().expect("log lock").clone()
    }

    /// How many log lines contain `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.log().lines().filter(|l| l.contains(needle)).count()
    }

    /// Waits until it says `running`, its last start-up line. Matching the whole word at the
    /// end of a line matters: the earlier `running as: ...` line comes before anything is
    /// bound.
    pub fn wait_until_running(&self, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.log().lines().any(|l| l.ends_with(" running")) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Waits until at least `times` lines contain `needle`.
    pub fn wait_for_log(&self, needle: &str, times: usize, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.count(needle) >= times {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends `signal` (`HUP`, `TERM`, ...).
    pub fn signal(&self, signal: &str) {
        send_signal(self.pid(), signal);
    }

    /// SIGHUP, then waits for the reload to finish; whether it succeeded.
    pub fn reload(&self) -> bool {
        let done = self.count("reloading zones succeeded");
        let failed = self.count("reloading configuration failed");
        self.signal("HUP");
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if self.count("reloading zones succeeded") > done {
                return true;
            }
            if self.count("reloading configuration failed") > failed {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("no reload finished:\n{}", self.log())
    }

    /// SIGTERM, and waits for the exit.
    pub fn stop(mut self) -> ExitStatus {
        self.signal("TERM");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait works") {
                return status;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "rivetd did not stop:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for it to exit by itself.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait works") {
                // The reader thread may still be copying the last lines.
                std::thread::sleep(Duration::from_millis(100));
                return status;
            }
            assert!(start.elapsed() < PATIENCE, "rivetd did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Rivetd {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Sends a signal with kill(1).
pub fn send_signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{signal} {pid} failed");
}

/// Record types the tests ask for.
pub const A: u16 = 1;
/// NS.
pub const NS: u16 = 2;
/// SOA.
pub const SOA: u16 = 6;

/// A query for `name`/`qtype` IN with id `id`, RD clear, no EDNS.
pub fn query(id: u16, name: &str, qtype: u16) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.extend(id.to_be_bytes());
    out.extend([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    for label in name
        .trim_end_matches('.')
        .split('.')
        .filter(|l| !l.is_empty())
    {
        out.push(label.len() as u8);
        out.extend(label.as_bytes());
    }
    out.push(0);
    out.extend(qtype.to_be_bytes());
    out.extend(1u16.to_be_bytes());
    out
}

/// One record of a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rr {
    /// Owner, lower case, with the trailing dot.
    pub owner: String,
    /// Type.
    pub rtype: u16,
    /// TTL.
    pub ttl: u32,
    /// RDATA as sent (names in it may be compressed).
    pub rdata: Vec<u8>,
}

/// A decoded reply.
#[derive(Debug, Clone)]
pub struct Reply {
    /// ID.
    pub id: u16,
    /// The flags word.
    pub flags: u16,
    /// The answer section.
    pub answer: Vec<Rr>,
    /// The authority section.
    pub authority: Vec<Rr>,
}

impl Reply {
    /// The rcode.
    pub fn rcode(&self) -> u16 {
        self.flags & 0x000f
    }

    /// Whether AA is set.
    pub fn aa(&self) -> bool {
        self.flags & 0x0400 != 0
    }

    /// Whether it is a response.
    pub fn qr(&self) -> bool {
        self.flags & 0x8000 != 0
    }

    /// The addresses of the A records in the answer.
    pub fn a_records(&self) -> Vec<Ipv4Addr> {
        self.answer
            .iter()
            .filter(|r| r.rtype == A && r.rdata.len() == 4)
            .map(|r| Ipv4Addr::new(r.rdata[0], r.rdata[1], r.rdata[2], r.rdata[3]))
            .collect()
    }

    /// The SOA serial in the answer.
    pub fn soa_serial(&self) -> Option<u32> {
        self.answer.iter().find(|r| r.rtype == SOA).and_then(|r| {
            let tail = r.rdata.len().checked_sub(20)?;
            let b = &r.rdata[tail..tail + 4];
            Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        })
    }
}

/// Decodes a reply; panics on anything malformed (rivetd must write valid messages).
pub fn decode(msg: &[u8]) -> Reply {
    let word = |pos: usize| u16::from_be_bytes([msg[pos], msg[pos + 1]]);
    assert!(msg.len() >= 12, "short reply {msg:02x?}");
    let (qd, an, ns) = (word(4), word(6), word(8));
    let mut pos = 12;
    for _ in 0..qd {
        pos = read_name(msg, pos).1 + 4;
    }
    let mut sections = [Vec::new(), Vec::new()];
    for (section, count) in sections.iter_mut().zip([an, ns]) {
        for _ in 0..count {
            let (owner, end) = read_name(msg, pos);
            let rtype = word(end);
            let ttl = u32::from_be_bytes([msg[end + 4], msg[end + 5], msg[end + 6], msg[end + 7]]);
            let len = usize::from(word(end + 8));
            let rdata = msg[end + 10..end + 10 + len].to_vec();
            section.push(Rr {
                owner,
                rtype,
                ttl,
                rdata,
            });
            pos = end + 10 + len;
        }
    }
    let [answer, authority] = sections;
    Reply {
        id: word(0),
        flags: word(2),
        answer,
        authority,
    }
}

/// A possibly compressed name at `pos`: its text and the position after it.
fn read_name(msg: &[u8], mut pos: usize) -> (String, usize) {
    let mut text = String::new();
    let mut end = None;
    for _ in 0..128 {
        let len = msg[pos];
        if len & 0xc0 == 0xc0 {
            end.get_or_insert(pos + 2);
            pos = usize::from(u16::from_be_bytes([len & 0x3f, msg[pos + 1]]));
            continue;
        }
        if len == 0 {
            if text.is_empty() {
                text.push('.');
            }
            return (text, end.unwrap_or(pos + 1));
        }
        let label = &msg[pos + 1..pos + 1 + usize::from(len)];
        text.push_str(&String::from_utf8_lossy(label).to_ascii_lowercase());
        text.push('.');
        pos += 1 + usize::from(len);
    }
    panic!("name loop in {msg:02x?}")
}

/// Sends `msg` over UDP to 127.0.0.1#port and returns the reply.
pub fn udp_exchange(port: u16, msg: &[u8]) -> Vec<u8> {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("client socket");
    socket
        .set_read_timeout(Some(Duration::from_secs(3)))
        .expect("timeout set");
    socket.send_to(msg, ("127.0.0.1", port)).expect("sent");
    let mut buf = vec![0u8; 65535];
    let (len, from) = socket.recv_from(&mut buf).expect("a reply within 3 s");
    assert_eq!(from, SocketAddr::from(([127, 0, 0, 1], port)));
    buf.truncate(len);
    buf
}

/// Asks `name`/`qtype` over UDP.
pub fn ask(port: u16, name: &str, qtype: u16) -> Reply {
    decode(&udp_exchange(port, &query(0x4242, name, qtype)))
}

/// Writes all `msgs` on one TCP connection in a single write (pipelined), then reads one
/// reply per message.
pub fn tcp_pipelined(port: u16, msgs: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("TCP connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout set");
    let mut out = Vec::new();
    for msg in msgs {
        out.extend((msg.len() as u16).to_be_bytes());
        out.extend(msg);
    }
    stream.write_all(&out).expect("queries written");
    msgs.iter()
        .map(|_| {
            let mut len = [0u8; 2];
            stream.read_exact(&mut len).expect("reply length");
            let mut reply = vec![0u8; usize::from(u16::from_be_bytes(len))];
            stream.read_exact(&mut reply).expect("reply");
            reply
        })
        .collect()
}

/// Polls `name` A over UDP until its addresses are `want`; whether they got there.
pub fn wait_for_a(port: u16, name: &str, want: &[Ipv4Addr], limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if ask(port, name, A).a_records() == want {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// A tool from PATH (or /usr/sbin), or `None` after saying the test is skipped. In CI a
/// missing tool fails the test.
pub fn tool(name: &str, test: &str) -> Option<PathBuf> {
    if let Some(path) = tests::bind::find(name) {
        return Some(path);
    }
    assert!(
        !tests::bind::in_ci(),
        "{test}: {name} is not installed, and CI must run this test"
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {name} not found; nothing was tested"
    );
    None
}

/// Writes `text` to `path` so that its size or modification time changes even within one
/// clock tick (a reload compares both).
pub fn rewrite(path: &Path, text: &str) {
    std::fs::write(path, text).expect("file written");
}

/// A named.conf in `dir` listening on 127.0.0.1 (on the port the tests pass with `-p`),
/// with `extra` appended to the options and `zones` (whole `zone` statements) after them.
pub fn write_conf_with_zones(dir: &Path, extra: &str, zones: &str) -> PathBuf {
    let conf = format!(
        "options {{\n\tdirectory \"{}\";\n\tpid-file none;\n\tsession-keyfile none;\n\tlisten-on {{ 127.0.0.1; }};\n\tlisten-on-v6 {{ none; }};\n\trecursion no;\n\tdnssec-validation no;\n{extra}}};\ncontrols {{ }};\n{zones}",
        dir.display()
    );
    let path = dir.join("named.conf");
    std::fs::write(&path, conf).expect("named.conf written");
    path
}

/// Polls `name` A over UDP until the reply's rcode is `rcode`; whether it got there.
pub fn wait_for_rcode(port: u16, name: &str, rcode: u16, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if ask(port, name, A).rcode() == rcode {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Polls until `check` holds; whether it did within `limit`.
pub fn wait_until(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// An AXFR (or other) request over TCP: writes `msg` and reads reply messages until one
/// whose answer section ends with an SOA after the first (the end of a zone transfer), or
/// one without answers, or the connection closes. Returns the replies.
pub fn tcp_transfer(port: u16, msg: &[u8]) -> Vec<Reply> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("TCP connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout set");
    let mut out = (msg.len() as u16).to_be_bytes().to_vec();
    out.extend(msg);
    stream.write_all(&out).expect("request written");
    let mut replies = Vec::new();
    let mut soas = 0;
    loop {
        let mut len = [0u8; 2];
        if stream.read_exact(&mut len).is_err() {
            break;
        }
        let mut body = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut body).expect("reply");
        let reply = decode(&body);
        soas += reply.answer.iter().filter(|r| r.rtype == SOA).count();
        let last = reply.answer.is_empty() || soas >= 2;
        replies.push(reply);
        if last {
            break;
        }
    }
    replies
}

/// A server started in the foreground without `-g` (`PROGRAM -f -c CONF -p PORT`), so that
/// it logs through the configuration's `logging` statement; its standard output and error
/// go to `DIR/PROGRAM.out`. Stopped when dropped.
pub struct Foreground {
    child: Child,
    /// Where it writes standard output and error.
    pub out: PathBuf,
}

impl Foreground {
    /// Starts `program` in `dir` and waits until it answers an SOA query for `zone` over UDP.
    pub fn start(program: &Path, dir: &Path, conf: &Path, port: u16, zone: &str) -> Self {
        let name = program
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("server");
        let out = dir.join(format!("{name}.out"));
        let file = std::fs::File::create(&out).expect("output file");
        let err = file.try_clone().expect("output file");
        let child = Command::new(program)
            .current_dir(dir)
            .arg("-f")
            .arg("-c")
            .arg(conf)
            .arg("-p")
            .arg(port.to_string())
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(err)
            .spawn()
            .expect("server starts");
        let mut server = Self { child, out };
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("{name} exited ({status}):\n{}", server.output());
            }
            let reply = udp_exchange_within(port, &query(1, zone, SOA), Duration::from_millis(200));
            if reply.is_some() {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "{name} did not answer:\n{}",
                server.output()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What it wrote to standard output and error.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.out).unwrap_or_default()
    }
}

impl Drop for Foreground {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `msg` over UDP to 127.0.0.1#`port` and returns the reply, if one comes in `wait`.
pub fn udp_exchange_within(port: u16, msg: &[u8], wait: Duration) -> Option<Vec<u8>> {
    let socket = UdpSocket::bind("127.0.0.1:0").ok()?;
    socket.set_read_timeout(Some(wait)).ok()?;
    socket.send_to(msg, ("127.0.0.1", port)).ok()?;
    let mut buf = vec![0u8; 65535];
    let (n, _) = socket.recv_from(&mut buf).ok()?;
    Some(buf[..n].to_vec())
}

/// The lines of the file at `path` (none when it does not exist).
pub fn file_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Runs `nsupdate` (path `program`, with `args` such as `-y KEY`) against 127.0.0.1#`port`
/// with `script` and `send`; it must succeed.
pub fn nsupdate(program: &Path, args: &[&str], port: u16, script: &str) {
    use std::io::Write as _;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nsupdate runs");
    let input = format!("server 127.0.0.1 {port}\n{script}send\n");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("script written");
    let out = child.wait_with_output().expect("nsupdate ends");
    assert!(out.status.success(), "nsupdate: {out:?}");
}
