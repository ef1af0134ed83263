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
use super::ratelimit::RateLimiter;
use super::zoneset::{ZoneEntry, ZoneSet};
use crate::forward::{Answer as ForwardedAnswer, Forwarder, ViewForwarding};
use crate::tsig::{self, KeyRing, Verified, VerifyError};
use crate::wire::chaos::{self, ChaosConfig};
use crate::wire::cookie::{self, Secret};
use crate::wire::edns::{CookieSource, EdnsConfig, OptRecord};
use crate::wire::header::{FLAG_AA, FLAG_AD, FLAG_RA, FLAG_RD};
use crate::wire::query::{Action, ParseOptions, Refusal, ReplyOpt, Request, Verdict};
use crate::wire::response::{ResponseWriter, RrsetHead, Section, refusal_opt};
use crate::wire::{Compressor, MAX_MESSAGE, Rcode};
use crate::xfr::keys::{ViewKeys, record_room};

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
    /// The verified TSIG of the last signed request.
    verified: Option<Verified>,
    /// Bytes the response must leave free for its TSIG record.
    room: usize,
    /// A signed response (the response copied, its TSIG appended).
    signed: Vec<u8>,
    /// The forwarders' answer to the next query, which the engine deferred.
    forwarded: Option<Arc<ForwardedAnswer>>,
    /// The last answer came from a zone with AA clear: a delegation (BIND's
    /// `isreferral`), for the statistics.
    referral: bool,
    /// The configured view the last request was matched to, for the query log.
    view: Option<usize>,
}

impl Workspace {
    /// Allocates the buffers.
    pub fn new() -> Self {
        Self {
            request: Request::new(),
            comp: Compressor::new(),
            plan: Plan::new(),
            out: vec![0; MAX_MESSAGE],
            verified: None,
            room: 0,
            signed: Vec::new(),
            forwarded: None,
            referral: false,
            view: None,
        }
    }

    /// Gives the next query the answer the forwarders sent for it (the engine deferred
    /// it with [`Action::Query`]); the reply is rendered from it instead of the cache.
    pub fn set_forwarded(&mut self, answer: Arc<ForwardedAnswer>) {
        self.forwarded = Some(answer);
    }

    /// Whether the request last handled was answered from a zone with a referral; the
    /// header cannot tell it from a forwarded NODATA, which also has AA clear.
    pub fn referral(&self) -> bool {
        self.referral
    }

    /// The view the request last handled was matched to, as the query log names it:
    /// `None` for the `_default` and `_bind` views and for requests no view took.
    pub fn view_name<'e>(&self, engine: &'e Engine) -> Option<&'e str> {
        engine.views.get(self.view?)?.log_name.as_deref()
    }

    /// The verified TSIG of the request last handled, when it was signed.
    pub fn verified(&self) -> Option<&Verified> {
        self.request.tsig().and(self.verified.as_ref())
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
    /// The `_bind` view's `rate-limit { responses-per-second 3; slip 0; }`.
    chaos_limit: RateLimiter,
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
    /// Decides NOTIFY for secondary zones and queues the refresh it asks for.
    notify_hook: Option<Arc<dyn crate::xfr::NotifyHook>>,
}

/// What answering needs of a view.
pub(crate) struct ViewEngine {
    /// The index in `config.views` (the built-in CHAOS view has none).
    index: Option<usize>,
    /// The name the query log gives it: none for `_default` and `_bind`, as in BIND.
    log_name: Option<Box<str>>,
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
    /// The keys signed requests are verified with: the view's, then the top-level ones.
    keys: KeyRing,
    /// Forwarding and the cache, when the view offers recursion.
    forward: Option<ViewForwarding>,
}

/// The client as the ACLs see it.
pub(crate) struct Access<'a> {
    client: IpAddr,
    local: IpAddr,
    /// The name of the key that signed the request.
    key: Option<&'a str>,
    localhost: &'a [(IpAddr, u8)],
    localnets: &'a [(IpAddr, u8)],
}

