//! The query engine's rules that the differential test cannot reach from 127.0.0.1 (views
//! chosen by client address, `allow-query` for other clients) or that deserve a test of
//! their own, with zones and configurations held in memory.

use std::net::SocketAddr;
use std::sync::Arc;

use hickory_proto::op::Message;
use named::answer::{
    Client, Deferred, Engine, Environment, Outcome, ServedZone, Transport, Workspace,
};
use named::wire::query::Action;
use tests::answers::{Opt, Query, RD};

const ZONE: &str = "$TTL 3600
@       SOA  ns hostmaster 1 7200 3600 1209600 300
        NS   ns
ns      A    192.0.2.53
www     A    192.0.2.10
mail    A    192.0.2.25
@       MX   10 mail
alias   CNAME www.other.test.
deleg   NS   ns.deleg
ns.deleg A   192.0.2.80
long    DNAME aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc.
loop    CNAME loop
";

const OTHER: &str = "$TTL 60
@   SOA ns hostmaster 1 2 3 4 5
    NS  ns
ns  A   192.0.2.1
www A   192.0.2.2
";

const CONF: &str = r#"
options { directory "/"; recursion no; };
view "inside" {
    match-clients { 10.0.0.0/8; };
    zone "example.com" { type primary; file "a"; };
};
view "outside" {
    match-clients { !192.0.2.66; any; };
    zone "example.com" { type primary; file "a"; allow-query { !198.51.100.0/24; any; }; };
    zone "other.test" { type primary; file "b"; };
    zone "gone.test" { type primary; file "c"; };
};
"#;

fn zone(origin: &str, text: &str) -> Option<Arc<zones::zone::Zone>> {
    let name = zones::Name::from_text(origin, None).expect("valid origin");
    let opts = zones::master::ParseOptions {
        origin: name.clone(),
        class: zones::Class::IN,
        base_dir: "/".into(),
        default_ttl: None,
    };
    let records = zones::master::parse_str(text, origin, &opts)
        .expect("test zone parses")
        .records;
    let (zone, _) = zones::zone::Zone::build(
        name,
        zones::Class::IN,
        records,
        &zones::zone::CheckOptions::default(),
    )
    .expect("test zone loads");
    Some(Arc::new(zone))
}

fn engine() -> Engine {
    let config = conf::load_str(
        &conf::MemFs::new(),
        "named.conf",
        CONF,
        &conf::ParseOptions::default(),
    )
    .expect("test configuration loads")
    .config;
    let served = |view, origin: &str, data| ServedZone {
        view,
        name: zones::Name::from_text(origin, None).expect("valid origin"),
        zone: data,
    };
    let zones = vec![
        // The inside view's copy differs: its www has another address.
        served(
            0,
            "example.com.",
            zone("example.com.", &ZONE.replace("192.0.2.10", "10.9.9.9")),
        ),
        served(1, "example.com.", zone("example.com.", ZONE)),
        served(1, "other.test.", zone("other.test.", OTHER)),
        served(1, "gone.test.", None),
    ];
    let env = Environment {
        cookie_secret: [1; 16],
        ..Environment::from_system()
    };
    Engine::with_environment(&config, zones, &env)
}

fn client(addr: [u8; 4], transport: Transport) -> Client {
    Client {
        addr: SocketAddr::from((addr, 4444)),
        local: SocketAddr::from(([127, 0, 0, 1], 53)),
        transport,
    }
}

/// The response to `query` from `addr` over UDP, decoded, with the raw flags word.
fn ask(engine: &Engine, query: &Query, addr: [u8; 4]) -> (Message, u16, Vec<u8>) {
    let mut ws = Workspace::new();
    let msg = query.encode(0x4242);
    let reply = engine
        .handle(&msg, &client(addr, Transport::Udp), &mut ws)
        .expect("an answer")
        .to_vec();
    let flags = u16::from_be_bytes([reply[2], reply[3]]);
    let decoded = Message::from_vec(&reply).expect("a well-formed reply");
    (decoded, flags, reply)
}

