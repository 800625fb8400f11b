//! containerd's config.toml: its version, where its CRI registry table is, and edits to that
//! table that leave everything else byte for byte as it was.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use toml_edit::{Array, DocumentMut, Item, Value};

use super::toml_path;
use super::version::DaemonVersion;
use super::Error;
use crate::auth::{Credential, Secret};
use crate::reference::Registry;

const GRPC_CRI: &str = "io.containerd.grpc.v1.cri";
const CRI_IMAGES: &str = "io.containerd.cri.v1.images";

/// `configs.<host>.tls` of the legacy style: how CRI on 1.x talks TLS to one host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LegacyTls {
    pub insecure_skip_verify: bool,
    pub ca_file: Option<String>,
    pub cert_file: Option<String>,
    pub key_file: Option<String>,
}

/// Which kinds of secret `configs.<host>.auth` holds (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuthSummary {
    pub username: Option<String>,
    pub kinds: Vec<&'static str>,
}

/// A parsed config.toml (or the empty one that a missing file means).
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub path: PathBuf,
    /// The bytes on disk; `None` when there is no file yet.
    pub original: Option<String>,
    pub version: i64,
    /// The version the installed containerd reads the file as: 3 for a file without `version`
    /// on containerd 2.x, else `version`.
    pub read_as: i64,
    doc: DocumentMut,
    /// The document as toml_edit renders it before any edit.
    untouched: String,
    registry: Vec<&'static str>,
}

