//! Service reports: the period's facts gathered in a few set-based queries (no query per row),
//! handed to `domain::report` for the figures; and the mailing job's record of what it sent.
//!
//! Scope: a report covers every customer, or the customers of one account manager
//! (`customers.account_manager_id`): their tickets, the revisits of those customers, the major
//! faults and visits of those tickets.
//!
//! Satisfaction comes from sources, each one query returning scores ([`satisfaction`]): the
//! revisit outcomes (calls) and the survey answers given through the link in the closing e-mail.
//!
//! Mailings: a row per (kind, period, recipient) — unique — written in the transaction of its
//! outbox row, so no second run, second node or catch-up sends a report twice.

use super::audit::{self, Actor};
use super::outbox::{self, OutboxMail};
use super::schema::{
    acceptances, customers, major_faults, report_mailings, revisits, service_regions, surveys, ticket_events, tickets,
    users, visits,
};
use super::{sla as policy, ts, utc, write, DbConn};
use crate::domain::report::{
    self as rules, Clock, EscalationFact, Facts, Heading, MajorFaultFact, Period, RevisitFact, SatisfactionSample,
    TicketFacts, VisitFact, Window,
};
use crate::error::{AppError, AppResult};
use crate::mail::templates;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    Channel, LadderTier, MailKind, ReportKind, ReportMajorFault, RevisitStatus, Role, ServiceReport, SurveySource,
    TicketId, Tier, VisitStatus,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// Past periods of a kind the mailing job catches up at most after downtime.
