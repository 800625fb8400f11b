//! regctl: a client for private container registries and a safe configurator for containerd.
//!
//! The binary in `main.rs` only parses the command line and maps errors to exit codes; everything
//! else lives here. Data flows one way: `cli` → `commands` → `registry` / `auth` → `transport`.

pub mod atomic_write;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod containerd;
pub mod digest;
pub mod exit;
pub mod interrupt;
pub mod manifest;
pub mod output;
pub mod platform;
pub mod progress;
pub mod reference;
pub mod registry;
pub mod store;
pub mod transfer;
pub mod transport;
