//! Notices to the customer: each queued at its event to the ticket's contact, in the contact's
//! language, with the ticket number in the subject; switched off per customer; urgent ones past
//! the per-customer hourly bound; the calendar invitations of a visit read by an independent
//! iCalendar parser.

use crate::helpers::{problem, spawn_app_full, TestApp, USER_PASSWORD};
use crate::tickets::{fixture, major_fault_body, Fixture};
use fieldline::clock::Clock;
use fieldline_mobile_api::client::Client;
use fieldline_mobile_api::{
    CustomerNotices, JobRun, MailKind, OnsiteRequest, OutboxMessage, Page, Role, Technician, Ticket, User, Visit,
};
use serde_json::{json, Value};

/// Tuesday 2026-11-24 09:00 in Shanghai.
const TUESDAY_0900: &str = "2026-11-24T01:00:00Z";
/// The visit's window: Tuesday 10:00-12:00 in Shanghai (today).
const TODAY: (&str, &str) = ("2026-11-24T02:00:00Z", "2026-11-24T04:00:00Z");
/// Wednesday 14:00-16:00 in Shanghai.
const WEDNESDAY: (&str, &str) = ("2026-11-25T06:00:00Z", "2026-11-25T08:00:00Z");
/// Thursday 09:00-11:00 in Shanghai.
const THURSDAY: (&str, &str) = ("2026-11-26T01:00:00Z", "2026-11-26T03:00:00Z");

async fn app_with(change: impl FnOnce(&mut fieldline::config::Settings)) -> TestApp {
    spawn_app_full(
        |s| {
            s.public_url = "https://service.example.com".into();
            s.mail.from = "Fieldline Service <service@fieldline.test>".into();
            change(s);
        },
        Clock::fake(TUESDAY_0900.parse().unwrap()),
    )
    .await
}

/// A contact of the fixture's customer, with this address (or none) and language.
async fn contact(app: &TestApp, f: &Fixture, email: Option<&str>, language: &str) -> i64 {
    let mut body = json!({"name": "Chen Jing", "phone": "+86 571 8000 0001", "language": language});
    if let Some(e) = email {
        body["email"] = json!(e);
    }
    let k: Value = app
        .ok(
            app.post(&format!("/api/v1/customers/{}/contacts", f.customer), &app.admin, &body)
                .await,
            201,
        )
        .await;
    k["id"].as_i64().unwrap()
}

async fn register_for(app: &TestApp, f: &Fixture, contact: i64, channel: &str) -> Ticket {
    let body = json!({"customer_id": f.customer, "contact_id": contact, "asset_id": f.asset, "channel": channel,
        "priority": "p2", "title": "UPS alarm", "description": "The UPS beeps and shows fault E42.",
        "unrelated_reason": "a test's own matter"});
    app.ok(app.post("/api/v1/tickets", &f.token, &body).await, 201).await
}

/// The outbox's messages about a ticket, oldest first.
async fn mails(app: &TestApp, ticket: &Ticket) -> Vec<OutboxMessage> {
    let page: Page<OutboxMessage> = app
        .ok(
            app.get(&format!("/api/v1/outbox?ticket_id={}&limit=100", ticket.id), &app.admin)
                .await,
            200,
        )
        .await;
    let mut items = page.items;
    items.reverse();
    items
}

async fn kinds(app: &TestApp, ticket: &Ticket) -> Vec<MailKind> {
    mails(app, ticket).await.iter().map(|m| m.kind).collect()
}

async fn relay(app: &TestApp) -> JobRun {
    app.ok(
        app.post("/api/v1/jobs/mail_relay/run", &app.admin, &json!({})).await,
        200,
    )
    .await
}

