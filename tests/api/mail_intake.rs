//! E-mail in, against a real IMAP server (Dovecot on 127.0.0.1, see `imap_server`): one test per
//! rule. These are `#[ignore]`d in plain `cargo test` (they need Dovecot); `.ci/run` runs them
//! with `cargo test --test api mail_intake -- --ignored`.

use crate::helpers::{spawn_app, TestApp};
use crate::imap_server::{available, Dovecot};
use crate::mail::relay;
use fieldline_mobile_api::{InboundMessage, JobRun, Page, Role, Ticket, TicketAttachment, TicketEvent, TicketReply};
use serde_json::{json, Value};

/// The app, a hotline agent (its token) who owns the mailbox's tickets, and a node polling the
/// server (the job runs only when a test runs it).
struct Intake {
    app: TestApp,
    node: TestApp,
    agent: String,
    agent_id: i64,
}

async fn setup(server: &Dovecot, change: impl FnOnce(&mut fieldline::config::Settings)) -> Intake {
    let app = spawn_app().await;
    let (agent, token) = app.user(Role::Agent).await;
    let mailbox = server.mailbox(&agent.username);
    let node = app
        .node(|s| {
            s.intake.mailboxes = vec![mailbox];
            s.mail.message_id_domain = Some("fieldline.example".into());
            change(s);
        })
        .await;
    Intake {
        app,
        node,
        agent: token,
        agent_id: agent.id.0,
    }
}

async fn poll(node: &TestApp) -> JobRun {
    node.ok(
        node.post("/api/v1/jobs/mail_intake/run", &node.admin, &json!({})).await,
        200,
    )
    .await
}

/// A customer with a contact at `email`: (customer, contact).
async fn contact(app: &TestApp, email: &str, language: &str) -> (i64, i64) {
    let c: Value = app
        .ok(
            app.post(
                "/api/v1/customers",
                &app.admin,
                &json!({"name": "Hangzhou Metro", "tier": "gold"}),
            )
            .await,
            201,
        )
        .await;
    let cid = c["id"].as_i64().unwrap();
    let ct: Value = app
        .ok(
            app.post(
                &format!("/api/v1/customers/{cid}/contacts"),
                &app.admin,
                &json!({"name": "Li Wei", "email": email, "language": language}),
            )
            .await,
            201,
        )
        .await;
    (cid, ct["id"].as_i64().unwrap())
}

async fn messages(app: &TestApp, outcome: &str) -> Vec<InboundMessage> {
    let page: Page<InboundMessage> = app
        .ok(
            app.get(&format!("/api/v1/intake?outcome={outcome}"), &app.admin).await,
            200,
        )
        .await;
    page.items
}

async fn ticket(app: &TestApp, id: i64) -> Ticket {
    app.ok(app.get(&format!("/api/v1/tickets/{id}"), &app.admin).await, 200)
        .await
}

async fn timeline(app: &TestApp, id: i64) -> Vec<TicketEvent> {
    app.ok(
        app.get(&format!("/api/v1/tickets/{id}/timeline"), &app.admin).await,
        200,
    )
    .await
}

fn mail(from: &str, id: &str, subject: &str, extra: &str, body: &str) -> String {
    format!(
        "From: {from}\nTo: support@fieldline.example\nSubject: {subject}\nMessage-ID: <{id}>\n\
         Date: Fri, 4 Dec 2026 09:29:00 +0800\n{extra}MIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\n\n{body}\n"
    )
}

macro_rules! need_dovecot {
    () => {
        if !available() {
            eprintln!("dovecot is not installed; skipped");
            return;
        }
    };
}

