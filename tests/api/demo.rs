//! The demo data set's live day (`fieldline demo`), loaded into the test's database: what the
//! demo users find through the API on their first sign-in.

use crate::helpers::{spawn_app, TestApp};
use chrono::{Datelike, Duration, Utc};
use fieldline::seed::demo::{load_with_password, DEFAULT_DEMO_PASSWORD};
use serde_json::Value;

async fn signed_in(app: &TestApp, username: &str) -> String {
    app.login(username, DEFAULT_DEMO_PASSWORD).await.access_token
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    app.ok(app.get(path, token).await, 200).await
}

fn iso_week(d: chrono::NaiveDate) -> String {
    let w = d.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

#[tokio::test]
async fn the_demo_users_find_a_working_day_on_their_first_sign_in() {
    let app = spawn_app().await;
    let (url, settings) = (app.settings.database_url.clone(), app.settings.clone());
    let summary =
        tokio::task::spawn_blocking(move || load_with_password(&url, &settings, DEFAULT_DEMO_PASSWORD, false))
            .await
            .unwrap()
            .expect("the demo loads");
    assert!(summary.contains("The live day"), "{summary}");

    // The dispatcher's board: today's visits, one at least waiting for a technician.
    let dispatcher = signed_in(&app, "sun.hao").await;
    let board = get(&app, &dispatcher, "/api/v1/dispatch/board").await;
    let board = board.as_array().expect("the board is a list");
    assert!(board.len() >= 2, "{board:?}");
    assert!(board.iter().any(|e| e["visit"]["technician_id"].is_null()), "{board:?}");
    assert!(
        board.iter().any(|e| !e["visit"]["technician_id"].is_null()),
        "{board:?}"
    );
    let tomorrow = (Utc::now() + Duration::days(1))
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let later = get(&app, &dispatcher, &format!("/api/v1/dispatch/board?day={tomorrow}")).await;
    assert!(!later.as_array().unwrap().is_empty(), "visits tomorrow: {later}");
    let technicians = get(&app, &dispatcher, "/api/v1/technicians?limit=50").await;
    assert!(technicians.to_string().contains("last_ping_at"), "{technicians}");

    // The hotline agent's desk: open tickets on every tier, breached and waiting ones among them.
    let agent = signed_in(&app, "wang.fang").await;
    let desk = get(&app, &agent, "/api/v1/tickets?open=true&limit=100").await;
    let items = desk["items"].as_array().unwrap();
    for tier in ["hotline", "remote", "onsite"] {
        assert!(
            items.iter().any(|t| t["ladder_tier"] == tier),
            "no open ticket on {tier}"
        );
    }
    for status in ["new", "in_progress", "waiting_on_customer", "resolved"] {
        assert!(items.iter().any(|t| t["status"] == status), "no {status} ticket");
    }
    assert!(items.iter().any(|t| t["breached"] == true));
    assert!(
        items.iter().any(|t| !t["callback_due_at"].is_null()),
        "a callback promised"
    );
    assert!(
        items
            .iter()
            .all(|t| t["title"].as_str().unwrap().chars().any(|c| c > '\u{2e80}')),
        "titles in Chinese"
    );

    // The supervisor's service levels: breached, at risk, an open major fault.
    let supervisor = signed_in(&app, "huang.jun").await;
    let breached = get(&app, &supervisor, "/api/v1/tickets?open=true&breached=true").await;
    assert!(breached["total"].as_i64().unwrap() > 0, "{breached}");
    let soon = (Utc::now() + Duration::hours(2)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let at_risk = get(
        &app,
        &supervisor,
        &format!("/api/v1/tickets?open=true&breached=false&due_before={soon}"),
    )
    .await;
    assert!(at_risk["total"].as_i64().unwrap() > 0, "{at_risk}");
    let faults = get(&app, &supervisor, "/api/v1/major-faults?open=true").await;
    assert!(faults["total"].as_i64().unwrap() > 0, "{faults}");

    // A fault analysis report waiting for review, revisits due this week, upcoming inspections.
    let reports = get(&app, &supervisor, "/api/v1/fault-reports").await;
    assert!(
        reports["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["status"] == "submitted"),
        "{reports}"
    );
    let today = Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    let week_end = today + Duration::days(6);
    let revisits = get(
        &app,
        &supervisor,
        &format!("/api/v1/revisits?status=due&due_by={week_end}"),
    )
    .await;
    assert!(revisits["total"].as_i64().unwrap() > 0, "{revisits}");
    let inspections = get(&app, &supervisor, "/api/v1/inspections").await;
    assert!(inspections["total"].as_i64().unwrap() > 0, "{inspections}");

    // Last week's and this week's service reports have closed tickets and survey answers.
    let manager = signed_in(&app, "lin.tao").await;
    let (mut closed, mut answers) = (0, 0);
    for day in [today - Duration::days(7), today] {
        let r = get(
            &app,
            &manager,
            &format!("/api/v1/reports/service/weekly?week={}", iso_week(day)),
        )
        .await;
        closed += r["tickets"]["closed"].as_i64().unwrap();
        answers += r["satisfaction"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["responses"].as_i64().unwrap())
            .sum::<i64>();
    }
    assert!(closed > 0 && answers > 0, "closed {closed}, answers {answers}");
}
