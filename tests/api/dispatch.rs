use crate::helpers::{problem, spawn_app_at, TestApp};
use crate::tickets::{at, fixture, register, Fixture};
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::client::Client;
use fieldline_mobile_api::{
    BoardEntry, Candidates, ErrorCode, LocationPing, OnsiteRequest, Page, Role, Technician, Ticket, Visit, VisitStatus,
};
use serde_json::{json, Value};

/// Tuesday 2026-11-24 09:00 in Shanghai.
const TUESDAY_0900: &str = "2026-11-24T01:00:00Z";
const WEEKDAYS: &str = r#"[{"start":"08:30","end":"17:00"},{"start":"08:30","end":"17:00"},{"start":"08:30","end":"17:00"},{"start":"08:30","end":"17:00"},{"start":"08:30","end":"17:00"},null,null]"#;

pub async fn technician(app: &TestApp, lat: f64, lon: f64, skills: Value) -> (i64, String) {
    let (user, token) = app.user(Role::Technician).await;
    let body = json!({"home_latitude": lat, "home_longitude": lon, "daily_capacity": 4,
        "week": serde_json::from_str::<Value>(WEEKDAYS).unwrap(), "skills": skills});
    let t: Technician = app
        .ok(
            app.http
                .put(app.url(&format!("/api/v1/technicians/{}", user.id)))
                .bearer_auth(&app.admin)
                .json(&body)
                .send()
                .await
                .unwrap(),
            200,
        )
        .await;
    assert_eq!(t.user_id, user.id);
    (user.id.0, token)
}

/// The best candidate only (`limit=1`) for the visit.
async fn best_one(app: &TestApp, token: &str, v: &Visit) -> Candidates {
    let path = format!("/api/v1/dispatch/candidates?visit={}&limit=1", v.id);
    app.ok(app.get(&path, token).await, 200).await
}

/// An on-site ticket with a visit in the window 10:00-12:00 local on Tuesday.
async fn visit(app: &TestApp, f: &Fixture, skill: &str, level: i32) -> Visit {
    let t = register(app, f, "p2", "phone").await;
    let window = (at("2026-11-24T02:00:00Z"), at("2026-11-24T04:00:00Z"));
    visit_for(app, f, &t, window, skill, level).await
}

/// Escalates the ticket on-site with that window and makes the visit of its registration.
pub async fn visit_for(
    app: &TestApp,
    f: &Fixture,
    t: &Ticket,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    skill: &str,
    level: i32,
) -> Visit {
    let body = json!({"to": "onsite", "reason": "needs hands on site", "window_start": start, "window_end": end});
    let r = app
        .post(&format!("/api/v1/tickets/{}/escalate", t.id), &f.token, &body)
        .await;
    assert_eq!(r.status(), 200);
    let reqs: Page<OnsiteRequest> = app
        .ok(
            app.get(&format!("/api/v1/onsite-requests?ticket_id={}", t.id), &app.admin)
                .await,
            200,
        )
        .await;
    let body = json!({"onsite_request_id": reqs.items[0].id, "required_skill": skill, "required_level": level});
    app.ok(app.post("/api/v1/visits", &app.admin, &body).await, 201).await
}

