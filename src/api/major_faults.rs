//! Major faults: marking a ticket one (the notice goes out at once through the outbox),
//! handling-plan updates and the fault's end (each with a follow-up notice), and the list the
//! managers track them on.

use super::extract::{Json, Query};
use super::tickets::{reason, visible};
use super::{actor, run};
use crate::auth::{CurrentUser, OFFICE_ROLES};
use crate::db::major_faults::{self as store, Declaration, NoticeSettings};
use crate::db::{tickets, Paging};
use crate::domain::major_fault::{self as rules, Details};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::mail;
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{EndMajorFault, MajorFault, MajorFaultProgress, NewMajorFault, Page, Problem};
use serde::Deserialize;

fn notices(state: &AppState) -> NoticeSettings {
    NoticeSettings {
        id_domain: state.settings.mail.id_domain(),
    }
}

fn long_text(field: &str, v: Option<&str>, max: usize) -> AppResult<Option<String>> {
    Ok(validate::optional(v, |t| validate::multiline(field, t, max))?)
}

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
    let b = body.0;
    let who = actor(&user, &state);
    let details = Details::parse(b.occurred_at, &b.location, &b.symptoms, &b.handling_plan, who.at)?;
    if b.extra_recipients.len() > rules::EXTRA_RECIPIENTS_MAX {
        return Err(AppError::validation(
            "extra_recipients",
            format!("at most {} addresses", rules::EXTRA_RECIPIENTS_MAX),
        ));
    }
    let declaration = Declaration {
        details,
        reason: reason("reason", b.reason.as_deref())?,
        extra_recipients: mail::parse_recipients("extra_recipients", &b.extra_recipients)?,
    };
    let (role, id, n) = (user.role, id.into_inner(), notices(&state));
    let out = run(&state, move |c, st| {
        store::declare(c, &who, role, id, declaration, &n, st.settings.escalation_step())
    })
    .await?;
    Ok(HttpResponse::Created().json(out))
}

/// The ticket's major fault, with the notices sent about it.
#[utoipa::path(get, path = "/api/v1/tickets/{id}/major-fault", tag = "major faults", security(("bearer" = [])),
    params(("id" = i64, Path, description = "ticket id")),
    responses((status = 200, body = MajorFault), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now();
    let (ticket, fault) = run(&state, move |c, _| {
        let ticket = tickets::get(c, id)?.to_wire()?;
        Ok((ticket, store::of_ticket(c, id, now)))
    })
    .await?;
    visible(&user, &ticket)?;
    Ok(HttpResponse::Ok().json(fault?))
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
    let b = body.0;
    let plan = validate::multiline("handling_plan", &b.handling_plan, rules::PLAN_MAX)?;
    let note = long_text("note", b.note.as_deref(), rules::NOTE_MAX)?;
    let (who, role, id, n) = (actor(&user, &state), user.role, id.into_inner(), notices(&state));
    let out = run(&state, move |c, _| store::progress(c, &who, role, id, plan, note, &n)).await?;
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
    let b = body.0;
    let who = actor(&user, &state);
    let ended_at = b.ended_at.unwrap_or(who.at);
    let summary = long_text("summary", b.summary.as_deref(), rules::NOTE_MAX)?;
    let (role, id, n) = (user.role, id.into_inner(), notices(&state));
    let out = run(&state, move |c, _| store::end(c, &who, role, id, ended_at, summary, &n)).await?;
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
    user.require(OFFICE_ROLES)?;
    let paging = Paging::new(q.limit, q.offset)?;
    let (open, now) = (q.open, state.clock.now());
    let out = run(&state, move |c, _| store::list(c, open, paging, now)).await?;
    Ok(HttpResponse::Ok().json(out))
}
