use crate::helpers::{problem, spawn_app_at, TestApp};
use crate::tickets::{fixture, register, Fixture};
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{
    JobRun, LadderTier, MailKind, OutboxMessage, Page, ReportKind, Revisit, Role, ServiceReport, Ticket,
};
use serde_json::{json, Value};

/// Monday 2026-11-16, 10:00 in Shanghai: the start of ISO week 2026-W47.
const MONDAY_1000: &str = "2026-11-16T02:00:00Z";

async fn act(app: &TestApp, token: &str, id: i64, step: &str, body: Value) -> Ticket {
    app.ok(
        app.post(&format!("/api/v1/tickets/{id}/{step}"), token, &body).await,
        200,
    )
    .await
}

async fn accept(app: &TestApp, f: &Fixture, t: &Ticket) {
    act(
        app,
        &f.token,
        t.id.0,
        "acceptance",
        json!({"accepted_by": "Wang Fang", "satisfied": true}),
    )
    .await;
}

/// The satisfaction revisit of a ticket, done with a score.
async fn score(app: &TestApp, f: &Fixture, t: &Ticket, score: i32) {
    let all: Page<Revisit> = app
        .ok(
            app.get("/api/v1/revisits?kind=satisfaction&limit=200", &app.admin)
                .await,
            200,
        )
        .await;
    let r = all
        .items
        .iter()
        .find(|r| r.ticket_id == Some(t.id))
        .expect("a satisfaction revisit");
    let _: Revisit = app
        .ok(
            app.post(
                &format!("/api/v1/revisits/{}/outcome", r.id),
                &f.token,
                &json!({"reached": true, "score": score}),
            )
            .await,
            200,
        )
        .await;
}

