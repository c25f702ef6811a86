//! A large, realistic data set made quickly, for benchmarks, load runs and `fieldline demo --scale`.
//!
//! Technicians spread over ten cities (one service region each), with skills, weekday hours and a
//! recent position near home for most of them (and the positions of the hours before); office staff
//! of every role; customers with sites in the same cities, an asset at each site; open tickets at the
//! on-site tier, each with a scheduled visit in a two-hour window over the next ten working days, part
//! of them already assigned to a technician of the city without double-booking; and the past year's
//! tickets in every state of the ladder (most of them closed) with their timeline, remote
//! authorizations, on-site registrations, visits and acceptances, their due times and breaches
//! computed by the same rules the service applies.
//!
//! Rows are written in multi-row inserts, thousands per transaction, on either backend. Timeline
//! events are written; audit records are not: this is generated data, not the history of requests.

use crate::config::Settings;
use crate::db::audit::Actor;
use crate::db::schema::{
    acceptances, assets, customers, location_pings, onsite_requests, remote_authorizations, service_regions, sites,
    technician_skills, technicians, ticket_counters, ticket_events, tickets, users, visits,
};
use crate::db::{self, regions, ts, write, DbConn};
use crate::domain::escalation::{self, ClockState, SlaState};
use crate::domain::geo::Boundary;
use crate::domain::sla::{self, Calendar};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use diesel::prelude::*;
use fieldline_mobile_api::{
    Channel, DayHours, LadderTier, Priority, RegionClass, Role, TicketStatus, Tier, TierAction, VisitStatus,
};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// How much to make.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub technicians: usize,
    pub sites: usize,
    /// Open on-site tickets with a visit over the next ten working days.
    pub open_visits: usize,
    /// The share of those visits already assigned (0-1).
    pub assigned_share: f64,
    /// Tickets over the past year, in every state of the ladder (most of them closed).
    pub history_tickets: usize,
    /// Positions of each technician who has one (eight in ten), ten minutes apart.
    pub pings_per_technician: usize,
    /// Seeds the generator: the same seed makes the same data.
    pub seed: u64,
}

impl Scale {
    /// The data set of `fieldline demo --scale n`: n technicians, 10n sites (and assets), 100n
    /// tickets — 2n open at the on-site tier with an upcoming visit (40 % assigned), 98n over the
    /// past year — and a day's positions (24 pings, one an hour's worth) for most technicians.
    pub fn of(n: usize) -> Scale {
        Scale {
            technicians: n,
            sites: 10 * n,
            open_visits: 2 * n,
            assigned_share: 0.4,
            history_tickets: 98 * n,
            pings_per_technician: 24,
            seed: 7,
        }
    }
}

/// How many rows of each kind were made.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub users: usize,
    pub technicians: usize,
    pub customers: usize,
    pub sites: usize,
    pub assets: usize,
    pub tickets: usize,
    pub ticket_events: usize,
    pub visits: usize,
    pub pings: usize,
}

/// What was made, for the caller to log in as and to pick work from. The lists of work are
/// capped at `LISTED` entries each.
#[derive(Debug, Clone, Serialize)]
pub struct Seeded {
    /// Technicians' user ids and usernames, in order.
    pub technicians: Vec<(i64, String)>,
    /// Office staff: user id, username and role.
    pub staff: Vec<(i64, String, Role)>,
    /// Every generated user's password.
    pub password: String,
    /// The visits nobody is assigned to yet.
    pub unassigned_visits: Vec<i64>,
    /// Open tickets on the hotline tier (which their owner can escalate): ticket id, owner's user id.
    pub hotline_tickets: Vec<(i64, i64)>,
    /// Visits whose technician is on site now: visit id, technician's user id, the visit's version.
    pub onsite_visits: Vec<(i64, i64, i32)>,
    /// Where new requests can come from: customer, site and asset ids.
    pub sites: Vec<(i64, i64, i64)>,
    pub counts: Counts,
}

/// The most entries of each list of work in `Seeded`.
pub const LISTED: usize = 100_000;

/// Office staff: one of each role per this many technicians, at least one.
const STAFF: [(Role, usize); 6] = [
    (Role::Agent, 10),
    (Role::RemoteEngineer, 20),
    (Role::Dispatcher, 50),
    (Role::Supervisor, 50),
    (Role::AccountManager, 50),
    (Role::Manager, 200),
];

/// Ten cities: name, latitude, longitude of the centre.
const CITIES: [(&str, f64, f64); 10] = [
    ("Shanghai", 31.23, 121.47),
    ("Beijing", 39.90, 116.40),
    ("Guangzhou", 23.13, 113.26),
    ("Shenzhen", 22.54, 114.06),
    ("Hangzhou", 30.27, 120.15),
    ("Chengdu", 30.57, 104.07),
    ("Wuhan", 30.59, 114.31),
    ("Nanjing", 32.06, 118.80),
    ("Xi'an", 34.34, 108.94),
    ("Tianjin", 39.13, 117.20),
];
/// Half the side of a city's region, in degrees (about 33 km north-south).
const CITY_HALF: f64 = 0.3;
pub const SKILLS: [&str; 6] = ["ups", "hvac", "network", "power", "fire", "it"];
/// Local starts of the two-hour visit windows.
const SLOTS: [(u32, u32); 4] = [(9, 0), (11, 0), (14, 0), (16, 0)];
const DAYS: usize = 10;
const DAILY_CAPACITY: i32 = 6;
/// Rows per insert statement (under both backends' bound-parameter limits).
const CHUNK: usize = 250;
/// Rows per transaction.
const PER_TX: usize = 5_000;

fn point(rng: &mut StdRng, city: usize, spread: f64) -> (f64, f64) {
    let (_, lat, lon) = CITIES[city];
    (
        lat + rng.gen_range(-spread..spread),
        lon + rng.gen_range(-spread..spread),
    )
}

/// The next `DAYS` working days (Monday-Friday) from `now`'s local date on.
fn working_days(tz: chrono_tz::Tz, now: DateTime<Utc>) -> Vec<NaiveDate> {
    let mut d = now.with_timezone(&tz).date_naive();
    let mut out = Vec::with_capacity(DAYS);
    while out.len() < DAYS {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            out.push(d);
        }
        d = d.succ_opt().unwrap_or(d);
    }
    out
}

/// Inserts rows in multi-row statements of `CHUNK` rows, in the caller's transaction.
fn in_chunks<R, F>(c: &mut DbConn, rows: &[R], mut insert: F) -> QueryResult<()>
where
    F: FnMut(&mut DbConn, &[R]) -> QueryResult<usize>,
{
    for chunk in rows.chunks(CHUNK) {
        insert(c, chunk)?;
    }
    Ok(())
}

/// Inserts rows in multi-row statements, `PER_TX` rows to a transaction.
fn insert_all<R, F>(c: &mut DbConn, rows: &[R], mut insert: F) -> AppResult<()>
where
    F: FnMut(&mut DbConn, &[R]) -> QueryResult<usize>,
{
    for block in rows.chunks(PER_TX) {
        write(c, |c| in_chunks(c, block, &mut insert).map_err(AppError::from))?;
    }
    Ok(())
}

/// The highest id of a table so far (0 when empty).
macro_rules! last_id {
    ($c:expr, $t:ident) => {
        $t::table
            .select(diesel::dsl::max($t::id))
            .first::<Option<i64>>($c)?
            .unwrap_or(0)
    };
}

/// The ids of a table above `first`, in order: the rows just inserted by the one writer.
macro_rules! ids_after {
    ($c:expr, $t:ident, $first:expr) => {
        $t::table
            .filter($t::id.gt($first))
            .order($t::id)
            .select($t::id)
            .load($c)?
    };
}

