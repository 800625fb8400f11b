//! `regctl login` / `logout` against the real registry behind the Harbor-like token service, the
//! htpasswd registry and the plain-HTTP one.

mod common;
mod support;

use std::path::Path;

use base64::Engine;
use common::{code, ok, stderr, stdout, unique, Home};

fn ca(bed: &support::TestBed) -> &str {
    bed.ca_file.to_str().unwrap()
}

fn docker_auths(home: &Home) -> serde_json::Value {
    let text = std::fs::read_to_string(home.docker_config()).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["auths"].clone()
}

#[test]
fn token_login_as_admin_member_and_robot() {
    let bed = support::bed();
    for (user, password) in [
        ("admin", "Harbor12345"),
        ("dev", "Dev12345"),
        ("robot$ci", "Robot12345"),
    ] {
        let home = Home::new();
        let out = home.login(&bed.token_registry, user, password, &["--ca-file", ca(bed)]);
        ok(&out);
        assert_eq!(stdout(&out), "Login Succeeded\n");
        // No keyring here: the file store, 0600, with a warning.
        assert!(stderr(&out).contains("unencrypted"), "{}", stderr(&out));
        assert_eq!(common::mode(&home.docker_config()), 0o600);
        let entry = &docker_auths(&home)[&bed.token_registry];
        // The token service grants refresh tokens: that, not the password, is stored.
        assert!(entry["identitytoken"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        let text = std::fs::read_to_string(home.docker_config()).unwrap();
        assert!(!text.contains(password));
    }
}

#[test]
fn basic_login_stores_the_docker_auth_field() {
    let bed = support::bed();
    let home = Home::new();
    let out = home.login(
        &bed.basic_registry,
        "robot$ci",
        "Robot12345",
        &["--ca-file", ca(bed)],
    );
    ok(&out);
    let auth = docker_auths(&home)[&bed.basic_registry]["auth"]
        .as_str()
        .unwrap()
        .to_string();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(auth)
        .unwrap();
    assert_eq!(decoded, b"robot$ci:Robot12345");
}

#[test]
fn wrong_password_exits_3_and_keeps_the_stored_credential() {
    let bed = support::bed();
    for registry in [&bed.token_registry, &bed.basic_registry] {
        let home = Home::new();
        ok(&home.login(registry, "dev", "Dev12345", &["--ca-file", ca(bed)]));
        let before = std::fs::read(home.docker_config()).unwrap();
        let out = home.login(registry, "dev", "wrong", &["--ca-file", ca(bed)]);
        assert_eq!(code(&out), 3, "{}", stderr(&out));
        assert!(stderr(&out).contains("unauthorized"), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("incorrect username or password"),
            "{}",
            stderr(&out)
        );
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
        assert_eq!(std::fs::read(home.docker_config()).unwrap(), before);
    }
}

#[test]
fn no_terminal_and_no_password_is_a_usage_error_not_a_hang() {
    let bed = support::bed();
    let home = Home::new();
    for args in [
        vec!["login", bed.token_registry.as_str(), "-u", "admin"],
        vec!["login", bed.token_registry.as_str()],
    ] {
        let mut args = args;
        args.extend(["--ca-file", ca(bed)]);
        let out = home.run(&args);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(
            stderr(&out).contains("--password-stdin"),
            "{}",
            stderr(&out)
        );
    }
    assert!(!home.docker_config().exists());
}

#[test]
fn password_flag_works_but_warns() {
    let bed = support::bed();
    let home = Home::new();
    let out = home.run(&[
        "login",
        &bed.basic_registry,
        "-u",
        "admin",
        "-p",
        "Harbor12345",
        "--ca-file",
        ca(bed),
    ]);
    ok(&out);
    assert!(stderr(&out).contains("--password-stdin"));
}

#[test]
fn unknown_ca_then_ca_file_then_certs_d_then_insecure() {
    let bed = support::bed();
    let home = Home::new();
    let out = home.login(&bed.token_registry, "admin", "Harbor12345", &[]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("x509: certificate signed by unknown authority"),
        "{err}"
    );
    assert!(err.contains("--ca-file") && err.contains("--insecure") && err.contains("certs.d"));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!home.docker_config().exists());

    ok(&home.login(
        &bed.token_registry,
        "admin",
        "Harbor12345",
        &["--ca-file", ca(bed)],
    ));

    // A certs.d directory, as docker and containerd use, in a fresh home.
    let home = Home::new();
    let dir = home.config_dir().join("certs.d").join(&bed.token_registry);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&bed.ca_file, dir.join("ca.crt")).unwrap();
    ok(&home.login(&bed.token_registry, "admin", "Harbor12345", &[]));

    let home = Home::new();
    let out = home.login(&bed.token_registry, "admin", "Harbor12345", &["--insecure"]);
    ok(&out);
    assert!(stderr(&out).contains("verification is disabled"));
}

