//! The daemon and its checkers.
