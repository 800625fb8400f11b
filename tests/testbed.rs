//! Smoke tests of the test bed itself: the token service, the three registries and the CA.

mod support;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use support::{bed, TestBed, SERVICE};

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("JWT has a payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url payload"))
        .expect("JSON claims")
}

fn header_of(token: &str) -> Value {
    let header = token.split('.').next().expect("JWT has a header");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).expect("base64url header"))
        .expect("JSON header")
}

fn token_ok(bed: &TestBed, creds: Option<(&str, &str)>, scopes: &[&str]) -> String {
    bed.token(creds, scopes)
        .unwrap_or_else(|status| panic!("token service answered {status}"))
}

#[test]
fn token_registry_challenges_with_bearer_realm() {
    let bed = bed();
    let resp = bed
        .client()
        .get(format!("https://{}/v2/", bed.token_registry))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let challenge = resp
        .headers()
        .get("www-authenticate")
        .expect("WWW-Authenticate")
        .to_str()
        .unwrap()
        .to_string();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(
        challenge.contains(&format!("realm=\"{}\"", bed.realm)),
        "{challenge}"
    );
    assert!(
        challenge.contains(&format!("service=\"{SERVICE}\"")),
        "{challenge}"
    );
    assert!(bed.realm.starts_with("https://127.0.0.1:") && bed.realm.ends_with("/service/token"));
}

#[test]
fn admin_token_is_accepted_by_the_registry() {
    let bed = bed();
    let token = token_ok(
        bed,
        Some(support::ADMIN),
        &["repository:private/smoke:pull,push"],
    );
    let header = header_of(&token);
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["x5c"].as_array().map(Vec::len), Some(1));
    let claims = claims_of(&token);
    assert_eq!(claims["iss"], support::ISSUER);
    assert_eq!(claims["aud"], SERVICE);
    assert_eq!(claims["sub"], "admin");
    assert_eq!(
        claims["access"],
        serde_json::json!([{"type": "repository", "name": "private/smoke", "actions": ["pull", "push"]}])
    );

    let client = bed.client();
    let base = format!("https://{}", bed.token_registry);
    let resp = client
        .get(format!("{base}/v2/"))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(
        resp.status().as_u16(),
        200,
        "{}",
        bed.registry_log(&bed.token_registry)
    );
    let resp = client
        .get(format!("{base}/v2/private/smoke/tags/list"))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    let body: Value = resp.json().unwrap();
    assert_eq!(body["errors"][0]["code"], "NAME_UNKNOWN", "{body}");

    let reqs = bed.token_requests_of(Some("admin"));
    assert!(reqs.iter().any(|r| r.grant == "basic"
        && r.method == "GET"
        && r.issued
        && r.scopes == ["repository:private/smoke:pull,push"]));
}

#[test]
fn anonymous_token_has_no_access_to_private() {
    let bed = bed();
    let scope = "repository:private/smoke:pull";
    let token = token_ok(bed, None, &[scope]);
    let claims = claims_of(&token);
    assert_eq!(claims["access"], serde_json::json!([]));
    assert_eq!(claims["sub"], "");
    let resp = bed
        .client()
        .get(format!(
            "https://{}/v2/private/smoke/tags/list",
            bed.token_registry
        ))
        .bearer_auth(&token)
        .send()
        .unwrap();
    let status = resp.status().as_u16();
    assert!(status == 401 || status == 403, "status {status}");
    let challenge = resp
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(challenge.contains("insufficient_scope"), "{challenge}");
    assert!(bed
        .token_requests_of(None)
        .iter()
        .any(|r| r.grant == "anonymous" && r.issued && r.scopes == [scope]));

    // Anonymous may pull from the public project `library`.
    let token = token_ok(bed, None, &["repository:library/smoke-anon:pull,push"]);
    assert_eq!(
        claims_of(&token)["access"],
        serde_json::json!([{"type": "repository", "name": "library/smoke-anon", "actions": ["pull"]}])
    );
}