#[tokio::test]
async fn technician_profiles_are_validated() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let (tech, _) = technician(&app, 30.26, 120.16, json!([{"skill": "ups", "level": 4}])).await;
    let (agent, _) = app.user(Role::Agent).await;
    let put = |id: i64, body: Value| {
        let app = &app;
        async move {
            app.http
                .put(app.url(&format!("/api/v1/technicians/{id}")))
                .bearer_auth(&app.admin)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let week: Value = serde_json::from_str(WEEKDAYS).unwrap();
    let base = json!({"home_latitude": 30.2, "home_longitude": 120.1, "daily_capacity": 4, "week": week});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    for (body, field) in [
        (with("daily_capacity", json!(0)), "daily_capacity"),
        (with("home_latitude", json!(95.0)), "home_latitude"),
        (with("week", json!([null])), "week"),
        (with("skills", json!([{"skill": "ups", "level": 6}])), "skills[0].level"),
        (
            with(
                "skills",
                json!([{"skill": "ups", "level": 2}, {"skill": "ups", "level": 3}]),
            ),
            "skills[1].skill",
        ),
    ] {
        assert_eq!(
            problem(put(tech, body).await, 422, "validation_failed")
                .await
                .field
                .as_deref(),
            Some(field)
        );
    }
    assert_eq!(
        problem(put(agent.id.0, base.clone()).await, 422, "validation_failed")
            .await
            .field
            .as_deref(),
        Some("user_id")
    );
    problem(put(9999, base.clone()).await, 404, "not_found").await;
    let list: Page<Technician> = app
        .ok(app.get("/api/v1/technicians?skill=ups", &app.admin).await, 200)
        .await;
    assert_eq!(list.total, 1);
    assert_eq!(list.items[0].skills[0].level, 4);
}

#[tokio::test]
async fn the_phone_sends_positions_in_batches() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let (id, _) = technician(&app, 30.26, 120.16, json!([])).await;
    let user: Value = app
        .ok(app.get(&format!("/api/v1/users/{id}"), &app.admin).await, 200)
        .await;
    let mut phone = Client::new(&app.address);
    phone
        .login(user["username"].as_str().unwrap(), crate::helpers::USER_PASSWORD)
        .await
        .unwrap();
    let now = at(TUESDAY_0900);
    let batch: Vec<LocationPing> = (0..20)
        .map(|i| LocationPing {
            at: now - Duration::minutes(20 - i),
            latitude: 30.25 + i as f64 * 0.001,
            longitude: 120.15,
            accuracy_m: 12.0,
        })
        .collect();
    let r = phone.send_pings("batch-1", batch.clone()).await.unwrap();
    assert_eq!(r.stored, 20);
    assert_eq!(r.last_ping_at, Some(now - Duration::minutes(1)));
    let me = phone.technician(fieldline_mobile_api::UserId(id)).await.unwrap();
    assert_eq!(me.last_latitude, Some(30.269));
    // A late-arriving older position is stored but does not move the last known one.
    let old = vec![LocationPing {
        at: now - Duration::hours(2),
        latitude: 30.0,
        longitude: 120.0,
        accuracy_m: 5.0,
    }];
    assert_eq!(
        phone.send_pings("batch-2", old).await.unwrap().last_ping_at,
        Some(now - Duration::minutes(1))
    );
    // Sent again after a lost answer: the first answer, nothing stored twice.
    assert_eq!(phone.send_pings("batch-1", batch.clone()).await.unwrap().stored, 20);
    let e = phone.send_pings("batch-1", batch[..2].to_vec()).await.unwrap_err();
    assert_eq!(e.problem().unwrap().code, ErrorCode::IdempotencyKeyReused);
    for (n, (bad, field)) in [
        (
            LocationPing {
                at: now,
                latitude: 91.0,
                longitude: 0.0,
                accuracy_m: 1.0,
            },
            "pings[0].latitude",
        ),
        (
            LocationPing {
                at: now,
                latitude: 30.0,
                longitude: 120.0,
                accuracy_m: -1.0,
            },
            "pings[0].accuracy_m",
        ),
        (
            LocationPing {
                at: now + Duration::hours(1),
                latitude: 30.0,
                longitude: 120.0,
                accuracy_m: 1.0,
            },
            "pings[0].at",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let e = phone.send_pings(&format!("bad-{n}"), vec![bad]).await.unwrap_err();
        assert_eq!(e.problem().unwrap().field.as_deref(), Some(field));
    }
    let e = phone.send_pings("empty", vec![]).await.unwrap_err();
    assert_eq!(e.problem().unwrap().code, ErrorCode::ValidationFailed);
    let agent = app.token(Role::Agent).await;
    problem(
        app.post("/api/v1/mobile/pings", &agent, &json!({"pings": []})).await,
        403,
        "forbidden",
    )
    .await;
    // The history is kept for 30 days (the last known position stays on the profile).
    app.clock.advance(Duration::days(31));
    let run: fieldline_mobile_api::JobRun = app
        .ok(
            app.post("/api/v1/jobs/ping_retention/run", &app.admin, &json!({}))
                .await,
            200,
        )
        .await;
    assert_eq!(run.actions, 21, "the 20 + 1 stored positions, each once");
    let again: fieldline_mobile_api::JobRun = app
        .ok(
            app.post("/api/v1/jobs/ping_retention/run", &app.admin, &json!({}))
                .await,
            200,
        )
        .await;
    assert_eq!(again.actions, 0);
    assert_eq!(
        phone
            .technician(fieldline_mobile_api::UserId(id))
            .await
            .unwrap()
            .last_latitude,
        Some(30.269)
    );
}

/// Batches sent at the same moment are written together; each is still answered on its own.
#[tokio::test]
async fn positions_sent_at_once_are_each_stored_once_and_answered_on_their_own() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let now = at(TUESDAY_0900);
    let mut phones = Vec::new();
    for i in 0..4 {
        let (id, _) = technician(&app, 30.25, 120.15 + f64::from(i) * 0.01, json!([])).await;
        let user: Value = app
            .ok(app.get(&format!("/api/v1/users/{id}"), &app.admin).await, 200)
            .await;
        let mut phone = Client::new(&app.address);
        phone
            .login(user["username"].as_str().unwrap(), crate::helpers::USER_PASSWORD)
            .await
            .unwrap();
        phones.push(phone);
    }
    // A technician account without a profile yet: its positions are refused, nobody else's.
    let (profile_less, _) = app.user(Role::Technician).await;
    let mut orphan = Client::new(&app.address);
    orphan
        .login(&profile_less.username, crate::helpers::USER_PASSWORD)
        .await
        .unwrap();
    let batch = |n: i64| -> Vec<LocationPing> {
        (0..n)
            .map(|k| LocationPing {
                at: now - Duration::seconds(60 - k),
                latitude: 30.25,
                longitude: 120.15,
                accuracy_m: 10.0,
            })
            .collect()
    };
    let mut sends = Vec::new();
    for round in 0..10 {
        for (i, phone) in phones.iter().enumerate() {
            let key = format!("r{round}-p{i}");
            let pings = batch(1 + (round + i as i64) % 5);
            sends.push(async move { (pings.len(), phone.send_pings(&key, pings).await) });
        }
    }
    let orphan_send = orphan.send_pings("o-1", batch(3));
    // One request sent twice at once (a retry racing the original): one answer, stored once.
    let first = phones[1].send_pings("dup", batch(3));
    let retry = phones[1].send_pings("dup", batch(3));
    let (results, orphan_result, first, retry) =
        futures::join!(futures::future::join_all(sends), orphan_send, first, retry);
    let mut sent = 3;
    for (n, r) in results {
        assert_eq!(r.unwrap().stored, n);
        sent += n;
    }
    assert_eq!(orphan_result.unwrap_err().problem().unwrap().code, ErrorCode::NotFound);
    assert_eq!(first.unwrap(), retry.unwrap());
    app.clock.advance(Duration::days(31));
    let run: fieldline_mobile_api::JobRun = app
        .ok(
            app.post("/api/v1/jobs/ping_retention/run", &app.admin, &json!({}))
                .await,
            200,
        )
        .await;
    assert_eq!(run.actions as usize, sent, "every accepted position stored once");
}

