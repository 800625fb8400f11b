//! The regctl binary: parse the command line, run one command, map the outcome to an exit code.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use regctl::exit::{ExitCode as Code, UsageError};
use regctl::{auth, containerd, reference, registry, store, transport};

fn main() -> ExitCode {
    regctl::interrupt::install();
    quiet_when_stdout_goes_away();
    let cli = match regctl::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
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
    let result = runtime
        .block_on(regctl::commands::run(cli))
        .and_then(|()| regctl::output::flush().context("cannot write to stdout"));
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

/// println! panics when stdout fails: `regctl::output` says what that means.
fn quiet_when_stdout_goes_away() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        regctl::output::on_print_failure(message);
        default(info);
    }));
}

/// Help and version go out as clap prints them. A usage error is one line, as every other
/// error is (clap's own spans three, with a usage block); clap's tip, when it has one, is kept.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    let text = e.to_string();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut first = lines
        .next()
        .unwrap_or("error: invalid arguments")
        .to_string();
    // "the following required arguments were not provided:" names them on the next lines.
    if first.ends_with(':') {
        let named: Vec<&str> = lines
            .by_ref()
            .take_while(|l| l.starts_with('<') || l.starts_with('-'))
            .collect();
        first = format!("{} {}", first.trim_end_matches(':'), named.join(" "));
    }
    let tip = lines
        .find_map(|l| {
            l.strip_prefix("tip: ")
                .or(l.strip_prefix("[possible values: "))
        })
        .map(|t| format!(" ({})", t.trim_end_matches(']')))
        .unwrap_or_default();
    eprintln!("{first}{tip}; see `regctl --help`");
    ExitCode::from(Code::Usage as u8)
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
