//! The one place that turns per-registry TLS settings into an HTTP client, sends requests with
//! optional redacted logging, and explains connection and certificate failures.

pub mod blob_http;
pub mod certs_d;
pub mod proxy;
pub mod retry;
pub mod tls;

use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, USER_AGENT};
use reqwest::{Method, Request, RequestBuilder, Response, Url};

use crate::reference::Registry;
pub use blob_http::{GetError, Got, Sink};
pub use tls::ClientCert;

const USER_AGENT_VALUE: &str = concat!("regctl/", env!("CARGO_PKG_VERSION"));

/// How long a connection may go without a byte before the request counts as failed (and is
/// retried, a download resumed, like a dropped connection): a registry or token service that
/// accepts and then never answers must not hold a CI job forever. Generous, because a
/// registry answers the PUT that completes a large blob only once it has stored it.
/// `REGCTL_IDLE_TIMEOUT` (seconds) sets another.
pub fn idle_timeout() -> Duration {
    std::env::var("REGCTL_IDLE_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&secs| secs > 0)
        .map_or(Duration::from_secs(120), Duration::from_secs)
}

/// What the user (or the remembered settings) asked for one registry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsOptions {
    pub ca_files: Vec<PathBuf>,
    pub client_cert: Option<ClientCert>,
    /// Skip certificate verification (`--insecure`).
    pub insecure: bool,
    /// Speak plain HTTP to this registry (`--plain-http`).
    pub plain_http: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `certs_dir` is the registry's own certs.d directory: the CA found there serves every
    /// host regctl talks to for it (its token service, a redirect), not only `host`.
    #[error(
        "x509: {reason} (talking to {host}); trust the registry's CA with --ca-file FILE or by putting it in {}, or skip verification with --insecure",
        certs_dir.join("ca.crt").display()
    )]
    Certificate {
        host: String,
        reason: String,
        certs_dir: PathBuf,
    },
    #[error("x509: the certificate of {host} is not valid for that name{presented}; connect by a name it carries, or skip verification with --insecure")]
    WrongName { host: String, presented: String },
    #[error("TLS handshake with {host} failed: {reason}")]
    Handshake { host: String, reason: String },
    #[error("{host} does not speak TLS; if it is meant to be reached over plain HTTP, pass --plain-http")]
    NotTls { host: String },
    #[error("{host} speaks TLS, not plain HTTP: drop --plain-http (and trust its CA with --ca-file if it is a private one)")]
    SpeaksTls { host: String },
    #[error("cannot connect to {host}: {reason}")]
    Connect { host: String, reason: String },
    #[error("{request} failed: {reason}")]
    Request {
        /// `METHOD URL`
        request: String,
        reason: String,
    },
    #[error(transparent)]
    TlsConfig(#[from] tls::TlsConfigError),
    #[error("cannot build an HTTP client: {0}")]
    Client(String),
    #[error(transparent)]
    Proxy(proxy::BadProxy),
}

/// An HTTP client bound to one registry's settings.
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    /// For requests with large bodies: reqwest's read timeout runs from the request's start
    /// to the answer's head, so a long upload would trip it. Their stalls are watched by
    /// `registry::stall` instead.
    upload_client: reqwest::Client,
    registry: Registry,
    base: Url,
    /// Whether the scheme was forced by the user; otherwise a loopback registry may fall back.
    plain_http_chosen: bool,
    cert_requested: tls::CertRequested,
    blob_tls: std::sync::Arc<rustls::ClientConfig>,
    proxies: proxy::Proxies,
    /// Set once a blob download was redirected (to object storage, a CDN, as Docker Hub, GHCR
    /// and ECR do): the other blobs of the command go the ordinary way at once, instead of each
    /// asking here first on a connection of its own only to be sent elsewhere.
    blobs_redirected: std::sync::Arc<std::sync::atomic::AtomicBool>,
    verbose: bool,
}

impl Transport {
    /// Builds the client for `registry`, adding what the certs.d directories hold for it.
    pub fn new(registry: &Registry, options: &TlsOptions, verbose: bool) -> Result<Self, Error> {
        Self::with_certs_roots(registry, options, verbose, &certs_d::default_roots())
    }