#[test]
fn permissions_are_intersected() {
    let bed = bed();
    bed.add_user("smoke-perm", "Perm12345", &[("private", "pull")]);
    let token = token_ok(
        bed,
        Some(("smoke-perm", "Perm12345")),
        &[
            "repository:private/x:pull,push,delete",
            "repository:other/y:pull",
            "registry:catalog:*",
            "repository:library/z:pull",
        ],
    );
    assert_eq!(
        claims_of(&token)["access"],
        serde_json::json!([
            {"type": "repository", "name": "private/x", "actions": ["pull"]},
            {"type": "repository", "name": "library/z", "actions": ["pull"]},
        ])
    );
    // The admin may list the catalog, and gets "*" on any repository.
    let token = token_ok(
        bed,
        Some(support::ADMIN),
        &["registry:catalog:*", "repository:any/thing:*"],
    );
    assert_eq!(
        claims_of(&token)["access"],
        serde_json::json!([
            {"type": "registry", "name": "catalog", "actions": ["*"]},
            {"type": "repository", "name": "any/thing", "actions": ["*"]},
        ])
    );
    let reqs = bed.token_requests_of(Some("smoke-perm"));
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].scopes.len(), 4);
}

#[test]
fn wrong_password_is_refused_by_the_token_service() {
    let bed = bed();
    bed.add_user("smoke-wrong", "Right12345", &[("private", "pull")]);
    let resp = bed
        .client()
        .get(&bed.realm)
        .query(&[
            ("service", SERVICE),
            ("scope", "repository:private/smoke:pull"),
        ])
        .basic_auth("smoke-wrong", Some("Wrong"))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = resp.json().unwrap();
    assert_eq!(body["errors"][0]["code"], "UNAUTHORIZED");
    let reqs = bed.token_requests_of(Some("smoke-wrong"));
    assert_eq!(reqs.len(), 1);
    assert!(!reqs[0].issued);
    assert_eq!(reqs[0].grant, "basic");
}

#[test]
fn offline_password_grant_and_refresh_token_grant() {
    let bed = bed();
    bed.add_user("smoke-oauth", "Oauth12345", &[("private", "pull,push")]);
    let client = bed.client();
    let resp = client
        .post(&bed.realm)
        .form(&[
            ("grant_type", "password"),
            ("username", "smoke-oauth"),
            ("password", "Oauth12345"),
            ("service", SERVICE),
            ("scope", "repository:private/oauth:pull,push"),
            ("client_id", "regctl-test"),
            ("access_type", "offline"),
        ])
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body: Value = resp.json().unwrap();
    assert_eq!(body["expires_in"], 300);
    assert!(body["issued_at"].as_str().unwrap().contains('T'));
    assert_eq!(body["token"], body["access_token"]);
    let refresh = body["refresh_token"]
        .as_str()
        .expect("refresh_token")
        .to_string();

    let resp = client
        .post(&bed.realm)
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
            ("service", SERVICE),
            ("scope", "repository:private/oauth:pull"),
            ("client_id", "regctl-test"),
        ])
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body: Value = resp.json().unwrap();
    let token = body["access_token"].as_str().unwrap();
    let claims = claims_of(token);
    assert_eq!(claims["sub"], "smoke-oauth");
    assert_eq!(claims["access"][0]["actions"], serde_json::json!(["pull"]));
    // The refreshed token works against the registry.
    let resp = client
        .get(format!("https://{}/v2/", bed.token_registry))
        .bearer_auth(token)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);

    // An unknown refresh token is refused.
    let resp = client
        .post(&bed.realm)
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "not-a-refresh-token"),
            ("service", SERVICE),
        ])
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);

    let reqs = bed.token_requests_of(Some("smoke-oauth"));
    let grants: Vec<(&str, bool, bool)> = reqs
        .iter()
        .map(|r| (r.grant.as_str(), r.offline, r.issued))
        .collect();
    assert_eq!(
        grants,
        [("password", true, true), ("refresh_token", false, true)]
    );
    assert!(reqs
        .iter()
        .all(|r| r.method == "POST" && r.client_id.as_deref() == Some("regctl-test")));
}

