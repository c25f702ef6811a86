//! The hotline's shifts and the agents' duty roster: shifts kept by admins, entries added and
//! removed by those allowed, swaps under the swap regulation's rules, and the night alerts that
//! go to the shift lead on duty.

use crate::helpers::{problem, spawn_app_at, TestApp};
use crate::tickets::{fixture, register, FRIDAY_1650};
use chrono::{Duration, NaiveDate};
use fieldline_mobile_api::{
    DeskShift, JobRun, Notification, Page, Role, RosterEntry, RosterSwap, SwapStatus, Team, User,
};
use serde_json::{json, Value};

/// Tuesday 1 December 2026, 09:00 in Shanghai.
const TUESDAY_0900: &str = "2026-12-01T01:00:00Z";

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

async fn shifts(app: &TestApp) -> (i64, i64) {
    let all: Vec<DeskShift> = app.ok(app.get("/api/v1/desk/shifts", &app.admin).await, 200).await;
    let id = |n: &str| all.iter().find(|s| s.name == n).expect(n).id.0;
    (id("Day"), id("Night"))
}

/// A hotline shift team led by `lead`.
async fn team(app: &TestApp, name: &str, lead: i64) -> i64 {
    let t: Team = app
        .ok(
            app.post(
                "/api/v1/teams",
                &app.admin,
                &json!({"name": name, "kind": "hotline_shift", "lead_id": lead}),
            )
            .await,
            201,
        )
        .await;
    t.id.0
}

/// Puts `user` in `team` at `level`.
async fn organise(app: &TestApp, user: i64, team: Option<i64>, level: i32) {
    let r = app
        .put(
            &format!("/api/v1/users/{user}/organisation"),
            &app.admin,
            &json!({"team_id": team, "level": level}),
        )
        .await;
    app.ok::<User>(r, 200).await;
}

async fn add(app: &TestApp, token: &str, d: NaiveDate, shift: i64, user: i64) -> reqwest::Response {
    app.post(
        "/api/v1/roster",
        token,
        &json!({"day": d, "shift_id": shift, "user_id": user}),
    )
    .await
}

async fn entry(app: &TestApp, d: NaiveDate, shift: i64, user: i64) -> RosterEntry {
    app.ok(add(app, &app.admin, d, shift, user).await, 201).await
}

async fn roster(app: &TestApp, token: &str, from: NaiveDate, to: NaiveDate) -> Vec<RosterEntry> {
    app.ok(
        app.get(&format!("/api/v1/roster?from={from}&to={to}"), token).await,
        200,
    )
    .await
}

async fn ask(app: &TestApp, token: &str, mine: &RosterEntry, theirs: &RosterEntry) -> reqwest::Response {
    app.post(
        "/api/v1/roster/swaps",
        token,
        &json!({"entry_id": mine.id, "counterpart_entry_id": theirs.id, "reason": "a family wedding"}),
    )
    .await
}

async fn act(app: &TestApp, token: &str, swap: &RosterSwap, what: &str) -> reqwest::Response {
    let body = if what == "refuse" {
        json!({"reason": "we are short that night"})
    } else {
        json!({})
    };
    app.post(&format!("/api/v1/roster/swaps/{}/{what}", swap.id.0), token, &body)
        .await
}

async fn inbox(app: &TestApp, token: &str) -> Vec<Notification> {
    let p: Page<Notification> = app.ok(app.get("/api/v1/notifications", token).await, 200).await;
    p.items
}

/// Two agents of level 2 in two shift teams, each with their own lead; and their tokens.
struct Pair {
    a: User,
    a_token: String,
    b: User,
    b_token: String,
    lead_a: String,
    lead_b: String,
}

async fn pair(app: &TestApp) -> Pair {
    let (la, lead_a) = app.user(Role::Agent).await;
    let (lb, lead_b) = app.user(Role::Agent).await;
    let ta = team(app, &format!("Shift A {}", la.id.0), la.id.0).await;
    let tb = team(app, &format!("Shift B {}", lb.id.0), lb.id.0).await;
    let (a, a_token) = app.user(Role::Agent).await;
    let (b, b_token) = app.user(Role::Agent).await;
    organise(app, a.id.0, Some(ta), 2).await;
    organise(app, b.id.0, Some(tb), 2).await;
    Pair {
        a,
        a_token,
        b,
        b_token,
        lead_a,
        lead_b,
    }
}

