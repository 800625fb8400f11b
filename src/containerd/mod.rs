//! containerd's registry configuration: config.toml (versions 1, 2 and 3) and hosts.toml.
