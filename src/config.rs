//! Settings, read once from the environment (`FIELDLINE_*`, `DATABASE_URL`) with safe defaults.
//!
//! Values are parsed into the types the code uses (a time zone, a revisit cadence, durations)
//! when they are read, so nothing downstream parses or checks them again.

pub mod intake;

pub use intake::{ImapMailbox, ImapTls, IntakeSettings};

use crate::domain::cadence::Cadence;
use std::path::PathBuf;
use std::time::Duration;

/// The longest retention period of personal data that can be set, in days (100 years).
pub const MAX_RETENTION_DAYS: u32 = 36_500;
/// The largest photo size that may be configured (bytes): a photo is held in memory and in one
/// database row.
pub const MAX_PHOTO_BYTES: usize = 50 * 1024 * 1024;

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
    /// A streaming replica of the PostgreSQL database that reports and exports read while it is
    /// no more than `replica_max_lag_seconds` behind the primary.
    pub replica_url: Option<String>,
    pub replica_max_lag_seconds: u32,
    /// The most matches the ticket list counts unless asked for the exact total.
    pub list_count_cap: u32,
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
    /// Failed logins for one username from one address within `login_failure_window` before
    /// further attempts for that username from that address get 429 (the fast lock; it does not
    /// stop the same user signing in from elsewhere).
    pub login_max_failures_per_user_ip: i64,
    /// Failed logins from one address within `login_failure_window` before further attempts from
    /// it get 429, whatever the username.
    pub login_max_failures_per_ip: i64,
    pub login_failure_window: chrono::Duration,
    /// Failed logins for one username from anywhere within `login_user_failure_window` before
    /// every further attempt for it gets 429 (the slow, larger bound against an attack from many
    /// addresses).
    pub login_max_failures_per_user: i64,
    /// The addresses of the load balancers in front of the nodes: a request from one of them is
    /// taken to come from the address its `X-Forwarded-For` header names (for the login bounds).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub login_user_failure_window: chrono::Duration,
    /// The zone of the business calendar created on first start (admins can change it later).
    pub time_zone: TimeZone,
    /// Time between SLA alert steps after a breach (owner, then supervisors, then managers).
    pub escalation_step: chrono::Duration,
    /// When the SLA breach scan runs (cron with seconds); empty disables it.
    pub sla_scan_cron: String,
    /// A check-in farther than this from the site (metres) needs a reason.
    pub checkin_radius_m: f64,
    /// Working days after its resolution that a ticket the customer has not answered is brought
    /// back to them (the owner notified, the contact e-mailed); 0 sends no reminder.
    pub acceptance_reminder_days: u32,
    /// Working days after its resolution that a ticket the customer has not answered is closed
    /// without acceptance; 0 never closes it.
    pub acceptance_close_days: u32,
    /// When the job `unanswered_resolutions` looks for those tickets (cron with seconds); empty
    /// disables it.
    pub unanswered_resolutions_cron: String,
    /// When the job `chase_climb` passes the chases unanswered past their due time to the
    /// holder's supervisor (cron with seconds); empty disables it.
    pub chase_climb_cron: String,
    /// The largest photo the phone may attach to a visit (bytes).
    pub photo_max_bytes: usize,
    /// The most photos one visit may hold.
    pub photos_per_visit: i64,
    /// The currency of a quote that names none (ISO 4217, three letters).
    pub default_currency: String,
    /// Days of technicians' position history kept.
    pub ping_retention_days: u32,
    /// When positions older than that, and job run records older than `job_run_retention_days`,
    /// are deleted (cron with seconds); empty disables it.
    pub ping_retention_cron: String,
    /// Days the record of each scheduled job run (its claimed slot) is kept.
    pub job_run_retention_days: u32,
    /// Days after a ticket is closed that the contact's name, phone number and e-mail address
    /// copied onto it (and into its e-mails, timeline and audit events) are kept; 0 keeps them.
    pub closed_ticket_personal_days: u32,
    /// When the job `personal_data_retention` anonymises the closed tickets past that period
    /// (cron with seconds); empty disables it.
    pub personal_data_retention_cron: String,
    /// Outgoing e-mail: the transport, the sender, the relay's schedule and bounds.
    pub mail: MailSettings,
    /// E-mail intake: the IMAP mailboxes polled and the bounds on what is kept.
    pub intake: IntakeSettings,
    /// Customer revisits: the cadence, the generation job, the satisfaction delay, the target.
    pub revisits: RevisitSettings,
    /// Where customers reach the service from outside (links in e-mails), e.g.
    /// `https://service.example.com`; without a trailing slash.
    pub public_url: String,
    /// Satisfaction surveys after closure.
    pub surveys: SurveySettings,
    /// The customer portal: its sign-in links and sessions.
    pub portal: PortalSettings,
    /// Inspections: the generation job and its horizon.
    pub inspections: InspectionSettings,
    /// Day plans: the solver's budget and threads, and the travel estimate.
    pub plans: PlanSettings,
    /// When the job `report_mailing` e-mails the weekly and monthly service reports that are
    /// due (cron with seconds); empty disables it.
    pub report_mailing_cron: String,
    /// When the job `quality_sample` draws last month's quality review sample (cron with
    /// seconds); empty disables it.
    pub quality_sample_cron: String,
    /// When the job `handover_watch` alerts the supervisor of each handover nobody acknowledged
    /// within its grace (cron with seconds); empty disables it.
    pub handover_watch_cron: String,
    /// How long a written handover may wait for the incoming lead's acknowledgement before the
    /// supervisor is alerted.
    pub handover_grace: chrono::Duration,
    /// Tests only, never read from the environment: called by auto-assign between ranking the
    /// candidates and booking each one, so a test can book that candidate elsewhere first.
    #[doc(hidden)]
    pub auto_assign_hook: Option<AutoAssignHook>,
}

/// See `Settings::auto_assign_hook`: called with the connection, the visit and the candidate
/// about to be booked.
#[doc(hidden)]
#[derive(Clone)]
pub struct AutoAssignHook(pub std::sync::Arc<AutoAssignFn>);

/// The function of an `AutoAssignHook`.
#[doc(hidden)]
pub type AutoAssignFn = dyn Fn(&mut crate::db::DbConn, i64, i64) + Send + Sync;