pub const MAX_CATCH_UP: usize = 8;

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

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tickets)]
struct TicketRow {
    id: i64,
    channel: String,
    customer_tier: String,
    region_id: Option<i64>,
    owner_id: i64,
    ladder_tier: String,
    opened_at: NaiveDateTime,
    onsite_at: Option<NaiveDateTime>,
    responded_at: Option<NaiveDateTime>,
    response_due_at: NaiveDateTime,
    arrived_at: Option<NaiveDateTime>,
    arrival_due_at: Option<NaiveDateTime>,
    resolved_at: Option<NaiveDateTime>,
    resolution_due_at: NaiveDateTime,
    closed_at: Option<NaiveDateTime>,
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
            tier: stored("tier", &self.customer_tier, Tier::parse)?,
            region: self.region_id,
            owner: self.owner_id,
            ladder_tier: stored("ladder tier", &self.ladder_tier, LadderTier::parse)?,
            opened_at: opened,
            resolved_at: at(self.resolved_at),
            closed_at: at(self.closed_at),
            callback_requested: self.callback_due_at.is_some(),
            refused,
            response: Clock {
                start: Some(opened),
                due: Some(utc(self.response_due_at)),
                met: at(self.responded_at),
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
    let (from, to) = (ts(w.from), ts(w.to));

    // Every ticket that was open at some time in the period: all its clocks that can settle in
    // it, its receipt and its closing are among these.
    let mut q = tickets::table
        .filter(tickets::opened_at.lt(to))
        .filter(tickets::closed_at.is_null().or(tickets::closed_at.ge(from)))
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
        .into_boxed();
    if let Some(am) = am {
        q = q.filter(tickets::customer_id.eq_any(customers_of(am)));
    }
    let refused: HashSet<i64> = q.select(acceptances::ticket_id).load::<i64>(c)?.into_iter().collect();
    let tickets_facts = rows
        .iter()
        .map(|r| r.facts(refused.contains(&r.id)))
        .collect::<AppResult<Vec<_>>>()?;

    let mut q = ticket_events::table
        .inner_join(tickets::table)
        .filter(ticket_events::kind.eq("escalated"))
        .filter(ticket_events::at.ge(from))
        .filter(ticket_events::at.lt(to))
        .into_boxed();
    if let Some(am) = am {
        q = q.filter(tickets::customer_id.eq_any(customers_of(am)));
    }
    let moves: Vec<(Option<String>, Option<String>)> =
        q.select((ticket_events::from_value, ticket_events::to_value)).load(c)?;
    let escalations = moves
        .into_iter()
        .filter_map(|(from, to)| {
            let to = LadderTier::parse(to.as_deref()?)?;
            let from = from
                .as_deref()
                .and_then(LadderTier::parse)
                .unwrap_or(LadderTier::Hotline);
            Some(EscalationFact {
                to,
                skipped_tier: to.rank().saturating_sub(from.rank()) > 1,
            })
        })
        .collect();

    let mut q = major_faults::table
        .inner_join(tickets::table.inner_join(customers::table))
        .filter(major_faults::occurred_at.lt(to))
        .filter(major_faults::ended_at.is_null().or(major_faults::ended_at.ge(from)))
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
    let major_faults = faults
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

    let finished = [VisitStatus::Completed, VisitStatus::Failed, VisitStatus::NeedsRevisit].map(|s| s.as_str());
    let mut q = visits::table
        .inner_join(tickets::table)
        .filter(visits::finished_at.ge(from))
        .filter(visits::finished_at.lt(to))
        .filter(visits::status.eq_any(finished))
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

    let satisfaction = satisfaction(c, w, am)?;

    let mut people: HashSet<i64> = tickets_facts.iter().map(|t| t.owner).collect();
    people.extend(visit_facts.iter().map(|v| v.technician));
    people.extend(revisit_facts.iter().filter_map(|r| r.done_by));
    let names: HashMap<i64, String> = users::table
        .filter(users::id.eq_any(people.into_iter().collect::<Vec<_>>()))
        .select((users::id, users::display_name))
        .load(c)?
        .into_iter()
        .collect();
    let region_ids: HashSet<i64> = tickets_facts.iter().filter_map(|t| t.region).collect();
    let regions: HashMap<i64, String> = service_regions::table
        .filter(service_regions::id.eq_any(region_ids.into_iter().collect::<Vec<_>>()))
        .select((service_regions::id, service_regions::name))
        .load(c)?
        .into_iter()
        .collect();

    Ok(Facts {
        tickets: tickets_facts,
        escalations,
        major_faults,
        revisits: revisit_facts,
        satisfaction,
        visits: visit_facts,
        names,
        regions,
    })
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

/// Whether a user is an account manager.
pub fn is_account_manager(c: &mut DbConn, id: i64) -> AppResult<bool> {
    let role: Option<String> = users::table.find(id).select(users::role).first(c).optional()?;
    Ok(role.as_deref() == Some(Role::AccountManager.as_str()))
}

// ---------------------------------------------------------------- the mailing job

/// Someone the reports go to.
#[derive(Debug, Clone)]
struct Recipient {
    id: i64,
    name: String,
    email: String,
    /// Set for an account manager: the report covers their customers.
    account_manager: Option<i64>,
}

/// Every active manager (the whole service), and every active account manager with customers
/// (their customers), who has an e-mail address.
fn recipients(c: &mut DbConn) -> AppResult<Vec<Recipient>> {
    let with_customers = customers::table
        .filter(customers::account_manager_id.is_not_null())
        .select(customers::account_manager_id.assume_not_null());
    let rows: Vec<(i64, String, String, Option<String>)> = users::table
        .filter(users::active.eq(true))
        .filter(users::email.is_not_null())
        .filter(
            users::role.eq(Role::Manager.as_str()).or(users::role
                .eq(Role::AccountManager.as_str())
                .and(users::id.eq_any(with_customers))),
        )
        .order(users::id)
        .select((users::id, users::role, users::display_name, users::email))
        .load(c)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, role, name, email)| {
            Some(Recipient {
                id,
                name,
                email: email.filter(|e| !e.trim().is_empty())?,
                account_manager: (role == Role::AccountManager.as_str()).then_some(id),
            })
        })
        .collect())
}

/// What the mailing job needs from the settings.
#[derive(Debug, Clone)]
pub struct MailingSettings {
    pub id_domain: String,
}

