//! Seeding the bed's registries with images made here: any number of layers, Docker schema 2
//! or OCI media types, single images or multi-platform indexes.

use super::{sha256_digest, tar_with_file, TestBed};

pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

/// What an image is made of, as pushed.
#[derive(Clone, Debug)]
pub struct Image {
    pub digest: String,
    pub manifest: Vec<u8>,
    pub media_type: String,
    pub config_digest: String,
    /// (digest, bytes) of each layer.
    pub layers: Vec<(String, Vec<u8>)>,
}

impl Image {
    pub fn size(&self) -> usize {
        self.layers.iter().map(|(_, l)| l.len()).sum()
    }
}

/// A layer of about `size` bytes whose content depends on `seed` (distinct seeds, distinct
/// digests); incompressible-ish so sizes mean what they say.
pub fn layer(seed: &str, size: usize) -> Vec<u8> {
    let mut content = Vec::with_capacity(size);
    let mut state = sha256_digest(seed.as_bytes()).into_bytes();
    while content.len() < size {
        state = sha256_digest(&state).into_bytes();
        content.extend_from_slice(&state[7..]);
    }
    content.truncate(size);
    tar_with_file(&format!("data/{seed}"), &content)
}

impl TestBed {
    /// Uploads a blob (POST + PUT) unless the registry has it; returns its digest.
    pub fn upload_blob(
        &self,
        registry: &str,
        repository: &str,
        creds: Option<(&str, &str)>,
        data: &[u8],
    ) -> String {
        let client = self.client();
        let base = self.url(registry);
        let auth = self.auth_header(&client, &base, repository, creds);
        let digest = sha256_digest(data);
        let with_auth = |req: reqwest::blocking::RequestBuilder| match &auth {
            Some(h) => req.header(reqwest::header::AUTHORIZATION, h.as_str()),
            None => req,
        };
        let resp = with_auth(client.post(format!("{base}/v2/{repository}/blobs/uploads/")))
            .send()
            .expect("start blob upload");
        assert_eq!(resp.status().as_u16(), 202, "start blob upload: {resp:?}");
        let location = resp.headers()[reqwest::header::LOCATION]
            .to_str()
            .unwrap()
            .to_string();
        let mut url = url::Url::parse(&base)
            .and_then(|b| b.join(&location))
            .expect("upload URL");
        url.query_pairs_mut().append_pair("digest", &digest);
        let resp = with_auth(client.put(url))
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(data.to_vec())
            .send()
            .expect("finish blob upload");
        assert_eq!(resp.status().as_u16(), 201, "finish blob upload: {resp:?}");
        digest
    }

    /// PUTs a manifest under `reference`; returns its digest (checked against the registry's).
    pub fn put_manifest(
        &self,
        registry: &str,
        repository: &str,
        reference: &str,
        creds: Option<(&str, &str)>,
        media_type: &str,
        body: &[u8],
    ) -> String {
        let client = self.client();
        let base = self.url(registry);
        let auth = self.auth_header(&client, &base, repository, creds);
        let mut req = client
            .put(format!("{base}/v2/{repository}/manifests/{reference}"))
            .header(reqwest::header::CONTENT_TYPE, media_type)
            .body(body.to_vec());
        if let Some(h) = &auth {
            req = req.header(reqwest::header::AUTHORIZATION, h.as_str());
        }
        let resp = req.send().expect("put manifest");
        assert_eq!(resp.status().as_u16(), 201, "put manifest: {resp:?}");
        let digest = sha256_digest(body);
        assert_eq!(
            resp.headers()["docker-content-digest"].to_str().unwrap(),
            digest
        );
        digest
    }

    /// An image for `os/arch` with the given layers, in Docker schema 2 or OCI form; tagged
    /// when `tag` is given (else only reachable by digest, as an index child is).
    /// An OCI image for linux/amd64, tagged v1 in the plain-HTTP registry (which needs no
    /// credentials).
    pub fn push_plain(&self, repository: &str, layers: Vec<Vec<u8>>) -> Image {
        let registry = self.plain_registry.clone();
        self.push_layers(
            &registry,
            repository,
            Some("v1"),
            None,
            ("linux", "amd64"),
            layers,
            false,
        )
    }

