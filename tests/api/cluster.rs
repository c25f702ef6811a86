//! Several nodes, each a process of its own: `scripts/cluster.sh` starts a throw-away PostgreSQL
//! primary and a streaming replica of it, three nodes and HAProxy in front of them, and these
//! checks show that what one process guarantees holds across processes. It needs Debian's
//! `postgresql` and `haproxy` (the script installs them when they are missing), so plain
//! `cargo test` leaves it out; run it with
//!
//! ```sh
//! cargo test --test api cluster -- --ignored --nocapture
//! ```

use crate::auth::{client_from, login_from};
use crate::dispatch::{technician, visit_for};
use crate::helpers::{problem, TestApp, ADMIN_PASSWORD, USER_PASSWORD};
use crate::smtp::SmtpSink;
use crate::tickets::{fixture, register, Fixture};
use chrono::{Datelike, Duration, Utc};
use diesel::connection::SimpleConnection;
use diesel::Connection;
use fieldline_mobile_api::{JobRun, OutboxMessage, OutboxStatus, Page, Role, Ticket, TokenResponse, Visit};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::Instant;

/// The labels of `GET /api/v1/me` answered 200.
const ME: &[(&str, &str)] = &[("route", "/api/v1/me"), ("method", "GET"), ("status", "200")];

/// The replica lag the nodes accept for reports (seconds).
const MAX_LAG: u64 = 2;

struct Cluster {
    env: HashMap<String, String>,
    /// Through HAProxy.
    lb: TestApp,
    nodes: Vec<TestApp>,
    _down: Down,
}

/// Stops the cluster in its folder when dropped (`FIELDLINE_CLUSTER_KEEP` keeps it, to look at
/// the logs).
struct Down(PathBuf);

impl Drop for Down {
    fn drop(&mut self) {
        if std::env::var("FIELDLINE_CLUSTER_KEEP").is_ok() {
            eprintln!("kept: {}", self.0.display());
            return;
        }
        let _ = script().arg("down").arg(&self.0).status();
    }
}

