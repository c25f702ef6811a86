//! Each kind of change to a ticket, applied to its row inside the change's transaction (the
//! checks, saving and the audit record are `tickets::change_in_tx`'s): the ladder steps, the
//! customer's acceptance, handoff and assignment, the remote authorization, callbacks, the
//! departure and the arrival, the request kind, the major-fault mark and the field updates; and
//! the new targets after a kind or a customer's tier changed. The SLA clocks they move are
//! `ticket_clocks`'.

pub use super::ticket_clocks::{enter_tier, recompute_dues, refresh_next_check, stamp_breach, stamp_met_late};
use super::tickets::LadderAction;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::dispatch::visits as visit_store;
use crate::db::tickets::events::{self, NewEvent};
use crate::db::tickets::onsite::{self, NewOnsiteRequest};
use crate::db::tickets::records::{self, NewAcceptance, NewAuthorization};
use crate::db::tickets::{self as store, lookups, opt_utc, TicketRow};
use crate::db::{notifications, sla as sla_policy, ts, utc, DbConn};
use crate::domain::escalation::{self, SlaClock};
use crate::domain::ladder::{self, Action, Refusal};
use crate::domain::sla::{self, Calendar};
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};
use crate::policy::tickets as policy;
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{
    AuthorizationMethod, Channel, LadderTier, Priority, ProblemReason, RequestKind, Role, TicketStatus, Tier,
};
use serde_json::json;

/// What every change reads: who acts, on which ticket as it was, the calendar, the SLA step.
pub struct Ctx<'a> {
    pub actor: &'a Actor,
    pub user: i64,
    pub id: i64,
    pub before: &'a TicketRow,
    pub status: TicketStatus,
    pub cal: &'a Calendar,
    pub step_interval: Duration,
}

impl<'a> Ctx<'a> {
    fn now(&self) -> DateTime<Utc> {
        self.actor.at
    }

