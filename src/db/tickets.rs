//! Tickets: registration, every step on the ladder (each with its timeline event and audit
//! record, in one transaction), SLA due times, and the breach scan.

use super::audit::{self, snapshot, Actor};
use super::schema::{
    acceptances, assets, contacts, customers, onsite_requests, remote_authorizations, service_regions, sites,
    ticket_events, tickets, users,
};
use super::{sla as policy, ts, utc, write, DbConn, Paging};
use crate::domain::escalation::{self, ClockState, SlaClock, SlaState};
use crate::domain::ladder::{self, Action, Refusal};
use crate::domain::sla::{self, Calendar, Targets};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    AuthorizationMethod, Channel, ClockMode, LadderTier, OnsiteRequest, OnsiteRequestId, OnsiteRequestStatus, Page,
    Priority, RegionClass, RemoteAuthorization, Role, Ticket, TicketEvent, TicketEventId, TicketId, TicketStatus, Tier,
    UserId,
};
use serde_json::{json, Value};

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
}

fn parse<T>(what: &str, v: &str, f: fn(&str) -> Option<T>) -> AppResult<T> {
    f(v).ok_or_else(|| AppError::internal(format!("stored {what} `{v}` is unknown")))
}

fn opt_utc(t: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
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

    fn targets(&self) -> AppResult<Targets> {
        Ok(Targets {
            response: Duration::minutes(self.response_minutes.into()),
            arrival: Duration::minutes(self.arrival_minutes.into()),
            resolution: Duration::minutes(self.resolution_minutes.into()),
            mode: self.mode()?,
        })
    }

    pub fn to_wire(&self) -> AppResult<Ticket> {
        Ok(Ticket {
            id: TicketId(self.id),
            number: self.number.clone(),
            customer_id: self.customer_id.into(),
            customer_tier: parse("tier", &self.customer_tier, Tier::parse)?,
            contact_id: self.contact_id.map(Into::into),
            site_id: self.site_id.map(Into::into),
            region_id: self.region_id.map(Into::into),
            region_class: parse("region class", &self.region_class, RegionClass::parse)?,
            asset_id: self.asset_id.map(Into::into),
            channel: parse("channel", &self.channel, Channel::parse)?,
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
            assignee_id: self.assignee_id.map(UserId),
            major_fault: self.major_fault,
            remote_authorized: self.remote_authorized,
            opened_at: utc(self.opened_at),
            clock_mode: self.mode()?,
            response_due_at: utc(self.response_due_at),
            arrival_due_at: opt_utc(self.arrival_due_at),
            resolution_due_at: utc(self.resolution_due_at),
            callback_due_at: opt_utc(self.callback_due_at),
            responded_at: opt_utc(self.responded_at),
            arrived_at: opt_utc(self.arrived_at),
            resolved_at: opt_utc(self.resolved_at),
            closed_at: opt_utc(self.closed_at),
            callback_done_at: opt_utc(self.callback_done_at),
            paused_at: opt_utc(self.paused_at),
            paused_seconds: self.paused_seconds,
            breached: self.breached,
            escalation_step: self.escalation_step,
            flagged_for_dispatch: self.flagged_for_dispatch,
            version: self.version,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }

    /// The SLA clocks as the scan sees them.
    pub fn sla_state(&self) -> AppResult<SlaState> {
        let status = self.status()?;
        let clock =
            |due: Option<NaiveDateTime>, met: Option<NaiveDateTime>, breached: Option<NaiveDateTime>| ClockState {
                due: opt_utc(due),
                met: opt_utc(met),
                breached: opt_utc(breached),
            };
        Ok(SlaState {
            response: clock(Some(self.response_due_at), self.responded_at, self.response_breached_at),
            arrival: clock(self.arrival_due_at, self.arrived_at, self.arrival_breached_at),
            resolution: clock(
                Some(self.resolution_due_at),
                self.resolved_at,
                self.resolution_breached_at,
            ),
            callback: clock(self.callback_due_at, self.callback_done_at, self.callback_breached_at),
            paused_at: opt_utc(self.paused_at),
            finished: matches!(status, TicketStatus::Resolved | TicketStatus::Closed),
            step: self.escalation_step,
        })
    }

    /// Sets the due times from the targets, the calendar and the pause so far, and the next check.
    fn recompute_dues(&mut self, cal: &Calendar, step_interval: Duration) -> AppResult<()> {
        let t = self.targets()?;
        let paused = Duration::seconds(self.paused_seconds);
        let opened = utc(self.opened_at);
        let d = sla::dues(cal, &t, opened, paused);
        let response = if self.channel == Channel::Email.as_str() {
            // An e-mailed request is answered by the end of the first working day (the day it
            // arrives, or the next one when it arrives after hours), moved by any pause.
            let due = cal.end_of_first_working_day(opened);
            if paused > Duration::zero() {
                sla::add(cal, t.mode, due, paused)
            } else {
                due
            }
        } else {
            d.response
        };
        self.response_due_at = ts(response);
        self.resolution_due_at = ts(d.resolution);
        self.arrival_due_at = self.onsite_at.map(|o| {
            ts(sla::arrival_due(
                cal,
                &t,
                utc(o),
                Duration::seconds(self.paused_seconds - self.onsite_paused_seconds),
            ))
        });
        self.refresh_next_check(step_interval)
    }

    fn refresh_next_check(&mut self, step_interval: Duration) -> AppResult<()> {
        self.next_check_at = escalation::next_check(&self.sla_state()?, step_interval).map(ts);
        Ok(())
    }

    fn stamp_breach(&mut self, clock: SlaClock, at: DateTime<Utc>) {
        let slot = match clock {
            SlaClock::Response => &mut self.response_breached_at,
            SlaClock::Arrival => &mut self.arrival_breached_at,
            SlaClock::Resolution => &mut self.resolution_breached_at,
            SlaClock::Callback => &mut self.callback_breached_at,
        };
        if slot.is_none() {
            *slot = Some(ts(at));
            self.breached = true;
        }
    }
}

/// Every column that changes after registration (also the bulk of the registration's insert).
#[derive(AsChangeset, Insertable)]
#[diesel(table_name = tickets, treat_none_as_null = true)]
struct TicketChanges<'a> {
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
        }
    }
}

