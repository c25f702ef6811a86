//! SLA policies, the business calendar and its holidays: staff read them, admins change them;
//! and the defaults a new database starts with.

use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::sla::{self as store, NewPolicy, PolicyTargets, CALENDAR_ID};
use crate::db::{write, DbConn};
use crate::domain::sla::{shipped_policies, Calendar, PolicyScope};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::admin::Act;
use crate::policy::{self, Action};
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{
    BusinessCalendar, Holiday, HolidayKind, NewHoliday, NewSlaPolicy, SlaPolicy, Tier, TierAction, UpdateSlaPolicy,
};
use std::collections::HashSet;

fn require(who: &Who, act: Act) -> AppResult<()> {
    policy::require(&who.caller, Action::Admin(act))
}

/// The shipped SLA policies and the standard calendar in `tz`, where there are none yet.
pub fn ensure_defaults(c: &mut DbConn, at: DateTime<Utc>, tz: chrono_tz::Tz) -> AppResult<()> {
    let system = Actor::system(at);
    ensure_default_policies(c, &system)?;
    ensure_calendar(c, &system, tz)
}

/// Adds every shipped row (`domain::sla::shipped_policies`: one per tier x priority x class,
/// one per tier for complaints) whose scope has no policy yet, each with its audit event, in a
/// transaction of its own; the number added. For the data generators and start-up, which act as
/// the service itself.
pub fn ensure_default_policies(c: &mut DbConn, actor: &Actor) -> AppResult<usize> {
    write(c, |c| {
        let existing: HashSet<PolicyScope> = store::policy_scopes(c)?.into_iter().collect();
        let mut added = 0;
        for (scope, targets) in shipped_policies() {
            if existing.contains(&scope) {
                continue;
            }
            let row = store::insert_policy(c, &NewPolicy { scope, targets }, actor.at)?;
            audit::record(
                c,
                actor,
                "sla_policy",
                row.id,
                "create_default",
                None,
                snapshot(&row.to_wire()?),
            )?;
            added += 1;
        }
        Ok(added)
    })
}

/// Stores the standard calendar in the zone when there is none yet, with its audit event, in a
/// transaction of its own. For the data generators and start-up, which act as the service
/// itself.
pub fn ensure_calendar(c: &mut DbConn, actor: &Actor, tz: chrono_tz::Tz) -> AppResult<()> {
    write(c, |c| {
        if !store::calendar_exists(c)? {
            let wire = store::calendar_to_wire(&Calendar::standard(tz));
            store::store_calendar(c, &wire, actor)?;
            audit::record(
                c,
                actor,
                "calendar",
                CALENDAR_ID,
                "create_default",
                None,
                snapshot(&wire),
            )?;
        }
        Ok(())
    })
}

/// Every policy, or those naming a customer tier.
pub fn list_policies(c: &mut DbConn, who: &Who, tier: Option<Tier>) -> AppResult<Vec<SlaPolicy>> {
    require(who, Act::ReadSlaSettings)?;
    store::list_policies(c, tier)
}

