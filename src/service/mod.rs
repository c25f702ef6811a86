//! The services: one public function per business action (register a ticket, escalate it,
//! assign a visit, send a fault report, record a revisit's outcome, ...).
//!
//! Each action opens its transaction (`db::write`), asks the policy (`crate::policy`) whether the
//! caller may take it on the object in hand, applies the rule of `domain/`, calls the queries of
//! `db/`, and writes in the same transaction what the change causes: the audit event, the
//! ticket's timeline, notifications and outbox messages. Handlers and jobs call services; nothing
//! else calls a query that writes (the data generators of `demo` aside, which write in bulk on
//! purpose).

pub mod acceptance;
pub mod audit;
pub mod complaint_limits;
pub mod complaint_scan;
pub mod complaints;
pub mod customers;
pub mod day_plan_solving;
pub mod day_plans;
pub mod equipment_checks;
pub mod fault_reports;
pub mod handovers;
pub mod imports;
pub mod inspection_generation;
pub mod inspections;
pub mod jobs;
pub mod knowledge;
pub mod knowledge_search;
pub mod mail_intake;
pub mod major_faults;
pub mod notices;
pub mod notifications;
pub mod org;
pub mod outbox;
pub mod phone;
pub mod portal;
pub mod portal_actions;
pub mod portal_files;
pub mod portal_tickets;
pub mod privacy;
pub mod privacy_mail;
pub mod quality;
pub mod quality_report;
pub mod quotes;
pub mod regions;
pub mod reports;
pub mod revisit_generation;
pub mod revisits;
pub mod roster;
pub mod roster_swaps;
pub mod sessions;
pub mod sites;
pub mod sla;
pub mod sla_scan;
pub mod supervision;
pub mod surveys;
pub mod technicians;
pub mod ticket_clocks;
pub mod ticket_mail;
pub mod tickets;
pub mod tickets_changes;
pub mod tickets_registration;
pub mod tickets_requests;
pub mod users;
pub mod visit_changes;
pub mod visit_photos;
pub mod visit_steps;
pub mod visits;
pub mod warranty_terms;

use crate::db::audit::Actor;
use crate::policy::Caller;
use chrono::{DateTime, Utc};

/// A user's request as a service takes it: who asks, and when.
#[derive(Debug, Clone, Copy)]
pub struct Who {
    pub caller: Caller,
    pub at: DateTime<Utc>,
}

impl Who {
    /// The audit trail's actor of a change this request makes.
    pub fn actor(&self) -> Actor {
        Actor::user(self.caller.id, self.at)
    }
}