#[tokio::test]
#[ignore = "needs Dovecot; .ci/run runs it"]
async fn a_message_from_a_contact_opens_a_ticket_whose_clock_starts_at_its_arrival() {
    need_dovecot!();
    let server = Dovecot::start(false);
    let t = setup(&server, |_| {}).await;
    let (customer, contact_id) = contact(&t.app, "Li.Wei@metro.example", "zh").await;
    server
        .append(
            &mail(
                "Li Wei <li.wei@metro.example>",
                "m1@metro.example",
                "UPS alarm at depot",
                "References: <m0@metro.example>\n",
                "The UPS beeps.",
            ),
            "04-Dec-2026 09:30:00 +0800",
        )
        .await;
    let run = poll(&t.node).await;
    assert_eq!((run.examined, run.actions), (1, 1));
    let got = messages(&t.app, "ticket").await;
    assert_eq!(got.len(), 1);
    let tk = ticket(&t.app, got[0].ticket_id.unwrap().0).await;
    assert_eq!(tk.channel.as_str(), "email");
    assert_eq!(tk.customer_id.0, customer);
    assert_eq!(tk.contact_id.map(|c| c.0), Some(contact_id));
    assert_eq!(tk.owner_id.0, t.agent_id);
    assert_eq!(tk.title, "UPS alarm at depot");
    // The clock starts at the server's arrival time (INTERNALDATE), not the sender's Date.
    assert_eq!(
        tk.opened_at,
        "2026-12-04T01:30:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap()
    );
    assert!(tk.response_due_at > tk.opened_at);
    assert!(
        tk.response_due_at <= "2026-12-04T16:00:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap(),
        "the end of that working day"
    );
    let events = timeline(&t.app, tk.id.0).await;
    let received = events
        .iter()
        .find(|e| e.kind == "mail_received")
        .expect("the e-mail on the timeline");
    assert_eq!(received.data.as_ref().unwrap()["from"], "li.wei@metro.example");
    assert!(server.unseen().await.is_empty(), "flagged \\Seen once stored");
    // The owner is told.
    let inbox: Value = t.app.ok(t.app.get("/api/v1/notifications", &t.agent).await, 200).await;
    assert!(inbox.to_string().contains("New e-mail ticket"), "{inbox}");
    // The acknowledgement answers the customer's message, in its thread.
    let raw = acknowledgement_to(&t.app, "li.wei@metro.example").await;
    assert!(raw.contains("In-Reply-To: <m1@metro.example>"), "{raw}");
    assert!(
        raw.contains("References: <m0@metro.example> <m1@metro.example>"),
        "{raw}"
    );
    assert!(raw.contains(&tk.number), "{raw}");
}

/// The acknowledgement delivered to the address, as sent.
async fn acknowledgement_to(app: &TestApp, to: &str) -> String {
    relay(app).await;
    let sent = app.mailer.delivered();
    let d = sent
        .iter()
        .rev()
        .find(|d| d.to.iter().any(|a| a.eq_ignore_ascii_case(to)))
        .expect("the acknowledgement");
    String::from_utf8(d.raw.clone()).unwrap()
}

#[tokio::test]
#[ignore = "needs Dovecot; .ci/run runs it"]
async fn a_reply_naming_the_ticket_joins_its_timeline() {
    need_dovecot!();
    let server = Dovecot::start(false);
    let t = setup(&server, |_| {}).await;
    contact(&t.app, "li.wei@metro.example", "zh").await;
    server
        .append(
            &mail("li.wei@metro.example", "m1@metro.example", "UPS alarm", "", "x"),
            "04-Dec-2026 09:30:00 +0800",
        )
        .await;
    poll(&t.node).await;
    let tk = messages(&t.app, "ticket").await[0].ticket_id.unwrap().0;
    let number = ticket(&t.app, tk).await.number;
    // A colleague answers with the number in the subject.
    let subject = format!("Re: UPS alarm [{number}]");
    server
        .append(
            &mail("wang@metro.example", "m2@metro.example", &subject, "", "Still beeping."),
            "04-Dec-2026 10:00:00 +0800",
        )
        .await;
    poll(&t.node).await;
    let replies = messages(&t.app, "reply").await;
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].ticket_id.unwrap().0, tk);
    assert_eq!(messages(&t.app, "ticket").await.len(), 1, "no second ticket");
    let events = timeline(&t.app, tk).await;
    assert_eq!(events.iter().filter(|e| e.kind == "mail_received").count(), 2);
    let inbox: Value = t.app.ok(t.app.get("/api/v1/notifications", &t.agent).await, 200).await;
    assert!(inbox.to_string().contains("E-mail from wang@metro.example"), "{inbox}");
}

