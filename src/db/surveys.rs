//! Satisfaction surveys after closure: the closing e-mail with its survey link, the customer's
//! answer through the link, the answer told on the satisfaction revisit's call, and the staff's
//! reading.
//!
//! A link is a signed token (`auth::tokens::SurveyClaims`) naming the ticket; only its `jti` is
//! stored, with the recipient and the expiry, and `used_at` once the customer answered through
//! it. A ticket has at most one answer (`ticket_id` unique). Each write, in the transaction of
//! the change that causes it, records its audit event (entities `survey_link` and `survey`) and
//! the ticket's timeline event.

use super::audit::{self, snapshot, Actor};
use super::major_faults::local;
use super::outbox::{self, OutboxMail};
use super::schema::{customers, survey_links, surveys, tickets as tickets_t};
use super::tickets::{self, TicketRow};
use super::{ts, utc, write, DbConn, Paging};
use crate::auth::tokens::TokenKeys;
use crate::domain::revisit::{COMMENT_MAX, SCORE_MAX, SCORE_MIN};
use crate::domain::survey::{self as rules, Answer, Refusal};
use crate::error::{AppError, AppResult};
use crate::mail::{self, templates};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    CustomerId, MailKind, Page, RevisitId, Role, Survey, SurveyForm, SurveyId, SurveyReceipt, SurveySource, TicketId,
    UserId,
};
use serde_json::json;

// ---------------------------------------------------------------- rows

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = survey_links)]
struct LinkRow {
    id: i64,
    ticket_id: i64,
    recipient: String,
    issued_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    used_at: Option<NaiveDateTime>,
}

