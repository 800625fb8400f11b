//! `regctl containerd` on files alone (no daemon is restarted): every shared fixture is
//! configured with its untouched parts byte for byte as they were and a second run unchanged;
//! bad input leaves the file alone; show, remove, rollback and --dry-run.
//!
//! `containerd config dump` runs on every candidate, so these tests use the containerd release
//! whose config version the fixture is (1.6 for versions 1 and 2, 2.x for version 3).

mod common;
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{code, ok, stderr, stdout, Home};
use support::containerd::Release;

/// The shared fixtures: `<checkout>/../shared/fixtures/containerd`.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/containerd")
}

/// A writable copy of a fixture whose `/etc/...` directories point into the temp dir instead,
/// so that nothing outside it is ever written.
struct Copy {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Copy {
    fn of(fixture: &str) -> Copy {
        let dir = tempfile::tempdir().unwrap();
        let text = fs::read_to_string(fixtures().join(fixture))
            .unwrap_or_else(|e| panic!("fixture {fixture}: {e}"));
        let text = text
            .replace(
                "/etc/containerd/certs.d",
                &dir.path().join("certs.d").to_string_lossy(),
            )
            .replace(
                "/etc/docker/certs.d",
                &dir.path().join("docker-certs.d").to_string_lossy(),
            )
            .replace(
                "/etc/containerd/config.d",
                &dir.path().join("config.d").to_string_lossy(),
            );
        let config = dir.path().join("config.toml");
        fs::write(&config, text).unwrap();
        Copy { dir, config }
    }

    fn text(&self) -> String {
        fs::read_to_string(&self.config).unwrap()
    }