/// The job `report_mailing`: for the weekly and the monthly report, every period owed
/// (`domain::report::due_periods`: the last complete one, and after downtime the ones missed
/// since the latest sent), to every recipient who has not had it: an HTML e-mail through the
/// outbox and its mailing row, in one transaction each. Returns (recipient-periods examined,
/// reports queued).
pub fn mail_due(c: &mut DbConn, now: DateTime<Utc>, s: &MailingSettings) -> AppResult<(i64, i64)> {
    let today = policy::calendar(c)?.local_date(now);
    let people = recipients(c)?;
    let (mut examined, mut queued) = (0i64, 0i64);
    if people.is_empty() {
        return Ok((0, 0));
    }
    for kind in [ReportKind::Weekly, ReportKind::Monthly] {
        let last: Option<NaiveDate> = report_mailings::table
            .filter(report_mailings::kind.eq(kind.as_str()))
            .select(diesel::dsl::max(report_mailings::period_start))
            .first(c)?;
        for period in rules::due_periods(kind, today, last, MAX_CATCH_UP) {
            let label = period.label();
            let had: HashSet<i64> = report_mailings::table
                .filter(report_mailings::kind.eq(kind.as_str()))
                .filter(report_mailings::period.eq(&label))
                .select(report_mailings::recipient_id)
                .load::<i64>(c)?
                .into_iter()
                .collect();
            let mut reports: HashMap<Option<i64>, ServiceReport> = HashMap::new();
            for r in &people {
                examined += 1;
                if had.contains(&r.id) {
                    continue;
                }
                let report = match reports.get(&r.account_manager) {
                    Some(rep) => rep.clone(),
                    None => {
                        let rep = service_report(c, &period, r.account_manager, now)?;
                        reports.insert(r.account_manager, rep.clone());
                        rep
                    }
                };
                match send(c, now, s, &period, r, &report) {
                    Ok(true) => queued += 1,
                    Ok(false) => {}
                    Err(e) => tracing::warn!(
                        report = %label, recipient = r.id, error = %e,
                        "service report not queued; the next run tries again"
                    ),
                }
            }
        }
    }
    Ok((examined, queued))
}

/// Queues one report to one recipient with its mailing row; false when another run got there first.
fn send(
    c: &mut DbConn,
    now: DateTime<Utc>,
    s: &MailingSettings,
    period: &Period,
    r: &Recipient,
    report: &ServiceReport,
) -> AppResult<bool> {
    let audience = r.account_manager.map(|_| r.name.as_str());
    let rendered = templates::service_report(report, audience)
        .map_err(|e| AppError::internal(format!("service report template: {e}")))?;
    let actor = Actor::system(now);
    let label = period.label();
    let res = write(c, |c| {
        let mail = OutboxMail::new(
            &s.id_domain,
            MailKind::ServiceReport,
            vec![r.email.clone()],
            rendered.subject.clone(),
            rendered.text.clone(),
        )
        .html(rendered.html.clone());
        let outbox_id = outbox::enqueue(c, &actor, mail)?;
        let id: i64 = diesel::insert_into(report_mailings::table)
            .values((
                report_mailings::kind.eq(period.kind.as_str()),
                report_mailings::period.eq(&label),
                report_mailings::period_start.eq(period.from),
                report_mailings::recipient_id.eq(r.id),
                report_mailings::account_manager_id.eq(r.account_manager),
                report_mailings::outbox_id.eq(outbox_id.0),
                report_mailings::created_at.eq(ts(now)),
            ))
            .returning(report_mailings::id)
            .get_result(c)?;
        let after = json!({
            "kind": period.kind, "period": label, "recipient_id": r.id,
            "account_manager_id": r.account_manager, "outbox_id": outbox_id.0,
        });
        audit::record(c, &actor, "report_mailing", id, "create", None, Some(after))?;
        Ok::<_, AppError>(())
    });
    match res {
        Ok(()) => Ok(true),
        Err(AppError::Duplicate { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}
