//! `regctl copy SOURCE TARGET`: prints the digest copied (one line per tag with --all-tags).

use super::connection::connect;
use super::flags::platforms;
use crate::cli::CopyArgs;
use crate::exit::UsageError;
use crate::reference::{Reference, Repository};
use crate::registry::lists;
use crate::transfer::copy::{copy, CopyOptions, Ends};

pub async fn run(args: CopyArgs, verbose: bool) -> anyhow::Result<()> {
    let platforms = match args.platform.is_empty() {
        true => None,
        false => Some(platforms(&args.platform)?),
    };
    let options = CopyOptions {
        platforms,
        concurrency: args.transfer.concurrency.into(),
        quiet: args.transfer.quiet,
    };
    // (source, target) pairs to copy, and the registries they live in.
    let pairs: Vec<(Reference, Reference)> = if args.all_tags {
        let from = Repository::parse(&args.source)?;
        let to = Repository::parse(&args.target)?;
        let client = connect(from.registry(), &args.registry, verbose).await?;
        let tags = lists::tags(&client, &from, None).await?;
        tags.iter()
            .map(|t| {
                Ok((
                    Reference::parse(&format!("{from}:{t}"))?,
                    Reference::parse(&format!("{to}:{t}"))?,
                ))
            })
            .collect::<anyhow::Result<_>>()?
    } else {
        vec![(
            Reference::parse(&args.source)?,
            Reference::parse(&args.target)?,
        )]
    };
    let Some((first_from, first_to)) = pairs.first() else {
        return Ok(());
    };
    let tls_flags = &args.registry;
    if first_from.registry() != first_to.registry()
        && (tls_flags.insecure
            || tls_flags.plain_http
            || tls_flags.ca_file.is_some()
            || tls_flags.cert_file.is_some())
    {
        // They would apply to both registries: --insecure for a private source would skip
        // verification of a public target too, and --plain-http would send its credential in
        // clear. Each registry keeps its own (certs.d, or what `login` remembered).
        return Err(UsageError(format!(
            "--insecure, --plain-http, --ca-file and --cert-file name one registry, and this copy talks to two ({} and {}); give each its settings with `regctl login REGISTRY …` (remembered) or its certs.d directory",
            first_from.registry(),
            first_to.registry()
        ))
        .into());
    }
    let source = connect(first_from.registry(), &args.registry, verbose).await?;
    let target = if first_from.registry() == first_to.registry() {
        None
    } else {
        Some(connect(first_to.registry(), &args.registry, verbose).await?)
    };
    let ends = Ends {
        source: &source,
        target: target.as_ref().unwrap_or(&source),
    };
    for (from, to) in &pairs {
        let digest = copy(&ends, from, to, &options).await?;
        if args.all_tags {
            println!("{to} {digest}");
        } else {
            println!("{digest}");
        }
    }
    Ok(())
}