impl std::fmt::Debug for AutoAssignHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AutoAssignHook")
    }
}

/// A zone of the IANA time zone database, read once with the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(pub chrono_tz::Tz);

impl TimeZone {
    pub fn tz(self) -> chrono_tz::Tz {
        self.0
    }

    /// The zone's name read as another type that reads zone names (`chrono_tz::Tz` itself),
    /// for code that takes the configured name.
    pub fn parse<T: std::str::FromStr>(&self) -> Result<T, T::Err> {
        self.0.name().parse()
    }
}

impl std::str::FromStr for TimeZone {
    type Err = String;

    fn from_str(s: &str) -> Result<TimeZone, String> {
        s.parse::<chrono_tz::Tz>()
            .map(TimeZone)
            .map_err(|_| format!("`{s}` is not an IANA zone"))
    }
}

impl std::fmt::Display for TimeZone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.name())
    }
}

/// Inspections.
#[derive(Debug, Clone)]
pub struct InspectionSettings {
    /// When the job `inspection_generation` runs (cron with seconds); empty disables it.
    pub generation_cron: String,
    /// Inspections (and their visits) are created this many days before they are due.
    pub horizon_days: u32,
    /// The length of an inspection visit's window, from the opening of its day, in minutes.
    pub visit_minutes: u32,
}

impl Default for InspectionSettings {
    fn default() -> Self {
        InspectionSettings {
            generation_cron: "0 20 0 * * *".into(),
            horizon_days: 30,
            visit_minutes: 120,
        }
    }
}

impl InspectionSettings {
    /// The length of an inspection visit's window.
    pub fn visit_length(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.visit_minutes.into())
    }

    fn validate(&self) -> Result<(), ConfigError> {
        use crate::domain::cadence::MAX_PLAN_HORIZON_DAYS;
        if self.horizon_days > MAX_PLAN_HORIZON_DAYS {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_INSPECTION_HORIZON_DAYS",
                why: format!("must be at most {MAX_PLAN_HORIZON_DAYS}"),
            });
        }
        if !(15..=24 * 60).contains(&self.visit_minutes) {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_INSPECTION_VISIT_MINUTES",
                why: "must be between 15 and 1440".into(),
            });
        }
        Ok(())
    }
}

/// Day plans.
#[derive(Debug, Clone)]
pub struct PlanSettings {
    /// The solver's time per plan unless the request asks for another (1-120).
    pub budget_seconds: u32,
    /// Plans solved at once on this node (1-8); more wait in a queue.
    pub workers: usize,
    /// Threads each solver uses (1-16); the rest of the machine stays with the API.
    pub solver_threads: usize,
    /// Minutes a visit keeps the technician on site (15-480).
    pub visit_minutes: u32,
    /// Road distance over the great-circle distance (1-3).
    pub road_factor: f64,
    /// Average driving speed in and out of urban regions, and between rural ones (5-130 km/h).
    pub urban_kmh: f64,
    pub rural_kmh: f64,
}

impl Default for PlanSettings {
    fn default() -> Self {
        PlanSettings {
            budget_seconds: 10,
            workers: 1,
            solver_threads: 1,
            visit_minutes: 60,
            road_factor: 1.3,
            urban_kmh: 25.0,
            rural_kmh: 50.0,
        }
    }
}

impl PlanSettings {
    fn validate(&self) -> Result<(), ConfigError> {
        let bad = |name, why: &str| Err(ConfigError::Invalid { name, why: why.into() });
        if !(1..=120).contains(&self.budget_seconds) {
            return bad("FIELDLINE_PLAN_BUDGET_SECONDS", "must be between 1 and 120");
        }
        if !(1..=8).contains(&self.workers) {
            return bad("FIELDLINE_PLAN_WORKERS", "must be between 1 and 8");
        }
        if !(1..=16).contains(&self.solver_threads) {
            return bad("FIELDLINE_PLAN_SOLVER_THREADS", "must be between 1 and 16");
        }
        if !(15..=480).contains(&self.visit_minutes) {
            return bad("FIELDLINE_PLAN_VISIT_MINUTES", "must be between 15 and 480");
        }
        if !(1.0..=3.0).contains(&self.road_factor) {
            return bad("FIELDLINE_ROAD_FACTOR", "must be between 1 and 3");
        }
        for (name, v) in [
            ("FIELDLINE_URBAN_KMH", self.urban_kmh),
            ("FIELDLINE_RURAL_KMH", self.rural_kmh),
        ] {
            if !(5.0..=130.0).contains(&v) {
                return bad(name, "must be between 5 and 130");
            }
        }
        Ok(())
    }
}

/// The customer portal.
#[derive(Debug, Clone)]
pub struct PortalSettings {
    /// Minutes a sign-in link can be used (once).
    pub link_minutes: u32,
    /// Hours a portal session lasts.
    pub session_hours: u32,
    /// Sign-in links e-mailed to one address per hour; further requests are answered the same
    /// (202) and send nothing.
    pub links_per_hour: u32,
    /// The username of the staff member who owns the requests made in the portal; unset, the
    /// hotline agent on duty (else any active agent) with the fewest open tickets owns each.
    pub intake_owner: Option<String>,
}

impl Default for PortalSettings {
    fn default() -> Self {
        PortalSettings {
            link_minutes: 15,
            session_hours: 12,
            links_per_hour: 5,
            intake_owner: None,
        }
    }
}

impl PortalSettings {
    pub fn link_ttl(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.link_minutes.into())
    }

    pub fn session_ttl(&self) -> chrono::Duration {
        chrono::Duration::hours(self.session_hours.into())
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let bad = |name, why: &str| Err(ConfigError::Invalid { name, why: why.into() });
        if !(1..=24 * 60).contains(&self.link_minutes) {
            return bad("FIELDLINE_PORTAL_LINK_MINUTES", "must be between 1 and 1440");
        }
        if !(1..=24 * 7).contains(&self.session_hours) {
            return bad("FIELDLINE_PORTAL_SESSION_HOURS", "must be between 1 and 168");
        }
        if !(1..=100).contains(&self.links_per_hour) {
            return bad("FIELDLINE_PORTAL_LINKS_PER_HOUR", "must be between 1 and 100");
        }
        Ok(())
    }
}

