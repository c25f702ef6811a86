use crate::helpers::{problem, spawn_app, square};
use fieldline_mobile_api::{Asset, Page, Region, Role, Site};
use serde_json::{json, Value};

#[tokio::test]
async fn a_site_falls_in_the_region_that_contains_it() {
    let app = spawn_app().await;
    let urban: Region = app
        .ok(
            app.post(
                "/api/v1/regions",
                &app.admin,
                &json!({"name": "Centre", "class": "urban", "boundary": square(120.1, 30.2, 120.3, 30.35)}),
            )
            .await,
            201,
        )
        .await;
    let rural: Region = app
        .ok(
            app.post(
                "/api/v1/regions",
                &app.admin,
                &json!({"name": "Outskirts", "class": "rural", "boundary": square(119.5, 29.8, 120.1, 30.2)}),
            )
            .await,
            201,
        )
        .await;
    let (_, inside) = app.customer_with_site(30.25, 120.15).await;
    let (_, outskirts) = app.customer_with_site(30.0, 119.8).await;
    let (_, nowhere) = app.customer_with_site(39.9, 116.4).await;
    let get = |id: i64| {
        let app = &app;
        async move {
            let s: Site = app
                .ok(app.get(&format!("/api/v1/sites/{id}"), &app.admin).await, 200)
                .await;
            s
        }
    };
    assert_eq!(get(inside).await.region_id, Some(urban.id));
    assert_eq!(get(outskirts).await.region_id, Some(rural.id));
    assert_eq!(get(nowhere).await.region_id, None);
    let in_urban: Page<Site> = app
        .ok(
            app.get(&format!("/api/v1/sites?region_id={}", urban.id), &app.admin)
                .await,
            200,
        )
        .await;
    assert_eq!(in_urban.total, 1);
    // Moving a site finds its region again.
    let moved: Site = app
        .ok(
            app.patch(
                &format!("/api/v1/sites/{nowhere}"),
                &app.admin,
                &json!({"latitude": 30.3, "longitude": 120.2}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(moved.region_id, Some(urban.id));
    let r = app
        .patch(
            &format!("/api/v1/sites/{nowhere}"),
            &app.admin,
            &json!({"latitude": 30.3}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("longitude")
    );
}

#[tokio::test]
async fn drawing_and_redrawing_a_region_places_the_sites_again() {
    let app = spawn_app().await;
    let (_, site) = app.customer_with_site(30.25, 120.15).await;
    let s: Site = app
        .ok(app.get(&format!("/api/v1/sites/{site}"), &app.admin).await, 200)
        .await;
    assert_eq!(s.region_id, None);
    let region: Region = app
        .ok(
            app.post(
                "/api/v1/regions",
                &app.admin,
                &json!({"name": "Centre", "class": "urban", "boundary": square(120.1, 30.2, 120.3, 30.35)}),
            )
            .await,
            201,
        )
        .await;
    let s: Site = app
        .ok(app.get(&format!("/api/v1/sites/{site}"), &app.admin).await, 200)
        .await;
    assert_eq!(s.region_id, Some(region.id));
    let r = app
        .patch(
            &format!("/api/v1/regions/{}", region.id),
            &app.admin,
            &json!({"boundary": square(121.0, 31.0, 121.5, 31.5)}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let s: Site = app
        .ok(app.get(&format!("/api/v1/sites/{site}"), &app.admin).await, 200)
        .await;
    assert_eq!(s.region_id, None);
}

#[tokio::test]
async fn region_boundaries_are_validated() {
    let app = spawn_app().await;
    let bad = [
        json!({"type": "Point", "coordinates": [120.0, 30.0]}),
        json!({"type": "Polygon", "coordinates": [[[120.0, 30.0], [121.0, 30.0]]]}),
        json!({"type": "Polygon", "coordinates": [[[120.0, 30.0], [121.0, 30.0], [121.0, 95.0], [120.0, 30.0]]]}),
        json!("somewhere"),
    ];
    for b in bad {
        let r = app
            .post(
                "/api/v1/regions",
                &app.admin,
                &json!({"name": "R", "class": "urban", "boundary": b}),
            )
            .await;
        assert_eq!(
            problem(r, 422, "validation_failed").await.field.as_deref(),
            Some("boundary")
        );
    }
    let r = app
        .post(
            "/api/v1/regions",
            &app.admin,
            &json!({"name": "R", "class": "suburban", "boundary": square(0.0, 0.0, 1.0, 1.0)}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("class")
    );
    let feature = json!({"type": "Feature", "properties": {"name": "x"}, "geometry": square(0.0, 0.0, 1.0, 1.0)});
    let r = app
        .post(
            "/api/v1/regions",
            &app.admin,
            &json!({"name": "R", "class": "rural", "boundary": feature}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .post(
            "/api/v1/regions",
            &app.admin,
            &json!({"name": "R", "class": "urban", "boundary": square(2.0, 2.0, 3.0, 3.0)}),
        )
        .await;
    assert_eq!(problem(r, 409, "duplicate").await.field.as_deref(), Some("name"));
    let list: Page<Region> = app
        .ok(app.get("/api/v1/regions?class=rural", &app.admin).await, 200)
        .await;
    assert_eq!(list.total, 1);
}

#[tokio::test]
async fn a_site_needs_an_existing_customer() {
    let app = spawn_app().await;
    let r = app
        .post(
            "/api/v1/sites",
            &app.admin,
            &json!({"customer_id": 999, "name": "S", "address": "A", "latitude": 30.0, "longitude": 120.0}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("customer_id")
    );
}

#[tokio::test]
async fn assets_are_registered_listed_and_updated() {
    let app = spawn_app().await;
    let agent = app.token(Role::Agent).await;
    let (cid, sid) = app.customer_with_site(30.25, 120.15).await;
    let (cid2, sid2) = app.customer_with_site(30.26, 120.16).await;
    let body = json!({"site_id": sid, "model": "Eaton 93PM UPS", "serial_number": "UPS-2024-0001",
        "purchase_date": "2024-03-01", "acceptance_date": "2024-04-15", "warranty_end": "2027-04-14"});
    let a: Asset = app.ok(app.post("/api/v1/assets", &agent, &body).await, 201).await;
    assert_eq!(a.customer_id.0, cid);
    assert_eq!(a.acceptance_date.unwrap().to_string(), "2024-04-15");
    let b: Asset = app
        .ok(
            app.post(
                "/api/v1/assets",
                &agent,
                &json!({"site_id": sid2, "model": "Chiller", "serial_number": "CH-1"}),
            )
            .await,
            201,
        )
        .await;
    let r = app.post("/api/v1/assets", &agent, &json!({"site_id": sid, "model": "X", "serial_number": "X-1", "purchase_date": "2024-05-01", "warranty_end": "2024-01-01"})).await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("warranty_end")
    );
    let r = app
        .post(
            "/api/v1/assets",
            &agent,
            &json!({"site_id": sid, "model": "X", "serial_number": "X-1", "purchase_date": "2024-02-30"}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("purchase_date")
    );
    let r = app
        .post(
            "/api/v1/assets",
            &agent,
            &json!({"site_id": 999, "model": "X", "serial_number": "X-1"}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("site_id")
    );
    let by_customer: Page<Asset> = app
        .ok(app.get(&format!("/api/v1/assets?customer_id={cid}"), &agent).await, 200)
        .await;
    assert_eq!(by_customer.total, 1);
    let by_serial: Page<Asset> = app
        .ok(app.get("/api/v1/assets?serial_number=CH-1", &agent).await, 200)
        .await;
    assert_eq!(by_serial.items[0].id, b.id);
    // Moving an asset to another customer's site moves it to that customer.
    let moved: Asset = app
        .ok(
            app.patch(&format!("/api/v1/assets/{}", a.id), &agent, &json!({"site_id": sid2}))
                .await,
            200,
        )
        .await;
    assert_eq!(moved.customer_id.0, cid2);
    let r = app
        .patch(
            &format!("/api/v1/assets/{}", a.id),
            &agent,
            &json!({"serial_number": "CH-1"}),
        )
        .await;
    assert_eq!(
        problem(r, 409, "duplicate").await.field.as_deref(),
        Some("serial_number")
    );
    let same: Value = app
        .ok(
            app.patch(
                &format!("/api/v1/assets/{}", a.id),
                &agent,
                &json!({"serial_number": "UPS-2024-0001"}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(same["serial_number"], "UPS-2024-0001");
}

#[tokio::test]
async fn region_rings_must_be_closed_long_enough_and_simple() {
    let app = spawn_app().await;
    let cases = [
        (
            json!([[[120.0, 30.0], [121.0, 30.0], [121.0, 31.0], [120.0, 31.0]]]),
            "not closed",
        ),
        (json!([[[120.0, 30.0], [121.0, 30.0], [121.0, 31.0]]]), "3 positions"),
        // A bow-tie: its edges cross.
        (
            json!([[
                [120.0, 30.0],
                [121.0, 31.0],
                [121.0, 30.0],
                [120.0, 31.0],
                [120.0, 30.0]
            ]]),
            "self-intersection",
        ),
    ];
    for (coordinates, reason) in cases {
        let body = json!({"name": "R", "class": "urban",
            "boundary": {"type": "Polygon", "coordinates": coordinates}});
        let p = problem(
            app.post("/api/v1/regions", &app.admin, &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p.field.as_deref(), Some("boundary"));
        assert!(p.detail.contains(reason), "{reason}: {}", p.detail);
    }
    let regions: Page<Region> = app.ok(app.get("/api/v1/regions", &app.admin).await, 200).await;
    assert_eq!(regions.total, 0, "none was stored");
}

#[tokio::test]
async fn asset_dates_must_be_plausible() {
    let app = spawn_app().await;
    let f = crate::tickets::fixture(&app, "standard").await;
    for (field, day) in [
        ("purchase_date", "0001-01-01"),
        ("acceptance_date", "1999-12-31"),
        ("warranty_end", "9999-12-31"),
    ] {
        let body = json!({"site_id": f.site, "model": "Eaton 93PM", "serial_number": format!("S-{field}"), field: day});
        let p = problem(
            app.post("/api/v1/assets", &app.admin, &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(p.field.as_deref(), Some(field), "{day}");
        let r = app
            .http
            .patch(app.url(&format!("/api/v1/assets/{}", f.asset)))
            .bearer_auth(&app.admin)
            .json(&json!({field: day}))
            .send()
            .await
            .unwrap();
        assert_eq!(problem(r, 422, "validation_failed").await.field.as_deref(), Some(field));
    }
}
