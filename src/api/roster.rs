//! The hotline desk: its shifts and the agents' duty roster.

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::roster as service;
use crate::service::roster_swaps as swaps;
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use fieldline_mobile_api::{
    DeskShift, NewRosterEntry, NewRosterSwap, Page, Problem, RosterEntry, RosterSwap, ShiftInput, SwapRefusal,
    SwapStatus,
};
use serde::Deserialize;

/// The hotline's shifts, the active ones first, each by start time (office roles).
#[utoipa::path(get, path = "/api/v1/desk/shifts", tag = "desk", security(("bearer" = [])),
    responses((status = 200, body = Vec<DeskShift>), (status = 403, body = Problem)))]
pub async fn shifts(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::shifts(c, &who)).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RosterQuery {
    /// The first day; left out: today.
    pub from: Option<NaiveDate>,
    /// The last day; left out: two weeks from `from`. At most 62 days in all.
    pub to: Option<NaiveDate>,
    /// One shift only.
    pub shift_id: Option<i64>,
}

/// The duty roster of a span of days, with each person's name, role and level, whether they are
/// a shift lead and whether the day is a holiday (office roles).
#[utoipa::path(get, path = "/api/v1/roster", tag = "desk", security(("bearer" = [])), params(RosterQuery),
    responses((status = 200, body = Vec<RosterEntry>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<RosterQuery>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let q = q.0;
    let out = run(&state, move |c, _| service::roster(c, &who, q.from, q.to, q.shift_id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Puts a person on a shift of a day (supervisors, managers, and leads for the people they lead).
/// A person works at most one shift a day.
#[utoipa::path(post, path = "/api/v1/roster", tag = "desk", security(("bearer" = [])), request_body = NewRosterEntry,
    responses((status = 201, body = RosterEntry), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add(state: web::Data<AppState>, user: CurrentUser, body: Json<NewRosterEntry>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::add(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Takes a person off a shift that has not started.
#[utoipa::path(delete, path = "/api/v1/roster/{id}", tag = "desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "roster entry id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    run(&state, move |c, _| service::remove(c, &who, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Creates a shift (admins): a unique name, its local start and end `HH:MM`.
#[utoipa::path(post, path = "/api/v1/desk/shifts", tag = "desk", security(("bearer" = [])), request_body = ShiftInput,
    responses((status = 201, body = DeskShift), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_shift(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<ShiftInput>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::create_shift(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Changes a shift (admins): its name, times, or whether it is active.
#[utoipa::path(put, path = "/api/v1/desk/shifts/{id}", tag = "desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "shift id")), request_body = ShiftInput,
    responses((status = 200, body = DeskShift), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_shift(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<ShiftInput>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::update_shift(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SwapsQuery {
    /// `mine` (asked by me or of me; the default), `decide` (open swaps I still have to agree to
    /// or approve) or `all` (supervisors, managers, admins).
    #[param(pattern = "^(mine|decide|all)$")]
    pub scope: Option<String>,
    pub status: Option<SwapStatus>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Swap requests and the swap record, newest first.
#[utoipa::path(get, path = "/api/v1/roster/swaps", tag = "desk", security(("bearer" = [])), params(SwapsQuery),
    responses((status = 200, body = Page<RosterSwap>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn swaps(state: web::Data<AppState>, user: CurrentUser, q: Query<SwapsQuery>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let q = q.0;
    let out = run(&state, move |c, _| {
        let scope = swaps::SwapScope::parse(q.scope.as_deref().unwrap_or("mine"))?;
        swaps::list(c, &who, scope, q.status, q.limit, q.offset)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Asks to swap one of my future entries with a colleague's future entry. Refused (422, naming
/// the rule) when the swap breaks a rule of the swap regulation; 409 when either entry is in an
/// open swap request already.
#[utoipa::path(post, path = "/api/v1/roster/swaps", tag = "desk", security(("bearer" = [])), request_body = NewRosterSwap,
    responses((status = 201, body = RosterSwap), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn ask_swap(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<NewRosterSwap>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| swaps::ask(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Agrees to a swap (the counterpart) or approves it (the lead of either person; a supervisor
/// or manager for a person without a lead). The last approval checks the rules again and
/// exchanges the two entries' people.
#[utoipa::path(post, path = "/api/v1/roster/swaps/{id}/approve", tag = "desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "swap id")),
    responses((status = 200, body = RosterSwap), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn approve_swap(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| swaps::approve(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Refuses a swap, saying why (the counterpart or an approver).
#[utoipa::path(post, path = "/api/v1/roster/swaps/{id}/refuse", tag = "desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "swap id")), request_body = SwapRefusal,
    responses((status = 200, body = RosterSwap), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn refuse_swap(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<SwapRefusal>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| swaps::refuse(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Cancels my own open swap request.
#[utoipa::path(post, path = "/api/v1/roster/swaps/{id}/cancel", tag = "desk", security(("bearer" = [])),
    params(("id" = i64, Path, description = "swap id")),
    responses((status = 200, body = RosterSwap), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn cancel_swap(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| swaps::cancel(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}
