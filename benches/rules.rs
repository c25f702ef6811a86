//! The pure rules, timed with criterion: SLA due times, candidate ranking over 10,000
//! technicians, and revisit cadence dates.
//!
//!   cargo bench --bench rules
//!
//! No I/O: the inputs are built in memory, from a fixed seed.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use fieldline::domain::cadence::{self, Cadence};
use fieldline::domain::dispatch::{self, Job, Params, Technician};
use fieldline::domain::geo::Location;
use fieldline::domain::sla::{self, Calendar, DayOverride};
use fieldline_mobile_api::{Priority, RegionClass, Tier};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("a valid time")
}

/// The standard calendar with this year's public holidays and one make-up working Saturday.
fn calendar() -> Calendar {
    let mut cal = Calendar::standard(chrono_tz::Asia::Shanghai);
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("a valid date");
    for (m, d) in [(1, 1), (2, 17), (2, 18), (2, 19), (5, 1), (10, 1), (10, 2), (10, 5)] {
        cal.overrides.insert(day(m, d), DayOverride::Holiday);
    }
    cal.overrides.insert(day(9, 26), DayOverride::Working);
    cal
}

fn sla_due_times(c: &mut Criterion) {
    let cal = calendar();
    let received = t("2026-09-30T09:15:00Z"); // the eve of the National Day holidays
    let mut g = c.benchmark_group("sla");
    for tier in [Tier::Standard, Tier::Gold] {
        let targets = sla::default_targets(tier, Priority::P3, RegionClass::Urban);
        g.bench_function(format!("dues {tier} p3 urban over a holiday"), |b| {
            b.iter(|| {
                sla::dues(
                    black_box(&cal),
                    black_box(&targets),
                    black_box(received),
                    Duration::zero(),
                )
            })
        });
    }
    let targets = sla::default_targets(Tier::Standard, Priority::P4, RegionClass::Rural);
    g.bench_function("dues after a two-day pause", |b| {
        b.iter(|| sla::dues(&cal, &targets, black_box(received), black_box(Duration::hours(50))))
    });
    g.bench_function("business time between two moments a month apart", |b| {
        b.iter(|| cal.business_between(black_box(received), black_box(received + Duration::days(31))))
    });
    g.finish();
}

/// 10,000 technicians around one city, eight in ten with a recent position, one to three skills,
/// up to five visits booked that day.
fn technicians(n: usize, now: DateTime<Utc>) -> Vec<Technician> {
    let mut rng = StdRng::seed_from_u64(7);
    let skills = ["ups", "hvac", "network", "power", "fire", "it"];
    (0..n)
        .map(|i| {
            let home = Location::parse(30.27 + rng.gen_range(-0.3..0.3), 120.15 + rng.gen_range(-0.3..0.3))
                .expect("a valid point");
            let last_ping = rng.gen_bool(0.8).then(|| {
                let at = now - Duration::minutes(rng.gen_range(0..40));
                let p = Location::parse(home.lat() + 0.01, home.lon() - 0.01).expect("a valid point");
                (p, at)
            });
            let booked: Vec<(DateTime<Utc>, DateTime<Utc>)> = (0..rng.gen_range(0..5))
                .map(|k| {
                    let s = now + Duration::hours(2 * k);
                    (s, s + Duration::hours(2))
                })
                .collect();
            Technician {
                id: i as i64 + 1,
                skills: (0..rng.gen_range(1..=3))
                    .map(|_| (skills[rng.gen_range(0..skills.len())].to_string(), rng.gen_range(1..=5)))
                    .collect(),
                home,
                last_ping,
                available: rng.gen_bool(0.9),
                regions: vec![1],
                visits_that_day: booked.len() as i32,
                booked,
                daily_capacity: 6,
            }
        })
        .collect()
}

fn dispatch_ranking(c: &mut Criterion) {
    let now = t("2026-11-23T01:30:00Z");
    let techs = technicians(10_000, now);
    let job = Job {
        site: Location::parse(30.25, 120.17).expect("a valid point"),
        region_id: Some(1),
        window_start: now + Duration::hours(5),
        window_end: now + Duration::hours(7),
        skill: Some(("ups".into(), 2)),
        due: Some(now + Duration::hours(8)),
    };
    let mut g = c.benchmark_group("dispatch");
    g.sample_size(30);
    g.bench_function("rank 10,000 technicians", |b| {
        b.iter(|| dispatch::rank(black_box(&job), black_box(&techs), now, Params::default()))
    });
    let anyone = Job { skill: None, ..job };
    g.bench_function("rank 10,000 technicians, no skill needed", |b| {
        b.iter(|| dispatch::rank(black_box(&anyone), black_box(&techs), now, Params::default()))
    });
    g.finish();
}

fn revisit_cadence(c: &mut Criterion) {
    let cadence = Cadence::new(1, 3).expect("a valid cadence");
    let accepted = NaiveDate::from_ymd_opt(2021, 1, 31).expect("a valid date");
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("a valid date");
    let mut g = c.benchmark_group("cadence");
    g.bench_function("next date after today, five years on", |b| {
        b.iter(|| cadence.next_after(black_box(accepted), black_box(today)))
    });
    g.bench_function("generation after a year without runs", |b| {
        let behind = NaiveDate::from_ymd_opt(2025, 11, 30).expect("a valid date");
        b.iter(|| cadence::generate(&cadence, black_box(accepted), black_box(behind), black_box(today), 14))
    });
    g.finish();
}

criterion_group!(benches, sla_due_times, dispatch_ranking, revisit_cadence);
criterion_main!(benches);
