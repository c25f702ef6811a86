//! Visits: the row, its wire form, the reads of dispatch and the phone, and each change's writes.

use crate::db::schema::{onsite_requests, sites, tickets, visit_parts, visits};
use crate::db::{ts, utc, DbConn, Paging};
use crate::domain::geo::Location;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{
    AgreedVia, InspectionId, OnsiteRequestId, OnsiteRequestStatus, Page, PartUsed, QuoteId, RegionId, TicketId, UserId,
    Visit, VisitId, VisitKind, VisitStatus,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = visits)]
pub struct VisitRow {
    pub id: i64,
    pub kind: String,
    pub ticket_id: Option<i64>,
    pub onsite_request_id: Option<i64>,
    pub inspection_id: Option<i64>,
    pub site_id: Option<i64>,
    pub region_id: Option<i64>,
    pub window_start: NaiveDateTime,
    pub window_end: NaiveDateTime,
    pub required_skill: Option<String>,
    pub required_level: i32,
    pub technician_id: Option<i64>,
    pub status: String,
    pub version: i32,
    pub accepted_at: Option<NaiveDateTime>,
    pub en_route_at: Option<NaiveDateTime>,
    pub checked_in_at: Option<NaiveDateTime>,
    pub checkin_lat: Option<f64>,
    pub checkin_lon: Option<f64>,
    pub checkin_distance_m: Option<f64>,
    pub checkin_reason: Option<String>,
    pub finished_at: Option<NaiveDateTime>,
    pub outcome_reason: Option<String>,
    pub work_notes: Option<String>,
    pub under_warranty: Option<bool>,
    pub quote_amount: Option<f64>,
    pub time_spent_minutes: Option<i32>,
    pub signoff_name: Option<String>,
    pub signature_png: Option<Vec<u8>>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub window_agreed_with: Option<String>,
    pub window_agreed_at: Option<NaiveDateTime>,
    pub window_agreed_via: Option<String>,
    pub quote_id: Option<i64>,
    pub amount_charged: Option<f64>,
    pub charge_difference_reason: Option<String>,
    pub planned_arrival_at: Option<NaiveDateTime>,
    pub planned_departure_at: Option<NaiveDateTime>,
    pub route_position: Option<i32>,
}

impl VisitRow {
    pub fn status(&self) -> AppResult<VisitStatus> {
        VisitStatus::parse(&self.status)
            .ok_or_else(|| AppError::internal(format!("visit {} has unknown status", self.id)))
    }

    pub fn kind(&self) -> AppResult<VisitKind> {
        VisitKind::parse(&self.kind).ok_or_else(|| AppError::internal(format!("visit {} has unknown kind", self.id)))
    }

    pub fn to_wire(&self) -> AppResult<Visit> {
        Ok(Visit {
            id: VisitId(self.id),
            kind: self.kind()?,
            ticket_id: self.ticket_id.map(TicketId),
            onsite_request_id: self.onsite_request_id.map(OnsiteRequestId),
            inspection_id: self.inspection_id.map(InspectionId),
            site_id: self.site_id.map(Into::into),
            region_id: self.region_id.map(RegionId),
            window_start: utc(self.window_start),
            window_end: utc(self.window_end),
            required_skill: self.required_skill.clone(),
            required_level: self.required_level,
            technician_id: self.technician_id.map(UserId),
            technician_name: None,
            status: self.status()?,
            version: self.version,
            accepted_at: self.accepted_at.map(utc),
            en_route_at: self.en_route_at.map(utc),
            checked_in_at: self.checked_in_at.map(utc),
            checkin_distance_m: self.checkin_distance_m,
            checkin_reason: self.checkin_reason.clone(),
            finished_at: self.finished_at.map(utc),
            outcome_reason: self.outcome_reason.clone(),
            work_notes: self.work_notes.clone(),
            under_warranty: self.under_warranty,
            quote_amount: self.quote_amount,
            time_spent_minutes: self.time_spent_minutes,
            signoff_name: self.signoff_name.clone(),
            has_signature: self.signature_png.is_some(),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
            window_agreed_with: self.window_agreed_with.clone(),
            window_agreed_at: self.window_agreed_at.map(utc),
            window_agreed_via: self
                .window_agreed_via
                .as_deref()
                .map(|v| {
                    AgreedVia::parse(v)
                        .ok_or_else(|| AppError::internal(format!("visit {} has unknown agreement", self.id)))
                })
                .transpose()?,
            quote_id: self.quote_id.map(QuoteId),
            amount_charged: self.amount_charged,
            charge_difference_reason: self.charge_difference_reason.clone(),
            planned_arrival_at: self.planned_arrival_at.map(utc),
            planned_departure_at: self.planned_departure_at.map(utc),
            route_position: self.route_position,
        })
    }
}

