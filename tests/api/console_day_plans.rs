//! Day plans in the console (headless Chromium), in Chinese and in English: a dispatcher asks the
//! routes of tomorrow for two technicians and a few visits, reads each route in order by ticket
//! number (a visit nobody has the skill for listed with the reason), leaves a visit out and plans
//! again, applies the plan (the visits are booked, the left-out one not), pins a booked visit and
//! plans again, and reads a plan gone stale refused with the offer to plan again.

use crate::browser::Browser;
use crate::day_plans::visit_at;
use crate::dispatch::technician;
use crate::helpers::{spawn_app_at, TestApp};
use crate::tickets::{at, fixture};
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{DayPlan, DayPlanStatus, Role, StopKind, Visit, VisitStatus};
use serde_json::{json, Value};

/// Monday 2026-11-23 09:00 in Shanghai; the plans are of Tuesday.
const MONDAY_0900: &str = "2026-11-23T01:00:00Z";
const TUESDAY: &str = "2026-11-24";

/// A local time of Tuesday 2026-11-24 in Shanghai (UTC+8).
fn tue(h: i64) -> DateTime<Utc> {
    at("2026-11-23T16:00:00Z") + Duration::hours(h)
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn console_day_plans_a_dispatcher_plans_and_applies_tomorrow_in_chinese() {
    day_plan("zh").await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn console_day_plans_a_dispatcher_plans_and_applies_tomorrow_in_english() {
    day_plan("en").await;
}

async fn get_plan(app: &TestApp, id: &str) -> DayPlan {
    app.ok(app.get(&format!("/api/v1/day-plans/{id}"), &app.admin).await, 200)
        .await
}

async fn get_visit(app: &TestApp, id: impl std::fmt::Display) -> Visit {
    app.ok(app.get(&format!("/api/v1/visits/{id}"), &app.admin).await, 200)
        .await
}

/// The shown plan's id, once it is `status`.
async fn shown_plan(b: &Browser, status: &str, not: Option<&str>) -> String {
    let css = match not {
        Some(old) => format!(r#"#plans-plan[data-status="{status}"]:not([data-plan-id="{old}"])"#),
        None => format!(r#"#plans-plan[data-status="{status}"]"#),
    };
    let box_ = b.shown(&css).await;
    box_.attr("data-plan-id").await.unwrap().expect("the plan's id")
}

/// Each route on the page: its technician and its visits in order (id, ticket cell, row text).
async fn routes_on_page(b: &Browser) -> Vec<(i64, Vec<(i64, String, String)>)> {
    let out =
        b.c.execute(
            "return [...document.querySelectorAll('table.plan-route')].map((t) => [Number(t.dataset.technicianId),
               [...t.querySelectorAll('tbody tr.stop')].map((r) => [Number(r.dataset.visitId),
                 r.querySelector('td.ticket').textContent, r.textContent])]);",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(out).unwrap()
}

/// A screenshot of the whole page (a taller window for it, then the usual one again).
async fn picture(b: &Browser, name: &str) {
    b.c.set_window_size(1500, 1900).await.unwrap();
    b.screenshot(name).await;
    b.c.set_window_size(1500, 1000).await.unwrap();
}

async fn day_plan(lang: &'static str) {
    let app = spawn_app_at(MONDAY_0900).await;
    let f = fixture(&app, "gold").await;
    let (dispatcher, _) = app.user(Role::Dispatcher).await;
    let (a, _) = technician(&app, 30.26, 120.16, json!([{"skill": "ups", "level": 3}])).await;
    let (b, _) = technician(&app, 30.30, 120.25, json!([{"skill": "ups", "level": 3}])).await;
    let mut visits = Vec::new();
    for (place, (from, to)) in [
        ((30.25, 120.17), (9, 11)),
        ((30.28, 120.20), (10, 12)),
        ((30.22, 120.14), (13, 15)),
        ((30.31, 120.24), (9, 12)),
        ((30.27, 120.15), (11, 14)),
    ] {
        visits.push(visit_at(&app, &f, place, (tue(from), tue(to)), ("ups", 2)).await);
    }
    let expert = visit_at(&app, &f, (30.26, 120.18), (tue(9), tue(17)), ("ups", 5)).await;

    let br = Browser::start(lang).await;
    br.c.goto(&app.url(&format!("/console/#plans/{TUESDAY}")))
        .await
        .unwrap();
    br.sign_in(&dispatcher.username).await;
    br.shown(r#"nav a[data-view="plans"].current"#).await;
    br.shown("#plans-list tbody tr").await;
    br.check_texts("the day plans, none yet").await;
    br.fill("#plans-budget", "2").await;
    br.click("#plans-submit").await;
    let first = shown_plan(&br, "ready", None).await;
    let plan = get_plan(&app, &first).await;
    assert_eq!(plan.plan.status, DayPlanStatus::Ready);
    assert_eq!(plan.plan.visits_planned, 5, "{plan:#?}");

    // Each route as the API has it: in order, by ticket number and customer, never an id.
    let page = routes_on_page(&br).await;
    assert_eq!(page.len(), plan.routes.len());
    for route in &plan.routes {
        let (_, rows) = page
            .iter()
            .find(|(t, _)| *t == route.technician_id.0)
            .unwrap_or_else(|| panic!("{}'s route is shown", route.technician_name));
        let stops: Vec<_> = route.stops.iter().filter(|s| s.kind == StopKind::Visit).collect();
        assert_eq!(
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            stops.iter().map(|s| s.visit_id.unwrap().0).collect::<Vec<_>>(),
            "the route in order"
        );
        for (row, stop) in rows.iter().zip(&stops) {
            assert_eq!(Some(row.1.trim()), stop.ticket_number.as_deref());
            assert!(row.2.contains(stop.customer_name.as_deref().unwrap()), "{}", row.2);
        }
        if route.stops.iter().any(|s| s.kind == StopKind::Break) {
            br.shown(&format!(
                r#"table.plan-route[data-technician-id="{}"] tr.break"#,
                route.technician_id.0
            ))
            .await;
        }
    }
    br.shown(&format!(
        r#"#plans-unplaced tr[data-visit-id="{}"][data-reason="skill"]"#,
        expert.id
    ))
    .await;
    br.shown(r#"#plans-map svg g.route circle.stop"#).await;
    br.check_texts("a ready plan").await;
    picture(&br, "day-plan").await;

    // Leave the first route's first visit out and plan again.
    let out = page[0].1[0].0;
    br.click(&format!(r#"#plans-routes input.exclude[data-visit-id="{out}"]"#))
        .await;
    br.click("#plans-again").await;
    let second = shown_plan(&br, "ready", Some(&first)).await;
    let plan = get_plan(&app, &second).await;
    assert_eq!(plan.excluded.iter().map(|v| v.0).collect::<Vec<_>>(), vec![out]);
    assert_eq!(plan.plan.visits_planned, 4);
    br.shown(&format!(
        r#"#plans-left-out li[data-visit-id="{out}"] input.exclude:checked"#
    ))
    .await;
    assert!(routes_on_page(&br)
        .await
        .iter()
        .all(|(_, rows)| rows.iter().all(|r| r.0 != out)));
    br.shown(&format!(r#"#plans-list tr[data-plan-id="{first}"]"#)).await;

    // Apply, after the confirmation: every planned visit is booked as shown.
    br.click("#plans-apply").await;
    br.click("#plans-apply-yes").await;
    br.shown(r#"#plans-plan[data-status="applied"] #plans-result .applied"#)
        .await;
    br.check_texts("an applied plan").await;
    picture(&br, "day-plan-applied").await;
    for route in &plan.routes {
        for s in route.stops.iter().filter(|s| s.kind == StopKind::Visit) {
            let v = get_visit(&app, s.visit_id.unwrap()).await;
            assert_eq!(
                (v.technician_id, v.status, v.route_position),
                (Some(route.technician_id), VisitStatus::Assigned, Some(s.position))
            );
        }
    }
    assert_eq!(
        get_visit(&app, out).await.technician_id,
        None,
        "the left-out visit is not booked"
    );
    assert!([a, b]
        .iter()
        .all(|t| plan.routes.iter().any(|r| r.technician_id.0 == *t)));

    // A booked visit pinned to its technician stays with them in the next plan.
    let (keep, keeper) = {
        let r = &plan.routes[0];
        let s = r.stops.iter().find(|s| s.kind == StopKind::Visit).unwrap();
        (s.visit_id.unwrap().0, r.technician_id.0)
    };
    br.click(&format!(
        r#"table.plan-route[data-technician-id="{keeper}"] input.pin[data-visit-id="{keep}"]:not([disabled])"#
    ))
    .await;
    br.click("#plans-again").await;
    let third = shown_plan(&br, "ready", Some(&second)).await;
    let plan = get_plan(&app, &third).await;
    assert_eq!(plan.pinned.iter().map(|v| v.0).collect::<Vec<_>>(), vec![keep]);
    let route = plan.routes.iter().find(|r| r.technician_id.0 == keeper).unwrap();
    assert!(route
        .stops
        .iter()
        .any(|s| s.visit_id.map(|v| v.0) == Some(keep) && s.pinned));
    br.shown(&format!(
        r#"table.plan-route[data-technician-id="{keeper}"] tr.stop.pinned[data-visit-id="{keep}"]"#
    ))
    .await;

    // A visit changes meanwhile: applying is refused, nothing is booked, and the page says why.
    let moved = plan
        .routes
        .iter()
        .flat_map(|r| r.stops.iter())
        .find_map(|s| s.visit_id.filter(|v| v.0 != keep))
        .unwrap();
    let r = app
        .post(
            &format!("/api/v1/visits/{moved}/unassign"),
            &app.admin,
            &json!({"reason": "the customer asked for another day"}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    br.click("#plans-apply").await;
    br.click("#plans-apply-yes").await;
    br.shown(r#"#plans-plan[data-status="stale"] #plans-result [data-code="stale"] #plans-stale-again"#)
        .await;
    br.check_texts("a stale plan").await;
    let plan = get_plan(&app, &third).await;
    assert_eq!(plan.plan.status, DayPlanStatus::Stale);
    assert_eq!(get_visit(&app, moved).await.technician_id, None, "nothing booked");
    br.click("#plans-stale-again").await;
    shown_plan(&br, "ready", Some(&third)).await;
    let list: Value = app
        .ok(
            app.get(&format!("/api/v1/day-plans?day={TUESDAY}"), &app.admin).await,
            200,
        )
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 4);

    // A manager reads the plans: no form to plan, no boxes, no buttons.
    let (manager, _) = app.user(Role::Manager).await;
    br.sign_in(&manager.username).await;
    br.c.goto(&app.url(&format!("/console/#plans/{second}"))).await.unwrap();
    br.shown(&format!(
        r#"#plans-plan[data-status="applied"][data-plan-id="{second}"] table.plan-route tr.stop"#
    ))
    .await;
    for absent in ["#plans-submit", "#plans-plan input", "#plans-again", "#plans-apply"] {
        assert!(br.c.find(fantoccini::Locator::Css(absent)).await.is_err(), "{absent}");
    }
    br.check_texts("a plan read by a manager").await;
    br.close().await;
}
