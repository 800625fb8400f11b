//! `regctl containerd …`: the command-line half of the containerd configurator.

use clap::{Args, Subcommand};

#[derive(Args, Debug)]
pub struct ContainerdArgs {
    #[command(subcommand)]
    pub command: ContainerdCommand,
}

#[derive(Subcommand, Debug)]
pub enum ContainerdCommand {}
