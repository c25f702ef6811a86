//! Users, their refresh-token sessions, and failed-login records.

use super::schema::{login_failures, refresh_tokens, users};
use super::{ts, utc, write, DbConn, Paging};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{Language, Page, Role, StaffGrant, TeamId, User, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// Access tokens carry it; a token of an older version is refused.
    pub token_version: i64,
    /// `zh` or `en`; null when the user has not chosen.
    pub language: Option<String>,
    pub team_id: Option<i64>,
    /// The user's direct supervisor.
    pub supervisor_id: Option<i64>,
    pub level: i32,
    /// The grants held, comma-separated (`grants_text`).
    pub grants: String,
}

/// The grants as stored: their wire names, comma-separated, in the order of `StaffGrant::ALL`.
pub fn grants_text(grants: &[StaffGrant]) -> String {
    let held: Vec<&str> = StaffGrant::ALL
        .iter()
        .filter(|g| grants.contains(g))
        .map(|g| g.as_str())
        .collect();
    held.join(",")
}

/// The grants read from their stored text; unknown names are ignored.
pub fn parse_grants(text: &str) -> Vec<StaffGrant> {
    text.split(',').filter_map(|g| StaffGrant::parse(g.trim())).collect()
}

impl UserRow {
    pub fn role(&self) -> AppResult<Role> {
        Role::parse(&self.role)
            .ok_or_else(|| AppError::internal(format!("user {} has unknown role {}", self.id, self.role)))
    }

    /// The language chosen, if any.
    pub fn language(&self) -> AppResult<Option<Language>> {
        self.language
            .as_deref()
            .map(|l| {
                Language::parse(l)
                    .ok_or_else(|| AppError::internal(format!("user {} has unknown language {l}", self.id)))
            })
            .transpose()
    }

    pub fn to_wire(&self) -> AppResult<User> {
        Ok(User {
            id: UserId(self.id),
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            role: self.role()?,
            active: self.active,
            language: self.language()?,
            team_id: self.team_id.map(TeamId),
            supervisor_id: self.supervisor_id.map(UserId),
            level: self.level,
            grants: parse_grants(&self.grants),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }
}

/// A new user whose fields have passed validation and whose password is hashed.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = users)]
pub struct NewUserRow {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub language: Option<String>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: Option<String>,
    pub password_hash: Option<String>,
    pub active: Option<bool>,
    pub language: Option<String>,
    pub updated_at: Option<chrono::NaiveDateTime>,
}

pub fn get(conn: &mut DbConn, id: i64) -> AppResult<UserRow> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("user", id))
}

/// A user, if there is one with this id.
pub fn find(conn: &mut DbConn, id: i64) -> AppResult<Option<UserRow>> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_username(conn: &mut DbConn, username: &str) -> AppResult<Option<UserRow>> {
    Ok(users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// The language e-mails to each of these users are written in: theirs, or Chinese when they
/// chose none (users not found are left out).
pub fn mail_languages(conn: &mut DbConn, ids: &[i64]) -> AppResult<std::collections::HashMap<i64, Language>> {
    let rows: Vec<(i64, Option<String>)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::language))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, l)| {
            (
                id,
                crate::domain::language::of_user(l.as_deref().and_then(Language::parse)),
            )
        })
        .collect())
}

/// Users' display names by id (the ids of no user are left out).
pub fn display_names(c: &mut DbConn, ids: &[i64]) -> QueryResult<std::collections::HashMap<i64, String>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load::<(i64, String)>(c)?
        .into_iter()
        .collect())
}

pub fn count(conn: &mut DbConn) -> AppResult<i64> {
    Ok(users::table.count().get_result(conn)?)
}

#[derive(Debug, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub q: Option<String>,
}

pub fn list(conn: &mut DbConn, f: &UserFilter, paging: Paging) -> AppResult<Page<User>> {
    let query = || {
        let mut q = users::table.into_boxed();
        if let Some(r) = f.role {
            q = q.filter(users::role.eq(r.as_str()));
        }
        if let Some(a) = f.active {
            q = q.filter(users::active.eq(a));
        }
        if let Some(text) = &f.q {
            let pat = super::like_pattern(text);
            q = q.filter(
                super::lower(users::username)
                    .like(pat.clone())
                    .escape(super::escape_like())
                    .or(super::lower(users::display_name).like(pat).escape(super::escape_like())),
            );
        }
        q
    };
    let (rows, total) = paging.load(conn, query, |q| q.order(users::id).select(UserRow::as_select()))?;
    let items = rows.iter().map(UserRow::to_wire).collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

/// Stores a user's changes.
pub fn set(c: &mut DbConn, id: i64, changes: &UserChanges) -> AppResult<UserRow> {
    token_state_written(id);
    Ok(diesel::update(users::table.find(id))
        .set(changes)
        .returning(users::all_columns)
        .get_result(c)?)
}

/// Inserts a user, in the caller's transaction; no check, no audit.
pub fn insert(c: &mut DbConn, new: &NewUserRow) -> QueryResult<UserRow> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(users::all_columns)
        .get_result(c)
}

// ---------------------------------------------------------------- failed logins

/// Which failed logins a bound counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureScope {
    /// For one username from one address.
    UserAtAddress,
    /// From one address, whatever the username.
    Address,
    /// For one username, from anywhere.
    User,
}

