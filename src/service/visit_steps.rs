//! The steps of a visit on the technician's phone: accept, decline (back to dispatch), set off
//! (which stops the ticket's departure clock), check in on site (which stops the ticket's arrival
//! clock), complete (billed by the warranty rule, under the quote the customer approved) and fail
//! (or ask for another visit), each with the visit's timeline entry, audit record,
//! and what follows for an inspection.

use super::notices::VisitChange;
use super::surveys::ClosingMail;
use super::tickets::{self, Change, LadderAction};
use super::visits::visit_event;
use super::Who;
use crate::config::Settings;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::dispatch::technicians as tech_store;
use crate::db::dispatch::visits::{self as store, CheckIn, Completion, VisitRow};
use crate::db::{notifications, tickets as ticket_store, DbConn};
use crate::domain::dispatch::distance_km;
use crate::domain::geo::Location;
use crate::domain::visit::{self as rules, Billing, BillingRefused, Charge, Done, StepData, Work};
use crate::error::{AppError, AppResult};
use crate::policy::dispatch::{self as policy, Act};
use fieldline_mobile_api::{LadderTier, OnsiteRequestStatus, TicketStatus, Visit};

/// The visit as it is now, as a 412's body.
pub(crate) fn precondition_failed(v: &VisitRow) -> AppResult<AppError> {
    Ok(AppError::PreconditionFailed {
        current: serde_json::to_value(v.to_wire()?).map_err(AppError::internal)?,
    })
}

/// One step of the technician's visit, inside the caller's transaction. `expected_version` is the
/// version the phone last saw (`If-Match`); an older one gets the current visit back (412).
pub fn take(
    c: &mut DbConn,
    who: &Who,
    act: Act,
    (id, expected_version): (i64, i32),
    data: StepData,
    (settings, closing): (&Settings, ClosingMail<'_>),
) -> AppResult<Visit> {
    let before = store::get_visit(c, id)?;
    policy::require_phone_visit(&who.caller, act, id, before.technician_id)?;
    if before.version != expected_version {
        return Err(precondition_failed(&before)?);
    }
    let status = before.status()?;
    let step = data.step();
    let signed = match &data {
        StepData::Complete(d) => Some((d.signoff_name.clone(), d.satisfied)),
        _ => None,
    };
    let next = rules::next(status, step)
        .ok_or_else(|| AppError::InvalidTransition(format!("a visit that is {status} cannot {}", step.name())))?;
    let actor = who.actor();
    if !store::claim_step(c, id, before.version, next, actor.at)? {
        return Err(precondition_failed(&store::get_visit(c, id)?)?);
    }
    let (kind, reason): (&str, Option<String>) = match data {
        StepData::Accept => {
            store::set_accepted(c, id, actor.at)?;
            ("visit_accepted", None)
        }
        StepData::Decline { reason } => {
            decline(c, &actor, &before, &reason)?;
            ("visit_declined", Some(reason))
        }
        StepData::EnRoute => {
            store::set_en_route(c, id, actor.at)?;
            set_off(c, &actor, &before, settings)?;
            super::notices::visit(c, &actor, id, VisitChange::OnTheWay, settings)?;
            ("visit_en_route", None)
        }
        StepData::CheckIn { at, reason } => {
            check_in(c, &actor, &before, (at, reason.as_deref()), settings)?;
            ("visit_checked_in", reason)
        }
        StepData::Complete(done) => {
            complete(c, &actor, &before, &done)?;
            ("visit_completed", None)
        }
        StepData::Fail { reason, needs_revisit } => {
            store::set_failed(c, id, actor.at, &reason)?;
            if let Some(request) = before.onsite_request_id.filter(|_| needs_revisit) {
                // The on-site registration goes back to dispatch for another visit.
                store::set_onsite_request_status(c, request, OnsiteRequestStatus::Open, actor.at)?;
            }
            let kind = if needs_revisit {
                "visit_needs_revisit"
            } else {
                "visit_failed"
            };
            (kind, Some(reason))
        }
    };
    if let Some(inspection) = before.inspection_id {
        super::inspections::after_visit_step(c, &actor, inspection, &before, step)?;
    }
    let after = store::get_visit(c, id)?.to_wire()?;
    let (from, to) = (Some(status.as_str()), Some(next.as_str()));
    visit_event(c, &before, &actor, kind, (from, to), reason.as_deref())?;
    audit::record(
        c,
        &actor,
        "visit",
        id,
        step.name(),
        snapshot(&before.to_wire()?),
        snapshot(&after),
    )?;
    if let (Some((signer, satisfied)), Some(ticket)) = (signed, before.ticket_id) {
        let signoff = Signoff {
            visit: id,
            signer: &signer,
            satisfied,
        };
        finish_ticket(c, &actor, ticket, signoff, (settings, closing))?;
    }
    Ok(after)
}

/// The customer's sign-off on the technician's phone.
struct Signoff<'a> {
    visit: i64,
    signer: &'a str,
    satisfied: Option<bool>,
}

