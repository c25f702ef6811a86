//! The customer portal's queries: its sign-in links (which, once used, are its sessions), the
//! contacts an address names, the staff who may take a portal request, and the reads of a
//! customer's own records (visits, sites and assets, quotes) the portal shows.

use super::customers::ContactRow;
use super::dispatch::visits::VisitRow;
use super::quotes::QuoteRow;
use super::schema::{assets, contacts, duty_shifts, portal_links, quotes, sites, tickets, users, visits};
use super::{lower, ts, DbConn};
use crate::error::AppResult;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use std::collections::HashMap;

/// A sign-in link as stored (never the token itself).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = portal_links)]
pub struct LinkRow {
    pub id: i64,
    pub jti: String,
    pub contact_id: i64,
    pub email: String,
    pub issued_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub session_expires_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
}

impl LinkRow {
    /// What the audit trail keeps of a link: no token, no address.
    pub fn trail(&self) -> serde_json::Value {
        serde_json::json!({
            "contact_id": self.contact_id,
            "issued_at": super::utc(self.issued_at),
            "expires_at": super::utc(self.expires_at),
            "used_at": self.used_at.map(super::utc),
            "session_expires_at": self.session_expires_at.map(super::utc),
            "ended_at": self.ended_at.map(super::utc),
        })
    }
}

/// The contacts whose e-mail address is `email` (any case), oldest first.
pub fn contacts_by_email(c: &mut DbConn, email: &str) -> AppResult<Vec<ContactRow>> {
    Ok(contacts::table
        .filter(lower(contacts::email.assume_not_null()).eq(email.to_lowercase()))
        .filter(contacts::email.is_not_null())
        .order(contacts::id)
        .select(ContactRow::as_select())
        .load(c)?)
}

/// How many links were issued to the address since `since`.
pub fn links_since(c: &mut DbConn, email: &str, since: DateTime<Utc>) -> AppResult<i64> {
    Ok(portal_links::table
        .filter(portal_links::email.eq(email))
        .filter(portal_links::issued_at.ge(ts(since)))
        .count()
        .get_result(c)?)
}

/// Stores a new link.
pub fn insert_link(
    c: &mut DbConn,
    jti: &str,
    contact_id: i64,
    email: &str,
    (issued_at, expires_at): (DateTime<Utc>, DateTime<Utc>),
) -> AppResult<LinkRow> {
    Ok(diesel::insert_into(portal_links::table)
        .values((
            portal_links::jti.eq(jti),
            portal_links::contact_id.eq(contact_id),
            portal_links::email.eq(email),
            portal_links::issued_at.eq(ts(issued_at)),
            portal_links::expires_at.eq(ts(expires_at)),
        ))
        .returning(portal_links::all_columns)
        .get_result(c)?)
}

/// The link a `jti` names.
pub fn link(c: &mut DbConn, jti: &str) -> AppResult<Option<LinkRow>> {
    Ok(portal_links::table
        .filter(portal_links::jti.eq(jti))
        .select(LinkRow::as_select())
        .get_result(c)
        .optional()?)
}

/// Marks an unused link used, opening its session until `session_expires_at`; false when it
/// was used meanwhile.
pub fn use_link(c: &mut DbConn, id: i64, at: DateTime<Utc>, session_expires_at: DateTime<Utc>) -> AppResult<bool> {
    let n = diesel::update(portal_links::table.find(id).filter(portal_links::used_at.is_null()))
        .set((
            portal_links::used_at.eq(ts(at)),
            portal_links::session_expires_at.eq(ts(session_expires_at)),
        ))
        .execute(c)?;
    Ok(n == 1)
}

/// Ends the session a link opened; false when it had ended.
pub fn end_session(c: &mut DbConn, id: i64, at: DateTime<Utc>) -> AppResult<bool> {
    let n = diesel::update(portal_links::table.find(id).filter(portal_links::ended_at.is_null()))
        .set(portal_links::ended_at.eq(ts(at)))
        .execute(c)?;
    Ok(n == 1)
}

// ---------------------------------------------------------------- who takes a request

/// One staff member who may take a portal request: whether they are on duty now and how many
/// open tickets they own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntakeCandidate {
    pub user_id: i64,
    pub on_duty: bool,
    pub open_tickets: i64,
}

/// The active users of `role` with their duty and open tickets now, by id.
pub fn intake_candidates(c: &mut DbConn, role: &str, now: DateTime<Utc>) -> AppResult<Vec<IntakeCandidate>> {
    let ids: Vec<i64> = users::table
        .filter(users::role.eq(role))
        .filter(users::active.eq(true))
        .order(users::id)
        .select(users::id)
        .load(c)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let on_duty: Vec<i64> = duty_shifts::table
        .filter(duty_shifts::user_id.eq_any(&ids))
        .filter(duty_shifts::starts_at.le(ts(now)))
        .filter(duty_shifts::ends_at.gt(ts(now)))
        .select(duty_shifts::user_id)
        .load(c)?;
    let open: Vec<(i64, i64)> = tickets::table
        .filter(tickets::owner_id.eq_any(&ids))
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "tickets.status NOT IN ('closed', 'cancelled')",
        ))
        .group_by(tickets::owner_id)
        .select((tickets::owner_id, diesel::dsl::count_star()))
        .load(c)?;
    let open: HashMap<i64, i64> = open.into_iter().collect();
    Ok(ids
        .into_iter()
        .map(|id| IntakeCandidate {
            user_id: id,
            on_duty: on_duty.contains(&id),
            open_tickets: open.get(&id).copied().unwrap_or(0),
        })
        .collect())
}

