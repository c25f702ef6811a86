//! A ticket's SLA clocks on its row: the due times from its targets, the calendar and the
//! pauses; the next check of the scan; a breach recorded once; a tier limit or departure met
//! late; and the clock a tier starts when the ticket reaches it.

use crate::db::tickets::TicketRow;
use crate::db::{ts, utc};
use crate::domain::escalation::{self, ClockState, SlaClock};
use crate::domain::sla::{self, Calendar};
use crate::error::AppResult;
use chrono::{DateTime, Duration, Utc};
use fieldline_mobile_api::{Channel, LadderTier};

/// Sets the due times from the targets, the calendar and the pause so far, and the next check.
///
/// A tier clock runs from its start ([`start_tier_clocks`] at registration, [`enter_tier`] on
/// reaching the tier) until it is met; a tier's due time then stays as it was, and the
/// departure's once a technician set off.
pub fn recompute_dues(row: &mut TicketRow, cal: &Calendar, step_interval: Duration) -> AppResult<()> {
    let t = row.targets()?;
    let paused = Duration::seconds(row.paused_seconds);
    let opened = utc(row.opened_at);
    let d = sla::dues(cal, &t, opened, paused);
    let response = if row.channel == Channel::Email.as_str() {
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
    row.response_due_at = ts(response);
    row.resolution_due_at = ts(d.resolution);
    let since = |from: i64| Duration::seconds(row.paused_seconds - from);
    row.arrival_due_at = row
        .onsite_at
        .map(|o| ts(sla::arrival_due(cal, &t, utc(o), since(row.onsite_paused_seconds))));
    // A tier clock runs once started (at registration, or on reaching the tier) and until met.
    let state = row.sla_state()?;
    let running = |c: &ClockState| c.due.is_some() && c.met.is_none();
    if running(&state.hotline) {
        row.hotline_due_at = Some(ts(sla::due_after(cal, t.mode, opened, t.hotline, paused)));
    }
    if let (Some(r), true) = (row.remote_at, running(&state.remote)) {
        let due = sla::due_after(cal, t.mode, utc(r), t.remote, since(row.remote_paused_seconds));
        row.remote_due_at = Some(ts(due));
    }
    if let (Some(o), true) = (row.onsite_at, running(&state.departure)) {
        let due = sla::due_after(cal, t.mode, utc(o), t.departure, since(row.onsite_paused_seconds));
        row.departure_due_at = Some(ts(due));
    }
    refresh_next_check(row, step_interval)
}

pub fn refresh_next_check(row: &mut TicketRow, step_interval: Duration) -> AppResult<()> {
    row.next_check_at = escalation::next_check(&row.sla_state()?, step_interval).map(ts);
    Ok(())
}

/// Records a clock's breach once.
pub fn stamp_breach(row: &mut TicketRow, clock: SlaClock, at: DateTime<Utc>) {
    let slot = match clock {
        SlaClock::Response => &mut row.response_breached_at,
        SlaClock::Hotline => &mut row.hotline_breached_at,
        SlaClock::Remote => &mut row.remote_breached_at,
        SlaClock::Departure => &mut row.departure_breached_at,
        SlaClock::Arrival => &mut row.arrival_breached_at,
        SlaClock::Resolution => &mut row.resolution_breached_at,
        SlaClock::Callback => &mut row.callback_breached_at,
    };
    if slot.is_none() {
        *slot = Some(ts(at));
        row.breached = true;
    }
}

/// Records as breached, at `now`, a tier limit or departure just met after its due time (the
/// ticket climbed late, the technician set off late).
pub fn stamp_met_late(row: &mut TicketRow, now: DateTime<Utc>) -> AppResult<()> {
    let state = row.sla_state()?;
    for clock in [SlaClock::Hotline, SlaClock::Remote, SlaClock::Departure] {
        let c = state.clock(clock);
        if let (Some(due), Some(met), None) = (c.due, c.met, c.breached) {
            if escalation::late(due, met) {
                stamp_breach(row, clock, now);
            }
        }
    }
    Ok(())
}

/// Starts the hotline tier's clock of a new ticket with tier limits (its due time is set by
/// [`recompute_dues`]).
pub fn start_tier_clocks(row: &mut TicketRow) {
    if row.hotline_minutes > 0 {
        row.hotline_due_at = Some(row.opened_at);
    }
}

/// The ticket reaches a higher tier now: the clock of that tier starts (counted from now, less
/// the pause so far; its due time is set by [`recompute_dues`]) when the ticket has tier limits
/// (a ticket registered before them has none until its targets are taken again).
pub fn enter_tier(row: &mut TicketRow, to: LadderTier, now: DateTime<Utc>) {
    row.ladder_tier = to.as_str().into();
    let clocks = row.hotline_minutes > 0;
    match to {
        LadderTier::Remote => {
            row.remote_at = Some(ts(now));
            row.remote_paused_seconds = row.paused_seconds;
            row.remote_due_at = clocks.then_some(ts(now));
        }
        LadderTier::Onsite => {
            row.onsite_at = Some(ts(now));
            row.onsite_paused_seconds = row.paused_seconds;
            row.departure_due_at = clocks.then_some(ts(now));
        }
        LadderTier::Hotline => {}
    }
}
