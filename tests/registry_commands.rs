//! copy / inspect / digest / tags / catalog / delete for scripts, against the real registries,
//! and the reliability of transfers through a fault-injecting proxy.

mod common;
mod support;

use common::{code, ok, stderr, stdout, unique, Home};
use support::images::layer;
use support::proxy::{Fault, FaultProxy};
use support::{ADMIN, DEV, READER};

fn login(home: &Home, registry: &str, user: (&str, &str)) {
    let ca = support::bed().ca_file.to_str().unwrap();
    ok(&home.login(registry, user.0, user.1, &["--ca-file", ca]));
}

fn upload_lines(registry: &str, repo: &str) -> Vec<String> {
    support::bed().requests_matching(registry, &format!("/v2/{repo}/blobs/uploads"))
}

#[test]
fn retag_copy_touches_no_blob() {
    let bed = support::bed();
    let repo = format!("private/{}", unique("retag"));
    let image = bed.push_private(&repo, vec![layer("rt", 5000)]);
    let home = Home::new();
    login(&home, &bed.token_registry, DEV);
    let blob_requests = |r: &str| {
        bed.requests_matching(&bed.token_registry, &format!("/v2/{r}/blobs/"))
            .len()
    };
    let before = blob_requests(&repo);
    let out = home.run(&[
        "copy",
        &format!("{}/{repo}:v1", bed.token_registry),
        &format!("{}/{repo}:release", bed.token_registry),
    ]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), image.digest);
    assert_eq!(blob_requests(&repo), before);
    let out = home.run(&["digest", &format!("{}/{repo}:release", bed.token_registry)]);
    ok(&out);
    assert_eq!(stdout(&out), format!("{}\n", image.digest));
}

#[test]
fn cross_project_copy_mounts_with_one_token() {
    let bed = support::bed();
    let user = unique("promoter");
    bed.add_user(
        &user,
        "pw",
        &[("library", "pull,push"), ("private", "pull,push")],
    );
    let from = format!("library/{}", unique("app"));
    let to = format!("private/{}", unique("app"));
    let image = bed.push_layers(
        &bed.token_registry,
        &from,
        Some("1.0"),
        Some(ADMIN),
        ("linux", "amd64"),
        vec![layer("m1", 40_000), layer("m2", 9000)],
        false,
    );
    let home = Home::new();
    login(&home, &bed.token_registry, (&user, "pw"));
    let out = home.run(&[
        "copy",
        &format!("{}/{from}:1.0", bed.token_registry),
        &format!("{}/{to}:1.0", bed.token_registry),
    ]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), image.digest);
    let uploads = upload_lines(&bed.token_registry, &to);
    assert_eq!(uploads.len(), 3, "{uploads:?}");
    assert!(
        uploads
            .iter()
            .all(|l| l.contains("POST") && l.contains("mount=")),
        "{uploads:?}"
    );
    let tokens: Vec<_> = bed
        .token_requests_of(Some(&user))
        .into_iter()
        .filter(|t| !t.scopes.is_empty())
        .collect();
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    let mut scopes = tokens[0].scopes.clone();
    scopes.sort();
    assert_eq!(
        scopes,
        vec![
            format!("repository:{from}:pull"),
            format!("repository:{to}:pull,push")
        ]
    );
}

