//! docker's `config.json` (also podman's `auth.json`): the file nerdctl, crane, skopeo and
//! kubectl tooling read. Unknown keys are kept as they are.

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde_json::{Map, Value};

use super::{Credential, Error, Secret};
use crate::atomic_write::write_atomic;
use crate::reference::Registry;

/// `--auth-file`, else `REGISTRY_AUTH_FILE`, else `$DOCKER_CONFIG/config.json`, else
/// `~/.docker/config.json`.
pub fn default_path(auth_file: Option<&Path>) -> PathBuf {
    if let Some(p) = auth_file {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os("REGISTRY_AUTH_FILE").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG").filter(|p| !p.is_empty()) {
        return PathBuf::from(dir).join("config.json");
    }
    home().join(".docker/config.json")
}

/// The other auth files a user's tools write, in the order containers-auth.json(5) and
/// go-containerregistry read them, without `primary` and files that do not exist: docker's
/// config.json, `REGISTRY_AUTH_FILE`, podman's `$XDG_RUNTIME_DIR/containers/auth.json` and
/// `~/.config/containers/auth.json`.
pub fn other_paths(primary: &Path) -> Vec<PathBuf> {
    let docker = match std::env::var_os("DOCKER_CONFIG").filter(|p| !p.is_empty()) {
        Some(dir) => PathBuf::from(dir).join("config.json"),
        None => home().join(".docker/config.json"),
    };
    let env_path = |name: &str| {
        std::env::var_os(name)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    };
    let config_home = env_path("XDG_CONFIG_HOME").unwrap_or_else(|| home().join(".config"));
    let mut paths = vec![docker];
    paths.extend(env_path("REGISTRY_AUTH_FILE"));
    paths.extend(env_path("XDG_RUNTIME_DIR").map(|d| d.join("containers/auth.json")));
    paths.push(config_home.join("containers/auth.json"));
    let mut seen = vec![primary.to_path_buf()];
    paths.retain(|p| {
        p.is_file() && !seen.contains(p) && {
            seen.push(p.clone());
            true
        }
    });
    paths
}

fn home() -> PathBuf {
    dirs::home_dir().unwrap_or_else(|| PathBuf::from("."))
}

#[derive(Debug, Clone)]
pub struct DockerConfig {
    path: PathBuf,
    doc: Map<String, Value>,
}