    pub fn with_certs_roots(
        registry: &Registry,
        options: &TlsOptions,
        verbose: bool,
        certs_roots: &[PathBuf],
    ) -> Result<Self, Error> {
        let from_dirs = certs_d::lookup(certs_roots, registry);
        let mut ca_files = options.ca_files.clone();
        ca_files.extend(from_dirs.ca_files);
        let client_cert = options
            .client_cert
            .clone()
            .or_else(|| from_dirs.client_certs.into_iter().next());
        let insecure = options.insecure || from_dirs.skip_verify;
        let (tls, cert_requested) = tls::client_config(&ca_files, client_cert.as_ref(), insecure)?;
        let blob_tls = std::sync::Arc::new(tls.clone());
        // reqwest's default redirect policy drops Authorization (and cookies) whenever a redirect
        // leaves the original scheme, host or port: blob downloads redirected to object storage
        // must never carry registry credentials there.
        let proxies = proxy::Proxies::from_env();
        let reqwest_proxies = proxies.for_reqwest().map_err(Error::Proxy)?;
        let builder = || {
            reqwest_proxies.iter().fold(
                reqwest::Client::builder()
                    .tls_backend_preconfigured(tls.clone())
                    .user_agent(USER_AGENT_VALUE)
                    .connect_timeout(Duration::from_secs(30))
                    .no_proxy(),
                |builder, proxy| builder.proxy(proxy.clone()),
            )
        };
        let client = builder()
            .read_timeout(idle_timeout())
            .build()
            .map_err(|e| Error::Client(e.to_string()))?;
        let upload_client = builder()
            .build()
            .map_err(|e| Error::Client(e.to_string()))?;
        let scheme = if options.plain_http { "http" } else { "https" };
        let base = Url::parse(&format!("{scheme}://{}/", registry.api_host()))
            .map_err(|e| Error::Client(e.to_string()))?;
        Ok(Transport {
            client,
            upload_client,
            registry: registry.clone(),
            base,
            plain_http_chosen: options.plain_http,
            cert_requested,
            blob_tls,
            proxies,
            blobs_redirected: Default::default(),
            verbose,
        })
    }

    /// Whether the user asked for plain HTTP to this registry (rather than a loopback fallback).
    pub fn plain_http_chosen(&self) -> bool {
        self.plain_http_chosen
    }

    /// Whether an error is worth another attempt (the connection, not the request, failed).
    pub fn is_transient(err: &Error) -> bool {
        matches!(err, Error::Connect { .. } | Error::Request { .. })
    }

