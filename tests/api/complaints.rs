//! Complaints on their own ladder: the subject named at registration, the level limits by
//! customer tier (VIP tiers the lower bound) on the business calendar, the resolution stated and
//! the customer's answer (a refusal climbs; at appeal it is final), the scan climbing a level
//! past its limit once, who may work which level, and the report's figures.

use crate::helpers::{problem, TestApp};
use crate::tickets::{fixture, Fixture};
use fieldline_mobile_api::{
    Complaint, ComplaintEntry, ComplaintLevel, ComplaintLimits, ComplaintState, JobRun, LadderTier, Notification, Page,
    RequestKind, Role, ServiceReport, Ticket, TicketStatus, User,
};
use serde_json::{json, Value};

/// Monday 23 November 2026, 09:00 in Shanghai (the business calendar's zone): a working morning.
const MONDAY_0900: &str = "2026-11-23T01:00:00Z";

async fn app() -> TestApp {
    crate::helpers::spawn_app_at(MONDAY_0900).await
}

/// Sets a user's direct supervisor straight in the database (the organisation's API is
/// another issue's).
fn set_supervisor(app: &TestApp, user: i64, supervisor: i64) {
    let pool = fieldline::db::connect(&app.settings.database_url, 1).expect("the test database");
    let mut c = pool.get().expect("a connection");
    let standing = fieldline::db::org::Standing {
        team_id: None,
        supervisor_id: Some(supervisor),
        level: 1,
        grants: String::new(),
    };
    fieldline::db::org::set_standing(&mut c, user, &standing, app.clock.now()).expect("the standing is set");
}

async fn register_complaint(app: &TestApp, f: &Fixture, subject: Value) -> Ticket {
    let body = json!({"customer_id": f.customer, "contact_id": f.contact, "channel": "phone", "kind": "complaint",
        "priority": "p3", "title": "The technician was rude", "description": "The customer complains about the visit.",
        "unrelated_reason": "a complaint of its own", "complaint_subject": subject});
    app.ok(app.post("/api/v1/tickets", &f.token, &body).await, 201).await
}

async fn complaint(app: &TestApp, id: i64) -> Complaint {
    app.ok(
        app.get(&format!("/api/v1/tickets/{id}/complaint"), &app.admin).await,
        200,
    )
    .await
}

async fn state(app: &TestApp, token: &str, id: i64) -> reqwest::Response {
    app.post(
        &format!("/api/v1/tickets/{id}/complaint/resolution"),
        token,
        &json!({"resolution": "We apologise; the technician's lead has spoken to him."}),
    )
    .await
}

async fn answer(app: &TestApp, token: &str, id: i64, answer: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/tickets/{id}/complaint/answer"),
        token,
        &json!({"answer": answer, "answered_by": "Wang Fang", "comment": "said on the phone"}),
    )
    .await
}

async fn scan(app: &TestApp) -> JobRun {
    app.ok(app.post("/api/v1/jobs/sla_scan/run", &app.admin, &json!({})).await, 200)
        .await
}

async fn notes(app: &TestApp, token: &str, kind: &str) -> Vec<Notification> {
    let page: Page<Notification> = app
        .ok(app.get("/api/v1/notifications?limit=200", token).await, 200)
        .await;
    page.items.into_iter().filter(|n| n.kind == kind).collect()
}

async fn put(app: &TestApp, path: &str, token: &str, body: &Value) -> reqwest::Response {
    app.http
        .put(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("request")
}

async fn technician(app: &TestApp) -> User {
    app.user(Role::Technician).await.0
}

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().unwrap()
}

