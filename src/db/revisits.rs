//! Revisits: the revisit files of delivered projects, the generation job's scans, satisfaction
//! revisits after a ticket is accepted, the agents' queue, outcomes (an unsatisfied one opens a
//! ticket in the same transaction) and the weekly progress.
//!
//! A revisit file belongs to one asset with an acceptance date (the delivered installation); its
//! customer and site follow the asset's. Each write, in one transaction, records its audit event
//! (entities `revisit_file` and `revisit`); the job's writes are the service's own (no actor).
//!
//! Idempotency: a file per asset (`asset_id` unique), a periodic revisit per file and date
//! (`file_id, due_on` unique), a satisfaction revisit per ticket (`ticket_id` unique); a file's
//! `next_due` moves only from the value it was read with. Running the job twice, or on two
//! nodes at once, creates nothing twice.

use super::audit::{self, snapshot, Actor};
use super::schema::{assets, customers, revisit_files, revisits, sites, tickets as tickets_t, users};
use super::surveys;
use super::tickets::{self, Change, Registration};
use super::{sla as policy, ts, utc, write, DbConn, Paging};
use crate::domain::cadence::{self, Cadence, IsoWeek};
use crate::domain::revisit::{self as rules, Outcome};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Days, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    AgentRevisitProgress, AssetId, Channel, CustomerId, Page, Revisit, RevisitFile, RevisitFileId, RevisitId,
    RevisitKind, RevisitProgress, RevisitStatus, Role, SiteId, Ticket, TicketId, TicketStatus, UserId,
};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

// ---------------------------------------------------------------- rows

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = revisit_files)]
pub struct FileRow {
    pub id: i64,
    pub asset_id: i64,
    pub customer_id: i64,
    pub site_id: i64,
    pub accepted_on: NaiveDate,
    pub first_year_months: i32,
    pub later_months: i32,
    pub next_due: Option<NaiveDate>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl FileRow {
    pub fn to_wire(&self) -> RevisitFile {
        RevisitFile {
            id: RevisitFileId(self.id),
            asset_id: AssetId(self.asset_id),
            customer_id: CustomerId(self.customer_id),
            site_id: SiteId(self.site_id),
            accepted_on: self.accepted_on,
            first_year_months: self.first_year_months,
            later_months: self.later_months,
            next_due: self.next_due,
            active: self.active,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        }
    }

    fn cadence(&self) -> AppResult<Cadence> {
        let months = |v: i32| u32::try_from(v).unwrap_or(0);
        Cadence::new(months(self.first_year_months), months(self.later_months))
            .map_err(|e| AppError::internal(format!("revisit file {}: {e}", self.id)))
    }
}

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
    fn status(&self) -> AppResult<RevisitStatus> {
        parse("status", &self.status, RevisitStatus::parse)
    }

