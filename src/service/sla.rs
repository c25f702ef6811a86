//! SLA policies, the business calendar and its holidays: staff read them, admins change them;
//! and the defaults a new database starts with.

use super::Who;
use crate::db::audit::{self, snapshot, Actor};
use crate::db::sla::{self as store, NewPolicy, PolicyTargets, CALENDAR_ID};
use crate::db::{write, DbConn};
use crate::domain::sla::{default_targets, Calendar};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::admin::Act;
use crate::policy::{self, Action};
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{
    BusinessCalendar, Holiday, HolidayKind, NewHoliday, Priority, RegionClass, SlaPolicy, Tier, UpdateSlaPolicy,
};

fn require(who: &Who, act: Act) -> AppResult<()> {
    policy::require(&who.caller, Action::Admin(act))
}

/// The shipped SLA policies and the standard calendar in `tz`, where there are none yet.
pub fn ensure_defaults(c: &mut DbConn, at: DateTime<Utc>, tz: chrono_tz::Tz) -> AppResult<()> {
    let system = Actor::system(at);
    ensure_default_policies(c, &system)?;
    ensure_calendar(c, &system, tz)
}

/// Adds the shipped default for every tier x priority x class that has no policy yet, each with
/// its audit event, in a transaction of its own; the number added. For the data generators and
/// start-up, which act as the service itself.
pub fn ensure_default_policies(c: &mut DbConn, actor: &Actor) -> AppResult<usize> {
    write(c, |c| {
        let existing = store::policy_keys(c)?;
        let mut added = 0;
        for &tier in Tier::ALL {
            for &priority in Priority::ALL {
                for &class in RegionClass::ALL {
                    let key = (
                        tier.as_str().to_string(),
                        priority.as_str().to_string(),
                        class.as_str().to_string(),
                    );
                    if existing.contains(&key) {
                        continue;
                    }
                    let new = NewPolicy {
                        tier,
                        priority,
                        class,
                        targets: default_targets(tier, priority, class),
                    };
                    let row = store::insert_policy(c, &new, actor.at)?;
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
            }
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

/// Every policy, or a tier's.
pub fn list_policies(c: &mut DbConn, who: &Who, tier: Option<Tier>) -> AppResult<Vec<SlaPolicy>> {
    require(who, Act::ReadSlaSettings)?;
    store::list_policies(c, tier)
}

/// Changes a policy's targets; tickets registered afterwards use them.
pub fn update_policy(c: &mut DbConn, who: &Who, id: i64, b: UpdateSlaPolicy) -> AppResult<SlaPolicy> {
    require(who, Act::ChangeSlaPolicies)?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::policy(c, id)?;
        let t = PolicyTargets {
            response_minutes: b.response_minutes.unwrap_or(before.response_minutes),
            arrival_minutes: b.arrival_minutes.unwrap_or(before.arrival_minutes),
            resolution_minutes: b.resolution_minutes.unwrap_or(before.resolution_minutes),
            clock_mode: b
                .clock_mode
                .map(|m| m.as_str().to_string())
                .unwrap_or(before.clock_mode.clone()),
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

/// Targets between a minute and 90 days, response and arrival within the resolution target.
fn check_targets(t: &PolicyTargets) -> AppResult<()> {
    for (field, v) in [
        ("response_minutes", t.response_minutes),
        ("arrival_minutes", t.arrival_minutes),
        ("resolution_minutes", t.resolution_minutes),
    ] {
        if !(1..=60 * 24 * 90).contains(&v) {
            return Err(AppError::validation(field, "must be between 1 minute and 90 days"));
        }
    }
    if t.response_minutes > t.resolution_minutes {
        return Err(AppError::validation(
            "response_minutes",
            "must not exceed the resolution target",
        ));
    }
    if t.arrival_minutes > t.resolution_minutes {
        return Err(AppError::validation(
            "arrival_minutes",
            "must not exceed the resolution target",
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
pub fn breaches_recorded(c: &mut DbConn) -> AppResult<[(&'static str, i64); 4]> {
    Ok(store::breaches_recorded(c)?)
}
