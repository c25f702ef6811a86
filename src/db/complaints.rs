//! Complaints: the level limits of each customer tier, each complaint's subject and standing,
//! every level it reached (its steps), the scan's read of levels past their limit, the list and
//! the report's facts.

use super::schema::{complaint_limits, complaint_steps, complaints, customers, tickets, users, visits};
use super::{ts, utc, DbConn, Paging};
use crate::domain::complaint::{ComplaintFact, Limits, StepFact};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    ComplaintAnswer, ComplaintEntry, ComplaintLevel, ComplaintState, ComplaintStep, ComplaintSubjectKind, Tier, UserId,
};
use std::collections::HashMap;

fn stored<T>(what: &str, v: &str, f: fn(&str) -> Option<T>) -> AppResult<T> {
    f(v).ok_or_else(|| AppError::internal(format!("stored {what} {v} is unknown")))
}

// ---------------------------------------------------------------- limits

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaint_limits)]
pub struct LimitsRow {
    pub customer_tier: String,
    pub complaint_minutes: i32,
    pub escalated_minutes: i32,
    pub appeal_minutes: i32,
    pub updated_at: NaiveDateTime,
}

impl LimitsRow {
    pub fn limits(&self) -> Limits {
        Limits {
            complaint: self.complaint_minutes,
            escalated: self.escalated_minutes,
            appeal: self.appeal_minutes,
        }
    }
}

/// Every stored row (a tier without one has the shipped defaults).
pub fn all_limits(c: &mut DbConn) -> QueryResult<Vec<LimitsRow>> {
    complaint_limits::table.select(LimitsRow::as_select()).load(c)
}

/// The stored limits of a tier.
pub fn limits_of(c: &mut DbConn, tier: Tier) -> QueryResult<Option<LimitsRow>> {
    complaint_limits::table
        .find(tier.as_str())
        .select(LimitsRow::as_select())
        .get_result(c)
        .optional()
}

/// Stores a tier's limits (inside the caller's transaction: updated, or inserted when none).
pub fn put_limits(c: &mut DbConn, tier: Tier, l: &Limits, at: DateTime<Utc>) -> QueryResult<LimitsRow> {
    let n = diesel::update(complaint_limits::table.find(tier.as_str()))
        .set((
            complaint_limits::complaint_minutes.eq(l.complaint),
            complaint_limits::escalated_minutes.eq(l.escalated),
            complaint_limits::appeal_minutes.eq(l.appeal),
            complaint_limits::updated_at.eq(ts(at)),
        ))
        .execute(c)?;
    if n == 0 {
        diesel::insert_into(complaint_limits::table)
            .values((
                complaint_limits::customer_tier.eq(tier.as_str()),
                complaint_limits::complaint_minutes.eq(l.complaint),
                complaint_limits::escalated_minutes.eq(l.escalated),
                complaint_limits::appeal_minutes.eq(l.appeal),
                complaint_limits::updated_at.eq(ts(at)),
            ))
            .execute(c)?;
    }
    complaint_limits::table
        .find(tier.as_str())
        .select(LimitsRow::as_select())
        .get_result(c)
}

