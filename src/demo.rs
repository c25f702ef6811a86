//! Command-line data tasks: creating a user, and the demo data set.

use crate::db::audit::Actor;
use crate::db::users::{self, NewUserRow};
use crate::db::ts;
use crate::domain::validate;
use fieldline_mobile_api::{Role, User};

/// Creates a user from the command line (recorded in the audit trail as done by the service).
pub fn create_user(
    url: &str,
    username: &str,
    role: &str,
    display_name: Option<&str>,
    email: Option<&str>,
    password: &str,
) -> anyhow::Result<User> {
    let role = Role::parse(role).ok_or_else(|| anyhow::anyhow!("unknown role `{role}`"))?;
    let username = validate::username(username)?;
    let display_name = validate::text("display_name", display_name.unwrap_or(&username), 200)?;
    let email = validate::optional(email, |v| validate::email("email", v))?;
    validate::password("password", password)?;
    let pool = crate::db::connect(url, 1)?;
    let mut conn = pool.get()?;
    let now = chrono::Utc::now();
    let user = users::create(
        &mut conn,
        &Actor::system(now),
        NewUserRow {
            username,
            display_name,
            email,
            phone: None,
            role: role.as_str().into(),
            password_hash: crate::auth::password::hash(password)?,
            active: true,
            created_at: ts(now),
            updated_at: ts(now),
        },
    )?;
    Ok(user)
}

/// Loads the demo data set; returns a summary to print.
pub fn load(url: &str) -> anyhow::Result<String> {
    let _ = url;
    anyhow::bail!("the demo data set is not written yet")
}
