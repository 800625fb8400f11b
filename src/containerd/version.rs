//! Which containerd is installed, and which config.toml versions it loads.

use std::fmt;
use std::path::PathBuf;
use std::process::Command;

/// A containerd release, from `containerd --version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DaemonVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl DaemonVersion {
    /// Parses `containerd github.com/containerd/containerd 1.6.20~ds1 <revision>` (and the
    /// `…/v2 2.1.9+unknown` form): the third word, up to the first character that is not part
    /// of `MAJOR.MINOR.PATCH`.
    pub fn parse(output: &str) -> Option<Self> {
        let word = output.split_whitespace().nth(2)?;
        let word = word.strip_prefix('v').unwrap_or(word);
        let end = word
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(word.len());
        let mut parts = word[..end].split('.').map(|p| p.parse::<u32>().ok());
        Some(DaemonVersion {
            major: parts.next()??,
            minor: parts.next()??,
            patch: parts.next().flatten().unwrap_or(0),
        })
    }

    /// The newest config.toml version this release loads (1.x: 2, 2.x: 3).
    pub fn max_config_version(&self) -> i64 {
        if self.major >= 2 {
            3
        } else {
            2
        }
    }

    /// hosts.toml under `config_path` arrived in 1.5.
    pub fn reads_hosts_dirs(&self) -> bool {
        (self.major, self.minor) >= (1, 5)
    }

    /// 2.x ignores `configs.<host>.tls`.
    pub fn ignores_legacy_tls(&self) -> bool {
        self.major >= 2
    }
}

impl fmt::Display for DaemonVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The containerd on `PATH` and the `ctr` shipped beside it.
#[derive(Debug, Clone)]
pub struct Installed {
    pub containerd: PathBuf,
    pub version: Option<DaemonVersion>,
}

impl Installed {
    /// `None` when there is no `containerd` on `PATH` (e.g. editing a file for another machine).
    pub fn find() -> Option<Self> {
        let containerd = which("containerd")?;
        let version = Command::new(&containerd)
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| DaemonVersion::parse(&String::from_utf8_lossy(&o.stdout)));
        Some(Installed {
            containerd,
            version,
        })
    }

    /// `ctr` from the same directory as `containerd` (same release), else from `PATH`.
    pub fn ctr(&self) -> Option<PathBuf> {
        self.containerd
            .parent()
            .map(|d| d.join("ctr"))
            .filter(|p| p.is_file())
            .or_else(|| which("ctr"))
    }
}

/// The first executable `name` on `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| {
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_and_upstream_version_strings() {
        let v = DaemonVersion::parse(
            "containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3\n",
        )
        .unwrap();
        assert_eq!(v.to_string(), "1.6.20");
        assert_eq!(v.max_config_version(), 2);
        assert!(v.reads_hosts_dirs() && !v.ignores_legacy_tls());
        let v =
            DaemonVersion::parse("containerd github.com/containerd/containerd/v2 2.1.9+unknown ")
                .unwrap();
        assert_eq!((v.major, v.minor, v.patch), (2, 1, 9));
        assert_eq!(v.max_config_version(), 3);
        let v = DaemonVersion::parse("containerd containerd.io v1.4.13 9cc61520").unwrap();
        assert!(!v.reads_hosts_dirs());
        assert!(DaemonVersion::parse("containerd").is_none());
    }
}