/// The ticket's last on-site work, completed and signed, resolves the ticket. A signer who
/// states they are satisfied gives the customer's acceptance: the ticket closes (with its
/// satisfaction revisit and closing e-mail). Otherwise its owner is asked to get the customer's
/// acceptance. A ticket already resolved, closed or cancelled is left as it is.
fn finish_ticket(
    c: &mut DbConn,
    actor: &Actor,
    ticket_id: i64,
    s: Signoff,
    (settings, closing): (&Settings, ClosingMail<'_>),
) -> AppResult<()> {
    if store::work_left_on_ticket(c, ticket_id, s.visit)? {
        return Ok(());
    }
    let t = ticket_store::get(c, ticket_id)?;
    if !matches!(
        t.status()?,
        TicketStatus::New | TicketStatus::InProgress | TicketStatus::WaitingOnCustomer | TicketStatus::Reopened
    ) {
        return Ok(());
    }
    let step = settings.escalation_step();
    let resolve = Change::Ladder {
        action: LadderAction::Resolve,
        reason: Some(format!("visit {} was completed and signed by {}", s.visit, s.signer)),
        window: None,
    };
    let resolved = tickets::change_in_tx(c, actor, None, ticket_id, resolve, step)?;
    if s.satisfied == Some(true) {
        let accept = Change::Accept {
            accepted_by: s.signer.to_owned(),
            satisfied: true,
            comment: Some(format!(
                "satisfied, signed on the technician's phone at the end of visit {}",
                s.visit
            )),
        };
        let closed = tickets::change_in_tx(c, actor, None, ticket_id, accept, step)?;
        super::tickets_requests::after_closing(c, actor, &closed, settings, closing)?;
    } else {
        super::notices::resolved(c, actor, ticket_id, settings)?;
        let msg = format!(
            "Ticket {} was resolved on site (visit {}): ask the customer to accept the result",
            resolved.number, s.visit
        );
        notifications::notify(
            c,
            &[resolved.owner_id.0],
            Some(ticket_id),
            "acceptance_due",
            &msg,
            actor.at,
        )?;
    }
    Ok(())
}

/// The visit goes back to dispatch, and the dispatchers are told.
fn decline(c: &mut DbConn, actor: &Actor, before: &VisitRow, reason: &str) -> AppResult<()> {
    store::set_declined(c, before.id, reason)?;
    let dispatchers = tech_store::active_users_of_role(c, policy::DECLINE_AUDIENCE)?;
    let msg = format!("Visit {} was declined and needs a technician: {reason}", before.id);
    notifications::notify(c, &dispatchers, before.ticket_id, "visit_declined", &msg, actor.at)?;
    Ok(())
}

/// The first technician to set off for an on-site ticket stops its departure clock.
fn set_off(c: &mut DbConn, actor: &Actor, before: &VisitRow, settings: &crate::config::Settings) -> AppResult<()> {
    if let Some(ticket_id) = before.ticket_id {
        let t = ticket_store::get(c, ticket_id)?;
        if t.departed_at.is_none() && t.ladder_tier == LadderTier::Onsite.as_str() && t.status()?.is_open() {
            super::tickets::change_in_tx(
                c,
                actor,
                None,
                ticket_id,
                super::tickets::Change::Departed { at: actor.at },
                settings.escalation_step(),
            )?;
        }
    }
    Ok(())
}

/// Checks in at the phone's position; farther from the site than the radius needs a reason. The
/// technician's arrival stops the ticket's arrival clock.
fn check_in(
    c: &mut DbConn,
    actor: &Actor,
    before: &VisitRow,
    (at, reason): (Location, Option<&str>),
    settings: &crate::config::Settings,
) -> AppResult<()> {
    let radius_m = settings.checkin_radius_m;
    let site = before
        .site_id
        .ok_or_else(|| AppError::InvalidTransition("the visit has no site".into()))?;
    let site_at = store::site_location(c, site)?;
    let distance = distance_km(&at, &site_at) * 1000.0;
    if !rules::within_radius(distance, radius_m) && reason.is_none() {
        return Err(AppError::validation(
            "reason",
            format!("the phone is {distance:.0} m from the site (the limit is {radius_m:.0} m): give a reason"),
        ));
    }
    let ci = CheckIn {
        at: actor.at,
        position: at,
        distance_m: (distance * 10.0).round() / 10.0,
        reason,
    };
    store::set_checked_in(c, before.id, &ci)?;
    if let Some(ticket_id) = before.ticket_id {
        let t = ticket_store::get(c, ticket_id)?;
        if t.arrived_at.is_none() && t.ladder_tier == LadderTier::Onsite.as_str() && t.status()?.is_open() {
            super::tickets::change_in_tx(
                c,
                actor,
                None,
                ticket_id,
                super::tickets::Change::Arrived { at: actor.at },
                settings.escalation_step(),
            )?;
        }
    }
    Ok(())
}

/// Completes the visit: a repair is billed by the warranty rule (free under warranty; outside
/// it, under the quote the customer approved beforehand, with the amount finally charged), an
/// inspection is not billed.
fn complete(c: &mut DbConn, actor: &Actor, before: &VisitRow, d: &Done) -> AppResult<()> {
    let work = match before.ticket_id {
        Some(ticket_id) => Work::Repair {
            under_warranty: super::quotes::ticket_under_warranty(c, ticket_id, actor.at)?,
        },
        None => Work::Inspection,
    };
    let approved = super::quotes::approved_of_visit(c, before.id)?;
    let charge = Charge {
        approved_quote: approved.as_ref().map(|q| q.amount),
        charged: d.amount_charged,
        difference_reason: d.charge_difference_reason.as_deref(),
    };
    let Billing {
        under_warranty,
        quote_amount,
        amount_charged,
    } = rules::billing(work, charge).map_err(|e| match e {
        BillingRefused::QuoteNotApproved => AppError::QuoteNotApproved(format!(
            "the asset is out of warranty: the customer must approve a quote for the work before visit {} is completed",
            before.id
        )),
        BillingRefused::DifferenceUnexplained { quoted, charged } => AppError::validation(
            "charge_difference_reason",
            format!("the amount charged ({charged:.2}) differs from the approved quote ({quoted:.2}): say why"),
        ),
    })?;
    let billable = under_warranty == Some(false);
    let done = Completion {
        at: actor.at,
        work_notes: &d.work_notes,
        under_warranty,
        quote_amount,
        quote_id: approved.as_ref().map(|q| q.id).filter(|_| billable),
        amount_charged,
        charge_difference_reason: d.charge_difference_reason.as_deref().filter(|_| billable),
        time_spent_minutes: d.time_spent_minutes,
        signoff_name: &d.signoff_name,
        signature_png: &d.signature_png,
        parts: &d.parts,
    };
    store::set_completed(c, before.id, &done)?;
    if let Some(request) = before.onsite_request_id {
        store::set_onsite_request_status(c, request, OnsiteRequestStatus::Done, actor.at)?;
    }
    Ok(())
}
