//! Names of registries, as users type them and as the wire and credential stores need them.

use std::net::IpAddr;

use crate::digest::Digest;

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
    #[error("invalid image reference {input:?}: {why}expected [REGISTRY/]REPOSITORY[:TAG][@sha256:DIGEST], e.g. harbor.example.com/library/busybox:1.35.0")]
    InvalidReference { input: String, why: &'static str },
    #[error("{reference} names digest {wanted}, but the image is {actual}; leave the digest out of the target, or name the image it is")]
    DigestMismatch {
        reference: String,
        wanted: Digest,
        actual: Digest,
    },
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

    /// Whether `key` of a `config.json` or `auth.json` names this whole registry, however
    /// another tool wrote it: `https://index.docker.io/v1/`, `http://host:port`, `host/`. A key
    /// with a repository path (`quay.io/team-a`, podman's per-namespace credentials) names
    /// only that namespace, never the registry.
    pub fn matches_credential_key(&self, key: &str) -> bool {
        let trimmed = key.trim();
        let rest = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))
            .unwrap_or(trimmed);
        let path = rest.split_once('/').map_or("", |(_, path)| path);
        matches!(path, "" | "v1" | "v1/" | "v2" | "v2/")
            && Registry::parse(key).is_ok_and(|r| r == *self)
    }

    /// Of the `keys` that name this registry, the one to use: the key `login` writes (docker's
    /// `https://index.docker.io/v1/` for Docker Hub) before any other spelling, as docker and
    /// containers/image prefer the exact key.
    pub fn best_credential_key<'a>(
        &self,
        keys: impl Iterator<Item = &'a String>,
    ) -> Option<&'a String> {
        let mut found = None;
        for key in keys.filter(|k| self.matches_credential_key(k)) {
            if key == self.credential_key() {
                return Some(key);
            }
            found.get_or_insert(key);
        }
        found
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

/// An image reference: a repository with a tag, a digest, or both (`name:tag@sha256:…`, where
/// the digest is what counts). A reference with neither means `:latest`, as docker does.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    repository: Repository,
    tag: Option<String>,
    digest: Option<Digest>,
}

impl Reference {
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        // What docker says too, before the general form.
        let invalid = |why| ReferenceError::InvalidReference {
            input: input.to_string(),
            why,
        };
        // docker.io/library/sha256 with a 64-hex tag, to the grammar; never what anyone means.
        if input.parse::<Digest>().is_ok() {
            return Err(invalid(
                "a digest alone names no image here; give NAME@sha256:… (rmi and tag take one alone); ",
            ));
        }
        let (rest, digest) = match input.split_once('@') {
            Some((rest, d)) => {
                let digest = d.parse::<Digest>().map_err(|_| {
                    invalid("the digest is not ALGORITHM:HEX (like sha256: and 64 hex digits); ")
                })?;
                (rest, Some(digest))
            }
            None => (input, None),
        };
        // A tag follows the last `:` after the last `/`; an earlier colon is a port.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
            None => (rest, None),
        };
        if let Some(tag) = tag {
            if !valid_tag(tag) {
                return Err(invalid(
                    "a tag is up to 128 letters, digits, _ . - and does not start with . or -; ",
                ));
            }
        }
        let repository = Repository::parse(name).map_err(|_| {
            let lower_case_is_valid = Repository::parse(&name.to_ascii_lowercase()).is_ok();
            invalid(if lower_case_is_valid {
                "the repository name must be lower-case; "
            } else {
                ""
            })
        })?;
        let tag = match (tag, &digest) {
            (Some(t), _) => Some(t.to_string()),
            (None, None) => Some("latest".to_string()),
            (None, Some(_)) => None,
        };
        Ok(Reference {
            repository,
            tag,
            digest,
        })
    }

    pub fn repository(&self) -> &Repository {
        &self.repository
    }

    pub fn registry(&self) -> &Registry {
        self.repository.registry()
    }

    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// What goes in `/v2/<name>/manifests/<reference>`: the digest when there is one.
    pub fn manifest_reference(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(d), _) => d.to_string(),
            (None, Some(t)) => t.clone(),
            (None, None) => unreachable!("a reference has a tag or a digest"),
        }
    }

    /// Where a manifest with `digest` is put: under the tag, or under its digest when the
    /// reference has no tag. A target that names another digest is refused rather than
    /// quietly given something else.
    pub fn manifest_reference_for(&self, digest: &Digest) -> Result<String, ReferenceError> {
        if let Some(wanted) = self.digest.as_ref().filter(|d| *d != digest) {
            return Err(ReferenceError::DigestMismatch {
                reference: self.to_string(),
                wanted: wanted.clone(),
                actual: digest.clone(),
            });
        }
        Ok(self.tag.clone().unwrap_or_else(|| digest.to_string()))
    }

    /// The same repository at `digest` (the tag is dropped: the digest says it all).
    pub fn with_digest(&self, digest: Digest) -> Reference {
        Reference {
            repository: self.repository.clone(),
            tag: None,
            digest: Some(digest),
        }
    }

    /// docker's short form for `RepoTags` and messages: `busybox:1.35.0` for Docker Hub's
    /// official images, the full name elsewhere.
    pub fn familiar(&self) -> String {
        let full = self.to_string();
        full.strip_prefix("docker.io/library/")
            .or_else(|| full.strip_prefix("docker.io/"))
            .map(str::to_string)
            .unwrap_or(full)
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`
fn valid_tag(tag: &str) -> bool {
    let first_ok = tag
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
    first_ok
        && tag.len() <= 128
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
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
    fn image_references() {
        let r = Reference::parse("busybox").unwrap();
        assert_eq!(r.to_string(), "docker.io/library/busybox:latest");
        assert_eq!(r.familiar(), "busybox:latest");
        let r = Reference::parse("127.0.0.1:5000/private/app:v1.2").unwrap();
        assert_eq!(r.registry().name(), "127.0.0.1:5000");
        assert_eq!(r.tag(), Some("v1.2"));
        assert_eq!(r.manifest_reference(), "v1.2");
        let d = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let r = Reference::parse(&format!("localhost:5000/a@{d}")).unwrap();
        assert_eq!(r.tag(), None);
        assert_eq!(r.manifest_reference(), d);
        let r = Reference::parse(&format!("harbor.local/lib/a:1@{d}")).unwrap();
        assert_eq!(r.to_string(), format!("harbor.local/lib/a:1@{d}"));
        assert_eq!(r.manifest_reference(), d);
        for bad in [
            "",
            "a:",
            "a:-x",
            "A",
            "a@sha256:12",
            "a:b:c",
            "harbor.local:5000/",
            "a b",
        ] {
            assert!(Reference::parse(bad).is_err(), "{bad}");
        }
        let why = |bad: &str| Reference::parse(bad).unwrap_err().to_string();
        assert!(why("Harbor.Local/Lib/App:1").contains("must be lower-case"));
        assert!(why("a:-x").contains("a tag is up to 128"));
        assert!(why("a@sha256:12").contains("the digest is not"));
        assert!(!why("a b").contains("lower-case"));
        let digest = format!("sha256:{}", "a".repeat(64));
        assert!(why(&digest).contains("a digest alone"));
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
