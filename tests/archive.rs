//! save / load against the real registry, with skopeo as the peer that must read what we write
//! and write what we read.

mod common;
mod support;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{code, ok, stderr, stdout, unique, Home};
use support::images::{layer, Image};

fn skopeo(args: &[&str]) -> Output {
    let out = Command::new("skopeo")
        .args(args)
        .output()
        .expect("skopeo runs");
    assert!(
        out.status.success(),
        "skopeo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

/// A home with its own store, and a small image of two layers pulled into it.
fn pulled(repo: &str) -> (Home, String, String, Image) {
    let bed = support::bed();
    let image = bed.push_plain(
        repo,
        vec![
            layer(&format!("{repo}a"), 30_000),
            layer(&format!("{repo}b"), 5_000),
        ],
    );
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let reference = format!("{}/{repo}:v1", bed.plain_registry);
    ok(&home.run(&["pull", &reference, "--store", &store]));
    (home, store, reference, image)
}

/// `regctl save REF… -o FILE --store STORE EXTRA…`
fn save(home: &Home, store: &str, references: &[&str], file: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["save"];
    args.extend(references);
    args.extend(["-o", file.to_str().unwrap(), "--store", store]);
    args.extend(extra);
    home.run(&args)
}

fn images(home: &Home, store: &str) -> serde_json::Value {
    let out = home.run(&["images", "--store", store, "--format", "json"]);
    ok(&out);
    json(&out.stdout)
}

/// The archive's members: path → content.
fn members(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = tar::Archive::new(File::open(path).unwrap());
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let path = e.path().unwrap().display().to_string();
            let mut content = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut content).unwrap();
            (path, content)
        })
        .collect()
}

fn member(members: &[(String, Vec<u8>)], path: &str) -> serde_json::Value {
    let (_, content) = members
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("no {path} in the archive"));
    json(content)
}

