//! What a customer's contact may do through the customer portal, on which object: only the
//! records of the contact's own customer. An object of another customer is "not found" to
//! them, as if it did not exist (the staff's object-level rule, for the customer's side).
//!
//! A contact is no user and has no role: the portal's acts are not in the role matrix
//! (`docs/permissions.md`); this file is their one place. Whether the object is in a state that
//! awaits the act (a resolved ticket for an acceptance, a proposed quote for an answer) is the
//! service's and the domain's to judge, after this check.

use crate::error::AppError;
use fieldline_mobile_api::Role;

/// A customer's contact signed in to the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contact {
    pub id: i64,
    pub customer_id: i64,
}

/// What a contact does in the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Read the customer's tickets, one ticket with its customer-visible timeline.
    ReadTickets,
    /// Make a new request (a ticket on the web channel).
    Request,
    /// Add a file to a ticket (a photo of the fault, a log, a document).
    Attach,
    /// Authorize remote work on a ticket.
    AuthorizeRemote,
    /// Approve or decline a quote.
    AnswerQuote,
    /// Accept or reject the result of a ticket.
    Accept,
    /// Answer a closed ticket's satisfaction survey.
    AnswerSurvey,
    /// Read the customer's visits.
    ReadVisits,
    /// Read the customer's sites and assets (to choose them in a request).
    ReadSites,
}

impl Act {
    pub const ALL: &'static [Act] = &[
        Act::ReadTickets,
        Act::Request,
        Act::Attach,
        Act::AuthorizeRemote,
        Act::AnswerQuote,
        Act::Accept,
        Act::AnswerSurvey,
        Act::ReadVisits,
        Act::ReadSites,
    ];
}

/// Who owns portal requests when no intake owner is configured: the hotline's agents.
pub const INTAKE_ROLE: Role = Role::Agent;

/// Whether the contact may take the act on an object of `customer` (None: an object that
/// belongs to no customer, or does not exist).
pub fn allows(contact: &Contact, _act: Act, customer: Option<i64>) -> bool {
    customer == Some(contact.customer_id)
}

/// Checks the act on an object of `customer`; another customer's object (or none) answers
/// `not_found`, so a contact learns nothing of other customers' records.
pub fn check(
    contact: &Contact,
    act: Act,
    customer: Option<i64>,
    not_found: impl FnOnce() -> AppError,
) -> Result<(), AppError> {
    if allows(contact, act, customer) {
        Ok(())
    } else {
        Err(not_found())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_acts_only_on_its_own_customers_records() {
        let me = Contact { id: 5, customer_id: 1 };
        for act in Act::ALL {
            assert!(allows(&me, *act, Some(1)), "{act:?}");
            assert!(!allows(&me, *act, Some(2)), "{act:?}");
            assert!(!allows(&me, *act, None), "{act:?}");
            let err = check(&me, *act, Some(2), || AppError::not_found("ticket", 9)).unwrap_err();
            assert!(matches!(err, AppError::NotFound(_)), "{act:?}: {err:?}");
        }
    }
}
