//! Sending NOTIFY (RFC 1996) as BIND 9.18 does: over UDP, the zone's SOA in the answer
//! section, AA set; three sends 5 seconds apart with the same id and source port, then
//! "retries exceeded"; an ICMP port-unreachable ends the attempt at once. No TCP fallback.
//!
//! Who is told: with `notify yes` (and `primary-only` on a primary) the addresses of the
//! zone's NS targets (found in our own data; the one named in the SOA MNAME is skipped
//! unless `notify-to-soa yes`) plus `also-notify`; with `explicit` only `also-notify`;
//! with `no`, nobody. Our own listening address is never notified.
//!
//! A NOTIFY is signed with the key of its `also-notify` entry, else of the `server`
//! statement for the target; the answer to a signed NOTIFY must verify.

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use conf::model::{NotifyMode, ZoneKind};
use tokio::net::UdpSocket;
use zones::record::{Rdata, Record};
use zones::zone::Zone;
use zones::{Class, Name, RType};

use super::message::{Message, RequestBuilder, random_id};
use super::outgoing::unix_now;
use crate::daemon::listen::display;
use crate::daemon::log::debug;
use crate::stats::zone::{self as stats, Zm};
use crate::tsig::{self, TsigKey};
use crate::wire::Opcode;
use crate::wire::header::FLAG_QR;

/// Sends between giving up.
const SENDS: u32 = 3;
/// The wait after each send.
const INTERVAL: Duration = Duration::from_secs(5);

/// The addresses to notify for `zone` under its settings; `own` is where this server
/// listens (never notified), `port` the port NS targets are notified on.
pub fn targets(
    settings: &conf::model::Zone,
    zone: &Zone,
    port: u16,
    own: &dyn Fn(SocketAddr) -> bool,
) -> Vec<SocketAddr> {
    let mut out: BTreeSet<SocketAddr> = BTreeSet::new();
    let ns_hosts = match settings.notify {
        NotifyMode::No | NotifyMode::Explicit => false,
        NotifyMode::Yes => true,
        NotifyMode::PrimaryOnly => settings.kind == ZoneKind::Primary,
    };
    if settings.notify == NotifyMode::No {
        return Vec::new();
    }
    if ns_hosts && let Some(ns) = zone.apex().rrset(RType::NS) {
        let mname = zone.soa().mname.to_ascii_lowercase();
        for target in ns.rdatas() {
            if !settings.notify_to_soa && target.eq_ignore_ascii_case(&mname) {
                continue;
            }
            let Some(node) = zone.node(target) else {
                continue;
            };
            for rtype in [RType::A, RType::AAAA] {
                let Some(rrset) = node.rrset(rtype) else {
                    continue;
                };
                for rdata in rrset.rdatas() {
                    let ip = match *rdata {
                        [a, b, c, d] => IpAddr::from([a, b, c, d]),
                        _ => match <[u8; 16]>::try_from(rdata) {
                            Ok(bytes) => IpAddr::from(bytes),
                            Err(_) => continue,
                        },
                    };
                    out.insert(SocketAddr::new(ip, port));
                }
            }
        }
    }
    out.extend(settings.also_notify.iter().map(|r| r.addr));
    out.into_iter().filter(|a| !own(*a)).collect()
}

/// The NOTIFY message for `zone`.
pub fn message(id: u16, zone: &Zone) -> Vec<u8> {
    let soa = zone.soa_rrset();
    let record = Record {
        owner: zone.origin().clone(),
        ttl: soa.ttl(),
        class: zone.class(),
        rtype: RType::SOA,
        rdata: Rdata::from(soa.rdatas().next().unwrap_or_default().to_vec()),
    };
    RequestBuilder::new(id, Opcode::NOTIFY)
        .authoritative()
        .question(zone.origin(), RType::SOA, zone.class())
        .answer(&record)
        .finish()
}

/// How a NOTIFY ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// The target answered (with this rcode).
    Answered(u8),
    /// No answer after every send.
    TimedOut,
    /// The target's port is closed, or the socket failed.
    Failed,
}

/// The `also-notify` entry for `target`, or one without a key (then the `server`
/// statement decides).
pub fn remote(settings: &conf::model::Zone, target: SocketAddr) -> conf::model::RemoteServer {
    settings
        .also_notify
        .iter()
        .find(|r| r.addr == target)
        .cloned()
        .unwrap_or(conf::model::RemoteServer {
            addr: target,
            key: None,
            tls: None,
        })
}

