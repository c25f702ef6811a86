//! Requests and responses.

use crate::ids::*;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            /// Parses the wire (and database) spelling.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)* _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum!(
    /// What a user does in the service; every endpoint checks it.
    Role {
        Admin => "admin",
        Agent => "agent",
        RemoteEngineer => "remote_engineer",
        Dispatcher => "dispatcher",
        Technician => "technician",
        Supervisor => "supervisor",
        AccountManager => "account_manager",
        Manager => "manager",
    }
);

wire_enum!(
    /// Customer tier; every tier but standard is a VIP tier.
    Tier {
        Standard => "standard",
        Silver => "silver",
        Gold => "gold",
        Diamond => "diamond",
        Platinum => "platinum",
    }
);

impl Tier {
    pub fn is_vip(self) -> bool {
        self != Tier::Standard
    }
}

wire_enum!(
    /// The language a person reads: Simplified Chinese or English. The console speaks it and
    /// e-mails to the person are written in it.
    Language {
        Zh => "zh",
        En => "en",
    }
);

impl Default for Language {
    /// The department is Chinese: Chinese unless chosen otherwise.
    fn default() -> Language {
        Language::Zh
    }
}

wire_enum!(
    /// A service region's class; it selects the SLA limits.
    RegionClass {
        Urban => "urban",
        Rural => "rural",
    }
);

// ---------------------------------------------------------------- paging

/// One page of a list. `total` counts every match of the filter, not only this page, unless
/// `total_capped` says the count stopped early.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    /// true when more than `total` items match: the list stopped counting at `total` (the ticket
    /// list stops at `FIELDLINE_LIST_COUNT_CAP`, 10,000, unless asked for the exact total).
    #[serde(default)]
    pub total_capped: bool,
}

// ---------------------------------------------------------------- health

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when the service (and for `/ready`, its database) answers.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    /// `/ready` to an admin: what an alert watches besides the database. It does not change
    /// the status code, which answers for the database only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Readiness>,
}

/// The operational detail of `/ready`: the e-mail backlog and the scheduled jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Readiness {
    pub outbox: OutboxBacklog,
    /// Every job, scheduled or not.
    pub jobs: Vec<JobHealth>,
    /// One line per thing to look at (dead e-mails, a stale job); empty when all is well.
    pub alerts: Vec<String>,
}

/// The outbox's backlog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxBacklog {
    /// Messages waiting to be sent (also between retries).
    pub pending: i64,
    /// Seconds since the oldest pending message was written; absent when none is pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_pending_age_seconds: Option<i64>,
    /// Messages given up after their last attempt (`POST /api/v1/outbox/{id}/retry`).
    pub dead: i64,
}

/// A scheduled job's last run against its schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobHealth {
    pub job: String,
    /// The cron expression; empty when the job is switched off.
    pub schedule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_started_at: Option<DateTime<Utc>>,
    /// The schedule's latest time (allowing a grace period) had no run at or after it.
    pub stale: bool,
}

// ---------------------------------------------------------------- auth

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Issued by login and refresh. The refresh token is shown once; it is stored only hashed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
    pub user: User,
}

// ---------------------------------------------------------------- users

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: Role,
    pub active: bool,
    /// The user's language; null when they have not chosen one (the console then follows the
    /// browser, and e-mails to them are in Chinese).
    pub language: Option<Language>,
    /// The user's team (`GET /teams`); null: none.
    pub team_id: Option<TeamId>,
    /// The user's direct supervisor; null: none.
    pub supervisor_id: Option<UserId>,
    /// 1 (junior) to 5.
    pub level: i32,
    /// Grants held on top of the role.
    pub grants: Vec<crate::org::StaffGrant>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A colleague in the staff directory: enough to pick them (to hand a ticket to, to name them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Colleague {
    pub id: UserId,
    pub display_name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// 3-64 characters: letters, digits, `.`, `_`, `-`.
    #[cfg_attr(feature = "openapi", schema(format = "username"))]
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub display_name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    pub role: Role,
    /// At least 12 characters.
    pub password: String,
    /// Left out: no choice made (the console follows the browser; e-mails are in Chinese).
    #[serde(default)]
    pub language: Option<Language>,
}

/// Fields left out are not changed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Disabling a user also revokes their refresh tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// Sets a new password and revokes the user's refresh tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

/// What a signed-in user may change of their own account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    /// The language of the console and of the e-mails sent to the user.
    pub language: Language,
}

// ---------------------------------------------------------------- customers

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    pub id: CustomerId,
    pub name: String,
    pub tier: Tier,
    pub account_manager_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which notices a customer's contacts are sent (each on unless switched off).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerNotices {
    pub customer_id: CustomerId,
    /// The acknowledgement with the ticket number when a request is registered.
    pub acknowledgement: bool,
    /// A visit booked, moved or cancelled, with its calendar invitation.
    pub visit_changes: bool,
    /// The technician on the way, with the window.
    pub on_the_way: bool,
    /// The request resolved, with the link to accept the result.
    pub resolved: bool,
    /// Who last changed the switches (null: never changed, the defaults).
    pub updated_by: Option<UserId>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The notice switches of a customer, all four given.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetCustomerNotices {
    pub acknowledgement: bool,
    pub visit_changes: bool,
    pub on_the_way: bool,
    pub resolved: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub name: String,
    pub tier: Tier,
    /// A user with the account_manager role.
    #[serde(default)]
    pub account_manager_id: Option<UserId>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_manager_id: Option<UserId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: ContactId,
    pub customer_id: CustomerId,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The language e-mails to the contact are written in.
    pub language: Language,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A contact needs a phone number or an e-mail address (or both).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewContact {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// Default `zh`.
    #[serde(default)]
    pub language: Language,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateContact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

// ---------------------------------------------------------------- regions

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    pub id: RegionId,
    pub name: String,
    pub class: RegionClass,
    /// A GeoJSON `Polygon` or `MultiPolygon` (longitude, latitude order).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub boundary: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRegion {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub name: String,
    pub class: RegionClass,
    /// A GeoJSON `Polygon` or `MultiPolygon` (or a `Feature` holding one).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub boundary: serde_json::Value,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateRegion {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<RegionClass>,
    /// A new boundary; the sites' regions are found again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub boundary: Option<serde_json::Value>,
}

// ---------------------------------------------------------------- sites

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Site {
    pub id: SiteId,
    pub customer_id: CustomerId,
    pub name: String,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    /// The service region the site lies in, if any.
    pub region_id: Option<RegionId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSite {
    pub customer_id: CustomerId,
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 500))]
    pub address: String,
    /// -90 to 90
    pub latitude: f64,
    /// -180 to 180
    pub longitude: f64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateSite {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 500))]
    pub address: Option<String>,
    /// Latitude and longitude change together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

// ---------------------------------------------------------------- assets

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Asset {
    pub id: AssetId,
    pub site_id: SiteId,
    pub customer_id: CustomerId,
    pub model: String,
    pub serial_number: String,
    pub purchase_date: Option<NaiveDate>,
    /// The acceptance (delivery) date; revisits count from it.
    pub acceptance_date: Option<NaiveDate>,
    pub warranty_end: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAsset {
    pub site_id: SiteId,
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub model: String,
    /// Unique across all assets.
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 100))]
    pub serial_number: String,
    #[serde(default)]
    pub purchase_date: Option<NaiveDate>,
    #[serde(default)]
    pub acceptance_date: Option<NaiveDate>,
    #[serde(default)]
    pub warranty_end: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateAsset {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<SiteId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 100))]
    pub serial_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warranty_end: Option<NaiveDate>,
}

// ---------------------------------------------------------------- audit

/// One recorded change: who did what to which object, with the object before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub at: DateTime<Utc>,
    /// None for the service itself (start-up, scheduled jobs) and for a customer's contact.
    pub actor_id: Option<UserId>,
    /// The customer's contact who made the change through the customer portal.
    #[serde(default)]
    pub actor_contact_id: Option<ContactId>,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
}

// ---------------------------------------------------------------- tickets (the service ladder)

wire_enum!(
    /// The rung of the service ladder a ticket stands on.
    LadderTier {
        Hotline => "hotline",
        Remote => "remote",
        Onsite => "onsite",
    }
);

impl LadderTier {
    /// 0, 1, 2 from the bottom of the ladder.
    pub fn rank(self) -> u8 {
        match self {
            LadderTier::Hotline => 0,
            LadderTier::Remote => 1,
            LadderTier::Onsite => 2,
        }
    }
}

wire_enum!(
    /// Where a ticket is in its life.
    TicketStatus {
        New => "new",
        InProgress => "in_progress",
        WaitingOnCustomer => "waiting_on_customer",
        Resolved => "resolved",
        Closed => "closed",
        Reopened => "reopened",
        Cancelled => "cancelled",
    }
);

impl TicketStatus {
    /// Open tickets are all but closed and cancelled ones; a resolved ticket waits for the
    /// customer's acceptance.
    pub fn is_open(self) -> bool {
        !matches!(self, TicketStatus::Closed | TicketStatus::Cancelled)
    }
}

