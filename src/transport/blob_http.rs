//! Blob bodies beside reqwest, on blocking threads: a `GET` whose body is read straight into
//! the caller's sink (plain HTTP or TLS, with the transport's rustls configuration), and, over
//! plain HTTP, a `PUT` whose body is part of a file, handed to the kernel with `sendfile(2)`.
//!
//! Why beside reqwest: its bodies are buffers passed between tasks. A download arrives in
//! chunks handed from hyper's connection task to ours, a wake-up each, and is copied once more
//! into the buffer bound for the disk; read on a thread of its own, straight into that buffer,
//! a 512 MiB pull takes 15% less time and CPU. An upload through reqwest reads every byte into
//! our memory and writes it out again, where Go's HTTP client gives a file to the kernel (which
//! is why crane and oras pushed with half our CPU); over TLS the bytes must pass through rustls
//! anyway, so uploads take this path over plain HTTP only.
//!
//! Each download, and each upload with the `POST` that opens its session, has an HTTP/1.1
//! connection of its own that closes after the body (`Connection: close`), built here and read
//! with `httparse`. Anything unusual (a redirect, a refusal, a chunked blob, a broken
//! connection, a failed handshake) sends the caller back to the ordinary way, which knows how
//! to handle it and how to explain it.

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;

/// The part of a file that is the body.
pub struct FileRange {
    pub path: PathBuf,
    pub offset: u64,
    pub len: u64,
}

/// Bytes handed to the kernel per call: progress moves this often.
const STEP: usize = 1 << 20;
/// A response head larger than this is not a registry's.
const MAX_HEAD: usize = 64 << 10;
/// Answers to a blob upload are short; an error body beyond this is cut.
const MAX_BODY: usize = 1 << 20;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends `PUT url` with `headers` and the file range as body; `sent` hears of every step.
pub fn put(
    url: &Url,
    headers: &HeaderMap,
    body: &FileRange,
    sent: impl Fn(u64),
) -> io::Result<http::Response<Bytes>> {
    put_over(&mut connect(url)?, url, headers, body, sent)
}

/// What came of `post_then_put`.
pub struct Opened {
    /// The answer to the `POST`.
    pub post: http::Response<Bytes>,
    /// The `PUT` made on the same connection, and its answer: `None` when `put_url` gave no
    /// URL, the URL is on another origin, or the answer to the `POST` closed the connection.
    pub put: Option<(Url, http::Response<Bytes>)>,
}

/// Sends `POST post_url` (no body) with `headers` to open an upload session, then, on the same
/// connection, `PUT`s the file range to the URL that `put_url` makes of the answer.
///
/// Why one connection: Linux sends segments of at most half the largest window the receiver
/// has offered, and a receiver whose connection starts with a long body keeps its window small
/// (distribution on Linux: 47 KiB segments, each a wake-up of the registry). After one request
/// and answer the window grows and the segments are full (64 KiB): against distribution on two
/// cores that took 5% off a 512 MiB push, and the registry spent 6% less CPU on it.
pub fn post_then_put(
    post_url: &Url,
    headers: &HeaderMap,
    put_url: impl FnOnce(&http::Response<Bytes>) -> Option<Url>,
    body: &FileRange,
    sent: impl Fn(u64),
) -> io::Result<Opened> {
    let mut stream = connect(post_url)?;
    let post_head = head("POST", post_url, headers, "Content-Length: 0\r\n", false);
    stream.write_all(&post_head)?;
    let (post, reusable) = read_answer(&mut stream)?;
    let put = match put_url(&post) {
        Some(url) if reusable && url.origin() == post_url.origin() => {
            let answer = put_over(&mut stream, &url, headers, body, sent)?;
            Some((url, answer))
        }
        _ => None,
    };
    Ok(Opened { post, put })
}

fn put_over(
    stream: &mut TcpStream,
    url: &Url,
    headers: &HeaderMap,
    body: &FileRange,
    sent: impl Fn(u64),
) -> io::Result<http::Response<Bytes>> {
    let length = format!("Content-Length: {}\r\n", body.len);
    stream.write_all(&head("PUT", url, headers, &length, true))?;
    send_file(stream, body, sent)?;
    read_response(stream)
}

/// Where a blob's bytes go as `get` receives them: reads land straight in the sink's buffer.
pub trait Sink: Send + 'static {
    type Error: Send + 'static;
    /// Where the next bytes may be read to (never empty).
    fn space(&mut self) -> &mut [u8];
    /// The first `n` bytes of `space` now hold data.
    fn filled(&mut self, n: usize) -> Result<(), Self::Error>;
}

