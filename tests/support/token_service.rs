//! A token service in the role of Harbor core's `/service/token`: HTTPS, Docker token
//! authentication (GET with optional Basic credentials, OAuth2 POST with the password and
//! refresh_token grants), RS256 JWTs with an `x5c` header chained to the test CA.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::EncodePublicKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::Sha256;

use super::ca::TestCa;
use super::BoxError;

/// The `service` the registry is configured with (the JWT audience).
pub const SERVICE: &str = "harbor-registry";
/// The JWT issuer the registry is configured to trust.
pub const ISSUER: &str = "harbor-token-issuer";
/// The path of the token endpoint.
pub const TOKEN_PATH: &str = "/service/token";
/// Lifetime of an issued token, in seconds (`expires_in`).
pub const TOKEN_TTL: u64 = 300;

/// One request answered by the token service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// `basic` (GET with Authorization: Basic), `anonymous` (GET without credentials),
    /// `password` or `refresh_token` (POST; any other grant_type is recorded as sent).
    pub grant: String,
    /// The user named in the request (for a refresh_token grant: the owner of the refresh
    /// token, None when the token is unknown). None = anonymous.
    pub user: Option<String>,
    /// Every scope asked for, in order (space-separated lists are split).
    pub scopes: Vec<String>,
    /// A refresh token was asked for (`offline_token=true` or `access_type=offline`).
    pub offline: bool,
    /// A token was issued (false: wrong credentials, unknown refresh token, bad request).
    pub issued: bool,
    /// The `service` parameter as sent ("" when missing).
    pub service: String,
    /// The `client_id` parameter, when sent.
    pub client_id: Option<String>,
}

#[derive(Clone, Debug)]
struct User {
    password: String,
    /// (project, actions); project `*` = every repository, action `*` = every action.
    perms: Vec<(String, Vec<String>)>,
    /// May list the catalog (`registry:catalog:*`).
    catalog: bool,
}

struct State {
    users: HashMap<String, User>,
    /// Users whose next tokens are issued already expired (a token that lapsed in flight).
    expire_next: HashMap<String, usize>,
    refresh_tokens: HashMap<String, String>,
    log: Vec<TokenRequest>,
}

pub struct TokenService {
    state: Mutex<State>,
    signer: SigningKey<Sha256>,
    /// base64 (standard) DER of the signing key's certificate.
    x5c: String,
    /// PEM of the same certificate.
    pub cert_pem: String,
}

/// What the anonymous user may do: pull from the public project `library`.
fn anonymous_perms() -> Vec<(String, Vec<String>)> {
    vec![("library".to_string(), vec!["pull".to_string()])]
}

