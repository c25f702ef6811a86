//! Service regions: GeoJSON boundaries with a class (urban, rural).

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::regions::{self as service, RegionListing};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{NewRegion, Page, Problem, Region, RegionClass, UpdateRegion};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RegionQuery {
    pub class: Option<RegionClass>,
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Lists regions.
#[utoipa::path(get, path = "/api/v1/regions", tag = "regions", security(("bearer" = [])), params(RegionQuery),
    responses((status = 200, body = Page<Region>), (status = 403, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<RegionQuery>) -> AppResult<HttpResponse> {
    let q = q.0;
    let listing = RegionListing {
        class: q.class,
        q: q.q,
        limit: q.limit,
        offset: q.offset,
    };
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::list(c, &who, listing)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Draws a region (admin). Sites inside it get it as their region.
#[utoipa::path(post, path = "/api/v1/regions", tag = "regions", security(("bearer" = [])), request_body = NewRegion,
    responses((status = 201, body = Region), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<NewRegion>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::create(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// One region.
#[utoipa::path(get, path = "/api/v1/regions/{id}", tag = "regions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "region id")),
    responses((status = 200, body = Region), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::get(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Renames, reclassifies or redraws a region (admin); sites are placed again when redrawn.
#[utoipa::path(patch, path = "/api/v1/regions/{id}", tag = "regions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "region id")), request_body = UpdateRegion,
    responses((status = 200, body = Region), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<UpdateRegion>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::update(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}
