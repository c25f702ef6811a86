//! The job `revisit_generation`: revisit files kept in step with their assets, the files of
//! accepted assets that lack one, and each file's next periodic revisit once it is due within
//! the horizon.
//!
//! Every object is its own transaction with its audit event (entities `revisit_file` and
//! `revisit`); the job's writes are the service's own (no actor). A file's `next_due` moves only
//! from the value it was read with, so running the job twice, or on two nodes at once, creates
//! nothing twice.

use crate::db::audit::{self, snapshot, Actor};
use crate::db::revisit_files::{self as files, FileRow, NewFile};
use crate::db::revisits::{self as store, NewRevisit};
use crate::db::{ts, utc, write, DbConn};
use crate::domain::cadence::{self, Cadence};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Days, NaiveDate, Utc};
use fieldline_mobile_api::{RevisitKind, RevisitStatus};
use serde_json::{json, Value};

/// What the generation job needs from the settings.
#[derive(Debug, Clone, Copy)]
pub struct GenerationSettings {
    /// The cadence of new files.
    pub cadence: Cadence,
    /// Periodic revisits are created this many days before they are due.
    pub horizon_days: u32,
}

/// Brings files in step with their assets, creates the files of accepted assets that lack one,
/// and creates each file's next periodic revisit once it is due within the horizon. An object
/// that fails (e.g. changed by another node at the same moment) is left for the next run.
/// Returns (objects examined, changes made).
pub fn generate(c: &mut DbConn, now: DateTime<Utc>, s: GenerationSettings) -> AppResult<(i64, i64)> {
    let today = store::today(c, now)?;
    let actor = Actor::system(now);
    let mut examined = 0;
    let mut actions = 0;
    let mut tally = |what: &str, id: i64, r: AppResult<i64>| match r {
        Ok(n) => actions += n,
        Err(e) => tracing::warn!(what, id, error = %e, "revisit generation skipped an object; the next run retries it"),
    };

    let stale = files::stale_files(c, today)?;
    examined += stale.len() as i64;
    for id in stale {
        tally("revisit file", id, sync_file(c, &actor, id, today));
    }

    let missing = files::accepted_assets_without_file(c, today)?;
    examined += missing.len() as i64;
    for asset in missing {
        tally("asset", asset, create_file(c, &actor, asset, today, s.cadence));
    }

    let reach = today
        .checked_add_days(Days::new(s.horizon_days.into()))
        .unwrap_or(NaiveDate::MAX);
    let due = files::files_due_by(c, reach)?;
    examined += due.len() as i64;
    for id in due {
        tally(
            "revisit file",
            id,
            generate_for_file(c, &actor, id, today, s.horizon_days),
        );
    }
    Ok((examined, actions))
}

fn file_audit(
    c: &mut DbConn,
    actor: &Actor,
    action: &str,
    before: Option<&FileRow>,
    after: &FileRow,
    extra: Option<Value>,
) -> AppResult<()> {
    let mut after_json = snapshot(&after.to_wire());
    if let (Some(Value::Object(m)), Some(Value::Object(x))) = (&mut after_json, extra) {
        m.extend(x);
    }
    audit::record(
        c,
        actor,
        "revisit_file",
        after.id,
        action,
        before.and_then(|b| snapshot(&b.to_wire())),
        after_json,
    )?;
    Ok(())
}

/// Brings one file in step with its asset. An acceptance date cleared (or moved into the future)
/// makes the file inactive; a new or changed one (re)starts the cadence from it, with the next
/// date from today on.
fn sync_file(c: &mut DbConn, actor: &Actor, id: i64, today: NaiveDate) -> AppResult<i64> {
    write(c, |c| {
        let before = files::get_file_row(c, id)?;
        let (acceptance, customer_id, site_id) = files::asset_facts(c, before.asset_id)?;
        let mut after = before.clone();
        after.customer_id = customer_id;
        after.site_id = site_id;
        match acceptance.filter(|a| *a <= today) {
            None => {
                after.active = false;
                after.next_due = None;
            }
            Some(a) if !before.active || a != before.accepted_on => {
                after.active = true;
                after.accepted_on = a;
                after.next_due = before.cadence()?.first_on_or_after(a, today);
            }
            Some(_) => {}
        }
        let key = |f: &FileRow| (f.customer_id, f.site_id, f.accepted_on, f.active, f.next_due);
        if key(&after) == key(&before) {
            return Ok(0);
        }
        after.updated_at = ts(actor.at);
        files::update_file(c, &after)?;
        file_audit(c, actor, "sync", Some(&before), &after, None)?;
        Ok(1)
    })
}

