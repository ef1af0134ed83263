//! The built-in CHAOS view's rate limit, against BIND 9.18: `version.bind` asked ten times
//! at once over UDP gets three answers and the rest are dropped (BIND's `_bind` view has
//! `rate-limit { responses-per-second 3; slip 0; }`); a client that keeps asking stays
//! limited; TCP is never limited. Both servers run from the same configuration.

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use tests::answers::{self, CONFIGS, Named, Probe, Query, Via};

const TXT: u16 = 16;
const CH: u16 = 3;

#[test]
fn chaos_answers_are_rate_limited_as_bind_limits_them() {
    let Some(bind) = tests::bind::require("named", "chaos_answers_are_rate_limited") else {
        return;
    };
    let rivetd = tests::cargo_bin::build("named", "rivetd");
    let mut seen = Vec::new();
    for program in [&bind, &rivetd] {
        let dir = answers::stage(&CONFIGS[0]).expect("a scratch directory");
        let port = answers::free_port(20000..30000).expect("a free port");
        let server = Named::start(program, dir.path(), port, "example.com")
            .unwrap_or_else(|e| panic!("{} did not start: {e}", program.display()));
        let burst = udp_burst(server.addr, 10);
        std::thread::sleep(Duration::from_millis(1200));
        let after = udp_burst(server.addr, 5);
        let tcp = (0..10).filter(|&i| tcp_answered(server.addr, i)).count();
        seen.push((program.display().to_string(), burst, after, tcp));
    }
    let [
        (_, bind_burst, bind_after, bind_tcp),
        (_, burst, after, tcp),
    ] = seen[..]
    else {
        unreachable!("two servers ran")
    };
    assert_eq!(
        (burst, after, tcp),
        (bind_burst, bind_after, bind_tcp),
        "answers (burst of 10, 5 more a second later, 10 over TCP): {seen:?}"
    );
    assert_eq!((burst, after, tcp), (3, 0, 10), "{seen:?}");
}

/// Sends `count` CHAOS TXT version.bind queries over UDP at once; how many are answered.
fn udp_burst(server: SocketAddr, count: u16) -> usize {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("client socket");
    socket
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout set");
    for id in 0..count {
        let msg = Query::new("version.bind", TXT)
            .class(CH)
            .opt(None)
            .encode(id);
        socket.send_to(&msg, server).expect("sent");
    }
    let mut buf = [0u8; 512];
    let mut answered = 0;
    while socket.recv_from(&mut buf).is_ok() {
        answered += 1;
    }
    answered
}

/// Whether one CHAOS TXT version.bind query over TCP is answered.
fn tcp_answered(server: SocketAddr, id: u16) -> bool {
    let probe = Probe::query(
        &Query::new("version.bind", TXT).class(CH).opt(None),
        Via::Tcp,
    );
    answers::ask(server, &probe, id, Duration::from_secs(2)).is_some()
}
