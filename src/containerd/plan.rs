//! From what the user asked for to the new contents of every file involved: config.toml, the
//! hosts.toml files, and the CA and client files copied next to them. Nothing is written here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::config::{legacy_endpoint, ConfigFile, LegacyTls};
use super::hosts::{self, HostEntry, HostsFile};
use super::version::DaemonVersion;
use super::Error;
use crate::auth::Credential;
use crate::reference::Registry;
use crate::transport::certs_d;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// hosts.toml where containerd reads it (1.5+, or when the version is unknown), else legacy.
    Auto,
    Hosts,
    Legacy,
}

/// How containerd is to talk TLS to the registry.
#[derive(Debug, Clone, Default)]
pub struct Tls {
    pub insecure: bool,
    pub plain_http: bool,
    pub ca_file: Option<PathBuf>,
    pub client: Option<(PathBuf, PathBuf)>,
}

#[derive(Debug, Clone)]
pub enum AuthChange {
    /// Leave `configs.<host>.auth` as it is.
    Keep,
    Set(Credential),
    Remove,
}

#[derive(Debug, Clone)]
pub struct Request {
    pub registry: Registry,
    /// REGISTRY serves pulls of this upstream (e.g. docker.io).
    pub mirror_of: Option<Registry>,
    /// Where REGISTRY answers; default `https://REGISTRY` (`http://` with plain HTTP).
    pub endpoints: Vec<String>,
    pub tls: Tls,
    pub auth: AuthChange,
    pub mode: Mode,
    pub hosts_dir: Option<PathBuf>,
}

impl Request {
    /// Whether REGISTRY's own endpoint is plain HTTP when none is given: with --plain-http,
    /// and for a loopback registry asked for no TLS at all, which containerd reaches over
    /// HTTP when nothing configures it (as our legacy mode writes it too). Writing https://
    /// there would stop the pulls of a local plain-HTTP registry the moment it gets a
    /// credential. A CA or client certificate for it in a certs.d directory says it speaks TLS.
    fn default_plain_http(&self) -> bool {
        let tls = &self.tls;
        let certs_d = || {
            let found = certs_d::lookup(&certs_d::default_roots(), &self.registry);
            !found.ca_files.is_empty() || !found.client_certs.is_empty()
        };
        tls.plain_http
            || (self.registry.is_loopback()
                && !tls.insecure
                && tls.ca_file.is_none()
                && tls.client.is_none()
                && !certs_d())
    }
}

/// One file's new contents (`None`: delete it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    pub path: PathBuf,
    pub old: Option<Vec<u8>>,
    pub new: Option<Vec<u8>>,
    /// The mode of a file created new.
    pub mode: u32,
    /// Holds a secret: the file becomes 0600 whatever its mode was.
    pub private: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub config: PathBuf,
    /// Only files whose contents change.
    pub changes: Vec<FileChange>,
    /// Warnings and explanations for stderr.
    pub notes: Vec<String>,
    /// Files to delete once the plan has been applied (the backups a rollback used).
    pub consumed: Vec<PathBuf>,
}

impl Plan {
    pub fn config_changed(&self) -> bool {
        self.changes.iter().any(|c| c.path == self.config)
    }
}

/// An endpoint URL as containerd uses it: the `[host."…"]` key and the `host[:port]` it
/// contacts (which is what `configs.<host>.auth` is keyed by).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Endpoint {
    url: String,
    host: String,
    override_path: bool,
}

impl Endpoint {
    fn parse(text: &str) -> Result<Self, Error> {
        let bad = |why: &str| Error::Unsupported(format!("invalid endpoint {text:?}: {why}"));
        let url = url::Url::parse(text).map_err(|e| bad(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("expected an http:// or https:// URL"));
        }
        url.host_str().ok_or_else(|| bad("no host"))?;
        // As written, not as `url` normalises it: containerd keys credentials by the URL's
        // host[:port] verbatim, so an explicit default port (`:443`) stays.
        let after_scheme = text.split_once("://").map_or(text, |(_, rest)| rest);
        let authority = after_scheme
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default();
        if authority.contains('@') {
            return Err(bad("credentials do not belong in the URL"));
        }
        let host = authority.to_ascii_lowercase();
        let path = url.path().trim_end_matches('/');
        Ok(Endpoint {
            url: format!("{}://{host}{path}", url.scheme()),
            host,
            // containerd appends /v2 to a path unless told the path is the API root already.
            override_path: !path.is_empty() && !path.ends_with("/v2"),
        })
    }

