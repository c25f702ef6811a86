//! Satisfaction surveys after closure: the closing e-mail and its link, answering through the
//! link once, expired and tampered links, the revisit call's score as the survey, validation,
//! and who reads the answers.

use crate::helpers::{problem, spawn_app_full, TestApp, JWT_SECRET};
use crate::mail::relay;
use crate::revisits::{close, ok_outcome, satisfaction_of};
use crate::tickets::{at, fixture, Fixture, FRIDAY_1650};
use chrono::Duration;
use fieldline::auth::tokens::TokenKeys;
use fieldline::clock::Clock;
use fieldline::config::Settings;
use fieldline_mobile_api::{
    AuditEvent, MailKind, OutboxMessage, Page, Role, ServiceReport, Survey, SurveyForm, SurveyReceipt, SurveySource,
    Ticket, TicketEvent,
};
use serde_json::{json, Value};

const PUBLIC_URL: &str = "https://service.example.test";
const CONTACT_EMAIL: &str = "zhou.jie@metro.example";

/// An application on a fake clock at Friday 16:50 in Shanghai, whose links point at PUBLIC_URL
/// (given with a trailing slash, which the service drops).
async fn survey_app() -> TestApp {
    spawn_app_full(
        |s| s.public_url = format!("{PUBLIC_URL}/"),
        Clock::fake(at(FRIDAY_1650)),
    )
    .await
}

/// A contact of the fixture's customer with an e-mail address, who reads English.
async fn mail_contact(app: &TestApp, f: &Fixture) -> i64 {
    mail_contact_in(app, f, Some("en")).await
}

/// A contact with an e-mail address, in a language (None: left to the default).
async fn mail_contact_in(app: &TestApp, f: &Fixture, language: Option<&str>) -> i64 {
    let mut body = json!({"name": "Zhou Jie", "email": CONTACT_EMAIL});
    if let Some(l) = language {
        body["language"] = json!(l);
    }
    let k: Value = app
        .ok(
            app.post(&format!("/api/v1/customers/{}/contacts", f.customer), &app.admin, &body)
                .await,
            201,
        )
        .await;
    assert_eq!(k["language"], json!(language.unwrap_or("zh")), "{k}");
    k["id"].as_i64().unwrap()
}

/// A ticket whose contact has an e-mail address (or, with `None`, the fixture's phone-only one).
async fn ticket_for(app: &TestApp, f: &Fixture, contact: Option<i64>) -> Ticket {
    let body = json!({"customer_id": f.customer, "contact_id": contact.unwrap_or(f.contact), "asset_id": f.asset,
        "channel": "phone", "priority": "p3", "title": "UPS alarm", "description": "The UPS beeps and shows fault E42.",
        "unrelated_reason": "a test's own matter"});
    app.ok(app.post("/api/v1/tickets", &f.token, &body).await, 201).await
}

/// Sends what is due and gives the survey link of the closing e-mail about the ticket.
async fn link_of(app: &TestApp, t: &Ticket) -> String {
    relay(app).await;
    let subject = format!("Your request {} is closed - how did we do?", t.number);
    let raws: Vec<Vec<u8>> = app.mailer.delivered().into_iter().map(|d| d.raw).collect();
    let mut found = Vec::new();
    for raw in &raws {
        let msg = mail_parser::MessageParser::default()
            .parse(raw)
            .expect("a parsable message");
        if msg.subject() == Some(subject.as_str()) {
            let text = msg.body_text(0).unwrap().into_owned();
            let link = text
                .lines()
                .find(|l| l.contains("/survey/"))
                .unwrap_or_else(|| panic!("no link in {text}"))
                .trim()
                .to_string();
            found.push(link);
        }
    }
    assert_eq!(found.len(), 1, "one closing e-mail for {}", t.number);
    found.pop().unwrap()
}