pub fn get(conn: &mut DbConn, id: i64) -> AppResult<TicketRow> {
    tickets::table
        .find(id)
        .select(TicketRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("ticket", id))
}

/// Writes the changed row if nobody changed it meanwhile (optimistic: the version must match).
fn save(c: &mut DbConn, before: &TicketRow, row: &mut TicketRow, at: DateTime<Utc>) -> AppResult<()> {
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

/// One timeline entry (also for other parts, such as dispatch, that change a ticket's story).
#[allow(clippy::too_many_arguments)]
pub fn record_event(
    c: &mut DbConn,
    ticket_id: i64,
    actor: &Actor,
    kind: &str,
    from: Option<&str>,
    to: Option<&str>,
    reason: Option<&str>,
    data: Option<Value>,
) -> QueryResult<()> {
    diesel::insert_into(ticket_events::table)
        .values((
            ticket_events::ticket_id.eq(ticket_id),
            ticket_events::at.eq(ts(actor.at)),
            ticket_events::actor_id.eq(actor.id.map(|u| u.0)),
            ticket_events::kind.eq(kind),
            ticket_events::from_value.eq(from),
            ticket_events::to_value.eq(to),
            ticket_events::reason.eq(reason),
            ticket_events::data_json.eq(data.map(|d| d.to_string())),
        ))
        .execute(c)?;
    Ok(())
}

pub fn active_users_with(c: &mut DbConn, role: Role) -> QueryResult<Vec<i64>> {
    users::table
        .filter(users::role.eq(role.as_str()))
        .filter(users::active.eq(true))
        .order(users::id)
        .select(users::id)
        .load(c)
}

// ---------------------------------------------------------------- registration

/// A registration whose fields passed validation.
#[derive(Debug, Clone)]
pub struct Registration {
    pub customer_id: i64,
    pub contact_id: Option<i64>,
    pub site_id: Option<i64>,
    pub asset_id: Option<i64>,
    pub channel: Channel,
    pub priority: Priority,
    pub title: String,
    pub description: String,
    pub received_at: DateTime<Utc>,
}

/// Where a ticket's site puts it: the region and its class (urban when the site lies in no
/// region, the stricter limits).
fn place(c: &mut DbConn, site_id: Option<i64>) -> AppResult<(Option<i64>, RegionClass)> {
    let Some(site) = site_id else {
        return Ok((None, RegionClass::Urban));
    };
    let region: Option<i64> = sites::table.find(site).select(sites::region_id).first(c)?;
    let class = match region {
        Some(r) => {
            let class: String = service_regions::table.find(r).select(service_regions::class).first(c)?;
            RegionClass::parse(&class).unwrap_or(RegionClass::Urban)
        }
        None => RegionClass::Urban,
    };
    Ok((region, class))
}

/// Everything a registration reads (the customer's tier, the contact and asset copied onto the
/// ticket, the site's region, the policy, the calendar) and the row with its due times; the
/// number is given when it is stored.
fn prepare(
    c: &mut DbConn,
    actor: &Actor,
    owner: i64,
    r: &Registration,
    step_interval: Duration,
) -> AppResult<TicketRow> {
    let tier: String = customers::table
        .find(r.customer_id)
        .select(customers::tier)
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::validation("customer_id", format!("no customer with id {}", r.customer_id)))?;
    let tier_enum = parse("tier", &tier, Tier::parse)?;
    let contact = match r.contact_id {
        Some(id) => {
            let (customer, name, phone, email): (i64, String, Option<String>, Option<String>) = contacts::table
                .find(id)
                .select((contacts::customer_id, contacts::name, contacts::phone, contacts::email))
                .first(c)
                .optional()?
                .ok_or_else(|| AppError::validation("contact_id", format!("no contact with id {id}")))?;
            if customer != r.customer_id {
                return Err(AppError::validation(
                    "contact_id",
                    "the contact belongs to another customer",
                ));
            }
            Some((name, phone, email))
        }
        None => None,
    };
    let asset = match r.asset_id {
        Some(id) => {
            let a: (i64, i64, String, String, Option<NaiveDate>) = assets::table
                .find(id)
                .select((
                    assets::customer_id,
                    assets::site_id,
                    assets::model,
                    assets::serial_number,
                    assets::purchase_date,
                ))
                .first(c)
                .optional()?
                .ok_or_else(|| AppError::validation("asset_id", format!("no asset with id {id}")))?;
            if a.0 != r.customer_id {
                return Err(AppError::validation(
                    "asset_id",
                    "the asset belongs to another customer",
                ));
            }
            if r.site_id.is_some_and(|s| s != a.1) {
                return Err(AppError::validation("asset_id", "the asset stands at another site"));
            }
            Some(a)
        }
        None => None,
    };
    let site_id = r.site_id.or(asset.as_ref().map(|a| a.1));
    if let Some(s) = r.site_id {
        let customer: i64 = sites::table
            .find(s)
            .select(sites::customer_id)
            .first(c)
            .optional()?
            .ok_or_else(|| AppError::validation("site_id", format!("no site with id {s}")))?;
        if customer != r.customer_id {
            return Err(AppError::validation("site_id", "the site belongs to another customer"));
        }
    }
    let (region_id, class) = place(c, site_id)?;
    let targets = policy::targets_for(c, tier_enum, r.priority, class)?;
    let cal = policy::calendar(c)?;
    let now = ts(actor.at);
    let opened = ts(r.received_at);
    let mut row = TicketRow {
        id: 0,
        number: String::new(),
        customer_id: r.customer_id,
        customer_tier: tier,
        contact_id: r.contact_id,
        site_id,
        region_id,
        region_class: class.as_str().into(),
        asset_id: r.asset_id,
        channel: r.channel.as_str().into(),
        priority: r.priority.as_str().into(),
        title: r.title.clone(),
        description: r.description.clone(),
        product_model: asset.as_ref().map(|a| a.2.clone()),
        serial_number: asset.as_ref().map(|a| a.3.clone()),
        purchase_date: asset.as_ref().and_then(|a| a.4),
        contact_name: contact.as_ref().map(|x| x.0.clone()),
        contact_phone: contact.as_ref().and_then(|x| x.1.clone()),
        contact_email: contact.as_ref().and_then(|x| x.2.clone()),
        ladder_tier: LadderTier::Hotline.as_str().into(),
        status: TicketStatus::New.as_str().into(),
        owner_id: owner,
        assignee_id: Some(owner),
        created_by: owner,
        major_fault: false,
        remote_authorized: false,
        opened_at: opened,
        clock_mode: targets.mode.as_str().into(),
        response_minutes: targets.response.num_minutes() as i32,
        arrival_minutes: targets.arrival.num_minutes() as i32,
        resolution_minutes: targets.resolution.num_minutes() as i32,
        paused_seconds: 0,
        paused_at: None,
        onsite_at: None,
        onsite_paused_seconds: 0,
        response_due_at: opened,
        arrival_due_at: None,
        resolution_due_at: opened,
        callback_due_at: None,
        responded_at: None,
        arrived_at: None,
        resolved_at: None,
        closed_at: None,
        callback_done_at: None,
        breached: false,
        response_breached_at: None,
        arrival_breached_at: None,
        resolution_breached_at: None,
        callback_breached_at: None,
        escalation_step: 0,
        next_check_at: None,
        flagged_for_dispatch: false,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    row.recompute_dues(&cal, step_interval)?;
    Ok(row)
}

pub fn register(c: &mut DbConn, actor: &Actor, r: Registration, step_interval: Duration) -> AppResult<Ticket> {
    let owner = actor
        .id
        .ok_or_else(|| AppError::internal("a ticket needs a registering user"))?
        .0;
    // The reads need no write lock, so they run beside other registrations' writes.
    let mut row = prepare(c, actor, owner, &r, step_interval)?;
    write(c, |c| {
        // The tier decides the targets; if it changed meanwhile, read everything again here.
        let tier: Option<String> = customers::table
            .find(r.customer_id)
            .select(customers::tier)
            .first(c)
            .optional()?;
        if tier.as_deref() != Some(row.customer_tier.as_str()) {
            row = prepare(c, actor, owner, &r, step_interval)?;
        }
        store_registration(c, actor, &r, row)
    })
}

/// `register` inside the caller's transaction, for a ticket opened by another change (a
/// revisit's unsatisfied outcome).
pub fn register_in_tx(c: &mut DbConn, actor: &Actor, r: &Registration, step_interval: Duration) -> AppResult<Ticket> {
    let owner = actor
        .id
        .ok_or_else(|| AppError::internal("a ticket needs a registering user"))?
        .0;
    register_owned_in_tx(c, actor, owner, r, step_interval)
}

/// `register_in_tx` with a first responder other than the registering user (a problem a
/// technician finds on an inspection goes to the staff member who owns the plan).
pub fn register_owned_in_tx(
    c: &mut DbConn,
    actor: &Actor,
    owner: i64,
    r: &Registration,
    step_interval: Duration,
) -> AppResult<Ticket> {
    let row = prepare(c, actor, owner, r, step_interval)?;
    store_registration(c, actor, r, row)
}

/// Numbers and stores a prepared registration with its timeline event and audit record.
fn store_registration(c: &mut DbConn, actor: &Actor, r: &Registration, mut row: TicketRow) -> AppResult<Ticket> {
    let year = r.received_at.year();
    let seq = super::next_ticket_number(c, year)?;
    row.number = format!("FL-{year}-{seq:06}");
    let id: i64 = diesel::insert_into(tickets::table)
        .values((
            TicketChanges::from(&row),
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
                tickets::opened_at.eq(row.opened_at),
                tickets::created_at.eq(row.created_at),
            ),
        ))
        .returning(tickets::id)
        .get_result(c)?;
    row.id = id;
    let out = row.to_wire()?;
    record_event(
        c,
        id,
        actor,
        "registered",
        None,
        Some(TicketStatus::New.as_str()),
        None,
        Some(json!({
            "number": out.number, "channel": out.channel, "priority": out.priority,
            "response_due_at": out.response_due_at, "resolution_due_at": out.resolution_due_at,
        })),
    )?;
    audit::record(c, actor, "ticket", id, "create", None, snapshot(&out))?;
    Ok(out)
}

