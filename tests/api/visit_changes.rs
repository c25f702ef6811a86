//! Moving a visit to a new window agreed with the customer, and cancelling it (seed 003 §三.4):
//! the booking moves under the no-double-booking guarantee or is released, the technician is
//! told and the phone sees the change.

use crate::dispatch::visit_for;
use crate::helpers::{problem, TestApp, USER_PASSWORD};
use crate::mobile::{setup, Setup};
use crate::tickets::{at, register, Fixture};
use chrono::{DateTime, Utc};
use fieldline_mobile_api::client::Client;
use fieldline_mobile_api::{
    AgreedVia, ErrorCode, Notification, OnsiteRequest, OnsiteRequestStatus, Page, Role, TicketEvent, Visit, VisitStatus,
};
use serde_json::{json, Value};

/// Wednesday 10:00-12:00 in Shanghai.
const WED_START: &str = "2026-11-25T02:00:00Z";
const WED_END: &str = "2026-11-25T04:00:00Z";

fn moved_to(start: &str, end: &str) -> Value {
    json!({"window_start": start, "window_end": end, "agreed_with": "Zhou Jie",
        "agreed_at": "2026-11-24T00:55:00Z", "agreed_via": "phone", "reason": "the customer's site is closed on Tuesday"})
}

async fn reschedule(app: &TestApp, token: &str, visit: i64, body: &Value, if_match: Option<i32>) -> reqwest::Response {
    let mut req = app
        .http
        .post(app.url(&format!("/api/v1/visits/{visit}/reschedule")))
        .bearer_auth(token)
        .json(body);
    if let Some(v) = if_match {
        req = req.header("If-Match", format!("\"{v}\""));
    }
    req.send().await.unwrap()
}

async fn cancel(app: &TestApp, token: &str, visit: i64, body: &Value, if_match: Option<i32>) -> reqwest::Response {
    let mut req = app
        .http
        .post(app.url(&format!("/api/v1/visits/{visit}/cancel")))
        .bearer_auth(token)
        .json(body);
    if let Some(v) = if_match {
        req = req.header("If-Match", format!("\"{v}\""));
    }
    req.send().await.unwrap()
}

async fn timeline(app: &TestApp, ticket: i64) -> Vec<TicketEvent> {
    app.ok(
        app.get(&format!("/api/v1/tickets/{ticket}/timeline"), &app.admin).await,
        200,
    )
    .await
}

async fn inbox(phone: &Client) -> Vec<Notification> {
    phone
        .get::<Page<Notification>>("/api/v1/notifications")
        .await
        .unwrap()
        .items
}

async fn registration(app: &TestApp, ticket: i64) -> OnsiteRequest {
    let reqs: Page<OnsiteRequest> = app
        .ok(
            app.get(&format!("/api/v1/onsite-requests?ticket_id={ticket}"), &app.admin)
                .await,
            200,
        )
        .await;
    reqs.items[0].clone()
}

/// Another visit of the fixture's customer in the window, made and assigned to `tech`.
async fn booked_visit(app: &TestApp, f: &Fixture, tech: i64, window: (DateTime<Utc>, DateTime<Utc>)) -> Visit {
    let t = register(app, f, "p2", "phone").await;
    let v = visit_for(app, f, &t, window, "ups", 1).await;
    app.ok(
        app.post(
            &format!("/api/v1/visits/{}/assign", v.id),
            &app.admin,
            &json!({"technician_id": tech}),
        )
        .await,
        200,
    )
    .await
}

