//! TSIG (RFC 8945) against BIND 9.18: requests signed here are answered by `named`,
//! requests signed by `dig -y` verify here, responses signed here are accepted by `dig`,
//! and a signed AXFR from `named` verifies message by message.
//!
//! Without BIND installed the tests are skipped with a notice, except in CI.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use named::tsig::{self, KeyRing, TsigKey, TsigRcode};
use tests::answers::{self, Named, Query};

/// A key configured on both sides.
struct TestKey {
    name: &'static str,
    algorithm: &'static str,
    secret: &'static str,
}

const KEYS: &[TestKey] = &[
    TestKey {
        name: "k-md5",
        algorithm: "hmac-md5",
        secret: "f8XLbeNVJMvMEVgoMmIkXg==",
    },
    TestKey {
        name: "k-sha1",
        algorithm: "hmac-sha1",
        secret: "wReUNvFYXAr3uXZKEzChS4l+odc=",
    },
    TestKey {
        name: "k-sha224",
        algorithm: "hmac-sha224",
        secret: "awxihsVCvAKQJFp2DXzrPI8p0VlTjghFqP3yjg==",
    },
    TestKey {
        name: "k-sha256",
        algorithm: "hmac-sha256",
        secret: "cJm4nSBWpQTiBVNtFmWbGSnD0FU6Os7rDM3k6nJgx8Y=",
    },
    TestKey {
        name: "k-sha384",
        algorithm: "hmac-sha384",
        secret: "5K7EyiGzhvab6B6T5uv8orapuYLZuEGwFISOzebZE7X3XXkvv2MzQNsL97yP1mJR",
    },
    TestKey {
        name: "k-sha512",
        algorithm: "hmac-sha512",
        secret: "ep1XkerBkkQ9nEqf2h7GMMNDk8YmnslhfrP1LhMGfQ425Lhkm6LR5ledXJJYAkyBmPf9Ynyot8Trq1Q/5camQg==",
    },
    TestKey {
        name: "k-sha256-trunc",
        algorithm: "hmac-sha256-128",
        secret: "yn+iaYe48GoS7SoW8XkXndAig7+YnMsV6hy484fGHts=",
    },
    TestKey {
        name: "k-sha512-trunc",
        algorithm: "hmac-sha512-256",
        secret: "dTATGENRtn+Qx6KtWWRI2NHdrJZbxLk7ZOJe/ydHfNdQyZ5sSfpK+xuMECqdxUUgdvHptfBm+6M8H60SDE2oMQ==",
    },
    // A secret longer than the hash's block, and a name in mixed case.
    TestKey {
        name: "Mixed.Case-Key",
        algorithm: "hmac-sha256",
        secret: "IQb4QM+UCt5Axm4Wb/fveYjIGr8ChSSQJuqzADQV96Q8YFBj8OiMuY9/x99wHGd8EFtusOVsuL3O7pBjRdtiGl1knxvdOF+5CTEhzcox+qHpSBeV1NdM5kdN/mI6i+v6svpvpg==",
    },
];

/// The key with `name`.
fn test_key(name: &str) -> &'static TestKey {
    KEYS.iter()
        .find(|k| k.name == name)
        .unwrap_or_else(|| panic!("no test key {name}"))
}

fn config_key(key: &TestKey) -> conf::model::Key {
    let (algorithm, digest_bits) =
        conf::model::parse_algorithm(key.algorithm).expect("test algorithms are valid");
    conf::model::Key {
        name: key.name.to_string(),
        algorithm,
        digest_bits,
        secret: conf::model::decode_secret(key.secret).expect("test secrets are base64"),
    }
}

fn tsig_key(key: &TestKey) -> Arc<TsigKey> {
    Arc::new(TsigKey::from_config(&config_key(key)).expect("test keys are valid"))
}

