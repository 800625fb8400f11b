//! `regctl digest REF`: one line, the digest; exit 4 when the reference does not exist, so a
//! script can branch on it.

use super::connection::connect;
use super::flags::platforms;
use super::inspect::child_for;
use crate::cli::DigestArgs;
use crate::reference::Reference;
use crate::registry::manifests;

pub async fn run(args: DigestArgs, verbose: bool) -> anyhow::Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let platform = platforms(&args.platform)?.pop();
    let client = connect(reference.registry(), &args.registry, verbose).await?;
    let scopes = [reference.repository().scope("pull")];
    let Some(platform) = platform else {
        let (digest, _) = manifests::resolve(
            &client,
            reference.repository(),
            &reference.manifest_reference(),
            &scopes,
        )
        .await?;
        println!("{digest}");
        return Ok(());
    };
    // As crane: the platform's image in an index; a single image is its own answer.
    let manifest = manifests::get(
        &client,
        reference.repository(),
        &reference.manifest_reference(),
        &scopes,
    )
    .await?;
    if manifest.is_index() {
        println!("{}", child_for(&manifest, &platform)?);
    } else {
        println!("{}", manifest.digest);
    }
    Ok(())
}
