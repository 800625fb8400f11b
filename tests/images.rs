//! pull / push / tag / images / rmi against the real registries, with skopeo as the peer that
//! must agree with us on digests and formats.

mod common;
mod support;

use std::path::Path;
use std::process::Command;

use common::{code, ok, stderr, stdout, unique, Home};
use support::images::layer;
use support::{ADMIN, DEV, READER};

fn ca(bed: &support::TestBed) -> &str {
    bed.ca_file.to_str().unwrap()
}

/// A home logged in to the token registry as `user`, with its own store.
fn logged_in(user: (&str, &str)) -> (Home, String) {
    let bed = support::bed();
    let home = Home::new();
    ok(&home.login(&bed.token_registry, user.0, user.1, &["--ca-file", ca(bed)]));
    let store = home.dir.path().join("store").display().to_string();
    (home, store)
}

fn blob_files(store: &str) -> usize {
    std::fs::read_dir(Path::new(store).join("blobs/sha256"))
        .map(|d| d.count())
        .unwrap_or(0)
}

fn skopeo(args: &[&str]) -> std::process::Output {
    Command::new("skopeo")
        .args(args)
        .output()
        .expect("skopeo runs")
}

/// skopeo, an independent reader, finds `reference` in the OCI layout at `store`.
fn skopeo_reads(store: &str, reference: &str) {
    let out = skopeo(&["inspect", "--raw", &format!("oci:{store}:{reference}")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn pull_push_single_platform_and_retag_without_uploads() {
    let bed = support::bed();
    let repo = format!("private/{}", unique("single"));
    let seeded = bed.push_private(&repo, vec![layer("a", 300_000), layer("b", 10_000)]);
    let (home, store) = logged_in(DEV);
    let reference = format!("{}/{repo}:v1", bed.token_registry);
    let out = home.run(&["pull", &reference, "--store", &store]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), seeded.digest);
    // Not a terminal: one plain line per blob.
    assert_eq!(
        stderr(&out)
            .lines()
            .filter(|l| l.contains("pulled"))
            .count(),
        3,
        "{}",
        stderr(&out)
    );

    let out = home.run(&["images", "--store", &store, "--format", "json"]);
    ok(&out);
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        list[0]["repository"],
        format!("{}/{repo}", bed.token_registry)
    );
    assert_eq!(list[0]["tag"], "v1");
    assert_eq!(list[0]["digest"], seeded.digest);
    assert_eq!(list[0]["platforms"], serde_json::json!(["linux/amd64"]));
    // Layers plus config.
    assert!(list[0]["size"].as_u64().unwrap() as usize > seeded.size());

    // A second pull finds everything in place and downloads nothing.
    let before = bed
        .requests_matching(&bed.token_registry, &format!("/v2/{repo}/blobs/"))
        .len();
    ok(&home.run(&["pull", &reference, "--store", &store]));
    let after = bed
        .requests_matching(&bed.token_registry, &format!("/v2/{repo}/blobs/"))
        .len();
    assert_eq!(before, after);

    // Retag in the same repository and push: the registry has every blob, nothing is uploaded.
    let uploads_path = format!("/v2/{repo}/blobs/uploads");
    let seeding = bed
        .requests_matching(&bed.token_registry, &uploads_path)
        .len();
    let retagged = format!("{}/{repo}:v2", bed.token_registry);
    ok(&home.run(&["tag", &reference, &retagged, "--store", &store]));
    let out = home.run(&["push", &retagged, "--store", &store]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), seeded.digest);
    let uploads = bed.requests_matching(&bed.token_registry, &uploads_path);
    assert_eq!(uploads.len(), seeding, "{uploads:?}");

    // Retag into another repository of the same registry: blobs are mounted, not uploaded.
    let other = format!("private/{}", unique("mounted"));
    let moved = format!("{}/{other}:v1", bed.token_registry);
    ok(&home.run(&["tag", &reference, &moved, "--store", &store]));
    let user = unique("pusher");
    bed.add_user(&user, "pw", &[("private", "pull,push")]);
    let out = home.login(&bed.token_registry, &user, "pw", &[]);
    ok(&out);
    let out = home.run(&["push", &moved, "--store", &store]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), seeded.digest);
    assert_eq!(
        stderr(&out).matches("mounted from").count(),
        3,
        "{}",
        stderr(&out)
    );
    let uploads = bed.requests_matching(&bed.token_registry, &format!("/v2/{other}/blobs/uploads"));
    assert!(uploads.iter().all(|l| l.contains("mount=")), "{uploads:?}");

    // images -q: each digest once, whatever its names; images REPOSITORY[:TAG] filters.
    let out = home.run(&["images", "-q", "--store", &store]);
    ok(&out);
    assert_eq!(stdout(&out), format!("{}\n", seeded.digest));
    let repository = format!("{}/{other}", bed.token_registry);
    for filter in [repository.clone(), format!("{repository}:v1")] {
        let out = home.run(&["images", &filter, "--store", &store, "--format", "json"]);
        ok(&out);
        let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
        assert_eq!(rows[0]["repository"], repository.as_str());
    }
    let out = home.run(&[
        "images",
        &format!("{repository}:v2"),
        "--store",
        &store,
        "-q",
    ]);
    assert_eq!(stdout(&out), "");
    // One token for the whole push: push on the target and pull on the mount source.
    let tokens: Vec<_> = bed
        .token_requests_of(Some(&user))
        .into_iter()
        .filter(|t| !t.scopes.is_empty())
        .collect();
    assert_eq!(tokens.len(), 1, "{tokens:?}");

    // A user who may not read where the blobs came from: the registry refuses the mounts, and
    // the blobs are uploaded instead.
    let outsider = unique("outsider");
    bed.add_user(&outsider, "pw", &[("library", "pull,push")]);
    ok(&home.login(&bed.token_registry, &outsider, "pw", &[]));
    let elsewhere = format!("library/{}", unique("unmounted"));
    let copied = format!("{}/{elsewhere}:v1", bed.token_registry);
    ok(&home.run(&["tag", &reference, &copied, "--store", &store]));
    let out = home.run(&["push", &copied, "--store", &store]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), seeded.digest);
    assert_eq!(
        stderr(&out).matches("pushed").count(),
        3,
        "{}",
        stderr(&out)
    );
    let uploads = bed.requests_matching(
        &bed.token_registry,
        &format!("/v2/{elsewhere}/blobs/uploads"),
    );
    assert_eq!(
        uploads.iter().filter(|l| l.contains("mount=")).count(),
        3,
        "{uploads:?}"
    );
    ok(&home.run(&["rmi", &copied, "--store", &store]));

    // rmi drops the name; blobs stay while another name needs them, then go.
    ok(&home.run(&["rmi", &reference, "--store", &store]));
    assert_eq!(blob_files(&store), 4);
    // As docker's rmi: a missing name (exit 4) does not keep the others; -f makes it fine.
    let out = home.run(&["rmi", &reference, &retagged, "--store", &store]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("Untagged: {retagged}\n"));
    assert_eq!(blob_files(&store), 4);
    ok(&home.run(&["rmi", "-f", &reference, &moved, "--store", &store]));
    assert_eq!(blob_files(&store), 0);
    let out = home.run(&["rmi", &reference, "--store", &store]);
    assert_eq!(code(&out), 4);
    ok(&home.run(&["rmi", "--force", &reference, "--store", &store]));
}