    fn event(&self, kind: &'a str) -> NewEvent<'a> {
        NewEvent::new(self.id, self.actor, kind)
    }

    fn ladder_state(&self) -> AppResult<ladder::State> {
        Ok(ladder::State {
            tier: self.before.tier()?,
            status: self.status,
            remote_authorized: self.before.remote_authorized,
        })
    }
}

fn refusal(r: Refusal) -> AppError {
    match r {
        Refusal::ReasonRequired => {
            AppError::validation("reason", r.to_string()).because(ProblemReason::Required, json!({}))
        }
        other => AppError::InvalidTransition(other.to_string()),
    }
}

// ---------------------------------------------------------------- the ladder

/// The agreed visit window of an on-site escalation: both ends, bounded (`domain::visit::window`).
fn check_window(
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> AppResult<(DateTime<Utc>, DateTime<Utc>)> {
    let (start, end) = window.ok_or_else(|| {
        AppError::validation("window_start", "give the visit window agreed with the customer")
            .because(ProblemReason::Required, json!({}))
    })?;
    Ok(crate::domain::visit::window(start, end, now)?)
}

/// The ticket's response, when it has none yet: the first thing done on it (a ladder step, a
/// staff reply to the customer). Stamped once, with the response breach when it comes late;
/// true when this was the response.
pub fn respond(row: &mut TicketRow, now: DateTime<Utc>) -> bool {
    if row.responded_at.is_some() {
        return false;
    }
    row.responded_at = Some(ts(now));
    if escalation::late(utc(row.response_due_at), now) {
        stamp_breach(row, SlaClock::Response, now);
    }
    true
}

/// A step on the ladder: start, wait, resume, escalate (on site with its registration), resolve.
pub fn ladder_step(
    c: &mut DbConn,
    x: &Ctx,
    row: &mut TicketRow,
    action: LadderAction,
    reason: Option<&str>,
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> AppResult<()> {
    let now = x.now();
    let before = x.before;
    let domain_action = match action {
        LadderAction::Start => Action::Start,
        LadderAction::Wait => Action::WaitOnCustomer,
        LadderAction::Resume => Action::Resume,
        LadderAction::Escalate(to) => Action::Escalate { to, reason },
        LadderAction::Resolve => Action::Resolve,
    };
    let next = ladder::apply(&x.ladder_state()?, &domain_action).map_err(refusal)?;
    let window = match action {
        LadderAction::Escalate(LadderTier::Onsite) => Some(check_window(window, now)?),
        _ => None,
    };
    // The first thing done on a ticket is its response.
    respond(row, now);
    match next.pause {
        Some(true) => row.paused_at = Some(ts(now)),
        Some(false) => {
            if let Some(p) = row.paused_at.take() {
                row.paused_seconds += sla::elapsed(x.cal, row.mode()?, utc(p), now).num_seconds();
            }
        }
        None => {}
    }
    if next.tier != x.before.tier()? {
        enter_tier(row, next.tier, now);
    }
    row.status = next.status.as_str().into();
    let moved = |kind: &'static str| {
        x.event(kind)
            .from_to(Some(&before.status), Some(&row.status))
            .reason(reason)
    };
    match action {
        LadderAction::Escalate(to) => {
            let data = json!({"skipped_tier": next.skipped_tier});
            let e = x
                .event("escalated")
                .from_to(Some(&before.ladder_tier), Some(to.as_str()));
            events::add(c, e.reason(reason).data(data))?;
            if let Some((start, end)) = window {
                let req = onsite::insert(
                    c,
                    &NewOnsiteRequest {
                        ticket_id: x.id,
                        window_start: start,
                        window_end: end,
                        notes: reason,
                        created_by: x.user,
                        at: now,
                    },
                )?;
                let data = json!({"onsite_request_id": req, "window_start": start, "window_end": end});
                events::add(c, x.event("onsite_requested").data(data))?;
            }
        }
        LadderAction::Resolve => {
            let resolved = moved("resolved");
            events::add(c, resolved)?;
            row.resolved_at = Some(ts(now));
            // A new resolution waits for the customer afresh.
            row.acceptance_reminded_at = None;
            if escalation::late(utc(row.resolution_due_at), now) {
                stamp_breach(row, SlaClock::Resolution, now);
            }
        }
        LadderAction::Start => events::add(c, moved("started"))?,
        LadderAction::Wait => events::add(c, moved("waiting"))?,
        LadderAction::Resume => {
            let data = json!({"paused_seconds": row.paused_seconds});
            events::add(c, moved("resumed").data(data))?
        }
    }
    stamp_met_late(row, now)?;
    recompute_dues(row, x.cal, x.step_interval)
}

/// The customer's verdict: satisfied closes the ticket, not satisfied reopens it.
pub fn accept(
    c: &mut DbConn,
    x: &Ctx,
    row: &mut TicketRow,
    accepted_by: &str,
    satisfied: bool,
    comment: Option<&str>,
) -> AppResult<()> {
    let now = x.now();
    let next = ladder::apply(&x.ladder_state()?, &Action::Accept { satisfied }).map_err(refusal)?;
    records::insert_acceptance(
        c,
        &NewAcceptance {
            ticket_id: x.id,
            accepted_by,
            satisfied,
            comment,
            recorded_by: x.user,
            at: now,
        },
    )?;
    row.status = next.status.as_str().into();
    let data = json!({"accepted_by": accepted_by, "satisfied": satisfied});
    let kind = if satisfied {
        row.closed_at = Some(ts(now));
        "accepted"
    } else {
        // Work goes on: the resolution clock runs again against the original due time.
        row.resolved_at = None;
        "reopened"
    };
    let e = x.event(kind).from_to(Some(&x.before.status), Some(&row.status));
    events::add(c, e.reason(comment).data(data))?;
    if satisfied {
        end_onsite_work(c, x.id, x.actor, "the ticket was closed")?;
    }
    refresh_next_check(row, x.step_interval)
}

/// Cancels a ticket opened by mistake: it is no longer open (a state of its own, not a
/// closure), its clocks stop, and its on-site work not yet started ends with it.
pub fn cancel(c: &mut DbConn, x: &Ctx, row: &mut TicketRow, reason: &str) -> AppResult<()> {
    let next = ladder::apply(&x.ladder_state()?, &Action::Cancel).map_err(refusal)?;
    row.status = next.status.as_str().into();
    row.paused_at = None;
    let e = x.event("cancelled").from_to(Some(&x.before.status), Some(&row.status));
    events::add(c, e.reason(Some(reason)))?;
    end_onsite_work(c, x.id, x.actor, "the ticket was cancelled")?;
    refresh_next_check(row, x.step_interval)
}

/// The customer called or wrote again about the ticket: the timeline keeps it and the owner (and
/// the assignee) are told, so that nobody gives them a second ticket for the same matter. A
/// callback promised before stays as it was.
pub fn customer_contact(c: &mut DbConn, x: &Ctx, row: &mut TicketRow, channel: Channel, note: &str) -> AppResult<()> {
    let e = x.event("customer_contact").from_to(None, Some(channel.as_str()));
    events::add(c, e.reason(Some(note)))?;
    let mut told = vec![row.owner_id];
    told.extend(row.assignee_id.filter(|a| *a != row.owner_id));
    told.retain(|u| *u != x.user);
    if !told.is_empty() {
        let msg = format!(
            "The customer contacted you again about ticket {} ({channel}): {note}",
            row.number
        );
        notifications::notify(c, &told, x.id, "customer_contact", &msg, x.now())?;
    }
    Ok(())
}

/// A closed or cancelled ticket's on-site registrations still open and its visits no
/// technician holds yet are cancelled; the timeline says which.
pub(crate) fn end_onsite_work(c: &mut DbConn, ticket_id: i64, actor: &Actor, why: &str) -> AppResult<()> {
    let cancelled = visit_store::cancel_unstarted_of_ticket(c, ticket_id, why, actor.at)?;
    if !cancelled.is_empty() {
        let e = NewEvent::new(ticket_id, actor, "visits_cancelled").data(json!({"visit_ids": cancelled}));
        events::add(c, e.reason(Some(why)))?;
    }
    Ok(())
}

// ---------------------------------------------------------------- ownership

/// The role of an active user named in a change's `field`.
fn user_role(c: &mut DbConn, id: i64, field: &str) -> AppResult<Role> {
    let (role, active) = lookups::user_role(c, id)?.ok_or_else(|| Invalid::not_found(field, "user", id))?;
    if !active {
        return Err(Invalid::not_allowed(field, format!("user {id} is disabled")).into());
    }
    policy::role_named(&role).ok_or_else(|| AppError::internal(format!("user {id} has unknown role")))
}

/// Hands ownership to a user who may own tickets, and tells them.
pub fn handoff(c: &mut DbConn, x: &Ctx, row: &mut TicketRow, to: i64, reason: &str) -> AppResult<()> {
    if to == x.before.owner_id {
        return Err(Invalid::not_allowed("to_user_id", "the ticket already belongs to this user").into());
    }
    let r = user_role(c, to, "to_user_id")?;
    if !policy::may_own(r) {
        return Err(Invalid::not_allowed("to_user_id", format!("a {r} cannot own tickets")).into());
    }
    row.owner_id = to;
    let (from, to_s) = (x.before.owner_id.to_string(), to.to_string());
    let e = x.event("handoff").from_to(Some(&from), Some(&to_s));
    events::add(c, e.reason(Some(reason)))?;
    let msg = format!("Ticket {} was handed to you: {reason}", row.number);
    notifications::notify(c, &[to], x.id, "handoff", &msg, x.now())?;
    Ok(())
}

/// Sets (or clears) who works the ticket, and tells them.
pub fn assign(c: &mut DbConn, x: &Ctx, row: &mut TicketRow, to: Option<i64>, reason: Option<&str>) -> AppResult<()> {
    if let Some(u) = to {
        let r = user_role(c, u, "assignee_id")?;
        if !policy::may_work(r) {
            return Err(Invalid::not_allowed("assignee_id", format!("a {r} cannot work tickets")).into());
        }
        let msg = format!("Ticket {} was assigned to you", row.number);
        notifications::notify(c, &[u], x.id, "assigned", &msg, x.now())?;
    }
    row.assignee_id = to;
    let from = x.before.assignee_id.map(|u| u.to_string());
    let to_s = to.map(|u| u.to_string());
    let e = x.event("assigned").from_to(from.as_deref(), to_s.as_deref());
    events::add(c, e.reason(reason))?;
    Ok(())
}

// ---------------------------------------------------------------- the rest

/// The customer's authorization for remote access, as given.
pub struct Authorization<'a> {
    pub by: &'a str,
    pub method: AuthorizationMethod,
    pub at: DateTime<Utc>,
    pub note: Option<&'a str>,
}

pub fn authorize(c: &mut DbConn, x: &Ctx, row: &mut TicketRow, a: Authorization) -> AppResult<()> {
    records::insert_authorization(
        c,
        &NewAuthorization {
            ticket_id: x.id,
            authorized_by: a.by,
            method: a.method,
            authorized_at: a.at,
            recorded_by: x.user,
            note: a.note,
            created_at: x.now(),
        },
    )?;
    row.remote_authorized = true;
    let data = json!({"authorized_by": a.by, "method": a.method, "authorized_at": a.at});
    let e = x.event("authorization").from_to(None, Some(a.method.as_str()));
    events::add(c, e.reason(a.note).data(data))?;
    Ok(())
}

pub fn request_callback(c: &mut DbConn, x: &Ctx, row: &mut TicketRow, reason: Option<&str>) -> AppResult<()> {
    if row.callback_due_at.is_some() && row.callback_done_at.is_none() {
        return Err(AppError::InvalidTransition("a callback is already due".into()));
    }
    row.callback_due_at = Some(ts(x.now() + Duration::hours(sla::CALLBACK_HOURS)));
    row.callback_done_at = None;
    row.callback_breached_at = None;
    let due = row.callback_due_at.map(utc);
    let e = x.event("callback_requested").reason(reason);
    events::add(c, e.data(json!({"callback_due_at": due})))?;
    refresh_next_check(row, x.step_interval)
}

pub fn callback_done(c: &mut DbConn, x: &Ctx, row: &mut TicketRow, reason: Option<&str>) -> AppResult<()> {
    let now = x.now();
    let due = match (row.callback_due_at, row.callback_done_at) {
        (Some(d), None) => utc(d),
        _ => return Err(AppError::InvalidTransition("no callback is due".into())),
    };
    row.callback_done_at = Some(ts(now));
    if escalation::late(due, now) {
        stamp_breach(row, SlaClock::Callback, now);
    }
    events::add(c, x.event("callback_done").reason(reason))?;
    refresh_next_check(row, x.step_interval)
}

pub fn arrived(c: &mut DbConn, x: &Ctx, row: &mut TicketRow, at: DateTime<Utc>) -> AppResult<()> {
    let now = x.now();
    if x.before.tier()? != LadderTier::Onsite {
        return Err(AppError::InvalidTransition(
            "only an on-site ticket has an arrival".into(),
        ));
    }
    if row.arrived_at.is_some() {
        return Err(AppError::InvalidTransition("the arrival is already recorded".into()));
    }
    if at > now {
        return Err(
            AppError::validation("arrived_at", "must not be in the future").because(ProblemReason::InFuture, json!({}))
        );
    }
    row.arrived_at = Some(ts(at));
    if row.arrival_due_at.is_some_and(|d| escalation::late(utc(d), at)) {
        stamp_breach(row, SlaClock::Arrival, now);
    }
    events::add(c, x.event("arrived").data(json!({"arrived_at": at})))?;
    stamp_met_late(row, now)?;
    refresh_next_check(row, x.step_interval)
}

/// The first technician set off for the site (a visit went en route): stops the departure
/// clock; after its due time it is a breach, recorded like a late arrival.
pub fn departed(c: &mut DbConn, x: &Ctx, row: &mut TicketRow, at: DateTime<Utc>) -> AppResult<()> {
    if x.before.tier()? != LadderTier::Onsite {
        return Err(AppError::InvalidTransition(
            "only an on-site ticket has a departure".into(),
        ));
    }
    if row.departed_at.is_some() {
        return Err(AppError::InvalidTransition("the departure is already recorded".into()));
    }
    row.departed_at = Some(ts(at));
    events::add(c, x.event("departed").data(json!({"departed_at": at})))?;
    stamp_met_late(row, x.now())?;
    refresh_next_check(row, x.step_interval)
}

/// A new kind for the ticket, with the reason: its targets are taken again from the policy.
pub fn change_kind(
    c: &mut DbConn,
    x: &Ctx,
    row: &mut TicketRow,
    kind: RequestKind,
    reason: &str,
    complaint_subject: Option<fieldline_mobile_api::ComplaintSubjectRef>,
) -> AppResult<bool> {
    let before = x.before;
    if before.kind()? == kind {
        return Err(AppError::validation("kind", format!("the ticket is already a {kind}")));
    }
    if before.kind()? == RequestKind::Complaint {
        // Its ladder ends by the customer's answer; one opened by mistake is cancelled.
        return Err(AppError::validation(
            "kind",
            "a complaint stays a complaint: it ends on its own ladder (or is cancelled when opened by mistake)",
        ));
    }
    if kind == RequestKind::Complaint {
        let s = complaint_subject.ok_or_else(|| {
            AppError::validation(
                "complaint_subject",
                "name what the complaint is about: a ticket, a visit, a technician or a staff member",
            )
            .because(ProblemReason::Required, json!({}))
        })?;
        super::complaints::check_subject(c, before.customer_id, Some(before.id), s)?;
    }
    row.kind = kind.as_str().into();
    let e = x.event("kind_changed").from_to(Some(&before.kind), Some(kind.as_str()));
    events::add(c, e.reason(Some(reason)))?;
    let r = Retarget {
        actor: x.actor,
        cal: x.cal,
        step_interval: x.step_interval,
        reason: Some(reason),
    };
    retarget(c, &r, row, before)?;
    if kind == RequestKind::Complaint {
        super::complaints::open_in_tx(c, x.actor, row, complaint_subject, x.now())?;
    }
    Ok(true)
}

pub fn major_fault(
    c: &mut DbConn,
    x: &Ctx,
    row: &mut TicketRow,
    reason: Option<&str>,
    details: Option<serde_json::Value>,
) -> AppResult<()> {
    if row.major_fault {
        return Err(AppError::InvalidTransition(
            "the ticket is already a major fault".into(),
        ));
    }
    row.major_fault = true;
    events::add(
        c,
        NewEvent {
            data: details,
            ..x.event("major_fault").reason(reason)
        },
    )?;
    Ok(())
}

/// The fields an update may change, after validation.
pub struct Fields<'a> {
    pub priority: Option<Priority>,
    pub site_id: Option<i64>,
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    pub reason: Option<&'a str>,
}

