//! Fault analysis reports: start one from the prefilled draft, edit it, submit it, approve or
//! return it, send it through the outbox, start a corrected revision; read one and list them.
//!
//! Each write runs in one transaction with its audit event; each step of the workflow also
//! records a ticket event (the ticket's timeline tells the report's story) and tells the people
//! it concerns.

mod content;
mod mail;

use super::Who;
use crate::config::Settings;
use crate::db::audit::{self, snapshot};
use crate::db::fault_reports::{self as store, lookups, Changes, Filter, NewReport, ReportRow, Scope};
use crate::db::tickets::events::{self, NewEvent};
use crate::db::tickets::{self, TicketRow};
use crate::db::{notifications, write, DbConn, Paging};
use crate::domain::fault_report::{self as rules, Action, ActionInput, Entry, Impact, Refusal, Step};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::fault_reports::{self as policy, Act, REVIEWERS};
use crate::policy::Tie;
use fieldline_mobile_api::{
    FaultReport, FaultReportAction, FaultReportId, FaultReportMailPreview, FaultReportStep, NewFaultReport,
    NewFaultReportRevision, Page, UpdateFaultReport,
};
use serde_json::json;

/// The entity name of reports in the audit trail.
const ENTITY: &str = "fault_report";

fn not_now(r: Refusal) -> AppError {
    AppError::InvalidTransition(r.to_string())
}

/// The action of the policy a step is.
fn act_of(step: Step) -> Act {
    match step {
        Step::Edit => Act::EditReport,
        Step::Submit => Act::SubmitReport,
        Step::Approve => Act::ApproveReport,
        Step::Return => Act::ReturnReport,
        Step::Send => Act::SendReport,
        Step::Revise => Act::ReviseReport,
    }
}

/// Refuses a report the caller may not read: "not found" for one outside their reach.
fn check_visible(c: &mut DbConn, who: &Who, r: &ReportRow) -> AppResult<()> {
    policy::read_scope(&who.caller)?;
    let manager = lookups::account_manager_of(c, r.customer_id)?;
    policy::read_report(&who.caller, r.id, r.author_id, manager)
}

/// The report, if the caller may read it and take the step.
fn for_step(c: &mut DbConn, who: &Who, id: i64, step: Step) -> AppResult<ReportRow> {
    let r = store::row(c, id)?;
    check_visible(c, who, &r)?;
    policy::report_step(&who.caller, act_of(step), r.author_id)?;
    Ok(r)
}

/// A ticket event of the report's workflow.
fn event(
    c: &mut DbConn,
    who: &Who,
    r: &ReportRow,
    kind: &str,
    (from, to): (Option<&str>, Option<&str>),
    reason: Option<&str>,
) -> AppResult<()> {
    events::add(
        c,
        NewEvent {
            ticket_id: r.ticket_id,
            actor: &who.actor(),
            kind,
            from,
            to,
            reason,
            data: Some(json!({"fault_report_id": r.id, "revision": r.revision})),
        },
    )?;
    Ok(())
}

/// Tells a user they were named a report's author.
fn tell_author(c: &mut DbConn, who: &Who, author: i64, ticket_id: i64, msg: &str) -> AppResult<()> {
    notifications::notify(c, &[author], ticket_id, "fault_report_author", msg, who.at)?;
    Ok(())
}

// ---------------------------------------------------------------- the first draft