#[tokio::test]
#[ignore = "needs Dovecot; .ci/run runs it"]
async fn automatic_mail_never_opens_a_ticket() {
    need_dovecot!();
    let server = Dovecot::start(false);
    let t = setup(&server, |_| {}).await;
    contact(&t.app, "li.wei@metro.example", "zh").await;
    let from = "li.wei@metro.example";
    let cases = [
        (
            from,
            "a1@metro.example",
            "Auto-Submitted: auto-replied\n",
            "auto_submitted",
        ),
        (from, "a2@metro.example", "X-Autoreply: yes\n", "auto_reply"),
        (
            "MAILER-DAEMON@mx.metro.example",
            "a3@metro.example",
            "Return-Path: <>\n",
            "bounce",
        ),
        (
            from,
            "a4@metro.example",
            "List-Id: <ops.metro.example>\nPrecedence: list\n",
            "precedence",
        ),
        (
            from,
            "a5@metro.example",
            "List-Unsubscribe: <mailto:leave@metro.example>\n",
            "mailing_list",
        ),
        (from, "a6@fieldline.example", "", "own_message"),
    ];
    for (f, id, extra, _) in cases {
        server
            .append(
                &mail(f, id, "Out of office", extra, "away"),
                "04-Dec-2026 09:30:00 +0800",
            )
            .await;
    }
    let run = poll(&t.node).await;
    assert_eq!(run.examined, 6);
    let ignored = messages(&t.app, "ignored").await;
    assert_eq!(ignored.len(), 6);
    for (_, id, _, reason) in cases {
        let m = ignored.iter().find(|m| m.message_id == format!("<{id}>")).unwrap();
        assert_eq!(m.reason.as_deref(), Some(reason), "{id}");
        assert_eq!(m.ticket_id, None);
    }
    let tickets: Value = t.app.ok(t.app.get("/api/v1/tickets", &t.app.admin).await, 200).await;
    assert_eq!(tickets["total"], 0, "{tickets}");
    assert!(server.unseen().await.is_empty());
}

#[tokio::test]
#[ignore = "needs Dovecot; .ci/run runs it"]
async fn an_unknown_sender_waits_in_the_intake_queue_until_an_agent_converts_or_discards() {
    need_dovecot!();
    let server = Dovecot::start(false);
    let t = setup(&server, |_| {}).await;
    let (customer, _) = contact(&t.app, "li.wei@metro.example", "zh").await;
    server
        .append(
            &mail(
                "Zhao Min <zhao@new.example>",
                "u1@new.example",
                "Printer jam",
                "",
                "Help",
            ),
            "04-Dec-2026 09:30:00 +0800",
        )
        .await;
    server
        .append(
            &mail("spam@bulk.example", "u2@bulk.example", "Cheap watches", "", "buy"),
            "04-Dec-2026 09:31:00 +0800",
        )
        .await;
    poll(&t.node).await;
    let queue = messages(&t.app, "intake").await;
    assert_eq!(queue.len(), 2);
    let tickets: Value = t.app.ok(t.app.get("/api/v1/tickets", &t.app.admin).await, 200).await;
    assert_eq!(tickets["total"], 0, "not a ticket: it has no customer");
    let printer = queue.iter().find(|m| m.subject == "Printer jam").unwrap();
    let spam = queue.iter().find(|m| m.subject == "Cheap watches").unwrap();
    // A technician may not work the queue.
    let tech = t.app.token(Role::Technician).await;
    assert_eq!(t.app.get("/api/v1/intake", &tech).await.status().as_u16(), 403);
    let done: InboundMessage = t
        .app
        .ok(
            t.app
                .post(
                    &format!("/api/v1/intake/{}/convert", printer.id.0),
                    &t.agent,
                    &json!({"customer_id": customer, "add_contact": true}),
                )
                .await,
            200,
        )
        .await;
    assert_eq!(done.outcome.as_str(), "ticket");
    let tk = ticket(&t.app, done.ticket_id.unwrap().0).await;
    assert_eq!(
        tk.opened_at,
        "2026-12-04T01:30:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap()
    );
    assert_eq!(tk.contact_email.as_deref(), Some("zhao@new.example"));
    assert_eq!(tk.owner_id.0, t.agent_id);
    // Its acknowledgement answers the message the agent converted.
    let raw = acknowledgement_to(&t.app, "zhao@new.example").await;
    assert!(raw.contains("In-Reply-To: <u1@new.example>"), "{raw}");
    // Handled once only.
    let again = t
        .app
        .post(
            &format!("/api/v1/intake/{}/discard", printer.id.0),
            &t.agent,
            &json!({"reason": "x"}),
        )
        .await;
    assert_eq!(again.status().as_u16(), 409);
    let missing = t
        .app
        .post(
            &format!("/api/v1/intake/{}/discard", spam.id.0),
            &t.agent,
            &json!({"reason": " "}),
        )
        .await;
    assert_eq!(missing.status().as_u16(), 422);
    let gone: InboundMessage = t
        .app
        .ok(
            t.app
                .post(
                    &format!("/api/v1/intake/{}/discard", spam.id.0),
                    &t.agent,
                    &json!({"reason": "spam"}),
                )
                .await,
            200,
        )
        .await;
    assert_eq!(
        (gone.outcome.as_str(), gone.reason.as_deref()),
        ("discarded", Some("spam"))
    );
    assert!(messages(&t.app, "intake").await.is_empty());
}

