//! Going live from spreadsheets (admins): a CSV file of customers, contacts, sites, assets or
//! technicians, tried in a dry run and then imported all or nothing; and each kind's template.

use super::extract::Query;
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::service::imports as service;
use crate::startup::AppState;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use fieldline_mobile_api::{ImportKind, ImportReport, Problem};
use serde::Deserialize;

/// The largest file taken (10 MiB: some 5,000 rows of the widest kind with room to spare).
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ImportQuery {
    /// Check every row and write nothing (default false).
    #[serde(default)]
    pub dry_run: bool,
}

/// Imports a CSV file (`Content-Type: text/csv`, UTF-8 or GBK, at most 10 MiB and 5,000 rows):
/// every row through the same checks as the create operation of its kind, with its audit event.
/// The header names the columns (any order; the template's names). A file-wide problem (its
/// encoding, a missing or unknown column, too many rows) is 422 naming `file` or the column;
/// otherwise the report lists every row's problems by line and column, and the rows are written
/// only when there is none and it is not a dry run (`written`).
#[utoipa::path(post, path = "/api/v1/imports/{kind}", tag = "imports", security(("bearer" = [])),
    params(("kind" = ImportKind, Path, description = "what the file holds"), ImportQuery),
    request_body(description = "the CSV file", content(("text/csv"))),
    responses((status = 200, body = ImportReport), (status = 403, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn import(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    kind: web::Path<String>,
    q: Query<ImportQuery>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let kind = service::kind(&kind)?;
    let csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("text/csv")
        });
    if !csv {
        return Err(AppError::UnsupportedMediaType(
            "send the file as `Content-Type: text/csv`".into(),
        ));
    }
    let bytes = super::extract::bytes(&req, payload, MAX_FILE_BYTES).await?;
    let (who, dry_run) = (who(&user, &state), q.dry_run);
    let out = run(&state, move |c, _| service::run(c, &who, kind, &bytes, dry_run)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The template of a kind's file: the header and one example row, UTF-8 with a byte-order mark
/// (so spreadsheets read it as UTF-8).
#[utoipa::path(get, path = "/api/v1/imports/{kind}/template", tag = "imports", security(("bearer" = [])),
    params(("kind" = ImportKind, Path, description = "what the file holds")),
    responses((status = 200, description = "the template", content_type = "text/csv", body = String),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn template(
    state: web::Data<AppState>,
    user: CurrentUser,
    kind: web::Path<String>,
) -> AppResult<HttpResponse> {
    let kind = service::kind(&kind)?;
    let body = service::template(&who(&user, &state), kind)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}-template.csv\"", kind.as_str()),
        ))
        .body(body))
}
