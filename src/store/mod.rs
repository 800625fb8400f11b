//! The local image store: an OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/…`)
//! that skopeo's `oci:` transport and umoci read as they are. regctl's own bookkeeping (lock,
//! partial downloads, where blobs came from) lives in `.regctl/`, which those tools ignore.
//!
//! Safety: a blob appears under `blobs/` only by rename after its digest was verified, and
//! `index.json` changes only under an exclusive lock, by atomic rewrite. A crash or kill leaves
//! at most a partial download in `.regctl/ingest/`, which the next pull resumes.

pub mod archive;
mod direct;
pub mod gc;
mod hashing;
pub mod index;
pub mod ingest;
pub mod sources;

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use crate::atomic_write::write_atomic;
use crate::digest::Digest;
use crate::manifest::{Manifest, ManifestError};
pub use index::Index;
pub use ingest::Ingest;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    // Not `source`: thiserror would make it the error's source too, and `{:#}` would print it
    // twice.
    #[error("image store {}: {cause}", path.display())]
    Io { path: PathBuf, cause: io::Error },
    #[error("{}: not an OCI image layout ({reason})", path.display())]
    NotALayout { path: PathBuf, reason: String },
    #[error("blob {digest} failed verification: {reason}; nothing was added to the store")]
    Verification { digest: Digest, reason: String },
    #[error("not found: {0} is not in the image store (pull or load it first)")]
    ImageNotFound(String),
    #[error("the image store is missing blob {0}; pull the image again")]
    MissingBlob(Digest),
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A docker-archive or oci-archive that cannot be read or written; `path` is the file, or
    /// `stdin` / `stdout`.
    #[error("{path}: {reason}")]
    Archive { path: String, reason: String },
}

impl Error {
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        use crate::exit::ExitCode;
        match self {
            Error::ImageNotFound(_) => ExitCode::NotFound,
            _ => ExitCode::General,
        }
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        cause: source,
    }
}

pub struct Store {
    root: PathBuf,
}

/// Held while `index.json` (or the set of blobs, for garbage collection) changes.
pub struct Lock {
    _file: File,
}

/// Held, shared, by a command that reads blobs for a while without the store lock (push,
/// save): garbage collection removes nothing while one is held.
pub struct Reading {
    _file: File,
}

impl Store {
    /// `--store`, else `REGCTL_STORE`, else `<data dir>/regctl/store`.
    pub fn default_root(flag: Option<&Path>) -> PathBuf {
        if let Some(p) = flag {
            return p.to_path_buf();
        }
        if let Some(p) = std::env::var_os("REGCTL_STORE").filter(|p| !p.is_empty()) {
            return PathBuf::from(p);
        }
        dirs::data_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("regctl/store")
    }

