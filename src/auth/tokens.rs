//! Access tokens (JWT, HS256, short-lived), survey links (JWT, HS256, single-use: their `jti` is
//! stored) and refresh tokens (random, stored hashed).

use crate::config::Settings;
use crate::error::AppError;
use base64::Engine;
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{Role, UserId};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The claims of an access token. `purpose` keeps tokens of other purposes (a survey link, say)
/// from ever being accepted as access tokens.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: i64,
    /// The role when the token was issued; requests act with the role the user has now.
    pub role: String,
    pub name: String,
    pub purpose: String,
    /// The user's token version when the token was issued (tokens issued before versions
    /// existed read as 0, the first version); a token of an older version is refused.
    #[serde(default)]
    pub ver: i64,
    #[serde(flatten)]
    pub registered: Registered,
}

/// The registered claims every token of the service carries: issuer, audience, expiry,
/// not-before, issued-at and a random id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Registered {
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub jti: String,
}

pub const ACCESS_PURPOSE: &str = "access";

/// The claims of a survey link: the ticket it asks about. The `jti` names the stored link, which
/// says whether it was used; expiry and not-before are checked against the service's clock by
/// `verify_survey`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SurveyClaims {
    pub ticket: i64,
    pub purpose: String,
    #[serde(flatten)]
    pub registered: Registered,
}

pub const SURVEY_PURPOSE: &str = "survey";

/// The claims of a customer portal sign-in link: the contact it signs in. Like a survey link, its
/// `jti` names the stored link (single-use); its audience is the portal's, not the staff API's.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PortalLinkClaims {
    pub contact: i64,
    pub purpose: String,
    #[serde(flatten)]
    pub registered: Registered,
}

pub const PORTAL_LINK_PURPOSE: &str = "portal_link";

/// The claims of a portal session's access token: the contact (`sub`) and the link that opened
/// the session (`sid`, the link's `jti`), which says whether the session was signed out.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PortalClaims {
    pub sub: i64,
    pub sid: String,
    pub purpose: String,
    #[serde(flatten)]
    pub registered: Registered,
}

pub const PORTAL_PURPOSE: &str = "portal";

/// The audience of the portal's tokens: the staff API's audience with `-portal`, so that no
/// staff token is a portal token and no portal token a staff token.
pub fn portal_audience(api_audience: &str) -> String {
    format!("{api_audience}-portal")
}

/// The signing keys and the rules a token must pass.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// The same rules without the wall-clock checks, which `verify_survey` makes on the clock.
    survey_validation: Validation,
    /// The portal's rules: its own audience, the wall-clock checks made on the clock.
    portal_validation: Validation,
    portal_audience: String,
    issuer: String,
    audience: String,
    access_ttl: chrono::Duration,
    pub refresh_ttl: chrono::Duration,
}