/// Starts the report of a ticket whose fault is over, prefilled from the ticket, its major
/// fault and its visits. One report per ticket; corrections are revisions of it.
pub fn create(c: &mut DbConn, who: &Who, body: NewFaultReport) -> AppResult<FaultReport> {
    policy::create_report(&who.caller)?;
    let (ticket_id, author_id) = (body.ticket_id.0, body.author_id.map(|u| u.0));
    let user = who.caller.id.0;
    write(c, |c| {
        let ticket = tickets::get(c, ticket_id)?;
        if let Some((id, revision)) = store::latest_of_ticket(c, ticket_id)? {
            return Err(AppError::Conflict(format!(
                "ticket {} already has a fault analysis report (id {id}, revision {revision}); \
                 correct it with a new revision",
                ticket.number
            )));
        }
        let fault = lookups::major_fault_of(c, ticket_id)?;
        rules::may_report(ticket.status()?, fault.as_ref().map(|f| f.ended_at.is_some()))
            .map_err(AppError::InvalidTransition)?;
        let author = author_id.unwrap_or(user);
        content::check_author(c, author)?;
        let impact = content::first_impact(&ticket, fault.as_ref());
        let timeline = content::handling_timeline(c, ticket_id)?;
        let id = store::insert(
            c,
            &NewReport {
                ticket_id,
                customer_id: ticket.customer_id,
                major_fault_id: fault.as_ref().map(|f| f.id),
                revision: 1,
                previous_id: None,
                status: rules::INITIAL,
                author_id: author,
                created_by: user,
                impact: &impact,
                timeline_json: &store::entries_json(&timeline)?,
                root_cause: "",
                contact_ids_json: "[]",
                at: who.at,
            },
        )?;
        let r = store::row(c, id)?;
        let out = store::wire(c, &r)?;
        audit::record(c, &who.actor(), ENTITY, id, "create", None, snapshot(&out))?;
        let to = Some(rules::INITIAL.as_str());
        event(c, who, &r, "fault_report_drafted", (None, to), None)?;
        if author != user {
            let msg = format!(
                "You were named the author of the fault analysis report on ticket {}",
                ticket.number
            );
            tell_author(c, who, author, ticket_id, &msg)?;
        }
        Ok(out)
    })
}

// ---------------------------------------------------------------- edits

/// What an edit changes, as checked before the report is read; actions, contacts and the
/// author are checked against the ticket and the users once it is.
struct Edit {
    impact: Option<Impact>,
    timeline: Option<Vec<Entry>>,
    root_cause: Option<String>,
    corrective: Option<Vec<ActionInput>>,
    preventive: Option<Vec<ActionInput>>,
    contact_ids: Option<Vec<i64>>,
    author_id: Option<i64>,
}

fn action_inputs(list: Vec<FaultReportAction>) -> Vec<ActionInput> {
    list.into_iter()
        .map(|a| ActionInput {
            description: a.description,
            owner_user_id: a.owner_user_id.map(|u| u.0),
            owner_name: a.owner_name,
            due_date: a.due_date,
        })
        .collect()
}

impl Edit {
    fn parse(b: UpdateFaultReport, who: &Who) -> AppResult<Edit> {
        let impact = match b.impact {
            Some(i) => Some(Impact::parse(
                &i.description,
                i.customers_affected,
                i.sites_affected,
                i.assets_affected,
                i.downtime_minutes,
            )?),
            None => None,
        };
        let timeline = match b.timeline {
            Some(t) => Some(rules::timeline(
                t.into_iter().map(|e| (e.at, e.text)).collect(),
                who.at,
            )?),
            None => None,
        };
        Ok(Edit {
            impact,
            timeline,
            root_cause: b.root_cause.as_deref().map(rules::root_cause).transpose()?,
            corrective: b.corrective_actions.map(action_inputs),
            preventive: b.preventive_actions.map(action_inputs),
            contact_ids: b.contact_ids.map(|ids| ids.into_iter().map(|c| c.0).collect()),
            author_id: b.author_id.map(|u| u.0),
        })
    }
}