impl ConfigFile {
    /// Reads and parses `path`; a missing file is an empty config of the version `daemon` reads
    /// best (2 when unknown: both 1.x and 2.x load it).
    pub fn load(path: &Path, daemon: Option<DaemonVersion>) -> Result<Self, Error> {
        let original = match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(format!("reading {}", path.display()))(e)),
        };
        Self::parse(path, original, daemon)
    }

    /// Parses `original` as the contents of `path` (`None`: the file does not exist).
    pub fn parse(
        path: &Path,
        original: Option<String>,
        daemon: Option<DaemonVersion>,
    ) -> Result<Self, Error> {
        let text = original.clone().unwrap_or_else(|| {
            let version = daemon.map_or(2, |d| d.max_config_version());
            format!("version = {version}\n")
        });
        let doc = toml_path::parse(path, &text)?;
        let version = match doc.get("version") {
            None => 1,
            Some(item) => item.as_integer().ok_or_else(|| Error::Invalid {
                path: path.to_path_buf(),
                key: "version".into(),
                problem: format!("must be an integer, not {}", item.type_name()),
            })?,
        };
        let version = if version == 0 { 1 } else { version };
        if !(1..=3).contains(&version) {
            return Err(Error::refused(
                path,
                format!("unknown config version {version} (containerd knows 1, 2 and 3)"),
            ));
        }
        if let Some(d) = daemon.filter(|d| version > d.max_config_version()) {
            return Err(Error::refused(
                path,
                format!("config version {version} needs containerd 2.0 or later, and the installed containerd is {d}"),
            ));
        }
        // containerd 2.x reads a file without `version` as version 3 (verified on 2.1.9: its
        // `plugins.cri.registry` is ignored with a warning, `io.containerd.cri.v1.images` is read).
        let read_as = if version == 1 && daemon.is_some_and(|d| d.major >= 2) {
            3
        } else {
            version
        };
        let registry =
            registry_table(&doc, read_as, daemon).map_err(|r| Error::refused(path, r))?;
        let config = ConfigFile {
            path: path.to_path_buf(),
            original,
            version,
            read_as,
            untouched: doc.to_string(),
            doc,
            registry,
        };
        config.check_types()?;
        Ok(config)
    }

    /// Refuses files regctl must not edit: those another tool regenerates, and read-only ones.
    pub fn check_editable(&self) -> Result<(), Error> {
        if let Some(tool) = self.managed_by() {
            return Err(Error::refused(
                &self.path,
                format!("{tool} regenerates this file on every start; configure registries in {tool}'s registries.yaml (/etc/rancher/{tool}/registries.yaml) instead"),
            ));
        }
        let Ok(meta) = std::fs::metadata(&self.path) else {
            return Ok(());
        };
        if meta.permissions().mode() & 0o222 == 0 {
            return Err(Error::refused(
                &self.path,
                format!(
                    "the file is read-only (mode {:o}); make it writable first if it is really meant to change",
                    meta.permissions().mode() & 0o7777
                ),
            ));
        }
        if let Err(e) = std::fs::OpenOptions::new().write(true).open(&self.path) {
            return Err(Error::refused(&self.path, format!("cannot write it: {e}")));
        }
        Ok(())
    }

    /// k3s and rke2 write containerd's config from a template at each start.
    fn managed_by(&self) -> Option<&'static str> {
        let path = self.path.to_string_lossy();
        let head = self.original.as_deref().unwrap_or_default();
        let head = head.lines().next().unwrap_or_default();
        let sibling_template = self.path.parent().is_some_and(|d| {
            d.join("config.toml.tmpl").exists() || d.join("config-v3.toml.tmpl").exists()
        });
        ["k3s", "rke2"].into_iter().find(|tool| {
            path.contains(&format!("/rancher/{tool}/"))
                || head.starts_with(&format!("# File generated by {tool}"))
                || (sibling_template && path.contains("/rancher/"))
        })
    }

    pub fn render(&self) -> String {
        let original = self.original.as_deref().unwrap_or_default();
        toml_path::render_preserving(original, &self.untouched, &self.doc.to_string())
    }

    /// The registry table, e.g. `plugins."io.containerd.grpc.v1.cri".registry`.
    pub fn registry_table_name(&self) -> String {
        self.registry
            .iter()
            .map(|k| {
                if k.contains('.') {
                    format!("\"{k}\"")
                } else {
                    k.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(".")
    }

    /// Why the file is edited as another version than it says, for the user.
    pub fn read_as_note(&self) -> Option<String> {
        (self.read_as != self.version).then(|| {
            let ignored = if toml_path::get(self.doc.as_item(), &["plugins", "cri", "registry"]).is_some() {
                "; its plugins.cri.registry settings have no effect there"
            } else {
                ""
            };
            format!(
                "{}: the installed containerd 2.x reads a file without `version` as version 3{ignored}; the registry settings go to {}",
                self.path.display(),
                self.registry_table_name()
            )
        })
    }

    /// `disabled_plugins` names the CRI plugin (as docker's containerd.io package does).
    pub fn cri_disabled(&self) -> bool {
        string_list(self.doc.get("disabled_plugins"))
            .iter()
            .any(|p| p == "cri" || p == GRPC_CRI || p == CRI_IMAGES)
    }

    pub fn imports(&self) -> Vec<String> {
        string_list(self.doc.get("imports"))
    }

    /// The files named by `imports` that set the CRI plugin: on containerd 1.x each replaces
    /// this file's whole CRI section (2.x merges them key by key, theirs winning).
    pub fn cri_drop_ins(&self) -> Vec<PathBuf> {
        let base = self.path.parent().unwrap_or(Path::new("/"));
        self.imports()
            .iter()
            .flat_map(|pattern| expand(&base.join(pattern)))
            .filter(|file| {
                let Some(doc) = std::fs::read_to_string(file)
                    .ok()
                    .and_then(|t| t.parse::<DocumentMut>().ok())
                else {
                    return false;
                };
                let plugins = doc.get("plugins").and_then(Item::as_table_like);
                ["cri", GRPC_CRI, CRI_IMAGES]
                    .iter()
                    .any(|name| plugins.is_some_and(|p| p.contains_key(name)))
            })
            .collect()
    }

    fn get(&self, rest: &[&str]) -> Option<&Item> {
        toml_path::get(self.doc.as_item(), &self.path_to(rest))
    }

    fn path_to<'a>(&self, rest: &[&'a str]) -> Vec<&'a str> {
        self.registry
            .iter()
            .copied()
            .chain(rest.iter().copied())
            .collect()
    }

    /// `config_path`, `None` when absent; `Some("")` is containerd's "not set" too.
    pub fn config_path(&self) -> Option<String> {
        self.get(&["config_path"])
            .and_then(Item::as_str)
            .map(str::to_string)
    }

    /// `[grpc] address`: the socket containerd listens on when the file moves it.
    pub fn grpc_address(&self) -> Option<PathBuf> {
        toml_path::get(self.doc.as_item(), &["grpc", "address"])
            .and_then(Item::as_str)
            .filter(|a| !a.is_empty())
            .map(PathBuf::from)
    }

    /// `mirrors.<host>.endpoint`, in file order, as CRI reads them (see `with_default_scheme`).
    pub fn mirrors(&self) -> Vec<(String, Vec<String>)> {
        self.host_entries("mirrors")
            .into_iter()
            .map(|host| {
                let endpoints = string_list(self.get(&["mirrors", &host, "endpoint"]))
                    .iter()
                    .map(|e| with_default_scheme(e))
                    .collect();
                (host, endpoints)
            })
            .collect()
    }

    /// `configs.<host>.tls`, for every host that has one.
    pub fn legacy_tls(&self) -> Vec<(String, LegacyTls)> {
        self.host_entries("configs")
            .into_iter()
            .filter_map(|host| {
                let tls = self.get(&["configs", &host, "tls"])?;
                let text = |k: &str| tls.get(k).and_then(Item::as_str).map(str::to_string);
                let parsed = LegacyTls {
                    insecure_skip_verify: tls
                        .get("insecure_skip_verify")
                        .and_then(Item::as_bool)
                        .unwrap_or(false),
                    ca_file: text("ca_file"),
                    cert_file: text("cert_file"),
                    key_file: text("key_file"),
                };
                Some((host, parsed))
            })
            .collect()
    }

    /// What `configs.<host>.auth` holds, without the secrets.
    pub fn auth(&self, host: &str) -> Option<AuthSummary> {
        let auth = self.get(&["configs", host, "auth"])?.as_table_like()?;
        let set = |k: &str| {
            auth.get(k)
                .and_then(Item::as_str)
                .is_some_and(|v| !v.is_empty())
        };
        let kinds: Vec<&'static str> = ["password", "auth", "identitytoken"]
            .into_iter()
            .filter(|k| set(k))
            .collect();
        Some(AuthSummary {
            username: auth
                .get("username")
                .and_then(Item::as_str)
                .filter(|u| !u.is_empty())
                .map(str::to_string),
            kinds,
        })
    }

    /// Hosts named under `configs` that carry `auth`.
    pub fn auth_hosts(&self) -> Vec<String> {
        self.host_entries("configs")
            .into_iter()
            .filter(|h| self.get(&["configs", h, "auth"]).is_some())
            .collect()
    }

    fn host_entries(&self, table: &str) -> Vec<String> {
        self.get(&[table])
            .and_then(Item::as_table_like)
            .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default()
    }

    pub fn set_config_path(&mut self, dir: &str) -> Result<bool, Error> {
        self.set(&["config_path"], Value::from(dir))
    }

    pub fn set_mirror(&mut self, host: &str, endpoints: &[String]) -> Result<bool, Error> {
        let array: Array = endpoints.iter().map(String::as_str).collect();
        self.set(&["mirrors", host, "endpoint"], Value::Array(array))
    }

    pub fn remove_mirror(&mut self, host: &str) -> bool {
        let keep = self.registry.len() + 1;
        let path = self.path_to(&["mirrors", host]);
        toml_path::remove(self.doc.as_item_mut(), &path, keep)
    }

    pub fn set_tls(&mut self, host: &str, tls: &LegacyTls) -> Result<bool, Error> {
        let mut changed = false;
        let flag = tls.insecure_skip_verify.then(|| Value::from(true));
        changed |= self.set_or_remove(&["configs", host, "tls", "insecure_skip_verify"], flag)?;
        for (key, value) in [
            ("ca_file", &tls.ca_file),
            ("cert_file", &tls.cert_file),
            ("key_file", &tls.key_file),
        ] {
            let value = value.as_deref().map(Value::from);
            changed |= self.set_or_remove(&["configs", host, "tls", key], value)?;
        }
        Ok(changed)
    }

    pub fn remove_tls(&mut self, host: &str) -> bool {
        let keep = self.registry.len() + 1;
        let path = self.path_to(&["configs", host, "tls"]);
        toml_path::remove(self.doc.as_item_mut(), &path, keep)
    }

    /// Sets `configs.<host>.auth` to exactly this credential. An identity token goes alone:
    /// containerd prefers `username` when both are there, and would then send no secret.
    pub fn set_auth(&mut self, host: &str, credential: &Credential) -> Result<bool, Error> {
        let (username, password, token) = match &credential.secret {
            Secret::Password(p) => (Some(credential.username.as_str()), Some(p.as_str()), None),
            Secret::IdentityToken(t) => (None, None, Some(t.as_str())),
        };
        let mut changed = false;
        for (key, value) in [
            ("username", username),
            ("password", password),
            ("auth", None),
            ("identitytoken", token),
        ] {
            changed |=
                self.set_or_remove(&["configs", host, "auth", key], value.map(Value::from))?;
        }
        Ok(changed)
    }

    pub fn remove_auth(&mut self, host: &str) -> bool {
        let keep = self.registry.len() + 1;
        let path = self.path_to(&["configs", host, "auth"]);
        toml_path::remove(self.doc.as_item_mut(), &path, keep)
    }

    fn set(&mut self, rest: &[&str], value: Value) -> Result<bool, Error> {
        let path = self.path_to(rest);
        let file = self.path.clone();
        toml_path::set(self.doc.as_item_mut(), &path, value).map_err(|key| Error::Invalid {
            path: file,
            key,
            problem: "is not a table".into(),
        })
    }

    fn set_or_remove(&mut self, rest: &[&str], value: Option<Value>) -> Result<bool, Error> {
        match value {
            Some(v) => self.set(rest, v),
            None => {
                let keep = self.registry.len() + 2;
                let path = self.path_to(rest);
                Ok(toml_path::remove(self.doc.as_item_mut(), &path, keep))
            }
        }
    }

    /// The types containerd decodes the registry table into: a wrong one stops the daemon
    /// (a type error in a plugin's table is fatal, not just a plugin failure).
    fn check_types(&self) -> Result<(), Error> {
        let invalid = |key: String, problem: &str| Error::Invalid {
            path: self.path.clone(),
            key,
            problem: problem.to_string(),
        };
        for (i, _) in self.registry.iter().enumerate() {
            let prefix = &self.registry[..=i];
            if let Some(item) = toml_path::get(self.doc.as_item(), prefix) {
                if !item.is_table_like() {
                    return Err(invalid(prefix.join("."), "must be a table"));
                }
            }
        }
        let name = self.registry_table_name();
        let Some(registry) = self.get(&[]) else {
            return Ok(());
        };
        let is_strings = |item: &Item| {
            item.as_array()
                .is_some_and(|a| a.iter().all(|v| v.is_str()))
        };
        for (key, item) in table_entries(registry) {
            let at = format!("{name}.{key}");
            match key.as_str() {
                "config_path" if !item.is_str() => return Err(invalid(at, "must be a string")),
                "mirrors" | "configs" | "auths" | "headers" if !item.is_table_like() => {
                    return Err(invalid(at, "must be a table"))
                }
                _ => {}
            }
        }
        // `mirrors.<host>` and `configs.<host>` must be tables.
        let hosts_of = |table: &str| -> Result<Vec<(String, &Item)>, Error> {
            let entries = self.get(&[table]).map(table_entries).unwrap_or_default();
            entries
                .into_iter()
                .map(|(host, item)| {
                    let at = format!("{name}.{table}.\"{host}\"");
                    match item.is_table_like() {
                        true => Ok((at, item)),
                        false => Err(invalid(at, "must be a table")),
                    }
                })
                .collect()
        };
        for (at, mirror) in hosts_of("mirrors")? {
            if let Some(endpoint) = mirror.get("endpoint").filter(|e| !is_strings(e)) {
                return Err(invalid(
                    format!("{at}.endpoint"),
                    &format!(
                        "must be an array of strings, not {} (containerd would not start)",
                        endpoint.type_name()
                    ),
                ));
            }
        }
        for (at, config) in hosts_of("configs")? {
            for (section, keys) in [
                (
                    "auth",
                    &["username", "password", "auth", "identitytoken"][..],
                ),
                ("tls", &["ca_file", "cert_file", "key_file"][..]),
            ] {
                let Some(table) = config.get(section) else {
                    continue;
                };
                if !table.is_table_like() {
                    return Err(invalid(format!("{at}.{section}"), "must be a table"));
                }
                for (key, value) in table_entries(table) {
                    let wrong = if key == "insecure_skip_verify" {
                        !value.is_bool()
                    } else {
                        keys.contains(&key.as_str()) && !value.is_str()
                    };
                    if wrong {
                        return Err(invalid(
                            format!("{at}.{section}.{key}"),
                            &format!(
                                "has the wrong type ({}; containerd would not start)",
                                value.type_name()
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// containerd's own rules for the registry table, which disable CRI when broken.
    /// `daemon` decides whether `configs.<host>.tls` still counts (1.x) or is ignored (2.x).
    pub fn check_rules(&self, daemon: Option<DaemonVersion>) -> Result<(), Error> {
        let config_path = self.config_path().unwrap_or_default();
        if config_path.is_empty() {
            return Ok(());
        }
        let name = self.registry_table_name();
        if let Some((host, _)) = self.mirrors().first() {
            return Err(Error::Invalid {
                path: self.path.clone(),
                key: format!("{name}.mirrors.\"{host}\""),
                problem: "`mirrors` cannot be set when `config_path` is provided (CRI would fail to load)".into(),
            });
        }
        let tls_counts = daemon.is_none_or(|d| !d.ignores_legacy_tls()) && self.read_as < 3;
        if let Some((host, _)) = self.legacy_tls().first().filter(|_| tls_counts) {
            return Err(Error::Invalid {
                path: self.path.clone(),
                key: format!("{name}.configs.\"{host}\".tls"),
                problem: "`configs.tls` cannot be set when `config_path` is provided (CRI on containerd 1.x would fail to load)".into(),
            });
        }
        Ok(())
    }
}

/// The files an `imports` entry names: a path, or a `*` pattern in its last component (the
/// only form containerd's own examples use).
fn expand(pattern: &Path) -> Vec<PathBuf> {
    let name = pattern
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some((prefix, suffix)) = name.split_once('*') else {
        return vec![pattern.to_path_buf()];
    };
    let dir = pattern.parent().unwrap_or(Path::new("/"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name().map(|n| n.to_string_lossy()).is_some_and(|n| {
                        n.len() >= prefix.len() + suffix.len()
                            && n.starts_with(prefix)
                            && n.ends_with(suffix)
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The URL legacy CRI falls back to for `host` after its `mirrors` (and uses alone without
/// them): https, but http for a loopback registry. `None` for `*` and other non-hosts.
pub fn legacy_endpoint(host: &str) -> Option<String> {
    let registry = Registry::parse(host).ok()?;
    let scheme = if registry.is_loopback() {
        "http"
    } else {
        "https"
    };
    Some(format!("{scheme}://{}", registry.api_host()))
}

/// A legacy endpoint as CRI reads it: one without a scheme is https, or http for a loopback
/// host (containerd's `addDefaultScheme`), so `mirror.internal:5000` is a valid endpoint.
fn with_default_scheme(endpoint: &str) -> String {
    if endpoint.contains("://") {
        return endpoint.to_string();
    }
    let host = endpoint.split('/').next().unwrap_or_default();
    let scheme = if Registry::parse(host).is_ok_and(|r| r.is_loopback()) {
        "http"
    } else {
        "https"
    };
    format!("{scheme}://{endpoint}")
}

/// The strings of an array of strings (others, and anything but an array, are left out).
fn string_list(item: Option<&Item>) -> Vec<String> {
    item.and_then(Item::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn table_entries(item: &Item) -> Vec<(String, &Item)> {
    item.as_table_like()
        .map(|t| t.iter().map(|(k, v)| (k.to_string(), v)).collect())
        .unwrap_or_default()
}

/// Where CRI reads its registry settings from, for this file version and containerd.
fn registry_table(
    doc: &DocumentMut,
    version: i64,
    daemon: Option<DaemonVersion>,
) -> Result<Vec<&'static str>, String> {
    let plugins = doc.get("plugins").and_then(Item::as_table_like);
    let has = |name: &str| plugins.is_some_and(|p| p.contains_key(name));
    let registry_in = |name: &str| {
        plugins
            .and_then(|p| p.get(name))
            .and_then(|cri| cri.get("registry"))
            .is_some()
    };
    match version {
        1 => {
            let long = plugins.and_then(|p| {
                p.iter()
                    .map(|(k, _)| k)
                    .find(|k| k.starts_with("io.containerd."))
            });
            if let Some(name) = long {
                return Err(format!(
                    "the file has no `version` key (so it is version 1), but names plugins the version-2 way (\"{name}\"): containerd ignores those tables; add `version = 2` at the top once you have checked the file"
                ));
            }
            Ok(vec!["plugins", "cri", "registry"])
        }
        2 if !registry_in(GRPC_CRI) && (has(CRI_IMAGES)) => {
            if daemon.is_some_and(|d| d.major < 2) {
                return Err(format!(
                    "its registry settings are in plugins.\"{CRI_IMAGES}\", a containerd 2.x name that containerd 1.x ignores under `version = 2`"
                ));
            }
            Ok(vec!["plugins", CRI_IMAGES, "registry"])
        }
        2 => Ok(vec!["plugins", GRPC_CRI, "registry"]),
        _ => Ok(vec!["plugins", CRI_IMAGES, "registry"]),
    }
}
