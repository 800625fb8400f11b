//! The running containerd: restarting it, and telling whether it came back healthy. The health
//! check uses the `ctr` shipped with containerd (`ctr plugins ls`), which keeps gRPC out of
//! regctl itself.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use super::version::which;
use super::Error;

/// The plugins CRI is made of: on 2.x `images`, which holds the registry configuration (first:
/// when it fails, `cri` fails too, with a less telling reason), and `cri` (1.x: all of CRI).
const WATCHED: [(&str, &str); 2] = [
    ("io.containerd.cri.v1", "images"),
    ("io.containerd.grpc.v1", "cri"),
];

/// Where containerd listens unless its config.toml says otherwise.
const DEFAULT_SOCKET: &str = "/run/containerd/containerd.sock";

/// The socket to check containerd's health on: `given`, else the `[grpc] address` of
/// `config` (where the file moves the socket, the daemon comes back there), else the default.
pub fn socket(given: Option<PathBuf>, config: &Path) -> PathBuf {
    given.unwrap_or_else(|| {
        super::config::ConfigFile::load(config, None)
            .ok()
            .and_then(|c| c.grpc_address())
            .unwrap_or_else(|| PathBuf::from(DEFAULT_SOCKET))
    })
}

/// How containerd is restarted here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restart {
    /// `--restart-command`, run by `sh -c`.
    Command(String),
    Systemd,
    SysV,
}

impl Restart {
    /// The user's command, else systemd when it runs this machine, else `service`.
    pub fn choose(command: Option<&str>) -> Result<Self, Error> {
        if let Some(command) = command {
            return Ok(Restart::Command(command.to_string()));
        }
        if which("systemctl").is_some() && Path::new("/run/systemd/system").is_dir() {
            return Ok(Restart::Systemd);
        }
        if which("service").is_some() {
            return Ok(Restart::SysV);
        }
        Err(Error::Restart(
            "cannot restart containerd here: no systemd and no `service` command; pass --restart-command CMD, or --no-restart and restart containerd yourself".into(),
        ))
    }

    fn command(&self) -> Command {
        let (program, args): (&str, Vec<&str>) = match self {
            Restart::Command(c) => ("sh", vec!["-c", c]),
            Restart::Systemd => ("systemctl", vec!["restart", "containerd"]),
            Restart::SysV => ("service", vec!["containerd", "restart"]),
        };
        let mut command = Command::new(program);
        command.args(args);
        command
    }

    /// Runs the restart; its output goes to our stderr (stdout carries only data).
    pub fn run(&self, timeout: Duration) -> Result<(), String> {
        let mut command = self.command();
        command
            .stdin(Stdio::null())
            .stdout(io::stderr())
            .stderr(io::stderr());
        match status_with_timeout(&mut command, timeout) {
            Ok(status) if status.success() => Ok(()),
            Ok(status) => Err(format!("{self} failed ({status})")),
            Err(e) => Err(format!("{self} could not be run: {e}")),
        }
    }
}

impl std::fmt::Display for Restart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Restart::Command(c) => write!(f, "the restart command `{c}`"),
            Restart::Systemd => f.write_str("`systemctl restart containerd`"),
            Restart::SysV => f.write_str("`service containerd restart`"),
        }
    }
}

/// A plugin as `ctr plugins ls` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plugin {
    pub kind: String,
    pub id: String,
    pub status: String,
}

/// What the daemon looked like at one moment.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// The socket file's identity: a restarted containerd binds a new one.
    socket: Option<(u64, u64, i64, i64)>,
    /// `None` when the daemon did not answer.
    plugins: Option<Vec<Plugin>>,
}

impl State {
    fn watched(&self, kind: &str, id: &str) -> Option<&Plugin> {
        self.plugins
            .as_ref()?
            .iter()
            .find(|p| p.kind == kind && p.id == id)
    }

    fn answered(&self) -> bool {
        self.plugins.is_some()
    }
}

/// The daemon behind one socket, seen through `ctr`.
#[derive(Debug, Clone)]
pub struct Daemon {
    pub ctr: PathBuf,
    pub address: PathBuf,
}

impl Daemon {
    pub fn state(&self) -> State {
        State {
            socket: socket_id(&self.address),
            plugins: self.plugins().ok(),
        }
    }

    fn ctr(&self, args: &[&str]) -> Result<String, String> {
        let mut command = Command::new(&self.ctr);
        command
            .arg("--address")
            .arg(&self.address)
            .args(["--connect-timeout", "2s"])
            .args(args);
        match run_with_timeout(&mut command, Duration::from_secs(10)) {
            Ok(out) if out.status.success() => {
                Ok(String::from_utf8_lossy(&out.stdout).into_owned())
            }
            Ok(out) => Err(format!(
                "containerd does not answer on {}: {}",
                self.address.display(),
                last_line(&String::from_utf8_lossy(&out.stderr))
            )),
            Err(e) => Err(format!("running {}: {e}", self.ctr.display())),
        }
    }

