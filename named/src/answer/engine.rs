//! The engine: the configuration and zones turned into what answering needs, and the
//! entry point from request bytes to response bytes.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use conf::model::{AddressMatchList, Config, Identity, MatchContext, MinimalResponses, ZoneKind};
use zones::zone::Zone;
use zones::{Class, Name, RType};

use super::dnssec::Denial;
use super::ede::{Ede, append_ede, ede_len};
use super::environment::Environment;
use super::names::NameBuf;
use super::plan::Plan;
use super::query::{Answered, Ctx};
use super::zoneset::{ZoneEntry, ZoneSet};
use crate::wire::chaos::{self, ChaosConfig};
use crate::wire::cookie::{self, Secret};
use crate::wire::edns::{CookieSource, EdnsConfig, OptRecord};
use crate::wire::header::{FLAG_AA, FLAG_AD, FLAG_RD};
use crate::wire::query::{Action, ParseOptions, Refusal, ReplyOpt, Request, Verdict};
use crate::wire::response::{ResponseWriter, refusal_opt};
use crate::wire::{Compressor, MAX_MESSAGE, Rcode};

/// What `version.bind` says when `version` is not configured.
pub const DEFAULT_VERSION: &str = concat!("Rivet ", env!("CARGO_PKG_VERSION"));

//------------ Public types ----------------------------------------------------

/// A zone the server answers for, as the runtime loaded it.
#[derive(Clone, Debug)]
pub struct ServedZone {
    /// The index of its view in `config.views`.
    pub view: usize,
    /// Its name.
    pub name: Name,
    /// Its data; `None` when it is configured but failed to load, which BIND answers
    /// with SERVFAIL.
    pub zone: Option<Arc<Zone>>,
}

/// How a request arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// UDP: answers are limited to the client's EDNS size and truncated to fit.
    Udp,
    /// TCP: answers may use the whole 65535 bytes.
    Tcp,
}

/// Who sent a request, and where to.
#[derive(Clone, Copy, Debug)]
pub struct Client {
    /// The client's address.
    pub addr: SocketAddr,
    /// The local address the request arrived on.
    pub local: SocketAddr,
    /// UDP or TCP.
    pub transport: Transport,
}

/// The reusable buffers of one worker: the parsed request, the compression table, the
/// response plan and the output buffer. Made once per thread or connection.
pub struct Workspace {
    request: Request,
    comp: Compressor,
    plan: Plan,
    out: Vec<u8>,
}

impl Workspace {
    /// Allocates the buffers.
    pub fn new() -> Self {
        Self {
            request: Request::new(),
            comp: Compressor::new(),
            plan: Plan::new(),
            out: vec![0; MAX_MESSAGE],
        }
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new()
    }
}

/// A request the engine does not answer itself: zone transfers, NOTIFY and UPDATE,
/// which belong to the replication code. [`Engine::respond`] hands them over;
/// [`Engine::handle`] refuses them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deferred {
    /// [`Action::Transfer`], [`Action::Notify`] or [`Action::Update`].
    pub action: Action,
    /// The index of the view that matched, in `config.views`; `usize::MAX` for BIND's
    /// built-in CHAOS view.
    pub view: usize,
}

/// What to do with a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome<'w> {
    /// Send these bytes back.
    Reply(&'w [u8]),
    /// Send nothing.
    Drop,
    /// Not answered here (see [`Deferred`]).
    Defer(Deferred),
}

//------------ Engine ---------------------------------------------------------

/// Everything needed to answer, immutable; the runtime builds a new one on reload and
/// swaps it in.
pub struct Engine {
    views: Vec<ViewEngine>,
    /// BIND's built-in `_bind` view of class CHAOS, matched after the configured views.
    chaos_view: ViewEngine,
    version: Option<Box<[u8]>>,
    hostname: Option<Box<[u8]>>,
    server_id: Option<Box<[u8]>>,
    /// Cookie secrets, the current one first.
    secrets: Vec<Secret>,
    answer_cookie: bool,
    keepalive: u16,
    blackhole: AddressMatchList,
    localhost: Vec<(IpAddr, u8)>,
    localnets: Vec<(IpAddr, u8)>,
    zone_count: usize,
}

