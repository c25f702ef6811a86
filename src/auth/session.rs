//! Signing in, refreshing and signing out, with the failed-login throttle.

use super::{password, tokens};
use crate::db::users::{self, FailureScope};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::service::sessions::{self, Rotation};
use crate::startup::AppState;
use fieldline_mobile_api::{TokenResponse, UserId};

fn tokens_for(
    st: &AppState,
    user: &users::UserRow,
    refresh_plain: String,
    refresh_expires: chrono::DateTime<chrono::Utc>,
) -> AppResult<TokenResponse> {
    // Access tokens are checked against the real time, so they are issued on it too.
    let (access_token, expires_in) = st.keys.issue(
        UserId(user.id),
        user.role()?,
        &user.username,
        user.token_version,
        chrono::Utc::now(),
    )?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in,
        refresh_token: refresh_plain,
        refresh_expires_at: refresh_expires,
        user: user.to_wire()?,
    })
}

/// How long to wait, in seconds, while a bound on failed logins holds for this username at this
/// address; `None` when none does. Three bounds: the username from this address (the fast lock,
/// which leaves the same user free to sign in from elsewhere), the address whatever the username,
/// and the username from anywhere (slower and larger, against an attack from many addresses).
fn throttled(
    c: &mut DbConn,
    st: &AppState,
    username: &str,
    address: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Option<u64>> {
    let s = &st.settings;
    let bounds = [
        (
            FailureScope::UserAtAddress,
            s.login_max_failures_per_user_ip,
            s.login_failure_window,
        ),
        (
            FailureScope::Address,
            s.login_max_failures_per_ip,
            s.login_failure_window,
        ),
        (
            FailureScope::User,
            s.login_max_failures_per_user,
            s.login_user_failure_window,
        ),
    ];
    let mut wait: Option<u64> = None;
    for (scope, limit, window) in bounds {
        if let Some(at) = users::blocking_failure(c, scope, username, address, now - window, limit)? {
            let secs = (at + window - now).num_seconds().max(1) as u64;
            wait = Some(wait.map_or(secs, |w| w.max(secs)));
        }
    }
    Ok(wait)
}

/// Checks the password; while a bound on recent failures holds (see `throttled`) the answer is
/// 429 before the password is even looked at.
pub fn login(
    c: &mut DbConn,
    st: &AppState,
    username: &str,
    password_given: &str,
    address: &str,
) -> AppResult<TokenResponse> {
    let now = st.clock.now();
    let username = username.trim().to_lowercase();
    if let Some(retry_after) = throttled(c, st, &username, address, now)? {
        return Err(AppError::TooManyRequests { retry_after });
    }
    let user = users::by_username(c, &username)?;
    let ok = match &user {
        Some(u) => password::verify(password_given, &u.password_hash) && u.active,
        None => {
            password::verify_dummy(password_given);
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        let longest = st
            .settings
            .login_failure_window
            .max(st.settings.login_user_failure_window);
        users::record_failure(c, &username, address, now, now - longest)?;
        return Err(AppError::InvalidCredentials);
    };
    let (plain, hash) = tokens::new_refresh_token();
    let expires = now + st.keys.refresh_ttl;
    sessions::start(c, &user, address, &hash, now, expires)?;
    tokens_for(st, &user, plain, expires)
}

/// Rotates a refresh token. Reusing an already-rotated token revokes its whole family.
pub fn refresh(c: &mut DbConn, st: &AppState, presented: &str) -> AppResult<TokenResponse> {
    let now = st.clock.now();
    let (plain, hash) = tokens::new_refresh_token();
    let expires = now + st.keys.refresh_ttl;
    match sessions::rotate(c, &tokens::hash_refresh_token(presented), &hash, now, expires)? {
        Rotation::Rotated(user) => tokens_for(st, &user, plain, expires),
        Rotation::Reused => Err(AppError::TokenInvalid(
            "the refresh token was already used; every session of its sign-in is now revoked".into(),
        )),
        Rotation::Refused(why) => Err(AppError::TokenInvalid(why.into())),
    }
}

pub fn logout(c: &mut DbConn, st: &AppState, presented: &str) -> AppResult<()> {
    sessions::end(c, &tokens::hash_refresh_token(presented), st.clock.now())
}
