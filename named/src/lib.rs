//! The daemon and its checkers.

pub mod checkzone;

pub mod wire;
