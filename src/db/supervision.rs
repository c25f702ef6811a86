//! Stalled work and chasing: the stall rules admins set, what the stalled list is computed from
//! (open tickets and visits with their last work), chases, and the report's chase facts.

use super::schema::{chases, customers, stall_rules, teams, ticket_events, tickets, users, visits};
use super::{ts, utc, DbConn};
use crate::domain::stall::{ChaseFact, NOT_WORK, OPEN_VISITS};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{Chase, ChaseId, ChaseStatus, StallState, TicketId, TicketStatus, UserId, VisitId};
use std::collections::HashMap;

// ---------------------------------------------------------------- rules

/// A stored rule: the state, its limit, who set it and when.
#[derive(Debug, Clone, Queryable)]
pub struct RuleRow {
    pub state: String,
    pub hours: Option<i32>,
    pub updated_by: Option<i64>,
    pub updated_at: NaiveDateTime,
}

/// The rules admins have set (states without a row keep the shipped limit).
pub fn stored_rules(c: &mut DbConn) -> QueryResult<Vec<RuleRow>> {
    stall_rules::table
        .order(stall_rules::id)
        .select((
            stall_rules::state,
            stall_rules::hours,
            stall_rules::updated_by,
            stall_rules::updated_at,
        ))
        .load(c)
}

/// Sets a state's limit, in the caller's transaction.
pub fn set_rule(c: &mut DbConn, state: StallState, hours: Option<i32>, by: i64, at: DateTime<Utc>) -> QueryResult<()> {
    diesel::delete(stall_rules::table.filter(stall_rules::state.eq(state.as_str()))).execute(c)?;
    diesel::insert_into(stall_rules::table)
        .values((
            stall_rules::state.eq(state.as_str()),
            stall_rules::hours.eq(hours),
            stall_rules::updated_by.eq(Some(by)),
            stall_rules::updated_at.eq(ts(at)),
        ))
        .execute(c)?;
    Ok(())
}

// ---------------------------------------------------------------- open work

/// An open ticket as the stalled list reads it.
#[derive(Debug, Clone)]
pub struct OpenTicket {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub customer_name: String,
    pub ladder_tier: String,
    pub status: String,
    pub owner_id: i64,
    pub assignee_id: Option<i64>,
    pub opened_at: NaiveDateTime,
}

/// The statuses of tickets that can stall.
const STALLING: &[TicketStatus] = &[
    TicketStatus::New,
    TicketStatus::InProgress,
    TicketStatus::WaitingOnCustomer,
    TicketStatus::Reopened,
];

fn stalling() -> Vec<&'static str> {
    STALLING.iter().map(|s| s.as_str()).collect()
}

/// An open ticket's columns as read by `open_tickets`.
type TicketRead = (
    i64,
    String,
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    NaiveDateTime,
);

/// An open visit's columns as read by `open_visits`.
type VisitRead = (i64, Option<i64>, String, Option<i64>, i64, NaiveDateTime, NaiveDateTime);

/// The tickets that can stall, with their customer's name.
pub fn open_tickets(c: &mut DbConn) -> QueryResult<Vec<OpenTicket>> {
    let rows: Vec<TicketRead> = tickets::table
        .inner_join(customers::table)
        .filter(tickets::status.eq_any(stalling()))
        .select((
            tickets::id,
            tickets::number,
            tickets::title,
            customers::name,
            tickets::ladder_tier,
            tickets::status,
            tickets::owner_id,
            tickets::assignee_id,
            tickets::opened_at,
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|r| OpenTicket {
            id: r.0,
            number: r.1,
            title: r.2,
            customer_name: r.3,
            ladder_tier: r.4,
            status: r.5,
            owner_id: r.6,
            assignee_id: r.7,
            opened_at: r.8,
        })
        .collect())
}

/// The last timeline event that is work, of each ticket that can stall.
pub fn last_work(c: &mut DbConn) -> QueryResult<HashMap<i64, NaiveDateTime>> {
    let rows: Vec<(i64, Option<NaiveDateTime>)> = ticket_events::table
        .inner_join(tickets::table)
        .filter(tickets::status.eq_any(stalling()))
        .filter(ticket_events::kind.ne_all(NOT_WORK.to_vec()))
        .group_by(ticket_events::ticket_id)
        .select((ticket_events::ticket_id, diesel::dsl::max(ticket_events::at)))
        .load(c)?;
    Ok(rows.into_iter().filter_map(|(t, at)| at.map(|at| (t, at))).collect())
}

/// An open visit as the stalled list reads it.
#[derive(Debug, Clone)]
pub struct OpenVisit {
    pub id: i64,
    pub ticket_id: Option<i64>,
    pub status: String,
    pub technician_id: Option<i64>,
    pub created_by: i64,
    pub updated_at: NaiveDateTime,
    pub window_start: NaiveDateTime,
}

fn open_visit_statuses() -> Vec<&'static str> {
    OPEN_VISITS.iter().map(|s| s.as_str()).collect()
}

