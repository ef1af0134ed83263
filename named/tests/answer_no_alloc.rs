//! `Engine::handle` allocates nothing per query: positive answers with additional data,
//! negative answers, referrals with glue, wildcards, CNAME and DNAME chains, DNSSEC
//! answers and proofs (NSEC, NSEC3, opt-out), ANY, truncation, CHAOS, refusals and
//! malformed messages, over UDP and TCP, once the workspace exists.

use std::net::SocketAddr;

use named::answer::{Client, Engine, Environment, ServedZone, Transport, Workspace};
use tests::alloc::{Counting, allocations};
use tests::answers::{self, Opt, Query, RD};

#[global_allocator]
static GLOBAL: Counting = Counting;

fn engine() -> (Engine, tempfile::TempDir) {
    let dir = answers::stage(&answers::CONFIGS[0]).expect("a scratch directory");
    let (config, zones) = answers::load(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    let served = zones
        .into_iter()
        .map(|(view, name, zone)| ServedZone { view, name, zone })
        .collect();
    let env = Environment {
        cookie_secret: [3; 16],
        ..Environment::from_system()
    };
    (Engine::with_environment(&config, served, &env), dir)
}

fn queries() -> Vec<Vec<u8>> {
    let dnssec = || Some(Opt::dnssec(4096).with(10, &[1, 2, 3, 4, 5, 6, 7, 8]));
    let mut out = Vec::new();
    for (name, qtype) in [
        ("www.example.com", 1),
        ("example.com", 15),
        ("_sip._tcp.example.com", 33),
        ("svc.example.com", 64),
        ("naptr.example.com", 35),
        ("nx.example.com", 1),
        ("www.example.com", 16),
        ("host.deleg.example.com", 1),
        ("ns.deleg.example.com", 1),
        ("x.wild.example.com", 1),
        ("c1.example.com", 1),
        ("tonet.example.com", 1),
        ("x.d1.dname.test", 1),
        (
            "a.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.long.dname.test",
            1,
        ),
        ("example.com", 255),
        ("bigtxt.example.com", 16),
        ("www.broken.test", 1),
        ("www.private.test", 1),
        ("www.other.org", 1),
    ] {
        out.push(Query::new(name, qtype).encode(7));
        out.push(Query::new(name, qtype).flags(RD).opt(None).encode(7));
    }
    for (name, qtype) in [
        ("www.sec.test", 1),
        ("nx.sec.test", 1),
        ("x.wild.sec.test", 15),
        ("y.x.wild.sec.test", 1),
        ("q.wcn.sec.test", 1),
        ("insecure.sec.test", 1),
        ("secure.sec.test", 1),
        ("www.sec.test", 255),
        ("nx.sec3.test", 1),
        ("x.wild.sec3.test", 1),
        ("b.c.sec3.test", 1),
        ("nx.insecure.sec3o.test", 43),
        ("insecure.sec3o.test", 1),
    ] {
        out.push(Query::new(name, qtype).opt(dnssec()).encode(7));
    }
    out.push(Query::new("version.bind", 16).class(3).encode(7));
    out.push(Query::new("example.com", 252).encode(7));
    out.push(Query::new("example.com", 6).flags(4 << 11).encode(7));
    out.push(Query::new("example.com", 1).flags(1 << 11).encode(7));
    out.push(vec![0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0]);
    out.push(vec![0, 7, 1]);
    out
}

#[test]
fn no_allocation_per_query() {
    let (engine, _dir) = engine();
    let mut ws = Workspace::new();
    let queries = queries();
    let clients = [Transport::Udp, Transport::Tcp].map(|transport| Client {
        addr: SocketAddr::from(([127, 0, 0, 1], 40000)),
        local: SocketAddr::from(([127, 0, 0, 1], 53)),
        transport,
    });
    let mut answered = 0usize;
    let mut serve = |ws: &mut Workspace| {
        for client in &clients {
            for q in &queries {
                answered += engine.handle(q, client, ws).map_or(0, <[u8]>::len);
            }
        }
    };
    serve(&mut ws);
    let before = allocations();
    for _ in 0..20 {
        serve(&mut ws);
    }
    assert_eq!(allocations() - before, 0, "allocations while answering");
    assert!(answered > 0);
}
