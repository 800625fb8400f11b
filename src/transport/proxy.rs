//! Which requests go through a proxy: one answer for reqwest and for our own sockets
//! (`blob_http`), so the two never disagree.
//!
//! The environment says it the way every tool reads it: `HTTPS_PROXY` for https, `HTTP_PROXY`
//! for http, `ALL_PROXY` for either (lower-case names too), and the exceptions in `NO_PROXY`.
//! On top of those, the rule of Go's net/http, which docker, containerd, crane, skopeo and oras
//! all follow: `localhost` and loopback addresses are never proxied. A registry on this machine
//! (kind's local registry, a port-forward to Harbor) is then reached by regctl as by those
//! tools, whatever proxy a CI runner sets. Only the environment counts, not a desktop's proxy
//! settings, as for those tools.

use hyper_util::client::proxy::matcher::Matcher;
use reqwest::{NoProxy, Proxy, Url};

/// Never proxied: Go's `localhost` and loopback rule, in `NO_PROXY`'s own terms.
const LOOPBACK: &str = "localhost,127.0.0.0/8,::1";

/// One variable's proxy: its name (for errors: the value may hold a password) and value.
type Setting = Option<(&'static str, String)>;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proxies {
    http: Setting,
    https: Setting,
    all: Setting,
    no: String,
}