#[test]
fn a_self_signed_registry_certificate_is_trusted_as_its_own_ca() {
    // What docker's "use self-signed certificates" guide makes (`openssl req -x509`): a CA
    // certificate the server presents as its own, trusted by putting it in certs.d.
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let dir = tempfile::tempdir().unwrap();
    let mut params = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let (cert_file, key_file) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_file, cert.pem()).unwrap();
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    let spec = support::registry::Spec {
        name: "self-signed",
        tls: Some((cert_file.clone(), key_file)),
        client_ca: None,
        auth: support::registry::Auth::None,
    };
    let mut started = loop {
        let mut started = support::registry::spawn(dir.path(), &spec).unwrap();
        match support::registry::wait_listening(&mut started, std::time::Duration::from_secs(20)) {
            Ok(()) => break started,
            Err((true, _)) => continue, // its port was taken meanwhile
            Err((false, log)) => panic!("{log}"),
        }
    };
    let registry = started.addr.to_string();
    let home = Home::new();
    let out = home.run(&["catalog", &registry]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("self-signed"), "{}", stderr(&out));
    let out = home.run(&[
        "catalog",
        &registry,
        "--ca-file",
        cert_file.to_str().unwrap(),
    ]);
    ok(&out);
    // The certificate is trusted for the names it carries, not for any host.
    let out = home.run(&[
        "catalog",
        &format!("localhost:{}", started.addr.port()),
        "--ca-file",
        cert_file.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not valid for that name (it is for 127.0.0.1)"),
        "{}",
        stderr(&out)
    );
    let _ = started.child.kill();
}

#[test]
fn settings_given_at_login_are_remembered() {
    let bed = support::bed();
    let home = Home::new();
    let repo = unique("remember");
    bed.push_image(
        &bed.token_registry,
        &format!("private/{repo}"),
        "v1",
        Some(("admin", "Harbor12345")),
    );
    ok(&home.login(
        &bed.token_registry,
        "reader",
        "Reader12345",
        &["--ca-file", ca(bed)],
    ));
    // No --ca-file now: the CA remembered at login is used.
    let out = home.run(&["tags", &format!("{}/private/{repo}", bed.token_registry)]);
    ok(&out);
    assert_eq!(stdout(&out), "v1\n");
}

