//! Service reports: the period's facts gathered in a few set-based queries (no query per row),
//! handed to `domain::report` for the figures; and the queries of the mailing job's record of
//! what it sent (the job itself is `service::reports::mail_due`).
//!
//! Scope: a report covers every customer, or the customers of one account manager
//! (`customers.account_manager_id`): their tickets, the revisits of those customers, the major
//! faults and visits of those tickets. The internal customer's tickets (the service department's
//! own, opened by a failed equipment check) are left out of every customer figure.
//!
//! Satisfaction comes from sources, each one query returning scores ([`satisfaction`]): the
//! revisit outcomes (calls) and the survey answers given through the link in the closing e-mail.
//!
//! Mailings: a row per (kind, period, recipient) — unique.

use super::schema::{
    acceptances, customers, major_faults, quotes, report_mailings, revisits, service_regions, surveys, ticket_events,
    tickets, users, visits,
};
use super::{sla as policy, ts, utc, DbConn};
use crate::domain::report::{
    self as rules, Clock, EscalationFact, Facts, Heading, MajorFaultFact, Period, QuoteFact, RevisitFact,
    SatisfactionSample, TicketFacts, VisitFact, Window,
};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    Channel, LadderTier, QuoteStatus, ReportKind, ReportMajorFault, RequestKind, RevisitStatus, Role, ServiceReport,
    SurveySource, TicketId, Tier, VisitStatus,
};
use std::collections::{HashMap, HashSet};

/// The customers of one account manager.
fn customers_of(
    am: i64,
) -> diesel::dsl::Select<
    diesel::dsl::Filter<customers::table, diesel::dsl::Eq<customers::account_manager_id, i64>>,
    customers::id,
> {
    customers::table
        .filter(customers::account_manager_id.eq(am))
        .select(customers::id)
}

/// The internal customers (the service department itself), whose tickets no customer figure
/// counts.
fn internal_customers(
) -> diesel::dsl::Select<diesel::dsl::Filter<customers::table, diesel::dsl::Eq<customers::internal, bool>>, customers::id>
{
    customers::table
        .filter(customers::internal.eq(true))
        .select(customers::id)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tickets)]
struct TicketRow {
    id: i64,
    channel: String,
    kind: String,
    customer_tier: String,
    region_id: Option<i64>,
    owner_id: i64,
    ladder_tier: String,
    opened_at: NaiveDateTime,
    onsite_at: Option<NaiveDateTime>,
    responded_at: Option<NaiveDateTime>,
    response_due_at: NaiveDateTime,
    departed_at: Option<NaiveDateTime>,
    departure_due_at: Option<NaiveDateTime>,
    arrived_at: Option<NaiveDateTime>,
    arrival_due_at: Option<NaiveDateTime>,
    resolved_at: Option<NaiveDateTime>,
    resolution_due_at: NaiveDateTime,
    closed_at: Option<NaiveDateTime>,
    closed_without_answer: bool,
    callback_due_at: Option<NaiveDateTime>,
    callback_done_at: Option<NaiveDateTime>,
}

fn stored<T>(what: &str, v: &str, f: fn(&str) -> Option<T>) -> AppResult<T> {
    f(v).ok_or_else(|| AppError::internal(format!("stored ticket {what} `{v}` is unknown")))
}

impl TicketRow {
    fn facts(&self, refused: bool) -> AppResult<TicketFacts> {
        let at = |t: Option<NaiveDateTime>| t.map(utc);
        let opened = utc(self.opened_at);
        Ok(TicketFacts {
            id: self.id,
            channel: stored("channel", &self.channel, Channel::parse)?,
            kind: stored("kind", &self.kind, RequestKind::parse)?,
            tier: stored("tier", &self.customer_tier, Tier::parse)?,
            region: self.region_id,
            owner: self.owner_id,
            ladder_tier: stored("ladder tier", &self.ladder_tier, LadderTier::parse)?,
            opened_at: opened,
            resolved_at: at(self.resolved_at),
            closed_at: at(self.closed_at),
            callback_requested: self.callback_due_at.is_some(),
            refused,
            closed_without_answer: self.closed_without_answer,
            response: Clock {
                start: Some(opened),
                due: Some(utc(self.response_due_at)),
                met: at(self.responded_at),
            },
            // Set off when a technician went en route, or arrived without that on record.
            departure: Clock {
                start: at(self.onsite_at),
                due: at(self.departure_due_at),
                met: at(self.departed_at.or(self.arrived_at)),
            },
            arrival: Clock {
                start: at(self.onsite_at),
                due: at(self.arrival_due_at),
                met: at(self.arrived_at),
            },
            resolution: Clock {
                start: Some(opened),
                due: Some(utc(self.resolution_due_at)),
                met: at(self.resolved_at),
            },
            callback: Clock {
                start: None,
                due: at(self.callback_due_at),
                met: at(self.callback_done_at),
            },
        })
    }
}

