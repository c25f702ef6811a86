//! The console: its files as served, and (with a browser) a dispatcher working the board, an
//! agent the ticket desk and a supervisor the service levels and report charts in headless
//! Chromium.

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

/// Where a program is on the `PATH`.
fn program(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    })
}

/// The chromedriver process, ended with the test.
struct Driver(std::process::Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn a_dispatcher_signs_in_and_assigns_the_suggested_technician_in_a_browser() {
    let (chromium, chromedriver) = match (program("chromium"), program("chromedriver")) {
        (Some(chromium), Some(chromedriver)) => (chromium, chromedriver),
        (chromium, chromedriver) => {
            let show = |p: Option<std::path::PathBuf>| p.map_or("not found".into(), |p| p.display().to_string());
            panic!(
                "the browser test needs headless Chromium and ChromeDriver on the PATH (chromium: {}, \
                 chromedriver: {}); on Debian: apt-get install chromium chromium-driver",
                show(chromium),
                show(chromedriver)
            )
        }
    };
    browser_flow(chromium, chromedriver).await;
}

/// Signs in on the console's sign-in form.
async fn sign_in(c: &fantoccini::Client, username: &str) {
    use fantoccini::Locator;
    let field = shown(c, "#signin:not([hidden]) #username").await;
    field.clear().await.unwrap();
    field.send_keys(username).await.unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(crate::helpers::USER_PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Id("signin-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// The element `css` finds, once the page shows it (waiting up to a minute).
async fn shown(c: &fantoccini::Client, css: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(std::time::Duration::from_secs(60))
        .for_element(fantoccini::Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
}

async fn browser_flow(chromium: std::path::PathBuf, chromedriver: std::path::PathBuf) {
    use fantoccini::{ClientBuilder, Locator};

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

    // chromedriver on a free port of 127.0.0.1.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _driver = Driver(
        std::process::Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({"binary": chromium, "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--window-size=1500,1000", "--no-proxy-server"]}),
    );
    let mut client = None;
    for _ in 0..100 {
        // Plain HTTP: the driver is on this machine.
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    let c = client.expect("chromedriver answers");

    c.goto(&app.url("/console/")).await.unwrap();
    sign_in(&c, &dispatcher.username).await;

    // The unassigned visit is on the board; pick it.
    let card = format!(r#"li.visit[data-visit-id="{}"]"#, visit.id);
    let unassigned = format!("{card}[data-unassigned]");
    let item = shown(&c, &unassigned).await;
    assert!(item.text().await.unwrap().contains(&number));
    shown(&c, "#map svg circle.site").await;
    item.click().await.unwrap();

    // Assign the suggested technician.
    let suggested = shown(&c, "#candidates li.candidate.suggested button.assign").await;
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
    shown(&c, &assigned).await;
    let v: Visit = app
        .ok(app.get(&format!("/api/v1/visits/{}", visit.id), &app.admin).await, 200)
        .await;
    assert_eq!(v.technician_id.map(|t| t.0), Some(best));

    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("browser-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
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
    shown(&c, &unassigned).await;

    // The agent's ticket desk: the ticket, its timeline, and an error shown by its field.
    c.find(Locator::Id("signout")).await.unwrap().click().await.unwrap();
    sign_in(&c, &agent).await;
    let row = shown(&c, "#ticket-list tr.row").await;
    assert!(row.text().await.unwrap().contains(&number));
    row.click().await.unwrap();
    let event = shown(&c, r#"#timeline li[data-kind="visit_unassigned"]"#).await;
    assert!(event.text().await.unwrap().contains("moved"));
    c.find(Locator::Css(r#"form[data-action="handoff"] button[type="submit"]"#))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let error = shown(
        &c,
        r#"form[data-action="handoff"] .field-error[data-field="to_user_id"]"#,
    )
    .await;
    assert!(!error.text().await.unwrap().is_empty());
    let png = c.screenshot().await.unwrap();
    std::fs::write(dir.join("tickets.png"), &png).unwrap();

    // The supervisor's service levels: the open ticket, on time, in the chart.
    let (supervisor, _) = app.user(Role::Supervisor).await;
    c.find(Locator::Id("signout")).await.unwrap().click().await.unwrap();
    sign_in(&c, &supervisor.username).await;
    shown(&c, r#"nav a[data-view="sla"]"#).await.click().await.unwrap();
    let bar = shown(&c, r#"#sla-chart rect.bar[data-group="onsite"]"#).await;
    assert_eq!(bar.attr("data-value").await.unwrap().as_deref(), Some("1"));

    // The service report: the last complete week at first, then this week's, with the ticket.
    shown(&c, "#sla-report:not([hidden]) #report-sla svg").await;
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
    shown(&c, &format!(r#"#sla-report[data-period="{week}"]"#)).await;
    let met = shown(&c, r#"#report-sla rect.bar[data-group="response"][data-kind="ok"]"#).await;
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

    c.close().await.unwrap();
}
