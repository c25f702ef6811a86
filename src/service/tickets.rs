//! Changing and reading tickets: the change kinds, the check of who may make one on the ticket
//! in hand, the transaction every change runs in (the ticket saved with its audit record), and
//! the reads with who may see what. The endpoints' actions with their validation are in
//! `tickets_requests`; each change kind's work in `tickets_changes`.

use super::tickets_changes::{self as changes, Authorization, Ctx, Fields};
use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::dispatch::visits;
use crate::db::tickets::lists::{self, TicketFilter, TicketSort, Total};
use crate::db::tickets::{self as store, events, lookups, onsite, records, TicketRow};
use crate::db::{sla as sla_policy, write, DbConn, Paging};
use crate::error::{AppError, AppResult};
use crate::policy::fault_reports::Act as FaultAct;
use crate::policy::tickets::{self as policy, Act};
use crate::policy::{self as policies, Action, Caller, Facts};
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{
    AuthorizationMethod, Channel, LadderTier, OnsiteRequest, OnsiteRequestStatus, Page, Priority, RemoteAuthorization,
    RequestKind, Role, Ticket, TicketEvent, UserId,
};
use serde_json::Value;

/// Something done to a ticket, after its fields passed validation.
#[derive(Debug, Clone)]
pub enum Change {
    /// A step on the ladder; `window` is the agreed visit window when escalating to on-site.
    Ladder {
        action: LadderAction,
        reason: Option<String>,
        window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    },
    Accept {
        accepted_by: String,
        satisfied: bool,
        comment: Option<String>,
    },
    Handoff {
        to: i64,
        reason: String,
    },
    /// Ends a ticket opened by mistake (a duplicate, withdrawn by the customer).
    Cancel {
        reason: String,
    },
    /// The customer called or wrote again about it.
    CustomerContact {
        channel: Channel,
        note: String,
    },
    Assign {
        to: Option<i64>,
        reason: Option<String>,
    },
    Authorize {
        by: String,
        method: AuthorizationMethod,
        at: DateTime<Utc>,
        note: Option<String>,
    },
    RequestCallback {
        reason: Option<String>,
    },
    CallbackDone {
        reason: Option<String>,
    },
    Arrived {
        at: DateTime<Utc>,
    },
    /// The first technician set off (from a visit going en route).
    Departed {
        at: DateTime<Utc>,
    },
    /// A new request kind, with the reason.
    Kind {
        kind: RequestKind,
        reason: String,
        /// What the complaint is about, when the ticket becomes one.
        complaint_subject: Option<fieldline_mobile_api::ComplaintSubjectRef>,
    },
    /// Marks the ticket a major fault; `details` go into the timeline entry.
    MajorFault {
        reason: Option<String>,
        details: Option<Value>,
    },
    /// The ticket's response given outside the ladder (a staff reply to the customer); nothing
    /// when it has one.
    Respond,
    Update {
        priority: Option<Priority>,
        site_id: Option<i64>,
        title: Option<String>,
        description: Option<String>,
        reason: Option<String>,
    },
}

/// The ticket a step names: its id and, when the caller sent `If-Match`, the version they last
/// read (an older one gets 412 with the ticket as it is now; without it the step is taken on
/// whatever version is current).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub id: i64,
    pub if_match: Option<i32>,
}

impl From<i64> for Target {
    fn from(id: i64) -> Self {
        Target { id, if_match: None }
    }
}

/// The ladder steps, owned (the domain's `Action` borrows its reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LadderAction {
    Start,
    Wait,
    Resume,
    Escalate(LadderTier),
    Resolve,
}

impl Change {
    /// The policy's action of this change.
    pub fn action(&self) -> Action {
        let act = match self {
            Change::Ladder { action, .. } => match action {
                LadderAction::Start => Act::Start,
                LadderAction::Wait => Act::Wait,
                LadderAction::Resume => Act::Resume,
                LadderAction::Escalate(_) => Act::Escalate,
                LadderAction::Resolve => Act::Resolve,
            },
            Change::Accept { .. } => Act::Accept,
            Change::Cancel { .. } => Act::Cancel,
            Change::CustomerContact { .. } => Act::RecordContact,
            Change::Handoff { .. } => Act::Handoff,
            Change::Assign { .. } => Act::Assign,
            Change::Authorize { .. } => Act::Authorize,
            Change::RequestCallback { .. } => Act::RequestCallback,
            Change::CallbackDone { .. } => Act::CallbackDone,
            Change::Arrived { .. } | Change::Departed { .. } => Act::Arrival,
            Change::Kind { .. } => Act::ChangeKind,
            Change::MajorFault { .. } => return Action::FaultReports(FaultAct::DeclareMajorFault),
            Change::Update { .. } => Act::Update,
            Change::Respond => Act::Reply,
        };
        Action::Tickets(act)
    }