wire_enum!(
    /// P1 is the most urgent.
    Priority {
        P1 => "p1",
        P2 => "p2",
        P3 => "p3",
        P4 => "p4",
    }
);

wire_enum!(
    /// How a request reached the service. `revisit`: opened by a revisit's unsatisfied outcome
    /// (never chosen at registration).
    Channel {
        Phone => "phone",
        Email => "email",
        Web => "web",
        Mobile => "mobile",
        Inspection => "inspection",
        Revisit => "revisit",
    }
);

wire_enum!(
    /// Whether an SLA clock counts business hours only or every hour.
    ClockMode {
        Business => "business",
        Continuous => "continuous",
    }
);

wire_enum!(
    /// What a request is (seed 001: 咨询/查询, 故障申告, 投诉; seed 003: 建议). Chosen at
    /// registration (`fault` when not given), changed later with a reason.
    RequestKind {
        Enquiry => "enquiry",
        Fault => "fault",
        Complaint => "complaint",
        Suggestion => "suggestion",
    }
);

wire_enum!(
    /// What the SLA scan does when a ticket outlives its tier's time limit: `alert` its people
    /// (owner, then supervisors, then managers), or `climb` to the next tier on its own (to remote
    /// only with the customer's authorization on record; otherwise it alerts and says so).
    TierAction {
        Alert => "alert",
        Climb => "climb",
    }
);

wire_enum!(
    /// How the customer authorized remote access.
    AuthorizationMethod {
        Phone => "phone",
        Email => "email",
        SignedForm => "signed_form",
        Portal => "portal",
    }
);

wire_enum!(
    /// The state of an on-site service registration (a request for a visit).
    OnsiteRequestStatus {
        Open => "open",
        Scheduled => "scheduled",
        Cancelled => "cancelled",
        Done => "done",
    }
);

/// A ticket: one customer request, from registration to the customer's acceptance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    pub id: TicketId,
    /// The human number, e.g. `FL-2026-000123`.
    pub number: String,
    pub customer_id: CustomerId,
    /// The customer's name as it is now (filled in every answer of the ticket endpoints).
    #[serde(default)]
    pub customer_name: Option<String>,
    pub customer_tier: Tier,
    pub contact_id: Option<ContactId>,
    pub site_id: Option<SiteId>,
    /// The site's name as it is now; null without a site.
    #[serde(default)]
    pub site_name: Option<String>,
    pub region_id: Option<RegionId>,
    pub region_class: RegionClass,
    pub asset_id: Option<AssetId>,
    pub channel: Channel,
    /// Enquiry, fault, complaint or suggestion.
    pub kind: RequestKind,
    pub priority: Priority,
    pub title: String,
    pub description: String,
    /// Copied from the asset at registration.
    pub product_model: Option<String>,
    pub serial_number: Option<String>,
    pub purchase_date: Option<NaiveDate>,
    /// Copied from the contact at registration.
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub ladder_tier: LadderTier,
    pub status: TicketStatus,
    /// The first responder: owns the ticket for its whole life unless handed off.
    pub owner_id: UserId,
    /// The owner's display name.
    #[serde(default)]
    pub owner_name: Option<String>,
    /// Who is working it now.
    pub assignee_id: Option<UserId>,
    /// The assignee's display name; null without an assignee.
    #[serde(default)]
    pub assignee_name: Option<String>,
    pub major_fault: bool,
    pub remote_authorized: bool,
    pub opened_at: DateTime<Utc>,
    pub clock_mode: ClockMode,
    pub response_due_at: DateTime<Utc>,
    /// The hotline tier's time limit: by then the ticket is solved or has climbed (null once it
    /// left the hotline tier before the limit).
    pub hotline_due_at: Option<DateTime<Utc>>,
    /// The remote tier's time limit, counted from reaching the remote tier.
    pub remote_due_at: Option<DateTime<Utc>>,
    /// A technician en route by then, counted from reaching the on-site tier.
    pub departure_due_at: Option<DateTime<Utc>>,
    pub arrival_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: DateTime<Utc>,
    pub callback_due_at: Option<DateTime<Utc>>,
    pub responded_at: Option<DateTime<Utc>>,
    /// When the ticket reached the remote tier.
    pub remote_at: Option<DateTime<Utc>>,
    /// When the ticket reached the on-site tier.
    pub onsite_at: Option<DateTime<Utc>>,
    /// When the first technician set off (a visit went en route).
    pub departed_at: Option<DateTime<Utc>>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub callback_done_at: Option<DateTime<Utc>>,
    /// Set while the ticket waits on the customer (the SLA clock is stopped).
    pub paused_at: Option<DateTime<Utc>>,
    /// SLA clock time spent waiting on the customer so far, in seconds.
    pub paused_seconds: i64,
    /// Any due time was missed.
    pub breached: bool,
    /// 0 none, 1 owner alerted, 2 supervisors alerted, 3 managers alerted.
    pub escalation_step: i32,
    /// The on-site registration was flagged to dispatch because of a breach.
    pub flagged_for_dispatch: bool,
    /// When a resolved ticket the customer had not answered was brought back to them (its owner
    /// notified to call, the contact e-mailed).
    pub acceptance_reminded_at: Option<DateTime<Utc>>,
    /// Closed after the configured working days without the customer's answer: not an
    /// acceptance, and counted apart.
    pub closed_without_answer: bool,
    /// The open ticket this one was registered beside: the same customer calling again about
    /// the same asset or site.
    pub related_ticket_id: Option<TicketId>,
    /// Why this ticket was registered as another matter although the asset or site had open
    /// tickets.
    pub unrelated_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A request as it is registered.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTicket {
    pub customer_id: CustomerId,
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    #[serde(default)]
    pub site_id: Option<SiteId>,
    /// The asset's model, serial number and purchase date are copied to the ticket.
    #[serde(default)]
    pub asset_id: Option<AssetId>,
    pub channel: Channel,
    /// `fault` when not given.
    #[serde(default)]
    pub kind: Option<RequestKind>,
    pub priority: Priority,
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 10000))]
    pub description: String,
    /// When the request came in; defaults to now. At most a day in the past, never in the future.
    #[serde(default)]
    pub received_at: Option<DateTime<Utc>>,
    /// The open ticket of the same asset (or site) this new one belongs beside; or give
    /// `unrelated_reason`. Registering for an asset (or site) with open tickets without either is
    /// refused (409 `open_tickets_exist`, with the tickets); `GET /api/v1/tickets/repeat-check`
    /// lists them first.
    #[serde(default)]
    pub related_ticket_id: Option<TicketId>,
    /// Why this is another matter than the open tickets of the asset (or site); at most 2000
    /// characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text-or-blank", max_length = 2000))]
    pub unrelated_reason: Option<String>,
    /// What a complaint is about: required when `kind` is `complaint`, refused otherwise.
    #[serde(default)]
    pub complaint_subject: Option<crate::complaints::ComplaintSubjectRef>,
}

/// What registering a ticket would give now, computed by the registration itself without
/// storing anything: the due times, the customer tier and region class they were taken for,
/// and the open tickets of the same asset (or site) the repeat check would name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketPreview {
    pub customer_tier: Tier,
    pub region_id: Option<RegionId>,
    pub region_class: RegionClass,
    pub kind: RequestKind,
    pub priority: Priority,
    pub clock_mode: ClockMode,
    /// When the request came in (`received_at`, or now): the due times count from it.
    pub opened_at: DateTime<Utc>,
    pub response_due_at: DateTime<Utc>,
    /// The hotline tier's time limit.
    pub hotline_due_at: Option<DateTime<Utc>>,
    /// The remote tier's time limit (set once the ticket reaches the remote tier).
    pub remote_due_at: Option<DateTime<Utc>>,
    pub departure_due_at: Option<DateTime<Utc>>,
    pub arrival_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: DateTime<Utc>,
    /// Null: a registration promises no callback.
    pub callback_due_at: Option<DateTime<Utc>>,
    /// The open tickets of the same asset (or, without one, site), newest first, at most 20:
    /// registering without `related_ticket_id` or `unrelated_reason` would be refused
    /// (`open_tickets_exist`) while this is not empty.
    pub open_tickets: Vec<Ticket>,
}

/// What a customer lookup matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LookupMatch {
    /// Part of the customer's name.
    Name,
    /// Part of a contact's name.
    Contact,
    /// Digits of a contact's phone number.
    Phone,
    /// Part of an asset's serial number.
    SerialNumber,
}

/// One customer found as the caller types, with what matched: the contact (for `contact` and
/// `phone`) or the asset and its site (for `serial_number`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerMatch {
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub customer_tier: Tier,
    pub matched_on: LookupMatch,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<ContactId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<SiteId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_id: Option<AssetId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_model: Option<String>,
}

/// A further contact from the customer about an open ticket (they called or wrote again): it
/// goes into the ticket's timeline and to its owner, instead of a second ticket.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomerContactRequest {
    pub channel: Channel,
    /// What the customer said (1 to 2000 characters).
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 2000))]
    pub note: String,
}

/// Changing priority or site recomputes the due times (and records it).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateTicket {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<SiteId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 10000))]
    pub description: Option<String>,
    /// Why (recorded in the timeline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "text-or-blank", max_length = 2000))]
    pub reason: Option<String>,
}

