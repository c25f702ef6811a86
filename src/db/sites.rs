//! Sites (where a customer's installations stand) and the assets at them.

use super::schema::{assets, sites};
use super::{escape_like, like_pattern, lower, ts, utc, DbConn, Paging};
use crate::domain::geo::Location;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{Asset, AssetId, CustomerId, Page, RegionId, Site, SiteId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sites)]
pub struct SiteRow {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    pub region_id: Option<i64>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl SiteRow {
    pub fn to_wire(&self) -> Site {
        Site {
            id: SiteId(self.id),
            customer_id: CustomerId(self.customer_id),
            name: self.name.clone(),
            address: self.address.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
            region_id: self.region_id.map(RegionId),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        }
    }
}

/// A validated site.
#[derive(Debug, Clone)]
pub struct SiteFields {
    pub name: String,
    pub address: String,
    pub location: Location,
}

pub fn get(conn: &mut DbConn, id: i64) -> AppResult<SiteRow> {
    sites::table
        .find(id)
        .select(SiteRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("site", id))
}

#[derive(Debug, Default)]
pub struct SiteFilter {
    pub customer_id: Option<i64>,
    pub region_id: Option<i64>,
    pub q: Option<String>,
}

pub fn list(conn: &mut DbConn, f: &SiteFilter, paging: Paging) -> AppResult<Page<Site>> {
    let query = || {
        let mut q = sites::table.into_boxed();
        if let Some(id) = f.customer_id {
            q = q.filter(sites::customer_id.eq(id));
        }
        if let Some(id) = f.region_id {
            q = q.filter(sites::region_id.eq(id));
        }
        if let Some(text) = &f.q {
            let pat = like_pattern(text);
            q = q.filter(
                lower(sites::name)
                    .like(pat.clone())
                    .escape(escape_like())
                    .or(lower(sites::address).like(pat).escape(escape_like())),
            );
        }
        q
    };
    let (rows, total): (Vec<SiteRow>, i64) =
        paging.load(conn, query, |q| q.order(sites::id).select(SiteRow::as_select()))?;
    Ok(paging.page(rows.iter().map(SiteRow::to_wire).collect(), total))
}

/// Inserts a site in a region, in the caller's transaction.
pub fn insert(
    c: &mut DbConn,
    customer_id: i64,
    f: &SiteFields,
    region: Option<i64>,
    at: DateTime<Utc>,
) -> AppResult<SiteRow> {
    Ok(diesel::insert_into(sites::table)
        .values((
            sites::customer_id.eq(customer_id),
            sites::name.eq(&f.name),
            sites::address.eq(&f.address),
            sites::latitude.eq(f.location.lat()),
            sites::longitude.eq(f.location.lon()),
            sites::region_id.eq(region),
            sites::created_at.eq(ts(at)),
            sites::updated_at.eq(ts(at)),
        ))
        .returning(sites::all_columns)
        .get_result(c)?)
}

/// Stores a site's new fields and region.
pub fn set(c: &mut DbConn, id: i64, f: &SiteFields, region: Option<i64>, at: DateTime<Utc>) -> AppResult<SiteRow> {
    Ok(diesel::update(sites::table.find(id))
        .set((
            sites::name.eq(&f.name),
            sites::address.eq(&f.address),
            sites::latitude.eq(f.location.lat()),
            sites::longitude.eq(f.location.lon()),
            sites::region_id.eq(region),
            sites::updated_at.eq(ts(at)),
        ))
        .returning(sites::all_columns)
        .get_result(c)?)
}

// ---------------------------------------------------------------- assets

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = assets)]
pub struct AssetRow {
    pub id: i64,
    pub site_id: i64,
    pub customer_id: i64,
    pub model: String,
    pub serial_number: String,
    pub purchase_date: Option<NaiveDate>,
    pub acceptance_date: Option<NaiveDate>,
    pub warranty_end: Option<NaiveDate>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl AssetRow {
    pub fn to_wire(&self) -> Asset {
        Asset {
            id: AssetId(self.id),
            site_id: SiteId(self.site_id),
            customer_id: CustomerId(self.customer_id),
            model: self.model.clone(),
            serial_number: self.serial_number.clone(),
            purchase_date: self.purchase_date,
            acceptance_date: self.acceptance_date,
            warranty_end: self.warranty_end,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        }
    }
}

/// A validated asset.
#[derive(Debug, Clone)]
pub struct AssetFields {
    pub site_id: i64,
    pub model: String,
    pub serial_number: String,
    pub purchase_date: Option<NaiveDate>,
    pub acceptance_date: Option<NaiveDate>,
    pub warranty_end: Option<NaiveDate>,
}

impl AssetFields {
    /// Dates in order: acceptance and warranty end not before purchase.
    pub fn check_dates(&self) -> AppResult<()> {
        if let (Some(p), Some(a)) = (self.purchase_date, self.acceptance_date) {
            if a < p {
                return Err(AppError::validation(
                    "acceptance_date",
                    "must not be before the purchase date",
                ));
            }
        }
        if let (Some(p), Some(w)) = (self.purchase_date, self.warranty_end) {
            if w < p {
                return Err(AppError::validation(
                    "warranty_end",
                    "must not be before the purchase date",
                ));
            }
        }
        Ok(())
    }
}

pub fn get_asset(conn: &mut DbConn, id: i64) -> AppResult<AssetRow> {
    assets::table
        .find(id)
        .select(AssetRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("asset", id))
}

#[derive(Debug, Default)]
pub struct AssetFilter {
    pub site_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub serial_number: Option<String>,
    pub q: Option<String>,
}

pub fn list_assets(conn: &mut DbConn, f: &AssetFilter, paging: Paging) -> AppResult<Page<Asset>> {
    let query = || {
        let mut q = assets::table.into_boxed();
        if let Some(id) = f.site_id {
            q = q.filter(assets::site_id.eq(id));
        }
        if let Some(id) = f.customer_id {
            q = q.filter(assets::customer_id.eq(id));
        }
        if let Some(s) = &f.serial_number {
            q = q.filter(assets::serial_number.eq(s.trim().to_string()));
        }
        if let Some(text) = &f.q {
            let pat = like_pattern(text);
            q = q.filter(
                lower(assets::model)
                    .like(pat.clone())
                    .escape(escape_like())
                    .or(lower(assets::serial_number).like(pat).escape(escape_like())),
            );
        }
        q
    };
    let (rows, total): (Vec<AssetRow>, i64) =
        paging.load(conn, query, |q| q.order(assets::id).select(AssetRow::as_select()))?;
    Ok(paging.page(rows.iter().map(AssetRow::to_wire).collect(), total))
}

/// Whether another asset (not `except`) has this serial number.
pub fn serial_taken(c: &mut DbConn, serial: &str, except: Option<i64>) -> AppResult<bool> {
    let mut q = assets::table.filter(assets::serial_number.eq(serial)).into_boxed();
    if let Some(id) = except {
        q = q.filter(assets::id.ne(id));
    }
    Ok(q.count().get_result::<i64>(c)? > 0)
}

/// The customer of a site, refused as a `site_id` field that names no site.
pub fn site_customer(c: &mut DbConn, site_id: i64) -> AppResult<i64> {
    get(c, site_id)
        .map(|s| s.customer_id)
        .map_err(|_| AppError::validation("site_id", format!("no site with id {site_id}")))
}

/// A site's customer, if the site exists.
pub fn customer_of(c: &mut DbConn, site_id: i64) -> QueryResult<Option<i64>> {
    sites::table
        .find(site_id)
        .select(sites::customer_id)
        .first(c)
        .optional()
}

/// Inserts an asset of a customer, in the caller's transaction.
pub fn insert_asset(c: &mut DbConn, f: &AssetFields, customer_id: i64, at: DateTime<Utc>) -> AppResult<AssetRow> {
    Ok(diesel::insert_into(assets::table)
        .values((
            assets::site_id.eq(f.site_id),
            assets::customer_id.eq(customer_id),
            assets::model.eq(&f.model),
            assets::serial_number.eq(&f.serial_number),
            assets::purchase_date.eq(f.purchase_date),
            assets::acceptance_date.eq(f.acceptance_date),
            assets::warranty_end.eq(f.warranty_end),
            assets::created_at.eq(ts(at)),
            assets::updated_at.eq(ts(at)),
        ))
        .returning(assets::all_columns)
        .get_result(c)?)
}

/// Stores an asset's new fields and customer.
pub fn set_asset(c: &mut DbConn, id: i64, f: &AssetFields, customer_id: i64, at: DateTime<Utc>) -> AppResult<AssetRow> {
    Ok(diesel::update(assets::table.find(id))
        .set((
            assets::site_id.eq(f.site_id),
            assets::customer_id.eq(customer_id),
            assets::model.eq(&f.model),
            assets::serial_number.eq(&f.serial_number),
            assets::purchase_date.eq(f.purchase_date),
            assets::acceptance_date.eq(f.acceptance_date),
            assets::warranty_end.eq(f.warranty_end),
            assets::updated_at.eq(ts(at)),
        ))
        .returning(assets::all_columns)
        .get_result(c)?)
}
