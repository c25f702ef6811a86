//! Users and roles (admins), and the signed-in user's own record.

use super::extract::{Json, Query};
use super::{actor, run};
use crate::auth::{password, CurrentUser};
use crate::db::users::{self as store, NewUserRow, UserChanges, UserFilter};
use crate::db::{ts, Paging};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{NewUser, Page, Problem, Role, UpdateUser, User};
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
    let id = user.id.0;
    let out = run(&state, move |c, _| store::get(c, id)?.to_wire()).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Lists users (admin).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])), params(UserQuery),
    responses((status = 200, body = Page<User>), (status = 403, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<UserQuery>) -> AppResult<HttpResponse> {
    user.require_admin()?;
    let q = q.0;
    let paging = Paging::new(q.limit, q.offset)?;
    let filter = UserFilter {
        role: q.role,
        active: q.active,
        q: q.q,
    };
    let out = run(&state, move |c, _| store::list(c, &filter, paging)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Creates a user with a role (admin).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", security(("bearer" = [])), request_body = NewUser,
    responses((status = 201, body = User), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<NewUser>) -> AppResult<HttpResponse> {
    user.require_admin()?;
    let b = body.0;
    let username = validate::username(&b.username)?;
    let display_name = validate::text("display_name", &b.display_name, 200)?;
    let email = validate::optional(b.email.as_deref(), |v| validate::email("email", v))?;
    let phone = validate::optional(b.phone.as_deref(), |v| validate::phone("phone", v))?;
    validate::password("password", &b.password)?;
    let who = actor(&user, &state);
    let out = run(&state, move |c, _| {
        let password_hash = password::hash(&b.password)?;
        store::create(
            c,
            &who,
            NewUserRow {
                username,
                display_name,
                email,
                phone,
                role: b.role.as_str().into(),
                password_hash,
                active: true,
                created_at: ts(who.at),
                updated_at: ts(who.at),
            },
        )
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// One user (admin, or the user themself).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = i64, Path, description = "user id")),
    responses((status = 200, body = User), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    if user.id.0 != id {
        user.require_admin()?;
    }
    let out = run(&state, move |c, _| store::get(c, id)?.to_wire()).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Changes a user: role, details, active, password (admin). An admin cannot demote or disable
/// themself, so there is always someone who can manage users.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = [])),
    params(("id" = i64, Path, description = "user id")), request_body = UpdateUser,
    responses((status = 200, body = User), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<UpdateUser>,
) -> AppResult<HttpResponse> {
    user.require_admin()?;
    let id = id.into_inner();
    let b = body.0;
    if id == user.id.0 && (b.active == Some(false) || b.role.is_some_and(|r| r != Role::Admin)) {
        return Err(AppError::Conflict("an admin cannot disable or demote themself".into()));
    }
    let mut changes = UserChanges {
        display_name: b
            .display_name
            .as_deref()
            .map(|v| validate::text("display_name", v, 200))
            .transpose()?,
        email: b.email.as_deref().map(|v| validate::email("email", v)).transpose()?,
        phone: b.phone.as_deref().map(|v| validate::phone("phone", v)).transpose()?,
        role: b.role.map(|r| r.as_str().to_string()),
        active: b.active,
        ..Default::default()
    };
    if let Some(p) = &b.password {
        validate::password("password", p)?;
    }
    let who = actor(&user, &state);
    let out = run(&state, move |c, _| {
        if let Some(p) = &b.password {
            changes.password_hash = Some(password::hash(p)?);
        }
        store::update(c, &who, id, changes)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
