//! Satisfaction surveys after closure: the closing e-mail with its signed survey link, the
//! customer's answer through the link, the answer told on the satisfaction revisit's call, and
//! the staff's reading.
//!
//! A link is a signed token (`auth::tokens::SurveyClaims`) naming the ticket; storage keeps only
//! its `jti`. Each write, in the transaction of the change that causes it, records its audit
//! event (entities `survey_link` and `survey`) and the ticket's timeline event.

use super::Who;
use crate::auth::tokens::TokenKeys;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::outbox::OutboxMail;
use crate::db::surveys::{self as store, Filter, LinkRow, NewAnswer};
use crate::db::tickets::events::{self, NewEvent};
use crate::db::tickets::{self, TicketRow};
use crate::db::{customers, sla, ts, utc, write, DbConn, Paging};
use crate::domain::language::{self, Language};
use crate::domain::survey::{self as rules, Answer, Refusal, COMMENT_MAX, SCORE_MAX, SCORE_MIN};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::mail::{self, templates};
use crate::policy::followup::{self as policy, Act};
use crate::policy::Facts;
use crate::service::outbox;
use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use fieldline_mobile_api::{MailKind, Page, Survey, SurveyAnswer, SurveyForm, SurveyReceipt, SurveySource};
use serde_json::json;

// ---------------------------------------------------------------- recording an answer

/// Where an answer came from.
enum Via {
    Link(i64),
    Revisit { revisit: i64, agent: Option<i64> },
}

/// Writes a ticket's answer with its audit and timeline events, in the caller's transaction.
fn insert(c: &mut DbConn, actor: &Actor, ticket: &TicketRow, a: &Answer, via: Via) -> AppResult<Survey> {
    let (source, link_id, revisit_id, recorded_by) = match via {
        Via::Link(l) => (SurveySource::Link, Some(l), None, None),
        Via::Revisit { revisit, agent } => (SurveySource::Revisit, None, Some(revisit), agent),
    };
    let new = NewAnswer {
        ticket_id: ticket.id,
        customer_id: ticket.customer_id,
        score: a.score,
        comment: a.comment.as_deref(),
        source,
        link_id,
        revisit_id,
        recorded_by,
        at: actor.at,
    };
    let id = store::insert(c, &new).map_err(|e| match e {
        AppError::Duplicate { .. } => AppError::SurveyAnswered(Refusal::Answered.explain().into()),
        other => other,
    })?;
    let created = store::get(c, id)?;
    audit::record(c, actor, "survey", id, "create", None, snapshot(&created))?;
    events::add(
        c,
        NewEvent {
            ticket_id: ticket.id,
            actor,
            kind: "survey_answered",
            from: None,
            to: Some(&a.score.to_string()),
            reason: None,
            data: Some(json!({"survey_id": id, "score": a.score, "source": source, "revisit_id": revisit_id})),
        },
    )?;
    Ok(created)
}