/// One entry of a ticket's timeline: who did what, when, from what to what, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketEvent {
    pub id: TicketEventId,
    pub ticket_id: TicketId,
    pub at: DateTime<Utc>,
    /// None for the service itself (the SLA scan, and its climbs when a tier's limit passed).
    pub actor_id: Option<UserId>,
    /// The actor's display name; null for the service itself.
    #[serde(default)]
    pub actor_name: Option<String>,
    /// `registered`, `started`, `waiting`, `resumed`, `escalated` (by the service when `actor_id`
    /// is null; `data.automatic` true), `auto_escalation_blocked` (a climb the service could not
    /// make; `reason` says why), `handoff`, `assigned`, `authorization`, `onsite_requested`,
    /// `callback_requested`, `callback_done`, `departed`, `arrived`, `resolved`, `accepted`,
    /// `reopened`, `cancelled`, `visits_cancelled` (`data` holds `visit_ids`), `acceptance_reminded`,
    /// `closed_without_answer`, `customer_contact` (`to` is the channel), `related_registered` (`to`
    /// is the new ticket's number), `kind_changed`, `major_fault`, `major_fault_updated`,
    /// `major_fault_ended`, `updated`, `dues_recomputed`, `sla_breach`, `sla_alert`,
    /// `dispatch_flagged`, `comment`; `mail_queued` (an
    /// e-mail about the ticket went into the outbox; `to` is its kind) and `mail_skipped` (nobody had
    /// an address to send it to); the fault analysis report's `fault_report_drafted`,
    /// `fault_report_author`, `fault_report_submitted`, `fault_report_returned`,
    /// `fault_report_approved`, `fault_report_sent` and `fault_report_revised` (`data` holds
    /// `fault_report_id` and `revision`); `survey_answered` (`to` is the score; `data` holds
    /// `survey_id`, `score`, `source` and `revisit_id`).
    pub kind: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub data: Option<serde_json::Value>,
}

/// A reason or note for an action.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Note {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text-or-blank", max_length = 2000))]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EscalateRequest {
    pub to: LadderTier,
    /// Required when a tier is skipped.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text-or-blank", max_length = 2000))]
    pub reason: Option<String>,
    /// The agreed visit window, required when escalating to on-site.
    #[serde(default)]
    pub window_start: Option<DateTime<Utc>>,
    #[serde(default)]
    pub window_end: Option<DateTime<Utc>>,
}

/// A new kind for a ticket, and why.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KindChange {
    pub kind: RequestKind,
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 2000))]
    pub reason: String,
    /// What the complaint is about: required when the ticket becomes a complaint, refused
    /// otherwise (a complaint stays a complaint: it ends on its own ladder).
    #[serde(default)]
    pub complaint_subject: Option<crate::complaints::ComplaintSubjectRef>,
}

/// Hands the ticket's ownership to a named user.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HandoffRequest {
    pub to_user_id: UserId,
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 2000))]
    pub reason: String,
}

/// Cancels a ticket opened by mistake (a duplicate, or withdrawn by the customer).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CancelTicketRequest {
    /// Why, e.g. "duplicate of FL-2026-000123" or "withdrawn by the customer".
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 2000))]
    pub reason: String,
}

/// Sets who works the ticket now (null clears it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    pub assignee_id: Option<UserId>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text-or-blank", max_length = 2000))]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAuthorization {
    /// The customer's person who authorized.
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub authorized_by: String,
    pub method: AuthorizationMethod,
    /// Defaults to now.
    #[serde(default)]
    pub authorized_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemoteAuthorization {
    pub id: i64,
    pub ticket_id: TicketId,
    pub authorized_by: String,
    pub method: AuthorizationMethod,
    pub authorized_at: DateTime<Utc>,
    pub recorded_by: UserId,
    pub note: Option<String>,
}

/// The customer's verdict on a resolved ticket.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptanceRequest {
    /// The customer's person who accepted (or refused).
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub accepted_by: String,
    pub satisfied: bool,
    #[serde(default)]
    pub comment: Option<String>,
}

/// When the technician reached the site (recorded by dispatch or from the visit's check-in).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ArrivalRequest {
    /// Defaults to now.
    #[serde(default)]
    pub arrived_at: Option<DateTime<Utc>>,
}

/// An on-site service registration: the request for a visit, with the window agreed with the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OnsiteRequest {
    pub id: OnsiteRequestId,
    pub ticket_id: TicketId,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub status: OnsiteRequestStatus,
    pub notes: Option<String>,
    /// Set when an SLA breach flagged it to dispatch.
    pub flagged_at: Option<DateTime<Utc>>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

// ---------------------------------------------------------------- SLA policy and calendar

/// The targets for the tickets a row applies to: a request kind x customer tier x priority x
/// region class, each part null for any. A ticket takes the most specific row that matches it
/// (one naming its kind first, then its customer tier, its priority, its region class).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlaPolicy {
    pub id: SlaPolicyId,
    /// Null: any kind.
    pub kind: Option<RequestKind>,
    /// Null: any customer tier.
    pub customer_tier: Option<Tier>,
    /// Null: any priority.
    pub priority: Option<Priority>,
    /// Null: any region class.
    pub region_class: Option<RegionClass>,
    pub response_minutes: i32,
    /// The hotline tier's time limit, from the request's arrival.
    pub hotline_minutes: i32,
    /// The remote tier's time limit, from reaching the remote tier.
    pub remote_minutes: i32,
    /// A technician en route, from reaching the on-site tier.
    pub departure_minutes: i32,
    pub arrival_minutes: i32,
    pub resolution_minutes: i32,
    pub clock_mode: ClockMode,
    /// What passing the hotline limit does.
    pub hotline_action: TierAction,
    /// What passing the remote limit does.
    pub remote_action: TierAction,
    pub updated_at: DateTime<Utc>,
}

/// A policy row (admin): the tickets it applies to and its targets.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSlaPolicy {
    /// Left out or null: any (for each of the four).
    #[serde(default)]
    pub kind: Option<RequestKind>,
    #[serde(default)]
    pub customer_tier: Option<Tier>,
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub region_class: Option<RegionClass>,
    /// Each a minute to 90 days (129600).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 129600))]
    pub response_minutes: i32,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 129600))]
    pub hotline_minutes: i32,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 129600))]
    pub remote_minutes: i32,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 129600))]
    pub departure_minutes: i32,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 129600))]
    pub arrival_minutes: i32,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 129600))]
    pub resolution_minutes: i32,
    pub clock_mode: ClockMode,
    /// `alert` when left out.
    #[serde(default)]
    pub hotline_action: Option<TierAction>,
    /// `alert` when left out.
    #[serde(default)]
    pub remote_action: Option<TierAction>,
}

/// Fields left out are not changed. Tickets registered later use the new targets.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateSlaPolicy {
    /// A minute to 90 days (129600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 129600))]
    pub response_minutes: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 129600))]
    pub hotline_minutes: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 129600))]
    pub remote_minutes: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 129600))]
    pub departure_minutes: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 129600))]
    pub arrival_minutes: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 129600))]
    pub resolution_minutes: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_mode: Option<ClockMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotline_action: Option<TierAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_action: Option<TierAction>,
}

/// Opening hours of a day, local time `HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DayHours {
    pub start: String,
    pub end: String,
}

/// The business calendar that business-hour SLA clocks run on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BusinessCalendar {
    /// An IANA zone, e.g. `Asia/Shanghai`.
    pub time_zone: String,
    /// Seven entries, Monday first; null = closed.
    #[cfg_attr(feature = "openapi", schema(min_items = 7, max_items = 7))]
    pub week: Vec<Option<DayHours>>,
    /// The hours of a make-up working day (a weekend worked in exchange for a holiday).
    pub makeup_hours: DayHours,
}

wire_enum!(
    /// A dated exception to the weekly hours.
    HolidayKind {
        Holiday => "holiday",
        Working => "working",
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Holiday {
    pub id: HolidayId,
    pub day: NaiveDate,
    pub name: String,
    pub kind: HolidayKind,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewHoliday {
    pub day: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 100))]
    pub name: String,
    /// `holiday` (default) or `working` (a make-up working day).
    #[serde(default)]
    pub kind: Option<HolidayKind>,
}

// ---------------------------------------------------------------- notifications and jobs

/// An alert in a user's inbox (SLA alerts, handoffs, dispatch flags).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: NotificationId,
    pub user_id: UserId,
    pub ticket_id: Option<TicketId>,
    pub kind: String,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// What one run of a scheduled job did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobRun {
    pub job: String,
    /// The run's slot key; a slot runs once across all nodes.
    pub slot: String,
    /// False when another run already claimed the slot.
    pub ran: bool,
    /// Objects looked at and steps taken.
    pub examined: i64,
    pub actions: i64,
}

/// Runs a scheduled job by hand.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunJobRequest {
    /// The slot to run in, e.g. a scheduled slot (`2026-03-02T02:00:00`) that was missed; it runs
    /// only if no run on any node claimed it. Without one, the run gets a slot of its own.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 64))]
    pub slot: Option<String>,
}

