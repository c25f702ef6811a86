//! Request kinds: chosen at registration (a fault unless said), changed with a reason, listed
//! and filtered; SLA policy rows for a kind, the most specific row winning.

use crate::helpers::{problem, spawn_app_at};
use crate::tickets::{at, fixture, register, Fixture, FRIDAY_1650};
use chrono::Duration;
use fieldline_mobile_api::{
    AuditEvent, ClockMode, Page, RequestKind, Role, SlaPolicy, Ticket, TicketEvent, TierAction,
};
use serde_json::{json, Value};

async fn register_kind(app: &crate::helpers::TestApp, f: &Fixture, kind: &str, priority: &str) -> Ticket {
    let mut body = json!({"customer_id": f.customer, "contact_id": f.contact, "asset_id": f.asset, "channel": "phone",
        "kind": kind, "priority": priority, "title": "About the UPS", "description": "The customer called.",
        "unrelated_reason": "a test's own matter"});
    if kind == "complaint" {
        // A complaint names what it is about.
        body["complaint_subject"] = json!({"kind": "staff", "id": f.agent.id});
    }
    app.ok(app.post("/api/v1/tickets", &f.token, &body).await, 201).await
}

async fn events(app: &crate::helpers::TestApp, id: i64) -> Vec<TicketEvent> {
    app.ok(
        app.get(&format!("/api/v1/tickets/{id}/timeline"), &app.admin).await,
        200,
    )
    .await
}

#[tokio::test]
async fn the_kind_is_chosen_at_registration_a_fault_unless_said_and_filters_the_list() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let fault = register(&app, &f, "p3", "phone").await;
    assert_eq!(
        fault.kind,
        RequestKind::Fault,
        "clients that send no kind register faults"
    );
    let enquiry = register_kind(&app, &f, "enquiry", "p4").await;
    let suggestion = register_kind(&app, &f, "suggestion", "p4").await;
    assert_eq!(
        (enquiry.kind, suggestion.kind),
        (RequestKind::Enquiry, RequestKind::Suggestion)
    );
    let one: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{}", enquiry.id), &f.token).await, 200)
        .await;
    assert_eq!(one.kind, RequestKind::Enquiry);
    let registered = events(&app, enquiry.id.0).await;
    assert_eq!(registered[0].data.as_ref().unwrap()["kind"], "enquiry");

    let list: Page<Ticket> = app
        .ok(app.get("/api/v1/tickets?kind=enquiry", &f.token).await, 200)
        .await;
    assert_eq!(list.total, 1);
    assert_eq!(list.items[0].id, enquiry.id);
    let all: Page<Ticket> = app.ok(app.get("/api/v1/tickets", &f.token).await, 200).await;
    assert_eq!(all.total, 3);
    assert!(all.items.iter().any(|t| t.kind == RequestKind::Suggestion));
    let none: Page<Ticket> = app
        .ok(app.get("/api/v1/tickets?kind=complaint&open=true", &f.token).await, 200)
        .await;
    assert_eq!(none.total, 0);
    let r = app.get("/api/v1/tickets?kind=praise", &f.token).await;
    assert!(r.status().is_client_error());
    let body = json!({"customer_id": f.customer, "channel": "phone", "kind": "praise", "priority": "p3",
        "title": "x", "description": "y"});
    let r = app.post("/api/v1/tickets", &f.token, &body).await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("kind")
    );
}

