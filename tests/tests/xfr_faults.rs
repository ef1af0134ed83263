//! Transfers that go wrong: a primary that dies in the middle of a large AXFR, one that
//! sends garbage and one that stalls. In each case the secondary keeps serving its old
//! copy; after the fault a later refresh completes.
//!
//! The primary here is a small scripted server in this process, so that each fault
//! happens exactly where the test wants it.

mod rivetd_common;

use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, TcpListener, TcpStream, UdpSocket};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rivetd_common::{PATIENCE, Rivetd, free_port, rewrite, wait_for_a, write_conf_with_zones};
use tests::answers::wire_name;

fn ip(last: u8) -> Ipv4Addr {
    Ipv4Addr::new(192, 0, 2, last)
}

/// How the scripted primary answers transfer requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The whole zone.
    Full,
    /// The first message of a large zone, then the connection closes.
    CutOff,
    /// A message of random bytes.
    Garbage,
    /// Nothing at all, connection held open.
    Stall,
}

/// `example.test` at serial 2 with `www` at 192.0.2.2 and `extra` more hosts.
fn records(extra: usize) -> Vec<Vec<u8>> {
    let origin = wire_name("example.test");
    let mut soa = wire_name("ns1.example.test");
    soa.extend(wire_name("hostmaster.example.test"));
    for v in [2u32, 2, 1, 3600, 60] {
        soa.extend(v.to_be_bytes());
    }
    let rr = |owner: &[u8], rtype: u16, rdata: &[u8]| {
        let mut out = owner.to_vec();
        out.extend(rtype.to_be_bytes());
        out.extend(1u16.to_be_bytes());
        out.extend(300u32.to_be_bytes());
        out.extend((rdata.len() as u16).to_be_bytes());
        out.extend(rdata);
        out
    };
    let mut out = vec![
        rr(&origin, 6, &soa),
        rr(&origin, 2, &wire_name("ns1.example.test")),
        rr(&wire_name("ns1.example.test"), 1, &[127, 0, 0, 1]),
        rr(&wire_name("www.example.test"), 1, &[192, 0, 2, 2]),
    ];
    for i in 0..extra {
        let owner = wire_name(&format!("host{i}.example.test"));
        out.push(rr(
            &owner,
            1,
            &[10, (i >> 16) as u8, (i >> 8) as u8, i as u8],
        ));
    }
    out.push(out[0].clone());
    out
}

/// A response to `request` (id and question copied) carrying `answers`.
fn response(request: &[u8], answers: &[Vec<u8>]) -> Vec<u8> {
    let mut qend = 12;
    while qend < request.len() && request[qend] != 0 {
        qend += 1 + usize::from(request[qend]);
    }
    qend += 5;
    let mut out = vec![request[0], request[1], 0x84, 0, 0, 1];
    out.extend((answers.len() as u16).to_be_bytes());
    out.extend([0, 0, 0, 0]);
    out.extend(&request[12..qend.min(request.len())]);
    for a in answers {
        out.extend(a);
    }
    out
}

fn framed(msg: &[u8]) -> Vec<u8> {
    let mut out = (msg.len() as u16).to_be_bytes().to_vec();
    out.extend(msg);
    out
}