/// A claimed run slot of a scheduled job and how its run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobRunRecord {
    pub id: i64,
    pub job: String,
    pub slot: String,
    pub started_at: DateTime<Utc>,
    /// None while the run works, or when it stopped before it finished.
    pub finished_at: Option<DateTime<Utc>>,
    pub examined: i64,
    pub actions: i64,
}

// ---------------------------------------------------------------- dispatch

/// A skill and its level (1 = basic, 5 = expert).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Skill {
    pub skill: String,
    pub level: i32,
}

/// A technician's dispatch profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Technician {
    pub user_id: UserId,
    pub display_name: String,
    pub home_latitude: f64,
    pub home_longitude: f64,
    pub daily_capacity: i32,
    /// Working hours, Monday first, in the business calendar's zone; null = off.
    pub week: Vec<Option<DayHours>>,
    /// The regions served; empty = every region.
    pub regions: Vec<RegionId>,
    pub skills: Vec<Skill>,
    pub last_latitude: Option<f64>,
    pub last_longitude: Option<f64>,
    pub last_accuracy_m: Option<f64>,
    pub last_ping_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// The lunch break day plans give the technician.
    pub lunch_break: crate::plans::LunchBreak,
}

/// Creates or replaces a technician's profile.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PutTechnician {
    pub home_latitude: f64,
    pub home_longitude: f64,
    /// Visits a day, 1-50.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 50))]
    pub daily_capacity: i32,
    /// Seven entries, Monday first.
    #[cfg_attr(feature = "openapi", schema(min_items = 7, max_items = 7))]
    pub week: Vec<Option<DayHours>>,
    #[serde(default)]
    pub regions: Vec<RegionId>,
    #[serde(default)]
    pub skills: Vec<Skill>,
    /// The lunch break day plans give the technician (11:30-13:30, 45 minutes when absent).
    #[serde(default)]
    pub lunch_break: Option<crate::plans::LunchBreak>,
}

/// A period on the on-duty roster (nights, weekends, holidays).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DutyShift {
    pub id: i64,
    pub user_id: UserId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDutyShift {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text-or-blank", max_length = 500))]
    pub note: Option<String>,
}

/// One position from the phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LocationPing {
    pub at: DateTime<Utc>,
    pub latitude: f64,
    pub longitude: f64,
    /// Metres, as the phone reports it.
    pub accuracy_m: f64,
}

/// Positions sent together (1-100), e.g. after the phone was offline.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PingBatch {
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100))]
    pub pings: Vec<LocationPing>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PingReceipt {
    pub stored: usize,
    /// The newest position now on record.
    pub last_ping_at: Option<DateTime<Utc>>,
}

wire_enum!(
    /// A visit's life.
    VisitStatus {
        Scheduled => "scheduled",
        Assigned => "assigned",
        Accepted => "accepted",
        EnRoute => "en_route",
        OnSite => "on_site",
        Completed => "completed",
        Failed => "failed",
        NeedsRevisit => "needs_revisit",
        Cancelled => "cancelled",
        DeclinedByCustomer => "declined_by_customer",
    }
);

wire_enum!(
    /// What a visit is for: `repair` (a ticket's on-site registration) or `inspection` (an
    /// inspection of an inspection plan; it has no ticket).
    VisitKind {
        Repair => "repair",
        Inspection => "inspection",
    }
);

/// A technician's trip to a site: for a ticket (`repair`) or for an inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Visit {
    pub id: VisitId,
    pub kind: VisitKind,
    /// The ticket of a repair visit; null for an inspection.
    pub ticket_id: Option<TicketId>,
    /// The on-site registration of a repair visit; null for an inspection.
    pub onsite_request_id: Option<OnsiteRequestId>,
    /// The inspection an inspection visit carries out.
    pub inspection_id: Option<InspectionId>,
    pub site_id: Option<SiteId>,
    pub region_id: Option<RegionId>,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub required_skill: Option<String>,
    pub required_level: i32,
    pub technician_id: Option<UserId>,
    /// The technician's display name, in the office's reads of visits (`GET /api/v1/visits`,
    /// `GET /api/v1/visits/{id}`); absent elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technician_name: Option<String>,
    pub status: VisitStatus,
    /// Changes with every update; send it back in `If-Match` (the `ETag` header carries it too).
    pub version: i32,
    pub accepted_at: Option<DateTime<Utc>>,
    pub en_route_at: Option<DateTime<Utc>>,
    pub checked_in_at: Option<DateTime<Utc>>,
    /// How far from the site the phone was at check-in.
    pub checkin_distance_m: Option<f64>,
    /// Why a check-in beyond the radius was accepted.
    pub checkin_reason: Option<String>,
    /// Completed, failed or needing another visit at.
    pub finished_at: Option<DateTime<Utc>>,
    /// Why it failed or needs another visit.
    pub outcome_reason: Option<String>,
    pub work_notes: Option<String>,
    /// From the asset's warranty (its own end, or its model's warranty terms) at completion, as a
    /// date in the business calendar's time zone; false means billable.
    pub under_warranty: Option<bool>,
    /// The amount of the quote the customer approved before the work (`quote_id`). Visits
    /// completed before quotes were recorded carry the price told at completion here.
    pub quote_amount: Option<f64>,
    /// The approved quote billable work was done under.
    #[serde(default)]
    pub quote_id: Option<QuoteId>,
    /// The amount finally charged for billable work, in the quote's currency.
    #[serde(default)]
    pub amount_charged: Option<f64>,
    /// Why the amount charged differs from the approved quote.
    #[serde(default)]
    pub charge_difference_reason: Option<String>,
    pub time_spent_minutes: Option<i32>,
    pub signoff_name: Option<String>,
    pub has_signature: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Who at the customer agreed to the window the visit has now; null until it is moved.
    pub window_agreed_with: Option<String>,
    /// When they agreed to it.
    pub window_agreed_at: Option<DateTime<Utc>>,
    /// How they agreed to it.
    pub window_agreed_via: Option<AgreedVia>,
    /// The arrival a day plan gave the technician, and when they leave the site; null unless a
    /// plan booked the visit (the technician is then held for that stretch, not the window).
    #[serde(default)]
    pub planned_arrival_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub planned_departure_at: Option<DateTime<Utc>>,
    /// The visit's place in the technician's route of the day (1 first), from the plan.
    #[serde(default)]
    pub route_position: Option<i32>,
}

wire_enum!(
    /// How the customer agreed to a visit's new window.
    AgreedVia {
        Phone => "phone",
        Email => "email",
        OnSite => "on_site",
        Web => "web",
    }
);

/// A new window for a visit that has not started, agreed with the customer. A technician booked
/// on it keeps it in the new window (if they are free then; they accept it again) unless
/// `release_technician` takes them off.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VisitReschedule {
    /// At most 24 hours in the past and 365 days ahead.
    pub window_start: DateTime<Utc>,
    /// After `window_start`, in the future, at most 24 hours after `window_start`.
    pub window_end: DateTime<Utc>,
    /// The customer's contact who agreed to the new window.
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub agreed_with: String,
    /// When they agreed: not in the future, at most 30 days ago.
    pub agreed_at: DateTime<Utc>,
    pub agreed_via: AgreedVia,
    /// Take the technician off the visit (it goes back to the queue) instead of moving their
    /// booking.
    #[serde(default)]
    pub release_technician: bool,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text-or-blank", max_length = 2000))]
    pub reason: Option<String>,
}

/// Cancels a visit that has not started.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VisitCancellation {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 2000))]
    pub reason: String,
    /// The customer needs no visit any more: the on-site registration is cancelled too. Otherwise
    /// it goes back to dispatch (open) for another visit.
    #[serde(default)]
    pub cancel_registration: bool,
}

wire_enum!(
    /// What a visit's photo shows.
    PhotoKind {
        Before => "before",
        After => "after",
        Fault => "fault",
        SignedForm => "signed_form",
    }
);

/// A photo of a visit, without its bytes (`GET /api/v1/visits/{id}/photos/{photo_id}` serves
/// them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitPhoto {
    pub id: VisitPhotoId,
    pub visit_id: VisitId,
    pub kind: PhotoKind,
    /// `image/jpeg` or `image/png`.
    pub content_type: String,
    pub size_bytes: i64,
    /// The SHA-256 of the bytes, hex.
    pub sha256: String,
    pub uploaded_by: UserId,
    pub created_at: DateTime<Utc>,
}

wire_enum!(
    /// What a product model's warranty months are counted from.
    WarrantyCountedFrom {
        Acceptance => "acceptance",
        Purchase => "purchase",
    }
);

/// The warranty of a product model: an asset of that model with no warranty end of its own is
/// under warranty for `months` from its acceptance (delivery) or purchase date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WarrantyTerm {
    pub id: WarrantyTermId,
    /// The product model, as assets name it (exactly).
    pub model: String,
    pub months: i32,
    pub counted_from: WarrantyCountedFrom,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A product model's warranty terms.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewWarrantyTerm {
    /// Unique among the terms.
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub model: String,
    /// 1-600.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 600))]
    pub months: i32,
    pub counted_from: WarrantyCountedFrom,
}

