//! The ticket endpoints' actions: each validates what the client sent (in the order the API
//! has always answered: the body first, then the ticket and who may change it) and makes the
//! change.

use super::revisits;
use super::surveys::{self, ClosingMail};
use super::tickets::{act, change_in_tx, Change, LadderAction, Target};
use super::tickets_registration::{self as registration, Link, Registration};
use super::Who;
use crate::config::Settings;
use crate::db::audit::Actor;
use crate::db::group_writer::Commit;
use crate::db::tickets::records;
use crate::db::{write, DbConn};
use crate::domain::{validate, Invalid};
use crate::error::{AppError, AppResult};
use crate::policy::tickets::Act;
use crate::policy::{self, Action};
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{
    AcceptanceRequest, ArrivalRequest, AssignRequest, CancelTicketRequest, Channel, CustomerContactRequest,
    EscalateRequest, HandoffRequest, KindChange, NewAuthorization, NewTicket, Note, ProblemReason, RemoteAuthorization,
    RequestKind, Ticket, TicketPreview, TicketStatus, UpdateTicket,
};
use serde_json::json;

/// An optional free text of up to 2,000 characters (a reason, a note, a comment).
pub fn reason(field: &str, r: Option<&str>) -> AppResult<Option<String>> {
    Ok(validate::optional(r, |v| validate::text(field, v, 2000))?)
}

/// A moment given by the client: not in the future, at most a day back.
fn recent(field: &str, t: Option<DateTime<Utc>>, now: DateTime<Utc>) -> AppResult<DateTime<Utc>> {
    match t {
        None => Ok(now),
        Some(t) if t > now + Duration::minutes(1) => {
            Err(AppError::validation(field, "must not be in the future").because(ProblemReason::InFuture, json!({})))
        }
        Some(t) if t < now - Duration::days(1) => Err(AppError::validation(field, "must be within the last day")
            .because(ProblemReason::TooOld, json!({"max_days": 1}))),
        Some(t) => Ok(t),
    }
}

/// Makes a validated change as the caller (who may make it is decided with the ticket in hand).
fn change(c: &mut DbConn, who: &Who, t: Target, change: Change, settings: &Settings) -> AppResult<Ticket> {
    act(c, &who.actor(), who.caller.role, t, change, settings.escalation_step())
}

/// A registration's fields as the client sent them, checked: what registering and its preview
/// share.
fn registration_of(who: &Who, b: NewTicket) -> AppResult<Registration> {
    if b.channel == Channel::Revisit {
        return Err(Invalid::not_allowed(
            "channel",
            "a ticket from a revisit is opened by recording the revisit's outcome",
        )
        .into());
    }
    Ok(Registration {
        customer_id: b.customer_id.0,
        contact_id: b.contact_id.map(|x| x.0),
        site_id: b.site_id.map(|x| x.0),
        asset_id: b.asset_id.map(|x| x.0),
        channel: b.channel,
        kind: b.kind.unwrap_or(RequestKind::Fault),
        priority: b.priority,
        title: validate::text("title", &b.title, 200)?,
        description: validate::text("description", &b.description, 10_000)?,
        received_at: recent("received_at", b.received_at, who.at)?,
        link: match (
            b.related_ticket_id,
            reason("unrelated_reason", b.unrelated_reason.as_deref())?,
        ) {
            (Some(_), Some(_)) => {
                return Err(AppError::validation(
                    "unrelated_reason",
                    "give `related_ticket_id` or `unrelated_reason`, not both",
                )
                .because(ProblemReason::Exclusive, json!({"other": "related_ticket_id"})))
            }
            (Some(t), None) => Link::Related(t.0),
            (None, Some(why)) => Link::Unrelated(why),
            (None, None) => Link::None,
        },
    })
}

/// A complaint's subject given with another kind.
fn not_a_complaint() -> AppError {
    AppError::validation("complaint_subject", "only a complaint names a subject")
}

/// Registers a request. The registering user is its first responder and owner. A complaint names
/// its subject (checked in the registration's transaction).
pub fn register(c: &mut DbConn, commit: Commit, who: &Who, b: NewTicket, settings: &Settings) -> AppResult<Ticket> {
    policy::require(&who.caller, Action::Tickets(Act::Register))?;
    let subject = b.complaint_subject;
    match (b.kind == Some(RequestKind::Complaint), subject) {
        (true, None) => {
            return Err(AppError::validation(
                "complaint_subject",
                "name what the complaint is about: a ticket, a visit, a technician or a staff member",
            )
            .because(ProblemReason::Required, json!({})))
        }
        (false, Some(_)) => return Err(not_a_complaint()),
        _ => {}
    }
    let customer = b.customer_id.0;
    let reg = registration_of(who, b)?;
    let actor = who.actor();
    let settings = settings.clone();
    registration::register_then(c, commit, &actor, reg, settings.escalation_step(), move |c, t| {
        if let Some(s) = subject {
            super::complaints::check_subject(c, customer, Some(t.id.0), s)?;
            crate::db::complaints::set_subject(c, t.id.0, s.kind, s.id, actor.at)?;
        }
        super::notices::acknowledge(c, &actor, t.id.0, &settings)
    })
}

