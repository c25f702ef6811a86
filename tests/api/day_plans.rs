//! Day plans: a plan keeps every skill, shift, break and window; applying books it all or
//! nothing; two plans applied at once never double-book; re-planning keeps the visits under way;
//! the phone lists the route in order.

use crate::dispatch::{technician, visit_for};
use crate::helpers::{problem, spawn_app_at, TestApp};
use crate::tickets::{at, fixture, register, Fixture};
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{DayPlan, DayPlanStatus, Page, StopKind, UnplacedReason, Visit, VisitStatus};
use serde_json::{json, Value};

/// Monday 2026-11-23 09:00 in Shanghai; plans are made for Tuesday.
const MONDAY_0900: &str = "2026-11-23T01:00:00Z";
const TUESDAY: &str = "2026-11-24";

/// A local time of Tuesday 2026-11-24 in Shanghai (UTC+8).
fn tue(h: i64, m: i64) -> DateTime<Utc> {
    at("2026-11-23T16:00:00Z") + Duration::hours(h) + Duration::minutes(m)
}

/// A visit at its own site (lat, lon) in the window, needing the skill at the level.
pub async fn visit_at(
    app: &TestApp,
    f: &Fixture,
    (lat, lon): (f64, f64),
    window: (DateTime<Utc>, DateTime<Utc>),
    (skill, level): (&str, i32),
) -> Visit {
    let s: Value = app
        .ok(app.post("/api/v1/sites", &app.admin, &json!({"customer_id": f.customer, "name": format!("Site {lat} {lon}"), "address": "1 Road", "latitude": lat, "longitude": lon})).await, 201)
        .await;
    let serial = format!("UPS-{}", uuid::Uuid::new_v4().simple());
    let a: Value = app
        .ok(app.post("/api/v1/assets", &app.admin, &json!({"site_id": s["id"], "model": "Eaton 93PM", "serial_number": serial, "purchase_date": "2024-03-01"})).await, 201)
        .await;
    let f2 = Fixture {
        agent: f.agent.clone(),
        token: f.token.clone(),
        customer: f.customer,
        site: s["id"].as_i64().unwrap(),
        asset: a["id"].as_i64().unwrap(),
        contact: f.contact,
    };
    let t = register(app, &f2, "p3", "phone").await;
    visit_for(app, &f2, &t, window, skill, level).await
}