/// Opens the revisit file of an accepted asset. Its first revisit is the first cadence date from
/// today on: an old project gets no backlog for the time before its file existed.
fn create_file(c: &mut DbConn, actor: &Actor, asset_id: i64, today: NaiveDate, cadence: Cadence) -> AppResult<i64> {
    write(c, |c| {
        let exists = files::asset_has_file(c, asset_id)?;
        let (acceptance, customer_id, site_id) = files::asset_facts(c, asset_id)?;
        let Some(accepted_on) = acceptance.filter(|a| *a <= today) else {
            return Ok(0);
        };
        if exists {
            return Ok(0); // another run got here first
        }
        let row = files::insert_file(
            c,
            &NewFile {
                asset_id,
                customer_id,
                site_id,
                accepted_on,
                cadence,
                next_due: cadence.first_on_or_after(accepted_on, today),
                at: actor.at,
            },
        )?;
        file_audit(c, actor, "create", None, &row, None)?;
        Ok(1)
    })
}

/// Creates the file's next periodic revisit when it is due within the horizon (after a gap,
/// only the latest date in reach: see `domain::cadence::generate`). A periodic revisit of the
/// file still due is marked missed: a file has at most one periodic revisit in the queue.
fn generate_for_file(c: &mut DbConn, actor: &Actor, id: i64, today: NaiveDate, horizon_days: u32) -> AppResult<i64> {
    write(c, |c| {
        let before = files::get_file_row(c, id)?;
        let Some(next_due) = before.next_due.filter(|_| before.active) else {
            return Ok(0);
        };
        let Some(plan) = cadence::generate(&before.cadence()?, before.accepted_on, next_due, today, horizon_days)
        else {
            return Ok(0); // not due yet, or another run got here first
        };
        let mut actions = 0;
        for old in store::due_of_file(c, id)? {
            store::mark_missed(c, old.id, actor.at)?;
            let after = store::get(c, old.id, today)?;
            let mut before_wire = after.clone();
            before_wire.status = RevisitStatus::Due;
            before_wire.updated_at = utc(old.updated_at);
            audit::record(
                c,
                actor,
                "revisit",
                old.id,
                "missed",
                snapshot(&before_wire),
                snapshot(&after),
            )?;
            actions += 1;
        }
        let revisit = store::insert(
            c,
            &NewRevisit {
                kind: RevisitKind::Periodic,
                file_id: Some(id),
                ticket_id: None,
                customer_id: before.customer_id,
                site_id: Some(before.site_id),
                asset_id: Some(before.asset_id),
                due_on: plan.due_on,
                at: actor.at,
            },
        )?;
        let created = store::get(c, revisit, today)?;
        audit::record(c, actor, "revisit", revisit, "create", None, snapshot(&created))?;
        // The file moves on only from the date it was read with.
        if !files::move_next_due(c, id, next_due, plan.next_due, actor.at)? {
            return Err(AppError::Conflict(format!("revisit file {id} was changed meanwhile")));
        }
        let mut after = before.clone();
        after.next_due = plan.next_due;
        after.updated_at = ts(actor.at);
        if plan.skipped > 0 {
            tracing::info!(file = id, skipped = plan.skipped, due_on = %plan.due_on, "revisit dates skipped after a gap");
        }
        let extra = json!({"revisit_id": revisit, "skipped_dates": plan.skipped});
        file_audit(c, actor, "schedule", Some(&before), &after, Some(extra))?;
        Ok(actions + 1)
    })
}
