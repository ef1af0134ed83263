//! The miss path: a query the engine deferred for forwarding is answered on the tokio
//! runtime, and the reply goes back over the transport it came in on.

use std::net::UdpSocket;
use std::sync::Arc;

use zones::{Class, RType};

use super::{Answer, Fetch, limits};
use crate::answer::{Client, Engine, Outcome, Workspace};
use crate::daemon::Shared;
use crate::wire::name::NameBuf;

/// What to fetch for the query `msg` deferred in view `view` of `engine`; `None` when
/// that view does not forward (the configuration changed meanwhile) or the question
/// cannot be read.
pub fn plan(engine: &Engine, view: usize, msg: &[u8]) -> Option<Fetch> {
    let forwarding = engine.forwarding(view)?;
    let mut name = NameBuf::root();
    let pos = name.read(msg, 12, true).ok()?;
    let fixed = msg.get(pos..pos + 4)?;
    let qtype = RType(u16::from_be_bytes([fixed[0], fixed[1]]));
    let qclass = Class(u16::from_be_bytes([fixed[2], fixed[3]]));
    let qname = name.as_bytes().to_vec();
    let lower = qname.to_ascii_lowercase();
    let route = forwarding.route(&lower);
    Some(Fetch {
        cache: Arc::clone(&forwarding.cache),
        servers: Arc::clone(&route.servers),
        qname,
        lower,
        qtype,
        qclass,
        limits: limits(forwarding),
    })
}

/// Answers the deferred query `msg` from `client` in view `view`: fetches, then
/// renders the reply through the current engine with the fetched answer. `None`: no
/// reply (dropped, as the engine decided).
pub async fn resolve(shared: &Shared, view: usize, msg: &[u8], client: &Client) -> Option<Vec<u8>> {
    let fetch = plan(&shared.engine.load(), view, msg);
    let answer = match fetch {
        Some(fetch) => shared.forward.fetch(&fetch).await,
        None => Arc::new(Answer::servfail()),
    };
    let engine = shared.engine.load_full();
    let mut ws = Workspace::new();
    ws.set_forwarded(answer);
    match engine.respond(msg, client, &mut ws) {
        Outcome::Reply(bytes) => Some(bytes.to_vec()),
        Outcome::Drop | Outcome::Defer(_) => None,
    }
}

/// Hands a UDP query deferred in view `view` to the runtime; the reply is sent from
/// `socket` (the listening socket it arrived on) to the client.
pub fn submit_udp(
    shared: &Arc<Shared>,
    view: usize,
    msg: &[u8],
    client: Client,
    seen: crate::stats::Seen,
    socket: &Arc<UdpSocket>,
) {
    let Some(runtime) = shared.forward.runtime() else {
        return;
    };
    let shared = Arc::clone(shared);
    let socket = Arc::clone(socket);
    let msg = msg.to_vec();
    runtime.spawn(async move {
        if let Some(reply) = resolve(&shared, view, &msg, &client).await {
            crate::stats::observe::response(shared.stats.shared(), seen, &reply);
            // A lost reply is a lost datagram: the client asks again.
            let _ = socket.send_to(&reply, client.addr);
        }
    });
}
