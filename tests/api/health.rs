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
