//! A registry that lies: it serves a manifest whose layer, when fetched, is other bytes than
//! the digest says, and a tag whose manifest does not match the digest it announces. Plain
//! HTTP on loopback, one request per connection.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::thread;

use super::sha256_digest;

pub struct Liar {
    pub addr: String,
    /// The digest the manifest names for its layer (the registry sends other bytes for it).
    pub layer_digest: String,
}

const MANIFEST_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";

pub fn start() -> Liar {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let config =
        br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#
            .to_vec();
    let honest_layer = b"the layer the manifest promises".to_vec();
    let evil_layer = b"something else entirely, same len".to_vec()[..honest_layer.len()].to_vec();
    let layer_digest = sha256_digest(&honest_layer);
    let manifest = serde_json::json!({
        "schemaVersion": 2, "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha256_digest(&config), "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest, "size": honest_layer.len()}],
    })
    .to_string()
    .into_bytes();
    let manifest_digest = sha256_digest(&manifest);
    let (config_path, layer_path) = (
        format!("/v2/lie/blobs/{}", sha256_digest(&config)),
        format!("/v2/lie/blobs/{layer_digest}"),
    );
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader
                    .read_line(&mut header)
                    .map(|n| n == 0)
                    .unwrap_or(true)
                    || header == "\r\n"
                {
                    break;
                }
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_string();
            let head = request_line.starts_with("HEAD");
            let (status, content_type, digest, body): (&str, &str, Option<&str>, &[u8]) = match path.as_str() {
                "/v2/" => ("200 OK", "application/json", None, b"{}"),
                "/v2/lie/manifests/v1" => ("200 OK", MANIFEST_TYPE, Some(manifest_digest.as_str()), &manifest),
                // Announces the honest manifest's digest, sends a different document.
                "/v2/lie/manifests/swapped" => ("200 OK", MANIFEST_TYPE, Some(manifest_digest.as_str()), br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"x","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0},"layers":[]}"#),
                p if p == config_path => ("200 OK", "application/octet-stream", None, &config),
                p if p == layer_path => ("200 OK", "application/octet-stream", None, &evil_layer),
                _ => ("404 Not Found", "application/json", None, br#"{"errors":[{"code":"NOT_FOUND","message":"not here"}]}"#),
            };
            let mut out = stream;
            let mut response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            if let Some(d) = digest {
                response.push_str(&format!("Docker-Content-Digest: {d}\r\n"));
            }
            response.push_str("\r\n");
            let _ = out.write_all(response.as_bytes());
            if !head {
                let _ = out.write_all(body);
            }
        }
    });
    Liar { addr, layer_digest }
}