#[tokio::test]
async fn a_visit_moves_to_a_window_agreed_with_the_customer_and_the_phone_sees_it() {
    let Setup {
        app, f, phone, visit, ..
    } = setup().await;
    // The technician has accepted the Tuesday window.
    let accepted = phone
        .visit_step(visit.id, "accept", "acc", visit.version, &json!({}))
        .await
        .unwrap();
    // The customer asks the agent for Wednesday instead.
    let r = reschedule(&app, &f.token, visit.id.0, &moved_to(WED_START, WED_END), None).await;
    let etag = r.headers().get("etag").unwrap().to_str().unwrap().to_string();
    let moved: Visit = app.ok(r, 200).await;
    assert_eq!(etag, format!("\"{}\"", moved.version));
    assert_eq!(moved.version, accepted.version + 1);
    assert_eq!((moved.window_start, moved.window_end), (at(WED_START), at(WED_END)));
    assert_eq!(
        moved.technician_id, accepted.technician_id,
        "the booking moves with the visit"
    );
    assert_eq!(
        moved.status,
        VisitStatus::Assigned,
        "the technician accepts the new window again"
    );
    assert_eq!(moved.accepted_at, None);
    assert_eq!(moved.window_agreed_with.as_deref(), Some("Zhou Jie"));
    assert_eq!(moved.window_agreed_at, Some(at("2026-11-24T00:55:00Z")));
    assert_eq!(moved.window_agreed_via, Some(AgreedVia::Phone));
    // The phone: a step decided on the old version gets 412 with the visit as it is now.
    let e = phone
        .visit_step(visit.id, "en-route", "late", accepted.version, &json!({}))
        .await
        .unwrap_err();
    let p = e.problem().unwrap();
    assert_eq!(p.code, ErrorCode::PreconditionFailed);
    let current: Visit = serde_json::from_value(p.current.clone().unwrap()).unwrap();
    assert_eq!((current.version, current.window_start), (moved.version, at(WED_START)));
    let mine = phone.my_visits().await.unwrap();
    assert_eq!(mine.items[0].window_start, at(WED_START));
    assert!(inbox(&phone)
        .await
        .iter()
        .any(|n| n.kind == "visit_rescheduled" && n.message.contains("accept it again")));
    let again = phone
        .visit_step(visit.id, "accept", "acc-2", moved.version, &json!({}))
        .await
        .unwrap();
    assert_eq!(again.status, VisitStatus::Accepted);
    // The ticket's timeline tells who agreed, when and how.
    let events = timeline(&app, visit.ticket_id.unwrap().0).await;
    let e = events.iter().find(|e| e.kind == "visit_rescheduled").unwrap();
    assert_eq!(e.to.as_deref(), Some("2026-11-25T02:00:00Z/2026-11-25T04:00:00Z"));
    assert_eq!(e.reason.as_deref(), Some("the customer's site is closed on Tuesday"));
    let data = e.data.clone().unwrap();
    assert_eq!(data["agreed_with"], "Zhou Jie");
    assert_eq!(data["agreed_via"], "phone");
    assert_eq!(data["technician_released"], false);
    // The rules of the agreement, each naming its field.
    for (body, field) in [
        (
            json!({"window_start": WED_START, "window_end": WED_START, "agreed_with": "Zhou Jie", "agreed_at": "2026-11-24T00:55:00Z", "agreed_via": "phone"}),
            "window_end",
        ),
        (
            json!({"window_start": WED_START, "window_end": WED_END, "agreed_with": " ", "agreed_at": "2026-11-24T00:55:00Z", "agreed_via": "phone"}),
            "agreed_with",
        ),
        (
            json!({"window_start": WED_START, "window_end": WED_END, "agreed_with": "Zhou Jie", "agreed_at": "2026-11-24T02:00:00Z", "agreed_via": "phone"}),
            "agreed_at",
        ),
        (
            json!({"window_start": WED_START, "window_end": WED_END, "agreed_with": "Zhou Jie", "agreed_at": "2026-11-24T00:55:00Z", "agreed_via": "fax"}),
            "agreed_via",
        ),
    ] {
        let p = problem(
            reschedule(&app, &f.token, visit.id.0, &body, None).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p.field.as_deref(), Some(field), "{body}");
    }
    // On site, the visit no longer moves.
    phone
        .visit_step(
            visit.id,
            "check-in",
            "in",
            again.version,
            &json!({"latitude": 30.25, "longitude": 120.15}),
        )
        .await
        .unwrap();
    problem(
        reschedule(&app, &f.token, visit.id.0, &moved_to(WED_START, WED_END), None).await,
        409,
        "invalid_transition",
    )
    .await;
}

#[tokio::test]
async fn a_released_technician_is_told_and_the_visit_leaves_their_list() {
    let Setup {
        app, f, phone, visit, ..
    } = setup().await;
    let mut body = moved_to(WED_START, WED_END);
    body["release_technician"] = json!(true);
    body["agreed_via"] = json!("email");
    let moved: Visit = app
        .ok(reschedule(&app, &f.token, visit.id.0, &body, None).await, 200)
        .await;
    assert_eq!((moved.status, moved.technician_id), (VisitStatus::Scheduled, None));
    assert_eq!(moved.window_agreed_via, Some(AgreedVia::Email));
    assert_eq!(phone.my_visits().await.unwrap().total, 0);
    assert!(inbox(&phone)
        .await
        .iter()
        .any(|n| n.kind == "visit_rescheduled" && n.message.contains("no longer yours")));
    let events = timeline(&app, visit.ticket_id.unwrap().0).await;
    let e = events.iter().find(|e| e.kind == "visit_rescheduled").unwrap();
    assert_eq!(e.data.as_ref().unwrap()["technician_released"], true);
}

