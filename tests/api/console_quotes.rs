//! The hotline agent on a ticket's page in the console (headless Chromium): the ticket's on-site
//! visit, its technician by name and the quote told to the customer, and the customer's approval
//! recorded through the page.

use crate::browser::Browser;
use crate::dispatch::{technician, visit_for};
use crate::helpers::spawn_app;
use crate::quotes::one_line;
use crate::tickets::{fixture, register};
use chrono::{Duration, Utc};
use fieldline_mobile_api::{Quote, QuoteStatus, Visit};
use serde_json::json;

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn a_hotline_agent_records_the_customers_approval_of_a_quote_in_chinese() {
    let app = spawn_app().await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p2", "phone").await;
    // Tomorrow 10:00-12:00 in Shanghai, with a technician on duty every day, booked for it.
    let zone: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap();
    let start = (Utc::now().with_timezone(&zone).date_naive() + Duration::days(1))
        .and_hms_opt(10, 0, 0)
        .unwrap()
        .and_local_timezone(zone)
        .unwrap()
        .with_timezone(&Utc);
    let visit = visit_for(&app, &f, &t, (start, start + Duration::hours(2)), "ups", 2).await;
    let (tech, _) = technician(&app, 30.251, 120.151, json!([{"skill": "ups", "level": 4}])).await;
    let every_day = json!({"start": "00:00", "end": "23:59"});
    let body = json!({"home_latitude": 30.251, "home_longitude": 120.151, "daily_capacity": 4,
        "week": vec![every_day; 7], "skills": [{"skill": "ups", "level": 4}]});
    let r = app
        .http
        .put(app.url(&format!("/api/v1/technicians/{tech}")))
        .bearer_auth(&app.admin)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let visit: Visit = app
        .ok(
            app.post(
                &format!("/api/v1/visits/{}/assign", visit.id),
                &app.admin,
                &json!({"technician_id": tech}),
            )
            .await,
            200,
        )
        .await;
    let name = visit_technician_name(&app, visit.id.0).await;
    // The quote the technician told the customer: two lines.
    let mut quote = one_line(800.0);
    quote.items.push(fieldline_mobile_api::NewQuoteItem {
        description: "工时".into(),
        quantity: 1.5,
        unit_price: 120.0,
    });
    let q: Quote = app
        .ok(
            app.post(&format!("/api/v1/visits/{}/quotes", visit.id), &f.token, &quote)
                .await,
            201,
        )
        .await;
    assert_eq!((q.status, q.amount), (QuoteStatus::Proposed, 980.0));

    let b = Browser::start("zh").await;
    b.c.goto(&app.url("/console/")).await.unwrap();
    b.sign_in(&f.agent.username).await;
    b.c.goto(&app.url(&format!("/console/#tickets/{}", t.id)))
        .await
        .unwrap();
    let item = format!(r#"#ticket-visits li.ticket-visit[data-visit-id="{}"]"#, visit.id);
    let shown = b.shown(&item).await.text().await.unwrap();
    assert!(shown.contains(&name), "the technician's name in {shown}");
    assert!(shown.contains("已派工"), "the visit's status in {shown}");
    assert!(shown.contains("待客户答复"), "the quote's status in {shown}");
    let quote_node = format!(r#"{item} .quote[data-quote-id="{}"][data-status="proposed"]"#, q.id);
    b.shown(&quote_node).await;
    b.check_texts("a ticket with a quote").await;

    // Approving with nobody named: the API's error by the field.
    let step = format!(r#"{quote_node} details[data-step="approve-quote"]"#);
    let form = format!(r#"{step} form[data-action="approve-quote"]"#);
    b.click(&format!("{step} > summary")).await;
    b.fill(&format!(r#"{form} input[name="approved_by"]"#), " ").await;
    b.click(&format!(r#"{form} button[type="submit"]"#)).await;
    b.shown(&format!(r#"{form} .field-error[data-field="approved_by"]"#))
        .await;
    b.fill(&format!(r#"{form} input[name="approved_by"]"#), "王芳").await;
    b.select(&format!(r#"{form} select[name="via"]"#), "phone").await;
    b.click(&format!(r#"{form} button[type="submit"]"#)).await;
    b.shown(&format!(
        r#"{item} .quote[data-quote-id="{}"][data-status="approved"]"#,
        q.id
    ))
    .await;
    b.check_texts("a ticket with an approved quote").await;
    b.screenshot("agent-quote").await;

    let quotes: Vec<Quote> = app
        .ok(
            app.get(&format!("/api/v1/visits/{}/quotes", visit.id), &f.token).await,
            200,
        )
        .await;
    assert_eq!(quotes[0].status, QuoteStatus::Approved);
    assert_eq!(quotes[0].answered_by.as_deref(), Some("王芳"));
    assert_eq!(quotes[0].answered_via.map(|v| v.as_str()), Some("phone"));
    assert_eq!(quotes[0].answer_recorded_by, Some(f.agent.id));
    b.close().await;
}

/// The visit's technician's name as the API gives it.
async fn visit_technician_name(app: &crate::helpers::TestApp, visit: i64) -> String {
    let v: Visit = app
        .ok(app.get(&format!("/api/v1/visits/{visit}"), &app.admin).await, 200)
        .await;
    v.technician_name.expect("the technician's name")
}