    fn default_for(registry: &Registry, plain_http: bool) -> Self {
        let scheme = if plain_http { "http" } else { "https" };
        Endpoint {
            url: format!("{scheme}://{}", registry.api_host()),
            host: registry.api_host().to_string(),
            override_path: false,
        }
    }
}

/// What a registry's own entry may do, and what a mirror's may (CRI only pulls; a mirror must
/// not receive pushes meant for the upstream).
const REGISTRY: &[&str] = &["pull", "resolve", "push"];
const MIRROR: &[&str] = &["pull", "resolve"];

/// Collects the edits of one command before they become [`FileChange`]s.
struct Builder {
    config: ConfigFile,
    daemon: Option<DaemonVersion>,
    hosts: BTreeMap<PathBuf, HostsFile>,
    copies: Vec<FileChange>,
    notes: Vec<String>,
    private: bool,
}

impl Builder {
    fn new(config: ConfigFile, daemon: Option<DaemonVersion>) -> Self {
        Builder {
            config,
            daemon,
            hosts: BTreeMap::new(),
            copies: Vec::new(),
            notes: Vec::new(),
            private: false,
        }
    }

    fn hosts_file(&mut self, path: PathBuf) -> Result<&mut HostsFile, Error> {
        if !self.hosts.contains_key(&path) {
            let file = HostsFile::load(&path)?;
            self.hosts.insert(path.clone(), file);
        }
        Ok(self.hosts.get_mut(&path).expect("just inserted"))
    }

    /// A copy of `source` at `dest` (e.g. the CA next to hosts.toml).
    fn copy(&mut self, source: &Path, dest: PathBuf, mode: u32) -> Result<PathBuf, Error> {
        let new =
            std::fs::read(source).map_err(Error::io(format!("reading {}", source.display())))?;
        let old = std::fs::read(&dest).ok();
        if old.as_ref() != Some(&new) {
            self.copies.push(FileChange {
                path: dest.clone(),
                old,
                new: Some(new),
                mode,
                private: mode & 0o077 == 0,
            });
        }
        Ok(dest)
    }

    fn set_auth(&mut self, host: &str, auth: &AuthChange) -> Result<(), Error> {
        match auth {
            AuthChange::Keep => {}
            AuthChange::Remove => {
                self.config.remove_auth(host);
            }
            AuthChange::Set(credential) => {
                self.config.set_auth(host, credential)?;
                self.private = true;
                self.notes.push(format!(
                    "WARNING! The credential for {host} is stored unencrypted in {} (containerd reads it only from there); the file is kept at mode 0600.",
                    self.config.path.display()
                ));
                if self.daemon.is_some_and(|d| d.major >= 2) {
                    self.notes.push(
                        "note: containerd 2.x logs `configs` as deprecated; it is still the only file it reads credentials from".into(),
                    );
                }
            }
        }
        Ok(())
    }

    /// Turns every edit into a [`FileChange`], leaving out files that end up as they were.
    fn finish(mut self) -> Plan {
        let mut changes = Vec::new();
        let private = self.private;
        let text = self.config.render();
        if self.config.original.as_deref() != Some(text.as_str()) {
            changes.push(FileChange {
                path: self.config.path.clone(),
                old: self.config.original.clone().map(String::into_bytes),
                new: Some(text.into_bytes()),
                mode: 0o644,
                private,
            });
        }
        for (path, file) in std::mem::take(&mut self.hosts) {
            let text = file.render();
            if file.original.as_deref() != Some(text.as_str()) {
                changes.push(FileChange {
                    path,
                    old: file.original.map(String::into_bytes),
                    new: Some(text.into_bytes()),
                    mode: 0o644,
                    private: false,
                });
            }
        }
        changes.append(&mut self.copies);
        if self.config.cri_disabled() {
            self.notes.push(format!(
                "{} disables the CRI plugin (disabled_plugins): these settings take effect once it is enabled",
                self.config.path.display()
            ));
        }
        Plan {
            config: self.config.path.clone(),
            changes,
            notes: self.notes,
            consumed: Vec::new(),
        }
    }
}

