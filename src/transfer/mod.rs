//! Moving images between a registry and the store: which blobs to send, in what order, how
//! many at once.

pub mod copy;
pub mod pull;
pub mod push;

use std::future::Future;

use futures_util::{stream, StreamExt, TryStreamExt};

use crate::manifest::Blob;

/// Runs `job` for every blob once, at most `concurrency` at once, largest first (the long pole
/// starts earliest). The first error stops the rest.
pub async fn for_each_blob<E, F, Fut>(
    mut blobs: Vec<Blob>,
    concurrency: usize,
    job: F,
) -> Result<(), E>
where
    F: Fn(Blob) -> Fut,
    Fut: Future<Output = Result<(), E>>,
{
    // By digest within a size, so that a blob listed twice sits next to itself for dedup.
    blobs.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.digest.cmp(&b.digest)));
    blobs.dedup_by(|a, b| a.digest == b.digest);
    stream::iter(blobs.into_iter().map(job))
        .buffer_unordered(concurrency.max(1))
        .try_collect::<()>()
        .await
}

/// Distinct blobs of several manifests, in first-seen order.
pub fn distinct(blobs: impl IntoIterator<Item = Blob>) -> Vec<Blob> {
    let mut seen = std::collections::HashSet::new();
    blobs
        .into_iter()
        .filter(|b| seen.insert(b.digest.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Digest;
    use std::sync::Mutex;

    #[tokio::test]
    async fn each_blob_runs_once_largest_first() {
        let blob = |name: &str, size| Blob {
            digest: Digest::of(name.as_bytes()),
            size,
            media_type: String::new(),
        };
        // Two blobs of one size between the copies of one of them.
        let (a, b, c) = (blob("a", 10), blob("b", 10), blob("c", 20));
        let blobs = vec![a.clone(), b, c, a];
        let ran = Mutex::new(Vec::new());
        for_each_blob(blobs, 1, |blob| {
            ran.lock().unwrap().push(blob.size);
            async { Ok::<(), ()>(()) }
        })
        .await
        .unwrap();
        assert_eq!(*ran.lock().unwrap(), [20, 10, 10]);
    }
}
