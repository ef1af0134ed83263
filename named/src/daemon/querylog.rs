//! The query log: one `queries` line per query, in BIND's words.
//!
//! ```text
//! client @0x7fd48250f098 127.0.0.1#49452 (www.example.com): query: www.example.com IN A +E(0)K (127.0.0.1)
//! ```
//!
//! The flags are BIND's, in its order: `+`/`-` (RD), `S` (signed), `E(version)` (EDNS),
//! `T` (TCP), `D` (DO), `C` (CD), then `V` (a valid server cookie) or `K` (a cookie
//! without one). The `@0x` number names the object serving the client: the worker's (UDP)
//! or the connection's (TCP) workspace, as BIND prints its client object's address.
//!
//! Query logging is off unless switched on: at start-up by `querylog`, or without it by a
//! `category queries` in the `logging` statement (a reload does not change it, as in
//! BIND); at run time by the control channel ([`set_query_logging`]). When it is off a
//! query costs one relaxed atomic load ([`enabled`]). When it is on, the question is read
//! again here from the message, so that the answer engine stays as it is.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use arc_swap::ArcSwap;
use zones::Name;

use super::log::{self, Category, Severity};
use crate::answer::{Client, Transport};
use crate::wire::cookie::{self, Secret};
use crate::wire::edns::ClientSubnet;
use crate::wire::header::{FLAG_CD, FLAG_RD, Header, Opcode};
use crate::wire::query::{ParseOptions, Request};

static QUERY_LOGGING: AtomicBool = AtomicBool::new(false);

/// The cookie secrets in force, current first, to tell a valid server cookie (`V`).
static SECRETS: OnceLock<ArcSwap<Vec<Secret>>> = OnceLock::new();

/// Switches query logging on or off (`rndc querylog on|off`).
pub fn set_query_logging(on: bool) {
    QUERY_LOGGING.store(on, Ordering::Relaxed);
}

/// Whether queries are logged (`rndc status`: "query logging is ON").
pub fn query_logging() -> bool {
    QUERY_LOGGING.load(Ordering::Relaxed)
}

/// Whether queries are logged: the only cost of the query log on the query path.
#[inline(always)]
pub fn enabled() -> bool {
    QUERY_LOGGING.load(Ordering::Relaxed)
}

/// Whether `config` turns query logging on at start-up: `querylog` if given, otherwise a
/// `category queries` in the `logging` statement.
pub fn configured(config: &conf::model::Config) -> bool {
    config.options.querylog.unwrap_or_else(|| {
        config
            .logging
            .as_ref()
            .is_some_and(|l| l.categories.iter().any(|(name, _)| name == "queries"))
    })
}

/// Sets the cookie secrets the engine uses: the `cookie-secret`s of `options`, or
/// `generated` without one.
pub fn set_cookie_secrets(options: &conf::model::ServerOptions, generated: Secret) {
    set_secrets(&options.cookie_secrets, generated);
}

fn set_secrets(configured: &[String], generated: Secret) {
    let mut secrets: Vec<Secret> = configured
        .iter()
        .filter_map(|hex| parse_secret(hex))
        .collect();
    if secrets.is_empty() {
        secrets.push(generated);
    }
    let slot = SECRETS.get_or_init(|| ArcSwap::from_pointee(Vec::new()));
    slot.store(Arc::new(secrets));
}

fn parse_secret(hex: &str) -> Option<Secret> {
    let hex = hex.as_bytes();
    if hex.len() != 32 {
        return None;
    }
    let mut secret = [0u8; 16];
    for (i, pair) in hex.chunks(2).enumerate() {
        let digit = |c: u8| (c as char).to_digit(16);
        secret[i] = u8::try_from(digit(pair[0])? * 16 + digit(pair[1])?).ok()?;
    }
    Some(secret)
}

/// Logs `msg` from `client`, served by the object numbered `id` in the view named `view`
/// (`None` for `_default`), if it is a query. Call only when [`enabled`].
#[cold]
pub fn log(msg: &[u8], client: &Client, id: usize, view: Option<&str>) {
    thread_local! {
        static REQUEST: RefCell<Request> = RefCell::new(Request::new());
    }
    REQUEST.with(|request| {
        let Ok(mut request) = request.try_borrow_mut() else {
            return;
        };
        let Some(line) = line(&mut request, msg, client, id, view) else {
            return;
        };
        log::write(Category::Queries, Severity::Info, format_args!("{line}"));
    });
}