#[tokio::test]
async fn a_complaint_takes_its_own_row_and_an_override_row_wins_where_most_specific() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    // A P3 fault runs on business hours; a complaint on its own row: every hour, 2 h to answer,
    // 48 h to resolve, whatever its priority.
    let fault = register(&app, &f, "p3", "phone").await;
    assert_eq!(fault.clock_mode, ClockMode::Business);
    let complaint = register_kind(&app, &f, "complaint", "p3").await;
    assert_eq!(complaint.clock_mode, ClockMode::Continuous);
    assert_eq!(complaint.response_due_at, at(FRIDAY_1650) + Duration::hours(2));
    assert_eq!(complaint.resolution_due_at, at(FRIDAY_1650) + Duration::hours(48));
    assert_eq!(complaint.hotline_due_at, Some(at(FRIDAY_1650) + Duration::hours(8)));
    // A gold customer's complaint gets the lower bound.
    let gold = fixture(&app, "gold").await;
    let c = register_kind(&app, &gold, "complaint", "p4").await;
    assert_eq!(c.resolution_due_at, at(FRIDAY_1650) + Duration::hours(24));

    // An admin adds a row for enquiries of any customer: it beats the tier x priority x class rows.
    let row = json!({"kind": "enquiry", "response_minutes": 30, "hotline_minutes": 60, "remote_minutes": 60,
        "departure_minutes": 60, "arrival_minutes": 120, "resolution_minutes": 240, "clock_mode": "continuous"});
    let agent = app.token(Role::Agent).await;
    problem(app.post("/api/v1/sla/policies", &agent, &row).await, 403, "forbidden").await;
    let p: SlaPolicy = app
        .ok(app.post("/api/v1/sla/policies", &app.admin, &row).await, 201)
        .await;
    assert_eq!(
        (p.kind, p.customer_tier, p.priority),
        (Some(RequestKind::Enquiry), None, None)
    );
    assert_eq!(
        (p.hotline_action, p.remote_action),
        (TierAction::Alert, TierAction::Alert)
    );
    problem(
        app.post("/api/v1/sla/policies", &app.admin, &row).await,
        409,
        "duplicate",
    )
    .await;
    let mut bad = row.clone();
    bad["kind"] = json!("suggestion");
    bad["departure_minutes"] = json!(180);
    let r = app.post("/api/v1/sla/policies", &app.admin, &bad).await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("departure_minutes")
    );
    let e = register_kind(&app, &f, "enquiry", "p1").await;
    assert_eq!(e.response_due_at, at(FRIDAY_1650) + Duration::minutes(30));
    assert_eq!(e.resolution_due_at, at(FRIDAY_1650) + Duration::hours(4));
    // A row for gold enquiries is more specific still.
    let gold_row = json!({"kind": "enquiry", "customer_tier": "gold", "response_minutes": 10, "hotline_minutes": 60,
        "remote_minutes": 60, "departure_minutes": 60, "arrival_minutes": 120, "resolution_minutes": 120,
        "clock_mode": "continuous", "hotline_action": "climb"});
    let _: SlaPolicy = app
        .ok(app.post("/api/v1/sla/policies", &app.admin, &gold_row).await, 201)
        .await;
    let ge = register_kind(&app, &gold, "enquiry", "p1").await;
    assert_eq!(ge.response_due_at, at(FRIDAY_1650) + Duration::minutes(10));
    let se = register_kind(&app, &f, "enquiry", "p1").await;
    assert_eq!(se.response_due_at, at(FRIDAY_1650) + Duration::minutes(30));
    let listed: Vec<SlaPolicy> = app.ok(app.get("/api/v1/sla/policies", &agent).await, 200).await;
    assert_eq!(listed.len(), 40 + 5 + 2);
}

#[tokio::test]
async fn changing_the_kind_takes_a_reason_retargets_and_is_audited() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p3", "phone").await;
    let path = format!("/api/v1/tickets/{}/kind", t.id);
    let r = app
        .post(&path, &f.token, &json!({"kind": "complaint", "reason": " "}))
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("reason")
    );
    let r = app.post(&path, &f.token, &json!({"kind": "complaint"})).await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("reason")
    );
    let r = app
        .post(&path, &f.token, &json!({"kind": "fault", "reason": "same"}))
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("kind")
    );
    // Someone who neither owns nor works the ticket may not; a supervisor may.
    let other = app.token(Role::Agent).await;
    let body = json!({"kind": "complaint", "reason": "The customer complains about the last visit.",
        "complaint_subject": {"kind": "staff", "id": f.agent.id}});
    problem(app.post(&path, &other, &body).await, 403, "forbidden").await;
    let tech = app.token(Role::Technician).await;
    problem(app.post(&path, &tech, &body).await, 404, "not_found").await;

    let c: Ticket = app.ok(app.post(&path, &f.token, &body).await, 200).await;
    assert_eq!(c.kind, RequestKind::Complaint);
    assert_eq!(c.clock_mode, ClockMode::Continuous, "the complaint row's clock");
    assert_eq!(c.resolution_due_at, at(FRIDAY_1650) + Duration::hours(48));
    let tl = events(&app, t.id.0).await;
    let changed = tl.iter().find(|e| e.kind == "kind_changed").unwrap();
    assert_eq!(
        (
            changed.from.as_deref(),
            changed.to.as_deref(),
            changed.reason.as_deref()
        ),
        (
            Some("fault"),
            Some("complaint"),
            Some("The customer complains about the last visit.")
        )
    );
    assert_eq!(changed.actor_id, Some(f.agent.id));
    assert!(tl.iter().any(|e| e.kind == "dues_recomputed"));
    let trail: Page<AuditEvent> = app
        .ok(
            app.get(&format!("/api/v1/audit?entity=ticket&entity_id={}", t.id), &app.admin)
                .await,
            200,
        )
        .await;
    let audit = trail.items.iter().find(|e| e.action == "change_kind").unwrap();
    assert_eq!(audit.actor_id, Some(f.agent.id));
    assert_eq!(audit.before.as_ref().unwrap()["kind"], "fault");
    assert_eq!(audit.after.as_ref().unwrap()["kind"], "complaint");
    // A complaint stays a complaint: it ends on its own ladder.
    let supervisor = app.token(Role::Supervisor).await;
    let r = app
        .post(
            &path,
            &supervisor,
            &json!({"kind": "suggestion", "reason": "It was an idea."}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("kind")
    );
    let other = register(&app, &f, "p3", "phone").await;
    let back: Value = app
        .ok(
            app.post(
                &format!("/api/v1/tickets/{}/kind", other.id),
                &supervisor,
                &json!({"kind": "suggestion", "reason": "It was an idea."}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(back["kind"], "suggestion");
}
