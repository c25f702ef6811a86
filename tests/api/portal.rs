//! The customer portal: the one-time sign-in link (single use, expiry, the per-address bound,
//! no enumeration), tokens of other purposes refused, the session and its end; the contact's
//! object-level limits (another customer's records are "not found" on every endpoint); and the
//! contact's own acts: a request, the remote authorization, a quote's answer, the acceptance
//! and its rejection, the survey, the upcoming visits.

use crate::helpers::{problem, spawn_app_full, TestApp, JWT_SECRET};
use crate::mail::relay;
use crate::mobile::setup;
use crate::quotes::one_line;
use crate::tickets::{at, fixture, Fixture, FRIDAY_1650};
use chrono::Duration;
use fieldline::auth::tokens::TokenKeys;
use fieldline::clock::Clock;
use fieldline::config::Settings;
use fieldline_mobile_api::{
    AuditEvent, Page, PortalAwaiting, PortalContact, PortalSession, PortalTicket, PortalTicketDetail, PortalVisit,
    Quote, QuoteStatus, RemoteAuthorization, Role, Ticket, TicketAttachment, TicketEvent, TicketStatus, UserId,
};
use serde_json::{json, Value};

/// An application on a fake clock at Friday 16:50 in Shanghai.
async fn portal_app() -> TestApp {
    spawn_app_full(|_| {}, Clock::fake(at(FRIDAY_1650))).await
}

/// A contact of the customer with an e-mail address, in a language.
pub async fn mail_contact(app: &TestApp, customer: i64, name: &str, email: &str, language: &str) -> i64 {
    let body = json!({"name": name, "email": email, "language": language});
    let k: Value = app
        .ok(
            app.post(&format!("/api/v1/customers/{customer}/contacts"), &app.admin, &body)
                .await,
            201,
        )
        .await;
    k["id"].as_i64().unwrap()
}

/// Asks for a sign-in link for the address: always 202.
pub async fn ask(app: &TestApp, email: &str) {
    let r = app.post_anon("/api/v1/portal/sign-in", &json!({"email": email})).await;
    assert_eq!(r.status(), 202);
}

/// The sign-in e-mails delivered to the address so far: (subject, link token).
pub fn sign_in_mails(app: &TestApp, email: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for d in app.mailer.delivered() {
        if !d.to.iter().any(|t| t.eq_ignore_ascii_case(email)) {
            continue;
        }
        let msg = mail_parser::MessageParser::default().parse(&d.raw).expect("a message");
        let text = msg.body_text(0).unwrap().into_owned();
        if let Some(line) = text.lines().find(|l| l.contains("/portal/#/sign-in?token=")) {
            let token = line.trim().split("token=").nth(1).unwrap().to_string();
            out.push((msg.subject().unwrap_or("").to_string(), token));
        }
    }
    out
}

/// Asks for a link, relays the outbox, and gives the newest link's token.
pub async fn link_token(app: &TestApp, email: &str) -> String {
    ask(app, email).await;
    relay(app).await;
    sign_in_mails(app, email).pop().expect("a sign-in e-mail").1
}

async fn exchange(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_anon("/api/v1/portal/session", &json!({"token": token})).await
}

/// Signs the address in; gives the session's bearer token.
pub async fn sign_in(app: &TestApp, email: &str) -> String {
    let token = link_token(app, email).await;
    let s: PortalSession = app.ok(exchange(app, &token).await, 200).await;
    s.access_token
}

fn portal(path: &str) -> String {
    format!("/api/v1/portal{path}")
}

