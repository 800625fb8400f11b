//! A registry client: a transport plus an auth session. Every API call goes through `send`,
//! which authorizes the request for its scopes and re-challenges once when a token is refused.

use reqwest::header::AUTHORIZATION;
use reqwest::{RequestBuilder, Response, StatusCode};

use super::Error;
use crate::auth::session::Session;
use crate::auth::token::error_message;
use crate::auth::{self, Credential};
use crate::transport::Transport;

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
                return Err(Error::NotARegistry {
                    registry: transport.registry().to_string(),
                    status: status.as_u16(),
                })
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
    /// the request is made once more with a fresh token. `build` is called again for that.
    pub async fn send(
        &self,
        scopes: &[String],
        build: impl Fn(&Transport) -> RequestBuilder,
    ) -> Result<Response, Error> {
        let mut retried = false;
        loop {
            let mut request = build(&self.transport);
            if let Some(value) = self.session.authorization(&self.transport, scopes).await? {
                request = request.header(AUTHORIZATION, value);
            }
            let response = self.transport.send(request).await?;
            match response.status() {
                StatusCode::UNAUTHORIZED if !retried => {
                    retried = true;
                    self.session.observe(&response);
                    self.session.invalidate(scopes).await;
                }
                StatusCode::UNAUTHORIZED => return Err(self.refused(response, false).await),
                StatusCode::FORBIDDEN => return Err(self.refused(response, true).await),
                _ => return Ok(response),
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
            (Some(_), false) => auth::Error::Unauthorized {
                detail: said.unwrap_or_else(|| "authentication required".into()),
                registry,
            },
            (_, true) => auth::Error::Denied {
                detail: said.unwrap_or_else(|| "requested access to the resource is denied".into()),
                registry,
            },
        };
        Error::Auth(error)
    }
}
