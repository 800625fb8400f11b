//! `regctl push REF`: prints the pushed digest on stdout.

use super::connection::connect;
use crate::cli::PushArgs;
use crate::reference::Reference;
use crate::store::Store;
use crate::transfer::push::{push, PushOptions};

pub async fn run(args: PushArgs, verbose: bool) -> anyhow::Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let store = Store::open(&Store::default_root(args.store.store.as_deref()))?;
    // Before any network: a name the store does not have is exit 4 with nothing sent.
    let plan = crate::transfer::push::plan(&store, &reference)?;
    // Said before the tag moves, not after: the other platforms go from it on the registry.
    if let Some((present, total)) = plan.reduced {
        eprintln!(
            "WARNING! pushing a reduced-platform index ({present} of {total} platforms are in the store; pull with --all-platforms to push the original index with its digest)"
        );
    }
    let client = connect(reference.registry(), &args.registry, verbose).await?;
    let options = PushOptions {
        concurrency: args.transfer.concurrency.into(),
        chunk_size: args.chunk_size,
        quiet: args.transfer.quiet,
    };
    let digest = push(&client, &store, &reference, &reference, &options).await?;
    println!("{digest}");
    Ok(())
}
