//! A realistic day planned through the product's own path, against auto-assigning the same
//! visits one by one, and the API's latency while a plan is being made:
//!
//!   day_plan [--database-url URL] [--technicians 100] [--open-visits 6000] [--budget 30]
//!            [--threads 2] [--clients 4] [--also-threads N]
//!
//! 1. Generates the data set of `fieldline demo --scale` with 100 technicians and about 600 open,
//!    unassigned visits on each of the next ten working days, around a fixed Monday, 07:00 in
//!    Shanghai (2026-12-07): the plan is of that Monday ("today", before work starts). The
//!    database is a fresh SQLite file in a temporary folder, or with `--database-url
//!    postgres://…/db` fresh databases named after `db` on that server.
//! 2. Copies the database (one copy for auto-assign, one per extra solver-thread run).
//! 3. Starts the application on port 0 (`plans.solver_threads`, `plans.budget_seconds`), signs
//!    in as a generated dispatcher, measures the latency of `GET /api/v1/tickets/{id}` from a few
//!    concurrent clients for the budget's length with nothing else running, then asks for the
//!    plan (`POST /api/v1/day-plans`) with the same clients running until it is ready.
//! 4. On the copy, auto-assigns every visit of the day in order of window start
//!    (`POST /api/v1/visits/{id}/auto-assign`), and counts the travel of each technician's day
//!    the way the plan counts it: from where the plan would start them (a fresh position, else
//!    home) through their visits in window order, back home, with the travel estimate of the
//!    plan's settings (road factor, urban and rural speeds, the sites' region classes).
//!
//! Prints the figures as markdown tables.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use fieldline::clock::Clock;
use fieldline::config::{MailSettings, MailTransport, PlanSettings, Settings};
use fieldline::db::{self, DbConn};
use fieldline::domain::geo::Location;
use fieldline::routing::travel::{Estimate, Place};
use fieldline::seed::scale::{Scale, Seeded};
use fieldline::startup::Application;
use fieldline_mobile_api::{DayPlan, DayPlanStatus, RegionClass, Role, StopKind, Visit};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// A ping older than this does not place a technician (as the plan reads it).
const FRESH_PING_MINUTES: i64 = 30;