/// The instants of a period in the business calendar's zone, and its zone's name.
pub fn window(c: &mut DbConn, p: &Period, now: DateTime<Utc>) -> AppResult<(Window, String)> {
    let cal = policy::calendar(c)?;
    let w = Window {
        from: cal.day_start(p.from),
        to: cal.day_start(p.end()),
        now,
    };
    Ok((w, cal.tz.name().to_string()))
}

/// The report of a period, for every customer or for one account manager's.
pub fn service_report(
    c: &mut DbConn,
    period: &Period,
    account_manager: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<ServiceReport> {
    let (w, time_zone) = window(c, period, now)?;
    let facts = gather(c, &w, account_manager)?;
    let heading = Heading {
        period: *period,
        window: w,
        time_zone,
        account_manager,
    };
    Ok(rules::build(&heading, &facts))
}

fn gather(c: &mut DbConn, w: &Window, am: Option<i64>) -> AppResult<Facts> {
    let tickets_facts = ticket_facts(c, w, am)?;
    let escalations = escalation_facts(c, w, am)?;
    let major_faults = major_fault_facts(c, w, am)?;
    let revisit_facts = revisit_facts(c, w, am)?;
    let visit_facts = visit_facts(c, w, am)?;
    let satisfaction = satisfaction(c, w, am)?;
    let quotes = quote_facts(c, w, am)?;
    let cancelled = cancellations(c, w, am)?;
    let complaints = super::complaints::report_facts(c, w.from, w.to, am)?;
    let chases = super::supervision::chase_facts(c, w.from, w.to, am)?;
    let (names, regions) = names_and_regions(c, &tickets_facts, &visit_facts, &revisit_facts)?;
    Ok(Facts {
        tickets: tickets_facts,
        escalations,
        major_faults,
        revisits: revisit_facts,
        satisfaction,
        visits: visit_facts,
        quotes,
        complaints,
        chases,
        cancelled,
        quality: super::quality::review_facts(c, w)?,
        names,
        regions,
    })
}

/// The tickets cancelled in the period (opened by mistake: a duplicate, withdrawn).
fn cancellations(c: &mut DbConn, w: &Window, am: Option<i64>) -> AppResult<i64> {
    let (from, to) = (ts(w.from), ts(w.to));
    let mut q = ticket_events::table
        .inner_join(tickets::table)
        .filter(ticket_events::kind.eq("cancelled"))
        .filter(ticket_events::at.ge(from))
        .filter(ticket_events::at.lt(to))
        .filter(tickets::customer_id.ne_all(internal_customers()))
        .into_boxed();
    if let Some(am) = am {
        q = q.filter(tickets::customer_id.eq_any(customers_of(am)));
    }
    Ok(q.count().get_result(c)?)
}

fn ticket_facts(c: &mut DbConn, w: &Window, am: Option<i64>) -> AppResult<Vec<TicketFacts>> {
    let (from, to) = (ts(w.from), ts(w.to));
    // Every ticket that was open at some time in the period: all its clocks that can settle in
    // it, its receipt and its closing are among these.
    let mut q = tickets::table
        .filter(tickets::opened_at.lt(to))
        .filter(tickets::closed_at.is_null().or(tickets::closed_at.ge(from)))
        .filter(tickets::customer_id.ne_all(internal_customers()))
        .into_boxed();
    if let Some(am) = am {
        q = q.filter(tickets::customer_id.eq_any(customers_of(am)));
    }
    let rows: Vec<TicketRow> = q.select(TicketRow::as_select()).load(c)?;

    // Tickets closed in the period whose result the customer once refused.
    let mut q = acceptances::table
        .inner_join(tickets::table)
        .filter(acceptances::satisfied.eq(false))
        .filter(tickets::closed_at.ge(from))
        .filter(tickets::closed_at.lt(to))
        .filter(tickets::customer_id.ne_all(internal_customers()))
        .into_boxed();
    if let Some(am) = am {
        q = q.filter(tickets::customer_id.eq_any(customers_of(am)));
    }
    let refused: HashSet<i64> = q.select(acceptances::ticket_id).load::<i64>(c)?.into_iter().collect();
    let tickets_facts = rows
        .iter()
        .map(|r| r.facts(refused.contains(&r.id)))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(tickets_facts)
}

fn escalation_facts(c: &mut DbConn, w: &Window, am: Option<i64>) -> AppResult<Vec<EscalationFact>> {
    let (from, to) = (ts(w.from), ts(w.to));
    let mut q = ticket_events::table
        .inner_join(tickets::table)
        .filter(ticket_events::kind.eq("escalated"))
        .filter(ticket_events::at.ge(from))
        .filter(ticket_events::at.lt(to))
        .filter(tickets::customer_id.ne_all(internal_customers()))
        .into_boxed();
    if let Some(am) = am {
        q = q.filter(tickets::customer_id.eq_any(customers_of(am)));
    }
    // An escalation without a user was made by the service (a climb when a tier's limit passed).
    let moves: Vec<(Option<String>, Option<String>, Option<i64>)> = q
        .select((
            ticket_events::from_value,
            ticket_events::to_value,
            ticket_events::actor_id,
        ))
        .load(c)?;
    let escalations: Vec<EscalationFact> = moves
        .into_iter()
        .filter_map(|(from, to, actor)| {
            let to = LadderTier::parse(to.as_deref()?)?;
            let from = from
                .as_deref()
                .and_then(LadderTier::parse)
                .unwrap_or(LadderTier::Hotline);
            Some(EscalationFact {
                to,
                skipped_tier: to.rank().saturating_sub(from.rank()) > 1,
                automatic: actor.is_none(),
            })
        })
        .collect();
    Ok(escalations)
}

fn major_fault_facts(c: &mut DbConn, w: &Window, am: Option<i64>) -> AppResult<Vec<MajorFaultFact>> {
    let (from, to) = (ts(w.from), ts(w.to));
    let mut q = major_faults::table
        .inner_join(tickets::table.inner_join(customers::table))
        .filter(major_faults::occurred_at.lt(to))
        .filter(major_faults::ended_at.is_null().or(major_faults::ended_at.ge(from)))
        .filter(customers::internal.eq(false))
        .into_boxed();
    if let Some(am) = am {
        q = q.filter(customers::account_manager_id.eq(am));
    }
    type FaultTuple = (
        NaiveDateTime,
        i64,
        String,
        String,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
    );
    let faults: Vec<FaultTuple> = q
        .select((
            major_faults::reported_at,
            tickets::id,
            tickets::number,
            customers::name,
            major_faults::location,
            major_faults::occurred_at,
            major_faults::ended_at,
        ))
        .load(c)?;
    let major_faults: Vec<MajorFaultFact> = faults
        .into_iter()
        .map(
            |(reported, id, number, customer, location, occurred, ended)| MajorFaultFact {
                reported_at: utc(reported),
                fault: ReportMajorFault {
                    ticket_id: TicketId(id),
                    ticket_number: number,
                    customer_name: customer,
                    location,
                    occurred_at: utc(occurred),
                    ended_at: ended.map(utc),
                },
            },
        )
        .collect();
    Ok(major_faults)
}

fn revisit_facts(c: &mut DbConn, w: &Window, am: Option<i64>) -> AppResult<Vec<RevisitFact>> {
    let done: Vec<(Option<i64>, Option<bool>, Option<i64>)> = done_revisits(w, am)
        .select((revisits::done_by, revisits::reached, revisits::opened_ticket_id))
        .load(c)?;
    let revisit_facts: Vec<RevisitFact> = done
        .into_iter()
        .map(|(by, reached, opened)| RevisitFact {
            done_by: by,
            reached: reached == Some(true),
            opened_ticket: opened.is_some(),
        })
        .collect();
    Ok(revisit_facts)
}

fn visit_facts(c: &mut DbConn, w: &Window, am: Option<i64>) -> AppResult<Vec<VisitFact>> {
    let (from, to) = (ts(w.from), ts(w.to));
    let finished = [VisitStatus::Completed, VisitStatus::Failed, VisitStatus::NeedsRevisit].map(|s| s.as_str());
    let mut q = visits::table
        .inner_join(tickets::table)
        .filter(visits::finished_at.ge(from))
        .filter(visits::finished_at.lt(to))
        .filter(visits::status.eq_any(finished))
        .filter(tickets::customer_id.ne_all(internal_customers()))
        .into_boxed();
    if let Some(am) = am {
        q = q.filter(tickets::customer_id.eq_any(customers_of(am)));
    }
    type VisitTuple = (Option<i64>, String, Option<NaiveDateTime>, NaiveDateTime, Option<i32>);
    let vs: Vec<VisitTuple> = q
        .select((
            visits::technician_id,
            visits::status,
            visits::checked_in_at,
            visits::window_end,
            visits::time_spent_minutes,
        ))
        .load(c)?;
    let visit_facts: Vec<VisitFact> = vs
        .into_iter()
        .filter_map(|(tech, status, checked_in, window_end, minutes)| {
            Some(VisitFact {
                technician: tech?,
                status: VisitStatus::parse(&status)?,
                checked_in_at: checked_in.map(utc),
                window_end: utc(window_end),
                minutes_on_site: minutes,
            })
        })
        .collect();
    Ok(visit_facts)
}

/// The quotes made in the period or whose answer was recorded in it (of the account manager's
/// customers).
fn quote_facts(c: &mut DbConn, w: &Window, am: Option<i64>) -> AppResult<Vec<QuoteFact>> {
    let (from, to) = (ts(w.from), ts(w.to));
    let mut q = quotes::table
        .inner_join(tickets::table)
        .filter(
            quotes::made_at
                .ge(from)
                .and(quotes::made_at.lt(to))
                .or(quotes::answer_recorded_at
                    .ge(from)
                    .and(quotes::answer_recorded_at.lt(to))),
        )
        .filter(tickets::customer_id.ne_all(internal_customers()))
        .into_boxed();
    if let Some(am) = am {
        q = q.filter(tickets::customer_id.eq_any(customers_of(am)));
    }
    let rows: Vec<(NaiveDateTime, Option<NaiveDateTime>, String)> = q
        .select((quotes::made_at, quotes::answer_recorded_at, quotes::status))
        .load(c)?;
    let within = |t: NaiveDateTime| t >= from && t < to;
    Ok(rows
        .into_iter()
        .map(|(made, answered, status)| QuoteFact {
            made_in_period: within(made),
            answered_in_period: answered
                .filter(|a| within(*a))
                .and_then(|_| QuoteStatus::parse(&status)),
        })
        .collect())
}

/// The names of the people and regions the facts mention.
type Names = (HashMap<i64, String>, HashMap<i64, String>);

fn names_and_regions(
    c: &mut DbConn,
    tickets_facts: &[TicketFacts],
    visit_facts: &[VisitFact],
    revisit_facts: &[RevisitFact],
) -> AppResult<Names> {
    let mut people: HashSet<i64> = tickets_facts.iter().map(|t| t.owner).collect();
    people.extend(visit_facts.iter().map(|v| v.technician));
    people.extend(revisit_facts.iter().filter_map(|r| r.done_by));
    let names = super::users::display_names(c, &people.into_iter().collect::<Vec<_>>())?;
    let region_ids: HashSet<i64> = tickets_facts.iter().filter_map(|t| t.region).collect();
    let regions: HashMap<i64, String> = service_regions::table
        .filter(service_regions::id.eq_any(region_ids.into_iter().collect::<Vec<_>>()))
        .select((service_regions::id, service_regions::name))
        .load(c)?
        .into_iter()
        .collect();
    Ok((names, regions))
}

/// The revisits done in the period (of the account manager's customers).
fn done_revisits(w: &Window, am: Option<i64>) -> revisits::BoxedQuery<'static, <DbConn as Connection>::Backend> {
    let mut q = revisits::table
        .filter(revisits::status.eq(RevisitStatus::Done.as_str()))
        .filter(revisits::done_at.ge(ts(w.from)))
        .filter(revisits::done_at.lt(ts(w.to)))
        .into_boxed();
    if let Some(am) = am {
        q = q.filter(revisits::customer_id.eq_any(customers_of(am)));
    }
    q
}

