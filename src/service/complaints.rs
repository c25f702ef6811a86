//! Complaints on their own ladder: opened with the complaint ticket (its subject named and
//! checked), worked level by level (a resolution stated to the customer, then the customer's
//! confirmation or refusal), climbed by a refusal or by the scan when a level's limit passes,
//! and the level limits of each customer tier. The rules are `domain::complaint`'s.

use super::complaint_limits::due_of;
pub use super::complaint_limits::{limits_for, list_limits, put_limits};
pub use super::complaint_scan::scan;
use super::ticket_clocks::refresh_next_check;
use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::complaints::{self as store, AnswerRecord, ComplaintRow, ListFilter};
use crate::db::tickets::events::{self, NewEvent};
use crate::db::tickets::{self as tickets_store, TicketRow};
use crate::db::{notifications, org, sla as sla_store, ts, utc, write, DbConn, Paging};
use crate::domain::complaint::{self as rules, AfterAnswer};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::complaints::{self as policy, Act};
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{
    Complaint, ComplaintAnswer, ComplaintAnswerRequest, ComplaintEntry, ComplaintHandler, ComplaintLevel,
    ComplaintState, ComplaintSubject, ComplaintSubjectKind, ComplaintSubjectRef, Page, RequestKind, TicketId,
    TicketStatus, Tier, UserId,
};
use serde_json::json;

/// The field a subject's problem names.
const SUBJECT_FIELD: &str = "complaint_subject";

// ---------------------------------------------------------------- the subject

/// Checks what a complaint of `customer`'s names: a ticket or visit of the same customer (not
/// the complaint's own ticket), an active technician, an active staff member.
pub fn check_subject(c: &mut DbConn, customer: i64, own_ticket: Option<i64>, s: ComplaintSubjectRef) -> AppResult<()> {
    let field = format!("{SUBJECT_FIELD}.id");
    let missing = |what: &str| AppError::validation(&field, format!("no {what} {}", s.id));
    match s.kind {
        ComplaintSubjectKind::Ticket => {
            let (_, cust) = store::ticket_of(c, s.id)?.ok_or_else(|| missing("ticket"))?;
            if cust != customer {
                return Err(AppError::validation(&field, "the ticket is another customer's"));
            }
            if own_ticket == Some(s.id) {
                return Err(AppError::validation(&field, "a complaint cannot be about itself"));
            }
        }
        ComplaintSubjectKind::Visit => {
            let (ticket, _) = store::visit_of(c, s.id)?.ok_or_else(|| missing("visit"))?;
            let ticket = ticket.ok_or_else(|| AppError::validation(&field, "the visit belongs to no ticket"))?;
            let (_, cust) = store::ticket_of(c, ticket)?.ok_or_else(|| missing("visit"))?;
            if cust != customer {
                return Err(AppError::validation(&field, "the visit is another customer's"));
            }
        }
        ComplaintSubjectKind::Technician | ComplaintSubjectKind::Staff => {
            let (role, active) = store::user_role(c, s.id)?.ok_or_else(|| missing("user"))?;
            let fits = match s.kind {
                ComplaintSubjectKind::Technician => policy::may_be_technician_subject(&role),
                _ => policy::may_be_staff_subject(&role),
            };
            if !active || !fits {
                let what = if s.kind == ComplaintSubjectKind::Technician {
                    "an active technician"
                } else {
                    "an active staff member (a technician is named as `technician`)"
                };
                return Err(AppError::validation(&field, format!("user {} is not {what}", s.id)));
            }
        }
    }
    Ok(())
}

