//! The server side of one control connection, independent of the transport.
//!
//! The caller owns the socket. Per connection it makes a [`Session`], cuts the byte stream
//! into messages with [`FrameReader`](crate::wire::FrameReader) (limit
//! [`SERVER_MAX_LENGTH`](crate::wire::SERVER_MAX_LENGTH)), and hands each message to
//! [`Session::receive`] with the listener's keys, the current time and the server-wide
//! [`ReplayCache`]. The answer is either a reply to write at once (the nonce handshake) or a
//! [`CommandRequest`] to run; the command's [`Outcome`] becomes the reply frame through
//! [`CommandRequest::respond`]. Any [`Reject`] means: send nothing, close the connection,
//! log `invalid command from ADDR#PORT: <reject>` (BIND's wording).
//!
//! The checks are BIND 9.18's, in its order: signature under one of the keys (tried in
//! order), not a reply, `_tim` within [`CLOCK_SKEW`] of now, `_exp` not passed, the
//! `(_frm, _to, _ser, _tim)` tuple not seen in the last [`REPLAY_WINDOW`] seconds on any
//! connection, and, after the first message, `_nonce` equal to the connection's nonce.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::Mutex;
use std::time::Duration;

use thiserror::Error;

use crate::auth::ControlKey;
use crate::command::split_words;
use crate::message::{MessageError, VALIDITY, sign_frame, verify};
use crate::result::ResultCode;
use crate::wire::{FrameReader, SERVER_MAX_LENGTH, Table, Value, WireError, lenient_u32};

/// How far a request's `_tim` may be from the server's clock, in seconds.
pub const CLOCK_SKEW: u64 = 300;

/// How long a request's identity is remembered to refuse replays, in seconds.
pub const REPLAY_WINDOW: u64 = 900;

/// How long a connection may stay without a complete message before the server closes it.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

//------------ Reject ----------------------------------------------------------

/// Why a message is refused; the connection is then closed without a reply.
///
/// The texts are those BIND logs after `invalid command from ADDR#PORT: `.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Reject {
    /// The length prefix is zero.
    #[error("unexpected end of input")]
    UnexpectedEnd,
    /// The length prefix is over the limit.
    #[error("out of range")]
    OutOfRange,
    /// Undecodable, unsigned, signed with no listener key, or the wrong nonce.
    #[error("bad auth")]
    BadAuth,
    /// Not a request (`_rpl` set), no `_ctrl` table or `_tim`, or whitespace in an identity field.
    #[error("failure")]
    Failure,
    /// `_tim` is too far from the server's clock.
    #[error("clock skew")]
    ClockSkew,
    /// `_exp` has passed.
    #[error("expired")]
    Expired,
    /// The same request was seen recently: a replay.
    #[error("duplicate")]
    Duplicate,
    /// No randomness for the nonce.
    #[error("no randomness for the nonce")]
    Random,
    /// The reply could not be encoded.
    #[error("cannot encode the reply: {0}")]
    Encode(MessageError),
}

impl From<WireError> for Reject {
    fn from(e: WireError) -> Self {
        match e {
            WireError::OutOfRange => Self::OutOfRange,
            WireError::UnexpectedEnd => Self::UnexpectedEnd,
            _ => Self::BadAuth,
        }
    }
}

//------------ ReplayCache -----------------------------------------------------

/// The requests seen in the last [`REPLAY_WINDOW`] seconds, shared by all connections of a
/// server (wrap it in an `Arc`).
#[derive(Debug, Default)]
pub struct ReplayCache {
    seen: Mutex<HashMap<Vec<u8>, u64>>,
}

