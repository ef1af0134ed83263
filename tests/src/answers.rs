//! The differential test of answers: a corpus of requests, a way to send them to a
//! server over UDP and TCP, and a comparison of two servers' responses that ignores only
//! what may differ between correct servers (record order within a section, and the
//! time-dependent bytes of a server cookie).
//!
//! The zones and `named.conf` are in `tests/data/answers/`; BIND's `named` is started on
//! a scratch copy of that directory ([`Named`]).

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hickory_proto::op::Message;

//------------ Requests --------------------------------------------------------

/// How a request is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// One datagram.
    Udp,
    /// A TCP connection with the 2-byte length prefix (RFC 1035 §4.2.2).
    Tcp,
}

/// The OPT record of a query.
#[derive(Clone, Debug)]
pub struct Opt {
    /// The UDP payload size offered.
    pub size: u16,
    /// The DO bit.
    pub dnssec_ok: bool,
    /// The EDNS version.
    pub version: u8,
    /// Options, as (code, data).
    pub options: Vec<(u16, Vec<u8>)>,
}

impl Opt {
    /// EDNS with `size` and nothing else.
    pub fn size(size: u16) -> Self {
        Self {
            size,
            dnssec_ok: false,
            version: 0,
            options: Vec::new(),
        }
    }

    /// EDNS with `size` and DO.
    pub fn dnssec(size: u16) -> Self {
        Self {
            dnssec_ok: true,
            ..Self::size(size)
        }
    }

    /// Adds an option.
    pub fn with(mut self, code: u16, data: &[u8]) -> Self {
        self.options.push((code, data.to_vec()));
        self
    }
}

/// A query built field by field.
#[derive(Clone, Debug)]
pub struct Query {
    /// QNAME in text (labels split at dots, case kept, no escapes).
    pub name: String,
    /// QTYPE.
    pub qtype: u16,
    /// QCLASS.
    pub qclass: u16,
    /// The 16-bit flags word (opcode, RD, CD, AD...).
    pub flags: u16,
    /// The OPT record, if any.
    pub opt: Option<Opt>,
}

/// RD.
pub const RD: u16 = 0x0100;
/// CD.
pub const CD: u16 = 0x0010;
/// AD.
pub const AD: u16 = 0x0020;

impl Query {
    /// A class IN query with RD clear and EDNS 1232, as `dig +norec` sends it.
    pub fn new(name: &str, qtype: u16) -> Self {
        Self {
            name: name.to_string(),
            qtype,
            qclass: 1,
            flags: 0,
            opt: Some(Opt::size(1232)),
        }
    }

    /// With these header flags.
    pub fn flags(mut self, flags: u16) -> Self {
        self.flags = flags;
        self
    }

    /// With this OPT record, or none.
    pub fn opt(mut self, opt: Option<Opt>) -> Self {
        self.opt = opt;
        self
    }

    /// In this class.
    pub fn class(mut self, qclass: u16) -> Self {
        self.qclass = qclass;
        self
    }

    /// The message bytes, with message id `id`.
    pub fn encode(&self, id: u16) -> Vec<u8> {
        let arcount = u16::from(self.opt.is_some());
        let mut m = Vec::new();
        for word in [id, self.flags, 1, 0, 0, arcount] {
            m.extend(word.to_be_bytes());
        }
        m.extend(wire_name(&self.name));
        m.extend(self.qtype.to_be_bytes());
        m.extend(self.qclass.to_be_bytes());
        if let Some(opt) = &self.opt {
            let mut rdata = Vec::new();
            for (code, data) in &opt.options {
                rdata.extend(code.to_be_bytes());
                rdata.extend((data.len() as u16).to_be_bytes());
                rdata.extend(data);
            }
            m.push(0);
            m.extend(41u16.to_be_bytes());
            m.extend(opt.size.to_be_bytes());
            m.extend([0, opt.version, if opt.dnssec_ok { 0x80 } else { 0 }, 0]);
            m.extend((rdata.len() as u16).to_be_bytes());
            m.extend(rdata);
        }
        m
    }
}

/// A name in wire form from text (no escapes).
pub fn wire_name(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for label in text.split('.').filter(|l| !l.is_empty()) {
        out.push(label.len() as u8);
        out.extend(label.as_bytes());
    }
    out.push(0);
    out
}

/// One request of the corpus.
#[derive(Clone, Debug)]
pub struct Probe {
    /// What it tests, for the report.
    pub label: String,
    /// The bytes (the id is patched in when sent).
    pub bytes: Vec<u8>,
    /// UDP or TCP.
    pub via: Via,
}

impl Probe {
    /// A probe from a query.
    pub fn query(query: &Query, via: Via) -> Self {
        let opt = match &query.opt {
            None => "noedns".to_string(),
            Some(o) => format!(
                "edns{}{}{}",
                o.size,
                if o.dnssec_ok { "+do" } else { "" },
                if o.options.is_empty() { "" } else { "+opts" }
            ),
        };
        Self {
            label: format!(
                "{} {}/{} class {} flags {:04x} {} {:?}",
                query.name,
                query.qtype,
                type_name(query.qtype),
                query.qclass,
                query.flags,
                opt,
                via
            ),
            bytes: query.encode(0),
            via,
        }
    }

    /// A probe from raw bytes (malformed messages).
    pub fn raw(label: &str, bytes: Vec<u8>, via: Via) -> Self {
        Self {
            label: format!("raw: {label} {via:?}"),
            bytes,
            via,
        }
    }
}

