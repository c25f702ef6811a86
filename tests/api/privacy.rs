//! Personal data of a customer contact: the export holds what the service keeps about them; the
//! erasure leaves no trace of their name, phone number or e-mail address anywhere in the
//! database (read table by table from the catalogue, so new tables are covered) while the
//! tickets, the fact of each e-mail and the audit events stay; closed tickets lose their
//! contact's data after the retention period.

use crate::helpers::{problem, spawn_app_full, TestApp};
use crate::mail::relay;
use crate::tickets::{at, fixture, Fixture, FRIDAY_1650};
use chrono::Duration;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};
use fieldline::clock::Clock;
use fieldline::db::DbConn;
use fieldline_mobile_api::{
    AuditEvent, Contact, ErasureReceipt, JobRun, OutboxMessage, OutboxStatus, Page, PersonalDataExport, Role, Ticket,
};
use serde_json::json;

pub const NAME: &str = "Qian Duoduo";
pub const PHONE: &str = "+86 139 1234 5678";
pub const EMAIL: &str = "qian.duoduo@metro.example";
/// The contact's e-mail address before they changed it.
pub const OLD_EMAIL: &str = "duoduo.q@old-metro.example";

pub async fn privacy_app() -> TestApp {
    spawn_app_full(
        |s| s.public_url = "https://service.example.test".into(),
        Clock::fake(at(FRIDAY_1650)),
    )
    .await
}

/// A contact of the fixture's customer with a name, phone number and e-mail address; their
/// first address was another. The customer gets the closing e-mails only (the other notices are
/// switched off, so the counts below are of the closing e-mails).
pub async fn person(app: &TestApp, f: &Fixture) -> Contact {
    let off = json!({"acknowledgement": false, "visit_changes": false, "on_the_way": false, "resolved": false});
    let r = app
        .http
        .put(app.url(&format!("/api/v1/customers/{}/notices", f.customer)))
        .bearer_auth(&app.admin)
        .json(&off)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let k: Contact = app
        .ok(
            app.post(
                &format!("/api/v1/customers/{}/contacts", f.customer),
                &app.admin,
                &json!({"name": NAME, "phone": PHONE, "email": OLD_EMAIL}),
            )
            .await,
            201,
        )
        .await;
    app.ok(
        app.patch(
            &format!("/api/v1/contacts/{}", k.id),
            &app.admin,
            &json!({"email": EMAIL}),
        )
        .await,
        200,
    )
    .await
}

async fn ticket_of(app: &TestApp, f: &Fixture, contact: &Contact) -> Ticket {
    let body = json!({"customer_id": f.customer, "contact_id": contact.id, "asset_id": f.asset, "channel": "phone",
        "priority": "p3", "title": "UPS alarm", "description": format!("{NAME} called: the UPS beeps."),
        "unrelated_reason": "a test's own matter"});
    app.ok(app.post("/api/v1/tickets", &f.token, &body).await, 201).await
}

/// Resolves the ticket and records the contact's acceptance: the closing e-mail is queued.
pub async fn close(app: &TestApp, f: &Fixture, t: &Ticket) {
    let _: Ticket = app
        .ok(
            app.post(&format!("/api/v1/tickets/{}/resolve", t.id), &f.token, &json!({}))
                .await,
            200,
        )
        .await;
    let _: Ticket = app
        .ok(
            app.post(
                &format!("/api/v1/tickets/{}/acceptance", t.id),
                &f.token,
                &json!({"accepted_by": NAME, "satisfied": true}),
            )
            .await,
            200,
        )
        .await;
}

/// The survey token of the closing e-mail about the ticket (after the relay sent it).
async fn survey_token(app: &TestApp, t: &Ticket) -> String {
    let raws: Vec<Vec<u8>> = app.mailer.delivered().into_iter().map(|d| d.raw).collect();
    for raw in &raws {
        let msg = mail_parser::MessageParser::default().parse(raw).expect("a message");
        let text = msg.body_text(0).unwrap_or_default().into_owned();
        // The closing e-mail (other notices about the ticket carry its number too).
        if msg.subject().is_some_and(|s| s.contains(&t.number)) && text.contains("/survey/") {
            let link = text
                .split_whitespace()
                .find(|w| w.contains("/survey/"))
                .expect("a link");
            return link.rsplit('/').next().unwrap().split('?').next().unwrap().to_string();
        }
    }
    panic!("no closing e-mail for {}", t.number)
}

pub async fn retention(app: &TestApp) -> JobRun {
    app.ok(
        app.post("/api/v1/jobs/personal_data_retention/run", &app.admin, &json!({}))
            .await,
        200,
    )
    .await
}

pub async fn export(app: &TestApp, contact: &Contact) -> PersonalDataExport {
    app.ok(
        app.get(&format!("/api/v1/contacts/{}/personal-data", contact.id), &app.admin)
            .await,
        200,
    )
    .await
}