/// The token of a survey link (`{public url}/survey/{token}?lang=..`).
fn token_of(link: &str) -> String {
    let rest = link
        .strip_prefix(&format!("{PUBLIC_URL}/survey/"))
        .unwrap_or_else(|| panic!("{link} is not a survey link"));
    rest.split('?').next().unwrap().to_string()
}

/// A closed ticket with an e-mail contact, and the token of its survey link.
async fn closed_with_link(app: &TestApp, f: &Fixture) -> (Ticket, String) {
    let contact = mail_contact(app, f).await;
    let t = ticket_for(app, f, Some(contact)).await;
    close(app, f, &t).await;
    let token = token_of(&link_of(app, &t).await);
    (t, token)
}

/// A survey app, a gold customer's fixture, and a closed ticket with its link's token.
async fn closed_scene() -> (TestApp, Fixture, Ticket, String) {
    let app = survey_app().await;
    let f = fixture(&app, "gold").await;
    let (t, token) = closed_with_link(&app, &f).await;
    (app, f, t, token)
}

fn api(token: &str) -> String {
    format!("/api/v1/surveys/{token}")
}

async fn read_link(app: &TestApp, token: &str) -> reqwest::Response {
    app.http.get(app.url(&api(token))).send().await.expect("request")
}

async fn answer(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post_anon(&api(token), &body).await
}

async fn survey_of(app: &TestApp, token: &str, t: &Ticket) -> reqwest::Response {
    app.get(&format!("/api/v1/tickets/{}/survey", t.id), token).await
}

async fn surveys(app: &TestApp, token: &str, query: &str) -> Page<Survey> {
    app.ok(app.get(&format!("/api/v1/surveys?{query}"), token).await, 200)
        .await
}

async fn timeline(app: &TestApp, t: &Ticket) -> Vec<TicketEvent> {
    app.ok(
        app.get(&format!("/api/v1/tickets/{}/timeline", t.id), &app.admin).await,
        200,
    )
    .await
}

/// The closing e-mail of the ticket as sent: (subject, text part).
async fn closing_mail(app: &TestApp, t: &Ticket) -> (String, String) {
    relay(app).await;
    let mut found = Vec::new();
    for d in app.mailer.delivered() {
        let msg = mail_parser::MessageParser::default()
            .parse(&d.raw)
            .expect("a parsable message");
        let subject = msg.subject().unwrap_or_default().to_string();
        let text = msg.body_text(0).unwrap().into_owned();
        // The closing e-mail (the acknowledgement and other notices carry the number too).
        if subject.contains(&t.number) && text.contains("/survey/") {
            found.push((subject, text));
        }
    }
    assert_eq!(found.len(), 1, "one closing e-mail for {}", t.number);
    found.pop().unwrap()
}

#[tokio::test]
async fn the_closing_mail_is_in_the_contacts_language() {
    let app = survey_app().await;
    let f = fixture(&app, "gold").await;
    for (language, subject, greeting, link_ends) in [
        (None, "已关闭，请评价我们的服务", "尊敬的Zhou Jie：", "?lang=zh"),
        (Some("zh"), "已关闭，请评价我们的服务", "尊敬的Zhou Jie：", "?lang=zh"),
        (Some("en"), "is closed - how did we do?", "Dear Zhou Jie,", "?lang=en"),
    ] {
        let contact = mail_contact_in(&app, &f, language).await;
        let t = ticket_for(&app, &f, Some(contact)).await;
        close(&app, &f, &t).await;
        let (got, text) = closing_mail(&app, &t).await;
        assert!(got.contains(subject), "{language:?}: {got}");
        assert!(text.starts_with(greeting), "{language:?}: {text}");
        let link = text.lines().find(|l| l.contains("/survey/")).expect("a link").trim();
        assert!(link.ends_with(link_ends), "{link}");
        // Friday 16:50 in Shanghai, written for the reader.
        let closed = if language == Some("en") {
            "2026-11-20 16:50 (Asia/Shanghai)"
        } else {
            "2026年11月20日 16:50（Asia/Shanghai）"
        };
        assert!(text.contains(closed), "{text}");
        // The page opens in that language and the link's token works.
        let resp = read_link(&app, &token_of(link)).await;
        assert_eq!(resp.status(), 200);
    }
}

