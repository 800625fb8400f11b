//! `save`: images of the store into one tar, blob by blob from the store's files. Descriptions
//! come first (`oci-layout`, `index.json`, docker's `manifest.json`), so that a reader can plan
//! before the blobs stream past; blobs shared by several images go in once.

use std::collections::{BTreeMap, HashSet};
use std::fs::{File, Permissions};
use std::io::{self, BufWriter, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use tar::{EntryType, Header};

use super::docker::{self, MANIFEST_JSON, REPOSITORIES};
use super::{
    archive_error, blob_path, Format, Target, CONTAINERD_NAME, INDEX_JSON, LAYOUT_VERSION,
    OCI_LAYOUT,
};
use crate::digest::{Digest, Hasher};
use crate::interrupt::RemovedOnInterrupt;
use crate::manifest::{Blob, Kind, Manifest};
use crate::output::Stdout;
use crate::platform::Platform;
use crate::reference::Reference;
use crate::store::index::{Index, REF_NAME};
use crate::store::{Error, Store};

pub struct SaveOptions {
    pub format: Format,
    /// For the docker format, which image of a multi-platform one [default: the host's].
    pub platform: Option<Platform>,
}

/// A name to write and what it brings along.
struct Named {
    reference: Reference,
    /// What the archive's `index.json` points at for this name.
    top: Manifest,
    /// The image manifests whose config and layers go in.
    images: Vec<Manifest>,
    /// Some((present, total)) when only some platforms of an index are in the store.
    reduced: Option<(usize, usize)>,
}

/// A name saved with only the platforms the store has: its index has a new digest.
pub struct Reduced {
    pub reference: Reference,
    pub present: usize,
    pub total: usize,
}

/// Writes `references` from `store` to `to`. A file appears only complete: it is written beside
/// its final name and renamed at the end. Tells which names went with fewer platforms than
/// their index lists (an OCI archive of a partial pull).
pub fn save(
    store: &Store,
    references: &[Reference],
    options: &SaveOptions,
    to: &Target,
) -> Result<Vec<Reduced>, Error> {
    // The blobs the names resolve to must stay while they are read.
    let _reading = store.reading()?;
    // Every name is resolved before a byte is written, so a typo costs no half-made file.
    let index = store.index()?;
    let mut seen = HashSet::new();
    let named = references
        .iter()
        .filter(|r| seen.insert(*r))
        .map(|r| resolve(store, &index, r, options))
        .collect::<Result<Vec<_>, _>>()?;
    let name = to.name("stdout");
    match to {
        Target::Std => write(store, &named, options.format, Stdout::lock(), &name)?,
        Target::File(path) => {
            let fail = |e: io::Error| archive_error(&name, e);
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let mut tmp = tempfile::Builder::new()
                .prefix(".regctl-")
                .permissions(Permissions::from_mode(0o644))
                .tempfile_in(dir)
                .map_err(fail)?;
            let _pending = RemovedOnInterrupt::new(tmp.path());
            write(store, &named, options.format, tmp.as_file_mut(), &name)?;
            tmp.as_file().sync_all().map_err(fail)?;
            tmp.persist(path).map_err(|e| fail(e.error))?;
            File::open(dir).and_then(|d| d.sync_all()).map_err(fail)?;
        }
    }
    Ok(named
        .into_iter()
        .filter_map(|n| {
            let (present, total) = n.reduced?;
            Some(Reduced {
                reference: n.reference,
                present,
                total,
            })
        })
        .collect())
}

fn resolve(
    store: &Store,
    index: &Index,
    reference: &Reference,
    options: &SaveOptions,
) -> Result<Named, Error> {
    let entry = index
        .find(&reference.to_string())
        .ok_or_else(|| Error::ImageNotFound(reference.to_string()))?;
    let top = store.read_manifest(&entry.digest, Some(&entry.media_type))?;
    let named = |top: Manifest, images| Named {
        reference: reference.clone(),
        top,
        images,
        reduced: None,
    };
    if !top.is_index() {
        return Ok(named(top.clone(), vec![top]));
    }
    // Platforms that were never pulled are absent, as in the store itself.
    let mut present = Vec::new();
    for (digest, entry) in top.entries()? {
        if store.has_blob(&digest) {
            let image = store.read_manifest(&digest, Some(&entry.media_type))?;
            present.push((image, entry.platform.as_ref().map(Platform::of)));
        }
    }
    match options.format {
        Format::Oci => {
            // An index whose every image the store lost is no image to hand anyone.
            if present.is_empty() {
                if let Some((first, _)) = top.entries()?.into_iter().next() {
                    return Err(Error::MissingBlob(first));
                }
            }
            // Only the platforms the store has, as push does: an index naming manifests the
            // archive lacks is one skopeo and containerd refuse to read.
            let total = top.entries()?.len();
            let reduced = (present.len() < total).then_some((present.len(), total));
            let top = top.narrowed(|digest, _| store.has_blob(digest))?;
            // An index may list indexes (an attestation index, a tool's nesting): what they
            // list goes along too, or the archive would point at blobs it does not hold.
            let mut all = Vec::new();
            for (manifest, _) in present {
                below(store, &manifest, &mut all)?;
                all.push(manifest);
            }
            Ok(Named {
                reduced,
                ..named(top, all)
            })
        }
        // A docker archive holds one image per name: no index, one config, one layer list.
        Format::Docker => {
            let want = options.platform.clone().unwrap_or_else(Platform::host);
            let (image, _) = present
                .into_iter()
                .find(|(m, p)| !m.is_index() && p.as_ref().is_some_and(|p| want.matches(p)))
                .ok_or_else(|| Error::ImageNotFound(format!("{reference} for {want}")))?;
            Ok(named(image.clone(), vec![image]))
        }
    }
}

/// The manifests the store has below `manifest` when it is an index, at any depth.
fn below(store: &Store, manifest: &Manifest, into: &mut Vec<Manifest>) -> Result<(), Error> {
    if !manifest.is_index() {
        return Ok(());
    }
    for (digest, entry) in manifest.entries()? {
        if store.has_blob(&digest) {
            let child = store.read_manifest(&digest, Some(&entry.media_type))?;
            below(store, &child, into)?;
            into.push(child);
        }
    }
    Ok(())
}

fn write(
    store: &Store,
    named: &[Named],
    format: Format,
    out: impl Write,
    name: &str,
) -> Result<(), Error> {
    let fail = |e: io::Error| archive_error(name, e);
    let mut tar = tar::Builder::new(BufWriter::with_capacity(1 << 16, out));
    append(&mut tar, OCI_LAYOUT, LAYOUT_VERSION).map_err(fail)?;
    append(&mut tar, INDEX_JSON, &index_json(named, format)).map_err(fail)?;
    if format == Format::Docker {
        let (manifest, repositories) = docker_files(named)?;
        append(&mut tar, MANIFEST_JSON, &manifest).map_err(fail)?;
        append(&mut tar, REPOSITORIES, &repositories).map_err(fail)?;
    }
    for dir in ["blobs/", "blobs/sha256/"] {
        let mut header = header(EntryType::Directory, 0o755, 0);
        tar.append_data(&mut header, dir, io::empty())
            .map_err(fail)?;
    }
    let mut written = HashSet::new();
    for n in named {
        for manifest in std::iter::once(&n.top).chain(&n.images) {
            if written.insert(manifest.digest.clone()) {
                append(&mut tar, &blob_path(&manifest.digest), &manifest.bytes).map_err(fail)?;
            }
        }
        for image in &n.images {
            for blob in image.blobs()? {
                if written.insert(blob.digest.clone()) {
                    append_blob(&mut tar, store, &blob, &fail)?;
                }
            }
        }
    }
    tar.into_inner()
        .and_then(|mut out| out.flush())
        .map_err(fail)
}

/// `index.json`: one entry per name. containerd reads `io.containerd.image.name`; for
/// `org.opencontainers.image.ref.name` the docker format follows docker (the tag alone) and the
/// OCI format follows our store and skopeo (the full reference).
fn index_json(named: &[Named], format: Format) -> Vec<u8> {
    let manifests: Vec<_> = named
        .iter()
        .map(|n| {
            let mut annotations = BTreeMap::from([(CONTAINERD_NAME, n.reference.to_string())]);
            let ref_name = match format {
                Format::Oci => Some(n.reference.to_string()),
                Format::Docker => n.reference.tag().map(str::to_string),
            };
            annotations.extend(ref_name.map(|r| (REF_NAME, r)));
            serde_json::json!({
                "mediaType": n.top.media_type,
                "digest": n.top.digest.to_string(),
                "size": n.top.bytes.len(),
                "annotations": annotations,
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": oci_client::manifest::OCI_IMAGE_INDEX_MEDIA_TYPE,
        "manifests": manifests,
    }))
    .expect("an index serialises")
}

/// docker's `manifest.json` (names of one image grouped in one entry, as docker does) and
/// `repositories`.
fn docker_files(named: &[Named]) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let mut entries: Vec<(Digest, docker::Entry)> = Vec::new();
    let mut tops = Vec::new();
    for n in named {
        let Kind::Image(image) = &n.top.kind else {
            unreachable!("a docker archive's names point at images");
        };
        // docker load wants one layer per diff_id, with foreign ones described in
        // LayerSources; the store holds no bytes for them (Windows base images).
        if image.layers.iter().any(|l| l.urls.is_some()) {
            return Err(Error::Archive {
                path: n.reference.to_string(),
                reason: "it has foreign layers (kept elsewhere, by URL), which a docker archive cannot describe; use --format oci".into(),
            });
        }
        let blobs = n.top.blobs()?;
        let (config, layers) = blobs.split_first().expect("blobs() starts with the config");
        let tag = docker::repo_tag(&n.reference).map(|(r, t)| format!("{r}:{t}"));
        match entries.iter_mut().find(|(d, _)| *d == n.top.digest) {
            Some((_, entry)) => entry.repo_tags.extend(tag),
            None => entries.push((
                n.top.digest.clone(),
                docker::Entry {
                    config: blob_path(&config.digest),
                    repo_tags: tag.into_iter().collect(),
                    layers: layers.iter().map(|l| blob_path(&l.digest)).collect(),
                },
            )),
        }
        if let Some(top_layer) = image.layers.last().and_then(|l| l.digest.parse().ok()) {
            tops.push((&n.reference, top_layer));
        }
    }
    let entries: Vec<_> = entries.into_iter().map(|(_, e)| e).collect();
    let manifest = serde_json::to_vec(&entries).expect("manifest.json serialises");
    Ok((
        manifest,
        docker::repositories(tops.iter().map(|(r, d)| (*r, d))),
    ))
}

fn header(kind: EntryType, mode: u32, size: u64) -> Header {
    let mut header = Header::new_gnu();
    header.set_entry_type(kind);
    header.set_mode(mode);
    header.set_size(size);
    // A fixed time makes the same images save to the same bytes.
    header.set_mtime(0);
    header
}

fn append<W: Write>(tar: &mut tar::Builder<W>, path: &str, bytes: &[u8]) -> io::Result<()> {
    let mut header = header(EntryType::Regular, 0o644, bytes.len() as u64);
    tar.append_data(&mut header, path, bytes)
}

/// Streams a blob from the store's file, checked as it goes: a file damaged on disk must not
/// leave as if it were the image.
fn append_blob<W: Write>(
    tar: &mut tar::Builder<W>,
    store: &Store,
    blob: &Blob,
    fail: &impl Fn(io::Error) -> Error,
) -> Result<(), Error> {
    let file = match File::open(store.blob_path(&blob.digest)) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Error::MissingBlob(blob.digest.clone()))
        }
        Err(e) => return Err(fail(e)),
    };
    let reader = Checked {
        inner: file.take(blob.size),
        hasher: Hasher::default(),
        blob,
    };
    let mut header = header(EntryType::Regular, 0o644, blob.size);
    tar.append_data(&mut header, blob_path(&blob.digest), reader)
        .map_err(fail)
}

struct Checked<'a, R> {
    inner: R,
    hasher: Hasher,
    blob: &'a Blob,
}

impl<R: Read> Read for Checked<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        if n == 0 && !buf.is_empty() {
            let actual = self.hasher.clone().finish();
            if self.hasher.len() != self.blob.size || actual != self.blob.digest {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "the image store's blob {} is damaged ({} bytes hashing to {actual}); pull the image again",
                        self.blob.digest,
                        self.hasher.len()
                    ),
                ));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_blob_fails_the_copy() {
        let blob = Blob {
            digest: Digest::of(b"abc"),
            size: 3,
            media_type: String::new(),
        };
        let mut good = Checked {
            inner: &b"abc"[..],
            hasher: Hasher::default(),
            blob: &blob,
        };
        assert_eq!(io::copy(&mut good, &mut io::sink()).unwrap(), 3);
        for bad in [&b"abd"[..], &b"ab"[..]] {
            let mut reader = Checked {
                inner: bad,
                hasher: Hasher::default(),
                blob: &blob,
            };
            let err = io::copy(&mut reader, &mut io::sink()).unwrap_err();
            assert!(err.to_string().contains("damaged"), "{err}");
        }
    }
}
