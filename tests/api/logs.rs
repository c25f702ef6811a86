//! The log as an operator reads it: the `fieldline` binary runs as a child process with its
//! standard error a pipe (not a terminal), and the tests read what it writes there.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PASSWORD: &str = "admin-password-for-log-tests";

/// A running `fieldline serve` and the lines it has written to standard error so far.
struct Served {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    base: String,
    http: reqwest::Client,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    fn start(format: &str) -> Served {
        let dir =
            std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("logs-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_fieldline"));
        cmd.arg("serve")
            .env("DATABASE_URL", crate::helpers::test_settings().database_url)
            .env("FIELDLINE_HOST", "127.0.0.1")
            .env("FIELDLINE_PORT", "0")
            .env("FIELDLINE_ADMIN_PASSWORD", PASSWORD)
            .env("FIELDLINE_MAIL_DIR", dir.join("mail"))
            .env("FIELDLINE_LOG_FORMAT", format)
            .env_remove("RUST_LOG")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for var in [
            "FIELDLINE_SLA_SCAN_CRON",
            "FIELDLINE_PING_RETENTION_CRON",
            "FIELDLINE_MAIL_RELAY_CRON",
            "FIELDLINE_REVISIT_GENERATION_CRON",
            "FIELDLINE_INSPECTION_GENERATION_CRON",
            "FIELDLINE_REPORT_MAILING_CRON",
        ] {
            cmd.env(var, "");
        }
        let mut child = cmd.spawn().expect("the fieldline binary starts");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                sink.lock().unwrap().push(line);
            }
        });
        let mut served = Served {
            child,
            lines,
            base: String::new(),
            http: reqwest::Client::new(),
        };
        let serving = served.wait_for(|l| l.contains("serving"));
        served.base = format!("http://127.0.0.1:{}", port_in(&serving));
        served
    }

    /// Waits (up to 20 s) for a line that `found` accepts, and returns it.
    fn wait_for(&mut self, found: impl Fn(&str) -> bool) -> String {
        let until = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(l) = self.lines.lock().unwrap().iter().find(|l| found(l)) {
                return l.clone();
            }
            if Instant::now() > until {
                panic!("no such line in the log:\n{}", self.log());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the service stopped ({status}):\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn log(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    async fn admin_token(&self) -> String {
        let r: Value = self
            .http
            .post(format!("{}/api/v1/auth/login", self.base))
            .json(&json!({"username": "admin", "password": PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        r["access_token"].as_str().expect("a token").to_string()
    }
}

/// The port of the start-up line (`port=41234`, or `"port":41234`).
fn port_in(line: &str) -> u16 {
    let at = line.find("port").expect("the start-up line names the port") + 4;
    line[at..]
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .expect("a port number")
}

#[tokio::test]
async fn text_logs_carry_the_request_id_redact_tokens_and_cannot_be_forged() {
    let mut s = Served::start("text");
    let admin = s.admin_token().await;

    // The request id sent is echoed and is on the request's log line.
    let r = s
        .http
        .get(format!("{}/api/v1/me", s.base))
        .bearer_auth(&admin)
        .header("X-Request-Id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-request-id"], "abc-123");
    let line = s.wait_for(|l| l.contains("abc-123"));
    assert!(line.contains("/api/v1/me"), "{line}");

    // A survey link's token is never written, in the page's address nor in the API's.
    let secret = "SeCrEtSurveyToken0123456789abcdef";
    for path in [format!("/survey/{secret}"), format!("/api/v1/surveys/{secret}?x=1")] {
        s.http
            .get(format!("{}{path}", s.base))
            .header("X-Request-Id", "survey-probe")
            .send()
            .await
            .unwrap();
    }
    s.wait_for(|l| l.contains("survey-probe") && l.contains("/api/v1/surveys/<redacted>"));
    s.wait_for(|l| l.contains("survey-probe") && l.contains("/survey/<redacted>"));

    // A newline in input cannot start a line of its own.
    let r = s
        .http
        .post(format!("{}/api/v1/users", s.base))
        .bearer_auth(&admin)
        .header("X-Request-Id", "forgery")
        .json(&json!({"username": "forger", "display_name": "Forger", "role": "agent",
                      "password": "a-long-enough-password", "email": "a@b.example\nFORGED-LINE level=ERROR pwned"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    s.wait_for(|l| l.contains("forgery") && l.contains("validation_failed"));
    // Something after the refusal, so every line of it has been read.
    s.http.get(format!("{}/health", s.base)).send().await.unwrap();
    s.admin_token().await;
    s.wait_for(|l| l.contains("/api/v1/auth/login"));

    let log = s.log();
    assert!(!log.contains(secret), "a token in the log:\n{log}");
    for l in log.lines() {
        assert!(!l.trim_start().starts_with("FORGED-LINE"), "a forged line:\n{log}");
    }
    // Plain text: stderr is a pipe, not a terminal.
    assert!(!log.contains('\u{1b}'), "colour codes in the log:\n{log}");
    // An ordinary refusal is not a warning.
    for l in log.lines().filter(|l| l.contains("forgery")) {
        assert!(!l.contains("WARN") && !l.contains("ERROR"), "{l}");
    }
    // The start-up line names the addresses, and the HTTP server's own chatter is left out.
    let serving = s.wait_for(|l| l.contains("serving"));
    for part in ["/api/v1", "/console", "/openapi.json"] {
        assert!(serving.contains(part), "{serving}");
    }
    assert!(!log.contains("workers"), "library noise:\n{log}");
}

#[tokio::test]
async fn json_logs_are_one_object_per_line() {
    let mut s = Served::start("json");
    let admin = s.admin_token().await;
    let r = s
        .http
        .get(format!("{}/api/v1/me", s.base))
        .bearer_auth(&admin)
        .header("X-Request-Id", "json-req-1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    s.wait_for(|l| l.contains("json-req-1"));
    let log = s.log();
    let events: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let serving = events
        .iter()
        .find(|e| e["message"] == "serving")
        .expect("the start-up event");
    assert!(serving["openapi"].as_str().unwrap().ends_with("/openapi.json"));
    assert!(serving["level"].is_string() && serving["timestamp"].is_string());
    let done = events
        .iter()
        .find(|e| {
            e["spans"]
                .as_array()
                .is_some_and(|s| s.iter().any(|s| s["request_id"] == "json-req-1"))
        })
        .expect("the request's event");
    assert_eq!(done["status"], 200);
    assert_eq!(done["level"], "INFO");
}
