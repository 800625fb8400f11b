//! Blobs on the registry, streamed: download into the store (resuming with `Range`), check
//! existence, mount from another repository, and upload in one PUT or in chunks.

use std::path::Path;

use futures_util::StreamExt;
use reqwest::header::{
    HeaderMap, HeaderValue, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, LOCATION, RANGE,
};
use reqwest::{Method, Response, StatusCode, Url};

use super::manifests::{capped_body, check_status, status_error};
use super::stall::{unstalled, Taken};
use super::{Client, Error};
use crate::digest::Digest;
use crate::manifest::{Blob, Kind, Manifest, ManifestError};
use crate::progress::BlobProgress;
use crate::reference::Repository;
use crate::store::Ingest;
use crate::transport::blob_http::FileRange;
use crate::transport::{retry, GetError, Got, Sink};

/// Read size for upload bodies: large enough that per-chunk overhead vanishes, small enough to
/// keep memory flat with several uploads in flight.
const READ_CHUNK: usize = 256 << 10;
/// Chunks read ahead of the connection, per upload.
const READ_QUEUE: usize = 4;

fn blob_url(client: &Client, repository: &Repository, blob: &Blob) -> Url {
    client
        .transport()
        .url(&format!("v2/{}/blobs/{}", repository.path(), blob.digest))
}

pub async fn exists(
    client: &Client,
    repository: &Repository,
    blob: &Blob,
    scopes: &[String],
) -> Result<bool, Error> {
    let url = blob_url(client, repository, blob);
    let response = client
        .send(scopes, |t| t.request(Method::HEAD, url.clone()))
        .await?;
    match response.status() {
        s if s.is_success() => Ok(true),
        StatusCode::NOT_FOUND => Ok(false),
        s => check_status(s, &[], || format!("checking blob {}", blob.digest)).map(|_| false),
    }
}

/// Streams `blob` into `ingest`, resuming from what is already there, and hands it back. A
/// connection that drops mid-body is resumed from the byte it reached; the digest is checked by
/// `Ingest::commit`.
pub async fn fetch(
    client: &Client,
    repository: &Repository,
    blob: &Blob,
    ingest: Ingest,
    scopes: &[String],
    progress: &BlobProgress,
) -> Result<Ingest, Error> {
    let url = blob_url(client, repository, blob);
    progress.advance(ingest.offset());
    let mut ingest = if client.transport().direct_blob_get(&url) && ingest.offset() < blob.size {
        fetch_direct(client, url.clone(), blob, ingest, scopes, progress).await?
    } else {
        ingest
    };
    let mut attempt = 0;
    while ingest.offset() < blob.size {
        let offset = ingest.offset();
        // Redirects to object storage are followed by the transport, which drops our
        // Authorization header whenever the redirect leaves this host.
        let response = client
            .send(scopes, |t| {
                let request = t.request(Method::GET, url.clone());
                if offset > 0 {
                    request.header(RANGE, format!("bytes={offset}-"))
                } else {
                    request
                }
            })
            .await?;
        let status = response.status();
        if status == StatusCode::PARTIAL_CONTENT && !range_starts_at(&response, offset) {
            ingest.reset()?;
            progress.rewind(0);
            continue;
        }
        if status == StatusCode::OK && offset > 0 {
            // The server ignored Range: take the whole blob again.
            ingest.reset()?;
            progress.rewind(0);
        }
        if !status.is_success() {
            let body = response.bytes().await.unwrap_or_default();
            return Err(status_error(
                status,
                &body,
                format!("blob {} of {repository}", blob.digest),
            ));
        }
        let mut body = response.bytes_stream();
        let mut broken = None;
        while let Some(chunk) = body.next().await {
            match chunk {
                Ok(bytes) if ingest.offset() + bytes.len() as u64 > blob.size => {
                    // Whatever it is, it is not this blob: stop before the disk fills.
                    return Err(Error::Unexpected {
                        what: format!("blob {} of {repository}", blob.digest),
                        status: status.as_u16(),
                        detail: format!("the registry sent more than its {} bytes", blob.size),
                    });
                }
                Ok(bytes) => {
                    ingest.write(&bytes)?;
                    progress.advance(bytes.len() as u64);
                }
                Err(e) => {
                    broken = Some(e);
                    break;
                }
            }
        }
        match broken {
            None if ingest.offset() < blob.size => {
                // The body ended early without an error: treat it as a dropped connection.
                broken_connection(&mut attempt, blob, "the connection closed early").await?;
            }
            None => {}
            Some(e) => broken_connection(&mut attempt, blob, &e.to_string()).await?,
        }
    }
    Ok(ingest)
}

