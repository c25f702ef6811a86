//! Inspections: plans (who inspects what, how often, with which skill), the inspections and
//! their findings (each becomes a ticket), and what happens to an inspection when a step of its
//! visit ends it or asks for another visit.
//!
//! Each write, in one transaction, records its audit events (entities `inspection_plan`,
//! `inspection`, `inspection_finding`, `visit`).

use super::inspection_generation::book_visit;
use super::tickets_registration::{Link, Registration};
use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::dispatch::{get_visit, own_visit, VisitRow};
use crate::db::inspections::{
    self as store, InspectionFilter, InspectionRow, NewFinding as FindingLinks, NewPlan, PlanFilter, PlanRow,
};
use crate::db::tickets::events::{self, NewEvent};
use crate::db::{inspection_visits, notifications, sla, utc, write, DbConn, Paging};
use crate::domain::cadence::Every;
use crate::domain::inspection::{self as rules, Finding, PlanFields};
use crate::domain::validate;
use crate::domain::visit::Step;
use crate::error::{AppError, AppResult};
use crate::policy::followup::{self as policy, Act};
use crate::policy::{Caller, Facts};
use chrono::{Duration, NaiveDate};
use fieldline_mobile_api::{
    Channel, Inspection, InspectionFinding, InspectionPlan, InspectionStatus, NewFinding, NewInspectionPlan, Note,
    Page, RequestKind, UpdateInspectionPlan, VisitStatus,
};
use serde_json::json;
use std::collections::HashMap;

/// Refuses a plan's (or an inspection's) customer the caller may not act for with `act`.
fn may_manage(c: &mut DbConn, caller: &Caller, act: Act, customer_id: i64) -> AppResult<()> {
    if policy::own_customers_only(caller, act).is_none() {
        return Ok(());
    }
    let facts = Facts {
        account_manager: store::customer_account_manager(c, customer_id)?,
        ..Facts::default()
    };
    if policy::allows(caller, act, &facts) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "customer {customer_id} is managed by another account manager"
        )))
    }
}

// ---------------------------------------------------------------- plans