fn type_name(qtype: u16) -> String {
    hickory_proto::rr::RecordType::from(qtype).to_string()
}

//------------ Sending ------------------------------------------------------------

/// Sends `probe` with message id `id` to `server` and returns the response, or `None`
/// when none came within `wait`.
pub fn ask(server: SocketAddr, probe: &Probe, id: u16, wait: Duration) -> Option<Vec<u8>> {
    let mut bytes = probe.bytes.clone();
    if bytes.len() >= 2 {
        bytes[..2].copy_from_slice(&id.to_be_bytes());
    }
    match probe.via {
        Via::Udp => {
            let socket = UdpSocket::bind("127.0.0.1:0").ok()?;
            socket.set_read_timeout(Some(wait)).ok()?;
            socket.send_to(&bytes, server).ok()?;
            let mut buf = vec![0u8; 65535];
            let deadline = Instant::now() + wait;
            while Instant::now() < deadline {
                let (n, from) = socket.recv_from(&mut buf).ok()?;
                if from == server && n >= 2 && buf[..2] == id.to_be_bytes() {
                    return Some(buf[..n].to_vec());
                }
                if from == server && bytes.len() < 2 {
                    return Some(buf[..n].to_vec());
                }
            }
            None
        }
        Via::Tcp => {
            let mut stream = TcpStream::connect_timeout(&server, wait).ok()?;
            stream.set_read_timeout(Some(wait)).ok()?;
            let mut framed = (bytes.len() as u16).to_be_bytes().to_vec();
            framed.extend(&bytes);
            stream.write_all(&framed).ok()?;
            let mut len = [0u8; 2];
            stream.read_exact(&mut len).ok()?;
            let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
            stream.read_exact(&mut buf).ok()?;
            Some(buf)
        }
    }
}

//------------ Comparing ----------------------------------------------------------

/// A response reduced to what must be identical between two servers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    /// The header: flags, rcode, counts.
    pub header: String,
    /// The question section.
    pub question: Vec<String>,
    /// The answer section, sorted.
    pub answer: Vec<String>,
    /// The authority section, sorted.
    pub authority: Vec<String>,
    /// The additional section without the OPT record, sorted.
    pub additional: Vec<String>,
    /// The OPT record: version, size, flags, extended rcode and options.
    pub opt: Option<String>,
    /// The TSIG record without what holds the time (Time Signed, MAC, Other Data):
    /// key, algorithm, fudge, error and the MAC's length.
    pub tsig: Option<String>,
}

impl Shape {
    /// Decodes a response; an error when it is not a valid DNS message.
    pub fn of(bytes: &[u8]) -> Result<Self, String> {
        if bytes.len() < 12 {
            return Err(format!("{} bytes: shorter than a header", bytes.len()));
        }
        let word = |i: usize| u16::from_be_bytes([bytes[i], bytes[i + 1]]);
        let flags = word(2);
        let mut header = String::new();
        let _ = write!(
            header,
            "opcode {} rcode {} flags",
            (flags >> 11) & 0xf,
            flags & 0xf
        );
        for (bit, name) in [
            (0x8000, "qr"),
            (0x0400, "aa"),
            (0x0200, "tc"),
            (0x0100, "rd"),
            (0x0080, "ra"),
            (0x0040, "z"),
            (0x0020, "ad"),
            (0x0010, "cd"),
        ] {
            if flags & bit != 0 {
                let _ = write!(header, " {name}");
            }
        }
        let _ = write!(
            header,
            "; counts {} {} {} {}",
            word(4),
            word(6),
            word(8),
            word(10)
        );
        let opt = opt_text(bytes)?;
        let message = Message::from_vec(bytes).map_err(|e| format!("undecodable: {e}"))?;
        let tsig = named::tsig::read(bytes)
            .map_err(|e| format!("bad TSIG record: {e}"))?
            .map(|t| {
                format!(
                    "{} {} fudge {} error {} mac of {} bytes",
                    t.key_name,
                    t.algorithm,
                    t.fudge,
                    t.error,
                    t.mac.len()
                )
            });
        let lines = |records: &[hickory_proto::rr::Record]| {
            let mut v: Vec<String> = records
                .iter()
                .filter(|r| u16::from(r.record_type()) != 250)
                .map(|r| r.to_string())
                .collect();
            v.sort();
            v
        };
        Ok(Self {
            header,
            question: message
                .queries
                .iter()
                .map(|q| format!("{} {} {}", q.name(), q.query_class(), q.query_type()))
                .collect(),
            answer: lines(&message.answers),
            authority: lines(&message.authorities),
            additional: lines(&message.additionals),
            opt,
            tsig,
        })
    }
}

impl Shape {
    /// Whether this is a truncated response without EDNS, which keeps whole records of
    /// its last RRset (BIND's `dns_rdataset_towirepartial`).
    fn truncated_partially(&self) -> bool {
        self.header.contains(" tc") && self.opt.is_none()
    }

    /// The records cut down to owner, TTL, class and type. BIND rotates the records of
    /// an RRset from one answer to the next (`rrset-order cyclic`), so which of them fill
    /// a truncated answer depends on the rotation; how many do does not.
    fn record_heads(&self) -> Self {
        let heads = |v: &[String]| {
            let mut out: Vec<String> = v
                .iter()
                .map(|r| r.splitn(5, ' ').take(4).collect::<Vec<_>>().join(" "))
                .collect();
            out.sort();
            out
        };
        Self {
            answer: heads(&self.answer),
            authority: heads(&self.authority),
            additional: heads(&self.additional),
            ..self.clone()
        }
    }
}