    fn files(&self) -> Vec<String> {
        let mut all = Vec::new();
        let mut stack = vec![self.dir.path().to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap().flatten() {
                if e.path().is_dir() {
                    stack.push(e.path());
                } else {
                    all.push(
                        e.path()
                            .strip_prefix(self.dir.path())
                            .unwrap()
                            .display()
                            .to_string(),
                    );
                }
            }
        }
        all.sort();
        all
    }
}

/// Runs regctl with `release`'s containerd first on PATH (1.6 when `None`).
fn regctl(release: Option<&Release>, args: &[&str], stdin: Option<&str>) -> Output {
    let home = Home::new();
    let mut cmd = home.command(args);
    if let Some(r) = release {
        cmd.env("PATH", r.path_env());
    }
    common::run(&mut cmd, stdin)
}

fn configure(copy: &Copy, release: Option<&Release>, extra: &[&str]) -> Output {
    let config = copy.config.to_string_lossy().into_owned();
    let ca = fixtures().join("synthetic/certs.d/docker.io/hosts.toml");
    let mut args = vec![
        "containerd",
        "configure",
        "127.0.0.1:5000",
        "--config",
        &config,
        "--no-restart",
        "-u",
        "robot$ci",
        "--password-stdin",
    ];
    let ca = ca.to_string_lossy().into_owned();
    if !extra.contains(&"--insecure") && !extra.contains(&"--ca-file") {
        args.extend(["--ca-file", &ca]);
    }
    args.extend_from_slice(extra);
    regctl(release, &args, Some("Robot12345\n"))
}

/// The parts of the document outside the CRI registry table, as data.
fn without_registry(text: &str) -> toml::Table {
    let mut doc: toml::Table = toml::from_str(text).unwrap();
    if let Some(plugins) = doc.get_mut("plugins").and_then(|p| p.as_table_mut()) {
        for (_, plugin) in plugins.iter_mut() {
            if let Some(t) = plugin.as_table_mut() {
                t.remove("registry");
            }
        }
        plugins.retain(|_, p| p.as_table().is_none_or(|t| !t.is_empty()));
        if plugins.is_empty() {
            doc.remove("plugins");
        }
    }
    doc
}

/// Lines a configure run may take away: registry keys it rewrites or moves to hosts.toml,
/// and the blank lines of tables it removes.
fn may_be_removed(line: &str) -> bool {
    let l = line.trim();
    l.is_empty()
        || [
            "config_path",
            "mirrors",
            "endpoint",
            ".tls]",
            "ca_file",
            "insecure_skip_verify",
        ]
        .iter()
        .any(|k| l.contains(k))
}

fn assert_configured(name: &str, release: Option<&Release>) {
    let copy = Copy::of(name);
    let before = copy.text();
    let out = configure(&copy, release, &[]);
    ok(&out);
    assert!(
        stdout(&out).starts_with("changed"),
        "{name}: {}",
        stdout(&out)
    );
    let after = copy.text();
    // Re-parsed, and everything outside the registry table is the same data...
    assert_eq!(
        without_registry(&before),
        without_registry(&after),
        "{name}"
    );
    // ...and the same bytes: only registry lines went away.
    let diff = similar::TextDiff::from_lines(&before, &after);
    for change in diff.iter_all_changes() {
        if change.tag() == similar::ChangeTag::Delete {
            assert!(
                may_be_removed(change.value()),
                "{name}: removed {:?}\n{after}",
                change.value()
            );
        }
    }
    assert!(
        after.contains("\"127.0.0.1:5000\""),
        "{name}: no auth table\n{after}"
    );
    assert_eq!(
        common::mode(&copy.config),
        0o600,
        "{name}: holds a password"
    );
    let hosts = copy.dir.path().join("certs.d/127.0.0.1_5000_/hosts.toml");
    let hosts =
        fs::read_to_string(&hosts).unwrap_or_else(|e| panic!("{name}: {e}: {:?}", copy.files()));
    assert!(
        hosts.contains("[host.\"https://127.0.0.1:5000\"]"),
        "{hosts}"
    );
    // A second identical run changes nothing.
    let files = copy.files();
    let again = configure(&copy, release, &[]);
    ok(&again);
    assert_eq!(stdout(&again), "unchanged\n", "{name}: {}", stderr(&again));
    assert_eq!(copy.text(), after, "{name}");
    assert_eq!(copy.files(), files, "{name}");
}

#[test]
fn every_version_1_and_2_fixture_is_configured_with_the_rest_untouched() {
    for name in [
        "default-1.6.20.toml",
        "default-1.7.24.toml",
        "debian-sid-containerd-2.1.9-etc-config.toml",
        "docker-containerd.io-config.toml",
        "eks-al2-containerd-config.toml",
        "eks-nodeadm-v2-expected.toml",
        "gke-configure-helper-v2-rendered.toml",
        "k3s-v1-template-rendered.toml",
        "kind-config.toml",
        "aks-agentbaker-containerd1-rendered.toml",
        "synthetic/v2-dotted-and-inline.toml",
        "synthetic/v2-mirrors-plus-config_path-BROKEN.toml",
        "synthetic/v2-tls-plus-config_path-BROKEN-on-1.x.toml",
    ] {
        assert_configured(name, None);
    }
}

#[test]
fn containerd_2_fixtures_are_configured_with_the_rest_untouched() {
    let Some(release) = Release::v2() else { return };
    for name in [
        "default-2.1.9.toml",
        "eks-nodeadm-v3-expected.toml",
        "aks-agentbaker-containerd2-hybrid-rendered.toml",
        "synthetic/v3-single-quoted-mixed.toml",
    ] {
        assert_configured(name, Some(&release));
    }
}

#[test]
fn a_file_without_version_is_edited_as_containerd_2_reads_it() {
    // containerd 2.x reads a file without `version` as version 3: plugins.cri.registry means
    // nothing there, io.containerd.cri.v1.images is what counts.
    let Some(release) = Release::v2() else { return };
    let copy = Copy::of("k3s-v1-template-rendered.toml");
    let out = configure(&copy, Some(&release), &[]);
    ok(&out);
    assert!(
        stderr(&out).contains("reads a file without `version` as version 3"),
        "{}",
        stderr(&out)
    );
    let dump = std::process::Command::new(release.bin_dir.join("containerd"))
        .arg("--config")
        .arg(&copy.config)
        .args(["config", "dump"])
        .output()
        .unwrap();
    let effective: toml::Table = toml::from_str(&String::from_utf8_lossy(&dump.stdout)).unwrap();
    let registry = &effective["plugins"]["io.containerd.cri.v1.images"]["registry"];
    let certs = copy.dir.path().join("certs.d").display().to_string();
    assert_eq!(
        registry["config_path"].as_str(),
        Some(certs.as_str()),
        "{registry}"
    );
    assert_eq!(
        registry["configs"]["127.0.0.1:5000"]["auth"]["username"].as_str(),
        Some("robot$ci"),
        "{registry}"
    );
}

#[test]
fn legacy_entries_move_to_hosts_toml_where_config_path_would_break_them() {
    let copy = Copy::of("k3s-v1-template-rendered.toml");
    ok(&configure(&copy, None, &[]));
    let text = copy.text();
    assert!(!text.contains("mirrors.\"docker.io\""), "{text}");
    assert!(!text.contains(".tls]"), "{text}");
    // The mirror's credentials stay where containerd reads them.
    assert!(
        text.contains("[plugins.cri.registry.configs.\"mycustomreg.com:5000\".auth]"),
        "{text}"
    );
    let hub = fs::read_to_string(copy.dir.path().join("certs.d/docker.io/hosts.toml")).unwrap();
    assert!(
        hub.contains("server = \"https://registry-1.docker.io\""),
        "{hub}"
    );
    assert!(
        hub.contains("[host.\"https://mycustomreg.com:5000\"]"),
        "{hub}"
    );
    assert!(hub.contains("ca = \"/etc/ssl/ca.crt\""), "{hub}");
}

#[test]
fn legacy_mirror_endpoints_without_a_scheme_move_as_containerd_reads_them() {
    let copy = Copy::of("default-1.6.20.toml");
    let text = copy.text().replace(
        "[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors]\n",
        "[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors]\n        [plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"docker.io\"]\n          endpoint = [\"mirror.internal:5000\", \"localhost:5001\"]\n",
    );
    assert!(text.contains("mirror.internal"), "the fixture changed");
    fs::write(&copy.config, &text).unwrap();
    ok(&configure(&copy, None, &[]));
    let hub = fs::read_to_string(copy.dir.path().join("certs.d/docker.io/hosts.toml")).unwrap();
    assert!(
        hub.contains("[host.\"https://mirror.internal:5000\"]"),
        "{hub}"
    );
    assert!(hub.contains("[host.\"http://localhost:5001\"]"), "{hub}");
}

#[test]
fn dotted_and_inline_tables_stay_in_their_style() {
    let copy = Copy::of("synthetic/v2-dotted-and-inline.toml");
    ok(&configure(&copy, None, &["--insecure"]));
    let text = copy.text();
    assert!(
        text.contains("registry.configs.\"127.0.0.1:5000\".auth.username = \"robot$ci\""),
        "{text}"
    );
    assert!(
        !text.contains("[plugins.\"io.containerd.grpc.v1.cri\".registry"),
        "{text}"
    );
}

/// `regctl containerd show --format json` of `config`.
fn show_json(config: &str) -> serde_json::Value {
    let out = regctl(
        None,
        &["containerd", "show", "--config", config, "--format", "json"],
        None,
    );
    ok(&out);
    serde_json::from_str(&stdout(&out)).unwrap()
}

/// Bad input: non-zero exit, the file byte for byte as it was, nothing else written.
fn assert_refused(copy: &Copy, out: &Output, before: &str, expect: &str) {
    assert_ne!(code(out), 0, "{}", stdout(out));
    assert!(
        stderr(out).contains(expect),
        "want {expect:?} in: {}",
        stderr(out)
    );
    assert_eq!(
        stderr(out).trim().lines().count(),
        1,
        "one clear line: {}",
        stderr(out)
    );
    assert_eq!(copy.text(), before);
    assert_eq!(copy.files(), ["config.toml"]);
}

#[test]
fn bad_input_changes_nothing() {
    for (fixture, expect) in [
        ("synthetic/dup-table-FATAL.toml", "not valid TOML"),
        (
            "synthetic/v2-dotted-then-header-SPEC-INVALID.toml",
            "not valid TOML",
        ),
        (
            "synthetic/v2-wrong-type-FATAL.toml",
            "must be an array of strings",
        ),
        (
            "aks-agentbaker-containerd2-hybrid-rendered.toml",
            "containerd 1.x ignores",
        ),
    ] {
        // What only a 1.x containerd refuses needs one installed.
        if expect.contains("1.x") && Release::v1().is_none() {
            continue;
        }
        let copy = Copy::of(fixture);
        let before = copy.text();
        assert_refused(&copy, &configure(&copy, None, &[]), &before, expect);
    }
    let cases: [(&str, &str, &[&str]); 7] = [
        ("version = 7\n", "unknown config version 7", &[]),
        (
            "# File generated by rke2. DO NOT EDIT. Use config.toml.tmpl instead.\nversion = 2\n",
            "rke2's registries.yaml",
            &[],
        ),
        ("version = \"2\"\n", "must be an integer", &[]),
        ("version = 3\n", "needs containerd 2.0 or later", &[]),
        (
            "[plugins.\"io.containerd.grpc.v1.cri\".registry]\nconfig_path = \"\"\n",
            "add `version = 2`",
            &[],
        ),
        (
            "version = 2\n",
            "/nonexistent/ca.pem: no such file",
            &["--ca-file", "/nonexistent/ca.pem"],
        ),
        (
            "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\nconfig_path = \"/x\"\n",
            "--mode legacy",
            &["--mode", "legacy"],
        ),
    ];
    for (text, expect, extra) in cases {
        if expect.starts_with("needs containerd 2.0") && Release::v1().is_none() {
            continue;
        }
        let copy = Copy::of("synthetic/dup-table-FATAL.toml");
        fs::write(&copy.config, text).unwrap();
        assert_refused(&copy, &configure(&copy, None, extra), text, expect);
    }
    // A broken line that holds a credential is placed, not quoted.
    let text = "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry.configs.\"r\".auth]\npassword = \"hunter2-SECRET\n";
    let copy = Copy::of("synthetic/dup-table-FATAL.toml");
    fs::write(&copy.config, text).unwrap();
    let out = configure(&copy, None, &[]);
    assert_refused(&copy, &out, text, ":3:");
    assert!(!stderr(&out).contains("hunter2"), "{}", stderr(&out));
}

#[test]
fn read_only_and_k3s_managed_files_are_refused() {
    let copy = Copy::of("default-1.6.20.toml");
    let before = copy.text();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&copy.config, fs::Permissions::from_mode(0o444)).unwrap();
    assert_refused(&copy, &configure(&copy, None, &[]), &before, "read-only");

