//! Revisits: the queries of the revisits (the agents' queue) and the weekly progress; the revisit
//! files are in `revisit_files`. The workflows that write them are in `service::revisits` and
//! `service::revisit_generation`.
//!
//! Idempotency: a periodic revisit per file and date (`file_id, due_on` unique), a satisfaction
//! revisit per ticket (`ticket_id` unique).

use super::schema::{assets, customers, revisits, tickets as tickets_t, users};
use super::{sla as policy, ts, utc, DbConn, Paging};
use crate::domain::cadence::IsoWeek;
use crate::domain::revisit::Outcome;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    AgentRevisitProgress, AssetId, CustomerId, Page, Revisit, RevisitFileId, RevisitId, RevisitKind, RevisitProgress,
    RevisitStatus, Role, SiteId, TicketId, UserId,
};
use std::collections::{BTreeMap, HashMap};

// ---------------------------------------------------------------- rows

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = revisits)]
pub struct RevisitRow {
    pub id: i64,
    pub kind: String,
    pub file_id: Option<i64>,
    pub ticket_id: Option<i64>,
    pub customer_id: i64,
    pub site_id: Option<i64>,
    pub asset_id: Option<i64>,
    pub due_on: NaiveDate,
    pub status: String,
    pub assigned_to: Option<i64>,
    pub reached: Option<bool>,
    pub score: Option<i32>,
    pub comment: Option<String>,
    pub follow_up_needed: bool,
    pub done_by: Option<i64>,
    pub done_at: Option<NaiveDateTime>,
    pub opened_ticket_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

fn parse<T>(what: &str, v: &str, f: fn(&str) -> Option<T>) -> AppResult<T> {
    f(v).ok_or_else(|| AppError::internal(format!("stored revisit {what} `{v}` is unknown")))
}

impl RevisitRow {
    pub fn status(&self) -> AppResult<RevisitStatus> {
        parse("status", &self.status, RevisitStatus::parse)
    }

    pub fn kind(&self) -> AppResult<RevisitKind> {
        parse("kind", &self.kind, RevisitKind::parse)
    }