/// The OPT record of a message in text, found by walking the records; a server cookie
/// is reduced to its length and version, since it holds the time and a hash.
fn opt_text(msg: &[u8]) -> Result<Option<String>, String> {
    let word = |i: usize| -> Result<u16, String> {
        msg.get(i..i + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "truncated message".to_string())
    };
    let skip_name = |mut pos: usize| -> Result<usize, String> {
        loop {
            let len = *msg.get(pos).ok_or("truncated name")?;
            if len & 0xc0 == 0xc0 {
                return Ok(pos + 2);
            }
            if len == 0 {
                return Ok(pos + 1);
            }
            pos += 1 + usize::from(len);
        }
    };
    let mut pos = 12;
    for _ in 0..word(4)? {
        pos = skip_name(pos)? + 4;
    }
    let records = usize::from(word(6)?) + usize::from(word(8)?) + usize::from(word(10)?);
    for _ in 0..records {
        pos = skip_name(pos)?;
        let rtype = word(pos)?;
        let class = word(pos + 2)?;
        let ttl = u32::from(word(pos + 4)?) << 16 | u32::from(word(pos + 6)?);
        let rdlen = usize::from(word(pos + 8)?);
        let rdata = msg
            .get(pos + 10..pos + 10 + rdlen)
            .ok_or("truncated RDATA")?;
        pos += 10 + rdlen;
        if rtype != 41 {
            continue;
        }
        let mut text = format!(
            "udp {} ext-rcode {} version {} flags {:04x}",
            class,
            ttl >> 24,
            (ttl >> 16) & 0xff,
            ttl & 0xffff
        );
        let mut at = 0;
        while at + 4 <= rdata.len() {
            let code = u16::from_be_bytes([rdata[at], rdata[at + 1]]);
            let len = usize::from(u16::from_be_bytes([rdata[at + 2], rdata[at + 3]]));
            let data = rdata.get(at + 4..at + 4 + len).ok_or("truncated option")?;
            if code == 10 && data.len() > 8 {
                let _ = write!(
                    text,
                    "; COOKIE client {} server of {} bytes, version {}",
                    hex(&data[..8]),
                    data.len() - 8,
                    data[8]
                );
            } else {
                let _ = write!(text, "; option {code} {}", hex(data));
            }
            at += 4 + len;
        }
        return Ok(Some(text));
    }
    Ok(None)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The differences between the expected (BIND's) and actual responses to `probe`, as a
/// report, or `None` when they agree.
pub fn differences(
    probe: &Probe,
    expected: Option<&[u8]>,
    actual: Option<&[u8]>,
) -> Option<String> {
    let (expected, actual) = match (expected, actual) {
        (None, None) => return None,
        (Some(_), None) => return Some(format!("{}: BIND answered, Rivet did not", probe.label)),
        (None, Some(_)) => return Some(format!("{}: Rivet answered, BIND did not", probe.label)),
        (Some(e), Some(a)) => (e, a),
    };
    let (e, a) = match (Shape::of(expected), Shape::of(actual)) {
        (Ok(e), Ok(a)) => (e, a),
        (Err(e), _) => return Some(format!("{}: BIND's response: {e}", probe.label)),
        (_, Err(a)) => return Some(format!("{}: Rivet's response: {a}", probe.label)),
    };
    let (e, a) = if e.truncated_partially() && a.truncated_partially() {
        (e.record_heads(), a.record_heads())
    } else {
        (e, a)
    };
    if e == a {
        return None;
    }
    let mut report = format!("{}:\n", probe.label);
    let mut line = |what: &str, x: &dyn std::fmt::Debug, y: &dyn std::fmt::Debug| {
        let (x, y) = (format!("{x:?}"), format!("{y:?}"));
        if x != y {
            let _ = writeln!(report, "  {what}\n    BIND:  {x}\n    Rivet: {y}");
        }
    };
    line("header", &e.header, &a.header);
    line("question", &e.question, &a.question);
    line("opt", &e.opt, &a.opt);
    line("tsig", &e.tsig, &a.tsig);
    for (what, x, y) in [
        ("answer", &e.answer, &a.answer),
        ("authority", &e.authority, &a.authority),
        ("additional", &e.additional, &a.additional),
    ] {
        let missing: Vec<&String> = x.iter().filter(|r| !y.contains(r)).collect();
        let extra: Vec<&String> = y.iter().filter(|r| !x.contains(r)).collect();
        if !missing.is_empty() || !extra.is_empty() || x.len() != y.len() {
            let _ = writeln!(report, "  {what}");
            for r in missing {
                let _ = writeln!(report, "    only BIND:  {r}");
            }
            for r in extra {
                let _ = writeln!(report, "    only Rivet: {r}");
            }
        }
    }
    Some(report)
}

//------------ BIND ---------------------------------------------------------------

/// The directory of the corpus.
pub fn data_dir() -> PathBuf {
    crate::workspace_root().join("tests/data/answers")
}

/// One configuration of the servers and the requests sent to it.
pub struct Config {
    /// A short name for reports.
    pub name: &'static str,
    /// The file in `tests/data/answers/` that becomes `named.conf`.
    pub file: &'static str,
    /// The requests.
    pub corpus: fn() -> Vec<Probe>,
    /// How many zones it configures (in all views).
    pub zones: usize,
}

/// The configurations the differential test runs: BIND's defaults; minimal responses,
/// minimal ANY, other UDP sizes, hidden identities and views; `minimal-responses
/// no-auth`.
pub const CONFIGS: &[Config] = &[
    Config {
        name: "defaults",
        file: "named.conf",
        corpus,
        zones: 10,
    },
    Config {
        name: "minimal",
        file: "minimal.conf",
        corpus: minimal_corpus,
        zones: 8,
    },
    Config {
        name: "no-auth",
        file: "noauth.conf",
        corpus: noauth_corpus,
        zones: 4,
    },
];

/// A scratch copy of the corpus directory with `config`'s file as `named.conf`, where
/// the servers may write.
pub fn stage(config: &Config) -> std::io::Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    for entry in std::fs::read_dir(data_dir())? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name()))?;
        }
    }
    std::fs::copy(data_dir().join(config.file), dir.path().join("named.conf"))?;
    Ok(dir)
}

