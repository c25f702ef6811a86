//! Who is calling: passwords, tokens, and the `CurrentUser` extractor that every protected
//! handler takes. Who may do what is the policy's (`crate::policy`).
//!
//! An access token lives 15 minutes, but a disabled user, a changed password or a new role takes
//! effect at the next request: the extractor checks the token against the user's token version,
//! whether they are active, and their role now, refuses a token of an older version or of a
//! disabled user, and acts with the role the user has now. On SQLite that state is read from the
//! database at every request (in place: it costs next to nothing). On PostgreSQL it is kept in the
//! node's `cache::TokenCache`, which the node's `listener` empties of a user when PostgreSQL
//! notifies a change to them; so another node sees a change within the notification's delay, and
//! the node that made it at once. What the check costs is in `docs/benchmarks.md`.

pub mod cache;
pub mod listener;
pub mod password;
pub mod portal;
pub mod session;
pub mod tokens;

use crate::db::users::{self, TokenState};
use crate::error::AppError;
use crate::startup::AppState;
use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};
use fieldline_mobile_api::{Role, UserId};
use futures_util::future::LocalBoxFuture;
use std::future::ready;
use tokens::AccessClaims;

/// The signed-in user, from a valid bearer access token.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: UserId,
    pub role: Role,
    pub username: String,
    /// The grants the user holds now (reviewer, editor).
    pub grants: crate::policy::Grants,
}

impl CurrentUser {
    /// The caller the policy and the services take.
    pub fn caller(&self) -> crate::policy::Caller {
        crate::policy::Caller::new(self.id, self.role).with_grants(self.grants)
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

/// The token's claims, checked without the database, and the state to check them further with.
fn claimed(req: &HttpRequest) -> Result<(web::Data<AppState>, AccessClaims), AppError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("application state is not registered"))?
        .clone();
    let claims = state.keys.verify(bearer(req)?)?;
    Ok((state, claims))
}

/// Whether the token still speaks for its user as they are now: the user exists, is active and
/// has the token's version; the role and the grants are theirs now, not the token's.
fn current(claims: AccessClaims, now: Option<TokenState>) -> Result<CurrentUser, AppError> {
    let now = now.ok_or_else(|| AppError::TokenInvalid("the token's user does not exist".into()))?;
    if !now.active {
        return Err(AppError::TokenInvalid("the account is disabled".into()));
    }
    if now.token_version != claims.ver {
        return Err(AppError::TokenInvalid(
            "the token was revoked (the account's password or status changed); sign in again".into(),
        ));
    }
    let role = Role::parse(&now.role)
        .ok_or_else(|| AppError::internal(format!("user {} has unknown role {}", claims.sub, now.role)))?;
    Ok(CurrentUser {
        id: UserId(claims.sub),
        role,
        username: claims.name,
        grants: crate::policy::Grants::of(&users::parse_grants(&now.grants)),
    })
}

/// On SQLite the user's token state is one read of a page in the process's own cache, which costs
/// less than handing it to the blocking pool and back (measured: `docs/benchmarks.md`), and a WAL
/// reader never waits for the writer; so it is read right here when a pooled connection is free at
/// once. `None` when it is not read here (PostgreSQL, whose read is a network round trip, or no
/// free connection): then it goes to the blocking pool.
fn read_in_place(state: &AppState, id: i64) -> Option<Result<Option<TokenState>, AppError>> {
    if crate::db::backend_of(&state.settings.database_url) != crate::db::BackendKind::Sqlite {
        return None;
    }
    let mut conn = state.pool.try_get()?;
    Some(users::token_state(&mut conn, id).map_err(AppError::from))
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<CurrentUser, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let claimed = claimed(req);
        let claimed = match claimed {
            Ok(c) => c,
            Err(e) => return Box::pin(ready(Err(e))),
        };
        if let Some(now) = read_in_place(&claimed.0, claimed.1.sub) {
            return Box::pin(ready(now.and_then(|now| current(claimed.1, now))));
        }
        let ticket = match claimed.0.tokens.get(claimed.1.sub) {
            Ok(now) => return Box::pin(ready(current(claimed.1, Some(now)))),
            Err(ticket) => ticket,
        };
        Box::pin(async move {
            let (state, claims) = claimed;
            let id = claims.sub;
            let now = crate::startup::blocking(&state, move |c, _| Ok(users::token_state(c, id)?)).await?;
            if let (Some(ticket), Some(now)) = (ticket, &now) {
                state.tokens.put(id, ticket, now.clone());
            }
            current(claims, now)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokens::Registered;

    fn claims(ver: i64) -> AccessClaims {
        AccessClaims {
            sub: 7,
            role: "dispatcher".into(),
            name: "dora".into(),
            purpose: tokens::ACCESS_PURPOSE.into(),
            ver,
            registered: Registered {
                iss: "i".into(),
                aud: "a".into(),
                exp: 0,
                nbf: 0,
                iat: 0,
                jti: "j".into(),
            },
        }
    }

    fn state(version: i64, active: bool, role: &str) -> Option<TokenState> {
        Some(TokenState {
            token_version: version,
            active,
            role: role.into(),
            grants: String::new(),
        })
    }

    #[test]
    fn a_token_speaks_for_its_user_as_they_are_now() {
        let u = current(claims(2), state(2, true, "technician")).unwrap();
        assert_eq!(
            (u.id, u.role, u.username.as_str()),
            (UserId(7), Role::Technician, "dora")
        );
        for (ver, now) in [
            (2, state(3, true, "dispatcher")),
            (2, state(2, false, "dispatcher")),
            (2, None),
        ] {
            assert!(matches!(current(claims(ver), now), Err(AppError::TokenInvalid(_))));
        }
    }
}