    let dir = tempfile::tempdir().unwrap();
    let config = dir
        .path()
        .join("var/lib/rancher/k3s/agent/etc/containerd/config.toml");
    fs::create_dir_all(config.parent().unwrap()).unwrap();
    fs::copy(fixtures().join("k3s-v1-template-rendered.toml"), &config).unwrap();
    let before = fs::read(&config).unwrap();
    let out = regctl(
        None,
        &[
            "containerd",
            "configure",
            "127.0.0.1:5000",
            "--config",
            config.to_str().unwrap(),
            "--no-restart",
            "--no-auth",
        ],
        None,
    );
    assert_ne!(code(&out), 0);
    assert!(stderr(&out).contains("registries.yaml"), "{}", stderr(&out));
    assert_eq!(fs::read(&config).unwrap(), before);
}

#[test]
fn an_unreachable_restart_restores_the_file() {
    let copy = Copy::of("default-1.6.20.toml");
    let before = copy.text();
    let socket = copy
        .dir
        .path()
        .join("none.sock")
        .to_string_lossy()
        .into_owned();
    let config = copy.config.to_string_lossy().into_owned();
    let out = regctl(
        None,
        &[
            "containerd",
            "configure",
            "127.0.0.1:5000",
            "--config",
            &config,
            "-u",
            "robot$ci",
            "--password-stdin",
            "--restart-command",
            "/nonexistent/restart-containerd",
            "--address",
            &socket,
            "--timeout",
            "5",
        ],
        Some("Robot12345\n"),
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the previous configuration was restored"),
        "{}",
        stderr(&out)
    );
    assert_eq!(copy.text(), before);
    assert_eq!(
        common::mode(&copy.config),
        0o644,
        "the mode is restored too"
    );
    // The hosts.toml it had written is gone again, and so are the backups of the undone run.
    assert!(
        copy.files()
            .iter()
            .all(|f| !f.ends_with("hosts.toml") && !f.contains(".regctl-")),
        "{:?}",
        copy.files()
    );
}

