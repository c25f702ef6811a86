//! Sign in, refresh, sign out.

use super::extract::Json;
use super::run;
use crate::auth::session;
use crate::error::AppResult;
use crate::startup::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use fieldline_mobile_api::{LoginRequest, Problem, RefreshRequest, TokenResponse};

/// Exchanges a username and password for an access token (15 min) and a refresh token.
/// Repeated failures for one username or from one address are answered with 429.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(state: web::Data<AppState>, req: HttpRequest, body: Json<LoginRequest>) -> AppResult<HttpResponse> {
    let address = client_address(&req, &state.settings.trusted_proxies);
    let LoginRequest { username, password } = body.0;
    let tokens = run(&state, move |c, st| {
        session::login(c, st, &username, &password, &address)
    })
    .await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// The address a request comes from: its peer's, or, when the peer is a trusted load balancer,
/// the last address in `X-Forwarded-For` that is not one (those before it may be made up by the
/// client; the trusted ones appended them). "unknown" without a peer.
fn client_address(req: &HttpRequest, trusted: &[std::net::IpAddr]) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".into();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    forwarded_client(peer, &forwarded, trusted).to_string()
}

/// The client by `X-Forwarded-For` (its entries in order) of a request from a trusted `peer`:
/// the rightmost entry that is not a trusted proxy; the leftmost one when all are; the peer when
/// there is none or the entry that decides is not an address.
fn forwarded_client(peer: std::net::IpAddr, forwarded: &[&str], trusted: &[std::net::IpAddr]) -> std::net::IpAddr {
    let mut client = peer;
    for entry in forwarded.iter().rev() {
        let Ok(ip) = entry.parse::<std::net::IpAddr>() else {
            return client;
        };
        client = ip;
        if !trusted.contains(&ip) {
            break;
        }
    }
    client
}

/// Exchanges a refresh token for a new pair; the presented token is used up. Presenting a used
/// token again revokes every token of that sign-in.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = Problem)))]
pub async fn refresh(state: web::Data<AppState>, body: Json<RefreshRequest>) -> AppResult<HttpResponse> {
    let token = body.0.refresh_token;
    let tokens = run(&state, move |c, st| session::refresh(c, st, &token)).await?;
    Ok(HttpResponse::Ok().json(tokens))
}

/// Revokes the sign-in the refresh token belongs to.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "signed out")))]
pub async fn logout(state: web::Data<AppState>, body: Json<RefreshRequest>) -> AppResult<HttpResponse> {
    let token = body.0.refresh_token;
    run(&state, move |c, st| session::logout(c, st, &token)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::forwarded_client;
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_client_is_the_last_untrusted_forwarded_address() {
        let lb = ip("10.0.0.1");
        let trusted = [lb, ip("10.0.0.2")];
        // The load balancer appended the client's address; a client's own entries before it do not count.
        assert_eq!(
            forwarded_client(lb, &["1.2.3.4", "203.0.113.7"], &trusted),
            ip("203.0.113.7")
        );
        // Two proxies in a row: the one before them is the client.
        assert_eq!(
            forwarded_client(lb, &["203.0.113.7", "10.0.0.2"], &trusted),
            ip("203.0.113.7")
        );
        // All trusted: the farthest.
        assert_eq!(forwarded_client(lb, &["10.0.0.2"], &trusted), ip("10.0.0.2"));
        // None, or garbage where the client should be: the peer.
        assert_eq!(forwarded_client(lb, &[], &trusted), lb);
        assert_eq!(forwarded_client(lb, &["1.2.3.4", "not-an-address"], &trusted), lb);
        assert_eq!(
            forwarded_client(lb, &["not-an-address", "10.0.0.2"], &trusted),
            ip("10.0.0.2")
        );
    }
}