#[tokio::test]
async fn a_visit_moved_into_a_window_its_technician_is_booked_in_is_409() {
    let Setup {
        app, f, tech, visit, ..
    } = setup().await;
    // Tuesday 14:00-16:00 for the same technician.
    let other = booked_visit(
        &app,
        &f,
        tech.id.0,
        (at("2026-11-24T06:00:00Z"), at("2026-11-24T08:00:00Z")),
    )
    .await;
    let dispatcher = app.token(Role::Dispatcher).await;
    let overlapping = moved_to("2026-11-24T07:00:00Z", "2026-11-24T09:00:00Z");
    let p = problem(
        reschedule(&app, &dispatcher, visit.id.0, &overlapping, None).await,
        409,
        "technician_booked",
    )
    .await;
    assert!(p.detail.contains(&format!("visit {}", other.id)), "{}", p.detail);
    let unchanged: Visit = app
        .ok(app.get(&format!("/api/v1/visits/{}", visit.id), &dispatcher).await, 200)
        .await;
    assert_eq!(unchanged.window_start, visit.window_start);
    assert_eq!(unchanged.version, visit.version);
    // Released from the technician, it moves there.
    let mut released = overlapping.clone();
    released["release_technician"] = json!(true);
    let moved: Visit = app
        .ok(reschedule(&app, &dispatcher, visit.id.0, &released, None).await, 200)
        .await;
    assert_eq!(moved.technician_id, None);
    // Assigning it back to the booked technician is the same 409.
    problem(
        app.post(
            &format!("/api/v1/visits/{}/assign", visit.id),
            &dispatcher,
            &json!({"technician_id": tech.id}),
        )
        .await,
        409,
        "technician_booked",
    )
    .await;
}

#[tokio::test]
async fn concurrent_moves_of_one_technicians_visits_into_one_window_book_it_once() {
    let Setup { app, f, tech, .. } = setup().await;
    const N: usize = 6;
    // Six more of the technician's visits, on Thursday, one hour each from 09:00.
    let mut visits = Vec::new();
    for i in 0..N {
        let start = at("2026-11-26T01:00:00Z") + chrono::Duration::hours(i as i64);
        visits.push(booked_visit(&app, &f, tech.id.0, (start, start + chrono::Duration::minutes(50))).await);
    }
    let tokens = [app.token(Role::Dispatcher).await, f.token.clone()];
    let target = moved_to("2026-11-27T02:00:00Z", "2026-11-27T04:00:00Z");
    let answers = futures::future::join_all(visits.iter().enumerate().map(|(i, v)| {
        let (app, token, body) = (&app, &tokens[i % 2], &target);
        async move { reschedule(app, token, v.id.0, body, None).await }
    }))
    .await;
    let mut won = 0;
    for r in answers {
        match r.status().as_u16() {
            200 => won += 1,
            _ => {
                problem(r, 409, "technician_booked").await;
            }
        }
    }
    assert_eq!(won, 1, "exactly one visit moves into the window");
    let mut there = 0;
    for v in &visits {
        let now: Visit = app
            .ok(app.get(&format!("/api/v1/visits/{}", v.id), &app.admin).await, 200)
            .await;
        assert_eq!(now.technician_id, Some(tech.id));
        if now.window_start == at("2026-11-27T02:00:00Z") {
            there += 1;
        }
    }
    assert_eq!(there, 1);
}

