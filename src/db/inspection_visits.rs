//! The visits of inspections: booking one for an inspection, cancelling one with its plan, and
//! what the technician's phone shows of it. Dispatch books and tracks these visits like any
//! other once they exist.

use super::inspections::{inspection_row, plan_row};
use super::schema::{assets, sites, visits};
use super::{ts, DbConn};
use crate::error::AppResult;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{AssetId, VisitAsset, VisitKind, VisitStatus};

/// A visit to book for an inspection.
pub struct NewVisit<'a> {
    pub inspection_id: i64,
    pub site_id: i64,
    pub window: (DateTime<Utc>, DateTime<Utc>),
    pub required_skill: &'a Option<String>,
    pub required_level: i32,
    pub created_by: i64,
    pub at: DateTime<Utc>,
}

/// Books a scheduled inspection visit in the site's region; returns its id.
pub fn insert(c: &mut DbConn, v: &NewVisit<'_>) -> AppResult<i64> {
    let region: Option<i64> = sites::table.find(v.site_id).select(sites::region_id).first(c)?;
    let now = ts(v.at);
    Ok(diesel::insert_into(visits::table)
        .values((
            visits::kind.eq(VisitKind::Inspection.as_str()),
            visits::inspection_id.eq(Some(v.inspection_id)),
            visits::site_id.eq(Some(v.site_id)),
            visits::region_id.eq(region),
            visits::window_start.eq(ts(v.window.0)),
            visits::window_end.eq(ts(v.window.1)),
            visits::required_skill.eq(v.required_skill),
            visits::required_level.eq(v.required_level),
            visits::status.eq(VisitStatus::Scheduled.as_str()),
            visits::created_by.eq(v.created_by),
            visits::created_at.eq(now),
            visits::updated_at.eq(now),
        ))
        .returning(visits::id)
        .get_result(c)?)
}

/// Cancels a visit read at `version`, with the reason.
pub fn cancel(c: &mut DbConn, id: i64, version: i32, why: &str, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(visits::table.find(id))
        .set((
            visits::status.eq(VisitStatus::Cancelled.as_str()),
            visits::outcome_reason.eq(why),
            visits::version.eq(version + 1),
            visits::updated_at.eq(ts(at)),
        ))
        .execute(c)?;
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
