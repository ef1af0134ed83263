//! Round trips, the digest layout, every verification failure, and streams.

use std::sync::Arc;

use conf::model::{Key, KeyAlgorithm};
use hmac::Mac as _;
use zones::Name;

use super::*;
use crate::wire::Rcode;

const NOW: u64 = 1_700_000_000;

const ALGORITHMS: [KeyAlgorithm; 6] = [
    KeyAlgorithm::HmacMd5,
    KeyAlgorithm::HmacSha1,
    KeyAlgorithm::HmacSha224,
    KeyAlgorithm::HmacSha256,
    KeyAlgorithm::HmacSha384,
    KeyAlgorithm::HmacSha512,
];

fn name(text: &str) -> Name {
    Name::from_text(text, Some(&Name::root())).expect("test names are valid")
}

fn key(text: &str, alg: KeyAlgorithm, bits: Option<u16>, secret: &[u8]) -> Arc<TsigKey> {
    Arc::new(TsigKey::new(&name(text), alg, bits, secret).expect("test keys are valid"))
}

fn config_key(text: &str, alg: KeyAlgorithm, bits: Option<u16>, secret: &[u8]) -> Key {
    Key {
        name: text.to_string(),
        algorithm: alg,
        digest_bits: bits,
        secret: secret.to_vec(),
    }
}

/// A query for `www.example. A` with message ID `id` and no additional records.
fn query(id: u16) -> Vec<u8> {
    let mut m = Vec::new();
    for word in [id, 0x0100, 1, 0, 0, 0] {
        m.extend(word.to_be_bytes());
    }
    m.extend(b"\x03www\x07example\x00\x00\x01\x00\x01");
    m
}

