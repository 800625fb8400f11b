//! `regctl save REF… -o FILE`: images from the store into a docker-archive or oci-archive.

use std::io::IsTerminal;

use super::flags::platforms;
use crate::cli::archive::SaveArgs;
use crate::exit::UsageError;
use crate::reference::Reference;
use crate::store::archive::{save, Format, SaveOptions, Target};
use crate::store::Store;

pub fn run(args: SaveArgs) -> anyhow::Result<()> {
    let references: Vec<Reference> = args
        .references
        .iter()
        .map(|r| Reference::parse(r))
        .collect::<Result<_, _>>()?;
    let platform = platforms(&args.platform)?.pop();
    if platform.is_some() && args.format == Format::Oci {
        return Err(UsageError(
            "--platform picks one image for a docker archive; an OCI archive keeps every platform the store has".into(),
        )
        .into());
    }
    let target = Target::new(args.output);
    if matches!(target, Target::Std) && std::io::stdout().is_terminal() {
        return Err(UsageError(
            "refusing to write an archive to a terminal: redirect stdout or give -o FILE".into(),
        )
        .into());
    }
    let store = Store::open(&Store::default_root(args.store.store.as_deref()))?;
    let options = SaveOptions {
        format: args.format,
        platform,
    };
    for reduced in save(&store, &references, &options, &target)? {
        eprintln!(
            "WARNING! {}: saved as a reduced-platform index ({} of {} platforms are in the store; pull with --all-platforms to save the original index with its digest)",
            reduced.reference, reduced.present, reduced.total
        );
    }
    Ok(())
}
