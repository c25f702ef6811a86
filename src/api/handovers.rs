//! The shift handover log and the desk's equipment checks.

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::db::handovers::LogFilter;
use crate::error::AppResult;
use crate::service::{equipment_checks, handovers as service};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use fieldline_mobile_api::{
    EquipmentCheck, EquipmentChecksToday, Handover, HandoverDraft, NewEquipmentCheck, NewHandover, Page, Problem,
};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DraftQuery {
    /// The day the shift starts; left out: the day of the shift running now (or today).
    pub day: Option<NaiveDate>,
    /// The shift; left out: the shift running now.
    pub shift_id: Option<i64>,
}

/// What a shift's handover is prefilled with: the open tickets of the people rostered on it
/// (every open hotline ticket when nobody is), those breached and those waiting on the customer,
/// the open major faults and the latest notices (the desk's people and their managers).
#[utoipa::path(get, path = "/api/v1/handovers/draft", tag = "desk", security(("bearer" = [])), params(DraftQuery),
    responses((status = 200, body = HandoverDraft), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn draft(state: web::Data<AppState>, user: CurrentUser, q: Query<DraftQuery>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let q = q.0;
    let out = run(&state, move |c, _| service::draft(c, &who, q.day, q.shift_id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Writes the handover of a shift of a day (a shift lead rostered on it, or a supervisor), once
/// the shift has started; one per shift of a day.
#[utoipa::path(post, path = "/api/v1/handovers", tag = "desk", security(("bearer" = [])), request_body = NewHandover,
    responses((status = 201, body = Handover), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<NewHandover>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::write_handover(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    /// The first day.
    pub from: Option<NaiveDate>,
    /// The last day.
    pub to: Option<NaiveDate>,
    /// One shift only.
    pub shift_id: Option<i64>,
    /// A text in the equipment, problems, notices or staff changes (case-insensitive).
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The handover log, newest day first, searched by days, shift and text.
#[utoipa::path(get, path = "/api/v1/handovers", tag = "desk", security(("bearer" = [])), params(LogQuery),
    responses((status = 200, body = Page<Handover>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<LogQuery>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let q = q.0;
    let f = LogFilter {
        from: q.from,
        to: q.to,
        shift_id: q.shift_id,
        q: q.q,
    };
    let out = run(&state, move |c, _| service::list(c, &who, f, q.limit, q.offset)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One handover with its linked tickets and its people's names.
#[utoipa::path(get, path = "/api/v1/handovers/{id}", tag = "desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "handover id")),
    responses((status = 200, body = Handover), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::get(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Acknowledges a handover as the incoming lead (a shift lead or a supervisor, not its writer);
/// once.
#[utoipa::path(post, path = "/api/v1/handovers/{id}/acknowledge", tag = "desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "handover id")),
    responses((status = 200, body = Handover), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn acknowledge(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::acknowledge(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Records an equipment check of the desk (agents, remote engineers, supervisors); a failed one
/// opens an internal ticket.
#[utoipa::path(post, path = "/api/v1/equipment-checks", tag = "desk", security(("bearer" = [])), request_body = NewEquipmentCheck,
    responses((status = 201, body = EquipmentCheck), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn record_check(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<NewEquipmentCheck>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, st| {
        equipment_checks::record(c, &who, body.0, st.settings.escalation_step())
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ChecksQuery {
    /// The first day; left out: today.
    pub from: Option<NaiveDate>,
    /// The last day; left out: `from` or today, whichever is later.
    pub to: Option<NaiveDate>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The equipment checks of the days `from..=to`, newest first.
#[utoipa::path(get, path = "/api/v1/equipment-checks", tag = "desk", security(("bearer" = [])), params(ChecksQuery),
    responses((status = 200, body = Page<EquipmentCheck>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn checks(state: web::Data<AppState>, user: CurrentUser, q: Query<ChecksQuery>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let q = q.0;
    let out = run(&state, move |c, _| {
        equipment_checks::list(c, &who, q.from, q.to, q.limit, q.offset)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Whether today's morning (before 12:00) and afternoon checks were made.
#[utoipa::path(get, path = "/api/v1/equipment-checks/today", tag = "desk", security(("bearer" = [])),
    responses((status = 200, body = EquipmentChecksToday), (status = 403, body = Problem)))]
pub async fn checks_today(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| equipment_checks::today(c, &who)).await?;
    Ok(HttpResponse::Ok().json(out))
}