#[tokio::test]
async fn the_roster_holds_people_on_shifts_with_names_leads_and_holidays() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let (dayshift, night) = shifts(&app).await;
    let (lead, lead_token) = app.user(Role::Agent).await;
    let (agent, _) = app.user(Role::Agent).await;
    let (stranger, _) = app.user(Role::Agent).await;
    let t = team(&app, "Night crew", lead.id.0).await;
    organise(&app, agent.id.0, Some(t), 1).await;
    let r = app
        .post(
            "/api/v1/calendar/holidays",
            &app.admin,
            &json!({"day": "2026-12-03", "name": "A holiday"}),
        )
        .await;
    assert_eq!(r.status(), 201);

    // A lead rosters the people they lead, and only them.
    let e: RosterEntry = app
        .ok(add(&app, &lead_token, day(3), night, agent.id.0).await, 201)
        .await;
    assert_eq!(
        (e.user_name.as_str(), e.shift_name.as_str()),
        (agent.display_name.as_str(), "Night")
    );
    assert!(e.holiday, "3 December is a holiday");
    assert!(!e.lead);
    problem(
        add(&app, &lead_token, day(3), night, stranger.id.0).await,
        403,
        "forbidden",
    )
    .await;
    // One shift a day.
    let p = problem(
        add(&app, &app.admin, day(3), dayshift, agent.id.0).await,
        409,
        "duplicate",
    )
    .await;
    assert!(p.detail.contains("Night shift"), "{}", p.detail);
    let l = entry(&app, day(1), dayshift, lead.id.0).await;
    assert!(l.lead && !l.holiday);
    // A dispatcher may not roster anyone.
    let dispatcher = app.token(Role::Dispatcher).await;
    problem(
        add(&app, &dispatcher, day(4), dayshift, agent.id.0).await,
        403,
        "forbidden",
    )
    .await;

    let all = roster(&app, &lead_token, day(1), day(7)).await;
    assert_eq!(all.iter().map(|e| e.id).collect::<Vec<_>>(), vec![l.id, e.id]);
    // The past is kept: the lead's shift of today has started.
    problem(
        app.delete(&format!("/api/v1/roster/{}", l.id.0), &app.admin).await,
        409,
        "conflict",
    )
    .await;
    problem(
        app.delete(&format!("/api/v1/roster/{}", e.id.0), &dispatcher).await,
        403,
        "forbidden",
    )
    .await;
    let r = app.delete(&format!("/api/v1/roster/{}", e.id.0), &lead_token).await;
    assert_eq!(r.status(), 204);
    assert_eq!(roster(&app, &lead_token, day(1), day(7)).await.len(), 1);
}

