//! Registering a ticket: what it copies from the customer, contact, asset and site, its SLA
//! targets and due times, its number, its first timeline event and audit record.

use super::ticket_clocks::{recompute_dues, start_tier_clocks};
use crate::db::audit::{self, snapshot, Actor};
use crate::db::group_writer::Commit;
use crate::db::tickets::events::{self, NewEvent};
use crate::db::tickets::lookups::{self, AssetFacts, ContactFacts};
use crate::db::tickets::{self as store, parse, TicketRow};
use crate::db::{notifications, sla as sla_policy, ts, DbConn};
use crate::domain::sla::TicketClass;
use crate::domain::Invalid;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Datelike, Duration, Utc};
use fieldline_mobile_api::{Channel, LadderTier, Priority, RequestKind, Ticket, TicketPreview, TicketStatus, Tier};
use serde_json::json;

/// A registration whose fields passed validation.
#[derive(Debug, Clone)]
pub struct Registration {
    pub customer_id: i64,
    pub contact_id: Option<i64>,
    pub site_id: Option<i64>,
    pub asset_id: Option<i64>,
    pub channel: Channel,
    pub kind: RequestKind,
    pub priority: Priority,
    pub title: String,
    pub description: String,
    pub received_at: DateTime<Utc>,
    pub link: Link,
}

/// How a new ticket stands to the open tickets of its asset (or, without one, its site): the
/// customer must never have to call twice about one fault (seed 000 二.7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// Opened by the service itself (a revisit's outcome, an inspection's finding): not checked.
    Unchecked,
    /// Belongs beside this open ticket.
    Related(i64),
    /// Another matter, for this reason.
    Unrelated(String),
    /// Nothing said: refused while the asset (or site) has open tickets.
    None,
}

/// The most open tickets a refused registration lists.
const OPEN_LISTED: i64 = 20;

/// The open tickets of the registration's asset (or site), newest first.
pub fn open_for(
    c: &mut DbConn,
    customer_id: i64,
    asset_id: Option<i64>,
    site_id: Option<i64>,
) -> AppResult<Vec<Ticket>> {
    let mut open = store::open_for(c, customer_id, asset_id, site_id, OPEN_LISTED)?
        .iter()
        .map(TicketRow::to_wire)
        .collect::<AppResult<Vec<_>>>()?;
    lookups::fill_names(c, &mut open)?;
    Ok(open)
}

/// Checks how the registration stands to the open tickets of its asset or site.
fn check_link(c: &mut DbConn, r: &Registration) -> AppResult<()> {
    match &r.link {
        Link::Unchecked | Link::Unrelated(_) => Ok(()),
        Link::Related(id) => {
            let field = "related_ticket_id";
            let t = match store::get(c, *id) {
                Ok(t) => t,
                Err(AppError::NotFound(_)) => return Err(Invalid::not_found(field, "ticket", *id).into()),
                Err(e) => return Err(e),
            };
            if t.customer_id != r.customer_id {
                return Err(Invalid::mismatch(field, *id, "the ticket is another customer's").into());
            }
            if !t.status()?.is_open() {
                return Err(Invalid::not_allowed(field, format!("ticket {} is {}", t.number, t.status)).into());
            }
            Ok(())
        }
        Link::None => {
            let open = open_for(c, r.customer_id, r.asset_id, r.site_id)?;
            if open.is_empty() {
                return Ok(());
            }
            Err(AppError::OpenTicketsExist {
                tickets: serde_json::to_value(open).map_err(AppError::internal)?,
            })
        }
    }
}

/// The contact named, if it is the customer's.
fn contact_of(c: &mut DbConn, r: &Registration) -> AppResult<Option<ContactFacts>> {
    let Some(id) = r.contact_id else {
        return Ok(None);
    };
    let contact = lookups::contact(c, id)?.ok_or_else(|| Invalid::not_found("contact_id", "contact", id))?;
    if contact.customer_id != r.customer_id {
        return Err(Invalid::mismatch("contact_id", id, "the contact belongs to another customer").into());
    }
    Ok(Some(contact))
}

