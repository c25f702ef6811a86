//! A staff reply from the ticket answers the customer: on a ticket not yet responded to, the
//! reply is its response (stamped once, a breach when late, audited with a new version), as
//! the first ladder step is. No mailbox is needed: the reply goes to the outbox.

use crate::helpers::{spawn_app_at, TestApp};
use crate::portal::mail_contact;
use crate::tickets::{at, fixture, Fixture, FRIDAY_1650};
use chrono::Duration;
use fieldline_mobile_api::{AuditEvent, Page, Ticket, TicketReply};
use serde_json::json;

/// An e-mail ticket of the fixture's customer, its contact one with an address.
async fn email_ticket(app: &TestApp, f: &Fixture, contact: i64) -> Ticket {
    let body = json!({"customer_id": f.customer, "contact_id": contact, "asset_id": f.asset, "channel": "email",
        "priority": "p3", "title": "UPS alarm", "description": "The UPS beeps.",
        "unrelated_reason": "a test's own matter"});
    app.ok(app.post("/api/v1/tickets", &f.token, &body).await, 201).await
}

async fn reply(app: &TestApp, f: &Fixture, id: i64, text: &str) -> TicketReply {
    let r = app
        .post(
            &format!("/api/v1/tickets/{id}/replies"),
            &f.token,
            &json!({"text": text}),
        )
        .await;
    app.ok(r, 201).await
}

async fn ticket(app: &TestApp, id: i64) -> Ticket {
    app.ok(app.get(&format!("/api/v1/tickets/{id}"), &app.admin).await, 200)
        .await
}

async fn responds(app: &TestApp, id: i64) -> Vec<AuditEvent> {
    let trail: Page<AuditEvent> = app
        .ok(
            app.get(&format!("/api/v1/audit?entity=ticket&entity_id={id}"), &app.admin)
                .await,
            200,
        )
        .await;
    trail.items.into_iter().filter(|e| e.action == "respond").collect()
}

#[tokio::test]
async fn a_staff_reply_is_the_response_of_a_ticket_not_yet_responded_to() {
    // Friday 16:50 local: an e-mail is due by 17:00 the same day.
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let contact = mail_contact(&app, f.customer, "Wang Fang", "wang@metro.example", "zh").await;
    let t = email_ticket(&app, &f, contact).await;
    assert_eq!(t.response_due_at, at("2026-11-20T09:00:00Z"));
    assert!(t.responded_at.is_none());

    // In time: the reply is the response, no breach, a new version, audited by the agent.
    app.clock.advance(Duration::minutes(5));
    let first = app.clock.now();
    reply(&app, &f, t.id.0, "我们已收到，工程师今天联系您。").await;
    let after = ticket(&app, t.id.0).await;
    assert_eq!(after.responded_at, Some(first));
    assert!(!after.breached);
    assert_eq!(after.version, t.version + 1);
    let trail = responds(&app, t.id.0).await;
    assert_eq!(trail.len(), 1, "{trail:?}");
    assert_eq!(trail[0].actor_id, Some(f.agent.id));

    // A second reply leaves the response as it was.
    app.clock.advance(Duration::minutes(30));
    reply(&app, &f, t.id.0, "补充：请保持设备通电。").await;
    let again = ticket(&app, t.id.0).await;
    assert_eq!(again.responded_at, Some(first));
    assert_eq!(again.version, after.version);
    assert_eq!(responds(&app, t.id.0).await.len(), 1);

    // Late: a reply after the due time is the response, breached.
    let late = email_ticket(&app, &f, contact).await;
    app.clock.set(at("2026-11-23T10:00:00Z"));
    reply(&app, &f, late.id.0, "抱歉回复晚了。").await;
    let late = ticket(&app, late.id.0).await;
    assert_eq!(late.responded_at, Some(at("2026-11-23T10:00:00Z")));
    assert!(late.breached, "{late:?}");

    // A ticket taken on first was responded to then; the reply changes nothing of it.
    let started = email_ticket(&app, &f, contact).await;
    let s: Ticket = app
        .ok(
            app.post(&format!("/api/v1/tickets/{}/start", started.id), &f.token, &json!({}))
                .await,
            200,
        )
        .await;
    app.clock.advance(Duration::minutes(10));
    reply(&app, &f, started.id.0, "已处理中。").await;
    let s2 = ticket(&app, started.id.0).await;
    assert_eq!(s2.responded_at, s.responded_at);
    assert_eq!(s2.version, s.version);
    assert!(responds(&app, started.id.0).await.is_empty());
}