/// The open visits.
pub fn open_visits(c: &mut DbConn) -> QueryResult<Vec<OpenVisit>> {
    let rows: Vec<VisitRead> = visits::table
        .filter(visits::status.eq_any(open_visit_statuses()))
        .select((
            visits::id,
            visits::ticket_id,
            visits::status,
            visits::technician_id,
            visits::created_by,
            visits::updated_at,
            visits::window_start,
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|r| OpenVisit {
            id: r.0,
            ticket_id: r.1,
            status: r.2,
            technician_id: r.3,
            created_by: r.4,
            updated_at: r.5,
            window_start: r.6,
        })
        .collect())
}

/// Number, title and customer name of these tickets.
pub fn ticket_heads(c: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, (String, String, String)>> {
    let rows: Vec<(i64, String, String, String)> = tickets::table
        .inner_join(customers::table)
        .filter(tickets::id.eq_any(ids))
        .select((tickets::id, tickets::number, tickets::title, customers::name))
        .load(c)?;
    Ok(rows.into_iter().map(|(id, n, t, cn)| (id, (n, t, cn))).collect())
}

/// Display name and team of these users.
pub fn people(c: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, (String, Option<i64>)>> {
    let rows: Vec<(i64, String, Option<i64>)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name, users::team_id))
        .load(c)?;
    Ok(rows.into_iter().map(|(id, n, t)| (id, (n, t))).collect())
}

/// The active users of a role, by id.
pub fn active_with_role(c: &mut DbConn, role: &str) -> QueryResult<Vec<i64>> {
    users::table
        .filter(users::role.eq(role))
        .filter(users::active.eq(true))
        .order(users::id)
        .select(users::id)
        .load(c)
}

// ---------------------------------------------------------------- chases

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = chases)]
pub struct ChaseRow {
    pub id: i64,
    pub ticket_id: Option<i64>,
    pub visit_id: Option<i64>,
    pub holder_id: i64,
    pub holder_team_id: Option<i64>,
    pub chased_by: i64,
    pub note: String,
    pub due_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub answer: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub climbed_at: Option<NaiveDateTime>,
}

impl ChaseRow {
    pub fn status(&self) -> ChaseStatus {
        match (self.answered_at, self.climbed_at) {
            (Some(_), _) => ChaseStatus::Answered,
            (None, Some(_)) => ChaseStatus::Climbed,
            (None, None) => ChaseStatus::Open,
        }
    }
}

/// A chase as written.
pub struct NewChaseRow<'a> {
    pub ticket_id: Option<i64>,
    pub visit_id: Option<i64>,
    pub holder_id: i64,
    pub holder_team_id: Option<i64>,
    pub chased_by: i64,
    pub note: &'a str,
    pub due_at: DateTime<Utc>,
    pub at: DateTime<Utc>,
}

pub fn insert_chase(c: &mut DbConn, n: &NewChaseRow) -> QueryResult<ChaseRow> {
    diesel::insert_into(chases::table)
        .values((
            chases::ticket_id.eq(n.ticket_id),
            chases::visit_id.eq(n.visit_id),
            chases::holder_id.eq(n.holder_id),
            chases::holder_team_id.eq(n.holder_team_id),
            chases::chased_by.eq(n.chased_by),
            chases::note.eq(n.note),
            chases::due_at.eq(ts(n.due_at)),
            chases::created_at.eq(ts(n.at)),
        ))
        .returning(chases::all_columns)
        .get_result(c)
}

pub fn get_chase(c: &mut DbConn, id: i64) -> AppResult<ChaseRow> {
    chases::table
        .find(id)
        .select(ChaseRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("chase", id))
}

/// The unanswered chase of a ticket (not of one of its visits) or of a visit.
pub fn open_chase_of(c: &mut DbConn, ticket: Option<i64>, visit: Option<i64>) -> QueryResult<Option<ChaseRow>> {
    let mut q = chases::table.filter(chases::answered_at.is_null()).into_boxed();
    q = match visit {
        Some(v) => q.filter(chases::visit_id.eq(v)),
        None => q
            .filter(chases::visit_id.is_null())
            .filter(chases::ticket_id.eq(ticket.unwrap_or(-1))),
    };
    q.select(ChaseRow::as_select()).first(c).optional()
}

/// Every unanswered chase.
pub fn open_chases(c: &mut DbConn) -> QueryResult<Vec<ChaseRow>> {
    chases::table
        .filter(chases::answered_at.is_null())
        .select(ChaseRow::as_select())
        .load(c)
}

