//! Removing blobs no image in `index.json` reaches any more (after `rmi`, or a name that moved).

use std::collections::HashSet;

use super::{Error, Lock, Store};
use crate::digest::Digest;
use crate::manifest::Kind;

/// Deletes unreachable blobs; returns how many bytes were freed. Runs under the store lock. A
/// pull in another process may hold blobs no name reaches yet; it checks them again under the
/// lock before it lists its image (`transfer::pull`), so collecting them costs it a re-fetch,
/// never a listed image with blobs missing. A push or a save reads without the store lock,
/// holding `Store::reading` instead: while one does, nothing is deleted.
pub fn collect(store: &Store, lock: &Lock) -> Result<u64, Error> {
    let Some(_no_readers) = store.no_readers()? else {
        eprintln!("note: another regctl is reading the store (a push or a save); blobs no image needs stay until a later rmi");
        return Ok(stale_partials(store));
    };
    let roots = store.index()?.roots();
    let Some(reachable) = closure(store, roots)? else {
        return Ok(stale_partials(store));
    };
    let mut unreachable = Vec::new();
    let dir = store.root().join("blobs/sha256");
    let entries = std::fs::read_dir(&dir).map_err(|source| Error::Io {
        path: dir.clone(),
        cause: source,
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Ok(digest) = format!("sha256:{name}").parse::<Digest>() {
            if !reachable.contains(&digest) {
                unreachable.push(digest);
            }
        }
    }
    let freed = remove(store, lock, &unreachable, &reachable)?;
    Ok(freed + stale_partials(store))
}

/// After a name moved to another image (a pull of a newer `latest`, a tag, a load): deletes
/// what only the image it named before needed, as containerd's garbage collection would. Only
/// that image's blobs are looked at, so a pull in another process loses nothing it is still
/// gathering unless that image shares it (and then it fetches it again, as with `collect`).
pub fn release(store: &Store, lock: &Lock, displaced: &Digest) -> Result<u64, Error> {
    // A push or a save may be reading them; they then wait for a later rmi.
    let Some(_no_readers) = store.no_readers()? else {
        return Ok(0);
    };
    let roots = store.index()?.roots();
    let (Some(reachable), Some(owned)) = (
        closure(store, roots)?,
        closure(store, vec![(displaced.clone(), String::new())])?,
    ) else {
        return Ok(0);
    };
    let orphans: Vec<Digest> = owned.difference(&reachable).cloned().collect();
    remove(store, lock, &orphans, &reachable)
}

/// Everything `roots` (manifest digests and media types) reach in the store: manifests,
/// configs, layers. `None` when a manifest that is there cannot be read (another tool's
/// artifact, say): it hides what it needs, so then nothing may be removed.
fn closure(store: &Store, roots: Vec<(Digest, String)>) -> Result<Option<HashSet<Digest>>, Error> {
    let mut reachable: HashSet<Digest> = HashSet::new();
    let mut pending: Vec<(Digest, Option<String>)> = roots
        .into_iter()
        .map(|(d, m)| (d, Some(m).filter(|m| !m.is_empty())))
        .collect();
    while let Some((digest, media_type)) = pending.pop() {
        // Children of a reduced-platform index may be absent: passed over.
        if !reachable.insert(digest.clone()) || !store.has_blob(&digest) {
            continue;
        }
        let Ok(manifest) = store.read_manifest(&digest, media_type.as_deref()) else {
            eprintln!("warning: {digest} in the store is not a manifest regctl can read; no blob is removed while it is there");
            return Ok(None);
        };
        match &manifest.kind {
            Kind::Index(_) => pending.extend(
                manifest
                    .entries()?
                    .into_iter()
                    .map(|(d, e)| (d, Some(e.media_type.clone()))),
            ),
            Kind::Image(_) => reachable.extend(manifest.blobs()?.into_iter().map(|b| b.digest)),
        }
    }
    Ok(Some(reachable))
}

/// Deletes `blobs` from the store and forgets where they came from; the bytes freed.
fn remove(
    store: &Store,
    lock: &Lock,
    blobs: &[Digest],
    reachable: &HashSet<Digest>,
) -> Result<u64, Error> {
    let mut freed = 0;
    for digest in blobs {
        let path = store.blob_path(digest);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        std::fs::remove_file(&path).map_err(|cause| Error::Io { path, cause })?;
        freed += meta.len();
    }
    let mut sources = super::sources::Sources::load(store);
    sources.retain(|d| d.parse::<Digest>().is_ok_and(|d| reachable.contains(&d)));
    sources.save(store, lock)?;
    Ok(freed)
}

/// A partial download waits for the next pull of its image to resume it; one nobody touched
/// for a week waits for nothing. Best effort: a pull writing one keeps it fresh.
fn stale_partials(store: &Store) -> u64 {
    const STALE: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);
    let Ok(entries) = std::fs::read_dir(store.private("ingest")) else {
        return 0;
    };
    let mut freed = 0;
    for entry in entries.flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age > STALE);
        if !meta.is_file() || !old {
            continue;
        }
        // A pull resuming it holds its lock (Ingest::open): then it is not abandoned.
        let Ok(file) = std::fs::File::open(entry.path()) else {
            continue;
        };
        if file.try_lock().is_ok() && std::fs::remove_file(entry.path()).is_ok() {
            freed += meta.len();
        }
    }
    freed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partials_untouched_for_a_week_go_and_fresh_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let ingest = store.private("ingest");
        let (old, fresh) = (ingest.join("old.partial"), ingest.join("fresh.partial"));
        std::fs::write(&old, b"abandoned").unwrap();
        std::fs::write(&fresh, b"downloading").unwrap();
        let month_ago =
            std::time::SystemTime::now() - std::time::Duration::from_secs(30 * 24 * 3600);
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(month_ago)
            .unwrap();
        let lock = store.lock().unwrap();
        assert_eq!(collect(&store, &lock).unwrap(), 9);
        assert!(!old.exists());
        assert!(fresh.exists());
    }
}
