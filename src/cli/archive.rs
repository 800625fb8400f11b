//! Arguments of `save` and `load`, the image archive commands.

use std::path::PathBuf;

use clap::Args;

use super::StoreArgs;
use crate::store::archive::Format;

#[derive(Args, Debug)]
pub struct SaveArgs {
    /// Images in the local store; several share their common layers in the archive
    #[arg(value_name = "REF", required = true)]
    pub references: Vec<String>,
    /// The archive to write, or - for stdout (never a terminal)
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    pub output: PathBuf,
    /// Archive format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// The image to take from a multi-platform one (docker format only) [default: this host's]
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args, Debug)]
pub struct LoadArgs {
    /// The archive to read, or - for stdin: docker save output (any docker version), a
    /// docker-archive or oci-archive (skopeo), or ctr images export output; plain or gzipped
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    pub input: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}