/// Satisfaction surveys after closure.
#[derive(Debug, Clone)]
pub struct SurveySettings {
    /// Days a survey link in the closing e-mail can be used.
    pub link_days: u32,
}

impl Default for SurveySettings {
    fn default() -> Self {
        SurveySettings { link_days: 14 }
    }
}

impl SurveySettings {
    pub fn link_ttl(&self) -> chrono::Duration {
        chrono::Duration::days(self.link_days.into())
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.link_days == 0 || self.link_days > 365 {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_SURVEY_LINK_DAYS",
                why: "must be between 1 and 365".into(),
            });
        }
        Ok(())
    }
}

/// Checks a public base URL: `http://` or `https://`, a host, an optional path, no query or
/// fragment (paths are appended to it). Returns it without trailing slashes.
pub fn public_url(raw: &str) -> Result<String, String> {
    let v = raw.trim().trim_end_matches('/');
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .ok_or("must start with http:// or https://")?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err("names no host".into());
    }
    if v.chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '"' | '<' | '>'))
    {
        return Err("must be a plain URL without spaces, query or fragment".into());
    }
    Ok(v.to_string())
}

/// Whether a public base URL points at this machine only (useless in an e-mail to a customer).
fn is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next().unwrap_or("");
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, h)| h)
        .trim_start_matches('[');
    let host = host.split([']', ':']).next().unwrap_or("");
    host.eq_ignore_ascii_case("localhost") || host.starts_with("127.") || host == "::1"
}

/// Customer revisits.
#[derive(Debug, Clone)]
pub struct RevisitSettings {
    /// When the job `revisit_generation` runs (cron with seconds); empty disables it.
    pub generation_cron: String,
    /// Months between revisits in the first year after acceptance and after the first
    /// anniversary, for new revisit files.
    pub cadence: Cadence,
    /// A periodic revisit is created this many days before it is due.
    pub horizon_days: u32,
    /// Days after the customer accepts a ticket's result that its satisfaction revisit is due.
    pub satisfaction_days: u32,
    /// Revisits each agent is to do per week.
    pub weekly_target: u32,
}

impl Default for RevisitSettings {
    fn default() -> Self {
        RevisitSettings {
            generation_cron: "0 10 0 * * *".into(),
            cadence: Cadence::default(),
            horizon_days: 7,
            satisfaction_days: 3,
            weekly_target: 20,
        }
    }
}

impl RevisitSettings {
    /// The cadence of new revisit files.
    pub fn cadence(&self) -> Cadence {
        self.cadence
    }

    fn validate(&self) -> Result<(), ConfigError> {
        use crate::domain::cadence::MAX_HORIZON_DAYS;
        let invalid = |name: &'static str, why: String| Err(ConfigError::Invalid { name, why });
        if self.horizon_days > MAX_HORIZON_DAYS {
            return invalid(
                "FIELDLINE_REVISIT_HORIZON_DAYS",
                format!("must be at most {MAX_HORIZON_DAYS} (shorter than a month)"),
            );
        }
        if self.satisfaction_days > 365 {
            return invalid("FIELDLINE_REVISIT_SATISFACTION_DAYS", "must be at most 365".into());
        }
        if self.weekly_target == 0 || self.weekly_target > 10_000 {
            return invalid("FIELDLINE_REVISIT_WEEKLY_TARGET", "must be between 1 and 10000".into());
        }
        Ok(())
    }
}

/// Where the relay hands e-mails over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailTransport {
    /// One `.eml` file per message in `MailSettings::dir` (the embedded default).
    File,
    /// An SMTP server.
    Smtp,
    /// Kept in memory (tests only; not selectable from the environment).
    Memory,
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, which is required (port 587 by default).
    StartTls,
    /// TLS from the first byte (port 465 by default).
    Tls,
    /// No encryption (port 25 by default): only for a relay on the same host or network.
    None,
}

impl SmtpSecurity {
    pub fn default_port(self) -> u16 {
        match self {
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::None => 25,
        }
    }
}

/// A value that is never printed (passwords).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"***\"")
    }
}

#[derive(Debug, Clone)]
pub struct MailSettings {
    pub transport: MailTransport,
    /// The folder of the file transport.
    pub dir: PathBuf,
    /// The `From` of every e-mail: `address` or `Name <address>`.
    pub from: String,
    /// The right-hand side of Message-IDs (`<uuid@domain>`); the From address's domain when unset.
    pub message_id_domain: Option<String>,
    pub smtp_host: String,
    /// None: the security's usual port.
    pub smtp_port: Option<u16>,
    pub smtp_security: SmtpSecurity,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<Secret>,
    /// The SMTP client's timeout for each step of the conversation.
    pub smtp_timeout: Duration,
    /// Attempts per message before it is given up (dead).
    pub max_attempts: u32,
    /// When the relay runs (cron with seconds); empty disables it.
    pub relay_cron: String,
    /// E-mails about one customer sent within any hour, at most; the excess waits.
    pub per_customer_per_hour: u32,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            transport: MailTransport::File,
            dir: PathBuf::from("data/mail"),
            from: "Fieldline <fieldline@localhost>".into(),
            message_id_domain: None,
            smtp_host: String::new(),
            smtp_port: None,
            smtp_security: SmtpSecurity::StartTls,
            smtp_username: None,
            smtp_password: None,
            smtp_timeout: Duration::from_secs(30),
            max_attempts: 8,
            relay_cron: "*/10 * * * * *".into(),
            per_customer_per_hour: 20,
        }
    }
}

impl MailSettings {
    /// The SMTP port in use.
    pub fn port(&self) -> u16 {
        self.smtp_port.unwrap_or(self.smtp_security.default_port())
    }

    /// The domain of Message-IDs: the configured one, else the From address's domain.
    pub fn id_domain(&self) -> String {
        if let Some(d) = self.message_id_domain.as_deref().filter(|d| !d.is_empty()) {
            return d.to_string();
        }
        self.from
            .parse::<lettre::message::Mailbox>()
            .map(|m| m.email.domain().to_string())
            .unwrap_or_else(|_| "localhost".into())
    }

