//! `regctl pull REF`: prints the pulled digest on stdout.

use super::connection::connect;
use super::flags::platforms;
use crate::cli::PullArgs;
use crate::reference::Reference;
use crate::store::Store;
use crate::transfer::pull::{pull, Platforms, PullOptions};

pub async fn run(args: PullArgs, verbose: bool) -> anyhow::Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let platforms = if args.all_platforms {
        Platforms::All
    } else if args.platform.is_empty() {
        Platforms::Host
    } else {
        Platforms::These(platforms(&args.platform)?)
    };
    let store = Store::open(&Store::default_root(args.store.store.as_deref()))?;
    let client = connect(reference.registry(), &args.registry, verbose).await?;
    let options = PullOptions {
        platforms,
        concurrency: args.transfer.concurrency.into(),
        quiet: args.transfer.quiet,
    };
    let digest = pull(&client, &store, &reference, &options).await?;
    println!("{digest}");
    Ok(())
}
