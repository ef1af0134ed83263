//! The whole query path: arbitrary packets to `Engine::handle` over a small set of zones
//! (plain, wildcards, DNAME chains, signed with NSEC and with NSEC3 opt-out, a zone that
//! failed to load), as UDP and as TCP requests.
//!
//! Oracle: no panic; a reply carries the request's id with QR set, fits the transport's
//! limit (4096 bytes over UDP, the most BIND sends; 65535 over TCP), and decodes with
//! hickory-proto. One workspace is reused for every input, as a worker
//! reuses it, so state left over from one packet would show up in the next.

#![no_main]

use std::cell::RefCell;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use hickory_proto::op::Message;
use libfuzzer_sys::fuzz_target;
use named::answer::{Client, Engine, Environment, ServedZone, Transport, Workspace};

const CONF: &str = r#"
options { directory "/"; recursion no; version "fuzz"; server-id "fuzz-1";
          cookie-secret "0123456789abcdef0123456789abcdef"; };
zone "example.com" { type primary; file "example.com.zone"; };
zone "wild.test" { type primary; file "wild.test.zone"; };
zone "dname.test" { type primary; file "dname.test.zone"; };
zone "sec.test" { type primary; file "sec.test.zone"; };
zone "sec3o.test" { type primary; file "sec3o.test.zone"; };
zone "broken.test" { type primary; file "broken.test.zone"; };
zone "private.test" { type primary; file "private.test.zone"; allow-query { none; }; };
"#;

const ZONES: &[(&str, &str)] = &[
    (
        "example.com",
        include_str!("../../tests/data/answers/example.com.zone"),
    ),
    (
        "wild.test",
        include_str!("../../tests/data/answers/wild.test.zone"),
    ),
    (
        "dname.test",
        include_str!("../../tests/data/answers/dname.test.zone"),
    ),
    (
        "sec.test",
        include_str!("../../tests/data/answers/sec.test.zone"),
    ),
    (
        "sec3o.test",
        include_str!("../../tests/data/answers/sec3o.test.zone"),
    ),
    (
        "broken.test",
        include_str!("../../tests/data/answers/broken.test.zone"),
    ),
    (
        "private.test",
        include_str!("../../tests/data/answers/private.test.zone"),
    ),
];

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let loaded = conf::load_str(
            &conf::MemFs::new(),
            "named.conf",
            CONF,
            &conf::ParseOptions::default(),
        )
        .expect("the fuzzing configuration loads");
        let config = loaded.config;
        let served = ZONES
            .iter()
            .map(|(origin, text)| {
                let name = zones::Name::from_text(origin, Some(&zones::Name::root()))
                    .expect("valid origin");
                let opts = zones::master::ParseOptions {
                    origin: name.clone(),
                    class: zones::Class::IN,
                    base_dir: Path::new("/").to_path_buf(),
                    default_ttl: None,
                };
                let zone = zones::master::parse_str(text, origin, &opts)
                    .ok()
                    .and_then(|p| {
                        zones::zone::Zone::build(
                            name.clone(),
                            zones::Class::IN,
                            p.records,
                            &zones::zone::CheckOptions::default(),
                        )
                        .ok()
                    })
                    .map(|(z, _)| Arc::new(z));
                ServedZone {
                    view: 0,
                    name,
                    zone,
                }
            })
            .collect();
        let env = Environment {
            cookie_secret: [5; 16],
            ..Environment::from_system()
        };
        Engine::with_environment(&config, served, &env)
    })
}

thread_local! {
    static WORKSPACE: RefCell<Workspace> = RefCell::new(Workspace::new());
}

fuzz_target!(|data: &[u8]| {
    let engine = engine();
    WORKSPACE.with(|ws| {
        let mut ws = ws.borrow_mut();
        for transport in [Transport::Udp, Transport::Tcp] {
            let client = Client {
                addr: SocketAddr::from(([192, 0, 2, 7], 5353)),
                local: SocketAddr::from(([127, 0, 0, 1], 53)),
                transport,
            };
            if let Some(reply) = engine.handle(data, &client, &mut ws) {
                check(data, reply, transport);
            }
        }
    });
});

fn check(request: &[u8], reply: &[u8], transport: Transport) {
    assert!(reply.len() >= 12, "a reply shorter than a header");
    assert_eq!(reply[..2], request[..2], "the reply's id");
    assert!(reply[2] & 0x80 != 0, "QR clear in a reply");
    let limit = match transport {
        Transport::Tcp => 65535,
        Transport::Udp => 4096,
    };
    assert!(reply.len() <= limit, "a reply of {} bytes", reply.len());
    if let Err(e) = Message::from_vec(reply) {
        panic!("an undecodable reply ({e}): {reply:02x?}");
    }
}
