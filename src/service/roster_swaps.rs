//! Swaps on the duty roster (换班): an agent asks to swap one of their future entries with a
//! colleague's, the colleague agrees, and the lead of each of the two people approves (one
//! approval counts for both when they share a lead; a supervisor or manager stands in for a
//! missing lead). The last approval exchanges the two entries' people in the same transaction.
//! The swap regulation's rules (`domain::roster::check_swap`) are checked at the request and
//! again at the last approval. The swap rows are the swap record.

use super::Who;
use crate::db::audit::{self, snapshot};
use crate::db::roster::{self as entries, EntryRow};
use crate::db::roster_swaps::{self as store, NewSwapRow, SwapProgress, SwapRow};
use crate::db::schema::users;
use crate::db::{notifications, org, sla, ts, utc, write, DbConn, Paging};
use crate::domain::roster::{check_swap, SwapSide};
use crate::domain::sla::Calendar;
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::desk::{self as policy, Act};
use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use fieldline_mobile_api::{
    NewRosterSwap, Page, RosterEntryId, RosterSwap, ShiftId, SwapId, SwapRefusal, SwapStatus, UserId,
};
use std::collections::HashMap;

/// The longest reason or refusal.
pub const MAX_REASON: usize = 500;

/// Which swaps a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwapScope {
    /// Asked by the caller or of them.
    Mine,
    /// Open swaps the caller still has an agreement or approval to give.
    ToDecide,
    /// Every swap (supervisors, managers, admins).
    All,
}

impl SwapScope {
    pub fn parse(s: &str) -> AppResult<SwapScope> {
        match s {
            "mine" => Ok(SwapScope::Mine),
            "decide" => Ok(SwapScope::ToDecide),
            "all" => Ok(SwapScope::All),
            _ => Err(AppError::validation("scope", "must be mine, decide or all")),
        }
    }
}

/// Asks to swap one of the caller's future entries with a colleague's, with its audit event and
/// a word to the colleague.
pub fn ask(c: &mut DbConn, who: &Who, b: NewRosterSwap) -> AppResult<RosterSwap> {
    policy::require(&who.caller, Act::ReadRoster)?;
    let actor = who.actor();
    let reason = validate::text("reason", &b.reason, MAX_REASON)?;
    write(c, |c| {
        let mine = entries::find_entry(c, b.entry_id.0)?
            .ok_or_else(|| AppError::validation("entry_id", "no roster entry has this id"))?;
        if !policy::may_swap_as(&who.caller, mine.user_id) {
            return Err(AppError::Forbidden(
                "only the person on this entry may offer it for a swap".into(),
            ));
        }
        let theirs = entries::find_entry(c, b.counterpart_entry_id.0)?
            .ok_or_else(|| AppError::validation("counterpart_entry_id", "no roster entry has this id"))?;
        if store::open_of_entries(c, &[mine.id, theirs.id])?.is_some() {
            return Err(AppError::Conflict(
                "one of these entries is in an open swap request already".into(),
            ));
        }
        let cal = sla::calendar(c)?;
        check(c, &cal, who, &mine, &theirs, None)?;
        let row = store::insert(
            c,
            &NewSwapRow {
                requester_entry_id: mine.id,
                counterpart_entry_id: theirs.id,
                requester_id: mine.user_id,
                counterpart_id: theirs.user_id,
                requester_day: mine.day,
                counterpart_day: theirs.day,
                requester_shift_id: mine.shift_id,
                counterpart_shift_id: theirs.shift_id,
                reason: reason.clone(),
                status: SwapStatus::Requested.as_str().into(),
                created_at: ts(actor.at),
                updated_at: ts(actor.at),
            },
        )?;
        let out = one(c, who, &row)?;
        audit::record(c, &actor, "roster_swap", row.id, "create", None, snapshot(&out))?;
        let msg = format!(
            "{} asks to swap their shift of {} with yours of {}: {reason}",
            out.requester_name, out.requester_day, out.counterpart_day
        );
        notifications::notify(c, &[theirs.user_id], None, "roster_swap", &msg, actor.at)?;
        Ok(out)
    })
}

