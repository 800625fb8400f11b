//! `regctl inspect REF`: the manifest (or `--config`), pretty JSON or `--raw` bytes.

use anyhow::Context;

use super::connection::connect;
use super::flags::platforms;
use crate::cli::InspectArgs;
use crate::manifest::{Kind, Manifest};
use crate::platform::Platform;
use crate::reference::Reference;
use crate::registry::{manifests, Error};

pub async fn run(args: InspectArgs, verbose: bool) -> anyhow::Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let platform = platforms(&args.platform)?.pop();
    let client = connect(reference.registry(), &args.registry, verbose).await?;
    let repository = reference.repository();
    let scopes = [repository.scope("pull")];
    let mut manifest = manifests::get(
        &client,
        repository,
        &reference.manifest_reference(),
        &scopes,
    )
    .await?;
    // An index is shown as it is unless a platform (or the config, which only images have) is asked for.
    if manifest.is_index() && (platform.is_some() || args.config) {
        let want = platform.unwrap_or_else(Platform::host);
        let digest = child_for(&manifest, &want)?;
        manifest = manifests::get(&client, repository, &digest, &scopes).await?;
    }
    let bytes = if args.config {
        let Kind::Image(image) = &manifest.kind else {
            return Err(Error::Unsupported(format!(
                "{reference}: an index inside an index has no config"
            ))
            .into());
        };
        let blob = crate::manifest::Blob {
            digest: image.config.digest.parse()?,
            size: image.config.size.max(0) as u64,
            media_type: image.config.media_type.clone(),
        };
        let response = crate::registry::blobs::open(&client, repository, &blob, &scopes).await?;
        let bytes = response.bytes().await?.to_vec();
        if crate::digest::Digest::of(&bytes) != blob.digest {
            return Err(Error::DigestMismatch {
                what: format!("config of {reference}"),
                expected: blob.digest,
                actual: crate::digest::Digest::of(&bytes),
            }
            .into());
        }
        bytes
    } else {
        manifest.bytes.clone()
    };
    let shown = if args.raw {
        bytes
    } else {
        let value: serde_json::Value = serde_json::from_slice(&bytes)?;
        format!("{}\n", serde_json::to_string_pretty(&value)?).into_bytes()
    };
    crate::output::write_all(&shown).context("cannot write to stdout")?;
    Ok(())
}

/// The digest of `index`'s image for `want` (also `digest --platform`'s answer).
pub(super) fn child_for(index: &Manifest, want: &Platform) -> Result<String, Error> {
    index
        .entries()?
        .into_iter()
        .find(|(_, e)| {
            e.platform
                .as_ref()
                .is_some_and(|p| want.matches(&Platform::of(p)))
        })
        .map(|(d, _)| d.to_string())
        .ok_or_else(|| Error::NotFound(format!("no {want} image in {}", index.digest)))
}
