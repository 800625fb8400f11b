//! Moving images between a registry and the store: which blobs to send, in what order, how
//! many at once.

pub mod copy;
pub mod pull;
pub mod push;

use std::future::Future;

use futures_util::{stream, StreamExt, TryStreamExt};

use crate::manifest::Blob;

/// Runs `job` for every blob, at most `concurrency` at once, largest first (the long pole
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
    blobs.sort_by_key(|b| std::cmp::Reverse(b.size));
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
