//! SLA policies, the business calendar and its holidays: staff read them, admins change them;
//! and the defaults a new database starts with.

use super::Who;
use crate::db::audit::Actor;
use crate::db::sla::{self as store, PolicyChange};
use crate::db::DbConn;
use crate::domain::validate;
use crate::error::AppResult;
use crate::policy::admin::Act;
use crate::policy::{self, Action};
use chrono::{DateTime, Utc};
use fieldline_mobile_api::{
    BusinessCalendar, Holiday, HolidayKind, NewHoliday, SlaPolicy, Tier, UpdateSlaPolicy,
};

fn require(who: &Who, act: Act) -> AppResult<()> {
    policy::require(&who.caller, Action::Admin(act))
}

/// The shipped SLA policies and the standard calendar in `tz`, where there are none yet.
pub fn ensure_defaults(c: &mut DbConn, at: DateTime<Utc>, tz: chrono_tz::Tz) -> AppResult<()> {
    let system = Actor::system(at);
    store::ensure_default_policies(c, &system)?;
    store::ensure_calendar(c, &system, tz)
}

/// Every policy, or a tier's.
pub fn list_policies(c: &mut DbConn, who: &Who, tier: Option<Tier>) -> AppResult<Vec<SlaPolicy>> {
    require(who, Act::ReadSlaSettings)?;
    store::list_policies(c, tier)
}

/// Changes a policy's targets; tickets registered afterwards use them.
pub fn update_policy(c: &mut DbConn, who: &Who, id: i64, b: UpdateSlaPolicy) -> AppResult<SlaPolicy> {
    require(who, Act::ChangeSlaPolicies)?;
    let change = PolicyChange {
        response_minutes: b.response_minutes,
        arrival_minutes: b.arrival_minutes,
        resolution_minutes: b.resolution_minutes,
        clock_mode: b.clock_mode,
    };
    store::update_policy(c, &who.actor(), id, change)
}

/// The business calendar: time zone and weekly hours.
pub fn calendar(c: &mut DbConn, who: &Who) -> AppResult<BusinessCalendar> {
    require(who, Act::ReadSlaSettings)?;
    store::calendar_wire(c)
}

/// Replaces the calendar; due times already set are kept.
pub fn replace_calendar(c: &mut DbConn, who: &Who, b: BusinessCalendar) -> AppResult<BusinessCalendar> {
    require(who, Act::ChangeCalendar)?;
    store::update_calendar(c, &who.actor(), b)
}

/// Holidays and make-up working days, of a year or all.
pub fn holidays(c: &mut DbConn, who: &Who, year: Option<i32>) -> AppResult<Vec<Holiday>> {
    require(who, Act::ReadSlaSettings)?;
    store::list_holidays(c, year)
}

/// Adds a holiday or a make-up working day.
pub fn add_holiday(c: &mut DbConn, who: &Who, b: NewHoliday) -> AppResult<Holiday> {
    require(who, Act::ChangeCalendar)?;
    let name = validate::text("name", &b.name, 100)?;
    let kind = b.kind.unwrap_or(HolidayKind::Holiday);
    store::add_holiday(c, &who.actor(), b.day, name, kind)
}

/// Removes a holiday.
pub fn delete_holiday(c: &mut DbConn, who: &Who, id: i64) -> AppResult<()> {
    require(who, Act::ChangeCalendar)?;
    store::delete_holiday(c, &who.actor(), id)
}
