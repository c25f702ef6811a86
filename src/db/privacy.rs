//! Where a customer contact's personal data is held, and the queries that find, read and replace
//! it (the export, the erasure and the retention of closed tickets in `service::privacy`).
//!
//! `PLACES` lists every text column that can hold a contact's name, phone number or e-mail
//! address beside the contacts table itself and the contact fields of tickets; the service reads
//! and replaces them row by row through the generic queries here. Table and column names in the
//! SQL come from that list, never from a request.

use super::schema::{
    contacts, fault_reports, inbound_messages, survey_links, surveys, ticket_attachments, tickets, visit_photos, visits,
};
use super::{escape_like, like_pattern, ts, utc, DbConn};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use fieldline_mobile_api::{
    PersonalSurvey, PersonalSurveyLink, PersonalTicket, PhotoKind, SurveyId, SurveySource, TicketId, TicketStatus,
};

/// How a column's text is read: as plain text, or as a JSON document whose strings are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Json,
}

/// A table and its text columns that can name a contact.
#[derive(Debug)]
pub struct Place {
    pub table: &'static str,
    pub columns: &'static [(&'static str, Kind)],
}

use Kind::{Json, Text as Plain};

/// Every text column that can hold a contact's personal data, beyond `contacts` and the
/// tickets' `contact_name`, `contact_phone` and `contact_email` (which are cleared as a whole).
pub const PLACES: &[Place] = &[
    Place {
        table: "tickets",
        columns: &[("title", Plain), ("description", Plain)],
    },
    Place {
        table: "ticket_events",
        columns: &[
            ("from_value", Plain),
            ("to_value", Plain),
            ("reason", Plain),
            ("data_json", Json),
        ],
    },
    Place {
        table: "remote_authorizations",
        columns: &[("authorized_by", Plain), ("note", Plain)],
    },
    Place {
        table: "onsite_requests",
        columns: &[("notes", Plain)],
    },
    Place {
        table: "acceptances",
        columns: &[("accepted_by", Plain), ("comment", Plain)],
    },
    Place {
        table: "visits",
        columns: &[
            ("signoff_name", Plain),
            ("work_notes", Plain),
            ("outcome_reason", Plain),
            ("checkin_reason", Plain),
            ("window_agreed_with", Plain),
            ("charge_difference_reason", Plain),
        ],
    },
    Place {
        table: "quotes",
        columns: &[("answered_by", Plain), ("decline_reason", Plain)],
    },
    Place {
        table: "revisits",
        columns: &[("comment", Plain)],
    },
    Place {
        table: "surveys",
        columns: &[("comment", Plain)],
    },
    Place {
        table: "survey_links",
        columns: &[("recipient", Plain)],
    },
    Place {
        table: "major_faults",
        columns: &[
            ("location", Plain),
            ("symptoms", Plain),
            ("handling_plan", Plain),
            ("reason", Plain),
            ("end_summary", Plain),
            ("extra_recipients_json", Json),
        ],
    },
    Place {
        table: "fault_reports",
        columns: &[
            ("impact_description", Plain),
            ("timeline_json", Json),
            ("root_cause", Plain),
            ("review_comments", Plain),
            ("recipients_json", Json),
        ],
    },
    Place {
        table: "fault_report_actions",
        columns: &[("description", Plain), ("owner_name", Plain)],
    },
    Place {
        table: "notifications",
        columns: &[("message", Plain)],
    },
    Place {
        table: "outbox",
        columns: &[
            ("subject", Plain),
            ("body_text", Plain),
            ("body_html", Plain),
            ("last_error", Plain),
            ("recipients_json", Json),
        ],
    },
    Place {
        table: "inbound_messages",
        columns: &[
            ("from_address", Plain),
            ("from_name", Plain),
            ("subject", Plain),
            ("body_text", Plain),
            ("reason", Plain),
            ("refused_json", Json),
        ],
    },
    Place {
        table: "ticket_attachments",
        columns: &[("filename", Plain)],
    },
    Place {
        table: "idempotency_keys",
        columns: &[("response_body", Json)],
    },
    Place {
        table: "audit_events",
        columns: &[("before_json", Json), ("after_json", Json)],
    },
];

