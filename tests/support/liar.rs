//! Registries that misbehave: one that lies about content (a layer whose bytes are not what
//! the digest says, a tag whose manifest is not the digest it announces), and one that wants
//! Basic auth and sends blob downloads and its tag list's next page to another host, which
//! records whether our credentials followed. Plain HTTP on loopback.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::sha256_digest;
use super::tiny_http::{serve, Request, Response};

pub struct Liar {
    pub addr: String,
    /// The digest the manifest names for its layer (the registry sends other bytes for it).
    pub layer_digest: String,
    /// The digest of the manifest of `lie:v1`, also served as `lie:no-head`.
    pub manifest_digest: String,
}

const MANIFEST_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";

/// A one-layer image: (config, layer, manifest).
fn image(layer: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let config =
        br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#
            .to_vec();
    let manifest = serde_json::json!({
        "schemaVersion": 2, "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha256_digest(&config), "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": sha256_digest(layer), "size": layer.len()}],
    })
    .to_string()
    .into_bytes();
    (config, manifest)
}

fn not_found() -> Response {
    Response::new(
        "404 Not Found",
        r#"{"errors":[{"code":"NOT_FOUND","message":"not here"}]}"#,
    )
}

pub fn start() -> Liar {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let honest_layer = b"the layer the manifest promises".to_vec();
    let evil_layer = b"something else entirely, same len"[..honest_layer.len()].to_vec();
    let (config, manifest) = image(&honest_layer);
    let manifest_digest = sha256_digest(&manifest);
    let layer_digest = sha256_digest(&honest_layer);
    let (config_path, layer_path) = (
        format!("/v2/lie/blobs/{}", sha256_digest(&config)),
        format!("/v2/lie/blobs/{layer_digest}"),
    );
    let announced = manifest_digest.clone();
    serve(listener, move |req: &Request| {
        match req.path.as_str() {
        "/v2/" => Response::new("200 OK", "{}"),
        "/v2/lie/manifests/v1" => Response::new("200 OK", manifest.clone())
            .header("Content-Type", MANIFEST_TYPE)
            .header("Docker-Content-Digest", manifest_digest.clone()),
        // Like some registries, takes no HEAD for manifests.
        "/v2/lie/manifests/no-head" if req.method == "HEAD" => Response::new("405 Method Not Allowed", ""),
        "/v2/lie/manifests/no-head" => Response::new("200 OK", manifest.clone())
            .header("Content-Type", MANIFEST_TYPE),
        // Announces the honest manifest's digest, sends a different document.
        "/v2/lie/manifests/swapped" => Response::new("200 OK", br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"x","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0},"layers":[]}"#.to_vec())
            .header("Content-Type", MANIFEST_TYPE)
            .header("Docker-Content-Digest", manifest_digest.clone()),
        p if p == config_path => Response::new("200 OK", config.clone()),
        p if p == layer_path => Response::new("200 OK", evil_layer.clone()),
        _ => not_found(),
    }
    });
    Liar {
        addr,
        layer_digest,
        manifest_digest: announced,
    }
}

pub struct Redirector {
    /// The registry, "127.0.0.1:PORT"; its image is `redir:v1`.
    pub addr: String,
    pub manifest_digest: String,
    /// Requests that reached the storage host carrying an Authorization header.
    pub leaked: Arc<AtomicUsize>,
    /// Requests the storage host served.
    pub served: Arc<AtomicUsize>,
}

pub fn start_redirector() -> Redirector {
    let storage = TcpListener::bind("127.0.0.1:0").unwrap();
    let storage_port = storage.local_addr().unwrap().port();
    let layer = b"layer bytes kept in object storage".to_vec();
    let (config, manifest) = image(&layer);
    let manifest_digest = sha256_digest(&manifest);
    let (leaked, served) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (l, s) = (leaked.clone(), served.clone());
    let (stored_layer, stored_config) = (layer.clone(), config.clone());
    serve(storage, move |req: &Request| {
        s.fetch_add(1, Ordering::SeqCst);
        if req.header("authorization").is_some() {
            l.fetch_add(1, Ordering::SeqCst);
        }
        if req.path.starts_with("/v2/redir/tags/list") {
            return Response::new("200 OK", r#"{"name":"redir","tags":["v2"]}"#);
        }
        if req.path.starts_with("/bucket/config") {
            return Response::new("200 OK", stored_config.clone());
        }
        Response::new("200 OK", stored_layer.clone())
    });
    let registry = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = registry.local_addr().unwrap().to_string();
    let (config_path, layer_path) = (
        format!("/v2/redir/blobs/{}", sha256_digest(&config)),
        format!("/v2/redir/blobs/{}", sha256_digest(&layer)),
    );
    let digest = manifest_digest.clone();
    serve(registry, move |req: &Request| {
        if req.header("authorization").is_none() {
            return Response::new("401 Unauthorized", "")
                .header("WWW-Authenticate", r#"Basic realm="redirector""#);
        }
        match req.path.as_str() {
            "/v2/" => Response::new("200 OK", "{}"),
            "/v2/redir/manifests/v1" => Response::new("200 OK", manifest.clone())
                .header("Content-Type", MANIFEST_TYPE)
                .header("Docker-Content-Digest", digest.clone()),
            // Another host name for the same machine: a different origin to the client.
            p if p == layer_path => Response::new("307 Temporary Redirect", "").header(
                "Location",
                format!("http://localhost:{storage_port}/bucket/layer?sig=abc"),
            ),
            p if p == config_path => Response::new("307 Temporary Redirect", "").header(
                "Location",
                format!("http://localhost:{storage_port}/bucket/config?sig=abc"),
            ),
            // The next page of tags is on that other origin too.
            p if p.starts_with("/v2/redir/tags/list") => {
                Response::new("200 OK", r#"{"name":"redir","tags":["v1"]}"#).header(
                    "Link",
                    format!(
                        "<http://localhost:{storage_port}/v2/redir/tags/list?last=v1>; rel=\"next\""
                    ),
                )
            }
            _ => not_found(),
        }
    });
    Redirector {
        addr,
        manifest_digest,
        leaked,
        served,
    }
}

/// A registry that pages `tags/list` the way Harbor and distribution 3 do (`n`, `last`, a
/// `Link: <…>; rel="next"` header), which distribution 2.8 does not: 3 a page unless asked,
/// and no more than 100. Returns its address and
/// a count of the tag-list requests it answered.
pub fn start_paginator(repository: &'static str, tags: Vec<String>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let pages = Arc::new(AtomicUsize::new(0));
    let counter = pages.clone();
    let mut tags = tags;
    tags.sort();
    let list_path = format!("/v2/{repository}/tags/list");
    serve(listener, move |req: &Request| {
        if req.path == "/v2/" {
            return Response::new("200 OK", "{}");
        }
        let Some(url) = url::Url::parse(&format!("http://x{}", req.path))
            .ok()
            .filter(|u| u.path() == list_path)
        else {
            return not_found();
        };
        counter.fetch_add(1, Ordering::SeqCst);
        let param = |k: &str| {
            url.query_pairs()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.into_owned())
        };
        let n: usize = param("n").and_then(|n| n.parse().ok()).unwrap_or(3);
        // As distribution 3 with tags.maxtags: a larger page is refused.
        if n > 100 {
            return Response::new(
                "400 Bad Request",
                r#"{"errors":[{"code":"PAGINATION_NUMBER_INVALID","message":"invalid number of results requested"}]}"#,
            );
        }
        let last = param("last");
        let rest: Vec<&String> = tags
            .iter()
            .filter(|t| last.as_ref().is_none_or(|l| *t > l))
            .collect();
        let page: Vec<&String> = rest.iter().take(n).copied().collect();
        let body = serde_json::json!({"name": repository, "tags": page}).to_string();
        let response = Response::new("200 OK", body).header("Content-Type", "application/json");
        match page.last() {
            Some(last) if rest.len() > page.len() => response.header(
                "Link",
                format!("<{list_path}?last={last}&n={n}>; rel=\"next\""),
            ),
            _ => response,
        }
    });
    (addr, pages)
}
