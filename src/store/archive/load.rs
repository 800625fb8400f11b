//! `load`: an archive's images into the store, all or nothing.
//!
//! The first pass over the tar copies every member whose name says its digest
//! (`blobs/sha256/<hex>`, `<hex>.json`, `<hex>.tar`, …) into a partial file of the store and checks
//! it, keeps small JSON documents for planning, and hashes the other members. Layers of docker
//! 24 and older (`<id>/layer.tar`) have no digest in their name, so a second pass brings in
//! those the images need, now that their digests are known. Only when every blob has checked out
//! do they move into `blobs/`, and only then does `index.json` change.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{self, Read, Seek};

use oci_client::manifest::OciImageIndex;
use tar::EntryType;

use super::docker::{self, Member, MANIFEST_JSON};
use super::{archive_error, blob_path, Target, CONTAINERD_NAME, INDEX_JSON};
use crate::digest::{Digest, Hasher};
use crate::manifest::{Kind, Manifest};
use crate::reference::Reference;
use crate::store::index::{Entry, REF_NAME};
use crate::store::{Error, Ingest, Store};

/// Members larger than this are not kept in memory (manifests and configs are far smaller; the
/// distribution spec lets registries refuse manifests above 4 MiB).
const MAX_DOCUMENT: u64 = 4 << 20;

/// One image added to the store.
pub struct Loaded {
    /// What the names point at: an image manifest or an index.
    pub digest: Digest,
    /// Full references; empty when the archive gave the image no name.
    pub names: Vec<Reference>,
}

pub fn load(store: &Store, from: &Target) -> Result<Vec<Loaded>, Error> {
    let name = from.name("stdin");
    let file = match from {
        Target::File(path) => File::open(path).map_err(|e| archive_error(&name, e))?,
        Target::Std => spool(store, &name, io::stdin().lock())?,
    };
    let file = uncompressed(store, &name, file)?;
    let mut loader = Loader {
        store,
        name,
        staged: Staged::default(),
    };
    let scan = loader.scan(&file)?;
    let plan = loader.plan(&scan)?;
    if !plan.second_pass.is_empty() {
        loader.second_pass(&file, &plan.second_pass)?;
    }
    loader.commit(plan)
}

/// stdin can be read only once, and a gzipped archive not at random: the archive is read twice
/// (`manifest.json` may come last), so a copy is kept to read again. The file has no name, so
/// nothing is left behind whatever happens.
fn spool(store: &Store, name: &str, mut from: impl Read) -> Result<File, Error> {
    let dir = store.private("ingest");
    let mut file = tempfile::tempfile_in(&dir).map_err(|source| Error::Io {
        path: dir,
        cause: source,
    })?;
    io::copy(&mut from, &mut file).map_err(|e| archive_error(name, e))?;
    file.rewind().map_err(|e| archive_error(name, e))?;
    Ok(file)
}

/// The tar inside `file`: the file itself, or for a gzipped one (`docker save | gzip`, which
/// docker load takes) a spooled copy of what it holds. Other compressions are named, not
/// misread as a damaged tar.
fn uncompressed(store: &Store, name: &str, mut file: File) -> Result<File, Error> {
    let mut magic = Vec::with_capacity(6);
    (&mut file)
        .take(6)
        .read_to_end(&mut magic)
        .and_then(|_| file.rewind())
        .map_err(|e| archive_error(name, e))?;
    if magic.starts_with(&[0x1f, 0x8b]) {
        return spool(store, name, flate2::read::MultiGzDecoder::new(file));
    }
    let other = [
        (&b"\x28\xb5\x2f\xfd"[..], "zstd", "zstd -d"),
        (&b"\xfd7zXZ\x00"[..], "xz", "xz -d"),
        (&b"BZh"[..], "bzip2", "bzip2 -d"),
    ];
    if let Some((_, kind, tool)) = other.iter().find(|(m, _, _)| magic.starts_with(m)) {
        return Err(archive_error(
            name,
            format!("{kind}-compressed archives are not read here; decompress it first ({tool})"),
        ));
    }
    Ok(file)
}

/// Partial files of checked blobs, waiting for the whole archive to check out. Whatever is
/// still here when it is dropped (an error, or a blob no image needs) is deleted.
#[derive(Default)]
struct Staged(HashMap<Digest, Ingest>);

