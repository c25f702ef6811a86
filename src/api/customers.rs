//! Customers and their contacts.

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::customers::{self as service, CustomerListing};
use crate::service::notices as notice_service;
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{
    Contact, Customer, CustomerMatch, CustomerNotices, NewContact, NewCustomer, Page, Problem, SetCustomerNotices,
    Tier, UpdateContact, UpdateCustomer,
};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CustomerQuery {
    pub tier: Option<Tier>,
    pub account_manager_id: Option<i64>,
    /// Part of the name, any case.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Lists customers by name.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", security(("bearer" = [])), params(CustomerQuery),
    responses((status = 200, body = Page<Customer>), (status = 403, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<CustomerQuery>) -> AppResult<HttpResponse> {
    let q = q.0;
    let listing = CustomerListing {
        tier: q.tier,
        account_manager_id: q.account_manager_id,
        q: q.q,
        limit: q.limit,
        offset: q.offset,
    };
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::list(c, &who, listing)).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LookupQuery {
    /// What the caller typed (2 to 200 characters, white space around it not counted): part
    /// of the customer's or a contact's name, a phone number (its digits compared, at least 3),
    /// or part of a serial number.
    #[param(min_length = 2, max_length = 200)]
    pub q: String,
    /// At most this many matches (1 to 50, default 10).
    pub limit: Option<i64>,
}

/// Finds customers as the caller types, saying what matched: part of the customer's name
/// (`name`), part of a contact's name (`contact`), the digits of a contact's phone (`phone`:
/// `138 0013 8000` finds `13800138000`), or part of an asset's serial number, any case
/// (`serial_number`, with the asset's site). Names first, then contacts, phones and serial
/// numbers.
#[utoipa::path(get, path = "/api/v1/customers/lookup", tag = "customers", security(("bearer" = [])), params(LookupQuery),
    responses((status = 200, body = Vec<CustomerMatch>), (status = 422, body = Problem)))]
pub async fn lookup(state: web::Data<AppState>, user: CurrentUser, q: Query<LookupQuery>) -> AppResult<HttpResponse> {
    let (who, q) = (who(&user, &state), q.0);
    let out = run(&state, move |c, _| {
        service::lookup(c, &who, Some(q.q.as_str()), q.limit)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Registers a customer.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", security(("bearer" = [])), request_body = NewCustomer,
    responses((status = 201, body = Customer), (status = 422, body = Problem)))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<NewCustomer>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::create(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// One customer.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path, description = "customer id")),
    responses((status = 200, body = Customer), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::get(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Changes a customer's name, tier or account manager.
#[utoipa::path(patch, path = "/api/v1/customers/{id}", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path, description = "customer id")), request_body = UpdateCustomer,
    responses((status = 200, body = Customer), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<UpdateCustomer>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, st| {
        service::update(c, &who, id, body.0, st.settings.escalation_step())
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Which notices the customer's contacts are sent (acknowledgement, visit changes, technician on
/// the way, resolved); each is on until switched off.
#[utoipa::path(get, path = "/api/v1/customers/{id}/notices", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path, description = "customer id")),
    responses((status = 200, body = CustomerNotices), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn notices(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| notice_service::get(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Switches the customer's notices on or off, all four at once: the customer's account manager
/// or an admin.
#[utoipa::path(put, path = "/api/v1/customers/{id}/notices", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path, description = "customer id")), request_body = SetCustomerNotices,
    responses((status = 200, body = CustomerNotices), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_notices(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<SetCustomerNotices>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| notice_service::set(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// A customer's contacts.
#[utoipa::path(get, path = "/api/v1/customers/{id}/contacts", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path, description = "customer id"), PageQuery),
    responses((status = 200, body = Page<Contact>), (status = 404, body = Problem)))]
pub async fn list_contacts(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    q: Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let (limit, offset) = (q.limit, q.offset);
    let out = run(&state, move |c, _| service::contacts(c, &who, id, limit, offset)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Adds a contact to a customer.
#[utoipa::path(post, path = "/api/v1/customers/{id}/contacts", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path, description = "customer id")), request_body = NewContact,
    responses((status = 201, body = Contact), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_contact(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<NewContact>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::add_contact(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Changes a contact. An empty string clears a phone or e-mail (one of them must remain).
#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path, description = "contact id")), request_body = UpdateContact,
    responses((status = 200, body = Contact), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_contact(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<UpdateContact>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::update_contact(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Removes a contact.
#[utoipa::path(delete, path = "/api/v1/contacts/{id}", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path, description = "contact id")),
    responses((status = 204, description = "removed"), (status = 404, body = Problem)))]
pub async fn delete_contact(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    run(&state, move |c, _| service::delete_contact(c, &who, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