    fn validate(&self, environment: Environment) -> Result<(), ConfigError> {
        let invalid = |name: &'static str, why: String| Err(ConfigError::Invalid { name, why });
        let from = match self.from.parse::<lettre::message::Mailbox>() {
            Ok(m) => m,
            Err(e) => return invalid("FIELDLINE_MAIL_FROM", format!("`{}` is not an address: {e}", self.from)),
        };
        if let Some(d) = &self.message_id_domain {
            let ok = !d.is_empty()
                && d.len() <= 253
                && d.split('.')
                    .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
            if !ok {
                return invalid(
                    "FIELDLINE_MAIL_MESSAGE_ID_DOMAIN",
                    format!("`{d}` is not a domain name"),
                );
            }
        }
        if self.max_attempts == 0 {
            return invalid("FIELDLINE_MAIL_MAX_ATTEMPTS", "must be at least 1".into());
        }
        if self.per_customer_per_hour == 0 {
            return invalid("FIELDLINE_MAIL_PER_CUSTOMER_PER_HOUR", "must be at least 1".into());
        }
        if self.transport == MailTransport::Smtp {
            if self.smtp_host.trim().is_empty() {
                return invalid(
                    "FIELDLINE_SMTP_HOST",
                    "must be set when FIELDLINE_MAIL_TRANSPORT=smtp".into(),
                );
            }
            if self.smtp_port == Some(0) {
                return invalid("FIELDLINE_SMTP_PORT", "must be between 1 and 65535".into());
            }
            if self.smtp_username.is_some() != self.smtp_password.is_some() {
                return invalid(
                    "FIELDLINE_SMTP_PASSWORD",
                    "set FIELDLINE_SMTP_USERNAME and FIELDLINE_SMTP_PASSWORD together, or neither".into(),
                );
            }
            if self.smtp_timeout.is_zero() {
                return invalid("FIELDLINE_SMTP_TIMEOUT_SECONDS", "must be at least 1".into());
            }
            if environment == Environment::Production {
                if self.smtp_security == SmtpSecurity::None && self.smtp_username.is_some() {
                    return invalid(
                        "FIELDLINE_SMTP_SECURITY",
                        "credentials are not sent over an unencrypted connection in production".into(),
                    );
                }
                if from.email.domain() == "localhost" {
                    return invalid(
                        "FIELDLINE_MAIL_FROM",
                        "set a real sender address for SMTP in production".into(),
                    );
                }
            }
        }
        Ok(())
    }
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
            replica_url: None,
            replica_max_lag_seconds: 10,
            list_count_cap: 10_000,
            host: "127.0.0.1".into(),
            port: 8080,
            jwt_secret: DEV_JWT_SECRET.into(),
            jwt_issuer: "fieldline".into(),
            jwt_audience: "fieldline-api".into(),
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            admin_password: None,
            max_body_bytes: 1024 * 1024,
            login_max_failures_per_user_ip: 5,
            login_max_failures_per_ip: 20,
            login_failure_window: chrono::Duration::minutes(15),
            login_max_failures_per_user: 50,
            trusted_proxies: Vec::new(),
            login_user_failure_window: chrono::Duration::hours(1),
            time_zone: TimeZone(chrono_tz::Asia::Shanghai),
            escalation_step: chrono::Duration::hours(1),
            sla_scan_cron: "0 * * * * *".into(),
            checkin_radius_m: 500.0,
            acceptance_reminder_days: 3,
            acceptance_close_days: 7,
            unanswered_resolutions_cron: "0 10 * * * *".into(),
            chase_climb_cron: "0 */5 * * * *".into(),
            photo_max_bytes: 5 * 1024 * 1024,
            photos_per_visit: 20,
            default_currency: "CNY".into(),
            ping_retention_days: 30,
            ping_retention_cron: "0 30 3 * * *".into(),
            job_run_retention_days: 30,
            // Three years of 365 days.
            closed_ticket_personal_days: 3 * 365,
            personal_data_retention_cron: "0 45 3 * * *".into(),
            mail: MailSettings::default(),
            intake: IntakeSettings::default(),
            revisits: RevisitSettings::default(),
            public_url: "http://127.0.0.1:8080".into(),
            surveys: SurveySettings::default(),
            portal: PortalSettings::default(),
            inspections: InspectionSettings::default(),
            plans: PlanSettings::default(),
            // 22:30 UTC: early morning in East Asia, before the working day.
            report_mailing_cron: "0 30 22 * * *".into(),
            // 21:00 UTC on the 1st: early on the 2nd in East Asia, once the month is over there.
            quality_sample_cron: "0 0 21 1 * *".into(),
            handover_watch_cron: "0 */5 * * * *".into(),
            handover_grace: chrono::Duration::minutes(30),
            auto_assign_hook: None,
        }
    }
}

impl Settings {
    /// The alert step interval as the domain counts it.
    pub fn escalation_step(&self) -> chrono::Duration {
        self.escalation_step
    }

