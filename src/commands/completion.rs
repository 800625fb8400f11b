//! `regctl completion SHELL`: the same scripts as in completions/, for installing by hand.

use anyhow::Context;
use clap::CommandFactory;

use crate::cli::Cli;

pub fn run(shell: clap_complete::Shell) -> anyhow::Result<()> {
    let mut command = Cli::command();
    // Into memory first: clap_complete panics on a failed write.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "regctl", &mut script);
    crate::output::write_all(&script).context("cannot write to stdout")?;
    Ok(())
}
