//! A request whose body the registry stops taking. reqwest's read timeout runs from a request's
//! start to its answer, which a long upload would exceed, so uploads go without it
//! (`Transport::upload`) and are watched here: a registry, or a proxy in front of it, that stops
//! reading an upload or never answers it must not hold the request forever.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::Error;

/// Bytes of an upload body the connection has taken so far; the body's stream counts them.
#[derive(Clone, Debug, Default)]
pub struct Taken(Arc<AtomicU64>);

impl Taken {
    pub fn add(&self, bytes: u64) {
        self.0.fetch_add(bytes, Ordering::Relaxed);
    }

    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Runs `send` while its body of `len` bytes keeps moving: when the connection takes nothing
/// for `idle` (the transport's idle timeout), or the answer does not come within twice that
/// once the whole body is taken, the request fails as a dropped connection does (the caller's
/// retry takes over). A slow upload that keeps moving is never cut off.
pub async fn unstalled<T>(
    send: impl Future<Output = Result<T, Error>>,
    taken: &Taken,
    len: u64,
    (host, idle): (&str, std::time::Duration),
) -> Result<T, Error> {
    let watch = async {
        let mut seen = None;
        let mut answer_waited = false;
        loop {
            tokio::time::sleep(idle).await;
            let now = taken.get();
            if seen != Some(now) {
                seen = Some(now);
                continue;
            }
            // A body all taken sits partly in socket buffers still, draining at the link's
            // speed before the registry commits and answers: one more period for that.
            if now >= len && !answer_waited {
                answer_waited = true;
                continue;
            }
            return now;
        }
    };
    tokio::select! {
        sent = send => sent,
        now = watch => Err(Error::Transport(crate::transport::Error::Connect {
            host: host.to_string(),
            reason: if now >= len {
                format!("the registry did not answer the upload within {} s", idle.as_secs())
            } else {
                format!("the registry stopped taking the upload ({} s without a byte)", idle.as_secs())
            },
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_body_that_stops_moving_fails_and_a_finished_one_waits_for_its_answer() {
        let to = ("h", std::time::Duration::from_millis(200));
        let taken = Taken::default();
        taken.add(10);
        let stuck = unstalled(std::future::pending::<Result<(), Error>>(), &taken, 100, to);
        assert!(matches!(stuck.await, Err(Error::Transport(_))));
        // A body that keeps moving, however slowly, is not a stall.
        let moving = async {
            for _ in 0..9 {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                taken.add(10);
            }
            Ok::<_, Error>(7)
        };
        assert_eq!(unstalled(moving, &taken, 100, to).await.unwrap(), 7);
        // All taken, and no answer: that fails too.
        let silent = unstalled(std::future::pending::<Result<(), Error>>(), &taken, 100, to);
        assert!(matches!(silent.await, Err(Error::Transport(_))));
    }
}
