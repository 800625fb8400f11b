//! Is a new config.toml one that containerd loads with CRI intact? Three looks: it parses
//! again, it keeps containerd's rules for the registry table, and (where the binary is here)
//! `containerd --config CANDIDATE config dump` accepts it.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::config::ConfigFile;
use super::plan::Plan;
use super::service::run_with_timeout;
use super::version::Installed;
use super::Error;

/// Checks the plan's new config.toml; a plan that leaves it alone passes.
pub fn candidate(plan: &Plan, installed: Option<&Installed>) -> Result<(), Error> {
    let Some(change) = plan.changes.iter().find(|c| c.path == plan.config) else {
        return Ok(());
    };
    let Some(new) = &change.new else {
        return Ok(());
    };
    let text = String::from_utf8_lossy(new).into_owned();
    let daemon = installed.and_then(|i| i.version);
    let reparsed = ConfigFile::parse(&plan.config, Some(text.clone()), daemon)?;
    reparsed.check_rules(daemon)?;
    if let Some(installed) = installed {
        dump(&installed.containerd, &plan.config, &text)?;
    }
    Ok(())
}

/// Runs `containerd config dump` on the candidate, written beside the real file so that
/// relative `imports` resolve as they will.
fn dump(containerd: &Path, config: &Path, text: &str) -> Result<(), Error> {
    let dir = config.parent().filter(|d| d.is_dir());
    let mut builder = tempfile::Builder::new();
    builder.prefix(".regctl-check-").suffix(".toml");
    // The candidate may hold credentials: only root reads it (tempfile makes it 0600).
    let mut file = dir
        .and_then(|d| builder.tempfile_in(d).ok())
        .map_or_else(|| builder.tempfile(), Ok)
        .map_err(Error::io("creating a temp file for the candidate config"))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .map_err(Error::io("writing the candidate config"))?;
    let mut command = Command::new(containerd);
    command
        .arg("--config")
        .arg(file.path())
        .args(["config", "dump"]);
    let output =
        run_with_timeout(&mut command, Duration::from_secs(30)).map_err(|e| Error::Io {
            context: format!("running {} config dump", containerd.display()),
            cause: e,
        })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let reason = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("exited with an error")
        .trim()
        .trim_start_matches("containerd: ")
        .replace(
            &file.path().to_string_lossy().into_owned(),
            &config.to_string_lossy(),
        );
    Err(Error::Rejected {
        path: config.to_path_buf(),
        reason,
    })
}
