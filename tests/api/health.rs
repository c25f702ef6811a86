use crate::helpers::spawn_app;
use serde_json::Value;

#[tokio::test]
async fn health_and_ready_answer() {
    let app = spawn_app().await;
    let h: Value = app
        .http
        .get(app.url("/health"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h["status"], "ok");
    let r = app.http.get(app.url("/ready")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r: Value = r.json().await.unwrap();
    let expected = if app.settings.database_url.starts_with("postgres") {
        "postgresql"
    } else {
        "sqlite"
    };
    assert_eq!(r["database"], expected);
}

#[tokio::test]
async fn the_first_admin_is_created_once() {
    let app = spawn_app().await;
    let me: Value = app.ok(app.get("/api/v1/me", &app.admin).await, 200).await;
    assert_eq!(me["username"], "admin");
    assert_eq!(me["role"], "admin");
    // Building a second application on the same database does not add another admin.
    let (_again, boot) = fieldline::startup::Application::build(app.settings.clone())
        .await
        .unwrap();
    assert!(boot.generated_admin_password.is_none());
    let users: Value = app.ok(app.get("/api/v1/users?role=admin", &app.admin).await, 200).await;
    assert_eq!(users["total"], 1);
}

#[tokio::test]
async fn a_generated_admin_password_is_returned_once() {
    let settings = fieldline::config::Settings {
        admin_password: None,
        ..crate::helpers::test_settings()
    };
    let (app, boot) = fieldline::startup::Application::build(settings.clone()).await.unwrap();
    let password = boot.generated_admin_password.expect("a generated password");
    assert!(password.len() >= 12);
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    let resp = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "admin", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn production_refuses_a_default_or_short_secret() {
    use fieldline::config::{Environment, Settings, DEV_JWT_SECRET};
    for secret in [DEV_JWT_SECRET, "short-secret"] {
        let settings = Settings {
            environment: Environment::Production,
            jwt_secret: secret.into(),
            ..crate::helpers::test_settings()
        };
        assert!(
            fieldline::startup::Application::build(settings).await.is_err(),
            "{secret}"
        );
    }
}

#[tokio::test]
async fn ready_gives_an_admin_the_backlog_and_the_jobs_without_changing_its_status() {
    let app = crate::helpers::spawn_app_full(
        |s| s.report_mailing_cron = "0 0 6 * * *".into(),
        fieldline::clock::Clock::fake("2026-03-02T09:00:00Z".parse().unwrap()),
    )
    .await;
    // Anyone: the status and the database, no detail.
    let anon: Value = app
        .http
        .get(app.url("/ready"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(anon.get("detail").is_none(), "{anon}");
    let (_, agent) = app.user(fieldline_mobile_api::Role::Agent).await;
    let r: Value = app.ok(app.get("/ready", &agent).await, 200).await;
    assert!(r.get("detail").is_none(), "{r}");

    // The start-up catches up the report mailing's 06:00 run; then nothing is stale.
    let mut ready = Value::Null;
    for _ in 0..200 {
        ready = app.ok(app.get("/ready", &app.admin).await, 200).await;
        let job = ready["detail"]["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["job"] == "report_mailing")
            .cloned()
            .unwrap();
        if job["last_started_at"].is_string() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let d = &ready["detail"];
    assert_eq!(d["outbox"]["pending"], 0, "{d}");
    assert_eq!(d["outbox"]["dead"], 0);
    assert_eq!(d["jobs"].as_array().unwrap().len(), fieldline::jobs::JOBS.len());
    assert!(d["jobs"].as_array().unwrap().iter().all(|j| j["stale"] == false), "{d}");
    assert_eq!(d["alerts"], serde_json::json!([]));

    // Two days on without a run: the job is stale and an alert says so; the status stays 200.
    app.clock.advance(chrono::Duration::days(2));
    let r = app.get("/ready", &app.admin).await;
    assert_eq!(r.status(), 200);
    let ready: Value = r.json().await.unwrap();
    let d = &ready["detail"];
    let job = d["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["job"] == "report_mailing")
        .unwrap();
    assert_eq!(job["stale"], true, "{d}");
    assert_eq!(job["schedule"], "0 0 6 * * *");
    assert!(
        d["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a.as_str().unwrap().contains("report_mailing")),
        "{d}"
    );
    // A job that is switched off is never stale.
    let off = d["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["job"] == "sla_scan")
        .unwrap();
    assert_eq!(
        (off["schedule"].as_str(), off["stale"].as_bool()),
        (Some(""), Some(false))
    );
}
