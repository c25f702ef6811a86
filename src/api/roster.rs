//! The hotline desk: its shifts and the agents' duty roster.

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::roster as service;
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use fieldline_mobile_api::{DeskShift, NewRosterEntry, Problem, RosterEntry};
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
