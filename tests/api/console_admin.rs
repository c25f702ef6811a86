//! The admin in the console (headless Chromium): a holiday added on the calendar page moves the
//! due times a new registration would get (in Chinese and in English); a user created and then
//! disabled after a confirmation; a hotline shift made and an agent placed in it under a
//! supervisor, with the reviewer grant; a dead e-mail retried from the outbox; and every other admin
//! page drawn in the page's language.

use crate::browser::Browser;
use crate::helpers::{spawn_app_at, TestApp, USER_PASSWORD};
use crate::mail::{mail_app, relay};
use crate::smtp::SmtpSink;
use crate::tickets::{fixture, major_fault_body, register, FRIDAY_1650};
use fieldline_mobile_api::{OutboxMessage, OutboxStatus, Page, Role, User};
use serde_json::json;

/// Sets a date field's value (typing into `<input type="date">` depends on the browser's locale).
async fn set_date(b: &Browser, id: &str, ymd: &str) {
    b.shown(&format!("#{id}")).await;
    b.c.execute(
        "document.getElementById(arguments[0]).value = arguments[1];",
        vec![json!(id), json!(ymd)],
    )
    .await
    .unwrap();
}

async fn admin(app: &TestApp) -> User {
    app.user(Role::Admin).await.0
}

async fn holiday_moves_the_preview(lang: &'static str) {
    // Friday 16:50 in Shanghai: a P3 call from a standard customer is to be answered by Monday
    // 12:20 (business hours 08:30-17:00); with Monday a holiday, by Tuesday 12:20.
    let app = spawn_app_at(FRIDAY_1650).await;
    fixture(&app, "standard").await;
    let admin = admin(&app).await;
    let b = Browser::start(lang).await;
    b.c.goto(&app.url("/console/#admin/calendar")).await.unwrap();
    b.sign_in(&admin.username).await;
    let response = r#"#admin-preview-dues tr[data-due="response_due_at"]"#;
    b.shown(&format!(r#"{response}[data-at="2026-11-23T04:20:00Z"]"#)).await;
    b.shown(r#"#admin-preview-site option[translate="no"]"#).await;
    b.check_texts("the calendar").await;

    b.click(r#"details[data-step="add-holiday"] > summary"#).await;
    let form = r#"form[data-action="add-holiday"]"#;
    // Without a day: the API's error by the field.
    b.fill(&format!(r#"{form} input[name="name"]"#), "公司日").await;
    b.click(&format!(r#"{form} button[type="submit"]"#)).await;
    b.shown(&format!(r#"{form} .field-error[data-field="day"]"#)).await;
    b.check_texts("the calendar with a field error").await;
    set_date(&b, "admin-holiday-day", "2026-11-23").await;
    b.click(&format!(r#"{form} button[type="submit"]"#)).await;
    b.shown(r#"#admin-holidays tr[data-day="2026-11-23"][data-kind="holiday"]"#)
        .await;
    b.shown(&format!(
        r#"{response}[data-moved="true"][data-at="2026-11-24T04:20:00Z"]"#
    ))
    .await;
    b.shown(r#"#admin-preview-moved:not([data-moved=""]):not([data-moved="0"])"#)
        .await;
    b.check_texts("the calendar with a holiday").await;
    b.screenshot("admin-calendar").await;
    let holidays: Vec<serde_json::Value> = app
        .ok(app.get("/api/v1/calendar/holidays?year=2026", &app.admin).await, 200)
        .await;
    assert_eq!(holidays.len(), 1);
    assert_eq!(holidays[0]["name"], "公司日");

    // Removing it asks first; then the due time moves back.
    b.click(r#"#admin-holidays tr[data-day="2026-11-23"] button[data-action="remove-holiday"]"#)
        .await;
    b.check_texts("the calendar asking to remove a holiday").await;
    b.click(r#"#admin-holidays tr[data-day="2026-11-23"] button[data-confirm="yes"]"#)
        .await;
    b.shown(&format!(
        r#"{response}[data-moved="true"][data-at="2026-11-23T04:20:00Z"]"#
    ))
    .await;
    let holidays: Vec<serde_json::Value> = app
        .ok(app.get("/api/v1/calendar/holidays?year=2026", &app.admin).await, 200)
        .await;
    assert!(holidays.is_empty());
    b.close().await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn an_admin_adds_a_holiday_and_sees_the_due_time_move_in_chinese() {
    holiday_moves_the_preview("zh").await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn an_admin_adds_a_holiday_and_sees_the_due_time_move_in_english() {
    holiday_moves_the_preview("en").await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn an_admin_creates_a_user_and_disables_them() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let admin = admin(&app).await;
    let b = Browser::start("en").await;
    b.c.goto(&app.url("/console/#admin/users")).await.unwrap();
    b.sign_in(&admin.username).await;
    b.shown(&format!(r#"#admin-users tr[data-user-id="{}"]"#, admin.id))
        .await;
    b.check_texts("the users").await;

    b.click(r#"details[data-step="create-user"] > summary"#).await;
    let form = r#"form[data-action="create-user"]"#;
    b.fill(&format!(r#"{form} input[name="username"]"#), "li.na").await;
    b.fill(&format!(r#"{form} input[name="display_name"]"#), "李娜").await;
    b.fill(&format!(r#"{form} input[name="email"]"#), "li.na@example.com")
        .await;
    b.select(&format!(r#"{form} select[name="role"]"#), "dispatcher").await;
    b.select(&format!(r#"{form} select[name="language"]"#), "zh").await;
    // Too short a password: the API's error by the field; two that differ: the page's.
    b.fill(&format!(r#"{form} input[name="password"]"#), "short").await;
    b.fill(&format!(r#"{form} input[name="password_again"]"#), "short")
        .await;
    b.click(&format!(r#"{form} button[type="submit"]"#)).await;
    b.shown(&format!(r#"{form} .field-error[data-field="password"]"#)).await;
    b.check_texts("the new user form with a field error").await;
    b.fill(&format!(r#"{form} input[name="password"]"#), USER_PASSWORD)
        .await;
    b.fill(
        &format!(r#"{form} input[name="password_again"]"#),
        "something-else-entirely",
    )
    .await;
    b.click(&format!(r#"{form} button[type="submit"]"#)).await;
    b.shown(&format!(r#"{form} .field-error[data-field="password_again"]"#))
        .await;
    b.fill(&format!(r#"{form} input[name="password_again"]"#), USER_PASSWORD)
        .await;
    b.click(&format!(r#"{form} button[type="submit"]"#)).await;
    let row = r#"#admin-users tr[data-username="li.na"]"#;
    b.shown(&format!(r#"{row}[data-status="active"][data-role="dispatcher"]"#))
        .await;
    let users: Page<User> = app.ok(app.get("/api/v1/users?q=li.na", &app.admin).await, 200).await;
    let created = users.items.into_iter().find(|u| u.username == "li.na").unwrap();
    assert_eq!(created.display_name, "李娜");
    app.login("li.na", USER_PASSWORD).await;

    // Disabling asks first.
    let panel = format!(r#"#admin-user-panel [data-user-id="{}"]"#, created.id);
    b.click(&format!(r#"{panel} button[data-action="disable"]"#)).await;
    b.shown(&format!(r#"{panel} button[data-confirm="yes"]"#)).await;
    b.check_texts("the user asking to disable").await;
    b.screenshot("admin-users").await;
    b.click(&format!(r#"{panel} button[data-confirm="yes"]"#)).await;
    b.shown(&format!(r#"{row}[data-status="disabled"]"#)).await;
    b.check_texts("the users with one disabled").await;
    let u: User = app
        .ok(app.get(&format!("/api/v1/users/{}", created.id), &app.admin).await, 200)
        .await;
    assert!(!u.active);
    let r = app
        .post_anon(
            "/api/v1/auth/login",
            &json!({"username": "li.na", "password": USER_PASSWORD}),
        )
        .await;
    assert_eq!(r.status(), 401, "a disabled user cannot sign in");
    b.close().await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn an_admin_retries_a_dead_email_and_sees_every_admin_page() {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |s| s.mail.max_attempts = 1).await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p1", "phone").await;
    sink.stop().await;
    let mut body = major_fault_body(&app);
    body["extra_recipients"] = json!(["ops@example.com"]);
    let r = app
        .post(&format!("/api/v1/tickets/{}/major-fault", t.id.0), &f.token, &body)
        .await;
    assert_eq!(r.status(), 201);
    relay(&app).await;
    let dead: Page<OutboxMessage> = app
        .ok(app.get("/api/v1/outbox?status=dead", &app.admin).await, 200)
        .await;
    assert!(dead.total >= 1, "{dead:?}");
    let m = dead.items[0].clone();

    let admin = admin(&app).await;
    let b = Browser::start("zh").await;
    b.c.goto(&app.url("/console/#admin/outbox/dead")).await.unwrap();
    b.sign_in(&admin.username).await;
    let row = format!(r#"#admin-outbox tr[data-message-id="{}"]"#, m.id.0);
    let shown = b
        .shown(&format!(r#"{row}[data-status="dead"]"#))
        .await
        .text()
        .await
        .unwrap();
    assert!(shown.contains(&t.number), "the ticket's number in {shown}");
    assert!(shown.contains("Hangzhou Metro"), "the customer's name in {shown}");
    assert!(shown.contains("重大故障通知"), "what it is about in {shown}");
    b.check_texts("the dead e-mails").await;
    b.screenshot("admin-outbox").await;
    b.click(&format!(r#"{row} button[data-action="retry"]"#)).await;
    // Retried: no longer among the dead; pending again, with its attempts reset.
    b.shown(&format!(r#"#admin-outbox:not(:has({row}))"#)).await;
    b.select("#admin-outbox-status", "pending").await;
    b.shown(&format!(
        r#"{row}[data-status="pending"] button[data-action="send-now"]"#
    ))
    .await;
    b.check_texts("the pending e-mails").await;
    let pending: Page<OutboxMessage> = app
        .ok(app.get("/api/v1/outbox?status=pending", &app.admin).await, 200)
        .await;
    let back = pending.items.into_iter().find(|x| x.id == m.id).unwrap();
    assert_eq!((back.status, back.attempts), (OutboxStatus::Pending, 0));
    sink.restart().await;
    assert!(relay(&app).await.actions >= 1);
    assert!(sink.received().iter().any(|r| r.message_id() == m.message_id));

    // The other pages, each in the page's language.
    b.c.goto(&app.url("/console/#admin/jobs")).await.unwrap();
    b.shown(r#"#admin-jobs tr[data-job="mail_relay"]"#).await;
    b.shown(r#"#admin-job-runs tr[data-job="mail_relay"]"#).await;
    b.check_texts("the jobs").await;
    b.click(r#"#admin-jobs tr[data-job="sla_scan"] button[data-action="run"]"#)
        .await;
    b.shown(r#"#admin-job-runs tr[data-job="sla_scan"]"#).await;
    b.check_texts("the jobs after a run").await;
    b.c.goto(&app.url("/console/#admin/sla")).await.unwrap();
    b.shown("#admin-sla tr[data-policy-id]").await;
    b.click("#admin-sla tr[data-policy-id]").await;
    b.shown(r#"#admin-sla-panel form[data-action="update-policy"]"#).await;
    b.check_texts("the SLA policies").await;
    // A target out of range: the API's error by the field; then a new response target.
    let form = r#"#admin-sla-panel form[data-action="update-policy"]"#;
    b.fill(&format!(r#"{form} input[name="response_minutes"]"#), "0").await;
    b.click(&format!(r#"{form} button[type="submit"]"#)).await;
    b.shown(&format!(r#"{form} .field-error[data-field="response_minutes"]"#))
        .await;
    b.check_texts("an SLA policy with a field error").await;
    b.fill(&format!(r#"{form} input[name="response_minutes"]"#), "45").await;
    b.click(&format!(r#"{form} button[type="submit"]"#)).await;
    b.shown("#notice:not([hidden]):not(.bad)").await;
    let policies: Vec<serde_json::Value> = app.ok(app.get("/api/v1/sla/policies", &app.admin).await, 200).await;
    assert!(policies.iter().any(|p| p["response_minutes"] == 45), "{policies:?}");
    b.screenshot("admin-sla").await;
    b.c.goto(&app.url("/console/#admin/regions")).await.unwrap();
    b.shown(r#"#admin-map svg[data-regions="1"]"#).await;
    b.click("#admin-regions tr[data-region-id]").await;
    b.shown(r#"#admin-region-panel form[data-action="update-region"]"#)
        .await;
    b.check_texts("the regions").await;
    b.screenshot("admin-regions").await;
    b.c.goto(&app.url("/console/#admin/privacy")).await.unwrap();
    b.fill("#admin-privacy-customer", "Hangzhou").await;
    b.click(r#".matches li[data-customer-id]"#).await;
    b.shown(&format!(r#"#admin-contacts tr[data-contact-id="{}"]"#, f.contact))
        .await;
    b.click(&format!(r#"#admin-contacts tr[data-contact-id="{}"]"#, f.contact))
        .await;
    b.click(r#"#admin-contact-panel button[data-action="export"]"#).await;
    b.shown(r#"#admin-privacy-result[data-exported="true"]"#).await;
    b.check_texts("a contact's personal data").await;
    // Erasure needs the box ticked.
    b.click(r#"#admin-contact-panel details[data-step="erase"] > summary"#)
        .await;
    let erase = r#"#admin-contact-panel form[data-action="erase"]"#;
    b.fill(&format!("{erase} textarea[name=reason]"), "客户来函要求删除")
        .await;
    b.click(&format!(r#"{erase} button[type="submit"]"#)).await;
    b.shown(&format!(r#"{erase} .field-error[data-field="understood"]"#))
        .await;
    b.check_texts("the erasure asking for confirmation").await;
    b.click(&format!("{erase} input[name=understood]")).await;
    b.click(&format!(r#"{erase} button[type="submit"]"#)).await;
    b.shown("#notice:not([hidden]):not(.bad)").await;
    let x: serde_json::Value = app
        .ok(
            app.get(&format!("/api/v1/contacts/{}/personal-data", f.contact), &app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(x["erased"], true, "{x}");
    b.close().await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn an_admin_makes_a_shift_and_sets_an_agents_team_supervisor_and_grants() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let admin = admin(&app).await;
    let (lead, _) = app.user(Role::Supervisor).await;
    let (agent, _) = app.user(Role::Agent).await;
    let b = Browser::start("zh").await;
    b.c.goto(&app.url("/console/#admin/teams")).await.unwrap();
    b.sign_in(&admin.username).await;
    b.shown("#admin-teams").await;
    b.check_texts("the teams").await;

    // A new hotline shift with its lead; a name taken is refused by the field.
    b.click(r#"details[data-step="create-team"] > summary"#).await;
    let form = r#"form[data-action="create-team"]"#;
    b.fill(&format!(r#"{form} input[name="name"]"#), "热线早班").await;
    b.select(&format!(r#"{form} select[name="lead_id"]"#), &lead.id.to_string())
        .await;
    b.click(&format!(r#"{form} button[type="submit"]"#)).await;
    let row = r#"#admin-teams tr[data-name="热线早班"]"#;
    let shown = b.shown(row).await.text().await.unwrap();
    assert!(shown.contains(&lead.display_name), "the lead's name in {shown}");
    b.click(r#"details[data-step="create-team"] > summary"#).await;
    b.fill(&format!(r#"{form} input[name="name"]"#), "热线早班").await;
    b.click(&format!(r#"{form} button[type="submit"]"#)).await;
    b.shown(&format!(r#"{form} .field-error[data-field="name"]"#)).await;
    b.check_texts("the teams with a field error").await;
    b.screenshot("admin-teams").await;
    let teams: Vec<fieldline_mobile_api::Team> = app.ok(app.get("/api/v1/teams", &app.admin).await, 200).await;
    let shift = teams.iter().find(|t| t.name == "热线早班").unwrap();

    // The agent joins it, reports to the lead and reviews quality.
    b.c.goto(&app.url("/console/#admin/users")).await.unwrap();
    b.click(&format!(r#"#admin-users tr[data-user-id="{}"]"#, agent.id))
        .await;
    b.click(r#"#admin-user-panel details[data-step="organisation"] > summary"#)
        .await;
    let org = r#"#admin-user-panel form[data-action="set-organisation"]"#;
    b.select(&format!(r#"{org} select[name="team_id"]"#), &shift.id.to_string())
        .await;
    b.select(&format!(r#"{org} select[name="supervisor_id"]"#), &lead.id.to_string())
        .await;
    b.select(&format!(r#"{org} select[name="level"]"#), "3").await;
    b.click(&format!(r#"{org} input[name="grants"][value="reviewer"]"#))
        .await;
    b.check_texts("a user's organisation").await;
    b.click(&format!(r#"{org} button[type="submit"]"#)).await;
    b.shown("#notice:not([hidden]):not(.bad)").await;
    let u: User = app
        .ok(app.get(&format!("/api/v1/users/{}", agent.id), &app.admin).await, 200)
        .await;
    assert_eq!(
        (u.team_id, u.supervisor_id, u.level, u.grants),
        (
            Some(shift.id),
            Some(lead.id),
            3,
            vec![fieldline_mobile_api::StaffGrant::Reviewer]
        )
    );
    b.close().await;
}