/// What became of a `GET`.
pub enum Got {
    /// All `len` bytes went to the sink.
    Done,
    /// Not an answer this path takes (a redirect, a refusal, a body of unknown length, a range
    /// not asked for): the response head, for the caller to go the ordinary way.
    Declined(http::Response<Bytes>),
}

#[derive(Debug)]
pub enum GetError<E> {
    /// The sink refused the bytes.
    Sink(E),
    /// The connection failed; the sink has what arrived before.
    Io(io::Error),
}

impl<E> From<io::Error> for GetError<E> {
    fn from(e: io::Error) -> Self {
        GetError::Io(e)
    }
}

/// `GET url` for the `len` bytes from `offset` on (a `Range` request unless `offset` is 0),
/// read into `sink` as they arrive.
pub fn get<S: Sink>(
    url: &Url,
    headers: &HeaderMap,
    offset: u64,
    len: u64,
    sink: &mut S,
    tls: &Arc<rustls::ClientConfig>,
) -> Result<Got, GetError<S::Error>> {
    let tcp = connect(url)?;
    if url.scheme() != "https" {
        return get_over(tcp, url, headers, offset, len, sink);
    }
    let host = url.host_str().unwrap_or_default();
    let name = rustls::pki_types::ServerName::try_from(host.trim_matches(['[', ']']).to_string())
        .map_err(io::Error::other)?;
    let connection = rustls::ClientConnection::new(tls.clone(), name).map_err(io::Error::other)?;
    get_over(
        rustls::StreamOwned::new(connection, tcp),
        url,
        headers,
        offset,
        len,
        sink,
    )
}

