//! The customer portal: its API under `/api/v1/portal/` for a customer's signed-in contact, and
//! its pages under `/portal/` (embedded in the binary, like the console's).
//!
//! A contact signs in with a one-time link e-mailed to them (`sign-in`, then `session`) and gets
//! a portal session: a bearer token sent as `Authorization: Bearer ...`, held by the page in
//! the tab's `sessionStorage`. No cookie carries it, so no other site can make the browser act
//! with it (no CSRF); it is of its own audience and purpose, so it is no staff token, and a
//! staff token is not one. Every object is the contact's customer's, or "not found".

use super::extract::{Json, Query};
use super::run;
use super::static_files::{self, StaticFile};
use crate::auth::portal::CurrentContact;
use crate::error::{AppError, AppResult};
use crate::service::portal::{self as sign_in, LinkMail};
use crate::service::portal_actions::{self as actions, Asker};
use crate::service::portal_files as files;
use crate::service::portal_tickets as reads;
use crate::startup::AppState;
use actix_web::http::header;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use fieldline_mobile_api::{
    NewPortalRequest, Page, PortalAcceptance, PortalAuthorization, PortalContact, PortalQuote, PortalQuoteAnswer,
    PortalSession, PortalSessionRequest, PortalSignIn, PortalSite, PortalTicket, PortalTicketDetail, PortalVisit,
    Problem, SurveyAnswer, TicketAttachment,
};
use serde::Deserialize;

/// A signed link's token is a few hundred characters; anything far longer is not one.
const TOKEN_MAX_CHARS: usize = 2048;

fn asker(who: &CurrentContact, state: &AppState) -> Asker {
    Asker {
        contact: who.contact,
        at: state.clock.now(),
    }
}

/// Asks for a sign-in link: when a contact has this address (any case), a one-time link is
/// e-mailed to it in the contact's language. Always 202, known address or not; at most
/// `FIELDLINE_PORTAL_LINKS_PER_HOUR` links an hour go to one address (further requests are
/// answered the same and send nothing). 422 for an address that is not one.
#[utoipa::path(post, path = "/api/v1/portal/sign-in", tag = "portal", request_body = PortalSignIn,
    responses((status = 202, description = "a link is on its way if the address is a contact's"),
        (status = 422, body = Problem)))]
pub async fn request_link(state: web::Data<AppState>, body: Json<PortalSignIn>) -> AppResult<HttpResponse> {
    let (email, now) = (body.0.email, state.clock.now());
    let outcome = run(&state, move |c, st| {
        let id_domain = st.settings.mail.id_domain();
        let s = LinkMail {
            keys: &st.keys,
            public_url: st.settings.public_url.trim_end_matches('/'),
            link_ttl: st.settings.portal.link_ttl(),
            per_hour: st.settings.portal.links_per_hour,
            id_domain: &id_domain,
        };
        sign_in::request_link(c, s, &email, now)
    })
    .await?;
    state
        .metrics
        .portal_sign_ins
        .with_label_values(&[outcome.label()])
        .inc();
    if outcome == sign_in::Requested::Limited {
        tracing::warn!("portal sign-in links over the hourly bound for an address: none sent");
    }
    Ok(HttpResponse::Accepted().finish())
}

/// Exchanges a sign-in link's token (once) for a portal session. 404 for a token that is not a
/// link of ours (tampered, cut short, a survey link, a staff token), 409 `link_used` once used,
/// 410 `link_expired` after its time.
#[utoipa::path(post, path = "/api/v1/portal/session", tag = "portal", request_body = PortalSessionRequest,
    responses((status = 200, body = PortalSession), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 410, body = Problem), (status = 422, body = Problem)))]
