//! The golden trace: what the service answers and what it writes, recorded once and compared on
//! every run, so that a change meant to keep the behaviour keeps it exactly.
//!
//! Part one, `endpoints`: the status of every (method, path) of the served OpenAPI document, for
//! a caller without a token (`none`) and for one user of each role, against one object of each
//! kind. Part two, `rows`: every row of the audit trail, the ticket timelines, the notifications
//! and the outbox after one ticket has gone the whole way: registration, remote service with
//! the customer's authorization, on-site service with a window, a visit worked from the phone,
//! a major fault, resolution and acceptance, and a fault analysis report sent by e-mail.
//!
//! The trace is compared with `tests/golden/trace.json`; to record it anew:
//! `FIELDLINE_GOLDEN_WRITE=1 cargo test --test api golden`.

use crate::helpers::{spawn_app_at, square, TestApp, USER_PASSWORD};
use crate::mobile::png;
use crate::tickets::{major_fault_body, register, Fixture};
use chrono::{Duration, NaiveDateTime, SecondsFormat};
use diesel::prelude::*;
use fieldline::db::schema::{
    audit_events, fault_reports, inspection_plans, notifications, outbox, ticket_events, tickets, visits,
};
use fieldline::db::DbConn;
use fieldline_mobile_api::client::Client;
use fieldline_mobile_api::{
    FaultReport, FaultReportStatus, Inspection, InspectionPlan, NewUser, OnsiteRequest, Page, Revisit, RevisitFile,
    Role, Ticket, TicketStatus, User, Visit, VisitStatus,
};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Tuesday 2026-11-24 09:00 in Shanghai, within business hours.
const START: &str = "2026-11-24T01:00:00Z";

/// The caller without a token, in the keys of the endpoint table.
const ANONYMOUS: &str = "none";

const CONTACT_EMAIL: &str = "zhou.jie@metro.example";

// ---------------------------------------------------------------- people and objects

/// A user of a role, with a username of its own: the names are part of what is written (audit
/// snapshots, e-mail recipients), so they must not depend on which other tests ran before.
async fn person(app: &TestApp, role: Role, name: &str) -> (User, String) {
    let username = format!("golden-{name}");
    let body = NewUser {
        username: username.clone(),
        display_name: format!("Golden {name}"),
        email: Some(format!("{username}@example.com")),
        phone: None,
        role,
        password: USER_PASSWORD.into(),
        language: None,
    };
    let user: User = app.ok(app.post("/api/v1/users", &app.admin, &body).await, 201).await;
    let token = app.login(&username, USER_PASSWORD).await.access_token;
    (user, token)
}

/// The people of the run: one of each role (two supervisors: an author and a reviewer).
struct People {
    agent: User,
    agent_token: String,
    remote_engineer: User,
    dispatcher: String,
    technician: User,
    author: User,
    author_token: String,
    reviewer_token: String,
    account_manager: User,
    manager: User,
}

async fn people(app: &TestApp) -> People {
    let (agent, agent_token) = person(app, Role::Agent, "agent").await;
    let (remote_engineer, _) = person(app, Role::RemoteEngineer, "remote-engineer").await;
    let (_, dispatcher) = person(app, Role::Dispatcher, "dispatcher").await;
    let (technician, _) = person(app, Role::Technician, "technician").await;
    let (author, author_token) = person(app, Role::Supervisor, "supervisor").await;
    let (_, reviewer_token) = person(app, Role::Supervisor, "reviewer").await;
    let (account_manager, _) = person(app, Role::AccountManager, "account-manager").await;
    let (manager, _) = person(app, Role::Manager, "manager").await;
    People {
        agent,
        agent_token,
        remote_engineer,
        dispatcher,
        technician,
        author,
        author_token,
        reviewer_token,
        account_manager,
        manager,
    }
}

async fn created<T: serde::de::DeserializeOwned>(app: &TestApp, token: &str, path: &str, body: Value) -> T {
    app.ok(app.post(path, token, &body).await, 201).await
}

async fn done<T: serde::de::DeserializeOwned>(app: &TestApp, token: &str, path: &str, body: Value) -> T {
    app.ok(app.post(path, token, &body).await, 200).await
}

