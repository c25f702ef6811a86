//! The e-mail outbox for admins: what is waiting, sent or given up, and a retry for the dead.

use super::extract::Query;
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::outbox::{self as service, OutboxListing};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{OutboxMessage, OutboxStatus, Page, Problem};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OutboxQuery {
    /// `pending` (also between retries), `sent`, `dead` or `cancelled`.
    pub status: Option<OutboxStatus>,
    pub ticket_id: Option<i64>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Outgoing e-mails, newest first (admin): recipients, subject, status, attempts, the next
/// attempt's time and the last error. Bodies and attachment bytes are not shown.
#[utoipa::path(get, path = "/api/v1/outbox", tag = "outbox", security(("bearer" = [])), params(OutboxQuery),
    responses((status = 200, body = Page<OutboxMessage>), (status = 403, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<OutboxQuery>) -> AppResult<HttpResponse> {
    let q = q.0;
    let listing = OutboxListing {
        status: q.status,
        ticket_id: q.ticket_id,
        limit: q.limit,
        offset: q.offset,
    };
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::list(c, &who, listing)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Puts a dead e-mail back in the queue (admin): it becomes pending, due now, and its attempts
/// are reset to 0, so it gets the full number of attempts (`FIELDLINE_MAIL_MAX_ATTEMPTS`) again;
/// `last_error` keeps the last failure until the next attempt. Its Message-ID stays the same.
/// Audited. Only a dead e-mail can be retried (409 `invalid_transition` otherwise).
#[utoipa::path(post, path = "/api/v1/outbox/{id}/retry", tag = "outbox", security(("bearer" = [])),
    params(("id" = i64, Path, description = "outbox message id")),
    responses((status = 200, body = OutboxMessage), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn retry(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::retry(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Sends a pending e-mail at the relay's next round (every 10 s by default) instead of after its
/// backoff wait, for when the mail server has been fixed (admin): its next attempt becomes now;
/// its attempts count on. The per-customer hourly bound still applies. Audited. Only a pending
/// e-mail can be sent now (409 `invalid_transition` otherwise; 409 `conflict` while a relay is
/// sending it).
#[utoipa::path(post, path = "/api/v1/outbox/{id}/send-now", tag = "outbox", security(("bearer" = [])),
    params(("id" = i64, Path, description = "outbox message id")),
    responses((status = 200, body = OutboxMessage), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn send_now(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::send_now(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}