/// The plan for `regctl containerd configure`.
pub fn configure(
    config: ConfigFile,
    daemon: Option<DaemonVersion>,
    request: &Request,
) -> Result<Plan, Error> {
    let endpoints = if request.endpoints.is_empty() {
        vec![Endpoint::default_for(
            &request.registry,
            request.default_plain_http(),
        )]
    } else {
        request
            .endpoints
            .iter()
            .map(|e| Endpoint::parse(e))
            .collect::<Result<_, _>>()?
    };
    for file in [&request.tls.ca_file]
        .into_iter()
        .flatten()
        .chain(request.tls.client.iter().flat_map(|(c, k)| [c, k]))
    {
        if !file.is_file() {
            return Err(Error::Unsupported(format!(
                "{}: no such file",
                file.display()
            )));
        }
    }
    let mode = match request.mode {
        Mode::Auto if daemon.is_some_and(|d| !d.reads_hosts_dirs()) => Mode::Legacy,
        Mode::Auto => Mode::Hosts,
        Mode::Hosts if daemon.is_some_and(|d| !d.reads_hosts_dirs()) => {
            return Err(Error::Unsupported(format!(
                "containerd {} reads no hosts.toml (that came in 1.5); use --mode legacy",
                daemon.expect("checked")
            )))
        }
        m => m,
    };
    let mut b = Builder::new(config, daemon);
    b.notes.extend(b.config.read_as_note());
    check_drop_ins(&mut b)?;
    match mode {
        Mode::Legacy => legacy(&mut b, request, &endpoints)?,
        _ => hosts_mode(&mut b, request, &endpoints)?,
    }
    for host in unique_hosts(&endpoints) {
        b.set_auth(&host, &request.auth)?;
    }
    Ok(b.finish())
}

/// A drop-in (`imports`) that sets the CRI plugin hides this file's CRI section on 1.x, and
/// its keys win on 2.x: refuse where the edit would be lost, say so where it may be.
fn check_drop_ins(b: &mut Builder) -> Result<(), Error> {
    let Some(drop_in) = b.config.cri_drop_ins().into_iter().next() else {
        return Ok(());
    };
    if b.daemon.is_some_and(|d| d.major < 2) {
        return Err(Error::refused(
            &b.config.path,
            format!(
                "its import {} sets the CRI plugin, which makes containerd 1.x ignore this file's CRI section; configure that file instead (--config {})",
                drop_in.display(),
                drop_in.display()
            ),
        ));
    }
    b.notes.push(format!(
        "note: the import {} also sets the CRI plugin; where it sets the same registry keys, it wins",
        drop_in.display()
    ));
    Ok(())
}

fn unique_hosts(endpoints: &[Endpoint]) -> Vec<String> {
    let mut hosts: Vec<String> = Vec::new();
    for e in endpoints {
        if !hosts.contains(&e.host) {
            hosts.push(e.host.clone());
        }
    }
    hosts
}

/// The one directory hosts.toml files go to, set as `config_path`.
fn choose_hosts_dir(b: &mut Builder, wanted: Option<&Path>) -> Result<PathBuf, Error> {
    let wanted = wanted
        .map(|d| std::path::absolute(d).map_err(Error::io(format!("resolving {}", d.display()))))
        .transpose()?;
    let current = b.config.config_path().unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&current)
        .filter(|d| !d.as_os_str().is_empty())
        .collect();
    let chosen = match (dirs.as_slice(), wanted) {
        ([], Some(d)) => d,
        ([], None) => {
            let next_to_config = b.config.path.with_file_name("certs.d");
            std::path::absolute(&next_to_config)
                .map_err(Error::io(format!("resolving {}", next_to_config.display())))?
        }
        (many, Some(d)) if many.contains(&d) => d,
        (_, Some(d)) => {
            return Err(Error::Unsupported(format!(
                "{} already sets config_path = {current:?} and its hosts.toml files are there; leave out --hosts-dir {}, or change config_path yourself first",
                b.config.path.display(),
                d.display()
            )))
        }
        (many, None) => many[0].clone(),
    };
    if dirs.len() > 1 {
        b.notes.push(format!(
            "config_path named several directories ({current}); containerd 2.1+ ignores such a list for CRI pulls, so it now names only {}: move any hosts.toml you still need from the others there",
            chosen.display()
        ));
    }
    b.config.set_config_path(&chosen.to_string_lossy())?;
    Ok(chosen)
}

