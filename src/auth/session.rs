//! Signing in, refreshing and signing out, with the failed-login throttle.

use super::{password, tokens};
use crate::db::{users, DbConn};
use crate::error::{AppError, AppResult};
use crate::service::sessions::{self, Rotation};
use crate::startup::AppState;
use fieldline_mobile_api::{TokenResponse, UserId};

fn window(st: &AppState) -> chrono::Duration {
    st.settings.login_failure_window
}

fn tokens_for(
    st: &AppState,
    user: &users::UserRow,
    refresh_plain: String,
    refresh_expires: chrono::DateTime<chrono::Utc>,
) -> AppResult<TokenResponse> {
    // Access tokens are checked against the real time, so they are issued on it too.
    let (access_token, expires_in) =
        st.keys
            .issue(UserId(user.id), user.role()?, &user.username, chrono::Utc::now())?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".into(),
        expires_in,
        refresh_token: refresh_plain,
        refresh_expires_at: refresh_expires,
        user: user.to_wire()?,
    })
}

/// Checks the password; too many recent failures for the username or the address give 429
/// before the password is even looked at.
pub fn login(
    c: &mut DbConn,
    st: &AppState,
    username: &str,
    password_given: &str,
    address: &str,
) -> AppResult<TokenResponse> {
    let now = st.clock.now();
    let username = username.trim().to_lowercase();
    let since = now - window(st);
    let (by_user, by_address) = users::recent_failures(c, &username, address, since)?;
    if by_user >= st.settings.login_max_failures_per_user || by_address >= st.settings.login_max_failures_per_ip {
        let oldest = users::oldest_failure_since(c, &username, address, since)?.unwrap_or(now);
        let retry_after = (oldest + window(st) - now).num_seconds().max(1) as u64;
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
        users::record_failure(c, &username, address, now, since)?;
        return Err(AppError::InvalidCredentials);
    };
    let (plain, hash) = tokens::new_refresh_token();
    let expires = now + st.keys.refresh_ttl;
    sessions::start(c, &user, &hash, now, expires)?;
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