const AA: u16 = 0x0400;

fn rcode(flags: u16) -> u16 {
    flags & 0xf
}

fn records(section: &[hickory_proto::rr::Record]) -> Vec<String> {
    section.iter().map(|r| r.to_string()).collect()
}

#[test]
fn views_are_chosen_by_client_address() {
    let engine = engine();
    assert_eq!(engine.zone_count(), 4);
    let (inside, ..) = ask(&engine, &Query::new("www.example.com", 1), [10, 1, 2, 3]);
    assert_eq!(
        records(&inside.answers),
        ["www.example.com. 3600 IN A 10.9.9.9"]
    );
    let (outside, ..) = ask(&engine, &Query::new("www.example.com", 1), [192, 0, 2, 1]);
    assert_eq!(
        records(&outside.answers),
        ["www.example.com. 3600 IN A 192.0.2.10"]
    );
    // other.test exists only outside.
    let (_, flags, _) = ask(&engine, &Query::new("www.other.test", 1), [10, 1, 2, 3]);
    assert_eq!(rcode(flags), 5);
}

#[test]
fn no_matching_view_is_refused_with_prohibited() {
    let engine = engine();
    let (msg, flags, reply) = ask(&engine, &Query::new("www.example.com", 1), [192, 0, 2, 66]);
    assert_eq!(rcode(flags), 5);
    assert_eq!(flags & AA, 0);
    assert!(msg.answers.is_empty());
    // RFC 8914 §4.19: EDE 18, Prohibited, ends the OPT record.
    assert!(reply.ends_with(&[0, 15, 0, 2, 0, 18]), "{reply:02x?}");
}

#[test]
fn allow_query_denial_is_refused_with_prohibited() {
    let engine = engine();
    let (msg, flags, reply) = ask(
        &engine,
        &Query::new("www.example.com", 1),
        [198, 51, 100, 9],
    );
    assert_eq!(rcode(flags), 5);
    assert_eq!(flags & AA, 0);
    assert!(msg.answers.is_empty() && msg.authorities.is_empty());
    assert!(reply.ends_with(&[0, 15, 0, 2, 0, 18]), "{reply:02x?}");
    // Without EDNS there is no OPT record to carry it.
    let plain = Query::new("www.example.com", 1).opt(None);
    let (msg, flags, _) = ask(&engine, &plain, [198, 51, 100, 9]);
    assert_eq!(rcode(flags), 5);
    assert!(msg.edns.is_none());
}

#[test]
fn rfc1034_section_4_3_2_referral_clears_aa_and_carries_glue() {
    let engine = engine();
    let (msg, flags, _) = ask(
        &engine,
        &Query::new("host.deleg.example.com", 1),
        [192, 0, 2, 1],
    );
    assert_eq!(rcode(flags), 0);
    assert_eq!(flags & AA, 0, "a referral is not authoritative");
    assert!(msg.answers.is_empty());
    assert_eq!(
        records(&msg.authorities),
        ["deleg.example.com. 3600 IN NS ns.deleg.example.com."]
    );
    assert_eq!(
        records(&msg.additionals),
        ["ns.deleg.example.com. 3600 IN A 192.0.2.80"]
    );
}

#[test]
fn rfc2308_section_3_negative_answers_carry_the_soa_at_its_minimum() {
    let engine = engine();
    let (msg, flags, _) = ask(&engine, &Query::new("nx.example.com", 1), [192, 0, 2, 1]);
    assert_eq!(rcode(flags), 3);
    assert_ne!(flags & AA, 0);
    assert_eq!(msg.authorities.len(), 1);
    assert_eq!(msg.authorities[0].ttl, 300);
    // NODATA: the same SOA, NOERROR.
    let (msg, flags, _) = ask(&engine, &Query::new("www.example.com", 28), [192, 0, 2, 1]);
    assert_eq!(rcode(flags), 0);
    assert!(msg.answers.is_empty());
    assert_eq!(msg.authorities[0].ttl, 300);
}

