//! The first answer to each (user, Idempotency-Key). A phone that resends a request after a lost
//! answer gets the first answer back and nothing happens twice.

use super::schema::idempotency_keys;
use super::{ts, DbConn};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// The stored answer for the key, if the same request was answered before; a different request
/// under the same key is refused.
pub fn lookup(c: &mut DbConn, user: i64, key: &str, request_hash: &str) -> AppResult<Option<(u16, String)>> {
    let found: Option<(String, i32, String)> = idempotency_keys::table
        .filter(idempotency_keys::user_id.eq(user))
        .filter(idempotency_keys::idempotency_key.eq(key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::status_code,
            idempotency_keys::response_body,
        ))
        .first(c)
        .optional()?;
    match found {
        None => Ok(None),
        Some((hash, _, _)) if hash != request_hash => Err(AppError::IdempotencyKeyReused),
        Some((_, status, body)) => Ok(Some((status as u16, body))),
    }
}

/// Stores the answer in the transaction that did the work.
pub fn remember(
    c: &mut DbConn,
    user: i64,
    key: &str,
    request_hash: &str,
    status: u16,
    body: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::user_id.eq(user),
            idempotency_keys::idempotency_key.eq(key),
            idempotency_keys::request_hash.eq(request_hash),
            idempotency_keys::status_code.eq(i32::from(status)),
            idempotency_keys::response_body.eq(body),
            idempotency_keys::created_at.eq(ts(at)),
        ))
        .execute(c)?;
    Ok(())
}

/// Inside the caller's transaction: the stored answer to the key, or `work`'s answer, stored
/// under the key with the work.
pub fn answer_once(
    c: &mut DbConn,
    user: i64,
    key: &str,
    request_hash: &str,
    at: DateTime<Utc>,
    work: impl FnOnce(&mut DbConn) -> AppResult<String>,
) -> AppResult<(u16, String)> {
    if let Some(stored) = lookup(c, user, key, request_hash)? {
        return Ok(stored);
    }
    let body = work(c)?;
    remember(c, user, key, request_hash, 200, &body, at)?;
    Ok((200, body))
}
