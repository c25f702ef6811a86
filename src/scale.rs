//! A large, realistic data set made quickly, for benchmarks and load runs.
//!
//! Technicians spread over ten cities (one service region each), with skills, weekday hours and a
//! recent position near home for most of them; customers with sites in the same cities; and open
//! tickets at the on-site tier, each with a scheduled visit in a two-hour window over the next ten
//! working days, part of them already assigned to a technician of the city without double-booking.
//!
//! Rows are written in multi-row inserts, thousands per transaction, without timeline or audit
//! records of their own: this is generated data, not the history of requests.

use crate::db::audit::Actor;
use crate::db::schema::{
    customers, onsite_requests, service_regions, sites, technician_skills, technicians, ticket_counters, tickets,
    users, visits,
};
use crate::db::{self, regions, ts, write, DbConn};
use crate::domain::geo::Boundary;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use diesel::prelude::*;
use fieldline_mobile_api::{DayHours, RegionClass};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;

/// How much to make.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub technicians: usize,
    pub sites: usize,
    pub open_visits: usize,
    /// The share of the visits already assigned (0-1).
    pub assigned_share: f64,
    /// Seeds the generator: the same seed makes the same data.
    pub seed: u64,
}

/// What was made, for the caller to log in as and to pick work from.
#[derive(Debug, Clone)]
pub struct Seeded {
    /// Technicians' user ids and usernames, in order.
    pub technicians: Vec<(i64, String)>,
    /// Every technician's password.
    pub technician_password: String,
    /// The visits nobody is assigned to yet.
    pub unassigned_visits: Vec<i64>,
}

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

/// Inserts rows in multi-row statements, `PER_TX` rows to a transaction.
fn insert_all<R, F>(c: &mut DbConn, rows: &[R], mut insert: F) -> AppResult<()>
where
    F: FnMut(&mut DbConn, &[R]) -> QueryResult<usize>,
{
    for block in rows.chunks(PER_TX) {
        write(c, |c| {
            for chunk in block.chunks(CHUNK) {
                insert(c, chunk)?;
            }
            Ok::<_, AppError>(())
        })?;
    }
    Ok(())
}

