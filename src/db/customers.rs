//! Customers and their contacts.

use super::schema::{contacts, customers};
use super::{escape_like, like_pattern, lower, ts, utc, DbConn, Paging};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    AssetId, Contact, ContactId, Customer, CustomerId, CustomerMatch, Language, LookupMatch, Page, SiteId, Tier, UserId,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = customers)]
pub struct CustomerRow {
    pub id: i64,
    pub name: String,
    pub tier: String,
    pub account_manager_id: Option<i64>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

impl CustomerRow {
    pub fn tier(&self) -> AppResult<Tier> {
        Tier::parse(&self.tier)
            .ok_or_else(|| AppError::internal(format!("customer {} has unknown tier {}", self.id, self.tier)))
    }

    pub fn to_wire(&self) -> AppResult<Customer> {
        Ok(Customer {
            id: CustomerId(self.id),
            name: self.name.clone(),
            tier: self.tier()?,
            account_manager_id: self.account_manager_id.map(UserId),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// A validated customer (new, or the full state after a change).
#[derive(Debug, Clone)]
pub struct CustomerFields {
    pub name: String,
    pub tier: Tier,
    pub account_manager_id: Option<i64>,
}

pub fn get(conn: &mut DbConn, id: i64) -> AppResult<CustomerRow> {
    customers::table
        .find(id)
        .select(CustomerRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("customer", id))
}

#[derive(Debug, Default)]
pub struct CustomerFilter {
    pub tier: Option<Tier>,
    pub account_manager_id: Option<i64>,
    pub q: Option<String>,
}

pub fn list(conn: &mut DbConn, f: &CustomerFilter, paging: Paging) -> AppResult<Page<Customer>> {
    let query = || {
        let mut q = customers::table.into_boxed();
        if let Some(t) = f.tier {
            q = q.filter(customers::tier.eq(t.as_str()));
        }
        if let Some(am) = f.account_manager_id {
            q = q.filter(customers::account_manager_id.eq(am));
        }
        if let Some(text) = &f.q {
            q = q.filter(lower(customers::name).like(like_pattern(text)).escape(escape_like()));
        }
        q
    };
    let (rows, total) = paging.load(conn, query, |q| {
        q.order((customers::name, customers::id))
            .select(CustomerRow::as_select())
    })?;
    let items = rows.iter().map(CustomerRow::to_wire).collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

/// Inserts a customer, in the caller's transaction.
pub fn insert(c: &mut DbConn, f: &CustomerFields, at: DateTime<Utc>) -> AppResult<CustomerRow> {
    Ok(diesel::insert_into(customers::table)
        .values((
            customers::name.eq(&f.name),
            customers::tier.eq(f.tier.as_str()),
            customers::account_manager_id.eq(f.account_manager_id),
            customers::created_at.eq(ts(at)),
            customers::updated_at.eq(ts(at)),
        ))
        .returning((
            customers::id,
            customers::name,
            customers::tier,
            customers::account_manager_id,
            customers::created_at,
            customers::updated_at,
        ))
        .get_result(c)?)
}

/// Stores a customer's new fields, in the caller's transaction.
pub fn set(c: &mut DbConn, id: i64, f: &CustomerFields, at: DateTime<Utc>) -> AppResult<CustomerRow> {
    Ok(diesel::update(customers::table.find(id))
        .set((
            customers::name.eq(&f.name),
            customers::tier.eq(f.tier.as_str()),
            customers::account_manager_id.eq(f.account_manager_id),
            customers::updated_at.eq(ts(at)),
        ))
        .returning((
            customers::id,
            customers::name,
            customers::tier,
            customers::account_manager_id,
            customers::created_at,
            customers::updated_at,
        ))
        .get_result(c)?)
}

// ---------------------------------------------------------------- contacts

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contacts)]
pub struct ContactRow {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub language: String,
}

impl ContactRow {
    /// The contact's language (an unknown stored value reads as Chinese, the default).
    pub fn language(&self) -> Language {
        Language::parse(&self.language).unwrap_or_default()
    }

    pub fn to_wire(&self) -> Contact {
        Contact {
            id: ContactId(self.id),
            customer_id: CustomerId(self.customer_id),
            name: self.name.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            language: self.language(),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        }
    }
}

/// A validated contact: a name and at least one of phone and e-mail.
#[derive(Debug, Clone)]
pub struct ContactFields {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub language: Language,
}

pub fn get_contact(conn: &mut DbConn, id: i64) -> AppResult<ContactRow> {
    contacts::table
        .find(id)
        .select(ContactRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("contact", id))
}

pub fn list_contacts(conn: &mut DbConn, customer_id: i64, paging: Paging) -> AppResult<Page<Contact>> {
    get(conn, customer_id)?;
    let query = || {
        contacts::table
            .filter(contacts::customer_id.eq(customer_id))
            .into_boxed()
    };
    let (rows, total): (Vec<ContactRow>, i64) =
        paging.load(conn, query, |q| q.order(contacts::id).select(ContactRow::as_select()))?;
    Ok(paging.page(rows.iter().map(ContactRow::to_wire).collect(), total))
}

/// The language e-mails to each of these contacts are written in (contacts not found are left
/// out).
pub fn contact_languages(conn: &mut DbConn, ids: &[i64]) -> AppResult<std::collections::HashMap<i64, Language>> {
    let rows: Vec<(i64, String)> = contacts::table
        .filter(contacts::id.eq_any(ids))
        .select((contacts::id, contacts::language))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, l)| (id, Language::parse(&l).unwrap_or_default()))
        .collect())
}

/// The language of a mail to a ticket's contact: the contact's, or Chinese for an address
/// without a contact record.
pub fn contact_language(conn: &mut DbConn, id: Option<i64>) -> AppResult<Language> {
    Ok(match id {
        Some(id) => contact_languages(conn, &[id])?.remove(&id).unwrap_or_default(),
        None => Language::default(),
    })
}

/// Inserts a contact of a customer, in the caller's transaction.
pub fn insert_contact(c: &mut DbConn, customer_id: i64, f: &ContactFields, at: DateTime<Utc>) -> AppResult<ContactRow> {
    Ok(diesel::insert_into(contacts::table)
        .values((
            contacts::customer_id.eq(customer_id),
            contacts::name.eq(&f.name),
            contacts::phone.eq(&f.phone),
            contacts::email.eq(&f.email),
            contacts::language.eq(f.language.as_str()),
            contacts::created_at.eq(ts(at)),
            contacts::updated_at.eq(ts(at)),
        ))
        .returning(contacts::all_columns)
        .get_result(c)?)
}

/// Stores a contact's new fields.
pub fn set_contact(c: &mut DbConn, id: i64, f: &ContactFields, at: DateTime<Utc>) -> AppResult<ContactRow> {
    Ok(diesel::update(contacts::table.find(id))
        .set((
            contacts::name.eq(&f.name),
            contacts::phone.eq(&f.phone),
            contacts::email.eq(&f.email),
            contacts::language.eq(f.language.as_str()),
            contacts::updated_at.eq(ts(at)),
        ))
        .returning(contacts::all_columns)
        .get_result(c)?)
}

/// Removes a contact, with its portal sign-in links (and so its portal sessions).
pub fn remove_contact(c: &mut DbConn, id: i64) -> AppResult<()> {
    use super::schema::portal_links;
    diesel::delete(portal_links::table.filter(portal_links::contact_id.eq(id))).execute(c)?;
    diesel::delete(contacts::table.find(id)).execute(c)?;
    Ok(())
}

// ---------------------------------------------------------------- lookup as one types

/// What a lookup searches: part of a name or serial number (any case), and the digits of a
/// phone number when the text is one.
#[derive(Debug, Clone)]
pub struct Lookup {
    pub text: String,
    /// The text's digits, when it reads as a phone number (at least three digits).
    pub digits: Option<String>,
    pub limit: i64,
}

/// A contact's phone with its separators (`validate::phone` allows space, `-`, `(`, `)`, `.`
/// and a leading `+`) taken out, the same on both backends.
const PHONE_DIGITS: &str = "replace(replace(replace(replace(replace(replace(contacts.phone, ' ', ''), '-', ''), \
     '(', ''), ')', ''), '.', ''), '+', '')";

/// The customers a lookup finds, by what matched: names first, then contacts, phones and
/// serial numbers, each by name; at most `limit` in all.
pub fn lookup(c: &mut DbConn, l: &Lookup) -> AppResult<Vec<CustomerMatch>> {
    use super::schema::{assets, sites};
    use diesel::sql_types::{Bool, Text};
    let pattern = like_pattern(&l.text);
    let mut out: Vec<CustomerMatch> = Vec::new();
    let base = |id: i64, name: String, tier: &str, on: LookupMatch| -> AppResult<CustomerMatch> {
        Ok(CustomerMatch {
            customer_id: CustomerId(id),
            customer_name: name,
            customer_tier: Tier::parse(tier)
                .ok_or_else(|| AppError::internal(format!("customer {id} has unknown tier {tier}")))?,
            matched_on: on,
            contact_id: None,
            contact_name: None,
            contact_phone: None,
            site_id: None,
            site_name: None,
            asset_id: None,
            serial_number: None,
            product_model: None,
        })
    };

    let rows: Vec<(i64, String, String)> = customers::table
        .filter(lower(customers::name).like(&pattern).escape(escape_like()))
        .order((customers::name, customers::id))
        .limit(l.limit)
        .select((customers::id, customers::name, customers::tier))
        .load(c)?;
    for (id, name, tier) in rows {
        out.push(base(id, name, &tier, LookupMatch::Name)?);
    }

    type ContactHit = (i64, String, String, i64, String, Option<String>);
    let contact_hit = |m: &mut CustomerMatch, (contact_id, contact_name, phone): (i64, String, Option<String>)| {
        m.contact_id = Some(ContactId(contact_id));
        m.contact_name = Some(contact_name);
        m.contact_phone = phone;
    };
    let left = |out: &Vec<CustomerMatch>| l.limit - out.len() as i64;
    // A contact by part of the name, then by the digits of the phone.
    for on in [LookupMatch::Contact, LookupMatch::Phone] {
        if left(&out) <= 0 {
            break;
        }
        let q = contacts::table.inner_join(customers::table).into_boxed();
        let q = match (on, l.digits.as_deref()) {
            (LookupMatch::Contact, _) => q.filter(lower(contacts::name).like(&pattern).escape(escape_like())),
            (_, Some(digits)) => q.filter(contacts::phone.is_not_null()).filter(
                diesel::dsl::sql::<Bool>(&format!("{PHONE_DIGITS} LIKE ")).bind::<Text, _>(format!("%{digits}%")),
            ),
            (_, None) => continue,
        };
        let rows: Vec<ContactHit> = q
            .order((contacts::name, contacts::id))
            .limit(left(&out))
            .select((
                customers::id,
                customers::name,
                customers::tier,
                contacts::id,
                contacts::name,
                contacts::phone,
            ))
            .load(c)?;
        for (id, name, tier, contact_id, contact_name, phone) in rows {
            let mut m = base(id, name, &tier, on)?;
            contact_hit(&mut m, (contact_id, contact_name, phone));
            out.push(m);
        }
    }
    if left(&out) > 0 {
        type AssetHit = (i64, String, String, i64, String, String, i64, String);
        let rows: Vec<AssetHit> = assets::table
            .inner_join(sites::table.inner_join(customers::table))
            .filter(lower(assets::serial_number).like(&pattern).escape(escape_like()))
            .order((assets::serial_number, assets::id))
            .limit(left(&out))
            .select((
                customers::id,
                customers::name,
                customers::tier,
                assets::id,
                assets::serial_number,
                assets::model,
                sites::id,
                sites::name,
            ))
            .load(c)?;
        for (id, name, tier, asset_id, serial, model, site_id, site_name) in rows {
            let mut m = base(id, name, &tier, LookupMatch::SerialNumber)?;
            m.asset_id = Some(AssetId(asset_id));
            m.serial_number = Some(serial);
            m.product_model = Some(model);
            m.site_id = Some(SiteId(site_id));
            m.site_name = Some(site_name);
            out.push(m);
        }
    }
    Ok(out)
}
