//! The hashing stage between receiving a large blob and writing it: buffers of every blob
//! being ingested are hashed on a few shared threads, two blobs at a time.
//!
//! Why: hashing is most of a pull's CPU. Two blobs hashed in one pass of the SHA instructions
//! cost a third less than each on its own (`Hasher::update_pair`), and a pull of several
//! layers has several blobs arriving at once; a receiving thread sees only its own blob. The
//! stage also lets one blob be received and hashed on two cores at once.
//!
//! Each blob is a `Stream` with its hasher. Its pieces are hashed in the order they were
//! submitted, one at a time; a worker holds at most two pieces, of different streams, and
//! hashes them a slice at a time, so that a piece arriving while it works on one alone is
//! paired from the next slice on.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};

use crate::digest::Hasher;

/// Bytes to hash, and what to do with them once they are.
pub trait Piece: Send {
    fn bytes(&self) -> &[u8];
    /// Called once every byte is in the stream's hasher, in the order pieces were submitted.
    /// Must not block: it runs on a worker that other streams wait for.
    fn hashed(self: Box<Self>);
}

/// One blob's hasher, `None` while a worker has it: that is how workers tell the stream is busy
/// (they look under the queue's lock; its owner takes it back only after every piece is done).
pub struct Stream {
    stage: &'static Stage,
    hasher: Mutex<Option<Hasher>>,
}

impl Stream {
    /// `Err(hasher)` back when the stage has no thread to run on.
    pub fn new(hasher: Hasher) -> Result<Arc<Stream>, Hasher> {
        match stage() {
            Some(stage) => Ok(Arc::new(Stream {
                stage,
                hasher: Mutex::new(Some(hasher)),
            })),
            None => Err(hasher),
        }
    }

    /// The hasher, once every submitted piece has been `hashed` (the caller knows when).
    pub fn take_hasher(&self) -> Option<Hasher> {
        lock(&self.hasher).take()
    }

    /// Queues `piece` after the stream's earlier ones.
    pub fn submit(self: &Arc<Self>, piece: Box<dyn Piece>) {
        lock(&self.stage.queue).push_back(Waiting {
            stream: self.clone(),
            piece,
        });
        self.stage.ready.notify_one();
    }
}

/// Bytes hashed between looks at the queue: small enough that a newly arrived piece soon finds
/// a partner, large enough that the look costs nothing.
const SLICE: usize = 64 << 10;

struct Waiting {
    stream: Arc<Stream>,
    piece: Box<dyn Piece>,
}

/// A piece a worker is hashing, with its stream's hasher taken out.
struct Active {
    stream: Arc<Stream>,
    piece: Box<dyn Piece>,
    hasher: Hasher,
    done: usize,
}

struct Stage {
    queue: Mutex<VecDeque<Waiting>>,
    ready: Condvar,
}

/// The process's stage, its threads started on first use; `None` if not one would start.
fn stage() -> Option<&'static Stage> {
    static STAGE: OnceLock<Option<&'static Stage>> = OnceLock::new();
    *STAGE.get_or_init(|| {
        let stage: &'static Stage = Box::leak(Box::new(Stage {
            queue: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
        }));
        // With the SHA instructions a worker hashes two blobs at once, so half the cores keep
        // pace with what the others receive; without them, as many workers as cores, as when
        // each receiving thread hashed its own blob.
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let workers = if Hasher::pairs_in_one_pass() {
            (cores / 2).max(1)
        } else {
            cores
        };
        let started = (0..workers)
            .filter(|_| {
                std::thread::Builder::new()
                    .name("regctl-hash".into())
                    .spawn(move || {
                        // Without its worker every ingest would wait forever for its buffers: a
                        // bug here must end the process (the panic is reported first), not hang it.
                        if std::panic::catch_unwind(|| work(stage)).is_err() {
                            std::process::abort();
                        }
                    })
                    .is_ok()
            })
            .count();
        (started > 0).then_some(stage)
    })
}

