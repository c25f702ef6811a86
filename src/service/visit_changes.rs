//! Moving a visit to a new window agreed with the customer, and cancelling it (seed 003 §三.4:
//! the visit time is agreed with the customer, and agreements change). Only a visit whose work
//! has not started (not on site, not finished) moves or is cancelled; its technician is told
//! either way, and the phone sees the change by the visit's new version. The customer is sent
//! the move or the cancellation with its calendar invitation (`notices`).

use super::notices::{self, VisitChange};
use super::visit_steps::precondition_failed;
use super::visits::{booked, visit_event_with};
use super::Who;
use crate::config::Settings;
use crate::db::audit::{self, snapshot};
use crate::db::dispatch::visits as store;
use crate::db::{notifications, ts, utc, write, DbConn};
use crate::domain::validate;
use crate::domain::visit as rules;
use crate::error::{AppError, AppResult};
use crate::policy::dispatch::{self as policy, Act};
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{OnsiteRequestStatus, Visit, VisitCancellation, VisitReschedule, VisitStatus};
use serde_json::json;

/// The window as the timeline shows it: `start/end` (RFC 3339, UTC).
fn window_text(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    use chrono::SecondsFormat::Secs;
    format!(
        "{}/{}",
        start.to_rfc3339_opts(Secs, true),
        end.to_rfc3339_opts(Secs, true)
    )
}

/// Moves a visit that has not started to a new window agreed with the customer (who, when, how;
/// seed 003 §三.4). A booked technician keeps the visit in the new window when they are free then
/// (409 `technician_booked` otherwise) and accepts it again; with `release_technician` they are
/// taken off it and it goes back to the queue. The technician is told either way. `expected`
/// is the version of `If-Match`, if sent: an older one gets the current visit back (412).
///
/// The technician's row is locked before the visit is read again and their bookings checked in
/// the same transaction (as a booking does), so two visits moved into one window of the same
/// technician at once end with one moved and one 409.
pub fn reschedule(
    c: &mut DbConn,
    who: &Who,
    visit_id: i64,
    expected: Option<i32>,
    b: VisitReschedule,
    settings: &Settings,
) -> AppResult<Visit> {
    policy::require(&who.caller, Act::RescheduleVisit)?;
    let (start, end) = rules::window(b.window_start, b.window_end, who.at)?;
    let agreed_with = validate::text("agreed_with", &b.agreed_with, 200)?;
    let agreed_at = rules::agreed_at(b.agreed_at, who.at)?;
    let reason = validate::optional(b.reason.as_deref(), |v| validate::text("reason", v, 2000))?;
    let actor = who.actor();
    write(c, |c| {
        let seen = store::get_visit(c, visit_id)?;
        let keep = seen.technician_id.filter(|_| !b.release_technician);
        if let Some(t) = keep {
            crate::db::lock_technician(c, t)?;
        }
        let before = store::get_visit(c, visit_id)?;
        if expected.is_some_and(|v| v != before.version) {
            return Err(precondition_failed(&before)?);
        }
        let status = before.status()?;
        if !rules::not_started(status) {
            return Err(AppError::InvalidTransition(format!(
                "a visit that is {status} cannot be moved; only one not yet on site"
            )));
        }
        if before.technician_id != seen.technician_id {
            return Err(AppError::Conflict(
                "the visit was changed meanwhile; reload it and try again".into(),
            ));
        }
        if let Some(t) = keep {
            if let Some(other) = crate::db::dispatch::bookings::clash(c, t, &[visit_id], (ts(start), ts(end)))? {
                return Err(booked(t, other));
            }
        }
        let moved = store::Moved {
            window: (start, end),
            agreed_with: &agreed_with,
            agreed_at,
            agreed_via: b.agreed_via,
            technician: keep,
            status: rules::after_reschedule(keep.is_some()),
            at: actor.at,
        };
        if !store::reschedule(c, &before, &moved)? {
            return Err(precondition_failed(&store::get_visit(c, visit_id)?)?);
        }
        let after = store::get_visit(c, visit_id)?.to_wire()?;
        let from = window_text(utc(before.window_start), utc(before.window_end));
        let to = window_text(start, end);
        let agreement = json!({
            "agreed_with": agreed_with,
            "agreed_at": agreed_at,
            "agreed_via": b.agreed_via,
            "technician_released": before.technician_id.is_some() && keep.is_none(),
        });
        visit_event_with(
            c,
            &before,
            &actor,
            "visit_rescheduled",
            (Some(&from), Some(&to)),
            reason.as_deref(),
            agreement,
        )?;
        let moved = VisitChange::Moved {
            from: (utc(before.window_start), utc(before.window_end)),
        };
        notices::visit(c, &actor, visit_id, moved, settings)?;
        if let Some(t) = before.technician_id {
            let msg = match keep {
                Some(_) => {
                    format!("Visit {visit_id} was moved to a new window agreed with the customer: accept it again")
                }
                None => format!("Visit {visit_id} was moved to a new window and is no longer yours"),
            };
            notifications::notify(c, &[t], before.ticket_id, "visit_rescheduled", &msg, actor.at)?;
        }
        audit::record(
            c,
            &actor,
            "visit",
            visit_id,
            "reschedule",
            snapshot(&before.to_wire()?),
            snapshot(&after),
        )?;
        Ok(after)
    })
}