/// The statuses in which a visit holds its technician's time.
pub const BOOKING: &[&str] = &["assigned", "accepted", "en_route", "on_site"];
/// The statuses of a visit still to be done (on the board).
pub const OPEN_VISIT: &[&str] = &["scheduled", "assigned", "accepted", "en_route", "on_site"];

pub fn get_visit(c: &mut DbConn, id: i64) -> AppResult<VisitRow> {
    visits::table
        .find(id)
        .select(VisitRow::as_select())
        .first(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("visit", id))
}

/// One of the technician's visits; anyone else's is "not found".
pub fn own_visit(c: &mut DbConn, tech: i64, id: i64) -> AppResult<VisitRow> {
    let v = get_visit(c, id)?;
    if v.technician_id != Some(tech) {
        return Err(AppError::not_found("visit", id));
    }
    Ok(v)
}

/// The technician's own visits, soonest window first; a cancelled visit only when asked for by
/// its status.
pub fn technician_visits(
    c: &mut DbConn,
    tech: i64,
    status: Option<VisitStatus>,
    paging: Paging,
) -> AppResult<Page<Visit>> {
    let query = || {
        let mut q = visits::table.filter(visits::technician_id.eq(tech)).into_boxed();
        q = match status {
            Some(s) => q.filter(visits::status.eq(s.as_str())),
            None => q.filter(visits::status.ne(VisitStatus::Cancelled.as_str())),
        };
        q
    };
    let (rows, total): (Vec<VisitRow>, i64) = paging.load(c, query, |q| {
        q.order((super::bookings::held_from(), visits::window_start, visits::id))
            .select(VisitRow::as_select())
    })?;
    let items = rows.iter().map(VisitRow::to_wire).collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

/// What a visit is made from: an on-site registration's ticket, agreed window and status.
pub struct OnsiteRequest {
    pub ticket_id: i64,
    pub window_start: NaiveDateTime,
    pub window_end: NaiveDateTime,
    pub status: String,
}

pub fn onsite_request(c: &mut DbConn, id: i64) -> AppResult<Option<OnsiteRequest>> {
    let found: Option<(i64, NaiveDateTime, NaiveDateTime, String)> = onsite_requests::table
        .find(id)
        .select((
            onsite_requests::ticket_id,
            onsite_requests::window_start,
            onsite_requests::window_end,
            onsite_requests::status,
        ))
        .first(c)
        .optional()?;
    Ok(
        found.map(|(ticket_id, window_start, window_end, status)| OnsiteRequest {
            ticket_id,
            window_start,
            window_end,
            status,
        }),
    )
}

pub fn set_onsite_request_status(
    c: &mut DbConn,
    id: i64,
    status: OnsiteRequestStatus,
    at: DateTime<Utc>,
) -> AppResult<()> {
    diesel::update(onsite_requests::table.find(id))
        .set((
            onsite_requests::status.eq(status.as_str()),
            onsite_requests::updated_at.eq(ts(at)),
        ))
        .execute(c)?;
    Ok(())
}

/// Ends the on-site work of a ticket that closed or was cancelled: its visits no technician
/// holds yet (scheduled) are cancelled with the reason, and its on-site registrations still
/// open, or left without a visit by that, are cancelled. Returns the visits cancelled.
pub fn cancel_unstarted_of_ticket(c: &mut DbConn, ticket_id: i64, why: &str, at: DateTime<Utc>) -> AppResult<Vec<i64>> {
    let unstarted: Vec<(i64, Option<i64>)> = visits::table
        .filter(visits::ticket_id.eq(ticket_id))
        .filter(visits::status.eq(VisitStatus::Scheduled.as_str()))
        .select((visits::id, visits::onsite_request_id))
        .load(c)?;
    let ids: Vec<i64> = unstarted.iter().map(|v| v.0).collect();
    let requests: Vec<i64> = unstarted.iter().filter_map(|v| v.1).collect();
    if !ids.is_empty() {
        diesel::update(visits::table.filter(visits::id.eq_any(&ids)))
            .set((
                visits::status.eq(VisitStatus::Cancelled.as_str()),
                visits::outcome_reason.eq(why),
                visits::version.eq(visits::version + 1),
                visits::updated_at.eq(ts(at)),
            ))
            .execute(c)?;
    }
    diesel::update(
        onsite_requests::table
            .filter(onsite_requests::ticket_id.eq(ticket_id))
            .filter(
                onsite_requests::status
                    .eq(OnsiteRequestStatus::Open.as_str())
                    .or(onsite_requests::id.eq_any(&requests)),
            ),
    )
    .set((
        onsite_requests::status.eq(OnsiteRequestStatus::Cancelled.as_str()),
        onsite_requests::updated_at.eq(ts(at)),
    ))
    .execute(c)?;
    Ok(ids)
}

/// Whether the ticket has on-site work left besides visit `but`: another visit still to be done
/// (scheduled, or held by a technician), or an on-site registration still open.
pub fn work_left_on_ticket(c: &mut DbConn, ticket_id: i64, but: i64) -> AppResult<bool> {
    let visits: i64 = visits::table
        .filter(visits::ticket_id.eq(ticket_id))
        .filter(visits::id.ne(but))
        .filter(visits::status.eq_any(OPEN_VISIT))
        .count()
        .get_result(c)?;
    let requests: i64 = onsite_requests::table
        .filter(onsite_requests::ticket_id.eq(ticket_id))
        .filter(onsite_requests::status.eq(OnsiteRequestStatus::Open.as_str()))
        .count()
        .get_result(c)?;
    Ok(visits + requests > 0)
}

/// The ticket's site and region.
pub fn ticket_place(c: &mut DbConn, ticket_id: i64) -> AppResult<(Option<i64>, Option<i64>)> {
    Ok(tickets::table
        .find(ticket_id)
        .select((tickets::site_id, tickets::region_id))
        .first(c)?)
}

/// A repair visit of an on-site registration, as stored.
pub struct NewRepairVisit<'a> {
    pub ticket_id: i64,
    pub onsite_request_id: i64,
    pub place: (Option<i64>, Option<i64>),
    pub window: (NaiveDateTime, NaiveDateTime),
    pub skill: Option<&'a str>,
    pub level: i32,
    pub created_by: i64,
    pub at: DateTime<Utc>,
}

