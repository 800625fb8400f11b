//! `regctl rmi REF…`: drop names from the store and the blobs no other name needs.

use crate::cli::RmiArgs;
use crate::digest::Digest;
use crate::reference::Reference;
use crate::store::{self, gc, Store};

/// What one argument of `rmi` names.
enum Target {
    Name(Reference),
    /// A manifest digest: every name for it, and an image no name reaches (as `images` shows
    /// `<none>`).
    Digest(Digest),
}

pub fn run(args: RmiArgs) -> anyhow::Result<()> {
    let store = Store::open(&Store::default_root(args.store.store.as_deref()))?;
    let targets: Vec<Target> = args
        .references
        .iter()
        .map(|r| match r.parse::<Digest>() {
            Ok(digest) if r.starts_with("sha256:") => Ok(Target::Digest(digest)),
            _ => Reference::parse(r).map(Target::Name),
        })
        .collect::<Result<_, _>>()?;
    let lock = store.lock()?;
    let mut index = store.index()?;
    // As docker's rmi: each name on its own, so one missing name does not keep the others;
    // --force says a missing one is fine.
    let mut removed = Vec::new();
    let mut missing = Vec::new();
    for target in targets {
        let (found, what) = match &target {
            Target::Name(reference) => {
                (index.remove(&reference.to_string()), reference.to_string())
            }
            Target::Digest(digest) => (index.remove_digest(digest), digest.to_string()),
        };
        if found {
            removed.push(target);
        } else {
            missing.push(what);
        }
    }
    if !removed.is_empty() {
        store.save_index(&index, &lock)?;
        let freed = gc::collect(&store, &lock)?;
        for target in &removed {
            match target {
                Target::Name(reference) => println!("Untagged: {reference}"),
                Target::Digest(digest) => println!("Deleted: {digest}"),
            }
        }
        eprintln!("freed {}", indicatif::HumanBytes(freed));
    }
    if !missing.is_empty() && !args.force {
        return Err(store::Error::ImageNotFound(missing.join(", ")).into());
    }
    Ok(())
}