/// While at least `limit` failed logins of the scope happened since `since`, the moment the
/// oldest one that keeps the count at the limit happened (the bound is lifted when it leaves the
/// window); `None` when there are fewer.
pub fn blocking_failure(
    conn: &mut DbConn,
    scope: FailureScope,
    username: &str,
    address: &str,
    since: DateTime<Utc>,
    limit: i64,
) -> AppResult<Option<DateTime<Utc>>> {
    let query = || {
        let q = login_failures::table
            .filter(login_failures::at.gt(ts(since)))
            .into_boxed();
        match scope {
            FailureScope::UserAtAddress => q
                .filter(login_failures::username.eq(username))
                .filter(login_failures::address.eq(address)),
            FailureScope::Address => q.filter(login_failures::address.eq(address)),
            FailureScope::User => q.filter(login_failures::username.eq(username)),
        }
    };
    let count: i64 = query().count().get_result(conn)?;
    if count < limit.max(1) {
        return Ok(None);
    }
    let at: chrono::NaiveDateTime = query()
        .select(login_failures::at)
        .order(login_failures::at.asc())
        .offset(count - limit.max(1))
        .limit(1)
        .get_result(conn)?;
    Ok(Some(utc(at)))
}

/// Records a failed login, and forgets failures older than `forget_before`.
pub fn record_failure(
    conn: &mut DbConn,
    username: &str,
    address: &str,
    at: DateTime<Utc>,
    forget_before: DateTime<Utc>,
) -> AppResult<()> {
    write(conn, |c| {
        diesel::delete(login_failures::table.filter(login_failures::at.lt(ts(forget_before)))).execute(c)?;
        diesel::insert_into(login_failures::table)
            .values((
                login_failures::username.eq(username),
                login_failures::address.eq(address),
                login_failures::at.eq(ts(at)),
            ))
            .execute(c)?;
        Ok(())
    })
}

/// Forgets a username's failed logins from one address (after a good password from there). Its
/// failures from elsewhere still count against the username.
pub fn forget_failures(c: &mut DbConn, username: &str, address: &str) -> QueryResult<usize> {
    diesel::delete(
        login_failures::table
            .filter(login_failures::username.eq(username))
            .filter(login_failures::address.eq(address)),
    )
    .execute(c)
}

// ---------------------------------------------------------------- access-token checks

/// What an access token is checked against at every request: the user's token version, whether
/// they are active, their role and their grants now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenState {
    pub token_version: i64,
    pub active: bool,
    pub role: String,
    /// The grants held on top of the role, as stored.
    pub grants: String,
}

/// The token state of a user, by primary key: one indexed read, a statement of each backend's
/// own (so its prepared form is cached) without a bound `LIMIT`.
pub fn token_state(conn: &mut DbConn, id: i64) -> QueryResult<Option<TokenState>> {
    let row: Option<(i64, bool, String, String)> = crate::on_backend!(conn, |b| users::table
        .find(id)
        .select((users::token_version, users::active, users::role, users::grants))
        .get_result(b)
        .optional())?;
    Ok(row.map(|(token_version, active, role, grants)| TokenState {
        token_version,
        active,
        role,
        grants,
    }))
}

thread_local! {
    static WRITTEN: std::cell::RefCell<Vec<i64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Notes, on this thread, that a user's token state may have been written (by `set` or
/// `bump_token_version`), so that the node's token-state cache can forget them once the work
/// that wrote it is over (`crate::startup::blocking`): the node that makes a change sees it at
/// its next request, while other nodes hear of it from PostgreSQL.
pub fn token_state_written(id: i64) {
    WRITTEN.with(|w| w.borrow_mut().push(id));
}

/// The users whose token state was noted as written on this thread since the last call.
pub fn take_token_states_written() -> Vec<i64> {
    WRITTEN.with(|w| std::mem::take(&mut *w.borrow_mut()))
}

/// Makes every access token issued to the user so far invalid.
pub fn bump_token_version(c: &mut DbConn, id: i64) -> QueryResult<usize> {
    token_state_written(id);
    diesel::update(users::table.find(id))
        .set(users::token_version.eq(users::token_version + 1))
        .execute(c)
}

// ---------------------------------------------------------------- sessions (refresh tokens)

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshRow {
    pub id: i64,
    pub user_id: i64,
    pub family: String,
    pub token_hash: String,
    pub issued_at: chrono::NaiveDateTime,
    pub expires_at: chrono::NaiveDateTime,
    pub used_at: Option<chrono::NaiveDateTime>,
    pub revoked_at: Option<chrono::NaiveDateTime>,
}

/// Stores a refresh token of a session family.
pub fn insert_refresh(
    c: &mut DbConn,
    user_id: i64,
    family: &str,
    token_hash: &str,
    at: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::family.eq(family),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::issued_at.eq(ts(at)),
            refresh_tokens::expires_at.eq(ts(expires)),
        ))
        .execute(c)?;
    Ok(())
}

/// The refresh token with this hash.
pub fn refresh_by_hash(c: &mut DbConn, token_hash: &str) -> QueryResult<Option<RefreshRow>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshRow::as_select())
        .first(c)
        .optional()
}

/// Marks a refresh token used if nobody did first; whether this call did.
pub fn claim_refresh(c: &mut DbConn, id: i64, at: DateTime<Utc>) -> QueryResult<bool> {
    let claimed = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(id))
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(ts(at)))
    .execute(c)?;
    Ok(claimed != 0)
}

/// Revokes every refresh token of a session family that is not revoked yet.
pub fn revoke_family(c: &mut DbConn, family: &str, at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(ts(at)))
    .execute(c)
}

/// Revokes every refresh token of a user that is not revoked yet.
pub fn revoke_user_sessions(c: &mut DbConn, user_id: i64, at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(ts(at)))
    .execute(c)
}
