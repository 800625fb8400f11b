//! `regctl tag SOURCE TARGET`: a second name for the same image; nothing is copied.

use crate::cli::TagArgs;
use crate::reference::Reference;
use crate::store::index::Entry;
use crate::store::{self, Store};

pub fn run(args: TagArgs) -> anyhow::Result<()> {
    let source = Reference::parse(&args.source)?;
    let target = Reference::parse(&args.target)?;
    let store = Store::open(&Store::default_root(args.store.store.as_deref()))?;
    let lock = store.lock()?;
    let mut index = store.index()?;
    let entry = index
        .find(&source.to_string())
        .ok_or_else(|| store::Error::ImageNotFound(source.to_string()))?;
    index.set(&Entry {
        name: target.to_string(),
        ..entry
    });
    store.save_index(&index, &lock)?;
    Ok(())
}
