//! containerd's registry configuration: config.toml (versions 1, 2 and 3) and hosts.toml.
//!
//! The flow of a change: [`plan`] turns what the user asked for into new file contents (using
//! [`config`] and [`hosts`] to edit, [`version`] to know which tables apply), [`check`] proves
//! the new config.toml is one containerd loads with CRI intact, and [`apply`] writes it safely
//! (lock, diff, backup, atomic write) and, through [`service`], restarts containerd and puts
//! the old files back when it does not come back healthy.

pub mod apply;
pub mod check;
pub mod config;
pub mod hosts;
pub mod plan;
mod redact;
pub mod service;
pub mod show;
mod toml_path;
pub mod version;

use std::path::{Path, PathBuf};

use crate::exit::ExitCode;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file is one regctl must not edit (managed by another tool, read-only, a version
    /// containerd would not load); nothing was changed.
    #[error("refusing to edit {path}: {reason}")]
    Refused { path: PathBuf, reason: String },
    /// containerd 1.x tolerates some of what TOML 1.0 forbids; 2.x does not, nor do we.
    #[error("{path}:{line}:{column}: not valid TOML 1.0: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A key has a type or value containerd would reject (some stop the daemon).
    #[error("{path}: {key}: {problem}")]
    Invalid {
        path: PathBuf,
        key: String,
        problem: String,
    },
    /// `containerd config dump` refused the candidate.
    #[error("containerd would not load the new {path}: {reason}")]
    Rejected { path: PathBuf, reason: String },
    /// What the user asked for cannot be done with this file or this containerd.
    #[error("{0}")]
    Unsupported(String),
    // Not a `#[source]`: `{:#}` would print the cause twice.
    #[error("{context}: {cause}")]
    Io {
        context: String,
        cause: std::io::Error,
    },
    #[error("another regctl is changing {0}; try again once it has finished")]
    Locked(PathBuf),
    #[error("no regctl backup next to {0} to roll back to")]
    NoBackup(PathBuf),
    /// The restart itself could not be done; the previous files were put back.
    #[error("{0}")]
    Restart(String),
    /// containerd was not healthy after the restart; the previous files were put back and
    /// containerd restarted on them.
    #[error("containerd did not come back healthy after the restart: {reason}; the previous configuration was restored and containerd restarted")]
    RolledBack { reason: String },
    /// As [`Error::RolledBack`], but containerd is not healthy on the old files either.
    #[error("containerd did not come back healthy after the restart: {reason}; the previous configuration was restored, but containerd is still not healthy: {again}")]
    StillUnhealthy { reason: String, again: String },
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::RolledBack { .. } | Error::StillUnhealthy { .. } => {
                ExitCode::ContainerdRolledBack
            }
            _ => ExitCode::General,
        }
    }

    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let context = context.into();
        move |source| Error::Io {
            context,
            cause: source,
        }
    }

    pub(crate) fn refused(path: &Path, reason: impl Into<String>) -> Error {
        Error::Refused {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
}
