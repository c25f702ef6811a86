//! Who is calling: passwords, tokens, and the `CurrentUser` extractor that every protected
//! handler takes. Who may do what is the policy's (`crate::policy`).

pub mod password;
pub mod session;
pub mod tokens;

use crate::error::AppError;
use crate::startup::AppState;
use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};
use fieldline_mobile_api::{Role, UserId};
use std::future::{ready, Ready};

/// The signed-in user, from a valid bearer access token.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: UserId,
    pub role: Role,
    pub username: String,
}

impl CurrentUser {
    /// The caller the policy and the services take.
    pub fn caller(&self) -> crate::policy::Caller {
        crate::policy::Caller::new(self.id, self.role)
    }
}

fn bearer(req: &HttpRequest) -> Result<&str, AppError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| AppError::Unauthorized("sign in first: no Authorization header".into()))?;
    let value = value
        .to_str()
        .map_err(|_| AppError::Unauthorized("the Authorization header is not readable".into()))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => Ok(token.trim()),
        _ => Err(AppError::Unauthorized(
            "the Authorization header must be `Bearer <token>`".into(),
        )),
    }
}

fn extract(req: &HttpRequest) -> Result<CurrentUser, AppError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("application state is not registered"))?;
    let claims = state.keys.verify(bearer(req)?)?;
    let role = Role::parse(&claims.role).ok_or_else(|| AppError::TokenInvalid("the token's role is unknown".into()))?;
    Ok(CurrentUser {
        id: UserId(claims.sub),
        role,
        username: claims.name,
    })
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Ready<Result<CurrentUser, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(extract(req))
    }
}
