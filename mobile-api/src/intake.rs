//! E-mail in: the messages read from the service's mailboxes, the intake queue of messages from
//! unknown senders, the files that came with a ticket, and a staff reply to the customer.

use crate::ids::*;
use crate::types::{Priority, RequestKind, Tier};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

wire_enum!(
    /// What became of a message read from a mailbox: it opened a ticket (`ticket`), joined a
    /// ticket's timeline (`reply`), waits in the intake queue (`intake`), was automatic mail
    /// (`ignored`), or was taken out of the queue by an agent (`discarded`).
    InboundOutcome {
        Ticket => "ticket",
        Reply => "reply",
        Intake => "intake",
        Ignored => "ignored",
        Discarded => "discarded",
    }
);

/// An attachment part not kept (over the configured size or count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedPart {
    pub filename: String,
    pub size_bytes: i64,
    /// `too_large` or `too_many`.
    pub reason: String,
}

/// A file that came with a ticket (its bytes are downloaded separately).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketAttachment {
    pub id: TicketAttachmentId,
    pub ticket_id: Option<TicketId>,
    pub inbound_message_id: Option<InboundMessageId>,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
}

/// A message read from a mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboundMessage {
    pub id: InboundMessageId,
    pub message_id: String,
    /// The configured mailbox it was read from.
    pub mailbox: String,
    pub from_address: String,
    pub from_name: Option<String>,
    pub subject: String,
    /// When the mail server received it (IMAP INTERNALDATE): the e-mail clock starts here.
    pub received_at: DateTime<Utc>,
    /// The sender's `Date` header.
    pub sent_at: Option<DateTime<Utc>>,
    pub outcome: InboundOutcome,
    /// Why it was ignored or discarded.
    pub reason: Option<String>,
    pub ticket_id: Option<TicketId>,
    pub customer_id: Option<CustomerId>,
    pub contact_id: Option<ContactId>,
    /// The first 200 characters of the text.
    pub excerpt: String,
    /// The whole text (only when one message is read).
    pub text: Option<String>,
    pub raw_size: i64,
    pub attachments: Vec<TicketAttachment>,
    pub refused: Vec<RefusedPart>,
    pub handled_by: Option<UserId>,
    pub handled_at: Option<DateTime<Utc>>,
}

/// A customer made while converting an intake message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IntakeNewCustomer {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub name: String,
    pub tier: Tier,
}

/// Turns an intake message into a ticket: for an existing customer (`customer_id`) or a new one
/// (`new_customer`); the sender becomes the ticket's contact (`contact_id`, or a new contact of
/// that customer with the sender's address when `add_contact`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConvertIntake {
    #[serde(default)]
    pub customer_id: Option<CustomerId>,
    #[serde(default)]
    pub new_customer: Option<IntakeNewCustomer>,
    #[serde(default)]
    pub contact_id: Option<ContactId>,
    /// Adds the sender as a contact of the customer (so their next e-mail opens a ticket).
    #[serde(default)]
    pub add_contact: bool,
    /// Default `fault`.
    #[serde(default)]
    pub kind: Option<RequestKind>,
    /// Default `p3`.
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Default: the message's subject.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 200))]
    pub title: Option<String>,
}

/// Takes a message out of the intake queue without a ticket.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DiscardIntake {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 2000))]
    pub reason: String,
}

/// A staff reply to the ticket's contact, by e-mail.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTicketReply {
    #[cfg_attr(feature = "openapi", schema(format = "text", max_length = 20000))]
    pub text: String,
}

/// The reply as written to the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketReply {
    pub outbox_id: OutboxMessageId,
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
}