impl ReplayCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `id` at `now`; false when it was already recorded within the window.
    fn insert(&self, id: Vec<u8>, now: u64) -> bool {
        // A poisoned lock only means another connection panicked; the map is still sound.
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.retain(|_, &mut at| at.saturating_add(REPLAY_WINDOW) >= now);
        match seen.get(&id) {
            Some(_) => false,
            None => {
                seen.insert(id, now);
                true
            }
        }
    }

    /// How many requests are remembered.
    pub fn len(&self) -> usize {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether none is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

//------------ Outcome ---------------------------------------------------------

/// What a command handler returns: the result code and the text to show.
///
/// A failure's `err` is the code's text ([`ResultCode::text`]), as BIND sends it; `text` may
/// accompany a failure too (`no matching zone 'x' in any view`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The result; [`ResultCode::SUCCESS`] when the command worked.
    pub result: ResultCode,
    /// The output, without a trailing newline; `None` or empty sends none.
    pub text: Option<String>,
}

impl Outcome {
    /// Success without output.
    pub fn ok() -> Self {
        Self {
            result: ResultCode::SUCCESS,
            text: None,
        }
    }

    /// Success with output.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            result: ResultCode::SUCCESS,
            text: Some(text.into()),
        }
    }

    /// A failure without explanation.
    pub fn error(result: ResultCode) -> Self {
        Self { result, text: None }
    }

    /// A failure with an explanation.
    pub fn error_text(result: ResultCode, text: impl Into<String>) -> Self {
        Self {
            result,
            text: Some(text.into()),
        }
    }
}

//------------ Session ---------------------------------------------------------

/// One control connection's state: its nonce, 0 until the first message arrived.
#[derive(Debug, Default)]
pub struct Session {
    nonce: u32,
}

/// What to do with an accepted message.
#[derive(Debug)]
pub enum Incoming {
    /// Write this frame back; nothing is run (the first message only sets up the nonce).
    Reply(Vec<u8>),
    /// Run this command and write [`CommandRequest::respond`]'s frame back.
    Command(CommandRequest),
}

impl Session {
    /// A new connection's session.
    pub fn new() -> Self {
        Self::default()
    }

    /// The connection's nonce; 0 before the first message.
    pub fn nonce(&self) -> u32 {
        self.nonce
    }

    /// Checks one message (the bytes after the length prefix) and says what to do with it.
    ///
    /// `keys` are the listener's keys in configuration order, `now` is Unix time.
    pub fn receive(
        &mut self,
        message: &[u8],
        keys: &[ControlKey],
        now: u64,
        replay: &ReplayCache,
    ) -> Result<Incoming, Reject> {
        let (top, index) = verify(message, keys).map_err(|_| Reject::BadAuth)?;
        let ctrl = top.table("_ctrl").ok_or(Reject::Failure)?;
        if ctrl.get("_rpl").is_some() {
            return Err(Reject::Failure);
        }
        let tim = ctrl.binary("_tim").ok_or(Reject::Failure)?;
        let sent = u64::from(lenient_u32(tim));
        if sent.saturating_add(CLOCK_SKEW) < now || sent > now.saturating_add(CLOCK_SKEW) {
            return Err(Reject::ClockSkew);
        }
        if let Some(exp) = ctrl.binary("_exp") {
            if now > u64::from(lenient_u32(exp)) {
                return Err(Reject::Expired);
            }
        }
        let ser = ctrl.binary("_ser").unwrap_or_default();
        let frm = ctrl.binary("_frm");
        let to = ctrl.binary("_to");
        let mut id = Vec::new();
        for (i, part) in [frm.unwrap_or_default(), to.unwrap_or_default(), ser, tim]
            .into_iter()
            .enumerate()
        {
            if part.iter().any(|&b| matches!(b, b' ' | b'\t' | b'\n')) {
                return Err(Reject::Failure);
            }
            if i > 0 {
                id.push(b';');
            }
            id.extend_from_slice(part);
        }
        if !replay.insert(id, now) {
            return Err(Reject::Duplicate);
        }
        if self.nonce != 0 && ctrl.binary("_nonce").map(lenient_u32) != Some(self.nonce) {
            return Err(Reject::BadAuth);
        }
        let command = top.table("_data").and_then(|d| d.binary("type"));
        let request = CommandRequest {
            command: command.map(text_of).unwrap_or_default(),
            raw_command: command.map(<[u8]>::to_vec),
            key: keys[index].clone(),
            ser: ser.to_vec(),
            frm: frm.map(<[u8]>::to_vec),
            to: to.map(<[u8]>::to_vec),
            nonce: 0,
        };
        if self.nonce == 0 {
            self.nonce = new_nonce()?;
            let request = CommandRequest {
                nonce: self.nonce,
                ..request
            };
            return request.respond(&Outcome::ok(), now).map(Incoming::Reply);
        }
        let request = CommandRequest {
            nonce: self.nonce,
            ..request
        };
        if request.raw_command.is_none() {
            return request
                .respond(&Outcome::error(ResultCode::FAILURE), now)
                .map(Incoming::Reply);
        }
        Ok(Incoming::Command(request))
    }
}