/// A zone of a loaded configuration: its view's index, its name, and its data (`None`
/// when it does not load).
pub type LoadedZone = (
    usize,
    zones::Name,
    Option<std::sync::Arc<zones::zone::Zone>>,
);

/// Loads the staged `named.conf` in `dir` and every zone it names with a file, as the
/// daemon loads them, for engines built in-process.
pub fn load(dir: &Path) -> Result<(conf::model::Config, Vec<LoadedZone>), String> {
    let options = conf::ParseOptions {
        cwd: dir.to_path_buf(),
        ..conf::ParseOptions::default()
    };
    let loaded = conf::load(&conf::RealFs::new(), &dir.join("named.conf"), &options)
        .map_err(|e| format!("named.conf does not load: {e}"))?;
    let config = loaded.config;
    let mut out = Vec::new();
    for (index, view) in config.views.iter().enumerate() {
        for zone in &view.zones {
            let Some(file) = &zone.file else {
                continue;
            };
            let opts = zones::master::ParseOptions {
                origin: zone.name.clone(),
                class: zone.class,
                base_dir: dir.to_path_buf(),
                default_ttl: None,
            };
            let data = zones::master::parse_file(file, &opts)
                .ok()
                .and_then(|parsed| {
                    zones::zone::Zone::build(
                        zone.name.clone(),
                        zone.class,
                        parsed.records,
                        &zones::zone::CheckOptions::default(),
                    )
                    .ok()
                })
                .map(|(z, _)| std::sync::Arc::new(z));
            out.push((index, zone.name.clone(), data));
        }
    }
    Ok((config, out))
}

/// A free loopback port for UDP and TCP in `range`, probed by binding both.
pub fn free_port(range: std::ops::Range<u16>) -> Option<u16> {
    range.into_iter().find(|&port| {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        UdpSocket::bind(addr).is_ok() && std::net::TcpListener::bind(addr).is_ok()
    })
}

/// A server process started for a test, stopped when dropped.
pub struct Named {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    log: PathBuf,
}

impl Named {
    /// Starts `program` (`named` or `rivetd`) as `program -g -c named.conf -p PORT` in
    /// `dir`, and waits until it answers an SOA query for `ready_zone` over UDP and TCP.
    pub fn start(program: &Path, dir: &Path, port: u16, ready_zone: &str) -> Result<Self, String> {
        let log = dir.join(format!(
            "{}.log",
            program
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("server")
        ));
        let out = std::fs::File::create(&log).map_err(|e| e.to_string())?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new(program)
            .args(["-g", "-c", "named.conf", "-p", &port.to_string()])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let mut named = Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            log,
        };
        let probe_udp = Probe::query(&Query::new(ready_zone, 6), Via::Udp);
        let probe_tcp = Probe::query(&Query::new(ready_zone, 6), Via::Tcp);
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = named.child.try_wait() {
                return Err(format!(
                    "{} exited ({status}):\n{}",
                    program.display(),
                    named.log_text()
                ));
            }
            let wait = Duration::from_millis(200);
            if ask(named.addr, &probe_udp, 1, wait).is_some()
                && ask(named.addr, &probe_tcp, 2, wait).is_some()
            {
                return Ok(named);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "{} did not answer on port {port}:\n{}",
            program.display(),
            named.log_text()
        ))
    }

    /// What the server logged.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Named {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//------------ The corpus ---------------------------------------------------------

