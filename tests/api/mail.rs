//! E-mail that is never lost, and major fault notices: the outbox, the relay against a real SMTP
//! server on 127.0.0.1, retries with backoff, dead messages and their retry, the per-customer
//! bound, the file transport.

use crate::helpers::{problem, spawn_app_full, TestApp, USER_PASSWORD};
use crate::smtp::{Received, SmtpSink};
use crate::tickets::{fixture, major_fault_body, register, Fixture, FRIDAY_1650};
use chrono::Duration;
use fieldline::clock::Clock;
use fieldline::config::{MailSettings, MailTransport, Settings, SmtpSecurity};
use fieldline_mobile_api::{
    AuditEvent, JobRun, MailKind, MajorFault, Notification, OutboxMessage, OutboxStatus, Page, Role, Ticket,
    TicketEvent, User,
};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Mail through the sink's SMTP port, on a fake clock standing at Friday 16:50 in Shanghai.
fn smtp_to(sink: &SmtpSink) -> impl FnOnce(&mut Settings) {
    let port = sink.port();
    move |s: &mut Settings| {
        s.mail = MailSettings {
            transport: MailTransport::Smtp,
            smtp_host: "127.0.0.1".into(),
            smtp_port: Some(port),
            smtp_security: SmtpSecurity::None,
            smtp_timeout: std::time::Duration::from_secs(5),
            from: "Fieldline Service <service@fieldline.test>".into(),
            relay_cron: String::new(),
            ..MailSettings::default()
        }
    }
}

pub async fn mail_app(sink: &SmtpSink, change: impl FnOnce(&mut Settings)) -> TestApp {
    let smtp = smtp_to(sink);
    spawn_app_full(
        |s| {
            smtp(s);
            change(s);
        },
        Clock::fake(FRIDAY_1650.parse().unwrap()),
    )
    .await
}

/// The people a notice goes to: an account manager on the customer, a manager with an address
/// and one without.
struct People {
    account_manager: User,
    manager: User,
}

async fn people(app: &TestApp, f: &Fixture) -> People {
    let (account_manager, _) = app.user(Role::AccountManager).await;
    let (manager, _) = app.user(Role::Manager).await;
    let no_email = json!({"username": format!("mgr-{}", uuid::Uuid::new_v4().simple()), "display_name": "No Mail",
        "role": "manager", "password": USER_PASSWORD});
    let _: User = app
        .ok(app.post("/api/v1/users", &app.admin, &no_email).await, 201)
        .await;
    let r = app
        .patch(
            &format!("/api/v1/customers/{}", f.customer),
            &app.admin,
            &json!({"account_manager_id": account_manager.id}),
        )
        .await;
    assert_eq!(r.status(), 200);
    People {
        account_manager,
        manager,
    }
}

pub async fn relay(app: &TestApp) -> JobRun {
    app.ok(
        app.post("/api/v1/jobs/mail_relay/run", &app.admin, &json!({})).await,
        200,
    )
    .await
}

async fn outbox(app: &TestApp, query: &str) -> Page<OutboxMessage> {
    app.ok(app.get(&format!("/api/v1/outbox{query}"), &app.admin).await, 200)
        .await
}

async fn only_message(app: &TestApp) -> OutboxMessage {
    let page = outbox(app, "").await;
    assert_eq!(page.total, 1, "{page:?}");
    page.items.into_iter().next().unwrap()
}

async fn mark(app: &TestApp, f: &Fixture, ticket: &Ticket, body: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/tickets/{}/major-fault", ticket.id.0), &f.token, &body)
        .await
}

async fn mark_ok(app: &TestApp, f: &Fixture, ticket: &Ticket) -> MajorFault {
    app.ok(mark(app, f, ticket, major_fault_body(app)).await, 201).await
}

fn recipients(r: &Received) -> BTreeSet<String> {
    r.rcpt_to.iter().cloned().collect()
}

fn email(u: &User) -> String {
    u.email.clone().unwrap()
}

