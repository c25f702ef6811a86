//! The console: its files as served, and (with a browser) a dispatcher working the board, an
//! agent the ticket desk and a supervisor the service levels and report charts in headless
//! Chromium.

use crate::browser::{artifacts, Browser};
use crate::dispatch::{technician, visit_for};
use crate::helpers::{spawn_app, TestApp};
use crate::tickets::{fixture, register};
use chrono::{Datelike, Duration, NaiveTime, Utc};
use fieldline_mobile_api::{Role, ServiceReport, Visit};
use serde_json::json;

#[tokio::test]
async fn the_console_is_served_with_its_types_policy_and_cache_headers() {
    let app = spawn_app().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = http.get(app.url("/console")).send().await.unwrap();
    assert_eq!(r.status(), 308);
    assert_eq!(r.headers()["location"], "/console/");

    let page = http.get(app.url("/console/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let h = page.headers().clone();
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("default-src 'none'") && csp.contains("connect-src 'self'"));
    assert_eq!(h["cache-control"], "no-cache");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"<script type="module" src="app.js"></script>"#));
    assert!(!html.contains("<script>"), "no inline script");

    // A page already held is answered 304.
    let again = http
        .get(app.url("/console/"))
        .header("If-None-Match", h["etag"].clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    for (file, kind, needle) in [
        ("app.js", "text/javascript", "signIn"),
        ("api.js", "text/javascript", "/api/v1"),
        ("ui.js", "text/javascript", "showError"),
        ("board.js", "text/javascript", "/dispatch/candidates"),
        ("map.js", "text/javascript", "equirectangular"),
        ("tickets.js", "text/javascript", "/timeline"),
        ("sla.js", "text/javascript", "breached: true"),
        ("chart.js", "text/javascript", "createElementNS"),
        ("report.js", "text/javascript", "/reports/service/weekly"),
        ("console.css", "text/css", ".slack-breached"),
    ] {
        let r = http.get(app.url(&format!("/console/{file}"))).send().await.unwrap();
        assert_eq!(r.status(), 200, "{file}");
        assert!(
            r.headers()["content-type"].to_str().unwrap().starts_with(kind),
            "{file}"
        );
        assert!(r.headers()["cache-control"].to_str().unwrap().contains("max-age="));
        assert!(r.headers().contains_key("etag"));
        assert!(r.text().await.unwrap().contains(needle), "{file}");
    }

    let missing = http.get(app.url("/console/nothing.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["content-type"], "application/problem+json");
}

/// An unassigned on-site visit today (or, late in the evening, tomorrow) in the business zone,
/// Asia/Shanghai: the board shows both days. With the ticket's number and the agent who owns it.
async fn open_visit(app: &TestApp) -> (Visit, String, String) {
    let f = fixture(app, "gold").await;
    let t = register(app, &f, "p1", "phone").await;
    let now = Utc::now() + Duration::minutes(10);
    let zone: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap();
    let local = now.with_timezone(&zone);
    let (start, end) = if local.time() < NaiveTime::from_hms_opt(22, 0, 0).unwrap() {
        (now, now + Duration::minutes(60))
    } else {
        let tomorrow = (local.date_naive() + Duration::days(1))
            .and_hms_opt(10, 0, 0)
            .unwrap()
            .and_local_timezone(zone)
            .unwrap()
            .with_timezone(&Utc);
        (tomorrow, tomorrow + Duration::minutes(60))
    };
    let visit = visit_for(app, &f, &t, (start, end), "ups", 2).await;
    (visit, t.number, f.agent.username)
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn a_dispatcher_signs_in_and_assigns_the_suggested_technician_in_a_browser() {
    browser_flow().await;
}

async fn browser_flow() {
    use fantoccini::Locator;

    let app = spawn_app().await;
    let (best, _) = technician(&app, 30.251, 120.151, json!([{"skill": "ups", "level": 4}])).await;
    let (_other, _) = technician(&app, 30.30, 120.25, json!([{"skill": "ups", "level": 4}])).await;
    let every_day = json!({"start": "00:00", "end": "23:59"});
    for id in [best, _other] {
        let mut t: serde_json::Value = app
            .ok(app.get(&format!("/api/v1/technicians/{id}"), &app.admin).await, 200)
            .await;
        let body = json!({"home_latitude": t["home_latitude"], "home_longitude": t["home_longitude"],
            "daily_capacity": 4, "week": vec![every_day.clone(); 7], "skills": t["skills"].take()});
        let r = app
            .http
            .put(app.url(&format!("/api/v1/technicians/{id}")))
            .bearer_auth(&app.admin)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let (visit, number, agent) = open_visit(&app).await;
    let (dispatcher, _) = app.user(Role::Dispatcher).await;

    let b = Browser::start("en").await;
    let c = &b.c;
    c.goto(&app.url("/console/")).await.unwrap();
    b.sign_in(&dispatcher.username).await;

    // The unassigned visit is on the board; pick it.
    let card = format!(r#"li.visit[data-visit-id="{}"]"#, visit.id);
    let unassigned = format!("{card}[data-unassigned]");
    let item = b.shown(&unassigned).await;
    assert!(item.text().await.unwrap().contains(&number));
    b.shown("#map svg circle.site").await;
    item.click().await.unwrap();

    // Assign the suggested technician.
    let suggested = b.shown("#candidates li.candidate.suggested button.assign").await;
    let suggested_id: i64 = suggested
        .attr("data-technician-id")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(suggested_id, best, "the nearest technician is suggested");
    suggested.click().await.unwrap();
    let assigned = format!(r#"{card}[data-technician-id="{best}"]"#);
    b.shown(&assigned).await;
    let v: Visit = app
        .ok(app.get(&format!("/api/v1/visits/{}", visit.id), &app.admin).await, 200)
        .await;
    assert_eq!(v.technician_id.map(|t| t.0), Some(best));

    let dir = artifacts();
    let png = c.screenshot().await.unwrap();
    std::fs::write(dir.join("board.png"), &png).unwrap();

    // A change made elsewhere reaches the open board.
    let other = app.token(Role::Supervisor).await;
    let r = app
        .post(
            &format!("/api/v1/visits/{}/unassign", visit.id),
            &other,
            &json!({"reason": "moved"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    b.shown(&unassigned).await;

    // The agent's ticket desk: the ticket, its timeline, and an error shown by its field.
    b.sign_in(&agent).await;
    let row = b.shown("#ticket-list tr.row").await;
    assert!(row.text().await.unwrap().contains(&number));
    row.click().await.unwrap();
    let event = b.shown(r#"#timeline li[data-kind="visit_unassigned"]"#).await;
    assert!(event.text().await.unwrap().contains("moved"));
    c.find(Locator::Css(r#"form[data-action="handoff"] button[type="submit"]"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let error = b
        .shown(r#"form[data-action="handoff"] .field-error[data-field="to_user_id"]"#)
        .await;
    assert!(!error.text().await.unwrap().is_empty());
    let png = c.screenshot().await.unwrap();
    std::fs::write(dir.join("tickets.png"), &png).unwrap();

    // The supervisor's service levels: the open ticket, on time, in the chart.
    let (supervisor, _) = app.user(Role::Supervisor).await;
    b.sign_in(&supervisor.username).await;
    b.shown(r#"nav a[data-view="sla"]"#).await.click().await.unwrap();
    let bar = b.shown(r#"#sla-chart rect.bar[data-group="onsite"]"#).await;
    assert_eq!(bar.attr("data-value").await.unwrap().as_deref(), Some("1"));

    // The service report: the last complete week at first, then this week's, with the ticket.
    b.shown("#sla-report:not([hidden]) #report-sla svg").await;
    let week = Utc::now()
        .with_timezone(&"Asia/Shanghai".parse::<chrono_tz::Tz>().unwrap())
        .iso_week();
    let week = format!("{}-W{:02}", week.year(), week.week());
    let report: ServiceReport = app
        .ok(
            app.get(&format!("/api/v1/reports/service/weekly?week={week}"), &app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(report.tickets.received, 1);
    assert_eq!(report.sla.response.met_pct, Some(100.0));
    c.find(Locator::Id("report-period"))
        .await
        .unwrap()
        .select_by_value(&format!("week:{week}"))
        .await
        .unwrap();
    b.shown(&format!(r#"#sla-report[data-period="{week}"]"#)).await;
    let met = b
        .shown(r#"#report-sla rect.bar[data-group="response"][data-kind="ok"]"#)
        .await;
    assert_eq!(met.attr("data-value").await.unwrap().as_deref(), Some("100"));
    let received = c
        .find(Locator::Css(r#"#report-figures td[data-figure="received"]"#))
        .await
        .unwrap();
    assert_eq!(received.text().await.unwrap(), "1");
    c.find(Locator::Css(r#"#report-channels rect.bar[data-bar="received"]"#))
        .await
        .unwrap();
    c.find(Locator::Css("#report-escalations rect.bar")).await.unwrap();
    let png = c.screenshot().await.unwrap();
    std::fs::write(dir.join("sla.png"), &png).unwrap();

    b.close().await;
}
