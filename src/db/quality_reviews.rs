//! Quality review: the sampled tickets' reviews (scored, disputed, decided), the handled ticket
//! as the reviewer reads it, and the reviews the service report counts.

use super::schema::{customers, quality_reviews, tickets};
use super::{ts, utc, DbConn, Paging};
use crate::domain::quality::ReviewFact;
use crate::domain::report::Window;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    Page, QualityDecision, QualityReview, QualityReviewStatus, QualityScore, ReviewId, ReviewedTicket, TeamId,
    TicketId, UserId,
};
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = quality_reviews)]
pub struct ReviewRow {
    pub id: i64,
    pub ticket_id: i64,
    pub agent_id: i64,
    pub team_id: Option<i64>,
    pub month: String,
    pub status: String,
    pub sampled_at: NaiveDateTime,
    pub reviewer_id: Option<i64>,
    pub scores_json: Option<String>,
    pub total: Option<f64>,
    pub comments: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub dispute_reason: Option<String>,
    pub disputed_at: Option<NaiveDateTime>,
    pub decider_id: Option<i64>,
    pub decision: Option<String>,
    pub decision_note: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub first_total: Option<f64>,
    pub version: i32,
    pub updated_at: NaiveDateTime,
}

impl ReviewRow {
    pub fn status(&self) -> AppResult<QualityReviewStatus> {
        QualityReviewStatus::parse(&self.status)
            .ok_or_else(|| AppError::internal(format!("review {} has unknown status {}", self.id, self.status)))
    }

    pub fn scores(&self) -> Vec<QualityScore> {
        self.scores_json
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    }
}

pub fn get_review(c: &mut DbConn, id: i64) -> AppResult<ReviewRow> {
    quality_reviews::table
        .find(id)
        .select(ReviewRow::as_select())
        .get_result(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("review", id))
}

/// The review scored.
pub fn save_score(
    c: &mut DbConn,
    id: i64,
    reviewer: i64,
    scores: &[QualityScore],
    total: Option<f64>,
    comments: Option<&str>,
    at: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::update(quality_reviews::table.find(id))
        .set((
            quality_reviews::status.eq(QualityReviewStatus::Reviewed.as_str()),
            quality_reviews::reviewer_id.eq(Some(reviewer)),
            quality_reviews::scores_json.eq(serde_json::to_string(scores).ok()),
            quality_reviews::total.eq(total),
            quality_reviews::comments.eq(comments),
            quality_reviews::reviewed_at.eq(Some(ts(at))),
            quality_reviews::version.eq(quality_reviews::version + 1),
            quality_reviews::updated_at.eq(ts(at)),
        ))
        .execute(c)
}

/// The review disputed: only while it is `reviewed` and was never disputed (0 rows otherwise).
pub fn save_dispute(c: &mut DbConn, id: i64, reason: &str, at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(
        quality_reviews::table
            .find(id)
            .filter(quality_reviews::status.eq(QualityReviewStatus::Reviewed.as_str()))
            .filter(quality_reviews::disputed_at.is_null()),
    )
    .set((
        quality_reviews::status.eq(QualityReviewStatus::Disputed.as_str()),
        quality_reviews::dispute_reason.eq(Some(reason)),
        quality_reviews::disputed_at.eq(Some(ts(at))),
        quality_reviews::version.eq(quality_reviews::version + 1),
        quality_reviews::updated_at.eq(ts(at)),
    ))
    .execute(c)
}

/// What a decision writes.
pub struct Decision<'a> {
    pub decider: i64,
    pub decision: QualityDecision,
    pub note: &'a str,
    /// With a changed score: the new scorecard and total, and the first total kept.
    pub changed: Option<(Vec<QualityScore>, Option<f64>, Option<f64>)>,
}

