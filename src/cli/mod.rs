//! The command line, in one clap tree. It also feeds the generated completions/ and man/.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub mod archive;
pub mod containerd;

#[derive(Parser, Debug)]
#[command(
    name = "regctl",
    version,
    about = "A client for private container registries and a safe configurator for containerd",
    long_about = "A client for private container registries (Harbor, distribution, any OCI registry) \
                  and a safe configurator for containerd.\n\n\
                  Exit codes: 0 success, 1 error, 2 usage error, 3 authentication failed or access denied, \
                  4 not found, 5 TLS or connection error, 6 containerd did not come back after a restart \
                  (the previous config was restored)."
)]
pub struct Cli {
    /// Show HTTP requests and responses on stderr (credentials are redacted)
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Log in to a registry and store the credential
    Login(LoginArgs),
    /// Remove a registry's stored credential
    Logout(LogoutArgs),
    /// Pull an image from a registry into the local store
    Pull(PullArgs),
    /// Push an image from the local store to its registry
    Push(PushArgs),
    /// Give an image in the local store another name
    Tag(TagArgs),
    /// List the images in the local store
    Images(ImagesArgs),
    /// Remove images from the local store
    Rmi(RmiArgs),
    /// Copy an image from registry to registry, with nothing written to disk
    Copy(CopyArgs),
    /// Show an image's manifest (or its config) from the registry
    Inspect(InspectArgs),
    /// Print the digest a reference points at in the registry
    Digest(DigestArgs),
    /// List the tags of a repository
    Tags(TagsArgs),
    /// List the repositories of a registry
    Catalog(CatalogArgs),
    /// Delete an image (a manifest, by digest) from the registry
    Delete(DeleteArgs),
    /// Write images from the local store to a docker or OCI archive (a tar)
    Save(archive::SaveArgs),
    /// Load images from a docker or OCI archive into the local store
    Load(archive::LoadArgs),
    /// Configure containerd's registry access (mirrors, TLS, credentials) safely
    Containerd(containerd::ContainerdArgs),
    /// Print a shell completion script
    Completion {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// How to reach a registry and where its credential is kept; shared by every registry command.
#[derive(Args, Debug, Clone, Default)]
pub struct RegistryArgs {
    /// Trust this CA certificate (PEM) for the registry, in addition to the system's roots
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Client certificate (PEM) to present to the registry
    #[arg(long, value_name = "FILE", requires = "key_file")]
    pub cert_file: Option<PathBuf>,
    /// Private key (PEM) of --cert-file
    #[arg(long, value_name = "FILE", requires = "cert_file")]
    pub key_file: Option<PathBuf>,
    /// Skip TLS certificate verification (dangerous: anyone on the path can read your credentials)
    #[arg(long)]
    pub insecure: bool,
    /// Talk plain HTTP to the registry
    #[arg(long)]
    pub plain_http: bool,
    /// docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]
    #[arg(long, value_name = "FILE")]
    pub auth_file: Option<PathBuf>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// The OS keyring (Secret Service, Keychain, Credential Manager)
    Keyring,
    /// docker's config.json, mode 0600, unencrypted
    File,
}

#[derive(Args, Debug)]
pub struct LoginArgs {
    /// Registry host[:port] or URL
    #[arg(value_name = "SERVER", default_value = "docker.io")]
    pub server: String,
    /// Username
    #[arg(short, long)]
    pub username: Option<String>,
    /// Password (visible to other users in the process list: prefer --password-stdin)
    #[arg(short, long, conflicts_with = "password_stdin")]
    pub password: Option<String>,
    /// Read the password from stdin
    #[arg(long)]
    pub password_stdin: bool,
    /// Where to store the credential [default: a credential helper configured in docker's config,
    /// else the OS keyring, else the credentials file]
    #[arg(long, value_enum)]
    pub store: Option<StoreKind>,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Args, Debug)]
pub struct LogoutArgs {
    /// Registry host[:port] or URL
    #[arg(value_name = "SERVER", default_value = "docker.io")]
    pub server: String,
    /// docker-style credentials file [default: $REGISTRY_AUTH_FILE, $DOCKER_CONFIG/config.json or ~/.docker/config.json]
    #[arg(long, value_name = "FILE")]
    pub auth_file: Option<PathBuf>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct TagsArgs {
    /// Repository, e.g. harbor.example.com/library/busybox
    #[arg(value_name = "REPOSITORY")]
    pub repository: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Tags to ask for per request (the registry may send fewer)
    #[arg(long, value_name = "N")]
    pub page_size: Option<usize>,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// Where the local image store is.
#[derive(Args, Debug, Clone, Default)]
pub struct StoreArgs {
    /// Local image store (an OCI image layout) [default: $REGCTL_STORE, or the data directory's regctl/store]
    #[arg(long = "store", value_name = "DIR")]
    pub store: Option<PathBuf>,
}

/// How a transfer runs and reports.
#[derive(Args, Debug, Clone)]
pub struct TransferArgs {
    /// Blobs transferred at once
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Print only the result (the digest)
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct PullArgs {
    /// Image reference, e.g. harbor.example.com/library/busybox:1.35.0
    #[arg(value_name = "REF")]
    pub reference: String,
    /// Platform to pull from a multi-platform image (repeatable) [default: this host's]
    #[arg(
        long,
        value_name = "OS/ARCH[/VARIANT]",
        conflicts_with = "all_platforms"
    )]
    pub platform: Vec<String>,
    /// Pull every platform of a multi-platform image
    #[arg(long)]
    pub all_platforms: bool,
    #[command(flatten)]
    pub transfer: TransferArgs,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Args, Debug)]
pub struct PushArgs {
    /// Image reference as named in the local store
    #[arg(value_name = "REF")]
    pub reference: String,
    /// Upload blobs in PATCH chunks of this many bytes instead of one PUT each
    #[arg(long, value_name = "BYTES")]
    pub chunk_size: Option<u64>,
    #[command(flatten)]
    pub transfer: TransferArgs,
    #[command(flatten)]
    pub store: StoreArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Args, Debug)]
