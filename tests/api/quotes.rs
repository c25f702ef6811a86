//! Quotes before paid work (seed 003: the charge is told to the customer beforehand), warranty
//! terms per product model, and the business calendar's date that decides the warranty.

use crate::helpers::{problem, TestApp};
use crate::mobile::{png, setup, Setup};
use crate::tickets::at;
use fieldline_mobile_api::client::{Client, ClientError};
use fieldline_mobile_api::{
    ErrorCode, NewQuote, NewQuoteItem, OnsiteRequest, Page, Quote, QuoteStatus, Role, Ticket, Visit, VisitId,
    VisitStatus, WarrantyTerm,
};
use serde_json::{json, Value};

/// A quote of one line at `amount`, in the default currency.
pub fn one_line(amount: f64) -> NewQuote {
    NewQuote {
        items: vec![NewQuoteItem {
            description: "Control board".into(),
            quantity: 1.0,
            unit_price: amount,
        }],
        currency: None,
    }
}

/// The technician makes a quote of `amount` on the phone and the customer approves it by
/// signing there; returns the visit's version after it.
pub async fn phone_quote(phone: &Client, visit: VisitId, version: i32, amount: f64, key: &str) -> i32 {
    let q = phone
        .make_quote(visit, &format!("{key}-make"), version, &one_line(amount))
        .await
        .unwrap();
    let approval = json!({"approved_by": "Wang Fang", "approved_at": q.made_at, "via": "signature_on_phone"});
    let a = phone
        .answer_quote(
            (visit, q.id),
            "approve",
            &format!("{key}-approve"),
            q.visit_version,
            &approval,
        )
        .await
        .unwrap();
    assert_eq!(a.status, QuoteStatus::Approved);
    a.visit_version
}

/// The office makes a quote of `amount` on the visit and records the customer's approval by
/// phone; returns the approved quote.
pub async fn office_quote(app: &TestApp, token: &str, visit: VisitId, amount: f64) -> Quote {
    let q: Quote = app
        .ok(
            app.post(&format!("/api/v1/visits/{visit}/quotes"), token, &one_line(amount))
                .await,
            201,
        )
        .await;
    let approval = json!({"approved_by": "Wang Fang", "approved_at": q.made_at, "via": "phone"});
    app.ok(
        app.post(
            &format!("/api/v1/visits/{visit}/quotes/{}/approve", q.id),
            token,
            &approval,
        )
        .await,
        200,
    )
    .await
}

fn code(e: ClientError) -> (ErrorCode, Option<String>) {
    let p = e.problem().expect("an answer from the service").clone();
    (p.code, p.field)
}

fn done(charged: Option<f64>, reason: Option<&str>) -> Value {
    json!({"work_notes": "Replaced the control board.", "parts": [], "time_spent_minutes": 50,
        "amount_charged": charged, "charge_difference_reason": reason,
        "signoff_name": "Wang Fang", "signature_png_base64": png()})
}

/// Accepts and checks in on site; returns the visit.
async fn on_site(s: &Setup) -> Visit {
    let v = s
        .phone
        .visit_step(s.visit.id, "accept", "acc", s.visit.version, &json!({}))
        .await
        .unwrap();
    s.phone
        .visit_step(
            v.id,
            "check-in",
            "chk",
            v.version,
            &json!({"latitude": 30.25, "longitude": 120.15}),
        )
        .await
        .unwrap()
}

