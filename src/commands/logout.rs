//! `regctl logout`: remove a registry's credential from every store that holds it.

use crate::auth::credentials::Credentials;
use crate::cli::LogoutArgs;
use crate::config::Config;
use crate::reference::Registry;

pub fn run(args: LogoutArgs) -> anyhow::Result<()> {
    let registry = Registry::parse(&args.server)?;
    let mut config = Config::load()?;
    let mut credentials = Credentials::open(args.auth_file.as_deref())?;
    let erased = credentials.erase(&mut config, &registry);
    config.save()?;
    for location in &erased.removed {
        println!("Removing login credentials for {registry} from {location}");
    }
    // As docker's logout: a store out of reach (a helper that is not installed, a keyring
    // over ssh) is a warning, not a failure a cleanup script would stop on.
    for e in &erased.failed {
        eprintln!("warning: could not erase the credential for {registry} there: {e}");
    }
    if erased.removed.is_empty() && erased.failed.is_empty() {
        println!("Not logged in to {registry}");
    }
    if let Some(path) = credentials.held_elsewhere(&registry) {
        eprintln!(
            "note: {} still holds a credential for {registry}, which regctl reads but leaves to the tool that wrote it",
            path.display()
        );
    }
    Ok(())
}