/// Blob bytes on their way into the store, counted as they come.
struct Receiving {
    ingest: Ingest,
    progress: BlobProgress,
}

impl Sink for Receiving {
    type Error = crate::store::Error;

    fn space(&mut self) -> &mut [u8] {
        self.ingest.space()
    }

    fn filled(&mut self, n: usize) -> Result<(), Self::Error> {
        self.ingest.received(n)?;
        self.progress.advance(n as u64);
        Ok(())
    }
}

/// The blocking-thread way (`blob_http::get`). What it leaves undone (a redirect, a refusal, a
/// broken connection), the loop of `fetch` finishes from what arrived.
async fn fetch_direct(
    client: &Client,
    url: Url,
    blob: &Blob,
    ingest: Ingest,
    scopes: &[String],
    progress: &BlobProgress,
) -> Result<Ingest, Error> {
    let offset = ingest.offset();
    let receiving = Receiving {
        ingest,
        progress: progress.clone(),
    };
    let (receiving, got) = client
        .get_into(scopes, url, offset, blob.size - offset, receiving)
        .await?;
    match got {
        Err(GetError::Sink(e)) => Err(e.into()),
        Ok(Got::Done | Got::Declined(_)) | Err(GetError::Io(_)) => Ok(receiving.ingest),
    }
}

async fn broken_connection(attempt: &mut u32, blob: &Blob, why: &str) -> Result<(), Error> {
    *attempt += 1;
    if *attempt >= retry::ATTEMPTS {
        return Err(Error::Transport(crate::transport::Error::Connect {
            host: blob.digest.to_string(),
            reason: format!(
                "downloading {} failed {} times: {why}",
                blob.digest,
                retry::ATTEMPTS
            ),
        }));
    }
    tokio::time::sleep(retry::delay(*attempt - 1, None)).await;
    Ok(())
}

fn range_starts_at(response: &Response, offset: u64) -> bool {
    response
        .headers()
        .get(CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("bytes "))
        .and_then(|v| v.split('-').next())
        .and_then(|start| start.parse::<u64>().ok())
        == Some(offset)
}

/// The config of `image`, read whole and checked against its digest.
pub async fn config(
    client: &Client,
    repository: &Repository,
    image: &Manifest,
    scopes: &[String],
) -> Result<Vec<u8>, Error> {
    let Kind::Image(manifest) = &image.kind else {
        return Err(Error::Unsupported(format!(
            "{} is an index: only an image has a config",
            image.digest
        )));
    };
    let blob = Blob {
        digest: manifest
            .config
            .digest
            .parse()
            .map_err(|_| ManifestError::BadBlobDigest {
                digest: image.digest.to_string(),
                blob: manifest.config.digest.clone(),
            })?,
        size: manifest.config.size.max(0) as u64,
        media_type: manifest.config.media_type.clone(),
    };
    let response = open(client, repository, &blob, scopes).await?;
    let bytes = capped_body(response, &|| format!("config {}", blob.digest)).await?;
    let actual = Digest::of(&bytes);
    if actual != blob.digest {
        return Err(Error::DigestMismatch {
            what: format!("config of {}", image.digest),
            expected: blob.digest,
            actual,
        });
    }
    Ok(bytes)
}

/// `GET` the blob for streaming elsewhere: the response, whose body the caller reads.
pub async fn open(
    client: &Client,
    repository: &Repository,
    blob: &Blob,
    scopes: &[String],
) -> Result<Response, Error> {
    let url = blob_url(client, repository, blob);
    let response = client
        .send(scopes, |t| t.request(Method::GET, url.clone()))
        .await?;
    let status = response.status();
    if !status.is_success() {
        let body = response.bytes().await.unwrap_or_default();
        return Err(status_error(
            status,
            &body,
            format!("blob {} of {repository}", blob.digest),
        ));
    }
    Ok(response)
}