/// The tables of `PLACES` whose rows belong to a ticket (by `ticket_id`).
pub const BY_TICKET: &[&str] = &[
    "ticket_events",
    "remote_authorizations",
    "onsite_requests",
    "acceptances",
    "visits",
    "quotes",
    "revisits",
    "surveys",
    "survey_links",
    "major_faults",
    "fault_reports",
    "notifications",
    "outbox",
    "inbound_messages",
    "ticket_attachments",
];

/// Ids are written into the SQL in chunks of this many (they are integers, never text).
const CHUNK: usize = 500;

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct TextRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<Text>)]
    v: Option<String>,
}

fn list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The n-th bind parameter (from 1) in the connection's own spelling.
fn param(c: &DbConn, n: usize) -> String {
    match c {
        DbConn::Pg(_) => format!("${n}"),
        DbConn::Sqlite(_) => "?".into(),
    }
}

/// Ids of the rows of `table` whose `key` is one of `keys`.
pub fn ids_where(c: &mut DbConn, table: &str, key: &str, keys: &[i64]) -> QueryResult<Vec<i64>> {
    let mut out = Vec::new();
    for chunk in keys.chunks(CHUNK) {
        let sql = format!("SELECT id FROM {table} WHERE {key} IN ({}) ORDER BY id", list(chunk));
        out.extend(diesel::sql_query(sql).load::<IdRow>(c)?.into_iter().map(|r| r.id));
    }
    Ok(out)
}

/// Ids of the audit events about the objects `ids` of `entity`.
pub fn audit_ids(c: &mut DbConn, entity: &str, ids: &[i64]) -> QueryResult<Vec<i64>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT id FROM audit_events WHERE entity = {} AND entity_id IN ({}) ORDER BY id",
            param(c, 1),
            list(chunk)
        );
        let rows = diesel::sql_query(sql).bind::<Text, _>(entity).load::<IdRow>(c)?;
        out.extend(rows.into_iter().map(|r| r.id));
    }
    Ok(out)
}

/// Ids of the rows of `table` whose `column` holds `needle` (any ASCII case). A scan of the
/// whole table: for distinctive values (an e-mail address, a phone number) on a rare request.
pub fn ids_containing(c: &mut DbConn, table: &str, column: &str, needle: &str) -> QueryResult<Vec<i64>> {
    let sql = format!(
        "SELECT id FROM {table} WHERE lower({column}) LIKE {} ESCAPE '{}' ORDER BY id",
        param(c, 1),
        escape_like()
    );
    let rows = diesel::sql_query(sql)
        .bind::<Text, _>(like_pattern(needle))
        .load::<IdRow>(c)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// The non-null texts of `column` in the rows `ids` of `table`.
pub fn texts(c: &mut DbConn, table: &str, column: &str, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT id, {column} AS v FROM {table} WHERE id IN ({}) AND {column} IS NOT NULL ORDER BY id",
            list(chunk)
        );
        let rows = diesel::sql_query(sql).load::<TextRow>(c)?;
        out.extend(rows.into_iter().filter_map(|r| r.v.map(|v| (r.id, v))));
    }
    Ok(out)
}

/// Stores a new text in `column` of the row `id` of `table`.
pub fn set_text(c: &mut DbConn, table: &str, column: &str, id: i64, value: Option<&str>) -> QueryResult<()> {
    let sql = format!(
        "UPDATE {table} SET {column} = {} WHERE id = {}",
        param(c, 1),
        param(c, 2)
    );
    diesel::sql_query(sql)
        .bind::<Nullable<Text>, _>(value)
        .bind::<BigInt, _>(id)
        .execute(c)?;
    Ok(())
}

