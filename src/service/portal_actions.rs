//! What a customer's contact does in the portal, each through the service the staff use, with
//! the contact as the actor (`Actor::contact`: the audit trail's `actor_contact_id`, the
//! timeline's `data.contact_id`):
//!
//! - a new request: a ticket on the web channel, registered as the hotline registers one, for
//!   the contact's customer and the contact; its first responder (owner) is the configured
//!   intake owner (`FIELDLINE_PORTAL_INTAKE_OWNER`), else the hotline agent on duty now with
//!   the fewest open tickets, else any active agent with the fewest (ties: the earliest
//!   account). When the asset (or, without one, the site) has open tickets the request is
//!   registered beside the newest of them, whose owner is told (the repeat-contact rule);
//! - the remote authorization (method `portal`, by the contact's name);
//! - the answer to a quote (via `portal`; a decline needs a reason and ends the visit);
//! - the acceptance (closing the ticket, with its survey e-mail and satisfaction revisit) or
//!   the rejection (reopening it, with the contact's words); on a complaint whose resolution was
//!   stated, the confirmation or refusal of it on the complaint's own ladder;
//! - the survey's answer.
//!
//! The staff's records that name who took the customer's word (`recorded_by`) name the
//! ticket's owner; the quote's `answer_recorded_by` stays empty.

use super::portal_tickets as reads;
use super::quotes::{self, Reply};
use super::surveys::{self, ClosingMail};
use super::tickets::{change_in_tx, Change};
use super::tickets_registration::{self as registration, Link, Registration};
use super::tickets_requests::after_closing;
use crate::config::Settings;
use crate::db::audit::Actor;
use crate::db::portal::{self as portal_store, IntakeCandidate};
use crate::db::{customers, notifications, sites, users, write, DbConn};
use crate::domain::{validate, Invalid};
use crate::error::{AppError, AppResult};
use crate::policy::portal::{self as policy, Act, Contact, INTAKE_ROLE};
use crate::policy::tickets as ticket_policy;
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{
    AuthorizationMethod, Channel, NewPortalRequest, PortalAcceptance, PortalAuthorization, PortalAwaiting,
    PortalQuoteAnswer, PortalTicket, PortalTicketDetail, Priority, QuoteAnswerVia, QuoteApproval, QuoteDecline,
    RequestKind, SurveyAnswer, TicketStatus,
};

/// The contact's request, now.
#[derive(Debug, Clone, Copy)]
pub struct Asker {
    pub contact: Contact,
    pub at: DateTime<Utc>,
}

impl Asker {
    fn actor(&self) -> Actor {
        Actor::contact(self.contact.id, self.at)
    }

    /// The contact's name, as the records of their word hold it.
    fn name(&self, c: &mut DbConn) -> AppResult<String> {
        Ok(customers::get_contact(c, self.contact.id)?.name)
    }
}

// ---------------------------------------------------------------- a new request

/// Who owns a request made in the portal (see the module's rule); 409 when nobody can.
pub fn intake_owner(c: &mut DbConn, settings: &Settings, now: DateTime<Utc>) -> AppResult<i64> {
    if let Some(name) = settings.portal.intake_owner.as_deref() {
        if let Some(u) = users::by_username(c, name)? {
            if u.active && ticket_policy::may_own(u.role()?) {
                return Ok(u.id);
            }
        }
        tracing::warn!(
            intake_owner = name,
            "the portal's intake owner cannot own tickets; choosing an agent"
        );
    }
    pick(&portal_store::intake_candidates(c, INTAKE_ROLE.as_str(), now)?).ok_or_else(|| {
        AppError::Conflict("nobody at the service can take requests now; please call the hotline".into())
    })
}

/// The agent on duty with the fewest open tickets, else any with the fewest; ties the first.
fn pick(candidates: &[IntakeCandidate]) -> Option<i64> {
    let best = |on_duty_only: bool| {
        candidates
            .iter()
            .filter(|k| k.on_duty || !on_duty_only)
            .min_by_key(|k| (k.open_tickets, k.user_id))
            .map(|k| k.user_id)
    };
    best(true).or_else(|| best(false))
}

