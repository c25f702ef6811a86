//! Liveness and readiness.

use super::run;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;
use fieldline_mobile_api::Health;

/// The process answers.
#[utoipa::path(get, path = "/health", tag = "health", responses((status = 200, body = Health)))]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
        database: None,
    })
}

/// The database answers too.
#[utoipa::path(get, path = "/ready", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = fieldline_mobile_api::Problem)))]
pub async fn ready(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let kind = run(&state, |c, _| {
        c.batch_execute("SELECT 1")
            .map_err(|e| AppError::Unavailable(e.to_string()))?;
        Ok(c.kind())
    })
    .await?;
    let database = match kind {
        crate::db::BackendKind::Postgres => "postgresql",
        crate::db::BackendKind::Sqlite => "sqlite",
    };
    Ok(HttpResponse::Ok().json(Health {
        status: "ok".into(),
        database: Some(database.into()),
    }))
}
