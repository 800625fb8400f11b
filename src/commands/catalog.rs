//! `regctl catalog REGISTRY`: the registry's repositories, one per line, or JSON.

use super::connection::connect;
use crate::cli::{CatalogArgs, OutputFormat};
use crate::reference::Registry;
use crate::registry::{lists, Error};

pub async fn run(args: CatalogArgs, verbose: bool) -> anyhow::Result<()> {
    let registry = Registry::parse(&args.server)?;
    let client = connect(&registry, &args.registry, verbose).await?;
    let repositories = match lists::catalog(&client, args.page_size).await {
        // Without a credential, the error's own advice (log in) is the one that helps.
        Err(Error::Auth(e)) if client.session().credential().is_some() => {
            return Err(anyhow::Error::new(e).context(
                "listing the catalog needs registry:catalog:* (on Harbor, only system administrators have it; list a project's repositories in Harbor's UI or API instead)",
            ))
        }
        other => other?,
    };
    match args.format {
        OutputFormat::Text => {
            for repository in repositories {
                println!("{repository}");
            }
        }
        OutputFormat::Json => {
            let doc = serde_json::json!({ "registry": registry.to_string(), "repositories": repositories });
            println!("{doc}");
        }
    }
    Ok(())
}
