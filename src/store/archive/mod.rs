//! Image archives: the tarballs `docker save` / `docker load`, `ctr images export` / `import`
//! and skopeo's `docker-archive:` / `oci-archive:` transports exchange.
//!
//! Both formats we write are an OCI image layout in a tar; the docker one adds docker's own
//! `manifest.json` and `repositories` beside it, as docker 25 and later do, so that older
//! readers that know only those files still load it.

mod docker;
mod load;
mod save;

use std::path::PathBuf;

use super::Error;
use crate::digest::Digest;
pub use load::{load, Loaded};
pub use save::{save, SaveOptions};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// What `docker save` writes (docker 25+): loads into docker, containerd and skopeo's docker-archive
    #[default]
    Docker,
    /// An OCI image layout as a tar (skopeo's oci-archive); keeps multi-platform images whole
    Oci,
}

const OCI_LAYOUT: &str = "oci-layout";
const LAYOUT_VERSION: &[u8] = br#"{"imageLayoutVersion":"1.0.0"}"#;
const INDEX_JSON: &str = "index.json";
/// containerd names images by this annotation; `ctr images import` reads it.
const CONTAINERD_NAME: &str = "io.containerd.image.name";

/// Where a blob lives inside an archive's OCI layout.
fn blob_path(digest: &Digest) -> String {
    format!("blobs/sha256/{}", digest.hex())
}

/// An archive's file, or stdin / stdout for `-`.
#[derive(Debug, Clone)]
pub enum Target {
    File(PathBuf),
    Std,
}

impl Target {
    pub fn new(path: PathBuf) -> Self {
        if path.as_os_str() == "-" {
            Target::Std
        } else {
            Target::File(path)
        }
    }

    fn name(&self, std: &str) -> String {
        match self {
            Target::File(p) => p.display().to_string(),
            Target::Std => std.to_string(),
        }
    }
}

/// An error about the archive itself (not the store): `name` is its file, stdin or stdout.
fn archive_error(name: &str, reason: impl std::fmt::Display) -> Error {
    Error::Archive {
        path: name.to_string(),
        reason: reason.to_string(),
    }
}
