//! Warranty terms per product model (admin), and quotes for paid work on a visit made and
//! answered by the office (agents, dispatchers). The phone's side is in `mobile`.

use super::extract::{Json, Query};
use super::{if_match, run, who, with_etag};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::quotes::{self, Reply};
use crate::service::warranty_terms;
use crate::startup::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use fieldline_mobile_api::{
    NewQuote, NewWarrantyTerm, Page, Problem, Quote, QuoteApproval, QuoteDecline, UpdateWarrantyTerm, WarrantyTerm,
};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct TermQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The product models' warranty terms, by model.
#[utoipa::path(get, path = "/api/v1/warranty-terms", tag = "quotes", security(("bearer" = [])), params(TermQuery),
    responses((status = 200, body = Page<WarrantyTerm>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_terms(state: web::Data<AppState>, user: CurrentUser, q: Query<TermQuery>) -> AppResult<HttpResponse> {
    let (page, who) = ((q.limit, q.offset), who(&user, &state));
    let out = run(&state, move |c, _| warranty_terms::list(c, &who, page)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Adds a product model's warranty terms (admin); a model has one set (409 `duplicate`).
#[utoipa::path(post, path = "/api/v1/warranty-terms", tag = "quotes", security(("bearer" = [])), request_body = NewWarrantyTerm,
    responses((status = 201, body = WarrantyTerm), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_term(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<NewWarrantyTerm>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| warranty_terms::create(c, &who, body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Changes a product model's warranty terms (admin).
#[utoipa::path(patch, path = "/api/v1/warranty-terms/{id}", tag = "quotes", security(("bearer" = [])),
    params(("id" = i64, Path, description = "warranty terms id")), request_body = UpdateWarrantyTerm,
    responses((status = 200, body = WarrantyTerm), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_term(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<UpdateWarrantyTerm>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| warranty_terms::update(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Removes a product model's warranty terms (admin).
#[utoipa::path(delete, path = "/api/v1/warranty-terms/{id}", tag = "quotes", security(("bearer" = [])),
    params(("id" = i64, Path, description = "warranty terms id")),
    responses((status = 204, description = "removed"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_term(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    run(&state, move |c, _| warranty_terms::delete(c, &who, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The visit's quotes, oldest first (whoever may read the visit).
#[utoipa::path(get, path = "/api/v1/visits/{id}/quotes", tag = "quotes", security(("bearer" = [])),
    params(("id" = i64, Path, description = "visit id")),
    responses((status = 200, body = Vec<Quote>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| quotes::list(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Makes a quote for paid work on a repair visit still to be worked, out of warranty (409
/// `invalid_transition` under warranty, on an ended visit, or while another quote is proposed
/// or approved; a declined one is replaced). The lines' amounts are added up; the currency is
/// the service's default unless named. The visit gets a new version (the `ETag`). With
/// `If-Match`, an older version gets 412 and the visit as it is now.
#[utoipa::path(post, path = "/api/v1/visits/{id}/quotes", tag = "quotes", security(("bearer" = [])), request_body = NewQuote,
    params(("id" = i64, Path, description = "visit id"), ("If-Match" = Option<String>, Header, description = "the visit's ETag; optional")),
    responses((status = 201, body = Quote, headers(("ETag" = String, description = "the visit's new version"))), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn make(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<NewQuote>,
) -> AppResult<HttpResponse> {
    let (who, id, expected) = (who(&user, &state), id.into_inner(), if_match(&req)?);
    let out = run(&state, move |c, st| {
        quotes::make(c, &who, (id, expected), body.0, &st.settings.default_currency)
    })
    .await?;
    Ok(with_etag(StatusCode::CREATED, out.visit_version, &out))
}

/// Records the customer's approval of a proposed quote: who, when, how. Billable work can then be
/// completed. With `If-Match`, an older version of the visit gets 412.
#[utoipa::path(post, path = "/api/v1/visits/{id}/quotes/{quote_id}/approve", tag = "quotes", security(("bearer" = [])), request_body = QuoteApproval,
    params(("id" = i64, Path, description = "visit id"), ("quote_id" = i64, Path, description = "quote id"), ("If-Match" = Option<String>, Header, description = "the visit's ETag; optional")),
    responses((status = 200, body = Quote, headers(("ETag" = String, description = "the visit's new version"))), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn approve(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    path: web::Path<(i64, i64)>,
    body: Json<QuoteApproval>,
) -> AppResult<HttpResponse> {
    let ((visit, quote), who, expected) = (path.into_inner(), who(&user, &state), if_match(&req)?);
    let reply = Reply::Approve(body.0);
    let out = run(&state, move |c, _| {
        quotes::answer(c, &who, (visit, quote, expected), reply)
    })
    .await?;
    Ok(with_etag(StatusCode::OK, out.visit_version, &out))
}

/// Records the customer's decline of a proposed quote: who, when, how and why. By default
/// (`ends_visit`) the visit ends as `declined_by_customer` without work: the technician is
/// freed, the on-site registration goes back to open, and the ticket stays open at the on-site
/// tier; its owner is told to agree the next step. With `ends_visit: false` the visit stays and a
/// new quote may replace the declined one.
#[utoipa::path(post, path = "/api/v1/visits/{id}/quotes/{quote_id}/decline", tag = "quotes", security(("bearer" = [])), request_body = QuoteDecline,
    params(("id" = i64, Path, description = "visit id"), ("quote_id" = i64, Path, description = "quote id"), ("If-Match" = Option<String>, Header, description = "the visit's ETag; optional")),
    responses((status = 200, body = Quote, headers(("ETag" = String, description = "the visit's new version"))), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn decline(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    path: web::Path<(i64, i64)>,
    body: Json<QuoteDecline>,
) -> AppResult<HttpResponse> {
    let ((visit, quote), who, expected) = (path.into_inner(), who(&user, &state), if_match(&req)?);
    let reply = Reply::Decline(body.0);
    let out = run(&state, move |c, _| {
        quotes::answer(c, &who, (visit, quote, expected), reply)
    })
    .await?;
    Ok(with_etag(StatusCode::OK, out.visit_version, &out))
}
