//! Manifests as registries serve them: OCI and Docker schema 2, images and indexes. We keep
//! the exact bytes (digests are of the bytes) and parse them with oci-client's types, which
//! read both families since their shapes are the same.

use oci_client::manifest::{
    ImageIndexEntry, OciDescriptor, OciImageIndex, OciImageManifest,
    IMAGE_MANIFEST_LIST_MEDIA_TYPE, IMAGE_MANIFEST_MEDIA_TYPE, OCI_IMAGE_INDEX_MEDIA_TYPE,
    OCI_IMAGE_MEDIA_TYPE,
};

use crate::digest::Digest;

/// What a pull accepts, most preferred first.
pub const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("manifest {digest} is not a manifest regctl understands ({media_type}): {reason}")]
    Unreadable {
        digest: String,
        media_type: String,
        reason: String,
    },
    #[error("manifest {digest} names an invalid blob digest {blob:?}")]
    BadBlobDigest { digest: String, blob: String },
}

pub fn is_index(media_type: &str) -> bool {
    media_type == OCI_IMAGE_INDEX_MEDIA_TYPE || media_type == IMAGE_MANIFEST_LIST_MEDIA_TYPE
}

pub fn is_image(media_type: &str) -> bool {
    media_type == OCI_IMAGE_MEDIA_TYPE || media_type == IMAGE_MANIFEST_MEDIA_TYPE
}

/// A manifest's exact bytes with what they say.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub bytes: Vec<u8>,
    pub media_type: String,
    pub digest: Digest,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Index(OciImageIndex),
    Image(Box<OciImageManifest>),
}

/// A blob a manifest needs: config or layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub digest: Digest,
    pub size: u64,
    pub media_type: String,
}

