//! `regctl inspect REF`: the manifest (or `--config`), pretty JSON or `--raw` bytes.

use anyhow::Context;

use super::connection::connect;
use super::flags::platforms;
use crate::cli::InspectArgs;
use crate::manifest::Manifest;
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
        crate::registry::blobs::config(&client, repository, &manifest, &scopes).await?
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
