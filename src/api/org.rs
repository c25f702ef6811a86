//! Who leads whom: the teams and where each user stands in them.

use super::extract::Json;
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::org as service;
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{Problem, Team, TeamInput, User, UserOrganisation};

/// Every team, by name, with its lead and its count of active members (office roles).
#[utoipa::path(get, path = "/api/v1/teams", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = Vec<Team>), (status = 403, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::teams(c, &who)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Creates a team (admin). Names are unique; a technician cannot lead a hotline shift.
#[utoipa::path(post, path = "/api/v1/teams", tag = "users", security(("bearer" = [])), request_body = TeamInput,
    responses((status = 201, body = Team), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<TeamInput>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::create_team(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Replaces a team's name, kind, lead and whether it is active (admin).
#[utoipa::path(put, path = "/api/v1/teams/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = i64, Path, description = "team id")), request_body = TeamInput,
    responses((status = 200, body = Team), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn replace(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<TeamInput>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::replace_team(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Sets a user's team, supervisor, level and grants, all at once (admin). The chain of
/// supervisors may not loop.
#[utoipa::path(put, path = "/api/v1/users/{id}/organisation", tag = "users", security(("bearer" = [])),
    params(("id" = i64, Path, description = "user id")), request_body = UserOrganisation,
    responses((status = 200, body = User), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_organisation(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<UserOrganisation>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::set_organisation(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}
