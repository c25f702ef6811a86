//! Tickets: registration, the ladder (start, wait, resume, escalate, resolve, accept), ownership
//! (handoff, assign), the remote authorization, callbacks, arrival, the list and the timeline.
//! Major faults are in `major_faults.rs`.

use super::extract::{Json, Query};
use super::{actor, run};
use crate::auth::{CurrentUser, OFFICE_ROLES};
use crate::db::tickets::{self as store, Change, LadderAction, Registration, TicketFilter, TicketSort, Total};
use crate::db::{revisits, Paging};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{
    AcceptanceRequest, ArrivalRequest, AssignRequest, Channel, EscalateRequest, HandoffRequest, LadderTier,
    NewAuthorization, NewTicket, Note, OnsiteRequest, OnsiteRequestStatus, Page, Problem, RemoteAuthorization, Role,
    Ticket, TicketEvent, TicketStatus, UpdateTicket,
};
use serde::Deserialize;

/// Who registers tickets: the hotline, remote engineers and supervisors (inspections).
const REGISTRARS: &[Role] = &[Role::Agent, Role::RemoteEngineer, Role::Supervisor];

pub fn reason(field: &str, r: Option<&str>) -> AppResult<Option<String>> {
    Ok(validate::optional(r, |v| validate::text(field, v, 2000))?)
}

/// A moment given by the client: not in the future, at most a day back.
fn recent(field: &str, t: Option<DateTime<Utc>>, now: DateTime<Utc>) -> AppResult<DateTime<Utc>> {
    match t {
        None => Ok(now),
        Some(t) if t > now + Duration::minutes(1) => Err(AppError::validation(field, "must not be in the future")),
        Some(t) if t < now - Duration::days(1) => Err(AppError::validation(field, "must be within the last day")),
        Some(t) => Ok(t),
    }
}

