//! Warranty terms per product model, and what an asset's warranty is read from.

use super::schema::{assets, warranty_terms};
use super::{ts, utc, DbConn, Paging};
use crate::domain::visit::{AssetWarranty, Terms};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use fieldline_mobile_api::{Page, WarrantyCountedFrom, WarrantyTerm, WarrantyTermId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = warranty_terms)]
pub struct TermRow {
    pub id: i64,
    pub model: String,
    pub months: i32,
    pub counted_from: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl TermRow {
    pub fn counted_from(&self) -> AppResult<WarrantyCountedFrom> {
        WarrantyCountedFrom::parse(&self.counted_from)
            .ok_or_else(|| AppError::internal(format!("warranty terms {} count from an unknown date", self.id)))
    }

    pub fn to_wire(&self) -> AppResult<WarrantyTerm> {
        Ok(WarrantyTerm {
            id: WarrantyTermId(self.id),
            model: self.model.clone(),
            months: self.months,
            counted_from: self.counted_from()?,
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        })
    }

    fn terms(&self) -> AppResult<Terms> {
        Ok(Terms {
            months: u32::try_from(self.months).map_err(AppError::internal)?,
            counted_from: self.counted_from()?,
        })
    }
}

/// A product model's terms, checked.
#[derive(Debug, Clone)]
pub struct TermFields {
    pub model: String,
    pub months: i32,
    pub counted_from: WarrantyCountedFrom,
}

pub fn get(c: &mut DbConn, id: i64) -> AppResult<TermRow> {
    warranty_terms::table
        .find(id)
        .select(TermRow::as_select())
        .get_result(c)
        .optional()?
        .ok_or_else(|| AppError::not_found("warranty terms", id))
}

/// The terms whose model is `model`, other than `but`.
pub fn id_of_model(c: &mut DbConn, model: &str, but: Option<i64>) -> AppResult<Option<i64>> {
    let mut q = warranty_terms::table
        .filter(warranty_terms::model.eq(model))
        .select(warranty_terms::id)
        .into_boxed();
    if let Some(id) = but {
        q = q.filter(warranty_terms::id.ne(id));
    }
    Ok(q.get_result(c).optional()?)
}

/// The terms, by model.
pub fn list(c: &mut DbConn, paging: Paging) -> AppResult<Page<WarrantyTerm>> {
    let query = || warranty_terms::table.into_boxed();
    let (rows, total): (Vec<TermRow>, i64) = paging.load(c, query, |q| {
        q.order((warranty_terms::model, warranty_terms::id))
            .select(TermRow::as_select())
    })?;
    let items = rows.iter().map(TermRow::to_wire).collect::<AppResult<_>>()?;
    Ok(paging.page(items, total))
}

pub fn insert(c: &mut DbConn, f: &TermFields, at: DateTime<Utc>) -> AppResult<TermRow> {
    Ok(diesel::insert_into(warranty_terms::table)
        .values((
            warranty_terms::model.eq(&f.model),
            warranty_terms::months.eq(f.months),
            warranty_terms::counted_from.eq(f.counted_from.as_str()),
            warranty_terms::created_at.eq(ts(at)),
            warranty_terms::updated_at.eq(ts(at)),
        ))
        .returning(warranty_terms::all_columns)
        .get_result(c)?)
}

pub fn update(c: &mut DbConn, id: i64, f: &TermFields, at: DateTime<Utc>) -> AppResult<TermRow> {
    Ok(diesel::update(warranty_terms::table.find(id))
        .set((
            warranty_terms::model.eq(&f.model),
            warranty_terms::months.eq(f.months),
            warranty_terms::counted_from.eq(f.counted_from.as_str()),
            warranty_terms::updated_at.eq(ts(at)),
        ))
        .returning(warranty_terms::all_columns)
        .get_result(c)?)
}

pub fn delete(c: &mut DbConn, id: i64) -> AppResult<()> {
    diesel::delete(warranty_terms::table.find(id)).execute(c)?;
    Ok(())
}

/// What is known of an asset's warranty: its own end, its dates, and its model's terms.
pub fn of_asset(c: &mut DbConn, asset: i64) -> AppResult<AssetWarranty> {
    type Dates = (String, Option<NaiveDate>, Option<NaiveDate>, Option<NaiveDate>);
    let (model, own_end, purchase, acceptance): Dates = assets::table
        .find(asset)
        .select((
            assets::model,
            assets::warranty_end,
            assets::purchase_date,
            assets::acceptance_date,
        ))
        .get_result(c)?;
    let terms = if own_end.is_some() {
        None
    } else {
        warranty_terms::table
            .filter(warranty_terms::model.eq(&model))
            .select(TermRow::as_select())
            .get_result(c)
            .optional()?
            .map(|t| t.terms())
            .transpose()?
    };
    Ok(AssetWarranty {
        own_end,
        terms,
        purchase,
        acceptance,
    })
}
