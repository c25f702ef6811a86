//! The technician's phone: endpoints that act for the signed-in technician only.
//!
//! The phone works over a flaky network, so every POST carries an `Idempotency-Key`: a request
//! sent again gets the first answer back and changes nothing (the same key with a different body
//! is refused). Visit updates carry `If-Match` with the version from the visit's `ETag`; an older
//! version gets 412 with the visit as it is now.

use super::extract::{from_value, Json, Query};
use super::{etag, if_match, run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::phone::{self, PhonePost, StepInput, StepKind, StepRequest};
use crate::service::quotes::{self, PhoneQuote, Reply};
use crate::service::visit_photos::{self, PhotoPost};
use crate::startup::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use fieldline_mobile_api::{
    CheckInRequest, CompleteRequest, DeclineRequest, FailRequest, InspectionFinding, NewFinding, NewQuote, Page,
    PhotoKind, PingBatch, PingReceipt, Problem, Quote, QuoteApproval, QuoteDecline, Visit, VisitDetail, VisitPhoto,
    VisitStatus,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

fn request_hash(req: &HttpRequest, body: &serde_json::Value) -> String {
    let digest = Sha256::digest(format!("{} {}\n{}", req.method(), req.path(), body).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A POST from the phone as it came: its `Idempotency-Key`, the request's hash and its body.
fn post<T>(req: &HttpRequest, body: serde_json::Value, read: fn(serde_json::Value) -> AppResult<T>) -> PhonePost<T> {
    let key = req
        .headers()
        .get("Idempotency-Key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    PhonePost {
        key,
        hash: request_hash(req, &body),
        body,
        read,
    }
}

fn json_response(status: u16, body: String) -> HttpResponse {
    let mut resp =
        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::OK));
    resp.content_type("application/json");
    if let Some(v) = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["version"].as_i64().or_else(|| v["visit_version"].as_i64()))
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
    let request = phone::ping_request(&who(&user, &state), post(&req, body.0, from_value::<PingBatch>))?;
    let (status, out) = crate::db::pings::store(&state.writer, request).await?;
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
    let (status, page, who) = (q.status, (q.limit, q.offset), who(&user, &state));
    let out = run(&state, move |c, _| phone::my_visits(c, &who, status, page)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One of my visits with the ticket, site, contact and asset details; its `ETag` is the version.
#[utoipa::path(get, path = "/api/v1/mobile/visits/{id}", tag = "mobile", security(("bearer" = [])),
    params(("id" = i64, Path, description = "visit id")),
    responses((status = 200, body = VisitDetail), (status = 404, body = Problem)))]
pub async fn my_visit(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (id, who) = (id.into_inner(), who(&user, &state));
    let out = run(&state, move |c, _| phone::my_visit(c, &who, id)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(out.visit.version)).json(out))
}

async fn step(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    (visit, kind): (i64, StepKind),
    body: serde_json::Value,
    read: fn(serde_json::Value) -> AppResult<StepInput>,
) -> AppResult<HttpResponse> {
    let r = StepRequest {
        visit,
        kind,
        if_match: if_match(&req),
        post: post(&req, body, read),
    };
    let who = who(&user, &state);
    // A signed, satisfied completion of the ticket's last visit closes the ticket: its closing
    // e-mail and survey link go out in the same transaction.
    let (status, out) = run(&state, move |c, st| {
        let id_domain = st.settings.mail.id_domain();
        let closing = super::surveys::closing_mail(st, &id_domain);
        phone::step(c, &who, r, &st.settings, closing)
    })
    .await?;
    Ok(json_response(status, out))
}

/// Accepts an assigned visit.
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/accept", tag = "mobile", security(("bearer" = [])),
    request_body(content = Object, description = "a JSON object; the step takes no field, so `{}`"),
    params(("id" = i64, Path, description = "visit id"), ("Idempotency-Key" = String, Header, description = "unique per request"), ("If-Match" = String, Header, description = "the visit's ETag")),
    responses((status = 200, body = Visit), (status = 409, body = Problem), (status = 412, body = Problem), (status = 428, body = Problem)))]
pub async fn accept(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    step(state, user, req, (id.into_inner(), StepKind::Accept), body.0, |_| {
        Ok(StepInput::Accept)
    })
    .await
}

