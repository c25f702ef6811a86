//! Sites: where a customer's installations stand; each falls in a service region.

use super::extract::{Json, Query};
use super::{actor, run};
use crate::auth::{CurrentUser, CUSTOMER_EDITORS, OFFICE_ROLES};
use crate::db::sites::{self as store, SiteFields, SiteFilter};
use crate::db::Paging;
use crate::domain::geo::Location;
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{NewSite, Page, Problem, Site, UpdateSite};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SiteQuery {
    pub customer_id: Option<i64>,
    pub region_id: Option<i64>,
    /// Part of the name or address, any case.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Lists sites.
#[utoipa::path(get, path = "/api/v1/sites", tag = "sites", security(("bearer" = [])), params(SiteQuery),
    responses((status = 200, body = Page<Site>), (status = 403, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<SiteQuery>) -> AppResult<HttpResponse> {
    user.require(OFFICE_ROLES)?;
    let q = q.0;
    let paging = Paging::new(q.limit, q.offset)?;
    let filter = SiteFilter {
        customer_id: q.customer_id,
        region_id: q.region_id,
        q: q.q,
    };
    let out = run(&state, move |c, _| store::list(c, &filter, paging)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Registers a site; its region is found from its position.
#[utoipa::path(post, path = "/api/v1/sites", tag = "sites", security(("bearer" = [])), request_body = NewSite,
    responses((status = 201, body = Site), (status = 422, body = Problem)))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<NewSite>) -> AppResult<HttpResponse> {
    user.require(CUSTOMER_EDITORS)?;
    let b = body.0;
    let fields = SiteFields {
        name: validate::text("name", &b.name, 200)?,
        address: validate::text("address", &b.address, 500)?,
        location: Location::parse(b.latitude, b.longitude)?,
    };
    let who = actor(&user, &state);
    let customer = b.customer_id.0;
    let out = run(&state, move |c, _| store::create(c, &who, customer, fields)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// One site.
#[utoipa::path(get, path = "/api/v1/sites/{id}", tag = "sites", security(("bearer" = [])),
    params(("id" = i64, Path, description = "site id")),
    responses((status = 200, body = Site), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    user.require(OFFICE_ROLES)?;
    let id = id.into_inner();
    let out = run(&state, move |c, _| Ok(store::get(c, id)?.to_wire())).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Changes a site; moving it finds its region again.
#[utoipa::path(patch, path = "/api/v1/sites/{id}", tag = "sites", security(("bearer" = [])),
    params(("id" = i64, Path, description = "site id")), request_body = UpdateSite,
    responses((status = 200, body = Site), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<UpdateSite>,
) -> AppResult<HttpResponse> {
    user.require(CUSTOMER_EDITORS)?;
    let b = body.0;
    let name = b.name.as_deref().map(|v| validate::text("name", v, 200)).transpose()?;
    let address = b
        .address
        .as_deref()
        .map(|v| validate::text("address", v, 500))
        .transpose()?;
    let location = match (b.latitude, b.longitude) {
        (Some(lat), Some(lon)) => Some(Location::parse(lat, lon)?),
        (None, None) => None,
        (Some(_), None) => {
            return Err(AppError::validation(
                "longitude",
                "give latitude and longitude together",
            ))
        }
        (None, Some(_)) => return Err(AppError::validation("latitude", "give latitude and longitude together")),
    };
    let who = actor(&user, &state);
    let id = id.into_inner();
    let out = run(&state, move |c, _| {
        store::update(c, &who, id, |mut f| {
            if let Some(n) = name {
                f.name = n;
            }
            if let Some(a) = address {
                f.address = a;
            }
            if let Some(l) = location {
                f.location = l;
            }
            Ok(f)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
