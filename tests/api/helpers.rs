//! `spawn_app` and the `TestApp` that hands out signed-in users of any role.

use diesel::connection::SimpleConnection;
use diesel::Connection;
use fieldline::clock::Clock;
use fieldline::config::{InspectionSettings, MailSettings, MailTransport, RevisitSettings, Settings};
use fieldline::startup::Application;
use fieldline_mobile_api::{NewUser, Problem, Role, TokenResponse, User};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
pub const USER_PASSWORD: &str = "user-password-for-tests";
pub const JWT_SECRET: &str = "a-test-signing-secret-of-enough-length";

pub struct TestApp {
    pub address: String,
    pub http: reqwest::Client,
    pub admin: String,
    pub settings: Settings,
    pub clock: Clock,
    /// Where the relay hands e-mails over (the memory mailer unless a test chose another).
    pub mailer: fieldline::mail::Mailer,
    /// The test's own database, removed when the last application on it is dropped; none for a
    /// service running in another process (`remote`).
    database: Option<std::sync::Arc<TestDatabase>>,
}

/// A test's own database (see `fresh_database`): dropped with the last application on it, so a
/// run of the whole suite does not keep a copy per test on the disk.
struct TestDatabase(String);

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match self.0.strip_prefix("sqlite://") {
            Some(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
            None => {
                let (_, name, _) = split_database_url(&self.0);
                let base = std::env::var("FIELDLINE_TEST_DATABASE_URL").unwrap_or_default();
                // The application's connections are still open; FORCE ends them.
                if let Ok(mut conn) = diesel::PgConnection::establish(&base) {
                    let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
                }
            }
        }
    }
}

/// A database URL of its own for one test: a copy of one database migrated once per test run
/// (a SQLite file copied, or a PostgreSQL database made from a template database), so no test
/// migrates afresh.
fn fresh_database() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    match std::env::var("FIELDLINE_TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty())
    {
        Some(base) => {
            let (server, name, params) = split_database_url(&base);
            let template = pg_template(&base);
            let db: String = format!("{name}_{}", &id[..16]).chars().take(63).collect();
            let mut conn =
                diesel::PgConnection::establish(&base).expect("FIELDLINE_TEST_DATABASE_URL is not reachable");
            conn.batch_execute(&format!("CREATE DATABASE \"{db}\" TEMPLATE \"{template}\""))
                .expect("create a test database from the template");
            format!("{server}/{db}{params}")
        }
        None => {
            let path = sqlite_template()
                .parent()
                .expect("the test-db folder")
                .join(format!("t_{id}.db"));
            std::fs::copy(sqlite_template(), &path).expect("copy the template database");
            format!("sqlite://{}", path.display())
        }
    }
}

/// The server part, the database name and the parameters (`?...`, or empty) of a PostgreSQL URL
/// (`postgres://u@h:p/name?sslmode=disable`); the tests' databases keep the parameters.
fn split_database_url(url: &str) -> (&str, &str, &str) {
    let (url, params) = match url.find('?') {
        Some(i) => url.split_at(i),
        None => (url, ""),
    };
    let (server, name) = url.rsplit_once('/').expect("a PostgreSQL URL names its database");
    (server, name, params)
}

/// A SQLite file with every migration applied, made once per test run.
fn sqlite_template() -> &'static std::path::Path {
    static TEMPLATE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-db");
        std::fs::create_dir_all(&dir).expect("test db folder");
        let path = dir.join(format!("template-{}.db", uuid::Uuid::new_v4().simple()));
        let pool = fieldline::db::connect(&format!("sqlite://{}", path.display()), 1).expect("migrate the template");
        // Out of WAL mode, so the one file holds everything and can be copied.
        pool.get()
            .expect("the template's connection")
            .batch_execute("PRAGMA journal_mode = DELETE")
            .expect("leave WAL mode");
        drop(pool);
        path
    })
}