/// Checks the swap of `mine` with `theirs` against the rules, as the roster stands now
/// (`except`: the swap itself, when checked again at its approval).
fn check(
    c: &mut DbConn,
    cal: &Calendar,
    who: &Who,
    mine: &EntryRow,
    theirs: &EntryRow,
    except: Option<i64>,
) -> AppResult<()> {
    let requester = side(c, cal, mine, theirs.day, except)?;
    let counterpart = side(c, cal, theirs, mine.day, except)?;
    let (first, last) = (mine.day.min(theirs.day), mine.day.max(theirs.day));
    let holidays = entries::holidays_between(c, first, last)?;
    check_swap(&requester, &counterpart, &holidays, who.at)?;
    Ok(())
}

/// One side of a swap as the rules read it.
fn side(
    c: &mut DbConn,
    cal: &Calendar,
    entry: &EntryRow,
    other_day: NaiveDate,
    except: Option<i64>,
) -> AppResult<SwapSide> {
    let (name, role, level): (String, String, i32) = users::table
        .find(entry.user_id)
        .select((users::display_name, users::role, users::level))
        .first(c)?;
    let shift = entries::find_shift(c, entry.shift_id)?
        .ok_or_else(|| AppError::internal(format!("roster entry {} has no shift", entry.id)))?;
    let (starts_at, _) = shift.times()?.interval(cal, entry.day);
    let rostered_on_other_day = entries::entry_of(c, entry.user_id, other_day)?.is_some_and(|e| e.id != entry.id);
    // The months of the two days, and a day either side for the back-to-back rule.
    let (lo, hi) = (entry.day.min(other_day), entry.day.max(other_day));
    let from = lo.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(lo);
    let to = NaiveDate::from_ymd_opt(hi.year(), hi.month(), 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .unwrap_or(hi);
    let other_swap_days = store::live_swap_days(c, entry.user_id, from, to, except)?;
    Ok(SwapSide {
        user: entry.user_id,
        name,
        role,
        level,
        day: entry.day,
        starts_at,
        rostered_on_other_day,
        other_swap_days,
    })
}

/// Who approves each side of a swap: the person's lead, unless the lead is one of the swap's
/// two people or there is none (then a supervisor or manager stands in).
fn leads(c: &mut DbConn, row: &SwapRow) -> AppResult<[Option<i64>; 2]> {
    let mut out = [None, None];
    for (i, person) in [row.requester_id, row.counterpart_id].into_iter().enumerate() {
        out[i] = org::lead_of(c, person)?.filter(|l| *l != row.requester_id && *l != row.counterpart_id);
    }
    Ok(out)
}

/// Which sides (requester's, counterpart's) the caller may approve or refuse.
fn approvable(who: &Who, row: &SwapRow, leads: &[Option<i64>; 2]) -> [bool; 2] {
    let me = who.caller.id.0;
    if me == row.requester_id || me == row.counterpart_id {
        return [false, false];
    }
    leads.map(|l| policy::may_approve_side(&who.caller, l == Some(me), l.is_none()))
}

/// Agrees to a swap (the counterpart) or approves it (a lead, or a supervisor or manager for a
/// person without a lead); one call gives every agreement and approval the caller holds. The
/// last one checks the rules again and exchanges the two entries' people.
pub fn approve(c: &mut DbConn, who: &Who, id: i64) -> AppResult<RosterSwap> {
    policy::require(&who.caller, Act::ReadRoster)?;
    let actor = who.actor();
    write(c, |c| {
        let row = open_swap(c, id)?;
        let me = who.caller.id.0;
        let before = one(c, who, &row)?;
        let mut p = SwapProgress::of(&row);
        let mut gave = false;
        if me == row.counterpart_id && policy::may_swap_as(&who.caller, me) && p.agreed_at.is_none() {
            p.agreed_at = Some(ts(actor.at));
            gave = true;
        }
        let sides = approvable(who, &row, &leads(c, &row)?);
        if sides[0] && p.requester_lead_by.is_none() {
            (p.requester_lead_by, p.requester_lead_at) = (Some(me), Some(ts(actor.at)));
            gave = true;
        }
        if sides[1] && p.counterpart_lead_by.is_none() {
            (p.counterpart_lead_by, p.counterpart_lead_at) = (Some(me), Some(ts(actor.at)));
            gave = true;
        }
        if !gave {
            return Err(if me == row.counterpart_id || sides.contains(&true) {
                AppError::Conflict("you have given your approval of this swap already".into())
            } else {
                deciders_only()
            });
        }
        let done = p.agreed_at.is_some() && p.requester_lead_by.is_some() && p.counterpart_lead_by.is_some();
        if done {
            exchange(c, who, &row)?;
            p.status = SwapStatus::Approved.as_str().into();
            p.decided_at = Some(ts(actor.at));
        }
        let after = store::progress(c, id, &p, actor.at)?
            .ok_or_else(|| AppError::Conflict("this swap was decided meanwhile".into()))?;
        let out = one(c, who, &after)?;
        let action = if done { "approve" } else { "agree" };
        audit::record(c, &actor, "roster_swap", id, action, snapshot(&before), snapshot(&out))?;
        if done {
            let msg = format!(
                "Your swap is approved: {} now works {} {}, {} works {} {}",
                out.requester_name,
                out.counterpart_day,
                out.counterpart_shift_name,
                out.counterpart_name,
                out.requester_day,
                out.requester_shift_name
            );
            let people = [row.requester_id, row.counterpart_id];
            notifications::notify(c, &people, None, "roster_swap_approved", &msg, actor.at)?;
        } else if me == row.counterpart_id {
            let msg = format!(
                "{} agrees to swap {} for {}; the leads' approval is awaited",
                out.counterpart_name, out.counterpart_day, out.requester_day
            );
            notifications::notify(c, &[row.requester_id], None, "roster_swap", &msg, actor.at)?;
        }
        Ok(out)
    })
}

fn deciders_only() -> AppError {
    AppError::Forbidden(
        "only the counterpart and the leads of the two people (a supervisor or manager for a person without a lead) decide this swap"
            .into(),
    )
}

fn open_swap(c: &mut DbConn, id: i64) -> AppResult<SwapRow> {
    let row = store::get(c, id)?;
    match row.status()? {
        SwapStatus::Requested => Ok(row),
        s => Err(AppError::Conflict(format!("this swap is {s} already"))),
    }
}

/// Checks the rules again and exchanges the two entries' people (on one day: their shifts, so a
/// person keeps one shift a day), with an audit event for each entry.
fn exchange(c: &mut DbConn, who: &Who, row: &SwapRow) -> AppResult<()> {
    let changed = || AppError::Conflict("the roster changed since this swap was asked; refuse it and ask again".into());
    let mine = entries::find_entry(c, row.requester_entry_id)?.ok_or_else(changed)?;
    let theirs = entries::find_entry(c, row.counterpart_entry_id)?.ok_or_else(changed)?;
    let as_asked = |e: &EntryRow, user, day, shift| e.user_id == user && e.day == day && e.shift_id == shift;
    if !as_asked(&mine, row.requester_id, row.requester_day, row.requester_shift_id)
        || !as_asked(
            &theirs,
            row.counterpart_id,
            row.counterpart_day,
            row.counterpart_shift_id,
        )
    {
        return Err(changed());
    }
    let cal = sla::calendar(c)?;
    check(c, &cal, who, &mine, &theirs, Some(row.id))?;
    let before = super::roster::wire(c, &cal, &[mine.clone(), theirs.clone()])?;
    if mine.day == theirs.day {
        entries::set_entry_shift(c, mine.id, theirs.shift_id)?;
        entries::set_entry_shift(c, theirs.id, mine.shift_id)?;
    } else {
        entries::set_entry_user(c, mine.id, theirs.user_id)?;
        entries::set_entry_user(c, theirs.id, mine.user_id)?;
    }
    let now = [entries::get_entry(c, mine.id)?, entries::get_entry(c, theirs.id)?];
    let after = super::roster::wire(c, &cal, &now)?;
    let actor = who.actor();
    for (b, a) in before.iter().zip(&after) {
        audit::record(c, &actor, "roster_entry", a.id.0, "swap", snapshot(b), snapshot(a))?;
    }
    Ok(())
}

/// Refuses a swap, saying why (the counterpart, or an approver of either side), with its audit
/// event and a word to both people.
pub fn refuse(c: &mut DbConn, who: &Who, id: i64, b: SwapRefusal) -> AppResult<RosterSwap> {
    policy::require(&who.caller, Act::ReadRoster)?;
    let actor = who.actor();
    let reason = validate::text("reason", &b.reason, MAX_REASON)?;
    write(c, |c| {
        let row = open_swap(c, id)?;
        let me = who.caller.id.0;
        let sides = approvable(who, &row, &leads(c, &row)?);
        let counterpart = me == row.counterpart_id && policy::may_swap_as(&who.caller, me);
        if !counterpart && !sides.contains(&true) {
            return Err(deciders_only());
        }
        let before = one(c, who, &row)?;
        let mut p = SwapProgress::of(&row);
        p.status = SwapStatus::Refused.as_str().into();
        (p.refused_by, p.refusal, p.decided_at) = (Some(me), Some(reason.clone()), Some(ts(actor.at)));
        let after = store::progress(c, id, &p, actor.at)?
            .ok_or_else(|| AppError::Conflict("this swap was decided meanwhile".into()))?;
        let out = one(c, who, &after)?;
        audit::record(
            c,
            &actor,
            "roster_swap",
            id,
            "refuse",
            snapshot(&before),
            snapshot(&out),
        )?;
        let msg = format!(
            "The swap of {} for {} is refused: {reason}",
            out.requester_day, out.counterpart_day
        );
        let people: Vec<i64> = [row.requester_id, row.counterpart_id]
            .into_iter()
            .filter(|p| *p != me)
            .collect();
        notifications::notify(c, &people, None, "roster_swap_refused", &msg, actor.at)?;
        Ok(out)
    })
}

/// Cancels one's own open request, with its audit event and a word to the counterpart.
pub fn cancel(c: &mut DbConn, who: &Who, id: i64) -> AppResult<RosterSwap> {
    policy::require(&who.caller, Act::ReadRoster)?;
    let actor = who.actor();
    write(c, |c| {
        let row = store::get(c, id)?;
        if who.caller.id.0 != row.requester_id || !policy::may_swap_as(&who.caller, row.requester_id) {
            return Err(AppError::Forbidden("only the requester cancels a swap request".into()));
        }
        let row = open_swap(c, id)?;
        let before = one(c, who, &row)?;
        let mut p = SwapProgress::of(&row);
        p.status = SwapStatus::Cancelled.as_str().into();
        p.decided_at = Some(ts(actor.at));
        let after = store::progress(c, id, &p, actor.at)?
            .ok_or_else(|| AppError::Conflict("this swap was decided meanwhile".into()))?;
        let out = one(c, who, &after)?;
        audit::record(
            c,
            &actor,
            "roster_swap",
            id,
            "cancel",
            snapshot(&before),
            snapshot(&out),
        )?;
        let msg = format!(
            "{} cancelled the swap request of {} for {}",
            out.requester_name, out.requester_day, out.counterpart_day
        );
        notifications::notify(c, &[row.counterpart_id], None, "roster_swap", &msg, actor.at)?;
        Ok(out)
    })
}

/// A page of swaps, newest first: the caller's own, those they still have to decide, or all of
/// them (supervisors, managers, admins); of one status or any.
pub fn list(
    c: &mut DbConn,
    who: &Who,
    scope: SwapScope,
    status: Option<SwapStatus>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> AppResult<Page<RosterSwap>> {
    policy::require(&who.caller, Act::ReadRoster)?;
    let paging = Paging::new(limit, offset)?;
    let (rows, total) = match scope {
        SwapScope::Mine => store::page(c, Some(who.caller.id.0), status, paging.limit, paging.offset)?,
        SwapScope::All => {
            if !policy::reads_all_swaps(&who.caller) {
                return Err(AppError::Forbidden(
                    "only supervisors, managers and admins read every swap".into(),
                ));
            }
            store::page(c, None, status, paging.limit, paging.offset)?
        }
        SwapScope::ToDecide => {
            let mut mine = Vec::new();
            if status.is_none_or(|s| s == SwapStatus::Requested) {
                for row in store::open(c)? {
                    if to_decide(c, who, &row)? {
                        mine.push(row);
                    }
                }
            }
            mine.reverse();
            let total = mine.len() as i64;
            let start = (paging.offset as usize).min(mine.len());
            let end = (start + paging.limit as usize).min(mine.len());
            (mine[start..end].to_vec(), total)
        }
    };
    Ok(paging.page(wire(c, who, &rows)?, total))
}

/// Whether the caller still has an agreement or approval of this open swap to give.
fn to_decide(c: &mut DbConn, who: &Who, row: &SwapRow) -> AppResult<bool> {
    let me = who.caller.id.0;
    if me == row.counterpart_id && row.agreed_at.is_none() {
        return Ok(policy::may_swap_as(&who.caller, me));
    }
    let sides = approvable(who, row, &leads(c, row)?);
    Ok((sides[0] && row.requester_lead_by.is_none()) || (sides[1] && row.counterpart_lead_by.is_none()))
}

fn one(c: &mut DbConn, who: &Who, row: &SwapRow) -> AppResult<RosterSwap> {
    wire(c, who, std::slice::from_ref(row))?
        .pop()
        .ok_or_else(|| AppError::internal("a swap vanished while read"))
}

/// The wire swaps, with the names of their people and shifts and what the caller may do.
fn wire(c: &mut DbConn, who: &Who, rows: &[SwapRow]) -> AppResult<Vec<RosterSwap>> {
    let mut ids: Vec<i64> = Vec::new();
    for r in rows {
        ids.extend([r.requester_id, r.counterpart_id]);
        ids.extend(
            [r.requester_lead_by, r.counterpart_lead_by, r.refused_by]
                .into_iter()
                .flatten(),
        );
    }
    let names: HashMap<i64, String> = users::table
        .filter(users::id.eq_any(&ids))
        .select((users::id, users::display_name))
        .load::<(i64, String)>(c)?
        .into_iter()
        .collect();
    let shifts: HashMap<i64, String> = entries::shifts(c)?.into_iter().map(|s| (s.id, s.name)).collect();
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let shift = |id: i64| shifts.get(&id).cloned().unwrap_or_default();
    let me = who.caller.id.0;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let status = r.status()?;
        let open = status == SwapStatus::Requested;
        let (can_approve, can_refuse) = if open {
            let sides = approvable(who, r, &leads(c, r)?);
            let counterpart = me == r.counterpart_id && policy::may_swap_as(&who.caller, me);
            (to_decide(c, who, r)?, counterpart || sides.contains(&true))
        } else {
            (false, false)
        };
        out.push(RosterSwap {
            id: SwapId(r.id),
            status,
            requester_entry_id: RosterEntryId(r.requester_entry_id),
            requester_id: UserId(r.requester_id),
            requester_name: name(r.requester_id),
            requester_day: r.requester_day,
            requester_shift_id: ShiftId(r.requester_shift_id),
            requester_shift_name: shift(r.requester_shift_id),
            counterpart_entry_id: RosterEntryId(r.counterpart_entry_id),
            counterpart_id: UserId(r.counterpart_id),
            counterpart_name: name(r.counterpart_id),
            counterpart_day: r.counterpart_day,
            counterpart_shift_id: ShiftId(r.counterpart_shift_id),
            counterpart_shift_name: shift(r.counterpart_shift_id),
            reason: r.reason.clone(),
            agreed_at: r.agreed_at.map(utc),
            requester_lead_id: r.requester_lead_by.map(UserId),
            requester_lead_name: r.requester_lead_by.map(name),
            requester_lead_at: r.requester_lead_at.map(utc),
            counterpart_lead_id: r.counterpart_lead_by.map(UserId),
            counterpart_lead_name: r.counterpart_lead_by.map(name),
            counterpart_lead_at: r.counterpart_lead_at.map(utc),
            refused_by: r.refused_by.map(UserId),
            refused_by_name: r.refused_by.map(name),
            refusal: r.refusal.clone(),
            decided_at: r.decided_at.map(utc),
            created_at: utc(r.created_at),
            updated_at: utc(r.updated_at),
            can_approve,
            can_refuse,
            can_cancel: open && me == r.requester_id,
        });
    }
    Ok(out)
}

/// Whether an entry is in an open swap request (an entry in one is not taken off the roster).
pub fn entry_in_open_swap(c: &mut DbConn, entry: i64) -> AppResult<bool> {
    Ok(store::open_of_entries(c, &[entry])?.is_some())
}
