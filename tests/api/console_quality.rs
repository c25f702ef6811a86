//! The reviewer's main task on the console (headless Chromium): open the quality review queue,
//! pick a sampled ticket, read it, score it on the scorecard and save; then the agent finds the
//! review under "My reviews" with the way to dispute it.

use crate::browser::Browser;
use crate::quality::world;
use fieldline_mobile_api::{Page, QualityReview, QualityReviewStatus};
use serde_json::json;

/// Clicks what `css` finds, again when the list was drawn anew under the click (it is drawn when
/// the view opens and again when the filter is applied).
async fn click_fresh(b: &Browser, css: &str) {
    for _ in 0..50 {
        if b.shown(css).await.click().await.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{css} could not be clicked");
}

async fn the_reviewer_scores_a_sampled_ticket(lang: &'static str) {
    let w = world().await;
    let app = &w.app;
    let drawn: serde_json::Value = app
        .ok(
            app.post("/api/v1/quality/samples", &w.reviewer.1, &json!({"month": "2026-11"}))
                .await,
            200,
        )
        .await;
    assert_eq!(drawn["drawn"], json!(4));

    let b = Browser::start(lang).await;
    b.c.goto(&app.url("/console/")).await.unwrap();
    b.sign_in(&w.reviewer.0.username).await;
    b.click(r#"#nav a[data-view="quality"]"#).await;
    b.shown("#view-quality:not([hidden]) #quality-filters input[name=month]")
        .await;
    // The month chosen (the browser's last month may be another than the test's November).
    b.c.execute(
        "document.querySelector('#quality-filters input[name=month]').value = '2026-11';",
        vec![],
    )
    .await
    .unwrap();
    b.click("#quality-filters button[type=submit]").await;
    click_fresh(&b, "#quality-list tr[data-review]").await;
    b.shown("#quality-score fieldset.criterion").await;
    b.check_texts("the reviewer's scorecard").await;
    // Accuracy of the answer scored 3 with a fault; the rest stays at 5.
    b.select("#quality-score select[name='scores[1].score']", "3").await;
    b.fill(
        "#quality-score input[name='scores[1].fault']",
        "The wrong fuse was named.",
    )
    .await;
    b.fill("#quality-score textarea[name=comments]", "Polite and quick.")
        .await;
    b.click("#quality-score button[type=submit]").await;
    b.shown("#quality-detail p.total").await;
    b.check_texts("a scored review").await;
    b.screenshot("reviewer-scorecard").await;

    let done: Page<QualityReview> = app
        .ok(
            app.get("/api/v1/quality/reviews?month=2026-11&status=reviewed", &w.reviewer.1)
                .await,
            200,
        )
        .await;
    assert_eq!(done.items.len(), 1);
    let r = &done.items[0];
    assert_eq!(r.status, QualityReviewStatus::Reviewed);
    // Accuracy weighs 25: 2 of 5 points lost on it, 10 of 100.
    assert_eq!(r.total, Some(90.0));
    assert_eq!(r.comments.as_deref(), Some("Polite and quick."));

    // The agent sees it under "My reviews", with the dispute form.
    let agent = if r.agent_id == w.a.agent.id {
        &w.a.agent
    } else {
        &w.b.agent
    };
    b.sign_in(&agent.username).await;
    b.click(r#"#nav a[data-view="myreviews"]"#).await;
    click_fresh(&b, "#myreviews-list tr[data-review]").await;
    b.shown("#myreviews-dispute textarea[name=reason]").await;
    b.check_texts("the agent's reviews").await;
    b.screenshot("agent-my-reviews").await;
    b.close().await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn the_reviewer_scores_a_sampled_ticket_in_chinese() {
    the_reviewer_scores_a_sampled_ticket("zh").await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn the_reviewer_scores_a_sampled_ticket_in_english() {
    the_reviewer_scores_a_sampled_ticket("en").await;
}