/// A PostgreSQL database with every migration applied, made once per test run on the server of
/// `base` and named after its database; the tests' databases are made from it.
fn pg_template(base: &str) -> &'static str {
    static TEMPLATE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let (server, name, params) = split_database_url(base);
        let template: String = format!("{name}_template_{}", std::process::id())
            .chars()
            .take(63)
            .collect();
        let mut conn = diesel::PgConnection::establish(base).expect("FIELDLINE_TEST_DATABASE_URL is not reachable");
        for sql in [
            format!("DROP DATABASE IF EXISTS \"{template}\""),
            format!("CREATE DATABASE \"{template}\""),
        ] {
            conn.batch_execute(&sql).expect("create the template database");
        }
        drop(fieldline::db::connect(&format!("{server}/{template}{params}"), 1).expect("migrate the template"));
        template
    })
}

pub fn test_settings() -> Settings {
    test_settings_on(fresh_database())
}

fn test_settings_on(database_url: String) -> Settings {
    Settings {
        database_url,
        database_pool_size: 4,
        port: 0,
        jwt_secret: JWT_SECRET.into(),
        admin_password: Some(ADMIN_PASSWORD.into()),
        sla_scan_cron: String::new(),
        ping_retention_cron: String::new(),
        personal_data_retention_cron: String::new(),
        unanswered_resolutions_cron: String::new(),
        chase_climb_cron: String::new(),
        mail: MailSettings {
            // Nothing leaves a test unless it says so; the relay runs only when a test runs it.
            transport: MailTransport::Memory,
            relay_cron: String::new(),
            ..MailSettings::default()
        },
        revisits: RevisitSettings {
            generation_cron: String::new(),
            ..RevisitSettings::default()
        },
        inspections: InspectionSettings {
            generation_cron: String::new(),
            ..InspectionSettings::default()
        },
        report_mailing_cron: String::new(),
        quality_sample_cron: String::new(),
        handover_watch_cron: String::new(),
        ..Settings::default()
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(change: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_full(change, Clock::System).await
}

/// An application whose clock stands still at `at` until the test moves it.
pub async fn spawn_app_at(at: &str) -> TestApp {
    spawn_app_full(|_| {}, Clock::fake(at.parse().expect("an RFC 3339 time"))).await
}

pub async fn spawn_app_full(change: impl FnOnce(&mut Settings), clock: Clock) -> TestApp {
    spawn_app_on(std::sync::Arc::new(TestDatabase(fresh_database())), change, clock).await
}

async fn spawn_app_on(
    database: std::sync::Arc<TestDatabase>,
    change: impl FnOnce(&mut Settings),
    clock: Clock,
) -> TestApp {
    if std::env::var("TEST_LOG").is_ok() {
        fieldline::telemetry::init();
    }
    let mut settings = test_settings_on(database.0.clone());
    change(&mut settings);
    let (app, _) = Application::build_with_clock(settings.clone(), clock.clone())
        .await
        .expect("the application builds");
    let port = app.port();
    let mailer = app.mailer();
    tokio::spawn(app.run_until_stopped());
    let mut t = TestApp {
        address: format!("http://127.0.0.1:{port}"),
        http: reqwest::Client::new(),
        admin: String::new(),
        settings,
        clock,
        mailer,
        database: Some(database),
    };
    t.admin = t.login("admin", ADMIN_PASSWORD).await.access_token;
    t
}

impl TestApp {
    /// Another node of the same service: an application of its own on this one's database (and,
    /// with a fake clock, on this one's clock), with its settings changed by `change`.
    pub async fn node(&self, change: impl FnOnce(&mut Settings)) -> TestApp {
        let database = self.database.clone().expect("a node of a service this test started");
        spawn_app_on(database, change, self.clock.clone()).await
    }

    /// A service running in another process at `address` on the database at `database_url`,
    /// its admin signed in with the tests' admin password.
    pub async fn remote(address: &str, database_url: &str) -> TestApp {
        let settings = test_settings_on(database_url.to_string());
        let mut t = TestApp {
            address: address.to_string(),
            http: reqwest::Client::new(),
            admin: String::new(),
            mailer: fieldline::mail::Mailer::from_settings(&settings.mail).expect("a memory mailer"),
            settings,
            clock: Clock::System,
            database: None,
        };
        t.admin = t.login("admin", ADMIN_PASSWORD).await.access_token;
        t
    }
}

static NEXT_USER: AtomicUsize = AtomicUsize::new(1);

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn login(&self, username: &str, password: &str) -> TokenResponse {
        let resp = self
            .post_anon(
                "/api/v1/auth/login",
                &serde_json::json!({"username": username, "password": password}),
            )
            .await;
        assert_eq!(resp.status(), 200, "login of {username} failed");
        resp.json().await.expect("token response")
    }

    /// A new active user of the role, and their access token.
    pub async fn user(&self, role: Role) -> (User, String) {
        let n = NEXT_USER.fetch_add(1, Ordering::Relaxed);
        let username = format!("{}{n}", role.as_str().replace('_', "-"));
        let body = NewUser {
            username: username.clone(),
            display_name: format!("Test {role} {n}"),
            email: Some(format!("{username}@example.com")),
            phone: None,
            role,
            password: USER_PASSWORD.into(),
            language: None,
        };
        let user: User = self.ok(self.post("/api/v1/users", &self.admin, &body).await, 201).await;
        let token = self.login(&username, USER_PASSWORD).await.access_token;
        (user, token)
    }

    pub async fn token(&self, role: Role) -> String {
        self.user(role).await.1
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    pub async fn post<B: serde::Serialize + ?Sized>(&self, path: &str, token: &str, body: &B) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_anon<B: serde::Serialize + ?Sized>(&self, path: &str, body: &B) -> reqwest::Response {
        self.http.post(self.url(path)).json(body).send().await.expect("request")
    }

    /// POSTs raw bytes as JSON.
    pub async fn post_raw(&self, path: &str, token: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn patch<B: serde::Serialize + ?Sized>(&self, path: &str, token: &str, body: &B) -> reqwest::Response {
        self.http
            .patch(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn put<B: serde::Serialize + ?Sized>(&self, path: &str, token: &str, body: &B) -> reqwest::Response {
        self.http
            .put(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn delete(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// Asserts the status and decodes the body.
    pub async fn ok<T: DeserializeOwned>(&self, resp: reqwest::Response, status: u16) -> T {
        let got = resp.status().as_u16();
        let text = resp.text().await.expect("body");
        assert_eq!(got, status, "unexpected status; body: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot decode {text}: {e}"))
    }

    /// Creates a customer, one site at the given position, and returns their ids.
    pub async fn customer_with_site(&self, lat: f64, lon: f64) -> (i64, i64) {
        let c: Value = self
            .ok(
                self.post(
                    "/api/v1/customers",
                    &self.admin,
                    &serde_json::json!({"name": "Acme Power", "tier": "gold"}),
                )
                .await,
                201,
            )
            .await;
        let cid = c["id"].as_i64().unwrap();
        let s: Value = self
            .ok(
                self.post(
                    "/api/v1/sites",
                    &self.admin,
                    &serde_json::json!({"customer_id": cid, "name": "Substation 1", "address": "1 Wensan Rd", "latitude": lat, "longitude": lon}),
                )
                .await,
                201,
            )
            .await;
        (cid, s["id"].as_i64().unwrap())
    }
}

/// Asserts a problem+json answer with the status and code; returns it.
pub async fn problem(resp: reqwest::Response, status: u16, code: &str) -> Problem {
    let got = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_string())
        .unwrap_or_default();
    let text = resp.text().await.expect("body");
    assert_eq!(got, status, "unexpected status; body: {text}");
    assert_eq!(ct, "application/problem+json", "content type of {text}");
    let p: Problem = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not a problem body {text}: {e}"));
    assert_eq!(p.code.as_str(), code, "code of {text}");
    assert_eq!(p.status, status);
    p
}

/// A square polygon as GeoJSON, from (lon, lat) corners.
pub fn square(lon0: f64, lat0: f64, lon1: f64, lat1: f64) -> Value {
    serde_json::json!({"type": "Polygon", "coordinates": [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]]})
}