#[tokio::test]
async fn a_sign_in_link_opens_one_session_once_and_sign_out_ends_it() {
    let app = portal_app().await;
    let f = fixture(&app, "standard").await;
    let email = "Li.Na@metro.example";
    let contact = mail_contact(&app, f.customer, "Li Na", email, "zh").await;
    // An unknown address gets the same answer and nothing is sent.
    ask(&app, "nobody@metro.example").await;
    relay(&app).await;
    assert!(app.mailer.delivered().is_empty());
    // The known one (in any case) gets a link, in the contact's language.
    ask(&app, "li.na@METRO.example").await;
    relay(&app).await;
    let mails = sign_in_mails(&app, "li.na@metro.example");
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].0, "Hangzhou Metro客户服务门户登录链接");
    let token = mails[0].1.clone();
    let s: PortalSession = app.ok(exchange(&app, &token).await, 200).await;
    assert_eq!(s.token_type, "Bearer");
    assert_eq!(s.expires_in, 12 * 3600);
    assert_eq!((s.contact.id.0, s.contact.customer_id.0), (contact, f.customer));
    assert_eq!(s.contact.time_zone, "Asia/Shanghai");
    let me: PortalContact = app.ok(app.get(&portal("/me"), &s.access_token).await, 200).await;
    assert_eq!(me.name, "Li Na");
    // Once only.
    problem(exchange(&app, &token).await, 409, "link_used").await;
    // The audit trail names the contact.
    let trail: Page<AuditEvent> = app
        .ok(app.get("/api/v1/audit?entity=portal_link", &app.admin).await, 200)
        .await;
    let signed_in = trail
        .items
        .iter()
        .find(|e| e.action == "sign_in")
        .expect("a sign-in event");
    assert_eq!(
        (signed_in.actor_id, signed_in.actor_contact_id.map(|c| c.0)),
        (None, Some(contact))
    );
    // Signing out ends the session at once.
    let r = app.post(&portal("/sign-out"), &s.access_token, &json!({})).await;
    assert_eq!(r.status(), 204);
    problem(app.get(&portal("/me"), &s.access_token).await, 401, "token_invalid").await;
    // A malformed address is a field error; a tampered link is not found.
    let r = app
        .post_anon(&portal("/sign-in"), &json!({"email": "not an address"}))
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("email")
    );
    let mut tampered = link_token(&app, email).await;
    tampered.insert(tampered.len() - 3, 'x');
    problem(exchange(&app, &tampered).await, 404, "not_found").await;
}

#[tokio::test]
async fn an_expired_link_is_refused_and_a_session_ends_after_its_hours() {
    let app = portal_app().await;
    let f = fixture(&app, "standard").await;
    let email = "zhou@metro.example";
    mail_contact(&app, f.customer, "Zhou Jie", email, "en").await;
    let token = link_token(&app, email).await;
    assert_eq!(
        sign_in_mails(&app, email)[0].0,
        "Your sign-in link to the service portal of Hangzhou Metro"
    );
    app.clock.advance(Duration::minutes(16));
    problem(exchange(&app, &token).await, 410, "link_expired").await;
    let session = sign_in(&app, email).await;
    app.clock.advance(Duration::hours(12) + Duration::minutes(1));
    problem(app.get(&portal("/tickets"), &session).await, 401, "token_expired").await;
}

#[tokio::test]
async fn links_to_one_address_are_bounded_per_hour_and_the_answer_stays_the_same() {
    // A per-customer bound of 2 an hour, below the 5 links an address may be sent.
    let app = spawn_app_full(|s| s.mail.per_customer_per_hour = 2, Clock::fake(at(FRIDAY_1650))).await;
    let f = fixture(&app, "standard").await;
    let email = "wang@metro.example";
    mail_contact(&app, f.customer, "Wang Fang", email, "en").await;
    for _ in 0..7 {
        ask(&app, email).await;
    }
    relay(&app).await;
    assert_eq!(sign_in_mails(&app, email).len(), 5);
    let metrics = app.get("/metrics", &app.admin).await.text().await.unwrap();
    assert!(
        metrics.contains(r#"fieldline_portal_sign_in_requests_total{outcome="limited"} 2"#),
        "{metrics}"
    );
    // The sign-in e-mails are urgent: the customer's hourly bound of 2 did not hold them back.
    let outbox: Value = app.ok(app.get("/api/v1/outbox", &app.admin).await, 200).await;
    assert!(
        outbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["urgent"] == true && m["status"] == "sent" && m["customer_id"] == f.customer),
        "{outbox}"
    );
    app.clock.advance(Duration::minutes(61));
    ask(&app, email).await;
    relay(&app).await;
    assert_eq!(sign_in_mails(&app, email).len(), 6);
}

