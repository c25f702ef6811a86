//! The dispatcher's day on the console's board, in headless Chromium, once in Chinese and once
//! in English: a visit assigned from the map (its site, then the candidate), another moved to a
//! new window agreed with the customer (a field error first), a registration waiting for
//! dispatch planned into a visit; every text of the board in the page's language; the board at
//! tablet width in one column.

use crate::browser::Browser;
use crate::dispatch::{technician, visit_for};
use crate::helpers::{spawn_app, TestApp};
use crate::tickets::{fixture, register};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use fantoccini::{key::Key, Locator};
use fieldline_mobile_api::{OnsiteRequest, Page, Role, Ticket, Visit};
use serde_json::{json, Value};

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn a_dispatcher_works_the_board_in_chinese() {
    dispatcher_day("zh").await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn a_dispatcher_works_the_board_in_english() {
    dispatcher_day("en").await;
}

/// A window of an hour starting `offset` minutes from now, or tomorrow morning (with the
/// offset) late in the evening in the business zone, Asia/Shanghai: the board shows both days.
fn window(offset: i64) -> (DateTime<Utc>, DateTime<Utc>) {
    let zone: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap();
    let now = Utc::now() + Duration::minutes(10);
    let start = if now.with_timezone(&zone).time() < NaiveTime::from_hms_opt(21, 0, 0).unwrap() {
        now + Duration::minutes(offset)
    } else {
        (now.with_timezone(&zone).date_naive() + Duration::days(1))
            .and_hms_opt(9, 0, 0)
            .unwrap()
            .and_local_timezone(zone)
            .unwrap()
            .with_timezone(&Utc)
            + Duration::minutes(offset)
    };
    (start, start + Duration::minutes(60))
}

/// A technician with the skill who works around the clock every day, so the test passes at any
/// hour.
async fn always_on(app: &TestApp, lat: f64, lon: f64) -> (i64, String) {
    let (id, token) = technician(app, lat, lon, json!([{"skill": "ups", "level": 4}])).await;
    let every_day = json!({"start": "00:00", "end": "23:59"});
    let body = json!({"home_latitude": lat, "home_longitude": lon, "daily_capacity": 6,
        "week": vec![every_day; 7], "skills": [{"skill": "ups", "level": 4}]});
    let r = app
        .http
        .put(app.url(&format!("/api/v1/technicians/{id}")))
        .bearer_auth(&app.admin)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    (id, token)
}

/// The technician's phone sends where it is now.
async fn ping(app: &TestApp, token: &str, lat: f64, lon: f64) {
    let body = json!({"pings": [{"at": Utc::now() - Duration::seconds(30), "latitude": lat, "longitude": lon, "accuracy_m": 10.0}]});
    let r = app
        .http
        .post(app.url("/api/v1/mobile/pings"))
        .bearer_auth(token)
        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

async fn visit(app: &TestApp, id: i64) -> Visit {
    app.ok(app.get(&format!("/api/v1/visits/{id}"), &app.admin).await, 200)
        .await
}

/// The id of the element the page has the focus on, as the attribute `attr` says.
async fn focused(b: &Browser, attr: &str) -> Option<String> {
    let v =
        b.c.execute(
            "return document.activeElement && document.activeElement.getAttribute(arguments[0]);",
            vec![json!(attr)],
        )
        .await
        .unwrap();
    v.as_str().map(str::to_string)
}

async fn dispatcher_day(lang: &'static str) {
    let app = spawn_app().await;
    // The nearest technician has a position from the phone; the other is at home.
    let (near, near_token) = always_on(&app, 30.26, 120.16).await;
    let (_far, _) = always_on(&app, 30.31, 120.26).await;
    ping(&app, &near_token, 30.252, 120.152).await;

    // Two visits not booked yet, and a registration waiting for dispatch.
    let f = fixture(&app, "gold").await;
    let t1 = register(&app, &f, "p2", "phone").await;
    let to_assign = visit_for(&app, &f, &t1, window(0), "ups", 2).await;
    let t2 = register(&app, &f, "p1", "phone").await;
    let to_move = visit_for(&app, &f, &t2, window(90), "ups", 2).await;
    let t3: Ticket = register(&app, &f, "p1", "email").await;
    let (start, end) = window(180);
    let body = json!({"to": "onsite", "reason": "needs hands on site", "window_start": start, "window_end": end});
    let r = app
        .post(&format!("/api/v1/tickets/{}/escalate", t3.id), &f.token, &body)
        .await;
    assert_eq!(r.status(), 200);
    let waiting: Page<OnsiteRequest> = app
        .ok(
            app.get(&format!("/api/v1/onsite-requests?ticket_id={}", t3.id), &app.admin)
                .await,
            200,
        )
        .await;
    let waiting = waiting.items[0].id;
    let waiting_id = waiting.0;
    let (dispatcher, _) = app.user(Role::Dispatcher).await;

    let b = Browser::start(lang).await;
    let c = &b.c;
    c.goto(&app.url("/console/")).await.unwrap();
    b.sign_in(&dispatcher.username).await;

    // The board: the waiting registration, the visits on the map and in the lists, the
    // technicians on the map (the one without a position hollow, at home).
    let queued = format!(r#"#waiting li.waiting[data-request-id="{waiting_id}"]"#);
    assert!(b.shown(&queued).await.text().await.unwrap().contains(&t3.number));
    let card = |id: i64| format!(r#"li.visit[data-visit-id="{id}"]"#);
    b.shown(&format!("{}[data-unassigned]", card(to_assign.id.0))).await;
    b.shown(&format!("{}[data-unassigned]", card(to_move.id.0))).await;
    let mark = format!(r#"#map g.site.unassigned[data-visit-id="{}"]"#, to_assign.id.0);
    b.shown(&mark).await;
    b.shown(&format!(r#"#map g.tech:not(.home)[data-technician-id="{near}"]"#))
        .await;
    b.shown(&format!(r#"#map g.tech.home[data-technician-id="{_far}"]"#))
        .await;
    // In each region of a day the unassigned visits come first, soonest SLA due first.
    let order = c
        .execute(
            "return [...document.querySelectorAll('#view-board .day ul')].map((ul) => \
               [...ul.children].map((li) => [li.dataset.unassigned === 'true', li.dataset.due]));",
            vec![],
        )
        .await
        .unwrap();
    let order: Vec<Vec<(bool, String)>> = serde_json::from_value(order).unwrap();
    assert!(order.iter().flatten().filter(|(u, _)| *u).count() >= 2, "{order:?}");
    for list in &order {
        let unassigned: Vec<&String> = list.iter().take_while(|(u, _)| *u).map(|(_, d)| d).collect();
        assert!(list[unassigned.len()..].iter().all(|(u, _)| !u), "{order:?}");
        assert!(unassigned.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
    }
    b.check_texts("board").await;

    // Assign from the map: the visit's site, then the nearest candidate on the map, whose
    // Assign button gets the focus; Enter books them.
    b.click(&mark).await;
    b.shown(&format!("{}.selected", card(to_assign.id.0))).await;
    b.shown("#candidates li.candidate.suggested button.assign").await;
    b.click(&format!(r#"#map g.tech.candidate[data-technician-id="{near}"]"#))
        .await;
    b.shown(&format!(
        r#"#candidates li.candidate.picked[data-technician-id="{near}"]"#
    ))
    .await;
    assert_eq!(
        focused(&b, "data-technician-id").await.as_deref(),
        Some(near.to_string().as_str())
    );
    b.check_texts("board with a visit selected").await;
    b.screenshot("board-map").await;
    c.active_element()
        .await
        .unwrap()
        .send_keys(&Key::Enter.to_string())
        .await
        .unwrap();
    b.shown(&format!(r#"{}[data-technician-id="{near}"]"#, card(to_assign.id.0)))
        .await;
    assert_eq!(visit(&app, to_assign.id.0).await.technician_id.map(|t| t.0), Some(near));

    // Reschedule the other visit by keyboard: its card, then the form; without the customer's
    // contact the API's error is shown by the field.
    let other = b.shown(&card(to_move.id.0)).await;
    other.send_keys(&Key::Enter.to_string()).await.unwrap();
    b.shown(&format!("{}.selected", card(to_move.id.0))).await;
    b.shown(&format!(
        r#"#visit-panel[data-visit-id="{}"] #candidates"#,
        to_move.id.0
    ))
    .await;
    b.click("#reschedule summary").await;
    let moved_start = to_move.window_start + Duration::hours(24);
    let set_local = r#"
        const [id, iso] = arguments;
        const d = new Date(iso);
        const p = (n) => String(n).padStart(2, '0');
        document.getElementById(id).value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
    "#;
    for (id, at) in [
        ("reschedule-start", moved_start),
        ("reschedule-end", moved_start + Duration::minutes(90)),
    ] {
        c.execute(set_local, vec![json!(id), json!(at.to_rfc3339())])
            .await
            .unwrap();
    }
    b.fill("#reschedule-agreed-with", " ").await;
    b.click("#reschedule-submit").await;
    let error = b
        .shown(r#"#reschedule-form .field-error[data-field="agreed_with"]"#)
        .await;
    assert!(!error.text().await.unwrap().is_empty());
    b.check_texts("board with a field error").await;
    let contact = if lang == "zh" { "张女士" } else { "Ms Zhang" };
    b.fill("#reschedule-agreed-with", contact).await;
    b.select("#reschedule-agreed-via", "phone").await;
    b.fill(
        "#reschedule-reason",
        if lang == "zh" {
            "客户要求改到明天"
        } else {
            "the customer asked for tomorrow"
        },
    )
    .await;
    b.screenshot("board-reschedule").await;
    b.click("#reschedule-submit").await;
    b.shown(&format!(
        r#"#visit-panel[data-visit-id="{}"][data-version="{}"]"#,
        to_move.id.0,
        to_move.version + 1
    ))
    .await;
    let moved = visit(&app, to_move.id.0).await;
    assert_eq!(moved.window_start.timestamp() / 60, moved_start.timestamp() / 60);
    assert_eq!(moved.window_agreed_with.as_deref(), Some(contact));
    // The moved visit stays selected, on its new day.
    b.shown(&format!("{}.selected", card(to_move.id.0))).await;

    // Plan a visit from the waiting queue; it is shown on the board, selected.
    b.click(&format!("{queued} button.plan-open")).await;
    b.fill(&format!("{queued} form.plan input[name=required_skill]"), "ups")
        .await;
    b.select(&format!("{queued} form.plan select[name=required_level]"), "3")
        .await;
    b.click(&format!("{queued} form.plan button[type=submit]")).await;
    let planned = b
        .shown(&format!(
            r#"li.visit.selected[data-unassigned]:not([data-visit-id="{}"]):not([data-visit-id="{}"])"#,
            to_assign.id.0, to_move.id.0
        ))
        .await;
    let planned: i64 = planned.attr("data-visit-id").await.unwrap().unwrap().parse().unwrap();
    assert!(![to_assign.id.0, to_move.id.0].contains(&planned));
    let v = visit(&app, planned).await;
    assert_eq!(v.onsite_request_id, Some(waiting));
    assert_eq!((v.required_skill.as_deref(), v.required_level), (Some("ups"), 3));
    assert!(c.find(Locator::Css(&queued)).await.is_err(), "no longer waiting");
    b.shown("#candidates").await;
    b.check_texts("board after planning").await;

    // At tablet width the board is one column, the map under the lists.
    c.set_window_size(820, 1180).await.unwrap();
    let columns: Value = c
        .execute(
            "return getComputedStyle(document.querySelector('#view-board .board')).gridTemplateColumns.split(' ').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(columns, json!(1));
    b.screenshot("board-tablet").await;
    b.close().await;
}
