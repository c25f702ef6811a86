//! Customers and their contacts.

use super::extract::{Json, Query};
use super::{actor, run};
use crate::auth::{CurrentUser, CUSTOMER_EDITORS, OFFICE_ROLES};
use crate::db::customers::{self as store, ContactFields, CustomerFields, CustomerFilter};
use crate::db::Paging;
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{
    Contact, Customer, NewContact, NewCustomer, Page, Problem, Tier, UpdateContact, UpdateCustomer,
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
    user.require(OFFICE_ROLES)?;
    let q = q.0;
    let paging = Paging::new(q.limit, q.offset)?;
    let filter = CustomerFilter {
        tier: q.tier,
        account_manager_id: q.account_manager_id,
        q: q.q,
    };
    let out = run(&state, move |c, _| store::list(c, &filter, paging)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Registers a customer.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", security(("bearer" = [])), request_body = NewCustomer,
    responses((status = 201, body = Customer), (status = 422, body = Problem)))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<NewCustomer>) -> AppResult<HttpResponse> {
    user.require(CUSTOMER_EDITORS)?;
    let b = body.0;
    let fields = CustomerFields {
        name: validate::text("name", &b.name, 200)?,
        tier: b.tier,
        account_manager_id: b.account_manager_id.map(|u| u.0),
    };
    let who = actor(&user, &state);
    let out = run(&state, move |c, _| store::create(c, &who, fields)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// One customer.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path, description = "customer id")),
    responses((status = 200, body = Customer), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    user.require(OFFICE_ROLES)?;
    let id = id.into_inner();
    let out = run(&state, move |c, _| store::get(c, id)?.to_wire()).await?;
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
    user.require(CUSTOMER_EDITORS)?;
    let b = body.0;
    let name = b.name.as_deref().map(|v| validate::text("name", v, 200)).transpose()?;
    let who = actor(&user, &state);
    let id = id.into_inner();
    let out = run(&state, move |c, st| {
        store::update(c, &who, id, st.settings.escalation_step(), |mut f| {
            if let Some(n) = name {
                f.name = n;
            }
            if let Some(t) = b.tier {
                f.tier = t;
            }
            if let Some(am) = b.account_manager_id {
                f.account_manager_id = Some(am.0);
            }
            Ok(f)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// A contact needs a name and a phone number or an e-mail address.
fn contact_fields(name: &str, phone: Option<&str>, email: Option<&str>) -> AppResult<ContactFields> {
    let f = ContactFields {
        name: validate::text("name", name, 200)?,
        phone: validate::optional(phone, |v| validate::phone("phone", v))?,
        email: validate::optional(email, |v| validate::email("email", v))?,
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
#[utoipa::path(get, path = "/api/v1/customers/{id}/contacts", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path, description = "customer id"), PageQuery),
    responses((status = 200, body = Page<Contact>), (status = 404, body = Problem)))]
pub async fn list_contacts(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    q: Query<PageQuery>,
) -> AppResult<HttpResponse> {
    user.require(OFFICE_ROLES)?;
    let paging = Paging::new(q.limit, q.offset)?;
    let id = id.into_inner();
    let out = run(&state, move |c, _| store::list_contacts(c, id, paging)).await?;
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
    user.require(CUSTOMER_EDITORS)?;
    let b = body.0;
    let fields = contact_fields(&b.name, b.phone.as_deref(), b.email.as_deref())?;
    let who = actor(&user, &state);
    let id = id.into_inner();
    let out = run(&state, move |c, _| store::create_contact(c, &who, id, fields)).await?;
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
    user.require(CUSTOMER_EDITORS)?;
    let b = body.0;
    let who = actor(&user, &state);
    let id = id.into_inner();
    let out = run(&state, move |c, _| {
        store::update_contact(c, &who, id, |f| {
            contact_fields(
                b.name.as_deref().unwrap_or(&f.name),
                b.phone.as_deref().or(f.phone.as_deref()),
                b.email.as_deref().or(f.email.as_deref()),
            )
        })
    })
    .await?;
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
    user.require(CUSTOMER_EDITORS)?;
    let who = actor(&user, &state);
    let id = id.into_inner();
    run(&state, move |c, _| store::delete_contact(c, &who, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