/// Cancels a repair visit that has not started, with the reason: its technician is freed and
/// told, and the visit leaves their list. Its on-site registration goes back to dispatch (open)
/// for another visit, or is cancelled too with `cancel_registration` (the customer needs no
/// visit any more). `expected` is the version of `If-Match`, if sent: an older one gets the
/// current visit back (412). An inspection visit is cancelled with its plan instead.
pub fn cancel(
    c: &mut DbConn,
    who: &Who,
    visit_id: i64,
    expected: Option<i32>,
    b: VisitCancellation,
    settings: &Settings,
) -> AppResult<Visit> {
    policy::require(&who.caller, Act::CancelVisit)?;
    let reason = validate::text("reason", &b.reason, 2000)?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::get_visit(c, visit_id)?;
        if expected.is_some_and(|v| v != before.version) {
            return Err(precondition_failed(&before)?);
        }
        let status = before.status()?;
        if !rules::not_started(status) {
            return Err(AppError::InvalidTransition(format!(
                "a visit that is {status} cannot be cancelled; only one not yet on site"
            )));
        }
        let Some(request) = before.onsite_request_id else {
            return Err(AppError::InvalidTransition(
                "an inspection visit is cancelled with its inspection plan".into(),
            ));
        };
        if !store::cancel(c, &before, &reason, actor.at)? {
            return Err(precondition_failed(&store::get_visit(c, visit_id)?)?);
        }
        let registration = if b.cancel_registration {
            OnsiteRequestStatus::Cancelled
        } else {
            OnsiteRequestStatus::Open
        };
        store::set_onsite_request_status(c, request, registration, actor.at)?;
        let after = store::get_visit(c, visit_id)?.to_wire()?;
        visit_event_with(
            c,
            &before,
            &actor,
            "visit_cancelled",
            (Some(status.as_str()), Some(VisitStatus::Cancelled.as_str())),
            Some(&reason),
            json!({"registration": registration}),
        )?;
        notices::visit(c, &actor, visit_id, VisitChange::Cancelled, settings)?;
        if let Some(t) = before.technician_id {
            let msg = format!("Visit {visit_id} was cancelled: {reason}");
            notifications::notify(c, &[t], before.ticket_id, "visit_cancelled", &msg, actor.at)?;
        }
        audit::record(
            c,
            &actor,
            "visit",
            visit_id,
            "cancel",
            snapshot(&before.to_wire()?),
            snapshot(&after),
        )?;
        Ok(after)
    })
}
