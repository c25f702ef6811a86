use crate::helpers::spawn_app;

/// The committed copy in mobile-api/openapi.json must match what the handlers generate.
/// Run with UPDATE_OPENAPI=1 to rewrite it after changing the API.
#[tokio::test]
async fn the_committed_openapi_document_is_current() {
    let app = spawn_app().await;
    let served = app
        .http
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let generated = fieldline::api::openapi_document();
    assert_eq!(served, generated);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("mobile-api/openapi.json");
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "mobile-api/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test openapi` (or `fieldline openapi > mobile-api/openapi.json`)"
    );
    let doc: serde_json::Value = serde_json::from_str(&generated).unwrap();
    for p in [
        "/api/v1/auth/login",
        "/api/v1/customers",
        "/api/v1/sites/{id}",
        "/api/v1/audit",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} is documented");
    }
    assert!(doc["components"]["schemas"].get("Problem").is_some());
}

/// A method a path does not take answers 405 with the methods it does take in `Allow`
/// (RFC 9110), on every path of the document: the route table and the document agree.
#[tokio::test]
async fn a_method_not_allowed_names_the_allowed_ones() {
    let app = spawn_app().await;
    let doc: serde_json::Value = serde_json::from_str(&fieldline::api::openapi_document()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        let documented: Vec<String> = ["get", "put", "post", "delete", "patch"]
            .iter()
            .filter(|m| item.get(**m).is_some())
            .map(|m| m.to_uppercase())
            .collect();
        let concrete = path
            .replace("{id}", "1")
            .replace("{name}", "sla_scan")
            .replace("{token}", "x");
        let res = app
            .http
            .request(reqwest::Method::TRACE, app.url(&concrete))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 405, "TRACE {path}");
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            "application/problem+json",
            "TRACE {path}"
        );
        assert_eq!(
            res.headers().get("allow").map(|v| v.to_str().unwrap().to_string()),
            Some(documented.join(", ")),
            "TRACE {path}"
        );
    }
    let res = app
        .http
        .request(reqwest::Method::POST, app.url("/survey.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "GET");
}
