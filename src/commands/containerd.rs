//! `regctl containerd …`: configure containerd's registry access.

use crate::cli::containerd::{ContainerdArgs, ContainerdCommand};

pub async fn run(args: ContainerdArgs, _verbose: bool) -> anyhow::Result<()> {
    match args.command {}
}
