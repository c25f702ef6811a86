//! The duty roster in the console (headless Chromium), in Chinese and in English: an agent asks
//! to swap their shift with a colleague's from the week grid, the colleague agrees in the swaps
//! list, their lead approves, and the grid shows the two people exchanged.

use crate::browser::Browser;
use crate::helpers::spawn_app_at;
use fieldline_mobile_api::{Role, RosterEntry, Team, User};
use serde_json::json;

async fn swap_in_the_grid(lang: &'static str) {
    // Tuesday 1 December 2026, 09:00 in Shanghai.
    let app = spawn_app_at("2026-12-01T01:00:00Z").await;
    let (lead, _) = app.user(Role::Agent).await;
    let (a, _) = app.user(Role::Agent).await;
    let (b, _) = app.user(Role::Agent).await;
    let team: Team = app
        .ok(
            app.post(
                "/api/v1/teams",
                &app.admin,
                &json!({"name": "Evening crew", "kind": "hotline_shift", "lead_id": lead.id}),
            )
            .await,
            201,
        )
        .await;
    for u in [&a, &b] {
        let r = app
            .put(
                &format!("/api/v1/users/{}/organisation", u.id.0),
                &app.admin,
                &json!({"team_id": team.id, "level": 1}),
            )
            .await;
        app.ok::<User>(r, 200).await;
    }
    let shifts: Vec<fieldline_mobile_api::DeskShift> =
        app.ok(app.get("/api/v1/desk/shifts", &app.admin).await, 200).await;
    let id = |n: &str| shifts.iter().find(|s| s.name == n).unwrap().id.0;
    let put = |day: &str, shift: i64, user: i64| {
        let body = json!({"day": day, "shift_id": shift, "user_id": user});
        let app = &app;
        async move {
            app.ok::<RosterEntry>(app.post("/api/v1/roster", &app.admin, &body).await, 201)
                .await
        }
    };
    let mine = put("2026-12-08", id("Day"), a.id.0).await;
    let theirs = put("2026-12-10", id("Night"), b.id.0).await;

    let b_ = Browser::start(lang).await;
    b_.c.goto(&app.url("/console/#roster/2026-12-07")).await.unwrap();
    b_.sign_in(&a.username).await;
    let cell = format!(
        r#"#roster-grid td[data-day="2026-12-08"] .entry[data-entry-id="{}"]"#,
        mine.id.0
    );
    let shown = b_.shown(&cell).await.text().await.unwrap();
    assert!(shown.contains(&a.display_name), "names, not ids: {shown}");
    b_.check_texts("the roster's week").await;
    b_.click(&format!("{cell} button.ask-swap")).await;
    b_.select(
        r#"#roster-swap-form select[name="counterpart_entry_id"]"#,
        &theirs.id.0.to_string(),
    )
    .await;
    b_.fill(r#"#roster-swap-form input[name="reason"]"#, "A family wedding")
        .await;
    b_.click(r#"#roster-swap-form button[type="submit"]"#).await;
    b_.shown(r#"#roster-swaps tr[data-status="requested"] button.cancel"#)
        .await;
    b_.check_texts("a swap asked").await;

    // The colleague agrees, then the lead approves: the grid shows the exchange.
    for who in [&b, &lead] {
        b_.sign_in(&who.username).await;
        b_.click(r#"#roster-swaps tr[data-status="requested"] button.approve"#)
            .await;
        b_.shown("#roster-swaps tbody tr:not([data-swap-id])").await;
    }
    b_.shown(&format!(
        r#"#roster-grid td[data-day="2026-12-08"] .entry[data-user-id="{}"]"#,
        b.id.0
    ))
    .await;
    b_.shown(&format!(
        r#"#roster-grid td[data-day="2026-12-10"] .entry[data-user-id="{}"]"#,
        a.id.0
    ))
    .await;
    b_.check_texts("a swap approved").await;
    b_.screenshot("roster-swapped").await;
    // The requester reads it approved among their own.
    b_.sign_in(&a.username).await;
    b_.click(r#"#roster-tabs button[data-tab="mine"]"#).await;
    b_.shown(r#"#roster-swaps tr[data-status="approved"]"#).await;
    b_.check_texts("my swaps").await;
    b_.close().await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn an_agent_swaps_a_shift_in_the_roster_grid_in_chinese() {
    swap_in_the_grid("zh").await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn an_agent_swaps_a_shift_in_the_roster_grid_in_english() {
    swap_in_the_grid("en").await;
}
