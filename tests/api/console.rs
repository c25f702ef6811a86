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
        ("i18n.js", "text/javascript", "errorText"),
        ("lookup.js", "text/javascript", "/customers/lookup"),
        ("call.js", "text/javascript", "/tickets/preview"),
        ("inbox.js", "text/javascript", "/notifications"),
        ("sla.js", "text/javascript", "breached: true"),
        ("chart.js", "text/javascript", "createElementNS"),
        ("report.js", "text/javascript", "/reports/service/weekly"),
        ("admin.js", "text/javascript", "/tickets/preview"),
        ("admin_ops.js", "text/javascript", "/outbox/"),
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
    b.shown("#map svg g.site").await;
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
    step(&b, "handoff").await;
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

/// The API's view of a ticket.
async fn ticket(app: &TestApp, id: i64) -> serde_json::Value {
    app.ok(app.get(&format!("/api/v1/tickets/{id}"), &app.admin).await, 200)
        .await
}

/// Opens a ticket's step and submits its form as it is filled.
async fn step(b: &Browser, action: &str) {
    let step = format!(r#"#ticket-actions details[data-step="{action}"]"#);
    b.click(&format!("{step} > summary")).await;
    b.click(&format!(r#"{step} button[type="submit"]"#)).await;
}

/// The hotline agent's day in `lang`: registers a call found by the contact's phone number,
/// promises a callback, records the customer's authorization, escalates to remote and then
/// on-site, and finds the ticket among the callbacks due.
async fn hotline_agent(lang: &'static str) {
    let app = spawn_app().await;
    let f = fixture(&app, "gold").await;
    let b = Browser::start(lang).await;
    b.c.goto(&app.url("/console/")).await.unwrap();
    b.sign_in(&f.agent.username).await;

    // The desk opens on the agent's own open tickets: none yet.
    b.shown(r#"#desk-presets button[data-preset="mine"][aria-selected="true"]"#)
        .await;
    b.shown("#ticket-list tbody").await;
    b.check_texts("the ticket desk").await;

    // A call: the customer found by part of the contact's phone number (+86 571 8765 4321).
    b.click(r#"nav a[data-view="call"]"#).await;
    b.fill("#call-customer", "8765 4321").await;
    b.click(&format!(
        r#"#call-form li.match[data-customer-id="{}"][data-matched-on="phone"]"#,
        f.customer
    ))
    .await;
    // The contact, the only site and asset are picked; the asset's warranty and the due times show.
    b.shown(&format!(r#"#call-contact option[value="{}"]:checked"#, f.contact))
        .await;
    b.shown(&format!(r#"#call-asset option[value="{}"]:checked"#, f.asset))
        .await;
    b.shown("#call-warranty[data-warranty]").await;
    b.shown(r#"#call-dues li[data-due="resolution_due_at"]"#).await;
    b.select(r#"#call-form select[name="priority"]"#, "p2").await;
    b.fill(r#"#call-form input[name="title"]"#, "UPS 旁路告警").await;
    b.fill(
        r#"#call-form textarea[name="description"]"#,
        "UPS 今早切换到旁路，整流器报警。",
    )
    .await;
    b.check_texts("the call form").await;
    b.screenshot("agent-call").await;
    b.click("#call-submit").await;

    // The new ticket opens.
    let status = b.shown(r#"#ticket-detail p[data-status="new"]"#).await;
    drop(status);
    let page: serde_json::Value = app
        .ok(
            app.get(&format!("/api/v1/tickets?customer_id={}", f.customer), &app.admin)
                .await,
            200,
        )
        .await;
    let id = page["items"][0]["id"].as_i64().unwrap();
    assert_eq!(page["items"][0]["priority"], "p2");
    assert_eq!(page["items"][0]["asset_id"], f.asset);
    assert_eq!(page["items"][0]["contact_id"], f.contact);

    // A callback promised, the authorization recorded, then remote, then on-site.
    step(&b, "callback").await;
    b.shown(r#"#timeline li[data-kind="callback_requested"]"#).await;
    step(&b, "authorizations").await;
    b.shown(r#"#timeline li[data-kind="authorization"]"#).await;
    step(&b, "escalate").await;
    b.shown(r#"#ticket-detail p[data-tier="remote"]"#).await;
    // A hand-off without a colleague: the error shows by its field.
    step(&b, "handoff").await;
    b.shown(r#"form[data-action="handoff"] .field-error[data-field="to_user_id"]"#)
        .await;
    // On-site: the window the form offers (tomorrow morning).
    b.click(r#"#ticket-actions details[data-step="escalate"] > summary"#)
        .await;
    b.select(
        r#"#ticket-actions details[data-step="escalate"] select[name="to"]"#,
        "onsite",
    )
    .await;
    b.click(r#"#ticket-actions details[data-step="escalate"] button[type="submit"]"#)
        .await;
    b.shown(r#"#ticket-detail p[data-tier="onsite"]"#).await;
    b.shown(r#"#timeline li[data-kind="onsite_requested"]"#).await;
    b.check_texts("a ticket").await;
    b.screenshot("agent-ticket").await;

    let t = ticket(&app, id).await;
    assert_eq!(t["ladder_tier"], "onsite");
    assert_eq!(t["remote_authorized"], true);
    assert!(t["callback_due_at"].is_string() && t["callback_done_at"].is_null());

    // The callbacks due: the ticket is there.
    b.click(r#"#desk-presets button[data-preset="callbacks"]"#).await;
    b.shown(&format!(r#"#ticket-list tr.row[data-ticket-id="{id}"]"#)).await;
    b.check_texts("the callbacks due").await;
    b.close().await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn a_hotline_agent_registers_a_call_and_climbs_the_ladder_in_chinese() {
    hotline_agent("zh").await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn a_hotline_agent_registers_a_call_and_climbs_the_ladder_in_english() {
    hotline_agent("en").await;
}

/// A ticket on the remote tier, its customer's authorization on record; with the agent's token.
async fn on_remote(app: &TestApp) -> (i64, String) {
    let f = fixture(app, "silver").await;
    let t = register(app, &f, "p2", "phone").await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{}/authorizations", t.id.0),
            &f.token,
            &json!({"authorized_by": "王芳", "method": "phone"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .post(
            &format!("/api/v1/tickets/{}/escalate", t.id.0),
            &f.token,
            &json!({"to": "remote"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    (t.id.0, f.token)
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn a_remote_engineer_resolves_a_ticket_from_the_remote_queue() {
    let app = spawn_app().await;
    let (id, agent) = on_remote(&app).await;
    let (engineer, _) = app.user(Role::RemoteEngineer).await;
    // The agent gave the ticket to the remote engineer to work.
    let r = app
        .post(
            &format!("/api/v1/tickets/{id}/assign"),
            &agent,
            &json!({"assignee_id": engineer.id, "reason": "远程处理"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let b = Browser::start("zh").await;
    b.c.goto(&app.url("/console/")).await.unwrap();
    b.sign_in(&engineer.username).await;
    b.shown(r#"#desk-presets button[data-preset="assigned"][aria-selected="true"]"#)
        .await;
    b.click(&format!(r#"#ticket-list tr.row[data-ticket-id="{id}"]"#)).await;
    b.click(r#"#ticket-actions details[data-step="resolve"] > summary"#)
        .await;
    b.fill(
        r#"#ticket-actions form[data-action="resolve"] input[name="reason"]"#,
        "远程重启整流模块后恢复",
    )
    .await;
    b.click(r#"#ticket-actions form[data-action="resolve"] button[type="submit"]"#)
        .await;
    b.shown(r#"#ticket-detail p[data-status="resolved"]"#).await;
    b.check_texts("a resolved ticket").await;
    b.screenshot("remote-resolved").await;
    let t = ticket(&app, id).await;
    assert_eq!(t["status"], "resolved");
    b.close().await;
}

/// Every page of the console, with every step's form open, in `lang`: no text outside the
/// catalogue of the language.
async fn every_page(lang: &'static str) {
    let app = spawn_app().await;
    let (id, _) = on_remote(&app).await;
    let _ = open_visit(&app).await;
    let (supervisor, _) = app.user(Role::Supervisor).await;
    let b = Browser::start(lang).await;
    b.c.goto(&app.url("/console/")).await.unwrap();
    b.check_texts("the sign-in page").await;
    b.sign_in(&supervisor.username).await;

    b.shown("#ticket-list tbody tr.row").await;
    b.check_texts("the ticket desk").await;
    b.c.goto(&app.url(&format!("/console/#tickets/{id}"))).await.unwrap();
    b.shown("#ticket-actions").await;
    b.c.execute(
        "for (const d of document.querySelectorAll('details')) d.open = true;",
        vec![],
    )
    .await
    .unwrap();
    b.check_texts("a ticket with every step open").await;

    b.click(r#"nav a[data-view="call"]"#).await;
    b.shown("#call-side h2").await;
    b.check_texts("the call form").await;

    b.click(r#"nav a[data-view="board"]"#).await;
    b.shown("#board-updated[data-refreshes]").await;
    b.shown("#map svg").await;
    b.check_texts("the dispatch board").await;

    b.click(r#"nav a[data-view="sla"]"#).await;
    b.shown("#sla-chart svg").await;
    b.shown("#sla-report:not([hidden]) #report-sla svg").await;
    b.check_texts("the service levels").await;

    b.click("#inbox-link").await;
    b.shown("#inbox-list li").await;
    b.check_texts("the notifications").await;

    // At a tablet's width, nothing runs off the side: the desk, a ticket, the call form and the
    // board fit.
    b.c.set_window_size(820, 1100).await.unwrap();
    for (view, ready) in [
        ("tickets", "#ticket-list tbody tr.row"),
        (&*format!("tickets/{id}"), "#ticket-actions"),
        ("call", "#call-side h2"),
        ("board", "#map svg"),
    ] {
        b.c.goto(&app.url(&format!("/console/#{view}"))).await.unwrap();
        b.shown(ready).await;
        let overflow =
            b.c.execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            overflow.as_i64().unwrap() <= 0,
            "#{view} is wider than a tablet by {overflow} px"
        );
    }
    b.screenshot("tablet-board").await;
    b.close().await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn every_page_speaks_chinese_from_its_catalogue() {
    every_page("zh").await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn every_page_speaks_english_from_its_catalogue() {
    every_page("en").await;
}
