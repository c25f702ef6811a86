//! What the fault report workflow reads from other tables: the ticket's major fault and visits,
//! users (names, roles, addresses), the customer's contacts, account manager, name and sites.

use crate::db::schema::{contacts, customers, major_faults, sites, tickets, users, visits};
use crate::db::DbConn;
use crate::error::AppResult;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use std::collections::{HashMap, HashSet};

/// A ticket's major fault, as the report reads it.
#[derive(Debug, Clone)]
pub struct MajorFaultFacts {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
    pub location: String,
    pub symptoms: String,
}

/// The ticket's major fault, if it is one.
pub fn major_fault_of(c: &mut DbConn, ticket_id: i64) -> AppResult<Option<MajorFaultFacts>> {
    let found: Option<(i64, NaiveDateTime, Option<NaiveDateTime>, String, String)> = major_faults::table
        .filter(major_faults::ticket_id.eq(ticket_id))
        .select((
            major_faults::id,
            major_faults::occurred_at,
            major_faults::ended_at,
            major_faults::location,
            major_faults::symptoms,
        ))
        .first(c)
        .optional()?;
    Ok(
        found.map(|(id, occurred_at, ended_at, location, symptoms)| MajorFaultFacts {
            id,
            occurred_at,
            ended_at,
            location,
            symptoms,
        }),
    )
}

/// A ticket's visit: (id, technician, site, work notes, outcome reason).
pub type VisitFacts = (i64, Option<i64>, Option<i64>, Option<String>, Option<String>);

/// The ticket's visits.
pub fn visits_of(c: &mut DbConn, ticket_id: i64) -> AppResult<Vec<VisitFacts>> {
    Ok(visits::table
        .filter(visits::ticket_id.eq(ticket_id))
        .select((
            visits::id,
            visits::technician_id,
            visits::site_id,
            visits::work_notes,
            visits::outcome_reason,
        ))
        .load(c)?)
}

/// Sites' names by id.
pub fn site_names(c: &mut DbConn, ids: &[i64]) -> AppResult<HashMap<i64, String>> {
    Ok(sites::table
        .filter(sites::id.eq_any(ids))
        .select((sites::id, sites::name))
        .load::<(i64, String)>(c)?
        .into_iter()
        .collect())
}

/// A site as a line: `name, address`.
pub fn site_line(c: &mut DbConn, site_id: Option<i64>) -> AppResult<Option<String>> {
    Ok(match site_id {
        Some(s) => sites::table
            .find(s)
            .select((sites::name, sites::address))
            .first::<(String, String)>(c)
            .optional()?
            .map(|(n, a)| format!("{n}, {a}")),
        None => None,
    })
}

/// A user's role (as stored) and whether they are active.
pub fn role_of(c: &mut DbConn, id: i64) -> AppResult<Option<(String, bool)>> {
    Ok(users::table
        .find(id)
        .select((users::role, users::active))
        .first(c)
        .optional()?)
}

/// Which of these users are active.
pub fn active_among(c: &mut DbConn, ids: &[i64]) -> AppResult<HashSet<i64>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .filter(users::active.eq(true))
        .select(users::id)
        .load::<i64>(c)?
        .into_iter()
        .collect())
}

/// An active user's display name and stored address.
pub fn active_user_address(c: &mut DbConn, id: i64) -> AppResult<Option<(String, Option<String>)>> {
    Ok(users::table
        .find(id)
        .filter(users::active.eq(true))
        .select((users::display_name, users::email))
        .first(c)
        .optional()?)
}

/// A contact: (customer, name, stored address).
pub type ContactFacts = (i64, String, Option<String>);

/// Contacts by id.
pub fn contacts_by_id(c: &mut DbConn, ids: &[i64]) -> AppResult<HashMap<i64, ContactFacts>> {
    Ok(contacts::table
        .filter(contacts::id.eq_any(ids))
        .select((contacts::id, contacts::customer_id, contacts::name, contacts::email))
        .load::<(i64, i64, String, Option<String>)>(c)?
        .into_iter()
        .map(|(id, cu, name, email)| (id, (cu, name, email)))
        .collect())
}

/// The customer's account manager.
pub fn account_manager_of(c: &mut DbConn, customer_id: i64) -> AppResult<Option<i64>> {
    Ok(customers::table
        .find(customer_id)
        .select(customers::account_manager_id)
        .first(c)?)
}

/// The customer's name.
pub fn customer_name(c: &mut DbConn, customer_id: i64) -> AppResult<String> {
    Ok(customers::table.find(customer_id).select(customers::name).first(c)?)
}

/// The ticket's number.
pub fn ticket_number(c: &mut DbConn, ticket_id: i64) -> AppResult<String> {
    Ok(tickets::table.find(ticket_id).select(tickets::number).first(c)?)
}
