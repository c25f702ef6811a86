//! Quality review: the scorecard's criteria, the sample's settings, drawing the sample, and the
//! training plan entries (the reviews themselves: `quality_reviews`).

use super::schema::{quality_criteria, quality_reviews, quality_settings, quality_training, tickets, users};
use super::{ts, utc, DbConn};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    CriterionId, QualityCriterion, QualityReviewStatus, TeamId, TrainingEntry, TrainingEntryId, UserId,
};
use std::collections::HashMap;

/// The reviews' queries live beside: `db::quality_reviews`.
pub use super::quality_reviews::*;

// ---------------------------------------------------------------- criteria

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = quality_criteria)]
pub struct CriterionRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub weight: i32,
    pub position: i32,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl CriterionRow {
    pub fn to_wire(&self) -> QualityCriterion {
        QualityCriterion {
            id: CriterionId(self.id),
            name: self.name.clone(),
            description: self.description.clone(),
            weight: self.weight,
            position: self.position,
            active: self.active,
        }
    }
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = quality_criteria)]
pub struct CriterionFields {
    pub name: String,
    pub description: String,
    pub weight: i32,
    pub position: i32,
    pub active: bool,
}

/// The criteria in scorecard order; only the active ones when asked.
pub fn criteria(c: &mut DbConn, active_only: bool) -> QueryResult<Vec<CriterionRow>> {
    let mut q = quality_criteria::table.into_boxed();
    if active_only {
        q = q.filter(quality_criteria::active.eq(true));
    }
    q.order((quality_criteria::position, quality_criteria::id))
        .select(CriterionRow::as_select())
        .load(c)
}

pub fn get_criterion(c: &mut DbConn, id: i64) -> AppResult<CriterionRow> {
    quality_criteria::table
        .find(id)
        .select(CriterionRow::as_select())
        .get_result(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("criterion", id))
}

/// Another criterion of this name, if any.
pub fn criterion_named(c: &mut DbConn, name: &str, but: Option<i64>) -> QueryResult<Option<i64>> {
    let mut q = quality_criteria::table
        .filter(quality_criteria::name.eq(name))
        .select(quality_criteria::id)
        .into_boxed();
    if let Some(b) = but {
        q = q.filter(quality_criteria::id.ne(b));
    }
    q.load::<i64>(c).map(|v| v.into_iter().next())
}

pub fn last_position(c: &mut DbConn) -> QueryResult<i32> {
    let max: Option<i32> = quality_criteria::table
        .select(diesel::dsl::max(quality_criteria::position))
        .get_result(c)?;
    Ok(max.unwrap_or(0))
}

pub fn insert_criterion(c: &mut DbConn, f: &CriterionFields, at: DateTime<Utc>) -> AppResult<CriterionRow> {
    let id: i64 = diesel::insert_into(quality_criteria::table)
        .values((
            f,
            quality_criteria::created_at.eq(ts(at)),
            quality_criteria::updated_at.eq(ts(at)),
        ))
        .returning(quality_criteria::id)
        .get_result(c)?;
    get_criterion(c, id)
}

pub fn replace_criterion(c: &mut DbConn, id: i64, f: &CriterionFields, at: DateTime<Utc>) -> AppResult<CriterionRow> {
    diesel::update(quality_criteria::table.find(id))
        .set((f, quality_criteria::updated_at.eq(ts(at))))
        .execute(c)?;
    get_criterion(c, id)
}

// ---------------------------------------------------------------- settings

/// The sample size per agent and when it was set.
pub fn settings(c: &mut DbConn) -> QueryResult<Option<(i32, NaiveDateTime)>> {
    quality_settings::table
        .find(1)
        .select((quality_settings::sample_per_agent, quality_settings::updated_at))
        .get_result(c)
        .optional()
}

pub fn set_settings(c: &mut DbConn, per_agent: i32, by: i64, at: DateTime<Utc>) -> QueryResult<usize> {
    let n = diesel::update(quality_settings::table.find(1))
        .set((
            quality_settings::sample_per_agent.eq(per_agent),
            quality_settings::updated_by.eq(Some(by)),
            quality_settings::updated_at.eq(ts(at)),
        ))
        .execute(c)?;
    if n == 0 {
        diesel::insert_into(quality_settings::table)
            .values((
                quality_settings::id.eq(1),
                quality_settings::sample_per_agent.eq(per_agent),
                quality_settings::updated_by.eq(Some(by)),
                quality_settings::updated_at.eq(ts(at)),
            ))
            .execute(c)?;
    }
    Ok(1)
}

// ---------------------------------------------------------------- the sample

