//! Revisits: the agents' queue and the revisit files, a revisit's outcome (an unsatisfied one
//! opens a ticket in the same transaction), who makes the call, the weekly progress, and the
//! satisfaction revisit scheduled when a customer accepts a ticket's result.
//!
//! Each write, in one transaction, records its audit event (entity `revisit`) and, where a ticket
//! is concerned, the ticket's timeline event.

use super::surveys;
use super::tickets_registration::{Link, Registration};
use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::revisit_files::{self as files, FileFilter};
use crate::db::revisits::{self as store, NewRevisit, ProgressOf, RevisitFilter, RevisitRow};
use crate::db::tickets::events::{self, NewEvent};
use crate::db::{write, DbConn, Paging};
use crate::domain::cadence::IsoWeek;
use crate::domain::revisit::{self as rules, Outcome};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::followup::{self as policy, Act};
use chrono::{Days, Duration};
use fieldline_mobile_api::{
    Channel, Page, RequestKind, Revisit, RevisitFile, RevisitKind, RevisitOutcome, RevisitProgress, RevisitStatus,
    Ticket,
};
use serde_json::json;

/// The revisit queue: revisits still due first, the most overdue first, then by due date.
pub fn list(
    c: &mut DbConn,
    who: &Who,
    f: &RevisitFilter,
    limit: Option<i64>,
    offset: Option<i64>,
) -> AppResult<Page<Revisit>> {
    policy::require(&who.caller, Act::ReadRevisits)?;
    let paging = Paging::new(limit, offset)?;
    let today = store::today(c, who.at)?;
    if let Some(d) = f.due_by {
        validate::date("due_by", d, today)?;
    }
    store::list(c, f, paging, today)
}

