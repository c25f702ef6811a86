//! Satisfaction surveys after closure: the queries of the survey links of closing e-mails and of
//! the answers. The workflows (the closing e-mail, an answer by link or by call, the staff's
//! reading) are in `service::surveys`.
//!
//! Only a link's `jti` is stored, with the recipient and the expiry, and `used_at` once the
//! customer answered through it. A ticket has at most one answer (`ticket_id` unique).

use super::schema::{customers, survey_links, surveys, tickets as tickets_t};
use super::{ts, utc, DbConn, Paging};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{CustomerId, Page, RevisitId, Survey, SurveyId, SurveySource, TicketId, UserId};
use serde_json::json;

// ---------------------------------------------------------------- rows

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = survey_links)]
pub struct LinkRow {
    pub id: i64,
    pub ticket_id: i64,
    pub recipient: String,
    pub issued_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

impl LinkRow {
    /// The link as the trail shows it (never the token).
    pub fn trail(&self) -> serde_json::Value {
        json!({
            "id": self.id, "ticket_id": self.ticket_id, "recipient": self.recipient,
            "issued_at": utc(self.issued_at), "expires_at": utc(self.expires_at),
            "used_at": self.used_at.map(utc),
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = surveys)]
struct SurveyRow {
    id: i64,
    ticket_id: i64,
    customer_id: i64,
    score: i32,
    comment: Option<String>,
    source: String,
    revisit_id: Option<i64>,
    recorded_by: Option<i64>,
    answered_at: NaiveDateTime,
}

impl SurveyRow {
    fn to_wire(&self, ticket_number: String, customer_name: String) -> AppResult<Survey> {
        Ok(Survey {
            id: SurveyId(self.id),
            ticket_id: TicketId(self.ticket_id),
            ticket_number,
            customer_id: CustomerId(self.customer_id),
            customer_name,
            score: self.score,
            comment: self.comment.clone(),
            source: SurveySource::parse(&self.source)
                .ok_or_else(|| AppError::internal(format!("stored survey source `{}` is unknown", self.source)))?,
            revisit_id: self.revisit_id.map(RevisitId),
            recorded_by: self.recorded_by.map(UserId),
            answered_at: utc(self.answered_at),
        })
    }
}

type Listed = (SurveyRow, String, String);

fn wire((row, number, name): Listed) -> AppResult<Survey> {
    row.to_wire(number, name)
}

/// One answer as the API shows it.
pub fn get(c: &mut DbConn, id: i64) -> AppResult<Survey> {
    let found: Listed = surveys::table
        .inner_join(tickets_t::table.on(tickets_t::id.eq(surveys::ticket_id)))
        .inner_join(customers::table.on(customers::id.eq(surveys::customer_id)))
        .filter(surveys::id.eq(id))
        .select((SurveyRow::as_select(), tickets_t::number, customers::name))
        .first(c)?;
    wire(found)
}

/// The ticket's answer, if it has one.
pub fn of_ticket(c: &mut DbConn, ticket_id: i64) -> AppResult<Option<i64>> {
    Ok(surveys::table
        .filter(surveys::ticket_id.eq(ticket_id))
        .select(surveys::id)
        .first::<i64>(c)
        .optional()?)
}

/// Whether the ticket's survey is answered.
pub fn answered(c: &mut DbConn, ticket_id: i64) -> AppResult<bool> {
    Ok(of_ticket(c, ticket_id)?.is_some())
}

/// An answer's fields.
pub struct NewAnswer<'a> {
    pub ticket_id: i64,
    pub customer_id: i64,
    pub score: i32,
    pub comment: Option<&'a str>,
    pub source: SurveySource,
    pub link_id: Option<i64>,
    pub revisit_id: Option<i64>,
    pub recorded_by: Option<i64>,
    pub at: DateTime<Utc>,
}

/// Inserts an answer; `AppError::Duplicate` when the ticket has one.
pub fn insert(c: &mut DbConn, a: &NewAnswer<'_>) -> AppResult<i64> {
    Ok(diesel::insert_into(surveys::table)
        .values((
            surveys::ticket_id.eq(a.ticket_id),
            surveys::customer_id.eq(a.customer_id),
            surveys::score.eq(a.score),
            surveys::comment.eq(a.comment),
            surveys::source.eq(a.source.as_str()),
            surveys::link_id.eq(a.link_id),
            surveys::revisit_id.eq(a.revisit_id),
            surveys::recorded_by.eq(a.recorded_by),
            surveys::answered_at.eq(ts(a.at)),
        ))
        .returning(surveys::id)
        .get_result(c)?)
}

// ---------------------------------------------------------------- links

/// Stores a new link; returns it.
pub fn insert_link(
    c: &mut DbConn,
    ticket_id: i64,
    jti: &str,
    recipient: &str,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> AppResult<LinkRow> {
    let link = LinkRow {
        id: 0,
        ticket_id,
        recipient: recipient.to_string(),
        issued_at: ts(issued_at),
        expires_at: ts(expires_at),
        used_at: None,
    };
    Ok(LinkRow {
        id: diesel::insert_into(survey_links::table)
            .values((
                survey_links::ticket_id.eq(link.ticket_id),
                survey_links::jti.eq(jti),
                survey_links::recipient.eq(&link.recipient),
                survey_links::issued_at.eq(link.issued_at),
                survey_links::expires_at.eq(link.expires_at),
            ))
            .returning(survey_links::id)
            .get_result(c)?,
        ..link
    })
}

/// The stored link of a token's `jti` and ticket.
pub fn link(c: &mut DbConn, jti: &str, ticket_id: i64) -> AppResult<Option<LinkRow>> {
    Ok(survey_links::table
        .filter(survey_links::jti.eq(jti))
        .filter(survey_links::ticket_id.eq(ticket_id))
        .select(LinkRow::as_select())
        .first(c)
        .optional()?)
}

/// The `jti`, issue and expiry time of a ticket's newest survey link (the demo data answers some
/// surveys through it, as the customer would).
pub fn newest_link(c: &mut DbConn, ticket_id: i64) -> AppResult<Option<(String, NaiveDateTime, NaiveDateTime)>> {
    Ok(survey_links::table
        .filter(survey_links::ticket_id.eq(ticket_id))
        .order(survey_links::id.desc())
        .select((survey_links::jti, survey_links::issued_at, survey_links::expires_at))
        .first(c)
        .optional()?)
}

/// Marks an unused link used; false when it was used meanwhile.
pub fn use_link(c: &mut DbConn, id: i64, at: DateTime<Utc>) -> AppResult<bool> {
    let claimed = diesel::update(
        survey_links::table
            .filter(survey_links::id.eq(id))
            .filter(survey_links::used_at.is_null()),
    )
    .set(survey_links::used_at.eq(Some(ts(at))))
    .execute(c)?;
    Ok(claimed > 0)
}

// ---------------------------------------------------------------- staff reading

/// The account manager of a ticket's customer; "not found" without the ticket.
pub fn ticket_account_manager(c: &mut DbConn, ticket_id: i64) -> AppResult<Option<i64>> {
    tickets_t::table
        .inner_join(customers::table)
        .filter(tickets_t::id.eq(ticket_id))
        .select(customers::account_manager_id)
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("ticket", ticket_id))
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Only the customers of this account manager.
    pub account_manager: Option<i64>,
    /// Answered at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Answered before this instant.
    pub until: Option<DateTime<Utc>>,
    pub score: Option<i32>,
    pub max_score: Option<i32>,
    pub source: Option<SurveySource>,
    pub customer_id: Option<i64>,
    pub ticket_id: Option<i64>,
}

/// The answers, the latest first.
pub fn list(c: &mut DbConn, f: &Filter, paging: Paging) -> AppResult<Page<Survey>> {
    let query = || {
        let mut q = surveys::table
            .inner_join(tickets_t::table.on(tickets_t::id.eq(surveys::ticket_id)))
            .inner_join(customers::table.on(customers::id.eq(surveys::customer_id)))
            .into_boxed();
        if let Some(am) = f.account_manager {
            q = q.filter(customers::account_manager_id.eq(am));
        }
        if let Some(t) = f.from {
            q = q.filter(surveys::answered_at.ge(ts(t)));
        }
        if let Some(t) = f.until {
            q = q.filter(surveys::answered_at.lt(ts(t)));
        }
        if let Some(s) = f.score {
            q = q.filter(surveys::score.eq(s));
        }
        if let Some(s) = f.max_score {
            q = q.filter(surveys::score.le(s));
        }
        if let Some(s) = f.source {
            q = q.filter(surveys::source.eq(s.as_str()));
        }
        if let Some(cu) = f.customer_id {
            q = q.filter(surveys::customer_id.eq(cu));
        }
        if let Some(t) = f.ticket_id {
            q = q.filter(surveys::ticket_id.eq(t));
        }
        q
    };
    let (rows, total): (Vec<Listed>, i64) = paging.load(c, query, |q| {
        q.order((surveys::answered_at.desc(), surveys::id.desc())).select((
            SurveyRow::as_select(),
            tickets_t::number,
            customers::name,
        ))
    })?;
    let items = rows.into_iter().map(wire).collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}
