//! What the hotline's screens need: finding a customer as one types, the callbacks due, the
//! due-time preview of a registration, names beside ids, and the finer reason of a
//! validation error.

use crate::helpers::{problem, spawn_app, TestApp};
use crate::tickets::{fixture, register, Fixture};
use fieldline_mobile_api::{CustomerMatch, LookupMatch, Page, ProblemReason, Role, Ticket, TicketEvent, TicketPreview};
use serde_json::{json, Value};

async fn lookup(app: &TestApp, token: &str, q: &str) -> Vec<CustomerMatch> {
    let q = urlencoding(q);
    app.ok(app.get(&format!("/api/v1/customers/lookup?q={q}"), token).await, 200)
        .await
}

fn urlencoding(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A second customer with a contact whose phone is written with separators, and an asset.
async fn second_customer(app: &TestApp) -> (i64, i64, i64, i64) {
    let c: Value = app
        .ok(
            app.post(
                "/api/v1/customers",
                &app.admin,
                &json!({"name": "Zhejiang Grid", "tier": "platinum"}),
            )
            .await,
            201,
        )
        .await;
    let customer = c["id"].as_i64().unwrap();
    let k: Value = app
        .ok(
            app.post(
                &format!("/api/v1/customers/{customer}/contacts"),
                &app.admin,
                &json!({"name": "Li Lei", "phone": "138 0013-8000"}),
            )
            .await,
            201,
        )
        .await;
    let s: Value = app
        .ok(app.post("/api/v1/sites", &app.admin, &json!({"customer_id": customer, "name": "North yard", "address": "2 Yard Rd", "latitude": 30.26, "longitude": 120.16})).await, 201)
        .await;
    let site = s["id"].as_i64().unwrap();
    let a: Value = app
        .ok(
            app.post(
                "/api/v1/assets",
                &app.admin,
                &json!({"site_id": site, "model": "APC Galaxy", "serial_number": "SN-ab12CD34"}),
            )
            .await,
            201,
        )
        .await;
    (customer, k["id"].as_i64().unwrap(), site, a["id"].as_i64().unwrap())
}

#[tokio::test]
async fn customers_are_found_by_name_contact_phone_and_serial_number() {
    let app = spawn_app().await;
    let f = fixture(&app, "gold").await;
    let (customer, contact, site, asset) = second_customer(&app).await;
    let agent = &f.token;

    // Part of the customer's name, any case.
    let found = lookup(&app, agent, "zheJIANG").await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].customer_id.0, customer);
    assert_eq!(found[0].customer_name, "Zhejiang Grid");
    assert_eq!(found[0].matched_on, LookupMatch::Name);
    assert!(found[0].contact_id.is_none());

    // Part of a contact's name.
    let found = lookup(&app, agent, "li le").await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].matched_on, LookupMatch::Contact);
    assert_eq!(found[0].contact_id.map(|c| c.0), Some(contact));
    assert_eq!(found[0].contact_phone.as_deref(), Some("138 0013-8000"));

    // A phone's digits, however either is written.
    for q in ["13800138000", "138 0013 8000", "0013-80", "(138)"] {
        let found = lookup(&app, agent, q).await;
        assert_eq!(found.len(), 1, "{q}: {found:?}");
        assert_eq!(found[0].matched_on, LookupMatch::Phone, "{q}");
        assert_eq!(found[0].customer_id.0, customer);
        assert_eq!(found[0].contact_name.as_deref(), Some("Li Lei"));
    }
    // The fixture's contact: +86 571 8765 4321.
    let found = lookup(&app, agent, "8765 4321").await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].customer_id.0, f.customer);
    // Two digits are not a phone search.
    assert!(lookup(&app, agent, "13")
        .await
        .iter()
        .all(|m| m.matched_on != LookupMatch::Phone));

    // Part of a serial number, any case, with the asset's site and model.
    let found = lookup(&app, agent, "ab12cd").await;
    assert_eq!(found.len(), 1, "{found:?}");
    let m = &found[0];
    assert_eq!(m.matched_on, LookupMatch::SerialNumber);
    assert_eq!(m.asset_id.map(|a| a.0), Some(asset));
    assert_eq!(m.site_id.map(|s| s.0), Some(site));
    assert_eq!(m.site_name.as_deref(), Some("North yard"));
    assert_eq!(m.serial_number.as_deref(), Some("SN-ab12CD34"));
    assert_eq!(m.product_model.as_deref(), Some("APC Galaxy"));
    assert_eq!(m.customer_tier.as_str(), "platinum");

    // `%` and `_` are taken literally.
    assert!(lookup(&app, agent, "%%").await.is_empty());
    assert!(lookup(&app, agent, "nothing like it").await.is_empty());
}

