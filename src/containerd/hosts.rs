//! hosts.toml: how containerd reaches one registry (its mirrors, TLS, capabilities), in a
//! directory per registry under CRI's `config_path`. containerd reads it on every pull.

use std::path::{Path, PathBuf};

use toml_edit::{Array, DocumentMut, Item, Value};

use super::toml_path;
use super::Error;

pub const FILE_NAME: &str = "hosts.toml";
const HEADER: &str = "# How containerd reaches this registry; read on every pull (no restart needed).\n# Written by `regctl containerd configure`.\n";

/// The directory containerd looks in for `host` (`host:port` is `host_port_`; containerd also
/// tries `host:port` and then `_default`, but only `host_port_` is safe on every filesystem).
pub fn dir_name(host: &str) -> String {
    match host.rfind(':') {
        Some(i) if i > 0 && !host.ends_with(']') => format!("{}_{}_", &host[..i], &host[i + 1..]),
        _ => host.to_string(),
    }
}

/// The directory under `root` that holds `host`'s hosts.toml: the one containerd reads, which
/// is the first that exists of `host_port_` and `host:port` (then `_default`, which is not
/// `host`'s own), else `host_port_` for a new one. Writing `host_port_` beside an existing
/// `host:port` would silently replace the user's configuration with ours.
pub fn dir_in(root: &Path, host: &str) -> PathBuf {
    let safe = root.join(dir_name(host));
    let literal = root.join(host);
    if !safe.is_dir() && literal.is_dir() {
        literal
    } else {
        safe
    }
}

/// One `[host."URL"]` entry as regctl writes it. Other keys of the entry (e.g. `header`) are
/// the user's and stay as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostEntry {
    pub url: String,
    pub capabilities: Vec<&'static str>,
    pub skip_verify: bool,
    pub ca: Option<PathBuf>,
    pub client: Option<(PathBuf, PathBuf)>,
    /// The URL's path is the API root itself (e.g. Harbor's proxy-cache `/v2/<project>`).
    pub override_path: bool,
}

/// A parsed hosts.toml (or the empty one a missing file means).
#[derive(Debug, Clone)]
pub struct HostsFile {
    pub path: PathBuf,
    pub original: Option<String>,
    doc: DocumentMut,
    /// The document as toml_edit renders it before any edit.
    untouched: String,
}

