//! Where each blob in the store came from (`registry/repository`), so that a push to another
//! repository of the same registry can mount it instead of uploading it again.

use std::collections::{BTreeMap, BTreeSet};

use super::{Error, Lock, Store};
use crate::atomic_write::write_atomic;
use crate::digest::Digest;
use crate::reference::Repository;

/// Keep the file small: a handful of known homes per blob is plenty to find one to mount from.
const MAX_PER_BLOB: usize = 8;

#[derive(Default)]
pub struct Sources {
    map: BTreeMap<String, BTreeSet<String>>,
}

impl Sources {
    /// A missing or unreadable file only costs mounts, never a command.
    pub fn load(store: &Store) -> Self {
        let map = std::fs::read(store.sources_path())
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Sources { map }
    }

    pub fn add(&mut self, digest: &Digest, repository: &Repository) {
        let homes = self.map.entry(digest.to_string()).or_default();
        if homes.len() < MAX_PER_BLOB {
            homes.insert(repository.to_string());
        }
    }

    /// Repositories of `registry` other than `except` known to hold `digest`.
    pub fn homes_in(&self, digest: &Digest, target: &Repository) -> Vec<String> {
        let prefix = format!("{}/", target.registry());
        self.map
            .get(&digest.to_string())
            .into_iter()
            .flatten()
            .filter_map(|home| home.strip_prefix(&prefix))
            .filter(|path| *path != target.path())
            .map(str::to_string)
            .collect()
    }

    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.map.retain(|digest, _| keep(digest));
    }

    pub fn save(&self, store: &Store, _lock: &Lock) -> Result<(), Error> {
        let path = store.sources_path();
        let bytes = serde_json::to_vec(&self.map).expect("a map serialises");
        write_atomic(&path, &bytes, 0o644).map_err(|source| Error::Io {
            path,
            cause: source,
        })
    }
}