/// Declines an assigned visit with a reason; it returns to dispatch.
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/decline", tag = "mobile", security(("bearer" = [])), request_body = DeclineRequest,
    params(("id" = i64, Path, description = "visit id"), ("Idempotency-Key" = String, Header, description = "unique per request"), ("If-Match" = String, Header, description = "the visit's ETag")),
    responses((status = 200, body = Visit), (status = 409, body = Problem), (status = 412, body = Problem), (status = 428, body = Problem)))]
pub async fn decline(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    step(state, user, req, (id.into_inner(), StepKind::Decline), body.0, |v| {
        Ok(StepInput::Decline(from_value(v)?))
    })
    .await
}

/// Sets off for the site.
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/en-route", tag = "mobile", security(("bearer" = [])),
    request_body(content = Object, description = "a JSON object; the step takes no field, so `{}`"),
    params(("id" = i64, Path, description = "visit id"), ("Idempotency-Key" = String, Header, description = "unique per request"), ("If-Match" = String, Header, description = "the visit's ETag")),
    responses((status = 200, body = Visit), (status = 409, body = Problem), (status = 412, body = Problem), (status = 428, body = Problem)))]
pub async fn en_route(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    step(state, user, req, (id.into_inner(), StepKind::EnRoute), body.0, |_| {
        Ok(StepInput::EnRoute)
    })
    .await
}

/// Checks in on site with the phone's position; farther than the radius needs a reason.
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/check-in", tag = "mobile", security(("bearer" = [])), request_body = CheckInRequest,
    params(("id" = i64, Path, description = "visit id"), ("Idempotency-Key" = String, Header, description = "unique per request"), ("If-Match" = String, Header, description = "the visit's ETag")),
    responses((status = 200, body = Visit), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)))]
pub async fn check_in(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    step(state, user, req, (id.into_inner(), StepKind::CheckIn), body.0, |v| {
        Ok(StepInput::CheckIn(from_value(v)?))
    })
    .await
}

/// Completes the visit: work notes, parts, time spent, the quote when out of warranty, and the
/// customer's sign-off (name and PNG signature).
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/complete", tag = "mobile", security(("bearer" = [])), request_body = CompleteRequest,
    params(("id" = i64, Path, description = "visit id"), ("Idempotency-Key" = String, Header, description = "unique per request"), ("If-Match" = String, Header, description = "the visit's ETag")),
    responses((status = 200, body = Visit), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)))]
pub async fn complete(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    step(state, user, req, (id.into_inner(), StepKind::Complete), body.0, |v| {
        Ok(StepInput::Complete(from_value(v)?))
    })
    .await
}

/// The job could not be finished: failed, or another visit is needed (the on-site registration
/// goes back to dispatch).
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/fail", tag = "mobile", security(("bearer" = [])), request_body = FailRequest,
    params(("id" = i64, Path, description = "visit id"), ("Idempotency-Key" = String, Header, description = "unique per request"), ("If-Match" = String, Header, description = "the visit's ETag")),
    responses((status = 200, body = Visit), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)))]