#[test]
fn plain_http_registry_on_loopback() {
    let bed = support::bed();
    let home = Home::new();
    let repo = unique("plain");
    bed.push_image(&bed.plain_registry, &repo, "latest", None);
    // No flag: loopback falls back to plain HTTP by itself.
    let out = home.login(&bed.plain_registry, "anyone", "anything", &[]);
    ok(&out);
    // It asks for no credentials, so nothing was checked: say so.
    assert!(
        stderr(&out).contains("could not be checked"),
        "{}",
        stderr(&out)
    );
    let out = home.run(&["tags", &format!("{}/{repo}", bed.plain_registry)]);
    ok(&out);
    assert_eq!(stdout(&out), "latest\n");
    let out = home.run(&[
        "tags",
        &format!("{}/{repo}", bed.plain_registry),
        "--plain-http",
    ]);
    ok(&out);
    // A TLS registry is never downgraded because of a certificate failure.
    let out = home.run(&["tags", &format!("{}/library/x", bed.token_registry)]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    // And --plain-http on one says what is wrong.
    let out = home.run(&[
        "tags",
        &format!("{}/library/x", bed.token_registry),
        "--plain-http",
    ]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("drop --plain-http"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn refresh_token_is_used_by_later_commands_one_token_per_scope_set() {
    let bed = support::bed();
    let user = unique("member");
    bed.add_user(&user, "S3cret!pass", &[("private", "pull,push")]);
    let repo = format!("private/{}", unique("app"));
    for tag in ["a", "b", "c"] {
        bed.push_image(
            &bed.token_registry,
            &repo,
            tag,
            Some(("admin", "Harbor12345")),
        );
    }
    let home = Home::new();
    ok(&home.login(
        &bed.token_registry,
        &user,
        "S3cret!pass",
        &["--ca-file", ca(bed)],
    ));
    let at_login = bed.token_requests_of(Some(&user));
    assert_eq!(at_login.len(), 1, "{at_login:?}");
    assert!(at_login[0].offline && at_login[0].issued);

    // Several requests, one token: a later command uses the refresh token, not a password.
    let out = home.run(&[
        "tags",
        &format!("{}/{repo}", bed.token_registry),
        "--page-size",
        "1",
    ]);
    ok(&out);
    let mut tags: Vec<String> = stdout(&out).lines().map(String::from).collect();
    tags.sort();
    assert_eq!(tags, ["a", "b", "c"]);
    let requests = bed.token_requests_of(Some(&user));
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(requests[1].grant, "refresh_token");
    assert_eq!(requests[1].scopes, vec![format!("repository:{repo}:pull")]);

    let out = home.run(&[
        "tags",
        &format!("{}/{repo}", bed.token_registry),
        "--format",
        "json",
    ]);
    ok(&out);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["tags"].as_array().map(Vec::len), Some(3));
}

#[test]
fn verbose_output_never_shows_a_secret() {
    let bed = support::bed();
    let home = Home::new();
    let out = home.login(
        &bed.basic_registry,
        "admin",
        "Harbor12345",
        &["-v", "--ca-file", ca(bed)],
    );
    ok(&out);
    let err = stderr(&out);
    assert!(err.contains("authorization: <redacted>"), "{err}");
    let basic = base64::engine::general_purpose::STANDARD.encode("admin:Harbor12345");
    assert!(
        !err.contains("Harbor12345") && !err.contains(&basic),
        "{err}"
    );

    let home = Home::new();
    let out = home.login(
        &bed.token_registry,
        "admin",
        "Harbor12345",
        &["-v", "--ca-file", ca(bed)],
    );
    ok(&out);
    let err = stderr(&out);
    assert!(err.contains("GET https://127.0.0.1"), "{err}");
    assert!(
        !err.contains("Harbor12345") && !err.contains(&basic) && !err.contains("Bearer ey"),
        "{err}"
    );
    let refresh = docker_auths(&home)[&bed.token_registry]["identitytoken"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!err.contains(&refresh));
}

#[test]
fn logout_removes_the_credential() {
    let bed = support::bed();
    let home = Home::new();
    ok(&home.login(
        &bed.basic_registry,
        "dev",
        "Dev12345",
        &["--ca-file", ca(bed)],
    ));
    let out = home.run(&["logout", &bed.basic_registry]);
    ok(&out);
    assert!(stdout(&out).contains("Removing login credentials"));
    assert!(docker_auths(&home).get(&bed.basic_registry).is_none());
    let out = home.run(&["logout", &bed.basic_registry]);
    ok(&out);
    assert!(stdout(&out).contains("Not logged in"));
}

/// A `docker-credential-*` helper that keeps credentials in a JSON file next to itself.
fn install_helper(dir: &Path) {
    let script = r#"#!/bin/sh
store="$(dirname "$0")/helper-store.json"
case "$1" in
  store) cat > "$store" ;;
  get)
    read server
    if [ -f "$store" ] && grep -q "\"$server\"" "$store"; then cat "$store"; else echo "credentials not found in native keychain"; exit 1; fi ;;
  erase)
    read server
    if [ -f "$store" ]; then rm "$store"; else echo "credentials not found in native keychain"; exit 1; fi ;;
esac
"#;
    let path = dir.join("docker-credential-regtest");
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A home whose docker config is `config` (naming the test helper), the helper's directory,
/// and a PATH that finds it.
fn with_helper(config: &str) -> (Home, std::path::PathBuf, String) {
    let home = Home::new();
    let bin = home.dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    install_helper(&bin);
    std::fs::create_dir_all(home.docker_config().parent().unwrap()).unwrap();
    std::fs::write(home.docker_config(), config).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    (home, bin, path)
}

/// `login` to the Basic registry as dev, with the test helper on `path`.
fn helper_login(
    home: &Home,
    path: &str,
    bed: &support::TestBed,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "login",
        &bed.basic_registry,
        "-u",
        "dev",
        "--password-stdin",
        "--ca-file",
        ca(bed),
    ];
    args.extend_from_slice(extra);
    let mut cmd = home.command(&args);
    common::run(cmd.env("PATH", path), Some("Dev12345\n"))
}

