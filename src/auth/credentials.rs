//! Where a registry's credential is read from and written to: the OS keyring, a credential
//! helper named in docker's config, or docker's `config.json` itself (mode 0600).

use std::fmt;
use std::path::{Path, PathBuf};

use super::docker_config::{self, DockerConfig};
use super::helper::Helper;
use super::{keyring_store, Credential, Error};
use crate::config::{Config, SecretLocation};
use crate::reference::Registry;

/// `--store`: where `login` puts the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StoreChoice {
    /// A helper named in docker's config, else the keyring, else the file.
    #[default]
    Auto,
    Keyring,
    File,
}

/// Where a credential ended up (or was found).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Keyring,
    Helper(String),
    File(PathBuf),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Keyring => f.write_str("the OS keyring"),
            Location::Helper(name) => write!(f, "{name}"),
            Location::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// The credential stores of this user, as seen by one command.
pub struct Credentials {
    /// The file `login` writes (see `docker_config::default_path`).
    docker: DockerConfig,
    /// The other auth files of this user (docker's config.json, podman's auth.json), read in
    /// order when `docker` has nothing for a registry, never written. None with --auth-file.
    others: Vec<DockerConfig>,
}

/// What `logout` removed, and the stores it could not reach.
pub struct Erased {
    pub removed: Vec<Location>,
    pub failed: Vec<Error>,
}

impl Credentials {
    pub fn open(auth_file: Option<&Path>) -> Result<Self, Error> {
        let path = docker_config::default_path(auth_file);
        Ok(Credentials {
            docker: DockerConfig::load(&path)?,
            others: others(auth_file, &path),
        })
    }

    /// `open` for a command that only reads a credential: an auth file that is not valid JSON
    /// is passed over with a warning, as docker does, so a public repository or a credential
    /// in the keyring still works. (login and logout, which write it, refuse it instead.)
    pub fn open_to_read(auth_file: Option<&Path>) -> Self {
        Self::open(auth_file).unwrap_or_else(|e| {
            eprintln!("warning: {e}; its credentials are not used");
            let path = docker_config::default_path(auth_file);
            Credentials {
                others: others(auth_file, &path),
                docker: DockerConfig::empty(&path),
            }
        })
    }

    pub fn docker_config_path(&self) -> &Path {
        self.docker.path()
    }

    /// The stored credential: where `login` put it, then in the other auth files. A keyring
    /// that cannot be reached (over ssh, from cron) is passed over with a warning: a public
    /// repository, or a credential in a file, still works.
    pub fn get(&self, config: &Config, registry: &Registry) -> Result<Option<Credential>, Error> {
        if config.host(registry).secret == Some(SecretLocation::Keyring) {
            match keyring_store::get(registry) {
                Ok(Some(found)) => return Ok(Some(found)),
                Ok(None) => {}
                Err(e) => eprintln!("warning: {e}; looking in the other credential stores"),
            }
        }
        if let Some(found) = from_file(&self.docker, registry)? {
            return Ok(Some(found));
        }
        Ok(self
            .others
            .iter()
            .find_map(|other| from_file(other, registry).ok().flatten()))
    }

