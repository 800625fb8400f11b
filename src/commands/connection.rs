//! Reaching a registry as the user set it up: command-line flags over the settings `login`
//! remembered, plus the stored credential.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::auth::credentials::Credentials;
use crate::cli::RegistryArgs;
use crate::config::{Config, HostSettings};
use crate::reference::Registry;
use crate::registry::Client;
use crate::transport::{ClientCert, TlsOptions, Transport};

/// Flags given now win over remembered settings; a remembered CA or client certificate is used
/// only while the file still exists, so a moved file is not a hard failure of every command.
pub fn tls_options(args: &RegistryArgs, remembered: &HostSettings) -> TlsOptions {
    let ca_file = args
        .ca_file
        .clone()
        .or_else(|| remembered.ca_file.clone().filter(|p| p.exists()));
    let client_cert = match (&args.cert_file, &args.key_file) {
        (Some(cert), Some(key)) => Some(ClientCert {
            cert: cert.clone(),
            key: key.clone(),
        }),
        _ => match (&remembered.cert_file, &remembered.key_file) {
            (Some(cert), Some(key)) if cert.exists() && key.exists() => Some(ClientCert {
                cert: cert.clone(),
                key: key.clone(),
            }),
            _ => None,
        },
    };
    TlsOptions {
        ca_files: ca_file.into_iter().collect(),
        client_cert,
        insecure: args.insecure || remembered.insecure,
        plain_http: args.plain_http || remembered.plain_http,
    }
}

/// What to remember after a successful login: the flags given now, with absolute paths.
pub fn remember(args: &RegistryArgs, mut settings: HostSettings) -> anyhow::Result<HostSettings> {
    let absolute = |p: &Path| -> anyhow::Result<PathBuf> {
        std::path::absolute(p).with_context(|| format!("resolving {}", p.display()))
    };
    if let Some(ca) = &args.ca_file {
        settings.ca_file = Some(absolute(ca)?);
    }
    if let (Some(cert), Some(key)) = (&args.cert_file, &args.key_file) {
        settings.cert_file = Some(absolute(cert)?);
        settings.key_file = Some(absolute(key)?);
    }
    settings.insecure |= args.insecure;
    settings.plain_http |= args.plain_http;
    Ok(settings)
}

pub fn warn_if_insecure(registry: &Registry, options: &TlsOptions) {
    if options.insecure {
        eprintln!("WARNING! TLS certificate verification is disabled for {registry}");
    }
}

/// A client for `registry` with the stored credential (if any), for commands other than login.
pub async fn connect(
    registry: &Registry,
    args: &RegistryArgs,
    verbose: bool,
) -> anyhow::Result<Client> {
    let config = Config::load()?;
    let options = tls_options(args, &config.host(registry));
    warn_if_insecure(registry, &options);
    let credential = Credentials::open_to_read(args.auth_file.as_deref()).get(&config, registry)?;
    let transport = Transport::new(registry, &options, verbose)?;
    Ok(Client::connect(transport, credential, false).await?)
}
