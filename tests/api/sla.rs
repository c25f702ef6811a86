use crate::helpers::{problem, spawn_app};
use fieldline_mobile_api::{BusinessCalendar, Holiday, RegionClass, RequestKind, Role, SlaPolicy, Tier, TierAction};
use serde_json::json;

#[tokio::test]
async fn the_shipped_policies_follow_the_service_rules() {
    let app = spawn_app().await;
    let agent = app.token(Role::Agent).await;
    let all: Vec<SlaPolicy> = app.ok(app.get("/api/v1/sla/policies", &agent).await, 200).await;
    let (base, complaints): (Vec<&SlaPolicy>, Vec<&SlaPolicy>) = all.iter().partition(|p| p.kind.is_none());
    assert_eq!(base.len(), 5 * 4 * 2, "tier x priority x region class");
    assert_eq!(complaints.len(), 5, "a complaint row per customer tier");
    for p in &base {
        let (tier, class) = (p.customer_tier.unwrap(), p.region_class.unwrap());
        assert!(p.resolution_minutes <= 48 * 60, "resolution at most 48 h");
        if class == RegionClass::Urban {
            assert!(p.resolution_minutes <= 36 * 60, "urban at most 36 h");
        }
        assert!(p.hotline_minutes <= 24 * 60, "a tier holds a request at most 24 h");
        assert_eq!(
            p.departure_minutes * 2,
            p.arrival_minutes,
            "set off within half the arrival"
        );
        assert_eq!(
            (p.hotline_action, p.remote_action),
            (TierAction::Climb, TierAction::Alert)
        );
        if tier.is_vip() {
            let standard = base
                .iter()
                .find(|q| {
                    q.customer_tier == Some(Tier::Standard)
                        && q.priority == p.priority
                        && q.region_class == p.region_class
                })
                .unwrap();
            assert!(
                p.resolution_minutes < standard.resolution_minutes,
                "VIP gets the shorter bound"
            );
        }
    }
    for p in &complaints {
        assert_eq!(p.kind, Some(RequestKind::Complaint));
        assert_eq!(
            (p.priority, p.region_class),
            (None, None),
            "whatever the priority and site"
        );
        let vip = p.customer_tier.unwrap().is_vip();
        assert_eq!(p.resolution_minutes, if vip { 24 * 60 } else { 48 * 60 });
    }
    let gold: Vec<SlaPolicy> = app
        .ok(app.get("/api/v1/sla/policies?customer_tier=gold", &agent).await, 200)
        .await;
    assert_eq!(gold.len(), 8 + 1);
}

