//! Tickets as stored: the row and its wire form, reading and saving one, and the queries the
//! ladder and the SLA scan need. The workflows are in `service::tickets`.

pub mod events;
pub mod lists;
pub mod lookups;
pub mod onsite;
pub mod records;

use super::schema::{tickets, users};
use super::{ts, utc, DbConn};
use crate::domain::escalation::{ClockState, SlaState};
use crate::domain::sla::{Targets, TicketClass};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    Channel, ClockMode, LadderTier, Priority, RegionClass, RequestKind, Role, Ticket, TicketId, TicketStatus, Tier,
    TierAction, UserId,
};

pub use events::timeline;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tickets)]
pub struct TicketRow {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub customer_tier: String,
    pub contact_id: Option<i64>,
    pub site_id: Option<i64>,
    pub region_id: Option<i64>,
    pub region_class: String,
    pub asset_id: Option<i64>,
    pub channel: String,
    pub priority: String,
    pub title: String,
    pub description: String,
    pub product_model: Option<String>,
    pub serial_number: Option<String>,
    pub purchase_date: Option<NaiveDate>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub ladder_tier: String,
    pub status: String,
    pub owner_id: i64,
    pub assignee_id: Option<i64>,
    pub created_by: i64,
    pub major_fault: bool,
    pub remote_authorized: bool,
    pub opened_at: NaiveDateTime,
    pub clock_mode: String,
    pub response_minutes: i32,
    pub arrival_minutes: i32,
    pub resolution_minutes: i32,
    pub paused_seconds: i64,
    pub paused_at: Option<NaiveDateTime>,
    pub onsite_at: Option<NaiveDateTime>,
    pub onsite_paused_seconds: i64,
    pub response_due_at: NaiveDateTime,
    pub arrival_due_at: Option<NaiveDateTime>,
    pub resolution_due_at: NaiveDateTime,
    pub callback_due_at: Option<NaiveDateTime>,
    pub responded_at: Option<NaiveDateTime>,
    pub arrived_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub callback_done_at: Option<NaiveDateTime>,
    pub breached: bool,
    pub response_breached_at: Option<NaiveDateTime>,
    pub arrival_breached_at: Option<NaiveDateTime>,
    pub resolution_breached_at: Option<NaiveDateTime>,
    pub callback_breached_at: Option<NaiveDateTime>,
    pub escalation_step: i32,
    pub next_check_at: Option<NaiveDateTime>,
    pub flagged_for_dispatch: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub acceptance_reminded_at: Option<NaiveDateTime>,
    pub closed_without_answer: bool,
    pub related_ticket_id: Option<i64>,
    pub unrelated_reason: Option<String>,
    pub kind: String,
    pub hotline_minutes: i32,
    pub remote_minutes: i32,
    pub departure_minutes: i32,
    pub hotline_action: String,
    pub remote_action: String,
    pub remote_at: Option<NaiveDateTime>,
    pub remote_paused_seconds: i64,
    pub hotline_due_at: Option<NaiveDateTime>,
    pub remote_due_at: Option<NaiveDateTime>,
    pub departure_due_at: Option<NaiveDateTime>,
    pub departed_at: Option<NaiveDateTime>,
    pub hotline_breached_at: Option<NaiveDateTime>,
    pub remote_breached_at: Option<NaiveDateTime>,
    pub departure_breached_at: Option<NaiveDateTime>,
}

pub(crate) fn parse<T>(what: &str, v: &str, f: fn(&str) -> Option<T>) -> AppResult<T> {
    f(v).ok_or_else(|| AppError::internal(format!("stored {what} `{v}` is unknown")))
}

pub(crate) fn opt_utc(t: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    t.map(utc)
}

impl TicketRow {
    pub fn status(&self) -> AppResult<TicketStatus> {
        parse("status", &self.status, TicketStatus::parse)
    }

    pub fn tier(&self) -> AppResult<LadderTier> {
        parse("ladder tier", &self.ladder_tier, LadderTier::parse)
    }

    pub fn mode(&self) -> AppResult<ClockMode> {
        parse("clock mode", &self.clock_mode, ClockMode::parse)
    }