fn split_actions(actions: &str) -> Vec<String> {
    actions
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn random_hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

fn lock(m: &Mutex<State>) -> MutexGuard<'_, State> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl TokenService {
    /// Makes the RSA key (2048 bits) and its certificate signed by `ca`, and the built-in users.
    pub fn new(ca: &TestCa) -> Result<Self, BoxError> {
        let mut rng = rand::rngs::OsRng;
        let key = RsaPrivateKey::new(&mut rng, 2048)?;
        let spki = key.to_public_key().to_public_key_der()?;
        let cert_der = ca.signing_cert(spki.as_bytes(), "harbor token signer")?;
        let cert_pem = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            STANDARD
                .encode(&cert_der)
                .as_bytes()
                .chunks(64)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join("\n")
        );
        let svc = TokenService {
            state: Mutex::new(State {
                users: HashMap::new(),
                refresh_tokens: HashMap::new(),
                expire_next: HashMap::new(),
                log: Vec::new(),
            }),
            signer: SigningKey::<Sha256>::new(key),
            x5c: STANDARD.encode(&cert_der),
            cert_pem,
        };
        svc.insert_user("admin", "Harbor12345", &[("*", "*")], true);
        svc.insert_user(
            "dev",
            "Dev12345",
            &[("private", "pull,push"), ("library", "pull,push")],
            false,
        );
        svc.insert_user("reader", "Reader12345", &[("private", "pull")], false);
        svc.insert_user("robot$ci", "Robot12345", &[("private", "pull,push")], false);
        Ok(svc)
    }

    fn insert_user(&self, name: &str, password: &str, perms: &[(&str, &str)], catalog: bool) {
        let user = User {
            password: password.to_string(),
            perms: perms
                .iter()
                .map(|(p, a)| (p.to_string(), split_actions(a)))
                .collect(),
            catalog,
        };
        lock(&self.state).users.insert(name.to_string(), user);
    }

    /// Adds (or replaces) a user. `perms` are (project, actions) with actions like `pull`,
    /// `pull,push` or `*`; project `*` stands for every repository.
    pub fn add_user(&self, name: &str, password: &str, perms: &[(&str, &str)]) {
        self.insert_user(name, password, perms, false);
    }

    /// The next `count` tokens issued to `user` are already expired when issued, while the
    /// response still says `expires_in: 300`: the registry refuses them and the client must
    /// re-challenge.
    pub fn expire_next(&self, user: &str, count: usize) {
        lock(&self.state)
            .expire_next
            .insert(user.to_string(), count);
    }

    pub fn requests(&self) -> Vec<TokenRequest> {
        lock(&self.state).log.clone()
    }

    fn record(&self, req: TokenRequest) {
        lock(&self.state).log.push(req);
    }

    /// Checks a password; Some(user) when right.
    fn authenticate(&self, name: &str, password: &str) -> Option<User> {
        let state = lock(&self.state);
        state
            .users
            .get(name)
            .filter(|u| u.password == password)
            .cloned()
    }

    /// The `access` claim for `scopes`: requested actions intersected with what the user may
    /// do; entries left without actions are dropped (never an error, as in Harbor).
    fn grant(user: Option<&User>, scopes: &[String]) -> Vec<Value> {
        let mut perms = anonymous_perms();
        if let Some(u) = user {
            perms.extend(u.perms.iter().cloned());
        }
        let catalog = user.is_some_and(|u| u.catalog);
        let mut access = Vec::new();
        for scope in scopes {
            let Some((typ, rest)) = scope.split_once(':') else {
                continue;
            };
            let Some((name, actions)) = rest.rsplit_once(':') else {
                continue;
            };
            // "repository(plugin)" → resource type "repository".
            let typ = typ.split('(').next().unwrap_or(typ);
            let requested = split_actions(actions);
            let granted: Vec<String> = match typ {
                "repository" => {
                    let project = name.split_once('/').map(|(p, _)| p);
                    let mut allowed: Vec<&str> = Vec::new();
                    for (p, acts) in &perms {
                        if p == "*" || Some(p.as_str()) == project {
                            allowed.extend(acts.iter().map(String::as_str));
                        }
                    }
                    if allowed.contains(&"*") {
                        requested
                    } else {
                        requested
                            .into_iter()
                            .filter(|a| allowed.contains(&a.as_str()))
                            .collect()
                    }
                }
                "registry" if name == "catalog" && catalog => {
                    requested.into_iter().filter(|a| a == "*").collect()
                }
                _ => Vec::new(),
            };
            if !granted.is_empty() {
                access.push(json!({"type": typ, "name": name, "actions": granted}));
            }
        }
        access
    }

    fn jwt(&self, subject: &str, audience: &str, access: Vec<Value>) -> String {
        let expired = {
            let mut state = lock(&self.state);
            match state.expire_next.get_mut(subject) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            }
        };
        // Well past any clock-skew leeway the registry allows.
        let now = if expired {
            now_secs() - 3600
        } else {
            now_secs()
        };
        let header = json!({"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]});
        let claims = json!({
            "iss": ISSUER,
            "sub": subject,
            "aud": audience,
            "exp": now + TOKEN_TTL,
            "nbf": now.saturating_sub(10),
            "iat": now,
            "jti": random_hex(16),
            "access": access,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.signer.sign(signing_input.as_bytes()).to_vec();
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// Issues a token; with `refresh` (an already known refresh token, or a new one when
    /// `Some("")`) the response carries it.
    fn issue(
        &self,
        user: Option<(&str, &User)>,
        service: &str,
        scopes: &[String],
        refresh: Option<String>,
    ) -> Response<Full<Bytes>> {
        let access = Self::grant(user.map(|(_, u)| u), scopes);
        // GHCR's and Artifact Registry's way, in project `strict` only: a scope there that
        // cannot be granted refuses the whole request instead of being left out.
        let refused = scopes.iter().any(|scope| {
            let name = scope
                .strip_prefix("repository:")
                .and_then(|rest| rest.rsplit_once(':'))
                .map(|(name, _)| name);
            name.is_some_and(|n| n.starts_with("strict/") && !access.iter().any(|a| a["name"] == n))
        });
        if refused {
            return error_response(
                StatusCode::FORBIDDEN,
                "DENIED",
                "requested access to the resource is denied",
            );
        }
        let token = self.jwt(user.map_or("", |(n, _)| n), service, access);
        let issued_at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let mut body = json!({
            "token": token,
            "access_token": token,
            "expires_in": TOKEN_TTL,
            "issued_at": issued_at,
        });
        if let (Some(mut r), Some((name, _))) = (refresh, user) {
            if r.is_empty() {
                r = random_hex(24);
                lock(&self.state)
                    .refresh_tokens
                    .insert(r.clone(), name.to_string());
            }
            body["refresh_token"] = json!(r);
        }
        json_response(StatusCode::OK, &body)
    }

    async fn handle(self: Arc<Self>, req: Request<Incoming>) -> Response<Full<Bytes>> {
        if req.uri().path() != TOKEN_PATH {
            return error_response(StatusCode::NOT_FOUND, "NOT_FOUND", "no such endpoint");
        }
        match *req.method() {
            Method::GET => self.handle_get(req),
            Method::POST => {
                // Harbor ignores an Authorization header on the OAuth2 POST; so do we.
                match req.into_body().collect().await {
                    Ok(body) => self.handle_post(&body.to_bytes()),
                    Err(_) => error_response(StatusCode::BAD_REQUEST, "UNSUPPORTED", "bad body"),
                }
            }
            _ => error_response(
                StatusCode::METHOD_NOT_ALLOWED,
                "UNSUPPORTED",
                "method not allowed",
            ),
        }
    }

    fn handle_get(&self, req: Request<Incoming>) -> Response<Full<Bytes>> {
        let params = parse_form(req.uri().query().unwrap_or("").as_bytes());
        let scopes = scopes_of(&params);
        let service = param(&params, "service").unwrap_or_default();
        let client_id = param(&params, "client_id");
        let offline = param(&params, "offline_token").is_some_and(|v| v == "true");
        // None: no Basic credentials; Some(None): a malformed Basic header.
        let basic: Option<Option<(String, String)>> = req
            .headers()
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, rest) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("basic").then(|| rest.trim())
            })
            .map(|b64| {
                let raw = STANDARD.decode(b64).ok()?;
                let text = String::from_utf8(raw).ok()?;
                let (user, password) = text.split_once(':')?;
                Some((user.to_string(), password.to_string()))
            });
        let mut record = TokenRequest {
            method: "GET".into(),
            grant: "anonymous".into(),
            user: None,
            scopes: scopes.clone(),
            offline,
            issued: false,
            service: service.clone(),
            client_id,
        };
        let response = match basic {
            None => {
                record.issued = true;
                self.issue(None, &service, &scopes, None)
            }
            Some(creds) => {
                record.grant = "basic".into();
                let user = creds.as_ref().and_then(|(u, p)| self.authenticate(u, p));
                record.user = creds.map(|(u, _)| u);
                match (user, record.user.as_deref()) {
                    (Some(u), Some(name)) => {
                        record.issued = true;
                        let refresh = offline.then(String::new);
                        self.issue(Some((name, &u)), &service, &scopes, refresh)
                    }
                    _ => unauthorized(),
                }
            }
        };
        self.record(record);
        response
    }

    fn handle_post(&self, body: &[u8]) -> Response<Full<Bytes>> {
        let params = parse_form(body);
        let scopes = scopes_of(&params);
        let service = param(&params, "service").unwrap_or_default();
        let grant = param(&params, "grant_type").unwrap_or_default();
        let offline = param(&params, "access_type").is_some_and(|v| v == "offline");
        let mut record = TokenRequest {
            method: "POST".into(),
            grant: grant.clone(),
            user: None,
            scopes: scopes.clone(),
            offline,
            issued: false,
            service: service.clone(),
            client_id: param(&params, "client_id"),
        };
        let response = match grant.as_str() {
            "password" => {
                let username = param(&params, "username");
                let password = param(&params, "password");
                record.user = username.clone();
                match (username, password) {
                    (Some(name), Some(pw)) => match self.authenticate(&name, &pw) {
                        Some(u) => {
                            record.issued = true;
                            let refresh = offline.then(String::new);
                            self.issue(Some((&name, &u)), &service, &scopes, refresh)
                        }
                        None => unauthorized(),
                    },
                    _ => error_response(
                        StatusCode::BAD_REQUEST,
                        "UNSUPPORTED",
                        "username and password are required",
                    ),
                }
            }
            "refresh_token" => {
                let token = param(&params, "refresh_token").unwrap_or_default();
                let owner = lock(&self.state).refresh_tokens.get(&token).cloned();
                let user = owner.as_ref().and_then(|name| {
                    lock(&self.state)
                        .users
                        .get(name)
                        .cloned()
                        .map(|u| (name.clone(), u))
                });
                record.user = owner;
                match user {
                    Some((name, u)) => {
                        record.issued = true;
                        self.issue(Some((&name, &u)), &service, &scopes, Some(token))
                    }
                    None => unauthorized(),
                }
            }
            _ => error_response(
                StatusCode::BAD_REQUEST,
                "UNSUPPORTED",
                "unsupported grant_type",
            ),
        };
        self.record(record);
        response
    }
}

fn parse_form(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw).into_owned().collect()
}

fn param(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

fn scopes_of(params: &[(String, String)]) -> Vec<String> {
    params
        .iter()
        .filter(|(k, _)| k == "scope")
        .flat_map(|(_, v)| v.split_whitespace().map(str::to_string))
        .collect()
}

fn json_response(status: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

fn error_response(status: StatusCode, code: &str, message: &str) -> Response<Full<Bytes>> {
    json_response(
        status,
        &json!({"errors": [{"code": code, "message": message}]}),
    )
}

fn unauthorized() -> Response<Full<Bytes>> {
    error_response(
        StatusCode::UNAUTHORIZED,
        "UNAUTHORIZED",
        "authentication required",
    )
}

/// Serves the token service over TLS on `listener` until the runtime stops.
pub async fn serve(
    listener: tokio::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    svc: Arc<TokenService>,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            continue;
        };
        let acceptor = acceptor.clone();
        let svc = svc.clone();
        tokio::spawn(async move {
            let Ok(stream) = acceptor.accept(tcp).await else {
                return;
            };
            let service = hyper::service::service_fn(move |req| {
                let svc = svc.clone();
                async move { Ok::<_, Infallible>(svc.handle(req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}