#[tokio::test]
async fn closing_a_ticket_e_mails_the_contact_a_working_survey_link() {
    let app = survey_app().await;
    let f = fixture(&app, "gold").await;
    let contact = mail_contact(&app, &f).await;
    let t = ticket_for(&app, &f, Some(contact)).await;
    close(&app, &f, &t).await;

    // The e-mail is in the outbox, written with the closing.
    let outbox: Page<OutboxMessage> = app
        .ok(
            app.get(&format!("/api/v1/outbox?ticket_id={}", t.id), &app.admin).await,
            200,
        )
        .await;
    // Beside the notices of the registration and the resolution, one closing e-mail.
    let closing: Vec<&OutboxMessage> = outbox
        .items
        .iter()
        .filter(|m| m.kind == MailKind::TicketClosed)
        .collect();
    assert_eq!(closing.len(), 1, "{outbox:?}");
    let m = closing[0];
    assert_eq!(m.recipients, [CONTACT_EMAIL]);
    assert_eq!(m.customer_id.map(|c| c.0), Some(f.customer));
    assert!(m.has_html);
    let events = timeline(&app, &t).await;
    let queued = events
        .iter()
        .find(|e| e.kind == "mail_queued" && e.to.as_deref() == Some("ticket_closed"));
    assert!(queued.is_some(), "mail_queued");

    // Sent, it carries the link; the link shows the ticket and nothing internal.
    let link = link_of(&app, &t).await;
    assert!(link.starts_with(&format!("{PUBLIC_URL}/survey/")), "{link}");
    let token = token_of(&link);
    let resp = read_link(&app, &token).await;
    assert_eq!(resp.headers()["cache-control"], "no-store");
    assert_eq!(resp.headers()["referrer-policy"], "no-referrer");
    let raw: Value = app.ok(resp, 200).await;
    let mut keys: Vec<&str> = raw.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "closed_at",
            "comment_max_chars",
            "expires_at",
            "score_max",
            "score_min",
            "summary",
            "ticket_number"
        ]
    );
    let form: SurveyForm = serde_json::from_value(raw).unwrap();
    assert_eq!(form.ticket_number, t.number);
    assert_eq!(form.summary, "UPS alarm");
    assert_eq!(form.closed_at, at(FRIDAY_1650));
    assert_eq!(
        form.expires_at,
        at(FRIDAY_1650) + Duration::days(14),
        "FIELDLINE_SURVEY_LINK_DAYS"
    );
    assert_eq!((form.score_min, form.score_max), (1, 5));

    // The page behind the link is served by the service itself, and holds no token.
    let page = app
        .http
        .get(link.replace(PUBLIC_URL, &app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert!(page.headers().contains_key("content-security-policy"));
    let html = page.text().await.unwrap();
    assert!(html.contains("/survey.js") && !html.contains(&token));
    let js = app.http.get(app.url("/survey.js")).send().await.unwrap();
    assert_eq!(js.status(), 200);
    assert!(js.text().await.unwrap().contains("/api/v1/surveys/"));

    // Only the link's id is kept, never the token.
    let trail: Page<AuditEvent> = app
        .ok(app.get("/api/v1/audit?entity=survey_link", &app.admin).await, 200)
        .await;
    assert_eq!(trail.total, 1);
    let after = trail.items[0].after.as_ref().unwrap();
    assert_eq!(after["recipient"], CONTACT_EMAIL);
    assert!(!after.to_string().contains(&token));
}

#[tokio::test]
async fn a_ticket_without_a_contact_e_mail_gets_no_link() {
    let app = survey_app().await;
    let f = fixture(&app, "standard").await;
    let t = ticket_for(&app, &f, None).await;
    let closed = close(&app, &f, &t).await;
    assert_eq!(
        closed.status,
        fieldline_mobile_api::TicketStatus::Closed,
        "the closing is not held up"
    );
    let outbox: Page<OutboxMessage> = app.ok(app.get("/api/v1/outbox", &app.admin).await, 200).await;
    assert_eq!(outbox.total, 0);
    let events = timeline(&app, &t).await;
    let skipped = events.iter().find(|e| e.kind == "mail_skipped").expect("mail_skipped");
    assert_eq!(skipped.to.as_deref(), Some("ticket_closed"));
    assert_eq!(
        skipped.reason.as_deref(),
        Some("the ticket has no contact e-mail address")
    );
    // Its satisfaction revisit is still scheduled.
    satisfaction_of(&app, &t).await;
}

#[tokio::test]
async fn the_customer_answers_through_the_link_once() {
    let (app, f, t, token) = closed_scene().await;
    app.clock.advance(Duration::hours(20));

    let receipt: SurveyReceipt = app
        .ok(
            answer(
                &app,
                &token,
                json!({"score": 4, "comment": "  Quick repair.\r\nThanks!  "}),
            )
            .await,
            201,
        )
        .await;
    assert_eq!(receipt.ticket_number, t.number);
    assert_eq!(receipt.score, 4);
    assert_eq!(receipt.comment.as_deref(), Some("Quick repair.\nThanks!"));
    assert_eq!(receipt.answered_at, at(FRIDAY_1650) + Duration::hours(20));

    let sup = app.token(Role::Supervisor).await;
    let s: Survey = app.ok(survey_of(&app, &sup, &t).await, 200).await;
    assert_eq!((s.ticket_id, s.score, s.source), (t.id, 4, SurveySource::Link));
    assert_eq!(s.ticket_number, t.number);
    assert_eq!(s.customer_name, "Hangzhou Metro");
    assert_eq!((s.revisit_id, s.recorded_by), (None, None), "the customer's own answer");

    // A second use is refused, reading as well as answering.
    let p = problem(answer(&app, &token, json!({"score": 1})).await, 409, "link_used").await;
    assert!(p.detail.contains("already answered"), "{}", p.detail);
    problem(read_link(&app, &token).await, 409, "link_used").await;
    let again: Survey = app.ok(survey_of(&app, &sup, &t).await, 200).await;
    assert_eq!(again, s, "the first answer stands");

    let events = timeline(&app, &t).await;
    let answered = events
        .iter()
        .find(|e| e.kind == "survey_answered")
        .expect("survey_answered");
    assert_eq!(answered.to.as_deref(), Some("4"));
    assert_eq!(answered.actor_id, None);
    let trail: Page<AuditEvent> = app
        .ok(app.get("/api/v1/audit?entity=survey", &app.admin).await, 200)
        .await;
    assert_eq!(trail.total, 1);
    assert_eq!(trail.items[0].action, "create");
    assert_eq!(trail.items[0].after.as_ref().unwrap()["source"], "link");
    let used: Page<AuditEvent> = app
        .ok(app.get("/api/v1/audit?entity=survey_link", &app.admin).await, 200)
        .await;
    let actions: Vec<&str> = used.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["use", "create"]);

    // The satisfaction call afterwards is still recorded; the customer's answer stays the survey.
    let r = satisfaction_of(&app, &t).await;
    let done = ok_outcome(&app, &f.token, r.id.0, json!({"reached": true, "score": 5})).await;
    assert_eq!(done.score, Some(5));
    let still: Survey = app.ok(survey_of(&app, &sup, &t).await, 200).await;
    assert_eq!(still, s);
}