// ---------------------------------------------------------------- changes

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
    /// Marks the ticket a major fault; `details` go into the timeline entry.
    MajorFault {
        reason: Option<String>,
        details: Option<Value>,
    },
    Update {
        priority: Option<Priority>,
        site_id: Option<i64>,
        title: Option<String>,
        description: Option<String>,
        reason: Option<String>,
    },
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

/// Who may touch a ticket: its owner and assignee, supervisors and admins; dispatchers record
/// arrivals and assign; anyone in the office may raise a major fault.
pub fn may(role: Role, user: i64, row: &TicketRow, change: &Change) -> bool {
    let involved = row.owner_id == user || row.assignee_id == Some(user);
    let lead = matches!(role, Role::Admin | Role::Supervisor);
    match change {
        Change::MajorFault { .. } => role != Role::Technician || involved,
        Change::Arrived { .. } | Change::Assign { .. } => involved || lead || role == Role::Dispatcher,
        Change::Handoff { .. } => row.owner_id == user || lead,
        _ => involved || lead,
    }
}

fn refusal(r: Refusal) -> AppError {
    match r {
        Refusal::ReasonRequired => AppError::validation("reason", r.to_string()),
        other => AppError::InvalidTransition(other.to_string()),
    }
}

fn user_role(c: &mut DbConn, id: i64, field: &str) -> AppResult<Role> {
    let (role, active): (String, bool) = users::table
        .find(id)
        .select((users::role, users::active))
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::validation(field, format!("no user with id {id}")))?;
    if !active {
        return Err(AppError::validation(field, format!("user {id} is disabled")));
    }
    Role::parse(&role).ok_or_else(|| AppError::internal(format!("user {id} has unknown role")))
}

