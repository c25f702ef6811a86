//! Service regions: staff read them, admins draw and redraw them (sites inside are placed again).

use super::Who;
use crate::db::regions::{self as store, RegionFields, RegionFilter};
use crate::db::{DbConn, Paging};
use crate::domain::validate;
use crate::error::AppResult;
use crate::geojson::boundary_from_value;
use crate::policy::{self, admin, customers, Action};
use fieldline_mobile_api::{NewRegion, Page, Region, RegionClass, UpdateRegion};

/// What the region list is asked for: its filters and the page.
#[derive(Debug, Default)]
pub struct RegionListing {
    pub class: Option<RegionClass>,
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Lists regions.
pub fn list(c: &mut DbConn, who: &Who, l: RegionListing) -> AppResult<Page<Region>> {
    policy::require(&who.caller, Action::Customers(customers::Act::ReadRegions))?;
    let paging = Paging::new(l.limit, l.offset)?;
    let filter = RegionFilter { class: l.class, q: l.q };
    store::list(c, &filter, paging)
}

/// One region.
pub fn get(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Region> {
    policy::require(&who.caller, Action::Customers(customers::Act::ReadRegions))?;
    store::get(c, id)?.to_wire()
}

/// Draws a region; sites inside it get it as their region.
pub fn create(c: &mut DbConn, who: &Who, b: NewRegion) -> AppResult<Region> {
    policy::require(&who.caller, Action::Admin(admin::Act::EditRegions))?;
    let (boundary, boundary_json) = boundary_from_value(&b.boundary)?;
    let fields = RegionFields {
        name: validate::text("name", &b.name, 200)?,
        class: b.class,
        boundary,
        boundary_json,
    };
    store::create(c, &who.actor(), fields)
}

/// Renames, reclassifies or redraws a region; sites are placed again when redrawn.
pub fn update(c: &mut DbConn, who: &Who, id: i64, b: UpdateRegion) -> AppResult<Region> {
    policy::require(&who.caller, Action::Admin(admin::Act::EditRegions))?;
    let name = b.name.as_deref().map(|v| validate::text("name", v, 200)).transpose()?;
    let boundary = b.boundary.as_ref().map(boundary_from_value).transpose()?;
    store::update(c, &who.actor(), id, |mut f| {
        if let Some(n) = name {
            f.name = n;
        }
        if let Some(class) = b.class {
            f.class = class;
        }
        if let Some((boundary, json)) = boundary {
            f.boundary = boundary;
            f.boundary_json = json;
        }
        Ok(f)
    })
}
