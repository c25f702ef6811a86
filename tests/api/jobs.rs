//! Scheduled jobs on several nodes: each run slot is claimed once across every process sharing
//! the database, and a slot missed while the service was down is caught up on the next start
//! without taking any step twice.

use crate::helpers::{problem, spawn_app_at, TestApp};
use crate::tickets::{fixture, register};
use chrono::Duration;
use fieldline::jobs::JOBS;
use fieldline_mobile_api::{JobRun, JobRunRecord, Page, TicketEvent};
use serde_json::json;
use std::collections::BTreeMap;

/// 02:00 UTC on the first of each month: a schedule whose real ticks never fall inside a test.
const MONTHLY: &str = "0 0 2 1 * *";

async fn runs(app: &TestApp, query: &str) -> Page<JobRunRecord> {
    app.ok(app.get(&format!("/api/v1/jobs/runs?{query}"), &app.admin).await, 200)
        .await
}

/// The finished run of a slot, once a node's start-up has caught it up (a bounded wait).
async fn finished_run(app: &TestApp, job: &str, slot: &str) -> JobRunRecord {
    for _ in 0..200 {
        let page = runs(app, &format!("job={job}&slot={slot}")).await;
        if let Some(run) = page.items.into_iter().find(|r| r.finished_at.is_some()) {
            return run;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no node ran {job} in the slot {slot}");
}

/// How many times each SLA step (a breach of one kind, an alert of one level) is on the timeline.
async fn sla_steps(app: &TestApp, ticket: i64) -> BTreeMap<String, usize> {
    let events: Vec<TicketEvent> = app
        .ok(
            app.get(&format!("/api/v1/tickets/{ticket}/timeline"), &app.admin).await,
            200,
        )
        .await;
    let mut steps = BTreeMap::new();
    for e in events
        .iter()
        .filter(|e| e.kind == "sla_breach" || e.kind == "sla_alert")
    {
        *steps
            .entry(format!("{} {}", e.kind, e.to.as_deref().unwrap_or("")))
            .or_default() += 1;
    }
    steps
}

#[tokio::test]
async fn two_nodes_on_one_database_run_each_job_slot_once() {
    let a = spawn_app_at("2026-04-01T01:00:00Z").await;
    let b = a.node(|_| {}).await;
    let f = fixture(&a, "standard").await;
    let t = register(&a, &f, "p1", "phone").await;
    a.clock.advance(Duration::hours(3));
    let slot = "2026-04-01T04:00:00";
    for job in JOBS {
        // Four claims on each node at once, for the same slot.
        let path = format!("/api/v1/jobs/{job}/run");
        let body = json!({ "slot": slot });
        let tries = (0..8).map(|i| {
            let node = if i % 2 == 0 { &a } else { &b };
            node.post(&path, &node.admin, &body)
        });
        let mut ran = 0;
        for resp in futures::future::join_all(tries).await {
            let run: JobRun = a.ok(resp, 200).await;
            assert_eq!((run.job.as_str(), run.slot.as_str()), (*job, slot));
            ran += usize::from(run.ran);
        }
        assert_eq!(ran, 1, "{job}: one claim of eight ran");
    }
    let record = runs(&b, &format!("slot={slot}")).await;
    assert_eq!(record.total, JOBS.len() as i64, "one run per job in the slot");
    assert!(record.items.iter().all(|r| r.finished_at.is_some()));
    let scan = record.items.iter().find(|r| r.job == "sla_scan").unwrap();
    assert!(scan.actions > 0, "the scan found the breach");
    let steps = sla_steps(&a, t.id.0).await;
    assert!(!steps.is_empty());
    assert!(steps.values().all(|n| *n == 1), "each step once: {steps:?}");
}

#[tokio::test]
async fn a_job_missed_while_the_service_was_down_runs_on_the_next_start_once() {
    // Running without schedules until the evening of March 31st: a P1 ticket is waiting.
    let a = spawn_app_at("2026-03-31T20:00:00Z").await;
    let f = fixture(&a, "standard").await;
    let t = register(&a, &f, "p1", "phone").await;
    assert!(sla_steps(&a, t.id.0).await.is_empty());

    // Down over the scan's 02:00 slot on April 1st; two nodes start at 09:00.
    a.clock.advance(Duration::hours(13));
    let (b, c) = tokio::join!(
        a.node(|s| s.sla_scan_cron = MONTHLY.into()),
        a.node(|s| s.sla_scan_cron = MONTHLY.into())
    );
    let first = finished_run(&b, "sla_scan", "2026-04-01T02:00:00").await;
    assert!(first.actions > 0, "the missed scan recorded the breaches");
    let after_first = sla_steps(&c, t.id.0).await;
    assert!(after_first.values().all(|n| *n == 1), "each step once: {after_first:?}");
    assert_eq!(
        runs(&c, "job=sla_scan").await.total,
        1,
        "the two starts ran the slot once"
    );

    // Down again over May 1st: the next start catches up that slot; steps taken already are
    // not taken again, only the alerts that fell due since.
    a.clock.advance(Duration::days(30));
    let d = a.node(|s| s.sla_scan_cron = MONTHLY.into()).await;
    finished_run(&d, "sla_scan", "2026-05-01T02:00:00").await;
    let after_second = sla_steps(&d, t.id.0).await;
    assert!(
        after_second.values().all(|n| *n == 1),
        "each step once: {after_second:?}"
    );
    for (step, n) in &after_first {
        assert_eq!(after_second.get(step), Some(n), "{step} kept");
    }
    assert_eq!(runs(&d, "job=sla_scan").await.total, 2);

    // A start within the same slot finds it taken.
    let e = a.node(|s| s.sla_scan_cron = MONTHLY.into()).await;
    let again: JobRun = e
        .ok(
            e.post(
                "/api/v1/jobs/sla_scan/run",
                &e.admin,
                &json!({"slot": "2026-05-01T02:00:00"}),
            )
            .await,
            200,
        )
        .await;
    assert!(!again.ran);
}

#[tokio::test]
async fn the_run_record_and_a_slot_are_validated() {
    let app = spawn_app_at("2026-04-01T01:00:00Z").await;
    let p = problem(
        app.post("/api/v1/jobs/sla_scan/run", &app.admin, &json!({"slot": " "}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("slot"));
    let p = problem(
        app.get("/api/v1/jobs/runs?job=nightly", &app.admin).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("job"));
    let agent = app.token(fieldline_mobile_api::Role::Supervisor).await;
    problem(app.get("/api/v1/jobs/runs", &agent).await, 403, "forbidden").await;
    // A run without a slot gets one of its own, listed newest first.
    for _ in 0..2 {
        let run: JobRun = app
            .ok(
                app.post("/api/v1/jobs/ping_retention/run", &app.admin, &json!({}))
                    .await,
                200,
            )
            .await;
        assert!(run.ran && run.slot.starts_with("manual:"));
    }
    let page = runs(&app, "job=ping_retention&limit=1").await;
    assert_eq!((page.total, page.items.len()), (2, 1));

    // The nightly clean-up deletes run records past their retention (30 days by default).
    app.clock.advance(Duration::days(31));
    let clean: JobRun = app
        .ok(
            app.post("/api/v1/jobs/ping_retention/run", &app.admin, &json!({}))
                .await,
            200,
        )
        .await;
    assert_eq!(clean.actions, 2, "the two old run records");
    let left = runs(&app, "").await;
    assert_eq!(left.total, 1, "only the clean-up's own run is left");
}

/// E-mail intake run by hand with a mailbox nobody answers at: 502 `mailbox_unreachable`,
/// naming the mailbox (its configured name, no server detail), and the run is not counted done.
#[tokio::test]
async fn a_mailbox_that_cannot_be_read_is_named_in_a_502() {
    // A port that was free a moment ago: the connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = crate::helpers::spawn_app_full(
        |s| {
            s.intake.mailboxes = vec![fieldline::config::ImapMailbox {
                name: "support".into(),
                host: "127.0.0.1".into(),
                port,
                user: "service".into(),
                password: fieldline::config::Secret("imap-secret-password".into()),
                tls: fieldline::config::ImapTls::Plain,
                folder: "INBOX".into(),
                ca_file: None,
                owner: "admin".into(),
            }];
        },
        fieldline::clock::Clock::fake("2026-11-20T02:00:00Z".parse().unwrap()),
    )
    .await;
    let resp = app.post("/api/v1/jobs/mail_intake/run", &app.admin, &json!({})).await;
    let p = problem(resp, 502, "mailbox_unreachable").await;
    assert!(p.detail.contains("support"), "{}", p.detail);
    assert!(
        !p.detail.contains("127.0.0.1") && !p.detail.contains("imap-secret"),
        "{}",
        p.detail
    );
}
