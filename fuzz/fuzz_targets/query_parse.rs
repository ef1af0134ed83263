//! The wire layer of the query path: any packet must be parsed or refused without a panic,
//! and whatever we write back must be a well-formed message within its size limit.
//!
//! One request, one compression table and one output buffer are reused for every input,
//! as a worker reuses them, so state left over from one packet would show up in the next.
//! The tail of the input doubles as RDATA pushed under the question's type, to drive the
//! RDATA name scanner and the compressor with arbitrary bytes.

#![no_main]

use std::cell::RefCell;
use std::net::{IpAddr, Ipv4Addr};

use hickory_proto::op::Message;
use libfuzzer_sys::fuzz_target;
use named::wire::edns::{CookieSource, EdnsConfig, OptRecord};
use named::wire::header::{FLAG_AA, Header};
use named::wire::query::{Action, Refusal};
use named::wire::response::{ResponseWriter, RrsetHead, Section, refusal_opt, write_refusal};
use named::wire::{Compressor, MAX_MESSAGE, ParseOptions, Rcode, Request, Verdict};

struct Worker {
    request: Request,
    comp: Compressor,
    out: Vec<u8>,
}

thread_local! {
    static WORKER: RefCell<Worker> = RefCell::new(Worker {
        request: Request::new(),
        comp: Compressor::new(),
        out: vec![0; MAX_MESSAGE],
    });
}

const SECRET: [u8; 16] = *b"fuzzing secret!!";

fuzz_target!(|data: &[u8]| {
    WORKER.with(|w| run(&mut w.borrow_mut(), data));
});

fn run(worker: &mut Worker, data: &[u8]) {
    let Worker { request, comp, out } = worker;
    let config = EdnsConfig {
        server_id: Some(b"fuzz"),
        ..EdnsConfig::default()
    };
    let source = CookieSource {
        secret: &SECRET,
        client_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
        now: 1_800_000_000,
    };
    // Alternate UDP and TCP limits on a bit of the input.
    let tcp = data.len() % 2 == 1;
    let verdict = request.parse(data, ParseOptions::default());
    let limit = if tcp {
        MAX_MESSAGE
    } else {
        config.udp_limit(request.edns(), false)
    };
    match verdict {
        Verdict::Drop(_) => {
            let short = data.len() < 12;
            assert!(short || data[2] & 0x80 != 0, "dropped a well-formed query");
        }
        Verdict::Reply(refusal) | Verdict::Accept(Action::Refuse(refusal)) => {
            refuse(
                request, comp, out, data, &refusal, &config, tcp, &source, limit,
            );
        }
        Verdict::Accept(_) => answer(request, comp, out, data, &config, tcp, &source, limit),
    }
}

#[allow(clippy::too_many_arguments)]
fn refuse(
    request: &Request,
    comp: &mut Compressor,
    out: &mut [u8],
    data: &[u8],
    refusal: &Refusal,
    config: &EdnsConfig<'_>,
    tcp: bool,
    source: &CookieSource<'_>,
    limit: usize,
) {
    let opt = refusal_opt(refusal.opt, request.edns(), config, tcp, Some(source));
    let subnet = opt.as_ref().is_some_and(|o| o.subnet.is_some());
    let n = write_refusal(out, comp, limit, request, data, refusal, opt).expect("a refusal fits");
    check(&out[..n], request.header(), limit);
    // A refusal holds nothing but the question and our OPT record: it must decode.
    if let Some(msg) = decodes(&out[..n], subnet) {
        let rcode = u16::from(msg.metadata.response_code);
        assert_eq!(rcode, refusal.rcode.0);
    }
}

/// Decodes with hickory-proto, which must succeed unless the OPT record echoes a Client
/// Subnet option: hickory refuses FAMILY 0, which BIND accepts and echoes.
fn decodes(msg: &[u8], subnet: bool) -> Option<Message> {
    match Message::from_vec(msg) {
        Ok(msg) => Some(msg),
        Err(e) => {
            assert!(subnet, "hickory cannot decode {msg:02x?}: {e}");
            None
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn answer(
    request: &Request,
    comp: &mut Compressor,
    out: &mut [u8],
    data: &[u8],
    config: &EdnsConfig<'_>,
    tcp: bool,
    source: &CookieSource<'_>,
    limit: usize,
) {
    let opt: Option<OptRecord<'_>> = request
        .edns()
        .map(|e| OptRecord::answer(e, config, tcp, Some(source)));
    let subnet = opt.as_ref().is_some_and(|o| o.subnet.is_some());
    let mut w = ResponseWriter::new(out, comp, limit, request.header(), opt).expect("header fits");
    let mut rdata_section = None;
    if let Some(q) = request.question() {
        w.question(q.name(), q.qtype, q.qclass)
            .expect("a parsed question is well formed");
        w.set_flags(FLAG_AA, true);
        // Push the input's tail (in two records) as RDATA of the question's type.
        let tail = &data[data.len() / 2..];
        let tail = &tail[..tail.len().min(60000)];
        let (a, b) = tail.split_at(tail.len() / 2);
        let head = RrsetHead {
            owner: q.name(),
            rtype: q.qtype,
            class: q.qclass,
            ttl: 300,
        };
        let section = match data.first().map(|b| b % 3) {
            Some(0) => Section::Answer,
            Some(1) => Section::Authority,
            _ => Section::Additional,
        };
        w.push(section, &head, [a, b])
            .expect("RDATA of any content can be written");
        rdata_section = Some(section);
        let lower = RrsetHead {
            owner: q.lower_name(),
            ..head
        };
        w.push(Section::Additional, &lower, [b, a])
            .expect("second RRset");
    } else {
        w.set_rcode(Rcode::SERVFAIL);
    }
    let n = w.finish().expect("the response finishes");
    check(&out[..n], request.header(), limit);
    if rdata_section.is_none() {
        decodes(&out[..n], subnet);
    }
}

/// The invariants of every message we write.
fn check(msg: &[u8], request: &Header, limit: usize) {
    assert!(
        msg.len() <= limit,
        "{} bytes over a limit of {limit}",
        msg.len()
    );
    let header = Header::read(msg).expect("a header");
    assert_eq!(header.id, request.id);
    assert!(header.is_response());
    assert_eq!(header.opcode(), request.opcode());
}
