//! Personal data of a customer's contact: what is held about them, and its erasure.

use crate::ids::*;
use crate::intake::{InboundOutcome, TicketAttachment};
use crate::types::{Contact, MailKind, OutboxStatus, SurveySource, TicketStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Everything the service holds about one contact of a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalDataExport {
    pub generated_at: DateTime<Utc>,
    pub contact: Contact,
    /// The contact was erased: what is left holds no personal data.
    pub erased: bool,
    /// Tickets they are the contact of, with the contact fields copied onto them.
    pub tickets: Vec<PersonalTicket>,
    /// Their answers to the satisfaction survey of those tickets.
    pub surveys: Vec<PersonalSurvey>,
    /// Survey links sent to them.
    pub survey_links: Vec<PersonalSurveyLink>,
    /// E-mails addressed to them (or about their tickets), with their text.
    pub emails: Vec<PersonalEmail>,
    /// E-mails received from them (or on their tickets), with their text and the names of
    /// their attachments.
    pub inbound_emails: Vec<PersonalInboundEmail>,
    /// Files they added to tickets through the customer portal.
    pub uploads: Vec<TicketAttachment>,
    /// The customer portal's sign-in links sent to them, and the sessions they opened.
    pub portal_links: Vec<PersonalPortalLink>,
    /// Other records whose text names them (by name, phone number or e-mail address): the
    /// timeline, acceptances, visits, fault reports, notifications, the audit trail, ...
    pub mentions: Vec<PersonalMention>,
}

/// A ticket of the contact, with what was copied from them at registration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalTicket {
    pub id: TicketId,
    pub number: String,
    pub status: TicketStatus,
    pub title: String,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
}

/// A survey answer on one of the contact's tickets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalSurvey {
    pub id: SurveyId,
    pub ticket_id: TicketId,
    pub score: i32,
    pub comment: Option<String>,
    pub source: SurveySource,
    pub answered_at: DateTime<Utc>,
}

/// A survey link sent to the contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalSurveyLink {
    pub id: i64,
    pub ticket_id: TicketId,
    pub recipient: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// An e-mail to the contact or about one of their tickets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalEmail {
    pub id: OutboxMessageId,
    pub kind: MailKind,
    pub ticket_id: Option<TicketId>,
    pub recipients: Vec<String>,
    pub subject: String,
    pub body_text: String,
    pub status: OutboxStatus,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// An e-mail received from the contact or on one of their tickets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalInboundEmail {
    pub id: InboundMessageId,
    pub ticket_id: Option<TicketId>,
    pub from_address: String,
    pub from_name: Option<String>,
    pub subject: String,
    pub body_text: String,
    /// When the mail server received it.
    pub received_at: DateTime<Utc>,
    pub outcome: InboundOutcome,
    /// The names of the files that came with it.
    pub attachments: Vec<String>,
}

/// A sign-in link of the customer portal sent to the contact, and the session it opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalPortalLink {
    pub id: i64,
    /// The address it was sent to.
    pub email: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// When it was used to sign in.
    pub used_at: Option<DateTime<Utc>>,
    /// Until when the session it opened lasts, and when it was signed out.
    pub session_expires_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// A stored text that names the contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalMention {
    /// The kind of record (its table), e.g. `audit_events`, `ticket_events`, `acceptances`.
    pub record: String,
    pub id: i64,
    /// The field holding the text.
    pub field: String,
    pub text: String,
}

/// An admin's request to erase a contact's personal data.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactErasure {
    /// Why (the request it answers); kept in the audit trail, without the contact's data.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000))]
    #[cfg_attr(feature = "openapi", schema(format = "multiline", max_length = 1000))]
    pub reason: String,
}

/// What an erasure (or the retention of closed tickets) replaced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErasureCounts {
    /// Tickets whose contact fields were cleared.
    pub tickets: i64,
    /// Survey answers whose comment was removed.
    pub surveys: i64,
    /// Survey links whose recipient was replaced.
    pub survey_links: i64,
    /// E-mails whose address and text were replaced.
    pub emails: i64,
    /// Of those, e-mails still waiting to be sent, cancelled.
    pub emails_cancelled: i64,
    /// E-mails received from them whose sender, subject and text were cleared.
    pub inbound_emails: i64,
    /// Files from them (their e-mails' attachments, their portal uploads) whose name and
    /// content were cleared.
    pub attachments: i64,
    /// The customer portal's sign-in links (and sessions) deleted.
    pub portal_links: i64,
    /// Audit events whose payload named the contact.
    pub audit_events: i64,
    /// Other records whose text named the contact.
    pub other_records: i64,
}

/// The result of an erasure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErasureReceipt {
    pub contact_id: ContactId,
    pub erased_at: DateTime<Utc>,
    pub counts: ErasureCounts,
}
