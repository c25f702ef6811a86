use crate::helpers::{problem, spawn_app, spawn_app_at, spawn_app_full, square, TestApp};
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{
    AuthorizationMethod, JobRun, LadderTier, Notification, OnsiteRequest, Page, RemoteAuthorization, Role, Ticket,
    TicketEvent, TicketStatus, User,
};
use serde_json::{json, Value};

/// Friday 2026-11-20 16:50 in Shanghai: ten minutes before the end of the working week.
pub const FRIDAY_1650: &str = "2026-11-20T08:50:00Z";

pub struct Fixture {
    pub agent: User,
    pub token: String,
    pub customer: i64,
    pub site: i64,
    pub asset: i64,
    pub contact: i64,
}

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// A standard-tier customer with a contact, a site in an urban region and an asset; an agent.
pub async fn fixture(app: &TestApp, tier: &str) -> Fixture {
    let r = app
        .post(
            "/api/v1/regions",
            &app.admin,
            &json!({"name": format!("Centre {tier}"), "class": "urban", "boundary": square(120.1, 30.2, 120.3, 30.35)}),
        )
        .await;
    assert!(r.status() == 201 || r.status() == 409);
    let (agent, token) = app.user(Role::Agent).await;
    let c: Value = app
        .ok(
            app.post(
                "/api/v1/customers",
                &app.admin,
                &json!({"name": "Hangzhou Metro", "tier": tier}),
            )
            .await,
            201,
        )
        .await;
    let customer = c["id"].as_i64().unwrap();
    let s: Value = app
        .ok(app.post("/api/v1/sites", &app.admin, &json!({"customer_id": customer, "name": "Line 1 depot", "address": "1 Depot Rd", "latitude": 30.25, "longitude": 120.15})).await, 201)
        .await;
    let site = s["id"].as_i64().unwrap();
    let serial = format!("UPS-{}", uuid::Uuid::new_v4().simple());
    let a: Value = app
        .ok(app.post("/api/v1/assets", &app.admin, &json!({"site_id": site, "model": "Eaton 93PM", "serial_number": serial, "purchase_date": "2024-03-01"})).await, 201)
        .await;
    let k: Value = app
        .ok(
            app.post(
                &format!("/api/v1/customers/{customer}/contacts"),
                &app.admin,
                &json!({"name": "Wang Fang", "phone": "+86 571 8765 4321"}),
            )
            .await,
            201,
        )
        .await;
    Fixture {
        agent,
        token,
        customer,
        site,
        asset: a["id"].as_i64().unwrap(),
        contact: k["id"].as_i64().unwrap(),
    }
}

/// Registers a ticket on the fixture's asset, as a matter of its own (tests register many on one
/// asset; `closure.rs` tests the check of repeat contacts).
pub async fn register(app: &TestApp, f: &Fixture, priority: &str, channel: &str) -> Ticket {
    let body = json!({"customer_id": f.customer, "contact_id": f.contact, "asset_id": f.asset, "channel": channel,
        "priority": priority, "title": "UPS alarm", "description": "The UPS beeps and shows fault E42.",
        "unrelated_reason": "a test's own matter"});
    app.ok(app.post("/api/v1/tickets", &f.token, &body).await, 201).await
}

async fn act(app: &TestApp, token: &str, id: i64, step: &str, body: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/tickets/{id}/{step}"), token, &body).await
}

async fn ok_act(app: &TestApp, token: &str, id: i64, step: &str, body: Value) -> Ticket {
    app.ok(act(app, token, id, step, body).await, 200).await
}

async fn timeline(app: &TestApp, id: i64) -> Vec<TicketEvent> {
    app.ok(
        app.get(&format!("/api/v1/tickets/{id}/timeline"), &app.admin).await,
        200,
    )
    .await
}

async fn run_scan(app: &TestApp) -> JobRun {
    app.ok(app.post("/api/v1/jobs/sla_scan/run", &app.admin, &json!({})).await, 200)
        .await
}

