//! Control-channel messages: any bytes must decode or fail cleanly, never panic. What
//! decodes must encode back to a message that decodes to the same table. The same bytes
//! also go through the server's session (as a stream of frames, as a message, signed with
//! a listener key so the checks after authentication run too) and the client's reader.

#![no_main]

use conf::model::KeyAlgorithm;
use ctl::ControlKey;
use ctl::message::{Response, sign_frame};
use ctl::server::{Incoming, ReplayCache, Session};
use ctl::wire::{self, FrameReader, SERVER_MAX_LENGTH, Table, Value};
use libfuzzer_sys::fuzz_target;

const NOW: u64 = 1_795_317_840;

fuzz_target!(|data: &[u8]| {
    let keys = [
        ControlKey::new("m", KeyAlgorithm::HmacMd5, b"fuzz md5"),
        ControlKey::new("k", KeyAlgorithm::HmacSha256, b"fuzz sha256"),
    ];

    if let Ok(decoded) = wire::decode_message(data) {
        let mut body = Vec::new();
        decoded
            .table
            .encode_body(&mut body)
            .expect("a decoded table encodes");
        let framed = wire::frame(&body).expect("frames");
        let again = wire::decode_message(&framed[4..]).expect("re-encoded message decodes");
        assert_eq!(again.table, decoded.table, "round trip changed the table");
        let _ = Response::decode(data, &keys[1]);

        // Signed under a listener key, the decoded sections reach the later checks.
        let section = |name: &str| match decoded.table.get(name) {
            Some(Value::Table(t)) => t.clone(),
            _ => Table::new(),
        };
        if let Ok(frame) = sign_frame(&keys[1], section("_ctrl"), section("_data")) {
            let replay = ReplayCache::new();
            let mut session = Session::new();
            for _ in 0..2 {
                match session.receive(&frame[4..], &keys, NOW, &replay) {
                    Ok(Incoming::Reply(reply)) => {
                        Response::decode(&reply[4..], &keys[1]).expect("our reply verifies");
                    }
                    Ok(Incoming::Command(cmd)) => {
                        let _ = cmd.words();
                    }
                    Err(_) => {}
                }
            }
        }
    }

    let replay = ReplayCache::new();
    let mut session = Session::new();
    let mut reader = FrameReader::new(SERVER_MAX_LENGTH);
    for chunk in data.chunks(97) {
        reader.push(chunk);
        loop {
            match reader.next_message() {
                Ok(Some(message)) => {
                    assert!(message.len() <= SERVER_MAX_LENGTH);
                    let _ = session.receive(&message, &keys, NOW, &replay);
                }
                Ok(None) => break,
                Err(_) => return,
            }
        }
    }
});
