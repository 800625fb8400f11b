//! The OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows).
//! One entry per registry under the service name `regctl`, holding the username and secret.

use serde::{Deserialize, Serialize};

use super::{Credential, Error, Secret};
use crate::reference::Registry;

const SERVICE: &str = "regctl";

#[derive(Serialize, Deserialize)]
struct Stored {
    username: String,
    secret: String,
    #[serde(default)]
    identity_token: bool,
}

fn entry(registry: &Registry) -> Result<keyring::Entry, keyring::Error> {
    keyring::Entry::new(SERVICE, registry.name())
}

/// Stores the credential; an error means no usable keyring here (e.g. no D-Bus session on a
/// headless server), which the caller turns into the file fallback.
pub fn set(registry: &Registry, credential: &Credential) -> Result<(), keyring::Error> {
    let stored = Stored {
        username: credential.username.clone(),
        secret: credential.secret.expose().to_string(),
        identity_token: matches!(credential.secret, Secret::IdentityToken(_)),
    };
    let text = serde_json::to_string(&stored).expect("a credential serialises");
    entry(registry)?.set_password(&text)
}

pub fn get(registry: &Registry) -> Result<Option<Credential>, Error> {
    let text = match entry(registry).and_then(|e| e.get_password()) {
        Ok(t) => t,
        Err(keyring::Error::NoEntry) => return Ok(None),
        Err(e) => return Err(Error::Store(format!("reading the OS keyring: {e}"))),
    };
    let stored: Stored = serde_json::from_str(&text)
        .map_err(|_| Error::Store(format!("the keyring entry for {registry} is not regctl's")))?;
    let secret = if stored.identity_token {
        Secret::IdentityToken(stored.secret)
    } else {
        Secret::Password(stored.secret)
    };
    Ok(Some(Credential {
        username: stored.username,
        secret,
    }))
}

/// True when there was an entry.
pub fn delete(registry: &Registry) -> Result<bool, Error> {
    match entry(registry).and_then(|e| e.delete_credential()) {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(Error::Store(format!("removing from the OS keyring: {e}"))),
    }
}
