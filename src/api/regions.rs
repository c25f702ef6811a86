//! Service regions: GeoJSON boundaries with a class (urban, rural).

use super::extract::{Json, Query};
use super::{actor, run};
use crate::auth::{CurrentUser, OFFICE_ROLES};
use crate::db::regions::{self as store, RegionFields, RegionFilter};
use crate::db::Paging;
use crate::domain::validate;
use crate::error::AppResult;
use crate::geojson::boundary_from_value;
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
    user.require(OFFICE_ROLES)?;
    let q = q.0;
    let paging = Paging::new(q.limit, q.offset)?;
    let filter = RegionFilter { class: q.class, q: q.q };
    let out = run(&state, move |c, _| store::list(c, &filter, paging)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Draws a region (admin). Sites inside it get it as their region.
#[utoipa::path(post, path = "/api/v1/regions", tag = "regions", security(("bearer" = [])), request_body = NewRegion,
    responses((status = 201, body = Region), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<NewRegion>) -> AppResult<HttpResponse> {
    user.require_admin()?;
    let b = body.0;
    let (boundary, boundary_json) = boundary_from_value(&b.boundary)?;
    let fields = RegionFields {
        name: validate::text("name", &b.name, 200)?,
        class: b.class,
        boundary,
        boundary_json,
    };
    let who = actor(&user, &state);
    let out = run(&state, move |c, _| store::create(c, &who, fields)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// One region.
#[utoipa::path(get, path = "/api/v1/regions/{id}", tag = "regions", security(("bearer" = [])),
    params(("id" = i64, Path, description = "region id")),
    responses((status = 200, body = Region), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    user.require(OFFICE_ROLES)?;
    let id = id.into_inner();
    let out = run(&state, move |c, _| store::get(c, id)?.to_wire()).await?;
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
    user.require_admin()?;
    let b = body.0;
    let name = b.name.as_deref().map(|v| validate::text("name", v, 200)).transpose()?;
    let boundary = b.boundary.as_ref().map(boundary_from_value).transpose()?;
    let who = actor(&user, &state);
    let id = id.into_inner();
    let out = run(&state, move |c, _| {
        store::update(c, &who, id, |mut f| {
            if let Some(n) = name {
                f.name = n;
            }
            if let Some(class) = b.class {
                f.class = class;
            }
            if let Some((boundary, json)) = boundary {
                f.boundary = boundary;
                f.boundary_json = json;
            }
            Ok(f)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
