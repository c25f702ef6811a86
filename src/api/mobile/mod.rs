//! The technician's phone: endpoints that act for the signed-in technician only.
//!
//! The phone works over a flaky network, so every POST carries an `Idempotency-Key`: a request
//! sent again gets the first answer back and changes nothing (the same key with a different body
//! is refused). Visit updates carry `If-Match` with the version from the visit's `ETag`; an older
//! version gets 412 with the visit as it is now.

use super::extract::{from_value, Json, Query};
use super::{etag, if_match, run};
use crate::auth::CurrentUser;
use crate::db::inspections::{self, FindingOn};
use crate::db::ping_writer::PingRequest;
use crate::db::{dispatch as store, idempotency, write, Paging};
use crate::domain::geo::Location;
use crate::domain::inspection::Finding;
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use chrono::Duration;
use fieldline_mobile_api::{
    CheckInRequest, CompleteRequest, DeclineRequest, FailRequest, InspectionFinding, LocationPing, NewFinding, Page,
    PingBatch, PingReceipt, Problem, Role, Visit, VisitDetail, VisitStatus,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The most positions one request may carry.
pub const MAX_PINGS: usize = 100;
/// The largest signature image accepted.
pub const MAX_SIGNATURE_BYTES: usize = 256 * 1024;

fn technician(user: &CurrentUser) -> AppResult<i64> {
    if user.is(Role::Technician) {
        Ok(user.id.0)
    } else {
        Err(AppError::Forbidden("the mobile API is for technicians".into()))
    }
}

fn idempotency_key(req: &HttpRequest) -> AppResult<String> {
    let key = req
        .headers()
        .get("Idempotency-Key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or("");
    if key.is_empty() || key.len() > 200 {
        return Err(AppError::validation(
            "Idempotency-Key",
            "every POST from the phone needs a key of 1 to 200 characters",
        ));
    }
    Ok(key.to_string())
}

fn request_hash(req: &HttpRequest, body: &serde_json::Value) -> String {
    let digest = Sha256::digest(format!("{} {}\n{}", req.method(), req.path(), body).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Answers with the stored response of an earlier identical request, or runs `work` and stores
/// its response in the same transaction.
async fn once<F>(state: &web::Data<AppState>, user: i64, key: String, hash: String, work: F) -> AppResult<(u16, String)>
where
    F: FnOnce(&mut crate::db::DbConn, &AppState) -> AppResult<String> + Send + 'static,
{
    run(state, move |c, st| {
        if let Some(stored) = idempotency::lookup(c, user, &key, &hash)? {
            return Ok(stored);
        }
        let now = st.clock.now();
        let res = write(c, |c| {
            idempotency::answer_once(c, user, &key, &hash, now, |c| work(c, st))
        });
        match res {
            // The same request, sent twice at once: the other one stored its answer first.
            Err(AppError::Duplicate { .. }) => {
                idempotency::lookup(c, user, &key, &hash)?.ok_or_else(|| AppError::Conflict("try again".into()))
            }
            other => other,
        }
    })
    .await
}

fn json_response(status: u16, body: String) -> HttpResponse {
    let mut resp =
        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::OK));
    resp.content_type("application/json");
    if let Some(v) = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["version"].as_i64())
    {
        resp.insert_header(etag(v as i32));
    }
    resp.body(body)
}

/// Stores a batch of the phone's positions (1-100). Each is checked: a position on the earth, an
/// accuracy of 0-10,000 m, a time not in the future and not older than seven days.
#[utoipa::path(post, path = "/api/v1/mobile/pings", tag = "mobile", security(("bearer" = [])), request_body = PingBatch,
    params(("Idempotency-Key" = String, Header, description = "unique per request")),
    responses((status = 200, body = PingReceipt), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn pings(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    let me = technician(&user)?;
    let key = idempotency_key(&req)?;
    let hash = request_hash(&req, &body.0);
    let batch: Vec<LocationPing> = from_value::<PingBatch>(body.0)?.pings;
    if batch.is_empty() || batch.len() > MAX_PINGS {
        return Err(AppError::validation(
            "pings",
            format!("send 1 to {MAX_PINGS} positions"),
        ));
    }
    let now = state.clock.now();
    for (i, p) in batch.iter().enumerate() {
        Location::parse(p.latitude, p.longitude)
            .map_err(|e| AppError::validation(format!("pings[{i}].{}", e.field), e.reason))?;
        if !(0.0..=10_000.0).contains(&p.accuracy_m) {
            return Err(AppError::validation(
                format!("pings[{i}].accuracy_m"),
                "must be between 0 and 10000",
            ));
        }
        if p.at > now + Duration::minutes(5) {
            return Err(AppError::validation(
                format!("pings[{i}].at"),
                "must not be in the future",
            ));
        }
        if p.at < now - Duration::days(7) {
            return Err(AppError::validation(
                format!("pings[{i}].at"),
                "is older than seven days",
            ));
        }
    }
    let (status, out) = state
        .pings
        .store(PingRequest {
            user: me,
            idempotency_key: key,
            request_hash: hash,
            pings: batch,
            now,
        })
        .await?;
    Ok(json_response(status, out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MyVisitsQuery {
    pub status: Option<VisitStatus>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// My visits, soonest first.
#[utoipa::path(get, path = "/api/v1/mobile/visits", tag = "mobile", security(("bearer" = [])), params(MyVisitsQuery),
    responses((status = 200, body = Page<Visit>), (status = 403, body = Problem)))]
pub async fn my_visits(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: Query<MyVisitsQuery>,
) -> AppResult<HttpResponse> {
    let me = technician(&user)?;
    let paging = Paging::new(q.limit, q.offset)?;
    let status = q.status;
    let out = run(&state, move |c, _| store::technician_visits(c, me, status, paging)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One of my visits with the ticket, site, contact and asset details; its `ETag` is the version.
#[utoipa::path(get, path = "/api/v1/mobile/visits/{id}", tag = "mobile", security(("bearer" = [])),
    params(("id" = i64, Path, description = "visit id")),
    responses((status = 200, body = VisitDetail), (status = 404, body = Problem)))]
pub async fn my_visit(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let me = technician(&user)?;
    let id = id.into_inner();
    let out = run(&state, move |c, _| store::visit_detail(c, me, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(out.visit.version)).json(out))
}

async fn step(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: i64,
    body: serde_json::Value,
    make: fn(serde_json::Value) -> AppResult<store::StepData>,
) -> AppResult<HttpResponse> {
    let me = technician(&user)?;
    let key = idempotency_key(&req)?;
    let hash = request_hash(&req, &body);
    let expected = if_match(&req)?;
    let who = super::actor(&user, &state);
    let (status, out) = once(&state, me, key, hash, move |c, st| {
        let expected = expected.ok_or(AppError::PreconditionRequired)?;
        let data = make(body)?;
        let v = store::visit_step(c, &who, me, id, expected, data, &st.settings)?;
        serde_json::to_string(&v).map_err(AppError::internal)
    })
    .await?;
    Ok(json_response(status, out))
}

/// Accepts an assigned visit.
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/accept", tag = "mobile", security(("bearer" = [])),
    params(("id" = i64, Path, description = "visit id"), ("Idempotency-Key" = String, Header, description = "unique per request"), ("If-Match" = String, Header, description = "the visit's ETag")),
    responses((status = 200, body = Visit), (status = 409, body = Problem), (status = 412, body = Problem), (status = 428, body = Problem)))]
pub async fn accept(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    step(state, user, req, id.into_inner(), body.0, |_| {
        Ok(store::StepData::Accept)
    })
    .await
}

/// Declines an assigned visit with a reason; it returns to dispatch.
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/decline", tag = "mobile", security(("bearer" = [])), request_body = DeclineRequest,
    params(("id" = i64, Path, description = "visit id"), ("Idempotency-Key" = String, Header, description = "unique per request"), ("If-Match" = String, Header, description = "the visit's ETag")),
    responses((status = 200, body = Visit), (status = 409, body = Problem), (status = 412, body = Problem)))]