/// A technician as the generator plans their work.
struct Tech {
    id: i64,
    city: usize,
    skills: Vec<(&'static str, i32)>,
    /// The last position sent: latitude, longitude, when.
    last: Option<(f64, f64, DateTime<Utc>)>,
}

/// A site with its customer and asset.
struct Place {
    customer: i64,
    tier: Tier,
    city: usize,
    site: i64,
    asset: i64,
    lat: f64,
    lon: f64,
}

/// The office staff who act in the tickets' timelines.
struct People {
    agents: Vec<i64>,
    remote_engineers: Vec<i64>,
    dispatchers: Vec<i64>,
}

/// Ticket numbers per year, from the counters, stored back at the end.
#[derive(Default)]
struct Numbers(BTreeMap<i32, i64>);

impl Numbers {
    fn next(&mut self, c: &mut DbConn, year: i32) -> AppResult<String> {
        let n = match self.0.get(&year) {
            Some(n) => n + 1,
            None => write(c, |c| db::next_ticket_number(c, year))?,
        };
        self.0.insert(year, n);
        Ok(format!("FL-{year}-{n:06}"))
    }

    fn store(&self, c: &mut DbConn) -> AppResult<()> {
        for (year, last) in &self.0 {
            diesel::update(ticket_counters::table.filter(ticket_counters::year.eq(year)))
                .set(ticket_counters::last_number.eq(last))
                .execute(c)?;
        }
        Ok(())
    }
}

/// One timeline entry to write.
struct Event {
    ticket: i64,
    at: DateTime<Utc>,
    actor: i64,
    kind: &'static str,
    from: Option<&'static str>,
    to: Option<&'static str>,
    reason: Option<&'static str>,
    data: Option<String>,
}

impl Event {
    fn new(
        ticket: i64,
        at: DateTime<Utc>,
        actor: i64,
        kind: &'static str,
        from: Option<&'static str>,
        to: Option<&'static str>,
    ) -> Event {
        Event {
            ticket,
            at,
            actor,
            kind,
            from,
            to,
            reason: None,
            data: None,
        }
    }
}

/// Writes timeline entries in the caller's transaction.
fn insert_events(c: &mut DbConn, events: &[Event]) -> QueryResult<()> {
    in_chunks(c, events, |c, chunk| {
        let rows: Vec<_> = chunk
            .iter()
            .map(|e| {
                (
                    ticket_events::ticket_id.eq(e.ticket),
                    ticket_events::at.eq(ts(e.at)),
                    ticket_events::actor_id.eq(Some(e.actor)),
                    ticket_events::kind.eq(e.kind),
                    ticket_events::from_value.eq(e.from),
                    ticket_events::to_value.eq(e.to),
                    ticket_events::reason.eq(e.reason),
                    ticket_events::data_json.eq(e.data.as_deref()),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(ticket_events::table)
            .values(&rows)
            .execute(b))
    })
}

/// The tables the generator fills. Their secondary indexes are dropped before and made again
/// after: one sort each, instead of an insert at a random place of every index for every row,
/// whose pages each transaction then writes again (at N = 10,000, 95 GB written for a 1.9 GiB
/// SQLite file, growing with the square of N).
const FILLED: [&str; 13] = [
    "users",
    "technicians",
    "technician_skills",
    "customers",
    "sites",
    "assets",
    "tickets",
    "ticket_events",
    "remote_authorizations",
    "onsite_requests",
    "visits",
    "acceptances",
    "location_pings",
];

/// Makes the data set in an empty database whose migrations have run (the business calendar and
/// the default SLA policies are made at start-up). `now` is the moment the visits are planned from.
/// The filled tables' secondary indexes are missing while it runs (and stay missing if the process
/// is killed: generate again into a fresh database).
pub fn seed(c: &mut DbConn, scale: Scale, now: DateTime<Utc>, tz: chrono_tz::Tz) -> AppResult<Seeded> {
    let indexes: Vec<db::SecondaryIndex> = db::secondary_indexes(c)?
        .into_iter()
        .filter(|i| FILLED.contains(&i.table_name.as_str()))
        .collect();
    write(c, |c| indexes.iter().try_for_each(|i| db::drop_index(c, i)))?;
    let made = fill(c, scale, now, tz);
    write(c, |c| indexes.iter().try_for_each(|i| db::create_index(c, i)))?;
    made
}

fn fill(c: &mut DbConn, scale: Scale, now: DateTime<Utc>, tz: chrono_tz::Tz) -> AppResult<Seeded> {
    let mut rng = StdRng::seed_from_u64(scale.seed);
    let system = Actor::system(now);
    let at = ts(now);

    // Regions, one a city, through the same function the API uses (few, and they place sites).
    let mut region_ids = Vec::with_capacity(CITIES.len());
    for (name, lat, lon) in CITIES {
        let ring = [
            (lon - CITY_HALF, lat - CITY_HALF),
            (lon + CITY_HALF, lat - CITY_HALF),
            (lon + CITY_HALF, lat + CITY_HALF),
            (lon - CITY_HALF, lat + CITY_HALF),
        ];
        let existing: Option<i64> = service_regions::table
            .filter(service_regions::name.eq(name))
            .select(service_regions::id)
            .first(c)
            .optional()?;
        let id = match existing {
            Some(id) => id,
            None => {
                let boundary = Boundary::from_ring(&ring)?;
                let json = crate::geojson::boundary_to_value(&boundary).to_string();
                let f = regions::RegionFields {
                    name: name.into(),
                    class: RegionClass::Urban,
                    boundary,
                    boundary_json: json,
                };
                crate::service::regions::create_as(c, &system, f)?.id.0
            }
        };
        region_ids.push(id);
    }

    // Users: technicians first, then the office staff; then the technicians' profiles and skills.
    let password = "fieldline-scale-password".to_string();
    let hash = crate::auth::password::hash(&password).map_err(|e| AppError::internal(e.to_string()))?;
    let first_user = last_id!(c, users);
    let mut names: Vec<(String, Role)> = (0..scale.technicians)
        .map(|i| (format!("tech-{:06}", first_user + 1 + i as i64), Role::Technician))
        .collect();
    for (role, per) in STAFF {
        for _ in 0..scale.technicians.div_ceil(per).max(1) {
            let n = first_user + 1 + names.len() as i64;
            names.push((format!("{}-{n:06}", role.as_str().replace('_', "-")), role));
        }
    }
    insert_all(c, &names, |c, chunk| {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(n, role)| {
                (
                    users::username.eq(n),
                    users::display_name.eq(format!("{} {}", role.as_str(), &n[n.len() - 6..])),
                    users::email.eq(format!("{n}@service.example")),
                    users::role.eq(role.as_str()),
                    users::password_hash.eq(&hash),
                    users::active.eq(true),
                    users::created_at.eq(at),
                    users::updated_at.eq(at),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(users::table).values(&rows).execute(b))
    })?;
    let made: Vec<(i64, String, String)> = users::table
        .filter(users::id.gt(first_user))
        .order(users::id)
        .select((users::id, users::username, users::role))
        .load(c)?;
    let mut techs: Vec<(i64, String)> = Vec::with_capacity(scale.technicians);
    let mut staff: Vec<(i64, String, Role)> = Vec::new();
    for (id, name, role) in made {
        match Role::parse(&role) {
            Some(Role::Technician) => techs.push((id, name)),
            Some(r) => staff.push((id, name, r)),
            None => return Err(AppError::internal("a generated user has an unknown role")),
        }
    }
    let of_role = |r: Role| -> Vec<i64> { staff.iter().filter(|s| s.2 == r).map(|s| s.0).collect() };
    let people = People {
        agents: of_role(Role::Agent),
        remote_engineers: of_role(Role::RemoteEngineer),
        dispatchers: of_role(Role::Dispatcher),
    };
    let weekdays = DayHours {
        start: "08:30".into(),
        end: "18:00".into(),
    };
    let week_of = |saturday: bool| {
        let mut w: Vec<Option<DayHours>> = vec![Some(weekdays.clone()); 5];
        w.push(saturday.then(|| weekdays.clone()));
        w.push(None);
        serde_json::to_string(&w).unwrap_or_default()
    };
    let (five, six) = (week_of(false), week_of(true));
    let mut profile = Vec::with_capacity(techs.len());
    let mut tech_rows = Vec::with_capacity(techs.len());
    for (i, (id, _)) in techs.iter().enumerate() {
        let city = i % CITIES.len();
        let (home_lat, home_lon) = point(&mut rng, city, CITY_HALF * 0.9);
        let pinged = rng.gen_bool(0.8);
        let last = pinged.then(|| {
            let (dlat, dlon) = (rng.gen_range(-0.05..0.05), rng.gen_range(-0.05..0.05));
            let ago = Duration::seconds(rng.gen_range(0..1800));
            (home_lat + dlat, home_lon + dlon, ts(now - ago))
        });
        let mut skills: Vec<&'static str> = SKILLS.to_vec();
        skills.shuffle(&mut rng);
        let n = rng.gen_range(1..=3);
        let skills = skills[..n].iter().map(|s| (*s, rng.gen_range(1..=5))).collect();
        profile.push(Tech {
            id: *id,
            city,
            skills,
            last: last.map(|l| (l.0, l.1, crate::db::utc(l.2))),
        });
        let hours = if i % 5 == 0 { &six } else { &five };
        tech_rows.push((*id, home_lat, home_lon, hours.clone(), region_ids[city], last));
    }
    insert_all(c, &tech_rows, |c, chunk| {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(id, lat, lon, hours, region, last)| {
                (
                    (
                        technicians::user_id.eq(id),
                        technicians::home_lat.eq(lat),
                        technicians::home_lon.eq(lon),
                        technicians::daily_capacity.eq(DAILY_CAPACITY),
                        technicians::hours_json.eq(hours),
                        technicians::regions_json.eq(format!("[{region}]")),
                    ),
                    (
                        technicians::last_lat.eq(last.map(|l| l.0)),
                        technicians::last_lon.eq(last.map(|l| l.1)),
                        technicians::last_accuracy_m.eq(last.map(|_| 15.0)),
                        technicians::last_ping_at.eq(last.map(|l| l.2)),
                        technicians::created_at.eq(at),
                        technicians::updated_at.eq(at),
                    ),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(technicians::table).values(&rows).execute(b))
    })?;
    let skill_rows: Vec<(i64, &str, i32)> = profile
        .iter()
        .flat_map(|t| t.skills.iter().map(|(s, l)| (t.id, *s, *l)))
        .collect();
    insert_all(c, &skill_rows, |c, chunk| {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(id, s, l)| {
                (
                    technician_skills::user_id.eq(id),
                    technician_skills::skill.eq(s),
                    technician_skills::level.eq(l),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(technician_skills::table)
            .values(&rows)
            .execute(b))
    })?;

    // Customers, ten sites each, in the cities.
    let first_customer = last_id!(c, customers);
    let customer_count = scale.sites.div_ceil(10).max(1);
    let tiers = ["gold", "silver", "standard", "standard"];
    let customer_names: Vec<(String, &str)> = (0..customer_count)
        .map(|i| {
            (
                format!("Customer {}", first_customer + 1 + i as i64),
                tiers[i % tiers.len()],
            )
        })
        .collect();
    insert_all(c, &customer_names, |c, chunk| {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(n, tier)| {
                (
                    customers::name.eq(n),
                    customers::tier.eq(tier),
                    customers::created_at.eq(at),
                    customers::updated_at.eq(at),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(customers::table).values(&rows).execute(b))
    })?;
    let customer_rows: Vec<(i64, String)> = customers::table
        .filter(customers::id.gt(first_customer))
        .order(customers::id)
        .select((customers::id, customers::tier))
        .load(c)?;
    let first_site = last_id!(c, sites);
    let site_rows: Vec<(i64, usize, f64, f64)> = (0..scale.sites)
        .map(|i| {
            let city = rng.gen_range(0..CITIES.len());
            let (lat, lon) = point(&mut rng, city, CITY_HALF * 0.95);
            (customer_rows[i / 10 % customer_rows.len()].0, city, lat, lon)
        })
        .collect();
    insert_all(c, &site_rows, |c, chunk| {
        let rows: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(i, (customer, city, lat, lon))| {
                (
                    sites::customer_id.eq(customer),
                    sites::name.eq(format!("{} site {i}", CITIES[*city].0)),
                    sites::address.eq(format!("{} Road {}, {}", i + 1, customer, CITIES[*city].0)),
                    sites::latitude.eq(lat),
                    sites::longitude.eq(lon),
                    sites::region_id.eq(region_ids[*city]),
                    sites::created_at.eq(at),
                    sites::updated_at.eq(at),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(sites::table).values(&rows).execute(b))
    })?;
    let site_ids: Vec<i64> = ids_after!(c, sites, first_site);

    // An asset at each site: half of them still in warranty.
    let first_asset = last_id!(c, assets);
    let today = now.with_timezone(&tz).date_naive();
    let paired: Vec<(i64, i64, usize)> = site_ids
        .iter()
        .zip(site_rows.iter())
        .enumerate()
        .map(|(i, (site, (customer, _, _, _)))| (*site, *customer, i))
        .collect();
    insert_all(c, &paired, |c, chunk| {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(site, customer, i)| {
                let purchased = today - Duration::days(30 + (*i as i64 * 37) % 1400);
                let accepted = purchased + Duration::days(14);
                (
                    assets::site_id.eq(site),
                    assets::customer_id.eq(customer),
                    assets::model.eq(["UPS 3000", "CRAC 40", "Switch 9300", "PDU 2"][i % 4]),
                    assets::serial_number.eq(format!("SC-{site:08}")),
                    assets::purchase_date.eq(Some(purchased)),
                    assets::acceptance_date.eq(Some(accepted)),
                    assets::warranty_end.eq(accepted.checked_add_months(chrono::Months::new(36))),
                    assets::created_at.eq(at),
                    assets::updated_at.eq(at),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(assets::table).values(&rows).execute(b))
    })?;
    let asset_ids: Vec<i64> = ids_after!(c, assets, first_asset);
    let tier_of: HashMap<i64, String> = customer_rows.iter().cloned().collect();
    let places: Vec<Place> = site_rows
        .iter()
        .zip(site_ids.iter().zip(asset_ids.iter()))
        .map(|((customer, city, lat, lon), (site, asset))| Place {
            customer: *customer,
            tier: tier_of
                .get(customer)
                .and_then(|t| Tier::parse(t))
                .unwrap_or(Tier::Standard),
            city: *city,
            site: *site,
            asset: *asset,
            lat: *lat,
            lon: *lon,
        })
        .collect();

    // Open tickets at the on-site tier, each with its registration and its visit.
    let days = working_days(tz, now);
    let windows: Vec<(usize, DateTime<Utc>)> = days
        .iter()
        .enumerate()
        .flat_map(|(d, day)| {
            SLOTS.iter().filter_map(move |(h, m)| {
                let local = day.and_time(NaiveTime::from_hms_opt(*h, *m, 0)?);
                Some((d, tz.from_local_datetime(&local).earliest()?.with_timezone(&Utc)))
            })
        })
        .collect();
    let mut numbers = Numbers::default();
    let by_city: Vec<Vec<usize>> = (0..CITIES.len())
        .map(|city| (0..profile.len()).filter(|&i| profile[i].city == city).collect())
        .collect();
    let mut booked: HashSet<(i64, usize)> = HashSet::new(); // (technician, window)
    let mut per_day: HashMap<(i64, usize), i32> = Default::default();
    struct Open {
        number: String,
        customer: i64,
        tier: String,
        site: i64,
        region: i64,
        priority: &'static str,
        opened: DateTime<Utc>,
        window: usize,
        skill: Option<(&'static str, i32)>,
        technician: Option<i64>,
    }
    let priorities = ["p1", "p2", "p3", "p3", "p4"];
    let mut open = Vec::with_capacity(scale.open_visits);
    for _ in 0..scale.open_visits {
        let s = rng.gen_range(0..site_rows.len());
        let (customer, city, _, _) = site_rows[s];
        let tier = tier_of.get(&customer).cloned().unwrap_or_default();
        let opened = now - Duration::minutes(rng.gen_range(30..2 * 24 * 60));
        let window = rng.gen_range(0..windows.len());
        let skill = rng
            .gen_bool(0.6)
            .then(|| (SKILLS[rng.gen_range(0..SKILLS.len())], rng.gen_range(1..=3)));
        let mut technician = None;
        if rng.gen_bool(scale.assigned_share) && !by_city[city].is_empty() {
            for _ in 0..20 {
                let t = &profile[by_city[city][rng.gen_range(0..by_city[city].len())]];
                let able = skill.is_none_or(|(s, l)| t.skills.iter().any(|(ts, tl)| *ts == s && *tl >= l));
                let day = windows[window].0;
                let load = per_day.get(&(t.id, day)).copied().unwrap_or(0);
                if able && load < DAILY_CAPACITY && booked.insert((t.id, window)) {
                    per_day.insert((t.id, day), load + 1);
                    technician = Some(t.id);
                    break;
                }
            }
        }
        open.push(Open {
            number: numbers.next(c, opened.with_timezone(&tz).year())?,
            customer,
            tier,
            site: site_ids[s],
            region: region_ids[city],
            priority: priorities[rng.gen_range(0..priorities.len())],
            opened,
            window,
            skill,
            technician,
        });
    }
    let first_ticket = last_id!(c, tickets);
    let owner = people.agents[0];
    insert_all(c, &open, |c, chunk| {
        let rows: Vec<_> = chunk
            .iter()
            .map(|o| {
                let opened = ts(o.opened);
                let window_end = windows[o.window].1 + Duration::hours(2);
                (
                    (
                        tickets::number.eq(&o.number),
                        tickets::customer_id.eq(o.customer),
                        tickets::customer_tier.eq(&o.tier),
                        tickets::site_id.eq(o.site),
                        tickets::region_id.eq(o.region),
                        tickets::region_class.eq("urban"),
                        tickets::channel.eq("phone"),
                        tickets::priority.eq(o.priority),
                        tickets::title.eq("Fault needs a visit"),
                        tickets::description.eq("Generated for a load run"),
                        tickets::ladder_tier.eq("onsite"),
                        tickets::status.eq("in_progress"),
                        tickets::owner_id.eq(owner),
                        tickets::created_by.eq(owner),
                        tickets::major_fault.eq(false),
                        tickets::remote_authorized.eq(false),
                    ),
                    (
                        tickets::opened_at.eq(opened),
                        tickets::clock_mode.eq("business"),
                        tickets::response_minutes.eq(30),
                        tickets::arrival_minutes.eq(480),
                        tickets::resolution_minutes.eq(1440),
                        tickets::paused_seconds.eq(0),
                        tickets::onsite_at.eq(opened + Duration::minutes(20)),
                        tickets::onsite_paused_seconds.eq(0),
                        tickets::response_due_at.eq(opened + Duration::minutes(30)),
                        tickets::responded_at.eq(opened + Duration::minutes(5)),
                        tickets::arrival_due_at.eq(ts(window_end)),
                        tickets::resolution_due_at.eq(ts(window_end + Duration::days(1))),
                        tickets::breached.eq(false),
                        tickets::escalation_step.eq(0),
                        tickets::next_check_at.eq(ts(window_end)),
                        tickets::flagged_for_dispatch.eq(false),
                    ),
                    (
                        tickets::version.eq(1),
                        tickets::created_at.eq(opened),
                        tickets::updated_at.eq(at),
                    ),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(tickets::table).values(&rows).execute(b))
    })?;
    let ticket_ids: Vec<i64> = ids_after!(c, tickets, first_ticket);
    if ticket_ids.len() != open.len() {
        return Err(AppError::internal("the tickets made do not match the tickets planned"));
    }
    let first_request = last_id!(c, onsite_requests);
    let paired: Vec<(i64, &Open)> = ticket_ids.iter().copied().zip(open.iter()).collect();
    let request_rows: Vec<RequestRow> = paired
        .iter()
        .map(|(ticket, o)| (*ticket, windows[o.window].1, "scheduled", owner, at))
        .collect();
    for block in request_rows.chunks(PER_TX) {
        write(c, |c| insert_requests(c, block, at).map_err(AppError::from))?;
    }
    let request_ids: Vec<i64> = ids_after!(c, onsite_requests, first_request);
    let first_visit = last_id!(c, visits);
    let with_requests: Vec<(i64, i64, &Open)> = paired
        .iter()
        .zip(request_ids.iter())
        .map(|((t, o), r)| (*t, *r, *o))
        .collect();
    insert_all(c, &with_requests, |c, chunk| {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(ticket, request, o)| {
                let start = windows[o.window].1;
                (
                    (
                        visits::ticket_id.eq(ticket),
                        visits::onsite_request_id.eq(request),
                        visits::site_id.eq(o.site),
                        visits::region_id.eq(o.region),
                        visits::window_start.eq(ts(start)),
                        visits::window_end.eq(ts(start + Duration::hours(2))),
                        visits::required_skill.eq(o.skill.map(|s| s.0)),
                        visits::required_level.eq(o.skill.map_or(1, |s| s.1)),
                    ),
                    (
                        visits::technician_id.eq(o.technician),
                        visits::status.eq(if o.technician.is_some() {
                            "assigned"
                        } else {
                            "scheduled"
                        }),
                        visits::version.eq(1),
                        visits::created_by.eq(people.dispatchers[0]),
                        visits::created_at.eq(at),
                        visits::updated_at.eq(at),
                    ),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(visits::table).values(&rows).execute(b))
    })?;
    let mut unassigned_visits: Vec<i64> = visits::table
        .filter(visits::id.gt(first_visit))
        .filter(visits::technician_id.is_null())
        .order(visits::id)
        .select(visits::id)
        .limit(LISTED as i64)
        .load(c)?;
    // Their registrations in the timeline: registered, started, escalated to on-site, the visit.
    let mut events = Vec::with_capacity(open.len() * 5);
    let upcoming_visits: Vec<(i64, Option<i64>)> = visits::table
        .filter(visits::id.gt(first_visit))
        .order(visits::id)
        .select((visits::id, visits::technician_id))
        .load(c)?;
    for ((ticket, o), (visit, technician)) in paired.iter().zip(upcoming_visits.iter()) {
        let o_at = o.opened;
        let visit_data = Some(format!("{{\"visit_id\":{visit}}}"));
        events.push(Event::new(*ticket, o_at, owner, "registered", None, Some("new")));
        events.push(Event::new(
            *ticket,
            o_at + Duration::minutes(5),
            owner,
            "started",
            Some("new"),
            Some("in_progress"),
        ));
        let mut e = Event::new(
            *ticket,
            o_at + Duration::minutes(20),
            owner,
            "escalated",
            Some("hotline"),
            Some("onsite"),
        );
        e.reason = Some("needs hands on site");
        events.push(e);
        events.push(Event::new(
            *ticket,
            o_at + Duration::minutes(20),
            owner,
            "onsite_requested",
            None,
            None,
        ));
        let mut e = Event::new(
            *ticket,
            o_at + Duration::minutes(30),
            people.dispatchers[0],
            "visit_created",
            None,
            None,
        );
        e.data = visit_data.clone();
        events.push(e);
        if technician.is_some() {
            let mut e = Event::new(
                *ticket,
                o_at + Duration::minutes(40),
                people.dispatchers[0],
                "visit_assigned",
                None,
                None,
            );
            e.data = visit_data;
            events.push(e);
        }
    }
    let mut counts = Counts {
        users: names.len(),
        technicians: techs.len(),
        customers: customer_rows.len(),
        sites: site_ids.len(),
        assets: asset_ids.len(),
        tickets: open.len(),
        ticket_events: events.len(),
        visits: open.len(),
        pings: 0,
    };
    for block in events.chunks(PER_TX) {
        write(c, |c| insert_events(c, block).map_err(AppError::from))?;
    }
    drop(events);

    // The past year.
    let ctx = History {
        now,
        tz,
        cal: Calendar::standard(tz),
        step: Settings::default().escalation_step(),
        people: &people,
        places: &places,
        profile: &profile,
        by_city: &by_city,
        region_ids: &region_ids,
    };
    let mut lists = Lists::default();
    history(
        c,
        &mut rng,
        &ctx,
        scale.history_tickets,
        &mut numbers,
        &mut counts,
        &mut lists,
    )?;
    numbers.store(c)?;

    // The positions the technicians sent before their last one, ten minutes apart.
    counts.pings = pings(c, &mut rng, &profile, scale.pings_per_technician, now)?;

    unassigned_visits.extend(
        lists
            .unassigned
            .into_iter()
            .take(LISTED - unassigned_visits.len().min(LISTED)),
    );
    Ok(Seeded {
        technicians: techs,
        staff,
        password,
        unassigned_visits,
        hotline_tickets: lists.hotline,
        onsite_visits: lists.onsite,
        sites: places
            .iter()
            .take(LISTED)
            .map(|p| (p.customer, p.site, p.asset))
            .collect(),
        counts,
    })
}

/// An on-site registration to write: ticket, window start, status, by whom, when.
type RequestRow = (i64, DateTime<Utc>, &'static str, i64, NaiveDateTime);

/// Writes on-site registrations (two-hour windows) in the caller's transaction.
fn insert_requests(c: &mut DbConn, rows: &[RequestRow], updated: NaiveDateTime) -> QueryResult<()> {
    in_chunks(c, rows, |c, chunk| {
        let values: Vec<_> = chunk
            .iter()
            .map(|(ticket, start, status, by, at)| {
                (
                    onsite_requests::ticket_id.eq(ticket),
                    onsite_requests::window_start.eq(ts(*start)),
                    onsite_requests::window_end.eq(ts(*start + Duration::hours(2))),
                    onsite_requests::status.eq(*status),
                    onsite_requests::created_by.eq(by),
                    onsite_requests::created_at.eq(at),
                    onsite_requests::updated_at.eq(updated),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(onsite_requests::table)
            .values(&values)
            .execute(b))
    })
}

/// What the past year's generation needs to know.
struct History<'a> {
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
    cal: Calendar,
    step: Duration,
    people: &'a People,
    places: &'a [Place],
    profile: &'a [Tech],
    by_city: &'a [Vec<usize>],
    region_ids: &'a [i64],
}

/// Work the past year left for a load run.
#[derive(Default)]
struct Lists {
    unassigned: Vec<i64>,
    hotline: Vec<(i64, i64)>,
    onsite: Vec<(i64, i64, i32)>,
}

/// Where a past ticket's life is meant to end (cut short where its next step would come after now).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    New,
    Working,
    Waiting,
    Resolved,
    Closed,
    Reopened,
}

/// A past ticket's visit.
struct PastVisit {
    requested: DateTime<Utc>,
    created: Option<DateTime<Utc>>,
    window_start: DateTime<Utc>,
    skill: Option<(&'static str, i32)>,
    status: VisitStatus,
    version: i32,
    technician: Option<i64>,
    accepted: Option<DateTime<Utc>>,
    en_route: Option<DateTime<Utc>>,
    checked_in: Option<DateTime<Utc>>,
    finished: Option<DateTime<Utc>>,
}

/// A past ticket as planned: its final state, its timeline and its SLA record.
struct Past {
    number: String,
    place: usize,
    priority: Priority,
    channel: Channel,
    tier: LadderTier,
    status: TicketStatus,
    opened: DateTime<Utc>,
    owner: i64,
    assignee: Option<i64>,
    authorized: Option<DateTime<Utc>>,
    responded: Option<DateTime<Utc>>,
    onsite_at: Option<DateTime<Utc>>,
    paused_at: Option<DateTime<Utc>>,
    resolved: Option<DateTime<Utc>>,
    closed: Option<DateTime<Utc>>,
    /// The customer's verdict, when given: satisfied, when.
    verdict: Option<(bool, DateTime<Utc>)>,
    visit: Option<PastVisit>,
    /// Timeline entries; `true` for those about the visit (they carry its id).
    events: Vec<(Event, bool)>,
    targets: sla::Targets,
    sla: SlaState,
}

/// A life story written step by step; the first step that would come after `now` ends it.
struct Story {
    now: DateTime<Utc>,
    ended: bool,
}

impl Story {
    fn reaches(&mut self, at: DateTime<Utc>) -> bool {
        if at > self.now {
            self.ended = true;
        }
        !self.ended
    }
}

fn minutes(rng: &mut StdRng, lo: i64, hi: i64) -> Duration {
    Duration::minutes(rng.gen_range(lo..hi))
}

/// Plans one ticket opened in the past year.
fn plan(rng: &mut StdRng, h: &History, number: String, cursor: &mut [usize]) -> Past {
    let now = h.now;
    let place = rng.gen_range(0..h.places.len());
    let p = &h.places[place];
    let age = Duration::minutes(rng.gen_range(6 * 60..365 * 24 * 60));
    let opened = now - age;
    let fate = if age < Duration::days(20) {
        *[
            (Fate::New, 4),
            (Fate::Working, 20),
            (Fate::Waiting, 8),
            (Fate::Resolved, 12),
            (Fate::Reopened, 2),
            (Fate::Closed, 54),
        ]
        .choose_weighted(rng, |f| f.1)
        .map(|f| &f.0)
        .unwrap_or(&Fate::Closed)
    } else {
        Fate::Closed
    };
    let goal = *[
        LadderTier::Hotline,
        LadderTier::Hotline,
        LadderTier::Remote,
        LadderTier::Onsite,
    ]
    .choose(rng)
    .unwrap_or(&LadderTier::Hotline);
    let via_remote = goal == LadderTier::Remote || (goal == LadderTier::Onsite && rng.gen_bool(0.4));
    let owner = h.people.agents[rng.gen_range(0..h.people.agents.len())];
    let dispatcher = h.people.dispatchers[rng.gen_range(0..h.people.dispatchers.len())];
    let priority = *[Priority::P1, Priority::P2, Priority::P3, Priority::P3, Priority::P4]
        .choose(rng)
        .unwrap_or(&Priority::P3);
    let channel = *[
        Channel::Phone,
        Channel::Phone,
        Channel::Phone,
        Channel::Email,
        Channel::Web,
        Channel::Mobile,
    ]
    .choose(rng)
    .unwrap_or(&Channel::Phone);
    let mut t = Past {
        number,
        place,
        priority,
        channel,
        tier: LadderTier::Hotline,
        status: TicketStatus::New,
        opened,
        owner,
        assignee: None,
        authorized: None,
        responded: None,
        onsite_at: None,
        paused_at: None,
        resolved: None,
        closed: None,
        verdict: None,
        visit: None,
        events: Vec::with_capacity(8),
        targets: sla::default_targets(p.tier, priority, RegionClass::Urban),
        sla: SlaState {
            response: ClockState::default(),
            hotline: ClockState::default(),
            remote: ClockState::default(),
            departure: ClockState::default(),
            arrival: ClockState::default(),
            resolution: ClockState::default(),
            callback: ClockState::default(),
            paused_at: None,
            finished: false,
            step: 0,
            tier: LadderTier::Hotline,
            remote_authorized: false,
            on_hotline: TierAction::Alert,
            on_remote: TierAction::Alert,
        },
    };
    let ev = |at, actor, kind, from: Option<&'static str>, to: Option<&'static str>| {
        (Event::new(0, at, actor, kind, from, to), false)
    };
    t.events.push(ev(opened, owner, "registered", None, Some("new")));
    let mut story = Story {
        now,
        ended: fate == Fate::New,
    };
    let mut at = opened + minutes(rng, 2, 90);
    if story.reaches(at) {
        t.events
            .push(ev(at, owner, "started", Some("new"), Some("in_progress")));
        t.responded = Some(at);
        t.status = TicketStatus::InProgress;
    }
    if via_remote {
        at += minutes(rng, 10, 60);
        if story.reaches(at) {
            t.authorized = Some(at);
            let mut e = ev(at, owner, "authorization", None, Some("phone"));
            e.0.data = Some(r#"{"authorized_by":"the customer's IT manager","method":"phone"}"#.into());
            t.events.push(e);
        }
        at += Duration::minutes(1);
        if story.reaches(at) {
            t.events
                .push(ev(at, owner, "escalated", Some("hotline"), Some("remote")));
            t.tier = LadderTier::Remote;
            t.assignee = Some(h.people.remote_engineers[rng.gen_range(0..h.people.remote_engineers.len())]);
        }
    }
    if goal == LadderTier::Onsite {
        at += minutes(rng, 30, 240);
        if story.reaches(at) {
            let from = t.tier.as_str();
            let mut e = ev(at, owner, "escalated", Some(from), Some("onsite"));
            if t.tier == LadderTier::Hotline {
                e.0.reason = Some("hardware fault: a part must be replaced on site");
            }
            t.events.push(e);
            t.events.push(ev(at, owner, "onsite_requested", None, None));
            t.tier = LadderTier::Onsite;
            t.onsite_at = Some(at);
            let window_start = (at + Duration::hours(rng.gen_range(2..30))).duration_trunc_hour();
            let skill = rng
                .gen_bool(0.6)
                .then(|| (SKILLS[rng.gen_range(0..SKILLS.len())], rng.gen_range(1..=3)));
            let mut v = PastVisit {
                requested: at,
                created: None,
                window_start,
                skill,
                status: VisitStatus::Scheduled,
                version: 1,
                technician: None,
                accepted: None,
                en_route: None,
                checked_in: None,
                finished: None,
            };
            at += minutes(rng, 5, 60);
            if story.reaches(at) {
                v.created = Some(at);
                t.events
                    .push((Event::new(0, at, dispatcher, "visit_created", None, None), true));
                at += minutes(rng, 5, 60);
                let accepted = at + minutes(rng, 5, 30);
                let en_route = (window_start - Duration::minutes(40)).max(accepted + Duration::minutes(1));
                let checked_in = window_start.max(en_route) + minutes(rng, 1, 40);
                let finished = checked_in + minutes(rng, 40, 180);
                if window_start > now {
                    // Not yet dispatched: the dispatcher's queue.
                    story.ended = true;
                }
                let technician = if finished <= now {
                    let city = &h.by_city[p.city];
                    (!city.is_empty()).then(|| h.profile[city[rng.gen_range(0..city.len())]].id)
                } else {
                    // On the way or on site now: each technician at one site at a time.
                    let city = &h.by_city[p.city];
                    let next = cursor[p.city];
                    cursor[p.city] += 1;
                    city.get(next).map(|&i| h.profile[i].id)
                };
                if technician.is_none() {
                    story.ended = true;
                }
                let steps = [
                    (at, "visit_assigned", VisitStatus::Assigned),
                    (accepted, "visit_accepted", VisitStatus::Accepted),
                    (en_route, "visit_en_route", VisitStatus::EnRoute),
                    (checked_in, "visit_checked_in", VisitStatus::OnSite),
                    (finished, "visit_completed", VisitStatus::Completed),
                ];
                for (when, kind, status) in steps {
                    if !story.reaches(when) {
                        break;
                    }
                    let actor = if status == VisitStatus::Assigned {
                        dispatcher
                    } else {
                        technician.unwrap_or(dispatcher)
                    };
                    t.events.push((Event::new(0, when, actor, kind, None, None), true));
                    v.status = status;
                    v.version += 1;
                    match status {
                        VisitStatus::Assigned => v.technician = technician,
                        VisitStatus::Accepted => v.accepted = Some(when),
                        VisitStatus::EnRoute => v.en_route = Some(when),
                        VisitStatus::OnSite => v.checked_in = Some(when),
                        _ => v.finished = Some(when),
                    }
                }
                at = finished + minutes(rng, 5, 30);
            }
            t.visit = Some(v);
        }
    }
    if fate == Fate::Waiting && goal == LadderTier::Hotline && t.responded.is_some() {
        at += minutes(rng, 30, 240);
        if story.reaches(at) {
            t.events.push(ev(
                at,
                owner,
                "waiting",
                Some("in_progress"),
                Some("waiting_on_customer"),
            ));
            t.status = TicketStatus::WaitingOnCustomer;
            t.paused_at = Some(at);
        }
        story.ended = true;
    }
    if matches!(fate, Fate::Working | Fate::Waiting) {
        story.ended = true;
    }
    if goal != LadderTier::Onsite {
        at += minutes(rng, 60, 30 * 60);
    }
    let visit_done = t.visit.as_ref().is_none_or(|v| v.status == VisitStatus::Completed);
    if visit_done && t.responded.is_some() && story.reaches(at) {
        t.events
            .push(ev(at, owner, "resolved", Some("in_progress"), Some("resolved")));
        t.status = TicketStatus::Resolved;
        t.resolved = Some(at);
        at += minutes(rng, 60, 72 * 60);
        let satisfied = fate == Fate::Closed;
        if fate != Fate::Resolved && story.reaches(at) {
            let (kind, to) = if satisfied {
                ("accepted", "closed")
            } else {
                ("reopened", "reopened")
            };
            let mut e = ev(at, owner, kind, Some("resolved"), Some(to));
            e.0.data = Some(format!(r#"{{"accepted_by":"the customer","satisfied":{satisfied}}}"#));
            t.events.push(e);
            t.verdict = Some((satisfied, at));
            if satisfied {
                t.status = TicketStatus::Closed;
                t.closed = Some(at);
            } else {
                t.status = TicketStatus::Reopened;
                t.resolved = None;
            }
        }
    }
    record_sla(h, &mut t);
    t
}

/// Due times, breaches, alert steps and the next check, as the service would have recorded them.
fn record_sla(h: &History, t: &mut Past) {
    let cal = &h.cal;
    let dues = sla::dues(cal, &t.targets, t.opened, Duration::zero());
    let response = if t.channel == Channel::Email {
        cal.end_of_first_working_day(t.opened)
    } else {
        dues.response
    };
    let arrival = t
        .onsite_at
        .map(|o| sla::arrival_due(cal, &t.targets, o, Duration::zero()));
    let cutoff = t.paused_at.unwrap_or(h.now);
    let arrived = t.visit.as_ref().and_then(|v| v.checked_in);
    let clock = |due: Option<DateTime<Utc>>, met: Option<DateTime<Utc>>| {
        let breached = due
            .filter(|d| escalation::late(*d, met.unwrap_or(cutoff)))
            .map(|d| (d + Duration::minutes(1)).min(met.unwrap_or(cutoff)));
        ClockState { due, met, breached }
    };
    let finished = matches!(t.status, TicketStatus::Resolved | TicketStatus::Closed);
    // Generated tickets have no tier limits (as if registered before them).
    let mut s = SlaState {
        response: clock(Some(response), t.responded),
        hotline: ClockState::default(),
        remote: ClockState::default(),
        departure: ClockState::default(),
        arrival: clock(arrival, arrived),
        resolution: clock(Some(dues.resolution), t.resolved),
        callback: ClockState::default(),
        paused_at: t.paused_at,
        finished,
        step: 0,
        tier: t.tier,
        remote_authorized: t.authorized.is_some(),
        on_hotline: TierAction::Alert,
        on_remote: TierAction::Alert,
    };
    // The alert steps taken until the ticket was resolved, paused, or until now.
    let until = t.resolved.or(t.paused_at).unwrap_or(h.now);
    let open = SlaState {
        paused_at: None,
        finished: false,
        ..s
    };
    s.step = escalation::decide(&open, until, h.step)
        .steps
        .last()
        .copied()
        .unwrap_or(0);
    t.sla = s;
}

/// Truncates a time to the hour.
trait TruncHour {
    fn duration_trunc_hour(self) -> Self;
}

impl TruncHour for DateTime<Utc> {
    fn duration_trunc_hour(self) -> Self {
        chrono::DurationRound::duration_trunc(self, Duration::hours(1)).unwrap_or(self)
    }
}

/// Writes `count` tickets of the past year, a block at a time (each block one transaction).
fn history(
    c: &mut DbConn,
    rng: &mut StdRng,
    h: &History,
    count: usize,
    numbers: &mut Numbers,
    counts: &mut Counts,
    lists: &mut Lists,
) -> AppResult<()> {
    let mut cursor = vec![0usize; CITIES.len()];
    let mut left = count;
    while left > 0 {
        let n = left.min(PER_TX / 2);
        left -= n;
        let mut block = Vec::with_capacity(n);
        for _ in 0..n {
            // The number follows the year the ticket was opened in, so plan the ticket first.
            let mut t = plan(rng, h, String::new(), &mut cursor);
            t.number = numbers.next(c, t.opened.with_timezone(&h.tz).year())?;
            block.push(t);
        }
        write(c, |c| write_block(c, h, &block, counts, lists))?;
    }
    Ok(())
}

fn write_block(c: &mut DbConn, h: &History, block: &[Past], counts: &mut Counts, lists: &mut Lists) -> AppResult<()> {
    let updated = ts(h.now);
    let first_ticket = last_id!(c, tickets);
    in_chunks(c, block, |c, chunk| {
        let rows: Vec<_> = chunk
            .iter()
            .map(|t| {
                let p = &h.places[t.place];
                let opt = |d: Option<DateTime<Utc>>| d.map(ts);
                (
                    (
                        tickets::number.eq(&t.number),
                        tickets::customer_id.eq(p.customer),
                        tickets::customer_tier.eq(p.tier.as_str()),
                        tickets::site_id.eq(p.site),
                        tickets::region_id.eq(h.region_ids[p.city]),
                        tickets::region_class.eq("urban"),
                        tickets::asset_id.eq(p.asset),
                        tickets::channel.eq(t.channel.as_str()),
                        tickets::priority.eq(t.priority.as_str()),
                        tickets::title.eq("Equipment fault"),
                        tickets::description.eq("The customer reports an alarm on the equipment"),
                        tickets::ladder_tier.eq(t.tier.as_str()),
                        tickets::status.eq(t.status.as_str()),
                        tickets::owner_id.eq(t.owner),
                        tickets::assignee_id.eq(t.assignee),
                        tickets::created_by.eq(t.owner),
                    ),
                    (
                        tickets::major_fault.eq(false),
                        tickets::remote_authorized.eq(t.authorized.is_some()),
                        tickets::opened_at.eq(ts(t.opened)),
                        tickets::clock_mode.eq(t.targets.mode.as_str()),
                        tickets::response_minutes.eq(t.targets.response.num_minutes() as i32),
                        tickets::arrival_minutes.eq(t.targets.arrival.num_minutes() as i32),
                        tickets::resolution_minutes.eq(t.targets.resolution.num_minutes() as i32),
                        tickets::paused_seconds.eq(0i64),
                        tickets::paused_at.eq(opt(t.paused_at)),
                        tickets::onsite_at.eq(opt(t.onsite_at)),
                        tickets::onsite_paused_seconds.eq(0i64),
                        tickets::response_due_at.eq(opt(t.sla.response.due).unwrap_or_default()),
                        tickets::arrival_due_at.eq(opt(t.sla.arrival.due)),
                        tickets::resolution_due_at.eq(opt(t.sla.resolution.due).unwrap_or_default()),
                        tickets::responded_at.eq(opt(t.responded)),
                        tickets::arrived_at.eq(opt(t.sla.arrival.met)),
                    ),
                    (
                        tickets::resolved_at.eq(opt(t.resolved)),
                        tickets::closed_at.eq(opt(t.closed)),
                        tickets::breached.eq(t.sla.response.breached.is_some()
                            || t.sla.arrival.breached.is_some()
                            || t.sla.resolution.breached.is_some()),
                        tickets::response_breached_at.eq(opt(t.sla.response.breached)),
                        tickets::arrival_breached_at.eq(opt(t.sla.arrival.breached)),
                        tickets::resolution_breached_at.eq(opt(t.sla.resolution.breached)),
                        tickets::escalation_step.eq(t.sla.step),
                        tickets::next_check_at.eq(opt(escalation::next_check(&t.sla, h.step))),
                        tickets::flagged_for_dispatch.eq(false),
                        tickets::version.eq(t.events.len() as i32),
                        tickets::created_at.eq(ts(t.opened)),
                        tickets::updated_at.eq(ts(t.events.last().map_or(t.opened, |e| e.0.at))),
                    ),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(tickets::table).values(&rows).execute(b))
    })?;
    let ids: Vec<i64> = ids_after!(c, tickets, first_ticket);
    if ids.len() != block.len() {
        return Err(AppError::internal("the tickets made do not match the tickets planned"));
    }
    let with_ids: Vec<(i64, &Past)> = ids.iter().copied().zip(block.iter()).collect();

    let authorized: Vec<(i64, DateTime<Utc>, i64)> = with_ids
        .iter()
        .filter_map(|(id, t)| t.authorized.map(|a| (*id, a, t.owner)))
        .collect();
    in_chunks(c, &authorized, |c, chunk| {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(id, at, by)| {
                (
                    remote_authorizations::ticket_id.eq(id),
                    remote_authorizations::authorized_by.eq("the customer's IT manager"),
                    remote_authorizations::method.eq("phone"),
                    remote_authorizations::authorized_at.eq(ts(*at)),
                    remote_authorizations::recorded_by.eq(by),
                    remote_authorizations::created_at.eq(ts(*at)),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(remote_authorizations::table)
            .values(&rows)
            .execute(b))
    })?;

    let verdicts: Vec<(i64, bool, DateTime<Utc>, i64)> = with_ids
        .iter()
        .filter_map(|(id, t)| t.verdict.map(|(ok, at)| (*id, ok, at, t.owner)))
        .collect();
    in_chunks(c, &verdicts, |c, chunk| {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(id, ok, at, by)| {
                (
                    acceptances::ticket_id.eq(id),
                    acceptances::accepted_by.eq("the customer"),
                    acceptances::satisfied.eq(ok),
                    acceptances::recorded_by.eq(by),
                    acceptances::accepted_at.eq(ts(*at)),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(acceptances::table).values(&rows).execute(b))
    })?;

    // On-site registrations, then the visits made of them.
    let onsite: Vec<(i64, &Past, &PastVisit)> = with_ids
        .iter()
        .filter_map(|(id, t)| t.visit.as_ref().map(|v| (*id, *t, v)))
        .collect();
    let first_request = last_id!(c, onsite_requests);
    let request_rows: Vec<RequestRow> = onsite
        .iter()
        .map(|(id, t, v)| {
            let status = match (v.created, v.status) {
                (None, _) => "open",
                (Some(_), VisitStatus::Completed) => "done",
                _ => "scheduled",
            };
            (*id, v.window_start, status, t.owner, ts(v.requested))
        })
        .collect();
    insert_requests(c, &request_rows, updated)?;
    let requests: Vec<i64> = ids_after!(c, onsite_requests, first_request);
    let made: Vec<(i64, i64, &Past, &PastVisit)> = onsite
        .iter()
        .zip(requests.iter())
        .filter(|((_, _, v), _)| v.created.is_some())
        .map(|((id, t, v), r)| (*id, *r, *t, *v))
        .collect();
    let first_visit = last_id!(c, visits);
    in_chunks(c, &made, |c, chunk| {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(id, request, t, v)| {
                let p = &h.places[t.place];
                let opt = |d: Option<DateTime<Utc>>| d.map(ts);
                let done = v.finished.is_some();
                (
                    (
                        visits::ticket_id.eq(id),
                        visits::onsite_request_id.eq(request),
                        visits::site_id.eq(p.site),
                        visits::region_id.eq(h.region_ids[p.city]),
                        visits::window_start.eq(ts(v.window_start)),
                        visits::window_end.eq(ts(v.window_start + Duration::hours(2))),
                        visits::required_skill.eq(v.skill.map(|s| s.0)),
                        visits::required_level.eq(v.skill.map_or(1, |s| s.1)),
                        visits::technician_id.eq(v.technician.filter(|_| v.status != VisitStatus::Scheduled)),
                        visits::status.eq(v.status.as_str()),
                        visits::version.eq(v.version),
                        visits::accepted_at.eq(opt(v.accepted)),
                        visits::en_route_at.eq(opt(v.en_route)),
                        visits::checked_in_at.eq(opt(v.checked_in)),
                    ),
                    (
                        visits::checkin_lat.eq(v.checked_in.map(|_| p.lat)),
                        visits::checkin_lon.eq(v.checked_in.map(|_| p.lon)),
                        visits::checkin_distance_m.eq(v.checked_in.map(|_| 35.0)),
                        visits::finished_at.eq(opt(v.finished)),
                        visits::work_notes.eq(done.then_some("Replaced the faulty module; tested under load")),
                        visits::under_warranty.eq(done.then_some(true)),
                        visits::time_spent_minutes.eq(done.then_some(90)),
                        visits::signoff_name.eq(done.then_some("Site manager")),
                        visits::created_by.eq(t.owner),
                        visits::created_at.eq(opt(v.created).unwrap_or(updated)),
                        visits::updated_at.eq(updated),
                    ),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(visits::table).values(&rows).execute(b))
    })?;
    let visit_ids: Vec<i64> = ids_after!(c, visits, first_visit);
    let visit_of: HashMap<i64, i64> = made.iter().zip(visit_ids.iter()).map(|(m, v)| (m.0, *v)).collect();

    let mut events = Vec::with_capacity(block.len() * 6);
    for (id, t) in &with_ids {
        for (e, about_visit) in &t.events {
            let data = if *about_visit {
                visit_of.get(id).map(|v| format!(r#"{{"visit_id":{v}}}"#))
            } else {
                e.data.clone()
            };
            events.push(Event {
                ticket: *id,
                data,
                ..Event::new(0, e.at, e.actor, e.kind, e.from, e.to)
            });
            if let Some(last) = events.last_mut() {
                last.reason = e.reason;
            }
        }
    }
    insert_events(c, &events)?;

    for (ticket, _, _, v) in &made {
        let Some(visit) = visit_of.get(ticket) else { continue };
        match v.status {
            VisitStatus::Scheduled if lists.unassigned.len() < LISTED => lists.unassigned.push(*visit),
            VisitStatus::OnSite if lists.onsite.len() < LISTED => {
                if let Some(tech) = v.technician {
                    lists.onsite.push((*visit, tech, v.version));
                }
            }
            _ => {}
        }
    }
    for (id, t) in &with_ids {
        if t.tier == LadderTier::Hotline
            && t.status.is_open()
            && t.status != TicketStatus::Resolved
            && lists.hotline.len() < LISTED
        {
            lists.hotline.push((*id, t.owner));
        }
    }
    counts.tickets += block.len();
    counts.ticket_events += events.len();
    counts.visits += made.len();
    Ok(())
}

/// The positions the technicians who have one sent before it, ten minutes apart, drifting a
/// little; returns how many were written.
fn pings(c: &mut DbConn, rng: &mut StdRng, profile: &[Tech], per: usize, now: DateTime<Utc>) -> AppResult<usize> {
    let mut made = 0;
    for techs in profile.chunks((PER_TX / per.max(1)).max(1)) {
        let mut rows = Vec::with_capacity(techs.len() * per);
        for t in techs {
            let Some((lat, lon, last)) = t.last else { continue };
            for k in 1..=per {
                let at = last - Duration::minutes(10 * k as i64);
                let drift = 0.002 * k as f64;
                rows.push((
                    t.id,
                    at,
                    lat + rng.gen_range(-drift..=drift),
                    lon + rng.gen_range(-drift..=drift),
                ));
            }
        }
        made += rows.len();
        write(c, |c| {
            in_chunks(c, &rows, |c, chunk| {
                let values: Vec<_> = chunk
                    .iter()
                    .map(|(id, at, lat, lon)| {
                        (
                            location_pings::user_id.eq(id),
                            location_pings::at.eq(ts(*at)),
                            location_pings::lat.eq(lat),
                            location_pings::lon.eq(lon),
                            location_pings::accuracy_m.eq(15.0),
                            location_pings::received_at.eq(ts(*at.min(&now))),
                        )
                    })
                    .collect();
                crate::on_backend!(c, |b| diesel::insert_into(location_pings::table)
                    .values(&values)
                    .execute(b))
            })
            .map_err(AppError::from)
        })?;
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_working_days_skip_the_weekend() {
        let friday: DateTime<Utc> = "2026-11-27T02:00:00Z".parse().unwrap();
        let days = working_days(chrono_tz::Asia::Shanghai, friday);
        assert_eq!(days.len(), DAYS);
        assert_eq!(days[0], NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
        assert_eq!(days[1], NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert!(days.iter().all(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)));
    }
}
