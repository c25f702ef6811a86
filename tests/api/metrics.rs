//! `/metrics`: the Prometheus text format, for an admin's token only.

use crate::dispatch::technician;
use crate::helpers::{problem, spawn_app_at};
use crate::tickets::at;
use chrono::Duration;
use fieldline_mobile_api::client::Client;
use fieldline_mobile_api::{LocationPing, Role};
use serde_json::Value;

/// The value of the sample `series` (name and labels as written), if the text has it.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
        .and_then(|v| v.trim().parse().ok())
}

#[tokio::test]
async fn metrics_are_scraped_by_an_admin_only() {
    let app = spawn_app_at("2026-11-24T01:00:00Z").await;
    // Some work to count: requests, a job run, a batch of positions.
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/me", &app.admin).await.status(), 200);
    }
    let run: Value = app
        .ok(
            app.post("/api/v1/jobs/sla_scan/run", &app.admin, &serde_json::json!({}))
                .await,
            200,
        )
        .await;
    assert_eq!(run["ran"], true);
    let (id, _) = technician(&app, 30.26, 120.16, serde_json::json!([])).await;
    let user: Value = app
        .ok(app.get(&format!("/api/v1/users/{id}"), &app.admin).await, 200)
        .await;
    let mut phone = Client::new(&app.address);
    phone
        .login(user["username"].as_str().unwrap(), crate::helpers::USER_PASSWORD)
        .await
        .unwrap();
    let ping = LocationPing {
        at: at("2026-11-24T01:00:00Z") - Duration::minutes(1),
        latitude: 30.25,
        longitude: 120.15,
        accuracy_m: 10.0,
    };
    phone.send_pings("metrics-1", vec![ping]).await.unwrap();

    // Without a token 401, as a non-admin 403.
    let r = app.http.get(app.url("/metrics")).send().await.unwrap();
    problem(r, 401, "unauthorized").await;
    let (_, agent) = app.user(Role::Agent).await;
    problem(app.get("/metrics", &agent).await, 403, "forbidden").await;

    let r = app.get("/metrics", &app.admin).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    let text = r.text().await.unwrap();
    let me = sample(
        &text,
        r#"fieldline_http_requests_total{method="GET",route="/api/v1/me",status="200"}"#,
    );
    assert_eq!(me, Some(3.0), "{text}");
    assert!(
        sample(
            &text,
            r#"fieldline_http_request_duration_seconds_count{method="GET",route="/api/v1/me"}"#
        ) == Some(3.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            r#"fieldline_http_requests_total{method="GET",route="/metrics",status="403"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, r#"fieldline_job_runs_total{job="sla_scan",outcome="ran"}"#),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, r#"fieldline_job_run_duration_seconds_count{job="sla_scan"}"#),
        Some(1.0)
    );
    assert_eq!(sample(&text, "fieldline_write_groups_total"), Some(1.0));
    assert_eq!(
        sample(&text, r#"fieldline_outbox_messages{status="pending"}"#),
        Some(0.0)
    );
    assert_eq!(sample(&text, r#"fieldline_outbox_messages{status="dead"}"#), Some(0.0));
    assert_eq!(
        sample(&text, r#"fieldline_sla_breaches_recorded{clock="response"}"#),
        Some(0.0)
    );
    assert!(
        sample(&text, "fieldline_db_pool_connections").is_some_and(|n| n >= 1.0),
        "{text}"
    );
    assert!(
        sample(&text, "fieldline_db_pool_connections_in_use").is_some(),
        "{text}"
    );
    assert!(
        sample(&text, "fieldline_db_pool_wait_seconds_count").is_some_and(|n| n >= 1.0),
        "{text}"
    );
}
