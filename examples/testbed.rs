//! Runs the integration-test bed on its own, for demos and manual testing:
//!
//! ```sh
//! coproc BED { cargo run -q --example testbed; }
//! while read -r line <&"${BED[0]}"; do [ "$line" = ready ] && break; eval "$line"; done
//! ... use $REGCTL_TEST_TOKEN_REGISTRY etc ...
//! exec {BED[1]}>&-   # EOF on its stdin stops the bed (so do SIGTERM and SIGINT)
//! ```
//!
//! Seeds `library/hello:1.0` (two platforms) in the token registry as `$REGCTL_DEMO_IMAGE`.
//! Prints `export NAME='value'` lines, then `ready`, then waits until its stdin reaches EOF or
//! it gets SIGTERM/SIGINT, and stops the registries.

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::{Read as _, Write as _};

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn main() {
    let bed = support::bed();
    // Something to pull: a two-platform image in the public project, as Harbor's library.
    bed.push_index(
        &bed.token_registry,
        "library/hello",
        "1.0",
        Some(support::ADMIN),
        &[("linux", "amd64"), ("linux", "arm64")],
        1 << 20,
        false,
    );
    let vars = [
        ("REGCTL_TEST_DIR", bed.dir.display().to_string()),
        ("REGCTL_TEST_CA", bed.ca_file.display().to_string()),
        ("REGCTL_TEST_CERTS_D", bed.certs_d.display().to_string()),
        ("REGCTL_TEST_TOKEN_REGISTRY", bed.token_registry.clone()),
        ("REGCTL_TEST_BASIC_REGISTRY", bed.basic_registry.clone()),
        ("REGCTL_TEST_PLAIN_REGISTRY", bed.plain_registry.clone()),
        ("REGCTL_TEST_MTLS_REGISTRY", bed.mtls_registry.clone()),
        (
            "REGCTL_TEST_CLIENT_CERT",
            bed.client_cert.display().to_string(),
        ),
        (
            "REGCTL_TEST_CLIENT_KEY",
            bed.client_key.display().to_string(),
        ),
        ("REGCTL_TEST_REALM", bed.realm.clone()),
        (
            "REGCTL_DEMO_IMAGE",
            format!("{}/library/hello:1.0", bed.token_registry),
        ),
    ];
    let mut out = std::io::stdout().lock();
    for (name, value) in vars {
        let _ = writeln!(out, "export {name}={}", shell_quote(&value));
    }
    let _ = writeln!(out, "ready");
    let _ = out.flush();
    drop(out);
    eprintln!(
        "test bed up in {:?}; stop it with EOF on stdin, SIGTERM or SIGINT",
        bed.startup
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (eof_tx, eof_rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let mut sink = [0u8; 4096];
        let mut stdin = std::io::stdin().lock();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        let _ = eof_tx.send(());
    });
    let why = rt.block_on(async {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
        tokio::select! {
            _ = eof_rx => "EOF on stdin",
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        }
    });
    eprintln!("{why}: stopping the test bed");
    bed.shutdown();
    std::process::exit(0);
}
