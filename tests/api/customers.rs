use crate::helpers::{problem, spawn_app, spawn_app_at};
use fieldline_mobile_api::{Customer, FaultReport, Page, Role};
use serde_json::{json, Value};

#[tokio::test]
async fn customers_are_created_listed_filtered_and_paged() {
    let app = spawn_app().await;
    let (am, _) = app.user(Role::AccountManager).await;
    let names = [
        ("Zhejiang Grid", "platinum"),
        ("West Lake Hospital", "diamond"),
        ("Qiantang Bank", "gold"),
        ("Binjiang School", "silver"),
        ("Corner Shop", "standard"),
        ("Grid Services", "gold"),
    ];
    for (name, tier) in names {
        let r = app
            .post(
                "/api/v1/customers",
                &app.admin,
                &json!({"name": name, "tier": tier, "account_manager_id": am.id}),
            )
            .await;
        let c: Customer = app.ok(r, 201).await;
        assert_eq!(c.name, name);
        assert_eq!(c.account_manager_id, Some(am.id));
    }
    let all: Page<Customer> = app.ok(app.get("/api/v1/customers", &app.admin).await, 200).await;
    assert_eq!(all.total, 6);
    let sorted: Vec<_> = all.items.iter().map(|c| c.name.clone()).collect();
    let mut expected = sorted.clone();
    expected.sort();
    assert_eq!(sorted, expected, "sorted by name");
    let gold: Page<Customer> = app
        .ok(app.get("/api/v1/customers?tier=gold", &app.admin).await, 200)
        .await;
    assert_eq!(gold.total, 2);
    let grid: Page<Customer> = app.ok(app.get("/api/v1/customers?q=GRID", &app.admin).await, 200).await;
    assert_eq!(grid.total, 2, "name search ignores case");
    let none: Page<Customer> = app.ok(app.get("/api/v1/customers?q=%25", &app.admin).await, 200).await;
    assert_eq!(none.total, 0, "% is taken literally");
    let page: Page<Customer> = app
        .ok(app.get("/api/v1/customers?limit=2&offset=2", &app.admin).await, 200)
        .await;
    assert_eq!((page.total, page.items.len(), page.limit, page.offset), (6, 2, 2, 2));
    assert_eq!(page.items[0].name, expected[2]);
    let by_am: Page<Customer> = app
        .ok(
            app.get(&format!("/api/v1/customers?account_manager_id={}", am.id), &app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(by_am.total, 6);
}

#[tokio::test]
async fn the_account_manager_must_be_an_account_manager() {
    let app = spawn_app().await;
    let (agent, _) = app.user(Role::Agent).await;
    let r = app
        .post(
            "/api/v1/customers",
            &app.admin,
            &json!({"name": "A", "tier": "gold", "account_manager_id": agent.id}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("account_manager_id")
    );
    let r = app
        .post(
            "/api/v1/customers",
            &app.admin,
            &json!({"name": "A", "tier": "gold", "account_manager_id": 4242}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("account_manager_id")
    );
}

#[tokio::test]
async fn a_customer_is_updated() {
    let app = spawn_app().await;
    let agent = app.token(Role::Agent).await;
    let (am, _) = app.user(Role::AccountManager).await;
    let c: Customer = app
        .ok(
            app.post(
                "/api/v1/customers",
                &agent,
                &json!({"name": "Acme", "tier": "standard"}),
            )
            .await,
            201,
        )
        .await;
    let r = app
        .patch(&format!("/api/v1/customers/{}", c.id), &agent, &json!({"tier": "gold"}))
        .await;
    let u: Customer = app.ok(r, 200).await;
    assert_eq!(u.account_manager_id, None);
    // The account manager is given by those who assign accounts, here a department manager.
    let manager = app.token(Role::Manager).await;
    let r = app
        .patch(
            &format!("/api/v1/customers/{}", c.id),
            &manager,
            &json!({"account_manager_id": am.id}),
        )
        .await;
    let u: Customer = app.ok(r, 200).await;
    assert_eq!(u.name, "Acme");
    assert_eq!(u.tier, fieldline_mobile_api::Tier::Gold);
    assert_eq!(u.account_manager_id, Some(am.id));
    let got: Customer = app
        .ok(app.get(&format!("/api/v1/customers/{}", c.id), &agent).await, 200)
        .await;
    assert_eq!(got, u);
}

#[tokio::test]
async fn contacts_are_managed_and_validated() {
    let app = spawn_app().await;
    let (cid, _) = app.customer_with_site(30.25, 120.15).await;
    let path = format!("/api/v1/customers/{cid}/contacts");
    let c: Value = app
        .ok(
            app.post(
                &path,
                &app.admin,
                &json!({"name": "Li Wei", "phone": "+86 571 8888 1234", "email": "li.wei@example.com"}),
            )
            .await,
            201,
        )
        .await;
    let r = app.post(&path, &app.admin, &json!({"name": "No Way"})).await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("phone")
    );
    let r = app
        .post(
            &path,
            &app.admin,
            &json!({"name": "Bad Mail", "email": "not-an-address"}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("email")
    );
    let r = app
        .post(&path, &app.admin, &json!({"name": "Bad Phone", "phone": "call me"}))
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("phone")
    );
    problem(
        app.post(
            "/api/v1/customers/999/contacts",
            &app.admin,
            &json!({"name": "X", "phone": "12345678"}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let contact_path = format!("/api/v1/contacts/{}", c["id"]);
    // A contact reads Chinese unless told otherwise; `zh` and `en` only.
    assert_eq!(c["language"], "zh");
    let r = app
        .post(
            &path,
            &app.admin,
            &json!({"name": "Fr", "phone": "12345678", "language": "fr"}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("language")
    );
    let u: Value = app
        .ok(
            app.patch(&contact_path, &app.admin, &json!({"language": "en"})).await,
            200,
        )
        .await;
    assert_eq!(u["language"], "en");
    let r = app.patch(&contact_path, &app.admin, &json!({"language": "EN"})).await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("language")
    );
    let u: Value = app
        .ok(app.patch(&contact_path, &app.admin, &json!({"phone": ""})).await, 200)
        .await;
    assert_eq!(u["phone"], Value::Null);
    assert_eq!(u["email"], "li.wei@example.com");
    assert_eq!(u["language"], "en", "kept when not given");
    let r = app.patch(&contact_path, &app.admin, &json!({"email": ""})).await;
    problem(r, 422, "validation_failed").await;
    let list: Value = app.ok(app.get(&path, &app.admin).await, 200).await;
    assert_eq!(list["total"], 1);
    assert_eq!(app.delete(&contact_path, &app.admin).await.status(), 204);
    problem(app.delete(&contact_path, &app.admin).await, 404, "not_found").await;
    let list: Value = app.ok(app.get(&path, &app.admin).await, 200).await;
    assert_eq!(list["total"], 0);
}

/// An account manager cannot take over another manager's customer (which would open its fault
/// reports to them); naming the same manager again, or changing name and tier, stays the editors'.
#[tokio::test]
async fn only_those_who_assign_accounts_change_the_account_manager() {
    let app = spawn_app_at(crate::tickets::FRIDAY_1650).await;
    let s = crate::fault_reports::scene(&app).await;
    let report = crate::fault_reports::create_ok(&app, &s).await;
    let customer = format!("/api/v1/customers/{}", s.f.customer);
    let report_path = format!("/api/v1/fault-reports/{}", report.id);
    let (b, b_token) = app.user(Role::AccountManager).await;

    // B sees the customer (office staff read every customer) but may not make it theirs.
    let c: Customer = app.ok(app.get(&customer, &b_token).await, 200).await;
    assert_eq!(c.account_manager_id, Some(s.account_manager.id));
    let r = app
        .patch(&customer, &b_token, &json!({"account_manager_id": b.id}))
        .await;
    problem(r, 403, "forbidden").await;
    let r = app
        .patch(
            &customer,
            &b_token,
            &json!({"name": "Hangzhou Metro Group", "account_manager_id": b.id}),
        )
        .await;
    problem(r, 403, "forbidden").await;
    // Nor may the customer's own manager or an agent hand it to someone else.
    let r = app
        .patch(&customer, &s.am_token, &json!({"account_manager_id": b.id}))
        .await;
    problem(r, 403, "forbidden").await;
    let r = app
        .patch(&customer, &s.f.token, &json!({"account_manager_id": b.id}))
        .await;
    problem(r, 403, "forbidden").await;
    let c: Customer = app.ok(app.get(&customer, &app.admin).await, 200).await;
    assert_eq!(c.account_manager_id, Some(s.account_manager.id), "nothing changed");
    problem(app.get(&report_path, &b_token).await, 404, "not_found").await;
    let theirs: Page<FaultReport> = app.ok(app.get("/api/v1/fault-reports", &b_token).await, 200).await;
    assert_eq!(theirs.total, 0);
    // Editing what is theirs to edit, and naming the same manager again, is fine.
    let r = app
        .patch(
            &customer,
            &s.am_token,
            &json!({"name": "Hangzhou Metro Group", "account_manager_id": s.account_manager.id}),
        )
        .await;
    let c: Customer = app.ok(r, 200).await;
    assert_eq!(c.name, "Hangzhou Metro Group");
    // A department manager may not rename the customer, but does reassign it.
    let manager = app.token(Role::Manager).await;
    problem(
        app.patch(&customer, &manager, &json!({"tier": "silver"})).await,
        403,
        "forbidden",
    )
    .await;
    let c: Customer = app
        .ok(
            app.patch(&customer, &manager, &json!({"account_manager_id": b.id}))
                .await,
            200,
        )
        .await;
    assert_eq!(c.account_manager_id, Some(b.id));
    let _: FaultReport = app.ok(app.get(&report_path, &b_token).await, 200).await;
    problem(app.get(&report_path, &s.am_token).await, 404, "not_found").await;
    // The account manager named must be an active user with the account manager's role.
    let supervisor = app.token(Role::Supervisor).await;
    let (agent, _) = app.user(Role::Agent).await;
    let (gone, _) = app.user(Role::AccountManager).await;
    let r = app
        .patch(
            &format!("/api/v1/users/{}", gone.id),
            &app.admin,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(r.status(), 200);
    for id in [agent.id.0, gone.id.0, 987_654] {
        let r = app
            .patch(&customer, &supervisor, &json!({"account_manager_id": id}))
            .await;
        let p = problem(r, 422, "validation_failed").await;
        assert_eq!(p.field.as_deref(), Some("account_manager_id"), "{id}: {}", p.detail);
    }
    let c: Customer = app
        .ok(
            app.patch(
                &customer,
                &supervisor,
                &json!({"account_manager_id": s.account_manager.id}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(c.account_manager_id, Some(s.account_manager.id));
}
