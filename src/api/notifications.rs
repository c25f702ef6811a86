//! The signed-in user's alerts.

use super::extract::Query;
use super::{run, who};
use crate::auth::CurrentUser;
use crate::db::Paging;
use crate::error::AppResult;
use crate::service::notifications as service;
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{Notification, Page, Problem};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct NotificationQuery {
    /// Only unread ones.
    #[serde(default)]
    pub unread: bool,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// My notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", security(("bearer" = [])), params(NotificationQuery),
    responses((status = 200, body = Page<Notification>)))]
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: Query<NotificationQuery>,
) -> AppResult<HttpResponse> {
    let paging = Paging::new(q.limit, q.offset)?;
    let (who, unread) = (who(&user, &state), q.unread);
    let out = run(&state, move |c, _| service::list(c, &who, unread, paging)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Marks one of my notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications", security(("bearer" = [])),
    params(("id" = i64, Path, description = "notification id")),
    responses((status = 200, body = Notification), (status = 404, body = Problem)))]
pub async fn read(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::read(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}