/// Makes the data set in an empty database whose migrations have run (the business calendar and
/// the default SLA policies are made at start-up). `now` is the moment the visits are planned from.
pub fn seed(c: &mut DbConn, scale: Scale, now: DateTime<Utc>, tz: chrono_tz::Tz) -> AppResult<Seeded> {
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
                regions::create(c, &system, f)?.id.0
            }
        };
        region_ids.push(id);
    }

    // Technicians: users first, then their profiles and skills.
    let password = "technician-password".to_string();
    let hash = crate::auth::password::hash(&password).map_err(|e| AppError::internal(e.to_string()))?;
    let first_user: i64 = users::table
        .select(diesel::dsl::max(users::id))
        .first::<Option<i64>>(c)?
        .unwrap_or(0);
    let names: Vec<String> = (0..scale.technicians)
        .map(|i| format!("tech-{:06}", first_user + 1 + i as i64))
        .collect();
    insert_all(c, &names, |c, chunk| {
        let rows: Vec<_> = chunk
            .iter()
            .map(|n| {
                (
                    users::username.eq(n),
                    users::display_name.eq(format!("Technician {}", &n[5..])),
                    users::email.eq(format!("{n}@service.example")),
                    users::role.eq("technician"),
                    users::password_hash.eq(&hash),
                    users::active.eq(true),
                    users::created_at.eq(at),
                    users::updated_at.eq(at),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(users::table).values(&rows).execute(b))
    })?;
    let techs: Vec<(i64, String)> = users::table
        .filter(users::id.gt(first_user))
        .filter(users::role.eq("technician"))
        .order(users::id)
        .select((users::id, users::username))
        .load(c)?;
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
    struct Tech {
        id: i64,
        city: usize,
        skills: Vec<(&'static str, i32)>,
    }
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
        profile.push(Tech { id: *id, city, skills });
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
    let first_customer: i64 = customers::table
        .select(diesel::dsl::max(customers::id))
        .first::<Option<i64>>(c)?
        .unwrap_or(0);
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
    let first_site: i64 = sites::table
        .select(diesel::dsl::max(sites::id))
        .first::<Option<i64>>(c)?
        .unwrap_or(0);
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
    let site_ids: Vec<i64> = sites::table
        .filter(sites::id.gt(first_site))
        .order(sites::id)
        .select(sites::id)
        .load(c)?;

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
    let year = now.with_timezone(&tz).year();
    let first_number = write(c, |c| db::next_ticket_number(c, year))?;
    let last_number = first_number + scale.open_visits as i64;
    diesel::update(ticket_counters::table.filter(ticket_counters::year.eq(year)))
        .set(ticket_counters::last_number.eq(last_number))
        .execute(c)?;
    let by_city: Vec<Vec<usize>> = (0..CITIES.len())
        .map(|city| (0..profile.len()).filter(|&i| profile[i].city == city).collect())
        .collect();
    let mut booked: HashSet<(i64, usize)> = HashSet::new(); // (technician, window)
    let mut per_day: std::collections::HashMap<(i64, usize), i32> = Default::default();
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
    let tier_of: std::collections::HashMap<i64, String> = customer_rows.iter().cloned().collect();
    let priorities = ["p1", "p2", "p3", "p3", "p4"];
    let mut open = Vec::with_capacity(scale.open_visits);
    for i in 0..scale.open_visits {
        let s = rng.gen_range(0..site_rows.len());
        let (customer, city, _, _) = site_rows[s];
        let tier = tier_of.get(&customer).cloned().unwrap_or_default();
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
            number: format!("FL-{year}-{:06}", first_number + i as i64),
            customer,
            tier,
            site: site_ids[s],
            region: region_ids[city],
            priority: priorities[rng.gen_range(0..priorities.len())],
            opened: now - Duration::minutes(rng.gen_range(30..2 * 24 * 60)),
            window,
            skill,
            technician,
        });
    }
    let first_ticket: i64 = tickets::table
        .select(diesel::dsl::max(tickets::id))
        .first::<Option<i64>>(c)?
        .unwrap_or(0);
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
                        tickets::owner_id.eq(techs[0].0),
                        tickets::created_by.eq(techs[0].0),
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
    let ticket_ids: Vec<i64> = tickets::table
        .filter(tickets::id.gt(first_ticket))
        .order(tickets::id)
        .select(tickets::id)
        .load(c)?;
    if ticket_ids.len() != open.len() {
        return Err(AppError::internal("the tickets made do not match the tickets planned"));
    }
    let first_request: i64 = onsite_requests::table
        .select(diesel::dsl::max(onsite_requests::id))
        .first::<Option<i64>>(c)?
        .unwrap_or(0);
    let paired: Vec<(i64, &Open)> = ticket_ids.iter().copied().zip(open.iter()).collect();
    insert_all(c, &paired, |c, chunk| {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(ticket, o)| {
                let start = windows[o.window].1;
                (
                    onsite_requests::ticket_id.eq(ticket),
                    onsite_requests::window_start.eq(ts(start)),
                    onsite_requests::window_end.eq(ts(start + Duration::hours(2))),
                    onsite_requests::status.eq("scheduled"),
                    onsite_requests::created_by.eq(techs[0].0),
                    onsite_requests::created_at.eq(at),
                    onsite_requests::updated_at.eq(at),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(onsite_requests::table)
            .values(&rows)
            .execute(b))
    })?;
    let request_ids: Vec<i64> = onsite_requests::table
        .filter(onsite_requests::id.gt(first_request))
        .order(onsite_requests::id)
        .select(onsite_requests::id)
        .load(c)?;
    let first_visit: i64 = visits::table
        .select(diesel::dsl::max(visits::id))
        .first::<Option<i64>>(c)?
        .unwrap_or(0);
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
                        visits::created_by.eq(techs[0].0),
                        visits::created_at.eq(at),
                        visits::updated_at.eq(at),
                    ),
                )
            })
            .collect();
        crate::on_backend!(c, |b| diesel::insert_into(visits::table).values(&rows).execute(b))
    })?;
    let unassigned_visits: Vec<i64> = visits::table
        .filter(visits::id.gt(first_visit))
        .filter(visits::technician_id.is_null())
        .order(visits::id)
        .select(visits::id)
        .load(c)?;
    Ok(Seeded {
        technicians: techs,
        technician_password: password,
        unassigned_visits,
    })
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