pub async fn open_session(state: web::Data<AppState>, body: Json<PortalSessionRequest>) -> AppResult<HttpResponse> {
    let (token, now) = (body.0.token, state.clock.now());
    if token.is_empty() || token.len() > TOKEN_MAX_CHARS {
        return Err(AppError::NotFound("no such sign-in link".into()));
    }
    let out = run(&state, move |c, st| {
        sign_in::open_session(c, &st.keys, &token, st.settings.portal.session_ttl(), now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Signs out: the session ends at once (204).
#[utoipa::path(post, path = "/api/v1/portal/sign-out", tag = "portal", security(("bearer" = [])),
    responses((status = 204, description = "signed out"), (status = 401, body = Problem)))]
pub async fn sign_out(state: web::Data<AppState>, who: CurrentContact) -> AppResult<HttpResponse> {
    let now = state.clock.now();
    run(&state, move |c, _| {
        sign_in::sign_out(c, &who.contact, &who.session, now)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in contact, their customer and the zone times are shown in.
#[utoipa::path(get, path = "/api/v1/portal/me", tag = "portal", security(("bearer" = [])),
    responses((status = 200, body = PortalContact), (status = 401, body = Problem)))]
pub async fn me(state: web::Data<AppState>, who: CurrentContact) -> AppResult<HttpResponse> {
    let out = run(&state, move |c, _| sign_in::contact_of(c, who.contact.id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PortalTicketQuery {
    /// true: only the open tickets; false: only the closed and cancelled ones.
    pub open: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The customer's tickets, newest first, with what each awaits from the customer.
#[utoipa::path(get, path = "/api/v1/portal/tickets", tag = "portal", security(("bearer" = [])),
    params(PortalTicketQuery),
    responses((status = 200, body = Page<PortalTicket>), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn tickets(
    state: web::Data<AppState>,
    who: CurrentContact,
    q: Query<PortalTicketQuery>,
) -> AppResult<HttpResponse> {
    let q = q.0;
    let out = run(&state, move |c, _| {
        reads::list(c, &who.contact, q.open, q.limit, q.offset)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// A new request: a ticket on the web channel for the contact's customer, at one of its sites
/// and assets (another customer's is "not found", 422). Who owns it: see `docs/portal.md`.
#[utoipa::path(post, path = "/api/v1/portal/tickets", tag = "portal", security(("bearer" = [])),
    request_body = NewPortalRequest,
    responses((status = 201, body = PortalTicket), (status = 401, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn request(
    state: web::Data<AppState>,
    who: CurrentContact,
    body: Json<NewPortalRequest>,
) -> AppResult<HttpResponse> {
    let (who, b) = (asker(&who, &state), body.0);
    let out = run(&state, move |c, st| actions::request(c, who, b, &st.settings)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// One ticket of the customer's, with its customer-visible timeline, quotes and visits.
#[utoipa::path(get, path = "/api/v1/portal/tickets/{id}", tag = "portal", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, body = PortalTicketDetail), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn ticket(state: web::Data<AppState>, who: CurrentContact, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let out = run(&state, move |c, _| reads::detail(c, &who.contact, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PortalUploadQuery {
    /// The file's name as the customer has it (at most 200 characters; a path is cut to its
    /// last part).
    #[param(min_length = 1, max_length = 200)]
    pub filename: String,
}

/// Adds a file to a ticket of the customer's (a photo of the fault, a log, a document): the
/// body is the file itself, sent with its own `Content-Type` (`application/octet-stream` when
/// unknown; 415 for one that is not a MIME type). At most
/// `FIELDLINE_MAIL_INTAKE_ATTACHMENT_MAX_BYTES` (413 naming `file`) and not empty (422); a
/// ticket takes at most `FIELDLINE_MAIL_INTAKE_ATTACHMENTS_MAX` files outside e-mail (422
/// naming `file`). 409 once the ticket is closed or cancelled. The staff see it among the
/// ticket's files; the timeline shows `file_added`.
#[utoipa::path(post, path = "/api/v1/portal/tickets/{id}/attachments", tag = "portal", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"), PortalUploadQuery),
    request_body(description = "the file's bytes, with its own Content-Type", content(("application/octet-stream"))),
    responses((status = 201, body = TicketAttachment), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem)))]
pub async fn upload(
    state: web::Data<AppState>,
    who: CurrentContact,
    req: HttpRequest,
    id: web::Path<i64>,
    q: Query<PortalUploadQuery>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let not_a_type = || AppError::UnsupportedMediaType("send the file with its own `Content-Type`, a MIME type".into());
    let content_type = match req.mime_type() {
        Ok(Some(m)) => m.to_string(),
        Ok(None) => "application/octet-stream".to_string(),
        Err(_) => return Err(not_a_type()),
    };
    if content_type.len() > 200 {
        return Err(not_a_type());
    }
    let max = state.settings.intake.attachment_max_bytes;
    let bytes = super::extract::bytes(&req, payload, max).await.map_err(|e| match e {
        AppError::PayloadTooLarge(max) => AppError::FileTooLarge {
            field: files::FILE_FIELD.into(),
            max,
        },
        other => other,
    })?;
    let u = files::Upload {
        filename: q.0.filename,
        content_type,
        bytes,
    };
    let (who, id) = (asker(&who, &state), id.into_inner());
    let out = run(&state, move |c, st| files::upload(c, who, id, u, &st.settings)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// The files of a ticket of the customer's (sent by e-mail or added here), oldest first.
#[utoipa::path(get, path = "/api/v1/portal/tickets/{id}/attachments", tag = "portal", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, body = Vec<TicketAttachment>), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn attachments(
    state: web::Data<AppState>,
    who: CurrentContact,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let out = run(&state, move |c, _| files::list(c, &who.contact, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One file of a ticket of the customer's: its bytes with the stored content type, always as a
/// download (`Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`).
#[utoipa::path(get, path = "/api/v1/portal/tickets/{id}/attachments/{attachment_id}", tag = "portal",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"), ("attachment_id" = i64, Path, description = "attachment id")),
    responses((status = 200, description = "the file, with its stored content type", content(("application/octet-stream"))),
        (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn download(
    state: web::Data<AppState>,
    who: CurrentContact,
    path: web::Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    let (id, aid) = path.into_inner();
    let (filename, content_type, bytes) = run(&state, move |c, _| files::download(c, &who.contact, id, aid)).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CONTENT_DISPOSITION, super::intake::disposition(&filename)))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes))
}

/// Authorizes remote work on the ticket (recorded with method `portal`, by the contact). 409
/// when the ticket does not wait for it.
#[utoipa::path(post, path = "/api/v1/portal/tickets/{id}/remote-authorization", tag = "portal",
    security(("bearer" = [])), params(("id" = i64, Path, description = "ticket id")), request_body = PortalAuthorization,
    responses((status = 200, body = PortalTicketDetail), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn authorize(
    state: web::Data<AppState>,
    who: CurrentContact,
    id: web::Path<i64>,
    body: Json<PortalAuthorization>,
) -> AppResult<HttpResponse> {
    let (who, id, b) = (asker(&who, &state), id.into_inner(), body.0);
    let out = run(&state, move |c, st| actions::authorize(c, who, id, b, &st.settings)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Accepts the result (`satisfied`: the ticket closes, the survey e-mail follows) or rejects it
/// (the ticket reopens; `comment` required). 409 unless the ticket is resolved.
#[utoipa::path(post, path = "/api/v1/portal/tickets/{id}/acceptance", tag = "portal",
    security(("bearer" = [])), params(("id" = i64, Path, description = "ticket id")), request_body = PortalAcceptance,
    responses((status = 200, body = PortalTicketDetail), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn accept(
    state: web::Data<AppState>,
    who: CurrentContact,
    id: web::Path<i64>,
    body: Json<PortalAcceptance>,
) -> AppResult<HttpResponse> {
    let (who, id, b) = (asker(&who, &state), id.into_inner(), body.0);
    let out = run(&state, move |c, st| {
        let id_domain = st.settings.mail.id_domain();
        let closing = super::surveys::closing_mail(st, &id_domain);
        actions::accept(c, who, id, b, &st.settings, closing)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Answers the satisfaction survey of a closed ticket: `score` 1 to 5, an optional `comment`.
/// 409 `survey_answered` once answered, 409 before the ticket is closed.
#[utoipa::path(post, path = "/api/v1/portal/tickets/{id}/survey", tag = "portal",
    security(("bearer" = [])), params(("id" = i64, Path, description = "ticket id")), request_body = SurveyAnswer,
    responses((status = 200, body = PortalTicketDetail), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn survey(
    state: web::Data<AppState>,
    who: CurrentContact,
    id: web::Path<i64>,
    body: Json<SurveyAnswer>,
) -> AppResult<HttpResponse> {
    let (who, id, b) = (asker(&who, &state), id.into_inner(), body.0);
    let out = run(&state, move |c, _| actions::answer_survey(c, who, id, b)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One quote of the customer's.
#[utoipa::path(get, path = "/api/v1/portal/quotes/{id}", tag = "portal", security(("bearer" = [])),
    params(("id" = i64, Path, description = "quote id")),
    responses((status = 200, body = PortalQuote), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn quote(state: web::Data<AppState>, who: CurrentContact, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let out = run(&state, move |c, _| reads::quote_view(c, &who.contact, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Approves (`approve` true) or declines (with a `reason`; the visit then ends without work) a
/// proposed quote; answers with its ticket. 409 when it was answered.
#[utoipa::path(post, path = "/api/v1/portal/quotes/{id}/answer", tag = "portal", security(("bearer" = [])),
    params(("id" = i64, Path, description = "quote id")), request_body = PortalQuoteAnswer,
    responses((status = 200, body = PortalTicketDetail), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn answer_quote(
    state: web::Data<AppState>,
    who: CurrentContact,
    id: web::Path<i64>,
    body: Json<PortalQuoteAnswer>,
) -> AppResult<HttpResponse> {
    let (who, id, b) = (asker(&who, &state), id.into_inner(), body.0);
    let out = run(&state, move |c, _| actions::answer_quote(c, who, id, b)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The customer's visits still to come or under way, soonest first: when, where, who.
#[utoipa::path(get, path = "/api/v1/portal/visits", tag = "portal", security(("bearer" = [])),
    responses((status = 200, body = Vec<PortalVisit>), (status = 401, body = Problem)))]
pub async fn visits(state: web::Data<AppState>, who: CurrentContact) -> AppResult<HttpResponse> {
    let now = state.clock.now();
    let out = run(&state, move |c, _| reads::upcoming_visits(c, &who.contact, now)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One visit of the customer's.
#[utoipa::path(get, path = "/api/v1/portal/visits/{id}", tag = "portal", security(("bearer" = [])),
    params(("id" = i64, Path, description = "visit id")),
    responses((status = 200, body = PortalVisit), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn visit(state: web::Data<AppState>, who: CurrentContact, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let out = run(&state, move |c, _| reads::visit(c, &who.contact, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The customer's sites with their assets (to choose them in a request).
#[utoipa::path(get, path = "/api/v1/portal/sites", tag = "portal", security(("bearer" = [])),
    responses((status = 200, body = Vec<PortalSite>), (status = 401, body = Problem)))]
pub async fn sites(state: web::Data<AppState>, who: CurrentContact) -> AppResult<HttpResponse> {
    let out = run(&state, move |c, _| reads::sites(c, &who.contact)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One site of the customer's, with its assets.
#[utoipa::path(get, path = "/api/v1/portal/sites/{id}", tag = "portal", security(("bearer" = [])),
    params(("id" = i64, Path, description = "site id")),
    responses((status = 200, body = PortalSite), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn site(state: web::Data<AppState>, who: CurrentContact, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let out = run(&state, move |c, _| reads::site(c, &who.contact, id)).await?;
    Ok(HttpResponse::Ok().json(out))
}

// ---------------------------------------------------------------- the pages

const FILES: &[StaticFile] = &[
    StaticFile::html("index.html", include_str!("portal/index.html")),
    StaticFile::style("portal.css", include_str!("portal/portal.css")),
    StaticFile::script("app.js", include_str!("portal/app.js")),
    static_files::FORMS,
    StaticFile::script("api.js", include_str!("portal/api.js")),
    StaticFile::script("i18n.js", include_str!("portal/i18n.js")),
    StaticFile::script("ui.js", include_str!("portal/ui.js")),
    StaticFile::script("tickets.js", include_str!("portal/tickets.js")),
    StaticFile::script("request.js", include_str!("portal/request.js")),
    StaticFile::script("answers.js", include_str!("portal/answers.js")),
];

/// `/portal` without the slash: the pages' relative addresses need it.
pub async fn root() -> HttpResponse {
    static_files::to_folder("portal")
}

/// A file of the portal; the empty name is its page.
pub async fn file(req: HttpRequest, name: web::Path<String>) -> AppResult<HttpResponse> {
    static_files::serve(FILES, "portal", &req, &name)
}
