//! Inspection plans, the generation job, dispatching and working an inspection visit, and
//! findings that become tickets.

use crate::helpers::{problem, spawn_app_at, TestApp, USER_PASSWORD};
use crate::mobile::png;
use crate::tickets::at;
use chrono::Duration;
use fieldline_mobile_api::client::Client;
use fieldline_mobile_api::{
    AuditEvent, BoardEntry, Candidates, Channel, ErrorCode, Inspection, InspectionFinding, InspectionId,
    InspectionPlan, InspectionStatus, JobRun, NewFinding, Page, Priority, Role, Ticket, TicketEvent, User, Visit,
    VisitId, VisitKind, VisitStatus,
};
use serde_json::{json, Value};

/// Tuesday 2026-11-24 09:00 in Shanghai.
const TUESDAY_0900: &str = "2026-11-24T01:00:00Z";

async fn run_job(app: &TestApp) -> JobRun {
    app.ok(
        app.post("/api/v1/jobs/inspection_generation/run", &app.admin, &json!({}))
            .await,
        200,
    )
    .await
}

async fn site_of(app: &TestApp, customer: i64, name: &str, lat: f64, lon: f64) -> i64 {
    let s: Value = app
        .ok(
            app.post(
                "/api/v1/sites",
                &app.admin,
                &json!({"customer_id": customer, "name": name, "address": "2 Depot Rd", "latitude": lat, "longitude": lon}),
            )
            .await,
            201,
        )
        .await;
    s["id"].as_i64().unwrap()
}

async fn asset_at(app: &TestApp, site: i64) -> i64 {
    let serial = format!("UPS-{}", uuid::Uuid::new_v4().simple());
    let a: Value = app
        .ok(
            app.post(
                "/api/v1/assets",
                &app.admin,
                &json!({"site_id": site, "model": "Eaton 93PM", "serial_number": serial, "purchase_date": "2024-03-01"}),
            )
            .await,
            201,
        )
        .await;
    a["id"].as_i64().unwrap()
}

async fn create_plan(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post("/api/v1/inspection-plans", token, &body).await
}

async fn ok_plan(app: &TestApp, token: &str, body: Value) -> InspectionPlan {
    app.ok(create_plan(app, token, body).await, 201).await
}

async fn inspections(app: &TestApp, query: &str) -> Page<Inspection> {
    app.ok(app.get(&format!("/api/v1/inspections?{query}"), &app.admin).await, 200)
        .await
}

async fn patch_plan(app: &TestApp, token: &str, id: i64, if_match: Option<&str>, body: Value) -> reqwest::Response {
    let mut req = app
        .http
        .patch(app.url(&format!("/api/v1/inspection-plans/{id}")))
        .bearer_auth(token)
        .json(&body);
    if let Some(v) = if_match {
        req = req.header("If-Match", v);
    }
    req.send().await.unwrap()
}

/// A technician with the skill at level 3, and their username.
async fn technician(app: &TestApp, lat: f64, lon: f64, skill: &str) -> (i64, String) {
    let (id, _) = crate::dispatch::technician(app, lat, lon, json!([{"skill": skill, "level": 3}])).await;
    let user: User = app
        .ok(app.get(&format!("/api/v1/users/{id}"), &app.admin).await, 200)
        .await;
    (id, user.username)
}

async fn visit(app: &TestApp, id: VisitId) -> Visit {
    app.ok(app.get(&format!("/api/v1/visits/{id}"), &app.admin).await, 200)
        .await
}

async fn audit(app: &TestApp, entity: &str, id: impl std::fmt::Display) -> Page<AuditEvent> {
    app.ok(
        app.get(&format!("/api/v1/audit?entity={entity}&entity_id={id}"), &app.admin)
            .await,
        200,
    )
    .await
}

async fn inspection(app: &TestApp, id: InspectionId) -> Inspection {
    app.ok(app.get(&format!("/api/v1/inspections/{id}"), &app.admin).await, 200)
        .await
}

