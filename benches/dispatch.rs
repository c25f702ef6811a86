//! Dispatch at scale, over HTTP on loopback: candidate ranking, location-ping ingestion and
//! auto-assignment, with thousands of technicians and a hundred thousand open visits.
//!
//!   cargo bench --bench dispatch -- [TECHNICIANS=10000] [OPEN_VISITS=100000]
//!
//! Runs the service in this process on a fresh SQLite file, or on PostgreSQL when
//! BENCH_DATABASE_URL is set (an empty database), with its clock fixed at a Monday 09:30 in
//! Shanghai. Generates the data set (`fieldline::seed::scale`), then times, one after the other:
//!
//! - `GET /api/v1/dispatch/candidates` for 300 unassigned visits, one request at a time;
//! - `POST /api/v1/mobile/pings` with 20 positions a request from 64 technicians over 16
//!   connections for 10 seconds, then counts the stored positions;
//! - `POST /api/v1/visits/{id}/auto-assign` for 1,000 unassigned visits, one at a time.
//!
//! Prints medians and percentiles. Bounded: a fixed number of requests, and 10 s of pings.

use chrono::{DateTime, Duration, Utc};
use fieldline::clock::Clock;
use fieldline::config::{MailSettings, MailTransport, RevisitSettings, Settings};
use fieldline::db;
use fieldline::seed::scale::{self, Scale};
use fieldline::startup::Application;
use serde_json::{json, Value};
use std::time::Instant;

mod common;

const CANDIDATE_REQUESTS: usize = 300;
const AUTO_ASSIGNS: usize = 1_000;
const PING_SECONDS: u64 = 10;
const PING_CONNECTIONS: usize = 16;
const PINGING_TECHNICIANS: usize = 64;
const PINGS_PER_REQUEST: usize = 20;

fn percentiles(label: &str, mut ms: Vec<f64>) {
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{label}: n={} p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
}

