//! The personal data that e-mail intake and the customer portal hold about a contact: the
//! e-mails they sent (on a ticket, or waiting in the intake queue from their former address),
//! the files that came with them, the files they added through the portal and their portal
//! sign-in links are in the export, cleared by the erasure (the Message-ID stays, so the message
//! read again is still known) and by the retention of a long-closed ticket.

use crate::helpers::TestApp;
use crate::portal::{send_file, sign_in};
use crate::privacy::{close, database, export, found, person, privacy_app, retention, EMAIL, NAME, OLD_EMAIL, PHONE};
use crate::tickets::{fixture, Fixture};
use chrono::Duration;
use fieldline::service::mail_intake::{self, Fetched, Stored};
use fieldline_mobile_api::{
    Contact, ErasureReceipt, InboundMessage, InboundOutcome, Page, PersonalDataExport, Ticket, TicketAttachment,
    TicketId,
};
use serde_json::json;

/// A message from `from` with a text and one attached file naming the contact.
fn raw(from: &str, id: &str, subject: &str) -> Vec<u8> {
    format!(
        "From: {NAME} <{from}>\r\nTo: support@fieldline.example\r\nSubject: {subject}\r\n\
         Message-ID: <{id}>\r\nDate: Fri, 4 Dec 2026 09:29:00 +0800\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         The UPS beeps again; my flat is by gate 3. {NAME}, {PHONE}\r\n\
         --b1\r\nContent-Type: text/plain; name=\"{NAME} log.txt\"\r\n\
         Content-Disposition: attachment; filename=\"{NAME} log.txt\"\r\n\r\n\
         E42 seen by {NAME} ({PHONE})\r\n--b1--\r\n"
    )
    .into_bytes()
}

/// Reads one message as the mailbox poll does (without an IMAP server).
fn receive(app: &TestApp, f: &Fixture, uid: u32, raw: Vec<u8>) -> Stored {
    let pool = database(app);
    let mut c = pool.get().unwrap();
    let now = app.clock.now();
    let fetched = Fetched {
        mailbox: "support".into(),
        owner: f.agent.username.clone(),
        uidvalidity: 1,
        uid,
        received_at: now,
        raw,
    };
    mail_intake::receive(&mut c, &app.settings, &fetched, now).expect("stored")
}

async fn ticket(app: &TestApp, id: TicketId) -> Ticket {
    app.ok(app.get(&format!("/api/v1/tickets/{id}"), &app.admin).await, 200)
        .await
}

async fn files(app: &TestApp, id: TicketId) -> Vec<TicketAttachment> {
    app.ok(
        app.get(&format!("/api/v1/tickets/{id}/attachments"), &app.admin).await,
        200,
    )
    .await
}

/// The contact's e-mail opens a ticket (with a file); a message from their former address
/// waits in the intake queue; they sign in to the portal and add a file to the ticket.
async fn mail_scene() -> (TestApp, Fixture, Contact, Ticket) {
    let app = privacy_app().await;
    let f = fixture(&app, "gold").await;
    let k = person(&app, &f).await;
    let first = raw(EMAIL, "m1@metro.example", "UPS alarm again");
    assert_eq!(receive(&app, &f, 1, first), Stored::New(InboundOutcome::Ticket));
    let old = raw(OLD_EMAIL, "m2@old-metro.example", "Still beeping");
    assert_eq!(receive(&app, &f, 2, old), Stored::New(InboundOutcome::Intake));
    let x = export(&app, &k).await;
    let t = ticket(&app, x.tickets[0].id).await;
    let me = sign_in(&app, EMAIL).await;
    let scan = format!("scan: {NAME} {PHONE}").into_bytes();
    let r = send_file(&app, &me, t.id.0, &format!("{NAME} ID.png"), "image/png", scan).await;
    assert_eq!(r.status(), 201);
    (app, f, k, t)
}

fn names(x: &PersonalDataExport) -> Vec<(Option<TicketId>, String, Vec<String>)> {
    x.inbound_emails
        .iter()
        .map(|m| (m.ticket_id, m.from_address.clone(), m.attachments.clone()))
        .collect()
}

#[tokio::test]
async fn the_export_holds_their_e_mails_files_and_portal_sign_ins() {
    let (app, _f, k, t) = mail_scene().await;
    let x = export(&app, &k).await;
    let log = format!("{NAME} log.txt");
    assert_eq!(
        names(&x),
        [
            (Some(t.id), EMAIL.to_string(), vec![log.clone()]),
            (None, OLD_EMAIL.to_string(), vec![log])
        ]
    );
    let first = &x.inbound_emails[0];
    assert_eq!(first.outcome, InboundOutcome::Ticket);
    assert_eq!(
        (first.subject.as_str(), first.from_name.as_deref()),
        ("UPS alarm again", Some(NAME))
    );
    assert!(first.body_text.contains("gate 3"), "{}", first.body_text);
    assert_eq!(x.inbound_emails[1].outcome, InboundOutcome::Intake);
    assert_eq!(x.uploads.len(), 1);
    assert_eq!(
        (x.uploads[0].filename.clone(), x.uploads[0].ticket_id),
        (format!("{NAME} ID.png"), Some(t.id))
    );
    assert_eq!(x.portal_links.len(), 1);
    assert_eq!(x.portal_links[0].email, EMAIL);
    assert!(x.portal_links[0].used_at.is_some(), "the link was used to sign in");
}

