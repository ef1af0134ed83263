//! The listeners of rivetd, driven directly with an engine of our own: UDP batches from
//! several clients, an engine swapped under load, workers that stop promptly, and TCP's
//! pipelining, idle timeout, client quota and indifference to a stalled client.

use std::io::{ErrorKind, Read as _, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use named::answer::{Engine, ServedZone};
use named::daemon::Shared;
use named::daemon::tcp::{self, Acceptor, TcpSettings};
use named::daemon::udp;
use zones::master::ParseOptions;
use zones::zone::{CheckOptions, Zone};
use zones::{Class, Name};

fn config(options: &str) -> conf::Loaded {
    let text = format!(
        "options {{ recursion no; {options} }};\nzone \"example.test\" {{ type primary; file \"example.test.db\"; }};\n"
    );
    conf::load_str(
        &conf::MemFs::new(),
        "named.conf",
        &text,
        &conf::ParseOptions::default(),
    )
    .expect("configuration loads")
}

fn origin() -> Name {
    Name::from_text("example.test.", None).expect("name")
}

fn engine(config: &conf::Loaded, www: Ipv4Addr) -> Engine {
    let text = format!(
        "$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\nwww A {www}\n"
    );
    let opts = ParseOptions {
        origin: origin(),
        class: Class::IN,
        base_dir: PathBuf::from("/"),
        default_ttl: None,
    };
    let parsed = zones::master::parse_str(&text, "example.test.db", &opts).expect("zone parses");
    let (zone, _) = Zone::build(
        origin(),
        Class::IN,
        parsed.records,
        &CheckOptions::default(),
    )
    .expect("zone builds");
    Engine::new(
        &config.config,
        vec![ServedZone {
            view: 0,
            name: origin(),
            zone: Some(Arc::new(zone)),
        }],
    )
}

fn shared(config: &conf::Loaded, www: Ipv4Addr) -> Arc<Shared> {
    Arc::new(Shared::new(
        engine(config, www),
        TcpSettings::from_options(&config.config.options),
    ))
}

fn free_addr() -> SocketAddr {
    let probe = UdpSocket::bind("127.0.0.1:0").expect("a port");
    let addr = probe.local_addr().expect("bound");
    drop(probe);
    addr
}

/// A query for www.example.test/A with `id`.
fn query(id: u16) -> Vec<u8> {
    let mut q = id.to_be_bytes().to_vec();
    q.extend([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    q.extend(b"\x03www\x07example\x04test\x00\x00\x01\x00\x01");
    q
}

/// The id, whether AA is set, the rcode, and the address of www found in the answer
/// section (the first A record after the question).
fn summary(reply: &[u8]) -> (u16, bool, u8, Option<Ipv4Addr>) {
    let id = u16::from_be_bytes([reply[0], reply[1]]);
    let aa = reply[2] & 0x04 != 0;
    let rcode = reply[3] & 0x0f;
    let ancount = u16::from_be_bytes([reply[6], reply[7]]);
    // Header, question (www.example.test A IN), then the first answer: a compression
    // pointer, type, class, TTL, RDLENGTH 4 and the address.
    let question_end = 12 + 18 + 4;
    let a = (ancount > 0)
        .then(|| reply.get(question_end + 12..question_end + 16))
        .flatten()
        .map(|b| Ipv4Addr::new(b[0], b[1], b[2], b[3]));
    (id, aa, rcode, a)
}

#[test]
fn udp_workers_answer_batches_follow_swaps_and_stop_promptly() {
    let config = config("");
    let www1 = Ipv4Addr::new(192, 0, 2, 1);
    let shared = shared(&config, www1);
    let addr = free_addr();
    let sockets = udp::bind(addr, 2).expect("two sockets");
    let workers = udp::Workers::start(sockets, addr, &shared).expect("workers start");

    let clients: Vec<UdpSocket> = (0..4)
        .map(|_| {
            let c = UdpSocket::bind("127.0.0.1:0").expect("client");
            c.set_read_timeout(Some(Duration::from_secs(3)))
                .expect("timeout");
            c
        })
        .collect();
    for (n, client) in clients.iter().enumerate() {
        for i in 0..50u16 {
            client
                .send_to(&query(n as u16 * 1000 + i), addr)
                .expect("sent");
        }
    }
    let mut buf = [0u8; 4096];
    for (n, client) in clients.iter().enumerate() {
        let mut ids = Vec::new();
        for _ in 0..50 {
            let (len, from) = client.recv_from(&mut buf).expect("every query is answered");
            assert_eq!(from, addr);
            let (id, aa, rcode, a) = summary(&buf[..len]);
            assert!(aa && rcode == 0, "{:02x?}", &buf[..len]);
            assert_eq!(a, Some(www1));
            ids.push(id);
        }
        ids.sort_unstable();
        let want: Vec<u16> = (0..50).map(|i| n as u16 * 1000 + i).collect();
        assert_eq!(ids, want);
    }

    let www2 = Ipv4Addr::new(192, 0, 2, 2);
    shared.engine.store(Arc::new(engine(&config, www2)));
    clients[0].send_to(&query(7), addr).expect("sent");
    let (len, _) = clients[0].recv_from(&mut buf).expect("answered");
    assert_eq!(summary(&buf[..len]).3, Some(www2));

    let start = Instant::now();
    workers.stop();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    udp::bind(addr, 1).expect("the port is free once the workers stopped");
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime")
}

fn frame(msgs: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in msgs {
        out.extend((m.len() as u16).to_be_bytes());
        out.extend(m);
    }
    out
}

fn read_reply(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 2];
    stream.read_exact(&mut len)?;
    let mut reply = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut reply)?;
    Ok(reply)
}

fn connect(addr: SocketAddr, timeout: Duration) -> TcpStream {
    let s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(timeout)).expect("timeout");
    s
}