impl Drop for Staged {
    fn drop(&mut self) {
        for (_, ingest) in self.0.drain() {
            ingest.abandon();
        }
    }
}

/// What the first pass learnt.
#[derive(Default)]
struct Scan {
    /// Regular files by path.
    members: HashMap<String, Member>,
    /// Symbolic and hard links by path, to the path they stand for.
    links: HashMap<String, String>,
    /// Small JSON files by path: the descriptions, manifests and configs.
    documents: HashMap<String, Vec<u8>>,
}

impl Scan {
    /// The regular file `path` names, through links (docker 24 links layers shared by images).
    fn member(&self, path: &str) -> Option<(String, &Member)> {
        let mut path = normalise(path);
        for _ in 0..16 {
            if let Some(m) = self.members.get(&path) {
                return Some((path, m));
            }
            path = self.links.get(&path)?.clone();
        }
        None
    }
}

/// What goes into the store.
struct Plan {
    images: Vec<Image>,
    /// Every blob the images need.
    needed: HashSet<Digest>,
    /// Members needed whose digests the first pass had to compute: path → member.
    second_pass: HashMap<String, Member>,
}

impl Plan {
    /// One image per digest: docker 25 lists an image in index.json once per name.
    fn add(&mut self, image: Image) {
        match self.images.iter_mut().find(|i| i.digest == image.digest) {
            Some(known) => known.names = distinct(known.names.drain(..).chain(image.names)),
            None => self.images.push(image),
        }
    }
}

struct Image {
    digest: Digest,
    media_type: String,
    size: u64,
    names: Vec<Reference>,
    /// A manifest made for an archive that had none.
    made: Option<Vec<u8>>,
}

struct Loader<'a> {
    store: &'a Store,
    name: String,
    staged: Staged,
}

