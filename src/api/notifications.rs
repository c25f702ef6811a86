//! The signed-in user's alerts.

use super::extract::Query;
use super::run;
use crate::auth::CurrentUser;
use crate::db::{notifications as store, Paging};
use crate::error::AppResult;
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
    let (me, unread) = (user.id.0, q.unread);
    let out = run(&state, move |c, _| store::list(c, me, unread, paging)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Marks one of my notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications", security(("bearer" = [])),
    params(("id" = i64, Path, description = "notification id")),
    responses((status = 200, body = Notification), (status = 404, body = Problem)))]
pub async fn read(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (me, id) = (user.id.0, id.into_inner());
    let out = run(&state, move |c, st| store::mark_read(c, me, id, st.clock.now())).await?;
    Ok(HttpResponse::Ok().json(out))
}