/// The asset named, if it is the customer's and stands at the site named.
fn asset_of(c: &mut DbConn, r: &Registration) -> AppResult<Option<AssetFacts>> {
    let Some(id) = r.asset_id else {
        return Ok(None);
    };
    let a = lookups::asset(c, id)?.ok_or_else(|| Invalid::not_found("asset_id", "asset", id))?;
    if a.customer_id != r.customer_id {
        return Err(Invalid::mismatch("asset_id", id, "the asset belongs to another customer").into());
    }
    if r.site_id.is_some_and(|s| s != a.site_id) {
        return Err(Invalid::mismatch("asset_id", id, "the asset stands at another site").into());
    }
    Ok(Some(a))
}

/// The site named must be the customer's.
fn check_site(c: &mut DbConn, r: &Registration) -> AppResult<()> {
    if let Some(s) = r.site_id {
        let customer = crate::db::sites::customer_of(c, s)?.ok_or_else(|| Invalid::not_found("site_id", "site", s))?;
        if customer != r.customer_id {
            return Err(Invalid::mismatch("site_id", s, "the site belongs to another customer").into());
        }
    }
    Ok(())
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
    let tier = lookups::customer_tier(c, r.customer_id)?
        .ok_or_else(|| Invalid::not_found("customer_id", "customer", r.customer_id))?;
    let tier_enum = parse("tier", &tier, Tier::parse)?;
    let contact = contact_of(c, r)?;
    let asset = asset_of(c, r)?;
    let site_id = r.site_id.or(asset.as_ref().map(|a| a.site_id));
    check_site(c, r)?;
    let (region_id, class) = lookups::place(c, site_id)?;
    let ticket_class = TicketClass {
        kind: r.kind,
        tier: tier_enum,
        priority: r.priority,
        class,
    };
    let targets = sla_policy::targets_for(c, &ticket_class)?;
    let cal = sla_policy::calendar(c)?;
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
        product_model: asset.as_ref().map(|a| a.model.clone()),
        serial_number: asset.as_ref().map(|a| a.serial_number.clone()),
        purchase_date: asset.as_ref().and_then(|a| a.purchase_date),
        contact_name: contact.as_ref().map(|x| x.name.clone()),
        contact_phone: contact.as_ref().and_then(|x| x.phone.clone()),
        contact_email: contact.as_ref().and_then(|x| x.email.clone()),
        ladder_tier: LadderTier::Hotline.as_str().into(),
        status: TicketStatus::New.as_str().into(),
        owner_id: owner,
        assignee_id: Some(owner),
        created_by: owner,
        major_fault: false,
        remote_authorized: false,
        opened_at: opened,
        clock_mode: String::new(),
        response_minutes: 0,
        arrival_minutes: 0,
        resolution_minutes: 0,
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
        acceptance_reminded_at: None,
        closed_without_answer: false,
        related_ticket_id: match r.link {
            Link::Related(id) => Some(id),
            _ => None,
        },
        unrelated_reason: match &r.link {
            Link::Unrelated(why) => Some(why.clone()),
            _ => None,
        },
        version: 1,
        created_at: now,
        updated_at: now,
        kind: r.kind.as_str().into(),
        hotline_minutes: 0,
        remote_minutes: 0,
        departure_minutes: 0,
        hotline_action: String::new(),
        remote_action: String::new(),
        remote_at: None,
        remote_paused_seconds: 0,
        hotline_due_at: None,
        remote_due_at: None,
        departure_due_at: None,
        departed_at: None,
        hotline_breached_at: None,
        remote_breached_at: None,
        departure_breached_at: None,
    };
    row.set_targets(&targets);
    start_tier_clocks(&mut row);
    recompute_dues(&mut row, &cal, step_interval)?;
    Ok(row)
}

/// Registers a ticket owned by the registering user, in its own transaction.
pub fn register(c: &mut DbConn, actor: &Actor, r: Registration, step_interval: Duration) -> AppResult<Ticket> {
    register_then(c, Commit::Alone, actor, r, step_interval, |_, _| Ok(()))
}

