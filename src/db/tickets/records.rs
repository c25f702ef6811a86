//! What a ticket keeps beside its row: the customer's acceptances and remote authorizations.

use super::parse;
use crate::db::schema::{acceptances, remote_authorizations};
use crate::db::{ts, utc, DbConn};
use crate::error::AppResult;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{AuthorizationMethod, RemoteAuthorization, TicketId, UserId};

/// The customer's verdict on a resolved ticket, as recorded.
pub struct NewAcceptance<'a> {
    pub ticket_id: i64,
    pub accepted_by: &'a str,
    pub satisfied: bool,
    pub comment: Option<&'a str>,
    pub recorded_by: i64,
    pub at: DateTime<Utc>,
}

pub fn insert_acceptance(c: &mut DbConn, a: &NewAcceptance) -> QueryResult<()> {
    diesel::insert_into(acceptances::table)
        .values((
            acceptances::ticket_id.eq(a.ticket_id),
            acceptances::accepted_by.eq(a.accepted_by),
            acceptances::satisfied.eq(a.satisfied),
            acceptances::comment.eq(a.comment),
            acceptances::recorded_by.eq(a.recorded_by),
            acceptances::accepted_at.eq(ts(a.at)),
        ))
        .execute(c)?;
    Ok(())
}

/// The customer's authorization for remote access, as recorded.
pub struct NewAuthorization<'a> {
    pub ticket_id: i64,
    pub authorized_by: &'a str,
    pub method: AuthorizationMethod,
    pub authorized_at: DateTime<Utc>,
    pub recorded_by: i64,
    pub note: Option<&'a str>,
    pub created_at: DateTime<Utc>,
}

pub fn insert_authorization(c: &mut DbConn, a: &NewAuthorization) -> QueryResult<()> {
    diesel::insert_into(remote_authorizations::table)
        .values((
            remote_authorizations::ticket_id.eq(a.ticket_id),
            remote_authorizations::authorized_by.eq(a.authorized_by),
            remote_authorizations::method.eq(a.method.as_str()),
            remote_authorizations::authorized_at.eq(ts(a.authorized_at)),
            remote_authorizations::recorded_by.eq(a.recorded_by),
            remote_authorizations::note.eq(a.note),
            remote_authorizations::created_at.eq(ts(a.created_at)),
        ))
        .execute(c)?;
    Ok(())
}

/// A ticket's remote authorizations, oldest first.
pub fn authorizations(c: &mut DbConn, ticket_id: i64) -> AppResult<Vec<RemoteAuthorization>> {
    type Row = (i64, i64, String, String, NaiveDateTime, i64, Option<String>);
    let rows: Vec<Row> = remote_authorizations::table
        .filter(remote_authorizations::ticket_id.eq(ticket_id))
        .order(remote_authorizations::id)
        .select((
            remote_authorizations::id,
            remote_authorizations::ticket_id,
            remote_authorizations::authorized_by,
            remote_authorizations::method,
            remote_authorizations::authorized_at,
            remote_authorizations::recorded_by,
            remote_authorizations::note,
        ))
        .load(c)?;
    rows.into_iter()
        .map(|r| {
            Ok(RemoteAuthorization {
                id: r.0,
                ticket_id: TicketId(r.1),
                authorized_by: r.2,
                method: parse("method", &r.3, AuthorizationMethod::parse)?,
                authorized_at: utc(r.4),
                recorded_by: UserId(r.5),
                note: r.6,
            })
        })
        .collect()
}
