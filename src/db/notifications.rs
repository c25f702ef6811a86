//! A user's inbox of alerts (SLA alerts, handoffs, assignments, dispatch flags).

use super::schema::notifications;
use super::{ts, utc, write, DbConn, Paging};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{Notification, NotificationId, Page, TicketId, UserId};

#[derive(Queryable, Selectable)]
#[diesel(table_name = notifications)]
struct Row {
    id: i64,
    user_id: i64,
    ticket_id: Option<i64>,
    kind: String,
    message: String,
    created_at: chrono::NaiveDateTime,
    read_at: Option<chrono::NaiveDateTime>,
}

impl Row {
    fn into_wire(self) -> Notification {
        Notification {
            id: NotificationId(self.id),
            user_id: UserId(self.user_id),
            ticket_id: self.ticket_id.map(TicketId),
            kind: self.kind,
            message: self.message,
            created_at: utc(self.created_at),
            read_at: self.read_at.map(utc),
        }
    }
}

/// Puts one notification in each user's inbox, about a ticket or about nothing in particular.
pub fn notify(
    c: &mut DbConn,
    user_ids: &[i64],
    ticket_id: impl Into<Option<i64>>,
    kind: &str,
    message: &str,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    let ticket_id = ticket_id.into();
    for &u in user_ids {
        diesel::insert_into(notifications::table)
            .values((
                notifications::user_id.eq(u),
                notifications::ticket_id.eq(ticket_id),
                notifications::kind.eq(kind),
                notifications::message.eq(message),
                notifications::created_at.eq(ts(at)),
            ))
            .execute(c)?;
    }
    Ok(())
}

/// A user's notifications, newest first.
pub fn list(c: &mut DbConn, user: i64, unread_only: bool, paging: Paging) -> AppResult<Page<Notification>> {
    let query = || {
        let mut q = notifications::table
            .filter(notifications::user_id.eq(user))
            .into_boxed();
        if unread_only {
            q = q.filter(notifications::read_at.is_null());
        }
        q
    };
    let (rows, total): (Vec<Row>, i64) =
        paging.load(c, query, |q| q.order(notifications::id.desc()).select(Row::as_select()))?;
    Ok(paging.page(rows.into_iter().map(Row::into_wire).collect(), total))
}

/// Marks one of the user's notifications read (reading it again changes nothing).
pub fn mark_read(c: &mut DbConn, user: i64, id: i64, at: DateTime<Utc>) -> AppResult<Notification> {
    write(c, |c| {
        let row: Row = notifications::table
            .find(id)
            .filter(notifications::user_id.eq(user))
            .select(Row::as_select())
            .first(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("notification", id))?;
        if row.read_at.is_some() {
            return Ok(row.into_wire());
        }
        diesel::update(notifications::table.find(id))
            .set(notifications::read_at.eq(ts(at)))
            .execute(c)?;
        Ok(Row {
            read_at: Some(ts(at)),
            ..row
        }
        .into_wire())
    })
}
