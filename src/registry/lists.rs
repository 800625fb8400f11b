//! The registry's lists: a repository's tags and the registry's catalog, each followed across
//! pages through the `Link` header.

use reqwest::header::LINK;
use reqwest::{Method, StatusCode, Url};

use super::manifests::status_error;
use super::{Client, Error};
use crate::reference::Repository;

/// All tags of `repository`; `page_size` asks for `n` per page (the registry may cap it).
pub async fn tags(
    client: &Client,
    repository: &Repository,
    page_size: Option<usize>,
) -> Result<Vec<String>, Error> {
    let url = client
        .transport()
        .url(&format!("v2/{}/tags/list", repository.path()));
    let what = format!("tags of {repository}");
    paged(
        client,
        &[repository.scope("pull")],
        url,
        page_size,
        "tags",
        &what,
    )
    .await
}

/// Every repository of the registry. Registries may restrict this to administrators (Harbor
/// does): the caller explains a refusal.
pub async fn catalog(client: &Client, page_size: Option<usize>) -> Result<Vec<String>, Error> {
    let url = client.transport().url("v2/_catalog");
    let scopes = ["registry:catalog:*".to_string()];
    let what = format!("the catalog of {}", client.transport().registry());
    paged(client, &scopes, url, page_size, "repositories", &what).await
}

async fn paged(
    client: &Client,
    scopes: &[String],
    mut url: Url,
    page_size: Option<usize>,
    field: &str,
    what: &str,
) -> Result<Vec<String>, Error> {
    let first_page = url.clone();
    if let Some(n) = page_size {
        url.query_pairs_mut().append_pair("n", &n.to_string());
    }
    let mut items = Vec::new();
    loop {
        let response = client
            .send(scopes, |t| t.request(Method::GET, url.clone()))
            .await?;
        let status = response.status();
        // distribution 3 refuses a page larger than it serves (400, PAGINATION_NUMBER_INVALID):
        // the list is the same in its own pages.
        if status == StatusCode::BAD_REQUEST && items.is_empty() && url != first_page {
            if let Some(n) = page_size {
                let body = response.bytes().await.unwrap_or_default();
                let said = crate::auth::token::error_message(&body).unwrap_or_default();
                eprintln!("warning: the registry refused --page-size {n} ({said}); listing in its own pages");
                url = first_page.clone();
                continue;
            }
        }
        let next = response
            .headers()
            .get(LINK)
            .and_then(|v| v.to_str().ok())
            .and_then(next_link)
            .and_then(|link| url.join(&link).ok());
        let body = response.bytes().await.unwrap_or_default();
        if status != StatusCode::OK {
            return Err(status_error(status, &body, what.to_string()));
        }
        let page: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| Error::Unexpected {
                what: what.to_string(),
                status: status.as_u16(),
                detail: format!("unreadable list: {e}"),
            })?;
        // `null` is how distribution says "none".
        if let Some(list) = page.get(field).and_then(|v| v.as_array()) {
            items.extend(list.iter().filter_map(|v| v.as_str().map(str::to_string)));
        }
        match next {
            Some(n) => url = n,
            None => return Ok(items),
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
