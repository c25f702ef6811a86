//! The shift handover log (交接班): the lead of a shift writes what the next shift must know
//! (equipment, open hard problems with their tickets, notices, staff changes), prefilled with the
//! shift's open, breached and waiting tickets and the open major faults; the incoming lead
//! acknowledges it; a handover nobody acknowledged within its grace alerts the supervisor once.

use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::handovers::{self as store, HandoverRow, HandoverTexts, LogFilter, OpenTicket};
use crate::db::roster::{self as roster, ShiftRow};
use crate::db::{notifications, org, sla, supervision, users, utc, write, DbConn, Paging};
use crate::domain::sla::Calendar;
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::handover::{self as policy, Act, ALERT_TO};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use fieldline_mobile_api::{
    Handover, HandoverDraft, HandoverFaultFact, HandoverId, HandoverNotice, HandoverTicket, HandoverTicketFact,
    MajorFaultId, NewHandover, Page, ShiftId, TicketId, TicketStatus, UserId,
};
use std::collections::{HashMap, HashSet};

/// The longest of a handover's four texts.
pub const TEXT_MAX: usize = 4000;
/// The most tickets one handover links.
pub const TICKETS_MAX: usize = 50;
/// The most open tickets a prefill lists.
const PREFILL_MAX: i64 = 200;
/// The earlier handovers whose notices a prefill shows.
const NOTICES_SHOWN: i64 = 5;

/// The shift and day a request names, or the shift running now when it names neither.
fn shift_and_day(
    c: &mut DbConn,
    cal: &Calendar,
    now: DateTime<Utc>,
    day: Option<NaiveDate>,
    shift: Option<i64>,
) -> AppResult<(ShiftRow, NaiveDate)> {
    let today = cal.local_date(now);
    match shift {
        Some(id) => {
            let s =
                roster::find_shift(c, id)?.ok_or_else(|| AppError::validation("shift_id", "no shift has this id"))?;
            let day = validate::date("day", day.unwrap_or(today), today)?;
            Ok((s, day))
        }
        None => {
            let (s, running_day) = crate::service::roster::running_shifts(c, cal, now)?
                .into_iter()
                .next()
                .ok_or_else(|| AppError::validation("shift_id", "no shift is running now; name one"))?;
            let day = validate::date("day", day.unwrap_or(running_day), today)?;
            Ok((s, day))
        }
    }
}

/// What the handover of a shift of a day is prefilled with (the shift running now when none is
/// named).
pub fn draft(c: &mut DbConn, who: &Who, day: Option<NaiveDate>, shift: Option<i64>) -> AppResult<HandoverDraft> {
    policy::require(&who.caller, Act::ReadHandovers)?;
    let cal = sla::calendar(c)?;
    let (shift, day) = shift_and_day(c, &cal, who.at, day, shift)?;
    let (starts_at, ends_at) = shift.times()?.interval(&cal, day);
    let people = roster::rostered(c, day, shift.id)?;
    let names = users::display_names(c, &people)?;
    let (scope, open) = if people.is_empty() {
        ("all", store::open_tickets(c, None, PREFILL_MAX)?)
    } else {
        ("rostered", store::open_tickets(c, Some(&people), PREFILL_MAX)?)
    };
    let open = ticket_facts(c, &open)?;
    let breached = open.iter().filter(|t| t.breached).cloned().collect();
    let waiting = open
        .iter()
        .filter(|t| t.status == TicketStatus::WaitingOnCustomer)
        .cloned()
        .collect();
    let major_faults = store::open_major_faults(c)?
        .into_iter()
        .map(|(f, t, number, title, location, at)| HandoverFaultFact {
            major_fault_id: MajorFaultId(f),
            ticket_id: TicketId(t),
            number,
            title,
            location,
            occurred_at: utc(at),
        })
        .collect();
    let written = store::of_shift(c, day, shift.id)?;
    let latest = store::latest_with_notices(c, written.as_ref().map(|w| w.id), NOTICES_SHOWN)?;
    let latest_notices = notices(c, &latest)?;
    Ok(HandoverDraft {
        day,
        shift_id: ShiftId(shift.id),
        shift_name: shift.name,
        starts_at,
        ends_at,
        rostered: people.iter().filter_map(|p| names.get(p).cloned()).collect(),
        scope: scope.into(),
        open,
        breached,
        waiting,
        major_faults,
        latest_notices,
        written: written.map(|w| HandoverId(w.id)),
    })
}

fn ticket_facts(c: &mut DbConn, rows: &[OpenTicket]) -> AppResult<Vec<HandoverTicketFact>> {
    let owners: Vec<i64> = rows.iter().map(|t| t.owner_id).collect();
    let names = users::display_names(c, &owners)?;
    rows.iter()
        .map(|t| {
            Ok(HandoverTicketFact {
                ticket_id: TicketId(t.id),
                number: t.number.clone(),
                title: t.title.clone(),
                status: TicketStatus::parse(&t.status)
                    .ok_or_else(|| AppError::internal(format!("ticket {} has status {}", t.id, t.status)))?,
                owner_id: UserId(t.owner_id),
                owner_name: names.get(&t.owner_id).cloned().unwrap_or_default(),
                breached: t.breached,
            })
        })
        .collect()
}