    fn kind(&self) -> AppResult<RevisitKind> {
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

fn get_file_row(c: &mut DbConn, id: i64) -> AppResult<FileRow> {
    revisit_files::table
        .find(id)
        .select(FileRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("revisit file", id))
}

fn get_row(c: &mut DbConn, id: i64) -> AppResult<RevisitRow> {
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
    let total = query().count().get_result(c)?;
    let rows: Vec<(RevisitRow, String, Option<String>)> = query()
        .order((
            revisits::status.ne(RevisitStatus::Due.as_str()),
            revisits::due_on,
            revisits::id,
        ))
        .limit(paging.limit)
        .offset(paging.offset)
        .select((RevisitRow::as_select(), customers::name, tickets_t::number.nullable()))
        .load(c)?;
    let items = rows
        .into_iter()
        .map(|(r, name, number)| r.to_wire(name, number, today))
        .collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

#[derive(Debug, Default, Clone)]
pub struct FileFilter {
    pub customer_id: Option<i64>,
    pub asset_id: Option<i64>,
    pub active: Option<bool>,
}

/// Revisit files, oldest first.
pub fn list_files(c: &mut DbConn, f: &FileFilter, paging: Paging) -> AppResult<Page<RevisitFile>> {
    let query = || {
        let mut q = revisit_files::table.into_boxed();
        if let Some(cu) = f.customer_id {
            q = q.filter(revisit_files::customer_id.eq(cu));
        }
        if let Some(a) = f.asset_id {
            q = q.filter(revisit_files::asset_id.eq(a));
        }
        if let Some(a) = f.active {
            q = q.filter(revisit_files::active.eq(a));
        }
        q
    };
    let total = query().count().get_result(c)?;
    let rows: Vec<FileRow> = query()
        .order(revisit_files::id)
        .limit(paging.limit)
        .offset(paging.offset)
        .select(FileRow::as_select())
        .load(c)?;
    Ok(paging.page(rows.iter().map(FileRow::to_wire).collect(), total))
}

pub fn get_file(c: &mut DbConn, id: i64) -> AppResult<RevisitFile> {
    Ok(get_file_row(c, id)?.to_wire())
}

// ---------------------------------------------------------------- the generation job

/// What the generation job needs from the settings.
#[derive(Debug, Clone, Copy)]
pub struct GenerationSettings {
    /// The cadence of new files.
    pub cadence: Cadence,
    /// Periodic revisits are created this many days before they are due.
    pub horizon_days: u32,
}

/// The job `revisit_generation`: brings files in step with their assets, creates the files of
/// accepted assets that lack one, and creates each file's next periodic revisit once it is due
/// within the horizon. Every object is its own transaction; one that fails (e.g. changed by
/// another node at the same moment) is left for the next run. Returns (objects examined,
/// changes made).
pub fn generate(c: &mut DbConn, now: DateTime<Utc>, s: GenerationSettings) -> AppResult<(i64, i64)> {
    let today = today(c, now)?;
    let actor = Actor::system(now);
    let mut examined = 0;
    let mut actions = 0;
    let mut tally = |what: &str, id: i64, r: AppResult<i64>| match r {
        Ok(n) => actions += n,
        Err(e) => tracing::warn!(what, id, error = %e, "revisit generation skipped an object; the next run retries it"),
    };

    let stale = stale_files(c, today)?;
    examined += stale.len() as i64;
    for id in stale {
        tally("revisit file", id, sync_file(c, &actor, id, today));
    }

    let missing: Vec<i64> = assets::table
        .left_join(revisit_files::table)
        .filter(revisit_files::id.nullable().is_null())
        .filter(assets::acceptance_date.le(today))
        .order(assets::id)
        .select(assets::id)
        .load(c)?;
    examined += missing.len() as i64;
    for asset in missing {
        tally("asset", asset, create_file(c, &actor, asset, today, s.cadence));
    }

    let reach = today
        .checked_add_days(Days::new(s.horizon_days.into()))
        .unwrap_or(NaiveDate::MAX);
    let due: Vec<i64> = revisit_files::table
        .filter(revisit_files::active.eq(true))
        .filter(revisit_files::next_due.le(reach))
        .order((revisit_files::next_due, revisit_files::id))
        .select(revisit_files::id)
        .load(c)?;
    examined += due.len() as i64;
    for id in due {
        tally(
            "revisit file",
            id,
            generate_for_file(c, &actor, id, today, s.horizon_days),
        );
    }
    Ok((examined, actions))
}

/// Files whose asset changed: its acceptance date set, moved, cleared or not reached yet, or it
/// moved to another site or customer.
fn stale_files(c: &mut DbConn, today: NaiveDate) -> AppResult<Vec<i64>> {
    let accepted = assets::acceptance_date.le(today);
    let unaccepted = assets::acceptance_date.is_null().or(assets::acceptance_date.gt(today));
    Ok(revisit_files::table
        .inner_join(assets::table)
        .filter(
            revisit_files::active
                .eq(true)
                .and(unaccepted)
                .or(accepted.and(
                    revisit_files::active
                        .eq(false)
                        .or(assets::acceptance_date.ne(revisit_files::accepted_on.nullable())),
                ))
                .or(assets::customer_id.ne(revisit_files::customer_id))
                .or(assets::site_id.ne(revisit_files::site_id)),
        )
        .order(revisit_files::id)
        .select(revisit_files::id)
        .load(c)?)
}

fn file_audit(
    c: &mut DbConn,
    actor: &Actor,
    id: i64,
    action: &str,
    before: Option<&FileRow>,
    after: &FileRow,
    extra: Option<Value>,
) -> AppResult<()> {
    let mut after_json = snapshot(&after.to_wire());
    if let (Some(Value::Object(m)), Some(Value::Object(x))) = (&mut after_json, extra) {
        m.extend(x);
    }
    audit::record(
        c,
        actor,
        "revisit_file",
        id,
        action,
        before.and_then(|b| snapshot(&b.to_wire())),
        after_json,
    )?;
    Ok(())
}

/// Brings one file in step with its asset. An acceptance date cleared (or moved into the future)
/// makes the file inactive; a new or changed one (re)starts the cadence from it, with the next
/// date from today on.
fn sync_file(c: &mut DbConn, actor: &Actor, id: i64, today: NaiveDate) -> AppResult<i64> {
    write(c, |c| {
        let before = get_file_row(c, id)?;
        let (acceptance, customer_id, site_id): (Option<NaiveDate>, i64, i64) = assets::table
            .find(before.asset_id)
            .select((assets::acceptance_date, assets::customer_id, assets::site_id))
            .first(c)?;
        let mut after = before.clone();
        after.customer_id = customer_id;
        after.site_id = site_id;
        match acceptance.filter(|a| *a <= today) {
            None => {
                after.active = false;
                after.next_due = None;
            }
            Some(a) if !before.active || a != before.accepted_on => {
                after.active = true;
                after.accepted_on = a;
                after.next_due = before.cadence()?.first_on_or_after(a, today);
            }
            Some(_) => {}
        }
        if (
            after.customer_id,
            after.site_id,
            after.accepted_on,
            after.active,
            after.next_due,
        ) == (
            before.customer_id,
            before.site_id,
            before.accepted_on,
            before.active,
            before.next_due,
        ) {
            return Ok(0);
        }
        after.updated_at = ts(actor.at);
        diesel::update(revisit_files::table.find(id))
            .set((
                revisit_files::customer_id.eq(after.customer_id),
                revisit_files::site_id.eq(after.site_id),
                revisit_files::accepted_on.eq(after.accepted_on),
                revisit_files::active.eq(after.active),
                revisit_files::next_due.eq(after.next_due),
                revisit_files::updated_at.eq(after.updated_at),
            ))
            .execute(c)?;
        file_audit(c, actor, id, "sync", Some(&before), &after, None)?;
        Ok(1)
    })
}

/// Opens the revisit file of an accepted asset. Its first revisit is the first cadence date from
/// today on: an old project gets no backlog for the time before its file existed.
fn create_file(c: &mut DbConn, actor: &Actor, asset_id: i64, today: NaiveDate, cadence: Cadence) -> AppResult<i64> {
    write(c, |c| {
        let exists: i64 = revisit_files::table
            .filter(revisit_files::asset_id.eq(asset_id))
            .count()
            .get_result(c)?;
        let (acceptance, customer_id, site_id): (Option<NaiveDate>, i64, i64) = assets::table
            .find(asset_id)
            .select((assets::acceptance_date, assets::customer_id, assets::site_id))
            .first(c)?;
        let Some(accepted_on) = acceptance.filter(|a| *a <= today) else {
            return Ok(0);
        };
        if exists > 0 {
            return Ok(0); // another run got here first
        }
        let now = ts(actor.at);
        let row: FileRow = diesel::insert_into(revisit_files::table)
            .values((
                revisit_files::asset_id.eq(asset_id),
                revisit_files::customer_id.eq(customer_id),
                revisit_files::site_id.eq(site_id),
                revisit_files::accepted_on.eq(accepted_on),
                revisit_files::first_year_months.eq(cadence.first_year_months() as i32),
                revisit_files::later_months.eq(cadence.later_months() as i32),
                revisit_files::next_due.eq(cadence.first_on_or_after(accepted_on, today)),
                revisit_files::active.eq(true),
                revisit_files::created_at.eq(now),
                revisit_files::updated_at.eq(now),
            ))
            .returning(revisit_files::all_columns)
            .get_result(c)?;
        file_audit(c, actor, row.id, "create", None, &row, None)?;
        Ok(1)
    })
}

/// Creates the file's next periodic revisit when it is due within the horizon (after a gap,
/// only the latest date in reach: see `domain::cadence::generate`). A periodic revisit of the
/// file still due is marked missed: a file has at most one periodic revisit in the queue.
fn generate_for_file(c: &mut DbConn, actor: &Actor, id: i64, today: NaiveDate, horizon_days: u32) -> AppResult<i64> {
    write(c, |c| {
        let before = get_file_row(c, id)?;
        let Some(next_due) = before.next_due.filter(|_| before.active) else {
            return Ok(0);
        };
        let Some(plan) = cadence::generate(&before.cadence()?, before.accepted_on, next_due, today, horizon_days)
        else {
            return Ok(0); // not due yet, or another run got here first
        };
        let now = ts(actor.at);
        let mut actions = 0;
        let open: Vec<RevisitRow> = revisits::table
            .filter(revisits::file_id.eq(id))
            .filter(revisits::status.eq(RevisitStatus::Due.as_str()))
            .select(RevisitRow::as_select())
            .load(c)?;
        for old in open {
            diesel::update(
                revisits::table
                    .filter(revisits::id.eq(old.id))
                    .filter(revisits::status.eq(RevisitStatus::Due.as_str())),
            )
            .set((
                revisits::status.eq(RevisitStatus::Missed.as_str()),
                revisits::updated_at.eq(now),
            ))
            .execute(c)?;
            let after = get(c, old.id, today)?;
            let mut before_wire = after.clone();
            before_wire.status = RevisitStatus::Due;
            before_wire.updated_at = utc(old.updated_at);
            audit::record(
                c,
                actor,
                "revisit",
                old.id,
                "missed",
                snapshot(&before_wire),
                snapshot(&after),
            )?;
            actions += 1;
        }
        let revisit: i64 = diesel::insert_into(revisits::table)
            .values((
                revisits::kind.eq(RevisitKind::Periodic.as_str()),
                revisits::file_id.eq(Some(id)),
                revisits::customer_id.eq(before.customer_id),
                revisits::site_id.eq(Some(before.site_id)),
                revisits::asset_id.eq(Some(before.asset_id)),
                revisits::due_on.eq(plan.due_on),
                revisits::status.eq(RevisitStatus::Due.as_str()),
                revisits::follow_up_needed.eq(false),
                revisits::created_at.eq(now),
                revisits::updated_at.eq(now),
            ))
            .returning(revisits::id)
            .get_result(c)?;
        let created = get(c, revisit, today)?;
        audit::record(c, actor, "revisit", revisit, "create", None, snapshot(&created))?;
        // The file moves on only from the date it was read with.
        let moved = diesel::update(
            revisit_files::table
                .filter(revisit_files::id.eq(id))
                .filter(revisit_files::next_due.eq(next_due)),
        )
        .set((
            revisit_files::next_due.eq(plan.next_due),
            revisit_files::updated_at.eq(now),
        ))
        .execute(c)?;
        if moved == 0 {
            return Err(AppError::Conflict(format!("revisit file {id} was changed meanwhile")));
        }
        let mut after = before.clone();
        after.next_due = plan.next_due;
        after.updated_at = now;
        if plan.skipped > 0 {
            tracing::info!(file = id, skipped = plan.skipped, due_on = %plan.due_on, "revisit dates skipped after a gap");
        }
        let extra = json!({"revisit_id": revisit, "skipped_dates": plan.skipped});
        file_audit(c, actor, id, "schedule", Some(&before), &after, Some(extra))?;
        Ok(actions + 1)
    })
}

// ---------------------------------------------------------------- satisfaction revisits

/// The customer's verdict on a resolved ticket (`Change::Accept`); when it closes the ticket, a
/// satisfaction revisit is scheduled `satisfaction_days` after today and the closing e-mail with
/// its survey link goes to the ticket's contact, in the same transaction.
#[allow(clippy::too_many_arguments)]
pub fn accept_ticket(
    c: &mut DbConn,
    actor: &Actor,
    role: Role,
    ticket_id: i64,
    change: Change,
    step_interval: Duration,
    satisfaction_days: u32,
    closing: surveys::ClosingMail<'_>,
) -> AppResult<Ticket> {
    write(c, |c| {
        let ticket = tickets::change_in_tx(c, actor, Some(role), ticket_id, change, step_interval)?;
        if ticket.status == TicketStatus::Closed {
            schedule_satisfaction(c, actor, &ticket, satisfaction_days)?;
            surveys::send_closing_mail(c, actor, ticket.id.0, closing)?;
        }
        Ok(ticket)
    })
}

fn schedule_satisfaction(c: &mut DbConn, actor: &Actor, t: &Ticket, days: u32) -> AppResult<()> {
    let today = today(c, actor.at)?;
    let due_on = today.checked_add_days(Days::new(days.into())).unwrap_or(today);
    let now = ts(actor.at);
    let id: i64 = diesel::insert_into(revisits::table)
        .values((
            revisits::kind.eq(RevisitKind::Satisfaction.as_str()),
            revisits::ticket_id.eq(Some(t.id.0)),
            revisits::customer_id.eq(t.customer_id.0),
            revisits::site_id.eq(t.site_id.map(|s| s.0)),
            revisits::asset_id.eq(t.asset_id.map(|a| a.0)),
            revisits::due_on.eq(due_on),
            revisits::status.eq(RevisitStatus::Due.as_str()),
            revisits::follow_up_needed.eq(false),
            revisits::created_at.eq(now),
            revisits::updated_at.eq(now),
        ))
        .returning(revisits::id)
        .get_result(c)?;
    tickets::record_event(
        c,
        t.id.0,
        actor,
        "satisfaction_revisit_scheduled",
        None,
        Some(&due_on.to_string()),
        None,
        Some(json!({"revisit_id": id, "due_on": due_on})),
    )?;
    let created = get(c, id, today)?;
    audit::record(c, actor, "revisit", id, "create", None, snapshot(&created))?;
    Ok(())
}

// ---------------------------------------------------------------- working the queue

/// Whether the user may take the revisit: supervisors and admins any; an agent one that is not
/// assigned to someone else.
fn may_work(role: Role, user: i64, row: &RevisitRow) -> AppResult<()> {
    if role == Role::Agent && row.assigned_to.is_some_and(|a| a != user) {
        return Err(AppError::Forbidden(format!(
            "revisit {} is assigned to another agent",
            row.id
        )));
    }
    Ok(())
}

fn still_due(row: &RevisitRow) -> AppResult<()> {
    match row.status()? {
        RevisitStatus::Due => Ok(()),
        RevisitStatus::Done => Err(AppError::InvalidTransition(format!(
            "revisit {} is already done",
            row.id
        ))),
        RevisitStatus::Missed => Err(AppError::InvalidTransition(format!(
            "revisit {} was missed: the file's next revisit is in the queue",
            row.id
        ))),
    }
}

/// Records a revisit's outcome. An unsatisfied outcome (`Outcome::opens_ticket`) registers a
/// ticket on the ladder (channel `revisit`, owned by whoever recorded the outcome) linked to the
/// revisit, in the same transaction.
pub fn record_outcome(
    c: &mut DbConn,
    actor: &Actor,
    role: Role,
    id: i64,
    o: Outcome,
    step_interval: Duration,
) -> AppResult<Revisit> {
    let user = actor.id.ok_or_else(|| AppError::internal("an outcome needs a user"))?.0;
    write(c, |c| {
        let today = today(c, actor.at)?;
        let row = get_row(c, id)?;
        may_work(role, user, &row)?;
        still_due(&row)?;
        let before = get(c, id, today)?;
        let now = ts(actor.at);
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
            revisits::done_by.eq(Some(user)),
            revisits::done_at.eq(Some(now)),
            revisits::updated_at.eq(now),
        ))
        .execute(c)?;
        if claimed == 0 {
            return Err(AppError::Conflict(format!(
                "revisit {id} was done by someone else meanwhile; reload it"
            )));
        }
        // The score of a satisfaction call is the ticket's survey answer, unless the customer
        // already gave one through the closing e-mail's link.
        if let (RevisitKind::Satisfaction, Some(ticket), Some(score)) = (row.kind()?, row.ticket_id, o.score) {
            surveys::record_from_revisit(c, actor, ticket, id, score, o.comment.as_deref())?;
        }
        if o.opens_ticket() {
            let ticket = open_ticket(c, actor, &row, &before, &o, step_interval)?;
            diesel::update(revisits::table.find(id))
                .set(revisits::opened_ticket_id.eq(Some(ticket.id.0)))
                .execute(c)?;
        }
        let after = get(c, id, today)?;
        audit::record(c, actor, "revisit", id, "outcome", snapshot(&before), snapshot(&after))?;
        Ok(after)
    })
}

/// The ticket an unsatisfied outcome opens: for the revisit's customer, with its asset (or site)
/// while they still belong to that customer, and for a satisfaction revisit the original
/// ticket's contact.
fn open_ticket(
    c: &mut DbConn,
    actor: &Actor,
    row: &RevisitRow,
    wire: &Revisit,
    o: &Outcome,
    step_interval: Duration,
) -> AppResult<Ticket> {
    let asset = match row.asset_id {
        Some(a) => assets::table
            .find(a)
            .select(assets::customer_id)
            .first::<i64>(c)
            .optional()?
            .filter(|owner| *owner == row.customer_id)
            .map(|_| a),
        None => None,
    };
    let site = match (asset, row.site_id) {
        (None, Some(s)) => sites::table
            .find(s)
            .select(sites::customer_id)
            .first::<i64>(c)
            .optional()?
            .filter(|owner| *owner == row.customer_id)
            .map(|_| s),
        _ => None,
    };
    let contact = match row.ticket_id {
        Some(t) => tickets_t::table
            .find(t)
            .select(tickets_t::contact_id)
            .first::<Option<i64>>(c)
            .optional()?
            .flatten(),
        None => None,
    };
    let about = match (&wire.ticket_number, wire.kind) {
        (Some(n), _) => format!("the satisfaction revisit {} of ticket {n}, due {}", row.id, row.due_on),
        (None, kind) => format!("the {kind} revisit {}, due {}", row.id, row.due_on),
    };
    let reg = Registration {
        customer_id: row.customer_id,
        contact_id: contact,
        site_id: site,
        asset_id: asset,
        channel: Channel::Revisit,
        priority: rules::TICKET_PRIORITY,
        title: o.ticket_title(),
        description: o.ticket_description(&about),
        received_at: actor.at,
    };
    let ticket = tickets::register_in_tx(c, actor, &reg, step_interval)?;
    tickets::record_event(
        c,
        ticket.id.0,
        actor,
        "opened_from_revisit",
        None,
        None,
        None,
        Some(json!({
            "revisit_id": row.id, "kind": wire.kind, "score": o.score, "reached": o.reached,
            "follow_up_needed": o.follow_up_needed, "ticket_id": row.ticket_id,
        })),
    )?;
    Ok(ticket)
}

/// Sets who is to make the call. Supervisors and admins assign any active agent or supervisor
/// (or nobody); an agent takes an unassigned revisit for themself, or gives back their own.
pub fn assign(c: &mut DbConn, actor: &Actor, role: Role, id: i64, agent: Option<i64>) -> AppResult<Revisit> {
    let user = actor
        .id
        .ok_or_else(|| AppError::internal("an assignment needs a user"))?
        .0;
    write(c, |c| {
        let today = today(c, actor.at)?;
        let row = get_row(c, id)?;
        may_work(role, user, &row)?;
        still_due(&row)?;
        if role == Role::Agent && agent.is_some_and(|a| a != user) {
            return Err(AppError::Forbidden(
                "an agent takes revisits only for themself; a supervisor assigns them to others".into(),
            ));
        }
        if let Some(a) = agent {
            let found: Option<(String, bool)> = users::table
                .find(a)
                .select((users::role, users::active))
                .first(c)
                .optional()?;
            match found {
                None => return Err(AppError::validation("agent_id", format!("no user with id {a}"))),
                Some((_, false)) => return Err(AppError::validation("agent_id", format!("user {a} is disabled"))),
                Some((r, true)) if r != Role::Agent.as_str() && r != Role::Supervisor.as_str() => {
                    return Err(AppError::validation(
                        "agent_id",
                        format!("a {r} does not make revisits"),
                    ))
                }
                Some(_) => {}
            }
        }
        if agent == row.assigned_to {
            return get(c, id, today);
        }
        let before = get(c, id, today)?;
        diesel::update(revisits::table.find(id))
            .set((revisits::assigned_to.eq(agent), revisits::updated_at.eq(ts(actor.at))))
            .execute(c)?;
        let after = get(c, id, today)?;
        audit::record(c, actor, "revisit", id, "assign", snapshot(&before), snapshot(&after))?;
        Ok(after)
    })
}

// ---------------------------------------------------------------- progress

/// Each agent's revisits done in the week (default: this week in the business calendar's zone)
/// against the weekly target: every active agent, and anyone else who recorded an outcome that
/// week; most done first.
pub fn progress(c: &mut DbConn, week: Option<IsoWeek>, now: DateTime<Utc>, target: u32) -> AppResult<RevisitProgress> {
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
                .eq(Role::Agent.as_str())
                .and(users::active.eq(true))
                .or(users::id.eq_any(ids)),
        )
        .select((users::id, users::username, users::display_name))
        .load(c)?;
    let target = i64::from(target);
    let mut agents: Vec<AgentRevisitProgress> = people
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
    agents.sort_by(|a, b| b.done.cmp(&a.done).then_with(|| a.username.cmp(&b.username)));
    Ok(RevisitProgress {
        week: week.to_string(),
        starts_on: week.monday(),
        ends_on: week.sunday(),
        target,
        agents,
    })
}
