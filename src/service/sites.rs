//! Sites and the assets at them: who may read and change them, and the checks of their fields.

use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::sites::{self as store, AssetFields, AssetFilter, SiteFields, SiteFilter};
use crate::db::{customers, regions, write, DbConn, Paging};
use crate::domain::geo::Location;
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::customers::Act;
use crate::policy::{self, Action};
use chrono::NaiveDate;
use fieldline_mobile_api::{Asset, NewAsset, NewSite, Page, Site, UpdateAsset, UpdateSite};

fn require(who: &Who, act: Act) -> AppResult<()> {
    policy::require(&who.caller, Action::Customers(act))
}

/// What the site list is asked for: its filters and the page.
#[derive(Debug, Default)]
pub struct SiteListing {
    pub customer_id: Option<i64>,
    pub region_id: Option<i64>,
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Lists sites.
pub fn list(c: &mut DbConn, who: &Who, l: SiteListing) -> AppResult<Page<Site>> {
    require(who, Act::ReadSites)?;
    let paging = Paging::new(l.limit, l.offset)?;
    let filter = SiteFilter {
        customer_id: l.customer_id,
        region_id: l.region_id,
        q: l.q,
    };
    store::list(c, &filter, paging)
}

/// One site.
pub fn get(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Site> {
    require(who, Act::ReadSites)?;
    Ok(store::get(c, id)?.to_wire())
}

/// Registers a site; its region is found from its position.
pub fn create(c: &mut DbConn, who: &Who, b: NewSite) -> AppResult<Site> {
    require(who, Act::EditSites)?;
    let fields = SiteFields {
        name: validate::text("name", &b.name, 200)?,
        address: validate::text("address", &b.address, 500)?,
        location: Location::parse(b.latitude, b.longitude)?,
    };
    create_as(c, &who.actor(), b.customer_id.0, fields)
}

/// Registers a site whose fields have been checked, with its audit event, in a transaction of its
/// own; its region is found from its position. For the data generators and start-up, which act as
/// the service itself.
pub fn create_as(c: &mut DbConn, actor: &Actor, customer_id: i64, f: SiteFields) -> AppResult<Site> {
    write(c, |c| {
        customers::get(c, customer_id)
            .map_err(|_| AppError::validation("customer_id", format!("no customer with id {customer_id}")))?;
        let region = regions::locate(c, &f.location)?;
        let row = store::insert(c, customer_id, &f, region, actor.at)?;
        let out = row.to_wire();
        audit::record(c, actor, "site", row.id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// Changes a site; moving it finds its region again.
pub fn update(c: &mut DbConn, who: &Who, id: i64, b: UpdateSite) -> AppResult<Site> {
    require(who, Act::EditSites)?;
    let name = b.name.as_deref().map(|v| validate::text("name", v, 200)).transpose()?;
    let address = b
        .address
        .as_deref()
        .map(|v| validate::text("address", v, 500))
        .transpose()?;
    let location = match (b.latitude, b.longitude) {
        (Some(lat), Some(lon)) => Some(Location::parse(lat, lon)?),
        (None, None) => None,
        (Some(_), None) => {
            return Err(AppError::validation(
                "longitude",
                "give latitude and longitude together",
            ))
        }
        (None, Some(_)) => return Err(AppError::validation("latitude", "give latitude and longitude together")),
    };
    let actor = who.actor();
    write(c, |c| {
        let before = store::get(c, id)?;
        let old_location = Location::parse(before.latitude, before.longitude)
            .map_err(|e| AppError::internal(format!("site {id}: {e}")))?;
        let f = SiteFields {
            name: name.unwrap_or_else(|| before.name.clone()),
            address: address.unwrap_or_else(|| before.address.clone()),
            location: location.unwrap_or(old_location),
        };
        let region = if f.location == old_location {
            before.region_id
        } else {
            regions::locate(c, &f.location)?
        };
        let out = store::set(c, id, &f, region, actor.at)?.to_wire();
        audit::record(
            c,
            &actor,
            "site",
            id,
            "update",
            snapshot(&before.to_wire()),
            snapshot(&out),
        )?;
        Ok(out)
    })
}

/// What the asset list is asked for: its filters and the page.
#[derive(Debug, Default)]
pub struct AssetListing {
    pub site_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub serial_number: Option<String>,
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

fn serial(v: &str) -> AppResult<String> {
    Ok(validate::text("serial_number", v, 100)?)
}

/// Lists assets.
pub fn list_assets(c: &mut DbConn, who: &Who, l: AssetListing) -> AppResult<Page<Asset>> {
    require(who, Act::ReadAssets)?;
    let paging = Paging::new(l.limit, l.offset)?;
    let filter = AssetFilter {
        site_id: l.site_id,
        customer_id: l.customer_id,
        serial_number: l.serial_number,
        q: l.q,
    };
    store::list_assets(c, &filter, paging)
}

/// One asset.
pub fn get_asset(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Asset> {
    require(who, Act::ReadAssets)?;
    Ok(store::get_asset(c, id)?.to_wire())
}

/// Registers an asset at a site; serial numbers are unique.
pub fn create_asset(c: &mut DbConn, who: &Who, b: NewAsset) -> AppResult<Asset> {
    require(who, Act::EditAssets)?;
    asset_dates_plausible([b.purchase_date, b.acceptance_date, b.warranty_end], who)?;
    let fields = AssetFields {
        site_id: b.site_id.0,
        model: validate::text("model", &b.model, 200)?,
        serial_number: serial(&b.serial_number)?,
        purchase_date: b.purchase_date,
        acceptance_date: b.acceptance_date,
        warranty_end: b.warranty_end,
    };
    create_asset_as(c, &who.actor(), fields)
}

/// An asset's purchase, acceptance and warranty dates as given: each a plausible day.
fn asset_dates_plausible(dates: [Option<NaiveDate>; 3], who: &Who) -> AppResult<()> {
    let today = who.at.date_naive();
    for (field, day) in ["purchase_date", "acceptance_date", "warranty_end"]
        .into_iter()
        .zip(dates)
    {
        if let Some(d) = day {
            validate::date(field, d, today)?;
        }
    }
    Ok(())
}

/// Registers an asset whose fields have been checked, with its audit event, in a transaction of
/// its own; serial numbers are unique. For the data generators and start-up, which act as the
/// service itself.
pub fn create_asset_as(c: &mut DbConn, actor: &Actor, f: AssetFields) -> AppResult<Asset> {
    f.check_dates()?;
    write(c, |c| {
        let customer_id = store::site_customer(c, f.site_id)?;
        if store::serial_taken(c, &f.serial_number, None)? {
            return Err(AppError::duplicate(
                "serial_number",
                format!("an asset with serial number `{}` exists", f.serial_number),
            ));
        }
        let row = store::insert_asset(c, &f, customer_id, actor.at)?;
        let out = row.to_wire();
        audit::record(c, actor, "asset", row.id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// Changes an asset (moving it to another site moves it to that site's customer).
pub fn update_asset(c: &mut DbConn, who: &Who, id: i64, b: UpdateAsset) -> AppResult<Asset> {
    require(who, Act::EditAssets)?;
    let model = b
        .model
        .as_deref()
        .map(|v| validate::text("model", v, 200))
        .transpose()?;
    let serial_number = b.serial_number.as_deref().map(serial).transpose()?;
    asset_dates_plausible([b.purchase_date, b.acceptance_date, b.warranty_end], who)?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::get_asset(c, id)?;
        let f = AssetFields {
            site_id: b.site_id.map_or(before.site_id, |s| s.0),
            model: model.unwrap_or_else(|| before.model.clone()),
            serial_number: serial_number.unwrap_or_else(|| before.serial_number.clone()),
            purchase_date: b.purchase_date.or(before.purchase_date),
            acceptance_date: b.acceptance_date.or(before.acceptance_date),
            warranty_end: b.warranty_end.or(before.warranty_end),
        };
        f.check_dates()?;
        let customer_id = if f.site_id == before.site_id {
            before.customer_id
        } else {
            store::site_customer(c, f.site_id)?
        };
        if f.serial_number != before.serial_number && store::serial_taken(c, &f.serial_number, Some(id))? {
            return Err(AppError::duplicate(
                "serial_number",
                format!("an asset with serial number `{}` exists", f.serial_number),
            ));
        }
        let out = store::set_asset(c, id, &f, customer_id, actor.at)?.to_wire();
        audit::record(
            c,
            &actor,
            "asset",
            id,
            "update",
            snapshot(&before.to_wire()),
            snapshot(&out),
        )?;
        Ok(out)
    })
}