/// Changes a draft or returned report. `expected_version` is the version the editor read
/// (`If-Match`): an older one gets 412 with the report as it is now.
pub fn update(
    c: &mut DbConn,
    who: &Who,
    id: i64,
    expected_version: i32,
    body: UpdateFaultReport,
) -> AppResult<FaultReport> {
    let edit = Edit::parse(body, who)?;
    write(c, |c| {
        let before = for_step(c, who, id, Step::Edit)?;
        store::check_version(c, &before, Some(expected_version))?;
        let status = before.status()?;
        rules::next(status, Step::Edit).map_err(not_now)?;
        if edit.author_id.is_some_and(|a| a != before.author_id) {
            policy::name_author(&who.caller)?;
        }
        let before_wire = store::wire(c, &before)?;
        let ticket = tickets::get(c, before.ticket_id)?;
        let (opened_on, today) = content::days(c, &ticket, who)?;
        let mut checked = |field: &str, list: Option<Vec<ActionInput>>| -> AppResult<Option<Vec<Action>>> {
            match list {
                Some(list) => Ok(Some(content::check_actions(c, field, list, opened_on, today)?)),
                None => Ok(None),
            }
        };
        let corrective = checked("corrective_actions", edit.corrective)?;
        let preventive = checked("preventive_actions", edit.preventive)?;
        let contact_ids = match edit.contact_ids {
            Some(ids) => Some(
                content::check_contacts(c, before.customer_id, &ids)?
                    .into_iter()
                    .map(|(id, _, _)| id)
                    .collect::<Vec<i64>>(),
            ),
            None => None,
        };
        if let Some(a) = edit.author_id.filter(|a| *a != before.author_id) {
            content::check_author(c, a)?;
        }
        store::claim(c, &before, status, who.at)?;
        let changes = Changes {
            impact: edit.impact.as_ref(),
            timeline: edit.timeline.as_deref(),
            root_cause: edit.root_cause.as_deref(),
            contact_ids: contact_ids.as_deref(),
            author_id: edit.author_id,
        };
        store::apply(c, id, &changes)?;
        for (kind, list) in [(store::CORRECTIVE, &corrective), (store::PREVENTIVE, &preventive)] {
            if let Some(list) = list {
                store::replace_actions(c, id, kind, list)?;
            }
        }
        let after = store::row(c, id)?;
        let out = store::wire(c, &after)?;
        audit::record(
            c,
            &who.actor(),
            ENTITY,
            id,
            "update",
            snapshot(&before_wire),
            snapshot(&out),
        )?;
        if after.author_id != before.author_id {
            let (from, to) = (before.author_id.to_string(), after.author_id.to_string());
            event(c, who, &after, "fault_report_author", (Some(&from), Some(&to)), None)?;
            let msg = format!(
                "You were named the author of the fault analysis report on ticket {}",
                ticket.number
            );
            tell_author(c, who, after.author_id, ticket.id, &msg)?;
        }
        Ok(out)
    })
}

// ---------------------------------------------------------------- the review

/// Hands a draft or returned report in for review; it must be complete.
pub fn submit(
    c: &mut DbConn,
    who: &Who,
    id: i64,
    expected_version: Option<i32>,
    body: FaultReportStep,
) -> AppResult<FaultReport> {
    review(c, who, id, expected_version, Step::Submit, body, None)
}

/// Approves a submitted report (a reviewer other than the author).
pub fn approve(
    c: &mut DbConn,
    who: &Who,
    id: i64,
    expected_version: Option<i32>,
    body: FaultReportStep,
) -> AppResult<FaultReport> {
    review(c, who, id, expected_version, Step::Approve, body, None)
}

/// Returns a submitted report to its author, with comments.
pub fn return_to_author(
    c: &mut DbConn,
    who: &Who,
    id: i64,
    expected_version: Option<i32>,
    body: FaultReportStep,
) -> AppResult<FaultReport> {
    review(c, who, id, expected_version, Step::Return, body, None)
}

/// Sends an approved report by e-mail, through the outbox, in this transaction.
pub fn send(
    c: &mut DbConn,
    who: &Who,
    id: i64,
    expected_version: Option<i32>,
    body: FaultReportStep,
    settings: &Settings,
) -> AppResult<FaultReport> {
    let id_domain = settings.mail.id_domain();
    review(c, who, id, expected_version, Step::Send, body, Some(&id_domain))
}

