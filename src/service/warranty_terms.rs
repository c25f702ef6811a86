//! Warranty terms per product model: the office reads them, admins add, change and remove them.
//! An asset with no warranty end of its own is under warranty for its model's months, counted
//! from its acceptance or purchase (see `domain::visit::warranty_end`).

use super::Who;
use crate::db::audit::{self, snapshot};
use crate::db::warranty_terms::{self as store, TermFields};
use crate::db::{write, DbConn, Paging};
use crate::domain::validate;
use crate::error::{AppError, AppResult};
use crate::policy::{self, admin, Action};
use fieldline_mobile_api::{NewWarrantyTerm, Page, UpdateWarrantyTerm, WarrantyTerm};

/// The most months a warranty lasts (fifty years).
pub const MAX_MONTHS: i32 = 600;

fn months(m: i32) -> AppResult<i32> {
    if !(1..=MAX_MONTHS).contains(&m) {
        return Err(AppError::validation(
            "months",
            format!("must be between 1 and {MAX_MONTHS}"),
        ));
    }
    Ok(m)
}

fn refuse_taken_model(c: &mut DbConn, model: &str, but: Option<i64>) -> AppResult<()> {
    if store::id_of_model(c, model, but)?.is_some() {
        return Err(AppError::duplicate(
            "model",
            format!("the model {model} has warranty terms already"),
        ));
    }
    Ok(())
}

/// The terms, by model.
pub fn list(c: &mut DbConn, who: &Who, (limit, offset): (Option<i64>, Option<i64>)) -> AppResult<Page<WarrantyTerm>> {
    policy::require(&who.caller, Action::Admin(admin::Act::ReadWarrantyTerms))?;
    store::list(c, Paging::new(limit, offset)?)
}

/// Adds a model's terms; a model has one set of terms.
pub fn create(c: &mut DbConn, who: &Who, b: NewWarrantyTerm) -> AppResult<WarrantyTerm> {
    policy::require(&who.caller, Action::Admin(admin::Act::ChangeWarrantyTerms))?;
    let f = TermFields {
        model: validate::text("model", &b.model, 200)?,
        months: months(b.months)?,
        counted_from: b.counted_from,
    };
    let actor = who.actor();
    write(c, |c| {
        refuse_taken_model(c, &f.model, None)?;
        let out = store::insert(c, &f, actor.at)?.to_wire()?;
        audit::record(c, &actor, "warranty_terms", out.id.0, "create", None, snapshot(&out))?;
        Ok(out)
    })
}

/// Changes a model's terms; absent fields stay.
pub fn update(c: &mut DbConn, who: &Who, id: i64, b: UpdateWarrantyTerm) -> AppResult<WarrantyTerm> {
    policy::require(&who.caller, Action::Admin(admin::Act::ChangeWarrantyTerms))?;
    let model = b
        .model
        .as_deref()
        .map(|m| validate::text("model", m, 200))
        .transpose()?;
    let new_months = b.months.map(months).transpose()?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::get(c, id)?;
        let f = TermFields {
            model: model.clone().unwrap_or_else(|| before.model.clone()),
            months: new_months.unwrap_or(before.months),
            counted_from: b.counted_from.map_or_else(|| before.counted_from(), Ok)?,
        };
        refuse_taken_model(c, &f.model, Some(id))?;
        let after = store::update(c, id, &f, actor.at)?.to_wire()?;
        audit::record(
            c,
            &actor,
            "warranty_terms",
            id,
            "update",
            snapshot(&before.to_wire()?),
            snapshot(&after),
        )?;
        Ok(after)
    })
}

/// Removes a model's terms: its assets without a warranty end of their own have no known
/// warranty from then on.
pub fn delete(c: &mut DbConn, who: &Who, id: i64) -> AppResult<()> {
    policy::require(&who.caller, Action::Admin(admin::Act::ChangeWarrantyTerms))?;
    let actor = who.actor();
    write(c, |c| {
        let before = store::get(c, id)?;
        store::delete(c, id)?;
        audit::record(
            c,
            &actor,
            "warranty_terms",
            id,
            "delete",
            snapshot(&before.to_wire()?),
            None,
        )?;
        Ok(())
    })
}
