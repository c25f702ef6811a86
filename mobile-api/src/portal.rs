//! The customer portal: what a customer's contact sends and reads once signed in with a
//! one-time link. Only the customer's own records, and only what is meant for the customer
//! (no internal notes, no staff-only events, no staff ids).

use crate::ids::*;
use crate::types::{LadderTier, Language, QuoteItem, QuoteStatus, RequestKind, TicketStatus, VisitStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Asks for a sign-in link to be e-mailed to this address. Always answered 202, whether the
/// address is a contact's or not.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalSignIn {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 254))]
    pub email: String,
}

/// Exchanges the token of a sign-in link (once) for a portal session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalSessionRequest {
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub token: String,
}

/// The signed-in contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalContact {
    pub id: ContactId,
    pub name: String,
    pub email: Option<String>,
    pub language: Language,
    pub customer_id: CustomerId,
    pub customer_name: String,
    /// The business calendar's zone, in which the pages show times.
    pub time_zone: String,
}

/// A portal session: a bearer token for `Authorization: Bearer ...` on the portal's API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalSession {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the session ends.
    pub expires_in: i64,
    pub contact: PortalContact,
}

wire_enum!(
    /// What a ticket waits for from the customer: `remote_authorization` (remote work needs
    /// their authorization), `quote_answer` (a quote waits for approval or decline),
    /// `acceptance` (the result waits for acceptance or rejection), `survey` (the satisfaction
    /// survey of the closed ticket is not answered yet).
    PortalAwaiting {
        RemoteAuthorization => "remote_authorization",
        QuoteAnswer => "quote_answer",
        Acceptance => "acceptance",
        Survey => "survey",
    }
);

/// A ticket as the customer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalTicket {
    pub id: TicketId,
    pub number: String,
    pub title: String,
    pub status: TicketStatus,
    pub kind: RequestKind,
    pub ladder_tier: LadderTier,
    pub site_id: Option<SiteId>,
    pub site_name: Option<String>,
    pub asset_id: Option<AssetId>,
    pub product_model: Option<String>,
    pub serial_number: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub remote_authorized: bool,
    /// What the ticket waits for from the customer now.
    pub awaiting: Vec<PortalAwaiting>,
}

/// One entry of a ticket's customer-visible timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalEvent {
    pub at: DateTime<Utc>,
    /// `registered`, `started`, `waiting`, `resumed`, `escalated` (`to` the tier), `authorization`,
    /// `onsite_requested`, `visit_created`, `visit_assigned`, `visit_rescheduled`,
    /// `visit_cancelled`, `visit_en_route`, `visit_checked_in`, `visit_completed`,
    /// `visit_failed`, `quote_made`, `quote_approved`, `quote_declined`, `arrived`, `resolved`,
    /// `accepted`, `reopened`, `cancelled`, `closed_without_answer`, `customer_contact`,
    /// `survey_answered`, `file_added`.
    pub kind: String,
    /// Who: a staff member's display name, the contact's name; null for the service team.
    pub by: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The customer's own words (their comment, their reason), where the entry has them; the
    /// file's name for `file_added`.
    pub note: Option<String>,
    /// A visit's window, for the visit entries.
    pub window_start: Option<DateTime<Utc>>,
    pub window_end: Option<DateTime<Utc>>,
}

/// A quote as the customer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalQuote {
    pub id: QuoteId,
    pub ticket_id: TicketId,
    pub visit_id: VisitId,
    pub status: QuoteStatus,
    pub items: Vec<QuoteItem>,
    pub amount: f64,
    pub currency: String,
    pub made_at: DateTime<Utc>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub decline_reason: Option<String>,
    /// Whether the customer may answer it now.
    pub awaiting_answer: bool,
}

/// A visit as the customer sees it: when, where and who.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalVisit {
    pub id: VisitId,
    pub ticket_id: Option<TicketId>,
    pub ticket_number: Option<String>,
    pub site_id: Option<SiteId>,
    pub site_name: Option<String>,
    pub status: VisitStatus,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    /// The technician's display name; null while nobody is assigned.
    pub technician_name: Option<String>,
}

/// One ticket with its timeline, quotes and visits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalTicketDetail {
    pub ticket: PortalTicket,
    pub description: String,
    pub timeline: Vec<PortalEvent>,
    pub quotes: Vec<PortalQuote>,
    pub visits: Vec<PortalVisit>,
    /// The score given, once the survey was answered.
    pub survey_score: Option<i32>,
}

/// An asset at one of the customer's sites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalAsset {
    pub id: AssetId,
    pub model: String,
    pub serial_number: String,
}

/// One of the customer's sites, with its assets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalSite {
    pub id: SiteId,
    pub name: String,
    pub address: String,
    pub assets: Vec<PortalAsset>,
}

/// A new request from the portal: a ticket on the web channel for the contact's customer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPortalRequest {
    /// One of the customer's sites.
    #[serde(default)]
    pub site_id: Option<SiteId>,
    /// One of the customer's assets (at the site, when both are given).
    #[serde(default)]
    pub asset_id: Option<AssetId>,
    /// `fault` when not given.
    #[serde(default)]
    pub kind: Option<RequestKind>,
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 10000))]
    pub description: String,
}

/// The contact authorizes remote work on the ticket.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalAuthorization {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 2000))]
    pub note: Option<String>,
}

/// The contact approves (no reason) or declines (with a reason) a quote.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalQuoteAnswer {
    pub approve: bool,
    /// Required to decline.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 2000))]
    pub reason: Option<String>,
}

/// The contact accepts the result (closing the ticket) or rejects it (reopening it; a
/// comment says what is still wrong).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalAcceptance {
    pub satisfied: bool,
    /// Required to reject.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "multiline-or-blank", max_length = 2000))]
    pub comment: Option<String>,
}
