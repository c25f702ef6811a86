//! Major faults: marking a ticket one (the notice goes out at once through the outbox),
//! handling-plan updates and the fault's end (each with a follow-up notice), and the list the
//! managers track them on.

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::major_faults as service;
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{EndMajorFault, MajorFault, MajorFaultProgress, NewMajorFault, Page, Problem};
use serde::Deserialize;

/// Marks the ticket a major fault (whoever learns of it first) and sends the notice at once: to
/// the customer's account manager, every active manager with an e-mail address and the
/// `extra_recipients`, by e-mail through the outbox, and to the inbox of the account manager and
/// the managers. Anyone in the office may; a technician only on their own tickets.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/major-fault", tag = "major faults", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = NewMajorFault,
    responses((status = 201, body = MajorFault), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn declare(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<NewMajorFault>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, st| service::declare(c, &who, id, body.0, &st.settings)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// The ticket's major fault, with the notices sent about it.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/major-fault", tag = "major faults", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, body = MajorFault), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::get(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// A new handling plan for the open major fault; sends a follow-up notice to the same people.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/major-fault/updates", tag = "major faults", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = MajorFaultProgress,
    responses((status = 200, body = MajorFault), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn progress(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<MajorFaultProgress>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, st| {
        service::progress(c, &who, id, body.0, &st.settings)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Ends the major fault (`ended_at`, default now; not before it occurred) and sends the closing
/// notice. The ticket stays a major fault (its `major_fault` flag stays set) and goes on as before.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/major-fault/end", tag = "major faults", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = EndMajorFault,
    responses((status = 200, body = MajorFault), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn end(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<EndMajorFault>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, st| service::end(c, &who, id, body.0, &st.settings)).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MajorFaultQuery {
    /// `true`: only faults that have not ended; `false`: only ended ones.
    pub open: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Major faults for the managers who track them: open ones first, longest-running first, each
/// with the minutes since it occurred (`elapsed_minutes`). Office staff.
#[utoipa::path(get, path = "/api/v1/major-faults", tag = "major faults", security(("bearer" = [])),
    params(MajorFaultQuery), responses((status = 200, body = Page<MajorFault>), (status = 403, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<MajorFaultQuery>) -> AppResult<HttpResponse> {
    let (who, open, page) = (who(&user, &state), q.open, (q.limit, q.offset));
    let out = run(&state, move |c, _| service::list(c, &who, open, page)).await?;
    Ok(HttpResponse::Ok().json(out))
}
