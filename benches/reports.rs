//! Service reports over a year of tickets.
//!
//!   cargo bench --bench reports -- [TICKETS=100000]
//!
//! Runs on a fresh SQLite file, or on PostgreSQL when BENCH_DATABASE_URL is set. Registers the
//! tickets through the same function the API uses, received evenly over the year before a Monday
//! 10:00 and spread over two account managers' customers, then marks nine in ten of them
//! answered, resolved and closed within two days (one bulk update). Times the weekly report, the
//! monthly report and a 366-day report, for every customer and for one account manager's; prints
//! the median of five runs of each.

use chrono::{DateTime, Duration, Utc};
use diesel::connection::SimpleConnection;
use fieldline::db::audit::Actor;
use fieldline::db::{self, reports};
use fieldline::domain::cadence::IsoWeek;
use fieldline::domain::report::Period;
use fieldline::service::tickets_registration as tickets;
use fieldline_mobile_api::{Channel, Priority, RequestKind, Tier};
use std::time::Instant;

mod common;

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let url = common::database_url()?;
    let pool = db::connect(&url, 2)?;
    let mut c = pool.get()?;
    let t0: DateTime<Utc> = "2026-11-23T02:00:00Z".parse()?; // Monday 10:00 in Shanghai
    let system = Actor::system(t0 - Duration::days(400));
    fieldline::service::sla::ensure_default_policies(&mut c, &system)?;
    fieldline::service::sla::ensure_calendar(&mut c, &system, chrono_tz::Asia::Shanghai)?;
    let agent = common::user(&mut c, &system, "bench-agent", "Bench Agent", "agent")?.id;
    let ams = [
        common::user(&mut c, &system, "bench-am-1", "Bench AM 1", "account_manager")?
            .id
            .0,
        common::user(&mut c, &system, "bench-am-2", "Bench AM 2", "account_manager")?
            .id
            .0,
    ];
    common::centre_region(&mut c, &system)?;
    let mut places = Vec::new();
    for (i, am) in ams.iter().enumerate() {
        let name = format!("Bench Customer {i}");
        places.push(common::customer_with_site(
            &mut c,
            &system,
            &name,
            Tier::ALL[i],
            Some(*am),
        )?);
    }
    let step = Duration::hours(1);
    let year = 365 * 24 * 3600;
    let started = Instant::now();
    for i in 0..n {
        let received = t0 - Duration::seconds(((i as i64) * year) / n as i64);
        let (customer, site) = places[i % 2];
        let r = tickets::Registration {
            customer_id: customer,
            contact_id: None,
            site_id: Some(site),
            asset_id: None,
            channel: Channel::ALL[i % 4],
            kind: RequestKind::ALL[i % 4],
            priority: Priority::ALL[i % 4],
            title: format!("Bench ticket {i}"),
            description: "Registered by the report benchmark".into(),
            received_at: received,
            // Benchmark tickets on one site: not checked for repeat contacts.
            link: tickets::Link::Unchecked,
        };
        tickets::register(&mut c, &Actor::user(agent, received), r, step)?;
    }
    let load = started.elapsed();
    let close = match c.kind() {
        db::BackendKind::Sqlite => {
            "UPDATE tickets SET status = 'closed', \
             responded_at = datetime(opened_at, '+' || (id % 180) || ' minutes'), \
             resolved_at = datetime(opened_at, '+' || (id % 47) || ' hours'), \
             closed_at = datetime(opened_at, '+' || (id % 47 + 1) || ' hours') \
             WHERE id % 10 <> 0"
        }
        db::BackendKind::Postgres => {
            "UPDATE tickets SET status = 'closed', \
             responded_at = opened_at + (id % 180) * interval '1 minute', \
             resolved_at = opened_at + (id % 47) * interval '1 hour', \
             closed_at = opened_at + (id % 47 + 1) * interval '1 hour' \
             WHERE id % 10 <> 0; VACUUM ANALYZE tickets"
        }
    };
    c.batch_execute(close)?;
    println!("backend: {:?}", c.kind());
    println!(
        "registered {n} tickets over a year in {:.1} s; nine in ten closed",
        load.as_secs_f64()
    );

    let today = t0.date_naive();
    let periods = [
        ("weekly", Period::week(IsoWeek::of(today - chrono::Days::new(7)))),
        (
            "monthly",
            Period::previous(fieldline_mobile_api::ReportKind::Monthly, today),
        ),
        ("366 days", Period::custom(Some("2025-11-22"), Some("2026-11-22"))?),
    ];
    for (name, period) in periods {
        for (scope, am) in [("every customer", None), ("one account manager", Some(ams[0]))] {
            let mut ms = Vec::new();
            let mut received = 0;
            for _ in 0..5 {
                let s = Instant::now();
                let r = reports::service_report(&mut c, &period, am, t0)?;
                ms.push(s.elapsed().as_secs_f64() * 1000.0);
                received = r.tickets.received;
            }
            ms.sort_by(|a, b| a.total_cmp(b));
            println!(
                "{name} report ({}), {scope}: median {:.1} ms (min {:.1}, max {:.1}); {received} tickets received",
                period.label(),
                ms[2],
                ms[0],
                ms[4]
            );
        }
    }
    Ok(())
}
