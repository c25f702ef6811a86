//! Who leads whom: teams and their leads, each user's team, supervisor, level and grants; and the
//! lookups the workflows climb by (a user's supervisor, their team's lead, who holds a grant).

use super::schema::{teams, users};
use super::{ts, utc, DbConn};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{StaffGrant, Team, TeamId, TeamKind, UserId};
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = teams)]
pub struct TeamRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub lead_id: Option<i64>,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl TeamRow {
    pub fn kind(&self) -> AppResult<TeamKind> {
        TeamKind::parse(&self.kind)
            .ok_or_else(|| AppError::internal(format!("team {} has unknown kind {}", self.id, self.kind)))
    }

    /// The wire team, with its lead's name and its count of active members.
    pub fn to_wire(&self, lead_name: Option<String>, members: i64) -> AppResult<Team> {
        Ok(Team {
            id: TeamId(self.id),
            name: self.name.clone(),
            kind: self.kind()?,
            lead_id: self.lead_id.map(UserId),
            lead_name,
            active: self.active,
            members,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// A team's fields as written (created or replaced whole).
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = teams, treat_none_as_null = true)]
pub struct TeamFields {
    pub name: String,
    pub kind: String,
    pub lead_id: Option<i64>,
    pub active: bool,
}

pub fn insert_team(c: &mut DbConn, f: &TeamFields, at: DateTime<Utc>) -> QueryResult<TeamRow> {
    diesel::insert_into(teams::table)
        .values((f, teams::created_at.eq(ts(at)), teams::updated_at.eq(ts(at))))
        .returning(teams::all_columns)
        .get_result(c)
}

pub fn replace_team(c: &mut DbConn, id: i64, f: &TeamFields, at: DateTime<Utc>) -> QueryResult<TeamRow> {
    diesel::update(teams::table.find(id))
        .set((f, teams::updated_at.eq(ts(at))))
        .returning(teams::all_columns)
        .get_result(c)
}

pub fn find_team(c: &mut DbConn, id: i64) -> QueryResult<Option<TeamRow>> {
    teams::table.find(id).select(TeamRow::as_select()).first(c).optional()
}

pub fn get_team(c: &mut DbConn, id: i64) -> AppResult<TeamRow> {
    find_team(c, id)?.ok_or_else(|| AppError::not_found("team", id))
}

/// Whether another team has this name (names are unique, compared as written).
pub fn team_named(c: &mut DbConn, name: &str) -> QueryResult<Option<i64>> {
    teams::table
        .filter(teams::name.eq(name))
        .select(teams::id)
        .first(c)
        .optional()
}

/// Every team (there are tens, not thousands), by name.
pub fn all_teams(c: &mut DbConn) -> QueryResult<Vec<TeamRow>> {
    teams::table.order(teams::name).select(TeamRow::as_select()).load(c)
}

/// Active members per team.
pub fn member_counts(c: &mut DbConn) -> QueryResult<HashMap<i64, i64>> {
    let rows: Vec<(Option<i64>, i64)> = users::table
        .filter(users::active.eq(true))
        .filter(users::team_id.is_not_null())
        .group_by(users::team_id)
        .select((users::team_id, diesel::dsl::count_star()))
        .load(c)?;
    Ok(rows.into_iter().filter_map(|(t, n)| t.map(|t| (t, n))).collect())
}

/// Where a user stands, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub team_id: Option<i64>,
    pub supervisor_id: Option<i64>,
    pub level: i32,
    pub grants: String,
}

/// Writes where a user stands; the grants are part of their token state, which this node then
/// forgets (other nodes hear of it from PostgreSQL).
pub fn set_standing(c: &mut DbConn, user: i64, s: &Standing, at: DateTime<Utc>) -> QueryResult<usize> {
    super::users::token_state_written(user);
    diesel::update(users::table.find(user))
        .set((
            users::team_id.eq(s.team_id),
            users::supervisor_id.eq(s.supervisor_id),
            users::level.eq(s.level),
            users::grants.eq(&s.grants),
            users::updated_at.eq(ts(at)),
        ))
        .execute(c)
}

/// The user's direct supervisor, when one is set and active.
pub fn supervisor_of(c: &mut DbConn, user: i64) -> QueryResult<Option<i64>> {
    let sup: Option<Option<i64>> = users::table
        .find(user)
        .select(users::supervisor_id)
        .first(c)
        .optional()?;
    match sup.flatten() {
        Some(s) if is_active(c, s)? => Ok(Some(s)),
        _ => Ok(None),
    }
}

/// The lead of the user's team, when the user has an active team with an active lead.
pub fn lead_of(c: &mut DbConn, user: i64) -> QueryResult<Option<i64>> {
    let team: Option<Option<i64>> = users::table.find(user).select(users::team_id).first(c).optional()?;
    let Some(team) = team.flatten() else {
        return Ok(None);
    };
    let lead: Option<(Option<i64>, bool)> = teams::table
        .find(team)
        .select((teams::lead_id, teams::active))
        .first(c)
        .optional()?;
    match lead {
        Some((Some(l), true)) if is_active(c, l)? => Ok(Some(l)),
        _ => Ok(None),
    }
}

fn is_active(c: &mut DbConn, user: i64) -> QueryResult<bool> {
    Ok(users::table
        .find(user)
        .select(users::active)
        .first::<bool>(c)
        .optional()?
        .unwrap_or(false))
}

/// The active teams `user` leads.
pub fn teams_led_by(c: &mut DbConn, user: i64) -> QueryResult<Vec<i64>> {
    teams::table
        .filter(teams::lead_id.eq(user))
        .filter(teams::active.eq(true))
        .order(teams::id)
        .select(teams::id)
        .load(c)
}

/// The active users of these teams.
pub fn members(c: &mut DbConn, team_ids: &[i64]) -> QueryResult<Vec<i64>> {
    users::table
        .filter(users::team_id.eq_any(team_ids))
        .filter(users::active.eq(true))
        .order(users::id)
        .select(users::id)
        .load(c)
}

/// The active users whose direct supervisor is `supervisor`.
pub fn reports_of(c: &mut DbConn, supervisor: i64) -> QueryResult<Vec<i64>> {
    users::table
        .filter(users::supervisor_id.eq(supervisor))
        .filter(users::active.eq(true))
        .order(users::id)
        .select(users::id)
        .load(c)
}

/// The people `user` leads: the members of the teams they lead and their direct reports (not
/// themself), by id.
pub fn led_by(c: &mut DbConn, user: i64) -> QueryResult<Vec<i64>> {
    let teams = teams_led_by(c, user)?;
    let mut people = members(c, &teams)?;
    people.extend(reports_of(c, user)?);
    people.sort_unstable();
    people.dedup();
    people.retain(|p| *p != user);
    Ok(people)
}

/// The active users holding the grant, by id.
pub fn with_grant(c: &mut DbConn, grant: StaffGrant) -> QueryResult<Vec<i64>> {
    let rows: Vec<(i64, String)> = users::table
        .filter(users::active.eq(true))
        .filter(users::grants.ne(""))
        .order(users::id)
        .select((users::id, users::grants))
        .load(c)?;
    Ok(rows
        .into_iter()
        .filter(|(_, g)| super::users::parse_grants(g).contains(&grant))
        .map(|(id, _)| id)
        .collect())
}

/// The supervisors above `user`, nearest first, as stored (to refuse a loop); stops at a repeat
/// or after `max` steps.
pub fn chain_above(c: &mut DbConn, user: i64, max: usize) -> QueryResult<Vec<i64>> {
    let mut chain = Vec::new();
    let mut at = user;
    while chain.len() < max {
        let next: Option<Option<i64>> = users::table.find(at).select(users::supervisor_id).first(c).optional()?;
        match next.flatten() {
            Some(s) if !chain.contains(&s) => {
                chain.push(s);
                at = s;
            }
            _ => break,
        }
    }
    Ok(chain)
}

/// The team name of each team id given.
pub fn team_names(c: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    Ok(teams::table
        .filter(teams::id.eq_any(ids))
        .select((teams::id, teams::name))
        .load::<(i64, String)>(c)?
        .into_iter()
        .collect())
}