pub fn insert_repair_visit(c: &mut DbConn, v: &NewRepairVisit) -> AppResult<VisitRow> {
    let id: i64 = diesel::insert_into(visits::table)
        .values((
            visits::kind.eq(VisitKind::Repair.as_str()),
            visits::ticket_id.eq(Some(v.ticket_id)),
            visits::onsite_request_id.eq(Some(v.onsite_request_id)),
            visits::site_id.eq(v.place.0),
            visits::region_id.eq(v.place.1),
            visits::window_start.eq(v.window.0),
            visits::window_end.eq(v.window.1),
            visits::required_skill.eq(v.skill),
            visits::required_level.eq(v.level),
            visits::status.eq(VisitStatus::Scheduled.as_str()),
            visits::created_by.eq(v.created_by),
            visits::created_at.eq(ts(v.at)),
            visits::updated_at.eq(ts(v.at)),
        ))
        .returning(visits::id)
        .get_result(c)?;
    get_visit(c, id)
}

/// Whether the technician holds an open visit (assigned, accepted, en route, on site) on it.
pub fn holds_ticket_visit(c: &mut DbConn, technician: i64, ticket_id: i64) -> AppResult<bool> {
    let found: Option<i64> = visits::table
        .filter(visits::technician_id.eq(technician))
        .filter(visits::ticket_id.eq(ticket_id))
        .filter(visits::status.eq_any(BOOKING))
        .select(visits::id)
        .first(c)
        .optional()?;
    Ok(found.is_some())
}

