//! The integration-test bed: a test CA, a Harbor-like token service and three real
//! `docker-registry` processes (token auth over TLS, htpasswd Basic auth over TLS, plain HTTP).
//!
//! `bed()` starts everything once per test binary and returns `&'static TestBed`. The servers
//! run on their own tokio runtime in a dedicated thread that lives as long as the process; the
//! registries are killed when the process exits (an `atexit` hook, and PR_SET_PDEATHSIG tied to
//! that thread should the process die without running it). The bed's temp dir is removed at exit
//! unless `REGCTL_TESTBED_KEEP=1` is set (then its path is printed on stderr).
//!
//! Other knobs: `REGCTL_TEST_REGISTRY_LOG_LEVEL` (default `warn`; use `info` to see why the
//! registry rejected a token, e.g. "token intended for another audience"), and
//! `REGCTL_TEST_REGISTRY_BIN` (default `/usr/bin/docker-registry`). Registry logs are
//! `<dir>/<name>.log`; see [`TestBed::registry_log`].
#![allow(dead_code)]

pub mod ca;
pub mod containerd;
pub mod demanding;
pub mod fake_tokens;
pub mod images;
pub mod liar;
pub mod proxy;
pub mod quayish;
pub mod registry;
pub mod tiny_http;
pub mod token_service;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};

pub use token_service::{TokenRequest, ISSUER, SERVICE, TOKEN_PATH};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Built-in accounts of the token service (user, password). Permissions:
/// `admin` every action on every repository plus `registry:catalog:*`; `dev` pull+push on
/// `private` and `library`; `reader` pull on `private`; `robot$ci` pull+push on `private`.
/// Anonymous (and everyone): pull on `library`.
pub const ADMIN: (&str, &str) = ("admin", "Harbor12345");
pub const DEV: (&str, &str) = ("dev", "Dev12345");
pub const READER: (&str, &str) = ("reader", "Reader12345");
pub const ROBOT: (&str, &str) = ("robot$ci", "Robot12345");

/// Accounts of the Basic-auth registry's htpasswd file.
pub const BASIC_USERS: &[(&str, &str)] = &[ADMIN, DEV, ROBOT];

pub struct TestBed {
    /// The bed's temp dir.
    pub dir: PathBuf,
    /// PEM of the test CA that signed every server certificate (and the token signing cert).
    pub ca_file: PathBuf,
    /// "127.0.0.1:PORT": TLS + Bearer token auth (Harbor-like).
    pub token_registry: String,
    /// "127.0.0.1:PORT": TLS + htpasswd Basic auth.
    pub basic_registry: String,
    /// "127.0.0.1:PORT": plain HTTP, no auth.
    pub plain_registry: String,
    /// "127.0.0.1:PORT": TLS that requires a client certificate signed by the test CA, no auth.
    pub mtls_registry: String,
    /// A client certificate and key (PEM) the mTLS registry accepts.
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    /// "https://127.0.0.1:PORT/service/token".
    pub realm: String,
    /// A docker/containerd style `certs.d` dir: `<certs_d>/<host:port>/ca.crt` for both TLS
    /// registries and the token service.
    pub certs_d: PathBuf,
    /// How long `bed()` took to bring everything up.
    pub startup: Duration,
    service: Arc<token_service::TokenService>,
    children: Mutex<Vec<registry::Started>>,
    stopped: AtomicBool,
    keep_dir: bool,
}

static BED: OnceLock<Result<TestBed, String>> = OnceLock::new();

/// The test bed of this process, started on first use.
pub fn bed() -> &'static TestBed {
    match BED.get_or_init(start) {
        Ok(bed) => bed,
        Err(e) => panic!("the test bed failed to start: {e}"),
    }
}

