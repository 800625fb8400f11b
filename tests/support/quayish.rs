//! A registry whose token service speaks Quay's dialect: repository actions may only be pull,
//! push or `*`, and any other scope (`delete`, `registry:catalog:*`) is answered with 400. Its
//! catalog needs no scope, and deleting a manifest wants pull and push. Tokens are anonymous
//! and name what they grant. Plain HTTP on loopback; one repository, `app`.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use super::fake_tokens::{granted, granting, scopes_asked};
use super::sha256_digest;
use super::tiny_http::{serve, Request, Response};

pub struct Quayish {
    pub addr: String,
    /// The digest of `app`'s one manifest.
    pub digest: String,
    /// The `scope` values of every token request, one entry per request.
    pub token_requests: Arc<Mutex<Vec<Vec<String>>>>,
}

const MANIFEST_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";

fn quay_takes(scope: &str) -> bool {
    let Some(rest) = scope.strip_prefix("repository:") else {
        return false;
    };
    let Some((name, actions)) = rest.rsplit_once(':') else {
        return false;
    };
    !name.is_empty()
        && actions
            .split(',')
            .all(|a| matches!(a, "pull" | "push" | "*"))
}

pub fn start() -> Quayish {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let token_requests = Arc::new(Mutex::new(Vec::new()));
    let requests = token_requests.clone();
    let realm = format!("http://{addr}/v2/auth");
    let manifest = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","size":0},"layers":[]}"#.to_vec();
    let digest = sha256_digest(&manifest);
    let manifest_path = format!("/v2/app/manifests/{digest}");
    let announced = digest.clone();
    serve(listener, move |req: &Request| {
        let url = url::Url::parse(&format!("http://x{}", req.path)).unwrap();
        if url.path() == "/v2/auth" {
            let scopes = scopes_asked(&url);
            requests.lock().unwrap().push(scopes.clone());
            if let Some(bad) = scopes.iter().find(|s| !quay_takes(s)) {
                let said = format!("Unable to decode repository and actions: {bad}");
                return Response::new(
                    "400 Bad Request",
                    serde_json::json!({ "error": said }).to_string(),
                );
            }
            return granting(&scopes);
        }
        let Some(granted) = granted(req) else {
            return Response::new(
                "401 Unauthorized",
                r#"{"errors":[{"code":"UNAUTHORIZED"}]}"#,
            )
            .header(
                "WWW-Authenticate",
                format!(r#"Bearer realm="{realm}",service="quayish""#),
            );
        };
        match (req.method.as_str(), url.path()) {
            (_, "/v2/") => Response::new("200 OK", "{}"),
            ("GET", "/v2/_catalog") => Response::new("200 OK", r#"{"repositories":["app"]}"#)
                .header("Content-Type", "application/json"),
            ("GET" | "HEAD", p) if p == manifest_path => Response::new("200 OK", manifest.clone())
                .header("Content-Type", MANIFEST_TYPE)
                .header("Docker-Content-Digest", digest.clone()),
            ("DELETE", p)
                if p == manifest_path
                    && granted.iter().any(|g| g == "repository:app:pull,push") =>
            {
                Response::new("202 Accepted", "")
            }
            ("DELETE", p) if p == manifest_path => Response::new(
                "401 Unauthorized",
                r#"{"errors":[{"code":"UNAUTHORIZED"}]}"#,
            ),
            _ => Response::new("404 Not Found", r#"{"errors":[{"code":"NOT_FOUND"}]}"#),
        }
    });
    Quayish {
        addr,
        digest: announced,
        token_requests,
    }
}
