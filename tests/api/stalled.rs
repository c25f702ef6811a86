//! Stalled work and chasing: stall detection on the business calendar, the stalled list's scope,
//! a chase and its answer, the climb of an unanswered chase, and the weekly report's chase figures.

use crate::helpers::{problem, spawn_app_at, TestApp};
use crate::tickets::{at, fixture, register, FRIDAY_1650};
use chrono::{Duration, Utc};
use fieldline::db::org::{self, Standing, TeamFields};
use fieldline_mobile_api::{
    Chase, ChaseStatus, JobRun, Notification, Page, Role, StallRule, StallState, StallWaitsFor, StalledItem,
    TicketEvent, User,
};
use serde_json::json;

/// Runs `f` on a connection of the application's database (the organisation API is elsewhere:
/// the tests set teams and supervisors directly).
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

/// A hotline shift led by `lead`.
async fn team(app: &TestApp, name: &str, lead: i64) -> i64 {
    let name = name.to_string();
    on_db(app, move |c| {
        let f = TeamFields {
            name,
            kind: "hotline_shift".into(),
            lead_id: Some(lead),
            active: true,
        };
        org::insert_team(c, &f, Utc::now()).expect("a team").id
    })
    .await
}

/// Puts `user` in `team` under `supervisor`.
async fn standing(app: &TestApp, user: i64, team: Option<i64>, supervisor: Option<i64>) {
    on_db(app, move |c| {
        let s = Standing {
            team_id: team,
            supervisor_id: supervisor,
            level: 1,
            grants: String::new(),
        };
        org::set_standing(c, user, &s, Utc::now()).expect("the standing")
    })
    .await;
}

async fn stalled(app: &TestApp, token: &str, query: &str) -> Page<StalledItem> {
    app.ok(app.get(&format!("/api/v1/stalled{query}"), token).await, 200)
        .await
}

async fn inbox(app: &TestApp, token: &str) -> Vec<Notification> {
    let p: Page<Notification> = app.ok(app.get("/api/v1/notifications", token).await, 200).await;
    p.items
}

async fn timeline(app: &TestApp, id: i64) -> Vec<TicketEvent> {
    app.ok(
        app.get(&format!("/api/v1/tickets/{id}/timeline"), &app.admin).await,
        200,
    )
    .await
}

async fn climb(app: &TestApp) -> JobRun {
    app.ok(
        app.post("/api/v1/jobs/chase_climb/run", &app.admin, &json!({})).await,
        200,
    )
    .await
}

async fn chase(app: &TestApp, token: &str, body: serde_json::Value) -> Chase {
    app.ok(app.post("/api/v1/chases", token, &body).await, 201).await
}

