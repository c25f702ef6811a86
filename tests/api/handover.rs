//! The shift handover log and the desk's equipment checks: the prefill of a shift, who may write
//! and acknowledge, one handover per shift of a day, the search by days, shift and text, the
//! alert of an unacknowledged handover (once), and a failed check's internal ticket left out of
//! the report's customer figures.

use crate::helpers::{problem, spawn_app_at, TestApp};
use crate::tickets::{at, fixture, register, Fixture};
use chrono::{Duration, Utc};
use fieldline::db::org::{self, Standing, TeamFields};
use fieldline_mobile_api::{
    CheckResult, DeskShift, EquipmentCheck, EquipmentChecksToday, Handover, HandoverDraft, JobRun, Notification, Page,
    Role, ServiceReport, Ticket, User,
};
use serde_json::{json, Value};

/// Monday 23 November 2026, 11:00 in Shanghai: the day shift (08:00-20:00) runs.
pub const MONDAY_1100: &str = "2026-11-23T03:00:00Z";
pub const DAY: &str = "2026-11-23";

async fn on_db<T: Send + 'static>(
    app: &TestApp,
    f: impl FnOnce(&mut fieldline::db::DbConn) -> T + Send + 'static,
) -> T {
    let url = app.settings.database_url.clone();
    tokio::task::spawn_blocking(move || {
        let pool = fieldline::db::connect(&url, 1).expect("the test database");
        let mut c = pool.get().expect("a connection");
        f(&mut c)
    })
    .await
    .expect("the database work")
}

/// A hotline shift team led by `lead`.
pub async fn team(app: &TestApp, name: &str, lead: i64) {
    let name = name.to_string();
    on_db(app, move |c| {
        let f = TeamFields {
            name,
            kind: "hotline_shift".into(),
            lead_id: Some(lead),
            active: true,
        };
        org::insert_team(c, &f, Utc::now()).expect("a team")
    })
    .await;
}

async fn supervised_by(app: &TestApp, user: i64, supervisor: i64) {
    on_db(app, move |c| {
        let s = Standing {
            team_id: None,
            supervisor_id: Some(supervisor),
            level: 1,
            grants: String::new(),
        };
        org::set_standing(c, user, &s, Utc::now()).expect("the standing")
    })
    .await;
}

/// The day and night shifts' ids.
pub async fn shifts(app: &TestApp) -> (i64, i64) {
    let all: Vec<DeskShift> = app.ok(app.get("/api/v1/desk/shifts", &app.admin).await, 200).await;
    let id = |n: &str| all.iter().find(|s| s.name == n).expect("the shift").id.0;
    (id("Day"), id("Night"))
}