fn blob_files(store: &str) -> Vec<PathBuf> {
    std::fs::read_dir(Path::new(store).join("blobs/sha256"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

#[test]
fn docker_and_oci_archives_skopeo_reads_and_we_read_back() {
    let repo = unique("save");
    let (home, store, reference, image) = pulled(&repo);
    let layers: Vec<&str> = image.layers.iter().map(|(d, _)| d.as_str()).collect();
    let second = format!("{reference}-again");
    ok(&home.run(&["tag", &reference, &second, "--store", &store]));
    let dir = home.dir.path();

    // docker format, two names of one image: docker's files beside the OCI layout, shared blobs once.
    let docker = dir.join("docker.tar");
    let out = save(&home, &store, &[&reference, &second], &docker, &[]);
    ok(&out);
    assert_eq!(stdout(&out), "");
    let inspect = skopeo(&[
        "inspect",
        &format!("docker-archive:{}:{reference}", docker.display()),
    ]);
    assert_eq!(json(&inspect.stdout)["Layers"], serde_json::json!(layers));
    let tar = members(&docker);
    let manifest = member(&tar, "manifest.json");
    assert_eq!(manifest.as_array().unwrap().len(), 1);
    assert_eq!(
        manifest[0]["RepoTags"],
        serde_json::json!([reference, second])
    );
    assert_eq!(
        manifest[0]["Config"],
        format!("blobs/sha256/{}", &image.config_digest[7..])
    );
    assert_eq!(member(&tar, "oci-layout")["imageLayoutVersion"], "1.0.0");
    let index = member(&tar, "index.json");
    assert_eq!(index["manifests"][0]["digest"], image.digest);
    assert_eq!(
        index["manifests"][0]["annotations"]["io.containerd.image.name"],
        reference
    );
    assert_eq!(
        index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"],
        "v1"
    );
    assert!(member(&tar, "repositories").is_object());
    // Manifest, config and two layers, once each.
    let blobs = tar
        .iter()
        .filter(|(p, c)| p.starts_with("blobs/sha256/") && !c.is_empty());
    assert_eq!(blobs.count(), 4);

    // oci format: skopeo finds the image by its full name.
    let oci = dir.join("oci.tar");
    let out = save(&home, &store, &[&reference], &oci, &["--format", "oci"]);
    ok(&out);
    let inspect = skopeo(&[
        "inspect",
        &format!("oci-archive:{}:{reference}", oci.display()),
    ]);
    assert_eq!(json(&inspect.stdout)["Digest"], image.digest);
    assert_eq!(json(&inspect.stdout)["Layers"], serde_json::json!(layers));

    // Round trip: gone from the store, back from the archive with the same digest.
    ok(&home.run(&["rmi", &reference, &second, "--store", &store]));
    assert!(blob_files(&store).is_empty());
    let out = home.run(&["load", "-i", oci.to_str().unwrap(), "--store", &store]);
    ok(&out);
    assert_eq!(stdout(&out), format!("Loaded image: {reference}\n"));
    let list = images(&home, &store);
    assert_eq!(list[0]["digest"], image.digest);
    assert_eq!(list[0]["tag"], "v1");

    // The docker archive through stdin, into a fresh store: both names, the same digest.
    let other = dir.join("other").display().to_string();
    let out = home
        .command(&["load", "-i", "-", "--store", &other])
        .stdin(File::open(&docker).unwrap())
        .output()
        .unwrap();
    ok(&out);
    assert_eq!(
        stdout(&out),
        format!("Loaded image: {reference}\nLoaded image: {second}\n")
    );
    let list = images(&home, &other);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["digest"] == image.digest));
    assert!(std::fs::read_dir(Path::new(&other).join(".regctl/ingest"))
        .unwrap()
        .next()
        .is_none());

    // To stdout: the same bytes as to a file.
    let piped = dir.join("piped.tar");
    let status = home
        .command(&[
            "save", &reference, "-o", "-", "--format", "oci", "--store", &store,
        ])
        .stdout(File::create(&piped).unwrap())
        .stderr(Stdio::inherit())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(std::fs::read(&piped).unwrap(), std::fs::read(&oci).unwrap());
}

#[test]
fn save_to_stdout_and_load_a_gzipped_archive_from_stdin_as_docker_does() {
    let (home, store, reference, image) = pulled(&unique("piped"));
    // No -o: stdout, as docker save.
    let out = home.run(&["save", &reference, "--store", &store]);
    ok(&out);
    let tar = home.dir.path().join("piped.tar");
    std::fs::write(&tar, &out.stdout).unwrap();
    let gzip = Command::new("gzip").arg("-k").arg(&tar).status().unwrap();
    assert!(gzip.success());
    let gz = home.dir.path().join("piped.tar.gz");
    // No -i: stdin, as docker load; gzipped, as docker load takes it.
    let other = home.dir.path().join("other").display().to_string();
    let mut load = home.command(&["load", "--store", &other]);
    load.stdin(File::open(&gz).unwrap());
    let out = load.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = images(&home, &other);
    assert_eq!(listed[0]["digest"], image.digest, "{listed}");
    let third = home.dir.path().join("third").display().to_string();
    ok(&home.run(&["load", "-i", gz.to_str().unwrap(), "--store", &third]));
    // Another compression is named, and nothing is added.
    let zst = home.dir.path().join("piped.tar.zst");
    std::fs::write(&zst, b"\x28\xb5\x2f\xfd not really").unwrap();
    let out = home.run(&["load", "-i", zst.to_str().unwrap(), "--store", &third]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("zstd -d"), "{}", stderr(&out));
}

#[test]
fn an_interrupted_save_leaves_no_file_behind() {
    let bed = support::bed();
    let repo = unique("interrupted");
    bed.push_plain(&repo, vec![layer(&repo, 48 << 20)]);
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let reference = format!("{}/{repo}:v1", bed.plain_registry);
    ok(&home.run(&["pull", &reference, "--store", &store]));
    let dir = home.dir.path().join("out");
    std::fs::create_dir(&dir).unwrap();
    let target = dir.join("image.tar");
    let mut child = home
        .command(&[
            "save",
            &reference,
            "--store",
            &store,
            "-o",
            target.to_str().unwrap(),
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let signal = |name: &str| {
        let kill = Command::new("kill")
            .args([name, &child.id().to_string()])
            .status();
        assert!(kill.unwrap().success());
    };
    // Caught while its temp file is being written: stopped there, told to stop, let go.
    let started = std::time::Instant::now();
    while std::fs::read_dir(&dir).unwrap().next().is_none() {
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    signal("-STOP");
    signal("-INT");
    signal("-CONT");
    let status = child.wait().unwrap();
    // Ended by SIGINT itself, as a shell loop needs to see to stop too.
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(2), "{status:?}");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn skopeo_docker_archive_loads_and_pushes() {
    let bed = support::bed();
    let plain = &bed.plain_registry;
    let repo = unique("skopeo-src");
    let image = bed.push_layers(
        plain,
        &repo,
        Some("v1"),
        None,
        ("linux", "amd64"),
        vec![layer(&repo, 20_000)],
        true,
    );
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let archive = home.dir.path().join("skopeo.tar");
    let name = format!("{plain}/{}:v2", unique("loaded"));
    skopeo(&[
        "copy",
        "--src-tls-verify=false",
        &format!("docker://{plain}/{repo}:v1"),
        &format!("docker-archive:{}:{name}", archive.display()),
    ]);
    let out = home.run(&["load", "-i", archive.to_str().unwrap(), "--store", &store]);
    ok(&out);
    assert_eq!(stdout(&out), format!("Loaded image: {name}\n"));
    let list = images(&home, &store);
    assert_eq!(list[0]["repository"], name.rsplit_once(':').unwrap().0);
    assert_eq!(list[0]["tag"], "v2");
    assert_eq!(list[0]["platforms"], serde_json::json!(["linux/amd64"]));

    let out = home.run(&["push", &name, "--store", &store]);
    ok(&out);
    let pushed = stdout(&out).trim().to_string();
    let inspect = skopeo(&["inspect", "--tls-verify=false", &format!("docker://{name}")]);
    let inspect = json(&inspect.stdout);
    assert_eq!(inspect["Digest"], pushed);
    assert_eq!(inspect["Layers"], serde_json::json!([image.layers[0].0]));
    let raw = skopeo(&[
        "inspect",
        "--raw",
        "--tls-verify=false",
        &format!("docker://{name}"),
    ]);
    assert_eq!(
        json(&raw.stdout)["mediaType"],
        "application/vnd.docker.distribution.manifest.v2+json"
    );
}

#[test]
fn docker_archive_of_a_multi_platform_image_takes_one_platform() {
    let bed = support::bed();
    let repo = unique("multi-save");
    let (index, platforms) = bed.push_index(
        &bed.plain_registry,
        &repo,
        "1.0",
        None,
        &[("linux", "amd64"), ("linux", "arm64")],
        4_000,
        false,
    );
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let reference = format!("{}/{repo}:1.0", bed.plain_registry);
    ok(&home.run(&["pull", &reference, "--store", &store, "--all-platforms"]));
    let archive = home.dir.path().join("arm.tar");
    ok(&save(
        &home,
        &store,
        &[&reference],
        &archive,
        &["--platform", "linux/arm64"],
    ));
    let inspect = skopeo(&["inspect", &format!("docker-archive:{}", archive.display())]);
    let inspect = json(&inspect.stdout);
    assert_eq!(inspect["Architecture"], "arm64");
    assert_eq!(
        inspect["Layers"],
        serde_json::json!([platforms[1].layers[0].0])
    );

    // The OCI format keeps the index, digest and all.
    let oci = home.dir.path().join("all.tar");
    ok(&save(
        &home,
        &store,
        &[&reference],
        &oci,
        &["--format", "oci"],
    ));
    let raw = skopeo(&[
        "inspect",
        "--raw",
        &format!("oci-archive:{}:{reference}", oci.display()),
    ]);
    assert_eq!(support::sha256_digest(&raw.stdout), index);

    let s390x = home.dir.path().join("s390x.tar");
    let out = save(
        &home,
        &store,
        &[&reference],
        &s390x,
        &["--platform", "linux/s390x"],
    );
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(!s390x.exists());

    // After pulling one platform, an OCI archive holds an index of that one, with a warning:
    // every manifest it names is in it, so skopeo copies all of it.
    let partial = home.dir.path().join("partial-store").display().to_string();
    ok(&home.run(&[
        "pull",
        &reference,
        "--store",
        &partial,
        "--platform",
        "linux/arm64",
    ]));
    let arm = home.dir.path().join("arm-oci.tar");
    let out = save(&home, &partial, &[&reference], &arm, &["--format", "oci"]);
    ok(&out);
    assert!(
        stderr(&out).contains("reduced-platform index (1 of 2"),
        "{}",
        stderr(&out)
    );
    let copied = home.dir.path().join("copied");
    let out = skopeo(&[
        "copy",
        "--all",
        &format!("oci-archive:{}:{reference}", arm.display()),
        &format!("oci:{}:x", copied.display()),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn one_config_under_two_manifests_keeps_each_name_on_its_own() {
    // The same image as OCI and as Docker schema 2 (skopeo converts the manifest, not the
    // config): manifest.json names images by config, so only index.json can tell them apart.
    let repo = unique("twins");
    let (home, store, oci_ref, image) = pulled(&repo);
    let bed = support::bed();
    let plain = &bed.plain_registry;
    let converted = unique("twins-v2s2");
    skopeo(&[
        "copy",
        "--format",
        "v2s2",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        &format!("docker://{oci_ref}"),
        &format!("docker://{plain}/{converted}:v1"),
    ]);
    let v2s2_ref = format!("{plain}/{converted}:v1");
    let out = home.run(&["pull", &v2s2_ref, "--store", &store]);
    ok(&out);
    let v2s2_digest = stdout(&out).trim().to_string();
    assert_ne!(v2s2_digest, image.digest);

    let tar = home.dir.path().join("twins.tar");
    ok(&save(&home, &store, &[&oci_ref, &v2s2_ref], &tar, &[]));
    let other = home.dir.path().join("other").display().to_string();
    ok(&home.run(&["load", "-i", tar.to_str().unwrap(), "--store", &other]));
    for (name, digest) in [(&oci_ref, &image.digest), (&v2s2_ref, &v2s2_digest)] {
        let out = home.run(&["images", "--store", &other, "--format", "json"]);
        let listed = json(&out.stdout);
        let entry = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|e| {
                format!(
                    "{}:{}",
                    e["repository"].as_str().unwrap(),
                    e["tag"].as_str().unwrap()
                ) == *name
            })
            .unwrap_or_else(|| panic!("{name} not listed: {listed}"));
        assert_eq!(entry["digest"], digest.as_str(), "{listed}");
    }
}

/// An OCI archive whose index.json names an index of an index of one image.
fn nested_index_archive(path: &Path, name: &str) -> String {
    use support::sha256_digest;
    let layer = layer("nested-layer", 2_000);
    let config =
        br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#
            .to_vec();
    let image = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha256_digest(&config), "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": sha256_digest(&layer), "size": layer.len()}],
    }))
    .unwrap();
    let index_of = |child: &[u8], platform: bool| {
        let mut entry = serde_json::json!({"mediaType": if platform { "application/vnd.oci.image.manifest.v1+json" } else { "application/vnd.oci.image.index.v1+json" }, "digest": sha256_digest(child), "size": child.len()});
        if platform {
            entry["platform"] = serde_json::json!({"architecture": "amd64", "os": "linux"});
        }
        serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [entry]})).unwrap()
    };
    let inner = index_of(&image, true);
    let outer = index_of(&inner, false);
    let top = serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.index.v1+json", "digest": sha256_digest(&outer), "size": outer.len(),
        "annotations": {"org.opencontainers.image.ref.name": name}}]}))
    .unwrap();
    oci_archive(path, &top, &[&layer, &config, &image, &inner, &outer]);
    sha256_digest(&image)
}