#[tokio::test]
async fn a_weekend_and_a_holiday_do_not_make_work_stalled() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let sup = app.token(Role::Supervisor).await;
    // A new hotline ticket registered on Friday at 16:50, ten working minutes before closing.
    let t = register(&app, &f, "p3", "phone").await;
    assert_eq!(stalled(&app, &sup, "").await.total, 0);
    // Sunday: two days later, ten working minutes.
    app.clock.set(at("2026-11-22T08:50:00Z"));
    assert_eq!(stalled(&app, &sup, "").await.total, 0, "a weekend is not working time");
    // Monday is a public holiday: at 10:30 still only ten working minutes.
    let r = app
        .post(
            "/api/v1/calendar/holidays",
            &app.admin,
            &json!({"day": "2026-11-23", "name": "A holiday"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    app.clock.set(at("2026-11-23T02:30:00Z"));
    assert_eq!(stalled(&app, &sup, "").await.total, 0, "a holiday is not working time");
    // Tuesday 10:30: ten minutes and two hours, past the two hours of a new hotline ticket.
    app.clock.set(at("2026-11-24T02:30:00Z"));
    let list = stalled(&app, &sup, "").await;
    assert_eq!(list.total, 1);
    let row = &list.items[0];
    assert_eq!(row.ticket_id, Some(t.id));
    assert_eq!(row.ticket_number.as_deref(), Some(t.number.as_str()));
    assert_eq!(row.customer_name.as_deref(), Some("Hangzhou Metro"));
    assert_eq!(row.state, StallState::HotlineNew);
    assert_eq!((row.stalled_hours, row.limit_hours), (2.2, 2));
    assert_eq!(row.since, at(FRIDAY_1650));
    assert_eq!(
        (row.holder_id, row.holder_name.as_str()),
        (f.agent.id, f.agent.display_name.as_str())
    );
    assert_eq!(row.waits_for, StallWaitsFor::Holder);
    assert!(row.open_chase.is_none());

    // An admin gives new hotline tickets three hours: no longer stalled.
    let rule: StallRule = app
        .ok(
            app.http
                .put(app.url("/api/v1/stall-rules/hotline_new"))
                .bearer_auth(&app.admin)
                .json(&json!({"hours": 3}))
                .send()
                .await
                .unwrap(),
            200,
        )
        .await;
    assert_eq!((rule.hours, rule.default_hours), (Some(3), Some(2)));
    assert_eq!(stalled(&app, &sup, "").await.total, 0);
    let rules: Vec<StallRule> = app.ok(app.get("/api/v1/stall-rules", &sup).await, 200).await;
    assert_eq!(rules.len(), StallState::ALL.len());
    let put = |token: &str, state: &str, body: serde_json::Value| {
        app.http
            .put(app.url(&format!("/api/v1/stall-rules/{state}")))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let bad = put(&app.admin, "hotline_new", json!({"hours": 0})).await.unwrap();
    assert_eq!(
        problem(bad, 422, "validation_failed").await.field.as_deref(),
        Some("hours")
    );
    assert_eq!(
        put(&app.admin, "nowhere", json!({"hours": 2})).await.unwrap().status(),
        404
    );
    assert_eq!(
        put(&sup, "hotline_new", json!({"hours": 2})).await.unwrap().status(),
        403
    );
    // No limit at all.
    assert_eq!(
        put(&app.admin, "hotline_new", json!({"hours": null}))
            .await
            .unwrap()
            .status(),
        200
    );
    app.clock.advance(Duration::days(30));
    assert_eq!(stalled(&app, &sup, "").await.total, 0);
}

/// Two agents with a ticket each, stalled by Monday noon; a shift lead leading the first.
struct Two {
    app: TestApp,
    lead: (User, String),
    ours: (User, String, i64),
    theirs: (User, String, i64),
    team: i64,
}

async fn two() -> Two {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let g = fixture(&app, "gold").await;
    let a = register(&app, &f, "p3", "phone").await;
    let b = register(&app, &g, "p3", "phone").await;
    let lead = app.user(Role::Agent).await;
    let team = team(&app, "Day shift", lead.0.id.0).await;
    standing(&app, f.agent.id.0, Some(team), None).await;
    app.clock.set(at("2026-11-23T04:00:00Z"));
    Two {
        ours: (f.agent, f.token, a.id.0),
        theirs: (g.agent, g.token, b.id.0),
        app,
        lead,
        team,
    }
}

#[tokio::test]
async fn a_lead_sees_and_chases_only_the_work_of_their_people() {
    let Two {
        app,
        lead,
        ours,
        theirs,
        team,
    } = two().await;
    let sup = app.token(Role::Supervisor).await;
    assert_eq!(stalled(&app, &sup, "").await.total, 2, "a supervisor sees all work");
    let mine = stalled(&app, &lead.1, "").await;
    assert_eq!(mine.total, 1, "a lead sees their team's work");
    assert_eq!(mine.items[0].ticket_id.unwrap().0, ours.2);
    assert_eq!(mine.items[0].team_name.as_deref(), Some("Day shift"));
    let by_team = stalled(&app, &sup, &format!("?team_id={team}")).await;
    assert_eq!(by_team.total, 1);
    let by_holder = stalled(&app, &sup, &format!("?holder_id={}", theirs.0.id)).await;
    assert_eq!(by_holder.items[0].ticket_id.unwrap().0, theirs.2);
    // A direct report is led too.
    standing(&app, theirs.0.id.0, None, Some(lead.0.id.0)).await;
    assert_eq!(stalled(&app, &lead.1, "").await.total, 2);
    standing(&app, theirs.0.id.0, None, None).await;
    // An agent who leads nobody sees nothing; a technician may not look.
    assert_eq!(stalled(&app, &ours.1, "").await.total, 0);
    let tech = app.token(Role::Technician).await;
    assert_eq!(app.get("/api/v1/stalled", &tech).await.status(), 403);
    // The lead chases their own person's work, not another's.
    let r = app
        .post(
            "/api/v1/chases",
            &lead.1,
            &json!({"ticket_id": theirs.2, "note": "Any news?"}),
        )
        .await;
    assert_eq!(r.status(), 403);
    let c = chase(&app, &lead.1, json!({"ticket_id": ours.2, "note": "Any news?"})).await;
    assert_eq!(c.holder_id, ours.0.id);
}

#[tokio::test]
async fn a_chase_notifies_the_holder_who_answers_it() {
    let Two { app, ours, theirs, .. } = two().await;
    let (sup_user, sup) = app.user(Role::Supervisor).await;
    for (body, field) in [
        (json!({"ticket_id": ours.2, "note": "  "}), "note"),
        (
            json!({"ticket_id": ours.2, "note": "x", "due_at": "2026-11-23T03:00:00Z"}),
            "due_at",
        ),
        (
            json!({"ticket_id": ours.2, "note": "x", "due_at": "2027-01-23T03:00:00Z"}),
            "due_at",
        ),
        (json!({"note": "x"}), "ticket_id"),
    ] {
        let r = app.post("/api/v1/chases", &sup, &body).await;
        assert_eq!(problem(r, 422, "validation_failed").await.field.as_deref(), Some(field));
    }
    let c = chase(
        &app,
        &sup,
        json!({"ticket_id": ours.2, "note": "The customer called twice."}),
    )
    .await;
    assert_eq!(c.status, ChaseStatus::Open);
    assert_eq!(c.chased_by_name, sup_user.display_name);
    // Monday 12:00 local plus four working hours: 16:00 local.
    assert_eq!(c.due_at, at("2026-11-23T08:00:00Z"));
    let note = inbox(&app, &ours.1).await;
    assert_eq!(note[0].kind, "chase");
    assert!(
        note[0].message.contains("The customer called twice."),
        "{}",
        note[0].message
    );
    assert!(note[0].message.contains("2026-11-23 16:00"), "{}", note[0].message);
    let chased: Vec<TicketEvent> = timeline(&app, ours.2)
        .await
        .into_iter()
        .filter(|e| e.kind == "chased")
        .collect();
    assert_eq!(chased.len(), 1);
    assert_eq!(chased[0].reason.as_deref(), Some("The customer called twice."));
    // Chasing does not end the stall; the row shows the chase.
    let row = stalled(&app, &sup, &format!("?holder_id={}", ours.0.id))
        .await
        .items
        .remove(0);
    assert_eq!(row.open_chase.as_ref().map(|c| c.id), Some(c.id));
    let again = app
        .post("/api/v1/chases", &sup, &json!({"ticket_id": ours.2, "note": "Again"}))
        .await;
    problem(again, 409, "conflict").await;
    // The holder's chases; only the holder answers, once.
    let mine: Page<Chase> = app
        .ok(app.get("/api/v1/chases/mine?open=true", &ours.1).await, 200)
        .await;
    assert_eq!(mine.items.iter().map(|c| c.id).collect::<Vec<_>>(), [c.id]);
    let path = format!("/api/v1/chases/{}/answer", c.id);
    assert_eq!(
        app.post(&path, &theirs.1, &json!({"note": "Not me"})).await.status(),
        403
    );
    let answered: Chase = app
        .ok(
            app.post(&path, &ours.1, &json!({"note": "Calling them at two."})).await,
            200,
        )
        .await;
    assert_eq!(answered.status, ChaseStatus::Answered);
    assert_eq!(answered.answer.as_deref(), Some("Calling them at two."));
    problem(
        app.post(&path, &ours.1, &json!({"note": "Twice"})).await,
        409,
        "conflict",
    )
    .await;
    assert_eq!(inbox(&app, &sup).await[0].kind, "chase_answered");
    assert!(timeline(&app, ours.2).await.iter().any(|e| e.kind == "chase_answered"));
    let row = stalled(&app, &sup, &format!("?holder_id={}", ours.0.id))
        .await
        .items
        .remove(0);
    assert!(row.open_chase.is_none());
    // A visit of no open work, or a resolved ticket, is not chased.
    let r = app
        .post("/api/v1/chases", &sup, &json!({"visit_id": 999999, "note": "x"}))
        .await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn an_unanswered_chase_climbs_once_to_the_holders_supervisor() {
    let Two { app, ours, theirs, .. } = two().await;
    let (boss, boss_token) = app.user(Role::Supervisor).await;
    let (_, other_token) = app.user(Role::Supervisor).await;
    standing(&app, ours.0.id.0, None, Some(boss.id.0)).await;
    let due = "2026-11-23T05:00:00Z";
    let c = chase(
        &app,
        &other_token,
        json!({"ticket_id": ours.2, "note": "Where is it?", "due_at": due}),
    )
    .await;
    let d = chase(
        &app,
        &other_token,
        json!({"ticket_id": theirs.2, "note": "And this?", "due_at": due}),
    )
    .await;
    assert_eq!(climb(&app).await.actions, 0, "not due yet");
    app.clock.set(at(due) + Duration::minutes(1));
    let run = climb(&app).await;
    assert_eq!((run.examined, run.actions), (2, 2));
    assert_eq!(climb(&app).await.actions, 0, "a chase climbs once");
    // The holder with a supervisor: to that supervisor only.
    let boss_inbox = inbox(&app, &boss_token).await;
    let climbed: Vec<&Notification> = boss_inbox.iter().filter(|n| n.kind == "chase_unanswered").collect();
    assert_eq!(
        climbed.len(),
        2,
        "the boss is one of every supervisor for the other holder"
    );
    // The holder without one: to every supervisor.
    let other = inbox(&app, &other_token).await;
    let to_other: Vec<&Notification> = other.iter().filter(|n| n.kind == "chase_unanswered").collect();
    assert_eq!(to_other.len(), 1);
    assert_eq!(to_other[0].ticket_id.map(|t| t.0), Some(theirs.2));
    for (ticket, id) in [(ours.2, c.id), (theirs.2, d.id)] {
        let events: Vec<TicketEvent> = timeline(&app, ticket)
            .await
            .into_iter()
            .filter(|e| e.kind == "chase_climbed")
            .collect();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].actor_id, None);
        assert_eq!(events[0].data.as_ref().unwrap()["chase_id"], id.0);
    }
    let mine: Page<Chase> = app.ok(app.get("/api/v1/chases/mine", &ours.1).await, 200).await;
    assert_eq!(mine.items[0].status, ChaseStatus::Climbed);
    // Still answerable after the climb.
    let r = app
        .post(
            &format!("/api/v1/chases/{}/answer", c.id),
            &ours.1,
            &json!({"note": "Done now."}),
        )
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn the_weekly_report_counts_chases_by_agent_and_team() {
    let Two { app, ours, team, .. } = two().await;
    let sup = app.token(Role::Supervisor).await;
    let f2 = fixture(&app, "silver").await;
    standing(&app, f2.agent.id.0, Some(team), None).await;
    let t2 = register(&app, &f2, "p3", "phone").await;
    let due = "2026-11-23T05:00:00Z";
    let a = chase(&app, &sup, json!({"ticket_id": ours.2, "note": "One", "due_at": due})).await;
    chase(&app, &sup, json!({"ticket_id": t2.id, "note": "Two", "due_at": due})).await;
    let r = app
        .post(
            &format!("/api/v1/chases/{}/answer", a.id),
            &ours.1,
            &json!({"note": "On it"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    app.clock.set(at(due) + Duration::hours(1));
    assert_eq!(climb(&app).await.actions, 1);
    app.clock.set(at("2026-11-30T02:00:00Z"));
    let report: fieldline_mobile_api::ServiceReport = app
        .ok(app.get("/api/v1/reports/service/weekly?week=2026-W48", &sup).await, 200)
        .await;
    let ch = &report.chases;
    assert_eq!((ch.made, ch.answered, ch.overdue, ch.climbed), (2, 1, 1, 1));
    assert_eq!(ch.by_agent.len(), 2);
    let ours_row = ch.by_agent.iter().find(|g| g.key == ours.0.id.0.to_string()).unwrap();
    assert_eq!(
        (ours_row.label.as_str(), ours_row.made, ours_row.answered),
        (ours.0.display_name.as_str(), 1, 1)
    );
    assert_eq!(ch.by_team.len(), 1);
    assert_eq!(
        (ch.by_team[0].label.as_str(), ch.by_team[0].made, ch.by_team[0].overdue),
        ("Day shift", 2, 1)
    );
    let csv = app
        .get("/api/v1/reports/service/weekly?week=2026-W48&format=csv", &sup)
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("chases,,,made,2\r\n"), "{csv}");
    assert!(csv.contains("chases,,,overdue,1\r\n"), "{csv}");
    assert!(
        csv.contains(&format!("chase_team,{team},Day shift,answered,1\r\n")),
        "{csv}"
    );
    // The week before has none.
    let before: fieldline_mobile_api::ServiceReport = app
        .ok(app.get("/api/v1/reports/service/weekly?week=2026-W47", &sup).await, 200)
        .await;
    assert_eq!(before.chases.made, 0);
}

#[tokio::test]
async fn a_visit_stalls_by_its_status_and_an_accepted_one_from_its_window() {
    // Tuesday 09:00 local.
    let app = spawn_app_at("2026-11-24T01:00:00Z").await;
    let f = fixture(&app, "standard").await;
    let sup = app.token(Role::Supervisor).await;
    let (tech, tech_token) =
        crate::dispatch::technician(&app, 30.25, 120.16, json!([{"skill": "ups", "level": 3}])).await;
    let t = register(&app, &f, "p3", "phone").await;
    // The visit's window: Wednesday 10:00-12:00 local.
    let window = (at("2026-11-25T02:00:00Z"), at("2026-11-25T04:00:00Z"));
    let v = crate::dispatch::visit_for(&app, &f, &t, window, "ups", 1).await;
    // Tuesday 11:01: the unassigned visit has waited two hours for a dispatcher; its ticket is
    // followed through it.
    app.clock.set(at("2026-11-24T03:01:00Z"));
    let list = stalled(&app, &sup, "").await;
    assert_eq!(list.total, 1, "{list:?}");
    let row = &list.items[0];
    assert_eq!((row.visit_id, row.ticket_id), (Some(v.id), Some(t.id)));
    assert_eq!(
        (row.state, row.waits_for),
        (StallState::VisitScheduled, StallWaitsFor::Dispatcher)
    );
    let assigned: fieldline_mobile_api::Visit = app
        .ok(
            app.post(
                &format!("/api/v1/visits/{}/assign", v.id),
                &app.admin,
                &json!({"technician_id": tech}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(stalled(&app, &sup, "").await.total, 0, "assigning is work on it");
    // A chase of the visit goes to its technician and onto the ticket's timeline.
    let c = chase(&app, &sup, json!({"visit_id": v.id, "note": "Please accept it."})).await;
    assert_eq!((c.holder_id.0, c.visit_id), (tech, Some(v.id)));
    assert_eq!(inbox(&app, &tech_token).await[0].kind, "chase");
    let chased = timeline(&app, t.id.0)
        .await
        .into_iter()
        .find(|e| e.kind == "chased")
        .unwrap();
    assert_eq!(chased.data.unwrap()["visit_id"], v.id.0);
    // Tuesday 13:02: assigned two hours ago and not accepted.
    app.clock.set(at("2026-11-24T05:02:00Z"));
    let row = stalled(&app, &sup, "").await.items.remove(0);
    assert_eq!(
        (row.state, row.waits_for),
        (StallState::VisitAssigned, StallWaitsFor::TechnicianAcceptance)
    );
    assert_eq!(row.open_chase.map(|c| c.id), Some(c.id));
    // Accepted: waiting for Wednesday's window is not stalling; an hour into it is.
    let r = app
        .http
        .post(app.url(&format!("/api/v1/mobile/visits/{}/accept", v.id)))
        .bearer_auth(&tech_token)
        .header("Idempotency-Key", "accept-1")
        .header("If-Match", format!("\"{}\"", assigned.version))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    app.clock.set(at("2026-11-25T02:30:00Z"));
    assert_eq!(stalled(&app, &sup, "").await.total, 0);
    app.clock.set(at("2026-11-25T03:01:00Z"));
    let row = stalled(&app, &sup, "").await.items.remove(0);
    assert_eq!(
        (row.state, row.waits_for),
        (StallState::VisitAccepted, StallWaitsFor::Technician)
    );
    assert_eq!(row.since, window.0);
}