/// Applies a change: checks who may, asks the ladder, moves the clocks, writes the ticket, its
/// timeline entries, notifications and the audit record, all in one transaction.
pub fn act(
    c: &mut DbConn,
    actor: &Actor,
    role: Role,
    id: i64,
    change: Change,
    step_interval: Duration,
) -> AppResult<Ticket> {
    write(c, |c| change_in_tx(c, actor, Some(role), id, change, step_interval))
}

/// `act` inside the caller's transaction. With `role` None the permission was checked by the
/// caller (a visit's check-in records the ticket's arrival for the visit's technician).
pub fn change_in_tx(
    c: &mut DbConn,
    actor: &Actor,
    role: Option<Role>,
    id: i64,
    change: Change,
    step_interval: Duration,
) -> AppResult<Ticket> {
    let user = actor.id.ok_or_else(|| AppError::internal("a change needs a user"))?.0;
    let before = get(c, id)?;
    if let Some(role) = role {
        if role == Role::Technician && !(before.owner_id == user || before.assignee_id == Some(user)) {
            return Err(AppError::not_found("ticket", id));
        }
        if !may(role, user, &before, &change) {
            return Err(AppError::Forbidden(format!(
                "the {role} role may not do this to a ticket it does not own"
            )));
        }
    }
    let status = before.status()?;
    if status == TicketStatus::Closed {
        return Err(AppError::InvalidTransition(format!(
            "ticket {} is closed",
            before.number
        )));
    }
    let now = actor.at;
    let cal = policy::calendar(c)?;
    let mut row = before.clone();
    let ev = |c: &mut DbConn,
              kind: &str,
              from: Option<&str>,
              to: Option<&str>,
              reason: Option<&str>,
              data: Option<Value>| { record_event(c, id, actor, kind, from, to, reason, data) };
    match &change {
        Change::Ladder { action, reason, window } => {
            let domain_action = match *action {
                LadderAction::Start => Action::Start,
                LadderAction::Wait => Action::WaitOnCustomer,
                LadderAction::Resume => Action::Resume,
                LadderAction::Escalate(to) => Action::Escalate {
                    to,
                    reason: reason.as_deref(),
                },
                LadderAction::Resolve => Action::Resolve,
            };
            let state = ladder::State {
                tier: before.tier()?,
                status,
                remote_authorized: before.remote_authorized,
            };
            let next = ladder::apply(&state, &domain_action).map_err(refusal)?;
            if let LadderAction::Escalate(LadderTier::Onsite) = action {
                let (start, end) = window.ok_or_else(|| {
                    AppError::validation("window_start", "give the visit window agreed with the customer")
                })?;
                if end <= start {
                    return Err(AppError::validation("window_end", "must be after window_start"));
                }
                if end <= now {
                    return Err(AppError::validation("window_end", "must be in the future"));
                }
            }
            // The first thing done on a ticket is its response.
            if row.responded_at.is_none() {
                row.responded_at = Some(ts(now));
                if escalation::late(utc(row.response_due_at), now) {
                    row.stamp_breach(SlaClock::Response, now);
                }
            }
            match next.pause {
                Some(true) => row.paused_at = Some(ts(now)),
                Some(false) => {
                    if let Some(p) = row.paused_at.take() {
                        row.paused_seconds += sla::elapsed(&cal, row.mode()?, utc(p), now).num_seconds();
                    }
                }
                None => {}
            }
            row.ladder_tier = next.tier.as_str().into();
            row.status = next.status.as_str().into();
            match action {
                LadderAction::Escalate(to) => {
                    let data = json!({"skipped_tier": next.skipped_tier});
                    ev(
                        c,
                        "escalated",
                        Some(&before.ladder_tier),
                        Some(to.as_str()),
                        reason.as_deref(),
                        Some(data),
                    )?;
                    if *to == LadderTier::Onsite {
                        row.onsite_at = Some(ts(now));
                        row.onsite_paused_seconds = row.paused_seconds;
                        let (start, end) = window.expect("checked above");
                        let req: i64 = diesel::insert_into(onsite_requests::table)
                            .values((
                                onsite_requests::ticket_id.eq(id),
                                onsite_requests::window_start.eq(ts(start)),
                                onsite_requests::window_end.eq(ts(end)),
                                onsite_requests::status.eq(OnsiteRequestStatus::Open.as_str()),
                                onsite_requests::notes.eq(reason.as_deref()),
                                onsite_requests::created_by.eq(user),
                                onsite_requests::created_at.eq(ts(now)),
                                onsite_requests::updated_at.eq(ts(now)),
                            ))
                            .returning(onsite_requests::id)
                            .get_result(c)?;
                        let data = json!({"onsite_request_id": req, "window_start": start, "window_end": end});
                        ev(c, "onsite_requested", None, None, None, Some(data))?;
                    }
                }
                LadderAction::Resolve => {
                    row.resolved_at = Some(ts(now));
                    if escalation::late(utc(row.resolution_due_at), now) {
                        row.stamp_breach(SlaClock::Resolution, now);
                    }
                    ev(
                        c,
                        "resolved",
                        Some(&before.status),
                        Some(&row.status),
                        reason.as_deref(),
                        None,
                    )?;
                }
                LadderAction::Start => ev(
                    c,
                    "started",
                    Some(&before.status),
                    Some(&row.status),
                    reason.as_deref(),
                    None,
                )?,
                LadderAction::Wait => ev(
                    c,
                    "waiting",
                    Some(&before.status),
                    Some(&row.status),
                    reason.as_deref(),
                    None,
                )?,
                LadderAction::Resume => {
                    let data = json!({"paused_seconds": row.paused_seconds});
                    ev(
                        c,
                        "resumed",
                        Some(&before.status),
                        Some(&row.status),
                        reason.as_deref(),
                        Some(data),
                    )?
                }
            }
            row.recompute_dues(&cal, step_interval)?;
        }
        Change::Accept {
            accepted_by,
            satisfied,
            comment,
        } => {
            let state = ladder::State {
                tier: before.tier()?,
                status,
                remote_authorized: before.remote_authorized,
            };
            let next = ladder::apply(&state, &Action::Accept { satisfied: *satisfied }).map_err(refusal)?;
            diesel::insert_into(acceptances::table)
                .values((
                    acceptances::ticket_id.eq(id),
                    acceptances::accepted_by.eq(accepted_by),
                    acceptances::satisfied.eq(*satisfied),
                    acceptances::comment.eq(comment.as_deref()),
                    acceptances::recorded_by.eq(user),
                    acceptances::accepted_at.eq(ts(now)),
                ))
                .execute(c)?;
            row.status = next.status.as_str().into();
            let data = json!({"accepted_by": accepted_by, "satisfied": satisfied});
            if *satisfied {
                row.closed_at = Some(ts(now));
                ev(
                    c,
                    "accepted",
                    Some(&before.status),
                    Some(&row.status),
                    comment.as_deref(),
                    Some(data),
                )?;
            } else {
                // Work goes on: the resolution clock runs again against the original due time.
                row.resolved_at = None;
                ev(
                    c,
                    "reopened",
                    Some(&before.status),
                    Some(&row.status),
                    comment.as_deref(),
                    Some(data),
                )?;
            }
            row.refresh_next_check(step_interval)?;
        }
        Change::Handoff { to, reason } => {
            if *to == before.owner_id {
                return Err(AppError::validation(
                    "to_user_id",
                    "the ticket already belongs to this user",
                ));
            }
            let r = user_role(c, *to, "to_user_id")?;
            if !matches!(r, Role::Agent | Role::Supervisor | Role::RemoteEngineer) {
                return Err(AppError::validation("to_user_id", format!("a {r} cannot own tickets")));
            }
            row.owner_id = *to;
            ev(
                c,
                "handoff",
                Some(&before.owner_id.to_string()),
                Some(&to.to_string()),
                Some(reason),
                None,
            )?;
            let msg = format!("Ticket {} was handed to you: {reason}", row.number);
            super::notifications::notify(c, &[*to], id, "handoff", &msg, now)?;
        }
        Change::Assign { to, reason } => {
            if let Some(u) = to {
                let r = user_role(c, *u, "assignee_id")?;
                if !matches!(
                    r,
                    Role::Agent | Role::Supervisor | Role::RemoteEngineer | Role::Technician
                ) {
                    return Err(AppError::validation(
                        "assignee_id",
                        format!("a {r} cannot work tickets"),
                    ));
                }
                let msg = format!("Ticket {} was assigned to you", row.number);
                super::notifications::notify(c, &[*u], id, "assigned", &msg, now)?;
            }
            row.assignee_id = *to;
            let from = before.assignee_id.map(|u| u.to_string());
            ev(
                c,
                "assigned",
                from.as_deref(),
                to.map(|u| u.to_string()).as_deref(),
                reason.as_deref(),
                None,
            )?;
        }
        Change::Authorize { by, method, at, note } => {
            diesel::insert_into(remote_authorizations::table)
                .values((
                    remote_authorizations::ticket_id.eq(id),
                    remote_authorizations::authorized_by.eq(by),
                    remote_authorizations::method.eq(method.as_str()),
                    remote_authorizations::authorized_at.eq(ts(*at)),
                    remote_authorizations::recorded_by.eq(user),
                    remote_authorizations::note.eq(note.as_deref()),
                    remote_authorizations::created_at.eq(ts(now)),
                ))
                .execute(c)?;
            row.remote_authorized = true;
            let data = json!({"authorized_by": by, "method": method, "authorized_at": at});
            ev(
                c,
                "authorization",
                None,
                Some(method.as_str()),
                note.as_deref(),
                Some(data),
            )?;
        }
        Change::RequestCallback { reason } => {
            if row.callback_due_at.is_some() && row.callback_done_at.is_none() {
                return Err(AppError::InvalidTransition("a callback is already due".into()));
            }
            row.callback_due_at = Some(ts(now + Duration::hours(sla::CALLBACK_HOURS)));
            row.callback_done_at = None;
            row.callback_breached_at = None;
            let due = row.callback_due_at.map(utc);
            ev(
                c,
                "callback_requested",
                None,
                None,
                reason.as_deref(),
                Some(json!({"callback_due_at": due})),
            )?;
            row.refresh_next_check(step_interval)?;
        }
        Change::CallbackDone { reason } => {
            let due = match (row.callback_due_at, row.callback_done_at) {
                (Some(d), None) => utc(d),
                _ => return Err(AppError::InvalidTransition("no callback is due".into())),
            };
            row.callback_done_at = Some(ts(now));
            if escalation::late(due, now) {
                row.stamp_breach(SlaClock::Callback, now);
            }
            ev(c, "callback_done", None, None, reason.as_deref(), None)?;
            row.refresh_next_check(step_interval)?;
        }
        Change::Arrived { at } => {
            if before.tier()? != LadderTier::Onsite {
                return Err(AppError::InvalidTransition(
                    "only an on-site ticket has an arrival".into(),
                ));
            }
            if row.arrived_at.is_some() {
                return Err(AppError::InvalidTransition("the arrival is already recorded".into()));
            }
            if *at > now {
                return Err(AppError::validation("arrived_at", "must not be in the future"));
            }
            row.arrived_at = Some(ts(*at));
            if row.arrival_due_at.is_some_and(|d| escalation::late(utc(d), *at)) {
                row.stamp_breach(SlaClock::Arrival, now);
            }
            ev(c, "arrived", None, None, None, Some(json!({"arrived_at": at})))?;
            row.refresh_next_check(step_interval)?;
        }
        Change::MajorFault { reason, details } => {
            if row.major_fault {
                return Err(AppError::InvalidTransition(
                    "the ticket is already a major fault".into(),
                ));
            }
            row.major_fault = true;
            ev(c, "major_fault", None, None, reason.as_deref(), details.clone())?;
        }
        Change::Update {
            priority,
            site_id,
            title,
            description,
            reason,
        } => {
            if let Some(t) = title {
                row.title = t.clone();
            }
            if let Some(d) = description {
                row.description = d.clone();
            }
            if let Some(p) = priority {
                row.priority = p.as_str().into();
            }
            if let Some(s) = site_id {
                let customer: i64 = sites::table
                    .find(*s)
                    .select(sites::customer_id)
                    .first(c)
                    .optional()?
                    .ok_or_else(|| AppError::validation("site_id", format!("no site with id {s}")))?;
                if customer != row.customer_id {
                    return Err(AppError::validation("site_id", "the site belongs to another customer"));
                }
                row.site_id = Some(*s);
                let (region, class) = place(c, Some(*s))?;
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
                return before.to_wire();
            }
            ev(
                c,
                "updated",
                None,
                None,
                reason.as_deref(),
                Some(json!({"fields": changed})),
            )?;
            if row.priority != before.priority || row.region_class != before.region_class {
                retarget(c, actor, &mut row, &before, &cal, step_interval, reason.as_deref())?;
            }
        }
    }
    save(c, &before, &mut row, now)?;
    let out = row.to_wire()?;
    audit::record(
        c,
        actor,
        "ticket",
        id,
        change_name(&change),
        snapshot(&before.to_wire()?),
        snapshot(&out),
    )?;
    Ok(out)
}

