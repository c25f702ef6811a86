//! The HTTP API: the one route table, the OpenAPI document, and the helpers handlers share.

pub mod assets;
pub mod audit;
pub mod auth;
pub mod complaints;
pub mod console;
pub mod customers;
pub mod day_plans;
pub mod dispatch;
pub mod extract;
pub mod fault_reports;
pub mod handovers;
pub mod health;
pub mod imports;
pub mod inspections;
pub mod intake;
pub mod jobs;
pub mod knowledge;
pub mod major_faults;
pub mod metrics;
pub mod mobile;
pub mod notifications;
pub mod openapi;
pub mod org;
pub mod outbox;
pub mod portal;
pub mod privacy;
pub mod quality;
pub mod quotes;
pub mod regions;
pub mod reports;
pub mod revisits;
pub mod roster;
pub mod sites;
pub mod sla;
pub mod static_files;
pub mod supervision;
pub mod surveys;
pub mod tickets;
pub mod users;

use crate::auth::CurrentUser;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::startup::AppState;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use utoipa::OpenApi;

/// Runs database work on the blocking pool, in the request's span.
pub async fn run<T, F>(state: &web::Data<AppState>, f: F) -> AppResult<T>
where
    F: FnOnce(&mut DbConn, &AppState) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    crate::startup::blocking(state, f).await
}

/// Runs read-only work of a report or an export: on the read replica when it is close enough
/// behind (`startup::blocking_read`), else on the primary.
pub async fn read<T, F>(state: &web::Data<AppState>, f: F) -> AppResult<T>
where
    F: Fn(&mut DbConn, &AppState) -> AppResult<T> + Send + Sync + 'static,
    T: Send + 'static,
{
    crate::startup::blocking_read(state, f).await
}

/// The request of the signed-in user, now, as the services take it.
pub fn who(user: &CurrentUser, state: &AppState) -> crate::service::Who {
    crate::service::Who {
        caller: user.caller(),
        at: state.clock.now(),
    }
}

/// The version an `If-Match` header names (`"3"`, or `W/"3"`), if there is one.
pub fn if_match(req: &HttpRequest) -> AppResult<Option<i32>> {
    let Some(v) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = v.to_str().unwrap_or("").trim();
    let text = text.strip_prefix("W/").unwrap_or(text);
    let digits = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text);
    // As the document's pattern says (`openapi::IF_MATCH_PATTERN`): one to nine digits.
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(crate::domain::Invalid::format("If-Match", "must be the object's ETag, e.g. \"3\"").into());
    }
    digits
        .parse()
        .map(Some)
        .map_err(|_| crate::domain::Invalid::format("If-Match", "must be the object's ETag, e.g. \"3\"").into())
}

/// The `ETag` header of an object's version.
pub fn etag(version: i32) -> (header::HeaderName, String) {
    (header::ETAG, format!("\"{version}\""))
}

/// A response with an object whose version is its `ETag`.
pub fn with_etag<T: serde::Serialize>(status: actix_web::http::StatusCode, version: i32, body: &T) -> HttpResponse {
    HttpResponse::build(status).insert_header(etag(version)).json(body)
}

/// A resource whose unknown methods answer 405 problem+json.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

/// A resource whose path carries a credential (a survey link's token): its answers are not
/// stored by caches, and a page does not pass its address on to others.
fn private_resource(
    path: &str,
) -> actix_web::Resource<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    resource(path).wrap(
        actix_web::middleware::DefaultHeaders::new()
            .add((header::CACHE_CONTROL, "no-store"))
            .add((header::REFERRER_POLICY, "no-referrer")),
    )
}

/// 405 problem+json with the `Allow` header (RFC 9110): the methods the OpenAPI document gives
/// the path (so the header and the document cannot differ), or `GET` for the pages, scripts and
/// documents outside it.
async fn method_not_allowed(req: HttpRequest) -> AppResult<HttpResponse> {
    let allow = req
        .match_pattern()
        .and_then(|p| openapi::methods_of(&p))
        .unwrap_or_else(|| "GET".to_string());
    Err(AppError::MethodNotAllowed { allow })
}

/// The longest path and query the service reads (bytes); a longer address is answered 414.
/// The HTTP layer's own limit on the request head is above it (see docs/api.md).
pub const URI_MAX: usize = 8 * 1024;