/// Sets the visit's technician and status if its version is still `version`; returns whether it
/// was (the new version is one more).
pub fn set_technician(
    c: &mut DbConn,
    visit: &VisitRow,
    technician: Option<i64>,
    status: VisitStatus,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    let n = diesel::update(
        visits::table
            .filter(visits::id.eq(visit.id))
            .filter(visits::version.eq(visit.version)),
    )
    .set((
        visits::technician_id.eq(technician),
        visits::status.eq(status.as_str()),
        visits::version.eq(visit.version + 1),
        visits::planned_arrival_at.eq(None::<NaiveDateTime>),
        visits::planned_departure_at.eq(None::<NaiveDateTime>),
        visits::route_position.eq(None::<i32>),
        visits::day_plan_id.eq(None::<i64>),
        visits::updated_at.eq(ts(at)),
    ))
    .execute(c)?;
    Ok(n > 0)
}

/// Takes the technician off the visit: it is scheduled again.
pub fn unbook(c: &mut DbConn, visit: &VisitRow, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(visits::table.find(visit.id))
        .set((
            visits::technician_id.eq(None::<i64>),
            visits::status.eq(VisitStatus::Scheduled.as_str()),
            visits::version.eq(visit.version + 1),
            visits::planned_arrival_at.eq(None::<NaiveDateTime>),
            visits::planned_departure_at.eq(None::<NaiveDateTime>),
            visits::route_position.eq(None::<i32>),
            visits::day_plan_id.eq(None::<i64>),
            visits::updated_at.eq(ts(at)),
        ))
        .execute(c)?;
    Ok(())
}

/// A visit's new window, agreed with the customer, and who holds it then.
pub struct Moved<'a> {
    pub window: (DateTime<Utc>, DateTime<Utc>),
    pub agreed_with: &'a str,
    pub agreed_at: DateTime<Utc>,
    pub agreed_via: AgreedVia,
    pub technician: Option<i64>,
    pub status: VisitStatus,
    pub at: DateTime<Utc>,
}

/// Gives the visit its new window (and technician and status) if its version is still the one
/// read; returns whether it was. The technician accepts the new window again, so the times of
/// accepting and setting off are cleared.
pub fn reschedule(c: &mut DbConn, visit: &VisitRow, m: &Moved) -> AppResult<bool> {
    let n = diesel::update(
        visits::table
            .filter(visits::id.eq(visit.id))
            .filter(visits::version.eq(visit.version)),
    )
    .set((
        visits::window_start.eq(ts(m.window.0)),
        visits::window_end.eq(ts(m.window.1)),
        visits::window_agreed_with.eq(Some(m.agreed_with)),
        visits::window_agreed_at.eq(Some(ts(m.agreed_at))),
        visits::window_agreed_via.eq(Some(m.agreed_via.as_str())),
        visits::technician_id.eq(m.technician),
        visits::status.eq(m.status.as_str()),
        visits::accepted_at.eq(None::<NaiveDateTime>),
        visits::en_route_at.eq(None::<NaiveDateTime>),
        visits::version.eq(visit.version + 1),
        visits::updated_at.eq(ts(m.at)),
        visits::planned_arrival_at.eq(None::<NaiveDateTime>),
        visits::planned_departure_at.eq(None::<NaiveDateTime>),
        visits::route_position.eq(None::<i32>),
        visits::day_plan_id.eq(None::<i64>),
    ))
    .execute(c)?;
    Ok(n > 0)
}

