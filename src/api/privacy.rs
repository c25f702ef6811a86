//! A contact's personal data: its export and its erasure (admins).

use super::extract::Json;
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::privacy as service;
use crate::startup::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{ContactErasure, ErasureReceipt, PersonalDataExport, Problem};

/// Everything held about a contact: the contact, the tickets they are the contact of (with the
/// fields copied from them), their survey answers and links, the e-mails to them, and every
/// other record whose text names them. Admins only; the export is recorded in the audit trail.
#[utoipa::path(get, path = "/api/v1/contacts/{id}/personal-data", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path, description = "contact id")),
    responses((status = 200, body = PersonalDataExport), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn export(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::export(c, &who, id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(out))
}

/// Erases a contact's personal data wherever it is held, in one transaction: the contact keeps
/// a name that says so, their tickets stay without their fields, e-mails to them keep the fact
/// but lose their address (and are cancelled if still waiting for them alone), and the audit
/// trail keeps its events with their data replaced, plus one event with the reason and counts.
/// An erased contact cannot be erased again (409). Admins only.
#[utoipa::path(post, path = "/api/v1/contacts/{id}/erasure", tag = "customers", security(("bearer" = [])),
    params(("id" = i64, Path, description = "contact id")), request_body = ContactErasure,
    responses((status = 200, body = ErasureReceipt), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn erase(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<ContactErasure>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::erase(c, &who, id, body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}