/// What answering needs of a view.
pub(crate) struct ViewEngine {
    /// The index in `config.views` (the built-in CHAOS view has none).
    index: Option<usize>,
    class: Class,
    match_clients: AddressMatchList,
    match_destinations: AddressMatchList,
    recursive_only: bool,
    pub(crate) minimal_responses: MinimalResponses,
    pub(crate) minimal_any: bool,
    edns_udp_size: u16,
    max_udp_size: u16,
    nocookie_udp_size: u16,
    pub(crate) zones: ZoneSet,
}

/// The client as the ACLs see it.
pub(crate) struct Access<'a> {
    client: IpAddr,
    local: IpAddr,
    localhost: &'a [(IpAddr, u8)],
    localnets: &'a [(IpAddr, u8)],
}

impl Access<'_> {
    /// Whether `list` allows the client (or, with `local`, the address it reached).
    #[inline]
    pub(crate) fn allows(&self, list: &AddressMatchList, local: bool) -> bool {
        list.allows(&MatchContext {
            addr: if local { self.local } else { self.client },
            key: None,
            localhost: self.localhost,
            localnets: self.localnets,
        })
    }
}

/// A UDP size option clamped to what a message header can say.
fn size(value: u32) -> u16 {
    u16::try_from(value).unwrap_or(u16::MAX)
}

impl Engine {
    /// Builds the engine for `config` and the zones the runtime loaded, with the host
    /// facts of [`Environment::from_system`]. Infallible: problems were reported when the
    /// configuration and zones were loaded.
    pub fn new(config: &Config, zones: Vec<ServedZone>) -> Engine {
        Self::with_environment(config, zones, &Environment::from_system())
    }

    /// [`Engine::new`] with the host facts given.
    pub fn with_environment(config: &Config, zones: Vec<ServedZone>, env: &Environment) -> Engine {
        let mut views: Vec<ViewEngine> = config
            .views
            .iter()
            .enumerate()
            .map(|(i, v)| ViewEngine {
                index: Some(i),
                class: v.class,
                match_clients: v.match_clients.clone(),
                match_destinations: v.match_destinations.clone(),
                recursive_only: v.match_recursive_only,
                minimal_responses: v.options.minimal_responses,
                minimal_any: v.options.minimal_any,
                edns_udp_size: size(v.options.edns_udp_size),
                max_udp_size: size(v.options.max_udp_size),
                nocookie_udp_size: size(v.options.nocookie_udp_size),
                zones: ZoneSet::default(),
            })
            .collect();
        let mut zone_count = 0;
        for served in zones {
            let Some(view) = views.get_mut(served.view) else {
                continue;
            };
            let Some(conf_zone) = config.views[served.view].zone(&served.name) else {
                continue;
            };
            let denial = served.zone.as_deref().map_or(Denial::Insecure, Denial::of);
            view.zones.insert(
                served.name.as_wire(),
                ZoneEntry {
                    zone: served.zone,
                    denial,
                    allow_query: conf_zone.allow_query.clone(),
                    allow_query_on: conf_zone.allow_query_on.clone(),
                    primary: conf_zone.kind == ZoneKind::Primary,
                    zero_no_soa_ttl: conf_zone.zero_no_soa_ttl,
                },
            );
            zone_count += 1;
        }
        // BIND's built-in view takes the options of the `options` block.
        let global = &config.global_view_options;
        let chaos_view = ViewEngine {
            index: None,
            class: Class::CH,
            match_clients: AddressMatchList::any(),
            match_destinations: AddressMatchList::any(),
            recursive_only: false,
            minimal_responses: global.minimal_responses,
            minimal_any: global.minimal_any,
            edns_udp_size: size(global.edns_udp_size),
            max_udp_size: size(global.max_udp_size),
            nocookie_udp_size: size(global.nocookie_udp_size),
            zones: ZoneSet::default(),
        };
        let opts = &config.options;
        let text = |identity: &Identity, default: Option<&str>| -> Option<Box<[u8]>> {
            match identity {
                Identity::Default => default.map(|d| d.as_bytes().into()),
                Identity::Hidden => None,
                Identity::Hostname => Some(env.hostname.as_bytes().into()),
                Identity::Text(t) => Some(t.as_bytes().into()),
            }
        };
        let mut secrets: Vec<Secret> = opts
            .cookie_secrets
            .iter()
            .filter_map(|hex| parse_secret(hex))
            .collect();
        if secrets.is_empty() {
            secrets.push(env.cookie_secret);
        }
        Engine {
            views,
            chaos_view,
            version: text(&opts.version, Some(DEFAULT_VERSION)),
            hostname: text(&opts.hostname, Some(&env.hostname)),
            server_id: text(&opts.server_id, None),
            secrets,
            answer_cookie: opts.answer_cookie,
            keepalive: u16::try_from(opts.tcp_advertised_timeout).unwrap_or(u16::MAX),
            blackhole: opts.blackhole.clone(),
            localhost: env.localhost.clone(),
            localnets: env.localnets.clone(),
            zone_count,
        }
    }

