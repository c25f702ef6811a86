//! Tickets: registration, the ladder (start, wait, resume, escalate, resolve, accept), ownership
//! (handoff, assign), the remote authorization, callbacks, arrival, the list and the timeline.
//! Major faults are in `major_faults.rs`.

use super::extract::{Json, Query};
use super::{if_match, run, who, with_etag};
use crate::auth::CurrentUser;
use crate::db::group_writer::Commit;
use crate::db::tickets::lists::{TicketFilter, TicketSort, Total};
use crate::db::Paging;
use crate::error::AppResult;
use crate::service::tickets::Target;
use crate::service::{tickets as service, tickets_requests as requests};
use crate::startup::AppState;
use actix_web::{http::StatusCode, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{
    AcceptanceRequest, ArrivalRequest, AssignRequest, CancelTicketRequest, CustomerContactRequest, EscalateRequest,
    HandoffRequest, KindChange, LadderTier, NewAuthorization, NewTicket, Note, OnsiteRequest, OnsiteRequestStatus,
    Page, Problem, RemoteAuthorization, RequestKind, Ticket, TicketEvent, TicketPreview, TicketStatus, UpdateTicket,
};
use serde::Deserialize;

/// An optional free text of up to 2,000 characters (a reason, a note, a comment).
pub fn reason(field: &str, r: Option<&str>) -> AppResult<Option<String>> {
    requests::reason(field, r)
}

/// The ticket a step names, with the version the caller last read when they sent `If-Match`.
fn target(req: &HttpRequest, id: i64) -> AppResult<Target> {
    Ok(Target {
        id,
        if_match: if_match(req)?,
    })
}

/// Answers 200 with the ticket a change gives, its version as the `ETag`.
async fn change<F>(state: web::Data<AppState>, user: CurrentUser, f: F) -> AppResult<HttpResponse>
where
    F: FnOnce(&mut crate::db::DbConn, &crate::service::Who, &crate::config::Settings) -> AppResult<Ticket>
        + Send
        + 'static,
{
    let who = who(&user, &state);
    let out = run(&state, move |c, st| {
        let t = f(c, &who, &st.settings)?;
        service::named(c, t)
    })
    .await?;
    Ok(with_etag(StatusCode::OK, out.version, &out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct TicketQuery {
    pub status: Option<TicketStatus>,
    /// true: open (neither closed nor cancelled); false: closed or cancelled.
    pub open: Option<bool>,
    pub tier: Option<LadderTier>,
    /// The request kind.
    pub kind: Option<RequestKind>,
    pub owner_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub region_id: Option<i64>,
    /// Tickets that missed (true) or kept (false) every due time so far.
    pub breached: Option<bool>,
    pub major_fault: Option<bool>,
    /// Resolution due before this moment (RFC 3339).
    pub due_before: Option<DateTime<Utc>>,
    /// true: the callbacks due, i.e. open tickets whose promised callback (`callback_due_at`)
    /// is not made yet (`callback_done_at` null); false: every other ticket.
    pub callback_due: Option<bool>,
    /// `due` (soonest resolution due first, the default), `opened` (newest first) or
    /// `callback` (soonest promised callback first; tickets without one last).
    pub sort: Option<TicketSort>,
    /// true: count every match. By default counting stops past `FIELDLINE_LIST_COUNT_CAP`
    /// matches (10,000; `total` is then the cap and `total_capped` true), which keeps a list's
    /// cost independent of the years of tickets behind it.
    pub exact_total: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Lists tickets. A technician sees only the tickets assigned to them.
#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", security(("bearer" = [])), params(TicketQuery),
    responses((status = 200, body = Page<Ticket>), (status = 422, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<TicketQuery>) -> AppResult<HttpResponse> {
    let q = q.0;
    let paging = Paging::new(q.limit, q.offset)?;
    let filter = TicketFilter {
        status: q.status,
        open: q.open,
        tier: q.tier,
        kind: q.kind,
        owner_id: q.owner_id,
        assignee_id: q.assignee_id,
        customer_id: q.customer_id,
        region_id: q.region_id,
        breached: q.breached,
        major_fault: q.major_fault,
        due_before: q.due_before,
        callback_due: q.callback_due,
    };
    let sort = q.sort.unwrap_or_default();
    let count = if q.exact_total == Some(true) {
        Total::Exact
    } else {
        Total::UpTo(state.settings.list_count_cap.into())
    };
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::list(c, &who, filter, sort, paging, count)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Registers a request. The registering user is its first responder and owner.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", security(("bearer" = [])), request_body = NewTicket,
    responses((status = 201, body = Ticket), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<NewTicket>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, st| {
        let t = requests::register(c, Commit::Grouped(&st.writer), &who, body.0, &st.settings)?;
        service::named(c, t)
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// What registering this request would give now, without registering it: the due times
/// (response, hotline, remote, departure, arrival, resolution; no callback is promised at
/// registration), the customer tier and region class they were taken for, and the open tickets
/// of the same asset (or site) the repeat check names. The body and its checks are those of
/// registering (the same 422s); nothing is stored and no audit event is written.
#[utoipa::path(post, path = "/api/v1/tickets/preview", tag = "tickets", security(("bearer" = [])), request_body = NewTicket,
    responses((status = 200, body = TicketPreview), (status = 422, body = Problem)))]
pub async fn preview(state: web::Data<AppState>, user: CurrentUser, body: Json<NewTicket>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, st| requests::preview(c, &who, body.0, &st.settings)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// One ticket.
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, body = Ticket), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::get(c, &who, id)).await?;
    Ok(with_etag(StatusCode::OK, out.version, &out))
}

/// Every event of the ticket, oldest first: the trail that can be shown to the customer.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/timeline", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, body = Vec<TicketEvent>), (status = 404, body = Problem)))]
pub async fn timeline(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let events = run(&state, move |c, _| service::timeline(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(events))
}

/// Changes the request kind (enquiry, fault, complaint, suggestion), with a reason. The due
/// times are taken again from the SLA policy for the new kind, and the timeline records both.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/kind", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")),
    request_body = KindChange,
    responses((status = 200, body = Ticket), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn change_kind(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<KindChange>,
) -> AppResult<HttpResponse> {
    let (t, b) = (target(&req, id.into_inner())?, body.0);
    change(state, user, move |c, who, settings| {
        requests::change_kind(c, who, t, b, settings)
    })
    .await
}

/// Changes priority, site, title or description; a new priority or site recomputes the due times.
#[utoipa::path(patch, path = "/api/v1/tickets/{id}", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")), request_body = UpdateTicket,
    responses((status = 200, body = Ticket), (status = 412, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<UpdateTicket>,
) -> AppResult<HttpResponse> {
    let (t, b) = (target(&req, id.into_inner())?, body.0);
    change(state, user, move |c, who, settings| {
        requests::update(c, who, t, b, settings)
    })
    .await
}

/// Starts work (the first response).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/start", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")), request_body = Note,
    responses((status = 200, body = Ticket), (status = 412, body = Problem), (status = 409, body = Problem)))]
pub async fn start(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    note: Json<Note>,
) -> AppResult<HttpResponse> {
    let (t, b) = (target(&req, id.into_inner())?, note.0);
    change(state, user, move |c, who, settings| {
        requests::start(c, who, t, b, settings)
    })
    .await
}

/// Waits on the customer: the SLA clock stops.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/wait", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")), request_body = Note,
    responses((status = 200, body = Ticket), (status = 412, body = Problem), (status = 409, body = Problem)))]
pub async fn wait(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    note: Json<Note>,
) -> AppResult<HttpResponse> {
    let (t, b) = (target(&req, id.into_inner())?, note.0);
    change(state, user, move |c, who, settings| {
        requests::wait(c, who, t, b, settings)
    })
    .await
}

/// The customer answered: the SLA clock runs again and the due times move by the pause.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/resume", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")), request_body = Note,
    responses((status = 200, body = Ticket), (status = 412, body = Problem), (status = 409, body = Problem)))]
pub async fn resume(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    note: Json<Note>,
) -> AppResult<HttpResponse> {
    let (t, b) = (target(&req, id.into_inner())?, note.0);
    change(state, user, move |c, who, settings| {
        requests::resume(c, who, t, b, settings)
    })
    .await
}

/// The work is done; the customer is asked to accept.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/resolve", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")), request_body = Note,
    responses((status = 200, body = Ticket), (status = 412, body = Problem), (status = 409, body = Problem)))]