/// Changes a product model's warranty terms; absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateWarrantyTerm {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub model: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 600))]
    pub months: Option<i32>,
    #[serde(default)]
    pub counted_from: Option<WarrantyCountedFrom>,
}

wire_enum!(
    /// Where a quote stands: told to the customer and awaiting their answer (`proposed`),
    /// `approved`, or `declined`.
    QuoteStatus {
        Proposed => "proposed",
        Approved => "approved",
        Declined => "declined",
    }
);

wire_enum!(
    /// How the customer answered a quote: by phone with the office, by signing on the
    /// technician's phone, or through a link sent to them.
    QuoteAnswerVia {
        Phone => "phone",
        SignatureOnPhone => "signature_on_phone",
        Link => "link",
        Portal => "portal",
    }
);

/// A line of a quote as it is made.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewQuoteItem {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 500))]
    pub description: String,
    /// More than 0, at most 10,000.
    #[cfg_attr(feature = "openapi", schema(exclusive_minimum = 0, maximum = 10000))]
    pub quantity: f64,
    /// 0-10,000,000, in the quote's currency.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000000))]
    pub unit_price: f64,
}

/// A quote for paid work on a visit (out of warranty), told to the customer before the work.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewQuote {
    /// 1-50 lines.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub items: Vec<NewQuoteItem>,
    /// ISO 4217 code (three letters); absent, the service's default currency.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z]{3}$"))]
    pub currency: Option<String>,
}

/// A line of a quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuoteItem {
    pub description: String,
    pub quantity: f64,
    pub unit_price: f64,
    /// `quantity` × `unit_price`, rounded to the cent.
    pub amount: f64,
}

/// A quote for paid work on a visit and the customer's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quote {
    pub id: QuoteId,
    pub visit_id: VisitId,
    pub ticket_id: Option<TicketId>,
    pub status: QuoteStatus,
    pub items: Vec<QuoteItem>,
    /// The sum of the lines' amounts.
    pub amount: f64,
    /// ISO 4217.
    pub currency: String,
    pub made_by: UserId,
    pub made_at: DateTime<Utc>,
    /// Who at the customer approved or declined it.
    pub answered_by: Option<String>,
    /// When they answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// How they answered.
    pub answered_via: Option<QuoteAnswerVia>,
    /// The staff member or technician who recorded the answer.
    pub answer_recorded_by: Option<UserId>,
    /// Why the customer declined.
    pub decline_reason: Option<String>,
    /// The visit's version now (making or answering a quote changes the visit): send it in
    /// `If-Match` with the visit's next step.
    pub visit_version: i32,
}

/// The customer approved the quote: who, when, how.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuoteApproval {
    /// The customer's contact who approved it.
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub approved_by: String,
    /// Not in the future, at most 30 days ago.
    pub approved_at: DateTime<Utc>,
    pub via: QuoteAnswerVia,
}

fn yes() -> bool {
    true
}

/// The customer declined the quote: who, when, how and why. With `ends_visit` (the default)
/// the visit ends as declined by the customer, without work; without it, the visit stays and a
/// new quote may be made in place of this one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuoteDecline {
    /// The customer's contact who declined it.
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub declined_by: String,
    /// Not in the future, at most 30 days ago.
    pub declined_at: DateTime<Utc>,
    pub via: QuoteAnswerVia,
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 2000))]
    pub reason: String,
    #[serde(default = "yes")]
    pub ends_visit: bool,
}

/// A visit with what the technician needs for the job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitDetail {
    pub visit: Visit,
    /// The ticket's number; null for an inspection.
    pub ticket_number: Option<String>,
    /// The ticket's title, or the inspection plan's name.
    pub title: String,
    pub description: String,
    pub priority: Priority,
    pub site_name: Option<String>,
    pub site_address: Option<String>,
    pub site_latitude: Option<f64>,
    pub site_longitude: Option<f64>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub product_model: Option<String>,
    pub serial_number: Option<String>,
    /// The last day of the asset's warranty: its own, or from its model's warranty terms.
    pub warranty_end: Option<NaiveDate>,
    pub parts: Vec<PartUsed>,
    /// For an inspection: the assets to inspect at the site.
    #[serde(default)]
    pub assets: Vec<VisitAsset>,
    /// For a repair: the visit's quotes for paid work, oldest first.
    #[serde(default)]
    pub quotes: Vec<Quote>,
}

/// An asset a visit is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitAsset {
    pub id: AssetId,
    pub model: String,
    pub serial_number: String,
    pub warranty_end: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PartUsed {
    pub part_number: String,
    /// 1-1000.
    pub quantity: i32,
}

/// Declining returns the visit to dispatch.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeclineRequest {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 2000))]
    pub reason: String,
}

/// The phone's position on arrival. Farther from the site than the radius needs a reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    pub latitude: f64,
    pub longitude: f64,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text-or-blank", max_length = 2000))]
    pub reason: Option<String>,
}

/// The work done and the customer's sign-off.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CompleteRequest {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 10000))]
    pub work_notes: String,
    #[serde(default)]
    pub parts: Vec<PartUsed>,
    /// 1-1440.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1440))]
    pub time_spent_minutes: i32,
    /// The amount finally charged for billable work (out of warranty, under the visit's approved
    /// quote); absent, the approved quote's amount. Ignored under warranty.
    #[serde(default)]
    pub amount_charged: Option<f64>,
    /// Required when `amount_charged` differs from the approved quote's amount.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text-or-blank", max_length = 2000))]
    pub charge_difference_reason: Option<String>,
    /// Deprecated: the older name of `amount_charged`, read when that is absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(deprecated))]
    pub quote_amount: Option<f64>,
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub signoff_name: String,
    /// The customer's signature: a PNG, base64, at most 256 KiB.
    pub signature_png_base64: String,
    /// What the signer said of the result. When this is the ticket's last open visit, its
    /// completion resolves the ticket; `true` is also the customer's acceptance, and the ticket
    /// closes. `false` or absent: the ticket's owner asks the customer for acceptance.
    #[serde(default)]
    pub satisfied: Option<bool>,
}

/// The visit could not finish the job.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FailRequest {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 2000))]
    pub reason: String,
    /// Another visit is needed (true) or the visit failed (false).
    #[serde(default)]
    pub needs_revisit: bool,
}

/// Turns an on-site registration into a visit.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewVisit {
    pub onsite_request_id: OnsiteRequestId,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text-or-blank", max_length = 50))]
    pub required_skill: Option<String>,
    /// 1-5, default 1.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub required_level: Option<i32>,
}

/// Who can go, best first, and who cannot and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidates {
    pub visit_id: VisitId,
    /// The radius around the site searched (km): nobody farther away could rank among these.
    /// Null when every technician was considered.
    pub searched_km: Option<f64>,
    /// The best, at most `limit`.
    pub candidates: Vec<Candidate>,
    /// The nearest of those searched who cannot go, at most `limit`.
    pub excluded: Vec<Excluded>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidate {
    pub technician_id: UserId,
    pub display_name: String,
    pub distance_km: f64,
    pub eta_minutes: f64,
    /// Measured from the last ping (true) or the home base (false).
    pub from_ping: bool,
    pub visits_that_day: i32,
    /// Minutes between the estimated arrival and the SLA due time; negative is late.
    pub sla_slack_minutes: Option<f64>,
    /// Lower ranks first.
    pub score: f64,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Excluded {
    pub technician_id: UserId,
    pub display_name: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VisitAssignment {
    pub technician_id: UserId,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text-or-blank", max_length = 2000))]
    pub reason: Option<String>,
}

/// One row of the dispatch board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardEntry {
    pub visit: Visit,
    /// The ticket's number; null for an inspection.
    pub ticket_number: Option<String>,
    /// The ticket's priority; for an inspection, P4.
    pub priority: Priority,
    /// The ticket's arrival due time (or its resolution due time when it has none); for an
    /// inspection, the end of its due date.
    pub sla_due_at: DateTime<Utc>,
    pub flagged_for_dispatch: bool,
}

// ---------------------------------------------------------------- major faults

/// Marks a ticket a major fault and sends the notice at once, by e-mail, to the customer's
/// account manager, every active manager with an e-mail address, and `extra_recipients`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMajorFault {
    /// When the fault began; not in the future.
    pub occurred_at: DateTime<Utc>,
    /// Where: site, building, equipment (at most 500 characters).
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 500))]
    pub location: String,
    /// What is seen (at most 4000 characters; several lines allowed).
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 4000))]
    pub symptoms: String,
    /// What is being done about it (at most 4000 characters; several lines allowed).
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 4000))]
    pub handling_plan: String,
    /// Why the ticket is a major fault (at most 2000 characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text-or-blank", max_length = 2000))]
    pub reason: Option<String>,
    /// Further e-mail addresses to notify, e.g. the customer's duty officer (at most 20). They
    /// get every notice of this fault.
    #[serde(default)]
    pub extra_recipients: Vec<String>,
}

/// A new handling plan for an open major fault; sends a follow-up notice.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MajorFaultProgress {
    /// The plan as it stands now (at most 4000 characters).
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 4000))]
    pub handling_plan: String,
    /// What happened since the last notice (at most 4000 characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 4000))]
    pub note: Option<String>,
}