#[tokio::test]
async fn plans_are_created_changed_and_deactivated_by_those_allowed() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let (customer, site) = app.customer_with_site(30.25, 120.15).await;
    let asset = asset_at(&app, site).await;
    let supervisor = app.token(Role::Supervisor).await;
    let plan = create_plan(
        &app,
        &supervisor,
        json!({"customer_id": customer, "site_id": site, "name": "UPS quarterly check", "asset_ids": [asset],
               "frequency_months": 3, "required_skill": "ups", "required_level": 2, "starts_on": "2026-10-15",
               "notes": "Battery impedance, fans, logs."}),
    )
    .await;
    assert_eq!(plan.headers()["etag"], "\"1\"");
    let plan: InspectionPlan = app.ok(plan, 201).await;
    assert!(plan.active);
    assert_eq!(plan.asset_ids.iter().map(|a| a.0).collect::<Vec<_>>(), [asset]);
    assert_eq!(
        plan.next_due.unwrap().to_string(),
        "2027-01-15",
        "a plan started in the past owes nothing before today: its next date from today on"
    );

    // Account managers: their own customers only.
    let (am, am_token) = app.user(Role::AccountManager).await;
    let body = json!({"customer_id": customer, "name": "Yearly", "frequency_months": 12, "starts_on": "2026-12-10"});
    problem(create_plan(&app, &am_token, body.clone()).await, 403, "forbidden").await;
    let _: Value = app
        .ok(
            app.patch(
                &format!("/api/v1/customers/{customer}"),
                &app.admin,
                &json!({"account_manager_id": am.id}),
            )
            .await,
            200,
        )
        .await;
    let yearly = ok_plan(&app, &am_token, body.clone()).await;
    assert_eq!(yearly.site_id, None, "customer-wide");
    assert_eq!(yearly.required_level, 1);
    assert_eq!(yearly.created_by, am.id);
    for role in [Role::Dispatcher, Role::Manager, Role::Agent, Role::Technician] {
        let token = app.token(role).await;
        problem(create_plan(&app, &token, body.clone()).await, 403, "forbidden").await;
    }
    // Dispatchers and managers read; agents and technicians do not.
    for role in [Role::Dispatcher, Role::Manager] {
        let token = app.token(role).await;
        let page: Page<InspectionPlan> = app
            .ok(
                app.get(&format!("/api/v1/inspection-plans?customer_id={customer}"), &token)
                    .await,
                200,
            )
            .await;
        assert_eq!(page.total, 2);
    }
    for role in [Role::Agent, Role::Technician] {
        let token = app.token(role).await;
        problem(app.get("/api/v1/inspection-plans", &token).await, 403, "forbidden").await;
        problem(app.get("/api/v1/inspections", &token).await, 403, "forbidden").await;
    }
    let page: Page<InspectionPlan> = app
        .ok(
            app.get("/api/v1/inspection-plans?limit=1&offset=1", &supervisor).await,
            200,
        )
        .await;
    assert_eq!((page.total, page.items.len(), page.items[0].id), (2, 1, yearly.id));
    problem(
        app.get("/api/v1/inspection-plans?limit=0", &supervisor).await,
        422,
        "validation_failed",
    )
    .await;

    // Changes need the version.
    let id = plan.id.0;
    problem(
        patch_plan(&app, &supervisor, id, None, json!({"name": "x"})).await,
        428,
        "precondition_required",
    )
    .await;
    problem(
        patch_plan(&app, &supervisor, id, Some("\"7\""), json!({"name": "x"})).await,
        412,
        "precondition_failed",
    )
    .await;
    let changed: InspectionPlan = app
        .ok(
            patch_plan(
                &app,
                &supervisor,
                id,
                Some("\"1\""),
                json!({"frequency_months": 1, "notes": "", "required_skill": "ups-advanced"}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(changed.version, 2);
    assert_eq!(changed.notes, None, "an empty note clears it");
    assert_eq!(changed.required_skill.as_deref(), Some("ups-advanced"));
    assert_eq!(
        changed.next_due.unwrap().to_string(),
        "2026-12-15",
        "a new frequency restarts the dates from today on"
    );
    // The customer's account manager may change it too.
    let renamed: InspectionPlan = app
        .ok(
            patch_plan(&app, &am_token, id, Some("\"2\""), json!({"name": "UPS monthly check"})).await,
            200,
        )
        .await;
    assert_eq!((renamed.name.as_str(), renamed.version), ("UPS monthly check", 3));

    // Deactivating stops the dates; activating restarts them from today on.
    let off: InspectionPlan = app
        .ok(
            app.post(
                &format!("/api/v1/inspection-plans/{id}/deactivate"),
                &supervisor,
                &json!({"reason": "contract ended"}),
            )
            .await,
            200,
        )
        .await;
    assert!(!off.active);
    assert_eq!(off.next_due, None);
    let active: Page<InspectionPlan> = app
        .ok(app.get("/api/v1/inspection-plans?active=true", &supervisor).await, 200)
        .await;
    assert_eq!(active.total, 1);
    let on: InspectionPlan = app
        .ok(
            app.post(
                &format!("/api/v1/inspection-plans/{id}/activate"),
                &supervisor,
                &json!({}),
            )
            .await,
            200,
        )
        .await;
    assert!(on.active);
    assert_eq!(on.next_due.unwrap().to_string(), "2026-12-15");
    let audit = audit(&app, "inspection_plan", id).await;
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    for a in ["create", "update", "deactivate", "activate"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn plan_validation_names_the_field() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let (customer, site) = app.customer_with_site(30.25, 120.15).await;
    let other_site = site_of(&app, customer, "Substation 2", 30.26, 120.16).await;
    let elsewhere = asset_at(&app, other_site).await;
    let (stranger, stranger_site) = app.customer_with_site(30.25, 120.15).await;
    let foreign = asset_at(&app, stranger_site).await;
    let supervisor = app.token(Role::Supervisor).await;
    let base = json!({"customer_id": customer, "site_id": site, "name": "UPS check", "frequency_months": 3, "starts_on": "2026-12-01"});
    let cases: Vec<(Value, &str)> = vec![
        (json!({"name": "  "}), "name"),
        (json!({"frequency_months": 0}), "frequency_months"),
        (json!({"frequency_months": 61}), "frequency_months"),
        (json!({"required_level": 6}), "required_level"),
        (json!({"customer_id": 999_999}), "customer_id"),
        (json!({"site_id": stranger_site}), "site_id"),
        (json!({"site_id": 999_999}), "site_id"),
        (json!({"asset_ids": [foreign]}), "asset_ids[0]"),
        (json!({"asset_ids": [elsewhere]}), "asset_ids[0]"),
        (json!({"asset_ids": [999_999]}), "asset_ids[0]"),
        (json!({"notes": "n".repeat(4001)}), "notes"),
        (json!({"starts_on": "2026-13-01"}), "starts_on"),
        (json!({"starts_on": "0001-01-01"}), "starts_on"),
        (json!({"starts_on": "9999-12-01"}), "starts_on"),
    ];
    for (change, field) in cases {
        let mut body = base.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let p = problem(create_plan(&app, &supervisor, body).await, 422, "validation_failed").await;
        assert_eq!(p.field.as_deref(), Some(field), "{}", p.detail);
    }
    // A customer-wide plan may list assets of any of the customer's sites.
    let mut body = base.clone();
    body["site_id"] = Value::Null;
    body["asset_ids"] = json!([elsewhere]);
    let plan = ok_plan(&app, &supervisor, body).await;
    let p = problem(
        patch_plan(
            &app,
            &supervisor,
            plan.id.0,
            Some("\"1\""),
            json!({"asset_ids": [foreign]}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("asset_ids[0]"));
    let p = problem(
        patch_plan(
            &app,
            &supervisor,
            plan.id.0,
            Some("\"1\""),
            json!({"required_level": 0}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("required_level"));
    let p = problem(
        patch_plan(
            &app,
            &supervisor,
            plan.id.0,
            Some("\"1\""),
            json!({"starts_on": "0001-01-01"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("starts_on"));
    let _ = stranger;
}

#[tokio::test]
async fn generation_creates_the_inspections_within_the_horizon_once() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let (customer, north) = app.customer_with_site(30.25, 120.15).await;
    let south = site_of(&app, customer, "Substation 2", 30.20, 120.10).await;
    let supervisor = app.token(Role::Supervisor).await;
    // Customer-wide, monthly from Tuesday Dec 1: both sites.
    let monthly = ok_plan(
        &app,
        &supervisor,
        json!({"customer_id": customer, "name": "Monthly walk-round", "frequency_months": 1, "starts_on": "2026-12-01",
               "required_skill": "ups", "required_level": 2}),
    )
    .await;
    // One site, from January: beyond the 30-day horizon.
    let later = ok_plan(
        &app,
        &supervisor,
        json!({"customer_id": customer, "site_id": north, "name": "Chiller", "frequency_months": 6, "starts_on": "2027-01-15"}),
    )
    .await;

    let run = run_job(&app).await;
    assert!(run.ran);
    assert_eq!(run.actions, 2, "Dec 1 at two sites");
    let page = inspections(&app, "").await;
    assert_eq!(page.total, 2);
    let mut sites: Vec<i64> = page.items.iter().map(|i| i.site_id.0).collect();
    sites.sort();
    assert_eq!(sites, {
        let mut s = vec![north, south];
        s.sort();
        s
    });
    for i in &page.items {
        assert_eq!(i.due_on.to_string(), "2026-12-01");
        assert_eq!(i.status, InspectionStatus::Scheduled);
        assert_eq!(i.visit_status, Some(VisitStatus::Scheduled));
        let v: Visit = app
            .ok(
                app.get(&format!("/api/v1/visits/{}", i.visit_id.unwrap()), &app.admin)
                    .await,
                200,
            )
            .await;
        assert_eq!(v.kind, VisitKind::Inspection);
        assert_eq!((v.ticket_id, v.onsite_request_id), (None, None));
        assert_eq!(v.inspection_id, Some(i.id));
        assert_eq!(v.required_skill.as_deref(), Some("ups"));
        assert_eq!(v.required_level, 2);
        // The opening of the due date's working day (08:30 in Shanghai), for two hours.
        assert_eq!(v.window_start, at("2026-12-01T00:30:00Z"));
        assert_eq!(v.window_end, at("2026-12-01T02:30:00Z"));
    }
    let plan: InspectionPlan = app
        .ok(
            app.get(&format!("/api/v1/inspection-plans/{}", monthly.id), &app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(plan.next_due.unwrap().to_string(), "2027-01-01");

    // Again, and twice at once: nothing new.
    assert_eq!(run_job(&app).await.actions, 0);
    let (a, b) = tokio::join!(run_job(&app), run_job(&app));
    assert_eq!(a.actions + b.actions, 0);
    assert_eq!(inspections(&app, "").await.total, 2);

    // Eight days later January 1 is in reach; the chiller plan is not.
    app.clock.advance(Duration::days(8));
    assert_eq!(run_job(&app).await.actions, 2);
    assert_eq!(inspections(&app, "").await.total, 4);
    assert_eq!(inspections(&app, &format!("plan_id={}", later.id)).await.total, 0);
    // Filters: plan, site, due range, status.
    assert_eq!(
        inspections(&app, &format!("site_id={north}&due_from=2026-12-02"))
            .await
            .items
            .iter()
            .map(|i| i.due_on.to_string())
            .collect::<Vec<_>>(),
        ["2027-01-01"]
    );
    assert_eq!(inspections(&app, "due_to=2026-12-01").await.total, 2);
    assert_eq!(inspections(&app, "status=completed").await.total, 0);
    let page = inspections(&app, "limit=1&offset=3").await;
    assert_eq!((page.total, page.items.len()), (4, 1));
    problem(
        app.get("/api/v1/inspections?due_from=2027-01-01&due_to=2026-12-01", &app.admin)
            .await,
        422,
        "validation_failed",
    )
    .await;
    // Overdue once the date has passed with the visit not done.
    assert!(inspections(&app, "due_to=2026-12-01")
        .await
        .items
        .iter()
        .all(|i| i.overdue));
}

#[tokio::test]
async fn a_run_after_downtime_catches_up_without_doing_a_date_twice() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let (customer, site) = app.customer_with_site(30.25, 120.15).await;
    let supervisor = app.token(Role::Supervisor).await;
    let plan = ok_plan(
        &app,
        &supervisor,
        json!({"customer_id": customer, "site_id": site, "name": "Monthly", "frequency_months": 1, "starts_on": "2026-12-01"}),
    )
    .await;
    assert_eq!(run_job(&app).await.actions, 1, "Dec 1");
    // Down from late November to mid-March: Jan 1, Feb 1 and Mar 1 passed unseen.
    app.clock.set(at("2027-03-15T01:00:00Z"));
    let run = run_job(&app).await;
    assert_eq!(run.actions, 2, "the latest date past (Mar 1) and Apr 1 ahead");
    let dates: Vec<String> = inspections(&app, "")
        .await
        .items
        .iter()
        .map(|i| i.due_on.to_string())
        .collect();
    assert_eq!(dates, ["2026-12-01", "2027-03-01", "2027-04-01"]);
    // The overdue one is booked from today on (Monday Mar 15), not into the past.
    let overdue = &inspections(&app, "due_from=2027-03-01&due_to=2027-03-01").await.items[0];
    let v = visit(&app, overdue.visit_id.unwrap()).await;
    assert_eq!(v.window_start, at("2027-03-15T00:30:00Z"));
    assert_eq!(run_job(&app).await.actions, 0);
    let audit = audit(&app, "inspection_plan", plan.id).await;
    let schedule = audit
        .items
        .iter()
        .find(|e| e.action == "schedule" && e.after.as_ref().is_some_and(|a| a["skipped_dates"] == json!(2)))
        .expect("the catch-up records the skipped dates");
    assert_eq!(schedule.actor_id, None, "the service's own change");
}

struct Working {
    app: TestApp,
    inspection: Inspection,
    visit: Visit,
    tech: i64,
    phone: Client,
    dispatcher: String,
    supervisor: (i64, String),
}

/// A plan for a site with one asset, its first inspection generated, and a technician with the
/// skill nearby.
async fn working() -> Working {
    let app = spawn_app_at(TUESDAY_0900).await;
    let (customer, site) = app.customer_with_site(30.25, 120.15).await;
    let _asset = asset_at(&app, site).await;
    let (sup, sup_token) = app.user(Role::Supervisor).await;
    let (tech, username) = technician(&app, 30.251, 120.151, "ups").await;
    let _far = technician(&app, 30.40, 120.40, "chillers").await;
    ok_plan(
        &app,
        &sup_token,
        json!({"customer_id": customer, "site_id": site, "name": "UPS check", "frequency_months": 3,
               "starts_on": "2026-11-26", "required_skill": "ups", "required_level": 2, "notes": "Battery impedance."}),
    )
    .await;
    assert_eq!(run_job(&app).await.actions, 1);
    let inspection = inspections(&app, "").await.items.remove(0);
    let visit = visit(&app, inspection.visit_id.unwrap()).await;
    let mut phone = Client::new(&app.address);
    phone.login(&username, USER_PASSWORD).await.unwrap();
    let dispatcher = app.token(Role::Dispatcher).await;
    Working {
        app,
        inspection,
        visit,
        tech,
        phone,
        dispatcher,
        supervisor: (sup.id.0, sup_token),
    }
}

#[tokio::test]
async fn an_inspection_visit_is_dispatched_and_worked_like_any_visit() {
    let w = working().await;
    let (app, d) = (&w.app, &w.dispatcher);
    // Thursday Nov 26, 08:30-10:30 in Shanghai.
    assert_eq!(w.visit.window_start, at("2026-11-26T00:30:00Z"));
    let c: Candidates = app
        .ok(
            app.get(&format!("/api/v1/dispatch/candidates?visit={}", w.visit.id), d)
                .await,
            200,
        )
        .await;
    assert_eq!(c.candidates[0].technician_id.0, w.tech);
    assert!(
        c.candidates[0].sla_slack_minutes.unwrap() > 0.0,
        "due by the end of its date"
    );
    assert!(c.excluded.iter().any(|e| e.reason.contains("skill")));
    let board: Vec<BoardEntry> = app
        .ok(app.get("/api/v1/dispatch/board?day=2026-11-26", d).await, 200)
        .await;
    assert_eq!(board.len(), 1);
    assert_eq!(board[0].visit.id, w.visit.id);
    assert_eq!(board[0].ticket_number, None);
    assert_eq!(board[0].priority, Priority::P4);
    assert_eq!(board[0].sla_due_at, at("2026-11-26T16:00:00Z"), "the end of Nov 26");
    let v: Visit = app
        .ok(
            app.post(
                &format!("/api/v1/visits/{}/assign", w.visit.id),
                d,
                &json!({"technician_id": w.tech}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(v.status, VisitStatus::Assigned);

    // The phone: the job's details are the plan's and the assets to inspect.
    let phone = &w.phone;
    let early = phone
        .report_finding(
            w.visit.id,
            "f0",
            &NewFinding {
                title: "t".into(),
                description: "d".into(),
                priority: None,
                asset_id: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        early.problem().unwrap().code,
        ErrorCode::InvalidTransition,
        "nothing to report before checking in"
    );
    let detail = phone.my_visit(w.visit.id).await.unwrap();
    assert_eq!(detail.ticket_number, None);
    assert_eq!(detail.title, "Inspection: UPS check");
    assert!(detail.description.contains("Battery impedance."));
    assert_eq!(detail.assets.len(), 1);
    assert_eq!(detail.site_name.as_deref(), Some("Substation 1"));
    let mut version = detail.visit.version;
    for (step, key, body) in [
        ("accept", "a1", json!({})),
        ("en-route", "a2", json!({})),
        ("check-in", "a3", json!({"latitude": 30.2501, "longitude": 120.1501})),
    ] {
        version = phone
            .visit_step(w.visit.id, step, key, version, &body)
            .await
            .unwrap()
            .version;
    }

    // A problem found: a ticket on the inspection channel, linked to the visit; a replay of the
    // same request changes nothing.
    let finding = NewFinding {
        title: "Battery string 2 swollen".into(),
        description: "Cells 3 and 4 bulge; replace the string.".into(),
        priority: Some(Priority::P2),
        asset_id: Some(detail.assets[0].id),
    };
    let f = phone.report_finding(w.visit.id, "f1", &finding).await.unwrap();
    let again = phone.report_finding(w.visit.id, "f1", &finding).await.unwrap();
    assert_eq!(f, again);
    assert_eq!(f.visit_id, w.visit.id);
    assert_eq!(f.inspection_id, w.inspection.id);
    let t: Ticket = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}", f.ticket_id), &app.admin).await,
            200,
        )
        .await;
    assert_eq!(t.channel, Channel::Inspection);
    assert_eq!(t.priority, Priority::P2);
    assert_eq!(t.number, f.ticket_number);
    assert_eq!(t.asset_id, finding.asset_id);
    assert_eq!(t.owner_id.0, w.supervisor.0, "the plan's owner answers for it");
    assert_eq!(t.ladder_tier.as_str(), "hotline", "on the normal ladder");
    let timeline: Vec<TicketEvent> = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}/timeline", t.id), &app.admin).await,
            200,
        )
        .await;
    let link = timeline
        .iter()
        .find(|e| e.kind == "opened_from_inspection")
        .expect("the link to the inspection");
    assert_eq!(link.data.as_ref().unwrap()["visit_id"], json!(w.visit.id.0));
    // Only the technician's own inspection visit.
    let other = phone
        .report_finding(VisitId(999_999), "f2", &finding)
        .await
        .unwrap_err();
    assert_eq!(other.problem().unwrap().status, 404);
    let bad = phone
        .report_finding(
            w.visit.id,
            "f3",
            &NewFinding {
                title: " ".into(),
                ..finding.clone()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(bad.problem().unwrap().field.as_deref(), Some("title"));

    // Completed without a quote: planned service is not billed.
    let done = phone
        .visit_step(
            w.visit.id,
            "complete",
            "a4",
            version,
            &json!({"work_notes": "All strings measured; string 2 reported.", "time_spent_minutes": 80,
                    "signoff_name": "Wang Fang", "signature_png_base64": png()}),
        )
        .await
        .unwrap();
    assert_eq!(done.status, VisitStatus::Completed);
    assert_eq!((done.under_warranty, done.quote_amount), (None, None));
    let i = inspection(app, w.inspection.id).await;
    assert_eq!(i.status, InspectionStatus::Completed);
    assert_eq!(i.visit_status, Some(VisitStatus::Completed));
    assert_eq!(i.technician_id.map(|t| t.0), Some(w.tech));
    assert_eq!(i.findings, vec![f]);
    assert_eq!(inspections(app, "status=completed").await.total, 1);
}

#[tokio::test]
async fn staff_record_findings_from_the_web() {
    let w = working().await;
    let app = &w.app;
    let path = format!("/api/v1/inspections/{}/findings", w.inspection.id);
    let body = json!({"title": "Fan noise", "description": "Fan 2 rattles."});
    let f: InspectionFinding = app.ok(app.post(&path, &w.dispatcher, &body).await, 201).await;
    assert_eq!(f.visit_id, w.visit.id);
    let t: Ticket = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}", f.ticket_id), &app.admin).await,
            200,
        )
        .await;
    assert_eq!(t.channel, Channel::Inspection);
    assert_eq!(t.priority, Priority::P3, "the default");
    assert_eq!(t.site_id.map(|s| s.0), Some(w.inspection.site_id.0));
    let (_, am) = app.user(Role::AccountManager).await;
    problem(app.post(&path, &am, &body).await, 403, "forbidden").await;
    let agent = app.token(Role::Agent).await;
    problem(app.post(&path, &agent, &body).await, 403, "forbidden").await;
    for (b, field) in [
        (json!({"title": "", "description": "x"}), "title"),
        (json!({"title": "t", "description": ""}), "description"),
        (
            json!({"title": "t", "description": "x", "asset_id": 999_999}),
            "asset_id",
        ),
        (json!({"title": "t", "description": "x", "priority": "p9"}), "priority"),
    ] {
        let p = problem(app.post(&path, &w.supervisor.1, &b).await, 422, "validation_failed").await;
        assert_eq!(p.field.as_deref(), Some(field), "{}", p.detail);
    }
    problem(
        app.post("/api/v1/inspections/999999/findings", &w.supervisor.1, &body)
            .await,
        404,
        "not_found",
    )
    .await;
    let audit = audit(app, "inspection_finding", f.id).await;
    assert_eq!(audit.total, 1);
}

#[tokio::test]
async fn deactivating_a_plan_cancels_visits_not_yet_under_way_and_a_new_visit_follows_a_needed_one() {
    let w = working().await;
    let app = &w.app;
    let v: Visit = app
        .ok(
            app.post(
                &format!("/api/v1/visits/{}/assign", w.visit.id),
                &w.dispatcher,
                &json!({"technician_id": w.tech}),
            )
            .await,
            200,
        )
        .await;
    // Another visit is needed: the inspection gets a new one from the next day on.
    let phone = &w.phone;
    let mut version = v.version;
    for (step, key, body) in [
        ("accept", "b1", json!({})),
        ("check-in", "b2", json!({"latitude": 30.2501, "longitude": 120.1501})),
        (
            "fail",
            "b3",
            json!({"reason": "Battery room locked", "needs_revisit": true}),
        ),
    ] {
        version = phone
            .visit_step(w.visit.id, step, key, version, &body)
            .await
            .unwrap()
            .version;
    }
    let i = inspection(app, w.inspection.id).await;
    assert_eq!(i.status, InspectionStatus::Scheduled);
    let second = i.visit_id.unwrap();
    assert_ne!(second, w.visit.id);
    let next = visit(app, second).await;
    assert_eq!(next.status, VisitStatus::Scheduled);
    assert_eq!(next.window_start, at("2026-11-25T00:30:00Z"), "Wednesday's opening");
    assert_eq!(next.required_skill.as_deref(), Some("ups"));

    let plans: Page<InspectionPlan> = app.ok(app.get("/api/v1/inspection-plans", &app.admin).await, 200).await;
    let plan = &plans.items[0];
    let off: InspectionPlan = app
        .ok(
            app.http
                .post(app.url(&format!("/api/v1/inspection-plans/{}/deactivate", plan.id)))
                .bearer_auth(&w.supervisor.1)
                .header("If-Match", format!("\"{}\"", plan.version))
                .json(&json!({}))
                .send()
                .await
                .unwrap(),
            200,
        )
        .await;
    assert!(!off.active);
    let cancelled = visit(app, second).await;
    assert_eq!(cancelled.status, VisitStatus::Cancelled);
    let i = inspection(app, w.inspection.id).await;
    assert_eq!(i.status, InspectionStatus::Cancelled);
    let board: Vec<BoardEntry> = app
        .ok(
            app.get("/api/v1/dispatch/board?day=2026-11-25", &w.dispatcher).await,
            200,
        )
        .await;
    assert!(board.is_empty(), "a cancelled visit leaves the board");
    problem(
        app.post(
            &format!("/api/v1/inspections/{}/findings", w.inspection.id),
            &w.supervisor.1,
            &json!({"title": "t", "description": "x"}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
    // An inactive plan makes nothing, however far the clock goes.
    app.clock.advance(Duration::days(120));
    assert_eq!(run_job(app).await.actions, 0);
}

#[tokio::test]
async fn a_repair_visit_takes_no_inspection_findings() {
    let s = crate::mobile::setup().await;
    let e = s
        .phone
        .report_finding(
            s.visit.id,
            "r1",
            &NewFinding {
                title: "t".into(),
                description: "d".into(),
                priority: None,
                asset_id: None,
            },
        )
        .await
        .unwrap_err();
    let p = e.problem().unwrap();
    assert_eq!(p.code, ErrorCode::InvalidTransition);
    assert!(p.detail.contains("repair"), "{}", p.detail);
}