#[test]
fn an_existing_host_colon_port_directory_is_the_one_edited() {
    // containerd reads `host_port_`, else `host:port`: a new `host_port_` beside the user's
    // `host:port` would silently take its place.
    let copy = Copy::of("default-1.6.20.toml");
    let dir = copy.dir.path().join("certs.d/127.0.0.1:5000");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("hosts.toml"),
        "server = \"https://127.0.0.1:5000\"\n\n[host.\"https://cache.internal\"]\n  capabilities = [\"pull\", \"resolve\"]\n",
    )
    .unwrap();
    ok(&configure(&copy, None, &[]));
    assert!(!copy.dir.path().join("certs.d/127.0.0.1_5000_").exists());
    let hosts = fs::read_to_string(dir.join("hosts.toml")).unwrap();
    assert!(
        hosts.contains("[host.\"https://cache.internal\"]"),
        "{hosts}"
    );
    assert!(hosts.contains("ca = "), "{hosts}");

    // With both folders there, `show` says which one containerd passes over.
    let other = copy.dir.path().join("certs.d/127.0.0.1_5000_");
    fs::create_dir_all(&other).unwrap();
    fs::write(
        other.join("hosts.toml"),
        "[host.\"https://127.0.0.1:5000\"]\n",
    )
    .unwrap();
    let report = show_json(copy.config.to_str().unwrap());
    let problems = report["problems"].to_string();
    assert!(
        problems.contains("127.0.0.1:5000/hosts.toml is not read"),
        "{problems}"
    );
}