impl Loader<'_> {
    fn malformed(&self, reason: impl std::fmt::Display) -> Error {
        archive_error(&self.name, reason)
    }

    fn tar_error(&self) -> impl Fn(io::Error) -> Error + '_ {
        |e| archive_error(&self.name, io_reason(&e))
    }

    /// A member's header does not parse: the tar crate's message quotes the bad bytes, which
    /// help nobody.
    fn header_error(&self) -> impl Fn(io::Error) -> Error + '_ {
        |e| match e.kind() {
            io::ErrorKind::UnexpectedEof => self.tar_error()(e),
            _ => self
                .malformed("not a tar archive, or a damaged one (a member header does not parse)"),
        }
    }

    fn scan(&mut self, file: &File) -> Result<Scan, Error> {
        let mut scan = Scan::default();
        let mut archive = tar::Archive::new(rewound(file).map_err(self.tar_error())?);
        for entry in archive.entries_with_seek().map_err(self.tar_error())? {
            let mut entry = entry.map_err(self.header_error())?;
            let path = normalise(&entry.path().map_err(self.tar_error())?.to_string_lossy());
            let kind = entry.header().entry_type();
            if kind.is_symlink() || kind.is_hard_link() {
                let target = entry.link_name().map_err(self.tar_error())?;
                let target = target.map(|t| t.to_string_lossy().into_owned());
                let target =
                    target.ok_or_else(|| self.malformed(format!("{path}: a link to nothing")))?;
                // A symbolic link is relative to its directory; a hard link to the archive's root.
                let target = match (kind.is_symlink(), path.rsplit_once('/')) {
                    (true, Some((dir, _))) => normalise(&format!("{dir}/{target}")),
                    _ => normalise(&target),
                };
                scan.links.insert(path, target);
            } else if kind == EntryType::Regular || kind == EntryType::Continuous {
                let size = entry.size();
                let (member, document) = self.read_member(&path, &mut entry, size)?;
                scan.documents.extend(document.map(|d| (path.clone(), d)));
                scan.members.insert(path, member);
            }
        }
        Ok(scan)
    }

    /// Stages a member named by its digest, hashes any other; keeps it when it is a document.
    fn read_member(
        &mut self,
        path: &str,
        entry: &mut impl Read,
        size: u64,
    ) -> Result<(Member, Option<Vec<u8>>), Error> {
        let Some(digest) = named_digest(path) else {
            let mut hasher = Hasher::default();
            let (gzip, document) = self.drain(path, entry, size, |chunk| {
                hasher.update(chunk);
                Ok(())
            })?;
            let digest = hasher.finish();
            return Ok((Member { digest, size, gzip }, document));
        };
        if self.store.has_blob(&digest) || self.staged.0.contains_key(&digest) {
            // Already here: only the first bytes, to tell a gzip layer.
            let (gzip, _) =
                self.drain(path, &mut entry.by_ref().take(2), size.min(2), |_| Ok(()))?;
            return Ok((Member { digest, size, gzip }, None));
        }
        let (gzip, document) = self.stage(path, entry, &digest, size)?;
        Ok((Member { digest, size, gzip }, document))
    }

    /// Copies a member into a partial file of the store and checks it against `digest`: a
    /// corrupt archive stops here, before anything has entered the store.
    fn stage(
        &mut self,
        path: &str,
        entry: &mut impl Read,
        digest: &Digest,
        size: u64,
    ) -> Result<(bool, Option<Vec<u8>>), Error> {
        let mut ingest = self.store.ingest(digest, size)?;
        if ingest.already_stored() {
            // Another process finished this blob while we waited for its partial file, which is
            // now the stored blob: never reset it.
            return self.drain(path, entry, size, |_| Ok(()));
        }
        let read = ingest
            .reset()
            .and_then(|()| self.drain(path, entry, size, |chunk| ingest.write(chunk)))
            .and_then(|read| ingest.verify().map(|()| read));
        match read {
            Ok(read) => {
                self.staged.0.insert(digest.clone(), ingest);
                Ok(read)
            }
            Err(e) => {
                ingest.abandon();
                Err(e)
            }
        }
    }

    /// Reads a member to its end into `sink`; says whether it is gzip-compressed and returns it
    /// when it is a small JSON document.
    fn drain(
        &self,
        path: &str,
        entry: &mut impl Read,
        size: u64,
        mut sink: impl FnMut(&[u8]) -> Result<(), Error>,
    ) -> Result<(bool, Option<Vec<u8>>), Error> {
        let mut buf = vec![0u8; 1 << 16];
        let mut document: Option<Vec<u8>> = None;
        let mut head: Vec<u8> = Vec::with_capacity(2);
        let mut total = 0u64;
        loop {
            let n = entry.read(&mut buf).map_err(self.tar_error())?;
            if n == 0 {
                break;
            }
            let chunk = &buf[..n];
            if total == 0 && size <= MAX_DOCUMENT && matches!(chunk[0], b'{' | b'[') {
                document = Some(Vec::new());
            }
            head.extend(chunk.iter().take(2 - head.len()));
            if let Some(d) = &mut document {
                d.extend_from_slice(chunk);
            }
            sink(chunk)?;
            total += n as u64;
        }
        if total != size {
            return Err(self.malformed(format!(
                "{path} ends after {total} of its {size} bytes (truncated?)"
            )));
        }
        Ok((head == [0x1f, 0x8b], document))
    }

    fn plan(&self, scan: &Scan) -> Result<Plan, Error> {
        let mut plan = Plan {
            images: Vec::new(),
            needed: HashSet::new(),
            second_pass: HashMap::new(),
        };
        let docker: Vec<docker::Entry> = match scan.documents.get(MANIFEST_JSON) {
            Some(bytes) => serde_json::from_slice(bytes)
                .map_err(|e| self.malformed(format!("{MANIFEST_JSON}: {e}")))?,
            None => Vec::new(),
        };
        if let Some(index) = scan.documents.get(INDEX_JSON) {
            self.plan_layout(scan, index, &docker, &mut plan)?;
        } else if scan.documents.contains_key(MANIFEST_JSON) {
            self.plan_docker(scan, &docker, &mut plan)?;
        } else {
            return Err(
                self.malformed("not an image archive: it has neither index.json nor manifest.json")
            );
        }
        if plan.images.is_empty() {
            return Err(self.malformed("the archive holds no image"));
        }
        Ok(plan)
    }

    /// An archive with an OCI layout (ours, docker 25+, skopeo's oci-archive, ctr export):
    /// the images are what `index.json` points at.
    fn plan_layout(
        &self,
        scan: &Scan,
        index: &[u8],
        docker: &[docker::Entry],
        plan: &mut Plan,
    ) -> Result<(), Error> {
        let index: OciImageIndex = serde_json::from_slice(index)
            .map_err(|e| self.malformed(format!("{INDEX_JSON}: {e}")))?;
        // docker's manifest.json names images by their config.
        let mut tags: HashMap<Digest, Vec<&str>> = HashMap::new();
        for entry in docker {
            if let Some((_, config)) = scan.member(&entry.config) {
                let names = tags.entry(config.digest.clone()).or_default();
                names.extend(entry.repo_tags.iter().map(String::as_str));
            }
        }
        let mut walked = Vec::new();
        for entry in &index.manifests {
            let digest: Digest = entry.digest.parse().map_err(|_| {
                self.malformed(format!(
                    "{INDEX_JSON} names an invalid digest {:?}",
                    entry.digest
                ))
            })?;
            let mut configs = Vec::new();
            self.walk(scan, &digest, &entry.media_type, plan, &mut configs)?;
            // An index whose platforms share a config counts as one user of it.
            configs.sort();
            configs.dedup();
            walked.push((entry, digest, configs));
        }
        // Two manifests may share a config (an image as OCI and as Docker schema 2, gzip and
        // zstd layers): a tag found by config then names either, so it goes only to the one
        // manifest that has the config, and only to an entry not named by its own annotations.
        let mut users: HashMap<&Digest, usize> = HashMap::new();
        for (_, _, configs) in &walked {
            for config in configs {
                *users.entry(config).or_default() += 1;
            }
        }
        for (entry, digest, configs) in &walked {
            let annotated: Vec<Reference> = annotated_names(entry.annotations.as_ref()).collect();
            let names = if annotated.is_empty() {
                let repo_tags = configs
                    .iter()
                    .filter(|c| users.get(c) == Some(&1))
                    .flat_map(|c| tags.get(c))
                    .flatten();
                distinct(repo_tags.filter_map(|t| Reference::parse(t).ok()))
            } else {
                distinct(annotated.into_iter())
            };
            let digest = digest.clone();
            plan.add(Image {
                digest,
                media_type: entry.media_type.clone(),
                size: entry.size.max(0) as u64,
                names,
                made: None,
            });
        }
        Ok(())
    }

    /// Adds what a manifest needs to the plan; `configs` collects the configs of its images.
    fn walk(
        &self,
        scan: &Scan,
        digest: &Digest,
        media_type: &str,
        plan: &mut Plan,
        configs: &mut Vec<Digest>,
    ) -> Result<(), Error> {
        let manifest = Manifest::parse(self.document(scan, digest)?, Some(media_type))?;
        plan.needed.insert(digest.clone());
        match &manifest.kind {
            // Like the store, an archive may hold only some platforms of an index.
            Kind::Index(_) => {
                let mut any = false;
                for (child, entry) in manifest.entries()? {
                    if self.has(scan, &child) {
                        self.walk(scan, &child, &entry.media_type, plan, configs)?;
                        any = true;
                    }
                }
                if !any {
                    return Err(
                        self.malformed(format!("it has none of the images of index {digest}"))
                    );
                }
            }
            Kind::Image(_) => {
                let blobs = manifest.blobs()?;
                for blob in &blobs {
                    if !self.has(scan, &blob.digest) {
                        return Err(self.malformed(format!(
                            "it lacks blob {} of image {digest}",
                            blob.digest
                        )));
                    }
                    plan.needed.insert(blob.digest.clone());
                }
                configs.extend(blobs.first().map(|c| c.digest.clone()));
            }
        }
        Ok(())
    }

    /// A blob of the archive's layout, or of the store when the first pass skipped it.
    fn has(&self, scan: &Scan, digest: &Digest) -> bool {
        scan.members.contains_key(&blob_path(digest)) || self.store.has_blob(digest)
    }

    fn document(&self, scan: &Scan, digest: &Digest) -> Result<Vec<u8>, Error> {
        match scan.documents.get(&blob_path(digest)) {
            Some(bytes) => Ok(bytes.clone()),
            None if self.store.has_blob(digest) => self.store.read_blob(digest),
            None => Err(self.malformed(format!(
                "it lacks manifest {digest}, or it is not a JSON document of at most {MAX_DOCUMENT} bytes"
            ))),
        }
    }

    /// An archive with only docker's `manifest.json` (docker 24 and older, skopeo's
    /// docker-archive): each entry becomes a Docker schema 2 image of its files as they are.
    fn plan_docker(
        &self,
        scan: &Scan,
        docker: &[docker::Entry],
        plan: &mut Plan,
    ) -> Result<(), Error> {
        for entry in docker {
            let mut members = Vec::new();
            for path in std::iter::once(&entry.config).chain(&entry.layers) {
                let (path, member) = scan.member(path).ok_or_else(|| {
                    self.malformed(format!(
                        "{MANIFEST_JSON} names {path}, which the archive lacks"
                    ))
                })?;
                let here = self.staged.0.contains_key(&member.digest)
                    || self.store.has_blob(&member.digest);
                if !here {
                    plan.second_pass.insert(path, member.clone());
                }
                plan.needed.insert(member.digest.clone());
                members.push(member.clone());
            }
            let (config, layers) = members.split_first().expect("the config comes first");
            let manifest = docker::schema2(config, layers);
            let names = distinct(
                entry
                    .repo_tags
                    .iter()
                    .filter_map(|t| Reference::parse(t).ok()),
            );
            plan.add(Image {
                digest: Digest::of(&manifest),
                media_type: docker::SCHEMA2.to_string(),
                size: manifest.len() as u64,
                names,
                made: Some(manifest),
            });
        }
        Ok(())
    }

    fn second_pass(&mut self, file: &File, wanted: &HashMap<String, Member>) -> Result<(), Error> {
        let mut archive = tar::Archive::new(rewound(file).map_err(self.tar_error())?);
        for entry in archive.entries_with_seek().map_err(self.tar_error())? {
            let mut entry = entry.map_err(self.header_error())?;
            let path = normalise(&entry.path().map_err(self.tar_error())?.to_string_lossy());
            if let Some(member) = wanted.get(&path) {
                if !self.staged.0.contains_key(&member.digest) {
                    self.stage(&path, &mut entry, &member.digest, member.size)?;
                }
            }
        }
        Ok(())
    }

    /// Blobs into `blobs/`, then the names into `index.json`, all under the store's lock so
    /// that no garbage collection judges the blobs before the names reach them.
    fn commit(mut self, plan: Plan) -> Result<Vec<Loaded>, Error> {
        let lock = self.store.lock()?;
        if let Some(missing) = plan
            .needed
            .iter()
            .find(|d| !self.staged.0.contains_key(d) && !self.store.has_blob(d))
        {
            return Err(self.malformed(format!("blob {missing} went missing while loading")));
        }
        for digest in &plan.needed {
            if let Some(ingest) = self.staged.0.remove(digest) {
                ingest.commit()?;
            }
        }
        let mut index = self.store.index()?;
        let mut loaded = Vec::new();
        let mut displaced = Vec::new();
        for image in plan.images {
            if let Some(manifest) = &image.made {
                self.store.put_blob(manifest)?;
            }
            for name in &image.names {
                displaced.extend(index.set(&Entry {
                    name: name.to_string(),
                    digest: image.digest.clone(),
                    media_type: image.media_type.clone(),
                    size: image.size,
                }));
            }
            if image.names.is_empty() {
                index.add_unnamed(&image.digest, &image.media_type, image.size);
            }
            loaded.push(Loaded {
                digest: image.digest,
                names: image.names,
            });
        }
        self.store.save_index(&index, &lock)?;
        for image in &displaced {
            crate::store::gc::release(self.store, &lock, image)?;
        }
        Ok(loaded)
    }
}