impl DockerConfig {
    /// A missing file reads as empty; a malformed one is an error, never silently replaced.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let doc = match std::fs::read(path) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Map::new(),
            Ok(bytes) => serde_json::from_slice::<Map<String, Value>>(&bytes)
                .map_err(|e| Error::Store(format!("{} is not valid JSON: {e}", path.display())))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Map::new(),
            Err(e) => return Err(Error::Store(format!("reading {}: {e}", path.display()))),
        };
        Ok(DockerConfig {
            path: path.to_path_buf(),
            doc,
        })
    }

    /// A file with nothing in it, at `path`.
    pub fn empty(path: &Path) -> Self {
        DockerConfig {
            path: path.to_path_buf(),
            doc: Map::new(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The credential helper for this registry: `credHelpers` first, then `credsStore`.
    pub fn helper_for(&self, registry: &Registry) -> Option<String> {
        let specific = self
            .doc
            .get("credHelpers")
            .and_then(Value::as_object)
            .and_then(|helpers| {
                let key = registry.best_credential_key(helpers.keys())?;
                helpers.get(key).and_then(Value::as_str)
            });
        specific
            .or_else(|| self.doc.get("credsStore").and_then(Value::as_str))
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    fn auths(&self) -> Option<&Map<String, Value>> {
        self.doc.get("auths").and_then(Value::as_object)
    }

    fn auth_key(&self, registry: &Registry) -> Option<String> {
        registry.best_credential_key(self.auths()?.keys()).cloned()
    }

    /// The credential in `auths`, from `auth` (base64 `user:password`), `username`/`password`,
    /// or `identitytoken`.
    pub fn get(&self, registry: &Registry) -> Option<Credential> {
        let entry = self.auths()?.get(&self.auth_key(registry)?)?.as_object()?;
        let text = |k: &str| entry.get(k).and_then(Value::as_str).unwrap_or_default();
        let (mut username, mut password) =
            (text("username").to_string(), text("password").to_string());
        if let Ok(decoded) = BASE64.decode(text("auth").trim()) {
            if let Some((u, p)) = String::from_utf8_lossy(&decoded).split_once(':') {
                username = u.to_string();
                password = p.to_string();
            }
        }
        let identity = text("identitytoken");
        let secret = if !identity.is_empty() {
            Secret::IdentityToken(identity.to_string())
        } else if !password.is_empty() {
            Secret::Password(password)
        } else {
            return None;
        };
        Some(Credential { username, secret })
    }

    pub fn set(&mut self, registry: &Registry, credential: &Credential) {
        let mut entry = Map::new();
        match &credential.secret {
            Secret::Password(p) => {
                let auth = BASE64.encode(format!("{}:{p}", credential.username));
                entry.insert("auth".into(), auth.into());
            }
            Secret::IdentityToken(t) => {
                let auth = BASE64.encode(format!("{}:", credential.username));
                entry.insert("auth".into(), auth.into());
                entry.insert("identitytoken".into(), t.clone().into());
            }
        }
        // Under the key docker writes: another spelling of it (a stale `http://host`) would
        // be passed over by docker, which reads the exact key first.
        let key = registry.credential_key().to_string();
        self.remove(registry);
        let auths = self
            .doc
            .entry("auths")
            .or_insert_with(|| Value::Object(Map::new()));
        if !auths.is_object() {
            *auths = Value::Object(Map::new());
        }
        auths
            .as_object_mut()
            .expect("auths was just made an object")
            .insert(key, Value::Object(entry));
    }

    /// Removes every `auths` entry naming this whole registry (entries for one of its
    /// namespaces stay); true if there was one.
    pub fn remove(&mut self, registry: &Registry) -> bool {
        let Some(auths) = self.doc.get_mut("auths").and_then(Value::as_object_mut) else {
            return false;
        };
        let before = auths.len();
        auths.retain(|key, _| !registry.matches_credential_key(key));
        before != auths.len()
    }

    /// Written atomically with mode 0600: it holds secrets.
    pub fn save(&self) -> Result<(), Error> {
        let mut text = serde_json::to_string_pretty(&self.doc).expect("a JSON map serialises");
        text.push('\n');
        write_atomic(&self.path, text.as_bytes(), 0o600)
            .map_err(|e| Error::Store(format!("writing {}: {e}", self.path.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_writes_and_keeps_unknown_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(
            &path,
            r#"{"auths":{"https://index.docker.io/v1/":{"auth":"dTpw"},"127.0.0.1:5000":{"username":"a","password":"b"}},"credHelpers":{"gcr.io":"gcloud"},"psFormat":"x"}"#,
        )
        .unwrap();
        let mut cfg = DockerConfig::load(&path).unwrap();
        let hub = Registry::docker_hub();
        assert_eq!(
            cfg.get(&hub),
            Some(Credential {
                username: "u".into(),
                secret: Secret::Password("p".into())
            })
        );
        let local = Registry::parse("127.0.0.1:5000").unwrap();
        assert_eq!(cfg.get(&local).unwrap().username, "a");
        assert_eq!(
            cfg.helper_for(&Registry::parse("gcr.io").unwrap()),
            Some("gcloud".into())
        );
        assert_eq!(cfg.helper_for(&local), None);
        cfg.set(
            &local,
            &Credential {
                username: "robot$ci".into(),
                secret: Secret::IdentityToken("rt".into()),
            },
        );
        cfg.save().unwrap();
        let again = DockerConfig::load(&path).unwrap();
        assert_eq!(
            again.get(&local).unwrap().secret,
            Secret::IdentityToken("rt".into())
        );
        assert!(std::fs::read_to_string(&path).unwrap().contains("psFormat"));
        let mut again = again;
        assert!(again.remove(&local));
        assert!(again.get(&local).is_none());
        assert!(again.get(&hub).is_some());
    }

    #[test]
    fn the_exact_key_wins_and_namespace_keys_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        let entry = |user: &str| format!(r#"{{"auth":"{}"}}"#, BASE64.encode(format!("{user}:pw")));
        std::fs::write(
            &path,
            format!(
                r#"{{"auths":{{"http://localhost:5555":{},"localhost:5555":{},"localhost:5555/team-a":{},"docker.io":{},"https://index.docker.io/v1/":{}}}}}"#,
                entry("stale"),
                entry("current"),
                entry("team"),
                entry("podman"),
                entry("docker")
            ),
        )
        .unwrap();
        let mut cfg = DockerConfig::load(&path).unwrap();
        let local = Registry::parse("localhost:5555").unwrap();
        assert_eq!(cfg.get(&local).unwrap().username, "current");
        assert_eq!(cfg.get(&Registry::docker_hub()).unwrap().username, "docker");
        // Only the namespace's own key names it: the registry's login does not touch it.
        let credential = Credential {
            username: "new".into(),
            secret: Secret::Password("pw".into()),
        };
        cfg.set(&local, &credential);
        assert!(cfg.remove(&local));
        let auths = cfg.auths().unwrap();
        assert!(auths.contains_key("localhost:5555/team-a"));
        assert!(!auths.contains_key("http://localhost:5555"));
        let team = Registry::parse("localhost:5555").unwrap();
        assert!(!team.matches_credential_key("localhost:5555/team-a"));
        assert!(team.matches_credential_key("https://localhost:5555/v2/"));
    }

    #[test]
    fn malformed_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, "{not json").unwrap();
        assert!(DockerConfig::load(&path).is_err());
    }
}