#[test]
fn a_loopback_registry_is_plain_http_unless_something_says_it_speaks_tls() {
    let server_of = |home: &Home| {
        let copy = Copy::of("default-1.6.20.toml");
        let config = copy.config.display().to_string();
        let args = [
            "containerd",
            "configure",
            "127.0.0.1:5000",
            "--config",
            &config,
            "--no-restart",
        ];
        ok(&common::run(&mut home.command(&args), None));
        let hosts = copy.dir.path().join("certs.d/127.0.0.1_5000_/hosts.toml");
        let text = fs::read_to_string(hosts).unwrap();
        text.lines()
            .find(|l| l.starts_with("server"))
            .unwrap()
            .to_string()
    };
    assert_eq!(
        server_of(&Home::new()),
        "server = \"http://127.0.0.1:5000\""
    );
    // Its CA in a certs.d directory: it speaks TLS.
    let home = Home::new();
    let dir = home.config_dir().join("certs.d/127.0.0.1:5000");
    fs::create_dir_all(&dir).unwrap();
    fs::copy(
        fixtures().join("synthetic/certs.d/docker.io/hosts.toml"),
        dir.join("ca.crt"),
    )
    .unwrap();
    assert_eq!(server_of(&home), "server = \"https://127.0.0.1:5000\"");
}

#[test]
fn a_crlf_config_keeps_its_line_ends() {
    let copy = Copy::of("default-1.6.20.toml");
    let crlf = copy.text().replace('\n', "\r\n");
    fs::write(&copy.config, &crlf).unwrap();
    ok(&configure(&copy, None, &[]));
    let text = copy.text();
    assert!(text.contains("config_path = \""), "{text}");
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "a line without CR:\n{text}"
    );
}

#[test]
fn a_config_in_a_directory_not_there_yet_is_created() {
    // containerd from a tarball: no /etc/containerd at all.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("etc/containerd/config.toml");
    let config_arg = config.display().to_string();
    let args = [
        "containerd",
        "configure",
        "127.0.0.1:5000",
        "--config",
        &config_arg,
        "--no-restart",
    ];
    ok(&regctl(None, &[&args[..], &["--dry-run"]].concat(), None));
    assert!(!dir.path().join("etc").exists());
    ok(&regctl(None, &args, None));
    assert!(fs::read_to_string(&config).unwrap().contains("config_path"));
    assert_eq!(common::mode(config.parent().unwrap()), 0o755);
}

