//! The daemon and its checkers.

pub mod answer;
pub mod checkzone;
pub mod daemon;

pub mod wire;