fn change_name(c: &Change) -> &'static str {
    match c {
        Change::Ladder { action, .. } => match action {
            LadderAction::Start => "start",
            LadderAction::Wait => "wait_on_customer",
            LadderAction::Resume => "resume",
            LadderAction::Escalate(_) => "escalate",
            LadderAction::Resolve => "resolve",
        },
        Change::Accept { .. } => "accept",
        Change::Handoff { .. } => "handoff",
        Change::Assign { .. } => "assign",
        Change::Authorize { .. } => "authorize_remote",
        Change::RequestCallback { .. } => "request_callback",
        Change::CallbackDone { .. } => "callback_done",
        Change::Arrived { .. } => "arrived",
        Change::MajorFault { .. } => "major_fault",
        Change::Update { .. } => "update",
    }
}

/// New targets from the policy (after a priority, customer tier or site change) and the due
/// times they give, recorded in the timeline with the old and new due times.
fn retarget(
    c: &mut DbConn,
    actor: &Actor,
    row: &mut TicketRow,
    before: &TicketRow,
    cal: &Calendar,
    step_interval: Duration,
    reason: Option<&str>,
) -> AppResult<()> {
    let tier = parse("tier", &row.customer_tier, Tier::parse)?;
    let priority = parse("priority", &row.priority, Priority::parse)?;
    let class = parse("region class", &row.region_class, RegionClass::parse)?;
    let t = policy::targets_for(c, tier, priority, class)?;
    row.response_minutes = t.response.num_minutes() as i32;
    row.arrival_minutes = t.arrival.num_minutes() as i32;
    row.resolution_minutes = t.resolution.num_minutes() as i32;
    row.clock_mode = t.mode.as_str().into();
    row.recompute_dues(cal, step_interval)?;
    let data = json!({
        "before": {"response_due_at": utc(before.response_due_at), "arrival_due_at": opt_utc(before.arrival_due_at),
                   "resolution_due_at": utc(before.resolution_due_at), "clock_mode": before.clock_mode},
        "after": {"response_due_at": utc(row.response_due_at), "arrival_due_at": opt_utc(row.arrival_due_at),
                  "resolution_due_at": utc(row.resolution_due_at), "clock_mode": row.clock_mode},
    });
    record_event(c, row.id, actor, "dues_recomputed", None, None, reason, Some(data))?;
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
    let open: Vec<TicketRow> = tickets::table
        .filter(tickets::customer_id.eq(customer_id))
        .filter(tickets::status.ne(TicketStatus::Closed.as_str()))
        .select(TicketRow::as_select())
        .load(c)?;
    if open.is_empty() {
        return Ok(0);
    }
    let cal = policy::calendar(c)?;
    for before in &open {
        let mut row = before.clone();
        row.customer_tier = tier.as_str().into();
        let reason = format!("customer tier changed from {} to {tier}", before.customer_tier);
        retarget(c, actor, &mut row, before, &cal, step_interval, Some(&reason))?;
        save(c, before, &mut row, actor.at)?;
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

// ---------------------------------------------------------------- reading

#[derive(Debug, Default, Clone)]
pub struct TicketFilter {
    pub status: Option<TicketStatus>,
    /// Only tickets that are not closed.
    pub open: Option<bool>,
    pub tier: Option<LadderTier>,
    pub owner_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub region_id: Option<i64>,
    pub breached: Option<bool>,
    pub major_fault: Option<bool>,
    /// Resolution due before this moment.
    pub due_before: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketSort {
    /// Resolution due time, soonest first.
    #[default]
    Due,
    /// Newest first.
    Opened,
}

/// `status <> 'closed'`, written into the statement rather than bound. The partial indexes of
/// the open tickets (`WHERE status <> 'closed'`) then prove the condition when the statement is
/// prepared, so a list or count reads their entries alone; with a bound value the database
/// must read each entry's row to check the status again (at 1,000,000 tickets, 78 ms instead of
/// 2 ms to count the open ones on SQLite).
fn open_tickets() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql("tickets.status <> 'closed'")
}

/// `tickets.<column> = '<value>'` for a column of a few skewed values (the status, the tier),
/// the value written into the statement (one of the service's own names, never the caller's
/// text). PostgreSQL then keeps a plan per value: with the value bound, the statement cached on
/// the connection may after five runs get a generic plan made without it, and for the 10,001st
/// ticket `in_progress` (a list's count cap) that plan read the table from its start
/// (docs/benchmarks.md).
fn ticket_is(column: &'static str, value: &'static str) -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql(&format!("tickets.{column} = '{value}'"))
}

/// How a ticket list counts its matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    /// Up to this many (`FIELDLINE_LIST_COUNT_CAP`): past it the page says `total_capped`, so a
    /// list's cost does not grow with the years of tickets behind it.
    UpTo(i64),
    /// Every match, however many.
    Exact,
}