/// The requests of the differential test.
pub fn corpus() -> Vec<Probe> {
    let mut probes = Vec::new();
    let mut both = |q: Query| {
        probes.push(Probe::query(&q, Via::Udp));
        probes.push(Probe::query(&q, Via::Tcp));
    };
    // Every name and type, with RD clear (authority data) and set (no-auth-recursive).
    for (name, qtype) in NAMES {
        for flags in [0, RD] {
            both(Query::new(name, *qtype).flags(flags));
        }
    }
    // DNSSEC: DO, and CD copied.
    for (name, qtype) in SIGNED {
        both(Query::new(name, *qtype).opt(Some(Opt::dnssec(4096))));
        both(
            Query::new(name, *qtype)
                .flags(RD | CD)
                .opt(Some(Opt::dnssec(1232))),
        );
        both(Query::new(name, *qtype).opt(None));
    }
    // Without EDNS, and with small and large buffers: truncation.
    for (name, qtype) in SIZES {
        for opt in [
            None,
            Some(Opt::size(512)),
            Some(Opt::size(1000)),
            Some(Opt::size(4096)),
        ] {
            both(Query::new(name, *qtype).opt(opt));
        }
        both(Query::new(name, *qtype).opt(Some(Opt::dnssec(600))));
    }
    // EDNS options and versions: NSID, EXPIRE, keepalive, an unknown option, COOKIE.
    let cookie = [1, 2, 3, 4, 5, 6, 7, 8];
    for opt in [
        Opt::size(1232).with(3, b""),
        Opt::size(1232).with(9, b""),
        Opt::size(1232).with(11, b""),
        Opt::size(1232).with(65001, b"abc"),
        Opt::size(1232).with(10, &cookie),
        Opt {
            version: 1,
            ..Opt::size(1232)
        },
    ] {
        both(Query::new("example.com", 6).opt(Some(opt.clone())));
        both(Query::new("sec.test", 6).opt(Some(opt)));
    }
    // Question case kept, whatever the zone's case.
    for name in [
        "WWW.EXAMPLE.COM",
        "wWw.ExAmPlE.cOm",
        "Upper.CASE.example.com",
        "NX.Example.COM",
        "X.Wild.EXAMPLE.com",
        "a.B.c.EXAMPLE.com",
    ] {
        both(Query::new(name, 1));
        both(Query::new(name, 1).opt(Some(Opt::dnssec(1232))));
    }
    // CHAOS.
    for (name, qtype) in [
        ("version.bind", 16),
        ("VERSION.BIND", 16),
        ("hostname.bind", 16),
        ("id.server", 16),
        ("authors.bind", 16),
        ("version.bind", 6),
        ("version.bind", 2),
        ("version.bind", 255),
        ("version.bind", 1),
        ("x.version.bind", 16),
        ("other.bind", 16),
    ] {
        probes.push(Probe::query(&Query::new(name, qtype).class(3), Via::Tcp));
    }
    probes.push(Probe::query(
        &Query::new("version.bind", 16)
            .class(3)
            .opt(Some(Opt::size(1232).with(3, b""))),
        Via::Udp,
    ));
    // Opcodes and meta-types.
    for (opcode, name, qtype) in [
        (1u16, "example.com", 1u16),
        (2, "example.com", 1),
        (3, "example.com", 1),
        (15, "example.com", 1),
        (0, "example.com", 252),
        (0, "example.com", 253),
        (0, "example.com", 250),
        (0, "example.com", 41),
    ] {
        probes.push(Probe::query(
            &Query::new(name, qtype).flags((opcode << 11) | RD),
            Via::Udp,
        ));
    }
    probes.push(Probe::query(
        &Query::new("www.example.com", 1).class(4),
        Via::Udp,
    ));
    probes.push(Probe::query(
        &Query::new("www.example.com", 1).class(254),
        Via::Udp,
    ));
    probes.push(Probe::query(
        &Query::new("www.example.com", 1).class(42),
        Via::Udp,
    ));
    probes.extend(malformed());
    probes.extend(signed());
    probes
}

/// The key of `named.conf`'s `key "probe-key"` statement.
pub const PROBE_KEY_SECRET: &str = "9NHQCdO3DhvqAx5pXLkbydbcGg9s7GVKHukuLN7dG1I=";

/// Requests signed with TSIG: with the configured key (answered signed, truncation leaves
/// room for the TSIG record), a wrong secret (BADSIG), an unknown key (BADKEY) and a time
/// far in the past (BADTIME).
fn signed() -> Vec<Probe> {
    let secret = conf::model::decode_secret(PROBE_KEY_SECRET).expect("secret");
    let key_of = |name: &str, secret: &[u8]| {
        let name = zones::Name::from_text(name, Some(&zones::Name::root())).expect("key name");
        named::tsig::TsigKey::new(&name, conf::model::KeyAlgorithm::HmacSha256, None, secret)
            .expect("key")
    };
    let good = key_of("probe-key", &secret);
    let wrong = key_of("probe-key", b"not the secret of probe-key");
    let unknown = key_of("no-such-key", &secret);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut out = Vec::new();
    let mut sign = |label: &str, q: &Query, key: &named::tsig::TsigKey, time: u64| {
        for via in [Via::Udp, Via::Tcp] {
            let mut bytes = q.encode(0);
            if named::tsig::sign_request(&mut bytes, key, time).is_ok() {
                out.push(Probe::raw(&format!("signed {label}"), bytes, via));
            }
        }
    };
    for (name, qtype) in [
        ("www.example.com", A),
        ("nx.example.com", A),
        ("example.com", NS),
    ] {
        for opt in [None, Some(Opt::size(1232))] {
            let q = Query::new(name, qtype).opt(opt.clone());
            sign(&format!("{name}/{qtype} {opt:?}"), &q, &good, now);
        }
    }
    for (name, qtype) in SIZES {
        for opt in [None, Some(Opt::size(512)), Some(Opt::size(1000))] {
            let q = Query::new(name, *qtype).opt(opt.clone());
            sign(&format!("{name}/{qtype} {opt:?}"), &q, &good, now);
        }
    }
    let q = Query::new("www.example.com", A).opt(Some(Opt::size(1232)));
    sign("wrong secret", &q, &wrong, now);
    sign("unknown key", &q, &unknown, now);
    sign("old time", &q, &good, now.saturating_sub(86_400));
    sign(
        "private.test",
        &Query::new("www.private.test", A),
        &good,
        now,
    );
    out
}

