//! Users and roles (admins), and the signed-in user's own record.

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::users::{self as service, UserListing};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{Colleague, NewUser, Page, Problem, Role, UpdateMe, UpdateUser, User};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct UserQuery {
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// Matches username or display name.
    pub q: Option<String>,
    /// 1-200, default 50.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = User), (status = 401, body = Problem)))]
pub async fn me(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::me(c, &who)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Sets the signed-in user's own language (any signed-in user; audited).
#[utoipa::path(patch, path = "/api/v1/me", tag = "users", security(("bearer" = [])), request_body = UpdateMe,
    responses((status = 200, body = User), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn update_me(state: web::Data<AppState>, user: CurrentUser, body: Json<UpdateMe>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::update_me(c, &who, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Lists users (admin).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])), params(UserQuery),
    responses((status = 200, body = Page<User>), (status = 403, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<UserQuery>) -> AppResult<HttpResponse> {
    let q = q.0;
    let listing = UserListing {
        role: q.role,
        active: q.active,
        q: q.q,
        limit: q.limit,
        offset: q.offset,
    };
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::list(c, &who, listing)).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DirectoryQuery {
    pub role: Option<Role>,
    /// Matches username or display name.
    pub q: Option<String>,
    /// 1-200, default 50.
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The staff directory: the active colleagues' names and roles, for every office role (to hand
/// a ticket to someone, to see who did what).
#[utoipa::path(get, path = "/api/v1/users/directory", tag = "users", security(("bearer" = [])), params(DirectoryQuery),
    responses((status = 200, body = Page<Colleague>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn directory(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: Query<DirectoryQuery>,
) -> AppResult<HttpResponse> {
    let q = q.0;
    let listing = UserListing {
        role: q.role,
        active: Some(true),
        q: q.q,
        limit: q.limit,
        offset: q.offset,
    };
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::directory(c, &who, listing)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Creates a user with a role (admin).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", security(("bearer" = [])), request_body = NewUser,
    responses((status = 201, body = User), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<NewUser>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::create(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// One user (admin, or the user themself).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = i64, Path, description = "user id")),
    responses((status = 200, body = User), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::get(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Changes a user: role, details, active, password (admin). An admin cannot demote or disable
/// themself, so there is always someone who can manage users.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = i64, Path, description = "user id")), request_body = UpdateUser,
    responses((status = 200, body = User), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<UpdateUser>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::update(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}