#[test]
fn offline_token_on_get_returns_a_refresh_token() {
    let bed = bed();
    bed.add_user("smoke-offline", "Offline12345", &[("private", "pull")]);
    let resp = bed
        .client()
        .get(&bed.realm)
        .query(&[
            ("service", SERVICE),
            ("scope", "repository:private/smoke:pull"),
            ("offline_token", "true"),
            ("client_id", "regctl-test"),
        ])
        .basic_auth("smoke-offline", Some("Offline12345"))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body: Value = resp.json().unwrap();
    assert!(body["refresh_token"]
        .as_str()
        .is_some_and(|r| !r.is_empty()));
    let reqs = bed.token_requests_of(Some("smoke-offline"));
    assert_eq!(reqs.len(), 1);
    assert!(reqs[0].offline && reqs[0].issued);
}

#[test]
fn basic_registry_checks_passwords() {
    let bed = bed();
    let client = bed.client();
    let url = format!("https://{}/v2/", bed.basic_registry);
    let resp = client.get(&url).send().unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let challenge = resp.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(challenge.starts_with("Basic "), "{challenge}");
    for (user, password) in support::BASIC_USERS {
        let resp = client
            .get(&url)
            .basic_auth(user, Some(password))
            .send()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{user}");
    }
    let resp = client
        .get(&url)
        .basic_auth("admin", Some("wrong"))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
}

#[test]
fn plain_registry_answers_http() {
    let bed = bed();
    let resp = bed
        .client()
        .get(format!("http://{}/v2/", bed.plain_registry))
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        resp.headers()["docker-distribution-api-version"],
        "registry/2.0"
    );
}

#[test]
fn push_image_helper_works_on_every_registry() {
    let bed = bed();
    let cases = [
        (&bed.token_registry, Some(support::ROBOT)),
        (&bed.basic_registry, Some(support::ADMIN)),
        (&bed.plain_registry, None),
    ];
    for (registry, creds) in cases {
        let img = bed.push_image(registry, "private/pushed", "v1", creds);
        assert!(img.digest.starts_with("sha256:"));
        // Read it back.
        let client = bed.client();
        let mut req = client
            .get(format!(
                "{}/v2/private/pushed/manifests/v1",
                bed.url(registry)
            ))
            .header("accept", support::OCI_MANIFEST);
        if registry == &bed.token_registry {
            let token = token_ok(bed, creds, &["repository:private/pushed:pull"]);
            req = req.bearer_auth(token);
        } else if let Some((u, p)) = creds {
            req = req.basic_auth(u, Some(p));
        }
        let resp = req.send().unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{registry}");
        assert_eq!(resp.bytes().unwrap().as_ref(), img.manifest.as_slice());
    }
    // Same repository:tag → same content → same digest everywhere.
    let a = bed.push_image(&bed.plain_registry, "library/same", "t", None);
    let b = bed.push_image(&bed.basic_registry, "library/same", "t", Some(support::DEV));
    assert_eq!(a.digest, b.digest);
}

#[test]
fn ca_and_files_are_in_the_bed_dir() {
    let bed = bed();
    let pem = std::fs::read_to_string(&bed.ca_file).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(bed.ca_file.starts_with(&bed.dir));
    assert!(bed
        .certs_d
        .join(&bed.token_registry)
        .join("ca.crt")
        .is_file());
    assert!(bed
        .registry_log_file(&bed.token_registry)
        .unwrap()
        .is_file());
    // A client that does not trust the test CA is refused.
    support::install_crypto_provider();
    let untrusting = reqwest::blocking::Client::builder()
        .tls_certs_only(Vec::new())
        .no_proxy()
        .build()
        .unwrap();
    let err = untrusting
        .get(format!("https://{}/v2/", bed.basic_registry))
        .send()
        .unwrap_err();
    assert!(err.is_connect() || err.is_request(), "{err:?}");
    eprintln!("test bed started in {:?}", bed.startup);
}