async fn apply(state: &web::Data<AppState>, user: &CurrentUser, id: i64, change: Change) -> AppResult<HttpResponse> {
    // Who may do what to which ticket is decided with the ticket in hand (`db::tickets::act`).
    let who = actor(user, state);
    let role = user.role;
    let out = run(state, move |c, st| {
        store::act(c, &who, role, id, change, st.settings.escalation_step())
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

async fn ladder(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    note: Json<Note>,
    action: LadderAction,
) -> AppResult<HttpResponse> {
    let reason = reason("reason", note.reason.as_deref())?;
    apply(
        &state,
        &user,
        id.into_inner(),
        Change::Ladder {
            action,
            reason,
            window: None,
        },
    )
    .await
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct TicketQuery {
    pub status: Option<TicketStatus>,
    /// true: not closed; false: closed.
    pub open: Option<bool>,
    pub tier: Option<LadderTier>,
    pub owner_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub region_id: Option<i64>,
    /// Tickets that missed (true) or kept (false) every due time so far.
    pub breached: Option<bool>,
    pub major_fault: Option<bool>,
    /// Resolution due before this moment (RFC 3339).
    pub due_before: Option<DateTime<Utc>>,
    /// `due` (soonest resolution due first, the default) or `opened` (newest first).
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
    let mut filter = TicketFilter {
        status: q.status,
        open: q.open,
        tier: q.tier,
        owner_id: q.owner_id,
        assignee_id: q.assignee_id,
        customer_id: q.customer_id,
        region_id: q.region_id,
        breached: q.breached,
        major_fault: q.major_fault,
        due_before: q.due_before,
    };
    if user.is(Role::Technician) {
        filter.assignee_id = Some(user.id.0);
    } else {
        user.require(OFFICE_ROLES)?;
    }
    let sort = q.sort.unwrap_or_default();
    let count = if q.exact_total == Some(true) {
        Total::Exact
    } else {
        Total::UpTo(state.settings.list_count_cap.into())
    };
    let out = run(&state, move |c, _| store::list(c, &filter, sort, paging, count)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Registers a request. The registering user is its first responder and owner.
#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", security(("bearer" = [])), request_body = NewTicket,
    responses((status = 201, body = Ticket), (status = 422, body = Problem)))]
pub async fn create(state: web::Data<AppState>, user: CurrentUser, body: Json<NewTicket>) -> AppResult<HttpResponse> {
    user.require(REGISTRARS)?;
    let b = body.0;
    if b.channel == Channel::Revisit {
        return Err(AppError::validation(
            "channel",
            "a ticket from a revisit is opened by recording the revisit's outcome",
        ));
    }
    let who = actor(&user, &state);
    let reg = Registration {
        customer_id: b.customer_id.0,
        contact_id: b.contact_id.map(|x| x.0),
        site_id: b.site_id.map(|x| x.0),
        asset_id: b.asset_id.map(|x| x.0),
        channel: b.channel,
        priority: b.priority,
        title: validate::text("title", &b.title, 200)?,
        description: validate::text("description", &b.description, 10_000)?,
        received_at: recent("received_at", b.received_at, who.at)?,
    };
    let out = run(&state, move |c, st| {
        store::register(c, &who, reg, st.settings.escalation_step())
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

pub fn visible(user: &CurrentUser, t: &Ticket) -> AppResult<()> {
    if user.is(Role::Technician) && t.owner_id != user.id && t.assignee_id != Some(user.id) {
        return Err(AppError::not_found("ticket", t.id));
    }
    if !user.is(Role::Technician) {
        user.require(OFFICE_ROLES)?;
    }
    Ok(())
}

/// One ticket.
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, body = Ticket), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let out = run(&state, move |c, _| store::get(c, id)?.to_wire()).await?;
    visible(&user, &out)?;
    Ok(HttpResponse::Ok().json(out))
}

/// Every event of the ticket, oldest first: the trail that can be shown to the customer.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/timeline", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, body = Vec<TicketEvent>), (status = 404, body = Problem)))]
pub async fn timeline(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (ticket, events) = run(&state, move |c, _| {
        Ok((store::get(c, id)?.to_wire()?, store::timeline(c, id)?))
    })
    .await?;
    visible(&user, &ticket)?;
    Ok(HttpResponse::Ok().json(events))
}

/// Changes priority, site, title or description; a new priority or site recomputes the due times.
#[utoipa::path(patch, path = "/api/v1/tickets/{id}", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = UpdateTicket,
    responses((status = 200, body = Ticket), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<UpdateTicket>,
) -> AppResult<HttpResponse> {
    let b = body.0;
    let change = Change::Update {
        priority: b.priority,
        site_id: b.site_id.map(|s| s.0),
        title: b
            .title
            .as_deref()
            .map(|t| validate::text("title", t, 200))
            .transpose()?,
        description: b
            .description
            .as_deref()
            .map(|t| validate::text("description", t, 10_000))
            .transpose()?,
        reason: reason("reason", b.reason.as_deref())?,
    };
    apply(&state, &user, id.into_inner(), change).await
}

/// Starts work (the first response).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/start", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = Note,
    responses((status = 200, body = Ticket), (status = 409, body = Problem)))]
pub async fn start(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    note: Json<Note>,
) -> AppResult<HttpResponse> {
    ladder(state, user, id, note, LadderAction::Start).await
}

/// Waits on the customer: the SLA clock stops.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/wait", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = Note,
    responses((status = 200, body = Ticket), (status = 409, body = Problem)))]
pub async fn wait(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    note: Json<Note>,
) -> AppResult<HttpResponse> {
    ladder(state, user, id, note, LadderAction::Wait).await
}

/// The customer answered: the SLA clock runs again and the due times move by the pause.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/resume", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = Note,
    responses((status = 200, body = Ticket), (status = 409, body = Problem)))]
pub async fn resume(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    note: Json<Note>,
) -> AppResult<HttpResponse> {
    ladder(state, user, id, note, LadderAction::Resume).await
}

/// The work is done; the customer is asked to accept.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/resolve", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = Note,
    responses((status = 200, body = Ticket), (status = 409, body = Problem)))]
pub async fn resolve(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    note: Json<Note>,
) -> AppResult<HttpResponse> {
    ladder(state, user, id, note, LadderAction::Resolve).await
}

/// Climbs the ladder. Remote needs the customer's authorization on record; on-site needs the agreed
/// visit window and creates the on-site registration; skipping a tier needs a reason.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/escalate", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = EscalateRequest,
    responses((status = 200, body = Ticket), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn escalate(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<EscalateRequest>,
) -> AppResult<HttpResponse> {
    let b = body.0;
    let window = match (b.window_start, b.window_end) {
        (Some(s), Some(e)) => Some((s, e)),
        (None, None) => None,
        (Some(_), None) => return Err(AppError::validation("window_end", "give both ends of the window")),
        (None, Some(_)) => return Err(AppError::validation("window_start", "give both ends of the window")),
    };
    let change = Change::Ladder {
        action: LadderAction::Escalate(b.to),
        reason: reason("reason", b.reason.as_deref())?,
        window,
    };
    apply(&state, &user, id.into_inner(), change).await
}

/// Hands ownership to a named user, with a reason (the owner, a supervisor or an admin).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/handoff", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = HandoffRequest,
    responses((status = 200, body = Ticket), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn handoff(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<HandoffRequest>,
) -> AppResult<HttpResponse> {
    let b = body.0;
    let change = Change::Handoff {
        to: b.to_user_id.0,
        reason: validate::text("reason", &b.reason, 2000)?,
    };
    apply(&state, &user, id.into_inner(), change).await
}

/// Sets who works the ticket now; the owner stays.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/assign", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = AssignRequest,
    responses((status = 200, body = Ticket), (status = 422, body = Problem)))]