#[tokio::test]
async fn a_vip_complaints_limits_are_the_lower_bound_on_the_business_calendar() {
    let app = app().await;
    let standard = fixture(&app, "standard").await;
    let gold = fixture(&app, "gold").await;
    let tech = technician(&app).await;
    let subject = json!({"kind": "technician", "id": tech.id});
    let s = register_complaint(&app, &standard, subject.clone()).await;
    let g = register_complaint(&app, &gold, subject.clone()).await;
    assert_eq!(s.kind, RequestKind::Complaint);
    let (sc, gc) = (complaint(&app, s.id.0).await, complaint(&app, g.id.0).await);
    // Standard: 16 working hours from Monday 09:00 (working 08:30-17:00): Monday's 8 h, then
    // Tuesday 08:30 + 8 h = 16:30. Gold: 8 working hours, Monday 17:00.
    assert_eq!(sc.level_due_at, at("2026-11-24T08:30:00Z"));
    assert_eq!(gc.level_due_at, at("2026-11-23T09:00:00Z"));
    assert_eq!((gc.level, gc.state), (ComplaintLevel::Complaint, ComplaintState::Open));
    let subj = gc.subject.as_ref().unwrap();
    assert_eq!(subj.name, tech.display_name, "the subject is named on screens");
    assert_eq!(gc.handlers.len(), 1);
    assert_eq!(
        gc.handlers[0].user_id, gold.agent.id,
        "the first responder handles the first level"
    );
    assert_eq!(gc.steps[0].entered_by, ComplaintEntry::Registration);

    // The limits sit with the SLA policy: every tier listed, the defaults unchanged so far.
    let limits: Vec<ComplaintLimits> = app
        .ok(app.get("/api/v1/sla/complaint-limits", &standard.token).await, 200)
        .await;
    assert_eq!(limits.len(), 5);
    let std = limits.iter().find(|l| l.customer_tier.as_str() == "standard").unwrap();
    let vip = limits.iter().find(|l| l.customer_tier.as_str() == "platinum").unwrap();
    assert_eq!(
        (std.complaint_minutes, std.escalated_minutes, std.appeal_minutes),
        (960, 1440, 2400)
    );
    assert_eq!(
        (vip.complaint_minutes, vip.escalated_minutes, vip.appeal_minutes),
        (480, 960, 1440)
    );
    assert!(std.updated_at.is_none());
    // Only an admin changes them; a new complaint takes the new limit.
    let body = json!({"complaint_minutes": 120, "escalated_minutes": 240, "appeal_minutes": 480});
    let r = put(&app, "/api/v1/sla/complaint-limits/standard", &standard.token, &body).await;
    problem(r, 403, "forbidden").await;
    let bad = json!({"complaint_minutes": 0, "escalated_minutes": 240, "appeal_minutes": 480});
    let r = put(&app, "/api/v1/sla/complaint-limits/standard", &app.admin, &bad).await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("complaint_minutes")
    );
    let l: ComplaintLimits = app
        .ok(
            put(&app, "/api/v1/sla/complaint-limits/standard", &app.admin, &body).await,
            200,
        )
        .await;
    assert_eq!(l.complaint_minutes, 120);
    let again = register_complaint(&app, &standard, subject).await;
    assert_eq!(
        complaint(&app, again.id.0).await.level_due_at,
        at("2026-11-23T03:00:00Z")
    );
}