/// Staff who read different languages get one message each in theirs; the extra address,
/// nobody's in particular, reads Chinese with the staff who chose no language.
#[tokio::test]
async fn a_major_fault_notice_goes_out_once_per_language() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    let f = fixture(&app, "gold").await;
    let p = people(&app, &f).await;
    let am: User = app
        .ok(
            app.patch(
                &format!("/api/v1/users/{}", p.account_manager.id.0),
                &app.admin,
                &json!({"language": "en"}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(am.language, Some(fieldline_mobile_api::Language::En));
    assert_eq!(p.manager.language, None);
    let t = register(&app, &f, "p1", "phone").await;
    let mut body = major_fault_body(&app);
    body["extra_recipients"] = json!(["duty.officer@metro.example"]);
    let m: MajorFault = app.ok(mark(&app, &f, &t, body).await, 201).await;
    assert_eq!(m.notices.len(), 2, "{:?}", m.notices);
    assert!(m.notices.iter().all(|n| n.kind == MailKind::MajorFaultNotice));
    assert_eq!(relay(&app).await.actions, 2);
    let got = sink.received();
    assert_eq!(got.len(), 2);
    let mut seen = Vec::new();
    for r in &got {
        let msg = r.parsed();
        let subject = msg.subject().unwrap().to_string();
        let text = msg.body_text(0).unwrap().into_owned();
        if subject.starts_with("Major fault: ") {
            assert_eq!(recipients(r), [email(&p.account_manager)].into());
            assert!(
                text.contains("Occurred at:  2026-11-20 16:40 (Asia/Shanghai)"),
                "{text}"
            );
            seen.push("en");
        } else {
            assert!(subject.starts_with(&format!("重大故障：{}", t.number)), "{subject}");
            let expected: BTreeSet<String> = [email(&p.manager), "duty.officer@metro.example".into()].into();
            assert_eq!(recipients(r), expected);
            assert!(
                text.contains("发生时间：  2026年11月20日 16:40（Asia/Shanghai）"),
                "{text}"
            );
            seen.push("zh");
        }
    }
    seen.sort();
    assert_eq!(seen, ["en", "zh"]);
    let ids: BTreeSet<String> = got.iter().map(Received::message_id).collect();
    assert_eq!(ids.len(), 2, "each message has its own Message-ID");
}

#[tokio::test]
async fn a_major_fault_notice_reaches_the_account_manager_and_the_managers() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    let f = fixture(&app, "gold").await;
    let p = people(&app, &f).await;
    let t = register(&app, &f, "p1", "phone").await;
    let mut body = major_fault_body(&app);
    body["symptoms"] = json!("Line 1 is dark.\n<script>alert(1)</script> & smoke in the UPS room");
    body["extra_recipients"] = json!(["duty.officer@metro.example"]);
    let m: MajorFault = app.ok(mark(&app, &f, &t, body).await, 201).await;
    assert!(m.open);
    assert_eq!(m.ticket_number, t.number);
    assert_eq!(m.elapsed_minutes, 10);
    assert_eq!(m.notices.len(), 1);
    assert_eq!(m.notices[0].status, OutboxStatus::Pending);
    assert!(sink.received().is_empty(), "nothing is sent from the request itself");

    let run = relay(&app).await;
    assert_eq!((run.ran, run.examined, run.actions), (true, 1, 1));
    let got = sink.received();
    assert_eq!(got.len(), 1);
    let expected: BTreeSet<String> = [
        email(&p.account_manager),
        email(&p.manager),
        "duty.officer@metro.example".into(),
    ]
    .into();
    assert_eq!(
        recipients(&got[0]),
        expected,
        "the manager without an address is left out"
    );
    assert_eq!(got[0].mail_from, "service@fieldline.test");
    let stored = only_message(&app).await;
    assert_eq!(stored.status, OutboxStatus::Sent);
    assert_eq!(stored.kind, MailKind::MajorFaultNotice);
    assert_eq!(got[0].message_id(), stored.message_id);
    let msg = got[0].parsed();
    let subject = msg.subject().unwrap();
    assert!(
        subject.contains(&t.number) && subject.contains("Hangzhou Metro"),
        "{subject}"
    );
    let text = msg.body_text(0).unwrap();
    // Nobody chose a language: the notice is in Chinese.
    for fact in [
        "Line 1 depot, UPS room",
        "发生时间：  2026年11月20日 16:40（Asia/Shanghai）",
        "<script>alert(1)</script> & smoke",
        "Switch to the backup feed.",
    ] {
        assert!(text.contains(fact), "{fact} in {text}");
    }
    let html = msg.body_html(0).unwrap();
    assert!(html.contains("<table"), "a real HTML part: {html}");
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"), "{html}");
    let raw = got[0].raw();
    assert!(
        raw.contains("multipart/alternative") && raw.contains("text/html"),
        "{raw}"
    );

    // The account manager and the managers also find it in their inbox.
    let am_token = app.login(&p.account_manager.username, USER_PASSWORD).await.access_token;
    let inbox: Page<Notification> = app.ok(app.get("/api/v1/notifications", &am_token).await, 200).await;
    assert!(inbox.items.iter().any(|n| n.kind == "major_fault"));

    // A new plan and the end send follow-ups to the same people.
    app.clock.advance(Duration::minutes(30));
    let u: MajorFault = app
        .ok(
            app.post(
                &format!("/api/v1/tickets/{}/major-fault/updates", t.id.0),
                &f.token,
                &json!({"handling_plan": "Backup feed on; replacing the UPS module.", "note": "Power back on line 1."}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(
        (u.updates, u.handling_plan.as_str()),
        (1, "Backup feed on; replacing the UPS module.")
    );
    app.clock.advance(Duration::minutes(20));
    let e: MajorFault = app
        .ok(
            app.post(
                &format!("/api/v1/tickets/{}/major-fault/end", t.id.0),
                &f.token,
                &json!({"summary": "UPS module replaced."}),
            )
            .await,
            200,
        )
        .await;
    assert!(!e.open);
    assert_eq!(e.elapsed_minutes, 60);
    assert_eq!(e.notices.len(), 3);
    let run = relay(&app).await;
    assert_eq!(run.actions, 2);
    let got = sink.received();
    assert_eq!(got.len(), 3);
    let subjects: Vec<String> = got.iter().map(|r| r.parsed().subject().unwrap().to_string()).collect();
    assert!(
        subjects[1].starts_with(&format!("重大故障第 1 次更新：{}", t.number)),
        "{subjects:?}"
    );
    assert!(
        subjects[2].starts_with(&format!("重大故障已结束：{}", t.number)),
        "{subjects:?}"
    );
    assert!(got[1].parsed().body_text(0).unwrap().contains("Power back on line 1."));
    assert!(got[2].parsed().body_text(0).unwrap().contains("（历时 1小时0分钟）"));
    for r in &got[1..] {
        assert_eq!(recipients(r), expected);
    }
    let ids: BTreeSet<String> = got.iter().map(Received::message_id).collect();
    assert_eq!(ids.len(), 3, "each notice has its own Message-ID");

    let kinds: Vec<String> = app
        .ok::<Vec<TicketEvent>>(
            app.get(&format!("/api/v1/tickets/{}/timeline", t.id.0), &app.admin)
                .await,
            200,
        )
        .await
        .into_iter()
        .map(|e| e.kind)
        .collect();
    for k in ["major_fault", "mail_queued", "major_fault_updated", "major_fault_ended"] {
        assert!(kinds.contains(&k.to_string()), "{k} in {kinds:?}");
    }
    let audit: Page<AuditEvent> = app
        .ok(
            app.get(
                &format!("/api/v1/audit?entity=major_fault&entity_id={}", m.id.0),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    let actions: BTreeSet<String> = audit.items.iter().map(|a| a.action.clone()).collect();
    assert_eq!(actions, ["create", "end", "update"].map(String::from).into());
}

#[tokio::test]
async fn a_notice_waits_while_the_mail_server_is_down_and_is_delivered_once() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    let f = fixture(&app, "standard").await;
    people(&app, &f).await;
    let t = register(&app, &f, "p1", "phone").await;
    sink.stop().await;
    mark_ok(&app, &f, &t).await;

    let run = relay(&app).await;
    assert_eq!((run.examined, run.actions), (1, 0));
    let m = only_message(&app).await;
    assert_eq!((m.status, m.attempts), (OutboxStatus::Pending, 1));
    assert!(m.last_error.is_some());
    assert_eq!(m.next_attempt_at, app.clock.now() + Duration::minutes(1));
    let message_id = m.message_id.clone();

    let run = relay(&app).await;
    assert_eq!(run.examined, 0, "not due before its backoff");
    for (wait, attempts) in [(1, 2), (2, 3), (4, 4)] {
        app.clock.advance(Duration::minutes(wait));
        relay(&app).await;
        let m = only_message(&app).await;
        assert_eq!((m.status, m.attempts), (OutboxStatus::Pending, attempts));
        assert_eq!(
            m.next_attempt_at,
            app.clock.now() + Duration::minutes(wait * 2),
            "the wait doubles"
        );
    }
    assert!(sink.received().is_empty());

    sink.restart().await;
    app.clock.advance(Duration::minutes(8));
    let run = relay(&app).await;
    assert_eq!(run.actions, 1);
    let m = only_message(&app).await;
    assert_eq!((m.status, m.attempts), (OutboxStatus::Sent, 4));
    assert_eq!(m.sent_at, Some(app.clock.now()));
    app.clock.advance(Duration::hours(2));
    relay(&app).await;
    relay(&app).await;
    let got = sink.received();
    assert_eq!(got.len(), 1, "delivered exactly once");
    assert_eq!(
        got[0].message_id(),
        message_id,
        "with the Message-ID it had from the start"
    );

    let audit: Page<AuditEvent> = app
        .ok(
            app.get(
                &format!("/api/v1/audit?entity=outbox_message&entity_id={}", m.id.0),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    let actions: Vec<&str> = audit.items.iter().rev().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "create",
            "send_failed",
            "send_failed",
            "send_failed",
            "send_failed",
            "sent"
        ]
    );
}

#[tokio::test]
async fn a_message_is_dead_after_its_last_attempt_and_an_admin_retry_sends_it() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |s| s.mail.max_attempts = 3).await;
    let f = fixture(&app, "standard").await;
    let p = people(&app, &f).await;
    let t = register(&app, &f, "p2", "phone").await;
    sink.stop().await;
    mark_ok(&app, &f, &t).await;
    relay(&app).await;
    app.clock.advance(Duration::minutes(1));
    relay(&app).await;
    app.clock.advance(Duration::minutes(2));
    relay(&app).await;
    let dead = outbox(&app, "?status=dead").await;
    assert_eq!(dead.total, 1);
    let m = &dead.items[0];
    assert_eq!((m.attempts, m.ticket_id), (3, Some(t.id)));
    assert!(m.last_error.is_some());
    assert_eq!(outbox(&app, "?status=pending").await.total, 0);
    app.clock.advance(Duration::hours(3));
    assert_eq!(relay(&app).await.examined, 0, "a dead message is not tried again");
    // The admins hear of it in their inbox.
    let inbox: Page<Notification> = app.ok(app.get("/api/v1/notifications", &app.admin).await, 200).await;
    let alert = inbox
        .items
        .iter()
        .find(|n| n.kind == "mail_dead")
        .expect("the admin is told");
    assert_eq!(alert.ticket_id, Some(t.id));
    assert!(alert.message.contains("after 3 attempt(s)"), "{}", alert.message);
    // The operators' readiness detail shows it, and an alert line for it.
    let ready: Value = app.ok(app.get("/ready", &app.admin).await, 200).await;
    assert_eq!(ready["detail"]["outbox"]["dead"], 1, "{ready}");
    assert!(
        ready["detail"]["alerts"][0].as_str().unwrap().contains("dead"),
        "{ready}"
    );

    // Admins only.
    let manager = app.login(&p.manager.username, USER_PASSWORD).await.access_token;
    problem(app.get("/api/v1/outbox", &manager).await, 403, "forbidden").await;
    let retry = format!("/api/v1/outbox/{}/retry", m.id.0);
    problem(app.post(&retry, &manager, &json!({})).await, 403, "forbidden").await;
    problem(
        app.post("/api/v1/outbox/999999/retry", &app.admin, &json!({})).await,
        404,
        "not_found",
    )
    .await;
    let p2 = problem(
        app.get("/api/v1/outbox?status=lost", &app.admin).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p2.field.as_deref(), Some("status"));

    let back: OutboxMessage = app.ok(app.post(&retry, &app.admin, &json!({})).await, 200).await;
    assert_eq!((back.status, back.attempts), (OutboxStatus::Pending, 0));
    assert_eq!(back.next_attempt_at, app.clock.now());
    problem(
        app.post(&retry, &app.admin, &json!({})).await,
        409,
        "invalid_transition",
    )
    .await;
    sink.restart().await;
    assert_eq!(relay(&app).await.actions, 1);
    assert_eq!(sink.received().len(), 1);
    assert_eq!(sink.received()[0].message_id(), m.message_id);
    let audit: Page<AuditEvent> = app
        .ok(
            app.get(
                &format!("/api/v1/audit?entity=outbox_message&entity_id={}", m.id.0),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    let retried = audit
        .items
        .iter()
        .find(|a| a.action == "retry")
        .expect("the retry is audited");
    assert!(retried.actor_id.is_some());
    assert!(audit.items.iter().any(|a| a.action == "dead"));
}

#[tokio::test]
async fn an_admin_sends_a_pending_message_now_instead_of_after_its_backoff() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    let f = fixture(&app, "standard").await;
    let p = people(&app, &f).await;
    let t = register(&app, &f, "p2", "phone").await;
    sink.stop().await;
    mark_ok(&app, &f, &t).await;
    relay(&app).await;
    let m = only_message(&app).await;
    assert_eq!((m.status, m.attempts), (OutboxStatus::Pending, 1));
    assert!(m.next_attempt_at > app.clock.now(), "waiting for its backoff");
    let ready: Value = app.ok(app.get("/ready", &app.admin).await, 200).await;
    assert_eq!(ready["detail"]["outbox"]["pending"], 1, "{ready}");
    assert!(ready["detail"]["outbox"]["oldest_pending_age_seconds"].is_i64());
    // The mail server is fixed; the backoff would still hold the message back.
    sink.restart().await;
    assert_eq!(relay(&app).await.examined, 0);

    let send_now = format!("/api/v1/outbox/{}/send-now", m.id.0);
    let manager = app.login(&p.manager.username, USER_PASSWORD).await.access_token;
    problem(app.post(&send_now, &manager, &json!({})).await, 403, "forbidden").await;
    problem(
        app.post("/api/v1/outbox/999999/send-now", &app.admin, &json!({})).await,
        404,
        "not_found",
    )
    .await;
    let now: OutboxMessage = app.ok(app.post(&send_now, &app.admin, &json!({})).await, 200).await;
    assert_eq!(
        (now.status, now.attempts),
        (OutboxStatus::Pending, 1),
        "its attempts count on"
    );
    assert_eq!(now.next_attempt_at, app.clock.now());
    assert_eq!(relay(&app).await.actions, 1);
    assert_eq!(sink.received().len(), 1);
    // Sent: nothing to send now any more.
    problem(
        app.post(&send_now, &app.admin, &json!({})).await,
        409,
        "invalid_transition",
    )
    .await;
    let audit: Page<AuditEvent> = app
        .ok(
            app.get(
                &format!("/api/v1/audit?entity=outbox_message&entity_id={}", m.id.0),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    let event = audit
        .items
        .iter()
        .find(|a| a.action == "send_now")
        .expect("the send-now is audited");
    assert!(event.actor_id.is_some());
}

#[tokio::test]
async fn major_fault_reports_are_validated() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    let f = fixture(&app, "standard").await;
    people(&app, &f).await;
    let t = register(&app, &f, "p1", "phone").await;
    let with = |k: &str, v: Value| {
        let mut b = major_fault_body(&app);
        b[k] = v;
        b
    };
    let without = |k: &str| {
        let mut b = major_fault_body(&app);
        b.as_object_mut().unwrap().remove(k);
        b
    };
    let future = app.clock.now() + Duration::hours(1);
    for (body, field) in [
        (
            with("extra_recipients", json!(["duty@metro.example", "not an address"])),
            "extra_recipients[1]",
        ),
        (
            with("extra_recipients", json!(["a@metro.example, b@metro.example"])),
            "extra_recipients[0]",
        ),
        (with("extra_recipients", json!([""])), "extra_recipients[0]"),
        (with("occurred_at", json!(future)), "occurred_at"),
        (with("location", json!("  ")), "location"),
        (with("symptoms", json!("x".repeat(4001))), "symptoms"),
        (without("handling_plan"), "handling_plan"),
    ] {
        let p = problem(mark(&app, &f, &t, body.clone()).await, 422, "validation_failed").await;
        assert_eq!(p.field.as_deref(), Some(field), "{body}");
    }
    let ticket: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{}", t.id.0), &app.admin).await, 200)
        .await;
    assert!(!ticket.major_fault, "nothing was marked");
    assert_eq!(outbox(&app, "").await.total, 0, "nothing was queued");

    // Updates and the end need an open major fault.
    let updates = format!("/api/v1/tickets/{}/major-fault/updates", t.id.0);
    let end = format!("/api/v1/tickets/{}/major-fault/end", t.id.0);
    problem(
        app.post(&updates, &f.token, &json!({"handling_plan": "x"})).await,
        404,
        "not_found",
    )
    .await;
    let m = mark_ok(&app, &f, &t).await;
    let p = problem(
        app.post(&updates, &f.token, &json!({"handling_plan": " "})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("handling_plan"));
    let before = m.occurred_at - Duration::minutes(1);
    let p = problem(
        app.post(&end, &f.token, &json!({"ended_at": before})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("ended_at"));
    let p = problem(
        app.post(
            &end,
            &f.token,
            &json!({"ended_at": app.clock.now() + Duration::hours(1)}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("ended_at"));
    // A technician who does not work the ticket does not see it.
    let tech = app.token(Role::Technician).await;
    problem(app.post(&end, &tech, &json!({})).await, 404, "not_found").await;
    problem(
        app.get(&format!("/api/v1/tickets/{}/major-fault", t.id.0), &tech).await,
        404,
        "not_found",
    )
    .await;
    app.ok::<MajorFault>(app.post(&end, &f.token, &json!({})).await, 200)
        .await;
    problem(app.post(&end, &f.token, &json!({})).await, 409, "invalid_transition").await;
    problem(
        app.post(&updates, &f.token, &json!({"handling_plan": "late"})).await,
        409,
        "invalid_transition",
    )
    .await;
    let read: MajorFault = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}/major-fault", t.id.0), &f.token)
                .await,
            200,
        )
        .await;
    assert_eq!((read.open, read.notices.len()), (false, 2));
}

#[tokio::test]
async fn the_per_customer_bound_holds_the_excess_back_and_sends_it_later() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |s| s.mail.per_customer_per_hour = 2).await;
    let busy = fixture(&app, "standard").await;
    people(&app, &busy).await;
    let quiet = fixture(&app, "gold").await;
    for _ in 0..3 {
        let t = register(&app, &busy, "p1", "phone").await;
        mark_ok(&app, &busy, &t).await;
    }
    let t = register(&app, &quiet, "p1", "phone").await;
    mark_ok(&app, &quiet, &t).await;

    let run = relay(&app).await;
    assert_eq!(
        (run.examined, run.actions),
        (4, 3),
        "two of the busy customer's, the other's one"
    );
    assert_eq!(sink.received().len(), 3);
    let waiting = outbox(&app, "?status=pending").await;
    assert_eq!(waiting.total, 1);
    let w = &waiting.items[0];
    assert_eq!(w.customer_id.map(|c| c.0), Some(busy.customer));
    assert_eq!(w.attempts, 0, "held back, not failed");
    assert!(w.last_error.is_none());
    assert_eq!(w.next_attempt_at, app.clock.now() + Duration::hours(1));

    app.clock.advance(Duration::minutes(30));
    assert_eq!(relay(&app).await.actions, 0);
    app.clock.advance(Duration::minutes(30));
    assert_eq!(relay(&app).await.actions, 1, "the next hour has room");
    assert_eq!(sink.received().len(), 4);
    assert_eq!(outbox(&app, "?status=sent").await.total, 4, "nothing was dropped");
}

#[tokio::test]
async fn relays_running_at_once_send_each_message_once() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    let f = fixture(&app, "standard").await;
    people(&app, &f).await;
    for _ in 0..6 {
        let t = register(&app, &f, "p2", "web").await;
        mark_ok(&app, &f, &t).await;
    }
    let (a, b, c) = tokio::join!(relay(&app), relay(&app), relay(&app));
    assert_eq!(a.actions + b.actions + c.actions, 6);
    let got = sink.received();
    assert_eq!(got.len(), 6);
    let ids: BTreeSet<String> = got.iter().map(Received::message_id).collect();
    assert_eq!(ids.len(), 6, "no message twice");
}

#[tokio::test]
async fn open_major_faults_are_listed_with_the_time_since_they_occurred() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    let f = fixture(&app, "standard").await;
    let p = people(&app, &f).await;
    let first = register(&app, &f, "p1", "phone").await;
    let second = register(&app, &f, "p1", "phone").await;
    let third = register(&app, &f, "p1", "phone").await;
    mark_ok(&app, &f, &first).await;
    app.clock.advance(Duration::minutes(5));
    mark_ok(&app, &f, &second).await;
    mark_ok(&app, &f, &third).await;
    app.ok::<MajorFault>(
        app.post(
            &format!("/api/v1/tickets/{}/major-fault/end", third.id.0),
            &f.token,
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    app.clock.advance(Duration::minutes(50));
    let manager = app.login(&p.manager.username, USER_PASSWORD).await.access_token;
    let open: Page<MajorFault> = app
        .ok(app.get("/api/v1/major-faults?open=true", &manager).await, 200)
        .await;
    let rows: Vec<(String, i64)> = open
        .items
        .iter()
        .map(|m| (m.ticket_number.clone(), m.elapsed_minutes))
        .collect();
    assert_eq!(
        rows,
        [(first.number.clone(), 65), (second.number.clone(), 60)],
        "longest-running first"
    );
    assert!(open.items.iter().all(|m| m.customer_name == "Hangzhou Metro"));
    let ended: Page<MajorFault> = app
        .ok(app.get("/api/v1/major-faults?open=false", &manager).await, 200)
        .await;
    assert_eq!(ended.items.len(), 1);
    assert_eq!(
        (ended.items[0].ticket_id, ended.items[0].elapsed_minutes),
        (third.id, 10)
    );
    let all: Page<MajorFault> = app
        .ok(app.get("/api/v1/major-faults?limit=2", &manager).await, 200)
        .await;
    assert_eq!((all.total, all.items.len()), (3, 2));
    let tech = app.token(Role::Technician).await;
    problem(app.get("/api/v1/major-faults", &tech).await, 403, "forbidden").await;
}

#[tokio::test]
async fn the_file_transport_writes_a_readable_eml() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("mail-{}", uuid::Uuid::new_v4().simple()));
    let folder = dir.clone();
    let app = spawn_app_full(
        move |s| {
            s.mail.transport = MailTransport::File;
            s.mail.dir = folder;
            s.mail.message_id_domain = Some("fieldline.test".into());
        },
        Clock::fake(FRIDAY_1650.parse().unwrap()),
    )
    .await;
    let f = fixture(&app, "standard").await;
    let p = people(&app, &f).await;
    let t = register(&app, &f, "p1", "phone").await;
    mark_ok(&app, &f, &t).await;
    assert_eq!(relay(&app).await.actions, 1);
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("eml"));
    let raw = std::fs::read(&files[0]).unwrap();
    let msg = mail_parser::MessageParser::default().parse(&raw).unwrap();
    let stored = only_message(&app).await;
    assert_eq!(format!("<{}>", msg.message_id().unwrap()), stored.message_id);
    assert!(stored.message_id.ends_with("@fieldline.test>"));
    assert!(msg.subject().unwrap().contains(&t.number));
    let to: BTreeSet<String> = msg
        .to()
        .unwrap()
        .iter()
        .filter_map(|a| a.address().map(str::to_string))
        .collect();
    assert!(
        to.contains(&email(&p.account_manager)) && to.contains(&email(&p.manager)),
        "{to:?}"
    );
    assert!(msg.body_text(0).unwrap().contains("The UPS is down"));
    assert!(msg.body_html(0).unwrap().contains("<table"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn an_attachment_enqueued_in_a_transaction_arrives_with_its_message() {
    use fieldline::db::{self, audit::Actor, outbox as store};
    use fieldline::mail::Attachment;
    use mail_parser::MimeHeaders;
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p3", "phone").await;
    let url = app.settings.database_url.clone();
    let (customer, ticket, now) = (f.customer, t.id.0, app.clock.now());
    let pdf: Vec<u8> = b"%PDF-1.7\n\x00\xff report body".to_vec();
    let bytes = pdf.clone();
    tokio::task::spawn_blocking(move || {
        let pool = db::connect(&url, 1).unwrap();
        let mut conn = pool.get().unwrap();
        let actor = Actor::system(now);
        let mail = || {
            store::OutboxMail::new(
                "fieldline.test",
                MailKind::FaultReport,
                vec!["li.wei@example.com".into()],
                "Fault analysis report",
                "The report is attached.",
            )
            .html("<p>The report is attached.</p>")
            .customer(customer)
            .ticket(ticket)
            .attach(Attachment::new("attachment", "report.pdf", "application/pdf", bytes.clone()).unwrap())
        };
        // Outside a transaction it is refused: a message must be written with its cause.
        assert!(fieldline::service::outbox::enqueue(&mut conn, &actor, mail()).is_err());
        db::write(&mut conn, |c| fieldline::service::outbox::enqueue(c, &actor, mail())).unwrap();
    })
    .await
    .unwrap();
    let queued = only_message(&app).await;
    assert_eq!(queued.attachments.len(), 1);
    assert_eq!(queued.attachments[0].filename, "report.pdf");
    assert_eq!(queued.attachments[0].size_bytes, pdf.len() as i64);
    assert_eq!(relay(&app).await.actions, 1);
    let got = sink.received();
    assert_eq!(got.len(), 1);
    let msg = got[0].parsed();
    assert_eq!(msg.subject(), Some("Fault analysis report"));
    assert_eq!(msg.attachment_count(), 1);
    let a = msg.attachments().next().unwrap();
    assert_eq!(a.attachment_name(), Some("report.pdf"));
    assert_eq!(a.contents(), pdf.as_slice());
    assert!(msg.body_html(0).unwrap().contains("<p>The report is attached.</p>"));
    assert!(msg.body_text(0).unwrap().contains("The report is attached."));
}