/// Uploads `body` (a stream of exactly `blob.size` bytes, counting what it gives into `taken`)
/// in one `PUT`, to `session` or a new upload session. Sent once: a body that streams through
/// cannot be replayed.
pub async fn put_stream(
    client: &Client,
    repository: &Repository,
    blob: &Blob,
    session: Option<Url>,
    (body, taken): (reqwest::Body, &Taken),
    scopes: &[String],
) -> Result<(), Error> {
    let session = match session {
        Some(url) => url,
        None => start(client, repository, scopes).await?.url,
    };
    let request = client
        .transport()
        .upload(Method::PUT, closing(session, blob))
        .header(CONTENT_TYPE, "application/octet-stream")
        .header(CONTENT_LENGTH, blob.size)
        .body(body);
    let put = client.send_once(scopes, request);
    let response = unstalled(put, taken, blob.size, watch(client)).await?;
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    check_status(status, &body, || {
        format!("uploading {} to {repository}", blob.digest)
    })
}

/// What `unstalled` needs to know of this client: whom to blame, and how long to wait.
fn watch(client: &Client) -> (&str, std::time::Duration) {
    (
        client.transport().registry().name(),
        crate::transport::idle_timeout(),
    )
}

/// What a mount request achieved.
pub enum Mount {
    Mounted,
    /// The registry opened an upload session instead (cross-repository mount refused).
    Upload(Session),
    /// The registry refused the request itself, typically because this credential may not
    /// read `from`: the blob is uploaded the ordinary way.
    Refused,
}

/// `POST …/blobs/uploads/?mount=&from=`: 201 means the blob is now in `repository` without a
/// byte sent; 202 means upload it to the session returned. Sent once, and any other answer
/// means upload: `from` is only where the store once pulled the blob, and this credential may
/// not read it (a project made private since, another account). A token service grants
/// what it can without an error, so a fresh token would be refused the same way, and the
/// push token stays good.
pub async fn mount(
    client: &Client,
    repository: &Repository,
    blob: &Blob,
    from: &str,
    scopes: &[String],
) -> Result<Mount, Error> {
    let mut url = uploads_url(client, repository);
    url.query_pairs_mut()
        .append_pair("mount", &blob.digest.to_string())
        .append_pair("from", from);
    let request = client
        .transport()
        .request(Method::POST, url)
        .header(CONTENT_LENGTH, "0");
    let response = match client.try_once(scopes, request).await {
        Ok(response) => response,
        // The upload that takes over retries; a mount is only a shortcut.
        Err(Error::Transport(e)) if crate::transport::Transport::is_transient(&e) => {
            return Ok(Mount::Refused)
        }
        Err(e) => return Err(e),
    };
    match response.status() {
        StatusCode::CREATED => Ok(Mount::Mounted),
        StatusCode::ACCEPTED => Ok(Mount::Upload(session_of(&response)?)),
        status => {
            if client.transport().verbose() {
                eprintln!(
                    "mounting {} from {from}: {status}; uploading it",
                    blob.digest
                );
            }
            Ok(Mount::Refused)
        }
    }
}

/// An open upload session: its URL, and the smallest chunk the registry takes if it says
/// (`OCI-Chunk-Min-Length`).
pub struct Session {
    pub url: Url,
    pub min_chunk: Option<u64>,
}

/// The session a `202` to a `POST …/blobs/uploads/` opened (a new upload, or a mount the
/// registry turned into one).
fn session_of(response: &Response) -> Result<Session, Error> {
    let min_chunk = response
        .headers()
        .get("oci-chunk-min-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    Ok(Session {
        url: location(response)?,
        min_chunk,
    })
}

/// Opens an upload session.
async fn start(
    client: &Client,
    repository: &Repository,
    scopes: &[String],
) -> Result<Session, Error> {
    let url = uploads_url(client, repository);
    let response = client
        .send(scopes, |t| {
            t.request(Method::POST, url.clone())
                .header(CONTENT_LENGTH, "0")
        })
        .await?;
    let status = response.status();
    if status != StatusCode::ACCEPTED {
        let body = response.bytes().await.unwrap_or_default();
        return Err(status_error(
            status,
            &body,
            format!("starting an upload to {repository}"),
        ));
    }
    session_of(&response)
}

