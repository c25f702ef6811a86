//! Customer revisits: the agents' queue, one revisit, its outcome and assignment, the weekly
//! progress for supervisors, and the revisit files of delivered projects.

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::db::revisit_files::FileFilter;
use crate::db::revisits::RevisitFilter;
use crate::error::AppResult;
use crate::service::revisits as service;
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use fieldline_mobile_api::{
    AssignRevisit, Page, Problem, Revisit, RevisitFile, RevisitKind, RevisitOutcome, RevisitProgress, RevisitStatus,
};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RevisitQuery {
    /// `due` (the queue, overdue ones included), `done` or `missed`.
    pub status: Option<RevisitStatus>,
    pub kind: Option<RevisitKind>,
    /// Only revisits assigned to this user.
    pub agent_id: Option<i64>,
    pub customer_id: Option<i64>,
    /// Only revisits due on or before this date (`YYYY-MM-DD`), e.g. today's work.
    pub due_by: Option<NaiveDate>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The revisit queue: revisits still due first, the most overdue first, then by due date.
/// Office staff.
#[utoipa::path(get, path = "/api/v1/revisits", tag = "revisits", security(("bearer" = [])), params(RevisitQuery),
    responses((status = 200, body = Page<Revisit>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<RevisitQuery>) -> AppResult<HttpResponse> {
    let (q, who) = (q.0, who(&user, &state));
    let filter = RevisitFilter {
        status: q.status,
        kind: q.kind,
        agent_id: q.agent_id,
        customer_id: q.customer_id,
        due_by: q.due_by,
    };
    let out = run(&state, move |c, _| service::list(c, &who, &filter, q.limit, q.offset)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One revisit. Office staff.
#[utoipa::path(get, path = "/api/v1/revisits/{id}", tag = "revisits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "revisit id")),
    responses((status = 200, body = Revisit), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (id, who) = (id.into_inner(), who(&user, &state));
    let out = run(&state, move |c, _| service::get(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Records the outcome of a revisit that is still due (409 `invalid_transition` once it is done
/// or missed). A score of 2 or less, or `follow_up_needed`, opens a ticket (channel `revisit`,
/// priority P3, owned by the caller) linked to the revisit as `opened_ticket_id`. Agents and
/// supervisors; an agent not on a revisit assigned to someone else.
#[utoipa::path(post, path = "/api/v1/revisits/{id}/outcome", tag = "revisits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "revisit id")), request_body = RevisitOutcome,
    responses((status = 200, body = Revisit), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn outcome(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<RevisitOutcome>,
) -> AppResult<HttpResponse> {
    let (b, who, id) = (body.0, who(&user, &state), id.into_inner());
    let out = run(&state, move |c, st| {
        service::record_outcome(c, &who, id, &b, st.settings.escalation_step())
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Sets who is to make the call (`agent_id`, or null for anyone). Supervisors assign any active
/// agent or supervisor; an agent takes an unassigned revisit for themself or gives theirs back.
#[utoipa::path(post, path = "/api/v1/revisits/{id}/assign", tag = "revisits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "revisit id")), request_body = AssignRevisit,
    responses((status = 200, body = Revisit), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn assign(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<AssignRevisit>,
) -> AppResult<HttpResponse> {
    let agent = body.agent_id.map(|a| a.0);
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::assign(c, &who, id, agent)).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ProgressQuery {
    /// The ISO week, e.g. `2026-W48`; default: this week in the business calendar's zone.
    pub week: Option<String>,
}

/// Each agent's revisits done in the week against the weekly target
/// (`FIELDLINE_REVISIT_WEEKLY_TARGET`). Supervisors and managers; an agent gets their own line.
#[utoipa::path(get, path = "/api/v1/revisits/progress", tag = "revisits", security(("bearer" = [])),
    params(ProgressQuery),
    responses((status = 200, body = RevisitProgress), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn progress(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: Query<ProgressQuery>,
) -> AppResult<HttpResponse> {
    let (q, who) = (q.0, who(&user, &state));
    let out = run(&state, move |c, st| {
        service::progress(c, &who, q.week.as_deref(), st.settings.revisits.weekly_target)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FileQuery {
    pub customer_id: Option<i64>,
    pub asset_id: Option<i64>,
    /// `false`: files whose asset lost its acceptance date.
    pub active: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Revisit files: one per asset with an acceptance date, opened by the job
/// `revisit_generation`. Office staff.
#[utoipa::path(get, path = "/api/v1/revisit-files", tag = "revisits", security(("bearer" = [])), params(FileQuery),
    responses((status = 200, body = Page<RevisitFile>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_files(state: web::Data<AppState>, user: CurrentUser, q: Query<FileQuery>) -> AppResult<HttpResponse> {
    let (q, who) = (q.0, who(&user, &state));
    let filter = FileFilter {
        customer_id: q.customer_id,
        asset_id: q.asset_id,
        active: q.active,
    };
    let out = run(&state, move |c, _| {
        service::list_files(c, &who, &filter, q.limit, q.offset)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One revisit file. Office staff.
#[utoipa::path(get, path = "/api/v1/revisit-files/{id}", tag = "revisits", security(("bearer" = [])),
    params(("id" = i64, Path, description = "revisit file id")),
    responses((status = 200, body = RevisitFile), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_file(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (id, who) = (id.into_inner(), who(&user, &state));
    let out = run(&state, move |c, _| service::get_file(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}