    pub fn verbose(&self) -> bool {
        self.verbose
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn is_plain_http(&self) -> bool {
        self.base.scheme() == "http"
    }

    /// `path` below the registry's base, e.g. `v2/`.
    pub fn url(&self, path: &str) -> Url {
        self.base
            .join(path)
            .expect("a relative path joins onto a base URL")
    }

    pub fn request(&self, method: Method, url: Url) -> RequestBuilder {
        self.client.request(method, url)
    }

    /// A request whose body is a blob (or a chunk of one): sent without reqwest's read timeout,
    /// so the caller must watch it (`registry::stall::unstalled`).
    pub fn upload(&self, method: Method, url: Url) -> RequestBuilder {
        self.upload_client.request(method, url)
    }

    /// Whether `url` is on the registry itself: the same scheme, host and port. An upload
    /// `Location` or a `Link` may name another (a proxy's idea of our address, a storage
    /// service).
    pub fn is_registry(&self, url: &Url) -> bool {
        url.scheme() == self.base.scheme()
            && url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default()
    }

    /// Whether a request to `url` may take the `blob_http` paths (`put_file` over plain HTTP
    /// only, `get_into`): to the registry itself (the ordinary way handles any other), and no
    /// proxy that must see the request.
    pub fn direct_blob_http(&self, url: &Url) -> bool {
        self.is_registry(url) && !self.proxies.is_proxied(url)
    }

    /// Whether a blob download from `url` may take `get_into`.
    pub fn direct_blob_get(&self, url: &Url) -> bool {
        use std::sync::atomic::Ordering;
        self.direct_blob_http(url) && !self.blobs_redirected.load(Ordering::Relaxed)
    }

    /// `GET url` on a blocking thread, the `len` bytes from `offset` given to `sink` (see
    /// `blob_http`). The sink comes back with the outcome, holding what arrived.
    pub async fn get_into<S: Sink>(
        &self,
        url: Url,
        mut headers: HeaderMap,
        offset: u64,
        len: u64,
        mut sink: S,
    ) -> (S, Result<Got, GetError<S::Error>>) {
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        if self.verbose {
            eprintln!("> GET {url} (read on a blocking thread)");
            log_headers('>', &headers);
            if offset > 0 {
                eprintln!("> range: bytes={offset}-");
            }
        }
        let tls = self.blob_tls.clone();
        let (sink, got) = tokio::task::spawn_blocking(move || {
            let got = blob_http::get(&url, &headers, offset, len, &mut sink, &tls);
            (sink, got)
        })
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        if let Ok(Got::Declined(response)) = &got {
            if response.status().is_redirection() {
                use std::sync::atomic::Ordering;
                self.blobs_redirected.store(true, Ordering::Relaxed);
            }
        }
        if self.verbose {
            match &got {
                Ok(Got::Declined(response)) => {
                    log_head(response.version(), response.status(), response.headers());
                    eprintln!("(not taken here; going on the ordinary way)");
                }
                Err(GetError::Io(e)) => eprintln!("{e}; going on the ordinary way"),
                Ok(Got::Done) | Err(GetError::Sink(_)) => {}
            }
        }
        (sink, got)
    }

    /// `PUT url` with part of a file as body, which the kernel sends (see `blob_http`).
    /// `sent` hears of the bytes as they go.
    pub async fn put_file(
        &self,
        url: Url,
        mut headers: HeaderMap,
        body: blob_http::FileRange,
        sent: impl Fn(u64) + Send + 'static,
    ) -> Result<Response, Error> {
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        if self.verbose {
            eprintln!("> PUT {url} (body sent with sendfile)");
            log_headers('>', &headers);
        }
        let response = self
            .blocking(move || blob_http::put(&url, &headers, &body, sent))
            .await?;
        let response = Response::from(response);
        if self.verbose {
            log_response(&response);
        }
        Ok(response)
    }

    /// `POST post_url` to open an upload session, and on the same connection the `PUT` that
    /// `put_url` makes of its answer, the file as body (see `blob_http::post_then_put`). The
    /// answers to both, the second `None` when that `PUT` was not made.
    pub async fn post_then_put_file(
        &self,
        post_url: Url,
        mut headers: HeaderMap,
        put_url: impl FnOnce(&http::Response<bytes::Bytes>) -> Option<Url> + Send + 'static,
        body: blob_http::FileRange,
        sent: impl Fn(u64) + Send + 'static,
    ) -> Result<(Response, Option<Response>), Error> {
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        if self.verbose {
            eprintln!("> POST {post_url} (then the upload on the same connection)");
            log_headers('>', &headers);
        }
        let opened = self
            .blocking(move || blob_http::post_then_put(&post_url, &headers, put_url, &body, sent))
            .await?;
        let post = Response::from(opened.post);
        if self.verbose {
            log_response(&post);
        }
        let put = opened.put.map(|(url, answer)| {
            let answer = Response::from(answer);
            if self.verbose {
                eprintln!("> PUT {url} (body sent with sendfile)");
                log_response(&answer);
            }
            answer
        });
        Ok((post, put))
    }

    /// Runs a request of `blob_http` on a blocking thread; its failure is the connection's.
    async fn blocking<T: Send + 'static>(
        &self,
        request: impl FnOnce() -> std::io::Result<T> + Send + 'static,
    ) -> Result<T, Error> {
        let host = self.registry.to_string();
        tokio::task::spawn_blocking(request)
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
            .map_err(|e| Error::Connect {
                host,
                reason: e.to_string(),
            })
    }