/// The line for `msg`, or `None` when it is not a query with a question.
fn line(
    request: &mut Request,
    msg: &[u8],
    client: &Client,
    id: usize,
    view: Option<&str>,
) -> Option<String> {
    let header = Header::read(msg)?;
    if header.is_response() || header.opcode() != Opcode::QUERY {
        return None;
    }
    request.parse(msg, ParseOptions::default());
    let question = request.question()?;
    let name = Name::from_wire(question.name()).ok()?;
    let name = zones::master::message_name(&name);
    let mut flags = String::with_capacity(12);
    flags.push(if header.has(FLAG_RD) { '+' } else { '-' });
    let key = request.tsig().and_then(|tsig| {
        Name::read_wire(msg, tsig.start)
            .ok()
            .map(|(n, _)| zones::master::message_name(&n))
    });
    if key.is_some() {
        flags.push('S');
    }
    let edns = request.edns();
    if let Some(edns) = edns {
        let _ = write!(flags, "E({})", edns.version);
    }
    if client.transport == Transport::Tcp {
        flags.push('T');
    }
    if edns.is_some_and(|e| e.dnssec_ok()) {
        flags.push('D');
    }
    if header.has(FLAG_CD) {
        flags.push('C');
    }
    if let Some(cookie) = edns.and_then(|e| e.cookie.as_ref()) {
        let secrets = SECRETS.get().map(|s| s.load_full()).unwrap_or_default();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as u32);
        let valid = cookie::check(cookie, client.addr.ip(), now, &secrets).is_valid();
        flags.push(if valid { 'V' } else { 'K' });
    }
    let mut line = format!(
        "client @0x{id:x} {}#{}",
        client.addr.ip(),
        client.addr.port()
    );
    if let Some(key) = &key {
        let _ = write!(line, "/key {key}");
    }
    let _ = write!(line, " ({name}): ");
    if let Some(view) = view {
        let _ = write!(line, "view {view}: ");
    }
    let _ = write!(
        line,
        "query: {name} {} {} {flags} ({})",
        question.qclass,
        question.qtype,
        client.local.ip()
    );
    if let Some(subnet) = edns.and_then(|e| e.subnet.as_ref()) {
        let _ = write!(line, " [ECS {}]", subnet_text(subnet));
    }
    Some(line)
}

