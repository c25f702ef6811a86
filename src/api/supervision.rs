//! Stalled work and chasing: the stall rules, the stalled list, chases and their answers.

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::service::supervision::{self as service, StalledFilter};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{Chase, ChaseAnswer, NewChase, Page, Problem, StallRule, StallRuleInput, StalledItem};
use serde::Deserialize;

/// Every state's stall rule (office staff).
#[utoipa::path(get, path = "/api/v1/stall-rules", tag = "supervision", security(("bearer" = [])),
    responses((status = 200, body = Vec<StallRule>)))]
pub async fn list_rules(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::rules(c, &who)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Sets a state's limit in working hours, or none (admin).
#[utoipa::path(put, path = "/api/v1/stall-rules/{state}", tag = "supervision", security(("bearer" = [])),
    params(("state" = String, Path, description = "the state, as `StallState` spells it")), request_body = StallRuleInput,
    responses((status = 200, body = StallRule), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn put_rule(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<String>,
    body: Json<StallRuleInput>,
) -> AppResult<HttpResponse> {
    let (who, s) = (who(&user, &state), path.into_inner());
    let out = run(&state, move |c, _| service::set_rule(c, &who, &s, &body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StalledQuery {
    /// Only work held by members of this team.
    pub team_id: Option<i64>,
    /// Only work held by this user.
    pub holder_id: Option<i64>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The stalled work, longest stalled first: all of it for supervisors, managers and admins; the
/// work held by the people they lead for a shift lead or team lead.
#[utoipa::path(get, path = "/api/v1/stalled", tag = "supervision", security(("bearer" = [])), params(StalledQuery),
    responses((status = 200, body = Page<StalledItem>)))]
pub async fn stalled(state: web::Data<AppState>, user: CurrentUser, q: Query<StalledQuery>) -> AppResult<HttpResponse> {
    let f = StalledFilter {
        team_id: q.team_id,
        holder_id: q.holder_id,
    };
    let (who, page) = (who(&user, &state), (q.limit, q.offset));
    let out = run(&state, move |c, _| service::stalled(c, &who, f, page.0, page.1)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Chases a ticket or a visit: recorded on the ticket's timeline and sent to its holder, with a
/// time to answer by. 409 `conflict` while an earlier chase of it is unanswered; 409
/// `invalid_transition` for work no longer open.
#[utoipa::path(post, path = "/api/v1/chases", tag = "supervision", security(("bearer" = [])), request_body = NewChase,
    responses((status = 201, body = Chase), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn chase(state: web::Data<AppState>, user: CurrentUser, body: Json<NewChase>) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    let out = run(&state, move |c, _| service::chase(c, &who, &body.0)).await?;
    Ok(HttpResponse::Created().json(out))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MyChasesQuery {
    /// Only those not yet answered.
    #[serde(default)]
    pub open: bool,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The chases addressed to me, unanswered first.
#[utoipa::path(get, path = "/api/v1/chases/mine", tag = "supervision", security(("bearer" = [])), params(MyChasesQuery),
    responses((status = 200, body = Page<Chase>)))]
pub async fn mine(state: web::Data<AppState>, user: CurrentUser, q: Query<MyChasesQuery>) -> AppResult<HttpResponse> {
    let (who, open, page) = (who(&user, &state), q.open, (q.limit, q.offset));
    let out = run(&state, move |c, _| service::mine(c, &who, open, page.0, page.1)).await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Answers a chase addressed to me (once; 409 `conflict` when answered already).
#[utoipa::path(post, path = "/api/v1/chases/{id}/answer", tag = "supervision", security(("bearer" = [])),
    params(("id" = i64, Path, description = "chase id")), request_body = ChaseAnswer,
    responses((status = 200, body = Chase), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn answer(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<ChaseAnswer>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    let out = run(&state, move |c, _| service::answer(c, &who, id, &body.0)).await?;
    Ok(HttpResponse::Ok().json(out))
}
