//! Service reports over the API: the weekly service summary (an ISO week), the monthly service
//! supervision report (a calendar month) and the same figures for a chosen run of days, as JSON
//! or CSV. Managers, supervisors and admins see every customer, or one account manager's; an
//! account manager sees their own customers only.

use super::extract::Query;
use super::{read, who};
use crate::auth::CurrentUser;
use crate::domain::cadence::IsoWeek;
use crate::domain::report::{self as rules, Period};
use crate::error::{AppError, AppResult};
use crate::service::reports as service;
use crate::startup::AppState;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use fieldline_mobile_api::{Problem, ReportKind, ServiceReport};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PeriodQuery {
    /// The first day (`YYYY-MM-DD`, business calendar's zone).
    pub from: Option<String>,
    /// The last day, included; a period is at most 366 days long.
    pub to: Option<String>,
    /// Only this account manager's customers (managers, supervisors, admins); an account
    /// manager always gets their own.
    pub account_manager_id: Option<i64>,
    /// `json` (the default) or `csv`; without it, `Accept: text/csv` asks for CSV.
    pub format: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct WeekQuery {
    /// The ISO week, e.g. `2026-W47`; default: the last complete week.
    pub week: Option<String>,
    pub account_manager_id: Option<i64>,
    /// `json` (the default) or `csv`.
    pub format: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MonthQuery {
    /// The month, e.g. `2026-11`; default: the last complete month.
    pub month: Option<String>,
    pub account_manager_id: Option<i64>,
    /// `json` (the default) or `csv`.
    pub format: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Csv,
}

/// `format=json|csv`, else the first of `text/csv` and `application/json` the Accept header names.
pub(crate) fn format(req: &HttpRequest, asked: Option<&str>) -> AppResult<Format> {
    match asked.map(|f| f.trim().to_ascii_lowercase()).as_deref() {
        Some("json") => return Ok(Format::Json),
        Some("csv") => return Ok(Format::Csv),
        Some(_) => return Err(AppError::validation("format", "must be `json` or `csv`")),
        None => {}
    }
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    for range in accept.split(',') {
        match range
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
            .as_str()
        {
            "text/csv" => return Ok(Format::Csv),
            "application/json" => return Ok(Format::Json),
            _ => {}
        }
    }
    Ok(Format::Json)
}

/// Builds the report (`period` None: the last complete one of `kind`) and answers in the format asked.
async fn respond(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    kind: ReportKind,
    period: Option<Period>,
    account_manager: Option<i64>,
    asked_format: Option<&str>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    if let Some(p) = &period {
        p.plausible(who.at.date_naive())?;
    }
    let scope = service::scope(&who, account_manager)?;
    let format = format(&req, asked_format)?;
    let report = read(&state, move |c, _| service::report(c, scope, kind, period, who.at)).await?;
    Ok(match format {
        Format::Json => HttpResponse::Ok().json(report),
        Format::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"service-report-{}.csv\"", report.period),
            ))
            .body(rules::csv(&report)),
    })
}

/// Service figures for a chosen run of days (`from` to `to`, both included, at most 366 days):
/// tickets received and closed by channel, customer tier and region; SLA clocks (met %, median,
/// 90th percentile); breaches; escalations per tier; first-contact resolution; major faults;
/// revisits and satisfaction; per technician and per agent. CSV: one row per figure,
/// `section,key,label,metric,value`. Managers, supervisors, account managers (their customers).
#[utoipa::path(get, path = "/api/v1/reports/service", tag = "reports", security(("bearer" = [])),
    params(PeriodQuery),
    responses((status = 200, description = "The report", content((ServiceReport = "application/json"), (String = "text/csv"))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn period(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    q: Query<PeriodQuery>,
) -> AppResult<HttpResponse> {
    let q = q.0;
    let p = Period::custom(q.from.as_deref(), q.to.as_deref())?;
    respond(
        state,
        user,
        req,
        ReportKind::Custom,
        Some(p),
        q.account_manager_id,
        q.format.as_deref(),
    )
    .await
}

/// The weekly service summary of an ISO week (default: the last complete one), Monday to Sunday
/// in the business calendar's zone. The same figures and formats as `/reports/service`.
#[utoipa::path(get, path = "/api/v1/reports/service/weekly", tag = "reports", security(("bearer" = [])),
    params(WeekQuery),
    responses((status = 200, description = "The report", content((ServiceReport = "application/json"), (String = "text/csv"))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn weekly(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    q: Query<WeekQuery>,
) -> AppResult<HttpResponse> {
    let q = q.0;
    let p = q
        .week
        .as_deref()
        .map(|w| IsoWeek::parse("week", w).map(Period::week))
        .transpose()?;
    respond(
        state,
        user,
        req,
        ReportKind::Weekly,
        p,
        q.account_manager_id,
        q.format.as_deref(),
    )
    .await
}

/// The monthly service supervision report of a calendar month (default: the last complete one).
/// The same figures and formats as `/reports/service`.
#[utoipa::path(get, path = "/api/v1/reports/service/monthly", tag = "reports", security(("bearer" = [])),
    params(MonthQuery),
    responses((status = 200, description = "The report", content((ServiceReport = "application/json"), (String = "text/csv"))),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn monthly(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    q: Query<MonthQuery>,
) -> AppResult<HttpResponse> {
    let q = q.0;
    let p = q
        .month
        .as_deref()
        .map(|m| Period::parse_month("month", m))
        .transpose()?;
    respond(
        state,
        user,
        req,
        ReportKind::Monthly,
        p,
        q.account_manager_id,
        q.format.as_deref(),
    )
    .await
}
