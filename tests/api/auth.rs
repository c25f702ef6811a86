use crate::helpers::{
    problem, spawn_app, spawn_app_at, spawn_app_with, TestApp, ADMIN_PASSWORD, JWT_SECRET, USER_PASSWORD,
};
use base64::Engine;
use fieldline_mobile_api::client::Client;
use fieldline_mobile_api::{ErrorCode, Role, TokenResponse};
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr};

fn claims(exp_offset: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": 1, "role": "admin", "name": "admin", "purpose": "access", "iss": "fieldline",
           "aud": "fieldline-api", "exp": now + exp_offset, "nbf": now - 120, "iat": now - 120, "jti": "t"})
}

fn sign(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn login_gives_a_short_lived_jwt_with_the_required_claims() {
    let app = spawn_app().await;
    let t = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(t.token_type, "Bearer");
    assert_eq!(t.expires_in, 900);
    let payload = t.access_token.split('.').nth(1).unwrap();
    let c: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(c["iss"], "fieldline");
    assert_eq!(c["aud"], "fieldline-api");
    assert_eq!(c["exp"].as_i64().unwrap() - c["nbf"].as_i64().unwrap(), 900);
    let header = t.access_token.split('.').next().unwrap();
    let h: Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
    assert_eq!(h["alg"], "HS256");
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same() {
    let app = spawn_app().await;
    let a = app
        .post_anon(
            "/api/v1/auth/login",
            &json!({"username": "admin", "password": "not-the-password"}),
        )
        .await;
    let pa = problem(a, 401, "invalid_credentials").await;
    let b = app
        .post_anon(
            "/api/v1/auth/login",
            &json!({"username": "nobody", "password": "not-the-password"}),
        )
        .await;
    let pb = problem(b, 401, "invalid_credentials").await;
    assert_eq!(pa.detail, pb.detail);
}

#[tokio::test]
async fn repeated_failures_for_an_account_are_throttled() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let r = app
            .post_anon(
                "/api/v1/auth/login",
                &json!({"username": "admin", "password": "wrong-password!"}),
            )
            .await;
        problem(r, 401, "invalid_credentials").await;
    }
    // Even the right password is refused while the account is throttled.
    let r = app
        .post_anon(
            "/api/v1/auth/login",
            &json!({"username": "admin", "password": ADMIN_PASSWORD}),
        )
        .await;
    let retry: u64 = r
        .headers()
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 900);
    problem(r, 429, "too_many_requests").await;
}

#[tokio::test]
async fn repeated_failures_from_one_address_are_throttled() {
    let app = spawn_app_with(|s| s.login_max_failures_per_ip = 3).await;
    for i in 0..3 {
        let r = app
            .post_anon(
                "/api/v1/auth/login",
                &json!({"username": format!("someone{i}"), "password": "wrong-password!"}),
            )
            .await;
        problem(r, 401, "invalid_credentials").await;
    }
    let r = app
        .post_anon(
            "/api/v1/auth/login",
            &json!({"username": "someone-else", "password": "wrong-password!"}),
        )
        .await;
    problem(r, 429, "too_many_requests").await;
}

#[tokio::test]
async fn a_successful_login_clears_the_failures() {
    let app = spawn_app().await;
    for _ in 0..4 {
        let r = app
            .post_anon(
                "/api/v1/auth/login",
                &json!({"username": "admin", "password": "wrong-password!"}),
            )
            .await;
        problem(r, 401, "invalid_credentials").await;
    }
    app.login("admin", ADMIN_PASSWORD).await;
    for _ in 0..4 {
        let r = app
            .post_anon(
                "/api/v1/auth/login",
                &json!({"username": "admin", "password": "wrong-password!"}),
            )
            .await;
        problem(r, 401, "invalid_credentials").await;
    }
    app.login("admin", ADMIN_PASSWORD).await;
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = spawn_app().await;
    let mut client = Client::new(&app.address);
    let first = client.login("admin", ADMIN_PASSWORD).await.unwrap();
    let second = client.refresh().await.unwrap();
    assert_ne!(first.refresh_token, second.refresh_token);
    assert_eq!(client.me().await.unwrap().username, "admin");
    // The first token is used up: presenting it again is reuse, which revokes the family...
    let reuse = app
        .post_anon("/api/v1/auth/refresh", &json!({"refresh_token": first.refresh_token}))
        .await;
    problem(reuse, 401, "token_invalid").await;
    // ...so the second (current) token no longer works either.
    let err = client.refresh().await.unwrap_err();
    assert_eq!(err.problem().unwrap().code, ErrorCode::TokenInvalid);
    // Another sign-in of the same user is not affected.
    let mut other = Client::new(&app.address);
    other.login("admin", ADMIN_PASSWORD).await.unwrap();
    other.refresh().await.unwrap();
}

