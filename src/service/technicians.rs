//! Technicians: their profiles (home base, hours, capacity, regions, skills), their duty roster,
//! and the retention of their positions.

use super::Who;
use crate::db::audit::{self, snapshot};
use crate::db::dispatch::technicians::TechnicianFields;
use crate::db::dispatch::{positions, technicians as store};
use crate::db::{write, DbConn, Paging};
use crate::domain::geo::Location;
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::dispatch::{self as policy, Act};
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{DutyShift, LunchBreak, NewDutyShift, Page, PutTechnician, Technician, UserId};

/// Technicians with their skills, hours and last known position (optionally those with a skill).
pub fn list(
    c: &mut DbConn,
    who: &Who,
    skill: Option<String>,
    (limit, offset): (Option<i64>, Option<i64>),
) -> AppResult<Page<Technician>> {
    policy::require(&who.caller, Act::ListTechnicians)?;
    let paging = Paging::new(limit, offset)?;
    store::list_technicians(c, skill.as_deref(), paging)
}

/// One technician's profile.
pub fn get(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Technician> {
    policy::require_on_technician(&who.caller, Act::ReadTechnician, id)?;
    store::get_technician(c, id)
}

/// The profile's values as the store takes them, checked.
fn fields(b: PutTechnician) -> AppResult<TechnicianFields> {
    let home = Location::parse(b.home_latitude, b.home_longitude)
        .map_err(|e| AppError::validation(format!("home_{}", e.field), e.reason))?;
    let f = TechnicianFields {
        home,
        daily_capacity: b.daily_capacity,
        week: b.week,
        regions: b.regions.into_iter().map(|r| r.0).collect(),
        skills: b.skills,
        lunch: b.lunch_break.unwrap_or_default(),
    };
    lunch_break(&f.lunch)?;
    if !(1..=50).contains(&f.daily_capacity) {
        return Err(AppError::validation("daily_capacity", "must be between 1 and 50"));
    }
    if f.week.len() != 7 {
        return Err(AppError::validation("week", "must have seven entries, Monday first"));
    }
    store::working_week(&f.week)?;
    for (i, s) in f.skills.iter().enumerate() {
        if !(1..=5).contains(&s.level) {
            return Err(AppError::validation(
                format!("skills[{i}].level"),
                "must be between 1 and 5",
            ));
        }
        if s.skill.trim().is_empty() || s.skill.len() > 50 {
            return Err(AppError::validation(
                format!("skills[{i}].skill"),
                "must be 1 to 50 characters",
            ));
        }
        if f.skills[..i].iter().any(|o| o.skill == s.skill) {
            return Err(AppError::validation(format!("skills[{i}].skill"), "is listed twice"));
        }
    }
    Ok(f)
}

/// A lunch break inside the day: `HH:MM` times in order, and minutes that fit between them.
fn lunch_break(l: &LunchBreak) -> AppResult<()> {
    let time = |field: &str, v: &str| {
        chrono::NaiveTime::parse_from_str(v, "%H:%M")
            .ok()
            .filter(|_| v.len() == 5)
            .ok_or_else(|| AppError::validation(format!("lunch_break.{field}"), "must be a time HH:MM"))
    };
    let (from, until) = (time("from", &l.from)?, time("until", &l.until)?);
    if until <= from {
        return Err(AppError::validation("lunch_break.until", "must be after from"));
    }
    if !(0..=180).contains(&l.minutes) || i64::from(l.minutes) > (until - from).num_minutes() {
        return Err(AppError::validation(
            "lunch_break.minutes",
            "must be 0-180 and fit between from and until",
        ));
    }
    Ok(())
}

/// Creates or replaces the profile of a user with the technician role.
pub fn put_profile(c: &mut DbConn, who: &Who, user_id: i64, body: PutTechnician) -> AppResult<Technician> {
    policy::require(&who.caller, Act::PutTechnician)?;
    let f = fields(body)?;
    let actor = who.actor();
    write(c, |c| {
        match store::user_role(c, user_id)? {
            None => return Err(AppError::not_found("user", user_id)),
            Some(r) if !policy::may_hold_technician_profile(&r) => {
                return Err(AppError::validation(
                    "user_id",
                    format!("user {user_id} is not a technician"),
                ))
            }
            _ => {}
        }
        let before = store::find_wire(c, user_id)?;
        store::save_profile(c, user_id, &f, actor.at)?;
        let out = store::get_technician(c, user_id)?;
        let action = if before.is_some() { "update" } else { "create" };
        audit::record(
            c,
            &actor,
            "technician",
            user_id,
            action,
            before.as_ref().and_then(snapshot),
            snapshot(&out),
        )?;
        Ok(out)
    })
}

/// A technician's on-duty shifts ending after `from` (default now).
pub fn list_duty(c: &mut DbConn, who: &Who, user_id: i64, from: Option<DateTime<Utc>>) -> AppResult<Vec<DutyShift>> {
    policy::require_on_technician(&who.caller, Act::ReadDuty, user_id)?;
    let from = match from {
        Some(f) => validate::moment("from", f, who.at)?,
        None => who.at,
    };
    store::find(c, user_id)?.ok_or_else(|| AppError::not_found("technician", user_id))?;
    store::list_duty(c, user_id, from)
}

/// Puts a technician on the duty roster (nights, weekends, holidays).
pub fn add_duty(c: &mut DbConn, who: &Who, user_id: i64, b: NewDutyShift) -> AppResult<DutyShift> {
    policy::require(&who.caller, Act::AddDuty)?;
    let note = validate::optional(b.note.as_deref(), |v| validate::text("note", v, 500))?;
    let (start, end) = (
        validate::moment("starts_at", b.starts_at, who.at)?,
        validate::moment("ends_at", b.ends_at, who.at)?,
    );
    if end <= start {
        return Err(AppError::validation("ends_at", "must be after starts_at"));
    }
    if end - start > Duration::days(14) {
        return Err(AppError::validation("ends_at", "a shift lasts at most 14 days"));
    }
    let actor = who.actor();
    write(c, |c| {
        store::find(c, user_id)?.ok_or_else(|| AppError::not_found("technician", user_id))?;
        let id = store::insert_duty(c, user_id, (start, end), note.as_deref(), actor.at)?;
        let out = DutyShift {
            id,
            user_id: UserId(user_id),
            starts_at: start,
            ends_at: end,
            note,
        };
        audit::record(c, &actor, "duty_shift", id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// Deletes positions older than the retention period (`before`); returns how many. The last
/// known position stays on each profile.
pub fn prune_positions(c: &mut DbConn, before: DateTime<Utc>) -> AppResult<usize> {
    write(c, |c| positions::prune_pings(c, before))
}
