//! Real containerd daemons for the containerd tests, never the system's: Debian's containerd
//! (1.6 on bookworm, from `PATH`) and containerd 2.x unpacked from Debian's sid package by
//! `scripts/install-containerd-test-deps` into `REGCTL_CONTAINERD2_DIR` (default
//! `/opt/regctl-test/containerd-2`). Each [`Daemon`] has its own config, root, state and socket
//! in a temp dir.
//!
//! A supervisor thread plays systemd's part: it starts containerd, and starts it again
//! whenever it exits (`Restart=always`), reading which config to use at each start. The
//! restart command handed to regctl ([`Daemon::restart_command`]) stops the daemon and waits
//! for it to be gone, as `systemctl restart` does; the supervisor brings it back. The daemon
//! gets SIGKILL when the supervisor thread ends (PR_SET_PDEATHSIG), and `Drop` stops it.

use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A containerd release the tests can run.
#[derive(Debug, Clone)]
pub struct Release {
    /// "1.6.20" etc., from `containerd --version`.
    pub version: String,
    pub major: u32,
    /// Holds `containerd`, `ctr` and `containerd-shim-runc-v2`.
    pub bin_dir: PathBuf,
}

impl Release {
    /// Debian's containerd 1.x on `PATH`; `None` (with the reason on stderr) when missing.
    pub fn v1() -> Option<Release> {
        Self::find("/usr/bin", 1)
    }

    /// containerd 2.x unpacked from Debian sid; `None` (with the reason on stderr) when missing.
    pub fn v2() -> Option<Release> {
        let root = std::env::var_os("REGCTL_CONTAINERD2_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/opt/regctl-test/containerd-2"));
        Self::find(&root.join("usr/bin").to_string_lossy(), 2)
    }

    fn find(bin_dir: &str, major: u32) -> Option<Release> {
        let bin_dir = PathBuf::from(bin_dir);
        let skip = |why: String| {
            // Straight to the process's stderr: the test harness would swallow `eprintln!`.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: containerd {major}.x tests: {why}; run scripts/install-containerd-test-deps"
            );
            None
        };
        let output = match Command::new(bin_dir.join("containerd"))
            .arg("--version")
            .output()
        {
            Ok(o) => o,
            Err(e) => return skip(format!("no {}/containerd ({e})", bin_dir.display())),
        };
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        let version = text
            .split_whitespace()
            .nth(2)
            .unwrap_or_default()
            .to_string();
        let found = version
            .split('.')
            .next()
            .and_then(|m| m.trim_start_matches('v').parse::<u32>().ok());
        if found != Some(major) {
            return skip(format!("{}/containerd is {text:?}", bin_dir.display()));
        }
        if !bin_dir.join("ctr").exists() {
            return skip(format!("no ctr in {}", bin_dir.display()));
        }
        Some(Release {
            version,
            major,
            bin_dir,
        })
    }

    /// A `PATH` that finds this release's binaries first (for regctl and for containerd).
    pub fn path_env(&self) -> std::ffi::OsString {
        let mut dirs = vec![self.bin_dir.clone()];
        dirs.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        std::env::join_paths(dirs).expect("a joinable PATH")
    }

    /// A minimal config of this release's native version that touches nothing outside `dir`.
    pub fn test_config(&self, dir: &Path) -> String {
        let d = dir.display();
        if self.major >= 2 {
            format!(
                "version = 3\n\n\
                 [grpc]\n  address = '{d}/containerd.sock'\n\n\
                 [plugins.'io.containerd.internal.v1.opt']\n  path = '{d}/opt'\n\n\
                 [plugins.'io.containerd.nri.v1.nri']\n  disable = true\n\n\
                 [plugins.'io.containerd.cri.v1.images']\n  snapshotter = 'native'\n\n\
                 [plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = ''\n\n\
                 [plugins.'io.containerd.cri.v1.runtime'.cni]\n  conf_dir = '{d}/cni'\n\n\
                 # Pulls without `configs` go through the transfer service, which unpacks only\n\
                 # for the platform/snapshotter pairs named here.\n\
                 [[plugins.'io.containerd.transfer.v1.local'.unpack_config]]\n  \
                 platform = 'linux/{arch}'\n  snapshotter = 'native'\n",
                arch = match std::env::consts::ARCH {
                    "aarch64" => "arm64",
                    _ => "amd64",
                }
            )
        } else {
            format!(
                "version = 2\n\n\
                 [grpc]\n  address = \"{d}/containerd.sock\"\n\n\
                 [plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"{d}/opt\"\n\n\
                 [plugins.\"io.containerd.grpc.v1.cri\"]\n  stream_server_address = \"127.0.0.1\"\n\n\
                 [plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"native\"\n\n\
                 [plugins.\"io.containerd.grpc.v1.cri\".cni]\n  conf_dir = \"{d}/cni\"\n\n\
                 [plugins.\"io.containerd.grpc.v1.cri\".registry]\n  config_path = \"\"\n"
            )
        }
    }
}