/// Changes the fields given; a new priority or region recomputes the due times. Returns whether
/// anything changed (nothing changed writes nothing).
pub fn update(c: &mut DbConn, x: &Ctx, row: &mut TicketRow, f: Fields) -> AppResult<bool> {
    let before = x.before;
    if let Some(t) = f.title {
        row.title = t.to_owned();
    }
    if let Some(d) = f.description {
        row.description = d.to_owned();
    }
    if let Some(p) = f.priority {
        row.priority = p.as_str().into();
    }
    if let Some(s) = f.site_id {
        let customer = crate::db::sites::customer_of(c, s)?.ok_or_else(|| Invalid::not_found("site_id", "site", s))?;
        if customer != row.customer_id {
            return Err(Invalid::mismatch("site_id", s, "the site belongs to another customer").into());
        }
        row.site_id = Some(s);
        let (region, class) = lookups::place(c, Some(s))?;
        row.region_id = region;
        row.region_class = class.as_str().into();
    }
    let changed: Vec<&str> = [
        ("priority", row.priority != before.priority),
        ("site_id", row.site_id != before.site_id),
        ("title", row.title != before.title),
        ("description", row.description != before.description),
    ]
    .into_iter()
    .filter_map(|(f, c)| c.then_some(f))
    .collect();
    if changed.is_empty() {
        return Ok(false);
    }
    events::add(c, x.event("updated").reason(f.reason).data(json!({"fields": changed})))?;
    if row.priority != before.priority || row.region_class != before.region_class {
        let r = Retarget {
            actor: x.actor,
            cal: x.cal,
            step_interval: x.step_interval,
            reason: f.reason,
        };
        retarget(c, &r, row, before)?;
    }
    Ok(true)
}