    /// Reads the environment; see docs/configuration.md for every variable.
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
            replica_url: var("FIELDLINE_REPLICA_URL"),
            replica_max_lag_seconds: parse("FIELDLINE_REPLICA_MAX_LAG_SECONDS", d.replica_max_lag_seconds)?,
            list_count_cap: parse("FIELDLINE_LIST_COUNT_CAP", d.list_count_cap)?,
            host: var("FIELDLINE_HOST").unwrap_or(d.host),
            port: parse("FIELDLINE_PORT", d.port)?,
            jwt_secret: var("FIELDLINE_JWT_SECRET").unwrap_or(d.jwt_secret),
            jwt_issuer: var("FIELDLINE_JWT_ISSUER").unwrap_or(d.jwt_issuer),
            jwt_audience: var("FIELDLINE_JWT_AUDIENCE").unwrap_or(d.jwt_audience),
            access_token_ttl: Duration::from_secs(parse("FIELDLINE_ACCESS_TOKEN_SECONDS", 900u64)?),
            refresh_token_ttl: Duration::from_secs(parse("FIELDLINE_REFRESH_TOKEN_DAYS", 30u64)? * 24 * 3600),
            admin_password: var("FIELDLINE_ADMIN_PASSWORD"),
            max_body_bytes: parse("FIELDLINE_MAX_BODY_BYTES", d.max_body_bytes)?,
            login_max_failures_per_user_ip: parse(
                "FIELDLINE_LOGIN_MAX_FAILURES_PER_USER_AND_IP",
                d.login_max_failures_per_user_ip,
            )?,
            login_max_failures_per_ip: parse("FIELDLINE_LOGIN_MAX_FAILURES_PER_IP", d.login_max_failures_per_ip)?,
            login_failure_window: duration("FIELDLINE_LOGIN_WINDOW_SECONDS", 900, 1)?,
            login_max_failures_per_user: parse("FIELDLINE_LOGIN_MAX_FAILURES_PER_USER", d.login_max_failures_per_user)?,
            trusted_proxies: match var("FIELDLINE_TRUSTED_PROXIES") {
                None => Vec::new(),
                Some(list) => list
                    .split(',')
                    .map(|a| a.trim().parse())
                    .collect::<Result<_, _>>()
                    .map_err(|e: std::net::AddrParseError| ConfigError::Invalid {
                        name: "FIELDLINE_TRUSTED_PROXIES",
                        why: format!("a comma-separated list of IP addresses: {e}"),
                    })?,
            },
            login_user_failure_window: duration("FIELDLINE_LOGIN_USER_WINDOW_SECONDS", 3600, 1)?,
            time_zone: match var("FIELDLINE_TIME_ZONE") {
                None => d.time_zone,
                Some(v) => v.parse().map_err(|why| ConfigError::Invalid {
                    name: "FIELDLINE_TIME_ZONE",
                    why,
                })?,
            },
            escalation_step: duration("FIELDLINE_ESCALATION_STEP_MINUTES", 60, 60)?,
            sla_scan_cron: std::env::var("FIELDLINE_SLA_SCAN_CRON")
                .unwrap_or(d.sla_scan_cron)
                .trim()
                .to_string(),
            checkin_radius_m: parse("FIELDLINE_CHECKIN_RADIUS_M", d.checkin_radius_m)?,
            acceptance_reminder_days: parse("FIELDLINE_ACCEPTANCE_REMINDER_DAYS", d.acceptance_reminder_days)?,
            acceptance_close_days: parse("FIELDLINE_ACCEPTANCE_CLOSE_DAYS", d.acceptance_close_days)?,
            unanswered_resolutions_cron: std::env::var("FIELDLINE_UNANSWERED_RESOLUTIONS_CRON")
                .unwrap_or(d.unanswered_resolutions_cron)
                .trim()
                .to_string(),
            chase_climb_cron: std::env::var("FIELDLINE_CHASE_CLIMB_CRON")
                .unwrap_or(d.chase_climb_cron)
                .trim()
                .to_string(),
            photo_max_bytes: parse("FIELDLINE_PHOTO_MAX_BYTES", d.photo_max_bytes)?,
            photos_per_visit: parse("FIELDLINE_PHOTOS_PER_VISIT", d.photos_per_visit)?,
            default_currency: std::env::var("FIELDLINE_DEFAULT_CURRENCY")
                .unwrap_or(d.default_currency)
                .trim()
                .to_ascii_uppercase(),
            ping_retention_days: parse("FIELDLINE_PING_RETENTION_DAYS", d.ping_retention_days)?,
            ping_retention_cron: std::env::var("FIELDLINE_PING_RETENTION_CRON")
                .unwrap_or(d.ping_retention_cron)
                .trim()
                .to_string(),
            job_run_retention_days: parse("FIELDLINE_JOB_RUN_RETENTION_DAYS", d.job_run_retention_days)?,
            closed_ticket_personal_days: parse(
                "FIELDLINE_RETENTION_CLOSED_TICKET_PERSONAL_DAYS",
                d.closed_ticket_personal_days,
            )?,
            personal_data_retention_cron: std::env::var("FIELDLINE_PERSONAL_DATA_RETENTION_CRON")
                .unwrap_or(d.personal_data_retention_cron)
                .trim()
                .to_string(),
            mail: mail_from_env(d.mail)?,
            intake: intake::from_env(d.intake)?,
            revisits: revisits_from_env(d.revisits)?,
            public_url: match var("FIELDLINE_PUBLIC_URL") {
                None => d.public_url,
                Some(v) => public_url(&v).map_err(|why| ConfigError::Invalid {
                    name: "FIELDLINE_PUBLIC_URL",
                    why,
                })?,
            },
            surveys: SurveySettings {
                link_days: parse("FIELDLINE_SURVEY_LINK_DAYS", d.surveys.link_days)?,
            },
            portal: PortalSettings {
                link_minutes: parse("FIELDLINE_PORTAL_LINK_MINUTES", d.portal.link_minutes)?,
                session_hours: parse("FIELDLINE_PORTAL_SESSION_HOURS", d.portal.session_hours)?,
                links_per_hour: parse("FIELDLINE_PORTAL_LINKS_PER_HOUR", d.portal.links_per_hour)?,
                intake_owner: std::env::var("FIELDLINE_PORTAL_INTAKE_OWNER")
                    .ok()
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty()),
            },
            inspections: InspectionSettings {
                generation_cron: std::env::var("FIELDLINE_INSPECTION_GENERATION_CRON")
                    .unwrap_or(d.inspections.generation_cron)
                    .trim()
                    .to_string(),
                horizon_days: parse("FIELDLINE_INSPECTION_HORIZON_DAYS", d.inspections.horizon_days)?,
                visit_minutes: parse("FIELDLINE_INSPECTION_VISIT_MINUTES", d.inspections.visit_minutes)?,
            },
            plans: PlanSettings {
                budget_seconds: parse("FIELDLINE_PLAN_BUDGET_SECONDS", d.plans.budget_seconds)?,
                workers: parse("FIELDLINE_PLAN_WORKERS", d.plans.workers)?,
                solver_threads: parse("FIELDLINE_PLAN_SOLVER_THREADS", d.plans.solver_threads)?,
                visit_minutes: parse("FIELDLINE_PLAN_VISIT_MINUTES", d.plans.visit_minutes)?,
                road_factor: parse("FIELDLINE_ROAD_FACTOR", d.plans.road_factor)?,
                urban_kmh: parse("FIELDLINE_URBAN_KMH", d.plans.urban_kmh)?,
                rural_kmh: parse("FIELDLINE_RURAL_KMH", d.plans.rural_kmh)?,
            },
            report_mailing_cron: std::env::var("FIELDLINE_REPORT_MAILING_CRON")
                .unwrap_or(d.report_mailing_cron)
                .trim()
                .to_string(),
            quality_sample_cron: std::env::var("FIELDLINE_QUALITY_SAMPLE_CRON")
                .unwrap_or(d.quality_sample_cron)
                .trim()
                .to_string(),
            handover_watch_cron: std::env::var("FIELDLINE_HANDOVER_WATCH_CRON")
                .unwrap_or(d.handover_watch_cron)
                .trim()
                .to_string(),
            handover_grace: duration("FIELDLINE_HANDOVER_GRACE_MINUTES", 30, 60)?,
            auto_assign_hook: None,
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
        if let Some(replica) = &self.replica_url {
            if crate::db::backend_of(&self.database_url) != crate::db::BackendKind::Postgres
                || crate::db::backend_of(replica) != crate::db::BackendKind::Postgres
            {
                return Err(ConfigError::Invalid {
                    name: "FIELDLINE_REPLICA_URL",
                    why: "a replica is a PostgreSQL one, of a PostgreSQL `DATABASE_URL`".into(),
                });
            }
        }
        if !(1..=3600).contains(&self.replica_max_lag_seconds) {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_REPLICA_MAX_LAG_SECONDS",
                why: "must be between 1 and 3600".into(),
            });
        }
        if self.list_count_cap == 0 {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_LIST_COUNT_CAP",
                why: "must be at least 1".into(),
            });
        }
        if self.ping_retention_days == 0 {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_PING_RETENTION_DAYS",
                why: "must be at least 1".into(),
            });
        }
        if self.job_run_retention_days == 0 {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_JOB_RUN_RETENTION_DAYS",
                why: "must be at least 1".into(),
            });
        }
        if self.closed_ticket_personal_days > MAX_RETENTION_DAYS {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_RETENTION_CLOSED_TICKET_PERSONAL_DAYS",
                why: format!("must be at most {MAX_RETENTION_DAYS} (0 keeps the data)"),
            });
        }
        if !(self.checkin_radius_m.is_finite() && self.checkin_radius_m > 0.0) {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_CHECKIN_RADIUS_M",
                why: "must be a positive number".into(),
            });
        }
        if !(1..=MAX_PHOTO_BYTES).contains(&self.photo_max_bytes) {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_PHOTO_MAX_BYTES",
                why: format!("must be between 1 and {MAX_PHOTO_BYTES}"),
            });
        }
        if !(1..=1000).contains(&self.photos_per_visit) {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_PHOTOS_PER_VISIT",
                why: "must be between 1 and 1000".into(),
            });
        }
        if crate::domain::quote::currency(&self.default_currency).is_err() {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_DEFAULT_CURRENCY",
                why: "must be an ISO 4217 code of three letters, e.g. CNY".into(),
            });
        }
        if self.escalation_step <= chrono::Duration::zero() {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_ESCALATION_STEP_MINUTES",
                why: "must be at least 1".into(),
            });
        }
        for (name, n) in [
            (
                "FIELDLINE_LOGIN_MAX_FAILURES_PER_USER_AND_IP",
                self.login_max_failures_per_user_ip,
            ),
            ("FIELDLINE_LOGIN_MAX_FAILURES_PER_IP", self.login_max_failures_per_ip),
            (
                "FIELDLINE_LOGIN_MAX_FAILURES_PER_USER",
                self.login_max_failures_per_user,
            ),
        ] {
            if n < 1 {
                return Err(ConfigError::Invalid {
                    name,
                    why: "must be at least 1".into(),
                });
            }
        }
        if self.access_token_ttl.is_zero() {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_ACCESS_TOKEN_SECONDS",
                why: "must be at least 1".into(),
            });
        }
        self.mail.validate(self.environment)?;
        self.intake.validate(self.environment)?;
        if let Err(why) = public_url(&self.public_url) {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_PUBLIC_URL",
                why,
            });
        }
        if self.environment == Environment::Production
            && self.mail.transport == MailTransport::Smtp
            && is_loopback(&self.public_url)
        {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_PUBLIC_URL",
                why: "set the address customers reach the service at: e-mails to them carry links".into(),
            });
        }
        self.surveys.validate()?;
        self.portal.validate()?;
        self.revisits.validate()?;
        self.plans.validate()?;
        self.inspections.validate()
    }
}