#[tokio::test]
async fn the_lookup_is_bounded_and_checked() {
    let app = spawn_app().await;
    let f = fixture(&app, "standard").await;
    for i in 0..4 {
        let r = app
            .post(
                "/api/v1/customers",
                &app.admin,
                &json!({"name": format!("Acme {i}"), "tier": "standard"}),
            )
            .await;
        assert_eq!(r.status(), 201);
    }
    let found: Vec<CustomerMatch> = app
        .ok(app.get("/api/v1/customers/lookup?q=acme&limit=3", &f.token).await, 200)
        .await;
    assert_eq!(found.len(), 3);
    // By name.
    assert_eq!(found[0].customer_name, "Acme 0");

    for (query, field) in [
        ("q=a", "q"),
        ("", "q"),
        ("q=%20%20x%20", "q"),
        ("q=acme&limit=51", "limit"),
        ("q=acme&limit=0", "limit"),
    ] {
        let p = problem(
            app.get(&format!("/api/v1/customers/lookup?{query}"), &f.token).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p.field.as_deref(), Some(field), "{query}");
    }
    let p = problem(
        app.get("/api/v1/customers/lookup?q=a", &f.token).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.reason, Some(ProblemReason::TooShort));
    assert_eq!(p.params, Some(json!({"min": 2})));

    // The permission of reading customers: a technician may not.
    let tech = app.token(Role::Technician).await;
    problem(
        app.get("/api/v1/customers/lookup?q=acme", &tech).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_callbacks_due_are_listed_soonest_first() {
    let app = crate::helpers::spawn_app_at("2026-12-01T02:00:00Z").await;
    let f = fixture(&app, "standard").await;
    let first = register(&app, &f, "p3", "phone").await;
    let second = register(&app, &f, "p3", "phone").await;
    let third = register(&app, &f, "p3", "phone").await;
    let _none = register(&app, &f, "p3", "phone").await;
    let promise = |id: i64| {
        let (app, token) = (&app, f.token.clone());
        async move {
            let r = app
                .post(&format!("/api/v1/tickets/{id}/callback"), &token, &json!({}))
                .await;
            assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        }
    };
    // Promised in the order second, first, third: soonest due first.
    promise(second.id.0).await;
    app.clock.advance(chrono::Duration::minutes(5));
    promise(first.id.0).await;
    app.clock.advance(chrono::Duration::minutes(5));
    promise(third.id.0).await;
    // The third's callback is made: no longer due.
    let r = app
        .post(
            &format!("/api/v1/tickets/{}/callback/done", third.id.0),
            &f.token,
            &json!({}),
        )
        .await;
    assert_eq!(r.status(), 200);

    let due: Page<Ticket> = app
        .ok(
            app.get("/api/v1/tickets?callback_due=true&sort=callback", &f.token)
                .await,
            200,
        )
        .await;
    let ids: Vec<i64> = due.items.iter().map(|t| t.id.0).collect();
    assert_eq!(ids, vec![second.id.0, first.id.0]);
    assert_eq!(due.total, 2);
    assert!(due
        .items
        .iter()
        .all(|t| t.callback_due_at.is_some() && t.callback_done_at.is_none()));

    let rest: Page<Ticket> = app
        .ok(app.get("/api/v1/tickets?callback_due=false", &f.token).await, 200)
        .await;
    assert_eq!(rest.total, 2);

    // A cancelled ticket's promise is no longer due.
    let r = app
        .post(
            &format!("/api/v1/tickets/{}/cancel", first.id.0),
            &app.admin,
            &json!({"reason": "duplicate"}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let due: Page<Ticket> = app
        .ok(app.get("/api/v1/tickets?callback_due=true", &f.token).await, 200)
        .await;
    assert_eq!(due.items.iter().map(|t| t.id.0).collect::<Vec<_>>(), vec![second.id.0]);

    // Every ticket sorted by callback: the promised ones first, soonest first.
    let all: Page<Ticket> = app
        .ok(app.get("/api/v1/tickets?sort=callback", &f.token).await, 200)
        .await;
    let ids: Vec<i64> = all.items.iter().take(3).map(|t| t.id.0).collect();
    assert_eq!(ids, vec![second.id.0, first.id.0, third.id.0]);
    problem(
        app.get("/api/v1/tickets?sort=soon", &f.token).await,
        422,
        "validation_failed",
    )
    .await;
}

fn new_ticket(f: &Fixture) -> Value {
    json!({"customer_id": f.customer, "contact_id": f.contact, "asset_id": f.asset, "channel": "phone",
        "priority": "p2", "title": "UPS alarm", "description": "Fault E42."})
}

async fn tickets_total(app: &TestApp) -> i64 {
    let p: Page<Ticket> = app.ok(app.get("/api/v1/tickets", &app.admin).await, 200).await;
    p.total
}

async fn audit_total(app: &TestApp) -> i64 {
    let p: Value = app.ok(app.get("/api/v1/audit?limit=1", &app.admin).await, 200).await;
    p["total"].as_i64().unwrap()
}

#[tokio::test]
async fn a_preview_gives_the_due_times_registration_would_without_storing_anything() {
    let app = crate::helpers::spawn_app_at("2026-12-01T02:00:00Z").await;
    let f = fixture(&app, "gold").await;
    let (tickets, audits) = (tickets_total(&app).await, audit_total(&app).await);
    let preview: TicketPreview = app
        .ok(
            app.post("/api/v1/tickets/preview", &f.token, &new_ticket(&f)).await,
            200,
        )
        .await;
    assert_eq!(tickets_total(&app).await, tickets);
    assert_eq!(audit_total(&app).await, audits);
    assert!(preview.open_tickets.is_empty());
    assert_eq!(preview.customer_tier.as_str(), "gold");
    assert_eq!(preview.region_class.as_str(), "urban");
    assert!(preview.callback_due_at.is_none());

    // Registering the same body now gives the same due times.
    let t: Ticket = app
        .ok(app.post("/api/v1/tickets", &f.token, &new_ticket(&f)).await, 201)
        .await;
    assert_eq!(preview.response_due_at, t.response_due_at);
    assert_eq!(preview.hotline_due_at, t.hotline_due_at);
    assert_eq!(preview.remote_due_at, t.remote_due_at);
    assert_eq!(preview.arrival_due_at, t.arrival_due_at);
    assert_eq!(preview.resolution_due_at, t.resolution_due_at);
    assert_eq!(preview.opened_at, t.opened_at);
    assert_eq!((preview.region_id, preview.clock_mode), (t.region_id, t.clock_mode));

    // Now the asset has an open ticket: the preview names it (registering would refuse).
    let preview: TicketPreview = app
        .ok(
            app.post("/api/v1/tickets/preview", &f.token, &new_ticket(&f)).await,
            200,
        )
        .await;
    assert_eq!(preview.open_tickets.len(), 1);
    assert_eq!(preview.open_tickets[0].id, t.id);
    assert_eq!(preview.open_tickets[0].customer_name.as_deref(), Some("Hangzhou Metro"));
    problem(
        app.post("/api/v1/tickets", &f.token, &new_ticket(&f)).await,
        409,
        "open_tickets_exist",
    )
    .await;

    // The registration's checks, with the same answers.
    let mut body = new_ticket(&f);
    body["customer_id"] = json!(999_999);
    for path in ["/api/v1/tickets/preview", "/api/v1/tickets"] {
        let p = problem(app.post(path, &f.token, &body).await, 422, "validation_failed").await;
        assert_eq!(p.field.as_deref(), Some("customer_id"), "{path}");
        assert_eq!(p.reason, Some(ProblemReason::NotFound));
        assert_eq!(p.params, Some(json!({"id": 999_999})));
    }
    let mut body = new_ticket(&f);
    body["title"] = json!("  ");
    let p = problem(
        app.post("/api/v1/tickets/preview", &f.token, &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        (p.field.as_deref(), p.reason),
        (Some("title"), Some(ProblemReason::Required))
    );
    let mut body = new_ticket(&f);
    body["priority"] = json!("urgentest");
    let p = problem(
        app.post("/api/v1/tickets/preview", &f.token, &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        (p.field.as_deref(), p.reason),
        (Some("priority"), Some(ProblemReason::UnknownValue))
    );

    // The permission of registering: a technician may not.
    let tech = app.token(Role::Technician).await;
    problem(
        app.post("/api/v1/tickets/preview", &tech, &new_ticket(&f)).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn tickets_and_their_timeline_carry_names() {
    let app = spawn_app().await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p3", "phone").await;
    // The answer of the registration itself.
    assert_eq!(t.customer_name.as_deref(), Some("Hangzhou Metro"));
    assert_eq!(t.site_name.as_deref(), Some("Line 1 depot"));
    assert_eq!(t.owner_name.as_deref(), Some(f.agent.display_name.as_str()));
    assert_eq!(t.assignee_name.as_deref(), Some(f.agent.display_name.as_str()));

    let (colleague, _) = app.user(Role::Agent).await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{}/handoff", t.id.0),
            &f.token,
            &json!({"to_user_id": colleague.id, "reason": "shift ends"}),
        )
        .await;
    let handed: Ticket = app.ok(r, 200).await;
    assert_eq!(handed.owner_name.as_deref(), Some(colleague.display_name.as_str()));

    let r = app
        .post(
            &format!("/api/v1/tickets/{}/assign", t.id.0),
            &app.admin,
            &json!({"assignee_id": null}),
        )
        .await;
    let unassigned: Ticket = app.ok(r, 200).await;
    assert!(unassigned.assignee_id.is_none() && unassigned.assignee_name.is_none());

    let one: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{}", t.id.0), &app.admin).await, 200)
        .await;
    assert_eq!(one.owner_name.as_deref(), Some(colleague.display_name.as_str()));
    assert_eq!(one.customer_name.as_deref(), Some("Hangzhou Metro"));

    let list: Page<Ticket> = app.ok(app.get("/api/v1/tickets", &app.admin).await, 200).await;
    assert!(list
        .items
        .iter()
        .all(|t| t.customer_name.is_some() && t.owner_name.is_some()));

    let events: Vec<TicketEvent> = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}/timeline", t.id.0), &app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(events[0].actor_name.as_deref(), Some(f.agent.display_name.as_str()));
    assert!(events.iter().all(|e| e.actor_id.is_some() == e.actor_name.is_some()));
}

#[tokio::test]
async fn validation_errors_carry_a_reason_and_its_params() {
    let app = spawn_app().await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p3", "phone").await;
    let id = t.id.0;
    let cases: Vec<(String, Value, &str, ProblemReason, Value)> = vec![
        (
            format!("/api/v1/tickets/{id}/cancel"),
            json!({"reason": " "}),
            "reason",
            ProblemReason::Required,
            json!({}),
        ),
        (
            format!("/api/v1/tickets/{id}/handoff"),
            json!({"to_user_id": 999_999, "reason": "x".repeat(2001)}),
            "reason",
            ProblemReason::TooLong,
            json!({"max": 2000}),
        ),
        (
            format!("/api/v1/tickets/{id}/handoff"),
            json!({"to_user_id": 999_999, "reason": "going home"}),
            "to_user_id",
            ProblemReason::NotFound,
            json!({"id": 999_999}),
        ),
        (
            format!("/api/v1/tickets/{id}/escalate"),
            json!({"to": "onsite", "window_start": "2026-12-01T10:00:00Z"}),
            "window_end",
            ProblemReason::Required,
            json!({}),
        ),
        (
            format!("/api/v1/tickets/{id}/authorizations"),
            json!({"authorized_by": "Li", "method": "phone", "authorized_at": "2999-01-01T00:00:00Z"}),
            "authorized_at",
            ProblemReason::InFuture,
            json!({}),
        ),
        (
            format!("/api/v1/tickets/{id}/authorizations"),
            json!({"authorized_by": "Li", "method": "pigeon"}),
            "method",
            ProblemReason::UnknownValue,
            Value::Null,
        ),
        (
            format!("/api/v1/tickets/{id}/wait"),
            json!({"reason": 5}),
            "reason",
            ProblemReason::WrongType,
            json!({"expected": "string"}),
        ),
        (
            format!("/api/v1/tickets/{id}/callback"),
            json!({"raeson": "x"}),
            "raeson",
            ProblemReason::UnknownField,
            json!({"allowed": ["reason"]}),
        ),
        (
            format!("/api/v1/tickets/{id}/acceptance"),
            json!({"satisfied": true}),
            "accepted_by",
            ProblemReason::MissingField,
            json!({}),
        ),
    ];
    for (path, body, field, reason, params) in cases {
        let p = problem(app.post(&path, &f.token, &body).await, 422, "validation_failed").await;
        assert_eq!(p.field.as_deref(), Some(field), "{path} {body}");
        assert_eq!(p.reason, Some(reason), "{path} {body}: {}", p.detail);
        if params.is_null() {
            assert!(p.params.unwrap()["allowed"].as_array().is_some_and(|a| !a.is_empty()));
        } else {
            assert_eq!(p.params, Some(params), "{path} {body}");
        }
        // The English text stays.
        assert!(!p.detail.is_empty());
    }

    // An on-site window that ends before it starts, and one in the past.
    let now = chrono::Utc::now();
    let start = (now + chrono::Duration::hours(3)).to_rfc3339();
    let end = (now + chrono::Duration::hours(2)).to_rfc3339();
    let r = app
        .post(
            &format!("/api/v1/tickets/{id}/escalate"),
            &f.token,
            &json!({"to": "onsite", "reason": "needs a technician", "window_start": start, "window_end": end}),
        )
        .await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!(
        (p.field.as_deref(), p.reason),
        (Some("window_end"), Some(ProblemReason::WindowEndBeforeStart))
    );

    // Login: a missing field.
    let r = app.post_anon("/api/v1/auth/login", &json!({"username": "admin"})).await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!(
        (p.field.as_deref(), p.reason),
        (Some("password"), Some(ProblemReason::MissingField))
    );

    // Errors other than validation carry no reason.
    let p = problem(app.get("/api/v1/tickets/999999", &app.admin).await, 404, "not_found").await;
    assert!(p.reason.is_none() && p.params.is_none());
}