/// Installs ring as the process-wide rustls provider (once; later calls are no-ops).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn start() -> Result<TestBed, String> {
    install_crypto_provider();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("regctl-testbed".into())
        .spawn(move || {
            // This thread never ends: it owns the runtime, and the registries are tied to it
            // by PR_SET_PDEATHSIG.
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("regctl-testbed-rt")
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = tx.send(Err(format!("tokio runtime: {e}")));
                    return;
                }
            };
            let result = setup(&rt).map_err(|e| e.to_string());
            let ok = result.is_ok();
            let _ = tx.send(result);
            if ok {
                rt.block_on(std::future::pending::<()>());
            }
        })
        .map_err(|e| format!("cannot spawn the test bed thread: {e}"))?;
    let bed = rx
        .recv()
        .map_err(|_| "the test bed thread died".to_string())??;
    // SAFETY: registering a plain extern "C" fn without captured state.
    unsafe {
        libc::atexit(at_exit);
    }
    Ok(bed)
}

extern "C" fn at_exit() {
    if let Some(Ok(bed)) = BED.get() {
        bed.stop(false);
    }
}

fn setup(rt: &tokio::runtime::Runtime) -> Result<TestBed, BoxError> {
    let t0 = Instant::now();
    let keep_dir =
        std::env::var_os("REGCTL_TESTBED_KEEP").is_some_and(|v| !v.is_empty() && v != "0");
    let dir = tempfile::Builder::new()
        .prefix("regctl-testbed-")
        .tempdir()?
        .keep();
    let ca = ca::TestCa::new()?;
    let ca_file = dir.join("ca.pem");
    fs::write(&ca_file, &ca.pem)?;
    let server = ca.server_cert()?;
    let tls_dir = dir.join("tls");
    fs::create_dir_all(&tls_dir)?;
    let cert_file = tls_dir.join("server.crt");
    let key_file = tls_dir.join("server.key");
    fs::write(&cert_file, &server.cert_pem)?;
    fs::write(&key_file, &server.key_pem)?;
    let client = ca.client_cert()?;
    let client_cert = tls_dir.join("client.cert");
    let client_key = tls_dir.join("client.key");
    fs::write(&client_cert, &client.cert_pem)?;
    fs::write(&client_key, &client.key_pem)?;

    // The token service's port is needed for the token registry's realm: bind it first.
    let token_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    token_listener.set_nonblocking(true)?;
    let token_addr = token_listener.local_addr()?;
    let realm = format!("https://{token_addr}{TOKEN_PATH}");

    let htpasswd = dir.join("htpasswd");
    registry::write_htpasswd(&htpasswd, BASIC_USERS)?;

    let specs = [
        registry::Spec {
            name: "token-registry",
            tls: Some((cert_file.clone(), key_file.clone())),
            client_ca: None,
            auth: registry::Auth::Token {
                realm: realm.clone(),
                service: SERVICE.into(),
                issuer: ISSUER.into(),
                rootcertbundle: ca_file.clone(),
            },
        },
        registry::Spec {
            name: "basic-registry",
            tls: Some((cert_file.clone(), key_file.clone())),
            client_ca: None,
            auth: registry::Auth::Htpasswd(htpasswd),
        },
        registry::Spec {
            name: "plain-registry",
            tls: None,
            client_ca: None,
            auth: registry::Auth::None,
        },
        registry::Spec {
            name: "mtls-registry",
            tls: Some((cert_file.clone(), key_file.clone())),
            client_ca: Some(ca_file.clone()),
            auth: registry::Auth::None,
        },
    ];
    // Start the registries first: they boot while the RSA key is made.
    let mut started = Vec::new();
    for spec in &specs {
        started.push(registry::spawn(&dir, spec)?);
    }
    let children = Mutex::new(Vec::new());
    let fail = |children: &Mutex<Vec<registry::Started>>, started: Vec<registry::Started>| {
        let mut all = children.lock().unwrap_or_else(|e| e.into_inner());
        all.extend(started);
        for s in all.iter_mut() {
            let _ = s.child.kill();
            let _ = s.child.wait();
        }
    };

    let service = Arc::new(token_service::TokenService::new(&ca)?);
    let mut tls = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![server.cert_der.clone()], server.key_der.clone_key())?;
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    {
        let _guard = rt.enter();
        let listener = tokio::net::TcpListener::from_std(token_listener)?;
        rt.spawn(token_service::serve(
            listener,
            Arc::new(tls),
            service.clone(),
        ));
    }

    for (i, spec) in specs.iter().enumerate() {
        let mut attempts = 0;
        loop {
            match registry::wait_listening(&mut started[i], Duration::from_secs(30)) {
                Ok(()) => break,
                Err((true, _)) if attempts < 5 => {
                    attempts += 1;
                    started[i] = registry::spawn(&dir, spec)?;
                }
                Err((_, msg)) => {
                    fail(&children, started);
                    return Err(msg.into());
                }
            }
        }
    }
    let addr_of = |name: &str| {
        started
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.addr.to_string())
            .unwrap_or_default()
    };
    let token_registry = addr_of("token-registry");
    let basic_registry = addr_of("basic-registry");
    let plain_registry = addr_of("plain-registry");
    let mtls_registry = addr_of("mtls-registry");

    // Prove each server answers HTTP as expected before handing the bed out.
    let probe = rt.block_on(probe_all(
        &ca.pem,
        &realm,
        &token_registry,
        &basic_registry,
        &plain_registry,
    ));
    if let Err(e) = probe {
        let logs: String = started
            .iter()
            .map(|s| {
                format!(
                    "--- {}:\n{}",
                    s.log.display(),
                    fs::read_to_string(&s.log).unwrap_or_default()
                )
            })
            .collect();
        fail(&children, started);
        return Err(format!("{e}\n{logs}").into());
    }

    let certs_d = dir.join("certs.d");
    for host in [&token_registry, &basic_registry, &token_addr.to_string()] {
        let d = certs_d.join(host);
        fs::create_dir_all(&d)?;
        fs::write(d.join("ca.crt"), &ca.pem)?;
    }

    *children.lock().unwrap_or_else(|e| e.into_inner()) = started;
    Ok(TestBed {
        dir,
        ca_file,
        token_registry,
        basic_registry,
        plain_registry,
        mtls_registry,
        client_cert,
        client_key,
        realm,
        certs_d,
        startup: t0.elapsed(),
        service,
        children,
        stopped: AtomicBool::new(false),
        keep_dir,
    })
}