fn local(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

async fn report(app: &TestApp, token: &str, query: &str) -> ServiceReport {
    app.ok(app.get(&format!("/api/v1/reports/{query}"), token).await, 200)
        .await
}

async fn set_account_manager(app: &TestApp, customer: i64, am: i64) {
    let r = app
        .patch(
            &format!("/api/v1/customers/{customer}"),
            &app.admin,
            &json!({"account_manager_id": am}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

/// A week on the fake clock (every due time on a continuous P2 clock: response 2 h, arrival
/// 8 h from reaching on-site, resolution 36 h; an e-mail is answered by the end of the day):
/// - T1 (phone): answered after 30 min, resolved after 3 h on the hotline, accepted: first-contact.
/// - T2 (e-mail): answered after 1 h, escalated to remote, resolved after 48 h (a breach), accepted.
/// - T3 (phone): answered after 4 h (a breach), escalated straight to on-site, a major fault,
///   the technician there after 6 h; still open past its resolution due time (a breach).
/// - Both closed tickets' satisfaction revisits done: scores 4 and 5.
/// - Another account's ticket (gold) in the same week, outside the account manager's scope.
#[tokio::test]
async fn a_week_of_tickets_gives_exact_figures_in_json_and_csv_for_each_scope() {
    let app = spawn_app_at(MONDAY_1000).await;
    let f = fixture(&app, "standard").await;
    let other = fixture(&app, "gold").await;
    let (am, am_token) = app.user(Role::AccountManager).await;
    let (_, idle_am_token) = app.user(Role::AccountManager).await;
    set_account_manager(&app, f.customer, am.id.0).await;
    let manager = app.token(Role::Manager).await;

    let t1 = register(&app, &f, "p2", "phone").await;
    let t2 = register(&app, &f, "p2", "email").await;
    let t3 = register(&app, &f, "p2", "phone").await;
    let t4 = register(&app, &other, "p2", "phone").await;
    act(&app, &other.token, t4.id.0, "start", json!({})).await;

    app.clock.advance(Duration::minutes(30));
    act(&app, &f.token, t1.id.0, "start", json!({})).await;
    app.clock.advance(Duration::minutes(30));
    act(&app, &f.token, t2.id.0, "start", json!({})).await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{}/authorizations", t2.id),
            &f.token,
            &json!({"authorized_by": "Wang Fang", "method": "phone"}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    act(&app, &f.token, t2.id.0, "escalate", json!({"to": "remote"})).await;

    // 13:00: T1 resolved after 3 h and accepted.
    app.clock.advance(Duration::hours(2));
    act(&app, &f.token, t1.id.0, "resolve", json!({})).await;
    accept(&app, &f, &t1).await;

    // 14:00: T3 answered 2 h late, sent on site, a major fault.
    app.clock.advance(Duration::hours(1));
    act(&app, &f.token, t3.id.0, "start", json!({})).await;
    let t3 = act(
        &app,
        &f.token,
        t3.id.0,
        "escalate",
        json!({"to": "onsite", "reason": "obvious hardware failure",
               "window_start": "2026-11-16T10:00:00Z", "window_end": "2026-11-16T13:00:00Z"}),
    )
    .await;
    assert_eq!(t3.ladder_tier, LadderTier::Onsite);
    assert_eq!(t3.arrival_due_at, Some(local("2026-11-16T22:00:00+08:00")));
    let r = app
        .post(
            &format!("/api/v1/tickets/{}/major-fault", t3.id),
            &f.token,
            &json!({"occurred_at": app.clock.now(), "location": "Line 1 depot", "symptoms": "No power",
                    "handling_plan": "Technician on the way"}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());

    // 20:00: the technician arrives after 6 h.
    app.clock.advance(Duration::hours(6));
    act(&app, &app.admin, t3.id.0, "arrival", json!({})).await;

    // Wednesday 10:00: T2 resolved 12 h after its due time (Tuesday 22:00), accepted.
    app.clock.set(local("2026-11-18T10:00:00+08:00"));
    act(&app, &f.token, t2.id.0, "resolve", json!({})).await;
    accept(&app, &f, &t2).await;
    app.clock.set(local("2026-11-19T10:00:00+08:00"));
    score(&app, &f, &t1, 4).await;
    app.clock.set(local("2026-11-20T10:00:00+08:00"));
    score(&app, &f, &t2, 5).await;

    // The next Monday.
    app.clock.set(local("2026-11-23T10:00:00+08:00"));
    let mine = report(&app, &am_token, "service/weekly?week=2026-W47").await;
    assert_eq!(mine.kind, ReportKind::Weekly);
    assert_eq!(mine.period, "2026-W47");
    assert_eq!(
        (mine.from.to_string(), mine.to.to_string()),
        ("2026-11-16".into(), "2026-11-22".into())
    );
    assert_eq!(mine.time_zone, "Asia/Shanghai");
    assert_eq!(mine.account_manager_id, Some(am.id));
    let t = &mine.tickets;
    assert_eq!((t.received, t.closed, t.first_contact_resolved), (3, 2, 1));
    assert_eq!(t.first_contact_rate_pct, Some(50.0));
    let groups = |g: &[fieldline_mobile_api::ReportGroup]| -> Vec<(String, i64, i64)> {
        g.iter().map(|g| (g.key.clone(), g.received, g.closed)).collect()
    };
    assert_eq!(
        groups(&mine.by_channel),
        [("phone".into(), 2, 1), ("email".into(), 1, 1)]
    );
    // Intake by channel: every channel, the e-mail answered within its first working day.
    let intake: Vec<(&str, i64, Option<f64>, i64, i64)> = mine
        .intake
        .iter()
        .map(|i| {
            (
                i.channel.as_str(),
                i.received,
                i.share_pct,
                i.responses_counted,
                i.responses_met,
            )
        })
        .collect();
    assert_eq!(
        intake,
        [
            ("phone", 2, Some(66.7), 2, 1),
            ("email", 1, Some(33.3), 1, 1),
            ("web", 0, Some(0.0), 0, 0),
            ("mobile", 0, Some(0.0), 0, 0),
            ("inspection", 0, Some(0.0), 0, 0),
            ("revisit", 0, Some(0.0), 0, 0)
        ]
    );
    assert_eq!(groups(&mine.by_customer_tier), [("standard".into(), 3, 2)]);
    assert_eq!(mine.by_region.len(), 1);
    assert_eq!((mine.by_region[0].received, mine.by_region[0].closed), (3, 2));

    let s = &mine.sla;
    let k = &s.response;
    assert_eq!((k.counted, k.met, k.missed, k.still_open), (3, 2, 1, 0));
    assert_eq!(
        (k.met_pct, k.median_minutes, k.p90_minutes),
        (Some(66.7), Some(60.0), Some(204.0))
    );
    let k = &s.arrival;
    assert_eq!((k.counted, k.met, k.missed), (1, 1, 0));
    assert_eq!(
        (k.met_pct, k.median_minutes, k.p90_minutes),
        (Some(100.0), Some(360.0), Some(360.0))
    );
    let k = &s.resolution;
    assert_eq!((k.counted, k.met, k.missed, k.still_open), (3, 1, 2, 1));
    assert_eq!(
        (k.met_pct, k.median_minutes, k.p90_minutes),
        (Some(33.3), Some(1530.0), Some(2610.0))
    );
    // T3's technician was not on record as setting off within 4 h: the arrival after 6 h is
    // the first sign of the departure.
    let k = &s.departure;
    assert_eq!((k.counted, k.met, k.missed, k.still_open), (1, 0, 1, 0));
    assert_eq!((s.callback.counted, s.callback.met_pct), (0, None));
    assert_eq!((s.breaches, s.breached_tickets), (4, 2));

    let esc: Vec<(LadderTier, i64, i64)> = mine
        .escalations
        .iter()
        .map(|e| (e.tier, e.count, e.skipped_tier))
        .collect();
    assert_eq!(esc, [(LadderTier::Remote, 1, 0), (LadderTier::Onsite, 1, 1)]);
    let m = &mine.major_faults;
    assert_eq!((m.declared, m.ended, m.open_at_end), (1, 0, 1));
    assert_eq!(m.faults.len(), 1);
    assert_eq!(m.faults[0].ticket_number, t3.number);
    assert_eq!(
        (mine.revisits.done, mine.revisits.reached, mine.revisits.tickets_opened),
        (2, 2, 0)
    );
    type Scores<'a> = (&'a str, i64, Option<f64>, Option<f64>, i64);
    let sat: Vec<Scores> = mine
        .satisfaction
        .iter()
        .map(|s| {
            (
                s.source.as_str(),
                s.responses,
                s.average_score,
                s.satisfied_pct,
                s.dissatisfied,
            )
        })
        .collect();
    assert_eq!(
        sat,
        [
            ("all", 2, Some(4.5), Some(100.0), 0),
            ("revisit", 2, Some(4.5), Some(100.0), 0)
        ]
    );
    assert!(mine.technicians.is_empty());
    assert_eq!(mine.agents.len(), 1);
    let a = &mine.agents[0];
    assert_eq!(a.user_id, f.agent.id);
    assert_eq!(
        (
            a.received,
            a.closed,
            a.first_contact_resolved,
            a.responses_counted,
            a.responses_met,
            a.revisits_done
        ),
        (3, 2, 1, 3, 2, 2)
    );

    // A manager sees every customer, or one account manager's the same as they do.
    let all = report(&app, &manager, "service/weekly?week=2026-W47").await;
    assert_eq!(all.account_manager_id, None);
    assert_eq!(all.tickets.received, 4);
    assert_eq!(
        groups(&all.by_customer_tier),
        [("standard".into(), 3, 2), ("gold".into(), 1, 0)]
    );
    assert_eq!((all.sla.response.counted, all.sla.response.met), (4, 3));
    assert_eq!(all.agents.len(), 2);
    let as_am = report(
        &app,
        &manager,
        &format!("service/weekly?week=2026-W47&account_manager_id={}", am.id),
    )
    .await;
    assert_eq!(as_am, mine);
    // The same days as a chosen period; the default week is the last complete one.
    let custom = report(&app, &am_token, "service?from=2026-11-16&to=2026-11-22").await;
    assert_eq!(
        (custom.kind, custom.period.as_str()),
        (ReportKind::Custom, "2026-11-16..2026-11-22")
    );
    assert_eq!((custom.tickets, custom.sla), (mine.tickets.clone(), mine.sla.clone()));
    assert_eq!(report(&app, &am_token, "service/weekly").await, mine);
    let month = report(&app, &am_token, "service/monthly?month=2026-11").await;
    assert_eq!((month.period.as_str(), month.tickets.received), ("2026-11", 3));
    assert_eq!(report(&app, &am_token, "service/monthly").await.period, "2026-10");

    // An account manager without customers sees nothing; not another's; a technician nothing.
    let idle = report(&app, &idle_am_token, "service/weekly?week=2026-W47").await;
    assert_eq!((idle.tickets.received, idle.agents.len()), (0, 0));
    let r = app
        .get(
            &format!("/api/v1/reports/service/weekly?account_manager_id={}", am.id),
            &idle_am_token,
        )
        .await;
    problem(r, 403, "forbidden").await;
    let tech = app.token(Role::Technician).await;
    problem(app.get("/api/v1/reports/service/weekly", &tech).await, 403, "forbidden").await;
    let r = app
        .get(
            &format!("/api/v1/reports/service/weekly?account_manager_id={}", f.agent.id),
            &manager,
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("account_manager_id")
    );

    // CSV: by `format`, or by the Accept header.
    let r = app
        .get("/api/v1/reports/service/weekly?week=2026-W47&format=csv", &am_token)
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"service-report-2026-W47.csv\""
    );
    let text = r.text().await.unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "section,key,label,metric,value");
    assert!(lines.iter().all(|l| l.split(',').count() == 5), "{text}");
    for row in [
        "report,,,period,2026-W47",
        &format!("report,,,account_manager_id,{}", am.id),
        "tickets,,,received,3",
        "tickets,,,first_contact_rate_pct,50",
        "channel,phone,phone,received,2",
        "sla,response,,met_pct,66.7",
        "sla,response,,p90_minutes,204",
        "sla,resolution,,median_minutes,1530",
        "sla,resolution,,still_open,1",
        "sla,callback,,met_pct,",
        "sla,,,breaches,4",
        "sla,departure,,missed,1",
        "kind,fault,fault,received,3",
        "escalations,onsite,,skipped_tier,1",
        "escalations,onsite,,automatic,0",
        "major_faults,,,open_at_end,1",
        "satisfaction,revisit,,average_score,4.5",
        &format!("agent,{},{},closed,2", f.agent.id, f.agent.display_name),
    ] {
        assert!(lines.contains(&row), "{row} in\n{text}");
    }
    let by_accept = app
        .http
        .get(app.url("/api/v1/reports/service/weekly?week=2026-W47"))
        .bearer_auth(&am_token)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(by_accept.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(by_accept.text().await.unwrap(), text);
}

#[tokio::test]
async fn periods_are_validated_naming_the_field() {
    let app = spawn_app_at(MONDAY_1000).await;
    let manager = app.token(Role::Manager).await;
    for (query, field) in [
        ("service?to=2026-11-22", "from"),
        ("service?from=2026-11-16", "to"),
        ("service?from=2026-02-30&to=2026-03-01", "from"),
        ("service?from=16.11.2026&to=2026-11-22", "from"),
        ("service?from=2026-11-22&to=2026-11-16", "to"),
        ("service?from=2025-01-01&to=2026-11-22", "to"),
        ("service?from=2026-11-16&to=2026-11-22&format=xml", "format"),
        ("service/weekly?week=2026-W60", "week"),
        ("service/weekly?week=47", "week"),
        ("service/monthly?month=2026-13", "month"),
        ("service/monthly?month=November", "month"),
        ("service/monthly?account_manager_id=x", "account_manager_id"),
    ] {
        let r = app.get(&format!("/api/v1/reports/{query}"), &manager).await;
        let p = problem(r, 422, "validation_failed").await;
        assert_eq!(p.field.as_deref(), Some(field), "{query}: {}", p.detail);
    }
    let ok = report(&app, &manager, "service?from=2025-11-22&to=2026-11-22").await;
    assert_eq!(ok.tickets.received, 0, "366 days is the longest period");
}

async fn run_mailing(app: &TestApp) -> JobRun {
    app.ok(
        app.post("/api/v1/jobs/report_mailing/run", &app.admin, &json!({}))
            .await,
        200,
    )
    .await
}

async fn report_mails(app: &TestApp) -> Vec<OutboxMessage> {
    let page: Page<OutboxMessage> = app.ok(app.get("/api/v1/outbox?limit=200", &app.admin).await, 200).await;
    let mut mails: Vec<OutboxMessage> = page
        .items
        .into_iter()
        .filter(|m| m.kind == MailKind::ServiceReport)
        .collect();
    mails.sort_by_key(|m| m.id.0);
    mails
}

#[tokio::test]
async fn the_job_mails_each_report_once_and_catches_up_after_a_skipped_week() {
    // Monday 2026-11-23, 10:00 in Shanghai.
    let app = spawn_app_at("2026-11-23T02:00:00Z").await;
    let (manager, _) = app.user(Role::Manager).await;
    let (am, _) = app.user(Role::AccountManager).await;
    let (_idle_am, _) = app.user(Role::AccountManager).await;
    let (_supervisor, _) = app.user(Role::Supervisor).await;
    let f = fixture(&app, "standard").await;
    set_account_manager(&app, f.customer, am.id.0).await;
    register(&app, &f, "p2", "phone").await;
    // The manager reads English; the account manager chose no language and reads Chinese.
    let r = app
        .patch(
            &format!("/api/v1/users/{}", manager.id.0),
            &app.admin,
            &json!({"language": "en"}),
        )
        .await;
    assert_eq!(r.status(), 200);

    let first = run_mailing(&app).await;
    assert!(first.ran);
    assert_eq!(
        first.actions, 4,
        "the last week and the last month, to the manager and the account manager"
    );
    let mails = report_mails(&app).await;
    let sent: Vec<(String, Vec<String>)> = mails
        .iter()
        .map(|m| (m.subject.clone(), m.recipients.clone()))
        .collect();
    let to_manager = vec![manager.email.clone().unwrap()];
    let to_am = vec![am.email.clone().unwrap()];
    let for_am = |s: &str| format!("{s}（{} 负责的客户）", am.display_name);
    assert_eq!(
        sent,
        [
            ("Weekly service summary 2026-W47".to_string(), to_manager.clone()),
            (for_am("每周服务简报 2026-W47"), to_am.clone()),
            (
                "Monthly service supervision report 2026-10".to_string(),
                to_manager.clone()
            ),
            (for_am("月度服务监督报告 2026-10"), to_am.clone()),
        ]
    );
    assert!(mails.iter().all(|m| m.has_html));

    let trail: Page<fieldline_mobile_api::AuditEvent> = app
        .ok(app.get("/api/v1/audit?entity=report_mailing", &app.admin).await, 200)
        .await;
    assert_eq!(trail.total, 4, "each mailing in the audit trail");
    assert!(trail.items.iter().all(|e| e.action == "create" && e.actor_id.is_none()));

    // A second run (or a second node) sends nothing again.
    let again = run_mailing(&app).await;
    assert_eq!(again.actions, 0);
    assert_eq!(report_mails(&app).await.len(), 4);

    // Down for the whole next week: the run two Mondays later sends both missed weeks and November.
    app.clock.set("2026-12-07T02:00:00Z".parse().unwrap());
    let catch_up = run_mailing(&app).await;
    assert_eq!(catch_up.actions, 6);
    let subjects: Vec<String> = report_mails(&app).await[4..]
        .iter()
        .map(|m| m.subject.clone())
        .collect();
    assert_eq!(
        subjects,
        [
            "Weekly service summary 2026-W48".to_string(),
            for_am("每周服务简报 2026-W48"),
            "Weekly service summary 2026-W49".to_string(),
            for_am("每周服务简报 2026-W49"),
            "Monthly service supervision report 2026-11".to_string(),
            for_am("月度服务监督报告 2026-11"),
        ]
    );
    assert_eq!(run_mailing(&app).await.actions, 0);
    assert_eq!(report_mails(&app).await.len(), 10);

    // The relay delivers them as HTML e-mail.
    let relay: JobRun = app
        .ok(
            app.post("/api/v1/jobs/mail_relay/run", &app.admin, &json!({})).await,
            200,
        )
        .await;
    assert_eq!(relay.actions, 10);
}

#[tokio::test]
async fn a_technicians_visits_are_counted_in_the_week_they_finish() {
    // Tuesday 2026-11-24, 09:00 in Shanghai: a visit 10:00-12:00 assigned to the technician.
    let crate::mobile::Setup {
        app,
        tech,
        phone,
        visit: v,
        ..
    } = crate::mobile::setup().await;
    crate::mobile::work_the_visit(&app, &phone, v).await;

    let manager = app.token(Role::Manager).await;
    let r = report(&app, &manager, "service/weekly?week=2026-W48").await;
    assert_eq!(r.technicians.len(), 1);
    let t = &r.technicians[0];
    assert_eq!(
        (t.user_id, t.display_name.as_str()),
        (tech.id, tech.display_name.as_str())
    );
    assert_eq!((t.visits_completed, t.visits_failed, t.checked_in_on_time), (1, 0, 1));
    assert_eq!(t.median_minutes_on_site, Some(50.0));
    // The check-in is the ticket's arrival: an hour after it reached the on-site tier.
    let a = &r.sla.arrival;
    assert_eq!((a.counted, a.met, a.median_minutes), (1, 1, Some(60.0)));
    let earlier = report(&app, &manager, "service/weekly?week=2026-W47").await;
    assert!(earlier.technicians.is_empty());
}