/// The satisfaction scores given in the period, from every source.
fn satisfaction(c: &mut DbConn, w: &Window, am: Option<i64>) -> AppResult<Vec<SatisfactionSample>> {
    let mut samples = revisit_scores(c, w, am)?;
    samples.extend(link_scores(c, w, am)?);
    samples.sort_by_key(|s| s.source);
    Ok(samples)
}

/// Scores of the revisits done in the period.
fn revisit_scores(c: &mut DbConn, w: &Window, am: Option<i64>) -> AppResult<Vec<SatisfactionSample>> {
    let scores: Vec<Option<i32>> = done_revisits(w, am)
        .filter(revisits::score.is_not_null())
        .select(revisits::score)
        .load(c)?;
    Ok(scores
        .into_iter()
        .flatten()
        .map(|score| SatisfactionSample {
            source: "revisit",
            score,
        })
        .collect())
}

/// Scores the customers gave through the survey link in the closing e-mail, in the period. A
/// score told on the satisfaction call is also a survey (source `revisit`), counted above with
/// its revisit, so only the link's answers are read here.
fn link_scores(c: &mut DbConn, w: &Window, am: Option<i64>) -> AppResult<Vec<SatisfactionSample>> {
    let mut q = surveys::table
        .filter(surveys::source.eq(SurveySource::Link.as_str()))
        .filter(surveys::answered_at.ge(ts(w.from)))
        .filter(surveys::answered_at.lt(ts(w.to)))
        .select(surveys::score)
        .into_boxed();
    if let Some(am) = am {
        q = q.filter(surveys::customer_id.eq_any(customers_of(am)));
    }
    let scores: Vec<i32> = q.load(c)?;
    Ok(scores
        .into_iter()
        .map(|score| SatisfactionSample { source: "link", score })
        .collect())
}

