//! A TCP proxy in front of a registry that injects faults into what the registry sends back:
//! drop the connection, stall or pause after N bytes, or close new connections at once; or stop
//! taking (or drop) what the client sends. Faults apply
//! to the first `times` connections that reach the limit; the proxy then passes traffic
//! untouched.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// Close both directions once this many response bytes went through on a connection.
    DropAfter(usize),
    /// Stop forwarding (but keep the connection open) after this many response bytes.
    StallAfter(usize),
    /// Hold the rest of the response back for a while after this many bytes, then go on.
    PauseAfter(usize, Duration),
    /// Answer a connection's first request with this status, `Retry-After: 1` and
    /// `Connection: close`, instead of passing it on.
    Status(u16),
    /// Close both directions once this many request bytes went through (an upload breaks).
    DropRequestAfter(usize),
    /// Stop taking request bytes after this many, keeping the connection open (a registry that
    /// stopped reading an upload).
    StallRequestAfter(usize),
    /// Take request bytes at most this fast, per second, on every connection (a slow link).
    ThrottleRequest(usize),
    /// Close connections from this one on (the first is 1) before a byte passes: over TLS, a
    /// handshake that fails.
    CloseFrom(usize),
}

pub struct FaultProxy {
    /// "127.0.0.1:PORT"
    pub addr: String,
    fired: Arc<AtomicUsize>,
}

impl FaultProxy {
    /// Proxies to `target` ("host:port"), applying `fault` to at most `times` connections.
    pub fn start(target: &str, fault: Fault, times: usize) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a proxy port");
        let addr = listener.local_addr().unwrap().to_string();
        let fired = Arc::new(AtomicUsize::new(0));
        let target = target.to_string();
        let counter = fired.clone();
        thread::spawn(move || {
            for (number, client) in (1..).zip(listener.incoming().flatten()) {
                if let Fault::CloseFrom(first) = fault {
                    if number >= first && counter.fetch_add(1, Ordering::SeqCst) < times {
                        let _ = client.shutdown(Shutdown::Both);
                        continue;
                    }
                    if number >= first {
                        counter.fetch_sub(1, Ordering::SeqCst);
                    }
                }
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                let counter = counter.clone();
                thread::spawn(move || relay(client, server, fault, times, counter));
            }
        });
        FaultProxy { addr, fired }
    }

    /// How many connections the fault hit so far.
    pub fn fired(&self) -> usize {
        self.fired.load(Ordering::SeqCst)
    }
}

fn relay(
    client: TcpStream,
    server: TcpStream,
    fault: Fault,
    times: usize,
    fired: Arc<AtomicUsize>,
) {
    if let Fault::Status(code) = fault {
        if fired.fetch_add(1, Ordering::SeqCst) < times {
            answer_status(client, code);
            return;
        }
        fired.fetch_sub(1, Ordering::SeqCst);
    }
    let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
    let upload_fired = fired.clone();
    thread::spawn(move || {
        if let Fault::DropRequestAfter(limit) | Fault::StallRequestAfter(limit) = fault {
            let stall = matches!(fault, Fault::StallRequestAfter(_));
            forward_until(
                &mut c_read,
                &mut s_write,
                (limit, stall),
                times,
                &upload_fired,
            );
        } else if let Fault::ThrottleRequest(rate) = fault {
            let mut buf = vec![0u8; 16 << 10];
            while let Ok(n) = c_read.read(&mut buf) {
                if n == 0 || s_write.write_all(&buf[..n]).is_err() {
                    break;
                }
                thread::sleep(Duration::from_secs_f64(n as f64 / rate as f64));
            }
        } else {
            let _ = std::io::copy(&mut c_read, &mut s_write);
        }
        let _ = s_write.shutdown(Shutdown::Write);
    });
    let (mut s_read, mut c_write) = (server, client);
    let limit = match fault {
        Fault::DropAfter(n) | Fault::StallAfter(n) | Fault::PauseAfter(n, _) => n,
        Fault::Status(_)
        | Fault::DropRequestAfter(_)
        | Fault::StallRequestAfter(_)
        | Fault::ThrottleRequest(_)
        | Fault::CloseFrom(_) => usize::MAX,
    };
    let mut sent = 0usize;
    let mut buf = vec![0u8; 64 << 10];
    let mut armed = true;
    loop {
        let n = match s_read.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut chunk = &buf[..n];
        if armed && sent + n >= limit {
            // Claim one of the `times` faults, or pass everything from now on.
            if fired.fetch_add(1, Ordering::SeqCst) < times {
                chunk = &buf[..limit - sent];
                let _ = c_write.write_all(chunk);
                match fault {
                    Fault::DropAfter(_) => {
                        let _ = c_write.shutdown(Shutdown::Both);
                        let _ = s_read.shutdown(Shutdown::Both);
                    }
                    Fault::StallAfter(_) => thread::sleep(Duration::from_secs(600)),
                    Fault::PauseAfter(_, pause) => {
                        thread::sleep(pause);
                        if c_write.write_all(&buf[limit - sent..n]).is_err() {
                            break;
                        }
                        sent += n;
                        armed = false;
                        continue;
                    }
                    Fault::Status(_)
                    | Fault::DropRequestAfter(_)
                    | Fault::StallRequestAfter(_)
                    | Fault::ThrottleRequest(_)
                    | Fault::CloseFrom(_) => {}
                }
                return;
            }
            fired.fetch_sub(1, Ordering::SeqCst);
            armed = false;
        }
        if c_write.write_all(chunk).is_err() {
            break;
        }
        sent += n;
    }
    let _ = c_write.shutdown(Shutdown::Write);
}

