//! `index.json`: which images the store holds, each named by its full normalised reference
//! in `org.opencontainers.image.ref.name`.

use std::collections::BTreeMap;
use std::path::Path;

use oci_client::manifest::{ImageIndexEntry, OciImageIndex, OCI_IMAGE_INDEX_MEDIA_TYPE};

use super::Error;
use crate::digest::Digest;

pub const REF_NAME: &str = "org.opencontainers.image.ref.name";
pub const EMPTY: &[u8] =
    br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;

/// One named image: the manifest or index its name points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub digest: Digest,
    pub media_type: String,
    pub size: u64,
}

pub struct Index {
    doc: OciImageIndex,
}

impl Index {
    pub fn load(path: &Path) -> Result<Self, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            cause: source,
        })?;
        let doc = serde_json::from_slice(&bytes).map_err(|e| Error::NotALayout {
            path: path.to_path_buf(),
            reason: format!("index.json: {e}"),
        })?;
        Ok(Index { doc })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut doc = self.doc.clone();
        doc.media_type
            .get_or_insert_with(|| OCI_IMAGE_INDEX_MEDIA_TYPE.to_string());
        serde_json::to_vec(&doc).expect("an index serialises")
    }

    /// Named entries; unnamed ones (another tool's) are skipped, not lost.
    pub fn entries(&self) -> Vec<Entry> {
        self.doc
            .manifests
            .iter()
            .filter_map(|e| {
                Some(Entry {
                    name: e.annotations.as_ref()?.get(REF_NAME)?.clone(),
                    digest: e.digest.parse().ok()?,
                    media_type: e.media_type.clone(),
                    size: e.size.max(0) as u64,
                })
            })
            .collect()
    }

    /// Every digest the index points at, named or not (roots for garbage collection).
    pub fn roots(&self) -> Vec<(Digest, String)> {
        self.doc
            .manifests
            .iter()
            .filter_map(|e| Some((e.digest.parse().ok()?, e.media_type.clone())))
            .collect()
    }

    /// The entry `name` (a full normalised reference) names.
    pub fn find(&self, name: &str) -> Option<Entry> {
        self.entries()
            .into_iter()
            .find(|e| names(&e.name, &e.digest.to_string(), name))
    }

    /// The image with this digest, named or not (`load` keeps unnamed images by digest).
    pub fn find_digest(&self, digest: &Digest) -> Option<(String, u64)> {
        let wanted = digest.to_string();
        self.doc
            .manifests
            .iter()
            .find(|e| e.digest == wanted)
            .map(|e| (e.media_type.clone(), e.size.max(0) as u64))
    }

    /// Points `entry.name` at `entry.digest`, replacing what the name pointed at before.
    /// Points `entry.name` at `entry.digest`; the images the name pointed at before, when they
    /// were others (`gc::release` may free them).
    #[must_use = "the images a moved name leaves behind are the caller's to release"]
    pub fn set(&mut self, entry: &Entry) -> Vec<Digest> {
        // The entries `remove` takes: the name as written, or as another tool spelled it.
        let before: Vec<Digest> = self
            .entries()
            .into_iter()
            .filter(|e| names(&e.name, &e.digest.to_string(), &entry.name))
            .map(|e| e.digest)
            .collect();
        self.remove(&entry.name);
        self.doc.manifests.push(ImageIndexEntry {
            media_type: entry.media_type.clone(),
            digest: entry.digest.to_string(),
            size: entry.size as i64,
            platform: None,
            annotations: Some(BTreeMap::from([(REF_NAME.to_string(), entry.name.clone())])),
            artifact_type: None,
        });
        before.into_iter().filter(|d| *d != entry.digest).collect()
    }

    /// Keeps an image that has no name (loaded from an archive that gave none): `images` does
    /// not list it, but garbage collection treats it as a root.
    pub fn add_unnamed(&mut self, digest: &Digest, media_type: &str, size: u64) {
        let digest = digest.to_string();
        if self.doc.manifests.iter().any(|e| e.digest == digest) {
            return;
        }
        self.doc.manifests.push(ImageIndexEntry {
            media_type: media_type.to_string(),
            digest,
            size: size as i64,
            platform: None,
            annotations: None,
            artifact_type: None,
        });
    }

    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.doc.manifests.len();
        self.doc.manifests.retain(|e| {
            e.annotations
                .as_ref()
                .and_then(|a| a.get(REF_NAME))
                .is_none_or(|n| !names(n, &e.digest, name))
        });
        before != self.doc.manifests.len()
    }

    /// Removes every entry for `digest`, named or not; true if there was one.
    pub fn remove_digest(&mut self, digest: &Digest) -> bool {
        let wanted = digest.to_string();
        let before = self.doc.manifests.len();
        self.doc.manifests.retain(|e| e.digest != wanted);
        before != self.doc.manifests.len()
    }

    /// Entries with no name (an archive gave none), for `images` to show as `<none>`.
    pub fn unnamed(&self) -> Vec<(Digest, String, u64)> {
        self.doc
            .manifests
            .iter()
            .filter(|e| {
                e.annotations
                    .as_ref()
                    .is_none_or(|a| !a.contains_key(REF_NAME))
            })
            .filter_map(|e| {
                Some((
                    e.digest.parse().ok()?,
                    e.media_type.clone(),
                    e.size.max(0) as u64,
                ))
            })
            .collect()
    }
}

/// Whether the entry named `stored`, pointing at `digest`, is what `wanted` (a full
/// normalised reference) asks for. Other tools write short names (skopeo `oci:DIR:other:1`
/// stores `other:1`); they are read as docker would read them. A name with a tag and a digest
/// (`pull repo:v1@sha256:…`) is addressed by its tag, as `images` shows it: the digest only
/// pinned what was pulled. A wanted name with a digest must have that digest.
fn names(stored: &str, digest: &str, wanted: &str) -> bool {
    use crate::reference::Reference;
    if stored == wanted {
        return true;
    }
    let (Ok(stored), Ok(wanted)) = (Reference::parse(stored), Reference::parse(wanted)) else {
        return false;
    };
    let tagged = |r: &Reference| match r.tag() {
        Some(tag) => format!("{}:{tag}", r.repository()),
        None => r.to_string(),
    };
    tagged(&stored) == tagged(&wanted) && wanted.digest().is_none_or(|d| d.to_string() == digest)
}