async fn outbox_of(app: &TestApp, t: &Ticket) -> Vec<OutboxMessage> {
    let page: Page<OutboxMessage> = app
        .ok(
            app.get(&format!("/api/v1/outbox?ticket_id={}", t.id), &app.admin).await,
            200,
        )
        .await;
    page.items
}

/// Every text held in the database, table by table and column by column, as the catalogue
/// lists them (so a table added later is searched too), with where it was found.
fn every_text(c: &mut DbConn) -> Vec<(String, String)> {
    #[derive(QueryableByName)]
    struct Column {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        column_name: String,
    }
    #[derive(QueryableByName)]
    struct Cell {
        #[diesel(sql_type = Nullable<Text>)]
        v: Option<String>,
    }
    let columns: Vec<Column> = match c {
        DbConn::Pg(_) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             AND data_type IN ('text', 'character varying', 'bytea')",
        )
        .load(c)
        .unwrap(),
        DbConn::Sqlite(_) => {
            #[derive(QueryableByName)]
            struct Table {
                #[diesel(sql_type = Text)]
                name: String,
            }
            let tables: Vec<Table> =
                diesel::sql_query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                    .load(c)
                    .unwrap();
            let mut out = Vec::new();
            for t in tables {
                let cols: Vec<Column> = diesel::sql_query(format!(
                    "SELECT '{0}' AS table_name, name AS column_name FROM pragma_table_info('{0}')",
                    t.name
                ))
                .load(c)
                .unwrap();
                out.extend(cols);
            }
            out
        }
    };
    assert!(columns.len() > 50, "the catalogue lists the columns");
    let mut out = Vec::new();
    for col in columns {
        // Bytes (signatures, attachments) are read as text too: an address in them is found.
        let cast = match c {
            DbConn::Pg(_) => format!("encode(convert_to(\"{}\"::text, 'UTF8'), 'escape')", col.column_name),
            DbConn::Sqlite(_) => format!("CAST(\"{}\" AS TEXT)", col.column_name),
        };
        let sql = format!("SELECT {cast} AS v FROM \"{}\"", col.table_name);
        let cells: Vec<Cell> = diesel::sql_query(sql).load(c).unwrap();
        let place = format!("{}.{}", col.table_name, col.column_name);
        out.extend(cells.into_iter().filter_map(|v| v.v).map(|v| (place.clone(), v)));
    }
    out
}

/// Where in the database any of `needles` stands (any case).
pub fn found(c: &mut DbConn, needles: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for (place, text) in every_text(c) {
        let lower = text.to_lowercase();
        for n in needles {
            if lower.contains(&n.to_lowercase()) {
                out.push(format!(
                    "{place} holds {n:?}: {}",
                    text.chars().take(200).collect::<String>()
                ));
            }
        }
    }
    out
}

pub fn database(app: &TestApp) -> fieldline::db::Pool {
    fieldline::db::connect(&app.settings.database_url, 1).expect("the test database")
}

