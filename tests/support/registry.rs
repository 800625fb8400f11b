//! Runs the real CNCF distribution registry (`docker-registry serve CONFIG.yml`, Debian's
//! package of distribution 2.8) as child processes of the test process.

use std::fs::{self, File};
use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::BoxError;

/// The registry binary; `REGCTL_TEST_REGISTRY_BIN` overrides it.
pub fn registry_bin() -> PathBuf {
    std::env::var_os("REGCTL_TEST_REGISTRY_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/docker-registry"))
}

/// How the registry authenticates clients.
pub enum Auth {
    None,
    /// `auth.htpasswd` with this file.
    Htpasswd(PathBuf),
    /// `auth.token`: realm, service, issuer, root certificate bundle (PEM file).
    Token {
        realm: String,
        service: String,
        issuer: String,
        rootcertbundle: PathBuf,
    },
}

/// One registry set-up.
pub struct Spec {
    /// Short name: files are `<dir>/<name>/…` and the log `<dir>/<name>.log`.
    pub name: &'static str,
    /// (certificate PEM file, key PEM file); None = plain HTTP.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Require client certificates signed by this CA (mutual TLS).
    pub client_ca: Option<PathBuf>,
    pub auth: Auth,
}

/// A registry process that was started (it may still be coming up).
pub struct Started {
    pub name: &'static str,
    pub addr: SocketAddr,
    pub child: Child,
    pub log: PathBuf,
}

/// A free port on 127.0.0.1 (free when asked: the registry binds it a moment later).
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn yaml_str(s: &str) -> String {
    // JSON strings are valid YAML double-quoted scalars.
    serde_json::Value::String(s.to_string()).to_string()
}

fn yaml_path(p: &Path) -> String {
    yaml_str(&p.to_string_lossy())
}

fn config(spec: &Spec, addr: SocketAddr, storage: &Path) -> String {
    let level = std::env::var("REGCTL_TEST_REGISTRY_LOG_LEVEL").unwrap_or_else(|_| "warn".into());
    let mut c = format!(
        "version: 0.1\n\
         log:\n  level: {level}\n  formatter: text\n  accesslog:\n    disabled: false\n\
         storage:\n  filesystem:\n    rootdirectory: {storage}\n  delete:\n    enabled: true\n  \
         maintenance:\n    uploadpurging:\n      enabled: false\n\
         http:\n  addr: {addr}\n  secret: {secret}\n  headers:\n    X-Content-Type-Options: [nosniff]\n",
        level = yaml_str(&level),
        storage = yaml_path(storage),
        addr = yaml_str(&addr.to_string()),
        secret = yaml_str(&format!("regctl-testbed-{}", rand::random::<u64>())),
    );
    if let Some((cert, key)) = &spec.tls {
        c += &format!(
            "  tls:\n    certificate: {}\n    key: {}\n",
            yaml_path(cert),
            yaml_path(key)
        );
        if let Some(ca) = &spec.client_ca {
            c += &format!("    clientcas:\n      - {}\n", yaml_path(ca));
        }
    }
    match &spec.auth {
        Auth::None => {}
        Auth::Htpasswd(path) => {
            c += &format!(
                "auth:\n  htpasswd:\n    realm: {}\n    path: {}\n",
                yaml_str("regctl-basic-realm"),
                yaml_path(path)
            );
        }
        Auth::Token {
            realm,
            service,
            issuer,
            rootcertbundle,
        } => {
            c += &format!(
                "auth:\n  token:\n    realm: {}\n    service: {}\n    issuer: {}\n    rootcertbundle: {}\n",
                yaml_str(realm),
                yaml_str(service),
                yaml_str(issuer),
                yaml_path(rootcertbundle)
            );
        }
    }
    c += "health:\n  storagedriver:\n    enabled: false\n";
    c
}

/// Starts `spec` on a free port. The child gets SIGKILL when the thread that called this
/// exits (PR_SET_PDEATHSIG): call it from a thread that lives as long as the process.
pub fn spawn(dir: &Path, spec: &Spec) -> Result<Started, BoxError> {
    let base = dir.join(spec.name);
    let storage = base.join("storage");
    fs::create_dir_all(&storage)?;
    let addr = SocketAddr::from(([127, 0, 0, 1], free_port()?));
    let config_path = base.join("config.yml");
    fs::write(&config_path, config(spec, addr, &storage))?;
    let log = dir.join(format!("{}.log", spec.name));
    let mut log_file = File::options().create(true).append(true).open(&log)?;
    writeln!(log_file, "=== starting {} on {addr}", spec.name)?;

    let mut cmd = Command::new(registry_bin());
    cmd.arg("serve")
        .arg(&config_path)
        .current_dir(&base)
        .stdin(Stdio::null())
        .stdout(log_file.try_clone()?)
        .stderr(log_file);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("REGISTRY_") {
            cmd.env_remove(k);
        }
    }
    die_with_parent(&mut cmd);
    let child = cmd
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", registry_bin().display()))?;
    Ok(Started {
        name: spec.name,
        addr,
        child,
        log,
    })
}

/// SIGKILL for the child when the thread that started it ends (PR_SET_PDEATHSIG).
#[cfg(target_os = "linux")]
pub fn die_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt as _;
    // SAFETY: only async-signal-safe libc calls between fork and exec.
    let parent = unsafe { libc::getpid() };
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died before prctl took effect.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
pub fn die_with_parent(_cmd: &mut Command) {}

/// Waits until the registry accepts TCP connections. Err(true) when it exited because its
/// port was taken meanwhile (start it again), Err(false) for any other failure.
pub fn wait_listening(started: &mut Started, timeout: Duration) -> Result<(), (bool, String)> {
    let deadline = Instant::now() + timeout;
    loop {
        match started.child.try_wait() {
            Ok(Some(status)) => {
                let log = fs::read_to_string(&started.log).unwrap_or_default();
                let port_taken = log.contains("address already in use");
                return Err((
                    port_taken,
                    format!(
                        "registry {} exited ({status}) before listening on {}; log {}:\n{log}",
                        started.name,
                        started.addr,
                        started.log.display()
                    ),
                ));
            }
            Ok(None) => {}
            Err(e) => return Err((false, format!("waiting for registry {}: {e}", started.name))),
        }
        if TcpStream::connect_timeout(&started.addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err((
                false,
                format!(
                    "registry {} did not listen on {} within {timeout:?}; log {}",
                    started.name,
                    started.addr,
                    started.log.display()
                ),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// An htpasswd file with bcrypt ($2y$, cost 5) entries.
pub fn write_htpasswd(path: &Path, users: &[(&str, &str)]) -> Result<(), BoxError> {
    let mut out = String::new();
    for (user, password) in users {
        let hash = bcrypt::hash_with_result(password, 5)?.format_for_version(bcrypt::Version::TwoY);
        out += &format!("{user}:{hash}\n");
    }
    fs::write(path, out)?;
    Ok(())
}