/// The end of a major fault; sends the closing notice.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EndMajorFault {
    /// When the fault ended; defaults to now. Not in the future, not before `occurred_at`.
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    /// How it ended (at most 4000 characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 4000))]
    pub summary: Option<String>,
}

/// One e-mail sent (or to be sent) about a major fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MajorFaultNotice {
    pub outbox_id: OutboxMessageId,
    pub kind: MailKind,
    pub recipients: Vec<String>,
    pub status: OutboxStatus,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A major fault: the notice's details, kept up to date until the fault ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MajorFault {
    pub id: MajorFaultId,
    pub ticket_id: TicketId,
    pub ticket_number: String,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub occurred_at: DateTime<Utc>,
    pub location: String,
    pub symptoms: String,
    pub handling_plan: String,
    pub reason: Option<String>,
    pub extra_recipients: Vec<String>,
    pub reported_by: UserId,
    /// The display name of who marked it.
    pub reported_by_name: String,
    pub reported_at: DateTime<Utc>,
    /// How many handling-plan updates were sent.
    pub updates: i32,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_by: Option<UserId>,
    /// The display name of who ended it.
    pub ended_by_name: Option<String>,
    pub end_summary: Option<String>,
    /// Not ended yet.
    pub open: bool,
    /// Minutes since the fault occurred (until its end, once it ended).
    pub elapsed_minutes: i64,
    /// The e-mails about it, oldest first; empty when nobody with an e-mail address could be
    /// notified.
    pub notices: Vec<MajorFaultNotice>,
}

// ---------------------------------------------------------------- e-mail outbox

wire_enum!(
    /// Where an outgoing e-mail is: waiting to be sent (also between retries), sent, given up
    /// after the last attempt (an admin can retry it), or cancelled before it left because the
    /// personal data of its only recipient was erased.
    OutboxStatus {
        Pending => "pending",
        Sent => "sent",
        Dead => "dead",
        Cancelled => "cancelled",
    }
);

wire_enum!(
    /// What an e-mail is about.
    MailKind {
        MajorFaultNotice => "major_fault_notice",
        MajorFaultUpdate => "major_fault_update",
        MajorFaultEnd => "major_fault_end",
        FaultReport => "fault_report",
        TicketClosed => "ticket_closed",
        AcceptanceReminder => "acceptance_reminder",
        ServiceReport => "service_report",
        TicketReply => "ticket_reply",
        TicketAcknowledged => "ticket_acknowledged",
        VisitBooked => "visit_booked",
        VisitMoved => "visit_moved",
        VisitCancelled => "visit_cancelled",
        TechnicianOnTheWay => "technician_on_the_way",
        TicketResolved => "ticket_resolved",
        PortalSignIn => "portal_sign_in",
    }
);

/// A file sent with an e-mail (its bytes are not shown).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxAttachment {
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// An outgoing e-mail as the relay sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxMessage {
    pub id: OutboxMessageId,
    /// The `Message-ID` header, the same on every attempt (`<uuid@domain>`).
    pub message_id: String,
    pub kind: MailKind,
    pub customer_id: Option<CustomerId>,
    pub ticket_id: Option<TicketId>,
    pub recipients: Vec<String>,
    pub subject: String,
    pub status: OutboxStatus,
    /// Failed attempts so far.
    pub attempts: i32,
    /// When the relay tries next (while pending).
    pub next_attempt_at: DateTime<Utc>,
    /// The last attempt's error.
    pub last_error: Option<String>,
    pub has_html: bool,
    pub attachments: Vec<OutboxAttachment>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Time-critical (a sign-in link, the technician on the way, a visit moved or cancelled on
    /// its own day): not held back by the per-customer hourly bound.
    #[serde(default)]
    pub urgent: bool,
}

// ---------------------------------------------------------------- fault analysis reports

wire_enum!(
    /// Where a fault analysis report is in its review: a draft (editable), submitted for review,
    /// returned to the author with comments (editable again), approved (read-only) or sent.
    FaultReportStatus {
        Draft => "draft",
        Submitted => "submitted",
        Returned => "returned",
        Approved => "approved",
        Sent => "sent",
    }
);

/// What the fault did to the customer's service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FaultImpact {
    /// What was affected and how (at most 4000 characters; may be empty in a draft, required to
    /// submit).
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 4000))]
    pub description: String,
    /// 0 to 1,000,000.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000000))]
    pub customers_affected: i32,
    /// 0 to 1,000,000.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000000))]
    pub sites_affected: i32,
    /// 0 to 1,000,000.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 1000000))]
    pub assets_affected: i32,
    /// How long the service was down, in minutes (0 to 525,600: one year).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 525600))]
    pub downtime_minutes: i32,
}

/// One step of how the fault was handled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FaultTimelineEntry {
    /// When; not in the future.
    pub at: DateTime<Utc>,
    /// What happened (1 to 2000 characters; several lines allowed).
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 2000))]
    pub text: String,
}

/// A corrective or preventive action: what, who owns it (a user of the service by id, or a
/// person named in words), and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FaultReportAction {
    /// What is to be done (1 to 2000 characters).
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 2000))]
    pub description: String,
    /// The owner when they are a user of the service (an active user); or give `owner_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_user_id: Option<UserId>,
    /// The owner named in words (at most 200 characters), e.g. the customer's engineer or a
    /// supplier; or give `owner_user_id`. The e-mailed report shows a user owner's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub owner_name: Option<String>,
    /// Due by this day; not before the ticket was opened, at most five years ahead.
    pub due_date: NaiveDate,
}

/// Someone a report was sent to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FaultReportRecipient {
    pub name: String,
    pub email: String,
    /// Set for the customer's contacts.
    pub contact_id: Option<ContactId>,
    /// Set for the account manager.
    pub user_id: Option<UserId>,
    /// The language of the e-mail they were sent (absent for reports sent before languages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// The e-mail that carried it to them: recipients of different languages get one each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox_id: Option<OutboxMessageId>,
}

/// A fault analysis report on a ticket: impact, handling timeline, root cause, corrective and
/// preventive actions, and who it goes to; reviewed, then e-mailed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FaultReport {
    pub id: FaultReportId,
    pub ticket_id: TicketId,
    pub ticket_number: String,
    pub ticket_title: String,
    pub customer_id: CustomerId,
    pub customer_name: String,
    /// The ticket's major fault, when it was one.
    pub major_fault_id: Option<MajorFaultId>,
    /// 1 for the first report of the ticket; each correction is the next revision.
    pub revision: i32,
    /// The revision this one corrects.
    pub previous_id: Option<FaultReportId>,
    /// The revision that corrects this one, once there is one.
    pub next_id: Option<FaultReportId>,
    pub status: FaultReportStatus,
    /// Who writes it: a supervisor, or a technician the supervisor named.
    pub author_id: UserId,
    /// The author's display name.
    pub author_name: String,
    pub created_by: UserId,
    pub impact: FaultImpact,
    /// Oldest first.
    pub timeline: Vec<FaultTimelineEntry>,
    pub root_cause: String,
    pub corrective_actions: Vec<FaultReportAction>,
    pub preventive_actions: Vec<FaultReportAction>,
    /// The customer's contacts chosen to receive it (the account manager receives it anyway).
    pub contact_ids: Vec<ContactId>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// The supervisor who last approved or returned it.
    pub reviewer_id: Option<UserId>,
    /// The reviewer's display name.
    pub reviewer_name: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// The comments of the last review (why it was returned).
    pub review_comments: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_by: Option<UserId>,
    /// The display name of who sent it.
    pub sent_by_name: Option<String>,
    /// Who it was sent to (empty until it is sent).
    pub recipients: Vec<FaultReportRecipient>,
    /// The e-mail that carries it (see `/api/v1/outbox`).
    pub outbox_id: Option<OutboxMessageId>,
    /// Changes with every change; send it back as `If-Match` to edit (the `ETag` carries it too).
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One e-mail a report's send would write: one per language its recipients read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FaultReportMailMessage {
    /// The language it is written in.
    pub language: Language,
    /// Who receives this message (the account manager and the chosen contacts who read its
    /// language).
    pub recipients: Vec<FaultReportRecipient>,
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part (the same content).
    pub html: String,
    /// The file name of the report attached as an HTML document.
    pub attachment: String,
}

/// The e-mail a report's send would write, rendered by the same code, without sending or
/// recording anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FaultReportMailPreview {
    pub report_id: FaultReportId,
    /// The report's version this preview shows.
    pub version: i32,
    /// One message per language, in the order the send writes them (the language of the
    /// account manager first).
    pub messages: Vec<FaultReportMailMessage>,
}

/// Starts the fault analysis report of a ticket whose fault is over. Its impact and timeline are
/// prefilled from the ticket, its major fault and its visits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewFaultReport {
    pub ticket_id: TicketId,
    /// Who writes it: an active supervisor or technician; defaults to the caller.
    #[serde(default)]
    pub author_id: Option<UserId>,
}