pub async fn resolve(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    note: Json<Note>,
) -> AppResult<HttpResponse> {
    let (t, b) = (target(&req, id.into_inner())?, note.0);
    change(state, user, move |c, who, settings| {
        requests::resolve(c, who, t, b, settings)
    })
    .await
}

/// Climbs the ladder. Remote needs the customer's authorization on record; on-site needs the agreed
/// visit window and creates the on-site registration; skipping a tier needs a reason.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/escalate", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")), request_body = EscalateRequest,
    responses((status = 200, body = Ticket), (status = 412, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn escalate(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<EscalateRequest>,
) -> AppResult<HttpResponse> {
    let (t, b) = (target(&req, id.into_inner())?, body.0);
    change(state, user, move |c, who, settings| {
        requests::escalate(c, who, t, b, settings)
    })
    .await
}

/// Hands ownership to a named user, with a reason (the owner, a supervisor or an admin).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/handoff", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")), request_body = HandoffRequest,
    responses((status = 200, body = Ticket), (status = 412, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn handoff(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<HandoffRequest>,
) -> AppResult<HttpResponse> {
    let (t, b) = (target(&req, id.into_inner())?, body.0);
    change(state, user, move |c, who, settings| {
        requests::handoff(c, who, t, b, settings)
    })
    .await
}

/// Cancels a ticket opened by mistake (a duplicate, withdrawn by the customer), with the reason:
/// the owner, a supervisor or an admin, before the ticket is resolved. A cancelled ticket is not
/// open and not closed; its on-site registrations still open and its visits no technician holds
/// yet are cancelled with it.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/cancel", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")),
    request_body = CancelTicketRequest,
    responses((status = 200, body = Ticket), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn cancel(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<CancelTicketRequest>,
) -> AppResult<HttpResponse> {
    let (t, b) = (target(&req, id.into_inner())?, body.0);
    change(state, user, move |c, who, settings| {
        requests::cancel(c, who, t, b, settings)
    })
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RepeatQuery {
    pub customer_id: i64,
    /// The asset the customer calls about; its open tickets are listed.
    pub asset_id: Option<i64>,
    /// Without an asset: the customer's site, whose open tickets are listed.
    pub site_id: Option<i64>,
}

/// The open tickets of an asset (or, without one, of the customer's site), newest first, at
/// most 20: what the registration form checks before registering, so that a customer calling
/// again about the same fault gets no second ticket. Empty without an asset or a site.
#[utoipa::path(get, path = "/api/v1/tickets/repeat-check", tag = "tickets", security(("bearer" = [])), params(RepeatQuery),
    responses((status = 200, body = Vec<Ticket>)))]
pub async fn repeat_check(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: Query<RepeatQuery>,
) -> AppResult<HttpResponse> {
    let (who, q) = (who(&user, &state), q.0);
    let out = run(&state, move |c, _| {
        requests::repeat_check(c, &who, q.customer_id, q.asset_id, q.site_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Records the customer's further contact about an open ticket (they called or wrote again):
/// a `customer_contact` entry in the timeline, and the owner and assignee are told. Any agent,
/// remote engineer or supervisor taking the call may record it.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/contact", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")),
    request_body = CustomerContactRequest,
    responses((status = 200, body = Ticket), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn customer_contact(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<CustomerContactRequest>,
) -> AppResult<HttpResponse> {
    let (t, b) = (target(&req, id.into_inner())?, body.0);
    change(state, user, move |c, who, settings| {
        requests::customer_contact(c, who, t, b, settings)
    })
    .await
}

/// Sets who works the ticket now; the owner stays.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/assign", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")), request_body = AssignRequest,
    responses((status = 200, body = Ticket), (status = 412, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn assign(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<AssignRequest>,
) -> AppResult<HttpResponse> {
    let (t, b) = (target(&req, id.into_inner())?, body.0);
    change(state, user, move |c, who, settings| {
        requests::assign(c, who, t, b, settings)
    })
    .await
}

/// The customer's authorizations for remote access.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/authorizations", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, body = Vec<RemoteAuthorization>), (status = 404, body = Problem)))]
pub async fn list_authorizations(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let auths = run(&state, move |c, _| service::authorizations(c, &who, id)).await?;
    Ok(HttpResponse::Ok().json(auths))
}

/// Records the customer's authorization for remote access (who, when, how).
///
/// Answers the authorization recorded; the ticket's `remote_authorized` is then true.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/authorizations", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")), request_body = NewAuthorization,
    responses((status = 201, body = RemoteAuthorization), (status = 412, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn authorize(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<NewAuthorization>,
) -> AppResult<HttpResponse> {
    let (who, t, b) = (who(&user, &state), target(&req, id.into_inner())?, body.0);
    let out = run(&state, move |c, st| requests::authorize(c, &who, t, b, &st.settings)).await?;
    Ok(HttpResponse::Created().json(out))
}

/// Records the customer's verdict: satisfied closes the ticket (and schedules its satisfaction
/// revisit, `FIELDLINE_REVISIT_SATISFACTION_DAYS` later, and e-mails the ticket's contact the
/// thanks with a survey link), not satisfied reopens it.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/acceptance", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")), request_body = AcceptanceRequest,
    responses((status = 200, body = Ticket), (status = 412, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn accept(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<AcceptanceRequest>,
) -> AppResult<HttpResponse> {
    // Closing the ticket schedules its satisfaction revisit and sends the closing e-mail with
    // its survey link, in the same transaction.
    let (who, t) = (who(&user, &state), target(&req, id.into_inner())?);
    let out = run(&state, move |c, st| {
        let id_domain = st.settings.mail.id_domain();
        let closing = super::surveys::closing_mail(st, &id_domain);
        let t = requests::accept(c, &who, t, body.0, &st.settings, closing)?;
        service::named(c, t)
    })
    .await?;
    Ok(with_etag(StatusCode::OK, out.version, &out))
}

/// Promises a callback for a question the call could not answer: due in 24 hours.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/callback", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")), request_body = Note,
    responses((status = 200, body = Ticket), (status = 412, body = Problem), (status = 409, body = Problem)))]
pub async fn request_callback(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    note: Json<Note>,
) -> AppResult<HttpResponse> {
    let (t, b) = (target(&req, id.into_inner())?, note.0);
    change(state, user, move |c, who, settings| {
        requests::request_callback(c, who, t, b, settings)
    })
    .await
}

/// The promised callback was made.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/callback/done", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")), request_body = Note,
    responses((status = 200, body = Ticket), (status = 412, body = Problem), (status = 409, body = Problem)))]
pub async fn callback_done(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    note: Json<Note>,
) -> AppResult<HttpResponse> {
    let (t, b) = (target(&req, id.into_inner())?, note.0);
    change(state, user, move |c, who, settings| {
        requests::callback_done(c, who, t, b, settings)
    })
    .await
}

/// Records the technician's arrival on site (stops the arrival clock).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/arrival", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id"),
        ("If-Match" = Option<String>, Header, description = "the ticket's ETag; a stale one gets 412 with the ticket as it is now")), request_body = ArrivalRequest,
    responses((status = 200, body = Ticket), (status = 412, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn arrival(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<i64>,
    body: Json<ArrivalRequest>,
) -> AppResult<HttpResponse> {
    let (t, b) = (target(&req, id.into_inner())?, body.0);
    change(state, user, move |c, who, settings| {
        requests::arrival(c, who, t, b, settings)
    })
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OnsiteQuery {
    pub status: Option<OnsiteRequestStatus>,
    pub ticket_id: Option<i64>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// On-site service registrations waiting for dispatch: flagged ones first, then by window.
#[utoipa::path(get, path = "/api/v1/onsite-requests", tag = "tickets", security(("bearer" = [])), params(OnsiteQuery),
    responses((status = 200, body = Page<OnsiteRequest>)))]
pub async fn onsite_requests(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: Query<OnsiteQuery>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let (status, ticket, limit, offset) = (q.status, q.ticket_id, q.limit, q.offset);
    let out = run(&state, move |c, _| {
        service::onsite_requests(c, &who, status, ticket, limit, offset)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
