//! `regctl containerd configure` against real containerd daemons (Debian's 1.6 and 2.x from
//! Debian sid, each on its own config, root, state and socket): configure the test bed's
//! token-auth TLS registry, let regctl restart the daemon, then pull a private image through
//! the CRI API as kubelet does. A release that is not installed is skipped with the reason.

mod common;
mod support;

use std::fs;
use std::process::Output;
use std::sync::OnceLock;

use common::{code, ok, stderr, stdout, Home};
use support::containerd::{Daemon, Release};

/// Runs `test` on a fresh daemon of each installed release (with its version for messages).
fn on_each_release(test: impl Fn(&Daemon, &str)) {
    for release in [Release::v1(), Release::v2()].into_iter().flatten() {
        let daemon = Daemon::start(&release);
        test(&daemon, &release.version);
    }
}

/// The private image (dev may pull it) and a `library/` one for the docker.io mirror.
fn images() -> &'static (String, String) {
    static IMAGES: OnceLock<(String, String)> = OnceLock::new();
    IMAGES.get_or_init(|| {
        let bed = support::bed();
        let admin = Some(support::ADMIN);
        let private = bed.push_image(&bed.token_registry, "private/ctrd-app", "v1", admin);
        bed.push_image(&bed.token_registry, "library/ctrd-hello", "v1", admin);
        (
            private.reference,
            "docker.io/library/ctrd-hello:v1".to_string(),
        )
    })
}

/// regctl as the tests' administrator: this release's containerd and ctr first on PATH,
/// the daemon's files and socket, and its supervisor as the restart command.
fn regctl(home: &Home, daemon: &Daemon, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = on_daemon(home, daemon, args);
    cmd.args(["--restart-command", &daemon.restart_command()]);
    common::run(&mut cmd, stdin)
}

/// The same without a restart command: regctl chooses one. No `--address`: the test config
/// names the daemon's socket in `[grpc]`, and regctl's health check must find it there.
fn on_daemon(home: &Home, daemon: &Daemon, args: &[&str]) -> std::process::Command {
    let mut cmd = home.command(args);
    cmd.args(["--config", daemon.config.to_str().unwrap()])
        .args(["--timeout", "60"])
        .env("PATH", daemon.release.path_env());
    cmd
}

/// `containerd configure` of the token registry, with its CA, as dev (password on stdin).
fn configure_as_dev(bed: &support::TestBed) -> [&str; 8] {
    [
        "containerd",
        "configure",
        &bed.token_registry,
        "--ca-file",
        ca(bed),
        "-u",
        "dev",
        "--password-stdin",
    ]
}

fn ca(bed: &support::TestBed) -> &str {
    bed.ca_file.to_str().unwrap()
}

#[test]
fn token_registry_with_its_ca_and_a_password_serves_cri_pulls() {
    let bed = support::bed();
    let (private, _) = images();
    on_each_release(|daemon, v| {
        let before = daemon.cri_pull(private);
        assert!(
            before.is_err(),
            "{v}: pulled before anything was configured"
        );

        let home = Home::new();
        let out = regctl(&home, daemon, &configure_as_dev(bed), Some("Dev12345\n"));
        ok(&out);
        assert_eq!(
            stdout(&out),
            "changed; containerd restarted and healthy\n",
            "{v}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("stored unencrypted"),
            "{v}: {}",
            stderr(&out)
        );
        assert_eq!(common::mode(&daemon.config), 0o600, "{v}");
        let image = daemon.pulls(private, v);
        assert!(image.starts_with("sha256:"), "{v}: {image}");

        // The same again: nothing to do, and containerd is left alone.
        let socket = daemon.socket_inode();
        let again = regctl(&home, daemon, &configure_as_dev(bed), Some("Dev12345\n"));
        ok(&again);
        assert_eq!(stdout(&again), "unchanged\n", "{v}");
        assert_eq!(daemon.socket_inode(), socket, "{v}: restarted");
    });
}

#[test]
fn stored_login_and_insecure_serve_cri_pulls() {
    let bed = support::bed();
    let (private, _) = images();
    on_each_release(|daemon, v| {
        // `regctl login --insecure` stores an identity token and remembers --insecure.
        let home = Home::new();
        let login = home.run_with_stdin(
            &[
                "login",
                &bed.token_registry,
                "-u",
                "reader",
                "--password-stdin",
                "--insecure",
            ],
            Some("Reader12345\n"),
        );
        ok(&login);
        let out = regctl(
            &home,
            daemon,
            &["containerd", "configure", &bed.token_registry],
            None,
        );
        ok(&out);
        let text = fs::read_to_string(&daemon.config).unwrap();
        assert!(text.contains("identitytoken = "), "{v}: {text}");
        let hosts = daemon
            .hosts_dir()
            .join(format!("{}/hosts.toml", dir_name(&bed.token_registry)));
        let hosts = fs::read_to_string(hosts).unwrap();
        assert!(hosts.contains("skip_verify = true"), "{v}: {hosts}");
        daemon.pulls(private, v);
    });
}