#[test]
fn docker_credential_helper_store_get_erase() {
    let bed = support::bed();
    let (home, bin, path) = with_helper(r#"{"credsStore": "regtest"}"#);
    let repo = unique("helper");
    bed.push_image(
        &bed.basic_registry,
        &repo,
        "v9",
        Some(("admin", "Harbor12345")),
    );

    let out = helper_login(&home, &path, bed, &[]);
    ok(&out);
    let stored: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bin.join("helper-store.json")).unwrap())
            .unwrap();
    assert_eq!(stored["ServerURL"], bed.basic_registry.as_str());
    assert_eq!(stored["Username"], "dev");
    assert_eq!(stored["Secret"], "Dev12345");
    assert!(!std::fs::read_to_string(home.docker_config())
        .unwrap()
        .contains("Dev12345"));

    // Read through the helper.
    let mut cmd = home.command(&["tags", &format!("{}/{repo}", bed.basic_registry)]);
    let out = common::run(cmd.env("PATH", &path), None);
    ok(&out);
    assert_eq!(stdout(&out), "v9\n");

    let mut cmd = home.command(&["logout", &bed.basic_registry]);
    let out = common::run(cmd.env("PATH", &path), None);
    ok(&out);
    assert!(!bin.join("helper-store.json").exists());
    // Without a credential the registry refuses: exit 3 with the next step.
    let mut cmd = home.command(&["tags", &format!("{}/{repo}", bed.basic_registry)]);
    let out = common::run(cmd.env("PATH", &path), None);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(stderr(&out).contains("regctl login"));
}

