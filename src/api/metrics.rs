//! `/metrics`: the service's figures in the Prometheus text format, for an admin's token (a
//! scraper is given one). What is counted as it happens is in `telemetry::Metrics`; the figures
//! of the database (the pool, the outbox, SLA breaches) are read at each scrape.

use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::policy::admin::Act;
use crate::policy::{self, Action};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};

/// The content type of the Prometheus text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The figures (admin).
pub async fn scrape(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    policy::require(&who.caller, Action::Admin(Act::ReadOperations))?;
    let pool = state.pool.state();
    let m = &state.metrics;
    m.pool_connections.set(i64::from(pool.connections));
    m.pool_in_use
        .set(i64::from(pool.connections.saturating_sub(pool.idle_connections)));
    let (backlog, breaches) = run(&state, |c, _| {
        Ok((
            crate::service::outbox::backlog(c)?,
            crate::service::sla::breaches_recorded(c)?,
        ))
    })
    .await?;
    let now = state.clock.now();
    m.outbox_messages.with_label_values(&["pending"]).set(backlog.pending);
    m.outbox_messages.with_label_values(&["dead"]).set(backlog.dead);
    m.outbox_oldest_pending_seconds
        .set(backlog.oldest_pending.map_or(0, |t| (now - t).num_seconds().max(0)));
    for (clock, n) in breaches {
        m.sla_breaches.with_label_values(&[clock]).set(n);
    }
    Ok(HttpResponse::Ok().content_type(CONTENT_TYPE).body(m.render()))
}