pub struct TagArgs {
    /// An image in the local store, by name or by digest (sha256:…)
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// The new name
    #[arg(value_name = "TARGET")]
    pub target: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct ImagesArgs {
    /// Only this repository (and tag, if given), e.g. busybox or harbor.example.com/lib/app:1
    #[arg(value_name = "REPOSITORY[:TAG]")]
    pub filter: Option<String>,
    /// Only the digests, each once (for `regctl rmi $(regctl images -q)`)
    #[arg(short, long, conflicts_with = "format")]
    pub quiet: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct RmiArgs {
    /// Images to remove: names, or a manifest digest (sha256:…) for every name of it and for an image `images` lists as <none>
    #[arg(value_name = "REF", required = true)]
    pub references: Vec<String>,
    /// A name that is not in the store is no error (the others are removed either way)
    #[arg(short, long)]
    pub force: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct CopyArgs {
    /// Source image (a repository with --all-tags)
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// Target image (a repository with --all-tags)
    #[arg(value_name = "TARGET")]
    pub target: String,
    /// Copy only these platforms of a multi-platform image (repeatable): one platform copies
    /// that platform's image itself (as crane and skopeo do), several an index of those, which
    /// gets a new digest [default: the whole index, digest preserved]
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Vec<String>,
    /// Copy every tag of the source repository
    #[arg(long)]
    pub all_tags: bool,
    #[command(flatten)]
    pub transfer: TransferArgs,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// Image reference
    #[arg(value_name = "REF")]
    pub reference: String,
    /// Show the image's config instead of its manifest
    #[arg(long)]
    pub config: bool,
    /// Print the exact bytes the registry sent
    #[arg(long)]
    pub raw: bool,
    /// For a multi-platform image, show this platform's manifest (or config)
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Args, Debug)]
pub struct DigestArgs {
    /// Image reference
    #[arg(value_name = "REF")]
    pub reference: String,
    /// For a multi-platform image, the digest of this platform's image
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Args, Debug)]
pub struct CatalogArgs {
    /// Registry host[:port]
    #[arg(value_name = "REGISTRY")]
    pub server: String,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Repositories to ask for per request (the registry may send fewer)
    #[arg(long, value_name = "N")]
    pub page_size: Option<usize>,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

#[derive(Args, Debug)]
pub struct DeleteArgs {
    /// Image reference (a tag is resolved to its digest first)
    #[arg(value_name = "REF")]
    pub reference: String,
    /// Do not ask for confirmation at a terminal
    #[arg(short, long)]
    pub yes: bool,
    #[command(flatten)]
    pub registry: RegistryArgs,
}
