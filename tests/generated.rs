//! completions/ and man/ are generated from the clap tree and checked in, so that packagers need
//! no build step. This test fails when they drift; `REGCTL_BLESS=1 cargo test --test generated`
//! rewrites them.

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;
use regctl::cli::Cli;

fn check_or_bless(path: &Path, expected: &[u8], stale: &mut Vec<String>) {
    if std::env::var_os("REGCTL_BLESS").is_some() {
        std::fs::write(path, expected).unwrap();
        return;
    }
    if std::fs::read(path).ok().as_deref() != Some(expected) {
        stale.push(path.display().to_string());
    }
}

fn man_pages() -> Vec<(String, Vec<u8>)> {
    let root = Cli::command();
    let mut pages = Vec::new();
    let mut render = |name: String, cmd: clap::Command| {
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut buf).unwrap();
        pages.push((name, buf));
    };
    render("regctl.1".into(), root.clone());
    for sub in root.get_subcommands() {
        let name = format!("regctl-{}", sub.get_name());
        let file = format!("{name}.1");
        // clap wants a static name; leaking a few bytes in a test is fine.
        render(file, sub.clone().name(&*name.leak()));
    }
    pages
}

#[test]
fn completions_and_man_pages_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "regctl", &mut buf);
        let file = match shell {
            Shell::Bash => "regctl.bash",
            Shell::Zsh => "_regctl",
            Shell::Fish => "regctl.fish",
            Shell::PowerShell => "_regctl.ps1",
            _ => "regctl.elv",
        };
        check_or_bless(&dir.join("completions").join(file), &buf, &mut stale);
    }
    let pages = man_pages();
    assert!(pages.iter().any(|(n, _)| n == "regctl-login.1"));
    for (name, page) in pages {
        check_or_bless(&dir.join("man").join(name), &page, &mut stale);
    }
    assert!(
        stale.is_empty(),
        "out of date (run REGCTL_BLESS=1 cargo test --test generated): {stale:?}"
    );
}
