//! The documented exit codes. Scripts branch on these: keep them stable. Each library error type
//! says which one it means; `main.rs` picks the first in an error's chain.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    Success = 0,
    General = 1,
    Usage = 2,
    Auth = 3,
    NotFound = 4,
    Connection = 5,
    ContainerdRolledBack = 6,
}

/// An error in what the user asked for that clap cannot see (e.g. no password and no terminal).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);
