//! Notices to the customer: each customer's switches (a missing row: every notice on), a visit's
//! calendar invitation sequence, and what a visit notice shows of the site.

use super::schema::{customer_notices, sites, visits};
use super::{ts, utc, DbConn};
use crate::domain::notice::Switches;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{CustomerId, CustomerNotices, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = customer_notices)]
struct Row {
    #[allow(dead_code)]
    customer_id: i64,
    acknowledgement: bool,
    visit_changes: bool,
    on_the_way: bool,
    resolved: bool,
    updated_by: Option<i64>,
    updated_at: NaiveDateTime,
}

impl Row {
    fn switches(&self) -> Switches {
        Switches {
            acknowledgement: self.acknowledgement,
            visit_changes: self.visit_changes,
            on_the_way: self.on_the_way,
            resolved: self.resolved,
        }
    }
}

fn row(c: &mut DbConn, customer: i64) -> QueryResult<Option<Row>> {
    customer_notices::table
        .find(customer)
        .select(Row::as_select())
        .get_result(c)
        .optional()
}

/// The customer's switches (every notice on when never set).
pub fn switches(c: &mut DbConn, customer: i64) -> QueryResult<Switches> {
    Ok(row(c, customer)?.map(|r| r.switches()).unwrap_or_default())
}

/// The customer's switches as the API shows them.
pub fn get(c: &mut DbConn, customer: i64) -> QueryResult<CustomerNotices> {
    let r = row(c, customer)?;
    let s = r.as_ref().map(Row::switches).unwrap_or_default();
    Ok(CustomerNotices {
        customer_id: CustomerId(customer),
        acknowledgement: s.acknowledgement,
        visit_changes: s.visit_changes,
        on_the_way: s.on_the_way,
        resolved: s.resolved,
        updated_by: r.as_ref().and_then(|r| r.updated_by).map(UserId),
        updated_at: r.map(|r| utc(r.updated_at)),
    })
}

/// Stores the customer's switches, in the caller's transaction (which holds the customer's
/// row: `db::lock_customer`, so two first settings do not both insert).
pub fn set(c: &mut DbConn, customer: i64, s: &Switches, by: Option<i64>, at: DateTime<Utc>) -> QueryResult<()> {
    let values = (
        customer_notices::acknowledgement.eq(s.acknowledgement),
        customer_notices::visit_changes.eq(s.visit_changes),
        customer_notices::on_the_way.eq(s.on_the_way),
        customer_notices::resolved.eq(s.resolved),
        customer_notices::updated_by.eq(by),
        customer_notices::updated_at.eq(ts(at)),
    );
    let n = diesel::update(customer_notices::table.find(customer))
        .set(values)
        .execute(c)?;
    if n == 0 {
        diesel::insert_into(customer_notices::table)
            .values((customer_notices::customer_id.eq(customer), values))
            .execute(c)?;
    }
    Ok(())
}

/// Gives the visit's calendar invitation its next sequence and returns it (0 for the first).
pub fn next_invitation_sequence(c: &mut DbConn, visit: i64) -> QueryResult<i32> {
    let last: Option<i32> = visits::table
        .find(visit)
        .select(visits::invitation_sequence)
        .get_result(c)?;
    let next = crate::domain::notice::next_sequence(last);
    diesel::update(visits::table.find(visit))
        .set(visits::invitation_sequence.eq(Some(next)))
        .execute(c)?;
    Ok(next)
}

/// A site's name and address.
pub fn site_place(c: &mut DbConn, site: i64) -> QueryResult<Option<(String, String)>> {
    sites::table
        .find(site)
        .select((sites::name, sites::address))
        .get_result(c)
        .optional()
}
