//! Sign in, refresh, sign out.

use super::extract::Json;
use super::run;
use crate::auth::session;
use crate::error::AppResult;
use crate::startup::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use fieldline_mobile_api::{LoginRequest, Problem, RefreshRequest, TokenResponse};

/// Exchanges a username and password for an access token (15 min) and a refresh token.
/// Repeated failures for one username or from one address are answered with 429.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(state: web::Data<AppState>, req: HttpRequest, body: Json<LoginRequest>) -> AppResult<HttpResponse> {
    let address = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let LoginRequest { username, password } = body.0;
    let tokens = run(&state, move |c, st| {
        session::login(c, st, &username, &password, &address)
    })
    .await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Exchanges a refresh token for a new pair; the presented token is used up. Presenting a used
/// token again revokes every token of that sign-in.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem)))]
pub async fn refresh(state: web::Data<AppState>, body: Json<RefreshRequest>) -> AppResult<HttpResponse> {
    let token = body.0.refresh_token;
    let tokens = run(&state, move |c, st| session::refresh(c, st, &token)).await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Revokes the sign-in the refresh token belongs to.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "signed out")))]
pub async fn logout(state: web::Data<AppState>, body: Json<RefreshRequest>) -> AppResult<HttpResponse> {
    let token = body.0.refresh_token;
    run(&state, move |c, st| session::logout(c, st, &token)).await?;
    Ok(HttpResponse::NoContent().finish())
}