fn get_over<S: Sink>(
    mut stream: impl Read + Write,
    url: &Url,
    headers: &HeaderMap,
    offset: u64,
    len: u64,
    sink: &mut S,
) -> Result<Got, GetError<S::Error>> {
    let range = match offset {
        0 => String::new(),
        _ => format!("Range: bytes={offset}-\r\n"),
    };
    stream.write_all(&head("GET", url, headers, &range, true))?;
    let (response, first) = read_head(&mut stream)?;
    if !takes(&response, offset, len) {
        return Ok(Got::Declined(response));
    }
    if first.len() as u64 > len {
        return Err(GetError::Io(invalid("more bytes than Content-Length")));
    }
    let mut left = len - first.len() as u64;
    // What came with the head is copied; the rest is read where it belongs.
    let mut rest = &first[..];
    while !rest.is_empty() {
        let space = sink.space();
        let n = space.len().min(rest.len());
        space[..n].copy_from_slice(&rest[..n]);
        sink.filled(n).map_err(GetError::Sink)?;
        rest = &rest[n..];
    }
    while left > 0 {
        let space = sink.space();
        let want = space.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = stream.read(&mut space[..want])?;
        if n == 0 {
            return Err(GetError::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        sink.filled(n).map_err(GetError::Sink)?;
        left -= n as u64;
    }
    Ok(Got::Done)
}

/// A plain `200` for the whole blob, or a `206` starting where we asked, of the length left.
fn takes(response: &http::Response<Bytes>, offset: u64, len: u64) -> bool {
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let status_fits = match (offset, response.status().as_u16()) {
        (0, 200) => true,
        (_, 206) => {
            header(reqwest::header::CONTENT_RANGE)
                .and_then(|v| v.strip_prefix("bytes "))
                .and_then(|v| v.split('-').next())
                .and_then(|start| start.parse::<u64>().ok())
                == Some(offset)
        }
        _ => false,
    };
    status_fits
        && header(reqwest::header::TRANSFER_ENCODING).is_none()
        && header(reqwest::header::CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok()) == Some(len)
}

fn connect(url: &Url) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "the host has no address");
    for addr in url.socket_addrs(|| Some(80))? {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(stream) => {
                // The head must not wait for an ACK (Nagle), as with every client of ours.
                stream.set_nodelay(true)?;
                // A peer that stops reading or answering fails the request (see idle_timeout).
                stream.set_read_timeout(Some(super::idle_timeout()))?;
                stream.set_write_timeout(Some(super::idle_timeout()))?;
                return Ok(stream);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// The request head: `extra` holds header lines of the request's own; `close` asks the server
/// to close the connection after its answer.
fn head(method: &str, url: &Url, headers: &HeaderMap, extra: &str, close: bool) -> Vec<u8> {
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    };
    let target = &url[url::Position::BeforePath..url::Position::AfterQuery];
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\n").into_bytes();
    for (name, value) in headers {
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(extra.as_bytes());
    if close {
        head.extend_from_slice(b"Connection: close\r\n");
    }
    head.extend_from_slice(b"\r\n");
    head
}

#[cfg(target_os = "linux")]
fn send_file(stream: &TcpStream, body: &FileRange, sent: impl Fn(u64)) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let file = File::open(&body.path)?;
    let mut offset = libc::off_t::try_from(body.offset).map_err(io::Error::other)?;
    let mut left = body.len;
    while left > 0 {
        let step = left.min(STEP as u64) as usize;
        // SAFETY: both descriptors are open for the duration of the call, and `offset` is a
        // valid off_t the kernel advances; no other memory is passed.
        let n = unsafe { libc::sendfile(stream.as_raw_fd(), file.as_raw_fd(), &mut offset, step) };
        match n {
            n if n > 0 => {
                left -= n as u64;
                sent(n as u64);
            }
            0 => return Err(io::ErrorKind::UnexpectedEof.into()), // the file is shorter
            _ => {
                let err = io::Error::last_os_error();
                if err.kind() != io::ErrorKind::Interrupted {
                    return Err(err);
                }
            }
        }
    }
    Ok(())
}

/// Without `sendfile(2)`: the same request, read and written in user space.
#[cfg(not(target_os = "linux"))]
fn send_file(mut stream: &TcpStream, body: &FileRange, sent: impl Fn(u64)) -> io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut file = File::open(&body.path)?;
    file.seek(SeekFrom::Start(body.offset))?;
    let mut left = body.len;
    let mut buf = vec![0u8; STEP];
    while left > 0 {
        let want = left.min(STEP as u64) as usize;
        file.read_exact(&mut buf[..want])?;
        stream.write_all(&buf[..want])?;
        left -= want as u64;
        sent(want as u64);
    }
    Ok(())
}

fn read_response(stream: &mut impl Read) -> io::Result<http::Response<Bytes>> {
    read_answer(stream).map(|(response, _)| response)
}

/// The response, and whether the connection may carry another request: an HTTP/1.1 answer
/// that did not ask to close, whose body ended exactly where its length said.
fn read_answer(stream: &mut impl Read) -> io::Result<(http::Response<Bytes>, bool)> {
    let (mut response, rest) = read_head(stream)?;
    let headers = response.headers();
    let chunked = headers
        .get(reqwest::header::TRANSFER_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = headers
        .get(reqwest::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    let closes = headers
        .get(reqwest::header::CONNECTION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case("close")));
    let no_body = matches!(response.status().as_u16(), 204 | 304);
    let open = response.version() == http::Version::HTTP_11 && !closes;
    let (body, reusable) = if no_body {
        let reusable = open && rest.is_empty();
        (Vec::new(), reusable)
    } else if chunked {
        (read_chunked(stream, rest)?, false)
    } else {
        let exact = length.is_some_and(|n| n <= MAX_BODY && rest.len() <= n);
        let body = read_until(stream, rest, length)?;
        let reusable = open && exact && Some(body.len()) == length;
        (body, reusable)
    };
    *response.body_mut() = Bytes::from(body);
    Ok((response, reusable))
}

/// The response head (with an empty body) and the bytes read past it.
fn read_head(stream: &mut impl Read) -> io::Result<(http::Response<Bytes>, Vec<u8>)> {
    let mut data = Vec::with_capacity(4096);
    loop {
        match parse_head(&data)? {
            Some((len, response)) => {
                let rest = data.split_off(len);
                // An interim answer (`100 Continue` and the like) may precede the real one.
                let status = response.status();
                if status.is_informational() && status != http::StatusCode::SWITCHING_PROTOCOLS {
                    data = rest;
                    continue;
                }
                return Ok((response, rest));
            }
            None if data.len() > MAX_HEAD => return Err(invalid("the response head is too large")),
            None => {
                if read_more(stream, &mut data)? == 0 {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the registry closed the connection without an answer",
                    ));
                }
            }
        }
    }
}

