//! What a registration or a change reads from the records a ticket points at: the customer's
//! tier, the contact and asset copied onto the ticket, the site and its region, the user it is
//! handed or assigned to.

use crate::db::schema::{assets, contacts, customers, service_regions, sites, users};
use crate::db::DbConn;
use crate::error::AppResult;
use chrono::NaiveDate;
use diesel::prelude::*;
use fieldline_mobile_api::RegionClass;

/// A customer's tier as stored, if the customer exists.
pub fn customer_tier(c: &mut DbConn, customer_id: i64) -> QueryResult<Option<String>> {
    customers::table
        .find(customer_id)
        .select(customers::tier)
        .first(c)
        .optional()
}

/// A contact as a ticket copies it.
pub struct ContactFacts {
    pub customer_id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

pub fn contact(c: &mut DbConn, id: i64) -> QueryResult<Option<ContactFacts>> {
    let row: Option<(i64, String, Option<String>, Option<String>)> = contacts::table
        .find(id)
        .select((contacts::customer_id, contacts::name, contacts::phone, contacts::email))
        .first(c)
        .optional()?;
    Ok(row.map(|(customer_id, name, phone, email)| ContactFacts {
        customer_id,
        name,
        phone,
        email,
    }))
}

/// An asset as a ticket copies it.
pub struct AssetFacts {
    pub customer_id: i64,
    pub site_id: i64,
    pub model: String,
    pub serial_number: String,
    pub purchase_date: Option<NaiveDate>,
}

pub fn asset(c: &mut DbConn, id: i64) -> QueryResult<Option<AssetFacts>> {
    let row: Option<(i64, i64, String, String, Option<NaiveDate>)> = assets::table
        .find(id)
        .select((
            assets::customer_id,
            assets::site_id,
            assets::model,
            assets::serial_number,
            assets::purchase_date,
        ))
        .first(c)
        .optional()?;
    Ok(row.map(
        |(customer_id, site_id, model, serial_number, purchase_date)| AssetFacts {
            customer_id,
            site_id,
            model,
            serial_number,
            purchase_date,
        },
    ))
}

/// Where a ticket's site puts it: the region and its class (urban when the site lies in no
/// region, the stricter limits).
pub fn place(c: &mut DbConn, site_id: Option<i64>) -> AppResult<(Option<i64>, RegionClass)> {
    let Some(site) = site_id else {
        return Ok((None, RegionClass::Urban));
    };
    let region: Option<i64> = sites::table.find(site).select(sites::region_id).first(c)?;
    let class = match region {
        Some(r) => {
            let class: String = service_regions::table.find(r).select(service_regions::class).first(c)?;
            RegionClass::parse(&class).unwrap_or(RegionClass::Urban)
        }
        None => RegionClass::Urban,
    };
    Ok((region, class))
}

/// A user's stored role and whether the user is active, if the user exists.
pub fn user_role(c: &mut DbConn, id: i64) -> QueryResult<Option<(String, bool)>> {
    users::table
        .find(id)
        .select((users::role, users::active))
        .first(c)
        .optional()
}
