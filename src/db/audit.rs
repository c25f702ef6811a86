//! The audit trail: every write records who did what to which object, before and after, in the
//! same transaction as the write.

use super::schema::audit_events;
use super::{ts, utc, DbConn, Paging};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{AuditEvent, AuditEventId, ContactId, Page, UserId};
use serde::Serialize;
use serde_json::Value;

/// Who makes a change and when. `id` is None for the service itself and for a customer's
/// contact acting through the portal, who is named by `contact`.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub id: Option<UserId>,
    pub at: DateTime<Utc>,
    /// The customer's contact who made the change through the portal.
    pub contact: Option<i64>,
}

impl Actor {
    pub fn user(id: UserId, at: DateTime<Utc>) -> Actor {
        Actor {
            id: Some(id),
            at,
            contact: None,
        }
    }

    pub fn system(at: DateTime<Utc>) -> Actor {
        Actor {
            id: None,
            at,
            contact: None,
        }
    }

    /// A customer's contact acting through the portal.
    pub fn contact(contact_id: i64, at: DateTime<Utc>) -> Actor {
        Actor {
            id: None,
            at,
            contact: Some(contact_id),
        }
    }
}

/// A value as it goes into the trail.
pub fn snapshot<T: Serialize>(v: &T) -> Option<Value> {
    serde_json::to_value(v).ok()
}

/// Records one event. Call it inside the transaction that makes the change.
pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    entity: &str,
    entity_id: i64,
    action: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> QueryResult<()> {
    crate::on_backend!(conn, |b| diesel::insert_into(audit_events::table)
        .values((
            audit_events::at.eq(ts(actor.at)),
            audit_events::actor_id.eq(actor.id.map(|u| u.0)),
            audit_events::actor_contact_id.eq(actor.contact),
            audit_events::entity.eq(entity),
            audit_events::entity_id.eq(entity_id),
            audit_events::action.eq(action),
            audit_events::before_json.eq(before.map(|v| v.to_string())),
            audit_events::after_json.eq(after.map(|v| v.to_string())),
        ))
        .execute(b))?;
    Ok(())
}

#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub actor_id: Option<i64>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_events)]
struct Row {
    id: i64,
    at: chrono::NaiveDateTime,
    actor_id: Option<i64>,
    entity: String,
    entity_id: i64,
    action: String,
    before_json: Option<String>,
    after_json: Option<String>,
    actor_contact_id: Option<i64>,
}

/// The trail, newest first.
pub fn list(conn: &mut DbConn, f: &AuditFilter, paging: Paging) -> AppResult<Page<AuditEvent>> {
    let query = || {
        let mut q = audit_events::table.into_boxed();
        if let Some(e) = &f.entity {
            q = q.filter(audit_events::entity.eq(e.clone()));
        }
        if let Some(id) = f.entity_id {
            q = q.filter(audit_events::entity_id.eq(id));
        }
        if let Some(a) = f.actor_id {
            q = q.filter(audit_events::actor_id.eq(a));
        }
        q
    };
    let (rows, total): (Vec<Row>, i64) = paging.load(conn, query, |q| {
        q.order(audit_events::id.desc()).select(Row::as_select())
    })?;
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    let items = rows
        .into_iter()
        .map(|r| AuditEvent {
            id: AuditEventId(r.id),
            at: utc(r.at),
            actor_id: r.actor_id.map(UserId),
            actor_contact_id: r.actor_contact_id.map(ContactId),
            entity: r.entity,
            entity_id: r.entity_id,
            action: r.action,
            before: parse(r.before_json),
            after: parse(r.after_json),
        })
        .collect();
    Ok(paging.page(items, total))
}
