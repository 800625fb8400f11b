//! Names of registries, as users type them and as the wire and credential stores need them.

use std::net::IpAddr;

/// The name docker and every tool after it use for Docker Hub.
pub const DOCKER_HUB: &str = "docker.io";
/// Where Docker Hub's registry API actually answers.
const DOCKER_HUB_API: &str = "registry-1.docker.io";
/// The key docker's `config.json` and credential helpers use for Docker Hub.
const DOCKER_HUB_CONFIG_KEY: &str = "https://index.docker.io/v1/";

#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    #[error("invalid registry name {0:?}: expected HOST or HOST:PORT, e.g. harbor.example.com or 127.0.0.1:5000")]
    InvalidRegistry(String),
    #[error("invalid repository {0:?}: expected [REGISTRY/]PATH with lower-case path components, e.g. harbor.example.com/library/busybox")]
    InvalidRepository(String),
}

/// A registry host as regctl keys everything by: `host` or `host:port`, lower-case, with
/// Docker Hub's aliases folded into `docker.io`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Registry {
    name: String,
}

impl Registry {
    /// Accepts what `docker login` accepts: a bare host, `host:port`, or a URL such as
    /// `https://harbor.example.com/` (scheme and path are dropped).
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let invalid = || ReferenceError::InvalidRegistry(input.to_string());
        let trimmed = input.trim();
        let without_scheme = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))
            .unwrap_or(trimmed);
        let host_port = without_scheme.split('/').next().unwrap_or_default();
        if host_port.is_empty() || host_port.contains('@') {
            return Err(invalid());
        }
        let (host, port) = split_host_port(host_port).ok_or_else(invalid)?;
        let host_ok = if host.starts_with('[') {
            host.trim_matches(|c| c == '[' || c == ']')
                .parse::<IpAddr>()
                .is_ok()
        } else {
            host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            })
        };
        if !host_ok || port.is_some_and(|p| p.parse::<u16>().is_err()) {
            return Err(invalid());
        }
        let name = host_port.to_ascii_lowercase();
        let name = match name.as_str() {
            "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
                DOCKER_HUB.to_string()
            }
            _ => name,
        };
        Ok(Registry { name })
    }

    pub fn docker_hub() -> Self {
        Registry {
            name: DOCKER_HUB.to_string(),
        }
    }

    /// `host` or `host:port`: the key for settings, certs.d directories and messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The `host[:port]` the registry API is reached at.
    pub fn api_host(&self) -> &str {
        if self.name == DOCKER_HUB {
            DOCKER_HUB_API
        } else {
            &self.name
        }
    }

    /// The key under which docker's `config.json` and `docker-credential-*` helpers file it.
    pub fn credential_key(&self) -> &str {
        if self.name == DOCKER_HUB {
            DOCKER_HUB_CONFIG_KEY
        } else {
            &self.name
        }
    }

    /// Every key another tool may have used for this registry in a `config.json`.
    pub fn matches_credential_key(&self, key: &str) -> bool {
        Registry::parse(key).is_ok_and(|r| r == *self)
    }

    /// Loopback registries are where plain HTTP is tolerated without being asked for, as docker does.
    pub fn is_loopback(&self) -> bool {
        let host = split_host_port(&self.name)
            .map(|(h, _)| h)
            .unwrap_or(&self.name);
        host == "localhost"
            || host
                .trim_matches(|c| c == '[' || c == ']')
                .parse::<IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

impl std::fmt::Display for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

/// A repository: a registry and a path inside it, normalised as docker does (`busybox` is
/// `docker.io/library/busybox`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Repository {
    registry: Registry,
    path: String,
}