fn uploads_url(client: &Client, repository: &Repository) -> Url {
    client
        .transport()
        .url(&format!("v2/{}/blobs/uploads/", repository.path()))
}

fn location(response: &Response) -> Result<Url, Error> {
    location_in(response.url(), response.headers()).ok_or_else(|| Error::Unexpected {
        what: "an upload session".into(),
        status: response.status().as_u16(),
        detail: "the registry sent no usable Location".into(),
    })
}

/// The `Location` of an answer to a request for `url`, which it may give relative to that.
fn location_in(url: &Url, headers: &HeaderMap) -> Option<Url> {
    let location = headers.get(LOCATION)?.to_str().ok()?;
    url.join(location).ok()
}

/// Where an upload's bytes come from and how they go.
pub struct Upload<'a> {
    pub path: &'a Path,
    /// An upload session already open (a mount the registry answered with 202).
    pub session: Option<Session>,
    /// `PATCH` chunks of this size instead of one `PUT`.
    pub chunk_size: Option<u64>,
}

/// Uploads the file as `blob`: one streaming `PUT`, or `PATCH` chunks of `chunk_size` (raised
/// to the registry's `OCI-Chunk-Min-Length`) and a closing `PUT`.
///
/// A request carrying bytes of the session that fails in a way worth another attempt is not
/// made again there (see `Client::send_in_session`): the blob is looked for, since the registry
/// may have committed it before its answer was lost, and otherwise sent again from a new
/// session, within the retry budget.
pub async fn upload(
    client: &Client,
    repository: &Repository,
    blob: &Blob,
    mut upload: Upload<'_>,
    scopes: &[String],
    progress: &BlobProgress,
) -> Result<(), Error> {
    let mut session = upload.session.take();
    let mut attempt = 0;
    loop {
        let lost = match upload_once(
            client,
            repository,
            blob,
            &upload,
            session.take(),
            scopes,
            progress,
        )
        .await?
        {
            Sent::Done => return Ok(()),
            Sent::SessionLost(e) => e,
        };
        attempt += 1;
        if attempt >= retry::ATTEMPTS {
            return Err(lost);
        }
        if client.transport().verbose() {
            eprintln!("{lost}; sending {} again in a new session", blob.digest);
        }
        tokio::time::sleep(retry::delay(attempt - 1, None)).await;
        if exists(client, repository, blob, scopes).await? {
            return Ok(());
        }
    }
}

/// How one attempt at an upload ended, short of an error that ends the push.
enum Sent {
    Done,
    /// A request in the session failed in a way worth another attempt, in a new session.
    SessionLost(Error),
}

