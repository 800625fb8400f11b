//! What containerd will use for each registry, from hosts.toml files or the legacy tables:
//! endpoints in the order tried, TLS, and whether credentials are set (never the secrets).

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::config::{legacy_endpoint, AuthSummary, ConfigFile};
use super::hosts::{self, HostsFile};
use crate::reference::Registry;

#[derive(Debug, Serialize)]
pub struct Report {
    pub config: PathBuf,
    pub version: i64,
    pub registry_table: String,
    /// `hosts` when `config_path` is set (hosts.toml files, read on every pull), else `legacy`.
    pub style: &'static str,
    pub config_path: Option<String>,
    pub registries: Vec<RegistryView>,
    /// Settings containerd will ignore or fail on.
    pub problems: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct RegistryView {
    /// `host[:port]`, `_default` or (legacy) `*`.
    pub host: String,
    /// The hosts.toml, or `config.toml` for the legacy tables.
    pub source: PathBuf,
    pub endpoints: Vec<EndpointView>,
}

#[derive(Debug, Serialize)]
pub struct EndpointView {
    pub url: String,
    pub capabilities: Vec<String>,
    pub skip_verify: bool,
    pub ca: Vec<String>,
    pub client: Vec<String>,
    pub headers: Vec<String>,
    /// `configs."<host>".auth` of the host this endpoint contacts.
    pub auth: Option<AuthSummary>,
}

pub fn report(config: &ConfigFile) -> Report {
    let config_path = config.config_path().filter(|p| !p.is_empty());
    let mut registries = Vec::new();
    let mut problems = Vec::new();
    match &config_path {
        Some(dirs) => {
            for root in std::env::split_paths(dirs) {
                registries.extend(from_hosts_dir(config, &root, &mut problems));
            }
            if let Some((host, _)) = config.mirrors().first() {
                problems.push(format!(
                    "`mirrors` (for {host}) is set next to `config_path`: CRI fails to load"
                ));
            }
            if let Some((host, _)) = config.legacy_tls().first() {
                problems.push(format!("`configs.tls` (for {host}) is set next to `config_path`: CRI fails to load on containerd 1.x, and 2.x ignores it"));
            }
        }
        None => registries.extend(from_legacy(config)),
    }
    // Credentials for hosts no endpoint above contacts (e.g. a registry reached directly).
    for host in config.auth_hosts() {
        let known = registries
            .iter()
            .flat_map(|r| &r.endpoints)
            .any(|e| endpoint_host(&e.url) == host);
        if !known {
            registries.push(RegistryView {
                host: host.clone(),
                source: config.path.clone(),
                endpoints: vec![plain_endpoint(config, &format!("https://{host}"))],
            });
        }
    }
    Report {
        config: config.path.clone(),
        version: config.version,
        registry_table: config.registry_table_name(),
        style: if config_path.is_some() {
            "hosts"
        } else {
            "legacy"
        },
        config_path,
        registries,
        problems,
    }
}

/// The registries of one hosts directory; files containerd cannot use go to `problems`.
fn from_hosts_dir(
    config: &ConfigFile,
    root: &Path,
    problems: &mut Vec<String>,
) -> Vec<RegistryView> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    dirs.sort();
    let mut views = Vec::new();
    for dir in dirs {
        let path = dir.join(hosts::FILE_NAME);
        if !path.is_file() {
            continue;
        }
        let file = match HostsFile::load(&path) {
            Ok(file) => file,
            Err(e) => {
                problems.push(format!("{e}: containerd ignores the file"));
                continue;
            }
        };
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let host = host_of_dir(&name);
        let read = hosts::dir_in(root, &host);
        if read != dir {
            problems.push(format!(
                "{} is not read: containerd reads {} for {host}",
                path.display(),
                read.display()
            ));
            continue;
        }
        let mut endpoints: Vec<EndpointView> = file
            .host_urls()
            .into_iter()
            .filter_map(|url| {
                let entry = file.entry(Some(&url))?;
                Some(view(config, url, entry))
            })
            .collect();
        let server = file.server().map(str::to_string).or_else(|| {
            Registry::parse(&host)
                .ok()
                .map(|r| format!("https://{}", r.api_host()))
        });
        // The server comes last; as a repeat of a host entry it adds nothing to show.
        if let (Some(server), Some(entry)) = (server, file.entry(None)) {
            if !endpoints.iter().any(|e| e.url == server) {
                endpoints.push(view(config, server, entry));
            }
        }
        if file.host_urls().is_empty() {
            problems.push(format!(
                "{} has no [host] table: containerd 1.6 and 1.7 before 1.7.32 cannot read it and use their defaults for {host}",
                path.display()
            ));
        }
        let unknown = endpoints
            .iter()
            .flat_map(|e| &e.capabilities)
            .find(|c| !["pull", "resolve", "push"].contains(&c.as_str()));
        if let Some(capability) = unknown {
            problems.push(format!(
                "{}: unknown capability `{capability}`: containerd ignores the whole file",
                path.display()
            ));
        }
        views.push(RegistryView {
            host,
            source: path,
            endpoints,
        });
    }
    views
}

