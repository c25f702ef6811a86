//! Sites: where a customer's installations stand; each falls in a service region.

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::sites::{self as service, SiteListing};
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
    let q = q.0;
    let listing = SiteListing {
        customer_id: q.customer_id,
        region_id: q.region_id,
        q: q.q,
        limit: q.limit,
        offset: q.offset,
    };
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::list(c, &who, listing)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Registers a site; its region is found from its position.
#[utoipa::path(post, path = "/api/v1/sites", tag = "sites", security(("bearer" = [])), request_body = NewSite,
    responses((status = 201, body = Site), (status = 422, body = Problem)))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<NewSite>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::create(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// One site.
#[utoipa::path(get, path = "/api/v1/sites/{id}", tag = "sites", security(("bearer" = [])),
    params(("id" = i64, Path, description = "site id")),
    responses((status = 200, body = Site), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::get(c, &who, id)).await?;
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
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::update(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}
