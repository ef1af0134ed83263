//! The UDP data plane: per listening address, one socket per worker thread (`SO_REUSEPORT`
//! spreads clients over them), each thread receiving with `recvmmsg` and answering with
//! `sendmmsg` in batches.
//!
//! A worker allocates its buffers once. Per batch it loads the current engine once (an
//! `arc-swap` load: no lock, no reference-count traffic), answers every message into its
//! workspace and copies each answer into a send arena, then sends them all with one call.
//! Nothing is allocated per query.

use std::io;
use std::mem::{size_of, zeroed};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::AsRawFd as _;
use std::ptr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

use super::Shared;
use super::log::error;
use crate::answer::{Client, Outcome, Transport, Workspace};
use crate::stats;
use crate::wire::Action;

/// Messages received or sent per system call.
const BATCH: usize = 64;
/// The receive buffer of one message: the largest UDP payload.
const RECV_SIZE: usize = 65535;
/// The distance between two receive buffers: a multiple of 64 bytes plus one cache line, so
/// that the starts of the buffers, where the messages are, fall in different cache sets
/// (a stride of a power of two would put them all in one).
const RECV_STRIDE: usize = 65536 + 64;
/// Room for the answers of one batch; a batch whose answers do not fit is sent in parts.
const ARENA_SIZE: usize = 256 * 1024;
/// The receive buffer asked for: room for a few thousand queued queries, so that a burst
/// arriving while a worker answers the previous batch is not dropped by the kernel. The
/// kernel caps it at `net.core.rmem_max`.
const RECV_BUFFER: usize = 4 << 20;
/// How often a blocked worker wakes to see whether it should stop.
const STOP_POLL: Duration = Duration::from_millis(250);

/// Binds `count` UDP sockets to `addr` with `SO_REUSEPORT`.
///
/// A socket without `SO_REUSEPORT` is bound first and closed: the kernel would let the
/// port be shared with another process's `SO_REUSEPORT` sockets of the same user, and the
/// probe turns that into the "address in use" an operator expects.
pub fn bind(addr: SocketAddr, count: usize) -> io::Result<Vec<Socket>> {
    drop(new_socket(addr, false)?);
    (0..count).map(|_| new_socket(addr, true)).collect()
}

fn new_socket(addr: SocketAddr, reuse_port: bool) -> io::Result<Socket> {
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    if reuse_port {
        socket.set_reuse_port(true)?;
    }
    socket.bind(&addr.into())?;
    if reuse_port {
        socket.set_read_timeout(Some(STOP_POLL))?;
        // A smaller buffer than asked for still works; only drops under bursts tell.
        let _ = socket.set_recv_buffer_size(RECV_BUFFER);
    }
    Ok(socket)
}

/// The worker threads of one address.
#[derive(Debug)]
pub struct Workers {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Starts one thread per socket.
    pub fn start(
        sockets: Vec<Socket>,
        local: SocketAddr,
        shared: &Arc<Shared>,
    ) -> io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::with_capacity(sockets.len());
        for socket in sockets {
            let stop_flag = Arc::clone(&stop);
            let shared = Arc::clone(shared);
            let spawned = std::thread::Builder::new()
                .name("rivetd-udp".into())
                .spawn(move || serve(&socket, local, &shared, &stop_flag));
            match spawned {
                Ok(handle) => threads.push(handle),
                Err(e) => {
                    let started = Self { stop, threads };
                    started.stop();
                    return Err(e);
                }
            }
        }
        Ok(Self { stop, threads })
    }

    /// Asks the threads to stop; they do within a fraction of a second.
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// Stops the threads and waits for them; their sockets close.
    pub fn stop(self) {
        self.request_stop();
        for thread in self.threads {
            let _ = thread.join();
        }
    }
}

/// The buffers one worker reuses for every batch.
///
/// The message headers point into the boxed buffers, whose heap addresses never change, so
/// they are set up once.
struct Batch {
    recv: Box<[u8]>,
    names: Box<[libc::sockaddr_storage]>,
    recv_iov: Box<[libc::iovec]>,
    recv_hdrs: Box<[libc::mmsghdr]>,
    arena: Box<[u8]>,
    send_iov: Box<[libc::iovec]>,
    send_hdrs: Box<[libc::mmsghdr]>,
}

