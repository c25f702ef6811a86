//! What the benchmarks share: the database they run on, a user, the region their sites lie in.
// Each benchmark uses some of these.
#![allow(dead_code)]

use fieldline::db::audit::Actor;
use fieldline::db::{self, customers, regions, sites, users};
use fieldline::domain::geo::{Boundary, Location};
use fieldline::service;
use fieldline_mobile_api::{RegionClass, Tier, User};

/// PostgreSQL when BENCH_DATABASE_URL is set, else a fresh SQLite file in the temporary folder.
pub fn database_url() -> anyhow::Result<String> {
    match std::env::var("BENCH_DATABASE_URL") {
        Ok(u) if !u.is_empty() => Ok(u),
        _ => {
            let dir = std::env::temp_dir().join(format!("fieldline-bench-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(&dir)?;
            Ok(format!("sqlite://{}", dir.join("bench.db").display()))
        }
    }
}

/// An active user who cannot sign in.
pub fn user(
    c: &mut db::DbConn,
    system: &Actor,
    username: &str,
    display_name: &str,
    role: &str,
) -> anyhow::Result<User> {
    Ok(service::users::create_as(
        c,
        system,
        users::NewUserRow {
            username: username.into(),
            display_name: display_name.into(),
            email: None,
            phone: None,
            role: role.into(),
            password_hash: "not-a-login".into(),
            active: true,
            created_at: db::ts(system.at),
            updated_at: db::ts(system.at),
            language: None,
        },
    )?)
}

/// The urban region `Centre` around (30.25, 120.15).
pub fn centre_region(c: &mut db::DbConn, system: &Actor) -> anyhow::Result<()> {
    let boundary = Boundary::from_ring(&[(120.1, 30.2), (120.3, 30.2), (120.3, 30.35), (120.1, 30.35)])?;
    let json = fieldline::geojson::boundary_to_value(&boundary).to_string();
    service::regions::create_as(
        c,
        system,
        regions::RegionFields {
            name: "Centre".into(),
            class: RegionClass::Urban,
            boundary,
            boundary_json: json,
        },
    )?;
    Ok(())
}

/// A customer with one site, `Depot`, inside the `Centre` region; (customer id, site id).
pub fn customer_with_site(
    c: &mut db::DbConn,
    system: &Actor,
    name: &str,
    tier: Tier,
    account_manager_id: Option<i64>,
) -> anyhow::Result<(i64, i64)> {
    let customer = service::customers::create_as(
        c,
        system,
        customers::CustomerFields {
            name: name.into(),
            tier,
            account_manager_id,
        },
    )?;
    let site = service::sites::create_as(
        c,
        system,
        customer.id.0,
        sites::SiteFields {
            name: "Depot".into(),
            address: "1 Rd".into(),
            location: Location::parse(30.25, 120.15)?,
        },
    )?;
    Ok((customer.id.0, site.id.0))
}
