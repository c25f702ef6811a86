//! Quality review of handled tickets: the monthly sample (reproducible, never a ticket twice, the
//! configured count), scoring with weights, the agent's dispute decided once by a second
//! reviewer, who may do what, and the monthly quality report in JSON and CSV.

use crate::helpers::{problem, spawn_app_at, TestApp};
use crate::tickets::{fixture, register, Fixture};
use chrono::Duration;
use diesel::RunQueryDsl;
use fieldline_mobile_api::{
    JobRun, Notification, Page, QualityCriterion, QualityReport, QualityReview, QualityReviewDetail,
    QualityReviewStatus, QualitySettings, Role, SampleDrawn, ServiceReport, User,
};
use serde_json::{json, Value};

/// Thursday 2026-12-03, 10:00 in Shanghai: November is over.
const DEC_3: &str = "2026-12-03T02:00:00Z";

/// Runs SQL on the test's database (the organisation API is not this area's: teams, grants and
/// handled tickets are set directly).
pub fn sql(app: &TestApp, stmt: &str) {
    let pool = fieldline::db::connect(&app.settings.database_url, 1).expect("the test database");
    let mut c = pool.get().expect("a connection");
    diesel::sql_query(stmt).execute(&mut *c).expect(stmt);
}

/// Gives the user the reviewer grant.
pub fn make_reviewer(app: &TestApp, user: &User) {
    sql(
        app,
        &format!("UPDATE users SET grants = 'reviewer' WHERE id = {}", user.id.0),
    );
}

/// Marks the ticket handled (closed, resolved at `at`, a UTC time `YYYY-MM-DD HH:MM:SS`).
pub fn handled(app: &TestApp, ticket: i64, at: &str) {
    sql(
        app,
        &format!("UPDATE tickets SET status = 'closed', resolved_at = '{at}', closed_at = '{at}' WHERE id = {ticket}"),
    );
}

pub struct World {
    pub app: TestApp,
    pub a: Fixture,
    pub b: Fixture,
    pub reviewer: (User, String),
    pub second: (User, String),
    /// Agent A's tickets handled in November, agent B's, and A's handled in October.
    pub a_nov: Vec<i64>,
    pub b_nov: Vec<i64>,
    pub a_oct: i64,
    pub team: i64,
}

/// Two agents (A in the team "Day shift"), two reviewers; A handled five tickets in November,
/// one in October and holds one open; B handled one in November.
pub async fn world() -> World {
    let app = spawn_app_at(DEC_3).await;
    let a = fixture(&app, "standard").await;
    let (b_user, b_token) = app.user(Role::Agent).await;
    let b = Fixture {
        agent: b_user,
        token: b_token,
        ..a.clone_ids()
    };
    let reviewer = app.user(Role::Supervisor).await;
    let second = app.user(Role::Agent).await;
    make_reviewer(&app, &reviewer.0);
    make_reviewer(&app, &second.0);
    let team = 9001;
    sql(
        &app,
        &format!("INSERT INTO teams (id, name, kind, active, created_at, updated_at) VALUES ({team}, 'Day shift', 'hotline_shift', TRUE, '2026-11-01 00:00:00', '2026-11-01 00:00:00')"),
    );
    sql(
        &app,
        &format!("UPDATE users SET team_id = {team} WHERE id = {}", a.agent.id.0),
    );
    let mut a_nov = Vec::new();
    for day in 2..=6 {
        let t = register(&app, &a, "p3", "phone").await;
        handled(&app, t.id.0, &format!("2026-11-{day:02} 03:00:00"));
        a_nov.push(t.id.0);
    }
    let t = register(&app, &a, "p3", "phone").await;
    handled(&app, t.id.0, "2026-10-20 03:00:00");
    let a_oct = t.id.0;
    register(&app, &a, "p3", "phone").await; // still open
    let t = register(&app, &b, "p3", "phone").await;
    handled(&app, t.id.0, "2026-11-20 03:00:00");
    World {
        app,
        a,
        b,
        reviewer,
        second,
        a_nov,
        b_nov: vec![t.id.0],
        a_oct,
        team,
    }
}