// ---------------------------------------------------------------- complaints

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaints)]
pub struct ComplaintRow {
    pub ticket_id: i64,
    pub subject_kind: Option<String>,
    pub subject_id: Option<i64>,
    pub level: String,
    pub state: String,
    pub closed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ComplaintRow {
    pub fn level(&self) -> AppResult<ComplaintLevel> {
        stored("complaint level", &self.level, ComplaintLevel::parse)
    }

    pub fn state(&self) -> AppResult<ComplaintState> {
        stored("complaint state", &self.state, ComplaintState::parse)
    }

    pub fn subject(&self) -> AppResult<Option<(ComplaintSubjectKind, i64)>> {
        match (&self.subject_kind, self.subject_id) {
            (Some(k), Some(id)) => Ok(Some((stored("complaint subject", k, ComplaintSubjectKind::parse)?, id))),
            _ => Ok(None),
        }
    }
}

pub fn insert(
    c: &mut DbConn,
    ticket_id: i64,
    subject: Option<(ComplaintSubjectKind, i64)>,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(complaints::table)
        .values((
            complaints::ticket_id.eq(ticket_id),
            complaints::subject_kind.eq(subject.map(|s| s.0.as_str())),
            complaints::subject_id.eq(subject.map(|s| s.1)),
            complaints::level.eq(ComplaintLevel::Complaint.as_str()),
            complaints::state.eq(ComplaintState::Open.as_str()),
            complaints::created_at.eq(ts(at)),
            complaints::updated_at.eq(ts(at)),
        ))
        .execute(c)
        .map(|_| ())
}

pub fn find(c: &mut DbConn, ticket_id: i64) -> QueryResult<Option<ComplaintRow>> {
    complaints::table
        .find(ticket_id)
        .select(ComplaintRow::as_select())
        .get_result(c)
        .optional()
}

/// The complaint of a ticket; not found when the ticket is none.
pub fn get(c: &mut DbConn, ticket_id: i64) -> AppResult<ComplaintRow> {
    find(c, ticket_id)?.ok_or_else(|| AppError::not_found("complaint", ticket_id))
}

pub fn set_subject(
    c: &mut DbConn,
    ticket_id: i64,
    kind: ComplaintSubjectKind,
    id: i64,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(complaints::table.find(ticket_id))
        .set((
            complaints::subject_kind.eq(kind.as_str()),
            complaints::subject_id.eq(id),
            complaints::updated_at.eq(ts(at)),
        ))
        .execute(c)
        .map(|_| ())
}

/// The complaint's level and state (and its closing when the state ends it).
pub fn set_standing(
    c: &mut DbConn,
    ticket_id: i64,
    level: ComplaintLevel,
    state: ComplaintState,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    let closed = matches!(state, ComplaintState::Resolved | ComplaintState::Unresolved).then(|| ts(at));
    diesel::update(complaints::table.find(ticket_id))
        .set((
            complaints::level.eq(level.as_str()),
            complaints::state.eq(state.as_str()),
            complaints::closed_at.eq(closed),
            complaints::updated_at.eq(ts(at)),
        ))
        .execute(c)
        .map(|_| ())
}

// ---------------------------------------------------------------- steps

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaint_steps)]
pub struct StepRow {
    pub id: i64,
    pub ticket_id: i64,
    pub level: String,
    pub entered_by: String,
    pub started_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub breached_at: Option<NaiveDateTime>,
    pub resolution: Option<String>,
    pub resolution_by: Option<i64>,
    pub resolution_at: Option<NaiveDateTime>,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    pub answer_comment: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub answer_recorded_by: Option<i64>,
    pub ended_at: Option<NaiveDateTime>,
}

impl StepRow {
    pub fn level(&self) -> AppResult<ComplaintLevel> {
        stored("complaint level", &self.level, ComplaintLevel::parse)
    }

    /// The wire step, with the resolution's author's name.
    pub fn to_wire(&self, names: &HashMap<i64, String>) -> AppResult<ComplaintStep> {
        Ok(ComplaintStep {
            level: self.level()?,
            entered_by: stored("complaint entry", &self.entered_by, ComplaintEntry::parse)?,
            started_at: utc(self.started_at),
            due_at: utc(self.due_at),
            breached_at: self.breached_at.map(utc),
            resolution: self.resolution.clone(),
            resolution_by: self.resolution_by.map(UserId),
            resolution_by_name: self.resolution_by.and_then(|u| names.get(&u).cloned()),
            resolution_at: self.resolution_at.map(utc),
            answer: self
                .answer
                .as_deref()
                .map(|a| stored("complaint answer", a, ComplaintAnswer::parse))
                .transpose()?,
            answered_by: self.answered_by.clone(),
            answer_comment: self.answer_comment.clone(),
            answered_at: self.answered_at.map(utc),
            answer_recorded_by: self.answer_recorded_by.map(UserId),
            ended_at: self.ended_at.map(utc),
        })
    }
}