/// The tickets handled in the window (resolved in it, or closed in it without a resolution
/// time) and never sampled: (owner, ticket), by ticket.
pub fn candidates(c: &mut DbConn, from: DateTime<Utc>, to: DateTime<Utc>) -> QueryResult<Vec<(i64, i64)>> {
    let (from, to) = (ts(from), ts(to));
    let sampled = quality_reviews::table
        .filter(quality_reviews::ticket_id.eq(tickets::id))
        .select(quality_reviews::id);
    tickets::table
        .filter(tickets::status.eq_any(["resolved", "closed"]))
        .filter(
            tickets::resolved_at
                .ge(from)
                .and(tickets::resolved_at.lt(to))
                .or(tickets::resolved_at
                    .is_null()
                    .and(tickets::closed_at.ge(from))
                    .and(tickets::closed_at.lt(to))),
        )
        .filter(diesel::dsl::not(diesel::dsl::exists(sampled)))
        .order(tickets::id)
        .select((tickets::owner_id, tickets::id))
        .load(c)
}

/// How many of each agent's tickets the month's sample holds.
pub fn sampled_per_agent(c: &mut DbConn, month: &str) -> QueryResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = quality_reviews::table
        .filter(quality_reviews::month.eq(month))
        .group_by(quality_reviews::agent_id)
        .select((quality_reviews::agent_id, diesel::dsl::count_star()))
        .load(c)?;
    Ok(rows.into_iter().collect())
}

/// The agents' teams as they are now.
pub fn teams_of(c: &mut DbConn, agents: &[i64]) -> QueryResult<HashMap<i64, Option<i64>>> {
    Ok(users::table
        .filter(users::id.eq_any(agents))
        .select((users::id, users::team_id))
        .load::<(i64, Option<i64>)>(c)?
        .into_iter()
        .collect())
}

pub fn insert_sampled(
    c: &mut DbConn,
    ticket: i64,
    agent: i64,
    team: Option<i64>,
    month: &str,
    at: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::insert_into(quality_reviews::table)
        .values((
            quality_reviews::ticket_id.eq(ticket),
            quality_reviews::agent_id.eq(agent),
            quality_reviews::team_id.eq(team),
            quality_reviews::month.eq(month),
            quality_reviews::status.eq(QualityReviewStatus::Queued.as_str()),
            quality_reviews::sampled_at.eq(ts(at)),
            quality_reviews::updated_at.eq(ts(at)),
        ))
        .execute(c)
}

// ---------------------------------------------------------------- training plan

pub struct NewTraining<'a> {
    pub month: &'a str,
    pub agent: Option<i64>,
    pub team: Option<i64>,
    pub author: i64,
    pub text: &'a str,
}

pub fn insert_training(c: &mut DbConn, t: &NewTraining, at: DateTime<Utc>) -> QueryResult<i64> {
    diesel::insert_into(quality_training::table)
        .values((
            quality_training::month.eq(t.month),
            quality_training::agent_id.eq(t.agent),
            quality_training::team_id.eq(t.team),
            quality_training::author_id.eq(t.author),
            quality_training::text.eq(t.text),
            quality_training::created_at.eq(ts(at)),
        ))
        .returning(quality_training::id)
        .get_result(c)
}

/// The month's training plan entries, oldest first (or the one of `only`).
pub fn training(c: &mut DbConn, month: Option<&str>, only: Option<i64>) -> AppResult<Vec<TrainingEntry>> {
    type Row = (i64, String, Option<i64>, Option<i64>, i64, String, NaiveDateTime);
    let mut q = quality_training::table.into_boxed();
    if let Some(m) = month {
        q = q.filter(quality_training::month.eq(m.to_string()));
    }
    if let Some(id) = only {
        q = q.filter(quality_training::id.eq(id));
    }
    let rows: Vec<Row> = q
        .order(quality_training::id)
        .select((
            quality_training::id,
            quality_training::month,
            quality_training::agent_id,
            quality_training::team_id,
            quality_training::author_id,
            quality_training::text,
            quality_training::created_at,
        ))
        .load(c)?;
    let mut people: Vec<i64> = rows.iter().flat_map(|r| [Some(r.4), r.2]).flatten().collect();
    people.sort_unstable();
    people.dedup();
    let names = super::users::display_names(c, &people)?;
    let team_ids: Vec<i64> = rows.iter().filter_map(|r| r.3).collect();
    let teams = super::org::team_names(c, &team_ids)?;
    Ok(rows
        .into_iter()
        .map(|(id, month, agent, team, author, text, at)| TrainingEntry {
            id: TrainingEntryId(id),
            month,
            agent_id: agent.map(UserId),
            agent_name: agent.and_then(|a| names.get(&a).cloned()),
            team_id: team.map(TeamId),
            team_name: team.and_then(|t| teams.get(&t).cloned()),
            author_id: UserId(author),
            author_name: names.get(&author).cloned().unwrap_or_default(),
            text,
            created_at: utc(at),
        })
        .collect())
}

/// Whether the user exists and is active.
pub fn user_active(c: &mut DbConn, id: i64) -> QueryResult<bool> {
    Ok(users::table
        .find(id)
        .select(users::active)
        .get_result::<bool>(c)
        .optional()?
        .unwrap_or(false))
}