#[tokio::test]
async fn two_answers_at_once_record_one() {
    let (app, _, t, token) = closed_scene().await;
    let (a, b) = tokio::join!(
        answer(&app, &token, json!({"score": 5})),
        answer(&app, &token, json!({"score": 2}))
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
    let list = surveys(&app, &app.admin, &format!("ticket_id={}", t.id)).await;
    assert_eq!(list.total, 1);
}

#[tokio::test]
async fn an_expired_link_is_refused() {
    let (app, _, _, token) = closed_scene().await;
    app.clock.advance(Duration::days(14) - Duration::minutes(1));
    let _: SurveyForm = app.ok(read_link(&app, &token).await, 200).await;
    app.clock.advance(Duration::minutes(1));
    let p = problem(read_link(&app, &token).await, 410, "link_expired").await;
    assert!(p.detail.contains("expired"), "{}", p.detail);
    problem(answer(&app, &token, json!({"score": 5})).await, 410, "link_expired").await;
    let list = surveys(&app, &app.admin, "").await;
    assert_eq!(list.total, 0);
}

#[tokio::test]
async fn a_tampered_or_foreign_token_is_not_found() {
    let (app, _, t, token) = closed_scene().await;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT");

    // Another ticket in the claims, with the signature left as it was.
    let b64 = |v: &Value| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let claims: Value = {
        use base64::Engine;
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(parts[1])
                .unwrap(),
        )
        .unwrap()
    };
    let mut other = claims.clone();
    other["ticket"] = json!(t.id.0 + 1);
    let forged = format!("{}.{}.{}", parts[0], b64(&other), parts[2]);
    // A valid signature by another key; a valid one by ours for a link that was never sent.
    let foreign = TokenKeys::new(&Settings {
        jwt_secret: "another-secret-that-is-long-enough-for-tests".into(),
        ..app.settings.clone()
    });
    let now = app.clock.now();
    let foreign = foreign
        .issue_survey(t.id.0, claims["jti"].as_str().unwrap(), now, now + Duration::days(1))
        .unwrap();
    let ours = TokenKeys::new(&Settings {
        jwt_secret: JWT_SECRET.into(),
        ..app.settings.clone()
    });
    let unknown = ours
        .issue_survey(t.id.0, "never-issued", now, now + Duration::days(1))
        .unwrap();
    // The link names its ticket: the right jti with another ticket is not it either.
    let swapped = ours
        .issue_survey(
            t.id.0 + 1,
            claims["jti"].as_str().unwrap(),
            now,
            now + Duration::days(1),
        )
        .unwrap();
    let unsigned = format!("{}.{}.", b64(&json!({"alg": "none", "typ": "JWT"})), parts[1]);
    let mut truncated = token.clone();
    truncated.truncate(token.len() - 4);
    let long = "a".repeat(5000);
    for bad in [
        &forged, &foreign, &unknown, &swapped, &unsigned, &truncated, &long, &app.admin, "abc",
    ] {
        problem(read_link(&app, bad).await, 404, "not_found").await;
        problem(answer(&app, bad, json!({"score": 5})).await, 404, "not_found").await;
    }
    // A survey token is no access token either.
    problem(app.get("/api/v1/me", &token).await, 401, "token_invalid").await;
    // The real link still works.
    let _: SurveyReceipt = app.ok(answer(&app, &token, json!({"score": 5})).await, 201).await;
}