pub fn list(
    c: &mut DbConn,
    f: &TicketFilter,
    sort: TicketSort,
    paging: Paging,
    count: Total,
) -> AppResult<Page<Ticket>> {
    let query = || {
        let mut q = tickets::table.into_boxed();
        if let Some(s) = f.status {
            q = q.filter(ticket_is("status", s.as_str()));
        }
        match f.open {
            Some(true) => q = q.filter(open_tickets()),
            Some(false) => q = q.filter(ticket_is("status", TicketStatus::Closed.as_str())),
            None => {}
        }
        if let Some(t) = f.tier {
            q = q.filter(ticket_is("ladder_tier", t.as_str()));
        }
        if let Some(o) = f.owner_id {
            q = q.filter(tickets::owner_id.eq(o));
        }
        if let Some(a) = f.assignee_id {
            q = q.filter(tickets::assignee_id.eq(a));
        }
        if let Some(cu) = f.customer_id {
            q = q.filter(tickets::customer_id.eq(cu));
        }
        if let Some(r) = f.region_id {
            q = q.filter(tickets::region_id.eq(r));
        }
        if let Some(b) = f.breached {
            q = q.filter(tickets::breached.eq(b));
        }
        if let Some(m) = f.major_fault {
            q = q.filter(tickets::major_fault.eq(m));
        }
        if let Some(d) = f.due_before {
            q = q.filter(tickets::resolution_due_at.lt(ts(d)));
        }
        q
    };
    // Whether a match lies past the cap: reads at most cap + 1 matches, not all of them.
    let capped = match count {
        Total::UpTo(cap) => query()
            .select(tickets::id)
            .offset(cap)
            .limit(1)
            .first::<i64>(c)
            .optional()?
            .map(|_| cap),
        Total::Exact => None,
    };
    let total = match capped {
        Some(cap) => cap,
        None => query().count().get_result(c)?,
    };
    let q = match sort {
        TicketSort::Due => query().order((tickets::resolution_due_at.asc(), tickets::id.asc())),
        TicketSort::Opened => query().order((tickets::opened_at.desc(), tickets::id.desc())),
    };
    let rows: Vec<TicketRow> = q
        .limit(paging.limit)
        .offset(paging.offset)
        .select(TicketRow::as_select())
        .load(c)?;
    let items = rows.iter().map(TicketRow::to_wire).collect::<AppResult<_>>()?;
    Ok(Page {
        total_capped: capped.is_some(),
        ..paging.page(items, total)
    })
}