#[test]
fn a_symlinked_config_stays_a_link_and_its_target_changes() {
    let copy = Copy::of("default-1.6.20.toml");
    let original = copy.text();
    let managed = copy.dir.path().join("managed.toml");
    fs::rename(&copy.config, &managed).unwrap();
    std::os::unix::fs::symlink("managed.toml", &copy.config).unwrap();
    ok(&configure(&copy, None, &[]));
    assert!(fs::symlink_metadata(&copy.config)
        .unwrap()
        .file_type()
        .is_symlink());
    let text = fs::read_to_string(&managed).unwrap();
    assert!(text.contains("certs.d"), "{text}");
    ok(&regctl(
        None,
        &[
            "containerd",
            "rollback",
            "--config",
            copy.config.to_str().unwrap(),
            "--no-restart",
        ],
        None,
    ));
    assert!(fs::symlink_metadata(&copy.config)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(fs::read_to_string(&managed).unwrap(), original);
}

#[test]
fn dry_run_prints_a_redacted_diff_and_changes_nothing() {
    let copy = Copy::of("default-1.6.20.toml");
    let before = copy.text();
    let out = configure(&copy, None, &["--dry-run"]);
    ok(&out);
    let diff = stdout(&out);
    assert!(diff.contains("+      config_path = \""), "{diff}");
    assert!(
        diff.contains("password = \"<redacted, changed>\""),
        "{diff}"
    );
    assert!(!diff.contains("Robot12345"), "{diff}");
    assert!(diff.contains("hosts.toml"), "{diff}");
    // The CA copied beside it is public: shown like any file.
    assert!(!diff.contains("contents not shown"), "{diff}");
    assert_eq!(copy.text(), before);
    assert_eq!(copy.files(), ["config.toml"]);
}

#[test]
fn show_remove_and_rollback() {
    let copy = Copy::of("default-1.6.20.toml");
    let original = copy.text();
    ok(&configure(&copy, None, &[]));
    let configured = copy.text();
    let config = copy.config.to_string_lossy().into_owned();

    let report = show_json(&config);
    assert!(!report.to_string().contains("Robot12345"));
    assert_eq!(report["style"], "hosts");
    let registry = &report["registries"][0];
    assert_eq!(registry["host"], "127.0.0.1:5000");
    let endpoint = &registry["endpoints"][0];
    assert_eq!(endpoint["url"], "https://127.0.0.1:5000");
    assert_eq!(endpoint["auth"]["username"], "robot$ci");
    assert_eq!(endpoint["auth"]["kinds"][0], "password");
    assert!(endpoint["ca"][0]
        .as_str()
        .unwrap()
        .ends_with("127.0.0.1_5000_/ca.crt"));
    let text = regctl(None, &["containerd", "show", "--config", &config], None);
    ok(&text);
    assert!(
        stdout(&text).contains("auth=password (user robot$ci)"),
        "{}",
        stdout(&text)
    );

    // A backup an earlier build left in the folder moves out with the next change.
    std::fs::write(
        copy.dir
            .path()
            .join("certs.d/127.0.0.1_5000_/hosts.toml.regctl-20250101T000000.000000Z.bak"),
        "",
    )
    .unwrap();
    let out = regctl(
        None,
        &[
            "containerd",
            "remove",
            "127.0.0.1:5000",
            "--config",
            &config,
            "--no-restart",
        ],
        None,
    );
    ok(&out);
    assert!(!copy.text().contains("127.0.0.1:5000"), "{}", copy.text());
    // Not even the folder stays: containerd would read it instead of `_default`.
    let folder = copy.dir.path().join("certs.d/127.0.0.1_5000_");
    assert!(!folder.exists(), "{:?}", copy.files());

    // Rollback undoes the removal; a second rollback undoes the rollback.
    let rollback = || {
        let args = [
            "containerd",
            "rollback",
            "--config",
            &config,
            "--no-restart",
        ];
        ok(&regctl(None, &args, None));
    };
    rollback();
    assert_eq!(copy.text(), configured);
    assert!(copy
        .dir
        .path()
        .join("certs.d/127.0.0.1_5000_/hosts.toml")
        .exists());
    rollback();
    assert!(!copy.text().contains("127.0.0.1:5000"));
    assert!(!folder.exists(), "{:?}", copy.files());
    let _ = original;
}

#[test]
fn old_backups_are_pruned_and_rollback_still_steps_back() {
    let copy = Copy::of("default-1.7.24.toml");
    let config = copy.config.to_string_lossy().into_owned();
    let run = |user: &str| {
        let args = [
            "containerd",
            "configure",
            "127.0.0.1:5000",
            "--config",
            &config,
            "--no-restart",
            "--insecure",
            "-u",
            user,
            "--password-stdin",
        ];
        ok(&regctl(None, &args, Some("Robot12345\n")));
    };
    // Every run changes config.toml (the credential), so every run backs it up.
    for i in 0..12 {
        run(&format!("user{i}"));
    }
    let backups = copy
        .files()
        .into_iter()
        .filter(|f| f.starts_with("config.toml.regctl-"))
        .count();
    assert_eq!(backups, 10, "{:?}", copy.files());
    let rollback = [
        "containerd",
        "rollback",
        "--config",
        &config,
        "--no-restart",
    ];
    ok(&regctl(None, &rollback, None));
    assert!(copy.text().contains("\"user10\""), "{}", copy.text());
}

#[test]
fn a_drop_in_that_hides_the_cri_section_on_1x_is_refused() {
    let copy = Copy::of("eks-al2-containerd-config.toml");
    let before = copy.text();
    let drop_in = copy.dir.path().join("config.d/10-cri.toml");
    support::write_file(
        &drop_in,
        "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"pause:3.9\"\n",
    );
    let out = configure(&copy, None, &[]);
    assert_ne!(code(&out), 0);
    assert!(
        stderr(&out).contains("10-cri.toml sets the CRI plugin"),
        "{}",
        stderr(&out)
    );
    assert_eq!(copy.text(), before);
}

#[test]
fn a_missing_config_is_created_and_a_locked_one_waits_its_turn() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let out = regctl(
        None,
        &[
            "containerd",
            "configure",
            "127.0.0.1:5000",
            "--config",
            config.to_str().unwrap(),
            "--no-restart",
            "--insecure",
            "--no-auth",
        ],
        None,
    );
    ok(&out);
    let text = fs::read_to_string(&config).unwrap();
    assert!(text.starts_with("version = 2\n"), "{text}");
    assert!(text.contains("config_path = "), "{text}");

    // Another run holds the lock on the directory: this one gives up after waiting.
    use std::os::unix::io::AsRawFd;
    let held = fs::File::open(dir.path()).unwrap();
    // SAFETY: flock on a descriptor this test owns.
    assert_eq!(unsafe { libc::flock(held.as_raw_fd(), libc::LOCK_EX) }, 0);
    let out = regctl(
        None,
        &[
            "containerd",
            "configure",
            "127.0.0.2:5000",
            "--config",
            config.to_str().unwrap(),
            "--no-restart",
            "--no-auth",
        ],
        None,
    );
    assert_ne!(code(&out), 0);
    assert!(
        stderr(&out).contains("another regctl is changing"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(&config).unwrap(), text);
}

#[test]
fn client_certificates_are_copied_and_their_key_never_shown() {
    let copy = Copy::of("default-1.7.24.toml");
    let cert = copy.dir.path().join("in/client.pem");
    let key = copy.dir.path().join("in/client-key.pem");
    support::write_file(
        &cert,
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    );
    support::write_file(
        &key,
        "-----BEGIN PRIVATE KEY-----\nSECRETKEY\n-----END PRIVATE KEY-----\n",
    );
    let (cert, key) = (
        cert.to_string_lossy().into_owned(),
        key.to_string_lossy().into_owned(),
    );
    let flags = ["--insecure", "--cert-file", &cert, "--key-file", &key];
    let dry = configure(&copy, None, &[&flags[..], &["--dry-run"]].concat());
    ok(&dry);
    assert!(!stdout(&dry).contains("SECRETKEY"), "{}", stdout(&dry));
    assert!(stdout(&dry).contains("(a private key: contents not shown)"));
    ok(&configure(&copy, None, &flags));
    let dir = copy.dir.path().join("certs.d/127.0.0.1_5000_");
    let hosts = fs::read_to_string(dir.join("hosts.toml")).unwrap();
    let pair = format!(
        "client = [[\"{}\", \"{}\"]]",
        dir.join("client.cert").display(),
        dir.join("client.key").display()
    );
    assert!(hosts.contains(&pair), "{hosts}");
    assert!(hosts.contains("skip_verify = true"), "{hosts}");
    assert_eq!(common::mode(&dir.join("client.key")), 0o600);
    assert!(fs::read_to_string(dir.join("client.key"))
        .unwrap()
        .contains("SECRETKEY"));
}

#[test]
fn show_reads_the_legacy_tables_too() {
    let copy = Copy::of("gke-configure-helper-v2-rendered.toml");
    let config = copy.config.to_string_lossy().into_owned();
    let report = show_json(&config);
    assert_eq!(report["style"], "legacy");
    let hub = &report["registries"][0];
    assert_eq!(hub["host"], "docker.io");
    let urls: Vec<&str> = hub["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        ["https://mirror.gcr.io", "https://registry-1.docker.io"]
    );

    let broken = Copy::of("synthetic/v2-mirrors-plus-config_path-BROKEN.toml");
    let config = broken.config.to_string_lossy().into_owned();
    let out = regctl(None, &["containerd", "show", "--config", &config], None);
    ok(&out);
    assert!(
        stdout(&out).contains("problem: `mirrors` (for docker.io) is set next to `config_path`"),
        "{}",
        stdout(&out)
    );
}

/// A copy of the shared hosts.toml examples, as a hosts directory.
fn copy_certs_d(into: &Path) -> PathBuf {
    let src = fixtures().join("synthetic/certs.d");
    let dest = into.join("certs.d");
    for entry in fs::read_dir(&src).unwrap().flatten() {
        let dir = dest.join(entry.file_name());
        fs::create_dir_all(&dir).unwrap();
        fs::copy(entry.path().join("hosts.toml"), dir.join("hosts.toml")).unwrap();
    }
    dest
}

#[test]
fn existing_hosts_files_are_shown_and_edited_in_place() {
    let copy = Copy::of("aks-agentbaker-containerd1-rendered.toml");
    let certs_d = copy_certs_d(copy.dir.path());
    let config = copy.config.to_string_lossy().into_owned();
    let report = show_json(&config);
    let problems = report["problems"].to_string();
    assert!(
        problems.contains("reg-serveronly.example.com/hosts.toml has no [host] table"),
        "{problems}"
    );
    assert!(
        problems.contains("unknown capability `fetch`"),
        "{problems}"
    );
    let hosts: Vec<&str> = report["registries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["host"].as_str().unwrap())
        .collect();
    assert!(
        hosts.contains(&"reg.example.com:5000") && hosts.contains(&"_default"),
        "{hosts:?}"
    );

    // docker.io already has a mirror with a header: ours is added after it, the header stays.
    let hub = certs_d.join("docker.io/hosts.toml");
    let before = fs::read_to_string(&hub).unwrap();
    let out = regctl(
        None,
        &[
            "containerd",
            "configure",
            "127.0.0.1:5000",
            "--mirror-of",
            "docker.io",
            "--config",
            &config,
            "--no-restart",
            "--insecure",
            "--no-auth",
        ],
        None,
    );
    ok(&out);
    let after = fs::read_to_string(&hub).unwrap();
    assert!(after.starts_with(&before), "{after}");
    assert!(after.ends_with("\n[host.\"https://127.0.0.1:5000\"]\ncapabilities = [\"pull\", \"resolve\"]\nskip_verify = true\n"), "{after}");
}