/// The requests for the `minimal` configuration.
pub fn minimal_corpus() -> Vec<Probe> {
    let mut probes = Vec::new();
    for (name, qtype) in NAMES.iter().chain(SIGNED).step_by(2) {
        for flags in [0, RD] {
            probes.push(Probe::query(
                &Query::new(name, *qtype).flags(flags),
                Via::Udp,
            ));
        }
        probes.push(Probe::query(
            &Query::new(name, *qtype).opt(Some(Opt::dnssec(4096))),
            Via::Tcp,
        ));
    }
    for (name, qtype) in [
        ("example.com", ANY),
        ("www.example.com", ANY),
        ("ns1.example.com", ANY),
        ("www.sec.test", ANY),
        ("mail.example.com", ANY),
    ] {
        for via in [Via::Udp, Via::Tcp] {
            probes.push(Probe::query(&Query::new(name, qtype), via));
            probes.push(Probe::query(
                &Query::new(name, qtype).opt(Some(Opt::dnssec(4096))),
                via,
            ));
        }
    }
    // nocookie-udp-size 1100 and max-udp-size 4096: a good server cookie lifts the cap.
    let cookie = good_cookie([7; 8]);
    for (name, qtype) in SIZES {
        for opt in [
            Opt::size(4096),
            Opt::size(4096).with(10, &cookie),
            Opt::size(4096).with(10, &[7; 8]),
            Opt::dnssec(1300).with(10, &cookie),
        ] {
            probes.push(Probe::query(
                &Query::new(name, *qtype).opt(Some(opt)),
                Via::Udp,
            ));
        }
    }
    for name in ["version.bind", "hostname.bind", "id.server", "authors.bind"] {
        probes.push(Probe::query(&Query::new(name, TXT).class(3), Via::Tcp));
    }
    probes.push(Probe::query(
        &Query::new("example.com", SOA).opt(Some(Opt::size(1232).with(3, b""))),
        Via::Udp,
    ));
    probes
}

/// The requests for the `no-auth` configuration.
pub fn noauth_corpus() -> Vec<Probe> {
    let mut probes = Vec::new();
    let zones = ["example.com", "wild.test", "sec.test", "sec3o.test"];
    let served = |name: &str| {
        zones
            .iter()
            .any(|z| name == *z || name.ends_with(&format!(".{z}")))
    };
    for (name, qtype) in NAMES.iter().chain(SIGNED).filter(|(n, _)| served(n)) {
        probes.push(Probe::query(&Query::new(name, *qtype), Via::Udp));
        probes.push(Probe::query(
            &Query::new(name, *qtype)
                .flags(RD)
                .opt(Some(Opt::dnssec(1232))),
            Via::Udp,
        ));
    }
    probes
}

/// A client cookie with the server cookie the test servers' shared `cookie-secret` makes
/// for it and 127.0.0.1 now (RFC 9018 §4.2, SipHash-2-4).
fn good_cookie(client: [u8; 8]) -> Vec<u8> {
    use std::hash::Hasher;
    let secret = *b"\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd\xef";
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as u32);
    let mut head = [1u8, 0, 0, 0, 0, 0, 0, 0];
    head[4..].copy_from_slice(&now.to_be_bytes());
    let mut hasher = siphasher::sip::SipHasher24::new_with_key(&secret);
    hasher.write(&client);
    hasher.write(&head);
    hasher.write(&[127, 0, 0, 1]);
    let mut out = client.to_vec();
    out.extend(head);
    out.extend(hasher.finish().to_le_bytes());
    out
}

/// Malformed and odd messages.
fn malformed() -> Vec<Probe> {
    let query = Query::new("www.example.com", 1).encode(0);
    let plain = Query::new("www.example.com", 1).opt(None).encode(0);
    let mut out = Vec::new();
    let mut raw = |label: &str, bytes: Vec<u8>| {
        out.push(Probe::raw(label, bytes.clone(), Via::Udp));
        out.push(Probe::raw(label, bytes, Via::Tcp));
    };
    raw("header only", plain[..12].to_vec());
    raw("truncated question", plain[..20].to_vec());
    raw("qdcount 0", {
        let mut m = plain.clone();
        m[5] = 0;
        m.truncate(12);
        m
    });
    raw("qdcount 2, one question", {
        let mut m = plain.clone();
        m[5] = 2;
        m
    });
    raw("arcount 1 without a record", {
        let mut m = plain.clone();
        m[11] = 1;
        m
    });
    raw("trailing garbage", {
        let mut m = query.clone();
        m.extend([1, 2, 3]);
        m
    });
    raw("OPT with a non-root owner", {
        let mut m = plain.clone();
        m[11] = 1;
        m.extend([1, b'x', 0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0]);
        m
    });
    raw("two OPT records", {
        let mut m = query.clone();
        m[11] = 2;
        m.extend([0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0]);
        m
    });
    raw("bad cookie length", {
        Query::new("www.example.com", 1)
            .opt(Some(Opt::size(1232).with(10, &[1, 2, 3])))
            .encode(0)
    });
    raw("forward compression pointer", {
        let mut m = plain[..12].to_vec();
        m.extend([0xc0, 0x20, 0, 1, 0, 1]);
        m
    });
    raw("label type 0x40", {
        let mut m = plain[..12].to_vec();
        m.extend([0x41, 0, 0, 1, 0, 1]);
        m
    });
    raw("a response", {
        let mut m = query.clone();
        m[2] |= 0x80;
        m
    });
    raw("cookie-only query", {
        let mut m = Query::new("x", 1)
            .opt(Some(Opt::size(1232).with(10, &[9; 8])))
            .encode(0);
        // Drop the question: header (qdcount 0) and the OPT record.
        m[5] = 0;
        let opt = m.split_off(12 + 3 + 4);
        m.truncate(12);
        m.extend(opt);
        m
    });
    raw("AXFR over UDP", Query::new("example.com", 252).encode(0));
    // IXFR carries the client's SOA in the authority section; BIND answers it over UDP
    // with the SOA alone, and refuses where transfers are denied.
    for (zone, serial) in [
        ("example.com", 1),
        ("example.com", u32::MAX),
        ("dname.test", 1),
        ("not-served.example", 1),
    ] {
        raw(
            &format!("IXFR over UDP {zone} {serial}"),
            ixfr(zone, serial),
        );
    }
    raw(
        "NOTIFY",
        Query::new("example.com", 6).flags(4 << 11).encode(0),
    );
    raw(
        "UPDATE",
        Query::new("example.com", 6).flags(5 << 11).encode(0),
    );
    out.retain(|p| !(p.label.contains("XFR") && p.via == Via::Tcp));
    out.retain(|p| {
        !((p.label.contains("NOTIFY") || p.label.contains("UPDATE")) && p.via == Via::Tcp)
    });
    out
}