#[test]
fn a_helper_gets_the_secret_and_the_file_keeps_no_copy_and_no_unread_one() {
    let bed = support::bed();
    // An old plain-text password from before the helper was set up, and a namespace's own.
    let old = base64::engine::general_purpose::STANDARD.encode("dev:old-Secret");
    let (home, bin, path) = with_helper(&format!(
        r#"{{"credsStore":"regtest","auths":{{"{r}":{{"auth":"{old}"}},"{r}/team":{{"auth":"{old}"}}}}}}"#,
        r = bed.basic_registry
    ));
    let login = |extra: &[&str]| helper_login(&home, &path, bed, extra);
    // --store file would write where neither docker nor regctl reads with a helper set.
    let out = login(&["--store", "file"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("docker-credential-regtest"),
        "{}",
        stderr(&out)
    );
    assert!(!bin.join("helper-store.json").exists());

    ok(&login(&[]));
    assert!(bin.join("helper-store.json").exists());
    let auths = docker_auths(&home);
    assert!(auths.get(&bed.basic_registry).is_none(), "{auths}");
    assert!(
        auths.get(format!("{}/team", bed.basic_registry)).is_some(),
        "{auths}"
    );
}

#[test]
fn a_login_podman_made_is_found_and_docker_entries_survive_a_keyring_login() {
    let bed = support::bed();
    let home = Home::new();
    let repo = unique("podman");
    bed.push_image(
        &bed.basic_registry,
        &repo,
        "v1",
        Some(("admin", "Harbor12345")),
    );
    // podman's own file, under XDG_CONFIG_HOME: read when docker's has nothing.
    let auth_json = home.dir.path().join("xdg/containers/auth.json");
    std::fs::create_dir_all(auth_json.parent().unwrap()).unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode("dev:Dev12345");
    std::fs::write(
        &auth_json,
        format!(
            r#"{{"auths":{{"{}":{{"auth":"{auth}"}}}}}}"#,
            bed.basic_registry
        ),
    )
    .unwrap();
    let out = home.run(&[
        "tags",
        &format!("{}/{repo}", bed.basic_registry),
        "--ca-file",
        ca(bed),
    ]);
    ok(&out);
    assert_eq!(stdout(&out), "v1\n");
    // logout cannot take podman's copy out, and says where it still is.
    let out = home.run(&["logout", &bed.basic_registry]);
    ok(&out);
    assert!(
        stderr(&out).contains("containers/auth.json still holds"),
        "{}",
        stderr(&out)
    );

    // docker's entry: a login that goes to the keyring leaves it for docker, crane, nerdctl.
    std::fs::create_dir_all(home.docker_config().parent().unwrap()).unwrap();
    let docker = format!(
        r#"{{"auths":{{"{}":{{"auth":"{auth}"}}}}}}"#,
        bed.basic_registry
    );
    std::fs::write(home.docker_config(), &docker).unwrap();
    let login = [
        "login",
        &bed.basic_registry,
        "-u",
        "dev",
        "--password-stdin",
        "--ca-file",
        ca(bed),
    ];
    let Some(mut cmd) = home.keyring_command(&login) else {
        eprintln!("SKIPPED: no dbus-run-session or gnome-keyring-daemon");
        return;
    };
    ok(&common::run(&mut cmd, Some("Dev12345\n")));
    assert_eq!(
        std::fs::read_to_string(home.docker_config()).unwrap(),
        docker
    );
}

#[test]
fn logout_goes_on_past_a_helper_that_is_not_there() {
    // A config.json copied from a Mac: its helper does not exist here.
    let home = Home::new();
    std::fs::create_dir_all(home.docker_config().parent().unwrap()).unwrap();
    std::fs::write(
        home.docker_config(),
        r#"{"credsStore":"desktop-nowhere","auths":{"reg.example.com":{"auth":"dTpw"}}}"#,
    )
    .unwrap();
    let out = home.run(&["logout", "reg.example.com"]);
    ok(&out);
    assert!(
        stderr(&out).contains("docker-credential-desktop-nowhere"),
        "{}",
        stderr(&out)
    );
    assert!(docker_auths(&home).get("reg.example.com").is_none());
    // With only the helper left to ask, still a warning, as docker's logout does.
    let out = home.run(&["logout", "reg.example.com"]);
    ok(&out);
    assert!(stderr(&out).starts_with("warning: "), "{}", stderr(&out));
}

#[test]
fn a_broken_config_json_is_passed_over_when_reading_and_kept_when_writing() {
    let bed = support::bed();
    let repo = unique("broken-cfg");
    let image = bed.push_plain(&repo, vec![]);
    let home = Home::new();
    std::fs::create_dir_all(home.docker_config().parent().unwrap()).unwrap();
    std::fs::write(home.docker_config(), "{bad").unwrap();
    let out = home.run(&["digest", &format!("{}/{repo}:v1", bed.plain_registry)]);
    ok(&out);
    assert_eq!(stdout(&out).trim(), image.digest);
    assert!(stderr(&out).starts_with("warning: "), "{}", stderr(&out));
    // login would write it: it refuses rather than replace what it cannot read.
    let out = home.login(
        &bed.basic_registry,
        "dev",
        "Dev12345",
        &["--ca-file", ca(bed), "--store", "file"],
    );
    assert_ne!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(home.docker_config()).unwrap(),
        "{bad"
    );
    // podman's auth.json beside it still counts.
    let private = unique("broken-cfg-basic");
    bed.push_image(&bed.basic_registry, &private, "v1", Some(support::ADMIN));
    let auth_json = home.dir.path().join("xdg/containers/auth.json");
    std::fs::create_dir_all(auth_json.parent().unwrap()).unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode("dev:Dev12345");
    let podman = serde_json::json!({"auths": {&bed.basic_registry: {"auth": auth}}});
    std::fs::write(&auth_json, podman.to_string()).unwrap();
    let tags = format!("{}/{private}", bed.basic_registry);
    let out = home.run(&["tags", &tags, "--ca-file", ca(bed)]);
    ok(&out);
    assert_eq!(stdout(&out), "v1\n");
}

#[test]
fn malformed_input_is_a_usage_error() {
    let home = Home::new();
    let out = home.run(&["login", "bad host!", "-u", "x", "-p", "y"]);
    assert_eq!(code(&out), 2);
    let out = home.run(&["tags", "Not/Valid"]);
    assert_eq!(code(&out), 2);
    assert_eq!(stderr(&out).lines().count(), 1);
    // What clap catches is one line too.
    for args in [&["pull"][..], &["images", "--format", "yaml"], &["--nope"]] {
        let out = home.run(args);
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
        assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
    }
}

