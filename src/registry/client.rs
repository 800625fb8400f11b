//! A registry client: a transport plus an auth session. Every API call goes through `send`,
//! which authorizes the request for its scopes and re-challenges once when a token is refused.

use reqwest::header::{HeaderMap, AUTHORIZATION};
use reqwest::{RequestBuilder, Response, StatusCode, Url};

use super::Error;
use crate::auth::session::Session;
use crate::auth::token::error_message;
use crate::auth::{self, Credential};
use crate::transport::blob_http::FileRange;
use crate::transport::{retry, GetError, Got, Sink, Transport};

pub struct Client {
    transport: Transport,
    session: Session,
}

impl Client {
    /// Pings the registry (falling back to plain HTTP on loopback where allowed) and records
    /// its challenge. `offline` asks the token service for a refresh token (used by login).
    pub async fn connect(
        mut transport: Transport,
        credential: Option<Credential>,
        offline: bool,
    ) -> Result<Self, Error> {
        let session = Session::new(credential, offline);
        let response = transport.ping().await?;
        match response.status() {
            StatusCode::UNAUTHORIZED => session.observe(&response),
            status if status.is_success() => {}
            status => {
                let body = response.bytes().await.unwrap_or_default();
                // Go's answer to plain HTTP on a TLS port (distribution, Harbor's core).
                let speaks_tls = status == StatusCode::BAD_REQUEST
                    && transport.is_plain_http()
                    && String::from_utf8_lossy(&body).contains("HTTP request to an HTTPS server");
                if speaks_tls {
                    return Err(crate::transport::Error::SpeaksTls {
                        host: transport.registry().to_string(),
                    }
                    .into());
                }
                return Err(Error::NotARegistry {
                    registry: transport.registry().to_string(),
                    status: status.as_u16(),
                });
            }
        }
        Ok(Client { transport, session })
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Sends the request `build` makes, authorized for `scopes`. A `401` means the token was
    /// refused (expired, or the registry wants another scope): the new challenge is noted and
    /// the request is made once more with a fresh token. Connection failures, 5xx and 429 are
    /// retried with backoff; after the last attempt the error (or the response) is returned.
    /// `build` is called again for every attempt, so bodies are made afresh.
    pub async fn send(
        &self,
        scopes: &[String],
        build: impl Fn(&Transport) -> RequestBuilder,
    ) -> Result<Response, Error> {
        self.send_within(scopes, build, retry::ATTEMPTS).await
    }

    /// `send` for a request that carries bytes of an upload session (a `PATCH`, the closing
    /// `PUT`). Made again only after a refused token, which the registry checks before it reads
    /// a byte. After any other failure the registry may hold part of the body, or have
    /// cancelled the session, and would refuse the same request there: the caller starts a
    /// new session instead.
    pub async fn send_in_session(
        &self,
        scopes: &[String],
        build: impl Fn(&Transport) -> RequestBuilder,
    ) -> Result<Response, Error> {
        self.send_within(scopes, build, 1).await
    }

    async fn send_within(
        &self,
        scopes: &[String],
        build: impl Fn(&Transport) -> RequestBuilder,
        attempts: u32,
    ) -> Result<Response, Error> {
        let mut reauthorized = false;
        loop {
            let response = retry::run(self.transport.verbose(), attempts, is_transient, || async {
                let request = self.authorize(build(&self.transport), scopes).await?;
                Ok(self.transport.send(request).await?)
            })
            .await?;
            match response.status() {
                // Only the registry's own challenge counts: another host's could name a realm
                // of its choosing.
                StatusCode::UNAUTHORIZED
                    if !reauthorized && self.transport.is_registry(response.url()) =>
                {
                    reauthorized = true;
                    self.session.refused(&response, scopes).await;
                }
                StatusCode::UNAUTHORIZED => return Err(self.refused(response, false).await),
                StatusCode::FORBIDDEN => return Err(self.refused(response, true).await),
                _ => return Ok(response),
            }
        }
    }

    /// Sends a request whose body cannot be made twice (a stream passing through): authorized,
    /// sent exactly once, a refusal reported. The caller decides whether to start over.
    pub async fn send_once(
        &self,
        scopes: &[String],
        request: RequestBuilder,
    ) -> Result<Response, Error> {
        let response = self.try_once(scopes, request).await?;
        match response.status() {
            // The next attempt (the caller's) gets a fresh token; only the registry's own
            // challenge counts, as in `send`.
            StatusCode::UNAUTHORIZED if self.transport.is_registry(response.url()) => {
                self.session.refused(&response, scopes).await;
                Err(self.refused(response, false).await)
            }
            StatusCode::UNAUTHORIZED => Err(self.refused(response, false).await),
            StatusCode::FORBIDDEN => Err(self.refused(response, true).await),
            _ => Ok(response),
        }
    }

    /// Sends `request` once, authorized, and hands back whatever the registry answers: for an
    /// attempt whose refusal the caller has a way around (a cross-repository mount).
    pub async fn try_once(
        &self,
        scopes: &[String],
        request: RequestBuilder,
    ) -> Result<Response, Error> {
        let request = self.authorize(request, scopes).await?;
        Ok(self.transport.send(request).await?)
    }

    /// `request` with the authorization for `scopes` when it goes to the registry itself.
    /// Credentials never go to another host or scheme, wherever a `Location` or a `Link`
    /// points (containerd and go-containerregistry draw the same line).
    async fn authorize(
        &self,
        request: RequestBuilder,
        scopes: &[String],
    ) -> Result<RequestBuilder, Error> {
        let (http, request) = request.build_split();
        let mut request = request.map_err(|e| crate::transport::Error::Client(e.to_string()))?;
        if !self.transport.is_registry(request.url()) {
            if self.transport.verbose() {
                eprintln!(
                    "{} is not on {}: sent without credentials",
                    request.url().origin().ascii_serialization(),
                    self.transport.registry()
                );
            }
        } else if let Some(value) = self.session.authorization(&self.transport, scopes).await? {
            request.headers_mut().insert(AUTHORIZATION, value);
        }
        Ok(RequestBuilder::from_parts(http, request))
    }

    /// `send_once` for a `PUT` whose body the kernel sends from a file (`Transport::put_file`).
    /// `None` when the request is better made the ordinary way: the connection failed (that
    /// way retries), or the token was refused (noted, so that the next attempt gets a new one).
    pub async fn put_file(
        &self,
        scopes: &[String],
        url: Url,
        headers: HeaderMap,
        body: FileRange,
        sent: impl Fn(u64) + Send + 'static,
    ) -> Result<Option<Response>, Error> {
        let Some(headers) = self.authorized(scopes, headers).await? else {
            return Ok(None);
        };
        let sent = self.transport.put_file(url, headers, body, sent).await;
        match self.direct_outcome(sent)? {
            Some(response) => self.direct_answer(scopes, response).await,
            None => Ok(None),
        }
    }

    /// `put_file` for `Transport::post_then_put_file`: the answers to the `POST` and, when it
    /// was made, to the `PUT`; `None` when either is better made again the ordinary way.
    pub async fn post_then_put_file(
        &self,
        scopes: &[String],
        post_url: Url,
        headers: HeaderMap,
        put_url: impl FnOnce(&http::Response<bytes::Bytes>) -> Option<Url> + Send + 'static,
        body: FileRange,
        sent: impl Fn(u64) + Send + 'static,
    ) -> Result<Option<(Response, Option<Response>)>, Error> {
        let Some(headers) = self.authorized(scopes, headers).await? else {
            return Ok(None);
        };
        let made = self
            .transport
            .post_then_put_file(post_url, headers, put_url, body, sent)
            .await;
        let Some((post, put)) = self.direct_outcome(made)? else {
            return Ok(None);
        };
        let Some(post) = self.direct_answer(scopes, post).await? else {
            return Ok(None);
        };
        let put = match put {
            Some(put) => match self.direct_answer(scopes, put).await? {
                Some(put) => Some(put),
                None => return Ok(None),
            },
            None => None,
        };
        Ok(Some((post, put)))
    }

    /// A failed connection of the kernel's way is `None`: the ordinary way tries again.
    fn direct_outcome<T>(
        &self,
        made: Result<T, crate::transport::Error>,
    ) -> Result<Option<T>, Error> {
        match made {
            Ok(made) => Ok(Some(made)),
            Err(e) if Transport::is_transient(&e) => {
                if self.transport.verbose() {
                    eprintln!("{e}; sending it again the ordinary way");
                }
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// An answer on the kernel's way: `None` for one the ordinary way should have instead.
    async fn direct_answer(
        &self,
        scopes: &[String],
        response: Response,
    ) -> Result<Option<Response>, Error> {
        match response.status() {
            StatusCode::UNAUTHORIZED => {
                self.session.refused(&response, scopes).await;
                Ok(None)
            }
            StatusCode::FORBIDDEN => Err(self.refused(response, true).await),
            // Worth another attempt, which the ordinary way makes with backoff.
            status if retry::retryable_status(status) => Ok(None),
            _ => Ok(Some(response)),
        }
    }

    /// `Transport::get_into`, authorized for `scopes`. A transient failure to get a token
    /// comes back as a failed connection: the caller goes on the ordinary way.
    pub async fn get_into<S: Sink>(
        &self,
        scopes: &[String],
        url: Url,
        offset: u64,
        len: u64,
        sink: S,
    ) -> Result<(S, Result<Got, GetError<S::Error>>), Error> {
        let Some(headers) = self.authorized(scopes, HeaderMap::new()).await? else {
            let failed = std::io::Error::other("no token to be had for now");
            return Ok((sink, Err(GetError::Io(failed))));
        };
        Ok(self
            .transport
            .get_into(url, headers, offset, len, sink)
            .await)
    }

    /// `headers` with the authorization for `scopes`, for a request of our own making. `None`
    /// when the token service stumbled: the caller goes the ordinary way, which retries it.
    async fn authorized(
        &self,
        scopes: &[String],
        mut headers: HeaderMap,
    ) -> Result<Option<HeaderMap>, Error> {
        match self.session.authorization(&self.transport, scopes).await {
            Ok(value) => {
                if let Some(value) = value {
                    headers.insert(AUTHORIZATION, value);
                }
                Ok(Some(headers))
            }
            Err(e) => {
                let e = Error::from(e);
                if is_transient(&e) {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }

    async fn refused(&self, response: Response, forbidden: bool) -> Error {
        let registry = self.transport.registry().to_string();
        let said = error_message(&response.bytes().await.unwrap_or_default());
        let error = match (self.session.credential(), forbidden) {
            (None, false) => auth::Error::Unauthorized {
                detail: format!(
                    "{}; log in with `regctl login {registry}`",
                    said.unwrap_or_else(|| "authentication required".into())
                ),
                registry,
            },
            // A Basic registry answers a wrong password as it answers none ("authentication
            // required"); with a credential sent, say which one it refused. Behind a token
            // service the password was good (the token came), so the token lacks the scope.
            (Some(credential), false) => {
                let said = said.unwrap_or_else(|| "authentication required".into());
                auth::Error::Unauthorized {
                    detail: if self.session.is_basic() {
                        format!(
                            "incorrect username or password for {} ({said})",
                            credential.username
                        )
                    } else {
                        format!("{} may not do this here ({said})", credential.username)
                    },
                    registry,
                }
            }
            (_, true) => auth::Error::Denied {
                detail: said.unwrap_or_else(|| "requested access to the resource is denied".into()),
                registry,
            },
        };
        Error::Auth(error)
    }
}

/// Connection failures are worth another attempt, whether met by the request or on the way
/// to the token service.
fn is_transient(err: &Error) -> bool {
    match err {
        Error::Transport(e) | Error::Auth(crate::auth::Error::Transport(e)) => {
            Transport::is_transient(e)
        }
        // A token service restarting or shedding load, as registries themselves do.
        Error::Auth(crate::auth::Error::TokenService { status, .. }) => {
            StatusCode::from_u16(*status).is_ok_and(retry::retryable_status)
        }
        _ => false,
    }
}