#[tokio::test]
async fn tokens_of_other_purposes_are_not_portal_tokens_nor_the_other_way_round() {
    let app = portal_app().await;
    let f = fixture(&app, "standard").await;
    let email = "chen@metro.example";
    mail_contact(&app, f.customer, "Chen Jing", email, "en").await;
    let keys = TokenKeys::new(&Settings {
        jwt_secret: JWT_SECRET.into(),
        ..Settings::default()
    });
    let now = app.clock.now();
    let survey = keys.issue_survey(1, "jti-x", now, now + Duration::days(1)).unwrap();
    let (staff, _) = keys.issue(UserId(1), Role::Admin, "admin", 0, now).unwrap();
    // Neither opens a session ...
    for t in [&survey, &staff, &f.token, &app.admin] {
        problem(exchange(&app, t).await, 404, "not_found").await;
        // ... nor is a session.
        problem(app.get(&portal("/tickets"), t).await, 401, "token_invalid").await;
    }
    // A link is not a session, and a session is no staff token.
    let link = link_token(&app, email).await;
    problem(app.get(&portal("/me"), &link).await, 401, "token_invalid").await;
    let s: PortalSession = app.ok(exchange(&app, &link).await, 200).await;
    problem(app.get("/api/v1/tickets", &s.access_token).await, 401, "token_invalid").await;
    problem(app.get(&portal("/me"), "").await, 401, "unauthorized").await;
}

/// The other customer's ticket, quote, visit, site and asset, from the mobile setup (a ticket
/// on site with an assigned visit) with a proposed quote on the visit.
struct Theirs {
    ticket: i64,
    quote: i64,
    visit: i64,
    site: i64,
    asset: i64,
}

