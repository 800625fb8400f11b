//! Writing one blob into the store: to `.regctl/ingest/<hex>` first, hashed as it is written,
//! renamed into `blobs/` only when size and digest match. The partial file survives a kill, so
//! the next attempt resumes where this one stopped (HTTP `Range`).

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use super::Error;
use crate::digest::{Digest, Hasher};

pub struct Ingest {
    partial: PathBuf,
    target: PathBuf,
    file: File,
    hasher: Hasher,
    expected: Digest,
    size: u64,
    /// Bytes up to which writeback to disk has been started (see `write`).
    flushed: u64,
}

/// Writeback is started every this many bytes, so that `commit`'s fsync finds the blob mostly
/// on disk already instead of writing all of it while the transfer waits.
const WRITEBACK_EVERY: u64 = 8 << 20;

impl Ingest {
    /// Opens (or resumes) the partial file. An exclusive lock on it keeps two regctl processes
    /// pulling the same blob from interleaving their writes: the second waits for the first.
    pub(super) fn open(
        partial: PathBuf,
        target: PathBuf,
        expected: Digest,
        size: u64,
    ) -> Result<Self, Error> {
        let io_err = |source| Error::Io {
            path: partial.clone(),
            source,
        };
        let mut file = File::options()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&partial)
            .map_err(io_err)?;
        file.lock().map_err(io_err)?;
        let mut hasher = Hasher::default();
        // Re-hash what an earlier attempt left, so the final digest covers the whole blob.
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = file.read(&mut buf).map_err(io_err)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        let mut ingest = Ingest {
            partial,
            target,
            file,
            hasher,
            expected,
            size,
            flushed: 0,
        };
        if ingest.hasher.len() > size {
            ingest.reset()?;
        }
        Ok(ingest)
    }

    /// Bytes already on disk: where a download resumes.
    pub fn offset(&self) -> u64 {
        self.hasher.len()
    }

    /// The blob is already complete in the store (another process finished it meanwhile).
    pub fn already_stored(&self) -> bool {
        self.target.is_file()
    }

    /// Starts over (the server ignored our `Range`, or the partial file was wrong).
    pub fn reset(&mut self) -> Result<(), Error> {
        self.file
            .set_len(0)
            .and_then(|_| self.file.seek(SeekFrom::Start(0)).map(|_| ()))
            .map_err(|source| Error::Io {
                path: self.partial.clone(),
                source,
            })?;
        self.hasher = Hasher::default();
        self.flushed = 0;
        Ok(())
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if self.hasher.len() + bytes.len() as u64 > self.size {
            let reason = format!("more than the {} bytes the manifest declares", self.size);
            return Err(self.fail(reason));
        }
        self.file.write_all(bytes).map_err(|source| Error::Io {
            path: self.partial.clone(),
            source,
        })?;
        self.hasher.update(bytes);
        let written = self.hasher.len();
        if written - self.flushed >= WRITEBACK_EVERY {
            start_writeback(&self.file, self.flushed, written - self.flushed);
            self.flushed = written;
        }
        Ok(())
    }

    /// Verifies and moves the blob into place. On a mismatch the partial file is deleted, so a
    /// lying registry cannot poison later attempts either.
    pub fn commit(self) -> Result<(), Error> {
        self.verify()?;
        let io_err = |source| Error::Io {
            path: self.partial.clone(),
            source,
        };
        self.file.sync_all().map_err(io_err)?;
        fs::rename(&self.partial, &self.target).map_err(io_err)?;
        if let Some(dir) = self.target.parent() {
            File::open(dir).and_then(|d| d.sync_all()).map_err(io_err)?;
        }
        Ok(())
    }

    /// The checks of `commit` without the move, for callers that must know every blob of a
    /// batch is good before any of them enters the store (an archive load).
    pub fn verify(&self) -> Result<(), Error> {
        if self.hasher.len() != self.size {
            let reason = format!(
                "got {} bytes, the manifest declares {}",
                self.hasher.len(),
                self.size
            );
            return Err(self.fail(reason));
        }
        let actual = self.hasher.clone().finish();
        if actual != self.expected {
            let reason = format!("the content hashes to {actual}");
            return Err(self.fail(reason));
        }
        Ok(())
    }

    /// Drops the partial file: the batch it belonged to failed, so there is nothing to resume.
    pub fn abandon(self) {
        let _ = fs::remove_file(&self.partial);
    }

    fn fail(&self, reason: String) -> Error {
        let _ = fs::remove_file(&self.partial);
        Error::Verification {
            digest: self.expected.clone(),
            reason,
        }
    }
}

/// Asks the kernel to start writing `len` bytes from `offset` to disk, without waiting. Only a
/// hint that overlaps disk writes with the download: durability still comes from `commit`'s
/// fsync, so a failure here is ignored.
#[cfg(target_os = "linux")]
fn start_writeback(file: &File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    // SAFETY: a plain syscall on a descriptor we own; no memory is passed.
    unsafe {
        libc::sync_file_range(
            file.as_raw_fd(),
            offset as libc::off64_t,
            len as libc::off64_t,
            libc::SYNC_FILE_RANGE_WRITE,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &File, _offset: u64, _len: u64) {}
