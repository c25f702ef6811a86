//! The e-mail intake in the console (headless Chromium, Chinese): a hotline agent turns a message
//! from an unknown sender into a ticket for a new customer, then replies to the sender from the
//! ticket's page. Needs Dovecot as well (the message arrives over IMAP).

use crate::browser::Browser;
use crate::helpers::spawn_app;
use crate::imap_server::{available, Dovecot};
use fieldline_mobile_api::{InboundMessage, OutboxMessage, Page, Role};
use serde_json::json;

#[tokio::test]
#[ignore = "needs headless Chromium, ChromeDriver and Dovecot: run with --ignored"]
async fn an_agent_turns_an_email_into_a_ticket_and_replies_from_it() {
    if !available() {
        eprintln!("dovecot is not installed; skipped");
        return;
    }
    let server = Dovecot::start(false);
    let app = spawn_app().await;
    let (agent, token) = app.user(Role::Agent).await;
    let mailbox = server.mailbox(&agent.username);
    let node = app.node(|s| s.intake.mailboxes = vec![mailbox]).await;
    server
        .append(
            "From: =?UTF-8?B?6LW15pWP?= <zhao@new.example>\nSubject: =?UTF-8?B?5omT5Y2w5py65Y2h57q4?=\n\
             Message-ID: <c1@new.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n\
             3号楼打印机卡纸，请派人处理。\n",
            "04-Dec-2026 09:30:00 +0800",
        )
        .await;
    let run: serde_json::Value = node
        .ok(
            node.post("/api/v1/jobs/mail_intake/run", &node.admin, &json!({})).await,
            200,
        )
        .await;
    assert_eq!(run["actions"], 1);
    let queue: Page<InboundMessage> = app
        .ok(app.get("/api/v1/intake?outcome=intake", &token).await, 200)
        .await;
    let m = &queue.items[0];
    assert_eq!(m.subject, "打印机卡纸");

    let b = Browser::start("zh").await;
    b.c.goto(&app.url("/console/")).await.unwrap();
    b.sign_in(&agent.username).await;
    b.c.goto(&app.url("/console/#intake")).await.unwrap();
    b.click(&format!(r#"#intake-list tr[data-message-id="{}"] a"#, m.id.0))
        .await;
    b.shown("#intake-convert").await;
    b.check_texts("the intake queue").await;
    b.screenshot("agent-intake").await;
    // Neither a customer nor a new one: the API's error by the field.
    b.click("#intake-convert button[type=submit]").await;
    b.shown(r#"#intake-convert .field-error[data-field="customer_id"]"#)
        .await;
    b.fill(r#"#intake-convert input[name="new_customer_name"]"#, "杭州新客户")
        .await;
    b.click("#intake-convert button[type=submit]").await;
    b.click("#intake-detail a[data-ticket-id]").await;
    let done: InboundMessage = app
        .ok(app.get(&format!("/api/v1/intake/{}", m.id.0), &token).await, 200)
        .await;
    let ticket = done.ticket_id.expect("a ticket").0;
    b.shown("#reply-form").await;
    b.check_texts("a ticket from an e-mail").await;
    b.fill("#reply-form textarea[name=text]", "已安排工程师今天下午到场。")
        .await;
    b.click("#reply-form button[type=submit]").await;
    b.shown(r#"#ticket-mail li[data-kind="mail_replied"]"#).await;
    b.check_texts("a ticket with a reply").await;
    b.screenshot("agent-reply").await;
    b.close().await;

    let out: Page<OutboxMessage> = app
        .ok(
            app.get(&format!("/api/v1/outbox?ticket_id={ticket}"), &app.admin).await,
            200,
        )
        .await;
    let reply = out
        .items
        .iter()
        .find(|o| o.kind.as_str() == "ticket_reply")
        .expect("the reply");
    assert_eq!(reply.recipients, ["zhao@new.example"]);
    assert!(reply.subject.starts_with("Re: 打印机卡纸 [FL-"), "{}", reply.subject);
}
