//! docker's own archive files: `manifest.json` (one entry per image: config, layers, names) and
//! the legacy `repositories`, and the Docker schema 2 manifest a load builds for an archive that
//! has no OCI layout (docker 24 and older, skopeo's docker-archive).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::reference::Reference;

pub const MANIFEST_JSON: &str = "manifest.json";
pub const REPOSITORIES: &str = "repositories";

pub const SCHEMA2: &str = "application/vnd.docker.distribution.manifest.v2+json";
const CONFIG: &str = "application/vnd.docker.container.image.v1+json";
const LAYER_TAR: &str = "application/vnd.docker.image.rootfs.diff.tar";
const LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/// One image of `manifest.json`. Paths are inside the archive.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Entry {
    pub config: String,
    #[serde(default, deserialize_with = "null_is_empty")]
    pub repo_tags: Vec<String>,
    pub layers: Vec<String>,
}

/// docker writes `"RepoTags": null` for an image saved by ID.
fn null_is_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::deserialize(d)?.unwrap_or_default())
}

/// docker's short `repository:tag` for a reference; none for one by digest only, which docker
/// cannot name.
pub fn repo_tag(reference: &Reference) -> Option<(String, String)> {
    let tag = reference.tag()?;
    let familiar = reference.familiar();
    let repository = familiar
        .split('@')
        .next()?
        .strip_suffix(&format!(":{tag}"))?;
    Some((repository.to_string(), tag.to_string()))
}

/// `repositories`: repository → tag → the image's top layer, which is all docker ≤ 1.9 knew.
pub fn repositories<'a>(images: impl IntoIterator<Item = (&'a Reference, &'a Digest)>) -> Vec<u8> {
    let mut map: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (reference, top_layer) in images {
        if let Some((repository, tag)) = repo_tag(reference) {
            map.entry(repository)
                .or_default()
                .insert(tag, top_layer.hex().to_string());
        }
    }
    serde_json::to_vec(&map).expect("a map serialises")
}

/// A file of the archive as a blob: its digest and size as it is in the tar.
#[derive(Debug, Clone)]
pub struct Member {
    pub digest: Digest,
    pub size: u64,
    pub gzip: bool,
}

/// The Docker schema 2 manifest for a `manifest.json` entry of an archive without an OCI layout:
/// docker and skopeo wrote no manifest, so one is made from the files as they are.
pub fn schema2(config: &Member, layers: &[Member]) -> Vec<u8> {
    let descriptor = |media_type: &str, f: &Member| serde_json::json!({"mediaType": media_type, "size": f.size, "digest": f.digest.to_string()});
    let layers: Vec<_> = layers
        .iter()
        .map(|l| descriptor(if l.gzip { LAYER_GZIP } else { LAYER_TAR }, l))
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": SCHEMA2,
        "config": descriptor(CONFIG, config),
        "layers": layers,
    }))
    .expect("a manifest serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_tags_are_docker_short_names() {
        let r = |s: &str| Reference::parse(s).unwrap();
        assert_eq!(
            repo_tag(&r("busybox:1.35.0")),
            Some(("busybox".into(), "1.35.0".into()))
        );
        assert_eq!(
            repo_tag(&r("127.0.0.1:5000/a/b:v1")),
            Some(("127.0.0.1:5000/a/b".into(), "v1".into()))
        );
        let d = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(repo_tag(&r(&format!("busybox@{d}"))), None);
        assert_eq!(
            repo_tag(&r(&format!("bitnami/redis:7@{d}"))),
            Some(("bitnami/redis".into(), "7".into()))
        );
        let entries: Vec<Entry> = serde_json::from_str(
            r#"[{"Config":"c.json","RepoTags":null,"Layers":["l/layer.tar"]}]"#,
        )
        .unwrap();
        assert!(entries[0].repo_tags.is_empty());
    }
}
