//! When and how long to wait before trying a request again: connection failures, 5xx and 429,
//! with exponential backoff, honouring `Retry-After`.

use std::future::Future;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Response, StatusCode};

/// Attempts per request, the first included.
pub const ATTEMPTS: u32 = 5;
const BASE: Duration = Duration::from_millis(250);
const MAX_DELAY: Duration = Duration::from_secs(10);
/// A server asking for longer than this is treated as down rather than waited on.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

pub fn retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
        || (status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED)
}

/// The wait before attempt `attempt + 1` (attempt counts from 0), `Retry-After` when given.
pub fn delay(attempt: u32, headers: Option<&HeaderMap>) -> Duration {
    if let Some(after) = headers.and_then(retry_after) {
        return after.min(MAX_RETRY_AFTER);
    }
    let backoff = BASE.saturating_mul(1 << attempt.min(6)).min(MAX_DELAY);
    // A little jitter so parallel transfers do not retry in lockstep.
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() % 100)
        .unwrap_or(0);
    backoff + Duration::from_millis(jitter as u64)
}

/// `Retry-After`, in seconds or as an HTTP date (RFC 9110 allows both; CDNs send dates).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(SystemTime::now()).unwrap_or_default())
}

/// Whether the server asks for a longer pause than anyone at a terminal or in CI would wait.
fn asks_too_long(headers: &HeaderMap) -> bool {
    retry_after(headers).is_some_and(|after| after > MAX_RETRY_AFTER)
}

/// Runs `attempt` until it succeeds with a status worth keeping, fails in a way not worth
/// retrying, or `attempts` are made; the last outcome is returned as it is.
pub async fn run<E, F, Fut>(
    verbose: bool,
    attempts: u32,
    is_transient: impl Fn(&E) -> bool,
    mut attempt: F,
) -> Result<Response, E>
where
    E: std::fmt::Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Response, E>>,
{
    let mut made = 0;
    loop {
        made += 1;
        let outcome = attempt().await;
        let wait = match &outcome {
            _ if made >= attempts => None,
            Err(e) if is_transient(e) => Some((delay(made - 1, None), e.to_string())),
            Ok(r) if retryable_status(r.status()) && !asks_too_long(r.headers()) => {
                Some((delay(made - 1, Some(r.headers())), r.status().to_string()))
            }
            _ => None,
        };
        let Some((wait, why)) = wait else {
            return outcome;
        };
        if verbose {
            eprintln!("{why}; retrying in {wait:?}");
        }
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_and_retry_after() {
        assert!(delay(0, None) < Duration::from_millis(400));
        assert!(delay(3, None) >= Duration::from_secs(2));
        assert!(delay(20, None) <= MAX_DELAY + Duration::from_millis(100));
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(delay(0, Some(&h)), Duration::from_secs(3));
        assert!(!asks_too_long(&h));
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        h.insert(RETRY_AFTER, soon.parse().unwrap());
        let wait = delay(0, Some(&h));
        assert!(wait > Duration::from_secs(28) && wait <= Duration::from_secs(30));
        h.insert(RETRY_AFTER, "3600".parse().unwrap());
        assert!(asks_too_long(&h));
        assert!(retryable_status(StatusCode::SERVICE_UNAVAILABLE));
        assert!(retryable_status(StatusCode::TOO_MANY_REQUESTS));
        assert!(!retryable_status(StatusCode::NOT_FOUND));
    }
}