    /// Stores `credential` and records the choice in `config` (saved by the caller). A secret
    /// given to a helper leaves no plain-text copy behind in the file (as docker does). One put
    /// in the keyring leaves the file alone: an entry there is docker's, crane's or nerdctl's,
    /// which read nothing else, and regctl reads the keyring first.
    pub fn store(
        &mut self,
        config: &mut Config,
        registry: &Registry,
        credential: &Credential,
        choice: StoreChoice,
    ) -> Result<Location, Error> {
        let helper = self.docker.helper_for(registry);
        let location = match (choice, helper) {
            (StoreChoice::Auto, Some(helper)) => {
                let helper = Helper::new(&helper);
                helper.store(registry.credential_key(), credential)?;
                if self.docker.remove(registry) {
                    self.docker.save()?;
                }
                Location::Helper(helper.name().to_string())
            }
            (StoreChoice::File, Some(helper)) => {
                return Err(Error::Store(format!(
                    "{} names the credential helper docker-credential-{helper} for {registry}, and docker and regctl read the credential from it, not from the file; log in without --store file",
                    self.docker.path().display()
                )));
            }
            (StoreChoice::Auto, None) => match keyring_store::set(registry, credential) {
                Ok(()) => Location::Keyring,
                Err(_) => self.store_in_file(registry, credential)?,
            },
            (StoreChoice::Keyring, _) => {
                keyring_store::set(registry, credential).map_err(|e| {
                    Error::Store(format!(
                        "no usable OS keyring ({e}); use --store file to keep the credential in {}",
                        self.docker.path().display()
                    ))
                })?;
                Location::Keyring
            }
            (StoreChoice::File, _) => self.store_in_file(registry, credential)?,
        };
        let mut host = config.host(registry);
        if location == Location::Keyring {
            host.secret = Some(SecretLocation::Keyring);
        } else if host.secret.take().is_some() {
            // Best effort: a stale keyring entry is harmless once the config no longer points at it.
            let _ = keyring_store::delete(registry);
        }
        config.set_host(registry, host);
        Ok(location)
    }

    fn store_in_file(
        &mut self,
        registry: &Registry,
        credential: &Credential,
    ) -> Result<Location, Error> {
        self.docker.set(registry, credential);
        self.docker.save()?;
        Ok(Location::File(self.docker.path().to_path_buf()))
    }

    /// Removes the credential from every store that has it, going on past a store it cannot
    /// reach (a helper named in a config copied from another machine, a keyring over ssh), as
    /// docker does.
    pub fn erase(&mut self, config: &mut Config, registry: &Registry) -> Erased {
        let mut erased = Erased {
            removed: Vec::new(),
            failed: Vec::new(),
        };
        let mut host = config.host(registry);
        if host.secret.take() == Some(SecretLocation::Keyring) {
            match keyring_store::delete(registry) {
                Ok(true) => erased.removed.push(Location::Keyring),
                Ok(false) => {}
                Err(e) => erased.failed.push(e),
            }
            config.set_host(registry, host);
        }
        if let Some(name) = self.docker.helper_for(registry) {
            let helper = Helper::new(&name);
            match helper.erase(registry.credential_key()) {
                Ok(true) => erased
                    .removed
                    .push(Location::Helper(helper.name().to_string())),
                Ok(false) => {}
                Err(e) => erased.failed.push(e),
            }
        }
        if self.docker.remove(registry) {
            match self.docker.save() {
                Ok(()) => erased
                    .removed
                    .push(Location::File(self.docker.path().to_path_buf())),
                Err(e) => erased.failed.push(e),
            }
        }
        erased
    }

    /// Another tool's auth file that still holds a credential for `registry` (regctl reads
    /// those but never writes them, so `logout` cannot take it out).
    pub fn held_elsewhere(&self, registry: &Registry) -> Option<&Path> {
        self.others
            .iter()
            .find(|other| from_file(other, registry).ok().flatten().is_some())
            .map(DockerConfig::path)
    }
}

/// The other tools' auth files beside `path` (none when the user named one file). Someone
/// else's file we cannot read is not ours to fail on.
fn others(auth_file: Option<&Path>, path: &Path) -> Vec<DockerConfig> {
    match auth_file {
        Some(_) => Vec::new(),
        None => docker_config::other_paths(path)
            .iter()
            .filter_map(|p| DockerConfig::load(p).ok())
            .collect(),
    }
}

/// A registry's credential in one auth file: from its helper when it names one, else `auths`.
fn from_file(docker: &DockerConfig, registry: &Registry) -> Result<Option<Credential>, Error> {
    match docker.helper_for(registry) {
        Some(helper) => Helper::new(&helper).get(registry.credential_key()),
        None => Ok(docker.get(registry)),
    }
}
