//! `regctl completion SHELL`: the same scripts as in completions/, for installing by hand.

use clap::CommandFactory;

use crate::cli::Cli;

pub fn run(shell: clap_complete::Shell) -> anyhow::Result<()> {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "regctl", &mut std::io::stdout());
    Ok(())
}