/// A complete response head at the start of `data`: its length and the response.
fn parse_head(data: &[u8]) -> io::Result<Option<(usize, http::Response<Bytes>)>> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Response::new(&mut headers);
    match parsed.parse(data).map_err(invalid)? {
        httparse::Status::Complete(len) => Ok(Some((len, to_http(&parsed)?))),
        httparse::Status::Partial => Ok(None),
    }
}

fn to_http(parsed: &httparse::Response) -> io::Result<http::Response<Bytes>> {
    let mut response = http::Response::new(Bytes::new());
    *response.status_mut() =
        http::StatusCode::from_u16(parsed.code.unwrap_or(0)).map_err(invalid)?;
    *response.version_mut() = match parsed.version {
        Some(1) => http::Version::HTTP_11,
        _ => http::Version::HTTP_10,
    };
    for header in parsed.headers.iter() {
        let name = HeaderName::from_bytes(header.name.as_bytes()).map_err(invalid)?;
        let value = HeaderValue::from_bytes(header.value).map_err(invalid)?;
        response.headers_mut().append(name, value);
    }
    Ok(response)
}

/// The body up to `length`, or to the end of the connection; at most `MAX_BODY`.
fn read_until(
    stream: &mut impl Read,
    mut body: Vec<u8>,
    length: Option<usize>,
) -> io::Result<Vec<u8>> {
    let want = length.unwrap_or(usize::MAX).min(MAX_BODY);
    while body.len() < want && read_more(stream, &mut body)? > 0 {}
    body.truncate(want);
    Ok(body)
}

fn read_chunked(stream: &mut impl Read, mut data: Vec<u8>) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        match httparse::parse_chunk_size(&data[at..]).map_err(|_| invalid("bad chunk size"))? {
            httparse::Status::Complete((_, 0)) => return Ok(body),
            httparse::Status::Complete((_, size)) if size > MAX_BODY as u64 => {
                return Err(invalid("a chunk larger than any answer to an upload"))
            }
            httparse::Status::Complete((skip, size)) => {
                let start = at + skip;
                let end = start + size as usize + 2; // the chunk and its CRLF
                while data.len() < end {
                    if read_more(stream, &mut data)? == 0 {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                }
                body.extend_from_slice(&data[start..end - 2]);
                if body.len() > MAX_BODY {
                    body.truncate(MAX_BODY);
                    return Ok(body);
                }
                at = end;
            }
            httparse::Status::Partial => {
                if read_more(stream, &mut data)? == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
            }
        }
    }
}

fn read_more(stream: &mut impl Read, data: &mut Vec<u8>) -> io::Result<usize> {
    let mut buf = [0u8; 8192];
    let n = stream.read(&mut buf)?;
    data.extend_from_slice(&buf[..n]);
    Ok(n)
}