    /// The audit record's action.
    fn name(&self) -> &'static str {
        match self {
            Change::Ladder { action, .. } => match action {
                LadderAction::Start => "start",
                LadderAction::Wait => "wait_on_customer",
                LadderAction::Resume => "resume",
                LadderAction::Escalate(_) => "escalate",
                LadderAction::Resolve => "resolve",
            },
            Change::Accept { .. } => "accept",
            Change::Cancel { .. } => "cancel",
            Change::CustomerContact { .. } => "customer_contact",
            Change::Handoff { .. } => "handoff",
            Change::Assign { .. } => "assign",
            Change::Authorize { .. } => "authorize_remote",
            Change::RequestCallback { .. } => "request_callback",
            Change::CallbackDone { .. } => "callback_done",
            Change::Arrived { .. } => "arrived",
            Change::Departed { .. } => "departed",
            Change::Kind { .. } => "change_kind",
            Change::MajorFault { .. } => "major_fault",
            Change::Update { .. } => "update",
            Change::Respond => "respond",
        }
    }
}

/// Applies a change: checks who may, asks the ladder, moves the clocks, writes the ticket, its
/// timeline entries, notifications and the audit record, all in one transaction.
pub fn act(
    c: &mut DbConn,
    actor: &Actor,
    role: Role,
    target: Target,
    change: Change,
    step_interval: Duration,
) -> AppResult<Ticket> {
    write(c, |c| change_in_tx(c, actor, Some(role), target, change, step_interval))
}

/// `act` inside the caller's transaction. With `role` None the permission was checked by the
/// caller (a visit's check-in records the ticket's arrival for the visit's technician).
pub fn change_in_tx(
    c: &mut DbConn,
    actor: &Actor,
    role: Option<Role>,
    target: impl Into<Target>,
    change: Change,
    step_interval: Duration,
) -> AppResult<Ticket> {
    let Target { id, if_match } = target.into();
    let before = store::get(c, id)?;
    let user = match (actor.id, actor.contact) {
        (Some(u), _) => u.0,
        // A contact's own act through the portal (`role` None: the portal checked it): the
        // records that name the staff member who took the customer's word name the owner.
        (None, Some(_)) => before.owner_id,
        (None, None) => return Err(AppError::internal("a change needs a user")),
    };
    if let Some(role) = role {
        let caller = Caller::new(UserId(user), role);
        let facts = facts_for(c, &caller, id, before.owner_id, before.assignee_id)?;
        policy::check_change(&caller, change.action(), &facts, || AppError::not_found("ticket", id))?;
    }
    if if_match.is_some_and(|v| v != before.version) {
        return Err(AppError::PreconditionFailed {
            current: serde_json::to_value(before.to_wire()?).map_err(AppError::internal)?,
        });
    }
    let status = before.status()?;
    if !status.is_open() {
        return Err(AppError::InvalidTransition(format!(
            "ticket {} is {status}",
            before.number
        )));
    }
    if super::complaints::is_complaint(&before.kind) {
        refuse_on_complaint(&before.number, &change)?;
    }
    let cal = sla_policy::calendar(c)?;
    let mut row = before.clone();
    let x = Ctx {
        actor,
        user,
        id,
        before: &before,
        status,
        cal: &cal,
        step_interval,
    };
    if !apply(c, &x, &mut row, &change)? {
        return before.to_wire();
    }
    store::save(c, &before, &mut row, actor.at)?;
    let out = row.to_wire()?;
    audit::record(
        c,
        actor,
        "ticket",
        id,
        change.name(),
        snapshot(&before.to_wire()?),
        snapshot(&out),
    )?;
    Ok(out)
}

/// A complaint climbs its own ladder (complaint, escalated, appeal) and ends by the customer's
/// answer to a stated resolution: the service ladder's escalation, resolution and acceptance are
/// refused on it.
fn refuse_on_complaint(number: &str, change: &Change) -> AppResult<()> {
    let what = match change {
        Change::Ladder {
            action: LadderAction::Escalate(_),
            ..
        } => "escalated on the service ladder: it climbs its own ladder (complaint, escalated, appeal)",
        Change::Ladder {
            action: LadderAction::Resolve,
            ..
        } => "resolved on the service ladder: state the resolution on its complaint ladder",
        Change::Accept { .. } => "accepted on the service ladder: record the customer's answer on its complaint ladder",
        _ => return Ok(()),
    };
    Err(AppError::InvalidTransition(format!(
        "complaint {number} cannot be {what}"
    )))
}