    pub fn kind(&self) -> AppResult<RequestKind> {
        parse("kind", &self.kind, RequestKind::parse)
    }

    pub fn targets(&self) -> AppResult<Targets> {
        let m = |v: i32| Duration::minutes(v.into());
        Ok(Targets {
            response: m(self.response_minutes),
            hotline: m(self.hotline_minutes),
            remote: m(self.remote_minutes),
            departure: m(self.departure_minutes),
            arrival: m(self.arrival_minutes),
            resolution: m(self.resolution_minutes),
            mode: self.mode()?,
            on_hotline: parse("tier action", &self.hotline_action, TierAction::parse)?,
            on_remote: parse("tier action", &self.remote_action, TierAction::parse)?,
        })
    }

    /// Takes the targets (and the tier actions) of a policy.
    pub fn set_targets(&mut self, t: &Targets) {
        let m = |d: Duration| d.num_minutes() as i32;
        self.response_minutes = m(t.response);
        self.hotline_minutes = m(t.hotline);
        self.remote_minutes = m(t.remote);
        self.departure_minutes = m(t.departure);
        self.arrival_minutes = m(t.arrival);
        self.resolution_minutes = m(t.resolution);
        self.clock_mode = t.mode.as_str().into();
        self.hotline_action = t.on_hotline.as_str().into();
        self.remote_action = t.on_remote.as_str().into();
    }

    /// What the ticket is, for choosing its SLA policy.
    pub fn class(&self) -> AppResult<TicketClass> {
        Ok(TicketClass {
            kind: self.kind()?,
            tier: parse("tier", &self.customer_tier, Tier::parse)?,
            priority: parse("priority", &self.priority, Priority::parse)?,
            class: parse("region class", &self.region_class, RegionClass::parse)?,
        })
    }