    /// Zones the engine serves (for logs and tests).
    pub fn zone_count(&self) -> usize {
        self.zone_count
    }

    /// Answers one request. Returns the response bytes (borrowed from the workspace) or
    /// `None` to drop. Zone transfers, NOTIFY and UPDATE are answered as BIND answers
    /// them for primary zones without those services configured (see
    /// [`Engine::respond`] to serve them instead): NOTIFY for a primary zone gets NOERROR
    /// with AA, UPDATE gets REFUSED, AXFR over UDP gets FORMERR, a zone not served here
    /// gets NOTAUTH; transfers over TCP and IXFR over UDP are refused.
    pub fn handle<'w>(
        &self,
        msg: &[u8],
        client: &Client,
        ws: &'w mut Workspace,
    ) -> Option<&'w [u8]> {
        let len = match self.step(msg, client, ws) {
            Step::Reply(len) => len,
            Step::Drop => return None,
            Step::Defer(deferred) => self.decline(deferred, msg, client, ws)?,
        };
        Some(&ws.out[..len])
    }

    /// Like [`Engine::handle`], but hands zone transfers, NOTIFY and UPDATE back to the
    /// caller instead of refusing them.
    pub fn respond<'w>(&self, msg: &[u8], client: &Client, ws: &'w mut Workspace) -> Outcome<'w> {
        match self.step(msg, client, ws) {
            Step::Reply(len) => Outcome::Reply(&ws.out[..len]),
            Step::Drop => Outcome::Drop,
            Step::Defer(deferred) => Outcome::Defer(deferred),
        }
    }

    fn access(&self, client: &Client) -> Access<'_> {
        Access {
            client: client.addr.ip(),
            local: client.local.ip(),
            localhost: &self.localhost,
            localnets: &self.localnets,
        }
    }

    fn step(&self, msg: &[u8], client: &Client, ws: &mut Workspace) -> Step {
        let access = self.access(client);
        // BIND drops blackholed clients before reading anything.
        if !self.blackhole.elements.is_empty() && access.allows(&self.blackhole, false) {
            return Step::Drop;
        }
        let options = ParseOptions {
            answer_cookie: self.answer_cookie,
        };
        let verdict = ws.request.parse(msg, options);
        match verdict {
            Verdict::Drop(_) => Step::Drop,
            Verdict::Reply(refusal) => self.refuse(None, &refusal, None, false, msg, client, ws),
            Verdict::Accept(action) => {
                let Some(view) = self.match_view(&ws.request, &access) else {
                    let opcode = ws.request.header().opcode();
                    let refusal = Refusal {
                        rcode: if opcode.is_implemented() {
                            Rcode::REFUSED
                        } else {
                            Rcode::NOTIMP
                        },
                        echo_question: match action {
                            Action::Refuse(r) => r.echo_question,
                            _ => ws.request.question().is_some(),
                        },
                        opt: ReplyOpt::Full,
                    };
                    return self.refuse(
                        None,
                        &refusal,
                        Some(Ede::Prohibited),
                        false,
                        msg,
                        client,
                        ws,
                    );
                };
                match action {
                    Action::Refuse(refusal) => {
                        self.refuse(Some(view), &refusal, None, false, msg, client, ws)
                    }
                    Action::Query => self.query(view, client, ws),
                    Action::Transfer | Action::Notify | Action::Update => Step::Defer(Deferred {
                        action,
                        view: view.index.unwrap_or(usize::MAX),
                    }),
                }
            }
        }
    }

    /// BIND's `get_matching_view`: the first view of the message's class whose
    /// match-clients and match-destinations allow the request; then the built-in
    /// CHAOS view.
    fn match_view(&self, request: &Request, access: &Access<'_>) -> Option<&ViewEngine> {
        let class = request.class()?;
        let rd = request.header().has(FLAG_RD);
        self.views
            .iter()
            .chain(std::iter::once(&self.chaos_view))
            .find(|v| {
                (v.class == class || class == Class::ANY)
                    && access.allows(&v.match_clients, false)
                    && access.allows(&v.match_destinations, true)
                    && (rd || !v.recursive_only)
            })
    }

    /// The EDNS settings of `view` (or the server's, before any view matched).
    fn edns_config(&self, view: Option<&ViewEngine>) -> EdnsConfig<'_> {
        let v = view.unwrap_or(&self.chaos_view);
        EdnsConfig {
            udp_size: v.edns_udp_size,
            max_udp_size: v.max_udp_size,
            nocookie_udp_size: v.nocookie_udp_size,
            server_id: self.server_id.as_deref(),
            answer_cookie: self.answer_cookie,
            keepalive_timeout: self.keepalive,
        }
    }

    /// The response size limit and the source of a fresh server cookie.
    fn limits(
        &self,
        config: &EdnsConfig<'_>,
        request: &Request,
        client: &Client,
        now: u32,
    ) -> usize {
        if client.transport == Transport::Tcp {
            return MAX_MESSAGE;
        }
        let valid = request
            .edns()
            .and_then(|e| e.cookie.as_ref())
            .is_some_and(|c| cookie::check(c, client.addr.ip(), now, &self.secrets).is_valid());
        config.udp_limit(request.edns(), valid)
    }

    fn cookie_source<'s>(&'s self, client: &Client, now: u32) -> Option<CookieSource<'s>> {
        self.secrets.first().map(|secret| CookieSource {
            secret,
            client_ip: client.addr.ip(),
            now,
        })
    }

    /// Writes a reply without records (an error, or a refusal BIND makes before any
    /// lookup).
    #[allow(clippy::too_many_arguments)]
    fn refuse(
        &self,
        view: Option<&ViewEngine>,
        refusal: &Refusal,
        ede: Option<Ede>,
        aa: bool,
        msg: &[u8],
        client: &Client,
        ws: &mut Workspace,
    ) -> Step {
        let now = now();
        let config = self.edns_config(view);
        let tcp = client.transport == Transport::Tcp;
        let limit = self.limits(&config, &ws.request, client, now);
        let source = self.cookie_source(client, now);
        let opt = refusal_opt(
            refusal.opt,
            ws.request.edns(),
            &config,
            tcp,
            source.as_ref(),
        );
        let ede = ede.filter(|_| opt.is_some());
        let written = (|| {
            let mut w =
                ResponseWriter::new(&mut ws.out, &mut ws.comp, limit, ws.request.header(), opt)?;
            let reserved = ede.is_some_and(|e| w.reserve(ede_len(e)));
            if refusal.echo_question {
                w.echo_questions(&ws.request, msg)?;
            }
            w.set_rcode(refusal.rcode);
            w.set_flags(FLAG_AA, aa);
            Ok::<_, crate::wire::WriteError>((w.finish()?, reserved))
        })();
        match written {
            Ok((len, reserved)) => {
                Step::Reply(append_ede(&mut ws.out, len, opt, ede.filter(|_| reserved)))
            }
            Err(_) => Step::Drop,
        }
    }

    /// Answers a QUERY in `view`.
    fn query(&self, view: &ViewEngine, client: &Client, ws: &mut Workspace) -> Step {
        let Some(question) = ws.request.question() else {
            return Step::Drop;
        };
        let header = *ws.request.header();
        let edns = ws.request.edns().copied();
        let tcp = client.transport == Transport::Tcp;
        let rd = header.has(FLAG_RD);
        let qtype = question.qtype;
        // BIND also answers minimally over UDP to clients offering 512 bytes or less.
        let small_udp = !tcp && edns.is_some_and(|e| e.udp_size <= 512 || view.max_udp_size <= 512);
        let (no_authority, no_additional) = minimal(view, rd, qtype, tcp, small_udp);
        let access = self.access(client);
        ws.plan.clear();
        let answered = if view.index.is_none() {
            None
        } else {
            let ctx = Ctx {
                view,
                access: &access,
                plan: &mut ws.plan,
                qtype,
                dnssec: edns.is_some_and(|e| e.dnssec_ok()),
                rd,
                tcp,
                wants_expire: edns.is_some_and(|e| e.expire),
                no_authority,
                no_additional,
                qname: NameBuf::from_wire(question.name()).unwrap_or_else(NameBuf::root),
                restarts: 0,
                authdb: None,
                partial: false,
                authoritative: false,
                want_restart: false,
                answer_has_ns: false,
                glue: false,
                error: None,
                rcode: Rcode::NOERROR,
                aa: true,
                ede: None,
                expire: None,
                additional_depth: 0,
                additional_lookups: 0,
            };
            Some(ctx.run())
        };
        let now = now();
        let config = self.edns_config(Some(view));
        let limit = self.limits(&config, &ws.request, client, now);
        let source = self.cookie_source(client, now);
        let opt = edns.map(|e| OptRecord::answer(&e, &config, tcp, source.as_ref()));
        let ede = answered.and_then(|a| a.ede).filter(|_| opt.is_some());
        let question = ws.request.question().cloned().unwrap_or_default();
        let chaos_texts = ChaosConfig {
            version: self.version.as_deref(),
            hostname: self.hostname.as_deref(),
            server_id: self.server_id.as_deref(),
            authors: &[],
        };
        // BIND prefers glue of the client's address family, by socket family.
        let ipv6 = client.addr.is_ipv6();
        let mut expire_set = false;
        let written = (|| {
            let mut w = ResponseWriter::new(&mut ws.out, &mut ws.comp, limit, &header, opt)?;
            let reserved = ede.is_some_and(|e| w.reserve(ede_len(e)));
            w.question(question.name(), question.qtype, question.qclass)?;
            match answered {
                None => {
                    chaos::answer(&mut w, &question, &chaos_texts, !no_authority)?;
                }
                Some(Answered {
                    rcode, aa, expire, ..
                }) => {
                    if let Some(seconds) = expire {
                        expire_set = w.set_expire(seconds);
                    }
                    w.set_flags(FLAG_AA, aa);
                    // BIND sets AD for DO or AD queries and clears it as soon as an
                    // answer or authority record that is not validated data goes in:
                    // zone data never is.
                    let wants_ad = edns.is_some_and(|e| e.dnssec_ok()) || header.has(FLAG_AD);
                    let error = rcode != Rcode::NOERROR
                        && rcode != Rcode::NXDOMAIN
                        && rcode != super::query::YXDOMAIN;
                    w.set_flags(
                        FLAG_AD,
                        wants_ad && !error && ws.plan.nothing_authoritative(),
                    );
                    ws.plan.render(&mut w, ipv6)?;
                    w.set_rcode(rcode);
                }
            }
            Ok::<_, crate::wire::WriteError>((w.finish()?, reserved))
        })();
        let opt = opt.map(|o| OptRecord {
            expire: if expire_set {
                answered.and_then(|a| a.expire)
            } else {
                None
            },
            ..o
        });
        match written {
            Ok((len, reserved)) => {
                Step::Reply(append_ede(&mut ws.out, len, opt, ede.filter(|_| reserved)))
            }
            Err(_) => Step::Drop,
        }
    }

    /// What [`Engine::handle`] answers for requests it does not serve, as BIND answers
    /// them for primary zones without transfers, updates or NOTIFY handling configured:
    /// NOTIFY for a primary zone gets NOERROR with AA (live), UPDATE gets REFUSED (no
    /// `allow-update`), AXFR over UDP gets FORMERR; a zone not served here gets NOTAUTH,
    /// and a NOTIFY or UPDATE whose question is not an SOA gets FORMERR. Transfers over
    /// TCP, IXFR over UDP and NOTIFY for other zone types are refused.
    fn decline(
        &self,
        deferred: Deferred,
        msg: &[u8],
        client: &Client,
        ws: &mut Workspace,
    ) -> Option<usize> {
        let view = self.views.get(deferred.view);
        let question = ws.request.question();
        let zone = view
            .zip(question)
            .and_then(|(v, q)| v.zones.exact(q.name()));
        let udp = client.transport == Transport::Udp;
        let soa = question.is_some_and(|q| q.qtype == RType::SOA);
        let (rcode, aa) = match deferred.action {
            Action::Notify | Action::Update if !soa => (Rcode::FORMERR, false),
            _ if zone.is_none() => (Rcode::NOTAUTH, false),
            Action::Notify if zone.is_some_and(|z| z.primary) => (Rcode::NOERROR, true),
            Action::Transfer if udp && question.is_some_and(|q| q.qtype == RType::AXFR) => {
                if zone.is_some_and(|z| z.zone.is_some()) {
                    (Rcode::FORMERR, false)
                } else {
                    (Rcode::SERVFAIL, false)
                }
            }
            _ => (Rcode::REFUSED, false),
        };
        let refusal = Refusal {
            rcode,
            echo_question: question.is_some(),
            opt: ReplyOpt::Full,
        };
        match self.refuse(view, &refusal, None, aa, msg, client, ws) {
            Step::Reply(len) => Some(len),
            _ => None,
        }
    }
}