#[tokio::test]
async fn a_contact_finds_nothing_of_another_customer_on_any_endpoint() {
    let s = setup().await;
    let app = &s.app;
    let q: Quote = app
        .ok(
            app.post(
                &format!("/api/v1/visits/{}/quotes", s.visit.id),
                &s.dispatcher,
                &one_line(120.0),
            )
            .await,
            201,
        )
        .await;
    let theirs = Theirs {
        ticket: s.visit.ticket_id.unwrap().0,
        quote: q.id.0,
        visit: s.visit.id.0,
        site: s.f.site,
        asset: s.f.asset,
    };
    // Another customer with a contact of its own.
    let mine: Value = app
        .ok(
            app.post(
                "/api/v1/customers",
                &app.admin,
                &json!({"name": "Other Co", "tier": "standard"}),
            )
            .await,
            201,
        )
        .await;
    let email = "ma@other.example";
    mail_contact(app, mine["id"].as_i64().unwrap(), "Ma Lin", email, "en").await;
    let me = sign_in(app, email).await;
    let id = theirs.ticket;
    for path in [
        format!("/tickets/{id}"),
        format!("/tickets/{id}/attachments"),
        format!("/tickets/{id}/attachments/1"),
        format!("/quotes/{}", theirs.quote),
        format!("/visits/{}", theirs.visit),
        format!("/sites/{}", theirs.site),
    ] {
        problem(app.get(&portal(&path), &me).await, 404, "not_found").await;
    }
    for (path, body) in [
        (format!("/tickets/{id}/remote-authorization"), json!({})),
        (format!("/tickets/{id}/acceptance"), json!({"satisfied": true})),
        (format!("/tickets/{id}/survey"), json!({"score": 5})),
        (format!("/quotes/{}/answer", theirs.quote), json!({"approve": true})),
    ] {
        problem(app.post(&portal(&path), &me, &body).await, 404, "not_found").await;
    }
    problem(
        send_file(app, &me, id, "x.txt", "text/plain", b"x".to_vec()).await,
        404,
        "not_found",
    )
    .await;
    // Their site or asset in a request is one that does not exist.
    for (field, body) in [
        (
            "site_id",
            json!({"site_id": theirs.site, "title": "x", "description": "y"}),
        ),
        (
            "asset_id",
            json!({"asset_id": theirs.asset, "title": "x", "description": "y"}),
        ),
    ] {
        let p = problem(
            app.post(&portal("/tickets"), &me, &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p.field.as_deref(), Some(field));
    }
    // Lists hold only the contact's own.
    let list: Page<PortalTicket> = app.ok(app.get(&portal("/tickets"), &me).await, 200).await;
    assert_eq!(list.total, 0);
    let visits: Vec<PortalVisit> = app.ok(app.get(&portal("/visits"), &me).await, 200).await;
    assert!(visits.is_empty());
    let sites: Vec<Value> = app.ok(app.get(&portal("/sites"), &me).await, 200).await;
    assert!(sites.is_empty());
    // Nothing was changed on their quote.
    let quotes: Vec<Quote> = app
        .ok(
            app.get(&format!("/api/v1/visits/{}/quotes", theirs.visit), &s.dispatcher)
                .await,
            200,
        )
        .await;
    assert_eq!(quotes[0].status, QuoteStatus::Proposed);
}

#[tokio::test]
async fn the_contact_answers_a_quote_and_sees_the_upcoming_visit_with_its_technician() {
    let s = setup().await;
    let app = &s.app;
    let q: Quote = app
        .ok(
            app.post(
                &format!("/api/v1/visits/{}/quotes", s.visit.id),
                &s.dispatcher,
                &one_line(120.0),
            )
            .await,
            201,
        )
        .await;
    let email = "gao@metro.example";
    let contact = mail_contact(app, s.f.customer, "Gao Yan", email, "en").await;
    let me = sign_in(app, email).await;
    let ticket = s.visit.ticket_id.unwrap().0;
    let visits: Vec<PortalVisit> = app.ok(app.get(&portal("/visits"), &me).await, 200).await;
    assert_eq!(visits.len(), 1, "{visits:?}");
    assert_eq!(visits[0].technician_name.as_deref(), Some(s.tech.display_name.as_str()));
    assert_eq!(visits[0].ticket_id.map(|t| t.0), Some(ticket));
    let d: PortalTicketDetail = app
        .ok(app.get(&portal(&format!("/tickets/{ticket}")), &me).await, 200)
        .await;
    assert!(
        d.ticket.awaiting.contains(&PortalAwaiting::QuoteAnswer),
        "{:?}",
        d.ticket.awaiting
    );
    assert!(d.quotes[0].awaiting_answer);
    // A decline needs a reason.
    let r = app
        .post(
            &portal(&format!("/quotes/{}/answer", q.id)),
            &me,
            &json!({"approve": false}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("reason")
    );
    let d: PortalTicketDetail = app
        .ok(
            app.post(
                &portal(&format!("/quotes/{}/answer", q.id)),
                &me,
                &json!({"approve": true}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(d.quotes[0].status, QuoteStatus::Approved);
    assert_eq!(d.quotes[0].answered_by.as_deref(), Some("Gao Yan"));
    assert!(!d.ticket.awaiting.contains(&PortalAwaiting::QuoteAnswer));
    assert!(d
        .timeline
        .iter()
        .any(|e| e.kind == "quote_approved" && e.by.as_deref() == Some("Gao Yan")));
    // The office sees it answered through the portal, recorded by nobody on the staff.
    let quotes: Vec<Value> = app
        .ok(
            app.get(&format!("/api/v1/visits/{}/quotes", s.visit.id), &s.dispatcher)
                .await,
            200,
        )
        .await;
    assert_eq!(quotes[0]["answered_via"], json!("portal"));
    assert!(quotes[0]["answer_recorded_by"].is_null());
    problem(
        app.post(
            &portal(&format!("/quotes/{}/answer", q.id)),
            &me,
            &json!({"approve": true}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
    let trail: Page<AuditEvent> = app
        .ok(
            app.get(&format!("/api/v1/audit?entity=quote&entity_id={}", q.id), &app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(trail.items[0].actor_contact_id.map(|c| c.0), Some(contact));
}

async fn staff_timeline(app: &TestApp, id: i64) -> Vec<TicketEvent> {
    app.ok(
        app.get(&format!("/api/v1/tickets/{id}/timeline"), &app.admin).await,
        200,
    )
    .await
}

/// A request from the portal, then the staff's and the contact's steps on it.
#[tokio::test]
async fn a_portal_request_is_a_web_ticket_the_contact_authorizes_accepts_reopens_and_rates() {
    let app = portal_app().await;
    let f: Fixture = fixture(&app, "standard").await;
    let email = "sun@metro.example";
    let contact = mail_contact(&app, f.customer, "Sun Li", email, "en").await;
    let me = sign_in(&app, email).await;
    // Title and description are required, named beside their fields.
    let r = app
        .post(&portal("/tickets"), &me, &json!({"title": " ", "description": "x"}))
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("title")
    );
    let body = json!({"site_id": f.site, "asset_id": f.asset, "kind": "fault", "title": "UPS alarm",
        "description": "The UPS beeps."});
    let t: PortalTicket = app.ok(app.post(&portal("/tickets"), &me, &body).await, 201).await;
    assert_eq!(t.status, TicketStatus::New);
    assert!(t.awaiting.contains(&PortalAwaiting::RemoteAuthorization));
    // The staff see a web ticket of the contact, owned by the fixture's agent (the only one).
    let staff: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{}", t.id), &app.admin).await, 200)
        .await;
    assert_eq!(staff.channel.as_str(), "web");
    assert_eq!(staff.contact_id.map(|c| c.0), Some(contact));
    assert_eq!(staff.owner_id, f.agent.id);
    // A staff-only step (a handoff) stays out of the customer's timeline.
    let (other, _) = app.user(Role::Agent).await;
    app.ok::<Ticket>(
        app.post(
            &format!("/api/v1/tickets/{}/handoff", t.id),
            &f.token,
            &json!({"to_user_id": other.id, "reason": "shift change"}),
        )
        .await,
        200,
    )
    .await;
    // The contact authorizes remote work.
    let d: PortalTicketDetail = app
        .ok(
            app.post(
                &portal(&format!("/tickets/{}/remote-authorization", t.id)),
                &me,
                &json!({"note": "any time"}),
            )
            .await,
            200,
        )
        .await;
    assert!(d.ticket.remote_authorized);
    let kinds: Vec<&str> = d.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["registered", "authorization"], "{kinds:?}");
    assert_eq!(d.timeline[1].by.as_deref(), Some("Sun Li"));
    let auths: Vec<RemoteAuthorization> = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}/authorizations", t.id), &app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(
        (auths[0].authorized_by.as_str(), auths[0].method.as_str()),
        ("Sun Li", "portal")
    );
    problem(
        app.post(
            &portal(&format!("/tickets/{}/remote-authorization", t.id)),
            &me,
            &json!({}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
    // Nothing to accept before it is resolved.
    let acc = portal(&format!("/tickets/{}/acceptance", t.id));
    problem(
        app.post(&acc, &me, &json!({"satisfied": true})).await,
        409,
        "invalid_transition",
    )
    .await;
    let owner = app
        .login(&other.username, crate::helpers::USER_PASSWORD)
        .await
        .access_token;
    app.ok::<Ticket>(
        app.post(&format!("/api/v1/tickets/{}/resolve", t.id), &owner, &json!({}))
            .await,
        200,
    )
    .await;
    // A rejection needs a comment, then reopens it.
    let r = app.post(&acc, &me, &json!({"satisfied": false})).await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("comment")
    );
    let d: PortalTicketDetail = app
        .ok(
            app.post(&acc, &me, &json!({"satisfied": false, "comment": "still beeping"}))
                .await,
            200,
        )
        .await;
    assert_eq!(d.ticket.status, TicketStatus::Reopened);
    let reopened = d.timeline.iter().find(|e| e.kind == "reopened").unwrap();
    assert_eq!(reopened.note.as_deref(), Some("still beeping"));
    app.ok::<Ticket>(
        app.post(&format!("/api/v1/tickets/{}/resolve", t.id), &owner, &json!({}))
            .await,
        200,
    )
    .await;
    let d: PortalTicketDetail = app
        .ok(app.post(&acc, &me, &json!({"satisfied": true})).await, 200)
        .await;
    assert_eq!(d.ticket.status, TicketStatus::Closed);
    assert_eq!(d.ticket.awaiting, [PortalAwaiting::Survey]);
    // The survey, once.
    let sv = portal(&format!("/tickets/{}/survey", t.id));
    let d: PortalTicketDetail = app.ok(app.post(&sv, &me, &json!({"score": 4})).await, 200).await;
    assert_eq!(d.survey_score, Some(4));
    assert!(d.ticket.awaiting.is_empty());
    problem(app.post(&sv, &me, &json!({"score": 5})).await, 409, "survey_answered").await;
    // The staff's timeline names the contact in the entries they made; handoffs stay internal.
    let all = staff_timeline(&app, t.id.0).await;
    let by_contact: Vec<&str> = all
        .iter()
        .filter(|e| {
            e.data
                .as_ref()
                .and_then(|d| d.get("contact_id"))
                .and_then(Value::as_i64)
                == Some(contact)
        })
        .map(|e| e.kind.as_str())
        .collect();
    assert!(
        by_contact.contains(&"registered") && by_contact.contains(&"accepted"),
        "{by_contact:?}"
    );
    assert!(all.iter().any(|e| e.kind == "handoff"));
    assert!(!d
        .timeline
        .iter()
        .any(|e| e.kind == "handoff" || e.kind == "mail_queued"));
    // The list shows it with its site.
    let list: Page<PortalTicket> = app.ok(app.get(&portal("/tickets"), &me).await, 200).await;
    assert_eq!(list.total, 1);
    assert_eq!(list.items[0].site_name.as_deref(), Some("Line 1 depot"));
}

/// Sends a file to a ticket as the portal's page does: the bytes as the body, with their type.
pub async fn send_file(
    app: &TestApp,
    token: &str,
    ticket: i64,
    name: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    app.http
        .post(app.url(&portal(&format!("/tickets/{ticket}/attachments"))))
        .query(&[("filename", name)])
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .expect("request")
}

/// The contact adds files to a request within the intake's bounds, lists and downloads them;
/// the staff see them among the ticket's files; the timeline and the audit trail name the
/// contact.
#[tokio::test]
async fn a_contact_adds_files_to_a_request_within_the_bounds_and_the_staff_see_them() {
    let app = spawn_app_full(
        |s| {
            s.intake.attachment_max_bytes = 1000;
            s.intake.attachments_max = 2;
        },
        Clock::fake(at(FRIDAY_1650)),
    )
    .await;
    let f = fixture(&app, "standard").await;
    let email = "zhou@metro.example";
    let contact = mail_contact(&app, f.customer, "Zhou Min", email, "zh").await;
    let me = sign_in(&app, email).await;
    let body = json!({"asset_id": f.asset, "title": "UPS alarm", "description": "The UPS beeps."});
    let t: PortalTicket = app.ok(app.post(&portal("/tickets"), &me, &body).await, 201).await;
    let id = t.id.0;

    // A photo with a Chinese name: stored as sent.
    let photo = vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];
    let a: TicketAttachment = app
        .ok(
            send_file(&app, &me, id, "故障 照片.jpg", "image/jpeg", photo.clone()).await,
            201,
        )
        .await;
    assert_eq!(
        (a.filename.as_str(), a.content_type.as_str(), a.size_bytes),
        ("故障 照片.jpg", "image/jpeg", 7)
    );
    assert_eq!(a.ticket_id.map(|t| t.0), Some(id));
    // Over the size bound: 413 naming the file; empty: 422; a type that is not one: 415.
    let p = problem(
        send_file(&app, &me, id, "big.log", "text/plain", vec![b'x'; 1001]).await,
        413,
        "payload_too_large",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("file"));
    let p = problem(
        send_file(&app, &me, id, "empty.txt", "text/plain", Vec::new()).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("file"));
    let p = problem(
        send_file(&app, &me, id, " ", "text/plain", b"x".to_vec()).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("filename"));
    problem(
        send_file(&app, &me, id, "a.txt", "not a type", b"x".to_vec()).await,
        415,
        "unsupported_media_type",
    )
    .await;
    // A path is cut to its name; the second file is the last one the bound takes.
    let b: TicketAttachment = app
        .ok(
            send_file(
                &app,
                &me,
                id,
                "C:\\logs\\ups.log",
                "text/plain; charset=utf-8",
                b"E42".to_vec(),
            )
            .await,
            201,
        )
        .await;
    assert_eq!(b.filename, "ups.log");
    let p = problem(
        send_file(&app, &me, id, "third.txt", "text/plain", b"x".to_vec()).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("file"));
    assert_eq!(p.params, Some(json!({"max": 2})));

    // The contact lists and downloads them, as a download with a safe name.
    let files: Vec<TicketAttachment> = app
        .ok(app.get(&portal(&format!("/tickets/{id}/attachments")), &me).await, 200)
        .await;
    assert_eq!(files.iter().map(|x| x.id).collect::<Vec<_>>(), [a.id, b.id]);
    let r = app
        .get(&portal(&format!("/tickets/{id}/attachments/{}", a.id)), &me)
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let cd = r.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(
        cd.starts_with("attachment; filename=\"") && cd.contains("filename*=UTF-8''"),
        "{cd}"
    );
    assert_eq!(r.bytes().await.unwrap().to_vec(), photo);
    problem(
        app.get(&portal(&format!("/tickets/{id}/attachments/999999")), &me)
            .await,
        404,
        "not_found",
    )
    .await;

    // The customer's timeline shows the files added, by the contact, with their names.
    let d: PortalTicketDetail = app
        .ok(app.get(&portal(&format!("/tickets/{id}")), &me).await, 200)
        .await;
    let added: Vec<_> = d.timeline.iter().filter(|e| e.kind == "file_added").collect();
    assert_eq!(added.len(), 2);
    assert_eq!(
        (added[0].by.as_deref(), added[0].note.as_deref()),
        (Some("Zhou Min"), Some("故障 照片.jpg"))
    );

    // The staff see them among the ticket's files and download them.
    let staff: Vec<TicketAttachment> = app
        .ok(
            app.get(&format!("/api/v1/tickets/{id}/attachments"), &f.token).await,
            200,
        )
        .await;
    assert_eq!(staff, files);
    let r = app
        .get(&format!("/api/v1/tickets/{id}/attachments/{}", b.id), &f.token)
        .await;
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"E42");
    // The audit trail names the contact.
    let trail: Page<AuditEvent> = app
        .ok(app.get("/api/v1/audit?entity=ticket_attachment", &app.admin).await, 200)
        .await;
    assert_eq!(trail.items.len(), 2);
    assert!(trail
        .items
        .iter()
        .all(|e| e.actor_id.is_none() && e.actor_contact_id.map(|c| c.0) == Some(contact) && e.action == "create"));

    // A closed request takes no more files.
    app.ok::<Ticket>(
        app.post(
            &format!("/api/v1/tickets/{id}/cancel"),
            &f.token,
            &json!({"reason": "withdrawn"}),
        )
        .await,
        200,
    )
    .await;
    problem(
        send_file(&app, &me, id, "late.txt", "text/plain", b"x".to_vec()).await,
        409,
        "invalid_transition",
    )
    .await;
}