/// Whether a user has the role.
pub fn user_has_role(c: &mut DbConn, id: i64, role: Role) -> AppResult<bool> {
    let stored: Option<String> = users::table.find(id).select(users::role).first(c).optional()?;
    Ok(stored.as_deref() == Some(role.as_str()))
}

// ---------------------------------------------------------------- the mailing job's queries

/// Someone the reports may go to, with their stored role.
#[derive(Debug, Clone)]
pub struct RecipientRow {
    pub id: i64,
    pub role: String,
    pub name: String,
    pub email: String,
}

/// Every active user with an e-mail address who has one of the roles of `all`, or one of the
/// roles of `own` and customers they manage; by id.
pub fn recipients(c: &mut DbConn, all: &[Role], own: &[Role]) -> AppResult<Vec<RecipientRow>> {
    let names = |roles: &[Role]| roles.iter().map(|r| r.as_str()).collect::<Vec<_>>();
    let with_customers = customers::table
        .filter(customers::account_manager_id.is_not_null())
        .select(customers::account_manager_id.assume_not_null());
    let rows: Vec<(i64, String, String, Option<String>)> = users::table
        .filter(users::active.eq(true))
        .filter(users::email.is_not_null())
        .filter(
            users::role
                .eq_any(names(all))
                .or(users::role.eq_any(names(own)).and(users::id.eq_any(with_customers))),
        )
        .order(users::id)
        .select((users::id, users::role, users::display_name, users::email))
        .load(c)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, role, name, email)| {
            Some(RecipientRow {
                id,
                role,
                name,
                email: email.filter(|e| !e.trim().is_empty())?,
            })
        })
        .collect())
}

