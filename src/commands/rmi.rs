//! `regctl rmi REF…`: drop names from the store and the blobs no other name needs.

use crate::cli::RmiArgs;
use crate::reference::Reference;
use crate::store::{self, gc, Store};

pub fn run(args: RmiArgs) -> anyhow::Result<()> {
    let store = Store::open(&Store::default_root(args.store.store.as_deref()))?;
    let references: Vec<Reference> = args
        .references
        .iter()
        .map(|r| Reference::parse(r))
        .collect::<Result<_, _>>()?;
    let lock = store.lock()?;
    let mut index = store.index()?;
    for reference in &references {
        if !index.remove(&reference.to_string()) {
            return Err(store::Error::ImageNotFound(reference.to_string()).into());
        }
    }
    store.save_index(&index, &lock)?;
    let freed = gc::collect(&store, &lock)?;
    for reference in &references {
        println!("Untagged: {reference}");
    }
    eprintln!("freed {}", indicatif::HumanBytes(freed));
    Ok(())
}