/// Cancels the visit with the reason if its version is still the one read; returns whether it
/// was. Its technician stays on record; a cancelled visit holds nobody's time.
pub fn cancel(c: &mut DbConn, visit: &VisitRow, reason: &str, at: DateTime<Utc>) -> AppResult<bool> {
    let n = diesel::update(
        visits::table
            .filter(visits::id.eq(visit.id))
            .filter(visits::version.eq(visit.version)),
    )
    .set((
        visits::status.eq(VisitStatus::Cancelled.as_str()),
        visits::outcome_reason.eq(Some(reason)),
        visits::version.eq(visit.version + 1),
        visits::updated_at.eq(ts(at)),
    ))
    .execute(c)?;
    Ok(n > 0)
}

/// Moves the visit to `status` if its version is still `version`; returns whether it was.
pub fn claim_step(c: &mut DbConn, id: i64, version: i32, status: VisitStatus, at: DateTime<Utc>) -> AppResult<bool> {
    let n = diesel::update(
        visits::table
            .filter(visits::id.eq(id))
            .filter(visits::version.eq(version)),
    )
    .set((
        visits::status.eq(status.as_str()),
        visits::version.eq(version + 1),
        visits::updated_at.eq(ts(at)),
    ))
    .execute(c)?;
    Ok(n > 0)
}

pub fn set_accepted(c: &mut DbConn, id: i64, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(visits::table.find(id))
        .set(visits::accepted_at.eq(Some(ts(at))))
        .execute(c)?;
    Ok(())
}

/// The technician gave the visit back: it has no technician any more.
pub fn set_declined(c: &mut DbConn, id: i64, reason: &str) -> AppResult<()> {
    diesel::update(visits::table.find(id))
        .set((
            visits::technician_id.eq(None::<i64>),
            visits::accepted_at.eq(None::<NaiveDateTime>),
            visits::outcome_reason.eq(reason),
        ))
        .execute(c)?;
    Ok(())
}

pub fn set_en_route(c: &mut DbConn, id: i64, at: DateTime<Utc>) -> AppResult<()> {
    diesel::update(visits::table.find(id))
        .set(visits::en_route_at.eq(Some(ts(at))))
        .execute(c)?;
    Ok(())
}

/// Where and when the technician checked in.
pub struct CheckIn<'a> {
    pub at: DateTime<Utc>,
    pub position: Location,
    pub distance_m: f64,
    pub reason: Option<&'a str>,
}

pub fn set_checked_in(c: &mut DbConn, id: i64, ci: &CheckIn) -> AppResult<()> {
    diesel::update(visits::table.find(id))
        .set((
            visits::checked_in_at.eq(Some(ts(ci.at))),
            visits::checkin_lat.eq(Some(ci.position.lat())),
            visits::checkin_lon.eq(Some(ci.position.lon())),
            visits::checkin_distance_m.eq(Some(ci.distance_m)),
            visits::checkin_reason.eq(ci.reason),
        ))
        .execute(c)?;
    Ok(())
}

/// What a completed visit stores.
pub struct Completion<'a> {
    pub at: DateTime<Utc>,
    pub work_notes: &'a str,
    pub under_warranty: Option<bool>,
    pub quote_amount: Option<f64>,
    pub quote_id: Option<i64>,
    pub amount_charged: Option<f64>,
    pub charge_difference_reason: Option<&'a str>,
    pub time_spent_minutes: i32,
    pub signoff_name: &'a str,
    pub signature_png: &'a [u8],
    pub parts: &'a [PartUsed],
}