#[test]
fn cross_registry_copy_of_an_index_keeps_its_digest() {
    let bed = support::bed();
    let repo = format!("private/{}", unique("multi"));
    let (index, _) = bed.push_index(
        &bed.token_registry,
        &repo,
        "2.0",
        Some(ADMIN),
        &[("linux", "amd64"), ("linux", "arm64")],
        30_000,
        true,
    );
    let home = Home::new();
    login(&home, &bed.token_registry, DEV);
    login(&home, &bed.basic_registry, DEV);
    let target = format!("{}/{}:2.0", bed.basic_registry, unique("copied"));
    let out = home.run(&[
        "copy",
        &format!("{}/{repo}:2.0", bed.token_registry),
        &target,
        "--concurrency",
        "2",
    ]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), index);
    assert_eq!(bed.skopeo_digest(&target, DEV), index);

    // One --platform copies that platform's image itself, under the digest the index names
    // for it; several, an index of those (here all of them: the index as it was).
    let source = format!("{}/{repo}:2.0", bed.token_registry);
    let arm = format!("{}/{}:arm", bed.basic_registry, unique("arm"));
    let out = home.run(&["copy", &source, &arm, "--platform", "linux/arm64"]);
    ok(&out);
    let out_digest = home.run(&["digest", &source, "--platform", "linux/arm64"]);
    assert_eq!(stdout(&out).trim(), stdout(&out_digest).trim());
    let out = home.run(&["inspect", &arm]);
    ok(&out);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(doc["layers"].is_array(), "{doc}");
    let narrowed = format!("{}/{}:both", bed.basic_registry, unique("both"));
    let out = home.run(&[
        "copy",
        &source,
        &narrowed,
        "--platform",
        "linux/arm64",
        "--platform",
        "linux/amd64",
    ]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), index);
    let out = home.run(&["inspect", &narrowed]);
    ok(&out);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["manifests"].as_array().unwrap().len(), 2);
    let out = home.run(&["inspect", &target, "--platform", "linux/arm64", "--config"]);
    ok(&out);
    let config: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(config["architecture"], "arm64");
    let out = home.run(&["inspect", &target, "--raw"]);
    ok(&out);
    assert_eq!(support::sha256_digest(&out.stdout), index);
}

#[test]
fn tags_and_catalog_follow_link_pagination() {
    let tags: Vec<String> = ["t1", "t2", "t3", "t4", "t5"].map(String::from).to_vec();
    let (addr, pages) = support::liar::start_paginator("paged/app", tags.clone());
    let home = Home::new();
    let out = home.run(&[
        "tags",
        &format!("{addr}/paged/app"),
        "--page-size",
        "2",
        "--format",
        "json",
    ]);
    ok(&out);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["tags"], serde_json::json!(tags));
    assert_eq!(pages.load(std::sync::atomic::Ordering::SeqCst), 3);
    // A page larger than the registry serves: its own size then, with a word about it.
    let out = home.run(&["tags", &format!("{addr}/paged/app"), "--page-size", "1000"]);
    ok(&out);
    assert_eq!(stdout(&out), "t1\nt2\nt3\nt4\nt5\n");
    assert!(
        stderr(&out).contains("--page-size 1000"),
        "{}",
        stderr(&out)
    );

    // The real registry pages its catalog.
    let bed = support::bed();
    let repos: Vec<String> = (0..3).map(|_| unique("catalogued")).collect();
    for r in &repos {
        bed.push_image(&bed.plain_registry, r, "v1", None);
    }
    let out = home.run(&["catalog", &bed.plain_registry, "--page-size", "2"]);
    ok(&out);
    let text = stdout(&out);
    let listed: Vec<&str> = text.lines().collect();
    assert!(
        repos.iter().all(|r| listed.contains(&r.as_str())),
        "{listed:?}"
    );
    let paged = bed.requests_matching(&bed.plain_registry, "/v2/_catalog?last=");
    assert!(!paged.is_empty());
}

#[test]
fn all_tags_copy_and_tag_listing() {
    let bed = support::bed();
    let repo = unique("tags");
    for tag in ["t1", "t2", "t3", "t4", "t5"] {
        bed.push_image(&bed.plain_registry, &repo, tag, None);
    }
    let home = Home::new();
    let out = home.run(&[
        "tags",
        &format!("{}/{repo}", bed.plain_registry),
        "--page-size",
        "2",
        "--format",
        "json",
    ]);
    ok(&out);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let mut tags: Vec<String> = serde_json::from_value(doc["tags"].clone()).unwrap();
    tags.sort();
    assert_eq!(tags, ["t1", "t2", "t3", "t4", "t5"]);
    let target = unique("tags-copy");
    let out = home.run(&[
        "copy",
        "--all-tags",
        &format!("{}/{repo}", bed.plain_registry),
        &format!("{}/{target}", bed.plain_registry),
    ]);
    ok(&out);
    assert_eq!(stdout(&out).lines().count(), 5);
    let out = home.run(&["tags", &format!("{}/{target}", bed.plain_registry)]);
    assert_eq!(stdout(&out).lines().count(), 5);
}

