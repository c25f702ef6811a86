//! Closing the loop of a ticket: steps with `If-Match`, cancelling a ticket, what a closed or
//! cancelled ticket refuses, and the visit whose signature ends the ticket.

use crate::dispatch::visit_for;
use crate::helpers::{problem, spawn_app, spawn_app_at};
use crate::mobile::{png, setup};
use crate::tickets::{fixture, register};
use chrono::{Duration, Utc};
use fieldline_mobile_api::{
    JobRun, MailKind, Notification, OnsiteRequest, OnsiteRequestStatus, OutboxMessage, Page, Role, Ticket, TicketEvent,
    TicketStatus, Visit, VisitStatus,
};
use serde_json::{json, Value};

/// POSTs a ticket step with `If-Match` set to `version`.
async fn step_at(
    app: &crate::helpers::TestApp,
    token: &str,
    id: i64,
    step: &str,
    version: i32,
    body: Value,
) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/api/v1/tickets/{id}/{step}")))
        .bearer_auth(token)
        .header("If-Match", format!("\"{version}\""))
        .json(&body)
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn a_ticket_step_with_a_stale_if_match_gets_412_with_the_ticket_as_it_is() {
    let app = spawn_app().await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p2", "phone").await;

    // The ticket's version is its ETag.
    let resp = app.get(&format!("/api/v1/tickets/{}", t.id.0), &f.token).await;
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag, format!("\"{}\"", t.version));

    // Two agents read version v; the first step wins and answers the next ETag.
    let resp = step_at(&app, &f.token, t.id.0, "start", t.version, json!({})).await;
    assert_eq!(
        resp.headers()["etag"].to_str().unwrap(),
        format!("\"{}\"", t.version + 1)
    );
    let started: Ticket = app.ok(resp, 200).await;
    assert_eq!(started.status, TicketStatus::InProgress);

    // The second, on the version it read, is refused with the ticket as it is now.
    let resp = step_at(
        &app,
        &f.token,
        t.id.0,
        "wait",
        t.version,
        json!({"reason": "asked for logs"}),
    )
    .await;
    let p = problem(resp, 412, "precondition_failed").await;
    let current: Ticket = serde_json::from_value(p.current.clone().expect("current")).unwrap();
    assert_eq!(current.status, TicketStatus::InProgress);
    assert_eq!(current.version, started.version);
    let now: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{}", t.id.0), &f.token).await, 200)
        .await;
    assert_eq!(now.status, TicketStatus::InProgress, "nothing changed");

    // On the current version it goes through; without If-Match a step still works.
    let waiting: Ticket = app
        .ok(
            step_at(&app, &f.token, t.id.0, "wait", started.version, json!({})).await,
            200,
        )
        .await;
    assert_eq!(waiting.status, TicketStatus::WaitingOnCustomer);
    let resumed: Ticket = app
        .ok(
            app.post(&format!("/api/v1/tickets/{}/resume", t.id.0), &f.token, &json!({}))
                .await,
            200,
        )
        .await;
    assert_eq!(resumed.status, TicketStatus::InProgress);

    // A PATCH honours it too; a malformed one is a 422 naming the header.
    let resp = app
        .http
        .patch(app.url(&format!("/api/v1/tickets/{}", t.id.0)))
        .bearer_auth(&f.token)
        .header("If-Match", format!("\"{}\"", started.version))
        .json(&json!({"priority": "p1"}))
        .send()
        .await
        .unwrap();
    problem(resp, 412, "precondition_failed").await;
    let resp = app
        .http
        .patch(app.url(&format!("/api/v1/tickets/{}", t.id.0)))
        .bearer_auth(&f.token)
        .header("If-Match", "yesterday")
        .json(&json!({"priority": "p1"}))
        .send()
        .await
        .unwrap();
    let p = problem(resp, 422, "validation_failed").await;
    assert_eq!(p.field.as_deref(), Some("If-Match"));
}

