//! Fault analysis reports: a supervisor starts one after the fault is over (prefilled from the
//! ticket), the author writes it, another supervisor reviews it, and a supervisor sends it by
//! e-mail to the account manager and the customer's chosen contacts. Corrections are revisions.
//!
//! Edits need `If-Match` with the report's version (its `ETag`): without it 428, with an older
//! one 412 and the report as it is now. The review steps take `If-Match` too, when given.

use super::extract::{Json, Query};
use super::{actor, if_match, run};
use crate::auth::CurrentUser;
use crate::db::fault_reports::{self as store, Edit, Filter, MailSettings, Viewer};
use crate::db::Paging;
use crate::domain::fault_report::{self as rules, ActionInput, Impact, Step};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use fieldline_mobile_api::{
    FaultReport, FaultReportAction, FaultReportStatus, FaultReportStep, NewFaultReport, NewFaultReportRevision, Page,
    Problem, UpdateFaultReport,
};
use serde::Deserialize;

fn viewer(user: &CurrentUser) -> Viewer {
    Viewer {
        id: user.id.0,
        role: user.role,
    }
}

fn mail_settings(state: &AppState) -> MailSettings {
    MailSettings {
        id_domain: state.settings.mail.id_domain(),
    }
}

fn with_etag(status: actix_web::http::StatusCode, report: &FaultReport) -> HttpResponse {
    super::with_etag(status, report.version, report)
}

fn action_inputs(list: Vec<FaultReportAction>) -> Vec<ActionInput> {
    list.into_iter()
        .map(|a| ActionInput {
            description: a.description,
            owner_user_id: a.owner_user_id.map(|u| u.0),
            owner_name: a.owner_name,
            due_date: a.due_date,
        })
        .collect()
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
    if !rules::may_create(user.role) {
        return Err(AppError::Forbidden(format!(
            "the {} role may not start a fault analysis report",
            user.role
        )));
    }
    let b = body.0;
    let who = actor(&user, &state);
    let (ticket, author) = (b.ticket_id.0, b.author_id.map(|u| u.0));
    let out = run(&state, move |c, _| store::create(c, &who, ticket, author)).await?;
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

/// Fault analysis reports, newest first: every report for supervisors, the reports of their own
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
    let paging = Paging::new(q.limit, q.offset)?;
    let filter = Filter {
        ticket_id: q.ticket_id,
        customer_id: q.customer_id,
        status: q.status,
    };
    let v = viewer(&user);
    let out = run(&state, move |c, _| store::list(c, v, &filter, paging)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One fault analysis report; its `ETag` is its version. A report outside the caller's reach
/// (another customer's, for an account manager) is "not found".
#[utoipa::path(get, path = "/api/v1/fault-reports/{id}", tag = "fault reports", security(("bearer" = [])),
    params(("id" = i64, Path, description = "fault report id")),
    responses((status = 200, body = FaultReport), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (v, id) = (viewer(&user), id.into_inner());
    let out = run(&state, move |c, _| store::get(c, v, id)).await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &out))
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
    let b = body.0;
    let who = actor(&user, &state);
    let impact = match b.impact {
        Some(i) => Some(Impact::parse(
            &i.description,
            i.customers_affected,
            i.sites_affected,
            i.assets_affected,
            i.downtime_minutes,
        )?),
        None => None,
    };
    let timeline = match b.timeline {
        Some(t) => Some(rules::timeline(
            t.into_iter().map(|e| (e.at, e.text)).collect(),
            who.at,
        )?),
        None => None,
    };
    let edit = Edit {
        impact,
        timeline,
        root_cause: b.root_cause.as_deref().map(rules::root_cause).transpose()?,
        corrective: b.corrective_actions.map(action_inputs),
        preventive: b.preventive_actions.map(action_inputs),
        contact_ids: b.contact_ids.map(|ids| ids.into_iter().map(|c| c.0).collect()),
        author_id: b.author_id.map(|u| u.0),
    };
    let (v, id) = (viewer(&user), id.into_inner());
    let out = run(&state, move |c, _| store::update(c, &who, v, id, expected, edit)).await?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &out))
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
    let comments = rules::comments(body.comments.as_deref(), step == Step::Return)?;
    let (who, v, settings) = (actor(&user, &state), viewer(&user), mail_settings(&state));
    let out = run(&state, move |c, _| {
        store::review(c, &who, v, id, expected, step, comments, &settings)
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
    let b = body.0;
    let reason = validate::optional(b.reason.as_deref(), |r| {
        validate::multiline("reason", r, rules::COMMENTS_MAX)
    })?;
    let (who, v, id, author) = (
        actor(&user, &state),
        viewer(&user),
        id.into_inner(),
        b.author_id.map(|u| u.0),
    );
    let out = run(&state, move |c, _| store::revise(c, &who, v, id, author, reason)).await?;
    Ok(with_etag(actix_web::http::StatusCode::CREATED, &out))
}