/// The change's own work on the row; false when it changed nothing (an update giving the
/// values the ticket has), which then writes nothing.
fn apply(c: &mut DbConn, x: &Ctx, row: &mut TicketRow, change: &Change) -> AppResult<bool> {
    match change {
        Change::Ladder { action, reason, window } => {
            changes::ladder_step(c, x, row, *action, reason.as_deref(), *window)?
        }
        Change::Accept {
            accepted_by,
            satisfied,
            comment,
        } => changes::accept(c, x, row, accepted_by, *satisfied, comment.as_deref())?,
        Change::Handoff { to, reason } => changes::handoff(c, x, row, *to, reason)?,
        Change::Cancel { reason } => changes::cancel(c, x, row, reason)?,
        Change::CustomerContact { channel, note } => changes::customer_contact(c, x, row, *channel, note)?,
        Change::Assign { to, reason } => changes::assign(c, x, row, *to, reason.as_deref())?,
        Change::Authorize { by, method, at, note } => {
            let a = Authorization {
                by,
                method: *method,
                at: *at,
                note: note.as_deref(),
            };
            changes::authorize(c, x, row, a)?
        }
        Change::RequestCallback { reason } => changes::request_callback(c, x, row, reason.as_deref())?,
        Change::CallbackDone { reason } => changes::callback_done(c, x, row, reason.as_deref())?,
        Change::Arrived { at } => changes::arrived(c, x, row, *at)?,
        Change::Departed { at } => changes::departed(c, x, row, *at)?,
        Change::Kind {
            kind,
            reason,
            complaint_subject,
        } => return changes::change_kind(c, x, row, *kind, reason, *complaint_subject),
        Change::MajorFault { reason, details } => changes::major_fault(c, x, row, reason.as_deref(), details.clone())?,
        Change::Respond => {
            if !changes::respond(row, x.actor.at) {
                return Ok(false);
            }
            changes::recompute_dues(row, x.cal, x.step_interval)?;
        }
        Change::Update {
            priority,
            site_id,
            title,
            description,
            reason,
        } => {
            let f = Fields {
                priority: *priority,
                site_id: *site_id,
                title: title.as_deref(),
                description: description.as_deref(),
                reason: reason.as_deref(),
            };
            return changes::update(c, x, row, f);
        }
    }
    Ok(true)
}

// ---------------------------------------------------------------- reading

/// The ticket's facts for the caller's policy check; a technician neither owning nor assigned
/// it has their open visits on it looked up (a visit lets them read it).
pub(super) fn facts_for(
    c: &mut DbConn,
    caller: &Caller,
    id: i64,
    owner: i64,
    assignee: Option<i64>,
) -> AppResult<Facts> {
    let mut facts = policy::facts(owner, assignee);
    if policy::needs_visit_lookup(caller, &facts) && visits::holds_ticket_visit(c, caller.id.0, id)? {
        facts.visit_holder = Some(caller.id.0);
    }
    Ok(facts)
}

/// Checks that the caller may see the ticket: a technician only their own or assigned ones, or
/// one they hold an open visit on (others are not found).
pub fn visible(c: &mut DbConn, caller: &Caller, t: &Ticket) -> AppResult<()> {
    let facts = facts_for(c, caller, t.id.0, t.owner_id.0, t.assignee_id.map(|u| u.0))?;
    policy::check_read(caller, &facts, || AppError::not_found("ticket", t.id))
}

/// Lists tickets. A technician sees only the tickets assigned to them.
pub fn list(
    c: &mut DbConn,
    who: &Who,
    mut filter: TicketFilter,
    sort: TicketSort,
    paging: Paging,
    count: Total,
) -> AppResult<Page<Ticket>> {
    if let Some(me) = policy::list_scope(&who.caller)? {
        filter.assignee_id = Some(me);
    }
    let mut page = lists::list(c, &filter, sort, paging, count)?;
    lookups::fill_names(c, &mut page.items)?;
    Ok(page)
}

/// The ticket with the names of its customer, site, owner and assignee filled in.
pub fn named(c: &mut DbConn, mut t: Ticket) -> AppResult<Ticket> {
    lookups::fill_names_of_one(c, &mut t)?;
    Ok(t)
}

/// The tickets with their names filled in: one lookup per kind of record for the whole batch.
pub fn named_all(c: &mut DbConn, mut ts: Vec<Ticket>) -> AppResult<Vec<Ticket>> {
    lookups::fill_names(c, &mut ts)?;
    Ok(ts)
}

/// One ticket, with its names.
pub fn get(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Ticket> {
    let out = read(c, who, id)?;
    named(c, out)
}

/// One ticket the caller may see.
fn read(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Ticket> {
    let out = store::get(c, id)?.to_wire()?;
    visible(c, &who.caller, &out)?;
    Ok(out)
}

/// Every event of the ticket, oldest first.
pub fn timeline(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Vec<TicketEvent>> {
    read(c, who, id)?;
    events::timeline(c, id)
}

/// The customer's authorizations for remote access.
pub fn authorizations(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Vec<RemoteAuthorization>> {
    read(c, who, id)?;
    records::authorizations(c, id)
}

/// On-site registrations, flagged ones first, then by window.
pub fn onsite_requests(
    c: &mut DbConn,
    who: &Who,
    status: Option<OnsiteRequestStatus>,
    ticket_id: Option<i64>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> AppResult<Page<OnsiteRequest>> {
    policies::require(&who.caller, Action::Tickets(Act::ListOnsiteRequests))?;
    let paging = Paging::new(limit, offset)?;
    onsite::onsite_requests(c, status, ticket_id, paging)
}