/// A contact with two closed tickets: the first one's e-mail sent and its survey answered (the
/// comment names them), the second one's e-mail still waiting.
async fn scene() -> (TestApp, Fixture, Contact, Ticket, Ticket) {
    let app = privacy_app().await;
    let f = fixture(&app, "gold").await;
    let k = person(&app, &f).await;
    let sent = ticket_of(&app, &f, &k).await;
    close(&app, &f, &sent).await;
    relay(&app).await;
    let token = survey_token(&app, &sent).await;
    let r = app
        .post_anon(
            &format!("/api/v1/surveys/{token}"),
            &json!({"score": 4, "comment": format!("Fast. Call me on {PHONE} next time. {NAME}")}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    let waiting = ticket_of(&app, &f, &k).await;
    close(&app, &f, &waiting).await;
    (app, f, k, sent, waiting)
}

#[tokio::test]
async fn the_export_holds_the_contact_their_tickets_answers_and_e_mails() {
    let (app, f, k, sent, waiting) = scene().await;
    let x = export(&app, &k).await;
    assert_eq!(x.contact, k);
    assert!(!x.erased);
    let tickets: Vec<_> = x.tickets.iter().map(|t| t.id).collect();
    assert_eq!(tickets, [sent.id, waiting.id]);
    for t in &x.tickets {
        assert_eq!(
            (
                t.contact_name.as_deref(),
                t.contact_phone.as_deref(),
                t.contact_email.as_deref()
            ),
            (Some(NAME), Some(PHONE), Some(EMAIL))
        );
    }
    assert_eq!(x.surveys.len(), 1);
    assert_eq!(x.surveys[0].ticket_id, sent.id);
    assert!(x.surveys[0].comment.as_deref().unwrap().contains(PHONE));
    assert_eq!(x.survey_links.len(), 2, "one link per closing e-mail");
    assert!(x.survey_links.iter().all(|l| l.recipient == EMAIL));
    let to_them: Vec<_> = x.emails.iter().filter(|m| m.recipients == [EMAIL]).collect();
    assert_eq!(to_them.len(), 2, "{:?}", x.emails);
    assert_eq!(to_them[0].status, OutboxStatus::Sent);
    assert!(to_them[0].body_text.contains("/survey/"));
    assert_eq!(to_them[1].status, OutboxStatus::Pending);
    // Other records naming them: the description, the acceptance, the timeline, the audit trail
    // (with their old address, from before the change).
    let records: std::collections::BTreeSet<&str> = x.mentions.iter().map(|m| m.record.as_str()).collect();
    for r in ["tickets", "acceptances", "audit_events"] {
        assert!(records.contains(r), "no mention in {r}: {records:?}");
    }
    assert!(x.mentions.iter().any(|m| m.text.contains(OLD_EMAIL)));

    // Only admins export.
    for role in [Role::Agent, Role::Supervisor, Role::AccountManager, Role::Manager] {
        let token = app.token(role).await;
        let r = app
            .get(&format!("/api/v1/contacts/{}/personal-data", k.id), &token)
            .await;
        problem(r, 403, "forbidden").await;
    }
    problem(
        app.get(&format!("/api/v1/contacts/{}/personal-data", k.id), &f.token)
            .await,
        403,
        "forbidden",
    )
    .await;
    problem(
        app.get("/api/v1/contacts/999999/personal-data", &app.admin).await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn an_erasure_leaves_no_personal_data_and_keeps_the_facts() {
    let (app, f, k, sent, waiting) = scene().await;
    let pool = database(&app);
    let mut c = pool.get().unwrap();
    assert!(
        !found(&mut c, &[NAME, PHONE, EMAIL, OLD_EMAIL]).is_empty(),
        "the search finds them before"
    );
    let url = format!("/api/v1/contacts/{}/erasure", k.id);

    // Only admins erase, and with a reason.
    problem(
        app.post(&url, &f.token, &json!({"reason": "asked"})).await,
        403,
        "forbidden",
    )
    .await;
    problem(
        app.post(&url, &app.admin, &json!({"reason": " "})).await,
        422,
        "validation_failed",
    )
    .await;

    let reason = format!("{NAME} asked by letter of 2026-11-18 (PIPL art. 47)");
    let receipt: ErasureReceipt = app
        .ok(app.post(&url, &app.admin, &json!({"reason": reason})).await, 200)
        .await;
    assert_eq!(receipt.contact_id, k.id);
    assert_eq!(receipt.counts.tickets, 2);
    assert_eq!(receipt.counts.surveys, 1);
    assert_eq!(receipt.counts.survey_links, 2);
    assert_eq!((receipt.counts.emails, receipt.counts.emails_cancelled), (2, 1));
    assert!(receipt.counts.audit_events > 5, "{:?}", receipt.counts);
    assert!(receipt.counts.other_records > 0, "{:?}", receipt.counts);

    // Nothing of theirs is left anywhere in the database.
    let left = found(&mut c, &[NAME, PHONE, EMAIL, OLD_EMAIL]);
    assert!(left.is_empty(), "left after the erasure:\n{}", left.join("\n"));

    // The export holds nothing personal.
    let x = export(&app, &k).await;
    assert!(x.erased);
    assert_eq!(x.contact.name, format!("erased contact #{}", k.id.0));
    assert_eq!((x.contact.phone.as_deref(), x.contact.email.as_deref()), (None, None));
    assert!(x.mentions.is_empty(), "{:?}", x.mentions);
    assert!(x.surveys.iter().all(|s| s.comment.is_none()));
    assert_eq!(x.surveys[0].score, 4, "the score stays for the service's figures");

    // The tickets stay, without their contact's fields.
    for t in [&sent, &waiting] {
        let now: Ticket = app
            .ok(app.get(&format!("/api/v1/tickets/{}", t.id), &app.admin).await, 200)
            .await;
        assert_eq!((now.number.as_str(), now.contact_id), (t.number.as_str(), Some(k.id)));
        assert_eq!(
            (now.contact_name, now.contact_phone, now.contact_email),
            (None, None, None)
        );
    }
    // The sent e-mail stays as a fact without its address; the waiting one is cancelled, and the
    // relay sends nothing more.
    let sent_mail = &outbox_of(&app, &sent).await[0];
    assert_eq!(sent_mail.status, OutboxStatus::Sent);
    assert_eq!(sent_mail.recipients, ["[erased]"]);
    let waiting_mail = &outbox_of(&app, &waiting).await[0];
    assert_eq!(waiting_mail.status, OutboxStatus::Cancelled);
    let before = app.mailer.delivered().len();
    relay(&app).await;
    assert_eq!(app.mailer.delivered().len(), before, "a cancelled e-mail is not sent");

    // The audit trail keeps the fact, the reason (without their name) and the counts.
    let trail: Page<AuditEvent> = app
        .ok(
            app.get(&format!("/api/v1/audit?entity=contact&entity_id={}", k.id), &app.admin)
                .await,
            200,
        )
        .await;
    let actions: Vec<&str> = trail.items.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"create") && actions.contains(&"update"),
        "{actions:?}"
    );
    let erase = trail
        .items
        .iter()
        .find(|e| e.action == "erase")
        .expect("the erase event");
    assert_eq!(
        erase.after.as_ref().unwrap()["reason"],
        "[erased] asked by letter of 2026-11-18 (PIPL art. 47)"
    );
    assert_eq!(erase.after.as_ref().unwrap()["counts"]["tickets"], 2);

    // A second erasure is refused: there is nothing left to erase.
    problem(
        app.post(&url, &app.admin, &json!({"reason": "again"})).await,
        409,
        "conflict",
    )
    .await;
}

#[tokio::test]
async fn closed_tickets_lose_their_contacts_data_after_the_retention_period() {
    let app = privacy_app().await;
    let f = fixture(&app, "gold").await;
    let k = person(&app, &f).await;
    let old = ticket_of(&app, &f, &k).await;
    close(&app, &f, &old).await;
    relay(&app).await;
    // Two years later another ticket of theirs is closed.
    app.clock.advance(Duration::days(2 * 365));
    let recent = ticket_of(&app, &f, &k).await;
    close(&app, &f, &recent).await;
    relay(&app).await;
    // Within three years of the first closing, nothing is due.
    let r = retention(&app).await;
    assert_eq!((r.ran, r.actions), (true, 0));
    app.clock.advance(Duration::days(365 + 1));
    let r = retention(&app).await;
    assert_eq!((r.examined, r.actions), (1, 1), "the old ticket only");

    let ticket = |t: &Ticket| format!("/api/v1/tickets/{}", t.id);
    let old_now: Ticket = app.ok(app.get(&ticket(&old), &app.admin).await, 200).await;
    assert_eq!(
        (old_now.contact_name, old_now.contact_phone, old_now.contact_email),
        (None, None, None)
    );
    assert!(!old_now.description.contains(NAME), "{}", old_now.description);
    let mail = &outbox_of(&app, &old).await[0];
    assert_eq!(
        (mail.status, mail.recipients.clone()),
        (OutboxStatus::Sent, vec!["[erased]".to_string()])
    );
    let recent_now: Ticket = app.ok(app.get(&ticket(&recent), &app.admin).await, 200).await;
    assert_eq!(recent_now.contact_email.as_deref(), Some(EMAIL), "not yet due");
    // The contact themself stays: the retention is of the tickets' copies.
    let contact: Page<Contact> = app
        .ok(
            app.get(&format!("/api/v1/customers/{}/contacts", f.customer), &app.admin)
                .await,
            200,
        )
        .await;
    assert!(contact
        .items
        .iter()
        .any(|c| c.id == k.id && c.email.as_deref() == Some(EMAIL)));
    // The ticket's audit trail says what happened, without the data.
    let trail: Page<AuditEvent> = app
        .ok(
            app.get(&format!("/api/v1/audit?entity=ticket&entity_id={}", old.id), &app.admin)
                .await,
            200,
        )
        .await;
    let expired = trail
        .items
        .iter()
        .find(|e| e.action == "personal_data_expired")
        .expect("the event");
    assert_eq!(expired.after.as_ref().unwrap()["retention_days"], 1095);
    let text = serde_json::to_string(&trail.items).unwrap();
    assert!(
        !text.contains(EMAIL) && !text.contains(PHONE) && !text.contains(NAME),
        "{text}"
    );

    // A second run finds nothing more to do.
    let r = retention(&app).await;
    assert_eq!(r.actions, 0);
}

#[tokio::test]
async fn a_retention_of_zero_keeps_the_data() {
    let app = spawn_app_full(|s| s.closed_ticket_personal_days = 0, Clock::fake(at(FRIDAY_1650))).await;
    let f = fixture(&app, "gold").await;
    let k = person(&app, &f).await;
    let t = ticket_of(&app, &f, &k).await;
    close(&app, &f, &t).await;
    app.clock.advance(Duration::days(100 * 365));
    let r = retention(&app).await;
    assert_eq!((r.ran, r.actions), (true, 0));
    let now: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{}", t.id), &app.admin).await, 200)
        .await;
    assert_eq!(now.contact_email.as_deref(), Some(EMAIL));
}