#[test]
fn a_docker_io_mirror_serves_docker_io_pulls_and_hosts_changes_need_no_restart() {
    let bed = support::bed();
    let (_, hub_image) = images();
    on_each_release(|daemon, v| {
        let home = Home::new();
        let args = [
            "containerd",
            "configure",
            &bed.token_registry,
            "--mirror-of",
            "docker.io",
            "--ca-file",
            ca(bed),
            "--no-auth",
        ];
        ok(&regctl(&home, daemon, &args, None));
        let hub = fs::read_to_string(daemon.hosts_dir().join("docker.io/hosts.toml")).unwrap();
        assert!(
            hub.contains("server = \"https://registry-1.docker.io\""),
            "{v}: {hub}"
        );
        daemon.pulls(hub_image, v);

        // config_path is set now: another registry is one more hosts.toml, read on every pull.
        let socket = daemon.socket_inode();
        let args = [
            "containerd",
            "configure",
            &bed.basic_registry,
            "--ca-file",
            ca(bed),
            "--no-auth",
        ];
        let out = regctl(&home, daemon, &args, None);
        ok(&out);
        assert_eq!(
            stdout(&out),
            "changed; hosts.toml is read on every pull: no restart needed\n",
            "{v}"
        );
        assert_eq!(daemon.socket_inode(), socket, "{v}: restarted");
    });
}

#[test]
fn without_systemd_containerd_is_restarted_with_service() {
    if std::path::Path::new("/run/systemd/system").is_dir() {
        eprintln!("skipped: systemd runs this machine, so regctl would use systemctl");
        return;
    }
    let Some(release) = Release::v2().or_else(Release::v1) else {
        eprintln!("skipped: no containerd release installed");
        return;
    };
    let bed = support::bed();
    let daemon = Daemon::start(&release);
    // A `service` first on PATH that restarts this daemon, and notes how it was called.
    let bin = daemon.dir.path().join("fake-bin");
    fs::create_dir_all(&bin).unwrap();
    let calls = daemon.dir.path().join("service-calls");
    let script = format!(
        "#!/bin/sh\necho \"$@\" >> {}\n[ \"$1 $2\" = \"containerd restart\" ] || exit 64\nexec {}\n",
        calls.display(),
        daemon.restart_command()
    );
    let service = bin.join("service");
    fs::write(&service, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&service, fs::Permissions::from_mode(0o755)).unwrap();
    let mut path = std::ffi::OsString::from(&bin);
    path.push(":");
    path.push(release.path_env());

    let home = Home::new();
    let socket = daemon.socket_inode();
    let mut cmd = on_daemon(&home, &daemon, &configure_as_dev(bed));
    cmd.env("PATH", path);
    let out = common::run(&mut cmd, Some("Dev12345\n"));
    ok(&out);
    assert_eq!(
        fs::read_to_string(&calls).unwrap_or_default(),
        "containerd restart\n"
    );
    assert_ne!(daemon.socket_inode(), socket, "not restarted");
    let (private, _) = images();
    daemon.pulls(private, "after the restart");
}

#[test]
fn a_restart_that_breaks_cri_is_rolled_back() {
    let bed = support::bed();
    on_each_release(|daemon, v| {
        let original = fs::read_to_string(&daemon.config).unwrap();
        // The restart brings containerd up on a config whose CRI fails (mirrors next to
        // config_path), once; the restart after the rollback uses the real file again.
        let broken = daemon.dir.path().join("broken.toml");
        let table = if daemon.release.major >= 2 {
            "plugins.'io.containerd.cri.v1.images'.registry"
        } else {
            "plugins.\"io.containerd.grpc.v1.cri\".registry"
        };
        let text = original.replace("config_path = ''", "config_path = '/nonexistent'")
            .replace("config_path = \"\"", "config_path = \"/nonexistent\"")
            + &format!("\n[{table}.mirrors.\"docker.io\"]\n  endpoint = [\"https://mirror.example.com\"]\n");
        fs::write(&broken, text).unwrap();
        daemon.start_next_on(&broken);

        let home = Home::new();
        let args = [
            "containerd",
            "configure",
            &bed.token_registry,
            "--ca-file",
            ca(bed),
            "--no-auth",
        ];
        let out = regctl(&home, daemon, &args, None);
        assert_eq!(code(&out), 6, "{v}: {}\n{}", stderr(&out), daemon.log());
        assert!(
            stderr(&out).contains("`mirrors` cannot be set when `config_path` is provided"),
            "{v}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("the previous configuration was restored"),
            "{v}: {}",
            stderr(&out)
        );
        if daemon.release.major >= 2 {
            // The images plugin's own reason, not the cri plugin's knock-on failure.
            assert!(
                stderr(&out).contains("io.containerd.cri.v1.images plugin"),
                "{v}: {}",
                stderr(&out)
            );
        }
        assert_eq!(fs::read_to_string(&daemon.config).unwrap(), original, "{v}");
        assert_eq!(
            daemon.cri_status().as_deref(),
            Some("ok"),
            "{v}: {}",
            daemon.log()
        );
    });
}

