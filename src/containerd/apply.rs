//! Carrying out a [`Plan`]: an exclusive lock, a diff, a timestamped backup of each file,
//! atomic writes; then, when config.toml changed, a restart and a health check, and the old
//! files put back (and containerd restarted on them) when it does not come back healthy.

use std::fs::File;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use similar::TextDiff;

use super::plan::{FileChange, Plan};
use super::redact;
use super::service::{Daemon, Restart};
use super::Error;
use crate::atomic_write::write_atomic;

/// Marks this run's backups: `config.toml.regctl-20261127T070102.123456Z.bak`, or `….absent`
/// for a file the run created.
const BACKUP_TAG: &str = ".regctl-";

/// Holds the backups of files in a registry's folder, beside the folders (see `backup_dir`).
const BACKUP_DIR: &str = ".regctl-backups";

/// Backups kept per file: older ones go once a run has succeeded, so that repeated runs do not
/// pile files up in /etc/containerd. `rollback` can step back this many runs.
const KEEP_BACKUPS: usize = 10;

/// Held while a command reads, plans and writes; released on drop.
pub struct Lock {
    _dir: Option<File>,
}

/// Takes the exclusive lock on config.toml's directory (a lock on the file itself would be
/// lost when the file is replaced by rename). Waits up to 10 s for another run to finish.
///
/// A directory not there yet (containerd installed from a tarball has no /etc/containerd) is
/// created, 0755 as packages make it, when `will_write`; otherwise there is nothing to guard.
pub fn lock(config: &Path, will_write: bool) -> Result<Lock, Error> {
    let dir = match config.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.exists() {
        if !will_write {
            return Ok(Lock { _dir: None });
        }
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o755)
            .create(dir)
            .map_err(Error::io(format!("creating {}", dir.display())))?;
    }
    let file = File::open(dir).map_err(Error::io(format!("opening {}", dir.display())))?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // SAFETY: flock on a descriptor we own for as long as `file` lives.
        let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if r == 0 {
            return Ok(Lock { _dir: Some(file) });
        }
        let err = std::io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::EWOULDBLOCK) {
            return Err(Error::io(format!("locking {}", dir.display()))(err));
        }
        if Instant::now() >= deadline {
            return Err(Error::Locked(config.to_path_buf()));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// What to do after writing.
pub struct Options {
    pub dry_run: bool,
    /// `None`: `--no-restart`.
    pub restart: Option<(Restart, Daemon)>,
    pub timeout: Duration,
}

#[derive(Debug)]
pub enum Outcome {
    Unchanged,
    /// The unified diff of every file the plan would touch.
    DryRun(String),
    Written {
        files: Vec<PathBuf>,
        restarted: bool,
    },
}

pub fn apply(plan: &Plan, options: &Options) -> Result<Outcome, Error> {
    if plan.changes.is_empty() {
        remove_files(&plan.consumed);
        return Ok(Outcome::Unchanged);
    }
    if options.dry_run {
        return Ok(Outcome::DryRun(diff(plan)));
    }
    let restart = options.restart.as_ref().filter(|_| plan.config_changed());
    let before = restart.map(|(_, daemon)| daemon.state());

    // Modes as they are now: a restore puts them back along with the contents.
    let modes: Vec<Option<u32>> = plan.changes.iter().map(|c| mode_of(&c.path)).collect();
    let restore = |upto: usize| restore(&plan.changes[..upto], &modes[..upto]);
    let stamp = timestamp();
    let mut backups = Vec::new();
    for change in &plan.changes {
        match backup(change, &plan.config, &stamp) {
            Ok(path) => backups.push(path),
            Err(e) => {
                remove_files(&backups);
                return Err(e);
            }
        }
    }
    for (i, change) in plan.changes.iter().enumerate() {
        if let Err(e) = write(
            &change.path,
            change.new.as_deref(),
            change.mode,
            change.private,
        ) {
            restore(i);
            remove_files(&backups);
            return Err(e);
        }
    }
    let files: Vec<PathBuf> = plan.changes.iter().map(|c| c.path.clone()).collect();
    let (Some((restart, daemon)), Some(before)) = (restart, before) else {
        remove_files(&plan.consumed);
        prune_backups(&files, &plan.config);
        return Ok(Outcome::Written {
            files,
            restarted: false,
        });
    };

    if let Err(reason) = restart.run(options.timeout) {
        restore(plan.changes.len());
        remove_files(&backups);
        // Whatever the command did half-way, try once to have containerd on the old files.
        let _ = restart.run(options.timeout);
        return Err(Error::Restart(format!(
            "{reason}; the previous configuration was restored"
        )));
    }
    if let Err(reason) = daemon.wait_healthy(&before, options.timeout) {
        restore(plan.changes.len());
        remove_files(&backups);
        let baseline = daemon.mark(&before);
        let again = restart
            .run(options.timeout)
            .and_then(|()| daemon.wait_healthy(&baseline, options.timeout));
        return Err(match again {
            Ok(()) => Error::RolledBack { reason },
            Err(again) => Error::StillUnhealthy { reason, again },
        });
    }
    // Only now: a rollback that failed must still find the backups it was rolling back to.
    remove_files(&plan.consumed);
    prune_backups(&files, &plan.config);
    Ok(Outcome::Written {
        files,
        restarted: true,
    })
}

fn write(path: &Path, contents: Option<&[u8]>, mode: u32, private: bool) -> Result<(), Error> {
    let context = || format!("writing {}", path.display());
    let Some(contents) = contents else {
        return match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(context())(e)),
            _ => {
                // A registry's folder left empty goes too: containerd reads an existing folder
                // as that registry's (no hosts.toml: defaults) instead of `_default`. Only an
                // empty directory can be removed, so nothing of the user's goes with it.
                if let Some(dir) = path.parent() {
                    let _ = std::fs::remove_dir(dir);
                }
                Ok(())
            }
        };
    };
    if private && path.exists() {
        // Before the new contents exist anywhere: the rename keeps this mode.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(Error::io(context()))?;
    }
    let mode = if private { 0o600 } else { mode };
    write_atomic(path, contents, mode).map_err(Error::io(context()))
}