/// Changes a draft or returned report; every field given replaces the one stored (lists whole).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateFaultReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<FaultImpact>,
    /// At most 200 entries; kept in time order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub timeline: Option<Vec<FaultTimelineEntry>>,
    /// At most 10,000 characters (may be empty in a draft, required to submit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 10000))]
    pub root_cause: Option<String>,
    /// At most 50.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub corrective_actions: Option<Vec<FaultReportAction>>,
    /// At most 50.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub preventive_actions: Option<Vec<FaultReportAction>>,
    /// Contacts of the ticket's customer, each with an e-mail address (at most 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub contact_ids: Option<Vec<ContactId>>,
    /// A new author (supervisors only): an active supervisor or technician.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_id: Option<UserId>,
}

/// A step of the review: submit, approve, return (comments required), send.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FaultReportStep {
    /// At most 4000 characters; required to return a report (what must change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 4000))]
    pub comments: Option<String>,
}

/// Starts a corrected revision of an approved or sent report.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewFaultReportRevision {
    /// Who writes the revision; defaults to the author of the report it corrects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_id: Option<UserId>,
    /// Why it is corrected (at most 4000 characters; recorded in the timeline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 4000))]
    pub reason: Option<String>,
}

// ---------------------------------------------------------------- revisits

wire_enum!(
    /// `periodic`: on the cadence of a delivered project's revisit file; `satisfaction`: a few
    /// days after the customer accepted a ticket's result.
    RevisitKind {
        Periodic => "periodic",
        Satisfaction => "satisfaction",
    }
);

wire_enum!(
    /// `due`: waiting in the queue (overdue once its date has passed); `done`: its outcome is
    /// recorded; `missed`: the file's next periodic revisit came up before it was done.
    RevisitStatus {
        Due => "due",
        Done => "done",
        Missed => "missed",
    }
);

/// A delivered project's revisit file: one per asset with an acceptance date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevisitFile {
    pub id: RevisitFileId,
    pub asset_id: AssetId,
    pub customer_id: CustomerId,
    pub site_id: SiteId,
    /// The asset's acceptance date, which the cadence counts from.
    pub accepted_on: NaiveDate,
    /// Months between revisits up to the first anniversary of acceptance.
    pub first_year_months: i32,
    /// Months between revisits after the first anniversary.
    pub later_months: i32,
    /// The next cadence date without a revisit yet; null while the file is inactive.
    pub next_due: Option<NaiveDate>,
    /// False once the asset has no acceptance date any more.
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One revisit (a follow-up call) in the agents' queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Revisit {
    pub id: RevisitId,
    pub kind: RevisitKind,
    pub status: RevisitStatus,
    /// The local date (business calendar) it is due.
    pub due_on: NaiveDate,
    /// Still due and its date has passed.
    pub overdue: bool,
    /// The revisit file of a periodic revisit.
    pub file_id: Option<RevisitFileId>,
    /// The ticket whose result a satisfaction revisit confirms.
    pub ticket_id: Option<TicketId>,
    pub ticket_number: Option<String>,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub site_id: Option<SiteId>,
    pub asset_id: Option<AssetId>,
    /// The agent who is to make the call; null: anyone.
    pub assigned_to: Option<UserId>,
    /// The outcome, once done: whether the customer was reached, their score (1 to 5), the
    /// comment and whether a follow-up is needed.
    pub reached: Option<bool>,
    pub score: Option<i32>,
    pub comment: Option<String>,
    pub follow_up_needed: bool,
    pub done_by: Option<UserId>,
    pub done_at: Option<DateTime<Utc>>,
    /// The ticket an unsatisfied outcome opened.
    pub opened_ticket_id: Option<TicketId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The outcome of a revisit. When `reached`, `score` (1 to 5) is required; otherwise it must be
/// absent. A score of 2 or less, or `follow_up_needed`, opens a ticket.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RevisitOutcome {
    pub reached: bool,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub score: Option<i32>,
    /// What the customer said (at most 2000 characters; several lines allowed).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 2000))]
    pub comment: Option<String>,
    #[serde(default)]
    pub follow_up_needed: bool,
}

/// Who is to make the call; null leaves it to anyone.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssignRevisit {
    pub agent_id: Option<UserId>,
}

/// One agent's revisits in a week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentRevisitProgress {
    pub agent_id: UserId,
    pub username: String,
    pub display_name: String,
    /// Outcomes recorded in the week.
    pub done: i64,
    /// Of those, customers reached.
    pub reached: i64,
    /// Of those, unsatisfied ones that opened a ticket.
    pub tickets_opened: i64,
    /// The weekly target and what is left of it.
    pub target: i64,
    pub remaining: i64,
    pub target_met: bool,
    /// Revisits assigned to the agent and still due now.
    pub assigned_due: i64,
}

/// Every agent's revisits in a week against the weekly target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevisitProgress {
    /// The ISO week, e.g. `2026-W48`, Monday to Sunday in the business calendar's zone.
    pub week: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub target: i64,
    /// Active agents, and anyone else who recorded an outcome that week; most done first.
    pub agents: Vec<AgentRevisitProgress>,
}

// ---------------------------------------------------------------- satisfaction surveys

wire_enum!(
    /// How a survey answer came in: `link`, the customer through the link in the closing
    /// e-mail; `revisit`, told to an agent on the satisfaction revisit's call.
    SurveySource {
        Link => "link",
        Revisit => "revisit",
    }
);

/// A ticket's satisfaction survey answer (at most one per ticket), as the staff read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Survey {
    pub id: SurveyId,
    pub ticket_id: TicketId,
    pub ticket_number: String,
    pub customer_id: CustomerId,
    pub customer_name: String,
    /// From 1 (very dissatisfied) to 5 (very satisfied).
    pub score: i32,
    pub comment: Option<String>,
    pub source: SurveySource,
    /// The satisfaction revisit whose call recorded it (source `revisit`).
    pub revisit_id: Option<RevisitId>,
    /// The agent who recorded it (source `revisit`); null for the customer's own answer.
    pub recorded_by: Option<UserId>,
    pub answered_at: DateTime<Utc>,
}

/// What the customer sees behind a survey link: their ticket, nothing internal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyForm {
    pub ticket_number: String,
    /// The ticket's title.
    pub summary: String,
    pub closed_at: DateTime<Utc>,
    /// Until when the link can be used.
    pub expires_at: DateTime<Utc>,
    /// The scores allowed (1 to 5) and the longest comment.
    pub score_min: i32,
    pub score_max: i32,
    pub comment_max_chars: i32,
}

/// The customer's answer: a score from 1 (very dissatisfied) to 5 (very satisfied) and an
/// optional comment (at most 2000 characters; several lines allowed).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SurveyAnswer {
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub score: i32,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 2000))]
    pub comment: Option<String>,
}

/// The answer as it was recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SurveyReceipt {
    pub ticket_number: String,
    pub score: i32,
    pub comment: Option<String>,
    pub answered_at: DateTime<Utc>,
}

// ---------------------------------------------------------------- inspections

/// A plan of periodic on-site inspections for a customer's installations: one site, or every
/// site of the customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionPlan {
    pub id: InspectionPlanId,
    pub customer_id: CustomerId,
    /// Null: every site of the customer (sites added later too).
    pub site_id: Option<SiteId>,
    pub name: String,
    /// The assets inspected; empty: every asset at the covered sites.
    pub asset_ids: Vec<AssetId>,
    /// An inspection every this many months, counted from `starts_on`.
    pub frequency_months: i32,
    pub required_skill: Option<String>,
    pub required_level: i32,
    /// The first inspection date; later ones keep its day of the month (clamped to short months).
    pub starts_on: NaiveDate,
    pub notes: Option<String>,
    pub active: bool,
    /// The next date whose inspections are not created yet; null while inactive.
    pub next_due: Option<NaiveDate>,
    /// Changes with every update; send it back in `If-Match` (the `ETag` header carries it too).
    pub version: i32,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new inspection plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewInspectionPlan {
    pub customer_id: CustomerId,
    /// One site of the customer; absent: every site of the customer.
    #[serde(default)]
    pub site_id: Option<SiteId>,
    /// 1-200 characters.
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub name: String,
    /// Assets of the customer (at the site, for a site plan); absent or empty: every asset.
    #[serde(default)]
    pub asset_ids: Vec<AssetId>,
    /// 1-60.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 60))]
    pub frequency_months: i32,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text-or-blank", max_length = 50))]
    pub required_skill: Option<String>,
    /// 1-5, default 1.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub required_level: Option<i32>,
    /// The first inspection date.
    pub starts_on: NaiveDate,
    /// What to check (at most 4000 characters; several lines allowed).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 4000))]
    pub notes: Option<String>,
}

/// Changes to a plan; absent fields stay. An empty `required_skill` or `notes` clears it. A new
/// `frequency_months` or `starts_on` restarts the dates from today on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateInspectionPlan {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_ids: Option<Vec<AssetId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 60))]
    pub frequency_months: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "text-or-blank", max_length = 50))]
    pub required_skill: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub required_level: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 4000))]
    pub notes: Option<String>,
}