fn ring() -> KeyRing {
    let keys: Vec<_> = KEYS.iter().map(config_key).collect();
    KeyRing::new(&keys).expect("test keys are valid")
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

//------------ BIND --------------------------------------------------------------

/// Records in the zone transferred in several messages.
const BIG_ZONE_RECORDS: usize = 5000;

/// A scratch directory with `named.conf`, the keys and two zones, and `named` serving it.
struct Bind {
    named: Named,
    _dir: tempfile::TempDir,
}

fn named_conf() -> String {
    let mut conf = String::from(
        "controls { };\n\
         options {\n\
         \tdirectory \".\";\n\
         \tpid-file none;\n\
         \tsession-keyfile none;\n\
         \tlisten-on { 127.0.0.1; };\n\
         \tlisten-on-v6 { none; };\n\
         \trecursion no;\n\
         \tdnssec-validation no;\n\
         \tnotify no;\n\
         };\n",
    );
    for key in KEYS {
        conf.push_str(&format!(
            "key \"{}\" {{ algorithm {}; secret \"{}\"; }};\n",
            key.name, key.algorithm, key.secret
        ));
    }
    let transfer_keys: String = KEYS
        .iter()
        .map(|k| format!("key \"{}\"; ", k.name))
        .collect();
    conf.push_str("zone \"example\" { type primary; file \"example.zone\"; };\n");
    conf.push_str(&format!(
        "zone \"big.example\" {{ type primary; file \"big.example.zone\"; \
         allow-transfer {{ {transfer_keys}}}; }};\n"
    ));
    conf
}

fn write_zones(dir: &Path) {
    let soa = "@ 3600 IN SOA ns1 hostmaster 1 3600 900 604800 300\n@ 3600 IN NS ns1\n\
               ns1 3600 IN A 192.0.2.1\n";
    std::fs::write(
        dir.join("example.zone"),
        format!("$ORIGIN example.\n{soa}www 3600 IN A 192.0.2.80\n"),
    )
    .expect("zone file written");
    let mut big = format!("$ORIGIN big.example.\n{soa}");
    for i in 0..BIG_ZONE_RECORDS {
        big.push_str(&format!(
            "host{i} 3600 IN TXT \"record {i} of the zone transferred in many messages\"\n"
        ));
    }
    std::fs::write(dir.join("big.example.zone"), big).expect("zone file written");
}

/// BIND started with the test keys, or `None` (after a notice) without BIND.
fn start_bind(test: &str) -> Option<Bind> {
    let program = tests::bind::require("named", test)?;
    let dir = tempfile::tempdir().expect("a scratch directory");
    std::fs::write(dir.path().join("named.conf"), named_conf()).expect("named.conf written");
    write_zones(dir.path());
    let mut last = String::new();
    for _ in 0..5 {
        let port = answers::free_port(portrange()).expect("a free port in 20000-29999");
        match Named::start(&program, dir.path(), port, "example") {
            Ok(named) => return Some(Bind { named, _dir: dir }),
            Err(e) => last = e,
        }
    }
    panic!("BIND did not start: {last}");
}

/// Ports from 20000-29999: a different start for each server of this process, and for
/// each process, since `named` that cannot bind its port keeps running, and another
/// server's answers would then pass for its own.
fn portrange() -> std::ops::Range<u16> {
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let server = NEXT.fetch_add(1, Ordering::Relaxed) % 20;
    let process = (std::process::id() % 40) as u16;
    let start = 20000 + process * 250 + server * 12;
    start..30000
}

//------------ Exchanges ---------------------------------------------------------

const WAIT: Duration = Duration::from_secs(3);

/// Sends `msg` over UDP to `server`; the response with the same ID.
fn udp_exchange(server: SocketAddr, msg: &[u8]) -> Option<Vec<u8>> {
    let socket = UdpSocket::bind("127.0.0.1:0").ok()?;
    socket.set_read_timeout(Some(WAIT)).ok()?;
    socket.send_to(msg, server).ok()?;
    let mut buf = vec![0u8; 65535];
    loop {
        let (n, from) = socket.recv_from(&mut buf).ok()?;
        if from == server && n >= 2 && buf[..2] == msg[..2] {
            return Some(buf[..n].to_vec());
        }
    }
}

fn rcode(msg: &[u8]) -> u8 {
    msg[3] & 0x0f
}

fn ancount(msg: &[u8]) -> u16 {
    u16::from_be_bytes([msg[6], msg[7]])
}

/// The end of the question section of `msg` (uncompressed names).
fn question_end(msg: &[u8]) -> usize {
    let mut pos = 12;
    for _ in 0..u16::from_be_bytes([msg[4], msg[5]]) {
        while msg[pos] != 0 {
            pos += 1 + usize::from(msg[pos]);
        }
        pos += 1 + 4;
    }
    pos
}

/// An authoritative answer to the one-question request `request`: one A record.
fn answer_to(request: &[u8]) -> Vec<u8> {
    let end = question_end(request);
    let mut out = request[..2].to_vec();
    let rd = u16::from_be_bytes([request[2], request[3]]) & 0x0100;
    out.extend((0x8400 | rd).to_be_bytes());
    out.extend([0, 1, 0, 1, 0, 0, 0, 0]);
    out.extend(&request[12..end]);
    out.extend([
        0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 80,
    ]);
    out
}

//------------ (a) requests signed here, answered by BIND ------------------------

#[test]
fn bind_answers_queries_signed_here_and_its_responses_verify() {
    let Some(bind) = start_bind("bind_answers_queries_signed_here_and_its_responses_verify") else {
        return;
    };
    for (i, test) in KEYS.iter().enumerate() {
        let key = tsig_key(test);
        let mut query = Query::new("www.example", 1).encode(0x5000 + i as u16);
        let mac = tsig::sign_request(&mut query, &key, now()).expect("signs");
        let response = udp_exchange(bind.named.addr, &query)
            .unwrap_or_else(|| panic!("{}: no answer from BIND", test.name));
        assert_eq!(rcode(&response), 0, "{}: {response:02x?}", test.name);
        assert_eq!(ancount(&response), 1, "{}", test.name);
        tsig::verify_response(&response, &key, &mac, now())
            .unwrap_or_else(|e| panic!("{}: BIND's response does not verify: {e}", test.name));
        let record = tsig::read(&response).expect("well formed").expect("signed");
        assert_eq!(record.mac.len(), key.mac_len(), "{}", test.name);
        // The same response no longer verifies once a byte of its answer changes.
        let mut tampered = response.clone();
        tampered[record.start - 1] ^= 1;
        assert!(tsig::verify_response(&tampered, &key, &mac, now()).is_err());
    }
    let log = bind.named.log_text();
    assert!(
        !log.contains("tsig verify failure"),
        "BIND refused a request:\n{log}"
    );
}

//------------ BIND's answers to bad signatures ----------------------------------

/// A bad request, what BIND must answer (rcode, TSIG error, whether the TSIG is signed),
/// and the key of the client that sent it.
struct BadCase {
    label: &'static str,
    request: Vec<u8>,
    rcode: u8,
    error: TsigRcode,
    signed: bool,
    client: TsigKey,
}

/// `m` with its TSIG record rewritten with `time` and `mac`.
fn rewrite(m: &[u8], time: u64, mac: &[u8]) -> Vec<u8> {
    let rec = tsig::read(m).expect("well formed").expect("signed");
    let mut out = m[..rec.start].to_vec();
    out.extend(rec.key_name.as_wire());
    out.extend([0, 250, 0, 255, 0, 0, 0, 0]);
    let rdlen = rec.algorithm.as_wire().len() + 16 + mac.len();
    out.extend((rdlen as u16).to_be_bytes());
    out.extend(rec.algorithm.as_wire());
    out.extend(&time.to_be_bytes()[2..]);
    out.extend(300u16.to_be_bytes());
    out.extend((mac.len() as u16).to_be_bytes());
    out.extend(mac);
    out.extend(rec.original_id.to_be_bytes());
    out.extend([0, 0, 0, 0]);
    out
}

fn bad_cases(t: u64) -> Vec<BadCase> {
    let good = tsig_key(test_key("k-sha256"));
    let secret = config_key(test_key("k-sha256")).secret;
    let alg = conf::model::KeyAlgorithm::HmacSha256;
    let unknown = TsigKey::new(
        &zones::Name::root().prepend(b"nokey").expect("a name"),
        alg,
        None,
        &secret,
    )
    .expect("a key");
    let wrong = TsigKey::new(good.name(), alg, None, b"not the secret").expect("a key");
    let other_alg = TsigKey::new(
        good.name(),
        conf::model::KeyAlgorithm::HmacSha1,
        None,
        &secret,
    )
    .expect("a key");
    let truncated = TsigKey::new(good.name(), alg, Some(128), &secret).expect("a key");
    let sign = |key: &TsigKey, time: u64, rd: bool| {
        let flags = if rd { 0x0100 } else { 0 };
        let mut m = Query::new("www.example", 1).flags(flags).encode(0x6000);
        tsig::sign_request(&mut m, key, time).expect("signs");
        (m, key.clone())
    };
    let signed = sign(&good, t, false).0;
    let forged = |time: u64, mac: &[u8]| (rewrite(&signed, time, mac), TsigKey::clone(&good));
    let mac = tsig::read(&signed).expect("ok").expect("signed").mac;
    let mut long = mac.clone();
    long.push(0);
    let case = |label, (request, client), rcode, error, signed| BadCase {
        label,
        request,
        rcode,
        error,
        signed,
        client,
    };
    vec![
        case(
            "unknown key",
            sign(&unknown, t - 1000, false),
            9,
            TsigRcode::BADKEY,
            false,
        ),
        case(
            "unknown algorithm",
            sign(&other_alg, t, false),
            9,
            TsigRcode::BADKEY,
            false,
        ),
        case(
            "wrong secret",
            sign(&wrong, t - 1000, true),
            9,
            TsigRcode::BADSIG,
            false,
        ),
        case("empty MAC", forged(t, &[]), 9, TsigRcode::BADSIG, false),
        case(
            "8-byte MAC",
            forged(t - 1000, &mac[..8]),
            1,
            TsigRcode::BADSIG,
            false,
        ),
        case(
            "15-byte MAC",
            forged(t, &mac[..15]),
            1,
            TsigRcode::BADSIG,
            false,
        ),
        case("33-byte MAC", forged(t, &long), 1, TsigRcode::BADSIG, false),
        case(
            "signed 1000 s ago",
            sign(&good, t - 1000, false),
            9,
            TsigRcode::BADTIME,
            true,
        ),
        case(
            "signed 1000 s ahead",
            sign(&good, t + 1000, true),
            9,
            TsigRcode::BADTIME,
            true,
        ),
        case(
            "truncated to 128 bits",
            sign(&truncated, t - 100, false),
            9,
            TsigRcode::BADTRUNC,
            true,
        ),
        case(
            "truncated and late",
            sign(&truncated, t - 1000, false),
            9,
            TsigRcode::BADTIME,
            true,
        ),
    ]
}

#[test]
fn bind_answers_bad_signatures_as_error_response_does() {
    let Some(bind) = start_bind("bind_answers_bad_signatures_as_error_response_does") else {
        return;
    };
    let ring = ring();
    let t = now();
    for case in bad_cases(t) {
        let label = case.label;
        let theirs = udp_exchange(bind.named.addr, &case.request)
            .unwrap_or_else(|| panic!("{label}: no answer from BIND"));
        let now = now();
        assert_eq!(rcode(&theirs), case.rcode, "{label}: {theirs:02x?}");
        let their_tsig = tsig::read(&theirs).expect("well formed").expect("has TSIG");
        assert_eq!(their_tsig.error, case.error, "{label}");
        assert_eq!(!their_tsig.mac.is_empty(), case.signed, "{label}");
        // Ours, from our verdict on the same request.
        let err = tsig::verify_request(&case.request, &ring, now).expect_err("rejected");
        assert_eq!(err.rcode().low(), u16::from(case.rcode), "{label}");
        let tsig::VerifyError::Rejected(rejection) = err else {
            panic!("{label}: not a rejection: {err:?}");
        };
        let opt_at = question_end(&case.request);
        let request_tsig = tsig::read(&case.request).expect("ok").expect("signed");
        let opt = &theirs[question_end(&theirs)..their_tsig.start];
        assert_eq!(
            opt,
            &case.request[opt_at..request_tsig.start],
            "{label}: BIND's OPT"
        );
        let ours = tsig::error_response(&case.request, &rejection, Some(opt), now).expect("builds");
        let our_tsig = tsig::read(&ours).expect("well formed").expect("has TSIG");
        assert_eq!(
            ours[..our_tsig.start],
            theirs[..their_tsig.start],
            "{label}"
        );
        let shape = |r: &tsig::TsigRecord| {
            (
                r.key_name.clone(),
                r.algorithm.clone(),
                r.fudge,
                r.mac.len(),
                r.original_id,
                r.error,
                r.other.len(),
            )
        };
        assert_eq!(shape(&our_tsig), shape(&their_tsig), "{label}");
        for record in [&our_tsig, &their_tsig] {
            if case.error == TsigRcode::BADTIME {
                assert_eq!(record.time_signed, request_tsig.time_signed, "{label}");
                let other = record
                    .other
                    .iter()
                    .fold(0u64, |a, &b| a << 8 | u64::from(b));
                assert!(other.abs_diff(now) <= 2, "{label}: server time {other}");
            } else {
                assert!(record.time_signed.abs_diff(now) <= 2, "{label}");
            }
        }
        // The client sees the peer's error, once the answer's MAC verifies if it has one.
        let mac = tsig::Mac::from_slice(&request_tsig.mac).expect("short");
        for answer in [&theirs, &ours] {
            match tsig::verify_response(answer, &case.client, &mac, now) {
                Err(tsig::VerifyError::PeerError(code)) => assert_eq!(code, case.error),
                other => panic!("{label}: {other:?}"),
            }
        }
    }
}

//------------ (b), (c) requests signed by dig, responses signed here --------------

/// Runs `dig -y` for `www.example A` against a socket of this test; hands the request to
/// `respond` and sends back what it returns. The request's bytes and dig's output.
fn dig_exchange(
    dig: &Path,
    key: &TestKey,
    respond: impl FnOnce(&[u8]) -> Vec<u8>,
) -> (Vec<u8>, String) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("a UDP socket");
    socket.set_read_timeout(Some(WAIT)).expect("a timeout");
    let port = socket.local_addr().expect("bound").port();
    let child = std::process::Command::new(dig)
        .args([
            "-p",
            &port.to_string(),
            "@127.0.0.1",
            "-y",
            &format!("{}:{}:{}", key.algorithm, key.name, key.secret),
            "+tries=1",
            "+timeout=2",
            "www.example",
            "A",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("dig runs");
    let guard = ChildGuard(Some(child));
    let mut buf = vec![0u8; 65535];
    let (n, from) = socket.recv_from(&mut buf).expect("dig sends a request");
    let request = buf[..n].to_vec();
    let response = respond(&request);
    socket.send_to(&response, from).expect("sent");
    let output = guard.wait();
    (request, output)
}

/// Kills the child when dropped before it was waited for.
struct ChildGuard(Option<std::process::Child>);

impl ChildGuard {
    fn wait(mut self) -> String {
        let child = self.0.take().expect("not yet waited for");
        let out = child.wait_with_output().expect("dig ends");
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[test]
fn dig_requests_verify_here_and_dig_accepts_responses_signed_here() {
    let test = "dig_requests_verify_here_and_dig_accepts_responses_signed_here";
    let Some(dig) = tests::bind::require("dig", test) else {
        return;
    };
    let ring = ring();
    for key in KEYS {
        let mut verified = None;
        let (request, output) = dig_exchange(&dig, key, |request| {
            let v = tsig::verify_request(request, &ring, now());
            let mut answer = answer_to(request);
            if let Ok(Some(v)) = &v {
                tsig::sign_response(&mut answer, v, now()).expect("signs");
            }
            verified = Some(v);
            answer
        });
        let verified = match verified {
            Some(Ok(Some(v))) => v,
            other => panic!(
                "{}: dig's request {request:02x?} did not verify: {other:?}",
                key.name
            ),
        };
        assert_eq!(verified.key.name(), tsig_key(key).name(), "{}", key.name);
        assert_eq!(
            verified.request_mac.as_bytes().len(),
            tsig_key(key).mac_len()
        );
        assert!(output.contains("status: NOERROR"), "{}: {output}", key.name);
        assert!(
            output.contains(";; TSIG PSEUDOSECTION:"),
            "{}: {output}",
            key.name
        );
        assert!(!output.contains("failure"), "{}: {output}", key.name);
        assert!(output.contains("192.0.2.80"), "{}: {output}", key.name);
    }
    // A response whose MAC does not cover the request MAC is refused by dig.
    let key = test_key("k-sha256");
    let (_, output) = dig_exchange(&dig, key, |request| {
        let mut v = tsig::verify_request(request, &ring, now())
            .expect("verifies")
            .expect("signed");
        v.request_mac = tsig::Mac::from_slice(&[0; 32]).expect("short");
        let mut answer = answer_to(request);
        tsig::sign_response(&mut answer, &v, now()).expect("signs");
        answer
    });
    assert!(output.contains("tsig verify failure"), "{output}");
}

//------------ (d) AXFR over TCP ---------------------------------------------------

/// Reads one length-prefixed message.
fn read_message(stream: &mut TcpStream) -> Vec<u8> {
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).expect("a message length");
    let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
    stream.read_exact(&mut buf).expect("a whole message");
    buf
}

/// A signed AXFR of `big.example` from `server` with `key`: the request MAC and the
/// messages up to the closing SOA.
fn axfr(server: SocketAddr, key: &TsigKey) -> (tsig::Mac, Vec<Vec<u8>>) {
    let mut query = Query::new("big.example", 252).opt(None).encode(0x7000);
    let mac = tsig::sign_request(&mut query, key, now()).expect("signs");
    let mut stream = TcpStream::connect(server).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut framed = (query.len() as u16).to_be_bytes().to_vec();
    framed.extend(&query);
    stream.write_all(&framed).expect("sent");
    let mut messages = Vec::new();
    let mut soas = 0;
    while soas < 2 {
        let msg = read_message(&mut stream);
        assert_eq!(rcode(&msg), 0, "transfer refused: {:02x?}", &msg[..12]);
        soas += count_soa(&msg);
        assert!(ancount(&msg) > 0, "an empty transfer message");
        messages.push(msg);
    }
    (mac, messages)
}

/// The SOA records in the answer section of a transfer message (owner names compressed
/// or not; only types are read).
fn count_soa(msg: &[u8]) -> usize {
    let mut pos = question_end(msg);
    let mut count = 0;
    for _ in 0..ancount(msg) {
        loop {
            let b = msg[pos];
            if b == 0 {
                pos += 1;
                break;
            }
            if b >= 0xc0 {
                pos += 2;
                break;
            }
            pos += 1 + usize::from(b);
        }
        if msg[pos..pos + 2] == [0, 6] {
            count += 1;
        }
        pos += 10 + usize::from(u16::from_be_bytes([msg[pos + 8], msg[pos + 9]]));
    }
    count
}

#[test]
fn signed_axfr_from_bind_verifies_message_by_message() {
    let Some(bind) = start_bind("signed_axfr_from_bind_verifies_message_by_message") else {
        return;
    };
    for test in KEYS {
        let key = tsig_key(test);
        let (mac, messages) = axfr(bind.named.addr, &key);
        assert!(
            messages.len() >= 3,
            "{}: {} messages",
            test.name,
            messages.len()
        );
        let records: usize = messages.iter().map(|m| usize::from(ancount(m))).sum();
        assert_eq!(records, BIG_ZONE_RECORDS + 4, "{}", test.name);
        let mut verifier = tsig::StreamVerifier::new(Arc::clone(&key), mac);
        for (i, msg) in messages.iter().enumerate() {
            let kind = verifier
                .verify(msg, now())
                .unwrap_or_else(|e| panic!("{}: message {i} does not verify: {e}", test.name));
            assert_eq!(
                kind,
                tsig::StreamMessage::Signed,
                "BIND signs every message"
            );
        }
        verifier.finish().expect("the stream ends signed");
        // A byte changed in the middle of the stream breaks it there.
        let mut tampered = messages.clone();
        let middle = tampered.len() / 2;
        let at = tsig::read(&tampered[middle])
            .expect("ok")
            .expect("signed")
            .start
            - 1;
        tampered[middle][at] ^= 1;
        let mut verifier = tsig::StreamVerifier::new(Arc::clone(&key), mac);
        let failed_at = tampered
            .iter()
            .position(|msg| verifier.verify(msg, now()).is_err());
        assert_eq!(failed_at, Some(middle), "{}", test.name);
    }
    // Without a key, BIND refuses the transfer.
    let mut query = Query::new("big.example", 252).opt(None).encode(0x7001);
    let mut stream = TcpStream::connect(bind.named.addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut framed = (query.len() as u16).to_be_bytes().to_vec();
    framed.append(&mut query);
    stream.write_all(&framed).expect("sent");
    assert_eq!(rcode(&read_message(&mut stream)), 5, "REFUSED");
}

#[test]
fn unsigned_intermediate_messages_of_a_bind_transfer_verify_when_left_unsigned() {
    // BIND signs every message; dropping the TSIG of some (as a peer may send them, RFC
    // 8945 §5.3.1) must still verify when the later signature covers them: rebuilt here
    // with this crate's signer over BIND's message bodies.
    let Some(bind) = start_bind("unsigned_intermediate_messages_of_a_bind_transfer") else {
        return;
    };
    let key = tsig_key(test_key("k-sha512"));
    let (_, messages) = axfr(bind.named.addr, &key);
    let bodies: Vec<Vec<u8>> = messages
        .iter()
        .map(|m| {
            let start = tsig::read(m).expect("ok").expect("signed").start;
            let mut body = m[..start].to_vec();
            let ar = u16::from_be_bytes([body[10], body[11]]) - 1;
            body[10..12].copy_from_slice(&ar.to_be_bytes());
            body
        })
        .collect();
    let mut request = Query::new("big.example", 252).opt(None).encode(0x7002);
    tsig::sign_request(&mut request, &key, now()).expect("signs");
    let verified = tsig::verify_request(&request, &ring(), now())
        .expect("verifies")
        .expect("signed");
    let mut signer = tsig::StreamSigner::new(&verified);
    let last = bodies.len() - 1;
    let sent: Vec<Vec<u8>> = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| {
            let mut msg = body.clone();
            if i == 0 || i == last {
                signer.sign(&mut msg, now()).expect("signs");
            } else {
                signer.pass_unsigned(&msg).expect("passes");
            }
            msg
        })
        .collect();
    let mut verifier = tsig::StreamVerifier::new(Arc::clone(&key), verified.request_mac);
    for msg in &sent {
        verifier.verify(msg, now()).expect("verifies");
    }
    verifier.finish().expect("ends signed");
}
