//! Per-host certificate directories that docker and containerd already use, so a node set up for
//! them needs no extra flags: `/etc/containerd/certs.d/<host>/`, `/etc/docker/certs.d/<host>/`
//! and regctl's own `<config dir>/certs.d/<host>/`.

use std::path::{Path, PathBuf};

use super::tls::ClientCert;
use crate::reference::Registry;

/// What the directories say about one registry.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct HostCerts {
    pub ca_files: Vec<PathBuf>,
    pub client_certs: Vec<ClientCert>,
    /// containerd's `skip_verify = true` for this host.
    pub skip_verify: bool,
}

/// The roots searched, most specific to the machine first.
pub fn default_roots() -> Vec<PathBuf> {
    let mut roots = vec![
        PathBuf::from("/etc/containerd/certs.d"),
        PathBuf::from("/etc/docker/certs.d"),
        // podman's and skopeo's, in docker's layout.
        PathBuf::from("/etc/containers/certs.d"),
    ];
    // Rootless docker's and podman's.
    if let Some(config) = dirs::config_dir() {
        roots.push(config.join("docker/certs.d"));
        roots.push(config.join("containers/certs.d"));
    }
    roots.push(crate::config::config_dir().join("certs.d"));
    roots
}

pub fn lookup(roots: &[PathBuf], registry: &Registry) -> HostCerts {
    let mut found = HostCerts::default();
    for root in roots {
        for dir in directory_names(registry.name()) {
            let dir = root.join(dir);
            if dir.is_dir() {
                read_dir_certs(&dir, registry, &mut found);
            }
        }
    }
    found
}

/// containerd looks for `host_port_` before `host:port` (the colon is not allowed in every
/// file system); docker uses `host:port`.
fn directory_names(name: &str) -> Vec<String> {
    match name.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => vec![format!("{host}_{port}_"), name.into()],
        _ => vec![name.to_string()],
    }
}

fn read_dir_certs(dir: &Path, registry: &Registry, found: &mut HostCerts) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    names.sort();
    for path in &names {
        match path.extension().and_then(|e| e.to_str()) {
            Some("crt") => found.ca_files.push(path.clone()),
            // docker's convention: `client.cert` with `client.key` beside it.
            Some("cert") => {
                let key = path.with_extension("key");
                if key.is_file() {
                    found.client_certs.push(ClientCert {
                        cert: path.clone(),
                        key,
                    });
                }
            }
            _ => {}
        }
    }
    let hosts_toml = dir.join("hosts.toml");
    if let Ok(text) = std::fs::read_to_string(&hosts_toml) {
        if let Ok(doc) = text.parse::<toml::Table>() {
            read_hosts_toml(&doc, dir, registry, found);
        }
    }
}

/// The top-level keys describe `server`; `[host."…"]` entries count when they name this
/// registry's own host (mirrors elsewhere have their own certificates).
fn read_hosts_toml(doc: &toml::Table, dir: &Path, registry: &Registry, found: &mut HostCerts) {
    apply_host_table(doc, dir, found);
    if let Some(hosts) = doc.get("host").and_then(|h| h.as_table()) {
        for (url, table) in hosts {
            let same_host = url::Url::parse(url).ok().is_some_and(|u| {
                let host = match (u.host_str(), u.port()) {
                    (Some(h), Some(p)) => format!("{h}:{p}"),
                    (Some(h), None) => h.to_string(),
                    _ => return false,
                };
                host == registry.api_host() || host == registry.name()
            });
            if let (true, Some(table)) = (same_host, table.as_table()) {
                apply_host_table(table, dir, found);
            }
        }
    }
}

fn apply_host_table(table: &toml::Table, dir: &Path, found: &mut HostCerts) {
    let resolve = |p: &str| {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            dir.join(p)
        }
    };
    match table.get("ca") {
        Some(toml::Value::String(s)) => found.ca_files.push(resolve(s)),
        Some(toml::Value::Array(a)) => found
            .ca_files
            .extend(a.iter().filter_map(|v| v.as_str()).map(resolve)),
        _ => {}
    }
    // `client` is one combined PEM, a list of them, or a list of [cert, key] pairs.
    let pair = |v: &toml::Value| -> Option<ClientCert> {
        match v {
            toml::Value::String(s) => Some(ClientCert {
                cert: resolve(s),
                key: resolve(s),
            }),
            toml::Value::Array(a) => {
                let cert = a.first()?.as_str()?;
                let key = a.get(1).and_then(|k| k.as_str()).filter(|k| !k.is_empty());
                Some(ClientCert {
                    cert: resolve(cert),
                    key: resolve(key.unwrap_or(cert)),
                })
            }
            _ => None,
        }
    };
    match table.get("client") {
        Some(s @ toml::Value::String(_)) => found.client_certs.extend(pair(s)),
        Some(toml::Value::Array(a)) if a.iter().all(|v| v.is_str()) && a.len() == 2 => found
            .client_certs
            .extend(pair(&toml::Value::Array(a.clone()))),
        Some(toml::Value::Array(a)) => found.client_certs.extend(a.iter().filter_map(pair)),
        _ => {}
    }
    if table.get("skip_verify").and_then(|v| v.as_bool()) == Some(true) {
        found.skip_verify = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_docker_and_containerd_layouts() {
        let root = tempfile::tempdir().unwrap();
        let r = Registry::parse("reg.example.com:5000").unwrap();
        let docker = root.path().join("docker/reg.example.com:5000");
        std::fs::create_dir_all(&docker).unwrap();
        for f in ["ca.crt", "client.cert", "client.key"] {
            std::fs::write(docker.join(f), "x").unwrap();
        }
        let ctrd = root.path().join("containerd/reg.example.com_5000_");
        std::fs::create_dir_all(&ctrd).unwrap();
        std::fs::write(
            ctrd.join("hosts.toml"),
            r#"server = "https://reg.example.com:5000"
ca = "/etc/ca.pem"
[host."https://reg.example.com:5000"]
  client = [["c.pem", "k.pem"]]
  skip_verify = true
[host."https://mirror.example.com"]
  ca = "mirror.pem"
"#,
        )
        .unwrap();
        let found = lookup(
            &[root.path().join("containerd"), root.path().join("docker")],
            &r,
        );
        assert_eq!(
            found.ca_files,
            vec![PathBuf::from("/etc/ca.pem"), docker.join("ca.crt")]
        );
        assert_eq!(
            found.client_certs,
            vec![
                ClientCert {
                    cert: ctrd.join("c.pem"),
                    key: ctrd.join("k.pem")
                },
                ClientCert {
                    cert: docker.join("client.cert"),
                    key: docker.join("client.key")
                }
            ]
        );
        assert!(found.skip_verify);
    }
}