/// One supervised containerd.
pub struct Daemon {
    pub release: Release,
    pub dir: tempfile::TempDir,
    /// `<dir>/etc/config.toml`, what the daemon normally starts on.
    pub config: PathBuf,
    pub socket: PathBuf,
    log: PathBuf,
    stop: Arc<AtomicBool>,
    pid: Arc<Mutex<Option<u32>>>,
    supervisor: Option<JoinHandle<()>>,
}

impl Daemon {
    /// Starts `release` on its test config and waits until CRI answers.
    pub fn start(release: &Release) -> Daemon {
        let daemon = Self::start_with(release, "");
        daemon.wait_ready(Duration::from_secs(60));
        daemon
    }

    /// Starts `release` on its test config followed by `extra`, and waits until the daemon
    /// answers (whatever the state of CRI).
    pub fn start_with(release: &Release, extra: &str) -> Daemon {
        let dir = tempfile::Builder::new()
            .prefix("regctl-ctrd-")
            .tempdir()
            .expect("a temp dir");
        let config = dir.path().join("etc/config.toml");
        super::write_file(&config, release.test_config(dir.path()) + extra);
        let daemon = Self::spawn(release, dir, config);
        let deadline = Instant::now() + Duration::from_secs(60);
        while daemon.plugins().is_err() {
            assert!(
                Instant::now() < deadline,
                "containerd did not answer\n{}",
                daemon.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        daemon
    }

    fn spawn(release: &Release, dir: tempfile::TempDir, config: PathBuf) -> Daemon {
        let socket = dir.path().join("containerd.sock");
        let log = dir.path().join("containerd.log");
        let stop = Arc::new(AtomicBool::new(false));
        let pid = Arc::new(Mutex::new(None));
        let restart = dir.path().join("restart.sh");
        let pid_file = dir.path().join("containerd.pid");
        super::write_file(
            &restart,
            format!(
                "#!/bin/sh\n# Stops the test containerd and waits for it to be gone; its supervisor starts it again.\n\
                 pid=$(cat '{p}')\nkill -TERM \"$pid\" 2>/dev/null || exit 0\n\
                 while kill -0 \"$pid\" 2>/dev/null; do sleep 0.05; done\n",
                p = pid_file.display()
            ),
        );
        let supervisor = {
            let (release, dir_path, config, socket, log, stop, pid) = (
                release.clone(),
                dir.path().to_path_buf(),
                config.clone(),
                socket.clone(),
                log.clone(),
                stop.clone(),
                pid.clone(),
            );
            std::thread::Builder::new()
                .name("containerd-supervisor".into())
                .spawn(move || supervise(&release, &dir_path, &config, &socket, &log, &stop, &pid))
                .expect("a supervisor thread")
        };
        Daemon {
            release: release.clone(),
            dir,
            config,
            socket,
            log,
            stop,
            pid,
            supervisor: Some(supervisor),
        }
    }

    /// The `--restart-command` that restarts this daemon.
    pub fn restart_command(&self) -> String {
        format!("sh {}", self.dir.path().join("restart.sh").display())
    }

    /// The next start (only) uses `config` instead of the normal one.
    pub fn start_next_on(&self, config: &Path) {
        fs::write(
            self.dir.path().join("next-config"),
            config.to_string_lossy().as_bytes(),
        )
        .expect("write next-config");
    }

    /// The socket file's inode: a restarted containerd binds a new socket.
    pub fn socket_inode(&self) -> u64 {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(&self.socket).map(|m| m.ino()).unwrap_or(0)
    }

    /// The hosts.toml directory the tests configure.
    pub fn hosts_dir(&self) -> PathBuf {
        self.dir.path().join("etc/certs.d")
    }

    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `ctr plugins ls` of this daemon.
    pub fn plugins(&self) -> Result<String, String> {
        let out = Command::new(self.release.bin_dir.join("ctr"))
            .arg("--address")
            .arg(&self.socket)
            .args(["--connect-timeout", "1s", "plugins", "ls"])
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    /// The status column of the CRI plugin holding the registry config (1.x `cri`, 2.x `images`).
    pub fn cri_status(&self) -> Option<String> {
        let (kind, id) = if self.release.major >= 2 {
            ("io.containerd.cri.v1", "images")
        } else {
            ("io.containerd.grpc.v1", "cri")
        };
        let text = self.plugins().ok()?;
        text.lines().find_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w.len() >= 3 && w[0] == kind && w[1] == id).then(|| w[w.len() - 1].to_string())
        })
    }

