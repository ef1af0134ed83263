//! Zone maintenance and transfer counters: NOTIFY sent and received, SOA queries,
//! transfers asked for, completed and failed, and the bytes moved. They change a few
//! times per transfer, far from the query path, so one process-wide set of atomics is
//! enough.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// One zone maintenance counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Zm {
    /// IPv4 notifies sent.
    NotifySentV4,
    /// IPv6 notifies sent.
    NotifySentV6,
    /// IPv4 notifies received.
    NotifyInV4,
    /// IPv6 notifies received.
    NotifyInV6,
    /// Notifies rejected.
    NotifyRejected,
    /// IPv4 SOA queries sent.
    SoaSentV4,
    /// IPv6 SOA queries sent.
    SoaSentV6,
    /// IPv4 AXFR requested.
    AxfrReqV4,
    /// IPv6 AXFR requested.
    AxfrReqV6,
    /// IPv4 IXFR requested.
    IxfrReqV4,
    /// IPv6 IXFR requested.
    IxfrReqV6,
    /// Transfer requests succeeded.
    XfrSuccess,
    /// Transfer requests failed.
    XfrFail,
}

impl Zm {
    /// Every counter, in BIND's order of `++ Zone Maintenance Statistics ++`.
    pub const ALL: [Zm; 13] = [
        Zm::NotifySentV4,
        Zm::NotifySentV6,
        Zm::NotifyInV4,
        Zm::NotifyInV6,
        Zm::NotifyRejected,
        Zm::SoaSentV4,
        Zm::SoaSentV6,
        Zm::AxfrReqV4,
        Zm::AxfrReqV6,
        Zm::IxfrReqV4,
        Zm::IxfrReqV6,
        Zm::XfrSuccess,
        Zm::XfrFail,
    ];

    /// BIND's description in `named.stats`.
    pub fn description(self) -> &'static str {
        match self {
            Zm::NotifySentV4 => "IPv4 notifies sent",
            Zm::NotifySentV6 => "IPv6 notifies sent",
            Zm::NotifyInV4 => "IPv4 notifies received",
            Zm::NotifyInV6 => "IPv6 notifies received",
            Zm::NotifyRejected => "notifies rejected",
            Zm::SoaSentV4 => "IPv4 SOA queries sent",
            Zm::SoaSentV6 => "IPv6 SOA queries sent",
            Zm::AxfrReqV4 => "IPv4 AXFR requested",
            Zm::AxfrReqV6 => "IPv6 AXFR requested",
            Zm::IxfrReqV4 => "IPv4 IXFR requested",
            Zm::IxfrReqV6 => "IPv6 IXFR requested",
            Zm::XfrSuccess => "transfer requests succeeded",
            Zm::XfrFail => "transfer requests failed",
        }
    }

    /// The key in the JSON statistics.
    pub fn key(self) -> &'static str {
        match self {
            Zm::NotifySentV4 => "notify_out_v4",
            Zm::NotifySentV6 => "notify_out_v6",
            Zm::NotifyInV4 => "notify_in_v4",
            Zm::NotifyInV6 => "notify_in_v6",
            Zm::NotifyRejected => "notify_rejected",
            Zm::SoaSentV4 => "soa_out_v4",
            Zm::SoaSentV6 => "soa_out_v6",
            Zm::AxfrReqV4 => "axfr_requested_v4",
            Zm::AxfrReqV6 => "axfr_requested_v6",
            Zm::IxfrReqV4 => "ixfr_requested_v4",
            Zm::IxfrReqV6 => "ixfr_requested_v6",
            Zm::XfrSuccess => "xfr_success",
            Zm::XfrFail => "xfr_fail",
        }
    }

    /// The IPv4 or IPv6 form of a counter that has both (`self` is the IPv4 one).
    pub fn family(self, v6: bool) -> Zm {
        match (self, v6) {
            (Zm::NotifySentV4, true) => Zm::NotifySentV6,
            (Zm::NotifyInV4, true) => Zm::NotifyInV6,
            (Zm::SoaSentV4, true) => Zm::SoaSentV6,
            (Zm::AxfrReqV4, true) => Zm::AxfrReqV6,
            (Zm::IxfrReqV4, true) => Zm::IxfrReqV6,
            (other, _) => other,
        }
    }
}

/// Transfer counters that BIND keeps elsewhere or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Xfr {
    /// Outgoing transfers completed (BIND's "requested transfers completed").
    OutDone,
    /// Bytes sent in outgoing transfers.
    OutBytes,
    /// Bytes received in incoming transfers.
    InBytes,
}

/// Outgoing transfers completed, by view and zone (as the per-zone statistics name
/// them); printed for the zones with `zone-statistics full`.
static XFR_OUT_BY_ZONE: Mutex<BTreeMap<(String, String), u64>> = Mutex::new(BTreeMap::new());

static ZONE: [AtomicU64; Zm::ALL.len()] = [const { AtomicU64::new(0) }; Zm::ALL.len()];
static XFR: [AtomicU64; 3] = [const { AtomicU64::new(0) }; 3];

/// Counts one zone maintenance event.
pub fn count(counter: Zm) {
    ZONE[counter as usize].fetch_add(1, Ordering::Relaxed);
}

/// Adds `n` to a transfer counter.
pub fn add(counter: Xfr, n: u64) {
    XFR[counter as usize].fetch_add(n, Ordering::Relaxed);
}

/// How the per-zone statistics name zone `origin`: as configured, without the final dot
/// (`.` for the root).
pub fn zone_label(origin: &zones::Name) -> String {
    let text = origin.to_string();
    let label = text.trim_end_matches('.');
    if label.is_empty() {
        ".".to_owned()
    } else {
        label.to_owned()
    }
}

/// Counts an outgoing transfer of zone `origin` in view `view` completed, for that zone's
/// own statistics (BIND's per-zone "requested transfers completed").
pub fn transfer_out_done(view: &str, origin: &zones::Name) {
    let mut zones = XFR_OUT_BY_ZONE
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    *zones
        .entry((view.to_owned(), zone_label(origin)))
        .or_insert(0) += 1;
}

/// Outgoing transfers completed of zone `zone` (see [`zone_label`]) in view `view`.
pub fn transfers_out_of(view: &str, zone: &str) -> u64 {
    XFR_OUT_BY_ZONE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&(view.to_owned(), zone.to_owned()))
        .copied()
        .unwrap_or(0)
}

/// The zone maintenance counters now, indexed by [`Zm`].
pub fn zone_totals() -> [u64; Zm::ALL.len()] {
    std::array::from_fn(|i| ZONE[i].load(Ordering::Relaxed))
}

/// A transfer counter now.
pub fn xfr_total(counter: Xfr) -> u64 {
    XFR[counter as usize].load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_totals() {
        assert_eq!(Zm::NotifySentV4.family(true), Zm::NotifySentV6);
        assert_eq!(Zm::XfrFail.family(true), Zm::XfrFail);
        let before = zone_totals()[Zm::IxfrReqV6 as usize];
        count(Zm::IxfrReqV4.family(true));
        assert!(zone_totals()[Zm::IxfrReqV6 as usize] > before);
        let origin = zones::Name::from_text("xfr.example.", None).expect("name");
        assert_eq!(zone_label(&origin), "xfr.example");
        transfer_out_done("_default", &origin);
        assert_eq!(transfers_out_of("_default", "xfr.example"), 1);
        assert_eq!(transfers_out_of("other", "xfr.example"), 0);
        let bytes = xfr_total(Xfr::InBytes);
        add(Xfr::InBytes, 10);
        assert!(xfr_total(Xfr::InBytes) >= bytes + 10);
    }
}
