//! `regctl tag SOURCE TARGET`: a second name for the same image; nothing is copied. SOURCE may
//! also be a digest (`sha256:…`), which names images `load` found without a name.

use crate::cli::TagArgs;
use crate::digest::Digest;
use crate::exit::UsageError;
use crate::reference::Reference;
use crate::store::index::Entry;
use crate::store::{self, Store};

pub fn run(args: TagArgs) -> anyhow::Result<()> {
    let target = Reference::parse(&args.target)?;
    if target.digest().is_some() {
        // As docker: a digest is what an image is, not a name to give it.
        return Err(UsageError(format!(
            "refusing to create a tag with a digest reference: {target}"
        ))
        .into());
    }
    let store = Store::open(&Store::default_root(args.store.store.as_deref()))?;
    let lock = store.lock()?;
    let mut index = store.index()?;
    let entry = match args.source.parse::<Digest>() {
        Ok(digest) => index.find_digest(&digest).map(|(media_type, size)| Entry {
            name: target.to_string(),
            digest,
            media_type,
            size,
        }),
        Err(_) => {
            let source = Reference::parse(&args.source)?;
            index.find(&source.to_string()).map(|found| Entry {
                name: target.to_string(),
                ..found
            })
        }
    }
    .ok_or_else(|| store::Error::ImageNotFound(args.source.clone()))?;
    let displaced = index.set(&entry);
    store.save_index(&index, &lock)?;
    for image in &displaced {
        store::gc::release(&store, &lock, image)?;
    }
    Ok(())
}