/// A site or asset named in a request must be the contact's customer's; another customer's
/// reads as one that does not exist.
fn check_place(c: &mut DbConn, who: &Contact, b: &NewPortalRequest) -> AppResult<()> {
    if let Some(s) = b.site_id {
        if !policy::allows(who, Act::Request, sites::customer_of(c, s.0)?) {
            return Err(Invalid::not_found("site_id", "site", s.0).into());
        }
    }
    if let Some(a) = b.asset_id {
        let customer = crate::db::tickets::lookups::asset(c, a.0)?.map(|x| x.customer_id);
        if !policy::allows(who, Act::Request, customer) {
            return Err(Invalid::not_found("asset_id", "asset", a.0).into());
        }
    }
    Ok(())
}

/// A customer's note, reason or comment: optional, several lines allowed.
fn comment(field: &str, r: Option<&str>) -> AppResult<Option<String>> {
    Ok(validate::optional(r, |v| validate::multiline(field, v, 2000))?)
}

/// Registers the contact's request: a ticket on the web channel.
pub fn request(c: &mut DbConn, who: Asker, b: NewPortalRequest, settings: &Settings) -> AppResult<PortalTicket> {
    let title = validate::text("title", &b.title, 200)?;
    let description = validate::multiline("description", &b.description, 10_000)?;
    check_place(c, &who.contact, &b)?;
    let customer_id = who.contact.customer_id;
    let open = registration::open_for(c, customer_id, b.asset_id.map(|a| a.0), b.site_id.map(|s| s.0))?;
    let reg = Registration {
        customer_id,
        contact_id: Some(who.contact.id),
        site_id: b.site_id.map(|s| s.0),
        asset_id: b.asset_id.map(|a| a.0),
        channel: Channel::Web,
        kind: b.kind.unwrap_or(RequestKind::Fault),
        priority: Priority::P3,
        title,
        description,
        received_at: who.at,
        link: open.first().map_or(Link::Unchecked, |t| Link::Related(t.id.0)),
    };
    let actor = who.actor();
    let row = write(c, |c| {
        let owner = intake_owner(c, settings, who.at)?;
        let t = registration::register_owned_in_tx(c, &actor, owner, &reg, settings.escalation_step())?;
        super::notices::acknowledge(c, &actor, t.id.0, settings)?;
        let msg = format!("A customer made request {} in the portal: {}", t.number, t.title);
        notifications::notify(c, &[owner], t.id.0, "portal_request", &msg, who.at)?;
        crate::db::tickets::get(c, t.id.0)
    })?;
    reads::summary(c, &row)
}

// ---------------------------------------------------------------- the ticket's answers

/// The ticket's detail as it is now (after the change).
fn detail_now(c: &mut DbConn, id: i64) -> AppResult<PortalTicketDetail> {
    let row = crate::db::tickets::get(c, id)?;
    reads::detail_of(c, &row)
}

/// The ticket, if the contact may act on it and it awaits `what` from the customer.
fn awaiting_ticket(c: &mut DbConn, who: &Contact, id: i64, act: Act, what: PortalAwaiting) -> AppResult<()> {
    let row = reads::ticket_of(c, who, id, act)?;
    if !reads::summary(c, &row)?.awaiting.contains(&what) {
        return Err(AppError::InvalidTransition(format!(
            "ticket {} does not wait for {} now",
            row.number,
            what.as_str().replace('_', " ")
        )));
    }
    Ok(())
}

/// The contact authorizes remote work on the ticket.
pub fn authorize(
    c: &mut DbConn,
    who: Asker,
    id: i64,
    b: PortalAuthorization,
    settings: &Settings,
) -> AppResult<PortalTicketDetail> {
    let note = comment("note", b.note.as_deref())?;
    let actor = who.actor();
    write(c, |c| {
        awaiting_ticket(
            c,
            &who.contact,
            id,
            Act::AuthorizeRemote,
            PortalAwaiting::RemoteAuthorization,
        )?;
        let ch = Change::Authorize {
            by: who.name(c)?,
            method: AuthorizationMethod::Portal,
            at: who.at,
            note,
        };
        change_in_tx(c, &actor, None, id, ch, settings.escalation_step())?;
        detail_now(c, id)
    })
}