impl LinkRow {
    /// The link as the trail shows it (never the token).
    fn trail(&self) -> serde_json::Value {
        json!({
            "id": self.id, "ticket_id": self.ticket_id, "recipient": self.recipient,
            "issued_at": utc(self.issued_at), "expires_at": utc(self.expires_at),
            "used_at": self.used_at.map(utc),
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = surveys)]
struct SurveyRow {
    id: i64,
    ticket_id: i64,
    customer_id: i64,
    score: i32,
    comment: Option<String>,
    source: String,
    revisit_id: Option<i64>,
    recorded_by: Option<i64>,
    answered_at: NaiveDateTime,
}

impl SurveyRow {
    fn to_wire(&self, ticket_number: String, customer_name: String) -> AppResult<Survey> {
        Ok(Survey {
            id: SurveyId(self.id),
            ticket_id: TicketId(self.ticket_id),
            ticket_number,
            customer_id: CustomerId(self.customer_id),
            customer_name,
            score: self.score,
            comment: self.comment.clone(),
            source: SurveySource::parse(&self.source)
                .ok_or_else(|| AppError::internal(format!("stored survey source `{}` is unknown", self.source)))?,
            revisit_id: self.revisit_id.map(RevisitId),
            recorded_by: self.recorded_by.map(UserId),
            answered_at: utc(self.answered_at),
        })
    }
}

type Listed = (SurveyRow, String, String);

fn wire((row, number, name): Listed) -> AppResult<Survey> {
    row.to_wire(number, name)
}

fn get_wire(c: &mut DbConn, id: i64) -> AppResult<Survey> {
    let found: Listed = surveys::table
        .inner_join(tickets_t::table.on(tickets_t::id.eq(surveys::ticket_id)))
        .inner_join(customers::table.on(customers::id.eq(surveys::customer_id)))
        .filter(surveys::id.eq(id))
        .select((SurveyRow::as_select(), tickets_t::number, customers::name))
        .first(c)?;
    wire(found)
}

fn answered(c: &mut DbConn, ticket_id: i64) -> AppResult<bool> {
    Ok(surveys::table
        .filter(surveys::ticket_id.eq(ticket_id))
        .select(surveys::id)
        .first::<i64>(c)
        .optional()?
        .is_some())
}

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
    let id: i64 = diesel::insert_into(surveys::table)
        .values((
            surveys::ticket_id.eq(ticket.id),
            surveys::customer_id.eq(ticket.customer_id),
            surveys::score.eq(a.score),
            surveys::comment.eq(a.comment.as_deref()),
            surveys::source.eq(source.as_str()),
            surveys::link_id.eq(link_id),
            surveys::revisit_id.eq(revisit_id),
            surveys::recorded_by.eq(recorded_by),
            surveys::answered_at.eq(ts(actor.at)),
        ))
        .returning(surveys::id)
        .get_result(c)
        .map_err(|e| match AppError::from(e) {
            AppError::Duplicate { .. } => AppError::SurveyAnswered(Refusal::Answered.explain().into()),
            other => other,
        })?;
    let created = get_wire(c, id)?;
    audit::record(c, actor, "survey", id, "create", None, snapshot(&created))?;
    tickets::record_event(
        c,
        ticket.id,
        actor,
        "survey_answered",
        None,
        Some(&a.score.to_string()),
        None,
        Some(json!({"survey_id": id, "score": a.score, "source": source, "revisit_id": revisit_id})),
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
    if answered(c, ticket_id)? {
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
    match c.transaction(|c| insert(c, actor, &ticket, &answer, via)) {
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
    let address = match ticket.contact_email.as_deref().map(mail::parse_address) {
        Some(Ok(a)) => a,
        unusable => {
            let why = match unusable {
                Some(Err(_)) => "the ticket's contact e-mail address is not usable",
                _ => "the ticket has no contact e-mail address",
            };
            tickets::record_event(
                c,
                ticket.id,
                actor,
                "mail_skipped",
                None,
                Some(MailKind::TicketClosed.as_str()),
                Some(why),
                None,
            )?;
            return Ok(());
        }
    };
    let jti = uuid::Uuid::new_v4().to_string();
    let expires_at = actor.at + s.link_ttl;
    let link = LinkRow {
        id: 0,
        ticket_id: ticket.id,
        recipient: address.clone(),
        issued_at: ts(actor.at),
        expires_at: ts(expires_at),
        used_at: None,
    };
    let link = LinkRow {
        id: diesel::insert_into(survey_links::table)
            .values((
                survey_links::ticket_id.eq(link.ticket_id),
                survey_links::jti.eq(&jti),
                survey_links::recipient.eq(&link.recipient),
                survey_links::issued_at.eq(link.issued_at),
                survey_links::expires_at.eq(link.expires_at),
            ))
            .returning(survey_links::id)
            .get_result(c)?,
        ..link
    };
    audit::record(c, actor, "survey_link", link.id, "create", None, Some(link.trail()))?;
    let token = s.keys.issue_survey(ticket.id, &jti, actor.at, expires_at)?;
    let tz = super::sla::calendar(c)?.tz;
    let rendered = templates::ticket_closed(&templates::ClosingNotice {
        ticket_number: ticket.number.clone(),
        ticket_title: ticket.title.clone(),
        contact_name: ticket.contact_name.clone(),
        closed_at: local(ticket.closed_at.map_or(actor.at, utc), tz),
        link: format!("{}/survey/{token}", s.public_url),
        expires_at: local(expires_at, tz),
    })
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

// ---------------------------------------------------------------- the customer's link

/// The stored link a verified token names, with its ticket; "not found" when there is none.
fn link_of(c: &mut DbConn, keys: &TokenKeys, token: &str, now: DateTime<Utc>) -> AppResult<(LinkRow, TicketRow)> {
    let claims = keys.verify_survey(token, now)?;
    let link: LinkRow = survey_links::table
        .filter(survey_links::jti.eq(&claims.registered.jti))
        .filter(survey_links::ticket_id.eq(claims.ticket))
        .select(LinkRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::NotFound("no such survey link".into()))?;
    let ticket = tickets::get(c, link.ticket_id)?;
    Ok((link, ticket))
}

/// Refuses a link that was used, whose ticket was answered otherwise, or that expired.
fn usable(c: &mut DbConn, link: &LinkRow, now: DateTime<Utc>) -> AppResult<()> {
    let answered = answered(c, link.ticket_id)?;
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
    a: &Answer,
    now: DateTime<Utc>,
) -> AppResult<SurveyReceipt> {
    let actor = Actor::system(now);
    write(c, |c| {
        let (link, ticket) = link_of(c, keys, token, now)?;
        usable(c, &link, now)?;
        let claimed = diesel::update(
            survey_links::table
                .filter(survey_links::id.eq(link.id))
                .filter(survey_links::used_at.is_null()),
        )
        .set(survey_links::used_at.eq(Some(ts(now))))
        .execute(c)?;
        if claimed == 0 {
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
        let survey = insert(c, &actor, &ticket, a, Via::Link(link.id))?;
        Ok(SurveyReceipt {
            ticket_number: survey.ticket_number,
            score: survey.score,
            comment: survey.comment,
            answered_at: survey.answered_at,
        })
    })
}

// ---------------------------------------------------------------- staff reading

/// Who reads surveys: supervisors, managers and admins every one, account managers those of the
/// customers they manage.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub id: i64,
    pub role: Role,
}

/// The roles that read surveys at all (each within its reach).
pub const READERS: &[Role] = &[Role::Supervisor, Role::Manager, Role::AccountManager];

/// A ticket's survey answer; "not found" when there is none yet, or for an account manager
/// when the ticket's customer is not theirs.
pub fn of_ticket(c: &mut DbConn, v: Viewer, ticket_id: i64) -> AppResult<Survey> {
    let manager: Option<i64> = tickets_t::table
        .inner_join(customers::table)
        .filter(tickets_t::id.eq(ticket_id))
        .select(customers::account_manager_id)
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("ticket", ticket_id))?;
    if v.role == Role::AccountManager && manager != Some(v.id) {
        return Err(AppError::not_found("ticket", ticket_id));
    }
    let id: i64 = surveys::table
        .filter(surveys::ticket_id.eq(ticket_id))
        .select(surveys::id)
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("ticket {ticket_id} has no survey answer yet")))?;
    get_wire(c, id)
}

#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Answered at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Answered before this instant.
    pub until: Option<DateTime<Utc>>,
    pub score: Option<i32>,
    pub max_score: Option<i32>,
    pub source: Option<SurveySource>,
    pub customer_id: Option<i64>,
    pub ticket_id: Option<i64>,
}

/// The answers the viewer may read, the latest first.
pub fn list(c: &mut DbConn, v: Viewer, f: &Filter, paging: Paging) -> AppResult<Page<Survey>> {
    let query = || {
        let mut q = surveys::table
            .inner_join(tickets_t::table.on(tickets_t::id.eq(surveys::ticket_id)))
            .inner_join(customers::table.on(customers::id.eq(surveys::customer_id)))
            .into_boxed();
        if v.role == Role::AccountManager {
            q = q.filter(customers::account_manager_id.eq(v.id));
        }
        if let Some(t) = f.from {
            q = q.filter(surveys::answered_at.ge(ts(t)));
        }
        if let Some(t) = f.until {
            q = q.filter(surveys::answered_at.lt(ts(t)));
        }
        if let Some(s) = f.score {
            q = q.filter(surveys::score.eq(s));
        }
        if let Some(s) = f.max_score {
            q = q.filter(surveys::score.le(s));
        }
        if let Some(s) = f.source {
            q = q.filter(surveys::source.eq(s.as_str()));
        }
        if let Some(cu) = f.customer_id {
            q = q.filter(surveys::customer_id.eq(cu));
        }
        if let Some(t) = f.ticket_id {
            q = q.filter(surveys::ticket_id.eq(t));
        }
        q
    };
    let total = query().count().get_result(c)?;
    let rows: Vec<Listed> = query()
        .order((surveys::answered_at.desc(), surveys::id.desc()))
        .limit(paging.limit)
        .offset(paging.offset)
        .select((SurveyRow::as_select(), tickets_t::number, customers::name))
        .load(c)?;
    let items = rows.into_iter().map(wire).collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}