/// An IXFR request for `zone` from a client at `serial`, with EDNS.
fn ixfr(zone: &str, serial: u32) -> Vec<u8> {
    let mut m = Query::new(zone, 251).encode(0);
    // NSCOUNT 1: the client's SOA, owner compressed to the question's name.
    m[9] = 1;
    let opt = m.split_off(12 + wire_name(zone).len() + 4);
    m.extend([0xc0, 12]);
    m.extend(SOA.to_be_bytes());
    m.extend(1u16.to_be_bytes());
    m.extend(0u32.to_be_bytes());
    m.extend(22u16.to_be_bytes());
    m.extend([0, 0]);
    m.extend(serial.to_be_bytes());
    m.extend([0; 16]);
    m.extend(opt);
    m
}

const A: u16 = 1;
const NS: u16 = 2;
const CNAME: u16 = 5;
const SOA: u16 = 6;
const PTR: u16 = 12;
const MX: u16 = 15;
const TXT: u16 = 16;
const AAAA: u16 = 28;
const SRV: u16 = 33;
const NAPTR: u16 = 35;
const KX: u16 = 36;
const DS: u16 = 43;
const RRSIG: u16 = 46;
const NSEC: u16 = 47;
const NSEC3: u16 = 50;
const DNSKEY: u16 = 48;
const NSEC3PARAM: u16 = 51;
const SVCB: u16 = 64;
const HTTPS: u16 = 65;
const ANY: u16 = 255;

/// Names and types asked with and without RD.
const NAMES: &[(&str, u16)] = &[
    ("example.com", SOA),
    ("example.com", NS),
    ("example.com", MX),
    ("example.com", A),
    ("example.com", AAAA),
    ("example.com", TXT),
    ("example.com", ANY),
    ("example.com", DNSKEY),
    ("example.com", DS),
    ("www.example.com", A),
    ("www.example.com", AAAA),
    ("www.example.com", TXT),
    ("www.example.com", ANY),
    ("WwW2.example.com", A),
    ("mail.example.com", A),
    ("ns1.example.com", ANY),
    ("alias.example.com", A),
    ("alias.example.com", CNAME),
    ("alias2.example.com", A),
    ("alias3.example.com", AAAA),
    ("alias.example.com", ANY),
    ("ext.example.com", A),
    ("tochild.example.com", A),
    ("tonet.example.com", A),
    ("tonet-missing.example.com", A),
    ("tomissing.example.com", A),
    ("todname.example.com", A),
    ("toprivate.example.com", A),
    ("tobroken.example.com", A),
    ("todeleg.example.com", A),
    ("loop1.example.com", A),
    ("self.example.com", A),
    ("c1.example.com", A),
    ("c10.example.com", A),
    ("_sip._tcp.example.com", SRV),
    ("_ldap._tcp.example.com", SRV),
    ("mx2.example.com", MX),
    ("kx.example.com", KX),
    ("afsdb.example.com", 18),
    ("rt.example.com", 21),
    ("naptr.example.com", NAPTR),
    ("ptr.example.com", PTR),
    ("svc.example.com", SVCB),
    ("https.example.com", HTTPS),
    ("bigmx.example.com", MX),
    ("mx13.example.com", MX),
    ("manyns.example.com", A),
    ("manyns.example.com", NS),
    ("manya.example.com", A),
    ("b.c.example.com", A),
    ("c.example.com", TXT),
    ("a.b.c.example.com", A),
    ("x.a.b.c.example.com", A),
    ("nx.example.com", A),
    ("nx.example.com", SOA),
    ("deleg.example.com", A),
    ("deleg.example.com", NS),
    ("deleg.example.com", DS),
    ("deleg.example.com", ANY),
    ("x.ew.wild.test", TXT),
    ("*.ew.wild.test", A),
    ("host.deleg.example.com", A),
    ("ns.deleg.example.com", A),
    ("ns.deleg.example.com", AAAA),
    ("deleg2.example.com", A),
    ("x.deleg3.example.com", AAAA),
    ("ns.deleg3.example.com", AAAA),
    ("sub.example.com", SOA),
    ("sub.example.com", NS),
    ("sub.example.com", DS),
    ("host.sub.example.com", A),
    ("host.sub.example.com", DS),
    ("up.sub.example.com", A),
    ("x.deeper.sub.example.com", A),
    ("deeper.sub.example.com", DS),
    ("dname.example.com", DNAME_T),
    ("www.dname.example.com", A),
    ("ns.dname.example.com", A),
    ("x.y.dname.example.com", TXT),
    ("upper.case.example.com", A),
    ("x.wild.example.com", A),
    ("x.wild.example.com", TXT),
    ("a.b.wild.example.com", A),
    ("wild.example.com", A),
    ("www.example.net", A),
    ("alias.example.net", A),
    ("back.example.net", A),
    ("host3.wild.test", MX),
    ("host3.wild.test", A),
    ("foo.bar.wild.test", MX),
    ("foo.bar.wild.test", TXT),
    ("host1.wild.test", MX),
    ("sub.*.wild.test", MX),
    ("sub.*.wild.test", TXT),
    ("*.wild.test", TXT),
    ("_telnet._tcp.host1.wild.test", SRV),
    ("_ssh._tcp.host1.wild.test", SRV),
    ("_ssh._tcp.host2.wild.test", SRV),
    ("host.subdel.wild.test", A),
    ("ghost.*.wild.test", MX),
    ("x.cn.wild.test", A),
    ("x.cn.wild.test", CNAME),
    ("x.ext.wild.test", A),
    ("a.loop.wild.test", A),
    ("x.deep.er.wild.test", A),
    ("er.wild.test", A),
    ("x.ns.wild.test", A),
    ("a.x.dn.wild.test", A),
    ("x.d1.dname.test", A),
    ("x.d1.dname.test", CNAME),
    ("x.d1.dname.test", ANY),
    ("www.d3.dname.test", A),
    ("d1.dname.test", TXT),
    ("d1.dname.test", DNAME_T),
    ("x.loop.dname.test", A),
    ("x.out.dname.test", A),
    (
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.long.dname.test",
        A,
    ),
    ("a.long.dname.test", A),
    ("www.broken.test", A),
    ("broken.test", SOA),
    ("www.private.test", A),
    ("www.other.org", A),
    ("org", SOA),
    (".", NS),
    ("www.sec.test", A),
    ("www.sec.test", ANY),
    ("www.sec.test", RRSIG),
    ("sec.test", DNSKEY),
    ("sec.test", NSEC3PARAM),
];

