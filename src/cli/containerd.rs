//! `regctl containerd …`: the command-line half of the containerd configurator.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::{OutputFormat, RegistryArgs};

#[derive(Args, Debug)]
pub struct ContainerdArgs {
    #[command(subcommand)]
    pub command: ContainerdCommand,
}

#[derive(Subcommand, Debug)]
pub enum ContainerdCommand {
    /// Configure how containerd (CRI) reaches a registry: mirror, TLS, credentials
    #[command(
        long_about = "Configure how containerd (CRI) reaches a registry: mirror, TLS, credentials.\n\n\
        Edits config.toml format-preserving (comments, order and quoting of everything else stay \
        as they are), writes hosts.toml where containerd reads it, validates the result, keeps a \
        timestamped backup beside each changed file, and restarts containerd only when config.toml \
        changed. If containerd does not come back healthy, the previous files are restored and \
        containerd restarted on them (exit code 6)."
    )]
    Configure(ConfigureArgs),
    /// Show what containerd will use for each registry (endpoints, TLS, whether auth is set)
    Show(ShowArgs),
    /// Remove a registry's hosts.toml, legacy mirrors and configs (TLS, credentials)
    Remove(RemoveArgs),
    /// Restore the newest backup regctl made (a rollback is itself backed up)
    Rollback(RollbackArgs),
}

/// Which files to edit.
#[derive(Args, Debug, Clone)]
pub struct FileArgs {
    /// containerd's config file
    #[arg(
        long,
        value_name = "PATH",
        default_value = "/etc/containerd/config.toml"
    )]
    pub config: PathBuf,
    /// Directory of the hosts.toml files [default: config_path from the config, else certs.d next to it]
    #[arg(long, value_name = "DIR")]
    pub hosts_dir: Option<PathBuf>,
}

/// How changes are carried out.
#[derive(Args, Debug, Clone)]
pub struct ChangeArgs {
    /// Print a unified diff of every file that would change, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Write the files but do not restart containerd
    #[arg(long, conflicts_with = "restart_command")]
    pub no_restart: bool,
    /// Command (run by sh -c) that restarts containerd [default: systemctl restart containerd, else service containerd restart]
    #[arg(long, value_name = "CMD")]
    pub restart_command: Option<String>,
    /// containerd's socket, for the health check after a restart [default: config.toml's [grpc] address, else /run/containerd/containerd.sock]
    #[arg(long, value_name = "SOCKET")]
    pub address: Option<PathBuf>,
    /// Seconds to wait for the restart and for containerd to come back healthy
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModeArg {
    /// hosts.toml on containerd 1.5 and later (or when no containerd is installed), else legacy
    #[default]
    Auto,
    /// hosts.toml under config_path (read on every pull)
    Hosts,
    /// `mirrors` and `configs.<host>.tls` in config.toml (containerd before 1.5)
    Legacy,
}

#[derive(Args, Debug)]
pub struct ConfigureArgs {
    /// Registry host[:port] to configure
    #[arg(value_name = "REGISTRY")]
    pub registry: String,
    /// REGISTRY is a mirror of this upstream (e.g. docker.io): pulls of UPSTREAM images try it first
    #[arg(long, value_name = "UPSTREAM")]
    pub mirror_of: Option<String>,
    /// URL REGISTRY answers at (repeatable, tried in order) [default: https://REGISTRY]
    #[arg(long = "endpoint", value_name = "URL")]
    pub endpoints: Vec<String>,
    /// Username for containerd to log in with (default: the credential stored by `regctl login REGISTRY`)
    #[arg(short, long, requires = "password_stdin", conflicts_with = "no_auth")]
    pub username: Option<String>,
    /// Read the password for --username from stdin
    #[arg(long, requires = "username")]
    pub password_stdin: bool,
    /// Configure no credentials (and remove any set for the registry)
    #[arg(long)]
    pub no_auth: bool,
    /// Where to write the registry's settings
    #[arg(long, value_enum, default_value_t)]
    pub mode: ModeArg,
    #[command(flatten)]
    pub registry_args: RegistryArgs,
    #[command(flatten)]
    pub files: FileArgs,
    #[command(flatten)]
    pub change: ChangeArgs,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// containerd's config file
    #[arg(
        long,
        value_name = "PATH",
        default_value = "/etc/containerd/config.toml"
    )]
    pub config: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
}

#[derive(Args, Debug)]
pub struct RemoveArgs {
    /// Registry host[:port] to remove
    #[arg(value_name = "REGISTRY")]
    pub registry: String,
    #[command(flatten)]
    pub files: FileArgs,
    #[command(flatten)]
    pub change: ChangeArgs,
}

#[derive(Args, Debug)]
pub struct RollbackArgs {
    #[command(flatten)]
    pub files: FileArgs,
    #[command(flatten)]
    pub change: ChangeArgs,
}