/// The dispute decided: only while the review is `disputed` (0 rows otherwise).
pub fn save_decision(c: &mut DbConn, id: i64, d: &Decision, at: DateTime<Utc>) -> QueryResult<usize> {
    let target = quality_reviews::table
        .find(id)
        .filter(quality_reviews::status.eq(QualityReviewStatus::Disputed.as_str()));
    let n = diesel::update(target)
        .set((
            quality_reviews::status.eq(QualityReviewStatus::Decided.as_str()),
            quality_reviews::decider_id.eq(Some(d.decider)),
            quality_reviews::decision.eq(Some(d.decision.as_str())),
            quality_reviews::decision_note.eq(Some(d.note)),
            quality_reviews::decided_at.eq(Some(ts(at))),
            quality_reviews::version.eq(quality_reviews::version + 1),
            quality_reviews::updated_at.eq(ts(at)),
        ))
        .execute(c)?;
    if n == 1 {
        if let Some((scores, total, first)) = &d.changed {
            diesel::update(quality_reviews::table.find(id))
                .set((
                    quality_reviews::scores_json.eq(serde_json::to_string(scores).ok()),
                    quality_reviews::total.eq(*total),
                    quality_reviews::first_total.eq(*first),
                ))
                .execute(c)?;
        }
    }
    Ok(n)
}

/// What a list of reviews is filtered by.
#[derive(Debug, Clone, Default)]
pub struct ReviewFilter {
    pub month: Option<String>,
    pub status: Option<QualityReviewStatus>,
    pub agent: Option<i64>,
    pub team: Option<i64>,
    /// Only reviews that were scored (the agent's own list).
    pub scored_only: bool,
}

/// A page of reviews: the oldest sampled first (the queue's order).
pub fn list_reviews(c: &mut DbConn, f: &ReviewFilter, paging: Paging) -> AppResult<Page<QualityReview>> {
    let query = || {
        let mut q = quality_reviews::table.into_boxed();
        if let Some(m) = &f.month {
            q = q.filter(quality_reviews::month.eq(m.clone()));
        }
        if let Some(s) = f.status {
            q = q.filter(quality_reviews::status.eq(s.as_str()));
        }
        if let Some(a) = f.agent {
            q = q.filter(quality_reviews::agent_id.eq(a));
        }
        if let Some(t) = f.team {
            q = q.filter(quality_reviews::team_id.eq(t));
        }
        if f.scored_only {
            q = q.filter(quality_reviews::status.ne(QualityReviewStatus::Queued.as_str()));
        }
        q
    };
    let (rows, total): (Vec<ReviewRow>, i64) = paging.load(c, query, |q| {
        q.order((quality_reviews::month.desc(), quality_reviews::id))
            .select(ReviewRow::as_select())
    })?;
    let items = to_wire(c, &rows)?;
    Ok(paging.page(items, total))
}

/// Every review of these months (for the report), by id.
pub fn reviews_of_months(c: &mut DbConn, months: &[String]) -> QueryResult<Vec<ReviewRow>> {
    quality_reviews::table
        .filter(quality_reviews::month.eq_any(months))
        .order(quality_reviews::id)
        .select(ReviewRow::as_select())
        .load(c)
}

/// The wire reviews, with the names of the people, the team and the ticket.
pub fn to_wire(c: &mut DbConn, rows: &[ReviewRow]) -> AppResult<Vec<QualityReview>> {
    let mut people: Vec<i64> = Vec::new();
    for r in rows {
        people.push(r.agent_id);
        people.extend(r.reviewer_id);
        people.extend(r.decider_id);
    }
    people.sort_unstable();
    people.dedup();
    let names = super::users::display_names(c, &people)?;
    let team_ids: Vec<i64> = rows.iter().filter_map(|r| r.team_id).collect();
    let teams = super::org::team_names(c, &team_ids)?;
    let ticket_ids: Vec<i64> = rows.iter().map(|r| r.ticket_id).collect();
    let heads: HashMap<i64, (String, String)> = tickets::table
        .filter(tickets::id.eq_any(&ticket_ids))
        .select((tickets::id, tickets::number, tickets::title))
        .load::<(i64, String, String)>(c)?
        .into_iter()
        .map(|(id, n, t)| (id, (n, t)))
        .collect();
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("user {id}"));
    rows.iter()
        .map(|r| {
            let (number, title) = heads.get(&r.ticket_id).cloned().unwrap_or_default();
            Ok(QualityReview {
                id: ReviewId(r.id),
                ticket_id: TicketId(r.ticket_id),
                ticket_number: number,
                ticket_title: title,
                agent_id: UserId(r.agent_id),
                agent_name: name(r.agent_id),
                team_id: r.team_id.map(TeamId),
                team_name: r.team_id.and_then(|t| teams.get(&t).cloned()),
                month: r.month.clone(),
                status: r.status()?,
                sampled_at: utc(r.sampled_at),
                reviewer_id: r.reviewer_id.map(UserId),
                reviewer_name: r.reviewer_id.map(name),
                scores: r.scores(),
                total: r.total,
                comments: r.comments.clone(),
                reviewed_at: r.reviewed_at.map(utc),
                dispute_reason: r.dispute_reason.clone(),
                disputed_at: r.disputed_at.map(utc),
                decider_id: r.decider_id.map(UserId),
                decider_name: r.decider_id.map(name),
                decision: r.decision.as_deref().and_then(QualityDecision::parse),
                decision_note: r.decision_note.clone(),
                decided_at: r.decided_at.map(utc),
                first_total: r.first_total,
                version: r.version,
            })
        })
        .collect()
}