/// A response to [`query`] with one A record.
fn response(id: u16, serial: u8) -> Vec<u8> {
    let mut m = Vec::new();
    for word in [id, 0x8500, 1, 1, 0, 0] {
        m.extend(word.to_be_bytes());
    }
    m.extend(b"\x03www\x07example\x00\x00\x01\x00\x01");
    m.extend(b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04\xc0\x00\x02");
    m.push(serial);
    m
}

fn ring_of(keys: &[Arc<TsigKey>]) -> KeyRing {
    let mut ring = KeyRing::default();
    for k in keys {
        ring.insert(TsigKey::clone(k));
    }
    ring
}

fn signed_query(k: &TsigKey, now: u64) -> (Vec<u8>, Mac) {
    let mut m = query(0x4242);
    let mac = sign_request(&mut m, k, now).expect("signs");
    (m, mac)
}

fn rejection(err: VerifyError) -> Rejection {
    match err {
        VerifyError::Rejected(r) => *r,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

//------------ Round trips -------------------------------------------------------

#[test]
fn every_algorithm_signs_and_verifies_request_and_response() {
    for alg in ALGORITHMS {
        let k = key("xfer.example", alg, None, b"a shared secret");
        let ring = ring_of(std::slice::from_ref(&k));
        let (m, mac) = signed_query(&k, NOW);
        assert_eq!(mac.as_bytes().len(), usize::from(alg.bits() / 8), "{alg:?}");
        let verified = verify_request(&m, &ring, NOW + 10)
            .expect("verifies")
            .expect("is signed");
        assert_eq!(verified.key.name(), &name("xfer.example"));
        assert_eq!(verified.request_mac, mac);
        assert_eq!(verified.unsigned_len, query(0).len());
        assert_eq!(verified.time_signed, NOW);
        let mut r = response(0x4242, 1);
        let rmac = sign_response(&mut r, &verified, NOW + 11).expect("signs");
        assert_eq!(
            u16::from_be_bytes([r[10], r[11]]),
            1,
            "ARCOUNT counts the TSIG"
        );
        assert_eq!(
            verify_response(&r, &k, &mac, NOW + 12).expect("verifies"),
            rmac
        );
        let other_mac = Mac::from_slice(&[0; 16]).expect("short");
        assert!(matches!(
            verify_response(&r, &k, &other_mac, NOW + 12),
            Err(VerifyError::Rejected(ref r)) if r.error == TsigRcode::BADSIG
        ));
    }
}

#[test]
fn unsigned_request_is_not_an_error() {
    let ring = ring_of(&[key("k", KeyAlgorithm::HmacSha256, None, b"s")]);
    assert!(
        verify_request(&query(1), &ring, NOW)
            .expect("well formed")
            .is_none()
    );
}

#[test]
fn mac_covers_the_rfc_8945_digest_layout() {
    let secret = b"layout secret";
    let k = key("Key.Example", KeyAlgorithm::HmacSha256, None, secret);
    let (m, mac) = signed_query(&k, NOW);
    // Built by hand from RFC 8945 §4.3.3: the message before signing, then the key name
    // (lower case), class ANY, TTL 0, algorithm, time (48 bits), fudge, error, other len.
    let mut digest = query(0x4242);
    digest.extend(b"\x03key\x07example\x00");
    digest.extend([0, 255, 0, 0, 0, 0]);
    digest.extend(b"\x0bhmac-sha256\x00");
    digest.extend(&NOW.to_be_bytes()[2..]);
    digest.extend(300u16.to_be_bytes());
    digest.extend([0, 0, 0, 0]);
    let mut h = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).expect("any key length");
    h.update(&digest);
    assert_eq!(mac.as_bytes(), &h.finalize().into_bytes()[..]);
    // The record itself: owner, TSIG, ANY, TTL 0, then the RDATA fields.
    let rec = read(&m).expect("well formed").expect("signed");
    assert_eq!(rec.start, query(0).len());
    assert_eq!(rec.key_name.as_wire(), b"\x03key\x07example\x00");
    assert_eq!(rec.algorithm.as_wire(), b"\x0bhmac-sha256\x00");
    assert_eq!((rec.time_signed, rec.fudge), (NOW, FUDGE));
    assert_eq!((rec.original_id, rec.error), (0x4242, TsigRcode::NOERROR));
    assert!(rec.other.is_empty());
    assert_eq!(
        &m[rec.start + 13..rec.start + 21],
        &[0, 250, 0, 255, 0, 0, 0, 0]
    );
}

#[test]
fn response_mac_covers_the_request_mac() {
    let secret = b"response secret";
    let k = key("k", KeyAlgorithm::HmacSha1, None, secret);
    let ring = ring_of(std::slice::from_ref(&k));
    let (m, req_mac) = signed_query(&k, NOW);
    let verified = verify_request(&m, &ring, NOW).expect("ok").expect("signed");
    let mut r = response(0x4242, 7);
    let mac = sign_response(&mut r, &verified, NOW).expect("signs");
    let mut digest = vec![0, 20];
    digest.extend(req_mac.as_bytes());
    digest.extend(response(0x4242, 7));
    digest.extend(b"\x01k\x00");
    digest.extend([0, 255, 0, 0, 0, 0]);
    digest.extend(b"\x09hmac-sha1\x00");
    digest.extend(&NOW.to_be_bytes()[2..]);
    digest.extend(300u16.to_be_bytes());
    digest.extend([0, 0, 0, 0]);
    let mut h = hmac::Hmac::<sha1::Sha1>::new_from_slice(secret).expect("any key length");
    h.update(&digest);
    assert_eq!(mac.as_bytes(), &h.finalize().into_bytes()[..]);
}

#[test]
fn md5_uses_its_long_algorithm_name() {
    let k = key("k", KeyAlgorithm::HmacMd5, None, b"s");
    let (m, _) = signed_query(&k, NOW);
    let rec = read(&m).expect("ok").expect("signed");
    assert_eq!(rec.algorithm, name("hmac-md5.sig-alg.reg.int"));
}

#[test]
fn a_changed_id_verifies_with_the_original_id() {
    let k = key("k", KeyAlgorithm::HmacSha256, None, b"s");
    let ring = ring_of(std::slice::from_ref(&k));
    let (mut m, _) = signed_query(&k, NOW);
    m[0] ^= 0x55;
    let v = verify_request(&m, &ring, NOW).expect("ok").expect("signed");
    assert_eq!(v.original_id, 0x4242);
}

#[test]
fn key_names_and_algorithm_names_ignore_case() {
    let k = key("xfer.example", KeyAlgorithm::HmacSha256, None, b"s");
    let ring = ring_of(std::slice::from_ref(&k));
    let (mut m, _) = signed_query(&k, NOW);
    let rec = read(&m).expect("ok").expect("signed");
    // Upper-case the owner name and the algorithm name in place.
    let owner = rec.start..rec.start + rec.key_name.as_wire().len();
    let alg_at = owner.end + 10;
    let alg = alg_at..alg_at + rec.algorithm.as_wire().len();
    for i in owner.chain(alg) {
        m[i] = m[i].to_ascii_uppercase();
    }
    let rec = read(&m).expect("ok").expect("signed");
    assert_eq!(rec.key_name.as_wire(), b"\x04XFER\x07EXAMPLE\x00");
    assert!(verify_request(&m, &ring, NOW).expect("verifies").is_some());
    assert!(
        ring.get(&name("XFER.Example"), KeyAlgorithm::HmacSha256)
            .is_some()
    );
}

//------------ Failures ----------------------------------------------------------

#[test]
fn unknown_key_or_algorithm_is_badkey() {
    let known = key("known", KeyAlgorithm::HmacSha256, None, b"s");
    let ring = ring_of(std::slice::from_ref(&known));
    for k in [
        key("unknown", KeyAlgorithm::HmacSha256, None, b"s"),
        key("known", KeyAlgorithm::HmacSha512, None, b"s"),
    ] {
        let (m, _) = signed_query(&k, NOW);
        let err = verify_request(&m, &ring, NOW).expect_err("unknown");
        assert_eq!(err.tsig_error(), Some(TsigRcode::BADKEY));
        assert_eq!(err.rcode(), Rcode::NOTAUTH);
        let r = rejection(err);
        assert!(r.key.is_none());
        assert_eq!(r.key_name, *k.name());
    }
}

#[test]
fn tampering_is_badsig() {
    let k = key("k", KeyAlgorithm::HmacSha384, None, b"secret");
    let ring = ring_of(std::slice::from_ref(&k));
    let (m, _) = signed_query(&k, NOW);
    let rec = read(&m).expect("ok").expect("signed");
    // The case of every letter of the question, its type and class, the header's flags,
    // and the MAC's first and last bytes.
    let mac_at = rec.start + 3 + 10 + 13 + 10;
    let letters = (12..rec.start - 4).filter(|&i| m[i].is_ascii_alphabetic());
    let fields = [2, 3, rec.start - 3, rec.start - 1, mac_at, mac_at + 47];
    for pos in letters.chain(fields) {
        let mut bad = m.clone();
        bad[pos] ^= if bad[pos].is_ascii_alphabetic() {
            0x20
        } else {
            0x01
        };
        match verify_request(&bad, &ring, NOW) {
            Err(e) => assert_eq!(e.tsig_error(), Some(TsigRcode::BADSIG), "byte {pos}"),
            Ok(_) => panic!("byte {pos} changed, yet verified"),
        }
    }
    let wrong = key("k", KeyAlgorithm::HmacSha384, None, b"other secret");
    let (m, _) = signed_query(&wrong, NOW);
    let r = rejection(verify_request(&m, &ring, NOW).expect_err("wrong secret"));
    assert_eq!((r.error, r.rcode), (TsigRcode::BADSIG, Rcode::NOTAUTH));
    assert!(r.key.is_none());
}

#[test]
fn time_outside_the_fudge_is_badtime_after_the_mac_checks() {
    let k = key("k", KeyAlgorithm::HmacSha256, None, b"s");
    let ring = ring_of(std::slice::from_ref(&k));
    let (m, _) = signed_query(&k, NOW);
    for now in [NOW - 300, NOW + 300] {
        assert!(verify_request(&m, &ring, now).is_ok(), "{now}");
    }
    for now in [NOW - 301, NOW + 301, 0, u64::MAX] {
        let r = rejection(verify_request(&m, &ring, now).expect_err("skewed"));
        assert_eq!(r.error, TsigRcode::BADTIME);
        assert!(r.key.is_some(), "a BADTIME answer is signed");
    }
    let wrong = key("k", KeyAlgorithm::HmacSha256, None, b"other");
    let (m, _) = signed_query(&wrong, NOW);
    let r = rejection(verify_request(&m, &ring, NOW + 1000).expect_err("both"));
    assert_eq!(r.error, TsigRcode::BADSIG);
}

#[test]
fn truncated_macs_follow_rfc_8945_and_the_key_policy() {
    let secret = b"truncation";
    let full = key("k", KeyAlgorithm::HmacSha256, None, secret);
    let cut = key("k", KeyAlgorithm::HmacSha256, Some(128), secret);
    assert_eq!(cut.mac_len(), 16);
    let (m, mac) = signed_query(&cut, NOW);
    assert_eq!(mac.as_bytes().len(), 16);
    // A key configured with the truncation accepts it...
    let v = verify_request(&m, &ring_of(std::slice::from_ref(&cut)), NOW)
        .expect("verifies")
        .expect("signed");
    assert_eq!(v.request_mac.as_bytes().len(), 16);
    // ...and its responses are truncated too, and verify with the truncated request MAC.
    let mut r = response(0x4242, 1);
    sign_response(&mut r, &v, NOW).expect("signs");
    assert_eq!(read(&r).expect("ok").expect("signed").mac.len(), 16);
    verify_response(&r, &cut, &mac, NOW).expect("verifies");
    // A key without truncation refuses the short MAC with BADTRUNC, checked after time.
    let full_ring = ring_of(std::slice::from_ref(&full));
    let r = rejection(verify_request(&m, &full_ring, NOW).expect_err("truncated"));
    assert_eq!((r.error, r.rcode), (TsigRcode::BADTRUNC, Rcode::NOTAUTH));
    assert!(r.key.is_some());
    let r = rejection(verify_request(&m, &full_ring, NOW + 400).expect_err("late"));
    assert_eq!(r.error, TsigRcode::BADTIME);
    // A truncating key accepts the full MAC.
    let (m, _) = signed_query(&full, NOW);
    assert!(verify_request(&m, &ring_of(&[cut]), NOW).is_ok());
}

/// `m` with its TSIG MAC replaced by `mac`.
fn with_mac(m: &[u8], mac: &[u8]) -> Vec<u8> {
    let rec = read(m).expect("ok").expect("signed");
    let mut out = m[..rec.start].to_vec();
    out.extend(rec.key_name.as_wire());
    out.extend([0, 250, 0, 255, 0, 0, 0, 0]);
    let rdlen = rec.algorithm.as_wire().len() + 16 + mac.len();
    out.extend((rdlen as u16).to_be_bytes());
    out.extend(rec.algorithm.as_wire());
    out.extend(&rec.time_signed.to_be_bytes()[2..]);
    out.extend(rec.fudge.to_be_bytes());
    out.extend((mac.len() as u16).to_be_bytes());
    out.extend(mac);
    out.extend(rec.original_id.to_be_bytes());
    out.extend([0, 0, 0, 0]);
    out
}

#[test]
fn macs_of_forbidden_lengths_get_formerr_or_badsig_as_bind_answers() {
    let k = key("k", KeyAlgorithm::HmacSha256, None, b"s");
    let ring = ring_of(std::slice::from_ref(&k));
    let (m, mac) = signed_query(&k, NOW);
    let mut long = mac.as_bytes().to_vec();
    long.push(0);
    for bad in [&mac.as_bytes()[..8], &mac.as_bytes()[..15], &long[..]] {
        let r = rejection(verify_request(&with_mac(&m, bad), &ring, NOW).expect_err("length"));
        assert_eq!(
            (r.rcode, r.error),
            (Rcode::FORMERR, TsigRcode::BADSIG),
            "{}",
            bad.len()
        );
    }
    let r = rejection(verify_request(&with_mac(&m, &[]), &ring, NOW).expect_err("empty"));
    assert_eq!((r.rcode, r.error), (Rcode::NOTAUTH, TsigRcode::BADSIG));
    // MD5: half the digest is 8 bytes, the floor is 10.
    let md5 = key("k", KeyAlgorithm::HmacMd5, None, b"s");
    let (m, mac) = signed_query(&md5, NOW);
    let ring = ring_of(std::slice::from_ref(&md5));
    let r =
        rejection(verify_request(&with_mac(&m, &mac.as_bytes()[..9]), &ring, NOW).expect_err("9"));
    assert_eq!(r.rcode, Rcode::FORMERR);
    let r = rejection(
        verify_request(&with_mac(&m, &mac.as_bytes()[..10]), &ring, NOW).expect_err("10"),
    );
    assert_eq!((r.rcode, r.error), (Rcode::NOTAUTH, TsigRcode::BADTRUNC));
}

#[test]
fn tsig_must_be_the_last_record_and_the_only_one() {
    let k = key("k", KeyAlgorithm::HmacSha256, None, b"s");
    let ring = ring_of(std::slice::from_ref(&k));
    let (m, _) = signed_query(&k, NOW);
    let tsig_record = m[query(0).len()..].to_vec();
    let opt = [0u8, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0];
    // TSIG, then OPT.
    let mut after = m.clone();
    after.extend(opt);
    after[11] = 2;
    // Two TSIG records.
    let mut twice = m.clone();
    twice.extend(&tsig_record);
    twice[11] = 2;
    // TSIG in the answer section.
    let mut answer = m.clone();
    answer[7] = 1;
    answer[11] = 0;
    for msg in [after, twice, answer] {
        assert!(matches!(
            verify_request(&msg, &ring, NOW),
            Err(VerifyError::Malformed(Malformed::NotLast))
        ));
        assert_eq!(read(&msg), Err(Malformed::NotLast));
    }
    let mut trailing = m.clone();
    trailing.push(0);
    assert!(matches!(
        verify_request(&trailing, &ring, NOW),
        Err(VerifyError::Malformed(Malformed::TrailingData))
    ));
    let mut class_in = m.clone();
    let at = query(0).len() + 3 + 2;
    class_in[at..at + 2].copy_from_slice(&1u16.to_be_bytes());
    assert_eq!(read(&class_in), Err(Malformed::BadClass));
}

#[test]
fn malformed_input_is_an_error_never_a_panic() {
    let k = key("k", KeyAlgorithm::HmacSha512, None, b"s");
    let ring = ring_of(std::slice::from_ref(&k));
    let (m, mac) = signed_query(&k, NOW);
    for len in 0..m.len() {
        let _ = verify_request(&m[..len], &ring, NOW);
        let _ = verify_response(&m[..len], &k, &mac, NOW);
    }
    // Deterministic pseudo-random corruption of one to four bytes.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..20_000 {
        let mut bad = m.clone();
        for _ in 0..=next() % 4 {
            let pos = (next() % bad.len() as u64) as usize;
            bad[pos] = next() as u8;
        }
        let _ = verify_request(&bad, &ring, NOW);
        let _ = read(&bad);
        let mut stream = StreamVerifier::new(Arc::clone(&k), mac);
        let _ = stream.verify(&bad, NOW);
    }
}

//------------ Error responses ---------------------------------------------------

#[test]
fn error_responses_have_bind_s_shape_and_verify_at_the_client() {
    let k = key("k", KeyAlgorithm::HmacSha256, None, b"s");
    let ring = ring_of(std::slice::from_ref(&k));
    // BADTIME: signed over the request MAC, request time kept, server time in Other.
    let (m, mac) = signed_query(&k, NOW - 1000);
    let r = rejection(verify_request(&m, &ring, NOW).expect_err("late"));
    let answer = error_response(&m, &r, None, NOW).expect("builds");
    assert_eq!(
        &answer[..12],
        &[0x42, 0x42, 0x81, 0x09, 0, 1, 0, 0, 0, 0, 0, 1]
    );
    let rec = read(&answer).expect("ok").expect("signed");
    assert_eq!(rec.error, TsigRcode::BADTIME);
    assert_eq!(rec.time_signed, NOW - 1000);
    assert_eq!(rec.other, NOW.to_be_bytes()[2..].to_vec());
    assert_eq!(rec.mac.len(), 32);
    assert!(matches!(
        verify_response(&answer, &k, &mac, NOW - 1000),
        Err(VerifyError::PeerError(TsigRcode::BADTIME))
    ));
    // BADSIG and BADKEY: unsigned, time = now.
    let wrong = key("k", KeyAlgorithm::HmacSha256, None, b"other");
    for (k2, code) in [
        (wrong, TsigRcode::BADSIG),
        (
            key("nokey", KeyAlgorithm::HmacSha1, None, b"s"),
            TsigRcode::BADKEY,
        ),
    ] {
        let (m, mac) = signed_query(&k2, NOW - 1000);
        let r = rejection(verify_request(&m, &ring, NOW).expect_err("rejected"));
        let opt = [0u8, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0];
        let answer = error_response(&m, &r, Some(&opt), NOW).expect("builds");
        assert_eq!(&answer[2..12], &[0x81, 0x09, 0, 1, 0, 0, 0, 0, 0, 2]);
        let rec = read(&answer).expect("ok").expect("present");
        assert_eq!((rec.error, rec.time_signed), (code, NOW));
        assert!(rec.mac.is_empty());
        assert_eq!(rec.key_name, *k2.name());
        assert!(matches!(
            verify_response(&answer, &k2, &mac, NOW),
            Err(VerifyError::PeerError(c)) if c == code
        ));
    }
    // BADTRUNC: signed, time = now.
    let cut = key("k", KeyAlgorithm::HmacSha256, Some(128), b"s");
    let (m, mac) = signed_query(&cut, NOW - 100);
    let r = rejection(verify_request(&m, &ring, NOW).expect_err("truncated"));
    let answer = error_response(&m, &r, None, NOW).expect("builds");
    let rec = read(&answer).expect("ok").expect("signed");
    assert_eq!(
        (rec.error, rec.time_signed, rec.mac.len()),
        (TsigRcode::BADTRUNC, NOW, 32)
    );
    assert!(matches!(
        verify_response(&answer, &k, &mac, NOW),
        Err(VerifyError::PeerError(TsigRcode::BADTRUNC))
    ));
}

#[test]
fn responses_must_be_signed_with_the_request_s_key() {
    let k = key("k", KeyAlgorithm::HmacSha256, None, b"s");
    let (_, mac) = signed_query(&k, NOW);
    assert!(matches!(
        verify_response(&response(1, 1), &k, &mac, NOW),
        Err(VerifyError::Unsigned)
    ));
    let other = key("other", KeyAlgorithm::HmacSha256, None, b"s");
    let mut r = response(1, 1);
    let v = Verified {
        key: Arc::clone(&other),
        request_mac: mac,
        unsigned_len: 0,
        time_signed: NOW,
        original_id: 1,
    };
    sign_response(&mut r, &v, NOW).expect("signs");
    assert!(matches!(
        verify_response(&r, &k, &mac, NOW),
        Err(VerifyError::WrongKey)
    ));
}

//------------ Keys --------------------------------------------------------------

#[test]
fn key_ring_from_configuration() {
    let keys = [
        config_key("a", KeyAlgorithm::HmacSha256, None, b"first"),
        config_key("A.", KeyAlgorithm::HmacSha256, None, b"second"),
        config_key("a", KeyAlgorithm::HmacMd5, Some(80), b"md5"),
    ];
    let ring = KeyRing::new(&keys).expect("valid");
    assert_eq!(ring.len(), 2);
    let first = ring
        .get(&name("a"), KeyAlgorithm::HmacSha256)
        .expect("present");
    let (m, _) = signed_query(first, NOW);
    let only_first = KeyRing::new(&keys[..1]).expect("valid");
    assert!(verify_request(&m, &only_first, NOW).is_ok());
    assert_eq!(
        ring.get(&name("a"), KeyAlgorithm::HmacMd5)
            .expect("present")
            .mac_len(),
        10
    );
    assert!(ring.has_name(&name("A")));
    for (bits, ok) in [
        (72, false),
        (80, true),
        (120, false),
        (128, true),
        (136, true),
        (264, false),
        (130, false),
    ] {
        let key = config_key("t", KeyAlgorithm::HmacSha256, Some(bits), b"s");
        assert_eq!(KeyRing::new(&[key]).is_ok(), ok && bits >= 128, "{bits}");
    }
    assert!(KeyRing::new(&[config_key("bad..name", KeyAlgorithm::HmacSha1, None, b"")]).is_err());
}

//------------ Streams -----------------------------------------------------------

/// A verified request and the stream of `n` response messages to it.
fn stream_setup(alg: KeyAlgorithm) -> (Arc<TsigKey>, Verified) {
    let k = key("xfer", alg, None, b"stream secret");
    let (m, _) = signed_query(&k, NOW);
    let v = verify_request(&m, &ring_of(std::slice::from_ref(&k)), NOW)
        .expect("ok")
        .expect("signed");
    (k, v)
}

/// Signs messages `0..n` of a stream, leaving unsigned those for which `skip` holds.
fn stream(v: &Verified, n: usize, skip: impl Fn(usize) -> bool) -> Vec<Vec<u8>> {
    let mut signer = StreamSigner::new(v);
    (0..n)
        .map(|i| {
            let mut msg = response(0x4242, i as u8);
            if skip(i) {
                signer.pass_unsigned(&msg).expect("not the first");
            } else {
                signer.sign(&mut msg, NOW + i as u64).expect("signs");
            }
            msg
        })
        .collect()
}

fn verify_all(k: &Arc<TsigKey>, v: &Verified, msgs: &[Vec<u8>]) -> Result<(), VerifyError> {
    let mut verifier = StreamVerifier::new(Arc::clone(k), v.request_mac);
    for msg in msgs {
        verifier.verify(msg, NOW)?;
    }
    verifier.finish()
}

#[test]
fn every_message_signed_verifies() {
    for alg in ALGORITHMS {
        let (k, v) = stream_setup(alg);
        let msgs = stream(&v, 5, |_| false);
        verify_all(&k, &v, &msgs).expect("verifies");
        // The first message is an ordinary signed response.
        verify_response(&msgs[0], &k, &v.request_mac, NOW).expect("verifies");
    }
}

#[test]
fn up_to_99_unsigned_messages_in_a_row_are_accepted() {
    let (k, v) = stream_setup(KeyAlgorithm::HmacSha256);
    let msgs = stream(&v, 1 + 99 + 1 + 99 + 1, |i| i % 100 != 0);
    let mut verifier = StreamVerifier::new(Arc::clone(&k), v.request_mac);
    for (i, msg) in msgs.iter().enumerate() {
        let kind = verifier.verify(msg, NOW).expect("verifies");
        let expected = if i % 100 == 0 {
            StreamMessage::Signed
        } else {
            StreamMessage::Unsigned
        };
        assert_eq!(kind, expected, "message {i}");
    }
    verifier.finish().expect("ends signed");
}

#[test]
fn a_hundredth_unsigned_message_in_a_row_is_refused() {
    let (k, v) = stream_setup(KeyAlgorithm::HmacSha256);
    let msgs = stream(&v, 102, |i| i != 0 && i != 101);
    let err = verify_all(&k, &v, &msgs).expect_err("too many");
    assert!(matches!(
        err,
        VerifyError::Stream(StreamFault::TooManyUnsigned)
    ));
}

#[test]
fn the_first_and_last_messages_must_be_signed() {
    let (k, v) = stream_setup(KeyAlgorithm::HmacSha256);
    let msgs = stream(&v, 4, |i| i == 3);
    let err = verify_all(&k, &v, &msgs).expect_err("last unsigned");
    assert!(matches!(
        err,
        VerifyError::Stream(StreamFault::LastUnsigned)
    ));
    let mut msgs = stream(&v, 3, |_| false);
    msgs[0] = response(0x4242, 0);
    let err = verify_all(&k, &v, &msgs).expect_err("first unsigned");
    assert!(matches!(
        err,
        VerifyError::Stream(StreamFault::FirstUnsigned)
    ));
    let mut signer = StreamSigner::new(&v);
    assert_eq!(
        signer.pass_unsigned(&response(1, 1)),
        Err(SignError::FirstUnsigned)
    );
    let verifier = StreamVerifier::new(k, v.request_mac);
    assert!(verifier.finish().is_err());
}

#[test]
fn tampered_reordered_or_dropped_messages_fail_at_the_next_signature() {
    let (k, v) = stream_setup(KeyAlgorithm::HmacSha512);
    let msgs = stream(&v, 6, |i| i == 2 || i == 3);
    verify_all(&k, &v, &msgs).expect("intact");
    // An unsigned message changed: the next signed one does not verify.
    let mut bad = msgs.clone();
    let last = bad[2].len() - 1;
    bad[2][last] ^= 1;
    let err = verify_all(&k, &v, &bad).expect_err("tampered");
    assert_eq!(err.tsig_error(), Some(TsigRcode::BADSIG));
    // Two messages swapped.
    let mut swapped = msgs.clone();
    swapped.swap(4, 5);
    assert!(verify_all(&k, &v, &swapped).is_err());
    // An unsigned message dropped.
    let mut dropped = msgs.clone();
    dropped.remove(3);
    assert!(verify_all(&k, &v, &dropped).is_err());
    // Once failed, the verifier refuses everything after.
    let mut verifier = StreamVerifier::new(Arc::clone(&k), v.request_mac);
    assert!(verifier.verify(&bad[0], NOW).is_ok());
    assert!(verifier.verify(&bad[4], NOW).is_err());
    assert!(matches!(
        verifier.verify(&bad[5], NOW),
        Err(VerifyError::Stream(StreamFault::AlreadyFailed))
    ));
}

#[test]
fn stream_messages_are_checked_for_time() {
    let (k, v) = stream_setup(KeyAlgorithm::HmacSha256);
    let msgs = stream(&v, 2, |_| false);
    let mut verifier = StreamVerifier::new(Arc::clone(&k), v.request_mac);
    let err = verifier.verify(&msgs[0], NOW + 1000).expect_err("late");
    assert_eq!(err.tsig_error(), Some(TsigRcode::BADTIME));
}
