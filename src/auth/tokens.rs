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

/// The signing keys and the rules a token must pass.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// The same rules without the wall-clock checks, which `verify_survey` makes on the clock.
    survey_validation: Validation,
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
        TokenKeys {
            encoding: EncodingKey::from_secret(s.jwt_secret.as_bytes()),
            decoding: DecodingKey::from_secret(s.jwt_secret.as_bytes()),
            validation,
            survey_validation,
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
    fn refresh_tokens_are_random_and_hashed() {
        let (a, ha) = new_refresh_token();
        let (b, _) = new_refresh_token();
        assert_ne!(a, b);
        assert_eq!(hash_refresh_token(&a), ha);
        assert_ne!(a, ha);
    }
}