#[tokio::test]
async fn registration_numbers_the_ticket_copies_the_asset_and_sets_due_times() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p3", "phone").await;
    assert_eq!(t.number, "FL-2026-000001");
    assert_eq!(t.owner_id, f.agent.id, "the registering agent is the first responder");
    assert_eq!(t.assignee_id, Some(f.agent.id));
    assert_eq!((t.ladder_tier, t.status), (LadderTier::Hotline, TicketStatus::New));
    assert_eq!(t.site_id.map(|s| s.0), Some(f.site), "the site comes from the asset");
    assert_eq!(t.product_model.as_deref(), Some("Eaton 93PM"));
    assert!(t.serial_number.as_deref().unwrap().starts_with("UPS-"));
    assert_eq!(t.purchase_date.unwrap().to_string(), "2024-03-01");
    assert_eq!(t.contact_name.as_deref(), Some("Wang Fang"));
    // P3, standard, urban: 4 h response and 36 h resolution on business hours (Mon-Fri 08:30-17:00).
    assert_eq!(t.response_due_at, at("2026-11-23T04:20:00Z"), "Mon 12:20 local");
    assert_eq!(t.resolution_due_at, at("2026-11-27T02:20:00Z"), "Fri 10:20 local");
    let second = register(&app, &f, "p3", "phone").await;
    assert_eq!(second.number, "FL-2026-000002");
    let events = timeline(&app, t.id.0).await;
    assert_eq!(events[0].kind, "registered");
    assert_eq!(events[0].actor_id, Some(f.agent.id));
}

#[tokio::test]
async fn an_emailed_request_is_due_by_the_end_of_the_first_working_day() {
    // Friday 18:00 local, after hours: the first working day is Monday.
    let app = spawn_app_at("2026-11-20T10:00:00Z").await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p4", "email").await;
    assert_eq!(t.response_due_at, at("2026-11-23T09:00:00Z"), "Monday 17:00 local");
    // Tuesday 10:00 local: the same day's closing.
    app.clock.set(at("2026-11-24T02:00:00Z"));
    let t = register(&app, &f, "p4", "email").await;
    assert_eq!(t.response_due_at, at("2026-11-24T09:00:00Z"), "Tuesday 17:00 local");
    // A phone call is not bound by it.
    let t = register(&app, &f, "p4", "phone").await;
    assert_eq!(
        t.response_due_at,
        at("2026-11-25T01:30:00Z"),
        "8 business hours later: Wednesday 09:30 local"
    );
}

