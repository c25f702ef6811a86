//! Inspections: the queries of plans, inspections and their findings, and what the technician's
//! phone shows of an inspection visit. The workflows (plans, the generation job, a visit's end,
//! findings that become tickets) are in `service::inspections` and
//! `service::inspection_generation`; the visits they book are written by `db::inspection_visits`.
//!
//! A plan belongs to a customer and covers one of its sites or all of them (sites added later
//! too). Each date of the plan (`domain::cadence::Every`) gives one inspection per covered site.
//!
//! Idempotency: an inspection per plan, site and date (`plan_id, site_id, due_on` unique), and a
//! plan's `next_due` moves only from the value it was read with ([`move_next_due`]).

use super::schema::{
    assets, customers, inspection_findings, inspection_plans, inspections, sites, tickets as tickets_t, users, visits,
};
use super::{sla as calendar, ts, utc, DbConn, Paging};
use crate::domain::cadence::Every;
use crate::domain::inspection::PlanFields;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    AssetId, CustomerId, Inspection, InspectionFinding, InspectionFindingId, InspectionId, InspectionPlan,
    InspectionPlanId, InspectionStatus, Page, SiteId, TicketId, UserId, VisitId, VisitStatus,
};
use serde_json::json;
use std::collections::HashMap;

pub use super::inspection_visits::{visit_brief, Brief};

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
    pub fn asset_ids(&self) -> AppResult<Vec<i64>> {
        serde_json::from_str(&self.asset_ids_json)
            .map_err(|e| AppError::internal(format!("inspection plan {}: assets: {e}", self.id)))
    }

    pub fn every(&self) -> AppResult<Every> {
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
    pub fn status(&self) -> AppResult<InspectionStatus> {
        InspectionStatus::parse(&self.status)
            .ok_or_else(|| AppError::internal(format!("inspection {} has unknown status", self.id)))
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inspection_findings)]
pub struct FindingRow {
    pub id: i64,
    pub inspection_id: i64,
    pub visit_id: i64,
    pub ticket_id: i64,
    pub asset_id: Option<i64>,
    pub reported_by: i64,
    pub created_at: NaiveDateTime,
}

