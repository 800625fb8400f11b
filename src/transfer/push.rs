//! `push`: what the store holds for a name, to the registry. Blobs the registry has are
//! skipped, blobs another repository of the same registry has are mounted, the rest uploaded;
//! manifests go last, so the registry never lists an image whose blobs are not all there.

use std::collections::BTreeSet;

use crate::auth;
use crate::digest::Digest;
use crate::manifest::Manifest;
use crate::progress::{short, Progress};
use crate::reference::Reference;
use crate::registry::blobs::{self, Mount};
use crate::registry::{manifests, Client, Error};
use crate::store::sources::Sources;
use crate::store::{self, Store};

pub struct PushOptions {
    pub concurrency: usize,
    pub chunk_size: Option<u64>,
    pub quiet: bool,
}

/// What a push sends for one name in the store.
pub struct Plan {
    /// The manifest the tag will point at (an index, possibly reduced, or an image).
    pub top: Manifest,
    /// The image manifests whose blobs go first.
    pub images: Vec<Manifest>,
    /// Some((present, total)) when only some platforms of an index are in the store.
    pub reduced: Option<(usize, usize)>,
}

/// The manifests to push for `source` (a name in the store).
pub fn plan(store: &Store, source: &Reference) -> Result<Plan, store::Error> {
    let entry = store
        .index()?
        .find(&source.to_string())
        .ok_or_else(|| store::Error::ImageNotFound(source.to_string()))?;
    let top = store.read_manifest(&entry.digest, Some(&entry.media_type))?;
    if !top.is_index() {
        return Ok(Plan {
            top: top.clone(),
            images: vec![top],
            reduced: None,
        });
    }
    let entries = top.entries()?;
    let mut children = Vec::new();
    for (digest, entry) in &entries {
        if store.has_blob(digest) {
            children.push(store.read_manifest(digest, Some(&entry.media_type))?);
        }
    }
    if children.is_empty() {
        return Err(store::Error::MissingBlob(entries[0].0.clone()));
    }
    // Only some platforms were pulled: push an index of those (nerdctl's "reduced-platform").
    let reduced = (children.len() < entries.len()).then_some((children.len(), entries.len()));
    let top = top.narrowed(|digest, _| store.has_blob(digest))?;
    Ok(Plan {
        top,
        images: children,
        reduced,
    })
}

pub async fn push(
    client: &Client,
    store: &Store,
    source: &Reference,
    target: &Reference,
    options: &PushOptions,
) -> Result<Digest, Error> {
    // Before the plan: the blobs it names must stay while they are read.
    let _reading = store.reading()?;
    let Plan { top, images, .. } = plan(store, source)?;
    // Before a byte goes out: a target naming another digest is a mistake, not a push.
    let put_as = target.manifest_reference_for(&top.digest)?;
    let repository = target.repository();
    let mut needed = Vec::new();
    for image in &images {
        needed.extend(image.blobs()?);
    }
    let needed = super::distinct(needed);
    for blob in &needed {
        if !store.has_blob(&blob.digest) {
            return Err(store::Error::MissingBlob(blob.digest.clone()).into());
        }
    }
    // One scope set for the whole command, so one token: push here, pull where we mount from.
    let sources = Sources::load(store);
    let mut scope_set = BTreeSet::from([repository.scope("pull,push")]);
    for blob in &needed {
        for home in sources
            .homes_in(&blob.digest, repository)
            .into_iter()
            .take(1)
        {
            scope_set.insert(format!("repository:{home}:pull"));
        }
    }
    let mut scopes: Vec<String> = scope_set.into_iter().collect();
    // Some token services refuse a whole scope set over one scope the user may not have (GHCR
    // and Artifact Registry answer 403): a mount source this user cannot read must not fail
    // the push. Mounting is a shortcut; without it the blobs are uploaded.
    let mut mount = true;
    if scopes.len() > 1 {
        let session = client.session();
        if let Err(auth::Error::Denied { .. } | auth::Error::Unauthorized { .. }) =
            session.authorization(client.transport(), &scopes).await
        {
            scopes = vec![repository.scope("pull,push")];
            mount = false;
        }
    }

    let progress = Progress::new(options.quiet, needed.iter().map(|b| b.size).sum());
    super::for_each_blob(needed, options.concurrency, |blob| {
        let progress = progress.clone();
        let (scopes, sources) = (&scopes, &sources);
        async move {
            let bar = progress.blob(&short(&blob.digest), blob.size);
            if blobs::exists(client, repository, &blob, scopes).await? {
                bar.done("exists");
                return Ok(());
            }
            let mut session = None;
            let home = sources
                .homes_in(&blob.digest, repository)
                .into_iter()
                .next();
            if let Some(home) = home.filter(|_| mount) {
                match blobs::mount(client, repository, &blob, &home, scopes).await? {
                    Mount::Mounted => {
                        bar.done(&format!("mounted from {home}"));
                        return Ok(());
                    }
                    Mount::Upload(url) => session = Some(url),
                    Mount::Refused => {}
                }
            }
            let path = store.blob_path(&blob.digest);
            blobs::upload(
                client,
                repository,
                &blob,
                blobs::Upload {
                    path: &path,
                    session,
                    chunk_size: options.chunk_size,
                },
                scopes,
                &bar,
            )
            .await?;
            bar.done("pushed");
            Ok::<(), Error>(())
        }
    })
    .await?;
    progress.finish();

    if top.is_index() {
        for image in &images {
            manifests::put(
                client,
                repository,
                &image.digest.to_string(),
                image,
                &scopes,
            )
            .await?;
        }
    }
    manifests::put(client, repository, &put_as, &top, &scopes).await?;
    Ok(top.digest)
}
