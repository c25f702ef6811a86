//! Service regions (a boundary and a class) and the lookup of the region a point lies in.

use super::schema::{service_regions, sites};
use super::{escape_like, like_pattern, lower, ts, utc, DbConn, Paging};
use crate::domain::geo::{region_of, BBox, Boundary, Location};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{Page, Region, RegionClass, RegionId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = service_regions)]
pub struct RegionRow {
    pub id: i64,
    pub name: String,
    pub class: String,
    pub boundary: String,
    pub min_lat: f64,
    pub min_lon: f64,
    pub max_lat: f64,
    pub max_lon: f64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl RegionRow {
    pub fn class(&self) -> AppResult<RegionClass> {
        RegionClass::parse(&self.class)
            .ok_or_else(|| AppError::internal(format!("region {} has unknown class {}", self.id, self.class)))
    }

    pub fn boundary(&self) -> AppResult<Boundary> {
        crate::geojson::parse_boundary(&self.boundary)
            .map_err(|e| AppError::internal(format!("region {} has an unreadable boundary: {e}", self.id)))
    }

    pub fn to_wire(&self) -> AppResult<Region> {
        Ok(Region {
            id: RegionId(self.id),
            name: self.name.clone(),
            class: self.class()?,
            boundary: serde_json::from_str(&self.boundary)
                .map_err(|e| AppError::internal(format!("region {} boundary: {e}", self.id)))?,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// A validated region: its boundary as checked by the domain and as GeoJSON text to store.
#[derive(Debug, Clone)]
pub struct RegionFields {
    pub name: String,
    pub class: RegionClass,
    pub boundary: Boundary,
    pub boundary_json: String,
}

pub fn get(conn: &mut DbConn, id: i64) -> AppResult<RegionRow> {
    service_regions::table
        .find(id)
        .select(RegionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("region", id))
}

#[derive(Debug, Default)]
pub struct RegionFilter {
    pub class: Option<RegionClass>,
    pub q: Option<String>,
}

pub fn list(conn: &mut DbConn, f: &RegionFilter, paging: Paging) -> AppResult<Page<Region>> {
    let query = || {
        let mut q = service_regions::table.into_boxed();
        if let Some(class) = f.class {
            q = q.filter(service_regions::class.eq(class.as_str()));
        }
        if let Some(text) = &f.q {
            q = q.filter(
                lower(service_regions::name)
                    .like(like_pattern(text))
                    .escape(escape_like()),
            );
        }
        q
    };
    let (rows, total): (Vec<RegionRow>, i64) = paging.load(conn, query, |q| {
        q.order(service_regions::id).select(RegionRow::as_select())
    })?;
    let items = rows.iter().map(RegionRow::to_wire).collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

/// The region a location lies in: candidates by bounding box from the index, then
/// point-in-polygon, the lowest id winning where regions overlap.
pub fn locate(conn: &mut DbConn, at: &Location) -> AppResult<Option<i64>> {
    let rows: Vec<RegionRow> = service_regions::table
        .filter(service_regions::min_lat.le(at.lat()))
        .filter(service_regions::max_lat.ge(at.lat()))
        .filter(service_regions::min_lon.le(at.lon()))
        .filter(service_regions::max_lon.ge(at.lon()))
        .order(service_regions::id)
        .select(RegionRow::as_select())
        .load(conn)?;
    let bounds = rows
        .iter()
        .map(|r| Ok((r.id, r.boundary()?)))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(region_of(bounds.iter().map(|(id, b)| (*id, b)), at))
}

/// Where a site stands and the region it is in.
#[derive(Debug, Clone, Queryable)]
pub struct SitePlace {
    pub id: i64,
    pub latitude: f64,
    pub longitude: f64,
    pub region_id: Option<i64>,
}

/// The sites in the box and the sites in `region_id` (whose region is to be found again after a
/// region is drawn or redrawn).
pub fn sites_to_relocate(c: &mut DbConn, bbox: BBox, region_id: i64) -> AppResult<Vec<SitePlace>> {
    Ok(sites::table
        .filter(
            sites::region_id.eq(region_id).or(sites::latitude
                .between(bbox.min_lat, bbox.max_lat)
                .and(sites::longitude.between(bbox.min_lon, bbox.max_lon))),
        )
        .select((sites::id, sites::latitude, sites::longitude, sites::region_id))
        .load(c)?)
}

/// Stores a site's new region.
pub fn set_site_region(c: &mut DbConn, site_id: i64, region: Option<i64>, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(sites::table.find(site_id))
        .set((sites::region_id.eq(region), sites::updated_at.eq(ts(at))))
        .execute(c)?;
    Ok(())
}

/// Whether another region (not `except`) has this name.
pub fn name_taken(c: &mut DbConn, name: &str, except: Option<i64>) -> AppResult<bool> {
    let mut q = service_regions::table
        .filter(service_regions::name.eq(name))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(service_regions::id.ne(id));
    }
    Ok(q.count().get_result::<i64>(c)? > 0)
}

/// Inserts a region, in the caller's transaction.
pub fn insert(c: &mut DbConn, f: &RegionFields, at: DateTime<Utc>) -> AppResult<RegionRow> {
    let b = f.boundary.bbox();
    Ok(diesel::insert_into(service_regions::table)
        .values((
            service_regions::name.eq(&f.name),
            service_regions::class.eq(f.class.as_str()),
            service_regions::boundary.eq(&f.boundary_json),
            service_regions::min_lat.eq(b.min_lat),
            service_regions::min_lon.eq(b.min_lon),
            service_regions::max_lat.eq(b.max_lat),
            service_regions::max_lon.eq(b.max_lon),
            service_regions::created_at.eq(ts(at)),
            service_regions::updated_at.eq(ts(at)),
        ))
        .returning(service_regions::all_columns)
        .get_result(c)?)
}

/// Stores a region's new fields, in the caller's transaction.
pub fn set(c: &mut DbConn, id: i64, f: &RegionFields, at: DateTime<Utc>) -> AppResult<RegionRow> {
    let b = f.boundary.bbox();
    Ok(diesel::update(service_regions::table.find(id))
        .set((
            service_regions::name.eq(&f.name),
            service_regions::class.eq(f.class.as_str()),
            service_regions::boundary.eq(&f.boundary_json),
            service_regions::min_lat.eq(b.min_lat),
            service_regions::min_lon.eq(b.min_lon),
            service_regions::max_lat.eq(b.max_lat),
            service_regions::max_lon.eq(b.max_lon),
            service_regions::updated_at.eq(ts(at)),
        ))
        .returning(service_regions::all_columns)
        .get_result(c)?)
}
