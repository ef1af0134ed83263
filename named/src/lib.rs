//! The daemon and its checkers.

pub mod answer;
pub mod checkzone;
pub mod daemon;
pub mod forward;
pub mod stats;
pub mod tsig;

pub mod wire;
pub mod xfr;