    fn plugins(&self) -> Result<Vec<Plugin>, String> {
        let text = self.ctr(&["plugins", "ls"])?;
        Ok(text
            .lines()
            .skip(1)
            .filter_map(|line| {
                let words: Vec<&str> = line.split_whitespace().collect();
                (words.len() >= 3).then(|| Plugin {
                    kind: words[0].to_string(),
                    id: words[1].to_string(),
                    status: words[words.len() - 1].to_string(),
                })
            })
            .collect())
    }

    /// The init error containerd recorded for a plugin (`ctr plugins ls -d`).
    fn init_error(&self, kind: &str, id: &str) -> Option<String> {
        let text = self.ctr(&["plugins", "ls", "-d"]).ok()?;
        let (mut cur_kind, mut cur_id) = ("", "");
        for line in text.lines().map(str::trim) {
            if let Some(v) = line.strip_prefix("Type:") {
                cur_kind = v.trim();
            } else if let Some(v) = line.strip_prefix("ID:") {
                cur_id = v.trim();
            } else if let Some(v) = line.strip_prefix("Message:") {
                if cur_kind == kind && cur_id == id {
                    return Some(v.trim().to_string());
                }
            }
        }
        None
    }

    /// `baseline`'s plugin health with the socket as it is now: what a second restart (after
    /// the old files were put back) is judged against.
    pub fn mark(&self, baseline: &State) -> State {
        State {
            socket: socket_id(&self.address),
            plugins: baseline.plugins.clone(),
        }
    }

    /// Waits until containerd answers on a new socket with its CRI plugins `ok` (or failing
    /// only where they failed in `before` already). `Err` is containerd's own reason.
    pub fn wait_healthy(&self, before: &State, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            let why = match self.check(before) {
                Ok(()) => return Ok(()),
                Err(Verdict::Failed(reason)) => return Err(reason),
                Err(Verdict::NotYet(why)) => why,
            };
            if Instant::now() >= deadline {
                return Err(format!("{why} (waited {} s)", timeout.as_secs()));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn check(&self, before: &State) -> Result<(), Verdict> {
        let socket = socket_id(&self.address);
        if socket.is_none() {
            return Err(Verdict::NotYet(format!(
                "containerd has not created its socket {}",
                self.address.display()
            )));
        }
        if before.socket.is_some() && socket == before.socket {
            return Err(Verdict::NotYet(
                "containerd has not restarted yet (its socket is the old one)".into(),
            ));
        }
        let now = State {
            socket,
            plugins: Some(self.plugins().map_err(Verdict::NotYet)?),
        };
        for (kind, id) in WATCHED {
            let was_ok = match before.watched(kind, id) {
                Some(p) => p.status == "ok",
                // Not there before: required only when nothing was known before.
                None => !before.answered(),
            };
            if !was_ok {
                continue;
            }
            match now.watched(kind, id) {
                Some(p) if p.status == "ok" => {}
                Some(p) => {
                    let reason = self
                        .init_error(kind, id)
                        .unwrap_or_else(|| "containerd gave no reason".into());
                    return Err(Verdict::Failed(format!(
                        "the {kind}.{id} plugin is `{}`: {reason}",
                        p.status
                    )));
                }
                None if before.answered() => {
                    return Err(Verdict::Failed(format!(
                        "the {kind}.{id} plugin is no longer loaded"
                    )))
                }
                None => {}
            }
        }
        Ok(())
    }
}

enum Verdict {
    NotYet(String),
    Failed(String),
}

fn socket_id(path: &Path) -> Option<(u64, u64, i64, i64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.dev(), m.ino(), m.ctime(), m.ctime_nsec()))
}

fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("no output")
}

/// Runs `command` with its output captured, killing it after `timeout`.
pub fn run_with_timeout(command: &mut Command, timeout: Duration) -> io::Result<Output> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = command.spawn()?;
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(_) => {
            kill(pid);
            Err(timed_out(timeout))
        }
    }
}

/// Runs `command` (output as configured by the caller), killing it after `timeout`.
fn status_with_timeout(command: &mut Command, timeout: Duration) -> io::Result<ExitStatus> {
    let mut child = command.spawn()?;
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(timed_out(timeout));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn timed_out(timeout: Duration) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!("still running after {} s, killed", timeout.as_secs()),
    )
}

fn kill(pid: u32) {
    if let Ok(pid) = libc::pid_t::try_from(pid) {
        // SAFETY: plain syscall on our own child, which the waiting thread has not reaped
        // (it is still blocked waiting for it).
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_restart_command_says_so() {
        let r = Restart::choose(Some("exit 3")).unwrap();
        let err = r.run(Duration::from_secs(5)).unwrap_err();
        assert!(err.contains("`exit 3` failed"), "{err}");
        let err = Restart::Command("sleep 5".into())
            .run(Duration::from_millis(200))
            .unwrap_err();
        assert!(err.contains("killed"), "{err}");
    }
}
