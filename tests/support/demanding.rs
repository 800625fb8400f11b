//! A registry that wants a scope no client can guess: its tag list takes a token for the
//! repository and for `registry:catalog:*` too, and its challenge says so, as a registry with
//! an access model of its own may. Tokens are anonymous and name what they grant. Plain HTTP
//! on loopback.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use super::tiny_http::{serve, Request, Response};

pub struct Demanding {
    pub addr: String,
    /// The `scope` values of every token request, one entry per request.
    pub token_requests: Arc<Mutex<Vec<Vec<String>>>>,
}

pub fn start(repository: &'static str) -> Demanding {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let token_requests = Arc::new(Mutex::new(Vec::new()));
    let requests = token_requests.clone();
    let realm = format!("http://{addr}/token");
    let needed = [
        format!("repository:{repository}:pull"),
        "registry:catalog:*".to_string(),
    ];
    serve(listener, move |req: &Request| {
        let url = url::Url::parse(&format!("http://x{}", req.path)).unwrap();
        if url.path() == "/token" {
            let scopes: Vec<String> = url
                .query_pairs()
                .filter(|(k, _)| k == "scope")
                .map(|(_, v)| v.into_owned())
                .collect();
            let token = format!("granted|{}", scopes.join("|"));
            requests.lock().unwrap().push(scopes);
            return Response::new("200 OK", serde_json::json!({ "token": token }).to_string())
                .header("Content-Type", "application/json");
        }
        let granted: Vec<&str> = req
            .header("authorization")
            .and_then(|a| a.strip_prefix("Bearer granted|"))
            .map(|t| t.split('|').collect())
            .unwrap_or_default();
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
        if url.path() == "/v2/" {
            return challenge("");
        }
        if url.path() != format!("/v2/{repository}/tags/list") {
            return Response::new("404 Not Found", r#"{"errors":[{"code":"NOT_FOUND"}]}"#);
        }
        if needed.iter().all(|n| granted.contains(&n.as_str())) {
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
    }
}
