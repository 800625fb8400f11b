//! `regctl containerd …`: configure containerd's registry access.

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

use super::connection::tls_options;
use crate::auth::credentials::Credentials;
use crate::auth::{Credential, Secret};
use crate::cli::containerd::{
    ChangeArgs, ConfigureArgs, ContainerdArgs, ContainerdCommand, ModeArg, RemoveArgs,
    RollbackArgs, ShowArgs,
};
use crate::cli::OutputFormat;
use crate::config::Config;
use crate::containerd::apply::{self, Options, Outcome};
use crate::containerd::config::ConfigFile;
use crate::containerd::plan::{self, AuthChange, Mode, Plan, Request, Tls};
use crate::containerd::service::{self, Daemon, Restart};
use crate::containerd::version::{which, Installed};
use crate::containerd::{check, show, Error};
use crate::exit::UsageError;
use crate::reference::Registry;

pub async fn run(args: ContainerdArgs, _verbose: bool) -> anyhow::Result<()> {
    // Files, locks and child processes: all blocking, so off the async workers.
    tokio::task::spawn_blocking(move || match args.command {
        ContainerdCommand::Configure(args) => configure(args),
        ContainerdCommand::Show(args) => show(args),
        ContainerdCommand::Remove(args) => remove(args),
        ContainerdCommand::Rollback(args) => rollback(args),
    })
    .await?
}

fn configure(args: ConfigureArgs) -> anyhow::Result<()> {
    let registry = Registry::parse(&args.registry)?;
    let mirror_of = args.mirror_of.as_deref().map(Registry::parse).transpose()?;
    let settings = Config::load()?;
    let tls = tls_options(&args.registry_args, &settings.host(&registry));
    let (auth, auth_note) = auth_change(&args, &settings, &registry)?;
    let request = Request {
        auth,
        registry,
        mirror_of,
        endpoints: args.endpoints,
        tls: Tls {
            insecure: tls.insecure,
            plain_http: tls.plain_http,
            ca_file: tls.ca_files.into_iter().next(),
            client: tls.client_cert.map(|c| (c.cert, c.key)),
        },
        mode: match args.mode {
            ModeArg::Auto => Mode::Auto,
            ModeArg::Hosts => Mode::Hosts,
            ModeArg::Legacy => Mode::Legacy,
        },
        hosts_dir: args.files.hosts_dir,
    };
    let _lock = apply::lock(&args.files.config, !args.change.dry_run)?;
    let installed = Installed::find();
    let daemon = installed.as_ref().and_then(|i| i.version);
    let config = ConfigFile::load(&args.files.config, daemon)?;
    config.check_editable()?;
    let mut plan = plan::configure(config, daemon, &request)?;
    plan.notes.extend(auth_note);
    check::candidate(&plan, installed.as_ref())?;
    finish(&plan, &args.change, installed.as_ref())
}

/// `--no-auth`, `--username` + `--password-stdin`, else what `regctl login` stored; with a note
/// for the user when there is nothing stored (printed with the plan's, so not before an error).
fn auth_change(
    args: &ConfigureArgs,
    settings: &Config,
    registry: &Registry,
) -> anyhow::Result<(AuthChange, Option<String>)> {
    if args.no_auth {
        return Ok((AuthChange::Remove, None));
    }
    if let Some(username) = &args.username {
        let mut password = String::new();
        std::io::stdin()
            .read_to_string(&mut password)
            .context("reading the password from stdin")?;
        let password = password.trim_end_matches(['\n', '\r']);
        if password.is_empty() {
            return Err(UsageError("the password read from stdin is empty".into()).into());
        }
        let credential = Credential {
            username: username.clone(),
            secret: Secret::Password(password.to_string()),
        };
        return Ok((AuthChange::Set(credential), None));
    }
    let stored = Credentials::open_to_read(args.registry_args.auth_file.as_deref())
        .get(settings, registry)?;
    Ok(match stored {
        Some(credential) => (AuthChange::Set(credential), None),
        None => (
            AuthChange::Keep,
            Some(format!("No credential stored for {registry} (see `regctl login {registry}`): credentials already in config.toml are left as they are.")),
        ),
    })
}

fn show(args: ShowArgs) -> anyhow::Result<()> {
    let installed = Installed::find();
    let config = ConfigFile::load(&args.config, installed.and_then(|i| i.version))?;
    let report = show::report(&config);
    match args.format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        OutputFormat::Text => print!("{}", show::render_text(&report)),
    }
    Ok(())
}

fn remove(args: RemoveArgs) -> anyhow::Result<()> {
    let registry = Registry::parse(&args.registry)?;
    // Nothing to remove where there is no directory yet.
    let _lock = apply::lock(&args.files.config, false)?;
    let installed = Installed::find();
    let config = ConfigFile::load(
        &args.files.config,
        installed.as_ref().and_then(|i| i.version),
    )?;
    config.check_editable()?;
    let plan = plan::remove(config, &registry, args.files.hosts_dir.as_deref())?;
    check::candidate(&plan, installed.as_ref())?;
    finish(&plan, &args.change, installed.as_ref())
}

/// Puts back the files as they were before the last change, whatever they hold now (even a
/// config.toml broken by hand): so neither parsing nor checks stand in the way.
fn rollback(args: RollbackArgs) -> anyhow::Result<()> {
    let config = &args.files.config;
    let _lock = apply::lock(config, false)?;
    let installed = Installed::find();
    let mut hosts_dirs: Vec<PathBuf> = args.files.hosts_dir.iter().cloned().collect();
    if let Ok(parsed) = ConfigFile::load(config, None) {
        let current = parsed.config_path().unwrap_or_default();
        hosts_dirs.extend(std::env::split_paths(&current).filter(|d| !d.as_os_str().is_empty()));
    }
    hosts_dirs.extend(config.parent().map(|d| d.join("certs.d")));
    let plan = apply::rollback_plan(config, &hosts_dirs)?;
    finish(&plan, &args.change, installed.as_ref())
}

/// Prints the plan's notes, applies it, and says what happened (the result on stdout).
fn finish(plan: &Plan, change: &ChangeArgs, installed: Option<&Installed>) -> anyhow::Result<()> {
    // Notes explain changes: with none to make, they would only be noise.
    if !plan.changes.is_empty() {
        for note in &plan.notes {
            eprintln!("{note}");
        }
    }
    let restart = if change.dry_run || change.no_restart || !plan.config_changed() {
        None
    } else {
        let restart = Restart::choose(change.restart_command.as_deref())?;
        let ctr = installed
            .and_then(Installed::ctr)
            .or_else(|| which("ctr"))
            .ok_or_else(|| Error::Restart("cannot check containerd's health after a restart: no `ctr` next to containerd or on PATH; pass --no-restart and restart containerd yourself".into()))?;
        let address = service::socket(change.address.clone(), &plan.config);
        Some((restart, Daemon { ctr, address }))
    };
    let options = Options {
        dry_run: change.dry_run,
        restart,
        timeout: Duration::from_secs(change.timeout),
    };
    match apply::apply(plan, &options)? {
        Outcome::Unchanged => println!("unchanged"),
        Outcome::DryRun(diff) => print!("{diff}"),
        Outcome::Written { files, restarted } => {
            for file in &files {
                eprintln!("wrote {}", file.display());
            }
            if restarted {
                println!("changed; containerd restarted and healthy");
            } else if plan.config_changed() {
                println!("changed; config.toml takes effect when containerd restarts");
            } else {
                println!("changed; hosts.toml is read on every pull: no restart needed");
            }
        }
    }
    Ok(())
}
