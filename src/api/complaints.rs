//! Complaints on their own ladder: the list, one complaint, the resolution stated at its level,
//! the customer's answer, naming its subject; and the level limits of each customer tier.

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::db::complaints::ListFilter;
use crate::db::Paging;
use crate::error::AppResult;
use crate::service::complaints as service;
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{
    Complaint, ComplaintAnswerRequest, ComplaintLevel, ComplaintLimits, ComplaintLimitsInput,
    ComplaintResolutionRequest, ComplaintSubjectRequest, Page, Problem, Tier,
};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ComplaintQuery {
    /// Open complaints only (default true); false: closed ones too.
    pub open: Option<bool>,
    pub level: Option<ComplaintLevel>,
    /// Only the complaints the caller owns.
    pub mine: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Complaints with their ladder: open ones first, the most recently changed first.
#[utoipa::path(get, path = "/api/v1/complaints", tag = "complaints", security(("bearer" = [])), params(ComplaintQuery),
    responses((status = 200, body = Page<Complaint>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<ComplaintQuery>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let q = q.0;
    let paging = Paging::new(q.limit, q.offset)?;
    let filter = ListFilter {
        open: q.open.unwrap_or(true),
        level: q.level,
        owner: q.mine.unwrap_or(false).then_some(who.caller.id.0),
    };
    let out = run(&state, move |c, _| service::list(c, &who, filter, paging)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The complaint of a ticket: its subject, level, due time, handlers and every level it reached.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/complaint", tag = "complaints", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, body = Complaint), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::get(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// States the resolution to the customer at the complaint's level (its handlers: the owner at
/// the complaint level, supervisors at escalated, managers at appeal). The customer's answer is
/// awaited next.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/complaint/resolution", tag = "complaints", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = ComplaintResolutionRequest,
    responses((status = 200, body = Complaint), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn resolution(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<ComplaintResolutionRequest>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, st| {
        service::state_resolution(c, &who, id, &body.0.resolution, st.settings.escalation_step())
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Records the customer's confirmation (resolved at this level: closed) or refusal (climbs one
/// level; at appeal final: closed unresolved), on the customer's word.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/complaint/answer", tag = "complaints", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = ComplaintAnswerRequest,
    responses((status = 200, body = Complaint), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn answer(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<ComplaintAnswerRequest>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, st| {
        service::answer(c, &who, id, body.0, st.settings.escalation_step())
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Names what a complaint from the portal or an e-mail is about (once).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/complaint/subject", tag = "complaints", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = ComplaintSubjectRequest,
    responses((status = 200, body = Complaint), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn subject(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<ComplaintSubjectRequest>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::name_subject(c, &who, id, body.0.subject)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The complaint ladder's time limits of every customer tier, in working minutes (a tier never
/// changed shows the shipped defaults with `updated_at` null).
#[utoipa::path(get, path = "/api/v1/sla/complaint-limits", tag = "sla", security(("bearer" = [])),
    responses((status = 200, body = Vec<ComplaintLimits>), (status = 403, body = Problem)))]
pub async fn list_limits(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::list_limits(c, &who)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Sets a customer tier's complaint level limits (admin); levels reached afterwards use them.
#[utoipa::path(put, path = "/api/v1/sla/complaint-limits/{tier}", tag = "sla", security(("bearer" = [])),
    params(("tier" = Tier, Path, description = "customer tier")), request_body = ComplaintLimitsInput,
    responses((status = 200, body = ComplaintLimits), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn put_limits(
    state: web::Data<AppState>,
    user: CurrentUser,
    tier: web::Path<String>,
    body: Json<ComplaintLimitsInput>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let tier =
        Tier::parse(&tier.into_inner()).ok_or_else(|| crate::error::AppError::not_found("customer tier", "given"))?;
    let out = run(&state, move |c, _| service::put_limits(c, &who, tier, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}