fn from_legacy(config: &ConfigFile) -> Vec<RegistryView> {
    let tls = config.legacy_tls();
    let with_tls = |mut e: EndpointView| {
        if let Some((_, t)) = tls.iter().find(|(h, _)| *h == endpoint_host(&e.url)) {
            e.skip_verify = t.insecure_skip_verify;
            e.ca = t.ca_file.iter().cloned().collect();
            e.client = t.cert_file.iter().chain(&t.key_file).cloned().collect();
        }
        e
    };
    let mut views: Vec<RegistryView> = config
        .mirrors()
        .into_iter()
        .map(|(host, urls)| {
            let mut urls = urls;
            // containerd falls back to the registry itself after its mirrors.
            if let Some(upstream) = legacy_endpoint(&host) {
                if !urls.contains(&upstream) {
                    urls.push(upstream);
                }
            }
            RegistryView {
                host,
                source: config.path.clone(),
                endpoints: urls
                    .iter()
                    .map(|u| with_tls(plain_endpoint(config, u)))
                    .collect(),
            }
        })
        .collect();
    for (host, _) in &tls {
        let covered = views
            .iter()
            .flat_map(|v| &v.endpoints)
            .any(|e| endpoint_host(&e.url) == *host);
        if !covered {
            views.push(RegistryView {
                host: host.clone(),
                source: config.path.clone(),
                endpoints: legacy_endpoint(host)
                    .map(|url| with_tls(plain_endpoint(config, &url)))
                    .into_iter()
                    .collect(),
            });
        }
    }
    views
}

fn view(config: &ConfigFile, url: String, entry: hosts::EntryView) -> EndpointView {
    EndpointView {
        auth: config.auth(&endpoint_host(&url)),
        url,
        capabilities: entry.capabilities,
        skip_verify: entry.skip_verify,
        ca: entry.ca,
        client: entry.client,
        headers: entry.headers,
    }
}

fn plain_endpoint(config: &ConfigFile, url: &str) -> EndpointView {
    EndpointView {
        url: url.to_string(),
        capabilities: vec!["pull".into(), "resolve".into(), "push".into()],
        skip_verify: false,
        ca: Vec::new(),
        client: Vec::new(),
        headers: Vec::new(),
        auth: config.auth(&endpoint_host(url)),
    }
}

/// `host[:port]` of an endpoint URL.
fn endpoint_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or_default().to_string()
}

/// The inverse of [`hosts::dir_name`]: `host_port_` is `host:port`.
fn host_of_dir(name: &str) -> String {
    if let Some(inner) = name.strip_suffix('_') {
        if let Some((host, port)) = inner.rsplit_once('_') {
            if !host.is_empty() && port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty() {
                return format!("{host}:{port}");
            }
        }
    }
    name.to_string()
}

/// The report as text for people.
pub fn render_text(report: &Report) -> String {
    let mut out = format!(
        "{} (version {}, registry table {})\n",
        report.config.display(),
        report.version,
        report.registry_table
    );
    match &report.config_path {
        Some(dirs) => out.push_str(&format!(
            "style: hosts.toml under config_path = {dirs} (read on every pull)\n"
        )),
        None => out.push_str("style: legacy tables in config.toml (no config_path)\n"),
    }
    for problem in &report.problems {
        out.push_str(&format!("problem: {problem}\n"));
    }
    for registry in &report.registries {
        out.push_str(&format!(
            "\n{}  ({})\n",
            registry.host,
            registry.source.display()
        ));
        for e in &registry.endpoints {
            let mut facts = vec![e.capabilities.join(",")];
            if e.skip_verify {
                facts.push("skip_verify".into());
            }
            facts.extend(e.ca.iter().map(|c| format!("ca={c}")));
            if !e.client.is_empty() {
                facts.push(format!("client={}", e.client.join(",")));
            }
            if !e.headers.is_empty() {
                facts.push(format!("headers={}", e.headers.join(",")));
            }
            facts.push(match &e.auth {
                Some(a) => format!(
                    "auth={}{}",
                    a.kinds.join("+"),
                    a.username
                        .as_ref()
                        .map(|u| format!(" (user {u})"))
                        .unwrap_or_default()
                ),
                None => "no auth".into(),
            });
            out.push_str(&format!("  {}  {}\n", e.url, facts.join("  ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_names_back_to_hosts() {
        assert_eq!(host_of_dir("127.0.0.1_5000_"), "127.0.0.1:5000");
        assert_eq!(host_of_dir("docker.io"), "docker.io");
        assert_eq!(host_of_dir("_default"), "_default");
        assert_eq!(endpoint_host("https://h:5/v2/x"), "h:5");
    }
}
