//! The SLA breach scan: tickets past a due time get their breach recorded, a missed tier limit
//! climbs the ticket to the next tier where its policy says so (an escalation made by the
//! service: to remote only with the customer's authorization, to on-site with a proposed visit
//! window), and their alert steps are taken (the owner, then out of working hours the shift leads
//! on duty on the roster, otherwise or when none is on duty the owner's own supervisor, or every
//! supervisor when none is set, then managers; an
//! on-site ticket is also flagged to dispatch), each once.

use super::tickets_changes::{enter_tier, recompute_dues, refresh_next_check, stamp_breach};
use crate::db::audit::{self, snapshot, Actor};
use crate::db::tickets::events::{self, NewEvent};
use crate::db::tickets::{self as store, onsite, TicketRow};
use crate::db::{notifications, utc, write, DbConn};
use crate::domain::escalation::{self, Decision};
use crate::error::AppResult;
use crate::policy::tickets as policy;
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::LadderTier;
use serde_json::json;

/// Looks at every ticket whose next check is due: records the breaches it has just missed and
/// takes the alert steps due. Each ticket is its own transaction, and a step taken is stored
/// with it, so running the scan again (or on another node) never repeats a step. Returns
/// (tickets examined, breaches and steps taken).
pub fn scan(c: &mut DbConn, now: DateTime<Utc>, step_interval: Duration) -> AppResult<(i64, i64)> {
    // One range read of the next-check index; each ticket found is then handled on its own.
    let due = store::due_for_check(c, now)?;
    let mut actions = 0;
    for &id in &due {
        // A ticket changed by someone at the same moment (or failing for any reason) is left
        // for the next run; it must not hold up the others.
        match scan_one(c, id, now, step_interval) {
            Ok(n) => actions += n,
            Err(e) => tracing::warn!(ticket = id, error = %e, "SLA scan skipped a ticket; the next run retries it"),
        }
    }
    Ok((due.len() as i64, actions))
}

fn scan_one(c: &mut DbConn, id: i64, now: DateTime<Utc>, step_interval: Duration) -> AppResult<i64> {
    let actor = Actor::system(now);
    write(c, |c| {
        let before = store::get(c, id)?;
        if before.next_check_at.is_none_or(|t| crate::db::utc(t) > now) {
            return Ok(0); // another run got here first
        }
        let mut state = before.sla_state()?;
        if super::complaints::is_complaint(&before.kind) {
            // A complaint climbs its own ladder, never the service ladder: a missed tier limit alerts.
            state.on_hotline = fieldline_mobile_api::TierAction::Alert;
            state.on_remote = fieldline_mobile_api::TierAction::Alert;
        }
        let decision = escalation::decide(&state, now, step_interval);
        let mut row = before.clone();
        record_breaches(c, &actor, &mut row, &decision)?;
        let climbed = climb(c, &actor, &mut row, &decision, step_interval)?;
        take_steps(c, &actor, &mut row, &decision)?;
        refresh_next_check(&mut row, step_interval)?;
        store::save(c, &before, &mut row, now)?;
        let taken = (decision.breaches.len() + decision.steps.len() + usize::from(decision.climb.is_some())) as i64;
        if taken > 0 {
            // A climb is an escalation made by the service: the audit names no user.
            let action = if climbed { "auto_escalate" } else { "sla_scan" };
            audit::record(
                c,
                &actor,
                "ticket",
                id,
                action,
                snapshot(&before.to_wire()?),
                snapshot(&row.to_wire()?),
            )?;
        }
        Ok(taken)
    })
}

/// The ticket's owner, and its assignee when another person.
fn owner_and_assignee(row: &TicketRow) -> Vec<i64> {
    [Some(row.owner_id), row.assignee_id.filter(|a| *a != row.owner_id)]
        .into_iter()
        .flatten()
        .collect()
}