/// The subject with its name for a screen.
fn subject_wire(c: &mut DbConn, kind: ComplaintSubjectKind, id: i64) -> AppResult<ComplaintSubject> {
    let (name, ticket_id) = match kind {
        ComplaintSubjectKind::Ticket => match store::ticket_of(c, id)? {
            Some((number, _)) => (number, Some(TicketId(id))),
            None => (format!("ticket {id}"), None),
        },
        ComplaintSubjectKind::Visit => match store::visit_of(c, id)? {
            Some((Some(t), start)) => {
                let number = store::ticket_of(c, t)?.map(|x| x.0).unwrap_or_default();
                let cal = sla_store::calendar(c)?;
                let local = utc(start).with_timezone(&cal.tz).format("%Y-%m-%d %H:%M");
                (format!("{number} visit {local}"), Some(TicketId(t)))
            }
            _ => (format!("visit {id}"), None),
        },
        ComplaintSubjectKind::Technician | ComplaintSubjectKind::Staff => {
            let names = store::user_names(c, &[id])?;
            (names.get(&id).cloned().unwrap_or_else(|| format!("user {id}")), None)
        }
    };
    Ok(ComplaintSubject {
        kind,
        id,
        name,
        ticket_id,
    })
}

// ---------------------------------------------------------------- opening

/// Opens the complaint of a complaint ticket inside the caller's transaction: its first level,
/// due by the tier's limit from `start`, and the timeline's word of it. `subject` None: named
/// later (a complaint from the portal or an e-mail).
pub fn open_in_tx(
    c: &mut DbConn,
    actor: &Actor,
    ticket: &TicketRow,
    subject: Option<ComplaintSubjectRef>,
    start: DateTime<Utc>,
) -> AppResult<()> {
    if store::find(c, ticket.id)?.is_some() {
        return Ok(());
    }
    let tier = Tier::parse(&ticket.customer_tier)
        .ok_or_else(|| AppError::internal(format!("ticket {} has an unknown tier", ticket.id)))?;
    let level = ComplaintLevel::Complaint;
    let due = due_of(c, tier, level, start)?;
    store::insert(c, ticket.id, subject.map(|s| (s.kind, s.id)), actor.at)?;
    store::insert_step(c, ticket.id, level, ComplaintEntry::Registration, start, due)?;
    let data = json!({"level": level, "due_at": due, "subject": subject});
    let e = NewEvent::new(ticket.id, actor, "complaint_opened").from_to(None, Some(level.as_str()));
    events::add(c, e.data(data))?;
    Ok(())
}

/// Names the subject of a complaint opened without one (from the portal or an e-mail).
pub fn name_subject(c: &mut DbConn, who: &Who, ticket_id: i64, s: ComplaintSubjectRef) -> AppResult<Complaint> {
    let actor = who.actor();
    write(c, |c| {
        let row = store::get(c, ticket_id)?;
        let ticket = tickets_store::get(c, ticket_id)?;
        policy::check_name_subject(&who.caller, ticket.owner_id)?;
        if row.subject_kind.is_some() {
            return Err(AppError::InvalidTransition(
                "the complaint's subject is already named".into(),
            ));
        }
        check_subject(c, ticket.customer_id, Some(ticket_id), s)?;
        store::set_subject(c, ticket_id, s.kind, s.id, actor.at)?;
        let e = NewEvent::new(ticket_id, &actor, "complaint_subject").from_to(None, Some(s.kind.as_str()));
        events::add(c, e.data(json!({"subject": s})))?;
        let out = wire(c, ticket_id)?;
        audit::record(c, &actor, "complaint", ticket_id, "name_subject", None, snapshot(&out))?;
        Ok(out)
    })
}

// ---------------------------------------------------------------- reading

/// Who handles a level: the owner at the complaint level; the owner's own supervisor at the
/// escalated level (every active supervisor when none is set); every active manager at appeal.
pub fn handlers(c: &mut DbConn, level: ComplaintLevel, owner: i64) -> AppResult<Vec<i64>> {
    if level == ComplaintLevel::Escalated {
        if let Some(sup) = org::supervisor_of(c, owner)? {
            return Ok(vec![sup]);
        }
    }
    match policy::level_audience(level) {
        None => Ok(vec![owner]),
        Some(role) => Ok(tickets_store::active_users_with(c, role)?),
    }
}

/// The wire complaint of a ticket.
fn wire(c: &mut DbConn, ticket_id: i64) -> AppResult<Complaint> {
    let row = store::get(c, ticket_id)?;
    let t = tickets_store::get(c, ticket_id)?;
    wire_of(c, &row, &t)
}