#[tokio::test]
async fn a_stale_if_match_gets_412_with_the_current_visit() {
    let Setup {
        app, f, phone, visit, ..
    } = setup().await;
    let accepted = phone
        .visit_step(visit.id, "accept", "acc", visit.version, &json!({}))
        .await
        .unwrap();
    for r in [
        reschedule(
            &app,
            &f.token,
            visit.id.0,
            &moved_to(WED_START, WED_END),
            Some(visit.version),
        )
        .await,
        cancel(
            &app,
            &f.token,
            visit.id.0,
            &json!({"reason": "withdrawn"}),
            Some(visit.version),
        )
        .await,
    ] {
        let p = problem(r, 412, "precondition_failed").await;
        assert_eq!(p.current.unwrap()["version"], accepted.version);
    }
    let r = app.get(&format!("/api/v1/visits/{}", visit.id), &f.token).await;
    assert_eq!(
        r.headers().get("etag").unwrap().to_str().unwrap(),
        format!("\"{}\"", accepted.version)
    );
    let moved: Visit = app
        .ok(
            reschedule(
                &app,
                &f.token,
                visit.id.0,
                &moved_to(WED_START, WED_END),
                Some(accepted.version),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(moved.version, accepted.version + 1);
}

#[tokio::test]
async fn cancelling_frees_the_technician_and_the_visit_leaves_their_list() {
    let Setup {
        app,
        f,
        tech,
        phone,
        visit,
        dispatcher,
    } = setup().await;
    problem(
        cancel(&app, &f.token, visit.id.0, &json!({}), None).await,
        422,
        "validation_failed",
    )
    .await;
    let r = cancel(
        &app,
        &f.token,
        visit.id.0,
        &json!({"reason": "the customer fixed it themselves"}),
        Some(visit.version),
    )
    .await;
    let cancelled: Visit = app.ok(r, 200).await;
    assert_eq!(cancelled.status, VisitStatus::Cancelled);
    assert_eq!(cancelled.version, visit.version + 1);
    assert_eq!(
        cancelled.outcome_reason.as_deref(),
        Some("the customer fixed it themselves")
    );
    // The phone: gone from the list, and a late step learns why.
    assert_eq!(phone.my_visits().await.unwrap().total, 0);
    let e = phone
        .visit_step(visit.id, "accept", "acc", visit.version, &json!({}))
        .await
        .unwrap_err();
    let p = e.problem().unwrap();
    assert_eq!(p.code, ErrorCode::PreconditionFailed);
    assert_eq!(p.current.as_ref().unwrap()["status"], "cancelled");
    assert!(inbox(&phone)
        .await
        .iter()
        .any(|n| n.kind == "visit_cancelled" && n.message.contains("fixed it themselves")));
    // The technician is free in that window again.
    let again = booked_visit(&app, &f, tech.id.0, (visit.window_start, visit.window_end)).await;
    assert_eq!(again.technician_id, Some(tech.id));
    // The registration went back to dispatch; the timeline says why.
    let ticket = visit.ticket_id.unwrap().0;
    assert_eq!(registration(&app, ticket).await.status, OnsiteRequestStatus::Open);
    let events = timeline(&app, ticket).await;
    let e = events.iter().find(|e| e.kind == "visit_cancelled").unwrap();
    assert_eq!(
        (e.from.as_deref(), e.to.as_deref()),
        (Some("assigned"), Some("cancelled"))
    );
    // A cancelled visit is not cancelled again, nor moved.
    problem(
        cancel(&app, &dispatcher, visit.id.0, &json!({"reason": "again"}), None).await,
        409,
        "invalid_transition",
    )
    .await;
    problem(
        reschedule(&app, &dispatcher, visit.id.0, &moved_to(WED_START, WED_END), None).await,
        409,
        "invalid_transition",
    )
    .await;
    // Cancelling the registration too: the customer needs no visit any more.
    let t = again.ticket_id.unwrap().0;
    let _: Visit = app
        .ok(
            cancel(
                &app,
                &dispatcher,
                again.id.0,
                &json!({"reason": "withdrawn by the customer", "cancel_registration": true}),
                None,
            )
            .await,
            200,
        )
        .await;
    assert_eq!(registration(&app, t).await.status, OnsiteRequestStatus::Cancelled);
}

#[tokio::test]
async fn only_dispatchers_and_agents_move_or_cancel_visits() {
    let Setup {
        app, f, tech, visit, ..
    } = setup().await;
    let mut phone = Client::new(&app.address);
    phone.login(&tech.username, USER_PASSWORD).await.unwrap();
    let tech_token = phone.access_token().unwrap().to_string();
    for role in [
        Role::Technician,
        Role::RemoteEngineer,
        Role::AccountManager,
        Role::Manager,
    ] {
        let token = if role == Role::Technician {
            tech_token.clone()
        } else {
            app.token(role).await
        };
        problem(
            reschedule(&app, &token, visit.id.0, &moved_to(WED_START, WED_END), None).await,
            403,
            "forbidden",
        )
        .await;
        problem(
            cancel(&app, &token, visit.id.0, &json!({"reason": "no"}), None).await,
            403,
            "forbidden",
        )
        .await;
    }
    let supervisor = app.token(Role::Supervisor).await;
    let _: Visit = app
        .ok(
            reschedule(&app, &supervisor, visit.id.0, &moved_to(WED_START, WED_END), None).await,
            200,
        )
        .await;
    let _: Visit = app
        .ok(
            cancel(&app, &f.token, visit.id.0, &json!({"reason": "withdrawn"}), None).await,
            200,
        )
        .await;
}
