//! SLA policies (kind x customer tier x priority x region class, each part open or named), the
//! business calendar and its holidays.

use super::audit::Actor;
use super::schema::{business_calendar, holidays, sla_policies};
use super::{ts, utc, DbConn};
use crate::domain::sla::{
    choose, shipped_targets, Calendar, DayOverride, PolicyScope, Targets, TicketClass, WorkingHours,
};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    BusinessCalendar, ClockMode, DayHours, Holiday, HolidayId, HolidayKind, Priority, RegionClass, RequestKind,
    SlaPolicy, SlaPolicyId, Tier, TierAction,
};

// ---------------------------------------------------------------- policies

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sla_policies)]
pub struct PolicyRow {
    pub id: i64,
    pub kind: Option<String>,
    pub customer_tier: Option<String>,
    pub priority: Option<String>,
    pub region_class: Option<String>,
    pub response_minutes: i32,
    pub hotline_minutes: i32,
    pub remote_minutes: i32,
    pub departure_minutes: i32,
    pub arrival_minutes: i32,
    pub resolution_minutes: i32,
    pub clock_mode: String,
    pub hotline_action: String,
    pub remote_action: String,
    pub updated_at: chrono::NaiveDateTime,
}

fn bad(what: &str, v: &str) -> AppError {
    AppError::internal(format!("stored {what} `{v}` is unknown"))
}

fn part<T>(what: &str, v: &Option<String>, f: fn(&str) -> Option<T>) -> AppResult<Option<T>> {
    v.as_deref().map(|v| f(v).ok_or_else(|| bad(what, v))).transpose()
}

impl PolicyRow {
    /// The tickets the row applies to.
    pub fn scope(&self) -> AppResult<PolicyScope> {
        Ok(PolicyScope {
            kind: part("kind", &self.kind, RequestKind::parse)?,
            tier: part("tier", &self.customer_tier, Tier::parse)?,
            priority: part("priority", &self.priority, Priority::parse)?,
            class: part("class", &self.region_class, RegionClass::parse)?,
        })
    }

    pub fn to_wire(&self) -> AppResult<SlaPolicy> {
        let scope = self.scope()?;
        let t = self.targets()?;
        Ok(SlaPolicy {
            id: SlaPolicyId(self.id),
            kind: scope.kind,
            customer_tier: scope.tier,
            priority: scope.priority,
            region_class: scope.class,
            response_minutes: self.response_minutes,
            hotline_minutes: self.hotline_minutes,
            remote_minutes: self.remote_minutes,
            departure_minutes: self.departure_minutes,
            arrival_minutes: self.arrival_minutes,
            resolution_minutes: self.resolution_minutes,
            clock_mode: t.mode,
            hotline_action: t.on_hotline,
            remote_action: t.on_remote,
            updated_at: utc(self.updated_at),
        })
    }

    pub fn targets(&self) -> AppResult<Targets> {
        PolicyTargets {
            response_minutes: self.response_minutes,
            hotline_minutes: self.hotline_minutes,
            remote_minutes: self.remote_minutes,
            departure_minutes: self.departure_minutes,
            arrival_minutes: self.arrival_minutes,
            resolution_minutes: self.resolution_minutes,
            clock_mode: self.clock_mode.clone(),
            hotline_action: self.hotline_action.clone(),
            remote_action: self.remote_action.clone(),
        }
        .targets()
    }
}

/// The scope of every stored policy.
pub fn policy_scopes(c: &mut DbConn) -> AppResult<Vec<PolicyScope>> {
    let rows: Vec<PolicyRow> = sla_policies::table.select(PolicyRow::as_select()).load(c)?;
    rows.iter().map(PolicyRow::scope).collect()
}

/// The policy a new row stands for: the tickets it applies to and its targets.
#[derive(Debug, Clone, Copy)]
pub struct NewPolicy {
    pub scope: PolicyScope,
    pub targets: Targets,
}

/// Inserts a policy, in the caller's transaction.
pub fn insert_policy(c: &mut DbConn, p: &NewPolicy, at: DateTime<Utc>) -> AppResult<PolicyRow> {
    let (s, t) = (&p.scope, &p.targets);
    Ok(diesel::insert_into(sla_policies::table)
        .values((
            (
                sla_policies::kind.eq(s.kind.map(|k| k.as_str())),
                sla_policies::customer_tier.eq(s.tier.map(|x| x.as_str())),
                sla_policies::priority.eq(s.priority.map(|x| x.as_str())),
                sla_policies::region_class.eq(s.class.map(|x| x.as_str())),
            ),
            PolicyTargets::of(t),
            sla_policies::updated_at.eq(ts(at)),
        ))
        .returning(sla_policies::all_columns)
        .get_result(c)?)
}