/// The contact approves or declines a quote of the customer's.
pub fn answer_quote(c: &mut DbConn, who: Asker, quote: i64, b: PortalQuoteAnswer) -> AppResult<PortalTicketDetail> {
    let why = comment("reason", b.reason.as_deref())?;
    let actor = who.actor();
    write(c, |c| {
        let (q, ticket) = reads::quote(c, &who.contact, quote)?;
        let by = who.name(c)?;
        let reply = if b.approve {
            Reply::Approve(QuoteApproval {
                approved_by: by,
                approved_at: who.at,
                via: QuoteAnswerVia::Portal,
            })
        } else {
            let reason = why.ok_or_else(|| Invalid::required("reason"))?;
            Reply::Decline(QuoteDecline {
                declined_by: by,
                declined_at: who.at,
                via: QuoteAnswerVia::Portal,
                reason,
                ends_visit: true,
            })
        };
        if !ticket.status()?.is_open() {
            return Err(AppError::InvalidTransition(format!(
                "ticket {} is {}",
                ticket.number, ticket.status
            )));
        }
        quotes::answer_by_contact(c, &actor, (q.visit_id, quote), reply)?;
        detail_now(c, ticket.id)
    })
}

/// The contact accepts the result (the ticket closes) or rejects it (it reopens; the comment
/// says what is still wrong).
pub fn accept(
    c: &mut DbConn,
    who: Asker,
    id: i64,
    b: PortalAcceptance,
    settings: &Settings,
    closing: ClosingMail<'_>,
) -> AppResult<PortalTicketDetail> {
    let comment = comment("comment", b.comment.as_deref())?;
    if !b.satisfied && comment.is_none() {
        return Err(Invalid::required("comment").into());
    }
    let actor = who.actor();
    write(c, |c| {
        awaiting_ticket(c, &who.contact, id, Act::Accept, PortalAwaiting::Acceptance)?;
        if super::complaints::awaits_answer(c, id)? {
            // A complaint's stated resolution: confirmed or refused on its own ladder.
            let name = who.name(c)?;
            let a = super::complaints::Answer {
                answer: if b.satisfied {
                    fieldline_mobile_api::ComplaintAnswer::Confirmed
                } else {
                    fieldline_mobile_api::ComplaintAnswer::Refused
                },
                answered_by: &name,
                comment: comment.as_deref(),
            };
            super::complaints::answer_by_contact(c, &actor, id, &a, settings.escalation_step())?;
            return detail_now(c, id);
        }
        let ch = Change::Accept {
            accepted_by: who.name(c)?,
            satisfied: b.satisfied,
            comment,
        };
        let ticket = change_in_tx(c, &actor, None, id, ch, settings.escalation_step())?;
        if ticket.status == TicketStatus::Closed {
            after_closing(c, &actor, &ticket, settings, closing)?;
        }
        detail_now(c, id)
    })
}

/// The contact answers the survey of a closed ticket.
pub fn answer_survey(c: &mut DbConn, who: Asker, id: i64, b: SurveyAnswer) -> AppResult<PortalTicketDetail> {
    let actor = who.actor();
    write(c, |c| {
        let row = reads::ticket_of(c, &who.contact, id, Act::AnswerSurvey)?;
        if row.status()? != TicketStatus::Closed {
            return Err(AppError::InvalidTransition(format!(
                "ticket {} is not closed: its survey comes after the acceptance",
                row.number
            )));
        }
        let k = customers::get_contact(c, who.contact.id)?;
        let recipient = k.email.unwrap_or_else(|| format!("portal contact {}", k.id));
        surveys::answer_by_contact(c, &actor, id, &recipient, &b)?;
        detail_now(c, id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(user_id: i64, on_duty: bool, open_tickets: i64) -> IntakeCandidate {
        IntakeCandidate {
            user_id,
            on_duty,
            open_tickets,
        }
    }

    #[test]
    fn the_agent_on_duty_with_the_fewest_open_tickets_takes_the_request() {
        assert_eq!(pick(&[]), None);
        assert_eq!(pick(&[k(1, false, 9), k(2, true, 30), k(3, true, 4)]), Some(3));
        assert_eq!(pick(&[k(1, false, 9), k(2, false, 3), k(3, false, 3)]), Some(2));
        assert_eq!(pick(&[k(4, true, 2), k(2, true, 2)]), Some(2));
    }
}
