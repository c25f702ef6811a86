//! Ranking technicians for an on-site visit. Pure: the caller gathers each technician's skills,
//! position, shifts, bookings and load; this decides who can go and in what order, and says why.

use super::geo::Location;
use super::sla::{Calendar, WorkingHours};
use chrono::{DateTime, Duration, Utc};

/// Whether a technician works the whole window: inside the working hours of the window's day
/// (their own weekly hours, in the business calendar's zone, holidays off), or inside one shift
/// of the on-duty roster.
pub fn available(
    week: &[Option<WorkingHours>; 7],
    cal: &Calendar,
    duty: &[(DateTime<Utc>, DateTime<Utc>)],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> bool {
    if duty.iter().any(|(s, e)| *s <= start && end <= *e) {
        return true;
    }
    let own = Calendar {
        week: *week,
        ..cal.clone()
    };
    match own.working_interval(own.local_date(start)) {
        Some((open, close)) => open <= start && end <= close,
        None => false,
    }
}

/// What the visit needs.
#[derive(Debug, Clone)]
pub struct Job {
    pub site: Location,
    pub region_id: Option<i64>,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    /// A skill and the lowest level that will do (1-5).
    pub skill: Option<(String, i32)>,
    /// The ticket's SLA due time for the visit (arrival, or resolution), if any.
    pub due: Option<DateTime<Utc>>,
}

/// What is known of one technician.
#[derive(Debug, Clone)]
pub struct Technician {
    pub id: i64,
    pub skills: Vec<(String, i32)>,
    pub home: Location,
    /// The last position from the phone and when it was sent.
    pub last_ping: Option<(Location, DateTime<Utc>)>,
    /// On shift or on the duty roster for the whole window (the caller decides this from the
    /// working hours and the roster).
    pub available: bool,
    /// The regions the technician serves; empty serves every region.
    pub regions: Vec<i64>,
    /// Windows of the visits already assigned to them.
    pub booked: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Visits already assigned on the window's day, and how many a day they take.
    pub visits_that_day: i32,
    pub daily_capacity: i32,
}

/// Tuning of the ranking.
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// A ping older than this is not trusted; the home base is used instead.
    pub stale_after: Duration,
    /// Average travel speed, road detours included.
    pub speed_kmh: f64,
    /// Minutes of travel one already-booked visit that day is worth in the ranking.
    pub minutes_per_booked_visit: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            stale_after: Duration::minutes(30),
            speed_kmh: 30.0,
            minutes_per_booked_visit: 20.0,
        }
    }
}

/// Why a technician cannot take the visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exclusion {
    MissingSkill(String),
    LevelTooLow { skill: String, has: i32, needs: i32 },
    NotOnShift,
    OutsideRegion,
    DoubleBooked,
    AtCapacity,
}

impl std::fmt::Display for Exclusion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exclusion::MissingSkill(s) => write!(f, "lacks the skill {s}"),
            Exclusion::LevelTooLow { skill, has, needs } => write!(f, "{skill} level {has}, needs {needs}"),
            Exclusion::NotOnShift => f.write_str("not on shift or on duty in the window"),
            Exclusion::OutsideRegion => f.write_str("does not serve the site's region"),
            Exclusion::DoubleBooked => f.write_str("already booked in the window"),
            Exclusion::AtCapacity => f.write_str("has no visit left that day"),
        }
    }
}

/// One technician who can go, with the figures the order comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub technician_id: i64,
    pub distance_km: f64,
    pub eta_minutes: f64,
    /// From the last ping (true) or the home base (false).
    pub from_ping: bool,
    pub visits_that_day: i32,
    /// Minutes between arrival (now + ETA) and the SLA due time; negative means late.
    pub sla_slack_minutes: Option<f64>,
    /// Lower is better.
    pub score: f64,
    pub reasons: Vec<String>,
}

/// The great-circle distance in kilometres.
pub fn distance_km(a: &Location, b: &Location) -> f64 {
    use geo::{Distance, Haversine};
    Haversine.distance(a.point(), b.point()) / 1000.0
}

