//! `regctl tags REPOSITORY`: one tag per line, or JSON.

use super::connection::connect;
use crate::cli::{OutputFormat, TagsArgs};
use crate::reference::Repository;
use crate::registry::lists;

pub async fn run(args: TagsArgs, verbose: bool) -> anyhow::Result<()> {
    let repository = Repository::parse(&args.repository)?;
    let client = connect(repository.registry(), &args.registry, verbose).await?;
    let tags = lists::tags(&client, &repository, args.page_size).await?;
    match args.format {
        OutputFormat::Text => {
            for tag in tags {
                println!("{tag}");
            }
        }
        OutputFormat::Json => {
            let doc = serde_json::json!({ "repository": repository.to_string(), "tags": tags });
            println!("{doc}");
        }
    }
    Ok(())
}