    /// A linux/amd64 image the admin pushed to the token registry as `repository:v1`.
    pub fn push_private(&self, repository: &str, layers: Vec<Vec<u8>>) -> Image {
        let registry = self.token_registry.clone();
        let platform = ("linux", "amd64");
        self.push_layers(
            &registry,
            repository,
            Some("v1"),
            Some(super::ADMIN),
            platform,
            layers,
            false,
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub fn push_layers(
        &self,
        registry: &str,
        repository: &str,
        tag: Option<&str>,
        creds: Option<(&str, &str)>,
        platform: (&str, &str),
        layers: Vec<Vec<u8>>,
        docker: bool,
    ) -> Image {
        let (config_type, layer_type, manifest_type) = if docker {
            (
                "application/vnd.docker.container.image.v1+json",
                "application/vnd.docker.image.rootfs.diff.tar",
                DOCKER_MANIFEST,
            )
        } else {
            (super::OCI_CONFIG, super::OCI_LAYER_TAR, super::OCI_MANIFEST)
        };
        let layers: Vec<(String, Vec<u8>)> = layers
            .into_iter()
            .map(|l| (self.upload_blob(registry, repository, creds, &l), l))
            .collect();
        let config = serde_json::json!({
            "architecture": platform.1, "os": platform.0,
            "rootfs": {"type": "layers", "diff_ids": layers.iter().map(|(d, _)| d).collect::<Vec<_>>()},
            "config": {"Labels": {"org.example.regctl-test": format!("{repository}")}},
        })
        .to_string()
        .into_bytes();
        let config_digest = self.upload_blob(registry, repository, creds, &config);
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": manifest_type,
            "config": {"mediaType": config_type, "digest": config_digest, "size": config.len()},
            "layers": layers.iter().map(|(d, l)| serde_json::json!({"mediaType": layer_type, "digest": d, "size": l.len()})).collect::<Vec<_>>(),
        })
        .to_string()
        .into_bytes();
        let reference = tag
            .map(str::to_string)
            .unwrap_or_else(|| sha256_digest(&manifest));
        let digest = self.put_manifest(
            registry,
            repository,
            &reference,
            creds,
            manifest_type,
            &manifest,
        );
        Image {
            digest,
            manifest,
            media_type: manifest_type.to_string(),
            config_digest,
            layers,
        }
    }

    /// A multi-platform index (OCI, or a Docker manifest list with `docker`) under `tag`, one
    /// single-layer image of `layer_size` bytes per platform. Returns the index digest and the
    /// platform images in order.
    #[allow(clippy::too_many_arguments)]
    pub fn push_index(
        &self,
        registry: &str,
        repository: &str,
        tag: &str,
        creds: Option<(&str, &str)>,
        platforms: &[(&str, &str)],
        layer_size: usize,
        docker: bool,
    ) -> (String, Vec<Image>) {
        let images: Vec<Image> = platforms
            .iter()
            .map(|p| {
                let seed = format!("{repository}:{tag}:{}/{}", p.0, p.1);
                self.push_layers(
                    registry,
                    repository,
                    None,
                    creds,
                    *p,
                    vec![layer(&seed, layer_size)],
                    docker,
                )
            })
            .collect();
        let index_type = if docker { DOCKER_LIST } else { OCI_INDEX };
        let index = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": index_type,
            "manifests": images.iter().zip(platforms).map(|(i, p)| serde_json::json!({
                "mediaType": i.media_type, "digest": i.digest, "size": i.manifest.len(),
                "platform": {"os": p.0, "architecture": p.1},
            })).collect::<Vec<_>>(),
        })
        .to_string()
        .into_bytes();
        let digest = self.put_manifest(registry, repository, tag, creds, index_type, &index);
        (digest, images)
    }
}
