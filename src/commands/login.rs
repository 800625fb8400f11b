//! `regctl login`: answer the registry's challenge with the user's credential, and store it
//! only once the registry has accepted it.

use std::io::{BufRead, IsTerminal, Read};

use anyhow::Context;
use reqwest::Method;

use super::connection::{remember, tls_options, warn_if_insecure};
use crate::auth::credentials::{Credentials, Location, StoreChoice};
use crate::auth::{Credential, Secret};
use crate::cli::{LoginArgs, StoreKind};
use crate::config::Config;
use crate::exit::UsageError;
use crate::reference::Registry;
use crate::registry::{self, Client};
use crate::transport::Transport;

pub async fn run(args: LoginArgs, verbose: bool) -> anyhow::Result<()> {
    let registry = Registry::parse(&args.server)?;
    let mut config = Config::load()?;
    let options = tls_options(&args.registry, &config.host(&registry));
    warn_if_insecure(&registry, &options);
    let mut credentials = Credentials::open(args.registry.auth_file.as_deref())?;
    let transport = Transport::new(&registry, &options, verbose)?;

    let given = credential_from_args(&args)?;
    // `reused`: the credential already stored was accepted.
    let (credential, client, reused) = match given {
        Some(credential) => {
            let client = verify(transport, credential.clone()).await?;
            (credential, client, false)
        }
        None => match credentials.get(&config, &registry)? {
            // docker's behaviour: `login SERVER` alone first tries what is already stored.
            Some(stored) => match verify(transport.clone(), stored.clone()).await {
                Ok(client) => (stored, client, true),
                Err(e) if is_unauthorized(&e) && std::io::stdin().is_terminal() => {
                    eprintln!("The stored credential for {registry} was refused: {e}");
                    let credential = prompt(None)?;
                    (
                        credential.clone(),
                        verify(transport, credential).await?,
                        false,
                    )
                }
                Err(e) => return Err(e.into()),
            },
            None => {
                let credential = prompt(None)?;
                (
                    credential.clone(),
                    verify(transport, credential).await?,
                    false,
                )
            }
        },
    };

    // A refresh token, when the token service grants one, is stored instead of the password.
    let refresh = client.session().take_refresh_token();
    // A stored credential that still works stays where it is (another tool's file, say),
    // unless --store asks to move it or a refresh token replaces it.
    if !(reused && refresh.is_none() && args.store.is_none()) {
        let to_store = match refresh {
            Some(token) => Credential {
                username: credential.username,
                secret: Secret::IdentityToken(token),
            },
            None => credential,
        };
        let choice = match args.store {
            None => StoreChoice::Auto,
            Some(StoreKind::Keyring) => StoreChoice::Keyring,
            Some(StoreKind::File) => StoreChoice::File,
        };
        let location = credentials.store(&mut config, &registry, &to_store, choice)?;
        if let Location::File(path) = &location {
            eprintln!(
                "WARNING! Your credentials are stored unencrypted in '{}'.",
                path.display()
            );
        }
    }
    let settings = remember(&args.registry, config.host(&registry))?;
    config.set_host(&registry, settings);
    config
        .save()
        .with_context(|| "remembering the registry's settings")?;
    println!("Login Succeeded");
    Ok(())
}

/// The credential the flags give, reading `--password-stdin` or prompting as needed; `None`
/// when no flag names a user, so that a stored credential may be tried first.
fn credential_from_args(args: &LoginArgs) -> anyhow::Result<Option<Credential>> {
    if args.password.is_some() {
        eprintln!("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
    }
    if args.password_stdin {
        let Some(username) = args.username.clone() else {
            return Err(UsageError("--password-stdin needs --username".into()).into());
        };
        let mut password = String::new();
        std::io::stdin()
            .read_to_string(&mut password)
            .context("reading the password from stdin")?;
        let password = password.trim_end_matches(['\n', '\r']).to_string();
        if password.is_empty() {
            return Err(UsageError("the password read from stdin is empty".into()).into());
        }
        return Ok(Some(Credential {
            username,
            secret: Secret::Password(password),
        }));
    }
    match (&args.username, &args.password) {
        (Some(u), Some(p)) => Ok(Some(Credential {
            username: u.clone(),
            secret: Secret::Password(p.clone()),
        })),
        (Some(u), None) => prompt(Some(u)).map(Some),
        (None, Some(_)) => Err(UsageError("--password needs --username".into()).into()),
        (None, None) => Ok(None),
    }
}

/// Asks at the terminal; without one, fails at once rather than waiting on a pipe forever.
fn prompt(username: Option<&String>) -> anyhow::Result<Credential> {
    if !std::io::stdin().is_terminal() {
        let pass = match username {
            Some(_) => "pass the password on stdin with --password-stdin",
            None => "pass --username, and the password on stdin with --password-stdin",
        };
        return Err(UsageError(format!(
            "no password given and stdin is not a terminal: {pass}"
        ))
        .into());
    }
    let username = match username {
        Some(u) => u.clone(),
        None => {
            eprint!("Username: ");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let u = line.trim().to_string();
            if u.is_empty() {
                return Err(UsageError("a username is required".into()).into());
            }
            u
        }
    };
    let password = rpassword::prompt_password("Password: ").context("reading the password")?;
    if password.is_empty() {
        return Err(UsageError("a password is required".into()).into());
    }
    Ok(Credential {
        username,
        secret: Secret::Password(password),
    })
}

/// Authenticates against `GET /v2/` with `credential`, asking for a refresh token.
async fn verify(transport: Transport, credential: Credential) -> Result<Client, registry::Error> {
    let client = Client::connect(transport, Some(credential), true).await?;
    if !client.session().has_challenge() {
        // docker stores it all the same; saying so is the honest part.
        eprintln!(
            "WARNING! {} asked for no credentials, so this one could not be checked.",
            client.transport().registry()
        );
    }
    let response = client
        .send(&[], |t| t.request(Method::GET, t.url("v2/")))
        .await?;
    if !response.status().is_success() {
        return Err(registry::Error::NotARegistry {
            registry: client.transport().registry().to_string(),
            status: response.status().as_u16(),
        });
    }
    Ok(client)
}

fn is_unauthorized(e: &registry::Error) -> bool {
    matches!(
        e,
        registry::Error::Auth(crate::auth::Error::Unauthorized { .. })
    )
}
