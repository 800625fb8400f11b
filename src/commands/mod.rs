//! One module per verb: each turns parsed arguments into library calls and prints the result.

mod catalog;
mod completion;
mod connection;
mod containerd;
mod copy;
mod delete;
mod digest;
mod flags;
mod images;
mod inspect;
mod load;
mod login;
mod logout;
mod pull;
mod push;
mod rmi;
mod save;
mod tag;
mod tags;

use crate::cli::{Cli, Command};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let verbose = cli.verbose;
    match cli.command {
        Command::Login(args) => login::run(args, verbose).await,
        Command::Logout(args) => logout::run(args),
        Command::Pull(args) => pull::run(args, verbose).await,
        Command::Push(args) => push::run(args, verbose).await,
        Command::Tag(args) => tag::run(args),
        Command::Images(args) => images::run(args),
        Command::Rmi(args) => rmi::run(args),
        Command::Copy(args) => copy::run(args, verbose).await,
        Command::Inspect(args) => inspect::run(args, verbose).await,
        Command::Digest(args) => digest::run(args, verbose).await,
        Command::Tags(args) => tags::run(args, verbose).await,
        Command::Catalog(args) => catalog::run(args, verbose).await,
        Command::Delete(args) => delete::run(args, verbose).await,
        Command::Save(args) => save::run(args),
        Command::Load(args) => load::run(args),
        Command::Containerd(args) => containerd::run(args, verbose).await,
        Command::Completion { shell } => completion::run(shell),
    }
}