pub async fn fail(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    step(state, user, req, (id.into_inner(), StepKind::Fail), body.0, |v| {
        Ok(StepInput::Fail(from_value(v)?))
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
    let (visit, who) = (id.into_inner(), who(&user, &state));
    let post = post(&req, body.0, from_value::<NewFinding>);
    let (status, out) = run(&state, move |c, st| {
        phone::record_finding(c, &who, visit, post, st.settings.escalation_step())
    })
    .await?;
    Ok(json_response(status, out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PhotoQuery {
    /// What the photo shows.
    pub kind: PhotoKind,
}

/// Attaches a photo to my visit: the body is the image itself, sent as `image/jpeg` or
/// `image/png` (its first bytes must agree: 415 otherwise), at most 5 MiB by default
/// (`FIELDLINE_PHOTO_MAX_BYTES`; 413 beyond); a visit holds at most 20 (`FIELDLINE_PHOTOS_PER_VISIT`;
/// 409 beyond). From the booking on, also after the visit ended; not once it is cancelled (409).
/// Sent again with the same `Idempotency-Key`, it answers the same photo and stores nothing.
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/photos", tag = "mobile", security(("bearer" = [])),
    request_body(description = "the image's bytes", content(("image/jpeg"), ("image/png"))),
    params(("id" = i64, Path, description = "visit id"), PhotoQuery, ("Idempotency-Key" = String, Header, description = "unique per request")),
    responses((status = 200, body = VisitPhoto), (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn attach_photo(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    q: Query<PhotoQuery>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let bytes = super::extract::bytes(&req, payload, state.settings.photo_max_bytes).await?;
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    // A resend has the same address, kind, type and bytes.
    let digest = visit_photos::sha256_hex(&bytes);
    let hash = request_hash(
        &req,
        &serde_json::json!({"kind": q.kind, "content_type": content_type, "sha256": digest}),
    );
    let p = PhotoPost {
        visit: id.into_inner(),
        key: req
            .headers()
            .get("Idempotency-Key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        hash,
        kind: q.0.kind,
        content_type,
        bytes,
    };
    let who = who(&user, &state);
    let (status, out) = run(&state, move |c, st| visit_photos::attach(c, &who, p, &st.settings)).await?;
    Ok(json_response(status, out))
}

/// Makes a quote for paid work on my visit, out of warranty, to tell the customer before the
/// work (409 `invalid_transition` under warranty, on an ended visit, or while another quote is
/// proposed or approved). The visit gets a new version: `visit_version` and the `ETag` carry it.
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/quotes", tag = "mobile", security(("bearer" = [])), request_body = NewQuote,
    params(("id" = i64, Path, description = "visit id"), ("Idempotency-Key" = String, Header, description = "unique per request"), ("If-Match" = String, Header, description = "the visit's ETag")),
    responses((status = 200, body = Quote), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)))]
pub async fn make_quote(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    let r = PhoneQuote {
        visit: id.into_inner(),
        if_match: if_match(&req),
        post: post(&req, body.0, from_value::<NewQuote>),
    };
    let who = who(&user, &state);
    let (status, out) = run(&state, move |c, st| {
        quotes::make_on_phone(c, &who, r, &st.settings.default_currency)
    })
    .await?;
    Ok(json_response(status, out))
}

async fn answer_quote(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    (visit, quote): (i64, i64),
    body: serde_json::Value,
    read: fn(serde_json::Value) -> AppResult<Reply>,
) -> AppResult<HttpResponse> {
    let r = PhoneQuote {
        visit,
        if_match: if_match(&req),
        post: post(&req, body, read),
    };
    let who = who(&user, &state);
    let (status, out) = run(&state, move |c, _| quotes::answer_on_phone(c, &who, quote, r)).await?;
    Ok(json_response(status, out))
}

/// Records the customer's approval of a quote on my visit (`via`: `signature_on_phone` when they
/// sign on the phone): who, when, how. Billable work can then be completed.
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/quotes/{quote_id}/approve", tag = "mobile", security(("bearer" = [])), request_body = QuoteApproval,
    params(("id" = i64, Path, description = "visit id"), ("quote_id" = i64, Path, description = "quote id"), ("Idempotency-Key" = String, Header, description = "unique per request"), ("If-Match" = String, Header, description = "the visit's ETag")),
    responses((status = 200, body = Quote), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)))]
pub async fn approve_quote(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    path: web::Path<(i64, i64)>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    answer_quote(state, user, req, path.into_inner(), body.0, |v| {
        Ok(Reply::Approve(from_value(v)?))
    })
    .await
}

/// Records the customer's decline of a quote on my visit: who, when, how and why. By default the
/// visit ends as `declined_by_customer` without work (I am freed; the ticket's owner agrees the
/// next step with the customer); with `ends_visit: false` a new quote may replace it.
#[utoipa::path(post, path = "/api/v1/mobile/visits/{id}/quotes/{quote_id}/decline", tag = "mobile", security(("bearer" = [])), request_body = QuoteDecline,
    params(("id" = i64, Path, description = "visit id"), ("quote_id" = i64, Path, description = "quote id"), ("Idempotency-Key" = String, Header, description = "unique per request"), ("If-Match" = String, Header, description = "the visit's ETag")),
    responses((status = 200, body = Quote), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)))]
pub async fn decline_quote(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    path: web::Path<(i64, i64)>,
    body: Json<serde_json::Value>,
) -> AppResult<HttpResponse> {
    answer_quote(state, user, req, path.into_inner(), body.0, |v| {
        Ok(Reply::Decline(from_value(v)?))
    })
    .await
}
