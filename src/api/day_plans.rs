//! Day plans: every technician's route of a day, proposed by the solver and applied by a
//! dispatcher.

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::day_plans as service;
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use fieldline_mobile_api::{DayPlan, DayPlanSummary, NewDayPlan, Page, Problem};
use serde::Deserialize;

/// Asks for the routes of a day (a region, or all): the open visits of the day — unassigned,
/// assigned (movable unless pinned), accepted (kept with their technician) — and the technicians
/// working that day. The solver runs off the request; the answer is the plan in `planning`.
/// Read it again (`GET /api/v1/day-plans/{id}`) until it is `ready` or `failed`.
#[utoipa::path(post, path = "/api/v1/day-plans", tag = "dispatch", security(("bearer" = [])), request_body = NewDayPlan,
    responses((status = 202, body = DayPlan), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<NewDayPlan>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, st| service::create(c, &who, body.0, &st.settings)).await?;
    service::submit(&state.planner, &out);
    Ok(HttpResponse::Accepted().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Plans of this day only.
    pub day: Option<NaiveDate>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Day plans, newest first.
#[utoipa::path(get, path = "/api/v1/day-plans", tag = "dispatch", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = Page<DayPlanSummary>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<ListQuery>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let q = q.0;
    let out = run(&state, move |c, _| service::list(c, &who, q.day, (q.limit, q.offset))).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One plan: each technician's route in order with arrival times, and the visits it could not
/// place with the reason.
#[utoipa::path(get, path = "/api/v1/day-plans/{id}", tag = "dispatch", security(("bearer" = [])),
    params(("id" = i64, Path, description = "day plan id")),
    responses((status = 200, body = DayPlan), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (id, who) = (id.into_inner(), who(&user, &state));
    let out = run(&state, move |c, _| service::get(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Applies a ready plan: every planned visit is booked to its technician at its planned arrival
/// and place in the route (the technician's phone lists them in that order), and the assigned
/// visits it could not place (and the dispatcher did not pin) go back to the queue — all at once.
/// 409 when the plan is not ready, or when a visit changed or a technician was booked since it
/// was made: nothing is booked, and the plan is marked `stale`.
#[utoipa::path(post, path = "/api/v1/day-plans/{id}/apply", tag = "dispatch", security(("bearer" = [])),
    params(("id" = i64, Path, description = "day plan id")),
    responses((status = 200, body = DayPlan), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn apply(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (id, who) = (id.into_inner(), who(&user, &state));
    let out = run(&state, move |c, st| service::apply(c, &who, id, &st.settings)).await?;
    Ok(HttpResponse::Ok().json(out))
}