/// What went wrong reading the tar, said for someone holding the file.
fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => "the archive ends early (truncated?)".to_string(),
        io::ErrorKind::InvalidData => format!("not an image archive, or a damaged one: {e}"),
        _ => e.to_string(),
    }
}

fn rewound(mut file: &File) -> io::Result<&File> {
    file.rewind()?;
    Ok(file)
}

/// A path inside the archive without `./` or a leading `/`, and with `..` applied.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The digest a member's name states: `blobs/sha256/<hex>` in an OCI layout; at the top of a
/// docker or skopeo archive `<hex>.json` (a config) and `<hex>.tar` (a layer); in
/// go-containerregistry's tarballs (`crane pull`) `sha256:<hex>` and `<hex>.tar.gz`.
fn named_digest(path: &str) -> Option<Digest> {
    let hex = match path.strip_prefix("blobs/sha256/") {
        Some(hex) => hex,
        None if !path.contains('/') => {
            let name = path.strip_prefix("sha256:").unwrap_or(path);
            [".json", ".tar", ".tar.gz"]
                .iter()
                .find_map(|ext| name.strip_suffix(ext))
                .unwrap_or(name)
        }
        None => return None,
    };
    format!("sha256:{hex}").parse().ok()
}

/// Names from `index.json` annotations: containerd's always full one, and the OCI one when it
/// is a reference rather than a bare tag (docker writes just the tag there).
fn annotated_names(
    annotations: Option<&BTreeMap<String, String>>,
) -> impl Iterator<Item = Reference> + '_ {
    let containerd = annotations.and_then(|a| a.get(CONTAINERD_NAME));
    let oci = annotations
        .and_then(|a| a.get(REF_NAME))
        .filter(|n| n.contains(['/', ':', '@']));
    containerd
        .into_iter()
        .chain(oci)
        .filter_map(|n| Reference::parse(n).ok())
}