    /// Opens the layout at `root`, creating an empty one where there is nothing yet.
    pub fn open(root: &Path) -> Result<Store, Error> {
        let store = Store {
            root: root.to_path_buf(),
        };
        let layout = root.join("oci-layout");
        match fs::read(&layout) {
            Ok(bytes) => {
                let v: serde_json::Value =
                    serde_json::from_slice(&bytes).map_err(|e| Error::NotALayout {
                        path: root.to_path_buf(),
                        reason: format!("oci-layout: {e}"),
                    })?;
                if v.get("imageLayoutVersion")
                    .and_then(|v| v.as_str())
                    .is_none()
                {
                    return Err(Error::NotALayout {
                        path: root.to_path_buf(),
                        reason: "oci-layout has no imageLayoutVersion".into(),
                    });
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => store.create()?,
            Err(e) => return Err(io_error(&layout)(e)),
        }
        fs::create_dir_all(store.private("ingest")).map_err(io_error(root))?;
        fs::create_dir_all(root.join("blobs/sha256")).map_err(io_error(root))?;
        Ok(store)
    }

    /// Lays out an empty store. Several regctl processes may start on a new store at once:
    /// creation happens under the store's lock, and a directory that holds anything but a
    /// layout's own files is refused (it is something else, not ours to fill).
    fn create(&self) -> Result<(), Error> {
        let root = &self.root;
        // A concurrent creator's files, including write_atomic's `.regctl-*` temp files.
        let ours = |name: &str| {
            ["blobs", "index.json", "oci-layout"].contains(&name) || name.starts_with(".regctl")
        };
        if root.exists() {
            for entry in fs::read_dir(root).map_err(io_error(root))?.flatten() {
                if !ours(&entry.file_name().to_string_lossy()) {
                    return Err(Error::NotALayout {
                        path: root.clone(),
                        reason: "the directory is not empty and has no oci-layout file".into(),
                    });
                }
            }
        }
        fs::create_dir_all(self.private("ingest")).map_err(io_error(root))?;
        let _lock = self.lock()?;
        let layout = root.join("oci-layout");
        if layout.exists() {
            return Ok(());
        }
        fs::create_dir_all(root.join("blobs/sha256")).map_err(io_error(root))?;
        if !root.join("index.json").exists() {
            write_atomic(&root.join("index.json"), index::EMPTY, 0o644).map_err(io_error(root))?;
        }
        // Last: its presence says the layout is complete.
        write_atomic(&layout, br#"{"imageLayoutVersion":"1.0.0"}"#, 0o644).map_err(io_error(root))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn private(&self, name: &str) -> PathBuf {
        self.root.join(".regctl").join(name)
    }

    /// Waits for other regctl processes that are changing the store.
    pub fn lock(&self) -> Result<Lock, Error> {
        let path = self.private("lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error(&path))?;
        lock_waiting(&file, || format!("the store {}", self.root.display()))
            .map_err(io_error(&path))?;
        Ok(Lock { _file: file })
    }

    /// Marks this process as reading the store's blobs until the guard is dropped; waits only
    /// for a garbage collection under way.
    pub fn reading(&self) -> Result<Reading, Error> {
        let file = self.readers()?;
        file.lock_shared()
            .map_err(io_error(&self.private("readers")))?;
        Ok(Reading { _file: file })
    }

    /// The readers' lock taken for a garbage collection: `None` while a push or a save is
    /// reading (the collection then waits for a later command).
    pub(crate) fn no_readers(&self) -> Result<Option<File>, Error> {
        let file = self.readers()?;
        match file.try_lock() {
            Ok(()) => Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(io_error(&self.private("readers"))(e)),
        }
    }

    fn readers(&self) -> Result<File, Error> {
        let path = self.private("readers");
        File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error(&path))
    }

    pub fn blob_path(&self, digest: &Digest) -> PathBuf {
        self.root.join("blobs/sha256").join(digest.hex())
    }

    pub fn has_blob(&self, digest: &Digest) -> bool {
        self.blob_path(digest).is_file()
    }

    pub fn read_blob(&self, digest: &Digest) -> Result<Vec<u8>, Error> {
        let path = self.blob_path(digest);
        match fs::read(&path) {
            Ok(b) => Ok(b),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(Error::MissingBlob(digest.clone()))
            }
            Err(e) => Err(io_error(&path)(e)),
        }
    }

    /// A manifest from the store, checked against its digest (a store edited by hand or by
    /// another tool must not make us push something other than what the digest names).
    pub fn read_manifest(
        &self,
        digest: &Digest,
        media_type: Option<&str>,
    ) -> Result<Manifest, Error> {
        let bytes = self.read_blob(digest)?;
        let manifest = Manifest::parse(bytes, media_type)?;
        if &manifest.digest != digest {
            return Err(Error::Verification {
                digest: digest.clone(),
                reason: format!("the stored file hashes to {}", manifest.digest),
            });
        }
        Ok(manifest)
    }

    /// Adds bytes already in memory (manifests, configs) as a blob.
    pub fn put_blob(&self, bytes: &[u8]) -> Result<Digest, Error> {
        let digest = Digest::of(bytes);
        if !self.has_blob(&digest) {
            let mut ingest = self.ingest(&digest, bytes.len() as u64)?;
            if ingest.already_stored() {
                return Ok(digest); // another process stored it meanwhile
            }
            ingest.reset()?;
            ingest.write(bytes)?;
            ingest.commit()?;
        }
        Ok(digest)
    }

    /// A resumable, verified writer for `digest`.
    pub fn ingest(&self, digest: &Digest, size: u64) -> Result<Ingest, Error> {
        Ingest::open(
            self.private("ingest").join(digest.hex()),
            self.blob_path(digest),
            digest.clone(),
            size,
        )
    }

    pub fn index(&self) -> Result<Index, Error> {
        Index::load(&self.root.join("index.json"))
    }

    /// Writes `index.json`; the lock proves the caller read it under the same lock.
    pub fn save_index(&self, index: &Index, _lock: &Lock) -> Result<(), Error> {
        let path = self.root.join("index.json");
        write_atomic(&path, &index.to_bytes(), 0o644).map_err(io_error(&path))
    }

    pub fn sources_path(&self) -> PathBuf {
        self.private("sources.json")
    }
}

/// Locks `file` for this process. When another regctl holds it for long (a large download
/// of the same blob, or a process stopped with Ctrl-Z), says on stderr what it waits for
/// rather than hanging silently; the usual short waits of parallel pulls say nothing.
fn lock_waiting(file: &File, held: impl Fn() -> String) -> io::Result<()> {
    const QUIET_FOR: std::time::Duration = std::time::Duration::from_secs(2);
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < QUIET_FOR => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                eprintln!("waiting for another regctl, which is using {}", held());
                return file.lock();
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
    }
}
