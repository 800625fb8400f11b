//! A registry with ways of its own around scopes. Tokens name what they grant; plain HTTP on
//! loopback.
//! - `app`: its tag list takes a token for the repository and for `registry:catalog:*` too,
//!   and its challenge says so.
//! - `guarded`: every token is refused, with `Basic realm="harbor"` as Harbor answers any
//!   request that carried `Authorization` and may not do what it asks.
//! - `forbidden`: the token service answers 403 for it, as GHCR and Artifact Registry do for a
//!   scope the caller may not have.
//!
//! Its token service takes no OAuth2 `POST` (GCR answers 404).

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::fake_tokens::{granted, granting, scopes_asked};
use super::tiny_http::{serve, Request, Response};

pub struct Demanding {
    pub addr: String,
    /// The `scope` values of every token request, one entry per request.
    pub token_requests: Arc<Mutex<Vec<Vec<String>>>>,
    /// Requests to the registry that carried Basic credentials.
    pub basic_requests: Arc<AtomicUsize>,
}

pub fn start(repository: &'static str) -> Demanding {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let token_requests = Arc::new(Mutex::new(Vec::new()));
    let requests = token_requests.clone();
    let basic_requests = Arc::new(AtomicUsize::new(0));
    let basic = basic_requests.clone();
    let realm = format!("http://{addr}/token");
    let needed = [
        format!("repository:{repository}:pull"),
        "registry:catalog:*".to_string(),
    ];
    serve(listener, move |req: &Request| {
        let url = url::Url::parse(&format!("http://x{}", req.path)).unwrap();
        // No OAuth2 POST here, as at GCR: a refresh token must come as a password.
        if url.path() == "/token" && req.method == "POST" {
            return Response::new("404 Not Found", "");
        }
        if url.path() == "/token" {
            let scopes = scopes_asked(&url);
            let forbidden = scopes
                .iter()
                .any(|s| s.starts_with("repository:forbidden:"));
            requests.lock().unwrap().push(scopes.clone());
            if forbidden {
                return Response::new(
                    "403 Forbidden",
                    r#"{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}"#,
                );
            }
            return granting(&scopes);
        }
        let granted = granted(req).unwrap_or_default();
        let challenge = |scope: &str| {
            Response::new(
                "401 Unauthorized",
                r#"{"errors":[{"code":"UNAUTHORIZED"}]}"#,
            )
            .header(
                "WWW-Authenticate",
                format!(r#"Bearer realm="{realm}",service="demanding"{scope}"#),
            )
        };
        if req
            .header("authorization")
            .is_some_and(|a| a.starts_with("Basic "))
        {
            basic.fetch_add(1, Ordering::SeqCst);
        }
        if url.path() == "/v2/" && granted.is_empty() {
            return challenge("");
        }
        if url.path() == "/v2/" {
            return Response::new("200 OK", "{}");
        }
        if url.path() == "/v2/guarded/tags/list" {
            return Response::new(
                "401 Unauthorized",
                r#"{"errors":[{"code":"UNAUTHORIZED","message":"unauthorized to access repository: guarded, action: pull"}]}"#,
            )
            .header("WWW-Authenticate", r#"Basic realm="harbor""#);
        }
        if url.path() != format!("/v2/{repository}/tags/list") {
            return Response::new("404 Not Found", r#"{"errors":[{"code":"NOT_FOUND"}]}"#);
        }
        if needed.iter().all(|n| granted.contains(n)) {
            let body = serde_json::json!({"name": repository, "tags": ["v1"]}).to_string();
            return Response::new("200 OK", body).header("Content-Type", "application/json");
        }
        challenge(&format!(
            r#",scope="{}",error="insufficient_scope""#,
            needed.join(" ")
        ))
    });
    Demanding {
        addr,
        token_requests,
        basic_requests,
    }
}