/// Checks that the site and the assets belong to the customer (and the assets to the site, for a
/// site plan).
fn check_scope(c: &mut DbConn, customer_id: i64, site_id: Option<i64>, asset_ids: &[i64]) -> AppResult<()> {
    if !store::customer_exists(c, customer_id)? {
        return Err(AppError::validation(
            "customer_id",
            format!("no customer with id {customer_id}"),
        ));
    }
    if let Some(s) = site_id {
        match crate::db::sites::customer_of(c, s)? {
            None => return Err(AppError::validation("site_id", format!("no site with id {s}"))),
            Some(o) if o != customer_id => {
                return Err(AppError::validation("site_id", "the site belongs to another customer"))
            }
            Some(_) => {}
        }
    }
    let found: HashMap<i64, (i64, i64)> = store::asset_places(c, asset_ids)?;
    for (i, a) in asset_ids.iter().enumerate() {
        let field = format!("asset_ids[{i}]");
        match found.get(a) {
            None => return Err(AppError::validation(field, format!("no asset with id {a}"))),
            Some((owner, _)) if *owner != customer_id => {
                return Err(AppError::validation(field, "the asset belongs to another customer"))
            }
            Some((_, site)) if site_id.is_some_and(|s| s != *site) => {
                return Err(AppError::validation(field, "the asset is at another site"))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// A new plan for a customer (all its sites) or one of its sites. Its first inspection is its
/// first date from today on: a plan that started in the past owes nothing for the time before it
/// existed.
pub fn create_plan(c: &mut DbConn, who: &Who, b: &NewInspectionPlan) -> AppResult<InspectionPlan> {
    policy::require_some(&who.caller, Act::EditInspectionPlans)?;
    validate::date("starts_on", b.starts_on, who.at.date_naive())?;
    let assets: Vec<i64> = b.asset_ids.iter().map(|a| a.0).collect();
    let f = PlanFields::parse(
        &b.name,
        &assets,
        b.frequency_months,
        b.required_skill.as_deref(),
        b.required_level,
        b.starts_on,
        b.notes.as_deref(),
    )?;
    let (customer_id, site_id) = (b.customer_id.0, b.site_id.map(|s| s.0));
    let actor = who.actor();
    write(c, |c| {
        check_scope(c, customer_id, site_id, &f.asset_ids)?;
        may_manage(c, &who.caller, Act::EditInspectionPlans, customer_id)?;
        let today = store::today(c, actor.at)?;
        let new = NewPlan {
            customer_id,
            site_id,
            fields: &f,
            next_due: f.every.first_on_or_after(f.starts_on, today),
            created_by: who.caller.id.0,
            at: actor.at,
        };
        let row = store::insert_plan(c, &new)?;
        let out = row.to_wire()?;
        audit::record(c, &actor, "inspection_plan", row.id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// Plans, oldest first.
pub fn list_plans(
    c: &mut DbConn,
    who: &Who,
    f: &PlanFilter,
    limit: Option<i64>,
    offset: Option<i64>,
) -> AppResult<Page<InspectionPlan>> {
    policy::require(&who.caller, Act::ReadInspections)?;
    let paging = Paging::new(limit, offset)?;
    store::list_plans(c, f, paging)
}

pub fn get_plan(c: &mut DbConn, who: &Who, id: i64) -> AppResult<InspectionPlan> {
    policy::require(&who.caller, Act::ReadInspections)?;
    store::get_plan(c, id)
}

/// The plan for a change: it exists, the caller may change it, and `expected` is its version
/// (412 with the plan as it is now otherwise).
fn for_change(c: &mut DbConn, who: &Who, id: i64, expected: Option<i32>) -> AppResult<PlanRow> {
    let row = store::plan_row(c, id)?;
    may_manage(c, &who.caller, Act::EditInspectionPlans, row.customer_id)?;
    if expected.is_some_and(|e| e != row.version) {
        return Err(AppError::PreconditionFailed {
            current: serde_json::to_value(row.to_wire()?).map_err(AppError::internal)?,
        });
    }
    Ok(row)
}

/// Stores a changed plan (one version on) with its audit event. The version read makes a
/// concurrent change fail instead of being overwritten.
fn store_plan(c: &mut DbConn, actor: &Actor, before: &PlanRow, mut after: PlanRow, action: &str) -> AppResult<PlanRow> {
    after.version = before.version + 1;
    after.updated_at = crate::db::ts(actor.at);
    if !store::update_plan(c, before.version, &after)? {
        return Err(AppError::Conflict(format!(
            "inspection plan {} was changed meanwhile; reload it",
            before.id
        )));
    }
    audit::record(
        c,
        actor,
        "inspection_plan",
        before.id,
        action,
        snapshot(&before.to_wire()?),
        snapshot(&after.to_wire()?),
    )?;
    Ok(after)
}

/// Changes to a plan, checked field by field; None leaves a field as it is.
#[derive(Debug, Default, Clone)]
struct PlanEdit {
    name: Option<String>,
    asset_ids: Option<Vec<i64>>,
    every: Option<Every>,
    /// `Some(None)` clears the skill.
    required_skill: Option<Option<String>>,
    required_level: Option<i32>,
    starts_on: Option<NaiveDate>,
    /// `Some(None)` clears the notes.
    notes: Option<Option<String>>,
}

impl PlanEdit {
    fn parse(b: &UpdateInspectionPlan, today: NaiveDate) -> AppResult<PlanEdit> {
        Ok(PlanEdit {
            name: b.name.as_deref().map(rules::name).transpose()?,
            asset_ids: b
                .asset_ids
                .as_ref()
                .map(|a| rules::asset_ids(&a.iter().map(|x| x.0).collect::<Vec<_>>()))
                .transpose()?,
            every: b
                .frequency_months
                .map(|m| Every::new("frequency_months", m))
                .transpose()?,
            required_skill: b.required_skill.as_deref().map(|s| rules::skill(Some(s))).transpose()?,
            required_level: b.required_level.map(rules::level).transpose()?,
            starts_on: b.starts_on.map(|d| validate::date("starts_on", d, today)).transpose()?,
            notes: b.notes.as_deref().map(|n| rules::notes(Some(n))).transpose()?,
        })
    }
}

/// Edits a plan at the version `if_match` names (as the request gave it: read after the policy,
/// so a caller who may not edit learns that first). A new frequency or start date restarts its
/// dates from today on (inspections already created stay); the other fields apply to
/// inspections created from now on.
pub fn update_plan(
    c: &mut DbConn,
    who: &Who,
    id: i64,
    if_match: AppResult<Option<i32>>,
    b: &UpdateInspectionPlan,
) -> AppResult<InspectionPlan> {
    policy::require_some(&who.caller, Act::EditInspectionPlans)?;
    let expected = if_match?.ok_or(AppError::PreconditionRequired)?;
    let e = PlanEdit::parse(b, who.at.date_naive())?;
    let actor = who.actor();
    write(c, |c| {
        let before = for_change(c, who, id, Some(expected))?;
        let mut after = before.clone();
        if let Some(assets) = &e.asset_ids {
            check_scope(c, before.customer_id, before.site_id, assets)?;
            after.asset_ids_json = json!(assets).to_string();
        }
        if let Some(n) = e.name {
            after.name = n;
        }
        if let Some(every) = e.every {
            after.frequency_months = every.months() as i32;
        }
        if let Some(s) = e.required_skill {
            after.required_skill = s;
        }
        if let Some(l) = e.required_level {
            after.required_level = l;
        }
        if let Some(s) = e.starts_on {
            after.starts_on = s;
        }
        if let Some(n) = e.notes {
            after.notes = n;
        }
        let dates_changed = (after.frequency_months, after.starts_on) != (before.frequency_months, before.starts_on);
        if dates_changed && after.active {
            let today = store::today(c, actor.at)?;
            after.next_due = after.every()?.first_on_or_after(after.starts_on, today);
        }
        store_plan(c, &actor, &before, after, "update")?.to_wire()
    })
}

/// Deactivates (`active` false) or activates a plan, at the version `if_match` names if any.
/// Deactivated, it creates no more inspections, and its inspections whose visit has not set off
/// yet (scheduled, assigned or accepted) are cancelled with their visits; the technician of a
/// cancelled visit is told. Inspections under way are finished as usual. Activating again
/// restarts the dates from today on.
pub fn set_active(
    c: &mut DbConn,
    who: &Who,
    id: i64,
    if_match: AppResult<Option<i32>>,
    note: &Note,
    active: bool,
) -> AppResult<InspectionPlan> {
    policy::require_some(&who.caller, Act::EditInspectionPlans)?;
    let expected = if_match?;
    let reason = validate::optional(note.reason.as_deref(), |v| validate::text("reason", v, 2000))?;
    let actor = who.actor();
    write(c, |c| {
        let before = for_change(c, who, id, expected)?;
        if before.active == active {
            return before.to_wire();
        }
        let mut after = before.clone();
        after.active = active;
        after.next_due = if active {
            let today = store::today(c, actor.at)?;
            after.every()?.first_on_or_after(after.starts_on, today)
        } else {
            None
        };
        let after = store_plan(
            c,
            &actor,
            &before,
            after,
            if active { "activate" } else { "deactivate" },
        )?;
        if !active {
            cancel_open_inspections(c, &actor, id, reason.as_deref())?;
        }
        after.to_wire()
    })
}

/// The visit statuses of an inspection that has not set off: cancelled with its plan.
const NOT_STARTED: &[VisitStatus] = &[VisitStatus::Scheduled, VisitStatus::Assigned, VisitStatus::Accepted];

fn cancel_open_inspections(c: &mut DbConn, actor: &Actor, plan_id: i64, reason: Option<&str>) -> AppResult<()> {
    let open = store::scheduled_with_visit_in(c, plan_id, NOT_STARTED)?;
    let why = reason.unwrap_or("the inspection plan was deactivated");
    for (i, visit_id) in open {
        let visit = get_visit(c, visit_id)?;
        inspection_visits::cancel(c, visit.id, visit.version, why, actor.at)?;
        let after = get_visit(c, visit.id)?.to_wire()?;
        audit::record(
            c,
            actor,
            "visit",
            visit.id,
            "cancel",
            snapshot(&visit.to_wire()?),
            snapshot(&after),
        )?;
        if let Some(tech) = visit.technician_id {
            let msg = format!("Visit {} (an inspection) was cancelled: {why}", visit.id);
            notifications::notify(c, &[tech], None, "visit_cancelled", &msg, actor.at)?;
        }
        set_status(c, actor, &i, InspectionStatus::Cancelled, "cancel")?;
    }
    Ok(())
}

fn set_status(
    c: &mut DbConn,
    actor: &Actor,
    row: &InspectionRow,
    status: InspectionStatus,
    action: &str,
) -> AppResult<()> {
    let today = store::today(c, actor.at)?;
    let before = store::wire(c, row.clone(), today)?;
    store::set_status(c, row.id, status, actor.at)?;
    let after = store::get_inspection(c, row.id, actor.at)?;
    audit::record(
        c,
        actor,
        "inspection",
        row.id,
        action,
        snapshot(&before),
        snapshot(&after),
    )?;
    Ok(())
}

// ---------------------------------------------------------------- inspections

/// Inspections, the earliest due first, with their visit and findings.
pub fn list(
    c: &mut DbConn,
    who: &Who,
    f: &InspectionFilter,
    limit: Option<i64>,
    offset: Option<i64>,
) -> AppResult<Page<Inspection>> {
    policy::require(&who.caller, Act::ReadInspections)?;
    let paging = Paging::new(limit, offset)?;
    let today = who.at.date_naive();
    for (field, day) in [("due_from", f.due_from), ("due_to", f.due_to)] {
        day.map(|d| validate::date(field, d, today)).transpose()?;
    }
    if let (Some(from), Some(to)) = (f.due_from, f.due_to) {
        if to < from {
            return Err(AppError::validation("due_to", "must not be before due_from"));
        }
    }
    store::list(c, f, paging, who.at)
}

pub fn get(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Inspection> {
    policy::require(&who.caller, Act::ReadInspections)?;
    store::get_inspection(c, id, who.at)
}

// ---------------------------------------------------------------- the visit's end

/// Moves the inspection as its visit's step says (inside the step's transaction): completed or
/// failed with the visit; when the technician needs another visit, a new one is booked from the
/// next day on and replaces it as the inspection's visit.
pub fn after_visit_step(c: &mut DbConn, actor: &Actor, inspection: i64, visit: &VisitRow, step: Step) -> AppResult<()> {
    let row = store::inspection_row(c, inspection)?;
    let (status, another) = rules::after_step(step);
    if let Some(s) = status {
        set_status(c, actor, &row, s, step.name())?;
    }
    if another {
        let plan = store::plan_row(c, row.plan_id)?;
        let cal = sla::calendar(c)?;
        let tomorrow = cal.local_date(actor.at) + Duration::days(1);
        let before = store::wire(c, row.clone(), tomorrow - Duration::days(1))?;
        let mut plan_now = plan.clone();
        // The new visit asks for what the first one asked for.
        plan_now.required_skill = visit.required_skill.clone();
        plan_now.required_level = visit.required_level;
        let length = utc(visit.window_end) - utc(visit.window_start);
        book_visit(c, actor, (&cal, length), &plan_now, inspection, row.site_id, tomorrow)?;
        let after = store::get_inspection(c, inspection, actor.at)?;
        audit::record(
            c,
            actor,
            "inspection",
            inspection,
            "new_visit",
            snapshot(&before),
            snapshot(&after),
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------- findings

/// Where a finding is recorded: on an inspection (staff, on its current visit), or on the
/// technician's own inspection visit (the phone).
#[derive(Debug, Clone, Copy)]
pub enum FindingOn {
    Inspection { id: i64, by: Caller },
    Visit { id: i64, technician: i64 },
}

/// The visit statuses in which a technician reports what they found: on site, or just after.
const REPORTING: &[VisitStatus] = &[VisitStatus::OnSite, VisitStatus::Completed, VisitStatus::Failed];

/// Records a problem found on an inspection from the web: a ticket (channel `inspection`, on the
/// normal ladder, owned by the caller) for the inspection's customer and site, linked to the
/// inspection's visit.
pub fn record_finding(
    c: &mut DbConn,
    who: &Who,
    id: i64,
    b: &NewFinding,
    step_interval: Duration,
) -> AppResult<InspectionFinding> {
    policy::require_some(&who.caller, Act::RecordInspectionFindings)?;
    let f = Finding::parse(&b.title, &b.description, b.priority)?;
    let on = FindingOn::Inspection { id, by: who.caller };
    let (actor, asset) = (who.actor(), b.asset_id.map(|a| a.0));
    write(c, |c| record_finding_in_tx(c, &actor, on, f, asset, step_interval))
}

/// The inspection a finding is about and the visit it was found on.
fn finding_place(c: &mut DbConn, on: FindingOn) -> AppResult<(InspectionRow, VisitRow)> {
    match on {
        FindingOn::Inspection { id, by } => {
            let row = store::inspection_row(c, id)?;
            may_manage(c, &by, Act::RecordInspectionFindings, row.customer_id)?;
            let visit = row
                .visit_id
                .ok_or_else(|| AppError::InvalidTransition(format!("inspection {id} has no visit")))?;
            Ok((row, get_visit(c, visit)?))
        }
        FindingOn::Visit { id, technician } => {
            let visit = own_visit(c, technician, id)?;
            let inspection = visit.inspection_id.ok_or_else(|| {
                AppError::InvalidTransition(format!("visit {id} is a repair: report problems on its ticket"))
            })?;
            let status = visit.status()?;
            if !REPORTING.contains(&status) {
                return Err(AppError::InvalidTransition(format!(
                    "a visit that is {status} has no findings yet: check in first"
                )));
            }
            Ok((store::inspection_row(c, inspection)?, visit))
        }
    }
}

/// Records a problem found on an inspection, inside the caller's transaction (the phone's stores
/// its answer under the Idempotency-Key in the same one): a ticket (channel `inspection`, on the
/// normal ladder) for the inspection's customer and site, linked to the visit and the
/// inspection, with its audit events. Staff own the tickets they record; a technician's finding
/// goes to the plan's owner (or, when that user is disabled, stays with the technician).
pub fn record_finding_in_tx(
    c: &mut DbConn,
    actor: &Actor,
    on: FindingOn,
    f: Finding,
    asset_id: Option<i64>,
    step_interval: Duration,
) -> AppResult<InspectionFinding> {
    let reporter = actor.id.ok_or_else(|| AppError::internal("a finding needs a user"))?.0;
    let (row, visit) = finding_place(c, on)?;
    if row.status()? == InspectionStatus::Cancelled {
        return Err(AppError::InvalidTransition(format!(
            "inspection {} was cancelled",
            row.id
        )));
    }
    if let Some(a) = asset_id {
        match store::asset_site(c, a)? {
            None => return Err(AppError::validation("asset_id", format!("no asset with id {a}"))),
            Some(s) if s != row.site_id => {
                return Err(AppError::validation(
                    "asset_id",
                    "the asset is not at the inspected site",
                ))
            }
            Some(_) => {}
        }
    }
    let plan = store::plan_row(c, row.plan_id)?;
    let owner = match on {
        FindingOn::Inspection { .. } => reporter,
        FindingOn::Visit { .. } if store::user_active(c, plan.created_by)? => plan.created_by,
        FindingOn::Visit { .. } => reporter,
    };
    let about = format!(
        "inspection {} ({}, due {}), visit {}",
        row.id, plan.name, row.due_on, visit.id
    );
    let reg = Registration {
        customer_id: row.customer_id,
        contact_id: None,
        site_id: Some(row.site_id),
        asset_id,
        channel: Channel::Inspection,
        kind: RequestKind::Fault,
        priority: f.priority,
        title: f.title.clone(),
        description: f.ticket_description(&about),
        received_at: actor.at,
        link: Link::Unchecked,
    };
    let ticket = super::tickets_registration::register_owned_in_tx(c, actor, owner, &reg, step_interval)?;
    let links = FindingLinks {
        inspection_id: row.id,
        visit_id: visit.id,
        ticket_id: ticket.id.0,
        asset_id,
        reported_by: reporter,
        at: actor.at,
    };
    let found = store::insert_finding(c, &links)?;
    events::add(
        c,
        NewEvent {
            ticket_id: ticket.id.0,
            actor,
            kind: "opened_from_inspection",
            from: None,
            to: None,
            reason: None,
            data: Some(json!({
                "inspection_id": row.id, "visit_id": visit.id, "plan_id": plan.id, "finding_id": found.id,
            })),
        },
    )?;
    let out = found.to_wire(ticket.number.clone());
    audit::record(c, actor, "inspection_finding", found.id, "create", None, snapshot(&out))?;
    Ok(out)
}
