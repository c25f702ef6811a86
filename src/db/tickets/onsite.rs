//! On-site registrations: the visit window agreed when a ticket escalates on site, flagged to
//! dispatch when the ticket misses its service level.

use super::{opt_utc, parse};
use crate::db::schema::onsite_requests;
use crate::db::{ts, utc, DbConn, Paging};
use crate::error::AppResult;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{OnsiteRequest, OnsiteRequestId, OnsiteRequestStatus, Page, TicketId, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = onsite_requests)]
pub struct OnsiteRow {
    pub id: i64,
    pub ticket_id: i64,
    pub window_start: NaiveDateTime,
    pub window_end: NaiveDateTime,
    pub status: String,
    pub notes: Option<String>,
    pub flagged_at: Option<NaiveDateTime>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl OnsiteRow {
    pub fn to_wire(&self) -> AppResult<OnsiteRequest> {
        Ok(OnsiteRequest {
            id: OnsiteRequestId(self.id),
            ticket_id: TicketId(self.ticket_id),
            window_start: utc(self.window_start),
            window_end: utc(self.window_end),
            status: parse("on-site request status", &self.status, OnsiteRequestStatus::parse)?,
            notes: self.notes.clone(),
            flagged_at: opt_utc(self.flagged_at),
            created_by: UserId(self.created_by),
            created_at: utc(self.created_at),
        })
    }
}

/// On-site registrations, flagged ones first, then by window.
pub fn onsite_requests(
    c: &mut DbConn,
    status: Option<OnsiteRequestStatus>,
    ticket_id: Option<i64>,
    paging: Paging,
) -> AppResult<Page<OnsiteRequest>> {
    let query = || {
        let mut q = onsite_requests::table.into_boxed();
        if let Some(s) = status {
            q = q.filter(onsite_requests::status.eq(s.as_str()));
        }
        if let Some(t) = ticket_id {
            q = q.filter(onsite_requests::ticket_id.eq(t));
        }
        q
    };
    let (rows, total): (Vec<OnsiteRow>, i64) = paging.load(c, query, |q| {
        q.order((
            onsite_requests::flagged_at.is_null(),
            onsite_requests::window_start,
            onsite_requests::id,
        ))
        .select(OnsiteRow::as_select())
    })?;
    let items = rows.iter().map(OnsiteRow::to_wire).collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

/// An on-site registration to store.
pub struct NewOnsiteRequest<'a> {
    pub ticket_id: i64,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub notes: Option<&'a str>,
    pub created_by: i64,
    pub at: DateTime<Utc>,
}

/// Stores an open on-site registration; returns its id.
pub fn insert(c: &mut DbConn, r: &NewOnsiteRequest) -> QueryResult<i64> {
    diesel::insert_into(onsite_requests::table)
        .values((
            onsite_requests::ticket_id.eq(r.ticket_id),
            onsite_requests::window_start.eq(ts(r.window_start)),
            onsite_requests::window_end.eq(ts(r.window_end)),
            onsite_requests::status.eq(OnsiteRequestStatus::Open.as_str()),
            onsite_requests::notes.eq(r.notes),
            onsite_requests::created_by.eq(r.created_by),
            onsite_requests::created_at.eq(ts(r.at)),
            onsite_requests::updated_at.eq(ts(r.at)),
        ))
        .returning(onsite_requests::id)
        .get_result(c)
}

/// Flags the ticket's open, not yet flagged registrations for dispatch.
pub fn flag_open(c: &mut DbConn, ticket_id: i64, at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(
        onsite_requests::table
            .filter(onsite_requests::ticket_id.eq(ticket_id))
            .filter(onsite_requests::status.eq(OnsiteRequestStatus::Open.as_str()))
            .filter(onsite_requests::flagged_at.is_null()),
    )
    .set(onsite_requests::flagged_at.eq(ts(at)))
    .execute(c)
}
