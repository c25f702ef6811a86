//! The desk's equipment checks (the phone test, twice a day): each recorded with its result; a
//! failed one opens an internal ticket, for the service department itself as an internal
//! customer, in the same transaction.

use super::tickets_registration::{register_in_tx, Link, Registration};
use super::Who;
use crate::db::audit::{self, snapshot};
use crate::db::customers::{self as customers, CustomerFields};
use crate::db::handovers::{self as store, CheckRow};
use crate::db::{sla, users, utc, write, DbConn, Paging};
use crate::domain::sla::Calendar;
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::handover::{self as policy, Act};
use chrono::{DateTime, Days, Duration, NaiveDate, NaiveTime, Utc};
use fieldline_mobile_api::{
    Channel, CheckResult, EquipmentCheck, EquipmentCheckId, EquipmentChecksToday, NewEquipmentCheck, Page, Priority,
    RequestKind, TicketId, Tier, UserId,
};
use std::collections::HashMap;

/// The internal customer's name, as it is created on first need.
pub const INTERNAL_CUSTOMER: &str = "Service department (internal)";
/// Where the morning's check ends and the afternoon's begins, local time.
const NOON: (u32, u32) = (12, 0);

/// Records a check; a failed one (whose note says what was found) opens an internal ticket.
pub fn record(c: &mut DbConn, who: &Who, b: NewEquipmentCheck, step_interval: Duration) -> AppResult<EquipmentCheck> {
    policy::require(&who.caller, Act::RecordCheck)?;
    let equipment = validate::text("equipment", &b.equipment, 100)?;
    let note = match (b.result, b.note.trim().is_empty()) {
        (CheckResult::Failed, true) => {
            return Err(AppError::validation("note", "say what failed"));
        }
        (_, true) => String::new(),
        (_, false) => validate::multiline("note", &b.note, 2000)?,
    };
    let actor = who.actor();
    write(c, |c| {
        let mut row = store::insert_check(c, who.caller.id.0, &equipment, b.result.as_str(), &note, actor.at)?;
        if b.result == CheckResult::Failed {
            let customer = internal_customer(c, who)?;
            let reg = Registration {
                customer_id: customer,
                contact_id: None,
                site_id: None,
                asset_id: None,
                channel: Channel::Phone,
                kind: RequestKind::Fault,
                priority: Priority::P2,
                title: format!("Equipment check failed: {equipment}"),
                description: note.clone(),
                received_at: actor.at,
                link: Link::Unchecked,
            };
            let ticket = register_in_tx(c, &actor, &reg, step_interval)?;
            row = store::set_check_ticket(c, row.id, ticket.id.0)?;
        }
        let out = one(c, &row)?;
        audit::record(c, &actor, "equipment_check", row.id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// The internal customer, created (and marked internal) on first need.
fn internal_customer(c: &mut DbConn, who: &Who) -> AppResult<i64> {
    if let Some(id) = store::internal_customer(c)? {
        return Ok(id);
    }
    let f = CustomerFields {
        name: INTERNAL_CUSTOMER.into(),
        tier: Tier::Standard,
        account_manager_id: None,
    };
    let row = customers::insert(c, &f, who.at)?;
    store::mark_internal(c, row.id)?;
    let actor = who.actor();
    let after = serde_json::json!({"id": row.id, "name": row.name, "internal": true});
    audit::record(c, &actor, "customer", row.id, "create", None, Some(after))?;
    Ok(row.id)
}

/// The checks made on the days `from..=to` (today when left out), newest first.
pub fn list(
    c: &mut DbConn,
    who: &Who,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> AppResult<Page<EquipmentCheck>> {
    policy::require(&who.caller, Act::ReadHandovers)?;
    let paging = Paging::new(limit, offset)?;
    let cal = sla::calendar(c)?;
    let today = cal.local_date(who.at);
    let from = validate::date("from", from.unwrap_or(today), today)?;
    let to = validate::date("to", to.unwrap_or(from.max(today)), today)?;
    if to < from {
        return Err(AppError::validation("to", "must not be before `from`"));
    }
    let end = to.checked_add_days(Days::new(1)).unwrap_or(to);
    let (rows, total) = store::checks_between(c, cal.day_start(from), cal.day_start(end), paging)?;
    Ok(paging.page(wire(c, &rows)?, total))
}

/// Whether today's morning and afternoon checks were made (the first of each).
pub fn today(c: &mut DbConn, who: &Who) -> AppResult<EquipmentChecksToday> {
    policy::require(&who.caller, Act::ReadHandovers)?;
    let cal = sla::calendar(c)?;
    let day = cal.local_date(who.at);
    let (start, noon, end) = halves(&cal, day);
    let morning = store::first_check_between(c, start, noon)?;
    let afternoon = store::first_check_between(c, noon, end)?;
    Ok(EquipmentChecksToday {
        day,
        morning: morning.map(|r| one(c, &r)).transpose()?,
        afternoon: afternoon.map(|r| one(c, &r)).transpose()?,
    })
}

/// A day's start, noon and end.
fn halves(cal: &Calendar, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>) {
    let noon = NaiveTime::from_hms_opt(NOON.0, NOON.1, 0).unwrap_or_default();
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    (
        cal.day_start(day),
        cal.local_instant(day.and_time(noon)),
        cal.day_start(next),
    )
}

fn one(c: &mut DbConn, row: &CheckRow) -> AppResult<EquipmentCheck> {
    wire(c, std::slice::from_ref(row))?
        .pop()
        .ok_or_else(|| AppError::internal("an equipment check went missing"))
}

fn wire(c: &mut DbConn, rows: &[CheckRow]) -> AppResult<Vec<EquipmentCheck>> {
    let people: Vec<i64> = rows.iter().map(|r| r.checked_by).collect();
    let names = users::display_names(c, &people)?;
    let tickets: Vec<i64> = rows.iter().filter_map(|r| r.ticket_id).collect();
    let numbers: HashMap<i64, String> = store::ticket_titles(c, &tickets)?
        .into_iter()
        .map(|(id, number, _)| (id, number))
        .collect();
    rows.iter()
        .map(|r| {
            Ok(EquipmentCheck {
                id: EquipmentCheckId(r.id),
                checked_at: utc(r.checked_at),
                checked_by: UserId(r.checked_by),
                checked_by_name: names.get(&r.checked_by).cloned().unwrap_or_default(),
                equipment: r.equipment.clone(),
                result: CheckResult::parse(&r.result)
                    .ok_or_else(|| AppError::internal(format!("check {} has result {}", r.id, r.result)))?,
                note: r.note.clone(),
                ticket_id: r.ticket_id.map(TicketId),
                ticket_number: r.ticket_id.and_then(|t| numbers.get(&t).cloned()),
            })
        })
        .collect()
}
