//! Helpers shared by the end-to-end tests: locating the built binaries and BIND's tools,
//! running them, and reading the zone-file corpus.

#![warn(missing_docs)]

pub mod alloc;
pub mod answers;
pub mod bind;
pub mod cargo_bin;
pub mod checkzone;
pub mod control;
pub mod corpus;
pub mod run;

use std::path::PathBuf;

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().map(PathBuf::from).unwrap_or(here)
}
