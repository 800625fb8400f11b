//! Listing a repository's tags, following the `Link` header across pages.

use reqwest::header::LINK;
use reqwest::{Method, StatusCode};
use serde::Deserialize;

use super::{Client, Error};
use crate::auth::token::error_message;
use crate::reference::Repository;

#[derive(Deserialize)]
struct TagList {
    #[serde(default)]
    tags: Option<Vec<String>>,
}

/// All tags of `repository`; `page_size` asks for `n` per page (the registry may cap it).
pub async fn list(
    client: &Client,
    repository: &Repository,
    page_size: Option<usize>,
) -> Result<Vec<String>, Error> {
    let scopes = [repository.scope("pull")];
    let mut url = client
        .transport()
        .url(&format!("v2/{}/tags/list", repository.path()));
    if let Some(n) = page_size {
        url.query_pairs_mut().append_pair("n", &n.to_string());
    }
    let mut tags = Vec::new();
    loop {
        let response = client
            .send(&scopes, |t| t.request(Method::GET, url.clone()))
            .await?;
        let status = response.status();
        let next = response
            .headers()
            .get(LINK)
            .and_then(|v| v.to_str().ok())
            .and_then(next_link)
            .and_then(|link| url.join(&link).ok());
        let body = response.bytes().await.unwrap_or_default();
        if status == StatusCode::NOT_FOUND {
            return Err(Error::NotFound(format!(
                "repository {repository}: {}",
                error_message(&body).unwrap_or_else(|| "no such repository".into())
            )));
        }
        if !status.is_success() {
            return Err(Error::Unexpected {
                what: format!("listing tags of {repository}"),
                status: status.as_u16(),
                detail: error_message(&body).unwrap_or_default(),
            });
        }
        let page: TagList = serde_json::from_slice(&body).map_err(|e| Error::Unexpected {
            what: format!("listing tags of {repository}"),
            status: status.as_u16(),
            detail: format!("unreadable tag list: {e}"),
        })?;
        tags.extend(page.tags.unwrap_or_default());
        match next {
            Some(n) => url = n,
            None => return Ok(tags),
        }
    }
}

/// The target of `rel="next"` in a `Link` header (RFC 8288): `<url>; rel="next"`.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.trim().split_once(';')?;
        let is_next = params.split(';').any(|p| {
            matches!(
                p.trim().replace(' ', "").as_str(),
                "rel=\"next\"" | "rel=next"
            )
        });
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| target.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::next_link;

    #[test]
    fn link_header() {
        assert_eq!(
            next_link(r#"</v2/a/tags/list?last=b&n=2>; rel="next""#).as_deref(),
            Some("/v2/a/tags/list?last=b&n=2")
        );
        assert_eq!(next_link(r#"<x>; rel="prev""#), None);
    }
}
