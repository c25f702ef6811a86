//! Quality review (质检) of handled tickets: the scorecard and the sample's size, the monthly
//! sample, the reviewers' queue, scoring, the agent's reviews and dispute, the second reviewer's
//! decision, and the monthly quality report (JSON or CSV) with its training plan.

use super::extract::{Json, Query};
use super::reports::{format, Format};
use super::{read, run, who};
use crate::auth::CurrentUser;
use crate::db::quality::ReviewFilter;
use crate::domain::quality as rules;
use crate::error::{AppError, AppResult};
use crate::service::quality as service;
use crate::service::quality_report as reports;
use crate::startup::AppState;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use fieldline_mobile_api::{
    DecideDispute, DisputeReview, DrawSample, NewTrainingEntry, Page, Problem, QualityCriterion, QualityCriterionInput,
    QualityReport, QualityReview, QualityReviewDetail, QualityReviewStatus, QualitySettings, SampleDrawn, ScoreReview,
    SetQualitySettings, TrainingEntry,
};
use serde::Deserialize;

/// The scorecard's criteria in order, inactive ones too (office staff).
#[utoipa::path(get, path = "/api/v1/quality/criteria", tag = "quality", security(("bearer" = [])),
    responses((status = 200, body = Vec<QualityCriterion>), (status = 403, body = Problem)))]
