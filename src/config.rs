//! regctl's own settings file: what `regctl login` learned about each registry (TLS, plain HTTP,
//! where its credentials live), so later commands need not be told again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::atomic_write::write_atomic;
use crate::reference::Registry;

/// `REGCTL_CONFIG_DIR`, else the platform's config directory (`~/.config/regctl` on Linux).
pub fn config_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("REGCTL_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::config_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("regctl")
}

/// Where a registry's secret was put by `regctl login`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecretLocation {
    Keyring,
}

/// Settings remembered for one registry. Every field is optional so that the file stays short
/// and hand-editable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_file: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_file: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub plain_http: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretLocation>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hosts: BTreeMap<String, HostSettings>,
}

impl Config {
    pub fn path() -> PathBuf {
        config_dir().join("config.toml")
    }

    /// A missing file is an empty config; a broken one is an error that names it, never ignored.
    pub fn load() -> anyhow::Result<Self> {
        Self::load_from(&Self::path())
    }

    pub fn load_from(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                toml::from_str(&text).with_context(|| format!("reading {}", path.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    pub fn save(&self) -> anyhow::Result<()> {
        let path = Self::path();
        let text = toml::to_string_pretty(self)?;
        write_atomic(&path, text.as_bytes(), 0o600)
            .with_context(|| format!("writing {}", path.display()))
    }

    pub fn host(&self, registry: &Registry) -> HostSettings {
        self.hosts.get(registry.name()).cloned().unwrap_or_default()
    }

    /// Stores `settings`, dropping the entry when it says nothing.
    pub fn set_host(&mut self, registry: &Registry, settings: HostSettings) {
        if settings == HostSettings::default() {
            self.hosts.remove(registry.name());
        } else {
            self.hosts.insert(registry.name().to_string(), settings);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_unknown_keys_refused() {
        let mut c = Config::default();
        let r = Registry::parse("127.0.0.1:5000").unwrap();
        c.set_host(
            &r,
            HostSettings {
                ca_file: Some("/tmp/ca.pem".into()),
                secret: Some(SecretLocation::Keyring),
                ..Default::default()
            },
        );
        let text = toml::to_string_pretty(&c).unwrap();
        let back: Config = toml::from_str(&text).unwrap();
        assert_eq!(back.host(&r), c.host(&r));
        assert!(toml::from_str::<Config>("[hosts.\"x\"]\ncafile = \"a\"\n").is_err());
        c.set_host(&r, HostSettings::default());
        assert!(c.hosts.is_empty());
    }
}