/// What registering would give now (due times, tier, region class, the open tickets of the
/// asset or site), with the registration's own checks and computation; nothing is stored.
pub fn preview(c: &mut DbConn, who: &Who, b: NewTicket, settings: &Settings) -> AppResult<TicketPreview> {
    policy::require(&who.caller, Action::Tickets(Act::Register))?;
    let reg = registration_of(who, b)?;
    registration::preview(c, &who.actor(), &reg, settings.escalation_step())
}

/// The open tickets of an asset, or of a customer's site: what the registration form shows
/// first, so that a customer calling again is not given a second ticket.
pub fn repeat_check(
    c: &mut DbConn,
    who: &Who,
    customer_id: i64,
    asset_id: Option<i64>,
    site_id: Option<i64>,
) -> AppResult<Vec<Ticket>> {
    policy::require(&who.caller, Action::Tickets(Act::Register))?;
    registration::open_for(c, customer_id, asset_id, site_id)
}

/// Records the customer's further contact about an open ticket (the owner is told).
pub fn customer_contact(
    c: &mut DbConn,
    who: &Who,
    t: Target,
    b: CustomerContactRequest,
    settings: &Settings,
) -> AppResult<Ticket> {
    let ch = Change::CustomerContact {
        channel: b.channel,
        note: validate::text("note", &b.note, 2000)?,
    };
    change(c, who, t, ch, settings)
}

/// Changes the request kind, with a reason (its targets are taken again from the policy).
pub fn change_kind(c: &mut DbConn, who: &Who, t: Target, b: KindChange, settings: &Settings) -> AppResult<Ticket> {
    if b.kind != RequestKind::Complaint && b.complaint_subject.is_some() {
        return Err(not_a_complaint());
    }
    let ch = Change::Kind {
        kind: b.kind,
        reason: validate::text("reason", &b.reason, 2000)?,
        complaint_subject: b.complaint_subject,
    };
    change(c, who, t, ch, settings)
}

/// Changes priority, site, title or description.
pub fn update(c: &mut DbConn, who: &Who, t: Target, b: UpdateTicket, settings: &Settings) -> AppResult<Ticket> {
    let ch = Change::Update {
        priority: b.priority,
        site_id: b.site_id.map(|s| s.0),
        title: b
            .title
            .as_deref()
            .map(|t| validate::text("title", t, 200))
            .transpose()?,
        description: b
            .description
            .as_deref()
            .map(|t| validate::text("description", t, 10_000))
            .transpose()?,
        reason: reason("reason", b.reason.as_deref())?,
    };
    change(c, who, t, ch, settings)
}

fn ladder(
    c: &mut DbConn,
    who: &Who,
    t: Target,
    note: Note,
    action: LadderAction,
    settings: &Settings,
) -> AppResult<Ticket> {
    let reason = reason("reason", note.reason.as_deref())?;
    let ch = Change::Ladder {
        action,
        reason,
        window: None,
    };
    change(c, who, t, ch, settings)
}

/// Starts work (the first response).
pub fn start(c: &mut DbConn, who: &Who, t: Target, note: Note, settings: &Settings) -> AppResult<Ticket> {
    ladder(c, who, t, note, LadderAction::Start, settings)
}

/// Waits on the customer: the SLA clock stops.
pub fn wait(c: &mut DbConn, who: &Who, t: Target, note: Note, settings: &Settings) -> AppResult<Ticket> {
    ladder(c, who, t, note, LadderAction::Wait, settings)
}

/// The customer answered: the SLA clock runs again.
pub fn resume(c: &mut DbConn, who: &Who, t: Target, note: Note, settings: &Settings) -> AppResult<Ticket> {
    ladder(c, who, t, note, LadderAction::Resume, settings)
}

/// The work is done; the customer is asked to accept (the resolved notice, with the link to
/// accept the result, in the same transaction).
pub fn resolve(c: &mut DbConn, who: &Who, t: Target, note: Note, settings: &Settings) -> AppResult<Ticket> {
    let reason = reason("reason", note.reason.as_deref())?;
    let ch = Change::Ladder {
        action: LadderAction::Resolve,
        reason,
        window: None,
    };
    let actor = who.actor();
    write(c, |c| {
        let out = change_in_tx(c, &actor, Some(who.caller.role), t, ch, settings.escalation_step())?;
        super::notices::resolved(c, &actor, out.id.0, settings)?;
        Ok(out)
    })
}

