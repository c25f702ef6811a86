//! Visits on the dispatch side: making one of an on-site registration, ranking the candidates,
//! assigning without double-booking (by hand or to the best candidate), unassigning, and the
//! board. Moving a visit to another window or cancelling it: `visit_changes`.

use super::Who;
use crate::config::{AutoAssignHook, Settings};
use crate::db::audit::{self, snapshot, Actor};
use crate::db::dispatch::board::{self as board_store, day_bounds, work_of};
use crate::db::dispatch::candidates::{nearby, Around};
use crate::db::dispatch::technicians as tech_store;
use crate::db::dispatch::ticket_visits;
use crate::db::dispatch::visits::{self as store, NewRepairVisit, VisitRow};
use crate::db::tickets::events::{self, NewEvent};
use crate::db::{sla as calendar, utc, write, DbConn, Paging};
use crate::domain::dispatch::{self, Job, Params};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::dispatch::{self as policy, Act};
use chrono::{DateTime, NaiveDate, Utc};
use fieldline_mobile_api::{
    BoardEntry, Candidate, Candidates, Excluded, NewVisit, Note, OnsiteRequestStatus, Page, UserId, Visit,
    VisitAssignment, VisitId, VisitStatus,
};
use serde_json::json;
use std::collections::HashMap;

/// Candidates listed unless the request asks for another number.
const CANDIDATES: i64 = 10;

/// Candidates tried, best first, when assigning automatically.
const AUTO_TRIES: usize = 5;

/// The first search radius around the site; it grows until the best are known
/// (`domain::dispatch::next_radius`). Small, so that
/// where technicians are dense the search reads the few it needs (at 10,000 technicians a city,
/// a 10 km start read about a thousand for every ranking); where they are sparse the extra
/// rounds each read few rows.
const FIRST_RADIUS_KM: f64 = 2.5;

/// A step of a visit on its ticket's timeline; an inspection visit has no ticket (its audit
/// record and its inspection tell instead).
pub(crate) fn visit_event(
    c: &mut DbConn,
    v: &VisitRow,
    actor: &Actor,
    kind: &str,
    (from, to): (Option<&str>, Option<&str>),
    reason: Option<&str>,
) -> AppResult<()> {
    visit_event_with(c, v, actor, kind, (from, to), reason, json!({}))
}

/// A step of a visit on its ticket's timeline, with more to tell in its data (an object whose
/// fields are added to the visit's id).
pub(crate) fn visit_event_with(
    c: &mut DbConn,
    v: &VisitRow,
    actor: &Actor,
    kind: &str,
    (from, to): (Option<&str>, Option<&str>),
    reason: Option<&str>,
    more: serde_json::Value,
) -> AppResult<()> {
    if let Some(t) = v.ticket_id {
        let mut data = json!({"visit_id": v.id});
        if let (Some(d), serde_json::Value::Object(m)) = (data.as_object_mut(), more) {
            d.extend(m);
        }
        let data = Some(data);
        events::add(
            c,
            NewEvent {
                ticket_id: t,
                actor,
                kind,
                from,
                to,
                reason,
                data,
            },
        )?;
    }
    Ok(())
}

