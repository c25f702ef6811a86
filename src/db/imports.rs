//! What a going-live file names by text: customers by name, a customer's sites and contacts by
//! name (at most two ids each, enough to tell one from several).

use super::schema::{contacts, customers, sites};
use super::DbConn;
use crate::error::AppResult;
use diesel::prelude::*;

pub fn customers_named(c: &mut DbConn, name: &str) -> AppResult<Vec<i64>> {
    Ok(customers::table
        .filter(customers::name.eq(name))
        .select(customers::id)
        .order(customers::id)
        .limit(2)
        .load(c)?)
}

pub fn sites_named(c: &mut DbConn, customer_id: i64, name: &str) -> AppResult<Vec<i64>> {
    Ok(sites::table
        .filter(sites::customer_id.eq(customer_id).and(sites::name.eq(name)))
        .select(sites::id)
        .order(sites::id)
        .limit(2)
        .load(c)?)
}

pub fn contacts_named(c: &mut DbConn, customer_id: i64, name: &str) -> AppResult<Vec<i64>> {
    Ok(contacts::table
        .filter(contacts::customer_id.eq(customer_id).and(contacts::name.eq(name)))
        .select(contacts::id)
        .order(contacts::id)
        .limit(2)
        .load(c)?)
}