/// A region, the gold customer "Hangzhou Metro" with its account manager, a site, an asset (with
/// a fixed serial number) and a contact with a phone and an e-mail address.
async fn fixture(app: &TestApp, p: &People) -> (Fixture, i64) {
    let region: Value = created(
        app,
        &app.admin,
        "/api/v1/regions",
        json!({"name": "Centre", "class": "urban", "boundary": square(120.1, 30.2, 120.3, 30.35)}),
    )
    .await;
    let c: Value = created(
        app,
        &app.admin,
        "/api/v1/customers",
        json!({"name": "Hangzhou Metro", "tier": "gold"}),
    )
    .await;
    let customer = c["id"].as_i64().unwrap();
    let r = app
        .patch(
            &format!("/api/v1/customers/{customer}"),
            &app.admin,
            &json!({"account_manager_id": p.account_manager.id}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let s: Value = created(app, &app.admin, "/api/v1/sites", json!({"customer_id": customer, "name": "Line 1 depot", "address": "1 Depot Rd", "latitude": 30.25, "longitude": 120.15})).await;
    let site = s["id"].as_i64().unwrap();
    let a: Value = created(app, &app.admin, "/api/v1/assets", json!({"site_id": site, "model": "Eaton 93PM", "serial_number": "UPS-93PM-0001", "purchase_date": "2024-03-01"})).await;
    let k: Value = created(
        app,
        &app.admin,
        &format!("/api/v1/customers/{customer}/contacts"),
        json!({"name": "Zhou Jie", "phone": "+86 571 8765 0000", "email": CONTACT_EMAIL}),
    )
    .await;
    let f = Fixture {
        agent: p.agent.clone(),
        token: p.agent_token.clone(),
        customer,
        site,
        asset: a["id"].as_i64().unwrap(),
        contact: k["id"].as_i64().unwrap(),
    };
    (f, region["id"].as_i64().unwrap())
}

/// Runs a job in a slot of its own name, so that nothing random is written for it.
async fn run_job(app: &TestApp, job: &str, slot: &str) {
    let run: Value = done(
        app,
        &app.admin,
        &format!("/api/v1/jobs/{job}/run"),
        json!({"slot": slot}),
    )
    .await;
    assert_eq!(run["ran"], true, "{run}");
}

/// The technician's working week and skill, home near the site.
async fn technician_profile(app: &TestApp, tech: &User) {
    let day = json!({"start": "08:30", "end": "17:00"});
    let body = json!({"home_latitude": 30.26, "home_longitude": 120.16, "daily_capacity": 4,
        "week": [day, day, day, day, day, null, null], "skills": [{"skill": "ups", "level": 4}]});
    let r = app
        .http
        .put(app.url(&format!("/api/v1/technicians/{}", tech.id)))
        .bearer_auth(&app.admin)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// Escalates to on-site with the window, makes the visit from the on-site registration and
/// assigns the technician to it.
async fn onsite_visit(app: &TestApp, p: &People, t: &Ticket, window: (&str, &str), reason: &str) -> Visit {
    let _: Ticket = done(
        app,
        &p.agent_token,
        &format!("/api/v1/tickets/{}/escalate", t.id),
        json!({"to": "onsite", "reason": reason, "window_start": window.0, "window_end": window.1}),
    )
    .await;
    let reqs: Page<OnsiteRequest> = app
        .ok(
            app.get(&format!("/api/v1/onsite-requests?ticket_id={}", t.id), &p.dispatcher)
                .await,
            200,
        )
        .await;
    let v: Visit = app
        .ok(
            app.post(
                "/api/v1/visits",
                &p.dispatcher,
                &json!({"onsite_request_id": reqs.items[0].id, "required_skill": "ups"}),
            )
            .await,
            201,
        )
        .await;
    done(
        app,
        &p.dispatcher,
        &format!("/api/v1/visits/{}/assign", v.id),
        json!({"technician_id": p.technician.id}),
    )
    .await
}

// ---------------------------------------------------------------- part two: the ladder

struct Ladder {
    f: Fixture,
    region: i64,
    ticket: Ticket,
    report: FaultReport,
}

/// One ticket the whole way. A closed ticket can no longer be marked a major fault (409), so
/// the fault is marked while the technician is on the way and ends before the resolution.
async fn ladder(app: &TestApp, p: &People) -> Ladder {
    let (f, region) = fixture(app, p).await;
    technician_profile(app, &p.technician).await;
    let tok = &p.agent_token;
    let step = |t: &Ticket, s: &str| format!("/api/v1/tickets/{}/{s}", t.id);

    // Registered on the hotline and started.
    let t = register(app, &f, "p2", "phone").await;
    let _: Ticket = done(app, tok, &step(&t, "start"), json!({})).await;

    // Remote service, with the customer's authorization recorded first.
    app.clock.advance(Duration::minutes(10));
    let a: Value = created(
        app,
        tok,
        &step(&t, "authorizations"),
        json!({"authorized_by": "Zhou Jie", "method": "phone", "note": "recorded call"}),
    )
    .await;
    assert_eq!(a["authorized_by"], "Zhou Jie");
    let _: Ticket = done(
        app,
        tok,
        &step(&t, "escalate"),
        json!({"to": "remote", "reason": "guidance did not help"}),
    )
    .await;

    // On-site, 10:00-12:00 local; a visit from the on-site registration, assigned.
    app.clock.advance(Duration::minutes(20));
    let v = onsite_visit(
        app,
        p,
        &t,
        ("2026-11-24T02:00:00Z", "2026-11-24T04:00:00Z"),
        "the control board must be replaced",
    )
    .await;
    assert_eq!(v.status, VisitStatus::Assigned);

    // The technician's phone: accepted and on the way.
    let mut phone = Client::new(&app.address);
    phone.login(&p.technician.username, USER_PASSWORD).await.unwrap();
    app.clock.advance(Duration::minutes(10));
    let v = phone
        .visit_step(v.id, "accept", "golden-accept", v.version, &json!({}))
        .await
        .unwrap();
    let v = phone
        .visit_step(v.id, "en-route", "golden-en-route", v.version, &json!({}))
        .await
        .unwrap();

    // Meanwhile the line goes down: a major fault, its notice sent.
    app.clock.advance(Duration::minutes(5));
    let r = app.post(&step(&t, "major-fault"), tok, &major_fault_body(app)).await;
    assert_eq!(r.status(), 201);
    run_job(app, "mail_relay", "golden-relay-1").await;

    // On site: a new plan, the check-in, the work completed and signed.
    app.clock.advance(Duration::minutes(25));
    let _: Value = done(
        app,
        tok,
        &step(&t, "major-fault/updates"),
        json!({"handling_plan": "Backup feed on; replacing the control board.", "note": "Technician on site."}),
    )
    .await;
    let v = phone
        .visit_step(
            v.id,
            "check-in",
            "golden-check-in",
            v.version,
            &json!({"latitude": 30.25, "longitude": 120.15}),
        )
        .await
        .unwrap();
    // Out of warranty: the technician tells the price beforehand and the customer signs it.
    let q = phone
        .make_quote(v.id, "golden-quote", v.version, &crate::quotes::one_line(1200.0))
        .await
        .unwrap();
    let approval = json!({"approved_by": "Zhou Jie", "approved_at": q.made_at, "via": "signature_on_phone"});
    let q = phone
        .answer_quote(
            (v.id, q.id),
            "approve",
            "golden-quote-approve",
            q.visit_version,
            &approval,
        )
        .await
        .unwrap();
    app.clock.advance(Duration::minutes(50));
    let complete = json!({"work_notes": "Replaced the control board.", "parts": [{"part_number": "CB-93PM-01", "quantity": 1}],
        "time_spent_minutes": 50, "amount_charged": 1200.0, "signoff_name": "Zhou Jie", "signature_png_base64": png()});
    let v = phone
        .visit_step(v.id, "complete", "golden-complete", q.visit_version, &complete)
        .await
        .unwrap();
    assert_eq!(v.status, VisitStatus::Completed);

    // The signed completion of its last visit resolved the ticket; the fault ends and the
    // customer, asked by the owner, accepts it.
    app.clock.advance(Duration::minutes(10));
    let _: Value = done(
        app,
        tok,
        &step(&t, "major-fault/end"),
        json!({"summary": "Control board replaced; the line runs on mains again."}),
    )
    .await;
    run_job(app, "mail_relay", "golden-relay-2").await;
    app.clock.advance(Duration::minutes(30));
    let closed: Ticket = done(
        app,
        tok,
        &step(&t, "acceptance"),
        json!({"accepted_by": "Zhou Jie", "satisfied": true}),
    )
    .await;
    assert_eq!(closed.status, TicketStatus::Closed);

    // The fault analysis report: drafted, completed, submitted, approved and sent.
    app.clock.advance(Duration::minutes(60));
    let r: FaultReport = created(
        app,
        &p.author_token,
        "/api/v1/fault-reports",
        json!({"ticket_id": t.id}),
    )
    .await;
    let content = json!({
        "root_cause": "A capacitor on the control board aged beyond its rated life and shorted.",
        "corrective_actions": [{"description": "Replace the control board", "owner_user_id": p.author.id, "due_date": "2026-12-04"}],
        "preventive_actions": [{"description": "Measure capacitor ESR every quarter", "owner_name": "Eaton service", "due_date": "2027-03-31"}],
        "contact_ids": [f.contact],
    });
    let resp = app
        .http
        .patch(app.url(&format!("/api/v1/fault-reports/{}", r.id)))
        .bearer_auth(&p.author_token)
        .header("If-Match", format!("\"{}\"", r.version))
        .json(&content)
        .send()
        .await
        .unwrap();
    let r: FaultReport = app.ok(resp, 200).await;
    app.clock.advance(Duration::minutes(15));
    let path = |s: &str| format!("/api/v1/fault-reports/{}/{s}", r.id);
    let submitted: FaultReport = done(app, &p.author_token, &path("submit"), json!({})).await;
    assert_eq!(submitted.status, FaultReportStatus::Submitted);
    app.clock.advance(Duration::minutes(15));
    let approved: FaultReport = done(app, &p.reviewer_token, &path("approve"), json!({})).await;
    assert_eq!(approved.status, FaultReportStatus::Approved);
    let r: FaultReport = done(app, &p.reviewer_token, &path("send"), json!({})).await;
    assert_eq!(r.status, FaultReportStatus::Sent);
    run_job(app, "mail_relay", "golden-relay-3").await;
    Ladder {
        f,
        region,
        ticket: closed,
        report: r,
    }
}

fn time(t: NaiveDateTime) -> Value {
    Value::String(t.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// A text column that holds JSON is kept as the JSON it holds, so that a diff shows the field
/// that changed.
fn json_text(s: Option<String>) -> Value {
    match s {
        None => Value::Null,
        Some(s) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
    }
}

fn object(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<Map<_, _>>(),
    )
}

type AuditRow = (
    i64,
    NaiveDateTime,
    Option<i64>,
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
);
type EventRow = (
    i64,
    i64,
    NaiveDateTime,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);
type NotificationRow = (
    i64,
    i64,
    Option<i64>,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
);
type OutboxRow = (
    i64,
    String,
    String,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    String,
    i32,
    NaiveDateTime,
    Option<String>,
    Option<String>,
    Option<NaiveDateTime>,
    Option<i64>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    NaiveDateTime,
    // In-Reply-To and References of a threaded reply (none in the golden flows).
    Option<String>,
    Option<String>,
    bool,
);

/// Every row of the four tables, ordered by id, as objects of column → value.
fn rows(c: &mut DbConn) -> Value {
    let audit: Vec<AuditRow> = audit_events::table.order(audit_events::id).load(c).unwrap();
    let audit = audit
        .into_iter()
        .map(|r| {
            let mut fields = vec![
                ("id", json!(r.0)),
                ("at", time(r.1)),
                ("actor_id", json!(r.2)),
                ("entity", json!(r.3)),
                ("entity_id", json!(r.4)),
                ("action", json!(r.5)),
                ("before_json", json_text(r.6)),
                ("after_json", json_text(r.7)),
            ];
            // A contact's change through the portal names them; no scenario here makes one.
            if let Some(contact) = r.8 {
                fields.push(("actor_contact_id", json!(contact)));
            }
            object(fields)
        })
        .collect::<Vec<_>>();
    let events: Vec<EventRow> = ticket_events::table.order(ticket_events::id).load(c).unwrap();
    let events = events
        .into_iter()
        .map(|r| {
            object(vec![
                ("id", json!(r.0)),
                ("ticket_id", json!(r.1)),
                ("at", time(r.2)),
                ("actor_id", json!(r.3)),
                ("kind", json!(r.4)),
                ("from_value", json!(r.5)),
                ("to_value", json!(r.6)),
                ("reason", json!(r.7)),
                ("data_json", json_text(r.8)),
            ])
        })
        .collect::<Vec<_>>();
    let notes: Vec<NotificationRow> = notifications::table.order(notifications::id).load(c).unwrap();
    let notes = notes
        .into_iter()
        .map(|r| {
            object(vec![
                ("id", json!(r.0)),
                ("user_id", json!(r.1)),
                ("ticket_id", json!(r.2)),
                ("kind", json!(r.3)),
                ("message", json!(r.4)),
                ("created_at", time(r.5)),
                ("read_at", r.6.map_or(Value::Null, time)),
            ])
        })
        .collect::<Vec<_>>();
    let mails: Vec<OutboxRow> = outbox::table.order(outbox::id).load(c).unwrap();
    let mails = mails
        .into_iter()
        .map(|r| {
            object(vec![
                ("id", json!(r.0)),
                ("message_id", json!(r.1)),
                ("kind", json!(r.2)),
                ("customer_id", json!(r.3)),
                ("ticket_id", json!(r.4)),
                ("recipients_json", json_text(Some(r.5))),
                ("subject", json!(r.6)),
                ("body_text", json!(r.7)),
                ("body_html", json!(r.8)),
                ("status", json!(r.9)),
                ("attempts", json!(r.10)),
                ("next_attempt_at", time(r.11)),
                ("last_error", json!(r.12)),
                ("lease_token", json!(r.13)),
                ("lease_until", r.14.map_or(Value::Null, time)),
                ("created_by", json!(r.15)),
                ("created_at", time(r.16)),
                ("sent_at", r.17.map_or(Value::Null, time)),
                ("updated_at", time(r.18)),
                ("urgent", json!(r.19)),
            ])
        })
        .collect::<Vec<_>>();
    let mut out = json!({
        "audit_events": audit,
        "ticket_events": events,
        "notifications": notes,
        "outbox": mails,
    });
    normalise(&mut out);
    out
}

// ---------------------------------------------------------------- what is random per run

/// Replaces what is drawn at random on each run, and only that: uuids (Message-IDs, relay
/// lease tokens, survey link ids) and signed tokens (the survey link in the closing e-mail is a
/// JWT whose id is a uuid). Ids, times (all from the test's clock) and names stay as written.
fn normalise(v: &mut Value) {
    match v {
        Value::String(s) => *s = replace_uuids(&replace_jwts(s)),
        Value::Array(items) => items.iter_mut().for_each(normalise),
        Value::Object(map) => map.values_mut().for_each(normalise),
        _ => {}
    }
}

fn is_token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

/// `eyJ…` followed by two more dot-separated base64url parts becomes `<token>`.
fn replace_jwts(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        let starts = b[i..].starts_with(b"eyJ") && (i == 0 || !is_token_char(b[i - 1]));
        if starts {
            let mut j = i;
            let mut dots = 0;
            while j < b.len() && (is_token_char(b[j]) || b[j] == b'.') {
                dots += usize::from(b[j] == b'.');
                j += 1;
            }
            if dots == 2 && b[j - 1] != b'.' {
                out.push_str("<token>");
                i = j;
                continue;
            }
        }
        let ch = s[i..].chars().next().unwrap();
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hex) becomes `<uuid>`.
fn replace_uuids(s: &str) -> String {
    let b = s.as_bytes();
    let is_uuid = |at: usize| {
        at + 36 <= b.len()
            && b[at..at + 36].iter().enumerate().all(|(k, &c)| {
                if matches!(k, 8 | 13 | 18 | 23) {
                    c == b'-'
                } else {
                    c.is_ascii_hexdigit()
                }
            })
            && (at == 0 || !b[at - 1].is_ascii_alphanumeric())
            && (at + 36 == b.len() || !b[at + 36].is_ascii_alphanumeric())
    };
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if is_uuid(i) {
            out.push_str("<uuid>");
            i += 36;
            continue;
        }
        let ch = s[i..].chars().next().unwrap();
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

// ---------------------------------------------------------------- part one: every endpoint

/// The objects the path parameters name.
struct Objects {
    region: i64,
    customer: i64,
    contact: i64,
    site: i64,
    asset: i64,
    /// The ladder's ticket: closed, its survey answered through the closing e-mail's link.
    closed_ticket: i64,
    /// A ticket on-site with an open major fault and a visit assigned to the technician.
    open_ticket: i64,
    visit: i64,
    technician: i64,
    /// A draft: the corrected revision of the ladder's sent report.
    report: i64,
    outbox: i64,
    notification: i64,
    revisit: i64,
    revisit_file: i64,
    plan: i64,
    inspection: i64,
    policy: i64,
    survey_token: String,
    user: i64,
    /// Objects each caller deletes one of, so that one caller's delete does not decide the
    /// next one's answer.
    holidays: HashMap<String, i64>,
    contacts: HashMap<String, i64>,
    warranty_term: i64,
    team: i64,
}

/// Creates what the ladder did not: a second ticket with a visit, a draft report, an inspection
/// plan and its inspection, a revisit file, a spare user, and the throw-away objects.
async fn objects(app: &TestApp, p: &People, l: &Ladder, c: &mut DbConn, callers: &[String]) -> Objects {
    let t = register(app, &l.f, "p3", "phone").await;
    let _: Ticket = done(
        app,
        &p.agent_token,
        &format!("/api/v1/tickets/{}/start", t.id),
        json!({}),
    )
    .await;
    let v = onsite_visit(
        app,
        p,
        &t,
        ("2026-11-25T02:00:00Z", "2026-11-25T04:00:00Z"),
        "smoke from the cabinet",
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{}/major-fault", t.id),
            &p.agent_token,
            &major_fault_body(app),
        )
        .await;
    assert_eq!(r.status(), 201);

    let report: FaultReport = created(
        app,
        &p.author_token,
        &format!("/api/v1/fault-reports/{}/revisions", l.report.id),
        json!({"reason": "the supplier's name was wrong"}),
    )
    .await;

    let plan: InspectionPlan = created(
        app,
        &p.author_token,
        "/api/v1/inspection-plans",
        json!({"customer_id": l.f.customer, "site_id": l.f.site, "name": "UPS monthly check", "asset_ids": [l.f.asset],
               "frequency_months": 1, "required_skill": "ups", "required_level": 2, "starts_on": "2026-12-01"}),
    )
    .await;
    run_job(app, "inspection_generation", "golden-inspections").await;
    let inspections: Page<Inspection> = app.ok(app.get("/api/v1/inspections", &app.admin).await, 200).await;

    let _: Value = created(app, &app.admin, "/api/v1/assets", json!({"site_id": l.f.site, "model": "Carrier 30XA chiller", "serial_number": "CH-30XA-0001", "purchase_date": "2025-01-10", "acceptance_date": "2026-11-10"})).await;
    run_job(app, "revisit_generation", "golden-revisits").await;
    let files: Page<RevisitFile> = app.ok(app.get("/api/v1/revisit-files", &app.admin).await, 200).await;
    let revisits: Page<Revisit> = app
        .ok(app.get("/api/v1/revisits?kind=satisfaction", &app.admin).await, 200)
        .await;
    let revisit = revisits
        .items
        .iter()
        .find(|r| r.ticket_id == Some(l.ticket.id))
        .expect("the closed ticket's satisfaction revisit");

    let (spare, _) = person(app, Role::Agent, "spare").await;
    let mut holidays = HashMap::new();
    let mut contacts = HashMap::new();
    for (n, caller) in callers.iter().enumerate() {
        let h: Value = created(
            app,
            &app.admin,
            "/api/v1/calendar/holidays",
            json!({"day": format!("2027-07-{:02}", n + 1), "name": format!("Throw-away {caller}")}),
        )
        .await;
        holidays.insert(caller.clone(), h["id"].as_i64().unwrap());
        let k: Value = created(
            app,
            &app.admin,
            &format!("/api/v1/customers/{}/contacts", l.f.customer),
            json!({"name": format!("Throw-away {caller}"), "phone": "+86 571 0000 0000"}),
        )
        .await;
        contacts.insert(caller.clone(), k["id"].as_i64().unwrap());
    }

    // The survey token, from the closing e-mail's link.
    let body: String = outbox::table
        .filter(outbox::kind.eq("ticket_closed"))
        .select(outbox::body_text)
        .first(c)
        .unwrap();
    let link = body
        .split_whitespace()
        .find(|w| w.contains("/survey/"))
        .unwrap_or_else(|| panic!("no survey link in {body}"));
    let survey_token = link.rsplit('/').next().unwrap().split('?').next().unwrap().to_string();
    // The customer answers it, so that the ticket has a survey to read.
    let r = app
        .post_anon(
            &format!("/api/v1/surveys/{survey_token}"),
            &json!({"score": 5, "comment": "Quick and tidy work."}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    // The technician's oldest notification (visit 1 assigned); the others may not read it.
    let notification: i64 = notifications::table
        .filter(notifications::user_id.eq(p.technician.id.0))
        .order(notifications::id)
        .select(notifications::id)
        .first(c)
        .unwrap();
    let term: Value = created(
        app,
        &app.admin,
        "/api/v1/warranty-terms",
        json!({"model": "Carrier 30XA chiller", "months": 24, "counted_from": "acceptance"}),
    )
    .await;
    let team: Value = created(
        app,
        &app.admin,
        "/api/v1/teams",
        json!({"name": "Golden shift", "kind": "hotline_shift", "lead_id": p.author.id}),
    )
    .await;
    let policy: i64 = fieldline::db::schema::sla_policies::table
        .order(fieldline::db::schema::sla_policies::id)
        .select(fieldline::db::schema::sla_policies::id)
        .first(c)
        .unwrap();

    Objects {
        region: l.region,
        customer: l.f.customer,
        contact: l.f.contact,
        site: l.f.site,
        asset: l.f.asset,
        closed_ticket: l.ticket.id.0,
        open_ticket: t.id.0,
        visit: v.id.0,
        technician: p.technician.id.0,
        report: report.id.0,
        outbox: l.report.outbox_id.expect("the report's e-mail").0,
        notification,
        revisit: revisit.id.0,
        revisit_file: files.items[0].id.0,
        plan: plan.id.0,
        inspection: inspections.items[0].id.0,
        policy,
        survey_token,
        user: spare.id.0,
        holidays,
        contacts,
        warranty_term: term["id"].as_i64().unwrap(),
        team: team["id"].as_i64().unwrap(),
    }
}

/// The value of the path parameter of `path` (the template) for this call.
fn parameter(o: &Objects, method: &str, path: &str, caller: &str) -> String {
    let rest = path.strip_prefix("/api/v1/").unwrap_or(path);
    let kind = rest.split('/').next().unwrap_or("");
    let id = match (method, kind) {
        ("DELETE", "calendar") => o.holidays[caller],
        ("DELETE", "contacts") => o.contacts[caller],
        (_, "contacts") => o.contact,
        (_, "assets") => o.asset,
        (_, "customers") => o.customer,
        (_, "fault-reports") => o.report,
        (_, "inspection-plans") => o.plan,
        (_, "inspections") => o.inspection,
        (_, "imports") => return "customers".into(),
        // No e-mail is read in the golden flows: the queue's workers get 404, the others 403.
        (_, "intake") => 1,
        (_, "jobs") => return "sla_scan".into(),
        (_, "mobile") | (_, "visits") => o.visit,
        (_, "notifications") => o.notification,
        (_, "outbox") => o.outbox,
        // The first criterion of the scorecard; no ticket is sampled in the golden flows (404).
        (_, "quality") => 1,
        // The portal's calls carry staff tokens here: all refused before the object is read.
        (_, "portal") => match rest.split('/').nth(1).unwrap_or("") {
            "tickets" => o.open_ticket,
            "visits" => o.visit,
            "sites" => o.site,
            _ => 1,
        },
        // No chase is made in the golden flows: 404 for those who may answer one.
        (_, "chases") => 1,
        // No day plan is made in the golden flows: 404 for those who may read one.
        (_, "day-plans") => 1,
        (_, "stall-rules") => return "hotline_new".into(),
        // No article is written in the golden flows: the readers get 404, the others 403.
        (_, "knowledge") => 1,
        // No one is put on the roster in the golden flows: 404 for the office, 403 for the others.
        (_, "roster") => 1,
        // The day shift of the migration.
        (_, "desk") => 1,
        // No handover is written in the golden flows: 404 for its readers, 403 for the others.
        (_, "handovers") => 1,
        (_, "regions") => o.region,
        (_, "revisit-files") => o.revisit_file,
        (_, "revisits") => o.revisit,
        (_, "sites") => o.site,
        (_, "sla") => o.policy,
        (_, "surveys") => return o.survey_token.clone(),
        (_, "teams") => o.team,
        (_, "technicians") => o.technician,
        (_, "tickets") if path.ends_with("/survey") => o.closed_ticket,
        (_, "tickets") => o.open_ticket,
        (_, "users") => o.user,
        (_, "warranty-terms") => o.warranty_term,
        _ => panic!("no object for the parameter of {method} {path}: add one to the golden trace"),
    };
    id.to_string()
}

/// The object's current version, for `If-Match`: the call then goes as far as `{}` lets it.
fn version(c: &mut DbConn, path: &str, id: i64) -> i32 {
    if path.starts_with("/api/v1/fault-reports/") {
        fault_reports::table.find(id).select(fault_reports::version).first(c)
    } else if path.starts_with("/api/v1/inspection-plans/") {
        inspection_plans::table
            .find(id)
            .select(inspection_plans::version)
            .first(c)
    } else if path.starts_with("/api/v1/mobile/visits/") || path.starts_with("/api/v1/visits/") {
        visits::table.find(id).select(visits::version).first(c)
    } else if path.starts_with("/api/v1/tickets/") {
        tickets::table.find(id).select(tickets::version).first(c)
    } else {
        panic!("no version for If-Match on {path}: add one to the golden trace")
    }
    .unwrap()
}

struct Operation {
    method: String,
    path: String,
    headers: Vec<String>,
}

/// Every (method, path) of the served document, with the headers it declares.
async fn operations(app: &TestApp) -> Vec<Operation> {
    let doc: Value = app
        .ok(
            app.http.get(app.url("/openapi.json")).send().await.expect("request"),
            200,
        )
        .await;
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(method) else { continue };
            let headers = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "header")
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect();
            ops.push(Operation {
                method: method.to_uppercase(),
                path: path.clone(),
                headers,
            });
        }
    }
    ops
}

/// Calls that end something (a ticket's resolution, a major fault's end, a delete, the logout)
/// come last, so that they do not decide the answers of the calls on the same object.
fn ends_something(o: &Operation) -> bool {
    o.method == "DELETE"
        || ["/resolve", "/major-fault/end", "/auth/logout"]
            .iter()
            .any(|end| o.path.ends_with(end))
}

/// Calls every endpoint as every caller, in a fixed order: those that end something last, by
/// path and method within each group; the callers in the order of `callers`.
async fn endpoints(
    app: &TestApp,
    o: &Objects,
    c: &mut DbConn,
    callers: &[(String, Option<String>)],
) -> BTreeMap<String, u16> {
    let mut ops = operations(app).await;
    ops.sort_by(|a, b| (ends_something(a), &a.path, &a.method).cmp(&(ends_something(b), &b.path, &b.method)));
    let mut out = BTreeMap::new();
    for op in &ops {
        for (caller, token) in callers {
            let mut path = op.path.clone();
            let mut id = None;
            if let (Some(open), Some(close)) = (op.path.find('{'), op.path.find('}')) {
                let value = parameter(o, &op.method, &op.path, caller);
                id = value.parse::<i64>().ok();
                path.replace_range(open..=close, &value);
            }
            let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
            let mut req = app.http.request(method, app.url(&path));
            if let Some(token) = token {
                req = req.bearer_auth(token);
            }
            for h in &op.headers {
                match h.as_str() {
                    "Idempotency-Key" => {
                        req = req.header("Idempotency-Key", format!("golden {} {} {caller}", op.method, op.path));
                    }
                    "If-Match" => {
                        let v = version(c, &op.path, id.expect("an id"));
                        req = req.header("If-Match", format!("\"{v}\""));
                    }
                    other => panic!("no value for the header {other} of {} {}", op.method, op.path),
                }
            }
            if matches!(op.method.as_str(), "POST" | "PUT" | "PATCH") {
                req = req.json(&json!({}));
            }
            let status = req.send().await.expect("request").status().as_u16();
            out.insert(format!("{} {} {caller}", op.method, op.path), status);
        }
    }
    out
}

// ---------------------------------------------------------------- the file and the diff

fn golden_file() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/trace.json")
}

/// The leaves of a JSON value, in document order, as `path = value` pairs.
fn leaves(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                leaves(&format!("{prefix}[{k:?}]"), v, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, v) in items.iter().enumerate() {
                leaves(&format!("{prefix}[{i}]"), v, out);
            }
        }
        _ => out.push((prefix.to_string(), v.to_string())),
    }
}

/// A changed leaf; of a text of several lines (an e-mail body), the first line that differs.
fn changed(key: &str, recorded: &str, now: &str) -> String {
    if let (Ok(Value::String(r)), Ok(Value::String(n))) = (serde_json::from_str(recorded), serde_json::from_str(now)) {
        let first = r.lines().zip(n.lines()).enumerate().find(|(_, (a, b))| a != b);
        if let Some((i, (a, b))) = first {
            return format!("~ {key}, line {}\n    recorded: {a:?}\n    now:      {b:?}", i + 1);
        }
    }
    format!("~ {key}\n    recorded: {recorded}\n    now:      {now}")
}

/// The first differences between the recorded and the current trace, one per line.
fn diff(expected: &Value, actual: &Value) -> String {
    let (mut want, mut got) = (Vec::new(), Vec::new());
    leaves("", expected, &mut want);
    leaves("", actual, &mut got);
    let want_map: HashMap<&str, &str> = want.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let got_map: HashMap<&str, &str> = got.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut lines = Vec::new();
    for (k, v) in &want {
        match got_map.get(k.as_str()) {
            None => lines.push(format!("- {k} = {v}")),
            Some(g) if g != v => lines.push(changed(k, v, g)),
            _ => {}
        }
    }
    for (k, v) in &got {
        if !want_map.contains_key(k.as_str()) {
            lines.push(format!("+ {k} = {v}"));
        }
    }
    let total = lines.len();
    lines.truncate(40);
    format!(
        "{total} difference(s) (- only recorded, + only now, ~ changed); the first {}:\n{}",
        lines.len(),
        lines.join("\n")
    )
}

#[tokio::test]
async fn golden_trace() {
    let app = spawn_app_at(START).await;
    let pool = fieldline::db::connect(&app.settings.database_url, 1).expect("the test database");
    let mut conn = pool.get().unwrap();
    let p = people(&app).await;
    let l = ladder(&app, &p).await;
    let rows = rows(&mut conn);

    // The callers: no token, then one user of each role, signed in anew (tokens live 15 minutes
    // on the real clock).
    let mut callers: Vec<(String, Option<String>)> = vec![(ANONYMOUS.into(), None)];
    let names: Vec<String> = std::iter::once(ANONYMOUS.to_string())
        .chain(Role::ALL.iter().map(|r| r.as_str().to_string()))
        .collect();
    let o = objects(&app, &p, &l, &mut conn, &names).await;
    for role in Role::ALL {
        let username = match role {
            Role::Admin => "admin".to_string(),
            Role::Agent => p.agent.username.clone(),
            Role::RemoteEngineer => p.remote_engineer.username.clone(),
            Role::Dispatcher => "golden-dispatcher".to_string(),
            Role::Technician => p.technician.username.clone(),
            Role::Supervisor => p.author.username.clone(),
            Role::AccountManager => p.account_manager.username.clone(),
            Role::Manager => p.manager.username.clone(),
        };
        let password = if *role == Role::Admin {
            crate::helpers::ADMIN_PASSWORD
        } else {
            USER_PASSWORD
        };
        let token = app.login(&username, password).await.access_token;
        callers.push((role.as_str().to_string(), Some(token)));
    }
    let endpoints = endpoints(&app, &o, &mut conn, &callers).await;

    let trace = json!({"endpoints": endpoints, "rows": rows});
    let file = golden_file();
    if std::env::var("FIELDLINE_GOLDEN_WRITE").as_deref() == Ok("1") {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let mut text = serde_json::to_string_pretty(&trace).unwrap();
        text.push('\n');
        std::fs::write(&file, text).unwrap();
        return;
    }
    let recorded = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; record it with FIELDLINE_GOLDEN_WRITE=1",
            file.display()
        )
    });
    let recorded: Value = serde_json::from_str(&recorded).expect("the golden file is JSON");
    assert!(
        recorded == trace,
        "the trace differs from {}\n{}",
        file.display(),
        diff(&recorded, &trace)
    );
}
