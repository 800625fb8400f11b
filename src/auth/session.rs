//! The authorization state of one command against one registry: the challenge it sent, the
//! credential we hold, and the bearer tokens already obtained, one per scope set, so that a
//! command makes one token request per scope set rather than one per request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use reqwest::header::{HeaderValue, WWW_AUTHENTICATE};
use reqwest::Response;

use super::challenge::{self, Challenge};
use super::token::{self, TokenRequest};
use super::{Credential, Error, Secret};
use crate::transport::Transport;

/// Tokens are renewed this long before they expire, so one never lapses mid-request.
const EXPIRY_MARGIN: Duration = Duration::from_secs(10);

pub struct Session {
    credential: Option<Credential>,
    offline: bool,
    challenge: Mutex<Option<Challenge>>,
    /// Held across a token request so parallel requests for one scope set wait for one token.
    tokens: tokio::sync::Mutex<HashMap<Vec<String>, (String, Instant)>>,
    /// Scopes a registry's challenge named beyond a scope set we asked for: asked for with
    /// that set from then on.
    named: Mutex<HashMap<Vec<String>, Vec<String>>>,
    refresh_token: Mutex<Option<String>>,
}

impl Session {
    pub fn new(credential: Option<Credential>, offline: bool) -> Self {
        Session {
            credential,
            offline,
            challenge: Mutex::new(None),
            tokens: tokio::sync::Mutex::new(HashMap::new()),
            named: Mutex::new(HashMap::new()),
            refresh_token: Mutex::new(None),
        }
    }

    pub fn credential(&self) -> Option<&Credential> {
        self.credential.as_ref()
    }

    /// Takes note of a `401`'s challenge: Bearer is preferred, Basic otherwise.
    pub fn observe(&self, response: &Response) {
        self.take_challenge(response, false);
    }

    /// `keep_bearer`: a registry that asked for a token and refuses one may answer with a
    /// Basic challenge (Harbor does for any request that carried `Authorization`): the token
    /// service stays the way in, and the password is not sent to the registry instead.
    fn take_challenge(&self, response: &Response, keep_bearer: bool) {
        let values = response
            .headers()
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok());
        let challenges = challenge::parse_all(values);
        let chosen = challenges
            .iter()
            .find(|c| c.is_bearer())
            .or_else(|| challenges.iter().find(|c| c.is_basic()))
            .cloned();
        let mut current = self.challenge.lock().expect("lock poisoned");
        let keep = keep_bearer
            && current.as_ref().is_some_and(|c| c.is_bearer())
            && chosen.as_ref().is_some_and(|c| !c.is_bearer());
        if chosen.is_some() && !keep {
            *current = chosen;
        }
    }

    pub fn has_challenge(&self) -> bool {
        self.challenge.lock().expect("lock poisoned").is_some()
    }

    /// Whether the registry asks for Basic credentials (then a refusal is the password's; with
    /// a token service, a wrong password fails at the token and a refusal is about scope).
    pub fn is_basic(&self) -> bool {
        self.challenge
            .lock()
            .expect("lock poisoned")
            .as_ref()
            .is_some_and(|c| c.is_basic())
    }

    /// The `Authorization` value for a request needing `scopes`, or `None` when the registry
    /// asked for nothing.
    pub async fn authorization(
        &self,
        transport: &Transport,
        scopes: &[String],
    ) -> Result<Option<HeaderValue>, Error> {
        let Some(challenge) = self.challenge.lock().expect("lock poisoned").clone() else {
            return Ok(None);
        };
        let registry = transport.registry().to_string();
        if challenge.is_basic() {
            let Some(credential) = &self.credential else {
                return Ok(None);
            };
            let Secret::Password(password) = &credential.secret else {
                return Err(Error::BadChallenge {
                    registry,
                    detail: "it asks for Basic auth, but the stored credential is a token; log in again with a password".into(),
                });
            };
            if !token::may_carry_credentials(transport, &transport.url("v2/")) {
                return Err(Error::PlainHttpCredentials {
                    url: transport.url("v2/").to_string(),
                    registry,
                });
            }
            let encoded = BASE64.encode(format!("{}:{password}", credential.username));
            return secret_header(&format!("Basic {encoded}"), &registry).map(Some);
        }
        let realm = challenge
            .param("realm")
            .ok_or_else(|| Error::BadChallenge {
                registry: registry.clone(),
                detail: "Bearer challenge without a realm".into(),
            })?;
        let key = self.key(scopes);
        let mut tokens = self.tokens.lock().await;
        if let Some((token, expires)) = tokens.get(&key) {
            if Instant::now() < *expires {
                return secret_header(&format!("Bearer {token}"), &registry).map(Some);
            }
        }
        let request = |scopes| TokenRequest {
            realm,
            service: challenge.param("service"),
            scopes,
            credential: self.credential.as_ref(),
            offline: self.offline,
        };
        let fetched = match token::fetch(transport, &request(&key)).await {
            // Quay's token service takes only pull, push and * for repositories, and answers
            // anything else (delete, the catalog) with 400: ask once more in its terms.
            Err(Error::TokenService { status: 400, .. }) if common_scopes(&key) != key => {
                token::fetch(transport, &request(&common_scopes(&key))).await?
            }
            fetched => fetched?,
        };
        if let Some(refresh) = fetched.refresh_token {
            *self.refresh_token.lock().expect("lock poisoned") = Some(refresh);
        }
        let expires = Instant::now() + fetched.lifetime.saturating_sub(EXPIRY_MARGIN);
        let header = secret_header(&format!("Bearer {}", fetched.token), &registry)?;
        tokens.insert(key, (fetched.token, expires));
        Ok(Some(header))
    }

    /// Takes in a `401` the registry answered to a request authorized for `scopes`: its
    /// challenge, and the token it refused (expired, revoked, or short of a scope) forgotten.
    /// Scopes the challenge names beyond `scopes` are asked for with them from now on, as
    /// containerd does: a registry may want more than a client knew to ask for.
    pub async fn refused(&self, response: &Response, scopes: &[String]) {
        self.take_challenge(response, true);
        let mut tokens = self.tokens.lock().await;
        tokens.remove(&self.key(scopes));
        let asked = scope_key(scopes);
        let beyond: Vec<String> = self
            .challenge
            .lock()
            .expect("lock poisoned")
            .as_ref()
            .and_then(|c| c.param("scope"))
            .unwrap_or_default()
            .split_whitespace()
            .filter(|scope| !asked.iter().any(|a| a == scope))
            .map(str::to_string)
            .collect();
        if !beyond.is_empty() {
            self.named
                .lock()
                .expect("lock poisoned")
                .insert(asked, beyond);
        }
    }

    /// The scope set a token for `scopes` is asked for, in one canonical order.
    fn key(&self, scopes: &[String]) -> Vec<String> {
        let mut key = scope_key(scopes);
        if let Some(beyond) = self.named.lock().expect("lock poisoned").get(&key) {
            key = scope_key(&[key.clone(), beyond.clone()].concat());
        }
        key
    }

    /// The refresh token the token service granted, if any (asked for with `offline`).
    pub fn take_refresh_token(&self) -> Option<String> {
        self.refresh_token.lock().expect("lock poisoned").take()
    }
}