async fn timeline_kinds(app: &TestApp, ticket: i64) -> Vec<String> {
    let events: Vec<Value> = app
        .ok(
            app.get(&format!("/api/v1/tickets/{ticket}/timeline"), &app.admin).await,
            200,
        )
        .await;
    events.iter().map(|e| e["kind"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn billable_work_is_completed_only_under_an_approved_quote_and_records_what_was_charged() {
    let s = setup().await;
    let (app, phone) = (&s.app, &s.phone);
    let v = on_site(&s).await;
    // The asset has no warranty: completing without an approved quote is refused.
    let err = phone
        .visit_step(v.id, "complete", "c1", v.version, &done(Some(880.0), None))
        .await
        .unwrap_err();
    assert_eq!(code(err), (ErrorCode::QuoteNotApproved, Some("quote".into())));
    // A quote of two lines, told to the customer: still not approved, still refused.
    let quote = NewQuote {
        items: vec![
            NewQuoteItem {
                description: "Control board".into(),
                quantity: 1.0,
                unit_price: 800.0,
            },
            NewQuoteItem {
                description: "Labour, hours".into(),
                quantity: 1.5,
                unit_price: 53.333,
            },
        ],
        currency: Some("cny".into()),
    };
    let q = phone.make_quote(v.id, "q1", v.version, &quote).await.unwrap();
    assert_eq!(
        (q.status, q.amount, q.currency.as_str()),
        (QuoteStatus::Proposed, 880.0, "CNY")
    );
    assert_eq!(q.items[1].amount, 80.0);
    assert_eq!(q.visit_version, v.version + 1, "the quote changes the visit");
    let again = phone.make_quote(v.id, "q1", v.version, &quote).await.unwrap();
    assert_eq!(again.id, q.id, "a resend is the same quote");
    let err = phone
        .make_quote(v.id, "q2", q.visit_version, &one_line(10.0))
        .await
        .unwrap_err();
    assert_eq!(code(err).0, ErrorCode::InvalidTransition, "one quote open at a time");
    let err = phone
        .visit_step(v.id, "complete", "c2", q.visit_version, &done(None, None))
        .await
        .unwrap_err();
    assert_eq!(code(err), (ErrorCode::QuoteNotApproved, Some("quote".into())));
    // The customer signs the quote on the phone.
    let approval =
        json!({"approved_by": "Wang Fang", "approved_at": "2026-11-24T01:00:00Z", "via": "signature_on_phone"});
    let err = phone
        .answer_quote((v.id, q.id), "approve", "a0", v.version, &approval)
        .await
        .unwrap_err();
    assert_eq!(code(err).0, ErrorCode::PreconditionFailed, "decided on an older visit");
    let a = phone
        .answer_quote((v.id, q.id), "approve", "a1", q.visit_version, &approval)
        .await
        .unwrap();
    assert_eq!(
        (a.status, a.answered_by.as_deref(), a.answered_at),
        (
            QuoteStatus::Approved,
            Some("Wang Fang"),
            Some(at("2026-11-24T01:00:00Z"))
        )
    );
    assert_eq!(a.answer_recorded_by, Some(s.tech.id));
    // Charging more than the quote needs a reason.
    let err = phone
        .visit_step(v.id, "complete", "c3", a.visit_version, &done(Some(950.0), None))
        .await
        .unwrap_err();
    assert_eq!(
        code(err),
        (ErrorCode::ValidationFailed, Some("charge_difference_reason".into()))
    );
    let c = phone
        .visit_step(
            v.id,
            "complete",
            "c4",
            a.visit_version,
            &done(Some(950.0), Some("a second fuse was burnt too")),
        )
        .await
        .unwrap();
    assert_eq!(c.status, VisitStatus::Completed);
    assert_eq!(
        (c.under_warranty, c.quote_id, c.quote_amount, c.amount_charged),
        (Some(false), Some(q.id), Some(880.0), Some(950.0))
    );
    assert_eq!(
        c.charge_difference_reason.as_deref(),
        Some("a second fuse was burnt too")
    );
    let kinds = timeline_kinds(app, v.ticket_id.unwrap().0).await;
    let pos = |k: &str| {
        kinds
            .iter()
            .position(|x| x == k)
            .unwrap_or_else(|| panic!("{k} in {kinds:?}"))
    };
    assert!(pos("quote_made") < pos("quote_approved") && pos("quote_approved") < pos("visit_completed"));
    let audit: Page<Value> = app
        .ok(
            app.get(&format!("/api/v1/audit?entity=quote&entity_id={}", q.id), &app.admin)
                .await,
            200,
        )
        .await;
    let actions: Vec<&str> = audit.items.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(
        actions.contains(&"create") && actions.contains(&"approved"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn without_a_different_amount_the_quote_is_charged_and_the_older_field_still_works() {
    let s = setup().await;
    let v = on_site(&s).await;
    let q = office_quote(&s.app, &s.dispatcher, v.id, 600.0).await;
    let mut body = done(None, None);
    body["quote_amount"] = json!(600.0);
    let c = s
        .phone
        .visit_step(v.id, "complete", "c1", q.visit_version, &body)
        .await
        .unwrap();
    assert_eq!((c.quote_amount, c.amount_charged), (Some(600.0), Some(600.0)));
}

/// The ticket of the visit, and its on-site registrations.
async fn ticket_and_registrations(app: &TestApp, ticket: i64) -> (Ticket, Vec<OnsiteRequest>) {
    let t: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{ticket}"), &app.admin).await, 200)
        .await;
    let r: Page<OnsiteRequest> = app
        .ok(
            app.get(&format!("/api/v1/onsite-requests?ticket_id={ticket}"), &app.admin)
                .await,
            200,
        )
        .await;
    (t, r.items)
}

#[tokio::test]
async fn a_declined_quote_ends_the_visit_and_the_ticket_stays_open_on_site_for_its_owner() {
    let s = setup().await;
    let (app, phone) = (&s.app, &s.phone);
    let v = on_site(&s).await;
    let ticket = v.ticket_id.unwrap().0;
    let q = phone
        .make_quote(v.id, "q1", v.version, &one_line(2400.0))
        .await
        .unwrap();
    let decline = json!({"declined_by": "Wang Fang", "declined_at": "2026-11-24T01:00:00Z", "via": "phone",
        "reason": "too expensive; will ask head office"});
    let d = phone
        .answer_quote((v.id, q.id), "decline", "d1", q.visit_version, &decline)
        .await
        .unwrap();
    assert_eq!(
        (d.status, d.decline_reason.as_deref()),
        (QuoteStatus::Declined, Some("too expensive; will ask head office"))
    );
    let ended = phone.visit(v.id).await.unwrap();
    assert_eq!(ended.status, VisitStatus::DeclinedByCustomer);
    assert_eq!(ended.version, d.visit_version);
    assert!(ended.finished_at.is_some());
    let err = phone
        .visit_step(v.id, "complete", "c1", ended.version, &done(None, None))
        .await
        .unwrap_err();
    assert_eq!(code(err).0, ErrorCode::InvalidTransition, "no work after a decline");
    let err = phone
        .make_quote(v.id, "q2", ended.version, &one_line(10.0))
        .await
        .unwrap_err();
    assert_eq!(code(err).0, ErrorCode::InvalidTransition);
    let (t, regs) = ticket_and_registrations(app, ticket).await;
    assert_eq!((t.status.as_str(), t.ladder_tier.as_str()), ("in_progress", "onsite"));
    assert_eq!(regs[0].status.as_str(), "open", "back to dispatch");
    // The owner is told to agree the next step.
    let inbox: Value = app.ok(app.get("/api/v1/notifications", &s.f.token).await, 200).await;
    let kinds: Vec<&str> = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"quote_declined"), "{kinds:?}");
    let kinds = timeline_kinds(app, ticket).await;
    assert!(
        kinds.ends_with(&["quote_declined".into(), "visit_declined_by_customer".into()]),
        "{kinds:?}"
    );
    // The technician is free: the visit is off their list, and a new visit can be made.
    assert_eq!(
        phone.my_visits().await.unwrap().items[0].status,
        VisitStatus::DeclinedByCustomer
    );
    let body = json!({"onsite_request_id": regs[0].id});
    let next: Visit = app
        .ok(app.post("/api/v1/visits", &s.dispatcher, &body).await, 201)
        .await;
    assert_eq!(next.status, VisitStatus::Scheduled);
}

#[tokio::test]
async fn a_decline_that_keeps_the_visit_lets_a_new_quote_replace_it() {
    let s = setup().await;
    let (app, agent) = (&s.app, &s.f.token);
    let v = on_site(&s).await;
    let q: Quote = app
        .ok(
            app.post(&format!("/api/v1/visits/{}/quotes", v.id), agent, &one_line(2400.0))
                .await,
            201,
        )
        .await;
    problem(
        app.post(&format!("/api/v1/visits/{}/quotes", v.id), agent, &one_line(900.0))
            .await,
        409,
        "invalid_transition",
    )
    .await;
    let decline = json!({"declined_by": "Wang Fang", "declined_at": "2026-11-24T01:00:00Z", "via": "phone",
        "reason": "too expensive; repair the board instead", "ends_visit": false});
    let d: Quote = app
        .ok(
            app.post(
                &format!("/api/v1/visits/{}/quotes/{}/decline", v.id, q.id),
                agent,
                &decline,
            )
            .await,
            200,
        )
        .await;
    assert_eq!(d.status, QuoteStatus::Declined);
    assert_eq!(s.phone.visit(v.id).await.unwrap().status, VisitStatus::OnSite);
    problem(
        app.post(
            &format!("/api/v1/visits/{}/quotes/{}/approve", v.id, q.id),
            agent,
            &json!({"approved_by": "Wang Fang", "approved_at": "2026-11-24T01:00:00Z", "via": "phone"}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
    let q2 = office_quote(app, agent, v.id, 900.0).await;
    let all: Vec<Quote> = app
        .ok(app.get(&format!("/api/v1/visits/{}/quotes", v.id), agent).await, 200)
        .await;
    assert_eq!(
        all.iter().map(|q| q.status).collect::<Vec<_>>(),
        [QuoteStatus::Declined, QuoteStatus::Approved]
    );
    let detail = s.phone.my_visit(v.id).await.unwrap();
    assert_eq!(detail.quotes.len(), 2, "the phone sees the office's quotes");
    let c = s
        .phone
        .visit_step(v.id, "complete", "c1", q2.visit_version, &done(None, None))
        .await
        .unwrap();
    assert_eq!((c.quote_id, c.amount_charged), (Some(q2.id), Some(900.0)));
}

#[tokio::test]
async fn warranty_terms_of_the_model_make_the_work_free() {
    let s = setup().await;
    let app = &s.app;
    // The fixture's asset (Eaton 93PM, bought 2024-03-01) has no warranty end of its own.
    let body = json!({"model": "Eaton 93PM", "months": 36, "counted_from": "purchase"});
    let term: WarrantyTerm = app
        .ok(app.post("/api/v1/warranty-terms", &app.admin, &body).await, 201)
        .await;
    let detail = s.phone.my_visit(s.visit.id).await.unwrap();
    assert_eq!(detail.warranty_end, Some("2027-02-28".parse().unwrap()));
    let v = on_site(&s).await;
    let p = problem(
        app.post(
            &format!("/api/v1/visits/{}/quotes", v.id),
            &s.dispatcher,
            &one_line(100.0),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
    assert!(p.detail.contains("under warranty"), "{}", p.detail);
    let c = s
        .phone
        .visit_step(v.id, "complete", "c1", v.version, &done(Some(500.0), None))
        .await
        .unwrap();
    assert_eq!(
        (c.under_warranty, c.quote_amount, c.amount_charged, c.quote_id),
        (Some(true), None, None, None),
        "free: nothing quoted or charged"
    );
    let _ = term;
}

#[tokio::test]
async fn the_warranty_ends_on_the_business_calendars_date_not_utcs() {
    let s = setup().await;
    let app = &s.app;
    // The asset's warranty ends on Tuesday 24 November (Shanghai, the calendar's zone).
    let asset = s.f.asset;
    let _: Value = app
        .ok(
            app.patch(
                &format!("/api/v1/assets/{asset}"),
                &app.admin,
                &json!({"warranty_end": "2026-11-24"}),
            )
            .await,
            200,
        )
        .await;
    let v = on_site(&s).await;
    // 23:59 in Shanghai on its last day: under warranty, nothing to quote.
    app.clock.set(at("2026-11-24T15:59:00Z"));
    problem(
        app.post(
            &format!("/api/v1/visits/{}/quotes", v.id),
            &s.dispatcher,
            &one_line(100.0),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
    // 00:30 on the 25th in Shanghai, still the 24th in UTC: the warranty has ended.
    app.clock.set(at("2026-11-24T16:30:00Z"));
    let err = s
        .phone
        .visit_step(v.id, "complete", "c1", v.version, &done(None, None))
        .await
        .unwrap_err();
    assert_eq!(code(err).0, ErrorCode::QuoteNotApproved);
    let q = office_quote(app, &s.dispatcher, v.id, 100.0).await;
    let c = s
        .phone
        .visit_step(v.id, "complete", "c2", q.visit_version, &done(None, None))
        .await
        .unwrap();
    assert_eq!((c.under_warranty, c.amount_charged), (Some(false), Some(100.0)));
}

#[tokio::test]
async fn warranty_terms_are_managed_by_admins_and_read_by_the_office() {
    let s = setup().await;
    let app = &s.app;
    let body = json!({"model": "APC Galaxy", "months": 24, "counted_from": "acceptance"});
    let t: WarrantyTerm = app
        .ok(app.post("/api/v1/warranty-terms", &app.admin, &body).await, 201)
        .await;
    problem(
        app.post("/api/v1/warranty-terms", &app.admin, &body).await,
        409,
        "duplicate",
    )
    .await;
    let p = problem(
        app.post(
            "/api/v1/warranty-terms",
            &app.admin,
            &json!({"model": "X", "months": 0, "counted_from": "purchase"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("months"));
    problem(
        app.post("/api/v1/warranty-terms", &s.f.token, &body).await,
        403,
        "forbidden",
    )
    .await;
    let u: WarrantyTerm = app
        .ok(
            app.patch(
                &format!("/api/v1/warranty-terms/{}", t.id),
                &app.admin,
                &json!({"months": 30}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!((u.model.as_str(), u.months), ("APC Galaxy", 30));
    let list: Page<WarrantyTerm> = app
        .ok(app.get("/api/v1/warranty-terms?limit=10", &s.f.token).await, 200)
        .await;
    assert_eq!(list.total, 1);
    let tech = s.phone.access_token().unwrap().to_string();
    problem(app.get("/api/v1/warranty-terms", &tech).await, 403, "forbidden").await;
    assert_eq!(
        app.delete(&format!("/api/v1/warranty-terms/{}", t.id), &app.admin)
            .await
            .status(),
        204
    );
    problem(
        app.delete(&format!("/api/v1/warranty-terms/{}", t.id), &app.admin)
            .await,
        404,
        "not_found",
    )
    .await;
    let audit: Page<Value> = app
        .ok(
            app.get(
                &format!("/api/v1/audit?entity=warranty_terms&entity_id={}", t.id),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    assert_eq!(audit.total, 3, "create, update, delete");
}

#[tokio::test]
async fn only_the_office_and_the_visits_technician_quote() {
    let s = setup().await;
    let app = &s.app;
    let v = on_site(&s).await;
    let path = format!("/api/v1/visits/{}/quotes", v.id);
    for role in [Role::AccountManager, Role::RemoteEngineer, Role::Manager] {
        let token = app.token(role).await;
        problem(app.post(&path, &token, &one_line(10.0)).await, 403, "forbidden").await;
    }
    // Another technician's phone does not see the visit; the office does not use the phone.
    let (other, _) = app.user(Role::Technician).await;
    let mut phone = Client::new(&app.address);
    phone
        .login(&other.username, crate::helpers::USER_PASSWORD)
        .await
        .unwrap();
    let err = phone
        .make_quote(v.id, "x1", v.version, &one_line(10.0))
        .await
        .unwrap_err();
    assert_eq!(code(err).0, ErrorCode::NotFound);
    let r = app
        .http
        .post(app.url(&format!("/api/v1/mobile/visits/{}/quotes", v.id)))
        .bearer_auth(&s.dispatcher)
        .header("Idempotency-Key", "d1")
        .header("If-Match", format!("\"{}\"", v.version))
        .json(&one_line(10.0))
        .send()
        .await
        .unwrap();
    problem(r, 403, "forbidden").await;
    // The phone needs If-Match.
    let r = app
        .http
        .post(app.url(&format!("/api/v1/mobile/visits/{}/quotes", v.id)))
        .bearer_auth(s.phone.access_token().unwrap())
        .header("Idempotency-Key", "n1")
        .json(&one_line(10.0))
        .send()
        .await
        .unwrap();
    problem(r, 428, "precondition_required").await;
    // The currency is three letters.
    let mut bad = one_line(10.0);
    bad.currency = Some("yuan".into());
    let p = problem(app.post(&path, &s.f.token, &bad).await, 422, "validation_failed").await;
    assert_eq!(p.field.as_deref(), Some("currency"));
}

#[tokio::test]
async fn the_service_report_counts_quotes_made_approved_and_declined() {
    let s = setup().await;
    let (app, agent) = (&s.app, &s.f.token);
    let v = on_site(&s).await;
    let q: Quote = app
        .ok(
            app.post(&format!("/api/v1/visits/{}/quotes", v.id), agent, &one_line(2400.0))
                .await,
            201,
        )
        .await;
    let decline = json!({"declined_by": "Wang Fang", "declined_at": "2026-11-24T01:00:00Z", "via": "phone",
        "reason": "too expensive", "ends_visit": false});
    let _: Quote = app
        .ok(
            app.post(
                &format!("/api/v1/visits/{}/quotes/{}/decline", v.id, q.id),
                agent,
                &decline,
            )
            .await,
            200,
        )
        .await;
    office_quote(app, agent, v.id, 900.0).await;
    let manager = app.token(Role::Manager).await;
    let week = |w: &'static str| {
        let manager = manager.clone();
        async move {
            let r: fieldline_mobile_api::ServiceReport = app
                .ok(
                    app.get(&format!("/api/v1/reports/service/weekly?week={w}"), &manager)
                        .await,
                    200,
                )
                .await;
            (r.quotes.made, r.quotes.approved, r.quotes.declined)
        }
    };
    assert_eq!(week("2026-W48").await, (2, 1, 1));
    assert_eq!(week("2026-W47").await, (0, 0, 0));
    let csv = app
        .http
        .get(app.url("/api/v1/reports/service/weekly?week=2026-W48&format=csv"))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains("quotes,,,approved,1"), "{csv}");
}

#[tokio::test]
async fn erasing_the_contact_removes_their_name_from_the_quotes_answers() {
    let s = setup().await;
    let (app, agent) = (&s.app, &s.f.token);
    let v = on_site(&s).await;
    let q = office_quote(app, agent, v.id, 900.0).await;
    assert_eq!(q.answered_by.as_deref(), Some("Wang Fang"));
    let _: Value = app
        .ok(
            app.post(
                &format!("/api/v1/contacts/{}/erasure", s.f.contact),
                &app.admin,
                &json!({"reason": "asked by letter"}),
            )
            .await,
            200,
        )
        .await;
    let all: Vec<Quote> = app
        .ok(app.get(&format!("/api/v1/visits/{}/quotes", v.id), agent).await, 200)
        .await;
    let name = all[0].answered_by.as_deref().unwrap();
    assert!(!name.contains("Wang Fang"), "{name}");
}

/// The console's ticket page reads a ticket's visits with their technicians' names, then each
/// visit's quotes.
#[tokio::test]
async fn a_tickets_visits_are_listed_newest_first_with_their_technicians_names() {
    let s = setup().await;
    let app = &s.app;
    let ticket = s.visit.ticket_id.unwrap();
    let list = format!("/api/v1/visits?ticket_id={ticket}");
    // A quote on the visit, as the agent who owns the ticket would see it on the page.
    let q: Quote = app
        .ok(
            app.post(
                &format!("/api/v1/visits/{}/quotes", s.visit.id),
                &s.f.token,
                &one_line(300.0),
            )
            .await,
            201,
        )
        .await;
    let page: Page<Visit> = app.ok(app.get(&list, &s.f.token).await, 200).await;
    assert_eq!((page.total, page.items.len()), (1, 1));
    let v = &page.items[0];
    assert_eq!(v.id, s.visit.id);
    assert_eq!(v.technician_name.as_deref(), Some(s.tech.display_name.as_str()));
    assert_eq!(v.version, q.visit_version);
    let one: Visit = app
        .ok(
            app.get(&format!("/api/v1/visits/{}", s.visit.id), &s.f.token).await,
            200,
        )
        .await;
    assert_eq!(one.technician_name, v.technician_name);
    let quotes: Vec<Quote> = app
        .ok(
            app.get(&format!("/api/v1/visits/{}/quotes", s.visit.id), &s.f.token)
                .await,
            200,
        )
        .await;
    assert_eq!((quotes.len(), quotes[0].status), (1, QuoteStatus::Proposed));

    // The technician sees only the visits given to them; another technician not the ticket.
    let mine = app.login(&s.tech.username, crate::helpers::USER_PASSWORD).await;
    let page: Page<Visit> = app.ok(app.get(&list, &mine.access_token).await, 200).await;
    assert_eq!(page.items.iter().map(|v| v.id).collect::<Vec<_>>(), vec![s.visit.id]);
    let (_, stranger) = app.user(Role::Technician).await;
    problem(app.get(&list, &stranger).await, 404, "not_found").await;

    // A second visit after the first is cancelled: newest first; the page's bounds hold.
    let r = app
        .post(
            &format!("/api/v1/visits/{}/cancel", s.visit.id),
            &s.dispatcher,
            &json!({"reason": "the customer moved the visit"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let reqs: Page<OnsiteRequest> = app
        .ok(
            app.get(&format!("/api/v1/onsite-requests?ticket_id={ticket}"), &app.admin)
                .await,
            200,
        )
        .await;
    let second: Visit = app
        .ok(
            app.post(
                "/api/v1/visits",
                &s.dispatcher,
                &json!({"onsite_request_id": reqs.items[0].id}),
            )
            .await,
            201,
        )
        .await;
    let page: Page<Visit> = app.ok(app.get(&list, &s.f.token).await, 200).await;
    let ids: Vec<VisitId> = page.items.iter().map(|v| v.id).collect();
    assert_eq!(ids, vec![second.id, s.visit.id]);
    assert_eq!(page.items[0].technician_name, None);
    let page: Page<Visit> = app
        .ok(app.get(&format!("{list}&limit=1&offset=1"), &s.f.token).await, 200)
        .await;
    assert_eq!((page.total, page.items[0].id), (2, s.visit.id));

    // Without a ticket, or with a bad page: 422 naming the field; an unknown ticket: 404.
    let p = problem(app.get("/api/v1/visits", &s.f.token).await, 422, "validation_failed").await;
    assert_eq!(p.field.as_deref(), Some("ticket_id"));
    let p = problem(
        app.get(&format!("{list}&limit=0"), &s.f.token).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("limit"));
    problem(
        app.get("/api/v1/visits?ticket_id=999999", &s.f.token).await,
        404,
        "not_found",
    )
    .await;
}
