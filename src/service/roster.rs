//! The hotline's shifts and the agents' duty roster: who works which shift on which day, and who
//! is on duty at an instant (the lead on duty takes the night and holiday alerts).

use super::Who;
use crate::db::audit::{self, snapshot};
use crate::db::roster::{self as store, EntryRow, ShiftFields, ShiftRow};
use crate::db::schema::users;
use crate::db::{org, sla, write, DbConn};
use crate::domain::roster::{running_at, ShiftTimes};
use crate::domain::sla::Calendar;
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::desk::{self as policy, Act};
use chrono::{DateTime, Days, NaiveDate, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{DeskShift, NewRosterEntry, Role, RosterEntry, RosterEntryId, ShiftId, ShiftInput, UserId};
use std::collections::HashMap;

/// The longest span of days one roster read covers.
pub const MAX_DAYS: u64 = 62;
/// The days a roster read covers when it names no end: two weeks.
pub const DEFAULT_DAYS: u64 = 14;

/// Every shift, the active ones first, each by start time.
pub fn shifts(c: &mut DbConn, who: &Who) -> AppResult<Vec<DeskShift>> {
    policy::require(&who.caller, Act::ReadRoster)?;
    Ok(store::shifts(c)?.iter().map(ShiftRow::to_wire).collect())
}

/// Creates a shift (admins), with its audit event.
pub fn create_shift(c: &mut DbConn, who: &Who, b: ShiftInput) -> AppResult<DeskShift> {
    policy::require(&who.caller, Act::EditShifts)?;
    let f = shift_fields(&b)?;
    let actor = who.actor();
    write(c, |c| {
        if store::shift_named(c, &f.name)?.is_some() {
            return Err(AppError::duplicate("name", "another shift has this name"));
        }
        let row = store::insert_shift(c, &f, actor.at)?;
        let out = row.to_wire();
        audit::record(c, &actor, "desk_shift", row.id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// Changes a shift (admins), with its audit event. The entries keep their shift: its new times
/// apply to them.
pub fn update_shift(c: &mut DbConn, who: &Who, id: i64, b: ShiftInput) -> AppResult<DeskShift> {
    policy::require(&who.caller, Act::EditShifts)?;
    let f = shift_fields(&b)?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::find_shift(c, id)?.ok_or_else(|| AppError::not_found("shift", id))?;
        if store::shift_named(c, &f.name)?.is_some_and(|other| other != id) {
            return Err(AppError::duplicate("name", "another shift has this name"));
        }
        let row = store::replace_shift(c, id, &f, actor.at)?;
        let out = row.to_wire();
        audit::record(
            c,
            &actor,
            "desk_shift",
            id,
            "update",
            snapshot(&before.to_wire()),
            snapshot(&out),
        )?;
        Ok(out)
    })
}

fn shift_fields(b: &ShiftInput) -> AppResult<ShiftFields> {
    let name = validate::text("name", &b.name, MAX_SHIFT_NAME)?;
    ShiftTimes::parse(&b.starts, &b.ends)?;
    Ok(ShiftFields {
        name,
        starts: b.starts.clone(),
        ends: b.ends.clone(),
        active: b.active,
    })
}

/// The longest shift name.
pub const MAX_SHIFT_NAME: usize = 40;

/// The roster of the days `from..=to` (today and the next two weeks when left out), of one
/// shift or all, by day, shift and entry.
pub fn roster(
    c: &mut DbConn,
    who: &Who,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    shift: Option<i64>,
) -> AppResult<Vec<RosterEntry>> {
    policy::require(&who.caller, Act::ReadRoster)?;
    let cal = sla::calendar(c)?;
    let today = cal.local_date(who.at);
    let from = validate::date("from", from.unwrap_or(today), today)?;
    let to = match to {
        Some(to) => validate::date("to", to, today)?,
        None => from.checked_add_days(Days::new(DEFAULT_DAYS - 1)).unwrap_or(from),
    };
    if to < from {
        return Err(AppError::validation("to", "must not be before `from`"));
    }
    if (to - from).num_days() >= MAX_DAYS as i64 {
        return Err(AppError::validation(
            "to",
            format!("a roster read covers at most {MAX_DAYS} days"),
        ));
    }
    let rows = store::entries_between(c, from, to, shift)?;
    wire(c, &cal, &rows)
}

/// Puts a person on a shift of a day, with its audit event.
pub fn add(c: &mut DbConn, who: &Who, b: NewRosterEntry) -> AppResult<RosterEntry> {
    policy::require(&who.caller, Act::ReadRoster)?;
    let actor = who.actor();
    write(c, |c| {
        let cal = sla::calendar(c)?;
        let today = cal.local_date(who.at);
        let day = validate::date("day", b.day, today)?;
        let shift = store::find_shift(c, b.shift_id.0)?
            .filter(|s| s.active)
            .ok_or_else(|| AppError::validation("shift_id", "no active shift has this id"))?;
        let (_, ends) = shift.times()?.interval(&cal, day);
        if ends <= who.at {
            return Err(AppError::validation("day", "this shift of this day is over"));
        }
        let person = crate::db::users::find(c, b.user_id.0)?
            .filter(|u| u.active)
            .ok_or_else(|| AppError::validation("user_id", "no active user has this id"))?;
        if !policy::ROSTERED.contains(&person.role()?) {
            return Err(AppError::validation(
                "user_id",
                "the hotline roster holds agents, remote engineers and supervisors",
            ));
        }
        check_may_roster(c, who, person.id)?;
        if let Some(other) = store::entry_of(c, person.id, day)? {
            let name = store::find_shift(c, other.shift_id)?
                .map(|s| s.name)
                .unwrap_or_default();
            return Err(AppError::duplicate(
                "day",
                format!("{} is on the {name} shift of {day} already", person.display_name),
            ));
        }
        let row = store::insert_entry(c, day, shift.id, person.id, who.caller.id.0, actor.at)?;
        let out = one(c, &cal, &row)?;
        audit::record(c, &actor, "roster_entry", row.id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// Takes a person off a shift that has not started, with its audit event (the roster of the
/// past is kept as it was worked).
pub fn remove(c: &mut DbConn, who: &Who, id: i64) -> AppResult<()> {
    policy::require(&who.caller, Act::ReadRoster)?;
    let actor = who.actor();
    write(c, |c| {
        let cal = sla::calendar(c)?;
        let row = store::get_entry(c, id)?;
        check_may_roster(c, who, row.user_id)?;
        let out = one(c, &cal, &row)?;
        if out.starts_at <= who.at {
            return Err(AppError::Conflict(
                "this shift has started; the roster of the past is kept as it was worked".into(),
            ));
        }
        if super::roster_swaps::entry_in_open_swap(c, id)? {
            return Err(AppError::Conflict(
                "this entry is in an open swap request: refuse or cancel the swap first".into(),
            ));
        }
        store::delete_entry(c, id)?;
        audit::record(c, &actor, "roster_entry", id, "delete", snapshot(&out), None)?;
        Ok(())
    })
}

/// Refuses a caller who may not roster this person (a lead rosters the people they lead).
fn check_may_roster(c: &mut DbConn, who: &Who, person: i64) -> AppResult<()> {
    let led = org::led_by(c, who.caller.id.0)?.contains(&person);
    if policy::may_roster(&who.caller, led) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only a supervisor, a manager or this person's lead may change their roster".into(),
        ))
    }
}

/// The active shifts running at `at`, each with the day it belongs to (a night shift's early
/// hours are the day before's).
pub fn running_shifts(c: &mut DbConn, cal: &Calendar, at: DateTime<Utc>) -> AppResult<Vec<(ShiftRow, NaiveDate)>> {
    let mut shifts = Vec::new();
    for s in store::shifts(c)?.into_iter().filter(|s| s.active) {
        let times = s.times()?;
        shifts.push((s, times));
    }
    let keyed: Vec<(usize, ShiftTimes)> = shifts.iter().enumerate().map(|(i, (_, t))| (i, *t)).collect();
    Ok(running_at(cal, &keyed, at)
        .into_iter()
        .map(|(i, day)| (shifts[i].0.clone(), day))
        .collect())
}

/// The entries of the shifts running at `at`.
pub fn on_duty_at(c: &mut DbConn, at: DateTime<Utc>) -> AppResult<Vec<RosterEntry>> {
    let cal = sla::calendar(c)?;
    let mut rows = Vec::new();
    for (shift, day) in running_shifts(c, &cal, at)? {
        rows.extend(store::entries_between(c, day, day, Some(shift.id))?);
    }
    wire(c, &cal, &rows)
}

/// The shift leads on duty at `at`, by user id; empty when no lead is rostered.
pub fn leads_on_duty(c: &mut DbConn, at: DateTime<Utc>) -> AppResult<Vec<UserId>> {
    let mut leads: Vec<UserId> = on_duty_at(c, at)?
        .into_iter()
        .filter(|e| e.lead)
        .map(|e| e.user_id)
        .collect();
    leads.sort_unstable();
    leads.dedup();
    Ok(leads)
}

fn one(c: &mut DbConn, cal: &Calendar, row: &EntryRow) -> AppResult<RosterEntry> {
    wire(c, cal, std::slice::from_ref(row))?
        .pop()
        .ok_or_else(|| AppError::internal("a roster entry vanished while read"))
}

/// The wire entries, with the names, roles and levels of their people, their shifts' times,
/// whether each person is a shift lead and whether the day is a holiday.
pub fn wire(c: &mut DbConn, cal: &Calendar, rows: &[EntryRow]) -> AppResult<Vec<RosterEntry>> {
    let (Some(first), Some(last)) = (rows.iter().map(|r| r.day).min(), rows.iter().map(|r| r.day).max()) else {
        return Ok(Vec::new());
    };
    let shifts: HashMap<i64, ShiftRow> = store::shifts(c)?.into_iter().map(|s| (s.id, s)).collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
    let people: HashMap<i64, (String, String, i32)> = users::table
        .filter(users::id.eq_any(&ids))
        .select((users::id, users::display_name, users::role, users::level))
        .load::<(i64, String, String, i32)>(c)?
        .into_iter()
        .map(|(id, name, role, level)| (id, (name, role, level)))
        .collect();
    let leads = store::shift_leads(c)?;
    let holidays = store::holidays_between(c, first, last)?;
    rows.iter()
        .map(|r| {
            let shift = shifts
                .get(&r.shift_id)
                .ok_or_else(|| AppError::internal(format!("roster entry {} has no shift", r.id)))?;
            let (name, role, level) = people
                .get(&r.user_id)
                .cloned()
                .ok_or_else(|| AppError::internal(format!("roster entry {} has no person", r.id)))?;
            let role =
                Role::parse(&role).ok_or_else(|| AppError::internal(format!("user {} has role {role}", r.user_id)))?;
            let (starts_at, ends_at) = shift.times()?.interval(cal, r.day);
            Ok(RosterEntry {
                id: RosterEntryId(r.id),
                day: r.day,
                shift_id: ShiftId(shift.id),
                shift_name: shift.name.clone(),
                user_id: UserId(r.user_id),
                user_name: name,
                role,
                level,
                lead: leads.contains(&r.user_id),
                holiday: holidays.contains(&r.day),
                starts_at,
                ends_at,
            })
        })
        .collect()
}
