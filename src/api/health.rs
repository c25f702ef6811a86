//! Liveness and readiness.
//!
//! `/ready` answers 200 when the database answers and 503 when it does not, and nothing else
//! changes its status: it is what an orchestrator's readiness probe asks, and a node must not be
//! taken out of service because the mail server is down or a job is late (every node would be,
//! and the service would stop answering for something it can do nothing about). To an admin's
//! token it also gives the detail an alert watches: the outbox's backlog and dead e-mails, and
//! every scheduled job whose last run is older than its schedule allows.

use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::policy::admin::Act;
use crate::policy::{self, Action};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;
use fieldline_mobile_api::{Health, OutboxBacklog, Readiness};

/// The process answers.
#[utoipa::path(get, path = "/health", tag = "health", responses((status = 200, body = Health)))]
pub async fn health() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
        database: None,
        detail: None,
    })
}

/// The database answers too (200, else 503). With an admin's token the answer also carries
/// `detail`: the outbox's backlog, the jobs against their schedules, and `alerts`, one line per
/// thing to look at (dead e-mails, a stale job). The detail never changes the status.
#[utoipa::path(get, path = "/ready", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = fieldline_mobile_api::Problem)))]
pub async fn ready(state: web::Data<AppState>, user: Option<CurrentUser>) -> AppResult<HttpResponse> {
    let admin =
        user.is_some_and(|u| policy::require(&who(&u, &state).caller, Action::Admin(Act::ReadOperations)).is_ok());
    let (kind, figures) = run(&state, move |c, _| {
        c.batch_execute("SELECT 1")
            .map_err(|e| AppError::Unavailable(e.to_string()))?;
        let figures = if admin {
            Some((
                crate::service::outbox::backlog(c)?,
                crate::service::jobs::last_started(c)?,
            ))
        } else {
            None
        };
        Ok((c.kind(), figures))
    })
    .await?;
    let database = match kind {
        crate::db::BackendKind::Postgres => "postgresql",
        crate::db::BackendKind::Sqlite => "sqlite",
    };
    let now = state.clock.now();
    let detail = figures.map(|(backlog, last)| {
        let jobs = crate::jobs::health(&state.settings, &last, now);
        let mut alerts = Vec::new();
        if backlog.dead > 0 {
            alerts.push(format!("{} e-mail(s) given up (dead)", backlog.dead));
        }
        for j in jobs.iter().filter(|j| j.stale) {
            alerts.push(format!("job {} has not run since its last scheduled time", j.job));
        }
        Readiness {
            outbox: OutboxBacklog {
                pending: backlog.pending,
                oldest_pending_age_seconds: backlog.oldest_pending.map(|t| (now - t).num_seconds().max(0)),
                dead: backlog.dead,
            },
            jobs,
            alerts,
        }
    });
    Ok(HttpResponse::Ok().json(Health {
        status: "ok".into(),
        database: Some(database.into()),
        detail,
    }))
}