async fn probe_all(
    ca_pem: &str,
    realm: &str,
    token_registry: &str,
    basic_registry: &str,
    plain_registry: &str,
) -> Result<(), BoxError> {
    let client = reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(ca_pem.as_bytes())?)
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()?;
    let checks = [
        (format!("{realm}?service={SERVICE}"), 200),
        (format!("https://{token_registry}/v2/"), 401),
        (format!("https://{basic_registry}/v2/"), 401),
        (format!("http://{plain_registry}/v2/"), 200),
    ];
    for (url, want) in checks {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match client.get(&url).send().await {
                Ok(resp) if resp.status().as_u16() == want => break,
                Ok(resp) => {
                    return Err(
                        format!("probe {url}: status {} (want {want})", resp.status()).into(),
                    )
                }
                Err(e) if Instant::now() > deadline => {
                    return Err(format!("probe {url}: {e:?}").into())
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }
    Ok(())
}

/// What [`TestBed::push_image`] pushed.
#[derive(Clone, Debug)]
pub struct PushedImage {
    /// `host:port/repository:tag`.
    pub reference: String,
    /// Digest of the manifest (`sha256:…`).
    pub digest: String,
    pub manifest: Vec<u8>,
    pub config_digest: String,
    pub layer_digest: String,
    /// The uncompressed tar layer.
    pub layer: Vec<u8>,
}

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const OCI_LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";

pub fn sha256_digest(data: &[u8]) -> String {
    let hash = Sha256::digest(data);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A tar archive holding one regular file.
pub fn tar_with_file(name: &str, content: &[u8]) -> Vec<u8> {
    fn octal(field: &mut [u8], value: u64) {
        let n = field.len() - 1;
        let s = format!("{value:0n$o}");
        field[..n].copy_from_slice(s.as_bytes());
        field[n] = 0;
    }
    let mut h = [0u8; 512];
    let name = name.as_bytes();
    h[..name.len().min(100)].copy_from_slice(&name[..name.len().min(100)]);
    octal(&mut h[100..108], 0o644);
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    octal(&mut h[124..136], content.len() as u64);
    octal(&mut h[136..148], 1_700_000_000);
    h[148..156].copy_from_slice(b"        ");
    h[156] = b'0';
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[265..269].copy_from_slice(b"root");
    h[297..301].copy_from_slice(b"root");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    let s = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(s.as_bytes());
    let mut out = h.to_vec();
    out.extend_from_slice(content);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out.extend_from_slice(&[0u8; 1024]);
    out
}

impl TestBed {
    /// Adds (or replaces) a user of the token service (and nothing else). `perms` are
    /// (project, actions), actions `pull`, `pull,push` or `*`; project `*` = every repository.
    pub fn add_user(&self, name: &str, password: &str, perms: &[(&str, &str)]) {
        self.service.add_user(name, password, perms);
    }

    /// The next `count` tokens of `user` arrive already expired (see TokenService::expire_next).
    pub fn expire_next_tokens(&self, user: &str, count: usize) {
        self.service.expire_next(user, count);
    }

    /// Every token request the service answered (successful or not), in order.
    pub fn token_requests(&self) -> Vec<TokenRequest> {
        self.service.requests()
    }

    /// Requests of one user (None = anonymous).
    pub fn token_requests_of(&self, user: Option<&str>) -> Vec<TokenRequest> {
        self.token_requests()
            .into_iter()
            .filter(|r| r.user.as_deref() == user)
            .collect()
    }

    /// PEM of the certificate of the token service's RSA signing key (it is in the JWT `x5c`).
    pub fn token_signing_cert_pem(&self) -> &str {
        &self.service.cert_pem
    }

    /// "https://HOST" for the TLS registries, "http://HOST" for the plain one.
    pub fn url(&self, registry: &str) -> String {
        if registry == self.plain_registry {
            format!("http://{registry}")
        } else {
            format!("https://{registry}")
        }
    }

    /// The log file (stdout + stderr) of a registry given by its "host:port".
    pub fn registry_log_file(&self, registry: &str) -> Option<PathBuf> {
        let children = self.children.lock().unwrap_or_else(|e| e.into_inner());
        children
            .iter()
            .find(|s| s.addr.to_string() == registry)
            .map(|s| s.log.clone())
    }

    /// The log of a registry given by its "host:port" (empty when unknown).
    pub fn registry_log(&self, registry: &str) -> String {
        self.registry_log_file(registry)
            .and_then(|p| fs::read_to_string(p).ok())
            .unwrap_or_default()
    }

    /// A blocking HTTP client that trusts only the test CA (and uses no proxy).
    pub fn client(&self) -> reqwest::blocking::Client {
        install_crypto_provider();
        let pem = fs::read(&self.ca_file).expect("read the test CA");
        reqwest::blocking::Client::builder()
            .tls_certs_only(reqwest::Certificate::from_pem_bundle(&pem).expect("parse the test CA"))
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("build an HTTP client")
    }

    /// A token from the token service (GET, Basic credentials when given). Err(status) when
    /// the service refused.
    pub fn token(&self, creds: Option<(&str, &str)>, scopes: &[&str]) -> Result<String, u16> {
        let mut query = vec![("service", SERVICE)];
        query.extend(scopes.iter().map(|s| ("scope", *s)));
        let mut req = self.client().get(&self.realm).query(&query);
        if let Some((user, password)) = creds {
            req = req.basic_auth(user, Some(password));
        }
        let resp = req.send().expect("token request");
        let status = resp.status().as_u16();
        if status != 200 {
            return Err(status);
        }
        let body: serde_json::Value = resp.json().expect("token response JSON");
        Ok(body["token"].as_str().expect("token field").to_string())
    }

    /// Pushes a small single-layer OCI image (deterministic per `repository:tag`) to one of the
    /// bed's registries with `creds` (token service credentials for the token registry,
    /// htpasswd credentials for the basic one, ignored for the plain one). Panics on failure.
    pub fn push_image(
        &self,
        registry: &str,
        repository: &str,
        tag: &str,
        creds: Option<(&str, &str)>,
    ) -> PushedImage {
        let layer = tar_with_file(
            "regctl-test/hello.txt",
            format!("hello from {repository}:{tag}\n").as_bytes(),
        );
        let layer_digest = self.upload_blob(registry, repository, creds, &layer);
        let config = serde_json::json!({
            "architecture": "amd64",
            "os": "linux",
            "config": {"Labels": {"org.example.regctl-test": format!("{repository}:{tag}")}},
            "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
            "history": [{"created_by": "regctl test bed"}],
        })
        .to_string()
        .into_bytes();
        let config_digest = self.upload_blob(registry, repository, creds, &config);
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": config.len()},
            "layers": [{"mediaType": OCI_LAYER_TAR, "digest": layer_digest, "size": layer.len()}],
        })
        .to_string()
        .into_bytes();
        let digest = self.put_manifest(registry, repository, tag, creds, OCI_MANIFEST, &manifest);
        PushedImage {
            reference: format!("{registry}/{repository}:{tag}"),
            digest,
            manifest,
            config_digest,
            layer_digest,
            layer,
        }
    }

    /// The Authorization header for pull+push on `repository`, following the registry's
    /// challenge (None when it asks for nothing).
    fn auth_header(
        &self,
        client: &reqwest::blocking::Client,
        base: &str,
        repository: &str,
        creds: Option<(&str, &str)>,
    ) -> Option<String> {
        let resp = client.get(format!("{base}/v2/")).send().expect("GET /v2/");
        if resp.status().as_u16() != 401 {
            return None;
        }
        let challenge = resp
            .headers()
            .get(reqwest::header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if challenge.starts_with("bearer") {
            let scope = format!("repository:{repository}:pull,push");
            let token = self
                .token(creds, &[&scope])
                .unwrap_or_else(|status| panic!("token service refused: {status}"));
            Some(format!("Bearer {token}"))
        } else {
            let (user, password) = creds.expect("the registry wants credentials");
            Some(format!(
                "Basic {}",
                STANDARD.encode(format!("{user}:{password}"))
            ))
        }
    }

    /// Stops the registries gracefully (SIGTERM, then SIGKILL after 5 s) and removes the bed's
    /// dir (unless `REGCTL_TESTBED_KEEP` is set). The token service keeps running until the
    /// process exits. Idempotent.
    pub fn shutdown(&self) {
        self.stop(true);
    }

    fn stop(&self, graceful: bool) {
        if self.stopped.swap(true, Ordering::SeqCst) {
            return;
        }
        // try_lock: never hang process exit on a lock held by a thread that is gone.
        if let Ok(mut children) = self.children.try_lock() {
            for s in children.iter_mut() {
                stop_child(&mut s.child, graceful);
            }
        }
        if self.keep_dir {
            eprintln!("regctl test bed kept at {}", self.dir.display());
        } else {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn stop_child(child: &mut std::process::Child, graceful: bool) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    if graceful {
        if let Ok(pid) = libc::pid_t::try_from(child.id()) {
            // SAFETY: signalling our own child, which has not been reaped yet.
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Writes `content` to `path`, creating parent directories.
pub fn write_file(path: &Path, content: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create parent dir");
    }
    fs::write(path, content).expect("write file");
}

impl TestBed {
    /// Access-log lines of `registry` that mention `needle` (e.g. a repository's upload path):
    /// how tests count the requests a command made.
    pub fn requests_matching(&self, registry: &str, needle: &str) -> Vec<String> {
        self.registry_log(registry)
            .lines()
            .filter(|l| l.contains(needle) && l.contains("HTTP/"))
            .map(str::to_string)
            .collect()
    }
}

impl TestBed {
    /// The digest of the manifest bytes skopeo gets for `reference` (on a TLS registry of the
    /// bed): an independent check of what the registry holds.
    pub fn skopeo_digest(&self, reference: &str, creds: (&str, &str)) -> String {
        let host = reference.split('/').next().unwrap_or_default();
        let out = std::process::Command::new("skopeo")
            .arg("inspect")
            .arg("--raw")
            .arg("--cert-dir")
            .arg(self.certs_d.join(host))
            .arg("--creds")
            .arg(format!("{}:{}", creds.0, creds.1))
            .arg(format!("docker://{reference}"))
            .output()
            .expect("skopeo runs");
        assert!(
            out.status.success(),
            "skopeo inspect: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        sha256_digest(&out.stdout)
    }
}