/// Names in first-seen order, each once (an archive may give one name several ways).
fn distinct(names: impl Iterator<Item = Reference>) -> Vec<Reference> {
    let mut seen = HashSet::new();
    names.filter(|n| seen.insert(n.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_state_digests() {
        let hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        for path in [
            format!("blobs/sha256/{hex}"),
            format!("{hex}.json"),
            format!("{hex}.tar"),
            format!("{hex}.tar.gz"),
            format!("sha256:{hex}"),
        ] {
            assert_eq!(named_digest(&path).unwrap().hex(), hex, "{path}");
        }
        for path in [
            format!("{hex}/layer.tar"),
            format!("{hex}/json"),
            "manifest.json".to_string(),
            "blobs/sha256/abc".to_string(),
        ] {
            assert!(named_digest(&path).is_none(), "{path}");
        }
    }

    fn append(tar: &mut tar::Builder<Vec<u8>>, path: &str, content: &[u8]) {
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        tar.append_data(&mut header, path, content).unwrap();
    }

    /// docker 24 and older: layers in `<id>/layer.tar`, one shared by a link, no digests in
    /// their names, and manifest.json after them.
    #[test]
    fn docker_24_archive_with_linked_layers() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let plain = b"an uncompressed layer".to_vec();
        let gzip = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0];
        let config = br#"{"architecture":"amd64","os":"linux"}"#;
        let config_file = format!("{}.json", Digest::of(config).hex());
        let mut tar = tar::Builder::new(Vec::new());
        append(&mut tar, "1111/layer.tar", &plain);
        append(&mut tar, "2222/layer.tar", &gzip);
        let mut link = tar::Header::new_gnu();
        link.set_entry_type(EntryType::Symlink);
        link.set_size(0);
        tar.append_link(&mut link, "3333/layer.tar", "../1111/layer.tar")
            .unwrap();
        append(&mut tar, &config_file, config);
        let manifest = serde_json::json!([
            {"Config": config_file, "RepoTags": ["busybox:1.35.0"], "Layers": ["1111/layer.tar", "2222/layer.tar"]},
            {"Config": config_file, "RepoTags": null, "Layers": ["3333/layer.tar"]},
        ]);
        append(&mut tar, MANIFEST_JSON, manifest.to_string().as_bytes());
        let path = dir.path().join("docker24.tar");
        std::fs::write(&path, tar.into_inner().unwrap()).unwrap();

        let loaded = load(&store, &Target::File(path)).unwrap();
        assert_eq!(loaded.len(), 2);
        assert_eq!(
            loaded[0].names,
            vec![Reference::parse("busybox:1.35.0").unwrap()]
        );
        assert!(loaded[1].names.is_empty());
        let image = store.read_manifest(&loaded[0].digest, None).unwrap();
        assert_eq!(image.media_type, docker::SCHEMA2);
        let blobs = image.blobs().unwrap();
        let digests: Vec<Digest> = blobs.iter().map(|b| b.digest.clone()).collect();
        assert_eq!(
            digests,
            [Digest::of(config), Digest::of(&plain), Digest::of(&gzip)]
        );
        assert!(blobs[1].media_type.ends_with("diff.tar"));
        assert!(blobs[2].media_type.ends_with("diff.tar.gzip"));
        assert!(digests.iter().all(|d| store.has_blob(d)));
        let index = store.index().unwrap();
        assert_eq!(index.entries()[0].name, "docker.io/library/busybox:1.35.0");
        // The unnamed image is kept, as a root no name reaches.
        assert!(index.roots().iter().any(|(d, _)| *d == loaded[1].digest));
        let partials = std::fs::read_dir(dir.path().join("store/.regctl/ingest")).unwrap();
        assert_eq!(partials.count(), 0);
    }
}
