//! Who leads whom: teams with a lead, each user's team, supervisor, level and grants, and the SLA
//! alert's second step going to the owner's own supervisor.

use crate::helpers::{problem, spawn_app, spawn_app_at, TestApp};
use crate::tickets::{fixture, register, FRIDAY_1650};
use chrono::Duration;
use fieldline_mobile_api::{JobRun, Notification, Page, Role, StaffGrant, Team, TeamKind, User};
use serde_json::{json, Value};

async fn team(app: &TestApp, body: Value) -> reqwest::Response {
    app.post("/api/v1/teams", &app.admin, &body).await
}

async fn organise(app: &TestApp, user: i64, body: Value) -> reqwest::Response {
    app.put(&format!("/api/v1/users/{user}/organisation"), &app.admin, &body)
        .await
}

#[tokio::test]
async fn teams_have_a_lead_and_count_their_members() {
    let app = spawn_app().await;
    let (lead, _) = app.user(Role::Supervisor).await;
    let (agent, agent_token) = app.user(Role::Agent).await;
    let (tech, _) = app.user(Role::Technician).await;
    let t: Team = app
        .ok(
            team(
                &app,
                json!({"name": "Morning shift", "kind": "hotline_shift", "lead_id": lead.id}),
            )
            .await,
            201,
        )
        .await;
    assert_eq!(
        (t.kind, t.lead_id, t.lead_name.as_deref()),
        (TeamKind::HotlineShift, Some(lead.id), Some(lead.display_name.as_str()))
    );
    assert!(t.active);
    assert_eq!(t.members, 0);

    // Names are unique; a technician does not lead a hotline shift (but may lead a field team).
    problem(
        team(&app, json!({"name": "Morning shift", "kind": "remote"})).await,
        409,
        "duplicate",
    )
    .await;
    let p = problem(
        team(
            &app,
            json!({"name": "Night shift", "kind": "hotline_shift", "lead_id": tech.id}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("lead_id"));
    let p = problem(
        team(
            &app,
            json!({"name": "North", "kind": "field_region", "lead_id": 999_999}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("lead_id"));
    app.ok::<Team>(
        team(
            &app,
            json!({"name": "North", "kind": "field_region", "lead_id": tech.id}),
        )
        .await,
        201,
    )
    .await;

    // Members: the agent joins the shift.
    let u: User = app
        .ok(
            organise(&app, agent.id.0, json!({"team_id": t.id, "level": 2})).await,
            200,
        )
        .await;
    assert_eq!((u.team_id, u.level), (Some(t.id), 2));
    let all: Vec<Team> = app.ok(app.get("/api/v1/teams", &agent_token).await, 200).await;
    let morning = all.iter().find(|x| x.id == t.id).unwrap();
    assert_eq!(morning.members, 1);
    assert_eq!(all.len(), 2);

    // Only an admin changes teams; replacing one renames it and removes its lead.
    problem(
        app.post("/api/v1/teams", &agent_token, &json!({"name": "X", "kind": "remote"}))
            .await,
        403,
        "forbidden",
    )
    .await;
    let r: Team = app
        .ok(
            app.put(
                &format!("/api/v1/teams/{}", t.id),
                &app.admin,
                &json!({"name": "Early shift", "kind": "hotline_shift", "lead_id": null}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!((r.name.as_str(), r.lead_id), ("Early shift", None));
    problem(
        app.put(
            "/api/v1/teams/999999",
            &app.admin,
            &json!({"name": "Y", "kind": "remote"}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    // A team made inactive takes no new members.
    app.ok::<Team>(
        app.put(
            &format!("/api/v1/teams/{}", t.id),
            &app.admin,
            &json!({"name": "Early shift", "kind": "hotline_shift", "active": false}),
        )
        .await,
        200,
    )
    .await;
    let p = problem(
        organise(&app, tech.id.0, json!({"team_id": t.id})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("team_id"));
}

#[tokio::test]
async fn supervisors_never_loop_levels_are_bounded_and_grants_take_effect_at_once() {
    let app = spawn_app().await;
    let (head, _) = app.user(Role::Manager).await;
    let (sup, _) = app.user(Role::Supervisor).await;
    let (agent, agent_token) = app.user(Role::Agent).await;
    app.ok::<User>(organise(&app, sup.id.0, json!({"supervisor_id": head.id})).await, 200)
        .await;
    app.ok::<User>(organise(&app, agent.id.0, json!({"supervisor_id": sup.id})).await, 200)
        .await;
    // The manager cannot report to the agent (agent -> supervisor -> manager), nor to themself.
    for (user, to) in [(head.id.0, agent.id), (head.id.0, head.id)] {
        let p = problem(
            organise(&app, user, json!({"supervisor_id": to})).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p.field.as_deref(), Some("supervisor_id"));
    }
    for level in [0, 6] {
        let p = problem(
            organise(&app, agent.id.0, json!({"level": level})).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p.field.as_deref(), Some("level"));
    }
    // Grants: once each, in order, and seen by the user's next request.
    let u: User = app
        .ok(
            organise(
                &app,
                agent.id.0,
                json!({"supervisor_id": sup.id, "grants": ["editor", "reviewer", "editor"]}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(u.grants, vec![StaffGrant::Reviewer, StaffGrant::Editor]);
    let me: User = app.ok(app.get("/api/v1/me", &agent_token).await, 200).await;
    assert_eq!((me.supervisor_id, me.grants.len()), (Some(sup.id), 2));
    // Only an admin sets it; the change is in the audit trail.
    problem(
        app.put(
            &format!("/api/v1/users/{}/organisation", agent.id),
            &agent_token,
            &json!({"grants": []}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let audit: Value = app
        .ok(
            app.get(&format!("/api/v1/audit?entity=user&entity_id={}", agent.id), &app.admin)
                .await,
            200,
        )
        .await;
    assert!(audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "set_organisation"));
}

async fn run_scan(app: &TestApp) -> JobRun {
    app.ok(app.post("/api/v1/jobs/sla_scan/run", &app.admin, &json!({})).await, 200)
        .await
}

async fn unread(app: &TestApp, token: &str) -> Vec<Notification> {
    let p: Page<Notification> = app
        .ok(app.get("/api/v1/notifications?unread=true", token).await, 200)
        .await;
    p.items
}

#[tokio::test]
async fn the_second_sla_alert_goes_to_the_owners_own_supervisor_when_one_is_set() {
    let app = spawn_app_at(FRIDAY_1650).await;
    let f = fixture(&app, "standard").await;
    let (own, own_token) = app.user(Role::Supervisor).await;
    let (_, other_token) = app.user(Role::Supervisor).await;
    app.ok::<User>(
        organise(&app, f.agent.id.0, json!({"supervisor_id": own.id})).await,
        200,
    )
    .await;
    let t = register(&app, &f, "p1", "phone").await; // 1 h response
    app.clock.advance(Duration::minutes(61));
    run_scan(&app).await;
    app.clock.advance(Duration::minutes(60));
    assert_eq!(run_scan(&app).await.actions, 1);
    let mine = unread(&app, &own_token).await;
    assert_eq!(mine.len(), 1, "the owner's supervisor is alerted");
    assert_eq!(mine[0].kind, "sla_alert");
    assert!(
        mine[0].message.contains("the owner's supervisor"),
        "{}",
        mine[0].message
    );
    assert!(unread(&app, &other_token).await.is_empty(), "not every supervisor");

    // Without a supervisor set (or with one disabled), every supervisor is alerted, as before.
    app.ok::<User>(
        app.patch(
            &format!("/api/v1/users/{}", own.id),
            &app.admin,
            &json!({"active": false}),
        )
        .await,
        200,
    )
    .await;
    let g = fixture(&app, "standard").await;
    let u = register(&app, &g, "p1", "phone").await;
    assert_ne!(u.id, t.id);
    app.clock.advance(Duration::minutes(61));
    run_scan(&app).await;
    app.clock.advance(Duration::minutes(60));
    run_scan(&app).await;
    let others = unread(&app, &other_token).await;
    assert!(
        others.iter().any(|n| n.ticket_id == Some(u.id)),
        "every supervisor when none is set"
    );
}
