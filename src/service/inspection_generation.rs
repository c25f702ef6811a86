//! The job `inspection_generation`: for every active plan whose next date is within the
//! horizon, the inspections (one per covered site and date) and their visits for dispatch.
//!
//! Every plan is its own transaction with its audit events (entities `inspection_plan`,
//! `inspection`, `visit`); the job's writes are the service's own (no actor). A plan's
//! `next_due` moves only from the value it was read with, and a plan has one inspection per site
//! and date, so running the job twice, or on two nodes at once, creates nothing twice.

use crate::db::audit::{self, snapshot, Actor};
use crate::db::dispatch::get_visit;
use crate::db::inspection_visits::{self, NewVisit};
use crate::db::inspections::{self as store, PlanRow};
use crate::db::{sla, write, DbConn};
use crate::domain::cadence;
use crate::domain::inspection as rules;
use crate::domain::sla::Calendar;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use serde_json::json;

/// Creates what every plan due within the horizon owes. Dates already past when the job runs
/// (the service was down) collapse to the latest of them, an overdue inspection booked from
/// today on (see `domain::cadence::plan_dates`). A plan that fails (e.g. changed by another node
/// at the same moment) is left for the next run. Returns (plans examined, inspections created).
pub fn generate(
    c: &mut DbConn,
    now: DateTime<Utc>,
    horizon_days: u32,
    visit_length: Duration,
) -> AppResult<(i64, i64)> {
    let cal = sla::calendar(c)?;
    let today = cal.local_date(now);
    let actor = Actor::system(now);
    let reach = today
        .checked_add_days(Days::new(horizon_days.into()))
        .unwrap_or(NaiveDate::MAX);
    let due = store::plans_due_by(c, reach)?;
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
        let plan = store::plan_row(c, id)?;
        let Some(next_due) = plan.next_due.filter(|_| plan.active) else {
            return Ok(0); // another run got here first
        };
        let run = cadence::plan_dates(&plan.every()?, plan.starts_on, next_due, today, horizon_days);
        if run.due.is_empty() {
            return Ok(0);
        }
        let sites = store::covered_sites(c, &plan)?;
        let mut created = Vec::new();
        for &due_on in &run.due {
            for &site in &sites {
                if let Some(i) = create_inspection(c, actor, (cal, visit_length), &plan, site, due_on, today)? {
                    created.push(i);
                }
            }
        }
        // The plan moves on only from the date it was read with.
        if !store::move_next_due(c, id, next_due, run.next_due)? {
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
    if store::inspection_exists(c, plan.id, site, due_on)? {
        return Ok(None);
    }
    let id = store::insert_inspection(c, plan, site, due_on, actor.at)?;
    book_visit(c, actor, booking, plan, id, site, due_on.max(today))?;
    let out = store::get_inspection(c, id, actor.at)?;
    audit::record(c, actor, "inspection", id, "create", None, snapshot(&out))?;
    Ok(Some(id))
}

/// A visit for the inspection, booked from `earliest` on with the plan's skill; it becomes the
/// inspection's visit.
pub(super) fn book_visit(
    c: &mut DbConn,
    actor: &Actor,
    (cal, length): (&Calendar, Duration),
    plan: &PlanRow,
    inspection: i64,
    site: i64,
    earliest: NaiveDate,
) -> AppResult<i64> {
    let window = rules::visit_window(cal, earliest, length)
        .ok_or_else(|| AppError::internal("the business calendar has no working day within a year"))?;
    let new = NewVisit {
        inspection_id: inspection,
        site_id: site,
        window,
        required_skill: &plan.required_skill,
        required_level: plan.required_level,
        // The job has no user: the visit is on the plan's owner's behalf.
        created_by: actor.id.map_or(plan.created_by, |u| u.0),
        at: actor.at,
    };
    let visit = inspection_visits::insert(c, &new)?;
    store::set_visit(c, inspection, visit)?;
    let row = get_visit(c, visit)?;
    audit::record(c, actor, "visit", visit, "create", None, snapshot(&row.to_wire()?))?;
    Ok(visit)
}