    pub fn to_wire(&self) -> AppResult<Ticket> {
        Ok(Ticket {
            id: TicketId(self.id),
            number: self.number.clone(),
            customer_id: self.customer_id.into(),
            customer_name: None,
            customer_tier: parse("tier", &self.customer_tier, Tier::parse)?,
            contact_id: self.contact_id.map(Into::into),
            site_id: self.site_id.map(Into::into),
            site_name: None,
            region_id: self.region_id.map(Into::into),
            region_class: parse("region class", &self.region_class, RegionClass::parse)?,
            asset_id: self.asset_id.map(Into::into),
            channel: parse("channel", &self.channel, Channel::parse)?,
            kind: self.kind()?,
            priority: parse("priority", &self.priority, Priority::parse)?,
            title: self.title.clone(),
            description: self.description.clone(),
            product_model: self.product_model.clone(),
            serial_number: self.serial_number.clone(),
            purchase_date: self.purchase_date,
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
            contact_email: self.contact_email.clone(),
            ladder_tier: self.tier()?,
            status: self.status()?,
            owner_id: UserId(self.owner_id),
            owner_name: None,
            assignee_id: self.assignee_id.map(UserId),
            assignee_name: None,
            major_fault: self.major_fault,
            remote_authorized: self.remote_authorized,
            opened_at: utc(self.opened_at),
            clock_mode: self.mode()?,
            response_due_at: utc(self.response_due_at),
            hotline_due_at: opt_utc(self.hotline_due_at),
            remote_due_at: opt_utc(self.remote_due_at),
            departure_due_at: opt_utc(self.departure_due_at),
            arrival_due_at: opt_utc(self.arrival_due_at),
            resolution_due_at: utc(self.resolution_due_at),
            callback_due_at: opt_utc(self.callback_due_at),
            responded_at: opt_utc(self.responded_at),
            remote_at: opt_utc(self.remote_at),
            onsite_at: opt_utc(self.onsite_at),
            departed_at: opt_utc(self.departed_at),
            arrived_at: opt_utc(self.arrived_at),
            resolved_at: opt_utc(self.resolved_at),
            closed_at: opt_utc(self.closed_at),
            callback_done_at: opt_utc(self.callback_done_at),
            paused_at: opt_utc(self.paused_at),
            paused_seconds: self.paused_seconds,
            breached: self.breached,
            escalation_step: self.escalation_step,
            flagged_for_dispatch: self.flagged_for_dispatch,
            acceptance_reminded_at: opt_utc(self.acceptance_reminded_at),
            closed_without_answer: self.closed_without_answer,
            related_ticket_id: self.related_ticket_id.map(TicketId),
            unrelated_reason: self.unrelated_reason.clone(),
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }

    /// The SLA clocks as the scan sees them. A tier's limit is met when the ticket left the
    /// tier or was resolved; the departure when a technician set off or arrived, or the ticket
    /// was resolved.
    pub fn sla_state(&self) -> AppResult<SlaState> {
        let status = self.status()?;
        let clock =
            |due: Option<NaiveDateTime>, met: Option<NaiveDateTime>, breached: Option<NaiveDateTime>| ClockState {
                due: opt_utc(due),
                met: opt_utc(met),
                breached: opt_utc(breached),
            };
        let first = |a: Option<NaiveDateTime>, b: Option<NaiveDateTime>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let left_hotline = first(first(self.remote_at, self.onsite_at), self.resolved_at);
        let left_remote = first(self.onsite_at, self.resolved_at);
        let set_off = first(first(self.departed_at, self.arrived_at), self.resolved_at);
        let targets = self.targets()?;
        Ok(SlaState {
            response: clock(Some(self.response_due_at), self.responded_at, self.response_breached_at),
            hotline: clock(self.hotline_due_at, left_hotline, self.hotline_breached_at),
            remote: clock(self.remote_due_at, left_remote, self.remote_breached_at),
            departure: clock(self.departure_due_at, set_off, self.departure_breached_at),
            arrival: clock(self.arrival_due_at, self.arrived_at, self.arrival_breached_at),
            resolution: clock(
                Some(self.resolution_due_at),
                self.resolved_at,
                self.resolution_breached_at,
            ),
            callback: clock(self.callback_due_at, self.callback_done_at, self.callback_breached_at),
            paused_at: opt_utc(self.paused_at),
            finished: matches!(
                status,
                TicketStatus::Resolved | TicketStatus::Closed | TicketStatus::Cancelled
            ),
            step: self.escalation_step,
            tier: self.tier()?,
            remote_authorized: self.remote_authorized,
            on_hotline: targets.on_hotline,
            on_remote: targets.on_remote,
        })
    }
}

/// Every column that changes after registration (also the bulk of the registration's insert).
#[derive(AsChangeset, Insertable)]
// An absent value is NULL in an update and in the insert alike: the insert's text is then the
// same for every ticket, so it is compiled once per connection rather than for each one.
#[diesel(table_name = tickets, treat_none_as_null = true, treat_none_as_default_value = false)]
pub(crate) struct TicketChanges<'a> {
    customer_tier: &'a str,
    contact_id: Option<i64>,
    site_id: Option<i64>,
    region_id: Option<i64>,
    region_class: &'a str,
    priority: &'a str,
    title: &'a str,
    description: &'a str,
    ladder_tier: &'a str,
    status: &'a str,
    owner_id: i64,
    assignee_id: Option<i64>,
    major_fault: bool,
    remote_authorized: bool,
    clock_mode: &'a str,
    response_minutes: i32,
    arrival_minutes: i32,
    resolution_minutes: i32,
    paused_seconds: i64,
    paused_at: Option<NaiveDateTime>,
    onsite_at: Option<NaiveDateTime>,
    onsite_paused_seconds: i64,
    response_due_at: NaiveDateTime,
    arrival_due_at: Option<NaiveDateTime>,
    resolution_due_at: NaiveDateTime,
    callback_due_at: Option<NaiveDateTime>,
    responded_at: Option<NaiveDateTime>,
    arrived_at: Option<NaiveDateTime>,
    resolved_at: Option<NaiveDateTime>,
    closed_at: Option<NaiveDateTime>,
    callback_done_at: Option<NaiveDateTime>,
    breached: bool,
    response_breached_at: Option<NaiveDateTime>,
    arrival_breached_at: Option<NaiveDateTime>,
    resolution_breached_at: Option<NaiveDateTime>,
    callback_breached_at: Option<NaiveDateTime>,
    escalation_step: i32,
    next_check_at: Option<NaiveDateTime>,
    flagged_for_dispatch: bool,
    version: i32,
    updated_at: NaiveDateTime,
    acceptance_reminded_at: Option<NaiveDateTime>,
    closed_without_answer: bool,
    kind: &'a str,
    hotline_minutes: i32,
    remote_minutes: i32,
    departure_minutes: i32,
    hotline_action: &'a str,
    remote_action: &'a str,
    remote_at: Option<NaiveDateTime>,
    remote_paused_seconds: i64,
    hotline_due_at: Option<NaiveDateTime>,
    remote_due_at: Option<NaiveDateTime>,
    departure_due_at: Option<NaiveDateTime>,
    departed_at: Option<NaiveDateTime>,
    hotline_breached_at: Option<NaiveDateTime>,
    remote_breached_at: Option<NaiveDateTime>,
    departure_breached_at: Option<NaiveDateTime>,
}

impl<'a> From<&'a TicketRow> for TicketChanges<'a> {
    fn from(r: &'a TicketRow) -> Self {
        TicketChanges {
            customer_tier: &r.customer_tier,
            contact_id: r.contact_id,
            site_id: r.site_id,
            region_id: r.region_id,
            region_class: &r.region_class,
            priority: &r.priority,
            title: &r.title,
            description: &r.description,
            ladder_tier: &r.ladder_tier,
            status: &r.status,
            owner_id: r.owner_id,
            assignee_id: r.assignee_id,
            major_fault: r.major_fault,
            remote_authorized: r.remote_authorized,
            clock_mode: &r.clock_mode,
            response_minutes: r.response_minutes,
            arrival_minutes: r.arrival_minutes,
            resolution_minutes: r.resolution_minutes,
            paused_seconds: r.paused_seconds,
            paused_at: r.paused_at,
            onsite_at: r.onsite_at,
            onsite_paused_seconds: r.onsite_paused_seconds,
            response_due_at: r.response_due_at,
            arrival_due_at: r.arrival_due_at,
            resolution_due_at: r.resolution_due_at,
            callback_due_at: r.callback_due_at,
            responded_at: r.responded_at,
            arrived_at: r.arrived_at,
            resolved_at: r.resolved_at,
            closed_at: r.closed_at,
            callback_done_at: r.callback_done_at,
            breached: r.breached,
            response_breached_at: r.response_breached_at,
            arrival_breached_at: r.arrival_breached_at,
            resolution_breached_at: r.resolution_breached_at,
            callback_breached_at: r.callback_breached_at,
            escalation_step: r.escalation_step,
            next_check_at: r.next_check_at,
            flagged_for_dispatch: r.flagged_for_dispatch,
            version: r.version,
            updated_at: r.updated_at,
            acceptance_reminded_at: r.acceptance_reminded_at,
            closed_without_answer: r.closed_without_answer,
            kind: &r.kind,
            hotline_minutes: r.hotline_minutes,
            remote_minutes: r.remote_minutes,
            departure_minutes: r.departure_minutes,
            hotline_action: &r.hotline_action,
            remote_action: &r.remote_action,
            remote_at: r.remote_at,
            remote_paused_seconds: r.remote_paused_seconds,
            hotline_due_at: r.hotline_due_at,
            remote_due_at: r.remote_due_at,
            departure_due_at: r.departure_due_at,
            departed_at: r.departed_at,
            hotline_breached_at: r.hotline_breached_at,
            remote_breached_at: r.remote_breached_at,
            departure_breached_at: r.departure_breached_at,
        }
    }
}

