//! `regctl images`: what the store holds, one line per name, or JSON.

use crate::cli::{ImagesArgs, OutputFormat};
use crate::manifest::Kind;
use crate::platform::Platform;
use crate::reference::{Reference, Repository};
use crate::store::index::Entry;
use crate::store::Store;

struct Row {
    repository: String,
    tag: String,
    digest: String,
    platforms: Vec<String>,
    size: u64,
}

pub fn run(args: ImagesArgs) -> anyhow::Result<()> {
    let store = Store::open(&Store::default_root(args.store.store.as_deref()))?;
    let index = store.index()?;
    // Images an archive gave no name show as docker shows them; `rmi DIGEST` removes them.
    let unnamed = index
        .unnamed()
        .into_iter()
        .map(|(digest, media_type, size)| Entry {
            name: "<none>".into(),
            digest,
            media_type,
            size,
        });
    let wanted = args.filter.as_deref().map(Filter::parse).transpose()?;
    let rows: Vec<Row> = index
        .entries()
        .into_iter()
        .chain(unnamed)
        .map(|e| describe(&store, &e))
        .filter(|row| wanted.as_ref().is_none_or(|w| w.admits(row)))
        .collect();
    if args.quiet {
        let mut seen = std::collections::HashSet::new();
        for row in rows.iter().filter(|r| seen.insert(r.digest.clone())) {
            println!("{}", row.digest);
        }
        return Ok(());
    }
    match args.format {
        OutputFormat::Json => {
            let list: Vec<_> = rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "repository": r.repository, "tag": r.tag, "digest": r.digest,
                        "platforms": r.platforms, "size": r.size,
                    })
                })
                .collect();
            println!("{}", serde_json::Value::Array(list));
        }
        OutputFormat::Text => {
            let widest = |header: &str, of: &dyn Fn(&Row) -> usize| {
                rows.iter().map(of).max().unwrap_or(0).max(header.len())
            };
            let repo = widest("REPOSITORY", &|r| r.repository.len());
            let tag = widest("TAG", &|r| r.tag.len());
            let platforms = widest("PLATFORMS", &|r| r.platforms.join(",").len());
            println!(
                "{:repo$}  {:tag$}  {:71}  {:platforms$}  SIZE",
                "REPOSITORY", "TAG", "DIGEST", "PLATFORMS"
            );
            for r in &rows {
                println!(
                    "{:repo$}  {:tag$}  {:71}  {:platforms$}  {}",
                    r.repository,
                    r.tag,
                    r.digest,
                    r.platforms.join(","),
                    indicatif::HumanBytes(r.size)
                );
            }
        }
    }
    Ok(())
}

/// `images REPOSITORY[:TAG]`, as docker takes it: `busybox` is docker.io/library/busybox, any
/// tag unless one is given.
struct Filter {
    repository: String,
    tag: Option<String>,
}

impl Filter {
    fn parse(input: &str) -> Result<Self, crate::reference::ReferenceError> {
        if let Ok(repository) = Repository::parse(input) {
            return Ok(Filter {
                repository: repository.to_string(),
                tag: None,
            });
        }
        let reference = Reference::parse(input)?;
        Ok(Filter {
            repository: reference.repository().to_string(),
            tag: reference.tag().map(str::to_string),
        })
    }

    fn admits(&self, row: &Row) -> bool {
        row.repository == self.repository && self.tag.as_ref().is_none_or(|t| *t == row.tag)
    }
}

/// Platforms and size of what is actually in the store for this entry.
fn describe(store: &Store, entry: &Entry) -> Row {
    let (repository, tag) = match Reference::parse(&entry.name) {
        Ok(r) => (
            r.repository().to_string(),
            r.tag().unwrap_or("<none>").to_string(),
        ),
        Err(_) => (entry.name.clone(), "<none>".to_string()),
    };
    let mut platforms = Vec::new();
    let mut size = 0;
    let mut add_image =
        |digest: &crate::digest::Digest, media: &str, platform: Option<Platform>| {
            if let Ok(m) = store.read_manifest(digest, Some(media)) {
                size += m
                    .blobs()
                    .map(|b| b.iter().map(|b| b.size).sum::<u64>())
                    .unwrap_or(0);
                let platform = platform.or_else(|| image_platform(store, &m));
                platforms.extend(platform.map(|p| p.to_string()));
            }
        };
    if let Ok(top) = store.read_manifest(&entry.digest, Some(&entry.media_type)) {
        match &top.kind {
            Kind::Index(_) => {
                for (digest, e) in top.entries().unwrap_or_default() {
                    if store.has_blob(&digest) {
                        add_image(
                            &digest,
                            &e.media_type,
                            e.platform.as_ref().map(Platform::of),
                        );
                    }
                }
            }
            Kind::Image(_) => add_image(&entry.digest, &entry.media_type, None),
        }
    }
    Row {
        repository,
        tag,
        digest: entry.digest.to_string(),
        platforms,
        size,
    }
}

/// A single-platform image says its platform in its config.
fn image_platform(store: &Store, manifest: &crate::manifest::Manifest) -> Option<Platform> {
    let Kind::Image(image) = &manifest.kind else {
        return None;
    };
    let config: serde_json::Value =
        serde_json::from_slice(&store.read_blob(&image.config.digest.parse().ok()?).ok()?).ok()?;
    Some(Platform {
        os: config.get("os")?.as_str()?.to_string(),
        architecture: config.get("architecture")?.as_str()?.to_string(),
        variant: config
            .get("variant")
            .and_then(|v| v.as_str())
            .map(str::to_string),
    })
}