/// Puts every file back as it was before the plan, mode included (best effort: this runs
/// after a failure).
fn restore(changes: &[FileChange], modes: &[Option<u32>]) {
    for (change, mode) in changes.iter().zip(modes).rev() {
        let restored =
            write(&change.path, change.old.as_deref(), change.mode, false).and_then(|()| {
                use std::os::unix::fs::PermissionsExt;
                match mode {
                    Some(mode) if change.old.is_some() => std::fs::set_permissions(
                        &change.path,
                        std::fs::Permissions::from_mode(*mode),
                    )
                    .map_err(Error::io(format!(
                        "restoring the mode of {}",
                        change.path.display()
                    ))),
                    _ => Ok(()),
                }
            });
        if let Err(e) = restored {
            eprintln!("error: could not restore {}: {e}", change.path.display());
        }
    }
}

fn mode_of(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o7777)
}

fn remove_files(paths: &[PathBuf]) {
    for path in paths {
        let _ = std::fs::remove_file(path);
    }
}

/// Where the backups of `file` go. config.toml's sit beside it. Every other file sits in a
/// folder of its own (a registry's, under certs.d), and its backups go to
/// `.regctl-backups/<folder>/` beside the folders: kept in the folder, they would keep it there
/// after a rollback or a `remove` took the files, and containerd reads an existing folder as
/// the registry's instead of `_default`. containerd never reads `.regctl-backups` (no host name
/// starts with a dot).
fn backup_dir(file: &Path, config: &Path) -> PathBuf {
    let parent = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match (file == config, parent.parent(), parent.file_name()) {
        (false, Some(above), Some(folder)) => above.join(BACKUP_DIR).join(folder),
        _ => parent.to_path_buf(),
    }
}

/// Removes all but the newest `KEEP_BACKUPS` backups of each of `files`. Best effort: a backup
/// that cannot be removed now is removed by a later run.
fn prune_backups(files: &[PathBuf], config: &Path) {
    for file in files {
        let dir = backup_dir(file, config);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut backups: Vec<(String, PathBuf)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let (original, stamp, _) = parse_backup(&e.path())?;
                (original == *file).then(|| (stamp, e.path()))
            })
            .collect();
        backups.sort_by(|a, b| b.0.cmp(&a.0));
        let old: Vec<PathBuf> = backups
            .into_iter()
            .skip(KEEP_BACKUPS)
            .map(|(_, p)| p)
            .collect();
        remove_files(&old);
    }
}

fn backup(change: &FileChange, config: &Path, stamp: &str) -> Result<PathBuf, Error> {
    let name = change
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (suffix, contents) = match &change.old {
        Some(old) => ("bak", old.as_slice()),
        None => ("absent", &[][..]),
    };
    let dir = backup_dir(&change.path, config);
    adopt_old_backups(&change.path, &dir);
    let path = dir.join(format!("{name}{BACKUP_TAG}{stamp}.{suffix}"));
    // Backups of config.toml may hold credentials: only root reads them.
    write_atomic(&path, contents, 0o600)
        .map_err(Error::io(format!("writing the backup {}", path.display())))?;
    Ok(path)
}