/// Every policy, or those naming a customer tier; the rows for any tier come first.
pub fn list_policies(conn: &mut DbConn, tier: Option<Tier>) -> AppResult<Vec<SlaPolicy>> {
    let mut q = sla_policies::table.into_boxed();
    if let Some(t) = tier {
        q = q.filter(sla_policies::customer_tier.eq(t.as_str()));
    }
    let rows: Vec<PolicyRow> = q.order(sla_policies::id).select(PolicyRow::as_select()).load(conn)?;
    rows.iter().map(PolicyRow::to_wire).collect()
}

/// The targets for a ticket: the most specific stored row that matches it
/// (`domain::sla::choose`); the shipped targets when none does.
pub fn targets_for(conn: &mut DbConn, t: &TicketClass) -> AppResult<Targets> {
    let rows: Vec<PolicyRow> = crate::on_backend!(conn, |b| sla_policies::table
        .filter(sla_policies::kind.is_null().or(sla_policies::kind.eq(t.kind.as_str())))
        .filter(
            sla_policies::customer_tier
                .is_null()
                .or(sla_policies::customer_tier.eq(t.tier.as_str())),
        )
        .filter(
            sla_policies::priority
                .is_null()
                .or(sla_policies::priority.eq(t.priority.as_str())),
        )
        .filter(
            sla_policies::region_class
                .is_null()
                .or(sla_policies::region_class.eq(t.class.as_str())),
        )
        .select(PolicyRow::as_select())
        .load(b))?;
    let scoped = rows
        .iter()
        .map(|r| Ok((r.scope()?, r)))
        .collect::<AppResult<Vec<_>>>()?;
    match choose(scoped, t) {
        Some(r) => r.targets(),
        None => Ok(shipped_targets(t)),
    }
}

/// One policy.
pub fn policy(conn: &mut DbConn, id: i64) -> AppResult<PolicyRow> {
    sla_policies::table
        .find(id)
        .select(PolicyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("SLA policy", id))
}

/// A policy's targets, clock mode and tier actions as stored.
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = sla_policies)]
pub struct PolicyTargets {
    pub response_minutes: i32,
    pub hotline_minutes: i32,
    pub remote_minutes: i32,
    pub departure_minutes: i32,
    pub arrival_minutes: i32,
    pub resolution_minutes: i32,
    pub clock_mode: String,
    pub hotline_action: String,
    pub remote_action: String,
}

impl PolicyTargets {
    pub fn of(t: &Targets) -> PolicyTargets {
        let m = |d: Duration| d.num_minutes() as i32;
        PolicyTargets {
            response_minutes: m(t.response),
            hotline_minutes: m(t.hotline),
            remote_minutes: m(t.remote),
            departure_minutes: m(t.departure),
            arrival_minutes: m(t.arrival),
            resolution_minutes: m(t.resolution),
            clock_mode: t.mode.as_str().into(),
            hotline_action: t.on_hotline.as_str().into(),
            remote_action: t.on_remote.as_str().into(),
        }
    }

    /// The targets these figures give (a mode or action that is not one is an error).
    pub fn targets(&self) -> AppResult<Targets> {
        let action = |v: &str| TierAction::parse(v).ok_or_else(|| bad("tier action", v));
        let m = |v: i32| Duration::minutes(v.into());
        Ok(Targets {
            response: m(self.response_minutes),
            hotline: m(self.hotline_minutes),
            remote: m(self.remote_minutes),
            departure: m(self.departure_minutes),
            arrival: m(self.arrival_minutes),
            resolution: m(self.resolution_minutes),
            mode: ClockMode::parse(&self.clock_mode).ok_or_else(|| bad("clock mode", &self.clock_mode))?,
            on_hotline: action(&self.hotline_action)?,
            on_remote: action(&self.remote_action)?,
        })
    }
}

/// Stores a policy's new targets.
pub fn set_policy(
    conn: &mut DbConn,
    id: i64,
    t: &PolicyTargets,
    at: chrono::DateTime<chrono::Utc>,
) -> AppResult<PolicyRow> {
    Ok(diesel::update(sla_policies::table.find(id))
        .set((t, sla_policies::updated_at.eq(ts(at))))
        .returning(sla_policies::all_columns)
        .get_result(conn)?)
}

