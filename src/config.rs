//! Settings, read once from the environment (`FIELDLINE_*`, `DATABASE_URL`) with safe defaults.

use std::time::Duration;

/// The development signing key; refused when `FIELDLINE_ENV=production`.
pub const DEV_JWT_SECRET: &str = "fieldline-development-secret-do-not-use-in-production";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub environment: Environment,
    /// `sqlite://path`, a plain file path, or `postgres://...`.
    pub database_url: String,
    pub database_pool_size: u32,
    pub host: String,
    /// 0 picks a free port.
    pub port: u16,
    pub jwt_secret: String,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// The first admin's password; a random one is generated and printed when unset.
    pub admin_password: Option<String>,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Failed logins for one username within the window before further attempts get 429.
    pub login_max_failures_per_user: i64,
    /// Failed logins from one address within the window before further attempts get 429.
    pub login_max_failures_per_ip: i64,
    pub login_failure_window: Duration,
    /// The zone of the business calendar created on first start (admins can change it later).
    pub time_zone: String,
    /// Time between SLA alert steps after a breach (owner, then supervisors, then managers).
    pub escalation_step: Duration,
    /// When the SLA breach scan runs (cron with seconds); empty disables it.
    pub sla_scan_cron: String,
    /// A check-in farther than this from the site (metres) needs a reason.
    pub checkin_radius_m: f64,
    /// Days of technicians' position history kept.
    pub ping_retention_days: u32,
    /// When positions older than that are deleted (cron with seconds); empty disables it.
    pub ping_retention_cron: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name}: {why}")]
    Invalid { name: &'static str, why: String },
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|e: T::Err| ConfigError::Invalid {
            name,
            why: e.to_string(),
        }),
    }
}

impl Default for Settings {
    /// The embedded default: SQLite at `data/fieldline.db`, 127.0.0.1:8080, development keys.
    fn default() -> Self {
        Settings {
            environment: Environment::Development,
            database_url: "sqlite://data/fieldline.db".into(),
            database_pool_size: 8,
            host: "127.0.0.1".into(),
            port: 8080,
            jwt_secret: DEV_JWT_SECRET.into(),
            jwt_issuer: "fieldline".into(),
            jwt_audience: "fieldline-api".into(),
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            admin_password: None,
            max_body_bytes: 1024 * 1024,
            login_max_failures_per_user: 5,
            login_max_failures_per_ip: 20,
            login_failure_window: Duration::from_secs(15 * 60),
            time_zone: "Asia/Shanghai".into(),
            escalation_step: Duration::from_secs(60 * 60),
            sla_scan_cron: "0 * * * * *".into(),
            checkin_radius_m: 500.0,
            ping_retention_days: 30,
            ping_retention_cron: "0 30 3 * * *".into(),
        }
    }
}

impl Settings {
    /// The alert step interval as the domain counts it.
    pub fn escalation_step(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.escalation_step).unwrap_or(chrono::Duration::hours(1))
    }

    /// Reads the environment; see the README for every variable.
    pub fn from_env() -> Result<Settings, ConfigError> {
        let d = Settings::default();
        let environment = match var("FIELDLINE_ENV").as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "FIELDLINE_ENV",
                    why: format!("`{other}` is neither development nor production"),
                })
            }
        };
        let s = Settings {
            environment,
            database_url: var("DATABASE_URL").unwrap_or(d.database_url),
            database_pool_size: parse("FIELDLINE_DB_POOL_SIZE", d.database_pool_size)?,
            host: var("FIELDLINE_HOST").unwrap_or(d.host),
            port: parse("FIELDLINE_PORT", d.port)?,
            jwt_secret: var("FIELDLINE_JWT_SECRET").unwrap_or(d.jwt_secret),
            jwt_issuer: var("FIELDLINE_JWT_ISSUER").unwrap_or(d.jwt_issuer),
            jwt_audience: var("FIELDLINE_JWT_AUDIENCE").unwrap_or(d.jwt_audience),
            access_token_ttl: Duration::from_secs(parse("FIELDLINE_ACCESS_TOKEN_SECONDS", 900u64)?),
            refresh_token_ttl: Duration::from_secs(parse("FIELDLINE_REFRESH_TOKEN_DAYS", 30u64)? * 24 * 3600),
            admin_password: var("FIELDLINE_ADMIN_PASSWORD"),
            max_body_bytes: parse("FIELDLINE_MAX_BODY_BYTES", d.max_body_bytes)?,
            login_max_failures_per_user: parse("FIELDLINE_LOGIN_MAX_FAILURES_PER_USER", d.login_max_failures_per_user)?,
            login_max_failures_per_ip: parse("FIELDLINE_LOGIN_MAX_FAILURES_PER_IP", d.login_max_failures_per_ip)?,
            login_failure_window: Duration::from_secs(parse("FIELDLINE_LOGIN_WINDOW_SECONDS", 900u64)?),
            time_zone: var("FIELDLINE_TIME_ZONE").unwrap_or(d.time_zone),
            escalation_step: Duration::from_secs(60 * parse("FIELDLINE_ESCALATION_STEP_MINUTES", 60u64)?),
            sla_scan_cron: std::env::var("FIELDLINE_SLA_SCAN_CRON")
                .unwrap_or(d.sla_scan_cron)
                .trim()
                .to_string(),
            checkin_radius_m: parse("FIELDLINE_CHECKIN_RADIUS_M", d.checkin_radius_m)?,
            ping_retention_days: parse("FIELDLINE_PING_RETENTION_DAYS", d.ping_retention_days)?,
            ping_retention_cron: std::env::var("FIELDLINE_PING_RETENTION_CRON")
                .unwrap_or(d.ping_retention_cron)
                .trim()
                .to_string(),
        };
        s.validate()?;
        Ok(s)
    }

    /// Refuses settings that are unsafe to run with.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.environment == Environment::Production {
            if self.jwt_secret == DEV_JWT_SECRET {
                return Err(ConfigError::Invalid {
                    name: "FIELDLINE_JWT_SECRET",
                    why: "the development default may not be used in production".into(),
                });
            }
            if self.jwt_secret.len() < 32 {
                return Err(ConfigError::Invalid {
                    name: "FIELDLINE_JWT_SECRET",
                    why: "must be at least 32 characters in production".into(),
                });
            }
        }
        if self.database_pool_size == 0 {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_DB_POOL_SIZE",
                why: "must be at least 1".into(),
            });
        }
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_TIME_ZONE",
                why: format!("`{}` is not an IANA zone", self.time_zone),
            });
        }
        if self.ping_retention_days == 0 {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_PING_RETENTION_DAYS",
                why: "must be at least 1".into(),
            });
        }
        if !(self.checkin_radius_m.is_finite() && self.checkin_radius_m > 0.0) {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_CHECKIN_RADIUS_M",
                why: "must be a positive number".into(),
            });
        }
        if self.escalation_step.is_zero() {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_ESCALATION_STEP_MINUTES",
                why: "must be at least 1".into(),
            });
        }
        if self.access_token_ttl.is_zero() {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_ACCESS_TOKEN_SECONDS",
                why: "must be at least 1".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_refuses_default_and_short_secrets() {
        let mut s = Settings {
            environment: Environment::Production,
            ..Settings::default()
        };
        assert!(s.validate().is_err());
        s.jwt_secret = "short".into();
        assert!(s.validate().is_err());
        s.jwt_secret = "x".repeat(32);
        assert!(s.validate().is_ok());
    }

    #[test]
    fn development_accepts_the_default_secret() {
        assert!(Settings::default().validate().is_ok());
    }
}