impl Repository {
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let invalid = || ReferenceError::InvalidRepository(input.to_string());
        let (first, rest) = match input.split_once('/') {
            Some((first, rest)) => (first, Some(rest)),
            None => (input, None),
        };
        // docker's rule: the first component names a registry when it has a dot or a port, or
        // is `localhost`; otherwise the repository is on Docker Hub.
        let (registry, path) = match rest {
            Some(rest) if first.contains(['.', ':', '[']) || first == "localhost" => (
                Registry::parse(first).map_err(|_| invalid())?,
                rest.to_string(),
            ),
            _ => (Registry::docker_hub(), input.to_string()),
        };
        if !path.split('/').all(valid_path_component) || path.len() > 255 {
            return Err(invalid());
        }
        let path = if registry.name() == DOCKER_HUB && !path.contains('/') {
            format!("library/{path}")
        } else {
            path
        };
        Ok(Repository { registry, path })
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The path inside the registry, e.g. `library/busybox`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The token scope for `actions` (e.g. `pull` or `pull,push`) on this repository.
    pub fn scope(&self, actions: &str) -> String {
        format!("repository:{}:{actions}", self.path)
    }
}

impl std::fmt::Display for Repository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.registry, self.path)
    }
}

/// The distribution spec's `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
fn valid_path_component(c: &str) -> bool {
    let bytes = c.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(&bytes[0]) || !alnum(&bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(&bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(&bytes[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// Splits `host:port`, `[v6]:port`, `[v6]` or `host`; `None` for an unbracketed IPv6 address.
fn split_host_port(s: &str) -> Option<(&str, Option<&str>)> {
    if let Some(rest) = s.strip_prefix('[') {
        let end = rest.find(']')?;
        let host = &s[..end + 2];
        return match &rest[end + 1..] {
            "" => Some((host, None)),
            p => p.strip_prefix(':').map(|p| (host, Some(p))),
        };
    }
    match s.split_once(':') {
        Some((h, p)) if !p.contains(':') => Some((h, Some(p))),
        Some(_) => None,
        None => Some((s, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_hub_aliases_fold() {
        for s in [
            "docker.io",
            "index.docker.io",
            "https://index.docker.io/v1/",
            "registry-1.docker.io",
        ] {
            let r = Registry::parse(s).unwrap();
            assert_eq!(r.name(), "docker.io");
            assert_eq!(r.api_host(), "registry-1.docker.io");
            assert_eq!(r.credential_key(), "https://index.docker.io/v1/");
        }
    }

    #[test]
    fn repositories_normalise_like_docker() {
        let r = Repository::parse("busybox").unwrap();
        assert_eq!(r.to_string(), "docker.io/library/busybox");
        let r = Repository::parse("127.0.0.1:5000/private/app").unwrap();
        assert_eq!(r.registry().name(), "127.0.0.1:5000");
        assert_eq!(r.path(), "private/app");
        assert_eq!(r.scope("pull"), "repository:private/app:pull");
        assert_eq!(
            Repository::parse("localhost/a/b__c").unwrap().path(),
            "a/b__c"
        );
        assert_eq!(
            Repository::parse("bitnami/redis").unwrap().path(),
            "bitnami/redis"
        );
        for bad in [
            "",
            "Upper",
            "a//b",
            "a/-b",
            "a/b-",
            "harbor.local/",
            "a/b...c",
            "a:b",
        ] {
            assert!(Repository::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hosts_ports_and_urls() {
        assert_eq!(
            Registry::parse("https://Harbor.k8s.local/").unwrap().name(),
            "harbor.k8s.local"
        );
        assert_eq!(
            Registry::parse("127.0.0.1:5000").unwrap().name(),
            "127.0.0.1:5000"
        );
        assert_eq!(Registry::parse("[::1]:5000").unwrap().name(), "[::1]:5000");
        assert!(Registry::parse("127.0.0.1:5000").unwrap().is_loopback());
        assert!(Registry::parse("localhost:5000").unwrap().is_loopback());
        assert!(Registry::parse("[::1]:443").unwrap().is_loopback());
        assert!(!Registry::parse("harbor.local").unwrap().is_loopback());
        for bad in [
            "",
            "a b",
            "host:port",
            "host:99999",
            "user@host",
            "-bad.com",
            "::1",
        ] {
            assert!(Registry::parse(bad).is_err(), "{bad}");
        }
    }
}