/// A technician with a phone signed in, based near the fixture's site.
async fn technician(app: &TestApp) -> (User, Client) {
    let (tech, _) = app.user(Role::Technician).await;
    let week: Value = serde_json::from_str(r#"[{"start":"08:30","end":"17:00"},{"start":"08:30","end":"17:00"},{"start":"08:30","end":"17:00"},{"start":"08:30","end":"17:00"},{"start":"08:30","end":"17:00"},null,null]"#).unwrap();
    let body = json!({"home_latitude": 30.26, "home_longitude": 120.16, "daily_capacity": 4, "week": week, "skills": [{"skill": "ups", "level": 4}]});
    let _: Technician = app
        .ok(
            app.http
                .put(app.url(&format!("/api/v1/technicians/{}", tech.id)))
                .bearer_auth(&app.admin)
                .json(&body)
                .send()
                .await
                .unwrap(),
            200,
        )
        .await;
    let mut phone = Client::new(&app.address);
    phone.login(&tech.username, USER_PASSWORD).await.unwrap();
    (tech, phone)
}

/// Escalates the ticket on site in the window and makes its visit (not yet booked).
async fn visit(app: &TestApp, f: &Fixture, t: &Ticket, (start, end): (&str, &str)) -> Visit {
    let body = json!({"to": "onsite", "reason": "obvious hardware failure", "window_start": start, "window_end": end});
    let r = app
        .post(&format!("/api/v1/tickets/{}/escalate", t.id), &f.token, &body)
        .await;
    assert_eq!(r.status(), 200);
    let reqs: Page<OnsiteRequest> = app
        .ok(
            app.get(&format!("/api/v1/onsite-requests?ticket_id={}", t.id), &app.admin)
                .await,
            200,
        )
        .await;
    let body = json!({"onsite_request_id": reqs.items[0].id, "required_skill": "ups"});
    app.ok(app.post("/api/v1/visits", &app.admin, &body).await, 201).await
}

async fn book(app: &TestApp, v: &Visit, tech: &User) -> Visit {
    app.ok(
        app.post(
            &format!("/api/v1/visits/{}/assign", v.id),
            &app.admin,
            &json!({"technician_id": tech.id}),
        )
        .await,
        200,
    )
    .await
}

async fn move_visit(app: &TestApp, v: &Visit, (start, end): (&str, &str)) -> Visit {
    let body = json!({"window_start": start, "window_end": end, "agreed_with": "Chen Jing",
        "agreed_at": "2026-11-24T00:55:00Z", "agreed_via": "phone"});
    app.ok(
        app.post(&format!("/api/v1/visits/{}/reschedule", v.id), &app.admin, &body)
            .await,
        200,
    )
    .await
}

async fn cancel_visit(app: &TestApp, v: &Visit) -> Visit {
    let body = json!({"reason": "the customer fixed it themselves"});
    app.ok(
        app.post(&format!("/api/v1/visits/{}/cancel", v.id), &app.admin, &body)
            .await,
        200,
    )
    .await
}

async fn set_notices(app: &TestApp, token: &str, customer: i64, body: Value) -> reqwest::Response {
    app.http
        .put(app.url(&format!("/api/v1/customers/{customer}/notices")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// The calendar invitation of a sent message, as text.
fn invitation_of(app: &TestApp, message_id: &str) -> (String, String) {
    use mail_parser::MimeHeaders;
    let sent = app.mailer.delivered();
    let d = sent
        .iter()
        .find(|d| d.message_id == message_id)
        .expect("the message was sent");
    let msg = mail_parser::MessageParser::default().parse(&d.raw).unwrap();
    let part = msg
        .attachments()
        .find(|a| {
            a.content_type()
                .is_some_and(|c| c.ctype() == "text" && c.subtype() == Some("calendar"))
        })
        .expect("a text/calendar attachment");
    let ct = part.content_type().unwrap();
    let method = ct.attribute("method").unwrap_or_default().to_string();
    assert_eq!(part.attachment_name(), Some("invite.ics"));
    (method, String::from_utf8(part.contents().to_vec()).unwrap())
}

/// The calendar as the independent parser reads it: the calendar's properties, the one event's.
struct Parsed {
    calendar: Vec<(String, String)>,
    event: Vec<(String, String)>,
}

impl Parsed {
    fn read(text: &str) -> Parsed {
        let mut calendars = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
        let cal = calendars.next().expect("a calendar").expect("a valid calendar");
        assert!(calendars.next().is_none(), "one calendar");
        assert_eq!(cal.events.len(), 1, "one event");
        let props = |ps: &[ical::property::Property]| {
            ps.iter()
                .map(|p| (p.name.clone(), p.value.clone().unwrap_or_default()))
                .collect::<Vec<_>>()
        };
        Parsed {
            calendar: props(&cal.properties),
            event: props(&cal.events[0].properties),
        }
    }

    fn cal(&self, name: &str) -> &str {
        self.calendar
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    fn get(&self, name: &str) -> &str {
        self.event
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// `2026-11-24T02:00:00Z` as iCalendar's UTC form, `20261124T020000Z`.
fn ics_time(rfc3339: &str) -> String {
    rfc3339.replace(['-', ':'], "")
}

#[tokio::test]
async fn a_request_is_acknowledged_in_the_contacts_language_with_its_number() {
    let app = app_with(|_| {}).await;
    let f = fixture(&app, "standard").await;
    let en = contact(&app, &f, Some("chen.jing@example.com"), "en").await;
    let zh = contact(&app, &f, Some("wang.li@example.com"), "zh").await;

    let t = register_for(&app, &f, en, "email").await;
    let m = mails(&app, &t).await;
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!(m[0].kind, MailKind::TicketAcknowledged);
    assert_eq!(m[0].recipients, ["chen.jing@example.com"]);
    assert_eq!(m[0].customer_id.map(|c| c.0), Some(f.customer));
    assert_eq!(m[0].subject, format!("Your request {} has been received", t.number));
    assert!(!m[0].urgent);

    let t = register_for(&app, &f, zh, "phone").await;
    let m = mails(&app, &t).await;
    assert_eq!(m[0].subject, format!("您的服务请求已受理，工单号 {}", t.number));
    assert_eq!(m[0].recipients, ["wang.li@example.com"]);

    // The text says when it was received, in the business calendar's zone.
    relay(&app).await;
    let sent = app.mailer.delivered();
    let d = sent.iter().find(|d| d.message_id == m[0].message_id).expect("sent");
    let msg = mail_parser::MessageParser::default().parse(&d.raw).unwrap();
    let text = msg.body_text(0).unwrap();
    assert!(text.contains(&t.number), "{text}");
    assert!(text.contains("2026年11月24日 09:00（Asia/Shanghai）"), "{text}");
}

#[tokio::test]
async fn without_an_address_nothing_is_queued_and_nothing_fails() {
    let app = app_with(|_| {}).await;
    let f = fixture(&app, "standard").await;
    // The fixture's contact has a phone number only.
    let t = register_for(&app, &f, f.contact, "phone").await;
    let (tech, phone) = technician(&app).await;
    let v = visit(&app, &f, &t, TODAY).await;
    let v = book(&app, &v, &tech).await;
    let v = phone
        .visit_step(v.id, "accept", "a", v.version, &json!({}))
        .await
        .unwrap();
    phone
        .visit_step(v.id, "en-route", "b", v.version, &json!({}))
        .await
        .unwrap();
    assert!(kinds(&app, &t).await.is_empty());
    // No contact at all.
    let body = json!({"customer_id": f.customer, "asset_id": f.asset, "channel": "web", "priority": "p3",
        "title": "Question", "description": "How do I reset the alarm?", "unrelated_reason": "another matter"});
    let t: Ticket = app.ok(app.post("/api/v1/tickets", &f.token, &body).await, 201).await;
    assert!(kinds(&app, &t).await.is_empty());
}

#[tokio::test]
async fn a_visit_booked_moved_and_cancelled_sends_one_calendar_entry_updated_then_cancelled() {
    let app = app_with(|_| {}).await;
    let f = fixture(&app, "standard").await;
    let k = contact(&app, &f, Some("chen.jing@example.com"), "en").await;
    let t = register_for(&app, &f, k, "phone").await;
    let (tech, _) = technician(&app).await;
    let v = visit(&app, &f, &t, WEDNESDAY).await;
    assert_eq!(
        kinds(&app, &t).await,
        [MailKind::TicketAcknowledged],
        "a visit without a technician is not booked yet"
    );
    let v = book(&app, &v, &tech).await;
    let v = move_visit(&app, &v, THURSDAY).await;
    cancel_visit(&app, &v).await;
    let m = mails(&app, &t).await;
    let kinds: Vec<MailKind> = m.iter().map(|x| x.kind).collect();
    assert_eq!(
        kinds,
        [
            MailKind::TicketAcknowledged,
            MailKind::VisitBooked,
            MailKind::VisitMoved,
            MailKind::VisitCancelled
        ]
    );
    for x in &m[1..] {
        assert!(x.subject.contains(&t.number), "{}", x.subject);
        assert_eq!(x.recipients, ["chen.jing@example.com"]);
        assert_eq!(x.attachments.len(), 1);
        assert_eq!(x.attachments[0].filename, "invite.ics");
        assert!(!x.urgent, "not on the day of the visit");
    }
    assert_eq!(
        m[1].subject,
        format!(
            "Visit booked for your request {}: 2026-11-25 14:00-16:00 (Asia/Shanghai)",
            t.number
        )
    );
    assert_eq!(
        m[3].attachments[0].content_type,
        "text/calendar; charset=utf-8; method=CANCEL"
    );

    relay(&app).await;
    let read = |i: usize| {
        let (method, text) = invitation_of(&app, &m[i].message_id);
        (method, Parsed::read(&text))
    };
    let (booked_method, booked) = read(1);
    let (moved_method, moved) = read(2);
    let (cancelled_method, cancelled) = read(3);
    assert_eq!(
        (booked_method.as_str(), moved_method.as_str(), cancelled_method.as_str()),
        ("REQUEST", "REQUEST", "CANCEL"),
        "the content type's method"
    );
    assert_eq!(booked.cal("METHOD"), "REQUEST");
    assert_eq!(moved.cal("METHOD"), "REQUEST");
    assert_eq!(cancelled.cal("METHOD"), "CANCEL");
    assert_eq!(booked.cal("VERSION"), "2.0");
    let uid = format!("visit-{}@fieldline.test", v.id);
    for p in [&booked, &moved, &cancelled] {
        assert_eq!(p.get("UID"), uid, "one UID for the visit");
        assert!(p.get("SUMMARY").contains(&t.number), "{}", p.get("SUMMARY"));
        assert_eq!(
            p.get("LOCATION").replace("\\,", ","),
            "Line 1 depot, 1 Depot Rd",
            "the site"
        );
        assert_eq!(p.get("ORGANIZER"), "mailto:service@fieldline.test");
        assert_eq!(p.get("ATTENDEE"), "mailto:chen.jing@example.com");
    }
    let seq = |p: &Parsed| p.get("SEQUENCE").parse::<i32>().unwrap();
    assert_eq!(
        (seq(&booked), seq(&moved), seq(&cancelled)),
        (0, 1, 2),
        "raised on each change"
    );
    assert_eq!(booked.get("DTSTART"), ics_time(WEDNESDAY.0));
    assert_eq!(booked.get("DTEND"), ics_time(WEDNESDAY.1));
    assert_eq!(moved.get("DTSTART"), ics_time(THURSDAY.0));
    assert_eq!(moved.get("DTEND"), ics_time(THURSDAY.1));
    assert_eq!(cancelled.get("DTSTART"), ics_time(THURSDAY.0));
    assert_eq!(booked.get("STATUS"), "CONFIRMED");
    assert_eq!(cancelled.get("STATUS"), "CANCELLED");
}

#[tokio::test]
async fn the_technician_on_the_way_and_a_visit_moved_on_its_day_are_urgent() {
    let app = app_with(|_| {}).await;
    let f = fixture(&app, "standard").await;
    let k = contact(&app, &f, Some("chen.jing@example.com"), "zh").await;
    let t = register_for(&app, &f, k, "phone").await;
    let (tech, phone) = technician(&app).await;
    let v = visit(&app, &f, &t, TODAY).await;
    let v = book(&app, &v, &tech).await;
    let v = phone
        .visit_step(v.id, "accept", "a", v.version, &json!({}))
        .await
        .unwrap();
    phone
        .visit_step(v.id, "en-route", "b", v.version, &json!({}))
        .await
        .unwrap();
    let m = mails(&app, &t).await;
    let last = m.last().unwrap();
    assert_eq!(last.kind, MailKind::TechnicianOnTheWay);
    assert_eq!(last.subject, format!("工程师已出发：服务请求 {}", t.number));
    assert!(last.urgent);
    assert!(last.attachments.is_empty());
    assert!(m[1].urgent, "booked for today: {:?}", m[1]);

    // Another visit of today moved to tomorrow: urgent; the next move (tomorrow to Thursday) not.
    let t2 = register_for(&app, &f, k, "phone").await;
    let v2 = visit(&app, &f, &t2, ("2026-11-24T07:00:00Z", "2026-11-24T08:00:00Z")).await;
    let v2 = book(&app, &v2, &tech).await;
    let v2 = move_visit(&app, &v2, WEDNESDAY).await;
    move_visit(&app, &v2, THURSDAY).await;
    let urgent: Vec<(MailKind, bool)> = mails(&app, &t2).await.iter().map(|m| (m.kind, m.urgent)).collect();
    assert_eq!(
        urgent,
        [
            (MailKind::TicketAcknowledged, false),
            (MailKind::VisitBooked, true),
            (MailKind::VisitMoved, true),
            (MailKind::VisitMoved, false)
        ]
    );
}

#[tokio::test]
async fn urgent_notices_pass_the_hourly_bound_while_ordinary_ones_wait() {
    let app = app_with(|s| s.mail.per_customer_per_hour = 1).await;
    let f = fixture(&app, "standard").await;
    let k = contact(&app, &f, Some("chen.jing@example.com"), "en").await;
    let t = register_for(&app, &f, k, "phone").await;
    assert_eq!(relay(&app).await.actions, 1, "the acknowledgement fills the hour");
    let t2 = register_for(&app, &f, k, "phone").await;
    let (tech, phone) = technician(&app).await;
    let v = visit(&app, &f, &t, WEDNESDAY).await;
    let v = book(&app, &v, &tech).await;
    // The visit moved to today: urgent.
    move_visit(&app, &v, TODAY).await;
    let run = relay(&app).await;
    assert_eq!(run.actions, 1, "only the urgent one went: {run:?}");
    let sent: Vec<(MailKind, bool)> = mails(&app, &t)
        .await
        .iter()
        .filter(|m| m.sent_at.is_some())
        .map(|m| (m.kind, m.urgent))
        .collect();
    assert_eq!(
        sent,
        [(MailKind::TicketAcknowledged, false), (MailKind::VisitMoved, true)]
    );
    let waiting: Vec<OutboxMessage> = [mails(&app, &t).await, mails(&app, &t2).await]
        .concat()
        .into_iter()
        .filter(|m| m.sent_at.is_none())
        .collect();
    assert_eq!(waiting.len(), 2, "the booking and the second acknowledgement wait");
    assert!(waiting.iter().all(|m| !m.urgent && m.attempts == 0));
    // The technician on the way goes at once too.
    let v = phone.my_visits().await.unwrap().items.remove(0);
    let v = phone
        .visit_step(v.id, "accept", "a", v.version, &json!({}))
        .await
        .unwrap();
    phone
        .visit_step(v.id, "en-route", "b", v.version, &json!({}))
        .await
        .unwrap();
    assert_eq!(relay(&app).await.actions, 1);
    // The ordinary ones wait for room: the urgent ones counted toward the hour.
    app.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(relay(&app).await.actions, 1, "one an hour");
    app.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(relay(&app).await.actions, 1);
    assert_eq!(app.mailer.delivered().len(), 5, "nothing was dropped");
}

#[tokio::test]
async fn resolving_sends_the_acceptance_link() {
    let app = app_with(|_| {}).await;
    let f = fixture(&app, "standard").await;
    let k = contact(&app, &f, Some("chen.jing@example.com"), "en").await;
    let t = register_for(&app, &f, k, "phone").await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{}/resolve", t.id),
            &f.token,
            &json!({"reason": "reset the UPS"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let m = mails(&app, &t).await;
    let last = m.last().unwrap();
    assert_eq!(last.kind, MailKind::TicketResolved);
    assert_eq!(
        last.subject,
        format!("Your request {} is resolved - please accept the result", t.number)
    );
    relay(&app).await;
    let d = app
        .mailer
        .delivered()
        .into_iter()
        .find(|d| d.message_id == last.message_id)
        .unwrap();
    let msg = mail_parser::MessageParser::default().parse(&d.raw).unwrap();
    let link = format!("https://service.example.com/portal/#/tickets/{}", t.id.0);
    assert!(msg.body_text(0).unwrap().contains(&link));
    // HTML escapes the slashes; a browser reads them back.
    let html = msg.body_html(0).unwrap().replace("&#x2f;", "/");
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
}

#[tokio::test]
async fn a_notice_switched_off_is_not_queued_but_the_staffs_are() {
    let app = app_with(|_| {}).await;
    let f = fixture(&app, "standard").await;
    let (am, am_token) = app.user(Role::AccountManager).await;
    let r = app
        .patch(
            &format!("/api/v1/customers/{}", f.customer),
            &app.admin,
            &json!({"account_manager_id": am.id}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let k = contact(&app, &f, Some("chen.jing@example.com"), "en").await;

    // Everything on until switched off; anyone in the office reads the switches.
    let read: CustomerNotices = app
        .ok(
            app.get(&format!("/api/v1/customers/{}/notices", f.customer), &f.token)
                .await,
            200,
        )
        .await;
    assert!(read.acknowledgement && read.visit_changes && read.on_the_way && read.resolved);
    assert!(read.updated_by.is_none());

    let off = json!({"acknowledgement": false, "visit_changes": false, "on_the_way": true, "resolved": false});
    // Only the customer's own account manager (or an admin) switches them.
    problem(
        set_notices(&app, &f.token, f.customer, off.clone()).await,
        403,
        "forbidden",
    )
    .await;
    let other_am = app.token(Role::AccountManager).await;
    problem(
        set_notices(&app, &other_am, f.customer, off.clone()).await,
        403,
        "forbidden",
    )
    .await;
    problem(
        set_notices(&app, &am_token, 999_999, off.clone()).await,
        404,
        "not_found",
    )
    .await;
    let bad = set_notices(&app, &am_token, f.customer, json!({"acknowledgement": false})).await;
    assert_eq!(bad.status(), 422);
    let set: CustomerNotices = app.ok(set_notices(&app, &am_token, f.customer, off).await, 200).await;
    assert!(!set.acknowledgement && !set.visit_changes && set.on_the_way && !set.resolved);
    assert_eq!(set.updated_by, Some(am.id));

    let t = register_for(&app, &f, k, "phone").await;
    let (tech, phone) = technician(&app).await;
    let v = visit(&app, &f, &t, TODAY).await;
    let v = book(&app, &v, &tech).await;
    let v = phone
        .visit_step(v.id, "accept", "a", v.version, &json!({}))
        .await
        .unwrap();
    phone
        .visit_step(v.id, "en-route", "b", v.version, &json!({}))
        .await
        .unwrap();
    assert_eq!(
        kinds(&app, &t).await,
        [MailKind::TechnicianOnTheWay],
        "only the one left on"
    );

    // The staff's own notices go on: the major fault notice to the account manager.
    let r = app
        .post(
            &format!("/api/v1/tickets/{}/major-fault", t.id),
            &f.token,
            &major_fault_body(&app),
        )
        .await;
    assert_eq!(r.status(), 201);
    let m = mails(&app, &t).await;
    let notice = m
        .iter()
        .find(|m| m.kind == MailKind::MajorFaultNotice)
        .expect("the staff's notice");
    assert!(notice.recipients.contains(&am.email.clone().unwrap()));

    // Switched on again by an admin; the change is audited.
    let on = json!({"acknowledgement": true, "visit_changes": true, "on_the_way": true, "resolved": true});
    let _: CustomerNotices = app.ok(set_notices(&app, &app.admin, f.customer, on).await, 200).await;
    let t2 = register_for(&app, &f, k, "phone").await;
    assert_eq!(kinds(&app, &t2).await, [MailKind::TicketAcknowledged]);
    let audit: Value = app
        .ok(app.get("/api/v1/audit?entity=customer_notices", &app.admin).await, 200)
        .await;
    assert_eq!(audit["total"], 2, "{audit}");
}
