//! Sites and the assets at them: who may read and change them, and the checks of their fields.

use super::Who;
use crate::db::sites::{self as store, AssetFields, AssetFilter, SiteFields, SiteFilter};
use crate::db::{DbConn, Paging};
use crate::domain::geo::Location;
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::customers::Act;
use crate::policy::{self, Action};
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
    store::create(c, &who.actor(), b.customer_id.0, fields)
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
    store::update(c, &who.actor(), id, |mut f| {
        if let Some(n) = name {
            f.name = n;
        }
        if let Some(a) = address {
            f.address = a;
        }
        if let Some(l) = location {
            f.location = l;
        }
        Ok(f)
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
    let fields = AssetFields {
        site_id: b.site_id.0,
        model: validate::text("model", &b.model, 200)?,
        serial_number: serial(&b.serial_number)?,
        purchase_date: b.purchase_date,
        acceptance_date: b.acceptance_date,
        warranty_end: b.warranty_end,
    };
    store::create_asset(c, &who.actor(), fields)
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
    store::update_asset(c, &who.actor(), id, |mut f| {
        if let Some(s) = b.site_id {
            f.site_id = s.0;
        }
        if let Some(m) = model {
            f.model = m;
        }
        if let Some(s) = serial_number {
            f.serial_number = s;
        }
        if b.purchase_date.is_some() {
            f.purchase_date = b.purchase_date;
        }
        if b.acceptance_date.is_some() {
            f.acceptance_date = b.acceptance_date;
        }
        if b.warranty_end.is_some() {
            f.warranty_end = b.warranty_end;
        }
        Ok(f)
    })
}