// ---------------------------------------------------------------- calendar

/// The id of the one calendar row (and of its audit events).
pub const CALENDAR_ID: i64 = 1;

fn parse_time(field: &str, v: &str) -> AppResult<NaiveTime> {
    NaiveTime::parse_from_str(v.trim(), "%H:%M").map_err(|_| AppError::validation(field, format!("`{v}` is not HH:MM")))
}

fn hours(field: &str, h: &DayHours) -> AppResult<WorkingHours> {
    let start = parse_time(field, &h.start)?;
    let end = parse_time(field, &h.end)?;
    if end <= start {
        return Err(AppError::validation(field, "must end after it starts"));
    }
    Ok(WorkingHours { start, end })
}

fn day_hours(h: &WorkingHours) -> DayHours {
    DayHours {
        start: h.start.format("%H:%M").to_string(),
        end: h.end.format("%H:%M").to_string(),
    }
}

/// Checks a calendar as sent by an admin and turns it into the domain's (without its overrides).
pub fn calendar_from_wire(w: &BusinessCalendar) -> AppResult<Calendar> {
    let tz: chrono_tz::Tz = w
        .time_zone
        .trim()
        .parse()
        .map_err(|_| AppError::validation("time_zone", format!("`{}` is not an IANA time zone", w.time_zone)))?;
    if w.week.len() != 7 {
        return Err(AppError::validation("week", "must have seven entries, Monday first"));
    }
    let mut week = [None; 7];
    for (i, d) in w.week.iter().enumerate() {
        if let Some(h) = d {
            week[i] = Some(hours(&format!("week[{i}]"), h)?);
        }
    }
    let makeup_hours = hours("makeup_hours", &w.makeup_hours)?;
    Ok(Calendar {
        tz,
        week,
        makeup_hours,
        overrides: Default::default(),
    })
}

pub fn calendar_to_wire(c: &Calendar) -> BusinessCalendar {
    BusinessCalendar {
        time_zone: c.tz.name().to_string(),
        week: c.week.iter().map(|d| d.as_ref().map(day_hours)).collect(),
        makeup_hours: day_hours(&c.makeup_hours),
    }
}

/// Whether the calendar's row exists.
pub fn calendar_exists(c: &mut DbConn) -> AppResult<bool> {
    let n: i64 = business_calendar::table.count().get_result(c)?;
    Ok(n != 0)
}

/// Stores the calendar's zone and hours (its one row, made when missing).
pub fn store_calendar(c: &mut DbConn, w: &BusinessCalendar, actor: &Actor) -> AppResult<()> {
    let hours_json = serde_json::to_string(&(&w.week, &w.makeup_hours)).map_err(AppError::internal)?;
    let n = diesel::update(business_calendar::table.find(CALENDAR_ID))
        .set((
            business_calendar::time_zone.eq(&w.time_zone),
            business_calendar::hours_json.eq(&hours_json),
            business_calendar::updated_at.eq(ts(actor.at)),
        ))
        .execute(c)?;
    if n == 0 {
        diesel::insert_into(business_calendar::table)
            .values((
                business_calendar::id.eq(CALENDAR_ID),
                business_calendar::time_zone.eq(&w.time_zone),
                business_calendar::hours_json.eq(&hours_json),
                business_calendar::updated_at.eq(ts(actor.at)),
            ))
            .execute(c)?;
    }
    Ok(())
}

/// The calendar as stored (weekly hours and zone), without holidays.
pub fn calendar_wire(conn: &mut DbConn) -> AppResult<BusinessCalendar> {
    let (time_zone, hours_json): (String, String) = crate::on_backend!(conn, |b| business_calendar::table
        .find(CALENDAR_ID)
        .select((business_calendar::time_zone, business_calendar::hours_json))
        .first(b)
        .optional())?
    .ok_or_else(|| AppError::internal("the business calendar is missing"))?;
    let (week, makeup_hours): (Vec<Option<DayHours>>, DayHours) =
        serde_json::from_str(&hours_json).map_err(|e| AppError::internal(format!("stored calendar: {e}")))?;
    Ok(BusinessCalendar {
        time_zone,
        week,
        makeup_hours,
    })
}