/// One attempt: in `session` when given (a mount answered with one), else in a new one.
async fn upload_once(
    client: &Client,
    repository: &Repository,
    blob: &Blob,
    upload: &Upload<'_>,
    session: Option<Session>,
    scopes: &[String],
    progress: &BlobProgress,
) -> Result<Sent, Error> {
    let path = upload.path;
    let what = || format!("uploading {} to {repository}", blob.digest);
    let Session {
        url: mut session,
        min_chunk,
    } = match session {
        Some(session) => session,
        None if upload.chunk_size.is_none() && blob.size > 0 => {
            match open_and_put(client, repository, blob, path, scopes, progress).await? {
                Direct::Uploaded => return Ok(Sent::Done),
                Direct::Session(url) => Session {
                    url,
                    min_chunk: None,
                },
                Direct::Ordinary => start(client, repository, scopes).await?,
            }
        }
        None => start(client, repository, scopes).await?,
    };
    let chunk = upload
        .chunk_size
        .map(|c| c.max(min_chunk.unwrap_or(0)).max(1));
    let mut offset = 0;
    if let Some(chunk) = chunk {
        while offset < blob.size {
            let len = chunk.min(blob.size - offset);
            let url = session.clone();
            let taken = Taken::default();
            let patch = client.send_in_session(scopes, |t| {
                t.upload(Method::PATCH, url.clone())
                    .header(CONTENT_TYPE, "application/octet-stream")
                    .header(CONTENT_RANGE, format!("{offset}-{}", offset + len - 1))
                    .header(CONTENT_LENGTH, len)
                    .body(file_body(path, (offset, len), progress, &taken))
            });
            let sent = unstalled(patch, &taken, len, watch(client)).await;
            let response = match answered(sent, StatusCode::ACCEPTED, &what).await? {
                Ok(response) => response,
                Err(lost) => return Ok(Sent::SessionLost(lost)),
            };
            session = location(&response)?;
            offset += len;
        }
    }
    let mut url = closing(session, blob);
    let remaining = blob.size - offset;
    // Over plain HTTP the kernel sends a whole blob itself, as Go's client does for crane and
    // oras. When that fails, the ordinary way takes a new session: the failed attempt may
    // have left bytes in this one.
    if offset == 0
        && remaining > 0
        && url.scheme() == "http"
        && client.transport().direct_blob_http(&url)
    {
        let body = FileRange {
            path: path.to_path_buf(),
            offset: 0,
            len: remaining,
        };
        progress.rewind(0);
        let ticks = progress.clone();
        let sent = move |n| ticks.advance(n);
        if let Some(response) = client
            .put_file(scopes, url.clone(), octet_stream(), body, sent)
            .await?
        {
            let status = response.status();
            let body = response.bytes().await.unwrap_or_default();
            return check_status(status, &body, what).map(|()| Sent::Done);
        }
        url = closing(start(client, repository, scopes).await?.url, blob);
    }
    let taken = Taken::default();
    let put = client.send_in_session(scopes, |t| {
        let request = t
            .upload(Method::PUT, url.clone())
            .header(CONTENT_TYPE, "application/octet-stream")
            .header(CONTENT_LENGTH, remaining);
        if remaining > 0 {
            request.body(file_body(path, (offset, remaining), progress, &taken))
        } else {
            request
        }
    });
    let sent = unstalled(put, &taken, remaining, watch(client)).await;
    Ok(match answered(sent, StatusCode::CREATED, &what).await? {
        Ok(_) => Sent::Done,
        Err(lost) => Sent::SessionLost(lost),
    })
}

/// The answer to a request in an upload session when it is `expected` (or, for `201`, any
/// success); `Err` inside when the session is lost to a failure worth another attempt: a
/// broken connection, 5xx or 429, or a 404 for a session the registry no longer knows.
async fn answered(
    sent: Result<Response, Error>,
    expected: StatusCode,
    what: &dyn Fn() -> String,
) -> Result<Result<Response, Error>, Error> {
    let response = match sent {
        Ok(response) => response,
        Err(Error::Transport(e)) if crate::transport::Transport::is_transient(&e) => {
            return Ok(Err(Error::Transport(e)))
        }
        Err(e) => return Err(e),
    };
    let status = response.status();
    let fits = status == expected || (expected == StatusCode::CREATED && status.is_success());
    if fits {
        return Ok(Ok(response));
    }
    let body = response.bytes().await.unwrap_or_default();
    let error = status_error(status, &body, what());
    if retry::retryable_status(status) || status == StatusCode::NOT_FOUND {
        Ok(Err(error))
    } else {
        Err(error)
    }
}

/// What `open_and_put` achieved.
enum Direct {
    /// The blob is in the registry.
    Uploaded,
    /// A session is open; the blob goes on a connection of its own.
    Session(Url),
    /// Nothing: the ordinary way opens a session of its own.
    Ordinary,
}

