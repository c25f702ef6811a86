//! Fault analysis reports: the first draft prefilled from the ticket, the review (submit, return
//! with comments, approve by another supervisor), sending through the outbox to a real SMTP
//! server on 127.0.0.1, revisions, who may read what, and the validation of every field.

use crate::helpers::{problem, spawn_app_at, TestApp};
use crate::mail::{mail_app, relay};
use crate::smtp::SmtpSink;
use crate::tickets::{fixture, major_fault_body, register, Fixture, FRIDAY_1650};
use chrono::Duration;
use fieldline_mobile_api::{
    AuditEvent, FaultReport, FaultReportStatus, MailKind, Notification, OutboxMessage, Page, Role, Ticket, TicketEvent,
    TicketStatus, User,
};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// A ticket of "Hangzhou Metro" whose major fault lasted 100 minutes and has ended; the
/// customer's account manager, a contact with an e-mail address, and two supervisors.
pub(crate) struct Scene {
    pub(crate) f: Fixture,
    ticket: Ticket,
    pub(crate) account_manager: User,
    pub(crate) am_token: String,
    /// A contact with a phone and an e-mail address.
    mailable: i64,
    author: User,
    author_token: String,
    reviewer: User,
    pub(crate) reviewer_token: String,
}

pub(crate) async fn scene(app: &TestApp) -> Scene {
    let f = fixture(app, "gold").await;
    let (account_manager, am_token) = app.user(Role::AccountManager).await;
    let r = app
        .patch(
            &format!("/api/v1/customers/{}", f.customer),
            &app.admin,
            &json!({"account_manager_id": account_manager.id}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let k: Value = app
        .ok(
            app.post(
                &format!("/api/v1/customers/{}/contacts", f.customer),
                &app.admin,
                &json!({"name": "Zhou Jie", "phone": "+86 571 8765 0000", "email": "zhou.jie@metro.example"}),
            )
            .await,
            201,
        )
        .await;
    let (author, author_token) = app.user(Role::Supervisor).await;
    let (reviewer, reviewer_token) = app.user(Role::Supervisor).await;
    let ticket = register(app, &f, "p1", "phone").await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{}/major-fault", ticket.id),
            &f.token,
            &major_fault_body(app),
        )
        .await;
    assert_eq!(r.status(), 201);
    app.clock.advance(Duration::minutes(90));
    let r = app
        .post(
            &format!("/api/v1/tickets/{}/major-fault/end", ticket.id),
            &f.token,
            &json!({"summary": "UPS module replaced."}),
        )
        .await;
    assert_eq!(r.status(), 200);
    app.clock.advance(Duration::minutes(30));
    Scene {
        f,
        ticket,
        account_manager,
        am_token,
        mailable: k["id"].as_i64().unwrap(),
        author,
        author_token,
        reviewer,
        reviewer_token,
    }
}

fn path(r: &FaultReport, step: &str) -> String {
    if step.is_empty() {
        format!("/api/v1/fault-reports/{}", r.id)
    } else {
        format!("/api/v1/fault-reports/{}/{step}", r.id)
    }
}

async fn create(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post("/api/v1/fault-reports", token, &body).await
}

pub(crate) async fn create_ok(app: &TestApp, s: &Scene) -> FaultReport {
    app.ok(
        create(app, &s.author_token, json!({"ticket_id": s.ticket.id})).await,
        201,
    )
    .await
}

/// PATCHes with `If-Match` set to the report's version.
async fn edit(app: &TestApp, token: &str, r: &FaultReport, body: &Value) -> reqwest::Response {
    edit_at(app, token, r, r.version, body).await
}

async fn edit_at(app: &TestApp, token: &str, r: &FaultReport, version: i32, body: &Value) -> reqwest::Response {
    app.http
        .patch(app.url(&path(r, "")))
        .bearer_auth(token)
        .header("If-Match", format!("\"{version}\""))
        .json(body)
        .send()
        .await
        .expect("request")
}

async fn step(app: &TestApp, token: &str, r: &FaultReport, name: &str, body: Value) -> reqwest::Response {
    app.post(&path(r, name), token, &body).await
}

async fn step_ok(app: &TestApp, token: &str, r: &FaultReport, name: &str, body: Value) -> FaultReport {
    app.ok(step(app, token, r, name, body).await, 200).await
}

const ROOT_CAUSE: &str = "A DC-link capacitor in UPS module 3 aged beyond its rated life and shorted.";

/// A complete report's content: the author owns the corrective action, a supplier the
/// preventive one; the contact with an address receives it.
fn content(s: &Scene) -> Value {
    json!({
        "impact": {"description": "Line 1 ran on battery; <b>signalling</b> & platform screens went dark.",
                   "customers_affected": 1, "sites_affected": 1, "assets_affected": 2, "downtime_minutes": 100},
        "root_cause": ROOT_CAUSE,
        "corrective_actions": [{"description": "Replace UPS module 3", "owner_user_id": s.author.id, "due_date": "2026-11-27"}],
        "preventive_actions": [{"description": "Measure capacitor ESR every quarter", "owner_name": "Eaton service", "due_date": "2027-03-31"}],
        "contact_ids": [s.mailable],
    })
}

/// A report written, submitted and approved.
pub(crate) async fn approved(app: &TestApp, s: &Scene) -> FaultReport {
    let r = create_ok(app, s).await;
    let r: FaultReport = app.ok(edit(app, &s.author_token, &r, &content(s)).await, 200).await;
    let r = step_ok(app, &s.author_token, &r, "submit", json!({})).await;
    step_ok(app, &s.reviewer_token, &r, "approve", json!({})).await
}

async fn ticket_events(app: &TestApp, ticket: &Ticket) -> Vec<TicketEvent> {
    app.ok(
        app.get(&format!("/api/v1/tickets/{}/timeline", ticket.id), &app.admin)
            .await,
        200,
    )
    .await
}

#[tokio::test]
async fn a_report_is_drafted_reviewed_and_sent_to_the_account_manager_and_the_contacts() {
    use mail_parser::MimeHeaders;
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    let s = scene(&app).await;

    // The first draft: prefilled from the ticket and its major fault.
    let resp = create(&app, &s.author_token, json!({"ticket_id": s.ticket.id})).await;
    assert_eq!(resp.headers()["etag"], "\"1\"");
    let r: FaultReport = app.ok(resp, 201).await;
    assert_eq!((r.status, r.revision, r.version), (FaultReportStatus::Draft, 1, 1));
    assert_eq!((r.author_id, r.created_by), (s.author.id, s.author.id));
    assert_eq!(r.ticket_number, s.ticket.number);
    assert_eq!(r.customer_name, "Hangzhou Metro");
    assert!(r.major_fault_id.is_some());
    assert_eq!(r.impact.downtime_minutes, 100, "from the fault's occurrence to its end");
    assert_eq!(
        (
            r.impact.customers_affected,
            r.impact.sites_affected,
            r.impact.assets_affected
        ),
        (1, 1, 1)
    );
    assert!(r.impact.description.contains("The UPS is down"), "{:?}", r.impact);
    assert!(r.root_cause.is_empty() && r.corrective_actions.is_empty() && r.recipients.is_empty());
    let texts: Vec<&str> = r.timeline.iter().map(|e| e.text.as_str()).collect();
    assert!(texts[0].starts_with("Ticket registered"), "{texts:?}");
    assert_eq!(r.timeline[0].at, s.ticket.opened_at);
    assert!(texts.iter().any(|t| t.starts_with("Major fault reported")), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("Major fault ended")), "{texts:?}");
    assert!(!texts.iter().any(|t| t.contains("mail")), "{texts:?}");

    // Edits need the version they were made on.
    let resp = app.patch(&path(&r, ""), &s.author_token, &content(&s)).await;
    problem(resp, 428, "precondition_required").await;
    let resp = edit(&app, &s.author_token, &r, &content(&s)).await;
    assert_eq!(resp.headers()["etag"], "\"2\"");
    let r: FaultReport = app.ok(resp, 200).await;
    assert_eq!(r.version, 2);
    assert_eq!(r.root_cause, ROOT_CAUSE);
    assert_eq!(r.corrective_actions[0].owner_user_id, Some(s.author.id));
    assert_eq!(r.preventive_actions[0].owner_name.as_deref(), Some("Eaton service"));
    let p = problem(
        edit_at(&app, &s.author_token, &r, 1, &json!({"root_cause": "stale"})).await,
        412,
        "precondition_failed",
    )
    .await;
    assert_eq!(p.current.unwrap()["version"], 2, "the report as it is now");

    // Submitted; the author cannot approve their own report.
    let r = step_ok(&app, &s.author_token, &r, "submit", json!({})).await;
    assert_eq!(r.status, FaultReportStatus::Submitted);
    assert!(r.submitted_at.is_some());
    problem(
        step(&app, &s.author_token, &r, "approve", json!({})).await,
        403,
        "forbidden",
    )
    .await;
    let p = problem(
        edit(&app, &s.author_token, &r, &json!({"root_cause": "x"})).await,
        409,
        "invalid_transition",
    )
    .await;
    assert!(p.detail.contains("submitted"), "{}", p.detail);

    // Returned with comments, corrected and submitted again.
    let p = problem(
        step(&app, &s.reviewer_token, &r, "return", json!({})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("comments"));
    let r = step_ok(
        &app,
        &s.reviewer_token,
        &r,
        "return",
        json!({"comments": "Say which capacitor failed and why it was not caught."}),
    )
    .await;
    assert_eq!(r.status, FaultReportStatus::Returned);
    assert_eq!(r.reviewer_id, Some(s.reviewer.id));
    assert!(r.review_comments.as_deref().unwrap().contains("which capacitor"));
    let inbox: Page<Notification> = app
        .ok(app.get("/api/v1/notifications", &s.author_token).await, 200)
        .await;
    assert!(
        inbox.items.iter().any(|n| n.kind == "fault_report_returned"),
        "{inbox:?}"
    );
    let better = format!("{ROOT_CAUSE}\nThe quarterly check did not measure its ESR.");
    let r: FaultReport = app
        .ok(
            edit(&app, &s.author_token, &r, &json!({"root_cause": better})).await,
            200,
        )
        .await;
    assert_eq!(r.status, FaultReportStatus::Returned);
    let r = step_ok(&app, &s.author_token, &r, "submit", json!({"comments": "ESR added"})).await;
    assert_eq!(r.status, FaultReportStatus::Submitted);

    // Approved by the other supervisor: read-only from now on.
    let resp = app
        .http
        .post(app.url(&path(&r, "approve")))
        .bearer_auth(&s.reviewer_token)
        .header("If-Match", format!("\"{}\"", r.version - 1))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    problem(resp, 412, "precondition_failed").await;
    let r = step_ok(&app, &s.reviewer_token, &r, "approve", json!({})).await;
    assert_eq!(r.status, FaultReportStatus::Approved);
    assert_eq!(r.approved_at, Some(app.clock.now()));
    let p = problem(
        edit(&app, &s.author_token, &r, &json!({"root_cause": "x"})).await,
        409,
        "invalid_transition",
    )
    .await;
    assert!(p.detail.contains("read-only"), "{}", p.detail);
    problem(
        edit(&app, &s.reviewer_token, &r, &json!({"contact_ids": []})).await,
        409,
        "invalid_transition",
    )
    .await;

    // Sent: one e-mail through the outbox, in the same transaction.
    problem(step(&app, &s.am_token, &r, "send", json!({})).await, 403, "forbidden").await;
    let r = step_ok(&app, &s.reviewer_token, &r, "send", json!({})).await;
    assert_eq!(r.status, FaultReportStatus::Sent);
    assert_eq!(r.sent_at, Some(app.clock.now()));
    assert_eq!(r.sent_by, Some(s.reviewer.id));
    let am_email = s.account_manager.email.clone().unwrap();
    let to: Vec<(String, Option<i64>, Option<i64>)> = r
        .recipients
        .iter()
        .map(|p| (p.email.clone(), p.contact_id.map(|c| c.0), p.user_id.map(|u| u.0)))
        .collect();
    assert_eq!(
        to,
        [
            (am_email.clone(), None, Some(s.account_manager.id.0)),
            ("zhou.jie@metro.example".into(), Some(s.mailable), None)
        ]
    );
    problem(
        step(&app, &s.reviewer_token, &r, "send", json!({})).await,
        409,
        "invalid_transition",
    )
    .await;
    assert!(sink.received().is_empty(), "nothing leaves from the request itself");
    let outbox: Page<OutboxMessage> = app
        .ok(
            app.get(&format!("/api/v1/outbox?ticket_id={}", s.ticket.id), &app.admin)
                .await,
            200,
        )
        .await;
    let queued = outbox
        .items
        .into_iter()
        .find(|m| m.kind == MailKind::FaultReport)
        .expect("the report's e-mail is in the outbox");
    assert_eq!(Some(queued.id), r.outbox_id);

    relay(&app).await;
    let got: Vec<_> = sink
        .received()
        .into_iter()
        .filter(|m| m.parsed().subject().is_some_and(|s| s.starts_with("故障分析报告")))
        .collect();
    assert_eq!(
        got.len(),
        1,
        "the account manager without a choice and the contact both read Chinese"
    );
    let rcpt: BTreeSet<String> = got[0].rcpt_to.iter().cloned().collect();
    assert_eq!(rcpt, [am_email, "zhou.jie@metro.example".to_string()].into());
    let msg = got[0].parsed();
    let subject = msg.subject().unwrap();
    assert!(
        subject.contains(&s.ticket.number) && subject.contains("Hangzhou Metro"),
        "{subject}"
    );
    let text = msg.body_text(0).unwrap();
    assert!(text.contains(ROOT_CAUSE), "{text}");
    assert!(
        text.contains("<b>signalling</b> & platform screens"),
        "text as typed: {text}"
    );
    assert!(
        text.contains("Replace UPS module 3") && text.contains("Eaton service"),
        "{text}"
    );
    let html = msg.body_html(0).unwrap();
    assert!(html.contains(ROOT_CAUSE), "{html}");
    assert!(
        html.contains("&lt;b&gt;signalling&lt;&#x2f;b&gt; &amp; platform screens") && !html.contains("<b>signalling"),
        "user text is escaped: {html}"
    );
    assert_eq!(msg.attachment_count(), 1);
    let a = msg.attachments().next().unwrap();
    let filename = format!("{}-fault-report-r1.html", s.ticket.number);
    assert_eq!(a.attachment_name(), Some(filename.as_str()));
    let ct = a.content_type().unwrap();
    assert_eq!((ct.ctype(), ct.subtype()), ("text", Some("html")));
    let document = String::from_utf8_lossy(a.contents()).into_owned();
    assert!(document.starts_with("<!DOCTYPE html>"), "{document}");
    assert!(document.contains(ROOT_CAUSE) && document.contains("ESR"), "{document}");
    assert!(document.contains(&s.reviewer.display_name), "the reviewer is named");
    assert_eq!(
        queued.attachments[0].filename, filename,
        "the outbox lists the attachment"
    );

    // The ticket's timeline and the audit trail tell the story.
    let kinds: Vec<String> = ticket_events(&app, &s.ticket)
        .await
        .into_iter()
        .map(|e| e.kind)
        .collect();
    for k in [
        "fault_report_drafted",
        "fault_report_submitted",
        "fault_report_returned",
        "fault_report_approved",
        "fault_report_sent",
    ] {
        assert!(kinds.contains(&k.to_string()), "{k} in {kinds:?}");
    }
    assert_eq!(kinds.last().map(String::as_str), Some("fault_report_sent"));
    let audit: Page<AuditEvent> = app
        .ok(
            app.get(
                &format!("/api/v1/audit?entity=fault_report&entity_id={}", r.id),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    let actions: Vec<&str> = audit.items.iter().rev().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        ["create", "update", "submit", "return", "update", "submit", "approve", "send"]
    );
}

#[tokio::test]
async fn a_correction_is_a_new_revision_and_the_sent_report_stays_as_it_was() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let s = scene(&app).await;
    let r1 = approved(&app, &s).await;
    let r1 = step_ok(&app, &s.reviewer_token, &r1, "send", json!({})).await;

    let r2: FaultReport = app
        .ok(
            app.post(
                &path(&r1, "revisions"),
                &s.reviewer_token,
                &json!({"reason": "The downtime was longer: the screens came back later."}),
            )
            .await,
            201,
        )
        .await;
    assert_eq!((r2.revision, r2.status, r2.version), (2, FaultReportStatus::Draft, 1));
    assert_eq!(r2.previous_id, Some(r1.id));
    assert_eq!(r2.author_id, s.author.id, "the author stays");
    assert_eq!(r2.created_by, s.reviewer.id);
    assert_eq!(r2.root_cause, r1.root_cause);
    assert_eq!(r2.corrective_actions, r1.corrective_actions);
    assert_eq!(r2.preventive_actions, r1.preventive_actions);
    assert_eq!(r2.timeline, r1.timeline);
    assert_eq!(r2.contact_ids, r1.contact_ids);
    assert!(r2.recipients.is_empty() && r2.sent_at.is_none() && r2.reviewer_id.is_none());

    let before: FaultReport = app.ok(app.get(&path(&r1, ""), &s.author_token).await, 200).await;
    assert_eq!(before.status, FaultReportStatus::Sent);
    assert_eq!(before.next_id, Some(r2.id));
    assert_eq!(
        (before.version, before.root_cause.as_str()),
        (r1.version, r1.root_cause.as_str())
    );

    // Only the latest revision is corrected, and only once it is approved or sent.
    problem(
        app.post(&path(&r1, "revisions"), &s.reviewer_token, &json!({})).await,
        409,
        "conflict",
    )
    .await;
    problem(
        app.post(&path(&r2, "revisions"), &s.reviewer_token, &json!({})).await,
        409,
        "invalid_transition",
    )
    .await;
    problem(
        app.post(&path(&r2, "revisions"), &s.author_token, &json!({})).await,
        409,
        "invalid_transition",
    )
    .await;
    problem(
        app.post(
            "/api/v1/fault-reports",
            &s.author_token,
            &json!({"ticket_id": s.ticket.id}),
        )
        .await,
        409,
        "conflict",
    )
    .await;

    // The revision is a draft like any other.
    let mut impact = serde_json::to_value(&r2.impact).unwrap();
    impact["downtime_minutes"] = json!(130);
    let r2: FaultReport = app
        .ok(edit(&app, &s.author_token, &r2, &json!({"impact": impact})).await, 200)
        .await;
    assert_eq!(r2.impact.downtime_minutes, 130);
    let r2 = step_ok(&app, &s.author_token, &r2, "submit", json!({})).await;
    let r2 = step_ok(&app, &s.reviewer_token, &r2, "approve", json!({})).await;
    let r2 = step_ok(&app, &s.reviewer_token, &r2, "send", json!({})).await;
    assert_eq!(r2.status, FaultReportStatus::Sent);
    let list: Page<FaultReport> = app
        .ok(
            app.get(
                &format!("/api/v1/fault-reports?ticket_id={}", s.ticket.id),
                &s.reviewer_token,
            )
            .await,
            200,
        )
        .await;
    assert_eq!(list.total, 2);
    assert_eq!(list.items[0].revision, 2, "newest first");
    let events = ticket_events(&app, &s.ticket).await;
    let revised = events.iter().find(|e| e.kind == "fault_report_revised").unwrap();
    assert_eq!((revised.from.as_deref(), revised.to.as_deref()), (Some("1"), Some("2")));
    assert!(revised.reason.as_deref().unwrap().contains("downtime was longer"));
}

#[tokio::test]
async fn an_approved_revision_that_was_corrected_is_not_sent() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let s = scene(&app).await;
    let r1 = approved(&app, &s).await;
    let _: FaultReport = app
        .ok(
            app.post(&path(&r1, "revisions"), &s.reviewer_token, &json!({})).await,
            201,
        )
        .await;
    let p = problem(
        step(&app, &s.reviewer_token, &r1, "send", json!({})).await,
        409,
        "invalid_transition",
    )
    .await;
    assert!(p.detail.contains("revision 2"), "{}", p.detail);
}