impl FindingRow {
    pub fn to_wire(&self, ticket_number: String) -> InspectionFinding {
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

pub fn plan_row(c: &mut DbConn, id: i64) -> AppResult<PlanRow> {
    inspection_plans::table
        .find(id)
        .select(PlanRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("inspection plan", id))
}

pub fn inspection_row(c: &mut DbConn, id: i64) -> AppResult<InspectionRow> {
    inspections::table
        .find(id)
        .select(InspectionRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("inspection", id))
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
    let (rows, total): (Vec<PlanRow>, i64) =
        paging.load(c, query, |q| q.order(inspection_plans::id).select(PlanRow::as_select()))?;
    let items = rows.iter().map(PlanRow::to_wire).collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

pub fn get_plan(c: &mut DbConn, id: i64) -> AppResult<InspectionPlan> {
    plan_row(c, id)?.to_wire()
}

// ---------------------------------------------------------------- plans

/// The account manager of a customer (none for an unknown customer).
pub fn customer_account_manager(c: &mut DbConn, customer_id: i64) -> AppResult<Option<i64>> {
    let manager: Option<Option<i64>> = customers::table
        .find(customer_id)
        .select(customers::account_manager_id)
        .first(c)
        .optional()?;
    Ok(manager.flatten())
}

pub fn customer_exists(c: &mut DbConn, customer_id: i64) -> AppResult<bool> {
    let found: i64 = customers::table.find(customer_id).count().get_result(c)?;
    Ok(found > 0)
}

/// The customer and site of each of these assets that exists.
pub fn asset_places(c: &mut DbConn, asset_ids: &[i64]) -> AppResult<HashMap<i64, (i64, i64)>> {
    Ok(assets::table
        .filter(assets::id.eq_any(asset_ids))
        .select((assets::id, (assets::customer_id, assets::site_id)))
        .load::<(i64, (i64, i64))>(c)?
        .into_iter()
        .collect())
}

/// A new plan's owner and place.
pub struct NewPlan<'a> {
    pub customer_id: i64,
    pub site_id: Option<i64>,
    pub fields: &'a PlanFields,
    pub next_due: Option<NaiveDate>,
    pub created_by: i64,
    pub at: DateTime<Utc>,
}

pub fn insert_plan(c: &mut DbConn, p: &NewPlan<'_>) -> AppResult<PlanRow> {
    let (f, now) = (p.fields, ts(p.at));
    Ok(diesel::insert_into(inspection_plans::table)
        .values((
            inspection_plans::customer_id.eq(p.customer_id),
            inspection_plans::site_id.eq(p.site_id),
            inspection_plans::name.eq(&f.name),
            inspection_plans::asset_ids_json.eq(json!(f.asset_ids).to_string()),
            inspection_plans::frequency_months.eq(f.every.months() as i32),
            inspection_plans::required_skill.eq(&f.required_skill),
            inspection_plans::required_level.eq(f.required_level),
            inspection_plans::starts_on.eq(f.starts_on),
            inspection_plans::notes.eq(&f.notes),
            inspection_plans::active.eq(true),
            inspection_plans::next_due.eq(p.next_due),
            inspection_plans::version.eq(1),
            inspection_plans::created_by.eq(p.created_by),
            inspection_plans::created_at.eq(now),
            inspection_plans::updated_at.eq(now),
        ))
        .returning(inspection_plans::all_columns)
        .get_result(c)?)
}

/// Stores a changed plan, only over the version it was read with; false when it was changed
/// meanwhile.
pub fn update_plan(c: &mut DbConn, read_version: i32, after: &PlanRow) -> AppResult<bool> {
    let n = diesel::update(
        inspection_plans::table
            .filter(inspection_plans::id.eq(after.id))
            .filter(inspection_plans::version.eq(read_version)),
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
    Ok(n > 0)
}

/// The plan's scheduled inspections whose visit is in one of `visit_statuses`, with that visit.
pub fn scheduled_with_visit_in(
    c: &mut DbConn,
    plan_id: i64,
    visit_statuses: &[VisitStatus],
) -> AppResult<Vec<(InspectionRow, i64)>> {
    let statuses: Vec<&str> = visit_statuses.iter().map(|s| s.as_str()).collect();
    Ok(inspections::table
        .inner_join(visits::table.on(inspections::visit_id.eq(visits::id.nullable())))
        .filter(inspections::plan_id.eq(plan_id))
        .filter(inspections::status.eq(InspectionStatus::Scheduled.as_str()))
        .filter(visits::status.eq_any(statuses))
        .select((InspectionRow::as_select(), visits::id))
        .load(c)?)
}

pub fn set_status(c: &mut DbConn, id: i64, status: InspectionStatus, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(inspections::table.find(id))
        .set((
            inspections::status.eq(status.as_str()),
            inspections::updated_at.eq(ts(at)),
        ))
        .execute(c)?;
    Ok(())
}

// ---------------------------------------------------------------- the generation job's queries

/// Active plans whose next date is on or before `reach`, the earliest first.
pub fn plans_due_by(c: &mut DbConn, reach: NaiveDate) -> AppResult<Vec<i64>> {
    Ok(inspection_plans::table
        .filter(inspection_plans::active.eq(true))
        .filter(inspection_plans::next_due.le(reach))
        .order((inspection_plans::next_due, inspection_plans::id))
        .select(inspection_plans::id)
        .load(c)?)
}

/// The sites a plan covers now: its site, or every site of the customer (for a plan of listed
/// assets, the sites those assets are at).
pub fn covered_sites(c: &mut DbConn, plan: &PlanRow) -> AppResult<Vec<i64>> {
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

/// Moves a plan's next date on, only from the date it was read with; false when it was changed
/// meanwhile.
pub fn move_next_due(c: &mut DbConn, id: i64, read: NaiveDate, next: Option<NaiveDate>) -> AppResult<bool> {
    let moved = diesel::update(
        inspection_plans::table
            .filter(inspection_plans::id.eq(id))
            .filter(inspection_plans::next_due.eq(read)),
    )
    .set(inspection_plans::next_due.eq(next))
    .execute(c)?;
    Ok(moved > 0)
}

/// Whether the plan has the inspection of a site on a date.
pub fn inspection_exists(c: &mut DbConn, plan_id: i64, site_id: i64, due_on: NaiveDate) -> AppResult<bool> {
    let n: i64 = inspections::table
        .filter(inspections::plan_id.eq(plan_id))
        .filter(inspections::site_id.eq(site_id))
        .filter(inspections::due_on.eq(due_on))
        .count()
        .get_result(c)?;
    Ok(n > 0)
}

/// Inserts a scheduled inspection; returns its id.
pub fn insert_inspection(
    c: &mut DbConn,
    plan: &PlanRow,
    site_id: i64,
    due_on: NaiveDate,
    at: DateTime<Utc>,
) -> AppResult<i64> {
    let now = ts(at);
    Ok(diesel::insert_into(inspections::table)
        .values((
            inspections::plan_id.eq(plan.id),
            inspections::customer_id.eq(plan.customer_id),
            inspections::site_id.eq(site_id),
            inspections::due_on.eq(due_on),
            inspections::status.eq(InspectionStatus::Scheduled.as_str()),
            inspections::created_at.eq(now),
            inspections::updated_at.eq(now),
        ))
        .returning(inspections::id)
        .get_result(c)?)
}

/// Makes a visit the inspection's visit.
pub fn set_visit(c: &mut DbConn, id: i64, visit_id: i64) -> AppResult<()> {
    diesel::update(inspections::table.find(id))
        .set(inspections::visit_id.eq(Some(visit_id)))
        .execute(c)?;
    Ok(())
}

// ---------------------------------------------------------------- findings

/// An asset's site, if the asset exists.
pub fn asset_site(c: &mut DbConn, asset_id: i64) -> AppResult<Option<i64>> {
    Ok(assets::table
        .find(asset_id)
        .select(assets::site_id)
        .first(c)
        .optional()?)
}

pub fn user_active(c: &mut DbConn, id: i64) -> AppResult<bool> {
    Ok(users::table.find(id).select(users::active).first(c)?)
}

/// A finding's links.
pub struct NewFinding {
    pub inspection_id: i64,
    pub visit_id: i64,
    pub ticket_id: i64,
    pub asset_id: Option<i64>,
    pub reported_by: i64,
    pub at: DateTime<Utc>,
}

pub fn insert_finding(c: &mut DbConn, f: &NewFinding) -> AppResult<FindingRow> {
    Ok(diesel::insert_into(inspection_findings::table)
        .values((
            inspection_findings::inspection_id.eq(f.inspection_id),
            inspection_findings::visit_id.eq(f.visit_id),
            inspection_findings::ticket_id.eq(f.ticket_id),
            inspection_findings::asset_id.eq(f.asset_id),
            inspection_findings::reported_by.eq(f.reported_by),
            inspection_findings::created_at.eq(ts(f.at)),
        ))
        .returning(inspection_findings::all_columns)
        .get_result(c)?)
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

pub fn wire(c: &mut DbConn, row: InspectionRow, today: NaiveDate) -> AppResult<Inspection> {
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
    let (rows, total): (Vec<Joined>, i64) = paging.load(c, query, |q| {
        q.order((inspections::due_on, inspections::id)).select((
            InspectionRow::as_select(),
            inspection_plans::name,
            (visits::status, visits::technician_id).nullable(),
        ))
    })?;
    Ok(paging.page(to_wire_all(c, rows, today)?, total))
}

pub fn get_inspection(c: &mut DbConn, id: i64, now: DateTime<Utc>) -> AppResult<Inspection> {
    let today = today(c, now)?;
    let row = inspection_row(c, id)?;
    wire(c, row, today)
}
