//! Who we are to a registry: stored credentials, the auth challenge, and bearer tokens.

pub mod challenge;
pub mod credentials;
pub mod docker_config;
pub mod helper;
pub mod keyring_store;
pub mod session;
pub mod token;

use std::fmt;

use crate::exit::ExitCode;

/// The secret half of a credential. Never printed: `Debug` redacts it.
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    Password(String),
    /// An OAuth2 refresh token the token service gave at login (docker's `identitytoken`).
    IdentityToken(String),
}

impl Secret {
    pub fn expose(&self) -> &str {
        match self {
            Secret::Password(s) | Secret::IdentityToken(s) => s,
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Secret::Password(_) => f.write_str("Password(<redacted>)"),
            Secret::IdentityToken(_) => f.write_str("IdentityToken(<redacted>)"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub username: String,
    pub secret: Secret,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unauthorized: {detail} ({registry})")]
    Unauthorized { registry: String, detail: String },
    #[error("denied: {detail} ({registry})")]
    Denied { registry: String, detail: String },
    #[error("refusing to send credentials for {registry} over plain HTTP to {url}; pass --plain-http if that is really intended")]
    PlainHttpCredentials { registry: String, url: String },
    #[error("the token service at {realm} answered {status}: {detail}")]
    TokenService {
        realm: String,
        status: u16,
        detail: String,
    },
    #[error("{registry} sent an unusable auth challenge: {detail}")]
    BadChallenge { registry: String, detail: String },
    #[error("credential store: {0}")]
    Store(String),
    #[error(transparent)]
    Transport(#[from] crate::transport::Error),
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Unauthorized { .. } | Error::Denied { .. } => ExitCode::Auth,
            Error::Transport(t) => t.exit_code(),
            _ => ExitCode::General,
        }
    }
}