fn hosts_mode(b: &mut Builder, request: &Request, endpoints: &[Endpoint]) -> Result<(), Error> {
    let root = choose_hosts_dir(b, request.hosts_dir.as_deref())?;
    move_legacy_entries(b, &root)?;

    let (upstream, capabilities, prefix) = match &request.mirror_of {
        Some(upstream) => (
            upstream,
            vec!["pull", "resolve"],
            format!("{}-", hosts::dir_name(request.registry.name())),
        ),
        None => (
            &request.registry,
            vec!["pull", "resolve", "push"],
            String::new(),
        ),
    };
    let dir = hosts::dir_in(&root, upstream.name());
    let ca = match &request.tls.ca_file {
        Some(src) => Some(b.copy(src, dir.join(format!("{prefix}ca.crt")), 0o644)?),
        None => None,
    };
    let client = match &request.tls.client {
        Some((cert, key)) => Some((
            b.copy(cert, dir.join(format!("{prefix}client.cert")), 0o644)?,
            b.copy(key, dir.join(format!("{prefix}client.key")), 0o600)?,
        )),
        None => None,
    };
    let server = match &request.mirror_of {
        Some(upstream) => Endpoint::default_for(upstream, false).url,
        None => Endpoint::default_for(&request.registry, request.default_plain_http()).url,
    };
    let file = b.hosts_file(dir.join(hosts::FILE_NAME))?;
    file.set_server(&server)?;
    for endpoint in endpoints {
        file.set_entry(&HostEntry {
            url: endpoint.url.clone(),
            capabilities: capabilities.to_vec(),
            skip_verify: request.tls.insecure,
            ca: ca.clone(),
            client: client.clone(),
            override_path: endpoint.override_path,
        })?;
    }
    Ok(())
}

/// containerd refuses `mirrors` (and, on 1.x, `configs.tls`) next to `config_path`: whatever
/// the file has of them becomes hosts.toml, unless a hosts.toml for that host already exists
/// (then it is what containerd uses, and the legacy entry is dropped).
fn move_legacy_entries(b: &mut Builder, root: &Path) -> Result<(), Error> {
    let tls = b.config.legacy_tls();
    let tls_of = |host: &str| tls.iter().find(|(h, _)| h == host).map(|(_, t)| t.clone());
    for (host, endpoints) in b.config.mirrors() {
        let dir = if host == "*" {
            root.join("_default")
        } else {
            hosts::dir_in(root, &host)
        };
        let path = dir.join(hosts::FILE_NAME);
        if path.exists() {
            b.notes.push(format!(
                "dropped the legacy mirrors of {host}: {} already configures it, and containerd ignores `mirrors` once `config_path` is set",
                path.display()
            ));
        } else {
            let server = legacy_endpoint(&host);
            let file = b.hosts_file(path.clone())?;
            if let Some(server) = &server {
                file.set_server(server)?;
            }
            for text in endpoints {
                let endpoint = Endpoint::parse(&text)?;
                if Some(&endpoint.url) == server.as_ref() {
                    continue;
                }
                let tls = tls_of(&endpoint.host).unwrap_or_default();
                file.set_entry(&legacy_entry(endpoint, &tls, MIRROR))?;
            }
            b.notes.push(format!(
                "moved the legacy mirrors of {host} to {}: `mirrors` next to `config_path` would stop CRI from loading",
                path.display()
            ));
        }
        b.config.remove_mirror(&host);
    }
    for (host, tls) in &tls {
        let path = hosts::dir_in(root, host).join(hosts::FILE_NAME);
        if !path.exists() && !b.hosts.contains_key(&path) {
            let endpoint = Endpoint::parse(&format!("https://{host}"))?;
            let file = b.hosts_file(path.clone())?;
            file.set_server(&endpoint.url)?;
            file.set_entry(&legacy_entry(endpoint, tls, REGISTRY))?;
        }
        b.config.remove_tls(host);
        b.notes.push(format!(
            "moved the legacy TLS settings of {host} to {}: containerd 1.x fails to load CRI with `configs.tls` next to `config_path`, and 2.x ignores them",
            path.display()
        ));
    }
    Ok(())
}