/// `register`, and then `then` with the new ticket inside the same transaction (what the
/// registration causes: the acknowledgement to the customer), committed as `commit` says.
pub fn register_then(
    c: &mut DbConn,
    commit: Commit,
    actor: &Actor,
    r: Registration,
    step_interval: Duration,
    then: impl FnOnce(&mut DbConn, &Ticket) -> AppResult<()> + Send + 'static,
) -> AppResult<Ticket> {
    let owner = actor
        .id
        .ok_or_else(|| AppError::internal("a ticket needs a registering user"))?
        .0;
    // The reads need no write lock, so they run beside other registrations' writes.
    let mut row = prepare(c, actor, owner, &r, step_interval)?;
    let actor = *actor;
    commit.write(c, move |c| {
        // The tier decides the targets; if it changed meanwhile, read everything again here.
        let tier = lookups::customer_tier(c, r.customer_id)?;
        if tier.as_deref() != Some(row.customer_tier.as_str()) {
            row = prepare(c, &actor, owner, &r, step_interval)?;
        }
        check_link(c, &r)?;
        let ticket = store_registration(c, &actor, &r, row)?;
        then(c, &ticket)?;
        Ok(ticket)
    })
}

/// What `register` would give now, computed by the same preparation, checks and due-time
/// computation; nothing is stored. Unlike registering, open tickets of the asset (or site)
/// are listed rather than refused.
pub fn preview(c: &mut DbConn, actor: &Actor, r: &Registration, step_interval: Duration) -> AppResult<TicketPreview> {
    let owner = actor
        .id
        .ok_or_else(|| AppError::internal("a ticket needs a registering user"))?
        .0;
    let row = prepare(c, actor, owner, r, step_interval)?;
    if matches!(r.link, Link::Related(_)) {
        check_link(c, r)?;
    }
    let open_tickets = open_for(c, r.customer_id, r.asset_id, r.site_id)?;
    let t = row.to_wire()?;
    Ok(TicketPreview {
        customer_tier: t.customer_tier,
        region_id: t.region_id,
        region_class: t.region_class,
        kind: t.kind,
        priority: t.priority,
        clock_mode: t.clock_mode,
        opened_at: t.opened_at,
        response_due_at: t.response_due_at,
        hotline_due_at: t.hotline_due_at,
        remote_due_at: t.remote_due_at,
        departure_due_at: t.departure_due_at,
        arrival_due_at: t.arrival_due_at,
        resolution_due_at: t.resolution_due_at,
        callback_due_at: t.callback_due_at,
        open_tickets,
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
    let seq = crate::db::next_ticket_number(c, year)?;
    row.number = format!("FL-{year}-{seq:06}");
    let id = store::insert(c, &row)?;
    row.id = id;
    if super::complaints::is_complaint(&row.kind) {
        // A complaint climbs its own ladder from registration; its subject is named by the
        // staff registering it, or later for one from the portal or an e-mail.
        super::complaints::open_in_tx(c, actor, &row, None, crate::db::utc(row.opened_at))?;
    }
    let out = row.to_wire()?;
    let data = json!({
        "number": out.number, "channel": out.channel, "kind": out.kind, "priority": out.priority,
        "response_due_at": out.response_due_at, "resolution_due_at": out.resolution_due_at,
    });
    let e = NewEvent::new(id, actor, "registered").from_to(None, Some(TicketStatus::New.as_str()));
    events::add(c, e.data(data))?;
    if let Link::Related(open) = r.link {
        // The open ticket's story and its owner learn of the new one beside it.
        let e = NewEvent::new(open, actor, "related_registered").from_to(None, Some(&out.number));
        events::add(c, e.data(json!({"ticket_id": id})))?;
        let owner = store::get(c, open)?;
        let msg = format!(
            "Ticket {} was registered beside your ticket {}: {}",
            out.number, owner.number, out.title
        );
        notifications::notify(c, &[owner.owner_id], open, "related_registered", &msg, actor.at)?;
    }
    audit::record(c, actor, "ticket", id, "create", None, snapshot(&out))?;
    Ok(out)
}