/// A count of units (`unit_seconds` long) from the environment as a duration; a count too
/// large for a duration is refused.
fn duration(name: &'static str, default: u64, unit_seconds: i64) -> Result<chrono::Duration, ConfigError> {
    let n: u64 = parse(name, default)?;
    i64::try_from(n)
        .ok()
        .and_then(|n| n.checked_mul(unit_seconds))
        .and_then(chrono::Duration::try_seconds)
        .ok_or(ConfigError::Invalid {
            name,
            why: "is too large".into(),
        })
}

/// The revisit cadence of the two month counts, refused with the variable that is wrong.
fn cadence(first_year_months: u32, later_months: u32) -> Result<Cadence, ConfigError> {
    Cadence::new(first_year_months, later_months).map_err(|e| ConfigError::Invalid {
        name: match e.field.as_str() {
            "first_year_months" => "FIELDLINE_REVISIT_FIRST_YEAR_MONTHS",
            _ => "FIELDLINE_REVISIT_LATER_MONTHS",
        },
        why: e.reason,
    })
}

fn revisits_from_env(d: RevisitSettings) -> Result<RevisitSettings, ConfigError> {
    Ok(RevisitSettings {
        generation_cron: std::env::var("FIELDLINE_REVISIT_GENERATION_CRON")
            .unwrap_or(d.generation_cron)
            .trim()
            .to_string(),
        cadence: cadence(
            parse("FIELDLINE_REVISIT_FIRST_YEAR_MONTHS", d.cadence.first_year_months())?,
            parse("FIELDLINE_REVISIT_LATER_MONTHS", d.cadence.later_months())?,
        )?,
        horizon_days: parse("FIELDLINE_REVISIT_HORIZON_DAYS", d.horizon_days)?,
        satisfaction_days: parse("FIELDLINE_REVISIT_SATISFACTION_DAYS", d.satisfaction_days)?,
        weekly_target: parse("FIELDLINE_REVISIT_WEEKLY_TARGET", d.weekly_target)?,
    })
}