pub fn set_completed(c: &mut DbConn, id: i64, done: &Completion) -> AppResult<()> {
    diesel::update(visits::table.find(id))
        .set((
            visits::finished_at.eq(Some(ts(done.at))),
            visits::work_notes.eq(Some(done.work_notes)),
            visits::under_warranty.eq(done.under_warranty),
            visits::quote_amount.eq(done.quote_amount),
            visits::quote_id.eq(done.quote_id),
            visits::amount_charged.eq(done.amount_charged),
            visits::charge_difference_reason.eq(done.charge_difference_reason),
            visits::time_spent_minutes.eq(Some(done.time_spent_minutes)),
            visits::signoff_name.eq(Some(done.signoff_name)),
            visits::signature_png.eq(Some(done.signature_png)),
        ))
        .execute(c)?;
    for p in done.parts {
        diesel::insert_into(visit_parts::table)
            .values((
                visit_parts::visit_id.eq(id),
                visit_parts::part_number.eq(&p.part_number),
                visit_parts::quantity.eq(p.quantity),
            ))
            .execute(c)?;
    }
    Ok(())
}

pub fn set_failed(c: &mut DbConn, id: i64, at: DateTime<Utc>, reason: &str) -> AppResult<()> {
    diesel::update(visits::table.find(id))
        .set((visits::finished_at.eq(Some(ts(at))), visits::outcome_reason.eq(reason)))
        .execute(c)?;
    Ok(())
}

/// The parts used on the visit.
pub fn parts_of(c: &mut DbConn, id: i64) -> AppResult<Vec<PartUsed>> {
    let parts: Vec<(String, i32)> = visit_parts::table
        .filter(visit_parts::visit_id.eq(id))
        .order(visit_parts::id)
        .select((visit_parts::part_number, visit_parts::quantity))
        .load(c)?;
    Ok(parts
        .into_iter()
        .map(|(part_number, quantity)| PartUsed { part_number, quantity })
        .collect())
}

/// A site's name, address and position as stored.
pub fn site_of(c: &mut DbConn, site: i64) -> AppResult<(String, String, f64, f64)> {
    Ok(sites::table
        .find(site)
        .select((sites::name, sites::address, sites::latitude, sites::longitude))
        .first(c)?)
}

/// A site's position.
pub fn site_location(c: &mut DbConn, site: i64) -> AppResult<Location> {
    let (lat, lon): (f64, f64) = sites::table
        .find(site)
        .select((sites::latitude, sites::longitude))
        .first(c)?;
    Location::parse(lat, lon).map_err(|e| AppError::internal(format!("site {site}: {e}")))
}

/// A new version of the visit (a quote made or answered on it changes it) if its version is
/// still the one read; returns whether it was.
pub fn touch(c: &mut DbConn, visit: &VisitRow, at: DateTime<Utc>) -> AppResult<bool> {
    let n = diesel::update(
        visits::table
            .filter(visits::id.eq(visit.id))
            .filter(visits::version.eq(visit.version)),
    )
    .set((visits::version.eq(visit.version + 1), visits::updated_at.eq(ts(at))))
    .execute(c)?;
    Ok(n > 0)
}

/// The customer declined the quote and wants no paid work: the visit ends as declined by the
/// customer, with the reason, if its version is still the one read; returns whether it was. Its
/// technician stays on record; the visit holds nobody's time any more.
pub fn end_declined(c: &mut DbConn, visit: &VisitRow, reason: &str, at: DateTime<Utc>) -> AppResult<bool> {
    let n = diesel::update(
        visits::table
            .filter(visits::id.eq(visit.id))
            .filter(visits::version.eq(visit.version)),
    )
    .set((
        visits::status.eq(VisitStatus::DeclinedByCustomer.as_str()),
        visits::finished_at.eq(Some(ts(at))),
        visits::outcome_reason.eq(Some(reason)),
        visits::version.eq(visit.version + 1),
        visits::updated_at.eq(ts(at)),
    ))
    .execute(c)?;
    Ok(n > 0)
}
