//! The regctl binary: parse the command line, run one command, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use regctl::exit::{ExitCode as Code, UsageError};
use regctl::{auth, containerd, reference, registry, store, transport};

fn main() -> ExitCode {
    // `regctl tags … | head`: a reader that went away ends us quietly, as it ends cat or
    // crane, instead of a panic in println! (Rust ignores SIGPIPE by default).
    // SAFETY: setting a signal's disposition to the default before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = regctl::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(Code::General as u8);
        }
    };
    let result = runtime.block_on(regctl::commands::run(cli));
    // What a failed command left running (a blob still downloading on a blocking thread after
    // another failed) is abandoned, not waited for: partial files resume next time.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(classify(&err) as u8)
        }
    }
}

/// The code of the first error in the chain that knows its own.
fn classify(err: &anyhow::Error) -> Code {
    for cause in err.chain() {
        if cause.is::<UsageError>() || cause.is::<reference::ReferenceError>() {
            return Code::Usage;
        }
        if let Some(e) = cause.downcast_ref::<auth::Error>() {
            return e.exit_code();
        }
        if let Some(e) = cause.downcast_ref::<transport::Error>() {
            return e.exit_code();
        }
        if let Some(e) = cause.downcast_ref::<registry::Error>() {
            return e.exit_code();
        }
        if let Some(e) = cause.downcast_ref::<containerd::Error>() {
            return e.exit_code();
        }
        if let Some(e) = cause.downcast_ref::<store::Error>() {
            return e.exit_code();
        }
    }
    Code::General
}
