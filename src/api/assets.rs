//! Assets: the installed products at a site (model, serial number, dates, warranty).

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::sites::{self as service, AssetListing};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{Asset, NewAsset, Page, Problem, UpdateAsset};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AssetQuery {
    pub site_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// Exact serial number.
    pub serial_number: Option<String>,
    /// Part of the model or serial number, any case.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Lists assets.
#[utoipa::path(get, path = "/api/v1/assets", tag = "assets", security(("bearer" = [])), params(AssetQuery),
    responses((status = 200, body = Page<Asset>), (status = 403, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<AssetQuery>) -> AppResult<HttpResponse> {
    let q = q.0;
    let listing = AssetListing {
        site_id: q.site_id,
        customer_id: q.customer_id,
        serial_number: q.serial_number,
        q: q.q,
        limit: q.limit,
        offset: q.offset,
    };
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::list_assets(c, &who, listing)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Registers an asset at a site; serial numbers are unique.
#[utoipa::path(post, path = "/api/v1/assets", tag = "assets", security(("bearer" = [])), request_body = NewAsset,
    responses((status = 201, body = Asset), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<NewAsset>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::create_asset(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// One asset.
#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "assets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "asset id")),
    responses((status = 200, body = Asset), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::get_asset(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Changes an asset (moving it to another site moves it to that site's customer).
#[utoipa::path(patch, path = "/api/v1/assets/{id}", tag = "assets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "asset id")), request_body = UpdateAsset,
    responses((status = 200, body = Asset), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<UpdateAsset>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::update_asset(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}