fn notices(c: &mut DbConn, rows: &[HandoverRow]) -> AppResult<Vec<HandoverNotice>> {
    let shifts = shift_names(c)?;
    let writers: Vec<i64> = rows.iter().map(|r| r.written_by).collect();
    let names = users::display_names(c, &writers)?;
    Ok(rows
        .iter()
        .map(|r| HandoverNotice {
            handover_id: HandoverId(r.id),
            day: r.day,
            shift_name: shifts.get(&r.shift_id).cloned().unwrap_or_default(),
            written_by_name: names.get(&r.written_by).cloned().unwrap_or_default(),
            written_at: utc(r.written_at),
            notices: r.notices.clone(),
        })
        .collect())
}

fn shift_names(c: &mut DbConn) -> AppResult<HashMap<i64, String>> {
    Ok(roster::shifts(c)?.into_iter().map(|s| (s.id, s.name)).collect())
}

/// A handover text: empty says nothing to hand over.
fn text(field: &str, value: &str) -> AppResult<String> {
    if value.trim().is_empty() {
        return Ok(String::new());
    }
    Ok(validate::multiline(field, value, TEXT_MAX)?)
}

/// Writes the handover of a shift of a day: a shift lead rostered on it, or a supervisor, once
/// the shift has started; one per shift of a day.
pub fn write_handover(c: &mut DbConn, who: &Who, b: NewHandover) -> AppResult<Handover> {
    policy::require(&who.caller, Act::ReadHandovers)?;
    let texts = HandoverTexts {
        equipment: text("equipment", &b.equipment)?,
        problems: text("problems", &b.problems)?,
        notices: text("notices", &b.notices)?,
        staff_changes: text("staff_changes", &b.staff_changes)?,
    };
    if b.tickets.len() > TICKETS_MAX {
        return Err(AppError::validation(
            "tickets",
            format!("at most {TICKETS_MAX} tickets"),
        ));
    }
    let mut links = Vec::new();
    let mut seen = HashSet::new();
    for (i, t) in b.tickets.iter().enumerate() {
        if !seen.insert(t.ticket_id.0) {
            return Err(AppError::validation(
                format!("tickets[{i}].ticket_id"),
                "is linked twice",
            ));
        }
        let note = if t.note.trim().is_empty() {
            String::new()
        } else {
            validate::text(&format!("tickets[{i}].note"), &t.note, 500)?
        };
        links.push((i, t.ticket_id.0, note));
    }
    let actor = who.actor();
    write(c, |c| {
        let cal = sla::calendar(c)?;
        let today = cal.local_date(who.at);
        let day = validate::date("day", b.day, today)?;
        let shift = roster::find_shift(c, b.shift_id.0)?
            .ok_or_else(|| AppError::validation("shift_id", "no shift has this id"))?;
        let lead = roster::shift_leads(c)?.contains(&who.caller.id.0)
            && roster::rostered(c, day, shift.id)?.contains(&who.caller.id.0);
        if !policy::may(&who.caller, Act::WriteHandover, lead) {
            return Err(AppError::Forbidden(
                "only a shift lead rostered on this shift, or a supervisor, writes its handover".into(),
            ));
        }
        let (starts, _) = shift.times()?.interval(&cal, day);
        if who.at < starts {
            return Err(AppError::validation("day", "this shift has not started"));
        }
        if store::of_shift(c, day, shift.id)?.is_some() {
            return Err(AppError::duplicate(
                "shift_id",
                format!("the {} shift of {day} has its handover already", shift.name),
            ));
        }
        let ids: Vec<i64> = links.iter().map(|l| l.1).collect();
        let known: HashSet<i64> = store::ticket_titles(c, &ids)?.into_iter().map(|t| t.0).collect();
        if let Some((i, id, _)) = links.iter().find(|l| !known.contains(&l.1)) {
            return Err(AppError::validation(
                format!("tickets[{i}].ticket_id"),
                format!("no ticket has id {id}"),
            ));
        }
        let row = store::insert(c, day, shift.id, who.caller.id.0, &texts, actor.at)?;
        for (_, ticket, note) in &links {
            store::link_ticket(c, row.id, *ticket, note)?;
        }
        let out = one(c, &row)?;
        audit::record(c, &actor, "handover", row.id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// The log, newest day first: days `from..=to`, one shift, a text in any of the four texts.
pub fn list(
    c: &mut DbConn,
    who: &Who,
    f: LogFilter,
    limit: Option<i64>,
    offset: Option<i64>,
) -> AppResult<Page<Handover>> {
    policy::require(&who.caller, Act::ReadHandovers)?;
    let paging = Paging::new(limit, offset)?;
    if let (Some(from), Some(to)) = (f.from, f.to) {
        if to < from {
            return Err(AppError::validation("to", "must not be before `from`"));
        }
    }
    let f = LogFilter {
        q: f.q.filter(|q| !q.trim().is_empty()),
        ..f
    };
    if f.q.as_ref().is_some_and(|q| q.chars().count() > 200) {
        return Err(AppError::validation("q", "at most 200 characters"));
    }
    let (rows, total) = store::search(c, &f, paging)?;
    Ok(paging.page(wire(c, &rows)?, total))
}

pub fn get(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Handover> {
    policy::require(&who.caller, Act::ReadHandovers)?;
    let row = store::get(c, id)?;
    one(c, &row)
}

/// Acknowledges a handover as the incoming lead (a shift lead or a supervisor, not its writer);
/// once.
pub fn acknowledge(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Handover> {
    policy::require(&who.caller, Act::ReadHandovers)?;
    let actor = who.actor();
    write(c, |c| {
        let lead = roster::shift_leads(c)?.contains(&who.caller.id.0);
        if !policy::may(&who.caller, Act::AcknowledgeHandover, lead) {
            return Err(AppError::Forbidden(
                "only the incoming lead (a shift lead) or a supervisor acknowledges a handover".into(),
            ));
        }
        let row = store::get(c, id)?;
        if row.written_by == who.caller.id.0 {
            return Err(AppError::Forbidden(
                "the writer of a handover does not acknowledge it".into(),
            ));
        }
        if row.acknowledged_at.is_some() || store::acknowledge(c, id, who.caller.id.0, actor.at)? == 0 {
            return Err(AppError::Conflict("this handover is acknowledged already".into()));
        }
        let before = one(c, &row)?;
        let after = store::get(c, id)?;
        let out = one(c, &after)?;
        audit::record(
            c,
            &actor,
            "handover",
            id,
            "acknowledge",
            snapshot(&before),
            snapshot(&out),
        )?;
        Ok(out)
    })
}

/// Alerts, once, the writer's supervisor (every supervisor when none is set) of each handover
/// nobody acknowledged within `grace` of its writing. Returns (handovers due, alerts made).
pub fn alert_unacknowledged(c: &mut DbConn, now: DateTime<Utc>, grace: Duration) -> AppResult<(i64, i64)> {
    let due = store::due_to_alert(c, now - grace)?;
    let mut alerted = 0;
    for row in &due {
        let done = write(c, |c| -> AppResult<bool> {
            if store::claim_alert(c, row.id, now)? == 0 {
                return Ok(false);
            }
            let to = match org::supervisor_of(c, row.written_by)? {
                Some(s) => vec![s],
                None => {
                    let mut all = supervision::active_with_role(c, ALERT_TO.as_str())?;
                    all.retain(|u| *u != row.written_by);
                    all
                }
            };
            let after = store::get(c, row.id)?;
            let out = one(c, &after)?;
            let actor = Actor::system(now);
            audit::record(c, &actor, "handover", row.id, "alert", None, snapshot(&out))?;
            let message = format!(
                "Nobody has acknowledged the handover of the {} shift of {} written by {}",
                out.shift_name, out.day, out.written_by_name
            );
            notifications::notify(c, &to, None, "handover_unacknowledged", &message, now)?;
            Ok(true)
        })?;
        alerted += i64::from(done);
    }
    Ok((due.len() as i64, alerted))
}

fn one(c: &mut DbConn, row: &HandoverRow) -> AppResult<Handover> {
    wire(c, std::slice::from_ref(row))?
        .pop()
        .ok_or_else(|| AppError::internal("a handover went missing"))
}

/// The wire handovers, with their shifts' and people's names and their linked tickets.
fn wire(c: &mut DbConn, rows: &[HandoverRow]) -> AppResult<Vec<Handover>> {
    let shifts = shift_names(c)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut linked: HashMap<i64, Vec<HandoverTicket>> = HashMap::new();
    for (h, t, number, title, note) in store::linked(c, &ids)? {
        linked.entry(h).or_default().push(HandoverTicket {
            ticket_id: TicketId(t),
            number,
            title,
            note,
        });
    }
    let people: Vec<i64> = rows
        .iter()
        .flat_map(|r| [Some(r.written_by), r.acknowledged_by])
        .flatten()
        .collect();
    let names = users::display_names(c, &people)?;
    Ok(rows
        .iter()
        .map(|r| Handover {
            id: HandoverId(r.id),
            day: r.day,
            shift_id: ShiftId(r.shift_id),
            shift_name: shifts.get(&r.shift_id).cloned().unwrap_or_default(),
            written_by: UserId(r.written_by),
            written_by_name: names.get(&r.written_by).cloned().unwrap_or_default(),
            written_at: utc(r.written_at),
            equipment: r.equipment.clone(),
            problems: r.problems.clone(),
            notices: r.notices.clone(),
            staff_changes: r.staff_changes.clone(),
            tickets: linked.remove(&r.id).unwrap_or_default(),
            acknowledged_by: r.acknowledged_by.map(UserId),
            acknowledged_by_name: r.acknowledged_by.and_then(|u| names.get(&u).cloned()),
            acknowledged_at: r.acknowledged_at.map(utc),
            alerted_at: r.alerted_at.map(utc),
        })
        .collect())
}