/// Climbs the ladder (on site with the agreed visit window).
pub fn escalate(c: &mut DbConn, who: &Who, t: Target, b: EscalateRequest, settings: &Settings) -> AppResult<Ticket> {
    let window = match (b.window_start, b.window_end) {
        (Some(s), Some(e)) => Some((s, e)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(AppError::validation("window_end", "give both ends of the window")
                .because(ProblemReason::Required, json!({})))
        }
        (None, Some(_)) => {
            return Err(AppError::validation("window_start", "give both ends of the window")
                .because(ProblemReason::Required, json!({})))
        }
    };
    let ch = Change::Ladder {
        action: LadderAction::Escalate(b.to),
        reason: reason("reason", b.reason.as_deref())?,
        window,
    };
    change(c, who, t, ch, settings)
}

/// Hands ownership to a named user, with a reason.
pub fn handoff(c: &mut DbConn, who: &Who, t: Target, b: HandoffRequest, settings: &Settings) -> AppResult<Ticket> {
    let ch = Change::Handoff {
        to: b.to_user_id.0,
        reason: validate::text("reason", &b.reason, 2000)?,
    };
    change(c, who, t, ch, settings)
}

/// Cancels a ticket opened by mistake, with the reason.
pub fn cancel(c: &mut DbConn, who: &Who, t: Target, b: CancelTicketRequest, settings: &Settings) -> AppResult<Ticket> {
    let ch = Change::Cancel {
        reason: validate::text("reason", &b.reason, 2000)?,
    };
    change(c, who, t, ch, settings)
}

/// Sets who works the ticket now; the owner stays.
pub fn assign(c: &mut DbConn, who: &Who, t: Target, b: AssignRequest, settings: &Settings) -> AppResult<Ticket> {
    let ch = Change::Assign {
        to: b.assignee_id.map(|u| u.0),
        reason: reason("reason", b.reason.as_deref())?,
    };
    change(c, who, t, ch, settings)
}

/// Records the customer's authorization for remote access (who, when, how).
pub fn authorize(
    c: &mut DbConn,
    who: &Who,
    t: Target,
    b: NewAuthorization,
    settings: &Settings,
) -> AppResult<RemoteAuthorization> {
    let ch = Change::Authorize {
        by: validate::text("authorized_by", &b.authorized_by, 200)?,
        method: b.method,
        at: recent("authorized_at", b.authorized_at, who.at)?,
        note: reason("note", b.note.as_deref())?,
    };
    let actor = who.actor();
    write(c, |c| {
        change_in_tx(c, &actor, Some(who.caller.role), t, ch, settings.escalation_step())?;
        // The newest of the ticket's authorizations is the one just recorded (same transaction).
        records::authorizations(c, t.id)?
            .pop()
            .ok_or_else(|| AppError::internal("the authorization just recorded is missing"))
    })
}

/// Records the customer's verdict: satisfied closes the ticket, schedules its satisfaction
/// revisit and sends the closing e-mail with its survey link, in the same transaction.
pub fn accept(
    c: &mut DbConn,
    who: &Who,
    t: Target,
    b: AcceptanceRequest,
    settings: &Settings,
    closing: ClosingMail<'_>,
) -> AppResult<Ticket> {
    let ch = Change::Accept {
        accepted_by: validate::text("accepted_by", &b.accepted_by, 200)?,
        satisfied: b.satisfied,
        comment: reason("comment", b.comment.as_deref())?,
    };
    let actor = who.actor();
    write(c, |c| {
        let ticket = change_in_tx(c, &actor, Some(who.caller.role), t, ch, settings.escalation_step())?;
        if ticket.status == TicketStatus::Closed {
            after_closing(c, &actor, &ticket, settings, closing)?;
        }
        Ok(ticket)
    })
}

/// A ticket the customer accepted is thanked with its survey link and revisited for
/// satisfaction, in the transaction that closed it.
pub fn after_closing(
    c: &mut DbConn,
    actor: &Actor,
    ticket: &Ticket,
    settings: &Settings,
    closing: ClosingMail<'_>,
) -> AppResult<()> {
    revisits::schedule_satisfaction(c, actor, ticket, settings.revisits.satisfaction_days)?;
    surveys::send_closing_mail(c, actor, ticket.id.0, closing)
}

/// Promises a callback: due in 24 hours.
pub fn request_callback(c: &mut DbConn, who: &Who, t: Target, note: Note, settings: &Settings) -> AppResult<Ticket> {
    let ch = Change::RequestCallback {
        reason: reason("reason", note.reason.as_deref())?,
    };
    change(c, who, t, ch, settings)
}

/// The promised callback was made.
pub fn callback_done(c: &mut DbConn, who: &Who, t: Target, note: Note, settings: &Settings) -> AppResult<Ticket> {
    let ch = Change::CallbackDone {
        reason: reason("reason", note.reason.as_deref())?,
    };
    change(c, who, t, ch, settings)
}

/// Records the technician's arrival on site (stops the arrival clock).
pub fn arrival(c: &mut DbConn, who: &Who, t: Target, b: ArrivalRequest, settings: &Settings) -> AppResult<Ticket> {
    let at = recent("arrived_at", b.arrived_at, who.at)?;
    change(c, who, t, Change::Arrived { at }, settings)
}