/// `ADDRESS/SOURCE/SCOPE`, as BIND prints a Client Subnet option.
fn subnet_text(subnet: &ClientSubnet) -> String {
    let bytes = subnet.address();
    let address = match subnet.family {
        1 => {
            let mut octets = [0u8; 4];
            octets[..bytes.len().min(4)].copy_from_slice(&bytes[..bytes.len().min(4)]);
            std::net::IpAddr::from(octets).to_string()
        }
        2 => {
            let mut octets = [0u8; 16];
            octets[..bytes.len().min(16)].copy_from_slice(&bytes[..bytes.len().min(16)]);
            std::net::IpAddr::from(octets).to_string()
        }
        _ => "0".to_owned(),
    };
    format!("{address}/{}/{}", subnet.source_prefix, subnet.scope_prefix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn client(transport: Transport) -> Client {
        Client {
            addr: "127.0.0.1:49452".parse::<SocketAddr>().expect("test step"),
            local: "127.0.0.1:53".parse::<SocketAddr>().expect("test step"),
            transport,
        }
    }

    /// A query for `name`/`qtype` with `flags`, and an OPT record (version 0, DO as
    /// given, with `options`) when `edns` is set.
    fn query(name: &str, qtype: u16, flags: u16, edns: Option<(bool, &[u8])>) -> Vec<u8> {
        let mut msg = vec![0x12, 0x34];
        msg.extend_from_slice(&flags.to_be_bytes());
        msg.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, u8::from(edns.is_some())]);
        for label in name.split('.').filter(|l| !l.is_empty()) {
            msg.push(label.len() as u8);
            msg.extend_from_slice(label.as_bytes());
        }
        msg.push(0);
        msg.extend_from_slice(&qtype.to_be_bytes());
        msg.extend_from_slice(&1u16.to_be_bytes());
        if let Some((dnssec_ok, options)) = edns {
            msg.extend_from_slice(&[0, 0, 41, 0x04, 0xd0, 0, 0]);
            msg.extend_from_slice(&(if dnssec_ok { 0x8000u16 } else { 0 }).to_be_bytes());
            msg.extend_from_slice(&(options.len() as u16).to_be_bytes());
            msg.extend_from_slice(options);
        }
        msg
    }

    fn render(msg: &[u8], transport: Transport) -> Option<String> {
        line(
            &mut Request::new(),
            msg,
            &client(transport),
            0x7f00_1234,
            None,
        )
    }

    #[test]
    fn a_view_other_than_the_default_is_named() {
        let msg = query("www.example.com", 1, 0x0100, None);
        let client = client(Transport::Udp);
        assert_eq!(
            line(
                &mut Request::new(),
                &msg,
                &client,
                0x7f00_1234,
                Some("inside")
            )
            .as_deref(),
            Some(
                "client @0x7f001234 127.0.0.1#49452 (www.example.com): view inside: query: www.example.com IN A + (127.0.0.1)"
            )
        );
    }

    #[test]
    fn a_plain_query() {
        let msg = query("www.example.com", 1, 0x0100, None);
        assert_eq!(
            render(&msg, Transport::Udp).as_deref(),
            Some(
                "client @0x7f001234 127.0.0.1#49452 (www.example.com): query: www.example.com IN A + (127.0.0.1)"
            )
        );
    }

    #[test]
    fn flags_in_bind_order() {
        let cookie = [0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8];
        let msg = query("WWW.Example.COM", 65000, 0x0010, Some((true, &cookie)));
        assert_eq!(
            render(&msg, Transport::Tcp).as_deref(),
            Some(
                "client @0x7f001234 127.0.0.1#49452 (WWW.Example.COM): query: WWW.Example.COM IN TYPE65000 -E(0)TDCK (127.0.0.1)"
            )
        );
    }

    #[test]
    fn a_valid_server_cookie_is_v() {
        let secret = [7u8; 16];
        set_secrets(&[], secret);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("test step")
            .as_secs() as u32;
        let client_cookie = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let server = cookie::server_cookie(
            &secret,
            &client_cookie,
            "127.0.0.1".parse().expect("test step"),
            now,
        );
        let mut option = vec![0, 10, 0, 24];
        option.extend_from_slice(&client_cookie);
        option.extend_from_slice(&server);
        let msg = query("example.com", 6, 0x0100, Some((false, &option)));
        let text = render(&msg, Transport::Udp).expect("test step");
        assert!(
            text.ends_with("example.com IN SOA +E(0)V (127.0.0.1)"),
            "{text}"
        );
    }

    #[test]
    fn the_root_and_ecs() {
        let ecs = [0, 8, 0, 7, 0, 1, 24, 0, 192, 0, 2];
        let msg = query("", 2, 0x0100, Some((false, &ecs)));
        assert_eq!(
            render(&msg, Transport::Udp).as_deref(),
            Some(
                "client @0x7f001234 127.0.0.1#49452 (.): query: . IN NS +E(0) (127.0.0.1) [ECS 192.0.2.0/24/0]"
            )
        );
    }

    #[test]
    fn only_queries_are_logged() {
        let notify = query("example.com", 6, 0x2000, None);
        assert_eq!(render(&notify, Transport::Udp), None);
        let response = query("example.com", 6, 0x8000, None);
        assert_eq!(render(&response, Transport::Udp), None);
        assert_eq!(render(&[0u8; 5], Transport::Udp), None);
    }

    fn config(text: &str) -> conf::model::Config {
        conf::load_text(text).expect("configuration loads").config
    }

    #[test]
    fn start_up_switch_follows_querylog_then_the_queries_category() {
        assert!(!configured(&config("options { };")));
        let queries = "logging { category queries { null; }; };";
        assert!(configured(&config(queries)));
        let off = format!("options {{ querylog no; }}; {queries}");
        assert!(!configured(&config(&off)));
        assert!(configured(&config("options { querylog yes; };")));
    }
}
