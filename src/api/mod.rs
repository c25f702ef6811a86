//! The HTTP API: the one route table, the OpenAPI document, and the helpers handlers share.

pub mod assets;
pub mod audit;
pub mod auth;
pub mod customers;
pub mod extract;
pub mod health;
pub mod regions;
pub mod sites;
pub mod users;

use crate::auth::CurrentUser;
use crate::db::audit::Actor;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use utoipa::OpenApi;

/// Runs database work on the blocking pool, in the request's span.
pub async fn run<T, F>(state: &web::Data<AppState>, f: F) -> AppResult<T>
where
    F: FnOnce(&mut DbConn, &AppState) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    let st = state.clone();
    crate::telemetry::spawn_blocking_with_span(move || {
        let mut conn = st.pool.get()?;
        f(&mut conn, &st)
    })
    .await
    .map_err(AppError::internal)?
}

/// The actor of a change made by the signed-in user, now.
pub fn actor(user: &CurrentUser, state: &AppState) -> Actor {
    Actor::user(user.id, state.clock.now())
}

/// A resource whose unknown methods answer 405 problem+json.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed() -> AppResult<HttpResponse> {
    Err(AppError::MethodNotAllowed)
}

async fn no_route(req: HttpRequest) -> AppResult<HttpResponse> {
    Err(AppError::NotFound(format!("no resource at {}", req.path())))
}

async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(openapi_document())
}

/// The OpenAPI document, pretty-printed, as served and as committed in `mobile-api/openapi.json`.
pub fn openapi_document() -> String {
    let mut s = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PathConfig::default().error_handler(|e, _| {
        AppError::NotFound(format!("no such resource: {e}")).into()
    }))
    .service(resource("/health").route(web::get().to(health::health)))
    .service(resource("/ready").route(web::get().to(health::ready)))
    .service(resource("/openapi.json").route(web::get().to(openapi_json)))
    .service(
        web::scope("/api/v1")
            .service(resource("/auth/login").route(web::post().to(auth::login)))
            .service(resource("/auth/refresh").route(web::post().to(auth::refresh)))
            .service(resource("/auth/logout").route(web::post().to(auth::logout)))
            .service(resource("/me").route(web::get().to(users::me)))
            .service(resource("/users").route(web::get().to(users::list)).route(web::post().to(users::create)))
            .service(resource("/users/{id}").route(web::get().to(users::get)).route(web::patch().to(users::update)))
            .service(
                resource("/customers").route(web::get().to(customers::list)).route(web::post().to(customers::create)),
            )
            .service(
                resource("/customers/{id}")
                    .route(web::get().to(customers::get))
                    .route(web::patch().to(customers::update)),
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
            .service(resource("/regions").route(web::get().to(regions::list)).route(web::post().to(regions::create)))
            .service(
                resource("/regions/{id}").route(web::get().to(regions::get)).route(web::patch().to(regions::update)),
            )
            .service(resource("/sites").route(web::get().to(sites::list)).route(web::post().to(sites::create)))
            .service(resource("/sites/{id}").route(web::get().to(sites::get)).route(web::patch().to(sites::update)))
            .service(resource("/assets").route(web::get().to(assets::list)).route(web::post().to(assets::create)))
            .service(resource("/assets/{id}").route(web::get().to(assets::get)).route(web::patch().to(assets::update)))
            .service(resource("/audit").route(web::get().to(audit::list))),
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
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
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
        users::me, users::list, users::create, users::get, users::update,
        customers::list, customers::create, customers::get, customers::update,
        customers::list_contacts, customers::create_contact, customers::update_contact, customers::delete_contact,
        regions::list, regions::create, regions::get, regions::update,
        sites::list, sites::create, sites::get, sites::update,
        assets::list, assets::create, assets::get, assets::update,
        audit::list,
    ),
    components(schemas(fieldline_mobile_api::Problem, fieldline_mobile_api::ErrorCode))
)]
pub struct ApiDoc;
