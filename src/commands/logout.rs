//! `regctl logout`: remove a registry's credential from every store that holds it.

use crate::auth::credentials::Credentials;
use crate::cli::LogoutArgs;
use crate::config::Config;
use crate::reference::Registry;

pub fn run(args: LogoutArgs) -> anyhow::Result<()> {
    let registry = Registry::parse(&args.server)?;
    let mut config = Config::load()?;
    let mut credentials = Credentials::open(args.auth_file.as_deref())?;
    let removed = credentials.erase(&mut config, &registry)?;
    config.save()?;
    if removed.is_empty() {
        println!("Not logged in to {registry}");
    } else {
        for location in removed {
            println!("Removing login credentials for {registry} from {location}");
        }
    }
    Ok(())
}
