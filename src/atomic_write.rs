//! Writing a user's file so that a crash or a full disk never leaves it half-written.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Replaces `path` with `contents`: a temp file in the same directory, fsync, rename.
///
/// An existing file keeps its mode and owner; a new file gets `new_mode`. The directory is
/// created (0700) when missing, since our own config directories may not exist yet. A
/// symlink stays a symlink: the file it points at is the one replaced (config management
/// often links /etc/containerd/config.toml to the file it owns).
pub fn write_atomic(path: &Path, contents: &[u8], new_mode: u32) -> io::Result<()> {
    let path = &link_target(path)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    let existing = fs::metadata(path).ok();
    let mut tmp = tempfile::Builder::new()
        .prefix(".regctl-")
        .permissions(fs::Permissions::from_mode(0o600))
        .tempfile_in(dir)?;
    tmp.write_all(contents)?;
    let mode = existing
        .as_ref()
        .map(|m| m.permissions().mode() & 0o7777)
        .unwrap_or(new_mode);
    if let Some(meta) = &existing {
        // Keeping the owner matters when root edits a file that belongs to someone else; a
        // failure (we are not root) leaves the temp file ours, which is what a rewrite means anyway.
        let _ = std::os::unix::fs::chown(tmp.path(), Some(meta.uid()), Some(meta.gid()));
    }
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(mode))?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename is durable only once the directory entry is on disk.
    fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Where `path` leads through symlinks, even to a file not there yet.
fn link_target(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    // As the kernel does, give up on a chain this long (a loop).
    for _ in 0..40 {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&path)?;
                path = match path.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_stays_and_its_target_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("managed/config.toml");
        write_atomic(&real, b"old", 0o644).unwrap();
        let link = dir.path().join("config.toml");
        std::os::unix::fs::symlink("managed/config.toml", &link).unwrap();
        write_atomic(&link, b"new", 0o600).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
        assert_eq!(
            fs::metadata(&real).unwrap().permissions().mode() & 0o777,
            0o644
        );
        // A link to a file not there yet creates that file.
        let dangling = dir.path().join("hosts.toml");
        std::os::unix::fs::symlink("managed/hosts.toml", &dangling).unwrap();
        write_atomic(&dangling, b"h", 0o644).unwrap();
        assert_eq!(
            fs::read(dir.path().join("managed/hosts.toml")).unwrap(),
            b"h"
        );
    }

    #[test]
    fn new_file_gets_mode_and_existing_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/cfg.json");
        write_atomic(&p, b"one", 0o600).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"one");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"two", 0o600).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
        // No temp files left behind.
        assert_eq!(fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
    }
}
