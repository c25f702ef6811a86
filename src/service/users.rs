//! Users: the signed-in user's own account, the users admins list, create and change, and the
//! first admin made on an empty database.

use super::Who;
use crate::auth::password;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::users::{self as store, NewUserRow, UserChanges, UserFilter};
use crate::db::{ts, write, DbConn, Paging};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::admin::{self as rules, Act};
use crate::policy::{self, Action, Facts};
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{Colleague, NewUser, Page, Role, UpdateMe, UpdateUser, User};

fn require(who: &Who, act: Act) -> AppResult<()> {
    policy::require(&who.caller, Action::Admin(act))
}

/// What the user list is asked for: its filters and the page, as the query string gives them.
#[derive(Debug, Default)]
pub struct UserListing {
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The signed-in user's own account.
pub fn me(c: &mut DbConn, who: &Who) -> AppResult<User> {
    require(who, Act::ReadOwnAccount)?;
    store::get(c, who.caller.id.0)?.to_wire()
}

/// Sets the signed-in user's own language, with its audit event.
pub fn update_me(c: &mut DbConn, who: &Who, b: UpdateMe) -> AppResult<User> {
    require(who, Act::ChangeOwnLanguage)?;
    let (id, actor) = (who.caller.id.0, who.actor());
    write(c, |c| {
        let before = store::get(c, id)?.to_wire()?;
        let changes = UserChanges {
            language: Some(b.language.as_str().to_string()),
            updated_at: Some(ts(actor.at)),
            ..Default::default()
        };
        let after = store::set(c, id, &changes)?.to_wire()?;
        audit::record(
            c,
            &actor,
            "user",
            id,
            "update_language",
            snapshot(&before),
            snapshot(&after),
        )?;
        Ok(after)
    })
}

/// Lists users.
pub fn list(c: &mut DbConn, who: &Who, l: UserListing) -> AppResult<Page<User>> {
    require(who, Act::ListUsers)?;
    let paging = Paging::new(l.limit, l.offset)?;
    let filter = UserFilter {
        role: l.role,
        active: l.active,
        q: l.q,
    };
    store::list(c, &filter, paging)
}

/// The staff directory: the active users (by role, or by part of the name), names and roles only.
pub fn directory(c: &mut DbConn, who: &Who, l: UserListing) -> AppResult<Page<Colleague>> {
    require(who, Act::ReadDirectory)?;
    let paging = Paging::new(l.limit, l.offset)?;
    let filter = UserFilter {
        role: l.role,
        active: Some(true),
        q: l.q,
    };
    let page = store::list(c, &filter, paging)?;
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|u| Colleague {
                id: u.id,
                display_name: u.display_name,
                role: u.role,
            })
            .collect(),
        total: page.total,
        limit: page.limit,
        offset: page.offset,
        total_capped: page.total_capped,
    })
}

/// One user: their own account, or anyone's for those who may.
pub fn get(c: &mut DbConn, who: &Who, id: i64) -> AppResult<User> {
    let facts = Facts {
        owner: Some(id),
        ..Facts::default()
    };
    if !policy::allows(&who.caller, Action::Admin(Act::ReadUser), &facts) {
        return Err(policy::forbidden(who.caller.role));
    }
    store::get(c, id)?.to_wire()
}

/// Creates a user with a role.
pub fn create(c: &mut DbConn, who: &Who, b: NewUser) -> AppResult<User> {
    require(who, Act::CreateUser)?;
    let username = validate::username(&b.username)?;
    let display_name = validate::text("display_name", &b.display_name, 200)?;
    let email = validate::optional(b.email.as_deref(), |v| validate::email("email", v))?;
    let phone = validate::optional(b.phone.as_deref(), |v| validate::phone("phone", v))?;
    validate::password("password", &b.password)?;
    let password_hash = password::hash(&b.password)?;
    create_as(
        c,
        &who.actor(),
        NewUserRow {
            username,
            display_name,
            email,
            phone,
            role: b.role.as_str().into(),
            password_hash,
            active: true,
            created_at: ts(who.at),
            updated_at: ts(who.at),
            language: b.language.map(|l| l.as_str().to_string()),
        },
    )
}

