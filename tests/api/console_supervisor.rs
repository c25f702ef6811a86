//! The supervisor in the console (headless Chromium), in Chinese and in English: a fault analysis
//! report reviewed through the page (returned without a reason: the error by the field; then
//! approved), the e-mail previewed and sent, and caught by the test's SMTP server once the relay
//! runs; a major fault followed on its page (a new handling plan, its end) and its report
//! started from it.

use crate::browser::Browser;
use crate::fault_reports::{content, create_ok, edit, scene, step_ok};
use crate::mail::{mail_app, relay};
use crate::smtp::SmtpSink;
use crate::tickets::{major_fault_body, register};
use fieldline_mobile_api::{FaultReport, FaultReportStatus, MailKind, MajorFault, OutboxMessage, Page};
use serde_json::json;
use std::collections::BTreeSet;

/// The supervisor reviews a submitted report on its page and sends it; the e-mail arrives.
async fn review_and_send(lang: &'static str) {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    let s = scene(&app).await;
    let r = create_ok(&app, &s).await;
    let r: FaultReport = app.ok(edit(&app, &s.author_token, &r, &content(&s)).await, 200).await;
    let r = step_ok(&app, &s.author_token, &r, "submit", json!({})).await;
    assert_eq!(r.status, FaultReportStatus::Submitted);

    let b = Browser::start(lang).await;
    b.c.goto(&app.url("/console/")).await.unwrap();
    b.sign_in(&s.reviewer.username).await;
    b.click(r#"#nav a[data-view="faultreports"]"#).await;
    b.click(r#"#fr-tabs button[data-status-filter="submitted"]"#).await;
    let row = format!(
        r#"#fr-list[data-filter="submitted"] tr.row[data-report-id="{}"][data-status="submitted"]"#,
        r.id
    );
    let shown = b.shown(&row).await.text().await.unwrap();
    assert!(
        shown.contains(&s.ticket.number) && shown.contains("Hangzhou Metro") && shown.contains(&s.author.display_name),
        "names, not ids: {shown}"
    );
    b.click(&row).await;
    b.shown(r#"#fr-state[data-status="submitted"]"#).await;
    let panel = b.shown("#fr-detail").await.text().await.unwrap();
    assert!(panel.contains(&s.author.display_name), "the author by name: {panel}");
    assert!(panel.contains("Eaton service") && panel.contains("Zhou Jie"), "{panel}");
    b.check_texts("a submitted fault report").await;

    // Returned without a reason: the API's error beside the field.
    let step = r#"#fr-actions details[data-step="return"]"#;
    let form = format!(r#"{step} form[data-action="return"]"#);
    b.click(&format!("{step} > summary")).await;
    b.click(&format!(r#"{form} button[type="submit"]"#)).await;
    b.shown(&format!(r#"{form} .field-error[data-field="comments"]"#)).await;
    b.check_texts("a fault report returned without a reason").await;

    // Approved.
    let step = r#"#fr-actions details[data-step="approve"]"#;
    b.click(&format!("{step} > summary")).await;
    b.fill(
        &format!(r#"{step} form[data-action="approve"] textarea[name="comments"]"#),
        "Clear and complete.",
    )
    .await;
    b.click(&format!(r#"{step} form[data-action="approve"] button[type="submit"]"#))
        .await;
    b.shown(r#"#fr-state[data-status="approved"]"#).await;
    // The list followed the report to its new status.
    b.shown(&format!(
        r#"#fr-list[data-filter="approved"] tr.row[data-report-id="{}"][data-status="approved"]"#,
        r.id
    ))
    .await;

    // The e-mail previewed before it is sent: who gets it and what it says.
    let step = r#"#fr-actions details[data-step="send"]"#;
    b.click(&format!("{step} > summary")).await;
    let mail = format!(r#"{step} .mail-preview article.mail[data-language="zh"]"#);
    let preview = b.shown(&mail).await.text().await.unwrap();
    let am_email = s.account_manager.email.clone().unwrap();
    assert!(
        preview.contains(&am_email) && preview.contains("zhou.jie@metro.example"),
        "{preview}"
    );
    assert!(
        preview.contains("故障分析报告") && preview.contains(&s.ticket.number),
        "{preview}"
    );
    b.check_texts("a fault report's e-mail previewed").await;
    b.c.execute(
        "document.querySelector('#fr-actions details[data-step=\"send\"]').scrollIntoView({block: 'start'});",
        vec![],
    )
    .await
    .unwrap();
    b.screenshot("supervisor-fault-report-send").await;
    b.click(&format!(r#"{step} form[data-action="send"] button[type="submit"]"#))
        .await;
    b.shown(r#"#fr-state[data-status="sent"]"#).await;
    let sent = b.shown("#fr-recipients").await.text().await.unwrap();
    assert!(sent.contains(&am_email) && sent.contains("Zhou Jie"), "{sent}");
    b.check_texts("a sent fault report").await;
    b.screenshot("supervisor-fault-report-sent").await;

    let after: FaultReport = app
        .ok(
            app.get(&format!("/api/v1/fault-reports/{}", r.id), &s.reviewer_token)
                .await,
            200,
        )
        .await;
    assert_eq!(after.status, FaultReportStatus::Sent);
    assert_eq!(after.reviewer_id, Some(s.reviewer.id));
    assert_eq!(after.sent_by, Some(s.reviewer.id));
    assert_eq!(after.review_comments.as_deref(), Some("Clear and complete."));
    assert!(sink.received().is_empty(), "nothing leaves before the relay runs");
    relay(&app).await;
    let got: Vec<_> = sink
        .received()
        .into_iter()
        .filter(|m| m.parsed().subject().is_some_and(|x| x.starts_with("故障分析报告")))
        .collect();
    assert_eq!(got.len(), 1, "one message: both read Chinese");
    let to: BTreeSet<String> = got[0].rcpt_to.iter().cloned().collect();
    assert_eq!(to, [am_email, "zhou.jie@metro.example".to_string()].into());
    let outbox: Page<OutboxMessage> = app
        .ok(
            app.get(&format!("/api/v1/outbox?ticket_id={}", s.ticket.id), &app.admin)
                .await,
            200,
        )
        .await;
    let queued = outbox.items.iter().find(|m| m.kind == MailKind::FaultReport).unwrap();
    assert_eq!(
        got[0].parsed().subject().unwrap(),
        queued.subject,
        "the subject the preview showed"
    );
    assert!(preview.contains(&queued.subject), "{preview}");
    b.close().await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn a_supervisor_reviews_and_sends_a_fault_report_in_chinese() {
    review_and_send("zh").await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn a_supervisor_reviews_and_sends_a_fault_report_in_english() {
    review_and_send("en").await;
}

/// The supervisor follows an open major fault: a new handling plan, then its end, then starts
/// its fault analysis report from it.
async fn follow_a_major_fault(lang: &'static str) {
    let sink = SmtpSink::start().await;
    let app = mail_app(&sink, |_| {}).await;
    let s = scene(&app).await;
    let ticket = register(&app, &s.f, "p1", "phone").await;
    let fault: MajorFault = app
        .ok(
            app.post(
                &format!("/api/v1/tickets/{}/major-fault", ticket.id),
                &s.f.token,
                &major_fault_body(&app),
            )
            .await,
            201,
        )
        .await;
    assert!(fault.open);

    let b = Browser::start(lang).await;
    b.c.goto(&app.url("/console/")).await.unwrap();
    b.sign_in(&s.reviewer.username).await;
    b.click(r#"#nav a[data-view="majorfaults"]"#).await;
    let row = format!(r#"#mf-list tr.row[data-ticket-id="{}"][data-open="true"]"#, ticket.id);
    let shown = b.shown(&row).await.text().await.unwrap();
    assert!(
        shown.contains(&ticket.number) && shown.contains("Hangzhou Metro"),
        "{shown}"
    );
    b.click(&row).await;
    b.shown(r#"#mf-state[data-open="true"]"#).await;
    let panel = b.shown("#mf-detail").await.text().await.unwrap();
    assert!(
        panel.contains(&s.f.agent.display_name),
        "who reported it, by name: {panel}"
    );
    b.check_texts("an open major fault").await;

    // A new handling plan: an empty one is refused beside the field.
    let step = r#"#mf-actions details[data-step="update"]"#;
    let form = format!(r#"{step} form[data-action="update"]"#);
    b.click(&format!("{step} > summary")).await;
    b.fill(&format!(r#"{form} textarea[name="handling_plan"]"#), " ").await;
    b.click(&format!(r#"{form} button[type="submit"]"#)).await;
    b.shown(&format!(r#"{form} .field-error[data-field="handling_plan"]"#))
        .await;
    b.fill(
        &format!(r#"{form} textarea[name="handling_plan"]"#),
        "Spare UPS module on its way; bypass engaged.",
    )
    .await;
    b.click(&format!(r#"{form} button[type="submit"]"#)).await;
    b.shown(r#"#mf-notices tr[data-kind="major_fault_update"]"#).await;
    b.screenshot("supervisor-major-fault").await;

    // Ended.
    let step = r#"#mf-actions details[data-step="end"]"#;
    b.click(&format!("{step} > summary")).await;
    b.fill(
        &format!(r#"{step} form[data-action="end"] textarea[name="summary"]"#),
        "UPS module replaced.",
    )
    .await;
    b.click(&format!(r#"{step} form[data-action="end"] button[type="submit"]"#))
        .await;
    b.shown(r#"#mf-state[data-open="false"]"#).await;
    b.check_texts("an ended major fault").await;

    // Its report started from it: the page of the new draft.
    let step = r#"#mf-actions details[data-step="report"]"#;
    b.click(&format!("{step} > summary")).await;
    b.click(&format!(r#"{step} form[data-action="report"] button[type="submit"]"#))
        .await;
    b.shown(r#"#fr-state[data-status="draft"]"#).await;
    b.check_texts("a new fault report").await;
    let reports: Page<FaultReport> = app
        .ok(
            app.get(
                &format!("/api/v1/fault-reports?ticket_id={}", ticket.id),
                &s.reviewer_token,
            )
            .await,
            200,
        )
        .await;
    assert_eq!(reports.total, 1);
    assert_eq!(reports.items[0].author_id, s.reviewer.id);
    let f: MajorFault = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}/major-fault", ticket.id), &s.reviewer_token)
                .await,
            200,
        )
        .await;
    assert_eq!((f.updates, f.open), (1, false));
    assert_eq!(f.ended_by_name.as_deref(), Some(s.reviewer.display_name.as_str()));
    b.close().await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn a_supervisor_follows_a_major_fault_and_starts_its_report_in_english() {
    follow_a_major_fault("en").await;
}

#[tokio::test]
#[ignore = "needs headless Chromium and ChromeDriver: run with --ignored"]
async fn a_supervisor_follows_a_major_fault_and_starts_its_report_in_chinese() {
    follow_a_major_fault("zh").await;
}