pub fn get(conn: &mut DbConn, id: i64) -> AppResult<TicketRow> {
    crate::on_backend!(conn, |b| tickets::table
        .find(id)
        .select(TicketRow::as_select())
        .first(b)
        .optional())?
    .ok_or_else(|| AppError::not_found("ticket", id))
}

/// Writes the changed row if nobody changed it meanwhile (optimistic: the version must match).
pub fn save(c: &mut DbConn, before: &TicketRow, row: &mut TicketRow, at: DateTime<Utc>) -> AppResult<()> {
    row.version = before.version + 1;
    row.updated_at = ts(at);
    let n = diesel::update(
        tickets::table
            .filter(tickets::id.eq(row.id))
            .filter(tickets::version.eq(before.version)),
    )
    .set(TicketChanges::from(&*row))
    .execute(c)?;
    if n == 0 {
        return Err(AppError::Conflict(
            "the ticket was changed meanwhile; reload it and try again".into(),
        ));
    }
    Ok(())
}

/// Stores a new ticket (its number given); returns its id.
pub fn insert(c: &mut DbConn, row: &TicketRow) -> QueryResult<i64> {
    crate::on_backend!(c, |b| diesel::insert_into(tickets::table)
        .values((
            TicketChanges::from(row),
            (
                tickets::number.eq(&row.number),
                tickets::customer_id.eq(row.customer_id),
                tickets::asset_id.eq(row.asset_id),
                tickets::channel.eq(&row.channel),
                tickets::product_model.eq(&row.product_model),
                tickets::serial_number.eq(&row.serial_number),
                tickets::purchase_date.eq(row.purchase_date),
                tickets::contact_name.eq(&row.contact_name),
                tickets::contact_phone.eq(&row.contact_phone),
                tickets::contact_email.eq(&row.contact_email),
                tickets::created_by.eq(row.created_by),
                tickets::related_ticket_id.eq(row.related_ticket_id),
                tickets::unrelated_reason.eq(&row.unrelated_reason),
                tickets::opened_at.eq(row.opened_at),
                tickets::created_at.eq(row.created_at),
            ),
        ))
        .returning(tickets::id)
        .get_result(b))
}