impl Access<'_> {
    /// Whether `list` allows the client (or, with `local`, the address it reached).
    #[inline]
    pub(crate) fn allows(&self, list: &AddressMatchList, local: bool) -> bool {
        list.allows(&MatchContext {
            addr: if local { self.local } else { self.client },
            key: self.key,
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
        let mut keys = ViewKeys::for_config(config).into_iter();
        let mut views: Vec<ViewEngine> = config
            .views
            .iter()
            .enumerate()
            .map(|(i, v)| ViewEngine {
                keys: keys.next().map(|k| k.ring).unwrap_or_default(),
                index: Some(i),
                log_name: (v.name != "_default").then(|| v.name.as_str().into()),
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
                forward: None,
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
                    allow_transfer: conf_zone.allow_transfer.clone(),
                    stats: None,
                },
            );
            zone_count += 1;
        }
        // BIND's built-in view takes the options of the `options` block.
        let global = &config.global_view_options;
        let chaos_view = ViewEngine {
            index: None,
            log_name: None,
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
            keys: KeyRing::new(&config.keys).unwrap_or_default(),
            forward: None,
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
            chaos_limit: RateLimiter::new(CHAOS_RATE, CHAOS_WINDOW),
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
            notify_hook: None,
        }
    }

    /// Hands NOTIFY for zones this server is secondary for to `hook`, which decides the
    /// rcode (it must not block: it runs on query threads).
    pub fn set_notify_hook(&mut self, hook: Arc<dyn crate::xfr::NotifyHook>) {
        self.notify_hook = Some(hook);
    }

    /// Gives each view of `config` that offers recursion its forwarding settings and
    /// its cache from `forwarder` (caches outlive engines).
    pub fn attach_forwarding(&mut self, config: &Config, forwarder: &Forwarder) {
        for (view, conf_view) in self.views.iter_mut().zip(&config.views) {
            let bytes = crate::forward::cache_bytes(conf_view.options.max_cache_size);
            let cache = forwarder.cache_for(&conf_view.name, bytes);
            view.forward = ViewForwarding::for_view(conf_view, cache);
        }
        forwarder.retain_views(config);
    }

    /// Gives each zone of `config` with `zone-statistics full` its counters from
    /// `registry` (counters outlive engines).
    pub fn attach_zone_statistics(&mut self, config: &Config, registry: &crate::stats::Registry) {
        for (view, conf_view) in self.views.iter_mut().zip(&config.views) {
            for zone in &conf_view.zones {
                if zone.zone_statistics != conf::model::ZoneStatistics::Full {
                    continue;
                }
                if let Some(entry) = view.zones.exact_mut(zone.name.as_wire()) {
                    let label = zone.name.to_string();
                    let label = label.trim_end_matches('.');
                    let label = if label.is_empty() { "." } else { label };
                    entry.stats = Some(registry.zone(&conf_view.name, label));
                }
            }
        }
    }

    /// The forwarding settings of view `view` (an index in `config.views`).
    pub fn forwarding(&self, view: usize) -> Option<&ViewForwarding> {
        self.views.get(view).and_then(|v| v.forward.as_ref())
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
            Step::Signed(len) => return Some(&ws.signed[..len]),
            Step::Drop => return None,
            Step::Defer(deferred) => {
                let len = self.decline(deferred, msg, client, ws)?;
                if ws.verified().is_some() {
                    let len = self.sign(len, ws)?;
                    return Some(&ws.signed[..len]);
                }
                len
            }
        };
        Some(&ws.out[..len])
    }

    /// Like [`Engine::handle`], but hands zone transfers, NOTIFY and UPDATE back to the
    /// caller instead of refusing them.
    pub fn respond<'w>(&self, msg: &[u8], client: &Client, ws: &'w mut Workspace) -> Outcome<'w> {
        match self.step(msg, client, ws) {
            Step::Reply(len) => Outcome::Reply(&ws.out[..len]),
            Step::Signed(len) => Outcome::Reply(&ws.signed[..len]),
            Step::Drop => Outcome::Drop,
            Step::Defer(deferred) => Outcome::Defer(deferred),
        }
    }

    fn access<'a>(&'a self, client: &Client, key: Option<&'a str>) -> Access<'a> {
        Access {
            client: client.addr.ip(),
            local: client.local.ip(),
            key,
            localhost: &self.localhost,
            localnets: &self.localnets,
        }
    }

    fn step(&self, msg: &[u8], client: &Client, ws: &mut Workspace) -> Step {
        ws.room = 0;
        ws.referral = false;
        ws.view = None;
        let access = self.access(client, None);
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
                if ws.request.tsig().is_some() {
                    return self.step_signed(action, msg, client, ws);
                }
                let view = self.match_view(&ws.request, &access);
                self.act(view, action, None, msg, client, ws)
            }
        }
    }

    /// What BIND does with a request of `action` once the view is chosen (`None`: no
    /// view matched); `key` names the key that signed it.
    fn act(
        &self,
        view: Option<&ViewEngine>,
        action: Action,
        key: Option<&str>,
        msg: &[u8],
        client: &Client,
        ws: &mut Workspace,
    ) -> Step {
        ws.view = view.and_then(|v| v.index);
        let Some(view) = view else {
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
            Action::Query => self.query(view, key, client, ws),
            Action::Transfer | Action::Notify | Action::Update => Step::Defer(Deferred {
                action,
                view: view.index.unwrap_or(usize::MAX),
            }),
        }
    }

    /// A request with a TSIG record: the view is chosen with the key it verified with
    /// in each view (BIND's `dns_message_rechecksig` per view); a request that does not
    /// verify in the chosen view is answered with the TSIG error, a verified one is
    /// answered signed.
    fn step_signed(&self, action: Action, msg: &[u8], client: &Client, ws: &mut Workspace) -> Step {
        let now = tsig_now();
        let class = ws.request.class();
        let rd = ws.request.header().has(FLAG_RD);
        let mut chosen = None;
        for v in self.views.iter().chain(std::iter::once(&self.chaos_view)) {
            if !class.is_some_and(|c| v.class == c || c == Class::ANY) || (v.recursive_only && !rd)
            {
                continue;
            }
            let result = tsig::verify_request(msg, &v.keys, now);
            let name = match &result {
                Ok(Some(verified)) => Some(zones::master::message_name(verified.key.name())),
                _ => None,
            };
            let access = self.access(client, name.as_deref());
            if access.allows(&v.match_clients, false) && access.allows(&v.match_destinations, true)
            {
                chosen = Some((v, result, name));
                break;
            }
        }
        let Some((view, result, name)) = chosen else {
            return self.act(None, action, None, msg, client, ws);
        };
        match result {
            Ok(Some(verified)) => {
                ws.room = record_room(&verified.key);
                ws.verified = Some(verified);
                match self.act(Some(view), action, name.as_deref(), msg, client, ws) {
                    Step::Reply(len) => {
                        // Live: BIND 9.18 answers a signed request without EDNS whose
                        // answer does not fit with TC, the question alone and the TSIG.
                        let len = if ws.request.edns().is_none() {
                            question_only_if_truncated(&mut ws.out, len)
                        } else {
                            len
                        };
                        match self.sign(len, ws) {
                            Some(len) => Step::Signed(len),
                            None => Step::Drop,
                        }
                    }
                    other => other,
                }
            }
            // A TSIG record the parser located always reads; kept for safety.
            Ok(None) => self.act(Some(view), action, None, msg, client, ws),
            Err(VerifyError::Rejected(rejection)) => {
                let refusal = Refusal {
                    rcode: rejection.rcode,
                    echo_question: ws.request.question().is_some(),
                    opt: ReplyOpt::Full,
                };
                let Step::Reply(len) =
                    self.refuse(Some(view), &refusal, None, false, msg, client, ws)
                else {
                    return Step::Drop;
                };
                ws.signed.clear();
                ws.signed.extend_from_slice(&ws.out[..len]);
                match tsig::append_error_tsig(&mut ws.signed, &rejection, now) {
                    Ok(()) => Step::Signed(ws.signed.len()),
                    Err(_) => Step::Drop,
                }
            }
            Err(_) => {
                let refusal = Refusal {
                    rcode: Rcode::FORMERR,
                    echo_question: ws.request.question().is_some(),
                    opt: ReplyOpt::Full,
                };
                self.refuse(Some(view), &refusal, None, false, msg, client, ws)
            }
        }
    }

    /// Signs the response in `ws.out[..len]` into `ws.signed` for the verified request;
    /// its length.
    fn sign(&self, len: usize, ws: &mut Workspace) -> Option<usize> {
        let verified = ws.verified.as_ref()?;
        ws.signed.clear();
        ws.signed.extend_from_slice(&ws.out[..len]);
        tsig::sign_response(&mut ws.signed, verified, tsig_now()).ok()?;
        Some(ws.signed.len())
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
        self.reply_with(view, refusal, ede, aa, None, msg, client, ws)
    }

    /// [`Engine::refuse`] with, optionally, one RRset in the answer section.
    #[allow(clippy::too_many_arguments)]
    fn reply_with(
        &self,
        view: Option<&ViewEngine>,
        refusal: &Refusal,
        ede: Option<Ede>,
        aa: bool,
        answer: Option<(&[u8], zones::zone::RRset<'_>, Class)>,
        msg: &[u8],
        client: &Client,
        ws: &mut Workspace,
    ) -> Step {
        let now = now();
        let config = self.edns_config(view);
        let tcp = client.transport == Transport::Tcp;
        let limit = self
            .limits(&config, &ws.request, client, now)
            .saturating_sub(ws.room);
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
            if let Some((owner, rrset, class)) = answer {
                let head = RrsetHead {
                    owner,
                    rtype: rrset.rtype(),
                    class,
                    ttl: rrset.ttl(),
                };
                w.push(Section::Answer, &head, rrset.rdatas())?;
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
    fn query(
        &self,
        view: &ViewEngine,
        key: Option<&str>,
        client: &Client,
        ws: &mut Workspace,
    ) -> Step {
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
        if view.index.is_none()
            && !tcp
            && !self
                .chaos_limit
                .allow(client.addr.ip(), question.name(), qtype.0, now())
        {
            return Step::Drop;
        }
        let (no_authority, no_additional) = minimal(view, rd, qtype, tcp, small_udp);
        let access = self.access(client, key);
        // Recursion (forwarding) is offered to this client: RA on every answer, and
        // names outside the served zones come from the cache or the forwarders.
        let recursion = view.forward.as_ref().filter(|f| {
            access.allows(&f.allow_recursion, false)
                && access.allows(&f.allow_recursion_on, true)
                && access.allows(&f.allow_query_cache, false)
                && access.allows(&f.allow_query_cache_on, true)
        });
        // Only views that forward pay for this second zone lookup.
        let outside = view.forward.is_some()
            && view.index.is_some()
            && view.zones.find(question.name(), false).is_none();
        let forwarded = ws.forwarded.take();
        // One reading of the cache clock serves the lookup and the TTLs written.
        let cache_now = if outside {
            crate::forward::cache::now()
        } else {
            0
        };
        let cached = match recursion {
            Some(f) if outside => {
                let now = cache_now;
                let lower = question.lower_name();
                match forwarded.filter(|_| rd) {
                    Some(answer) => Some(answer),
                    None => match f.cache.get(lower, qtype, question.qclass, now) {
                        Some(answer) => Some(answer),
                        None if rd && f.route(lower).servers.is_empty() => {
                            Some(Arc::new(ForwardedAnswer::servfail()))
                        }
                        None if rd => {
                            return Step::Defer(Deferred {
                                action: Action::Query,
                                view: view.index.unwrap_or(usize::MAX),
                            });
                        }
                        None => None,
                    },
                }
            }
            _ => None,
        };
        // BIND refuses names outside its zones to clients denied recursion with the
        // extended error Prohibited.
        let denied = view.forward.is_some() && recursion.is_none() && outside;
        let ra = recursion.is_some();
        ws.plan.clear();
        let answered = if view.index.is_none() || cached.is_some() {
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
        let limit = self
            .limits(&config, &ws.request, client, now)
            .saturating_sub(ws.room);
        let source = self.cookie_source(client, now);
        let opt = edns.map(|e| OptRecord::answer(&e, &config, tcp, source.as_ref()));
        let ede = answered
            .and_then(|a| a.ede)
            .or(denied.then_some(Ede::Prohibited))
            .filter(|_| opt.is_some());
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
            w.set_flags(FLAG_RA, ra);
            match answered {
                None if cached.is_some() => {
                    if let Some(answer) = &cached {
                        crate::forward::render::write(&mut w, answer, cache_now)?;
                    }
                }
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
                let len = append_ede(&mut ws.out, len, opt, ede.filter(|_| reserved));
                // Zone data clears AA only for a delegation (a glue answer has records
                // in the answer section, which makes it a successful one instead).
                ws.referral = answered.is_some_and(|a| !a.aa);
                let zone_stats = answered
                    .and_then(|a| a.zone)
                    .and_then(|i| view.zones.get(i))
                    .and_then(|z| z.stats.as_deref());
                if let (Some(block), Some(reply)) = (zone_stats, ws.out.get(..len)) {
                    let seen = crate::stats::Seen::query(rd, edns.is_some(), tcp);
                    crate::stats::observe::answer(block, seen, reply, ws.referral);
                }
                Step::Reply(len)
            }
            Err(_) => Step::Drop,
        }
    }

    /// What [`Engine::handle`] answers for requests it does not serve, as BIND answers
    /// them for primary zones without transfers, updates or NOTIFY handling configured:
    /// NOTIFY for a primary zone gets NOERROR with AA (live), UPDATE gets REFUSED (no
    /// `allow-update`), AXFR over UDP gets FORMERR; a zone not served here gets NOTAUTH,
    /// and a NOTIFY or UPDATE whose question is not an SOA gets FORMERR. IXFR over UDP gets
    /// the SOA ([`Engine::udp_ixfr`]) where a transfer is allowed. Transfers over TCP and
    /// NOTIFY for other zone types are refused.
    fn decline(
        &self,
        deferred: Deferred,
        msg: &[u8],
        client: &Client,
        ws: &mut Workspace,
    ) -> Option<usize> {
        let view = self.views.get(deferred.view);
        let udp = client.transport == Transport::Udp;
        if deferred.action == Action::Transfer && udp {
            let ixfr_zone = view
                .zip(ws.request.question())
                .filter(|(_, q)| q.qtype == RType::IXFR)
                .and_then(|(v, q)| v.zones.exact(q.name()));
            if let Some(step) = self.udp_ixfr(view, ixfr_zone, msg, client, ws) {
                return match step {
                    Step::Reply(len) => Some(len),
                    _ => None,
                };
            }
        }
        let question = ws.request.question();
        let zone = view
            .zip(question)
            .and_then(|(v, q)| v.zones.exact(q.name()));
        let soa = question.is_some_and(|q| q.qtype == RType::SOA);
        let (rcode, aa) = match deferred.action {
            // A forwarding miss: `handle` does not wait for forwarders.
            Action::Query => (Rcode::SERVFAIL, false),
            Action::Notify | Action::Update if !soa => (Rcode::FORMERR, false),
            _ if zone.is_none() => (Rcode::NOTAUTH, false),
            Action::Notify if zone.is_some_and(|z| z.primary) => (Rcode::NOERROR, true),
            Action::Notify if self.notify_hook.is_some() => {
                let name = question.map_or(&[0u8][..], |q| q.name());
                let key = ws
                    .verified()
                    .map(|v| zones::master::message_name(v.key.name()));
                let rcode = self.notify_hook.as_ref().map_or(Rcode::REFUSED, |hook| {
                    hook.notify(deferred.view, name, msg, client, key.as_deref())
                });
                (rcode, rcode == Rcode::NOERROR)
            }
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

impl Engine {
    /// IXFR over UDP, which BIND 9.18 always answers with the zone's SOA alone (AA clear),
    /// telling the client to come back over TCP when its serial is older (RFC 1995 §2).
    /// A client that may not transfer the zone is refused, with BIND's "prohibited"
    /// extended error. `None` when the zone is not served and loaded here.
    fn udp_ixfr(
        &self,
        view: Option<&ViewEngine>,
        zone: Option<&ZoneEntry>,
        msg: &[u8],
        client: &Client,
        ws: &mut Workspace,
    ) -> Option<Step> {
        let entry = zone?;
        let data = entry.zone.as_deref()?;
        let key = ws
            .verified()
            .map(|v| zones::master::message_name(v.key.name()));
        let transfer = &entry.allow_transfer;
        if transfer.port.is_some_and(|p| p != client.local.port())
            || !self
                .access(client, key.as_deref())
                .allows(&transfer.acl, false)
        {
            let refusal = Refusal {
                rcode: Rcode::REFUSED,
                echo_question: true,
                opt: ReplyOpt::Full,
            };
            return Some(self.refuse(
                view,
                &refusal,
                Some(Ede::Prohibited),
                false,
                msg,
                client,
                ws,
            ));
        }
        let refusal = Refusal {
            rcode: Rcode::NOERROR,
            echo_question: true,
            opt: ReplyOpt::Full,
        };
        let soa = data.soa_rrset();
        let owner = data.origin().as_wire();
        Some(self.reply_with(
            view,
            &refusal,
            None,
            false,
            Some((owner, soa, data.class())),
            msg,
            client,
            ws,
        ))
    }
}

/// What the engine does with a request, before the bytes are borrowed out.
enum Step {
    Reply(usize),
    /// A signed response, in `Workspace::signed`.
    Signed(usize),
    Drop,
    Defer(Deferred),
}

/// Cuts a response with TC set down to its header and question (a single one, written
/// uncompressed right after the header); the new length.
fn question_only_if_truncated(out: &mut [u8], len: usize) -> usize {
    let Some(header) = out.get(..12) else {
        return len;
    };
    if header[2] & 0x02 == 0 || header[4..6] != [0, 1] {
        return len;
    }
    let mut pos = 12;
    while let Some(&label) = out.get(pos) {
        if label == 0 || label & 0xc0 != 0 {
            break;
        }
        pos += 1 + usize::from(label);
    }
    let end = pos + 1 + 4;
    if out.get(pos) != Some(&0) || end > len {
        return len;
    }
    out[6..12].fill(0);
    end
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

/// Responses per second of the `_bind` view's rate limit, and its window in seconds.
const CHAOS_RATE: u16 = 3;
const CHAOS_WINDOW: u16 = 15;

/// Seconds since the epoch, as TSIG counts them.
fn tsig_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
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
    fn truncated_answers_keep_the_question_alone() {
        let mut msg = vec![0, 1, 0x84, 0, 0, 1, 0, 2, 0, 0, 0, 0];
        msg.extend_from_slice(b"\x03www\x07example\x00\x00\x01\x00\x01");
        let question_end = msg.len();
        msg.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]);
        let len = msg.len();
        assert_eq!(question_only_if_truncated(&mut msg, len), len, "TC clear");
        msg[2] |= 0x02;
        assert_eq!(question_only_if_truncated(&mut msg, len), question_end);
        assert_eq!(msg[6..12], [0; 6]);
    }

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