pub fn insert_step(
    c: &mut DbConn,
    ticket_id: i64,
    level: ComplaintLevel,
    entered_by: ComplaintEntry,
    started_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(complaint_steps::table)
        .values((
            complaint_steps::ticket_id.eq(ticket_id),
            complaint_steps::level.eq(level.as_str()),
            complaint_steps::entered_by.eq(entered_by.as_str()),
            complaint_steps::started_at.eq(ts(started_at)),
            complaint_steps::due_at.eq(ts(due_at)),
        ))
        .execute(c)
        .map(|_| ())
}

/// Every step of a complaint, the first first.
pub fn steps(c: &mut DbConn, ticket_id: i64) -> QueryResult<Vec<StepRow>> {
    complaint_steps::table
        .filter(complaint_steps::ticket_id.eq(ticket_id))
        .order(complaint_steps::id)
        .select(StepRow::as_select())
        .load(c)
}

/// The step of the complaint's level.
pub fn step_at(c: &mut DbConn, ticket_id: i64, level: ComplaintLevel) -> AppResult<StepRow> {
    complaint_steps::table
        .filter(complaint_steps::ticket_id.eq(ticket_id))
        .filter(complaint_steps::level.eq(level.as_str()))
        .select(StepRow::as_select())
        .get_result(c)
        .optional()?
        .ok_or_else(|| AppError::internal(format!("complaint {ticket_id} has no {level} step")))
}

pub fn set_resolution(c: &mut DbConn, step: i64, text: &str, by: i64, at: DateTime<Utc>) -> QueryResult<()> {
    diesel::update(complaint_steps::table.find(step))
        .set((
            complaint_steps::resolution.eq(text),
            complaint_steps::resolution_by.eq(by),
            complaint_steps::resolution_at.eq(ts(at)),
        ))
        .execute(c)
        .map(|_| ())
}

/// The customer's answer: it ends the step.
pub struct AnswerRecord<'a> {
    pub answer: ComplaintAnswer,
    pub answered_by: &'a str,
    pub comment: Option<&'a str>,
    pub recorded_by: Option<i64>,
    pub at: DateTime<Utc>,
}

pub fn set_answer(c: &mut DbConn, step: i64, a: &AnswerRecord) -> QueryResult<()> {
    diesel::update(complaint_steps::table.find(step))
        .set((
            complaint_steps::answer.eq(a.answer.as_str()),
            complaint_steps::answered_by.eq(a.answered_by),
            complaint_steps::answer_comment.eq(a.comment),
            complaint_steps::answered_at.eq(ts(a.at)),
            complaint_steps::answer_recorded_by.eq(a.recorded_by),
            complaint_steps::ended_at.eq(ts(a.at)),
        ))
        .execute(c)
        .map(|_| ())
}

/// Records the step's missed limit; `end` ends it too (the complaint climbs past it).
pub fn set_breached(c: &mut DbConn, step: i64, at: DateTime<Utc>, end: bool) -> QueryResult<()> {
    diesel::update(complaint_steps::table.find(step))
        .set((
            complaint_steps::breached_at.eq(ts(at)),
            complaint_steps::ended_at.eq(end.then(|| ts(at))),
        ))
        .execute(c)
        .map(|_| ())
}

/// The complaints whose running level (no resolution stated, not ended, not yet recorded as
/// breached) is past its limit at `now`, oldest limit first.
pub fn past_limit(c: &mut DbConn, now: DateTime<Utc>) -> QueryResult<Vec<i64>> {
    complaint_steps::table
        .filter(complaint_steps::ended_at.is_null())
        .filter(complaint_steps::breached_at.is_null())
        .filter(complaint_steps::resolution_at.is_null())
        .filter(complaint_steps::due_at.lt(ts(now)))
        .order((complaint_steps::due_at, complaint_steps::id))
        .select(complaint_steps::ticket_id)
        .load(c)
}

// ---------------------------------------------------------------- names and lists

/// Display names of users.
pub fn user_names(c: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load::<(i64, String)>(c)?
        .into_iter()
        .collect())
}

/// A user's role and whether they are active.
pub fn user_role(c: &mut DbConn, id: i64) -> QueryResult<Option<(String, bool)>> {
    users::table
        .find(id)
        .select((users::role, users::active))
        .get_result(c)
        .optional()
}

