//! Getting a bearer token from a registry's token service (the challenge's `realm`), the way
//! Harbor and distribution's token auth expect it: `GET` with Basic credentials, or an OAuth2
//! `POST` with a refresh token.

use std::time::Duration;

use reqwest::{Method, StatusCode, Url};
use serde::Deserialize;

use super::{Credential, Error, Secret};
use crate::reference::Registry;
use crate::transport::Transport;

const CLIENT_ID: &str = "regctl";
/// What the distribution spec says to assume when a token service does not say.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(60);

pub struct Token {
    pub token: String,
    pub lifetime: Duration,
    /// Present when we asked for offline access and the service grants refresh tokens.
    pub refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct TokenResponse {
    #[serde(default)]
    token: String,
    #[serde(default)]
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
}

pub struct TokenRequest<'a> {
    pub realm: &'a str,
    pub service: Option<&'a str>,
    pub scopes: &'a [String],
    pub credential: Option<&'a Credential>,
    /// Ask for a refresh token (login does, so the password need not be stored).
    pub offline: bool,
}

pub async fn fetch(transport: &Transport, req: &TokenRequest<'_>) -> Result<Token, Error> {
    let registry = transport.registry();
    let realm = Url::parse(req.realm).map_err(|e| Error::BadChallenge {
        registry: registry.to_string(),
        detail: format!("realm {:?} is not a URL: {e}", req.realm),
    })?;
    if req.credential.is_some() && !may_carry_credentials(transport, &realm) {
        return Err(Error::PlainHttpCredentials {
            registry: registry.to_string(),
            url: realm.to_string(),
        });
    }
    let response = match req.credential {
        Some(Credential {
            username,
            secret: Secret::IdentityToken(refresh),
        }) => {
            let mut form = vec![
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.as_str()),
                ("client_id", CLIENT_ID),
            ];
            let scope = req.scopes.join(" ");
            if let Some(service) = req.service {
                form.push(("service", service));
            }
            if !scope.is_empty() {
                form.push(("scope", &scope));
            }
            let posted = transport
                .send(transport.request(Method::POST, realm.clone()).form(&form))
                .await?;
            // Token services without the OAuth2 POST (GCR answers 404, Artifactory 401, ACR
            // 400, as containerd notes) take the token as a password instead.
            let no_post = matches!(posted.status().as_u16(), 400 | 401 | 404 | 405);
            if no_post && !username.is_empty() {
                let basic = (username.as_str(), refresh.as_str());
                transport
                    .send(get(transport, &realm, req, Some(basic)))
                    .await?
            } else {
                posted
            }
        }
        Some(c) => {
            let basic = (c.username.as_str(), c.secret.expose());
            transport
                .send(get(transport, &realm, req, Some(basic)))
                .await?
        }
        None => transport.send(get(transport, &realm, req, None)).await?,
    };
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    if status == StatusCode::UNAUTHORIZED {
        let said = error_message(&body);
        let detail = match (req.credential, said) {
            (Some(c), Some(said)) => {
                format!("incorrect username or password for {} ({said})", c.username)
            }
            (Some(c), None) => format!("incorrect username or password for {}", c.username),
            (None, said) => said.unwrap_or_else(|| "authentication required".into()),
        };
        return Err(Error::Unauthorized {
            registry: registry.to_string(),
            detail,
        });
    }
    // GHCR and Artifact Registry refuse a scope the caller may not have with 403 rather than
    // a token for less: the credential may be good, so do not call it wrong.
    if status == StatusCode::FORBIDDEN {
        let who = req
            .credential
            .map_or_else(|| "anonymous".to_string(), |c| c.username.clone());
        let said = error_message(&body).map_or_else(String::new, |s| format!(" ({s})"));
        return Err(Error::Denied {
            registry: registry.to_string(),
            detail: format!(
                "the token service refused {who} access to {}{said}",
                req.scopes.join(" ")
            ),
        });
    }
    if !status.is_success() {
        return Err(Error::TokenService {
            realm: realm.to_string(),
            status: status.as_u16(),
            detail: error_message(&body).unwrap_or_else(|| excerpt(&body)),
        });
    }
    let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| Error::TokenService {
        realm: realm.to_string(),
        status: status.as_u16(),
        detail: format!("unreadable token response: {e}"),
    })?;
    let token = if parsed.token.is_empty() {
        parsed.access_token
    } else {
        parsed.token
    };
    if token.is_empty() {
        return Err(Error::TokenService {
            realm: realm.to_string(),
            status: status.as_u16(),
            detail: "the response holds no token".into(),
        });
    }
    Ok(Token {
        token,
        lifetime: parsed
            .expires_in
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_LIFETIME),
        refresh_token: parsed.refresh_token.filter(|t| !t.is_empty()),
    })
}

