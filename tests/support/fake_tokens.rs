//! Tokens for the small registries that play other registries' ways (`demanding`,
//! `quayish`): anonymous, and naming the scopes they grant, so a registry can tell.

use super::tiny_http::{Request, Response};

/// The `scope` values a token request's URL asks for.
pub fn scopes_asked(url: &url::Url) -> Vec<String> {
    url.query_pairs()
        .filter(|(k, _)| k == "scope")
        .map(|(_, v)| v.into_owned())
        .collect()
}

/// A token service's answer granting `scopes`.
pub fn granting(scopes: &[String]) -> Response {
    let token = format!("granted|{}", scopes.join("|"));
    Response::new("200 OK", serde_json::json!({ "token": token }).to_string())
        .header("Content-Type", "application/json")
}

/// What the token a request carries grants; `None` without one.
pub fn granted(req: &Request) -> Option<Vec<String>> {
    req.header("authorization")
        .and_then(|a| a.strip_prefix("Bearer granted|"))
        .map(|t| t.split('|').map(str::to_string).collect())
}
