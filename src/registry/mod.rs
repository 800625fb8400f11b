//! The distribution API, spoken to one registry at a time through an authenticated client.

pub mod blobs;
pub mod client;
pub mod lists;
pub mod manifests;
pub mod stall;

pub use client::Client;

use crate::exit::ExitCode;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("not supported: {0}")]
    Unsupported(String),
    #[error("{registry} is not a container registry: GET /v2/ answered {status}")]
    NotARegistry { registry: String, status: u16 },
    #[error("{what}: the registry answered {status}: {detail}")]
    Unexpected {
        what: String,
        status: u16,
        detail: String,
    },
    #[error("{what}: the registry sent content that hashes to {actual}, not {expected}")]
    DigestMismatch {
        what: String,
        expected: crate::digest::Digest,
        actual: crate::digest::Digest,
    },
    #[error(transparent)]
    Manifest(#[from] crate::manifest::ManifestError),
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error(transparent)]
    Auth(#[from] crate::auth::Error),
    #[error(transparent)]
    Transport(#[from] crate::transport::Error),
    #[error(transparent)]
    Reference(#[from] crate::reference::ReferenceError),
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::NotFound(_) => ExitCode::NotFound,
            // A registry still failing after every retry is down, as far as a script cares.
            Error::Unexpected { status, .. } if *status >= 500 || *status == 429 => {
                ExitCode::Connection
            }
            Error::Store(e) => e.exit_code(),
            Error::Auth(e) => e.exit_code(),
            Error::Transport(e) => e.exit_code(),
            Error::Reference(_) => ExitCode::Usage,
            _ => ExitCode::General,
        }
    }
}
