//! Swap requests between two people on the duty roster, and the swap record.

use super::schema::roster_swaps;
use super::{ts, DbConn};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::SwapStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = roster_swaps)]
pub struct SwapRow {
    pub id: i64,
    pub requester_entry_id: i64,
    pub counterpart_entry_id: i64,
    pub requester_id: i64,
    pub counterpart_id: i64,
    pub requester_day: NaiveDate,
    pub counterpart_day: NaiveDate,
    pub requester_shift_id: i64,
    pub counterpart_shift_id: i64,
    pub reason: String,
    pub status: String,
    pub agreed_at: Option<chrono::NaiveDateTime>,
    pub requester_lead_by: Option<i64>,
    pub requester_lead_at: Option<chrono::NaiveDateTime>,
    pub counterpart_lead_by: Option<i64>,
    pub counterpart_lead_at: Option<chrono::NaiveDateTime>,
    pub refused_by: Option<i64>,
    pub refusal: Option<String>,
    pub decided_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl SwapRow {
    pub fn status(&self) -> AppResult<SwapStatus> {
        SwapStatus::parse(&self.status)
            .ok_or_else(|| AppError::internal(format!("swap {} has status {}", self.id, self.status)))
    }

    /// The swap's two days.
    pub fn days(&self) -> [NaiveDate; 2] {
        [self.requester_day, self.counterpart_day]
    }
}

/// A new request as stored.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = roster_swaps)]
pub struct NewSwapRow {
    pub requester_entry_id: i64,
    pub counterpart_entry_id: i64,
    pub requester_id: i64,
    pub counterpart_id: i64,
    pub requester_day: NaiveDate,
    pub counterpart_day: NaiveDate,
    pub requester_shift_id: i64,
    pub counterpart_shift_id: i64,
    pub reason: String,
    pub status: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

pub fn insert(c: &mut DbConn, row: &NewSwapRow) -> QueryResult<SwapRow> {
    diesel::insert_into(roster_swaps::table)
        .values(row)
        .returning(roster_swaps::all_columns)
        .get_result(c)
}

pub fn find(c: &mut DbConn, id: i64) -> QueryResult<Option<SwapRow>> {
    roster_swaps::table
        .find(id)
        .select(SwapRow::as_select())
        .first(c)
        .optional()
}

pub fn get(c: &mut DbConn, id: i64) -> AppResult<SwapRow> {
    find(c, id)?.ok_or_else(|| AppError::not_found("swap", id))
}

/// The agreements, approvals and decision of a swap as written.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = roster_swaps, treat_none_as_null = true)]
pub struct SwapProgress {
    pub status: String,
    pub agreed_at: Option<chrono::NaiveDateTime>,
    pub requester_lead_by: Option<i64>,
    pub requester_lead_at: Option<chrono::NaiveDateTime>,
    pub counterpart_lead_by: Option<i64>,
    pub counterpart_lead_at: Option<chrono::NaiveDateTime>,
    pub refused_by: Option<i64>,
    pub refusal: Option<String>,
    pub decided_at: Option<chrono::NaiveDateTime>,
}

impl SwapProgress {
    pub fn of(row: &SwapRow) -> SwapProgress {
        SwapProgress {
            status: row.status.clone(),
            agreed_at: row.agreed_at,
            requester_lead_by: row.requester_lead_by,
            requester_lead_at: row.requester_lead_at,
            counterpart_lead_by: row.counterpart_lead_by,
            counterpart_lead_at: row.counterpart_lead_at,
            refused_by: row.refused_by,
            refusal: row.refusal.clone(),
            decided_at: row.decided_at,
        }
    }
}

/// Writes a swap's progress, only while it is still requested (a decision is taken once).
/// Returns the row written, or None when another decision got there first.
pub fn progress(c: &mut DbConn, id: i64, p: &SwapProgress, at: DateTime<Utc>) -> QueryResult<Option<SwapRow>> {
    diesel::update(
        roster_swaps::table
            .find(id)
            .filter(roster_swaps::status.eq(SwapStatus::Requested.as_str())),
    )
    .set((p, roster_swaps::updated_at.eq(ts(at))))
    .returning(roster_swaps::all_columns)
    .get_result(c)
    .optional()
}

const LIVE: [&str; 2] = ["requested", "approved"];

/// The days of the person's live swaps (requested or approved) touching the days `from..=to`,
/// leaving one swap out (the one being checked).
pub fn live_swap_days(
    c: &mut DbConn,
    user: i64,
    from: NaiveDate,
    to: NaiveDate,
    except: Option<i64>,
) -> QueryResult<Vec<[NaiveDate; 2]>> {
    let rows: Vec<(i64, NaiveDate, NaiveDate)> = roster_swaps::table
        .filter(
            roster_swaps::requester_id
                .eq(user)
                .or(roster_swaps::counterpart_id.eq(user)),
        )
        .filter(roster_swaps::status.eq_any(LIVE))
        .filter(
            roster_swaps::requester_day
                .between(from, to)
                .or(roster_swaps::counterpart_day.between(from, to)),
        )
        .select((
            roster_swaps::id,
            roster_swaps::requester_day,
            roster_swaps::counterpart_day,
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .filter(|(id, _, _)| Some(*id) != except)
        .map(|(_, a, b)| [a, b])
        .collect())
}

/// The open (requested) swap of any of these entries, if one is.
pub fn open_of_entries(c: &mut DbConn, entries: &[i64]) -> QueryResult<Option<i64>> {
    roster_swaps::table
        .filter(roster_swaps::status.eq(SwapStatus::Requested.as_str()))
        .filter(
            roster_swaps::requester_entry_id
                .eq_any(entries)
                .or(roster_swaps::counterpart_entry_id.eq_any(entries)),
        )
        .select(roster_swaps::id)
        .first(c)
        .optional()
}

/// Every open (requested) swap, oldest first (there are few at a time).
pub fn open(c: &mut DbConn) -> QueryResult<Vec<SwapRow>> {
    roster_swaps::table
        .filter(roster_swaps::status.eq(SwapStatus::Requested.as_str()))
        .order(roster_swaps::id)
        .select(SwapRow::as_select())
        .load(c)
}

/// A page of swaps, newest first: of one person (asked by them or of them), or all; of one
/// status or any. Returns the rows and the total.
pub fn page(
    c: &mut DbConn,
    person: Option<i64>,
    status: Option<SwapStatus>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<SwapRow>, i64)> {
    let q = || {
        let mut q = roster_swaps::table.into_boxed();
        if let Some(p) = person {
            q = q.filter(roster_swaps::requester_id.eq(p).or(roster_swaps::counterpart_id.eq(p)));
        }
        if let Some(s) = status {
            q = q.filter(roster_swaps::status.eq(s.as_str()));
        }
        q
    };
    let total = q().count().get_result(c)?;
    let rows = q()
        .order(roster_swaps::id.desc())
        .limit(limit)
        .offset(offset)
        .select(SwapRow::as_select())
        .load(c)?;
    Ok((rows, total))
}