impl Batch {
    fn new() -> Self {
        // SAFETY: all-zero bytes are valid values of these plain C structs.
        let zero_name: libc::sockaddr_storage = unsafe { zeroed() };
        let zero_iov = libc::iovec {
            iov_base: ptr::null_mut(),
            iov_len: 0,
        };
        // SAFETY: as above.
        let zero_hdr: libc::mmsghdr = unsafe { zeroed() };
        let mut batch = Self {
            recv: vec![0u8; BATCH * RECV_STRIDE].into_boxed_slice(),
            names: vec![zero_name; BATCH].into_boxed_slice(),
            recv_iov: vec![zero_iov; BATCH].into_boxed_slice(),
            recv_hdrs: vec![zero_hdr; BATCH].into_boxed_slice(),
            arena: vec![0u8; ARENA_SIZE].into_boxed_slice(),
            send_iov: vec![zero_iov; BATCH].into_boxed_slice(),
            send_hdrs: vec![zero_hdr; BATCH].into_boxed_slice(),
        };
        let recv = batch.recv.as_mut_ptr();
        for i in 0..BATCH {
            batch.recv_iov[i] = libc::iovec {
                // SAFETY: i * RECV_STRIDE + RECV_SIZE is within the BATCH * RECV_STRIDE buffer.
                iov_base: unsafe { recv.add(i * RECV_STRIDE) }.cast(),
                iov_len: RECV_SIZE,
            };
            let hdr = &mut batch.recv_hdrs[i].msg_hdr;
            hdr.msg_name = ptr::from_mut(&mut batch.names[i]).cast();
            hdr.msg_iov = ptr::from_mut(&mut batch.recv_iov[i]);
            hdr.msg_iovlen = 1;
            batch.send_hdrs[i].msg_hdr.msg_iov = ptr::from_mut(&mut batch.send_iov[i]);
            batch.send_hdrs[i].msg_hdr.msg_iovlen = 1;
        }
        batch
    }

    /// Receives up to a batch, blocking for the first message; the count, or the error.
    fn receive(&mut self, fd: libc::c_int) -> io::Result<usize> {
        for hdr in self.recv_hdrs.iter_mut() {
            hdr.msg_hdr.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            hdr.msg_hdr.msg_flags = 0;
            hdr.msg_len = 0;
        }
        // SAFETY: every header points at live buffers of the lengths it states (set up in
        // `new`, owned by `self`, which is borrowed mutably for the call).
        let n = unsafe {
            libc::recvmmsg(
                fd,
                self.recv_hdrs.as_mut_ptr(),
                BATCH as libc::c_uint,
                libc::MSG_WAITFORONE,
                ptr::null_mut(),
            )
        };
        if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }

    /// Message `i` of the last receive, and who sent it; `None` when it cannot be answered
    /// (cut short, or from an address family we do not speak).
    fn message(&self, i: usize) -> Option<(&[u8], SocketAddr)> {
        let hdr = &self.recv_hdrs[i];
        if hdr.msg_hdr.msg_flags & libc::MSG_TRUNC != 0 {
            return None;
        }
        let len = (hdr.msg_len as usize).min(RECV_SIZE);
        let peer = peer_addr(&self.names[i])?;
        let start = i * RECV_STRIDE;
        Some((&self.recv[start..start + len], peer))
    }

    /// Sends the `count` answers staged in the send headers, skipping any the kernel refuses.
    fn send(&mut self, fd: libc::c_int, count: usize) {
        let mut sent = 0;
        while sent < count {
            // SAFETY: headers `sent..count` were staged by `stage` and point into `arena`
            // and `names`, both owned by `self`.
            let n = unsafe {
                libc::sendmmsg(
                    fd,
                    self.send_hdrs.as_mut_ptr().add(sent),
                    (count - sent) as libc::c_uint,
                    0,
                )
            };
            if n > 0 {
                sent += n as usize;
                continue;
            }
            let err = io::Error::last_os_error();
            if err.kind() != io::ErrorKind::Interrupted {
                // The first message failed (an unreachable or forbidden destination): that
                // answer is lost, as a lost datagram is; the others still go.
                sent += 1;
            }
        }
    }

    /// Copies `answer` for the sender of message `from` into slot `slot`; `false` when the
    /// arena is full.
    fn stage(&mut self, slot: usize, used: &mut usize, from: usize, answer: &[u8]) -> bool {
        let Some(end) = used.checked_add(answer.len()).filter(|&e| e <= ARENA_SIZE) else {
            return false;
        };
        self.arena[*used..end].copy_from_slice(answer);
        self.send_iov[slot] = libc::iovec {
            // SAFETY: `*used` is inside the arena (checked just above).
            iov_base: unsafe { self.arena.as_mut_ptr().add(*used) }.cast(),
            iov_len: answer.len(),
        };
        let hdr = &mut self.send_hdrs[slot].msg_hdr;
        hdr.msg_name = ptr::from_mut(&mut self.names[from]).cast();
        hdr.msg_namelen = self.recv_hdrs[from].msg_hdr.msg_namelen;
        *used = end;
        true
    }
}