/// A step of the review: submit (the report must be complete), approve or return (a reviewer
/// other than the author; returning needs comments), send (`id_domain` given). The version,
/// when given (`If-Match`), must be the current one.
fn review(
    c: &mut DbConn,
    who: &Who,
    id: i64,
    expected_version: Option<i32>,
    step: Step,
    body: FaultReportStep,
    id_domain: Option<&str>,
) -> AppResult<FaultReport> {
    let comments = rules::comments(body.comments.as_deref(), step == Step::Return)?;
    write(c, |c| {
        let before = for_step(c, who, id, step)?;
        store::check_version(c, &before, expected_version)?;
        let status = before.status()?;
        let to = rules::next(status, step).map_err(not_now)?;
        let before_wire = store::wire(c, &before)?;
        let ticket = tickets::get(c, before.ticket_id)?;
        match (step, id_domain) {
            (Step::Submit, _) => {
                content::check_complete(c, &before)?;
                store::claim(c, &before, to, who.at)?;
                store::set_submitted(c, id, who.at)?;
            }
            (Step::Approve | Step::Return, _) => {
                store::claim(c, &before, to, who.at)?;
                let approved = step == Step::Approve;
                store::set_reviewed(c, id, who.caller.id.0, who.at, &comments, approved)?;
            }
            (Step::Send, Some(id_domain)) => mail::send_by_mail(c, who, &before, &ticket, to, id_domain)?,
            _ => return Err(AppError::internal("not a review step")),
        }
        let after = store::row(c, id)?;
        let out = store::wire(c, &after)?;
        audit::record(
            c,
            &who.actor(),
            ENTITY,
            id,
            step.name(),
            snapshot(&before_wire),
            snapshot(&out),
        )?;
        let kind = match step {
            Step::Submit => "fault_report_submitted",
            Step::Approve => "fault_report_approved",
            Step::Return => "fault_report_returned",
            _ => "fault_report_sent",
        };
        let states = (Some(status.as_str()), Some(to.as_str()));
        event(c, who, &after, kind, states, comments.as_deref())?;
        notify(c, who, &after, &ticket, step, comments.as_deref())?;
        Ok(out)
    })
}

/// Tells the people the step concerns: the supervisors that a report waits for review, the
/// author that it was returned or approved.
fn notify(
    c: &mut DbConn,
    who: &Who,
    r: &ReportRow,
    ticket: &TicketRow,
    step: Step,
    comments: Option<&str>,
) -> AppResult<()> {
    let me = who.caller.id.0;
    let (people, kind, msg) = match step {
        Step::Submit => {
            let mut people = tickets::active_users_with(c, REVIEWERS)?;
            people.retain(|p| *p != r.author_id);
            let msg = format!("The fault analysis report on ticket {} waits for review", ticket.number);
            (people, "fault_report_submitted", msg)
        }
        Step::Return => {
            let msg = format!(
                "The fault analysis report on ticket {} was returned: {}",
                ticket.number,
                comments.unwrap_or("see the report")
            );
            (vec![r.author_id], "fault_report_returned", msg)
        }
        Step::Approve => {
            let msg = format!("The fault analysis report on ticket {} was approved", ticket.number);
            (vec![r.author_id], "fault_report_approved", msg)
        }
        _ => return Ok(()),
    };
    let people: Vec<i64> = people.into_iter().filter(|p| *p != me).collect();
    let msg: String = msg.chars().take(500).collect();
    notifications::notify(c, &people, ticket.id, kind, &msg, who.at)?;
    Ok(())
}

// ---------------------------------------------------------------- revisions