fn overlaps(a: (DateTime<Utc>, DateTime<Utc>), b: (DateTime<Utc>, DateTime<Utc>)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Whether a technician can take the job at all.
pub fn exclusion(job: &Job, t: &Technician) -> Option<Exclusion> {
    if let Some((skill, needs)) = &job.skill {
        match t.skills.iter().find(|(s, _)| s == skill) {
            None => return Some(Exclusion::MissingSkill(skill.clone())),
            Some((_, has)) if has < needs => {
                return Some(Exclusion::LevelTooLow {
                    skill: skill.clone(),
                    has: *has,
                    needs: *needs,
                })
            }
            _ => {}
        }
    }
    if !t.available {
        return Some(Exclusion::NotOnShift);
    }
    if let Some(r) = job.region_id {
        if !t.regions.is_empty() && !t.regions.contains(&r) {
            return Some(Exclusion::OutsideRegion);
        }
    }
    if t.booked
        .iter()
        .any(|b| overlaps(*b, (job.window_start, job.window_end)))
    {
        return Some(Exclusion::DoubleBooked);
    }
    if t.visits_that_day >= t.daily_capacity {
        return Some(Exclusion::AtCapacity);
    }
    None
}

/// Ranks who can go: shortest estimated travel first, each visit already booked that day
/// counting as extra minutes, a candidate who would miss the SLA after one who would not.
/// Returns the ranked list and the excluded technicians with the reason, nearest first.
pub fn rank(
    job: &Job,
    technicians: &[Technician],
    now: DateTime<Utc>,
    p: Params,
) -> (Vec<Ranked>, Vec<(i64, Exclusion)>) {
    let mut ranked = Vec::new();
    let mut excluded = Vec::new();
    for t in technicians {
        let (from, from_ping) = position(t, now, p);
        let distance = distance_km(&from, &job.site);
        if let Some(e) = exclusion(job, t) {
            excluded.push((distance, t.id, e));
            continue;
        }
        let eta = distance / p.speed_kmh.max(1.0) * 60.0;
        let arrival =
            now.max(job.window_start - Duration::minutes(eta.ceil() as i64)) + Duration::minutes(eta.ceil() as i64);
        let slack = job.due.map(|d| (d - arrival).num_seconds() as f64 / 60.0);
        let late = slack.is_some_and(|s| s < 0.0);
        let score =
            eta + p.minutes_per_booked_visit * f64::from(t.visits_that_day) + if late { LATE_MINUTES } else { 0.0 };
        let mut reasons = vec![format!(
            "{distance:.1} km from {}, about {eta:.0} min away",
            if from_ping {
                "the last position"
            } else {
                "the home base (no recent position)"
            }
        )];
        if let Some((skill, needs)) = &job.skill {
            let has = t.skills.iter().find(|(s, _)| s == skill).map_or(0, |s| s.1);
            reasons.push(format!("{skill} level {has} (needs {needs})"));
        }
        reasons.push(format!(
            "{} of {} visits booked that day",
            t.visits_that_day, t.daily_capacity
        ));
        match slack {
            Some(s) if s < 0.0 => reasons.push(format!("would arrive {:.0} min after the SLA due time", -s)),
            Some(s) => reasons.push(format!("{s:.0} min of SLA slack")),
            None => {}
        }
        ranked.push(Ranked {
            technician_id: t.id,
            distance_km: distance,
            eta_minutes: eta,
            from_ping,
            visits_that_day: t.visits_that_day,
            sla_slack_minutes: slack,
            score,
            reasons,
        });
    }
    ranked.sort_by(|a, b| a.score.total_cmp(&b.score).then(a.technician_id.cmp(&b.technician_id)));
    excluded.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    (ranked, excluded.into_iter().map(|(_, id, e)| (id, e)).collect())
}

/// Where a technician starts from: the last position when it is recent (true), else the home base.
pub fn position(t: &Technician, now: DateTime<Utc>, p: Params) -> (Location, bool) {
    match t.last_ping.filter(|(_, at)| now - *at <= p.stale_after) {
        Some((loc, _)) => (loc, true),
        None => (t.home, false),
    }
}

/// What arriving after the SLA due time adds to a score: more than any travel, so a candidate who
/// would be late ranks after every one who would not.
const LATE_MINUTES: f64 = 10_000.0;

/// Whether the best `limit` of a ranking made from the technicians within `radius_km` of the
/// site are the best of all. Anyone farther away needs more than the radius's travel time, and a
/// score is never below the travel time; nor does anyone farther away arrive earlier (arrival is
/// the later of now plus travel and the window start), so when even that arrival misses the due
/// time, they would all be late and their scores carry the lateness too. Once the `limit`-th score
/// is within that bound, no one outside can rank above it. Without the lateness in the bound a
/// visit nobody can reach in time (its window starts after its due time) would never settle and
/// the search would read every technician on earth.
pub fn settled(job: &Job, ranked: &[Ranked], limit: usize, radius_km: f64, now: DateTime<Utc>, p: Params) -> bool {
    let outside = radius_km / p.speed_kmh.max(1.0) * 60.0;
    let earliest = (now + Duration::seconds((outside * 60.0) as i64)).max(job.window_start);
    let bound = outside
        + if job.due.is_some_and(|d| earliest > d) {
            LATE_MINUTES
        } else {
            0.0
        };
    limit > 0 && ranked.len() >= limit && ranked[limit - 1].score <= bound
}

/// The radius of the round after one that has not settled. With `limit` able to go, just far
/// enough that anyone outside needs more travel time than the `limit`-th score (rounded up, with
/// 50 m to spare): that score can only fall as more are read, so the round there settles. With
/// fewer able to go, far enough to hold the missing ones if technicians are spread evenly (the
/// radius times the square root of `limit` over those able, at least a quarter farther); with
/// none, double. Never more than double, since those read on the way may settle it nearer;
/// always at least 0.1 km farther, so the rounds end.
pub fn next_radius(ranked: &[Ranked], limit: usize, radius_km: f64, p: Params) -> f64 {
    let up = |km: f64| ((km + 0.05) * 10.0).ceil() / 10.0;
    let next = match (limit.checked_sub(1).and_then(|i| ranked.get(i)), ranked.len()) {
        (Some(r), _) => up(r.score / 60.0 * p.speed_kmh.max(1.0)),
        (None, 0) => 2.0 * radius_km,
        (None, able) => up(radius_km * (limit as f64 / able as f64).sqrt()).max(1.25 * radius_km),
    };
    // On a grid of 0.1 km, as the answer's `searched_km` shows it.
    (next.min(2.0 * radius_km).max(radius_km + 0.1) * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn loc(lat: f64, lon: f64) -> Location {
        Location::parse(lat, lon).unwrap()
    }

    fn job() -> Job {
        Job {
            site: loc(30.25, 120.15),
            region_id: Some(1),
            window_start: t("2026-11-24T02:00:00Z"),
            window_end: t("2026-11-24T04:00:00Z"),
            skill: Some(("ups".into(), 3)),
            due: Some(t("2026-11-24T06:00:00Z")),
        }
    }

    fn tech(id: i64, lat: f64, lon: f64) -> Technician {
        Technician {
            id,
            skills: vec![("ups".into(), 4)],
            home: loc(lat, lon),
            last_ping: None,
            available: true,
            regions: vec![],
            booked: vec![],
            visits_that_day: 0,
            daily_capacity: 6,
        }
    }

    const NOW: &str = "2026-11-24T01:00:00Z";

    #[test]
    fn the_nearest_able_technician_ranks_first() {
        let near = tech(1, 30.26, 120.16);
        let far = tech(2, 30.40, 120.30);
        let (r, ex) = rank(&job(), &[far, near], t(NOW), Params::default());
        assert!(ex.is_empty());
        assert_eq!(r.iter().map(|x| x.technician_id).collect::<Vec<_>>(), [1, 2]);
        assert!(r[0].distance_km < 2.0 && r[1].distance_km > 15.0);
        assert!(r[0].reasons[0].contains("home base"));
    }

    #[test]
    fn a_fresh_ping_beats_the_home_base_and_a_stale_one_does_not() {
        let mut a = tech(1, 30.60, 120.60); // home far away
        a.last_ping = Some((loc(30.251, 120.151), t("2026-11-24T00:50:00Z")));
        let mut b = tech(2, 30.60, 120.60);
        b.last_ping = Some((loc(30.251, 120.151), t("2026-11-23T20:00:00Z")));
        let (r, _) = rank(&job(), &[b, a], t(NOW), Params::default());
        assert_eq!(r[0].technician_id, 1);
        assert!(r[0].from_ping);
        assert!(!r[1].from_ping);
    }

    #[test]
    fn skills_shifts_regions_bookings_and_capacity_exclude() {
        let mut no_skill = tech(1, 30.25, 120.15);
        no_skill.skills = vec![("hvac".into(), 5)];
        let mut low = tech(2, 30.25, 120.15);
        low.skills = vec![("ups".into(), 2)];
        let mut off = tech(3, 30.25, 120.15);
        off.available = false;
        let mut elsewhere = tech(4, 30.25, 120.15);
        elsewhere.regions = vec![7];
        let mut booked = tech(5, 30.25, 120.15);
        booked.booked = vec![(t("2026-11-24T03:30:00Z"), t("2026-11-24T05:00:00Z"))];
        let mut full = tech(6, 30.25, 120.15);
        full.visits_that_day = 6;
        let mut adjacent = tech(7, 30.25, 120.15);
        adjacent.booked = vec![(t("2026-11-24T04:00:00Z"), t("2026-11-24T05:00:00Z"))];
        let (r, ex) = rank(
            &job(),
            &[no_skill, low, off, elsewhere, booked, full, adjacent],
            t(NOW),
            Params::default(),
        );
        assert_eq!(
            r.iter().map(|x| x.technician_id).collect::<Vec<_>>(),
            [7],
            "back-to-back windows do not overlap"
        );
        let reasons: Vec<_> = ex.iter().map(|(id, e)| (*id, e.clone())).collect();
        assert_eq!(reasons[0], (1, Exclusion::MissingSkill("ups".into())));
        assert_eq!(
            reasons[1],
            (
                2,
                Exclusion::LevelTooLow {
                    skill: "ups".into(),
                    has: 2,
                    needs: 3
                }
            )
        );
        assert_eq!(reasons[2].1, Exclusion::NotOnShift);
        assert_eq!(reasons[3].1, Exclusion::OutsideRegion);
        assert_eq!(reasons[4].1, Exclusion::DoubleBooked);
        assert_eq!(reasons[5].1, Exclusion::AtCapacity);
    }

    /// The technicians whose home or last position lies within the radius's box.
    fn within(job: &Job, all: &[Technician], radius: f64) -> Vec<Technician> {
        let b = crate::domain::geo::around(&job.site, radius).unwrap();
        all.iter()
            .filter(|x| b.contains(&x.home) || x.last_ping.is_some_and(|(l, _)| b.contains(&l)))
            .cloned()
            .collect()
    }

    /// The radius at which the ranking of those within it first settles, checking at every
    /// radius that settles that its best five are the best five of everyone.
    fn first_settled(job: &Job, all: &[Technician], radii: &[f64]) -> Option<f64> {
        let p = Params::default();
        let (full, _) = rank(job, all, t(NOW), p);
        let ids = |r: &[Ranked]| r.iter().map(|x| x.technician_id).collect::<Vec<_>>();
        let mut first = None;
        for &radius in radii {
            let near = within(job, all, radius);
            let (r, _) = rank(job, &near, t(NOW), p);
            if settled(job, &r, 5, radius, t(NOW), p) {
                first.get_or_insert(radius);
                assert_eq!(ids(&r[..5]), ids(&full[..5]), "radius {radius}");
            }
        }
        first
    }

    /// A technician every 1.1 km north of the site (some with visits booked that day), one far
    /// away whose fresh ping puts them next to the site, and an excluded one beside it.
    fn a_line_north() -> Vec<Technician> {
        let mut all: Vec<Technician> = (0..60)
            .map(|i| {
                let mut x = tech(i, 30.25 + i as f64 * 0.01, 120.15);
                x.visits_that_day = (i % 3) as i32;
                x
            })
            .collect();
        let mut pinged = tech(100, 35.0, 110.0);
        pinged.last_ping = Some((loc(30.2501, 120.1501), t(NOW)));
        all.push(pinged);
        let mut unable = tech(101, 30.2502, 120.1502);
        unable.available = false;
        all.push(unable);
        all
    }

    const RADII: [f64; 8] = [0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 40.0, 80.0];

    #[test]
    fn a_settled_ranking_of_those_nearby_is_the_ranking_of_all() {
        let all = a_line_north();
        let p = Params::default();
        let (full, excluded) = rank(&job(), &all, t(NOW), p);
        assert_eq!(excluded[0].0, 101);
        // Small areas hold too few or too uncertain a ranking; a larger one settles it.
        let first = first_settled(&job(), &all, &RADII);
        assert!(first.is_some_and(|r| r > 1.0 && r < 80.0), "{first:?}");
        let ids = |r: &[Ranked]| r.iter().map(|x| x.technician_id).collect::<Vec<_>>();
        assert_eq!(ids(&full[..2]), [0, 100]);
        assert!(!settled(&job(), &full[..3], 5, 10_000.0, t(NOW), p));
        assert!(!settled(&job(), &full, 0, 10_000.0, t(NOW), p));
    }

    #[test]
    fn a_visit_nobody_can_reach_in_time_settles_as_near_as_one_everyone_can() {
        let all = a_line_north();
        let on_time = first_settled(&job(), &all, &RADII).unwrap();
        // The window starts after the due time: everyone would be late, near or far.
        let mut late = job();
        late.due = Some(late.window_start - Duration::hours(1));
        let (full, _) = rank(&late, &all, t(NOW), Params::default());
        assert!(full.iter().all(|r| r.sla_slack_minutes.is_some_and(|s| s < 0.0)));
        assert_eq!(first_settled(&late, &all, &RADII), Some(on_time));
        // Only the nearest can make it: within 20 minutes (10 km at 30 km/h) of an urgent window.
        let mut urgent = job();
        urgent.window_start = t(NOW);
        urgent.window_end = t(NOW) + Duration::hours(2);
        urgent.due = Some(t(NOW) + Duration::minutes(20));
        let first = first_settled(&urgent, &all, &RADII);
        assert!(first.is_some(), "settles without reading everyone");
    }

    /// The rounds of a ranking as the service makes them: from 2.5 km, each ranking those within
    /// its radius, the next radius from `next_radius`; the radius that settles and its ranking.
    fn rounds(job: &Job, all: &[Technician]) -> (f64, Vec<Ranked>) {
        let p = Params::default();
        let mut radius = 2.5;
        loop {
            let near = within(job, all, radius);
            let (r, _) = rank(job, &near, t(NOW), p);
            if settled(job, &r, 5, radius, t(NOW), p) {
                return (radius, r);
            }
            let next = next_radius(&r, 5, radius, p);
            assert!(next > radius && next <= radius * 2.0, "{radius} -> {next}");
            radius = next;
        }
    }

    #[test]
    fn the_rounds_grow_just_enough_and_rank_as_everyone_would() {
        let p = Params::default();
        let ids = |r: &[Ranked]| r.iter().map(|x| x.technician_id).collect::<Vec<_>>();
        let all = a_line_north();
        let mut late = job();
        late.due = Some(late.window_start - Duration::hours(1));
        let mut urgent = job();
        urgent.window_start = t(NOW);
        urgent.window_end = t(NOW) + Duration::hours(2);
        urgent.due = Some(t(NOW) + Duration::minutes(20));
        for j in [job(), late, urgent] {
            let (full, _) = rank(&j, &all, t(NOW), p);
            let (radius, r) = rounds(&j, &all);
            assert_eq!(ids(&r[..5]), ids(&full[..5]), "settled at {radius} km");
        }
        // The line north: doubling reads 2.5, 5, 10 and 20 km; these rounds settle nearer.
        let (radius, _) = rounds(&job(), &all);
        assert!(radius < 12.0, "{radius}");
        // None able to go: double. Too few: where the missing ones would be if spread evenly.
        // Enough: as far as settles it. At most double, always farther.
        let (full, _) = rank(&job(), &all, t(NOW), p);
        assert_eq!(next_radius(&[], 5, 2.5, p), 5.0);
        assert_eq!(next_radius(&full[..3], 5, 2.5, p), 3.3);
        assert_eq!(next_radius(&full[..4], 5, 4.0, p), 5.0);
        assert_eq!(next_radius(&full[..1], 5, 2.5, p), 5.0);
        let next = next_radius(&full, 5, 8.0, p);
        assert!(settled(&job(), &full, 5, next, t(NOW), p) && next < 10.5, "{next}");
        assert_eq!(next_radius(&full, 5, 4.0, p), 8.0);
        assert_eq!(next_radius(&full, 5, 50.0, p), 50.1);
    }

    #[test]
    fn workload_and_sla_slack_shift_the_order() {
        let mut busy = tech(1, 30.26, 120.16);
        busy.visits_that_day = 4; // 80 min of penalty
        let idle = tech(2, 30.30, 120.20); // ~7 km, ~15 min
        let (r, _) = rank(&job(), &[busy, idle], t(NOW), Params::default());
        assert_eq!(r[0].technician_id, 2);
        // One who would arrive after the due time goes last, whatever the distance.
        let mut j = job();
        j.due = Some(t("2026-11-24T02:10:00Z"));
        let near = tech(3, 30.26, 120.16);
        let far = tech(4, 30.50, 120.50); // ~45 km: arrives after 02:10
        let (r, _) = rank(&j, &[far, near], t(NOW), Params::default());
        assert_eq!(r[0].technician_id, 3);
        assert!(r[1].sla_slack_minutes.unwrap() < 0.0);
        assert!(r[1].reasons.iter().any(|x| x.contains("after the SLA due time")));
    }

    #[test]
    fn availability_follows_hours_holidays_and_the_roster() {
        let cal = Calendar::standard(chrono_tz::Asia::Shanghai);
        let week = cal.week;
        // Tuesday 10:00-12:00 local is inside 08:30-17:00.
        let (s, e) = (t("2026-11-24T02:00:00Z"), t("2026-11-24T04:00:00Z"));
        assert!(available(&week, &cal, &[], s, e));
        // Tuesday 16:00-18:00 local runs past closing.
        assert!(!available(
            &week,
            &cal,
            &[],
            t("2026-11-24T08:00:00Z"),
            t("2026-11-24T10:00:00Z")
        ));
        // Saturday: off, unless on the duty roster for the whole window.
        let (ss, se) = (t("2026-11-28T02:00:00Z"), t("2026-11-28T04:00:00Z"));
        assert!(!available(&week, &cal, &[], ss, se));
        assert!(available(
            &week,
            &cal,
            &[(t("2026-11-28T00:00:00Z"), t("2026-11-28T12:00:00Z"))],
            ss,
            se
        ));
        assert!(!available(
            &week,
            &cal,
            &[(t("2026-11-28T03:00:00Z"), t("2026-11-28T12:00:00Z"))],
            ss,
            se
        ));
        // A holiday is off.
        let mut hol = cal.clone();
        hol.overrides.insert(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
            crate::domain::sla::DayOverride::Holiday,
        );
        assert!(!available(&week, &hol, &[], s, e));
    }

    #[test]
    fn haversine_distance() {
        let hangzhou = loc(30.2741, 120.1551);
        let shanghai = loc(31.2304, 121.4737);
        let d = distance_km(&hangzhou, &shanghai);
        assert!((160.0..170.0).contains(&d), "{d}");
    }
}
