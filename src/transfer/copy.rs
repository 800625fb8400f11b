//! `copy`: registry to registry with nothing written to disk. Within a repository it is a
//! retag (the manifest is put under the new tag); within a registry, blobs are mounted; across
//! registries they stream from source to target through a bounded buffer, hashed on the way.
//! Manifests go last, so the target never lists an image whose blobs are not all there.

use futures_util::StreamExt;

use crate::digest::{Digest, Hasher};
use crate::manifest::{Blob, Manifest};
use crate::platform::Platform;
use crate::progress::{short, BlobProgress, Progress};
use crate::reference::Reference;
use crate::registry::blobs::{self, Mount};
use crate::registry::stall::Taken;
use crate::registry::{manifests, Client, Error};
use crate::transport::{retry, Transport};

pub struct CopyOptions {
    /// Narrow an index to these platforms; `None` copies it whole (digest preserved).
    pub platforms: Option<Vec<Platform>>,
    pub concurrency: usize,
    pub quiet: bool,
}

/// The two ends. For one registry both are the same client, so one token covers both.
pub struct Ends<'a> {
    pub source: &'a Client,
    pub target: &'a Client,
}

pub async fn copy(
    ends: &Ends<'_>,
    from: &Reference,
    to: &Reference,
    options: &CopyOptions,
) -> Result<Digest, Error> {
    let same_registry = from.registry() == to.registry();
    let same_repository = same_registry && from.repository() == to.repository();
    let (source_scopes, target_scopes) = if same_repository {
        let both = vec![to.repository().scope("pull,push")];
        (both.clone(), both)
    } else if same_registry {
        let both = vec![
            from.repository().scope("pull"),
            to.repository().scope("pull,push"),
        ];
        (both.clone(), both)
    } else {
        (
            vec![from.repository().scope("pull")],
            vec![to.repository().scope("pull,push")],
        )
    };
    let source_repo = from.repository();
    let target_repo = to.repository();
    let top = manifests::get(
        ends.source,
        source_repo,
        &from.manifest_reference(),
        &source_scopes,
    )
    .await?;
    if same_repository && options.platforms.is_none() {
        // A retag: the same bytes under another name, no blob touched.
        manifests::put(
            ends.target,
            target_repo,
            &to.manifest_reference_for(&top.digest)?,
            &top,
            &target_scopes,
        )
        .await?;
        return Ok(top.digest);
    }
    let wanted_entry = |entry: &oci_client::manifest::ImageIndexEntry, wanted: &[Platform]| {
        entry
            .platform
            .as_ref()
            .is_some_and(|p| wanted.iter().any(|w| w.matches(&Platform::of(p))))
    };
    let top = match &options.platforms {
        // One platform: that platform's image itself, as crane and skopeo copy it; its digest
        // is the one the source's index names.
        Some(wanted) if wanted.len() == 1 && top.is_index() => {
            let Some((digest, _)) = top
                .entries()?
                .into_iter()
                .find(|(_, e)| wanted_entry(e, wanted))
            else {
                return Err(Error::NotFound(format!("no {} image in {from}", wanted[0])));
            };
            manifests::get(
                ends.source,
                source_repo,
                &digest.to_string(),
                &source_scopes,
            )
            .await?
        }
        Some(wanted) => top.narrowed(|_, entry| wanted_entry(entry, wanted))?,
        None => top,
    };
    // Before a byte goes out: a target naming another digest is a mistake, not a copy.
    to.manifest_reference_for(&top.digest)?;
    let mut images = Vec::new();
    if top.is_index() {
        if top.entries()?.is_empty() {
            return Err(Error::NotFound(format!(
                "no image of the requested platforms in {from}"
            )));
        }
        let digests = top.entries()?.into_iter().map(|(d, _)| d);
        images = manifests::images_of(ends.source, source_repo, digests, &source_scopes).await?;
    } else {
        images.push(top.clone());
    }
    let mut needed = Vec::new();
    for image in &images {
        needed.extend(image.blobs()?);
    }
    let needed = super::distinct(needed);
    let progress = Progress::new(options.quiet, needed.iter().map(|b| b.size).sum());
    super::for_each_blob(needed, options.concurrency, |blob| {
        let progress = progress.clone();
        let (source_scopes, target_scopes) = (&source_scopes, &target_scopes);
        async move {
            let bar = progress.blob(&short(&blob.digest), blob.size);
            if blobs::exists(ends.target, target_repo, &blob, target_scopes).await? {
                bar.done("exists");
                return Ok(());
            }
            let mut session = None;
            if same_registry {
                match blobs::mount(
                    ends.target,
                    target_repo,
                    &blob,
                    source_repo.path(),
                    target_scopes,
                )
                .await?
                {
                    Mount::Mounted => {
                        bar.done(&format!("mounted from {}", source_repo.path()));
                        return Ok(());
                    }
                    Mount::Upload(opened) => session = Some(opened.url),
                    Mount::Refused => {}
                }
            }
            stream_blob(
                ends,
                from,
                to,
                &blob,
                session,
                (source_scopes, target_scopes),
                &bar,
            )
            .await?;
            bar.done("copied");
            Ok::<(), Error>(())
        }
    })
    .await?;
    progress.finish();
    put_manifests(ends.target, to, &top, &images, &target_scopes).await?;
    Ok(top.digest)
}

