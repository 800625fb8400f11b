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
    docker: DockerConfig,
}

impl Credentials {
    pub fn open(auth_file: Option<&Path>) -> Result<Self, Error> {
        let path = docker_config::default_path(auth_file);
        Ok(Credentials {
            docker: DockerConfig::load(&path)?,
        })
    }

    pub fn docker_config_path(&self) -> &Path {
        self.docker.path()
    }

    /// The stored credential, looked up where `login` would have put it.
    pub fn get(&self, config: &Config, registry: &Registry) -> Result<Option<Credential>, Error> {
        if config.host(registry).secret == Some(SecretLocation::Keyring) {
            if let Some(found) = keyring_store::get(registry)? {
                return Ok(Some(found));
            }
        }
        if let Some(helper) = self.docker.helper_for(registry) {
            return Helper::new(&helper).get(registry.credential_key());
        }
        Ok(self.docker.get(registry))
    }

    /// Stores `credential` and records the choice in `config` (saved by the caller). Plain-text
    /// copies elsewhere are removed so that two stores never disagree.
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
                Location::Helper(helper.name().to_string())
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
            if self.docker.remove(registry) {
                self.docker.save()?;
            }
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

    /// Removes the credential from every store that has it; returns where it was.
    pub fn erase(
        &mut self,
        config: &mut Config,
        registry: &Registry,
    ) -> Result<Vec<Location>, Error> {
        let mut removed = Vec::new();
        let mut host = config.host(registry);
        if host.secret.take() == Some(SecretLocation::Keyring) {
            if keyring_store::delete(registry)? {
                removed.push(Location::Keyring);
            }
            config.set_host(registry, host);
        }
        if let Some(name) = self.docker.helper_for(registry) {
            let helper = Helper::new(&name);
            if helper.erase(registry.credential_key())? {
                removed.push(Location::Helper(helper.name().to_string()));
            }
        }
        if self.docker.remove(registry) {
            self.docker.save()?;
            removed.push(Location::File(self.docker.path().to_path_buf()));
        }
        Ok(removed)
    }
}