    /// Waits until the CRI plugins answer `ok`.
    pub fn wait_ready(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.cri_status().as_deref() == Some("ok") {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "containerd {} did not become ready in {timeout:?}\n{}",
            self.release.version,
            self.log()
        );
    }

    /// `cri_pull` that must succeed: the image id, or a panic with `context` and the daemon's log.
    pub fn pulls(&self, image: &str, context: &str) -> String {
        self.cri_pull(image)
            .unwrap_or_else(|e| panic!("{context}: CRI pull of {image}: {e}\n{}", self.log()))
    }

    /// Pulls `image` through the CRI API (`runtime.v1.ImageService/PullImage`), as kubelet and
    /// crictl do; `Ok` is the image ref containerd returns.
    pub fn cri_pull(&self, image: &str) -> Result<String, String> {
        use k8s_cri::v1::image_service_client::ImageServiceClient;
        use k8s_cri::v1::{ImageSpec, PullImageRequest};
        let socket = self.socket.clone();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        rt.block_on(async move {
            let channel = tonic::transport::Endpoint::try_from("http://[::]:50051")
                .map_err(|e| e.to_string())?
                .connect_with_connector(tower::service_fn(move |_: tonic::transport::Uri| {
                    let socket = socket.clone();
                    async move {
                        let stream = tokio::net::UnixStream::connect(socket).await?;
                        Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(stream))
                    }
                }))
                .await
                .map_err(|e| format!("connecting to the CRI socket: {e}"))?;
            let request = PullImageRequest {
                image: Some(ImageSpec {
                    image: image.to_string(),
                    ..Default::default()
                }),
                auth: None,
                sandbox_config: None,
            };
            let response = tokio::time::timeout(
                Duration::from_secs(60),
                ImageServiceClient::new(channel).pull_image(request),
            )
            .await
            .map_err(|_| "PullImage took over 60 s".to_string())?
            .map_err(|status| status.message().to_string())?;
            Ok(response.into_inner().image_ref)
        })
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let Some(handle) = self.supervisor.take() else {
            return;
        };
        // The supervisor may be starting one more daemon as we speak: signal until it is done.
        let start = Instant::now();
        while !handle.is_finished() {
            let sig = if start.elapsed() < Duration::from_secs(5) {
                libc::SIGTERM
            } else {
                libc::SIGKILL
            };
            if let Some(pid) = *self.pid.lock().unwrap_or_else(|e| e.into_inner()) {
                signal(pid, sig);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = handle.join();
    }
}

fn signal(pid: u32, sig: libc::c_int) {
    if let Ok(pid) = libc::pid_t::try_from(pid) {
        // SAFETY: a plain syscall; the pid is our supervisor's child, not yet reaped.
        unsafe {
            libc::kill(pid, sig);
        }
    }
}

/// systemd's `Restart=always`, in small: start, wait for exit, start again until told to stop.
fn supervise(
    release: &Release,
    dir: &Path,
    config: &Path,
    socket: &Path,
    log: &Path,
    stop: &AtomicBool,
    pid: &Mutex<Option<u32>>,
) {
    let next = dir.join("next-config");
    let pid_file = dir.join("containerd.pid");
    while !stop.load(Ordering::SeqCst) {
        let config = match fs::read_to_string(&next) {
            Ok(p) => {
                let _ = fs::remove_file(&next);
                PathBuf::from(p)
            }
            Err(_) => config.to_path_buf(),
        };
        let mut log_file = File::options()
            .create(true)
            .append(true)
            .open(log)
            .expect("containerd log");
        let _ = writeln!(log_file, "=== starting containerd on {}", config.display());
        let mut cmd = Command::new(release.bin_dir.join("containerd"));
        cmd.arg("--config")
            .arg(&config)
            .arg("--root")
            .arg(dir.join("root"))
            .arg("--state")
            .arg(dir.join("state"))
            .arg("--address")
            .arg(socket)
            .env("PATH", release.path_env())
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log fd"))
            .stderr(log_file);
        super::registry::die_with_parent(&mut cmd);
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => panic!("cannot start {}: {e}", release.bin_dir.display()),
        };
        *pid.lock().unwrap_or_else(|e| e.into_inner()) = Some(child.id());
        let tmp = dir.join("containerd.pid.tmp");
        if fs::write(&tmp, child.id().to_string()).is_ok() {
            let _ = fs::rename(&tmp, &pid_file);
        }
        let _ = child.wait();
        *pid.lock().unwrap_or_else(|e| e.into_inner()) = None;
        std::thread::sleep(Duration::from_millis(100));
    }
}