/// The ticket's on-site registrations.
async fn registrations(app: &crate::helpers::TestApp, ticket: i64) -> Vec<OnsiteRequest> {
    let page: Page<OnsiteRequest> = app
        .ok(
            app.get(&format!("/api/v1/onsite-requests?ticket_id={ticket}"), &app.admin)
                .await,
            200,
        )
        .await;
    page.items
}

async fn ticket(app: &crate::helpers::TestApp, id: i64) -> Ticket {
    app.ok(app.get(&format!("/api/v1/tickets/{id}"), &app.admin).await, 200)
        .await
}

/// Accepts the set-up's visit and checks in on site.
async fn on_site(s: &crate::mobile::Setup) -> Visit {
    let v = s
        .phone
        .visit_step(s.visit.id, "accept", "a", s.visit.version, &json!({}))
        .await
        .unwrap();
    let v = s
        .phone
        .visit_step(
            v.id,
            "check-in",
            "b",
            v.version,
            &json!({"latitude": 30.25, "longitude": 120.15}),
        )
        .await
        .unwrap();
    v
}

/// Accepts, checks in and completes the set-up's visit with the customer's signature and `satisfied`.
async fn complete_signed(s: &crate::mobile::Setup, satisfied: Option<bool>) -> Visit {
    let v = on_site(s).await;
    let version = crate::quotes::phone_quote(&s.phone, v.id, v.version, 1200.0, "q").await;
    let mut done = json!({"work_notes": "Replaced the control board.", "parts": [], "time_spent_minutes": 50,
        "amount_charged": 1200.0, "signoff_name": "Wang Fang", "signature_png_base64": png()});
    if let Some(yes) = satisfied {
        done["satisfied"] = json!(yes);
    }
    s.phone.visit_step(v.id, "complete", "c", version, &done).await.unwrap()
}

#[tokio::test]
async fn a_signed_satisfied_completion_of_the_last_visit_closes_the_ticket_with_an_acceptance() {
    let s = setup().await;
    let app = &s.app;
    let done = complete_signed(&s, Some(true)).await;
    assert_eq!(done.status, VisitStatus::Completed);
    let t = ticket(app, done.ticket_id.unwrap().0).await;
    assert_eq!(t.status, TicketStatus::Closed);
    assert!(t.resolved_at.is_some() && t.closed_at.is_some());
    assert_eq!(registrations(app, t.id.0).await[0].status, OnsiteRequestStatus::Done);

    // The timeline says it was resolved by the visit and accepted by the signer, as the technician did it.
    let events: Vec<TicketEvent> = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}/timeline", t.id.0), &app.admin)
                .await,
            200,
        )
        .await;
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    let (resolved, accepted) = (
        kinds.iter().position(|k| *k == "resolved").expect("resolved"),
        kinds.iter().position(|k| *k == "accepted").expect("accepted"),
    );
    assert!(resolved < accepted, "{kinds:?}");
    let acceptance = &events[accepted];
    assert_eq!(acceptance.actor_id, Some(s.tech.id));
    assert_eq!(acceptance.data.as_ref().unwrap()["accepted_by"], "Wang Fang");
    assert!(acceptance
        .reason
        .as_deref()
        .unwrap()
        .contains("signed on the technician's phone"));

    // As with an acceptance taken by phone, the closing e-mail is made (this contact has no
    // address, so the timeline says it was skipped).
    assert!(kinds[accepted..].contains(&"mail_skipped"), "{kinds:?}");

    // A closed ticket takes no more visits.
    let body = json!({"onsite_request_id": registrations(app, t.id.0).await[0].id});
    problem(
        app.post("/api/v1/visits", &s.dispatcher, &body).await,
        409,
        "invalid_transition",
    )
    .await;
}

#[tokio::test]
async fn a_signer_who_states_no_satisfaction_leaves_the_ticket_resolved_and_its_owner_is_asked() {
    for satisfied in [None, Some(false)] {
        let s = setup().await;
        let app = &s.app;
        let done = complete_signed(&s, satisfied).await;
        let t = ticket(app, done.ticket_id.unwrap().0).await;
        assert_eq!(t.status, TicketStatus::Resolved, "{satisfied:?}");
        assert!(t.closed_at.is_none());
        let mine: Page<Notification> = app.ok(app.get("/api/v1/notifications", &s.f.token).await, 200).await;
        assert!(
            mine.items
                .iter()
                .any(|n| n.kind == "acceptance_due" && n.ticket_id == Some(t.id)),
            "{:?}",
            mine.items
        );
    }
}