/// Around every answer: a request whose address is longer than `URI_MAX` is answered 414 before
/// routing; every answer carries `X-Content-Type-Options: nosniff` and the request's id in
/// `X-Request-Id`; the API's answers (tokens, personal data) `Cache-Control: no-store`.
pub async fn protect(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use actix_web::{HttpMessage, ResponseError};
    let private = req.path().starts_with("/api/");
    let id = req
        .extensions()
        .get::<crate::telemetry::RequestId>()
        .map(|r| r.0.clone());
    let length = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    let mut res = if length > URI_MAX {
        let refused = AppError::UriTooLong(URI_MAX).error_response();
        req.into_response(refused).map_into_right_body()
    } else {
        next.call(req).await?.map_into_left_body()
    };
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    if private {
        headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    }
    if let Some(v) = id.and_then(|id| header::HeaderValue::from_str(&id).ok()) {
        headers.insert(header::HeaderName::from_static(crate::telemetry::REQUEST_ID_HEADER), v);
    }
    Ok(res)
}

async fn no_route(req: HttpRequest) -> AppResult<HttpResponse> {
    Err(AppError::NotFound(format!("no resource at {}", req.path())))
}

async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(openapi_document())
}

/// The OpenAPI document, pretty-printed, as served and as committed in `mobile-api/openapi.json`.
pub fn openapi_document() -> String {
    openapi::document().to_string()
}

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::PathConfig::default().error_handler(|e, _| AppError::NotFound(format!("no such resource: {e}")).into()),
    )
    .service(resource("/health").route(web::get().to(health::health)))
    .service(resource("/ready").route(web::get().to(health::ready)))
    .service(resource("/openapi.json").route(web::get().to(openapi_json)))
    .service(resource("/metrics").route(web::get().to(metrics::scrape)))
    .service(private_resource("/survey/{token}").route(web::get().to(surveys::page)))
    .service(resource("/survey.js").route(web::get().to(surveys::script)))
    .service(resource("/survey.css").route(web::get().to(surveys::style)))
    .service(resource("/console").route(web::get().to(console::root)))
    .service(resource("/console/{file:.*}").route(web::get().to(console::file)))
    .service(resource("/portal").route(web::get().to(portal::root)))
    .service(resource("/portal/{file:.*}").route(web::get().to(portal::file)))
    .service(
        web::scope("/api/v1")
            .service(resource("/portal/sign-in").route(web::post().to(portal::request_link)))
            .service(private_resource("/portal/session").route(web::post().to(portal::open_session)))
            .service(resource("/portal/sign-out").route(web::post().to(portal::sign_out)))
            .service(resource("/portal/me").route(web::get().to(portal::me)))
            .service(
                resource("/portal/tickets")
                    .route(web::get().to(portal::tickets))
                    .route(web::post().to(portal::request)),
            )
            .service(resource("/portal/tickets/{id}").route(web::get().to(portal::ticket)))
            .service(
                resource("/portal/tickets/{id}/attachments")
                    .route(web::get().to(portal::attachments))
                    .route(web::post().to(portal::upload)),
            )
            .service(
                resource("/portal/tickets/{id}/attachments/{attachment_id}").route(web::get().to(portal::download)),
            )
            .service(resource("/portal/tickets/{id}/remote-authorization").route(web::post().to(portal::authorize)))
            .service(resource("/portal/tickets/{id}/acceptance").route(web::post().to(portal::accept)))
            .service(resource("/portal/tickets/{id}/survey").route(web::post().to(portal::survey)))
            .service(resource("/portal/quotes/{id}").route(web::get().to(portal::quote)))
            .service(resource("/portal/quotes/{id}/answer").route(web::post().to(portal::answer_quote)))
            .service(resource("/portal/visits").route(web::get().to(portal::visits)))
            .service(resource("/portal/visits/{id}").route(web::get().to(portal::visit)))
            .service(resource("/portal/sites").route(web::get().to(portal::sites)))
            .service(resource("/portal/sites/{id}").route(web::get().to(portal::site)))
            .service(resource("/portal/knowledge").route(web::get().to(knowledge::portal_search)))
            .service(resource("/portal/knowledge/{id}").route(web::get().to(knowledge::portal_get)))
            .service(resource("/knowledge/search").route(web::get().to(knowledge::search)))
            .service(resource("/knowledge/suggestions").route(web::post().to(knowledge::suggest)))
            .service(resource("/knowledge/worst-rated").route(web::get().to(knowledge::worst_rated)))
            .service(
                resource("/knowledge/articles")
                    .route(web::get().to(knowledge::list))
                    .route(web::post().to(knowledge::create)),
            )
            .service(
                resource("/knowledge/articles/{id}")
                    .route(web::get().to(knowledge::get))
                    .route(web::put().to(knowledge::update)),
            )
            .service(resource("/knowledge/articles/{id}/submit").route(web::post().to(knowledge::submit)))
            .service(resource("/knowledge/articles/{id}/review").route(web::post().to(knowledge::review)))
            .service(resource("/knowledge/articles/{id}/retire").route(web::post().to(knowledge::retire)))
            .service(resource("/knowledge/articles/{id}/reopen").route(web::post().to(knowledge::reopen)))
            .service(resource("/knowledge/articles/{id}/versions").route(web::get().to(knowledge::versions)))
            .service(
                resource("/knowledge/articles/{id}/ratings")
                    .route(web::get().to(knowledge::ratings))
                    .route(web::post().to(knowledge::rate)),
            )
            .service(resource("/knowledge/articles/{id}/tickets").route(web::post().to(knowledge::link_ticket)))
            .service(resource("/auth/login").route(web::post().to(auth::login)))
            .service(resource("/auth/refresh").route(web::post().to(auth::refresh)))
            .service(resource("/auth/logout").route(web::post().to(auth::logout)))
            .service(
                resource("/me")
                    .route(web::get().to(users::me))
                    .route(web::patch().to(users::update_me)),
            )
            .service(
                resource("/users")
                    .route(web::get().to(users::list))
                    .route(web::post().to(users::create)),
            )
            .service(resource("/users/directory").route(web::get().to(users::directory)))
            .service(
                resource("/users/{id}")
                    .route(web::get().to(users::get))
                    .route(web::patch().to(users::update)),
            )
            .service(resource("/users/{id}/organisation").route(web::put().to(org::set_organisation)))
            .service(
                resource("/teams")
                    .route(web::get().to(org::list))
                    .route(web::post().to(org::create)),
            )
            .service(resource("/teams/{id}").route(web::put().to(org::replace)))
            .service(
                resource("/desk/shifts")
                    .route(web::get().to(roster::shifts))
                    .route(web::post().to(roster::create_shift)),
            )
            .service(resource("/desk/shifts/{id}").route(web::put().to(roster::update_shift)))
            .service(
                resource("/roster")
                    .route(web::get().to(roster::list))
                    .route(web::post().to(roster::add)),
            )
            .service(
                resource("/roster/swaps")
                    .route(web::get().to(roster::swaps))
                    .route(web::post().to(roster::ask_swap)),
            )
            .service(resource("/roster/swaps/{id}/approve").route(web::post().to(roster::approve_swap)))
            .service(resource("/roster/swaps/{id}/refuse").route(web::post().to(roster::refuse_swap)))
            .service(resource("/roster/swaps/{id}/cancel").route(web::post().to(roster::cancel_swap)))
            .service(resource("/roster/{id}").route(web::delete().to(roster::remove)))
            .service(
                resource("/day-plans")
                    .route(web::get().to(day_plans::list))
                    .route(web::post().to(day_plans::create)),
            )
            .service(resource("/day-plans/{id}").route(web::get().to(day_plans::get)))
            .service(resource("/day-plans/{id}/apply").route(web::post().to(day_plans::apply)))
            .service(resource("/handovers/draft").route(web::get().to(handovers::draft)))
            .service(
                resource("/handovers")
                    .route(web::get().to(handovers::list))
                    .route(web::post().to(handovers::create)),
            )
            .service(resource("/handovers/{id}").route(web::get().to(handovers::get)))
            .service(resource("/handovers/{id}/acknowledge").route(web::post().to(handovers::acknowledge)))
            .service(resource("/equipment-checks/today").route(web::get().to(handovers::checks_today)))
            .service(
                resource("/equipment-checks")
                    .route(web::get().to(handovers::checks))
                    .route(web::post().to(handovers::record_check)),
            )
            .service(
                resource("/customers")
                    .route(web::get().to(customers::list))
                    .route(web::post().to(customers::create)),
            )
            .service(resource("/customers/lookup").route(web::get().to(customers::lookup)))
            .service(
                resource("/customers/{id}")
                    .route(web::get().to(customers::get))
                    .route(web::patch().to(customers::update)),
            )
            .service(
                resource("/customers/{id}/notices")
                    .route(web::get().to(customers::notices))
                    .route(web::put().to(customers::set_notices)),
            )
            .service(
                resource("/customers/{id}/contacts")
                    .route(web::get().to(customers::list_contacts))
                    .route(web::post().to(customers::create_contact)),
            )
            .service(
                resource("/contacts/{id}")
                    .route(web::patch().to(customers::update_contact))
                    .route(web::delete().to(customers::delete_contact)),
            )
            .service(resource("/imports/{kind}").route(web::post().to(imports::import)))
            .service(resource("/imports/{kind}/template").route(web::get().to(imports::template)))
            .service(resource("/contacts/{id}/personal-data").route(web::get().to(privacy::export)))
            .service(resource("/contacts/{id}/erasure").route(web::post().to(privacy::erase)))
            .service(
                resource("/regions")
                    .route(web::get().to(regions::list))
                    .route(web::post().to(regions::create)),
            )
            .service(
                resource("/regions/{id}")
                    .route(web::get().to(regions::get))
                    .route(web::patch().to(regions::update)),
            )
            .service(
                resource("/sites")
                    .route(web::get().to(sites::list))
                    .route(web::post().to(sites::create)),
            )
            .service(
                resource("/sites/{id}")
                    .route(web::get().to(sites::get))
                    .route(web::patch().to(sites::update)),
            )
            .service(
                resource("/assets")
                    .route(web::get().to(assets::list))
                    .route(web::post().to(assets::create)),
            )
            .service(
                resource("/assets/{id}")
                    .route(web::get().to(assets::get))
                    .route(web::patch().to(assets::update)),
            )
            .service(resource("/audit").route(web::get().to(audit::list)))
            .service(
                resource("/tickets")
                    .route(web::get().to(tickets::list))
                    .route(web::post().to(tickets::create)),
            )
            // Before `/tickets/{id}`, which would take `repeat-check` for an id.
            .service(resource("/tickets/repeat-check").route(web::get().to(tickets::repeat_check)))
            .service(resource("/tickets/preview").route(web::post().to(tickets::preview)))
            .service(
                resource("/tickets/{id}")
                    .route(web::get().to(tickets::get))
                    .route(web::patch().to(tickets::update)),
            )
            .service(resource("/tickets/{id}/timeline").route(web::get().to(tickets::timeline)))
            .service(resource("/tickets/{id}/attachments").route(web::get().to(intake::attachments)))
            .service(resource("/tickets/{id}/attachments/{attachment_id}").route(web::get().to(intake::download)))
            .service(resource("/tickets/{id}/replies").route(web::post().to(intake::reply)))
            .service(resource("/intake").route(web::get().to(intake::list)))
            .service(resource("/intake/{id}").route(web::get().to(intake::get)))
            .service(resource("/intake/{id}/convert").route(web::post().to(intake::convert)))
            .service(resource("/intake/{id}/discard").route(web::post().to(intake::discard)))
            .service(resource("/tickets/{id}/start").route(web::post().to(tickets::start)))
            .service(resource("/tickets/{id}/wait").route(web::post().to(tickets::wait)))
            .service(resource("/tickets/{id}/resume").route(web::post().to(tickets::resume)))
            .service(resource("/tickets/{id}/resolve").route(web::post().to(tickets::resolve)))
            .service(resource("/tickets/{id}/escalate").route(web::post().to(tickets::escalate)))
            .service(resource("/tickets/{id}/kind").route(web::post().to(tickets::change_kind)))
            .service(resource("/tickets/{id}/handoff").route(web::post().to(tickets::handoff)))
            .service(resource("/tickets/{id}/cancel").route(web::post().to(tickets::cancel)))
            .service(resource("/tickets/{id}/contact").route(web::post().to(tickets::customer_contact)))
            .service(resource("/tickets/{id}/assign").route(web::post().to(tickets::assign)))
            .service(
                resource("/tickets/{id}/authorizations")
                    .route(web::get().to(tickets::list_authorizations))
                    .route(web::post().to(tickets::authorize)),
            )
            .service(resource("/tickets/{id}/acceptance").route(web::post().to(tickets::accept)))
            .service(resource("/tickets/{id}/callback").route(web::post().to(tickets::request_callback)))
            .service(resource("/tickets/{id}/callback/done").route(web::post().to(tickets::callback_done)))
            .service(resource("/tickets/{id}/arrival").route(web::post().to(tickets::arrival)))
            .service(resource("/tickets/{id}/survey").route(web::get().to(surveys::of_ticket)))
            .service(
                resource("/tickets/{id}/major-fault")
                    .route(web::get().to(major_faults::get))
                    .route(web::post().to(major_faults::declare)),
            )
            .service(resource("/tickets/{id}/major-fault/updates").route(web::post().to(major_faults::progress)))
            .service(resource("/tickets/{id}/major-fault/end").route(web::post().to(major_faults::end)))
            .service(resource("/major-faults").route(web::get().to(major_faults::list)))
            .service(
                resource("/fault-reports")
                    .route(web::get().to(fault_reports::list))
                    .route(web::post().to(fault_reports::create)),
            )
            .service(
                resource("/fault-reports/{id}")
                    .route(web::get().to(fault_reports::get))
                    .route(web::patch().to(fault_reports::update)),
            )
            .service(resource("/fault-reports/{id}/submit").route(web::post().to(fault_reports::submit)))
            .service(resource("/fault-reports/{id}/approve").route(web::post().to(fault_reports::approve)))
            .service(resource("/fault-reports/{id}/return").route(web::post().to(fault_reports::return_to_author)))
            .service(resource("/fault-reports/{id}/send").route(web::post().to(fault_reports::send)))
            .service(resource("/fault-reports/{id}/mail-preview").route(web::get().to(fault_reports::mail_preview)))
            .service(resource("/fault-reports/{id}/revisions").route(web::post().to(fault_reports::revise)))
            .service(resource("/onsite-requests").route(web::get().to(tickets::onsite_requests)))
            .service(
                resource("/sla/policies")
                    .route(web::get().to(sla::list_policies))
                    .route(web::post().to(sla::create_policy)),
            )
            .service(resource("/sla/policies/{id}").route(web::patch().to(sla::update_policy)))
            .service(resource("/sla/complaint-limits").route(web::get().to(complaints::list_limits)))
            .service(resource("/sla/complaint-limits/{tier}").route(web::put().to(complaints::put_limits)))
            .service(resource("/complaints").route(web::get().to(complaints::list)))
            .service(resource("/tickets/{id}/complaint").route(web::get().to(complaints::get)))
            .service(resource("/tickets/{id}/complaint/resolution").route(web::post().to(complaints::resolution)))
            .service(resource("/tickets/{id}/complaint/answer").route(web::post().to(complaints::answer)))
            .service(resource("/tickets/{id}/complaint/subject").route(web::post().to(complaints::subject)))
            .service(
                resource("/calendar")
                    .route(web::get().to(sla::get_calendar))
                    .route(web::put().to(sla::put_calendar)),
            )
            .service(
                resource("/calendar/holidays")
                    .route(web::get().to(sla::list_holidays))
                    .route(web::post().to(sla::add_holiday)),
            )
            .service(resource("/calendar/holidays/{id}").route(web::delete().to(sla::delete_holiday)))
            .service(resource("/notifications").route(web::get().to(notifications::list)))
            .service(resource("/stall-rules").route(web::get().to(supervision::list_rules)))
            .service(resource("/stall-rules/{state}").route(web::put().to(supervision::put_rule)))
            .service(resource("/stalled").route(web::get().to(supervision::stalled)))
            .service(resource("/chases").route(web::post().to(supervision::chase)))
            .service(resource("/chases/mine").route(web::get().to(supervision::mine)))
            .service(resource("/chases/{id}/answer").route(web::post().to(supervision::answer)))
            .service(resource("/notifications/{id}/read").route(web::post().to(notifications::read)))
            .service(resource("/jobs/runs").route(web::get().to(jobs::list_runs)))
            .service(resource("/jobs/{name}/run").route(web::post().to(jobs::run_job)))
            .service(resource("/outbox").route(web::get().to(outbox::list)))
            .service(resource("/outbox/{id}/retry").route(web::post().to(outbox::retry)))
            .service(resource("/outbox/{id}/send-now").route(web::post().to(outbox::send_now)))
            .service(resource("/revisits").route(web::get().to(revisits::list)))
            // Before `/revisits/{id}`, which would take `progress` for an id.
            .service(resource("/revisits/progress").route(web::get().to(revisits::progress)))
            .service(resource("/revisits/{id}").route(web::get().to(revisits::get)))
            .service(resource("/revisits/{id}/outcome").route(web::post().to(revisits::outcome)))
            .service(resource("/revisits/{id}/assign").route(web::post().to(revisits::assign)))
            .service(resource("/reports/service").route(web::get().to(reports::period)))
            .service(resource("/reports/service/weekly").route(web::get().to(reports::weekly)))
            .service(resource("/reports/service/monthly").route(web::get().to(reports::monthly)))
            .service(resource("/revisit-files").route(web::get().to(revisits::list_files)))
            .service(resource("/surveys").route(web::get().to(surveys::list)))
            .service(
                private_resource("/surveys/{token}")
                    .route(web::get().to(surveys::form))
                    .route(web::post().to(surveys::answer)),
            )
            .service(resource("/revisit-files/{id}").route(web::get().to(revisits::get_file)))
            .service(
                resource("/inspection-plans")
                    .route(web::get().to(inspections::list_plans))
                    .route(web::post().to(inspections::create_plan)),
            )
            .service(
                resource("/inspection-plans/{id}")
                    .route(web::get().to(inspections::get_plan))
                    .route(web::patch().to(inspections::update_plan)),
            )
            .service(resource("/inspection-plans/{id}/deactivate").route(web::post().to(inspections::deactivate)))
            .service(resource("/inspection-plans/{id}/activate").route(web::post().to(inspections::activate)))
            .service(resource("/inspections").route(web::get().to(inspections::list)))
            .service(resource("/inspections/{id}").route(web::get().to(inspections::get)))
            .service(resource("/inspections/{id}/findings").route(web::post().to(inspections::record_finding)))
            .service(resource("/technicians").route(web::get().to(dispatch::list_technicians)))
            .service(
                resource("/technicians/{id}")
                    .route(web::get().to(dispatch::get_technician))
                    .route(web::put().to(dispatch::put_technician)),
            )
            .service(
                resource("/technicians/{id}/duty")
                    .route(web::get().to(dispatch::list_duty))
                    .route(web::post().to(dispatch::add_duty)),
            )
            .service(
                resource("/visits")
                    .route(web::get().to(dispatch::list_visits))
                    .route(web::post().to(dispatch::create_visit)),
            )
            .service(resource("/visits/{id}").route(web::get().to(dispatch::get_visit)))
            .service(resource("/visits/{id}/assign").route(web::post().to(dispatch::assign)))
            .service(resource("/visits/{id}/auto-assign").route(web::post().to(dispatch::auto_assign)))
            .service(resource("/visits/{id}/unassign").route(web::post().to(dispatch::unassign)))
            .service(resource("/visits/{id}/reschedule").route(web::post().to(dispatch::reschedule)))
            .service(resource("/visits/{id}/cancel").route(web::post().to(dispatch::cancel)))
            .service(resource("/visits/{id}/photos").route(web::get().to(dispatch::list_photos)))
            .service(resource("/visits/{id}/photos/{photo_id}").route(web::get().to(dispatch::photo)))
            .service(
                resource("/visits/{id}/quotes")
                    .route(web::get().to(quotes::list))
                    .route(web::post().to(quotes::make)),
            )
            .service(resource("/visits/{id}/quotes/{quote_id}/approve").route(web::post().to(quotes::approve)))
            .service(resource("/visits/{id}/quotes/{quote_id}/decline").route(web::post().to(quotes::decline)))
            .service(
                resource("/quality/criteria")
                    .route(web::get().to(quality::list_criteria))
                    .route(web::post().to(quality::create_criterion)),
            )
            .service(resource("/quality/criteria/{id}").route(web::put().to(quality::replace_criterion)))
            .service(
                resource("/quality/settings")
                    .route(web::get().to(quality::get_settings))
                    .route(web::put().to(quality::put_settings)),
            )
            .service(resource("/quality/samples").route(web::post().to(quality::draw)))
            .service(resource("/quality/reviews").route(web::get().to(quality::list)))
            .service(resource("/quality/reviews/mine").route(web::get().to(quality::mine)))
            .service(resource("/quality/reviews/{id}").route(web::get().to(quality::get)))
            .service(resource("/quality/reviews/{id}/score").route(web::post().to(quality::score)))
            .service(resource("/quality/reviews/{id}/dispute").route(web::post().to(quality::dispute)))
            .service(resource("/quality/reviews/{id}/decide").route(web::post().to(quality::decide)))
            .service(resource("/quality/training").route(web::post().to(quality::add_training)))
            .service(resource("/quality/report").route(web::get().to(quality::report)))
            .service(
                resource("/warranty-terms")
                    .route(web::get().to(quotes::list_terms))
                    .route(web::post().to(quotes::create_term)),
            )
            .service(
                resource("/warranty-terms/{id}")
                    .route(web::patch().to(quotes::update_term))
                    .route(web::delete().to(quotes::delete_term)),
            )
            .service(resource("/dispatch/candidates").route(web::get().to(dispatch::candidates)))
            .service(resource("/dispatch/board").route(web::get().to(dispatch::board)))
            .service(resource("/mobile/pings").route(web::post().to(mobile::pings)))
            .service(resource("/mobile/visits").route(web::get().to(mobile::my_visits)))
            .service(resource("/mobile/visits/{id}").route(web::get().to(mobile::my_visit)))
            .service(resource("/mobile/visits/{id}/accept").route(web::post().to(mobile::accept)))
            .service(resource("/mobile/visits/{id}/decline").route(web::post().to(mobile::decline)))
            .service(resource("/mobile/visits/{id}/en-route").route(web::post().to(mobile::en_route)))
            .service(resource("/mobile/visits/{id}/check-in").route(web::post().to(mobile::check_in)))
            .service(resource("/mobile/visits/{id}/complete").route(web::post().to(mobile::complete)))
            .service(resource("/mobile/visits/{id}/fail").route(web::post().to(mobile::fail)))
            .service(resource("/mobile/visits/{id}/findings").route(web::post().to(mobile::finding)))
            .service(resource("/mobile/visits/{id}/photos").route(web::post().to(mobile::attach_photo)))
            .service(resource("/mobile/visits/{id}/quotes").route(web::post().to(mobile::make_quote)))
            .service(
                resource("/mobile/visits/{id}/quotes/{quote_id}/approve").route(web::post().to(mobile::approve_quote)),
            )
            .service(
                resource("/mobile/visits/{id}/quotes/{quote_id}/decline").route(web::post().to(mobile::decline_quote)),
            ),
    )
    .default_service(web::to(no_route));
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Fieldline API", description = "Field-service dispatch and fault tracking. Every error is application/problem+json with a stable `code`."),
    modifiers(&BearerAuth),
    paths(
        health::health, health::ready,
        auth::login, auth::refresh, auth::logout,
        users::me, users::update_me, users::list, users::directory, users::create, users::get, users::update,
        org::set_organisation, org::list, org::create, org::replace,
        customers::list, customers::lookup, customers::create, customers::get, customers::update,
        customers::list_contacts, customers::create_contact, customers::update_contact, customers::delete_contact,
        customers::notices, customers::set_notices,
        privacy::export, privacy::erase,
        imports::import, imports::template,
        regions::list, regions::create, regions::get, regions::update,
        sites::list, sites::create, sites::get, sites::update,
        assets::list, assets::create, assets::get, assets::update,
        audit::list,
        tickets::list, tickets::create, tickets::get, tickets::update, tickets::change_kind, tickets::timeline,
        tickets::start, tickets::wait, tickets::resume, tickets::resolve, tickets::escalate,
        tickets::handoff, tickets::cancel, tickets::repeat_check, tickets::preview, tickets::customer_contact, tickets::assign, tickets::list_authorizations, tickets::authorize, tickets::accept,
        tickets::request_callback, tickets::callback_done, tickets::arrival,
        tickets::onsite_requests,
        intake::list, intake::get, intake::convert, intake::discard, intake::attachments, intake::download, intake::reply,
        major_faults::declare, major_faults::get, major_faults::progress, major_faults::end, major_faults::list,
        fault_reports::create, fault_reports::list, fault_reports::get, fault_reports::update,
        fault_reports::submit, fault_reports::approve, fault_reports::return_to_author, fault_reports::send,
        fault_reports::revise, fault_reports::mail_preview,
        sla::list_policies, sla::create_policy, sla::update_policy, sla::get_calendar, sla::put_calendar,
        sla::list_holidays, sla::add_holiday, sla::delete_holiday,
        complaints::list, complaints::get, complaints::resolution, complaints::answer, complaints::subject,
        complaints::list_limits, complaints::put_limits,
        notifications::list, notifications::read, jobs::run_job, jobs::list_runs,
        outbox::list, outbox::retry, outbox::send_now,
        revisits::list, revisits::progress, revisits::get, revisits::outcome, revisits::assign,
        revisits::list_files, revisits::get_file,
        surveys::form, surveys::answer, surveys::of_ticket, surveys::list,
        inspections::create_plan, inspections::list_plans, inspections::get_plan, inspections::update_plan,
        inspections::deactivate, inspections::activate, inspections::list, inspections::get,
        inspections::record_finding,
        reports::period, reports::weekly, reports::monthly,
        dispatch::list_technicians, dispatch::get_technician, dispatch::put_technician,
        dispatch::list_duty, dispatch::add_duty, dispatch::list_visits, dispatch::create_visit, dispatch::get_visit,
        dispatch::candidates, dispatch::assign, dispatch::auto_assign, dispatch::unassign, dispatch::board,
        dispatch::reschedule, dispatch::cancel, dispatch::list_photos, dispatch::photo,
        quotes::list_terms, quotes::create_term, quotes::update_term, quotes::delete_term,
        quotes::list, quotes::make, quotes::approve, quotes::decline,
        quality::list_criteria, quality::create_criterion, quality::replace_criterion, quality::get_settings,
        quality::put_settings, quality::draw, quality::list, quality::mine, quality::get, quality::score,
        quality::dispute, quality::decide, quality::add_training, quality::report,
        mobile::pings, mobile::my_visits, mobile::my_visit, mobile::accept, mobile::decline,
        mobile::en_route, mobile::check_in, mobile::complete, mobile::fail, mobile::finding, mobile::attach_photo,
        mobile::make_quote, mobile::approve_quote, mobile::decline_quote,
        portal::request_link, portal::open_session, portal::sign_out, portal::me, portal::tickets, portal::request,
        portal::ticket, portal::upload, portal::attachments, portal::download, portal::authorize, portal::accept,
        portal::survey, portal::quote, portal::answer_quote,
        portal::visits, portal::visit, portal::sites, portal::site,
        supervision::list_rules, supervision::put_rule, supervision::stalled, supervision::chase, supervision::mine,
        supervision::answer,
        knowledge::search, knowledge::suggest, knowledge::list, knowledge::create, knowledge::get,
        knowledge::update, knowledge::submit, knowledge::review, knowledge::retire, knowledge::reopen,
        knowledge::versions, knowledge::rate, knowledge::ratings, knowledge::worst_rated, knowledge::link_ticket,
        knowledge::portal_search, knowledge::portal_get,
        roster::shifts, roster::list, roster::add, roster::remove, roster::create_shift, roster::update_shift,
        roster::swaps, roster::ask_swap, roster::approve_swap, roster::refuse_swap, roster::cancel_swap,
        handovers::draft, handovers::create, handovers::list, handovers::get, handovers::acknowledge,
        handovers::record_check, handovers::checks, handovers::checks_today,
        day_plans::create, day_plans::list, day_plans::get, day_plans::apply,
    ),
    components(schemas(fieldline_mobile_api::Problem, fieldline_mobile_api::ErrorCode, crate::db::tickets::lists::TicketSort))
)]
pub struct ApiDoc;