fn dir_name(host: &str) -> String {
    match host.rsplit_once(':') {
        Some((h, p)) => format!("{h}_{p}_"),
        None => host.to_string(),
    }
}

#[test]
fn legacy_mode_on_1x_serves_cri_pulls() {
    let bed = support::bed();
    let (private, _) = images();
    let Some(release) = Release::v1() else { return };
    let daemon = Daemon::start(&release);
    let home = Home::new();
    let args = [
        "containerd",
        "configure",
        &bed.token_registry,
        "--mode",
        "legacy",
        "--ca-file",
        ca(bed),
        "-u",
        "robot$ci",
        "--password-stdin",
    ];
    ok(&regctl(&home, &daemon, &args, Some("Robot12345\n")));
    let text = fs::read_to_string(&daemon.config).unwrap();
    let tls = format!("configs.\"{}\".tls]", bed.token_registry);
    assert!(text.contains(&tls), "{text}");
    assert!(!daemon.hosts_dir().exists());
    daemon.pulls(private, "1.x legacy mode");
    // On containerd 2.x the same is refused: it ignores `configs.tls`.
    if let Some(two) = Release::v2() {
        let daemon = Daemon::start(&two);
        let out = regctl(&home, &daemon, &args, Some("Robot12345\n"));
        assert_ne!(code(&out), 0);
        assert!(
            stderr(&out).contains("ignores `configs.<host>.tls`"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn remove_and_rollback_restart_containerd_too() {
    let bed = support::bed();
    let (private, _) = images();
    on_each_release(|daemon, v| {
        let home = Home::new();
        let configure = configure_as_dev(bed);
        ok(&regctl(&home, daemon, &configure, Some("Dev12345\n")));
        daemon.pulls(private, v);

        let out = regctl(
            &home,
            daemon,
            &["containerd", "remove", &bed.token_registry],
            None,
        );
        ok(&out);
        assert_eq!(
            stdout(&out),
            "changed; containerd restarted and healthy\n",
            "{v}"
        );
        assert!(
            daemon.cri_pull(private).is_err(),
            "{v}: pulled after remove"
        );

        let out = regctl(&home, daemon, &["containerd", "rollback"], None);
        ok(&out);
        assert_eq!(
            stdout(&out),
            "changed; containerd restarted and healthy\n",
            "{v}"
        );
        daemon.pulls(private, &format!("{v}: after rollback"));
    });
}

#[test]
fn basic_auth_registry_serves_cri_pulls() {
    let bed = support::bed();
    let image = bed
        .push_image(
            &bed.basic_registry,
            "team/ctrd-basic",
            "v1",
            Some(support::DEV),
        )
        .reference;
    on_each_release(|daemon, v| {
        let home = Home::new();
        let args = [
            "containerd",
            "configure",
            &bed.basic_registry,
            "--ca-file",
            ca(bed),
            "-u",
            "robot$ci",
            "--password-stdin",
        ];
        ok(&regctl(&home, daemon, &args, Some("Robot12345\n")));
        daemon.pulls(&image, v);
    });
}

#[test]
fn a_loopback_plain_http_registry_configured_without_flags_still_serves_pulls() {
    let bed = support::bed();
    let image = bed
        .push_image(&bed.plain_registry, "ctrd-plain", "v1", None)
        .reference;
    on_each_release(|daemon, v| {
        let home = Home::new();
        let args = ["containerd", "configure", &bed.plain_registry];
        ok(&regctl(&home, daemon, &args, None));
        daemon.pulls(&image, v);
    });
}

#[test]
fn cri_that_was_failing_before_does_not_count_against_the_change() {
    let bed = support::bed();
    // As kind's config outside kind: a base runtime spec that is not there fails CRI's runtime.
    for release in [Release::v1(), Release::v2()].into_iter().flatten() {
        let extra = if release.major >= 2 {
            "\n[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]\n  runtime_type = 'io.containerd.runc.v2'\n  base_runtime_spec = '/nonexistent/cri-base.json'\n"
        } else {
            "\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]\n  runtime_type = \"io.containerd.runc.v2\"\n  base_runtime_spec = \"/nonexistent/cri-base.json\"\n"
        };
        let daemon = Daemon::start_with(&release, extra);
        let v = &release.version;
        let cri = daemon.plugins().unwrap();
        let failing = cri.lines().any(|l| {
            l.starts_with("io.containerd.grpc.v1 ")
                && l.contains(" cri ")
                && !l.trim_end().ends_with("ok")
        });
        assert!(failing, "{v}: CRI is not failing:\n{cri}");
        let home = Home::new();
        let args = [
            "containerd",
            "configure",
            &bed.token_registry,
            "--ca-file",
            ca(bed),
            "--no-auth",
        ];
        let out = regctl(&home, &daemon, &args, None);
        ok(&out);
        assert_eq!(
            stdout(&out),
            "changed; containerd restarted and healthy\n",
            "{v}"
        );
    }
}
