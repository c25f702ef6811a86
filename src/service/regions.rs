//! Service regions: staff read them, admins draw and redraw them (sites inside are placed again).

use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::regions::{self as store, RegionFields, RegionFilter};
use crate::db::{write, DbConn, Paging};
use crate::domain::geo::{BBox, Location};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
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
    create_as(c, &who.actor(), fields)
}

/// Draws a region whose fields have been checked, with its audit event, in a transaction of its
/// own; sites inside it get it as their region. For the data generators and start-up, which act
/// as the service itself.
pub fn create_as(c: &mut DbConn, actor: &Actor, f: RegionFields) -> AppResult<Region> {
    write(c, |c| {
        refuse_taken_name(c, &f.name, None)?;
        let row = store::insert(c, &f, actor.at)?;
        let out = row.to_wire()?;
        audit::record(c, actor, "region", row.id, "create", None, snapshot(&out))?;
        relocate_sites(c, actor, f.boundary.bbox(), row.id)?;
        Ok(out)
    })
}

/// Renames, reclassifies or redraws a region; sites are placed again when redrawn.
pub fn update(c: &mut DbConn, who: &Who, id: i64, b: UpdateRegion) -> AppResult<Region> {
    policy::require(&who.caller, Action::Admin(admin::Act::EditRegions))?;
    let name = b.name.as_deref().map(|v| validate::text("name", v, 200)).transpose()?;
    let boundary = b.boundary.as_ref().map(boundary_from_value).transpose()?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::get(c, id)?;
        let old_bbox = before.boundary()?.bbox();
        let mut f = RegionFields {
            name: before.name.clone(),
            class: before.class()?,
            boundary: before.boundary()?,
            boundary_json: before.boundary.clone(),
        };
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
        refuse_taken_name(c, &f.name, Some(id))?;
        let out = store::set(c, id, &f, actor.at)?.to_wire()?;
        audit::record(
            c,
            &actor,
            "region",
            id,
            "update",
            snapshot(&before.to_wire()?),
            snapshot(&out),
        )?;
        if before.boundary != f.boundary_json {
            relocate_sites(c, &actor, old_bbox, id)?;
            relocate_sites(c, &actor, f.boundary.bbox(), id)?;
        }
        Ok(out)
    })
}

/// Region names are unique.
fn refuse_taken_name(c: &mut DbConn, name: &str, except: Option<i64>) -> AppResult<()> {
    if store::name_taken(c, name, except)? {
        return Err(AppError::duplicate("name", format!("a region named `{name}` exists")));
    }
    Ok(())
}

/// Finds the region again for every site in the box (after a region is drawn or redrawn) and for
/// every site that was in `region_id`, each move with its audit event.
fn relocate_sites(c: &mut DbConn, actor: &Actor, bbox: BBox, region_id: i64) -> AppResult<()> {
    for site in store::sites_to_relocate(c, bbox, region_id)? {
        let (id, old) = (site.id, site.region_id);
        let at = Location::parse(site.latitude, site.longitude)
            .map_err(|e| AppError::internal(format!("site {id}: {e}")))?;
        let new = store::locate(c, &at)?;
        if new != old {
            store::set_site_region(c, id, new, actor.at)?;
            audit::record(
                c,
                actor,
                "site",
                id,
                "region_changed",
                Some(serde_json::json!({ "region_id": old })),
                Some(serde_json::json!({ "region_id": new })),
            )?;
        }
    }
    Ok(())
}