/// A visit's ticket (none for an inspection visit) and window start.
pub fn visit_of(c: &mut DbConn, id: i64) -> QueryResult<Option<(Option<i64>, NaiveDateTime)>> {
    visits::table
        .find(id)
        .select((visits::ticket_id, visits::window_start))
        .get_result(c)
        .optional()
}

/// A ticket's number and customer.
pub fn ticket_of(c: &mut DbConn, id: i64) -> QueryResult<Option<(String, i64)>> {
    tickets::table
        .find(id)
        .select((tickets::number, tickets::customer_id))
        .get_result(c)
        .optional()
}

/// A customer's name.
pub fn customer_name(c: &mut DbConn, id: i64) -> QueryResult<Option<String>> {
    customers::table
        .find(id)
        .select(customers::name)
        .get_result(c)
        .optional()
}

/// What the list filters by.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListFilter {
    /// Open (not closed) complaints only.
    pub open: bool,
    pub level: Option<ComplaintLevel>,
    /// The tickets owned by this user only.
    pub owner: Option<i64>,
}

/// Complaints, the soonest open limit first (closed ones last, newest first), with the total.
pub fn list(c: &mut DbConn, f: ListFilter, paging: Paging) -> QueryResult<(Vec<ComplaintRow>, i64)> {
    let query = || {
        let mut q = complaints::table.inner_join(tickets::table).into_boxed();
        if f.open {
            q = q.filter(complaints::closed_at.is_null());
        }
        if let Some(l) = f.level {
            q = q.filter(complaints::level.eq(l.as_str()));
        }
        if let Some(o) = f.owner {
            q = q.filter(tickets::owner_id.eq(o));
        }
        q
    };
    let total = query().count().get_result(c)?;
    let rows = query()
        .order((
            complaints::closed_at.is_not_null(),
            complaints::closed_at.desc(),
            complaints::updated_at.desc(),
            complaints::ticket_id.desc(),
        ))
        .limit(paging.limit)
        .offset(paging.offset)
        .select(ComplaintRow::as_select())
        .load(c)?;
    Ok((rows, total))
}

// ---------------------------------------------------------------- report

/// The facts of every complaint that was open at some time in `[from, to)`, of one account
/// manager's customers or all.
pub fn report_facts(
    c: &mut DbConn,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    am: Option<i64>,
) -> AppResult<Vec<ComplaintFact>> {
    let mut q = complaints::table
        .inner_join(tickets::table)
        .filter(complaints::created_at.lt(ts(to)))
        .filter(complaints::closed_at.is_null().or(complaints::closed_at.ge(ts(from))))
        .into_boxed();
    if let Some(am) = am {
        let mine = customers::table
            .filter(customers::account_manager_id.eq(am))
            .select(customers::id);
        q = q.filter(tickets::customer_id.eq_any(mine));
    }
    let rows: Vec<(ComplaintRow, NaiveDateTime)> = q.select((ComplaintRow::as_select(), tickets::opened_at)).load(c)?;
    let ids: Vec<i64> = rows.iter().map(|(r, _)| r.ticket_id).collect();
    let mut by_ticket: HashMap<i64, Vec<StepFact>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let steps: Vec<StepRow> = complaint_steps::table
            .filter(complaint_steps::ticket_id.eq_any(chunk))
            .order(complaint_steps::id)
            .select(StepRow::as_select())
            .load(c)?;
        for s in steps {
            by_ticket.entry(s.ticket_id).or_default().push(StepFact {
                level: s.level()?,
                started_at: utc(s.started_at),
                due_at: utc(s.due_at),
                resolution_at: s.resolution_at.map(utc),
                breached_at: s.breached_at.map(utc),
            });
        }
    }
    rows.into_iter()
        .map(|(r, opened)| {
            Ok(ComplaintFact {
                registered_at: utc(opened),
                subject: r.subject()?.map(|s| s.0),
                level: r.level()?,
                state: r.state()?,
                closed_at: r.closed_at.map(utc),
                steps: by_ticket.remove(&r.ticket_id).unwrap_or_default(),
            })
        })
        .collect()
}
