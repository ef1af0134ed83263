//! Multi-message streams (AXFR, IXFR over TCP): each signed message's MAC covers the
//! previous MAC, any unsigned messages since, the message and the timers (RFC 8945 §5.3.1).

use std::sync::Arc;

use super::algorithm::{Mac, MacContext};
use super::error::{SignError, StreamFault, TsigRcode, VerifyError};
use super::key::TsigKey;
use super::message::{self, Verified};
use super::record;

/// The most messages in a row a receiver accepts without TSIG (RFC 8945 §5.3.1).
pub const MAX_UNSIGNED_RUN: u32 = 99;

/// Where a stream stands between messages.
#[derive(Clone)]
enum State {
    /// Nothing sent or received yet: the next message needs the full variables.
    First,
    /// After a signed message: the digest of what follows, started with its MAC.
    After { ctx: Box<MacContext>, unsigned: u32 },
    /// An error ended the stream.
    Failed,
}

/// Signs the messages of a response stream to a verified request.
#[derive(Clone)]
pub struct StreamSigner {
    key: Arc<TsigKey>,
    request_mac: Mac,
    state: State,
}

impl StreamSigner {
    /// A signer for the responses to `verified`.
    pub fn new(verified: &Verified) -> Self {
        Self::with_key(Arc::clone(&verified.key), verified.request_mac)
    }

    /// A signer for the responses to a request signed with `key` whose MAC was
    /// `request_mac`.
    pub fn with_key(key: Arc<TsigKey>, request_mac: Mac) -> Self {
        Self {
            key,
            request_mac,
            state: State::First,
        }
    }

    /// Signs the next message of the stream (without TSIG) at time `now`; returns its MAC.
    pub fn sign(&mut self, msg: &mut Vec<u8>, now: u64) -> Result<Mac, SignError> {
        let id = msg
            .get(..2)
            .map(|h| u16::from_be_bytes([h[0], h[1]]))
            .ok_or(super::Malformed::ShortHeader)?;
        let fields = message::own_fields(&self.key, now, id, TsigRcode::NOERROR, &[]);
        let mut ctx = match std::mem::replace(&mut self.state, State::Failed) {
            State::First => {
                let mut ctx = self.key.context();
                record::digest_prior(&mut ctx, self.request_mac.as_bytes());
                ctx.update(msg);
                record::digest_variables(&mut ctx, &fields);
                ctx
            }
            State::After { mut ctx, .. } => {
                ctx.update(msg);
                record::digest_timers(&mut ctx, fields.time_signed, fields.fudge);
                *ctx
            }
            State::Failed => return Err(SignError::AlreadyFailed),
        };
        let mac = std::mem::replace(&mut ctx, self.key.context())
            .finish()
            .truncated(self.key.mac_len());
        record::append(msg, &fields, mac.as_bytes())?;
        record::digest_prior(&mut ctx, mac.as_bytes());
        self.state = State::After {
            ctx: Box::new(ctx),
            unsigned: 0,
        };
        Ok(mac)
    }

    /// Records that `msg` is sent without TSIG: the next signed message's MAC covers it.
    /// The first message must be signed; the caller keeps runs under 100 messages.
    pub fn pass_unsigned(&mut self, msg: &[u8]) -> Result<(), SignError> {
        match &mut self.state {
            State::First => Err(SignError::FirstUnsigned),
            State::After { ctx, unsigned } => {
                ctx.update(msg);
                *unsigned += 1;
                Ok(())
            }
            State::Failed => Err(SignError::AlreadyFailed),
        }
    }
}

/// What a stream message turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamMessage {
    /// Signed, and the MAC verified.
    Signed,
    /// Without TSIG: accepted for now; a later signed message must cover it.
    Unsigned,
}

/// Verifies the messages of a response stream to a request we signed.
#[derive(Clone)]
pub struct StreamVerifier {
    key: Arc<TsigKey>,
    request_mac: Mac,
    state: State,
    last_signed: bool,
}

impl StreamVerifier {
    /// A verifier for the responses to a request signed with `key` whose MAC was
    /// `request_mac`.
    pub fn new(key: Arc<TsigKey>, request_mac: Mac) -> Self {
        Self {
            key,
            request_mac,
            state: State::First,
            last_signed: false,
        }
    }

    /// Verifies the next message at time `now`. The first message must be signed; up to
    /// [`MAX_UNSIGNED_RUN`] in a row may then come unsigned. Any error ends the stream:
    /// later messages get [`StreamFault::AlreadyFailed`].
    pub fn verify(&mut self, msg: &[u8], now: u64) -> Result<StreamMessage, VerifyError> {
        let state = std::mem::replace(&mut self.state, State::Failed);
        let outcome = self.step(state, msg, now);
        if let Ok(kind) = &outcome {
            self.last_signed = *kind == StreamMessage::Signed;
        }
        outcome
    }

    fn step(&mut self, state: State, msg: &[u8], now: u64) -> Result<StreamMessage, VerifyError> {
        let tsig = record::locate(msg)?;
        match (state, tsig) {
            (State::Failed, _) => Err(StreamFault::AlreadyFailed.into()),
            (State::First, None) => Err(StreamFault::FirstUnsigned.into()),
            (State::After { mut ctx, unsigned }, None) => {
                if unsigned >= MAX_UNSIGNED_RUN {
                    return Err(StreamFault::TooManyUnsigned.into());
                }
                ctx.update(msg);
                self.state = State::After {
                    ctx,
                    unsigned: unsigned + 1,
                };
                Ok(StreamMessage::Unsigned)
            }
            (state, Some(tsig)) => {
                message::check_same_key(&tsig, &self.key)?;
                if tsig.rdata.error != TsigRcode::NOERROR && tsig.rdata.mac.is_empty() {
                    return Err(VerifyError::PeerError(tsig.rdata.error));
                }
                message::check_mac_len(self.key.algorithm(), tsig.rdata.mac)?;
                let (mut ctx, first) = match state {
                    State::After { ctx, .. } => (*ctx, false),
                    _ => {
                        let mut ctx = self.key.context();
                        record::digest_prior(&mut ctx, self.request_mac.as_bytes());
                        (ctx, true)
                    }
                };
                record::digest_message(&mut ctx, msg, tsig.start, tsig.rdata.original_id, true);
                if first {
                    record::digest_variables(&mut ctx, &message::received_fields(&tsig));
                } else {
                    record::digest_timers(&mut ctx, tsig.rdata.time_signed, tsig.rdata.fudge);
                }
                let mac = message::check_signed(&tsig, ctx.finish(), &self.key, now)?;
                let mut next = self.key.context();
                record::digest_prior(&mut next, mac.as_bytes());
                self.state = State::After {
                    ctx: Box::new(next),
                    unsigned: 0,
                };
                Ok(StreamMessage::Signed)
            }
        }
    }

    /// Ends the stream: an error unless its last message was signed and verified.
    pub fn finish(&self) -> Result<(), VerifyError> {
        match self.state {
            State::Failed => Err(StreamFault::AlreadyFailed.into()),
            _ if self.last_signed => Ok(()),
            _ => Err(StreamFault::LastUnsigned.into()),
        }
    }
}