/// Earlier builds kept a registry folder's backups in the folder itself, where they keep it
/// from ever being empty (see `backup_dir`): they move to `dir` when the file is next changed.
/// Best effort: one left behind is still found by `rollback`.
fn adopt_old_backups(file: &Path, dir: &Path) {
    let Some(folder) = file.parent().filter(|f| *f != dir) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if parse_backup(&path).is_some_and(|(original, _, _)| original == file) {
            let _ = std::fs::create_dir_all(dir);
            let _ = std::fs::rename(&path, dir.join(entry.file_name()));
        }
    }
}

/// UTC, sortable as text, unique enough for runs that hold the lock one after the other.
fn timestamp() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// A backup file: the file it belongs to, its run's stamp, whether that file was absent.
fn parse_backup(path: &Path) -> Option<(PathBuf, String, bool)> {
    let name = path.file_name()?.to_str()?;
    let (original, rest) = name.rsplit_once(BACKUP_TAG)?;
    let (stamp, absent) = match rest.strip_suffix(".bak") {
        Some(stamp) => (stamp, false),
        None => (rest.strip_suffix(".absent")?, true),
    };
    let valid = stamp.len() == 23 && stamp.ends_with('Z') && stamp.as_bytes()[8] == b'T';
    // In `.regctl-backups/<folder>/`: the file was in `<folder>` beside it.
    let folder = path.parent()?;
    let original = match folder.parent() {
        Some(store) if store.file_name().is_some_and(|n| n == BACKUP_DIR) => {
            store.parent()?.join(folder.file_name()?).join(original)
        }
        _ => path.with_file_name(original),
    };
    valid.then(|| (original, stamp.to_string(), absent))
}

/// The plan that puts back the newest run's backups: config.toml's, and those in the hosts
/// directories' registry folders. The backups it uses are removed once it has been applied;
/// the rollback itself is backed up like any change, so a second rollback undoes it.
pub fn rollback_plan(config: &Path, hosts_dirs: &[PathBuf]) -> Result<Plan, Error> {
    let mut candidates = Vec::new();
    let siblings = |dir: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default()
    };
    if let Some(dir) = config.parent() {
        candidates.extend(
            siblings(dir)
                .into_iter()
                .filter(|p| parse_backup(p).is_some_and(|(original, _, _)| original == config)),
        );
    }
    for root in hosts_dirs {
        // Backups inside the registries' folders are from earlier builds of regctl.
        for dir in [root.clone(), root.join(BACKUP_DIR)] {
            for folder in siblings(&dir).into_iter().filter(|d| d.is_dir()) {
                candidates.extend(siblings(&folder));
            }
        }
    }
    let backups: Vec<(PathBuf, PathBuf, String, bool)> = candidates
        .into_iter()
        .filter_map(|p| parse_backup(&p).map(|(o, s, a)| (p, o, s, a)))
        .collect();
    let newest = backups
        .iter()
        .map(|(_, _, stamp, _)| stamp.clone())
        .max()
        .ok_or_else(|| Error::NoBackup(config.to_path_buf()))?;
    let mut plan = Plan {
        config: config.to_path_buf(),
        ..Plan::default()
    };
    for (backup, original, stamp, absent) in backups {
        if stamp != newest {
            continue;
        }
        let old = std::fs::read(&original).ok();
        let new = if absent {
            None
        } else {
            Some(
                std::fs::read(&backup)
                    .map_err(Error::io(format!("reading {}", backup.display())))?,
            )
        };
        if old != new {
            plan.changes.push(FileChange {
                mode: if original == config { 0o600 } else { 0o644 },
                path: original,
                old,
                new,
                private: false,
            });
        }
        plan.consumed.push(backup);
    }
    plan.notes
        .push(format!("rolling back to the backups of {newest}"));
    Ok(plan)
}