/// A proxy variable that does not hold a URL.
#[derive(Debug, thiserror::Error)]
#[error("{0} is not a proxy URL (like http://proxy.example:3128)")]
pub struct BadProxy(pub &'static str);

impl Proxies {
    pub fn from_env() -> Self {
        // As Go's net/http: the first of the names that is set and not empty.
        let first = |names: [&'static str; 2]| {
            names.into_iter().find_map(|name| {
                let value = std::env::var(name).ok()?.trim().to_string();
                (!value.is_empty()).then_some((name, value))
            })
        };
        Proxies::new(
            first(["HTTP_PROXY", "http_proxy"]),
            first(["HTTPS_PROXY", "https_proxy"]),
            first(["ALL_PROXY", "all_proxy"]),
            first(["NO_PROXY", "no_proxy"]).map(|(_, v)| v),
        )
    }

    /// The settings (variable name and value) as the environment gives them.
    fn new(http: Setting, https: Setting, all: Setting, no: Option<String>) -> Self {
        let no = no.unwrap_or_default();
        // `*` is no proxy for anything, addresses included (the matcher applies it to names).
        if no.split(',').any(|entry| entry.trim() == "*") {
            return Proxies::default();
        }
        let normal = |setting: Setting| setting.map(|(name, value)| (name, normalised(&value)));
        Proxies {
            http: normal(http),
            https: normal(https),
            all: normal(all),
            no,
        }
    }

    fn exceptions(&self) -> String {
        format!("{},{LOOPBACK}", self.no)
    }

    /// The proxies for a reqwest client, each with the exceptions; empty when none is set.
    pub fn for_reqwest(&self) -> Result<Vec<Proxy>, BadProxy> {
        // reqwest takes the first that matches: the scheme's own, then ALL_PROXY.
        type ProxyFor = fn(&str) -> reqwest::Result<Proxy>;
        let settings: [(&Setting, ProxyFor); 3] = [
            (&self.http, |url| Proxy::http(url)),
            (&self.https, |url| Proxy::https(url)),
            (&self.all, |url| Proxy::all(url)),
        ];
        let mut proxies = Vec::new();
        for (setting, proxy) in settings {
            if let Some((name, url)) = setting {
                let proxy = proxy(url).map_err(|_| BadProxy(name))?;
                proxies.push(proxy.no_proxy(NoProxy::from_string(&self.exceptions())));
            }
        }
        Ok(proxies)
    }

    /// Whether a request to `url` goes through a proxy.
    pub fn is_proxied(&self, url: &Url) -> bool {
        let Ok(uri) = url.as_str().parse::<http::Uri>() else {
            return false;
        };
        let value = |setting: &Setting| setting.as_ref().map_or(String::new(), |(_, v)| v.clone());
        Matcher::builder()
            .all(value(&self.all))
            .http(value(&self.http))
            .https(value(&self.https))
            .no(self.exceptions())
            .build()
            .intercept(&uri)
            .is_some()
    }
}

/// A proxy setting in one spelling for reqwest and for the matcher: parsed as a URL (a bare
/// `host:port` as http), which percent-encodes what a password may hold (`^`, `|`) and the
/// matcher would otherwise refuse, and so silently take for no proxy at all. A value that is
/// no URL stays as it was, for `for_reqwest` to name.
fn normalised(value: &str) -> String {
    let parsed = if value.contains("://") {
        Url::parse(value)
    } else {
        Url::parse(&format!("http://{value}"))
    };
    parsed.map_or_else(|_| value.to_string(), |url| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(http: &str, https: &str, all: &str, no: &str) -> Proxies {
        let setting =
            |name, value: &str| Some((name, value.to_string())).filter(|_| !value.is_empty());
        Proxies::new(
            setting("HTTP_PROXY", http),
            setting("HTTPS_PROXY", https),
            setting("ALL_PROXY", all),
            Some(no.to_string()),
        )
    }

    fn proxied(p: &Proxies, url: &str) -> bool {
        p.is_proxied(&Url::parse(url).unwrap())
    }

    #[test]
    fn each_scheme_takes_its_own_proxy_or_all_proxy() {
        let p = proxies("http://p:3128", "", "", "");
        assert!(proxied(&p, "http://harbor.example/v2/"));
        assert!(!proxied(&p, "https://harbor.example/v2/"));
        let p = proxies("", "", "http://p:3128", "");
        assert!(proxied(&p, "https://harbor.example/v2/"));
        assert!(!proxied(&Proxies::default(), "https://harbor.example/v2/"));
    }

    #[test]
    fn a_password_with_odd_characters_is_still_a_proxy() {
        let p = proxies("http://user:p^w|x@proxy:3128", "proxy:3129", "", "");
        assert!(proxied(&p, "http://harbor.example/v2/"));
        assert!(proxied(&p, "https://harbor.example/v2/"));
        assert_eq!(p.for_reqwest().unwrap().len(), 2);
    }

    #[test]
    fn loopback_and_localhost_are_never_proxied() {
        let p = proxies("http://p:3128", "http://p:3128", "", "");
        for url in [
            "http://127.0.0.1:5000/v2/",
            "https://127.0.0.2/v2/",
            "http://localhost:5000/v2/",
            "https://[::1]:5000/v2/",
        ] {
            assert!(!proxied(&p, url), "{url}");
        }
        assert!(proxied(&p, "https://10.0.0.5:5000/v2/"));
    }

    #[test]
    fn no_proxy_names_domains_and_networks() {
        let p = proxies("", "http://p:3128", "", "harbor.corp, 10.0.0.0/8");
        assert!(!proxied(&p, "https://harbor.corp/v2/"));
        assert!(!proxied(&p, "https://eu.harbor.corp/v2/"));
        assert!(!proxied(&p, "https://10.1.2.3:443/v2/"));
        assert!(proxied(&p, "https://registry-1.docker.io/v2/"));
        assert!(!proxied(
            &proxies("", "http://p:3128", "", "*"),
            "https://x.io/"
        ));
    }

    #[test]
    fn reqwest_gets_one_proxy_per_setting_and_a_bad_one_is_an_error() {
        assert!(Proxies::default().for_reqwest().unwrap().is_empty());
        let p = proxies("http://p:3128", "http://user:pw@p:3129", "", "");
        assert_eq!(p.for_reqwest().unwrap().len(), 2);
        let bad = proxies("", "http://user:secret@p:notaport", "", "").for_reqwest();
        let message = bad.unwrap_err().to_string();
        assert!(message.starts_with("HTTPS_PROXY is not"), "{message}");
        assert!(!message.contains("secret"), "{message}");
    }
}