#[tokio::test]
async fn admins_edit_policies_within_sane_bounds() {
    let app = spawn_app().await;
    let all: Vec<SlaPolicy> = app.ok(app.get("/api/v1/sla/policies", &app.admin).await, 200).await;
    let id = all[0].id;
    let p: SlaPolicy = app
        .ok(
            app.patch(
                &format!("/api/v1/sla/policies/{id}"),
                &app.admin,
                &json!({"response_minutes": 30, "clock_mode": "business"}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(p.response_minutes, 30);
    let r = app
        .patch(
            &format!("/api/v1/sla/policies/{id}"),
            &app.admin,
            &json!({"response_minutes": 999999}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("response_minutes")
    );
    let r = app
        .patch(
            &format!("/api/v1/sla/policies/{id}"),
            &app.admin,
            &json!({"arrival_minutes": p.resolution_minutes + 1}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("arrival_minutes")
    );
    let supervisor = app.token(Role::Supervisor).await;
    problem(
        app.patch(
            &format!("/api/v1/sla/policies/{id}"),
            &supervisor,
            &json!({"response_minutes": 10}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    problem(
        app.patch(
            "/api/v1/sla/policies/9999",
            &app.admin,
            &json!({"response_minutes": 10}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn the_calendar_and_holidays_are_edited_by_admins() {
    let app = spawn_app().await;
    let cal: BusinessCalendar = app.ok(app.get("/api/v1/calendar", &app.admin).await, 200).await;
    assert_eq!(cal.time_zone, "Asia/Shanghai");
    assert_eq!(cal.week.len(), 7);
    assert_eq!(cal.week[0].as_ref().unwrap().start, "08:30");
    assert!(cal.week[5].is_none() && cal.week[6].is_none(), "weekends off");
    let mut saturday = cal.clone();
    saturday.week[5] = Some(fieldline_mobile_api::DayHours {
        start: "09:00".into(),
        end: "12:00".into(),
    });
    let out: BusinessCalendar = app
        .ok(
            app.http
                .put(app.url("/api/v1/calendar"))
                .bearer_auth(&app.admin)
                .json(&saturday)
                .send()
                .await
                .unwrap(),
            200,
        )
        .await;
    assert_eq!(out.week[5].as_ref().unwrap().end, "12:00");
    for (body, field) in [
        (
            json!({"time_zone": "Mars/Olympus", "week": cal.week, "makeup_hours": cal.makeup_hours}),
            "time_zone",
        ),
        (
            json!({"time_zone": "Asia/Shanghai", "week": [null], "makeup_hours": cal.makeup_hours}),
            "week",
        ),
        (
            json!({"time_zone": "Asia/Shanghai", "week": cal.week, "makeup_hours": {"start": "17:00", "end": "08:00"}}),
            "makeup_hours",
        ),
        (
            json!({"time_zone": "Asia/Shanghai", "week": cal.week, "makeup_hours": {"start": "8am", "end": "17:00"}}),
            "makeup_hours",
        ),
    ] {
        let r = app
            .http
            .put(app.url("/api/v1/calendar"))
            .bearer_auth(&app.admin)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(problem(r, 422, "validation_failed").await.field.as_deref(), Some(field));
    }
    let h: Holiday = app
        .ok(
            app.post(
                "/api/v1/calendar/holidays",
                &app.admin,
                &json!({"day": "2026-10-01", "name": "National Day"}),
            )
            .await,
            201,
        )
        .await;
    let w: Holiday = app
        .ok(
            app.post(
                "/api/v1/calendar/holidays",
                &app.admin,
                &json!({"day": "2026-10-10", "name": "Make-up day", "kind": "working"}),
            )
            .await,
            201,
        )
        .await;
    assert_eq!(w.kind, fieldline_mobile_api::HolidayKind::Working);
    let r = app
        .post(
            "/api/v1/calendar/holidays",
            &app.admin,
            &json!({"day": "2026-10-01", "name": "Again"}),
        )
        .await;
    assert_eq!(problem(r, 409, "duplicate").await.field.as_deref(), Some("day"));
    let list: Vec<Holiday> = app
        .ok(app.get("/api/v1/calendar/holidays?year=2026", &app.admin).await, 200)
        .await;
    assert_eq!(list.len(), 2);
    assert_eq!(
        app.delete(&format!("/api/v1/calendar/holidays/{}", h.id), &app.admin)
            .await
            .status(),
        204
    );
    let list: Vec<Holiday> = app
        .ok(app.get("/api/v1/calendar/holidays", &app.admin).await, 200)
        .await;
    assert_eq!(list.len(), 1);
    let agent = app.token(Role::Agent).await;
    problem(
        app.post(
            "/api/v1/calendar/holidays",
            &agent,
            &json!({"day": "2026-10-02", "name": "x"}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn holidays_fall_in_plausible_years() {
    let app = spawn_app().await;
    for day in ["0001-01-01", "1999-12-31", "9999-12-31"] {
        let r = app
            .post(
                "/api/v1/calendar/holidays",
                &app.admin,
                &json!({"day": day, "name": "Typo"}),
            )
            .await;
        let p = problem(r, 422, "validation_failed").await;
        assert_eq!(p.field.as_deref(), Some("day"), "{day}");
    }
    let r = app.get("/api/v1/calendar/holidays?year=1", &app.admin).await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("year")
    );
    let none: Vec<Holiday> = app
        .ok(app.get("/api/v1/calendar/holidays", &app.admin).await, 200)
        .await;
    assert!(none.is_empty(), "none was stored");
}

#[tokio::test]
async fn filters_and_periods_take_plausible_dates_only() {
    let app = spawn_app().await;
    let manager = app.token(Role::Manager).await;
    for (path, field) in [
        ("/api/v1/reports/service?from=0001-01-01&to=0001-12-31", "from"),
        ("/api/v1/reports/service/monthly?month=1999-12", "month"),
        ("/api/v1/reports/service/weekly?week=9999-W01", "week"),
        ("/api/v1/surveys?from=0001-01-01", "from"),
        ("/api/v1/revisits?due_by=9999-12-31", "due_by"),
        ("/api/v1/revisits/progress?week=0001-W01", "week"),
        ("/api/v1/inspections?due_from=0001-01-01", "due_from"),
    ] {
        let r = app.get(path, &manager).await;
        let p = problem(r, 422, "validation_failed").await;
        assert_eq!(p.field.as_deref(), Some(field), "{path}: {}", p.detail);
    }
}