#[tokio::test]
async fn admins_create_and_change_shifts() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let body = json!({"name": "Early", "starts": "06:00", "ends": "14:00"});
    let s: DeskShift = app
        .ok(app.post("/api/v1/desk/shifts", &app.admin, &body).await, 201)
        .await;
    assert!(s.active);
    problem(
        app.post("/api/v1/desk/shifts", &app.admin, &body).await,
        409,
        "duplicate",
    )
    .await;
    let sup = app.token(Role::Supervisor).await;
    problem(app.post("/api/v1/desk/shifts", &sup, &body).await, 403, "forbidden").await;
    let bad = json!({"name": "Late", "starts": "6:00", "ends": "14:00"});
    let p = problem(
        app.post("/api/v1/desk/shifts", &app.admin, &bad).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("starts"));
    let same = json!({"name": "Late", "starts": "14:00", "ends": "14:00"});
    let p = problem(
        app.post("/api/v1/desk/shifts", &app.admin, &same).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("ends"));
    let change = json!({"name": "Early", "starts": "07:00", "ends": "15:00", "active": false});
    let u: DeskShift = app
        .ok(
            app.put(&format!("/api/v1/desk/shifts/{}", s.id.0), &app.admin, &change)
                .await,
            200,
        )
        .await;
    assert_eq!((u.starts.as_str(), u.active), ("07:00", false));
    let clash = json!({"name": "Day", "starts": "07:00", "ends": "15:00"});
    problem(
        app.put(&format!("/api/v1/desk/shifts/{}", s.id.0), &app.admin, &clash)
            .await,
        409,
        "duplicate",
    )
    .await;
    problem(
        app.put("/api/v1/desk/shifts/9999", &app.admin, &change).await,
        404,
        "not_found",
    )
    .await;
    // An inactive shift takes no entries.
    let (agent, _) = app.user(Role::Agent).await;
    let p = problem(
        add(&app, &app.admin, day(8), s.id.0, agent.id.0).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("shift_id"));
    let audit: Value = app
        .ok(
            app.get(
                &format!("/api/v1/audit?entity=desk_shift&entity_id={}", s.id.0),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_swap_needs_the_counterpart_and_both_leads_then_exchanges_the_two_entries() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let (dayshift, night) = shifts(&app).await;
    let p = pair(&app).await;
    let mine = entry(&app, day(8), dayshift, p.a.id.0).await;
    let theirs = entry(&app, day(10), night, p.b.id.0).await;
    // Only one's own entry is offered.
    problem(ask(&app, &p.b_token, &mine, &theirs).await, 403, "forbidden").await;
    let s: RosterSwap = app.ok(ask(&app, &p.a_token, &mine, &theirs).await, 201).await;
    assert_eq!(s.status, SwapStatus::Requested);
    assert_eq!(s.counterpart_name, p.b.display_name);
    assert_eq!(s.counterpart_shift_name, "Night");
    assert!(s.can_cancel && !s.can_approve);
    assert!(inbox(&app, &p.b_token).await.iter().any(|n| n.kind == "roster_swap"));
    // The same entries are not asked twice while open; an open entry is not taken off.
    problem(ask(&app, &p.a_token, &mine, &theirs).await, 409, "conflict").await;
    problem(
        app.delete(&format!("/api/v1/roster/{}", mine.id.0), &app.admin).await,
        409,
        "conflict",
    )
    .await;

    // The counterpart and the leads see it to decide; the requester may not approve it.
    for token in [&p.b_token, &p.lead_a, &p.lead_b] {
        let todo: Page<RosterSwap> = app
            .ok(app.get("/api/v1/roster/swaps?scope=decide", token).await, 200)
            .await;
        assert_eq!(todo.total, 1);
        assert!(todo.items[0].can_approve);
    }
    problem(act(&app, &p.a_token, &s, "approve").await, 403, "forbidden").await;
    let outsider = app.token(Role::Agent).await;
    problem(act(&app, &outsider, &s, "approve").await, 403, "forbidden").await;
    // Both people have a lead: a supervisor does not stand in.
    let sup = app.token(Role::Supervisor).await;
    problem(act(&app, &sup, &s, "approve").await, 403, "forbidden").await;

    let s1: RosterSwap = app.ok(act(&app, &p.b_token, &s, "approve").await, 200).await;
    assert!(s1.agreed_at.is_some());
    problem(act(&app, &p.b_token, &s, "approve").await, 409, "conflict").await;
    let s2: RosterSwap = app.ok(act(&app, &p.lead_a, &s, "approve").await, 200).await;
    assert_eq!(s2.status, SwapStatus::Requested, "the other lead has not approved");
    assert!(s2.requester_lead_name.is_some() && s2.counterpart_lead_id.is_none());
    let unchanged = roster(&app, &app.admin, day(8), day(10)).await;
    assert_eq!(unchanged[0].user_id, p.a.id);
    let done: RosterSwap = app.ok(act(&app, &p.lead_b, &s, "approve").await, 200).await;
    assert_eq!(done.status, SwapStatus::Approved);
    assert!(done.decided_at.is_some());

    let now = roster(&app, &app.admin, day(8), day(10)).await;
    let on = |d: NaiveDate| now.iter().find(|e| e.day == d).unwrap().user_id;
    assert_eq!(
        (on(day(8)), on(day(10))),
        (p.b.id, p.a.id),
        "the two entries exchanged their people"
    );
    for token in [&p.a_token, &p.b_token] {
        assert!(inbox(&app, token)
            .await
            .iter()
            .any(|n| n.kind == "roster_swap_approved"));
    }
    problem(act(&app, &p.lead_b, &s, "refuse").await, 409, "conflict").await;
    let mine_list: Page<RosterSwap> = app.ok(app.get("/api/v1/roster/swaps", &p.a_token).await, 200).await;
    assert_eq!(mine_list.total, 1);
    problem(
        app.get("/api/v1/roster/swaps?scope=all", &p.a_token).await,
        403,
        "forbidden",
    )
    .await;
    let all: Page<RosterSwap> = app.ok(app.get("/api/v1/roster/swaps?scope=all", &sup).await, 200).await;
    assert_eq!(all.total, 1);
    let audit: Value = app
        .ok(
            app.get(
                &format!("/api/v1/audit?entity=roster_entry&entity_id={}", mine.id.0),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    assert!(audit["items"].as_array().unwrap().iter().any(|e| e["action"] == "swap"));
}

#[tokio::test]
async fn on_one_day_the_two_exchange_shifts_and_a_shared_lead_approves_once() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let (dayshift, night) = shifts(&app).await;
    let (lead, lead_token) = app.user(Role::Agent).await;
    let t = team(&app, "Shared", lead.id.0).await;
    let (a, a_token) = app.user(Role::Agent).await;
    let (b, b_token) = app.user(Role::Agent).await;
    organise(&app, a.id.0, Some(t), 1).await;
    organise(&app, b.id.0, Some(t), 1).await;
    let mine = entry(&app, day(9), dayshift, a.id.0).await;
    let theirs = entry(&app, day(9), night, b.id.0).await;
    let s: RosterSwap = app.ok(ask(&app, &a_token, &mine, &theirs).await, 201).await;
    app.ok::<RosterSwap>(act(&app, &lead_token, &s, "approve").await, 200)
        .await;
    let done: RosterSwap = app.ok(act(&app, &b_token, &s, "approve").await, 200).await;
    assert_eq!(done.status, SwapStatus::Approved, "one approval counts for both");
    let now = roster(&app, &app.admin, day(9), day(9)).await;
    let of = |u: &User| now.iter().find(|e| e.user_id == u.id).unwrap().shift_id.0;
    assert_eq!((of(&a), of(&b)), (night, dayshift));
}

#[tokio::test]
async fn a_supervisor_stands_in_for_a_missing_lead_and_a_swap_is_refused_or_cancelled() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let (dayshift, _) = shifts(&app).await;
    let (a, a_token) = app.user(Role::Agent).await;
    let (b, b_token) = app.user(Role::Agent).await;
    let sup = app.token(Role::Supervisor).await;
    let e8 = entry(&app, day(8), dayshift, a.id.0).await;
    let e10 = entry(&app, day(10), dayshift, b.id.0).await;
    let s: RosterSwap = app.ok(ask(&app, &a_token, &e8, &e10).await, 201).await;
    // A refusal names its reason, for both people to read.
    let r: RosterSwap = app.ok(act(&app, &sup, &s, "refuse").await, 200).await;
    assert_eq!(r.status, SwapStatus::Refused);
    assert_eq!(r.refusal.as_deref(), Some("we are short that night"));
    assert!(r.refused_by_name.is_some());
    assert!(inbox(&app, &a_token)
        .await
        .iter()
        .any(|n| n.kind == "roster_swap_refused"));
    // Cancelled by the requester only.
    let s: RosterSwap = app.ok(ask(&app, &a_token, &e8, &e10).await, 201).await;
    problem(act(&app, &b_token, &s, "cancel").await, 403, "forbidden").await;
    let c: RosterSwap = app.ok(act(&app, &a_token, &s, "cancel").await, 200).await;
    assert_eq!(c.status, SwapStatus::Cancelled);
    // Neither has a lead: the supervisor approves both sides.
    let s: RosterSwap = app.ok(ask(&app, &a_token, &e8, &e10).await, 201).await;
    app.ok::<RosterSwap>(act(&app, &b_token, &s, "approve").await, 200)
        .await;
    let done: RosterSwap = app.ok(act(&app, &sup, &s, "approve").await, 200).await;
    assert_eq!(done.status, SwapStatus::Approved);
    assert_eq!(done.requester_lead_id, done.counterpart_lead_id);
}

#[tokio::test]
async fn each_swap_rule_is_refused_with_its_reason() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let (dayshift, night) = shifts(&app).await;
    let p = pair(&app).await;
    let refused = |field: &'static str, words: &'static str| {
        move |pr: fieldline_mobile_api::Problem| {
            assert_eq!(pr.field.as_deref(), Some(field), "{}", pr.detail);
            assert!(pr.detail.contains(words), "{} lacks {words}", pr.detail);
        }
    };
    let a = |d| entry(&app, day(d), dayshift, p.a.id.0);
    let b = |d| entry(&app, day(d), night, p.b.id.0);

    // Same work and level.
    let (senior, _) = app.user(Role::Agent).await;
    organise(&app, senior.id.0, None, 3).await;
    let (engineer, _) = app.user(Role::RemoteEngineer).await;
    organise(&app, engineer.id.0, None, 2).await;
    let (a2, b2) = (a(2).await, entry(&app, day(2), night, senior.id.0).await);
    let pr = problem(ask(&app, &p.a_token, &a2, &b2).await, 422, "validation_failed").await;
    refused(
        "counterpart_entry_id",
        "swaps are only between people of the same work and level",
    )(pr);
    let e2 = entry(&app, day(3), night, engineer.id.0).await;
    let pr = problem(ask(&app, &p.a_token, &a2, &e2).await, 422, "validation_failed").await;
    refused("counterpart_entry_id", "same work and level")(pr);

    // Two different people; neither already on the other day.
    let a4 = a(4).await;
    let pr = problem(ask(&app, &p.a_token, &a2, &a4).await, 422, "validation_failed").await;
    refused("counterpart_entry_id", "two different people")(pr);
    let b4 = b(4).await;
    let b6 = b(6).await;
    let pr = problem(ask(&app, &p.a_token, &a2, &b4).await, 422, "validation_failed").await;
    refused("counterpart_entry_id", "on the roster of 2026-12-04 already")(pr);

    // No back-to-back swaps: a swaps 15 for 6, then 16 is next to a day a swaps.
    let a15 = a(15).await;
    let first: RosterSwap = app.ok(ask(&app, &p.a_token, &a15, &b6).await, 201).await;
    let a16 = a(16).await;
    let b20 = b(20).await;
    let pr = problem(ask(&app, &p.a_token, &a16, &b20).await, 422, "validation_failed").await;
    refused("entry_id", "no back-to-back swaps")(pr);
    // Two a month: a second swap, then a third is refused.
    let a24 = a(24).await;
    let b27 = b(27).await;
    app.ok::<RosterSwap>(ask(&app, &p.a_token, &a24, &b20).await, 201).await;
    let a29 = a(29).await;
    let pr = problem(ask(&app, &p.a_token, &a29, &b27).await, 422, "validation_failed").await;
    refused("entry_id", "at most 2 swaps per person per month")(pr);
    // A cancelled swap no longer counts.
    app.ok::<RosterSwap>(act(&app, &p.a_token, &first, "cancel").await, 200)
        .await;
    app.ok::<RosterSwap>(ask(&app, &p.a_token, &a29, &b27).await, 201).await;

    // Only future shifts: today's day shift has started.
    let a1 = a(1).await;
    let b30 = b(30).await;
    let pr = problem(ask(&app, &p.a_token, &a1, &b30).await, 422, "validation_failed").await;
    refused("entry_id", "only future shifts")(pr);
}

