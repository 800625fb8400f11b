//! `pull`: the manifest (and the chosen platforms' manifests) from the registry, every missing
//! blob streamed into the store and verified, then the name added to `index.json`.

use crate::digest::Digest;
use crate::manifest::{Kind, Manifest};
use crate::platform::Platform;
use crate::progress::{short, Progress};
use crate::reference::Reference;
use crate::registry::{blobs, manifests, Client, Error};
use crate::store::index::Entry;
use crate::store::sources::Sources;
use crate::store::{self, Store};

#[derive(Debug, Clone)]
pub enum Platforms {
    /// The host's platform.
    Host,
    These(Vec<Platform>),
    All,
}

pub struct PullOptions {
    pub platforms: Platforms,
    pub concurrency: usize,
    pub quiet: bool,
}

pub async fn pull(
    client: &Client,
    store: &Store,
    reference: &Reference,
    options: &PullOptions,
) -> Result<Digest, Error> {
    let repository = reference.repository();
    let scopes = [repository.scope("pull")];
    let top = manifests::get(client, repository, &reference.manifest_reference(), &scopes).await?;
    let images = match &top.kind {
        Kind::Image(_) => {
            if let Platforms::These(wanted) = &options.platforms {
                let config = single_image_is(client, reference, &top, wanted).await?;
                // Read and checked already: kept, so it is not fetched again below.
                store.put_blob(&config)?;
            }
            vec![top.clone()]
        }
        Kind::Index(_) => {
            let chosen = choose(&top, &options.platforms)?;
            manifests::images_of(client, repository, chosen, &scopes).await?
        }
    };
    let mut needed = Vec::new();
    for image in &images {
        needed.extend(image.blobs()?);
    }
    let needed = super::distinct(needed);
    let mut missing: Vec<_> = needed
        .iter()
        .filter(|b| !store.has_blob(&b.digest))
        .cloned()
        .collect();
    let progress = Progress::new(options.quiet, missing.iter().map(|b| b.size).sum());
    for blob in needed.iter().filter(|b| store.has_blob(&b.digest)) {
        progress
            .blob(&short(&blob.digest), blob.size)
            .done("exists");
    }
    let mut round = 0;
    loop {
        round += 1;
        fetch(
            client,
            store,
            reference,
            missing,
            options.concurrency,
            &progress,
        )
        .await?;
        // Manifests last: an image is listed only once everything it needs is in place.
        for image in &images {
            store.put_blob(&image.bytes)?;
        }
        store.put_blob(&top.bytes)?;
        let lock = store.lock()?;
        // Checked again under the lock: a `rmi` in another process collects unreferenced
        // blobs under it, and this image's (those it found in the store, those it just
        // stored) were unreferenced until the index names it.
        missing = needed
            .iter()
            .filter(|b| !store.has_blob(&b.digest))
            .cloned()
            .collect();
        let manifests_there = images
            .iter()
            .chain([&top])
            .all(|m| store.has_blob(&m.digest));
        if missing.is_empty() && manifests_there {
            let mut index = store.index()?;
            let displaced = index.set(&Entry {
                name: reference.to_string(),
                digest: top.digest.clone(),
                media_type: top.media_type.clone(),
                size: top.bytes.len() as u64,
            });
            store.save_index(&index, &lock)?;
            for image in &displaced {
                store::gc::release(store, &lock, image)?;
            }
            let mut sources = Sources::load(store);
            for blob in &needed {
                sources.add(&blob.digest, repository);
            }
            sources.save(store, &lock)?;
            progress.finish();
            return Ok(top.digest);
        }
        if round == 3 {
            let gone = missing.first().map_or(&top.digest, |b| &b.digest);
            return Err(store::Error::MissingBlob(gone.clone()).into());
        }
    }
}

/// A reference to one image, not an index, pulled for `wanted` platforms: it must be one of
/// them, as containerd and docker insist, rather than another platform's image stored quietly.
/// Its config, which says the platform, comes back (checked against its digest).
async fn single_image_is(
    client: &Client,
    reference: &Reference,
    image: &Manifest,
    wanted: &[Platform],
) -> Result<Vec<u8>, Error> {
    let scopes = [reference.repository().scope("pull")];
    let config = blobs::config(client, reference.repository(), image, &scopes).await?;
    let field = |name: &str| {
        serde_json::from_slice::<serde_json::Value>(&config)
            .ok()
            .and_then(|c| c.get(name)?.as_str().map(str::to_string))
    };
    let actual = Platform {
        os: field("os").unwrap_or_default(),
        architecture: field("architecture").unwrap_or_default(),
        variant: field("variant").filter(|v| !v.is_empty()),
    };
    // An artifact's config (a Helm chart's) names no platform: nothing to hold it to.
    if actual.architecture.is_empty() || wanted.iter().any(|want| want.matches(&actual)) {
        return Ok(config);
    }
    let wanted: Vec<String> = wanted.iter().map(ToString::to_string).collect();
    Err(Error::NotFound(format!(
        "{reference} is a single {actual} image, not {}",
        wanted.join(" or ")
    )))
}

/// Streams `missing` blobs into the store, verified, `concurrency` at once.
async fn fetch(
    client: &Client,
    store: &Store,
    reference: &Reference,
    missing: Vec<crate::manifest::Blob>,
    concurrency: usize,
    progress: &Progress,
) -> Result<(), Error> {
    let repository = reference.repository();
    let scopes = [repository.scope("pull")];
    super::for_each_blob(missing, concurrency, |blob| {
        let progress = progress.clone();
        let scopes = &scopes;
        async move {
            let ingest = store.ingest(&blob.digest, blob.size)?;
            let bar = progress.blob(&short(&blob.digest), blob.size);
            if ingest.already_stored() {
                bar.done("exists");
                return Ok(());
            }
            let ingest = blobs::fetch(client, repository, &blob, ingest, scopes, &bar).await?;
            // fsync and rename block: off the async workers, so other blobs keep streaming.
            tokio::task::spawn_blocking(move || ingest.commit())
                .await
                .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))?;
            bar.done("pulled");
            Ok::<(), Error>(())
        }
    })
    .await
}

/// The index entries to pull.
fn choose(index: &Manifest, platforms: &Platforms) -> Result<Vec<Digest>, Error> {
    let entries = index.entries()?;
    let platform_of =
        |e: &oci_client::manifest::ImageIndexEntry| e.platform.as_ref().map(Platform::of);
    let wanted: Vec<Platform> = match platforms {
        Platforms::All => return Ok(entries.into_iter().map(|(d, _)| d).collect()),
        Platforms::Host => vec![Platform::host()],
        Platforms::These(list) => list.clone(),
    };
    wanted
        .iter()
        .map(|want| {
            entries
                .iter()
                .find(|(_, e)| platform_of(e).is_some_and(|p| want.matches(&p)))
                .map(|(d, _)| d.clone())
                .ok_or_else(|| {
                    let available: Vec<String> = entries
                        .iter()
                        .filter_map(|(_, e)| platform_of(e).map(|p| p.to_string()))
                        .collect();
                    Error::NotFound(format!(
                        "no {want} image in {} (it has: {})",
                        index.digest,
                        available.join(", ")
                    ))
                })
        })
        .collect()
}
