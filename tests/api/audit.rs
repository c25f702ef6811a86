use crate::helpers::{problem, spawn_app};
use fieldline_mobile_api::{AuditEvent, Page, Role};
use serde_json::json;

#[tokio::test]
async fn every_write_leaves_an_audit_event_with_before_and_after() {
    let app = spawn_app().await;
    let (agent, token) = app.user(Role::Agent).await;
    let c: serde_json::Value = app
        .ok(
            app.post(
                "/api/v1/customers",
                &token,
                &json!({"name": "Acme", "tier": "standard"}),
            )
            .await,
            201,
        )
        .await;
    let id = c["id"].as_i64().unwrap();
    app.ok::<serde_json::Value>(
        app.patch(&format!("/api/v1/customers/{id}"), &token, &json!({"tier": "gold"}))
            .await,
        200,
    )
    .await;
    let trail: Page<AuditEvent> = app
        .ok(
            app.get(&format!("/api/v1/audit?entity=customer&entity_id={id}"), &app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(trail.total, 2);
    let (update, create) = (&trail.items[0], &trail.items[1]);
    assert_eq!(create.action, "create");
    assert_eq!(create.actor_id, Some(agent.id));
    assert!(create.before.is_none());
    assert_eq!(create.after.as_ref().unwrap()["tier"], "standard");
    assert_eq!(update.action, "update");
    assert_eq!(update.before.as_ref().unwrap()["tier"], "standard");
    assert_eq!(update.after.as_ref().unwrap()["tier"], "gold");
    // User changes are audited without the password hash.
    let users: Page<AuditEvent> = app
        .ok(
            app.get(&format!("/api/v1/audit?entity=user&entity_id={}", agent.id), &app.admin)
                .await,
            200,
        )
        .await;
    let text = serde_json::to_string(&users).unwrap();
    assert!(!text.contains("argon2"), "no password hashes in the trail");
    assert!(users.items.iter().any(|e| e.action == "create"));
    assert!(users.items.iter().any(|e| e.action == "login"));
    let by_actor: Page<AuditEvent> = app
        .ok(
            app.get(&format!("/api/v1/audit?actor_id={}", agent.id), &app.admin)
                .await,
            200,
        )
        .await;
    assert!(by_actor.total >= 3);
}

#[tokio::test]
async fn a_refused_write_leaves_nothing_behind() {
    let app = spawn_app().await;
    let (_, sid) = app.customer_with_site(30.25, 120.15).await;
    let asset = json!({"site_id": sid, "model": "UPS", "serial_number": "SN-1"});
    assert_eq!(app.post("/api/v1/assets", &app.admin, &asset).await.status(), 201);
    problem(app.post("/api/v1/assets", &app.admin, &asset).await, 409, "duplicate").await;
    let trail: Page<AuditEvent> = app
        .ok(app.get("/api/v1/audit?entity=asset", &app.admin).await, 200)
        .await;
    assert_eq!(trail.total, 1);
    let assets: serde_json::Value = app.ok(app.get("/api/v1/assets", &app.admin).await, 200).await;
    assert_eq!(assets["total"], 1);
}

#[tokio::test]
async fn only_admins_read_the_trail() {
    let app = spawn_app().await;
    for role in [Role::Supervisor, Role::Manager, Role::Agent] {
        let t = app.token(role).await;
        problem(app.get("/api/v1/audit?entity=customer", &t).await, 403, "forbidden").await;
    }
}
