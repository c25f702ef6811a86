//! Sign-in sessions: starting one after a good password, exchanging a refresh token for the next
//! of its family, and signing out; each with its audit event.

use crate::db::audit::{self, Actor};
use crate::db::users::{self as store, UserRow};
use crate::db::{utc, write, DbConn};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use fieldline_mobile_api::UserId;

/// After a good password from `address`: forgets the user's failures from there (those from
/// elsewhere still count against the username), starts a session family, records the login.
pub fn start(
    conn: &mut DbConn,
    user: &UserRow,
    address: &str,
    token_hash: &str,
    at: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> AppResult<()> {
    write(conn, |c| {
        store::forget_failures(c, &user.username, address)?;
        let family = uuid::Uuid::new_v4().to_string();
        store::insert_refresh(c, user.id, &family, token_hash, at, expires)?;
        audit::record(
            c,
            &Actor::user(UserId(user.id), at),
            "user",
            user.id,
            "login",
            None,
            None,
        )?;
        Ok(())
    })
}

/// What presenting a refresh token led to.
pub enum Rotation {
    /// The token was good: here is the user; the new token is stored.
    Rotated(Box<UserRow>),
    /// The token was already used: the whole family is now revoked.
    Reused,
    /// Unknown, revoked, expired, or the user is disabled.
    Refused(&'static str),
}

/// Exchanges a refresh token for a new one in the same family. Presenting a token that was
/// already exchanged revokes the whole family (someone else holds a copy).
pub fn rotate(
    conn: &mut DbConn,
    presented_hash: &str,
    new_hash: &str,
    at: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> AppResult<Rotation> {
    write(conn, |c| {
        let Some(tok) = store::refresh_by_hash(c, presented_hash)? else {
            return Ok(Rotation::Refused("the refresh token is unknown"));
        };
        if tok.revoked_at.is_some() {
            return Ok(Rotation::Refused("the refresh token has been revoked"));
        }
        // Mark it used only if nobody else did first; losing that race counts as reuse.
        if !store::claim_refresh(c, tok.id, at)? {
            store::revoke_family(c, &tok.family, at)?;
            audit::record(
                c,
                &Actor::system(at),
                "user",
                tok.user_id,
                "refresh_token_reuse",
                None,
                None,
            )?;
            return Ok(Rotation::Reused);
        }
        if utc(tok.expires_at) <= at {
            return Ok(Rotation::Refused("the refresh token has expired"));
        }
        let user = store::get(c, tok.user_id)?;
        if !user.active {
            store::revoke_family(c, &tok.family, at)?;
            return Ok(Rotation::Refused("the account is disabled"));
        }
        store::insert_refresh(c, user.id, &tok.family, new_hash, at, expires)?;
        audit::record(
            c,
            &Actor::user(UserId(user.id), at),
            "user",
            user.id,
            "refresh",
            None,
            None,
        )?;
        Ok(Rotation::Rotated(Box::new(user)))
    })
}

/// Signing out: revokes the family of the presented token. Unknown tokens are ignored.
pub fn end(conn: &mut DbConn, presented_hash: &str, at: DateTime<Utc>) -> AppResult<()> {
    write(conn, |c| {
        if let Some(tok) = store::refresh_by_hash(c, presented_hash)? {
            store::revoke_family(c, &tok.family, at)?;
            audit::record(
                c,
                &Actor::user(UserId(tok.user_id), at),
                "user",
                tok.user_id,
                "logout",
                None,
                None,
            )?;
        }
        Ok(())
    })
}