fn legacy_entry(endpoint: Endpoint, tls: &LegacyTls, capabilities: &[&'static str]) -> HostEntry {
    HostEntry {
        url: endpoint.url,
        capabilities: capabilities.to_vec(),
        skip_verify: tls.insecure_skip_verify,
        ca: tls.ca_file.as_ref().map(PathBuf::from),
        client: tls
            .cert_file
            .as_ref()
            .zip(tls.key_file.as_ref())
            .map(|(c, k)| (PathBuf::from(c), PathBuf::from(k))),
        override_path: endpoint.override_path,
    }
}

fn legacy(b: &mut Builder, request: &Request, endpoints: &[Endpoint]) -> Result<(), Error> {
    let config_path = b.config.config_path().unwrap_or_default();
    if !config_path.is_empty() {
        return Err(Error::Unsupported(format!(
            "--mode legacy: {} sets config_path = {config_path:?}, and containerd refuses `mirrors` next to it; use --mode hosts",
            b.config.path.display()
        )));
    }
    let tls = &request.tls;
    let absolute = |p: &PathBuf| -> Result<String, Error> {
        std::path::absolute(p)
            .map(|p| p.to_string_lossy().into_owned())
            .map_err(Error::io(format!("resolving {}", p.display())))
    };
    let legacy_tls = LegacyTls {
        insecure_skip_verify: tls.insecure,
        ca_file: tls.ca_file.as_ref().map(absolute).transpose()?,
        cert_file: tls.client.as_ref().map(|(c, _)| absolute(c)).transpose()?,
        key_file: tls.client.as_ref().map(|(_, k)| absolute(k)).transpose()?,
    };
    let ignores_tls = b.daemon.is_some_and(|d| d.ignores_legacy_tls()) || b.config.read_as >= 3;
    if legacy_tls != LegacyTls::default() && ignores_tls {
        return Err(Error::Unsupported(
            "--mode legacy: containerd 2.x ignores `configs.<host>.tls`; use --mode hosts".into(),
        ));
    }
    let upstream = request.mirror_of.as_ref().unwrap_or(&request.registry);
    // Without a `mirrors` entry CRI uses https://HOST, but http:// for a loopback registry.
    let default = [Endpoint::default_for(
        &request.registry,
        request.registry.is_loopback(),
    )];
    if request.mirror_of.is_some() || endpoints != default {
        let urls: Vec<String> = endpoints.iter().map(|e| e.url.clone()).collect();
        b.config.set_mirror(upstream.name(), &urls)?;
    }
    for host in unique_hosts(endpoints) {
        if legacy_tls == LegacyTls::default() {
            b.config.remove_tls(&host);
        } else {
            b.config.set_tls(&host, &legacy_tls)?;
        }
    }
    Ok(())
}

/// The plan for `regctl containerd remove`: REGISTRY's hosts.toml (and the files regctl put
/// next to it), its legacy `mirrors`, and its `configs` (TLS and credentials).
pub fn remove(
    config: ConfigFile,
    registry: &Registry,
    hosts_dir: Option<&Path>,
) -> Result<Plan, Error> {
    let mut b = Builder::new(config, None);
    let mut roots: Vec<PathBuf> =
        std::env::split_paths(&b.config.config_path().unwrap_or_default())
            .filter(|d| !d.as_os_str().is_empty())
            .collect();
    roots.extend(hosts_dir.map(Path::to_path_buf));
    let mut deletions = Vec::new();
    for root in roots {
        let dir = hosts::dir_in(&root, registry.name());
        let entries = std::fs::read_dir(&dir).into_iter().flatten().flatten();
        // hosts.toml and the files `configure` copies next to it (a mirror's are prefixed).
        let ours = |name: &str| {
            name == hosts::FILE_NAME
                || ["ca.crt", "client.cert", "client.key"]
                    .iter()
                    .any(|f| name == *f || name.ends_with(&format!("-{f}")))
        };
        let mut paths: Vec<PathBuf> = entries.map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            if !name.is_some_and(|n| ours(&n)) {
                continue;
            }
            if let Ok(old) = std::fs::read(&path) {
                if !deletions.iter().any(|c: &FileChange| c.path == path) {
                    deletions.push(FileChange {
                        path,
                        old: Some(old),
                        new: None,
                        mode: 0o644,
                        private: false,
                    });
                }
            }
        }
    }
    b.config.remove_mirror(registry.name());
    for host in [registry.name(), registry.api_host()] {
        b.config.remove_tls(host);
        b.config.remove_auth(host);
    }
    let mut plan = b.finish();
    plan.changes.extend(deletions);
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_as_containerd_reads_them() {
        let e = Endpoint::parse("https://Harbor.local:8443/").unwrap();
        assert_eq!(e.url, "https://harbor.local:8443");
        assert_eq!(e.host, "harbor.local:8443");
        assert!(!e.override_path);
        let e = Endpoint::parse("https://harbor.local/v2/dockerhub-proxy").unwrap();
        assert!(e.override_path);
        assert!(
            !Endpoint::parse("https://m.example.com/v2")
                .unwrap()
                .override_path
        );
        assert!(Endpoint::parse("ftp://x").is_err());
        assert!(Endpoint::parse("https://u:p@x").is_err());
        assert_eq!(
            Endpoint::parse("https://h.local:443").unwrap().host,
            "h.local:443"
        );
        let hub = Registry::parse("docker.io").unwrap();
        assert_eq!(
            Endpoint::default_for(&hub, false).url,
            "https://registry-1.docker.io"
        );
        assert_eq!(legacy_endpoint("*"), None);
    }
}