/// The scripted primary: SOA queries over UDP get serial 2; transfers follow the mode.
struct FakePrimary {
    port: u16,
    mode: Arc<Mutex<Mode>>,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl FakePrimary {
    fn start(mode: Mode) -> Self {
        let port = free_port();
        let udp = UdpSocket::bind(("127.0.0.1", port)).expect("UDP bind");
        let tcp = TcpListener::bind(("127.0.0.1", port)).expect("TCP bind");
        udp.set_read_timeout(Some(Duration::from_millis(100)))
            .expect("timeout");
        tcp.set_nonblocking(true).expect("nonblocking");
        let mode = Arc::new(Mutex::new(mode));
        let stop = Arc::new(AtomicBool::new(false));
        let soa_stop = Arc::clone(&stop);
        let udp_thread = std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            while !soa_stop.load(Ordering::Relaxed) {
                if let Ok((len, from)) = udp.recv_from(&mut buf) {
                    let soa = records(0).remove(0);
                    let _ = udp.send_to(&response(&buf[..len], &[soa]), from);
                }
            }
        });
        let (tcp_stop, tcp_mode) = (Arc::clone(&stop), Arc::clone(&mode));
        let tcp_thread = std::thread::spawn(move || {
            while !tcp_stop.load(Ordering::Relaxed) {
                match tcp.accept() {
                    Ok((stream, _)) => {
                        let mode = *tcp_mode.lock().expect("mode");
                        let stop = Arc::clone(&tcp_stop);
                        std::thread::spawn(move || serve(stream, mode, &stop));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Self {
            port,
            mode,
            stop,
            threads: vec![udp_thread, tcp_thread],
        }
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().expect("mode") = mode;
    }
}

impl Drop for FakePrimary {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn serve(mut stream: TcpStream, mode: Mode, stop: &AtomicBool) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut len = [0u8; 2];
    if stream.read_exact(&mut len).is_err() {
        return;
    }
    let mut request = vec![0u8; usize::from(u16::from_be_bytes(len))];
    if stream.read_exact(&mut request).is_err() {
        return;
    }
    let all = records(3000);
    match mode {
        Mode::Full => {
            for chunk in all.chunks(500) {
                let _ = stream.write_all(&framed(&response(&request, chunk)));
            }
        }
        Mode::CutOff => {
            let _ = stream.write_all(&framed(&response(&request, &all[..500])));
            let _ = stream.write_all(&framed(&response(&request, &all[500..1000]))[..100]);
        }
        Mode::Garbage => {
            let mut garbage = vec![0u8; 300];
            for (i, b) in garbage.iter_mut().enumerate() {
                *b = (i as u8).wrapping_mul(151).wrapping_add(request[0]);
            }
            garbage[0] = request[0];
            garbage[1] = request[1];
            let _ = stream.write_all(&framed(&garbage));
        }
        Mode::Stall => {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// A secondary with a saved copy at serial 1 (www = 192.0.2.1) of the scripted primary.
fn secondary(dir: &Path, primary: u16, extra: &str) -> std::path::PathBuf {
    rewrite(
        &dir.join("example.test.saved"),
        "$ORIGIN example.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 2 1 3600 60\n\
         @ IN NS ns1\nns1 IN A 127.0.0.1\nwww IN A 192.0.2.1\n",
    );
    write_conf_with_zones(
        dir,
        &format!("\tmin-refresh-time 1;\n\tmin-retry-time 1;\n{extra}"),
        &format!(
            "zone \"example.test\" {{ type secondary; file \"example.test.saved\"; \
             masterfile-format text; request-ixfr no; primaries {{ 127.0.0.1 port {primary}; }}; }};\n"
        ),
    )
}

#[test]
fn a_primary_dying_mid_axfr_leaves_the_old_copy_and_a_later_refresh_completes() {
    let primary = FakePrimary::start(Mode::CutOff);
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    let rivet = Rivetd::start(&secondary(dir.path(), primary.port, ""), port, &[]);
    assert!(
        rivet.wait_for_log("failed while receiving responses", 1, PATIENCE),
        "{}",
        rivet.log()
    );
    assert!(wait_for_a(
        port,
        "www.example.test",
        &[ip(1)],
        Duration::from_secs(1)
    ));
    let saved = std::fs::read_to_string(dir.path().join("example.test.saved")).expect("copy");
    assert!(saved.contains("192.0.2.1"), "the saved copy is untouched");

    primary.set(Mode::Full);
    assert!(
        wait_for_a(port, "www.example.test", &[ip(2)], PATIENCE),
        "no later refresh completed:\n{}",
        rivet.log()
    );
    assert!(rivet.count("transferred serial 2") == 1);
    assert!(rivet.count("Transfer completed: 7 messages, 3005 records") == 1);
}

#[test]
fn a_primary_sending_garbage_is_cut_off_and_the_old_copy_stays() {
    let primary = FakePrimary::start(Mode::Garbage);
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    let rivet = Rivetd::start(&secondary(dir.path(), primary.port, ""), port, &[]);
    assert!(
        rivet.wait_for_log("failed while receiving responses", 2, PATIENCE),
        "{}",
        rivet.log()
    );
    assert!(wait_for_a(
        port,
        "www.example.test",
        &[ip(1)],
        Duration::from_secs(1)
    ));
    assert_eq!(rivet.count("transferred serial"), 0);
}

#[test]
fn a_stalled_primary_is_cut_off_by_max_transfer_idle_in() {
    let primary = FakePrimary::start(Mode::Stall);
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    // One minute is the smallest idle limit named.conf can say.
    let rivet = Rivetd::start(
        &secondary(dir.path(), primary.port, "\tmax-transfer-idle-in 1;\n"),
        port,
        &[],
    );
    assert!(rivet.wait_for_log("Transfer started.", 1, PATIENCE));
    assert!(wait_for_a(
        port,
        "www.example.test",
        &[ip(1)],
        Duration::from_secs(1)
    ));
    assert!(
        rivet.wait_for_log("max-transfer-idle-in exceeded", 1, Duration::from_secs(90)),
        "the stalled transfer was not cut off:\n{}",
        rivet.log()
    );
    primary.set(Mode::Full);
    assert!(
        wait_for_a(port, "www.example.test", &[ip(2)], PATIENCE),
        "no later refresh completed:\n{}",
        rivet.log()
    );
}