/// What the engine does with a request, before the bytes are borrowed out.
enum Step {
    Reply(usize),
    Drop,
    Defer(Deferred),
}

/// BIND's section-shaping attributes (`ns_query_start`): whether the authority and
/// additional sections are left out.
fn minimal(view: &ViewEngine, rd: bool, qtype: RType, tcp: bool, small_udp: bool) -> (bool, bool) {
    let (mut auth, mut add) = match view.minimal_responses {
        MinimalResponses::No => (false, false),
        MinimalResponses::Yes => (true, true),
        MinimalResponses::NoAuth => (true, false),
        MinimalResponses::NoAuthRecursive => (rd, false),
    };
    // DNSKEY, CDNSKEY, CDS and DS answers are always minimal; NS answers never.
    if matches!(qtype.0, 48 | 59 | 60) || qtype == RType::DS {
        (auth, add) = (true, true);
    } else if qtype == RType::NS {
        (auth, add) = (false, false);
    }
    if (qtype == RType::ANY && view.minimal_any && !tcp) || small_udp {
        (auth, add) = (true, true);
    }
    (auth, add)
}

/// A hex `cookie-secret` of 128 bits (SipHash-2-4's key).
fn parse_secret(hex: &str) -> Option<Secret> {
    let hex = hex.as_bytes();
    if hex.len() != 32 {
        return None;
    }
    let mut secret = [0u8; 16];
    for (i, pair) in hex.chunks(2).enumerate() {
        let digit = |c: u8| (c as char).to_digit(16);
        secret[i] = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
    }
    Some(secret)
}

/// Seconds since the epoch, as cookies count them.
fn now() -> u32 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_parse_from_hex() {
        assert_eq!(
            parse_secret("000102030405060708090a0b0c0d0e0f"),
            Some([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])
        );
        assert_eq!(parse_secret("0001"), None);
        assert_eq!(parse_secret("zz0102030405060708090a0b0c0d0e0f"), None);
    }
}
