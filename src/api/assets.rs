//! Assets: the installed products at a site (model, serial number, dates, warranty).

use super::extract::{Json, Query};
use super::{actor, run};
use crate::auth::{CurrentUser, CUSTOMER_EDITORS, OFFICE_ROLES};
use crate::db::sites::{self as store, AssetFields, AssetFilter};
use crate::db::Paging;
use crate::domain::validate;
use crate::error::AppResult;
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

fn serial(v: &str) -> AppResult<String> {
    Ok(validate::text("serial_number", v, 100)?)
}

/// Lists assets.
#[utoipa::path(get, path = "/api/v1/assets", tag = "assets", security(("bearer" = [])), params(AssetQuery),
    responses((status = 200, body = Page<Asset>), (status = 403, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<AssetQuery>) -> AppResult<HttpResponse> {
    user.require(OFFICE_ROLES)?;
    let q = q.0;
    let paging = Paging::new(q.limit, q.offset)?;
    let filter = AssetFilter {
        site_id: q.site_id,
        customer_id: q.customer_id,
        serial_number: q.serial_number,
        q: q.q,
    };
    let out = run(&state, move |c, _| store::list_assets(c, &filter, paging)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Registers an asset at a site; serial numbers are unique.
#[utoipa::path(post, path = "/api/v1/assets", tag = "assets", security(("bearer" = [])), request_body = NewAsset,
    responses((status = 201, body = Asset), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<NewAsset>) -> AppResult<HttpResponse> {
    user.require(CUSTOMER_EDITORS)?;
    let b = body.0;
    let fields = AssetFields {
        site_id: b.site_id.0,
        model: validate::text("model", &b.model, 200)?,
        serial_number: serial(&b.serial_number)?,
        purchase_date: b.purchase_date,
        acceptance_date: b.acceptance_date,
        warranty_end: b.warranty_end,
    };
    let who = actor(&user, &state);
    let out = run(&state, move |c, _| store::create_asset(c, &who, fields)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// One asset.
#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "assets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "asset id")),
    responses((status = 200, body = Asset), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    user.require(OFFICE_ROLES)?;
    let id = id.into_inner();
    let out = run(&state, move |c, _| Ok(store::get_asset(c, id)?.to_wire())).await?;
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
    user.require(CUSTOMER_EDITORS)?;
    let b = body.0;
    let model = b
        .model
        .as_deref()
        .map(|v| validate::text("model", v, 200))
        .transpose()?;
    let serial_number = b.serial_number.as_deref().map(serial).transpose()?;
    let who = actor(&user, &state);
    let id = id.into_inner();
    let out = run(&state, move |c, _| {
        store::update_asset(c, &who, id, |mut f| {
            if let Some(s) = b.site_id {
                f.site_id = s.0;
            }
            if let Some(m) = model {
                f.model = m;
            }
            if let Some(s) = serial_number {
                f.serial_number = s;
            }
            if b.purchase_date.is_some() {
                f.purchase_date = b.purchase_date;
            }
            if b.acceptance_date.is_some() {
                f.acceptance_date = b.acceptance_date;
            }
            if b.warranty_end.is_some() {
                f.warranty_end = b.warranty_end;
            }
            Ok(f)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
