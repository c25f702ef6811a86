//! Dispatch: technicians' profiles and duty roster, visits made from on-site registrations, the
//! ranked candidates, assignment without double-booking, and the board.

use super::extract::{Json, Query};
use super::{etag, if_match, run, who, with_etag};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::{technicians, visit_changes, visit_photos, visits};
use crate::startup::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use fieldline_mobile_api::{
    BoardEntry, Candidates, DutyShift, NewDutyShift, NewVisit, Note, Page, Problem, PutTechnician, Technician, Visit,
    VisitAssignment, VisitCancellation, VisitPhoto, VisitReschedule,
};
use serde::Deserialize;

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
    let (q, who) = (q.0, who(&user, &state));
    let out = run(&state, move |c, _| {
        technicians::list(c, &who, q.skill, (q.limit, q.offset))
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
    let (id, who) = (id.into_inner(), who(&user, &state));
    let out = run(&state, move |c, _| technicians::get(c, &who, id)).await?;
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
    let (id, who) = (id.into_inner(), who(&user, &state));
    let out = run(&state, move |c, _| technicians::put_profile(c, &who, id, body.0)).await?;
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
    let (id, who, from) = (id.into_inner(), who(&user, &state), q.from);
    let out = run(&state, move |c, _| technicians::list_duty(c, &who, id, from)).await?;
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
    let (id, who) = (id.into_inner(), who(&user, &state));
    let out = run(&state, move |c, _| technicians::add_duty(c, &who, id, body.0)).await?;
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
    let who = who(&user, &state);
    let out = run(&state, move |c, _| visits::create(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct VisitQuery {
    /// The ticket whose visits to list.
    pub ticket_id: i64,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The visits of a ticket, newest first, with their technicians' names: for whoever may read the
/// ticket and visits (a technician, only the visits given to them).
#[utoipa::path(get, path = "/api/v1/visits", tag = "dispatch", security(("bearer" = [])), params(VisitQuery),
    responses((status = 200, body = Page<Visit>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_visits(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: Query<VisitQuery>,
) -> AppResult<HttpResponse> {
    let (q, who) = (q.0, who(&user, &state));
    let out = run(&state, move |c, _| {
        visits::of_ticket(c, &who, q.ticket_id, (q.limit, q.offset))
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One visit (office staff, or its technician); its `ETag` is the version.
#[utoipa::path(get, path = "/api/v1/visits/{id}", tag = "dispatch", security(("bearer" = [])),
    params(("id" = i64, Path, description = "visit id")),
    responses((status = 200, body = Visit, headers(("ETag" = String, description = "the visit's version"))), (status = 404, body = Problem)))]
pub async fn get_visit(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (id, who) = (id.into_inner(), who(&user, &state));
    let out = run(&state, move |c, _| visits::get(c, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(out.version)).json(out))
}

/// Moves a visit that has not started (not on site, not finished) to a new window agreed with
/// the customer: who agreed, when and how. A booked technician keeps it in the new window if
/// they are free then (409 `technician_booked` otherwise) and accepts it again, or is taken off
/// it with `release_technician`; they are told either way. With `If-Match`, an older version
/// gets 412 and the visit as it is now.
#[utoipa::path(post, path = "/api/v1/visits/{id}/reschedule", tag = "dispatch", security(("bearer" = [])),
    request_body = VisitReschedule,
    params(("id" = i64, Path, description = "visit id"), ("If-Match" = Option<String>, Header, description = "the visit's ETag; optional")),
    responses((status = 200, body = Visit, headers(("ETag" = String, description = "the visit's new version"))), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn reschedule(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<VisitReschedule>,
) -> AppResult<HttpResponse> {
    let (id, who, expected) = (id.into_inner(), who(&user, &state), if_match(&req)?);
    let out = run(&state, move |c, st| {
        visit_changes::reschedule(c, &who, id, expected, body.0, &st.settings)
    })
    .await?;
    Ok(with_etag(StatusCode::OK, out.version, &out))
}

/// Cancels a repair visit that has not started, with the reason: the technician is freed and
/// told, and the visit leaves their list. The on-site registration goes back to dispatch, or is
/// cancelled too with `cancel_registration`. With `If-Match`, an older version gets 412 and the
/// visit as it is now.
#[utoipa::path(post, path = "/api/v1/visits/{id}/cancel", tag = "dispatch", security(("bearer" = [])),
    request_body = VisitCancellation,
    params(("id" = i64, Path, description = "visit id"), ("If-Match" = Option<String>, Header, description = "the visit's ETag; optional")),
    responses((status = 200, body = Visit, headers(("ETag" = String, description = "the visit's new version"))), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn cancel(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<VisitCancellation>,
) -> AppResult<HttpResponse> {
    let (id, who, expected) = (id.into_inner(), who(&user, &state), if_match(&req)?);
    let out = run(&state, move |c, st| {
        visit_changes::cancel(c, &who, id, expected, body.0, &st.settings)
    })
    .await?;
    Ok(with_etag(StatusCode::OK, out.version, &out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CandidateQuery {
    /// The visit to rank technicians for.
    pub visit: i64,
    /// How many candidates (and excluded technicians) to list: 1-50, default 10.
    pub limit: Option<i64>,
}

/// Technicians who can take the visit, best first, with distance, ETA and the reasons; and those
/// who cannot, with why.
#[utoipa::path(get, path = "/api/v1/dispatch/candidates", tag = "dispatch", security(("bearer" = [])), params(CandidateQuery),
    responses((status = 200, body = Candidates), (status = 404, body = Problem)))]
pub async fn candidates(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: Query<CandidateQuery>,
) -> AppResult<HttpResponse> {
    let (visit, limit, who) = (q.visit, q.limit, who(&user, &state));
    let out = run(&state, move |c, _| visits::candidates(c, &who, visit, limit)).await?;
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
    let (id, who) = (id.into_inner(), who(&user, &state));
    let out = run(&state, move |c, st| visits::assign(c, &who, id, body.0, &st.settings)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Books the best-ranked candidate; 409 when nobody can take the visit.
#[utoipa::path(post, path = "/api/v1/visits/{id}/auto-assign", tag = "dispatch", security(("bearer" = [])),
    params(("id" = i64, Path, description = "visit id")),
    responses((status = 200, body = Visit), (status = 409, body = Problem)))]
pub async fn auto_assign(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (id, who) = (id.into_inner(), who(&user, &state));
    let out = run(&state, move |c, st| visits::auto_assign(c, &who, id, &st.settings)).await?;
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
    let (id, who) = (id.into_inner(), who(&user, &state));
    let out = run(&state, move |c, _| visits::unassign(c, &who, id, body.0)).await?;
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
    let (day, region, who) = (q.day, q.region_id, who(&user, &state));
    let out = run(&state, move |c, _| visits::board(c, &who, day, region)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The photos of a visit, oldest first, without their bytes (office staff, or the technician
/// holding the visit).
#[utoipa::path(get, path = "/api/v1/visits/{id}/photos", tag = "dispatch", security(("bearer" = [])),
    params(("id" = i64, Path, description = "visit id")),
    responses((status = 200, body = Vec<VisitPhoto>), (status = 404, body = Problem)))]
pub async fn list_photos(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (id, who) = (id.into_inner(), who(&user, &state));
    let out = run(&state, move |c, _| visit_photos::list(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// A photo of a visit: the image's bytes with its type (`image/jpeg` or `image/png`).
#[utoipa::path(get, path = "/api/v1/visits/{id}/photos/{photo_id}", tag = "dispatch", security(("bearer" = [])),
    params(("id" = i64, Path, description = "visit id"), ("photo_id" = i64, Path, description = "photo id")),
    responses((status = 200, description = "the image", content(("image/jpeg"), ("image/png"))), (status = 404, body = Problem)))]
pub async fn photo(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let ((id, photo), who) = (path.into_inner(), who(&user, &state));
    let (content_type, bytes) = run(&state, move |c, _| visit_photos::download(c, &who, id, photo)).await?;
    let extension = if content_type == "image/png" { "png" } else { "jpg" };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("inline; filename=\"visit-{id}-photo-{photo}.{extension}\""),
        ))
        .body(bytes))
}