/// The chases addressed to a user, unanswered first, then newest first.
pub fn chases_to(
    c: &mut DbConn,
    holder: i64,
    open_only: bool,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<ChaseRow>, i64)> {
    let q = || {
        let mut q = chases::table.filter(chases::holder_id.eq(holder)).into_boxed();
        if open_only {
            q = q.filter(chases::answered_at.is_null());
        }
        q
    };
    let total = q().count().get_result(c)?;
    let rows = q()
        .order((chases::answered_at.is_not_null(), chases::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(ChaseRow::as_select())
        .load(c)?;
    Ok((rows, total))
}

/// Records the holder's answer, once.
pub fn answer(c: &mut DbConn, id: i64, note: &str, at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(chases::table.find(id).filter(chases::answered_at.is_null()))
        .set((chases::answer.eq(note), chases::answered_at.eq(ts(at))))
        .execute(c)
}

/// The unanswered chases past their due time that have not climbed yet.
pub fn due_to_climb(c: &mut DbConn, now: DateTime<Utc>) -> QueryResult<Vec<ChaseRow>> {
    chases::table
        .filter(chases::answered_at.is_null())
        .filter(chases::climbed_at.is_null())
        .filter(chases::due_at.lt(ts(now)))
        .order(chases::id)
        .select(ChaseRow::as_select())
        .load(c)
}

/// Marks a chase climbed unless it already has or was answered meanwhile: 1 when this call
/// claimed the climb.
pub fn claim_climb(c: &mut DbConn, id: i64, at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(
        chases::table
            .find(id)
            .filter(chases::climbed_at.is_null())
            .filter(chases::answered_at.is_null()),
    )
    .set(chases::climbed_at.eq(ts(at)))
    .execute(c)
}

/// The wire chases of these rows, with names and ticket numbers.
pub fn to_wire(c: &mut DbConn, rows: &[ChaseRow]) -> QueryResult<Vec<Chase>> {
    let mut ids: Vec<i64> = rows.iter().flat_map(|r| [r.holder_id, r.chased_by]).collect();
    ids.sort_unstable();
    ids.dedup();
    let names = super::users::display_names(c, &ids)?;
    let tickets_of: Vec<i64> = rows.iter().filter_map(|r| r.ticket_id).collect();
    let numbers: HashMap<i64, String> = tickets::table
        .filter(tickets::id.eq_any(&tickets_of))
        .select((tickets::id, tickets::number))
        .load::<(i64, String)>(c)?
        .into_iter()
        .collect();
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    Ok(rows
        .iter()
        .map(|r| Chase {
            id: ChaseId(r.id),
            ticket_id: r.ticket_id.map(TicketId),
            ticket_number: r.ticket_id.and_then(|t| numbers.get(&t).cloned()),
            visit_id: r.visit_id.map(VisitId),
            holder_id: UserId(r.holder_id),
            holder_name: name(r.holder_id),
            chased_by: UserId(r.chased_by),
            chased_by_name: name(r.chased_by),
            note: r.note.clone(),
            due_at: utc(r.due_at),
            status: r.status(),
            created_at: utc(r.created_at),
            answer: r.answer.clone(),
            answered_at: r.answered_at.map(utc),
            climbed_at: r.climbed_at.map(utc),
        })
        .collect())
}

// ---------------------------------------------------------------- report

/// The chases made in [from, to) (of tickets of the account manager's customers, when given),
/// with their holder's name and team.
pub fn chase_facts(
    c: &mut DbConn,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    am: Option<i64>,
) -> AppResult<Vec<ChaseFact>> {
    let mut q = chases::table
        .inner_join(users::table.on(users::id.eq(chases::holder_id)))
        .left_join(teams::table.on(teams::id.nullable().eq(chases::holder_team_id)))
        .left_join(tickets::table.on(tickets::id.nullable().eq(chases::ticket_id)))
        .filter(chases::created_at.ge(ts(from)))
        .filter(chases::created_at.lt(ts(to)))
        .into_boxed();
    if let Some(am) = am {
        let theirs: Vec<i64> = customers::table
            .filter(customers::account_manager_id.eq(am))
            .select(customers::id)
            .load(c)?;
        q = q.filter(tickets::customer_id.nullable().eq_any(theirs));
    }
    type Row = (
        i64,
        String,
        Option<i64>,
        Option<String>,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    );
    let rows: Vec<Row> = q
        .select((
            chases::holder_id,
            users::display_name,
            chases::holder_team_id,
            teams::name.nullable(),
            chases::due_at,
            chases::answered_at,
            chases::climbed_at,
        ))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(
            |(holder, holder_name, team, team_name, due, answered, climbed)| ChaseFact {
                holder,
                holder_name,
                team,
                team_name,
                due_at: utc(due),
                answered_at: answered.map(utc),
                climbed_at: climbed.map(utc),
            },
        )
        .collect())
}

// ---------------------------------------------------------------- one piece of work

/// A ticket as a chase reads it: number, status, owner, assignee.
pub fn ticket_for_chase(c: &mut DbConn, id: i64) -> AppResult<(String, String, i64, Option<i64>)> {
    tickets::table
        .find(id)
        .select((
            tickets::number,
            tickets::status,
            tickets::owner_id,
            tickets::assignee_id,
        ))
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("ticket", id))
}

/// A visit as a chase reads it: ticket, status, technician, the dispatcher who made it.
pub fn visit_for_chase(c: &mut DbConn, id: i64) -> AppResult<(Option<i64>, String, Option<i64>, i64)> {
    visits::table
        .find(id)
        .select((
            visits::ticket_id,
            visits::status,
            visits::technician_id,
            visits::created_by,
        ))
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("visit", id))
}