#[tokio::test]
async fn a_complaint_names_an_existing_subject_of_its_own_customer() {
    let app = app().await;
    let f = fixture(&app, "standard").await;
    let other = fixture(&app, "standard").await;
    let body = json!({"customer_id": f.customer, "channel": "phone", "kind": "complaint", "priority": "p3",
        "title": "Rude", "description": "The customer complains.", "unrelated_reason": "a complaint of its own"});
    let r = app.post("/api/v1/tickets", &f.token, &body).await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("complaint_subject")
    );
    let theirs = crate::tickets::register(&app, &other, "p3", "phone").await;
    let mut with = body.clone();
    with["complaint_subject"] = json!({"kind": "ticket", "id": theirs.id});
    let r = app.post("/api/v1/tickets", &f.token, &with).await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("complaint_subject.id")
    );
    with["complaint_subject"] = json!({"kind": "staff", "id": 999_999});
    let r = app.post("/api/v1/tickets", &f.token, &with).await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("complaint_subject.id")
    );
    // A fault names no subject.
    let mut fault = with.clone();
    fault["kind"] = json!("fault");
    let r = app.post("/api/v1/tickets", &f.token, &fault).await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("complaint_subject")
    );
    // Its own earlier ticket: linked by number.
    let mine = crate::tickets::register(&app, &f, "p3", "phone").await;
    let c = register_complaint(&app, &f, json!({"kind": "ticket", "id": mine.id})).await;
    let got = complaint(&app, c.id.0).await;
    let s = got.subject.unwrap();
    assert_eq!((s.name.as_str(), s.ticket_id), (mine.number.as_str(), Some(mine.id)));

    // A ticket becomes a complaint only with a subject, and a complaint stays one.
    let path = format!("/api/v1/tickets/{}/kind", mine.id);
    let r = app
        .post(
            &path,
            &f.token,
            &json!({"kind": "complaint", "reason": "The customer complains."}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("complaint_subject")
    );
    let staff = app.user(Role::Agent).await.0;
    let body = json!({"kind": "complaint", "reason": "The customer complains.", "complaint_subject": {"kind": "staff", "id": staff.id}});
    let t: Ticket = app.ok(app.post(&path, &f.token, &body).await, 200).await;
    assert_eq!(t.kind, RequestKind::Complaint);
    assert_eq!(complaint(&app, t.id.0).await.subject.unwrap().name, staff.display_name);
    let r = app
        .post(&path, &f.token, &json!({"kind": "fault", "reason": "back"}))
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("kind")
    );
    // No hotline, remote or on-site tier for a complaint.
    let r = app
        .post(
            &format!("/api/v1/tickets/{}/escalate", c.id),
            &f.token,
            &json!({"to": "remote", "reason": "try remote"}),
        )
        .await;
    let p = problem(r, 409, "invalid_transition").await;
    assert!(p.detail.contains("its own ladder"), "{}", p.detail);
}

#[tokio::test]
async fn refusals_climb_to_escalated_and_appeal_once_each_and_the_appeals_refusal_is_final() {
    let app = app().await;
    let f = fixture(&app, "standard").await;
    let (sup, sup_token) = app.user(Role::Supervisor).await;
    let (_, other_sup_token) = app.user(Role::Supervisor).await;
    let (_, manager_token) = app.user(Role::Manager).await;
    set_supervisor(&app, f.agent.id.0, sup.id.0);
    let tech = technician(&app).await;
    let t = register_complaint(&app, &f, json!({"kind": "technician", "id": tech.id})).await;
    let id = t.id.0;

    // Nothing to answer before a resolution is stated.
    problem(answer(&app, &f.token, id, "confirmed").await, 409, "invalid_transition").await;
    // Another agent may not work it; its owner may.
    let other_agent = app.token(Role::Agent).await;
    problem(state(&app, &other_agent, id).await, 403, "forbidden").await;
    let c: Complaint = app.ok(state(&app, &f.token, id).await, 200).await;
    assert_eq!(c.state, ComplaintState::AwaitingAnswer);
    problem(state(&app, &f.token, id).await, 409, "invalid_transition").await;
    let c: Complaint = app.ok(answer(&app, &f.token, id, "refused").await, 200).await;
    assert_eq!((c.level, c.state), (ComplaintLevel::Escalated, ComplaintState::Open));
    assert_eq!(c.steps[1].entered_by, ComplaintEntry::Refusal);
    assert_eq!(c.owner_id, f.agent.id, "the first responder keeps the complaint");
    // The owner's own supervisor handles it and is told; another supervisor is not told.
    assert_eq!(c.handlers.iter().map(|h| h.user_id).collect::<Vec<_>>(), [sup.id]);
    assert_eq!(notes(&app, &sup_token, "complaint_escalated").await.len(), 1);
    assert!(notes(&app, &other_sup_token, "complaint_escalated").await.is_empty());
    // The agent cannot work the escalated level.
    problem(state(&app, &f.token, id).await, 403, "forbidden").await;

    app.ok::<Complaint>(state(&app, &sup_token, id).await, 200).await;
    problem(answer(&app, &f.token, id, "refused").await, 403, "forbidden").await;
    let c: Complaint = app.ok(answer(&app, &sup_token, id, "refused").await, 200).await;
    assert_eq!(c.level, ComplaintLevel::Appeal);
    assert!(!c.handlers.is_empty());
    assert_eq!(notes(&app, &manager_token, "complaint_escalated").await.len(), 1);
    // A supervisor cannot work the appeal.
    problem(state(&app, &sup_token, id).await, 403, "forbidden").await;
    app.ok::<Complaint>(state(&app, &manager_token, id).await, 200).await;
    let c: Complaint = app.ok(answer(&app, &manager_token, id, "refused").await, 200).await;
    assert_eq!((c.level, c.state), (ComplaintLevel::Appeal, ComplaintState::Unresolved));
    assert!(c.closed_at.is_some());
    assert_eq!(c.steps.len(), 3, "once each");
    let ticket: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{id}"), &f.token).await, 200)
        .await;
    assert_eq!(ticket.status, TicketStatus::Closed);
    // Final: nothing more.
    problem(
        answer(&app, &manager_token, id, "confirmed").await,
        409,
        "invalid_transition",
    )
    .await;
    problem(state(&app, &manager_token, id).await, 409, "invalid_transition").await;
    let events: Vec<Value> = app
        .ok(app.get(&format!("/api/v1/tickets/{id}/timeline"), &f.token).await, 200)
        .await;
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    for k in [
        "complaint_opened",
        "complaint_resolution",
        "complaint_refused",
        "complaint_escalated",
        "complaint_unresolved",
    ] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
}