async fn login(http: &reqwest::Client, base: &str, username: &str, password: &str) -> anyhow::Result<String> {
    let r: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(r["access_token"].as_str().unwrap_or_default().to_string())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let numbers: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let technicians = numbers.first().copied().unwrap_or(10_000);
    let open_visits = numbers.get(1).copied().unwrap_or(100_000);
    let url = common::database_url()?;
    let now: DateTime<Utc> = "2026-11-23T01:30:00Z".parse()?; // Monday 09:30 in Shanghai
    let admin_password = "bench-admin-password";
    let settings = Settings {
        database_url: url.clone(),
        port: 0,
        jwt_secret: "a-bench-signing-secret-of-enough-length".into(),
        admin_password: Some(admin_password.into()),
        sla_scan_cron: String::new(),
        ping_retention_cron: String::new(),
        mail: MailSettings {
            transport: MailTransport::Memory,
            relay_cron: String::new(),
            ..MailSettings::default()
        },
        revisits: RevisitSettings {
            generation_cron: String::new(),
            ..RevisitSettings::default()
        },
        ..Settings::default()
    };
    let (app, _) = Application::build_with_clock(settings, Clock::fake(now)).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());

    let started = Instant::now();
    let seed_url = url.clone();
    let seeded = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let pool = db::connect(&seed_url, 1)?;
        let mut c = pool.get()?;
        let s = Scale {
            technicians,
            sites: technicians,
            open_visits,
            assigned_share: 0.4,
            history_tickets: 0,
            pings_per_technician: 0,
            seed: 7,
        };
        let seeded = scale::seed(&mut c, s, now, chrono_tz::Asia::Shanghai)?;
        if c.kind() == db::BackendKind::Postgres {
            use diesel::connection::SimpleConnection;
            c.batch_execute("VACUUM ANALYZE")?;
        }
        Ok((seeded, c.kind()))
    })
    .await??;
    let (seeded, kind) = seeded;
    println!(
        "backend {kind:?}: generated {technicians} technicians, {technicians} sites, {open_visits} open tickets with a visit each ({} unassigned) in {:.1} s",
        seeded.unassigned_visits.len(),
        started.elapsed().as_secs_f64()
    );

    let http = reqwest::Client::new();
    let admin = login(&http, &base, "admin", admin_password).await?;
    http.post(format!("{base}/api/v1/users"))
        .bearer_auth(&admin)
        .json(
            &json!({"username": "bench-dispatcher", "display_name": "Bench Dispatcher",
            "role": "dispatcher", "password": "bench-dispatcher-password"}),
        )
        .send()
        .await?
        .error_for_status()?;
    let dispatcher = login(&http, &base, "bench-dispatcher", "bench-dispatcher-password").await?;

    // Candidate ranking, one visit at a time.
    let pool = &seeded.unassigned_visits;
    let stride = (pool.len() / CANDIDATE_REQUESTS).max(1);
    let sample: Vec<i64> = pool.iter().step_by(stride).take(CANDIDATE_REQUESTS).copied().collect();
    for v in sample.iter().take(20) {
        http.get(format!("{base}/api/v1/dispatch/candidates?visit={v}"))
            .bearer_auth(&dispatcher)
            .send()
            .await?
            .error_for_status()?;
    }
    let mut ms = Vec::with_capacity(sample.len());
    let (mut listed, mut empty) = (0usize, 0usize);
    for v in &sample {
        let t = Instant::now();
        let body: Value = http
            .get(format!("{base}/api/v1/dispatch/candidates?visit={v}"))
            .bearer_auth(&dispatcher)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let n = body["candidates"].as_array().map_or(0, Vec::len);
        listed += n;
        empty += usize::from(n == 0);
    }
    percentiles("candidates (one request at a time)", ms);
    println!(
        "  {:.1} candidates listed per visit on average; {empty} visits had none",
        listed as f64 / sample.len() as f64
    );

    // Location pings: 20 per request from many technicians at once.
    let mut tokens = Vec::with_capacity(PINGING_TECHNICIANS);
    for (_, username) in seeded.technicians.iter().take(PINGING_TECHNICIANS) {
        tokens.push(login(&http, &base, username, &seeded.password).await?);
    }
    let count_pings = |url: String| {
        tokio::task::spawn_blocking(move || -> anyhow::Result<i64> {
            use diesel::prelude::*;
            let pool = db::connect(&url, 1)?;
            let mut c = pool.get()?;
            Ok(fieldline::db::schema::location_pings::table
                .count()
                .get_result(&mut *c)?)
        })
    };
    let before = count_pings(url.clone()).await??;
    let deadline = Instant::now() + std::time::Duration::from_secs(PING_SECONDS);
    let ping_started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..PING_CONNECTIONS {
        let (http, base, tokens) = (http.clone(), base.clone(), tokens.clone());
        tasks.push(tokio::spawn(async move {
            let mut ms = Vec::new();
            let mut i = worker;
            while Instant::now() < deadline {
                let token = &tokens[i % tokens.len()];
                let pings: Vec<Value> = (0..PINGS_PER_REQUEST)
                    .map(|k| {
                        let at = now - Duration::seconds((PINGS_PER_REQUEST - k) as i64 * 3);
                        json!({"at": at, "latitude": 31.2 + k as f64 * 1e-4, "longitude": 121.4, "accuracy_m": 12.0})
                    })
                    .collect();
                let t = Instant::now();
                let status = http
                    .post(format!("{base}/api/v1/mobile/pings"))
                    .bearer_auth(token)
                    .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                    .json(&json!({ "pings": pings }))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
                    .unwrap_or(0);
                if status != 200 {
                    return Err(anyhow::anyhow!("a ping batch got {status}"));
                }
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
                i += PING_CONNECTIONS;
            }
            Ok(ms)
        }));
    }
    let mut ms = Vec::new();
    for t in tasks {
        ms.extend(t.await??);
    }
    let elapsed = ping_started.elapsed().as_secs_f64();
    let stored = count_pings(url.clone()).await?? - before;
    println!(
        "pings: {} requests of {PINGS_PER_REQUEST} in {elapsed:.1} s over {PING_CONNECTIONS} connections = {:.0} requests/s, {:.0} pings/s; {stored} positions stored (sent {})",
        ms.len(),
        ms.len() as f64 / elapsed,
        (ms.len() * PINGS_PER_REQUEST) as f64 / elapsed,
        ms.len() * PINGS_PER_REQUEST
    );
    percentiles("  ping batch latency", ms);

    // Auto-assignment, one visit after another, of visits not ranked above.
    let batch: Vec<i64> = pool
        .iter()
        .filter(|v| !sample.contains(v))
        .take(AUTO_ASSIGNS)
        .copied()
        .collect();
    let (mut assigned, mut nobody) = (0, 0);
    let mut ms = Vec::with_capacity(batch.len());
    let all = Instant::now();
    for v in &batch {
        let t = Instant::now();
        let status = http
            .post(format!("{base}/api/v1/visits/{v}/auto-assign"))
            .bearer_auth(&dispatcher)
            .send()
            .await?
            .status()
            .as_u16();
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        match status {
            200 => assigned += 1,
            409 => nobody += 1,
            other => anyhow::bail!("auto-assign of visit {v} got {other}"),
        }
    }
    let total = all.elapsed().as_secs_f64();
    println!(
        "auto-assign: {} visits in {total:.2} s ({:.0} visits/s): {assigned} assigned, {nobody} with nobody able to go",
        batch.len(),
        batch.len() as f64 / total
    );
    percentiles("  auto-assign latency", ms);
    Ok(())
}