/// The handled ticket as the reviewer reads it.
pub fn reviewed_ticket(c: &mut DbConn, id: i64) -> AppResult<ReviewedTicket> {
    #[allow(clippy::type_complexity)]
    let row: Option<(
        (i64, String, String, String, String, String, String, String),
        (String, String, Option<String>),
        (
            NaiveDateTime,
            Option<NaiveDateTime>,
            Option<NaiveDateTime>,
            Option<NaiveDateTime>,
            bool,
        ),
    )> = tickets::table
        .inner_join(customers::table)
        .filter(tickets::id.eq(id))
        .select((
            (
                tickets::id,
                tickets::number,
                tickets::title,
                tickets::description,
                tickets::kind,
                tickets::channel,
                tickets::priority,
                tickets::status,
            ),
            (tickets::ladder_tier, customers::name, tickets::contact_name),
            (
                tickets::opened_at,
                tickets::responded_at,
                tickets::resolved_at,
                tickets::closed_at,
                tickets::breached,
            ),
        ))
        .get_result(c)
        .optional()?;
    let (
        (id, number, title, description, kind, channel, priority, status),
        (ladder_tier, customer_name, contact_name),
        (opened, responded, resolved, closed, breached),
    ) = row.ok_or_else(|| AppError::not_found("ticket", id))?;
    Ok(ReviewedTicket {
        id: TicketId(id),
        number,
        title,
        description,
        kind,
        channel,
        priority,
        status,
        ladder_tier,
        customer_name,
        contact_name,
        opened_at: utc(opened),
        responded_at: responded.map(utc),
        resolved_at: resolved.map(utc),
        closed_at: closed.map(utc),
        breached,
    })
}

/// A review's reviewed at, total, disputed at, decided at and decision, as read.
type ReviewTimes = (
    Option<NaiveDateTime>,
    Option<f64>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<String>,
);

/// The reviews scored, disputed or decided in the window (the service report's section).
pub fn review_facts(c: &mut DbConn, w: &Window) -> QueryResult<Vec<ReviewFact>> {
    let (from, to) = (ts(w.from), ts(w.to));
    let rows: Vec<ReviewTimes> = quality_reviews::table
        .filter(
            quality_reviews::reviewed_at
                .ge(from)
                .and(quality_reviews::reviewed_at.lt(to))
                .or(quality_reviews::disputed_at
                    .ge(from)
                    .and(quality_reviews::disputed_at.lt(to)))
                .or(quality_reviews::decided_at
                    .ge(from)
                    .and(quality_reviews::decided_at.lt(to))),
        )
        .select((
            quality_reviews::reviewed_at,
            quality_reviews::total,
            quality_reviews::disputed_at,
            quality_reviews::decided_at,
            quality_reviews::decision,
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|(r, total, d, dd, decision)| ReviewFact {
            reviewed_at: r.map(utc),
            total,
            disputed_at: d.map(utc),
            decided_at: dd.map(utc),
            decision: decision.as_deref().and_then(QualityDecision::parse),
        })
        .collect())
}