#[tokio::test]
async fn the_scan_climbs_a_complaint_past_its_limit_once_per_level_and_never_past_appeal() {
    let app = app().await;
    let f = fixture(&app, "gold").await;
    let (_, sup_token) = app.user(Role::Supervisor).await;
    let (_, manager_token) = app.user(Role::Manager).await;
    let tech = technician(&app).await;
    let t = register_complaint(&app, &f, json!({"kind": "technician", "id": tech.id})).await;
    let id = t.id.0;
    // Gold: 8 working hours, due Monday 17:00; Monday 16:59 is not late.
    app.clock.advance(chrono::Duration::minutes(7 * 60 + 59));
    scan(&app).await;
    assert_eq!(complaint(&app, id).await.level, ComplaintLevel::Complaint);
    // Past it (Monday evening): climbs to escalated, every supervisor told (the agent has none).
    app.clock.advance(chrono::Duration::hours(2));
    scan(&app).await;
    let c = complaint(&app, id).await;
    assert_eq!(c.level, ComplaintLevel::Escalated);
    assert!(c.steps[0].breached_at.is_some());
    assert_eq!(c.steps[1].entered_by, ComplaintEntry::Limit);
    // Its limit counts from Monday 19:00 on the calendar: Tuesday 08:30 + 16 h of work
    // = Tuesday's 8.5 h, then Wednesday 08:30 + 7.5 h = 16:00.
    assert_eq!(c.level_due_at, at("2026-11-25T08:00:00Z"));
    assert_eq!(notes(&app, &sup_token, "complaint_escalated").await.len(), 1);
    scan(&app).await;
    assert_eq!(complaint(&app, id).await.steps.len(), 2, "never twice");
    // The ticket never climbed the service ladder.
    let ticket: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{id}"), &f.token).await, 200)
        .await;
    assert_eq!(ticket.ladder_tier, LadderTier::Hotline);

    app.clock.set(at("2026-11-25T09:00:00Z"));
    scan(&app).await;
    let c = complaint(&app, id).await;
    assert_eq!(c.level, ComplaintLevel::Appeal);
    assert_eq!(notes(&app, &manager_token, "complaint_escalated").await.len(), 1);
    // Past the appeal's limit: recorded and alerted, nowhere to climb.
    app.clock.set(c.level_due_at + chrono::Duration::hours(1));
    scan(&app).await;
    scan(&app).await;
    let c = complaint(&app, id).await;
    assert_eq!(
        (c.level, c.state, c.steps.len()),
        (ComplaintLevel::Appeal, ComplaintState::Open, 3)
    );
    assert!(c.steps[2].breached_at.is_some());
    assert_eq!(notes(&app, &manager_token, "complaint_limit_missed").await.len(), 1);
    assert_eq!(notes(&app, &f.token, "complaint_limit_missed").await.len(), 1);
}

