//! Progress on stderr: indicatif bars (one per blob plus a total) on a terminal; without one,
//! a plain line per finished blob, which is what a CI log wants; nothing with `-q`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{HumanBytes, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Clone)]
enum Mode {
    Bars {
        multi: MultiProgress,
        total: ProgressBar,
    },
    Lines,
    Quiet,
}

#[derive(Clone)]
pub struct Progress {
    mode: Mode,
}

impl Progress {
    /// `total_bytes` is what the whole transfer moves, for the summary bar.
    pub fn new(quiet: bool, total_bytes: u64) -> Self {
        let mode = if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(8));
            let total = multi.add(ProgressBar::new(total_bytes));
            total.set_style(
                ProgressStyle::with_template(
                    "{prefix:>12} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta}",
                )
                .expect("a valid template")
                .progress_chars("=> "),
            );
            total.set_prefix("total");
            total.enable_steady_tick(Duration::from_millis(250));
            Mode::Bars { multi, total }
        } else {
            Mode::Lines
        };
        Progress { mode }
    }

    /// A tracker for one blob; `label` is usually a short digest.
    pub fn blob(&self, label: &str, size: u64) -> BlobProgress {
        let bar = match &self.mode {
            Mode::Bars { multi, total } => {
                let bar = multi.insert_before(total, ProgressBar::new(size));
                bar.set_style(
                    ProgressStyle::with_template("{prefix:>12} [{bar:30}] {bytes}/{total_bytes}")
                        .expect("a valid template")
                        .progress_chars("=> "),
                );
                bar.set_prefix(label.to_string());
                Some((bar, total.clone()))
            }
            _ => None,
        };
        BlobProgress {
            label: label.to_string(),
            size,
            bar,
            lines: matches!(self.mode, Mode::Lines),
        }
    }

    /// A line for the log (not for data: that goes to stdout).
    pub fn message(&self, text: &str) {
        match &self.mode {
            Mode::Bars { multi, .. } => {
                let _ = multi.println(text);
            }
            Mode::Lines => eprintln!("{text}"),
            Mode::Quiet => {}
        }
    }

    pub fn finish(&self) {
        if let Mode::Bars { total, .. } = &self.mode {
            total.finish_and_clear();
        }
    }
}

/// One blob's progress. Clones share it: a clone can ride along with a body being streamed.
#[derive(Clone)]
pub struct BlobProgress {
    label: String,
    size: u64,
    /// (this blob's bar, the total bar); the blob's bar also keeps its position.
    bar: Option<(ProgressBar, ProgressBar)>,
    lines: bool,
}

impl BlobProgress {
    pub fn advance(&self, bytes: u64) {
        if let Some((bar, total)) = &self.bar {
            bar.inc(bytes);
            total.inc(bytes);
        }
    }

    /// Back to `position` (a transfer that had to start over).
    pub fn rewind(&self, position: u64) {
        if let Some((bar, total)) = &self.bar {
            let undone = bar.position().saturating_sub(position);
            bar.set_position(position);
            total.set_position(total.position().saturating_sub(undone));
        }
    }

    /// `what` says how it ended: "pulled", "exists", "mounted", …
    pub fn done(self, what: &str) {
        match &self.bar {
            Some((bar, total)) => {
                total.inc(self.size.saturating_sub(bar.position()));
                bar.finish_and_clear();
            }
            None if self.lines => {
                eprintln!("{} {what} ({})", self.label, HumanBytes(self.size));
            }
            None => {}
        }
    }
}

/// `sha256:0123456789ab`: enough to tell blobs apart in a log.
pub fn short(digest: &crate::digest::Digest) -> String {
    format!("sha256:{}", &digest.hex()[..12])
}
