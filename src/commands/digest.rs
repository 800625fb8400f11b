//! `regctl digest REF`: one line, the digest; exit 4 when the reference does not exist, so a
//! script can branch on it.

use super::connection::connect;
use crate::cli::DigestArgs;
use crate::reference::Reference;
use crate::registry::manifests;

pub async fn run(args: DigestArgs, verbose: bool) -> anyhow::Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let client = connect(reference.registry(), &args.registry, verbose).await?;
    let scopes = [reference.repository().scope("pull")];
    let (digest, _) = manifests::resolve(
        &client,
        reference.repository(),
        &reference.manifest_reference(),
        &scopes,
    )
    .await?;
    println!("{digest}");
    Ok(())
}