/// The record type DNAME.
const DNAME_T: u16 = 39;

/// Names and types of the signed zones, asked with DO and without EDNS.
const SIGNED: &[(&str, u16)] = &[
    ("sec.test", SOA),
    ("sec.test", NS),
    ("sec.test", DNSKEY),
    ("sec.test", MX),
    ("sec.test", ANY),
    ("www.sec.test", A),
    ("www.sec.test", TXT),
    ("www.sec.test", MX),
    ("www.sec.test", RRSIG),
    ("www.sec.test", NSEC),
    ("alias.sec.test", NSEC),
    ("nx.sec.test", A),
    ("zzz.sec.test", A),
    ("a.sec.test", A),
    ("b.c.sec.test", A),
    ("c.sec.test", TXT),
    ("x.a.b.c.sec.test", A),
    ("alias.sec.test", A),
    ("ext.sec.test", A),
    ("x.wild.sec.test", A),
    ("x.wild.sec.test", TXT),
    ("x.wild.sec.test", MX),
    ("y.x.wild.sec.test", A),
    ("q.wcn.sec.test", A),
    ("_sip._tcp.sec.test", SRV),
    ("secure.sec.test", A),
    ("secure.sec.test", DS),
    ("host.secure.sec.test", A),
    ("insecure.sec.test", A),
    ("insecure.sec.test", DS),
    ("x.insecure2.sec.test", A),
    ("www.dname.sec.test", A),
    ("sec3.test", SOA),
    ("sec3.test", NSEC3PARAM),
    ("sec3.test", ANY),
    ("www.sec3.test", A),
    ("www.sec3.test", MX),
    ("nx.sec3.test", A),
    ("b.c.sec3.test", A),
    ("x.a.b.c.sec3.test", A),
    ("alias.sec3.test", A),
    ("x.wild.sec3.test", A),
    ("x.wild.sec3.test", MX),
    ("y.x.wild.sec3.test", A),
    ("q.wcn.sec3.test", A),
    ("secure.sec3.test", A),
    ("secure.sec3.test", DS),
    ("insecure.sec3.test", A),
    ("insecure.sec3.test", DS),
    ("www.dname.sec3.test", A),
    ("sec3o.test", SOA),
    ("sec.test", DS),
    ("sec3.test", DS),
    ("E3SB6TCGAEJCT48L7AJFIO7O1OB0SV6D.sec3.test", NSEC3),
    ("e3sb6tcgaejct48l7ajfio7o1ob0sv6d.sec3.test", A),
    ("x.ew.sec.test", A),
    ("sub.*.ew.sec.test", TXT),
    ("x.ew.sec3.test", A),
    ("x.ew.sec3o.test", TXT),
    ("www.sec3o.test", A),
    ("nx.sec3o.test", A),
    ("b.c.sec3o.test", A),
    ("x.wild.sec3o.test", MX),
    ("secure.sec3o.test", A),
    ("secure.sec3o.test", DS),
    ("insecure.sec3o.test", A),
    ("insecure.sec3o.test", DS),
    ("x.insecure2.sec3o.test", A),
    ("nx.insecure.sec3o.test", DS),
    ("www.example.com", A),
    ("nx.example.com", A),
];

/// Answers near the size limits.
const SIZES: &[(&str, u16)] = &[
    ("bigtxt.example.com", TXT),
    ("manya.example.com", A),
    ("manyns.example.com", NS),
    ("example.com", ANY),
    ("sec.test", DNSKEY),
    ("www.sec.test", ANY),
];