/// Adds a policy row (an override for a kind, or for any part of the key left open); tickets
/// registered afterwards, and tickets whose targets are taken again, use it where it is the most
/// specific match.
pub fn create_policy(c: &mut DbConn, who: &Who, b: NewSlaPolicy) -> AppResult<SlaPolicy> {
    require(who, Act::ChangeSlaPolicies)?;
    let t = PolicyTargets {
        response_minutes: b.response_minutes,
        hotline_minutes: b.hotline_minutes,
        remote_minutes: b.remote_minutes,
        departure_minutes: b.departure_minutes,
        arrival_minutes: b.arrival_minutes,
        resolution_minutes: b.resolution_minutes,
        clock_mode: b.clock_mode.as_str().into(),
        hotline_action: b.hotline_action.unwrap_or(TierAction::Alert).as_str().into(),
        remote_action: b.remote_action.unwrap_or(TierAction::Alert).as_str().into(),
    };
    check_targets(&t)?;
    let scope = PolicyScope {
        kind: b.kind,
        tier: b.customer_tier,
        priority: b.priority,
        class: b.region_class,
    };
    let actor = who.actor();
    write(c, |c| {
        if store::policy_scopes(c)?.contains(&scope) {
            return Err(AppError::duplicate(
                "kind",
                "a policy for these kind, customer tier, priority and region class exists; change it instead",
            ));
        }
        let row = store::insert_policy(
            c,
            &NewPolicy {
                scope,
                targets: t.targets()?,
            },
            actor.at,
        )?;
        let out = row.to_wire()?;
        audit::record(c, &actor, "sla_policy", row.id, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// Changes a policy's targets; tickets registered afterwards use them.
pub fn update_policy(c: &mut DbConn, who: &Who, id: i64, b: UpdateSlaPolicy) -> AppResult<SlaPolicy> {
    require(who, Act::ChangeSlaPolicies)?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::policy(c, id)?;
        let t = PolicyTargets {
            response_minutes: b.response_minutes.unwrap_or(before.response_minutes),
            hotline_minutes: b.hotline_minutes.unwrap_or(before.hotline_minutes),
            remote_minutes: b.remote_minutes.unwrap_or(before.remote_minutes),
            departure_minutes: b.departure_minutes.unwrap_or(before.departure_minutes),
            arrival_minutes: b.arrival_minutes.unwrap_or(before.arrival_minutes),
            resolution_minutes: b.resolution_minutes.unwrap_or(before.resolution_minutes),
            clock_mode: b
                .clock_mode
                .map(|m| m.as_str().to_string())
                .unwrap_or(before.clock_mode.clone()),
            hotline_action: b
                .hotline_action
                .map(|a| a.as_str().to_string())
                .unwrap_or(before.hotline_action.clone()),
            remote_action: b
                .remote_action
                .map(|a| a.as_str().to_string())
                .unwrap_or(before.remote_action.clone()),
        };
        check_targets(&t)?;
        let out = store::set_policy(c, id, &t, actor.at)?.to_wire()?;
        audit::record(
            c,
            &actor,
            "sla_policy",
            id,
            "update",
            snapshot(&before.to_wire()?),
            snapshot(&out),
        )?;
        Ok(out)
    })
}

/// Targets between a minute and 90 days; response, tier limits, departure and arrival within
/// the resolution target; the departure not after the arrival.
fn check_targets(t: &PolicyTargets) -> AppResult<()> {
    for (field, v) in [
        ("response_minutes", t.response_minutes),
        ("hotline_minutes", t.hotline_minutes),
        ("remote_minutes", t.remote_minutes),
        ("departure_minutes", t.departure_minutes),
        ("arrival_minutes", t.arrival_minutes),
        ("resolution_minutes", t.resolution_minutes),
    ] {
        if !(1..=60 * 24 * 90).contains(&v) {
            return Err(AppError::validation(field, "must be between 1 minute and 90 days"));
        }
        if field != "resolution_minutes" && v > t.resolution_minutes {
            return Err(AppError::validation(field, "must not exceed the resolution target"));
        }
    }
    if t.departure_minutes > t.arrival_minutes {
        return Err(AppError::validation(
            "departure_minutes",
            "must not exceed the arrival target",
        ));
    }
    Ok(())
}

/// The business calendar: time zone and weekly hours.
pub fn calendar(c: &mut DbConn, who: &Who) -> AppResult<BusinessCalendar> {
    require(who, Act::ReadSlaSettings)?;
    store::calendar_wire(c)
}

/// Replaces the calendar; due times already set are kept.
pub fn replace_calendar(c: &mut DbConn, who: &Who, b: BusinessCalendar) -> AppResult<BusinessCalendar> {
    require(who, Act::ChangeCalendar)?;
    let checked = store::calendar_to_wire(&store::calendar_from_wire(&b)?);
    let actor = who.actor();
    write(c, |c| {
        let before = store::calendar_wire(c)?;
        store::store_calendar(c, &checked, &actor)?;
        audit::record(
            c,
            &actor,
            "calendar",
            CALENDAR_ID,
            "update",
            snapshot(&before),
            snapshot(&checked),
        )?;
        Ok(checked)
    })
}

/// Holidays and make-up working days, of a year or all.
pub fn holidays(c: &mut DbConn, who: &Who, year: Option<i32>) -> AppResult<Vec<Holiday>> {
    require(who, Act::ReadSlaSettings)?;
    if let Some(y) = year {
        validate::year("year", y, who.at.date_naive())?;
    }
    store::list_holidays(c, year)
}

/// Adds a holiday or a make-up working day.
pub fn add_holiday(c: &mut DbConn, who: &Who, b: NewHoliday) -> AppResult<Holiday> {
    require(who, Act::ChangeCalendar)?;
    let name = validate::text("name", &b.name, 100)?;
    let kind = b.kind.unwrap_or(HolidayKind::Holiday);
    let (actor, day) = (who.actor(), b.day);
    validate::date("day", day, actor.at.date_naive())?;
    write(c, |c| {
        if store::day_taken(c, day)? {
            return Err(AppError::duplicate("day", format!("{day} is already in the calendar")));
        }
        let out = store::insert_holiday(c, day, &name, kind, actor.at)?.to_wire();
        audit::record(c, &actor, "holiday", out.id.0, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// Removes a holiday.
pub fn delete_holiday(c: &mut DbConn, who: &Who, id: i64) -> AppResult<()> {
    require(who, Act::ChangeCalendar)?;
    let actor = who.actor();
    write(c, |c| {
        let row = store::holiday(c, id)?;
        store::remove_holiday(c, id)?;
        audit::record(c, &actor, "holiday", id, "delete", snapshot(&row.to_wire()), None)?;
        Ok(())
    })
}

/// Tickets with a recorded breach, by clock (for the operators' metrics).
pub fn breaches_recorded(c: &mut DbConn) -> AppResult<Vec<(&'static str, i64)>> {
    Ok(store::breaches_recorded(c)?)
}