/// A worker: receive a batch, answer it, send the answers, until told to stop.
fn serve(socket: &Socket, local: SocketAddr, shared: &Arc<Shared>, stop: &AtomicBool) {
    let fd = socket.as_raw_fd();
    // Replies to forwarded queries leave from this socket, later, on the runtime.
    let replies = socket
        .try_clone()
        .ok()
        .map(|s| Arc::new(std::net::UdpSocket::from(s)));
    let mut batch = Batch::new();
    let mut ws = Workspace::new();
    let counters = shared.stats.register();
    while !stop.load(Ordering::Relaxed) {
        let received = match batch.receive(fd) {
            Ok(n) => n,
            Err(e) => {
                if !matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) {
                    error!(
                        Network,
                        "UDP receive on {}: {e}",
                        super::listen::display(&local)
                    );
                    std::thread::sleep(STOP_POLL);
                }
                continue;
            }
        };
        let engine = shared.engine.load();
        let mut staged = 0;
        let mut used = 0;
        for i in 0..received {
            let Some((msg, peer)) = batch.message(i) else {
                continue;
            };
            let client = Client {
                addr: peer,
                local,
                transport: Transport::Udp,
            };
            let seen = stats::observe::request(&counters, msg, false, peer.is_ipv6());
            let answer = match super::tcp::respond_guarded(&engine, msg, &client, &mut ws) {
                Some(Outcome::Reply(answer)) => answer,
                Some(Outcome::Defer(d)) if d.action == Action::Query => {
                    super::log_query(&engine, msg, &client, &ws);
                    let seen = stats::observe::recursion(&counters, seen);
                    if let Some(replies) = &replies {
                        crate::forward::service::submit_udp(
                            shared, d.view, msg, client, seen, replies,
                        );
                    }
                    continue;
                }
                Some(Outcome::Defer(_)) => {
                    // NOTIFY, UPDATE and transfers: the engine answers them itself.
                    let Some(answer) = super::answer_guarded(&engine, msg, &client, &mut ws) else {
                        super::log_query(&engine, msg, &client, &ws);
                        continue;
                    };
                    answer
                }
                Some(Outcome::Drop) | None => {
                    stats::observe::dropped(&counters, seen);
                    continue;
                }
            };
            let head = stats::observe::header(answer);
            if !batch.stage(staged, &mut used, i, answer) {
                batch.send(fd, staged);
                staged = 0;
                used = 0;
                if !batch.stage(staged, &mut used, i, answer) {
                    continue;
                }
            }
            stats::observe::answer(&counters, seen, head.as_bytes(), ws.referral());
            // Staging ended the borrow of the request, which is read again.
            if super::querylog::enabled()
                && let Some((msg, _)) = batch.message(i)
            {
                super::log_query(&engine, msg, &client, &ws);
            }
            staged += 1;
        }
        drop(engine);
        batch.send(fd, staged);
    }
}

/// The address in a `sockaddr_storage` filled by the kernel.
fn peer_addr(name: &libc::sockaddr_storage) -> Option<SocketAddr> {
    match libc::c_int::from(name.ss_family) {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in, and sockaddr_storage
            // is large and aligned enough for any address.
            let sin = unsafe { &*ptr::from_ref(name).cast::<libc::sockaddr_in>() };
            Some(SocketAddr::V4(SocketAddrV4::new(
                Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)),
                u16::from_be(sin.sin_port),
            )))
        }
        libc::AF_INET6 => {
            // SAFETY: as above, for sockaddr_in6.
            let sin6 = unsafe { &*ptr::from_ref(name).cast::<libc::sockaddr_in6>() };
            Some(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(sin6.sin6_addr.s6_addr),
                u16::from_be(sin6.sin6_port),
                u32::from_be(sin6.sin6_flowinfo),
                sin6.sin6_scope_id,
            )))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peer_addresses_decode() {
        // SAFETY: all-zero bytes are a valid sockaddr_storage.
        let mut storage: libc::sockaddr_storage = unsafe { zeroed() };
        {
            // SAFETY: sockaddr_storage is large and aligned enough for a sockaddr_in.
            let sin = unsafe { &mut *ptr::from_mut(&mut storage).cast::<libc::sockaddr_in>() };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = 5353u16.to_be();
            sin.sin_addr.s_addr = u32::from(Ipv4Addr::new(192, 0, 2, 1)).to_be();
        }
        assert_eq!(
            peer_addr(&storage),
            Some("192.0.2.1:5353".parse().expect("address"))
        );
        // SAFETY: as above.
        storage = unsafe { zeroed() };
        {
            // SAFETY: as above, for a sockaddr_in6.
            let sin6 = unsafe { &mut *ptr::from_mut(&mut storage).cast::<libc::sockaddr_in6>() };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = 53u16.to_be();
            sin6.sin6_addr.s6_addr = "2001:db8::1".parse::<Ipv6Addr>().expect("address").octets();
        }
        assert_eq!(
            peer_addr(&storage),
            Some("[2001:db8::1]:53".parse().expect("address"))
        );
        storage.ss_family = libc::AF_UNIX as libc::sa_family_t;
        assert_eq!(peer_addr(&storage), None);
    }

    #[test]
    fn a_taken_port_is_refused() {
        let probe = std::net::UdpSocket::bind("127.0.0.1:0").expect("bound");
        let addr = probe.local_addr().expect("bound address");
        drop(probe);
        let first = bind(addr, 2).expect("two sockets share the port");
        assert_eq!(first.len(), 2);
        let err = bind(addr, 1).expect_err("the probe meets our own sockets");
        assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
    }
}