/// A unified diff of every change, with secrets and private keys left out.
fn diff(plan: &Plan) -> String {
    let mut out = String::new();
    for change in &plan.changes {
        let name = change.path.display().to_string();
        let (from, to) = (
            change
                .old
                .as_ref()
                .map_or("/dev/null".into(), |_| format!("a{name}")),
            change
                .new
                .as_ref()
                .map_or("/dev/null".into(), |_| format!("b{name}")),
        );
        if change.private && change.path != plan.config {
            out.push_str(&format!(
                "--- {from}\n+++ {to}\n(a private key: contents not shown)\n"
            ));
            continue;
        }
        let old = String::from_utf8_lossy(change.old.as_deref().unwrap_or_default());
        let new = String::from_utf8_lossy(change.new.as_deref().unwrap_or_default());
        // TOML files hold the secrets; the others are certificates, which are public.
        let is_toml = change.path.extension().is_some_and(|e| e == "toml");
        let shown = if is_toml {
            redact::pair(&old, &new)
        } else {
            Some((old.into_owned(), new.into_owned()))
        };
        let Some((old, new)) = shown else {
            out.push_str(&format!(
                "--- {from}\n+++ {to}\n(not valid TOML: contents not shown)\n"
            ));
            continue;
        };
        let text = TextDiff::from_lines(&old, &new)
            .unified_diff()
            .context_radius(3)
            .header(&from, &to)
            .to_string();
        out.push_str(&text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names_round_trip() {
        let stamp = timestamp();
        let p = Path::new("/etc/containerd/config.toml");
        let b = p.with_file_name(format!("config.toml{BACKUP_TAG}{stamp}.bak"));
        assert_eq!(
            parse_backup(&b),
            Some((p.to_path_buf(), stamp.clone(), false))
        );
        let a = p.with_file_name(format!("config.toml{BACKUP_TAG}{stamp}.absent"));
        assert!(parse_backup(&a).unwrap().2);
        assert!(parse_backup(Path::new("/x/config.toml.regctl-nope.bak")).is_none());

        // A registry's hosts.toml is backed up beside its folder, and found again from there.
        let hosts = Path::new("/etc/containerd/certs.d/r_5000_/hosts.toml");
        let dir = backup_dir(hosts, p);
        assert_eq!(
            dir,
            Path::new("/etc/containerd/certs.d/.regctl-backups/r_5000_")
        );
        let b = dir.join(format!("hosts.toml{BACKUP_TAG}{stamp}.absent"));
        assert_eq!(parse_backup(&b), Some((hosts.to_path_buf(), stamp, true)));
        assert_eq!(backup_dir(p, p), Path::new("/etc/containerd"));
    }

    #[test]
    fn backup_then_rollback_restores_and_deletes_what_was_new() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "version = 2\n").unwrap();
        let hosts = dir.path().join("certs.d");
        let new_hosts = hosts.join("h").join("hosts.toml");
        let plan = Plan {
            config: config.clone(),
            changes: vec![
                FileChange {
                    path: config.clone(),
                    old: Some(b"version = 2\n".to_vec()),
                    new: Some(b"version = 2\n# changed\n".to_vec()),
                    mode: 0o644,
                    private: true,
                },
                FileChange {
                    path: new_hosts.clone(),
                    old: None,
                    new: Some(b"server = \"https://h\"\n".to_vec()),
                    mode: 0o644,
                    private: false,
                },
            ],
            ..Plan::default()
        };
        let options = Options {
            dry_run: false,
            restart: None,
            timeout: Duration::from_secs(1),
        };
        assert!(matches!(
            apply(&plan, &options).unwrap(),
            Outcome::Written {
                restarted: false,
                ..
            }
        ));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let rollback = rollback_plan(&config, std::slice::from_ref(&hosts)).unwrap();
        assert_eq!(rollback.changes.len(), 2);
        apply(&rollback, &options).unwrap();
        assert_eq!(std::fs::read_to_string(&config).unwrap(), "version = 2\n");
        assert!(!new_hosts.exists());
    }

    #[test]
    fn only_the_newest_backups_of_a_file_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "version = 2\n").unwrap();
        let stamps: Vec<String> = (0..KEEP_BACKUPS + 3)
            .map(|i| format!("20261127T0701{i:02}.000000Z"))
            .collect();
        for (i, stamp) in stamps.iter().enumerate() {
            let suffix = if i == 0 { "absent" } else { "bak" };
            std::fs::write(
                dir.path()
                    .join(format!("config.toml.regctl-{stamp}.{suffix}")),
                "",
            )
            .unwrap();
        }
        // Not ours, or another file's: untouched.
        let others = [
            "config.toml.bak",
            "config.toml.regctl-nope.bak",
            "other.toml.regctl-20261127T070100.000000Z.bak",
        ];
        for name in others {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        prune_backups(std::slice::from_ref(&config), &config);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut expected: Vec<String> = stamps[3..]
            .iter()
            .map(|s| format!("config.toml.regctl-{s}.bak"))
            .chain(others.iter().map(|s| s.to_string()))
            .chain(["config.toml".to_string()])
            .collect();
        expected.sort();
        assert_eq!(left, expected);
    }
}