pub async fn list_criteria(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::criteria(c, &who)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Adds a criterion to the scorecard (admin); names are unique (409 `duplicate`).
#[utoipa::path(post, path = "/api/v1/quality/criteria", tag = "quality", security(("bearer" = [])),
    request_body = QualityCriterionInput,
    responses((status = 201, body = QualityCriterion), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_criterion(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<QualityCriterionInput>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::create_criterion(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Replaces a criterion (admin): name, description, weight, place, active. Past reviews keep
/// what they were scored with; at least one criterion stays active.
#[utoipa::path(put, path = "/api/v1/quality/criteria/{id}", tag = "quality", security(("bearer" = [])),
    params(("id" = i64, Path, description = "criterion id")), request_body = QualityCriterionInput,
    responses((status = 200, body = QualityCriterion), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn replace_criterion(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<QualityCriterionInput>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::replace_criterion(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The sample's size: handled tickets drawn per agent per month (office staff).
#[utoipa::path(get, path = "/api/v1/quality/settings", tag = "quality", security(("bearer" = [])),
    responses((status = 200, body = QualitySettings), (status = 403, body = Problem)))]
pub async fn get_settings(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::settings(c, &who)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Sets the sample's size, 1 to 20 per agent per month (admin).
#[utoipa::path(put, path = "/api/v1/quality/settings", tag = "quality", security(("bearer" = [])),
    request_body = SetQualitySettings,
    responses((status = 200, body = QualitySettings), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn put_settings(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<SetQualitySettings>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::set_settings(c, &who, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Draws a month's sample now (reviewers, admins): for each agent, tickets handled in the month
/// and never sampled, up to the sample's size, in a reproducible order. Drawing a month again
/// adds only what is missing (nothing, when the tickets are the same).
#[utoipa::path(post, path = "/api/v1/quality/samples", tag = "quality", security(("bearer" = [])),
    request_body = DrawSample,
    responses((status = 200, body = SampleDrawn), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn draw(state: web::Data<AppState>, user: CurrentUser, body: Json<DrawSample>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::draw(c, &who, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ReviewQuery {
    /// `YYYY-MM`.
    pub month: Option<String>,
    /// `queued`, `reviewed`, `disputed` or `decided`.
    pub status: Option<String>,
    pub agent_id: Option<i64>,
    pub team_id: Option<i64>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The reviewers' queue and the reviews (reviewers): the latest month first, then as sampled.
#[utoipa::path(get, path = "/api/v1/quality/reviews", tag = "quality", security(("bearer" = [])),
    params(ReviewQuery),
    responses((status = 200, body = Page<QualityReview>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<ReviewQuery>) -> AppResult<HttpResponse> {
    let q = q.0;
    let status =
        match q.status.as_deref() {
            None | Some("") => None,
            Some(s) => Some(QualityReviewStatus::parse(s).ok_or_else(|| {
                AppError::validation("status", "must be `queued`, `reviewed`, `disputed` or `decided`")
            })?),
        };
    let f = ReviewFilter {
        month: q.month.filter(|m| !m.is_empty()),
        status,
        agent: q.agent_id,
        team: q.team_id,
        scored_only: false,
    };
    let (page, who) = ((q.limit, q.offset), who(&user, &state));
    let out = run(&state, move |c, _| service::list(c, &who, f, page)).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MineQuery {
    /// `YYYY-MM`.
    pub month: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The caller's own reviews, once scored.
#[utoipa::path(get, path = "/api/v1/quality/reviews/mine", tag = "quality", security(("bearer" = [])),
    params(MineQuery),
    responses((status = 200, body = Page<QualityReview>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn mine(state: web::Data<AppState>, user: CurrentUser, q: Query<MineQuery>) -> AppResult<HttpResponse> {
    let q = q.0;
    let (page, who, month) = (
        (q.limit, q.offset),
        who(&user, &state),
        q.month.filter(|m| !m.is_empty()),
    );
    let out = run(&state, move |c, _| service::mine(c, &who, month, page)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// A review with the handled ticket it reads (registration, timeline, outcome) and the
/// scorecard: reviewers, and the review's agent once it is scored.
#[utoipa::path(get, path = "/api/v1/quality/reviews/{id}", tag = "quality", security(("bearer" = [])),
    params(("id" = i64, Path, description = "review id")),
    responses((status = 200, body = QualityReviewDetail), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::get(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Scores a queued review: every active criterion once, 0 to 5, with the faults to correct; the
/// weighted total is worked out. Not one's own ticket (403); scored already: 409.
#[utoipa::path(post, path = "/api/v1/quality/reviews/{id}/score", tag = "quality", security(("bearer" = [])),
    params(("id" = i64, Path, description = "review id")), request_body = ScoreReview,
    responses((status = 200, body = QualityReview), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn score(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<ScoreReview>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::score(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The agent disputes a scored review, once, with a reason (409 a second time).
#[utoipa::path(post, path = "/api/v1/quality/reviews/{id}/dispute", tag = "quality", security(("bearer" = [])),
    params(("id" = i64, Path, description = "review id")), request_body = DisputeReview,
    responses((status = 200, body = QualityReview), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn dispute(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<DisputeReview>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::dispute(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// A second reviewer (not the first, not the agent: 403) decides a disputed review once:
/// `upheld`, or `changed` with the scorecard scored again. Final (409 a second time).
#[utoipa::path(post, path = "/api/v1/quality/reviews/{id}/decide", tag = "quality", security(("bearer" = [])),
    params(("id" = i64, Path, description = "review id")), request_body = DecideDispute,
    responses((status = 200, body = QualityReview), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<DecideDispute>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::decide(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Writes a training plan entry of a month's quality report, for an agent or a team (reviewers).
#[utoipa::path(post, path = "/api/v1/quality/training", tag = "quality", security(("bearer" = [])),
    request_body = NewTrainingEntry,
    responses((status = 201, body = TrainingEntry), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn add_training(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<NewTrainingEntry>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| reports::add_training(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ReportQuery {
    /// `YYYY-MM`.
    pub month: String,
    /// `json` (the default) or `csv`; without it, `Accept: text/csv` asks for CSV.
    pub format: Option<String>,
}

/// The monthly quality report: per agent and per team the month's scores, the trend over six
/// months, the most common faults; and the month's training plan. CSV: one row per figure,
/// `section,key,label,metric,value`. Reviewers, supervisors, managers.
#[utoipa::path(get, path = "/api/v1/quality/report", tag = "quality", security(("bearer" = [])),
    params(ReportQuery),
    responses((status = 200, description = "The report", content((QualityReport = "application/json"), (String = "text/csv"))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn report(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    q: Query<ReportQuery>,
) -> AppResult<HttpResponse> {
    let q = q.0;
    let format = format(&req, q.format.as_deref())?;
    let who = who(&user, &state);
    let out = read(&state, move |c, _| reports::report(c, &who, &q.month)).await?;
    Ok(match format {
        Format::Json => HttpResponse::Ok().json(out),
        Format::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"quality-report-{}.csv\"", out.month),
            ))
            .body(rules::report_csv(&out)),
    })
}