/// Writes an OCI archive of `index` and `blobs`.
fn oci_archive(path: &Path, index: &[u8], blobs: &[&Vec<u8>]) {
    let mut tar = tar::Builder::new(File::create(path).unwrap());
    let mut add = |name: &str, data: &[u8]| {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, data).unwrap();
    };
    add("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#);
    add("index.json", index);
    for blob in blobs {
        let digest = support::sha256_digest(blob);
        add(&format!("blobs/sha256/{}", &digest[7..]), blob);
    }
    tar.finish().unwrap();
}

#[test]
fn an_image_with_a_foreign_layer_is_no_docker_archive() {
    use support::sha256_digest;
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let (own, foreign) = (layer("own-layer", 1_000), layer("windows-base", 1_000));
    let config =
        br#"{"architecture":"amd64","os":"windows","rootfs":{"type":"layers","diff_ids":[]}}"#
            .to_vec();
    let image = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha256_digest(&config), "size": config.len()},
        "layers": [
            {"mediaType": "application/vnd.oci.image.layer.nondistributable.v1.tar", "digest": sha256_digest(&foreign), "size": foreign.len(), "urls": ["https://example.com/base"]},
            {"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": sha256_digest(&own), "size": own.len()},
        ],
    }))
    .unwrap();
    let name = format!("example.com/{}:v1", unique("foreign"));
    let index = serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha256_digest(&image), "size": image.len(),
        "annotations": {"org.opencontainers.image.ref.name": name}}]}))
    .unwrap();
    let source = home.dir.path().join("foreign.tar");
    oci_archive(&source, &index, &[&own, &config, &image]);
    ok(&home.run(&["load", "-i", source.to_str().unwrap(), "--store", &store]));
    let saved = home.dir.path().join("saved.tar");
    let out = save(&home, &store, &[&name], &saved, &[]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("use --format oci"),
        "{}",
        stderr(&out)
    );
    assert!(!saved.exists());
    ok(&save(&home, &store, &[&name], &saved, &["--format", "oci"]));
}