#[tokio::test]
async fn a_satisfaction_call_records_the_survey() {
    let (app, f, t, token) = closed_scene().await;
    let r = satisfaction_of(&app, &t).await;
    app.clock.advance(Duration::days(3));
    ok_outcome(
        &app,
        &f.token,
        r.id.0,
        json!({"reached": true, "score": 2, "comment": "The alarm came back."}),
    )
    .await;
    let sup = app.token(Role::Supervisor).await;
    let s: Survey = app.ok(survey_of(&app, &sup, &t).await, 200).await;
    assert_eq!((s.score, s.source), (2, SurveySource::Revisit));
    assert_eq!(s.comment.as_deref(), Some("The alarm came back."));
    assert_eq!(s.revisit_id, Some(r.id));
    assert_eq!(s.recorded_by, Some(f.agent.id));
    assert_eq!(s.answered_at, at(FRIDAY_1650) + Duration::days(3));
    let answered = timeline(&app, &t).await;
    let e = answered.iter().find(|e| e.kind == "survey_answered").unwrap();
    assert_eq!(e.actor_id, Some(f.agent.id));
    assert_eq!(e.data.as_ref().unwrap()["revisit_id"], r.id.0);

    // The link is then refused: the survey is answered.
    let p = problem(read_link(&app, &token).await, 409, "survey_answered").await;
    assert!(p.detail.contains("already answered"), "{}", p.detail);
    problem(answer(&app, &token, json!({"score": 5})).await, 409, "survey_answered").await;

    // A call that did not reach the customer records none.
    let (t2, _) = closed_with_link(&app, &f).await;
    let r2 = satisfaction_of(&app, &t2).await;
    ok_outcome(&app, &f.token, r2.id.0, json!({"reached": false})).await;
    problem(survey_of(&app, &sup, &t2).await, 404, "not_found").await;
}

