//! Writing one blob into the store: to `.regctl/ingest/<hex>` first, hashed as it is written,
//! renamed into `blobs/` only when size and digest match. The partial file survives a kill, so
//! the next attempt resumes where this one stopped (HTTP `Range`). Large blobs are written
//! around the page cache (see `direct`) and hashed on the shared hashing stage (`hashing`).

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use super::direct::{self, DirectWriter};
use super::Error;
use crate::digest::{Digest, Hasher};

pub struct Ingest {
    partial: PathBuf,
    target: PathBuf,
    file: File,
    /// Hashes what `file` holds; while a direct writer runs, the writer has it instead.
    hasher: Hasher,
    /// Bytes received so far (hashed or on their way to the hasher).
    len: u64,
    expected: Digest,
    size: u64,
    /// Bytes up to which writeback to disk has been started (see `write`).
    flushed: u64,
    /// Set for large blobs on filesystems that take direct I/O; `file` is written otherwise.
    direct: Option<DirectWriter>,
    /// Where `space` lets bytes be read to when there is no direct writer.
    scratch: Vec<u8>,
}

/// Size of the scratch buffer reads go to without a direct writer.
const SCRATCH: usize = 256 << 10;

/// Writeback is started every this many bytes, so that `commit`'s fsync finds the blob mostly
/// on disk already instead of writing all of it while the transfer waits.
const WRITEBACK_EVERY: u64 = 8 << 20;
/// Blobs from this size on are written with direct I/O; below it a thread and its buffers
/// cost more than the page cache does.
const DIRECT_FROM: u64 = 4 << 20;

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
            cause: source,
        };
        let mut file = loop {
            let file = File::options()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(&partial)
                .map_err(io_err)?;
            super::lock_waiting(&file, || format!("blob {expected}")).map_err(io_err)?;
            // While we waited for the lock, the holder may have finished: its commit renamed
            // the very file we hold into the store, which must not be touched. Or it failed
            // and removed the file: then take a new one.
            if target.is_file() {
                return Ok(Ingest {
                    partial,
                    target,
                    file,
                    hasher: Hasher::default(),
                    len: 0,
                    expected,
                    size,
                    flushed: 0,
                    direct: None,
                    scratch: Vec::new(),
                });
            }
            if is_at(&file, &partial).map_err(io_err)? {
                break file;
            }
        };
        if size >= DIRECT_FROM {
            // Direct writes resume only on a block boundary: give up the last partial block.
            let len = file.metadata().map_err(io_err)?.len();
            if len % direct::ALIGN != 0 {
                file.set_len(len - len % direct::ALIGN).map_err(io_err)?;
            }
        }
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
            len: hasher.len(),
            hasher,
            expected,
            size,
            flushed: 0,
            direct: None,
            scratch: Vec::new(),
        };
        if ingest.len > size {
            ingest.reset()?;
        } else {
            ingest.start_direct();
        }
        Ok(ingest)
    }

    /// Bytes already on disk: where a download resumes.
    pub fn offset(&self) -> u64 {
        self.len
    }

    /// The blob is already complete in the store (another process finished it meanwhile).
    pub fn already_stored(&self) -> bool {
        self.target.is_file()
    }

    /// Starts over (the server ignored our `Range`, or the partial file was wrong).
    pub fn reset(&mut self) -> Result<(), Error> {
        self.finish_writes()?;
        self.file
            .set_len(0)
            .and_then(|_| self.file.seek(SeekFrom::Start(0)).map(|_| ()))
            .map_err(|source| Error::Io {
                path: self.partial.clone(),
                cause: source,
            })?;
        self.hasher = Hasher::default();
        self.len = 0;
        self.flushed = 0;
        self.start_direct();
        Ok(())
    }

    fn start_direct(&mut self) {
        if self.size >= DIRECT_FROM {
            let hasher = std::mem::take(&mut self.hasher);
            match DirectWriter::start(&self.partial, &self.file, self.len, hasher) {
                Ok(writer) => self.direct = Some(writer),
                Err(hasher) => self.hasher = hasher,
            }
        }
    }

    /// Waits until every byte written so far is hashed and in the file.
    fn finish_writes(&mut self) -> Result<(), Error> {
        if let Some(writer) = self.direct.take() {
            self.hasher = writer.finish().map_err(|source| Error::Io {
                path: self.partial.clone(),
                cause: source,
            })?;
        }
        Ok(())
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.count(bytes.len())?;
        let io_err = |source| Error::Io {
            path: self.partial.clone(),
            cause: source,
        };
        if let Some(writer) = &mut self.direct {
            return writer.write(bytes).map_err(io_err);
        }
        self.file.write_all(bytes).map_err(io_err)?;
        self.hasher.update(bytes);
        let written = self.len;
        if written - self.flushed >= WRITEBACK_EVERY {
            start_writeback(&self.file, self.flushed, written - self.flushed);
            self.flushed = written;
        }
        Ok(())
    }

    /// Where the blob's next bytes can be read to directly, sparing `write`'s copy: the free
    /// part of the buffer bound for the disk, or a scratch buffer without direct I/O.
    pub fn space(&mut self) -> &mut [u8] {
        match &mut self.direct {
            Some(writer) => writer.space(),
            None => {
                if self.scratch.is_empty() {
                    self.scratch = vec![0; SCRATCH];
                }
                &mut self.scratch
            }
        }
    }

    /// Counts `n` more bytes, refusing more than the blob's size.
    fn count(&mut self, n: usize) -> Result<(), Error> {
        if self.len + n as u64 > self.size {
            let reason = format!("more than the {} bytes the manifest declares", self.size);
            return Err(self.fail(reason));
        }
        self.len += n as u64;
        Ok(())
    }

    /// The first `n` bytes of `space` are the blob's next bytes.
    pub fn received(&mut self, n: usize) -> Result<(), Error> {
        if self.direct.is_some() {
            self.count(n)?;
        }
        match &mut self.direct {
            Some(writer) => writer.filled(n).map_err(|source| Error::Io {
                path: self.partial.clone(),
                cause: source,
            }),
            None => {
                let scratch = std::mem::take(&mut self.scratch);
                let written = self.write(&scratch[..n]);
                self.scratch = scratch;
                written
            }
        }
    }

    /// Verifies and moves the blob into place. On a mismatch the partial file is deleted, so a
    /// lying registry cannot poison later attempts either.
    pub fn commit(mut self) -> Result<(), Error> {
        self.verify()?;
        let io_err = |source| Error::Io {
            path: self.partial.clone(),
            cause: source,
        };
        self.file.sync_data().map_err(io_err)?;
        fs::rename(&self.partial, &self.target).map_err(io_err)?;
        if let Some(dir) = self.target.parent() {
            File::open(dir).and_then(|d| d.sync_all()).map_err(io_err)?;
        }
        Ok(())
    }

    /// The checks of `commit` without the move, for callers that must know every blob of a
    /// batch is good before any of them enters the store (an archive load). Everything written
    /// is in the file afterwards, so a staged blob holds no buffers while it waits.
    pub fn verify(&mut self) -> Result<(), Error> {
        self.finish_writes()?;
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

/// Whether `file` is still what `path` names.
fn is_at(file: &File, path: &std::path::Path) -> std::io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let held = file.metadata()?;
    match fs::metadata(path) {
        Ok(named) => Ok(held.dev() == named.dev() && held.ino() == named.ino()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes no run of which repeats, so a block written at the wrong offset shows.
    fn data(len: usize) -> Vec<u8> {
        (0..len as u64)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect()
    }

    struct Place {
        _dir: tempfile::TempDir,
        partial: PathBuf,
        target: PathBuf,
    }

    fn place() -> Place {
        let dir = tempfile::tempdir().unwrap();
        Place {
            partial: dir.path().join("partial"),
            target: dir.path().join("blob"),
            _dir: dir,
        }
    }

    fn open(place: &Place, bytes: &[u8]) -> Ingest {
        Ingest::open(
            place.partial.clone(),
            place.target.clone(),
            Digest::of(bytes),
            bytes.len() as u64,
        )
        .unwrap()
    }

    fn write_in_odd_chunks(ingest: &mut Ingest, bytes: &[u8]) {
        for chunk in bytes.chunks(65_537) {
            ingest.write(chunk).unwrap();
        }
    }

    /// As a reader filling `space` would deliver `bytes`.
    fn receive_in_odd_pieces(ingest: &mut Ingest, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let space = ingest.space();
            let n = space.len().min(bytes.len()).min(65_537);
            space[..n].copy_from_slice(&bytes[..n]);
            ingest.received(n).unwrap();
            bytes = &bytes[n..];
        }
    }

    #[test]
    fn bytes_read_straight_into_its_space_make_the_blob() {
        for len in [(9 << 20) + 777, 1000] {
            let place = place();
            let bytes = data(len);
            let mut ingest = open(&place, &bytes);
            receive_in_odd_pieces(&mut ingest, &bytes[..len / 2]);
            write_in_odd_chunks(&mut ingest, &bytes[len / 2..]);
            ingest.commit().unwrap();
            assert_eq!(fs::read(&place.target).unwrap(), bytes, "{len} bytes");
        }
    }

    #[test]
    fn a_large_blob_arrives_whole_through_direct_writes() {
        let place = place();
        let bytes = data((9 << 20) + 777);
        let mut ingest = open(&place, &bytes);
        write_in_odd_chunks(&mut ingest, &bytes);
        ingest.commit().unwrap();
        assert_eq!(fs::read(&place.target).unwrap(), bytes);
        assert!(!place.partial.exists());
    }

    #[test]
    fn a_partial_file_resumes_from_its_last_whole_block() {
        let place = place();
        let bytes = data(6 << 20);
        let cut = (5 << 20) + 100;
        fs::write(&place.partial, &bytes[..cut]).unwrap();
        let mut ingest = open(&place, &bytes);
        assert_eq!(ingest.offset(), 5 << 20);
        let from = ingest.offset() as usize;
        write_in_odd_chunks(&mut ingest, &bytes[from..]);
        ingest.commit().unwrap();
        assert_eq!(fs::read(&place.target).unwrap(), bytes);
    }

    #[test]
    fn what_reached_the_file_before_a_drop_is_resumed() {
        let place = place();
        let bytes = data(8 << 20);
        let mut ingest = open(&place, &bytes);
        write_in_odd_chunks(&mut ingest, &bytes[..(3 << 20) + 5]);
        drop(ingest); // as a killed process would leave it, give or take the buffers in flight
        let mut ingest = open(&place, &bytes);
        let from = ingest.offset() as usize;
        assert!(from > 0 && from <= (3 << 20) && from.is_multiple_of(direct::ALIGN as usize));
        write_in_odd_chunks(&mut ingest, &bytes[from..]);
        ingest.commit().unwrap();
        assert_eq!(fs::read(&place.target).unwrap(), bytes);
    }

    #[test]
    fn reset_starts_the_blob_over() {
        let place = place();
        let bytes = data(5 << 20);
        let mut ingest = open(&place, &bytes);
        write_in_odd_chunks(&mut ingest, &data(3 << 20)[1..]);
        ingest.reset().unwrap();
        write_in_odd_chunks(&mut ingest, &bytes);
        ingest.commit().unwrap();
        assert_eq!(fs::read(&place.target).unwrap(), bytes);
    }

    #[test]
    fn a_blob_finished_while_we_waited_for_its_lock_is_left_whole() {
        let place = place();
        let bytes = data((5 << 20) + 100);
        let mut first = open(&place, &bytes);
        write_in_odd_chunks(&mut first, &bytes);
        let (partial, target) = (place.partial.clone(), place.target.clone());
        let digest = Digest::of(&bytes);
        let size = bytes.len() as u64;
        let second = std::thread::spawn(move || {
            let ingest = Ingest::open(partial, target, digest, size).unwrap();
            ingest.already_stored()
        });
        std::thread::sleep(std::time::Duration::from_millis(200)); // the second now waits
        first.commit().unwrap();
        assert!(second.join().unwrap());
        assert_eq!(fs::read(&place.target).unwrap(), bytes);
    }

    #[test]
    fn wrong_content_is_refused_and_leaves_nothing() {
        let place = place();
        let bytes = data(5 << 20);
        let mut ingest = open(&place, &bytes);
        let mut lie = bytes.clone();
        lie[4 << 20] ^= 1;
        write_in_odd_chunks(&mut ingest, &lie);
        let err = ingest.commit().unwrap_err();
        assert!(matches!(err, Error::Verification { .. }), "{err}");
        assert!(!place.partial.exists() && !place.target.exists());
    }
}
