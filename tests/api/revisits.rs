use crate::helpers::{problem, spawn_app_at, spawn_app_full, TestApp};
use crate::tickets::{at, fixture, register, Fixture, FRIDAY_1650};
use chrono::Duration;
use fieldline::clock::Clock;
use fieldline_mobile_api::{
    AuditEvent, Channel, JobRun, Page, Priority, Revisit, RevisitFile, RevisitKind, RevisitProgress, RevisitStatus,
    Role, Ticket, TicketEvent, TicketStatus,
};
use serde_json::{json, Value};

async fn run_job(app: &TestApp) -> JobRun {
    app.ok(
        app.post("/api/v1/jobs/revisit_generation/run", &app.admin, &json!({}))
            .await,
        200,
    )
    .await
}

/// A customer with a site, and an asset at it accepted on `accepted` (or not accepted).
async fn accepted_asset(app: &TestApp, accepted: Option<&str>) -> (i64, i64) {
    let (customer, site) = app.customer_with_site(30.25, 120.15).await;
    let asset = asset_at(app, site, accepted).await;
    (customer, asset)
}

async fn asset_at(app: &TestApp, site: i64, accepted: Option<&str>) -> i64 {
    let serial = format!("CH-{}", uuid::Uuid::new_v4().simple());
    let a: Value = app
        .ok(
            app.post(
                "/api/v1/assets",
                &app.admin,
                &json!({"site_id": site, "model": "Carrier 30XA chiller", "serial_number": serial,
                        "purchase_date": "2025-01-10", "acceptance_date": accepted}),
            )
            .await,
            201,
        )
        .await;
    a["id"].as_i64().unwrap()
}

async fn files(app: &TestApp, query: &str) -> Page<RevisitFile> {
    app.ok(
        app.get(&format!("/api/v1/revisit-files?{query}"), &app.admin).await,
        200,
    )
    .await
}

async fn revisits(app: &TestApp, token: &str, query: &str) -> Page<Revisit> {
    app.ok(app.get(&format!("/api/v1/revisits?{query}"), token).await, 200)
        .await
}

pub async fn outcome(app: &TestApp, token: &str, id: i64, body: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/revisits/{id}/outcome"), token, &body).await
}

pub async fn ok_outcome(app: &TestApp, token: &str, id: i64, body: Value) -> Revisit {
    app.ok(outcome(app, token, id, body).await, 200).await
}

/// Resolves a ticket and records the customer's satisfied acceptance, which closes it.
pub async fn close(app: &TestApp, f: &Fixture, t: &Ticket) -> Ticket {
    let _: Ticket = app
        .ok(
            app.post(&format!("/api/v1/tickets/{}/resolve", t.id), &f.token, &json!({}))
                .await,
            200,
        )
        .await;
    app.ok(
        app.post(
            &format!("/api/v1/tickets/{}/acceptance", t.id),
            &f.token,
            &json!({"accepted_by": "Wang Fang", "satisfied": true}),
        )
        .await,
        200,
    )
    .await
}

/// A closed ticket's satisfaction revisit.
pub async fn satisfaction_of(app: &TestApp, t: &Ticket) -> Revisit {
    let all = revisits(app, &app.admin, "kind=satisfaction&limit=200").await;
    all.items
        .into_iter()
        .find(|r| r.ticket_id == Some(t.id))
        .expect("a satisfaction revisit for the ticket")
}

