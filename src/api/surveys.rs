//! Satisfaction surveys: the customer's survey link (public: the signed token in the path is the
//! credential) with its small HTML page, and the staff's reading of the answers.

use super::extract::{Json, Query};
use super::static_files::StaticFile;
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::service::surveys::{self as service, ClosingMail, ListQuery};
use crate::startup::AppState;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use fieldline_mobile_api::{Page, Problem, Survey, SurveyAnswer, SurveyForm, SurveyReceipt, SurveySource};
use serde::Deserialize;

/// A signed survey token is a few hundred characters; anything far longer is not one.
const TOKEN_MAX_CHARS: usize = 2048;

/// What the closing e-mail needs from the state.
pub fn closing_mail<'a>(st: &'a AppState, id_domain: &'a str) -> ClosingMail<'a> {
    ClosingMail {
        keys: &st.keys,
        public_url: st.settings.public_url.trim_end_matches('/'),
        link_ttl: st.settings.surveys.link_ttl(),
        id_domain,
    }
}

fn token(path: web::Path<String>) -> AppResult<String> {
    let t = path.into_inner();
    if t.is_empty() || t.len() > TOKEN_MAX_CHARS {
        return Err(AppError::NotFound("no such survey link".into()));
    }
    Ok(t)
}

/// The survey behind a link: the ticket's number, title and closing time. No sign-in: the link
/// is the credential. 404 for a link that is not one of ours (tampered, cut short), 410
/// `link_expired`, 409 `link_used` once answered through it, 409 `survey_answered` once the
/// ticket's survey was answered on the revisit call.
#[utoipa::path(get, path = "/api/v1/surveys/{token}", tag = "surveys",
    params(("token" = String, Path, description = "the token from the survey link")),
    responses((status = 200, body = SurveyForm), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 410, body = Problem)))]
pub async fn form(state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    let (t, now) = (token(path)?, state.clock.now());
    let out = run(&state, move |c, st| service::form(c, &st.keys, &t, now)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Records the customer's answer through the link: `score` 1 to 5 and an optional `comment`
/// (201). The link then is used up. No sign-in; the same refusals as reading it.
#[utoipa::path(post, path = "/api/v1/surveys/{token}", tag = "surveys",
    params(("token" = String, Path, description = "the token from the survey link")), request_body = SurveyAnswer,
    responses((status = 201, body = SurveyReceipt), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 410, body = Problem), (status = 422, body = Problem)))]
pub async fn answer(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Json<SurveyAnswer>,
) -> AppResult<HttpResponse> {
    let (t, b, now) = (token(path)?, body.0, state.clock.now());
    let out = run(&state, move |c, st| service::answer_by_link(c, &st.keys, &t, &b, now)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// A ticket's survey answer (404 while there is none). Supervisors, managers and admins;
/// account managers for the customers they manage.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/survey", tag = "surveys", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, body = Survey), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn of_ticket(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::of_ticket(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SurveyQuery {
    /// Answered on or after this local day (`YYYY-MM-DD`, business calendar).
    pub from: Option<NaiveDate>,
    /// Answered on or before this local day.
    pub to: Option<NaiveDate>,
    /// Only this score (1 to 5).
    pub score: Option<i32>,
    /// Only this score or lower, e.g. 2 for the dissatisfied customers.
    pub max_score: Option<i32>,
    pub source: Option<SurveySource>,
    pub customer_id: Option<i64>,
    pub ticket_id: Option<i64>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Survey answers, the latest first. Supervisors, managers and admins; account managers see
/// those of the customers they manage.
#[utoipa::path(get, path = "/api/v1/surveys", tag = "surveys", security(("bearer" = [])), params(SurveyQuery),
    responses((status = 200, body = Page<Survey>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<SurveyQuery>) -> AppResult<HttpResponse> {
    let (q, who) = (q.0, who(&user, &state));
    let asked = ListQuery {
        from: q.from,
        to: q.to,
        score: q.score,
        max_score: q.max_score,
        source: q.source,
        customer_id: q.customer_id,
        ticket_id: q.ticket_id,
        limit: q.limit,
        offset: q.offset,
    };
    let out = run(&state, move |c, _| service::list(c, &who, &asked)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The survey page and its files: a small form that reads and answers the survey through the
/// API above. The token stays in the address; the page holds none.
const PAGE: StaticFile = StaticFile::html("survey.html", include_str!("survey.html"));
const SCRIPT: StaticFile = StaticFile::script("survey.js", include_str!("survey.js"));
const STYLE: StaticFile = StaticFile::style("survey.css", include_str!("survey.css"));

/// The page behind the link in the closing e-mail: its address carries the credential, so no
/// cache keeps it (the route adds the same default; the page's own `no-cache` would win).
pub async fn page(req: HttpRequest) -> HttpResponse {
    let mut out = PAGE.respond(&req);
    out.headers_mut()
        .insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    out
}

/// The page's script.
pub async fn script(req: HttpRequest) -> HttpResponse {
    SCRIPT.respond(&req)
}

/// The page's style sheet.
pub async fn style(req: HttpRequest) -> HttpResponse {
    STYLE.respond(&req)
}
