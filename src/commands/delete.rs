//! `regctl delete REF`: deletes the manifest a reference points at (every tag on it goes too,
//! which is how the registry API works; hence the confirmation at a terminal).

use std::io::{BufRead, IsTerminal};

use reqwest::Method;

use super::connection::connect;
use crate::cli::DeleteArgs;
use crate::reference::Reference;
use crate::registry::manifests::{self, check_status};

pub async fn run(args: DeleteArgs, verbose: bool) -> anyhow::Result<()> {
    let reference = Reference::parse(&args.reference)?;
    let client = connect(reference.registry(), &args.registry, verbose).await?;
    let repository = reference.repository();
    let scopes = [repository.scope("pull,delete")];
    let (digest, _) = manifests::resolve(
        &client,
        repository,
        &reference.manifest_reference(),
        &scopes,
    )
    .await?;
    if !args.yes && std::io::stdin().is_terminal() {
        eprint!("Delete {repository}@{digest} and every tag pointing at it? [y/N] ");
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            anyhow::bail!("not deleted");
        }
    }
    let url = client
        .transport()
        .url(&format!("v2/{}/manifests/{digest}", repository.path()));
    let response = client
        .send(&scopes, |t| t.request(Method::DELETE, url.clone()))
        .await?;
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    check_status(status, &body, || format!("deleting {repository}@{digest}"))?;
    println!("Deleted: {repository}@{digest}");
    Ok(())
}
