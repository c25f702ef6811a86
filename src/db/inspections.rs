//! Inspections: plans, the generation job's scan, the inspections and their visits, how a visit's
//! end moves its inspection, and findings that become tickets.
//!
//! A plan belongs to a customer and covers one of its sites or all of them (sites added later
//! too). Each date of the plan (`domain::cadence::Every`) gives one inspection per covered site,
//! carried out by a visit of kind `inspection` that dispatch books like any other. Each write, in
//! one transaction, records its audit events (entities `inspection_plan`, `inspection`, `visit`);
//! the job's writes are the service's own (no actor).
//!
//! Idempotency: an inspection per plan, site and date (`plan_id, site_id, due_on` unique), and a
//! plan's `next_due` moves only from the value it was read with. Running the job twice, or on two
//! nodes at once, creates nothing twice.

use super::audit::{self, snapshot, Actor};
use super::dispatch::{get_visit, own_visit, VisitRow};
use super::schema::{
    assets, customers, inspection_findings, inspection_plans, inspections, sites, tickets as tickets_t, users, visits,
};
use super::tickets::{self as ticket_store, Registration};
use super::{sla as calendar, ts, utc, write, DbConn, Paging};
use crate::domain::cadence::{self, Every};
use crate::domain::inspection::{self as rules, Finding, PlanFields};
use crate::domain::sla::Calendar;
use crate::domain::visit::Step;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Days, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    AssetId, Channel, CustomerId, Inspection, InspectionFinding, InspectionFindingId, InspectionId, InspectionPlan,
    InspectionPlanId, InspectionStatus, Page, Role, SiteId, TicketId, UserId, VisitAsset, VisitId, VisitKind,
    VisitStatus,
};
use serde_json::json;
use std::collections::HashMap;