pub async fn roster(app: &TestApp, day: &str, shift: i64, user: i64) {
    let r = app
        .post(
            "/api/v1/roster",
            &app.admin,
            &json!({"day": day, "shift_id": shift, "user_id": user}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

/// The desk: two shift leads (one rostered on the day shift, one on the night shift), the
/// fixture's agent rostered on the day shift, and a supervisor.
struct Desk {
    f: Fixture,
    day: i64,
    night: i64,
    lead: (User, String),
    next_lead: (User, String),
    sup: (User, String),
}

async fn desk(app: &TestApp) -> Desk {
    let f = fixture(app, "standard").await;
    let (day, night) = shifts(app).await;
    let lead = app.user(Role::Agent).await;
    let next_lead = app.user(Role::Agent).await;
    let sup = app.user(Role::Supervisor).await;
    team(app, "Day team", lead.0.id.0).await;
    team(app, "Night team", next_lead.0.id.0).await;
    roster(app, DAY, day, lead.0.id.0).await;
    roster(app, DAY, day, f.agent.id.0).await;
    roster(app, DAY, night, next_lead.0.id.0).await;
    Desk {
        f,
        day,
        night,
        lead,
        next_lead,
        sup,
    }
}

async fn draft(app: &TestApp, token: &str, query: &str) -> HandoverDraft {
    app.ok(app.get(&format!("/api/v1/handovers/draft{query}"), token).await, 200)
        .await
}

async fn write(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post("/api/v1/handovers", token, &body).await
}

fn handover_of(shift: i64, tickets: Value) -> Value {
    json!({"day": DAY, "shift_id": shift, "equipment": "Phone line 3 crackles; the rest works.",
        "problems": "The UPS alarm at Line 1 depot waits for the remote engineer.",
        "notices": "New price list from Monday.", "staff_changes": "Wang swaps to the night shift on Friday.",
        "tickets": tickets})
}

async fn search(app: &TestApp, token: &str, query: &str) -> Page<Handover> {
    app.ok(app.get(&format!("/api/v1/handovers{query}"), token).await, 200)
        .await
}

async fn watch(app: &TestApp) -> JobRun {
    app.ok(
        app.post("/api/v1/jobs/handover_watch/run", &app.admin, &json!({}))
            .await,
        200,
    )
    .await
}

#[tokio::test]
async fn the_prefill_lists_the_shifts_open_work_and_the_latest_notices() {
    let app = spawn_app_at(MONDAY_1100).await;
    let d = desk(&app).await;
    // One ticket of the rostered agent, one of an agent not on the shift.
    let ours = register(&app, &d.f, "p3", "phone").await;
    let (_, other_token) = app.user(Role::Agent).await;
    let other_f = Fixture {
        agent: d.f.agent.clone(),
        token: other_token,
        customer: d.f.customer,
        site: d.f.site,
        asset: d.f.asset,
        contact: d.f.contact,
    };
    let theirs = register(&app, &other_f, "p3", "web").await;

    let p = draft(&app, &d.lead.1, &format!("?day={DAY}&shift_id={}", d.day)).await;
    assert_eq!(p.scope, "rostered");
    assert_eq!(p.shift_name, "Day");
    assert!(p.rostered.contains(&d.f.agent.display_name));
    let numbers: Vec<&str> = p.open.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(
        numbers,
        vec![ours.number.as_str()],
        "only the rostered people's tickets"
    );
    assert_eq!(p.open[0].title, "UPS alarm");
    assert!(p.breached.is_empty() && p.waiting.is_empty() && p.major_faults.is_empty());
    assert_eq!(p.written, None);
    // Left out, the shift running now.
    assert_eq!(draft(&app, &d.lead.1, "").await.shift_id.0, d.day);

    // Nobody is rostered on the next day's day shift: every open hotline ticket.
    let next = draft(&app, &d.lead.1, &format!("?day=2026-11-24&shift_id={}", d.day)).await;
    assert_eq!(next.scope, "all");
    let mut numbers: Vec<&str> = next.open.iter().map(|t| t.number.as_str()).collect();
    numbers.sort();
    assert_eq!(numbers, vec![ours.number.as_str(), theirs.number.as_str()]);

    // A breached ticket is listed as such once its response time passed.
    app.clock.advance(Duration::days(2));
    app.post("/api/v1/jobs/sla_scan/run", &app.admin, &json!({})).await;
    let p = draft(&app, &d.lead.1, &format!("?day={DAY}&shift_id={}", d.day)).await;
    assert_eq!(p.breached.len(), 1, "{p:?}");

    // The day shift's notices are the first thing the night shift reads.
    let h: Handover = app
        .ok(write(&app, &d.lead.1, handover_of(d.day, json!([]))).await, 201)
        .await;
    let night = draft(&app, &d.next_lead.1, &format!("?day={DAY}&shift_id={}", d.night)).await;
    assert_eq!(night.latest_notices.len(), 1);
    assert_eq!(night.latest_notices[0].handover_id, h.id);
    assert_eq!(night.latest_notices[0].notices, "New price list from Monday.");
    let again = draft(&app, &d.lead.1, &format!("?day={DAY}&shift_id={}", d.day)).await;
    assert_eq!(again.written, Some(h.id));

    // Technicians and dispatchers read no handover.
    let tech = app.token(Role::Technician).await;
    problem(app.get("/api/v1/handovers/draft", &tech).await, 403, "forbidden").await;
}

#[tokio::test]
async fn a_rostered_shift_lead_writes_once_and_the_incoming_lead_acknowledges_once() {
    let app = spawn_app_at(MONDAY_1100).await;
    let d = desk(&app).await;
    let t: Ticket = register(&app, &d.f, "p3", "phone").await;
    let body = handover_of(d.day, json!([{"ticket_id": t.id, "note": "call back at 15:00"}]));

    // Not a lead; a lead not rostered on this shift; a manager: refused.
    problem(write(&app, &d.f.token, body.clone()).await, 403, "forbidden").await;
    problem(write(&app, &d.next_lead.1, body.clone()).await, 403, "forbidden").await;
    let manager = app.token(Role::Manager).await;
    problem(write(&app, &manager, body.clone()).await, 403, "forbidden").await;
    // The night shift has not started.
    problem(
        write(&app, &d.sup.1, handover_of(d.night, json!([]))).await,
        422,
        "validation_failed",
    )
    .await;
    // A ticket that does not exist is named by its field.
    let p = problem(
        write(&app, &d.lead.1, handover_of(d.day, json!([{"ticket_id": 999999}]))).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("tickets[0].ticket_id"));

    let h: Handover = app.ok(write(&app, &d.lead.1, body.clone()).await, 201).await;
    assert_eq!(h.written_by, d.lead.0.id);
    assert_eq!(h.written_by_name, d.lead.0.display_name);
    assert_eq!(h.shift_name, "Day");
    // One per shift of a day, for the supervisor too.
    problem(write(&app, &d.lead.1, body.clone()).await, 409, "duplicate").await;
    problem(write(&app, &d.sup.1, body).await, 409, "duplicate").await;

    let got: Handover = app
        .ok(app.get(&format!("/api/v1/handovers/{}", h.id.0), &d.f.token).await, 200)
        .await;
    assert_eq!(got.tickets.len(), 1);
    assert_eq!(got.tickets[0].number, t.number);
    assert_eq!(got.tickets[0].title, "UPS alarm");
    assert_eq!(got.tickets[0].note, "call back at 15:00");

    let ack = |token: String| {
        let app = &app;
        async move {
            app.post(&format!("/api/v1/handovers/{}/acknowledge", h.id.0), &token, &json!({}))
                .await
        }
    };
    // Not the writer, not an agent who leads no shift, not a dispatcher.
    problem(ack(d.lead.1.clone()).await, 403, "forbidden").await;
    problem(ack(d.f.token.clone()).await, 403, "forbidden").await;
    problem(ack(app.token(Role::Dispatcher).await).await, 403, "forbidden").await;
    let done: Handover = app.ok(ack(d.next_lead.1.clone()).await, 200).await;
    assert_eq!(done.acknowledged_by, Some(d.next_lead.0.id));
    assert_eq!(
        done.acknowledged_by_name.as_deref(),
        Some(d.next_lead.0.display_name.as_str())
    );
    assert!(done.acknowledged_at.is_some());
    // Once.
    problem(ack(d.next_lead.1.clone()).await, 409, "conflict").await;
    problem(ack(d.sup.1.clone()).await, 409, "conflict").await;
}

#[tokio::test]
async fn the_log_is_searched_by_days_shift_and_text() {
    let app = spawn_app_at(MONDAY_1100).await;
    let d = desk(&app).await;
    let _: Handover = app
        .ok(write(&app, &d.lead.1, handover_of(d.day, json!([]))).await, 201)
        .await;
    // 21:00 local: the night shift runs; its supervisor writes a quieter handover.
    app.clock.set(at("2026-11-23T13:00:00Z"));
    let night = json!({"day": DAY, "shift_id": d.night, "equipment": "All phones fine.",
        "notices": "Nothing new."});
    let _: Handover = app.ok(write(&app, &d.sup.1, night).await, 201).await;

    let all = search(&app, &d.f.token, "").await;
    assert_eq!(all.total, 2);
    assert_eq!(all.items[0].shift_name, "Night", "the latest first");
    let by_text = search(&app, &d.f.token, "?q=CRACKLES").await;
    assert_eq!(by_text.total, 1);
    assert_eq!(by_text.items[0].shift_name, "Day");
    assert_eq!(
        search(&app, &d.f.token, "?q=swaps").await.total,
        1,
        "staff changes are searched"
    );
    assert_eq!(
        search(&app, &d.f.token, "?q=50%25").await.total,
        0,
        "% is taken literally"
    );
    let by_shift = search(&app, &d.f.token, &format!("?shift_id={}", d.night)).await;
    assert_eq!(by_shift.total, 1);
    assert_eq!(by_shift.items[0].equipment, "All phones fine.");
    assert_eq!(
        search(&app, &d.f.token, &format!("?from={DAY}&to={DAY}")).await.total,
        2
    );
    assert_eq!(search(&app, &d.f.token, "?from=2026-11-24").await.total, 0);
    assert_eq!(search(&app, &d.f.token, "?to=2026-11-22").await.total, 0);
    let page = search(&app, &d.f.token, "?limit=1&offset=1").await;
    assert_eq!((page.total, page.items.len()), (2, 1));
    assert_eq!(page.items[0].shift_name, "Day");
    problem(
        app.get("/api/v1/handovers?from=2026-11-24&to=2026-11-23", &d.f.token)
            .await,
        422,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn an_unacknowledged_handover_alerts_the_writers_supervisor_once() {
    let app = spawn_app_at(MONDAY_1100).await;
    let d = desk(&app).await;
    supervised_by(&app, d.lead.0.id.0, d.sup.0.id.0).await;
    let h: Handover = app
        .ok(write(&app, &d.lead.1, handover_of(d.day, json!([]))).await, 201)
        .await;
    assert_eq!(watch(&app).await.actions, 0, "within the grace");
    app.clock.advance(Duration::minutes(31));
    let run = watch(&app).await;
    assert_eq!((run.examined, run.actions), (1, 1));
    assert_eq!(watch(&app).await.actions, 0, "a handover alerts once");
    let inbox: Page<Notification> = app.ok(app.get("/api/v1/notifications", &d.sup.1).await, 200).await;
    let alerts: Vec<&Notification> = inbox
        .items
        .iter()
        .filter(|n| n.kind == "handover_unacknowledged")
        .collect();
    assert_eq!(alerts.len(), 1);
    assert!(
        alerts[0].message.contains(&d.lead.0.display_name),
        "{}",
        alerts[0].message
    );
    let got: Handover = app
        .ok(app.get(&format!("/api/v1/handovers/{}", h.id.0), &d.sup.1).await, 200)
        .await;
    assert!(got.alerted_at.is_some());

    // An acknowledged handover alerts nobody; one whose writer has no supervisor alerts every
    // supervisor.
    app.clock.set(at("2026-11-23T13:00:00Z"));
    let night = json!({"day": DAY, "shift_id": d.night, "equipment": "fine"});
    let n: Handover = app.ok(write(&app, &d.next_lead.1, night).await, 201).await;
    let other_sup = app.user(Role::Supervisor).await;
    app.clock.advance(Duration::minutes(45));
    assert_eq!(watch(&app).await.actions, 1);
    for token in [&d.sup.1, &other_sup.1] {
        let inbox: Page<Notification> = app.ok(app.get("/api/v1/notifications", token).await, 200).await;
        let count = inbox
            .items
            .iter()
            .filter(|x| x.kind == "handover_unacknowledged" && x.message.contains("Night"))
            .count();
        assert_eq!(count, 1);
    }
    let _: Handover = app
        .ok(
            app.post(
                &format!("/api/v1/handovers/{}/acknowledge", n.id.0),
                &d.lead.1,
                &json!({}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(watch(&app).await.actions, 0);
}

#[tokio::test]
async fn a_failed_check_opens_an_internal_ticket_left_out_of_the_reports_customer_figures() {
    let app = spawn_app_at(MONDAY_1100).await;
    let f = fixture(&app, "standard").await;
    let customers_ticket = register(&app, &f, "p3", "phone").await;
    let check = |body: Value| {
        let app = &app;
        let token = f.token.clone();
        async move { app.post("/api/v1/equipment-checks", &token, &body).await }
    };
    let ok: EquipmentCheck = app
        .ok(check(json!({"equipment": "phones", "result": "ok"})).await, 201)
        .await;
    assert_eq!((ok.result, ok.ticket_id), (CheckResult::Ok, None));
    assert_eq!(ok.checked_by_name, f.agent.display_name);
    problem(
        check(json!({"equipment": "phones", "result": "failed"})).await,
        422,
        "validation_failed",
    )
    .await;
    let failed: EquipmentCheck = app
        .ok(
            check(json!({"equipment": "phones", "result": "failed", "note": "Line 3 has no dial tone."})).await,
            201,
        )
        .await;
    let internal = failed.ticket_id.expect("an internal ticket");
    assert!(failed.ticket_number.is_some());
    let t: Value = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}", internal.0), &app.admin).await,
            200,
        )
        .await;
    assert_eq!(t["title"], "Equipment check failed: phones");
    // A second failure goes to the same internal customer.
    let again: EquipmentCheck = app
        .ok(
            check(json!({"equipment": "headsets", "result": "failed", "note": "Two headsets are broken."})).await,
            201,
        )
        .await;
    let t2: Value = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}", again.ticket_id.unwrap().0), &app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(t2["customer_id"], t["customer_id"]);
    assert_ne!(t["customer_id"].as_i64(), Some(f.customer));

    // Others may not record; the list and today's two checks.
    let tech = app.token(Role::Technician).await;
    problem(
        app.post(
            "/api/v1/equipment-checks",
            &tech,
            &json!({"equipment": "phones", "result": "ok"}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let list: Page<EquipmentCheck> = app.ok(app.get("/api/v1/equipment-checks", &f.token).await, 200).await;
    assert_eq!(list.total, 3);
    let today: EquipmentChecksToday = app
        .ok(app.get("/api/v1/equipment-checks/today", &f.token).await, 200)
        .await;
    assert_eq!(today.morning.as_ref().map(|c| c.id), Some(ok.id));
    assert!(today.afternoon.is_none());

    // The week's report counts the customer's ticket only.
    let manager = app.token(Role::Manager).await;
    let r: ServiceReport = app
        .ok(
            app.get("/api/v1/reports/service/weekly?week=2026-W48", &manager).await,
            200,
        )
        .await;
    assert_eq!(r.tickets.received, 1, "{:?}", r.tickets);
    let _ = customers_ticket;
}