fn new_nonce() -> Result<u32, Reject> {
    loop {
        match getrandom::u32() {
            Ok(0) => continue,
            Ok(n) => return Ok(n),
            Err(_) => return Err(Reject::Random),
        }
    }
}

fn text_of(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

//------------ CommandRequest --------------------------------------------------

/// An authenticated command, waiting for its handler.
#[derive(Debug, Clone)]
pub struct CommandRequest {
    command: String,
    raw_command: Option<Vec<u8>>,
    key: ControlKey,
    ser: Vec<u8>,
    frm: Option<Vec<u8>>,
    to: Option<Vec<u8>>,
    nonce: u32,
}

impl CommandRequest {
    /// The command line as sent (`reload example.com`).
    pub fn command(&self) -> &str {
        &self.command
    }

    /// The command line split into words (double quotes group words).
    pub fn words(&self) -> Vec<String> {
        split_words(&self.command)
    }

    /// The verb, lower-cased: servers match it case-insensitively.
    pub fn verb(&self) -> String {
        self.words()
            .first()
            .map(|w| w.to_ascii_lowercase())
            .unwrap_or_default()
    }

    /// The name of the key that authenticated the command.
    pub fn key_name(&self) -> &str {
        &self.key.name
    }

    /// The reply frame (length prefix included) carrying `outcome`, signed with the key
    /// that authenticated the request.
    pub fn respond(&self, outcome: &Outcome, now: u64) -> Result<Vec<u8>, Reject> {
        let mut ctrl = Table::new()
            .with("_ser", Value::Binary(self.ser.clone()))
            .with("_tim", Value::number(now))
            .with("_exp", Value::number(now + VALIDITY));
        if let Some(to) = &self.to {
            ctrl.insert("_frm", Value::Binary(to.clone()));
        }
        if let Some(frm) = &self.frm {
            ctrl.insert("_to", Value::Binary(frm.clone()));
        }
        ctrl.insert("_rpl", Value::text("1"));
        ctrl.insert("_nonce", Value::number(self.nonce.into()));
        let mut data = Table::new();
        if let Some(raw) = &self.raw_command {
            data.insert("type", Value::Binary(raw.clone()));
        }
        data.insert("result", Value::number(outcome.result.0.into()));
        if !outcome.result.is_success() {
            data.insert("err", Value::text(&outcome.result.text()));
        }
        if let Some(text) = outcome.text.as_deref().filter(|t| !t.is_empty()) {
            data.insert("text", Value::text(text));
        }
        sign_frame(&self.key, ctrl, data).map_err(Reject::Encode)
    }
}

//------------ A blocking connection loop --------------------------------------

/// Why [`serve_stream`] returned.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ServeEnd {
    /// The peer closed the connection between messages.
    #[error("connection closed")]
    Closed,
    /// A message was refused; the connection must be closed.
    #[error("{0}")]
    Rejected(Reject),
    /// Reading or writing failed (a read timeout set on the socket ends up here).
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Serves one connection on a blocking stream until it ends: reads messages, answers the
/// handshake, runs `handler` for each command, writes the replies.
///
/// `now` gives Unix time. Set a read timeout of [`IDLE_TIMEOUT`] on the socket first.
pub fn serve_stream<S: Read + Write>(
    stream: &mut S,
    keys: &[ControlKey],
    replay: &ReplayCache,
    now: impl Fn() -> u64,
    mut handler: impl FnMut(&CommandRequest) -> Outcome,
) -> ServeEnd {
    let mut session = Session::new();
    let mut reader = FrameReader::new(SERVER_MAX_LENGTH);
    let mut buf = [0u8; 4096];
    loop {
        let message = loop {
            match reader.next_message() {
                Ok(Some(m)) => break m,
                Ok(None) => {}
                Err(e) => return ServeEnd::Rejected(e.into()),
            }
            match stream.read(&mut buf) {
                Ok(0) if reader.is_partial() => return ServeEnd::Rejected(Reject::UnexpectedEnd),
                Ok(0) => return ServeEnd::Closed,
                Ok(n) => reader.push(&buf[..n]),
                Err(e) => return ServeEnd::Io(e),
            }
        };
        let reply = match session.receive(&message, keys, now(), replay) {
            Ok(Incoming::Reply(frame)) => frame,
            Ok(Incoming::Command(request)) => {
                let outcome = handler(&request);
                match request.respond(&outcome, now()) {
                    Ok(frame) => frame,
                    Err(e) => return ServeEnd::Rejected(e),
                }
            }
            Err(e) => return ServeEnd::Rejected(e),
        };
        if let Err(e) = stream.write_all(&reply).and_then(|()| stream.flush()) {
            return ServeEnd::Io(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Request, Response};
    use conf::model::KeyAlgorithm;

    const NOW: u64 = 1_795_317_840;

    fn key() -> ControlKey {
        ControlKey::new(
            "k",
            KeyAlgorithm::HmacSha256,
            b"0123456789abcdef0123456789abcdef",
        )
    }

    fn msg(frame: &[u8]) -> &[u8] {
        &frame[4..]
    }

    fn request(ser: u32, time: u64, nonce: Option<u32>, command: &str) -> Vec<u8> {
        Request::new(ser, time, nonce, command)
            .encode(&key())
            .expect("encodes")
    }

    /// Runs the handshake; returns the session and its nonce.
    fn handshake(replay: &ReplayCache) -> (Session, u32) {
        let mut s = Session::new();
        let reply = match s.receive(msg(&request(1, NOW, None, "null")), &[key()], NOW, replay) {
            Ok(Incoming::Reply(r)) => r,
            other => panic!("expected a reply, got {other:?}"),
        };
        let r = Response::decode(msg(&reply), &key()).expect("signed reply");
        assert_eq!(r.result, Some(ResultCode::SUCCESS));
        assert_eq!(r.command, "null");
        assert_eq!(r.ser, 1);
        assert!(r.text.is_none());
        let nonce = r.nonce.expect("nonce");
        assert_ne!(nonce, 0);
        assert_eq!(s.nonce(), nonce);
        (s, nonce)
    }

    #[test]
    fn handshake_then_command() {
        let replay = ReplayCache::new();
        let (mut s, nonce) = handshake(&replay);
        let Ok(Incoming::Command(cmd)) = s.receive(
            msg(&request(2, NOW, Some(nonce), "ZoneStatus example.com")),
            &[key()],
            NOW + 1,
            &replay,
        ) else {
            panic!("expected a command");
        };
        assert_eq!(cmd.verb(), "zonestatus");
        assert_eq!(cmd.words(), vec!["ZoneStatus", "example.com"]);
        assert_eq!(cmd.key_name(), "k");
        let frame = cmd
            .respond(
                &Outcome::error_text(ResultCode::NOT_FOUND, "no matching zone"),
                NOW + 1,
            )
            .expect("reply");
        let r = Response::decode(msg(&frame), &key()).expect("reply verifies");
        assert_eq!(r.nonce, Some(nonce));
        assert_eq!(r.ser, 2);
        assert_eq!(r.err.as_deref(), Some("not found"));
        assert_eq!(r.text.as_deref(), Some("no matching zone"));
        assert_eq!(r.command, "ZoneStatus example.com");
        // The reply's _ctrl order is named's.
        let top = crate::wire::decode_message(msg(&frame))
            .expect("decodes")
            .table;
        let keys: Vec<_> = top
            .table("_ctrl")
            .expect("ctrl")
            .entries()
            .map(|(k, _)| String::from_utf8_lossy(k).into_owned())
            .collect();
        assert_eq!(keys, ["_ser", "_tim", "_exp", "_rpl", "_nonce"]);
    }

    #[test]
    fn first_message_is_never_run() {
        let replay = ReplayCache::new();
        let mut s = Session::new();
        let reply = s.receive(msg(&request(1, NOW, None, "stop")), &[key()], NOW, &replay);
        assert!(matches!(reply, Ok(Incoming::Reply(_))));
    }

    #[test]
    fn wrong_key_and_wrong_nonce_are_bad_auth() {
        let replay = ReplayCache::new();
        let other = ControlKey::new("o", KeyAlgorithm::HmacSha256, b"other");
        let mut s = Session::new();
        assert_eq!(
            s.receive(msg(&request(1, NOW, None, "null")), &[other], NOW, &replay)
                .err(),
            Some(Reject::BadAuth)
        );
        let (mut s, nonce) = handshake(&replay);
        assert_eq!(
            s.receive(
                msg(&request(5, NOW, Some(nonce ^ 1), "status")),
                &[key()],
                NOW,
                &replay
            )
            .err(),
            Some(Reject::BadAuth)
        );
        let (mut s, _) = handshake(&ReplayCache::new());
        assert_eq!(
            s.receive(
                msg(&request(6, NOW, None, "status")),
                &[key()],
                NOW,
                &replay
            )
            .err(),
            Some(Reject::BadAuth)
        );
    }

    #[test]
    fn clock_and_expiry() {
        let replay = ReplayCache::new();
        let check = |time: u64, now: u64| {
            Session::new()
                .receive(
                    msg(&request(time as u32, time, None, "null")),
                    &[key()],
                    now,
                    &replay,
                )
                .err()
        };
        assert_eq!(check(NOW - 290, NOW), Some(Reject::Expired));
        assert_eq!(check(NOW - 301, NOW), Some(Reject::ClockSkew));
        assert_eq!(check(NOW + 301, NOW), Some(Reject::ClockSkew));
        assert_eq!(check(NOW + 300, NOW), None);
        assert_eq!(check(NOW - 60, NOW), None);
        // Without _exp, only the skew counts.
        let mut ctrl = Table::new()
            .with("_ser", Value::number(9))
            .with("_tim", Value::number(NOW - 290));
        let data = Table::new().with("type", Value::text("null"));
        let frame = sign_frame(&key(), ctrl.clone(), data.clone()).expect("signs");
        assert!(
            Session::new()
                .receive(msg(&frame), &[key()], NOW, &replay)
                .is_ok()
        );
        // Without _tim: failure.
        ctrl = Table::new().with("_ser", Value::number(10));
        let frame = sign_frame(&key(), ctrl, data).expect("signs");
        assert_eq!(
            Session::new()
                .receive(msg(&frame), &[key()], NOW, &replay)
                .err(),
            Some(Reject::Failure)
        );
    }

    #[test]
    fn replays_are_refused_across_connections() {
        let replay = ReplayCache::new();
        let frame = request(77, NOW, None, "null");
        assert!(
            Session::new()
                .receive(msg(&frame), &[key()], NOW, &replay)
                .is_ok()
        );
        assert_eq!(
            Session::new()
                .receive(msg(&frame), &[key()], NOW + 10, &replay)
                .err(),
            Some(Reject::Duplicate)
        );
        assert_eq!(replay.len(), 1);
        // A command captured on one connection cannot run on another: its nonce is stale,
        // and the identical bytes are a duplicate.
        let (mut s1, nonce) = handshake(&replay);
        let cmd = request(3, NOW, Some(nonce), "stop");
        assert!(matches!(
            s1.receive(msg(&cmd), &[key()], NOW, &replay),
            Ok(Incoming::Command(_))
        ));
        let mut s2 = Session::new();
        assert_eq!(
            s2.receive(msg(&cmd), &[key()], NOW, &replay).err(),
            Some(Reject::Duplicate)
        );
        // Entries age out.
        let fresh = ReplayCache::new();
        let f = request(5, NOW, None, "null");
        assert!(
            Session::new()
                .receive(msg(&f), &[key()], NOW, &fresh)
                .is_ok()
        );
        assert!(
            Session::new()
                .receive(msg(&f), &[key()], NOW + REPLAY_WINDOW + 1, &fresh)
                .is_err()
        );
    }

    #[test]
    fn replies_and_whitespace_are_failures() {
        let replay = ReplayCache::new();
        let data = Table::new().with("type", Value::text("null"));
        let reply_ctrl = Table::new()
            .with("_ser", Value::number(1))
            .with("_tim", Value::number(NOW))
            .with("_rpl", Value::text("1"));
        let frame = sign_frame(&key(), reply_ctrl, data.clone()).expect("signs");
        assert_eq!(
            Session::new()
                .receive(msg(&frame), &[key()], NOW, &replay)
                .err(),
            Some(Reject::Failure)
        );
        let spaced = Table::new()
            .with("_ser", Value::text("55 52"))
            .with("_tim", Value::number(NOW));
        let frame = sign_frame(&key(), spaced, data).expect("signs");
        assert_eq!(
            Session::new()
                .receive(msg(&frame), &[key()], NOW, &replay)
                .err(),
            Some(Reject::Failure)
        );
    }

    #[test]
    fn frm_and_to_are_swapped() {
        let replay = ReplayCache::new();
        let ctrl = Table::new()
            .with("_ser", Value::number(1))
            .with("_tim", Value::number(NOW))
            .with("_frm", Value::text("me"))
            .with("_to", Value::text("you"));
        let data = Table::new().with("type", Value::text("null"));
        let frame = sign_frame(&key(), ctrl, data).expect("signs");
        let Ok(Incoming::Reply(reply)) =
            Session::new().receive(msg(&frame), &[key()], NOW, &replay)
        else {
            panic!("expected a reply");
        };
        let top = crate::wire::decode_message(msg(&reply))
            .expect("decodes")
            .table;
        let ctrl = top.table("_ctrl").expect("ctrl");
        assert_eq!(ctrl.binary("_frm"), Some(&b"you"[..]));
        assert_eq!(ctrl.binary("_to"), Some(&b"me"[..]));
        let keys: Vec<_> = ctrl.entries().map(|(k, _)| k.to_vec()).collect();
        assert_eq!(
            keys[3..],
            [
                b"_frm".to_vec(),
                b"_to".to_vec(),
                b"_rpl".to_vec(),
                b"_nonce".to_vec()
            ]
        );
    }

    #[test]
    fn second_key_of_the_list_is_used_for_the_reply() {
        let replay = ReplayCache::new();
        let md5 = ControlKey::new("m", KeyAlgorithm::HmacMd5, b"md5 secret");
        let frame = Request::new(1, NOW, None, "null")
            .encode(&md5)
            .expect("enc");
        let Ok(Incoming::Reply(reply)) =
            Session::new().receive(msg(&frame), &[key(), md5.clone()], NOW, &replay)
        else {
            panic!("expected a reply");
        };
        assert!(Response::decode(msg(&reply), &md5).is_ok());
        assert!(Response::decode(msg(&reply), &key()).is_err());
    }

    /// `rndc status`'s first message (the `null` handshake), captured from BIND 9.18's rndc.
    const CAPTURED: [(&[u8], KeyAlgorithm, &str); 2] = [
        (
            include_bytes!("../testdata/rndc-null-hmac-sha256.bin"),
            KeyAlgorithm::HmacSha256,
            "VsEphydwdoaAnrPWx6Ljv3gHWtWoQNzJ9VqDUibDh+o=",
        ),
        (
            include_bytes!("../testdata/rndc-null-hmac-md5.bin"),
            KeyAlgorithm::HmacMd5,
            "MFSOV4BFnSslt6AqeculNg==",
        ),
    ];

    #[test]
    fn captured_rndc_requests_verify_and_replay_is_refused() {
        for (frame, alg, secret) in CAPTURED {
            let secret = conf::model::decode_secret(secret).expect("base64");
            let real = ControlKey::new("k", alg, &secret);
            let n = crate::wire::frame_length(
                [frame[0], frame[1], frame[2], frame[3]],
                SERVER_MAX_LENGTH,
            )
            .expect("length");
            assert_eq!(n + 4, frame.len());
            let (top, index) = verify(msg(frame), &[key(), real.clone()]).expect("verifies");
            assert_eq!(index, 1);
            let ctrl = top.table("_ctrl").expect("ctrl");
            let sent = u64::from(lenient_u32(ctrl.binary("_tim").expect("tim")));
            assert_eq!(ctrl.binary("_exp").map(lenient_u32), Some(sent as u32 + 60));
            assert_eq!(
                top.table("_data").and_then(|d| d.binary("type")),
                Some(&b"null"[..])
            );
            // Our own encoder makes the same bytes from the same fields.
            let ser = lenient_u32(ctrl.binary("_ser").expect("ser"));
            let ours = Request::new(ser, sent, None, "null")
                .encode(&real)
                .expect("enc");
            assert_eq!(ours.as_slice(), frame);
            // Accepted once; the same bytes again, on any connection, are a replay.
            let replay = ReplayCache::new();
            assert!(matches!(
                Session::new().receive(msg(frame), std::slice::from_ref(&real), sent + 5, &replay),
                Ok(Incoming::Reply(_))
            ));
            assert_eq!(
                Session::new()
                    .receive(msg(frame), std::slice::from_ref(&real), sent + 6, &replay)
                    .err(),
                Some(Reject::Duplicate)
            );
            // Later than the expiry it is refused even by a fresh server.
            assert_eq!(
                Session::new()
                    .receive(msg(frame), &[real], sent + 61, &ReplayCache::new())
                    .err(),
                Some(Reject::Expired)
            );
        }
    }

    #[test]
    fn blocking_loop_serves_a_client_exchange() {
        use std::io::Cursor;
        // Two requests back to back in one stream: both are answered.
        let replay = ReplayCache::new();
        let mut input = request(1, NOW, None, "null");
        // The nonce is random, so the second request cannot be prepared in advance; a
        // stream that ends after the handshake shows the loop's end instead.
        input.extend_from_slice(&[0, 0]);
        struct Duplex {
            input: Cursor<Vec<u8>>,
            output: Vec<u8>,
        }
        impl Read for Duplex {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.input.read(buf)
            }
        }
        impl Write for Duplex {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.output.write(buf)
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut d = Duplex {
            input: Cursor::new(input),
            output: Vec::new(),
        };
        let end = serve_stream(&mut d, &[key()], &replay, || NOW, |_| Outcome::ok());
        assert!(
            matches!(end, ServeEnd::Rejected(Reject::UnexpectedEnd)),
            "{end:?}"
        );
        assert!(Response::decode(&d.output[4..], &key()).is_ok());
    }
}