// ---------------------------------------------------------------- rows

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inspection_plans)]
pub struct PlanRow {
    pub id: i64,
    pub customer_id: i64,
    pub site_id: Option<i64>,
    pub name: String,
    pub asset_ids_json: String,
    pub frequency_months: i32,
    pub required_skill: Option<String>,
    pub required_level: i32,
    pub starts_on: NaiveDate,
    pub notes: Option<String>,
    pub active: bool,
    pub next_due: Option<NaiveDate>,
    pub version: i32,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl PlanRow {
    fn asset_ids(&self) -> AppResult<Vec<i64>> {
        serde_json::from_str(&self.asset_ids_json)
            .map_err(|e| AppError::internal(format!("inspection plan {}: assets: {e}", self.id)))
    }

    fn every(&self) -> AppResult<Every> {
        Every::new("frequency_months", self.frequency_months)
            .map_err(|e| AppError::internal(format!("inspection plan {}: {e}", self.id)))
    }

    pub fn to_wire(&self) -> AppResult<InspectionPlan> {
        Ok(InspectionPlan {
            id: InspectionPlanId(self.id),
            customer_id: CustomerId(self.customer_id),
            site_id: self.site_id.map(SiteId),
            name: self.name.clone(),
            asset_ids: self.asset_ids()?.into_iter().map(AssetId).collect(),
            frequency_months: self.frequency_months,
            required_skill: self.required_skill.clone(),
            required_level: self.required_level,
            starts_on: self.starts_on,
            notes: self.notes.clone(),
            active: self.active,
            next_due: self.next_due,
            version: self.version,
            created_by: UserId(self.created_by),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inspections)]
pub struct InspectionRow {
    pub id: i64,
    pub plan_id: i64,
    pub customer_id: i64,
    pub site_id: i64,
    pub due_on: NaiveDate,
    pub status: String,
    pub visit_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl InspectionRow {
    fn status(&self) -> AppResult<InspectionStatus> {
        InspectionStatus::parse(&self.status)
            .ok_or_else(|| AppError::internal(format!("inspection {} has unknown status", self.id)))
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inspection_findings)]
struct FindingRow {
    id: i64,
    inspection_id: i64,
    visit_id: i64,
    ticket_id: i64,
    asset_id: Option<i64>,
    reported_by: i64,
    created_at: NaiveDateTime,
}

impl FindingRow {
    fn to_wire(&self, ticket_number: String) -> InspectionFinding {
        InspectionFinding {
            id: InspectionFindingId(self.id),
            inspection_id: InspectionId(self.inspection_id),
            visit_id: VisitId(self.visit_id),
            ticket_id: TicketId(self.ticket_id),
            ticket_number,
            asset_id: self.asset_id.map(AssetId),
            reported_by: UserId(self.reported_by),
            created_at: utc(self.created_at),
        }
    }
}

/// Today in the business calendar's zone.
pub fn today(c: &mut DbConn, now: DateTime<Utc>) -> AppResult<NaiveDate> {
    Ok(calendar::calendar(c)?.local_date(now))
}

fn plan_row(c: &mut DbConn, id: i64) -> AppResult<PlanRow> {
    inspection_plans::table
        .find(id)
        .select(PlanRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("inspection plan", id))
}

fn inspection_row(c: &mut DbConn, id: i64) -> AppResult<InspectionRow> {
    inspections::table
        .find(id)
        .select(InspectionRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("inspection", id))
}

// ---------------------------------------------------------------- who may do what

/// The signed-in user acting on plans and findings.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub id: i64,
    pub role: Role,
}

/// Whether the user may change the customer's plans (and record findings on its inspections):
/// supervisors, dispatchers (findings only, checked by the handler) and admins for every
/// customer; an account manager for the customers they manage.
fn may_manage(c: &mut DbConn, v: Viewer, customer_id: i64) -> AppResult<()> {
    if v.role != Role::AccountManager {
        return Ok(());
    }
    let manager: Option<Option<i64>> = customers::table
        .find(customer_id)
        .select(customers::account_manager_id)
        .first(c)
        .optional()?;
    if manager.flatten() == Some(v.id) {
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
    let found: i64 = customers::table.find(customer_id).count().get_result(c)?;
    if found == 0 {
        return Err(AppError::validation(
            "customer_id",
            format!("no customer with id {customer_id}"),
        ));
    }
    if let Some(s) = site_id {
        let owner: Option<i64> = sites::table.find(s).select(sites::customer_id).first(c).optional()?;
        match owner {
            None => return Err(AppError::validation("site_id", format!("no site with id {s}"))),
            Some(o) if o != customer_id => {
                return Err(AppError::validation("site_id", "the site belongs to another customer"))
            }
            Some(_) => {}
        }
    }
    let found: HashMap<i64, (i64, i64)> = assets::table
        .filter(assets::id.eq_any(asset_ids))
        .select((assets::id, (assets::customer_id, assets::site_id)))
        .load::<(i64, (i64, i64))>(c)?
        .into_iter()
        .collect();
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

/// A new plan. Its first inspection is its first date from today on: a plan that started in the
/// past owes nothing for the time before it existed.
pub fn create_plan(
    c: &mut DbConn,
    actor: &Actor,
    v: Viewer,
    customer_id: i64,
    site_id: Option<i64>,
    f: PlanFields,
) -> AppResult<InspectionPlan> {
    write(c, |c| {
        check_scope(c, customer_id, site_id, &f.asset_ids)?;
        may_manage(c, v, customer_id)?;
        let today = today(c, actor.at)?;
        let now = ts(actor.at);
        let row: PlanRow = diesel::insert_into(inspection_plans::table)
            .values((
                inspection_plans::customer_id.eq(customer_id),
                inspection_plans::site_id.eq(site_id),
                inspection_plans::name.eq(&f.name),
                inspection_plans::asset_ids_json.eq(json!(f.asset_ids).to_string()),
                inspection_plans::frequency_months.eq(f.every.months() as i32),
                inspection_plans::required_skill.eq(&f.required_skill),
                inspection_plans::required_level.eq(f.required_level),
                inspection_plans::starts_on.eq(f.starts_on),
                inspection_plans::notes.eq(&f.notes),
                inspection_plans::active.eq(true),
                inspection_plans::next_due.eq(f.every.first_on_or_after(f.starts_on, today)),
                inspection_plans::version.eq(1),
                inspection_plans::created_by.eq(v.id),
                inspection_plans::created_at.eq(now),
                inspection_plans::updated_at.eq(now),
            ))
            .returning(inspection_plans::all_columns)
            .get_result(c)?;
        let out = row.to_wire()?;
        audit::record(c, actor, "inspection_plan", row.id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

#[derive(Debug, Default, Clone)]
pub struct PlanFilter {
    pub customer_id: Option<i64>,
    pub site_id: Option<i64>,
    pub active: Option<bool>,
}

/// Plans, oldest first.
pub fn list_plans(c: &mut DbConn, f: &PlanFilter, paging: Paging) -> AppResult<Page<InspectionPlan>> {
    let query = || {
        let mut q = inspection_plans::table.into_boxed();
        if let Some(cu) = f.customer_id {
            q = q.filter(inspection_plans::customer_id.eq(cu));
        }
        if let Some(s) = f.site_id {
            q = q.filter(inspection_plans::site_id.eq(s));
        }
        if let Some(a) = f.active {
            q = q.filter(inspection_plans::active.eq(a));
        }
        q
    };
    let total = query().count().get_result(c)?;
    let rows: Vec<PlanRow> = query()
        .order(inspection_plans::id)
        .limit(paging.limit)
        .offset(paging.offset)
        .select(PlanRow::as_select())
        .load(c)?;
    let items = rows.iter().map(PlanRow::to_wire).collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

pub fn get_plan(c: &mut DbConn, id: i64) -> AppResult<InspectionPlan> {
    plan_row(c, id)?.to_wire()
}

/// Changes to a plan, checked field by field; None leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct PlanEdit {
    pub name: Option<String>,
    pub asset_ids: Option<Vec<i64>>,
    pub every: Option<Every>,
    /// `Some(None)` clears the skill.
    pub required_skill: Option<Option<String>>,
    pub required_level: Option<i32>,
    pub starts_on: Option<NaiveDate>,
    /// `Some(None)` clears the notes.
    pub notes: Option<Option<String>>,
}

/// The plan for a change: it exists, the user may change it, and `expected` is its version
/// (412 with the plan as it is now otherwise).
fn for_change(c: &mut DbConn, v: Viewer, id: i64, expected: Option<i32>) -> AppResult<PlanRow> {
    let row = plan_row(c, id)?;
    may_manage(c, v, row.customer_id)?;
    if expected.is_some_and(|e| e != row.version) {
        return Err(AppError::PreconditionFailed {
            current: serde_json::to_value(row.to_wire()?).map_err(AppError::internal)?,
        });
    }
    Ok(row)
}

/// Stores a changed plan (one version on) with its audit event. The version in the `WHERE`
/// makes a concurrent change fail instead of being overwritten.
fn store_plan(c: &mut DbConn, actor: &Actor, before: &PlanRow, mut after: PlanRow, action: &str) -> AppResult<PlanRow> {
    after.version = before.version + 1;
    after.updated_at = ts(actor.at);
    let n = diesel::update(
        inspection_plans::table
            .filter(inspection_plans::id.eq(before.id))
            .filter(inspection_plans::version.eq(before.version)),
    )
    .set((
        inspection_plans::name.eq(&after.name),
        inspection_plans::asset_ids_json.eq(&after.asset_ids_json),
        inspection_plans::frequency_months.eq(after.frequency_months),
        inspection_plans::required_skill.eq(&after.required_skill),
        inspection_plans::required_level.eq(after.required_level),
        inspection_plans::starts_on.eq(after.starts_on),
        inspection_plans::notes.eq(&after.notes),
        inspection_plans::active.eq(after.active),
        inspection_plans::next_due.eq(after.next_due),
        inspection_plans::version.eq(after.version),
        inspection_plans::updated_at.eq(after.updated_at),
    ))
    .execute(c)?;
    if n == 0 {
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

/// Edits a plan. A new frequency or start date restarts its dates from today on (inspections
/// already created stay); the other fields apply to inspections created from now on.
pub fn update_plan(
    c: &mut DbConn,
    actor: &Actor,
    v: Viewer,
    id: i64,
    expected: i32,
    e: PlanEdit,
) -> AppResult<InspectionPlan> {
    write(c, |c| {
        let before = for_change(c, v, id, Some(expected))?;
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
            let today = today(c, actor.at)?;
            after.next_due = after.every()?.first_on_or_after(after.starts_on, today);
        }
        store_plan(c, actor, &before, after, "update")?.to_wire()
    })
}

/// Deactivates a plan: it creates no more inspections, and its inspections whose visit has not
/// set off yet (scheduled, assigned or accepted) are cancelled with their visits; the technician
/// of a cancelled visit is told. Inspections under way are finished as usual. Activating again
/// restarts the dates from today on.
pub fn set_active(
    c: &mut DbConn,
    actor: &Actor,
    v: Viewer,
    id: i64,
    expected: Option<i32>,
    active: bool,
    reason: Option<String>,
) -> AppResult<InspectionPlan> {
    write(c, |c| {
        let before = for_change(c, v, id, expected)?;
        if before.active == active {
            return before.to_wire();
        }
        let mut after = before.clone();
        after.active = active;
        after.next_due = if active {
            let today = today(c, actor.at)?;
            after.every()?.first_on_or_after(after.starts_on, today)
        } else {
            None
        };
        let after = store_plan(c, actor, &before, after, if active { "activate" } else { "deactivate" })?;
        if !active {
            cancel_open_inspections(c, actor, id, reason.as_deref())?;
        }
        after.to_wire()
    })
}

/// The visit statuses of an inspection that has not set off: cancelled with its plan.
const NOT_STARTED: &[&str] = &["scheduled", "assigned", "accepted"];

fn cancel_open_inspections(c: &mut DbConn, actor: &Actor, plan_id: i64, reason: Option<&str>) -> AppResult<()> {
    let open: Vec<(InspectionRow, VisitRow)> = inspections::table
        .inner_join(visits::table.on(inspections::visit_id.eq(visits::id.nullable())))
        .filter(inspections::plan_id.eq(plan_id))
        .filter(inspections::status.eq(InspectionStatus::Scheduled.as_str()))
        .filter(visits::status.eq_any(NOT_STARTED))
        .select((InspectionRow::as_select(), VisitRow::as_select()))
        .load(c)?;
    let now = ts(actor.at);
    let why = reason.unwrap_or("the inspection plan was deactivated");
    for (i, visit) in open {
        diesel::update(visits::table.find(visit.id))
            .set((
                visits::status.eq(VisitStatus::Cancelled.as_str()),
                visits::outcome_reason.eq(why),
                visits::version.eq(visit.version + 1),
                visits::updated_at.eq(now),
            ))
            .execute(c)?;
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
            super::notifications::notify(c, &[tech], None, "visit_cancelled", &msg, actor.at)?;
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
    let today = today(c, actor.at)?;
    let before = wire(c, row.clone(), today)?;
    diesel::update(inspections::table.find(row.id))
        .set((
            inspections::status.eq(status.as_str()),
            inspections::updated_at.eq(ts(actor.at)),
        ))
        .execute(c)?;
    let after = get_inspection(c, row.id, actor.at)?;
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

// ---------------------------------------------------------------- the generation job

/// The job `inspection_generation`: for every active plan whose next date is within the horizon,
/// creates the inspections (one per covered site and date) and their visits. Dates already past
/// when the job runs (the service was down) collapse to the latest of them, an overdue
/// inspection booked from today on (see `domain::cadence::plan_dates`). Every plan is its own
/// transaction; one that fails (e.g. changed by another node at the same moment) is left for the
/// next run. Returns (plans examined, inspections created).
pub fn generate(
    c: &mut DbConn,
    now: DateTime<Utc>,
    horizon_days: u32,
    visit_length: Duration,
) -> AppResult<(i64, i64)> {
    let cal = calendar::calendar(c)?;
    let today = cal.local_date(now);
    let actor = Actor::system(now);
    let reach = today
        .checked_add_days(Days::new(horizon_days.into()))
        .unwrap_or(NaiveDate::MAX);
    let due: Vec<i64> = inspection_plans::table
        .filter(inspection_plans::active.eq(true))
        .filter(inspection_plans::next_due.le(reach))
        .order((inspection_plans::next_due, inspection_plans::id))
        .select(inspection_plans::id)
        .load(c)?;
    let mut actions = 0;
    for &id in &due {
        match generate_for_plan(c, &actor, &cal, id, today, horizon_days, visit_length) {
            Ok(n) => actions += n,
            Err(e) => {
                tracing::warn!(plan = id, error = %e, "inspection generation skipped a plan; the next run retries it")
            }
        }
    }
    Ok((due.len() as i64, actions))
}

/// The sites a plan covers now: its site, or every site of the customer (for a plan of listed
/// assets, the sites those assets are at).
fn covered_sites(c: &mut DbConn, plan: &PlanRow) -> AppResult<Vec<i64>> {
    if let Some(s) = plan.site_id {
        return Ok(vec![s]);
    }
    let assets_listed = plan.asset_ids()?;
    let mut q = sites::table
        .filter(sites::customer_id.eq(plan.customer_id))
        .select(sites::id)
        .order(sites::id)
        .into_boxed();
    if !assets_listed.is_empty() {
        q = q.filter(
            sites::id.eq_any(
                assets::table
                    .filter(assets::id.eq_any(assets_listed))
                    .select(assets::site_id),
            ),
        );
    }
    Ok(q.load(c)?)
}

fn generate_for_plan(
    c: &mut DbConn,
    actor: &Actor,
    cal: &Calendar,
    id: i64,
    today: NaiveDate,
    horizon_days: u32,
    visit_length: Duration,
) -> AppResult<i64> {
    write(c, |c| {
        let plan = plan_row(c, id)?;
        let Some(next_due) = plan.next_due.filter(|_| plan.active) else {
            return Ok(0); // another run got here first
        };
        let run = cadence::plan_dates(&plan.every()?, plan.starts_on, next_due, today, horizon_days);
        if run.due.is_empty() {
            return Ok(0);
        }
        let sites = covered_sites(c, &plan)?;
        let mut created = Vec::new();
        for &due_on in &run.due {
            for &site in &sites {
                if let Some(i) = create_inspection(c, actor, (cal, visit_length), &plan, site, due_on, today)? {
                    created.push(i);
                }
            }
        }
        // The plan moves on only from the date it was read with.
        let moved = diesel::update(
            inspection_plans::table
                .filter(inspection_plans::id.eq(id))
                .filter(inspection_plans::next_due.eq(next_due)),
        )
        .set(inspection_plans::next_due.eq(run.next_due))
        .execute(c)?;
        if moved == 0 {
            return Err(AppError::Conflict(format!(
                "inspection plan {id} was changed meanwhile"
            )));
        }
        if run.skipped > 0 {
            tracing::info!(
                plan = id,
                skipped = run.skipped,
                "inspection dates already past were skipped after a gap"
            );
        }
        let mut after = plan.clone();
        after.next_due = run.next_due;
        let mut after_json = snapshot(&after.to_wire()?);
        if let Some(serde_json::Value::Object(m)) = &mut after_json {
            m.insert("inspection_ids".into(), json!(created));
            m.insert("dates".into(), json!(run.due));
            m.insert("skipped_dates".into(), json!(run.skipped));
        }
        audit::record(
            c,
            actor,
            "inspection_plan",
            id,
            "schedule",
            snapshot(&plan.to_wire()?),
            after_json,
        )?;
        Ok(created.len() as i64)
    })
}

/// The inspection of a site on a date with its visit, unless it exists. The visit is booked into
/// the working hours of the first working day from the due date (or from today, for an overdue
/// one).
fn create_inspection(
    c: &mut DbConn,
    actor: &Actor,
    booking: (&Calendar, Duration),
    plan: &PlanRow,
    site: i64,
    due_on: NaiveDate,
    today: NaiveDate,
) -> AppResult<Option<i64>> {
    let exists: i64 = inspections::table
        .filter(inspections::plan_id.eq(plan.id))
        .filter(inspections::site_id.eq(site))
        .filter(inspections::due_on.eq(due_on))
        .count()
        .get_result(c)?;
    if exists > 0 {
        return Ok(None);
    }
    let now = ts(actor.at);
    let id: i64 = diesel::insert_into(inspections::table)
        .values((
            inspections::plan_id.eq(plan.id),
            inspections::customer_id.eq(plan.customer_id),
            inspections::site_id.eq(site),
            inspections::due_on.eq(due_on),
            inspections::status.eq(InspectionStatus::Scheduled.as_str()),
            inspections::created_at.eq(now),
            inspections::updated_at.eq(now),
        ))
        .returning(inspections::id)
        .get_result(c)?;
    new_visit(c, actor, booking, plan, id, site, due_on.max(today))?;
    let out = get_inspection(c, id, actor.at)?;
    audit::record(c, actor, "inspection", id, "create", None, snapshot(&out))?;
    Ok(Some(id))
}

/// A visit for the inspection, booked from `earliest` on; it becomes the inspection's visit.
fn new_visit(
    c: &mut DbConn,
    actor: &Actor,
    (cal, length): (&Calendar, Duration),
    plan: &PlanRow,
    inspection: i64,
    site: i64,
    earliest: NaiveDate,
) -> AppResult<i64> {
    let (start, end) = rules::visit_window(cal, earliest, length)
        .ok_or_else(|| AppError::internal("the business calendar has no working day within a year"))?;
    let region: Option<i64> = sites::table.find(site).select(sites::region_id).first(c)?;
    let now = ts(actor.at);
    let row: VisitRow = diesel::insert_into(visits::table)
        .values((
            visits::kind.eq(VisitKind::Inspection.as_str()),
            visits::inspection_id.eq(Some(inspection)),
            visits::site_id.eq(Some(site)),
            visits::region_id.eq(region),
            visits::window_start.eq(ts(start)),
            visits::window_end.eq(ts(end)),
            visits::required_skill.eq(&plan.required_skill),
            visits::required_level.eq(plan.required_level),
            visits::status.eq(VisitStatus::Scheduled.as_str()),
            // The job has no user: the visit is on the plan's owner's behalf.
            visits::created_by.eq(actor.id.map_or(plan.created_by, |u| u.0)),
            visits::created_at.eq(now),
            visits::updated_at.eq(now),
        ))
        .returning(visits::all_columns)
        .get_result(c)?;
    diesel::update(inspections::table.find(inspection))
        .set(inspections::visit_id.eq(Some(row.id)))
        .execute(c)?;
    audit::record(c, actor, "visit", row.id, "create", None, snapshot(&row.to_wire()?))?;
    Ok(row.id)
}

// ---------------------------------------------------------------- the visit's end

/// Moves the inspection as its visit's step says (inside the step's transaction): completed or
/// failed with the visit; when the technician needs another visit, a new one is booked from the
/// next day on and replaces it as the inspection's visit.
pub fn after_visit_step(c: &mut DbConn, actor: &Actor, inspection: i64, visit: &VisitRow, step: Step) -> AppResult<()> {
    let row = inspection_row(c, inspection)?;
    let (status, another) = rules::after_step(step);
    if let Some(s) = status {
        set_status(c, actor, &row, s, step.name())?;
    }
    if another {
        let plan = plan_row(c, row.plan_id)?;
        let cal = calendar::calendar(c)?;
        let tomorrow = cal.local_date(actor.at) + Duration::days(1);
        let before = wire(c, row.clone(), tomorrow - Duration::days(1))?;
        let mut plan_now = plan.clone();
        // The new visit asks for what the first one asked for.
        plan_now.required_skill = visit.required_skill.clone();
        plan_now.required_level = visit.required_level;
        let length = utc(visit.window_end) - utc(visit.window_start);
        new_visit(c, actor, (&cal, length), &plan_now, inspection, row.site_id, tomorrow)?;
        let after = get_inspection(c, inspection, actor.at)?;
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

/// What the technician's phone shows of an inspection visit.
pub struct Brief {
    pub title: String,
    pub description: String,
    pub assets: Vec<VisitAsset>,
}

pub fn visit_brief(c: &mut DbConn, inspection: i64) -> AppResult<Brief> {
    let row = inspection_row(c, inspection)?;
    let plan = plan_row(c, row.plan_id)?;
    let listed = plan.asset_ids()?;
    let mut q = assets::table
        .filter(assets::site_id.eq(row.site_id))
        .order(assets::id)
        .into_boxed();
    if !listed.is_empty() {
        q = q.filter(assets::id.eq_any(listed));
    }
    let found: Vec<(i64, String, String, Option<NaiveDate>)> = q
        .select((assets::id, assets::model, assets::serial_number, assets::warranty_end))
        .load(c)?;
    let mut description = format!("Inspection due {} (plan {}).", row.due_on, plan.id);
    if let Some(n) = &plan.notes {
        description.push_str("\n\n");
        description.push_str(n);
    }
    Ok(Brief {
        title: format!("Inspection: {}", plan.name),
        description,
        assets: found
            .into_iter()
            .map(|(id, model, serial_number, warranty_end)| VisitAsset {
                id: AssetId(id),
                model,
                serial_number,
                warranty_end,
            })
            .collect(),
    })
}

// ---------------------------------------------------------------- inspections

#[derive(Debug, Default, Clone)]
pub struct InspectionFilter {
    pub plan_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub site_id: Option<i64>,
    pub status: Option<InspectionStatus>,
    /// Due on or after.
    pub due_from: Option<NaiveDate>,
    /// Due on or before.
    pub due_to: Option<NaiveDate>,
}

type Joined = (InspectionRow, String, Option<(String, Option<i64>)>);

/// The wire form of rows read with their plan's name and visit.
fn to_wire_all(c: &mut DbConn, rows: Vec<Joined>, today: NaiveDate) -> AppResult<Vec<Inspection>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.0.id).collect();
    let mut findings: HashMap<i64, Vec<InspectionFinding>> = HashMap::new();
    let found: Vec<(FindingRow, String)> = inspection_findings::table
        .inner_join(tickets_t::table)
        .filter(inspection_findings::inspection_id.eq_any(ids))
        .order(inspection_findings::id)
        .select((FindingRow::as_select(), tickets_t::number))
        .load(c)?;
    for (f, number) in found {
        findings.entry(f.inspection_id).or_default().push(f.to_wire(number));
    }
    rows.into_iter()
        .map(|(r, plan_name, visit)| {
            let status = r.status()?;
            let visit_status = match &visit {
                Some((s, _)) => Some(
                    VisitStatus::parse(s)
                        .ok_or_else(|| AppError::internal(format!("visit status `{s}` is unknown")))?,
                ),
                None => None,
            };
            Ok(Inspection {
                id: InspectionId(r.id),
                plan_id: InspectionPlanId(r.plan_id),
                plan_name,
                customer_id: CustomerId(r.customer_id),
                site_id: SiteId(r.site_id),
                due_on: r.due_on,
                status,
                overdue: status == InspectionStatus::Scheduled && r.due_on < today,
                visit_id: r.visit_id.map(VisitId),
                visit_status,
                technician_id: visit.and_then(|v| v.1).map(UserId),
                findings: findings.remove(&r.id).unwrap_or_default(),
                created_at: utc(r.created_at),
                updated_at: utc(r.updated_at),
            })
        })
        .collect()
}

fn wire(c: &mut DbConn, row: InspectionRow, today: NaiveDate) -> AppResult<Inspection> {
    let plan_name: String = inspection_plans::table
        .find(row.plan_id)
        .select(inspection_plans::name)
        .first(c)?;
    let visit: Option<(String, Option<i64>)> = match row.visit_id {
        Some(v) => Some(
            visits::table
                .find(v)
                .select((visits::status, visits::technician_id))
                .first(c)?,
        ),
        None => None,
    };
    let mut out = to_wire_all(c, vec![(row, plan_name, visit)], today)?;
    out.pop()
        .ok_or_else(|| AppError::internal("an inspection went missing"))
}

/// Inspections, the earliest due first.
pub fn list(c: &mut DbConn, f: &InspectionFilter, paging: Paging, now: DateTime<Utc>) -> AppResult<Page<Inspection>> {
    let today = today(c, now)?;
    let query = || {
        let mut q = inspections::table
            .inner_join(inspection_plans::table)
            .left_join(visits::table.on(inspections::visit_id.eq(visits::id.nullable())))
            .into_boxed();
        if let Some(p) = f.plan_id {
            q = q.filter(inspections::plan_id.eq(p));
        }
        if let Some(cu) = f.customer_id {
            q = q.filter(inspections::customer_id.eq(cu));
        }
        if let Some(s) = f.site_id {
            q = q.filter(inspections::site_id.eq(s));
        }
        if let Some(s) = f.status {
            q = q.filter(inspections::status.eq(s.as_str()));
        }
        if let Some(d) = f.due_from {
            q = q.filter(inspections::due_on.ge(d));
        }
        if let Some(d) = f.due_to {
            q = q.filter(inspections::due_on.le(d));
        }
        q
    };
    let total = query().count().get_result(c)?;
    let rows: Vec<Joined> = query()
        .order((inspections::due_on, inspections::id))
        .limit(paging.limit)
        .offset(paging.offset)
        .select((
            InspectionRow::as_select(),
            inspection_plans::name,
            (visits::status, visits::technician_id).nullable(),
        ))
        .load(c)?;
    Ok(paging.page(to_wire_all(c, rows, today)?, total))
}

pub fn get_inspection(c: &mut DbConn, id: i64, now: DateTime<Utc>) -> AppResult<Inspection> {
    let today = today(c, now)?;
    let row = inspection_row(c, id)?;
    wire(c, row, today)
}

// ---------------------------------------------------------------- findings

/// Where a finding is recorded: on an inspection (staff, on its current visit), or on the
/// technician's own inspection visit (the phone).
#[derive(Debug, Clone, Copy)]
pub enum FindingOn {
    Inspection { id: i64, by: Viewer },
    Visit { id: i64, technician: i64 },
}

/// The visit statuses in which a technician reports what they found: on site, or just after.
const REPORTING: &[VisitStatus] = &[VisitStatus::OnSite, VisitStatus::Completed, VisitStatus::Failed];

/// Records a problem found on an inspection: a ticket (channel `inspection`, on the normal
/// ladder) for the inspection's customer and site, linked to the visit and the inspection, in one
/// transaction with its audit events. Staff own the tickets they record; a technician's finding
/// goes to the plan's owner (or, when that user is disabled, stays with the technician).
pub fn record_finding(
    c: &mut DbConn,
    actor: &Actor,
    on: FindingOn,
    f: Finding,
    asset_id: Option<i64>,
    step_interval: Duration,
) -> AppResult<InspectionFinding> {
    write(c, |c| record_finding_in_tx(c, actor, on, f, asset_id, step_interval))
}

/// `record_finding` inside the caller's transaction (the phone's, which stores its answer under
/// the Idempotency-Key in the same transaction).
pub fn record_finding_in_tx(
    c: &mut DbConn,
    actor: &Actor,
    on: FindingOn,
    f: Finding,
    asset_id: Option<i64>,
    step_interval: Duration,
) -> AppResult<InspectionFinding> {
    let reporter = actor.id.ok_or_else(|| AppError::internal("a finding needs a user"))?.0;
    {
        let (row, visit) = match on {
            FindingOn::Inspection { id, by } => {
                let row = inspection_row(c, id)?;
                may_manage(c, by, row.customer_id)?;
                let visit = row
                    .visit_id
                    .ok_or_else(|| AppError::InvalidTransition(format!("inspection {id} has no visit")))?;
                (row, get_visit(c, visit)?)
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
                (inspection_row(c, inspection)?, visit)
            }
        };
        if row.status()? == InspectionStatus::Cancelled {
            return Err(AppError::InvalidTransition(format!(
                "inspection {} was cancelled",
                row.id
            )));
        }
        if let Some(a) = asset_id {
            let at: Option<i64> = assets::table.find(a).select(assets::site_id).first(c).optional()?;
            match at {
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
        let plan = plan_row(c, row.plan_id)?;
        let owner = match on {
            FindingOn::Inspection { .. } => reporter,
            FindingOn::Visit { .. } => {
                let active: bool = users::table.find(plan.created_by).select(users::active).first(c)?;
                if active {
                    plan.created_by
                } else {
                    reporter
                }
            }
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
            priority: f.priority,
            title: f.title.clone(),
            description: f.ticket_description(&about),
            received_at: actor.at,
        };
        let ticket = ticket_store::register_owned_in_tx(c, actor, owner, &reg, step_interval)?;
        let found: FindingRow = diesel::insert_into(inspection_findings::table)
            .values((
                inspection_findings::inspection_id.eq(row.id),
                inspection_findings::visit_id.eq(visit.id),
                inspection_findings::ticket_id.eq(ticket.id.0),
                inspection_findings::asset_id.eq(asset_id),
                inspection_findings::reported_by.eq(reporter),
                inspection_findings::created_at.eq(ts(actor.at)),
            ))
            .returning(inspection_findings::all_columns)
            .get_result(c)?;
        ticket_store::record_event(
            c,
            ticket.id.0,
            actor,
            "opened_from_inspection",
            None,
            None,
            None,
            Some(json!({
                "inspection_id": row.id, "visit_id": visit.id, "plan_id": plan.id, "finding_id": found.id,
            })),
        )?;
        let out = found.to_wire(ticket.number.clone());
        audit::record(c, actor, "inspection_finding", found.id, "create", None, snapshot(&out))?;
        Ok(out)
    }
}
