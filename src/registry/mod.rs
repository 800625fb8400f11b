//! The distribution API, spoken to one registry at a time through an authenticated client.

pub mod client;
pub mod tags;

pub use client::Client;

use crate::exit::ExitCode;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("{registry} is not a container registry: GET /v2/ answered {status}")]
    NotARegistry { registry: String, status: u16 },
    #[error("{what}: the registry answered {status}: {detail}")]
    Unexpected {
        what: String,
        status: u16,
        detail: String,
    },
    #[error(transparent)]
    Auth(#[from] crate::auth::Error),
    #[error(transparent)]
    Transport(#[from] crate::transport::Error),
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::NotFound(_) => ExitCode::NotFound,
            Error::Auth(e) => e.exit_code(),
            Error::Transport(e) => e.exit_code(),
            _ => ExitCode::General,
        }
    }
}