pub async fn decline(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    step(state, user, req, id.into_inner(), body.0, |v| {
        let b: DeclineRequest = from_value(v)?;
        Ok(store::StepData::Decline {
            reason: validate::text("reason", &b.reason, 2000)?,
        })
    })
    .await
}

/// Sets off for the site.
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/en-route", tag = "mobile", security(("bearer" = [])),
    params(("id" = i64, Path, description = "visit id"), ("Idempotency-Key" = String, Header, description = "unique per request"), ("If-Match" = String, Header, description = "the visit's ETag")),
    responses((status = 200, body = Visit), (status = 409, body = Problem), (status = 412, body = Problem)))]
pub async fn en_route(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    step(state, user, req, id.into_inner(), body.0, |_| {
        Ok(store::StepData::EnRoute)
    })
    .await
}

/// Checks in on site with the phone's position; farther than the radius needs a reason.
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/check-in", tag = "mobile", security(("bearer" = [])), request_body = CheckInRequest,
    params(("id" = i64, Path, description = "visit id"), ("Idempotency-Key" = String, Header, description = "unique per request"), ("If-Match" = String, Header, description = "the visit's ETag")),
    responses((status = 200, body = Visit), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn check_in(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    step(state, user, req, id.into_inner(), body.0, |v| {
        let b: CheckInRequest = from_value(v)?;
        Ok(store::StepData::CheckIn {
            at: Location::parse(b.latitude, b.longitude)?,
            reason: validate::optional(b.reason.as_deref(), |r| validate::text("reason", r, 2000))?,
        })
    })
    .await
}

/// Completes the visit: work notes, parts, time spent, the quote when out of warranty, and the
/// customer's sign-off (name and PNG signature).
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/complete", tag = "mobile", security(("bearer" = [])), request_body = CompleteRequest,
    params(("id" = i64, Path, description = "visit id"), ("Idempotency-Key" = String, Header, description = "unique per request"), ("If-Match" = String, Header, description = "the visit's ETag")),
    responses((status = 200, body = Visit), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn complete(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    step(state, user, req, id.into_inner(), body.0, |v| {
        let b: CompleteRequest = from_value(v)?;
        if !(1..=1440).contains(&b.time_spent_minutes) {
            return Err(AppError::validation("time_spent_minutes", "must be between 1 and 1440"));
        }
        if b.quote_amount.is_some_and(|q| !(0.0..=10_000_000.0).contains(&q)) {
            return Err(AppError::validation("quote_amount", "must be between 0 and 10,000,000"));
        }
        for (i, p) in b.parts.iter().enumerate() {
            validate::text(&format!("parts[{i}].part_number"), &p.part_number, 64)?;
            if !(1..=1000).contains(&p.quantity) {
                return Err(AppError::validation(
                    format!("parts[{i}].quantity"),
                    "must be between 1 and 1000",
                ));
            }
        }
        let png = base64::engine::general_purpose::STANDARD
            .decode(b.signature_png_base64.trim())
            .map_err(|_| AppError::validation("signature_png_base64", "is not base64"))?;
        if png.len() > MAX_SIGNATURE_BYTES {
            return Err(AppError::validation(
                "signature_png_base64",
                format!("the image is larger than {MAX_SIGNATURE_BYTES} bytes"),
            ));
        }
        if !crate::domain::visit::is_png(&png) {
            return Err(AppError::validation("signature_png_base64", "is not a PNG image"));
        }
        Ok(store::StepData::Complete {
            work_notes: validate::text("work_notes", &b.work_notes, 10_000)?,
            parts: b.parts,
            time_spent_minutes: b.time_spent_minutes,
            quote_amount: b.quote_amount,
            signoff_name: validate::text("signoff_name", &b.signoff_name, 200)?,
            signature_png: png,
        })
    })
    .await
}

/// The job could not be finished: failed, or another visit is needed (the on-site registration
/// goes back to dispatch).
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/fail", tag = "mobile", security(("bearer" = [])), request_body = FailRequest,
    params(("id" = i64, Path, description = "visit id"), ("Idempotency-Key" = String, Header, description = "unique per request"), ("If-Match" = String, Header, description = "the visit's ETag")),
    responses((status = 200, body = Visit), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn fail(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    step(state, user, req, id.into_inner(), body.0, |v| {
        let b: FailRequest = from_value(v)?;
        Ok(store::StepData::Fail {
            reason: validate::text("reason", &b.reason, 2000)?,
            needs_revisit: b.needs_revisit,
        })
    })
    .await
}

/// Reports a problem found on my inspection visit (on site, or once it has ended): it becomes a
/// ticket (channel `inspection`, on the normal ladder) linked to the visit, owned by the staff
/// member who set up the plan.
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/findings", tag = "mobile", security(("bearer" = [])), request_body = NewFinding,
    params(("id" = i64, Path, description = "visit id"), ("Idempotency-Key" = String, Header, description = "unique per request")),
    responses((status = 200, body = InspectionFinding), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn finding(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    let me = technician(&user)?;
    let key = idempotency_key(&req)?;
    let hash = request_hash(&req, &body.0);
    let b: NewFinding = from_value(body.0)?;
    let f = Finding::parse(&b.title, &b.description, b.priority)?;
    let on = FindingOn::Visit {
        id: id.into_inner(),
        technician: me,
    };
    let (who, asset) = (super::actor(&user, &state), b.asset_id.map(|a| a.0));
    let (status, out) = once(&state, me, key, hash, move |c, st| {
        let found = inspections::record_finding_in_tx(c, &who, on, f, asset, st.settings.escalation_step())?;
        serde_json::to_string(&found).map_err(AppError::internal)
    })
    .await?;
    Ok(json_response(status, out))
}