trait CloneIds {
    fn clone_ids(&self) -> Fixture;
}

impl CloneIds for Fixture {
    fn clone_ids(&self) -> Fixture {
        Fixture {
            agent: self.agent.clone(),
            token: self.token.clone(),
            customer: self.customer,
            site: self.site,
            asset: self.asset,
            contact: self.contact,
        }
    }
}

async fn put(app: &TestApp, path: &str, token: &str, body: &Value) -> reqwest::Response {
    app.http
        .put(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("request")
}

async fn draw(app: &TestApp, token: &str, month: &str) -> SampleDrawn {
    app.ok(
        app.post("/api/v1/quality/samples", token, &json!({ "month": month }))
            .await,
        200,
    )
    .await
}

async fn queue(app: &TestApp, token: &str, query: &str) -> Page<QualityReview> {
    app.ok(app.get(&format!("/api/v1/quality/reviews?{query}"), token).await, 200)
        .await
}

async fn set_sample(app: &TestApp, n: i32) {
    let s: QualitySettings = app
        .ok(
            put(
                app,
                "/api/v1/quality/settings",
                &app.admin,
                &json!({ "sample_per_agent": n }),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(s.sample_per_agent, n);
}

async fn criteria(app: &TestApp, token: &str) -> Vec<QualityCriterion> {
    app.ok(app.get("/api/v1/quality/criteria", token).await, 200).await
}

/// Every active criterion scored `score`, but the one named `low` scored `low_score` with a fault.
fn scores(cs: &[QualityCriterion], score: i32, low: &str, low_score: i32) -> Value {
    json!(cs
        .iter()
        .filter(|c| c.active)
        .map(|c| if !low.is_empty() && c.name.starts_with(low) {
            json!({"criterion_id": c.id, "score": low_score, "fault": "no greeting, no closing"})
        } else {
            json!({"criterion_id": c.id, "score": score})
        })
        .collect::<Vec<_>>())
}

/// The first review of agent A in the month's queue, scored by the first reviewer.
async fn scored(w: &World) -> QualityReview {
    draw(&w.app, &w.reviewer.1, "2026-11").await;
    let q = queue(
        &w.app,
        &w.reviewer.1,
        &format!("month=2026-11&agent_id={}", w.a.agent.id.0),
    )
    .await;
    let cs = criteria(&w.app, &w.reviewer.1).await;
    w.app
        .ok(
            w.app
                .post(
                    &format!("/api/v1/quality/reviews/{}/score", q.items[0].id.0),
                    &w.reviewer.1,
                    &json!({"scores": scores(&cs, 5, "Greeting and courtesy", 1), "comments": "Correct answer."}),
                )
                .await,
            200,
        )
        .await
}

#[tokio::test]
async fn the_monthly_sample_is_reproducible_honours_the_count_and_never_repeats_a_ticket() {
    let w = world().await;
    let app = &w.app;
    set_sample(app, 2).await;

    // November: two of A's five, B's one; October's ticket and the open one are not candidates.
    let first = draw(app, &w.reviewer.1, "2026-11").await;
    assert_eq!(
        (first.drawn, first.sampled, first.agents, first.sample_per_agent),
        (3, 3, 2, 2)
    );
    let q = queue(app, &w.reviewer.1, "month=2026-11&status=queued").await;
    assert_eq!(q.total, 3);
    let mut of_a: Vec<i64> = q
        .items
        .iter()
        .filter(|r| r.agent_id == w.a.agent.id)
        .map(|r| r.ticket_id.0)
        .collect();
    of_a.sort_unstable();
    // The draw is the stable hash order of (month, agent, ticket): the same on any node.
    let mut expected = fieldline::domain::quality::draw("2026-11", w.a.agent.id.0, &w.a_nov, 0, 2);
    expected.sort_unstable();
    assert_eq!(of_a, expected);
    assert!(!of_a.contains(&w.a_oct));
    let team_of_a = q.items.iter().find(|r| r.agent_id == w.a.agent.id).unwrap();
    assert_eq!(team_of_a.team_name.as_deref(), Some("Day shift"));
    assert!(q.items.iter().any(|r| r.ticket_id.0 == w.b_nov[0]));

    // Drawn again: nothing more, the same tickets.
    let again = draw(app, &w.second.1, "2026-11").await;
    assert_eq!((again.drawn, again.sampled), (0, 3));

    // The count raised to three: A's sample is topped up by one, B has no more.
    set_sample(app, 3).await;
    let topped = draw(app, &w.reviewer.1, "2026-11").await;
    assert_eq!((topped.drawn, topped.sampled), (1, 4));
    let q = queue(
        app,
        &w.reviewer.1,
        &format!("month=2026-11&agent_id={}", w.a.agent.id.0),
    )
    .await;
    let mut now_a: Vec<i64> = q.items.iter().map(|r| r.ticket_id.0).collect();
    now_a.sort_unstable();
    let mut expected = fieldline::domain::quality::draw("2026-11", w.a.agent.id.0, &w.a_nov, 0, 3);
    expected.sort_unstable();
    assert_eq!(now_a, expected, "the top-up is the next in the same order");

    // A sampled ticket handled again in December, and one never sampled: December's draw (the
    // scheduled job, on 2 January) takes the new one only.
    let resampled = now_a[0];
    let fresh = *w.a_nov.iter().find(|t| !now_a.contains(t)).unwrap();
    handled(app, resampled, "2026-12-10 03:00:00");
    handled(app, fresh, "2026-12-11 03:00:00");
    app.clock.set("2027-01-02T01:00:00Z".parse().unwrap());
    let run: JobRun = app
        .ok(
            app.post("/api/v1/jobs/quality_sample/run", &app.admin, &json!({}))
                .await,
            200,
        )
        .await;
    assert!(run.ran);
    assert_eq!(run.actions, 1);
    let dec = queue(app, &w.reviewer.1, "month=2026-12").await;
    assert_eq!(dec.items.iter().map(|r| r.ticket_id.0).collect::<Vec<_>>(), vec![fresh]);

    // A month not over yet, or not a month, is refused.
    problem(
        app.post("/api/v1/quality/samples", &w.reviewer.1, &json!({"month": "2027-01"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    problem(
        app.post("/api/v1/quality/samples", &w.reviewer.1, &json!({"month": "January"}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    problem(
        put(
            app,
            "/api/v1/quality/settings",
            &app.admin,
            &json!({"sample_per_agent": 0}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
}

#[tokio::test]
async fn a_review_reads_the_ticket_and_scores_with_weights() {
    let w = world().await;
    let app = &w.app;
    draw(app, &w.reviewer.1, "2026-11").await;
    let q = queue(
        app,
        &w.reviewer.1,
        &format!("month=2026-11&agent_id={}", w.a.agent.id.0),
    )
    .await;
    let id = q.items[0].id.0;
    let d: QualityReviewDetail = app
        .ok(
            app.get(&format!("/api/v1/quality/reviews/{id}"), &w.reviewer.1).await,
            200,
        )
        .await;
    assert_eq!(d.ticket.id, q.items[0].ticket_id);
    assert_eq!(d.ticket.title, "UPS alarm");
    assert!(!d.timeline.is_empty(), "the ticket's timeline is read");
    assert_eq!(d.scorecard.len(), 6);
    assert_eq!(d.scorecard.iter().map(|c| c.weight).sum::<i32>(), 100);

    // A criterion left out, or a score out of range: 422 naming the field.
    let cs = d.scorecard.clone();
    let partial: Vec<Value> = cs[1..]
        .iter()
        .map(|c| json!({"criterion_id": c.id, "score": 5}))
        .collect();
    problem(
        app.post(
            &format!("/api/v1/quality/reviews/{id}/score"),
            &w.reviewer.1,
            &json!({"scores": partial}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    let p = problem(
        app.post(
            &format!("/api/v1/quality/reviews/{id}/score"),
            &w.reviewer.1,
            &json!({"scores": scores(&cs, 6, "", 0)}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("scores[0].score"));

    // Accuracy (weight 25) scored 0, the rest 5: 75.
    let r: QualityReview = app
        .ok(
            app.post(
                &format!("/api/v1/quality/reviews/{id}/score"),
                &w.reviewer.1,
                &json!({"scores": scores(&cs, 5, "Accuracy of the answer", 0), "comments": "Wrong part named."}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(r.status, QualityReviewStatus::Reviewed);
    assert_eq!(r.total, Some(75.0));
    assert_eq!(r.reviewer_id, Some(w.reviewer.0.id));
    assert_eq!(r.scores.iter().filter(|s| s.fault.is_some()).count(), 1);

    // Scored once: a second time is refused.
    problem(
        app.post(
            &format!("/api/v1/quality/reviews/{id}/score"),
            &w.second.1,
            &json!({"scores": scores(&cs, 5, "", 0)}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;

    // The weights are the admin's: Accuracy weighs 50 from now on; the review keeps its 25.
    let acc = cs
        .iter()
        .find(|c| c.name.starts_with("Accuracy of the answer"))
        .unwrap();
    let changed: QualityCriterion = app
        .ok(
            put(
                app,
                &format!("/api/v1/quality/criteria/{}", acc.id.0),
                &app.admin,
                &json!({"name": acc.name, "description": acc.description, "weight": 50}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(changed.weight, 50);
    let second = q.items[1].id.0;
    let r2: QualityReview = app
        .ok(
            app.post(
                &format!("/api/v1/quality/reviews/{second}/score"),
                &w.reviewer.1,
                &json!({"scores": scores(&cs, 5, "Accuracy of the answer", 0)}),
            )
            .await,
            200,
        )
        .await;
    // 50 of 125 lost: 60.
    assert_eq!(r2.total, Some(60.0));
    let again: QualityReviewDetail = app
        .ok(
            app.get(&format!("/api/v1/quality/reviews/{id}"), &w.reviewer.1).await,
            200,
        )
        .await;
    assert_eq!(again.review.total, Some(75.0));

    // The agent is told and sees the review among their own; the queued ones are not shown.
    let mine: Page<QualityReview> = app
        .ok(app.get("/api/v1/quality/reviews/mine", &w.a.token).await, 200)
        .await;
    assert_eq!(mine.items.len(), 2);
    let notes: Page<Notification> = app.ok(app.get("/api/v1/notifications", &w.a.token).await, 200).await;
    assert!(notes.items.iter().any(|n| n.kind == "quality_reviewed"));
    app.ok::<QualityReviewDetail>(app.get(&format!("/api/v1/quality/reviews/{id}"), &w.a.token).await, 200)
        .await;
    // Another agent reads neither.
    problem(
        app.get(&format!("/api/v1/quality/reviews/{id}"), &w.b.token).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn a_dispute_is_raised_once_and_decided_once_by_a_second_reviewer() {
    let w = world().await;
    let app = &w.app;
    let r = scored(&w).await;
    let id = r.id.0;
    let path = |step: &str| format!("/api/v1/quality/reviews/{id}/{step}");

    // Only the review's agent disputes it.
    problem(
        app.post(&path("dispute"), &w.b.token, &json!({"reason": "not mine"}))
            .await,
        403,
        "forbidden",
    )
    .await;
    problem(
        app.post(&path("dispute"), &w.a.token, &json!({"reason": "  "})).await,
        422,
        "validation_failed",
    )
    .await;
    let d: QualityReview = app
        .ok(
            app.post(
                &path("dispute"),
                &w.a.token,
                &json!({"reason": "I greeted the customer; see the call note."}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(d.status, QualityReviewStatus::Disputed);
    // Once.
    problem(
        app.post(&path("dispute"), &w.a.token, &json!({"reason": "again"}))
            .await,
        409,
        "invalid_transition",
    )
    .await;

    // The first reviewer does not decide; the agent neither (and holds no grant).
    problem(
        app.post(
            &path("decide"),
            &w.reviewer.1,
            &json!({"decision": "upheld", "note": "I stand by it"}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    problem(
        app.post(&path("decide"), &w.a.token, &json!({"decision": "upheld", "note": "x"}))
            .await,
        403,
        "forbidden",
    )
    .await;
    // A changed decision needs the scores again.
    problem(
        app.post(
            &path("decide"),
            &w.second.1,
            &json!({"decision": "changed", "note": "x"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    let notes: Page<Notification> = app.ok(app.get("/api/v1/notifications", &w.second.1).await, 200).await;
    assert!(notes.items.iter().any(|n| n.kind == "quality_disputed"));
    let cs = criteria(app, &w.second.1).await;
    let decided: QualityReview = app
        .ok(
            app.post(
                &path("decide"),
                &w.second.1,
                &json!({"decision": "changed", "note": "The greeting is in the call note.", "scores": scores(&cs, 5, "", 0)}),
            )
            .await,
            200,
        )
        .await;
    assert_eq!(decided.status, QualityReviewStatus::Decided);
    assert_eq!(decided.total, Some(100.0));
    assert_eq!(decided.first_total, r.total);
    assert_eq!(decided.decider_id, Some(w.second.0.id));

    // Final: a second decision and a second dispute are refused.
    problem(
        app.post(
            &path("decide"),
            &w.second.1,
            &json!({"decision": "upheld", "note": "again"}),
        )
        .await,
        409,
        "invalid_transition",
    )
    .await;
    problem(
        app.post(&path("dispute"), &w.a.token, &json!({"reason": "once more"}))
            .await,
        409,
        "invalid_transition",
    )
    .await;
}

#[tokio::test]
async fn without_the_reviewer_grant_there_is_no_queue_no_scoring_and_no_deciding() {
    let w = world().await;
    let app = &w.app;
    draw(app, &w.reviewer.1, "2026-11").await;
    let q = queue(app, &w.reviewer.1, "month=2026-11").await;
    let id = q.items[0].id.0;
    let supervisor = app.token(Role::Supervisor).await;
    for token in [&w.a.token, &supervisor] {
        problem(app.get("/api/v1/quality/reviews", token).await, 403, "forbidden").await;
        problem(
            app.post("/api/v1/quality/samples", token, &json!({"month": "2026-11"}))
                .await,
            403,
            "forbidden",
        )
        .await;
        problem(
            app.post(
                &format!("/api/v1/quality/reviews/{id}/score"),
                token,
                &json!({"scores": []}),
            )
            .await,
            403,
            "forbidden",
        )
        .await;
        problem(
            app.post(
                &format!("/api/v1/quality/reviews/{id}/decide"),
                token,
                &json!({"decision": "upheld", "note": "x"}),
            )
            .await,
            403,
            "forbidden",
        )
        .await;
        problem(
            app.post(
                "/api/v1/quality/training",
                token,
                &json!({"month": "2026-11", "team_id": w.team, "text": "x"}),
            )
            .await,
            403,
            "forbidden",
        )
        .await;
    }
    // The report: the supervisor reads it, the agent does not.
    problem(
        app.get("/api/v1/quality/report?month=2026-11", &w.a.token).await,
        403,
        "forbidden",
    )
    .await;
    app.ok::<QualityReport>(app.get("/api/v1/quality/report?month=2026-11", &supervisor).await, 200)
        .await;
    // The scorecard and the sample's size are the admin's.
    problem(
        put(
            app,
            "/api/v1/quality/settings",
            &w.reviewer.1,
            &json!({"sample_per_agent": 4}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    problem(
        app.post(
            "/api/v1/quality/criteria",
            &w.reviewer.1,
            &json!({"name": "Empathy", "weight": 10}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    let tech = app.token(Role::Technician).await;
    problem(app.get("/api/v1/quality/criteria", &tech).await, 403, "forbidden").await;
    // A reviewer does not score their own ticket.
    make_reviewer(app, &w.a.agent);
    let own = queue(
        app,
        &w.reviewer.1,
        &format!("month=2026-11&agent_id={}", w.a.agent.id.0),
    )
    .await;
    let cs = criteria(app, &w.a.token).await;
    problem(
        app.post(
            &format!("/api/v1/quality/reviews/{}/score", own.items[0].id.0),
            &w.a.token,
            &json!({"scores": scores(&cs, 5, "", 0)}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_monthly_quality_report_in_json_and_csv_and_the_service_reports_section() {
    let w = world().await;
    let app = &w.app;
    let r = scored(&w).await;
    app.post(
        &format!("/api/v1/quality/reviews/{}/dispute", r.id.0),
        &w.a.token,
        &json!({"reason": "I did greet"}),
    )
    .await;
    let entry: Value = app
        .ok(
            app.post(
                "/api/v1/quality/training",
                &w.reviewer.1,
                &json!({"month": "2026-11", "agent_id": w.a.agent.id, "text": "Service language drill: greeting and closing."}),
            )
            .await,
            201,
        )
        .await;
    assert_eq!(entry["agent_name"], json!(w.a.agent.display_name));
    problem(
        app.post(
            "/api/v1/quality/training",
            &w.reviewer.1,
            &json!({"month": "2026-11", "text": "for whom?"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;

    let manager = app.token(Role::Manager).await;
    let report: QualityReport = app
        .ok(app.get("/api/v1/quality/report?month=2026-11", &manager).await, 200)
        .await;
    assert_eq!(report.month, "2026-11");
    assert_eq!(report.reviewed, 1);
    let a = report.agents.iter().find(|l| l.id == Some(w.a.agent.id.0)).unwrap();
    assert_eq!(a.reviewed, 1);
    assert_eq!(a.average, r.total);
    assert_eq!(a.disputes, 1);
    assert_eq!(a.team_name.as_deref(), Some("Day shift"));
    assert_eq!(a.trend.len(), 6);
    assert_eq!(a.trend.last().unwrap().month, "2026-11");
    assert!(a.faults[0].criterion.starts_with("Greeting and courtesy"));
    let team = report.teams.iter().find(|l| l.name == "Day shift").unwrap();
    assert_eq!(team.reviewed, 1);
    assert!(report.teams.iter().any(|l| l.name == "No team"), "B has no team");
    assert_eq!(report.training.len(), 1);

    let resp = app
        .get("/api/v1/quality/report?month=2026-11&format=csv", &manager)
        .await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = resp.text().await.unwrap();
    assert!(csv.starts_with("section,key,label,metric,value\r\n"));
    assert!(csv.contains("quality_report,,,reviewed,1\r\n"));
    assert!(csv.contains(&format!(
        "agent,{},{},disputes,1\r\n",
        w.a.agent.id.0, w.a.agent.display_name
    )));
    assert!(csv.contains("agent_fault,"));
    assert!(csv.contains("training,"));
    problem(
        app.get("/api/v1/quality/report?month=11-2026", &manager).await,
        422,
        "validation_failed",
    )
    .await;

    // The service report of December (the review was scored and disputed on 3 December).
    let s: ServiceReport = app
        .ok(
            app.get("/api/v1/reports/service?from=2026-12-01&to=2026-12-31", &manager)
                .await,
            200,
        )
        .await;
    assert_eq!(s.quality.reviews_done, 1);
    assert_eq!(s.quality.average_score, r.total);
    assert_eq!(s.quality.disputes, 1);
    let csv = app
        .get(
            "/api/v1/reports/service?from=2026-12-01&to=2026-12-31&format=csv",
            &manager,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("quality,,,reviews_done,1\r\n"));
    assert!(csv.contains("quality,,,disputes,1\r\n"));
    app.clock.advance(Duration::days(1));
}