// ---------------------------------------------------------------- new targets

/// Who recomputes the due times, on which calendar, and why.
struct Retarget<'a> {
    actor: &'a Actor,
    cal: &'a Calendar,
    step_interval: Duration,
    reason: Option<&'a str>,
}

/// New targets from the policy (after a priority, customer tier or site change) and the due
/// times they give, recorded in the timeline with the old and new due times.
fn retarget(c: &mut DbConn, r: &Retarget, row: &mut TicketRow, before: &TicketRow) -> AppResult<()> {
    let t = sla_policy::targets_for(c, &row.class()?)?;
    row.set_targets(&t);
    recompute_dues(row, r.cal, r.step_interval)?;
    let data = json!({
        "before": {"response_due_at": utc(before.response_due_at), "arrival_due_at": opt_utc(before.arrival_due_at),
                   "resolution_due_at": utc(before.resolution_due_at), "clock_mode": before.clock_mode},
        "after": {"response_due_at": utc(row.response_due_at), "arrival_due_at": opt_utc(row.arrival_due_at),
                  "resolution_due_at": utc(row.resolution_due_at), "clock_mode": row.clock_mode},
    });
    let e = NewEvent::new(row.id, r.actor, "dues_recomputed").reason(r.reason);
    events::add(c, e.data(data))?;
    Ok(())
}

/// After a customer's tier changed: new targets and due times for its open tickets. Runs inside
/// the caller's transaction.
pub fn retier_customer(
    c: &mut DbConn,
    actor: &Actor,
    customer_id: i64,
    tier: Tier,
    step_interval: Duration,
) -> AppResult<usize> {
    let open = store::open_of_customer(c, customer_id)?;
    if open.is_empty() {
        return Ok(0);
    }
    let cal = sla_policy::calendar(c)?;
    for before in &open {
        let mut row = before.clone();
        row.customer_tier = tier.as_str().into();
        let reason = format!("customer tier changed from {} to {tier}", before.customer_tier);
        let r = Retarget {
            actor,
            cal: &cal,
            step_interval,
            reason: Some(&reason),
        };
        retarget(c, &r, &mut row, before)?;
        store::save(c, before, &mut row, actor.at)?;
        audit::record(
            c,
            actor,
            "ticket",
            row.id,
            "retier",
            snapshot(&before.to_wire()?),
            snapshot(&row.to_wire()?),
        )?;
    }
    Ok(open.len())
}
