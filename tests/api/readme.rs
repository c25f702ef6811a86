//! The README's five-minute tour, run as written: the demo, the service, and every `sh` block of
//! the tour in one bash, against the binary this test run built (`cargo run --release --` is the
//! only text replaced, with the port). Needs bash, curl and jq; CI runs it in a stage of its own.

use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_fieldline");

/// The tour section of the README: from its heading to the next one.
fn tour() -> String {
    let readme = include_str!("../../README.md");
    let start = readme.find("## A five-minute tour").expect("the README has the tour");
    let rest = &readme[start + 3..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
    readme[start..start + 3 + end].to_string()
}

/// The `sh` code blocks of a text, in order.
fn sh_blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "```sh" {
            let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
            out.push(block.join("\n"));
        }
    }
    out
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A command with the environment of a fresh shell: none of the service's own variables.
fn command(program: &str, dir: &std::path::Path, port: u16) -> Command {
    let mut c = Command::new(program);
    c.current_dir(dir).env("FIELDLINE_PORT", port.to_string());
    for (k, _) in std::env::vars() {
        if k.starts_with("FIELDLINE_") || k == "DATABASE_URL" {
            c.env_remove(k);
        }
    }
    c.env("FIELDLINE_PORT", port.to_string());
    c
}

fn localize(block: &str, port: u16) -> String {
    block
        .replace("cargo run --release --", BIN)
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"))
}

#[tokio::test]
#[ignore = "runs the README's tour: needs bash, curl and jq"]
async fn the_readmes_tour_runs_as_written() {
    let tour = tour();
    let blocks = sh_blocks(&tour);
    assert!(blocks.len() >= 3, "the tour's sh blocks: {blocks:?}");
    let dir = std::env::temp_dir().join(format!("fieldline-readme-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();

    // The first block: the demo, then the service in the background.
    let first = localize(&blocks[0], port);
    let (demo, serve): (Vec<&str>, Vec<&str>) = first
        .lines()
        .filter(|l| !l.trim().is_empty())
        .partition(|l| !l.ends_with(" serve"));
    assert_eq!(serve.len(), 1, "the first block starts the service: {first}");
    let out = command("bash", &dir, port)
        .args(["-euo", "pipefail", "-c", &demo.join("\n")])
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "the demo: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _server = Server(
        command("bash", &dir, port)
            .args(["-c", &format!("exec {}", serve[0])])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the service starts"),
    );
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let mut up = false;
    for _ in 0..300 {
        if http
            .get(format!("{base}/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            up = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "the service answers /health");

    // The rest, in one shell, as a reader would paste it; then the ticket it made.
    let script = blocks[1..]
        .iter()
        .map(|b| localize(b, port))
        .collect::<Vec<_>>()
        .join("\n")
        + "\necho \"TOUR_TICKET=$TICKET\"\n";
    let child = command("bash", &dir, port)
        .args(["-euo", "pipefail", "-c", &script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs");
    let status = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&status.stdout).to_string(),
        String::from_utf8_lossy(&status.stderr).to_string(),
    );
    assert!(status.status.success(), "the tour failed:\n{stdout}\n{stderr}");
    let ticket: i64 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("TOUR_TICKET="))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("the tour names its ticket:\n{stdout}"));

    // The README's password, and every user it names, signs in; the tour's ticket is closed.
    let password = tour
        .split("`FIELDLINE_DEMO_PASSWORD`, or `")
        .nth(1)
        .and_then(|r| r.split('`').next())
        .expect("the tour gives the demo password");
    let mut users: Vec<&str> = tour
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| {
            w.split_once('.').is_some_and(|(a, b)| {
                !a.is_empty() && !b.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '.')
            })
        })
        .collect();
    users.sort_unstable();
    users.dedup();
    for u in ["huang.jun", "sun.hao", "wang.fang", "chen.jing"] {
        assert!(users.contains(&u), "the tour names {u}: {users:?}");
    }
    let mut token = String::new();
    for u in &users {
        let r = http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"username": u, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{u} signs in with the README's password");
        let body: serde_json::Value = r.json().await.unwrap();
        token = body["access_token"].as_str().unwrap().to_string();
    }
    let t: serde_json::Value = http
        .get(format!("{base}/api/v1/tickets/{ticket}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(t["status"], "closed", "{t}");
    let _ = std::fs::remove_dir_all(&dir);
}