#[tokio::test]
#[ignore = "needs Dovecot; .ci/run runs it"]
async fn an_attachment_over_the_limit_is_refused_and_the_message_kept() {
    need_dovecot!();
    let server = Dovecot::start(false);
    let t = setup(&server, |s| s.intake.attachment_max_bytes = 1000).await;
    contact(&t.app, "li.wei@metro.example", "en").await;
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let (small, big) = (b"%PDF-1.7 small".to_vec(), vec![7u8; 5000]);
    let raw = format!(
        "From: li.wei@metro.example\nSubject: Photos\nMessage-ID: <p1@metro.example>\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nSee attached.\n\
         --b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"=?UTF-8?B?5oql5ZGKLnBkZg==?=\"\n\
         Content-Transfer-Encoding: base64\n\n{}\n--b\nContent-Type: image/jpeg\n\
         Content-Disposition: attachment; filename=\"big.jpg\"\nContent-Transfer-Encoding: base64\n\n{}\n--b--\n",
        b64(&small),
        b64(&big)
    );
    server.append(&raw, "04-Dec-2026 09:30:00 +0800").await;
    poll(&t.node).await;
    let m = &messages(&t.app, "ticket").await[0];
    assert_eq!(m.refused.len(), 1);
    assert_eq!(
        (m.refused[0].filename.as_str(), m.refused[0].reason.as_str()),
        ("big.jpg", "too_large")
    );
    let tk = m.ticket_id.unwrap().0;
    let files: Vec<TicketAttachment> = t
        .app
        .ok(
            t.app
                .get(&format!("/api/v1/tickets/{tk}/attachments"), &t.app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].filename, "报告.pdf");
    let resp = t
        .app
        .get(
            &format!("/api/v1/tickets/{tk}/attachments/{}", files[0].id.0),
            &t.app.admin,
        )
        .await;
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    let cd = resp.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(
        cd.starts_with("attachment;") && cd.contains("UTF-8''%E6%8A%A5%E5%91%8A.pdf"),
        "{cd}"
    );
    assert_eq!(resp.bytes().await.unwrap().to_vec(), small);
    let events = timeline(&t.app, tk).await;
    let e = events.iter().find(|e| e.kind == "mail_received").unwrap();
    assert_eq!(e.data.as_ref().unwrap()["refused"][0]["filename"], "big.jpg");
    // A technician not on the ticket does not find its files.
    let tech = t.app.token(Role::Technician).await;
    let hidden = t.app.get(&format!("/api/v1/tickets/{tk}/attachments"), &tech).await;
    assert_eq!(hidden.status().as_u16(), 404);
}

#[tokio::test]
#[ignore = "needs Dovecot; .ci/run runs it"]
async fn a_message_read_twice_opens_one_ticket() {
    need_dovecot!();
    let server = Dovecot::start(false);
    let t = setup(&server, |_| {}).await;
    contact(&t.app, "li.wei@metro.example", "zh").await;
    server
        .append(
            &mail("li.wei@metro.example", "d1@metro.example", "Fan noise", "", "x"),
            "04-Dec-2026 09:30:00 +0800",
        )
        .await;
    // A message without a Message-ID gets a stable one of its own.
    server
        .append(
            "From: li.wei@metro.example\nSubject: No id\nMIME-Version: 1.0\nContent-Type: text/plain\n\nx\n",
            "04-Dec-2026 09:31:00 +0800",
        )
        .await;
    assert_eq!(poll(&t.node).await.actions, 2);
    // As if the service had stopped after storing and before flagging: unseen again.
    server.mark_all_unseen().await;
    assert_eq!(server.unseen().await.len(), 2);
    let run = poll(&t.node).await;
    assert_eq!(
        (run.examined, run.actions),
        (2, 0),
        "read again, stored before: skipped"
    );
    assert_eq!(messages(&t.app, "ticket").await.len(), 2);
    let tickets: Value = t.app.ok(t.app.get("/api/v1/tickets", &t.app.admin).await, 200).await;
    assert_eq!(tickets["total"], 2);
    assert!(server.unseen().await.is_empty(), "flagged the second time");
}