// ---------------------------------------------------------------- the customer's records

/// A site (id, name, address) or an asset (id, model, serial number).
pub type Place = (i64, String, String);

/// The customer's sites, by name, with their assets.
pub fn sites_with_assets(c: &mut DbConn, customer_id: i64) -> AppResult<Vec<(Place, Vec<Place>)>> {
    let ss: Vec<(i64, String, String)> = sites::table
        .filter(sites::customer_id.eq(customer_id))
        .order((sites::name, sites::id))
        .select((sites::id, sites::name, sites::address))
        .load(c)?;
    let aa: Vec<(i64, i64, String, String)> = assets::table
        .filter(assets::customer_id.eq(customer_id))
        .order((assets::model, assets::id))
        .select((assets::id, assets::site_id, assets::model, assets::serial_number))
        .load(c)?;
    Ok(ss
        .into_iter()
        .map(|s| {
            let mine = aa
                .iter()
                .filter(|a| a.1 == s.0)
                .map(|a| (a.0, a.2.clone(), a.3.clone()))
                .collect();
            (s, mine)
        })
        .collect())
}

/// The customer a site belongs to, if the site exists.
pub fn site_customer(c: &mut DbConn, site_id: i64) -> AppResult<Option<i64>> {
    Ok(super::sites::customer_of(c, site_id)?)
}

/// A visit with the customer it is for (its ticket's, else its site's).
pub fn visit_customer(c: &mut DbConn, visit_id: i64) -> AppResult<Option<(VisitRow, Option<i64>)>> {
    let Some(v) = visits::table
        .find(visit_id)
        .select(VisitRow::as_select())
        .get_result::<VisitRow>(c)
        .optional()?
    else {
        return Ok(None);
    };
    let customer = match (v.ticket_id, v.site_id) {
        (Some(t), _) => tickets::table
            .find(t)
            .select(tickets::customer_id)
            .get_result::<i64>(c)
            .optional()?,
        (None, Some(s)) => super::sites::customer_of(c, s)?,
        (None, None) => None,
    };
    Ok(Some((v, customer)))
}

/// The visits still to come (or under way) of the customer's tickets and sites, soonest
/// first: not finished, their window not over before `now`.
pub fn upcoming_visits(
    c: &mut DbConn,
    customer_id: i64,
    statuses: &[&str],
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<VisitRow>> {
    let of_tickets = tickets::table
        .filter(tickets::customer_id.eq(customer_id))
        .select(tickets::id.nullable());
    let of_sites = sites::table
        .filter(sites::customer_id.eq(customer_id))
        .select(sites::id.nullable());
    Ok(visits::table
        .filter(
            visits::ticket_id
                .eq_any(of_tickets)
                .or(visits::site_id.eq_any(of_sites)),
        )
        .filter(visits::status.eq_any(statuses))
        .filter(visits::window_end.ge(ts(now)))
        .order((visits::window_start, visits::id))
        .limit(limit)
        .select(VisitRow::as_select())
        .load(c)?)
}

/// The visits of a ticket, by window.
pub fn ticket_visits(c: &mut DbConn, ticket_id: i64) -> AppResult<Vec<VisitRow>> {
    Ok(visits::table
        .filter(visits::ticket_id.eq(ticket_id))
        .order((visits::window_start, visits::id))
        .select(VisitRow::as_select())
        .load(c)?)
}

/// The numbers of these tickets.
pub fn ticket_numbers(c: &mut DbConn, ids: &[i64]) -> AppResult<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = tickets::table
        .filter(tickets::id.eq_any(ids))
        .select((tickets::id, tickets::number))
        .load(c)?;
    Ok(rows.into_iter().collect())
}

/// The names of these sites.
pub fn site_names(c: &mut DbConn, ids: &[i64]) -> AppResult<HashMap<i64, String>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = sites::table
        .filter(sites::id.eq_any(ids))
        .select((sites::id, sites::name))
        .load(c)?;
    Ok(rows.into_iter().collect())
}

/// The quotes of a ticket, oldest first.
pub fn ticket_quotes(c: &mut DbConn, ticket_id: i64) -> AppResult<Vec<QuoteRow>> {
    Ok(quotes::table
        .filter(quotes::ticket_id.eq(ticket_id))
        .order(quotes::id)
        .select(QuoteRow::as_select())
        .load(c)?)
}

/// The ids of these tickets that have a proposed quote.
pub fn with_proposed_quotes(c: &mut DbConn, ids: &[i64]) -> AppResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Option<i64>> = quotes::table
        .filter(quotes::ticket_id.eq_any(ids))
        .filter(quotes::status.eq(fieldline_mobile_api::QuoteStatus::Proposed.as_str()))
        .select(quotes::ticket_id)
        .distinct()
        .load(c)?;
    Ok(rows.into_iter().flatten().collect())
}

/// The ids of these tickets whose survey is answered.
pub fn with_surveys(c: &mut DbConn, ids: &[i64]) -> AppResult<Vec<i64>> {
    use super::schema::surveys;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(surveys::table
        .filter(surveys::ticket_id.eq_any(ids))
        .select(surveys::ticket_id)
        .load(c)?)
}
