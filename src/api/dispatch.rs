//! Dispatch: technicians' profiles and duty roster, visits made from on-site registrations, the
//! ranked candidates, assignment without double-booking, and the board.

use super::extract::{Json, Query};
use super::{actor, run};
use crate::auth::{CurrentUser, OFFICE_ROLES};
use crate::db::dispatch::{self as store, TechnicianFields};
use crate::db::Paging;
use crate::domain::dispatch::Params;
use crate::domain::geo::Location;
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use fieldline_mobile_api::{
    BoardEntry, Candidates, DutyShift, NewDutyShift, NewVisit, Note, Page, Problem, PutTechnician, Role, Technician,
    Visit, VisitAssignment,
};
use serde::Deserialize;

/// Who dispatches: dispatchers and supervisors (and admins).
const DISPATCHERS: &[Role] = &[Role::Dispatcher, Role::Supervisor];

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct TechnicianQuery {
    /// Only technicians with this skill.
    pub skill: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Technicians with their skills, hours and last known position.
#[utoipa::path(get, path = "/api/v1/technicians", tag = "dispatch", security(("bearer" = [])), params(TechnicianQuery),
    responses((status = 200, body = Page<Technician>), (status = 403, body = Problem)))]
pub async fn list_technicians(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: Query<TechnicianQuery>,
) -> AppResult<HttpResponse> {
    user.require(OFFICE_ROLES)?;
    let q = q.0;
    let paging = Paging::new(q.limit, q.offset)?;
    let out = run(&state, move |c, _| {
        store::list_technicians(c, q.skill.as_deref(), paging)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One technician's profile (office staff, or the technician themself).
#[utoipa::path(get, path = "/api/v1/technicians/{id}", tag = "dispatch", security(("bearer" = [])),
    params(("id" = i64, Path, description = "the technician's user id")),
    responses((status = 200, body = Technician), (status = 404, body = Problem)))]
pub async fn get_technician(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    if user.id.0 != id {
        user.require(OFFICE_ROLES)?;
    }
    let out = run(&state, move |c, _| store::get_technician(c, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Creates or replaces a technician's profile: home base, hours, capacity, regions, skills.
#[utoipa::path(put, path = "/api/v1/technicians/{id}", tag = "dispatch", security(("bearer" = [])),
    params(("id" = i64, Path, description = "the technician's user id")), request_body = PutTechnician,
    responses((status = 200, body = Technician), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_technician(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<PutTechnician>,
) -> AppResult<HttpResponse> {
    user.require(DISPATCHERS)?;
    let b = body.0;
    let home = Location::parse(b.home_latitude, b.home_longitude)
        .map_err(|e| AppError::validation(format!("home_{}", e.field), e.reason))?;
    let fields = TechnicianFields {
        home,
        daily_capacity: b.daily_capacity,
        week: b.week,
        regions: b.regions.into_iter().map(|r| r.0).collect(),
        skills: b.skills,
    };
    let who = actor(&user, &state);
    let id = id.into_inner();
    let out = run(&state, move |c, _| store::put_technician(c, &who, id, fields)).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DutyQuery {
    /// Shifts ending after this moment; default now.
    pub from: Option<DateTime<Utc>>,
}

/// A technician's on-duty shifts.
#[utoipa::path(get, path = "/api/v1/technicians/{id}/duty", tag = "dispatch", security(("bearer" = [])),
    params(("id" = i64, Path, description = "the technician's user id"), DutyQuery),
    responses((status = 200, body = Vec<DutyShift>), (status = 404, body = Problem)))]
pub async fn list_duty(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    q: Query<DutyQuery>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    if user.id.0 != id {
        user.require(OFFICE_ROLES)?;
    }
    let from = q.from.unwrap_or_else(|| state.clock.now());
    let out = run(&state, move |c, _| store::list_duty(c, id, from)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Puts a technician on the duty roster (nights, weekends, holidays).
#[utoipa::path(post, path = "/api/v1/technicians/{id}/duty", tag = "dispatch", security(("bearer" = [])),
    params(("id" = i64, Path, description = "the technician's user id")), request_body = NewDutyShift,
    responses((status = 201, body = DutyShift), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_duty(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<NewDutyShift>,
) -> AppResult<HttpResponse> {
    user.require(DISPATCHERS)?;
    let b = body.0;
    let note = validate::optional(b.note.as_deref(), |v| validate::text("note", v, 500))?;
    let who = actor(&user, &state);
    let id = id.into_inner();
    let out = run(&state, move |c, _| {
        store::add_duty(c, &who, id, b.starts_at, b.ends_at, note)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// Turns an open on-site registration into a visit in the window agreed with the customer.
#[utoipa::path(post, path = "/api/v1/visits", tag = "dispatch", security(("bearer" = [])), request_body = NewVisit,
    responses((status = 201, body = Visit), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_visit(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<NewVisit>,
) -> AppResult<HttpResponse> {
    user.require(DISPATCHERS)?;
    let b = body.0;
    let skill = validate::optional(b.required_skill.as_deref(), |v| validate::text("required_skill", v, 50))?;
    let level = b.required_level.unwrap_or(1);
    let who = actor(&user, &state);
    let out = run(&state, move |c, _| {
        store::create_visit(c, &who, b.onsite_request_id.0, skill, level)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// One visit (office staff, or its technician).
#[utoipa::path(get, path = "/api/v1/visits/{id}", tag = "dispatch", security(("bearer" = [])),
    params(("id" = i64, Path, description = "visit id")),
    responses((status = 200, body = Visit), (status = 404, body = Problem)))]
pub async fn get_visit(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let out = run(&state, move |c, _| store::get_visit(c, id)?.to_wire()).await?;
    if user.is(Role::Technician) {
        if out.technician_id != Some(user.id) {
            return Err(AppError::not_found("visit", id));
        }
    } else {
        user.require(OFFICE_ROLES)?;
    }
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CandidateQuery {
    /// The visit to rank technicians for.
    pub visit: i64,
    /// How many candidates (and excluded technicians) to list: 1-50, default 10.
    pub limit: Option<i64>,
}

/// Candidates listed unless the request asks for another number.
const CANDIDATES: i64 = 10;

/// Technicians who can take the visit, best first, with distance, ETA and the reasons; and those
/// who cannot, with why.
#[utoipa::path(get, path = "/api/v1/dispatch/candidates", tag = "dispatch", security(("bearer" = [])), params(CandidateQuery),
    responses((status = 200, body = Candidates), (status = 404, body = Problem)))]
pub async fn candidates(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: Query<CandidateQuery>,
) -> AppResult<HttpResponse> {
    user.require(DISPATCHERS)?;
    let visit = q.visit;
    let limit = q.limit.unwrap_or(CANDIDATES);
    if !(1..=50).contains(&limit) {
        return Err(AppError::validation("limit", "must be between 1 and 50"));
    }
    let out = run(&state, move |c, st| {
        store::candidates(c, visit, st.clock.now(), Params::default(), limit as usize)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Books a technician for the visit (or moves it to another); 409 when they are already booked
/// in that window.
#[utoipa::path(post, path = "/api/v1/visits/{id}/assign", tag = "dispatch", security(("bearer" = [])),
    params(("id" = i64, Path, description = "visit id")), request_body = VisitAssignment,
    responses((status = 200, body = Visit), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn assign(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<VisitAssignment>,
) -> AppResult<HttpResponse> {
    user.require(DISPATCHERS)?;
    let b = body.0;
    let reason = validate::optional(b.reason.as_deref(), |v| validate::text("reason", v, 2000))?;
    let who = actor(&user, &state);
    let id = id.into_inner();
    let out = run(&state, move |c, _| {
        store::assign(c, &who, id, b.technician_id.0, reason)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Books the best-ranked candidate; 409 when nobody can take the visit.
#[utoipa::path(post, path = "/api/v1/visits/{id}/auto-assign", tag = "dispatch", security(("bearer" = [])),
    params(("id" = i64, Path, description = "visit id")),
    responses((status = 200, body = Visit), (status = 409, body = Problem)))]
pub async fn auto_assign(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    user.require(DISPATCHERS)?;
    let who = actor(&user, &state);
    let id = id.into_inner();
    let out = run(&state, move |c, st| {
        // The best may have been booked by someone else a moment ago: try the next ones.
        let ranked = store::candidates(c, id, st.clock.now(), Params::default(), 5)?;
        for cand in &ranked.candidates {
            let reason = format!("auto-assigned: {}", cand.reasons.join("; "));
            match store::assign(c, &who, id, cand.technician_id.0, Some(reason)) {
                Err(AppError::Conflict(_)) => continue,
                other => return other,
            }
        }
        let why: Vec<String> = ranked
            .excluded
            .iter()
            .map(|e| format!("{}: {}", e.display_name, e.reason))
            .collect();
        Err(AppError::Conflict(format!(
            "no technician can take the visit ({})",
            why.join("; ")
        )))
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Takes the technician off the visit; it goes back to the queue.
#[utoipa::path(post, path = "/api/v1/visits/{id}/unassign", tag = "dispatch", security(("bearer" = [])),
    params(("id" = i64, Path, description = "visit id")), request_body = Note,
    responses((status = 200, body = Visit), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn unassign(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<Note>,
) -> AppResult<HttpResponse> {
    user.require(DISPATCHERS)?;
    let reason = validate::text("reason", body.reason.as_deref().unwrap_or(""), 2000)?;
    let who = actor(&user, &state);
    let id = id.into_inner();
    let out = run(&state, move |c, _| store::unassign(c, &who, id, reason)).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct BoardQuery {
    /// The local day (business calendar's zone); default today.
    pub day: Option<NaiveDate>,
    pub region_id: Option<i64>,
}

/// The open visits of a day: unassigned first, then by window, each with its SLA due time.
#[utoipa::path(get, path = "/api/v1/dispatch/board", tag = "dispatch", security(("bearer" = [])), params(BoardQuery),
    responses((status = 200, body = Vec<BoardEntry>)))]
pub async fn board(state: web::Data<AppState>, user: CurrentUser, q: Query<BoardQuery>) -> AppResult<HttpResponse> {
    user.require(OFFICE_ROLES)?;
    let (day, region) = (q.day, q.region_id);
    let out = run(&state, move |c, st| {
        let day = match day {
            Some(d) => d,
            None => crate::db::sla::calendar(c)?.local_date(st.clock.now()),
        };
        store::board(c, day, region)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