#[tokio::test]
async fn a_holiday_moves_business_hour_due_times() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let r = app
        .post(
            "/api/v1/calendar/holidays",
            &app.admin,
            &json!({"day": "2026-11-23", "name": "Company day"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p3", "phone").await;
    assert_eq!(t.response_due_at, at("2026-11-24T04:20:00Z"), "Tuesday 12:20 local");
}

#[tokio::test]
async fn registration_is_validated() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "gold").await;
    let other = fixture(&app, "silver").await;
    let base =
        json!({"customer_id": f.customer, "channel": "phone", "priority": "p2", "title": "T", "description": "D"});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    for (body, field) in [
        (with("customer_id", json!(999)), "customer_id"),
        (with("asset_id", json!(other.asset)), "asset_id"),
        (with("contact_id", json!(other.contact)), "contact_id"),
        (with("site_id", json!(other.site)), "site_id"),
        (with("priority", json!("p9")), "priority"),
        (with("channel", json!("fax")), "channel"),
        (with("title", json!(" ")), "title"),
        (with("received_at", json!("2026-11-25T00:00:00Z")), "received_at"),
    ] {
        let p = problem(
            app.post("/api/v1/tickets", &f.token, &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p.field.as_deref(), Some(field), "{body}");
    }
    let tech = app.token(Role::Technician).await;
    problem(app.post("/api/v1/tickets", &tech, &base).await, 403, "forbidden").await;
}

#[tokio::test]
async fn a_ticket_climbs_the_ladder_and_closes_only_on_acceptance() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p2", "phone").await;
    let id = t.id.0;
    let tok = &f.token;
    let s = ok_act(&app, tok, id, "start", json!({})).await;
    assert_eq!(s.status, TicketStatus::InProgress);
    assert_eq!(s.responded_at, Some(at(FRIDAY_1650)));
    // Remote service needs the customer's authorization first.
    let p = problem(
        act(
            &app,
            tok,
            id,
            "escalate",
            json!({"to": "remote", "reason": "guidance did not help"}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
    assert!(p.detail.contains("authorization"));
    // Recording it is a create like any other: 201 with what was made.
    let a: RemoteAuthorization = app
        .ok(
            act(
                &app,
                tok,
                id,
                "authorizations",
                json!({"authorized_by": "Wang Fang", "method": "phone", "note": "recorded call"}),
            )
            .await,
            201,
        )
        .await;
    assert_eq!(
        (a.ticket_id.0, a.authorized_by.as_str(), a.method, a.note.as_deref()),
        (id, "Wang Fang", AuthorizationMethod::Phone, Some("recorded call"))
    );
    assert_eq!(a.authorized_at, at(FRIDAY_1650));
    let t: Ticket = app.ok(app.get(&format!("/api/v1/tickets/{id}"), tok).await, 200).await;
    assert!(t.remote_authorized);
    let auths: Vec<RemoteAuthorization> = app
        .ok(app.get(&format!("/api/v1/tickets/{id}/authorizations"), tok).await, 200)
        .await;
    assert_eq!(auths, vec![a]);
    let r = ok_act(
        &app,
        tok,
        id,
        "escalate",
        json!({"to": "remote", "reason": "guidance did not help"}),
    )
    .await;
    assert_eq!(r.ladder_tier, LadderTier::Remote);
    // On-site needs the agreed window, and creates the on-site registration.
    let p = problem(
        act(&app, tok, id, "escalate", json!({"to": "onsite"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("window_start"));
    // The window is bounded: a technician booked for it is blocked for all of it.
    for (start, end, field) in [
        ("0001-01-01T00:00:00Z", "2026-11-21T05:00:00Z", "window_start"),
        ("2026-11-19T08:00:00Z", "2026-11-21T05:00:00Z", "window_start"),
        ("2027-11-21T01:00:00Z", "2027-11-21T05:00:00Z", "window_start"),
        ("2026-11-21T01:00:00Z", "2026-11-22T01:00:01Z", "window_end"),
        ("2026-11-21T01:00:00Z", "9999-12-31T00:00:00Z", "window_end"),
        ("2026-11-21T01:00:00Z", "2026-11-21T01:00:00Z", "window_end"),
    ] {
        let body = json!({"to": "onsite", "reason": "x", "window_start": start, "window_end": end});
        let p = problem(act(&app, tok, id, "escalate", body).await, 422, "validation_failed").await;
        assert_eq!(p.field.as_deref(), Some(field), "{start}..{end}: {}", p.detail);
    }
    let window = json!({"to": "onsite", "reason": "the board must be replaced",
        "window_start": "2026-11-21T01:00:00Z", "window_end": "2026-11-21T05:00:00Z"});
    let o = ok_act(&app, tok, id, "escalate", window).await;
    assert_eq!(o.ladder_tier, LadderTier::Onsite);
    assert!(o.arrival_due_at.is_some());
    let reqs: Page<OnsiteRequest> = app
        .ok(
            app.get(&format!("/api/v1/onsite-requests?ticket_id={id}"), tok).await,
            200,
        )
        .await;
    assert_eq!(reqs.total, 1);
    assert_eq!(reqs.items[0].window_start, at("2026-11-21T01:00:00Z"));
    problem(
        act(
            &app,
            tok,
            id,
            "escalate",
            json!({"to": "remote", "reason": "back down"}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
    problem(
        act(
            &app,
            tok,
            id,
            "acceptance",
            json!({"accepted_by": "Wang Fang", "satisfied": true}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
    app.clock.advance(Duration::hours(2));
    ok_act(&app, tok, id, "arrival", json!({})).await;
    let done = ok_act(
        &app,
        tok,
        id,
        "resolve",
        json!({"reason": "replaced the control board"}),
    )
    .await;
    assert_eq!(done.status, TicketStatus::Resolved);
    // The customer is not satisfied: the ticket reopens and work goes on.
    let reopened = ok_act(
        &app,
        tok,
        id,
        "acceptance",
        json!({"accepted_by": "Wang Fang", "satisfied": false, "comment": "still beeps"}),
    )
    .await;
    assert_eq!(reopened.status, TicketStatus::Reopened);
    assert!(reopened.resolved_at.is_none());
    ok_act(
        &app,
        tok,
        id,
        "resolve",
        json!({"reason": "replaced the battery pack too"}),
    )
    .await;
    let closed = ok_act(
        &app,
        tok,
        id,
        "acceptance",
        json!({"accepted_by": "Wang Fang", "satisfied": true}),
    )
    .await;
    assert_eq!(closed.status, TicketStatus::Closed);
    assert!(closed.closed_at.is_some());
    for step in ["start", "resolve"] {
        problem(act(&app, tok, id, step, json!({})).await, 409, "invalid_transition").await;
    }
    problem(
        act(&app, tok, id, "major-fault", major_fault_body(&app)).await,
        409,
        "invalid_transition",
    )
    .await;
    let kinds: Vec<String> = timeline(&app, id).await.into_iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            "registered",
            "started",
            "authorization",
            "escalated",
            "escalated",
            "onsite_requested",
            "arrived",
            "resolved",
            "reopened",
            "resolved",
            "accepted",
            "satisfaction_revisit_scheduled",
            // The closing e-mail: the contact has no e-mail address.
            "mail_skipped"
        ]
    );
    let events = timeline(&app, id).await;
    let esc = events.iter().filter(|e| e.kind == "escalated").collect::<Vec<_>>();
    assert_eq!(
        (esc[0].from.as_deref(), esc[0].to.as_deref()),
        (Some("hotline"), Some("remote"))
    );
    assert_eq!(esc[0].reason.as_deref(), Some("guidance did not help"));
    assert_eq!(esc[0].actor_id, Some(f.agent.id));
    assert_eq!(
        (esc[1].from.as_deref(), esc[1].to.as_deref()),
        (Some("remote"), Some("onsite"))
    );
}

#[tokio::test]
async fn skipping_a_tier_needs_a_reason() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p1", "phone").await;
    let window = |reason: Option<&str>| json!({"to": "onsite", "reason": reason, "window_start": "2026-11-20T10:00:00Z", "window_end": "2026-11-20T12:00:00Z"});
    let p = problem(
        act(&app, &f.token, t.id.0, "escalate", window(None)).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("reason"));
    let o = ok_act(
        &app,
        &f.token,
        t.id.0,
        "escalate",
        window(Some("smoke from the cabinet")),
    )
    .await;
    assert_eq!(o.ladder_tier, LadderTier::Onsite);
    let e = timeline(&app, t.id.0)
        .await
        .into_iter()
        .find(|e| e.kind == "escalated")
        .unwrap();
    assert_eq!(e.data.unwrap()["skipped_tier"], true);
}

#[tokio::test]
async fn ownership_passes_only_by_an_explicit_handoff() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p3", "phone").await;
    let id = t.id.0;
    let (colleague, colleague_token) = app.user(Role::Agent).await;
    let (tech, _) = app.user(Role::Technician).await;
    // Someone who neither owns nor works the ticket may not act on it or give it away.
    problem(
        act(&app, &colleague_token, id, "start", json!({})).await,
        403,
        "forbidden",
    )
    .await;
    problem(
        act(
            &app,
            &colleague_token,
            id,
            "handoff",
            json!({"to_user_id": colleague.id, "reason": "mine now"}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let p = problem(
        act(
            &app,
            &f.token,
            id,
            "handoff",
            json!({"to_user_id": tech.id, "reason": "x"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("to_user_id"));
    let p = problem(
        act(
            &app,
            &f.token,
            id,
            "handoff",
            json!({"to_user_id": colleague.id, "reason": ""}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("reason"));
    let h = ok_act(
        &app,
        &f.token,
        id,
        "handoff",
        json!({"to_user_id": colleague.id, "reason": "going on leave"}),
    )
    .await;
    assert_eq!(h.owner_id, colleague.id);
    assert_eq!(
        h.assignee_id,
        Some(f.agent.id),
        "who works it is separate from who owns it"
    );
    let inbox: Page<Notification> = app
        .ok(
            app.get("/api/v1/notifications?unread=true", &colleague_token).await,
            200,
        )
        .await;
    assert_eq!(inbox.items[0].kind, "handoff");
    let read: Notification = app
        .ok(
            app.post(
                &format!("/api/v1/notifications/{}/read", inbox.items[0].id),
                &colleague_token,
                &json!({}),
            )
            .await,
            200,
        )
        .await;
    assert!(read.read_at.is_some());
    let e = timeline(&app, id)
        .await
        .into_iter()
        .find(|e| e.kind == "handoff")
        .unwrap();
    assert_eq!(e.from.as_deref(), Some(f.agent.id.to_string().as_str()));
    assert_eq!(e.to.as_deref(), Some(colleague.id.to_string().as_str()));
    assert_eq!(e.reason.as_deref(), Some("going on leave"));
    // Assigning a technician: the technician sees that ticket and no other.
    let (tech2, tech2_token) = app.user(Role::Technician).await;
    ok_act(
        &app,
        &colleague_token,
        id,
        "assign",
        json!({"assignee_id": tech2.id, "reason": "on site tomorrow"}),
    )
    .await;
    let mine: Page<Ticket> = app.ok(app.get("/api/v1/tickets", &tech2_token).await, 200).await;
    assert_eq!(mine.total, 1);
    let other = register(&app, &f, "p3", "phone").await;
    problem(
        app.get(&format!("/api/v1/tickets/{}", other.id), &tech2_token).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(
        app.get(&format!("/api/v1/tickets/{id}"), &tech2_token).await.status(),
        200
    );
}

#[tokio::test]
async fn waiting_on_the_customer_stops_the_clock() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p1", "phone").await; // continuous clock: 1 h response, 18 h resolution
    assert_eq!(t.resolution_due_at, at(FRIDAY_1650) + Duration::hours(18));
    ok_act(&app, &f.token, t.id.0, "start", json!({})).await;
    let w = ok_act(
        &app,
        &f.token,
        t.id.0,
        "wait",
        json!({"reason": "customer checks the breaker"}),
    )
    .await;
    assert_eq!(w.status, TicketStatus::WaitingOnCustomer);
    app.clock.advance(Duration::hours(30));
    // Nothing breaches while the clock is stopped.
    let run = run_scan(&app).await;
    assert_eq!(run.actions, 0);
    let r = ok_act(&app, &f.token, t.id.0, "resume", json!({})).await;
    assert_eq!(r.paused_seconds, 30 * 3600);
    assert_eq!(r.resolution_due_at, at(FRIDAY_1650) + Duration::hours(48));
    assert!(!r.breached);
}

#[tokio::test]
async fn a_priority_change_recomputes_and_records_the_due_times() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p3", "phone").await;
    let u: Ticket = app
        .ok(
            app.patch(
                &format!("/api/v1/tickets/{}", t.id),
                &f.token,
                &json!({"priority": "p1", "reason": "hospital on backup power"}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(u.clock_mode, fieldline_mobile_api::ClockMode::Continuous);
    assert_eq!(u.resolution_due_at, at(FRIDAY_1650) + Duration::hours(18));
    let e = timeline(&app, t.id.0)
        .await
        .into_iter()
        .find(|e| e.kind == "dues_recomputed")
        .unwrap();
    let data = e.data.unwrap();
    assert_eq!(data["before"]["resolution_due_at"], "2026-11-27T02:20:00Z");
    assert_eq!(data["after"]["resolution_due_at"], "2026-11-21T02:50:00Z");
    assert_eq!(e.reason.as_deref(), Some("hospital on backup power"));
    // The customer becomes VIP: open tickets get the shorter VIP bound.
    let c: Value = app
        .ok(
            app.patch(
                &format!("/api/v1/customers/{}", f.customer),
                &app.admin,
                &json!({"tier": "gold"}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(c["tier"], "gold");
    let v: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{}", t.id), &f.token).await, 200)
        .await;
    assert_eq!(v.customer_tier, fieldline_mobile_api::Tier::Gold);
    assert_eq!(v.resolution_due_at, at(FRIDAY_1650) + Duration::hours(12));
}

#[tokio::test]
async fn the_sla_scan_records_breaches_and_climbs_the_alerts_once_each() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let (_, supervisor) = app.user(Role::Supervisor).await;
    let (_, manager) = app.user(Role::Manager).await;
    let t = register(&app, &f, "p1", "phone").await; // 1 h response, continuous
    assert_eq!(run_scan(&app).await.actions, 0, "nothing is due yet");
    app.clock.advance(Duration::minutes(61));
    let first = run_scan(&app).await;
    assert_eq!(
        (first.examined, first.actions),
        (1, 2),
        "the response breach and the owner's alert"
    );
    let again = run_scan(&app).await;
    assert_eq!(again.actions, 0, "the same step is never taken twice");
    let v: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{}", t.id), &f.token).await, 200)
        .await;
    assert!(v.breached);
    assert_eq!(v.escalation_step, 1);
    let inbox: Page<Notification> = app.ok(app.get("/api/v1/notifications", &f.token).await, 200).await;
    assert_eq!(inbox.total, 1);
    assert_eq!(inbox.items[0].kind, "sla_alert");
    let unread = |token: String| {
        let app = &app;
        async move {
            let p: Page<Notification> = app
                .ok(app.get("/api/v1/notifications?unread=true", &token).await, 200)
                .await;
            p.total
        }
    };
    assert_eq!(unread(supervisor.clone()).await, 0);
    app.clock.advance(Duration::minutes(60));
    assert_eq!(run_scan(&app).await.actions, 1);
    assert_eq!(unread(supervisor.clone()).await, 1, "then the supervisors");
    assert_eq!(unread(manager.clone()).await, 0);
    app.clock.advance(Duration::minutes(60));
    assert_eq!(run_scan(&app).await.actions, 1);
    assert_eq!(unread(manager.clone()).await, 1, "then the managers");
    app.clock.advance(Duration::hours(5));
    assert_eq!(
        run_scan(&app).await.actions,
        2,
        "no step after the managers; the hotline's 4 h limit passed: its breach, and a climb that needs the customer's authorization"
    );
    app.clock.advance(Duration::hours(12));
    assert_eq!(
        run_scan(&app).await.actions,
        1,
        "the resolution breach is recorded when it happens"
    );
    let events = timeline(&app, t.id.0).await;
    let breaches: Vec<_> = events
        .iter()
        .filter(|e| e.kind == "sla_breach")
        .map(|e| e.to.clone().unwrap())
        .collect();
    assert_eq!(breaches, ["response", "hotline", "resolution"]);
    let alerts: Vec<_> = events
        .iter()
        .filter(|e| e.kind == "sla_alert")
        .map(|e| e.to.clone().unwrap())
        .collect();
    assert_eq!(alerts, ["1", "2", "3"]);
    assert!(events
        .iter()
        .filter(|e| e.kind.starts_with("sla_"))
        .all(|e| e.actor_id.is_none()));
    let breached: Page<Ticket> = app
        .ok(app.get("/api/v1/tickets?breached=true", &app.admin).await, 200)
        .await;
    assert_eq!(breached.total, 1);
}

#[tokio::test]
async fn a_late_on_site_ticket_is_flagged_to_dispatch() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let (_, dispatcher) = app.user(Role::Dispatcher).await;
    let t = register(&app, &f, "p1", "phone").await;
    let body = json!({"to": "onsite", "reason": "burnt smell", "window_start": "2026-11-20T09:00:00Z", "window_end": "2026-11-20T12:00:00Z"});
    let o = ok_act(&app, &f.token, t.id.0, "escalate", body).await;
    assert_eq!(
        o.arrival_due_at,
        Some(at(FRIDAY_1650) + Duration::hours(4)),
        "P1 urban arrival: 4 h"
    );
    app.clock.advance(Duration::hours(4) + Duration::minutes(1));
    let run = run_scan(&app).await;
    assert_eq!(run.actions, 3, "the departure and arrival breaches and the first alert");
    let v: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{}", t.id), &f.token).await, 200)
        .await;
    assert!(v.flagged_for_dispatch);
    let reqs: Page<OnsiteRequest> = app
        .ok(app.get("/api/v1/onsite-requests?status=open", &dispatcher).await, 200)
        .await;
    assert!(reqs.items[0].flagged_at.is_some());
    let inbox: Page<Notification> = app.ok(app.get("/api/v1/notifications", &dispatcher).await, 200).await;
    assert_eq!(inbox.items[0].kind, "dispatch_flag");
    // A late arrival recorded afterwards keeps the breach.
    let a = ok_act(&app, &f.token, t.id.0, "arrival", json!({})).await;
    assert!(a.breached);
}

#[tokio::test]
async fn a_promised_callback_is_due_in_24_hours() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p4", "phone").await;
    let c = ok_act(
        &app,
        &f.token,
        t.id.0,
        "callback",
        json!({"reason": "needs the firmware version"}),
    )
    .await;
    assert_eq!(c.callback_due_at, Some(at(FRIDAY_1650) + Duration::hours(24)));
    problem(
        act(&app, &f.token, t.id.0, "callback", json!({})).await,
        409,
        "invalid_transition",
    )
    .await;
    app.clock.advance(Duration::hours(25));
    run_scan(&app).await;
    let events = timeline(&app, t.id.0).await;
    assert!(events
        .iter()
        .any(|e| e.kind == "sla_breach" && e.to.as_deref() == Some("callback")));
    let d = ok_act(&app, &f.token, t.id.0, "callback/done", json!({})).await;
    assert!(d.callback_done_at.is_some());
    problem(
        act(&app, &f.token, t.id.0, "callback/done", json!({})).await,
        409,
        "invalid_transition",
    )
    .await;
}

/// A valid major fault report, occurred ten minutes ago on the app's clock.
pub fn major_fault_body(app: &TestApp) -> Value {
    json!({"occurred_at": app.clock.now() - Duration::minutes(10), "location": "Line 1 depot, UPS room",
        "symptoms": "The UPS is down; the whole line runs on battery.", "handling_plan": "Switch to the backup feed.",
        "reason": "whole line down"})
}

#[tokio::test]
async fn major_faults_are_marked_once() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p1", "phone").await;
    let dispatcher = app.token(Role::Dispatcher).await;
    let m: Value = app
        .ok(
            act(&app, &dispatcher, t.id.0, "major-fault", major_fault_body(&app)).await,
            201,
        )
        .await;
    assert_eq!(m["ticket_id"], t.id.0);
    let ticket: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{}", t.id.0), &app.admin).await, 200)
        .await;
    assert!(ticket.major_fault);
    problem(
        act(&app, &f.token, t.id.0, "major-fault", major_fault_body(&app)).await,
        409,
        "invalid_transition",
    )
    .await;
    let majors: Page<Ticket> = app
        .ok(app.get("/api/v1/tickets?major_fault=true", &app.admin).await, 200)
        .await;
    assert_eq!(majors.total, 1);
}

#[tokio::test]
async fn the_ticket_list_filters_sorts_and_pages() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let p3 = register(&app, &f, "p3", "phone").await;
    let p1 = register(&app, &f, "p1", "phone").await;
    let p2 = register(&app, &f, "p2", "web").await;
    ok_act(&app, &f.token, p2.id.0, "start", json!({})).await;
    let all: Page<Ticket> = app.ok(app.get("/api/v1/tickets", &f.token).await, 200).await;
    let order: Vec<_> = all.items.iter().map(|t| t.id).collect();
    assert_eq!(order, [p1.id, p2.id, p3.id], "soonest resolution due first");
    let newest: Page<Ticket> = app
        .ok(app.get("/api/v1/tickets?sort=opened&limit=1", &f.token).await, 200)
        .await;
    assert_eq!((newest.total, newest.items.len()), (3, 1));
    let started: Page<Ticket> = app
        .ok(app.get("/api/v1/tickets?status=in_progress", &f.token).await, 200)
        .await;
    assert_eq!(started.items.iter().map(|t| t.id).collect::<Vec<_>>(), [p2.id]);
    let q = format!(
        "/api/v1/tickets?owner_id={}&customer_id={}&tier=hotline&open=true",
        f.agent.id, f.customer
    );
    let mine: Page<Ticket> = app.ok(app.get(&q, &f.token).await, 200).await;
    assert_eq!(mine.total, 3);
    for none in ["tier=onsite", "open=false"] {
        let page: Page<Ticket> = app
            .ok(app.get(&format!("/api/v1/tickets?{none}"), &f.token).await, 200)
            .await;
        assert_eq!(page.total, 0, "{none}");
    }
    let region = p1.region_id.unwrap();
    let in_region: Page<Ticket> = app
        .ok(
            app.get(&format!("/api/v1/tickets?region_id={region}"), &f.token).await,
            200,
        )
        .await;
    assert_eq!(in_region.total, 3);
    let due = app
        .get("/api/v1/tickets?due_before=2026-11-22T00:00:00Z", &f.token)
        .await;
    let due: Page<Ticket> = app.ok(due, 200).await;
    assert_eq!(due.items.iter().map(|t| t.id).collect::<Vec<_>>(), [p1.id, p2.id]);
    let p = problem(
        app.get("/api/v1/tickets?due_before=tomorrow", &f.token).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("due_before"));
    let none: Page<Ticket> = app
        .ok(app.get("/api/v1/tickets?breached=true", &f.token).await, 200)
        .await;
    assert_eq!(none.total, 0);
}

#[tokio::test]
async fn a_job_slot_runs_once_across_nodes() {
    let app = spawn_app().await;
    let pool = fieldline::db::connect(&app.settings.database_url, 2).unwrap();
    let mut c = pool.get().unwrap();
    let now = Utc::now();
    let first = fieldline::db::job_runs::claim(&mut c, "sla_scan", "2026-11-24T10:00:00", now).unwrap();
    let second = fieldline::db::job_runs::claim(&mut c, "sla_scan", "2026-11-24T10:00:00", now).unwrap();
    assert!(first.is_some());
    assert!(second.is_none());
    // A second application on the same database shares the slots.
    let (_other, _) = fieldline::startup::Application::build(app.settings.clone())
        .await
        .unwrap();
    let third = fieldline::db::job_runs::claim(&mut c, "sla_scan", "2026-11-24T10:01:00", now).unwrap();
    assert!(third.is_some());
    problem(
        app.post("/api/v1/jobs/no_such_job/run", &app.admin, &json!({})).await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn the_scheduler_runs_the_scan_on_its_cron() {
    let clock = fieldline::clock::Clock::fake(at(FRIDAY_1650));
    let app = crate::helpers::spawn_app_full(|s| s.sla_scan_cron = "* * * * * *".into(), clock).await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p1", "phone").await;
    app.clock.advance(Duration::hours(2));
    let mut breached = false;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let v: Ticket = app
            .ok(app.get(&format!("/api/v1/tickets/{}", t.id), &f.token).await, 200)
            .await;
        if v.breached {
            breached = true;
            break;
        }
    }
    assert!(breached, "the scheduled scan recorded the breach within 10 s");
}

#[tokio::test]
async fn the_ticket_list_stops_counting_at_the_cap_unless_asked() {
    let clock = fieldline::clock::Clock::fake(FRIDAY_1650.parse().unwrap());
    let app = spawn_app_full(|s| s.list_count_cap = 2, clock).await;
    let f = fixture(&app, "standard").await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(register(&app, &f, "p3", "phone").await.id);
    }
    let list = |q: &'static str| {
        let (app, token) = (&app, &f.token);
        async move {
            app.ok::<Page<Ticket>>(app.get(&format!("/api/v1/tickets?{q}"), token).await, 200)
                .await
        }
    };
    let capped = list("limit=1").await;
    assert_eq!(
        (capped.total, capped.total_capped, capped.items.len()),
        (2, true, 1),
        "more than two"
    );
    let past = list("offset=2").await;
    assert_eq!(
        (past.items.len(), past.total_capped),
        (1, true),
        "pages past the cap are served"
    );
    let exact = list("exact_total=true").await;
    assert_eq!((exact.total, exact.total_capped), (3, false));
    ok_act(&app, &f.token, ids[0].0, "start", json!({})).await;
    ok_act(&app, &f.token, ids[1].0, "start", json!({})).await;
    let at_cap = list("status=in_progress").await;
    assert_eq!(
        (at_cap.total, at_cap.total_capped),
        (2, false),
        "exactly the cap is counted exactly"
    );
    let under = list("status=new").await;
    assert_eq!((under.total, under.total_capped), (1, false));
    let p = problem(
        app.get("/api/v1/tickets?exact_total=maybe", &f.token).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("exact_total"));
}

#[tokio::test]
async fn registrations_sent_at_once_are_committed_together_each_with_its_own_answer() {
    let app = spawn_app().await;
    let f = fixture(&app, "gold").await;
    let other = fixture(&app, "gold").await;
    let first = register(&app, &f, "p3", "phone").await;
    let theirs = register(&app, &other, "p3", "phone").await;
    // 24 that are stored, 6 refused in the write for want of a word on the asset's open ticket,
    // and 6 complaints refused after their ticket row was written (their subject is another
    // customer's ticket): each of the 36 gets its own answer, and only the 24 are stored.
    let body = |n: usize| {
        let mut b = json!({"customer_id": f.customer, "contact_id": f.contact, "asset_id": f.asset,
            "channel": "phone", "priority": "p3", "title": format!("Alarm {n}"), "description": "At once."});
        match n % 6 {
            0 => {}
            1 => {
                b["kind"] = json!("complaint");
                b["unrelated_reason"] = json!("a complaint of its own");
                b["complaint_subject"] = json!({"kind": "ticket", "id": theirs.id});
            }
            _ => b["unrelated_reason"] = json!("another fault"),
        }
        b
    };
    let sends = (0..36).map(|n| {
        let (app, token, body) = (&app, &f.token, body(n));
        async move { (n, app.post("/api/v1/tickets", token, &body).await) }
    });
    let (mut stored, mut open_listed) = (Vec::new(), Vec::new());
    for (n, r) in futures::future::join_all(sends).await {
        match n % 6 {
            0 => {
                // The newest open tickets of the asset: the first one, or those stored before.
                let p = problem(r, 409, "open_tickets_exist").await;
                let listed = p.open_tickets.expect("listed");
                let listed = listed.as_array().unwrap();
                assert!(!listed.is_empty());
                open_listed.extend(listed.iter().map(|t| t["id"].as_i64().unwrap()));
            }
            1 => assert_eq!(
                problem(r, 422, "validation_failed").await.field.as_deref(),
                Some("complaint_subject.id")
            ),
            _ => {
                let t: Ticket = app.ok(r, 201).await;
                assert_eq!(t.title, format!("Alarm {n}"));
                stored.push(t);
            }
        }
    }
    assert_eq!(stored.len(), 24);
    let mut numbers: Vec<&str> = stored.iter().map(|t| t.number.as_str()).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 24, "each has a number of its own");
    let page: Page<Ticket> = app
        .ok(
            app.get(
                &format!("/api/v1/tickets?customer_id={}&limit=100", f.customer),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    let mut listed: Vec<i64> = page.items.iter().map(|t| t.id.0).collect();
    let mut expected: Vec<i64> = stored.iter().map(|t| t.id.0).chain([first.id.0]).collect();
    listed.sort();
    expected.sort();
    assert_eq!(
        listed, expected,
        "the answered ones are stored, the refused ones are not"
    );
    assert!(open_listed.iter().all(|id| expected.contains(id)), "{open_listed:?}");
    for t in &stored {
        let events = timeline(&app, t.id.0).await;
        assert_eq!(events[0].kind, "registered");
    }
}