#[tokio::test]
async fn a_holiday_duty_agent_cannot_swap_and_the_rules_hold_again_at_the_last_approval() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let (dayshift, night) = shifts(&app).await;
    let p = pair(&app).await;
    let holiday = |d: &str| {
        let body = json!({"day": d, "name": "A holiday"});
        let app = &app;
        async move {
            let r = app.post("/api/v1/calendar/holidays", &app.admin, &body).await;
            assert_eq!(r.status(), 201);
        }
    };
    holiday("2026-12-11").await;
    let a11 = entry(&app, day(11), dayshift, p.a.id.0).await;
    assert!(a11.holiday);
    let b14 = entry(&app, day(14), night, p.b.id.0).await;
    let pr = problem(ask(&app, &p.a_token, &a11, &b14).await, 422, "validation_failed").await;
    assert_eq!(pr.field.as_deref(), Some("entry_id"));
    assert!(pr.detail.contains("nobody on holiday duty may swap"), "{}", pr.detail);
    let b11 = entry(&app, day(11), night, p.b.id.0).await;
    let a14 = entry(&app, day(14), dayshift, p.a.id.0).await;
    let pr = problem(ask(&app, &p.a_token, &a14, &b11).await, 422, "validation_failed").await;
    assert_eq!(pr.field.as_deref(), Some("counterpart_entry_id"));
    assert!(pr.detail.contains("holiday duty"), "{}", pr.detail);

    // Asked before the day became a holiday: the last approval checks again and refuses.
    let a17 = entry(&app, day(17), dayshift, p.a.id.0).await;
    let b21 = entry(&app, day(21), night, p.b.id.0).await;
    let s: RosterSwap = app.ok(ask(&app, &p.a_token, &a17, &b21).await, 201).await;
    app.ok::<RosterSwap>(act(&app, &p.b_token, &s, "approve").await, 200)
        .await;
    app.ok::<RosterSwap>(act(&app, &p.lead_a, &s, "approve").await, 200)
        .await;
    holiday("2026-12-21").await;
    let pr = problem(act(&app, &p.lead_b, &s, "approve").await, 422, "validation_failed").await;
    assert!(pr.detail.contains("holiday duty"), "{}", pr.detail);
    let still = roster(&app, &app.admin, day(17), day(17)).await;
    assert_eq!(still[0].user_id, p.a.id);
}

