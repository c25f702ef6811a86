//! Inspections: plans (who inspects what, how often, with which skill), the inspections the job
//! `inspection_generation` creates from them, and findings that become tickets.

use super::extract::{Json, Query};
use super::{if_match, run, who, with_etag};
use crate::auth::CurrentUser;
use crate::db::inspections::{InspectionFilter, PlanFilter};
use crate::error::AppResult;
use crate::service::inspections as service;
use crate::startup::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use fieldline_mobile_api::{
    Inspection, InspectionFinding, InspectionPlan, InspectionStatus, NewFinding, NewInspectionPlan, Note, Page,
    Problem, UpdateInspectionPlan,
};
use serde::Deserialize;

/// Creates a plan for a customer (all its sites) or one of its sites. Its first inspection is
/// its first date from today on. Supervisors, account managers (their own customers), admins.
#[utoipa::path(post, path = "/api/v1/inspection-plans", tag = "inspections", security(("bearer" = [])),
    request_body = NewInspectionPlan,
    responses((status = 201, body = InspectionPlan), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_plan(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<NewInspectionPlan>,
) -> AppResult<HttpResponse> {
    let (b, who) = (body.0, who(&user, &state));
    let out = run(&state, move |c, _| service::create_plan(c, &who, &b)).await?;
    Ok(with_etag(StatusCode::CREATED, out.version, &out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PlanQuery {
    pub customer_id: Option<i64>,
    /// Plans of this site (customer-wide plans are not included).
    pub site_id: Option<i64>,
    pub active: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Inspection plans, oldest first. Supervisors, account managers, dispatchers, managers.
#[utoipa::path(get, path = "/api/v1/inspection-plans", tag = "inspections", security(("bearer" = [])),
    params(PlanQuery),
    responses((status = 200, body = Page<InspectionPlan>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_plans(state: web::Data<AppState>, user: CurrentUser, q: Query<PlanQuery>) -> AppResult<HttpResponse> {
    let (q, who) = (q.0, who(&user, &state));
    let filter = PlanFilter {
        customer_id: q.customer_id,
        site_id: q.site_id,
        active: q.active,
    };
    let out = run(&state, move |c, _| {
        service::list_plans(c, &who, &filter, q.limit, q.offset)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One plan; its `ETag` is the version.
#[utoipa::path(get, path = "/api/v1/inspection-plans/{id}", tag = "inspections", security(("bearer" = [])),
    params(("id" = i64, Path, description = "inspection plan id")),
    responses((status = 200, body = InspectionPlan), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_plan(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (id, who) = (id.into_inner(), who(&user, &state));
    let out = run(&state, move |c, _| service::get_plan(c, &who, id)).await?;
    Ok(with_etag(StatusCode::OK, out.version, &out))
}

/// Changes a plan (absent fields stay; an empty `required_skill` or `notes` clears it). A new
/// `frequency_months` or `starts_on` restarts the dates from today on; inspections already
/// created stay. Needs `If-Match` with the plan's version.
#[utoipa::path(patch, path = "/api/v1/inspection-plans/{id}", tag = "inspections", security(("bearer" = [])),
    params(("id" = i64, Path, description = "inspection plan id"), ("If-Match" = String, Header, description = "the plan's ETag")),
    request_body = UpdateInspectionPlan,
    responses((status = 200, body = InspectionPlan), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem),
        (status = 428, body = Problem)))]
pub async fn update_plan(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<UpdateInspectionPlan>,
) -> AppResult<HttpResponse> {
    let (expected, b, who, id) = (if_match(&req), body.0, who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::update_plan(c, &who, id, expected, &b)).await?;
    Ok(with_etag(StatusCode::OK, out.version, &out))
}

async fn set_active(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: i64,
    note: Note,
    active: bool,
) -> AppResult<HttpResponse> {
    let (expected, who) = (if_match(&req), who(&user, &state));
    let out = run(&state, move |c, _| {
        service::set_active(c, &who, id, expected, &note, active)
    })
    .await?;
    Ok(with_etag(StatusCode::OK, out.version, &out))
}

/// Deactivates a plan: no more inspections are created, and those whose visit has not set off
/// (scheduled, assigned or accepted) are cancelled with their visits (the technician is told).
/// `If-Match` is optional.
#[utoipa::path(post, path = "/api/v1/inspection-plans/{id}/deactivate", tag = "inspections", security(("bearer" = [])),
    params(("id" = i64, Path, description = "inspection plan id"), ("If-Match" = Option<String>, Header, description = "the plan's ETag")),
    request_body = Note,
    responses((status = 200, body = InspectionPlan), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn deactivate(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<Note>,
) -> AppResult<HttpResponse> {
    set_active(state, user, req, id.into_inner(), body.0, false).await
}

/// Activates a plan again; its dates restart from today on. `If-Match` is optional.
#[utoipa::path(post, path = "/api/v1/inspection-plans/{id}/activate", tag = "inspections", security(("bearer" = [])),
    params(("id" = i64, Path, description = "inspection plan id"), ("If-Match" = Option<String>, Header, description = "the plan's ETag")),
    request_body = Note,
    responses((status = 200, body = InspectionPlan), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn activate(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<Note>,
) -> AppResult<HttpResponse> {
    set_active(state, user, req, id.into_inner(), body.0, true).await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct InspectionQuery {
    pub plan_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub site_id: Option<i64>,
    pub status: Option<InspectionStatus>,
    /// Due on or after this date (`YYYY-MM-DD`).
    pub due_from: Option<NaiveDate>,
    /// Due on or before this date (`YYYY-MM-DD`).
    pub due_to: Option<NaiveDate>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Inspections, the earliest due first, with their visit and findings. Supervisors, account
/// managers, dispatchers, managers.
#[utoipa::path(get, path = "/api/v1/inspections", tag = "inspections", security(("bearer" = [])),
    params(InspectionQuery),
    responses((status = 200, body = Page<Inspection>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<InspectionQuery>) -> AppResult<HttpResponse> {
    let (q, who) = (q.0, who(&user, &state));
    let filter = InspectionFilter {
        plan_id: q.plan_id,
        customer_id: q.customer_id,
        site_id: q.site_id,
        status: q.status,
        due_from: q.due_from,
        due_to: q.due_to,
    };
    let out = run(&state, move |c, _| service::list(c, &who, &filter, q.limit, q.offset)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One inspection with its visit and findings.
#[utoipa::path(get, path = "/api/v1/inspections/{id}", tag = "inspections", security(("bearer" = [])),
    params(("id" = i64, Path, description = "inspection id")),
    responses((status = 200, body = Inspection), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (id, who) = (id.into_inner(), who(&user, &state));
    let out = run(&state, move |c, _| service::get(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Records a problem found on an inspection: a ticket (channel `inspection`, on the normal
/// ladder, owned by the caller) for the inspection's customer and site, linked to the
/// inspection's visit. Supervisors, dispatchers, account managers (their own customers), admins.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/findings", tag = "inspections", security(("bearer" = [])),
    params(("id" = i64, Path, description = "inspection id")), request_body = NewFinding,
    responses((status = 201, body = InspectionFinding), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn record_finding(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<NewFinding>,
) -> AppResult<HttpResponse> {
    let (b, who, id) = (body.0, who(&user, &state), id.into_inner());
    let out = run(&state, move |c, st| {
        service::record_finding(c, &who, id, &b, st.settings.escalation_step())
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}