/// A customer's tickets that are open (neither closed nor cancelled).
pub fn open_of_customer(c: &mut DbConn, customer_id: i64) -> QueryResult<Vec<TicketRow>> {
    tickets::table
        .filter(tickets::customer_id.eq(customer_id))
        .filter(tickets::status.ne_all([TicketStatus::Closed.as_str(), TicketStatus::Cancelled.as_str()]))
        .select(TicketRow::as_select())
        .load(c)
}

/// The open tickets of an asset, or (without one) of a customer's site, newest first: what a
/// registration checks for a repeat contact.
pub fn open_for(
    c: &mut DbConn,
    customer_id: i64,
    asset_id: Option<i64>,
    site_id: Option<i64>,
    limit: i64,
) -> AppResult<Vec<TicketRow>> {
    let mut q = tickets::table
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "tickets.status NOT IN ('closed', 'cancelled')",
        ))
        .into_boxed();
    q = match (asset_id, site_id) {
        (Some(a), _) => q.filter(tickets::asset_id.eq(a)),
        (None, Some(s)) => q
            .filter(tickets::customer_id.eq(customer_id))
            .filter(tickets::site_id.eq(s)),
        (None, None) => return Ok(Vec::new()),
    };
    Ok(q.order(tickets::id.desc())
        .limit(limit)
        .select(TicketRow::as_select())
        .load(c)?)
}

/// The resolved tickets, the longest waiting first (their own index): id, when resolved, when
/// the customer was reminded.
pub fn resolved_oldest_first(
    c: &mut DbConn,
    limit: i64,
) -> QueryResult<Vec<(i64, NaiveDateTime, Option<NaiveDateTime>)>> {
    tickets::table
        .filter(tickets::status.eq(TicketStatus::Resolved.as_str()))
        .filter(tickets::resolved_at.is_not_null())
        .order((tickets::resolved_at, tickets::id))
        .limit(limit)
        .select((
            tickets::id,
            tickets::resolved_at.assume_not_null(),
            tickets::acceptance_reminded_at,
        ))
        .load(c)
}

/// The tickets whose next SLA check is due, soonest first: one range read of the next-check index.
pub fn due_for_check(c: &mut DbConn, now: DateTime<Utc>) -> QueryResult<Vec<i64>> {
    tickets::table
        .filter(tickets::next_check_at.le(ts(now)))
        .order((tickets::next_check_at, tickets::id))
        .select(tickets::id)
        .load(c)
}

pub fn active_users_with(c: &mut DbConn, role: Role) -> QueryResult<Vec<i64>> {
    users::table
        .filter(users::role.eq(role.as_str()))
        .filter(users::active.eq(true))
        .order(users::id)
        .select(users::id)
        .load(c)
}