#[test]
fn keyring_store_with_a_real_secret_service() {
    let bed = support::bed();
    let home = Home::new();
    let registry = bed.token_registry.as_str();
    let login_args = [
        "login",
        registry,
        "-u",
        "dev",
        "--password-stdin",
        "--ca-file",
        ca(bed),
    ];
    let Some(mut cmd) = home.keyring_command(&login_args) else {
        eprintln!("SKIPPED: no dbus-run-session or gnome-keyring-daemon (scripts/install-test-deps installs them)");
        return;
    };
    let out = common::run(&mut cmd, Some("Dev12345\n"));
    ok(&out);
    assert!(!stderr(&out).contains("unencrypted"), "{}", stderr(&out));
    // Nothing in the plain-text file; the config says where the secret went.
    assert!(!home.docker_config().exists());
    let config = std::fs::read_to_string(home.config_dir().join("config.toml")).unwrap();
    assert!(config.contains("secret = \"keyring\""), "{config}");
    let repo = format!("private/{}", unique("kr"));
    bed.push_image(registry, &repo, "v1", Some(support::ADMIN));
    let out = common::run(
        &mut home
            .keyring_command(&["tags", &format!("{registry}/{repo}")])
            .unwrap(),
        None,
    );
    ok(&out);
    assert_eq!(stdout(&out), "v1\n");
    let out = common::run(
        &mut home.keyring_command(&["logout", registry]).unwrap(),
        None,
    );
    ok(&out);
    assert!(stdout(&out).contains("OS keyring"), "{}", stdout(&out));
    let out = common::run(
        &mut home
            .keyring_command(&["tags", &format!("{registry}/{repo}")])
            .unwrap(),
        None,
    );
    assert_eq!(code(&out), 3, "{}", stderr(&out));
}

#[test]
fn keyring_forced_where_there_is_none_is_a_clear_error() {
    let bed = support::bed();
    let home = Home::new();
    let out = home.login(
        &bed.basic_registry,
        "dev",
        "Dev12345",
        &["--store", "keyring", "--ca-file", ca(bed)],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("--store file"), "{}", stderr(&out));
    assert!(!home.docker_config().exists());
}

#[test]
fn client_certificates_from_flags_and_from_certs_d() {
    let bed = support::bed();
    let registry = bed.mtls_registry.as_str();
    let repo = unique("mtls");
    let home = Home::new();
    // Without a client certificate the handshake fails: a TLS error, exit 5.
    let out = home.run(&["tags", &format!("{registry}/{repo}"), "--ca-file", ca(bed)]);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("--cert-file"), "{}", stderr(&out));
    let cert = bed.client_cert.to_str().unwrap();
    let key = bed.client_key.to_str().unwrap();
    // With one, the registry answers (404: the repository does not exist yet).
    let out = home.run(&[
        "tags",
        &format!("{registry}/{repo}"),
        "--ca-file",
        ca(bed),
        "--cert-file",
        cert,
        "--key-file",
        key,
    ]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    // docker's layout: client.cert + client.key (+ ca.crt) in certs.d/<host:port>/.
    let home = Home::new();
    let dir = home.config_dir().join("certs.d").join(registry);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&bed.ca_file, dir.join("ca.crt")).unwrap();
    std::fs::copy(&bed.client_cert, dir.join("client.cert")).unwrap();
    std::fs::copy(&bed.client_key, dir.join("client.key")).unwrap();
    let out = home.run(&["tags", &format!("{registry}/{repo}")]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
}