pub(super) fn wire_of(c: &mut DbConn, row: &ComplaintRow, t: &TicketRow) -> AppResult<Complaint> {
    let level = row.level()?;
    let steps = store::steps(c, row.ticket_id)?;
    let handler_ids = if row.closed_at.is_some() {
        Vec::new()
    } else {
        handlers(c, level, t.owner_id)?
    };
    let mut ids: Vec<i64> = steps.iter().filter_map(|s| s.resolution_by).collect();
    ids.extend(&handler_ids);
    ids.push(t.owner_id);
    let names = store::user_names(c, &ids)?;
    let subject = match row.subject()? {
        Some((k, id)) => Some(subject_wire(c, k, id)?),
        None => None,
    };
    let current = steps.iter().rev().find(|s| s.level == row.level);
    let level_due_at = current.map(|s| utc(s.due_at)).unwrap_or_else(|| utc(row.created_at));
    Ok(Complaint {
        ticket_id: TicketId(t.id),
        ticket_number: t.number.clone(),
        title: t.title.clone(),
        customer_id: fieldline_mobile_api::CustomerId(t.customer_id),
        customer_name: store::customer_name(c, t.customer_id)?,
        customer_tier: Tier::parse(&t.customer_tier).unwrap_or(Tier::Standard),
        owner_id: UserId(t.owner_id),
        owner_name: names.get(&t.owner_id).cloned(),
        subject,
        level,
        state: row.state()?,
        level_due_at,
        handlers: handler_ids
            .iter()
            .map(|id| ComplaintHandler {
                user_id: UserId(*id),
                display_name: names.get(id).cloned().unwrap_or_default(),
            })
            .collect(),
        steps: steps.iter().map(|s| s.to_wire(&names)).collect::<AppResult<Vec<_>>>()?,
        closed_at: row.closed_at.map(utc),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

/// One complaint with its ladder (staff who may see its ticket).
pub fn get(c: &mut DbConn, who: &Who, ticket_id: i64) -> AppResult<Complaint> {
    policy::require(&who.caller, Act::Read)?;
    let t = tickets_store::get(c, ticket_id)?.to_wire()?;
    super::tickets::visible(c, &who.caller, &t)?;
    wire(c, ticket_id)
}

/// Complaints: open ones by default, at a level, or only the caller's own.
pub fn list(c: &mut DbConn, who: &Who, filter: ListFilter, paging: Paging) -> AppResult<Page<Complaint>> {
    policy::require(&who.caller, Act::Read)?;
    let (rows, total) = store::list(c, filter, paging)?;
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        let t = tickets_store::get(c, r.ticket_id)?;
        items.push(wire_of(c, r, &t)?);
    }
    Ok(paging.page(items, total))
}

// ---------------------------------------------------------------- working a level

/// Saves the ticket's row as the complaint left it, with its audit record.
fn save_ticket(
    c: &mut DbConn,
    actor: &Actor,
    before: &TicketRow,
    row: &mut TicketRow,
    action: &str,
    step_interval: Duration,
) -> AppResult<()> {
    refresh_next_check(row, step_interval)?;
    tickets_store::save(c, before, row, actor.at)?;
    audit::record(
        c,
        actor,
        "ticket",
        row.id,
        action,
        snapshot(&before.to_wire()?),
        snapshot(&row.to_wire()?),
    )?;
    Ok(())
}

fn refused(r: rules::Refusal) -> AppError {
    AppError::InvalidTransition(r.to_string())
}

/// The handler states the level's resolution to the customer: the level's limit is met (or
/// missed, when late), the ticket is resolved and waits for the customer's answer.
pub fn state_resolution(
    c: &mut DbConn,
    who: &Who,
    ticket_id: i64,
    text: &str,
    step_interval: Duration,
) -> AppResult<Complaint> {
    let text = validate::text("resolution", text, 4000)?;
    let actor = who.actor();
    write(c, |c| {
        let row = store::get(c, ticket_id)?;
        let before = tickets_store::get(c, ticket_id)?;
        let level = row.level()?;
        let state = row.state()?;
        if state.is_closed() {
            return Err(refused(rules::Refusal::Closed));
        }
        policy::check_work(&who.caller, level, before.owner_id)?;
        let next = rules::state_resolution(state).map_err(refused)?;
        let step = store::step_at(c, ticket_id, level)?;
        store::set_resolution(c, step.id, &text, who.caller.id.0, actor.at)?;
        store::set_standing(c, ticket_id, level, next, actor.at)?;
        let mut t = before.clone();
        super::tickets_changes::respond(&mut t, actor.at);
        t.status = TicketStatus::Resolved.as_str().into();
        t.resolved_at = Some(ts(actor.at));
        let late = actor.at > utc(step.due_at);
        let e = NewEvent::new(ticket_id, &actor, "complaint_resolution").from_to(Some(level.as_str()), None);
        events::add(c, e.reason(Some(&text)).data(json!({"level": level, "late": late})))?;
        save_ticket(c, &actor, &before, &mut t, "complaint_resolution", step_interval)?;
        let out = {
            let now_row = store::get(c, ticket_id)?;
            wire_of(c, &now_row, &t)?
        };
        audit::record(
            c,
            &actor,
            "complaint",
            ticket_id,
            "state_resolution",
            None,
            snapshot(&out),
        )?;
        Ok(out)
    })
}

/// Climbs the complaint to `up` (by a refusal or a missed limit): the new level's step due by
/// its limit, the timeline's entry, and a word to the new level's handlers and the owner.
pub(super) fn climb(
    c: &mut DbConn,
    actor: &Actor,
    t: &TicketRow,
    from: ComplaintLevel,
    up: ComplaintLevel,
    why: ComplaintEntry,
) -> AppResult<()> {
    let tier = Tier::parse(&t.customer_tier).unwrap_or(Tier::Standard);
    let due = due_of(c, tier, up, actor.at)?;
    store::insert_step(c, t.id, up, why, actor.at, due)?;
    store::set_standing(c, t.id, up, ComplaintState::Open, actor.at)?;
    let reason = match why {
        ComplaintEntry::Refusal => format!("the customer refused the {from} level's resolution"),
        _ => format!("the {from} level's time limit passed without a resolution"),
    };
    let e = NewEvent::new(t.id, actor, "complaint_escalated").from_to(Some(from.as_str()), Some(up.as_str()));
    let mut people = handlers(c, up, t.owner_id)?;
    events::add(
        c,
        e.reason(Some(&reason))
            .data(json!({"by": why, "due_at": due, "handlers": people})),
    )?;
    if !people.contains(&t.owner_id) {
        people.push(t.owner_id);
    }
    let msg = format!(
        "Complaint {} climbed to the {up} level ({reason}); a resolution is due by {}",
        t.number,
        due.to_rfc3339()
    );
    notifications::notify(c, &people, t.id, "complaint_escalated", &msg, actor.at)?;
    Ok(())
}

/// Who answers, as recorded: a staff member on the customer's word, or a contact in the portal.
pub struct Answer<'a> {
    pub answer: ComplaintAnswer,
    pub answered_by: &'a str,
    pub comment: Option<&'a str>,
}

/// Records the customer's answer inside the caller's transaction; `recorded_by` None when the
/// contact answered in the portal.
fn answer_in_tx(
    c: &mut DbConn,
    actor: &Actor,
    ticket_id: i64,
    a: &Answer,
    recorded_by: Option<i64>,
    step_interval: Duration,
) -> AppResult<Complaint> {
    let row = store::get(c, ticket_id)?;
    let before = tickets_store::get(c, ticket_id)?;
    let level = row.level()?;
    let after = rules::answer(level, row.state()?, a.answer).map_err(refused)?;
    let step = store::step_at(c, ticket_id, level)?;
    store::set_answer(
        c,
        step.id,
        &AnswerRecord {
            answer: a.answer,
            answered_by: a.answered_by,
            comment: a.comment,
            recorded_by,
            at: actor.at,
        },
    )?;
    let mut t = before.clone();
    let data = json!({"level": level, "answer": a.answer, "answered_by": a.answered_by});
    match after {
        AfterAnswer::Resolved | AfterAnswer::Unresolved => {
            store::set_standing(c, ticket_id, level, after.state(), actor.at)?;
            t.status = TicketStatus::Closed.as_str().into();
            t.closed_at = Some(ts(actor.at));
            t.paused_at = None;
            let kind = if after == AfterAnswer::Resolved {
                "complaint_confirmed"
            } else {
                // Final: the appeal's refusal closes it, recorded as unresolved at appeal.
                "complaint_unresolved"
            };
            let e = NewEvent::new(ticket_id, actor, kind).from_to(Some(level.as_str()), Some(after.state().as_str()));
            events::add(c, e.reason(a.comment).data(data))?;
            if after == AfterAnswer::Unresolved {
                let mut people = handlers(c, level, t.owner_id)?;
                people.push(t.owner_id);
                let msg = format!(
                    "Complaint {} is closed unresolved: the customer refused the appeal's resolution",
                    t.number
                );
                notifications::notify(c, &people, ticket_id, "complaint_unresolved", &msg, actor.at)?;
            }
        }
        AfterAnswer::Climb(up) => {
            t.status = TicketStatus::Reopened.as_str().into();
            t.resolved_at = None;
            let e = NewEvent::new(ticket_id, actor, "complaint_refused").from_to(Some(level.as_str()), None);
            events::add(c, e.reason(a.comment).data(data))?;
            climb(c, actor, &t, level, up, ComplaintEntry::Refusal)?;
        }
    }
    save_ticket(c, actor, &before, &mut t, "complaint_answer", step_interval)?;
    let out = {
        let now_row = store::get(c, ticket_id)?;
        wire_of(c, &now_row, &t)?
    };
    audit::record(c, actor, "complaint", ticket_id, "answer", None, snapshot(&out))?;
    Ok(out)
}

/// A handler of the level records the customer's confirmation or refusal, on their word.
pub fn answer(
    c: &mut DbConn,
    who: &Who,
    ticket_id: i64,
    b: ComplaintAnswerRequest,
    step_interval: Duration,
) -> AppResult<Complaint> {
    let answered_by = validate::text("answered_by", &b.answered_by, 200)?;
    let comment = validate::optional(b.comment.as_deref(), |v| validate::text("comment", v, 2000))?;
    let actor = who.actor();
    write(c, |c| {
        let row = store::get(c, ticket_id)?;
        let t = tickets_store::get(c, ticket_id)?;
        if row.state()?.is_closed() {
            return Err(refused(rules::Refusal::Closed));
        }
        policy::check_work(&who.caller, row.level()?, t.owner_id)?;
        let a = Answer {
            answer: b.answer,
            answered_by: &answered_by,
            comment: comment.as_deref(),
        };
        answer_in_tx(c, &actor, ticket_id, &a, Some(who.caller.id.0), step_interval)
    })
}

/// The customer's own answer through the portal (the caller checked that the contact may act on
/// the ticket), inside the caller's transaction.
pub fn answer_by_contact(
    c: &mut DbConn,
    actor: &Actor,
    ticket_id: i64,
    a: &Answer,
    step_interval: Duration,
) -> AppResult<Complaint> {
    answer_in_tx(c, actor, ticket_id, a, None, step_interval)
}

/// Whether the ticket's complaint awaits the customer's answer (what the portal offers).
pub fn awaits_answer(c: &mut DbConn, ticket_id: i64) -> AppResult<bool> {
    Ok(store::find(c, ticket_id)?.is_some_and(|r| r.state == ComplaintState::AwaitingAnswer.as_str()))
}

/// Whether a ticket of this kind runs on the complaint ladder.
pub fn is_complaint(kind: &str) -> bool {
    kind == RequestKind::Complaint.as_str()
}