#[tokio::test]
async fn a_confirmation_closes_the_complaint_and_the_reports_count_complaints() {
    let app = app().await;
    let f = fixture(&app, "standard").await;
    let tech = technician(&app).await;
    let resolved = register_complaint(&app, &f, json!({"kind": "technician", "id": tech.id})).await;
    app.ok::<Complaint>(state(&app, &f.token, resolved.id.0).await, 200)
        .await;
    let c: Complaint = app
        .ok(answer(&app, &f.token, resolved.id.0, "confirmed").await, 200)
        .await;
    assert_eq!(
        (c.level, c.state),
        (ComplaintLevel::Complaint, ComplaintState::Resolved)
    );
    let staff = app.user(Role::Dispatcher).await.0;
    let late = register_complaint(&app, &f, json!({"kind": "staff", "id": staff.id})).await;
    // Standard: due Tuesday 16:30; the scan on Wednesday climbs it.
    app.clock.set(at("2026-11-25T02:00:00Z"));
    scan(&app).await;
    assert_eq!(complaint(&app, late.id.0).await.level, ComplaintLevel::Escalated);

    let list: Page<Complaint> = app.ok(app.get("/api/v1/complaints", &f.token).await, 200).await;
    assert_eq!(list.total, 1, "open ones by default");
    assert_eq!(list.items[0].ticket_id, late.id);
    let all: Page<Complaint> = app
        .ok(app.get("/api/v1/complaints?open=false", &f.token).await, 200)
        .await;
    assert_eq!(all.total, 2);

    let manager = app.token(Role::Manager).await;
    let rep: ServiceReport = app
        .ok(
            app.get("/api/v1/reports/service/weekly?week=2026-W48", &manager).await,
            200,
        )
        .await;
    let k = &rep.complaints;
    assert_eq!(k.received, 2);
    let level = |l: ComplaintLevel| {
        let x = k.by_level.iter().find(|x| x.level == l).unwrap();
        (x.reached, x.limit_met, x.limit_missed, x.still_open)
    };
    assert_eq!(level(ComplaintLevel::Complaint), (2, 1, 1, 0));
    assert_eq!(level(ComplaintLevel::Escalated), (1, 0, 0, 1));
    let subj = |s: &str| k.by_subject.iter().find(|x| x.subject == s).unwrap().received;
    assert_eq!((subj("technician"), subj("staff"), subj("ticket")), (1, 1, 0));
    let resolved_first = k
        .by_outcome
        .iter()
        .find(|o| o.outcome == ComplaintState::Resolved && o.level == ComplaintLevel::Complaint)
        .unwrap();
    assert_eq!(resolved_first.count, 1);
    let csv = app
        .get("/api/v1/reports/service/weekly?week=2026-W48&format=csv", &manager)
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("complaints,,,received,2"), "{csv}");
    assert!(csv.contains("complaint_level,complaint,,limit_missed,1"), "{csv}");
    assert!(csv.contains("complaint_subject,technician,,received,1"), "{csv}");
    assert!(
        csv.contains("complaint_outcome,resolved_at_complaint,,count,1"),
        "{csv}"
    );
}
