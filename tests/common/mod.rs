//! Running the regctl binary as a user would, in a home of its own: its own regctl config
//! directory, docker config and no keyring (a headless machine), unless a test sets one up.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Self {
        Home {
            dir: tempfile::tempdir().expect("a temp dir"),
        }
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("regctl")
    }

    pub fn docker_config(&self) -> PathBuf {
        self.dir.path().join("docker/config.json")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_regctl"));
        cmd.args(args)
            .env("HOME", self.dir.path())
            .env("REGCTL_CONFIG_DIR", self.config_dir())
            .env("DOCKER_CONFIG", self.dir.path().join("docker"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg"))
            // No session bus: the keyring is unavailable, as on a headless server.
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env_remove("REGISTRY_AUTH_FILE")
            .stdin(Stdio::null());
        cmd
    }

    /// The same command inside a D-Bus session with an unlocked gnome-keyring (a real Secret
    /// Service). The keyring lives in this home, so every session sees what the last one stored.
    /// `None` when the machine has no dbus-run-session or gnome-keyring-daemon.
    pub fn keyring_command(&self, args: &[&str]) -> Option<Command> {
        let present = |tool: &str| {
            std::env::var_os("PATH")
                .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
        };
        if !present("dbus-run-session") || !present("gnome-keyring-daemon") {
            return None;
        }
        let plain = self.command(args);
        let mut cmd = Command::new("dbus-run-session");
        cmd.args(["--", "sh", "-c"])
            .arg(r#"echo -n keyring-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@""#)
            .arg("sh")
            .arg(plain.get_program())
            .args(plain.get_args());
        for (key, value) in plain.get_envs() {
            match value {
                Some(v) if key != "DBUS_SESSION_BUS_ADDRESS" => cmd.env(key, v),
                _ => cmd.env_remove(key),
            };
        }
        cmd.stdin(Stdio::null());
        Some(cmd)
    }

    /// Runs with `stdin` fed to the process (or /dev/null when `None`).
    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = self.command(args);
        run(&mut cmd, stdin)
    }

    /// `regctl login REGISTRY -u USER --password-stdin EXTRA…`, the password on stdin.
    pub fn login(&self, registry: &str, user: &str, password: &str, extra: &[&str]) -> Output {
        let mut args = vec!["login", registry, "-u", user, "--password-stdin"];
        args.extend_from_slice(extra);
        self.run_with_stdin(&args, Some(&format!("{password}\n")))
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, None)
    }
}

pub fn run(cmd: &mut Command, stdin: Option<&str>) -> Output {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.spawn().expect("regctl runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().expect("regctl finishes")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn code(out: &Output) -> i32 {
    out.status.code().expect("exited, not killed")
}

/// Asserts success, showing what regctl said when it did not succeed.
pub fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "regctl failed ({:?})\nstdout: {}\nstderr: {}",
        out.status,
        stdout(out),
        stderr(out)
    );
}

pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// A name no other test uses, for users and repositories.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}{}x{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}
