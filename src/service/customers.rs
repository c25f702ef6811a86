//! Customers and their contacts: who may read and change them, the checks of their fields, and
//! what a change causes (the audit event; a new tier re-targets the customer's open tickets).

use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::customers::{self as store, ContactFields, CustomerFields, CustomerFilter, Lookup};
use crate::db::{users, write, DbConn, Paging};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::admin::may_manage_accounts;
use crate::policy::customers::Act;
use crate::policy::{self, Action};
use fieldline_mobile_api::{
    Contact, Customer, CustomerMatch, Language, NewContact, NewCustomer, Page, Tier, UpdateContact, UpdateCustomer,
    UserId,
};

fn require(who: &Who, act: Act) -> AppResult<()> {
    policy::require(&who.caller, Action::Customers(act))
}

/// What the customer list is asked for: its filters and the page.
#[derive(Debug, Default)]
pub struct CustomerListing {
    pub tier: Option<Tier>,
    pub account_manager_id: Option<i64>,
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Customers by name.
pub fn list(c: &mut DbConn, who: &Who, l: CustomerListing) -> AppResult<Page<Customer>> {
    require(who, Act::ReadCustomers)?;
    let paging = Paging::new(l.limit, l.offset)?;
    let filter = CustomerFilter {
        tier: l.tier,
        account_manager_id: l.account_manager_id,
        q: l.q,
    };
    store::list(c, &filter, paging)
}

/// The most matches a lookup answers, and how many when the caller does not say.
pub const LOOKUP_MAX: i64 = 50;
pub const LOOKUP_DEFAULT: i64 = 10;

/// Finds customers as the caller types: by part of the customer's or a contact's name, the
/// digits of a contact's phone (when `q` reads as a phone number with at least three digits),
/// or part of an asset's serial number.
pub fn lookup(c: &mut DbConn, who: &Who, q: Option<&str>, limit: Option<i64>) -> AppResult<Vec<CustomerMatch>> {
    require(who, Act::ReadCustomers)?;
    let text = q.unwrap_or("").trim();
    if text.chars().count() < 2 {
        return Err(crate::domain::Invalid::too_short("q", 2).into());
    }
    if text.chars().count() > 200 {
        return Err(crate::domain::Invalid::too_long("q", 200).into());
    }
    let limit = validate::count("limit", limit.unwrap_or(LOOKUP_DEFAULT), 1..=LOOKUP_MAX)?;
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    let phone_like = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.' | '+'));
    let lookup = Lookup {
        text: text.to_string(),
        digits: (phone_like && digits.len() >= 3).then_some(digits),
        limit,
    };
    store::lookup(c, &lookup)
}

/// One customer.
pub fn get(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Customer> {
    require(who, Act::ReadCustomers)?;
    store::get(c, id)?.to_wire()
}

/// Refuses an account manager that is not an active user with the account manager's role.
fn check_account_manager(c: &mut DbConn, id: Option<i64>) -> AppResult<()> {
    let Some(id) = id else { return Ok(()) };
    match users::find(c, id)? {
        Some(u) if may_manage_accounts(u.role().ok(), u.active) => Ok(()),
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

/// Registers a customer.
pub fn create(c: &mut DbConn, who: &Who, b: NewCustomer) -> AppResult<Customer> {
    require(who, Act::EditCustomers)?;
    let f = CustomerFields {
        name: validate::text("name", &b.name, 200)?,
        tier: b.tier,
        account_manager_id: b.account_manager_id.map(|u| u.0),
    };
    let actor = who.actor();
    write(c, |c| {
        check_account_manager(c, f.account_manager_id)?;
        insert_customer(c, &actor, &f)
    })
}

/// Registers a customer whose fields (and account manager) have been checked, with its audit
/// event, in a transaction of its own: for the data generators and start-up, which act as the
/// service itself.
pub fn create_as(c: &mut DbConn, actor: &Actor, f: CustomerFields) -> AppResult<Customer> {
    write(c, |c| insert_customer(c, actor, &f))
}

/// Inserts a customer and its audit event, in the caller's transaction.
fn insert_customer(c: &mut DbConn, actor: &Actor, f: &CustomerFields) -> AppResult<Customer> {
    let row = store::insert(c, f, actor.at)?;
    let out = row.to_wire()?;
    audit::record(c, actor, "customer", row.id, "create", None, snapshot(&out))?;
    Ok(out)
}

/// Changes a customer's name, tier or account manager. Name and tier are the customer editors'
/// to change; another account manager only those who assign accounts may give (an account manager
/// may not take a customer over: the account manager is what opens its fault reports to them). A
/// new tier gives the customer's open tickets new SLA targets and due times, in the same
/// transaction (`step_interval`: the time between alert steps).
pub fn update(
    c: &mut DbConn,
    who: &Who,
    id: i64,
    b: UpdateCustomer,
    step_interval: chrono::Duration,
) -> AppResult<Customer> {
    let may = |act| policy::require(&who.caller, Action::Customers(act)).is_ok();
    if !may(Act::EditCustomers) && !may(Act::ReassignAccountManager) {
        return Err(policy::forbidden(who.caller.role));
    }
    if b.name.is_some() || b.tier.is_some() {
        require(who, Act::EditCustomers)?;
    }
    let name = b.name.as_deref().map(|v| validate::text("name", v, 200)).transpose()?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::get(c, id)?;
        let f = CustomerFields {
            name: name.unwrap_or_else(|| before.name.clone()),
            tier: b.tier.unwrap_or(before.tier()?),
            account_manager_id: b.account_manager_id.map(|UserId(am)| am).or(before.account_manager_id),
        };
        if f.account_manager_id != before.account_manager_id {
            require(who, Act::ReassignAccountManager)?;
            check_account_manager(c, f.account_manager_id)?;
        }
        let out = store::set(c, id, &f, actor.at)?.to_wire()?;
        audit::record(
            c,
            &actor,
            "customer",
            id,
            "update",
            snapshot(&before.to_wire()?),
            snapshot(&out),
        )?;
        if f.tier.as_str() != before.tier {
            super::tickets_changes::retier_customer(c, &actor, id, f.tier, step_interval)?;
        }
        Ok(out)
    })
}

/// A contact needs a name and a phone number or an e-mail address.
fn contact_fields(
    name: &str,
    phone: Option<&str>,
    email: Option<&str>,
    language: Language,
) -> AppResult<ContactFields> {
    let f = ContactFields {
        name: validate::text("name", name, 200)?,
        phone: validate::optional(phone, |v| validate::phone("phone", v))?,
        email: validate::optional(email, |v| validate::email("email", v))?,
        language,
    };
    if f.phone.is_none() && f.email.is_none() {
        return Err(AppError::validation(
            "phone",
            "give a phone number or an e-mail address",
        ));
    }
    Ok(f)
}

/// A customer's contacts.
pub fn contacts(
    c: &mut DbConn,
    who: &Who,
    customer: i64,
    limit: Option<i64>,
    offset: Option<i64>,
) -> AppResult<Page<Contact>> {
    require(who, Act::ReadCustomers)?;
    let paging = Paging::new(limit, offset)?;
    store::list_contacts(c, customer, paging)
}

/// Adds a contact to a customer.
pub fn add_contact(c: &mut DbConn, who: &Who, customer: i64, b: NewContact) -> AppResult<Contact> {
    require(who, Act::EditContacts)?;
    let f = contact_fields(&b.name, b.phone.as_deref(), b.email.as_deref(), b.language)?;
    add_contact_as(c, &who.actor(), customer, f)
}

/// Adds a checked contact to a customer, with its audit event, in a transaction of its own: for
/// the data generators and start-up, which act as the service itself.
pub fn add_contact_as(c: &mut DbConn, actor: &Actor, customer: i64, f: ContactFields) -> AppResult<Contact> {
    write(c, |c| {
        store::get(c, customer)?;
        let row = store::insert_contact(c, customer, &f, actor.at)?;
        let out = row.to_wire();
        audit::record(c, actor, "contact", row.id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// Changes a contact. An empty string clears a phone or e-mail (one of them must remain).
pub fn update_contact(c: &mut DbConn, who: &Who, id: i64, b: UpdateContact) -> AppResult<Contact> {
    require(who, Act::EditContacts)?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::get_contact(c, id)?;
        let f = contact_fields(
            b.name.as_deref().unwrap_or(&before.name),
            b.phone.as_deref().or(before.phone.as_deref()),
            b.email.as_deref().or(before.email.as_deref()),
            b.language.unwrap_or(before.language()),
        )?;
        let out = store::set_contact(c, id, &f, actor.at)?.to_wire();
        audit::record(
            c,
            &actor,
            "contact",
            id,
            "update",
            snapshot(&before.to_wire()),
            snapshot(&out),
        )?;
        Ok(out)
    })
}

/// Removes a contact.
pub fn delete_contact(c: &mut DbConn, who: &Who, id: i64) -> AppResult<()> {
    require(who, Act::EditContacts)?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::get_contact(c, id)?;
        store::remove_contact(c, id)?;
        audit::record(c, &actor, "contact", id, "delete", snapshot(&before.to_wire()), None)?;
        Ok(())
    })
}