    /// The wire form, with the names read beside it; `today` is the business calendar's date.
    fn to_wire(&self, customer_name: String, ticket_number: Option<String>, today: NaiveDate) -> AppResult<Revisit> {
        let status = self.status()?;
        Ok(Revisit {
            id: RevisitId(self.id),
            kind: self.kind()?,
            status,
            due_on: self.due_on,
            overdue: status == RevisitStatus::Due && self.due_on < today,
            file_id: self.file_id.map(RevisitFileId),
            ticket_id: self.ticket_id.map(TicketId),
            ticket_number,
            customer_id: CustomerId(self.customer_id),
            customer_name,
            site_id: self.site_id.map(SiteId),
            asset_id: self.asset_id.map(AssetId),
            assigned_to: self.assigned_to.map(UserId),
            reached: self.reached,
            score: self.score,
            comment: self.comment.clone(),
            follow_up_needed: self.follow_up_needed,
            done_by: self.done_by.map(UserId),
            done_at: self.done_at.map(utc),
            opened_ticket_id: self.opened_ticket_id.map(TicketId),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// Today in the business calendar's zone.
pub fn today(c: &mut DbConn, now: DateTime<Utc>) -> AppResult<NaiveDate> {
    Ok(policy::calendar(c)?.local_date(now))
}

pub fn get_row(c: &mut DbConn, id: i64) -> AppResult<RevisitRow> {
    revisits::table
        .find(id)
        .select(RevisitRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("revisit", id))
}

/// One revisit as the API shows it.
pub fn get(c: &mut DbConn, id: i64, today: NaiveDate) -> AppResult<Revisit> {
    let (row, name, number): (RevisitRow, String, Option<String>) = revisits::table
        .inner_join(customers::table)
        .left_join(tickets_t::table.on(revisits::ticket_id.eq(tickets_t::id.nullable())))
        .filter(revisits::id.eq(id))
        .select((RevisitRow::as_select(), customers::name, tickets_t::number.nullable()))
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("revisit", id))?;
    row.to_wire(name, number, today)
}

// ---------------------------------------------------------------- the queue

#[derive(Debug, Default, Clone)]
pub struct RevisitFilter {
    pub status: Option<RevisitStatus>,
    pub kind: Option<RevisitKind>,
    /// Assigned to this user.
    pub agent_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// Due on or before this date.
    pub due_by: Option<NaiveDate>,
}

/// The queue: revisits still due first, the oldest due date (the most overdue) first, then the
/// rest by due date.
pub fn list(c: &mut DbConn, f: &RevisitFilter, paging: Paging, today: NaiveDate) -> AppResult<Page<Revisit>> {
    let query = || {
        let mut q = revisits::table
            .inner_join(customers::table)
            .left_join(tickets_t::table.on(revisits::ticket_id.eq(tickets_t::id.nullable())))
            .into_boxed();
        if let Some(s) = f.status {
            q = q.filter(revisits::status.eq(s.as_str()));
        }
        if let Some(k) = f.kind {
            q = q.filter(revisits::kind.eq(k.as_str()));
        }
        if let Some(a) = f.agent_id {
            q = q.filter(revisits::assigned_to.eq(a));
        }
        if let Some(cu) = f.customer_id {
            q = q.filter(revisits::customer_id.eq(cu));
        }
        if let Some(d) = f.due_by {
            q = q.filter(revisits::due_on.le(d));
        }
        q
    };
    let (rows, total): (Vec<(RevisitRow, String, Option<String>)>, i64) = paging.load(c, query, |q| {
        q.order((
            revisits::status.ne(RevisitStatus::Due.as_str()),
            revisits::due_on,
            revisits::id,
        ))
        .select((RevisitRow::as_select(), customers::name, tickets_t::number.nullable()))
    })?;
    let items = rows
        .into_iter()
        .map(|(r, name, number)| r.to_wire(name, number, today))
        .collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

// ---------------------------------------------------------------- the generation job's queries

/// The file's periodic revisits still due.
pub fn due_of_file(c: &mut DbConn, file_id: i64) -> AppResult<Vec<RevisitRow>> {
    Ok(revisits::table
        .filter(revisits::file_id.eq(file_id))
        .filter(revisits::status.eq(RevisitStatus::Due.as_str()))
        .select(RevisitRow::as_select())
        .load(c)?)
}

/// Marks a revisit still due as missed.
pub fn mark_missed(c: &mut DbConn, id: i64, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(
        revisits::table
            .filter(revisits::id.eq(id))
            .filter(revisits::status.eq(RevisitStatus::Due.as_str())),
    )
    .set((
        revisits::status.eq(RevisitStatus::Missed.as_str()),
        revisits::updated_at.eq(ts(at)),
    ))
    .execute(c)?;
    Ok(())
}

/// A new revisit's fields: a periodic one of a file, or the satisfaction revisit of a ticket.
pub struct NewRevisit {
    pub kind: RevisitKind,
    pub file_id: Option<i64>,
    pub ticket_id: Option<i64>,
    pub customer_id: i64,
    pub site_id: Option<i64>,
    pub asset_id: Option<i64>,
    pub due_on: NaiveDate,
    pub at: DateTime<Utc>,
}

/// Inserts a revisit due on its date; returns its id.
pub fn insert(c: &mut DbConn, r: &NewRevisit) -> AppResult<i64> {
    let now = ts(r.at);
    let id = diesel::insert_into(revisits::table)
        .values((
            revisits::kind.eq(r.kind.as_str()),
            revisits::file_id.eq(r.file_id),
            revisits::ticket_id.eq(r.ticket_id),
            revisits::customer_id.eq(r.customer_id),
            revisits::site_id.eq(r.site_id),
            revisits::asset_id.eq(r.asset_id),
            revisits::due_on.eq(r.due_on),
            revisits::status.eq(RevisitStatus::Due.as_str()),
            revisits::follow_up_needed.eq(false),
            revisits::created_at.eq(now),
            revisits::updated_at.eq(now),
        ))
        .returning(revisits::id)
        .get_result(c)?;
    Ok(id)
}

// ---------------------------------------------------------------- working the queue

/// Records the outcome of a revisit still due; false when it is no longer due.
pub fn set_outcome(c: &mut DbConn, id: i64, o: &Outcome, by: i64, at: DateTime<Utc>) -> AppResult<bool> {
    let now = ts(at);
    let claimed = diesel::update(
        revisits::table
            .filter(revisits::id.eq(id))
            .filter(revisits::status.eq(RevisitStatus::Due.as_str())),
    )
    .set((
        revisits::status.eq(RevisitStatus::Done.as_str()),
        revisits::reached.eq(Some(o.reached)),
        revisits::score.eq(o.score),
        revisits::comment.eq(o.comment.as_deref()),
        revisits::follow_up_needed.eq(o.follow_up_needed),
        revisits::done_by.eq(Some(by)),
        revisits::done_at.eq(Some(now)),
        revisits::updated_at.eq(now),
    ))
    .execute(c)?;
    Ok(claimed > 0)
}

pub fn set_opened_ticket(c: &mut DbConn, id: i64, ticket_id: i64) -> AppResult<()> {
    diesel::update(revisits::table.find(id))
        .set(revisits::opened_ticket_id.eq(Some(ticket_id)))
        .execute(c)?;
    Ok(())
}

pub fn set_assignee(c: &mut DbConn, id: i64, agent: Option<i64>, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(revisits::table.find(id))
        .set((revisits::assigned_to.eq(agent), revisits::updated_at.eq(ts(at))))
        .execute(c)?;
    Ok(())
}

/// An asset's customer, if the asset exists.
pub fn asset_customer(c: &mut DbConn, asset_id: i64) -> AppResult<Option<i64>> {
    Ok(assets::table
        .find(asset_id)
        .select(assets::customer_id)
        .first::<i64>(c)
        .optional()?)
}

/// A ticket's contact, if the ticket exists and has one.
pub fn ticket_contact(c: &mut DbConn, ticket_id: i64) -> AppResult<Option<i64>> {
    Ok(tickets_t::table
        .find(ticket_id)
        .select(tickets_t::contact_id)
        .first::<Option<i64>>(c)
        .optional()?
        .flatten())
}

/// A user's stored role and whether they are active.
pub fn user_role(c: &mut DbConn, id: i64) -> AppResult<Option<(String, bool)>> {
    Ok(users::table
        .find(id)
        .select((users::role, users::active))
        .first(c)
        .optional()?)
}

// ---------------------------------------------------------------- progress

/// What the progress covers.
#[derive(Debug, Clone, Copy)]
pub struct ProgressOf<'a> {
    /// Default: this week in the business calendar's zone.
    pub week: Option<IsoWeek>,
    pub now: DateTime<Utc>,
    pub target: u32,
    /// The active users of these roles are shown even without an outcome that week.
    pub agents: &'a [Role],
}

/// Each agent's revisits done in the week against the weekly target: every active user of
/// `agents`' roles, and anyone else who recorded an outcome that week; most done first.
pub fn progress(c: &mut DbConn, p: ProgressOf<'_>) -> AppResult<RevisitProgress> {
    let ProgressOf {
        week,
        now,
        target,
        agents,
    } = p;
    let cal = policy::calendar(c)?;
    let week = week.unwrap_or_else(|| IsoWeek::of(cal.local_date(now)));
    let next_monday = week
        .sunday()
        .succ_opt()
        .ok_or_else(|| AppError::validation("week", "is beyond the calendar"))?;
    let (from, to) = (cal.day_start(week.monday()), cal.day_start(next_monday));
    let done: Vec<(Option<i64>, Option<bool>, Option<i64>)> = revisits::table
        .filter(revisits::status.eq(RevisitStatus::Done.as_str()))
        .filter(revisits::done_at.ge(ts(from)))
        .filter(revisits::done_at.lt(ts(to)))
        .select((revisits::done_by, revisits::reached, revisits::opened_ticket_id))
        .load(c)?;
    #[derive(Default)]
    struct Tally {
        done: i64,
        reached: i64,
        tickets: i64,
    }
    let mut tally: BTreeMap<i64, Tally> = BTreeMap::new();
    for (by, reached, opened) in done {
        let Some(by) = by else { continue };
        let t = tally.entry(by).or_default();
        t.done += 1;
        t.reached += i64::from(reached == Some(true));
        t.tickets += i64::from(opened.is_some());
    }
    let assigned: HashMap<i64, i64> = revisits::table
        .filter(revisits::status.eq(RevisitStatus::Due.as_str()))
        .filter(revisits::assigned_to.is_not_null())
        .group_by(revisits::assigned_to)
        .select((revisits::assigned_to, diesel::dsl::count_star()))
        .load::<(Option<i64>, i64)>(c)?
        .into_iter()
        .filter_map(|(a, n)| a.map(|a| (a, n)))
        .collect();
    let ids: Vec<i64> = tally.keys().copied().collect();
    let people: Vec<(i64, String, String)> = users::table
        .filter(
            users::role
                .eq_any(agents.iter().map(|r| r.as_str()).collect::<Vec<_>>())
                .and(users::active.eq(true))
                .or(users::id.eq_any(ids)),
        )
        .select((users::id, users::username, users::display_name))
        .load(c)?;
    let target = i64::from(target);
    let mut shown: Vec<AgentRevisitProgress> = people
        .into_iter()
        .map(|(id, username, display_name)| {
            let t = tally.remove(&id).unwrap_or_default();
            AgentRevisitProgress {
                agent_id: UserId(id),
                username,
                display_name,
                done: t.done,
                reached: t.reached,
                tickets_opened: t.tickets,
                target,
                remaining: (target - t.done).max(0),
                target_met: t.done >= target,
                assigned_due: assigned.get(&id).copied().unwrap_or(0),
            }
        })
        .collect();
    shown.sort_by(|a, b| b.done.cmp(&a.done).then_with(|| a.username.cmp(&b.username)));
    Ok(RevisitProgress {
        week: week.to_string(),
        starts_on: week.monday(),
        ends_on: week.sunday(),
        target,
        agents: shown,
    })
}
