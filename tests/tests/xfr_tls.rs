//! Zone transfers over TLS (XoT) are not supported: rivetd says so, with the place in the
//! configuration, and never falls back to plain TCP or UDP in their stead.

mod rivetd_common;

use std::net::{TcpListener, UdpSocket};
use std::time::Duration;

use rivetd_common::{
    PATIENCE, Rivetd, free_port, query, rewrite, tcp_transfer, write_conf_with_zones, zone_text,
};

/// AXFR.
const AXFR: u16 = 252;

#[test]
fn a_primary_reached_over_tls_is_never_asked_in_the_clear() {
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    // Whatever answers at the primary's address, by TCP or UDP, is ours to watch.
    let primary_port = free_port();
    let tcp = TcpListener::bind(("127.0.0.1", primary_port)).expect("TCP bound");
    tcp.set_nonblocking(true).expect("non-blocking");
    let udp = UdpSocket::bind(("127.0.0.1", primary_port)).expect("UDP bound");
    udp.set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout set");
    let conf = write_conf_with_zones(
        dir.path(),
        "",
        &format!(
            "zone \"example.test\" {{ type secondary; file \"example.test.saved\"; \
               primaries {{ 127.0.0.1 port {primary_port} tls ephemeral; }}; }};\n"
        ),
    );
    let rivet = Rivetd::start(&conf, port, &[]);
    let conf_text = conf.display().to_string();
    assert!(
        rivet.wait_for_log(
            "zone transfers over TLS are not supported: this primary is not used",
            1,
            PATIENCE
        ),
        "{}",
        rivet.log()
    );
    assert!(
        rivet.wait_for_log(
            &format!(
                "transfer of 'example.test/IN' from 127.0.0.1#{primary_port}: zone transfers over TLS are not supported"
            ),
            1,
            PATIENCE
        ),
        "{}",
        rivet.log()
    );
    let warning = rivet
        .log()
        .lines()
        .find(|l| l.contains("this primary is not used"))
        .map(str::to_owned)
        .unwrap_or_default();
    assert!(
        warning.contains(&format!("{conf_text}:")),
        "no file:line in {warning:?}"
    );
    // Nothing came in the clear: no SOA query by UDP, no connection by TCP.
    let mut buf = [0u8; 512];
    assert!(udp.recv_from(&mut buf).is_err(), "an SOA query came by UDP");
    assert!(tcp.accept().is_err(), "a connection came by TCP");
    // And the zone is not served.
    let reply = rivetd_common::ask(port, "example.test", rivetd_common::SOA);
    assert_eq!(reply.rcode(), 2, "{}", rivet.log());
}

#[test]
fn a_zone_allowing_transfers_over_tls_only_refuses_them_over_tcp() {
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    rewrite(
        &dir.path().join("example.test.db"),
        &zone_text("example.test", 1, std::net::Ipv4Addr::new(192, 0, 2, 1)),
    );
    let conf = write_conf_with_zones(
        dir.path(),
        "",
        "zone \"example.test\" { type primary; file \"example.test.db\"; \
           allow-transfer transport tls { any; }; };\n",
    );
    let rivet = Rivetd::start(&conf, port, &[]);
    assert!(
        rivet.wait_for_log(
            "zone transfers over TLS are not supported: none is allowed here",
            1,
            PATIENCE
        ),
        "{}",
        rivet.log()
    );
    let replies = tcp_transfer(port, &query(7, "example.test", AXFR));
    assert_eq!(replies.len(), 1, "{}", rivet.log());
    assert_eq!(replies[0].rcode(), 5, "REFUSED");
    assert!(replies[0].answer.is_empty());
    assert!(
        rivet.wait_for_log("zone transfer 'example.test/AXFR/IN' denied", 1, PATIENCE),
        "{}",
        rivet.log()
    );
}
