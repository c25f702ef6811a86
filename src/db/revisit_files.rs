//! Revisit files: one per asset with an acceptance date (the delivered installation), whose
//! cadence gives the asset's periodic revisits; its customer and site follow the asset's. The
//! generation job (`service::revisit_generation`) keeps them in step through these queries.
//!
//! Idempotency: a file per asset (`asset_id` unique); a file's `next_due` moves only from the
//! value it was read with ([`move_next_due`]).

use super::schema::{assets, revisit_files};
use super::{ts, utc, DbConn, Paging};
use crate::domain::cadence::Cadence;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{AssetId, CustomerId, Page, RevisitFile, RevisitFileId, SiteId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = revisit_files)]
pub struct FileRow {
    pub id: i64,
    pub asset_id: i64,
    pub customer_id: i64,
    pub site_id: i64,
    pub accepted_on: NaiveDate,
    pub first_year_months: i32,
    pub later_months: i32,
    pub next_due: Option<NaiveDate>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl FileRow {
    pub fn to_wire(&self) -> RevisitFile {
        RevisitFile {
            id: RevisitFileId(self.id),
            asset_id: AssetId(self.asset_id),
            customer_id: CustomerId(self.customer_id),
            site_id: SiteId(self.site_id),
            accepted_on: self.accepted_on,
            first_year_months: self.first_year_months,
            later_months: self.later_months,
            next_due: self.next_due,
            active: self.active,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        }
    }

    pub fn cadence(&self) -> AppResult<Cadence> {
        let months = |v: i32| u32::try_from(v).unwrap_or(0);
        Cadence::new(months(self.first_year_months), months(self.later_months))
            .map_err(|e| AppError::internal(format!("revisit file {}: {e}", self.id)))
    }
}

pub fn get_file_row(c: &mut DbConn, id: i64) -> AppResult<FileRow> {
    revisit_files::table
        .find(id)
        .select(FileRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("revisit file", id))
}

#[derive(Debug, Default, Clone)]
pub struct FileFilter {
    pub customer_id: Option<i64>,
    pub asset_id: Option<i64>,
    pub active: Option<bool>,
}

/// Revisit files, oldest first.
pub fn list_files(c: &mut DbConn, f: &FileFilter, paging: Paging) -> AppResult<Page<RevisitFile>> {
    let query = || {
        let mut q = revisit_files::table.into_boxed();
        if let Some(cu) = f.customer_id {
            q = q.filter(revisit_files::customer_id.eq(cu));
        }
        if let Some(a) = f.asset_id {
            q = q.filter(revisit_files::asset_id.eq(a));
        }
        if let Some(a) = f.active {
            q = q.filter(revisit_files::active.eq(a));
        }
        q
    };
    let (rows, total): (Vec<FileRow>, i64) =
        paging.load(c, query, |q| q.order(revisit_files::id).select(FileRow::as_select()))?;
    Ok(paging.page(rows.iter().map(FileRow::to_wire).collect(), total))
}

pub fn get_file(c: &mut DbConn, id: i64) -> AppResult<RevisitFile> {
    Ok(get_file_row(c, id)?.to_wire())
}

/// Files whose asset changed: its acceptance date set, moved, cleared or not reached yet, or it
/// moved to another site or customer.
pub fn stale_files(c: &mut DbConn, today: NaiveDate) -> AppResult<Vec<i64>> {
    let accepted = assets::acceptance_date.le(today);
    let unaccepted = assets::acceptance_date.is_null().or(assets::acceptance_date.gt(today));
    Ok(revisit_files::table
        .inner_join(assets::table)
        .filter(
            revisit_files::active
                .eq(true)
                .and(unaccepted)
                .or(accepted.and(
                    revisit_files::active
                        .eq(false)
                        .or(assets::acceptance_date.ne(revisit_files::accepted_on.nullable())),
                ))
                .or(assets::customer_id.ne(revisit_files::customer_id))
                .or(assets::site_id.ne(revisit_files::site_id)),
        )
        .order(revisit_files::id)
        .select(revisit_files::id)
        .load(c)?)
}

/// Assets accepted by `today` that have no revisit file.
pub fn accepted_assets_without_file(c: &mut DbConn, today: NaiveDate) -> AppResult<Vec<i64>> {
    Ok(assets::table
        .left_join(revisit_files::table)
        .filter(revisit_files::id.nullable().is_null())
        .filter(assets::acceptance_date.le(today))
        .order(assets::id)
        .select(assets::id)
        .load(c)?)
}

/// Active files whose next revisit is due on or before `reach`, the earliest first.
pub fn files_due_by(c: &mut DbConn, reach: NaiveDate) -> AppResult<Vec<i64>> {
    Ok(revisit_files::table
        .filter(revisit_files::active.eq(true))
        .filter(revisit_files::next_due.le(reach))
        .order((revisit_files::next_due, revisit_files::id))
        .select(revisit_files::id)
        .load(c)?)
}

/// An asset's acceptance date, customer and site.
pub fn asset_facts(c: &mut DbConn, asset_id: i64) -> AppResult<(Option<NaiveDate>, i64, i64)> {
    Ok(assets::table
        .find(asset_id)
        .select((assets::acceptance_date, assets::customer_id, assets::site_id))
        .first(c)?)
}

/// Stores a file's asset-derived fields.
pub fn update_file(c: &mut DbConn, f: &FileRow) -> AppResult<()> {
    diesel::update(revisit_files::table.find(f.id))
        .set((
            revisit_files::customer_id.eq(f.customer_id),
            revisit_files::site_id.eq(f.site_id),
            revisit_files::accepted_on.eq(f.accepted_on),
            revisit_files::active.eq(f.active),
            revisit_files::next_due.eq(f.next_due),
            revisit_files::updated_at.eq(f.updated_at),
        ))
        .execute(c)?;
    Ok(())
}

/// Whether the asset has a revisit file.
pub fn asset_has_file(c: &mut DbConn, asset_id: i64) -> AppResult<bool> {
    let n: i64 = revisit_files::table
        .filter(revisit_files::asset_id.eq(asset_id))
        .count()
        .get_result(c)?;
    Ok(n > 0)
}

/// A new file's fields.
pub struct NewFile {
    pub asset_id: i64,
    pub customer_id: i64,
    pub site_id: i64,
    pub accepted_on: NaiveDate,
    pub cadence: Cadence,
    pub next_due: Option<NaiveDate>,
    pub at: DateTime<Utc>,
}

pub fn insert_file(c: &mut DbConn, f: &NewFile) -> AppResult<FileRow> {
    let now = ts(f.at);
    Ok(diesel::insert_into(revisit_files::table)
        .values((
            revisit_files::asset_id.eq(f.asset_id),
            revisit_files::customer_id.eq(f.customer_id),
            revisit_files::site_id.eq(f.site_id),
            revisit_files::accepted_on.eq(f.accepted_on),
            revisit_files::first_year_months.eq(f.cadence.first_year_months() as i32),
            revisit_files::later_months.eq(f.cadence.later_months() as i32),
            revisit_files::next_due.eq(f.next_due),
            revisit_files::active.eq(true),
            revisit_files::created_at.eq(now),
            revisit_files::updated_at.eq(now),
        ))
        .returning(revisit_files::all_columns)
        .get_result(c)?)
}

/// Moves a file's next date on, only from the date it was read with; false when it was changed
/// meanwhile.
pub fn move_next_due(
    c: &mut DbConn,
    id: i64,
    read: NaiveDate,
    next: Option<NaiveDate>,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    let moved = diesel::update(
        revisit_files::table
            .filter(revisit_files::id.eq(id))
            .filter(revisit_files::next_due.eq(read)),
    )
    .set((revisit_files::next_due.eq(next), revisit_files::updated_at.eq(ts(at))))
    .execute(c)?;
    Ok(moved > 0)
}