wire_enum!(
    /// `scheduled`: its visit is still to be done; `completed` / `failed`: how the visit ended;
    /// `cancelled`: the plan was deactivated before the visit started.
    InspectionStatus {
        Scheduled => "scheduled",
        Completed => "completed",
        Failed => "failed",
        Cancelled => "cancelled",
    }
);

/// One inspection of one site on one date, carried out by a visit of kind `inspection`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inspection {
    pub id: InspectionId,
    pub plan_id: InspectionPlanId,
    pub plan_name: String,
    pub customer_id: CustomerId,
    pub site_id: SiteId,
    pub due_on: NaiveDate,
    pub status: InspectionStatus,
    /// Still scheduled and its date has passed.
    pub overdue: bool,
    /// The visit carrying it out (the latest, when one needed another).
    pub visit_id: Option<VisitId>,
    pub visit_status: Option<VisitStatus>,
    pub technician_id: Option<UserId>,
    /// The problems found, each a ticket.
    pub findings: Vec<InspectionFinding>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A problem found on an inspection: the ticket it became, linked to the visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionFinding {
    pub id: InspectionFindingId,
    pub inspection_id: InspectionId,
    pub visit_id: VisitId,
    pub ticket_id: TicketId,
    pub ticket_number: String,
    pub asset_id: Option<AssetId>,
    pub reported_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// A problem found on an inspection. It becomes a ticket (channel `inspection`) on the ladder.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewFinding {
    /// 1-200 characters.
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub title: String,
    /// What was found (at most 10,000 characters; several lines allowed).
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 10000))]
    pub description: String,
    /// Default P3.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// The asset with the problem: one at the inspected site.
    #[serde(default)]
    pub asset_id: Option<AssetId>,
}

// ---------------------------------------------------------------- service reports

wire_enum!(
    /// `weekly`: the weekly service summary (an ISO week); `monthly`: the monthly service
    /// supervision report (a calendar month); `custom`: any chosen run of days.
    ReportKind {
        Weekly => "weekly",
        Monthly => "monthly",
        Custom => "custom",
    }
);

/// Tickets received and closed in the period, for one value of a grouping (a channel, a
/// customer tier or a region).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportGroup {
    /// The value: `phone`, `complaint`, `gold`, a region id, or `none` for tickets without a region.
    pub key: String,
    /// What the value is called (the region's name).
    pub label: String,
    pub received: i64,
    pub closed: i64,
}

/// Requests taken in by one channel in the period, and how fast they were answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportIntake {
    pub channel: Channel,
    /// Tickets opened in the period that came in by this channel.
    pub received: i64,
    /// Its share of all tickets received, in percent (one decimal); null when none were received.
    pub share_pct: Option<f64>,
    /// Response clocks of this channel's tickets settled in the period (see `sla.response`).
    pub responses_counted: i64,
    /// Of those, met on time (an e-mail: answered within the first working day).
    pub responses_met: i64,
    pub response_met_pct: Option<f64>,
}

/// Tickets in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportTickets {
    /// Opened in the period.
    pub received: i64,
    /// Closed in the period.
    pub closed: i64,
    /// Of the closed, those closed without the customer's answer (no acceptance) after the
    /// configured working days.
    pub closed_without_answer: i64,
    /// Cancelled in the period (opened by mistake: a duplicate, withdrawn by the customer); not
    /// among the closed.
    pub cancelled: i64,
    /// Of the closed, those resolved at first contact: on the hotline tier, without a callback,
    /// never refused by the customer.
    pub first_contact_resolved: i64,
    /// first_contact_resolved / closed, in percent (one decimal); null when none closed.
    pub first_contact_rate_pct: Option<f64>,
}

/// One SLA clock in the period. A clock counts in the period its outcome was settled in: the
/// moment it was met, when met on time; its due time, when missed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportClock {
    pub counted: i64,
    /// Met at or before the due time.
    pub met: i64,
    /// Not met by the due time (breaches).
    pub missed: i64,
    /// Of the missed, those still not met.
    pub still_open: i64,
    /// met / counted, in percent (one decimal); null when nothing counted.
    pub met_pct: Option<f64>,
    /// Minutes (wall-clock) from the clock's start to the moment it was met, over the counted
    /// clocks that were met: the median and the 90th percentile (linear interpolation); null
    /// when none. The callback clock has no start on record and no durations.
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<f64>,
}

/// The SLA clocks: response (from opening), on-site departure and arrival (from reaching the
/// on-site tier), resolution (from opening) and the promised callback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportSla {
    pub response: ReportClock,
    /// A technician en route by the departure due time (from reaching the on-site tier).
    pub departure: ReportClock,
    pub arrival: ReportClock,
    pub resolution: ReportClock,
    pub callback: ReportClock,
    /// Missed clocks of every kind.
    pub breaches: i64,
    /// Tickets with at least one missed clock.
    pub breached_tickets: i64,
}

/// Escalations up the service ladder in the period, by the tier reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportEscalations {
    pub tier: LadderTier,
    pub count: i64,
    /// Of those, escalations that skipped a tier.
    pub skipped_tier: i64,
    /// Of those, climbs the service made on its own when a tier's time limit passed.
    pub automatic: i64,
}

/// A major fault open during the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportMajorFault {
    pub ticket_id: TicketId,
    pub ticket_number: String,
    pub customer_name: String,
    pub location: String,
    pub occurred_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// Major faults: declared and ended in the period, open at its end, and each that was open
/// during it (oldest first, at most 100).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportMajorFaults {
    pub declared: i64,
    pub ended: i64,
    pub open_at_end: i64,
    pub faults: Vec<ReportMajorFault>,
}

/// Revisits whose outcome was recorded in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRevisits {
    pub done: i64,
    /// Customers reached.
    pub reached: i64,
    /// Unsatisfied outcomes that opened a ticket.
    pub tickets_opened: i64,
}

/// Quotes for paid work made in the period, and customers' answers recorded in it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportQuotes {
    pub made: i64,
    pub approved: i64,
    pub declined: i64,
}

/// Satisfaction scores (1 to 5) given in the period, from one source or all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportSatisfaction {
    /// `all`, or the source: `revisit` (scores told on a revisit's call) or `link` (the
    /// customer's answer through the survey link in the closing e-mail).
    pub source: String,
    pub responses: i64,
    /// The mean score (two decimals); null without responses.
    pub average_score: Option<f64>,
    /// Scores of 4 or 5, in percent of the responses (one decimal).
    pub satisfied_pct: Option<f64>,
    /// Scores of 2 or less.
    pub dissatisfied: i64,
}

/// One technician's visits finished in the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportTechnician {
    pub user_id: UserId,
    pub display_name: String,
    pub visits_completed: i64,
    /// Failed, or needing another visit.
    pub visits_failed: i64,
    /// Visits checked in on site by the end of the agreed window.
    pub checked_in_on_time: i64,
    /// The median of the time spent on site, as recorded at completion.
    pub median_minutes_on_site: Option<f64>,
}

/// One agent's figures: the tickets they own (first responder, after any handoff) and the
/// revisits they recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportAgent {
    pub user_id: UserId,
    pub display_name: String,
    pub received: i64,
    pub closed: i64,
    pub first_contact_resolved: i64,
    /// Their tickets' response clocks counted in the period, and met of those.
    pub responses_counted: i64,
    pub responses_met: i64,
    pub revisits_done: i64,
}

/// The weekly service summary, the monthly service supervision report, or the same figures for
/// a chosen period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceReport {
    pub kind: ReportKind,
    /// `2026-W47`, `2026-11`, or `2026-11-01..2026-11-30`.
    pub period: String,
    /// The first and the last day, in the business calendar's zone.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub time_zone: String,
    /// The account manager whose customers the figures cover; null: every customer.
    pub account_manager_id: Option<UserId>,
    pub generated_at: DateTime<Utc>,
    pub tickets: ReportTickets,
    /// Intake by channel: every channel, in the order of `Channel`, those without tickets too.
    #[serde(default)]
    pub intake: Vec<ReportIntake>,
    pub by_channel: Vec<ReportGroup>,
    /// By request kind: enquiry, fault, complaint, suggestion.
    pub by_kind: Vec<ReportGroup>,
    pub by_customer_tier: Vec<ReportGroup>,
    pub by_region: Vec<ReportGroup>,
    pub sla: ReportSla,
    pub escalations: Vec<ReportEscalations>,
    pub major_faults: ReportMajorFaults,
    pub revisits: ReportRevisits,
    /// Quotes made, approved and declined (seed 003: the charge told beforehand).
    #[serde(default)]
    pub quotes: ReportQuotes,
    /// Every source together first, then each source.
    pub satisfaction: Vec<ReportSatisfaction>,
    pub technicians: Vec<ReportTechnician>,
    pub agents: Vec<ReportAgent>,
    /// Complaints by level, subject and outcome, and level limits met.
    #[serde(default)]
    pub complaints: crate::complaints::ReportComplaints,
    /// Chases of stalled work (督办): made, answered, overdue, by agent and team.
    #[serde(default)]
    pub chases: crate::supervision::ReportChases,
    /// Quality review: reviews scored, their average, disputes (left at zero in a report of one
    /// account manager's customers: it is about the staff, not the customers).
    #[serde(default)]
    pub quality: crate::quality::ReportQuality,
}