/// Records the score a satisfaction revisit's call gave as the ticket's survey, in the caller's
/// transaction, unless the ticket already has one (the customer answered through the link
/// first). Returns the new survey, if any.
pub fn record_from_revisit(
    c: &mut DbConn,
    actor: &Actor,
    ticket_id: i64,
    revisit_id: i64,
    score: i32,
    comment: Option<&str>,
) -> AppResult<Option<Survey>> {
    if store::answered(c, ticket_id)? {
        return Ok(None);
    }
    let ticket = tickets::get(c, ticket_id)?;
    let answer = Answer {
        score: rules::score(score)?,
        comment: comment.map(str::to_string),
    };
    let via = Via::Revisit {
        revisit: revisit_id,
        agent: actor.id.map(|u| u.0),
    };
    // In a savepoint: should the customer's own answer win a race on PostgreSQL, the call's
    // outcome is still recorded, without a survey.
    match diesel::Connection::transaction(c, |c| insert(c, actor, &ticket, &answer, via)) {
        Ok(s) => Ok(Some(s)),
        Err(AppError::SurveyAnswered(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- the closing e-mail

/// What the closing e-mail needs.
#[derive(Clone, Copy)]
pub struct ClosingMail<'a> {
    pub keys: &'a TokenKeys,
    /// `settings.public_url`, without a trailing slash.
    pub public_url: &'a str,
    /// How long a link can be used.
    pub link_ttl: Duration,
    /// The right-hand side of Message-IDs.
    pub id_domain: &'a str,
}

/// Thanks the ticket's contact for accepting the result and asks for their score through a
/// new survey link, in the caller's transaction (the one that closes the ticket). A ticket
/// without a usable contact e-mail address gets no link; its timeline says why.
pub fn send_closing_mail(c: &mut DbConn, actor: &Actor, ticket_id: i64, s: ClosingMail<'_>) -> AppResult<()> {
    let ticket = tickets::get(c, ticket_id)?;
    let Some(address) = contact_address(c, actor, &ticket, MailKind::TicketClosed)? else {
        return Ok(());
    };
    let jti = uuid::Uuid::new_v4().to_string();
    let expires_at = actor.at + s.link_ttl;
    let link = store::insert_link(c, ticket.id, &jti, &address, actor.at, expires_at)?;
    audit::record(c, actor, "survey_link", link.id, "create", None, Some(link.trail()))?;
    let token = s.keys.issue_survey(ticket.id, &jti, actor.at, expires_at)?;
    let tz = sla::calendar(c)?.tz;
    let lang = customers::contact_language(c, ticket.contact_id)?;
    let rendered = templates::ticket_closed(
        &templates::ClosingNotice {
            ticket_number: ticket.number.clone(),
            ticket_title: ticket.title.clone(),
            contact_name: ticket.contact_name.clone(),
            closed_at: language::datetime(ticket.closed_at.map_or(actor.at, utc), tz, lang),
            link: survey_link(s.public_url, &token, lang),
            expires_at: language::datetime(expires_at, tz, lang),
        },
        lang,
    )
    .map_err(|e| AppError::internal(format!("closing e-mail template: {e}")))?;
    let mail = OutboxMail::new(
        s.id_domain,
        MailKind::TicketClosed,
        vec![address],
        rendered.subject,
        rendered.text,
    )
    .html(rendered.html)
    .customer(ticket.customer_id)
    .ticket(ticket.id);
    outbox::enqueue(c, actor, mail)?;
    Ok(())
}

/// The survey page's address for a token, opening the page in the customer's language.
fn survey_link(public_url: &str, token: &str, lang: Language) -> String {
    format!("{public_url}/survey/{token}?lang={lang}")
}

/// The ticket's contact e-mail address for a mail of `kind`; without a usable one the timeline
/// says the mail was skipped, and why.
pub(crate) fn contact_address(
    c: &mut DbConn,
    actor: &Actor,
    ticket: &TicketRow,
    kind: MailKind,
) -> AppResult<Option<String>> {
    let why = match ticket.contact_email.as_deref().map(mail::parse_address) {
        Some(Ok(a)) => return Ok(Some(a)),
        Some(Err(_)) => "the ticket's contact e-mail address is not usable",
        None => "the ticket has no contact e-mail address",
    };
    let e = NewEvent::new(ticket.id, actor, "mail_skipped").from_to(None, Some(kind.as_str()));
    events::add(c, e.reason(Some(why)))?;
    Ok(None)
}

// ---------------------------------------------------------------- the customer's link

/// The stored link a verified token names, with its ticket; "not found" when there is none.
fn link_of(c: &mut DbConn, keys: &TokenKeys, token: &str, now: DateTime<Utc>) -> AppResult<(LinkRow, TicketRow)> {
    let claims = keys.verify_survey(token, now)?;
    let link = store::link(c, &claims.registered.jti, claims.ticket)?
        .ok_or_else(|| AppError::NotFound("no such survey link".into()))?;
    let ticket = tickets::get(c, link.ticket_id)?;
    Ok((link, ticket))
}

/// Refuses a link that was used, whose ticket was answered otherwise, or that expired.
fn usable(c: &mut DbConn, link: &LinkRow, now: DateTime<Utc>) -> AppResult<()> {
    let answered = store::answered(c, link.ticket_id)?;
    rules::check_link(now, utc(link.expires_at), link.used_at.is_some(), answered).map_err(|r| {
        let why = r.explain().to_string();
        match r {
            Refusal::Used => AppError::LinkUsed(why),
            Refusal::Answered => AppError::SurveyAnswered(why),
            Refusal::Expired => AppError::LinkExpired(why),
        }
    })
}

/// What the customer sees behind a usable link.
pub fn form(c: &mut DbConn, keys: &TokenKeys, token: &str, now: DateTime<Utc>) -> AppResult<SurveyForm> {
    let (link, ticket) = link_of(c, keys, token, now)?;
    usable(c, &link, now)?;
    Ok(SurveyForm {
        ticket_number: ticket.number,
        summary: ticket.title,
        closed_at: utc(ticket.closed_at.unwrap_or(link.issued_at)),
        expires_at: utc(link.expires_at),
        score_min: SCORE_MIN,
        score_max: SCORE_MAX,
        comment_max_chars: COMMENT_MAX as i32,
    })
}

/// Records the customer's answer through a usable link and marks the link used, in one
/// transaction (the service's own write: the customer is no user).
pub fn answer_by_link(
    c: &mut DbConn,
    keys: &TokenKeys,
    token: &str,
    body: &SurveyAnswer,
    now: DateTime<Utc>,
) -> AppResult<SurveyReceipt> {
    let a = Answer::parse(body.score, body.comment.as_deref())?;
    let actor = Actor::system(now);
    write(c, |c| {
        let (link, ticket) = link_of(c, keys, token, now)?;
        usable(c, &link, now)?;
        if !store::use_link(c, link.id, now)? {
            return Err(AppError::LinkUsed(Refusal::Used.explain().into()));
        }
        let mut after = link.clone();
        after.used_at = Some(ts(now));
        audit::record(
            c,
            &actor,
            "survey_link",
            link.id,
            "use",
            Some(link.trail()),
            Some(after.trail()),
        )?;
        let survey = insert(c, &actor, &ticket, &a, Via::Link(link.id))?;
        Ok(SurveyReceipt {
            ticket_number: survey.ticket_number,
            score: survey.score,
            comment: survey.comment,
            answered_at: survey.answered_at,
        })
    })
}

/// A contact's answer through the customer portal, in the caller's transaction (the portal
/// checked that the ticket is their customer's and closed): recorded as an answer through a
/// link issued to the contact's portal session and used at once (source `link`), so it counts
/// with the other answers the customer gave themselves.
pub fn answer_by_contact(
    c: &mut DbConn,
    actor: &Actor,
    ticket_id: i64,
    recipient: &str,
    body: &SurveyAnswer,
) -> AppResult<Survey> {
    let a = Answer::parse(body.score, body.comment.as_deref())?;
    if store::answered(c, ticket_id)? {
        return Err(AppError::SurveyAnswered(Refusal::Answered.explain().into()));
    }
    let ticket = tickets::get(c, ticket_id)?;
    let jti = uuid::Uuid::new_v4().to_string();
    let link = store::insert_link(c, ticket.id, &jti, recipient, actor.at, actor.at)?;
    store::use_link(c, link.id, actor.at)?;
    let mut used = link.clone();
    used.used_at = Some(ts(actor.at));
    audit::record(c, actor, "survey_link", link.id, "create", None, Some(used.trail()))?;
    insert(c, actor, &ticket, &a, Via::Link(link.id))
}

// ---------------------------------------------------------------- staff reading

/// A ticket's survey answer; "not found" when there is none yet, or when the caller may not read
/// the surveys of the ticket's customer.
pub fn of_ticket(c: &mut DbConn, who: &Who, ticket_id: i64) -> AppResult<Survey> {
    policy::require_some(&who.caller, Act::ReadSurveys)?;
    let facts = Facts {
        account_manager: store::ticket_account_manager(c, ticket_id)?,
        ..Facts::default()
    };
    if !policy::allows(&who.caller, Act::ReadSurveys, &facts) {
        return Err(AppError::not_found("ticket", ticket_id));
    }
    let id = store::of_ticket(c, ticket_id)?
        .ok_or_else(|| AppError::NotFound(format!("ticket {ticket_id} has no survey answer yet")))?;
    store::get(c, id)
}

/// The list's query as asked.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    /// Answered on or after this local day (business calendar).
    pub from: Option<NaiveDate>,
    /// Answered on or before this local day.
    pub to: Option<NaiveDate>,
    pub score: Option<i32>,
    pub max_score: Option<i32>,
    pub source: Option<SurveySource>,
    pub customer_id: Option<i64>,
    pub ticket_id: Option<i64>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The answers the caller may read, the latest first.
pub fn list(c: &mut DbConn, who: &Who, q: &ListQuery) -> AppResult<Page<Survey>> {
    policy::require_some(&who.caller, Act::ReadSurveys)?;
    let paging = Paging::new(q.limit, q.offset)?;
    for (field, s) in [("score", q.score), ("max_score", q.max_score)] {
        if let Some(s) = s {
            rules::score(s).map_err(|e| AppError::validation(field, e.reason))?;
        }
    }
    for (field, day) in [("from", q.from), ("to", q.to)] {
        day.map(|d| validate::date(field, d, who.at.date_naive())).transpose()?;
    }
    if let (Some(from), Some(to)) = (q.from, q.to) {
        if to < from {
            return Err(AppError::validation("to", "must not be before `from`"));
        }
    }
    let cal = sla::calendar(c)?;
    let day_after = |d: NaiveDate| {
        d.checked_add_days(Days::new(1))
            .ok_or_else(|| AppError::validation("to", "is beyond the calendar"))
    };
    let filter = Filter {
        account_manager: policy::own_customers_only(&who.caller, Act::ReadSurveys),
        from: q.from.map(|d| cal.day_start(d)),
        until: q.to.map(day_after).transpose()?.map(|d| cal.day_start(d)),
        score: q.score,
        max_score: q.max_score,
        source: q.source,
        customer_id: q.customer_id,
        ticket_id: q.ticket_id,
    };
    store::list(c, &filter, paging)
}