/// The token request as docker makes it: `GET` on the realm with the service and scopes, and
/// Basic credentials when there are some (asking for a refresh token when `offline`).
fn get(
    transport: &Transport,
    realm: &Url,
    req: &TokenRequest<'_>,
    basic: Option<(&str, &str)>,
) -> reqwest::RequestBuilder {
    let mut url = realm.clone();
    {
        let mut query = url.query_pairs_mut();
        if let Some(service) = req.service {
            query.append_pair("service", service);
        }
        for scope in req.scopes {
            query.append_pair("scope", scope);
        }
        if req.offline && basic.is_some() {
            query.append_pair("offline_token", "true");
            query.append_pair("client_id", CLIENT_ID);
        }
    }
    let request = transport.request(Method::GET, url);
    match basic {
        Some((username, password)) => request.basic_auth(username, Some(password)),
        None => request,
    }
}

/// Credentials travel over TLS, to loopback, or over plain HTTP only where the user chose it.
pub fn may_carry_credentials(transport: &Transport, url: &Url) -> bool {
    if url.scheme() == "https" || transport.plain_http_chosen() {
        return true;
    }
    let host = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => return false,
    };
    Registry::parse(&host).is_ok_and(|r| r.is_loopback())
}

/// What an error body says: the first `message` of a distribution-style `{"errors":[…]}`,
/// or the `details` (Docker Hub's token service), `error_description` (OAuth2), `message` or
/// `error` string of others.
pub fn error_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let text = |v: &serde_json::Value, key: &str| {
        v.get(key)
            .and_then(|m| m.as_str())
            .filter(|m| !m.trim().is_empty())
            .map(str::to_string)
    };
    let first = value
        .get("errors")
        .and_then(|e| e.as_array())
        .and_then(|e| e.first());
    first
        .and_then(|f| text(f, "message"))
        .or_else(|| text(&value, "details"))
        .or_else(|| text(&value, "error_description"))
        .or_else(|| text(&value, "message"))
        .or_else(|| text(&value, "error"))
        .map(|m| printable(&m))
}

/// A server's words made fit for one line of a terminal: line breaks and other control
/// characters (an escape sequence, say) become spaces.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line = text.lines().next().unwrap_or_default();
    printable(line).chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::error_message;

    #[test]
    fn error_messages_of_registries_and_token_services() {
        let said = |body: &str| error_message(body.as_bytes());
        assert_eq!(
            said(r#"{"errors":[{"code":"DENIED","message":"no push here"}]}"#).as_deref(),
            Some("no push here")
        );
        assert_eq!(
            said(r#"{"details":"incorrect username or password"}"#).as_deref(),
            Some("incorrect username or password")
        );
        assert_eq!(
            said(r#"{"error":"invalid_grant","error_description":"token expired"}"#).as_deref(),
            Some("token expired")
        );
        assert_eq!(said("<html>bad gateway</html>"), None);
        assert_eq!(
            said(r#"{"errors":[{"message":"two\nlines \u001b[31mred"}]}"#).as_deref(),
            Some("two lines  [31mred")
        );
        assert_eq!(said(r#"{"errors":[]}"#), None);
    }
}