/// Asks for a plan of the day and waits until the solver has made it.
pub async fn plan(app: &TestApp, token: &str, body: Value) -> DayPlan {
    let p: DayPlan = app.ok(app.post("/api/v1/day-plans", token, &body).await, 202).await;
    assert_eq!(p.plan.status, DayPlanStatus::Planning);
    for _ in 0..600 {
        let now: DayPlan = app
            .ok(app.get(&format!("/api/v1/day-plans/{}", p.plan.id), token).await, 200)
            .await;
        if now.plan.status != DayPlanStatus::Planning {
            assert_eq!(now.plan.status, DayPlanStatus::Ready, "{:?}", now.plan.error);
            return now;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the plan was not made within a minute");
}

async fn get_visit(app: &TestApp, id: impl std::fmt::Display) -> Visit {
    app.ok(app.get(&format!("/api/v1/visits/{id}"), &app.admin).await, 200)
        .await
}

#[tokio::test]
async fn a_plan_keeps_every_skill_window_shift_and_break_and_is_applied_with_the_order_on_the_phone() {
    let app = spawn_app_at(MONDAY_0900).await;
    let f = fixture(&app, "gold").await;
    let dispatcher = app.token(fieldline_mobile_api::Role::Dispatcher).await;
    let (ups, ups_phone) = technician(&app, 30.26, 120.16, json!([{"skill": "ups", "level": 3}])).await;
    let (hvac, _) = technician(&app, 30.30, 120.25, json!([{"skill": "hvac", "level": 2}])).await;
    let mut planned = Vec::new();
    for (place, window) in [
        ((30.25, 120.17), (tue(9, 0), tue(11, 0))),
        ((30.28, 120.20), (tue(10, 0), tue(12, 0))),
        ((30.22, 120.14), (tue(13, 0), tue(15, 0))),
        ((30.27, 120.15), (tue(11, 0), tue(14, 0))),
    ] {
        planned.push(visit_at(&app, &f, place, window, ("ups", 2)).await);
    }
    planned.push(visit_at(&app, &f, (30.31, 120.24), (tue(9, 0), tue(12, 0)), ("hvac", 1)).await);
    let expert = visit_at(&app, &f, (30.26, 120.18), (tue(9, 0), tue(17, 0)), ("ups", 5)).await;
    let evening = visit_at(&app, &f, (30.26, 120.19), (tue(19, 0), tue(21, 0)), ("ups", 1)).await;

    let p = plan(&app, &dispatcher, json!({"day": TUESDAY, "budget_seconds": 2})).await;
    assert_eq!(p.plan.visits_planned, 5, "{p:#?}");
    let reason = |id| p.unplaced.iter().find(|u| u.visit_id == id).map(|u| u.reason);
    assert_eq!(reason(expert.id), Some(UnplacedReason::Skill));
    assert!(
        matches!(reason(evening.id), Some(UnplacedReason::Window | UnplacedReason::Shift)),
        "{:?}",
        reason(evening.id)
    );
    for route in &p.routes {
        let (lo, hi) = (tue(8, 30), tue(17, 0));
        assert!(
            route.departure_at >= lo && route.return_at <= hi,
            "inside the working hours: {route:?}"
        );
        let breaks: Vec<_> = route.stops.iter().filter(|s| s.kind == StopKind::Break).collect();
        assert_eq!(breaks.len(), 1, "one lunch break: {route:?}");
        assert!(breaks[0].start_at >= tue(11, 30) && breaks[0].start_at <= tue(12, 45));
        assert!(breaks[0].departure_at - breaks[0].start_at >= Duration::minutes(45));
        let mut last = route.departure_at;
        for s in &route.stops {
            assert!(
                s.arrival_at >= last && s.start_at >= s.arrival_at && s.departure_at >= s.start_at,
                "in order: {route:?}"
            );
            last = s.departure_at;
            if s.kind == StopKind::Visit {
                let v = planned
                    .iter()
                    .find(|v| Some(v.id) == s.visit_id)
                    .expect("a planned visit");
                assert!(
                    s.start_at >= v.window_start && s.start_at <= v.window_end,
                    "inside its window: {s:?}"
                );
                let skilled = if v.required_skill.as_deref() == Some("hvac") {
                    hvac
                } else {
                    ups
                };
                assert_eq!(route.technician_id.0, skilled, "the skill decides who goes");
                assert!(s.ticket_number.is_some() && s.site_name.is_some() && s.latitude.is_some());
            }
        }
        assert!(route.return_at >= last);
        assert!(!route.technician_name.is_empty());
    }
    assert!(p.plan.km > 0.0 && p.plan.travel_minutes > 0);

    let applied: DayPlan = app
        .ok(
            app.post(
                &format!("/api/v1/day-plans/{}/apply", p.plan.id),
                &dispatcher,
                &json!({}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(applied.plan.status, DayPlanStatus::Applied);
    assert!(applied.plan.applied_by_name.is_some());
    let route = applied.routes.iter().find(|r| r.technician_id.0 == ups).unwrap();
    for s in route.stops.iter().filter(|s| s.kind == StopKind::Visit) {
        let v = get_visit(&app, s.visit_id.unwrap()).await;
        assert_eq!(
            (v.technician_id.map(|t| t.0), v.status),
            (Some(ups), VisitStatus::Assigned)
        );
        assert_eq!(
            (v.planned_arrival_at, v.route_position),
            (Some(s.arrival_at), Some(s.position))
        );
    }
    // The phone lists the technician's visits in the route's order, with the arrival times.
    let mine: Page<Visit> = app.ok(app.get("/api/v1/mobile/visits", &ups_phone).await, 200).await;
    let order: Vec<_> = mine.items.iter().map(|v| v.id).collect();
    let expected: Vec<_> = route.stops.iter().filter_map(|s| s.visit_id).collect();
    assert_eq!(order, expected);
    assert!(mine.items.windows(2).all(|w| w[0].route_position < w[1].route_position));
    // A plan is applied once.
    problem(
        app.post(
            &format!("/api/v1/day-plans/{}/apply", p.plan.id),
            &dispatcher,
            &json!({}),
        )
        .await,
        409,
        "conflict",
    )
    .await;
    let list: Page<fieldline_mobile_api::DayPlanSummary> = app
        .ok(
            app.get(&format!("/api/v1/day-plans?day={TUESDAY}"), &dispatcher).await,
            200,
        )
        .await;
    assert_eq!(list.items[0].id, p.plan.id);
}

#[tokio::test]
async fn a_stale_plan_is_refused_and_books_nothing() {
    let app = spawn_app_at(MONDAY_0900).await;
    let f = fixture(&app, "gold").await;
    let dispatcher = app.token(fieldline_mobile_api::Role::Dispatcher).await;
    let (a, _) = technician(&app, 30.26, 120.16, json!([{"skill": "ups", "level": 3}])).await;
    let (b, _) = technician(&app, 30.30, 120.25, json!([{"skill": "ups", "level": 3}])).await;
    let mut visits = Vec::new();
    for (i, place) in [(30.25, 120.17), (30.28, 120.20), (30.22, 120.14)]
        .into_iter()
        .enumerate()
    {
        let w = (tue(9 + 2 * i as i64, 0), tue(11 + 2 * i as i64, 0));
        visits.push(visit_at(&app, &f, place, w, ("ups", 1)).await);
    }
    let p = plan(&app, &dispatcher, json!({"day": TUESDAY, "budget_seconds": 1})).await;
    assert_eq!(p.plan.visits_planned, 3);
    // Someone books one of the visits by hand meanwhile.
    let first = p.routes[0].stops.iter().find_map(|s| s.visit_id).unwrap();
    let other = if p.routes[0].technician_id.0 == a { b } else { a };
    let r = app
        .post(
            &format!("/api/v1/visits/{first}/assign"),
            &dispatcher,
            &json!({"technician_id": other}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let refused = problem(
        app.post(
            &format!("/api/v1/day-plans/{}/apply", p.plan.id),
            &dispatcher,
            &json!({}),
        )
        .await,
        409,
        "conflict",
    )
    .await;
    assert!(refused.detail.contains("stale"), "{}", refused.detail);
    for v in &visits {
        let now = get_visit(&app, v.id).await;
        if v.id == first {
            assert_eq!(now.technician_id.map(|t| t.0), Some(other));
            assert_eq!(now.planned_arrival_at, None);
        } else {
            assert_eq!(
                (now.technician_id, now.status),
                (None, VisitStatus::Scheduled),
                "nothing of the plan was booked"
            );
        }
    }
    let after: DayPlan = app
        .ok(
            app.get(&format!("/api/v1/day-plans/{}", p.plan.id), &dispatcher).await,
            200,
        )
        .await;
    assert_eq!(after.plan.status, DayPlanStatus::Stale);
    assert!(after.plan.error.unwrap().contains(&format!("visit {first}")));
}

#[tokio::test]
async fn two_dispatchers_applying_plans_at_once_never_double_book() {
    let app = spawn_app_at(MONDAY_0900).await;
    let f = fixture(&app, "gold").await;
    let one = app.token(fieldline_mobile_api::Role::Dispatcher).await;
    let two = app.token(fieldline_mobile_api::Role::Dispatcher).await;
    technician(&app, 30.26, 120.16, json!([{"skill": "ups", "level": 3}])).await;
    technician(&app, 30.30, 120.25, json!([{"skill": "ups", "level": 3}])).await;
    for (i, place) in [(30.25, 120.17), (30.28, 120.20), (30.22, 120.14), (30.29, 120.22)]
        .into_iter()
        .enumerate()
    {
        let w = (tue(9 + i as i64, 0), tue(12 + i as i64, 0));
        visit_at(&app, &f, place, w, ("ups", 1)).await;
    }
    let p1 = plan(&app, &one, json!({"day": TUESDAY, "budget_seconds": 1})).await;
    let p2 = plan(&app, &two, json!({"day": TUESDAY, "budget_seconds": 1})).await;
    let (u1, u2, empty) = (
        format!("/api/v1/day-plans/{}/apply", p1.plan.id),
        format!("/api/v1/day-plans/{}/apply", p2.plan.id),
        json!({}),
    );
    let (r1, r2) = tokio::join!(app.post(&u1, &one, &empty), app.post(&u2, &two, &empty));
    let mut codes = [r1.status().as_u16(), r2.status().as_u16()];
    codes.sort();
    assert_eq!(codes, [200, 409]);
    // Every technician's booked stretches are apart.
    let board: Vec<fieldline_mobile_api::BoardEntry> = app
        .ok(
            app.get(&format!("/api/v1/dispatch/board?day={TUESDAY}"), &app.admin)
                .await,
            200,
        )
        .await;
    let booked: Vec<&Visit> = board
        .iter()
        .map(|e| &e.visit)
        .filter(|v| v.technician_id.is_some())
        .collect();
    assert_eq!(booked.len(), 4);
    for x in &booked {
        for y in &booked {
            if x.id != y.id && x.technician_id == y.technician_id {
                let (xs, xe) = (x.planned_arrival_at.unwrap(), x.planned_departure_at.unwrap());
                let (ys, ye) = (y.planned_arrival_at.unwrap(), y.planned_departure_at.unwrap());
                assert!(xe <= ys || ye <= xs, "double-booked: {x:?} {y:?}");
            }
        }
    }
}

#[tokio::test]
async fn replanning_keeps_the_visit_under_way_pins_and_leaves_out_as_asked() {
    // Tuesday 10:00: the plan is of today.
    let app = spawn_app_at("2026-11-24T02:00:00Z").await;
    let f = fixture(&app, "gold").await;
    let dispatcher = app.token(fieldline_mobile_api::Role::Dispatcher).await;
    let (a, a_phone) = technician(&app, 30.26, 120.16, json!([{"skill": "ups", "level": 3}])).await;
    let (b, _) = technician(&app, 30.27, 120.17, json!([{"skill": "ups", "level": 3}])).await;
    let on_site = visit_at(&app, &f, (30.25, 120.17), (tue(9, 0), tue(11, 0)), ("ups", 1)).await;
    let pinned = visit_at(&app, &f, (30.28, 120.20), (tue(13, 0), tue(16, 0)), ("ups", 1)).await;
    let left_out = visit_at(&app, &f, (30.22, 120.14), (tue(14, 0), tue(16, 0)), ("ups", 1)).await;
    let free = visit_at(&app, &f, (30.27, 120.15), (tue(12, 0), tue(16, 0)), ("ups", 1)).await;
    for (v, t) in [(&on_site, a), (&pinned, b), (&left_out, a)] {
        let r = app
            .post(
                &format!("/api/v1/visits/{}/assign", v.id),
                &dispatcher,
                &json!({"technician_id": t}),
            )
            .await;
        assert_eq!(r.status(), 200);
    }
    // Technician A is on site at the first visit.
    let mut version = get_visit(&app, on_site.id).await.version;
    for (step, body) in [
        ("accept", json!({})),
        ("en-route", json!({})),
        ("check-in", json!({"latitude": 30.25, "longitude": 120.17})),
    ] {
        let r = app
            .http
            .post(app.url(&format!("/api/v1/mobile/visits/{}/{step}", on_site.id)))
            .bearer_auth(&a_phone)
            .header("Idempotency-Key", format!("{step}-1"))
            .header("If-Match", format!("\"{version}\""))
            .json(&body)
            .send()
            .await
            .unwrap();
        let v: Visit = app.ok(r, 200).await;
        version = v.version;
    }
    let p = plan(
        &app,
        &dispatcher,
        json!({"day": TUESDAY, "budget_seconds": 1, "pinned": [pinned.id], "excluded": [left_out.id]}),
    )
    .await;
    let stops: Vec<_> = p
        .routes
        .iter()
        .flat_map(|r| {
            r.stops
                .iter()
                .filter_map(move |s| s.visit_id.map(|v| (r.technician_id.0, v)))
        })
        .collect();
    assert!(
        !stops.iter().any(|(_, v)| *v == on_site.id || *v == left_out.id),
        "{stops:?}"
    );
    assert!(
        stops.contains(&(b, pinned.id)),
        "the pinned visit stays with its technician: {stops:?}"
    );
    assert!(stops.iter().any(|(_, v)| *v == free.id));
    if let Some(route) = p.routes.iter().find(|r| r.technician_id.0 == a) {
        assert_eq!(route.starts_from, fieldline_mobile_api::RouteStart::Visit);
        assert!(route.departure_at >= tue(10, 0) + Duration::minutes(60));
    }
    assert!(
        p.routes.iter().all(|r| r.departure_at >= tue(10, 0)),
        "a plan of today starts now"
    );
    app.ok::<DayPlan>(
        app.post(
            &format!("/api/v1/day-plans/{}/apply", p.plan.id),
            &dispatcher,
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    let kept = get_visit(&app, on_site.id).await;
    assert_eq!(
        (kept.status, kept.technician_id.map(|t| t.0)),
        (VisitStatus::OnSite, Some(a))
    );
    let out = get_visit(&app, left_out.id).await;
    assert_eq!(
        (out.technician_id.map(|t| t.0), out.planned_arrival_at),
        (Some(a), None)
    );
}

#[tokio::test]
async fn a_plan_request_and_a_lunch_break_are_checked() {
    let app = spawn_app_at(MONDAY_0900).await;
    let dispatcher = app.token(fieldline_mobile_api::Role::Dispatcher).await;
    let agent = app.token(fieldline_mobile_api::Role::Agent).await;
    for (body, field) in [
        (json!({"day": "2026-11-22"}), "day"),
        (json!({"day": "2027-02-01"}), "day"),
        (json!({"day": TUESDAY, "budget_seconds": 0}), "budget_seconds"),
        (json!({"day": TUESDAY, "pinned": [5], "excluded": [5]}), "excluded"),
    ] {
        let p = problem(
            app.post("/api/v1/day-plans", &dispatcher, &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p.field.as_deref(), Some(field));
    }
    problem(
        app.post(
            "/api/v1/day-plans",
            &dispatcher,
            &json!({"day": TUESDAY, "region_id": 999}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    problem(
        app.post("/api/v1/day-plans", &agent, &json!({"day": TUESDAY})).await,
        403,
        "forbidden",
    )
    .await;
    problem(app.get("/api/v1/day-plans/999", &dispatcher).await, 404, "not_found").await;
    // With nobody on duty every visit is unplaced, and says so.
    let f = fixture(&app, "gold").await;
    let v = visit_at(&app, &f, (30.25, 120.17), (tue(9, 0), tue(11, 0)), ("ups", 1)).await;
    let p = plan(&app, &dispatcher, json!({"day": TUESDAY, "budget_seconds": 1})).await;
    assert_eq!(p.unplaced.len(), 1);
    assert_eq!(
        (p.unplaced[0].visit_id, p.unplaced[0].reason),
        (v.id, UnplacedReason::NoTechnician)
    );
    // A technician's lunch break.
    let (tech, _) = technician(&app, 30.26, 120.16, json!([])).await;
    let week: Value =
        serde_json::from_str(r#"[{"start":"08:30","end":"17:00"},null,null,null,null,null,null]"#).unwrap();
    let base = json!({"home_latitude": 30.2, "home_longitude": 120.1, "daily_capacity": 4, "week": week});
    for (lunch, field) in [
        (
            json!({"from": "12:00", "until": "11:00", "minutes": 30}),
            "lunch_break.until",
        ),
        (
            json!({"from": "12:00", "until": "12:20", "minutes": 30}),
            "lunch_break.minutes",
        ),
        (
            json!({"from": "1200", "until": "13:00", "minutes": 30}),
            "lunch_break.from",
        ),
    ] {
        let mut body = base.clone();
        body["lunch_break"] = lunch;
        let r = app.put(&format!("/api/v1/technicians/{tech}"), &app.admin, &body).await;
        assert_eq!(problem(r, 422, "validation_failed").await.field.as_deref(), Some(field));
    }
    let mut body = base.clone();
    body["lunch_break"] = json!({"from": "12:00", "until": "14:00", "minutes": 30});
    let t: fieldline_mobile_api::Technician = app
        .ok(
            app.put(&format!("/api/v1/technicians/{tech}"), &app.admin, &body).await,
            200,
        )
        .await;
    assert_eq!((t.lunch_break.from.as_str(), t.lunch_break.minutes), ("12:00", 30));
}
