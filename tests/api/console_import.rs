//! The admin going live in the console (headless Chromium): a GBK customers file with one bad
//! row is checked (the problem shown by line and column, nothing written), then the fixed file
//! is imported.

use crate::browser::Browser;
use crate::helpers::spawn_app;
use fantoccini::Locator;
use fieldline_mobile_api::{Page, Role};
use serde_json::Value;

async fn going_live(lang: &'static str) {
    let app = spawn_app().await;
    let (admin, _) = app.user(Role::Admin).await;
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("import-{lang}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = "name,tier\r\n华东电力设计院,gold\r\n杭州第一医院,bronze\r\n";
    let (bad_path, fixed_path) = (dir.join("customers-bad.csv"), dir.join("customers.csv"));
    std::fs::write(&bad_path, encoding_rs::GBK.encode(bad).0).unwrap();
    std::fs::write(&fixed_path, encoding_rs::GBK.encode(&bad.replace("bronze", "silver")).0).unwrap();

    let b = Browser::start(lang).await;
    b.c.goto(&app.url("/console/#import")).await.unwrap();
    b.sign_in(&admin.username).await;
    b.shown("#view-import:not([hidden]) #import-form").await;
    b.select("#import-kind", "customers").await;
    let file = |path: &std::path::Path| path.to_str().unwrap().to_owned();
    b.shown("#import-file").await.send_keys(&file(&bad_path)).await.unwrap();
    b.click("#import-check").await;
    let row = b
        .shown(r#"#import-problems tr[data-line="3"][data-column="tier"][data-code="unknown_value"]"#)
        .await
        .text()
        .await
        .unwrap();
    assert!(row.contains("standard, silver, gold"), "the allowed tiers in {row}");
    b.shown(r#"#import-result [data-state="problems"][data-dry-run="true"]"#)
        .await;
    b.check_texts("the import's problems").await;
    b.screenshot("admin-import-problems").await;

    // The fixed file: the file input takes it in place of the first.
    let input = b.c.find(Locator::Css("#import-file")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(&file(&fixed_path)).await.unwrap();
    b.click("#import-check").await;
    b.shown(r#"#import-result [data-state="clean"]"#).await;
    b.click("#import-run").await;
    b.shown(r#"#import-result [data-state="written"]"#).await;
    b.check_texts("the import written").await;
    b.close().await;

    let page: Page<Value> = app
        .ok(app.get("/api/v1/customers?q=杭州第一医院", &app.admin).await, 200)
        .await;
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0]["tier"], "silver");
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn the_admin_imports_customers_after_a_dry_run_shows_the_bad_row_in_chinese() {
    going_live("zh").await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn the_admin_imports_customers_after_a_dry_run_shows_the_bad_row_in_english() {
    going_live("en").await;
}
