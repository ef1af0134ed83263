//! The set of addresses being answered on, brought in line with a [`Plan`] at start-up and
//! on reload: sockets for addresses that stay are kept, new ones are opened, old ones closed.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::runtime::Handle;

use super::Shared;
use super::listen::{Endpoint, Plan, display};
use super::log::{error, info, warning};
use super::{tcp, udp};

/// One address answered on over UDP and TCP.
struct Active {
    endpoint: Endpoint,
    udp: udp::Workers,
    tcp: tcp::Acceptor,
}

/// Every address answered on.
pub struct Listeners {
    active: Vec<Active>,
    workers: usize,
    shared: Arc<Shared>,
    runtime: Handle,
}

/// What applying a plan did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Endpoints the plan asked for.
    pub wanted: usize,
    /// Endpoints that could not be opened.
    pub failed: usize,
}

impl Listeners {
    /// No listeners yet; each address will get `workers` UDP threads.
    pub fn new(workers: usize, shared: Arc<Shared>, runtime: Handle) -> Self {
        Self {
            active: Vec::new(),
            workers,
            shared,
            runtime,
        }
    }

    /// Opens what the plan adds and closes what it drops, logging each change as BIND does.
    pub fn apply(&mut self, plan: &Plan, backlog: u32) -> Applied {
        for skipped in &plan.skipped {
            warning!(Network, "{skipped}");
        }
        let (keep, drop): (Vec<Active>, Vec<Active>) = std::mem::take(&mut self.active)
            .into_iter()
            .partition(|a| plan.endpoints.iter().any(|e| e.addr == a.endpoint.addr));
        for gone in drop {
            info!(
                Network,
                "no longer listening on {}",
                display(&gone.endpoint.addr)
            );
            gone.stop();
        }
        self.active = keep;
        let mut failed = 0;
        for endpoint in &plan.endpoints {
            if self.active.iter().any(|a| a.endpoint.addr == endpoint.addr) {
                continue;
            }
            match self.open(endpoint.addr, backlog) {
                Ok((udp, tcp)) => {
                    let family = if endpoint.addr.is_ipv4() {
                        "IPv4"
                    } else {
                        "IPv6"
                    };
                    info!(
                        Network,
                        "listening on {family} interface {}, {}",
                        endpoint.interface,
                        display(&endpoint.addr)
                    );
                    self.active.push(Active {
                        endpoint: endpoint.clone(),
                        udp,
                        tcp,
                    });
                }
                Err(why) => {
                    failed += 1;
                    error!(
                        Network,
                        "could not listen on {} (interface {}): {why}",
                        display(&endpoint.addr),
                        endpoint.interface
                    );
                }
            }
        }
        Applied {
            wanted: plan.endpoints.len(),
            failed,
        }
    }

    fn open(
        &self,
        addr: SocketAddr,
        backlog: u32,
    ) -> Result<(udp::Workers, tcp::Acceptor), String> {
        let tcp_listener = tcp::bind(addr, backlog).map_err(|e| format!("TCP: {e}"))?;
        let sockets = udp::bind(addr, self.workers).map_err(|e| format!("UDP: {e}"))?;
        let udp = udp::Workers::start(sockets, addr, &self.shared)
            .map_err(|e| format!("starting UDP threads: {e}"))?;
        match tcp::Acceptor::start(tcp_listener, addr, &self.shared, &self.runtime) {
            Ok(tcp) => Ok((udp, tcp)),
            Err(e) => {
                udp.stop();
                Err(format!("TCP: {e}"))
            }
        }
    }

    /// Closes every listener.
    pub fn shutdown(&mut self) {
        for active in self.active.drain(..) {
            info!(
                Network,
                "no longer listening on {}",
                display(&active.endpoint.addr)
            );
            active.stop();
        }
    }
}

impl Active {
    fn stop(self) {
        self.tcp.stop();
        self.udp.stop();
    }
}