/// Turns an open on-site registration into a visit in the window agreed with the customer.
pub fn create(c: &mut DbConn, who: &Who, b: NewVisit) -> AppResult<Visit> {
    policy::require(&who.caller, Act::CreateVisit)?;
    let skill = validate::optional(b.required_skill.as_deref(), |v| validate::text("required_skill", v, 50))?;
    let level = b.required_level.unwrap_or(1);
    if !(1..=5).contains(&level) {
        return Err(AppError::validation("required_level", "must be between 1 and 5"));
    }
    let request_id = b.onsite_request_id.0;
    let actor = who.actor();
    write(c, |c| {
        let request = store::onsite_request(c, request_id)?.ok_or_else(|| {
            AppError::validation(
                "onsite_request_id",
                format!("no on-site registration with id {request_id}"),
            )
        })?;
        let ticket = crate::db::tickets::get(c, request.ticket_id)?;
        if !ticket.status()?.is_open() {
            return Err(AppError::InvalidTransition(format!(
                "ticket {} is {}: it takes no more visits",
                ticket.number, ticket.status
            )));
        }
        if request.status != OnsiteRequestStatus::Open.as_str() {
            return Err(AppError::InvalidTransition(format!(
                "the on-site registration is {}, not open",
                request.status
            )));
        }
        let place = store::ticket_place(c, request.ticket_id)?;
        let row = store::insert_repair_visit(
            c,
            &NewRepairVisit {
                ticket_id: request.ticket_id,
                onsite_request_id: request_id,
                place,
                window: (request.window_start, request.window_end),
                skill: skill.as_deref(),
                level,
                created_by: actor.id.map_or(0, |u| u.0),
                at: actor.at,
            },
        )?;
        store::set_onsite_request_status(c, request_id, OnsiteRequestStatus::Scheduled, actor.at)?;
        let out = row.to_wire()?;
        events::add(
            c,
            NewEvent {
                ticket_id: request.ticket_id,
                actor: &actor,
                kind: "visit_created",
                from: None,
                to: Some(&row.id.to_string()),
                reason: None,
                data: snapshot(&out),
            },
        )?;
        audit::record(c, &actor, "visit", row.id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// One visit (office staff, or its technician; to another technician it does not exist), with
/// its technician's name.
pub fn get(c: &mut DbConn, who: &Who, id: i64) -> AppResult<Visit> {
    let mut out = store::get_visit(c, id)?.to_wire()?;
    policy::require_on_visit(&who.caller, Act::ReadVisit, id, out.technician_id.map(|t| t.0))?;
    ticket_visits::name_technicians(c, std::slice::from_mut(&mut out))?;
    Ok(out)
}

/// The visits of a ticket, newest first, with their technicians' names, for whoever may read the
/// ticket (a ticket hidden from the caller is not found) and its visits: a technician sees only
/// the visits given to them, as with one visit.
pub fn of_ticket(
    c: &mut DbConn,
    who: &Who,
    ticket_id: i64,
    (limit, offset): (Option<i64>, Option<i64>),
) -> AppResult<Page<Visit>> {
    let paging = Paging::new(limit, offset)?;
    super::tickets::get(c, who, ticket_id)?;
    let only = policy::visit_list_scope(&who.caller)?;
    let mut out = ticket_visits::ticket_visits(c, ticket_id, only, paging)?;
    ticket_visits::name_technicians(c, &mut out.items)?;
    Ok(out)
}

/// Technicians who can take the visit, best first, and those who cannot, with why (`limit` of
/// each, 1-50, default 10).
pub fn candidates(c: &mut DbConn, who: &Who, visit: i64, limit: Option<i64>) -> AppResult<Candidates> {
    policy::require(&who.caller, Act::Candidates)?;
    let limit = limit.unwrap_or(CANDIDATES);
    if !(1..=50).contains(&limit) {
        return Err(AppError::validation("limit", "must be between 1 and 50"));
    }
    rank(c, visit, who.at, Params::default(), limit as usize)
}

/// Ranks the technicians for the visit (see `domain::dispatch::rank`) and returns the best
/// `limit`, with the reasons of the nearest `limit` who cannot go.
///
/// Only technicians near the site are read: those whose home or last position lies within a
/// radius, grown until the ranking is settled (`domain::dispatch::settled`: nobody farther
/// away could rank among the best), or until the whole earth is searched.
fn rank(c: &mut DbConn, visit_id: i64, now: DateTime<Utc>, params: Params, limit: usize) -> AppResult<Candidates> {
    let v = store::get_visit(c, visit_id)?;
    let site = match v.site_id {
        Some(s) => store::site_location(c, s)?,
        None => return Err(AppError::InvalidTransition("the visit has no site to travel to".into())),
    };
    let cal = calendar::calendar(c)?;
    let due = work_of(c, &cal, &v)?.due;
    let (start, end) = (utc(v.window_start), utc(v.window_end));
    let job = Job {
        site,
        region_id: v.region_id,
        window_start: start,
        window_end: end,
        skill: v.required_skill.clone().map(|s| (s, v.required_level)),
        due: Some(due),
    };
    let (day_start, day_end) = day_bounds(&cal, cal.local_date(start));
    let around = Around {
        visit_id: v.id,
        bookings: (day_start.min(start), day_end.max(end)),
        window: (start, end),
        day: (day_start, day_end),
        role: policy::TECHNICIAN,
    };
    let (ranked, excluded, names, searched) = crate::db::read_snapshot(c, |c| {
        let (mut techs, mut names) = (Vec::new(), HashMap::new());
        let (mut radius, mut read) = (FIRST_RADIUS_KM, None);
        loop {
            // Each round reads only the ring its area adds to what was read before.
            let area = crate::domain::geo::around(&site, radius);
            let (more, more_names) = nearby(c, area, read, &around, &cal)?;
            techs.extend(more);
            names.extend(more_names);
            let (ranked, excluded) = dispatch::rank(&job, &techs, now, params);
            if area.is_none() || dispatch::settled(&job, &ranked, limit, radius, now, params) {
                return Ok::<_, AppError>((ranked, excluded, names, area.map(|_| radius)));
            }
            read = area;
            radius = dispatch::next_radius(&ranked, limit, radius, params);
        }
    })?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    Ok(Candidates {
        visit_id: VisitId(v.id),
        searched_km: searched,
        candidates: ranked
            .into_iter()
            .take(limit)
            .map(|r| Candidate {
                technician_id: UserId(r.technician_id),
                display_name: name(r.technician_id),
                distance_km: (r.distance_km * 100.0).round() / 100.0,
                eta_minutes: r.eta_minutes.round(),
                from_ping: r.from_ping,
                visits_that_day: r.visits_that_day,
                sla_slack_minutes: r.sla_slack_minutes.map(f64::round),
                score: (r.score * 10.0).round() / 10.0,
                reasons: r.reasons,
            })
            .collect(),
        excluded: excluded
            .into_iter()
            .take(limit)
            .map(|(id, e)| Excluded {
                technician_id: UserId(id),
                display_name: name(id),
                reason: e.to_string(),
            })
            .collect(),
    })
}

/// Books a technician for the visit (or moves it to another); 409 when they are already booked
/// in that window.
pub fn assign(c: &mut DbConn, who: &Who, visit_id: i64, b: VisitAssignment, settings: &Settings) -> AppResult<Visit> {
    policy::require(&who.caller, Act::Assign)?;
    let reason = validate::optional(b.reason.as_deref(), |v| validate::text("reason", v, 2000))?;
    match book_once(c, &who.actor(), visit_id, b.technician_id.0, reason, settings)? {
        Booking::Done(v) => Ok(*v),
        Booking::Unavailable(e) => Err(e),
    }
}

/// Books the best-ranked candidate. A candidate booked by someone else between the ranking
/// and the booking is skipped for the next; when every candidate of a ranking was taken, the
/// technicians are ranked again (those booked meanwhile now rank among the excluded), until one
/// is booked or nobody qualifies. 409 then says which: nobody qualified at all, or all the
/// qualifying technicians were booked by others meanwhile. `hook` is for tests (see
/// `Settings::auto_assign_hook`).
pub fn auto_assign(c: &mut DbConn, who: &Who, visit_id: i64, settings: &Settings) -> AppResult<Visit> {
    let hook: Option<&AutoAssignHook> = settings.auto_assign_hook.as_ref();
    policy::require(&who.caller, Act::AutoAssign)?;
    let actor = who.actor();
    let mut taken: Vec<i64> = Vec::new();
    loop {
        // Taken candidates normally rank among the excluded now; asking for as many more keeps
        // the ranking deep enough when one still ranks.
        let ranked = rank(c, visit_id, who.at, Params::default(), AUTO_TRIES + taken.len())?;
        let fresh: Vec<&Candidate> = ranked
            .candidates
            .iter()
            .filter(|cand| !taken.contains(&cand.technician_id.0))
            .collect();
        if fresh.is_empty() {
            return Err(AppError::Conflict(nobody_took(taken.len(), &ranked)));
        }
        for cand in fresh {
            let tech = cand.technician_id.0;
            if let Some(h) = hook {
                (h.0)(c, visit_id, tech);
            }
            let reason = format!("auto-assigned: {}", cand.reasons.join("; "));
            match book_once(c, &actor, visit_id, tech, Some(reason), settings)? {
                Booking::Done(v) => return Ok(*v),
                Booking::Unavailable(_) => taken.push(tech),
            }
        }
    }
}

/// Why auto-assign gave up: `taken` candidates were booked by others (or disabled) meanwhile,
/// and the ranking's excluded say why the others cannot go.
fn nobody_took(taken: usize, ranked: &Candidates) -> String {
    let why: Vec<String> = ranked
        .excluded
        .iter()
        .map(|e| format!("{}: {}", e.display_name, e.reason))
        .collect();
    let head = match taken {
        0 => "no technician qualifies for the visit".to_string(),
        1 => "the one qualifying technician was booked by others meanwhile".to_string(),
        n => format!("all {n} qualifying technicians were booked by others meanwhile"),
    };
    if why.is_empty() {
        head
    } else {
        format!("{head} ({})", why.join("; "))
    }
}

/// What became of a booking.
enum Booking {
    Done(Box<Visit>),
    /// The technician cannot take it after all (booked in that window meanwhile, or disabled):
    /// another technician may; the error is what a booking of this one answers.
    Unavailable(AppError),
}

/// The refusal of a booking in a window the technician is already booked in.
pub(crate) fn booked(technician: i64, other: i64) -> AppError {
    AppError::TechnicianBooked(format!(
        "technician {technician} is already booked in that window (visit {other})"
    ))
}

/// Books a technician for the visit. The technician's row is locked first and their bookings
/// checked inside the same transaction, so two dispatchers booking the same technician into
/// overlapping windows at once end with one booking and one 409. The customer is told of the
/// booking, with its calendar invitation (`notices`).
fn book_once(
    c: &mut DbConn,
    actor: &Actor,
    visit_id: i64,
    technician: i64,
    reason: Option<String>,
    settings: &Settings,
) -> AppResult<Booking> {
    write(c, |c| {
        crate::db::lock_technician(c, technician)?;
        tech_store::find(c, technician)?
            .ok_or_else(|| AppError::validation("technician_id", format!("no technician with id {technician}")))?;
        if !tech_store::is_active(c, technician)? {
            return Ok(Booking::Unavailable(AppError::validation(
                "technician_id",
                format!("technician {technician} is disabled"),
            )));
        }
        let before = store::get_visit(c, visit_id)?;
        let status = before.status()?;
        if !matches!(status, VisitStatus::Scheduled | VisitStatus::Assigned) {
            return Err(AppError::InvalidTransition(format!(
                "a visit that is {status} cannot be reassigned"
            )));
        }
        if let Some(other) =
            crate::db::dispatch::bookings::clash(c, technician, &[before.id], (before.window_start, before.window_end))?
        {
            return Ok(Booking::Unavailable(booked(technician, other)));
        }
        if !store::set_technician(c, &before, Some(technician), VisitStatus::Assigned, actor.at)? {
            return Err(AppError::Conflict(
                "the visit was changed meanwhile; reload it and try again".into(),
            ));
        }
        let after = store::get_visit(c, visit_id)?.to_wire()?;
        let kind = if before.technician_id.is_some() {
            "visit_reassigned"
        } else {
            "visit_assigned"
        };
        let from = before.technician_id.map(|t| t.to_string());
        let to = technician.to_string();
        visit_event(c, &before, actor, kind, (from.as_deref(), Some(&to)), reason.as_deref())?;
        super::notices::visit(c, actor, visit_id, super::notices::VisitChange::Booked, settings)?;
        crate::db::notifications::notify(
            c,
            &[technician],
            before.ticket_id,
            "visit_assigned",
            &format!("Visit {visit_id} was assigned to you"),
            actor.at,
        )?;
        audit::record(
            c,
            actor,
            "visit",
            visit_id,
            kind,
            snapshot(&before.to_wire()?),
            snapshot(&after),
        )?;
        Ok(Booking::Done(Box::new(after)))
    })
}

/// Takes the technician off a visit that has not started; it goes back to the queue.
pub fn unassign(c: &mut DbConn, who: &Who, visit_id: i64, b: Note) -> AppResult<Visit> {
    policy::require(&who.caller, Act::Unassign)?;
    let reason = validate::text("reason", b.reason.as_deref().unwrap_or(""), 2000)?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::get_visit(c, visit_id)?;
        if before.status()? != VisitStatus::Assigned {
            return Err(AppError::InvalidTransition(format!(
                "only an assigned visit can be unassigned; this one is {}",
                before.status
            )));
        }
        store::unbook(c, &before, actor.at)?;
        let after = store::get_visit(c, visit_id)?.to_wire()?;
        let from = before.technician_id.map(|t| t.to_string());
        visit_event(
            c,
            &before,
            &actor,
            "visit_unassigned",
            (from.as_deref(), None),
            Some(&reason),
        )?;
        audit::record(
            c,
            &actor,
            "visit",
            visit_id,
            "unassign",
            snapshot(&before.to_wire()?),
            snapshot(&after),
        )?;
        Ok(after)
    })
}

/// The open visits of a local day (default today) and region: unassigned first, then by window,
/// each with its SLA due time.
pub fn board(c: &mut DbConn, who: &Who, day: Option<NaiveDate>, region: Option<i64>) -> AppResult<Vec<BoardEntry>> {
    policy::require(&who.caller, Act::Board)?;
    let cal = calendar::calendar(c)?;
    let today = cal.local_date(who.at);
    let day = day
        .map(|d| validate::date("day", d, today))
        .transpose()?
        .unwrap_or(today);
    board_store::board(c, &cal, day, region)
}