pub async fn assign(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<AssignRequest>,
) -> AppResult<HttpResponse> {
    let b = body.0;
    let change = Change::Assign {
        to: b.assignee_id.map(|u| u.0),
        reason: reason("reason", b.reason.as_deref())?,
    };
    apply(&state, &user, id.into_inner(), change).await
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
    let id = id.into_inner();
    let (ticket, auths) = run(&state, move |c, _| {
        Ok((store::get(c, id)?.to_wire()?, store::authorizations(c, id)?))
    })
    .await?;
    visible(&user, &ticket)?;
    Ok(HttpResponse::Ok().json(auths))
}

/// Records the customer's authorization for remote access (who, when, how).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/authorizations", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = NewAuthorization,
    responses((status = 200, body = Ticket), (status = 422, body = Problem)))]
pub async fn authorize(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<NewAuthorization>,
) -> AppResult<HttpResponse> {
    let b = body.0;
    let now = state.clock.now();
    let change = Change::Authorize {
        by: validate::text("authorized_by", &b.authorized_by, 200)?,
        method: b.method,
        at: recent("authorized_at", b.authorized_at, now)?,
        note: reason("note", b.note.as_deref())?,
    };
    apply(&state, &user, id.into_inner(), change).await
}

/// Records the customer's verdict: satisfied closes the ticket (and schedules its satisfaction
/// revisit, `FIELDLINE_REVISIT_SATISFACTION_DAYS` later, and e-mails the ticket's contact the
/// thanks with a survey link), not satisfied reopens it.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/acceptance", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = AcceptanceRequest,
    responses((status = 200, body = Ticket), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn accept(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<AcceptanceRequest>,
) -> AppResult<HttpResponse> {
    let b = body.0;
    let change = Change::Accept {
        accepted_by: validate::text("accepted_by", &b.accepted_by, 200)?,
        satisfied: b.satisfied,
        comment: reason("comment", b.comment.as_deref())?,
    };
    // Closing the ticket schedules its satisfaction revisit and sends the closing e-mail with
    // its survey link, in the same transaction.
    let (who, id) = (super::who(&user, &state), id.into_inner());
    let out = run(&state, move |c, st| {
        let id_domain = st.settings.mail.id_domain();
        let acceptance = crate::service::revisits::Acceptance {
            step_interval: st.settings.escalation_step(),
            satisfaction_days: st.settings.revisits.satisfaction_days,
            closing: super::surveys::closing_mail(st, &id_domain),
        };
        revisits::accept_ticket(c, &who, id, change, acceptance)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Promises a callback for a question the call could not answer: due in 24 hours.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/callback", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = Note,
    responses((status = 200, body = Ticket), (status = 409, body = Problem)))]
pub async fn request_callback(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    note: Json<Note>,
) -> AppResult<HttpResponse> {
    let change = Change::RequestCallback {
        reason: reason("reason", note.reason.as_deref())?,
    };
    apply(&state, &user, id.into_inner(), change).await
}

/// The promised callback was made.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/callback/done", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = Note,
    responses((status = 200, body = Ticket), (status = 409, body = Problem)))]
pub async fn callback_done(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    note: Json<Note>,
) -> AppResult<HttpResponse> {
    let change = Change::CallbackDone {
        reason: reason("reason", note.reason.as_deref())?,
    };
    apply(&state, &user, id.into_inner(), change).await
}

/// Records the technician's arrival on site (stops the arrival clock).
#[utoipa::path(post, path = "/api/v1/tickets/{id}/arrival", tag = "tickets", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")), request_body = ArrivalRequest,
    responses((status = 200, body = Ticket), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn arrival(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<ArrivalRequest>,
) -> AppResult<HttpResponse> {
    let at = recent("arrived_at", body.arrived_at, state.clock.now())?;
    apply(&state, &user, id.into_inner(), Change::Arrived { at }).await
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
    user.require(OFFICE_ROLES)?;
    let paging = Paging::new(q.limit, q.offset)?;
    let (status, ticket) = (q.status, q.ticket_id);
    let out = run(&state, move |c, _| store::onsite_requests(c, status, ticket, paging)).await?;
    Ok(HttpResponse::Ok().json(out))
}