fn mail_from_env(d: MailSettings) -> Result<MailSettings, ConfigError> {
    let transport = match var("FIELDLINE_MAIL_TRANSPORT")
        .map(|v| v.trim().to_ascii_lowercase())
        .as_deref()
    {
        None => d.transport,
        Some("file") => MailTransport::File,
        Some("smtp") => MailTransport::Smtp,
        Some(other) => {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_MAIL_TRANSPORT",
                why: format!("`{other}` is neither file nor smtp"),
            })
        }
    };
    let smtp_security = match var("FIELDLINE_SMTP_SECURITY")
        .map(|v| v.trim().to_ascii_lowercase())
        .as_deref()
    {
        None => d.smtp_security,
        Some("starttls") => SmtpSecurity::StartTls,
        Some("tls") => SmtpSecurity::Tls,
        Some("none") => SmtpSecurity::None,
        Some(other) => {
            return Err(ConfigError::Invalid {
                name: "FIELDLINE_SMTP_SECURITY",
                why: format!("`{other}` is not one of starttls, tls, none"),
            })
        }
    };
    let smtp_port = match var("FIELDLINE_SMTP_PORT") {
        None => d.smtp_port,
        Some(_) => Some(parse("FIELDLINE_SMTP_PORT", 0u16)?),
    };
    Ok(MailSettings {
        transport,
        dir: var("FIELDLINE_MAIL_DIR").map(PathBuf::from).unwrap_or(d.dir),
        from: var("FIELDLINE_MAIL_FROM")
            .map(|v| v.trim().to_string())
            .unwrap_or(d.from),
        message_id_domain: var("FIELDLINE_MAIL_MESSAGE_ID_DOMAIN")
            .map(|v| v.trim().to_string())
            .or(d.message_id_domain),
        smtp_host: var("FIELDLINE_SMTP_HOST")
            .map(|v| v.trim().to_string())
            .unwrap_or(d.smtp_host),
        smtp_port,
        smtp_security,
        smtp_username: var("FIELDLINE_SMTP_USERNAME").or(d.smtp_username),
        smtp_password: std::env::var("FIELDLINE_SMTP_PASSWORD")
            .ok()
            .filter(|v| !v.is_empty())
            .map(Secret)
            .or(d.smtp_password),
        smtp_timeout: Duration::from_secs(parse("FIELDLINE_SMTP_TIMEOUT_SECONDS", d.smtp_timeout.as_secs())?),
        max_attempts: parse("FIELDLINE_MAIL_MAX_ATTEMPTS", d.max_attempts)?,
        relay_cron: std::env::var("FIELDLINE_MAIL_RELAY_CRON")
            .unwrap_or(d.relay_cron)
            .trim()
            .to_string(),
        per_customer_per_hour: parse("FIELDLINE_MAIL_PER_CUSTOMER_PER_HOUR", d.per_customer_per_hour)?,
    })
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
    fn the_retention_of_closed_tickets_personal_data_is_checked() {
        let with = |days: u32| Settings {
            closed_ticket_personal_days: days,
            ..Settings::default()
        };
        assert!(with(0).validate().is_ok(), "0 keeps the data");
        assert!(with(MAX_RETENTION_DAYS).validate().is_ok());
        match with(MAX_RETENTION_DAYS + 1).validate() {
            Err(ConfigError::Invalid { name, .. }) => {
                assert_eq!(name, "FIELDLINE_RETENTION_CLOSED_TICKET_PERSONAL_DAYS")
            }
            Ok(()) => panic!("accepted"),
        }
        assert_eq!(Settings::default().closed_ticket_personal_days, 1095);
    }

    #[test]
    fn a_replica_is_a_postgresql_one_of_a_postgresql_primary() {
        let with = |primary: &str, replica: &str, lag: u32| {
            Settings {
                database_url: primary.into(),
                replica_url: Some(replica.into()),
                replica_max_lag_seconds: lag,
                ..Settings::default()
            }
            .validate()
            .map_err(|ConfigError::Invalid { name, .. }| name)
        };
        let pg = "postgres://u@db:5432/fieldline";
        let standby = "postgres://u@standby:5432/fieldline";
        assert!(with(pg, standby, 10).is_ok());
        assert_eq!(with("sqlite://data/f.db", standby, 10), Err("FIELDLINE_REPLICA_URL"));
        assert_eq!(with(pg, "sqlite://copy.db", 10), Err("FIELDLINE_REPLICA_URL"));
        assert_eq!(with(pg, standby, 0), Err("FIELDLINE_REPLICA_MAX_LAG_SECONDS"));
        assert_eq!(with(pg, standby, 3601), Err("FIELDLINE_REPLICA_MAX_LAG_SECONDS"));
    }

    #[test]
    fn development_accepts_the_default_secret() {
        assert!(Settings::default().validate().is_ok());
    }

    #[test]
    fn revisit_settings_are_checked() {
        let bad = |f: fn(&mut RevisitSettings)| {
            let mut r = RevisitSettings::default();
            f(&mut r);
            match r.validate() {
                Err(ConfigError::Invalid { name, .. }) => name,
                Ok(()) => panic!("accepted {r:?}"),
            }
        };
        assert!(RevisitSettings::default().validate().is_ok());
        assert_eq!(
            RevisitSettings::default().cadence(),
            crate::domain::cadence::Cadence::default()
        );
        let bad_cadence = |first, later| match cadence(first, later) {
            Err(ConfigError::Invalid { name, .. }) => name,
            Ok(c) => panic!("accepted {c:?}"),
        };
        assert_eq!(bad_cadence(0, 3), "FIELDLINE_REVISIT_FIRST_YEAR_MONTHS");
        assert_eq!(bad_cadence(1, 13), "FIELDLINE_REVISIT_LATER_MONTHS");
        assert_eq!(bad(|r| r.horizon_days = 28), "FIELDLINE_REVISIT_HORIZON_DAYS");
        assert_eq!(
            bad(|r| r.satisfaction_days = 366),
            "FIELDLINE_REVISIT_SATISFACTION_DAYS"
        );
        assert_eq!(bad(|r| r.weekly_target = 0), "FIELDLINE_REVISIT_WEEKLY_TARGET");
    }

    #[test]
    fn the_public_url_and_survey_settings_are_checked() {
        assert_eq!(
            public_url(" https://service.example.com/ ").unwrap(),
            "https://service.example.com"
        );
        assert_eq!(
            public_url("http://10.0.0.5:8080/fieldline").unwrap(),
            "http://10.0.0.5:8080/fieldline"
        );
        for bad in [
            "service.example.com",
            "ftp://x",
            "https://",
            "https://a b",
            "https://x/?q=1",
            "https://x/#a",
        ] {
            assert!(public_url(bad).is_err(), "{bad}");
        }
        let with = |f: fn(&mut Settings)| {
            let mut s = Settings {
                environment: Environment::Production,
                jwt_secret: "x".repeat(32),
                mail: MailSettings {
                    transport: MailTransport::Smtp,
                    smtp_host: "mail.example.com".into(),
                    from: "Service <service@example.com>".into(),
                    ..MailSettings::default()
                },
                public_url: "https://service.example.com".into(),
                ..Settings::default()
            };
            f(&mut s);
            s.validate().err().map(|e| match e {
                ConfigError::Invalid { name, .. } => name,
            })
        };
        assert_eq!(with(|_| {}), None);
        assert_eq!(
            with(|s| s.public_url = "http://127.0.0.1:8080".into()),
            Some("FIELDLINE_PUBLIC_URL")
        );
        assert_eq!(
            with(|s| s.public_url = "http://localhost".into()),
            Some("FIELDLINE_PUBLIC_URL")
        );
        assert_eq!(with(|s| s.public_url = "mailto:x".into()), Some("FIELDLINE_PUBLIC_URL"));
        assert_eq!(with(|s| s.surveys.link_days = 0), Some("FIELDLINE_SURVEY_LINK_DAYS"));
        assert_eq!(with(|s| s.surveys.link_days = 366), Some("FIELDLINE_SURVEY_LINK_DAYS"));
        assert_eq!(
            with(|s| {
                s.public_url = "http://127.0.0.1:8080".into();
                s.environment = Environment::Development;
            }),
            None,
            "the default serves a developer's machine"
        );
    }

    #[test]
    fn mail_settings_are_checked() {
        let ok = MailSettings::default();
        assert!(ok.validate(Environment::Development).is_ok());
        assert_eq!(ok.id_domain(), "localhost", "the From address's domain");
        let bad = |m: MailSettings, env: Environment| match m.validate(env) {
            Err(ConfigError::Invalid { name, .. }) => name,
            Ok(()) => panic!("accepted {m:?}"),
        };
        let dev = Environment::Development;
        let with = |f: fn(&mut MailSettings)| {
            let mut m = MailSettings::default();
            f(&mut m);
            m
        };
        assert_eq!(
            bad(with(|m| m.from = "not an address".into()), dev),
            "FIELDLINE_MAIL_FROM"
        );
        assert_eq!(bad(with(|m| m.max_attempts = 0), dev), "FIELDLINE_MAIL_MAX_ATTEMPTS");
        assert_eq!(
            bad(with(|m| m.per_customer_per_hour = 0), dev),
            "FIELDLINE_MAIL_PER_CUSTOMER_PER_HOUR"
        );
        assert_eq!(
            bad(with(|m| m.message_id_domain = Some("a b".into())), dev),
            "FIELDLINE_MAIL_MESSAGE_ID_DOMAIN"
        );
        assert_eq!(
            bad(with(|m| m.transport = MailTransport::Smtp), dev),
            "FIELDLINE_SMTP_HOST"
        );
        let smtp = |f: fn(&mut MailSettings)| {
            let mut m = MailSettings {
                transport: MailTransport::Smtp,
                smtp_host: "mail.example.com".into(),
                from: "Service <service@example.com>".into(),
                ..MailSettings::default()
            };
            f(&mut m);
            m
        };
        assert!(smtp(|_| {}).validate(Environment::Production).is_ok());
        assert_eq!(smtp(|_| {}).id_domain(), "example.com");
        assert_eq!(
            bad(smtp(|m| m.smtp_username = Some("u".into())), dev),
            "FIELDLINE_SMTP_PASSWORD"
        );
        assert_eq!(
            bad(
                smtp(|m| {
                    m.smtp_security = SmtpSecurity::None;
                    m.smtp_username = Some("u".into());
                    m.smtp_password = Some(Secret("p".into()));
                }),
                Environment::Production
            ),
            "FIELDLINE_SMTP_SECURITY"
        );
        assert_eq!(
            bad(smtp(|m| m.from = "fieldline@localhost".into()), Environment::Production),
            "FIELDLINE_MAIL_FROM"
        );
        assert_eq!(smtp(|m| m.smtp_security = SmtpSecurity::Tls).port(), 465);
        assert!(!format!("{:?}", Secret("hunter2".into())).contains("hunter2"));
    }

    /// The load and benchmark scripts measure requests alone only if they turn off every job a
    /// server starts: each schedule read here is named in `scripts/jobs-off.sh`.
    #[test]
    fn the_scripts_turn_off_every_scheduled_job() {
        let off = include_str!("../scripts/jobs-off.sh");
        let source = include_str!("config.rs");
        let mut schedules = 0;
        for (at, _) in source.match_indices("env::var(\"FIELDLINE_") {
            let name = &source[at + "env::var(\"".len()..];
            let name = &name[..name.find('"').unwrap()];
            if name.ends_with("_CRON") {
                schedules += 1;
                assert!(
                    off.contains(&format!("export {name}=\"\"\n")),
                    "{name} is not in scripts/jobs-off.sh"
                );
            }
        }
        assert!(schedules >= 11, "the schedules are read with env::var");
    }
}
