//! The technician's phone: endpoints that act for the signed-in technician only.

use super::extract::Json;
use super::run;
use crate::auth::CurrentUser;
use crate::db::dispatch as store;
use crate::domain::geo::Location;
use crate::error::{AppError, AppResult};
use crate::AppState;
use actix_web::{web, HttpResponse};
use chrono::Duration;
use fieldline_mobile_api::{PingBatch, PingReceipt, Problem, Role};

/// The most positions one request may carry.
pub const MAX_PINGS: usize = 100;

/// Stores a batch of the phone's positions (1-100). Each is checked: a position on the earth, an
/// accuracy of 0-10,000 m, a time not in the future and not older than seven days.
#[utoipa::path(post, path = "/api/v1/mobile/pings", tag = "mobile", security(("bearer" = [])), request_body = PingBatch,
    responses((status = 200, body = PingReceipt), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn pings(state: web::Data<AppState>, user: CurrentUser, body: Json<PingBatch>) -> AppResult<HttpResponse> {
    if !user.is(Role::Technician) {
        return Err(AppError::Forbidden("only a technician's phone sends positions".into()));
    }
    let batch = body.0.pings;
    if batch.is_empty() || batch.len() > MAX_PINGS {
        return Err(AppError::validation(
            "pings",
            format!("send 1 to {MAX_PINGS} positions"),
        ));
    }
    let now = state.clock.now();
    for (i, p) in batch.iter().enumerate() {
        Location::parse(p.latitude, p.longitude)
            .map_err(|e| AppError::validation(format!("pings[{i}].{}", e.field), e.reason))?;
        if !(0.0..=10_000.0).contains(&p.accuracy_m) {
            return Err(AppError::validation(
                format!("pings[{i}].accuracy_m"),
                "must be between 0 and 10000",
            ));
        }
        if p.at > now + Duration::minutes(5) {
            return Err(AppError::validation(
                format!("pings[{i}].at"),
                "must not be in the future",
            ));
        }
        if p.at < now - Duration::days(7) {
            return Err(AppError::validation(
                format!("pings[{i}].at"),
                "is older than seven days",
            ));
        }
    }
    let me = user.id.0;
    let stored = batch.len();
    let last = run(&state, move |c, _| store::store_pings(c, me, &batch, now)).await?;
    Ok(HttpResponse::Ok().json(PingReceipt {
        stored,
        last_ping_at: last,
    }))
}