fn script() -> std::process::Command {
    let mut c = std::process::Command::new("scripts/cluster.sh");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

impl Cluster {
    async fn up(smtp_port: u16) -> Cluster {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cluster-{}", uuid::Uuid::new_v4().simple()));
        let began = Instant::now();
        let out = script()
            .arg("up")
            .arg(&dir)
            .env("FIELDLINE_BIN", env!("CARGO_BIN_EXE_fieldline"))
            .env("FIELDLINE_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("FIELDLINE_REPLICA_MAX_LAG_SECONDS", MAX_LAG.to_string())
            .env("FIELDLINE_MAIL_TRANSPORT", "smtp")
            .env("FIELDLINE_SMTP_HOST", "127.0.0.1")
            .env("FIELDLINE_SMTP_PORT", smtp_port.to_string())
            .env("FIELDLINE_SMTP_SECURITY", "none")
            .env("FIELDLINE_MAIL_PER_CUSTOMER_PER_HOUR", "1000")
            // Every node's relay fires every two seconds, at the same moments.
            .env("FIELDLINE_MAIL_RELAY_CRON", "*/2 * * * * *")
            .output()
            .expect("run scripts/cluster.sh");
        let down = Down(dir.clone());
        assert!(
            out.status.success(),
            "scripts/cluster.sh up failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!("cluster up in {:.1} s", began.elapsed().as_secs_f64());
        let env: HashMap<String, String> = std::fs::read_to_string(dir.join("cluster.env"))
            .expect("the cluster's addresses")
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
            .collect();
        let primary = &env["CLUSTER_PRIMARY_URL"];
        let lb = TestApp::remote(&env["CLUSTER_URL"], primary).await;
        let mut nodes = Vec::new();
        for url in env["CLUSTER_NODE_URLS"].split_whitespace() {
            nodes.push(TestApp::remote(url, primary).await);
        }
        Cluster {
            env,
            lb,
            nodes,
            _down: down,
        }
    }

    fn primary(&self) -> diesel::PgConnection {
        diesel::PgConnection::establish(&self.env["CLUSTER_PRIMARY_URL"]).expect("the primary")
    }

    fn replica(&self) -> diesel::PgConnection {
        diesel::PgConnection::establish(&self.env["CLUSTER_REPLICA_URL"]).expect("the replica")
    }

    /// Stops (or starts) the replica's server, as the owner of its files.
    fn pg_ctl_replica(&self, action: &str) {
        let bin = format!("{}/pg_ctl", self.env["CLUSTER_PG_BIN"]);
        let data = format!("{}/replica", self.env["CLUSTER_PG_DIR"]);
        let args = [bin.as_str(), "-D", &data, "-m", "fast", "-w", action];
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
        let status = if root {
            std::process::Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .args(args)
                .status()
        } else {
            std::process::Command::new(args[0]).args(&args[1..]).status()
        }
        .expect("pg_ctl");
        assert!(status.success(), "pg_ctl {action} on the replica");
    }
}

/// A counter's value in a node's `/metrics`: the series of `name` with these labels (0 when it
/// has not been counted yet).
async fn metric(node: &TestApp, name: &str, labels: &[(&str, &str)]) -> f64 {
    let text = node.get("/metrics", &node.admin).await.text().await.unwrap();
    text.lines()
        .filter(|l| l.starts_with(&format!("{name}{{")))
        .filter(|l| labels.iter().all(|(k, v)| l.contains(&format!("{k}=\"{v}\""))))
        .find_map(|l| l.rsplit_once(' ')?.1.parse().ok())
        .unwrap_or(0.0)
}

/// 02:00-04:00 UTC (10:00-12:00 in Shanghai) on the `n`th weekday after today.
fn weekday_window(n: i64) -> (chrono::DateTime<Utc>, chrono::DateTime<Utc>) {
    let mut day = Utc::now().date_naive();
    let mut left = n;
    while left > 0 {
        day += Duration::days(1);
        if day.weekday().num_days_from_monday() < 5 {
            left -= 1;
        }
    }
    let start = day.and_hms_opt(2, 0, 0).unwrap().and_utc();
    (start, start + Duration::hours(2))
}

#[tokio::test]
#[ignore = "starts PostgreSQL, three nodes and HAProxy: cargo test --test api cluster -- --ignored"]
async fn every_guarantee_holds_across_three_processes_behind_a_load_balancer() {
    let sink = SmtpSink::start().await;
    let cluster = Cluster::up(sink.port()).await;
    let (lb, n) = (&cluster.lb, &cluster.nodes);
    assert_eq!(n.len(), 3);

    // The load balancer spreads requests over the nodes: each node's own count of `/me` grows.
    let before: Vec<f64> =
        futures::future::join_all(n.iter().map(|node| metric(node, "fieldline_http_requests_total", ME))).await;
    for _ in 0..9 {
        assert_eq!(lb.get("/api/v1/me", &lb.admin).await.status(), 200);
    }
    for (i, node) in n.iter().enumerate() {
        let after = metric(node, "fieldline_http_requests_total", ME).await;
        assert!(after > before[i], "node {} answered none of 9", i + 1);
    }

    each_job_slot_runs_once(n).await;
    no_technician_is_double_booked_from_two_nodes(lb, n).await;
    an_idempotency_key_replayed_on_another_node_answers_the_same(lb, n).await;
    login_bounds_are_shared_by_the_nodes(lb, n).await;
    a_rotated_refresh_token_is_refused_on_every_node(lb, n).await;
    a_disabled_user_is_refused_on_every_node(lb, n).await;
    the_outbox_sends_each_message_once(lb, n, &sink).await;
    reports_read_the_replica_unless_it_is_behind_or_down(&cluster).await;
}

async fn each_job_slot_runs_once(n: &[TestApp]) {
    let slot = "2026-01-01T02:00:00";
    for job in ["sla_scan", "revisit_generation", "chase_climb"] {
        let (path, body) = (format!("/api/v1/jobs/{job}/run"), json!({ "slot": slot }));
        let tries = (0..9).map(|i| {
            let node = &n[i % 3];
            node.post(&path, &node.admin, &body)
        });
        let mut ran = 0;
        for resp in futures::future::join_all(tries).await {
            let run: JobRun = n[0].ok(resp, 200).await;
            ran += usize::from(run.ran);
        }
        assert_eq!(ran, 1, "{job}: one claim of nine on three nodes ran");
    }
    // The relay's timer fires on every node at the same moments: each slot ran once, and the
    // other nodes found it taken.
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    let runs: Page<Value> = n[1]
        .ok(
            n[1].get("/api/v1/jobs/runs?job=mail_relay&limit=200", &n[1].admin)
                .await,
            200,
        )
        .await;
    let slots: BTreeSet<&str> = runs.items.iter().map(|r| r["slot"].as_str().unwrap()).collect();
    assert_eq!(slots.len(), runs.items.len(), "one run per slot");
    let (mut ran, mut skipped) = (0.0, 0.0);
    for node in n {
        ran += metric(
            node,
            "fieldline_job_runs_total",
            &[("job", "mail_relay"), ("outcome", "ran")],
        )
        .await;
        skipped += metric(
            node,
            "fieldline_job_runs_total",
            &[("job", "mail_relay"), ("outcome", "skipped")],
        )
        .await;
    }
    // (A slot may have run between the two reads.)
    assert!(ran <= slots.len() as f64 + 1.0, "ran {ran}, slots {}", slots.len());
    assert!(
        skipped >= ran,
        "the other nodes found the slots taken: ran {ran}, skipped {skipped}"
    );
    eprintln!(
        "mail_relay: {} slots, {ran} runs, {skipped} claims found taken",
        slots.len()
    );
}

async fn no_technician_is_double_booked_from_two_nodes(lb: &TestApp, n: &[TestApp]) {
    let f = fixture(lb, "standard").await;
    let (tech, _) = technician(lb, 30.26, 120.16, json!([])).await;
    let dispatchers = [n[0].token(Role::Dispatcher).await, n[1].token(Role::Dispatcher).await];
    for round in 1..=5 {
        let window = weekday_window(round);
        let a = visit_on(lb, &f, window).await;
        let b = visit_on(lb, &f, window).await;
        let body = json!({"technician_id": tech});
        let (pa, pb) = (
            format!("/api/v1/visits/{}/assign", a.id),
            format!("/api/v1/visits/{}/assign", b.id),
        );
        let (r1, r2) = tokio::join!(
            n[0].post(&pa, &dispatchers[0], &body),
            n[1].post(&pb, &dispatchers[1], &body)
        );
        let mut statuses = [r1.status().as_u16(), r2.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "round {round}: one booking, one refusal");
    }
}

async fn visit_on(app: &TestApp, f: &Fixture, window: (chrono::DateTime<Utc>, chrono::DateTime<Utc>)) -> Visit {
    let t = register(app, f, "p2", "phone").await;
    visit_for(app, f, &t, window, "ups", 1).await
}

async fn an_idempotency_key_replayed_on_another_node_answers_the_same(lb: &TestApp, n: &[TestApp]) {
    let f = fixture(lb, "standard").await;
    let (tech, phone) = technician(lb, 30.26, 120.16, json!([])).await;
    let v = visit_on(lb, &f, weekday_window(7)).await;
    let assigned: Visit = lb
        .ok(
            lb.post(
                &format!("/api/v1/visits/{}/assign", v.id),
                &lb.admin,
                &json!({"technician_id": tech}),
            )
            .await,
            200,
        )
        .await;
    let accept = |node: &TestApp| {
        node.http
            .post(node.url(&format!("/api/v1/mobile/visits/{}/accept", v.id)))
            .bearer_auth(&phone)
            .header("If-Match", format!("\"{}\"", assigned.version))
            .header("Idempotency-Key", "accept-once")
            .json(&json!({}))
            .send()
    };
    let first = accept(&n[0]).await.unwrap();
    let status = first.status();
    let body: Value = first.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    for node in &n[1..] {
        let again = accept(node).await.unwrap();
        assert_eq!(again.status(), status);
        assert_eq!(
            again.json::<Value>().await.unwrap(),
            body,
            "the first answer, from another node"
        );
    }
    let now: Visit = lb
        .ok(lb.get(&format!("/api/v1/visits/{}", v.id), &lb.admin).await, 200)
        .await;
    assert_eq!(now.version, assigned.version + 1, "accepted once");
}

async fn login_bounds_are_shared_by_the_nodes(lb: &TestApp, n: &[TestApp]) {
    let bound = lb.settings.login_max_failures_per_user_ip as usize;
    // Failures for one username from one address, each on the next node.
    let (user, _) = lb.user(Role::Agent).await;
    let attacker = client_from(7);
    for i in 0..bound {
        assert_eq!(
            login_from(&n[i % 3], &attacker, &user.username, "wrong-password!")
                .await
                .status(),
            401
        );
    }
    for node in n {
        assert_eq!(
            login_from(node, &attacker, &user.username, USER_PASSWORD)
                .await
                .status(),
            429,
            "the bound counts the failures of every node"
        );
    }
    // Through the load balancer the nodes count the client's address, not the balancer's.
    let (user, _) = lb.user(Role::Agent).await;
    let attacker = client_from(8);
    for _ in 0..bound {
        assert_eq!(
            login_from(lb, &attacker, &user.username, "wrong-password!")
                .await
                .status(),
            401
        );
    }
    assert_eq!(
        login_from(lb, &attacker, &user.username, USER_PASSWORD).await.status(),
        429
    );
    assert_eq!(
        login_from(lb, &client_from(9), &user.username, USER_PASSWORD)
            .await
            .status(),
        200,
        "another address behind the same balancer signs in"
    );
}

async fn a_rotated_refresh_token_is_refused_on_every_node(lb: &TestApp, n: &[TestApp]) {
    let (user, _) = lb.user(Role::Agent).await;
    let first = n[0].login(&user.username, USER_PASSWORD).await;
    let second: TokenResponse = n[1].ok(refresh(&n[1], &first.refresh_token).await, 200).await;
    for node in n {
        problem(refresh(node, &first.refresh_token).await, 401, "token_invalid").await;
    }
    // Its reuse revoked the whole sign-in: the new one too.
    problem(refresh(&n[2], &second.refresh_token).await, 401, "token_invalid").await;
}

async fn refresh(node: &TestApp, token: &str) -> reqwest::Response {
    node.post_anon("/api/v1/auth/refresh", &json!({ "refresh_token": token }))
        .await
}

async fn a_disabled_user_is_refused_on_every_node(lb: &TestApp, n: &[TestApp]) {
    let (user, token) = lb.user(Role::Agent).await;
    for node in n {
        assert_eq!(
            node.get("/api/v1/me", &token).await.status(),
            200,
            "known to every node"
        );
    }
    let r = n[0]
        .patch(
            &format!("/api/v1/users/{}", user.id),
            &n[0].admin,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let changed = Instant::now();
    for (i, node) in n.iter().enumerate() {
        let mut status = 0;
        for _ in 0..400 {
            status = node.get("/api/v1/me", &token).await.status().as_u16();
            if status == 401 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(status, 401, "node {} still takes the disabled user's token", i + 1);
        eprintln!(
            "node {}: refused {:.1} ms after the change",
            i + 1,
            changed.elapsed().as_secs_f64() * 1000.0
        );
    }
}

async fn the_outbox_sends_each_message_once(lb: &TestApp, n: &[TestApp], sink: &SmtpSink) {
    let f = fixture(lb, "standard").await;
    let contact: Value = lb
        .ok(
            lb.post(
                &format!("/api/v1/customers/{}/contacts", f.customer),
                &lb.admin,
                &json!({"name": "Chen Jing", "phone": "+86 571 8000 0001", "email": "chen.jing@example.com"}),
            )
            .await,
            201,
        )
        .await;
    let f = Fixture {
        contact: contact["id"].as_i64().unwrap(),
        ..f
    };
    let mut tickets: Vec<Ticket> = Vec::new();
    for _ in 0..12 {
        tickets.push(register(lb, &f, "p3", "email").await);
    }
    // Every node's timer, and runs asked of every node at once, race for the same messages.
    let empty = json!({});
    let extra = (0..6).map(|i| {
        let node = &n[i % 3];
        node.post("/api/v1/jobs/mail_relay/run", &node.admin, &empty)
    });
    for r in futures::future::join_all(extra).await {
        assert_eq!(r.status(), 200);
    }
    let mut ours: Vec<OutboxMessage> = Vec::new();
    for _ in 0..60 {
        ours.clear();
        for t in &tickets {
            let page: Page<OutboxMessage> = lb
                .ok(
                    lb.get(&format!("/api/v1/outbox?ticket_id={}&limit=100", t.id), &lb.admin)
                        .await,
                    200,
                )
                .await;
            ours.extend(page.items);
        }
        if !ours.is_empty() && ours.iter().all(|m| m.status == OutboxStatus::Sent) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(ours.len() >= tickets.len(), "a notice per registration: {}", ours.len());
    assert!(
        ours.iter().all(|m| m.status == OutboxStatus::Sent),
        "all sent: {:?}",
        ours.iter().map(|m| m.status).collect::<Vec<_>>()
    );
    let received: Vec<String> = sink.received().iter().map(|r| r.message_id()).collect();
    for m in &ours {
        let times = received.iter().filter(|id| **id == m.message_id).count();
        assert_eq!(times, 1, "{} reached the mail server {times} times", m.message_id);
    }
    eprintln!("outbox: {} messages, each received once", ours.len());
}

/// How many reports `node` read from `source` (`fieldline_report_reads_total`).
async fn reads(node: &TestApp, source: &str) -> f64 {
    metric(node, "fieldline_report_reads_total", &[("source", source)]).await
}

/// Whether a weekly report on `node` is read from the replica within 10 s of asking (a replica
/// that streams can be a moment behind; once it has caught up, the next report reads it).
async fn served_by_the_replica(node: &TestApp, token: &str) -> bool {
    for _ in 0..50 {
        let before = reads(node, "replica").await;
        assert_eq!(node.get("/api/v1/reports/service/weekly", token).await.status(), 200);
        if reads(node, "replica").await == before + 1.0 {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    false
}

async fn reports_read_the_replica_unless_it_is_behind_or_down(cluster: &Cluster) {
    let node = &cluster.nodes[0];
    let manager = node.token(Role::Manager).await;
    let report = || node.get("/api/v1/reports/service/weekly", &manager);

    assert!(
        served_by_the_replica(node, &manager).await,
        "a caught-up replica serves the report"
    );

    // Replay paused, and a write on the primary: once the replica is further behind than
    // allowed, the primary serves the report.
    cluster.replica().batch_execute("SELECT pg_wal_replay_pause()").unwrap();
    cluster
        .primary()
        .batch_execute("CREATE TABLE cluster_probe (x int); INSERT INTO cluster_probe VALUES (1)")
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(MAX_LAG + 1)).await;
    let before = reads(node, "primary_replica_behind").await;
    assert_eq!(report().await.status(), 200);
    assert_eq!(
        reads(node, "primary_replica_behind").await,
        before + 1.0,
        "behind: the primary"
    );
    cluster
        .replica()
        .batch_execute("SELECT pg_wal_replay_resume()")
        .unwrap();
    assert!(
        served_by_the_replica(node, &manager).await,
        "replay resumed: the replica again"
    );

    // The replica down: the primary answers, at once.
    cluster.pg_ctl_replica("stop");
    let before = reads(node, "primary_replica_down").await;
    let asked = Instant::now();
    assert_eq!(report().await.status(), 200);
    assert_eq!(
        reads(node, "primary_replica_down").await,
        before + 1.0,
        "down: the primary"
    );
    eprintln!(
        "a report with the replica down: {:.0} ms",
        asked.elapsed().as_secs_f64() * 1000.0
    );
}