#[tokio::test]
async fn files_are_opened_for_accepted_assets_and_follow_them() {
    // Tuesday 2026-01-20, 10:00 in Shanghai.
    let app = spawn_app_at("2026-01-20T02:00:00Z").await;
    let (customer, accepted) = accepted_asset(&app, Some("2026-01-15")).await;
    assert_eq!(files(&app, "").await.total, 0, "nothing before the job runs");
    let (_, never) = accepted_asset(&app, None).await;
    let (_, later) = accepted_asset(&app, Some("2026-02-10")).await;
    let (_, old) = accepted_asset(&app, Some("2025-06-10")).await;

    let run = run_job(&app).await;
    assert!(run.ran);
    assert_eq!(run.actions, 2, "two files: the accepted assets");
    let page = files(&app, "").await;
    assert_eq!(page.total, 2);
    let file = &page.items[0];
    assert_eq!((file.asset_id.0, file.customer_id.0), (accepted, customer));
    assert_eq!(file.accepted_on.to_string(), "2026-01-15");
    assert_eq!((file.first_year_months, file.later_months), (1, 3));
    assert_eq!(file.next_due.unwrap().to_string(), "2026-02-15");
    assert!(file.active);
    let old_file = &files(&app, &format!("asset_id={old}")).await.items[0];
    assert_eq!(
        old_file.next_due.unwrap().to_string(),
        "2026-02-10",
        "an older project starts at its next date, without a backlog"
    );
    assert_eq!(files(&app, &format!("asset_id={never}")).await.total, 0);
    assert_eq!(
        files(&app, &format!("asset_id={later}")).await.total,
        0,
        "not accepted yet"
    );

    // Running again changes nothing.
    let again = run_job(&app).await;
    assert_eq!(again.actions, 0);
    assert_eq!(files(&app, "").await.total, 2);

    // The acceptance date is corrected: the file starts again from it.
    let r = app
        .patch(
            &format!("/api/v1/assets/{accepted}"),
            &app.admin,
            &json!({"acceptance_date": "2026-01-05"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    // Moved into the future: the file rests until then.
    let r = app
        .patch(
            &format!("/api/v1/assets/{old}"),
            &app.admin,
            &json!({"acceptance_date": "2026-03-01"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(run_job(&app).await.actions, 2);
    let file = &files(&app, &format!("asset_id={accepted}")).await.items[0];
    assert_eq!(file.accepted_on.to_string(), "2026-01-05");
    assert_eq!(file.next_due.unwrap().to_string(), "2026-02-05");
    let resting = &files(&app, "active=false").await.items;
    assert_eq!(resting.len(), 1);
    assert_eq!(resting[0].asset_id.0, old);
    assert_eq!(resting[0].next_due, None);
    let one: RevisitFile = app
        .ok(
            app.get(&format!("/api/v1/revisit-files/{}", file.id), &app.admin).await,
            200,
        )
        .await;
    assert_eq!(&one, file);
    assert_eq!(run_job(&app).await.actions, 0);

    let trail: Page<AuditEvent> = app
        .ok(app.get("/api/v1/audit?entity=revisit_file", &app.admin).await, 200)
        .await;
    let actions: Vec<&str> = trail.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["sync", "sync", "create", "create"]);
    assert!(
        trail.items.iter().all(|e| e.actor_id.is_none()),
        "the service's own writes"
    );
}

#[tokio::test]
async fn the_job_creates_monthly_then_quarterly_revisits_and_nothing_twice() {
    // Accepted on Jan 31: the month ends clamp (Feb 28, Apr 30, ...).
    let app = spawn_app_at("2026-01-31T02:00:00Z").await;
    let (_, asset) = accepted_asset(&app, Some("2026-01-31")).await;
    let agent = app.token(Role::Agent).await;
    assert_eq!(
        run_job(&app).await.actions,
        1,
        "the file only: Feb 28 is beyond the horizon"
    );
    assert_eq!(revisits(&app, &agent, "").await.total, 0);

    let mut created = Vec::new();
    // A weekly run for a year and a half, each revisit done in the week it appears.
    for week in 1..=78 {
        app.clock.advance(Duration::days(7));
        let run = run_job(&app).await;
        if week == 30 {
            assert_eq!(run_job(&app).await.actions, 0, "a second run creates nothing");
        }
        let due = revisits(&app, &agent, "status=due").await;
        assert!(due.total <= 1, "week {week}: {due:?}");
        for r in due.items {
            assert_eq!(r.kind, RevisitKind::Periodic);
            assert_eq!(r.asset_id.map(|a| a.0), Some(asset));
            assert_eq!(run.actions, 1, "week {week}");
            created.push(r.due_on.to_string());
            ok_outcome(&app, &agent, r.id.0, json!({"reached": true, "score": 5})).await;
        }
    }
    assert_eq!(
        created,
        [
            "2026-02-28",
            "2026-03-31",
            "2026-04-30",
            "2026-05-31",
            "2026-06-30",
            "2026-07-31",
            "2026-08-31",
            "2026-09-30",
            "2026-10-31",
            "2026-11-30",
            "2026-12-31",
            "2027-01-31",
            "2027-04-30",
            "2027-07-31",
        ],
        "monthly up to the first anniversary, then quarterly"
    );
    let all = revisits(&app, &agent, "kind=periodic&limit=200").await;
    assert_eq!(all.total, 14, "nothing created twice");
    assert!(all.items.iter().all(|r| r.status == RevisitStatus::Done));
    let file = &files(&app, &format!("asset_id={asset}")).await.items[0];
    assert_eq!(file.next_due.unwrap().to_string(), "2027-10-31");
}

#[tokio::test]
async fn two_runs_at_once_create_nothing_twice() {
    // Accepted a month ago less three days: the first revisit is due within the horizon.
    let app = spawn_app_at("2026-03-01T02:00:00Z").await;
    let (_, site) = app.customer_with_site(30.25, 120.15).await;
    for _ in 0..5 {
        asset_at(&app, site, Some("2026-02-04")).await;
    }
    let (a, b) = tokio::join!(run_job(&app), run_job(&app));
    assert!(a.ran && b.ran);
    assert_eq!(a.actions + b.actions, 10, "five files and five revisits, once each");
    assert_eq!(files(&app, "").await.total, 5);
    let due = revisits(&app, &app.admin, "").await;
    assert_eq!(due.total, 5);
    assert!(due.items.iter().all(|r| r.due_on.to_string() == "2026-03-04"));
    assert_eq!(run_job(&app).await.actions, 0);
}

#[tokio::test]
async fn after_a_gap_only_one_revisit_is_created_and_the_open_one_is_missed() {
    let app = spawn_app_at("2026-02-23T02:00:00Z").await;
    let (_, _asset) = accepted_asset(&app, Some("2026-01-31")).await;
    let agent = app.token(Role::Agent).await;
    assert_eq!(run_job(&app).await.actions, 2, "the file and the Feb 28 revisit");
    let first = &revisits(&app, &agent, "status=due").await.items[0];
    assert_eq!(first.due_on.to_string(), "2026-02-28");
    assert!(!first.overdue);

    // Nobody ran the job (or called) from late February to mid-May.
    app.clock.set(at("2026-05-15T02:00:00Z"));
    assert!(
        revisits(&app, &agent, "status=due").await.items[0].overdue,
        "Feb 28 has passed"
    );
    let run = run_job(&app).await;
    assert_eq!(run.actions, 2, "one revisit created, the open one missed");
    let due = revisits(&app, &agent, "status=due").await;
    assert_eq!(due.total, 1, "Mar 31 skipped; Apr 30, the latest in reach, is due");
    assert_eq!(due.items[0].due_on.to_string(), "2026-04-30");
    assert!(due.items[0].overdue);
    let missed = revisits(&app, &agent, "status=missed").await;
    assert_eq!(missed.total, 1);
    assert_eq!(missed.items[0].id, first.id);
    let p = problem(
        outcome(&app, &agent, first.id.0, json!({"reached": true, "score": 4})).await,
        409,
        "invalid_transition",
    )
    .await;
    assert!(p.detail.contains("missed"), "{}", p.detail);
    assert_eq!(run_job(&app).await.actions, 0);
    let file = &files(&app, "").await.items[0];
    assert_eq!(file.next_due.unwrap().to_string(), "2026-05-31");
}

#[tokio::test]
async fn a_closed_ticket_gets_a_satisfaction_revisit() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "gold").await;
    // Not satisfied: the ticket reopens, no revisit yet.
    let t = register(&app, &f, "p3", "phone").await;
    let _: Ticket = app
        .ok(
            app.post(&format!("/api/v1/tickets/{}/resolve", t.id), &f.token, &json!({}))
                .await,
            200,
        )
        .await;
    let reopened: Ticket = app
        .ok(
            app.post(
                &format!("/api/v1/tickets/{}/acceptance", t.id),
                &f.token,
                &json!({"accepted_by": "Wang Fang", "satisfied": false, "comment": "still beeps"}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(reopened.status, TicketStatus::Reopened);
    assert_eq!(revisits(&app, &f.token, "").await.total, 0);

    let closed = close(&app, &f, &t).await;
    assert_eq!(closed.status, TicketStatus::Closed);
    let r = satisfaction_of(&app, &t).await;
    assert_eq!(r.kind, RevisitKind::Satisfaction);
    assert_eq!(r.status, RevisitStatus::Due);
    assert_eq!(
        r.due_on.to_string(),
        "2026-11-23",
        "three days after Friday's acceptance"
    );
    assert_eq!(r.ticket_number.as_deref(), Some(t.number.as_str()));
    assert_eq!(r.customer_id.0, f.customer);
    assert_eq!(r.customer_name, "Hangzhou Metro");
    assert_eq!(r.asset_id.map(|a| a.0), Some(f.asset));
    assert_eq!(r.site_id.map(|s| s.0), Some(f.site));
    assert_eq!(r.file_id, None);
    let events: Vec<TicketEvent> = app
        .ok(
            app.get(&format!("/api/v1/tickets/{}/timeline", t.id), &app.admin).await,
            200,
        )
        .await;
    let scheduled = events
        .iter()
        .find(|e| e.kind == "satisfaction_revisit_scheduled")
        .expect("the revisit is on the timeline");
    assert_eq!(scheduled.to.as_deref(), Some("2026-11-23"));
    let one: Revisit = app
        .ok(app.get(&format!("/api/v1/revisits/{}", r.id), &f.token).await, 200)
        .await;
    assert_eq!(one, r);
    problem(app.get("/api/v1/revisits/999999", &f.token).await, 404, "not_found").await;
}

#[tokio::test]
async fn the_queue_lists_overdue_and_due_revisits_first() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let agent = &f.token;
    let t1 = register(&app, &f, "p3", "phone").await;
    close(&app, &f, &t1).await; // due Mon 2026-11-23
    app.clock.advance(Duration::days(1));
    let t2 = register(&app, &f, "p3", "phone").await;
    close(&app, &f, &t2).await; // due Tue 2026-11-24
    app.clock.advance(Duration::days(4)); // Wednesday 2026-11-25
    let t3 = register(&app, &f, "p3", "phone").await;
    close(&app, &f, &t3).await; // due Sat 2026-11-28
    let t4 = register(&app, &f, "p3", "phone").await;
    close(&app, &f, &t4).await; // due Sat 2026-11-28
    let done = satisfaction_of(&app, &t2).await;
    ok_outcome(&app, agent, done.id.0, json!({"reached": true, "score": 4})).await;

    let page = revisits(&app, agent, "").await;
    assert_eq!(page.total, 4);
    let order: Vec<_> = page
        .items
        .iter()
        .map(|r| (r.ticket_id.unwrap(), r.status, r.overdue))
        .collect();
    assert_eq!(
        order,
        [
            (t1.id, RevisitStatus::Due, true),
            (t3.id, RevisitStatus::Due, false),
            (t4.id, RevisitStatus::Due, false),
            (t2.id, RevisitStatus::Done, false),
        ],
        "still due first, the most overdue first, then the done ones"
    );
    let due = revisits(&app, agent, "status=due&limit=2&offset=1").await;
    assert_eq!((due.total, due.limit, due.offset), (3, 2, 1));
    let ids: Vec<_> = due.items.iter().map(|r| r.ticket_id.unwrap()).collect();
    assert_eq!(ids, [t3.id, t4.id]);
    let today = revisits(&app, agent, "status=due&due_by=2026-11-25").await;
    assert_eq!(today.total, 1);
    assert_eq!(today.items[0].ticket_id, Some(t1.id));
    for (q, field) in [
        ("status=open", "status"),
        ("limit=0", "limit"),
        ("due_by=tomorrow", "due_by"),
        ("kind=yearly", "kind"),
    ] {
        let p = problem(
            app.get(&format!("/api/v1/revisits?{q}"), agent).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p.field.as_deref(), Some(field), "{q}");
    }
}

#[tokio::test]
async fn outcomes_are_validated_and_recorded_once() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p3", "phone").await;
    close(&app, &f, &t).await;
    let r = satisfaction_of(&app, &t).await;
    let long = "x".repeat(2001);
    for (body, field) in [
        (json!({"score": 4}), "reached"),
        (json!({"reached": true}), "score"),
        (json!({"reached": true, "score": 0}), "score"),
        (json!({"reached": true, "score": 6}), "score"),
        (json!({"reached": true, "score": "good"}), "score"),
        (json!({"reached": false, "score": 3}), "score"),
        (json!({"reached": true, "score": 4, "comment": long}), "comment"),
        (json!({"reached": true, "score": 4, "mood": "fine"}), "mood"),
        (json!({"reached": "yes"}), "reached"),
    ] {
        let p = problem(
            outcome(&app, &f.token, r.id.0, body.clone()).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p.field.as_deref(), Some(field), "{body}");
    }
    let done = ok_outcome(
        &app,
        &f.token,
        r.id.0,
        json!({"reached": true, "score": 4, "comment": "  Works fine since the repair.  "}),
    )
    .await;
    assert_eq!(done.status, RevisitStatus::Done);
    assert_eq!((done.reached, done.score), (Some(true), Some(4)));
    assert_eq!(done.comment.as_deref(), Some("Works fine since the repair."));
    assert_eq!(done.done_by, Some(f.agent.id));
    assert_eq!(done.done_at, Some(at(FRIDAY_1650)));
    assert_eq!(done.opened_ticket_id, None, "a satisfied customer opens no ticket");
    let p = problem(
        outcome(&app, &f.token, r.id.0, json!({"reached": false})).await,
        409,
        "invalid_transition",
    )
    .await;
    assert!(p.detail.contains("already done"), "{}", p.detail);
    problem(
        outcome(&app, &f.token, 999_999, json!({"reached": false})).await,
        404,
        "not_found",
    )
    .await;
    let trail: Page<AuditEvent> = app
        .ok(
            app.get(&format!("/api/v1/audit?entity=revisit&entity_id={}", r.id), &app.admin)
                .await,
            200,
        )
        .await;
    let actions: Vec<&str> = trail.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["outcome", "create"]);
    assert_eq!(trail.items[0].actor_id, Some(f.agent.id));
    assert_eq!(trail.items[0].before.as_ref().unwrap()["status"], "due");
    assert_eq!(trail.items[0].after.as_ref().unwrap()["status"], "done");
}

#[tokio::test]
async fn an_unsatisfied_outcome_opens_a_linked_ticket() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "gold").await;
    let mut revisits_of = Vec::new();
    for _ in 0..4 {
        let t = register(&app, &f, "p2", "phone").await;
        close(&app, &f, &t).await;
        revisits_of.push((t.clone(), satisfaction_of(&app, &t).await));
    }
    let (original, low) = &revisits_of[0];
    let done = ok_outcome(
        &app,
        &f.token,
        low.id.0,
        json!({"reached": true, "score": 2, "comment": "The alarm came back on Sunday."}),
    )
    .await;
    let opened = done.opened_ticket_id.expect("a ticket for a score of 2");
    let t: Ticket = app
        .ok(app.get(&format!("/api/v1/tickets/{opened}"), &app.admin).await, 200)
        .await;
    assert_eq!(t.channel, Channel::Revisit);
    assert_eq!(t.priority, Priority::P3);
    assert_eq!(t.status, TicketStatus::New);
    assert_eq!(t.customer_id.0, f.customer);
    assert_eq!(t.asset_id.map(|a| a.0), Some(f.asset));
    assert_eq!(
        t.contact_id.map(|c| c.0),
        Some(f.contact),
        "the original ticket's contact"
    );
    assert_eq!(
        t.owner_id, f.agent.id,
        "whoever recorded the outcome is its first responder"
    );
    assert_eq!(t.title, "Revisit: customer dissatisfied (score 2 of 5)");
    assert!(t.description.contains(&original.number), "{}", t.description);
    assert!(t.description.ends_with("The alarm came back on Sunday."));
    let events: Vec<TicketEvent> = app
        .ok(
            app.get(&format!("/api/v1/tickets/{opened}/timeline"), &app.admin).await,
            200,
        )
        .await;
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["registered", "opened_from_revisit"]);
    assert_eq!(events[1].data.as_ref().unwrap()["revisit_id"], low.id.0);

    // A good score with a follow-up asked for opens one too; not reached with a follow-up as well.
    let follow = ok_outcome(
        &app,
        &f.token,
        revisits_of[1].1.id.0,
        json!({"reached": true, "score": 4, "follow_up_needed": true, "comment": "Wants a training session"}),
    )
    .await;
    assert!(follow.follow_up_needed);
    assert!(follow.opened_ticket_id.is_some());
    let unreached = ok_outcome(
        &app,
        &f.token,
        revisits_of[2].1.id.0,
        json!({"reached": false, "follow_up_needed": true}),
    )
    .await;
    assert_eq!(unreached.reached, Some(false));
    let t: Ticket = app
        .ok(
            app.get(
                &format!("/api/v1/tickets/{}", unreached.opened_ticket_id.unwrap()),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    assert_eq!(t.title, "Revisit: customer not reached, follow-up needed");
    // A middling score without a follow-up opens none.
    let fine = ok_outcome(
        &app,
        &f.token,
        revisits_of[3].1.id.0,
        json!({"reached": true, "score": 3}),
    )
    .await;
    assert_eq!(fine.opened_ticket_id, None);
    let from_revisits: Page<Ticket> = app
        .ok(
            app.get(
                &format!("/api/v1/tickets?customer_id={}&limit=200", f.customer),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    assert_eq!(
        from_revisits
            .items
            .iter()
            .filter(|t| t.channel == Channel::Revisit)
            .count(),
        3
    );

    // The revisit channel is only for tickets opened this way.
    let p = problem(
        app.post(
            "/api/v1/tickets",
            &f.token,
            &json!({"customer_id": f.customer, "channel": "revisit", "priority": "p3", "title": "T", "description": "D"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("channel"));
}

#[tokio::test]
async fn progress_counts_each_agents_week_against_the_target() {
    let clock = Clock::fake(at(FRIDAY_1650));
    let app = spawn_app_full(|s| s.revisits.weekly_target = 2, clock).await;
    let f = fixture(&app, "standard").await;
    let (other, other_token) = app.user(Role::Agent).await;
    let (_idle, _) = app.user(Role::Agent).await;
    let mut rs = Vec::new();
    for _ in 0..4 {
        let t = register(&app, &f, "p3", "phone").await;
        close(&app, &f, &t).await;
        rs.push(satisfaction_of(&app, &t).await);
    }
    // Friday (week 47): the fixture's agent does two, one of them unsatisfied.
    ok_outcome(&app, &f.token, rs[0].id.0, json!({"reached": true, "score": 5})).await;
    ok_outcome(&app, &f.token, rs[1].id.0, json!({"reached": true, "score": 1})).await;
    // The other agent takes one and works it on Monday (week 48).
    let taken: Revisit = app
        .ok(
            app.post(
                &format!("/api/v1/revisits/{}/assign", rs[2].id),
                &other_token,
                &json!({"agent_id": other.id}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(taken.assigned_to, Some(other.id));
    let (supervisor, sup) = app.user(Role::Supervisor).await;
    let _: Revisit = app
        .ok(
            app.post(
                &format!("/api/v1/revisits/{}/assign", rs[3].id),
                &sup,
                &json!({"agent_id": other.id}),
            )
            .await,
            200,
        )
        .await;
    let mine = revisits(&app, &other_token, &format!("agent_id={}", other.id)).await;
    assert_eq!(mine.total, 2);

    let week47: RevisitProgress = app.ok(app.get("/api/v1/revisits/progress", &sup).await, 200).await;
    assert_eq!(week47.week, "2026-W47");
    assert_eq!(week47.starts_on.to_string(), "2026-11-16");
    assert_eq!(week47.ends_on.to_string(), "2026-11-22");
    assert_eq!(week47.target, 2);
    let row = |p: &RevisitProgress, id| p.agents.iter().find(|a| a.agent_id == id).cloned().unwrap();
    let a = row(&week47, f.agent.id);
    assert_eq!((a.done, a.reached, a.tickets_opened), (2, 2, 1));
    assert_eq!((a.target, a.remaining, a.target_met), (2, 0, true));
    assert_eq!(week47.agents[0].agent_id, f.agent.id, "most done first");
    let b = row(&week47, other.id);
    assert_eq!((b.done, b.remaining, b.target_met, b.assigned_due), (0, 2, false, 2));
    assert!(
        week47.agents.iter().all(|a| a.agent_id != supervisor.id),
        "only agents, and whoever did revisits that week"
    );

    app.clock.set(at("2026-11-23T02:00:00Z")); // Monday 10:00 local
    ok_outcome(&app, &other_token, rs[2].id.0, json!({"reached": false})).await;
    ok_outcome(&app, &sup, rs[3].id.0, json!({"reached": true, "score": 4})).await;
    let week48: RevisitProgress = app.ok(app.get("/api/v1/revisits/progress", &sup).await, 200).await;
    assert_eq!(week48.week, "2026-W48");
    let b = row(&week48, other.id);
    assert_eq!((b.done, b.reached, b.remaining, b.assigned_due), (1, 0, 1, 0));
    assert_eq!(row(&week48, f.agent.id).done, 0);
    assert_eq!(
        row(&week48, supervisor.id).done,
        1,
        "a supervisor who made a call is listed"
    );
    // An earlier week by name.
    let again: RevisitProgress = app
        .ok(app.get("/api/v1/revisits/progress?week=2026-W47", &sup).await, 200)
        .await;
    assert_eq!(row(&again, f.agent.id).done, 2);
    let manager = app.token(Role::Manager).await;
    let r = app.get("/api/v1/revisits/progress?week=2026-w48", &manager).await;
    assert_eq!(r.status(), 200);
    let p = problem(
        app.get("/api/v1/revisits/progress?week=2026-48", &sup).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("week"));
    // An agent reads their own line only; a technician nothing.
    let own: RevisitProgress = app.ok(app.get("/api/v1/revisits/progress", &f.token).await, 200).await;
    assert_eq!(
        own.agents.iter().map(|a| a.agent_id).collect::<Vec<_>>(),
        [f.agent.id],
        "an agent sees their own week"
    );
    assert_eq!(own.target, 2);
    let tech = app.token(Role::Technician).await;
    problem(app.get("/api/v1/revisits/progress", &tech).await, 403, "forbidden").await;
}

#[tokio::test]
async fn technicians_cannot_work_the_queue_and_agents_only_their_own() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let t = register(&app, &f, "p3", "phone").await;
    close(&app, &f, &t).await;
    let r = satisfaction_of(&app, &t).await;
    let path = |step: &str| format!("/api/v1/revisits/{}/{step}", r.id);
    let tech = app.token(Role::Technician).await;
    problem(app.get("/api/v1/revisits", &tech).await, 403, "forbidden").await;
    problem(
        app.get(&format!("/api/v1/revisits/{}", r.id), &tech).await,
        403,
        "forbidden",
    )
    .await;
    problem(app.get("/api/v1/revisit-files", &tech).await, 403, "forbidden").await;
    problem(
        app.post(&path("outcome"), &tech, &json!({"reached": false})).await,
        403,
        "forbidden",
    )
    .await;
    problem(
        app.post(&path("assign"), &tech, &json!({"agent_id": null})).await,
        403,
        "forbidden",
    )
    .await;
    // Dispatchers read the queue but do not make the calls.
    let dispatcher = app.token(Role::Dispatcher).await;
    assert_eq!(revisits(&app, &dispatcher, "").await.total, 1);
    problem(
        app.post(&path("outcome"), &dispatcher, &json!({"reached": false}))
            .await,
        403,
        "forbidden",
    )
    .await;
    // Only an admin runs the job by hand.
    let sup = app.token(Role::Supervisor).await;
    problem(
        app.post("/api/v1/jobs/revisit_generation/run", &sup, &json!({})).await,
        403,
        "forbidden",
    )
    .await;

    // A supervisor assigns; another agent can then neither take nor work it.
    let (other, other_token) = app.user(Role::Agent).await;
    let (tech_user, _) = app.user(Role::Technician).await;
    let p = problem(
        app.post(&path("assign"), &sup, &json!({"agent_id": tech_user.id}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("agent_id"));
    let p = problem(
        app.post(&path("assign"), &sup, &json!({"agent_id": 999_999})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("agent_id"));
    let assigned: Revisit = app
        .ok(
            app.post(&path("assign"), &sup, &json!({"agent_id": f.agent.id})).await,
            200,
        )
        .await;
    assert_eq!(assigned.assigned_to, Some(f.agent.id));
    problem(
        app.post(&path("assign"), &other_token, &json!({"agent_id": other.id}))
            .await,
        403,
        "forbidden",
    )
    .await;
    problem(
        app.post(&path("outcome"), &other_token, &json!({"reached": false}))
            .await,
        403,
        "forbidden",
    )
    .await;
    // An agent gives theirs back; then anyone may take it, but only for themself.
    let back: Revisit = app
        .ok(
            app.post(&path("assign"), &f.token, &json!({"agent_id": null})).await,
            200,
        )
        .await;
    assert_eq!(back.assigned_to, None);
    problem(
        app.post(&path("assign"), &other_token, &json!({"agent_id": f.agent.id}))
            .await,
        403,
        "forbidden",
    )
    .await;
    let done = ok_outcome(&app, &other_token, r.id.0, json!({"reached": true, "score": 5})).await;
    assert_eq!(done.done_by, Some(other.id));
    problem(
        app.post(&path("assign"), &sup, &json!({"agent_id": null})).await,
        409,
        "invalid_transition",
    )
    .await;
}
