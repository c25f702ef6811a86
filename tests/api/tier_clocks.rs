//! A clock per tier: the hotline and remote tiers' time limits, what passing them does (alert,
//! or climb to the next tier as the service), the on-site departure limit, and the report's
//! counts of automatic climbs, departure breaches and tickets by kind.

use crate::helpers::{spawn_app_at, TestApp};
use crate::tickets::{at, fixture, register, Fixture, FRIDAY_1650};
use chrono::Duration;
use fieldline_mobile_api::{
    AuditEvent, JobRun, LadderTier, Notification, OnsiteRequest, Page, RequestKind, Role, ServiceReport, SlaPolicy,
    Ticket, TicketEvent,
};
use serde_json::json;

async fn scan(app: &TestApp) -> JobRun {
    app.ok(app.post("/api/v1/jobs/sla_scan/run", &app.admin, &json!({})).await, 200)
        .await
}

async fn ticket(app: &TestApp, id: i64) -> Ticket {
    app.ok(app.get(&format!("/api/v1/tickets/{id}"), &app.admin).await, 200)
        .await
}

async fn events(app: &TestApp, id: i64) -> Vec<TicketEvent> {
    app.ok(
        app.get(&format!("/api/v1/tickets/{id}/timeline"), &app.admin).await,
        200,
    )
    .await
}

fn kinds(events: &[TicketEvent], kind: &str) -> Vec<TicketEvent> {
    events.iter().filter(|e| e.kind == kind).cloned().collect()
}

/// A started P1 ticket of a standard urban customer (continuous clock; response 1 h, the
/// hotline's limit 4 h), with the customer's remote authorization on record when `authorized`.
async fn hotline_ticket(app: &TestApp, f: &Fixture, authorized: bool) -> Ticket {
    let t = register(app, f, "p1", "phone").await;
    assert_eq!(t.hotline_due_at, Some(at(FRIDAY_1650) + Duration::hours(4)));
    assert_eq!((t.remote_due_at, t.departure_due_at), (None, None));
    let start = app
        .post(&format!("/api/v1/tickets/{}/start", t.id), &f.token, &json!({}))
        .await;
    assert_eq!(start.status(), 200);
    if authorized {
        let body = json!({"authorized_by": "Wang Fang", "method": "phone"});
        let r = app
            .post(&format!("/api/v1/tickets/{}/authorizations", t.id), &f.token, &body)
            .await;
        assert_eq!(r.status(), 201);
    }
    t
}

async fn inbox(app: &TestApp, token: &str) -> Vec<String> {
    let p: Page<Notification> = app.ok(app.get("/api/v1/notifications", token).await, 200).await;
    p.items.into_iter().map(|n| n.kind).collect()
}

#[tokio::test]
async fn a_hotline_ticket_past_its_limit_climbs_to_remote_when_authorized() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let t = hotline_ticket(&app, &f, true).await;
    app.clock.advance(Duration::hours(4));
    assert_eq!(scan(&app).await.actions, 0, "due, not yet past");
    app.clock.advance(Duration::minutes(1));
    let run = scan(&app).await;
    assert_eq!(run.actions, 2, "the hotline breach and the climb");
    let now = at(FRIDAY_1650) + Duration::minutes(241);
    let v = ticket(&app, t.id.0).await;
    assert_eq!(v.ladder_tier, LadderTier::Remote);
    assert_eq!(v.remote_at, Some(now));
    assert_eq!(
        v.remote_due_at,
        Some(now + Duration::hours(4)),
        "the remote tier's clock starts"
    );
    assert_eq!(v.escalation_step, 0, "a climb is not an alert");
    let tl = events(&app, t.id.0).await;
    let climb = &kinds(&tl, "escalated")[0];
    assert_eq!(climb.actor_id, None, "made by the service");
    assert_eq!(
        (climb.from.as_deref(), climb.to.as_deref()),
        (Some("hotline"), Some("remote"))
    );
    assert_eq!(climb.reason.as_deref(), Some("the hotline tier's time limit passed"));
    assert_eq!(climb.data.as_ref().unwrap()["automatic"], true);
    let breach = &kinds(&tl, "sla_breach")[0];
    assert_eq!(breach.to.as_deref(), Some("hotline"));
    assert!(kinds(&tl, "sla_alert").is_empty());
    assert_eq!(inbox(&app, &f.token).await, ["auto_escalated"]);
    let trail: Page<AuditEvent> = app
        .ok(
            app.get(&format!("/api/v1/audit?entity=ticket&entity_id={}", t.id), &app.admin)
                .await,
            200,
        )
        .await;
    let audit = trail.items.iter().find(|e| e.action == "auto_escalate").unwrap();
    assert_eq!(audit.actor_id, None);
    assert_eq!(audit.after.as_ref().unwrap()["ladder_tier"], "remote");
    // The remote tier's limit alerts by default: no climb on site without a person.
    app.clock.advance(Duration::hours(4) + Duration::minutes(1));
    assert_eq!(scan(&app).await.actions, 2, "the remote breach and the owner's alert");
    let v = ticket(&app, t.id.0).await;
    assert_eq!((v.ladder_tier, v.escalation_step), (LadderTier::Remote, 1));
}

