//! docker's credential-helper protocol: `docker-credential-<name> get|store|erase`, with the
//! server URL or a JSON document on stdin, so that secrets never appear in a process list.

use std::io::Write;
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use super::{Credential, Error, Secret};

/// docker's marker for "this is an identity token, not a password".
const TOKEN_USERNAME: &str = "<token>";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HelperCredential {
    #[serde(default, rename = "ServerURL")]
    server_url: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    secret: String,
}

pub struct Helper {
    program: String,
}

impl Helper {
    pub fn new(name: &str) -> Self {
        Helper {
            program: format!("docker-credential-{name}"),
        }
    }

    pub fn name(&self) -> &str {
        &self.program
    }

    pub fn get(&self, server: &str) -> Result<Option<Credential>, Error> {
        let out = self.run("get", server.as_bytes())?;
        if !out.status.success() {
            let text = String::from_utf8_lossy(&out.stdout).to_lowercase()
                + &String::from_utf8_lossy(&out.stderr).to_lowercase();
            if text.contains("credentials not found") {
                return Ok(None);
            }
            return Err(self.failed("get", &out));
        }
        let parsed: HelperCredential = serde_json::from_slice(&out.stdout)
            .map_err(|e| Error::Store(format!("{} get: unreadable answer: {e}", self.program)))?;
        if parsed.secret.is_empty() {
            return Ok(None);
        }
        Ok(Some(if parsed.username == TOKEN_USERNAME {
            Credential {
                username: String::new(),
                secret: Secret::IdentityToken(parsed.secret),
            }
        } else {
            Credential {
                username: parsed.username,
                secret: Secret::Password(parsed.secret),
            }
        }))
    }

    pub fn store(&self, server: &str, credential: &Credential) -> Result<(), Error> {
        let username = match credential.secret {
            Secret::IdentityToken(_) => TOKEN_USERNAME.to_string(),
            Secret::Password(_) => credential.username.clone(),
        };
        let body = serde_json::to_vec(&HelperCredential {
            server_url: server.to_string(),
            username,
            secret: credential.secret.expose().to_string(),
        })
        .expect("a credential serialises");
        let out = self.run("store", &body)?;
        if !out.status.success() {
            return Err(self.failed("store", &out));
        }
        Ok(())
    }

    /// True when the helper held something for `server`.
    pub fn erase(&self, server: &str) -> Result<bool, Error> {
        let out = self.run("erase", server.as_bytes())?;
        if out.status.success() {
            return Ok(true);
        }
        let text = String::from_utf8_lossy(&out.stdout).to_lowercase()
            + &String::from_utf8_lossy(&out.stderr).to_lowercase();
        if text.contains("not found") {
            return Ok(false);
        }
        Err(self.failed("erase", &out))
    }

    fn run(&self, verb: &str, input: &[u8]) -> Result<std::process::Output, Error> {
        let mut child = Command::new(&self.program)
            .arg(verb)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                Error::Store(format!("cannot run {} (is it on PATH?): {e}", self.program))
            })?;
        let mut stdin = child.stdin.take().expect("stdin was piped");
        // A helper that exits without reading is answered by its exit status, not by EPIPE.
        let _ = stdin.write_all(input);
        drop(stdin);
        child
            .wait_with_output()
            .map_err(|e| Error::Store(format!("{} {verb}: {e}", self.program)))
    }

    /// The helper's own words, which never contain the secret (it was sent on stdin).
    fn failed(&self, verb: &str, out: &std::process::Output) -> Error {
        let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
        let said = if said.is_empty() {
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        } else {
            said
        };
        Error::Store(format!("{} {verb} failed: {said}", self.program))
    }
}