    /// `GET /v2/`, the API's version check, which also carries the auth challenge. A loopback
    /// registry that does not speak TLS is retried over plain HTTP, as docker does; a
    /// certificate that fails verification is never a reason to downgrade.
    pub async fn ping(&mut self) -> Result<Response, Error> {
        match self.ping_once().await {
            Err(Error::NotTls { .. }) if self.registry.is_loopback() && !self.plain_http_chosen => {
                if self.verbose {
                    eprintln!(
                        "{} does not speak TLS; using plain HTTP (loopback)",
                        self.registry
                    );
                }
                self.base
                    .set_scheme("http")
                    .expect("http is a valid scheme");
                self.ping_once().await
            }
            other => other,
        }
    }

    async fn ping_once(&self) -> Result<Response, Error> {
        retry::run(
            self.verbose,
            retry::ATTEMPTS,
            Transport::is_transient,
            || self.send(self.request(Method::GET, self.url("v2/"))),
        )
        .await
    }

    pub async fn send(&self, request: RequestBuilder) -> Result<Response, Error> {
        // On the client that built it: `request` or `upload`, with or without the read timeout.
        let (client, request) = request.build_split();
        let request = request.map_err(|e| Error::Client(e.to_string()))?;
        if self.verbose {
            log_request(&request);
        }
        let method = request.method().clone();
        let url = request.url().clone();
        let response = client
            .execute(request)
            .await
            .map_err(|e| self.classify(method, url, &e))?;
        if self.verbose {
            log_response(&response);
        }
        Ok(response)
    }

    /// The server's refusal, with the way out when it asked for a client certificate; without
    /// that request, a refusal is about protocol versions or cipher suites.
    fn handshake_reason(&self, said: String) -> String {
        if self.cert_requested.get() {
            format!("{said}; the registry wants a client certificate: pass --cert-file and --key-file, or put client.cert and client.key in its certs.d directory")
        } else {
            format!("{said} (no TLS version or cipher suite in common?)")
        }
    }

    fn classify(&self, method: Method, url: Url, err: &reqwest::Error) -> Error {
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => self.registry.to_string(),
        };
        if let Some(tls) = find_rustls_error(err) {
            return match tls {
                // A CA does not help with a name the certificate lacks.
                rustls::Error::InvalidCertificate(
                    rustls::CertificateError::NotValidForNameContext { presented, .. },
                ) => Error::WrongName {
                    host,
                    presented: match presented.as_slice() {
                        [] => String::new(),
                        names => format!(" (it is for {})", plain_names(names)),
                    },
                },
                rustls::Error::InvalidCertificate(cert) => Error::Certificate {
                    host,
                    reason: describe_certificate_error(cert),
                    certs_dir: crate::config::config_dir()
                        .join("certs.d")
                        .join(self.registry.name()),
                },
                rustls::Error::InvalidMessage(_) => Error::NotTls { host },
                other => Error::Handshake {
                    host,
                    reason: self.handshake_reason(other.to_string()),
                },
            };
        }
        // TLS failures that reach us only as text (an alert from the server, e.g. a client
        // certificate it wants): not worth a retry, and the user needs the server's words.
        if let Some(alert) = tls_data_error(err) {
            return Error::Handshake {
                host,
                reason: self.handshake_reason(alert),
            };
        }
        // The server asked for a client certificate we lack and then hung up on us: its way of
        // refusing, when its alert did not reach us. Any other failure stays what it is (a
        // server may ask and still let a client without one in).
        if self.cert_requested.get()
            && url.host_str() == self.base.host_str()
            && closed_by_peer(err)
        {
            return Error::Handshake {
                host,
                reason: format!(
                    "the registry asked for a client certificate and none is configured ({})",
                    innermost_message(err)
                ),
            };
        }
        // A plain-HTTP server that simply closes on our ClientHello.
        if err.is_connect() && closed_during_handshake(err) {
            return Error::NotTls { host };
        }
        if err.is_connect() || err.is_timeout() {
            return Error::Connect {
                host,
                reason: innermost_message(err),
            };
        }
        Error::Request {
            request: format!("{method} {url}"),
            reason: innermost_message(err),
        }
    }
}

/// Every error in the chain, including those wrapped inside an `io::Error`, whose `source()`
/// skips the wrapped error itself (rustls errors reach us that way).
fn causes<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut found = Vec::new();
    let mut current: Option<&'a (dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        found.push(e);
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            found.extend(causes(inner));
        }
        current = e.source();
    }
    found
}