/// One revisit.
pub fn get(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Revisit> {
    policy::require(&who.caller, Act::ReadRevisits)?;
    let today = store::today(c, who.at)?;
    store::get(c, id, today)
}

/// Revisit files, oldest first.
pub fn list_files(
    c: &mut DbConn,
    who: &Who,
    f: &FileFilter,
    limit: Option<i64>,
    offset: Option<i64>,
) -> AppResult<Page<RevisitFile>> {
    policy::require(&who.caller, Act::ReadRevisits)?;
    let paging = Paging::new(limit, offset)?;
    files::list_files(c, f, paging)
}

/// One revisit file.
pub fn get_file(c: &mut DbConn, who: &Who, id: i64) -> AppResult<RevisitFile> {
    policy::require(&who.caller, Act::ReadRevisits)?;
    files::get_file(c, id)
}

/// Each agent's revisits done in the week (`week` as `2026-W48`; default: this week) against
/// the weekly target; an agent gets their own line only.
pub fn progress(c: &mut DbConn, who: &Who, week: Option<&str>, target: u32) -> AppResult<RevisitProgress> {
    let only = policy::progress_scope(&who.caller)?;
    let week = week.map(|w| IsoWeek::parse("week", w)).transpose()?;
    if let Some(w) = week {
        validate::date("week", w.monday(), who.at.date_naive())?;
    }
    let of = ProgressOf {
        week,
        now: who.at,
        target,
        agents: policy::REVISIT_AGENTS,
    };
    let mut out = store::progress(c, of)?;
    if let Some(me) = only {
        out.agents.retain(|a| a.agent_id.0 == me);
    }
    Ok(out)
}

// ---------------------------------------------------------------- satisfaction revisits

/// Schedules the satisfaction revisit of a ticket the customer accepted, `days` after today.
pub fn schedule_satisfaction(c: &mut DbConn, actor: &Actor, t: &Ticket, days: u32) -> AppResult<()> {
    let today = store::today(c, actor.at)?;
    let due_on = today.checked_add_days(Days::new(days.into())).unwrap_or(today);
    let id = store::insert(
        c,
        &NewRevisit {
            kind: RevisitKind::Satisfaction,
            file_id: None,
            ticket_id: Some(t.id.0),
            customer_id: t.customer_id.0,
            site_id: t.site_id.map(|s| s.0),
            asset_id: t.asset_id.map(|a| a.0),
            due_on,
            at: actor.at,
        },
    )?;
    events::add(
        c,
        NewEvent {
            ticket_id: t.id.0,
            actor,
            kind: "satisfaction_revisit_scheduled",
            from: None,
            to: Some(&due_on.to_string()),
            reason: None,
            data: Some(json!({"revisit_id": id, "due_on": due_on})),
        },
    )?;
    let created = store::get(c, id, today)?;
    audit::record(c, actor, "revisit", id, "create", None, snapshot(&created))?;
    Ok(())
}

// ---------------------------------------------------------------- working the queue

/// Refuses a revisit assigned to someone else to a caller who may not take others' revisits.
fn may_work(who: &Who, row: &RevisitRow) -> AppResult<()> {
    if !policy::may_work_revisit(&who.caller, row.assigned_to) {
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
    who: &Who,
    id: i64,
    b: &RevisitOutcome,
    step_interval: Duration,
) -> AppResult<Revisit> {
    policy::require(&who.caller, Act::WorkRevisits)?;
    let o = Outcome::parse(b.reached, b.score, b.comment.as_deref(), b.follow_up_needed)?;
    let (actor, user) = (who.actor(), who.caller.id.0);
    write(c, |c| {
        let today = store::today(c, actor.at)?;
        let row = store::get_row(c, id)?;
        may_work(who, &row)?;
        still_due(&row)?;
        let before = store::get(c, id, today)?;
        if !store::set_outcome(c, id, &o, user, actor.at)? {
            return Err(AppError::Conflict(format!(
                "revisit {id} was done by someone else meanwhile; reload it"
            )));
        }
        // The score of a satisfaction call is the ticket's survey answer, unless the customer
        // already gave one through the closing e-mail's link.
        if let (RevisitKind::Satisfaction, Some(ticket), Some(score)) = (row.kind()?, row.ticket_id, o.score) {
            surveys::record_from_revisit(c, &actor, ticket, id, score, o.comment.as_deref())?;
        }
        if o.opens_ticket() {
            let ticket = open_ticket(c, &actor, &row, &before, &o, step_interval)?;
            store::set_opened_ticket(c, id, ticket.id.0)?;
        }
        let after = store::get(c, id, today)?;
        audit::record(c, &actor, "revisit", id, "outcome", snapshot(&before), snapshot(&after))?;
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
        Some(a) => store::asset_customer(c, a)?
            .filter(|owner| *owner == row.customer_id)
            .map(|_| a),
        None => None,
    };
    let site = match (asset, row.site_id) {
        (None, Some(s)) => crate::db::sites::customer_of(c, s)?
            .filter(|owner| *owner == row.customer_id)
            .map(|_| s),
        _ => None,
    };
    let contact = match row.ticket_id {
        Some(t) => store::ticket_contact(c, t)?,
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
        kind: RequestKind::Fault,
        priority: rules::TICKET_PRIORITY,
        title: o.ticket_title(),
        description: o.ticket_description(&about),
        received_at: actor.at,
        link: Link::Unchecked,
    };
    let ticket = super::tickets_registration::register_in_tx(c, actor, &reg, step_interval)?;
    events::add(
        c,
        NewEvent {
            ticket_id: ticket.id.0,
            actor,
            kind: "opened_from_revisit",
            from: None,
            to: None,
            reason: None,
            data: Some(json!({
                "revisit_id": row.id, "kind": wire.kind, "score": o.score, "reached": o.reached,
                "follow_up_needed": o.follow_up_needed, "ticket_id": row.ticket_id,
            })),
        },
    )?;
    Ok(ticket)
}

/// Sets who is to make the call. Supervisors and admins assign any active agent or supervisor
/// (or nobody); an agent takes an unassigned revisit for themself, or gives back their own.
pub fn assign(c: &mut DbConn, who: &Who, id: i64, agent: Option<i64>) -> AppResult<Revisit> {
    policy::require(&who.caller, Act::WorkRevisits)?;
    let actor = who.actor();
    write(c, |c| {
        let today = store::today(c, actor.at)?;
        let row = store::get_row(c, id)?;
        may_work(who, &row)?;
        still_due(&row)?;
        if !policy::may_assign_revisit(&who.caller, agent) {
            return Err(AppError::Forbidden(
                "an agent takes revisits only for themself; a supervisor assigns them to others".into(),
            ));
        }
        if let Some(a) = agent {
            match store::user_role(c, a)? {
                None => return Err(AppError::validation("agent_id", format!("no user with id {a}"))),
                Some((_, false)) => return Err(AppError::validation("agent_id", format!("user {a} is disabled"))),
                Some((r, true)) if !policy::may_be_assigned_revisit(&r) => {
                    return Err(AppError::validation(
                        "agent_id",
                        format!("a {r} does not make revisits"),
                    ))
                }
                Some(_) => {}
            }
        }
        if agent == row.assigned_to {
            return store::get(c, id, today);
        }
        let before = store::get(c, id, today)?;
        store::set_assignee(c, id, agent, actor.at)?;
        let after = store::get(c, id, today)?;
        audit::record(c, &actor, "revisit", id, "assign", snapshot(&before), snapshot(&after))?;
        Ok(after)
    })
}