/// Starts revision n+1 of an approved or sent report: a draft copying its content, linked to
/// it. The report it corrects stays as it was; only the latest revision can be corrected.
pub fn revise(c: &mut DbConn, who: &Who, id: i64, body: NewFaultReportRevision) -> AppResult<FaultReport> {
    let reason = validate::optional(body.reason.as_deref(), |r| {
        validate::multiline("reason", r, rules::COMMENTS_MAX)
    })?;
    let author_id = body.author_id.map(|u| u.0);
    let user = who.caller.id.0;
    write(c, |c| {
        let before = for_step(c, who, id, Step::Revise)?;
        rules::next(before.status()?, Step::Revise).map_err(not_now)?;
        if let Some((next, n)) = store::correction_of(c, id)? {
            return Err(AppError::Conflict(format!(
                "revision {n} (id {next}) already corrects this report; correct that one"
            )));
        }
        let author = author_id.unwrap_or(before.author_id);
        content::check_author(c, author)?;
        let new_id = store::insert(
            c,
            &NewReport {
                ticket_id: before.ticket_id,
                customer_id: before.customer_id,
                major_fault_id: before.major_fault_id,
                revision: before.revision + 1,
                previous_id: Some(id),
                status: rules::INITIAL,
                author_id: author,
                created_by: user,
                impact: &before.impact(),
                timeline_json: &before.timeline_json,
                root_cause: &before.root_cause,
                contact_ids_json: &before.contact_ids_json,
                at: who.at,
            },
        )?;
        let actions = store::actions_of(c, &[id])?;
        for kind in [store::CORRECTIVE, store::PREVENTIVE] {
            let list: Vec<Action> = actions
                .iter()
                .filter(|a| a.kind == kind)
                .map(|a| a.to_domain())
                .collect();
            store::replace_actions(c, new_id, kind, &list)?;
        }
        let r = store::row(c, new_id)?;
        let out = store::wire(c, &r)?;
        audit::record(c, &who.actor(), ENTITY, new_id, "revise", None, snapshot(&out))?;
        let revisions = (before.revision.to_string(), r.revision.to_string());
        let states = (Some(revisions.0.as_str()), Some(revisions.1.as_str()));
        event(c, who, &r, "fault_report_revised", states, reason.as_deref())?;
        if author != user {
            let number = lookups::ticket_number(c, r.ticket_id)?;
            let msg = format!(
                "You were named the author of revision {} of the fault analysis report on ticket {number}",
                r.revision
            );
            tell_author(c, who, author, r.ticket_id, &msg)?;
        }
        Ok(out)
    })
}

// ---------------------------------------------------------------- reading

/// One report, if the caller may read it.
pub fn get(c: &mut DbConn, who: &Who, id: i64) -> AppResult<FaultReport> {
    let r = store::row(c, id)?;
    check_visible(c, who, &r)?;
    store::wire(c, &r)
}

/// The e-mail sending the report would write now (one message per language), rendered by the
/// send's own code; nothing is sent or recorded. Whoever may read the report may preview it.
pub fn mail_preview(c: &mut DbConn, who: &Who, id: i64) -> AppResult<FaultReportMailPreview> {
    let r = store::row(c, id)?;
    check_visible(c, who, &r)?;
    let ticket = tickets::get(c, r.ticket_id)?;
    Ok(FaultReportMailPreview {
        report_id: FaultReportId(r.id),
        version: r.version,
        messages: mail::preview(c, who, &r, &ticket)?,
    })
}

/// What the list is asked for.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    pub filter: Filter,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Reports the caller may read, newest first.
pub fn list(c: &mut DbConn, who: &Who, q: ListQuery) -> AppResult<Page<FaultReport>> {
    let paging = Paging::new(q.limit, q.offset)?;
    let me = who.caller.id.0;
    let scope = match policy::read_scope(&who.caller)? {
        None => Scope::All,
        Some(Tie::AccountManager) => Scope::ManagedBy(me),
        Some(Tie::Author) => Scope::AuthoredBy(me),
        Some(other) => return Err(AppError::internal(format!("no list of reports {}", other.describe()))),
    };
    store::list(c, scope, &q.filter, paging)
}