/// Climbs the ticket to the next tier when a missed tier limit calls for it: the escalation
/// (made by the service, with its reason), the new tier's clocks, on-site the registration with
/// the proposed visit window, and a word to the owner. A climb that cannot be made (no remote
/// authorization on record) is said on the timeline and to the owner instead; its breach alerts.
/// Returns whether the ticket climbed.
fn climb(
    c: &mut DbConn,
    actor: &Actor,
    row: &mut TicketRow,
    decision: &Decision,
    step_interval: Duration,
) -> AppResult<bool> {
    let Some(climb) = decision.climb else {
        return Ok(false);
    };
    let (id, now) = (row.id, actor.at);
    let due = row.sla_state()?.clock(climb.clock).due;
    let (from, to) = (climb.from.as_str(), climb.to.as_str());
    let data = json!({"automatic": true, "clock": climb.clock.as_str(), "due_at": due});
    let people = owner_and_assignee(row);
    if let Some(why) = climb.blocked {
        let e = NewEvent::new(id, actor, "auto_escalation_blocked").from_to(Some(from), Some(to));
        events::add(c, e.reason(Some(why)).data(data))?;
        let msg = format!(
            "Ticket {} is past its {from} tier's time limit and cannot climb to {to} on its own: {why}",
            row.number
        );
        notifications::notify(c, &people, id, "auto_escalation_blocked", &msg, now)?;
        return Ok(false);
    }
    let reason = format!("the {from} tier's time limit passed");
    enter_tier(row, climb.to, now);
    let e = NewEvent::new(id, actor, "escalated").from_to(Some(from), Some(to));
    events::add(c, e.reason(Some(&reason)).data(data))?;
    let cal = crate::db::sla::calendar(c)?;
    recompute_dues(row, &cal, step_interval)?;
    if climb.to == LadderTier::Onsite {
        let arrival = row.arrival_due_at.map(utc).unwrap_or(now);
        let departure = row.departure_due_at.map(utc).unwrap_or(now);
        let (start, end) = escalation::proposed_window(now, departure, arrival);
        let notes = "Proposed by the service from the arrival due time: agree the visit time with the customer";
        // Registered in the name of the ticket's owner, who stays responsible for it.
        let req = onsite::insert(
            c,
            &onsite::NewOnsiteRequest {
                ticket_id: id,
                window_start: start,
                window_end: end,
                notes: Some(notes),
                created_by: row.owner_id,
                at: now,
            },
        )?;
        let data = json!({"onsite_request_id": req, "window_start": start, "window_end": end, "automatic": true});
        events::add(c, NewEvent::new(id, actor, "onsite_requested").data(data))?;
    }
    let msg = format!("Ticket {} climbed to {to} on its own: {reason}", row.number);
    notifications::notify(c, &people, id, "auto_escalated", &msg, now)?;
    Ok(true)
}

/// Stamps each clock just missed, with its timeline event.
fn record_breaches(c: &mut DbConn, actor: &Actor, row: &mut TicketRow, decision: &Decision) -> AppResult<()> {
    for clock in &decision.breaches {
        stamp_breach(row, *clock, actor.at);
        let due = row.sla_state()?.clock(*clock).due.map(|d| d.to_rfc3339());
        let e = NewEvent::new(row.id, actor, "sla_breach").from_to(due.as_deref(), Some(clock.as_str()));
        events::add(c, e)?;
    }
    Ok(())
}

/// The second step's audience: outside the business calendar's working hours (evening, night,
/// weekend, holiday) the shift leads on duty on the roster; otherwise, or when no lead is on
/// duty, the owner's own supervisor, or every supervisor when none is set.
fn second_step_audience(c: &mut DbConn, row: &TicketRow, now: DateTime<Utc>) -> AppResult<(&'static str, Vec<i64>)> {
    let cal = crate::db::sla::calendar(c)?;
    let working = cal
        .working_interval(cal.local_date(now))
        .is_some_and(|(from, to)| from <= now && now < to);
    if !working {
        let leads = super::roster::leads_on_duty(c, now)?;
        if !leads.is_empty() {
            return Ok(("the shift lead on duty", leads.into_iter().map(|u| u.0).collect()));
        }
    }
    Ok(match crate::db::org::supervisor_of(c, row.owner_id)? {
        Some(sup) => ("the owner's supervisor", vec![sup]),
        None => {
            let (who, role) = policy::sla_audience(2);
            (who, store::active_users_with(c, role)?)
        }
    })
}

/// Alerts each step's audience (step 1 also flags an on-site ticket to dispatch).
fn take_steps(c: &mut DbConn, actor: &Actor, row: &mut TicketRow, decision: &Decision) -> AppResult<()> {
    let (id, now) = (row.id, actor.at);
    let onsite = row.tier()? == LadderTier::Onsite;
    for &step in &decision.steps {
        let (who, recipients) = match step {
            1 => ("owner", owner_and_assignee(row)),
            2 => second_step_audience(c, row, now)?,
            _ => {
                let (who, role) = policy::sla_audience(step);
                (who, store::active_users_with(c, role)?)
            }
        };
        let msg = format!(
            "Ticket {} has missed its service level ({}); alert step {step}: {who}",
            row.number, row.title
        );
        notifications::notify(c, &recipients, id, "sla_alert", &msg, now)?;
        let (from, to) = ((step - 1).to_string(), step.to_string());
        let e = NewEvent::new(id, actor, "sla_alert").from_to(Some(&from), Some(&to));
        events::add(c, e.reason(Some(who)).data(json!({"recipients": recipients})))?;
        if step == 1 && onsite && !row.flagged_for_dispatch {
            row.flagged_for_dispatch = true;
            onsite::flag_open(c, id, now)?;
            let dispatchers = store::active_users_with(c, policy::DISPATCH_FLAG_AUDIENCE)?;
            let msg = format!(
                "On-site ticket {} is past its service level: dispatch it first",
                row.number
            );
            notifications::notify(c, &dispatchers, id, "dispatch_flag", &msg, now)?;
            events::add(c, NewEvent::new(id, actor, "dispatch_flagged"))?;
        }
        row.escalation_step = step;
    }
    Ok(())
}