impl TokenKeys {
    pub fn new(s: &Settings) -> TokenKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = 5;
        validation.set_issuer(&[&s.jwt_issuer]);
        validation.set_audience(&[&s.jwt_audience]);
        let mut survey_validation = validation.clone();
        survey_validation.validate_exp = false;
        survey_validation.validate_nbf = false;
        let portal_audience = portal_audience(&s.jwt_audience);
        let mut portal_validation = survey_validation.clone();
        portal_validation.set_audience(&[&portal_audience]);
        TokenKeys {
            encoding: EncodingKey::from_secret(s.jwt_secret.as_bytes()),
            decoding: DecodingKey::from_secret(s.jwt_secret.as_bytes()),
            validation,
            survey_validation,
            portal_validation,
            portal_audience,
            issuer: s.jwt_issuer.clone(),
            audience: s.jwt_audience.clone(),
            access_ttl: chrono::Duration::from_std(s.access_token_ttl).unwrap_or(chrono::Duration::minutes(15)),
            refresh_ttl: chrono::Duration::from_std(s.refresh_token_ttl).unwrap_or(chrono::Duration::days(30)),
        }
    }

    /// Signs an access token for a user at their token version; returns it with its lifetime in
    /// seconds.
    pub fn issue(
        &self,
        user: UserId,
        role: Role,
        name: &str,
        version: i64,
        now: DateTime<Utc>,
    ) -> Result<(String, i64), AppError> {
        let claims = AccessClaims {
            sub: user.0,
            role: role.as_str().to_string(),
            name: name.to_string(),
            purpose: ACCESS_PURPOSE.to_string(),
            ver: version,
            registered: self.registered(now, now + self.access_ttl, &uuid::Uuid::new_v4().to_string()),
        };
        Ok((self.sign(&claims)?, self.access_ttl.num_seconds()))
    }

    fn registered(&self, now: DateTime<Utc>, expires_at: DateTime<Utc>, jti: &str) -> Registered {
        Registered {
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: expires_at.timestamp(),
            nbf: now.timestamp(),
            iat: now.timestamp(),
            jti: jti.to_string(),
        }
    }

    fn sign<C: Serialize>(&self, claims: &C) -> Result<String, AppError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| AppError::internal(format!("signing a token: {e}")))
    }

    /// Signs a survey link for a ticket, valid from `now` until `expires_at`, named by `jti`.
    pub fn issue_survey(
        &self,
        ticket: i64,
        jti: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<String, AppError> {
        self.sign(&SurveyClaims {
            ticket,
            purpose: SURVEY_PURPOSE.to_string(),
            registered: self.registered(now, expires_at, jti),
        })
    }

    /// Checks a survey link's signature, algorithm, issuer, audience, purpose and not-before
    /// (on `now`, the service's clock). Its expiry is left to the caller, which answers an
    /// expired link differently from a forged one. A link that fails is "not found".
    pub fn verify_survey(&self, token: &str, now: DateTime<Utc>) -> Result<SurveyClaims, AppError> {
        let invalid = || AppError::NotFound("no such survey link; check that it was copied whole".into());
        let data = jsonwebtoken::decode::<SurveyClaims>(token, &self.decoding, &self.survey_validation)
            .map_err(|_| invalid())?;
        let leeway = i64::try_from(self.survey_validation.leeway).unwrap_or(0);
        if data.claims.purpose != SURVEY_PURPOSE || data.claims.registered.nbf > now.timestamp() + leeway {
            return Err(invalid());
        }
        Ok(data.claims)
    }

    /// Registered claims of a portal token (the portal's audience).
    fn portal_registered(&self, now: DateTime<Utc>, expires_at: DateTime<Utc>, jti: &str) -> Registered {
        Registered {
            aud: self.portal_audience.clone(),
            ..self.registered(now, expires_at, jti)
        }
    }

    /// Signs a portal sign-in link for a contact, valid from `now` until `expires_at`, named by
    /// `jti`.
    pub fn issue_portal_link(
        &self,
        contact: i64,
        jti: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<String, AppError> {
        self.sign(&PortalLinkClaims {
            contact,
            purpose: PORTAL_LINK_PURPOSE.to_string(),
            registered: self.portal_registered(now, expires_at, jti),
        })
    }

    /// Signs a portal session's access token for the contact, opened by the link `sid`.
    pub fn issue_portal_session(
        &self,
        contact: i64,
        sid: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<String, AppError> {
        self.sign(&PortalClaims {
            sub: contact,
            sid: sid.to_string(),
            purpose: PORTAL_PURPOSE.to_string(),
            registered: self.portal_registered(now, expires_at, &uuid::Uuid::new_v4().to_string()),
        })
    }

    /// Checks a portal token's signature, algorithm, issuer, the portal's audience and
    /// not-before on `now` (the service's clock); its expiry is the caller's to judge.
    fn verify_portal_token<C: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        now: DateTime<Utc>,
        nbf: impl Fn(&C) -> (bool, i64),
    ) -> Option<C> {
        let data = jsonwebtoken::decode::<C>(token, &self.decoding, &self.portal_validation).ok()?;
        let leeway = i64::try_from(self.portal_validation.leeway).unwrap_or(0);
        let (purpose_ok, not_before) = nbf(&data.claims);
        (purpose_ok && not_before <= now.timestamp() + leeway).then_some(data.claims)
    }

    /// Checks a portal sign-in link (as `verify_survey` does a survey link): a token that is not
    /// one is "not found"; its expiry is left to the caller.
    pub fn verify_portal_link(&self, token: &str, now: DateTime<Utc>) -> Result<PortalLinkClaims, AppError> {
        self.verify_portal_token(token, now, |c: &PortalLinkClaims| {
            (c.purpose == PORTAL_LINK_PURPOSE, c.registered.nbf)
        })
        .ok_or_else(|| AppError::NotFound("no such sign-in link; check that it was copied whole".into()))
    }

    /// Checks a portal session's access token, its expiry included (on `now`).
    pub fn verify_portal(&self, token: &str, now: DateTime<Utc>) -> Result<PortalClaims, AppError> {
        let c = self
            .verify_portal_token(token, now, |c: &PortalClaims| {
                (c.purpose == PORTAL_PURPOSE, c.registered.nbf)
            })
            .ok_or_else(|| AppError::TokenInvalid("the token is not a portal session".into()))?;
        let leeway = i64::try_from(self.portal_validation.leeway).unwrap_or(0);
        if c.registered.exp + leeway < now.timestamp() {
            return Err(AppError::TokenExpired);
        }
        Ok(c)
    }

    /// Checks signature, algorithm, issuer, audience, expiry, not-before and purpose.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, AppError> {
        use jsonwebtoken::errors::ErrorKind;
        let data =
            jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation).map_err(|e| {
                match e.kind() {
                    ErrorKind::ExpiredSignature => AppError::TokenExpired,
                    ErrorKind::ImmatureSignature => AppError::TokenInvalid("the token is not valid yet".into()),
                    ErrorKind::InvalidSignature => {
                        AppError::TokenInvalid("the token's signature does not match".into())
                    }
                    ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                        AppError::TokenInvalid("the token's algorithm is not accepted".into())
                    }
                    ErrorKind::InvalidIssuer => AppError::TokenInvalid("the token's issuer is not accepted".into()),
                    ErrorKind::InvalidAudience => AppError::TokenInvalid("the token's audience is not accepted".into()),
                    ErrorKind::MissingRequiredClaim(c) => {
                        AppError::TokenInvalid(format!("the token has no `{c}` claim"))
                    }
                    _ => AppError::TokenInvalid("the token cannot be read".into()),
                }
            })?;
        if data.claims.purpose != ACCESS_PURPOSE {
            return Err(AppError::TokenInvalid("the token is not an access token".into()));
        }
        Ok(data.claims)
    }
}

