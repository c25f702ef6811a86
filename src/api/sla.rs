//! SLA policies, the business calendar and its holidays (admins change them; staff read them).

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::sla as service;
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{
    BusinessCalendar, Holiday, NewHoliday, NewSlaPolicy, Problem, SlaPolicy, Tier, UpdateSlaPolicy,
};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PolicyQuery {
    pub customer_tier: Option<Tier>,
}

/// Every policy: request kind x customer tier x priority x region class, each part null for
/// any (`customer_tier`: the rows naming that tier).
#[utoipa::path(get, path = "/api/v1/sla/policies", tag = "sla", security(("bearer" = [])), params(PolicyQuery),
    responses((status = 200, body = Vec<SlaPolicy>), (status = 403, body = Problem)))]
pub async fn list_policies(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: Query<PolicyQuery>,
) -> AppResult<HttpResponse> {
    let (who, tier) = (who(&user, &state), q.customer_tier);
    let out = run(&state, move |c, _| service::list_policies(c, &who, tier)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Adds a policy row (admin): an override for a request kind, or for any part of the key left
/// open (null: any). A ticket takes the most specific row that matches it: one naming its kind
/// first, then its customer tier, its priority, its region class. Tickets registered afterwards
/// use it.
#[utoipa::path(post, path = "/api/v1/sla/policies", tag = "sla", security(("bearer" = [])), request_body = NewSlaPolicy,
    responses((status = 201, body = SlaPolicy), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_policy(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<NewSlaPolicy>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::create_policy(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Changes a policy's targets (admin). Tickets registered afterwards use them.
#[utoipa::path(patch, path = "/api/v1/sla/policies/{id}", tag = "sla", security(("bearer" = [])),
    params(("id" = i64, Path, description = "policy id")), request_body = UpdateSlaPolicy,
    responses((status = 200, body = SlaPolicy), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_policy(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<UpdateSlaPolicy>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::update_policy(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The business calendar: time zone and weekly hours.
#[utoipa::path(get, path = "/api/v1/calendar", tag = "sla", security(("bearer" = [])),
    responses((status = 200, body = BusinessCalendar)))]
pub async fn get_calendar(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::calendar(c, &who)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Replaces the calendar (admin). Due times already set are kept; new clocks use it.
#[utoipa::path(put, path = "/api/v1/calendar", tag = "sla", security(("bearer" = [])), request_body = BusinessCalendar,
    responses((status = 200, body = BusinessCalendar), (status = 422, body = Problem)))]
pub async fn put_calendar(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<BusinessCalendar>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::replace_calendar(c, &who, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct HolidayQuery {
    pub year: Option<i32>,
}

/// Holidays and make-up working days.
#[utoipa::path(get, path = "/api/v1/calendar/holidays", tag = "sla", security(("bearer" = [])), params(HolidayQuery),
    responses((status = 200, body = Vec<Holiday>)))]
pub async fn list_holidays(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: Query<HolidayQuery>,
) -> AppResult<HttpResponse> {
    let (who, year) = (who(&user, &state), q.year);
    let out = run(&state, move |c, _| service::holidays(c, &who, year)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Adds a holiday or a make-up working day (admin).
#[utoipa::path(post, path = "/api/v1/calendar/holidays", tag = "sla", security(("bearer" = [])), request_body = NewHoliday,
    responses((status = 201, body = Holiday), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_holiday(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<NewHoliday>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::add_holiday(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Removes a holiday (admin).
#[utoipa::path(delete, path = "/api/v1/calendar/holidays/{id}", tag = "sla", security(("bearer" = [])),
    params(("id" = i64, Path, description = "holiday id")),
    responses((status = 204, description = "removed"), (status = 404, body = Problem)))]
pub async fn delete_holiday(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    run(&state, move |c, _| service::delete_holiday(c, &who, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