#[derive(Debug, Clone)]
struct Args {
    database_url: Option<String>,
    technicians: usize,
    open_visits: usize,
    budget: u32,
    threads: usize,
    clients: usize,
    also_threads: Vec<usize>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        database_url: None,
        technicians: 100,
        open_visits: 6000,
        budget: 30,
        threads: 2,
        clients: 4,
        also_threads: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| v.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--database-url" => a.database_url = Some(value()?),
            "--technicians" => a.technicians = number(value()?)?,
            "--open-visits" => a.open_visits = number(value()?)?,
            "--budget" => a.budget = number(value()?)? as u32,
            "--threads" => a.threads = number(value()?)?,
            "--clients" => a.clients = number(value()?)?.max(1),
            "--also-threads" => a.also_threads.push(number(value()?)?),
            "-h" | "--help" => {
                return Err(
                    "day_plan [--database-url URL] [--technicians N] [--open-visits N] [--budget SECS] \
                     [--threads N] [--clients N] [--also-threads N]"
                        .into(),
                )
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

/// Monday 2026-12-07, 07:00 in Shanghai.
fn monday_0700() -> (DateTime<Utc>, chrono_tz::Tz, NaiveDate) {
    let tz = chrono_tz::Asia::Shanghai;
    let now = tz
        .with_ymd_and_hms(2026, 12, 7, 7, 0, 0)
        .single()
        .expect("a plain local time")
        .with_timezone(&Utc);
    (now, tz, NaiveDate::from_ymd_opt(2026, 12, 7).expect("a date"))
}

// ---------------------------------------------------------------------------------------------
// The databases: the generated one and its copies.

/// Where the databases live: SQLite files in a folder, or databases on a PostgreSQL server.
enum Store {
    Sqlite(std::path::PathBuf),
    Postgres {
        server: String,
        base: String,
        params: String,
    },
}

impl Store {
    fn url(&self, name: &str) -> String {
        match self {
            Store::Sqlite(dir) => format!("sqlite://{}", dir.join(format!("{name}.db")).display()),
            Store::Postgres { server, base, params } => format!("{server}/{base}_{name}{params}"),
        }
    }

    fn admin(&self) -> Option<diesel::PgConnection> {
        use diesel::Connection;
        match self {
            Store::Postgres { server, base, params } => {
                Some(diesel::PgConnection::establish(&format!("{server}/{base}{params}")).expect("the server"))
            }
            Store::Sqlite(_) => None,
        }
    }

    /// An empty database `name` (PostgreSQL: dropped and created again).
    fn fresh(&self, name: &str) {
        if let Some(mut c) = self.admin() {
            use diesel::connection::SimpleConnection;
            let Store::Postgres { base, .. } = self else { return };
            // One statement a call: DROP DATABASE cannot run inside the transaction of a batch.
            c.batch_execute(&format!("DROP DATABASE IF EXISTS \"{base}_{name}\""))
                .expect("drop the old database");
            c.batch_execute(&format!("CREATE DATABASE \"{base}_{name}\""))
                .expect("a fresh database");
        }
    }

    /// `to` becomes a copy of `from` (no connection to `from` may be open).
    fn copy(&self, from: &str, to: &str) {
        match self {
            Store::Sqlite(dir) => {
                for ext in ["db", "db-wal"] {
                    let src = dir.join(format!("{from}.{ext}"));
                    if src.exists() {
                        std::fs::copy(&src, dir.join(format!("{to}.{ext}"))).expect("copy the database");
                    }
                }
            }
            Store::Postgres { base, .. } => {
                use diesel::connection::SimpleConnection;
                let mut c = self.admin().expect("the server");
                c.batch_execute(&format!("DROP DATABASE IF EXISTS \"{base}_{to}\""))
                    .expect("drop the old copy");
                c.batch_execute(&format!("CREATE DATABASE \"{base}_{to}\" TEMPLATE \"{base}_{from}\""))
                    .expect("copy the database");
            }
        }
    }
}

fn store(url: Option<&str>) -> Store {
    match url {
        Some(u) if u.starts_with("postgres") => {
            let (head, params) = match u.find('?') {
                Some(i) => (&u[..i], u[i..].to_string()),
                None => (u, String::new()),
            };
            let slash = head.rfind('/').expect("postgres://host/database");
            Store::Postgres {
                server: head[..slash].to_string(),
                base: head[slash + 1..].to_string(),
                params,
            }
        }
        Some(u) => Store::Sqlite(std::path::PathBuf::from(db::sqlite_path(u)).with_file_name("")),
        None => {
            let dir = std::env::temp_dir().join(format!("fieldline-day-plan-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("a temporary folder");
            Store::Sqlite(dir)
        }
    }
}

/// Generates the day's data into `url`; returns what was made and the open visits of the day.
fn generate(url: &str, a: &Args) -> anyhow::Result<(Seeded, Vec<Visit>)> {
    use diesel::connection::SimpleConnection;
    let (now, tz, day) = monday_0700();
    let pool = db::connect(url, 1)?;
    let mut conn = pool.get()?;
    let c: &mut DbConn = &mut conn;
    let system = db::audit::Actor::system(now);
    fieldline::service::sla::ensure_default_policies(c, &system)?;
    fieldline::service::sla::ensure_calendar(c, &system, tz)?;
    let scale = Scale {
        technicians: a.technicians,
        sites: 10 * a.technicians,
        open_visits: a.open_visits,
        assigned_share: 0.0,
        history_tickets: 5 * a.technicians,
        pings_per_technician: 1,
        seed: 7,
    };
    let seeded = fieldline::seed::scale::seed(c, scale, now, tz)?;
    if c.kind() == db::BackendKind::Postgres {
        c.batch_execute("VACUUM ANALYZE")?;
    } else {
        c.batch_execute("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)")?;
    }
    let day_visits = day_visits(c, day)?;
    Ok((seeded, day_visits))
}

/// The open visits of the day, in order of window start (then id).
fn day_visits(c: &mut DbConn, day: NaiveDate) -> anyhow::Result<Vec<Visit>> {
    let cal = db::sla::calendar(c)?;
    let mut v: Vec<Visit> = db::dispatch::board::board(c, &cal, day, None)?
        .into_iter()
        .map(|e| e.visit)
        .collect();
    v.sort_by_key(|v| (v.window_start, v.id.0));
    Ok(v)
}

// ---------------------------------------------------------------------------------------------
// The application and its clients.

struct Running {
    base: String,
    http: reqwest::Client,
    token: String,
}

async fn start(url: &str, plans: PlanSettings, seeded: &Seeded) -> anyhow::Result<Running> {
    let (now, _, _) = monday_0700();
    let settings = Settings {
        database_url: url.to_string(),
        database_pool_size: 8,
        port: 0,
        sla_scan_cron: String::new(),
        ping_retention_cron: String::new(),
        personal_data_retention_cron: String::new(),
        unanswered_resolutions_cron: String::new(),
        chase_climb_cron: String::new(),
        mail: MailSettings {
            transport: MailTransport::Memory,
            relay_cron: String::new(),
            ..MailSettings::default()
        },
        revisits: fieldline::config::RevisitSettings {
            generation_cron: String::new(),
            ..Default::default()
        },
        inspections: fieldline::config::InspectionSettings {
            generation_cron: String::new(),
            ..Default::default()
        },
        report_mailing_cron: String::new(),
        quality_sample_cron: String::new(),
        handover_watch_cron: String::new(),
        plans,
        ..Settings::default()
    };
    let (app, _) = Application::build_with_clock(settings, Clock::fake(now)).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let http = reqwest::Client::new();
    let dispatcher = seeded
        .staff
        .iter()
        .find(|s| s.2 == Role::Dispatcher)
        .ok_or_else(|| anyhow::anyhow!("no generated dispatcher"))?;
    let resp = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": dispatcher.1, "password": seeded.password}))
        .send()
        .await?;
    anyhow::ensure!(resp.status() == 200, "login: {}", resp.status());
    let token: fieldline_mobile_api::TokenResponse = resp.json().await?;
    Ok(Running {
        base,
        http,
        token: token.access_token,
    })
}

/// Latencies (ms) of `GET /api/v1/tickets/{id}` from `clients` concurrent clients until `stop`.
fn load(
    r: &Running,
    tickets: Arc<Vec<i64>>,
    clients: usize,
    stop: Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<(Vec<f64>, usize)>> {
    (0..clients)
        .map(|k| {
            let (http, base, token) = (r.http.clone(), r.base.clone(), r.token.clone());
            let (tickets, stop) = (tickets.clone(), stop.clone());
            tokio::spawn(async move {
                let (mut times, mut errors, mut i) = (Vec::new(), 0, k * 7919);
                while !stop.load(Ordering::Relaxed) {
                    let id = tickets[i % tickets.len()];
                    i += 1;
                    let t = Instant::now();
                    let resp = http
                        .get(format!("{base}/api/v1/tickets/{id}"))
                        .bearer_auth(&token)
                        .send()
                        .await;
                    let ok = match resp {
                        Ok(r) => r.status() == 200 && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                    errors += usize::from(!ok);
                }
                (times, errors)
            })
        })
        .collect()
}

#[derive(Debug, Clone, Copy, Default)]
struct Latency {
    requests: usize,
    errors: usize,
    median: f64,
    p99: f64,
    per_second: f64,
}

async fn gather(tasks: Vec<tokio::task::JoinHandle<(Vec<f64>, usize)>>, seconds: f64) -> Latency {
    let (mut all, mut errors) = (Vec::new(), 0);
    for t in tasks {
        if let Ok((times, e)) = t.await {
            all.extend(times);
            errors += e;
        }
    }
    all.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| {
        all.get(((all.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    Latency {
        requests: all.len(),
        errors,
        median: at(0.5),
        p99: at(0.99),
        per_second: all.len() as f64 / seconds,
    }
}

/// The load alone for `seconds`.
async fn baseline(r: &Running, tickets: Arc<Vec<i64>>, clients: usize, seconds: f64) -> Latency {
    let stop = Arc::new(AtomicBool::new(false));
    let tasks = load(r, tickets, clients, stop.clone());
    tokio::time::sleep(std::time::Duration::from_secs_f64(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    gather(tasks, seconds).await
}

/// Asks for the plan of `day` with the load running until it is ready: the plan, the seconds
/// from asking to ready, and the latency meanwhile.
async fn plan_under_load(
    r: &Running,
    day: NaiveDate,
    budget: u32,
    tickets: Arc<Vec<i64>>,
    clients: usize,
) -> anyhow::Result<(DayPlan, f64, Latency)> {
    let stop = Arc::new(AtomicBool::new(false));
    let tasks = load(r, tickets, clients, stop.clone());
    let started = Instant::now();
    let resp = r
        .http
        .post(format!("{}/api/v1/day-plans", r.base))
        .bearer_auth(&r.token)
        .json(&serde_json::json!({"day": day, "budget_seconds": budget}))
        .send()
        .await?;
    anyhow::ensure!(
        resp.status() == 202,
        "asking for the plan: {} {}",
        resp.status(),
        resp.text().await?
    );
    let asked: DayPlan = resp.json().await?;
    let plan = loop {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let p: DayPlan = r
            .http
            .get(format!("{}/api/v1/day-plans/{}", r.base, asked.plan.id))
            .bearer_auth(&r.token)
            .send()
            .await?
            .json()
            .await?;
        if p.plan.status != DayPlanStatus::Planning {
            break p;
        }
        anyhow::ensure!(started.elapsed().as_secs() < 600, "the plan was not made in 10 minutes");
    };
    let seconds = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    let latency = gather(tasks, seconds).await;
    anyhow::ensure!(
        plan.plan.status == DayPlanStatus::Ready,
        "the plan: {:?}",
        plan.plan.error
    );
    Ok((plan, seconds, latency))
}

// ---------------------------------------------------------------------------------------------
// Travel, counted the way the plan counts it.

/// A technician's skills with levels, and the regions served (empty: every region).
type Abilities = (Vec<(String, i32)>, Vec<i64>);

/// The places of the sites and the technicians' homes and starts, read from the database.
struct Geography {
    sites: HashMap<i64, Place>,
    homes: HashMap<i64, Location>,
    /// Where the plan starts each technician: a fresh position on the planned day, else home.
    starts: HashMap<i64, Location>,
    /// Per technician: the skills with levels, and the regions served (empty: every region).
    abilities: Vec<Abilities>,
}

impl Geography {
    /// Whether anyone holds the visit's skill at its level and serves its region.
    fn qualified(&self, v: &Visit) -> bool {
        self.abilities.iter().any(|(skills, regions)| {
            let skilled = v
                .required_skill
                .as_ref()
                .is_none_or(|s| skills.iter().any(|(k, l)| k == s && *l >= v.required_level));
            let serves = regions.is_empty() || v.region_id.is_some_and(|r| regions.contains(&r.0));
            skilled && serves
        })
    }
}

fn geography(url: &str, visits: &[Visit]) -> anyhow::Result<Geography> {
    let (now, _, day) = monday_0700();
    let pool = db::connect(url, 1)?;
    let mut conn = pool.get()?;
    let c: &mut DbConn = &mut conn;
    let ids: Vec<i64> = visits.iter().filter_map(|v| v.site_id.map(|s| s.0)).collect();
    let sites = db::day_plans::sites_of(c, &ids)?
        .into_iter()
        .map(|(id, s)| {
            let at = Location::parse(s.lat, s.lon).map_err(|e| anyhow::anyhow!("site {id}: {e}"))?;
            let class = s.class.as_deref().and_then(RegionClass::parse);
            Ok((id, Place { at, class }))
        })
        .collect::<anyhow::Result<_>>()?;
    let cal = db::sla::calendar(c)?;
    let (open, close) = db::dispatch::board::day_bounds(&cal, day);
    let (mut homes, mut starts, mut abilities) = (HashMap::new(), HashMap::new(), Vec::new());
    for t in db::day_plans::technicians(c, (db::ts(open), db::ts(close)), Role::Technician)? {
        let r = &t.row;
        abilities.push((
            t.skills.clone(),
            db::dispatch::technicians::regions_of(&r.regions_json)?,
        ));
        let home = Location::parse(r.home_lat, r.home_lon).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut start = home;
        if let (Some(lat), Some(lon), Some(at)) = (r.last_lat, r.last_lon, r.last_ping_at) {
            let fresh = now - db::utc(at) <= Duration::minutes(FRESH_PING_MINUTES);
            if fresh && cal.local_date(now) == day {
                start = Location::parse(lat, lon).unwrap_or(home);
            }
        }
        homes.insert(r.user_id, home);
        starts.insert(r.user_id, start);
    }
    Ok(Geography {
        sites,
        homes,
        starts,
        abilities,
    })
}

/// Metres and seconds of one technician's day: `start` → `stops` → `home` (the ends in no
/// region, as the plan places them).
fn day_travel(e: &Estimate, start: Location, stops: &[Place], home: Location) -> (i64, i64) {
    let ends = |at| Place { at, class: None };
    let mut legs = vec![ends(start)];
    legs.extend_from_slice(stops);
    legs.push(ends(home));
    legs.windows(2).fold((0, 0), |(m, s), w| {
        let (dm, ds) = e.leg(&w[0], &w[1]);
        (m + dm, s + ds)
    })
}

#[derive(Debug, Default)]
struct Outcome {
    placed: usize,
    unplaced: BTreeMap<String, usize>,
    metres: i64,
    seconds: i64,
    technicians: usize,
    /// Planned visits whose start lies inside the window / all planned.
    in_window: usize,
    /// Visits reached after their window closed, driving from the previous one (auto-assign).
    late: usize,
    wall_seconds: f64,
    /// The visits placed.
    placed_ids: std::collections::HashSet<i64>,
}

fn plan_outcome(p: &DayPlan, visits: &[Visit], geo: &Geography, e: &Estimate) -> (Outcome, (i64, i64)) {
    let mut o = Outcome {
        placed: p.plan.visits_planned as usize,
        metres: (p.plan.km * 1000.0).round() as i64,
        seconds: p.plan.travel_minutes * 60,
        technicians: p.plan.technicians_used as usize,
        ..Outcome::default()
    };
    for u in &p.unplaced {
        *o.unplaced.entry(u.reason.as_str().to_string()).or_default() += 1;
    }
    let site_of: HashMap<i64, i64> = visits.iter().filter_map(|v| Some((v.id.0, v.site_id?.0))).collect();
    // The same travel recounted from the stops, as auto-assign's is counted.
    let mut recount = (0, 0);
    for route in &p.routes {
        let t = route.technician_id.0;
        let start = Location::parse(route.start_latitude, route.start_longitude).expect("a start");
        let mut places = Vec::new();
        for s in route.stops.iter().filter(|s| s.kind == StopKind::Visit) {
            if let (Some(ws), Some(we)) = (s.window_start, s.window_end) {
                o.in_window += usize::from(s.start_at >= ws && s.start_at <= we);
            }
            let site = s
                .visit_id
                .and_then(|v| site_of.get(&v.0))
                .and_then(|x| geo.sites.get(x));
            if let Some(pl) = site {
                places.push(*pl);
            }
        }
        let home = geo.homes.get(&t).copied().unwrap_or(start);
        let (m, s) = day_travel(e, start, &places, home);
        recount = (recount.0 + m, recount.1 + s);
    }
    (o, recount)
}

/// Auto-assigns every visit (in the order given) on the running copy; the outcome and how long
/// it took.
async fn auto_assign_all(
    r: &Running,
    visits: &[Visit],
    geo: &Geography,
    e: &Estimate,
    visit_minutes: i64,
) -> anyhow::Result<Outcome> {
    // The generated technicians work from 08:30 on weekdays.
    let (now, _, _) = monday_0700();
    let work_start = now + Duration::minutes(90);
    let started = Instant::now();
    let mut o = Outcome::default();
    let mut booked: BTreeMap<i64, Vec<&Visit>> = BTreeMap::new();
    for v in visits {
        let resp = r
            .http
            .post(format!("{}/api/v1/visits/{}/auto-assign", r.base, v.id.0))
            .bearer_auth(&r.token)
            .send()
            .await?;
        let status = resp.status();
        if status == 200 {
            let after: Visit = resp.json().await?;
            match after.technician_id {
                Some(t) => {
                    o.placed += 1;
                    o.placed_ids.insert(v.id.0);
                    booked.entry(t.0).or_default().push(v);
                }
                None => *o.unplaced.entry("answered without a technician".into()).or_default() += 1,
            }
        } else {
            let body: serde_json::Value = resp.json().await.unwrap_or_default();
            let detail = body["detail"].as_str().unwrap_or("").to_string();
            let head = detail.split(" (").next().unwrap_or("").to_string();
            *o.unplaced.entry(format!("{} {head}", status.as_u16())).or_default() += 1;
        }
    }
    o.wall_seconds = started.elapsed().as_secs_f64();
    o.technicians = booked.len();
    let speed_of = |a: &Place, b: &Place| e.leg(a, b).1;
    for (t, mut mine) in booked {
        mine.sort_by_key(|v| (v.window_start, v.id.0));
        let start = geo.starts[&t];
        let home = geo.homes[&t];
        let places: Vec<Place> = mine.iter().map(|v| geo.sites[&v.site_id.expect("a site").0]).collect();
        let (m, s) = day_travel(e, start, &places, home);
        o.metres += m;
        o.seconds += s;
        // Drive the day as booked (from 08:30, no lunch break): is each visit reached before its
        // window closes?
        let mut at = Place { at: start, class: None };
        let mut free = work_start;
        for (v, p) in mine.iter().zip(&places) {
            let arrival = free + Duration::seconds(speed_of(&at, p));
            let begin = arrival.max(v.window_start);
            o.late += usize::from(begin > v.window_end);
            o.in_window += usize::from(begin <= v.window_end);
            free = begin + Duration::minutes(visit_minutes);
            at = *p;
        }
    }
    Ok(o)
}

// ---------------------------------------------------------------------------------------------

fn km(m: i64) -> f64 {
    m as f64 / 1000.0
}

fn reasons(o: &Outcome) -> String {
    if o.unplaced.is_empty() {
        return "none".into();
    }
    o.unplaced
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let a = args().map_err(|e| anyhow::anyhow!(e))?;
    let (_, _, day) = monday_0700();
    let st = store(a.database_url.as_deref());
    println!("# Day routes: a realistic day");
    println!();
    println!(
        "Planned day: Monday {day} (Asia/Shanghai), planned at 07:00 that morning (\"today\", before work starts)."
    );
    st.fresh("generated");
    let url = st.url("generated");
    let t = Instant::now();
    let (seeded, visits) = {
        let (u, args) = (url.clone(), a.clone());
        tokio::task::spawn_blocking(move || generate(&u, &args)).await??
    };
    let unassigned = visits.iter().filter(|v| v.technician_id.is_none()).count();
    println!(
        "Generated {} technicians, {} open visits over ten working days in {:.0} s; the day holds {} open visits ({} unassigned).",
        seeded.counts.technicians,
        seeded.counts.visits,
        t.elapsed().as_secs_f64(),
        visits.len(),
        unassigned
    );
    st.copy("generated", "auto");
    for n in &a.also_threads {
        st.copy("generated", &format!("threads{n}"));
    }
    let plans = PlanSettings {
        budget_seconds: a.budget,
        workers: 1,
        solver_threads: a.threads,
        ..PlanSettings::default()
    };
    let estimate = Estimate {
        road_factor: plans.road_factor,
        urban_kmh: plans.urban_kmh,
        rural_kmh: plans.rural_kmh,
    };
    let visit_minutes = i64::from(plans.visit_minutes);
    let geo = {
        let (u, v) = (url.clone(), visits.clone());
        tokio::task::spawn_blocking(move || geography(&u, &v)).await??
    };
    let tickets: Arc<Vec<i64>> = Arc::new(visits.iter().filter_map(|v| v.ticket_id.map(|t| t.0)).collect());

    // The plan, and the API's latency without and with it.
    let mut latency_rows = Vec::new();
    let app = start(&url, plans.clone(), &seeded).await?;
    let _warm = baseline(&app, tickets.clone(), a.clients, 3.0).await;
    let quiet = baseline(&app, tickets.clone(), a.clients, f64::from(a.budget)).await;
    let (plan, plan_seconds, busy) = plan_under_load(&app, day, a.budget, tickets.clone(), a.clients).await?;
    latency_rows.push((a.threads, quiet, busy, plan_seconds));
    let (mut planned, recount) = plan_outcome(&plan, &visits, &geo, &estimate);
    planned.wall_seconds = plan_seconds;

    // The same visits auto-assigned one by one on the copy.
    let copy = start(&st.url("auto"), plans.clone(), &seeded).await?;
    let open: Vec<Visit> = visits.iter().filter(|v| v.technician_id.is_none()).cloned().collect();
    let auto = auto_assign_all(&copy, &open, &geo, &estimate, visit_minutes).await?;

    for n in &a.also_threads {
        let other = PlanSettings {
            solver_threads: *n,
            ..plans.clone()
        };
        let app = start(&st.url(&format!("threads{n}")), other, &seeded).await?;
        let _warm = baseline(&app, tickets.clone(), a.clients, 3.0).await;
        let quiet = baseline(&app, tickets.clone(), a.clients, f64::from(a.budget)).await;
        let (p, secs, busy) = plan_under_load(&app, day, a.budget, tickets.clone(), a.clients).await?;
        latency_rows.push((*n, quiet, busy, secs));
        println!(
            "\nWith {n} solver thread(s): {} visits planned, {} unplaced, {:.1} km, {} travel minutes, {} technicians, ready in {secs:.1} s.",
            p.plan.visits_planned, p.plan.visits_unplaced, p.plan.km, p.plan.travel_minutes, p.plan.technicians_used
        );
    }

    println!();
    println!(
        "| | day plan ({} solver threads, {} s budget) | auto-assign, one by one |",
        a.threads, a.budget
    );
    println!("|---|---|---|");
    println!("| visits of the day | {} | {} |", visits.len(), visits.len());
    println!("| visits placed | {} | {} |", planned.placed, auto.placed);
    println!("| not placed, by reason | {} | {} |", reasons(&planned), reasons(&auto));
    println!(
        "| total travel | {:.1} km | {:.1} km |",
        km(planned.metres),
        km(auto.metres)
    );
    println!(
        "| travel time | {} min | {} min |",
        (planned.seconds + 30) / 60,
        (auto.seconds + 30) / 60
    );
    let per = |o: &Outcome| {
        if o.placed == 0 {
            (0.0, 0.0)
        } else {
            (
                km(o.metres) / o.placed as f64,
                o.seconds as f64 / 60.0 / o.placed as f64,
            )
        }
    };
    let (pp, ap) = (per(&planned), per(&auto));
    println!(
        "| travel per placed visit | {:.2} km, {:.1} min | {:.2} km, {:.1} min |",
        pp.0, pp.1, ap.0, ap.1
    );
    println!("| technicians used | {} | {} |", planned.technicians, auto.technicians);
    println!(
        "| visits started inside their window | {} of {} | {} of {} (driving the booked order) |",
        planned.in_window, planned.placed, auto.in_window, auto.placed
    );
    println!(
        "| time to make | {:.1} s (asked to ready) | {:.1} s ({} requests) |",
        planned.wall_seconds,
        auto.wall_seconds,
        visits.len()
    );
    println!();
    println!(
        "The plan's travel recounted from its stops the way auto-assign's is counted: {:.1} km, {} min (the plan says {:.1} km, {} min).",
        km(recount.0),
        (recount.1 + 30) / 60,
        plan.plan.km,
        plan.plan.travel_minutes
    );
    if auto.metres > 0 && planned.placed > 0 && auto.placed > 0 {
        println!(
            "Total travel: the plan {:+.1} % against auto-assign; per placed visit {:+.1} % (km) and {:+.1} % (minutes).",
            (planned.metres as f64 / auto.metres as f64 - 1.0) * 100.0,
            (pp.0 / ap.0 - 1.0) * 100.0,
            (pp.1 / ap.1 - 1.0) * 100.0
        );
    }
    let by_id: HashMap<i64, &Visit> = visits.iter().map(|v| (v.id.0, v)).collect();
    let mut crossed: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for u in &plan.unplaced {
        let e = crossed.entry(u.reason.as_str()).or_default();
        e.0 += 1;
        e.1 += usize::from(auto.placed_ids.contains(&u.visit_id.0));
        e.2 += usize::from(by_id.get(&u.visit_id.0).is_some_and(|v| geo.qualified(v)));
    }
    let crossed: Vec<String> = crossed
        .iter()
        .map(|(r, (n, by_auto, q))| {
            format!("{r}: {n} ({by_auto} placed by auto-assign, {q} with a qualified technician)")
        })
        .collect();
    println!(
        "The plan's unplaced visits by reason: {}. Qualified: someone holds the skill at the level and serves the region.",
        crossed.join("; ")
    );
    let unqualified = visits.iter().filter(|v| !geo.qualified(v)).count();
    println!("Visits of the day nobody is qualified for: {unqualified}.");
    println!();
    println!(
        "API latency, `GET /api/v1/tickets/{{id}}` from {} concurrent clients (ms):",
        a.clients
    );
    println!();
    println!("| solver threads | no plan: median / p99 (requests, req/s) | plan running: median / p99 (requests, req/s) | p99 ratio | plan ready in |");
    println!("|---|---|---|---|---|");
    for (n, q, b, secs) in &latency_rows {
        println!(
            "| {n} | {:.1} / {:.1} ({}, {:.0}) | {:.1} / {:.1} ({}, {:.0}) | {:.2} | {secs:.1} s |",
            q.median,
            q.p99,
            q.requests,
            q.per_second,
            b.median,
            b.p99,
            b.requests,
            b.per_second,
            if q.p99 > 0.0 { b.p99 / q.p99 } else { 0.0 }
        );
        if q.errors + b.errors > 0 {
            println!("(errors: {} without a plan, {} with)", q.errors, b.errors);
        }
    }
    if let Store::Sqlite(dir) = &st {
        if a.database_url.is_none() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
    Ok(())
}