async fn run_scan(app: &TestApp) -> JobRun {
    app.ok(app.post("/api/v1/jobs/sla_scan/run", &app.admin, &json!({})).await, 200)
        .await
}

#[tokio::test]
async fn a_night_alert_goes_to_the_lead_on_duty_and_without_a_roster_to_the_supervisors() {
    for rostered in [true, false] {
        let app = spawn_app_at(FRIDAY_1650).await;
        let f = fixture(&app, "standard").await;
        let (dayshift, _) = shifts(&app).await;
        let (lead, lead_token) = app.user(Role::Agent).await;
        team(&app, "Evening crew", lead.id.0).await;
        let (_, sup_token) = app.user(Role::Supervisor).await;
        if rostered {
            let friday = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
            assert!(entry(&app, friday, dayshift, lead.id.0).await.lead);
        }
        register(&app, &f, "p1", "phone").await; // 1 h response
        app.clock.advance(Duration::minutes(61));
        run_scan(&app).await;
        // 18:51 on Friday: past the working day's close at 17:00.
        app.clock.advance(Duration::minutes(60));
        assert_eq!(run_scan(&app).await.actions, 1);
        let alerts = |n: Vec<Notification>| n.into_iter().filter(|n| n.kind == "sla_alert").collect::<Vec<_>>();
        let to_lead = alerts(inbox(&app, &lead_token).await);
        let to_sup = alerts(inbox(&app, &sup_token).await);
        if rostered {
            assert_eq!(to_lead.len(), 1, "the lead on duty is alerted");
            assert!(
                to_lead[0].message.contains("shift lead on duty"),
                "{}",
                to_lead[0].message
            );
            assert!(to_sup.is_empty(), "not the supervisors");
        } else {
            assert!(to_lead.is_empty());
            assert_eq!(to_sup.len(), 1, "every supervisor, as before");
        }
    }
}