/// The calendar with its holidays and make-up days: what SLA clocks run on.
pub fn calendar(conn: &mut DbConn) -> AppResult<Calendar> {
    let mut cal = calendar_from_wire(&calendar_wire(conn)?)?;
    let days: Vec<(chrono::NaiveDate, String)> = crate::on_backend!(conn, |b| holidays::table
        .select((holidays::day, holidays::kind))
        .load(b))?;
    for (day, kind) in days {
        let o = if kind == HolidayKind::Working.as_str() {
            DayOverride::Working
        } else {
            DayOverride::Holiday
        };
        cal.overrides.insert(day, o);
    }
    Ok(cal)
}

// ---------------------------------------------------------------- holidays

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = holidays)]
pub struct HolidayRow {
    pub id: i64,
    pub day: chrono::NaiveDate,
    pub name: String,
    pub kind: String,
    pub created_at: chrono::NaiveDateTime,
}

impl HolidayRow {
    pub fn to_wire(&self) -> Holiday {
        Holiday {
            id: HolidayId(self.id),
            day: self.day,
            name: self.name.clone(),
            kind: HolidayKind::parse(&self.kind).unwrap_or(HolidayKind::Holiday),
        }
    }
}

pub fn list_holidays(conn: &mut DbConn, year: Option<i32>) -> AppResult<Vec<Holiday>> {
    let mut q = holidays::table.into_boxed();
    if let Some(y) = year {
        let from =
            chrono::NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(|| AppError::validation("year", "out of range"))?;
        let to =
            chrono::NaiveDate::from_ymd_opt(y, 12, 31).ok_or_else(|| AppError::validation("year", "out of range"))?;
        q = q.filter(holidays::day.between(from, to));
    }
    let rows: Vec<HolidayRow> = q.order(holidays::day).select(HolidayRow::as_select()).load(conn)?;
    Ok(rows.iter().map(HolidayRow::to_wire).collect())
}

/// Whether a day is already a holiday or a make-up working day.
pub fn day_taken(conn: &mut DbConn, day: chrono::NaiveDate) -> AppResult<bool> {
    let taken: i64 = holidays::table.filter(holidays::day.eq(day)).count().get_result(conn)?;
    Ok(taken > 0)
}

/// Adds a holiday or a make-up working day.
pub fn insert_holiday(
    conn: &mut DbConn,
    day: chrono::NaiveDate,
    name: &str,
    kind: HolidayKind,
    at: chrono::DateTime<chrono::Utc>,
) -> AppResult<HolidayRow> {
    Ok(diesel::insert_into(holidays::table)
        .values((
            holidays::day.eq(day),
            holidays::name.eq(name),
            holidays::kind.eq(kind.as_str()),
            holidays::created_at.eq(ts(at)),
        ))
        .returning(holidays::all_columns)
        .get_result(conn)?)
}

/// One holiday.
pub fn holiday(conn: &mut DbConn, id: i64) -> AppResult<HolidayRow> {
    holidays::table
        .find(id)
        .select(HolidayRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("holiday", id))
}

/// Removes a holiday.
pub fn remove_holiday(conn: &mut DbConn, id: i64) -> AppResult<()> {
    diesel::delete(holidays::table.find(id)).execute(conn)?;
    Ok(())
}

/// Tickets with a recorded breach, by clock: response, hotline, remote, departure, arrival,
/// resolution, callback.
pub fn breaches_recorded(c: &mut DbConn) -> QueryResult<Vec<(&'static str, i64)>> {
    use super::schema::tickets::dsl as t;
    Ok(vec![
        (
            "response",
            t::tickets
                .filter(t::response_breached_at.is_not_null())
                .count()
                .get_result(c)?,
        ),
        (
            "hotline",
            t::tickets
                .filter(t::hotline_breached_at.is_not_null())
                .count()
                .get_result(c)?,
        ),
        (
            "remote",
            t::tickets
                .filter(t::remote_breached_at.is_not_null())
                .count()
                .get_result(c)?,
        ),
        (
            "departure",
            t::tickets
                .filter(t::departure_breached_at.is_not_null())
                .count()
                .get_result(c)?,
        ),
        (
            "arrival",
            t::tickets
                .filter(t::arrival_breached_at.is_not_null())
                .count()
                .get_result(c)?,
        ),
        (
            "resolution",
            t::tickets
                .filter(t::resolution_breached_at.is_not_null())
                .count()
                .get_result(c)?,
        ),
        (
            "callback",
            t::tickets
                .filter(t::callback_breached_at.is_not_null())
                .count()
                .get_result(c)?,
        ),
    ])
}