#[test]
fn a_machine_without_ca_certificates_still_speaks_plain_http_and_trusts_a_ca_file() {
    let bed = support::bed();
    let repo = format!("private/{}", unique("bare"));
    bed.push_image(&bed.token_registry, &repo, "v1", Some(support::ADMIN));
    let home = Home::new();
    // A scratch container: no system bundle at all.
    let bare = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = home.command(args);
        cmd.env("SSL_CERT_FILE", "/dev/null")
            .env("SSL_CERT_DIR", "/nonexistent");
        common::run(&mut cmd, stdin)
    };
    let out = bare(&["tags", &format!("{}/{repo}", bed.token_registry)], None);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no CA certificates"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    let login = [
        "login",
        &bed.token_registry,
        "-u",
        "dev",
        "--password-stdin",
        "--ca-file",
        ca(bed),
    ];
    ok(&bare(&login, Some("Dev12345\n")));
    let out = bare(&["tags", &format!("{}/{repo}", bed.token_registry)], None);
    ok(&out);
    assert_eq!(stdout(&out), "v1\n");
    let plain_repo = unique("bare-plain");
    let plain = bed.push_plain(&plain_repo, vec![]);
    let out = bare(
        &["digest", &format!("{}/{plain_repo}:v1", bed.plain_registry)],
        None,
    );
    ok(&out);
    assert_eq!(stdout(&out).trim(), plain.digest);
}

#[test]
fn https_proxy_is_honoured_except_for_no_proxy_and_loopback() {
    use support::proxy::{HttpProxy, PROXIED_NAME};
    let bed = support::bed();
    let proxy = HttpProxy::start();
    let repo = format!("private/{}", unique("proxied"));
    bed.push_image(&bed.token_registry, &repo, "v1", Some(support::ADMIN));
    let port = bed.token_registry.rsplit_once(':').unwrap().1;
    // A name only the proxy knows: reaching the registry proves the proxy carried it.
    let named = format!("{PROXIED_NAME}:{port}");
    let home = Home::new();
    let through = |args: &[&str], no_proxy: Option<&str>, stdin: Option<&str>| {
        let mut cmd = home.command(args);
        cmd.env("HTTPS_PROXY", &proxy.url);
        match no_proxy {
            Some(list) => cmd.env("NO_PROXY", list),
            None => cmd.env_remove("NO_PROXY"),
        };
        common::run(&mut cmd, stdin)
    };
    let login = |registry: &str| {
        let args = [
            "login",
            registry,
            "-u",
            "dev",
            "--password-stdin",
            "--ca-file",
            ca(bed),
        ];
        through(&args, None, Some("Dev12345\n"))
    };
    ok(&login(&named));
    let carried = proxy.carried();
    assert!(carried >= 1, "{carried}");
    let out = through(&["tags", &format!("{named}/{repo}")], None, None);
    ok(&out);
    assert_eq!(stdout(&out), "v1\n");
    assert!(proxy.carried() > carried);

    // NO_PROXY's exceptions go straight to the name, which then does not resolve.
    let carried = proxy.carried();
    let out = through(
        &["tags", &format!("{named}/{repo}")],
        Some("example.org, regctl.test"),
        None,
    );
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert_eq!(proxy.carried(), carried);

    // A loopback address is never proxied, as with docker: the same registry by its address.
    ok(&login(&bed.token_registry));
    assert_eq!(proxy.carried(), carried);

    // A proxy variable that is not a URL is named, and what it holds (a password?) is not.
    let mut cmd = home.command(&["tags", &format!("{named}/{repo}")]);
    cmd.env("HTTPS_PROXY", "http://user:secret@proxy:notaport");
    let out = common::run(&mut cmd, None);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("HTTPS_PROXY is not a proxy URL"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("secret"), "{}", stderr(&out));
}

#[test]
fn a_token_refused_as_expired_is_renewed_once() {
    let bed = support::bed();
    let user = unique("lapsed");
    bed.add_user(&user, "pw", &[("private", "pull")]);
    let repo = format!("private/{}", unique("lapse"));
    bed.push_image(&bed.token_registry, &repo, "v1", Some(support::ADMIN));
    let home = Home::new();
    ok(&home.login(&bed.token_registry, &user, "pw", &["--ca-file", ca(bed)]));
    let before = bed.token_requests_of(Some(&user)).len();
    bed.expire_next_tokens(&user, 1);
    let out = home.run(&["tags", &format!("{}/{repo}", bed.token_registry)]);
    ok(&out);
    assert_eq!(stdout(&out), "v1\n");
    // One token refused by the registry, one fresh one: exactly one re-challenge.
    assert_eq!(bed.token_requests_of(Some(&user)).len() - before, 2);
    // A token service that keeps issuing dead tokens ends in exit 3, not a loop.
    bed.expire_next_tokens(&user, 100);
    let out = home.run(&["tags", &format!("{}/{repo}", bed.token_registry)]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
}