#[tokio::test]
async fn answers_are_validated_naming_the_field() {
    let (app, _, _, token) = closed_scene().await;
    let long = "x".repeat(2001);
    for (body, field) in [
        (json!({"score": 0}), "score"),
        (json!({"score": 6}), "score"),
        (json!({"score": -3}), "score"),
        (json!({"score": "five"}), "score"),
        (json!({"score": 4.5}), "score"),
        (json!({"comment": "fine"}), "score"),
        (json!({"score": 4, "comment": long}), "comment"),
        (json!({"score": 4, "comment": "a\u{0007}b"}), "comment"),
        (json!({"score": 4, "name": "Zhou"}), "name"),
    ] {
        let p = problem(answer(&app, &token, body.clone()).await, 422, "validation_failed").await;
        assert_eq!(p.field.as_deref(), Some(field), "{body}");
    }
    let p = problem(
        app.http
            .post(app.url(&api(&token)))
            .header("content-type", "text/plain")
            .body("score=5")
            .send()
            .await
            .unwrap(),
        415,
        "unsupported_media_type",
    )
    .await;
    assert!(!p.detail.is_empty());
    // Refused answers do not use the link up.
    let _: SurveyReceipt = app.ok(answer(&app, &token, json!({"score": 3})).await, 201).await;
}