fn find_rustls_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    causes(err)
        .into_iter()
        .find_map(|e| e.downcast_ref::<rustls::Error>())
}

fn tls_data_error(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    causes(err).into_iter().find_map(|e| {
        e.downcast_ref::<std::io::Error>()
            .filter(|io| io.kind() == std::io::ErrorKind::InvalidData)
            .map(|io| io.to_string())
    })
}

/// The peer reset or closed the connection before answering.
fn closed_by_peer(err: &(dyn std::error::Error + 'static)) -> bool {
    use std::io::ErrorKind as K;
    causes(err).into_iter().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| {
            matches!(
                io.kind(),
                K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof
            )
        }) || e
            .downcast_ref::<hyper::Error>()
            .is_some_and(|h| h.is_incomplete_message() || h.is_closed())
    })
}

fn closed_during_handshake(err: &(dyn std::error::Error + 'static)) -> bool {
    causes(err).into_iter().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::UnexpectedEof)
    })
}

fn innermost_message(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// rustls describes a certificate's names as `DnsName("a")`, `IpAddress(1.2.3.4)`: the names alone.
fn plain_names(names: &[String]) -> String {
    names
        .iter()
        .map(|n| {
            let inner = n
                .split_once('(')
                .and_then(|(_, rest)| rest.strip_suffix(')'))
                .unwrap_or(n);
            inner.trim_matches('"').to_string()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Go's x509 wording, which operators already search for.
fn describe_certificate_error(err: &rustls::CertificateError) -> String {
    use rustls::CertificateError as C;
    match err {
        C::UnknownIssuer => "certificate signed by unknown authority".into(),
        C::Expired | C::ExpiredContext { .. } => "certificate has expired".into(),
        C::NotValidYet | C::NotValidYetContext { .. } => "certificate is not valid yet".into(),
        C::NotValidForName | C::NotValidForNameContext { .. } => {
            "certificate is not valid for this host name".into()
        }
        C::Revoked => "certificate has been revoked".into(),
        C::BadSignature => "certificate has a bad signature".into(),
        C::Other(other) if tls::is_ca_used_as_end_entity(other) => {
            "the server presents a CA certificate as its own (a self-signed one?)".into()
        }
        C::Other(other) if tls::is_no_trust_anchors(other) => other.to_string(),
        C::Other(other) => format!("certificate rejected: {other}"),
        other => format!("certificate rejected: {other:?}"),
    }
}

fn log_request(request: &Request) {
    eprintln!("> {} {}", request.method(), request.url());
    log_headers('>', request.headers());
}

fn log_response(response: &Response) {
    log_head(response.version(), response.status(), response.headers());
}

fn log_head(version: reqwest::Version, status: reqwest::StatusCode, headers: &HeaderMap) {
    eprintln!("< {version:?} {status}");
    log_headers('<', headers);
}

fn log_headers(direction: char, headers: &HeaderMap) {
    for (name, value) in headers {
        let value = value.to_str().unwrap_or("<binary>");
        if is_secret_header(name) {
            eprintln!("{direction} {name}: <redacted>");
        } else if name == reqwest::header::LOCATION {
            // A redirect to object storage carries its signature in the query (S3's
            // X-Amz-Signature, Docker Hub's CDN links): for the time it lasts, the blob's key.
            let shown = value
                .split_once('?')
                .map_or(value.to_string(), |(path, _)| format!("{path}?<redacted>"));
            eprintln!("{direction} {name}: {shown}");
        } else {
            eprintln!("{direction} {name}: {value}");
        }
    }
}

fn is_secret_header(name: &reqwest::header::HeaderName) -> bool {
    use reqwest::header::{AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, SET_COOKIE};
    [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE, SET_COOKIE].contains(name)
}

impl Error {
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        use crate::exit::ExitCode;
        match self {
            Error::TlsConfig(_) | Error::Client(_) => ExitCode::General,
            Error::Proxy(_) => ExitCode::Usage,
            _ => ExitCode::Connection,
        }
    }
}