#[tokio::test]
#[ignore = "needs Dovecot; .ci/run runs it"]
async fn a_gbk_subject_is_read_correctly() {
    need_dovecot!();
    let server = Dovecot::start(false);
    let t = setup(&server, |_| {}).await;
    contact(&t.app, "li.wei@metro.example", "zh").await;
    let raw = "From: =?GBK?B?wO7OsA==?= <li.wei@metro.example>\nSubject: =?GBK?B?u/q3v7bPtec=?=\n\
               Message-ID: <g1@metro.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=GB2312\n\
               Content-Transfer-Encoding: base64\n\nx+u+ob/stKbA7aOsu/q3v7bPteejoQ==\n";
    server.append(raw, "04-Dec-2026 09:30:00 +0800").await;
    poll(&t.node).await;
    let m = &messages(&t.app, "ticket").await[0];
    assert_eq!(m.subject, "机房断电");
    assert_eq!(m.from_name.as_deref(), Some("李伟"));
    let tk = ticket(&t.app, m.ticket_id.unwrap().0).await;
    assert_eq!(tk.title, "机房断电");
    assert_eq!(tk.description, "请尽快处理，机房断电！");
}

#[tokio::test]
#[ignore = "needs Dovecot; .ci/run runs it"]
async fn a_staff_reply_threads_back_to_the_ticket() {
    need_dovecot!();
    let server = Dovecot::start(false);
    let t = setup(&server, |_| {}).await;
    contact(&t.app, "li.wei@metro.example", "en").await;
    server
        .append(
            &mail("li.wei@metro.example", "r1@metro.example", "Door sensor", "", "Broken."),
            "04-Dec-2026 09:30:00 +0800",
        )
        .await;
    poll(&t.node).await;
    let tk = messages(&t.app, "ticket").await[0].ticket_id.unwrap().0;
    let number = ticket(&t.app, tk).await.number;
    let reply: TicketReply = t
        .app
        .ok(
            t.app
                .post(
                    &format!("/api/v1/tickets/{tk}/replies"),
                    &t.agent,
                    &json!({"text": "An engineer comes at 14:00."}),
                )
                .await,
            201,
        )
        .await;
    assert_eq!(reply.subject, format!("Re: Door sensor [{number}]"));
    assert_eq!(reply.in_reply_to.as_deref(), Some("<r1@metro.example>"));
    assert_eq!(reply.references, ["<r1@metro.example>"]);
    assert_eq!(reply.to, "li.wei@metro.example");
    relay(&t.app).await;
    let sent = t.app.mailer.delivered();
    let raw = String::from_utf8(sent.last().unwrap().raw.clone()).unwrap();
    assert!(raw.contains("In-Reply-To: <r1@metro.example>"), "{raw}");
    assert!(raw.contains(&number), "{raw}");
    assert!(
        raw.contains("keep the ticket number"),
        "the footer in the contact's language: {raw}"
    );
    // The customer answers the reply; the subject lost the number, the thread did not.
    let answer = mail(
        "li.wei@metro.example",
        "r2@metro.example",
        "Re: Door sensor",
        &format!(
            "In-Reply-To: {}\nReferences: <r1@metro.example> {}\n",
            reply.message_id, reply.message_id
        ),
        "Thanks, 14:00 is fine.",
    );
    server.append(&answer, "04-Dec-2026 10:30:00 +0800").await;
    poll(&t.node).await;
    let replies = messages(&t.app, "reply").await;
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].ticket_id.unwrap().0, tk);
    let events = timeline(&t.app, tk).await;
    assert!(events.iter().any(|e| e.kind == "mail_replied"));
    assert_eq!(events.iter().filter(|e| e.kind == "mail_received").count(), 2);
    // The next reply answers the customer's latest message.
    let next: TicketReply = t
        .app
        .ok(
            t.app
                .post(
                    &format!("/api/v1/tickets/{tk}/replies"),
                    &t.agent,
                    &json!({"text": "Noted."}),
                )
                .await,
            201,
        )
        .await;
    assert_eq!(next.in_reply_to.as_deref(), Some("<r2@metro.example>"));
    assert_eq!(next.references.last().map(String::as_str), Some("<r2@metro.example>"));
}

#[tokio::test]
#[ignore = "needs Dovecot; .ci/run runs it"]
async fn a_mailbox_is_read_over_tls_with_a_private_ca() {
    need_dovecot!();
    let server = Dovecot::start(true);
    let t = setup(&server, |_| {}).await;
    contact(&t.app, "li.wei@metro.example", "zh").await;
    server
        .append(
            &mail("li.wei@metro.example", "t1@metro.example", "Over TLS", "", "x"),
            "04-Dec-2026 09:30:00 +0800",
        )
        .await;
    let run = poll(&t.node).await;
    assert_eq!((run.examined, run.actions), (1, 1));
    assert_eq!(messages(&t.app, "ticket").await.len(), 1);
}
