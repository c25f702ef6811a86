//! Quotes for paid work on a visit, their lines, and the customer's answer.

use super::schema::{quote_items, quotes};
use super::{ts, utc, DbConn};
use crate::domain::quote::Line;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{Quote, QuoteAnswerVia, QuoteId, QuoteItem, QuoteStatus, TicketId, UserId, VisitId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = quotes)]
pub struct QuoteRow {
    pub id: i64,
    pub visit_id: i64,
    pub ticket_id: Option<i64>,
    pub status: String,
    pub currency: String,
    pub amount: f64,
    pub made_by: i64,
    pub made_at: NaiveDateTime,
    pub answered_by: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub answered_via: Option<String>,
    pub answer_recorded_by: Option<i64>,
    pub answer_recorded_at: Option<NaiveDateTime>,
    pub decline_reason: Option<String>,
}

impl QuoteRow {
    pub fn status(&self) -> AppResult<QuoteStatus> {
        QuoteStatus::parse(&self.status)
            .ok_or_else(|| AppError::internal(format!("quote {} has unknown status", self.id)))
    }

    /// The wire form, with its lines and the visit's version now.
    pub fn to_wire(&self, items: Vec<QuoteItem>, visit_version: i32) -> AppResult<Quote> {
        Ok(Quote {
            id: QuoteId(self.id),
            visit_id: VisitId(self.visit_id),
            ticket_id: self.ticket_id.map(TicketId),
            status: self.status()?,
            items,
            amount: self.amount,
            currency: self.currency.clone(),
            made_by: UserId(self.made_by),
            made_at: utc(self.made_at),
            answered_by: self.answered_by.clone(),
            answered_at: self.answered_at.map(utc),
            answered_via: self
                .answered_via
                .as_deref()
                .map(|v| {
                    QuoteAnswerVia::parse(v)
                        .ok_or_else(|| AppError::internal(format!("quote {} answered via an unknown way", self.id)))
                })
                .transpose()?,
            answer_recorded_by: self.answer_recorded_by.map(UserId),
            decline_reason: self.decline_reason.clone(),
            visit_version,
        })
    }
}

/// A quote as it is made.
pub struct NewQuote<'a> {
    pub visit_id: i64,
    pub ticket_id: Option<i64>,
    pub currency: &'a str,
    pub amount: f64,
    pub lines: &'a [Line],
    pub made_by: i64,
    pub at: DateTime<Utc>,
}

pub fn insert(c: &mut DbConn, q: &NewQuote) -> AppResult<QuoteRow> {
    let row: QuoteRow = diesel::insert_into(quotes::table)
        .values((
            quotes::visit_id.eq(q.visit_id),
            quotes::ticket_id.eq(q.ticket_id),
            quotes::status.eq(QuoteStatus::Proposed.as_str()),
            quotes::currency.eq(q.currency),
            quotes::amount.eq(q.amount),
            quotes::made_by.eq(q.made_by),
            quotes::made_at.eq(ts(q.at)),
        ))
        .returning(quotes::all_columns)
        .get_result(c)?;
    for (i, l) in q.lines.iter().enumerate() {
        diesel::insert_into(quote_items::table)
            .values((
                quote_items::quote_id.eq(row.id),
                quote_items::position.eq(i32::try_from(i).map_err(AppError::internal)?),
                quote_items::description.eq(&l.description),
                quote_items::quantity.eq(l.quantity),
                quote_items::unit_price.eq(l.unit_price),
                quote_items::amount.eq(l.amount),
            ))
            .execute(c)?;
    }
    Ok(row)
}

pub fn get(c: &mut DbConn, id: i64) -> AppResult<QuoteRow> {
    quotes::table
        .find(id)
        .select(QuoteRow::as_select())
        .get_result(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("quote", id))
}

/// The quote's lines, in order.
pub fn items(c: &mut DbConn, quote: i64) -> AppResult<Vec<QuoteItem>> {
    let rows: Vec<(String, f64, f64, f64)> = quote_items::table
        .filter(quote_items::quote_id.eq(quote))
        .order(quote_items::position)
        .select((
            quote_items::description,
            quote_items::quantity,
            quote_items::unit_price,
            quote_items::amount,
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(description, quantity, unit_price, amount)| QuoteItem {
            description,
            quantity,
            unit_price,
            amount,
        })
        .collect())
}

/// The visit's quotes, oldest first.
pub fn of_visit(c: &mut DbConn, visit: i64) -> AppResult<Vec<QuoteRow>> {
    Ok(quotes::table
        .filter(quotes::visit_id.eq(visit))
        .order(quotes::id)
        .select(QuoteRow::as_select())
        .load(c)?)
}

/// The visit's latest quote, if any.
pub fn latest_of_visit(c: &mut DbConn, visit: i64) -> AppResult<Option<QuoteRow>> {
    Ok(of_visit(c, visit)?.pop())
}

/// The customer's answer to a quote.
pub struct Answer<'a> {
    pub status: QuoteStatus,
    pub by: &'a str,
    pub at: DateTime<Utc>,
    pub via: QuoteAnswerVia,
    pub reason: Option<&'a str>,
    /// The staff member who recorded it; None for the customer's own answer in the portal.
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTime<Utc>,
}

/// Records the answer if the quote is still proposed; returns whether it was.
pub fn answer(c: &mut DbConn, id: i64, a: &Answer) -> AppResult<bool> {
    let n = diesel::update(
        quotes::table
            .filter(quotes::id.eq(id))
            .filter(quotes::status.eq(QuoteStatus::Proposed.as_str())),
    )
    .set((
        quotes::status.eq(a.status.as_str()),
        quotes::answered_by.eq(Some(a.by)),
        quotes::answered_at.eq(Some(ts(a.at))),
        quotes::answered_via.eq(Some(a.via.as_str())),
        quotes::answer_recorded_by.eq(a.recorded_by),
        quotes::answer_recorded_at.eq(Some(ts(a.recorded_at))),
        quotes::decline_reason.eq(a.reason),
    ))
    .execute(c)?;
    Ok(n > 0)
}
