//! A blocking control-channel client, as rndc talks to a server.
//!
//! [`Client::command`] sends `null` first to learn the connection's nonce, then the command
//! with the nonce, and returns the server's [`Response`]. Each message gets a fresh serial
//! from a random start; every reply must verify with the key. A server that refuses a
//! request closes the connection without a reply ([`ClientError::Closed`]).

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use thiserror::Error;

use crate::auth::ControlKey;
use crate::message::{MessageError, Request, Response};
use crate::wire::{CLIENT_MAX_LENGTH, WireError, frame_length};

/// rndc's timeout for connecting, reading and writing.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

//------------ ClientError -----------------------------------------------------

/// Why a command did not get a response.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The TCP connection could not be made.
    #[error("connect failed: {addr}: {source}")]
    Connect {
        /// The server's address.
        addr: SocketAddr,
        /// What the system said.
        source: io::Error,
    },
    /// The server closed the connection instead of replying: it refused the request.
    #[error("connection to remote host closed")]
    Closed,
    /// No reply within the timeout.
    #[error("timed out")]
    Timeout,
    /// Reading or writing failed.
    #[error("{0}")]
    Io(io::Error),
    /// The reply's length prefix is invalid.
    #[error("{0}")]
    Wire(#[from] WireError),
    /// The reply is malformed or not signed with the key.
    #[error("{0}")]
    Message(#[from] MessageError),
    /// No randomness for the serial.
    #[error("no randomness for the message serial")]
    Random,
}

impl From<io::Error> for ClientError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => Self::Closed,
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Self::Timeout,
            _ => Self::Io(e),
        }
    }
}

//------------ Client ----------------------------------------------------------

/// Where and how to connect.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// The timeout for connecting and for each read and write.
    pub timeout: Duration,
    /// The local address to bind before connecting (`-b`); the port is chosen by the system.
    pub source: Option<IpAddr>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
            source: None,
        }
    }
}

/// One connection to a control channel.
#[derive(Debug)]
pub struct Client {
    stream: TcpStream,
    key: ControlKey,
    ser: u32,
    nonce: Option<u32>,
    handshaken: bool,
}

impl Client {
    /// Connects to `addr`; nothing is sent yet.
    pub fn connect(
        addr: SocketAddr,
        key: ControlKey,
        options: &ClientOptions,
    ) -> Result<Self, ClientError> {
        let connect_err = |source| ClientError::Connect { addr, source };
        let stream = match options.source {
            None => TcpStream::connect_timeout(&addr, options.timeout).map_err(connect_err)?,
            Some(ip) => {
                let socket = socket2::Socket::new(
                    socket2::Domain::for_address(addr),
                    socket2::Type::STREAM,
                    Some(socket2::Protocol::TCP),
                )
                .map_err(connect_err)?;
                socket
                    .bind(&SocketAddr::new(ip, 0).into())
                    .map_err(connect_err)?;
                socket
                    .connect_timeout(&addr.into(), options.timeout)
                    .map_err(connect_err)?;
                socket.into()
            }
        };
        stream.set_read_timeout(Some(options.timeout))?;
        stream.set_write_timeout(Some(options.timeout))?;
        let mut start = [0u8; 4];
        getrandom::fill(&mut start).map_err(|_| ClientError::Random)?;
        Ok(Self {
            stream,
            key,
            ser: u32::from_be_bytes(start),
            nonce: None,
            handshaken: false,
        })
    }

    /// Runs `command` (the whole command line, `zonestatus example.com`): the nonce
    /// handshake first if this connection has not done it, then the command.
    pub fn command(&mut self, command: &str) -> Result<Response, ClientError> {
        if !self.handshaken {
            let reply = self.exchange("null")?;
            self.nonce = reply.nonce.filter(|&n| n != 0);
            self.handshaken = true;
        }
        self.exchange(command)
    }

    /// Sends one request with the current nonce and reads its reply.
    pub fn exchange(&mut self, command: &str) -> Result<Response, ClientError> {
        self.ser = self.ser.wrapping_add(1);
        let frame = Request::new(self.ser, unix_now(), self.nonce, command).encode(&self.key)?;
        self.stream.write_all(&frame)?;
        self.stream.flush()?;
        let message = self.read_message()?;
        Ok(Response::decode(&message, &self.key)?)
    }

    fn read_message(&mut self) -> Result<Vec<u8>, ClientError> {
        let mut prefix = [0u8; 4];
        self.stream.read_exact(&mut prefix)?;
        let n = frame_length(prefix, CLIENT_MAX_LENGTH)?;
        let mut message = vec![0u8; n];
        self.stream.read_exact(&mut message)?;
        Ok(message)
    }
}

/// The current Unix time in seconds.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::{Outcome, ReplayCache, ServeEnd, serve_stream};
    use conf::model::KeyAlgorithm;
    use std::net::TcpListener;

    fn key() -> ControlKey {
        ControlKey::new("k", KeyAlgorithm::HmacSha512, b"a secret of some length")
    }

    #[test]
    fn client_and_server_agree() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = std::thread::spawn(move || {
            let replay = ReplayCache::new();
            let (mut stream, _) = listener.accept().expect("accept");
            serve_stream(&mut stream, &[key()], &replay, unix_now, |req| {
                match req.verb().as_str() {
                    "status" => Outcome::text("server is up and running"),
                    _ => Outcome::error(crate::ResultCode::UNKNOWN_COMMAND),
                }
            })
        });
        let mut client = Client::connect(addr, key(), &ClientOptions::default()).expect("connect");
        let r = client.command("status").expect("status");
        assert_eq!(r.text.as_deref(), Some("server is up and running"));
        assert!(r.err.is_none());
        let r = client.command("frobnicate now").expect("reply");
        assert_eq!(r.err.as_deref(), Some("unknown command"));
        assert_eq!(r.command, "frobnicate now");
        drop(client);
        let end = server.join().expect("server thread");
        assert!(matches!(end, ServeEnd::Closed), "{end:?}");
    }

    #[test]
    fn wrong_key_sees_the_connection_closed() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = std::thread::spawn(move || {
            let replay = ReplayCache::new();
            let (mut stream, _) = listener.accept().expect("accept");
            serve_stream(&mut stream, &[key()], &replay, unix_now, |_| Outcome::ok())
        });
        let wrong = ControlKey::new("k", KeyAlgorithm::HmacSha512, b"another secret");
        let mut client = Client::connect(addr, wrong, &ClientOptions::default()).expect("connect");
        let err = client.command("status").expect_err("refused");
        assert!(matches!(err, ClientError::Closed), "{err:?}");
        let end = server.join().expect("server thread");
        assert!(matches!(
            end,
            ServeEnd::Rejected(crate::server::Reject::BadAuth)
        ));
    }

    #[test]
    fn refused_connection_names_the_address() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        drop(listener);
        let err = Client::connect(addr, key(), &ClientOptions::default()).expect_err("refused");
        assert!(
            err.to_string()
                .starts_with(&format!("connect failed: {addr}")),
            "{err}"
        );
    }
}