/// Passes request bytes on until `limit` went through, then (if one of the `times` faults is
/// left) closes both sockets, or with `stall` stops reading while they stay open.
fn forward_until(
    from: &mut TcpStream,
    to: &mut TcpStream,
    (limit, stall): (usize, bool),
    times: usize,
    fired: &AtomicUsize,
) {
    let mut passed = 0usize;
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if passed + n >= limit && passed < limit {
            if fired.fetch_add(1, Ordering::SeqCst) < times {
                let _ = to.write_all(&buf[..limit - passed]);
                if stall {
                    thread::sleep(Duration::from_secs(600));
                }
                let _ = from.shutdown(Shutdown::Both);
                let _ = to.shutdown(Shutdown::Both);
                return;
            }
            fired.fetch_sub(1, Ordering::SeqCst);
        }
        if to.write_all(&buf[..n]).is_err() {
            return;
        }
        passed += n;
    }
}

/// Reads one request's head and answers it with `code`.
fn answer_status(mut client: TcpStream, code: u16) {
    if read_head(&mut client).is_none() {
        return;
    }
    let response = format!(
        "HTTP/1.1 {code} Fault\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let _ = client.write_all(response.as_bytes());
    let _ = client.shutdown(Shutdown::Both);
}

/// Names under this domain reach the bed only through [`HttpProxy`], which maps them to
/// 127.0.0.1 (the servers' certificates carry [`PROXIED_NAME`]). regctl, like docker, never
/// proxies a loopback address, so a test that wants the proxy names the registry this way.
pub const PROXIED_DOMAIN: &str = "regctl.test";
pub const PROXIED_NAME: &str = "registry.regctl.test";

/// An HTTP proxy: `CONNECT` tunnels (https) and absolute-form requests (plain http), to
/// `*.regctl.test` names (as 127.0.0.1) or addresses. Counts the connections it carried.
pub struct HttpProxy {
    /// "http://127.0.0.1:PORT"
    pub url: String,
    carried: Arc<AtomicUsize>,
}

impl HttpProxy {
    pub fn start() -> HttpProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a proxy port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let carried = Arc::new(AtomicUsize::new(0));
        let counter = carried.clone();
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let counter = counter.clone();
                thread::spawn(move || carry(client, &counter));
            }
        });
        HttpProxy { url, carried }
    }

    /// Connections carried so far (tunnels and forwarded ones).
    pub fn carried(&self) -> usize {
        self.carried.load(Ordering::SeqCst)
    }
}

fn carry(mut client: TcpStream, counter: &AtomicUsize) {
    let Some(head) = read_head(&mut client) else {
        return;
    };
    let text = String::from_utf8_lossy(&head).into_owned();
    let target = text.split(' ').nth(1).unwrap_or_default();
    let tunnel = text.starts_with("CONNECT ");
    // A forwarded request names its target as a URL: http://host:port/path.
    let authority = if tunnel {
        Some(target)
    } else {
        target
            .strip_prefix("http://")
            .map(|rest| rest.split('/').next().unwrap_or_default())
    };
    let address = authority.map(|a| match a.rsplit_once(':') {
        Some((host, port)) if host.ends_with(PROXIED_DOMAIN) => format!("127.0.0.1:{port}"),
        _ => a.to_string(),
    });
    let Some(Ok(mut server)) = address.map(TcpStream::connect) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    counter.fetch_add(1, Ordering::SeqCst);
    let passed = if tunnel {
        client.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
    } else {
        // The servers take absolute-form requests as they are, so the head goes on unchanged,
        // and so do later requests on this connection (the client keeps one per target).
        server.write_all(&head)
    };
    if passed.is_ok() {
        relay(
            client,
            server,
            Fault::DropAfter(usize::MAX),
            0,
            Arc::new(AtomicUsize::new(0)),
        );
    }
}

/// A request's head, byte by byte so nothing after it is taken; `None` if the client left.
fn read_head(client: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    Some(head)
}