/// Over plain HTTP, opens the session and sends the whole blob on one connection, its body
/// handed to the kernel (see `blob_http::post_then_put` for why one connection).
async fn open_and_put(
    client: &Client,
    repository: &Repository,
    blob: &Blob,
    path: &Path,
    scopes: &[String],
    progress: &BlobProgress,
) -> Result<Direct, Error> {
    let post_url = uploads_url(client, repository);
    if post_url.scheme() != "http" || !client.transport().direct_blob_http(&post_url) {
        return Ok(Direct::Ordinary);
    }
    let base = post_url.clone();
    let digest_of = blob.clone();
    let put_url = move |post: &http::Response<bytes::Bytes>| {
        let session = location_in(&base, post.headers())?;
        (post.status() == StatusCode::ACCEPTED).then(|| closing(session, &digest_of))
    };
    let body = FileRange {
        path: path.to_path_buf(),
        offset: 0,
        len: blob.size,
    };
    progress.rewind(0);
    let ticks = progress.clone();
    let sent = move |n| ticks.advance(n);
    let made = client
        .post_then_put_file(
            scopes,
            post_url.clone(),
            octet_stream(),
            put_url,
            body,
            sent,
        )
        .await?;
    match made {
        Some((_, Some(put))) => {
            let status = put.status();
            let body = put.bytes().await.unwrap_or_default();
            check_status(status, &body, || {
                format!("uploading {} to {repository}", blob.digest)
            })?;
            Ok(Direct::Uploaded)
        }
        Some((post, None)) if post.status() == StatusCode::ACCEPTED => {
            Ok(location_in(&post_url, post.headers()).map_or(Direct::Ordinary, Direct::Session))
        }
        _ => Ok(Direct::Ordinary),
    }
}

fn octet_stream() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers
}

/// The session URL of the `PUT` that completes an upload.
fn closing(mut session: Url, blob: &Blob) -> Url {
    session
        .query_pairs_mut()
        .append_pair("digest", &blob.digest.to_string());
    session
}

/// `len` bytes of the file from `offset`, read as the request goes out. One blocking thread per
/// body reads the file straight into the buffers handed to the connection: `tokio::fs` would hop
/// to the blocking pool for every read and copy every buffer once more (profiled: half of a
/// push's CPU went to that hop, the copy and the page faults of its buffers).
///
/// Progress moves as the body is taken by the connection; a retried request starts the bar
/// again from `offset`.
fn file_body(
    path: &Path,
    (offset, len): (u64, u64),
    progress: &BlobProgress,
    taken: &Taken,
) -> reqwest::Body {
    progress.rewind(offset);
    let progress = progress.clone();
    let taken = taken.clone();
    let (chunks, queue) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(READ_QUEUE);
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        if let Err(e) = read_chunks(&path, offset, len, &chunks) {
            let _ = chunks.blocking_send(Err(e));
        }
    });
    let stream = futures_util::stream::unfold(queue, |mut queue| async move {
        queue.recv().await.map(|chunk| (chunk, queue))
    })
    .inspect(move |chunk| {
        if let Ok(bytes) = chunk {
            progress.advance(bytes.len() as u64);
            taken.add(bytes.len() as u64);
        }
    });
    reqwest::Body::wrap_stream(stream)
}

/// Sends the file's bytes in `READ_CHUNK` pieces until `len` are sent or the body is dropped.
fn read_chunks(
    path: &Path,
    offset: u64,
    len: u64,
    chunks: &tokio::sync::mpsc::Sender<std::io::Result<Vec<u8>>>,
) -> std::io::Result<()> {
    use std::io::{Read, Seek};
    let mut file = std::fs::File::open(path)?;
    file.seek(std::io::SeekFrom::Start(offset))?;
    let mut left = len;
    while left > 0 {
        let want = (READ_CHUNK as u64).min(left);
        let mut chunk = Vec::with_capacity(want as usize);
        (&mut file).take(want).read_to_end(&mut chunk)?;
        if chunk.is_empty() {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        left -= chunk.len() as u64;
        if chunks.blocking_send(Ok(chunk)).is_err() {
            return Ok(()); // the request was dropped: nobody reads on
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::session_of;

    #[test]
    fn a_session_keeps_the_smallest_chunk_the_registry_takes() {
        // As a 202 to a mount the registry turned into an upload may say it.
        let answer = http::Response::builder()
            .status(202)
            .header(
                "location",
                "https://r.example/v2/app/blobs/uploads/abc?_state=x",
            )
            .header("oci-chunk-min-length", "5242880")
            .body("")
            .unwrap();
        let session = session_of(&reqwest::Response::from(answer)).unwrap();
        assert_eq!(
            session.url.as_str(),
            "https://r.example/v2/app/blobs/uploads/abc?_state=x"
        );
        assert_eq!(session.min_chunk, Some(5 << 20));
    }
}
