//! Ctrl-C and SIGTERM. A file being written beside its final name (the archive `save` writes)
//! is removed before the process ends, as its destructor would have removed it; everything
//! else is left as a kill leaves it, which the rest is built for (a partial download resumes,
//! a config is renamed into place whole or not at all).
//!
//! Both signals are blocked in every thread and taken by one thread with `sigwait`, so the
//! cleanup runs whatever the other threads are doing. A child process starts with the mask
//! cleared (`std::process::Command` resets it), so a credential helper or `systemctl` still
//! hears a Ctrl-C.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Takes over SIGINT and SIGTERM; to be called before any other thread starts.
pub fn install() {
    // SAFETY: every sigset is initialised by sigemptyset before use, and pthread_sigmask,
    // sigwait, signal and raise only read what they are given.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        std::thread::spawn(move || loop {
            let mut signal = 0;
            if libc::sigwait(&set, &mut signal) == 0 {
                let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
                for path in pending.iter() {
                    let _ = std::fs::remove_file(path);
                }
                // Then die of the signal itself, as without this thread: a shell running
                // regctl in a loop stops at Ctrl-C only when its child was ended by SIGINT,
                // and systemd counts a stop as clean only for death by SIGTERM.
                let mut only: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut only);
                libc::sigaddset(&mut only, signal);
                libc::signal(signal, libc::SIG_DFL);
                libc::pthread_sigmask(libc::SIG_UNBLOCK, &only, std::ptr::null_mut());
                libc::raise(signal);
                std::process::exit(128 + signal);
            }
        });
    }
}

/// `path` is removed if the process is interrupted while this lives.
pub struct RemovedOnInterrupt(PathBuf);

impl RemovedOnInterrupt {
    pub fn new(path: &Path) -> Self {
        let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        pending.push(path.to_path_buf());
        RemovedOnInterrupt(path.to_path_buf())
    }
}

impl Drop for RemovedOnInterrupt {
    fn drop(&mut self) {
        let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        pending.retain(|p| *p != self.0);
    }
}