/// Children by digest first, then the top under the target's tag.
async fn put_manifests(
    target: &Client,
    to: &Reference,
    top: &Manifest,
    images: &[Manifest],
    scopes: &[String],
) -> Result<(), Error> {
    if top.is_index() {
        for image in images {
            manifests::put(
                target,
                to.repository(),
                &image.digest.to_string(),
                image,
                scopes,
            )
            .await?;
        }
    }
    manifests::put(
        target,
        to.repository(),
        &to.manifest_reference_for(&top.digest)?,
        top,
        scopes,
    )
    .await
}

/// Streams one blob from source to target. A connection lost on either side, or a 5xx or 429
/// from the target, starts the blob over in a new session (a stream cannot be rewound), within
/// the retry budget.
async fn stream_blob(
    ends: &Ends<'_>,
    from: &Reference,
    to: &Reference,
    blob: &Blob,
    mut session: Option<reqwest::Url>,
    (source_scopes, target_scopes): (&[String], &[String]),
    progress: &BlobProgress,
) -> Result<(), Error> {
    let mut attempt = 0;
    loop {
        progress.rewind(0);
        let response = blobs::open(ends.source, from.repository(), blob, source_scopes).await?;
        let taken = Taken::default();
        let body = verified(response, blob.clone(), progress.clone(), taken.clone());
        let result = blobs::put_stream(
            ends.target,
            to.repository(),
            blob,
            session.take(),
            (reqwest::Body::wrap_stream(body), &taken),
            target_scopes,
        )
        .await;
        let again = match &result {
            Err(Error::Transport(e)) => Transport::is_transient(e),
            Err(Error::Unexpected { status, .. }) => {
                reqwest::StatusCode::from_u16(*status).is_ok_and(retry::retryable_status)
            }
            _ => false,
        };
        if !again || attempt + 1 >= retry::ATTEMPTS {
            return result;
        }
        tokio::time::sleep(retry::delay(attempt, None)).await;
        attempt += 1;
        // The registry may have committed the blob before its answer was lost.
        if blobs::exists(ends.target, to.repository(), blob, target_scopes).await? {
            return Ok(());
        }
    }
}

/// The source's bytes, hashed as they pass; the stream fails at its end if they are not what
/// the digest promises, so the upload is abandoned rather than completed with wrong content.
fn verified(
    response: reqwest::Response,
    blob: Blob,
    progress: BlobProgress,
    taken: Taken,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Send + 'static {
    let mut hasher = Hasher::default();
    response.bytes_stream().map(move |item| {
        let bytes = item.map_err(std::io::Error::other)?;
        hasher.update(&bytes);
        progress.advance(bytes.len() as u64);
        taken.add(bytes.len() as u64);
        let complete = hasher.len() == blob.size;
        if hasher.len() > blob.size || (complete && hasher.clone().finish() != blob.digest) {
            return Err(std::io::Error::other(format!(
                "{} arrived with other content than its digest",
                blob.digest
            )));
        }
        Ok(bytes)
    })
}