fn invalid(err: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("unreadable HTTP response: {err}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    /// Serves one request: returns what arrived (head, body) and answers with `reply`.
    fn serve_once(reply: &'static [u8]) -> (Url, std::thread::JoinHandle<(String, Vec<u8>)>) {
        let (url, server) = serve(vec![reply]);
        (
            url,
            std::thread::spawn(move || server.join().unwrap().remove(0)),
        )
    }

    /// Each request that arrived: its head and its body.
    type Arrived = Vec<(String, Vec<u8>)>;

    /// Serves requests on one connection, answering the n-th with `replies[n]`: what arrived.
    fn serve(replies: Vec<&'static [u8]>) -> (Url, std::thread::JoinHandle<Arrived>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let url = Url::parse(&format!(
            "http://127.0.0.1:{port}/v2/r/blobs/uploads/abc?digest=sha256%3A00"
        ))
        .unwrap();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut data = Vec::new();
            let mut arrived = Vec::new();
            for reply in replies {
                while !data.windows(4).any(|w| w == b"\r\n\r\n") {
                    if read_more(&mut conn, &mut data).unwrap() == 0 {
                        return arrived;
                    }
                }
                let end = data.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                let head = String::from_utf8(data[..end].to_vec()).unwrap();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .map_or(0, |l| l.parse().unwrap());
                let mut body = data.split_off(end);
                while body.len() < length {
                    assert!(read_more(&mut conn, &mut body).unwrap() > 0);
                }
                data = body.split_off(length);
                conn.write_all(reply).unwrap();
                arrived.push((head, body));
            }
            arrived
        });
        (url, server)
    }

    fn file_of(len: usize) -> (tempfile::NamedTempFile, Vec<u8>) {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&bytes).unwrap();
        (file, bytes)
    }

    #[test]
    fn the_request_carries_its_head_and_exactly_the_file_range() {
        let (file, bytes) = file_of(3 << 20);
        let (url, server) = serve_once(
            b"HTTP/1.1 201 Created\r\nLocation: /v2/r/blobs/x\r\nContent-Length: 0\r\n\r\n",
        );
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Bearer t0ken"));
        let range = FileRange {
            path: file.path().to_path_buf(),
            offset: 1000,
            len: (2 << 20) + 5,
        };
        let sent = Arc::new(AtomicU64::new(0));
        let counter = sent.clone();
        let response = put(&url, &headers, &range, move |n| {
            counter.fetch_add(n, Ordering::Relaxed);
        })
        .unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(response.headers()["location"], "/v2/r/blobs/x");
        let (head, body) = server.join().unwrap();
        let port = url.port().unwrap();
        assert!(
            head.starts_with(&format!(
                "PUT /v2/r/blobs/uploads/abc?digest=sha256%3A00 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            )),
            "{head}"
        );
        assert!(head.contains("authorization: Bearer t0ken\r\n"), "{head}");
        assert!(head.contains("Connection: close\r\n"), "{head}");
        assert_eq!(body, &bytes[1000..1000 + (2 << 20) + 5]);
        assert_eq!(sent.load(Ordering::Relaxed), (2 << 20) + 5);
    }

    /// `post_then_put` of a small file to a server answering the `POST` with `post_reply`
    /// and anything after it with a 201: the outcome and what arrived.
    fn post_then_put_answered(post_reply: &'static [u8]) -> (Opened, Arrived) {
        let (file, _) = file_of(10);
        let (url, server) = serve(vec![
            post_reply,
            b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
        ]);
        let range = FileRange {
            path: file.path().to_path_buf(),
            offset: 0,
            len: 10,
        };
        let put_url = |post: &http::Response<Bytes>| {
            let location = post.headers().get("location")?.to_str().ok()?;
            let mut url = url.join(location).ok()?;
            url.query_pairs_mut().append_pair("digest", "sha256:00");
            Some(url)
        };
        let opened = post_then_put(&url, &HeaderMap::new(), put_url, &range, |_| {}).unwrap();
        (opened, server.join().unwrap())
    }

    #[test]
    fn the_session_is_opened_on_the_connection_that_carries_the_body() {
        let (opened, arrived) = post_then_put_answered(
            b"HTTP/1.1 202 Accepted\r\nLocation: /v2/r/blobs/uploads/s1?_state=x\r\nContent-Length: 0\r\n\r\n",
        );
        assert_eq!(opened.post.status(), 202);
        let (url, answer) = opened.put.expect("the PUT was made");
        assert_eq!(answer.status(), 201);
        assert_eq!(url.path(), "/v2/r/blobs/uploads/s1");
        assert_eq!(arrived.len(), 2, "both requests on one connection");
        let (post, _) = &arrived[0];
        assert!(
            post.starts_with("POST /v2/r/blobs/uploads/abc?digest="),
            "{post}"
        );
        assert!(post.contains("Content-Length: 0\r\n"), "{post}");
        assert!(!post.contains("Connection: close"), "{post}");
        let (put, body) = &arrived[1];
        assert!(
            put.starts_with("PUT /v2/r/blobs/uploads/s1?_state=x&digest=sha256%3A00 HTTP/1.1\r\n"),
            "{put}"
        );
        assert!(put.contains("Connection: close\r\n"), "{put}");
        assert_eq!(body.len(), 10);
    }

    #[test]
    fn the_body_waits_for_a_connection_of_its_own_when_this_one_cannot_carry_it() {
        for post_reply in [
            // The registry closes the connection after its answer.
            &b"HTTP/1.1 202 Accepted\r\nLocation: /v2/r/blobs/uploads/s1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"[..],
            // HTTP/1.0 closes unless asked otherwise.
            b"HTTP/1.0 202 Accepted\r\nLocation: /v2/r/blobs/uploads/s1\r\nContent-Length: 0\r\n\r\n",
            // The session is on another origin.
            b"HTTP/1.1 202 Accepted\r\nLocation: http://uploads.example/s1\r\nContent-Length: 0\r\n\r\n",
            // No session: the answer is the caller's to explain.
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}",
            // A body longer than its length says: the connection's state is unknown.
            b"HTTP/1.1 202 Accepted\r\nLocation: /v2/r/blobs/uploads/s1\r\nContent-Length: 0\r\n\r\nextra",
        ] {
            let (opened, arrived) = post_then_put_answered(post_reply);
            assert!(opened.put.is_none(), "{}", String::from_utf8_lossy(post_reply));
            assert_eq!(arrived.len(), 1);
        }
    }

    /// `put` of a small file to a server that answers `reply`.
    fn put_answered(reply: &'static [u8]) -> io::Result<http::Response<Bytes>> {
        let (file, _) = file_of(10);
        let (url, server) = serve_once(reply);
        let range = FileRange {
            path: file.path().to_path_buf(),
            offset: 0,
            len: 10,
        };
        let response = put(&url, &HeaderMap::new(), &range, |_| {});
        server.join().unwrap();
        response
    }

    #[test]
    fn a_chunked_answer_is_read_whole() {
        let response = put_answered(
            b"HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(response.status(), 400);
        assert_eq!(response.body().as_ref(), b"hello world");
    }

    #[test]
    fn an_interim_answer_is_passed_over() {
        let response = put_answered(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(response.status(), 201);
    }

    #[test]
    fn a_connection_closed_without_an_answer_is_an_error() {
        let err = put_answered(b"").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{err}");
    }

    /// `get` of `len` bytes from `offset` against a server that answers `reply`: the outcome,
    /// what the sink received, and the request head.
    fn get_from(
        reply: &'static [u8],
        offset: u64,
        len: u64,
    ) -> (Result<Got, GetError<()>>, Vec<u8>, String) {
        let (url, server) = serve_once(reply);
        let mut sink = Collect::default();
        crate::transport::tls::ensure_crypto_provider();
        let unused = rustls::ClientConfig::builder()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
        let got = get(
            &url,
            &HeaderMap::new(),
            offset,
            len,
            &mut sink,
            &Arc::new(unused),
        );
        let (head, _) = server.join().unwrap();
        (got, sink.received, head)
    }

    /// Keeps what it receives, through a small buffer so that reads come in several pieces.
    #[derive(Default)]
    struct Collect {
        buf: [u8; 3],
        received: Vec<u8>,
    }

    impl Sink for Collect {
        type Error = ();

        fn space(&mut self) -> &mut [u8] {
            &mut self.buf
        }

        fn filled(&mut self, n: usize) -> Result<(), ()> {
            self.received.extend_from_slice(&self.buf[..n]);
            Ok(())
        }
    }

    #[test]
    fn a_whole_blob_goes_to_the_sink() {
        let (got, received, head) = get_from(
            b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world",
            0,
            11,
        );
        assert!(matches!(got, Ok(Got::Done)));
        assert_eq!(received, b"hello world");
        assert!(head.starts_with("GET /v2/r/blobs/uploads/abc?digest=sha256%3A00 HTTP/1.1\r\n"));
        assert!(!head.to_ascii_lowercase().contains("range"), "{head}");
    }

    #[test]
    fn a_resumed_blob_asks_for_the_rest_and_checks_where_it_starts() {
        let (got, received, head) = get_from(
            b"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 6-10/11\r\nContent-Length: 5\r\n\r\nworld",
            6,
            5,
        );
        assert!(matches!(got, Ok(Got::Done)));
        assert_eq!(received, b"world");
        assert!(head.contains("Range: bytes=6-\r\n"), "{head}");

        let (got, received, _) = get_from(
            b"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-10/11\r\nContent-Length: 11\r\n\r\nhello world",
            6,
            5,
        );
        assert!(matches!(got, Ok(Got::Declined(_))));
        assert!(received.is_empty());
    }

    #[test]
    fn answers_for_the_ordinary_way_are_declined_untouched() {
        for reply in [
            &b"HTTP/1.1 307 Temporary Redirect\r\nLocation: https://storage.example/blob\r\nContent-Length: 0\r\n\r\n"[..],
            b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm=\"x\"\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nhell",
        ] {
            let (got, received, _) = get_from(reply, 0, 5);
            assert!(matches!(got, Ok(Got::Declined(_))), "{}", String::from_utf8_lossy(reply));
            assert!(received.is_empty());
        }
    }

    #[test]
    fn a_body_cut_short_is_an_io_error_after_what_arrived() {
        let (got, received, _) =
            get_from(b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello", 0, 11);
        assert!(
            matches!(got, Err(GetError::Io(ref e)) if e.kind() == io::ErrorKind::UnexpectedEof)
        );
        assert_eq!(received, b"hello");
    }
}
