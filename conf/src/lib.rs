//! The named.conf language.