/// Every event of a ticket, oldest first.
pub fn timeline(c: &mut DbConn, ticket_id: i64) -> AppResult<Vec<TicketEvent>> {
    #[derive(Queryable, Selectable)]
    #[diesel(table_name = ticket_events)]
    struct Row {
        id: i64,
        ticket_id: i64,
        at: NaiveDateTime,
        actor_id: Option<i64>,
        kind: String,
        from_value: Option<String>,
        to_value: Option<String>,
        reason: Option<String>,
        data_json: Option<String>,
    }
    let rows: Vec<Row> = ticket_events::table
        .filter(ticket_events::ticket_id.eq(ticket_id))
        .order(ticket_events::id)
        .select(Row::as_select())
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(|r| TicketEvent {
            id: TicketEventId(r.id),
            ticket_id: TicketId(r.ticket_id),
            at: utc(r.at),
            actor_id: r.actor_id.map(UserId),
            kind: r.kind,
            from: r.from_value,
            to: r.to_value,
            reason: r.reason,
            data: r.data_json.and_then(|d| serde_json::from_str(&d).ok()),
        })
        .collect())
}

pub fn authorizations(c: &mut DbConn, ticket_id: i64) -> AppResult<Vec<RemoteAuthorization>> {
    type Row = (i64, i64, String, String, NaiveDateTime, i64, Option<String>);
    let rows: Vec<Row> = remote_authorizations::table
        .filter(remote_authorizations::ticket_id.eq(ticket_id))
        .order(remote_authorizations::id)
        .select((
            remote_authorizations::id,
            remote_authorizations::ticket_id,
            remote_authorizations::authorized_by,
            remote_authorizations::method,
            remote_authorizations::authorized_at,
            remote_authorizations::recorded_by,
            remote_authorizations::note,
        ))
        .load(c)?;
    rows.into_iter()
        .map(|r| {
            Ok(RemoteAuthorization {
                id: r.0,
                ticket_id: TicketId(r.1),
                authorized_by: r.2,
                method: parse("method", &r.3, AuthorizationMethod::parse)?,
                authorized_at: utc(r.4),
                recorded_by: UserId(r.5),
                note: r.6,
            })
        })
        .collect()
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = onsite_requests)]
pub struct OnsiteRow {
    pub id: i64,
    pub ticket_id: i64,
    pub window_start: NaiveDateTime,
    pub window_end: NaiveDateTime,
    pub status: String,
    pub notes: Option<String>,
    pub flagged_at: Option<NaiveDateTime>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl OnsiteRow {
    pub fn to_wire(&self) -> AppResult<OnsiteRequest> {
        Ok(OnsiteRequest {
            id: OnsiteRequestId(self.id),
            ticket_id: TicketId(self.ticket_id),
            window_start: utc(self.window_start),
            window_end: utc(self.window_end),
            status: parse("on-site request status", &self.status, OnsiteRequestStatus::parse)?,
            notes: self.notes.clone(),
            flagged_at: opt_utc(self.flagged_at),
            created_by: UserId(self.created_by),
            created_at: utc(self.created_at),
        })
    }
}

/// On-site registrations, flagged ones first, then by window.
pub fn onsite_requests(
    c: &mut DbConn,
    status: Option<OnsiteRequestStatus>,
    ticket_id: Option<i64>,
    paging: Paging,
) -> AppResult<Page<OnsiteRequest>> {
    let query = || {
        let mut q = onsite_requests::table.into_boxed();
        if let Some(s) = status {
            q = q.filter(onsite_requests::status.eq(s.as_str()));
        }
        if let Some(t) = ticket_id {
            q = q.filter(onsite_requests::ticket_id.eq(t));
        }
        q
    };
    let total = query().count().get_result(c)?;
    let rows: Vec<OnsiteRow> = query()
        .order((
            onsite_requests::flagged_at.is_null(),
            onsite_requests::window_start,
            onsite_requests::id,
        ))
        .limit(paging.limit)
        .offset(paging.offset)
        .select(OnsiteRow::as_select())
        .load(c)?;
    let items = rows.iter().map(OnsiteRow::to_wire).collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

// ---------------------------------------------------------------- the SLA scan

/// Looks at every ticket whose next check is due: records the breaches it has just missed and
/// takes the alert steps due (owner, then supervisors, then managers; an on-site ticket is also
/// flagged to dispatch). Each ticket is its own transaction, and a step taken is stored with it,
/// so running the scan again (or on another node) never repeats a step. Returns (tickets
/// examined, breaches and steps taken).
pub fn scan(c: &mut DbConn, now: DateTime<Utc>, step_interval: Duration) -> AppResult<(i64, i64)> {
    // One range read of the next-check index; each ticket found is then handled on its own.
    let due: Vec<i64> = tickets::table
        .filter(tickets::next_check_at.le(ts(now)))
        .order((tickets::next_check_at, tickets::id))
        .select(tickets::id)
        .load(c)?;
    let mut actions = 0;
    for &id in &due {
        // A ticket changed by someone at the same moment (or failing for any reason) is left
        // for the next run; it must not hold up the others.
        match scan_one(c, id, now, step_interval) {
            Ok(n) => actions += n,
            Err(e) => tracing::warn!(ticket = id, error = %e, "SLA scan skipped a ticket; the next run retries it"),
        }
    }
    Ok((due.len() as i64, actions))
}

fn scan_one(c: &mut DbConn, id: i64, now: DateTime<Utc>, step_interval: Duration) -> AppResult<i64> {
    let actor = Actor::system(now);
    write(c, |c| {
        let before = get(c, id)?;
        if before.next_check_at.is_none_or(|t| utc(t) > now) {
            return Ok(0); // another run got here first
        }
        let decision = escalation::decide(&before.sla_state()?, now, step_interval);
        let mut row = before.clone();
        for clock in &decision.breaches {
            row.stamp_breach(*clock, now);
            let due = row.sla_state()?.clock(*clock).due;
            record_event(
                c,
                id,
                &actor,
                "sla_breach",
                due.map(|d| d.to_rfc3339()).as_deref(),
                Some(clock.as_str()),
                None,
                None,
            )?;
        }
        let onsite = row.tier()? == LadderTier::Onsite;
        for &step in &decision.steps {
            let (who, recipients) = match step {
                1 => (
                    "owner",
                    [Some(row.owner_id), row.assignee_id.filter(|a| *a != row.owner_id)]
                        .into_iter()
                        .flatten()
                        .collect(),
                ),
                2 => ("supervisors", active_users_with(c, Role::Supervisor)?),
                _ => ("managers", active_users_with(c, Role::Manager)?),
            };
            let msg = format!(
                "Ticket {} has missed its service level ({}); alert step {step}: {who}",
                row.number, row.title
            );
            super::notifications::notify(c, &recipients, id, "sla_alert", &msg, now)?;
            record_event(
                c,
                id,
                &actor,
                "sla_alert",
                Some(&(step - 1).to_string()),
                Some(&step.to_string()),
                Some(who),
                Some(json!({"recipients": recipients})),
            )?;
            if step == 1 && onsite && !row.flagged_for_dispatch {
                row.flagged_for_dispatch = true;
                diesel::update(
                    onsite_requests::table
                        .filter(onsite_requests::ticket_id.eq(id))
                        .filter(onsite_requests::status.eq(OnsiteRequestStatus::Open.as_str()))
                        .filter(onsite_requests::flagged_at.is_null()),
                )
                .set(onsite_requests::flagged_at.eq(ts(now)))
                .execute(c)?;
                let dispatchers = active_users_with(c, Role::Dispatcher)?;
                let msg = format!(
                    "On-site ticket {} is past its service level: dispatch it first",
                    row.number
                );
                super::notifications::notify(c, &dispatchers, id, "dispatch_flag", &msg, now)?;
                record_event(c, id, &actor, "dispatch_flagged", None, None, None, None)?;
            }
            row.escalation_step = step;
        }
        row.refresh_next_check(step_interval)?;
        save(c, &before, &mut row, now)?;
        let taken = (decision.breaches.len() + decision.steps.len()) as i64;
        if taken > 0 {
            audit::record(
                c,
                &actor,
                "ticket",
                id,
                "sla_scan",
                snapshot(&before.to_wire()?),
                snapshot(&row.to_wire()?),
            )?;
        }
        Ok(taken)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_filter_names_the_closed_status_as_the_wire_does() {
        let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&open_tickets()).to_string();
        assert!(
            sql.contains(&format!("<> '{}'", TicketStatus::Closed.as_str())),
            "{sql}"
        );
    }
}