#[tokio::test]
async fn an_erasure_clears_their_e_mails_and_files_and_ends_their_portal_sign_ins() {
    let (app, f, k, t) = mail_scene().await;
    let url = format!("/api/v1/contacts/{}/erasure", k.id);
    let receipt: ErasureReceipt = app
        .ok(app.post(&url, &app.admin, &json!({"reason": "asked"})).await, 200)
        .await;
    let n = &receipt.counts;
    assert_eq!((n.inbound_emails, n.attachments, n.portal_links), (2, 3, 1), "{n:?}");

    // Nothing of theirs is left anywhere in the database, files' bytes included.
    let pool = database(&app);
    let mut c = pool.get().unwrap();
    let left = found(&mut c, &[NAME, PHONE, EMAIL, OLD_EMAIL]);
    assert!(left.is_empty(), "left after the erasure:\n{}", left.join("\n"));
    // Their own words are gone from the messages, the timeline and the audit trail; the ticket's
    // description is a copy of the e-mail, and like any ticket's text (and its snapshots in the
    // audit trail) loses only their values (docs/privacy.md).
    let words: Vec<String> = found(&mut c, &["gate 3"])
        .into_iter()
        .filter(|l| !l.starts_with("tickets.description") && !l.starts_with("audit_events.after_json"))
        .collect();
    assert!(words.is_empty(), "{}", words.join("\n"));

    // The message on their ticket stays, cleared; the one in the intake queue too (it is no
    // longer theirs by anything it holds, so the export finds it no more).
    let x = export(&app, &k).await;
    assert_eq!(x.inbound_emails.len(), 1);
    let queue: Page<InboundMessage> = app
        .ok(app.get("/api/v1/intake?outcome=intake", &app.admin).await, 200)
        .await;
    assert_eq!(queue.items.len(), 1);
    let queued = &queue.items[0];
    assert_eq!(
        (
            queued.from_address.as_str(),
            queued.from_name.as_deref(),
            queued.subject.as_str()
        ),
        ("[erased]", None, "[erased]")
    );
    assert_eq!(
        queued.message_id, "<m2@old-metro.example>",
        "kept for the deduplication"
    );
    for m in &x.inbound_emails {
        assert_eq!(
            (
                m.from_address.as_str(),
                m.from_name.as_deref(),
                m.subject.as_str(),
                m.body_text.as_str()
            ),
            ("[erased]", None, "[erased]", "[erased]")
        );
        assert_eq!(m.attachments, ["[erased]"]);
    }
    assert_eq!(x.uploads.len(), 1);
    assert_eq!(
        (x.uploads[0].filename.as_str(), x.uploads[0].size_bytes),
        ("[erased]", 0)
    );
    assert!(x.portal_links.is_empty());
    let on_ticket = files(&app, t.id).await;
    assert_eq!(on_ticket.len(), 2, "the ticket still shows that files were there");
    assert!(on_ticket.iter().all(|a| a.filename == "[erased]" && a.size_bytes == 0));

    // The Message-ID stays: the message read again is known and changes nothing.
    let again = raw(EMAIL, "m1@metro.example", "UPS alarm again");
    assert_eq!(receive(&app, &f, 9, again), Stored::Duplicate);
    assert!(found(&mut c, &[EMAIL]).is_empty());
    // A second erasure finds nothing to erase.
    let r = app.post(&url, &app.admin, &json!({"reason": "again"})).await;
    assert_eq!(r.status(), 409);
    // Their portal session ended with the links.
    assert!(export(&app, &k).await.portal_links.is_empty());
}

#[tokio::test]
async fn retention_clears_the_e_mails_and_files_of_a_long_closed_ticket() {
    let (app, f, k, t) = mail_scene().await;
    close(&app, &f, &t).await;
    app.clock.advance(Duration::days(3 * 365 + 1));
    let r = retention(&app).await;
    assert_eq!((r.examined, r.actions), (1, 1));

    let on_ticket = files(&app, t.id).await;
    assert_eq!(on_ticket.len(), 2);
    assert!(
        on_ticket.iter().all(|a| a.filename == "[erased]" && a.size_bytes == 0),
        "{on_ticket:?}"
    );
    let x = export(&app, &k).await;
    let on_it = x.inbound_emails.iter().find(|m| m.ticket_id == Some(t.id)).unwrap();
    assert_eq!(
        (
            on_it.from_address.as_str(),
            on_it.subject.as_str(),
            on_it.body_text.as_str()
        ),
        ("[erased]", "[erased]", "[erased]")
    );
    // The message in the intake queue belongs to no closed ticket: it is the erasure's.
    let queued = x.inbound_emails.iter().find(|m| m.ticket_id.is_none()).unwrap();
    assert_eq!(queued.from_address, OLD_EMAIL);
    let now = ticket(&app, t.id).await;
    assert_eq!((now.contact_name, now.contact_email), (None, None));

    // A second run finds nothing more to do.
    let r = retention(&app).await;
    assert_eq!(r.actions, 0);
}
