//! The query path's wire layer allocates nothing per query: parsing a request, writing an
//! answer with name compression, an OPT record and a fresh cookie, and writing refusals,
//! all with buffers made once.

use tests::alloc::{Counting, allocations};

use named::wire::edns::{CookieSource, EdnsConfig, OptRecord};
use named::wire::header::FLAG_AA;
use named::wire::query::Action;
use named::wire::response::{ResponseWriter, RrsetHead, Section, refusal_opt, write_refusal};
use named::wire::{Compressor, MAX_MESSAGE, ParseOptions, Request, Verdict};
use zones::{Class, RType};

#[global_allocator]
static GLOBAL: Counting = Counting;

fn wire_name(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for label in text.split('.').filter(|l| !l.is_empty()) {
        out.push(label.len() as u8);
        out.extend(label.as_bytes());
    }
    out.push(0);
    out
}

/// A query with EDNS, DO and a client cookie, asking A for each of `qnames`.
fn query(qnames: &[&str]) -> Vec<u8> {
    let mut m = vec![
        0x12,
        0x34,
        0x01,
        0x00,
        0,
        qnames.len() as u8,
        0,
        0,
        0,
        0,
        0,
        1,
    ];
    for (i, qname) in qnames.iter().enumerate() {
        m.extend(wire_name(qname));
        m.extend([0, if i == 0 { 1 } else { 28 }, 0, 1]);
    }
    m.extend([
        0, 0, 41, 0x10, 0, 0, 0, 0x80, 0, 0, 12, 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    m
}

struct Worker {
    request: Request,
    comp: Compressor,
    out: Vec<u8>,
}

impl Worker {
    fn serve(&mut self, msg: &[u8], records: &[(Vec<u8>, [u8; 4])], ns: &[Vec<u8>]) -> usize {
        let config = EdnsConfig::default();
        let secret = [7u8; 16];
        let cookie = CookieSource {
            secret: &secret,
            client_ip: [192, 0, 2, 1].into(),
            now: 1_800_000_000,
        };
        let verdict = self.request.parse(msg, ParseOptions::default());
        let limit = config.udp_limit(self.request.edns(), false);
        match verdict {
            Verdict::Accept(Action::Query) => {
                let q = self.request.question().expect("a question");
                let opt = self
                    .request
                    .edns()
                    .map(|e| OptRecord::answer(e, &config, false, Some(&cookie)));
                let mut w = ResponseWriter::new(
                    &mut self.out,
                    &mut self.comp,
                    limit,
                    self.request.header(),
                    opt,
                )
                .expect("room for the header");
                w.question(q.name(), q.qtype, q.qclass).expect("question");
                w.set_flags(FLAG_AA, true);
                let rdatas = records.iter().map(|(_, a)| a);
                let head = RrsetHead {
                    owner: q.lower_name(),
                    rtype: RType::A,
                    class: Class::IN,
                    ttl: 300,
                };
                w.push(Section::Answer, &head, rdatas).expect("answer");
                let apex = &records[0].0;
                let head = RrsetHead {
                    owner: apex,
                    rtype: RType::NS,
                    class: Class::IN,
                    ttl: 300,
                };
                w.push(Section::Authority, &head, ns).expect("authority");
                for (owner, a) in records {
                    let head = RrsetHead {
                        owner,
                        rtype: RType::A,
                        class: Class::IN,
                        ttl: 300,
                    };
                    w.push(Section::Additional, &head, [a]).expect("additional");
                }
                w.finish().expect("finish")
            }
            Verdict::Reply(r) | Verdict::Accept(Action::Refuse(r)) => {
                let opt = refusal_opt(r.opt, self.request.edns(), &config, false, Some(&cookie));
                write_refusal(
                    &mut self.out,
                    &mut self.comp,
                    limit,
                    &self.request,
                    msg,
                    &r,
                    opt,
                )
                .expect("refusal")
            }
            Verdict::Drop(_) => 0,
            other => panic!("unexpected verdict {other:?}"),
        }
    }
}

#[test]
fn no_allocation_per_query() {
    let mut worker = Worker {
        request: Request::new(),
        comp: Compressor::new(),
        out: vec![0; MAX_MESSAGE],
    };
    let records: Vec<(Vec<u8>, [u8; 4])> = (0..8u8)
        .map(|i| (wire_name(&format!("ns{i}.example.com")), [192, 0, 2, i]))
        .collect();
    let ns: Vec<Vec<u8>> = records.iter().map(|(n, _)| n.clone()).collect();
    // An answer, a cookie-only query, two questions (FORMERR), and a short packet.
    let msgs = [
        query(&["WwW.Example.COM"]),
        query(&[]),
        query(&["www.example.com", "www.example.com"]),
        vec![0x12, 0x34, 0x09, 0x00],
    ];
    for m in &msgs {
        worker.serve(m, &records, &ns);
    }
    let before = allocations();
    let mut total = 0;
    for _ in 0..100 {
        for m in &msgs {
            total += worker.serve(m, &records, &ns);
        }
    }
    assert_eq!(allocations() - before, 0, "allocations while serving");
    assert!(total > 0);
}