/// A new refresh token: the value handed to the client and the hash that is stored.
pub fn new_refresh_token() -> (String, String) {
    let bytes: [u8; 32] = rand::random();
    let plain = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hashed = hash_refresh_token(&plain);
    (plain, hashed)
}

/// Refresh tokens are 256 random bits, so a plain SHA-256 is enough to store them safely.
pub fn hash_refresh_token(plain: &str) -> String {
    let digest = Sha256::digest(plain.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str) -> TokenKeys {
        TokenKeys::new(&Settings {
            jwt_secret: secret.into(),
            ..Settings::default()
        })
    }

    #[test]
    fn a_token_round_trips() {
        let k = keys("a-secret-that-is-long-enough-for-tests");
        let (t, ttl) = k.issue(UserId(7), Role::Dispatcher, "dora", 3, Utc::now()).unwrap();
        assert_eq!(ttl, 900);
        let c = k.verify(&t).unwrap();
        assert_eq!(c.sub, 7);
        assert_eq!(c.role, "dispatcher");
        assert_eq!(c.ver, 3);
    }

    #[test]
    fn expired_foreign_and_unsigned_tokens_are_refused() {
        let k = keys("a-secret-that-is-long-enough-for-tests");
        let (old, _) = k
            .issue(UserId(1), Role::Admin, "a", 0, Utc::now() - chrono::Duration::hours(1))
            .unwrap();
        assert!(matches!(k.verify(&old), Err(AppError::TokenExpired)));
        let other = keys("another-secret-that-is-long-enough");
        let (foreign, _) = other.issue(UserId(1), Role::Admin, "a", 0, Utc::now()).unwrap();
        assert!(matches!(k.verify(&foreign), Err(AppError::TokenInvalid(_))));
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let payload = serde_json::json!({"sub": 1, "role": "admin", "name": "a", "purpose": "access",
            "iss": "fieldline", "aud": "fieldline-api", "exp": Utc::now().timestamp() + 600,
            "nbf": 0, "iat": 0, "jti": "x"});
        let none = format!(
            "{}.{}.",
            b64(r#"{"alg":"none","typ":"JWT"}"#),
            b64(&payload.to_string())
        );
        assert!(matches!(k.verify(&none), Err(AppError::TokenInvalid(_))));
    }

    #[test]
    fn survey_links_and_access_tokens_are_not_interchangeable() {
        let k = keys("a-secret-that-is-long-enough-for-tests");
        let now = Utc::now();
        let link = k
            .issue_survey(42, "jti-1", now, now + chrono::Duration::days(14))
            .unwrap();
        let c = k.verify_survey(&link, now).unwrap();
        assert_eq!((c.ticket, c.registered.jti.as_str()), (42, "jti-1"));
        assert!(matches!(k.verify(&link), Err(AppError::TokenInvalid(_))));
        let (access, _) = k.issue(UserId(1), Role::Admin, "a", 0, now).unwrap();
        assert!(matches!(k.verify_survey(&access, now), Err(AppError::NotFound(_))));
        // The clock decides: a link is not valid before it was issued, and its expiry is read
        // by the caller (jsonwebtoken's wall-clock check is off).
        assert!(k.verify_survey(&link, now - chrono::Duration::hours(1)).is_err());
        let old = k
            .issue_survey(
                42,
                "jti-2",
                now - chrono::Duration::days(30),
                now - chrono::Duration::days(16),
            )
            .unwrap();
        assert_eq!(
            k.verify_survey(&old, now).unwrap().registered.exp,
            (now - chrono::Duration::days(16)).timestamp()
        );
        let other = keys("another-secret-that-is-long-enough");
        assert!(other.verify_survey(&link, now).is_err());
        let mut tampered = link.clone();
        tampered.insert(tampered.len() - 3, if link.ends_with('A') { 'B' } else { 'A' });
        assert!(k.verify_survey(&tampered, now).is_err());
    }

    #[test]
    fn portal_tokens_survey_links_and_access_tokens_are_not_interchangeable() {
        let k = keys("a-secret-that-is-long-enough-for-tests");
        let now = Utc::now();
        let link = k
            .issue_portal_link(7, "jti-p", now, now + chrono::Duration::minutes(15))
            .unwrap();
        let c = k.verify_portal_link(&link, now).unwrap();
        assert_eq!((c.contact, c.registered.jti.as_str()), (7, "jti-p"));
        let session = k
            .issue_portal_session(7, "jti-p", now, now + chrono::Duration::hours(12))
            .unwrap();
        assert_eq!(k.verify_portal(&session, now).unwrap().sid, "jti-p");
        // Neither is the other, a survey link or a staff token, nor the other way round.
        assert!(k.verify_portal(&link, now).is_err());
        assert!(k.verify_portal_link(&session, now).is_err());
        assert!(k.verify(&link).is_err() && k.verify(&session).is_err());
        assert!(k.verify_survey(&link, now).is_err());
        let survey = k
            .issue_survey(42, "jti-s", now, now + chrono::Duration::days(1))
            .unwrap();
        let (access, _) = k.issue(UserId(1), Role::Admin, "a", 0, now).unwrap();
        for other in [&survey, &access] {
            assert!(k.verify_portal_link(other, now).is_err());
            assert!(k.verify_portal(other, now).is_err());
        }
        // The clock decides the session's end.
        assert!(matches!(
            k.verify_portal(&session, now + chrono::Duration::hours(13)),
            Err(AppError::TokenExpired)
        ));
        assert!(k.verify_portal_link(&link, now - chrono::Duration::hours(1)).is_err());
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let (a, ha) = new_refresh_token();
        let (b, _) = new_refresh_token();
        assert_ne!(a, b);
        assert_eq!(hash_refresh_token(&a), ha);
        assert_ne!(a, ha);
    }
}