#[test]
fn digest_of_a_missing_tag_exits_4_and_delete_makes_it_missing() {
    let bed = support::bed();
    let repo = format!("private/{}", unique("del"));
    bed.push_image(&bed.token_registry, &repo, "gone", Some(ADMIN));
    let home = Home::new();
    login(&home, &bed.token_registry, ADMIN);
    let out = home.run(&["digest", &format!("{}/{repo}:nope", bed.token_registry)]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1);
    let reference = format!("{}/{repo}:gone", bed.token_registry);
    ok(&home.run(&["digest", &reference]));
    let out = home.run(&["delete", &reference]);
    ok(&out);
    assert!(stdout(&out).starts_with("Deleted: "));
    let out = home.run(&["digest", &reference]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
}

#[test]
fn digest_falls_back_to_get_where_a_registry_takes_no_head() {
    let liar = support::liar::start();
    let out = Home::new().run(&["digest", &format!("{}/lie:no-head", liar.addr)]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), liar.manifest_digest);
}

#[test]
fn scopes_a_challenge_names_beyond_ours_are_asked_for() {
    let registry = support::demanding::start("app");
    let home = Home::new();
    let tags = |home: &Home| home.run(&["tags", &format!("{}/app", registry.addr)]);
    let out = tags(&home);
    ok(&out);
    assert_eq!(stdout(&out), "v1\n");
    let asked = registry.token_requests.lock().unwrap().clone();
    assert_eq!(
        asked,
        [
            vec!["repository:app:pull".to_string()],
            vec!["registry:catalog:*".into(), "repository:app:pull".into()],
        ]
    );
}

#[test]
fn a_refresh_token_goes_as_a_password_where_the_token_service_takes_no_post() {
    use base64::Engine as _;
    let registry = support::demanding::start("app");
    let home = Home::new();
    // What docker login leaves for a registry that granted a refresh token (ACR, say).
    let auth = base64::engine::general_purpose::STANDARD.encode("token-user:");
    let config = serde_json::json!({"auths": {&registry.addr: {"auth": auth, "identitytoken": "refresh-me"}}});
    std::fs::create_dir_all(home.docker_config().parent().unwrap()).unwrap();
    std::fs::write(home.docker_config(), config.to_string()).unwrap();
    let out = home.run(&["tags", &format!("{}/app", registry.addr)]);
    ok(&out);
    assert_eq!(stdout(&out), "v1\n");
}