#[tokio::test]
async fn without_an_authorization_it_alerts_and_says_so() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let t = hotline_ticket(&app, &f, false).await;
    app.clock.advance(Duration::minutes(241));
    let run = scan(&app).await;
    assert_eq!(run.actions, 3, "the breach, the blocked climb and the owner's alert");
    let v = ticket(&app, t.id.0).await;
    assert_eq!((v.ladder_tier, v.escalation_step), (LadderTier::Hotline, 1));
    let tl = events(&app, t.id.0).await;
    assert!(kinds(&tl, "escalated").is_empty());
    let blocked = &kinds(&tl, "auto_escalation_blocked")[0];
    assert_eq!(blocked.actor_id, None);
    assert_eq!(blocked.to.as_deref(), Some("remote"));
    assert!(blocked.reason.as_deref().unwrap().contains("authorization"));
    assert_eq!(kinds(&tl, "sla_alert").len(), 1);
    let mine = inbox(&app, &f.token).await;
    assert!(mine.contains(&"auto_escalation_blocked".to_string()), "{mine:?}");
    assert!(mine.contains(&"sla_alert".to_string()), "{mine:?}");
    // The climb is tried once; the alerts go on while the ticket stays on the hotline.
    app.clock.advance(Duration::minutes(60));
    assert_eq!(scan(&app).await.actions, 1, "the supervisors' alert");
    assert_eq!(kinds(&events(&app, t.id.0).await, "auto_escalation_blocked").len(), 1);
}

#[tokio::test]
async fn the_climb_happens_once_across_two_scans_and_two_nodes() {
    let a = spawn_app_at(FRIDAY_1650).await;
    let b = a.node(|_| {}).await;
    let f = fixture(&a, "standard").await;
    let t = hotline_ticket(&a, &f, true).await;
    a.clock.advance(Duration::minutes(241));
    // Four scans at once, two on each node, each in a slot of its own; then one more.
    let bodies: Vec<_> = (0..4)
        .map(|i| json!({ "slot": format!("2026-11-20T12:4{i}:00") }))
        .collect();
    let runs = bodies.iter().enumerate().map(|(i, body)| {
        let node = if i % 2 == 0 { &a } else { &b };
        node.post("/api/v1/jobs/sla_scan/run", &node.admin, body)
    });
    let mut actions = 0;
    for r in futures::future::join_all(runs).await {
        let run: JobRun = a.ok(r, 200).await;
        assert!(run.ran);
        actions += run.actions;
    }
    actions += scan(&b).await.actions;
    assert_eq!(actions, 2, "one breach and one climb in all");
    let tl = events(&a, t.id.0).await;
    assert_eq!(kinds(&tl, "escalated").len(), 1);
    assert_eq!(kinds(&tl, "sla_breach").len(), 1);
    assert_eq!(ticket(&b, t.id.0).await.ladder_tier, LadderTier::Remote);
    assert_eq!(inbox(&a, &f.token).await, ["auto_escalated"]);
}

