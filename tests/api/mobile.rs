//! The technician's phone, through the typed client of `fieldline-mobile-api`.

use crate::helpers::{spawn_app_full, TestApp, USER_PASSWORD};
use crate::tickets::{at, fixture, register, Fixture};
use base64::Engine;
use fieldline_mobile_api::client::{Client, ClientError};
use fieldline_mobile_api::{ErrorCode, OnsiteRequest, Page, Role, Technician, Ticket, User, Visit, VisitStatus};
use serde_json::{json, Value};

const TUESDAY_0900: &str = "2026-11-24T01:00:00Z";

pub struct Setup {
    pub app: TestApp,
    pub f: Fixture,
    pub tech: User,
    pub phone: Client,
    pub visit: Visit,
    pub dispatcher: String,
}

/// A PNG signature (its header and some bytes), base64.
pub fn png() -> String {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.extend_from_slice(&[0u8; 64]);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A technician with a phone signed in, and an on-site visit assigned to them (Tuesday
/// 10:00-12:00 in Shanghai, the clock at 09:00).
pub async fn setup() -> Setup {
    setup_with(|_| {}).await
}

/// As `setup`, on an application whose settings `change` changes.
pub async fn setup_with(change: impl FnOnce(&mut fieldline::config::Settings)) -> Setup {
    let app = spawn_app_full(change, fieldline::clock::Clock::fake(TUESDAY_0900.parse().unwrap())).await;
    let f = fixture(&app, "standard").await;
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
    let t = register(&app, &f, "p2", "phone").await;
    let body = json!({"to": "onsite", "reason": "obvious hardware failure", "window_start": "2026-11-24T02:00:00Z", "window_end": "2026-11-24T04:00:00Z"});
    assert_eq!(
        app.post(&format!("/api/v1/tickets/{}/escalate", t.id), &f.token, &body)
            .await
            .status(),
        200
    );
    let reqs: Page<OnsiteRequest> = app
        .ok(
            app.get(&format!("/api/v1/onsite-requests?ticket_id={}", t.id), &app.admin)
                .await,
            200,
        )
        .await;
    let dispatcher = app.token(Role::Dispatcher).await;
    let v: Visit = app
        .ok(
            app.post(
                "/api/v1/visits",
                &dispatcher,
                &json!({"onsite_request_id": reqs.items[0].id, "required_skill": "ups"}),
            )
            .await,
            201,
        )
        .await;
    let visit: Visit = app
        .ok(
            app.post(
                &format!("/api/v1/visits/{}/assign", v.id),
                &dispatcher,
                &json!({"technician_id": tech.id}),
            )
            .await,
            200,
        )
        .await;
    let mut phone = Client::new(&app.address);
    phone.login(&tech.username, USER_PASSWORD).await.unwrap();
    Setup {
        app,
        f,
        tech,
        phone,
        visit,
        dispatcher,
    }
}

/// An hour later the technician accepts the visit and checks in on site; 50 minutes later they
/// complete it (50 minutes on site, a quote of 1200 approved beforehand, signed by Wang Fang).
pub async fn work_the_visit(app: &TestApp, phone: &Client, v: Visit) -> Visit {
    app.clock.advance(chrono::Duration::minutes(60));
    let v = phone
        .visit_step(v.id, "accept", "a", v.version, &json!({}))
        .await
        .unwrap();
    let v = phone
        .visit_step(
            v.id,
            "check-in",
            "b",
            v.version,
            &json!({"latitude": 30.25, "longitude": 120.15}),
        )
        .await
        .unwrap();
    // Out of warranty: the customer approves the quote of 1200 before the work.
    let version = crate::quotes::phone_quote(phone, v.id, v.version, 1200.0, "q").await;
    app.clock.advance(chrono::Duration::minutes(50));
    let done = json!({"work_notes": "Replaced the control board.", "parts": [], "time_spent_minutes": 50,
        "amount_charged": 1200.0, "signoff_name": "Wang Fang", "signature_png_base64": png()});
    phone.visit_step(v.id, "complete", "c", version, &done).await.unwrap()
}

fn code(e: ClientError) -> (ErrorCode, Option<String>) {
    let p = e.problem().expect("an answer from the service").clone();
    (p.code, p.field)
}

fn complete_body(quote: Option<f64>) -> Value {
    json!({"work_notes": "Replaced the control board and tested on load.", "parts": [{"part_number": "CB-93PM-01", "quantity": 1}, {"part_number": "FUSE-30A", "quantity": 2}],
           "time_spent_minutes": 95, "quote_amount": quote, "signoff_name": "Wang Fang", "signature_png_base64": png()})
}

#[tokio::test]
async fn a_technician_works_a_visit_from_the_phone() {
    let s = setup().await;
    let (app, phone) = (&s.app, &s.phone);
    let mine = phone.my_visits().await.unwrap();
    assert_eq!(mine.total, 1);
    let d = phone.my_visit(s.visit.id).await.unwrap();
    assert!(d.ticket_number.as_deref().unwrap().starts_with("FL-2026-"));
    assert_eq!(d.site_name.as_deref(), Some("Line 1 depot"));
    assert_eq!(d.contact_name.as_deref(), Some("Wang Fang"));
    assert_eq!(d.product_model.as_deref(), Some("Eaton 93PM"));
    let raw = app
        .http
        .get(app.url(&format!("/api/v1/mobile/visits/{}", s.visit.id)))
        .bearer_auth(phone.access_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(raw.headers()["etag"], format!("\"{}\"", d.visit.version).as_str());
    let v = d.visit.version;
    let a = phone
        .visit_step(s.visit.id, "accept", "k1", v, &json!({}))
        .await
        .unwrap();
    assert_eq!((a.status, a.version), (VisitStatus::Accepted, v + 1));
    let e = phone
        .visit_step(s.visit.id, "en-route", "k2", a.version, &json!({}))
        .await
        .unwrap();
    assert_eq!(e.status, VisitStatus::EnRoute);
    // About 6 km from the site: refused without a reason, accepted and recorded with one.
    let far = json!({"latitude": 30.30, "longitude": 120.20});
    let err = phone
        .visit_step(s.visit.id, "check-in", "k3", e.version, &far)
        .await
        .unwrap_err();
    assert_eq!(code(err), (ErrorCode::ValidationFailed, Some("reason".into())));
    let far = json!({"latitude": 30.30, "longitude": 120.20, "reason": "GPS drifts inside the depot"});
    let c = phone
        .visit_step(s.visit.id, "check-in", "k4", e.version, &far)
        .await
        .unwrap();
    assert_eq!(c.status, VisitStatus::OnSite);
    assert!(c.checkin_distance_m.unwrap() > 5000.0);
    assert_eq!(c.checkin_reason.as_deref(), Some("GPS drifts inside the depot"));
    let t: Ticket = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}", s.visit.ticket_id.unwrap()), &app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(
        t.arrived_at,
        Some(at(TUESDAY_0900)),
        "the check-in is the ticket's arrival"
    );
    // The asset has no warranty on record: the customer approves a quote before the work.
    let err = phone
        .visit_step(s.visit.id, "complete", "k5", c.version, &complete_body(None))
        .await
        .unwrap_err();
    assert_eq!(code(err), (ErrorCode::QuoteNotApproved, Some("quote".into())));
    let version = crate::quotes::phone_quote(phone, s.visit.id, c.version, 880.0, "kq").await;
    let mut bad = complete_body(Some(880.0));
    bad["signature_png_base64"] = json!(base64::engine::general_purpose::STANDARD.encode(b"GIF89a not a png"));
    let err = phone
        .visit_step(s.visit.id, "complete", "k6", version, &bad)
        .await
        .unwrap_err();
    assert_eq!(
        code(err),
        (ErrorCode::ValidationFailed, Some("signature_png_base64".into()))
    );
    let mut big = complete_body(Some(880.0));
    big["signature_png_base64"] = json!(base64::engine::general_purpose::STANDARD.encode(vec![0x89u8; 300 * 1024]));
    let err = phone
        .visit_step(s.visit.id, "complete", "k7", version, &big)
        .await
        .unwrap_err();
    assert_eq!(
        code(err),
        (ErrorCode::ValidationFailed, Some("signature_png_base64".into()))
    );
    let done = phone
        .visit_step(s.visit.id, "complete", "k8", version, &complete_body(Some(880.0)))
        .await
        .unwrap();
    assert_eq!(done.status, VisitStatus::Completed);
    assert_eq!(
        (done.under_warranty, done.quote_amount, done.time_spent_minutes),
        (Some(false), Some(880.0), Some(95))
    );
    assert!(done.has_signature);
    let d = phone.my_visit(s.visit.id).await.unwrap();
    assert_eq!(d.parts.len(), 2);
    let err = phone
        .visit_step(s.visit.id, "fail", "k9", done.version, &json!({"reason": "x"}))
        .await
        .unwrap_err();
    assert_eq!(code(err).0, ErrorCode::InvalidTransition);
    let events: Vec<Value> = app
        .ok(
            app.get(
                &format!("/api/v1/tickets/{}/timeline", s.visit.ticket_id.unwrap()),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(
        kinds.ends_with(&[
            "visit_accepted",
            "departed",
            "visit_en_route",
            "arrived",
            "visit_checked_in",
            "quote_made",
            "quote_approved",
            "visit_completed",
            "resolved"
        ]),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn a_stale_version_gets_412_with_the_current_visit_and_a_missing_one_428() {
    let s = setup().await;
    let v = s.visit.version;
    let a = s
        .phone
        .visit_step(s.visit.id, "accept", "a1", v, &json!({}))
        .await
        .unwrap();
    let err = s
        .phone
        .visit_step(s.visit.id, "en-route", "a2", v, &json!({}))
        .await
        .unwrap_err();
    let p = err.problem().unwrap().clone();
    assert_eq!((p.code, p.status), (ErrorCode::PreconditionFailed, 412));
    let current: Visit = serde_json::from_value(p.current.unwrap()).unwrap();
    assert_eq!((current.status, current.version), (VisitStatus::Accepted, a.version));
    let r = s
        .app
        .http
        .post(s.app.url(&format!("/api/v1/mobile/visits/{}/en-route", s.visit.id)))
        .bearer_auth(s.phone.access_token().unwrap())
        .header("Idempotency-Key", "a3")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    crate::helpers::problem(r, 428, "precondition_required").await;
    let r = s
        .app
        .http
        .post(s.app.url(&format!("/api/v1/mobile/visits/{}/en-route", s.visit.id)))
        .bearer_auth(s.phone.access_token().unwrap())
        .header("If-Match", "\"2\"")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let p = crate::helpers::problem(r, 422, "validation_failed").await;
    assert_eq!(p.field.as_deref(), Some("Idempotency-Key"));
}

#[tokio::test]
async fn declining_returns_the_visit_to_dispatch() {
    let s = setup().await;
    let err = s
        .phone
        .visit_step(s.visit.id, "decline", "d1", s.visit.version, &json!({}))
        .await
        .unwrap_err();
    assert_eq!(code(err), (ErrorCode::ValidationFailed, Some("reason".into())));
    let d = s
        .phone
        .visit_step(
            s.visit.id,
            "decline",
            "d2",
            s.visit.version,
            &json!({"reason": "the van broke down"}),
        )
        .await
        .unwrap();
    assert_eq!((d.status, d.technician_id), (VisitStatus::Scheduled, None));
    assert_eq!(
        code(s.phone.my_visit(s.visit.id).await.unwrap_err()).0,
        ErrorCode::NotFound
    );
    let inbox: Value = s
        .app
        .ok(s.app.get("/api/v1/notifications", &s.dispatcher).await, 200)
        .await;
    assert_eq!(inbox["items"][0]["kind"], "visit_declined");
    let _ = &s.f;
}

/// A day's queue from a phone that was offline: sent out of order, then all of it again. The
/// visit ends exactly as if each request had been sent once, in order.
#[tokio::test]
async fn a_replayed_day_queue_ends_in_the_same_state() {
    let s = setup().await;
    // The office had the customer approve the quote beforehand.
    let v = crate::quotes::office_quote(&s.app, &s.dispatcher, s.visit.id, 450.0)
        .await
        .visit_version;
    let queue: Vec<(&str, &str, i32, Value)> = vec![
        ("accept", "q1", v, json!({})),
        ("en-route", "q2", v + 1, json!({})),
        (
            "check-in",
            "q3",
            v + 2,
            json!({"latitude": 30.2501, "longitude": 120.1502}),
        ),
        ("complete", "q4", v + 3, complete_body(Some(450.0))),
    ];
    let pings: Vec<(String, Vec<fieldline_mobile_api::LocationPing>)> = (0..4)
        .map(|i| {
            let p = fieldline_mobile_api::LocationPing {
                at: at(TUESDAY_0900) - chrono::Duration::minutes(40 - i * 10),
                latitude: 30.25,
                longitude: 120.15,
                accuracy_m: 10.0,
            };
            (format!("ping-{i}"), vec![p])
        })
        .collect();
    // Out of order: later steps arrive first and are refused (412: decided on a newer version),
    // and the phone keeps sending its queue until every request has an answer.
    let order = [3usize, 1, 2, 0];
    let mut answered = [false; 4];
    for _round in 0..6 {
        for &i in &order {
            if answered[i] {
                continue;
            }
            let (step, key, version, body) = &queue[i];
            match s.phone.visit_step(s.visit.id, step, key, *version, body).await {
                Ok(_) => answered[i] = true,
                Err(e) => assert!(matches!(
                    code(e).0,
                    ErrorCode::PreconditionFailed | ErrorCode::InvalidTransition
                )),
            }
        }
        for (key, p) in pings.iter().rev() {
            s.phone.send_pings(key, p.clone()).await.unwrap();
        }
    }
    assert_eq!(answered, [true; 4]);
    let first = s.phone.my_visit(s.visit.id).await.unwrap();
    // Everything again: each request gets its first answer and nothing changes.
    for (step, key, version, body) in &queue {
        let replayed = s.phone.visit_step(s.visit.id, step, key, *version, body).await.unwrap();
        assert_eq!(replayed.version, version + 1, "{step}: the first answer");
    }
    for (key, p) in &pings {
        assert_eq!(s.phone.send_pings(key, p.clone()).await.unwrap().stored, 1);
    }
    let again = s.phone.my_visit(s.visit.id).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(again.visit.status, VisitStatus::Completed);
    assert_eq!(again.visit.version, v + 4);
    assert_eq!(again.parts.len(), 2, "parts recorded once");
    let events: Vec<Value> = s
        .app
        .ok(
            s.app
                .get(
                    &format!("/api/v1/tickets/{}/timeline", s.visit.ticket_id.unwrap()),
                    &s.app.admin,
                )
                .await,
            200,
        )
        .await;
    for kind in [
        "visit_accepted",
        "visit_en_route",
        "visit_checked_in",
        "visit_completed",
        "arrived",
    ] {
        assert_eq!(events.iter().filter(|e| e["kind"] == kind).count(), 1, "{kind} once");
    }
    let tech: Technician = s.phone.technician(s.visit.technician_id.unwrap()).await.unwrap();
    assert_eq!(
        tech.last_ping_at,
        Some(at(TUESDAY_0900) - chrono::Duration::minutes(10))
    );
}
