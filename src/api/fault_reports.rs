//! Fault analysis reports: a supervisor starts one after the fault is over (prefilled from the
//! ticket), the author writes it, another supervisor reviews it, and a supervisor sends it by
//! e-mail to the account manager and the customer's chosen contacts. Corrections are revisions.
//!
//! Edits need `If-Match` with the report's version (its `ETag`): without it 428, with an older
//! one 412 and the report as it is now. The review steps take `If-Match` too, when given.

use super::extract::{Json, Query};
use super::{if_match, run, who};
use crate::auth::CurrentUser;
use crate::db::fault_reports::Filter;
use crate::error::{AppError, AppResult};
use crate::service::fault_reports::{self as service, ListQuery};
use crate::startup::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use fieldline_mobile_api::{
    FaultReport, FaultReportMailPreview, FaultReportStatus, FaultReportStep, NewFaultReport, NewFaultReportRevision,
    Page, Problem, UpdateFaultReport,
};
use serde::Deserialize;

fn with_etag(status: actix_web::http::StatusCode, report: &FaultReport) -> HttpResponse {
    super::with_etag(status, report.version, report)
}

/// Starts the fault analysis report of a ticket whose fault is over: its major fault has ended,
/// or (for a ticket that was not a major fault) it is resolved or closed. The impact (downtime,
/// what was affected) and the handling timeline are prefilled from the ticket, its major fault
/// and its visits. Supervisors; `author_id` names the author (a supervisor or a technician),
/// by default the caller. One report per ticket: corrections are revisions.
#[utoipa::path(post, path = "/api/v1/fault-reports", tag = "fault reports", security(("bearer" = [])),
    request_body = NewFaultReport,
    responses((status = 201, body = FaultReport), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<NewFaultReport>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::create(c, &who, body.0)).await?;
    Ok(with_etag(actix_web::http::StatusCode::CREATED, &out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FaultReportQuery {
    pub ticket_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub status: Option<FaultReportStatus>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Fault analysis reports, newest first: every report for supervisors and managers, the reports of their own
/// customers for account managers, their own for technician authors.
#[utoipa::path(get, path = "/api/v1/fault-reports", tag = "fault reports", security(("bearer" = [])),
    params(FaultReportQuery),
    responses((status = 200, body = Page<FaultReport>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: Query<FaultReportQuery>,
) -> AppResult<HttpResponse> {
    let q = q.0;
    let query = ListQuery {
        filter: Filter {
            ticket_id: q.ticket_id,
            customer_id: q.customer_id,
            status: q.status,
        },
        limit: q.limit,
        offset: q.offset,
    };
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::list(c, &who, query)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One fault analysis report; its `ETag` is its version. A report outside the caller's reach
/// (another customer's, for an account manager) is "not found".
#[utoipa::path(get, path = "/api/v1/fault-reports/{id}", tag = "fault reports", security(("bearer" = [])),
    params(("id" = i64, Path, description = "fault report id")),
    responses((status = 200, body = FaultReport), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::get(c, &who, id)).await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &out))
}

/// The e-mail that sending the report would write now, rendered by the send's own code: one
/// message per language its recipients read, each with its recipients, subject, text and HTML
/// parts and the attached document's name. Nothing is sent or recorded. Whoever may read the
/// report may preview it, in any state; without anybody to send to it is 422 naming
/// `contact_ids`, as the send would be.
#[utoipa::path(get, path = "/api/v1/fault-reports/{id}/mail-preview", tag = "fault reports", security(("bearer" = [])),
    params(("id" = i64, Path, description = "fault report id")),
    responses((status = 200, body = FaultReportMailPreview), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn mail_preview(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::mail_preview(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Changes a draft or returned report (its author or a supervisor; only a supervisor names
/// another author). Lists are replaced whole. Approved and sent reports are read-only (409):
/// correct them with a revision. Needs `If-Match` with the report's version.
#[utoipa::path(patch, path = "/api/v1/fault-reports/{id}", tag = "fault reports", security(("bearer" = [])),
    params(("id" = i64, Path, description = "fault report id"), ("If-Match" = String, Header, description = "the report's ETag")),
    request_body = UpdateFaultReport,
    responses((status = 200, body = FaultReport), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem),
        (status = 428, body = Problem)))]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<UpdateFaultReport>,
) -> AppResult<HttpResponse> {
    let expected = if_match(&req)?.ok_or(AppError::PreconditionRequired)?;
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::update(c, &who, id, expected, body.0)).await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &out))
}