impl Manifest {
    /// Parses `bytes`; `media_type` is the Content-Type it came with (or the descriptor's),
    /// used when the document itself does not say.
    pub fn parse(bytes: Vec<u8>, media_type: Option<&str>) -> Result<Self, ManifestError> {
        let digest = Digest::of(&bytes);
        let declared = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| {
                v.get("mediaType")
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
            });
        let unreadable = |media_type: &str, reason: String| ManifestError::Unreadable {
            digest: digest.to_string(),
            media_type: media_type.to_string(),
            reason,
        };
        let media_type = declared
            .or(media_type.map(|m| m.split(';').next().unwrap_or(m).trim().to_string()))
            .unwrap_or_default();
        let kind = if is_index(&media_type) {
            Kind::Index(
                serde_json::from_slice(&bytes)
                    .map_err(|e| unreadable(&media_type, e.to_string()))?,
            )
        } else if is_image(&media_type) {
            Kind::Image(
                serde_json::from_slice(&bytes)
                    .map_err(|e| unreadable(&media_type, e.to_string()))?,
            )
        } else {
            // No usable media type: go by shape, as the OCI spec allows it to be absent.
            let value: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| unreadable(&media_type, e.to_string()))?;
            if value.get("manifests").is_some() {
                Kind::Index(
                    serde_json::from_value(value)
                        .map_err(|e| unreadable(&media_type, e.to_string()))?,
                )
            } else if value.get("layers").is_some() {
                Kind::Image(
                    serde_json::from_value(value)
                        .map_err(|e| unreadable(&media_type, e.to_string()))?,
                )
            } else {
                return Err(unreadable(
                    &media_type,
                    "neither an image manifest nor an index".into(),
                ));
            }
        };
        let media_type = match (&kind, media_type.is_empty()) {
            (Kind::Index(_), true) => OCI_IMAGE_INDEX_MEDIA_TYPE.to_string(),
            (Kind::Image(_), true) => OCI_IMAGE_MEDIA_TYPE.to_string(),
            _ => media_type,
        };
        Ok(Manifest {
            bytes,
            media_type,
            digest,
            kind,
        })
    }

    /// Config first, then layers, as a manifest lists them.
    pub fn blobs(&self) -> Result<Vec<Blob>, ManifestError> {
        let Kind::Image(image) = &self.kind else {
            return Ok(Vec::new());
        };
        std::iter::once(&image.config)
            .chain(image.layers.iter())
            .filter(|d| d.urls.is_none()) // foreign layers live elsewhere by design
            .map(|d| self.blob(d))
            .collect()
    }

    fn blob(&self, d: &OciDescriptor) -> Result<Blob, ManifestError> {
        Ok(Blob {
            digest: d.digest.parse().map_err(|_| ManifestError::BadBlobDigest {
                digest: self.digest.to_string(),
                blob: d.digest.clone(),
            })?,
            size: d.size.max(0) as u64,
            media_type: d.media_type.clone(),
        })
    }

    /// An index's entries with their digests checked.
    pub fn entries(&self) -> Result<Vec<(Digest, &ImageIndexEntry)>, ManifestError> {
        let Kind::Index(index) = &self.kind else {
            return Ok(Vec::new());
        };
        index
            .manifests
            .iter()
            .map(|e| {
                let digest = e.digest.parse().map_err(|_| ManifestError::BadBlobDigest {
                    digest: self.digest.to_string(),
                    blob: e.digest.clone(),
                })?;
                Ok((digest, e))
            })
            .collect()
    }

    /// This index with only the entries `keep` accepts (a "reduced-platform" index). The
    /// result has a new digest; the original is returned as is when every entry is kept.
    /// Only the `manifests` list changes: the index is edited as JSON, so what oci-client's
    /// types do not know (`subject`, an entry's `artifactType`, fields yet to come) stays.
    pub fn narrowed(
        &self,
        keep: impl Fn(&Digest, &ImageIndexEntry) -> bool,
    ) -> Result<Manifest, ManifestError> {
        if !self.is_index() {
            return Ok(self.clone());
        }
        let kept: Vec<bool> = self
            .entries()?
            .iter()
            .map(|(digest, entry)| keep(digest, entry))
            .collect();
        if kept.iter().all(|k| *k) {
            return Ok(self.clone());
        }
        let mut document: serde_json::Value =
            serde_json::from_slice(&self.bytes).map_err(|e| ManifestError::Unreadable {
                digest: self.digest.to_string(),
                media_type: self.media_type.clone(),
                reason: e.to_string(),
            })?;
        if let Some(list) = document
            .get_mut("manifests")
            .and_then(serde_json::Value::as_array_mut)
        {
            let mut keep = kept.iter();
            list.retain(|_| *keep.next().unwrap_or(&false));
        }
        let bytes = serde_json::to_vec(&document).expect("a JSON value serialises");
        Manifest::parse(bytes, Some(&self.media_type))
    }

    pub fn is_index(&self) -> bool {
        matches!(self.kind, Kind::Index(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_narrowed_index_keeps_what_oci_client_does_not_know() {
        let index = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":1,"digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","platform":{"os":"linux","architecture":"amd64"},"artifactType":"application/x.a"},{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":1,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","platform":{"os":"linux","architecture":"arm64"}}],"subject":{"mediaType":"application/vnd.oci.image.index.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"annotations":{"a":"b"}}"#;
        let m = Manifest::parse(index.to_vec(), None).unwrap();
        let amd64 = m
            .narrowed(|_, e| {
                e.platform
                    .as_ref()
                    .is_some_and(|p| p.architecture == "amd64".into())
            })
            .unwrap();
        let value: serde_json::Value = serde_json::from_slice(&amd64.bytes).unwrap();
        assert_eq!(value["manifests"].as_array().unwrap().len(), 1);
        assert_eq!(value["manifests"][0]["artifactType"], "application/x.a");
        assert_eq!(value["subject"]["size"], 2);
        assert_eq!(value["annotations"]["a"], "b");
        assert_ne!(amd64.digest, m.digest);
        assert_eq!(m.narrowed(|_, _| true).unwrap().digest, m.digest);
    }

    #[test]
    fn parses_docker_and_oci_shapes() {
        let image = br#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":3,"digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}]}"#;
        let m = Manifest::parse(image.to_vec(), None).unwrap();
        assert_eq!(m.media_type, IMAGE_MANIFEST_MEDIA_TYPE);
        assert_eq!(m.blobs().unwrap().len(), 2);
        let index = br#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":1,"digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]}"#;
        let m = Manifest::parse(
            index.to_vec(),
            Some("application/vnd.oci.image.index.v1+json"),
        )
        .unwrap();
        assert!(m.is_index());
        assert_eq!(m.entries().unwrap().len(), 1);
        assert!(Manifest::parse(b"{}".to_vec(), None).is_err());
        assert!(Manifest::parse(b"not json".to_vec(), Some(OCI_IMAGE_MEDIA_TYPE)).is_err());
    }
}
