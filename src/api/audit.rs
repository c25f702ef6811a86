//! The audit trail, for admins.

use super::extract::Query;
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::audit::{self as service, AuditListing};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{AuditEvent, Page, Problem};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// `user`, `customer`, `contact`, `region`, `site`, `asset`...
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Every recorded change, newest first (admin).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = Page<AuditEvent>), (status = 403, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<AuditQuery>) -> AppResult<HttpResponse> {
    let q = q.0;
    let listing = AuditListing {
        entity: q.entity,
        entity_id: q.entity_id,
        actor_id: q.actor_id,
        limit: q.limit,
        offset: q.offset,
    };
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::list(c, &who, listing)).await?;
    Ok(HttpResponse::Ok().json(out))
}