#[tokio::test]
async fn candidates_are_ranked_with_reasons_and_the_unable_are_excluded() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let f = fixture(&app, "standard").await;
    let (near, near_token) = technician(&app, 30.40, 120.40, json!([{"skill": "ups", "level": 4}])).await;
    let (far, _) = technician(&app, 30.35, 120.30, json!([{"skill": "ups", "level": 3}])).await;
    let (unskilled, _) = technician(&app, 30.25, 120.15, json!([{"skill": "hvac", "level": 5}])).await;
    let (junior, _) = technician(&app, 30.25, 120.15, json!([{"skill": "ups", "level": 1}])).await;
    let (elsewhere, _) = technician(&app, 39.90, 116.40, json!([{"skill": "fire", "level": 5}])).await;
    // `near` lives far away but its phone says it is two streets from the site.
    let user: Value = app
        .ok(app.get(&format!("/api/v1/users/{near}"), &app.admin).await, 200)
        .await;
    let _ = near_token;
    let mut phone = Client::new(&app.address);
    phone
        .login(user["username"].as_str().unwrap(), crate::helpers::USER_PASSWORD)
        .await
        .unwrap();
    phone
        .send_pings(
            "p1",
            vec![LocationPing {
                at: at(TUESDAY_0900) - Duration::minutes(5),
                latitude: 30.252,
                longitude: 120.152,
                accuracy_m: 8.0,
            }],
        )
        .await
        .unwrap();
    let v = visit(&app, &f, "ups", 3).await;
    assert_eq!(v.status, VisitStatus::Scheduled);
    let dispatcher = app.token(Role::Dispatcher).await;
    let c: Candidates = app
        .ok(
            app.get(&format!("/api/v1/dispatch/candidates?visit={}", v.id), &dispatcher)
                .await,
            200,
        )
        .await;
    let order: Vec<i64> = c.candidates.iter().map(|x| x.technician_id.0).collect();
    assert_eq!(order, [near, far]);
    assert!(c.candidates[0].from_ping && c.candidates[0].distance_km < 1.0);
    assert!(!c.candidates[1].from_ping);
    assert!(c.candidates[0].reasons.iter().any(|r| r.contains("ups level 4")));
    assert!(c.candidates[0].sla_slack_minutes.is_some());
    let excluded: Vec<(i64, String)> = c
        .excluded
        .iter()
        .map(|e| (e.technician_id.0, e.reason.clone()))
        .collect();
    assert!(excluded.contains(&(unskilled, "lacks the skill ups".into())));
    assert!(excluded.contains(&(junior, "ups level 1, needs 3".into())));
    // Everyone was searched: too few can go for the default ten.
    assert_eq!(c.searched_km, None);
    assert_eq!(excluded.last().map(|e| e.0), Some(elsewhere));

    // Asked for the best one only: the search stays near the site, since nobody outside the
    // first 2.5 kilometres could beat a technician two streets away.
    let c = best_one(&app, &dispatcher, &v).await;
    assert_eq!(c.searched_km, Some(2.5));
    assert_eq!(
        c.candidates.iter().map(|x| x.technician_id.0).collect::<Vec<_>>(),
        [near]
    );
    assert_eq!(c.excluded.len(), 1);
    assert_ne!(c.excluded[0].technician_id.0, elsewhere);
    let bad = problem(
        app.get(
            &format!("/api/v1/dispatch/candidates?visit={}&limit=0", v.id),
            &dispatcher,
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(bad.field.as_deref(), Some("limit"));
    let agent = app.token(Role::Agent).await;
    problem(
        app.get(&format!("/api/v1/dispatch/candidates?visit={}", v.id), &agent)
            .await,
        403,
        "forbidden",
    )
    .await;
    problem(
        app.get("/api/v1/dispatch/candidates?visit=999", &dispatcher).await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_visit_nobody_can_reach_in_time_is_ranked_from_those_nearby() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let f = fixture(&app, "standard").await;
    let (near, _) = technician(&app, 30.26, 120.16, json!([{"skill": "ups", "level": 4}])).await;
    technician(&app, 39.90, 116.40, json!([{"skill": "ups", "level": 4}])).await;
    // Booked a week out, long after the ticket's resolution is due: whoever goes is late.
    let t = register(&app, &f, "p2", "phone").await;
    let window = (at("2026-12-01T02:00:00Z"), at("2026-12-01T04:00:00Z"));
    assert!(t.resolution_due_at < window.0);
    let v = visit_for(&app, &f, &t, window, "ups", 3).await;
    let dispatcher = app.token(Role::Dispatcher).await;
    let c = best_one(&app, &dispatcher, &v).await;
    assert_eq!(c.candidates[0].technician_id.0, near);
    assert!(c.candidates[0].sla_slack_minutes.is_some_and(|s| s < 0.0));
    // Anyone farther away would be late too and farther: the search stops at the first radius
    // instead of reading every technician on earth.
    assert_eq!(c.searched_km, Some(2.5));
}

#[tokio::test]
async fn a_technician_is_never_double_booked() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let f = fixture(&app, "standard").await;
    let (tech, tech_token) = technician(&app, 30.26, 120.16, json!([{"skill": "ups", "level": 4}])).await;
    let (other, _) = technician(&app, 30.27, 120.17, json!([{"skill": "ups", "level": 4}])).await;
    let a = visit(&app, &f, "ups", 1).await;
    let b = visit(&app, &f, "ups", 1).await;
    let dispatcher = app.token(Role::Dispatcher).await;
    let assign = |visit: i64, who: i64| {
        let app = &app;
        let token = dispatcher.clone();
        async move {
            app.post(
                &format!("/api/v1/visits/{visit}/assign"),
                &token,
                &json!({"technician_id": who, "reason": "nearest"}),
            )
            .await
        }
    };
    let va: Visit = app.ok(assign(a.id.0, tech).await, 200).await;
    assert_eq!(
        (va.status, va.technician_id.map(|t| t.0)),
        (VisitStatus::Assigned, Some(tech))
    );
    let p = problem(assign(b.id.0, tech).await, 409, "technician_booked").await;
    assert!(p.detail.contains("already booked"));
    // The technician sees the visit assigned to them; the other visit is not theirs.
    let mut phone = Client::new(&app.address);
    let user: Value = app
        .ok(app.get(&format!("/api/v1/users/{tech}"), &app.admin).await, 200)
        .await;
    phone
        .login(user["username"].as_str().unwrap(), crate::helpers::USER_PASSWORD)
        .await
        .unwrap();
    assert_eq!(phone.visit(a.id).await.unwrap().id, a.id);
    assert_eq!(
        phone.visit(b.id).await.unwrap_err().problem().unwrap().code,
        ErrorCode::NotFound
    );
    let _ = tech_token;
    // Unassigning frees the window; the timeline tells the story.
    problem(
        app.post(&format!("/api/v1/visits/{}/unassign", a.id), &dispatcher, &json!({}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    let u: Visit = app
        .ok(
            app.post(
                &format!("/api/v1/visits/{}/unassign", a.id),
                &dispatcher,
                &json!({"reason": "customer moved the visit"}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(u.status, VisitStatus::Scheduled);
    let vb: Visit = app.ok(assign(b.id.0, tech).await, 200).await;
    assert_eq!(vb.technician_id.map(|t| t.0), Some(tech));
    let moved: Visit = app.ok(assign(b.id.0, other).await, 200).await;
    assert_eq!(moved.technician_id.map(|t| t.0), Some(other));
    let events: Vec<Value> = app
        .ok(
            app.get(
                &format!("/api/v1/tickets/{}/timeline", b.ticket_id.unwrap()),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(
        kinds.ends_with(&["visit_created", "visit_assigned", "visit_reassigned"]),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn two_dispatchers_booking_one_technician_at_once_get_one_success_and_one_409() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let f = fixture(&app, "standard").await;
    let (tech, _) = technician(&app, 30.26, 120.16, json!([])).await;
    for round in 0..5 {
        let a = visit(&app, &f, "ups", 1).await;
        let b = visit(&app, &f, "ups", 1).await;
        let (d1, d2) = (app.token(Role::Dispatcher).await, app.token(Role::Dispatcher).await);
        let body = json!({"technician_id": tech});
        let (pa, pb) = (
            format!("/api/v1/visits/{}/assign", a.id),
            format!("/api/v1/visits/{}/assign", b.id),
        );
        let (r1, r2) = tokio::join!(app.post(&pa, &d1, &body), app.post(&pb, &d2, &body));
        let mut statuses = [r1.status().as_u16(), r2.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "round {round}");
        // Free the technician for the next round.
        let booked = if r1.status() == 200 { a.id } else { b.id };
        let r = app
            .post(
                &format!("/api/v1/visits/{booked}/unassign"),
                &d1,
                &json!({"reason": "next round"}),
            )
            .await;
        assert_eq!(r.status(), 200);
    }
}

#[tokio::test]
async fn auto_assign_books_the_best_candidate_and_the_board_shows_the_day() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let f = fixture(&app, "standard").await;
    let (best, _) = technician(&app, 30.251, 120.151, json!([{"skill": "ups", "level": 4}])).await;
    let (_second, _) = technician(&app, 30.30, 120.25, json!([{"skill": "ups", "level": 4}])).await;
    let a = visit(&app, &f, "ups", 2).await;
    let b = visit(&app, &f, "ups", 2).await;
    let dispatcher = app.token(Role::Dispatcher).await;
    let v: Visit = app
        .ok(
            app.post(&format!("/api/v1/visits/{}/auto-assign", a.id), &dispatcher, &json!({}))
                .await,
            200,
        )
        .await;
    assert_eq!(v.technician_id.map(|t| t.0), Some(best));
    let board: Vec<BoardEntry> = app
        .ok(app.get("/api/v1/dispatch/board?day=2026-11-24", &dispatcher).await, 200)
        .await;
    assert_eq!(board.len(), 2);
    assert_eq!(board[0].visit.id, b.id, "unassigned first");
    assert!(board[0].ticket_number.as_deref().unwrap().starts_with("FL-2026-"));
    assert!(board[0].sla_due_at > at(TUESDAY_0900));
    let next_day: Vec<BoardEntry> = app
        .ok(app.get("/api/v1/dispatch/board?day=2026-11-25", &dispatcher).await, 200)
        .await;
    assert!(next_day.is_empty());
    // The second visit overlaps: auto-assign takes the next candidate.
    let v2: Visit = app
        .ok(
            app.post(&format!("/api/v1/visits/{}/auto-assign", b.id), &dispatcher, &json!({}))
                .await,
            200,
        )
        .await;
    assert_ne!(v2.technician_id.map(|t| t.0), Some(best));
    let c = visit(&app, &f, "ups", 2).await;
    let p = problem(
        app.post(&format!("/api/v1/visits/{}/auto-assign", c.id), &dispatcher, &json!({}))
            .await,
        409,
        "conflict",
    )
    .await;
    assert!(p.detail.contains("no technician"));
    app.clock.advance(Duration::days(1));
}

/// What the auto-assign hook of a test does: before each booking attempt it books the candidate
/// into the next of `decoys` (a visit in the same window) as `dispatcher`, as a dispatcher
/// elsewhere would have a moment earlier.
#[derive(Default)]
struct Rival {
    dispatcher: i64,
    decoys: Vec<i64>,
    booked: Vec<i64>,
}

/// An app whose auto-assign meets a rival dispatcher between ranking and each booking, while
/// the rival has decoy visits left.
async fn app_with_rival() -> (TestApp, std::sync::Arc<std::sync::Mutex<Rival>>) {
    use fieldline::policy::Caller;
    use fieldline::service::Who;
    use fieldline_mobile_api::{UserId, VisitAssignment};
    let rival = std::sync::Arc::new(std::sync::Mutex::new(Rival::default()));
    let r = rival.clone();
    let hook = fieldline::config::AutoAssignHook(std::sync::Arc::new(move |c, _visit, tech| {
        let mut r = r.lock().unwrap();
        let Some(decoy) = r.decoys.pop() else { return };
        let who = Who {
            caller: Caller::new(UserId(r.dispatcher), Role::Dispatcher),
            at: at(TUESDAY_0900),
        };
        let b = VisitAssignment {
            technician_id: UserId(tech),
            reason: Some("booked by a rival".into()),
        };
        let settings = fieldline::config::Settings::default();
        fieldline::service::visits::assign(c, &who, decoy, b, &settings).expect("the rival books");
        r.booked.push(tech);
    }));
    let clock = fieldline::clock::Clock::fake(at(TUESDAY_0900));
    let app = crate::helpers::spawn_app_full(move |s| s.auto_assign_hook = Some(hook), clock).await;
    let (dispatcher, _) = app.user(Role::Dispatcher).await;
    rival.lock().unwrap().dispatcher = dispatcher.id.0;
    (app, rival)
}

#[tokio::test]
async fn auto_assign_tries_every_qualifying_technician_before_giving_up() {
    let (app, rival) = app_with_rival().await;
    let f = fixture(&app, "standard").await;
    let mut techs = Vec::new();
    for i in 0..7 {
        let lat = 30.251 + 0.01 * f64::from(i);
        techs.push(
            technician(&app, lat, 120.151, json!([{"skill": "ups", "level": 4}]))
                .await
                .0,
        );
    }
    let v = visit(&app, &f, "ups", 2).await;
    let mut decoys = Vec::new();
    for _ in 0..6 {
        decoys.push(visit(&app, &f, "ups", 2).await.id.0);
    }
    // The rival takes the six best, one by one, just before this dispatcher's booking of each.
    rival.lock().unwrap().decoys = decoys;
    let dispatcher = app.token(Role::Dispatcher).await;
    let got: Visit = app
        .ok(
            app.post(&format!("/api/v1/visits/{}/auto-assign", v.id), &dispatcher, &json!({}))
                .await,
            200,
        )
        .await;
    let booked = rival.lock().unwrap().booked.clone();
    assert_eq!(booked.len(), 6, "the rival took six candidates");
    let last = techs.iter().copied().find(|t| !booked.contains(t)).unwrap();
    assert_eq!(got.technician_id.map(|t| t.0), Some(last), "the seventh, still free");
}

#[tokio::test]
async fn auto_assign_says_when_the_qualifying_technicians_were_booked_meanwhile() {
    let (app, rival) = app_with_rival().await;
    let f = fixture(&app, "standard").await;
    for i in 0..3 {
        technician(
            &app,
            30.251 + 0.01 * f64::from(i),
            120.151,
            json!([{"skill": "ups", "level": 4}]),
        )
        .await;
    }
    // One who does not qualify (no skill): named among those who cannot go.
    technician(&app, 30.252, 120.152, json!([])).await;
    let v = visit(&app, &f, "ups", 2).await;
    let mut decoys = Vec::new();
    for _ in 0..3 {
        decoys.push(visit(&app, &f, "ups", 2).await.id.0);
    }
    rival.lock().unwrap().decoys = decoys;
    let dispatcher = app.token(Role::Dispatcher).await;
    let p = problem(
        app.post(&format!("/api/v1/visits/{}/auto-assign", v.id), &dispatcher, &json!({}))
            .await,
        409,
        "conflict",
    )
    .await;
    assert!(
        p.detail
            .starts_with("all 3 qualifying technicians were booked by others meanwhile"),
        "{}",
        p.detail
    );
    // With nobody qualifying from the start, it says so.
    let w = visit(&app, &f, "ups", 2).await;
    let p = problem(
        app.post(&format!("/api/v1/visits/{}/auto-assign", w.id), &dispatcher, &json!({}))
            .await,
        409,
        "conflict",
    )
    .await;
    assert!(
        p.detail.starts_with("no technician qualifies for the visit ("),
        "{}",
        p.detail
    );
}

#[tokio::test]
async fn a_technician_reads_the_ticket_of_their_visit_and_changes_nothing() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let f = fixture(&app, "standard").await;
    let (tech, tech_token) = technician(&app, 30.251, 120.151, json!([{"skill": "ups", "level": 4}])).await;
    let v = visit(&app, &f, "ups", 2).await;
    let ticket = v.ticket_id.unwrap().0;
    let path = format!("/api/v1/tickets/{ticket}");
    problem(app.get(&path, &tech_token).await, 404, "not_found").await;
    let dispatcher = app.token(Role::Dispatcher).await;
    let assign = json!({"technician_id": tech});
    let r = app
        .post(&format!("/api/v1/visits/{}/assign", v.id), &dispatcher, &assign)
        .await;
    assert_eq!(r.status(), 200);
    // Holding the visit, they read the ticket, its timeline and its authorizations...
    let t: Ticket = app.ok(app.get(&path, &tech_token).await, 200).await;
    assert_eq!(t.id.0, ticket);
    let timeline: Vec<Value> = app
        .ok(app.get(&format!("{path}/timeline"), &tech_token).await, 200)
        .await;
    assert!(!timeline.is_empty());
    let _: Vec<Value> = app
        .ok(app.get(&format!("{path}/authorizations"), &tech_token).await, 200)
        .await;
    // ...but do not change it,
    for (step, body) in [
        ("resolve", json!({"reason": "fixed"})),
        ("callback", json!({})),
        ("authorizations", json!({"authorized_by": "X", "method": "phone"})),
    ] {
        let r = app.post(&format!("{path}/{step}"), &tech_token, &body).await;
        problem(r, 403, "forbidden").await;
    }
    // ...nor see another ticket, and once off the visit the ticket is gone again.
    let other = register(&app, &f, "p3", "phone").await;
    problem(
        app.get(&format!("/api/v1/tickets/{}", other.id), &tech_token).await,
        404,
        "not_found",
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/visits/{}/unassign", v.id),
            &dispatcher,
            &json!({"reason": "another job"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    problem(app.get(&path, &tech_token).await, 404, "not_found").await;
}

#[tokio::test]
async fn duty_shifts_and_the_board_take_plausible_dates_only() {
    let app = spawn_app_at(TUESDAY_0900).await;
    let (tech, _) = technician(&app, 30.251, 120.151, json!([])).await;
    let duty = format!("/api/v1/technicians/{tech}/duty");
    for (start, end, field) in [
        ("0001-01-01T00:00:00Z", "0001-01-02T00:00:00Z", "starts_at"),
        ("2026-11-24T10:00:00Z", "9999-01-01T00:00:00Z", "ends_at"),
    ] {
        let r = app
            .post(&duty, &app.admin, &json!({"starts_at": start, "ends_at": end}))
            .await;
        assert_eq!(problem(r, 422, "validation_failed").await.field.as_deref(), Some(field));
    }
    let r = app.get(&format!("{duty}?from=0001-01-01T00:00:00Z"), &app.admin).await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("from")
    );
    let dispatcher = app.token(Role::Dispatcher).await;
    let r = app.get("/api/v1/dispatch/board?day=0001-01-01", &dispatcher).await;
    assert_eq!(problem(r, 422, "validation_failed").await.field.as_deref(), Some("day"));
}
