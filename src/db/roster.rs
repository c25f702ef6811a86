//! The hotline's shifts and the agents' duty roster.

use super::schema::{desk_shifts, holidays, roster_entries, teams, users};
use super::{ts, DbConn};
use crate::domain::roster::ShiftTimes;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{DeskShift, ShiftId, TeamKind};
use std::collections::HashSet;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = desk_shifts)]
pub struct ShiftRow {
    pub id: i64,
    pub name: String,
    pub starts: String,
    pub ends: String,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl ShiftRow {
    pub fn times(&self) -> AppResult<ShiftTimes> {
        ShiftTimes::parse(&self.starts, &self.ends)
            .map_err(|e| AppError::internal(format!("shift {} has bad times: {}", self.id, e.reason)))
    }

    pub fn to_wire(&self) -> DeskShift {
        DeskShift {
            id: ShiftId(self.id),
            name: self.name.clone(),
            starts: self.starts.clone(),
            ends: self.ends.clone(),
            active: self.active,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = roster_entries)]
pub struct EntryRow {
    pub id: i64,
    pub day: NaiveDate,
    pub shift_id: i64,
    pub user_id: i64,
    pub created_by: i64,
    pub created_at: chrono::NaiveDateTime,
}

/// Every shift, the active ones first, each by start time.
pub fn shifts(c: &mut DbConn) -> QueryResult<Vec<ShiftRow>> {
    desk_shifts::table
        .order((desk_shifts::active.desc(), desk_shifts::starts, desk_shifts::id))
        .select(ShiftRow::as_select())
        .load(c)
}

pub fn find_shift(c: &mut DbConn, id: i64) -> QueryResult<Option<ShiftRow>> {
    desk_shifts::table
        .find(id)
        .select(ShiftRow::as_select())
        .first(c)
        .optional()
}

/// The shift of this name, if any (names are unique, compared as written).
pub fn shift_named(c: &mut DbConn, name: &str) -> QueryResult<Option<i64>> {
    desk_shifts::table
        .filter(desk_shifts::name.eq(name))
        .select(desk_shifts::id)
        .first(c)
        .optional()
}

/// A shift's fields as an admin writes them.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = desk_shifts)]
pub struct ShiftFields {
    pub name: String,
    pub starts: String,
    pub ends: String,
    pub active: bool,
}

pub fn insert_shift(c: &mut DbConn, f: &ShiftFields, at: DateTime<Utc>) -> QueryResult<ShiftRow> {
    diesel::insert_into(desk_shifts::table)
        .values((
            f,
            desk_shifts::created_at.eq(ts(at)),
            desk_shifts::updated_at.eq(ts(at)),
        ))
        .returning(desk_shifts::all_columns)
        .get_result(c)
}

pub fn replace_shift(c: &mut DbConn, id: i64, f: &ShiftFields, at: DateTime<Utc>) -> QueryResult<ShiftRow> {
    diesel::update(desk_shifts::table.find(id))
        .set((f, desk_shifts::updated_at.eq(ts(at))))
        .returning(desk_shifts::all_columns)
        .get_result(c)
}

/// One entry of the roster.
pub fn find_entry(c: &mut DbConn, id: i64) -> QueryResult<Option<EntryRow>> {
    roster_entries::table
        .find(id)
        .select(EntryRow::as_select())
        .first(c)
        .optional()
}

pub fn get_entry(c: &mut DbConn, id: i64) -> AppResult<EntryRow> {
    find_entry(c, id)?.ok_or_else(|| AppError::not_found("roster entry", id))
}

/// The person's entry on a day, if any (a person works at most one shift a day).
pub fn entry_of(c: &mut DbConn, user: i64, day: NaiveDate) -> QueryResult<Option<EntryRow>> {
    roster_entries::table
        .filter(roster_entries::user_id.eq(user))
        .filter(roster_entries::day.eq(day))
        .select(EntryRow::as_select())
        .first(c)
        .optional()
}

pub fn insert_entry(
    c: &mut DbConn,
    day: NaiveDate,
    shift: i64,
    user: i64,
    by: i64,
    at: DateTime<Utc>,
) -> QueryResult<EntryRow> {
    diesel::insert_into(roster_entries::table)
        .values((
            roster_entries::day.eq(day),
            roster_entries::shift_id.eq(shift),
            roster_entries::user_id.eq(user),
            roster_entries::created_by.eq(by),
            roster_entries::created_at.eq(ts(at)),
        ))
        .returning(roster_entries::all_columns)
        .get_result(c)
}

pub fn delete_entry(c: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(roster_entries::table.find(id)).execute(c)
}

/// Gives an entry to another person (a swap).
pub fn set_entry_user(c: &mut DbConn, id: i64, user: i64) -> QueryResult<usize> {
    diesel::update(roster_entries::table.find(id))
        .set(roster_entries::user_id.eq(user))
        .execute(c)
}

/// Moves an entry to another shift of its day (a swap of two shifts of one day).
pub fn set_entry_shift(c: &mut DbConn, id: i64, shift: i64) -> QueryResult<usize> {
    diesel::update(roster_entries::table.find(id))
        .set(roster_entries::shift_id.eq(shift))
        .execute(c)
}

/// The entries of the days `from..=to` (of one shift, or all), by day, shift and id.
pub fn entries_between(
    c: &mut DbConn,
    from: NaiveDate,
    to: NaiveDate,
    shift: Option<i64>,
) -> QueryResult<Vec<EntryRow>> {
    let mut q = roster_entries::table
        .filter(roster_entries::day.between(from, to))
        .into_boxed();
    if let Some(s) = shift {
        q = q.filter(roster_entries::shift_id.eq(s));
    }
    q.order((roster_entries::day, roster_entries::shift_id, roster_entries::id))
        .select(EntryRow::as_select())
        .load(c)
}

/// The people rostered on one shift of one day, by entry id.
pub fn rostered(c: &mut DbConn, day: NaiveDate, shift: i64) -> QueryResult<Vec<i64>> {
    roster_entries::table
        .filter(roster_entries::day.eq(day))
        .filter(roster_entries::shift_id.eq(shift))
        .order(roster_entries::id)
        .select(roster_entries::user_id)
        .load(c)
}

/// The public holidays among the days `from..=to` (make-up working days are not holidays).
pub fn holidays_between(c: &mut DbConn, from: NaiveDate, to: NaiveDate) -> QueryResult<HashSet<NaiveDate>> {
    let days: Vec<NaiveDate> = holidays::table
        .filter(holidays::day.between(from, to))
        .filter(holidays::kind.eq("holiday"))
        .select(holidays::day)
        .load(c)?;
    Ok(days.into_iter().collect())
}

/// The shift leads: the leads of the active hotline shift teams who are active themselves.
pub fn shift_leads(c: &mut DbConn) -> QueryResult<HashSet<i64>> {
    let ids: Vec<Option<i64>> = teams::table
        .inner_join(users::table.on(teams::lead_id.eq(users::id.nullable())))
        .filter(teams::kind.eq(TeamKind::HotlineShift.as_str()))
        .filter(teams::active.eq(true))
        .filter(users::active.eq(true))
        .select(teams::lead_id)
        .load(c)?;
    Ok(ids.into_iter().flatten().collect())
}