#[tokio::test]
async fn account_managers_read_the_reports_of_their_own_customers_only() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let s = scene(&app).await;
    let r = create_ok(&app, &s).await;

    let mine: Page<FaultReport> = app.ok(app.get("/api/v1/fault-reports", &s.am_token).await, 200).await;
    assert_eq!(mine.total, 1);
    assert_eq!(mine.items[0].id, r.id);
    let one: FaultReport = app.ok(app.get(&path(&r, ""), &s.am_token).await, 200).await;
    assert_eq!(one.id, r.id);
    let (_, other_am) = app.user(Role::AccountManager).await;
    let theirs: Page<FaultReport> = app.ok(app.get("/api/v1/fault-reports", &other_am).await, 200).await;
    assert_eq!(theirs.total, 0);
    let filtered: Page<FaultReport> = app
        .ok(
            app.get(
                &format!("/api/v1/fault-reports?customer_id={}", s.f.customer),
                &other_am,
            )
            .await,
            200,
        )
        .await;
    assert_eq!(filtered.total, 0, "a filter does not widen what one may read");
    problem(app.get(&path(&r, ""), &other_am).await, 404, "not_found").await;
    // Account managers read; they do not write.
    problem(
        edit(&app, &s.am_token, &r, &json!({"root_cause": "x"})).await,
        403,
        "forbidden",
    )
    .await;
    problem(
        create(&app, &s.am_token, json!({"ticket_id": s.ticket.id})).await,
        403,
        "forbidden",
    )
    .await;
    // Other office roles do not read reports at all.
    problem(app.get("/api/v1/fault-reports", &s.f.token).await, 403, "forbidden").await;
    problem(app.get(&path(&r, ""), &s.f.token).await, 403, "forbidden").await;
    // Supervisors read every report, with filters and pages.
    let all: Page<FaultReport> = app
        .ok(
            app.get(
                &format!(
                    "/api/v1/fault-reports?status=draft&customer_id={}&limit=1&offset=0",
                    s.f.customer
                ),
                &s.reviewer_token,
            )
            .await,
            200,
        )
        .await;
    assert_eq!((all.total, all.items.len(), all.limit), (1, 1, 1));
    let none: Page<FaultReport> = app
        .ok(
            app.get("/api/v1/fault-reports?status=sent", &s.reviewer_token).await,
            200,
        )
        .await;
    assert_eq!(none.total, 0);
    let p = problem(
        app.get("/api/v1/fault-reports?status=lost", &s.reviewer_token).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("status"));
    let p = problem(
        app.get("/api/v1/fault-reports?limit=500", &s.reviewer_token).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("limit"));
}