#[test]
fn minimal_responses_no_auth_recursive_by_default() {
    let engine = engine();
    // RD clear: NS in authority, and the addresses of the MX and NS targets.
    let (msg, ..) = ask(&engine, &Query::new("example.com", 15), [192, 0, 2, 1]);
    assert_eq!(msg.authorities.len(), 1);
    assert_eq!(msg.additionals.len(), 2);
    // RD set: no authority, but the MX target's address stays.
    let (msg, flags, _) = ask(
        &engine,
        &Query::new("example.com", 15).flags(RD),
        [192, 0, 2, 1],
    );
    assert_ne!(flags & RD, 0, "RD is copied");
    assert_eq!(flags & 0x0080, 0, "no recursion is offered");
    assert!(msg.authorities.is_empty());
    assert_eq!(
        records(&msg.additionals),
        ["mail.example.com. 3600 IN A 192.0.2.25"]
    );
}

#[test]
fn cname_chains_stop_at_the_zone_boundary() {
    let engine = engine();
    // www.other.test is served here, but in another zone: BIND answers the CNAME alone.
    let (msg, flags, _) = ask(&engine, &Query::new("alias.example.com", 1), [192, 0, 2, 1]);
    assert_eq!(rcode(flags), 0);
    assert_ne!(flags & AA, 0);
    assert_eq!(
        records(&msg.answers),
        ["alias.example.com. 3600 IN CNAME www.other.test."]
    );
}

#[test]
fn cname_loops_end_after_eleven_restarts() {
    let engine = engine();
    let (msg, flags, reply) = ask(&engine, &Query::new("loop.example.com", 1), [192, 0, 2, 1]);
    assert_eq!(rcode(flags), 2);
    assert_ne!(flags & AA, 0);
    assert_eq!(msg.answers.len(), 1);
    let text = b"max. restarts reached";
    assert!(reply.ends_with(text), "{reply:02x?}");
}

#[test]
fn rfc6672_section_2_2_too_long_a_substitution_is_yxdomain() {
    let engine = engine();
    let name = format!("{}.{}.long.example.com", "x".repeat(60), "y".repeat(60));
    let (msg, flags, _) = ask(&engine, &Query::new(&name, 1), [192, 0, 2, 1]);
    assert_eq!(rcode(flags), 6);
    assert_eq!(msg.answers.len(), 1, "the DNAME alone");
}

#[test]
fn a_zone_that_failed_to_load_answers_servfail() {
    let engine = engine();
    let (msg, flags, _) = ask(&engine, &Query::new("www.gone.test", 1), [192, 0, 2, 1]);
    assert_eq!(rcode(flags), 2);
    assert_eq!(flags & AA, 0);
    assert!(msg.answers.is_empty());
}

#[test]
fn rfc3225_do_is_echoed_and_cd_copied() {
    let engine = engine();
    let query = Query::new("www.example.com", 1)
        .flags(0x0010)
        .opt(Some(Opt::dnssec(1232)));
    let (msg, flags, _) = ask(&engine, &query, [192, 0, 2, 1]);
    assert_ne!(flags & 0x0010, 0, "CD is copied");
    assert!(msg.edns.is_some_and(|e| e.flags().dnssec_ok));
}

#[test]
fn transfers_are_handed_over_by_respond_and_refused_by_handle() {
    let engine = engine();
    let msg = Query::new("example.com", 252).encode(9);
    let tcp = client([192, 0, 2, 1], Transport::Tcp);
    let mut ws = Workspace::new();
    assert_eq!(
        engine.respond(&msg, &tcp, &mut ws),
        Outcome::Defer(Deferred {
            action: Action::Transfer,
            view: 1
        })
    );
    let reply = engine.handle(&msg, &tcp, &mut ws).expect("an answer");
    assert_eq!(reply[3] & 0xf, 5);
    // Over UDP, AXFR is a format error, as BIND says.
    let udp = client([192, 0, 2, 1], Transport::Udp);
    let reply = engine.handle(&msg, &udp, &mut ws).expect("an answer");
    assert_eq!(reply[3] & 0xf, 1);
}
