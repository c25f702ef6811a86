//! Stalled work and chasing (工单滞留 / 督办): the stall rules, the stalled list, a chase and its
//! answer, and the climb of an unanswered chase to the holder's supervisor.
//!
//! A chase is recorded on the ticket's timeline (`chased`, `chase_answered`, `chase_climbed`; a
//! chase of an inspection visit has no ticket and is in the audit trail only) and in the audit
//! trail (entity `chase`), and notifies the holder (`chase`), the chaser of the answer
//! (`chase_answered`) and, once, the holder's supervisor of an unanswered one (`chase_unanswered`).

use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::notifications::notify;
use crate::db::supervision::{self as store, ChaseRow, NewChaseRow};
use crate::db::tickets::events::{self, NewEvent};
use crate::db::{org, sla as calendar, write, DbConn, Paging};
use crate::domain::sla::Calendar;
use crate::domain::stall::{self as rules};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::supervision::{self as policy, Act, Scope};
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{
    Chase, ChaseAnswer, LadderTier, NewChase, Page, StallRule, StallRuleInput, StallState, StalledItem, TeamId,
    TicketId, TicketStatus, UserId, VisitId, VisitStatus,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// The longest note of a chase or an answer.
pub const NOTE_MAX: usize = 2000;

// ---------------------------------------------------------------- rules

/// The limit of every state: an admin's where set, else the shipped one.
fn limits(c: &mut DbConn) -> AppResult<HashMap<StallState, Option<i32>>> {
    let mut out: HashMap<StallState, Option<i32>> =
        StallState::ALL.iter().map(|s| (*s, rules::default_hours(*s))).collect();
    for r in store::stored_rules(c)? {
        if let Some(s) = StallState::parse(&r.state) {
            out.insert(s, r.hours);
        }
    }
    Ok(out)
}

fn all_rules(c: &mut DbConn) -> AppResult<Vec<StallRule>> {
    let stored = store::stored_rules(c)?;
    let by: Vec<i64> = stored.iter().filter_map(|r| r.updated_by).collect();
    let names = crate::db::users::display_names(c, &by)?;
    Ok(StallState::ALL
        .iter()
        .map(|s| {
            let row = stored.iter().find(|r| r.state == s.as_str());
            StallRule {
                state: *s,
                hours: row.map_or(rules::default_hours(*s), |r| r.hours),
                default_hours: rules::default_hours(*s),
                updated_at: row.map(|r| crate::db::utc(r.updated_at)),
                updated_by_name: row.and_then(|r| r.updated_by).and_then(|u| names.get(&u).cloned()),
            }
        })
        .collect())
}

/// Every state's rule, in the order of the states.
pub fn rules(c: &mut DbConn, who: &Who) -> AppResult<Vec<StallRule>> {
    policy::require(&who.caller, Act::ReadStallRules)?;
    all_rules(c)
}

/// Sets one state's limit (an admin).
pub fn set_rule(c: &mut DbConn, who: &Who, state: &str, input: &StallRuleInput) -> AppResult<StallRule> {
    policy::require(&who.caller, Act::EditStallRules)?;
    let state = StallState::parse(state).ok_or_else(|| AppError::not_found("stall rule", state))?;
    let hours = rules::limit(input.hours)?;
    write(c, |c| {
        let before = all_rules(c)?.into_iter().find(|r| r.state == state);
        store::set_rule(c, state, hours, who.caller.id.0, who.at)?;
        let after = all_rules(c)?
            .into_iter()
            .find(|r| r.state == state)
            .ok_or_else(|| AppError::internal("the stall rule just set is missing"))?;
        audit::record(
            c,
            &who.actor(),
            "stall_rule",
            0,
            "update",
            before.as_ref().and_then(snapshot),
            snapshot(&after),
        )?;
        Ok(after)
    })
}

// ---------------------------------------------------------------- the stalled list

/// The stalled list's filter.
#[derive(Debug, Clone, Copy, Default)]
pub struct StalledFilter {
    pub team_id: Option<i64>,
    pub holder_id: Option<i64>,
}

/// All stalled work at `now`, longest stalled first.
pub fn stalled_work(c: &mut DbConn, now: DateTime<Utc>) -> AppResult<Vec<StalledItem>> {
    let cal = calendar::calendar(c)?;
    let limits = limits(c)?;
    let visits = store::open_visits(c)?;
    let visited: HashSet<i64> = visits.iter().filter_map(|v| v.ticket_id).collect();
    let last = store::last_work(c)?;
    let mut found: Vec<Found> = Vec::new();
    for t in store::open_tickets(c)? {
        let (Some(tier), Some(status)) = (LadderTier::parse(&t.ladder_tier), TicketStatus::parse(&t.status)) else {
            continue;
        };
        let Some(state) = rules::ticket_state(tier, status, visited.contains(&t.id)) else {
            continue;
        };
        let since = crate::db::utc(last.get(&t.id).copied().unwrap_or(t.opened_at));
        if let Some(f) = judge(&cal, &limits, state, since, now) {
            found.push(Found {
                ticket: Some(t.id),
                visit: None,
                holder: t.assignee_id.unwrap_or(t.owner_id),
                ..f
            });
        }
    }
    for v in &visits {
        let Some(state) = VisitStatus::parse(&v.status).and_then(rules::visit_state) else {
            continue;
        };
        let since = rules::visit_since(state, crate::db::utc(v.updated_at), crate::db::utc(v.window_start));
        if let Some(f) = judge(&cal, &limits, state, since, now) {
            found.push(Found {
                ticket: v.ticket_id,
                visit: Some(v.id),
                holder: v.technician_id.unwrap_or(v.created_by),
                ..f
            });
        }
    }
    describe(c, found)
}

/// A piece of work found stalled, before names are looked up.
struct Found {
    ticket: Option<i64>,
    visit: Option<i64>,
    holder: i64,
    state: StallState,
    since: DateTime<Utc>,
    idle: chrono::Duration,
    limit: i32,
}

fn judge(
    cal: &Calendar,
    limits: &HashMap<StallState, Option<i32>>,
    state: StallState,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<Found> {
    let limit = limits.get(&state).copied().flatten()?;
    let (idle, past) = rules::stalled(cal, since, now, Some(limit));
    past.then_some(Found {
        ticket: None,
        visit: None,
        holder: 0,
        state,
        since,
        idle,
        limit,
    })
}

fn describe(c: &mut DbConn, mut found: Vec<Found>) -> AppResult<Vec<StalledItem>> {
    found.sort_by(|a, b| b.idle.cmp(&a.idle).then(a.since.cmp(&b.since)));
    let tickets: Vec<i64> = found.iter().filter_map(|f| f.ticket).collect();
    let heads = store::ticket_heads(c, &tickets)?;
    let holders: Vec<i64> = found.iter().map(|f| f.holder).collect();
    let people = store::people(c, &holders)?;
    let team_ids: Vec<i64> = people.values().filter_map(|(_, t)| *t).collect();
    let teams = org::team_names(c, &team_ids)?;
    let open = store::open_chases(c)?;
    let wired = store::to_wire(c, &open)?;
    let chase_of = |ticket: Option<i64>, visit: Option<i64>| {
        open.iter()
            .zip(&wired)
            .find(|(r, _)| match visit {
                Some(v) => r.visit_id == Some(v),
                None => r.visit_id.is_none() && r.ticket_id == ticket,
            })
            .map(|(_, w)| w.clone())
    };
    Ok(found
        .into_iter()
        .map(|f| {
            let head = f.ticket.and_then(|t| heads.get(&t));
            let (holder_name, team) = people.get(&f.holder).cloned().unwrap_or_default();
            StalledItem {
                ticket_id: f.ticket.map(TicketId),
                ticket_number: head.map(|h| h.0.clone()),
                title: head.map(|h| h.1.clone()),
                customer_name: head.map(|h| h.2.clone()),
                visit_id: f.visit.map(VisitId),
                state: f.state,
                since: f.since,
                stalled_hours: rules::hours(f.idle),
                limit_hours: f.limit,
                holder_id: UserId(f.holder),
                holder_name,
                team_id: team.map(TeamId),
                team_name: team.and_then(|t| teams.get(&t).cloned()),
                waits_for: rules::waits_for(f.state),
                open_chase: chase_of(f.ticket, f.visit),
            }
        })
        .collect())
}

/// The stalled work the caller may see (all, or that of the people they lead), filtered and paged.
pub fn stalled(
    c: &mut DbConn,
    who: &Who,
    f: StalledFilter,
    limit: Option<i64>,
    offset: Option<i64>,
) -> AppResult<Page<StalledItem>> {
    let scope = policy::stalled_scope(&who.caller, Act::ReadStalled)?;
    let paging = Paging::new(limit, offset)?;
    let led: Option<HashSet<i64>> = match scope {
        Scope::All => None,
        Scope::Led => Some(org::led_by(c, who.caller.id.0)?.into_iter().collect()),
    };
    let items: Vec<StalledItem> = stalled_work(c, who.at)?
        .into_iter()
        .filter(|i| led.as_ref().is_none_or(|l| l.contains(&i.holder_id.0)))
        .filter(|i| f.team_id.is_none_or(|t| i.team_id == Some(TeamId(t))))
        .filter(|i| f.holder_id.is_none_or(|h| i.holder_id.0 == h))
        .collect();
    let total = items.len() as i64;
    let page = items
        .into_iter()
        .skip(paging.offset as usize)
        .take(paging.limit as usize)
        .collect();
    Ok(paging.page(page, total))
}

// ---------------------------------------------------------------- chases

/// Whether the caller may chase (or see) work held by `holder`.
fn may_chase(c: &mut DbConn, who: &Who, holder: i64) -> AppResult<bool> {
    let led = match policy::stalled_scope(&who.caller, Act::Chase)? {
        Scope::All => false,
        Scope::Led => org::led_by(c, who.caller.id.0)?.contains(&holder),
    };
    Ok(policy::allows(&who.caller, Act::Chase, &policy::facts(holder, led)))
}

/// Chases a ticket or a visit: the note goes on the ticket's timeline and to the holder, with a
/// time to answer by.
pub fn chase(c: &mut DbConn, who: &Who, input: &NewChase) -> AppResult<Chase> {
    policy::stalled_scope(&who.caller, Act::Chase)?;
    let note = validate::multiline("note", &input.note, NOTE_MAX)?;
    write(c, |c| {
        let (ticket, visit, holder, number) = match (input.ticket_id, input.visit_id) {
            (Some(t), None) => {
                let (number, status, owner, assignee) = store::ticket_for_chase(c, t.0)?;
                let open = TicketStatus::parse(&status).is_some_and(|s| {
                    !matches!(
                        s,
                        TicketStatus::Resolved | TicketStatus::Closed | TicketStatus::Cancelled
                    )
                });
                if !open {
                    return Err(AppError::InvalidTransition(format!(
                        "ticket {number} is {status}: only open work is chased"
                    )));
                }
                (Some(t.0), None, assignee.unwrap_or(owner), Some(number))
            }
            (None, Some(v)) => {
                let (ticket, status, technician, created_by) = store::visit_for_chase(c, v.0)?;
                if !VisitStatus::parse(&status).is_some_and(|s| rules::OPEN_VISITS.contains(&s)) {
                    return Err(AppError::InvalidTransition(format!(
                        "visit {v} is {status}: only open work is chased"
                    )));
                }
                let number = match ticket {
                    Some(t) => Some(store::ticket_for_chase(c, t)?.0),
                    None => None,
                };
                (ticket, Some(v.0), technician.unwrap_or(created_by), number)
            }
            (Some(_), Some(_)) => return Err(AppError::validation("visit_id", "chase a ticket or a visit, not both")),
            (None, None) => {
                return Err(AppError::validation(
                    "ticket_id",
                    "a ticket or a visit to chase is required",
                ))
            }
        };
        if !may_chase(c, who, holder)? {
            return Err(AppError::Forbidden(
                "only a supervisor, a manager or the holder's lead may chase this work".into(),
            ));
        }
        if store::open_chase_of(c, ticket, visit)?.is_some() {
            return Err(AppError::Conflict(
                "this work has a chase not yet answered: wait for its answer".into(),
            ));
        }
        let cal = calendar::calendar(c)?;
        let due = rules::chase_due(&cal, who.at, input.due_at)?;
        let team = store::people(c, &[holder])?.get(&holder).and_then(|p| p.1);
        let row = store::insert_chase(
            c,
            &NewChaseRow {
                ticket_id: ticket,
                visit_id: visit,
                holder_id: holder,
                holder_team_id: team,
                chased_by: who.caller.id.0,
                note: &note,
                due_at: due,
                at: who.at,
            },
        )?;
        let actor = who.actor();
        if let Some(t) = ticket {
            events::add(
                c,
                NewEvent::new(t, &actor, "chased")
                    .reason(Some(&note))
                    .data(json!({"chase_id": row.id, "visit_id": visit, "holder_id": holder, "due_at": due})),
            )?;
        }
        let chase = one(c, &row)?;
        audit::record(c, &actor, "chase", row.id, "create", None, snapshot(&chase))?;
        let what = subject(number.as_deref(), visit);
        let message = format!(
            "{} chases {what}: {note} (answer by {})",
            chase.chased_by_name,
            local(&cal, due)
        );
        notify(c, &[holder], ticket, "chase", &message, who.at)?;
        Ok(chase)
    })
}

/// The holder answers a chase (once).
pub fn answer(c: &mut DbConn, who: &Who, id: i64, input: &ChaseAnswer) -> AppResult<Chase> {
    let note = validate::multiline("note", &input.note, NOTE_MAX)?;
    write(c, |c| {
        let row = store::get_chase(c, id)?;
        if !policy::allows(&who.caller, Act::AnswerChase, &policy::facts(row.holder_id, false)) {
            return Err(AppError::Forbidden("only the one chased answers a chase".into()));
        }
        if row.answered_at.is_some() {
            return Err(AppError::Conflict("this chase is answered already".into()));
        }
        let before = one(c, &row)?;
        store::answer(c, id, &note, who.at)?;
        let row_after = store::get_chase(c, id)?;
        let after = one(c, &row_after)?;
        let actor = who.actor();
        if let Some(t) = row.ticket_id {
            events::add(
                c,
                NewEvent::new(t, &actor, "chase_answered")
                    .reason(Some(&note))
                    .data(json!({"chase_id": id, "visit_id": row.visit_id})),
            )?;
        }
        audit::record(c, &actor, "chase", id, "answer", snapshot(&before), snapshot(&after))?;
        let what = subject(after.ticket_number.as_deref(), row.visit_id);
        let message = format!("{} answers the chase of {what}: {note}", after.holder_name);
        notify(c, &[row.chased_by], row.ticket_id, "chase_answered", &message, who.at)?;
        Ok(after)
    })
}

/// The chases addressed to the caller, unanswered first.
pub fn mine(
    c: &mut DbConn,
    who: &Who,
    open_only: bool,
    limit: Option<i64>,
    offset: Option<i64>,
) -> AppResult<Page<Chase>> {
    let paging = Paging::new(limit, offset)?;
    let (rows, total) = store::chases_to(c, who.caller.id.0, open_only, paging.limit, paging.offset)?;
    Ok(paging.page(store::to_wire(c, &rows)?, total))
}

/// Each unanswered chase past its due time climbs once: to the holder's supervisor, or every
/// active supervisor when none is set (every manager when that leaves nobody but the holder).
/// Returns (chases past due examined, chases climbed).
pub fn climb_overdue(c: &mut DbConn, now: DateTime<Utc>) -> AppResult<(i64, i64)> {
    let due = store::due_to_climb(c, now)?;
    let mut climbed = 0;
    for row in &due {
        let done = write(c, |c| -> AppResult<bool> {
            if store::claim_climb(c, row.id, now)? == 0 {
                return Ok(false);
            }
            let to = climb_to(c, row.holder_id)?;
            let actor = Actor::system(now);
            let row_after = store::get_chase(c, row.id)?;
            let after = one(c, &row_after)?;
            if let Some(t) = row.ticket_id {
                events::add(
                    c,
                    NewEvent::new(t, &actor, "chase_climbed")
                        .reason(Some("the chase was not answered by its due time"))
                        .data(json!({"chase_id": row.id, "visit_id": row.visit_id, "to": to})),
                )?;
            }
            audit::record(c, &actor, "chase", row.id, "climb", None, snapshot(&after))?;
            let what = subject(after.ticket_number.as_deref(), row.visit_id);
            let message = format!(
                "{} has not answered the chase of {what} by its due time: {}",
                after.holder_name, after.note
            );
            notify(c, &to, row.ticket_id, "chase_unanswered", &message, now)?;
            Ok(true)
        })?;
        climbed += i64::from(done);
    }
    Ok((due.len() as i64, climbed))
}

/// Whom an unanswered chase of `holder`'s climbs to.
fn climb_to(c: &mut DbConn, holder: i64) -> AppResult<Vec<i64>> {
    if let Some(s) = org::supervisor_of(c, holder)? {
        return Ok(vec![s]);
    }
    let mut to = store::active_with_role(c, policy::CLIMB_TO.as_str())?;
    to.retain(|u| *u != holder);
    if to.is_empty() {
        to = store::active_with_role(c, policy::CLIMB_LAST.as_str())?;
        to.retain(|u| *u != holder);
    }
    Ok(to)
}

fn one(c: &mut DbConn, row: &ChaseRow) -> AppResult<Chase> {
    store::to_wire(c, std::slice::from_ref(row))?
        .pop()
        .ok_or_else(|| AppError::internal("a chase went missing"))
}

/// "FL-2026-000123", "visit 7 of FL-2026-000123" or "visit 7".
fn subject(number: Option<&str>, visit: Option<i64>) -> String {
    match (number, visit) {
        (Some(n), None) => n.to_string(),
        (Some(n), Some(v)) => format!("visit {v} of {n}"),
        (None, Some(v)) => format!("visit {v}"),
        (None, None) => "work".into(),
    }
}

/// A time as the calendar's zone shows it.
fn local(cal: &Calendar, t: DateTime<Utc>) -> String {
    t.with_timezone(&cal.tz).format("%Y-%m-%d %H:%M").to_string()
}
