//! The knowledge base: search and read articles, suggestions for a ticket being registered,
//! ratings, links to the tickets an article solved; editors write, submit, review, publish and
//! retire. The portal's customer-facing articles are here too.

use super::extract::{Json, Query};
use super::{run, who};
use crate::auth::portal::CurrentContact;
use crate::auth::CurrentUser;
use crate::db::Paging;
use crate::error::AppResult;
use crate::service::knowledge as edit;
use crate::service::knowledge_search::{self as reads, Searching};
use crate::startup::AppState;
use actix_web::{web, HttpResponse};
use fieldline_mobile_api::{
    Article, ArticleHit, ArticleInput, ArticleRating, ArticleRatingInput, ArticleReview, ArticleStatus,
    ArticleTicketLink, ArticleVersion, Page, PortalArticle, Problem, SuggestionRequest,
};
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SearchQuery {
    /// Words to look for (Chinese or English); without them, the latest changed.
    pub q: Option<String>,
    /// Published unless an editor or supervisor asks for another.
    pub status: Option<ArticleStatus>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    pub status: Option<ArticleStatus>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct WorstQuery {
    /// At most this many (20 by default, at most 200).
    pub limit: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PortalQuery {
    pub q: Option<String>,
}

macro_rules! answer {
    ($state:expr, $ok:ident, $f:expr) => {{
        let out = run(&$state, $f).await?;
        Ok(HttpResponse::$ok().json(out))
    }};
}

/// Searches the articles, by relevance (every word of the query must match).
#[utoipa::path(get, path = "/api/v1/knowledge/search", tag = "knowledge", security(("bearer" = [])), params(SearchQuery),
    responses((status = 200, body = Page<ArticleHit>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn search(state: web::Data<AppState>, user: CurrentUser, q: Query<SearchQuery>) -> AppResult<HttpResponse> {
    let q = q.0;
    let s = Searching {
        q: q.q,
        status: q.status,
        limit: q.limit,
        offset: q.offset,
    };
    let who = who(&user, &state);
    answer!(state, Ok, move |c, _| reads::search(c, &who, s))
}

/// Published articles matching a ticket's description (at most 5, best first).
#[utoipa::path(post, path = "/api/v1/knowledge/suggestions", tag = "knowledge", security(("bearer" = [])),
    request_body = SuggestionRequest,
    responses((status = 200, body = Vec<ArticleHit>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn suggest(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<SuggestionRequest>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    answer!(state, Ok, move |c, _| reads::suggest(c, &who, &body.0.text))
}

/// Lists articles in full by status, latest changed first (editors, supervisors).
#[utoipa::path(get, path = "/api/v1/knowledge/articles", tag = "knowledge", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = Page<Article>), (status = 403, body = Problem)))]
pub async fn list(state: web::Data<AppState>, user: CurrentUser, q: Query<ListQuery>) -> AppResult<HttpResponse> {
    let q = q.0;
    let paging = Paging::new(q.limit, q.offset)?;
    let who = who(&user, &state);
    answer!(state, Ok, move |c, _| reads::list(c, &who, q.status, paging))
}

/// Writes a new article as a draft (editors).
#[utoipa::path(post, path = "/api/v1/knowledge/articles", tag = "knowledge", security(("bearer" = [])),
    request_body = ArticleInput,
    responses((status = 201, body = Article), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<ArticleInput>,
) -> AppResult<HttpResponse> {
    let who = who(&user, &state);
    answer!(state, Created, move |c, _| edit::create(c, &who, body.0))
}

/// Reads an article (unpublished ones: editors and supervisors).
#[utoipa::path(get, path = "/api/v1/knowledge/articles/{id}", tag = "knowledge", security(("bearer" = [])),
    params(("id" = i64, Path, description = "article id")),
    responses((status = 200, body = Article), (status = 404, body = Problem)))]
pub async fn get(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    answer!(state, Ok, move |c, _| reads::get(c, &who, id))
}

/// Replaces an article's text and labels: a new version; back to draft unless it was one (editors).
#[utoipa::path(put, path = "/api/v1/knowledge/articles/{id}", tag = "knowledge", security(("bearer" = [])),
    params(("id" = i64, Path, description = "article id")), request_body = ArticleInput,
    responses((status = 200, body = Article), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<ArticleInput>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    answer!(state, Ok, move |c, _| edit::update(c, &who, id, body.0))
}

/// Submits a draft for review (editors).
#[utoipa::path(post, path = "/api/v1/knowledge/articles/{id}/submit", tag = "knowledge", security(("bearer" = [])),
    params(("id" = i64, Path, description = "article id")),
    responses((status = 200, body = Article), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn submit(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    answer!(state, Ok, move |c, _| edit::submit(c, &who, id))
}

/// Reviews an article: approve publishes it, otherwise back to draft with a note (another
/// editor than its last one, or a supervisor).
#[utoipa::path(post, path = "/api/v1/knowledge/articles/{id}/review", tag = "knowledge", security(("bearer" = [])),
    params(("id" = i64, Path, description = "article id")), request_body = ArticleReview,
    responses((status = 200, body = Article), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn review(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<ArticleReview>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    answer!(state, Ok, move |c, _| edit::review(c, &who, id, body.0))
}

/// Retires a published article.
#[utoipa::path(post, path = "/api/v1/knowledge/articles/{id}/retire", tag = "knowledge", security(("bearer" = [])),
    params(("id" = i64, Path, description = "article id")),
    responses((status = 200, body = Article), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn retire(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    answer!(state, Ok, move |c, _| edit::retire(c, &who, id))
}

/// Brings a retired article back as a draft.
#[utoipa::path(post, path = "/api/v1/knowledge/articles/{id}/reopen", tag = "knowledge", security(("bearer" = [])),
    params(("id" = i64, Path, description = "article id")),
    responses((status = 200, body = Article), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn reopen(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    answer!(state, Ok, move |c, _| edit::reopen(c, &who, id))
}

/// The article's versions, newest first: who changed it, when, and what it said.
#[utoipa::path(get, path = "/api/v1/knowledge/articles/{id}/versions", tag = "knowledge", security(("bearer" = [])),
    params(("id" = i64, Path, description = "article id")),
    responses((status = 200, body = Vec<ArticleVersion>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn versions(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    answer!(state, Ok, move |c, _| edit::versions(c, &who, id))
}

/// Rates a published article's accuracy and readability (1-5) with feedback; replaces the
/// reader's last rating.
#[utoipa::path(post, path = "/api/v1/knowledge/articles/{id}/ratings", tag = "knowledge", security(("bearer" = [])),
    params(("id" = i64, Path, description = "article id")), request_body = ArticleRatingInput,
    responses((status = 200, body = Article), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn rate(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<ArticleRatingInput>,
) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    answer!(state, Ok, move |c, _| edit::rate(c, &who, id, body.0))
}

/// The article's ratings and feedback (editors, supervisors).
#[utoipa::path(get, path = "/api/v1/knowledge/articles/{id}/ratings", tag = "knowledge", security(("bearer" = [])),
    params(("id" = i64, Path, description = "article id")),
    responses((status = 200, body = Vec<ArticleRating>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn ratings(state: web::Data<AppState>, user: CurrentUser, id: web::Path<i64>) -> AppResult<HttpResponse> {
    let (who, id) = (who(&user, &state), id.into_inner());
    answer!(state, Ok, move |c, _| edit::ratings(c, &who, id))
}

/// The rated articles, worst first (editors, supervisors).
#[utoipa::path(get, path = "/api/v1/knowledge/worst-rated", tag = "knowledge", security(("bearer" = [])),
    params(WorstQuery),
    responses((status = 200, body = Vec<Article>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn worst_rated(
    state: web::Data<AppState>,
    user: CurrentUser,
    q: Query<WorstQuery>,
) -> AppResult<HttpResponse> {
    let (who, limit) = (who(&user, &state), q.0.limit);
    answer!(state, Ok, move |c, _| edit::worst_rated(c, &who, limit))
}

/// Links a ticket the article solved (a repeated link changes nothing).
#[utoipa::path(post, path = "/api/v1/knowledge/articles/{id}/tickets", tag = "knowledge", security(("bearer" = [])),
    params(("id" = i64, Path, description = "article id")), request_body = ArticleTicketLink,
    responses((status = 200, body = Article), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn link_ticket(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    body: Json<ArticleTicketLink>,
) -> AppResult<HttpResponse> {
    let (who, id, ticket) = (who(&user, &state), id.into_inner(), body.0.ticket_id.0);
    answer!(state, Ok, move |c, _| edit::link_ticket(c, &who, id, ticket))
}

/// Searches the published articles meant for the contact's customer (at most 20, best first).
#[utoipa::path(get, path = "/api/v1/portal/knowledge", tag = "portal", security(("bearer" = [])), params(PortalQuery),
    responses((status = 200, body = Vec<PortalArticle>), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn portal_search(
    state: web::Data<AppState>,
    who: CurrentContact,
    q: Query<PortalQuery>,
) -> AppResult<HttpResponse> {
    let q = q.0.q;
    answer!(state, Ok, move |c, _| reads::portal_search(
        c,
        &who.contact,
        q.as_deref()
    ))
}

/// One article meant for the contact's customer.
#[utoipa::path(get, path = "/api/v1/portal/knowledge/{id}", tag = "portal", security(("bearer" = [])),
    params(("id" = i64, Path, description = "article id")),
    responses((status = 200, body = PortalArticle), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn portal_get(
    state: web::Data<AppState>,
    who: CurrentContact,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    answer!(state, Ok, move |c, _| reads::portal_get(c, &who.contact, id))
}
