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

/// A customer's name, and the names of a site, an owner and an assignee where there are.
type TicketNames = (String, Option<String>, Option<String>, Option<String>);

/// The names of one ticket's customer, site, owner and assignee, read in one query (a ticket's
/// read; `fill_names` reads a batch with one query per kind of record).
pub fn fill_names_of_one(c: &mut DbConn, t: &mut fieldline_mobile_api::Ticket) -> QueryResult<()> {
    let (owner, assignee) = diesel::alias!(users as owner, users as assignee);
    let site = t.site_id.map(|s| s.0);
    let assignee_id = t.assignee_id.map(|a| a.0);
    let names: Option<TicketNames> = crate::on_backend!(c, |b| customers::table
        .left_join(sites::table.on(sites::id.nullable().eq(site)))
        .left_join(owner.on(owner.field(users::id).eq(t.owner_id.0)))
        .left_join(assignee.on(assignee.field(users::id).nullable().eq(assignee_id)))
        .filter(customers::id.eq(t.customer_id.0))
        .select((
            customers::name,
            sites::name.nullable(),
            owner.field(users::display_name).nullable(),
            assignee.field(users::display_name).nullable(),
        ))
        .first(b)
        .optional())?;
    if let Some((customer, site, owner, assignee)) = names {
        t.customer_name = Some(customer);
        t.site_name = site;
        t.owner_name = owner;
        t.assignee_name = assignee;
    }
    Ok(())
}

/// Fills in the names of the customers, sites, owners and assignees the tickets point at: one
/// query per kind of record for the whole batch (a page of a list).
pub fn fill_names(c: &mut DbConn, tickets: &mut [fieldline_mobile_api::Ticket]) -> QueryResult<()> {
    use std::collections::{BTreeSet, HashMap};
    if tickets.is_empty() {
        return Ok(());
    }
    let customer_ids: BTreeSet<i64> = tickets.iter().map(|t| t.customer_id.0).collect();
    let site_ids: BTreeSet<i64> = tickets.iter().filter_map(|t| t.site_id.map(|s| s.0)).collect();
    let user_ids: BTreeSet<i64> = tickets
        .iter()
        .flat_map(|t| std::iter::once(t.owner_id.0).chain(t.assignee_id.map(|a| a.0)))
        .collect();
    let customer_names: HashMap<i64, String> = customers::table
        .filter(customers::id.eq_any(customer_ids))
        .select((customers::id, customers::name))
        .load(c)?
        .into_iter()
        .collect();
    let site_names: HashMap<i64, String> = if site_ids.is_empty() {
        HashMap::new()
    } else {
        sites::table
            .filter(sites::id.eq_any(site_ids))
            .select((sites::id, sites::name))
            .load(c)?
            .into_iter()
            .collect()
    };
    let user_names = crate::db::users::display_names(c, &user_ids.into_iter().collect::<Vec<_>>())?;
    for t in tickets.iter_mut() {
        t.customer_name = customer_names.get(&t.customer_id.0).cloned();
        t.site_name = t.site_id.and_then(|s| site_names.get(&s.0).cloned());
        t.owner_name = user_names.get(&t.owner_id.0).cloned();
        t.assignee_name = t.assignee_id.and_then(|a| user_names.get(&a.0).cloned());
    }
    Ok(())
}