#[tokio::test]
async fn supervisors_managers_and_account_managers_read_the_answers() {
    let app = survey_app().await;
    let f = fixture(&app, "gold").await;
    let g = fixture(&app, "standard").await;
    let (am, am_token) = app.user(Role::AccountManager).await;
    let r = app
        .patch(
            &format!("/api/v1/customers/{}", f.customer),
            &app.admin,
            &json!({"account_manager_id": am.id}),
        )
        .await;
    assert_eq!(r.status(), 200);

    // Friday: f's first ticket answered through the link with 5.
    let (t1, token1) = closed_with_link(&app, &f).await;
    let _: SurveyReceipt = app.ok(answer(&app, &token1, json!({"score": 5})).await, 201).await;
    // Monday: f's second ticket scored 2 on the call; g's ticket answered through the link with 3.
    let (t2, _) = closed_with_link(&app, &f).await;
    let (t3, token3) = closed_with_link(&app, &g).await;
    app.clock.set(at("2026-11-23T02:00:00Z"));
    let r2 = satisfaction_of(&app, &t2).await;
    ok_outcome(&app, &f.token, r2.id.0, json!({"reached": true, "score": 2})).await;
    app.clock.advance(Duration::hours(1));
    let _: SurveyReceipt = app.ok(answer(&app, &token3, json!({"score": 3})).await, 201).await;

    let sup = app.token(Role::Supervisor).await;
    let all = surveys(&app, &sup, "").await;
    assert_eq!(all.total, 3);
    let order: Vec<_> = all.items.iter().map(|s| s.ticket_id).collect();
    assert_eq!(order, [t3.id, t2.id, t1.id], "the latest first");
    let ids = |p: &Page<Survey>| p.items.iter().map(|s| s.ticket_id).collect::<Vec<_>>();
    assert_eq!(ids(&surveys(&app, &sup, "score=5").await), [t1.id]);
    assert_eq!(ids(&surveys(&app, &sup, "max_score=3").await), [t3.id, t2.id]);
    assert_eq!(ids(&surveys(&app, &sup, "source=revisit").await), [t2.id]);
    assert_eq!(ids(&surveys(&app, &sup, "source=link").await), [t3.id, t1.id]);
    // Local days in the business calendar: Friday is the 20th, Monday the 23rd.
    assert_eq!(ids(&surveys(&app, &sup, "to=2026-11-20").await), [t1.id]);
    assert_eq!(
        ids(&surveys(&app, &sup, "from=2026-11-21&to=2026-11-23").await),
        [t3.id, t2.id]
    );
    assert_eq!(surveys(&app, &sup, "from=2026-11-24").await.total, 0);
    assert_eq!(
        ids(&surveys(&app, &sup, &format!("customer_id={}", g.customer)).await),
        [t3.id]
    );
    let page = surveys(&app, &sup, "limit=1&offset=1").await;
    assert_eq!((page.total, page.limit, page.offset), (3, 1, 1));
    assert_eq!(ids(&page), [t2.id]);
    for (q, field) in [
        ("score=0", "score"),
        ("max_score=9", "max_score"),
        ("source=phone", "source"),
        ("from=2026-11-23&to=2026-11-20", "to"),
        ("from=friday", "from"),
        ("limit=500", "limit"),
    ] {
        let p = problem(
            app.get(&format!("/api/v1/surveys?{q}"), &sup).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p.field.as_deref(), Some(field), "{q}");
    }

    // Managers and admins read them all.
    let manager = app.token(Role::Manager).await;
    assert_eq!(surveys(&app, &manager, "").await.total, 3);
    assert_eq!(surveys(&app, &app.admin, "").await.total, 3);
    let _: Survey = app.ok(survey_of(&app, &manager, &t3).await, 200).await;
    // The account manager reads the answers of their customer only.
    assert_eq!(ids(&surveys(&app, &am_token, "").await), [t2.id, t1.id]);
    let _: Survey = app.ok(survey_of(&app, &am_token, &t1).await, 200).await;
    problem(survey_of(&app, &am_token, &t3).await, 404, "not_found").await;
    // Others not at all.
    for role in [Role::Agent, Role::Technician, Role::Dispatcher, Role::RemoteEngineer] {
        let token = app.token(role).await;
        problem(app.get("/api/v1/surveys", &token).await, 403, "forbidden").await;
        problem(survey_of(&app, &token, &t1).await, 403, "forbidden").await;
    }
    problem(app.get("/api/v1/surveys", "").await, 401, "unauthorized").await;
    problem(app.get("/api/v1/tickets/999999/survey", &sup).await, 404, "not_found").await;
}

#[tokio::test]
async fn the_service_report_counts_each_answer_once_by_its_source() {
    let (app, f, _, token) = closed_scene().await;
    app.ok::<SurveyReceipt>(answer(&app, &token, json!({"score": 5})).await, 201)
        .await;
    // Another closed ticket whose customer scores it on the satisfaction call: a revisit score
    // and a survey at once, counted once.
    let (t2, _) = closed_with_link(&app, &f).await;
    let r2 = satisfaction_of(&app, &t2).await;
    app.clock.advance(Duration::days(3));
    ok_outcome(&app, &f.token, r2.id.0, json!({"reached": true, "score": 2})).await;

    let sup = app.token(Role::Supervisor).await;
    let report: ServiceReport = app
        .ok(
            app.get("/api/v1/reports/service?from=2026-11-16&to=2026-11-29", &sup)
                .await,
            200,
        )
        .await;
    let by_source: Vec<_> = report
        .satisfaction
        .iter()
        .map(|s| (s.source.as_str(), s.responses, s.average_score))
        .collect();
    assert_eq!(
        by_source,
        [("all", 2, Some(3.5)), ("link", 1, Some(5.0)), ("revisit", 1, Some(2.0))]
    );
}
