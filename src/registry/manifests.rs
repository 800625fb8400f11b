//! Manifests on the registry: fetch (verified against the digest asked for or announced),
//! resolve a tag to a digest, and put.

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, Response, StatusCode};

use super::{Client, Error};
use crate::auth::token::error_message;
use crate::digest::Digest;
use crate::manifest::{Manifest, ACCEPT as MANIFEST_TYPES};
use crate::reference::Repository;

/// Manifests are small; a registry sending more than this is not sending a manifest.
const MAX_MANIFEST: usize = 8 << 20;
const DIGEST_HEADER: &str = "docker-content-digest";

fn url(client: &Client, repository: &Repository, reference: &str) -> reqwest::Url {
    client
        .transport()
        .url(&format!("v2/{}/manifests/{reference}", repository.path()))
}

/// `repository:tag` or `repository@sha256:…`, as a reference is written.
fn at(repository: &Repository, reference: &str) -> String {
    let sep = if reference.contains(':') { '@' } else { ':' };
    format!("{repository}{sep}{reference}")
}

/// The body of a manifest or a config, given up on as soon as it passes `MAX_MANIFEST`: an
/// error page or a hostile server must not make us hold whatever it cares to send.
pub(super) async fn capped_body(
    mut response: Response,
    what: &dyn Fn() -> String,
) -> Result<Vec<u8>, Error> {
    let status = response.status().as_u16();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| Error::Unexpected {
        what: format!("reading {}", what()),
        status,
        detail: e.to_string(),
    })? {
        if body.len() + chunk.len() > MAX_MANIFEST {
            return Err(Error::Unexpected {
                what: what(),
                status,
                detail: format!(
                    "more than {MAX_MANIFEST} bytes is too large for a manifest or config"
                ),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `GET` the manifest at `reference` (tag or digest). The bytes must hash to the digest asked
/// for, and to the digest the registry announces, or nothing is returned.
pub async fn get(
    client: &Client,
    repository: &Repository,
    reference: &str,
    scopes: &[String],
) -> Result<Manifest, Error> {
    let url = url(client, repository, reference);
    let response = client
        .send(scopes, |t| {
            t.request(Method::GET, url.clone())
                .header(ACCEPT, MANIFEST_TYPES)
        })
        .await?;
    let status = response.status();
    let announced = response
        .headers()
        .get(DIGEST_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let what = || format!("manifest {}", at(repository, reference));
    let body = capped_body(response, &what).await?;
    check_status(status, &body, what)?;
    let manifest = Manifest::parse(body, content_type.as_deref()).map_err(Error::Manifest)?;
    let expected = reference
        .parse::<Digest>()
        .ok()
        .or_else(|| announced.and_then(|a| a.parse().ok()));
    if let Some(expected) = expected {
        if manifest.digest != expected {
            return Err(Error::DigestMismatch {
                what: format!("manifest {}", at(repository, reference)),
                expected,
                actual: manifest.digest,
            });
        }
    }
    Ok(manifest)
}

/// The image manifests an index names by `digests`, each verified. An index inside an index
/// (no registry tool makes them for images) is refused rather than half-handled.
pub async fn images_of(
    client: &Client,
    repository: &Repository,
    digests: impl IntoIterator<Item = Digest>,
    scopes: &[String],
) -> Result<Vec<Manifest>, Error> {
    let mut images = Vec::new();
    for digest in digests {
        let child = get(client, repository, &digest.to_string(), scopes).await?;
        if child.is_index() {
            return Err(Error::Unsupported(format!(
                "{repository}@{digest} is an index inside an index"
            )));
        }
        images.push(child);
    }
    Ok(images)
}

/// The digest `reference` points at, by `HEAD` (no manifest body crosses the wire). Falls back
/// to `GET` for registries that announce no digest on `HEAD`, or do not take `HEAD` at all.
pub async fn resolve(
    client: &Client,
    repository: &Repository,
    reference: &str,
    scopes: &[String],
) -> Result<(Digest, String), Error> {
    let url = url(client, repository, reference);
    let response = client
        .send(scopes, |t| {
            t.request(Method::HEAD, url.clone())
                .header(ACCEPT, MANIFEST_TYPES)
        })
        .await?;
    let declined = matches!(
        response.status(),
        StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_IMPLEMENTED
    );
    if !declined {
        check_status(response.status(), &[], || {
            format!("manifest {}", at(repository, reference))
        })?;
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    match (
        header(DIGEST_HEADER).and_then(|d| d.parse::<Digest>().ok()),
        header(CONTENT_TYPE.as_str()),
    ) {
        (Some(d), Some(t)) if !declined => Ok((d, t)),
        _ => {
            let m = get(client, repository, reference, scopes).await?;
            Ok((m.digest, m.media_type))
        }
    }
}

/// `PUT` a manifest under `reference` (a tag, or its own digest).
pub async fn put(
    client: &Client,
    repository: &Repository,
    reference: &str,
    manifest: &Manifest,
    scopes: &[String],
) -> Result<(), Error> {
    let url = url(client, repository, reference);
    let response = client
        .send(scopes, |t| {
            t.request(Method::PUT, url.clone())
                .header(CONTENT_TYPE, manifest.media_type.as_str())
                .body(manifest.bytes.clone())
        })
        .await?;
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    check_status(status, &body, || {
        format!("putting manifest {}", at(repository, reference))
    })
}

/// Maps a non-success status to the error a script can branch on.
pub fn check_status(
    status: StatusCode,
    body: &[u8],
    what: impl Fn() -> String,
) -> Result<(), Error> {
    if status.is_success() {
        return Ok(());
    }
    Err(status_error(status, body, what()))
}

/// The error for a status that is not success.
pub fn status_error(status: StatusCode, body: &[u8], what: String) -> Error {
    let detail =
        error_message(body).unwrap_or_else(|| status.canonical_reason().unwrap_or("").to_string());
    if status == StatusCode::NOT_FOUND {
        return Error::NotFound(format!("{what}: {detail}"));
    }
    Error::Unexpected {
        what,
        status: status.as_u16(),
        detail,
    }
}