impl HostsFile {
    pub fn load(path: &Path) -> Result<Self, Error> {
        let original = match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(format!("reading {}", path.display()))(e)),
        };
        let text = original.as_deref().unwrap_or_default();
        let doc = toml_path::parse(path, text)?;
        Ok(HostsFile {
            path: path.to_path_buf(),
            original,
            untouched: doc.to_string(),
            doc,
        })
    }

    /// The file's new text; a new file starts with a comment saying what it is.
    pub fn render(&self) -> String {
        match &self.original {
            Some(original) => {
                toml_path::render_preserving(original, &self.untouched, &self.doc.to_string())
            }
            None => format!("{HEADER}{}", self.doc),
        }
    }

    pub fn server(&self) -> Option<&str> {
        self.doc.get("server").and_then(Item::as_str)
    }

    pub fn set_server(&mut self, url: &str) -> Result<bool, Error> {
        self.set(&["server"], Some(Value::from(url)))
    }

    /// The `[host."URL"]` URLs, in the order containerd tries them.
    pub fn host_urls(&self) -> Vec<String> {
        self.doc
            .get("host")
            .and_then(Item::as_table_like)
            .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default()
    }

    /// The settings of one entry, or of the top level (`url = None`), as containerd reads them.
    pub fn entry(&self, url: Option<&str>) -> Option<EntryView> {
        let item = match url {
            Some(url) => toml_path::get(self.doc.as_item(), &["host", url])?,
            None => self.doc.as_item(),
        };
        let strings = |item: Option<&Item>| -> Vec<String> {
            match item {
                Some(i) if i.is_str() => i.as_str().map(str::to_string).into_iter().collect(),
                Some(i) => i
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
                None => Vec::new(),
            }
        };
        let client = match item.get("client") {
            Some(c) if c.is_str() => strings(Some(c)),
            Some(c) => c
                .as_array()
                .map(|a| {
                    a.iter()
                        .flat_map(|p| match p {
                            Value::String(s) => vec![s.value().clone()],
                            Value::Array(pair) => pair
                                .iter()
                                .filter_map(Value::as_str)
                                .map(str::to_string)
                                .collect(),
                            _ => Vec::new(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            None => Vec::new(),
        };
        Some(EntryView {
            capabilities: item
                .get("capabilities")
                .map(|c| strings(Some(c)))
                .unwrap_or_else(|| vec!["pull".into(), "resolve".into(), "push".into()]),
            skip_verify: item
                .get("skip_verify")
                .and_then(Item::as_bool)
                .unwrap_or(false),
            ca: strings(item.get("ca")),
            client,
            headers: item
                .get("header")
                .and_then(Item::as_table_like)
                .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
                .unwrap_or_default(),
            override_path: item
                .get("override_path")
                .and_then(Item::as_bool)
                .unwrap_or(false),
        })
    }

    /// Makes the entry for `entry.url` say exactly what `entry` says; a new entry goes last.
    pub fn set_entry(&mut self, entry: &HostEntry) -> Result<bool, Error> {
        let url = entry.url.as_str();
        let capabilities: Array = entry.capabilities.iter().copied().collect();
        let path = |key: &'static str| ["host", url, key];
        let mut changed = self.set(&path("capabilities"), Some(Value::Array(capabilities)))?;
        changed |= self.set(
            &path("skip_verify"),
            entry.skip_verify.then(|| Value::from(true)),
        )?;
        let ca = entry
            .ca
            .as_ref()
            .map(|p| Value::from(p.to_string_lossy().as_ref()));
        changed |= self.set(&path("ca"), ca)?;
        let client = entry.client.as_ref().map(|(cert, key)| {
            let pair: Array = [cert, key]
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            Value::Array([Value::Array(pair)].into_iter().collect())
        });
        changed |= self.set(&path("client"), client)?;
        changed |= self.set(
            &path("override_path"),
            entry.override_path.then(|| Value::from(true)),
        )?;
        Ok(changed)
    }

    fn set(&mut self, path: &[&str], value: Option<Value>) -> Result<bool, Error> {
        let root = self.doc.as_item_mut();
        match value {
            Some(v) => toml_path::set(root, path, v).map_err(|key| Error::Invalid {
                path: self.path.clone(),
                key,
                problem: "is not a table".into(),
            }),
            None => Ok(toml_path::remove(root, path, 2)),
        }
    }
}

/// One entry of a hosts.toml as containerd reads it (defaults filled in).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EntryView {
    pub capabilities: Vec<String>,
    pub skip_verify: bool,
    pub ca: Vec<String>,
    pub client: Vec<String>,
    pub headers: Vec<String>,
    pub override_path: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_names() {
        assert_eq!(dir_name("127.0.0.1:5000"), "127.0.0.1_5000_");
        assert_eq!(dir_name("docker.io"), "docker.io");
        assert_eq!(dir_name("[::1]:5000"), "[::1]_5000_");
    }

    #[test]
    fn a_new_file_has_a_server_and_a_host_tree() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = HostsFile::load(&dir.path().join(FILE_NAME)).unwrap();
        f.set_server("https://registry-1.docker.io").unwrap();
        let entry = HostEntry {
            url: "https://127.0.0.1:5000".into(),
            capabilities: vec!["pull", "resolve"],
            skip_verify: false,
            ca: Some("/etc/containerd/certs.d/docker.io/ca.crt".into()),
            client: None,
            override_path: false,
        };
        assert!(f.set_entry(&entry).unwrap());
        assert!(!f.set_entry(&entry).unwrap());
        let text = f.render();
        assert!(text.starts_with(HEADER), "{text}");
        assert!(text.contains("server = \"https://registry-1.docker.io\"\n\n[host.\"https://127.0.0.1:5000\"]\ncapabilities = [\"pull\", \"resolve\"]\nca = \"/etc/containerd/certs.d/docker.io/ca.crt\"\n"), "{text}");
        let view = f.entry(Some("https://127.0.0.1:5000")).unwrap();
        assert_eq!(view.capabilities, ["pull", "resolve"]);
        assert_eq!(f.host_urls(), ["https://127.0.0.1:5000"]);
    }
}