#[tokio::test]
async fn a_visit_that_fails_keeps_the_ticket_open_and_sends_it_back_to_dispatch() {
    let s = setup().await;
    let app = &s.app;
    let v = on_site(&s).await;
    let body = json!({"reason": "the spare part is missing", "needs_revisit": true});
    let v = s.phone.visit_step(v.id, "fail", "c", v.version, &body).await.unwrap();
    let t = ticket(app, v.ticket_id.unwrap().0).await;
    assert_eq!(t.status, TicketStatus::InProgress);
    assert_eq!(registrations(app, t.id.0).await[0].status, OnsiteRequestStatus::Open);
}

#[tokio::test]
async fn a_ticket_opened_by_mistake_is_cancelled_with_its_unstarted_on_site_work() {
    let app = spawn_app().await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p2", "phone").await;
    let start = Utc::now() + Duration::days(2);
    let window = (start, start + Duration::hours(2));
    let visit = visit_for(&app, &f, &t, window, "ups", 1).await;
    let url = format!("/api/v1/tickets/{}/cancel", t.id.0);

    // A reason is required; only the owner (or a supervisor, an admin) may cancel.
    let p = problem(
        app.post(&url, &f.token, &json!({"reason": " "})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("reason"));
    let other = app.token(Role::Agent).await;
    problem(
        app.post(&url, &other, &json!({"reason": "duplicate"})).await,
        403,
        "forbidden",
    )
    .await;

    let cancelled: Ticket = app
        .ok(
            app.post(&url, &f.token, &json!({"reason": "duplicate of an earlier call"}))
                .await,
            200,
        )
        .await;
    assert_eq!(cancelled.status, TicketStatus::Cancelled);
    assert!(cancelled.closed_at.is_none(), "a cancellation is not a closure");
    let v: Visit = app
        .ok(app.get(&format!("/api/v1/visits/{}", visit.id), &app.admin).await, 200)
        .await;
    assert_eq!(v.status, VisitStatus::Cancelled);
    assert_eq!(
        registrations(&app, t.id.0).await[0].status,
        OnsiteRequestStatus::Cancelled
    );

    // Nothing more happens to it, and the lists count it apart from the open tickets.
    problem(
        app.post(&url, &f.token, &json!({"reason": "again"})).await,
        409,
        "invalid_transition",
    )
    .await;
    problem(
        app.post(&format!("/api/v1/tickets/{}/start", t.id.0), &f.token, &json!({}))
            .await,
        409,
        "invalid_transition",
    )
    .await;
    let ids = |p: Page<Ticket>| p.items.iter().map(|t| t.id).collect::<Vec<_>>();
    let open: Page<Ticket> = app
        .ok(app.get("/api/v1/tickets?open=true", &app.admin).await, 200)
        .await;
    assert!(!ids(open).contains(&t.id));
    let ended: Page<Ticket> = app
        .ok(app.get("/api/v1/tickets?open=false", &app.admin).await, 200)
        .await;
    assert!(ids(ended).contains(&t.id));
    let by_status: Page<Ticket> = app
        .ok(app.get("/api/v1/tickets?status=cancelled", &app.admin).await, 200)
        .await;
    assert_eq!(ids(by_status), vec![t.id]);

    // The report counts it apart from the closed ones.
    let today = Utc::now().date_naive();
    let report: Value = app
        .ok(
            app.get(
                &format!("/api/v1/reports/service?from={today}&to={}", today + Duration::days(1)),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    assert_eq!(report["tickets"]["cancelled"], 1, "{report}");
    assert_eq!(report["tickets"]["closed"], 0);

    // A resolved ticket is not cancelled: it waits for the customer's verdict.
    let t2 = register(&app, &f, "p3", "phone").await;
    app.ok::<Ticket>(
        app.post(&format!("/api/v1/tickets/{}/resolve", t2.id.0), &f.token, &json!({}))
            .await,
        200,
    )
    .await;
    problem(
        app.post(
            &format!("/api/v1/tickets/{}/cancel", t2.id.0),
            &f.token,
            &json!({"reason": "withdrawn"}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
}

#[tokio::test]
async fn closing_a_ticket_cancels_its_open_registration_and_it_takes_no_visit() {
    let app = spawn_app().await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p2", "phone").await;
    let start = Utc::now() + Duration::days(2);
    let body = json!({"to": "onsite", "reason": "needs hands on site", "window_start": start, "window_end": start + Duration::hours(2)});
    app.ok::<Ticket>(
        app.post(&format!("/api/v1/tickets/{}/escalate", t.id.0), &f.token, &body)
            .await,
        200,
    )
    .await;
    // Solved on the phone after all: resolved and accepted before any visit was made.
    app.ok::<Ticket>(
        app.post(&format!("/api/v1/tickets/{}/resolve", t.id.0), &f.token, &json!({}))
            .await,
        200,
    )
    .await;
    let body = json!({"accepted_by": "Wang Fang", "satisfied": true});
    let closed: Ticket = app
        .ok(
            app.post(&format!("/api/v1/tickets/{}/acceptance", t.id.0), &f.token, &body)
                .await,
            200,
        )
        .await;
    assert_eq!(closed.status, TicketStatus::Closed);
    let reg = &registrations(&app, t.id.0).await[0];
    assert_eq!(reg.status, OnsiteRequestStatus::Cancelled);
    let body = json!({"onsite_request_id": reg.id});
    problem(
        app.post("/api/v1/visits", &app.admin, &body).await,
        409,
        "invalid_transition",
    )
    .await;
}

/// Runs the job of unanswered resolutions in a slot of its own; returns (ran, actions).
async fn unanswered_run(app: &crate::helpers::TestApp, slot: &str) -> (bool, i64) {
    let run: JobRun = app
        .ok(
            app.post(
                "/api/v1/jobs/unanswered_resolutions/run",
                &app.admin,
                &json!({"slot": slot}),
            )
            .await,
            200,
        )
        .await;
    (run.ran, run.actions)
}

#[tokio::test]
async fn a_resolved_ticket_nobody_answers_is_reminded_once_then_closed_after_working_days() {
    // Monday 2026-11-23 11:00 in Shanghai; Wednesday is a holiday.
    let app = spawn_app_at("2026-11-23T03:00:00Z").await;
    let r = app
        .post(
            "/api/v1/calendar/holidays",
            &app.admin,
            &json!({"day": "2026-11-25", "name": "Company day"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let f = fixture(&app, "standard").await;
    let k: Value = app
        .ok(
            app.post(
                &format!("/api/v1/customers/{}/contacts", f.customer),
                &app.admin,
                &json!({"name": "Chen Jing", "email": "chen.jing@example.com"}),
            )
            .await,
            201,
        )
        .await;
    let body = json!({"customer_id": f.customer, "contact_id": k["id"], "channel": "phone", "priority": "p3",
        "title": "Card reader rejects cards", "description": "Gate 4 rejects valid cards."});
    let t: Ticket = app.ok(app.post("/api/v1/tickets", &f.token, &body).await, 201).await;
    let url = format!("/api/v1/tickets/{}", t.id.0);
    app.ok::<Ticket>(app.post(&format!("{url}/resolve"), &f.token, &json!({})).await, 200)
        .await;

    // Thursday: Tuesday and Thursday are two working days; nothing yet.
    app.clock.advance(Duration::days(3));
    assert_eq!(unanswered_run(&app, "thu").await, (true, 0));
    // Friday: three. The owner is told to call, the contact gets the e-mail; once.
    app.clock.advance(Duration::days(1));
    assert_eq!(unanswered_run(&app, "fri").await, (true, 1));
    assert_eq!(unanswered_run(&app, "fri-again").await, (true, 0));
    let reminded = ticket(&app, t.id.0).await;
    assert_eq!(reminded.status, TicketStatus::Resolved);
    assert!(reminded.acceptance_reminded_at.is_some());
    let mine: Page<Notification> = app.ok(app.get("/api/v1/notifications", &f.token).await, 200).await;
    assert!(mine
        .items
        .iter()
        .any(|n| n.kind == "acceptance_reminder" && n.ticket_id == Some(t.id)));
    let outbox: Page<OutboxMessage> = app.ok(app.get("/api/v1/outbox", &app.admin).await, 200).await;
    let mail = outbox
        .items
        .iter()
        .find(|m| m.kind == MailKind::AcceptanceReminder)
        .expect("the reminder e-mail");
    assert_eq!(mail.recipients, vec!["chen.jing@example.com".to_string()]);
    assert_eq!(mail.ticket_id, Some(t.id));

    // The next Wednesday is six working days (the holiday does not count); Thursday seven.
    app.clock.advance(Duration::days(5));
    assert_eq!(unanswered_run(&app, "wed").await, (true, 0));
    app.clock.advance(Duration::days(1));
    // Two nodes on one slot: one of them closes it.
    let other = app.node(|_| {}).await;
    let (a, b) = tokio::join!(unanswered_run(&app, "thu-2"), unanswered_run(&other, "thu-2"));
    assert_eq!([a, b].iter().filter(|r| r.0).count(), 1, "{a:?} {b:?}");
    assert_eq!(a.1 + b.1, 1);
    assert_eq!(unanswered_run(&app, "thu-3").await, (true, 0));

    let closed = ticket(&app, t.id.0).await;
    assert_eq!(closed.status, TicketStatus::Closed);
    assert!(closed.closed_without_answer && closed.closed_at.is_some());
    let events: Vec<TicketEvent> = app.ok(app.get(&format!("{url}/timeline"), &app.admin).await, 200).await;
    let last = events
        .iter()
        .find(|e| e.kind == "closed_without_answer")
        .expect("the closing");
    assert_eq!(last.actor_id, None, "closed by the service");
    assert_eq!(
        last.reason.as_deref(),
        Some("the customer did not answer in 7 working days")
    );

    // The report counts it closed, apart, and not resolved at first contact.
    let report: Value = app
        .ok(
            app.get("/api/v1/reports/service?from=2026-11-23&to=2026-12-04", &app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(report["tickets"]["closed"], 1, "{report}");
    assert_eq!(report["tickets"]["closed_without_answer"], 1);
    assert_eq!(report["tickets"]["first_contact_resolved"], 0);
}

#[tokio::test]
async fn an_answer_before_the_deadline_stops_the_reminders() {
    let app = spawn_app_at("2026-11-23T03:00:00Z").await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p3", "phone").await;
    let url = format!("/api/v1/tickets/{}", t.id.0);
    app.ok::<Ticket>(app.post(&format!("{url}/resolve"), &f.token, &json!({})).await, 200)
        .await;
    app.clock.advance(Duration::days(4));
    assert_eq!(unanswered_run(&app, "fri").await, (true, 1));
    // The customer refuses the result: work goes on, and its next resolution waits afresh.
    let body = json!({"accepted_by": "Wang Fang", "satisfied": false});
    app.ok::<Ticket>(app.post(&format!("{url}/acceptance"), &f.token, &body).await, 200)
        .await;
    let again: Ticket = app
        .ok(app.post(&format!("{url}/resolve"), &f.token, &json!({})).await, 200)
        .await;
    assert!(again.acceptance_reminded_at.is_none());
    app.clock.advance(Duration::days(3));
    assert_eq!(unanswered_run(&app, "mon").await, (true, 0));
    assert_eq!(ticket(&app, t.id.0).await.status, TicketStatus::Resolved);
}

#[tokio::test]
async fn a_customer_calling_again_about_an_open_fault_gets_no_second_ticket() {
    let app = spawn_app().await;
    let f = fixture(&app, "standard").await;
    let first = register(&app, &f, "p2", "phone").await;
    let again = json!({"customer_id": f.customer, "contact_id": f.contact, "asset_id": f.asset, "channel": "phone",
        "priority": "p2", "title": "UPS alarm again", "description": "Still beeping."});

    // The form's check lists the open ticket of the asset, and of the site without an asset.
    let ids = |v: Vec<Ticket>| v.iter().map(|t| t.id).collect::<Vec<_>>();
    let by_asset: Vec<Ticket> = app
        .ok(
            app.get(
                &format!(
                    "/api/v1/tickets/repeat-check?customer_id={}&asset_id={}",
                    f.customer, f.asset
                ),
                &f.token,
            )
            .await,
            200,
        )
        .await;
    assert_eq!(ids(by_asset), vec![first.id]);
    let by_site: Vec<Ticket> = app
        .ok(
            app.get(
                &format!(
                    "/api/v1/tickets/repeat-check?customer_id={}&site_id={}",
                    f.customer, f.site
                ),
                &f.token,
            )
            .await,
            200,
        )
        .await;
    assert_eq!(ids(by_site), vec![first.id]);

    // Registering without saying how it stands to it is refused, with the open tickets.
    let p = problem(
        app.post("/api/v1/tickets", &f.token, &again).await,
        409,
        "open_tickets_exist",
    )
    .await;
    let listed = p.open_tickets.expect("the open tickets");
    assert_eq!(listed[0]["id"], first.id.0);
    assert_eq!(listed[0]["number"], first.number.as_str());

    // Another agent takes the call and records it on the open ticket: its owner is told.
    let (_, other) = app.user(Role::Agent).await;
    let body = json!({"channel": "phone", "note": "The customer called again: still beeping."});
    let t: Ticket = app
        .ok(
            app.post(&format!("/api/v1/tickets/{}/contact", first.id.0), &other, &body)
                .await,
            200,
        )
        .await;
    assert_eq!(t.id, first.id);
    let events: Vec<TicketEvent> = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}/timeline", first.id.0), &app.admin)
                .await,
            200,
        )
        .await;
    let contact = events
        .iter()
        .find(|e| e.kind == "customer_contact")
        .expect("the contact");
    assert_eq!(contact.to.as_deref(), Some("phone"));
    let mine: Page<Notification> = app.ok(app.get("/api/v1/notifications", &f.token).await, 200).await;
    assert!(mine
        .items
        .iter()
        .any(|n| n.kind == "customer_contact" && n.ticket_id == Some(first.id)));
    // A technician not on the ticket does not find it.
    let tech = app.token(Role::Technician).await;
    problem(
        app.post(&format!("/api/v1/tickets/{}/contact", first.id.0), &tech, &body)
            .await,
        404,
        "not_found",
    )
    .await;

    // Or a new ticket beside it, linked; or another matter, with the reason.
    let mut beside = again.clone();
    beside["related_ticket_id"] = json!(first.id.0);
    let linked: Ticket = app.ok(app.post("/api/v1/tickets", &f.token, &beside).await, 201).await;
    assert_eq!(linked.related_ticket_id, Some(first.id));
    let events: Vec<TicketEvent> = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}/timeline", first.id.0), &app.admin)
                .await,
            200,
        )
        .await;
    assert!(events
        .iter()
        .any(|e| e.kind == "related_registered" && e.to.as_deref() == Some(linked.number.as_str())));
    let mut other_matter = again.clone();
    other_matter["unrelated_reason"] = json!("the battery cabinet, not the UPS alarm");
    let unrelated: Ticket = app
        .ok(app.post("/api/v1/tickets", &f.token, &other_matter).await, 201)
        .await;
    assert_eq!(
        unrelated.unrelated_reason.as_deref(),
        Some("the battery cabinet, not the UPS alarm")
    );

    // Not both; and only an open ticket of the same customer.
    let mut both = beside.clone();
    both["unrelated_reason"] = json!("x");
    let p = problem(
        app.post("/api/v1/tickets", &f.token, &both).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("unrelated_reason"));
    let g = fixture(&app, "gold").await;
    let theirs = register(&app, &g, "p3", "phone").await;
    let mut foreign = again.clone();
    foreign["related_ticket_id"] = json!(theirs.id.0);
    let p = problem(
        app.post("/api/v1/tickets", &f.token, &foreign).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("related_ticket_id"));
}