/// Sends the NOTIFY for `zone` to `target` from `source` (when set), signed with `key`
/// when given, with BIND's retransmissions, and logs the outcome at BIND's debug levels.
pub async fn send(
    target: SocketAddr,
    source: Option<SocketAddr>,
    zone: &Zone,
    label: &str,
    key: Option<&TsigKey>,
) -> Sent {
    let id = random_id();
    let mut msg = message(id, zone);
    let to = display(&target);
    let mac = match key.map(|k| tsig::sign_request(&mut msg, k, unix_now())) {
        None => None,
        Some(Ok(mac)) => Some(mac),
        Some(Err(e)) => {
            debug!(2, Notify, "zone {label}: notify to {to} failed: {e}");
            return Sent::Failed;
        }
    };
    let bind = source.unwrap_or_else(|| {
        if target.is_ipv4() {
            SocketAddr::from(([0, 0, 0, 0], 0))
        } else {
            SocketAddr::from(([0u16; 8], 0))
        }
    });
    let socket = match UdpSocket::bind(bind).await {
        Ok(s) => s,
        Err(e) => {
            debug!(2, Notify, "zone {label}: notify to {to} failed: {e}");
            return Sent::Failed;
        }
    };
    if let Err(e) = socket.connect(target).await {
        debug!(2, Notify, "zone {label}: notify to {to} failed: {e}");
        return Sent::Failed;
    }
    let mut buf = vec![0u8; 4096];
    stats::count(Zm::NotifySentV4.family(target.is_ipv6()));
    for _ in 0..SENDS {
        debug!(3, Notify, "zone {label}: sending notify to {to}");
        if let Err(e) = socket.send(&msg).await {
            debug!(
                2,
                Notify,
                "zone {label}: notify to {to} failed: {}",
                refused(&e)
            );
            return Sent::Failed;
        }
        let deadline = tokio::time::Instant::now() + INTERVAL;
        loop {
            match tokio::time::timeout_at(deadline, socket.recv(&mut buf)).await {
                Err(_) => break,
                Ok(Err(e)) => {
                    debug!(
                        2,
                        Notify,
                        "zone {label}: notify to {to} failed: {}",
                        refused(&e)
                    );
                    return Sent::Failed;
                }
                Ok(Ok(len)) => {
                    let Ok(reply) = Message::parse(&buf[..len]) else {
                        continue;
                    };
                    if reply.header.id == id && reply.header.flags & FLAG_QR != 0 {
                        if let (Some(key), Some(mac)) = (key, mac.as_ref())
                            && let Err(e) = tsig::verify_response(&buf[..len], key, mac, unix_now())
                        {
                            debug!(2, Notify, "zone {label}: notify to {to} failed: {e}");
                            return Sent::Failed;
                        }
                        debug!(3, Notify, "zone {label}: notify response from {to}");
                        return Sent::Answered(reply.rcode());
                    }
                }
            }
        }
    }
    debug!(2, Notify, "zone {label}: notify to {to} failed: timed out");
    debug!(1, Notify, "zone {label}: notify to {to}: retries exceeded");
    Sent::TimedOut
}

fn refused(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::ConnectionRefused {
        "connection refused".into()
    } else {
        e.to_string()
    }
}

/// The serial a NOTIFY carries in its answer section, if any.
pub fn notified_serial(msg: &[u8], zone: &Name, class: Class) -> Option<u32> {
    let parsed = Message::parse(msg).ok()?;
    let zone = zone.to_lowercase();
    parsed
        .answer
        .iter()
        .find(|r| r.rtype == RType::SOA && r.class == class && r.owner.to_lowercase() == zone)
        .and_then(|r| super::message::soa_serial(r.rdata.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(text: &str) -> Zone {
        let origin = Name::from_text("example.com.", None).expect("name");
        let opts = zones::master::ParseOptions {
            origin: origin.clone(),
            class: Class::IN,
            base_dir: std::path::PathBuf::from("."),
            default_ttl: None,
        };
        let report =
            zones::master::parse_str_with(text, "t.db", &opts, &zones::master::Checks::default());
        Zone::build(
            origin,
            Class::IN,
            report.records,
            &zones::zone::CheckOptions::default(),
        )
        .expect("zone")
        .0
    }

    fn settings(text: &str) -> conf::model::Zone {
        let loaded = conf::load_text(text).expect("config");
        loaded.config.views[0].zones[0].clone()
    }

    const ZONE: &str = "$ORIGIN example.com.\n$TTL 300\n@ SOA ns1 hostmaster 5 3600 600 86400 60\n\
        @ NS ns1\n@ NS ns2\n@ NS ns3\nns1 A 127.0.0.1\nns2 A 127.0.0.2\nns3 AAAA ::1\n";

    #[test]
    fn ns_targets_skip_the_soa_mname_and_add_also_notify() {
        let s = settings(
            "zone \"example.com\" { type primary; file \"x\"; also-notify { 127.0.0.9 port 5300; }; };",
        );
        let got = targets(&s, &zone(ZONE), 53, &|_| false);
        let want: Vec<SocketAddr> = vec![
            "127.0.0.2:53".parse().expect("addr"),
            "127.0.0.9:5300".parse().expect("addr"),
            "[::1]:53".parse().expect("addr"),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn explicit_and_no_modes() {
        let explicit = settings(
            "zone \"example.com\" { type primary; file \"x\"; notify explicit; also-notify { 127.0.0.9; }; };",
        );
        let got = targets(&explicit, &zone(ZONE), 53, &|_| false);
        assert_eq!(got.len(), 1);
        let no = settings(
            "zone \"example.com\" { type primary; file \"x\"; notify no; also-notify { 127.0.0.9; }; };",
        );
        assert!(targets(&no, &zone(ZONE), 53, &|_| false).is_empty());
        let own = settings("zone \"example.com\" { type primary; file \"x\"; };");
        let got = targets(&own, &zone(ZONE), 53, &|a| a.ip().is_ipv6());
        assert_eq!(
            got,
            vec!["127.0.0.2:53".parse::<SocketAddr>().expect("addr")]
        );
    }

    #[test]
    fn rfc1996_message_carries_the_soa() {
        let z = zone(ZONE);
        let msg = message(9, &z);
        let parsed = Message::parse(&msg).expect("parses");
        assert_eq!(parsed.header.opcode(), Opcode::NOTIFY);
        assert!(parsed.header.flags & crate::wire::header::FLAG_AA != 0);
        assert_eq!(notified_serial(&msg, z.origin(), Class::IN), Some(5));
    }
}
