//! Customers and their contacts.

use super::audit::{self, snapshot, Actor};
use super::schema::{contacts, customers, users};
use super::{escape_like, like_pattern, lower, ts, utc, write, DbConn, Paging};
use crate::error::{AppError, AppResult};
use diesel::prelude::*;
use fieldline_mobile_api::{Contact, ContactId, Customer, CustomerId, Page, Role, Tier, UserId};

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

/// Refuses an account manager that is not an active user with the account_manager role.
fn check_account_manager(c: &mut DbConn, id: Option<i64>) -> AppResult<()> {
    let Some(id) = id else { return Ok(()) };
    let found: Option<(String, bool)> = users::table
        .find(id)
        .select((users::role, users::active))
        .first(c)
        .optional()?;
    match found {
        Some((role, true)) if role == Role::AccountManager.as_str() => Ok(()),
        Some(_) => Err(AppError::validation(
            "account_manager_id",
            format!("user {id} is not an active account manager"),
        )),
        None => Err(AppError::validation(
            "account_manager_id",
            format!("no user with id {id}"),
        )),
    }
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
    let total = query().count().get_result(conn)?;
    let rows: Vec<CustomerRow> = query()
        .order((customers::name, customers::id))
        .limit(paging.limit)
        .offset(paging.offset)
        .select(CustomerRow::as_select())
        .load(conn)?;
    let items = rows.iter().map(CustomerRow::to_wire).collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

pub fn create(conn: &mut DbConn, actor: &Actor, f: CustomerFields) -> AppResult<Customer> {
    write(conn, |c| {
        check_account_manager(c, f.account_manager_id)?;
        let row: CustomerRow = diesel::insert_into(customers::table)
            .values((
                customers::name.eq(&f.name),
                customers::tier.eq(f.tier.as_str()),
                customers::account_manager_id.eq(f.account_manager_id),
                customers::created_at.eq(ts(actor.at)),
                customers::updated_at.eq(ts(actor.at)),
            ))
            .returning(customers::all_columns)
            .get_result(c)?;
        let out = row.to_wire()?;
        audit::record(c, actor, "customer", row.id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// Changes a customer: `change` gets the current fields and returns the new ones. A new tier
/// gives the customer's open tickets new SLA targets and due times, in the same transaction.
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    step_interval: chrono::Duration,
    change: impl FnOnce(CustomerFields) -> AppResult<CustomerFields>,
) -> AppResult<Customer> {
    write(conn, |c| {
        let before = get(c, id)?;
        let f = change(CustomerFields {
            name: before.name.clone(),
            tier: before.tier()?,
            account_manager_id: before.account_manager_id,
        })?;
        if f.account_manager_id != before.account_manager_id {
            check_account_manager(c, f.account_manager_id)?;
        }
        let row: CustomerRow = diesel::update(customers::table.find(id))
            .set((
                customers::name.eq(&f.name),
                customers::tier.eq(f.tier.as_str()),
                customers::account_manager_id.eq(f.account_manager_id),
                customers::updated_at.eq(ts(actor.at)),
            ))
            .returning(customers::all_columns)
            .get_result(c)?;
        let out = row.to_wire()?;
        audit::record(
            c,
            actor,
            "customer",
            id,
            "update",
            snapshot(&before.to_wire()?),
            snapshot(&out),
        )?;
        if f.tier.as_str() != before.tier {
            super::tickets::retier_customer(c, actor, id, f.tier, step_interval)?;
        }
        Ok(out)
    })
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
}

impl ContactRow {
    pub fn to_wire(&self) -> Contact {
        Contact {
            id: ContactId(self.id),
            customer_id: CustomerId(self.customer_id),
            name: self.name.clone(),
            phone: self.phone.clone(),
            email: self.email.clone(),
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
    let total = contacts::table
        .filter(contacts::customer_id.eq(customer_id))
        .count()
        .get_result(conn)?;
    let rows: Vec<ContactRow> = contacts::table
        .filter(contacts::customer_id.eq(customer_id))
        .order(contacts::id)
        .limit(paging.limit)
        .offset(paging.offset)
        .select(ContactRow::as_select())
        .load(conn)?;
    Ok(paging.page(rows.iter().map(ContactRow::to_wire).collect(), total))
}

pub fn create_contact(conn: &mut DbConn, actor: &Actor, customer_id: i64, f: ContactFields) -> AppResult<Contact> {
    write(conn, |c| {
        get(c, customer_id)?;
        let row: ContactRow = diesel::insert_into(contacts::table)
            .values((
                contacts::customer_id.eq(customer_id),
                contacts::name.eq(&f.name),
                contacts::phone.eq(&f.phone),
                contacts::email.eq(&f.email),
                contacts::created_at.eq(ts(actor.at)),
                contacts::updated_at.eq(ts(actor.at)),
            ))
            .returning(contacts::all_columns)
            .get_result(c)?;
        let out = row.to_wire();
        audit::record(c, actor, "contact", row.id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

pub fn update_contact(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    change: impl FnOnce(ContactFields) -> AppResult<ContactFields>,
) -> AppResult<Contact> {
    write(conn, |c| {
        let before = get_contact(c, id)?;
        let f = change(ContactFields {
            name: before.name.clone(),
            phone: before.phone.clone(),
            email: before.email.clone(),
        })?;
        let row: ContactRow = diesel::update(contacts::table.find(id))
            .set((
                contacts::name.eq(&f.name),
                contacts::phone.eq(&f.phone),
                contacts::email.eq(&f.email),
                contacts::updated_at.eq(ts(actor.at)),
            ))
            .returning(contacts::all_columns)
            .get_result(c)?;
        let out = row.to_wire();
        audit::record(
            c,
            actor,
            "contact",
            id,
            "update",
            snapshot(&before.to_wire()),
            snapshot(&out),
        )?;
        Ok(out)
    })
}

pub fn delete_contact(conn: &mut DbConn, actor: &Actor, id: i64) -> AppResult<()> {
    write(conn, |c| {
        let before = get_contact(c, id)?;
        diesel::delete(contacts::table.find(id)).execute(c)?;
        audit::record(c, actor, "contact", id, "delete", snapshot(&before.to_wire()), None)?;
        Ok(())
    })
}
