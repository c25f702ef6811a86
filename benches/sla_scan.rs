//! The SLA breach scan over a large set of open tickets.
//!
//!   cargo bench --bench sla_scan -- [TICKETS=100000]
//!
//! Runs on a fresh SQLite file, or on PostgreSQL when BENCH_DATABASE_URL is set. Registers the
//! tickets through the same function the API uses (received over the 36 hours before a Monday
//! 10:00, priorities P1-P4), then times: the catch-up scan that finds every ticket already past a
//! due time, the steady-state scan one minute later (what the every-minute job does), and a scan
//! with nothing due, and eleven consecutive every-minute scans. Prints medians.

use chrono::{DateTime, Duration, Utc};
use fieldline::db;
use fieldline::db::audit::Actor;
use fieldline::service::{sla_scan, tickets_registration as tickets};
use fieldline_mobile_api::{Channel, Priority, RequestKind, Tier};
use std::time::Instant;

mod common;

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let url = common::database_url()?;
    let pool = db::connect(&url, 2)?;
    let mut c = pool.get()?;
    let t0: DateTime<Utc> = "2026-11-23T02:00:00Z".parse()?; // Monday 10:00 in Shanghai
    let system = Actor::system(t0 - Duration::days(3));
    fieldline::service::sla::ensure_default_policies(&mut c, &system)?;
    fieldline::service::sla::ensure_calendar(&mut c, &system, chrono_tz::Asia::Shanghai)?;
    let agent = common::user(&mut c, &system, "bench-agent", "Bench Agent", "agent")?;
    common::centre_region(&mut c, &system)?;
    let (customer, site) = common::customer_with_site(&mut c, &system, "Bench Customer", Tier::Standard, None)?;
    let step = Duration::hours(1);
    let started = Instant::now();
    let mut rng_state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        rng_state
    };
    for i in 0..n {
        let received = t0 - Duration::seconds((next() % (36 * 3600)) as i64);
        let priority = Priority::ALL[(next() % 4) as usize];
        let actor = Actor::user(agent.id, received);
        let r = tickets::Registration {
            customer_id: customer,
            contact_id: None,
            site_id: Some(site),
            asset_id: None,
            channel: Channel::Phone,
            kind: RequestKind::Fault,
            priority,
            title: format!("Bench ticket {i}"),
            description: "Registered by the scan benchmark".into(),
            received_at: received,
            // Benchmark tickets on one site: not checked for repeat contacts.
            link: tickets::Link::Unchecked,
        };
        tickets::register(&mut c, &actor, r, step)?;
    }
    let load = started.elapsed();
    println!("backend: {:?}", c.kind());
    println!(
        "registered {n} tickets in {:.1} s ({:.0}/s, one transaction each)",
        load.as_secs_f64(),
        n as f64 / load.as_secs_f64()
    );

    let timed = |c: &mut db::DbConn, at: DateTime<Utc>| -> anyhow::Result<(f64, i64, i64)> {
        let s = Instant::now();
        let (examined, actions) = sla_scan::scan(c, at, step)?;
        Ok((s.elapsed().as_secs_f64() * 1000.0, examined, actions))
    };
    let (ms, examined, actions) = timed(&mut c, t0)?;
    println!("catch-up scan at t0: {ms:.0} ms, {examined} tickets past a due time, {actions} breaches and alert steps ({:.0} tickets/s)", examined as f64 / (ms / 1000.0));
    if c.kind() == db::BackendKind::Postgres {
        // The catch-up rewrote half the table; in service autovacuum tidies up after such a burst.
        use diesel::connection::SimpleConnection;
        c.batch_execute("VACUUM ANALYZE tickets")?;
        println!("(PostgreSQL: VACUUM ANALYZE after the catch-up, as autovacuum would)");
    }
    let (ms, examined, actions) = timed(&mut c, t0 + Duration::minutes(1))?;
    println!("steady-state scan one minute later: {ms:.1} ms, {examined} tickets, {actions} actions");
    let mut idle = Vec::new();
    for _ in 0..11 {
        idle.push(timed(&mut c, t0 + Duration::minutes(1))?.0);
    }
    idle.sort_by(|a, b| a.total_cmp(b));
    let open: i64 = {
        use diesel::prelude::*;
        fieldline::db::schema::tickets::table.count().get_result(&mut *c)?
    };
    println!(
        "scan with nothing due over {open} open tickets: median {:.2} ms (11 runs, min {:.2}, max {:.2})",
        idle[5], idle[0], idle[10]
    );
    // A typical minute: the tickets whose next check falls in one minute, scanned as the job would.
    let mut minute = Vec::new();
    for m in 2..13 {
        minute.push(timed(&mut c, t0 + Duration::minutes(m))?);
    }
    let mut ms: Vec<f64> = minute.iter().map(|m| m.0).collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    let per: Vec<i64> = minute.iter().map(|m| m.1).collect();
    println!(
        "every-minute scans (11 minutes): median {:.1} ms, max {:.1} ms; tickets per minute {:?}",
        ms[5], ms[10], per
    );
    Ok(())
}
