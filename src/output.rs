//! Results on stdout, which scripts read. A reader that went away (`regctl tags … | head`)
//! ends the command quietly with 141, the status cat or crane get from SIGPIPE; any other
//! failure to write (a full disk under `> file`) is an error, never a silent success.
//!
//! SIGPIPE itself stays ignored (Rust's default): a socket or a credential helper whose peer
//! went away must stay an error regctl reports, retries or rolls back, not a silent death
//! mid-transfer. So the exit is taken here, for stdout only.

use std::io::{self, Write};

/// The status a shell reports for a process ended by SIGPIPE.
pub const BROKEN_PIPE_STATUS: i32 = 141;

/// stdout, locked, for writing a result of any size.
pub struct Stdout(io::StdoutLock<'static>);

impl Stdout {
    pub fn lock() -> Self {
        Stdout(io::stdout().lock())
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        gone_quietly(self.0.write(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        gone_quietly(self.0.flush())
    }
}

/// `bytes`, all of them, on stdout, flushed.
pub fn write_all(bytes: &[u8]) -> io::Result<()> {
    let mut out = Stdout::lock();
    out.write_all(bytes)?;
    out.flush()
}

/// What `print!` left in stdout's buffer, out at the end of the command: its failure is the
/// command's (a full disk), where the standard library would drop it at exit.
pub fn flush() -> io::Result<()> {
    Stdout::lock().flush()
}

/// For the panic of `println!` on a stdout that failed: the reader went away (exit 141), or
/// another failure, told in one line (exit 1).
pub fn on_print_failure(message: &str) {
    if let Some(reason) = message.strip_prefix("failed printing to stdout: ") {
        if reason.contains("Broken pipe") {
            std::process::exit(BROKEN_PIPE_STATUS);
        }
        eprintln!("error: cannot write to stdout: {reason}");
        std::process::exit(crate::exit::ExitCode::General as i32);
    }
}

fn gone_quietly<T>(result: io::Result<T>) -> io::Result<T> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(BROKEN_PIPE_STATUS),
        other => other,
    }
}