#[tokio::test]
async fn a_remote_row_that_climbs_registers_on_site_with_a_window_to_the_arrival_due_time() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let policies: Vec<SlaPolicy> = app
        .ok(
            app.get("/api/v1/sla/policies?customer_tier=standard", &app.admin).await,
            200,
        )
        .await;
    let p1 = policies
        .iter()
        .find(|p| {
            p.kind.is_none()
                && p.priority.map(|p| p.as_str()) == Some("p1")
                && p.region_class.map(|c| c.as_str()) == Some("urban")
        })
        .unwrap();
    let changed: SlaPolicy = app
        .ok(
            app.patch(
                &format!("/api/v1/sla/policies/{}", p1.id),
                &app.admin,
                &json!({"remote_action": "climb"}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(changed.remote_action, fieldline_mobile_api::TierAction::Climb);
    let t = hotline_ticket(&app, &f, true).await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{}/escalate", t.id),
            &f.token,
            &json!({"to": "remote"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    app.clock.advance(Duration::hours(4) + Duration::minutes(1));
    assert_eq!(scan(&app).await.actions, 2, "the remote breach and the climb");
    let v = ticket(&app, t.id.0).await;
    let now = at(FRIDAY_1650) + Duration::minutes(241);
    assert_eq!(v.ladder_tier, LadderTier::Onsite);
    assert_eq!(v.onsite_at, Some(now));
    // P1 urban: a technician en route within 2 h, on site within 4 h.
    assert_eq!(v.departure_due_at, Some(now + Duration::hours(2)));
    assert_eq!(v.arrival_due_at, Some(now + Duration::hours(4)));
    let reqs: Page<OnsiteRequest> = app
        .ok(
            app.get(&format!("/api/v1/onsite-requests?ticket_id={}", t.id), &app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(reqs.total, 1);
    let req = &reqs.items[0];
    assert_eq!(
        (req.window_start, req.window_end),
        (now + Duration::hours(2), now + Duration::hours(4))
    );
    assert_eq!(req.created_by, f.agent.id, "in the owner's name");
    let tl = events(&app, t.id.0).await;
    let onsite = kinds(&tl, "onsite_requested");
    assert_eq!(onsite.len(), 1);
    assert_eq!(onsite[0].actor_id, None);
    assert_eq!(onsite[0].data.as_ref().unwrap()["automatic"], true);
    let climbs: Vec<_> = kinds(&tl, "escalated")
        .into_iter()
        .filter(|e| e.actor_id.is_none())
        .collect();
    assert_eq!(climbs.len(), 1);
    assert_eq!(climbs[0].to.as_deref(), Some("onsite"));
}

#[tokio::test]
async fn a_departure_breach_is_recorded_like_an_arrival_breach_and_set_off_in_time_meets_it() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p1", "phone").await;
    let body = json!({"to": "onsite", "reason": "burnt smell", "window_start": "2026-11-20T09:00:00Z", "window_end": "2026-11-20T12:00:00Z"});
    let o: Ticket = app
        .ok(
            app.post(&format!("/api/v1/tickets/{}/escalate", t.id), &f.token, &body)
                .await,
            200,
        )
        .await;
    assert_eq!(o.departure_due_at, Some(at(FRIDAY_1650) + Duration::hours(2)));
    app.clock.advance(Duration::hours(2) + Duration::minutes(1));
    assert_eq!(
        scan(&app).await.actions,
        2,
        "the departure breach and the owner's alert"
    );
    let v = ticket(&app, t.id.0).await;
    assert!(v.breached);
    let tl = events(&app, t.id.0).await;
    let breaches: Vec<_> = kinds(&tl, "sla_breach").into_iter().map(|e| e.to.unwrap()).collect();
    assert_eq!(breaches, ["departure"]);
    let alerts = kinds(&tl, "sla_alert");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].actor_id, None);
    let recorded = app.get("/metrics", &app.admin).await.text().await.unwrap();
    assert!(
        recorded.contains("fieldline_sla_breaches_recorded{clock=\"departure\"} 1"),
        "{recorded}"
    );
}

#[tokio::test]
async fn a_technician_setting_off_stops_the_departure_clock() {
    let s = crate::mobile::setup().await;
    let (app, phone) = (&s.app, &s.phone);
    let ticket_id = s.visit.ticket_id.unwrap().0;
    let before = ticket(app, ticket_id).await;
    // P2 urban: en route within 4 h of reaching on site.
    assert_eq!(
        before.departure_due_at,
        before.onsite_at.map(|o| o + Duration::hours(4))
    );
    app.clock.advance(Duration::minutes(30));
    let v = phone
        .visit_step(s.visit.id, "accept", "d1", s.visit.version, &json!({}))
        .await
        .unwrap();
    phone
        .visit_step(s.visit.id, "en-route", "d2", v.version, &json!({}))
        .await
        .unwrap();
    let after = ticket(app, ticket_id).await;
    assert_eq!(after.departed_at, Some(app.clock.now()));
    assert!(!after.breached);
    let tl = events(app, ticket_id).await;
    assert_eq!(kinds(&tl, "departed").len(), 1);
    app.clock.advance(Duration::hours(5));
    scan(app).await;
    let tl = events(app, ticket_id).await;
    assert!(
        kinds(&tl, "sla_breach")
            .iter()
            .all(|e| e.to.as_deref() != Some("departure")),
        "set off in time"
    );
}

#[tokio::test]
async fn the_service_report_counts_automatic_climbs_departure_breaches_and_kinds() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let climbed = hotline_ticket(&app, &f, true).await;
    let late = register(&app, &f, "p1", "phone").await;
    let body = json!({"to": "onsite", "reason": "burnt smell", "window_start": "2026-11-20T09:00:00Z", "window_end": "2026-11-20T12:00:00Z"});
    let r = app
        .post(&format!("/api/v1/tickets/{}/escalate", late.id), &f.token, &body)
        .await;
    assert_eq!(r.status(), 200);
    let complaint = json!({"customer_id": f.customer, "channel": "phone", "kind": "complaint", "priority": "p3",
        "title": "Rude caller", "description": "The customer complains.",
        "complaint_subject": {"kind": "staff", "id": f.agent.id}});
    let c: Ticket = app
        .ok(app.post("/api/v1/tickets", &f.token, &complaint).await, 201)
        .await;
    assert_eq!(c.kind, RequestKind::Complaint);
    app.clock.advance(Duration::minutes(241));
    scan(&app).await;
    assert_eq!(ticket(&app, climbed.id.0).await.ladder_tier, LadderTier::Remote);
    let manager = app.token(Role::Manager).await;
    let rep: ServiceReport = app
        .ok(
            app.get("/api/v1/reports/service?from=2026-11-16&to=2026-11-22", &manager)
                .await,
            200,
        )
        .await;
    let remote = rep.escalations.iter().find(|e| e.tier == LadderTier::Remote).unwrap();
    assert_eq!((remote.count, remote.automatic), (1, 1));
    let onsite = rep.escalations.iter().find(|e| e.tier == LadderTier::Onsite).unwrap();
    assert_eq!((onsite.count, onsite.automatic), (1, 0));
    assert_eq!((rep.sla.departure.counted, rep.sla.departure.missed), (1, 1));
    assert_eq!(rep.sla.departure.still_open, 1);
    let kind = |k: &str| rep.by_kind.iter().find(|g| g.key == k).map(|g| g.received);
    assert_eq!(
        (kind("fault"), kind("complaint"), kind("enquiry")),
        (Some(2), Some(1), None)
    );
    let csv = app
        .get(
            "/api/v1/reports/service?from=2026-11-16&to=2026-11-22&format=csv",
            &manager,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("escalations,remote,,automatic,1"), "{csv}");
    assert!(csv.contains("sla,departure,,missed,1"), "{csv}");
    assert!(csv.contains("kind,complaint,complaint,received,1"), "{csv}");
}