#[tokio::test]
async fn a_technician_named_author_writes_and_submits_but_does_not_review() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let s = scene(&app).await;
    let (tech, tech_token) = app.user(Role::Technician).await;
    let (_, other_tech) = app.user(Role::Technician).await;
    let r: FaultReport = app
        .ok(
            create(
                &app,
                &s.author_token,
                json!({"ticket_id": s.ticket.id, "author_id": tech.id}),
            )
            .await,
            201,
        )
        .await;
    assert_eq!((r.author_id, r.created_by), (tech.id, s.author.id));
    let inbox: Page<Notification> = app.ok(app.get("/api/v1/notifications", &tech_token).await, 200).await;
    assert!(inbox.items.iter().any(|n| n.kind == "fault_report_author"));

    let list: Page<FaultReport> = app.ok(app.get("/api/v1/fault-reports", &tech_token).await, 200).await;
    assert_eq!(list.total, 1);
    let list: Page<FaultReport> = app.ok(app.get("/api/v1/fault-reports", &other_tech).await, 200).await;
    assert_eq!(list.total, 0);
    problem(app.get(&path(&r, ""), &other_tech).await, 404, "not_found").await;
    problem(
        edit(&app, &other_tech, &r, &json!({"root_cause": "x"})).await,
        404,
        "not_found",
    )
    .await;

    let r: FaultReport = app.ok(edit(&app, &tech_token, &r, &content(&s)).await, 200).await;
    let p = problem(
        edit(&app, &tech_token, &r, &json!({"author_id": s.author.id})).await,
        403,
        "forbidden",
    )
    .await;
    assert!(p.detail.contains("supervisor"), "{}", p.detail);
    let r = step_ok(&app, &tech_token, &r, "submit", json!({})).await;
    problem(
        step(&app, &tech_token, &r, "approve", json!({})).await,
        403,
        "forbidden",
    )
    .await;
    problem(
        step(&app, &tech_token, &r, "return", json!({"comments": "no"})).await,
        403,
        "forbidden",
    )
    .await;
    // The supervisor who started it is not its author, so may approve it.
    let r = step_ok(&app, &s.author_token, &r, "approve", json!({})).await;
    problem(step(&app, &tech_token, &r, "send", json!({})).await, 403, "forbidden").await;
    problem(
        app.post(&path(&r, "revisions"), &tech_token, &json!({})).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn a_report_waits_for_the_end_of_the_fault() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let supervisor = app.token(Role::Supervisor).await;
    let open = register(&app, &f, "p2", "phone").await;
    let p = problem(
        create(&app, &supervisor, json!({"ticket_id": open.id})).await,
        409,
        "invalid_transition",
    )
    .await;
    assert!(p.detail.contains("resolved or closed"), "{}", p.detail);
    let r = app
        .post(
            &format!("/api/v1/tickets/{}/major-fault", open.id),
            &f.token,
            &major_fault_body(&app),
        )
        .await;
    assert_eq!(r.status(), 201);
    let p = problem(
        create(&app, &supervisor, json!({"ticket_id": open.id})).await,
        409,
        "invalid_transition",
    )
    .await;
    assert!(p.detail.contains("major fault has not ended"), "{}", p.detail);
    problem(
        create(&app, &supervisor, json!({"ticket_id": 999_999})).await,
        404,
        "not_found",
    )
    .await;
    // A ticket that was not a major fault gets a report once it is resolved.
    let plain = register(&app, &f, "p3", "phone").await;
    app.clock.advance(Duration::minutes(45));
    let resolved: Ticket = app
        .ok(
            app.post(
                &format!("/api/v1/tickets/{}/resolve", plain.id),
                &f.token,
                &json!({"reason": "reset the UPS"}),
            )
            .await,
            200,
        )
        .await;
    let p = problem(
        create(
            &app,
            &supervisor,
            json!({"ticket_id": plain.id, "author_id": f.agent.id}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        p.field.as_deref(),
        Some("author_id"),
        "an agent does not author reports"
    );
    let r: FaultReport = app
        .ok(create(&app, &supervisor, json!({"ticket_id": plain.id})).await, 201)
        .await;
    assert_eq!(r.major_fault_id, None);
    assert_eq!(r.impact.downtime_minutes, 45, "from opening to resolution");
    assert_eq!(
        r.timeline.last().unwrap().at,
        resolved.resolved_at.unwrap(),
        "{:?}",
        r.timeline
    );
    problem(
        create(&app, &f.token, json!({"ticket_id": plain.id})).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn bad_content_is_refused_naming_the_field() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let s = scene(&app).await;
    let r = create_ok(&app, &s).await;
    let field = |p: fieldline_mobile_api::Problem| p.field.unwrap_or_default();
    let bad = |body: Value| {
        let (app, s, r) = (&app, &s, &r);
        async move {
            let p = problem(edit(app, &s.author_token, r, &body).await, 422, "validation_failed").await;
            p.field.unwrap_or_default()
        }
    };

    // Submitting a draft without a root cause.
    let p = problem(
        step(&app, &s.author_token, &r, "submit", json!({})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(field(p), "root_cause");
    let action = |due: &str| json!([{"description": "Replace module 3", "owner_name": "Eaton", "due_date": due}]);
    assert_eq!(
        bad(json!({"corrective_actions": action("2026-11-19")})).await,
        "corrective_actions[0].due_date",
        "before the ticket was opened"
    );
    assert_eq!(
        bad(json!({"preventive_actions": action("2035-01-01")})).await,
        "preventive_actions[0].due_date",
        "too far ahead"
    );
    assert_eq!(
        bad(json!({"corrective_actions": action("2026-02-30")})).await,
        "corrective_actions[0].due_date",
        "not a date"
    );
    assert_eq!(
        bad(json!({"corrective_actions": [{"description": "x", "due_date": "2026-12-01"}]})).await,
        "corrective_actions[0].owner_name"
    );
    assert_eq!(
        bad(json!({"corrective_actions": [{"description": "x", "owner_user_id": 987_654, "due_date": "2026-12-01"}]}))
            .await,
        "corrective_actions[0].owner_user_id"
    );
    assert_eq!(
        bad(json!({"corrective_actions": [{"description": " ", "owner_name": "a", "due_date": "2026-12-01"}]})).await,
        "corrective_actions[0].description"
    );
    assert_eq!(
        bad(json!({"contact_ids": [s.mailable, 987_654]})).await,
        "contact_ids[1]",
        "an unknown contact"
    );
    assert_eq!(
        bad(json!({"contact_ids": [s.f.contact]})).await,
        "contact_ids[0]",
        "a contact without an e-mail address"
    );
    let other = fixture(&app, "silver").await;
    let k: Value = app
        .ok(
            app.post(
                &format!("/api/v1/customers/{}/contacts", other.customer),
                &app.admin,
                &json!({"name": "Elsewhere", "email": "x@other.example"}),
            )
            .await,
            201,
        )
        .await;
    assert_eq!(
        bad(json!({"contact_ids": [k["id"]]})).await,
        "contact_ids[0]",
        "another customer's contact"
    );
    assert_eq!(
        bad(json!({"timeline": [{"at": "2026-11-20T08:00:00Z", "text": ""}]})).await,
        "timeline[0].text"
    );
    assert_eq!(
        bad(json!({"timeline": [{"at": "2027-01-01T00:00:00Z", "text": "later"}]})).await,
        "timeline[0].at"
    );
    assert_eq!(
        bad(json!({"impact": {"description": "x", "customers_affected": -1, "sites_affected": 0, "assets_affected": 0, "downtime_minutes": 0}})).await,
        "impact.customers_affected"
    );
    assert_eq!(
        bad(json!({"impact": {"description": "x", "customers_affected": 0, "sites_affected": 0, "assets_affected": 0, "downtime_minutes": 5_000_000}})).await,
        "impact.downtime_minutes",
        "more than a year down"
    );
    assert_eq!(
        bad(json!({"timeline": [{"at": "0001-01-01T00:00:00Z", "text": "long ago"}]})).await,
        "timeline[0].at"
    );
    assert_eq!(bad(json!({"root_cause": 42})).await, "root_cause");
    assert_eq!(bad(json!({"rootcause": "x"})).await, "rootcause");
    assert_eq!(bad(json!({"author_id": s.account_manager.id})).await, "author_id");
    let p = problem(
        app.http
            .patch(app.url(&path(&r, "")))
            .bearer_auth(&s.author_token)
            .header("If-Match", "yesterday")
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(field(p), "If-Match");
    let unchanged: FaultReport = app.ok(app.get(&path(&r, ""), &s.author_token).await, 200).await;
    assert_eq!(unchanged.version, 1, "nothing refused was stored");

    // A contact that loses its address after it was chosen stops the sending.
    let r: FaultReport = app.ok(edit(&app, &s.author_token, &r, &content(&s)).await, 200).await;
    let r = step_ok(&app, &s.author_token, &r, "submit", json!({})).await;
    let r = step_ok(&app, &s.reviewer_token, &r, "approve", json!({})).await;
    let resp = app
        .patch(
            &format!("/api/v1/contacts/{}", s.mailable),
            &app.admin,
            &json!({"email": ""}),
        )
        .await;
    assert_eq!(resp.status(), 200);
    let p = problem(
        step(&app, &s.reviewer_token, &r, "send", json!({})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(field(p), "contact_ids[0]");
    let still: FaultReport = app.ok(app.get(&path(&r, ""), &s.reviewer_token).await, 200).await;
    assert_eq!(still.status, FaultReportStatus::Approved, "nothing was sent");
    let queued: Page<OutboxMessage> = app.ok(app.get("/api/v1/outbox", &app.admin).await, 200).await;
    assert!(queued.items.iter().all(|m| m.kind != MailKind::FaultReport));
}

#[tokio::test]
async fn the_first_draft_tells_how_the_ticket_and_its_visit_went() {
    let crate::mobile::Setup {
        app,
        f,
        tech,
        phone,
        visit: v,
        ..
    } = crate::mobile::setup().await;
    let t: Ticket = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}", v.ticket_id.unwrap()), &app.admin)
                .await,
            200,
        )
        .await;
    // The signed completion of the ticket's only visit resolves it.
    crate::mobile::work_the_visit(&app, &phone, v).await;
    let resolved: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{}", t.id), &f.token).await, 200)
        .await;
    assert_eq!(resolved.status, TicketStatus::Resolved);

    let supervisor = app.token(Role::Supervisor).await;
    let r: FaultReport = app
        .ok(create(&app, &supervisor, json!({"ticket_id": t.id})).await, 201)
        .await;
    let (agent, tech_name) = (&f.agent.display_name, &tech.display_name);
    let texts: Vec<&str> = r.timeline.iter().map(|e| e.text.as_str()).collect();
    let expected = [
        format!("Ticket registered ({agent})"),
        format!("Escalated from the hotline to on-site service ({agent}): obvious hardware failure"),
        "On-site visit scheduled".to_string(),
        format!("Visit assigned to {tech_name}"),
        format!("Technician accepted the visit ({tech_name})"),
        format!("Technician on site at Line 1 depot ({tech_name})"),
        format!("Visit completed. Work done: Replaced the control board. ({tech_name})"),
        format!("Fault resolved ({tech_name}): visit "),
    ];
    let mut at = 0;
    for line in &expected {
        let found = texts[at..]
            .iter()
            .position(|t| t.starts_with(line.as_str()))
            .unwrap_or_else(|| panic!("`{line}` after entry {at} in {texts:#?}"));
        at += found + 1;
    }
    assert!(r.timeline.windows(2).all(|w| w[0].at <= w[1].at), "oldest first");
    let events = ticket_events(&app, &t).await;
    let checked_in = events.iter().find(|e| e.kind == "visit_checked_in").unwrap();
    let entry = r
        .timeline
        .iter()
        .find(|e| e.text.starts_with("Technician on site"))
        .unwrap();
    assert_eq!(entry.at, checked_in.at, "at the time the ticket recorded");
    assert_eq!(
        r.impact.downtime_minutes,
        (resolved.resolved_at.unwrap() - t.opened_at).num_minutes() as i32
    );
    assert_eq!(r.impact.description, "UPS alarm\n\nThe UPS beeps and shows fault E42.");
}