/// Creates a user whose fields have been checked (and password hashed), with its audit event, in
/// a transaction of its own; usernames are unique. For the data generators and start-up, which
/// act as the service itself.
pub fn create_as(c: &mut DbConn, actor: &Actor, new: NewUserRow) -> AppResult<User> {
    write(c, |c| {
        if store::by_username(c, &new.username)?.is_some() {
            return Err(AppError::duplicate(
                "username",
                format!("the username `{}` is taken", new.username),
            ));
        }
        let row = store::insert(c, &new)?;
        let user = row.to_wire()?;
        audit::record(c, actor, "user", row.id, "create", None, snapshot(&user))?;
        Ok(user)
    })
}

/// Changes a user: role, details, active, password. The caller may not take from themself
/// what lets them manage users.
pub fn update(c: &mut DbConn, who: &Who, id: i64, b: UpdateUser) -> AppResult<User> {
    require(who, Act::ChangeUser)?;
    rules::check_self_change(&who.caller, id, b.active == Some(false), b.role)?;
    let mut changes = UserChanges {
        display_name: b
            .display_name
            .as_deref()
            .map(|v| validate::text("display_name", v, 200))
            .transpose()?,
        email: b.email.as_deref().map(|v| validate::email("email", v)).transpose()?,
        phone: b.phone.as_deref().map(|v| validate::phone("phone", v)).transpose()?,
        role: b.role.map(|r| r.as_str().to_string()),
        active: b.active,
        language: b.language.map(|l| l.as_str().to_string()),
        ..Default::default()
    };
    if let Some(p) = &b.password {
        validate::password("password", p)?;
        changes.password_hash = Some(password::hash(p)?);
    }
    let actor = who.actor();
    write(c, |c| {
        let before = store::get(c, id)?.to_wire()?;
        // Disabling a user or setting a password ends their sessions, and with a new token
        // version their access tokens stop working at the next request on every node; so does
        // enabling them again (a token from before they were disabled stays dead). A new role
        // needs neither: every request reads the role the user has now.
        let revoke = changes.active == Some(false) || changes.password_hash.is_some();
        let new_version = revoke || changes.active.is_some_and(|a| a != before.active);
        changes.updated_at = Some(ts(actor.at));
        let after = store::set(c, id, &changes)?.to_wire()?;
        if revoke {
            store::revoke_user_sessions(c, id, actor.at)?;
        }
        if new_version {
            store::bump_token_version(c, id)?;
        }
        let mut after_snapshot = snapshot(&after);
        if let (Some(obj), true) = (
            after_snapshot.as_mut().and_then(|v| v.as_object_mut()),
            changes.password_hash.is_some(),
        ) {
            obj.insert("password_changed".into(), true.into());
        }
        audit::record(c, &actor, "user", id, "update", snapshot(&before), after_snapshot)?;
        Ok(after)
    })
}

/// Makes the first admin when there is no user at all, with the configured password or a
/// generated one; returns the generated password (to print once) when one was made.
pub fn ensure_first_admin(c: &mut DbConn, at: DateTime<Utc>, configured: Option<String>) -> AppResult<Option<String>> {
    // Checked before hashing, so a start on a database with users costs no argon2 hash.
    if store::count(c)? > 0 {
        return Ok(None);
    }
    let (password, generated) = match configured {
        Some(p) => {
            validate::password("FIELDLINE_ADMIN_PASSWORD", &p)?;
            (p, false)
        }
        None => (password::generate(), true),
    };
    let password_hash = password::hash(&password)?;
    let created = write(c, |c| -> AppResult<bool> {
        if store::count(c)? > 0 {
            return Ok(false);
        }
        let row = store::insert(
            c,
            &NewUserRow {
                username: "admin".into(),
                display_name: "Administrator".into(),
                email: None,
                phone: None,
                role: rules::FIRST_USER_ROLE.as_str().into(),
                password_hash,
                active: true,
                created_at: ts(at),
                updated_at: ts(at),
                language: None,
            },
        )?;
        audit::record(
            c,
            &Actor::system(at),
            "user",
            row.id,
            "create_first_admin",
            None,
            snapshot(&row.to_wire()?),
        )?;
        Ok(true)
    })?;
    Ok((created && generated).then_some(password))
}