/// The start of the latest period of a kind that was mailed to anyone.
pub fn last_mailed(c: &mut DbConn, kind: ReportKind) -> AppResult<Option<NaiveDate>> {
    Ok(report_mailings::table
        .filter(report_mailings::kind.eq(kind.as_str()))
        .select(diesel::dsl::max(report_mailings::period_start))
        .first(c)?)
}

/// Who had the report of a kind and period.
pub fn mailed_to(c: &mut DbConn, kind: ReportKind, label: &str) -> AppResult<HashSet<i64>> {
    Ok(report_mailings::table
        .filter(report_mailings::kind.eq(kind.as_str()))
        .filter(report_mailings::period.eq(label))
        .select(report_mailings::recipient_id)
        .load::<i64>(c)?
        .into_iter()
        .collect())
}

/// A mailing's record.
pub struct NewMailing<'a> {
    pub period: &'a Period,
    pub label: &'a str,
    pub recipient_id: i64,
    pub account_manager_id: Option<i64>,
    pub outbox_id: i64,
    pub at: DateTime<Utc>,
}

/// Records a mailing; `AppError::Duplicate` when the recipient had the period's report.
pub fn insert_mailing(c: &mut DbConn, m: &NewMailing<'_>) -> AppResult<i64> {
    Ok(diesel::insert_into(report_mailings::table)
        .values((
            report_mailings::kind.eq(m.period.kind.as_str()),
            report_mailings::period.eq(m.label),
            report_mailings::period_start.eq(m.period.from),
            report_mailings::recipient_id.eq(m.recipient_id),
            report_mailings::account_manager_id.eq(m.account_manager_id),
            report_mailings::outbox_id.eq(m.outbox_id),
            report_mailings::created_at.eq(ts(m.at)),
        ))
        .returning(report_mailings::id)
        .get_result(c)?)
}