#[test]
fn an_index_of_indexes_is_saved_whole() {
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let source = home.dir.path().join("nested.tar");
    let name = format!("example.com/{}:v1", unique("nested"));
    let image = nested_index_archive(&source, &name);
    ok(&home.run(&["load", "-i", source.to_str().unwrap(), "--store", &store]));
    let saved = home.dir.path().join("saved.tar");
    ok(&save(&home, &store, &[&name], &saved, &["--format", "oci"]));
    let names: Vec<String> = members(&saved).into_iter().map(|(p, _)| p).collect();
    let stored: Vec<String> = blob_files(&store)
        .iter()
        .map(|p| format!("blobs/sha256/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    // Every blob of the image, the manifest at the bottom among them.
    assert!(stored.contains(&format!("blobs/sha256/{}", &image[7..])));
    for blob in &stored {
        assert!(names.contains(blob), "{blob} missing from {names:?}");
    }
}

#[test]
fn short_names_other_tools_write_and_unnamed_images_can_be_used_and_removed() {
    let repo = unique("others");
    let (home, store, reference, _) = pulled(&repo);
    // skopeo names what it puts in an OCI layout as it is told: here `short:1`.
    skopeo(&[
        "copy",
        "--src-tls-verify=false",
        &format!("docker://{reference}"),
        &format!("oci:{store}:short:1"),
    ]);
    let tar = home.dir.path().join("short.tar");
    ok(&save(&home, &store, &["short:1"], &tar, &[]));
    ok(&home.run(&["rmi", "short:1", "--store", &store]));

    // An archive that names nothing: listed as <none>, removed by digest with its blobs.
    let unnamed = home.dir.path().join("unnamed.tar");
    skopeo(&[
        "copy",
        "--src-tls-verify=false",
        &format!("docker://{reference}"),
        &format!("docker-archive:{}", unnamed.display()),
    ]);
    let other = home.dir.path().join("other").display().to_string();
    ok(&home.run(&["load", "-i", unnamed.to_str().unwrap(), "--store", &other]));
    let listed = images(&home, &other);
    let entry = &listed[0];
    assert_eq!(entry["repository"], "<none>", "{listed}");
    let digest = entry["digest"].as_str().unwrap().to_string();
    assert!(!blob_files(&other).is_empty());
    ok(&home.run(&["rmi", &digest, "--store", &other]));
    assert_eq!(images(&home, &other), serde_json::json!([]));
    assert!(blob_files(&other).is_empty());
}

#[test]
fn a_damaged_archive_adds_nothing() {
    let repo = unique("damaged");
    let (home, store, reference, image) = pulled(&repo);
    let dir = home.dir.path();
    let good = dir.join("good.tar");
    ok(&save(&home, &store, &[&reference], &good, &[]));
    let bytes = std::fs::read(&good).unwrap();

    let fresh = dir.join("fresh").display().to_string();
    ok(&home.run(&["images", "--store", &fresh]));
    let index_before = std::fs::read(Path::new(&fresh).join("index.json")).unwrap();

    // A flipped byte inside the big layer, a cut through it, and something that is no tar.
    let layer = &image.layers[0].1;
    let at = bytes
        .windows(64)
        .position(|w| w == &layer[20_000..20_064])
        .expect("the layer is in the archive");
    let mut flipped = bytes.clone();
    flipped[at] ^= 0xff;
    let cases = [
        ("flipped", flipped, "hashes to"),
        ("truncated", bytes[..at].to_vec(), "truncated"),
        (
            "garbage",
            b"not a tar at all".repeat(100),
            "not a tar archive",
        ),
    ];
    for (name, content, says) in cases {
        let path = dir.join(format!("{name}.tar"));
        std::fs::write(&path, content).unwrap();
        let out = home.run(&["load", "-i", path.to_str().unwrap(), "--store", &fresh]);
        assert_eq!(code(&out), 1, "{name}: {}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{name}: {}", stderr(&out));
        assert_eq!(
            std::fs::read(Path::new(&fresh).join("index.json")).unwrap(),
            index_before
        );
        assert!(blob_files(&fresh).is_empty(), "{name}");
        assert!(std::fs::read_dir(Path::new(&fresh).join(".regctl/ingest"))
            .unwrap()
            .next()
            .is_none());
    }

    // A name the store lacks: exit 4, and no file, not even a temporary one.
    let empty = dir.join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = save(
        &home,
        &store,
        &[&reference, &format!("{reference}-missing")],
        &empty.join("x.tar"),
        &[],
    );
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(std::fs::read_dir(&empty).unwrap().next().is_none());
}