/// `scopes` in the terms every token service takes: repository actions other than pull, push
/// and `*` become push (which Quay, for one, wants for a delete), and `registry:` scopes go
/// (Quay's catalog needs no scope).
fn common_scopes(scopes: &[String]) -> Vec<String> {
    let common = scopes.iter().filter_map(|scope| {
        if scope.starts_with("registry:") {
            return None;
        }
        let Some((resource, actions)) = scope.rsplit_once(':') else {
            return Some(scope.clone());
        };
        let mut kept: Vec<&str> = Vec::new();
        for action in actions.split(',') {
            let action = if matches!(action, "pull" | "push" | "*") {
                action
            } else {
                "push"
            };
            if !kept.contains(&action) {
                kept.push(action);
            }
        }
        Some(format!("{resource}:{}", kept.join(",")))
    });
    scope_key(&common.collect::<Vec<_>>())
}

/// A scope set in one canonical order, so that the same set always finds the same token.
fn scope_key(scopes: &[String]) -> Vec<String> {
    let mut key = scopes.to_vec();
    key.sort();
    key.dedup();
    key
}

/// Marked sensitive so that no debug output of a request ever shows it.
fn secret_header(value: &str, registry: &str) -> Result<HeaderValue, Error> {
    let mut header = HeaderValue::from_str(value).map_err(|_| Error::BadChallenge {
        registry: registry.to_string(),
        detail: "the credential or token holds characters an HTTP header cannot carry".into(),
    })?;
    header.set_sensitive(true);
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::common_scopes;

    #[test]
    fn common_scopes_keep_pull_push_and_star_only() {
        let scopes = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            common_scopes(&scopes(&["registry:catalog:*"])),
            Vec::<String>::new()
        );
        assert_eq!(
            common_scopes(&scopes(&["repository:a/b:pull,delete", "repository:c:*"])),
            scopes(&["repository:a/b:pull,push", "repository:c:*"])
        );
        let usual = scopes(&["repository:a:pull", "repository:b:pull,push"]);
        assert_eq!(common_scopes(&usual), usual);
    }
}