/// Which step of the review a handler takes.
#[derive(Clone, Copy)]
enum Step {
    Submit,
    Approve,
    Return,
    Send,
}

async fn review(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: i64,
    body: FaultReportStep,
    step: Step,
) -> AppResult<HttpResponse> {
    let expected = if_match(&req)?;
    let who = who(&user, &state);
    let out = run(&state, move |c, st| match step {
        Step::Submit => service::submit(c, &who, id, expected, body),
        Step::Approve => service::approve(c, &who, id, expected, body),
        Step::Return => service::return_to_author(c, &who, id, expected, body),
        Step::Send => service::send(c, &who, id, expected, body, &st.settings),
    })
    .await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &out))
}

/// Hands a draft or returned report in for review (its author or a supervisor). It must be
/// complete: the impact described, a timeline, the root cause, at least one corrective and one
/// preventive action (422 naming the first gap). Supervisors other than the author are notified.
#[utoipa::path(post, path = "/api/v1/fault-reports/{id}/submit", tag = "fault reports", security(("bearer" = [])),
    params(("id" = i64, Path, description = "fault report id"), ("If-Match" = Option<String>, Header, description = "the report's ETag")),
    request_body = FaultReportStep,
    responses((status = 200, body = FaultReport), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn submit(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<FaultReportStep>,
) -> AppResult<HttpResponse> {
    review(state, user, req, id.into_inner(), body.0, Step::Submit).await
}

/// Approves a submitted report: a supervisor other than its author (the author gets 403). The
/// report is read-only from now on.
#[utoipa::path(post, path = "/api/v1/fault-reports/{id}/approve", tag = "fault reports", security(("bearer" = [])),
    params(("id" = i64, Path, description = "fault report id"), ("If-Match" = Option<String>, Header, description = "the report's ETag")),
    request_body = FaultReportStep,
    responses((status = 200, body = FaultReport), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem)))]
pub async fn approve(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<FaultReportStep>,
) -> AppResult<HttpResponse> {
    review(state, user, req, id.into_inner(), body.0, Step::Approve).await
}

/// Returns a submitted report to its author with `comments` (required): it is editable again
/// and goes back for review when submitted. A supervisor other than its author.
#[utoipa::path(post, path = "/api/v1/fault-reports/{id}/return", tag = "fault reports", security(("bearer" = [])),
    params(("id" = i64, Path, description = "fault report id"), ("If-Match" = Option<String>, Header, description = "the report's ETag")),
    request_body = FaultReportStep,
    responses((status = 200, body = FaultReport), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn return_to_author(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<FaultReportStep>,
) -> AppResult<HttpResponse> {
    review(state, user, req, id.into_inner(), body.0, Step::Return).await
}

/// Sends an approved report (supervisors): one e-mail through the outbox, written in the same
/// transaction, to the customer's account manager and the chosen contacts, with a text and an
/// HTML part and the report attached as an HTML document. Every chosen contact needs an e-mail
/// address (422 naming `contact_ids[i]`). The report records when and to whom it was sent.
#[utoipa::path(post, path = "/api/v1/fault-reports/{id}/send", tag = "fault reports", security(("bearer" = [])),
    params(("id" = i64, Path, description = "fault report id"), ("If-Match" = Option<String>, Header, description = "the report's ETag")),
    request_body = FaultReportStep,
    responses((status = 200, body = FaultReport), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn send(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<FaultReportStep>,
) -> AppResult<HttpResponse> {
    review(state, user, req, id.into_inner(), body.0, Step::Send).await
}

/// Starts a corrected revision of an approved or sent report (supervisors): revision n+1, a
/// draft copying the content, linked to the report it corrects, which stays as it was. Only
/// the latest revision can be corrected (409 otherwise).
#[utoipa::path(post, path = "/api/v1/fault-reports/{id}/revisions", tag = "fault reports", security(("bearer" = [])),
    params(("id" = i64, Path, description = "fault report id")), request_body = NewFaultReportRevision,
    responses((status = 201, body = FaultReport), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn revise(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<NewFaultReportRevision>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::revise(c, &who, id, body.0)).await?;
    Ok(with_etag(actix_web::http::StatusCode::CREATED, &out))
}