#[test]
fn two_platform_index_host_pull_reduced_push_and_all_platforms_digest_kept() {
    let bed = support::bed();
    let repo = format!("library/{}", unique("multi"));
    let (index, images) = bed.push_index(
        &bed.token_registry,
        &repo,
        "1.0",
        Some(ADMIN),
        &[("linux", "amd64"), ("linux", "arm64")],
        50_000,
        false,
    );
    let (home, store) = logged_in(DEV);
    let reference = format!("{}/{repo}:1.0", bed.token_registry);
    // The registry's side first: the index's digest, and its arm64 image's (as crane digest).
    let out = home.run(&["digest", &reference]);
    assert_eq!(stdout(&out).trim(), index);
    let out = home.run(&["digest", &reference, "--platform", "linux/arm64"]);
    assert_eq!(stdout(&out).trim(), images[1].digest, "{}", stderr(&out));
    let out = home.run(&["digest", &reference, "--platform", "windows/amd64"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    let out = home.run(&[
        "pull",
        &reference,
        "--store",
        &store,
        "--platform",
        "linux/arm64",
    ]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), index);
    let out = home.run(&["images", "--store", &store, "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(list[0]["platforms"], serde_json::json!(["linux/arm64"]));
    assert!(!Path::new(&store)
        .join("blobs/sha256")
        .join(&images[0].digest[7..])
        .exists());

    // Push to the Basic-auth registry: only arm64 is here, so a reduced index goes out.
    let target = format!("{}/{}:1.0", bed.basic_registry, unique("copy"));
    ok(&home.run(&["tag", &reference, &target, "--store", &store]));
    ok(&home.login(
        &bed.basic_registry,
        ADMIN.0,
        ADMIN.1,
        &["--ca-file", ca(bed)],
    ));
    let out = home.run(&["push", &target, "--store", &store]);
    ok(&out);
    assert!(
        stderr(&out).contains("reduced-platform"),
        "{}",
        stderr(&out)
    );
    assert_ne!(stdout(&out).trim(), index);

    // With every platform pulled, the original index goes out with its digest unchanged.
    ok(&home.run(&["pull", &reference, "--store", &store, "--all-platforms"]));
    let out = home.run(&["push", &target, "--store", &store]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), index);
    assert_eq!(bed.skopeo_digest(&target, ADMIN), index);
}

#[test]
fn docker_schema2_images_from_skopeo_and_skopeo_reads_ours() {
    let bed = support::bed();
    let plain = &bed.plain_registry;
    let source = unique("oci-src");
    bed.push_layers(
        plain,
        &source,
        Some("v1"),
        None,
        ("linux", "amd64"),
        vec![layer("s2", 20_000)],
        false,
    );
    let converted = unique("v2s2");
    let copy = skopeo(&[
        "copy",
        "--format",
        "v2s2",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        &format!("docker://{plain}/{source}:v1"),
        &format!("docker://{plain}/{converted}:v1"),
    ]);
    assert!(
        copy.status.success(),
        "{}",
        String::from_utf8_lossy(&copy.stderr)
    );
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let reference = format!("{plain}/{converted}:v1");
    let out = home.run(&["pull", &reference, "--store", &store]);
    ok(&out);
    let digest = stdout(&out).trim().to_string();
    let raw = std::fs::read(Path::new(&store).join("blobs/sha256").join(&digest[7..])).unwrap();
    assert!(String::from_utf8_lossy(&raw)
        .contains("application/vnd.docker.distribution.manifest.v2+json"));

    // Push it elsewhere with regctl; skopeo sees the same digest and can copy it.
    let pushed = format!("{plain}/{}:v1", unique("ours"));
    ok(&home.run(&["tag", &reference, &pushed, "--store", &store]));
    let out = home.run(&["push", &pushed, "--store", &store, "--chunk-size", "4096"]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), digest);
    let inspect = skopeo(&[
        "inspect",
        "--tls-verify=false",
        "--format",
        "{{.Digest}}",
        &format!("docker://{pushed}"),
    ]);
    assert_eq!(String::from_utf8_lossy(&inspect.stdout).trim(), digest);
    let layout = home.dir.path().join("skopeo-oci");
    let copy = skopeo(&[
        "copy",
        "--src-tls-verify=false",
        &format!("docker://{pushed}"),
        &format!("oci:{}:x", layout.display()),
    ]);
    assert!(
        copy.status.success(),
        "{}",
        String::from_utf8_lossy(&copy.stderr)
    );

    // And our store is an OCI layout skopeo reads as it is (for OCI-typed images: skopeo's
    // oci: transport lists no Docker-typed manifests, which we keep byte for byte).
    let oci_ref = format!("{plain}/{source}:v1");
    ok(&home.run(&["pull", &oci_ref, "--store", &store]));
    let inspect = skopeo(&[
        "inspect",
        "--format",
        "{{.Digest}}",
        &format!("oci:{store}:{oci_ref}"),
    ]);
    assert!(
        inspect.status.success(),
        "{}",
        String::from_utf8_lossy(&inspect.stderr)
    );
}

#[test]
fn read_only_user_cannot_push() {
    let bed = support::bed();
    let repo = format!("private/{}", unique("ro"));
    bed.push_private(&repo, vec![layer("ro", 1000)]);
    let (home, store) = logged_in(READER);
    let reference = format!("{}/{repo}:v1", bed.token_registry);
    ok(&home.run(&["pull", &reference, "--store", &store]));
    let target = format!("{}/private/{}:v1", bed.token_registry, unique("ro-target"));
    ok(&home.run(&["tag", &reference, &target, "--store", &store]));
    let out = home.run(&["push", &target, "--store", &store]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("denied") || stderr(&out).contains("unauthorized"),
        "{}",
        stderr(&out)
    );
    // The password was right (the token came): the refusal is about what reader may do.
    assert!(
        !stderr(&out).contains("incorrect username or password"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stderr(&out)
            .lines()
            .filter(|l| l.starts_with("error"))
            .count(),
        1
    );
}

#[test]
fn a_lying_registry_adds_nothing_to_the_store() {
    let liar = support::liar::start();
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let out = home.run(&["pull", &format!("{}/lie:v1", liar.addr), "--store", &store]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&liar.layer_digest),
        "{}",
        stderr(&out)
    );
    let out = home.run(&[
        "pull",
        &format!("{}/lie:swapped", liar.addr),
        "--store",
        &store,
    ]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("hashes to"), "{}", stderr(&out));
    let index = std::fs::read_to_string(Path::new(&store).join("index.json")).unwrap();
    assert!(!index.contains("lie"));
    // The honest config blob may be kept (it verified); the lying layer is nowhere.
    assert!(!Path::new(&store)
        .join("blobs/sha256")
        .join(&liar.layer_digest[7..])
        .exists());
    // Nor is a partial copy of it kept for a resume (an honest blob's partial may be).
    assert!(!Path::new(&store)
        .join(".regctl/ingest")
        .join(&liar.layer_digest[7..])
        .exists());
}

#[test]
fn a_killed_download_resumes_with_range() {
    let bed = support::bed();
    let repo = unique("resume");
    let image = bed.push_plain(&repo, vec![layer("big", 8 << 20)]);
    // The proxy stalls after 3 MiB of a response: regctl hangs mid-layer and is killed. (A
    // large blob reaches its file a MiB at a time, so some of it must be written by then.)
    let proxy = support::proxy::FaultProxy::start(
        &bed.plain_registry,
        support::proxy::Fault::StallAfter(3 << 20),
        1,
    );
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let reference = format!("{}/{repo}:v1", proxy.addr);
    let mut child = home
        .command(&["pull", &reference, "--store", &store, "--concurrency", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let partial = Path::new(&store)
        .join(".regctl/ingest")
        .join(&image.layers[0].0[7..]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0) < 1 << 20 {
        assert!(
            std::time::Instant::now() < deadline,
            "the download never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let have = std::fs::metadata(&partial).unwrap().len();
    assert!(have > 0 && have < 8 << 20);

    let out = home.run(&["pull", &reference, "--store", &store, "-v"]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), image.digest);
    assert!(
        stderr(&out).contains(&format!("range: bytes={have}-")),
        "{}",
        stderr(&out)
    );
    // Plain HTTP: the rest arrives on the blocking-thread path, which takes the 206.
    assert!(
        stderr(&out).contains("(read on a blocking thread)")
            && !stderr(&out).contains("ordinary way"),
        "{}",
        stderr(&out)
    );
    assert_eq!(proxy.fired(), 1);
}

/// A proxy in front of the plain registry that stops taking the first request body after
/// 1 MiB; its address.
fn proxy_for_upload(bed: &support::TestBed) -> String {
    let proxy = support::proxy::FaultProxy::start(
        &bed.plain_registry,
        support::proxy::Fault::StallRequestAfter(1 << 20),
        1,
    );
    let addr = proxy.addr.clone();
    std::mem::forget(proxy); // serves until the test process ends
    addr
}

/// `addr` (127.0.0.1:PORT) by a name only an HTTP proxy knows, and that proxy's URL (for
/// `http_proxy`). Requests a proxy must see take reqwest's way, not our own sockets.
fn through_http_proxy(addr: &str) -> (String, String) {
    let proxy = support::proxy::HttpProxy::start();
    let url = proxy.url.clone();
    std::mem::forget(proxy); // serves until the test process ends
    let port = addr.rsplit_once(':').unwrap().1;
    (format!("{}:{port}", support::proxy::PROXIED_NAME), url)
}

#[test]
fn a_registry_that_stops_answering_is_given_up_on_and_a_stalled_blob_resumes() {
    // A connection that stalls mid-layer: after the idle timeout the pull takes the rest
    // with Range instead of waiting forever.
    let bed = support::bed();
    let repo = unique("stall");
    let image = bed.push_plain(&repo, vec![layer("stalled", 3 << 20)]);
    let proxy = support::proxy::FaultProxy::start(
        &bed.plain_registry,
        support::proxy::Fault::StallAfter(1 << 20),
        1,
    );
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let reference = format!("{}/{repo}:v1", proxy.addr);
    let mut pull = home.command(&["pull", &reference, "--store", &store]);
    let out = common::run(pull.env("REGCTL_IDLE_TIMEOUT", "1"), None);
    ok(&out);
    assert_eq!(stdout(&out).trim(), image.digest);
    assert_eq!(proxy.fired(), 1);

    // A registry that stops taking an upload (through reqwest, as it goes through an HTTP
    // proxy): the blob starts over in a new session instead of waiting.
    let (name, http_proxy) = through_http_proxy(&proxy_for_upload(bed));
    let pushed = format!("{name}/{}:v1", unique("stall-up"));
    ok(&home.run(&["tag", &reference, &pushed, "--store", &store]));
    let mut push = home.command(&["push", &pushed, "--store", &store, "-v", "--plain-http"]);
    let out = common::run(
        push.env("REGCTL_IDLE_TIMEOUT", "1")
            .env("http_proxy", &http_proxy),
        None,
    );
    ok(&out);
    // (What it sent the kernel's buffers took: from here the registry just never answers.)
    assert!(
        stderr(&out).contains("did not answer the upload") && stderr(&out).contains("new session"),
        "{}",
        stderr(&out)
    );

    // A slow upload that keeps moving takes as long as it takes: 3 MiB at 1 MiB/s, longer
    // than the idle limit, goes through in one attempt.
    let slow = support::proxy::FaultProxy::start(
        &bed.plain_registry,
        support::proxy::Fault::ThrottleRequest(1 << 20),
        usize::MAX,
    );
    let (name, http_proxy) = through_http_proxy(&slow.addr);
    let slowly = format!("{name}/{}:v1", unique("slow-up"));
    ok(&home.run(&["tag", &reference, &slowly, "--store", &store]));
    let mut push = home.command(&["push", &slowly, "--store", &store, "-v", "--plain-http"]);
    let out = common::run(
        push.env("REGCTL_IDLE_TIMEOUT", "2")
            .env("http_proxy", &http_proxy),
        None,
    );
    ok(&out);
    assert!(!stderr(&out).contains("new session"), "{}", stderr(&out));

    // A server that accepts connections and never answers: exit 5, not a hang.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap();
    let mut tags = home.command(&["tags", &format!("{addr}/x"), "--plain-http"]);
    let out = common::run(tags.env("REGCTL_IDLE_TIMEOUT", "1"), None);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    drop(silent);
}

#[test]
fn a_dropped_connection_mid_blob_is_retried() {
    let bed = support::bed();
    let repo = unique("dropped");
    let image = bed.push_plain(&repo, vec![layer("drop", 2 << 20)]);
    let proxy = support::proxy::FaultProxy::start(
        &bed.plain_registry,
        support::proxy::Fault::DropAfter(700 << 10),
        2,
    );
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let out = home.run(&[
        "pull",
        &format!("{}/{repo}:v1", proxy.addr),
        "--store",
        &store,
    ]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), image.digest);
    assert_eq!(proxy.fired(), 2);
}

#[test]
fn plain_http_blobs_take_blocking_threads_and_the_kernel_unless_a_proxy_carries_them() {
    let bed = support::bed();
    let repo = unique("sendfile");
    let image = bed.push_plain(
        &repo,
        vec![layer("sf-big", 3 << 20), layer("sf-small", 1000)],
    );
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let pulled = format!("{}/{repo}:v1", bed.plain_registry);
    // Through an HTTP proxy, requests go through reqwest, which speaks to proxies.
    let (name, http_proxy) = through_http_proxy(&bed.plain_registry);
    let other_store = home.dir.path().join("other").display().to_string();
    let via_proxy = format!("{name}/{repo}:v1");
    let out = common::run(
        home.command(&[
            "pull",
            &via_proxy,
            "--store",
            &other_store,
            "-v",
            "--plain-http",
        ])
        .env("http_proxy", &http_proxy),
        None,
    );
    ok(&out);
    assert!(
        !stderr(&out).contains("blocking thread"),
        "{}",
        stderr(&out)
    );
    // Direct, every blob (two layers and the config) is read on a thread of its own. A
    // loopback registry is direct whatever proxy is set, as with docker.
    let out = common::run(
        home.command(&["pull", &pulled, "--store", &store, "-v"])
            .env("http_proxy", &http_proxy)
            .env_remove("NO_PROXY"),
        None,
    );
    ok(&out);
    assert_eq!(
        stderr(&out).matches("(read on a blocking thread)").count(),
        3,
        "{}",
        stderr(&out)
    );
    let pushed_digest = |reference: &str| {
        let out = home.run(&["digest", reference]);
        ok(&out);
        stdout(&out).trim().to_string()
    };

    // Each push goes through a proxy of its own: to regctl another registry, so the blobs are
    // uploaded rather than mounted from where they were pulled.
    let proxy = |fault, times| support::proxy::FaultProxy::start(&bed.plain_registry, fault, times);
    let never = || proxy(support::proxy::Fault::DropRequestAfter(usize::MAX), 0);

    // Every blob body goes out by sendfile.
    let clean = never();
    let straight = format!("{}/{}:v1", clean.addr, unique("sf-straight"));
    ok(&home.run(&["tag", &pulled, &straight, "--store", &store]));
    let out = home.run(&["push", &straight, "--store", &store, "-v"]);
    ok(&out);
    assert_eq!(
        stderr(&out).matches("(body sent with sendfile)").count(),
        3,
        "{}",
        stderr(&out)
    );
    assert_eq!(pushed_digest(&straight), image.digest);

    // The big layer's connection breaks mid-body: the blob goes again the ordinary way, in a
    // new upload session, and the image arrives whole.
    let breaking = proxy(support::proxy::Fault::DropRequestAfter(1 << 20), 1);
    let broken = format!("{}/{}:v1", breaking.addr, unique("sf-broken"));
    ok(&home.run(&["tag", &straight, &broken, "--store", &store]));
    let out = home.run(&["push", &broken, "--store", &store, "-v"]);
    ok(&out);
    assert_eq!(breaking.fired(), 1);
    assert!(
        stderr(&out).contains("sending it again the ordinary way"),
        "{}",
        stderr(&out)
    );
    assert_eq!(pushed_digest(&broken), image.digest);

    // And through an HTTP proxy, the upload goes through reqwest too.
    let other = never();
    let (name, http_proxy) = through_http_proxy(&other.addr);
    let repo_tag = format!("{}:v1", unique("sf-proxied"));
    let proxied = format!("{name}/{repo_tag}");
    ok(&home.run(&["tag", &straight, &proxied, "--store", &store]));
    let out = common::run(
        home.command(&["push", &proxied, "--store", &store, "-v", "--plain-http"])
            .env("http_proxy", &http_proxy),
        None,
    );
    ok(&out);
    assert!(!stderr(&out).contains("sendfile"), "{}", stderr(&out));
    assert_eq!(
        pushed_digest(&format!("{}/{repo_tag}", other.addr)),
        image.digest
    );

    // In chunks, a PATCH breaks mid-body. The registry took part of it and would refuse the
    // same PATCH again, so the blob starts over in a new session.
    let breaking = proxy(support::proxy::Fault::DropRequestAfter(1 << 20), 1);
    let chunked = format!("{}/{}:v1", breaking.addr, unique("sf-chunked"));
    ok(&home.run(&["tag", &straight, &chunked, "--store", &store]));
    let out = home.run(&[
        "push",
        &chunked,
        "--store",
        &store,
        "--chunk-size",
        "524288",
        "-v",
    ]);
    ok(&out);
    assert_eq!(breaking.fired(), 1);
    assert!(
        stderr(&out).contains("again in a new session"),
        "{}",
        stderr(&out)
    );
    assert_eq!(pushed_digest(&chunked), image.digest);
}

#[test]
fn a_pull_beside_an_rmi_never_lists_an_image_with_blobs_gone() {
    // rmi collects blobs no name reaches; a pull in another process holds such blobs (one it
    // found in the store, those it stored) until it lists its image.
    let bed = support::bed();
    let (base, big) = (unique("race-base"), unique("race-big"));
    bed.push_plain(&base, vec![layer("race-shared", 300_000)]);
    let image = bed.push_plain(
        &big,
        vec![layer("race-shared", 300_000), layer("race-own", 3 << 20)],
    );
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let base_ref = format!("{}/{base}:v1", bed.plain_registry);
    ok(&home.run(&["pull", &base_ref, "--store", &store]));

    // The big layer pauses half-way; meanwhile the base image, which alone names the shared
    // layer, is removed.
    let proxy = support::proxy::FaultProxy::start(
        &bed.plain_registry,
        support::proxy::Fault::PauseAfter(1 << 20, std::time::Duration::from_secs(2)),
        1,
    );
    let big_ref = format!("{}/{big}:v1", proxy.addr);
    let mut pull = home.command(&["pull", &big_ref, "--store", &store]);
    let pulling = pull
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while proxy.fired() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the pull never reached the pause"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    ok(&home.run(&["rmi", &base_ref, "--store", &store]));
    let out = pulling.wait_with_output().unwrap();
    ok(&out);
    assert_eq!(stdout(&out).trim(), image.digest);
    // Every blob is there: save reads them all.
    let tar = home.dir.path().join("big.tar").display().to_string();
    ok(&home.run(&["save", &big_ref, "-o", &tar, "--store", &store]));
}

#[test]
fn digests_in_names_pin_what_was_pulled_and_never_rename_an_image() {
    let bed = support::bed();
    let repo = unique("pinned");
    let image = bed.push_plain(&repo, vec![layer("pinned", 1_000)]);
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    // Pulled by tag and digest: listed, and addressed, by the tag.
    let pinned = format!("{}/{repo}:v1@{}", bed.plain_registry, image.digest);
    ok(&home.run(&["pull", &pinned, "--store", &store]));
    let tagged = format!("{}/{repo}:v1", bed.plain_registry);
    let tar = home.dir.path().join("pinned.tar").display().to_string();
    ok(&home.run(&["save", &tagged, "-o", &tar, "--store", &store]));

    // A digest is what an image is, not a name to give it, and a target naming another
    // digest is refused before anything is sent.
    let other = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    let target = format!("{}/{repo}:zz@{other}", bed.plain_registry);
    let out = home.run(&["tag", &tagged, &target, "--store", &store]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let elsewhere = format!(
        "{}/{}:v1@{other}",
        bed.plain_registry,
        unique("pinned-copy")
    );
    let out = home.run(&["copy", &tagged, &elsewhere]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("names digest"), "{}", stderr(&out));
    // In the store, a name with a digest must have that digest.
    let wrong = format!("{}/{repo}:v1@{other}", bed.plain_registry);
    for command in ["push", "rmi"] {
        let out = home.run(&[command, &wrong, "--store", &store]);
        assert_eq!(code(&out), 4, "{command}: {}", stderr(&out));
    }
    ok(&home.run(&["rmi", &tagged, "--store", &store]));
    assert_eq!(blob_files(&store), 0);

    // A reader that goes away (`| head`) ends regctl quietly with 141, never with a panic; a
    // stdout that cannot take the result (a full disk) is an error, never a silent success.
    let manifest = format!("{}/{repo}:v1", bed.plain_registry);
    for args in [
        vec!["images", "--store", &store],
        vec!["completion", "bash"],
        vec!["inspect", "--raw", &manifest],
        vec!["save", &manifest, "--store", &store, "-o", "-"],
    ] {
        if args[0] == "save" {
            ok(&home.run(&["pull", &manifest, "--store", &store]));
        }
        let mut command = home.command(&args);
        let child = command
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let out = {
            let mut child = child;
            drop(child.stdout.take());
            child.wait_with_output().unwrap()
        };
        assert_eq!(out.status.code(), Some(141), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).is_empty(), "{args:?}: {}", stderr(&out));
        let full = std::fs::File::create("/dev/full").unwrap();
        let out = home
            .command(&args)
            .stdout(full)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(code(&out), 1, "{args:?}: {}", stderr(&out));
        assert_eq!(
            stderr(&out).lines().count(),
            1,
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("No space left"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn tls_pulls_read_every_blob_on_a_blocking_thread_with_the_token() {
    let bed = support::bed();
    let repo = format!("private/{}", unique("tlsget"));
    let seeded = bed.push_private(
        &repo,
        vec![layer("tls-big", 5 << 20), layer("tls-small", 777)],
    );
    let (home, store) = logged_in(DEV);
    let reference = format!("{}/{repo}:v1", bed.token_registry);
    let out = home.run(&["pull", &reference, "--store", &store, "-v"]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), seeded.digest);
    let err = stderr(&out);
    assert_eq!(
        err.matches("(read on a blocking thread)").count(),
        3,
        "{err}"
    );
    assert!(!err.contains("ordinary way"), "{err}");
    // The token went along, and -v did not show it.
    assert!(err.contains("authorization: <redacted>"), "{err}");
    assert!(!err.to_lowercase().contains("bearer ey"), "{err}");
    skopeo_reads(&store, &reference);
}

#[test]
fn a_tls_blob_connection_that_fails_its_handshake_goes_the_ordinary_way() {
    let bed = support::bed();
    let repo = format!("private/{}", unique("tlsfail"));
    let seeded = bed.push_private(
        &repo,
        vec![layer("tlsfail-big", 5 << 20), layer("tlsfail-small", 777)],
    );
    // The first connection (ping, manifest) is left alone and kept by reqwest; the next three,
    // the blob reads' own, are closed before the TLS handshake completes. One blob at a time,
    // so that the ordinary way always finds that first connection idle and never needs a new
    // one the proxy might count among the three.
    let proxy = support::proxy::FaultProxy::start(
        &bed.token_registry,
        support::proxy::Fault::CloseFrom(2),
        3,
    );
    let (home, store) = logged_in(DEV);
    // The same credential for the proxy's address, as if logged in there.
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(home.docker_config()).unwrap()).unwrap();
    let entry = config["auths"][&bed.token_registry].clone();
    config["auths"][&proxy.addr] = entry;
    std::fs::write(home.docker_config(), config.to_string()).unwrap();

    let reference = format!("{}/{repo}:v1", proxy.addr);
    let out = home.run(&[
        "pull",
        &reference,
        "--store",
        &store,
        "--ca-file",
        ca(bed),
        "--concurrency",
        "1",
        "-v",
    ]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), seeded.digest);
    assert_eq!(proxy.fired(), 3);
    assert!(stderr(&out).contains("ordinary way"), "{}", stderr(&out));
    skopeo_reads(&store, &reference);
}

#[test]
fn five_layer_push_takes_one_token() {
    let bed = support::bed();
    let user = unique("five");
    bed.add_user(&user, "pw5", &[("private", "pull,push")]);
    let src = unique("five-src");
    let layers = (0..5)
        .map(|i| layer(&format!("{src}{i}"), 20_000 * (i + 1)))
        .collect();
    bed.push_layers(
        &bed.plain_registry,
        &src,
        Some("v1"),
        None,
        ("linux", "amd64"),
        layers,
        false,
    );
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let source = format!("{}/{src}:v1", bed.plain_registry);
    ok(&home.run(&["pull", &source, "--store", &store]));
    let target = format!("{}/private/{src}:v1", bed.token_registry);
    ok(&home.run(&["tag", &source, &target, "--store", &store]));
    ok(&home.login(&bed.token_registry, &user, "pw5", &["--ca-file", ca(bed)]));
    let before = bed.token_requests_of(Some(&user)).len();
    let out = home.run(&["push", &target, "--store", &store, "--concurrency", "3"]);
    ok(&out);
    let during = bed.token_requests_of(Some(&user));
    assert_eq!(during.len() - before, 1, "{during:?}");
    assert_eq!(
        during.last().unwrap().scopes,
        vec![format!("repository:private/{src}:pull,push")]
    );
    assert_eq!(
        stderr(&out).matches("pushed").count(),
        6,
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_mount_source_the_token_service_refuses_does_not_fail_the_push() {
    // Project `strict` answers as GHCR does: a scope there the user may not have refuses the
    // whole token request.
    let bed = support::bed();
    let base = format!("strict/{}", unique("base"));
    bed.push_private(&base, vec![layer("strict-base", 30_000)]);
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let login = |user: (&str, &str)| {
        ok(&home.login(&bed.token_registry, user.0, user.1, &["--ca-file", ca(bed)]))
    };
    // Pulled by someone who may read it: the store now knows where its blobs came from.
    login(ADMIN);
    let source = format!("{}/{base}:v1", bed.token_registry);
    ok(&home.run(&["pull", &source, "--store", &store]));
    // Pushed by someone who may not: uploaded instead of mounted.
    login(DEV);
    let target = format!(
        "{}/private/{}:v1",
        bed.token_registry,
        unique("from-strict")
    );
    ok(&home.run(&["tag", &source, &target, "--store", &store]));
    let out = home.run(&["push", &target, "--store", &store]);
    ok(&out);
    assert!(!stderr(&out).contains("mounted"), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).matches("pushed").count(),
        2,
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_single_image_of_another_platform_is_not_pulled_for_a_platform() {
    let bed = support::bed();
    let repo = unique("one-arch");
    bed.push_plain(&repo, vec![layer("one-arch", 1000)]);
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let reference = format!("{}/{repo}:v1", bed.plain_registry);
    let out = home.run(&[
        "pull",
        &reference,
        "--platform",
        "linux/arm64",
        "--store",
        &store,
    ]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("single linux/amd64 image, not linux/arm64"),
        "{}",
        stderr(&out)
    );
    assert_eq!(blob_files(&store), 0);
    ok(&home.run(&[
        "pull",
        &reference,
        "--platform",
        "linux/amd64",
        "--store",
        &store,
    ]));
}

#[test]
fn a_name_that_moves_to_another_image_leaves_no_blobs_behind() {
    let bed = support::bed();
    let repo = unique("moving");
    let old = bed.push_plain(&repo, vec![layer("moving-old", 30_000)]);
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let reference = format!("{}/{repo}:v1", bed.plain_registry);
    ok(&home.run(&["pull", &reference, "--store", &store]));
    assert_eq!(blob_files(&store), 3);
    // The tag now names another image: pulling it again frees the old one's blobs, as
    // containerd's garbage collection would.
    let new = bed.push_plain(&repo, vec![layer("moving-new", 20_000)]);
    assert_ne!(old.digest, new.digest);
    ok(&home.run(&["pull", &reference, "--store", &store]));
    assert_eq!(blob_files(&store), 3);
    // Names moved by tag: what another name still needs stays, the rest goes.
    let pinned_old = format!("{}/{repo}@{}", bed.plain_registry, old.digest);
    ok(&home.run(&["pull", &pinned_old, "--store", &store]));
    assert_eq!(blob_files(&store), 6);
    ok(&home.run(&["tag", &reference, "keep:1", "--store", &store]));
    ok(&home.run(&["tag", &pinned_old, "keep:1", "--store", &store]));
    assert_eq!(blob_files(&store), 6);
    ok(&home.run(&["tag", &pinned_old, &reference, "--store", &store]));
    assert_eq!(blob_files(&store), 3);
}

#[test]
fn no_blob_is_collected_while_a_push_or_save_reads_the_store() {
    let bed = support::bed();
    let (a, b) = (unique("read-a"), unique("read-b"));
    bed.push_plain(&a, vec![layer(&a, 10_000)]);
    bed.push_plain(&b, vec![layer(&b, 10_000)]);
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    let (ref_a, ref_b) = (
        format!("{}/{a}:v1", bed.plain_registry),
        format!("{}/{b}:v1", bed.plain_registry),
    );
    ok(&home.run(&["pull", &ref_a, "--store", &store]));
    ok(&home.run(&["pull", &ref_b, "--store", &store]));
    assert_eq!(blob_files(&store), 6);
    // What a push or a save holds while it reads blobs.
    let readers = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(Path::new(&store).join(".regctl/readers"))
        .unwrap();
    readers.lock_shared().unwrap();
    let out = home.run(&["rmi", &ref_a, "--store", &store]);
    ok(&out);
    assert!(
        stderr(&out).contains("reading the store"),
        "{}",
        stderr(&out)
    );
    assert_eq!(blob_files(&store), 6);
    drop(readers);
    ok(&home.run(&["rmi", &ref_b, "--store", &store]));
    assert_eq!(blob_files(&store), 0);
}

#[test]
fn malformed_references_and_missing_images() {
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    for args in [
        vec!["pull", "Bad:Ref:x"],
        vec!["push", "a@sha256:12"],
        vec!["tag", "a", "b c"],
        vec!["pull", "busybox", "--platform", "linux"],
    ] {
        let mut args = args;
        args.extend(["--store", &store]);
        let out = home.run(&args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    }
    let out = home.run(&["push", "localhost:1/nothing:here", "--store", &store]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
}

#[test]
fn requests_to_another_host_never_carry_credentials() {
    let redirector = support::liar::start_redirector();
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    ok(&home.login(&redirector.addr, "someone", "secret", &[]));
    let out = home.run(&[
        "pull",
        &format!("{}/redir:v1", redirector.addr),
        "--store",
        &store,
        "-v",
        "--concurrency",
        "1",
    ]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), redirector.manifest_digest);
    // Once a blob was sent elsewhere, the next goes the ordinary way at once.
    assert_eq!(
        stderr(&out).matches("(read on a blocking thread)").count(),
        1,
        "{}",
        stderr(&out)
    );
    // -v shows where the redirect went, not its signature.
    assert!(
        stderr(&out).contains("/bucket/config?<redacted>"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("sig=abc"), "{}", stderr(&out));
    assert_eq!(
        redirector.served.load(std::sync::atomic::Ordering::SeqCst),
        2
    );
    assert_eq!(
        redirector.leaked.load(std::sync::atomic::Ordering::SeqCst),
        0
    );

    // A `Link` to the next page on another host is followed, without the credentials.
    let out = home.run(&["tags", &format!("{}/redir", redirector.addr)]);
    ok(&out);
    assert_eq!(stdout(&out), "v1\nv2\n");
    assert_eq!(
        redirector.served.load(std::sync::atomic::Ordering::SeqCst),
        3
    );
    assert_eq!(
        redirector.leaked.load(std::sync::atomic::Ordering::SeqCst),
        0
    );
}

#[test]
fn concurrent_pulls_share_one_store_safely_and_quiet_means_quiet() {
    let bed = support::bed();
    let plain = &bed.plain_registry;
    let repos: Vec<String> = (0..3).map(|_| unique("conc")).collect();
    let mut digests = Vec::new();
    for (i, repo) in repos.iter().enumerate() {
        // A shared layer in every image, and one of its own.
        let image = bed.push_layers(
            plain,
            repo,
            Some("v1"),
            None,
            ("linux", "amd64"),
            vec![
                layer("shared-by-all", 2 << 20),
                layer(&format!("own{i}"), 1 << 20),
            ],
            false,
        );
        digests.push(image.digest);
    }
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    // Each image twice, all at once: six processes on one store.
    let children: Vec<_> = repos
        .iter()
        .chain(repos.iter())
        .map(|repo| {
            home.command(&[
                "pull",
                &format!("{plain}/{repo}:v1"),
                "--store",
                &store,
                "-q",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        ok(&out);
        assert!(out.stderr.is_empty(), "-q: {}", stderr(&out));
        assert!(digests.contains(&stdout(&out).trim().to_string()));
    }
    let out = home.run(&["images", "--store", &store, "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 3, "{list}");
    // 3 configs + 3 own layers + 1 shared layer + 3 manifests, each exactly once.
    assert_eq!(blob_files(&store), 10);
    // Every blob is what its name says.
    for entry in std::fs::read_dir(Path::new(&store).join("blobs/sha256")).unwrap() {
        let entry = entry.unwrap();
        let bytes = std::fs::read(entry.path()).unwrap();
        assert_eq!(
            support::sha256_digest(&bytes),
            format!("sha256:{}", entry.file_name().to_string_lossy())
        );
    }
}

#[test]
fn tag_by_digest_and_a_missing_source() {
    let bed = support::bed();
    let repo = unique("bydigest");
    let image = bed.push_image(&bed.plain_registry, &repo, "v1", None);
    let home = Home::new();
    let store = home.dir.path().join("store").display().to_string();
    ok(&home.run(&[
        "pull",
        &format!("{}/{repo}:v1", bed.plain_registry),
        "--store",
        &store,
    ]));
    let named = format!("{}/{repo}:from-digest", bed.plain_registry);
    ok(&home.run(&["tag", &image.digest, &named, "--store", &store]));
    let out = home.run(&["images", "--store", &store, "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["tag"] == "from-digest" && i["digest"] == image.digest.as_str()));
    let missing = format!("sha256:{}", "0".repeat(64));
    let out = home.run(&["tag", &missing, &named, "--store", &store]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
}
