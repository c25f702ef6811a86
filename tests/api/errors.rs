use crate::helpers::{problem, spawn_app};
use fieldline_mobile_api::Role;
use serde_json::json;

#[tokio::test]
async fn malformed_json_is_400_malformed_json() {
    let app = spawn_app().await;
    for body in [
        "{\"name\": ",
        "",
        "{name: 1}",
        "{\"name\": \"a\", \"tier\": \"gold\"} trailing",
    ] {
        problem(
            app.post_raw("/api/v1/customers", &app.admin, body).await,
            400,
            "malformed_json",
        )
        .await;
    }
}

#[tokio::test]
async fn missing_wrong_typed_and_unknown_fields_are_named() {
    let app = spawn_app().await;
    let p = problem(
        app.post("/api/v1/customers", &app.admin, &json!({"tier": "gold"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("name"));
    let p = problem(
        app.post("/api/v1/customers", &app.admin, &json!({"name": 5, "tier": "gold"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("name"));
    let p = problem(
        app.post(
            "/api/v1/customers",
            &app.admin,
            &json!({"name": "A", "tier": "gold", "account_manager_id": "seven"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("account_manager_id"));
    let p = problem(
        app.post(
            "/api/v1/customers",
            &app.admin,
            &json!({"name": "A", "tier": "gold", "colour": "red"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("colour"));
    let p = problem(
        app.post("/api/v1/customers", &app.admin, &json!([1, 2])).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("body"));
    let p = problem(
        app.post("/api/v1/customers", &app.admin, &json!({"name": "   ", "tier": "gold"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("name"));
}

#[tokio::test]
async fn an_unknown_tier_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let p = problem(
        app.post(
            "/api/v1/customers",
            &app.admin,
            &json!({"name": "Acme", "tier": "bronze"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("tier"));
    assert!(p.detail.contains("bronze"));
    let p = problem(
        app.get("/api/v1/customers?tier=bronze", &app.admin).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("tier"));
}

#[tokio::test]
async fn latitude_91_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let (cid, _) = app.customer_with_site(30.25, 120.15).await;
    let body = json!({"customer_id": cid, "name": "North Pole", "address": "Top", "latitude": 91.0, "longitude": 0.0});
    let p = problem(
        app.post("/api/v1/sites", &app.admin, &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("latitude"));
    let body = json!({"customer_id": cid, "name": "X", "address": "Y", "latitude": 0.0, "longitude": -181.0});
    let p = problem(
        app.post("/api/v1/sites", &app.admin, &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("longitude"));
}

#[tokio::test]
async fn a_duplicate_serial_number_is_409() {
    let app = spawn_app().await;
    let (_, sid) = app.customer_with_site(30.25, 120.15).await;
    let asset = json!({"site_id": sid, "model": "UPS-3000", "serial_number": "SN-0001"});
    assert_eq!(app.post("/api/v1/assets", &app.admin, &asset).await.status(), 201);
    let p = problem(app.post("/api/v1/assets", &app.admin, &asset).await, 409, "duplicate").await;
    assert_eq!(p.field.as_deref(), Some("serial_number"));
}

#[tokio::test]
async fn a_10_mb_body_is_413() {
    let app = spawn_app().await;
    let big = format!("{{\"name\": \"{}\", \"tier\": \"gold\"}}", "x".repeat(10 * 1024 * 1024));
    problem(
        app.post_raw("/api/v1/customers", &app.admin, big.clone()).await,
        413,
        "payload_too_large",
    )
    .await;
    // Without a Content-Length (chunked), the limit holds while reading.
    let stream = futures::stream::iter(
        big.into_bytes()
            .chunks(64 * 1024)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let resp = app
        .post_raw("/api/v1/customers", &app.admin, reqwest::Body::wrap_stream(stream))
        .await;
    problem(resp, 413, "payload_too_large").await;
}

#[tokio::test]
async fn unknown_ids_paths_and_methods() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/customers/999",
        "/api/v1/sites/999",
        "/api/v1/assets/999",
        "/api/v1/regions/999",
        "/api/v1/users/999",
    ] {
        problem(app.get(path, &app.admin).await, 404, "not_found").await;
    }
    problem(app.get("/api/v1/customers/abc", &app.admin).await, 404, "not_found").await;
    problem(app.get("/api/v1/nothing-here", &app.admin).await, 404, "not_found").await;
    problem(
        app.patch("/api/v1/customers/999", &app.admin, &json!({"name": "x"}))
            .await,
        404,
        "not_found",
    )
    .await;
    problem(
        app.delete("/api/v1/customers", &app.admin).await,
        405,
        "method_not_allowed",
    )
    .await;
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;
    let r = app
        .http
        .post(app.url("/api/v1/customers"))
        .bearer_auth(&app.admin)
        .header("content-type", "text/plain")
        .body("name=Acme")
        .send()
        .await
        .unwrap();
    problem(r, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn bad_paging_is_refused_naming_the_parameter() {
    let app = spawn_app().await;
    for (q, field) in [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("offset=-1", "offset"),
        ("limit=ten", "limit"),
    ] {
        let p = problem(
            app.get(&format!("/api/v1/customers?{q}"), &app.admin).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p.field.as_deref(), Some(field), "{q}");
    }
}

/// Odd bodies to every write endpoint: each answer is a problem (never a 500, never a panic),
/// and the server still answers afterwards.
#[tokio::test]
async fn no_input_breaks_the_server() {
    let app = spawn_app().await;
    let agent = app.token(Role::Agent).await;
    let (cid, sid) = app.customer_with_site(30.25, 120.15).await;
    let posts = [
        "/api/v1/auth/login".to_string(),
        "/api/v1/auth/refresh".into(),
        "/api/v1/auth/logout".into(),
        "/api/v1/users".into(),
        "/api/v1/customers".into(),
        format!("/api/v1/customers/{cid}/contacts"),
        "/api/v1/regions".into(),
        "/api/v1/sites".into(),
        "/api/v1/assets".into(),
    ];
    let patches = [
        format!("/api/v1/customers/{cid}"),
        format!("/api/v1/sites/{sid}"),
        "/api/v1/users/1".into(),
        "/api/v1/regions/1".into(),
        "/api/v1/assets/1".into(),
    ];
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let bodies: Vec<String> = vec![
        "null".into(),
        "[]".into(),
        "\"text\"".into(),
        "12345678901234567890123456789".into(),
        "{\"name\": null}".into(),
        "{\"latitude\": 1e400}".into(),
        "{\"name\": \"\\ud800\"}".into(),
        "{\"boundary\": {\"type\": \"Polygon\", \"coordinates\": [[[1e308, 1e308]]]}}".into(),
        "{\"name\": \"😀\", \"tier\": \"gold\", \"customer_id\": -1, \"site_id\": 9223372036854775807}".into(),
        "\u{0}".into(),
        deep,
    ];
    for token in [&app.admin, &agent] {
        for path in &posts {
            for body in &bodies {
                let r = app.post_raw(path, token, body.clone()).await;
                assert!(r.status().is_client_error(), "{path} {body:.40}: {}", r.status());
                assert_eq!(r.headers()["content-type"], "application/problem+json");
            }
        }
        for path in &patches {
            for body in &bodies {
                let r = app
                    .http
                    .patch(app.url(path))
                    .bearer_auth(token)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                // `{"name": null}` is a PATCH that changes nothing; everything else is refused.
                assert!(
                    r.status().is_client_error() || r.status() == 200,
                    "{path} {body:.40}: {}",
                    r.status()
                );
            }
        }
    }
    assert_eq!(app.http.get(app.url("/health")).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn an_address_longer_than_8_kb_is_414_problem_json() {
    let app = spawn_app().await;
    let long = format!("/api/v1/customers?name={}", "a".repeat(8 * 1024));
    let r = app.get(&long, &app.admin).await;
    let p = problem(r, 414, "uri_too_long").await;
    assert!(p.detail.contains("8192"), "{}", p.detail);
    // Just under the limit the request is read (and answered on its merits).
    let fits = format!("/api/v1/customers?name={}", "a".repeat(8 * 1024 - 40));
    assert_ne!(app.get(&fits, &app.admin).await.status(), 414);
}

#[tokio::test]
async fn a_405_names_the_allowed_methods() {
    let app = spawn_app().await;
    for (method, path, allow) in [
        ("DELETE", "/api/v1/customers", "GET, POST"),
        ("POST", "/api/v1/customers/1", "GET, PATCH"),
        ("GET", "/api/v1/outbox/1/send-now", "POST"),
        ("PUT", "/ready", "GET"),
        ("POST", "/survey.js", "GET"),
    ] {
        let r = app
            .http
            .request(method.parse().unwrap(), app.url(path))
            .bearer_auth(&app.admin)
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers().get("allow").map(|v| v.to_str().unwrap()),
            Some(allow),
            "{method} {path}"
        );
        problem(r, 405, "method_not_allowed").await;
    }
}

#[tokio::test]
async fn answers_carry_protective_headers_and_a_request_id() {
    let app = spawn_app().await;
    for (path, token) in [
        ("/api/v1/me", Some(&app.admin)),
        ("/api/v1/customers/999", Some(&app.admin)),
        ("/api/v1/me", None),
        ("/health", None),
        ("/survey.js", None),
        ("/nothing-here", None),
    ] {
        let mut req = app.http.get(app.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.unwrap();
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        if path.starts_with("/api/") {
            assert_eq!(h["cache-control"], "no-store", "{path}");
        }
        let id = h["x-request-id"].to_str().unwrap();
        assert!(
            uuid::Uuid::parse_str(id).is_ok(),
            "a generated request id on {path}: {id}"
        );
    }
    // A sane id is echoed; an odd one is replaced.
    for (sent, echoed) in [("abc-123", true), ("a b", false), (&*"x".repeat(200), false)] {
        let r = app
            .http
            .get(app.url("/health"))
            .header("X-Request-Id", sent)
            .send()
            .await
            .unwrap();
        let got = r.headers()["x-request-id"].to_str().unwrap().to_string();
        assert_eq!(got == sent, echoed, "{sent:?} -> {got}");
    }
}
