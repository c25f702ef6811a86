//! A ticket's timeline: the events of its story, oldest first.

use crate::db::audit::Actor;
use crate::db::schema::{ticket_events, users};
use crate::db::{ts, utc, DbConn};
use crate::error::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use fieldline_mobile_api::{TicketEvent, TicketEventId, TicketId, UserId};
use serde_json::Value;

/// One timeline entry: what happened to which ticket, by whom and when (the actor), from what
/// to what, why, and any details.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub ticket_id: i64,
    pub actor: &'a Actor,
    pub kind: &'a str,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub data: Option<Value>,
}

impl<'a> NewEvent<'a> {
    /// An event of this kind with no values, reason or details yet.
    pub fn new(ticket_id: i64, actor: &'a Actor, kind: &'a str) -> NewEvent<'a> {
        NewEvent {
            ticket_id,
            actor,
            kind,
            from: None,
            to: None,
            reason: None,
            data: None,
        }
    }

    pub fn from_to(self, from: Option<&'a str>, to: Option<&'a str>) -> NewEvent<'a> {
        NewEvent { from, to, ..self }
    }

    pub fn reason(self, reason: Option<&'a str>) -> NewEvent<'a> {
        NewEvent { reason, ..self }
    }

    pub fn data(self, data: Value) -> NewEvent<'a> {
        NewEvent {
            data: Some(data),
            ..self
        }
    }
}

/// Stores one timeline entry (also for other parts, such as dispatch, that change a ticket's
/// story). A customer's contact acting through the portal is named in its details
/// (`data.contact_id`); `actor_id` is then null.
pub fn add(c: &mut DbConn, mut e: NewEvent) -> QueryResult<()> {
    if let Some(contact) = e.actor.contact {
        let mut data = match e.data.take() {
            Some(Value::Object(m)) => m,
            Some(other) => [("value".to_string(), other)].into_iter().collect(),
            None => serde_json::Map::new(),
        };
        data.insert("contact_id".into(), Value::from(contact));
        e.data = Some(Value::Object(data));
    }
    crate::on_backend!(c, |b| diesel::insert_into(ticket_events::table)
        .values((
            ticket_events::ticket_id.eq(e.ticket_id),
            ticket_events::at.eq(ts(e.actor.at)),
            ticket_events::actor_id.eq(e.actor.id.map(|u| u.0)),
            ticket_events::kind.eq(e.kind),
            ticket_events::from_value.eq(e.from),
            ticket_events::to_value.eq(e.to),
            ticket_events::reason.eq(e.reason),
            ticket_events::data_json.eq(e.data.map(|d| d.to_string())),
        ))
        .execute(b))?;
    Ok(())
}

/// Every event of a ticket, oldest first.
pub fn timeline(c: &mut DbConn, ticket_id: i64) -> AppResult<Vec<TicketEvent>> {
    #[derive(Queryable, Selectable)]
    #[diesel(table_name = ticket_events)]
    struct Row {
        id: i64,
        ticket_id: i64,
        at: NaiveDateTime,
        actor_id: Option<i64>,
        kind: String,
        from_value: Option<String>,
        to_value: Option<String>,
        reason: Option<String>,
        data_json: Option<String>,
    }
    let rows: Vec<(Row, Option<String>)> = ticket_events::table
        .left_join(users::table.on(ticket_events::actor_id.eq(users::id.nullable())))
        .filter(ticket_events::ticket_id.eq(ticket_id))
        .order(ticket_events::id)
        .select((Row::as_select(), users::display_name.nullable()))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(r, actor_name)| TicketEvent {
            id: TicketEventId(r.id),
            ticket_id: TicketId(r.ticket_id),
            at: utc(r.at),
            actor_id: r.actor_id.map(UserId),
            actor_name,
            kind: r.kind,
            from: r.from_value,
            to: r.to_value,
            reason: r.reason,
            data: r.data_json.and_then(|d| serde_json::from_str(&d).ok()),
        })
        .collect())
}