/// The tickets a contact is the contact of: those naming them, and the customer's tickets whose
/// contact was removed but whose copied phone number or e-mail address is theirs.
pub fn contact_tickets(
    c: &mut DbConn,
    contact_id: i64,
    customer_id: i64,
    phone: Option<&str>,
    email: Option<&str>,
) -> QueryResult<Vec<i64>> {
    let mut ids: Vec<i64> = tickets::table
        .filter(tickets::contact_id.eq(contact_id))
        .select(tickets::id)
        .load(c)?;
    if phone.is_some() || email.is_some() {
        let mut q = tickets::table
            .filter(tickets::customer_id.eq(customer_id))
            .filter(tickets::contact_id.is_null())
            .into_boxed();
        q = match (phone, email) {
            (Some(p), Some(e)) => q.filter(tickets::contact_phone.eq(p).or(tickets::contact_email.eq(e))),
            (Some(p), None) => q.filter(tickets::contact_phone.eq(p)),
            (None, Some(e)) => q.filter(tickets::contact_email.eq(e)),
            (None, None) => q,
        };
        ids.extend(q.select(tickets::id).load::<i64>(c)?);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Reports of a customer that were (or are to be) sent to the contact.
pub fn reports_naming_contact(c: &mut DbConn, customer_id: i64, contact_id: i64) -> AppResult<Vec<i64>> {
    let rows: Vec<(i64, String)> = fault_reports::table
        .filter(fault_reports::customer_id.eq(customer_id))
        .select((fault_reports::id, fault_reports::contact_ids_json))
        .load(c)?;
    let mut out = Vec::new();
    for (id, json) in rows {
        let ids: Vec<i64> = serde_json::from_str(&json)
            .map_err(|e| AppError::internal(format!("fault report {id} contact ids: {e}")))?;
        if ids.contains(&contact_id) {
            out.push(id);
        }
    }
    Ok(out)
}

pub(super) fn stored<T>(what: &str, v: &str, f: fn(&str) -> Option<T>) -> AppResult<T> {
    f(v).ok_or_else(|| AppError::internal(format!("stored {what} `{v}` is unknown")))
}

/// The tickets `ids` with their contact fields.
pub fn tickets_of(c: &mut DbConn, ids: &[i64]) -> AppResult<Vec<PersonalTicket>> {
    type Row = (
        i64,
        String,
        String,
        String,
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = tickets::table
        .filter(tickets::id.eq_any(ids))
        .order(tickets::id)
        .select((
            tickets::id,
            tickets::number,
            tickets::status,
            tickets::title,
            tickets::opened_at,
            tickets::closed_at,
            tickets::contact_name,
            tickets::contact_phone,
            tickets::contact_email,
        ))
        .load(c)?;
    rows.into_iter()
        .map(|r| {
            Ok(PersonalTicket {
                id: TicketId(r.0),
                number: r.1,
                status: stored("ticket status", &r.2, TicketStatus::parse)?,
                title: r.3,
                opened_at: utc(r.4),
                closed_at: r.5.map(utc),
                contact_name: r.6,
                contact_phone: r.7,
                contact_email: r.8,
            })
        })
        .collect()
}

/// Clears the contact fields copied onto the tickets `ids` (a new version of each).
pub fn clear_ticket_contacts(c: &mut DbConn, ids: &[i64], at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(tickets::table.filter(tickets::id.eq_any(ids)))
        .set((
            tickets::contact_name.eq(None::<String>),
            tickets::contact_phone.eq(None::<String>),
            tickets::contact_email.eq(None::<String>),
            tickets::version.eq(tickets::version + 1),
            tickets::updated_at.eq(ts(at)),
        ))
        .execute(c)
}

/// A closed ticket due for retention: its id and its contact name, phone number and e-mail.
pub type DueTicket = (i64, Option<String>, Option<String>, Option<String>);

/// Closed tickets, closed before `before`, that still hold contact fields, or received e-mails or
/// customers' files not yet cleared (to `mark`): up to `limit`, with their contact fields (name,
/// phone, e-mail).
pub fn closed_tickets_with_contact(
    c: &mut DbConn,
    before: DateTime<Utc>,
    mark: &str,
    limit: i64,
) -> QueryResult<Vec<DueTicket>> {
    let with_mail = inbound_messages::table
        .filter(inbound_messages::ticket_id.is_not_null())
        .filter(inbound_messages::from_address.ne(mark))
        .select(inbound_messages::ticket_id.assume_not_null());
    let with_files = ticket_attachments::table
        .filter(ticket_attachments::ticket_id.is_not_null())
        .filter(ticket_attachments::created_by.is_null())
        .filter(ticket_attachments::filename.ne(mark))
        .select(ticket_attachments::ticket_id.assume_not_null());
    tickets::table
        .filter(tickets::status.eq(TicketStatus::Closed.as_str()))
        .filter(tickets::closed_at.lt(ts(before)))
        .filter(
            tickets::contact_name
                .is_not_null()
                .or(tickets::contact_phone.is_not_null())
                .or(tickets::contact_email.is_not_null())
                .or(tickets::id.eq_any(with_mail))
                .or(tickets::id.eq_any(with_files)),
        )
        .order(tickets::id)
        .select((
            tickets::id,
            tickets::contact_name,
            tickets::contact_phone,
            tickets::contact_email,
        ))
        .limit(limit)
        .load(c)
}

/// The survey answers `ids`.
pub fn surveys_of(c: &mut DbConn, ids: &[i64]) -> AppResult<Vec<PersonalSurvey>> {
    let rows: Vec<(i64, i64, i32, Option<String>, String, chrono::NaiveDateTime)> = surveys::table
        .filter(surveys::id.eq_any(ids))
        .order(surveys::id)
        .select((
            surveys::id,
            surveys::ticket_id,
            surveys::score,
            surveys::comment,
            surveys::source,
            surveys::answered_at,
        ))
        .load(c)?;
    rows.into_iter()
        .map(|r| {
            Ok(PersonalSurvey {
                id: SurveyId(r.0),
                ticket_id: TicketId(r.1),
                score: r.2,
                comment: r.3,
                source: stored("survey source", &r.4, SurveySource::parse)?,
                answered_at: utc(r.5),
            })
        })
        .collect()
}

/// Removes the comments of the survey answers `ids` (their scores stay); how many had one.
pub fn clear_survey_comments(c: &mut DbConn, ids: &[i64]) -> QueryResult<usize> {
    diesel::update(
        surveys::table
            .filter(surveys::id.eq_any(ids))
            .filter(surveys::comment.is_not_null()),
    )
    .set(surveys::comment.eq(None::<String>))
    .execute(c)
}

/// The survey links `ids`.
pub fn survey_links_of(c: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<PersonalSurveyLink>> {
    let rows: Vec<(
        i64,
        i64,
        String,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
    )> = survey_links::table
        .filter(survey_links::id.eq_any(ids))
        .order(survey_links::id)
        .select((
            survey_links::id,
            survey_links::ticket_id,
            survey_links::recipient,
            survey_links::issued_at,
            survey_links::expires_at,
            survey_links::used_at,
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|r| PersonalSurveyLink {
            id: r.0,
            ticket_id: TicketId(r.1),
            recipient: r.2,
            issued_at: utc(r.3),
            expires_at: utc(r.4),
            used_at: r.5.map(utc),
        })
        .collect())
}

/// Removes the sign-off signatures of the visits `ids`, and their photos of the signed form; how
/// many had a signature.
pub fn drop_signatures(c: &mut DbConn, ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(
        visit_photos::table
            .filter(visit_photos::visit_id.eq_any(ids))
            .filter(visit_photos::kind.eq(PhotoKind::SignedForm.as_str())),
    )
    .execute(c)?;
    diesel::update(
        visits::table
            .filter(visits::id.eq_any(ids))
            .filter(visits::signature_png.is_not_null()),
    )
    .set(visits::signature_png.eq(None::<Vec<u8>>))
    .execute(c)
}

/// Replaces an erased contact's fields: a name that says so, no phone number, no e-mail address;
/// their portal sign-in links (which hold the address) go, and with them their sessions: how
/// many links went.
pub fn set_contact_erased(c: &mut DbConn, id: i64, name: &str, at: DateTime<Utc>) -> QueryResult<usize> {
    use super::schema::portal_links;
    let links = diesel::delete(portal_links::table.filter(portal_links::contact_id.eq(id))).execute(c)?;
    diesel::update(contacts::table.find(id))
        .set((
            contacts::name.eq(name),
            contacts::phone.eq(None::<String>),
            contacts::email.eq(None::<String>),
            contacts::updated_at.eq(ts(at)),
        ))
        .execute(c)?;
    Ok(links)
}