fn start_tcp(options: &str) -> (tokio::runtime::Runtime, Acceptor, SocketAddr) {
    let config = config(options);
    let shared = shared(&config, Ipv4Addr::new(192, 0, 2, 1));
    let rt = runtime();
    // Port 0: the kernel picks a port no other socket holds, TCP clients of other tests
    // included.
    let listener = tcp::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), 10).expect("listening");
    let addr = listener.local_addr().expect("bound");
    let acceptor = Acceptor::start(listener, addr, &shared, rt.handle()).expect("accepting");
    (rt, acceptor, addr)
}

#[test]
fn tcp_answers_pipelined_queries_in_order_and_closes_idle_connections() {
    let (_rt, acceptor, addr) = start_tcp("tcp-idle-timeout 5;");
    let mut stream = connect(addr, Duration::from_secs(5));
    let queries: Vec<Vec<u8>> = (1..=30).map(query).collect();
    stream.write_all(&frame(&queries)).expect("written");
    for id in 1..=30 {
        let reply = read_reply(&mut stream).expect("a reply");
        let (got, aa, rcode, _) = summary(&reply);
        assert_eq!((got, aa, rcode), (id, true, 0));
    }
    // 0.5 s without a query: the server closes the connection.
    let start = Instant::now();
    let mut byte = [0u8; 1];
    assert_eq!(stream.read(&mut byte).expect("orderly close"), 0);
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_secs(4),
        "{waited:?}"
    );
    acceptor.stop();
}

#[test]
fn tcp_clients_quota_holds_extra_connections_until_a_slot_frees() {
    let (_rt, acceptor, addr) = start_tcp("tcp-clients 1;");
    let mut first = connect(addr, Duration::from_secs(5));
    first.write_all(&frame(&[query(1)])).expect("written");
    assert_eq!(summary(&read_reply(&mut first).expect("reply")).0, 1);

    let mut second = connect(addr, Duration::from_millis(500));
    second.write_all(&frame(&[query(2)])).expect("written");
    let held = read_reply(&mut second).expect_err("no slot for a second client");
    assert!(
        matches!(held.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{held}"
    );
    drop(first);
    second
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    assert_eq!(
        summary(&read_reply(&mut second).expect("served once the first left")).0,
        2
    );
    acceptor.stop();
}

#[test]
fn a_stalled_tcp_client_does_not_hold_up_another() {
    let (_rt, acceptor, addr) = start_tcp("");
    let mut stalled = connect(addr, Duration::from_secs(5));
    let half = frame(&[query(1)]);
    stalled.write_all(&half[..7]).expect("half a query");
    let mut other = connect(addr, Duration::from_secs(5));
    for id in 10..15 {
        other.write_all(&frame(&[query(id)])).expect("written");
        assert_eq!(summary(&read_reply(&mut other).expect("reply")).0, id);
    }
    stalled.write_all(&half[7..]).expect("the rest");
    assert_eq!(summary(&read_reply(&mut stalled).expect("reply")).0, 1);
    acceptor.stop();
}