#[test]
fn a_refused_token_is_not_called_a_wrong_password() {
    let registry = support::demanding::start("app");
    let home = Home::new();
    ok(&home.login(&registry.addr, "robot$ci", "pw", &[]));
    // Harbor's answer to a token without the permission: a Basic challenge. The password
    // stays with the token service, and the refusal is about permission.
    let out = home.run(&["tags", &format!("{}/guarded", registry.addr)]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("robot$ci may not do this here"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        registry
            .basic_requests
            .load(std::sync::atomic::Ordering::SeqCst),
        0
    );
    // A token service that answers 403 for a scope.
    let out = home.run(&["tags", &format!("{}/forbidden", registry.addr)]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("refused robot$ci access to repository:forbidden:pull"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("password"), "{}", stderr(&out));
}

#[test]
fn a_token_service_that_takes_only_pull_and_push_still_serves_catalog_and_delete() {
    let registry = support::quayish::start();
    let home = Home::new();
    let out = home.run(&["catalog", &registry.addr]);
    ok(&out);
    assert_eq!(stdout(&out), "app\n");
    let reference = format!("{}/app@{}", registry.addr, registry.digest);
    let out = home.run(&["delete", &reference, "--yes"]);
    ok(&out);
    assert!(stdout(&out).starts_with("Deleted: "), "{}", stdout(&out));
    let asked = registry.token_requests.lock().unwrap().clone();
    assert_eq!(
        asked,
        [
            vec!["registry:catalog:*".to_string()],
            vec![],
            vec!["repository:app:pull,delete".into()],
            vec!["repository:app:pull,push".into()],
        ]
    );
}

#[test]
fn catalog_for_admins_and_a_clear_refusal_otherwise() {
    let bed = support::bed();
    let repo = format!("library/{}", unique("cat"));
    bed.push_image(&bed.token_registry, &repo, "v1", Some(ADMIN));
    let home = Home::new();
    login(&home, &bed.token_registry, ADMIN);
    let out = home.run(&["catalog", &bed.token_registry, "--format", "json"]);
    ok(&out);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(doc["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == &serde_json::json!(repo)));
    let home = Home::new();
    login(&home, &bed.token_registry, READER);
    let out = home.run(&["catalog", &bed.token_registry]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("system administrators"),
        "{}",
        stderr(&out)
    );
    // Without a login, logging in is the advice.
    let out = Home::new().run(&[
        "catalog",
        &bed.token_registry,
        "--ca-file",
        bed.ca_file.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("regctl login"), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("system administrators"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn copy_without_push_rights_exits_3_and_writes_nothing() {
    let bed = support::bed();
    let repo = format!("private/{}", unique("src"));
    bed.push_image(&bed.token_registry, &repo, "v1", Some(ADMIN));
    let home = Home::new();
    login(&home, &bed.token_registry, READER);
    let target = format!("private/{}", unique("nope"));
    let out = home.run(&[
        "copy",
        &format!("{}/{repo}:v1", bed.token_registry),
        &format!("{}/{target}:v1", bed.token_registry),
    ]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(upload_lines(&bed.token_registry, &target)
        .iter()
        .all(|l| !l.contains(" 201 ") && !l.contains(" 202 ")));
    let home = Home::new();
    login(&home, &bed.token_registry, ADMIN);
    let out = home.run(&["digest", &format!("{}/{target}:v1", bed.token_registry)]);
    assert_eq!(code(&out), 4);
}

#[test]
fn copy_across_a_connection_that_drops_mid_blob() {
    let bed = support::bed();
    let repo = unique("flaky");
    let image = bed.push_plain(&repo, vec![layer("flaky", 1 << 20)]);
    let proxy = FaultProxy::start(&bed.plain_registry, Fault::DropAfter(300 << 10), 2);
    let home = Home::new();
    login(&home, &bed.basic_registry, DEV);
    let target = format!("{}/{}:v1", bed.basic_registry, unique("landed"));
    let out = home.run(&["copy", &format!("{}/{repo}:v1", proxy.addr), &target]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), image.digest);
    assert_eq!(proxy.fired(), 2);
    ok(&home.run(&["digest", &target]));
}

#[test]
fn retry_after_is_honoured_for_429_and_503() {
    let bed = support::bed();
    let repo = unique("busy");
    let image = bed.push_image(&bed.plain_registry, &repo, "v1", None);
    for status in [429, 503] {
        let proxy = FaultProxy::start(&bed.plain_registry, Fault::Status(status), 2);
        let home = Home::new();
        let started = std::time::Instant::now();
        let out = home.run(&[
            "digest",
            &format!("{}/{repo}:v1", proxy.addr),
            "--plain-http",
        ]);
        ok(&out);
        assert_eq!(stdout(&out).trim(), image.digest);
        assert_eq!(proxy.fired(), 2);
        // Two answers of Retry-After: 1 mean at least two seconds of waiting.
        assert!(started.elapsed() >= std::time::Duration::from_secs(2));
    }
}

#[test]
fn a_registry_that_stays_down_fails_with_exit_5() {
    // Port 1: nothing listens there, whereas a port this test freed could be taken by another
    // test's listener during the retries.
    let home = Home::new();
    let out = home.run(&["digest", "127.0.0.1:1/x:v1"]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot connect"), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1);
}

#[test]
fn a_copy_whose_source_keeps_failing_leaves_no_manifest() {
    let bed = support::bed();
    let repo = unique("broken");
    bed.push_plain(&repo, vec![layer("broken", 1 << 20)]);
    let proxy = FaultProxy::start(&bed.plain_registry, Fault::DropAfter(200 << 10), 1000);
    let home = Home::new();
    let target = format!("{}/{}:v1", bed.plain_registry, unique("partial"));
    let out = home.run(&["copy", &format!("{}/{repo}:v1", proxy.addr), &target]);
    assert_ne!(code(&out), 0);
    assert_eq!(
        stderr(&out)
            .lines()
            .filter(|l| l.starts_with("error"))
            .count(),
        1,
        "{}",
        stderr(&out)
    );
    let out = home.run(&["digest", &target]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
}

#[test]
fn tls_flags_for_a_copy_between_two_registries_are_refused() {
    // They would apply to both: --insecure for one would drop verification of the other.
    let home = Home::new();
    for flag in [
        &["--insecure"][..],
        &["--plain-http"],
        &["--ca-file", "/dev/null"],
    ] {
        let mut args = vec!["copy", "127.0.0.1:1/a/b:v1", "127.0.0.1:2/a/b:v1"];
        args.extend_from_slice(flag);
        let out = home.run(&args);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    }
}