#[tokio::test]
async fn logout_revokes_the_refresh_token() {
    let app = spawn_app().await;
    let t = app.login("admin", ADMIN_PASSWORD).await;
    let r = app
        .post_anon("/api/v1/auth/logout", &json!({"refresh_token": t.refresh_token}))
        .await;
    assert_eq!(r.status(), 204);
    let r = app
        .post_anon("/api/v1/auth/refresh", &json!({"refresh_token": t.refresh_token}))
        .await;
    problem(r, 401, "token_invalid").await;
    let r = app
        .post_anon("/api/v1/auth/refresh", &json!({"refresh_token": "never-issued"}))
        .await;
    problem(r, 401, "token_invalid").await;
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in_or_refresh() {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::Agent).await;
    let t: TokenResponse = app.login(&user.username, USER_PASSWORD).await;
    let r = app
        .patch(
            &format!("/api/v1/users/{}", user.id),
            &app.admin,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .post_anon(
            "/api/v1/auth/login",
            &json!({"username": user.username, "password": USER_PASSWORD}),
        )
        .await;
    problem(r, 401, "invalid_credentials").await;
    let r = app
        .post_anon("/api/v1/auth/refresh", &json!({"refresh_token": t.refresh_token}))
        .await;
    problem(r, 401, "token_invalid").await;
}

#[tokio::test]
async fn a_password_change_revokes_sessions_and_the_new_password_works() {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::Dispatcher).await;
    let t = app.login(&user.username, USER_PASSWORD).await;
    let r = app
        .patch(
            &format!("/api/v1/users/{}", user.id),
            &app.admin,
            &json!({"password": "a-brand-new-password"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = app
        .post_anon("/api/v1/auth/refresh", &json!({"refresh_token": t.refresh_token}))
        .await;
    problem(r, 401, "token_invalid").await;
    app.login(&user.username, "a-brand-new-password").await;
}

#[tokio::test]
async fn bad_tokens_are_refused() {
    let app = spawn_app().await;
    let me = "/api/v1/me";
    problem(app.http.get(app.url(me)).send().await.unwrap(), 401, "unauthorized").await;
    problem(
        app.http
            .get(app.url(me))
            .header("authorization", "Basic abc")
            .send()
            .await
            .unwrap(),
        401,
        "unauthorized",
    )
    .await;
    problem(app.get(me, "not.a.jwt").await, 401, "token_invalid").await;
    // Expired.
    problem(app.get(me, &sign(&claims(-60), JWT_SECRET)).await, 401, "token_expired").await;
    // Signed with another key.
    problem(
        app.get(me, &sign(&claims(600), "another-key-of-sufficient-length"))
            .await,
        401,
        "token_invalid",
    )
    .await;
    // alg: none.
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let none = format!(
        "{}.{}.",
        b64(r#"{"alg":"none","typ":"JWT"}"#),
        b64(&claims(600).to_string())
    );
    problem(app.get(me, &none).await, 401, "token_invalid").await;
    // Wrong audience, wrong issuer, missing nbf, not yet valid.
    let mut c = claims(600);
    c["aud"] = json!("someone-else");
    problem(app.get(me, &sign(&c, JWT_SECRET)).await, 401, "token_invalid").await;
    let mut c = claims(600);
    c["iss"] = json!("someone-else");
    problem(app.get(me, &sign(&c, JWT_SECRET)).await, 401, "token_invalid").await;
    let mut c = claims(600);
    c.as_object_mut().unwrap().remove("nbf");
    problem(app.get(me, &sign(&c, JWT_SECRET)).await, 401, "token_invalid").await;
    let mut c = claims(600);
    c["nbf"] = json!(chrono::Utc::now().timestamp() + 300);
    problem(app.get(me, &sign(&c, JWT_SECRET)).await, 401, "token_invalid").await;
    // A well-signed token is accepted.
    let ok = app.get(me, &sign(&claims(600), JWT_SECRET)).await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn roles_are_checked_on_every_endpoint() {
    let app = spawn_app().await;
    let tech = app.token(Role::Technician).await;
    let agent = app.token(Role::Agent).await;
    let dispatcher = app.token(Role::Dispatcher).await;
    // A technician calling admin and office endpoints.
    for path in [
        "/api/v1/users",
        "/api/v1/audit",
        "/api/v1/customers",
        "/api/v1/sites",
        "/api/v1/assets",
        "/api/v1/regions",
    ] {
        problem(app.get(path, &tech).await, 403, "forbidden").await;
    }
    let r = app
        .post(
            "/api/v1/users",
            &tech,
            &json!({"username": "x", "display_name": "x", "role": "admin", "password": "p"}),
        )
        .await;
    problem(r, 403, "forbidden").await;
    // Agents register customers; dispatchers only read them; only admins draw regions.
    let r = app
        .post(
            "/api/v1/customers",
            &agent,
            &json!({"name": "Hangzhou Water", "tier": "silver"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let r = app
        .post(
            "/api/v1/customers",
            &dispatcher,
            &json!({"name": "Hangzhou Water", "tier": "silver"}),
        )
        .await;
    problem(r, 403, "forbidden").await;
    assert_eq!(app.get("/api/v1/customers", &dispatcher).await.status(), 200);
    let r = app
        .post(
            "/api/v1/regions",
            &agent,
            &json!({"name": "R", "class": "urban", "boundary": crate::helpers::square(0.0, 0.0, 1.0, 1.0)}),
        )
        .await;
    problem(r, 403, "forbidden").await;
    // A user may read themself but not others.
    let (other, _) = app.user(Role::Agent).await;
    problem(
        app.get(&format!("/api/v1/users/{}", other.id), &agent).await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        app.get(&format!("/api/v1/users/{}", other.id), &app.admin)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn admins_manage_users_and_roles() {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::Agent).await;
    let r = app
        .patch(
            &format!("/api/v1/users/{}", user.id),
            &app.admin,
            &json!({"role": "supervisor"}),
        )
        .await;
    let u: Value = app.ok(r, 200).await;
    assert_eq!(u["role"], "supervisor");
    // A new sign-in reports the new role (requests act with it from the next one on).
    let t = app.login(&user.username, USER_PASSWORD).await;
    assert_eq!(t.user.role, Role::Supervisor);
    let r = app
        .post(
            "/api/v1/users",
            &app.admin,
            &json!({"username": user.username, "display_name": "Again", "role": "agent", "password": USER_PASSWORD}),
        )
        .await;
    let p = problem(r, 409, "duplicate").await;
    assert_eq!(p.field.as_deref(), Some("username"));
    let r = app
        .post(
            "/api/v1/users",
            &app.admin,
            &json!({"username": "shorty", "display_name": "S", "role": "agent", "password": "short"}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("password")
    );
    let r = app
        .post(
            "/api/v1/users",
            &app.admin,
            &json!({"username": "wizard", "display_name": "W", "role": "wizard", "password": USER_PASSWORD}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("role")
    );
    // An admin cannot lock themself out.
    let me: Value = app.ok(app.get("/api/v1/me", &app.admin).await, 200).await;
    let r = app
        .patch(
            &format!("/api/v1/users/{}", me["id"]),
            &app.admin,
            &json!({"active": false}),
        )
        .await;
    problem(r, 409, "conflict").await;
    let list: Value = app
        .ok(app.get("/api/v1/users?role=supervisor", &app.admin).await, 200)
        .await;
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn a_user_sets_their_own_language() {
    let app = spawn_app().await;
    let (user, token) = app.user(Role::Technician).await;
    assert_eq!(user.language, None, "no choice made yet");
    let login = app.login(&user.username, USER_PASSWORD).await;
    assert_eq!(login.user.language, None);

    let me: Value = app
        .ok(app.patch("/api/v1/me", &token, &json!({"language": "en"})).await, 200)
        .await;
    assert_eq!(me["language"], "en");
    let me: Value = app.ok(app.get("/api/v1/me", &token).await, 200).await;
    assert_eq!(me["language"], "en");
    assert_eq!(
        app.login(&user.username, USER_PASSWORD).await.user.language,
        Some(fieldline_mobile_api::Language::En),
        "the login answer carries it"
    );
    let me: Value = app
        .ok(app.patch("/api/v1/me", &token, &json!({"language": "zh"})).await, 200)
        .await;
    assert_eq!(me["language"], "zh");

    // Only `zh` and `en`, and only the language: the rest of the account is the admins'.
    for body in [
        json!({"language": "fr"}),
        json!({"language": null}),
        json!({}),
        json!({"language": "en", "role": "admin"}),
    ] {
        let p = problem(app.patch("/api/v1/me", &token, &body).await, 422, "validation_failed").await;
        let expected = if body.get("role").is_some() { "role" } else { "language" };
        assert_eq!(p.field.as_deref(), Some(expected), "{body}");
    }
    let me: Value = app.ok(app.get("/api/v1/me", &token).await, 200).await;
    assert_eq!(
        (me["language"].as_str(), me["role"].as_str()),
        (Some("zh"), Some("technician"))
    );
    problem(
        app.patch("/api/v1/me", "not-a-token", &json!({"language": "en"})).await,
        401,
        "token_invalid",
    )
    .await;

    // Each change is in the audit trail.
    let trail: Value = app
        .ok(
            app.get(
                &format!("/api/v1/audit?entity=user&entity_id={}", user.id.0),
                &app.admin,
            )
            .await,
            200,
        )
        .await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .filter(|a| *a == "update_language")
        .collect();
    assert_eq!(actions.len(), 2, "{trail}");

    // An admin sets a user's language when creating or changing them; a bad one names the field.
    let r = app
        .post(
            "/api/v1/users",
            &app.admin,
            &json!({"username": "lang-en", "display_name": "L", "role": "agent", "password": USER_PASSWORD, "language": "en"}),
        )
        .await;
    let created: Value = app.ok(r, 201).await;
    assert_eq!(created["language"], "en");
    let r = app
        .patch(
            &format!("/api/v1/users/{}", created["id"]),
            &app.admin,
            &json!({"language": "de"}),
        )
        .await;
    assert_eq!(
        problem(r, 422, "validation_failed").await.field.as_deref(),
        Some("language")
    );
}

/// A client whose requests come from 127.0.0.`last` (every 127/8 address is the loopback), so
/// the service sees another address.
pub fn client_from(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
        .build()
        .expect("a client")
}

pub async fn login_from(app: &TestApp, client: &reqwest::Client, username: &str, password: &str) -> reqwest::Response {
    client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .expect("request")
}

fn retry_after(r: &reqwest::Response) -> u64 {
    r.headers()
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn an_attacker_elsewhere_cannot_lock_the_real_user_out() {
    let app = spawn_app().await;
    let (user, _) = app.user(Role::Agent).await;
    let (attacker, real) = (client_from(2), client_from(3));
    for _ in 0..5 {
        let r = login_from(&app, &attacker, &user.username, "wrong-password!").await;
        problem(r, 401, "invalid_credentials").await;
    }
    // The attacker's address is locked for this username, even with the right password...
    for password in ["wrong-password!", USER_PASSWORD] {
        let r = login_from(&app, &attacker, &user.username, password).await;
        let retry = retry_after(&r);
        assert!(retry > 0 && retry <= 900, "{retry}");
        problem(r, 429, "too_many_requests").await;
    }
    // ...but the user signs in from their own address...
    let r = login_from(&app, &real, &user.username, USER_PASSWORD).await;
    let t: TokenResponse = app.ok(r, 200).await;
    assert_eq!(t.user.id, user.id);
    // ...and that does not unlock the attacker.
    let r = login_from(&app, &attacker, &user.username, "another-guess!").await;
    assert!(retry_after(&r) > 0);
    problem(r, 429, "too_many_requests").await;
    // The attacker's address is not locked for other usernames (below its own bound).
    let r = login_from(&app, &attacker, "admin", ADMIN_PASSWORD).await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn the_username_bound_stops_an_attack_from_many_addresses() {
    let app = spawn_app_at("2026-12-03T02:00:00Z").await;
    let (user, _) = app.user(Role::Agent).await;
    assert_eq!(
        (
            app.settings.login_max_failures_per_user,
            app.settings.login_user_failure_window.num_minutes()
        ),
        (50, 60),
        "the defaults this test measures"
    );
    // 25 addresses, 4 guesses each: under the bound per address and per username and address.
    let (mut checked, mut refused) = (0, 0);
    for last in 10..35u8 {
        let client = client_from(last);
        for guess in 0..4 {
            let r = login_from(&app, &client, &user.username, &format!("guess-{last}-{guess}")).await;
            match r.status().as_u16() {
                401 => checked += 1,
                429 => {
                    let retry = retry_after(&r);
                    assert!(retry > 900 && retry <= 3600, "the username's bound: {retry}");
                    refused += 1
                }
                other => panic!("unexpected status {other}"),
            }
        }
    }
    assert_eq!(
        (checked, refused),
        (50, 50),
        "50 passwords tried in the hour, then none"
    );
    // While it holds, the user too waits (the price of the bound), from a fresh address as well.
    let r = login_from(&app, &client_from(99), &user.username, USER_PASSWORD).await;
    problem(r, 429, "too_many_requests").await;
    // An hour later the failures have left the window.
    app.clock.advance(chrono::Duration::minutes(61));
    let r = login_from(&app, &client_from(99), &user.username, USER_PASSWORD).await;
    assert_eq!(r.status(), 200);
}

fn on_postgres(app: &TestApp) -> bool {
    app.settings.database_url.starts_with("postgres")
}

/// What `node` answers for `path`, once it answers `status`: a node that did not make a change
/// sees it at its next request on SQLite, and on PostgreSQL once the change's notification has
/// reached it (milliseconds), so there it is asked again, 5 ms apart, for at most two seconds.
/// With `FIELDLINE_TEST_SHOW_DELAY` set it prints how long that took.
async fn seen_on(node: &TestApp, path: &str, token: &str, status: u16) -> reqwest::Response {
    let began = std::time::Instant::now();
    let tries = if on_postgres(node) { 400 } else { 1 };
    for _ in 1..tries {
        let r = node.get(path, token).await;
        if r.status() == status {
            if std::env::var("FIELDLINE_TEST_SHOW_DELAY").is_ok() {
                eprintln!("notification delay: {:.1} ms", began.elapsed().as_secs_f64() * 1000.0);
            }
            return r;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    node.get(path, token).await
}

#[tokio::test]
async fn disabling_a_user_ends_their_access_tokens_at_the_next_request_on_every_node() {
    let app = spawn_app().await;
    let node2 = app.node(|_| {}).await;
    let (user, token) = app.user(Role::Agent).await;
    for node in [&app, &node2] {
        assert_eq!(node.get("/api/v1/me", &token).await.status(), 200);
    }
    let users = format!("/api/v1/users/{}", user.id);
    let r = app.patch(&users, &app.admin, &json!({"active": false})).await;
    assert_eq!(r.status(), 200);
    problem(seen_on(&node2, "/api/v1/me", &token, 401).await, 401, "token_invalid").await;
    problem(app.get("/api/v1/me", &token).await, 401, "token_invalid").await;
    // Enabled again, the user signs in afresh; the token from before stays dead.
    let r = node2.patch(&users, &node2.admin, &json!({"active": true})).await;
    assert_eq!(r.status(), 200);
    let fresh = node2.login(&user.username, USER_PASSWORD).await.access_token;
    assert_eq!(node2.get("/api/v1/me", &fresh).await.status(), 200);
    assert_eq!(seen_on(&app, "/api/v1/me", &fresh, 200).await.status(), 200);
    for node in [&app, &node2] {
        problem(node.get("/api/v1/me", &token).await, 401, "token_invalid").await;
    }
    // A new password ends the tokens issued before it too.
    let r = app
        .patch(&users, &app.admin, &json!({"password": "a-brand-new-password"}))
        .await;
    assert_eq!(r.status(), 200);
    problem(app.get("/api/v1/me", &fresh).await, 401, "token_invalid").await;
    problem(seen_on(&node2, "/api/v1/me", &fresh, 401).await, 401, "token_invalid").await;
}

#[tokio::test]
async fn a_new_role_takes_effect_at_the_next_request_on_every_node() {
    let app = spawn_app().await;
    let node2 = app.node(|_| {}).await;
    let (user, token) = app.user(Role::Dispatcher).await;
    for node in [&app, &node2] {
        assert_eq!(node.get("/api/v1/technicians", &token).await.status(), 200);
    }
    let r = app
        .patch(
            &format!("/api/v1/users/{}", user.id),
            &app.admin,
            &json!({"role": "technician"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    problem(app.get("/api/v1/technicians", &token).await, 403, "forbidden").await;
    problem(
        seen_on(&node2, "/api/v1/technicians", &token, 403).await,
        403,
        "forbidden",
    )
    .await;
    for node in [&app, &node2] {
        let me: Value = node.ok(node.get("/api/v1/me", &token).await, 200).await;
        assert_eq!(me["role"], "technician");
    }
    // Promoted back, the same token acts as a dispatcher again.
    let r = node2
        .patch(
            &format!("/api/v1/users/{}", user.id),
            &node2.admin,
            &json!({"role": "dispatcher"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(node2.get("/api/v1/technicians", &token).await.status(), 200);
    assert_eq!(seen_on(&app, "/api/v1/technicians", &token, 200).await.status(), 200);
}

/// A connection of the test's own to the application's PostgreSQL database.
fn pg(app: &TestApp) -> diesel::PgConnection {
    use diesel::Connection;
    diesel::PgConnection::establish(&app.settings.database_url).expect("the test database")
}

/// How many token-state listeners are connected to the database.
fn listeners(c: &mut diesel::PgConnection) -> i64 {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(format!(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = '{}'",
        fieldline::auth::listener::APPLICATION_NAME
    ))
    .get_result::<N>(c)
    .expect("count the listeners")
    .n
}

/// Waits until `nodes` listeners are connected (and have had time to `LISTEN`).
async fn until_listening(c: &mut diesel::PgConnection, nodes: i64) {
    for _ in 0..400 {
        if listeners(c) == nodes {
            // Connected; LISTEN follows on the same connection at once.
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the nodes' listeners did not connect");
}

#[tokio::test]
async fn a_node_whose_listener_is_down_checks_tokens_against_the_database() {
    use diesel::connection::SimpleConnection;
    let app = spawn_app().await;
    if !on_postgres(&app) {
        return; // SQLite keeps no token states: it reads them at every request.
    }
    let node2 = app.node(|_| {}).await;
    let mut c = pg(&app);
    until_listening(&mut c, 2).await;
    let (user, token) = app.user(Role::Agent).await;
    assert_eq!(node2.get("/api/v1/me", &token).await.status(), 200);
    // A change nobody is told of: node2 answers from what it keeps.
    c.batch_execute(&format!(
        "ALTER TABLE users DISABLE TRIGGER users_token_state_changed; \
         UPDATE users SET active = false WHERE id = {}; \
         ALTER TABLE users ENABLE TRIGGER users_token_state_changed",
        user.id.0
    ))
    .unwrap();
    assert_eq!(
        node2.get("/api/v1/me", &token).await.status(),
        200,
        "node2 keeps token states"
    );
    // Its listener's connection ends: it may have missed changes, so it keeps nothing and reads
    // the database, at once after noticing (within its poll) and until it listens again.
    c.batch_execute(&format!(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = '{}'",
        fieldline::auth::listener::APPLICATION_NAME
    ))
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    problem(node2.get("/api/v1/me", &token).await, 401, "token_invalid").await;
    // Listening again, it hears of changes again.
    until_listening(&mut c, 2).await;
    c.batch_execute(&format!("UPDATE users SET active = true WHERE id = {}", user.id.0))
        .unwrap();
    assert_eq!(seen_on(&node2, "/api/v1/me", &token, 200).await.status(), 200);
}

#[tokio::test]
async fn the_staff_directory_names_the_active_colleagues_to_the_office_only() {
    let app = spawn_app().await;
    let (engineer, _) = app.user(Role::RemoteEngineer).await;
    let (gone, _) = app.user(Role::RemoteEngineer).await;
    let r = app
        .patch(
            &format!("/api/v1/users/{}", gone.id),
            &app.admin,
            &json!({"active": false}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let agent = app.token(Role::Agent).await;
    let page: Value = app
        .ok(
            app.get("/api/v1/users/directory?role=remote_engineer", &agent).await,
            200,
        )
        .await;
    let ids: Vec<i64> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&engineer.id.0) && !ids.contains(&gone.id.0), "{page}");
    let one = &page["items"][0];
    let mut keys: Vec<&str> = one.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["display_name", "id", "role"], "names and roles only");
    // By part of the name.
    let page: Value = app
        .ok(
            app.get(&format!("/api/v1/users/directory?q={}", engineer.username), &agent)
                .await,
            200,
        )
        .await;
    assert_eq!(page["total"], 1);
    // Technicians work from their visits, not the directory.
    let technician = app.token(Role::Technician).await;
    problem(app.get("/api/v1/users/directory", &technician).await, 403, "forbidden").await;
    // A bad role is refused by name.
    let p = problem(
        app.get("/api/v1/users/directory?role=pilot", &agent).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p.field.as_deref(), Some("role"));
}