fn work(stage: &Stage) {
    let mut active: Vec<Active> = Vec::with_capacity(2);
    loop {
        if active.len() < 2 {
            let mut queue = lock(&stage.queue);
            loop {
                while active.len() < 2 {
                    match take_next(&mut queue) {
                        Some(next) => active.push(next),
                        None => break,
                    }
                }
                if !active.is_empty() {
                    break;
                }
                queue = stage.ready.wait(queue).unwrap_or_else(|e| e.into_inner());
            }
        }
        match active.as_mut_slice() {
            [a, b] => {
                let n = SLICE.min(a.left()).min(b.left());
                let (a_bytes, b_bytes) = (&a.piece.bytes()[a.done..], &b.piece.bytes()[b.done..]);
                Hasher::update_pair(&mut a.hasher, &a_bytes[..n], &mut b.hasher, &b_bytes[..n]);
                a.done += n;
                b.done += n;
            }
            [a] => {
                let n = SLICE.min(a.left());
                a.hasher.update(&a.piece.bytes()[a.done..a.done + n]);
                a.done += n;
            }
            _ => unreachable!("a worker waits until it has a piece"),
        }
        let mut i = 0;
        while i < active.len() {
            if active[i].left() > 0 {
                i += 1;
                continue;
            }
            let Active {
                stream,
                piece,
                hasher,
                ..
            } = active.swap_remove(i);
            // Under the queue's lock: a worker waiting for this stream's next piece cannot miss
            // that it is free again, nor take that piece and hand it on before this one (a kill
            // in between would leave a hole in the partial file, not a prefix to resume from).
            // `hashed` never blocks, so holding the lock for it costs nothing.
            let _queue = lock(&stage.queue);
            *lock(&stream.hasher) = Some(hasher);
            piece.hashed();
            stage.ready.notify_one();
        }
    }
}

/// The first waiting piece whose stream no worker has.
fn take_next(queue: &mut MutexGuard<'_, VecDeque<Waiting>>) -> Option<Active> {
    let at = queue
        .iter()
        .position(|waiting| lock(&waiting.stream.hasher).is_some())?;
    let Waiting { stream, piece } = queue.remove(at).expect("`at` is in the queue");
    let hasher = lock(&stream.hasher)
        .take()
        .expect("checked under the same lock");
    Some(Active {
        stream,
        piece,
        hasher,
        done: 0,
    })
}

impl Active {
    fn left(&self) -> usize {
        self.piece.bytes().len() - self.done
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere leaves the data consistent here (every update is a single assignment).
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// A piece that reports (stream, round) when hashed.
    struct Bytes {
        data: Vec<u8>,
        tag: (usize, usize),
        done: mpsc::Sender<(usize, usize)>,
    }

    impl Piece for Bytes {
        fn bytes(&self) -> &[u8] {
            &self.data
        }
        fn hashed(self: Box<Self>) {
            let _ = self.done.send(self.tag);
        }
    }

    #[test]
    fn pieces_of_many_streams_hash_as_each_stream_alone() {
        let streams: Vec<(Arc<Stream>, Vec<u8>)> = (0..5)
            .map(|s| {
                let data: Vec<u8> = (0..(1 << 20) * (s + 1) + 77 * s)
                    .map(|i| ((i * 31 + s * 7) >> 3) as u8)
                    .collect();
                (Stream::new(Hasher::default()).ok().unwrap(), data)
            })
            .collect();
        let (done, hashed) = mpsc::channel();
        let mut pieces = 0;
        // Interleaved submissions of uneven pieces, as receiving threads make them.
        for round in 0.. {
            let mut any = false;
            for (s, (stream, data)) in streams.iter().enumerate() {
                let size = 200_000 + 10_001 * s;
                let Some(chunk) = data.chunks(size).nth(round) else {
                    continue;
                };
                any = true;
                pieces += 1;
                stream.submit(Box::new(Bytes {
                    data: chunk.to_vec(),
                    tag: (s, round),
                    done: done.clone(),
                }));
            }
            if !any {
                break;
            }
        }
        // Each stream's pieces are handed on in the order they came.
        let mut next = vec![0; streams.len()];
        for _ in 0..pieces {
            let (s, round) = hashed.recv().unwrap();
            assert_eq!(round, next[s], "stream {s}");
            next[s] += 1;
        }
        for (stream, data) in streams {
            let hasher = stream.take_hasher().expect("every piece was hashed");
            let mut alone = Hasher::default();
            alone.update(&data);
            assert_eq!(hasher.len(), data.len() as u64);
            assert_eq!(hasher.finish(), alone.finish());
        }
    }
}
