//! `regctl load -i FILE`: a docker-archive or oci-archive into the store; one line per image.

use std::io::IsTerminal;

use crate::cli::archive::LoadArgs;
use crate::exit::UsageError;
use crate::store::archive::{load, Target};
use crate::store::Store;

pub fn run(args: LoadArgs) -> anyhow::Result<()> {
    let target = Target::new(args.input);
    if matches!(target, Target::Std) && std::io::stdin().is_terminal() {
        return Err(UsageError(
            "refusing to read an archive from a terminal: redirect stdin or give -i FILE".into(),
        )
        .into());
    }
    let store = Store::open(&Store::default_root(args.store.store.as_deref()))?;
    for image in load(&store, &target)? {
        if image.names.is_empty() {
            println!("Loaded image ID: {}", image.digest);
        }
        for name in &image.names {
            println!("Loaded image: {name}");
        }
    }
    Ok(())
}
